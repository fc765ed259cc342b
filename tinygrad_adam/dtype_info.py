"""Facts about dtypes, under PyTorch's names: ``finfo``, ``iinfo``, ``promote_types``, ``result_type``
and ``can_cast``.

PyTorch promotes by category (bool < integer < floating point): a higher category wins outright
(``int64`` with ``float16`` is ``float16``, where NumPy says ``float64``), and within one category
the wider type wins. ``result_type`` ranks operands too: tensors with dimensions decide before 0-d
tensors, and those before Python numbers, unless a lower rank brings a higher category.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import DType, Tensor, _is_float, _resolve_dtype, get_default_dtype

_BOOL, _INTEGER, _FLOAT = 0, 1, 2


def _category(dtype: np.dtype) -> int:
    if dtype == np.bool_:
        return _BOOL
    return _FLOAT if _is_float(dtype) else _INTEGER


def _dtype(value: Any, name: str, op: str) -> np.dtype:
    if isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be a dtype, not Tensor")
    resolved = _resolve_dtype(value)
    if resolved is None:
        raise TypeError(f"{op}(): argument '{name}' must be a dtype, not None")
    return resolved


class finfo:  # noqa: N801 (PyTorch's spelling: torch.finfo)
    """The limits of a floating-point dtype (the default dtype when none is given): ``bits``, ``eps``,
    ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution``, ``dtype`` (its name)."""

    def __init__(self, type: DType | None = None) -> None:  # noqa: A002 (PyTorch's argument name)
        dtype = get_default_dtype() if type is None else _dtype(type, "type", "finfo")
        if not _is_float(dtype):
            raise TypeError(f"torch.finfo() requires a floating point input type, got {dtype}; use iinfo")
        limits = np.finfo(dtype)
        self.bits = int(limits.bits)
        self.eps, self.max, self.min = float(limits.eps), float(limits.max), float(limits.min)
        self.tiny = self.smallest_normal = float(limits.smallest_normal)
        self.resolution = 10.0 ** -int(limits.precision)  # as PyTorch: NumPy rounds it to the dtype
        self.dtype = str(dtype)

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
            f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 (PyTorch's spelling: torch.iinfo)
    """The limits of an integer dtype: ``bits``, ``max``, ``min``, ``dtype`` (its name)."""

    def __init__(self, type: DType) -> None:  # noqa: A002 (PyTorch's argument name)
        dtype = _dtype(type, "type", "iinfo")
        if _category(dtype) != _INTEGER:
            raise TypeError(f"torch.iinfo() requires an integer input type, got {dtype}; use finfo")
        limits = np.iinfo(dtype)
        self.bits, self.max, self.min = int(limits.bits), int(limits.max), int(limits.min)
        self.dtype = str(dtype)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def _promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's promotion of two dtypes: the higher category wins, then the wider type."""
    if _category(a) != _category(b):
        return a if _category(a) > _category(b) else b
    return np.promote_types(a, b)


def promote_types(type1: DType, type2: DType) -> np.dtype:
    """The dtype PyTorch computes ``type1`` with ``type2`` in (``int64`` and ``float16`` give ``float16``)."""
    return _promote(_dtype(type1, "type1", "promote_types"), _dtype(type2, "type2", "promote_types"))


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """A lower-ranked operand's type counts only where it brings a higher category (PyTorch's rule)."""
    if higher is None:
        return lower
    if lower is None or _category(higher) == _FLOAT:
        return higher
    if higher == np.bool_ or _category(lower) == _FLOAT:
        return _promote(higher, lower)
    return higher


def result_type(tensor1: Any, tensor2: Any) -> np.dtype:
    """The dtype of an arithmetic op on ``tensor1`` and ``tensor2`` (tensors or Python numbers)."""
    ranked: list[np.dtype | None] = [None, None, None]  # tensors with dims, 0-d tensors, numbers
    for name, operand in (("tensor1", tensor1), ("tensor2", tensor2)):
        if isinstance(operand, Tensor):
            rank, dtype = (1 if operand.ndim == 0 else 0), operand.dtype
        elif isinstance(operand, (bool, np.bool_)):
            rank, dtype = 2, np.dtype(np.bool_)
        elif isinstance(operand, (int, np.integer)):
            rank, dtype = 2, np.dtype(np.int64)
        elif isinstance(operand, (float, np.floating)):
            rank, dtype = 2, get_default_dtype()
        else:
            raise TypeError(
                f"result_type(): argument '{name}' must be a Tensor or a number, not {type(operand).__name__}"
            )
        ranked[rank] = dtype if ranked[rank] is None else _promote(ranked[rank], dtype)
    return _combine(ranked[0], _combine(ranked[1], ranked[2]))


def can_cast(from_: DType, to: DType) -> bool:
    """Whether PyTorch casts ``from_`` to ``to`` implicitly: never to a lower category (float to int,
    int to bool); within a category, always."""
    source, target = _dtype(from_, "from_", "can_cast"), _dtype(to, "to", "can_cast")
    return _category(source) <= _category(target)
