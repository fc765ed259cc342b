"""The negative binomial distribution, as ``torch.distributions.NegativeBinomial``."""

from __future__ import annotations

from typing import Any

from ..autograd import no_grad
from ..special import gammaln
from ..tensor import Tensor, where
from . import constraints
from .distribution import BinaryTrialDistribution
from .gamma import Gamma
from .poisson import Poisson


def _log_sigmoid(x: Tensor) -> Tensor:
    from ..nn.functional import logsigmoid

    return logsigmoid(x)


class NegativeBinomial(BinaryTrialDistribution):
    """P(k) = Γ(k + r)/(k! Γ(r)) p^k (1 − p)^r: the successes before the r-th failure
    (r = ``total_count``, p = ``probs`` the success probability). Draws are Poisson(λ) with
    λ ~ Gamma(r, (1 − p)/p), as PyTorch's."""

    arg_constraints = {
        "total_count": constraints.greater_than_eq(0),
        "probs": constraints.half_open_interval(0.0, 1.0),
        "logits": constraints.real,
    }
    support = constraints.nonnegative_integer

    def __init__(
        self, total_count: Any, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        total_count, param = self._init_probs_or_logits(probs, logits, total_count)
        self.total_count = total_count.astype(param.dtype)
        super().__init__(tuple(param.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(0, None)

    @property
    def variance(self) -> Tensor:
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            gamma = Gamma(self.total_count.detach(), (-self.logits.detach()).exp(), validate_args=False)
            return Poisson(gamma.sample(sample_shape), validate_args=False).sample()

    def log_prob(self, value: Tensor) -> Tensor:
        """r log σ(−l) + k log σ(l) + log Γ(r + k) − log k! − log Γ(r) (0 where r + k = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        r = self.total_count
        log_unnormalised = r * _log_sigmoid(-self.logits) + value * _log_sigmoid(self.logits)
        log_normaliser = -gammaln(r + value) + gammaln(1.0 + value) + gammaln(r)
        log_normaliser = where((r + value) == 0, 0.0, log_normaliser)
        return log_unnormalised - log_normaliser
