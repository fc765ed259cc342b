"""PyTorch's spellings of Tensor methods: ``x.dim()``, ``x.t()``, ``x.new_zeros(3)``, ``x.topk(2)``, ...

``Tensor`` inherits them from ``TensorSpellings``. Each is a short composition of Tensor's own
differentiable ops, so gradients come for free and every backend runs it, or a constant such as a
comparison. ``TensorSize`` is what ``x.size`` returns: NumPy's element count that PyTorch code may call.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import tensor as _tensor  # tensor.py imports this module for Tensor's base class: used at call time
from .autograd import Function, no_grad

if TYPE_CHECKING:
    from .tensor import Tensor, ValuesAndIndices


class TensorSize(int):
    """``x.size``: the number of elements, an ``int`` as in NumPy (``x.size == 6``), that PyTorch code
    may also call: ``x.size()`` is the shape tuple and ``x.size(d)`` the length of axis ``d``
    (negative ``d`` counts from the end)."""

    def __new__(cls, shape: tuple[int, ...]) -> TensorSize:
        size = super().__new__(cls, math.prod(shape))
        size._shape = shape
        return size

    @classmethod
    def of(cls, shape: tuple[int, ...]) -> TensorSize:
        """The size of ``shape``, shared among tensors of one shape: ``x.size`` is read on hot paths
        (reshape, backward), and building the int with its shape costs ~1 us, a lookup ~0.1 us."""
        size = _SIZES.get(shape)
        if size is None:
            if len(_SIZES) >= 4096:  # many distinct shapes: start over rather than grow without bound
                _SIZES.clear()
            size = _SIZES[shape] = cls(shape)
        return size

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return self._shape
        if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"size(dim): dim must be an integer, got {dim!r}")
        rank = len(self._shape)
        if rank == 0:
            raise _tensor.DimensionError(
                f"size: dim {dim} is out of range: a 0-d tensor has no dims (size() is ())"
            )
        if not -rank <= dim < rank:
            raise _tensor.DimensionError(
                f"size: dim {dim} is out of range for a tensor of shape {self._shape} "
                f"(dims {-rank} to {rank - 1})"
            )
        return self._shape[dim]

    def __reduce__(self) -> tuple:
        return (int, (int(self),))  # pickles as the plain number it stands for


_SIZES: dict[tuple[int, ...], TensorSize] = {}  # TensorSize.of's cache: each is immutable


class _StepFunction(Function):
    """``value``, a piecewise-constant function of the inputs (floor, round, a quotient rounded to an
    integer): its gradient is 0 wherever it is defined, as PyTorch's."""

    saves_inputs = False

    def forward(self, *arrays: Any, value: Any) -> Any:
        return value

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return tuple(_tensor.zeros_like(t) if t.requires_grad else None for t in self.inputs)


def _stepwise(compute: Callable[[Any, Any], Any], source: Tensor) -> Tensor:
    """``compute(xp, source.data)`` (a rounding), with the zero gradient PyTorch gives it."""
    if not _tensor._is_float(source.dtype):
        return source.clone()  # integers are whole already
    value = compute(source._backend.xp, source.data)
    return _StepFunction.apply(source, value=value)


def _argsort_data(source: Tensor, axis: int, descending: bool) -> Any:
    """The device array of indices that sort ``source`` along ``axis``, stably (ties keep their order).

    Descending order sorts the reversed axis and reverses the answer back: stable too, and NaN comes
    first, as in PyTorch (the Array API's ``descending=`` is not in NumPy's argsort).
    """
    xp = source._backend.xp
    data = xp.astype(source.data, xp.uint8) if source.dtype == _tensor.bool_ else source.data
    if not descending:
        return xp.argsort(data, axis=axis, stable=True)
    order = xp.argsort(xp.flip(data, axis=axis), axis=axis, stable=True)
    return (source.shape[axis] - 1) - xp.flip(order, axis=axis)


