"""A mixture of K components of one family, as ``torch.distributions.MixtureSameFamily``:
p(x) = Σₖ πₖ pₖ(x), with π a Categorical over the component distribution's rightmost batch axis."""

from __future__ import annotations

from typing import Any

from ..autograd import no_grad
from ..tensor import Tensor
from . import constraints
from .categorical import Categorical
from .distribution import Distribution, _shape


class MixtureSameFamily(Distribution):
    """``mixture_distribution`` (a Categorical with batch shape B) picks one of the K components of
    ``component_distribution`` (batch shape B + (K,)); ``log_prob`` is log Σₖ πₖ pₖ(x)."""

    arg_constraints: dict[str, constraints.Constraint] = {}
    has_rsample = False

    def __init__(
        self,
        mixture_distribution: Categorical,
        component_distribution: Distribution,
        validate_args: bool | None = None,
    ) -> None:
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(
                "The Mixture distribution needs to be an instance of torch.distributions.Categorical"
            )
        if not isinstance(component_distribution, Distribution):
            raise ValueError(
                "The Component distribution need to be an instance of torch.distributions.Distribution"
            )
        mixture_batch, component_batch = mixture_distribution.batch_shape, component_distribution.batch_shape
        if len(component_batch) < 1:
            raise ValueError("The component distribution needs at least one batch dimension (the components)")
        for size1, size2 in zip(reversed(mixture_batch), reversed(component_batch[:-1])):
            if size1 != 1 and size2 != 1 and size1 != size2:
                raise ValueError(
                    "`mixture_distribution.batch_shape` "
                    f"({mixture_batch}) is not compatible with "
                    f"`component_distribution.batch_shape`({component_batch})"
                )
        components = mixture_distribution.logits.shape[-1]
        if components != component_batch[-1]:
            raise ValueError(
                f"`mixture_distribution component` ({components}) does not equal "
                f"`component_distribution.batch_shape[-1]` ({component_batch[-1]})"
            )
        self._mixture_distribution, self._component_distribution = (
            mixture_distribution,
            component_distribution,
        )
        self._num_component = components
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(
            component_batch[:-1], component_distribution.event_shape, validate_args=validate_args
        )

    def expand(self, batch_shape: Any) -> MixtureSameFamily:
        batch_shape = _shape(batch_shape, "batch_shape")
        component = self._component_distribution.expand(batch_shape + (self._num_component,))
        mixture = self._mixture_distribution.expand(batch_shape)
        return MixtureSameFamily(mixture, component, validate_args=False)

    @property
    def mixture_distribution(self) -> Categorical:
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        return self._component_distribution

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return self._component_distribution.support

    def _pad_probs(self, probs: Tensor) -> Tensor:
        """The mixture weights (..., K) with one axis per event axis appended."""
        return probs.reshape(*probs.shape, *([1] * self._event_ndims))

    @property
    def mean(self) -> Tensor:
        probs = self._pad_probs(self._mixture_distribution.probs)
        return (probs * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        """E[Var(X | k)] + Var(E[X | k]), the law of total variance."""
        probs = self._pad_probs(self._mixture_distribution.probs)
        axis = -1 - self._event_ndims
        mean_cond_var = (probs * self._component_distribution.variance).sum(axis)
        deviation = self._component_distribution.mean - self._pad(self.mean)
        var_cond_mean = (probs * deviation.pow(2)).sum(axis)
        return mean_cond_var + var_cond_mean

    def _pad(self, x: Tensor) -> Tensor:
        """x with a component axis inserted before the event axes."""
        return x.unsqueeze(-1 - self._event_ndims)

    def cdf(self, x: Tensor) -> Tensor:
        x = self._pad(x)
        return (self._component_distribution.cdf(x) * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, x: Tensor) -> Tensor:
        """log Σₖ πₖ pₖ(x), by log-sum-exp."""
        if self._validate_args:
            self._validate_sample(x)
        log_prob_x = self._component_distribution.log_prob(self._pad(x))
        log_mix_prob = self._mixture_distribution.logits.log_softmax(-1)
        return (log_prob_x + log_mix_prob).logsumexp(-1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Draw every component, then keep the one the mixture picks."""
        sample_shape = _shape(sample_shape)
        with no_grad():
            picks = self._mixture_distribution.sample(sample_shape)  # sample + batch
            draws = self._component_distribution.sample(sample_shape)  # sample + batch + (K,) + event
            component_axis = len(sample_shape) + len(self._batch_shape)
            index = picks.reshape(*picks.shape, 1, *([1] * self._event_ndims))
            index = index.expand(*picks.shape, 1, *self._event_shape)
            return draws.gather(component_axis, index).squeeze(component_axis)

    def __repr__(self) -> str:
        return f"MixtureSameFamily(\n  {self._mixture_distribution!r},\n  {self._component_distribution!r})"
