"""The multivariate normal distribution N(μ, Σ), as ``torch.distributions.MultivariateNormal``:
given one of ``covariance_matrix`` Σ, ``precision_matrix`` Σ⁻¹ or ``scale_tril`` L (Σ = LLᵀ, L
lower triangular with a positive diagonal). Everything runs through L, by ``tg.linalg``'s
differentiable Cholesky factorisation and triangular solves."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import linalg
from ..autograd import no_grad
from ..functions import eye
from ..tensor import Tensor, randn
from . import constraints
from .distribution import Distribution, lazy_property


def _diagonal(matrix: Tensor) -> Tensor:
    """The main diagonals of a (..., n, n) batch, shape (..., n)."""
    return (matrix * eye(matrix.shape[-1], dtype=matrix.dtype, device=matrix.device)).sum(-1)


def cholesky(matrix: Tensor) -> Tensor:
    """L with LLᵀ = A for symmetric positive-definite A (..., n, n): ``tg.linalg.cholesky``."""
    return linalg.cholesky(matrix)


def solve_lower_triangular(lower: Tensor, rhs: Tensor) -> Tensor:
    """X with LX = B for lower-triangular L (..., n, n) and B (..., n, m)."""
    return linalg.solve_triangular(lower, rhs, upper=False)


def _symmetric_part(matrix: Tensor) -> Tensor:
    """(A + Aᵀ)/2: the same matrix for a symmetric A, and the gradient then comes out symmetric, as
    PyTorch's Cholesky gives it (the factorisation itself reads one triangle only)."""
    return (matrix + matrix.mT) / 2


def _inverse_spd(matrix: Tensor) -> Tensor:
    """A⁻¹ of a symmetric positive-definite A, through its Cholesky factor."""
    return inverse_from_scale_tril(cholesky(matrix))


def inverse_from_scale_tril(lower: Tensor) -> Tensor:
    """(LLᵀ)⁻¹ = L⁻ᵀL⁻¹ for lower-triangular L: the precision matrix of a scale_tril."""
    inverse_lower = solve_lower_triangular(lower, _identity_like(lower))
    return inverse_lower.mT @ inverse_lower


def _identity_like(matrix: Tensor) -> Tensor:
    return eye(matrix.shape[-1], dtype=matrix.dtype, device=matrix.device).expand(*matrix.shape)


def one_matrix_given(
    covariance_matrix: Tensor | None,
    precision_matrix: Tensor | None,
    scale_tril: Tensor | None,
    error: type[Exception] = ValueError,
) -> tuple[str, Any]:
    """(name, matrix) of the one of Σ, Σ⁻¹ or L that was given; PyTorch's rule is that exactly one
    is, and breaking it raises ``error``."""
    given = {
        "covariance_matrix": covariance_matrix,
        "precision_matrix": precision_matrix,
        "scale_tril": scale_tril,
    }
    given = {name: m for name, m in given.items() if m is not None}
    if len(given) != 1:
        raise error("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
    ((name, matrix),) = given.items()
    return name, matrix


def scale_tril_from(name: str, matrix: Tensor) -> Tensor:
    """L (Σ = LLᵀ) from ``matrix``, which is the ``name`` one of Σ, Σ⁻¹ or L."""
    if name == "scale_tril":
        return matrix
    if name == "covariance_matrix":
        return cholesky(_symmetric_part(matrix))
    return cholesky(_inverse_spd(_symmetric_part(matrix)))


def batch_mahalanobis(lower: Tensor, x: Tensor) -> Tensor:
    """xᵀ(LLᵀ)⁻¹x = |L⁻¹x|² for x (..., n), L broadcast against x's batch."""
    shape = np.broadcast_shapes(tuple(lower.shape[:-2]), tuple(x.shape[:-1]))
    n = x.shape[-1]
    solved = solve_lower_triangular(lower.expand(*shape, n, n), x.expand(*shape, n).unsqueeze(-1))
    return solved.squeeze(-1).pow(2).sum(-1)


class MultivariateNormal(Distribution):
    """N(μ, Σ) over vectors (the last axis of ``loc`` is the event); ``rsample`` is μ + Lε with
    ε ~ N(0, I), differentiable in μ and in whichever matrix was given."""

    arg_constraints = {
        "loc": constraints.real_vector,
        "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite,
        "scale_tril": constraints.lower_cholesky,
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self,
        loc: Tensor,
        covariance_matrix: Tensor | None = None,
        precision_matrix: Tensor | None = None,
        scale_tril: Tensor | None = None,
        validate_args: bool | None = None,
    ) -> None:
        if not isinstance(loc, Tensor) or loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        name, matrix = one_matrix_given(covariance_matrix, precision_matrix, scale_tril)
        if not isinstance(matrix, Tensor) or matrix.ndim < 2:
            raise ValueError(
                f"{name} matrix must be at least two-dimensional, with optional leading batch dimensions"
            )
        if matrix.shape[-1] != matrix.shape[-2] or matrix.shape[-1] != loc.shape[-1]:
            raise ValueError(
                f"{name} must be a square matrix matching loc's last size {loc.shape[-1]}, "
                f"got shape {tuple(matrix.shape)}"
            )
        if matrix.dtype != loc.dtype:
            raise TypeError(f"MultivariateNormal: loc is {loc.dtype} but {name} is {matrix.dtype}")
        n = loc.shape[-1]
        batch_shape = tuple(np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1])))
        setattr(self, name, matrix.expand(*batch_shape, n, n))
        self.loc = loc.expand(*batch_shape, n)
        super().__init__(batch_shape, (n,), validate_args=validate_args)
        self._unbroadcasted_scale_tril = scale_tril_from(name, matrix)

    @lazy_property
    def scale_tril(self) -> Tensor:
        n = self._event_shape[0]
        return self._unbroadcasted_scale_tril.expand(*self._batch_shape, n, n)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        lower = self._unbroadcasted_scale_tril
        n = self._event_shape[0]
        return (lower @ lower.mT).expand(*self._batch_shape, n, n)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        n = self._event_shape[0]
        return inverse_from_scale_tril(self._unbroadcasted_scale_tril).expand(*self._batch_shape, n, n)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(*self._batch_shape, *self._event_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        noise = randn(*shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + (self._unbroadcasted_scale_tril @ noise.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        """log √det Σ = Σᵢ log Lᵢᵢ."""
        return _diagonal(self._unbroadcasted_scale_tril).log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        """−½ (n log 2π + (x − μ)ᵀΣ⁻¹(x − μ)) − ½ log det Σ."""
        if self._validate_args:
            self._validate_sample(value)
        n = self._event_shape[0]
        mahalanobis = batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (n * math.log(2 * math.pi) + mahalanobis) - self._half_log_det()

    def entropy(self) -> Tensor:
        """½ n (1 + log 2π) + ½ log det Σ."""
        n = self._event_shape[0]
        entropy = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return entropy.expand(*self._batch_shape) if self._batch_shape else entropy


def is_positive_definite(value: Tensor) -> Tensor:
    """Symmetric (to 1e-6) with a Cholesky factorisation, over the last two axes."""
    with no_grad():
        symmetric = ((value - value.mT).abs() <= 1e-6 + 1e-5 * value.mT.abs()).all(-1).all(-1)
        factor_exists = linalg.cholesky_ex(value).info == 0
        return symmetric & factor_exists
