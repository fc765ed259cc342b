"""The base of every distribution, as ``torch.distributions.Distribution``: batch and event shapes,
sampling with a ``sample_shape`` in front, and PyTorch's checks of parameters and values
(on unless ``validate_args=False`` or ``Distribution.set_default_validate_args(False)``)."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..tensor import ShapeError, Tensor, get_default_dtype, tensor
from . import constraints

Shape = tuple[int, ...]


def _shape(size: Any, what: str = "sample_shape") -> Shape:
    """``size`` as a shape tuple; a bare int is refused, as PyTorch refuses it (write ``(n,)``)."""
    if isinstance(size, bool) or not isinstance(size, Sequence) or isinstance(size, str):
        hint = f" (write ({size},) for {size} draws)" if isinstance(size, (int, np.integer)) else ""
        raise TypeError(f"{what} must be a sequence of ints (a shape){hint}, got {size!r}")
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in size):
        raise TypeError(f"{what} must be a sequence of ints (a shape), got {size!r}")
    return tuple(int(n) for n in size)


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """The tensors and numbers in ``values`` as tensors of one broadcast shape; numbers take the
    dtype and device of the first tensor (the default dtype when there is none), as PyTorch's."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    for value in values:
        if not isinstance(value, (Tensor, int, float, np.number)) or isinstance(value, bool):
            raise ValueError(
                f"Input arguments must all be instances of numbers or Tensors, got {type(value).__name__}"
            )
    dtype = like.dtype if like is not None and like.dtype.kind == "f" else get_default_dtype()
    device = None if like is None else like.device
    as_tensors = [
        v if isinstance(v, Tensor) else tensor(float(v), dtype=dtype, device=device) for v in values
    ]
    try:
        shape = np.broadcast_shapes(*(t.shape for t in as_tensors))
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in as_tensors)
        raise ShapeError(f"the parameters' shapes {shapes} cannot be broadcast together") from None
    return tuple(t.expand(*shape) if t.shape != shape else t for t in as_tensors)


class Distribution:
    """A family of random variables indexed by ``batch_shape``, each with values of ``event_shape``."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = True
    arg_constraints: dict[str, constraints.Constraint] = {}
    support: constraints.Constraint | None = None

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn PyTorch's checks of parameters and values on or off for every new distribution."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args expects True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(
        self, batch_shape: Shape = (), event_shape: Shape = (), validate_args: bool | None = None
    ) -> None:
        self._batch_shape, self._event_shape = tuple(batch_shape), tuple(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if not self._validate_args:
            return
        for param, constraint in self.arg_constraints.items():
            lazy = isinstance(getattr(type(self), param, None), lazy_property)
            derived = lazy and param not in self.__dict__
            if constraints.is_dependent(constraint) or derived:
                continue  # a parameter the caller did not give (probs for logits, say)
            value = getattr(self, param)
            if not constraint.check(value).all().item():
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape {tuple(value.shape)}) of "
                    f"distribution {self!r} to satisfy the constraint {constraint!r}, but found invalid "
                    f"values:\n{value}"
                )

    def expand(self, batch_shape: Any) -> Distribution:
        """The same distribution repeated over a larger ``batch_shape`` (its parameters expanded, not
        copied, and not checked again), as PyTorch's."""
        batch_shape = _shape(batch_shape, "batch_shape")
        new = copy.copy(self)
        for name in self.arg_constraints:
            if name in self.__dict__:  # given or already derived; others are derived from these
                value = self.__dict__[name]
                new.__dict__[name] = value.expand(*batch_shape, *value.shape[len(self._batch_shape) :])
        new._batch_shape = batch_shape
        return new

    @property
    def batch_shape(self) -> Shape:
        return self._batch_shape

    @property
    def event_shape(self) -> Shape:
        return self._event_shape

    def _extended_shape(self, sample_shape: Any = ()) -> Shape:
        return _shape(sample_shape) + self._batch_shape + self._event_shape

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Draws of shape ``sample_shape + batch_shape + event_shape``, outside autograd."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """Draws through which gradients reach the parameters (the reparameterisation trick)."""
        raise NotImplementedError(f"{type(self).__name__} has no reparameterised sampler (rsample)")

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob")

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def entropy(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def _validate_sample(self, value: Any) -> None:
        """PyTorch's checks of a value to score: a Tensor whose right-most axes are the event shape,
        that broadcasts with the batch shape, and lies in the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_start = value.ndim - len(self._event_shape)
        if tuple(value.shape[event_start:]) != self._event_shape:
            raise ValueError(
                "The right-most size of value must match event_shape: "
                f"{tuple(value.shape)} vs {self._event_shape}."
            )
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(value.shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    "Value is not broadcastable with batch_shape+event_shape: "
                    f"{tuple(value.shape)} vs {expected}."
                )
        support = self.support
        if support is not None and not support.check(value).all().item():
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                f"within the support ({support!r}) of the distribution {self!r}, "
                f"but found invalid values:\n{value}"
            )

    def __repr__(self) -> str:
        names = [k for k in self.arg_constraints if k in self.__dict__]
        shown = [
            f"{k}: {getattr(self, k).item() if getattr(self, k).size == 1 else tuple(getattr(self, k).shape)}"
            for k in names
        ]
        return f"{type(self).__name__}({', '.join(shown)})"


def clamp_by_eps(probs: Tensor) -> Tensor:
    """``probs`` kept one machine epsilon inside (0, 1), as PyTorch's ``clamp_probs``, so that their
    logs and logits stay finite."""
    eps = float(np.finfo(probs.dtype).eps)
    return probs.clamp(eps, 1 - eps)


def _softplus(x: Tensor) -> Tensor:
    from ..nn.functional import softplus  # imported on use: nn is not loaded with distributions

    return softplus(x)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log p (or log p − log(1 − p) for a binary event), with p clamped one machine epsilon from 0
    and 1 as PyTorch does, so that the logits stay finite."""
    clamped = clamp_by_eps(probs)
    return clamped.log() - (-clamped).log1p() if is_binary else clamped.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    return logits.sigmoid() if is_binary else logits.softmax(-1)


LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))


class lazy_property:  # noqa: N801 (PyTorch's name)
    """A parameter computed from another on first use and then kept (``probs`` from ``logits``)."""

    def __init__(self, compute: Any) -> None:
        self.compute, self.__doc__ = compute, compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value
        return value


class LocScaleDistribution(Distribution):
    """A real variable shifted by ``loc`` and stretched by ``scale`` (> 0), broadcast together, with
    reparameterised draws; its mode is ``loc``, and so is its mean where it has one."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(tuple(self.loc.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc


def check_probs_or_logits(probs: Any, logits: Any) -> None:
    """PyTorch's rule for distributions given by probabilities: exactly one of the two forms."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class BinaryTrialDistribution(Distribution):
    """A distribution built on Bernoulli trials of success probability p, given as ``probs`` p or as
    ``logits`` log(p/(1 − p)), never both; the other form is derived on first use."""

    def _init_probs_or_logits(self, probs: Any, logits: Any, *others: Any) -> tuple[Tensor, ...]:
        """Keeps whichever of ``probs``/``logits`` was given, broadcast after ``others`` (numbers or
        tensors, as ``broadcast_all``); returns the others, then the given parameter."""
        check_probs_or_logits(probs, logits)
        name, value = ("probs", probs) if probs is not None else ("logits", logits)
        *broadcast_others, param = broadcast_all(*others, value)
        setattr(self, name, param)
        return (*broadcast_others, param)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits, is_binary=True)
