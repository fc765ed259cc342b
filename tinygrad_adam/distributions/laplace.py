"""The Laplace (double exponential) distribution, as ``torch.distributions.Laplace``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor, rand
from .distribution import LocScaleDistribution


class Laplace(LocScaleDistribution):
    """p(x) = e^(−|x − μ|/b)/(2b); ``rsample`` inverts the CDF at u ~ U(eps − 1, 1), as PyTorch."""

    @property
    def variance(self) -> Tensor:
        return 2 * self.scale.pow(2)

    @property
    def stddev(self) -> Tensor:
        return math.sqrt(2) * self.scale

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = float(np.finfo(self.loc.dtype).eps)
        u = rand(*self._extended_shape(sample_shape), dtype=self.loc.dtype, device=self.loc.device)
        u = u * (2 - eps) + (eps - 1)  # U(eps − 1, 1): log1p(−|u|) stays finite
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Tensor) -> Tensor:
        """−log(2b) − |x − μ|/b."""
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value: Tensor) -> Tensor:
        """½ − ½ sign(x − μ) (e^(−|x − μ|/b) − 1)."""
        if self._validate_args:
            self._validate_sample(value)
        centred = value - self.loc
        return 0.5 - 0.5 * centred.sign() * (-centred.abs() / self.scale).expm1()

    def icdf(self, value: Tensor) -> Tensor:
        """μ − b sign(p − ½) log(1 − 2|p − ½|)."""
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        """1 + log(2b)."""
        return 1 + (2 * self.scale).log()