def _integer(value: Any, name: str, op: str) -> int:
    """``value`` as a Python int, or a TypeError that names the argument (a float, a bool, a string)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, np.integer)):
        raise TypeError(f"{op}: {name} must be an integer, got {value!r}")
    return builtins.int(value)


def _other_tensor(other: Any, op: str) -> Tensor:
    """The tensor whose shape or dtype ``*_as`` copies: a Tensor, or a TypeError that says what came."""
    if not isinstance(other, _tensor.Tensor):
        raise TypeError(f"{op}: other must be a Tensor, got {type(other).__name__}")
    return other


def _matrix_operand(other: Any, like: Tensor, op: str) -> Tensor:
    """The second operand of ``mm``/``bmm``/``dot``/``outer``: a Tensor, or a list or array made one."""
    if isinstance(other, (list, tuple, np.ndarray)):
        return _tensor._as_tensor(other, like)
    if not isinstance(other, _tensor.Tensor):
        raise TypeError(f"{op}: the other operand must be a Tensor, got {type(other).__name__}")
    return other


def _flag(value: Any, name: str, op: str) -> None:
    """A switch argument must be a bool: ``descending="no"`` would otherwise count as True."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be a bool, got {value!r}")


def _finite(value: Any, name: str, op: str) -> float:
    """``value``, checked to be a finite number (a bound or a scale of random draws)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, float, np.number)):
        raise TypeError(f"{op}: {name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{op}: {name} must be finite, got {value}")
    return value


def _sort_axis(source: Tensor, dim: Any, op: str) -> int:
    return _tensor._axis_index(dim, builtins.max(source.ndim, 1), op)  # a 0-d tensor takes dim 0 or -1


class TensorSpellings:
    """PyTorch's names for what a Tensor can do; a mixin of ``Tensor`` (it holds no state)."""

    __slots__ = ()

    # -- facts about the tensor ----------------------------------------------------------------
    def dim(self: Tensor) -> int:
        """The number of axes (``ndim``)."""
        return self.ndim

    def is_contiguous(self: Tensor) -> bool:
        """True: our arrays never need a contiguous copy (kept for code written for PyTorch)."""
        return True

    def is_floating_point(self: Tensor) -> bool:
        return _tensor._is_float(self.dtype)

    def element_size(self: Tensor) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def itemsize(self: Tensor) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self: Tensor) -> int:
        return builtins.int(self.size) * self.dtype.itemsize

    @property
    def is_cuda(self: Tensor) -> bool:
        return self.device.startswith("cuda")

    # -- dtype conversions (float-to-float casts keep the graph, as ``astype``) ---------------------
    def int(self: Tensor) -> Tensor:
        return self.astype(_tensor.int32)

    def bool(self: Tensor) -> Tensor:
        return self.astype(_tensor.bool_)

    def half(self: Tensor) -> Tensor:
        return self.astype(_tensor.float16)

    def type(self: Tensor, dtype: Any = None) -> Any:
        """With a dtype, the tensor cast to it; with none, the dtype's name (``'float32'``)."""
        return str(self.dtype) if dtype is None else self.astype(dtype)

    def type_as(self: Tensor, other: Tensor) -> Tensor:
        return self.astype(_other_tensor(other, "type_as").dtype)

    # -- shape ---------------------------------------------------------------------------------
    def t(self: Tensor) -> Tensor:
        """The transpose of a 2-D tensor; 0-D and 1-D tensors come back unchanged."""
        if self.ndim > 2:
            raise ValueError(
                f"t() needs a tensor of at most 2 dimensions, got shape {self.shape}; "
                "use transpose(dim0, dim1) or mT"
            )
        return self.transpose(0, 1) if self.ndim == 2 else self

    def expand_as(self: Tensor, other: Tensor) -> Tensor:
        return self.expand(*_other_tensor(other, "expand_as").shape)

    def view_as(self: Tensor, other: Tensor) -> Tensor:
        return self.view(*_other_tensor(other, "view_as").shape)

    def reshape_as(self: Tensor, other: Tensor) -> Tensor:
        return self.reshape(*_other_tensor(other, "reshape_as").shape)

    def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
        """The ``length`` entries from ``start`` along ``dim`` (a view, as ``x[:, start:start + length]``)."""
        if self.ndim == 0:
            raise ValueError("narrow needs a tensor with at least one dimension, got a 0-d tensor")
        axis = _tensor._axis_index(dim, self.ndim, "narrow")
        start, length = _integer(start, "start", "narrow"), _integer(length, "length", "narrow")
        n = self.shape[axis]
        if not -n <= start <= n:
            raise IndexError(f"narrow: start {start} is out of range for dim {dim} of length {n}")
        start = start + n if start < 0 else start
        if length < 0 or start + length > n:
            raise ValueError(
                f"narrow: start {start} + length {length} exceeds the length {n} of dim {dim} "
                f"(shape {self.shape})"
            )
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def tril(self: Tensor, diagonal: int = 0) -> Tensor:
        """The lower triangle of each matrix (entries at column - row <= ``diagonal``); zeros above."""
        return self._triangle(diagonal, "tril")

    def triu(self: Tensor, diagonal: int = 0) -> Tensor:
        """The upper triangle of each matrix (entries at column - row >= ``diagonal``); zeros below."""
        return self._triangle(diagonal, "triu")

    def _triangle(self: Tensor, diagonal: int, op: str) -> Tensor:
        diagonal = _integer(diagonal, "diagonal", op)
        if self.ndim < 2:
            raise ValueError(f"{op} needs a matrix or a batch of matrices, got shape {self.shape}")
        rows, columns = self.shape[-2:]
        offset = np.arange(columns)[None, :] - np.arange(rows)[:, None]
        keep = offset <= diagonal if op == "tril" else offset >= diagonal
        return _tensor.where(_tensor.Tensor(keep, device=self.device), self, 0)

    # -- new tensors like this one (same dtype and device unless told) ------------------------------
    def new_tensor(
        self: Tensor, data: Any, dtype: Any = None, device: str | None = None, requires_grad: bool = False
    ) -> Tensor:
        return _tensor.Tensor(
            data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
        )

    def new_full(
        self: Tensor,
        size: Sequence[int],
        fill_value: float,
        dtype: Any = None,
        device: str | None = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """A tensor of ``size`` filled with ``fill_value`` (converted to the dtype, as PyTorch does)."""
        dtype = _tensor._resolve_dtype(dtype) or self.dtype
        backend = _tensor.get_backend(device or self.device)
        fill_value = _tensor._fill_value(fill_value, dtype, "new_full")
        value = np.asarray(fill_value).astype(dtype).item()  # 2.7 in an integer tensor is 2
        shape = _tensor._shape_arg((size,))
        if builtins.any(n < 0 for n in shape):
            raise ValueError(f"new_full: sizes must be non-negative, got {shape}")
        data = backend.xp.full(shape, value, dtype=backend.native_dtype(dtype), **backend.creation_kwargs)
        return _tensor.Tensor._wrap(data, backend).requires_grad_(requires_grad)

    def new_zeros(
        self: Tensor, *size: Any, dtype: Any = None, device: str | None = None, requires_grad: bool = False
    ) -> Tensor:
        return self.new_full(_tensor._shape_arg(size), 0, dtype, device, requires_grad)

    def new_ones(
        self: Tensor, *size: Any, dtype: Any = None, device: str | None = None, requires_grad: bool = False
    ) -> Tensor:
        return self.new_full(_tensor._shape_arg(size), 1, dtype, device, requires_grad)

    def new_empty(
        self: Tensor, *size: Any, dtype: Any = None, device: str | None = None, requires_grad: bool = False
    ) -> Tensor:
        """A new tensor of ``size``; its entries are zeros (PyTorch leaves them unset)."""
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    # -- arithmetic under PyTorch's method names --------------------------------------------------
    def neg(self: Tensor) -> Tensor:
        return -self

    def add(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
        """``self + alpha * other``."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
        """``self - alpha * other``."""
        return self - (other if alpha == 1 else other * alpha)

    def mul(self: Tensor, other: Any) -> Tensor:
        return self * other

    def true_divide(self: Tensor, other: Any) -> Tensor:
        return self / other

    def div(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """``self / other``; ``rounding_mode='trunc'`` rounds the quotient toward 0, ``'floor'`` toward
        -∞ (Python's ``//``). Rounded quotients keep integer dtypes and have gradient 0, as in PyTorch."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("trunc", "floor"):
            raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
        a, b = _tensor._coerce(self, other, "div")
        with no_grad():
            if rounding_mode == "floor":
                rounded = a // b
            elif _tensor._is_float(a.dtype):
                rounded = (a / b).trunc()
            else:  # a negative quotient with a remainder is one above its floor
                floor = a // b
                rounded = floor + ((floor < 0) & (a % b != 0)).astype(floor.dtype)
        if not _tensor._is_float(rounded.dtype):
            return rounded
        return _StepFunction.apply(a, b, value=rounded.data)

    def matmul(self: Tensor, other: Any) -> Tensor:
        return _tensor.matmul(self, other)

    def addmm(self: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
        """``beta * self + alpha * (mat1 @ mat2)``; with ``beta=0`` this tensor is ignored (even nan)."""
        product = mat1.mm(mat2)
        product = product if alpha == 1 else product * alpha
        if beta == 0:
            return product
        return (self if beta == 1 else self * beta) + product

    def mm(self: Tensor, other: Tensor) -> Tensor:
        """The product of two matrices (2-D only; ``matmul`` broadcasts)."""
        other = _matrix_operand(other, self, "mm")
        if self.ndim != 2 or other.ndim != 2:
            raise ValueError(f"mm needs two matrices (2-D), got shapes {self.shape} and {other.shape}")
        return _tensor.matmul(self, other)

    def bmm(self: Tensor, other: Tensor) -> Tensor:
        """Batched matrix products of (b, n, m) and (b, m, p) tensors (no broadcasting)."""
        other = _matrix_operand(other, self, "bmm")
        if self.ndim != 3 or other.ndim != 3 or self.shape[0] != other.shape[0]:
            raise ValueError(
                f"bmm needs two 3-D tensors with one batch size, got shapes {self.shape} and {other.shape}"
            )
        return _tensor.matmul(self, other)

    def dot(self: Tensor, other: Tensor) -> Tensor:
        """The inner product of two 1-D tensors of one length."""
        other = _matrix_operand(other, self, "dot")
        if self.ndim != 1 or other.ndim != 1 or self.shape != other.shape:
            raise ValueError(
                f"dot needs two 1-D tensors of one length, got shapes {self.shape} and {other.shape}"
            )
        return (self * other).sum()

    def outer(self: Tensor, other: Tensor) -> Tensor:
        """The outer product ``self[i] * other[j]`` of two 1-D tensors."""
        other = _matrix_operand(other, self, "outer")
        if self.ndim != 1 or other.ndim != 1:
            raise ValueError(f"outer needs two 1-D tensors, got shapes {self.shape} and {other.shape}")
        return self.reshape(-1, 1) * other.reshape(1, -1)

    def lerp(self: Tensor, end: Any, weight: Any) -> Tensor:
        """``self + weight * (end - self)``, written from the nearer end as PyTorch does, so that
        weight 1 gives ``end`` exactly."""
        difference = end - self
        if isinstance(weight, _tensor.Tensor):
            if not _tensor._is_float(weight.dtype):  # a mask or integer weight: 0 or 1 (or more) of the way
                weight = weight.astype(self.dtype if _tensor._is_float(self.dtype) else _tensor.default_float)
            near_start = weight.abs() < 0.5
            return _tensor.where(near_start, self + weight * difference, end - difference * (1 - weight))
        return self + weight * difference if abs(weight) < 0.5 else end - difference * (1 - weight)

    # -- comparisons (constants) ------------------------------------------------------------------
    def eq(self: Tensor, other: Any) -> Tensor:
        return self == other

    def ne(self: Tensor, other: Any) -> Tensor:
        return self != other

    def gt(self: Tensor, other: Any) -> Tensor:
        return self > other

    def ge(self: Tensor, other: Any) -> Tensor:
        return self >= other

    def lt(self: Tensor, other: Any) -> Tensor:
        return self < other

    def le(self: Tensor, other: Any) -> Tensor:
        return self <= other

    def isnan(self: Tensor) -> Tensor:
        return _tensor.Tensor._wrap(self._backend.xp.isnan(self.data), self._backend)

    def isinf(self: Tensor) -> Tensor:
        return _tensor.Tensor._wrap(self._backend.xp.isinf(self.data), self._backend)

    def isfinite(self: Tensor) -> Tensor:
        return _tensor.Tensor._wrap(self._backend.xp.isfinite(self.data), self._backend)

    # -- rounding (gradient 0, as in PyTorch) ------------------------------------------------------
    def floor(self: Tensor) -> Tensor:
        return _stepwise(lambda xp, data: xp.floor(data), self)

    def ceil(self: Tensor) -> Tensor:
        return _stepwise(lambda xp, data: xp.ceil(data), self)

    def trunc(self: Tensor) -> Tensor:
        """Rounded toward 0."""
        return _stepwise(lambda xp, data: xp.trunc(data), self)

    def round(self: Tensor, decimals: int = 0) -> Tensor:
        """Rounded to ``decimals`` places, halves to even (as PyTorch and NumPy)."""
        decimals = _integer(decimals, "decimals", "round")
        if decimals == 0:
            return _stepwise(lambda xp, data: xp.round(data), self)
        scale = 10.0**decimals
        return _stepwise(lambda xp, data: xp.round(data * scale) / scale, self)

    # -- selections ---------------------------------------------------------------------------------
    def diag(self: Tensor, diagonal: int = 0) -> Tensor:
        """A 1-D tensor set on the ``diagonal``-th diagonal of a square matrix (0 the main one, > 0
        above it), or the ``diagonal``-th diagonal of a 2-D tensor as a 1-D tensor; differentiable."""
        diagonal = _integer(diagonal, "diagonal", "diag")
        if self.ndim == 2:
            rows, columns = self.shape
            start_row, start_column = builtins.max(-diagonal, 0), builtins.max(diagonal, 0)
            length = builtins.max(builtins.min(rows - start_row, columns - start_column), 0)
            return self[np.arange(length) + start_row, np.arange(length) + start_column]
        if self.ndim != 1:
            raise ValueError(f"diag needs a 1-D or 2-D tensor, got shape {self.shape}")
        n = self.shape[0] + abs(diagonal)
        backend = self._backend
        place = tuple(
            backend.asarray(np.arange(self.shape[0]) + start)
            for start in (builtins.max(-diagonal, 0), builtins.max(diagonal, 0))
        )
        return _tensor._ops().IndexAdd.apply(self, shape=(n, n), index=place, advanced=True)

    def nonzero(self: Tensor, *, as_tuple: bool = False) -> Any:
        """The indices (int64) of the nonzero entries, one row per entry (``as_tuple``: one 1-D
        tensor per axis, ready to index with), in row-major order."""
        _flag(as_tuple, "as_tuple", "nonzero")
        if self.ndim == 0:  # as one entry along a new axis, then without that axis
            found = self.reshape(1).nonzero()
            return (found[:, 0],) if as_tuple else found[:, :0]
        backend = self._backend
        per_axis = [
            _tensor.Tensor._wrap(a, backend).astype(_tensor.int64) for a in backend.xp.nonzero(self.data)
        ]
        return tuple(per_axis) if as_tuple else _tensor.stack(per_axis, dim=1)

    def where(self: Tensor, condition: Any, other: Any) -> Tensor:
        """``self`` where ``condition`` holds, else ``other`` (``tg.where(condition, self, other)``)."""
        return _tensor.where(condition, self, other)

    def masked_fill(self: Tensor, mask: Tensor, value: Any) -> Tensor:
        """``value`` (a number or a 0-d tensor, cast to this dtype) where ``mask`` is True, else ``self``."""
        if isinstance(value, _tensor.Tensor):
            if value.ndim != 0:
                raise ValueError(
                    f"masked_fill: value must be a number or a 0-d tensor, got shape {value.shape}"
                )
            value = value.astype(self.dtype)
        else:
            value = _tensor._fill_value(value, self.dtype, "masked_fill")
            value = _tensor.Tensor._wrap(self._backend.asarray(value, self.dtype), self._backend)
        return _tensor.where(mask, value, self)

    def index_select(self: Tensor, dim: int, index: Tensor) -> Tensor:
        """The entries at the (1-D, integer) ``index`` along ``dim``."""
        index = _tensor._as_tensor(index, self)
        if index.ndim > 1:
            raise ValueError(f"index_select: index must be 1-D, got shape {index.shape}")
        if index.dtype.kind not in "iu":
            raise TypeError(f"index_select: index must hold integers, got {index.dtype}")
        if self.ndim == 0:
            return self.reshape(1)[index.reshape(-1)].reshape(())
        axis = _tensor._axis_index(dim, self.ndim, "index_select")
        return self[(slice(None),) * axis + (index.reshape(-1),)]

    def gather(self: Tensor, dim: int, index: Tensor) -> Tensor:
        """``out[i][j][k] = self[index[i][j][k]][j][k]`` for ``dim=0`` (and so on): the entries that
        ``index`` names along ``dim``; ``index`` has this tensor's number of axes and no longer ones
        (except along ``dim``)."""
        index = _tensor._as_tensor(index, self)
        if index.dtype.kind not in "iu":
            raise TypeError(f"gather: index must hold integers, got {index.dtype}")
        if self.ndim == 0:
            return self.reshape(1).gather(0, index.reshape(1)).reshape(index.shape)
        axis = _tensor._axis_index(dim, self.ndim, "gather")
        if index.ndim != self.ndim or any(
            m > n for d, (m, n) in enumerate(zip(index.shape, self.shape)) if d != axis
        ):
            raise ValueError(
                f"gather: an index of shape {index.shape} does not fit a tensor of shape {self.shape} "
                f"along dim {dim} (same number of axes, no longer off dim {axis})"
            )
        grids: list[Any] = [
            np.arange(n).reshape([-1 if d == i else 1 for i in range(index.ndim)])
            for d, n in enumerate(index.shape)
        ]
        grids[axis] = index
        return self[tuple(grids)]

    # -- ordering -----------------------------------------------------------------------------------
    def argsort(self: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        """The indices (int64) that sort along ``dim``; always stable (ties keep their order)."""
        _flag(descending, "descending", "argsort")
        _flag(stable, "stable", "argsort")
        if self.ndim == 0:
            _sort_axis(self, dim, "argsort")
            return _tensor.zeros((), dtype=_tensor.int64, device=self.device)
        indices = _argsort_data(self, _sort_axis(self, dim, "argsort"), descending)
        return _tensor.Tensor._wrap(indices, self._backend).astype(_tensor.int64)

    def sort(self: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesAndIndices:
        """``(values, indices)``: the entries sorted along ``dim`` (stably; NaN counts as largest, as
        in PyTorch) and where each came from. The gradient of ``values`` goes back to those entries."""
        indices = self.argsort(dim, descending)
        values = self if self.ndim == 0 else self.gather(dim, indices)
        return _tensor.ValuesAndIndices(values, indices)

    def topk(
        self: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
    ) -> ValuesAndIndices:
        """``(values, indices)`` of the ``k`` largest entries along ``dim`` (smallest with
        ``largest=False``), in order; ties go to the first. The gradient goes to the chosen entries."""
        axis = _sort_axis(self, dim, "topk")
        _flag(largest, "largest", "topk")
        _flag(sorted, "sorted", "topk")
        length = self.shape[axis] if self.ndim else 1
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (builtins.int, np.integer)):
            raise TypeError(f"topk: k must be an integer, got {k!r}")
        if not 0 <= k <= length:
            raise ValueError(f"topk: k={k} is out of range for dim {dim} of length {length}")
        order = self.argsort(axis, descending=largest)
        indices = order if self.ndim == 0 else order[(slice(None),) * axis + (slice(0, k),)]
        values = self if self.ndim == 0 else self.gather(axis, indices)
        return _tensor.ValuesAndIndices(values, indices)

    def unique(
        self: Tensor,
        sorted: bool = True,
        return_inverse: bool = False,
        return_counts: bool = False,
        dim: int | None = None,
    ) -> Any:
        """The distinct entries in ascending order (no gradient); with ``return_inverse`` also where
        each entry went (this tensor's shape), with ``return_counts`` how often each occurs."""
        if dim is not None:
            raise NotImplementedError(
                "unique(dim=...) is not supported: unique entries of the whole tensor only"
            )
        xp, backend = self._backend.xp, self._backend
        flat = _tensor.Tensor._wrap(xp.reshape(self.data, (-1,)), backend)
        if flat.size == 0:  # nothing to compare (and the Array API slices no empty axis)
            inverse = _tensor.zeros(*self.shape, dtype=_tensor.int64, device=self.device)
            values, counts = flat, _tensor.zeros(0, dtype=_tensor.int64, device=self.device)
        else:
            order = _argsort_data(flat, 0, descending=False)
            ordered = xp.take(flat.data, order, axis=0)
            # An entry starts a run of equal ones where it differs from the one before it.
            first = xp.ones(1, dtype=xp.bool, **backend.creation_kwargs)
            starts = xp.concat([first, ordered[1:] != ordered[:-1]])
            values = _tensor.Tensor._wrap(ordered[starts], backend)
            run = xp.cumulative_sum(xp.astype(starts, xp.int64)) - 1  # each sorted entry's run
            unsorted = xp.take(run, xp.argsort(order, stable=True), axis=0)  # back in the input's order
            inverse = _tensor.Tensor._wrap(xp.reshape(unsorted, self.shape), backend).astype(_tensor.int64)
            run_starts = xp.nonzero(starts)[0]
            end = xp.asarray([flat.size], dtype=run_starts.dtype, **backend.creation_kwargs)
            counts = _tensor.Tensor._wrap(xp.concat([run_starts[1:], end]) - run_starts, backend)
            counts = counts.astype(_tensor.int64)
        if not (return_inverse or return_counts):
            return values
        return (values, *([inverse] if return_inverse else []), *([counts] if return_counts else []))

    # -- in place (refused where autograd would need the old value, as ``add_``) --------------------
    def abs_(self: Tensor) -> Tensor:
        return self._set_data(self.detach().abs(), "abs_")

    def neg_(self: Tensor) -> Tensor:
        return self._set_data(-self.detach(), "neg_")

    def exp_(self: Tensor) -> Tensor:
        return self._set_data(self.detach().exp(), "exp_")

    def log_(self: Tensor) -> Tensor:
        return self._set_data(self.detach().log(), "log_")

    def sqrt_(self: Tensor) -> Tensor:
        return self._set_data(self.detach().sqrt(), "sqrt_")

    def sigmoid_(self: Tensor) -> Tensor:
        return self._set_data(self.detach().sigmoid(), "sigmoid_")

    def tanh_(self: Tensor) -> Tensor:
        return self._set_data(self.detach().tanh(), "tanh_")

    def relu_(self: Tensor) -> Tensor:
        return self._set_data(self.detach().relu(), "relu_")

    def pow_(self: Tensor, exponent: Any) -> Tensor:
        return self._set_data(self.detach() ** exponent, "pow_")

    def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return self._set_data(self.detach().clip(min, max), "clamp_")

    clip_ = clamp_

    def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
        return self._set_data(self.detach().masked_fill(mask, value), "masked_fill_")

    def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
        """Refill with normal draws N(mean, std²) from the device's generator (``tg.manual_seed``)."""
        _finite(mean, "mean", "normal_")
        if not _finite(std, "std", "normal_") >= 0:
            raise ValueError(f"normal_: std must be >= 0, got {std}")
        return self._set_data(self._draws("normal", "normal_") * std + mean, "normal_")

    def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
        """Refill with uniform draws on [a, b) from the device's generator (``tg.manual_seed``)."""
        if _finite(a, "a", "uniform_") > _finite(b, "b", "uniform_"):
            raise ValueError(f"uniform_: the range [a, b) needs a <= b, got a={a} > b={b}")
        return self._set_data(self._draws("uniform", "uniform_") * (b - a) + a, "uniform_")

    def _draws(self: Tensor, kind: str, op: str) -> Tensor:
        if not _tensor._is_float(self.dtype):
            raise TypeError(f"{op} needs a floating-point tensor, this one is {self.dtype}")
        return _tensor.Tensor._wrap(self._backend.random(kind, self.shape, self.dtype), self._backend)
