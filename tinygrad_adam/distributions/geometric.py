"""The geometric distribution (failures before the first success), as ``torch.distributions.Geometric``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor, rand, where
from . import constraints
from .distribution import BinaryTrialDistribution, _softplus


class Geometric(BinaryTrialDistribution):
    """P(k) = (1 − p)^k p for k = 0, 1, 2, ...: the number of failures before the first success of
    Bernoulli(p) trials, given ``probs`` p (in (0, 1]) or ``logits``, never both."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        (param,) = self._init_probs_or_logits(probs, logits)
        super().__init__(tuple(param.shape), validate_args=validate_args)
        if self._validate_args and probs is not None and not (self.probs > 0).all().item():
            value = self.probs
            raise ValueError(
                f"Expected parameter probs ({type(value).__name__} of shape {tuple(value.shape)}) of "
                f"distribution {self!r} to be positive but found invalid values:\n{value}"
            )

    @property
    def mean(self) -> Tensor:
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return self.probs.new_zeros(self.probs.shape)

    @property
    def variance(self) -> Tensor:
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """⌊log u / log(1 − p)⌋ for u ~ U(tiny, 1): the inverse of the CDF 1 − (1 − p)^(k+1)."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            probs = self.probs.detach()
            tiny = float(np.finfo(probs.dtype).tiny)
            u = rand(*shape, dtype=probs.dtype, device=probs.device).clamp(tiny, None)
            certain = probs == 1  # log(1 − p) = −inf: no failure
            return where(certain, 0.0, u.log() / (-where(certain, 0.5, probs)).log1p()).floor()

    def log_prob(self, value: Tensor) -> Tensor:
        """k log(1 − p) + log p, with 0·log 0 = 0 at p = 1, k = 0."""
        if self._validate_args:
            self._validate_sample(value)
        probs = where((self.probs == 1) & (value == 0), 0.0, self.probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        """(softplus(l) − p·l)/p: a Bernoulli trial's entropy over the success probability."""
        return (_softplus(self.logits) - self.probs * self.logits) / self.probs
