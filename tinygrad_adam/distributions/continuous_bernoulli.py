"""The continuous Bernoulli distribution on [0, 1], as ``torch.distributions.ContinuousBernoulli``
(Loaiza-Ganem & Cunningham, "The continuous Bernoulli: fixing a pervasive error in variational
autoencoders", NeurIPS 2019): p(x | λ) = C(λ) λˣ (1 − λ)¹⁻ˣ, the Bernoulli likelihood made a density."""

from __future__ import annotations

import math
from typing import Any

from ..tensor import Tensor, rand, where
from . import constraints
from .distribution import (
    Distribution,
    _softplus,
    broadcast_all,
    check_probs_or_logits,
    clamp_by_eps,
    lazy_property,
    logits_to_probs,
    probs_to_logits,
)


class ContinuousBernoulli(Distribution):
    """x ∈ [0, 1] with density C(λ) λˣ (1 − λ)¹⁻ˣ, given ``probs`` λ ∈ (0, 1) (not a probability) or
    ``logits`` log(λ/(1 − λ)), never both. The normaliser C(λ) = 2 artanh(1 − 2λ)/(1 − 2λ) is 0/0 at
    λ = ½: inside ``lims`` (default (0.499, 0.501)) its Taylor series is used instead, as PyTorch does.
    ``rsample`` inverts the CDF, so gradients reach λ."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(
        self,
        probs: Any = None,
        logits: Any = None,
        lims: tuple[float, float] = (0.499, 0.501),
        validate_args: bool | None = None,
    ) -> None:
        check_probs_or_logits(probs, logits)
        if probs is not None:
            (probs,) = broadcast_all(probs)
            validating = self._validate_args if validate_args is None else validate_args
            if validating and not constraints.unit_interval.check(probs).all().item():
                raise ValueError(
                    "Expected parameter probs of distribution ContinuousBernoulli to satisfy the constraint "
                    f"Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\n{probs}"
                )
            self.probs = clamp_by_eps(probs)  # λ one epsilon inside (0, 1): finite logs
            param = self.probs
        else:
            (self.logits,) = broadcast_all(logits)
            param = self.logits
        self._lims = lims
        super().__init__(tuple(param.shape), validate_args=validate_args)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        return clamp_by_eps(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._batch_shape

    def _outside_unstable_region(self) -> Tensor:
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self) -> Tensor:
        """λ, or ``lims[0]`` where λ is near ½ (there the Taylor branch is taken instead)."""
        return where(self._outside_unstable_region(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self) -> Tensor:
        """log C(λ) = log |log(1 − λ) − log λ| − log |1 − 2λ|, or log 2 + 4/3 y + 104/45 y² with
        y = (λ − ½)² near ½."""
        cut = self._cut_probs()
        below_half = where(cut <= 0.5, cut, 0.0)
        above_half = where(cut >= 0.5, cut, 1.0)
        log_norm = ((-cut).log1p() - cut.log()).abs().log() - where(
            cut <= 0.5, (-2.0 * below_half).log1p(), (2.0 * above_half - 1.0).log()
        )
        y = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * y) * y
        return where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self) -> Tensor:
        """λ/(2λ − 1) + 1/(log(1 − λ) − log λ), or ½ + (⅓ + 16/45 x²) x with x = λ − ½ near ½."""
        cut = self._cut_probs()
        exact = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).log1p() - cut.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x
        return where(self._outside_unstable_region(), exact, taylor)

    @property
    def variance(self) -> Tensor:
        cut = self._cut_probs()
        exact = cut * (cut - 1.0) / (1.0 - 2.0 * cut).pow(2) + 1.0 / ((-cut).log1p() - cut.log()).pow(2)
        y = (self.probs - 0.5).pow(2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * y) * y
        return where(self._outside_unstable_region(), exact, taylor)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        return self.icdf(rand(*shape, dtype=self.probs.dtype, device=self.probs.device))

    def log_prob(self, value: Tensor) -> Tensor:
        """x·l − softplus(l) + log C(λ), l the logits (minus the binary cross-entropy, as PyTorch)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return value * logits - _softplus(logits) + self._cont_bern_log_norm()

    def cdf(self, value: Tensor) -> Tensor:
        """(λˣ (1 − λ)¹⁻ˣ + λ − 1)/(2λ − 1), x itself near λ = ½; 0 below 0 and 1 above 1."""
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (cut.pow(value) * (1.0 - cut).pow(1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = where(self._outside_unstable_region(), cdfs, value)
        return where(value <= 0.0, 0.0, where(value >= 1.0, 1.0, unbounded))

    def icdf(self, value: Tensor) -> Tensor:
        """(log(1 − λ + u(2λ − 1)) − log(1 − λ)) / (log λ − log(1 − λ)), u itself near λ = ½."""
        cut = self._cut_probs()
        exact = ((-cut + value * (2.0 * cut - 1.0)).log1p() - (-cut).log1p()) / (cut.log() - (-cut).log1p())
        return where(self._outside_unstable_region(), exact, value)

    def entropy(self) -> Tensor:
        log_probs0, log_probs1 = (-self.probs).log1p(), self.probs.log()
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0
