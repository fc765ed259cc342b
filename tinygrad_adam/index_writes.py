"""Writing values into a copy of a tensor at chosen places, under PyTorch's names: ``select_scatter``,
``slice_scatter``, ``diagonal_scatter``, ``index_put`` and ``index_reduce``.

Each result is ``where(written, values placed, input)``: the places are worked out on the host from
shapes and indices alone (never from the tensor's values), the values placed are one ``index_select``
of ``src``, so gradients reach ``input`` (at the places not written) and ``src`` (at the places it
fills), as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor, _axis_index, _same_device, tensor, where


def _source(src: Any, input: Tensor, op: str, cast: bool = False) -> Tensor:
    """``src`` checked; with ``cast`` (the ``*_scatter`` family, as PyTorch's) in ``input``'s dtype,
    else it must have that dtype (``index_put``, ``index_reduce``)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"{op}(): argument 'src' must be a Tensor, not {type(src).__name__}")
    _same_device(input, src, op)
    if cast and src.dtype != input.dtype:
        return src.astype(input.dtype)
    if src.dtype != input.dtype:
        raise RuntimeError(f"{op}(): expected src to have dtype {input.dtype}, but got {src.dtype}")
    return src


def _placed(input: Tensor, src: Tensor, slots: np.ndarray) -> Tensor:
    """``input`` with ``src``'s entries written where ``slots`` (input's shape) holds their flat
    position in ``src``; -1 keeps the input's entry."""
    written = slots >= 0
    picks = tensor(np.where(written, slots, 0).reshape(-1), device=input.device)
    placed = src.reshape(-1).index_select(0, picks).reshape(*input.shape) if src.size else input
    return where(tensor(written, device=input.device), placed, input)


def _check_slice(src: Tensor, expected: tuple[int, ...], op: str) -> None:
    if src.shape != expected:
        raise RuntimeError(
            f"{op}(): expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
            f"slice size = {list(expected)}"
        )


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """``input`` with ``src`` written where ``input.select(dim, index)`` reads."""
    src = _source(src, input, "select_scatter", cast=True)
    if input.ndim == 0:
        raise IndexError("select_scatter(): cannot be applied to a 0-dim tensor")
    axis = _axis_index(dim, input.ndim, "select_scatter")
    n = input.shape[axis]
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"select_scatter(): argument 'index' must be an int, got {index!r}")
    if not -n <= index < n:
        raise IndexError(
            f"select_scatter(): index {index} out of range for tensor of size {list(input.shape)} "
            f"at dimension {dim}"
        )
    _check_slice(src, input.shape[:axis] + input.shape[axis + 1 :], "select_scatter")
    slots = np.full(input.shape, -1, dtype=np.int64)
    np.moveaxis(slots, axis, 0)[int(index)] = np.arange(src.size).reshape(src.shape)
    return _placed(input, src, slots)


