"""Continuous relaxations of discrete draws (the Concrete / Gumbel-softmax distributions, Maddison
et al. 2017, Jang et al. 2017), as ``torch.distributions``' ``RelaxedBernoulli`` and
``RelaxedOneHotCategorical`` (and their logit / log-space bases): reparameterised draws that tend
to Bernoulli and one-hot Categorical draws as the ``temperature`` goes to 0."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..special import gammaln
from ..tensor import Tensor, rand, tensor
from . import constraints
from .categorical import Categorical, CategoricalWrapper
from .distribution import BinaryTrialDistribution, Distribution, clamp_by_eps
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform, SigmoidTransform, Transform


def _temperature(temperature: Any, like: Tensor) -> Tensor:
    if isinstance(temperature, Tensor):
        return temperature
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.number)):
        raise TypeError(f"temperature must be a Tensor or a number, got {type(temperature).__name__}")
    return tensor(float(temperature), dtype=like.dtype, device=like.device)


class LogitRelaxedBernoulli(BinaryTrialDistribution):
    """The logit of a RelaxedBernoulli draw: (logit u + l)/τ for u ~ U(0, 1) and logits l."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    has_rsample = True

    def __init__(
        self, temperature: Any, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        (param,) = self._init_probs_or_logits(probs, logits)
        self.temperature = _temperature(temperature, param)
        super().__init__(tuple(param.shape), validate_args=validate_args)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        probs = clamp_by_eps(self.probs.expand(*shape))
        uniforms = clamp_by_eps(rand(*shape, dtype=probs.dtype, device=probs.device))
        return (uniforms.log() - (-uniforms).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value: Tensor) -> Tensor:
        """log τ + d − 2 log(1 + eᵈ), d = l − τx."""
        if self._validate_args:
            self._validate_sample(value)
        diff = self.logits - value * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class _RelaxedDistribution(TransformedDistribution):
    """A relaxed draw as a map of its base's draw (``_base_class``, mapped by ``_transform_class``);
    temperature, logits and probs are the base's."""

    _base_class: type[Distribution]
    _transform_class: type[Transform]

    def __init__(
        self, temperature: Any, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        base = self._base_class(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, self._transform_class(), validate_args=validate_args)

    @property
    def temperature(self) -> Tensor:
        return self.base_dist.temperature

    @property
    def logits(self) -> Tensor:
        return self.base_dist.logits

    @property
    def probs(self) -> Tensor:
        return self.base_dist.probs


class RelaxedBernoulli(_RelaxedDistribution):
    """σ of a LogitRelaxedBernoulli draw: values in (0, 1) that tend to Bernoulli(p) draws as τ → 0."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True
    _base_class, _transform_class = LogitRelaxedBernoulli, SigmoidTransform


class ExpRelaxedCategorical(CategoricalWrapper):
    """The log of a RelaxedOneHotCategorical draw: log-softmax((l + g)/τ) with Gumbel noise g."""

    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self, temperature: Any, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        categorical = Categorical(probs, logits, validate_args=validate_args)
        self.temperature = _temperature(temperature, categorical.logits)
        super().__init__(categorical, validate_args=validate_args)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        logits = self.logits
        uniforms = clamp_by_eps(rand(*shape, dtype=logits.dtype, device=logits.device))
        gumbels = -(-uniforms.log()).log()
        scores = (logits + gumbels) / self.temperature
        return scores - scores.logsumexp(-1, keepdim=True)

    def log_prob(self, value: Tensor) -> Tensor:
        """log Γ(K) + (K − 1) log τ + Σₖ (sₖ − logsumexp s), s = l − τx."""
        if self._validate_args:
            self._validate_sample(value)
        k = self._event_shape[0]
        log_scale = gammaln(self.temperature * 0 + k) + (k - 1) * self.temperature.log()
        score = self.logits - value * self.temperature
        return (score - score.logsumexp(-1, keepdim=True)).sum(-1) + log_scale


class RelaxedOneHotCategorical(_RelaxedDistribution):
    """exp of an ExpRelaxedCategorical draw: points of the simplex that tend to one-hot Categorical
    draws as τ → 0 (the Gumbel-softmax)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True
    _base_class, _transform_class = ExpRelaxedCategorical, ExpTransform
