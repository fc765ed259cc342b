"""The Bernoulli distribution (1 with probability p, else 0), as ``torch.distributions.Bernoulli``."""

from __future__ import annotations

from typing import Any

from ..sampling import bernoulli
from ..tensor import Tensor
from . import constraints
from .distribution import BinaryTrialDistribution, _softplus


class Bernoulli(BinaryTrialDistribution):
    """Given ``probs`` p or ``logits`` log(p/(1 − p)), never both; the other is derived on use."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        (param,) = self._init_probs_or_logits(probs, logits)
        super().__init__(tuple(param.shape), validate_args=validate_args)

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._batch_shape

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        mode = (self.probs >= 0.5).astype(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        probs = self.probs.detach().expand(*self._extended_shape(sample_shape))
        return bernoulli(probs)

    def log_prob(self, value: Tensor) -> Tensor:
        """x·l − softplus(l) for logits l: minus the binary cross-entropy with logits."""
        if self._validate_args:
            self._validate_sample(value)
        return value * self.logits - _softplus(self.logits)

    def entropy(self) -> Tensor:
        """softplus(l) − p·l: the binary cross-entropy of the distribution with itself."""
        return _softplus(self.logits) - self.probs * self.logits

    def enumerate_support(self, expand: bool = True) -> Tensor:
        from ..tensor import tensor

        values = tensor([0.0, 1.0], dtype=self.probs.dtype if "probs" in self.__dict__ else self.logits.dtype)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(2, *self._batch_shape) if expand else values
