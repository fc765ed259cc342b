"""PyTorch's free-function spellings: ``tg.exp(x)`` is ``x.exp()``, ``tg.max(x, 1)`` is ``x.max(1)``.

Each delegate turns a list or NumPy array into a tensor first (``tg.tensor``), then calls the
Tensor method of the same name, so arguments, results and gradients are the method's. The
creation functions (``eye``, ``linspace``, ``randint``, ``*_like``, ...) build on the constructors
in ``tensor.py`` and take ``dtype=`` and ``device=`` as they do.
"""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .backend import get_backend
from .rng import random_draws
from .tensor import (
    DType,
    DtypeMismatchError,
    InvalidArgumentError,
    ShapeError,
    Tensor,
    _as_tensor,
    _filled_like,
    _like,
    _resolve_dtype,
    _same_device,
    _shape_arg,
    check_memory_format,
    from_numpy,
    get_default_dtype,
    int64,
    memory_format,
    rand,
    tensor,
    zeros,
)
from .tensor_spellings import UnsupportedDtypeError


def _as_tensor_input(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else tensor(value)


def _count_arg(value: Any, name: str, op: str) -> int:
    """A count (a size, a number of steps): a non-negative integer, or an error that names it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, np.integer)):
        raise TypeError(f"{op}: {name} must be an integer, got {value!r}")
    if value < 0:
        raise InvalidArgumentError(f"{op}: {name} must be non-negative, got {value}")
    return builtins.int(value)


def _spelled_as_method(name: str) -> Callable[..., Any]:
    """The free function ``name(input, *args, **kwargs)``: ``input.name(*args, **kwargs)``."""

    def function(input: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(_as_tensor_input(input), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``tg.{name}(x, ...)`` is ``x.{name}(...)`` (PyTorch's ``torch.{name}``)."
    return function


# Elementwise
abs = _spelled_as_method("abs")
ceil = _spelled_as_method("ceil")
clamp = _spelled_as_method("clamp")
clip = _spelled_as_method("clip")
cos = _spelled_as_method("cos")
exp = _spelled_as_method("exp")
floor = _spelled_as_method("floor")
isfinite = _spelled_as_method("isfinite")
isinf = _spelled_as_method("isinf")
isnan = _spelled_as_method("isnan")
log = _spelled_as_method("log")
maximum = _spelled_as_method("maximum")
minimum = _spelled_as_method("minimum")
relu = _spelled_as_method("relu")
round = _spelled_as_method("round")
sigmoid = _spelled_as_method("sigmoid")
sign = _spelled_as_method("sign")
sin = _spelled_as_method("sin")
sqrt = _spelled_as_method("sqrt")
tanh = _spelled_as_method("tanh")
trunc = _spelled_as_method("trunc")
lerp = _spelled_as_method("lerp")
masked_fill = _spelled_as_method("masked_fill")

# Reductions
all = _spelled_as_method("all")
amax = _spelled_as_method("amax")
amin = _spelled_as_method("amin")
any = _spelled_as_method("any")
argmax = _spelled_as_method("argmax")
argmin = _spelled_as_method("argmin")
cumsum = _spelled_as_method("cumsum")
log_softmax = _spelled_as_method("log_softmax")
logsumexp = _spelled_as_method("logsumexp")
max = _spelled_as_method("max")
mean = _spelled_as_method("mean")
min = _spelled_as_method("min")
norm = _spelled_as_method("norm")
prod = _spelled_as_method("prod")
softmax = _spelled_as_method("softmax")
std = _spelled_as_method("std")
sum = _spelled_as_method("sum")
var = _spelled_as_method("var")

# Products
addmm = _spelled_as_method("addmm")
bmm = _spelled_as_method("bmm")
dot = _spelled_as_method("dot")
mm = _spelled_as_method("mm")
outer = _spelled_as_method("outer")

# Shape, selection and order
argsort = _spelled_as_method("argsort")
diag = _spelled_as_method("diag")
flatten = _spelled_as_method("flatten")
gather = _spelled_as_method("gather")
index_select = _spelled_as_method("index_select")
narrow = _spelled_as_method("narrow")
nonzero = _spelled_as_method("nonzero")
sort = _spelled_as_method("sort")
squeeze = _spelled_as_method("squeeze")
t = _spelled_as_method("t")
topk = _spelled_as_method("topk")
transpose = _spelled_as_method("transpose")
tril = _spelled_as_method("tril")
triu = _spelled_as_method("triu")
unique = _spelled_as_method("unique")
unsqueeze = _spelled_as_method("unsqueeze")

# Scattering, running products, rearrangements, counts
cumprod = _spelled_as_method("cumprod")
diff = _spelled_as_method("diff")
histc = _spelled_as_method("histc")
index_add = _spelled_as_method("index_add")
kron = _spelled_as_method("kron")
masked_scatter = _spelled_as_method("masked_scatter")
nan_to_num = _spelled_as_method("nan_to_num")
roll = _spelled_as_method("roll")
scatter = _spelled_as_method("scatter")
scatter_add = _spelled_as_method("scatter_add")
take_along_dim = _spelled_as_method("take_along_dim")
scatter_reduce = _spelled_as_method("scatter_reduce")
hypot = _spelled_as_method("hypot")


def xlogy(input: Any, other: Any) -> Tensor:
    """x log y, 0 where x is 0; either may be a number (``torch.xlogy(2, y)``)."""
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        input = _as_tensor(input, other)
    return _as_tensor_input(input).xlogy(other)


def repeat_interleave(
    input: Any, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """``input.repeat_interleave(repeats, dim)``; with no ``repeats``, ``input`` holds the counts and
    the result is each index ``i`` repeated ``input[i]`` times (``[2, 0, 1] -> [0, 0, 2]``)."""
    source = _as_tensor_input(input)
    if repeats is None:
        if source.ndim > 1:
            raise ValueError(f"repeat_interleave: the counts must be 0-d or 1-D, got shape {source.shape}")
        positions = Tensor(np.arange(builtins.max(source.size, 1)), device=source.device)
        return positions[: source.size].repeat_interleave(source, 0, output_size=output_size)
    return source.repeat_interleave(repeats, dim, output_size=output_size)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 0-d or 1-D tensors: output ``k`` holds ``tensors[k]`` along axis ``k``,
    repeated along the others (``indexing='ij'``); ``'xy'`` swaps the first two axes (Cartesian,
    as NumPy's default). Without ``indexing``, ``'ij'`` with PyTorch's warning to pass it."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "meshgrid: pass indexing='ij' or 'xy'; without it 'ij' is used, as in PyTorch (which will "
            "require the argument in an upcoming release)",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise InvalidArgumentError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if not tensors:
        raise ValueError("meshgrid needs at least one tensor")
    tensors = tuple(_as_tensor_input(t) for t in tensors)
    for position, t in enumerate(tensors):
        if t.ndim > 1:
            raise ShapeError(f"meshgrid: tensor {position} must be 0-d or 1-D, got shape {t.shape}")
        if t.dtype != tensors[0].dtype or t.device != tensors[0].device:
            raise TypeError(
                f"meshgrid: all tensors need one dtype and device; tensor {position} is {t.dtype} on "
                f"{t.device}, tensor 0 {tensors[0].dtype} on {tensors[0].device}"
            )
    lengths = [t.size for t in tensors]
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for axis, n in zip(axes, lengths):
        shape[axis] = n
    return tuple(
        t.reshape(*[n if i == axis else 1 for i in range(len(shape))]).expand(*shape)
        for t, axis, n in zip(tensors, axes, lengths)
    )


def cdist(
    x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"
) -> Tensor:
    """The p-norm distances ``‖x1[..., i, :] - x2[..., j, :]‖_p`` between the rows of two batches of
    matrices, (..., P, M) and (..., R, M) to (..., P, R); differentiable, with gradient 0 (not nan)
    where two rows coincide. Computed exactly from the differences (``compute_mode`` only checked)."""
    x1, x2 = _as_tensor_input(x1), _as_tensor_input(x2)
    if compute_mode not in (
        "use_mm_for_euclid_dist_if_necessary",
        "use_mm_for_euclid_dist",
        "donot_use_mm_for_euclid_dist",
    ):
        raise ValueError(f"cdist: unknown compute_mode {compute_mode!r}")
    for name, t in (("x1", x1), ("x2", x2)):
        if t.dtype.kind != "f":
            raise TypeError(f"cdist only supports floating-point tensors, {name} is {t.dtype}")
        if t.ndim < 2:
            raise ValueError(f"cdist needs tensors of at least 2 dims, {name} has shape {t.shape}")
    if x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(
            f"cdist: x1 and x2 need the same number of columns, got shapes {x1.shape} and {x2.shape}"
        )
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (builtins.int, float, np.number)) or not p >= 0:
        raise InvalidArgumentError(f"cdist only supports non-negative p values, got {p!r}")
    return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(float(p), dim=-1)


def searchsorted(
    sorted_sequence: Tensor,
    input: Any,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
) -> Tensor:
    """Where each of ``input`` would go in ``sorted_sequence`` to keep it sorted (int64, or int32
    with ``out_int32``): the first such index, or the last with ``right=True``/``side='right'``.
    An N-D sequence is searched row by row (its leading dims match ``input``'s). No gradient."""
    sequence = _as_tensor_input(sorted_sequence)
    if side is not None:
        if side not in ("left", "right"):
            raise InvalidArgumentError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        if right and side == "left":
            raise InvalidArgumentError("searchsorted: side='left' and right=True contradict each other")
        right = side == "right"
    values = input if isinstance(input, Tensor) else Tensor(input, device=sequence.device)
    if values.device != sequence.device:
        raise RuntimeError(
            f"searchsorted: tensors are on different devices ({sequence.device} and {values.device})"
        )
    if sequence.ndim == 0:
        raise ValueError("searchsorted: sorted_sequence must have at least one dimension, got a 0-d tensor")
    if sorter is not None:
        sequence = sequence.take_along_dim(sorter, -1)
    if sequence.ndim > 1 and sequence.shape[:-1] != values.shape[:-1]:
        raise ShapeError(
            f"searchsorted: a sequence of shape {sequence.shape} needs values with the leading dims "
            f"{sequence.shape[:-1]}, got shape {values.shape}"
        )
    common = np.promote_types(sequence.dtype, values.dtype)
    sequence, values = sequence.astype(common).detach(), values.astype(common).detach()
    xp, backend = sequence._backend.xp, sequence._backend
    if sequence.ndim == 1:
        found = xp.searchsorted(
            sequence._data, xp.reshape(values._data, (-1,)), side="right" if right else "left"
        )
        found = xp.reshape(found, values.shape)
    else:  # row by row: the count of entries that sort before each value
        column, row = values.unsqueeze(-1), sequence.unsqueeze(-2)
        value_first = column < row if right else column <= row
        found = xp.sum(xp.astype(~value_first._data, xp.int64), axis=-1)
    return Tensor._wrap(found, backend).astype(np.dtype("int32") if out_int32 else int64)


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each entry of ``input`` among the sorted 1-D ``boundaries``: ``i`` with
    ``boundaries[i-1] < x <= boundaries[i]`` (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``);
    int64, or int32 with ``out_int32``. No gradient."""
    boundaries = _as_tensor_input(boundaries)
    if boundaries.ndim != 1:
        raise ShapeError(f"bucketize: boundaries must be 1-D, got shape {boundaries.shape}")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def flip(input: Any, dims: Sequence[int]) -> Tensor:
    """``input`` reversed along each of ``dims`` (``torch.flip(x, dims=[0])``)."""
    return _as_tensor_input(input).flip(dims)


def permute(input: Any, dims: Sequence[int]) -> Tensor:
    """``input``'s axes in the order ``dims`` (``torch.permute(x, dims=(1, 0))``)."""
    return _as_tensor_input(input).permute(dims)


def reshape(input: Any, shape: Sequence[int]) -> Tensor:
    """``input`` with the same entries in ``shape`` (``torch.reshape(x, shape=(-1,))``)."""
    return _as_tensor_input(input).reshape(shape)


def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent``; either may be a number (``tg.pow(2, x)`` is ``2 ** x``)."""
    if not isinstance(input, Tensor) and isinstance(exponent, Tensor):
        return input**exponent  # Tensor.__rpow__ puts the number on the exponent's device
    return _as_tensor_input(input) ** exponent


def numel(input: Tensor) -> int:
    """The number of elements."""
    return builtins.int(_as_tensor_input(input).size)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def as_tensor(data: Any, dtype: DType | None = None, device: str | None = None) -> Tensor:
    """``data`` as a tensor, without a copy where it is one already of this dtype and device; a NumPy
    array of that dtype bound for the CPU shares its memory, as ``from_numpy`` (``torch.as_tensor``)."""
    if isinstance(data, Tensor):
        moved = data if device is None else data.to(device)
        return moved if dtype is None else moved.astype(dtype)
    if (
        isinstance(data, np.ndarray)
        and data.dtype.kind in "fiub"
        and data.dtype.isnative
        and (dtype is None or _resolve_dtype(dtype) == data.dtype)
        and get_backend(device).xp is np
    ):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def allclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    """Whether ``|input - other| <= atol + rtol * |other|`` everywhere (shapes broadcast)."""
    a, b = _as_tensor_input(input), _as_tensor_input(other)
    _check_tolerances(rtol, atol, "allclose")
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        _same_device(a, b, "allclose")
    if isinstance(other, Tensor) and a.dtype != b.dtype and a.dtype.kind == b.dtype.kind == "f":
        raise DtypeMismatchError(f"allclose: both tensors need one dtype, got {a.dtype} and {b.dtype}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(f"allclose: shapes {a.shape} and {b.shape} cannot be broadcast together") from None
    return builtins.bool(np.allclose(a.numpy(), b.numpy(), rtol=rtol, atol=atol, equal_nan=equal_nan))


def _check_tolerances(rtol: Any, atol: Any, op: str) -> None:
    """PyTorch refuses a negative (or nan) rtol or atol, which would make nothing close."""
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if not tolerance >= 0:
            raise InvalidArgumentError(f"{op}: {name} must be greater than or equal to zero, got {tolerance}")


def isclose(
    input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` as a bool tensor (equal infinities
    are close; NaN only with ``equal_nan``), as ``torch.isclose``."""
    a, b = _as_tensor_input(input), _as_tensor_input(other)
    if not isinstance(other, Tensor):
        b = Tensor(b.numpy(), dtype=a.dtype, device=a.device)
    _check_tolerances(rtol, atol, "isclose")
    if a.dtype != b.dtype:
        raise DtypeMismatchError(f"isclose: both tensors need one dtype, got {a.dtype} and {b.dtype}")
    if a.dtype == np.bool_:  # masks have no difference: close is equal
        return a == b
    finite = a.isfinite() & b.isfinite()  # an infinity is close only to itself
    difference = (a.masked_fill(~finite, 0) - b.masked_fill(~finite, 0)).abs()
    close = (a == b) | (finite & (difference <= atol + rtol * b.masked_fill(~finite, 0).abs()))
    if equal_nan:
        close = close | (a.isnan() & b.isnan())
    return close


def square(input: Any) -> Tensor:
    """x², differentiable (``torch.square``)."""
    x = _as_tensor_input(input)
    return x * x


def _is_size(value: Any) -> bool:
    return isinstance(value, (builtins.int, np.integer)) and not isinstance(value, builtins.bool)


def _legacy_constructor(dtype: np.dtype, name: str) -> Callable[..., Tensor]:
    """PyTorch's old typed constructors: ``FloatTensor(2, 3)`` a tensor of that shape (zeros here;
    PyTorch leaves it unset), ``FloatTensor([1, 2])`` one holding those values in that dtype."""

    def construct(*data: Any, device: str | None = None) -> Tensor:
        if builtins.all(_is_size(n) for n in data):
            return zeros(*(data or (0,)), dtype=dtype, device=device)
        if len(data) == 1:
            return tensor(data[0], dtype=dtype, device=device)
        raise TypeError(f"{name}: give sizes (ints) or one sequence of values, got {data!r}")

    construct.__name__ = construct.__qualname__ = name
    construct.__doc__ = f"``torch.{name}``: sizes give a tensor of zeros, values a {dtype} tensor."
    return construct


FloatTensor = _legacy_constructor(np.dtype("float32"), "FloatTensor")
DoubleTensor = _legacy_constructor(np.dtype("float64"), "DoubleTensor")
LongTensor = _legacy_constructor(int64, "LongTensor")
IntTensor = _legacy_constructor(np.dtype("int32"), "IntTensor")
ByteTensor = _legacy_constructor(np.dtype("uint8"), "ByteTensor")
BoolTensor = _legacy_constructor(np.dtype("bool"), "BoolTensor")


def equal(input: Any, other: Any) -> bool:
    """Whether both have one shape and the same values (NaN equals nothing, as in PyTorch)."""
    a, b = _as_tensor_input(input), _as_tensor_input(other)
    return a.shape == b.shape and builtins.bool(np.array_equal(a.numpy(), b.numpy()))


# -- creation ---------------------------------------------------------------------------------------


def empty(
    *size: Any, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of ``size``; its entries are zeros (PyTorch leaves them unset)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(
    input: Tensor,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    *,
    memory_format: memory_format | None = None,
) -> Tensor:
    return _filled_like("zeros", input, "empty_like", dtype, device, requires_grad, memory_format)


def full_like(
    input: Tensor,
    fill_value: float,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    *,
    memory_format: memory_format | None = None,
) -> Tensor:
    """``input``'s shape and device (and dtype, unless told) filled with ``fill_value``."""
    check_memory_format(memory_format, "full_like")
    filled = _like(input, "full_like").new_full(input.shape, fill_value, dtype=dtype, device=device)
    return _grad_if(filled, requires_grad)


def rand_like(
    input: Tensor,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    *,
    memory_format: memory_format | None = None,
    generator: Any = None,
) -> Tensor:
    """Uniform draws on [0, 1) in ``input``'s shape, dtype and device (seeded by ``manual_seed``, or from
    ``generator``)."""
    return _filled_like("uniform", input, "rand_like", dtype, device, requires_grad, memory_format, generator)


def randn_like(
    input: Tensor,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    *,
    memory_format: memory_format | None = None,
    generator: Any = None,
) -> Tensor:
    """Standard normal draws in ``input``'s shape, dtype and device (seeded by ``manual_seed``, or from
    ``generator``)."""
    return _filled_like("normal", input, "randn_like", dtype, device, requires_grad, memory_format, generator)


def eye(
    n: int,
    m: int | None = None,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """The n x m identity matrix (square by default)."""
    n = _count_arg(n, "n", "eye")
    m = None if m is None else _count_arg(m, "m", "eye")
    backend = get_backend(device)
    native = backend.native_dtype(_resolve_dtype(dtype) or get_default_dtype())
    identity = Tensor._wrap(backend.xp.eye(n, m, dtype=native, **backend.creation_kwargs), backend)
    return _grad_if(identity, requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included (float32 by default)."""
    steps = _count_arg(steps, "steps", "linspace")
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, float, np.number)):
            raise TypeError(f"linspace: {name} must be a number, got {value!r}")
    values = np.linspace(start, end, steps, dtype=np.float64)  # computed on the host, then cast once
    return tensor(
        values, dtype=_resolve_dtype(dtype) or get_default_dtype(), device=device, requires_grad=requires_grad
    )


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values base^t for t evenly spaced from ``start`` to ``end`` (float32 by default)."""
    steps = _count_arg(steps, "steps", "logspace")
    for name, value in (("start", start), ("end", end), ("base", base)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, float, np.number)):
            raise TypeError(f"logspace: {name} must be a number, got {value!r}")
    values = np.power(float(base), np.linspace(start, end, steps, dtype=np.float64))  # on the host, cast once
    return tensor(
        values, dtype=_resolve_dtype(dtype) or get_default_dtype(), device=device, requires_grad=requires_grad
    )


def randint(
    low: int | None = None,
    high: Any = None,
    size: Sequence[int] | None = None,
    *,
    generator: Any = None,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers drawn uniformly from [low, high) in a tensor of ``size``, int64 by default, from the
    device's generator (``manual_seed``) or ``generator``: ``randint(low, high, size)``,
    ``randint(high, size)`` or ``randint(high=10, size=(3,))``, as in PyTorch."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(10, size=(3,))
        low, high = 0, low
    low = 0 if low is None else low
    if high is None or size is None:
        raise TypeError("randint takes (low, high, size) or (high, size), e.g. tg.randint(0, 10, (3,))")
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, np.integer)):
            raise TypeError(f"randint: {name} must be an integer, got {value!r}")
        if not -(2**63) <= value <= 2**63:
            raise ValueError(f"randint: {name} ({value}) is beyond the int64 range")
    if high <= low:
        raise InvalidArgumentError(f"randint: high ({high}) must be greater than low ({low})")
    backend = get_backend(device)
    shape = _shape_arg((size,))
    xp = backend.xp
    uniform = random_draws(backend, "uniform", shape, np.dtype("float64"), generator)
    drawn = xp.floor(uniform * (high - low)) + low  # float64 holds every integer below 2**53 exactly
    drawn = Tensor._wrap(xp.astype(drawn, backend.native_dtype(_resolve_dtype(dtype) or int64)), backend)
    return _grad_if(drawn, requires_grad)


def randperm(
    n: int,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    *,
    generator: Any = None,
) -> Tensor:
    """A random ordering of 0, ..., n - 1 (int64 by default) from the device's generator
    (``manual_seed``) or ``generator``."""
    n = _count_arg(n, "n", "randperm")
    keys = rand(n, generator=generator, dtype=np.float64, device=device)
    return _grad_if(keys.argsort().astype(_resolve_dtype(dtype) or int64), requires_grad)


def _grad_if(created: Tensor, requires_grad: bool) -> Tensor:
    """A new tensor from a factory, made a leaf that requires grad when asked (floating dtypes only,
    as ``requires_grad_`` checks)."""
    return created.requires_grad_() if requires_grad else created


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sums of products over named axes: ``einsum("ij,jk->ik", a, b)`` is ``a @ b``, ``"ii->"`` the
    trace, ``"...ij->...ji"`` a batched transpose; without ``->`` the output takes the letters seen
    once, in alphabetical order (after the ``...`` axes), as in PyTorch.

    Each operand is aligned on every letter of the equation, the aligned operands are multiplied
    (broadcasting) and the letters not in the output summed out: differentiable, but the product
    holds one entry per combination of all letters, so big contractions are cheaper as ``matmul``.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])  # einsum("ij->ji", [x]), as PyTorch also takes
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string such as 'ij,jk->ik', got {equation!r}")
    operands = tuple(_as_tensor_input(operand) for operand in operands)
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise InvalidArgumentError(f"einsum: {equation!r} names {len(terms)} operand(s), got {len(operands)}")
    for term in [*terms, output]:
        if builtins.any(not (c.isascii() and c.isalpha()) for c in term.replace("...", "")):
            raise ValueError(f"einsum: {term!r} in {equation!r} holds something other than letters and '...'")
    # '...' becomes the same fresh names (Greek letters) in every term, aligned from the right.
    spans = [
        operand.ndim - len(term.replace("...", "")) if "..." in term else 0
        for term, operand in zip(terms, operands)
    ]
    broadcast = [chr(0x3B1 + i) for i in range(builtins.max(spans, default=0))]
    terms = [
        term.replace("...", "".join(broadcast[len(broadcast) - span :])) for term, span in zip(terms, spans)
    ]
    if not arrow:
        once = sorted(c for c in set("".join(terms)) if "".join(terms).count(c) == 1 and c not in broadcast)
        output = "".join(broadcast) + "".join(once)
    else:
        output = output.replace("...", "".join(broadcast))
    aligned_terms, aligned_operands = [], []
    for term, operand in zip(terms, operands):
        if len(term) != operand.ndim:
            raise ShapeError(  # PyTorch's RuntimeError
                f"einsum: {term!r} names {len(term)} axes of an operand of shape {operand.shape}"
            )
        term, operand = _diagonals_taken(term, operand)
        aligned_terms.append(term)
        aligned_operands.append(operand)
    letters = output + "".join(sorted(set("".join(aligned_terms)) - set(output)))
    if len(set(output)) != len(output) or set(output) - set("".join(aligned_terms)):
        raise InvalidArgumentError(f"einsum: the output {output!r} must name each input letter at most once")
    lengths: dict[str, int] = {}
    for term, operand in zip(aligned_terms, aligned_operands):
        for letter, n in zip(term, operand.shape):
            if n != 1 and lengths.setdefault(letter, n) != n:
                raise ShapeError(
                    f"einsum: axis {letter!r} has length {lengths[letter]} in one operand, {n} in another"
                )
    product = None
    for term, operand in zip(aligned_terms, aligned_operands):
        moved = operand.permute(*[term.index(c) for c in letters if c in term])
        spread = moved.reshape(*[operand.shape[term.index(c)] if c in term else 1 for c in letters])
        product = spread if product is None else product * spread
    summed = tuple(range(len(output), len(letters)))
    return product.sum(axis=summed) if summed else product


def _diagonals_taken(term: str, operand: Tensor) -> tuple[str, Tensor]:
    """A letter named twice in one term ("ii") means the diagonal: keep the entries where both axes
    agree, as one axis at the end."""
    while len(set(term)) != len(term):
        letter = next(c for c in term if term.count(c) > 1)
        first = term.index(letter)
        second = term.index(letter, first + 1)
        if operand.shape[first] != operand.shape[second]:
            raise ShapeError(f"einsum: axes {letter!r} of {term!r} differ in length ({operand.shape})")
        rest = [i for i in range(operand.ndim) if i not in (first, second)]
        positions = np.arange(operand.shape[first])
        operand = operand.permute(*rest, first, second)[..., positions, positions]
        term = "".join(term[i] for i in rest) + letter
    return term, operand


# Statistics, scans and products (PyTorch 2.x); the methods of the same names in tensor_spellings.py
std_mean = _spelled_as_method("std_mean")
var_mean = _spelled_as_method("var_mean")
nanmean = _spelled_as_method("nanmean")
clamp_min = _spelled_as_method("clamp_min")
clamp_max = _spelled_as_method("clamp_max")
frac = _spelled_as_method("frac")
atan2 = _spelled_as_method("atan2")
arctan2 = _spelled_as_method("arctan2")
addcmul = _spelled_as_method("addcmul")
addcdiv = _spelled_as_method("addcdiv")
baddbmm = _spelled_as_method("baddbmm")
addbmm = _spelled_as_method("addbmm")
tensordot = _spelled_as_method("tensordot")
trace = _spelled_as_method("trace")
cross = _spelled_as_method("cross")
inverse = _spelled_as_method("inverse")
det = _spelled_as_method("det")
logdet = _spelled_as_method("logdet")
slogdet = _spelled_as_method("slogdet")
cholesky = _spelled_as_method("cholesky")
cholesky_solve = _spelled_as_method("cholesky_solve")
cholesky_inverse = _spelled_as_method("cholesky_inverse")
pinverse = _spelled_as_method("pinverse")
matrix_power = _spelled_as_method("matrix_power")
matrix_exp = _spelled_as_method("matrix_exp")
lu = _spelled_as_method("lu")
lu_solve = _spelled_as_method("lu_solve")
triangular_solve = _spelled_as_method("triangular_solve")
lstsq = _spelled_as_method("lstsq")
narrow_copy = _spelled_as_method("narrow_copy")
igamma = _spelled_as_method("igamma")
igammac = _spelled_as_method("igammac")
svd = _spelled_as_method("svd")
qr = _spelled_as_method("qr")
diagonal = _spelled_as_method("diagonal")
diag_embed = _spelled_as_method("diag_embed")
logcumsumexp = _spelled_as_method("logcumsumexp")
cummax = _spelled_as_method("cummax")
cummin = _spelled_as_method("cummin")
median = _spelled_as_method("median")
quantile = _spelled_as_method("quantile")


def block_diag(*tensors: Any) -> Tensor:
    """The tensors (0-d, 1-d as a row, or 2-D) down the diagonal of one matrix, zeros elsewhere;
    gradients go back to each block."""
    from .tensor import cat

    if not tensors:
        return zeros(1, 0)
    blocks = []
    for position, block in enumerate(tensors):
        block = _as_tensor_input(block)
        if block.ndim > 2:
            raise ShapeError(
                f"block_diag: tensor {position} must have at most 2 dims, got shape {block.shape}"
            )
        blocks.append(block.reshape(1, -1) if block.ndim < 2 else block)
    dtype = blocks[0].dtype
    for position, block in enumerate(blocks):
        if block.dtype != dtype or block.device != blocks[0].device:
            raise TypeError(
                f"block_diag: tensor {position} is {block.dtype} on {block.device}, "
                f"tensor 0 is {dtype} on {blocks[0].device}: convert them to one dtype and device first"
            )
    width = builtins.sum(block.shape[1] for block in blocks)
    rows, left = [], 0
    for block in blocks:
        height, columns = block.shape
        parts = [
            zeros(height, left, dtype=dtype, device=block.device),
            block,
            zeros(height, width - left - columns, dtype=dtype, device=block.device),
        ]
        rows.append(cat(parts, dim=1))
        left += columns
    return cat(rows, dim=0)


def cartesian_prod(*tensors: Any) -> Tensor:
    """Every combination of entries of the 1-D tensors, one per row (the first varies slowest), as
    ``itertools.product``; one tensor comes back as it is."""
    from .tensor import stack

    inputs = [_as_tensor_input(t) for t in tensors]
    if not inputs:
        raise ValueError("cartesian_prod: expected at least one tensor")
    for position, item in enumerate(inputs):
        if item.ndim != 1:
            raise ShapeError(f"cartesian_prod: tensor {position} must be 1-D, got shape {item.shape}")
    if len(inputs) == 1:
        return inputs[0]
    grids = meshgrid(*inputs, indexing="ij")
    return stack([grid.reshape(-1) for grid in grids], dim=1)


def _triangle_indices(
    kind: str, row: Any, col: Any, offset: Any, dtype: DType | None, device: str | None
) -> Tensor:
    row, col = _count_arg(row, "row", kind), _count_arg(col, "col", kind)
    if isinstance(offset, (bool, np.bool_)) or not isinstance(offset, (builtins.int, np.integer)):
        raise TypeError(f"{kind}: offset must be an integer, got {offset!r}")
    chosen = _resolve_dtype(dtype) if dtype is not None else int64
    if chosen.name not in ("int32", "int64"):
        raise TypeError(f"{kind}: dtype must be int32 or int64, got {chosen}")
    mask = (
        np.triu(np.ones((row, col), dtype=bool), offset)
        if kind == "triu_indices"
        else (np.tril(np.ones((row, col), dtype=bool), offset))
    )
    return tensor(np.stack(np.nonzero(mask)).astype(chosen), device=device)


def triu_indices(
    row: int, col: int, offset: int = 0, *, dtype: DType | None = None, device: str | None = None
) -> Tensor:
    """The (2, N) row and column indices of the upper triangle of a ``row`` x ``col`` matrix, on and
    above diagonal ``offset``, in row-major order."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device)


def tril_indices(
    row: int, col: int, offset: int = 0, *, dtype: DType | None = None, device: str | None = None
) -> Tensor:
    """The (2, N) row and column indices of the lower triangle of a ``row`` x ``col`` matrix, on and
    below diagonal ``offset``, in row-major order."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device)


# Shapes, selection, order and logic (session 8)
unflatten = _spelled_as_method("unflatten")
masked_select = _spelled_as_method("masked_select")
index_fill = _spelled_as_method("index_fill")
index_copy = _spelled_as_method("index_copy")
put = _spelled_as_method("put")
take = _spelled_as_method("take")
tile = _spelled_as_method("tile")
movedim = _spelled_as_method("movedim")
moveaxis = _spelled_as_method("moveaxis")
kthvalue = _spelled_as_method("kthvalue")
tensor_split = _spelled_as_method("tensor_split")
mode = _spelled_as_method("mode")
renorm = _spelled_as_method("renorm")
rot90 = _spelled_as_method("rot90")
mv = _spelled_as_method("mv")
nanquantile = _spelled_as_method("nanquantile")
erf = _spelled_as_method("erf")
erfc = _spelled_as_method("erfc")
erfinv = _spelled_as_method("erfinv")
fmod = _spelled_as_method("fmod")
logical_not = _spelled_as_method("logical_not")
logical_and = _spelled_as_method("logical_and")
logical_or = _spelled_as_method("logical_or")
logical_xor = _spelled_as_method("logical_xor")


def remainder(input: Any, other: Any) -> Tensor:
    """``input % other``, with the sign of the divisor (``torch.remainder``); either may be a number."""
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        return other.__rmod__(input)
    return _as_tensor_input(input).remainder(other)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """The number of times each value 0, 1, ..., max(input) occurs in the 1-D non-negative integer
    ``input`` (at least ``minlength`` bins); with ``weights``, the sum of the weights of each value's
    entries, in float64 unless the weights are float32, as PyTorch. Not differentiable, as PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"bincount: input must be a Tensor, got {type(input).__name__}")
    minlength = _count_arg(minlength, "minlength", "bincount")
    if input.dtype.kind not in "iu":  # PyTorch: "bincount_cpu" not implemented for 'Float'
        raise UnsupportedDtypeError(
            f"bincount: only supports 1-d non-negative integral inputs, got dtype {input.dtype}"
        )
    if input.ndim != 1:
        raise InvalidArgumentError(
            f"bincount: only supports 1-d non-negative integral inputs, got dtype {input.dtype} and shape "
            f"{input.shape}"
        )
    if input.size and input.min().item() < 0:
        raise InvalidArgumentError(f"bincount: the input must be non-negative, got {input.min().item()}")
    bins = builtins.max(input.max().item() + 1 if input.size else 0, minlength)
    if weights is None:
        counted, dtype = input.new_ones(input.shape, dtype=int64), int64
    else:
        if not isinstance(weights, Tensor):
            raise TypeError(f"bincount: weights must be a Tensor, got {type(weights).__name__}")
        _same_device(input, weights, "bincount")
        if weights.shape != input.shape:
            raise ShapeError(
                f"bincount: weights should be 1-d and have the same length as input, got shapes "
                f"{weights.shape} and {input.shape}"
            )
        dtype = weights.dtype if weights.dtype == np.dtype("float32") else np.dtype("float64")
        counted = weights.detach().astype(dtype)
    totals = zeros(bins, dtype=dtype, device=input.device)
    return totals.index_add(0, input.astype(int64), counted)


def scalar_tensor(
    s: Any, *, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    """A 0-d tensor holding the number ``s``, of the default float dtype unless ``dtype`` is given
    (``torch.scalar_tensor(3)`` is ``tensor(3.)``)."""
    if isinstance(s, Tensor) and s.size == 1:
        s = s.item()
    if not isinstance(s, (builtins.bool, builtins.int, builtins.float, np.number, np.bool_)):
        raise TypeError(f"scalar_tensor: s must be a number, got {type(s).__name__}")
    created = tensor(s, dtype=_resolve_dtype(dtype) or get_default_dtype(), device=device)
    return _grad_if(created, requires_grad)


# PyTorch's free functions of Tensor methods, and its other names for them
add = _spelled_as_method("add")
sub = _spelled_as_method("sub")
subtract = _spelled_as_method("subtract")
mul = _spelled_as_method("mul")
multiply = _spelled_as_method("multiply")
div = _spelled_as_method("div")
divide = _spelled_as_method("divide")
true_divide = _spelled_as_method("true_divide")
eq = _spelled_as_method("eq")
ne = _spelled_as_method("ne")
not_equal = _spelled_as_method("not_equal")
gt = _spelled_as_method("gt")
greater = _spelled_as_method("greater")
ge = _spelled_as_method("ge")
greater_equal = _spelled_as_method("greater_equal")
lt = _spelled_as_method("lt")
less = _spelled_as_method("less")
le = _spelled_as_method("le")
less_equal = _spelled_as_method("less_equal")
neg = _spelled_as_method("neg")
negative = _spelled_as_method("negative")
positive = _spelled_as_method("positive")
absolute = _spelled_as_method("absolute")
clone = _spelled_as_method("clone")
detach = _spelled_as_method("detach")
log1p = _spelled_as_method("log1p")
expm1 = _spelled_as_method("expm1")
rsqrt = _spelled_as_method("rsqrt")
reciprocal = _spelled_as_method("reciprocal")
relu_ = _spelled_as_method("relu_")
zero_ = _spelled_as_method("zero_")
swapaxes = _spelled_as_method("swapaxes")
swapdims = _spelled_as_method("swapdims")
ravel = _spelled_as_method("ravel")
select = _spelled_as_method("select")
msort = _spelled_as_method("msort")
fliplr = _spelled_as_method("fliplr")
flipud = _spelled_as_method("flipud")
broadcast_to = _spelled_as_method("broadcast_to")
diagflat = _spelled_as_method("diagflat")
inner = _spelled_as_method("inner")
ger = _spelled_as_method("ger")
addr = _spelled_as_method("addr")
addmv = _spelled_as_method("addmv")
dist = _spelled_as_method("dist")
split_with_sizes = _spelled_as_method("split_with_sizes")
unsafe_split = _spelled_as_method("unsafe_split")
unsafe_chunk = _spelled_as_method("unsafe_chunk")
unsafe_split_with_sizes = _spelled_as_method("unsafe_split_with_sizes")
argwhere = _spelled_as_method("argwhere")
unique_consecutive = _spelled_as_method("unique_consecutive")
is_floating_point = _spelled_as_method("is_floating_point")
is_complex = _spelled_as_method("is_complex")
is_nonzero = _spelled_as_method("is_nonzero")
is_same_size = _spelled_as_method("is_same_size")
is_signed = _spelled_as_method("is_signed")


def concat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """PyTorch's other name of ``cat``."""
    from .tensor import cat

    return cat(tensors, dim=dim)


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha * input`` (``sub`` with its operands swapped)."""
    source = _as_tensor_input(input)
    return (source if alpha == 1 else source * alpha).__rsub__(other)


def fill(input: Tensor, value: Any) -> Tensor:
    """A new tensor of ``input``'s shape, dtype and device filled with ``value`` (out of place)."""
    return full_like(_like(input, "fill"), value)


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803 (PyTorch's name)
    """The Vandermonde matrix of the 1-D ``x``: columns x^(N−1), ..., x¹, x⁰ (reversed if
    ``increasing``); N = len(x) by default. Built by a running product, as PyTorch does."""
    source = _as_tensor_input(x)
    if source.ndim != 1:
        raise RuntimeError(f"x must be a one-dimensional tensor, got shape {source.shape}")
    columns = source.shape[0] if N is None else N
    if isinstance(columns, (bool, np.bool_)) or not isinstance(columns, (builtins.int, np.integer)):
        raise TypeError(f"vander(): argument 'N' must be an int, got {N!r}")
    if columns < 0:
        raise RuntimeError("N must be non-negative.")
    if source.dtype == np.bool_:
        source = source.astype(int64)
    from .tensor import cat

    rows = source.shape[0]
    ones = source.new_ones(rows, builtins.min(columns, 1))
    powers = source.unsqueeze(1).expand(rows, builtins.max(columns - 1, 0))
    result = cat([ones, powers], dim=1).cumprod(1)
    return result if increasing else result.flip(1)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-``r`` combinations of the 1-D ``input``'s entries, one per row, in the order of
    ``itertools.combinations`` (``_with_replacement``); differentiable, as picking entries is."""
    import itertools

    source = _as_tensor_input(input)
    if source.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(source.shape)}")
    r = _count_arg(r, "r", "combinations")
    _check_flag(with_replacement, "with_replacement", "combinations")
    if r == 0:
        return source.new_zeros(0)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(pick(builtins.range(source.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return source.index_select(0, tensor(rows.reshape(-1), device=source.device)).reshape(-1, r)


def _check_flag(value: Any, name: str, op: str) -> None:
    if not isinstance(value, (builtins.bool, np.bool_)):
        raise TypeError(f"{op}(): argument '{name}' must be a bool, got {value!r}")


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each entry of ``elements`` is among ``test_elements`` (either may be a number): a bool
    tensor of ``elements``' shape (negated with ``invert``)."""
    _check_flag(assume_unique, "assume_unique", "isin")
    _check_flag(invert, "invert", "isin")
    like = next((t for t in (elements, test_elements) if isinstance(t, Tensor)), None)
    if like is None:
        raise TypeError("isin(): at least one of elements and test_elements must be a Tensor")
    values, tests = _as_tensor(elements, like), _as_tensor(test_elements, like)
    _same_device(values, tests, "isin")
    flat_values, flat_tests = values.detach().reshape(-1, 1), tests.detach().reshape(1, -1)
    if flat_tests.shape[1] == 0:
        found = values.detach().new_zeros(values.shape, dtype=np.bool_)
    else:
        found = (flat_values == flat_tests).any(1).reshape(*values.shape)
    return found.logical_not() if invert else found


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates in a tensor of ``shape`` of each flat (row-major) index: one int64 tensor per
    dimension, of ``indices``' shape. Negative indices count from the end, as in PyTorch; an index
    beyond the tensor is an IndexError."""
    source = indices if isinstance(indices, Tensor) else tensor(indices)
    if source.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {source.dtype}")
    dims = (shape,) if isinstance(shape, (builtins.int, np.integer)) else shape
    dims = _shape_arg((dims,))
    if builtins.any(n < 0 for n in dims):
        raise ValueError(f"unravel_index: 'shape' cannot have negative values, but got {tuple(dims)}")
    total = builtins.int(np.prod(dims, dtype=np.int64))
    flat = source.astype(int64)
    if source.size:
        low, high = flat.min().item(), flat.max().item()
        if low < -total or high >= total:
            bad = high if high >= total else low
            raise IndexError(f"unravel_index: index {bad} is out of bounds for shape {tuple(dims)}")
    flat = flat % builtins.max(total, 1)
    coordinates = []
    for n in reversed(dims):
        coordinates.append(flat % n if n else flat)
        flat = flat // n if n else flat
    return tuple(reversed(coordinates))


def chain_matmul(*matrices: Any) -> Tensor:
    """The product of 2-D matrices, left to right (deprecated in PyTorch for ``linalg.multi_dot``)."""
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. "
        "Use torch.linalg.multi_dot instead",
        UserWarning,
        stacklevel=2,
    )
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    product = _as_tensor_input(matrices[0])
    for i, matrix in enumerate(matrices):
        matrix = _as_tensor_input(matrix)
        if matrix.ndim != 2:
            raise RuntimeError(f"chain_matmul(): tensor {i} must be 2-D, got shape {list(matrix.shape)}")
        if i and product.shape[1] != matrix.shape[0]:
            raise ShapeError(
                f"multi_dot(): tensors {i - 1} and {i} with shapes {list(product.shape)} and "
                f"{list(matrix.shape)} cannot be multiplied"
            )
        product = matrix if i == 0 else product.mm(matrix)
    return product


# PyTorch's free functions of in-place Tensor methods, and of facts about tensors
abs_ = _spelled_as_method("abs_")
ceil_ = _spelled_as_method("ceil_")
floor_ = _spelled_as_method("floor_")
round_ = _spelled_as_method("round_")
exp_ = _spelled_as_method("exp_")
log_ = _spelled_as_method("log_")
sqrt_ = _spelled_as_method("sqrt_")
square_ = _spelled_as_method("square_")
sigmoid_ = _spelled_as_method("sigmoid_")
tanh_ = _spelled_as_method("tanh_")
neg_ = _spelled_as_method("neg_")
negative_ = _spelled_as_method("negative_")
erf_ = _spelled_as_method("erf_")
erfc_ = _spelled_as_method("erfc_")
clamp_ = _spelled_as_method("clamp_")
clip_ = _spelled_as_method("clamp_")
clamp_min_ = _spelled_as_method("clamp_min_")
clamp_max_ = _spelled_as_method("clamp_max_")
fill_ = _spelled_as_method("fill_")
xlogy_ = _spelled_as_method("xlogy_")
nan_to_num_ = _spelled_as_method("nan_to_num_")
index_put_ = _spelled_as_method("index_put_")
addmv_ = _spelled_as_method("addmv_")
detach_ = _spelled_as_method("detach_")
resize_as_ = _spelled_as_method("resize_as_")
acos_ = _spelled_as_method("acos_")
acosh_ = _spelled_as_method("acosh_")
arccos_ = _spelled_as_method("arccos_")
arccosh_ = _spelled_as_method("arccosh_")
arcsin_ = _spelled_as_method("arcsin_")
arcsinh_ = _spelled_as_method("arcsinh_")
arctan_ = _spelled_as_method("arctan_")
arctanh_ = _spelled_as_method("arctanh_")
asin_ = _spelled_as_method("asin_")
asinh_ = _spelled_as_method("asinh_")
atan_ = _spelled_as_method("atan_")
atanh_ = _spelled_as_method("atanh_")
cos_ = _spelled_as_method("cos_")
cosh_ = _spelled_as_method("cosh_")
deg2rad_ = _spelled_as_method("deg2rad_")
exp2_ = _spelled_as_method("exp2_")
expm1_ = _spelled_as_method("expm1_")
fix_ = _spelled_as_method("fix_")
frac_ = _spelled_as_method("frac_")
gcd_ = _spelled_as_method("gcd_")
i0_ = _spelled_as_method("i0_")
lcm_ = _spelled_as_method("lcm_")
ldexp_ = _spelled_as_method("ldexp_")
log10_ = _spelled_as_method("log10_")
log1p_ = _spelled_as_method("log1p_")
log2_ = _spelled_as_method("log2_")
logit_ = _spelled_as_method("logit_")
rad2deg_ = _spelled_as_method("rad2deg_")
reciprocal_ = _spelled_as_method("reciprocal_")
rsqrt_ = _spelled_as_method("rsqrt_")
sin_ = _spelled_as_method("sin_")
sinc_ = _spelled_as_method("sinc_")
sinh_ = _spelled_as_method("sinh_")
tan_ = _spelled_as_method("tan_")
trunc_ = _spelled_as_method("trunc_")
adjoint = _spelled_as_method("adjoint")
get_device = _spelled_as_method("get_device")
is_inference = _spelled_as_method("is_inference")
is_conj = _spelled_as_method("is_conj")
is_neg = _spelled_as_method("is_neg")
conj = _spelled_as_method("conj")
conj_physical = _spelled_as_method("conj_physical")
resolve_conj = _spelled_as_method("resolve_conj")
resolve_neg = _spelled_as_method("resolve_neg")
vdot = _spelled_as_method("vdot")
nonzero_static = _spelled_as_method("nonzero_static")


def real(input: Tensor) -> Tensor:
    """The real part: a real tensor itself."""
    return _as_tensor_input(input).real


def imag(input: Tensor) -> Tensor:
    """The imaginary part, which real tensors lack: a RuntimeError, as in PyTorch."""
    return _as_tensor_input(input).imag


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:
    """``input`` padded with ``value``: ``pad`` lists (before, after) pairs from the last dimension
    backwards (``F.pad`` in constant mode)."""
    from .nn.functional import pad as padded

    return padded(input, pad, mode="constant", value=value)


def asarray(
    obj: Any,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    copy: bool | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``obj`` as a tensor, sharing a tensor's memory where ``copy`` allows and nothing changes; with
    ``copy=True`` always a copy, with ``copy=False`` an error where a copy is needed (``torch.asarray``)."""
    if copy is not None and not isinstance(copy, (builtins.bool, np.bool_)):
        raise TypeError(f"asarray(): argument 'copy' must be a bool or None, got {copy!r}")
    made = as_tensor(obj, dtype=dtype, device=device)
    on_host = isinstance(obj, np.ndarray) and isinstance(made._data, np.ndarray)
    shares = made is obj or (on_host and np.may_share_memory(made._data, obj))
    if isinstance(obj, (Tensor, np.ndarray)) and not shares and copy is False:
        raise ValueError("asarray(): copy=False, but a copy is needed to change the dtype or device")
    if copy and shares:
        made = made.clone()
    return made.requires_grad_(True) if requires_grad else made

# Pointwise maths (round 9): the free functions of the Tensor methods of the same names
tan = _spelled_as_method("tan")
sinh = _spelled_as_method("sinh")
cosh = _spelled_as_method("cosh")
asin = arcsin = _spelled_as_method("asin")
acos = arccos = _spelled_as_method("acos")
atan = arctan = _spelled_as_method("atan")
asinh = arcsinh = _spelled_as_method("asinh")
acosh = arccosh = _spelled_as_method("acosh")
atanh = arctanh = _spelled_as_method("atanh")
log10 = _spelled_as_method("log10")
log2 = _spelled_as_method("log2")
exp2 = _spelled_as_method("exp2")
logaddexp = _spelled_as_method("logaddexp")
logaddexp2 = _spelled_as_method("logaddexp2")
logit = _spelled_as_method("logit")
sinc = _spelled_as_method("sinc")
deg2rad = _spelled_as_method("deg2rad")
rad2deg = _spelled_as_method("rad2deg")
floor_divide = _spelled_as_method("floor_divide")
copysign = _spelled_as_method("copysign")
heaviside = _spelled_as_method("heaviside")
fmax = _spelled_as_method("fmax")
fmin = _spelled_as_method("fmin")
nextafter = _spelled_as_method("nextafter")
ldexp = _spelled_as_method("ldexp")
frexp = _spelled_as_method("frexp")
signbit = _spelled_as_method("signbit")
sgn = _spelled_as_method("sgn")
fix = _spelled_as_method("fix")
i0 = _spelled_as_method("i0")
isneginf = _spelled_as_method("isneginf")
isposinf = _spelled_as_method("isposinf")
isreal = _spelled_as_method("isreal")
gcd = _spelled_as_method("gcd")
lcm = _spelled_as_method("lcm")
bitwise_and = _spelled_as_method("bitwise_and")
bitwise_or = _spelled_as_method("bitwise_or")
bitwise_xor = _spelled_as_method("bitwise_xor")
bitwise_not = _spelled_as_method("bitwise_not")
bitwise_left_shift = _spelled_as_method("bitwise_left_shift")
bitwise_right_shift = _spelled_as_method("bitwise_right_shift")
nansum = _spelled_as_method("nansum")
nanmedian = _spelled_as_method("nanmedian")
count_nonzero = _spelled_as_method("count_nonzero")
aminmax = _spelled_as_method("aminmax")


def float_power(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent`` in float64 (``torch.float_power``); either may be a number."""
    if not isinstance(input, Tensor) and isinstance(exponent, Tensor):
        input = tensor(input, dtype=np.dtype("float64"), device=exponent.device)
    return _as_tensor_input(input).float_power(exponent)
