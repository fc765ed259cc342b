"""PyTorch's spellings of Tensor methods: ``x.dim()``, ``x.t()``, ``x.new_zeros(3)``, ``x.topk(2)``, ...

``Tensor`` inherits them from ``TensorSpellings``. Each is a short composition of Tensor's own
differentiable ops, so gradients come for free and every backend runs it, or a constant such as a
comparison. ``TensorSize`` is what ``x.size`` returns: NumPy's element count that PyTorch code may call.
"""

from __future__ import annotations

import builtins
import itertools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import tensor as _tensor  # tensor.py imports this module for Tensor's base class: used at call time
from .autograd import Function, is_grad_enabled, no_grad
from .rng import random_draws

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
    value = compute(source._backend.xp, source._data)
    return _StepFunction.apply(source, value=value)


def _argsort_data(source: Tensor, axis: int, descending: bool) -> Any:
    """The device array of indices that sort ``source`` along ``axis``, stably (ties keep their order).

    Descending order sorts the reversed axis and reverses the answer back: stable too, and NaN comes
    first, as in PyTorch (the Array API's ``descending=`` is not in NumPy's argsort).
    """
    xp = source._backend.xp
    data = xp.astype(source._data, xp.uint8) if source.dtype == _tensor.bool_ else source._data
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


def _index_tensor(index: Any, like: Tensor, op: str, dtypes: tuple[str, ...] = ("int32", "int64")) -> Tensor:
    """``index`` as a tensor on ``like``'s device, of one of the integer ``dtypes`` PyTorch takes there."""
    index = _tensor._as_tensor(index, like)
    _tensor._same_device(like, index, op)
    if index.dtype.name not in dtypes:
        raise _tensor.DtypeMismatchError(  # PyTorch's RuntimeError
            f"{op}: index must be a tensor of dtype {' or '.join(dtypes)}, got {index.dtype}"
        )
    return index


def _check_bounds(index: Tensor, length: int, axis: int, op: str, negative_ok: bool = False) -> Tensor:
    """``index`` with its entries checked to lie in [0, length), or an IndexError naming a value
    outside; with ``negative_ok`` [-length, length) is allowed and negative entries, which count
    from the end, come back made non-negative."""
    if index.size == 0:
        return index
    xp, backend = index._backend.xp, index._backend
    low = _tensor.Tensor._wrap(xp.min(index._data), backend).item()
    high = _tensor.Tensor._wrap(xp.max(index._data), backend).item()
    lowest = -length if negative_ok else 0
    for value in (low, high):
        if not lowest <= value < length:
            raise IndexError(f"{op}: index {value} is out of bounds for dim {axis} with size {length}")
    return _tensor.where(index < 0, index + length, index) if low < 0 else index


def _refuse_negative(index: Tensor, length: int, axis: int, op: str) -> None:
    """PyTorch's gather and index_select take no negative index (indexing would count it from the
    end); too large ones are refused by indexing itself."""
    if index.size and (lowest := index.min().item()) < 0:
        raise IndexError(f"{op}: index {lowest} is out of bounds for dim {axis} with size {length}")


class IndexOutOfBoundsError(IndexError, RuntimeError):
    """An index past its dimension where PyTorch raises a RuntimeError (gather), still the
    IndexError an index out of range is."""


def _same_dtype(source: Tensor, other: Tensor, name: str, op: str) -> None:
    if source.dtype != other.dtype:
        raise _tensor.DtypeMismatchError(  # PyTorch's RuntimeError
            f"{op}: {name} of dtype {other.dtype} does not match this tensor's dtype {source.dtype}"
        )


def _scatter_index(
    source: Tensor,
    dim: Any,
    index: Any,
    src: Tensor | None,
    op: str,
    dtypes: tuple[str, ...] = ("int32", "int64"),
) -> tuple[Tensor, tuple]:
    """The checked ``index`` of ``scatter``/``scatter_add`` and the advanced index it stands for:
    ``index[i][j][k]`` along ``dim`` and each entry's own position along the other axes."""
    index = _index_tensor(index, source, op, dtypes)
    axis = _tensor._axis_index(dim, source.ndim, op)
    if index.ndim != source.ndim or (src is not None and src.ndim != source.ndim):
        raise ValueError(
            f"{op}: index (shape {index.shape}) and src (shape {None if src is None else src.shape}) need as "
            f"many dims as this tensor (shape {source.shape})"
        )
    too_long = builtins.any(
        m > n for d, (m, n) in enumerate(zip(index.shape, source.shape)) if d != axis
    ) or (src is not None and builtins.any(m > n for m, n in zip(index.shape, src.shape)))
    if too_long:
        raise ValueError(
            f"{op}: index of shape {index.shape} must be no larger than this tensor {source.shape} apart "
            f"from dim {axis}, and no larger than src {None if src is None else src.shape}"
        )
    _check_bounds(index, source.shape[axis], axis, op)
    backend = source._backend
    grids = [
        backend.asarray(np.arange(n).reshape([-1 if d == i else 1 for i in range(index.ndim)]))
        for d, n in enumerate(index.shape)
    ]
    grids[axis] = index._data
    return index, tuple(grids)


def _reduced_on_grid(
    source: Tensor, axis: int, index: Tensor, values: Tensor, reduce: str, include_self: bool
) -> Tensor:
    """``scatter_reduce``'s "prod"/"amax"/"amin" at every position of ``source`` (meaningful where
    ``index`` sends something): each entry of ``values`` is a candidate at the one position of a
    new last axis (the length of ``axis``) its index names, the others hold the reduction's
    identity, and reducing along ``axis`` leaves one value per position."""
    length = source.shape[axis]
    if reduce == "prod":
        identity: Any = 1
    elif _tensor._is_float(source.dtype):
        identity = -math.inf if reduce == "amax" else math.inf
    else:
        info = np.iinfo(source.dtype) if source.dtype.kind in "iu" else None
        identity = (builtins.int(info.min) if reduce == "amax" else builtins.int(info.max)) if info else 0
    span = _tensor.arange(length, device=source.device).reshape((1,) * index.ndim + (length,))
    candidates = _tensor.where(index.unsqueeze(-1) == span, values.unsqueeze(-1), identity)
    reduced = {"prod": candidates.prod, "amax": candidates.amax, "amin": candidates.amin}[reduce](axis)
    if reduced.dtype != source.dtype:  # an int32 product stays int32, as PyTorch's (prod widens it)
        reduced = reduced.astype(source.dtype)
    order = list(range(reduced.ndim - 1))
    reduced = reduced.permute(*order[:axis], reduced.ndim - 1, *order[axis:])  # the new axis back at ``axis``
    n = source.ndim
    for d, length in enumerate(source.shape):  # positions beyond the index's extent: nothing sent there
        if reduced.shape[d] < length:
            extent = reduced.shape
            rest = source[tuple(slice(extent[e], None) if e == d else slice(0, extent[e]) for e in range(n))]
            reduced = _tensor.cat([reduced, rest], d)
    if not include_self:
        return reduced
    combine = {"prod": lambda a, b: a * b, "amax": _tensor.Tensor.maximum, "amin": _tensor.Tensor.minimum}
    return combine[reduce](source, reduced)


class _Xlogy(Function):
    """x log y, and 0 where x is 0 (unless y is NaN), as ``torch.xlogy``; its gradients are
    PyTorch's: ∂/∂x = log y (0 where x = 0 and y <= 0), ∂/∂y = x / y."""

    def forward(self, x: Any, y: Any) -> Any:
        xp = self.xp
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 and log of a negative, as PyTorch
            product = x * xp.log(y)
        return self.backend.where((x == 0) & ~xp.isnan(y), xp.zeros_like(product), product)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, y = self.inputs
        with np.errstate(divide="ignore", invalid="ignore"):
            dx = _tensor.where((x == 0) & (y <= 0), 0.0, y.log()) * grad if x.requires_grad else None
            dy = grad * x / y if y.requires_grad else None
        return dx, dy


class _Atan2(Function):
    """``atan2(y, x)``, the angle of (x, y); ∂/∂y = x / (x² + y²), ∂/∂x = -y / (x² + y²)."""

    def forward(self, y: Any, x: Any) -> Any:
        return self.xp.atan2(y, x)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        y, x = self.inputs
        radius2 = x * x + y * y
        with np.errstate(divide="ignore", invalid="ignore"):  # at the origin the gradient is 0, as PyTorch
            scale = _tensor.where(radius2 == 0, 0.0, grad / radius2)
        return (scale * x if y.requires_grad else None), (-scale * y if x.requires_grad else None)


class _Hypot(Function):
    """``√(x² + y²)`` without the overflow or underflow of squaring (``xp.hypot``, C's ``hypot``):
    hypot(1e30, 1e30) is 1.41e30 in float32, not inf; ∂/∂x = x / h, ∂/∂y = y / h (nan at the origin,
    as PyTorch's)."""

    saves_output = True

    def forward(self, x: Any, y: Any) -> Any:
        return self.xp.hypot(x, y)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, y = self.inputs
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = grad / self.output
            return (scale * x if x.requires_grad else None), (scale * y if y.requires_grad else None)


def _logaddexp(a: Tensor, b: Tensor) -> Tensor:
    """``log(exp a + exp b)``, shifted by the larger (a constant) so nothing overflows; -inf stays -inf."""
    with no_grad():
        top = a.maximum(b)
        top = _tensor.where(top.isfinite(), top, 0.0)
    with np.errstate(divide="ignore"):  # log 0 = -inf where both are -inf, as PyTorch
        return ((a - top).exp() + (b - top).exp()).log() + top


class UnsupportedDtypeError(TypeError, NotImplementedError):
    """An op that has no meaning for this dtype (bits of a float, a gcd of floats, a frexp of
    integers): PyTorch's NotImplementedError/RuntimeError, and the TypeError a wrong dtype is."""


def _floating(source: Tensor) -> Tensor:
    """``source``, or its cast to the default float dtype if it holds integers or booleans: what
    PyTorch's float functions (tan, log10, ...) read an integer tensor as."""
    return source if _tensor._is_float(source.dtype) else source.astype(_tensor.get_default_dtype())


def _floats_only(source: Tensor, op: str) -> Tensor:
    if not _tensor._is_float(source.dtype):
        raise UnsupportedDtypeError(f"{op}: needs a floating-point tensor, got {source.dtype}")
    return source


def _check_alpha(source: Tensor, other: Any, alpha: Any, op: str) -> None:
    """PyTorch's checks of ``alpha``: not a float for an integer result, not a bool unless both
    operands are masks (the float ``alpha`` would otherwise be rounded away or widen the dtype)."""
    if type(alpha) is builtins.int:
        return
    other_kind = other.dtype.kind if isinstance(other, _tensor.Tensor) else np.asarray(other).dtype.kind
    if isinstance(alpha, (bool, np.bool_)):
        if source.dtype.kind != "b" or other_kind != "b":
            raise _tensor.InvalidArgumentError(f"{op}: Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (float, np.floating)) and "f" not in (source.dtype.kind, other_kind):
        raise _tensor.InvalidArgumentError(
            f"{op}: For integral input tensors, argument alpha must not be a floating point number."
        )


def _floats_only_pair(source: Tensor, other: Any, op: str) -> Tensor:
    """``source``, if it or ``other`` is floating (PyTorch promotes int with float); else refused."""
    if isinstance(other, _tensor.Tensor) and _tensor._is_float(other.dtype):
        return source
    return _floats_only(source, op)


def _integers_only(*operands: Any, op: str, bool_ok: bool = True) -> None:
    """Refuse float operands (tensors or numbers) of a bitwise or number-theory op, as PyTorch does."""
    for operand in operands:
        dtype = operand.dtype if isinstance(operand, _tensor.Tensor) else np.asarray(operand).dtype
        if dtype.kind == "f" or dtype.kind == "c" or (dtype.kind == "b" and not bool_ok):
            kinds = "integer or boolean" if bool_ok else "integer"
            raise UnsupportedDtypeError(f"{op}: needs {kinds} tensors, got {dtype}")


class _Elementary(Function):
    """An elementwise function of the Array API (``forward(xp, a)``) whose derivative is
    ``derivative(x)``, a Tensor expression, so that gradients of gradients follow."""

    def forward(
        self, a: Any, *, forward: Callable[[Any, Any], Any], derivative: Callable[[Tensor], Tensor]
    ) -> Any:
        self.derivative = derivative
        with np.errstate(all="ignore"):  # asin(2) is NaN and log10(0) is -inf, without NumPy's warning
            return forward(self.xp, a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (grad * self.derivative(self.inputs[0]),)


_LN2, _LN10 = math.log(2.0), math.log(10.0)
# name: (value on arrays, derivative as a Tensor expression), as in PyTorch's derivatives.yaml
_ELEMENTARY: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Tensor], Tensor]]] = {
    "tan": (lambda xp, a: xp.tan(a), lambda x: 1 + x.tan().square()),
    "sinh": (lambda xp, a: xp.sinh(a), lambda x: x.cosh()),
    "cosh": (lambda xp, a: xp.cosh(a), lambda x: x.sinh()),
    "asin": (lambda xp, a: xp.asin(a), lambda x: (1 - x * x).rsqrt()),
    "acos": (lambda xp, a: xp.acos(a), lambda x: -(1 - x * x).rsqrt()),
    "atan": (lambda xp, a: xp.atan(a), lambda x: 1 / (1 + x * x)),
    "asinh": (lambda xp, a: xp.asinh(a), lambda x: (x * x + 1).rsqrt()),
    "acosh": (lambda xp, a: xp.acosh(a), lambda x: (x * x - 1).rsqrt()),
    "atanh": (lambda xp, a: xp.atanh(a), lambda x: 1 / (1 - x * x)),
    "log10": (lambda xp, a: xp.log10(a), lambda x: 1 / (x * _LN10)),
    "log2": (lambda xp, a: xp.log2(a), lambda x: 1 / (x * _LN2)),
    "exp2": (lambda xp, a: 2.0**a, lambda x: x.exp2() * _LN2),
}


def _elementary(source: Tensor, name: str) -> Tensor:
    forward, derivative = _ELEMENTARY[name]
    return _Elementary.apply(_floating(source), forward=forward, derivative=derivative)


class _NoDerivative(Function):
    """``value``, an op of the inputs whose derivative PyTorch does not implement (heaviside):
    backward raises, as PyTorch's does, rather than hand back zeros."""

    saves_inputs = False

    def forward(self, *arrays: Any, value: Any, op: str) -> Any:
        self.op = op
        return value

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        raise RuntimeError(f"the derivative of {self.op} is not implemented, as in PyTorch")


