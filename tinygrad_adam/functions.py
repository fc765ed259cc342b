"""PyTorch's free-function spellings: ``tg.exp(x)`` is ``x.exp()``, ``tg.max(x, 1)`` is ``x.max(1)``.

Each delegate turns a list or NumPy array into a tensor first (``tg.tensor``), then calls the
Tensor method of the same name, so arguments, results and gradients are the method's. The
creation functions (``eye``, ``linspace``, ``randint``, ``*_like``, ...) build on the constructors
in ``tensor.py`` and take ``dtype=`` and ``device=`` as they do.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .backend import get_backend
from .tensor import (
    DType,
    Tensor,
    _filled_like,
    _like,
    _resolve_dtype,
    _shape_arg,
    get_default_dtype,
    int64,
    rand,
    tensor,
    zeros,
)


def _as_tensor_input(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else tensor(value)


def _count_arg(value: Any, name: str, op: str) -> int:
    """A count (a size, a number of steps): a non-negative integer, or an error that names it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (builtins.int, np.integer)):
        raise TypeError(f"{op}: {name} must be an integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{op}: {name} must be non-negative, got {value}")
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
    """``data`` as a tensor, without a copy where it is one already of this dtype and device."""
    if isinstance(data, Tensor):
        moved = data if device is None else data.to(device)
        return moved if dtype is None else moved.astype(dtype)
    return tensor(data, dtype=dtype, device=device)


def allclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    """Whether ``|input - other| <= atol + rtol * |other|`` everywhere (shapes broadcast)."""
    a, b = _as_tensor_input(input), _as_tensor_input(other)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"allclose: shapes {a.shape} and {b.shape} cannot be broadcast together") from None
    return builtins.bool(np.allclose(a.numpy(), b.numpy(), rtol=rtol, atol=atol, equal_nan=equal_nan))


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
    input: Tensor, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    return _filled_like("zeros", input, "empty_like", dtype, device, requires_grad)


def full_like(
    input: Tensor,
    fill_value: float,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``input``'s shape and device (and dtype, unless told) filled with ``fill_value``."""
    filled = _like(input, "full_like").new_full(input.shape, fill_value, dtype=dtype, device=device)
    return _grad_if(filled, requires_grad)


def rand_like(
    input: Tensor, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    """Uniform draws on [0, 1) in ``input``'s shape, dtype and device (seeded by ``manual_seed``)."""
    return _filled_like("uniform", input, "rand_like", dtype, device, requires_grad)


def randn_like(
    input: Tensor, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal draws in ``input``'s shape, dtype and device (seeded by ``manual_seed``)."""
    return _filled_like("normal", input, "randn_like", dtype, device, requires_grad)


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


def randint(
    low: int | None = None,
    high: Any = None,
    size: Sequence[int] | None = None,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers drawn uniformly from [low, high) in a tensor of ``size``, int64 by default, from the
    device's generator (``manual_seed``): ``randint(low, high, size)``, ``randint(high, size)`` or
    ``randint(high=10, size=(3,))``, as in PyTorch."""
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
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    backend = get_backend(device)
    shape = _shape_arg((size,))
    xp = backend.xp
    uniform = backend.random("uniform", shape, np.dtype("float64"))
    drawn = xp.floor(uniform * (high - low)) + low  # float64 holds every integer below 2**53 exactly
    drawn = Tensor._wrap(xp.astype(drawn, backend.native_dtype(_resolve_dtype(dtype) or int64)), backend)
    return _grad_if(drawn, requires_grad)


def randperm(
    n: int, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    """A random ordering of 0, ..., n - 1 (int64 by default) from the device's generator (``manual_seed``)."""
    n = _count_arg(n, "n", "randperm")
    keys = rand(n, dtype=np.float64, device=device)
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
        raise ValueError(f"einsum: {equation!r} names {len(terms)} operand(s), got {len(operands)}")
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
            raise ValueError(
                f"einsum: {term!r} names {len(term)} axes of an operand of shape {operand.shape}"
            )
        term, operand = _diagonals_taken(term, operand)
        aligned_terms.append(term)
        aligned_operands.append(operand)
    letters = output + "".join(sorted(set("".join(aligned_terms)) - set(output)))
    if len(set(output)) != len(output) or set(output) - set("".join(aligned_terms)):
        raise ValueError(f"einsum: the output {output!r} must name each input letter at most once")
    lengths: dict[str, int] = {}
    for term, operand in zip(aligned_terms, aligned_operands):
        for letter, n in zip(term, operand.shape):
            if n != 1 and lengths.setdefault(letter, n) != n:
                raise ValueError(
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
            raise ValueError(f"einsum: axes {letter!r} of {term!r} differ in length ({operand.shape})")
        rest = [i for i in range(operand.ndim) if i not in (first, second)]
        positions = np.arange(operand.shape[first])
        operand = operand.permute(*rest, first, second)[..., positions, positions]
        term = "".join(term[i] for i in rest) + letter
    return term, operand
