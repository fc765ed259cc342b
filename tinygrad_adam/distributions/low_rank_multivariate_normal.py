"""The multivariate normal with a low-rank-plus-diagonal covariance Σ = WWᵀ + D, as
``torch.distributions.LowRankMultivariateNormal``: log-densities cost O(n·m²) through the m × m
capacitance matrix C = I + WᵀD⁻¹W (Woodbury's identity and the matrix determinant lemma)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..functions import eye
from ..tensor import Tensor, randn
from . import constraints
from .distribution import Distribution, lazy_property
from .multivariate_normal import _diagonal, batch_mahalanobis, cholesky, solve_lower_triangular


def _diag_embed(vector: Tensor) -> Tensor:
    return vector.unsqueeze(-1) * eye(vector.shape[-1], dtype=vector.dtype, device=vector.device)


class LowRankMultivariateNormal(Distribution):
    """N(μ, WWᵀ + diag(d)) with W = ``cov_factor`` (n × m) and d = ``cov_diag`` (n, positive);
    ``rsample`` is μ + Wε₁ + √d ⊙ ε₂, differentiable in all three."""

    arg_constraints = {
        "loc": constraints.real_vector,
        "cov_factor": constraints.independent(constraints.real, 2),
        "cov_diag": constraints.independent(constraints.positive, 1),
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self, loc: Tensor, cov_factor: Tensor, cov_diag: Tensor, validate_args: bool | None = None
    ) -> None:
        for name, value in (("loc", loc), ("cov_factor", cov_factor), ("cov_diag", cov_diag)):
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"LowRankMultivariateNormal: {name} must be a Tensor, got {type(value).__name__}"
                )
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        n = loc.shape[-1]
        if cov_factor.ndim < 2:
            raise ValueError(
                "cov_factor must be at least two-dimensional, with optional leading batch dimensions"
            )
        if cov_factor.shape[-2] != n:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {n} x m")
        if cov_diag.ndim < 1 or cov_diag.shape[-1] != n:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {(n,)}")
        if not loc.dtype == cov_factor.dtype == cov_diag.dtype:
            raise TypeError(
                f"LowRankMultivariateNormal: loc, cov_factor and cov_diag must share a dtype, got "
                f"{loc.dtype}, {cov_factor.dtype} and {cov_diag.dtype}"
            )
        m = cov_factor.shape[-1]
        try:
            batch_shape = tuple(
                np.broadcast_shapes(
                    tuple(loc.shape[:-1]), tuple(cov_factor.shape[:-2]), tuple(cov_diag.shape[:-1])
                )
            )
        except ValueError:
            raise ValueError(
                f"Incompatible batch shapes: loc {tuple(loc.shape)}, cov_factor {tuple(cov_factor.shape)}, "
                f"cov_diag {tuple(cov_diag.shape)}"
            ) from None
        self.loc = loc.expand(*batch_shape, n)
        self.cov_factor = cov_factor.expand(*batch_shape, n, m)
        self.cov_diag = cov_diag.expand(*batch_shape, n)
        self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag = cov_factor, cov_diag
        super().__init__(batch_shape, (n,), validate_args=validate_args)
        self._capacitance_tril = cholesky(self._capacitance(cov_factor, cov_diag))

    @staticmethod
    def _capacitance(factor: Tensor, diagonal: Tensor) -> Tensor:
        """C = I + WᵀD⁻¹W (m × m)."""
        m = factor.shape[-1]
        return factor.mT / diagonal.unsqueeze(-2) @ factor + eye(m, dtype=factor.dtype, device=factor.device)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        variance = self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag
        return variance.expand(*self._batch_shape, *self._event_shape)

    def _expand_matrix(self, matrix: Tensor) -> Tensor:
        n = self._event_shape[0]
        return matrix.expand(*self._batch_shape, n, n)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        factor = self._unbroadcasted_cov_factor
        return self._expand_matrix(factor @ factor.mT + _diag_embed(self._unbroadcasted_cov_diag))

    @lazy_property
    def scale_tril(self) -> Tensor:
        """√D · chol(I + D^(−½)WWᵀD^(−½)), the Cholesky factor of Σ without forming Σ first."""
        root = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        scaled = self._unbroadcasted_cov_factor / root
        n = self._event_shape[0]
        inner = scaled @ scaled.mT + eye(n, dtype=scaled.dtype, device=scaled.device)
        return self._expand_matrix(root * cholesky(inner))

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """D⁻¹ − D⁻¹W C⁻¹ WᵀD⁻¹ (Woodbury)."""
        factor_over_diag = self._unbroadcasted_cov_factor.mT / self._unbroadcasted_cov_diag.unsqueeze(-2)
        solved = solve_lower_triangular(self._capacitance_tril, factor_over_diag)
        return self._expand_matrix(
            _diag_embed(self._unbroadcasted_cov_diag.reciprocal()) - solved.mT @ solved
        )

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        factor = self._unbroadcasted_cov_factor
        noise_factor = randn(*shape[:-1], factor.shape[-1], dtype=self.loc.dtype, device=self.loc.device)
        noise_diag = randn(*shape, dtype=self.loc.dtype, device=self.loc.device)
        low_rank = (factor @ noise_factor.unsqueeze(-1)).squeeze(-1)
        return self.loc + low_rank + self._unbroadcasted_cov_diag.sqrt() * noise_diag

    def _log_det(self) -> Tensor:
        """log det Σ = log det C + Σ log d (the matrix determinant lemma)."""
        return 2 * _diagonal(self._capacitance_tril).log().sum(-1) + self._unbroadcasted_cov_diag.log().sum(
            -1
        )

    def log_prob(self, value: Tensor) -> Tensor:
        """−½ (n log 2π + log det Σ + xᵀΣ⁻¹x), x = value − μ, with
        xᵀΣ⁻¹x = xᵀD⁻¹x − |L_C⁻¹ WᵀD⁻¹x|² (Woodbury)."""
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        factor, diagonal = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        projected = ((factor.mT / diagonal.unsqueeze(-2)) @ diff.unsqueeze(-1)).squeeze(-1)
        mahalanobis = (diff.pow(2) / diagonal).sum(-1) - batch_mahalanobis(self._capacitance_tril, projected)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + self._log_det() + mahalanobis)

    def entropy(self) -> Tensor:
        n = self._event_shape[0]
        entropy = 0.5 * (n * (1.0 + math.log(2 * math.pi)) + self._log_det())
        return entropy.expand(*self._batch_shape) if self._batch_shape else entropy
