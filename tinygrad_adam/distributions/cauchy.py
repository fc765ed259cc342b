"""The Cauchy (Lorentz) distribution, as ``torch.distributions.Cauchy``: no mean, no variance."""

from __future__ import annotations

import math
from typing import Any

from ..tensor import Tensor, full, rand
from .distribution import LocScaleDistribution


def _atan(x: Tensor) -> Tensor:
    return x.atan2(x.new_ones(()))


def _tan(x: Tensor) -> Tensor:
    return x.sin() / x.cos()


class Cauchy(LocScaleDistribution):
    """p(x) = 1/(πγ(1 + ((x − x₀)/γ)²)) with x₀ = ``loc``, γ = ``scale``; ``rsample`` is
    x₀ + γ tan(π(u − ½)), differentiable in both."""

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), math.nan, dtype=self.loc.dtype, device=self.loc.device)

    @property
    def variance(self) -> Tensor:
        return full(self._extended_shape(), math.inf, dtype=self.loc.dtype, device=self.loc.device)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        u = rand(*self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + _tan(math.pi * (u - 0.5)) * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """−log π − log γ − log(1 + ((x − x₀)/γ)²)."""
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - self.scale.log() - ((value - self.loc) / self.scale).pow(2).log1p()

    def cdf(self, value: Tensor) -> Tensor:
        """atan((x − x₀)/γ)/π + ½."""
        if self._validate_args:
            self._validate_sample(value)
        return _atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value: Tensor) -> Tensor:
        return _tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self) -> Tensor:
        """log(4π) + log γ."""
        return math.log(4 * math.pi) + self.scale.log()