def slice_scatter(
    input: Tensor, src: Tensor, dim: int = 0, start: int | None = None, end: int | None = None, step: int = 1
) -> Tensor:
    """``input`` with ``src`` written at ``start:end:step`` along ``dim``."""
    src = _source(src, input, "slice_scatter", cast=True)
    if input.ndim == 0:
        raise IndexError("slice_scatter(): cannot be applied to a 0-dim tensor")
    axis = _axis_index(dim, input.ndim, "slice_scatter")
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step <= 0:
        raise RuntimeError(f"slice_scatter(): slice step must be positive, got {step!r}")
    slots = np.full(input.shape, -1, dtype=np.int64)
    along = np.moveaxis(slots, axis, 0)
    chosen = slice(start, end, step)
    expected = (
        input.shape[:axis] + (len(range(*chosen.indices(input.shape[axis]))),) + input.shape[axis + 1 :]
    )
    _check_slice(src, expected, "slice_scatter")
    along[chosen] = np.moveaxis(np.arange(src.size).reshape(src.shape), axis, 0)
    return _placed(input, src, slots)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``input`` with ``src`` written on the diagonal that ``input.diagonal(offset, dim1, dim2)`` reads."""
    src = _source(src, input, "diagonal_scatter", cast=True)
    if input.ndim < 2:
        raise RuntimeError(
            f"diagonal_scatter(): needs a tensor of at least 2 dimensions, got shape {input.shape}"
        )
    first, second = (
        _axis_index(dim1, input.ndim, "diagonal_scatter"),
        _axis_index(dim2, input.ndim, "diagonal_scatter"),
    )
    if first == second:
        raise RuntimeError(f"diagonal_scatter(): diagonal dimensions cannot be identical {dim1}, {dim2}")
    slots = np.full(input.shape, -1, dtype=np.int64)
    planes = np.moveaxis(slots, (first, second), (-2, -1))
    rows, columns = planes.shape[-2:]
    length = max(0, min(rows + min(offset, 0), columns - max(offset, 0)))
    _check_slice(src, planes.shape[:-2] + (length,), "diagonal_scatter")
    steps = np.arange(length)
    planes[..., steps - min(offset, 0), steps + max(offset, 0)] = np.arange(src.size).reshape(src.shape)
    return _placed(input, src, slots)


def _positions(input: Tensor, indices: Any, op: str) -> np.ndarray:
    """The flat position in ``input`` of each entry that ``input[indices]`` selects, in its shape."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(
            f"{op}(): argument 'indices' must be a tuple of Tensors, got {type(indices).__name__}"
        )
    if len(indices) > input.ndim:
        raise IndexError(
            f"{op}(): too many indices for tensor of dimension {input.ndim} (got {len(indices)})"
        )
    host = []
    for index in indices:
        if not isinstance(index, Tensor):
            raise TypeError(f"{op}(): indices must be Tensors, got {type(index).__name__}")
        if index.dtype.kind not in "iub":
            raise IndexError(
                f"{op}(): tensors used as indices must be long, int, byte or bool tensors, got {index.dtype}"
            )
        host.append(index.numpy())
    try:
        return np.arange(input.size).reshape(input.shape)[tuple(host)]
    except IndexError as error:
        raise IndexError(f"{op}(): {error}") from None


def index_put(input: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """``input`` with ``values`` (broadcast) written at ``input[indices]`` (a tuple of index tensors),
    or added there with ``accumulate`` (repeated places add up)."""
    if not isinstance(accumulate, (bool, np.bool_)):
        raise TypeError(f"index_put(): argument 'accumulate' must be a bool, got {accumulate!r}")
    positions = _positions(input, indices, "index_put")
    values = values if isinstance(values, Tensor) else tensor(values, dtype=input.dtype, device=input.device)
    values = _source(values, input, "index_put")
    try:
        spread = values.expand(*positions.shape)
    except (ValueError, RuntimeError):
        raise RuntimeError(
            f"index_put(): shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
            f"indexing result of shape {list(positions.shape)}"
        ) from None
    if accumulate:
        where_to = tensor(positions.reshape(-1), device=input.device)
        return input.reshape(-1).index_add(0, where_to, spread.reshape(-1)).reshape(*input.shape)
    slots = np.full(input.size, -1, dtype=np.int64)
    slots[positions.reshape(-1)] = np.arange(positions.size)  # a place named twice keeps the last value
    return _placed(input, spread, slots.reshape(input.shape))


def index_reduce(
    input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *, include_self: bool = True
) -> Tensor:
    """Each slice ``source.select(dim, i)`` reduced into ``input``'s slice ``index[i]`` along ``dim`` by
    ``reduce`` ('prod', 'mean', 'amax' or 'amin'), with or without ``input``'s own entries."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(
            f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}."
        )
    if not isinstance(index, Tensor) or index.ndim > 1:
        raise IndexError(
            f"index_reduce(): index must be a 1-D integer tensor, got {getattr(index, 'shape', index)!r}"
        )
    if index.dtype.kind not in "iu":  # PyTorch: a RuntimeError, where a 2-D index is an IndexError
        raise RuntimeError(f"index_reduce(): Expected dtype int32/int64 for index but got: {index.dtype}")
    source = _source(source, input, "index_reduce")
    axis = _axis_index(dim, max(input.ndim, 1), "index_reduce")
    if source.ndim != input.ndim or index.size != (source.shape[axis] if source.ndim else 1):
        raise RuntimeError(
            f"index_reduce(): source {list(source.shape)} must have the input's dimensions and one slice per "
            f"index ({index.size} along dim {dim})"
        )
    shape = [1] * source.ndim
    shape[axis] = -1
    spread = index.reshape(*shape).expand(*source.shape)
    return input.scatter_reduce(axis, spread, source, reduce, include_self=include_self)
