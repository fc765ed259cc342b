"""The normal distribution N(loc, scale²), as ``torch.distributions.Normal``."""

from __future__ import annotations

import math
from typing import Any

from ..tensor import Tensor, randn
from .distribution import LOG_SQRT_2PI, LocScaleDistribution


class Normal(LocScaleDistribution):
    """N(loc, scale²); ``rsample`` is loc + scale·ε with ε ~ N(0, 1), so gradients reach both."""

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale.pow(2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        noise = randn(*shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + noise * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """log N(x; μ, σ²) = −(x − μ)²/(2σ²) − log σ − log √(2π)."""
        if self._validate_args:
            self._validate_sample(value)
        return -((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log() - LOG_SQRT_2PI

    def cdf(self, value: Tensor) -> Tensor:
        """Φ((x − μ)/σ) = (1 + erf((x − μ)/(σ√2)))/2."""
        from ..nn.erf import erf

        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + erf((value - self.loc) / (self.scale * math.sqrt(2))))

    def icdf(self, value: Tensor) -> Tensor:
        """μ + σ Φ⁻¹(p)."""
        from ..special import ndtri

        return self.loc + self.scale * ndtri(value)

    def entropy(self) -> Tensor:
        """½ + ½ log(2π) + log σ."""
        return 0.5 + LOG_SQRT_2PI + self.scale.log()
