"""Strides as PyTorch reports them: where a view's elements lie in its base's memory.

A tensor's own memory is reported row-major, the layout PyTorch gives a fresh tensor (our arrays'
order is our choice: ``nn.Linear`` keeps its weight column by column for BLAS, yet PyTorch calls it
contiguous). A view (``t()``, ``permute``, ``expand``, basic indexing, ``narrow``, ``detach``...)
reports the steps, in elements of that row-major base, between its neighbouring elements, as
PyTorch's views do: ``x.t().stride()`` is ``(1, n)``, an expanded axis steps 0. The step is read off
the arrays: a view's byte step is unravelled along its base's axes (largest stride first) and
ravelled again row-major. A "view" whose array is a copy after all (a reshape NumPy could not do
in place, as PyTorch's reshape copies then), or one with negative steps (``flip``, a copy in
PyTorch) is reported as fresh memory. Where the device hides the layout (array-api-strict wraps a
NumPy array, asked here as its ``writable`` check asks it) the wrapped array answers.

Where this differs from PyTorch: an elementwise result or ``clone()`` of a non-contiguous tensor is
reported row-major (PyTorch keeps the input's layout there); ``diagonal``, ``unfold``, ``as_strided``
and the like are copies here, so their strides describe that copy, not PyTorch's view of the base.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor


def row_major_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The element strides of a fresh (C-contiguous) tensor of ``shape``; an empty axis counts as 1."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def strides(tensor: Tensor) -> tuple[int, ...]:
    """PyTorch's ``tensor.stride()``: row-major for a tensor with memory of its own, the steps in
    its base's row-major elements for a view (0 along an expanded axis)."""
    found = _view_in_base(tensor)
    return row_major_strides(tensor.shape) if found is None else found[0]


def storage_offset(tensor: Tensor) -> int:
    """PyTorch's ``tensor.storage_offset()``: where a view's first element lies in its base, in
    elements; 0 for a tensor with memory of its own."""
    found = _view_in_base(tensor)
    return 0 if found is None else found[1]


def is_contiguous(tensor: Tensor, memory_format: str = "contiguous_format") -> bool:
    """PyTorch's rule: the strides are the row-major ones, axes of length 1 aside (any stride will
    do there), and a tensor of at most one element always is. For ``channels_last`` (4-d) and
    ``channels_last_3d`` (5-d), row-major in the order (N, spatial..., C)."""
    shape, found = tensor.shape, strides(tensor)
    if memory_format in ("channels_last", "channels_last_3d"):
        if len(shape) != (4 if memory_format == "channels_last" else 5):
            return False
        order = (0, *range(2, len(shape)), 1)
        shape, found = tuple(shape[a] for a in order), tuple(found[a] for a in order)
    if math.prod(shape) <= 1:
        return True
    expected = 1
    for n, stride in zip(reversed(shape), reversed(found), strict=True):
        if n != 1:
            if stride != expected:
                return False
            expected *= n
    return True


def laid_out(tensor: Tensor, memory_format: str) -> Tensor:
    """``tensor.contiguous(memory_format=...)``: ``tensor`` where it is laid out so already, else a
    copy that is. Channels last (4-d ``channels_last``, 5-d ``channels_last_3d``) is a row-major copy
    in (N, spatial..., C) order seen through the permute back to (N, C, spatial...): PyTorch's strides,
    C stepping 1. Other formats give a row-major copy."""
    if memory_format in ("channels_last", "channels_last_3d"):
        rank = 4 if memory_format == "channels_last" else 5
        if tensor.ndim != rank:
            raise RuntimeError(f"required rank {rank} tensor to use {memory_format} format")
        if is_contiguous(tensor, memory_format):
            return tensor
        channels_last = (0, *range(2, rank), 1)
        return tensor.permute(*channels_last).clone().permute(0, rank - 1, *range(1, rank - 1))
    return tensor if is_contiguous(tensor) else tensor.clone()


def _memory(tensor: Tensor) -> tuple[Any, Any] | None:
    """The array whose layout shows (NumPy or CuPy; the NumPy array array-api-strict wraps) and the
    module that can compare memories, or None where the layout is unknown."""
    backend = tensor._backend
    if backend.strided is not None:
        return tensor._data, backend.strided
    inner = getattr(tensor._data, "_array", None)
    return (inner, np) if isinstance(inner, np.ndarray) else None


def _address(array: Any) -> int:
    """The byte address of an array's first element."""
    interface = getattr(array, "__array_interface__", None)
    return interface["data"][0] if interface is not None else array.data.ptr


def _view_in_base(tensor: Tensor) -> tuple[tuple[int, ...], int] | None:
    """The strides and offset of a view in its base's row-major elements (the array owning the
    memory stands for a base no longer alive), or None for a tensor that PyTorch would give memory
    of its own (not a view, a copy, a reversal)."""
    from .tensor import _View

    if type(tensor) is not _View:
        return None
    view = _memory(tensor)
    if view is None:
        return None
    array, module = view
    base = tensor._base()
    if base is not None:
        base_memory = _memory(base)
        if base_memory is None:
            return None
        root = base_memory[0]
    else:  # the base tensor is gone (held weakly): the array that owns the memory stands for it
        root = array
        while isinstance(root.base, type(array)):
            root = root.base
    if array.size == 0 or root.size == 0 or not module.may_share_memory(array, root):
        return None
    # The base's axes, largest byte stride first: a dense base (each element once) unravels any
    # byte step uniquely into steps along its axes.
    axes = sorted((a for a in range(root.ndim) if root.shape[a] > 1), key=lambda a: -root.strides[a])
    if not _dense(root, axes):
        return None
    base_strides = row_major_strides(root.shape)

    def in_base(step: int) -> int | None:
        total, rest = 0, step
        for a in axes:
            count, rest = divmod(rest, root.strides[a])
            total += count * base_strides[a]
        return total if rest == 0 else None

    offset = in_base(_address(array) - _address(root))
    if offset is None or any(s < 0 for s in array.strides):
        return None
    found = []
    for axis in range(array.ndim - 1, -1, -1):
        step = in_base(array.strides[axis]) if array.shape[axis] > 1 or array.strides[axis] else None
        if step is None and array.shape[axis] == 1:
            # A new axis of length 1 (x[None], unsqueeze): PyTorch's unsqueeze stride.
            step = found[-1] * array.shape[axis + 1] if found else 1
        if step is None:
            return None
        found.append(step)
    return tuple(reversed(found)), offset


def _dense(root: Any, axes: list[int]) -> bool:
    """Whether the base's elements tile its memory exactly: each stride the next one's times its length."""
    step = root.itemsize
    for a in reversed(axes):
        if root.strides[a] != step:
            return False
        step *= root.shape[a]
    return True
