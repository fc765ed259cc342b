"""Joining, splitting and broadcasting many tensors, under PyTorch's names.

``hstack``/``vstack``/``dstack``/``column_stack`` are ``cat`` after ``atleast_{1,2,3}d``;
``hsplit``/``vsplit``/``dsplit`` are ``tensor_split`` along axis 1, 0 and 2; ``broadcast_tensors``
expands every tensor to the shape ``broadcast_shapes`` computes. All are compositions of Tensor
ops, so gradients flow through them as through ``cat`` and ``expand``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .tensor import InvalidArgumentError, ShapeError, Tensor, concatenate, tensor


def _tensors(tensors: Any, op: str) -> list[Tensor]:
    """A non-empty list or tuple of tensors (lists and arrays inside made tensors)."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{op}(): argument 'tensors' must be a tuple or list of Tensors, got {type(tensors).__name__}"
        )
    if not tensors:
        raise InvalidArgumentError(f"{op}(): expects a non-empty sequence of tensors")
    return [t if isinstance(t, Tensor) else tensor(t) for t in tensors]


def _one_or_many(tensors: tuple[Any, ...], reshape: Any) -> Tensor | tuple[Tensor, ...]:
    """PyTorch's ``atleast_*d``: one tensor in, one out; several (or one list of them), a tuple."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(reshape(t) for t in _tensors(tensors[0], "atleast"))
    if len(tensors) == 1:
        return reshape(tensors[0] if isinstance(tensors[0], Tensor) else tensor(tensors[0]))
    return tuple(reshape(t) for t in _tensors(list(tensors), "atleast"))


def atleast_1d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor with at least one dimension: a 0-d tensor becomes shape ``(1,)``."""
    return _one_or_many(tensors, lambda t: t.reshape(1) if t.ndim == 0 else t)


def atleast_2d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor with at least two dimensions: ``()`` becomes ``(1, 1)``, ``(n,)`` becomes ``(1, n)``."""
    return _one_or_many(tensors, lambda t: t.reshape(1, -1) if t.ndim < 2 else t)


def atleast_3d(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
    """Each tensor with at least three dimensions: ``()`` is ``(1, 1, 1)``, ``(n,)`` is ``(1, n, 1)``
    and ``(m, n)`` is ``(m, n, 1)``, as NumPy's and PyTorch's ``atleast_3d``."""

    def widen(t: Tensor) -> Tensor:
        if t.ndim == 0:
            return t.reshape(1, 1, 1)
        if t.ndim == 1:
            return t.reshape(1, -1, 1)
        return t.unsqueeze(-1) if t.ndim == 2 else t

    return _one_or_many(tensors, widen)


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join along the columns: axis 0 for 1-D tensors (or 0-d, made 1-D), axis 1 otherwise."""
    joined = [atleast_1d(t) for t in _tensors(tensors, "hstack")]
    return concatenate(joined, dim=0 if joined[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join along the rows (axis 0), 1-D tensors taken as rows ``(1, n)``."""
    return concatenate([atleast_2d(t) for t in _tensors(tensors, "vstack")], dim=0)


row_stack = vstack  # PyTorch's alias of vstack


def dstack(tensors: Sequence[Any]) -> Tensor:
    """Join along the depth (axis 2), after ``atleast_3d``."""
    return concatenate([atleast_3d(t) for t in _tensors(tensors, "dstack")], dim=2)


def column_stack(tensors: Sequence[Any]) -> Tensor:
    """Join as columns (axis 1): 0-d and 1-D tensors become columns ``(n, 1)``, others join as they are."""
    columns = [t.reshape(-1, 1) if t.ndim < 2 else t for t in _tensors(tensors, "column_stack")]
    return concatenate(columns, dim=1)


def _split_along(input: Any, indices_or_sections: Any, axis: int, least: int, op: str) -> tuple[Tensor, ...]:
    """``tensor_split`` along ``axis``; a number of sections must divide that axis, as in PyTorch."""
    source = input if isinstance(input, Tensor) else tensor(input)
    if source.ndim < least:
        raise RuntimeError(
            f"torch.{op} requires a tensor with at least {least} dimension(s), but got a tensor with "
            f"{source.ndim} dimensions!"
        )
    if isinstance(indices_or_sections, (int, np.integer)) and not isinstance(indices_or_sections, bool):
        sections, length = int(indices_or_sections), source.shape[axis]
        if sections <= 0 or length % sections:
            raise RuntimeError(
                f"torch.{op} attempted to split along dimension {axis}, but the size of the dimension "
                f"{length} is not divisible by the split_size {sections}!"
            )
    return source.tensor_split(indices_or_sections, axis)


def hsplit(input: Any, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """Split along the columns: axis 1, or axis 0 of a 1-D tensor."""
    ndim = input.ndim if isinstance(input, Tensor) else np.ndim(input)
    return _split_along(input, indices_or_sections, 1 if ndim >= 2 else 0, 1, "hsplit")


def vsplit(input: Any, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """Split along the rows (axis 0) of a tensor of at least 2 dimensions."""
    return _split_along(input, indices_or_sections, 0, 2, "vsplit")


def dsplit(input: Any, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """Split along the depth (axis 2) of a tensor of at least 3 dimensions."""
    return _split_along(input, indices_or_sections, 2, 3, "dsplit")


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape all ``shapes`` broadcast to (an int ``n`` stands for ``(n,)``), as PyTorch's;
    shapes that cannot broadcast are a RuntimeError naming them."""
    as_tuples = []
    for shape in shapes:
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape
        ):
            raise TypeError(
                f"broadcast_shapes: each shape must be an int or a sequence of ints, got {shape!r}"
            )
        if any(n < 0 for n in shape):
            raise InvalidArgumentError(
                f"broadcast_shapes: trying to create a tensor with a negative dimension in {shape}"
            )
        as_tuples.append(tuple(int(n) for n in shape))
    rank = max((len(s) for s in as_tuples), default=0)
    result = [1] * rank
    for shape in as_tuples:
        for i, n in enumerate(shape, start=rank - len(shape)):
            if n != 1 and result[i] not in (1, n):
                raise ShapeError(
                    f"Shape mismatch: objects cannot be broadcast to a single shape: "
                    f"{' and '.join(str(s) for s in as_tuples)}"
                )
            result[i] = n if n != 1 else result[i]
    return tuple(result)


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """Every tensor expanded to their common broadcast shape (views; gradients sum back)."""
    as_tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    shape = broadcast_shapes(*(t.shape for t in as_tensors))
    return tuple(t if t.shape == shape else t.expand(*shape) for t in as_tensors)
