"""PyTorch's less common creation functions: ``randint_like``, ``empty_strided`` and the deprecated
``range`` (``arange`` with the end included).

``range`` is served as ``tg.range`` by the package's ``__getattr__``: defined here, last, it never
shadows Python's ``range`` elsewhere in the package.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .functions import randint
from .tensor import (
    DType,
    Tensor,
    _resolve_dtype,
    _shape_arg,
    check_memory_format,
    get_default_dtype,
    tensor,
    zeros,
)


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    generator: Any = None,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """Integers drawn uniformly from [low, high) in ``input``'s shape, dtype and device unless told:
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``, as in PyTorch (``generator`` too)."""
    check_memory_format(memory_format, "randint_like")
    if not isinstance(input, Tensor):
        raise TypeError(f"randint_like(): argument 'input' must be a Tensor, not {type(input).__name__}")
    if high is None:
        low, high = 0, low
    drawn = randint(
        low,
        high,
        input.shape,
        generator=generator,
        dtype=_resolve_dtype(dtype) or input.dtype,
        device=device or input.device,
    )
    return drawn.requires_grad_(requires_grad) if requires_grad else drawn


def empty_strided(
    size: Sequence[int],
    stride: Sequence[int],
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of ``size`` (zeros; PyTorch leaves it unset). Every tensor here is row-major, so
    ``stride`` is checked for its length only."""
    shape = _shape_arg((size,))
    strides = _shape_arg((stride,))
    if len(strides) != len(shape):
        raise RuntimeError(
            f"empty_strided: mismatch in length of strides and shape: {len(strides)} strides for size "
            f"{list(shape)}"
        )
    return zeros(*shape, dtype=dtype, device=device, requires_grad=requires_grad)


def range(  # noqa: A001 (PyTorch's name, served by tg.__getattr__ only)
    start: float = 0,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``start, start + step, ...`` up to and including ``end`` (float32 by default), PyTorch's
    deprecated ``torch.range``; ``tg.arange`` leaves the end out."""
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its behavior is "
        "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
        "[start, end).",
        UserWarning,
        stacklevel=2,
    )
    if end is None:
        start, end = 0, start
    for name, value in (("start", start), ("end", end), ("step", step)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.number))
            or not math.isfinite(value)
        ):
            raise TypeError(f"range: {name} must be a finite number, got {value!r}")
    if step == 0:
        raise RuntimeError("range: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    count = int(math.floor((end - start) / step)) + 1
    values = start + step * np.arange(count, dtype=np.float64)
    return tensor(
        values, dtype=_resolve_dtype(dtype) or get_default_dtype(), device=device, requires_grad=requires_grad
    )
