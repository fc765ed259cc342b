"""The multinomial distribution (counts of K categories in ``total_count`` draws), as
``torch.distributions.Multinomial``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..special import gammaln
from ..tensor import Tensor, ones, tensor, where, zeros
from . import constraints
from .binomial import Binomial
from .categorical import Categorical, CategoricalWrapper
from .distribution import _shape, broadcast_all


class Multinomial(CategoricalWrapper):
    """P(x) = n!/(x₁!…x_K!) · p₁^x₁ … p_K^x_K for counts x summing to n = ``total_count`` (one int
    for the whole batch, as PyTorch), the last axis of ``probs`` (normalised) or ``logits`` (never
    both) giving p. ``log_prob`` reads n from the value itself, so it needs no ``total_count``."""

    def __init__(
        self,
        total_count: int = 1,
        probs: Any = None,
        logits: Any = None,
        validate_args: bool | None = None,
    ) -> None:
        if isinstance(total_count, bool) or not isinstance(total_count, (int, np.integer)):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = int(total_count)
        super().__init__(Categorical(probs=probs, logits=logits), validate_args=validate_args)

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.multinomial(self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """``total_count`` categorical draws per count vector, tallied."""
        shape = self._extended_shape(sample_shape)
        draws = self._categorical.sample((self.total_count, *_shape(sample_shape)))
        draws = draws.permute(*range(1, draws.ndim), 0)  # (sample, batch, total_count)
        counts = zeros(*shape, dtype=draws.dtype, device=draws.device)
        counts = counts.scatter_add(-1, draws, ones(*draws.shape, dtype=draws.dtype, device=draws.device))
        return counts.astype(self.probs.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        """log n! − Σ log xᵢ! + Σ xᵢ log pᵢ, with 0·log 0 taken as 0."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        logits = where((value == 0) & (logits == -float("inf")), 0.0, logits)
        log_factorial_n = gammaln(value.sum(-1) + 1)
        log_factorial_xs = gammaln(value + 1).sum(-1)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self) -> Tensor:
        """n·H(categorical) − log n! + Σᵢ E[log xᵢ!], each xᵢ ~ Binomial(n, pᵢ) summed over its support."""
        n = tensor(float(self.total_count), dtype=self.probs.dtype, device=self.probs.device)
        binomial = Binomial(total_count=self.total_count, probs=self.probs, validate_args=False)
        support = binomial.enumerate_support(expand=False)[1:]
        binomial_probs = binomial.log_prob(support).exp()
        expected_log_factorials = (binomial_probs * gammaln(support + 1)).sum(0).sum(-1)
        return n * self._categorical.entropy() - gammaln(n + 1) + expected_log_factorials
