"""The exponential distribution with ``rate`` λ, as ``torch.distributions.Exponential``."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor, rand
from . import constraints
from .distribution import Distribution, broadcast_all


class Exponential(Distribution):
    """p(x) = λ e^(−λx) on x ≥ 0; ``rsample`` is −log(u)/λ with u ~ U(0, 1], differentiable in λ."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(tuple(self.rate.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return self.rate.new_zeros(self.rate.shape)

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        uniform = 1 - rand(
            *self._extended_shape(sample_shape), dtype=self.rate.dtype, device=self.rate.device
        )
        return -uniform.log() / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        """log λ − λx."""
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value: Tensor) -> Tensor:
        """1 − e^(−λx)."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        """−log(1 − p)/λ."""
        return -(-value).log1p() / self.rate

    def entropy(self) -> Tensor:
        """1 − log λ."""
        return 1.0 - self.rate.log()
