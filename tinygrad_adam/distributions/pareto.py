"""The Pareto (type I) distribution, as ``torch.distributions.Pareto``."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import constraints
from .distribution import broadcast_all
from .exponential import Exponential
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, ExpTransform


class Pareto(TransformedDistribution):
    """p(x) = α x_m^α / x^(α+1) on x ≥ x_m (``scale`` x_m, ``alpha`` α): x_m e^E with E ~ Exponential(α)."""

    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}
    has_rsample = True

    def __init__(self, scale: Any, alpha: Any, validate_args: bool | None = None) -> None:
        self.scale, self.alpha = broadcast_all(scale, alpha)
        transforms = [ExpTransform(), AffineTransform(0.0, self.scale)]
        super().__init__(
            Exponential(self.alpha, validate_args=validate_args), transforms, validate_args=validate_args
        )

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.greater_than_eq(self.scale)

    @property
    def mean(self) -> Tensor:
        """α x_m/(α − 1), infinite for α ≤ 1."""
        a = self.alpha.clamp(1, None)
        return a * self.scale / (a - 1)

    @property
    def mode(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        """x_m² α/((α − 1)²(α − 2)), infinite for α ≤ 2."""
        a = self.alpha.clamp(2, None)
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    def entropy(self) -> Tensor:
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())
