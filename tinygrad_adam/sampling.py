"""Random draws that PyTorch scripts reach for beyond ``rand``/``randn``: ``tg.bernoulli``,
``tg.multinomial`` (e.g. sampling an action from a policy's probabilities) and ``tg.normal``. All
use the device's generator, so ``tg.manual_seed`` makes them reproducible, or PyTorch's
``generator=`` (a ``tg.Generator``); none has a gradient."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .functions import full_like, searchsorted
from .tensor import InvalidArgumentError, Tensor, int64, rand, randn, where
from .tensor_spellings import UnsupportedDtypeError


def _probabilities(input: Any, name: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: the input must be a Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise TypeError(f"{name} needs floating-point probabilities, got {input.dtype}")
    return input.detach()


def bernoulli(input: Tensor, p: float | None = None, *, generator: Any = None) -> Tensor:
    """1 with probability ``input`` (each entry in [0, 1]) or ``p`` for every entry, else 0, in the
    input's dtype and shape, as ``torch.bernoulli``."""
    probs = _probabilities(input, "bernoulli")
    chance = probs if p is None else full_like(probs, p)
    if chance.size:
        low, high = chance.min().item(), chance.max().item()
        if not (0.0 <= low and high <= 1.0):
            raise InvalidArgumentError(
                f"bernoulli: probabilities must lie in [0, 1], got values from {low} to {high}"
            )
    draws = rand(*probs.shape, generator=generator, dtype=probs.dtype, device=probs.device)
    return (draws < chance).astype(probs.dtype)


def multinomial(
    input: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None
) -> Tensor:
    """Indices drawn from the categories of each row of ``input`` (non-negative weights, not
    necessarily summing to 1), as ``torch.multinomial``: int64 of shape (num_samples,) for a 1-D
    input, (rows, num_samples) for 2-D. Without ``replacement`` each category is drawn at most once
    (the exponential-keys method: the k largest u^(1/w), Efraimidis & Spirakis, 2006)."""
    weights = _probabilities(input, "multinomial")
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: the input must be 1-D or 2-D, got shape {weights.shape}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples <= 0:
        raise ValueError(f"multinomial: num_samples must be a positive int, got {num_samples!r}")
    rows = weights if weights.ndim == 2 else weights.unsqueeze(0)
    if rows.shape[1] == 0 or rows.min().item() < 0 or not rows.isfinite().all().item():
        raise InvalidArgumentError("multinomial: weights must be finite, non-negative and non-empty")
    positive = (rows > 0).sum(1).min().item()
    if positive == 0:
        raise InvalidArgumentError("multinomial: a row of weights sums to 0: no category can be drawn")
    if not replacement and num_samples > positive:
        raise InvalidArgumentError(
            f"multinomial: cannot draw {num_samples} distinct categories from a row with only {positive} "
            "of positive weight (pass replacement=True)"
        )
    count, classes = rows.shape
    if replacement:  # the inverse of each row's cumulative distribution at uniform draws
        cdf = rows.cumsum(1) / rows.sum(1, keepdim=True)
        draws = rand(count, num_samples, generator=generator, dtype=rows.dtype, device=rows.device)
        picks = searchsorted(cdf, draws, right=True).clip(None, classes - 1)  # (a rounded top of the cdf)
    else:
        keys = rand(count, classes, generator=generator, dtype=rows.dtype, device=rows.device).log()
        keys = where(rows > 0, keys / where(rows > 0, rows, 1.0), float("-inf"))
        picks = keys.topk(num_samples, dim=1).indices
    picks = picks.astype(int64)
    return picks if weights.ndim == 2 else picks[0]


def poisson(input: Tensor, generator: Any = None) -> Tensor:
    """One Poisson draw per rate of ``input`` (non-negative floats), in its dtype and shape, as
    ``torch.poisson``: exact (Knuth's method for small rates, Hörmann's PTRS for large ones)."""
    from .distributions.poisson import poisson_draws

    if isinstance(input, Tensor) and input.dtype.kind != "f":  # PyTorch's NotImplementedError
        raise UnsupportedDtypeError(f"poisson needs floating-point rates, got {input.dtype}")
    rate = _probabilities(input, "poisson")
    if rate.size and not rate.min().item() >= 0:  # NaN fails too
        raise InvalidArgumentError(
            f"poisson: invalid rate, expected rates to be non-negative, got {rate.min().item()}"
        )
    return poisson_draws(rate, generator).astype(rate.dtype)


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Sequence[int] | None = None,
    *,
    generator: Any = None,
    device: str | None = None,
) -> Tensor:
    """Draws of N(mean, std²), as ``torch.normal``: ``mean`` and ``std`` tensors (broadcast together)
    or numbers with a ``size``."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        reference = mean if isinstance(mean, Tensor) else std
        shape = np.broadcast_shapes(getattr(mean, "shape", ()), getattr(std, "shape", ()))
        if isinstance(std, Tensor) and std.size and std.min().item() < 0:
            raise InvalidArgumentError("normal: std must be >= 0")
        noise = randn(*shape, generator=generator, dtype=reference.dtype, device=reference.device)
        return (mean + std * noise).detach()
    if size is None:
        raise TypeError("normal: with a number for mean and std, give size (e.g. tg.normal(0.0, 1.0, (3,)))")
    if std < 0:
        raise InvalidArgumentError(f"normal: std must be >= 0, got {std}")
    return randn(*size, generator=generator, device=device) * std + mean
