"""The beta distribution on [0, 1], as ``torch.distributions.Beta``."""

from __future__ import annotations

from typing import Any

from ..functions import xlogy
from ..special import digamma, gammaln
from ..tensor import Tensor, stack
from . import constraints
from .dirichlet import Dirichlet
from .distribution import Distribution, broadcast_all


class Beta(Distribution):
    """p(x) = x^(a−1) (1 − x)^(b−1) / B(a, b) with a = ``concentration1``, b = ``concentration0``.
    A draw is the first entry of a Dirichlet((a, b)) draw, X/(X + Y) for X ~ Gamma(a, 1),
    Y ~ Gamma(b, 1); ``rsample`` is differentiable in a and b through it, as PyTorch's."""

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any, validate_args: bool | None = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        super().__init__(tuple(self.concentration1.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def variance(self) -> Tensor:
        """ab/((a + b)²(a + b + 1))."""
        a, b = self.concentration1, self.concentration0
        total = a + b
        return a * b / (total.pow(2) * (total + 1))

    @property
    def mode(self) -> Tensor:
        return self._dirichlet.mode[..., 0]

    @property
    def _dirichlet(self) -> Dirichlet:
        return Dirichlet(stack([self.concentration1, self.concentration0], -1), validate_args=False)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self._dirichlet.rsample(sample_shape)[..., 0]

    def log_prob(self, value: Tensor) -> Tensor:
        """(a − 1) log x + (b − 1) log(1 − x) − log B(a, b)."""
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration1, self.concentration0
        return xlogy(a - 1, value) + xlogy(b - 1, 1 - value) - log_beta(a, b)

    def entropy(self) -> Tensor:
        """log B(a, b) − (a − 1) ψ(a) − (b − 1) ψ(b) + (a + b − 2) ψ(a + b)."""
        a, b = self.concentration1, self.concentration0
        return log_beta(a, b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (a + b - 2) * digamma(a + b)


def log_beta(a: Tensor, b: Tensor) -> Tensor:
    """log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)."""
    return gammaln(a) + gammaln(b) - gammaln(a + b)
