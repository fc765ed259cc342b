"""Distributions over K categories, as ``torch.distributions.Categorical`` (a class index) and
``OneHotCategorical`` (a one-hot vector)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..functions import eye
from ..sampling import multinomial
from ..tensor import Tensor, int64
from . import constraints
from .distribution import Distribution, check_probs_or_logits, lazy_property, logits_to_probs, probs_to_logits


def _event_tensor(value: Any, name: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"Categorical: {name} must be a Tensor, got {type(value).__name__}")
    if value.ndim < 1:
        raise ValueError(f"`{name}` parameter must be at least one-dimensional.")
    return value


class Categorical(Distribution):
    """Class indices 0..K−1 with the last axis of ``probs`` (weights, normalised to sum to 1) or
    ``logits`` (log-weights, normalised by log-sum-exp) as the probabilities; never both."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        check_probs_or_logits(probs, logits)
        if probs is not None:
            probs = _event_tensor(probs, "probs")
            self.probs = probs / probs.sum(-1, keepdim=True)
            param = self.probs
        else:
            logits = _event_tensor(logits, "logits")
            self.logits = logits - logits.logsumexp(-1, keepdim=True)
            param = self.logits
        self._num_events = param.shape[-1]
        super().__init__(tuple(param.shape[:-1]), validate_args=validate_args)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._batch_shape + (self._num_events,)

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def mean(self) -> Tensor:
        return self.probs.new_full(self._batch_shape, math.nan)

    @property
    def variance(self) -> Tensor:
        return self.probs.new_full(self._batch_shape, math.nan)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        count = int(np.prod(shape[: len(shape) - len(self._batch_shape)], dtype=np.int64))
        rows = self.probs.detach().reshape(-1, self._num_events)
        if count == 0 or rows.shape[0] == 0:
            return rows.new_zeros(shape).astype(int64)
        draws = multinomial(rows, count, replacement=True)  # (rows, count)
        return draws.transpose(0, 1).reshape(*shape)

    def log_prob(self, value: Tensor) -> Tensor:
        """The log-probability of class ``value``, read from the normalised logits."""
        if self._validate_args:
            self._validate_sample(value)
        value = value.astype(int64).unsqueeze(-1)
        shape = np.broadcast_shapes(value.shape, self.logits.shape[:-1] + (1,))
        logits = self.logits.expand(*shape[:-1], self._num_events)
        return logits.gather(-1, value.expand(*shape)).squeeze(-1)

    def entropy(self) -> Tensor:
        """−Σ p log p, with log 0 taken at the dtype's smallest number so 0·log 0 is 0."""
        smallest = float(np.finfo(self.logits.dtype).min)
        return -(self.logits.clamp(smallest, None) * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        from ..tensor import arange

        values = arange(
            self._num_events, device=self.probs.device if "probs" in self.__dict__ else self.logits.device
        )
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(self._num_events, *self._batch_shape) if expand else values


class _OneHot(constraints.Constraint):
    """Vectors of 0s and 1s along the last axis with exactly one 1 (``constraints.one_hot``)."""

    is_discrete = True
    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        return ((value == 0) | (value == 1)).all(-1) & (value.sum(-1) == 1)


class CategoricalWrapper(Distribution):
    """A distribution of K-vectors built on one ``Categorical`` (``self._categorical``): its batch
    shape, its probs, logits and param_shape, and its expansion are the Categorical's
    (OneHotCategorical, Multinomial, ExpRelaxedCategorical)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, categorical: Categorical, validate_args: bool | None = None) -> None:
        self._categorical = categorical
        super().__init__(categorical.batch_shape, categorical.param_shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape: Any) -> CategoricalWrapper:
        new = super().expand(batch_shape)
        new._categorical = self._categorical.expand(batch_shape)
        return new

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._categorical.param_shape


class OneHotCategorical(CategoricalWrapper):
    """A one-hot vector of length K whose hot position is ``Categorical(probs, logits)``'s draw."""

    support = _OneHot()
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        super().__init__(Categorical(probs, logits, validate_args=validate_args), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        from ..nn.functional import one_hot

        return one_hot(self.probs.argmax(-1), self._event_shape[0]).astype(self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        from ..nn.functional import one_hot

        return one_hot(self._categorical.sample(sample_shape), self._event_shape[0]).astype(self.probs.dtype)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The K one-hot vectors (the rows of the identity), over the batch shape when ``expand``."""
        n = self._event_shape[0]
        values = eye(n, dtype=self.probs.dtype, device=self.probs.device)
        values = values.reshape((n,) + (1,) * len(self._batch_shape) + (n,))
        return values.expand(n, *self._batch_shape, n) if expand else values

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()

    def __repr__(self) -> str:
        return f"OneHotCategorical({repr(self._categorical)[len('Categorical(') : -1]})"
