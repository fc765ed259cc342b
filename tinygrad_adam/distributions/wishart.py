"""The Wishart distribution over symmetric positive-definite matrices, as
``torch.distributions.Wishart``: X = Σᵢ₌₁..ν zᵢzᵢᵀ with zᵢ ~ N(0, Σ) for whole ν, extended to real
ν > p − 1. Everything runs through the Cholesky factor L of Σ = LLᵀ."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import linalg
from ..special import digamma, multigammaln
from ..tensor import Tensor, arange, randn, tensor, where
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution, lazy_property
from .multivariate_normal import inverse_from_scale_tril, one_matrix_given, scale_tril_from

LOG_2 = math.log(2)


class WishartParameterError(ValueError, AssertionError):
    """Not exactly one of the three matrices: PyTorch raises AssertionError, the rest of this
    package ValueError for the same mistake; this is both."""


def multivariate_digamma(x: Tensor, p: int) -> Tensor:
    """ψₚ(x) = Σᵢ₌₀..ₚ₋₁ ψ(x − i/2), the derivative of log Γₚ."""
    halves = arange(p, dtype=x.dtype, device=x.device) / 2
    return digamma(x.unsqueeze(-1) - halves).sum(-1)


class Wishart(Distribution):
    """W(ν, Σ) over p×p matrices, given ``df`` ν > p − 1 and one of ``covariance_matrix`` Σ,
    ``precision_matrix`` Σ⁻¹ or ``scale_tril`` L. ``rsample`` is Bartlett's decomposition (X = LA(LA)ᵀ,
    A lower triangular with √χ²(ν − i) on the diagonal and N(0, 1) below), differentiable in ν and L.
    ν < p warns: singular draws are then likely, and are drawn again up to ``max_try_correction`` times.
    """

    support = constraints.positive_definite
    has_rsample = True

    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:  # type: ignore[override]
        return {
            "covariance_matrix": constraints.positive_definite,
            "precision_matrix": constraints.positive_definite,
            "scale_tril": constraints.lower_cholesky,
            "df": constraints.greater_than(self._event_shape[-1] - 1),
        }

    def __init__(
        self,
        df: Any,
        covariance_matrix: Tensor | None = None,
        precision_matrix: Tensor | None = None,
        scale_tril: Tensor | None = None,
        validate_args: bool | None = None,
    ) -> None:
        name, matrix = one_matrix_given(
            covariance_matrix, precision_matrix, scale_tril, WishartParameterError
        )
        if not isinstance(matrix, Tensor) or matrix.ndim < 2 or matrix.shape[-1] != matrix.shape[-2]:
            raise ValueError(
                f"{name} must be at least two-dimensional and square, with optional leading batch dimensions"
            )
        p = matrix.shape[-1]
        if isinstance(df, Tensor):
            if df.dtype != matrix.dtype:
                raise TypeError(f"Wishart: df is {df.dtype} but {name} is {matrix.dtype}")
            batch_shape = tuple(np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(df.shape)))
            self.df = df.expand(*batch_shape)
        elif isinstance(df, (int, float, np.number)) and not isinstance(df, bool):
            batch_shape = tuple(matrix.shape[:-2])
            # expanded over the batch (PyTorch keeps a 0-d df here, and its mean then fails to reshape it)
            self.df = tensor(float(df), dtype=matrix.dtype, device=matrix.device).expand(*batch_shape)
        else:
            raise TypeError(f"Wishart: df must be a number or a Tensor, got {type(df).__name__}")
        if (self.df <= p - 1).any().item():
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        if (self.df < p).any().item():
            warnings.warn(
                "Low df values detected. Singular samples are highly likely to occur for "
                "ndim - 1 < df < ndim.",
                stacklevel=2,
            )
        setattr(self, name, matrix.expand(*batch_shape, p, p))
        super().__init__(batch_shape, (p, p), validate_args=validate_args)
        self._unbroadcasted_scale_tril = scale_tril_from(name, matrix)

    @property
    def _chi2(self) -> Chi2:
        """χ²(ν − i), i = 0..p − 1: the squares of Bartlett's diagonal."""
        p = self._event_shape[-1]
        offsets = arange(p, dtype=self.df.dtype, device=self.df.device)
        return Chi2(self.df.unsqueeze(-1) - offsets, validate_args=False)

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        lower = self._unbroadcasted_scale_tril
        return (lower @ lower.mT).expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        precision = inverse_from_scale_tril(self._unbroadcasted_scale_tril)
        return precision.expand(*self._batch_shape, *self._event_shape)

    def _df_matrix(self) -> Tensor:
        return self.df.reshape(*self._batch_shape, 1, 1)

    @property
    def mean(self) -> Tensor:
        return self._df_matrix() * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        """(ν − p − 1)Σ, NaN where ν ≤ p + 1 (no mode inside the cone)."""
        factor = self.df - self._event_shape[-1] - 1
        factor = where(factor <= 0, math.nan, factor)
        return factor.reshape(*self._batch_shape, 1, 1) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        """Var Xᵢⱼ = ν(Σᵢⱼ² + ΣᵢᵢΣⱼⱼ)."""
        covariance = self.covariance_matrix
        diagonal = linalg.diagonal(covariance)
        return self._df_matrix() * (covariance.pow(2) + diagonal.unsqueeze(-1) * diagonal.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape: tuple[int, ...]) -> Tensor:
        p = self._event_shape[-1]
        eps = float(np.finfo(self.df.dtype).eps)
        diagonal = self._chi2.rsample(sample_shape).sqrt().clamp(eps, None)
        below = randn(*sample_shape, *self._batch_shape, p, p, dtype=self.df.dtype, device=self.df.device)
        factor = self._unbroadcasted_scale_tril @ (below.tril(-1) + diagonal.diag_embed())
        return factor @ factor.mT

    def rsample(self, sample_shape: Any = (), max_try_correction: int | None = None) -> Tensor:
        """Bartlett draws; singular ones (likely only for ν < p) are drawn again, up to
        ``max_try_correction`` (default 10) times, with a warning, as PyTorch."""
        shape = self._extended_shape(sample_shape)
        sample_shape = shape[: len(shape) - len(self._batch_shape) - 2]
        sample = self._bartlett_sampling(sample_shape)
        tries = 10 if max_try_correction is None else max_try_correction
        singular = ~self.support.check(sample.detach())
        if singular.any().item():
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(tries):
                sample = where(
                    singular.unsqueeze(-1).unsqueeze(-1), self._bartlett_sampling(sample_shape), sample
                )
                singular = ~self.support.check(sample.detach())
                if not singular.any().item():
                    break
        return sample

    def log_prob(self, value: Tensor) -> Tensor:
        """−ν(p log 2/2 + log|L|) − log Γₚ(ν/2) + (ν − p − 1)/2 · log|X| − tr(Σ⁻¹X)/2."""
        if self._validate_args:
            self._validate_sample(value)
        nu, p, lower = self.df, self._event_shape[-1], self._unbroadcasted_scale_tril
        half_log_det = linalg.diagonal(lower).log().sum(-1)
        trace = linalg.diagonal(linalg.cholesky_solve(value, lower)).sum(-1)
        return (
            -nu * (p * LOG_2 / 2 + half_log_det)
            - multigammaln(nu / 2, p)
            + (nu - p - 1) / 2 * linalg.slogdet(value).logabsdet
            - trace / 2
        )

    def entropy(self) -> Tensor:
        """(p + 1)(p log 2/2 + log|L|) + log Γₚ(ν/2) − (ν − p − 1)/2 · ψₚ(ν/2) + νp/2."""
        nu, p = self.df, self._event_shape[-1]
        half_log_det = linalg.diagonal(self._unbroadcasted_scale_tril).log().sum(-1)
        return (
            (p + 1) * (p * LOG_2 / 2 + half_log_det)
            + multigammaln(nu / 2, p)
            - (nu - p - 1) / 2 * multivariate_digamma(nu / 2, p)
            + nu * p / 2
        )