class _Nextafter(Function):
    """The next float after a toward b; PyTorch 2.13's derivative: 1 for a where a != b (a step of
    one ulp is no change to first order), 0 where it stays put; 0 for b."""

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.nextafter(a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = self.inputs
        zeros = _tensor.zeros_like(grad)
        return _tensor.where((a != b).detach(), grad, zeros), zeros


class _Copysign(Function):
    """|a| with the sign of b (−0.0 and NaN's sign bit included), ``torch.copysign``; ∂/∂a is
    ±sign(a) (0 at a = 0), ∂/∂b is 0, as PyTorch's."""

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.copysign(a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.inputs
        flip = _tensor.Tensor._wrap(self.xp.copysign(self.xp.ones_like(a._data), b._data), self.backend)
        da = grad * a.sign() * flip if a.requires_grad else None
        return da, (_tensor.zeros_like(b) if b.requires_grad else None)


class MantissaAndExponent(NamedTuple):
    """What ``frexp`` returns, like ``torch.return_types.frexp``: x = mantissa · 2^exponent."""

    mantissa: Tensor
    exponent: Tensor


class MinAndMax(NamedTuple):
    """What ``aminmax`` returns, like ``torch.return_types.aminmax``."""

    min: Tensor
    max: Tensor


class _Mantissa(Function):
    """frexp's mantissa, x · 2^(−e) (computed exactly on arrays); its gradient is 2^(−e), as PyTorch's
    ``grad / exponent.exp2()``."""

    saves_inputs = False

    def forward(self, a: Any, *, mantissa: Any, scale: Any) -> Any:
        self.scale = scale
        return mantissa

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * _tensor.Tensor._wrap(self.scale, self.backend),)


def _frexp_arrays(xp: Any, a: Any) -> tuple[Any, Any, Any]:
    """(mantissa, exponent, 2^(−exponent)) with x = m · 2^e, 0.5 <= |m| < 1; 0, inf and NaN keep
    their value with exponent 0, as C's frexp. 2^(−e) goes in two halves: for a subnormal x it
    is beyond the largest float, its halves are not, and scaling by powers of 2 is exact."""
    regular = xp.isfinite(a) & (a != 0)
    magnitude = xp.where(regular, xp.abs(a), xp.ones_like(a))
    exponent = xp.floor(xp.log2(magnitude)) + 1
    half = xp.floor(-exponent / 2)
    scaled = magnitude * 2.0**half * 2.0 ** (-exponent - half)
    too_big, too_small = scaled >= 1, scaled < 0.5  # log2 rounded across a power of 2
    scaled = xp.where(too_big, scaled / 2, xp.where(too_small, scaled * 2, scaled))
    exponent = exponent + xp.astype(too_big, a.dtype) - xp.astype(too_small, a.dtype)
    mantissa = xp.where(regular, xp.where(a < 0, -scaled, scaled), a)
    exponent = xp.where(regular, exponent, xp.zeros_like(a))
    half = xp.floor(-exponent / 2)
    with np.errstate(over="ignore"):  # a subnormal's mantissa grows faster than a float can say: inf
        return mantissa, xp.astype(exponent, xp.int32), 2.0**half * 2.0 ** (-exponent - half)


def _shift(source: Tensor, other: Any, op: str, left: bool) -> Tensor:
    """``source << other`` or ``>>``, as PyTorch: a shift by a negative amount or by the width of the
    dtype or more gives 0 (or −1 for a negative number shifted right), not C's undefined value."""
    _integers_only(source, other, op=op)
    a, b = _tensor._coerce(source, other, op)
    _tensor._check_broadcast(a, b, op)
    _integers_only(a, op=op, bool_ok=False)  # two masks: PyTorch has no shift of bool
    xp = a._backend.xp
    x, amount = a._data, b._data
    inside = (amount >= 0) & (amount < a.dtype.itemsize * 8)
    amount = xp.where(inside, amount, xp.zeros_like(amount))
    if left:
        shifted, outside = xp.bitwise_left_shift(x, amount), xp.zeros_like(x)
    else:
        shifted = xp.bitwise_right_shift(x, amount)
        outside = xp.zeros_like(x)
        if a.dtype.kind == "i":  # the sign fills every bit
            outside = xp.where(x < 0, xp.full_like(x, -1), outside)
    return _tensor.Tensor._wrap(xp.where(inside, shifted, outside), a._backend)


def _gcd_arrays(backend: Any, a: Any, b: Any) -> Any:
    """Euclid's algorithm on whole arrays, gcd ≥ 0 and gcd(0, 0) = 0; a round per step of the
    slowest pair (under 100 for 64-bit integers)."""
    xp = backend.xp
    a, b = xp.abs(a), xp.abs(b)
    while backend.to_numpy(xp.any(b != 0)):
        dividing = b != 0
        remainder = xp.remainder(a, xp.where(dividing, b, xp.ones_like(b)))
        a, b = xp.where(dividing, b, a), xp.where(dividing, remainder, xp.zeros_like(b))
    return a


def _batched_product(batch1: Any, batch2: Any, op: str) -> Tensor:
    for name, operand in (("batch1", batch1), ("batch2", batch2)):
        if not isinstance(operand, _tensor.Tensor) or operand.ndim != 3:
            shape = getattr(operand, "shape", type(operand).__name__)
            raise ValueError(f"{op}: {name} must be a 3-D tensor, got {shape}")
    if batch1.shape[0] != batch2.shape[0] or batch1.shape[2] != batch2.shape[1]:
        raise _tensor.ShapeError(
            f"{op}: batch1 {batch1.shape} and batch2 {batch2.shape} do not multiply as (b, n, m) @ (b, m, p)"
        )
    return batch1 @ batch2


def _scaled_sum(source: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    """``beta * source + alpha * product``; with ``beta == 0`` source is ignored (NaN too), as PyTorch."""
    scaled = product * alpha if not (isinstance(alpha, (builtins.int, float)) and alpha == 1) else product
    if isinstance(beta, (builtins.int, float)) and beta == 0:
        return scaled + _tensor.zeros_like(source)
    return scaled + (source * beta if beta != 1 else source)


def _running_extreme(source: Tensor, dim: int, op: str, larger: bool) -> Any:
    """cummax/cummin: a log2(n)-step scan of (value, index) pairs on the device arrays, then the
    values gathered at the indices, so gradients follow them."""
    axis = _sort_axis(source, dim, op)
    if source.ndim == 0:
        return _tensor.ValuesAndIndices(
            source * 1, _tensor.zeros((), dtype=_tensor.int64, device=source.device)
        )
    xp, backend = source._backend.xp, source._backend
    length = source.shape[axis]
    values = source._data
    shape = [1] * source.ndim
    shape[axis] = length
    position = xp.reshape(xp.arange(length, dtype=xp.int64, **backend.creation_kwargs), tuple(shape))
    index = xp.broadcast_to(position, source.shape) * 1
    floating = _tensor._is_float(source.dtype)
    shift = 1
    before = (slice(None),) * axis
    while shift < length:
        head = before + (slice(0, shift), Ellipsis)  # the Array API wants every axis named
        body = before + (slice(0, length - shift), Ellipsis)
        earlier_v = xp.concat([values[head], values[body]], axis=axis)
        earlier_i = xp.concat([index[head], index[body]], axis=axis)
        better = (earlier_v > values) if larger else (earlier_v < values)
        if floating:
            better = better | (xp.isnan(earlier_v) & ~xp.isnan(values))
        take = better & (position >= shift)
        values = xp.where(take, earlier_v, values)
        index = xp.where(take, earlier_i, index)
        shift *= 2
    indices = _tensor.Tensor._wrap(index, backend)
    return _tensor.ValuesAndIndices(source.gather(axis, indices), indices)


def _median_along(source: Tensor, axis: int, keepdim: bool, skip_nan: bool = False) -> Any:
    """The lower median along ``axis`` and its index; the first NaN (in order) if any, or with
    ``skip_nan`` the median of the others (the first NaN where all are)."""
    length = source.shape[axis]
    order = source.argsort(axis)  # NaN sorts last, stably
    nan_count = source.isnan().astype(_tensor.int64).sum(axis, keepdims=True)
    if skip_nan:
        rank = ((length - nan_count - 1) // 2).clamp_min(0)
    else:
        rank = _tensor.where(nan_count > 0, length - nan_count, (length - 1) // 2)
    indices = order.gather(axis, rank)
    values = source.gather(axis, indices)
    if not keepdim:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return _tensor.ValuesAndIndices(values, indices)


class _SharedAmongTies(Function):
    """A value taken from ``a`` (a median of all entries) whose gradient is shared evenly among the
    entries equal to it, the NaNs if it is NaN: PyTorch's ``evenly_distribute_backward``."""

    saves_inputs = False

    def forward(self, a: Any, *, value: Any) -> Any:
        xp = self.xp
        ties = xp.where(xp.isnan(value), xp.isnan(a), a == value)
        self.share = xp.astype(ties, a.dtype) / xp.sum(xp.astype(ties, a.dtype))
        return value

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * _tensor.Tensor._wrap(self.share, self.backend),)


def _shared_among_ties(flat: Tensor, value: Tensor) -> Tensor:
    if not (flat.requires_grad and _tensor._is_float(flat.dtype)):
        return value
    return _SharedAmongTies.apply(flat, value=value.detach()._data)


def _median(source: Tensor, dim: int | None, keepdim: bool, skip_nan: bool, op: str) -> Any:
    """``median``/``nanmedian``: of all entries without ``dim`` (NaN for no floating entries at all,
    as PyTorch), else ``(values, indices)`` along ``dim``, which must not be empty."""
    if source.dtype == _tensor.bool_:
        raise UnsupportedDtypeError(f'{op}: "median_cpu" not implemented for bool tensors, as in PyTorch')
    if dim is None:
        flat = source.reshape(-1)
        if flat.shape[0] == 0:
            if not _tensor._is_float(source.dtype):
                raise ValueError(f"{op}: the input is empty")
            return flat.sum() * math.nan  # still on the graph: its gradient is the empty one
        return _shared_among_ties(flat, _median_along(flat, 0, False, skip_nan).values)
    axis = _sort_axis(source, dim, op)
    _flag(keepdim, "keepdim", op)
    if source.ndim == 0:
        index = _tensor.zeros((), dtype=_tensor.int64, device=source.device)
        return _tensor.ValuesAndIndices(source * 1, index)
    if source.shape[axis] == 0:
        raise _tensor.DimensionError(f"{op}(): Expected reduction dim {dim} to have non-zero size.")
    return _median_along(source, axis, keepdim, skip_nan)


def _float_pair(source: Tensor, other: Any, op: str) -> tuple[Tensor, Tensor]:
    """``source`` and ``other`` (a tensor or a number) as floating tensors of one broadcast shape."""
    if isinstance(other, (builtins.int, float, np.number)):
        other = float(other)  # −1 next to a uint8 tensor stays −1: the result is a float anyway
    other = _tensor._as_tensor(other, source)
    _tensor._same_device(source, other, op)
    if not _tensor._is_float(source.dtype) and not _tensor._is_float(other.dtype):
        default = _tensor.get_default_dtype()
        source, other = source.astype(default), other.astype(default)
    elif not _tensor._is_float(source.dtype):
        source = source.astype(other.dtype)
    elif not _tensor._is_float(other.dtype):
        other = other.astype(source.dtype)
    if source.dtype != other.dtype:
        raise TypeError(f"{op}: tensors of dtypes {source.dtype} and {other.dtype} do not mix")
    try:
        shape = np.broadcast_shapes(source.shape, other.shape)
    except ValueError:
        raise _tensor.ShapeError(
            f"{op}: shapes {source.shape} and {other.shape} cannot be broadcast together"
        ) from None
    return source.expand(*shape), other.expand(*shape)


class _Fmod(Function):
    """a − b·trunc(a / b), with the sign of a (C's ``fmod``, ``torch.fmod``); ``%`` is ``remainder``,
    with the sign of b. d/da = 1 and d/db = −trunc(a / b), as in PyTorch (the quotient enters as a
    constant). The value is |a| mod |b| signed as a: exact, as the remainder of two magnitudes is."""

    def forward(self, a: Any, b: Any) -> Any:
        xp = self.xp
        _tensor._ops()._refuse_integer_zero(xp, b, "fmod")
        with np.errstate(divide="ignore", invalid="ignore"):  # x fmod 0 is NaN, without NumPy's warning
            magnitude = xp.remainder(xp.abs(a), xp.abs(b))
        return xp.where(a < 0, -magnitude, magnitude)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.inputs
        da = _tensor.sum_to(grad, a.shape) if self.needs_input_grad[0] else None
        db = None
        if self.needs_input_grad[1]:
            quotient = _tensor.Tensor._wrap(self.xp.trunc(a._data / b._data), self.backend)
            db = _tensor.sum_to(-grad * quotient, b.shape)
        return da, db


def _truth(source: Tensor) -> Tensor:
    """``source`` read as booleans (nonzero is True, NaN too), as PyTorch's logical ops read it."""
    return source.detach() if source.dtype == _tensor.bool_ else source.detach() != 0


def _logical_operand(other: Any, like: Tensor, op: str) -> Tensor:
    if not isinstance(other, _tensor.Tensor):
        raise TypeError(f"{op}(): argument 'other' must be a Tensor, not {type(other).__name__}")
    _tensor._same_device(like, other, op)
    return other


def _sequence_of_ints(value: Any, name: str, op: str) -> list[int]:
    """An int, or a list/tuple of ints, as a list (``movedim``'s and ``rot90``'s dims)."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    return [_integer(v, name, op) for v in values]


def _integral_operand(target: Tensor, other: Any, op: str) -> Any:
    """``other``, unless it is a float that an integer or boolean ``target`` changed in place could not
    hold: PyTorch's "result type Float can't be cast to the desired output type" RuntimeError."""
    floating = isinstance(other, (float, np.floating)) or (
        isinstance(other, _tensor.Tensor) and other.dtype.kind == "f"
    )
    if floating and target.dtype.kind in "biu":
        raise _tensor.DtypeMismatchError(
            f"{op}: result type Float can't be cast to the desired output type {target.dtype}"
        )
    return other


def _in_place_view(target: Tensor, reshape: Callable[[Tensor], Tensor], op: str) -> Tensor:
    """``target`` takes the shape ``reshape`` gives it (a transpose, squeeze or unsqueeze): PyTorch's
    ``t_``, ``squeeze_``, ``unsqueeze_``. On a graph tensor it is recorded as that op, as PyTorch's
    (the tensor's node becomes it; its version moves on, so a node that saved it refuses backward);
    a leaf that requires grad refuses it, as ``add_`` does, and so does a view of a graph tensor."""
    if target.requires_grad and is_grad_enabled():
        if target.grad_fn is None or type(target) is not _tensor.Tensor:
            target._check_inplace()  # raises: a leaf's RuntimeError, or a view's (not recorded here)
        old = _tensor.Tensor._wrap(target._data, target._backend)  # the graph's value before, as _in_place
        old.grad_fn, old._requires_grad = target.grad_fn, True
        result = reshape(old)
        target._data, target.grad_fn = result._data, result.grad_fn
    else:
        target._data = reshape(target.detach())._data
    target._version += 1
    return target


def _in_place_of(name: str) -> Callable[..., Any]:
    """``Tensor.<name>_``: ``<name>``'s result written into the tensor, as PyTorch's in-place ops
    (recorded by autograd on a graph tensor, refused on a leaf that requires grad, as ``add_`` is)."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return self._in_place(f"{name}_", lambda t: getattr(t, name)(*args, **kwargs))

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"``{name}`` in place (PyTorch's ``Tensor.{name}_``)."
    return method


class TensorSpellings:
    """PyTorch's names for what a Tensor can do; a mixin of ``Tensor`` (it holds no state)."""

    __slots__ = ()

    # -- facts about the tensor ----------------------------------------------------------------
    def dim(self: Tensor) -> int:
        """The number of axes (``ndim``)."""
        return self.ndim

    def is_contiguous(self: Tensor, memory_format: Any = None) -> bool:
        """Whether ``stride()`` is row-major, as PyTorch decides it (views such as ``t()`` are not;
        see ``layout.py``)."""
        from .layout import is_contiguous

        _tensor.check_memory_format(memory_format, "is_contiguous")
        return is_contiguous(self, "contiguous_format" if memory_format is None else memory_format.name)

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
        """With a dtype, the tensor cast to it (PyTorch's type names too: ``'torch.DoubleTensor'``);
        with none, the dtype's name (``'float32'``)."""
        if isinstance(dtype, str) and dtype.startswith("torch.") and dtype.endswith("Tensor"):
            kinds = {"Float": "float32", "Double": "float64", "Half": "float16", "Long": "int64"}
            kinds |= {"Int": "int32", "Short": "int16", "Char": "int8", "Byte": "uint8", "Bool": "bool"}
            kind = kinds.get(dtype[len("torch.") : -len("Tensor")])
            if kind is None:
                raise TypeError(f"type: invalid type {dtype!r} (e.g. 'torch.FloatTensor' or tg.float32)")
            dtype = kind
        return str(self.dtype) if dtype is None else self.astype(dtype)

    def type_as(self: Tensor, other: Tensor) -> Tensor:
        return self.astype(_other_tensor(other, "type_as").dtype)

    # -- shape ---------------------------------------------------------------------------------
    def t(self: Tensor) -> Tensor:
        """The transpose of a 2-D tensor; 0-D and 1-D tensors come back unchanged."""
        if self.ndim > 2:
            raise _tensor.InvalidArgumentError(
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
        if length < 0:
            raise _tensor.InvalidArgumentError(f"narrow: length must be non-negative, got {length}")
        if start + length > n:
            raise _tensor.InvalidArgumentError(
                f"narrow: start {start} + length {length} exceeds the length {n} of dim {dim} "
                f"(shape {self.shape})"
            )
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def narrow_copy(self: Tensor, dim: int, start: int, length: int) -> Tensor:
        """``narrow``'s entries in memory of their own (PyTorch's ``narrow_copy``), differentiable."""
        return self.narrow(dim, start, length).clone()

    def tril(self: Tensor, diagonal: int = 0) -> Tensor:
        """The lower triangle of each matrix (entries at column - row <= ``diagonal``); zeros above."""
        return self._triangle(diagonal, "tril")

    def triu(self: Tensor, diagonal: int = 0) -> Tensor:
        """The upper triangle of each matrix (entries at column - row >= ``diagonal``); zeros below."""
        return self._triangle(diagonal, "triu")

    def _triangle(self: Tensor, diagonal: int, op: str) -> Tensor:
        diagonal = _integer(diagonal, "diagonal", op)
        if self.ndim < 2:
            raise _tensor.InvalidArgumentError(
                f"{op} needs a matrix or a batch of matrices, got shape {self.shape}"
            )
        rows, columns = self.shape[-2:]
        offset = np.arange(columns)[None, :] - np.arange(rows)[:, None]
        keep = offset <= diagonal if op == "tril" else offset >= diagonal
        zero = False if self.dtype == np.bool_ else 0  # (a bool 0 keeps a mask a mask, as in PyTorch)
        return _tensor.where(_tensor.Tensor(keep, device=self.device), self, zero)

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
            raise _tensor.InvalidArgumentError(f"new_full: sizes must be non-negative, got {shape}")
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
        _check_alpha(self, other, alpha, "add")
        return self + (other if alpha == 1 else other * alpha)

    def sub(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
        """``self - alpha * other``."""
        _check_alpha(self, other, alpha, "sub")
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
            raise _tensor.InvalidArgumentError(  # PyTorch's RuntimeError
                f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}"
            )
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
        return _StepFunction.apply(a, b, value=rounded._data)

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
            raise _tensor.ShapeError(
                f"mm needs two matrices (2-D), got shapes {self.shape} and {other.shape}"
            )
        return _tensor.matmul(self, other)

    def bmm(self: Tensor, other: Tensor) -> Tensor:
        """Batched matrix products of (b, n, m) and (b, m, p) tensors (no broadcasting)."""
        other = _matrix_operand(other, self, "bmm")
        if self.ndim != 3 or other.ndim != 3 or self.shape[0] != other.shape[0]:
            raise _tensor.ShapeError(
                f"bmm needs two 3-D tensors with one batch size, got shapes {self.shape} and {other.shape}"
            )
        return _tensor.matmul(self, other)

    def dot(self: Tensor, other: Tensor) -> Tensor:
        """The inner product of two 1-D tensors of one length."""
        other = _matrix_operand(other, self, "dot")
        if self.ndim != 1 or other.ndim != 1 or self.shape != other.shape:
            raise _tensor.ShapeError(
                f"dot needs two 1-D tensors of one length, got shapes {self.shape} and {other.shape}"
            )
        return (self * other).sum()

    def outer(self: Tensor, other: Tensor) -> Tensor:
        """The outer product ``self[i] * other[j]`` of two 1-D tensors."""
        other = _matrix_operand(other, self, "outer")
        if self.ndim != 1 or other.ndim != 1:
            raise _tensor.ShapeError(
                f"outer needs two 1-D tensors, got shapes {self.shape} and {other.shape}"
            )
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

    def addcmul(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """``self + value * tensor1 * tensor2`` (Adam's ``v.mul_(β2).addcmul_(g, g, value=1 - β2)``)."""
        return self + value * tensor1 * tensor2

    def addcdiv(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """``self + value * tensor1 / tensor2`` (Adam's ``p.addcdiv_(m, denom, value=-step_size)``)."""
        return self + value * tensor1 / tensor2

    def bernoulli(self: Tensor, p: float | None = None, *, generator: Any = None) -> Tensor:
        """``tg.bernoulli(self)``: 1 with probability ``self`` (or ``p``), else 0."""
        from .sampling import bernoulli

        return bernoulli(self, p, generator=generator)

    def multinomial(
        self: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None
    ) -> Tensor:
        """``tg.multinomial(self, ...)``: category indices drawn with ``self``'s weights."""
        from .sampling import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)

    def square(self: Tensor) -> Tensor:
        """x², element by element."""
        return self * self

    def isclose(
        self: Tensor, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
    ) -> Tensor:
        """``tg.isclose(self, other, ...)``: where ``|self - other| <= atol + rtol |other|``."""
        from .functions import isclose

        return isclose(self, other, rtol, atol, equal_nan)

    def clamp_min(self: Tensor, min: Any) -> Tensor:  # noqa: A002 (PyTorch's name)
        """``max(self, min)``, element by element."""
        return self.clip(min, None)

    def clamp_max(self: Tensor, max: Any) -> Tensor:  # noqa: A002 (PyTorch's name)
        """``min(self, max)``, element by element."""
        return self.clip(None, max)

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
        return _tensor.Tensor._wrap(self._backend.xp.isnan(self._data), self._backend)

    def isinf(self: Tensor) -> Tensor:
        return _tensor.Tensor._wrap(self._backend.xp.isinf(self._data), self._backend)

    def isfinite(self: Tensor) -> Tensor:
        return _tensor.Tensor._wrap(self._backend.xp.isfinite(self._data), self._backend)

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
        if not _tensor._is_float(self.dtype):  # PyTorch: "round_cpu" not implemented for 'Long'
            raise _tensor.DtypeMismatchError(
                f"round: decimals={decimals} needs a floating-point tensor, got {self.dtype}"
            )
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
            raise _tensor.InvalidArgumentError(f"diag needs a 1-D or 2-D tensor, got shape {self.shape}")
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
            _tensor.Tensor._wrap(a, backend).astype(_tensor.int64) for a in backend.xp.nonzero(self._data)
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
        _refuse_negative(index, self.shape[axis], axis, "index_select")
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
            raise _tensor.ShapeError(  # PyTorch's RuntimeError
                f"gather: an index of shape {index.shape} does not fit a tensor of shape {self.shape} "
                f"along dim {dim} (same number of axes, no longer off dim {axis})"
            )
        length = self.shape[axis]
        if index.size and not 0 <= (low := index.min().item()) <= (high := index.max().item()) < length:
            raise IndexOutOfBoundsError(
                f"gather: index {low if low < 0 else high} is out of bounds for dim {axis} with size {length}"
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
            raise _tensor.InvalidArgumentError(
                f"topk: k={k} is out of range for dim {dim} of length {length}"
            )
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
        each entry went (this tensor's shape), with ``return_counts`` how often each occurs. With
        ``dim``, the distinct slices along it, in lexicographic order (``sorted`` or not, as PyTorch)."""
        if dim is not None:
            return self._unique_slices(dim, return_inverse, return_counts)
        xp, backend = self._backend.xp, self._backend
        flat = _tensor.Tensor._wrap(xp.reshape(self._data, (-1,)), backend)
        if flat.size == 0:  # nothing to compare (and the Array API slices no empty axis)
            inverse = _tensor.zeros(*self.shape, dtype=_tensor.int64, device=self.device)
            values, counts = flat, _tensor.zeros(0, dtype=_tensor.int64, device=self.device)
        else:
            order = _argsort_data(flat, 0, descending=False)
            ordered = xp.take(flat._data, order, axis=0)
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

    def _unique_slices(self: Tensor, dim: int, return_inverse: bool, return_counts: bool) -> Any:
        """``unique(dim=dim)``: the slices along ``dim`` sorted lexicographically (stable sorts by
        each position, the last first, as ``np.lexsort``), then each run of equal ones kept once."""
        if self.ndim == 0:
            raise IndexError(f"unique: dim {dim} is out of range for a 0-d tensor")
        axis = _tensor._axis_index(dim, self.ndim, "unique")
        source, length = self.detach(), self.shape[axis]
        if any(n == 0 for d, n in enumerate(self.shape) if d != axis):  # PyTorch's RuntimeError
            raise _tensor.InvalidArgumentError(
                f"unique: a tensor of shape {self.shape} has an empty dim other than dim {dim}: slices of "
                "no elements cannot be compared"
            )
        if length == 0:
            return source.unique_consecutive(return_inverse, return_counts, dim=axis)
        xp, backend = self._backend.xp, self._backend
        rows = _tensor.Tensor._wrap(xp.reshape(xp.moveaxis(source._data, axis, 0), (length, -1)), backend)
        order = xp.arange(length, dtype=xp.int64, **backend.creation_kwargs)
        for position in reversed(range(rows.shape[1])):
            keys = _tensor.Tensor._wrap(xp.take(rows._data[:, position], order, axis=0), backend)
            order = xp.take(order, _argsort_data(keys, 0, descending=False), axis=0)
        found = source.index_select(axis, _tensor.Tensor._wrap(order, backend)).unique_consecutive(
            return_inverse, return_counts, dim=axis
        )
        if not return_inverse:
            return found
        run = found[1]._data  # each sorted slice's run, put back in the input's order
        inverse = _tensor.Tensor._wrap(xp.take(run, xp.argsort(order, stable=True), axis=0), backend)
        return (found[0], inverse, *found[2:])

    # -- scattering and running products (PyTorch's scatter family) -----------------------------------
    def scatter(
        self: Tensor,
        dim: int,
        index: Tensor,
        src: Any = None,
        *,
        value: Any = None,
        reduce: str | None = None,
    ) -> Tensor:
        """A copy with ``src[i][j][k]`` written at ``[index[i][j][k]][j][k]`` for ``dim=0`` (and so
        on); ``src`` may be a number (or ``value=``), written at every position ``index`` names.

        Where an index repeats, one of its values is kept (the last on the CPU, as PyTorch's CPU).
        The gradient reaches this tensor where nothing was written, and ``src`` from its positions
        (``grad.gather(dim, index)``). ``reduce='add'`` is ``scatter_add``; ``'multiply'`` is not
        supported.
        """
        if src is not None and value is not None:
            raise TypeError("scatter: got both src and value; pass one")
        if reduce is not None:
            if reduce != "add":
                raise ValueError(
                    f"scatter: reduce={reduce!r} is not supported; only reduce='add' (scatter_add)"
                )
            if not isinstance(src, _tensor.Tensor):
                raise TypeError("scatter: reduce='add' needs a src tensor")
            return self.scatter_add(dim, index, src)
        src = value if src is None else src
        if src is None:
            raise TypeError("scatter needs src, a tensor or a number, to write")
        if self.ndim == 0:  # as one entry along dim 0
            _tensor._axis_index(dim, 1, "scatter")
            index = _index_tensor(index, self, "scatter").reshape(-1)
            src = src.reshape(-1) if isinstance(src, _tensor.Tensor) else src
            return self.reshape(1).scatter(0, index, src).reshape(())
        if isinstance(src, _tensor.Tensor):
            _tensor._same_device(self, src, "scatter")
            _same_dtype(self, src, "src", "scatter")
            index, positions = _scatter_index(self, dim, index, src, "scatter")
            values = src[tuple(slice(0, n) for n in index.shape)]
        else:
            index, positions = _scatter_index(self, dim, index, None, "scatter")
            values = self.new_full(index.shape, src)
        if index.size == 0:
            return self.clone()
        return _tensor._ops().Scatter.apply(self, values, index=positions)

    def scatter_add(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
        """A copy with ``src[i][j][k]`` added at ``[index[i][j][k]][j][k]`` for ``dim=0`` (and so on);
        repeated indices accumulate. Gradients: this tensor's is ``grad``, ``src``'s
        ``grad.gather(dim, index)``."""
        if not isinstance(src, _tensor.Tensor):
            raise TypeError(f"scatter_add: src must be a Tensor, got {type(src).__name__}")
        _tensor._same_device(self, src, "scatter_add")
        _same_dtype(self, src, "src", "scatter_add")
        if self.ndim == 0:  # as one entry along dim 0
            _tensor._axis_index(dim, 1, "scatter_add")
            index = _index_tensor(index, self, "scatter_add").reshape(-1)
            return self.reshape(1).scatter_add(0, index, src.reshape(-1)).reshape(())
        index, positions = _scatter_index(self, dim, index, src, "scatter_add")
        values = src[tuple(slice(0, n) for n in index.shape)]
        return self + _tensor._ops().IndexAdd.apply(values, shape=self.shape, index=positions, advanced=True)

    def scatter_reduce(
        self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True
    ) -> Tensor:
        """A copy where each position ``index`` names along ``dim`` (as in ``scatter_add``) holds the
        ``reduce`` ("sum", "prod", "mean", "amax" or "amin") of the ``src`` entries sent there, and of
        its own entry with ``include_self``; positions nothing is sent to keep their entry. Integer
        means round down, as PyTorch's. Differentiable in this tensor and ``src``.

        "sum" and "mean" accumulate with ``scatter_add``; "prod", "amax" and "amin" reduce a
        (index size × length of ``dim``) grid of candidates, so they cost that much memory.
        """
        if reduce not in ("sum", "prod", "mean", "amax", "amin"):
            raise _tensor.InvalidArgumentError(
                "scatter_reduce: reduce argument must be either sum, prod, mean, amax or amin, "
                f"got {reduce!r}"
            )
        _flag(include_self, "include_self", "scatter_reduce")
        if not isinstance(src, _tensor.Tensor):
            raise TypeError(f"scatter_reduce: src must be a Tensor, got {type(src).__name__}")
        _tensor._same_device(self, src, "scatter_reduce")
        _same_dtype(self, src, "src", "scatter_reduce")
        if self.ndim == 0:  # as one entry along dim 0
            _tensor._axis_index(dim, 1, "scatter_reduce")
            index = _index_tensor(index, self, "scatter_reduce").reshape(-1)
            flat, flat_src = self.reshape(1), src.reshape(-1)
            return flat.scatter_reduce(0, index, flat_src, reduce, include_self=include_self).reshape(())
        index, positions = _scatter_index(self, dim, index, src, "scatter_reduce", ("int64",))
        if index.size == 0:
            return self.clone()
        axis = _tensor._axis_index(dim, self.ndim, "scatter_reduce")
        values = src[tuple(slice(0, n) for n in index.shape)]
        scatter_add = _tensor._ops().IndexAdd
        ones = values.detach().new_ones(values.shape)
        counts = scatter_add.apply(ones, shape=self.shape, index=positions, advanced=True)
        sent = counts > 0
        if reduce in ("sum", "mean"):
            total = scatter_add.apply(values, shape=self.shape, index=positions, advanced=True)
            total = total + self if include_self else total
            if reduce == "mean":
                counts = (counts + 1 if include_self else counts).clamp(1, None)  # 1 where nothing was sent
                total = total / counts if _tensor._is_float(self.dtype) else total // counts
            return _tensor.where(sent, total, self)
        return _tensor.where(sent, _reduced_on_grid(self, axis, index, values, reduce, include_self), self)

    def igamma(self: Tensor, other: Any) -> Tensor:
        """P(self, other), the regularised lower incomplete gamma function (``tg.special.gammainc``)."""
        from .special import gammainc

        return gammainc(self, other)

    def igammac(self: Tensor, other: Any) -> Tensor:
        """Q(self, other) = 1 − P, the regularised upper incomplete gamma (``tg.special.gammaincc``)."""
        from .special import gammaincc

        return gammaincc(self, other)

    def xlogy(self: Tensor, other: Any) -> Tensor:
        """x log y with x = this tensor, 0 where x is 0 (so 0 log 0 = 0), as ``torch.xlogy``."""
        return _Xlogy.apply(*_float_pair(self, other, "xlogy"))

    def lgamma(self: Tensor) -> Tensor:
        """log |Γ(x)|, as ``torch.lgamma`` (see ``tg.special.gammaln``); its gradient is ψ(x)."""
        from .special import gammaln

        return gammaln(self)

    def digamma(self: Tensor) -> Tensor:
        """ψ(x) = d/dx log Γ(x), as ``torch.digamma``; its gradient is ψ₁(x)."""
        from .special import digamma

        return digamma(self)

    def polygamma(self: Tensor, n: int) -> Tensor:
        """ψ⁽ⁿ⁾(x) for an integer n >= 0, as ``x.polygamma(n)`` in PyTorch (see ``tg.special.polygamma``)."""
        from .special import polygamma

        return polygamma(n, self)

    def mvlgamma(self: Tensor, p: int) -> Tensor:
        """The multivariate log-gamma log Γₚ(x), as ``torch.mvlgamma`` (see ``tg.special.multigammaln``)."""
        from .special import multigammaln

        return multigammaln(self, p)

    # -- linear algebra: PyTorch's Tensor spellings of tg.linalg ------------------------------------
    def inverse(self: Tensor) -> Tensor:
        """A⁻¹ of each square matrix (``tg.linalg.inv``)."""
        from .linalg import inv

        return inv(self)

    def det(self: Tensor) -> Tensor:
        """det A of each square matrix (``tg.linalg.det``)."""
        from .linalg import det

        return det(self)

    def logdet(self: Tensor) -> Tensor:
        """log det A: nan for det A < 0, -inf for 0 (``tg.linalg.logdet``)."""
        from .linalg import logdet

        return logdet(self)

    def slogdet(self: Tensor) -> Any:
        """(sign, log |det A|) (``tg.linalg.slogdet``)."""
        from .linalg import slogdet

        return slogdet(self)

    def cholesky(self: Tensor, upper: bool = False) -> Tensor:
        """The Cholesky factor L (A = L Lᵀ), or U = Lᵀ if ``upper`` (``tg.linalg.cholesky``)."""
        from .linalg import cholesky

        return cholesky(self, upper=upper)

    def cholesky_solve(self: Tensor, L: Tensor, upper: bool = False) -> Tensor:
        """X with A X = self, given A's Cholesky factor ``L`` (``torch.cholesky_solve``)."""
        from .linalg import cholesky_solve

        return cholesky_solve(self, L, upper)

    def cholesky_inverse(self: Tensor, upper: bool = False) -> Tensor:
        """A⁻¹ from this Cholesky factor of A (``torch.cholesky_inverse``)."""
        from .linalg import cholesky_inverse

        return cholesky_inverse(self, upper)

    def pinverse(self: Tensor, rcond: float = 1e-15) -> Tensor:
        """The pseudo-inverse, singular values below ``rcond`` σ_max cut (``torch.pinverse``)."""
        from .linalg import pinv

        return pinv(self, rtol=rcond)

    def matrix_power(self: Tensor, n: int) -> Tensor:
        """Aⁿ for an integer n, negative through A⁻¹ (``tg.linalg.matrix_power``)."""
        from .linalg import matrix_power

        return matrix_power(self, n)

    def matrix_exp(self: Tensor) -> Tensor:
        """e^A of each square matrix (``tg.linalg.matrix_exp``)."""
        from .linalg import matrix_exp

        return matrix_exp(self)

    def svd(self: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
        """``torch.svd``: (U, S, V) with A = U diag(S) Vᵀ (V, not Vh as ``tg.linalg.svd`` gives)."""
        from .linalg import svd_returning_v

        return svd_returning_v(self, some, compute_uv)

    def qr(self: Tensor, some: bool = True) -> Any:
        """``torch.qr``: (Q, R), reduced unless ``some=False`` (``tg.linalg.qr``)."""
        from .linalg import qr

        return qr(self, "reduced" if some else "complete")

    def lu(self: Tensor, pivot: bool = True, get_infos: bool = False) -> Any:
        """``torch.lu``: (A_LU, pivots), with the infos if ``get_infos`` (``tg.linalg.lu_factor_ex``)."""
        from .linalg import lu_with_info

        return lu_with_info(self, pivot, get_infos)

    def lu_solve(self: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803 (PyTorch's names)
        """``torch.lu_solve``: X with A X = self, A given by ``lu``'s factors (``tg.linalg.lu_solve``)."""
        from .linalg import lu_solve_legacy

        return lu_solve_legacy(self, LU_data, LU_pivots)

    def triangular_solve(
        self: Tensor, A: Tensor, upper: bool = True, transpose: bool = False, unitriangular: bool = False  # noqa: N803
    ) -> Any:
        """``torch.triangular_solve``: (X, A's copy) with T X = self, T A's upper (lower) triangle."""
        from .linalg import triangular_solve

        return triangular_solve(self, A, upper, transpose, unitriangular)

    def geqrf(self: Tensor) -> Any:
        """``torch.geqrf``: (a, tau), the Householder form of this matrix's QR (``tg.geqrf``)."""
        from .linalg import geqrf

        return geqrf(self)

    def orgqr(self: Tensor, input2: Tensor) -> Tensor:
        """``torch.orgqr``: Q from geqrf's (self, tau) (``tg.linalg.householder_product``)."""
        from .linalg import householder_product

        return householder_product(self, input2)

    def ormqr(
        self: Tensor, input2: Tensor, input3: Tensor, left: bool = True, transpose: bool = False
    ) -> Tensor:
        """``torch.ormqr``: Q·C, Qᵀ·C, C·Q or C·Qᵀ with geqrf's Q of (self, input2), C = input3."""
        from .linalg import ormqr

        return ormqr(self, input2, input3, left, transpose)

    def lstsq(self: Tensor, A: Tensor) -> Any:  # noqa: N803
        """Removed from PyTorch (RuntimeError there too): ``tg.linalg.lstsq(A, B)`` is the call."""
        raise RuntimeError(
            "This function was deprecated since version 1.9 and is now removed. `torch.lstsq` is deprecated "
            "in favor of `torch.linalg.lstsq`. `torch.linalg.lstsq` has reversed arguments and does not "
            "return the QR decomposition in the returned tuple: use tg.linalg.lstsq(A, B).solution"
        )

    def diag_embed(self: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        """Matrices with the last dim on their ``offset``-th diagonal (``torch.diag_embed``)."""
        from .linalg import diag_embed

        return diag_embed(self, offset=offset, dim1=dim1, dim2=dim2)

    def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The ``offset``-th diagonal over ``dim1``, ``dim2``, as the last dim (``torch.diagonal``)."""
        from .linalg import diagonal

        return diagonal(self, offset=offset, dim1=dim1, dim2=dim2)

    def hypot(self: Tensor, other: Any) -> Tensor:
        """√(x² + y²), the hypotenuse, as ``torch.hypot`` (no overflow for huge x, y); gradients x/h, y/h."""
        return _Hypot.apply(*_float_pair(self, other, "hypot"))

    def index_add(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        """A copy with ``alpha * source`` added along ``dim`` at the (1-D) ``index``: for ``dim=0``,
        ``out[index[i]] += alpha * source[i]``; repeated indices accumulate."""
        index = _index_tensor(index, self, "index_add")
        if index.ndim > 1:
            raise ValueError(f"index_add: index must be 1-D, got shape {index.shape}")
        if not isinstance(source, _tensor.Tensor):
            raise TypeError(f"index_add: source must be a Tensor, got {type(source).__name__}")
        _tensor._same_device(self, source, "index_add")
        _same_dtype(self, source, "source", "index_add")
        if not _tensor._is_float(self.dtype) and isinstance(alpha, (float, np.floating)):
            raise TypeError(f"index_add: alpha must be an integer for a {self.dtype} tensor, got {alpha!r}")
        if self.ndim == 0:
            return (
                self.reshape(1).index_add(0, index.reshape(-1), source.reshape(-1), alpha=alpha).reshape(())
            )
        axis = _tensor._axis_index(dim, self.ndim, "index_add")
        index = index.reshape(-1)
        expected = self.shape[:axis] + (index.shape[0],) + self.shape[axis + 1 :]
        if source.shape != expected:
            raise ValueError(
                f"index_add: source of shape {source.shape} does not fit; with {index.shape[0]} indices "
                f"along dim {axis} of a tensor of shape {self.shape} it must have shape {expected}"
            )
        _check_bounds(index, self.shape[axis], axis, "index_add")
        values = source if alpha == 1 else source * alpha
        positions = (slice(None),) * axis + (index._data,)
        return self + _tensor._ops().IndexAdd.apply(values, shape=self.shape, index=positions, advanced=True)

    def masked_scatter(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
        """A copy with the entries where ``mask`` (boolean, broadcast to this shape) is True replaced,
        in row-major order, by the first entries of ``source``; differentiable in both."""
        mask = _tensor._as_tensor(mask, self)
        if mask.dtype != _tensor.bool_:
            raise TypeError(f"masked_scatter: mask must be a boolean tensor, got {mask.dtype}")
        if not isinstance(source, _tensor.Tensor):
            raise TypeError(f"masked_scatter: source must be a Tensor, got {type(source).__name__}")
        _tensor._same_device(self, source, "masked_scatter")
        _same_dtype(self, source, "source", "masked_scatter")
        try:
            fits = np.broadcast_shapes(mask.shape, self.shape) == self.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"masked_scatter: a mask of shape {mask.shape} does not broadcast to the shape {self.shape}"
            )
        if self.ndim == 0:
            return self.reshape(1).masked_scatter(mask.reshape(1), source).reshape(())
        mask = mask.expand(*self.shape)
        count = builtins.int(mask.sum().item())
        if source.size < count:
            raise ValueError(
                f"masked_scatter: the mask selects {count} entries but source has only {source.size}"
            )
        if count == 0:
            return self.clone()
        positions = tuple(self._backend.xp.nonzero(mask._data))
        values = source.reshape(-1)[:count]
        placed = _tensor._ops().IndexAdd.apply(values, shape=self.shape, index=positions, advanced=True)
        return _tensor.where(mask, placed, self)

    def take_along_dim(self: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
        """The entries ``indices`` (int64) name along ``dim`` (NumPy's ``take_along_axis``); the two
        broadcast along the other dims. With ``dim=None`` both are read flattened."""
        indices = _index_tensor(indices, self, "take_along_dim", ("int64",))
        if dim is None:
            flat = self.reshape(-1)
            indices = _check_bounds(indices, flat.shape[0], 0, "take_along_dim", negative_ok=True)
            return flat.gather(0, indices.reshape(-1))
        if indices.ndim != self.ndim:
            raise ValueError(
                f"take_along_dim: input and indices need the same number of dims, got shapes "
                f"{self.shape} and {indices.shape}"
            )
        if self.ndim == 0:
            return self.reshape(1).take_along_dim(indices.reshape(1), 0).reshape(())
        axis = _tensor._axis_index(dim, self.ndim, "take_along_dim")
        indices = _check_bounds(indices, self.shape[axis], axis, "take_along_dim", negative_ok=True)
        try:
            common = list(
                np.broadcast_shapes(
                    self.shape[:axis] + (1,) + self.shape[axis + 1 :],
                    indices.shape[:axis] + (1,) + indices.shape[axis + 1 :],
                )
            )
        except ValueError:
            raise _tensor.ShapeError(  # PyTorch's RuntimeError
                f"take_along_dim: shapes {self.shape} and {indices.shape} do not broadcast "
                f"apart from dim {axis}"
            ) from None
        source = self.expand(*common[:axis], self.shape[axis], *common[axis + 1 :])
        return source.gather(axis, indices.expand(*common[:axis], indices.shape[axis], *common[axis + 1 :]))

    def cumprod(
        self: Tensor, dim: int | None = None, *, axis: int | None = None, dtype: Any = None
    ) -> Tensor:
        """Running products along ``dim`` (alias ``axis``; required, as in PyTorch); integers and
        masks give int64, ``dtype`` casts the input first. The gradient is exact where entries are 0."""
        if dtype is not None:
            return _tensor._cast_first(self, dtype).cumprod(dim, axis=axis)
        dim = _tensor._one_of("cumprod", "dim", dim, "axis", axis)
        if dim is None:
            raise TypeError("cumprod needs dim, the axis to accumulate along (as in PyTorch)")
        dim = _tensor._axis_index(dim, builtins.max(self.ndim, 1), "cumprod")
        source = (
            self
            if _tensor._is_float(self.dtype) or self.dtype == _tensor.int64
            else self.astype(_tensor.int64)
        )
        if self.ndim == 0:
            return source
        return _tensor._ops().CumProd.apply(source, axis=dim)

    def roll(self: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
        """The entries moved ``shifts`` places along ``dims`` (entries pushed off one end come back at
        the other); without ``dims`` the tensor is rolled flattened and keeps its shape."""
        shift_list = [shifts] if not isinstance(shifts, (tuple, list)) else list(shifts)
        shift_list = [_integer(s, "shifts", "roll") for s in shift_list]
        if dims is None:
            if len(shift_list) != 1:
                raise ValueError(f"roll: without dims, shifts must be one integer, got {shifts!r}")
            return self.reshape(-1).roll(shift_list[0], 0).reshape(*self.shape)
        dim_list = [dims] if not isinstance(dims, (tuple, list)) else list(dims)
        if len(dim_list) != len(shift_list):
            raise _tensor.InvalidArgumentError(
                f"roll: {len(shift_list)} shifts for {len(dim_list)} dims; give one shift per dim"
            )
        out = self
        rank = builtins.max(self.ndim, 1)
        for shift, dim in zip(shift_list, dim_list):
            axis = _tensor._axis_index(dim, rank, "roll")
            length = out.shape[axis] if out.ndim else 1
            if length == 0 or shift % length == 0:
                continue
            cut = length - shift % length
            before = (slice(None),) * axis
            out = _tensor.concatenate(
                [out[(*before, slice(cut, length))], out[(*before, slice(0, cut))]], axis
            )
        return out

    def repeat_interleave(
        self: Tensor, repeats: Any, dim: int | None = None, *, output_size: int | None = None
    ) -> Tensor:
        """Each entry repeated ``repeats`` times along ``dim`` (``[1, 2] -> [1, 1, 2, 2]``), or
        ``repeats[i]`` times for entry ``i`` with a tensor of counts; without ``dim``, of the
        flattened tensor. Differentiable: the gradients of an entry's copies add up."""
        source, axis = (self.reshape(-1), 0) if dim is None else (self, dim)
        if source.ndim == 0:
            source = source.reshape(1)
        axis = _tensor._axis_index(axis, source.ndim, "repeat_interleave")
        length = source.shape[axis]
        if isinstance(repeats, _tensor.Tensor):
            if repeats.dtype.kind not in "iu":
                raise TypeError(f"repeat_interleave: repeats must hold integers, got {repeats.dtype}")
            if repeats.ndim > 1:
                raise ValueError(f"repeat_interleave: repeats must be 0-d or 1-D, got shape {repeats.shape}")
            counts = repeats.numpy().reshape(-1)
            if counts.size == 1:
                counts = np.repeat(counts, length)
            elif counts.size != length:
                raise _tensor.ShapeError(
                    f"repeat_interleave: {counts.size} repeats for {length} entries along dim {axis}; "
                    "give one count per entry (or a single count)"
                )
        else:
            counts = np.full(length, _integer(repeats, "repeats", "repeat_interleave"), dtype=np.int64)
        if (counts < 0).any():
            raise _tensor.InvalidArgumentError(
                f"repeat_interleave: repeats must be non-negative, got {counts.min()}"
            )
        if (
            output_size is not None
            and _integer(output_size, "output_size", "repeat_interleave") != counts.sum()
        ):
            raise ValueError(
                f"repeat_interleave: output_size={output_size} but the repeats add up to {counts.sum()}"
            )
        picks = _tensor.Tensor(np.repeat(np.arange(length), counts).astype(np.int64), device=self.device)
        return source.index_select(axis, picks)

    def diff(
        self: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None, append: Tensor | None = None
    ) -> Tensor:
        """The ``n``-th forward difference ``x[i + 1] - x[i]`` along ``dim``, after joining ``prepend``
        and ``append`` to either end (a mask gives ``x[i + 1] != x[i]``, as in PyTorch)."""
        n = _integer(n, "n", "diff")
        if n < 0:
            raise _tensor.InvalidArgumentError(f"diff: the order n must be non-negative, got {n}")
        if self.ndim == 0:
            raise ValueError("diff needs a tensor with at least one dimension, got a 0-d tensor")
        axis = _tensor._axis_index(dim, self.ndim, "diff")
        parts = []
        for name, extra in (("prepend", prepend), (None, self), ("append", append)):
            if extra is None:
                continue
            extra = _tensor._as_tensor(extra, self)
            if extra.ndim != self.ndim:
                raise ValueError(
                    f"diff: {name} must have as many dims as the input ({self.ndim}), got shape {extra.shape}"
                )
            parts.append(extra)
        out = _tensor.concatenate(parts, axis) if len(parts) > 1 else self
        before = (slice(None),) * axis
        for _ in range(n):
            length = out.shape[axis]
            later, earlier = (
                out[(*before, slice(1, length))],
                out[(*before, slice(0, builtins.max(length - 1, 0)))],
            )
            out = later != earlier if out.dtype == _tensor.bool_ else later - earlier
        return out

    def nan_to_num(
        self: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        """NaN replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by default the dtype's
        largest and lowest finite values); the gradient passes at the finite entries only."""
        if not _tensor._is_float(self.dtype):
            return self.clone()
        finfo = np.finfo(self.dtype)
        posinf = float(finfo.max) if posinf is None else posinf
        neginf = float(finfo.min) if neginf is None else neginf
        for name, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, float, np.number)):
                raise TypeError(f"nan_to_num: {name} must be a number, got {value!r}")
        out = _tensor.where(self == math.inf, posinf, self)
        out = _tensor.where(self == -math.inf, neginf, out)
        return _tensor.where(self.isnan(), nan, out)

    def kron(self: Tensor, other: Tensor) -> Tensor:
        """The Kronecker product: block ``(i, j, ...)`` of the result is ``self[i, j, ...] * other``
        (the shorter operand gets leading axes of length 1)."""
        other = _matrix_operand(other, self, "kron")
        rank = builtins.max(self.ndim, other.ndim)
        a_shape = (1,) * (rank - self.ndim) + self.shape
        b_shape = (1,) * (rank - other.ndim) + other.shape
        a = self.reshape(*[n for length in a_shape for n in (length, 1)])
        b = other.reshape(*[n for length in b_shape for n in (1, length)])
        return (a * b).reshape(*[m * k for m, k in zip(a_shape, b_shape)])

    def histc(self: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
        """Counts of the entries in ``bins`` equal-width bins over [min, max] (of this dtype; entries
        outside are left out, ``max`` falls in the last bin). ``min == max`` takes the data's range
        (widened by 1 each way if it is a point). No gradient, as in PyTorch."""
        if not _tensor._is_float(self.dtype):
            raise _tensor.DtypeMismatchError(f"histc needs a floating-point tensor, got {self.dtype}")
        bins = _integer(bins, "bins", "histc")
        if bins <= 0:
            raise _tensor.InvalidArgumentError(f"histc: bins must be > 0, got {bins}")
        low, high = _finite(min, "min", "histc"), _finite(max, "max", "histc")
        if low > high:
            raise _tensor.InvalidArgumentError(f"histc: max ({high}) must be larger than min ({low})")
        xp, backend = self._backend.xp, self._backend
        data = xp.reshape(self._data, (-1,))
        if low == high and self.size:
            low = _tensor.Tensor._wrap(xp.min(data), backend).item()
            high = _tensor.Tensor._wrap(xp.max(data), backend).item()
            if not (math.isfinite(low) and math.isfinite(high)):
                raise ValueError(f"histc: the range of the data [{low}, {high}] is not finite")
        if low == high:
            low, high = low - 1, high + 1
        inside = (data >= low) & (data <= high)
        position = xp.floor((data - low) * bins / (high - low))  # in this order, as PyTorch (edges agree)
        position = xp.astype(xp.clip(xp.where(inside, position, 0), 0, bins - 1), xp.int64)
        counts = backend.index_add((bins,), (position,), xp.astype(inside, data.dtype))
        return _tensor.Tensor._wrap(counts, backend)

    # -- statistics, scans and products (PyTorch 2.x functions, from differentiable ops) ------------
    def var_mean(
        self: Tensor,
        dim: int | Sequence[int] | None = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        *,
        correction: float | None = None,
    ) -> tuple[Tensor, Tensor]:
        """``(var, mean)`` along ``dim`` (all entries without it), the arguments of ``var``."""
        variance = self.var(dim, unbiased, keepdim, correction=correction)
        return variance, self.mean(dim=dim, keepdim=keepdim)

    def std_mean(
        self: Tensor,
        dim: int | Sequence[int] | None = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        *,
        correction: float | None = None,
    ) -> tuple[Tensor, Tensor]:
        """``(std, mean)`` along ``dim`` (all entries without it), the arguments of ``std``."""
        deviation = self.std(dim, unbiased, keepdim, correction=correction)
        return deviation, self.mean(dim=dim, keepdim=keepdim)

    def nanmean(self: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        """The mean of the entries that are not NaN (NaN where all are); NaNs get no gradient."""
        if not _tensor._is_float(self.dtype):
            raise _tensor.DtypeMismatchError(f"nanmean: input must be floating point, got {self.dtype}")
        missing = self.isnan()
        total = _tensor.where(missing, 0.0, self).sum(dim=dim, keepdim=keepdim)
        with np.errstate(invalid="ignore"):  # 0 / 0: NaN where every entry is NaN, as PyTorch
            return total / (~missing).astype(self.dtype).sum(dim=dim, keepdim=keepdim)

    def frac(self: Tensor) -> Tensor:
        """The fractional part ``x - trunc(x)``, with x's sign; gradient 1."""
        if not _tensor._is_float(self.dtype):
            raise _tensor.DtypeMismatchError(f"frac: input must be floating point, got {self.dtype}")
        return self - self.trunc()

    def atan2(self: Tensor, other: Any) -> Tensor:
        """The angle of the point (other, self), ``atan2(y=self, x=other)`` in [-π, π]; gradients
        ``x / (x² + y²)`` for y and ``-y / (x² + y²)`` for x."""
        y, x = _float_pair(self, other, "atan2")
        return _Atan2.apply(y, x)

    arctan2 = atan2

    def baddbmm(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * (batch1 @ batch2)`` for (b, n, m) @ (b, m, p); ``beta=0`` ignores
        ``self`` (NaN in it included), as PyTorch."""
        product = _batched_product(batch1, batch2, "baddbmm")
        return _scaled_sum(self, product, beta, alpha)

    def addbmm(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * Σ_b batch1[b] @ batch2[b]``, the batch of products summed."""
        product = _batched_product(batch1, batch2, "addbmm").sum(0)
        return _scaled_sum(self, product, beta, alpha)

    def tensordot(self: Tensor, other: Tensor, dims: Any = 2) -> Tensor:
        """Contract the last ``dims`` axes of self with the first ``dims`` of other, or the axes
        listed in ``dims=([a...], [b...])``: a matrix product of the flattened axes."""
        if not isinstance(other, _tensor.Tensor):
            raise TypeError(f"tensordot: other must be a Tensor, got {type(other).__name__}")
        _tensor._same_device(self, other, "tensordot")
        if isinstance(dims, (builtins.int, np.integer)) and not isinstance(dims, (bool, np.bool_)):
            if not 0 <= dims <= builtins.min(self.ndim, other.ndim):
                raise ValueError(
                    f"tensordot: dims={dims} must be between 0 and the smaller rank "
                    f"({self.ndim} and {other.ndim})"
                )
            mine = list(range(self.ndim - dims, self.ndim))
            theirs = list(range(dims))
        elif isinstance(dims, (tuple, list)) and len(dims) == 2:
            mine_raw, theirs_raw = (
                [d] if isinstance(d, (builtins.int, np.integer)) else list(d) for d in dims
            )
            if len(mine_raw) != len(theirs_raw):
                raise ValueError(f"tensordot: dims lists must have equal lengths, got {dims!r}")
            mine = [_tensor._axis_index(d, self.ndim, "tensordot") for d in mine_raw]
            theirs = [_tensor._axis_index(d, other.ndim, "tensordot") for d in theirs_raw]
        else:
            raise TypeError(f"tensordot: dims must be an integer or a pair of lists of dims, got {dims!r}")
        for a, b in zip(mine, theirs):
            if self.shape[a] != other.shape[b]:
                raise _tensor.ShapeError(
                    f"tensordot: contracted dims differ in size: dim {a} of {self.shape} "
                    f"and dim {b} of {other.shape}"
                )
        kept_mine = [d for d in range(self.ndim) if d not in mine]
        kept_theirs = [d for d in range(other.ndim) if d not in theirs]
        inner = math.prod(self.shape[d] for d in mine)
        rows = math.prod(self.shape[d] for d in kept_mine)  # not -1: it is ambiguous when inner is 0
        columns = math.prod(other.shape[d] for d in kept_theirs)
        left = self.permute(*kept_mine, *mine).reshape(rows, inner)
        right = other.permute(*theirs, *kept_theirs).reshape(inner, columns)
        shape = [self.shape[d] for d in kept_mine] + [other.shape[d] for d in kept_theirs]
        return (left @ right).reshape(*shape)

    def trace(self: Tensor) -> Tensor:
        """The sum of the main diagonal of a 2-D tensor (rectangular ones too)."""
        if self.ndim != 2:
            raise _tensor.InvalidArgumentError(f"trace: expected a 2-D tensor, got shape {self.shape}")
        return self.diag().sum()

    def cross(self: Tensor, other: Tensor, dim: int = -1) -> Tensor:
        """The cross product of 3-vectors along ``dim`` (default the last, as ``torch.linalg.cross``),
        broadcasting the other dims: ``c = a[(i+1)%3] b[(i+2)%3] - a[(i+2)%3] b[(i+1)%3]``."""
        other = _tensor._as_tensor(other, self)
        _tensor._same_device(self, other, "cross")
        try:
            shape = tuple(np.broadcast_shapes(self.shape, other.shape))
        except ValueError:
            raise _tensor.ShapeError(
                f"cross: shapes {self.shape} and {other.shape} do not broadcast"
            ) from None
        axis = _tensor._axis_index(dim, len(shape), "cross")
        for operand in (self, other):
            rank_gap = len(shape) - operand.ndim
            if axis < rank_gap or operand.shape[axis - rank_gap] != 3:
                raise _tensor.ShapeError(
                    f"cross: dim {dim} must have size 3 in both inputs, got {self.shape} and {other.shape}"
                )
        a, b = self.expand(*shape), other.expand(*shape)
        return a.roll(-1, axis) * b.roll(-2, axis) - a.roll(-2, axis) * b.roll(-1, axis)

    def logcumsumexp(self: Tensor, dim: int) -> Tensor:
        """``log Σ_{j<=i} exp(x_j)`` along ``dim``, stable for any spread of values: a log2(n)-step
        scan of pairwise log-add-exps (never the exp of a large number)."""
        if not _tensor._is_float(self.dtype):
            raise _tensor.DtypeMismatchError(f"logcumsumexp: input must be floating point, got {self.dtype}")
        axis = _sort_axis(self, dim, "logcumsumexp")
        if self.ndim == 0:
            return self * 1
        length, result, shift = self.shape[axis], self, 1
        while shift < length:
            before = (slice(None),) * axis
            padding = _tensor.full(
                (*self.shape[:axis], shift, *self.shape[axis + 1 :]),
                -math.inf,
                dtype=self.dtype,
                device=self.device,
            )
            shifted = _tensor.cat([padding, result[before + (slice(0, length - shift),)]], dim=axis)
            result = _logaddexp(result, shifted)
            shift *= 2
        return result

    def cummax(self: Tensor, dim: int) -> ValuesAndIndices:
        """``(values, indices)``: the running maximum along ``dim`` and where it is (the latest of
        equal entries; NaN counts as largest, as PyTorch). The gradient goes to those entries."""
        return _running_extreme(self, dim, "cummax", larger=True)

    def cummin(self: Tensor, dim: int) -> ValuesAndIndices:
        """``(values, indices)``: the running minimum along ``dim`` and where it is (the latest of
        equal entries; NaN counts as smallest here, as PyTorch propagates it). Gradient to those entries."""
        return _running_extreme(self, dim, "cummin", larger=False)

    def median(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
        """The lower median (the ((n-1)//2)-th smallest, NaN if any is NaN): of all entries without
        ``dim``, else ``(values, indices)`` along ``dim``. The gradient goes to the chosen entry."""
        return _median(self, dim, keepdim, skip_nan=False, op="median")

    def quantile(
        self: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear"
    ) -> Tensor:
        """The ``q``-quantiles (``q`` a number or 1-D tensor in [0, 1]) along ``dim`` (of all entries
        without it): between the sorted entries at ``q (n-1)``, by ``interpolation`` (linear, lower,
        higher, midpoint, nearest), NaN where the input has NaN. A 1-D ``q`` adds a leading dim."""
        q_host, source, axis = _quantile_arguments(self, q, dim, keepdim, interpolation, "quantile")
        length = source.shape[axis]
        ordered = source.sort(axis).values
        has_nan = source.isnan().any(axis, keepdims=True)
        position = q_host.reshape(-1) * (length - 1)
        low = np.floor(position).astype(np.int64)
        high = np.ceil(position).astype(np.int64)
        picks = []
        before = (slice(None),) * axis
        last = ordered[before + (slice(length - 1, length),)]  # NaN where there is one: it sorts last
        for p, lo, hi in zip(position, low, high):
            low_value = ordered[before + (slice(int(lo), int(lo) + 1),)]
            high_value = ordered[before + (slice(int(hi), int(hi) + 1),)]
            if interpolation == "lower":
                value = low_value
            elif interpolation == "higher":
                value = high_value
            elif interpolation == "midpoint":
                value = low_value + (high_value - low_value) * 0.5
            elif interpolation == "nearest":
                value = ordered[before + (slice(int(np.round(p)), int(np.round(p)) + 1),)]
            else:
                value = low_value + (high_value - low_value) * float(p - lo)
            picks.append(_tensor.where(has_nan, last, value))  # NaN, and its gradient, as PyTorch
        return _stacked_quantiles(self, picks, q_host, dim, keepdim, axis)

    # -- in place (refused where autograd would need the old value, as ``add_``) --------------------
    def abs_(self: Tensor) -> Tensor:
        return self._in_place("abs_", lambda t: t.abs())

    def neg_(self: Tensor) -> Tensor:
        return self._in_place("neg_", lambda t: -t)

    def exp_(self: Tensor) -> Tensor:
        return self._in_place("exp_", lambda t: t.exp())

    def log_(self: Tensor) -> Tensor:
        return self._in_place("log_", lambda t: t.log())

    def sqrt_(self: Tensor) -> Tensor:
        return self._in_place("sqrt_", lambda t: t.sqrt())

    def sigmoid_(self: Tensor) -> Tensor:
        return self._in_place("sigmoid_", lambda t: t.sigmoid())

    def addcmul_(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        return self._in_place("addcmul_", lambda t: t.addcmul(tensor1, tensor2, value=value))

    def addcdiv_(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        return self._in_place("addcdiv_", lambda t: t.addcdiv(tensor1, tensor2, value=value))

    def square_(self: Tensor) -> Tensor:
        return self._in_place("square_", lambda t: t.square())

    def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
        """Write ``fill_value`` on the main diagonal (entries [i, i, ...]) of a matrix, or of an
        array whose dimensions are all equal; ``wrap`` restarts it below a tall matrix, as PyTorch."""
        if self.ndim < 2 or (self.ndim > 2 and len(set(self.shape)) != 1):
            raise _tensor.InvalidArgumentError(  # PyTorch's RuntimeError, still a ValueError
                f"fill_diagonal_: needs a matrix or an array of equal dimensions, got shape {self.shape}"
            )
        rows = self.shape[0]
        if self.ndim == 2 and wrap:
            steps = range(0, rows, self.shape[1] + 1)
            positions = [(start + i, i) for start in steps for i in range(min(self.shape[1], rows - start))]
        else:
            positions = [(i,) * self.ndim for i in range(min(self.shape))]
        if positions:
            index = tuple(_tensor.tensor([p[axis] for p in positions]) for axis in range(self.ndim))
            self[index] = fill_value
        return self

    def lerp_(self: Tensor, end: Any, weight: Any) -> Tensor:
        return self._in_place("lerp_", lambda t: t.lerp(end, weight))

    def clamp_min_(self: Tensor, min: Any) -> Tensor:  # noqa: A002 (PyTorch's name)
        return self._in_place("clamp_min_", lambda t: t.clamp_min(min))

    def clamp_max_(self: Tensor, max: Any) -> Tensor:  # noqa: A002 (PyTorch's name)
        return self._in_place("clamp_max_", lambda t: t.clamp_max(max))

    def tanh_(self: Tensor) -> Tensor:
        return self._in_place("tanh_", lambda t: t.tanh())

    def relu_(self: Tensor) -> Tensor:
        return self._in_place("relu_", lambda t: t.relu())

    def pow_(self: Tensor, exponent: Any) -> Tensor:
        return self._in_place("pow_", lambda t: t ** exponent)

    def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return self._in_place("clamp_", lambda t: t.clip(min, max))

    clip_ = clamp_

    def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
        return self._in_place("masked_fill_", lambda t: t.masked_fill(mask, value))

    def scatter_(
        self: Tensor,
        dim: int,
        index: Tensor,
        src: Any = None,
        *,
        value: Any = None,
        reduce: str | None = None,
    ) -> Tensor:
        return self._in_place("scatter_", lambda t: t.scatter(dim, index, src, value=value, reduce=reduce))

    def scatter_add_(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
        return self._in_place("scatter_add_", lambda t: t.scatter_add(dim, index, src))

    def scatter_reduce_(
        self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True
    ) -> Tensor:
        return self._in_place(
            "scatter_reduce_", lambda t: t.scatter_reduce(dim, index, src, reduce, include_self=include_self)
        )

    def xlogy_(self: Tensor, other: Any) -> Tensor:
        return self._in_place("xlogy_", lambda t: t.xlogy(other))

    def lgamma_(self: Tensor) -> Tensor:
        return self._in_place("lgamma_", lambda t: t.lgamma())

    def digamma_(self: Tensor) -> Tensor:
        return self._in_place("digamma_", lambda t: t.digamma())

    def polygamma_(self: Tensor, n: int) -> Tensor:
        return self._in_place("polygamma_", lambda t: t.polygamma(n))

    def hypot_(self: Tensor, other: Any) -> Tensor:
        return self._in_place("hypot_", lambda t: t.hypot(other))

    def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        return self._in_place("index_add_", lambda t: t.index_add(dim, index, source, alpha=alpha))

    def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
        return self._in_place("masked_scatter_", lambda t: t.masked_scatter(mask, source))

    def nan_to_num_(
        self: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        return self._in_place("nan_to_num_", lambda t: t.nan_to_num(nan, posinf, neginf))

    def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        """Refill with normal draws N(mean, std²) from the device's generator (``tg.manual_seed``)
        or ``generator``."""
        _finite(mean, "mean", "normal_")
        if not _finite(std, "std", "normal_") >= 0:
            raise _tensor.InvalidArgumentError(f"normal_: std must be >= 0, got {std}")
        return self._in_place("normal_", lambda t: self._draws("normal", "normal_", generator) * std + mean)

    def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        """Refill with uniform draws on [a, b) from the device's generator (``tg.manual_seed``)
        or ``generator``."""
        if _finite(a, "a", "uniform_") > _finite(b, "b", "uniform_"):
            raise _tensor.InvalidArgumentError(f"uniform_: the range [a, b) needs a <= b, got a={a} > b={b}")
        return self._in_place(
            "uniform_", lambda t: self._draws("uniform", "uniform_", generator) * (b - a) + a
        )

    def _draws(self: Tensor, kind: str, op: str, generator: Any = None) -> Tensor:
        if not _tensor._is_float(self.dtype):
            raise TypeError(f"{op} needs a floating-point tensor, this one is {self.dtype}")
        return _tensor.Tensor._wrap(
            random_draws(self._backend, kind, self.shape, self.dtype, generator), self._backend
        )

    # -- PyTorch names users reach for (session 8): shapes, selection, order, logic ------------------
    def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
        """Dim ``dim`` split into ``sizes`` (one of them may be -1, inferred): ``flatten``'s inverse,
        e.g. (N, 12).unflatten(1, (3, 4)) is (N, 3, 4)."""
        axis = _tensor._axis_index(dim, self.ndim, "unflatten")
        if not isinstance(sizes, (list, tuple)):
            raise TypeError(f"unflatten: sizes must be a tuple or list of ints, got {type(sizes).__name__}")
        sizes = [_integer(n, "sizes", "unflatten") for n in sizes]
        length = self.shape[axis]
        if not sizes:
            raise _tensor.ShapeError("unflatten: sizes must be non-empty")
        if sizes.count(-1) > 1:
            raise _tensor.ShapeError(f"unflatten: only one dimension can be inferred, got sizes {sizes}")
        known = math.prod(n for n in sizes if n != -1)
        if -1 in sizes and known and length % known == 0:
            sizes[sizes.index(-1)] = length // known
        if math.prod(sizes) != length or builtins.any(n < 0 for n in sizes):
            raise _tensor.ShapeError(
                f"unflatten: provided sizes {sizes} don't multiply up to the size of dim {axis} ({length}) "
                f"of a tensor of shape {self.shape}"
            )
        return self.reshape(*self.shape[:axis], *sizes, *self.shape[axis + 1 :])

    def movedim(self: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
        """The dims ``source`` moved to the positions ``destination``; the others keep their order."""
        rank = builtins.max(self.ndim, 1)
        sources = [
            _tensor._axis_index(d, rank, "movedim") for d in _sequence_of_ints(source, "source", "movedim")
        ]
        targets = [
            _tensor._axis_index(d, rank, "movedim")
            for d in _sequence_of_ints(destination, "destination", "movedim")
        ]
        if len(sources) != len(targets):
            raise _tensor.InvalidArgumentError(
                f"movedim: source {sources} and destination {targets} must name as many dims"
            )
        for name, dims in (("source", sources), ("destination", targets)):
            if len(set(dims)) != len(dims):
                raise _tensor.InvalidArgumentError(f"movedim: repeated dim in `{name}` ({dims})")
        if self.ndim == 0:
            return self.reshape(())
        order: list[int | None] = [None] * self.ndim
        for s, d in zip(sources, targets):
            order[d] = s
        rest = iter(d for d in range(self.ndim) if d not in sources)
        return self.permute(*[next(rest) if d is None else d for d in order])

    moveaxis = movedim

    def tile(self: Tensor, *dims: int | Sequence[int]) -> Tensor:
        """The tensor repeated ``dims[i]`` times along each dim; fewer ``dims`` than dims count from the
        last (leading 1s), more add leading dims (NumPy's and PyTorch's ``tile``)."""
        reps = _tensor._shape_arg(dims)
        if builtins.any(n < 0 for n in reps):
            raise _tensor.ShapeError(f"tile: repetitions must be non-negative, got {list(reps)}")
        reps = (1,) * (self.ndim - len(reps)) + tuple(reps)
        return self.repeat(*reps)

    def rot90(self: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
        """A quarter turn ``k`` times in the plane of ``dims``, from the first dim toward the second."""
        k = _integer(k, "k", "rot90")
        dims = _sequence_of_ints(dims, "dims", "rot90")
        if len(dims) != 2:
            raise _tensor.InvalidArgumentError(f"rot90: expected 2 rotation dims, got dims = {dims}")
        if self.ndim < 2:
            raise _tensor.ShapeError(f"rot90: expected a tensor of at least 2 dims, got shape {self.shape}")
        first, second = (_tensor._axis_index(d, self.ndim, "rot90") for d in dims)
        if first == second:
            raise _tensor.InvalidArgumentError(
                f"rot90: the rotation dims must differ, got {first} and {second}"
            )
        turns = k % 4
        if turns == 1:
            return self.flip(second).transpose(first, second)
        if turns == 2:
            return self.flip(first, second)
        if turns == 3:
            return self.flip(first).transpose(first, second)
        return self.clone()

    def tensor_split(self: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Views along ``dim``: ``n`` sections as even as can be (the first ``length % n`` one longer),
        or the pieces between a list of split ``indices`` (NumPy's ``array_split``)."""
        if self.ndim == 0:
            raise _tensor.ShapeError(
                "tensor_split: expected at least a 1-dimensional tensor, got a 0-d tensor"
            )
        axis = _tensor._axis_index(dim, self.ndim, "tensor_split")
        split = indices_or_sections
        if isinstance(split, _tensor.Tensor):
            if split.dtype != _tensor.int64 or split.ndim > 1:
                raise _tensor.DtypeMismatchError(
                    "tensor_split: a tensor of indices_or_sections must be a 0-d or 1-D int64 tensor, got "
                    f"dtype {split.dtype} and shape {split.shape}"
                )
            split = split.item() if split.ndim == 0 else split.tolist()
        length = self.shape[axis]
        if isinstance(split, (list, tuple)):
            bounds = [0, *(_integer(i, "indices", "tensor_split") for i in split), length]
        else:
            sections = _integer(split, "sections", "tensor_split")
            if sections < 1:
                raise _tensor.InvalidArgumentError(
                    f"tensor_split: number of sections must be larger than 0, got {sections}"
                )
            sizes = [length // sections + (1 if i < length % sections else 0) for i in range(sections)]
            bounds = [0, *itertools.accumulate(sizes)]
        before = (slice(None),) * axis
        return tuple(self[before + (slice(a, b),)] for a, b in zip(bounds, bounds[1:]))

    def masked_select(self: Tensor, mask: Tensor) -> Tensor:
        """The entries where the boolean ``mask`` (broadcast with this tensor) holds, as a 1-D tensor
        in row-major order; the gradient goes back to those entries."""
        if not isinstance(mask, _tensor.Tensor):
            raise TypeError(f"masked_select: mask must be a Tensor, got {type(mask).__name__}")
        _tensor._same_device(self, mask, "masked_select")
        if mask.dtype != _tensor.bool_:
            raise _tensor.DtypeMismatchError(f"masked_select: expected a bool mask, got dtype {mask.dtype}")
        try:
            shape = np.broadcast_shapes(self.shape, mask.shape)
        except ValueError:
            raise _tensor.ShapeError(
                f"masked_select: mask of shape {mask.shape} does not broadcast with the tensor's {self.shape}"
            ) from None
        source, mask = self.expand(*shape), mask.expand(*shape)
        if not shape:
            source, mask = source.reshape(1), mask.reshape(1)
        return source[mask]

    def take(self: Tensor, index: Tensor) -> Tensor:
        """The entries at ``index`` (int64, any shape; negative counts from the end) of the tensor read
        as 1-D in row-major order, in ``index``'s shape."""
        index = _index_tensor(index, self, "take", ("int64",))
        flat = self.reshape(-1)
        positions = _check_bounds(index.reshape(-1), flat.shape[0], 0, "take", negative_ok=True)
        return flat[positions].reshape(index.shape)

    def _index_positions(self: Tensor, dim: int, index: Any, op: str) -> tuple[Tensor, int, Tensor]:
        """``index_fill``/``index_copy``'s checked (int64, 0-d or 1-D) index, made 1-D and
        non-negative, the dim it runs along, and ``hits``: (length of that dim, len(index)), True
        where position p is index[i]."""
        index = _index_tensor(index, self, op, ("int64",))
        if index.ndim > 1:
            raise _tensor.InvalidArgumentError(
                f"{op}: index has to be a vector or a scalar, got shape {index.shape}"
            )
        rank = builtins.max(self.ndim, 1)
        axis = _tensor._axis_index(dim, rank, op)
        length = self.shape[axis] if self.ndim else 1
        index = _check_bounds(index.reshape(-1), length, axis, op, negative_ok=True)
        span = _tensor.arange(length, device=self.device)
        return index, axis, span.reshape(-1, 1) == index.reshape(1, -1)

    def _along(self: Tensor, vector: Tensor, axis: int) -> Tensor:
        """A vector over dim ``axis`` shaped to broadcast against this tensor."""
        return vector.reshape([-1 if d == axis else 1 for d in range(self.ndim)])

    def index_fill(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
        """A copy with every entry at ``index`` (int64, negative from the end) along ``dim`` set to
        ``value`` (a number or 0-d tensor, cast to this dtype); those entries get no gradient."""
        if isinstance(value, _tensor.Tensor) and value.ndim != 0:
            raise _tensor.InvalidArgumentError(
                f"index_fill: value must be a number or a 0-d tensor, got a tensor of shape {value.shape}"
            )
        if (
            not isinstance(value, _tensor.Tensor)
            and self.dtype.kind in "iu"
            and isinstance(value, (float, np.floating))
        ):
            value = _tensor._fill_value(value, self.dtype, "index_fill")
            value = builtins.int(value)  # PyTorch truncates a float into an integer tensor
        _, axis, hits = self._index_positions(dim, index, "index_fill")
        return self.masked_fill(self._along(hits.any(1), axis), value)

    def index_copy(self: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
        """A copy with the slices ``source[..., i, ...]`` written at ``index[i]`` along ``dim``
        (``index`` int64, negative from the end); gradients go to ``source`` and to the entries kept."""
        if not isinstance(source, _tensor.Tensor):
            raise TypeError(f"index_copy: source must be a Tensor, got {type(source).__name__}")
        _tensor._same_device(self, source, "index_copy")
        if source.dtype != self.dtype:
            raise _tensor.DtypeMismatchError(
                f"index_copy: self and source must have the same dtype, got {self.dtype} and {source.dtype}"
            )
        index, axis, hits = self._index_positions(dim, index, "index_copy")
        if self.ndim == 0:
            return self.reshape(1).index_copy(0, index, source.reshape(-1)).reshape(())
        if (
            source.ndim != self.ndim
            or source.shape[:axis] + source.shape[axis + 1 :] != self.shape[:axis] + self.shape[axis + 1 :]
        ):
            raise _tensor.ShapeError(
                f"index_copy: source of shape {source.shape} does not have the slices of a tensor of shape "
                f"{self.shape} along dim {axis}"
            )
        if source.shape[axis] != index.shape[0]:
            raise IndexError(
                f"index_copy: number of indices ({index.shape[0]}) should equal source.size({axis}) "
                f"({source.shape[axis]})"
            )
        if index.shape[0] == 0:
            return self.clone()
        # Each position takes the last slice sent to it (a repeated index: the last write wins, as
        # PyTorch's CPU loop; its gradient goes to that slice).
        slots = _tensor.arange(index.shape[0], device=self.device).reshape(1, -1)
        winner = _tensor.where(hits, slots, -1).amax(1)
        placed = source.index_select(axis, winner.clip(0, None))
        return _tensor.where(self._along(winner >= 0, axis), placed, self)

    def put(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
        """A copy with ``source``'s entries written (``accumulate``: added) at the positions ``index``
        (int64, negative from the end) of the tensor read as 1-D in row-major order."""
        index = _index_tensor(index, self, "put", ("int64",))
        _flag(accumulate, "accumulate", "put")
        if not isinstance(source, _tensor.Tensor):
            raise TypeError(f"put: source must be a Tensor, got {type(source).__name__}")
        _tensor._same_device(self, source, "put")
        if source.dtype != self.dtype:
            raise _tensor.DtypeMismatchError(
                f"put: self and source must have the same dtype, got {self.dtype} and {source.dtype}"
            )
        if index.size != source.size:
            raise IndexError(
                f"put: expected source and index to have the same number of elements, got "
                f"source.numel() = {source.size}, index.numel() = {index.size}"
            )
        flat = self.reshape(-1)
        positions = _check_bounds(index.reshape(-1), flat.shape[0], 0, "put", negative_ok=True)
        values = source.reshape(-1)
        placed = flat.index_add(0, positions, values) if accumulate else flat.index_copy(0, positions, values)
        return placed.reshape(self.shape)

    def bincount(self: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
        """How often each value 0..max occurs in this 1-D non-negative integer tensor (``tg.bincount``)."""
        from .functions import bincount

        return bincount(self, weights, minlength)

    def mv(self: Tensor, vec: Tensor) -> Tensor:
        """The matrix-vector product of this (n, m) matrix and an (m,) vector."""
        vec = _matrix_operand(vec, self, "mv")
        if self.ndim != 2 or vec.ndim != 1:
            raise _tensor.ShapeError(
                f"mv: expected a matrix and a vector, got shapes {self.shape} and {vec.shape}"
            )
        if self.shape[1] != vec.shape[0]:
            raise _tensor.ShapeError(
                f"mv: size mismatch, got a matrix of shape {self.shape} and a vector of {vec.shape}"
            )
        return self @ vec

    def kthvalue(self: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesAndIndices:
        """``(values, indices)``: the ``k``-th smallest entry (k from 1) along ``dim`` and where it is."""
        k = _integer(k, "k", "kthvalue")
        _flag(keepdim, "keepdim", "kthvalue")
        axis = _sort_axis(self, dim, "kthvalue")
        source = self if self.ndim else self.reshape(1)
        if not 1 <= k <= source.shape[axis]:
            raise _tensor.InvalidArgumentError(
                f"kthvalue: k = {k} is out of range for dim {axis} of size {source.shape[axis]}"
            )
        indices = source.argsort(axis).narrow(axis, k - 1, 1)
        values = source.gather(axis, indices)
        if self.ndim == 0:
            return _tensor.ValuesAndIndices(values.reshape(()), indices.reshape(()))
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return _tensor.ValuesAndIndices(values, indices)

    def mode(self: Tensor, dim: int = -1, keepdim: bool = False) -> ValuesAndIndices:
        """``(values, indices)``: the most frequent entry along ``dim`` (the smallest of equally frequent
        ones) and its last position, as PyTorch (NaNs count as one value, larger than all others)."""
        _flag(keepdim, "keepdim", "mode")
        axis = _sort_axis(self, dim, "mode")
        source = self if self.ndim else self.reshape(1)
        length = source.shape[axis]
        if length == 0:
            raise IndexError(f"mode: expected reduction dim {axis} to have non-zero size")
        # Runs of equal values in each sorted row (stable: equal values keep their order; NaN last
        # and, here, equal to NaN): the first longest run holds the smallest most frequent value,
        # and its end the value's last position. O(n log n), no (n, n) table.
        row = source.detach().movedim(axis, -1)
        order = row.argsort(-1)
        ordered = row.gather(-1, order)
        differ = ordered[..., 1:] != ordered[..., :-1]
        if _tensor._is_float(row.dtype):
            differ = differ & ~(ordered[..., 1:].isnan() & ordered[..., :-1].isnan())
        edge = _tensor.ones(*row.shape[:-1], 1, dtype=_tensor.bool_, device=self.device)
        span = _tensor.arange(length, device=self.device)
        run_start = _tensor.where(_tensor.cat([edge, differ], -1), span, 0).cummax(-1).values
        run_end = (
            _tensor.where(_tensor.cat([differ, edge], -1), span, length).flip(-1).cummin(-1).values.flip(-1)
        )
        counts = run_end - run_start
        first_longest = _tensor.where(counts == counts.amax(-1, keepdim=True), span, length).amin(
            -1, keepdim=True
        )
        last = order.gather(-1, run_end.gather(-1, first_longest))
        indices = last.movedim(-1, axis)
        values = source.gather(axis, indices)
        if self.ndim == 0:
            return _tensor.ValuesAndIndices(values.reshape(()), indices.reshape(()))
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return _tensor.ValuesAndIndices(values, indices)

    def nanquantile(
        self: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear"
    ) -> Tensor:
        """``quantile`` of the entries that are not NaN (NaN where all are): the sorted non-NaN entries
        at ``q (n-1)``, ``n`` counted per slice; NaNs get no gradient."""
        q_host, source, axis = _quantile_arguments(self, q, dim, keepdim, interpolation, "nanquantile")
        ordered = source.sort(axis).values  # NaN sorts last
        present = (~source.isnan()).astype(_tensor.int64).sum(axis, keepdim=True)
        last = (present - 1).clip(0, None)  # the position of the largest entry that is not NaN
        picks = []
        for p in q_host.reshape(-1):
            position = last.astype(source.dtype) * float(p)  # all NaN: the first entry, NaN, as PyTorch
            low, high = position.floor(), position.ceil()
            if interpolation == "nearest":
                low = high = position.round()
            low_index = low.astype(_tensor.int64).clip(0, None).minimum(last)
            high_index = high.astype(_tensor.int64).clip(0, None).minimum(last)
            low_value, high_value = ordered.gather(axis, low_index), ordered.gather(axis, high_index)
            if interpolation == "higher":
                low_value = high_value
            if interpolation in ("linear", "midpoint"):
                weight = (position - low) if interpolation == "linear" else 0.5
                low_value = low_value + (high_value - low_value) * weight
            picks.append(low_value)
        return _stacked_quantiles(self, picks, q_host, dim, keepdim, axis)

    def renorm(self: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
        """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled to norm ``maxnorm``
        (by maxnorm / (norm + 1e-7), as PyTorch); the others kept."""
        if not _tensor._is_float(self.dtype):
            raise _tensor.DtypeMismatchError(f"renorm: expected a floating-point tensor, got {self.dtype}")
        if self.ndim < 2:
            raise _tensor.ShapeError(f"renorm: input needs at least 2 dimensions, got shape {self.shape}")
        if (
            isinstance(p, (bool, np.bool_))
            or not isinstance(p, (builtins.int, float, np.number))
            or not p > 0
        ):
            raise _tensor.InvalidArgumentError(
                f"renorm: p must be a positive number (a non-positive norm is not supported), got {p!r}"
            )
        if not _finite(maxnorm, "maxnorm", "renorm") >= 0:
            raise _tensor.InvalidArgumentError(f"renorm: expected maxnorm to be >= 0, got {maxnorm}")
        axis = _tensor._axis_index(dim, self.ndim, "renorm")
        others = tuple(d for d in range(self.ndim) if d != axis)
        if math.isinf(p):
            norms = self.abs().amax(others, keepdim=True)
            too_long = norms > maxnorm
        else:  # the p-th root only where it is used: at a zero slice its gradient would be inf
            powered = self.abs().pow(p).sum(others, keepdim=True)
            too_long = powered > maxnorm**p
            norms = _tensor.where(too_long, powered, 1.0).pow(1.0 / p)
        return self * _tensor.where(too_long, maxnorm / (norms + 1e-7), 1.0)

    # -- elementwise: error function, remainders, logic ----------------------------------------------
    def erf(self: Tensor) -> Tensor:
        """The error function 2/√π ∫₀ˣ e^(−t²) dt (``tg.special.erf``); integers are read as floats."""
        from . import special

        return special.erf(self)

    def erfc(self: Tensor) -> Tensor:
        """1 − erf(x), exact where it is tiny (``tg.special.erfc``)."""
        from . import special

        return special.erfc(self)

    def erfinv(self: Tensor) -> Tensor:
        """erf⁻¹(y) for y in [−1, 1] (±inf at ±1, NaN beyond); integers are read as floats."""
        from . import special

        return special.erfinv(self)

    def remainder(self: Tensor, other: Any) -> Tensor:
        """a − b⌊a / b⌋, with the sign of the divisor b (Python's ``%``); ``fmod`` keeps the sign of a."""
        return self % other

    def fmod(self: Tensor, other: Any) -> Tensor:
        """a − b·trunc(a / b), with the sign of the dividend a (C's ``fmod``); ``remainder`` follows b."""
        return _tensor._binary(_Fmod, self, other)

    def logical_not(self: Tensor) -> Tensor:
        """True where the entry is zero (bool)."""
        return ~_truth(self)

    def logical_and(self: Tensor, other: Tensor) -> Tensor:
        """True where both entries are nonzero (bool; the operands broadcast)."""
        return _truth(self) & _truth(_logical_operand(other, self, "logical_and"))

    def logical_or(self: Tensor, other: Tensor) -> Tensor:
        """True where either entry is nonzero (bool; the operands broadcast)."""
        return _truth(self) | _truth(_logical_operand(other, self, "logical_or"))

    def logical_xor(self: Tensor, other: Tensor) -> Tensor:
        """True where exactly one of the entries is nonzero (bool; the operands broadcast)."""
        return _truth(self) ^ _truth(_logical_operand(other, self, "logical_xor"))

    # -- in place, round 8 ----------------------------------------------------------------------------
    def t_(self: Tensor) -> Tensor:
        return _in_place_view(self, lambda t: t.t(), "t_")

    def squeeze_(self: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
        return _in_place_view(self, lambda t: t.squeeze(dim), "squeeze_")

    def unsqueeze_(self: Tensor, dim: int) -> Tensor:
        return _in_place_view(self, lambda t: t.unsqueeze(dim), "unsqueeze_")

    def floor_(self: Tensor) -> Tensor:
        return self._in_place("floor_", lambda t: t.floor())

    def ceil_(self: Tensor) -> Tensor:
        return self._in_place("ceil_", lambda t: t.ceil())

    def round_(self: Tensor, decimals: int = 0) -> Tensor:
        return self._in_place("round_", lambda t: t.round(decimals))

    def remainder_(self: Tensor, other: Any) -> Tensor:
        return self._in_place("remainder_", lambda t: t.remainder(other))

    def fmod_(self: Tensor, other: Any) -> Tensor:
        return self._in_place("fmod_", lambda t: t.fmod(other))

    def erf_(self: Tensor) -> Tensor:
        return self._in_place("erf_", lambda t: t.erf())

    def erfc_(self: Tensor) -> Tensor:
        return self._in_place("erfc_", lambda t: t.erfc())

    def erfinv_(self: Tensor) -> Tensor:
        return self._in_place("erfinv_", lambda t: t.erfinv())

    def logical_not_(self: Tensor) -> Tensor:
        return self._in_place("logical_not_", lambda t: self.logical_not().astype(self.dtype))

    def logical_and_(self: Tensor, other: Tensor) -> Tensor:
        return self._in_place("logical_and_", lambda t: self.logical_and(other).astype(self.dtype))

    def logical_or_(self: Tensor, other: Tensor) -> Tensor:
        return self._in_place("logical_or_", lambda t: self.logical_or(other).astype(self.dtype))

    def logical_xor_(self: Tensor, other: Tensor) -> Tensor:
        return self._in_place("logical_xor_", lambda t: self.logical_xor(other).astype(self.dtype))

    def index_fill_(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
        return self._in_place("index_fill_", lambda t: t.index_fill(dim, index, value))

    def index_copy_(self: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
        return self._in_place("index_copy_", lambda t: t.index_copy(dim, index, source))

    def put_(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
        return self._in_place("put_", lambda t: t.put(index, source, accumulate))

    def renorm_(self: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
        return self._in_place("renorm_", lambda t: t.renorm(p, dim, maxnorm))

    # -- in-place random draws (the device's generator, seeded by tg.manual_seed, or generator=) -------
    def _uniform_draws(self: Tensor, generator: Any = None) -> Tensor:
        """Uniform draws on [0, 1) in this shape: in this dtype if it is a float, else in float64."""
        dtype = self.dtype if _tensor._is_float(self.dtype) else _tensor.float64
        return _tensor.Tensor._wrap(
            random_draws(self._backend, "uniform", self.shape, dtype, generator), self._backend
        )

    def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
        """Refill with 1 with probability ``p`` (a number, or a tensor broadcast to this shape), else 0."""
        if isinstance(p, _tensor.Tensor):
            _tensor._same_device(self, p, "bernoulli_")
            chance = p.detach().expand(*self.shape)
            low, high = (chance.min().item(), chance.max().item()) if chance.size else (0.0, 1.0)
        else:
            chance = low = high = _finite(p, "p", "bernoulli_")
        if not (0 <= low and high <= 1):
            raise _tensor.InvalidArgumentError(
                f"bernoulli_: p must lie in [0, 1], got values from {low} to {high}"
            )
        draws = self._uniform_draws(generator)
        if isinstance(chance, _tensor.Tensor):
            chance = chance.astype(draws.dtype)
        return self._in_place("bernoulli_", lambda t: (draws < chance).astype(self.dtype))

    def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        """Refill with exponential draws of rate ``lambd``: −log(1 − u) / λ for uniform u."""
        if not _tensor._is_float(self.dtype):
            raise _tensor.DtypeMismatchError(
                f"exponential_: needs a floating-point tensor, this one is {self.dtype}"
            )
        if not _finite(lambd, "lambd", "exponential_") > 0:
            raise _tensor.InvalidArgumentError(f"exponential_: expects lambd > 0, got lambd={lambd}")
        return self._in_place("exponential_", lambda t: -(-self._uniform_draws(generator)).log1p() / lambd)

    def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Tensor:
        """Refill with Cauchy draws: median + σ tan(π (u − ½)) for uniform u."""
        if not _tensor._is_float(self.dtype):
            raise _tensor.DtypeMismatchError(
                "Cauchy distribution is a continuous probability distribution. dtype must be a floating "
                f"point but you specified {self.dtype}"
            )
        _finite(median, "median", "cauchy_")
        if not _finite(sigma, "sigma", "cauchy_") > 0:
            raise _tensor.InvalidArgumentError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
        return self._in_place(
            "cauchy_", lambda t: (math.pi * (self._uniform_draws(generator) - 0.5)).tan() * sigma + median
        )

    def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> Tensor:
        """Refill with log-normal draws: exp(mean + std z) for standard normal z."""
        if not _tensor._is_float(self.dtype):
            raise UnsupportedDtypeError(f'"log_normal_" is not implemented for {self.dtype}: it needs floats')
        _finite(mean, "mean", "log_normal_")
        if not _finite(std, "std", "log_normal_") > 0:
            raise _tensor.InvalidArgumentError(f"log_normal_ expects std > 0.0, but found std={std}")
        return self._in_place(
            "log_normal_", lambda t: (self._draws("normal", "log_normal_", generator) * std + mean).exp()
        )

    def geometric_(self: Tensor, p: float, *, generator: Any = None) -> Tensor:
        """Refill with the number of Bernoulli(p) trials up to the first success (1, 2, ...):
        ⌈log(1 − u) / log(1 − p)⌉ for uniform u, at least 1; integer tensors too, as PyTorch."""
        if not 0 < _finite(p, "p", "geometric_") < 1:
            raise _tensor.InvalidArgumentError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        if self.dtype == _tensor.bool_:
            raise UnsupportedDtypeError('"geometric_" is not implemented for bool tensors')

        def draws(t: Tensor) -> Tensor:
            trials = ((-self._uniform_draws(generator)).log1p() / math.log1p(-p)).ceil().clamp(min=1.0)
            return trials.astype(self.dtype)

        return self._in_place("geometric_", draws)

    def random_(self: Tensor, *bounds: int, generator: Any = None, **named: int | None) -> Tensor:
        """Refill with integers drawn uniformly from [from, to): ``random_(to)``, ``random_(from, to)``
        (``from=``/``to=``), or with no bounds from [0, 2^mantissa] for floats and [0, max] for integers."""
        if len(bounds) > 2 or set(named) - {"from", "to"} or len(bounds) + len(named) > 2:
            raise TypeError(f"random_: takes from and to, got {bounds} and {named}")
        if len(bounds) == 1 and not named:
            low, high = 0, bounds[0]
        else:
            low = named.get("from", bounds[0] if bounds else 0)
            high = named.get("to", bounds[1] if len(bounds) > 1 else None)
        low = _integer(low, "from", "random_")
        if self.dtype == _tensor.bool_:
            top = 2
        elif _tensor._is_float(self.dtype):
            top = 2 ** (np.finfo(self.dtype).nmant + 1) + 1
        else:
            top = builtins.int(np.iinfo(self.dtype).max) + 1
        high = top if high is None else _integer(high, "to", "random_")
        if low >= high:
            raise _tensor.InvalidArgumentError(
                f"random_: expects 'from' to be less than 'to', got from={low} >= to={high}"
            )
        if self.dtype != _tensor.bool_ and not _tensor._is_float(self.dtype):
            info = np.iinfo(self.dtype)
            if low < info.min or high - 1 > info.max:
                raise _tensor.InvalidArgumentError(
                    f"random_: [{low}, {high}) does not fit dtype {self.dtype}"
                )
        xp = self._backend.xp
        draws = random_draws(self._backend, "uniform", self.shape, _tensor.float64, generator)  # wide spans
        offsets = xp.minimum(xp.floor(draws * float(high - low)), float(high - low - 1))
        values = _tensor.Tensor._wrap(offsets, self._backend).astype(_tensor.int64) + low
        return self._in_place("random_", lambda t: values.astype(self.dtype))

    # -- PyTorch's other names for the ops above, and facts it reports --------------------------------
    negative = neg
    multiply = mul
    subtract = sub
    divide = div

    def positive(self: Tensor) -> Tensor:
        """This tensor itself (``+x``); refused for booleans, as in PyTorch."""
        if self.dtype == _tensor.bool_:
            raise TypeError("positive: the + operator does not support bool tensors")
        return self

    def absolute(self: Tensor) -> Tensor:
        return self.abs()

    def absolute_(self: Tensor) -> Tensor:
        return self.abs_()

    def negative_(self: Tensor) -> Tensor:
        return self.neg_()

    def multiply_(self: Tensor, other: Any) -> Tensor:
        return self.mul_(other)

    def subtract_(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
        return self.sub_(other, alpha=alpha)

    def divide_(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return self._in_place("divide_", lambda t: t.div(other, rounding_mode=rounding_mode))

    def true_divide_(self: Tensor, other: Any) -> Tensor:
        return self.div_(other)

    def greater(self: Tensor, other: Any) -> Tensor:
        return self.gt(other)

    def greater_equal(self: Tensor, other: Any) -> Tensor:
        return self.ge(other)

    def less(self: Tensor, other: Any) -> Tensor:
        return self.lt(other)

    def less_equal(self: Tensor, other: Any) -> Tensor:
        return self.le(other)

    def not_equal(self: Tensor, other: Any) -> Tensor:
        return self.ne(other)

    def swapaxes(self: Tensor, axis0: int, axis1: int) -> Tensor:
        return self.transpose(axis0, axis1)

    def swapdims(self: Tensor, dim0: int, dim1: int) -> Tensor:
        return self.transpose(dim0, dim1)

    def ravel(self: Tensor) -> Tensor:
        return self.reshape(-1)

    def select(self: Tensor, dim: int, index: int) -> Tensor:
        """The slice at ``index`` along ``dim``, that dim removed (``x.select(1, 2)`` is ``x[:, 2]``)."""
        if self.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor")
        axis = _tensor._axis_index(dim, self.ndim, "select")
        index, n = _integer(index, "index", "select"), self.shape[axis]
        if not -n <= index < n:
            raise IndexError(
                f"select(): index {index} out of range for tensor of size {self.shape} at dimension {dim}"
            )
        return self[(slice(None),) * axis + (index,)]

    def msort(self: Tensor) -> Tensor:
        """The entries sorted along the first dimension (``sort(dim=0).values``)."""
        return self.sort(dim=0).values

    def fliplr(self: Tensor) -> Tensor:
        """The columns in reverse order (axis 1); needs at least 2 dimensions."""
        if self.ndim < 2:
            raise RuntimeError(f"fliplr: input must be >= 2-d, got a tensor of shape {self.shape}")
        return self.flip(1)

    def flipud(self: Tensor) -> Tensor:
        """The rows in reverse order (axis 0); needs at least 1 dimension."""
        if self.ndim < 1:
            raise RuntimeError("flipud: input must be >= 1-d, got a 0-d tensor")
        return self.flip(0)

    def diagflat(self: Tensor, offset: int = 0) -> Tensor:
        """The matrix with this tensor's entries, flattened, on diagonal ``offset``."""
        return self.reshape(-1).diag(offset)

    def ger(self: Tensor, vec2: Tensor) -> Tensor:
        """The outer product (PyTorch's older name of ``outer``)."""
        return self.outer(vec2)

    def inner(self: Tensor, other: Any) -> Tensor:
        """The sum over the last dimension of both: ``result[i..., j...] = Σₖ self[i..., k] other[j..., k]``;
        a 0-d operand multiplies."""
        other = _matrix_operand(other, self, "inner")
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise _tensor.ShapeError(
                f"inner() the last dimension must match on both input tensors but got shapes "
                f"{list(self.shape)} and {list(other.shape)}"
            )
        return self.tensordot(other, dims=([self.ndim - 1], [other.ndim - 1]))

    def addr(self: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * outer(vec1, vec2)``; with ``beta=0`` this tensor is ignored (even nan)."""
        return _scaled_sum(self, _matrix_operand(vec1, self, "addr").outer(vec2), beta, alpha)

    def addmv(self: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * (mat @ vec)``; with ``beta=0`` this tensor is ignored (even nan)."""
        return _scaled_sum(self, _matrix_operand(mat, self, "addmv").mv(vec), beta, alpha)

    def addr_(self: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        return self._in_place("addr_", lambda t: t.addr(vec1, vec2, beta=beta, alpha=alpha))

    def addmv_(self: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        return self._in_place("addmv_", lambda t: t.addmv(mat, vec, beta=beta, alpha=alpha))

    def dist(self: Tensor, other: Any, p: float = 2) -> Tensor:
        """The p-norm of ``self - other`` (broadcast), a 0-d tensor."""
        return (self - other).norm(p)

    def split_with_sizes(self: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces of the given lengths along ``dim``; the lengths must add up to its length."""
        if not isinstance(split_sizes, (list, tuple)):
            raise TypeError(
                f"split_with_sizes(): argument 'split_sizes' must be a sequence of ints, got {split_sizes!r}"
            )
        return self.split(list(split_sizes), dim)

    def unsafe_split(self: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
        return self.split(split_size, dim)

    def unsafe_chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        return self.chunk(chunks, dim)

    def unsafe_split_with_sizes(self: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        return self.split_with_sizes(split_sizes, dim)

    def hsplit(self: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
        from .joining import hsplit

        return hsplit(self, indices_or_sections)

    def vsplit(self: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
        from .joining import vsplit

        return vsplit(self, indices_or_sections)

    def dsplit(self: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
        from .joining import dsplit

        return dsplit(self, indices_or_sections)

    def argwhere(self: Tensor) -> Tensor:
        """The indices (int64) of the nonzero entries, one row per entry (``nonzero()``)."""
        return self.nonzero()

    def unique_consecutive(
        self: Tensor, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None
    ) -> Any:
        """Each run of equal consecutive entries (or slices along ``dim``) kept once (no gradient); with
        ``return_inverse`` also the run each entry belongs to, with ``return_counts`` each run's length."""
        _flag(return_inverse, "return_inverse", "unique_consecutive")
        _flag(return_counts, "return_counts", "unique_consecutive")
        xp, backend = self._backend.xp, self._backend
        source = self.detach().reshape(-1) if dim is None else self.detach()
        if dim is not None and self.ndim == 0:
            raise IndexError(f"unique_consecutive: dim {dim} is out of range for a 0-d tensor")
        axis = 0 if dim is None else _tensor._axis_index(dim, self.ndim, "unique_consecutive")
        length = source.shape[axis]
        if length == 0:  # nothing to compare (and the Array API slices no empty axis)
            empty = _tensor.zeros(0, dtype=_tensor.int64, device=self.device)
            inverse = _tensor.zeros(
                *(self.shape if dim is None else (0,)), dtype=_tensor.int64, device=self.device
            )
            found = (source, *([inverse] if return_inverse else []), *([empty] if return_counts else []))
            return found if return_inverse or return_counts else source
        rows = xp.reshape(xp.moveaxis(source._data, axis, 0), (length, -1))
        first = xp.ones(1, dtype=xp.bool, **backend.creation_kwargs)
        starts = xp.concat([first, xp.any(rows[1:, :] != rows[:-1, :], axis=1)]) if length > 1 else first
        positions = _tensor.Tensor._wrap(xp.nonzero(starts)[0], backend).astype(_tensor.int64)
        values = source.index_select(axis, positions)
        run = xp.cumulative_sum(xp.astype(starts, xp.int64)) - 1
        inverse = _tensor.Tensor._wrap(run, backend)
        inverse = inverse.reshape(*self.shape) if dim is None else inverse
        end = _tensor.Tensor._wrap(xp.asarray([length], dtype=xp.int64, **backend.creation_kwargs), backend)
        counts = _tensor.concatenate([positions[1:], end]) - positions
        if not (return_inverse or return_counts):
            return values
        return (values, *([inverse] if return_inverse else []), *([counts] if return_counts else []))

    def histogram(
        self: Tensor,
        bins: Any = 100,
        *,
        range: Sequence[float] | None = None,
        weight: Tensor | None = None,
        density: bool = False,
    ) -> Any:
        from .statistics import histogram

        return histogram(self, bins, range=range, weight=weight, density=density)

    def cov(
        self: Tensor, *, correction: int = 1, fweights: Tensor | None = None, aweights: Tensor | None = None
    ) -> Tensor:
        from .statistics import cov

        return cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self: Tensor) -> Tensor:
        from .statistics import corrcoef

        return corrcoef(self)

    def allclose(
        self: Tensor, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
    ) -> builtins.bool:
        from .functions import allclose

        return allclose(self, other, rtol, atol, equal_nan)

    def equal(self: Tensor, other: Any) -> builtins.bool:
        from .functions import equal

        return equal(self, other)

    def is_complex(self: Tensor) -> builtins.bool:
        return self.dtype.kind == "c"

    def is_signed(self: Tensor) -> builtins.bool:
        """Whether the dtype holds negative numbers (floats and signed integers; not bool or uint8)."""
        return self.dtype.kind in "fic"

    def is_nonzero(self: Tensor) -> builtins.bool:
        """The truth of a one-element tensor; more or fewer elements are a RuntimeError."""
        if self.size != 1:
            amount = "no values" if self.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous")
        return builtins.bool(self.item())

    def is_same_size(self: Tensor, other: Tensor) -> builtins.bool:
        return self.shape == _other_tensor(other, "is_same_size").shape

    def is_inference(self: Tensor) -> builtins.bool:
        """False: ``inference_mode`` here is ``no_grad``, and makes no inference tensors."""
        return False

    @property
    def is_cpu(self: Tensor) -> builtins.bool:
        return self.device == "cpu"

    def get_device(self: Tensor) -> builtins.int:
        """The GPU index of a tensor on ``cuda:N``; -1 on the CPU (and other devices), as in PyTorch."""
        name, _, index = self.device.partition(":")
        return builtins.int(index or 0) if name == "cuda" else -1

    def nelement(self: Tensor) -> builtins.int:
        return builtins.int(self.size)

    def ndimension(self: Tensor) -> builtins.int:
        return self.ndim

    def stride(self: Tensor, dim: int | None = None) -> Any:
        """PyTorch's element strides: row-major for a tensor with memory of its own, a view's steps
        in its base (``x.t()`` gives ``(1, n)``, ``expand`` 0; see ``layout.py``): a tuple, or one
        stride with ``dim``."""
        from .layout import strides as layout_strides

        strides = layout_strides(self)
        if dim is None:
            return strides
        return strides[_tensor._axis_index(dim, builtins.max(self.ndim, 1), "stride")] if self.ndim else 1

    def storage_offset(self: Tensor) -> builtins.int:
        """Where a view's first element lies in its base, in elements (0 for memory of its own)."""
        from .layout import storage_offset

        return storage_offset(self)

    @property
    def retains_grad(self: Tensor) -> builtins.bool:
        """Whether ``retain_grad()`` was called on this non-leaf tensor."""
        retained = getattr(self.grad_fn, "_retained", None) if self.grad_fn is not None else None
        return retained is not None and retained() is self

    def sum_to_size(self: Tensor, *size: Any) -> Tensor:
        """The sum down to ``size``, a shape this tensor's shape broadcasts from (the adjoint of expand)."""
        shape = _tensor._shape_arg(size)
        rank = len(shape)
        if rank > self.ndim or builtins.any(
            n != 1 and n != m for n, m in zip(shape, self.shape[self.ndim - rank :])
        ):
            raise RuntimeError(
                f"sum_to_size: size {list(shape)} is not expandable to size {list(self.shape)}"
            )
        if shape == self.shape and rank:  # nothing to sum: the dtype stays (a mask stays a mask)
            return self
        return _tensor.sum_to(self, shape) if rank else self.sum()  # a 0-d target always sums, as PyTorch

    def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
        """Every window of ``size`` entries along ``dimension``, ``step`` apart, as a new last axis:
        shape ``(..., (n - size) // step + 1, ..., size)`` (differentiable)."""
        size, step = _integer(size, "size", "unfold"), _integer(step, "step", "unfold")
        source = self.reshape(1) if self.ndim == 0 else self
        axis = _tensor._axis_index(dimension, source.ndim, "unfold")
        n = source.shape[axis]
        if size > n or size < 0:
            raise RuntimeError(
                f"unfold: maximum size for tensor at dimension {axis} is {n} but size is {size}"
            )
        if step <= 0:
            raise RuntimeError(f"unfold: step is {step} but must be > 0")
        windows = (n - size) // step + 1
        positions = np.arange(windows)[:, None] * step + np.arange(size)[None, :]
        index = _tensor.Tensor(positions.reshape(-1), device=self.device)
        picked = (
            source.movedim(axis, -1)
            .index_select(-1, index)
            .reshape(*source.movedim(axis, -1).shape[:-1], windows, size)
        )
        picked = picked.movedim(-2, axis)
        return picked.reshape(size) if self.ndim == 0 else picked

    def new(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's legacy constructor: ``x.new()`` is empty, ``x.new(2, 3)`` a (2, 3) tensor,
        ``x.new(data)`` the data; all of this tensor's dtype and device unless told."""
        if not args:
            return self.new_zeros(0, **kwargs)
        if builtins.all(
            isinstance(a, (builtins.int, np.integer)) and not isinstance(a, builtins.bool) for a in args
        ):
            return self.new_empty(*args, **kwargs)
        if len(args) > 1:
            raise TypeError(f"new(): expected sizes (ints) or one sequence of data, got {args!r}")
        return self.new_tensor(args[0], **kwargs)

    def resize_(self: Tensor, *sizes: Any, memory_format: Any = None) -> Tensor:
        """Give this tensor the shape ``sizes`` in place: its first entries (row-major) are kept, new
        ones are 0 (PyTorch leaves them unset). Refused on tensors that require grad, as in PyTorch."""
        _tensor.check_memory_format(memory_format, "resize_")
        shape = _tensor._shape_arg(sizes)
        if builtins.any(n < 0 for n in shape):
            raise RuntimeError(f"resize_: trying to resize to a negative size {list(shape)}")
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        flat = self.detach().reshape(-1)
        wanted, held = math.prod(shape), builtins.int(self.size)
        if wanted <= held:
            resized = flat[:wanted]
        else:
            resized = _tensor.concatenate([flat, self.new_zeros(wanted - held)])
        self._check_inplace()
        self._data = self._backend.xp.asarray(resized.reshape(*shape)._data, copy=True)
        self._version += 1
        return self

    def resize_as_(self: Tensor, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
        return self.resize_(*_other_tensor(the_template, "resize_as_").shape, memory_format=memory_format)

    def resize(self: Tensor, *sizes: Any) -> Tensor:
        """PyTorch's deprecated out-of-place ``resize``: its autograd ``Resize`` for every tensor, so
        only the shape may change, the number of elements kept (a reshape; ``resize_`` changes both)."""
        import warnings

        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
        shape = _tensor._shape_arg(sizes)
        if math.prod(shape) != self.size:
            wanted, held = "x".join(map(str, shape)), "x".join(map(str, self.shape))
            raise RuntimeError(
                f"requested resize to {wanted} ({math.prod(shape)} elements in total), but the given "
                f"tensor has a size of {held} ({self.size} elements). autograd's resize can only "
                "change the shape of a given tensor, while preserving the number of elements."
            )
        return self.reshape(*shape)

    def resize_as(self: Tensor, tensor: Tensor) -> Tensor:
        """PyTorch's deprecated out-of-place ``resize_as``: ``resize`` to ``tensor``'s shape."""
        import warnings

        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.resize(*_other_tensor(tensor, "resize_as").shape)

    @property
    def H(self: Tensor) -> Tensor:  # noqa: N802 (PyTorch's name)
        """The conjugate transpose of a matrix (0-d: itself); real tensors conjugate to themselves."""
        if self.ndim not in (0, 2):
            raise RuntimeError(
                f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor."
            )
        return self.t()

    @property
    def mH(self: Tensor) -> Tensor:  # noqa: N802 (PyTorch's name)
        """The conjugate transpose of each matrix (the last two dimensions)."""
        if self.ndim < 2:
            raise RuntimeError(
                f"tensor.mH is only supported on matrices or batches of matrices. Got {self.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    def adjoint(self: Tensor) -> Tensor:
        if self.ndim < 2:
            raise RuntimeError(
                f"adjoint() is only supported on matrices or batches of matrices. Got {self.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    def apply_(self: Tensor, callable: Callable[[Any], Any]) -> Tensor:  # noqa: A002 (PyTorch's name)
        """Replace each entry ``v`` by ``callable(v)``, in place; CPU only (as PyTorch)."""
        return self._mapped_in_place(callable, None, "apply_")

    def map_(self: Tensor, tensor: Tensor, callable: Callable[[Any, Any], Any]) -> Tensor:  # noqa: A002
        """Replace each entry ``v`` by ``callable(v, w)``, ``w`` the entry of ``tensor`` (broadcast to this
        shape) at the same place, in place; CPU only, as in PyTorch."""
        return self._mapped_in_place(callable, _other_tensor(tensor, "map_"), "map_")

    def _mapped_in_place(self: Tensor, function: Any, other: Tensor | None, op: str) -> Tensor:
        if not callable(function):
            raise TypeError(f"{op}: expected a callable, got {type(function).__name__}")
        if self.device != "cpu" or (other is not None and other.device != "cpu"):
            raise TypeError(f"{op} is only implemented on CPU tensors, got a tensor on {self.device}")
        if self.requires_grad or (other is not None and other.requires_grad):
            raise RuntimeError(
                f"Can't call {op}() on Variable that requires grad. Use var.detach().{op}() instead."
            )
        values = self.numpy().reshape(-1).tolist()
        if other is None:
            mapped = [function(v) for v in values]
        else:
            others = np.broadcast_to(other.numpy(), self.shape).reshape(-1).tolist()
            mapped = [function(v, w) for v, w in zip(values, others)]
        result = np.asarray(mapped).astype(self.dtype).reshape(self.shape)
        return self._set_data(_tensor.Tensor(result, device=self.device), op)

    def mvlgamma_(self: Tensor, p: int) -> Tensor:
        return self._in_place("mvlgamma_", lambda t: t.mvlgamma(p))

    # -- writing into a copy at chosen places (see index_writes.py) -----------------------------------
    def select_scatter(self: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
        from .index_writes import select_scatter

        return select_scatter(self, src, dim, index)

    def slice_scatter(
        self: Tensor,
        src: Tensor,
        dim: int = 0,
        start: int | None = None,
        end: int | None = None,
        step: int = 1,
    ) -> Tensor:
        from .index_writes import slice_scatter

        return slice_scatter(self, src, dim, start, end, step)

    def diagonal_scatter(self: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        from .index_writes import diagonal_scatter

        return diagonal_scatter(self, src, offset, dim1, dim2)

    def index_put(self: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        from .index_writes import index_put

        return index_put(self, indices, values, accumulate)

    def index_put_(self: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        return self._in_place("index_put_", lambda t: t.index_put(indices, values, accumulate))

    def index_reduce(
        self: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *, include_self: bool = True
    ) -> Tensor:
        from .index_writes import index_reduce

        return index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(
        self: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *, include_self: bool = True
    ) -> Tensor:
        return self._in_place(
            "index_reduce_", lambda t: t.index_reduce(dim, index, source, reduce, include_self=include_self)
        )

    # -- more in-place spellings: comparisons (written as this dtype), products, transposes --------------
    def _compared_in_place(self: Tensor, other: Any, op: str) -> Tensor:
        """``self.<op>(other)`` (0 or 1 in this dtype) written in place; on a graph tensor recorded as a
        constant, so its gradient is 0, as PyTorch's."""
        compare = getattr(_tensor.Tensor, op[:-1])
        return self._in_place(op, lambda t: compare(t.detach(), other).astype(self.dtype))

    def eq_(self: Tensor, other: Any) -> Tensor:
        return self._compared_in_place(other, "eq_")

    def ne_(self: Tensor, other: Any) -> Tensor:
        return self._compared_in_place(other, "ne_")

    def gt_(self: Tensor, other: Any) -> Tensor:
        return self._compared_in_place(other, "gt_")

    def ge_(self: Tensor, other: Any) -> Tensor:
        return self._compared_in_place(other, "ge_")

    def lt_(self: Tensor, other: Any) -> Tensor:
        return self._compared_in_place(other, "lt_")

    def le_(self: Tensor, other: Any) -> Tensor:
        return self._compared_in_place(other, "le_")

    greater_ = gt_
    greater_equal_ = ge_
    less_ = lt_
    less_equal_ = le_
    not_equal_ = ne_

    def addmm_(self: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        return self._in_place("addmm_", lambda t: t.addmm(mat1, mat2, beta=beta, alpha=alpha))

    def addbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        return self._in_place("addbmm_", lambda t: t.addbmm(batch1, batch2, beta=beta, alpha=alpha))

    def baddbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        return self._in_place("baddbmm_", lambda t: t.baddbmm(batch1, batch2, beta=beta, alpha=alpha))

    def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
        return _in_place_view(self, lambda t: t.transpose(dim0, dim1), "transpose_")

    def swapaxes_(self: Tensor, axis0: int, axis1: int) -> Tensor:
        return _in_place_view(self, lambda t: t.transpose(axis0, axis1), "swapaxes_")

    def swapdims_(self: Tensor, dim0: int, dim1: int) -> Tensor:
        return _in_place_view(self, lambda t: t.transpose(dim0, dim1), "swapdims_")

    # -- activations PyTorch also spells as Tensor methods -------------------------------------------
    def prelu(self: Tensor, weight: Tensor) -> Tensor:
        from .nn.functional import prelu

        return prelu(self, weight)

    def hardshrink(self: Tensor, lambd: float = 0.5) -> Tensor:
        from .nn.functional import hardshrink

        return hardshrink(self, lambd)

    # -- complex-number facts of real tensors (they are their own conjugates) ---------------------------
    def byte(self: Tensor) -> Tensor:
        return self.astype(_tensor.uint8)

    def char(self: Tensor) -> Tensor:
        return self.astype(_tensor.int8)

    def conj(self: Tensor) -> Tensor:
        """The complex conjugate: a real tensor itself."""
        return self

    conj_physical = resolve_conj = resolve_neg = conj

    def is_conj(self: Tensor) -> builtins.bool:
        return False

    def is_neg(self: Tensor) -> builtins.bool:
        return False

    @property
    def real(self: Tensor) -> Tensor:
        """The real part: a real tensor itself."""
        return self

    @property
    def imag(self: Tensor) -> Tensor:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    def vdot(self: Tensor, other: Tensor) -> Tensor:
        """The dot product of two 1-D tensors, the first conjugated (for real tensors: ``dot``)."""
        return self.dot(other)

    def nonzero_static(self: Tensor, *, size: builtins.int, fill_value: builtins.int = -1) -> Tensor:
        """``nonzero()`` with exactly ``size`` rows: cut short, or padded with rows of ``fill_value``."""
        size = _integer(size, "size", "nonzero_static")
        if size < 0:
            raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
        found = self.nonzero()
        if found.shape[0] >= size:
            return found[:size]
        padding = self.new_full((size - found.shape[0], self.ndim), fill_value, dtype=_tensor.int64)
        return _tensor.concatenate([found, padding])

    def new_empty_strided(
        self: Tensor, size: Sequence[builtins.int], stride: Sequence[builtins.int], dtype: Any = None,
        device: str | None = None, requires_grad: builtins.bool = False,
    ) -> Tensor:  # fmt: skip
        """A new tensor of ``size`` (zeros); tensors here are row-major, ``stride`` is checked."""
        from .creation import empty_strided

        return empty_strided(
            size, stride, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
        )

    @property
    def is_meta(self: Tensor) -> builtins.bool:
        """False: no tensor here is a shape-only "meta" tensor."""
        return False

    @property
    def is_mps(self: Tensor) -> builtins.bool:
        return False

    @property
    def is_xla(self: Tensor) -> builtins.bool:
        return False

    # -- pointwise maths, round 9: trigonometry, logarithms, floats' bits, integers' bits ------------
    def tan(self: Tensor) -> Tensor:
        """tan x; integers are read as the default float dtype, as PyTorch; gradient 1 + tan² x."""
        return _elementary(self, "tan")

    def sinh(self: Tensor) -> Tensor:
        return _elementary(self, "sinh")

    def cosh(self: Tensor) -> Tensor:
        return _elementary(self, "cosh")

    def asin(self: Tensor) -> Tensor:
        """sin⁻¹ x in [−π/2, π/2] (NaN outside [−1, 1]); gradient 1/√(1 − x²)."""
        return _elementary(self, "asin")

    def acos(self: Tensor) -> Tensor:
        """cos⁻¹ x in [0, π] (NaN outside [−1, 1]); gradient −1/√(1 − x²)."""
        return _elementary(self, "acos")

    def atan(self: Tensor) -> Tensor:
        return _elementary(self, "atan")

    def asinh(self: Tensor) -> Tensor:
        return _elementary(self, "asinh")

    def acosh(self: Tensor) -> Tensor:
        """cosh⁻¹ x for x >= 1 (NaN below); gradient 1/√(x² − 1)."""
        return _elementary(self, "acosh")

    def atanh(self: Tensor) -> Tensor:
        """tanh⁻¹ x, ±inf at ±1 and NaN beyond; gradient 1/(1 − x²)."""
        return _elementary(self, "atanh")

    arcsin, arccos, arctan = asin, acos, atan
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def log10(self: Tensor) -> Tensor:
        return _elementary(self, "log10")

    def log2(self: Tensor) -> Tensor:
        return _elementary(self, "log2")

    def exp2(self: Tensor) -> Tensor:
        """2^x, exact at integers (not e^(x ln 2)); gradient 2^x ln 2."""
        return _elementary(self, "exp2")

    def logaddexp(self: Tensor, other: Any) -> Tensor:
        """log(eˣ + eʸ) without overflow, floats only as in PyTorch; gradients the two softmax weights."""
        return _logaddexp(*_float_pair(_floats_only_pair(self, other, "logaddexp"), other, "logaddexp"))

    def logaddexp2(self: Tensor, other: Any) -> Tensor:
        """log₂(2ˣ + 2ʸ): ``logaddexp`` in base 2."""
        x, y = _float_pair(_floats_only_pair(self, other, "logaddexp2"), other, "logaddexp2")
        return _logaddexp(x * _LN2, y * _LN2) / _LN2

    def logit(self: Tensor, eps: float | None = None) -> Tensor:
        """log(p / (1 − p)), the inverse of sigmoid. With ``eps`` >= 0, p is first clamped to
        [eps, 1 − eps] (gradient 0 outside) as PyTorch clamps it: below eps first, so an eps over 0.5
        gives NaN, not an error; a negative eps clamps nothing."""
        if eps is not None and (
            isinstance(eps, (bool, np.bool_)) or not isinstance(eps, (builtins.int, float, np.number))
        ):
            raise TypeError(f"logit: eps must be a number or None, got {type(eps).__name__} {eps!r}")
        p = _floating(self)
        with np.errstate(divide="ignore", invalid="ignore"):
            if eps is None or eps < 0:  # PyTorch's gradient is NaN outside [0, 1], as the value is
                outside = ((p < 0) | (p > 1)).detach()
                p = p * _tensor.where(outside, math.nan, 1.0).astype(p.dtype)
                return p.log() - (-p).log1p()
            low, high = float(eps), 1 - float(eps)
            clamped = _tensor.where(p < low, low, _tensor.where(p > high, high, p)).detach()
            outside = ((p < eps) | (p > 1 - eps)).detach()
            inner = _tensor.where(outside, 0.5, p)  # gradient 0 outside, with no inf · 0 on the way
            return _tensor.where(outside, clamped.log() - (-clamped).log1p(), inner.log() - (-inner).log1p())

    def sinc(self: Tensor) -> Tensor:
        """The normalized sinc sin(πx)/(πx), 1 at 0 (gradient 0 there, as PyTorch's)."""
        x = _floating(self)
        at_zero = (x == 0).detach()
        angle = _tensor.where(at_zero, 1.0, x * math.pi)  # no 0/0 on the branch that is not taken
        return _tensor.where(at_zero, 1.0, angle.sin() / angle)

    def deg2rad(self: Tensor) -> Tensor:
        return _floating(self) * (math.pi / 180)

    def rad2deg(self: Tensor) -> Tensor:
        return _floating(self) * (180 / math.pi)

    def float_power(self: Tensor, exponent: Any) -> Tensor:
        """``self ** exponent`` in float64 whatever the dtypes, as ``torch.float_power``."""
        if isinstance(exponent, _tensor.Tensor):
            exponent = exponent.astype(_tensor.float64)
        elif isinstance(exponent, (bool, np.bool_)):
            exponent = builtins.int(exponent)  # PyTorch reads True as 1
        elif not isinstance(exponent, _tensor._SCALARS):
            raise TypeError(
                f"float_power: exponent must be a Tensor or a number, got {type(exponent).__name__}"
            )
        return self.astype(_tensor.float64) ** exponent

    def floor_divide(self: Tensor, other: Any) -> Tensor:
        """⌊self / other⌋ (Python's ``//``); as in PyTorch it has no derivative: backward raises."""
        return self // other

    def copysign(self: Tensor, other: Any) -> Tensor:
        """|self| with the sign of ``other`` (a tensor or a number; −0.0 counts as negative); a float."""
        return _Copysign.apply(*_float_pair(self, other, "copysign"))

    def heaviside(self: Tensor, values: Tensor) -> Tensor:
        """The step function: 0 where x < 0, ``values`` where x == 0, 1 where x > 0 (NaN gives 0, as
        PyTorch). ``values`` is a tensor of this tensor's dtype; no derivative, as in PyTorch."""
        values = _other_tensor(values, "heaviside")
        _tensor._same_device(self, values, "heaviside")
        if values.dtype != self.dtype:
            raise _tensor.DtypeMismatchError(
                f"heaviside is not yet implemented for tensors with different dtypes ({self.dtype} and "
                f"{values.dtype}), as in PyTorch"
            )
        with no_grad():
            step = _tensor.where(self == 0, values, (self > 0).astype(self.dtype))
        return _NoDerivative.apply(self, values, value=step._data, op="heaviside")

    def fmax(self: Tensor, other: Any) -> Tensor:
        """The larger entry, ignoring NaN (NaN only where both are); a tie's gradient goes to self."""
        a, b = _tensor._coerce(self, other, "fmax")
        _tensor._check_broadcast(a, b, "fmax")
        if a.dtype == _tensor.bool_:  # masks have no order in the Array API: max is "or"
            return a | b
        return _tensor.where(((a >= b) | b.isnan()).detach(), a, b)

    def fmin(self: Tensor, other: Any) -> Tensor:
        """The smaller entry, ignoring NaN (NaN only where both are); a tie's gradient goes to self."""
        a, b = _tensor._coerce(self, other, "fmin")
        _tensor._check_broadcast(a, b, "fmin")
        if a.dtype == _tensor.bool_:  # masks have no order in the Array API: min is "and"
            return a & b
        return _tensor.where(((a <= b) | b.isnan()).detach(), a, b)

    def nextafter(self: Tensor, other: Any) -> Tensor:
        """The next float after self toward ``other``, floats only; gradient 1 for self, 0 for other
        (PyTorch 2.13's)."""
        return _Nextafter.apply(*_float_pair(_floats_only_pair(self, other, "nextafter"), other, "nextafter"))

    def ldexp(self: Tensor, other: Any) -> Tensor:
        """self · 2^other, as PyTorch's ``input * 2 ** other`` (a float; gradients for both)."""
        x, exponent = _float_pair(self, other, "ldexp")
        return x * 2.0**exponent

    def frexp(self: Tensor) -> MantissaAndExponent:
        """(mantissa, exponent) with self = mantissa · 2^exponent, 0.5 <= |mantissa| < 1 and an int32
        exponent; 0, ±inf and NaN give themselves and 0. Floats only, as in PyTorch."""
        source = _floats_only(self, "frexp")
        mantissa, exponent, scale = _frexp_arrays(source._backend.xp, source._data)
        return MantissaAndExponent(
            _Mantissa.apply(source, mantissa=mantissa, scale=scale),
            _tensor.Tensor._wrap(exponent, source._backend),
        )

    def signbit(self: Tensor) -> Tensor:
        """True where the sign bit is set: negative numbers, −0.0 and a negative NaN (bool)."""
        xp = self._backend.xp
        if _tensor._is_float(self.dtype):
            return _tensor.Tensor._wrap(xp.signbit(self._data), self._backend)
        return (self < 0) if self.dtype != _tensor.bool_ else _tensor.zeros_like(self)

    def sgn(self: Tensor) -> Tensor:
        """sign(x) for real tensors (PyTorch's x/|x| extension to complex numbers)."""
        return self.sign()

    def fix(self: Tensor) -> Tensor:
        """Rounded toward 0: ``trunc``'s other name."""
        return self.trunc()

    def i0(self: Tensor) -> Tensor:
        """The modified Bessel function I₀(x) (``tg.special.i0``); its gradient is I₁(x)."""
        from . import special

        return special.i0(self)

    def isposinf(self: Tensor) -> Tensor:
        if not _tensor._is_float(self.dtype):
            return _tensor.zeros_like(self, dtype=_tensor.bool_)
        return _tensor.Tensor._wrap(self._data == math.inf, self._backend)

    def isneginf(self: Tensor) -> Tensor:
        if not _tensor._is_float(self.dtype):
            return _tensor.zeros_like(self, dtype=_tensor.bool_)
        return _tensor.Tensor._wrap(self._data == -math.inf, self._backend)

    def isreal(self: Tensor) -> Tensor:
        """True everywhere: a real tensor has no imaginary part."""
        return _tensor.ones_like(self, dtype=_tensor.bool_)

    def gcd(self: Tensor, other: Any) -> Tensor:
        """The greatest common divisor (>= 0; gcd(0, 0) = 0) of integer tensors, as ``torch.gcd``."""
        _integers_only(self, other, op="gcd")
        a, b = _tensor._coerce(self, other, "gcd")
        _tensor._check_broadcast(a, b, "gcd")
        _integers_only(a, op="gcd", bool_ok=False)  # a mask with integers counts as integers, as PyTorch's
        shape = np.broadcast_shapes(a.shape, b.shape)
        a, b = a.expand(*shape), b.expand(*shape)
        return _tensor.Tensor._wrap(_gcd_arrays(a._backend, a._data, b._data), a._backend)

    def lcm(self: Tensor, other: Any) -> Tensor:
        """The least common multiple (>= 0; 0 if either is 0) of integer tensors, as ``torch.lcm``."""
        _integers_only(self, other, op="lcm")
        a, b = _tensor._coerce(self, other, "lcm")
        _tensor._check_broadcast(a, b, "lcm")
        _integers_only(a, op="lcm", bool_ok=False)
        divisor = a.gcd(b)
        return _tensor.where(divisor == 0, 0, (a // divisor.clamp_min(1) * b).abs())

    def bitwise_and(self: Tensor, other: Any) -> Tensor:
        _integers_only(self, other, op="bitwise_and")
        return self & other

    def bitwise_or(self: Tensor, other: Any) -> Tensor:
        _integers_only(self, other, op="bitwise_or")
        return self | other

    def bitwise_xor(self: Tensor, other: Any) -> Tensor:
        _integers_only(self, other, op="bitwise_xor")
        return self ^ other

    def bitwise_not(self: Tensor) -> Tensor:
        """~x: every bit flipped (logical not for a mask)."""
        _integers_only(self, op="bitwise_not")
        return ~self

    def bitwise_left_shift(self: Tensor, other: Any) -> Tensor:
        """x · 2^other on integers (``x << other``); shifts past the width give 0, as PyTorch."""
        return _shift(self, other, "bitwise_left_shift", left=True)

    def bitwise_right_shift(self: Tensor, other: Any) -> Tensor:
        """⌊x / 2^other⌋ on integers (``x >> other``), the sign kept."""
        return _shift(self, other, "bitwise_right_shift", left=False)

    def __lshift__(self: Tensor, other: Any) -> Tensor:
        return _shift(self, other, "<<", left=True)

    def __rshift__(self: Tensor, other: Any) -> Tensor:
        return _shift(self, other, ">>", left=False)

    def __rlshift__(self: Tensor, other: Any) -> Tensor:
        return _shift(_tensor._as_tensor(other, self), self, "<<", left=True)

    def __rrshift__(self: Tensor, other: Any) -> Tensor:
        return _shift(_tensor._as_tensor(other, self), self, ">>", left=False)

    # x &= y and its kin change x in place, as in PyTorch (integers and masks carry no gradient)
    def __iand__(self: Tensor, other: Any) -> Tensor:
        return self._set_data(self & _integral_operand(self, other, "&="), "&=")

    def __ior__(self: Tensor, other: Any) -> Tensor:
        return self._set_data(self | _integral_operand(self, other, "|="), "|=")

    def __ixor__(self: Tensor, other: Any) -> Tensor:
        return self._set_data(self ^ _integral_operand(self, other, "^="), "^=")

    def __ilshift__(self: Tensor, other: Any) -> Tensor:
        return self._set_data(self << _integral_operand(self, other, "<<="), "<<=")

    def __irshift__(self: Tensor, other: Any) -> Tensor:
        return self._set_data(self >> _integral_operand(self, other, ">>="), ">>=")

    # x //= y, x %= y and x **= y follow x += y (Tensor._augmented): in place (views see it, an int tensor
    # refuses a float result) unless autograd records the change, which then gives a new tensor
    def __ifloordiv__(self: Tensor, other: Any) -> Tensor:
        return self._augmented(other, _tensor.Tensor.floor_divide_, _tensor.Tensor.__floordiv__)

    def __imod__(self: Tensor, other: Any) -> Tensor:
        return self._augmented(other, _tensor.Tensor.remainder_, _tensor.Tensor.__mod__)

    def __ipow__(self: Tensor, other: Any) -> Tensor:
        return self._augmented(other, _tensor.Tensor.pow_, _tensor.Tensor.__pow__)

    # -- reductions that skip NaN or count ----------------------------------------------------------
    def nansum(
        self: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, dtype: Any = None
    ) -> Tensor:
        """Σ over ``dim`` (or all) with NaN read as 0; its gradient is 0 at the NaN entries."""
        source = _tensor._cast_first(self, dtype)
        if _tensor._is_float(source.dtype):
            source = _tensor.where(source.isnan().detach(), 0.0, source)
        return source.sum(dim=dim, keepdim=keepdim)

    def nanmedian(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
        """The lower median of the entries that are not NaN (NaN if all are): of all entries without
        ``dim``, else ``(values, indices)`` along ``dim``; as ``median`` otherwise."""
        return _median(self, dim, keepdim, skip_nan=True, op="nanmedian")

    def count_nonzero(self: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
        """The number (int64) of entries that are not 0 (NaN counts), over ``dim`` or all."""
        return (self.detach() != 0).sum(dim=dim)

    def aminmax(self: Tensor, *, dim: int | None = None, keepdim: bool = False) -> MinAndMax:
        """``(amin, amax)`` over ``dim`` or all entries, as ``torch.aminmax``."""
        axis = None if dim is None else _tensor._axis_index(dim, builtins.max(self.ndim, 1), "aminmax")
        if self.size == 0 and (axis is None or self.shape[axis] == 0):
            error = _tensor.InvalidArgumentError if axis is None else _tensor.DimensionError
            raise error(  # PyTorch's RuntimeError over all entries, IndexError along a dim (ValueErrors both)
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity"
            )
        return MinAndMax(self.amin(dim=dim, keepdim=keepdim), self.amax(dim=dim, keepdim=keepdim))

    # -- in place, round 9 (refused where autograd would need the old value, as ``add_``) -----------
    tan_ = _in_place_of("tan")
    igamma_ = _in_place_of("igamma")
    igammac_ = _in_place_of("igammac")
    sinh_ = _in_place_of("sinh")
    cosh_ = _in_place_of("cosh")
    asin_ = _in_place_of("asin")
    acos_ = _in_place_of("acos")
    atan_ = _in_place_of("atan")
    asinh_ = _in_place_of("asinh")
    acosh_ = _in_place_of("acosh")
    atanh_ = _in_place_of("atanh")
    arcsin_, arccos_, arctan_ = asin_, acos_, atan_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_
    log10_ = _in_place_of("log10")
    log2_ = _in_place_of("log2")
    exp2_ = _in_place_of("exp2")
    logit_ = _in_place_of("logit")
    sinc_ = _in_place_of("sinc")
    deg2rad_ = _in_place_of("deg2rad")
    rad2deg_ = _in_place_of("rad2deg")

    def float_power_(self: Tensor, exponent: Any) -> Tensor:
        if self.dtype != _tensor.float64:
            raise _tensor.DtypeMismatchError(
                f"the base given to float_power_ has dtype {self.dtype} but the operation's result "
                "requires dtype float64"
            )
        return self._in_place("float_power_", lambda t: t.float_power(exponent))

    floor_divide_ = _in_place_of("floor_divide")
    copysign_ = _in_place_of("copysign")
    heaviside_ = _in_place_of("heaviside")
    nextafter_ = _in_place_of("nextafter")
    ldexp_ = _in_place_of("ldexp")
    atan2_ = _in_place_of("atan2")
    arctan2_ = atan2_
    sgn_ = _in_place_of("sgn")
    sign_ = _in_place_of("sign")
    i0_ = _in_place_of("i0")
    gcd_ = _in_place_of("gcd")
    lcm_ = _in_place_of("lcm")
    bitwise_and_ = _in_place_of("bitwise_and")
    bitwise_or_ = _in_place_of("bitwise_or")
    bitwise_xor_ = _in_place_of("bitwise_xor")
    bitwise_not_ = _in_place_of("bitwise_not")
    bitwise_left_shift_ = _in_place_of("bitwise_left_shift")
    bitwise_right_shift_ = _in_place_of("bitwise_right_shift")
    cos_ = _in_place_of("cos")
    sin_ = _in_place_of("sin")
    rsqrt_ = _in_place_of("rsqrt")
    reciprocal_ = _in_place_of("reciprocal")
    log1p_ = _in_place_of("log1p")
    expm1_ = _in_place_of("expm1")
    trunc_ = _in_place_of("trunc")
    fix_ = trunc_
    frac_ = _in_place_of("frac")
    cumsum_ = _in_place_of("cumsum")
    cumprod_ = _in_place_of("cumprod")
    tril_ = _in_place_of("tril")
    triu_ = _in_place_of("triu")


def _quantile_arguments(
    x: Tensor, q: Any, dim: int | None, keepdim: bool, interpolation: str, name: str
) -> tuple[np.ndarray, Tensor, int]:
    """``quantile``'s and ``nanquantile``'s checks: (q on the host, the tensor to sort, its axis)."""
    if not _tensor._is_float(x.dtype):
        raise _tensor.DtypeMismatchError(f"{name}: input must be floating point, got {x.dtype}")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise _tensor.InvalidArgumentError(
            f"{name}: interpolation must be linear, lower, higher, midpoint or nearest, got {interpolation!r}"
        )
    _flag(keepdim, "keepdim", name)
    q_host = np.asarray(q.numpy() if isinstance(q, _tensor.Tensor) else q, dtype=np.float64)
    if q_host.ndim > 1:
        raise _tensor.InvalidArgumentError(
            f"{name}: q must be a number or a 1-D tensor, got shape {q_host.shape}"
        )
    if np.isnan(q_host).any() or (q_host < 0).any() or (q_host > 1).any():
        raise _tensor.InvalidArgumentError(f"{name}: q must be in [0, 1], got {q_host.tolist()}")
    if dim is None:
        source, axis = x.reshape(-1), 0
    else:
        source = x if x.ndim else x.reshape(1)
        axis = _sort_axis(x, dim, name)
    if source.shape[axis] == 0:
        raise _tensor.InvalidArgumentError(f"{name}: the input is empty")  # PyTorch's RuntimeError
    return q_host, source, axis


def _stacked_quantiles(
    x: Tensor, picks: list[Tensor], q_host: np.ndarray, dim: int | None, keepdim: bool, axis: int
) -> Tensor:
    """One quantile per entry of q, each kept along ``axis``, as ``quantile`` returns them: a leading
    dim for a 1-D q, ``axis`` dropped unless ``keepdim``."""
    stacked = _tensor.stack(picks, dim=0)  # (len(q), ..., 1, ...): the quantile dim is axis + 1
    if dim is None:
        stacked = stacked.reshape(len(picks), *([1] * x.ndim)) if keepdim else stacked.reshape(len(picks))
    elif not keepdim:
        stacked = stacked.squeeze(axis + 1)
    return stacked[0] if q_host.ndim == 0 else stacked
