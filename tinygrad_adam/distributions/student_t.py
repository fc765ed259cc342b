"""Student's t-distribution, as ``torch.distributions.StudentT``."""

from __future__ import annotations

import math
from typing import Any

from ..special import digamma, gammaln
from ..tensor import Tensor, randn, where
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution, broadcast_all


class StudentT(Distribution):
    """t with ν = ``df`` degrees of freedom, shifted by ``loc`` and scaled by ``scale``. ``rsample``
    is μ + σ X/√(Z/ν), X ~ N(0, 1), Z ~ χ²(ν), differentiable in all three (ν through Z's implicit
    reparameterisation gradient)."""

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df: Any, loc: Any = 0.0, scale: Any = 1.0, validate_args: bool | None = None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        super().__init__(tuple(self.df.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        """μ for ν > 1, else undefined (nan)."""
        return where(self.df > 1, self.loc, math.nan)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """σ²ν/(ν − 2) for ν > 2, ∞ for 1 < ν ≤ 2, undefined (nan) for ν ≤ 1."""
        df = self.df
        finite = self.scale.pow(2) * df / where(df > 2, df - 2, 1.0)
        return where(df > 2, finite, where(df > 1, math.inf, math.nan).astype(df.dtype))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        normal = randn(*shape, dtype=self.df.dtype, device=self.df.device)
        chi2 = Chi2(self.df, validate_args=False).rsample(sample_shape)
        return self.loc + self.scale * normal * (chi2 / self.df).rsqrt()

    def log_prob(self, value: Tensor) -> Tensor:
        """−(ν + 1)/2 · log(1 + y²/ν) − log σ − ½ log(νπ) − log Γ(ν/2) + log Γ((ν + 1)/2),
        y = (x − μ)/σ."""
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        normaliser = (
            self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi)
            + gammaln(0.5 * self.df) - gammaln(0.5 * (self.df + 1.0))
        )  # fmt: skip
        return -0.5 * (self.df + 1.0) * (y.pow(2) / self.df).log1p() - normaliser

    def entropy(self) -> Tensor:
        """log σ + (ν + 1)/2 · (ψ((ν + 1)/2) − ψ(ν/2)) + ½ log ν + log B(ν/2, ½)."""
        df = self.df
        log_beta = gammaln(0.5 * df) + math.lgamma(0.5) - gammaln(0.5 * (df + 1))
        return (
            self.scale.log() + 0.5 * (df + 1) * (digamma(0.5 * (df + 1)) - digamma(0.5 * df))
            + 0.5 * df.log() + log_beta
        )  # fmt: skip
