"""The Weibull distribution, as ``torch.distributions.Weibull``."""

from __future__ import annotations

from typing import Any

from ..special import gammaln
from ..tensor import Tensor
from . import constraints
from .distribution import _shape, broadcast_all
from .exponential import Exponential
from .gumbel import EULER_GAMMA
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform


class Weibull(TransformedDistribution):
    """p(x) = (k/λ)(x/λ)^(k−1) e^(−(x/λ)^k) on x ≥ 0 (``scale`` λ, ``concentration`` k): λE^(1/k)
    with E ~ Exponential(1)."""

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, scale: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(self.scale.new_ones(self.scale.shape), validate_args=validate_args)
        transforms = [PowerTransform(self.concentration_reciprocal), AffineTransform(0.0, self.scale)]
        super().__init__(base, transforms, validate_args=validate_args)

    def expand(self, batch_shape: Any) -> Weibull:
        batch_shape = _shape(batch_shape, "batch_shape")
        new = Weibull(
            self.scale.expand(*batch_shape), self.concentration.expand(*batch_shape), validate_args=False
        )
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.scale * gammaln(1 + self.concentration_reciprocal).exp()

    @property
    def mode(self) -> Tensor:
        k = self.concentration
        return self.scale * ((k - 1) / k).pow(k.reciprocal())

    @property
    def variance(self) -> Tensor:
        first = gammaln(1 + self.concentration_reciprocal).exp()
        second = gammaln(1 + 2 * self.concentration_reciprocal).exp()
        return self.scale.pow(2) * (second - first.pow(2))

    def entropy(self) -> Tensor:
        return (
            EULER_GAMMA * (1 - self.concentration_reciprocal)
            + (self.scale * self.concentration_reciprocal).log()
            + 1
        )
