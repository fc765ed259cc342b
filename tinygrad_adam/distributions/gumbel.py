"""The Gumbel (type-I extreme value) distribution, as ``torch.distributions.Gumbel``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import constraints
from .distribution import broadcast_all
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, ExpTransform
from .uniform import Uniform

EULER_GAMMA = 0.57721566490153286060


class Gumbel(TransformedDistribution):
    """p(x) = e^(−(z + e^(−z)))/β with z = (x − μ)/β; a draw is μ − β log(−log u), u ~ U(tiny, 1 − eps)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        finfo = np.finfo(self.loc.dtype)
        low = self.loc.new_full(self.loc.shape, float(finfo.tiny))
        high = self.loc.new_full(self.loc.shape, 1 - float(finfo.eps))
        transforms = [
            ExpTransform().inv,
            AffineTransform(0.0, -1.0),
            ExpTransform().inv,
            AffineTransform(self.loc, -self.scale),
        ]
        super().__init__(
            Uniform(low, high, validate_args=validate_args), transforms, validate_args=validate_args
        )

    def log_prob(self, value: Tensor) -> Tensor:
        """−(z + e^(−z)) − log β, z = (x − μ)/β (PyTorch writes it out for precision)."""
        if self._validate_args:
            self._validate_sample(value)
        y = (self.loc - value) / self.scale
        return (y - y.exp()) - self.scale.log()

    @property
    def mean(self) -> Tensor:
        return self.loc + self.scale * EULER_GAMMA

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def entropy(self) -> Tensor:
        return self.scale.log() + (1 + EULER_GAMMA)
