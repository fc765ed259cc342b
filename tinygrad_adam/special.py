"""``tg.special``: PyTorch's ``torch.special`` functions that statistics and loss code reach for,
each a composition of differentiable Tensor ops (``gammaln``/``digamma`` are not provided: the
library has no log-gamma yet)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .functions import xlogy
from .nn.erf import erf, erfc
from .tensor import Tensor, where

__all__ = [
    "entr", "erf", "erfc", "exp2", "expit", "expm1", "log1p", "log_softmax", "logit", "logsumexp", "ndtr",
    "softmax", "xlog1py", "xlogy",
]  # fmt: skip


def _tensor(input: Any, name: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"special.{name}: input must be a Tensor, got {type(input).__name__}")
    return input


def expit(input: Tensor) -> Tensor:
    """The logistic sigmoid 1/(1 + e^(−x))."""
    return _tensor(input, "expit").sigmoid()


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p/(1 − p)), the inverse of expit; with ``eps`` p is first clamped to [eps, 1 − eps]."""
    p = _tensor(input, "logit")
    if eps is not None:
        p = p.clamp(eps, 1 - eps)
    return p.log() - (-p).log1p()


def entr(input: Tensor) -> Tensor:
    """−x log x elementwise: 0 at x = 0, −inf for x < 0 (as PyTorch)."""
    x = _tensor(input, "entr")
    return where(x < 0, -math.inf, -xlogy(x, x))


def xlog1py(input: Tensor, other: Any) -> Tensor:
    """x log(1 + y), 0 where x is 0."""
    x = _tensor(input, "xlog1py")
    y = other if isinstance(other, Tensor) else x.new_full((), other)
    return xlogy(x, 1 + y)


def ndtr(input: Tensor) -> Tensor:
    """Φ(x), the standard normal's cumulative distribution: erfc(−x/√2)/2, exact in the left tail."""
    return 0.5 * erfc(-_tensor(input, "ndtr") / math.sqrt(2))


def exp2(input: Tensor) -> Tensor:
    return (_tensor(input, "exp2") * float(np.log(2.0))).exp()


def expm1(input: Tensor) -> Tensor:
    return _tensor(input, "expm1").expm1()


def log1p(input: Tensor) -> Tensor:
    return _tensor(input, "log1p").log1p()


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    return _tensor(input, "logsumexp").logsumexp(dim, keepdim=keepdim)


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    x = _tensor(input, "softmax")
    return (x if dtype is None else x.astype(dtype)).softmax(dim)


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    x = _tensor(input, "log_softmax")
    return (x if dtype is None else x.astype(dtype)).log_softmax(dim)
