"""Differentiable primitives: each op's forward (on arrays) beside its backward (on Tensors).

Backward rules are written with Tensor ops, so they are differentiable again when the engine runs
with ``create_graph=True``. Ops that are compositions of these (``mean``, ``var``, ``softmax``'s
friends, losses) live where they are used and need no backward of their own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import linear_fused
from .autograd import Function, is_grad_enabled
from .backend import Backend
from .tensor import Tensor, _write_at, sum_to, where, zeros_like

# ---------------------------------------------------------------------------------------------
# Elementwise arithmetic (broadcasting: gradients are summed back to each input's shape)


class Add(Function):
    saves_inputs = False

    def forward(self, a: Any, b: Any) -> Any:
        return a + b

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = self.inputs
        return sum_to(grad, a.shape), sum_to(grad, b.shape)


class Sub(Function):
    saves_inputs = False

    def forward(self, a: Any, b: Any) -> Any:
        return a - b

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        a, b = self.inputs
        return sum_to(grad, a.shape), sum_to(-grad, b.shape) if self.needs_input_grad[1] else None


class Mul(Function):
    reads_inputs_for_the_others = True

    def forward(self, a: Any, b: Any) -> Any:
        return a * b

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.inputs
        da = sum_to(grad * b, a.shape) if self.needs_input_grad[0] else None
        db = sum_to(grad * a, b.shape) if self.needs_input_grad[1] else None
        return da, db


class Div(Function):
    def forward(self, a: Any, b: Any) -> Any:
        return a / b

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.inputs
        da = sum_to(grad / b, a.shape) if self.needs_input_grad[0] else None
        db = sum_to(-grad * a / (b * b), b.shape) if self.needs_input_grad[1] else None
        return da, db


class Pow(Function):
    """a ** b; d/da = b a^(b-1), d/db = a^b log a.

    As in PyTorch, d/da is 0 where b = 0 and d/db is 0 where a = 0 and b >= 0 (a^b is constant
    there), not the nan or -inf that 0 · inf and 0 · log 0 would give.
    """

    saves_output = True

    def forward(self, a: Any, b: Any) -> Any:
        xp = self.xp
        if xp.isdtype(a.dtype, "real floating") or not bool(xp.any(b < 0)):
            return xp.pow(a, b)
        # An integer to a negative power, as in PyTorch: 1/a^n truncated to an integer, so 1 for
        # a = 1, ±1 for a = -1 (by n's parity) and 0 otherwise (NumPy refuses these).
        negative = b < 0
        powered = xp.pow(a, xp.where(negative, xp.zeros_like(b), b))
        one, zero = xp.ones_like(powered), xp.zeros_like(powered)
        inverse = xp.where(a == 1, one, xp.where(a == -1, xp.where(b % 2 == 0, one, -one), zero))
        return xp.where(negative, inverse, powered)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.inputs
        da = db = None
        if self.needs_input_grad[0]:
            da = sum_to(where(b == 0, 0.0, grad * b * a ** (b - 1)), a.shape)
        if self.needs_input_grad[1]:
            db = sum_to(where((a == 0) & (b >= 0), 0.0, grad * self.output * a.log()), b.shape)
        return da, db


class Maximum(Function):
    """Elementwise max; a tie sends half of the gradient to each side, and a side gets none only
    where it loses: both get all of it where a comparison fails (a nan), as in PyTorch."""

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.maximum(a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = self.inputs
        return _tie_shares(grad, a, b, a < b, a > b)


class Minimum(Function):
    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.minimum(a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = self.inputs
        return _tie_shares(grad, a, b, a > b, a < b)


def _tie_shares(
    grad: Tensor, a: Tensor, b: Tensor, a_loses: Tensor, b_loses: Tensor
) -> tuple[Tensor, Tensor]:
    """The gradients of max/min(a, b): half each at a tie, none to the side that loses."""
    half = 1 - (a == b).astype(grad.dtype) * 0.5
    share_a = half * (~a_loses).astype(grad.dtype)
    share_b = half * (~b_loses).astype(grad.dtype)
    return sum_to(grad * share_a, a.shape), sum_to(grad * share_b, b.shape)


class FloorDivide(Function):
    """⌊a / b⌋, rounded toward -∞ (Python's ``//``). No derivative, as in PyTorch: backward raises.

    The quotient is piecewise constant, so its true gradient is 0 almost everywhere; PyTorch refuses
    to backpropagate through it rather than hand back zeros that may hide a bug, and so do we.
    """

    saves_inputs = False

    def forward(self, a: Any, b: Any) -> Any:
        _refuse_integer_zero(self.xp, b, "//")
        return self.xp.floor_divide(a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        raise RuntimeError(
            "the derivative of floor division (//) is not implemented, as in PyTorch (it is 0 almost "
            "everywhere); detach() the operands if the quotient is meant as a constant"
        )


class Remainder(Function):
    """a mod b = a - b⌊a / b⌋, with the sign of b (Python's ``%``, ``torch.remainder``).

    d/da = 1 and d/db = -⌊a / b⌋, as in PyTorch; the quotient enters as a constant (its own
    derivative is 0 almost everywhere), so second derivatives through it are 0 too.
    """

    def forward(self, a: Any, b: Any) -> Any:
        _refuse_integer_zero(self.xp, b, "%")
        return self.xp.remainder(a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.inputs
        da = sum_to(grad, a.shape) if self.needs_input_grad[0] else None
        db = None
        if self.needs_input_grad[1]:
            quotient = Tensor._wrap(self.xp.floor_divide(a._data, b._data), self.backend)
            db = sum_to(-grad * quotient, b.shape)
        return da, db


class IntegerDivisionByZeroError(ZeroDivisionError, RuntimeError):
    """An integer divided by zero: PyTorch's RuntimeError ("ZeroDivisionError"), and Python's own."""


def _refuse_integer_zero(xp: Any, divisor: Any, op: str) -> None:
    """Integer division by zero has no value: an error, as PyTorch raises (NumPy gives 0)."""
    if not xp.isdtype(divisor.dtype, "real floating") and bool(xp.any(divisor == 0)):
        raise IntegerDivisionByZeroError(f"integer {op} by zero: a divisor is 0")


class MatMul(Function):
    """a @ b with NumPy's rules for 1-D operands and batch broadcasting."""

    reads_inputs_for_the_others = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.matmul(a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.inputs
        # Promote 1-D operands to matrices so one rule covers every case, then undo it.
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        g2 = grad
        if a.ndim == 1:
            g2 = g2.reshape(*g2.shape[:-1], 1, g2.shape[-1]) if b.ndim > 1 else g2.reshape(1, 1)
        if b.ndim == 1:
            g2 = g2.reshape(*g2.shape, 1)
        da = db = None
        if self.needs_input_grad[0]:
            da = sum_to(product(g2, b2.transpose()), a2.shape).reshape(*a.shape)
        if self.needs_input_grad[1]:
            db = sum_to(product(a2.transpose(), g2), b2.shape).reshape(*b.shape)
        return da, db


def product(left: Tensor, right: Tensor) -> Tensor:
    """``left @ right``; over a contracted axis of length 1 (one sample, a vector operand) as the
    broadcast outer product, which has the same values and which OpenBLAS computes several times faster."""
    return left * right if left.shape[-1] == 1 else left @ right


class Linear(Function):
    """x Wᵀ + b, then ReLU if ``relu``, as one node (``W`` of shape (out, in)): the layer of small nets.

    One node instead of transpose, matmul, add (and ReLU) saves their Python overhead both ways.
    Backward: g ← g·[y > 0] (ReLU), dx = g W, dW = gᵀ x, db = Σ g over the batch axes; in Tensor
    ops when a graph of the gradients is being built (create_graph), else directly on arrays, where
    with numba (the ``fast`` extra) the bias, ReLU and their gradients take one compiled pass each
    way (``linear_fused.py``, bit for bit these lines).
    """

    def forward(self, x: Any, weight: Any, bias: Any = None, relu: bool = False) -> Any:
        xp = self.xp
        self.relu = relu
        out = xp.matmul(x, weight.T)
        self.loops = linear_fused.loops_for(out, weight, bias) if self.backend.is_host else None
        if self.loops is not None:  # one compiled pass (the `fast` extra)
            if bias is not None or relu:
                self.active = linear_fused.forward(self.loops, out, bias, relu)
            return out
        if bias is not None:
            out += bias
        if relu:
            out = xp.maximum(out, xp.zeros((), dtype=out.dtype, **self.backend.creation_kwargs))
            self.active = out > 0
        return out

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = self.inputs[0], self.inputs[1]
        needs = self.needs_input_grad
        out_features, in_features = weight.shape
        if is_grad_enabled():  # create_graph: the gradients must be differentiable
            if self.relu:
                grad = MaskedGrad.apply(
                    grad, *self.inputs, mask=self.xp.astype(self.active, grad._data.dtype)
                )
            g2, x2 = grad.reshape(-1, out_features), x.reshape(-1, in_features)
            dx = grad @ weight if needs[0] else None
            dw = g2.transpose() @ x2 if needs[1] else None
            db = g2.sum(axis=0) if len(needs) > 2 and needs[2] else None
            return (dx, dw, db)[: len(needs)]
        xp, backend, g = self.xp, self.backend, grad._data
        wants_bias = len(needs) > 2 and needs[2]
        bias_grad = None
        if self.loops is not None and g.dtype == x._data.dtype:
            g2, bias_grad = linear_fused.backward(
                self.loops, xp.reshape(g, (-1, out_features)), self.active if self.relu else None, wants_bias
            )
            g = xp.reshape(g2, g.shape)
        else:
            if self.relu:
                g = g * xp.astype(self.active, g.dtype)
            g2 = g if g.ndim == 2 else xp.reshape(g, (-1, out_features))
        results: list[Tensor | None] = [None] * len(needs)
        if needs[0]:
            results[0] = Tensor._wrap(xp.matmul(g, weight._data), backend)
        if needs[1]:
            x2 = x._data if g.ndim == 2 else xp.reshape(x._data, (-1, in_features))
            if g2.shape[0] == 1 and backend.is_host:
                # One sample: OpenBLAS takes the rank-one product about 9x slower than a two-row
                # one, so a zero row is added to each side (it adds exact zeros to dW).
                x2 = xp.concat([x2, xp.zeros_like(x2)], axis=0)
                g2 = xp.concat([g2, xp.zeros_like(g2)], axis=0)
            if backend.is_transposed(weight._data):  # dW in the weight's own layout: (xᵀ g)ᵀ
                results[1] = Tensor._wrap(xp.matmul(x2.T, g2).T, backend)
            else:
                results[1] = Tensor._wrap(xp.matmul(g2.T, x2), backend)
        if wants_bias:
            results[2] = Tensor._wrap(xp.sum(g2, axis=0) if bias_grad is None else bias_grad, backend)
        return tuple(results)


class Neg(Function):
    saves_inputs = False

    def forward(self, a: Any) -> Any:
        return -a

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (-grad,)


class Exp(Function):
    saves_inputs = False
    saves_output = True

    def forward(self, a: Any) -> Any:
        return self.xp.exp(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * self.output,)


class Log(Function):
    def forward(self, a: Any) -> Any:
        return self.xp.log(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad / self.inputs[0],)


class Sqrt(Function):
    saves_inputs = False
    saves_output = True

    def forward(self, a: Any) -> Any:
        return self.xp.sqrt(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad / (2 * self.output),)


class Tanh(Function):
    saves_inputs = False
    saves_output = True

    def forward(self, a: Any) -> Any:
        return self.xp.tanh(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        out = self.output
        return (grad * (1 - out * out),)


def sigmoid_array(xp: Any, a: Any) -> Any:
    """σ(a) of an array without overflow: with e = e^(−|a|) in (0, 1], σ = 1 / (1 + e) for a >= 0
    and e / (1 + e) below; the numerator is picked by a maximum, not a branch."""
    e = xp.exp(-xp.abs(a))
    numerator = xp.maximum(e, xp.astype(a >= 0, e.dtype))
    numerator /= 1 + e
    return numerator


class Sin(Function):
    def forward(self, a: Any) -> Any:
        return self.xp.sin(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * self.inputs[0].cos(),)


class Cos(Function):
    def forward(self, a: Any) -> Any:
        return self.xp.cos(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (-grad * self.inputs[0].sin(),)


class Sigmoid(Function):
    """1 / (1 + e^-x), computed without overflow for large |x|."""

    saves_inputs = False
    saves_output = True

    def forward(self, a: Any) -> Any:
        return sigmoid_array(self.xp, a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        out = self.output
        return (grad * out * (1 - out),)


class Relu(Function):
    """max(x, 0); the gradient passes where not x <= 0: x > 0, and nan, as PyTorch's threshold
    backward does (on arrays directly unless create_graph)."""

    def forward(self, a: Any) -> Any:
        return self.xp.maximum(a, 0)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        if is_grad_enabled():  # create_graph: the gradient must be differentiable
            passes = self.xp.astype(~(self.inputs[0]._data <= 0), grad._data.dtype)
            return (MaskedGrad.apply(grad, self.inputs[0], mask=passes),)
        g = grad._data
        return (Tensor._wrap(g * self.xp.astype(~(self.inputs[0]._data <= 0), g.dtype), grad._backend),)


class MaskedGrad(Function):
    """``grad · mask``: the gradient a piecewise-linear op (ReLU) passes back, its mask a constant
    of the op's ``sources``, as PyTorch's ``threshold_backward``.

    The sources stay inputs with derivative 0, so with ``create_graph`` the gradient is connected
    to them: a second derivative through ReLU is zeros, as in PyTorch, not an "unused input" error.
    """

    saves_inputs = False

    def forward(self, grad: Any, *sources: Any, mask: Any) -> Any:
        self.mask = mask
        return grad * mask

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        grad_in, *sources = self.inputs
        masked = MaskedGrad.apply(grad, *sources, mask=self.mask) if self.needs_input_grad[0] else None
        zeros = [
            Tensor._wrap(self.xp.zeros_like(s._data), s._backend) if s.requires_grad else None
            for s in sources
        ]
        return (masked, *zeros)


class Abs(Function):
    def forward(self, a: Any) -> Any:
        return self.xp.abs(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * self.inputs[0].sign(),)


class Sign(Function):
    """-1, 0 or 1; 0 for nan, as in PyTorch (NumPy gives nan), so |x|' = sign(x) is 0 there too."""

    saves_inputs = False

    def forward(self, a: Any) -> Any:
        xp = self.xp
        if not xp.isdtype(a.dtype, "real floating"):
            return xp.sign(a)
        return xp.astype(a > 0, a.dtype) - xp.astype(a < 0, a.dtype)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * 0,)


class Clip(Function):
    """Clamp to [low, high]; the gradient passes where the input lies inside the range."""

    def forward(self, a: Any, low: float | None, high: float | None) -> Any:
        self.low, self.high = low, high
        return self.xp.clip(a, low, high)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        a = self.inputs[0]
        inside = a == a
        if self.low is not None:
            inside = inside & (a >= self.low)
        if self.high is not None:
            inside = inside & (a <= self.high)
        return (grad * inside.astype(grad.dtype),)


class Cast(Function):
    """Change the float dtype; the gradient is cast back."""

    saves_inputs = False

    def forward(self, a: Any, dtype: Any) -> Any:
        return self.xp.astype(a, dtype)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.astype(self.inputs[0].dtype),)


class ToDevice(Function):
    """Copy to another device through the host; the gradient travels back the same way."""

    saves_inputs = False

    @classmethod
    def apply(cls, a: Tensor, target: Backend) -> Tensor:  # type: ignore[override]
        out = super().apply(a, target=target)
        out._backend = target  # the generic apply puts outputs on the input's device
        return out

    def forward(self, a: Any, target: Backend) -> Any:
        return target.asarray(self.backend.to_numpy(a))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.to(self.inputs[0].device),)


# ---------------------------------------------------------------------------------------------
# Reductions


class Sum(Function):
    saves_inputs = False

    def forward(self, a: Any, axis: Any, keepdims: bool) -> Any:
        self.axis, self.keepdims = axis, keepdims
        return self.xp.sum(a, axis=axis, keepdims=keepdims)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        shape = self.inputs[0].shape
        if not self.keepdims:
            grad = grad.reshape(*_kept_shape(shape, self.axis))
        return (grad.expand(*shape),)


class Max(Function):
    """Largest value along ``axis``; ties share the gradient equally (like ``torch.amax``)."""

    saves_output = True

    def forward(self, a: Any, axis: Any, keepdims: bool) -> Any:
        self.axis, self.keepdims = axis, keepdims
        return self.xp.max(a, axis=axis, keepdims=keepdims)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (_extremum_grad(self, grad),)


class Min(Max):
    def forward(self, a: Any, axis: Any, keepdims: bool) -> Any:
        self.axis, self.keepdims = axis, keepdims
        return self.xp.min(a, axis=axis, keepdims=keepdims)


class Prod(Function):
    """Product along ``axis``; d/dx_i = Π_{j≠i} x_j, exact where entries are 0 (as in PyTorch).

    Π_{j≠i} x_j is the product of the other entries with zeros read as 1, where no *other* entry
    is 0, and 0 where one is: no division by zero. Second derivatives are exact away from zeros.
    """

    def forward(self, a: Any, axis: Any, keepdims: bool) -> Any:
        self.axis, self.keepdims = axis, keepdims
        return self.xp.prod(a, axis=axis, keepdims=keepdims)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        grad = grad.reshape(*_kept_shape(x.shape, self.axis))
        is_zero = (x == 0).astype(x.dtype)
        nonzero = where(x == 0, 1.0, x)
        other_zeros = is_zero.sum(axis=self.axis, keepdims=True) - is_zero
        others = nonzero.prod(axis=self.axis, keepdims=True) / nonzero
        return (grad * where(other_zeros == 0, others, 0.0),)


class VarianceWithoutDegreesOfFreedom(Function):
    """Σ (x - x̄)² / max(n - correction, 0) for correction >= n: nan, or inf where the values differ.

    The gradient is PyTorch's ``var_backward``, 2 (x - x̄) / (n - correction) with the divisor not
    clamped: -0 past n (not the 0 · ∞ = nan of differentiating the clamped quotient), ±inf at n.
    """

    def forward(self, a: Any, axis: Any, keepdims: bool, divisor: float) -> Any:
        self.axis, self.keepdims, self.divisor = axis, keepdims, divisor
        centred = a - self.xp.mean(a, axis=axis, keepdims=True)
        return self.xp.sum(centred * centred, axis=axis, keepdims=keepdims) / 0.0

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        if not self.keepdims:
            grad = grad.reshape(*_kept_shape(x.shape, self.axis))
        scale = math.inf if self.divisor == 0 else 2.0 / self.divisor
        return (grad * scale * (x - x.mean(self.axis, keepdims=True)),)


def _accumulated_in_float32(function: Function, running: Any, a: Any, axis: int) -> Any:
    """``running(a, axis=axis)``; float16 accumulates in float32 and rounds each output, as PyTorch's
    cumsum/cumprod (3000 running sums of 3.3 reach 9904, not float16's stuck 8192)."""
    if function.backend.numpy_dtype(a.dtype) != np.float16:
        return running(a, axis=axis)
    xp = function.xp
    return xp.astype(running(xp.astype(a, xp.float32), axis=axis), a.dtype)


class CumSum(Function):
    """Running sums along ``axis``; the gradient is the running sum of the gradient from the far end."""

    saves_inputs = False

    def forward(self, a: Any, axis: int) -> Any:
        self.axis = axis
        return _accumulated_in_float32(self, self.xp.cumulative_sum, a, axis)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.flip(self.axis).cumsum(self.axis).flip(self.axis),)


class CumProd(Function):
    """Running products y_k = Π_{j<=k} x_j along ``axis``, with a gradient exact where entries are 0.

    dL/dx_i = Σ_{k>=i} g_k Π_{j<=k, j≠i} x_j. Before the first zero of a slice this is
    (Σ_{k>=i} g_k y_k) / x_i (x_i ≠ 0 there); at the first zero it is Σ_{k>=i} g_k ỹ_k, with ỹ the
    running product of x whose first zero is read as 1; after it, 0 (the product holds that zero).
    No division by zero happens, as in PyTorch's ``cumprod_backward``. That last 0 is a constant,
    though, so when the gradient must be differentiable (create_graph) and x holds a zero, the sum
    is taken as written instead, with O(n²) memory as PyTorch does: row i of an n × n matrix holds
    x with x_i read as 1, and its running products are the Π_{j<=k, j≠i} x_j.
    """

    def forward(self, a: Any, axis: int) -> Any:
        self.axis = axis
        return _accumulated_in_float32(self, self.xp.cumulative_prod, a, axis)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, axis = self.inputs[0], self.axis
        if is_grad_enabled() and (x == 0).any().item():
            return (_cumprod_grad_by_rows(x, grad, axis),)

        def reverse_cumsum(t: Tensor) -> Tensor:
            return t.flip(axis).cumsum(axis).flip(axis)

        is_zero = x == 0
        zeros_so_far = is_zero.astype(np.dtype("int64")).cumsum(axis)
        before_first_zero = zeros_so_far == 0
        first_zero = is_zero & (zeros_so_far == 1)
        before = reverse_cumsum(grad * x.cumprod(axis)) / where(before_first_zero, x, 1.0)
        at = reverse_cumsum(grad * where(first_zero, 1.0, x).cumprod(axis))
        return (where(before_first_zero, before, where(first_zero, at, 0.0)),)


def _cumprod_grad_by_rows(x: Tensor, grad: Tensor, axis: int) -> Tensor:
    """dL/dx_i = Σ_{k>=i} g_k Π_{j<=k, j≠i} x_j along ``axis`` as Tensor ops without a mask that
    depends on where x is 0, so its own derivatives are exact there too (O(n²) memory)."""
    n = x.shape[axis]
    last = x.transpose(axis, -1).unsqueeze(-2)  # (..., 1, n): row i of the matrix below, before x_i → 1
    diagonal = Tensor(np.eye(n, dtype=bool), device=x.device)
    later = Tensor(np.triu(np.ones((n, n), dtype=bool)), device=x.device)  # k >= i
    others = where(diagonal, 1.0, last).cumprod(-1)  # [..., i, k] = Π_{j<=k, j≠i} x_j
    terms = where(later, grad.transpose(axis, -1).unsqueeze(-2) * others, 0.0)
    return terms.sum(-1).transpose(axis, -1)


class Norm(Function):
    """The vector p-norm along ``axis``, ‖x‖_p = (Σ |x|^p)^(1/p); max |x| for p = inf, min |x| for
    p = -inf, the count of nonzeros for p = 0.

    Backward is PyTorch's (its ``norm_backward``): d‖x‖/dx = sign(x) |x|^(p-1) ‖x‖^(1-p), read as 0
    where x = 0 or ‖x‖ = 0 (so the 2-norm of zeros has gradient 0, not nan); for p = ±inf the
    entries that attain the norm share it; p = 0 has no gradient.
    """

    saves_output = True

    def forward(self, a: Any, p: float, axis: Any, keepdims: bool) -> Any:
        xp = self.xp
        self.p, self.axis, self.keepdims = p, axis, keepdims
        if self.backend.numpy_dtype(a.dtype) == np.float16 and not math.isinf(p):
            # PyTorch sums half precision in float32: Σ x² of float16 would overflow past 65504
            half = self.backend.native_dtype(np.dtype(np.float16))
            return xp.astype(self.forward(xp.astype(a, xp.float32), p, axis, keepdims), half)
        size = xp.abs(a)
        if p == math.inf:
            return xp.max(size, axis=axis, keepdims=keepdims)
        if p == -math.inf:
            return xp.min(size, axis=axis, keepdims=keepdims)
        if p == 0:
            return xp.sum(xp.astype(a != 0, a.dtype), axis=axis, keepdims=keepdims)
        if p == 1:
            return xp.sum(size, axis=axis, keepdims=keepdims)
        if p == 2:
            return xp.sqrt(xp.sum(a * a, axis=axis, keepdims=keepdims))
        return xp.sum(size**p, axis=axis, keepdims=keepdims) ** (1 / p)

    def backward(self, grad: Tensor) -> tuple[Tensor | None]:
        x, p = self.inputs[0], self.p
        if p == 0:
            return (None,)
        kept = _kept_shape(x.shape, self.axis)
        norm, grad = self.output.reshape(*kept), grad.reshape(*kept)
        size = x.abs()
        if math.isinf(p):
            hits = ((size == norm) | (size != size)).astype(x.dtype)  # nan entries attain it too
            return (x.sign() * grad * hits / hits.sum(axis=self.axis, keepdims=True),)
        if p == 2:  # x / ‖x‖, where x is all zeros if ‖x‖ is
            return (grad * x / where(norm == 0, 1.0, norm),)
        # Zeros are replaced by 1 before the powers, so no inf or nan appears even in create_graph.
        scaled = where(x == 0, 0.0, x.sign() * where(x == 0, 1.0, size) ** (p - 1))
        factor = where(norm == 0, 0.0, where(norm == 0, 1.0, norm) ** (1 - p))
        return (grad * scaled * factor,)


def _kept_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """``shape`` with the reduced axes kept as size 1."""
    if axis is None:
        return (1,) * len(shape)
    axes = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _extremum_grad(fn: Max, grad: Tensor) -> Tensor:
    a = fn.inputs[0]
    kept = _kept_shape(a.shape, fn.axis)
    out = fn.output.reshape(*kept)
    grad = grad.reshape(*kept)
    hits = a == out
    if fn.axis is None:  # as PyTorch's x.max(): a nan result came from the nan entries, which share it
        hits = hits | ((a != a) & (out != out))
    hits = hits.astype(grad.dtype)
    return grad * hits / hits.sum(axis=fn.axis, keepdims=True)


# ---------------------------------------------------------------------------------------------
# Shape and indexing


class Reshape(Function):
    saves_inputs = False

    def forward(self, a: Any, shape: tuple[int, ...]) -> Any:
        return self.xp.reshape(a, shape)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.reshape(*self.inputs[0].shape),)


class Permute(Function):
    saves_inputs = False

    def forward(self, a: Any, axes: tuple[int, ...]) -> Any:
        self.axes = axes
        return self.xp.permute_dims(a, axes)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        inverse = [0] * len(self.axes)
        for position, axis in enumerate(self.axes):
            inverse[axis] = position
        return (grad.permute(*inverse),)


class Expand(Function):
    saves_inputs = False

    def forward(self, a: Any, shape: tuple[int, ...]) -> Any:
        return self.xp.broadcast_to(a, shape)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (sum_to(grad, self.inputs[0].shape),)


class Flip(Function):
    """Reverse the order along ``axis`` (an int or a tuple); its own adjoint."""

    saves_inputs = False

    def forward(self, a: Any, axis: Any) -> Any:
        self.axis = axis
        return self.xp.flip(a, axis=axis)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.flip(self.axis),)


class GetItem(Function):
    """Basic and integer-array indexing; backward scatter-adds, so repeated indices accumulate."""

    saves_inputs = False

    def forward(self, a: Any, index: Any, advanced: bool) -> Any:
        self.index, self.advanced = index, advanced
        return self.backend.getitem(a, index)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        source = self.inputs[0]
        return (IndexAdd.apply(grad, shape=source.shape, index=self.index, advanced=self.advanced),)

    def adds_into(self) -> bool:
        """Basic indices (slices, integers) pick each element once: their gradient adds in place."""
        return not self.advanced and self.needs_input_grad[0]

    def add_into(self, total: Any, grad: Any) -> Any:
        """``total[index] += grad``, in place where the backend can (the engine's sum of the
        input's gradient); returns the array that holds the result."""
        index = self.index
        parts = index if isinstance(index, tuple) else (index,)
        if any(part is None for part in parts):  # new axes: dropped from index and values, as in IndexAdd
            index = tuple(part for part in parts if part is not None)
            grad = self.xp.reshape(grad, _basic_index_shape(total.shape, index))
        return self.backend.add_at(total, index, grad)


class IndexAdd(Function):
    """Zeros of ``shape`` with ``values`` added at ``index``: the adjoint of ``GetItem``."""

    saves_inputs = False

    def forward(self, values: Any, shape: tuple[int, ...], index: Any, advanced: bool) -> Any:
        self.index, self.advanced = index, advanced
        if advanced:
            return self.backend.index_add(shape, index, values)
        out = self.xp.zeros(shape, dtype=values.dtype, **self.backend.creation_kwargs)
        parts = index if isinstance(index, tuple) else (index,)
        if any(part is None for part in parts):
            # New axes (None) have size 1 and cannot be assigned through (the Array API forbids
            # them in __setitem__): drop them from the index and from the values alike.
            index = tuple(part for part in parts if part is not None)
            values = self.xp.reshape(values, _basic_index_shape(shape, index))
        # Through the backend: the strict Array API refuses some indices NumPy takes (a slice
        # stop past the end, a bool), which setitem then applies on the host.
        return self.backend.setitem(out, index, values)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (GetItem.apply(grad, index=self.index, advanced=self.advanced),)


class SetItem(Function):
    """``a`` with ``value`` written at ``index`` (``a[index] = value`` recorded by autograd, PyTorch's
    ``index_put``): the selection's gradient goes to ``value`` (summed over its broadcast), the rest
    to ``a``."""

    saves_inputs = False

    def forward(self, a: Any, value: Any, index: Any) -> Any:
        self.index = index
        out = Tensor._wrap(self.backend.copy_like(a, a), self.backend)
        _write_at(out, index, Tensor._wrap(value, self.backend))
        return out._data

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        value = self.inputs[1]
        grad_a = grad_value = None
        if self.needs_input_grad[0]:  # nothing of the old values is left where the value was written
            zero = self.xp.zeros((), dtype=grad._data.dtype, **self.backend.creation_kwargs)
            grad_a = SetItem.apply(grad, Tensor._wrap(zero, self.backend), index=self.index)
        if self.needs_input_grad[1]:
            selected = grad[self.index]
            if selected.ndim < value.ndim:  # a value with leading 1s (a[0] = v of shape (1, n))
                selected = selected.reshape(*(1,) * (value.ndim - selected.ndim), *selected.shape)
            grad_value = sum_to(selected, value.shape) if selected.shape != value.shape else selected
            if grad_value.dtype != value.dtype:
                grad_value = grad_value.astype(value.dtype)
        return grad_a, grad_value


class StaleView(Function):
    """The ``grad_fn`` of a view (a reshape, a transpose, ...) taken before an in-place change of its
    graph tensor: the old graph would give the old value's gradient, so backward through it refuses."""

    saves_inputs = False

    @classmethod
    def of(cls, view: Tensor) -> StaleView:
        node = cls()
        node.backend, node.shape, node.freed = view._backend, view.shape, False
        node.inputs, node.edges, node.needs_input_grad = (), (), ()
        return node

    def backward(self, grad: Tensor) -> tuple[()]:
        raise RuntimeError(
            f"a view of shape {self.shape} was taken of a tensor before an in-place change of that tensor, "
            "and used after it: its gradient would be the old value's; take the view again after the change "
            "(a slice, x[i], follows the change by itself)"
        )


class Overwrite(Function):
    """A constant written over a graph tensor (``h.fill_(0)``, ``h.zero_()``): the values before
    get a zero gradient, as PyTorch's ``FillBackward``."""

    saves_inputs = False

    def forward(self, a: Any, data: Any) -> Any:
        return data

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (zeros_like(grad),)


class Scatter(Function):
    """``target`` with ``values`` written at the advanced ``index`` (``Tensor.scatter``); where an
    index repeats, one of the values is kept (the last on the host, any on a GPU, as in PyTorch).

    Backward: the target gets the gradient where nothing was written, the values their positions'.
    """

    saves_inputs = False

    def forward(self, target: Any, values: Any, index: Any) -> Any:
        xp, backend = self.xp, self.backend
        self.index = index
        written = xp.zeros(target.shape, dtype=xp.bool, **backend.creation_kwargs)
        ones = xp.ones(values.shape, dtype=xp.bool, **backend.creation_kwargs)
        self.written = backend.setitem(written, index, ones)
        return backend.setitem(xp.asarray(target, copy=True), index, values)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        written = Tensor._wrap(self.written, self.backend)
        da = where(written, 0.0, grad) if self.needs_input_grad[0] else None
        db = GetItem.apply(grad, index=self.index, advanced=True) if self.needs_input_grad[1] else None
        return da, db


def _basic_index_shape(shape: tuple[int, ...], index: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape of ``array[index]`` for an array of ``shape``, without allocating one."""
    return np.broadcast_to(np.empty(()), shape)[index].shape


class Concatenate(Function):
    saves_inputs = False

    def forward(self, *arrays: Any, axis: int) -> Any:
        self.axis = axis
        return self.xp.concat(arrays, axis=axis)

    def backward(self, grad: Tensor) -> tuple[Tensor, ...]:
        grads, start = [], 0
        axis = self.axis % grad.ndim
        for tensor in self.inputs:
            stop = start + tensor.shape[axis]
            grads.append(grad[(slice(None),) * axis + (slice(start, stop),)])
            start = stop
        return tuple(grads)


class Where(Function):
    """``condition ? a : b``; the condition is a boolean tensor without gradient."""

    def forward(self, condition: Any, a: Any, b: Any) -> Any:
        return self.backend.where(condition, a, b)

    def backward(self, grad: Tensor) -> tuple[None, Tensor | None, Tensor | None]:
        condition, a, b = self.inputs
        zero = grad * 0
        da = sum_to(Where.apply(condition, grad, zero), a.shape) if self.needs_input_grad[1] else None
        db = sum_to(Where.apply(condition, zero, grad), b.shape) if self.needs_input_grad[2] else None
        return None, da, db


# ---------------------------------------------------------------------------------------------
# Softmax family (numerically stable: shift by the max before exponentiating)


class LogSoftmax(Function):
    """log softmax(x) = x - max - log Σ exp(x - max)."""

    saves_inputs = False
    saves_output = True

    def forward(self, a: Any, axis: int) -> Any:
        xp = self.xp
        self.axis = axis
        shifted = a - xp.max(a, axis=axis, keepdims=True)
        shifted -= xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))
        return shifted

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        if is_grad_enabled():  # create_graph: the gradient as Tensor ops
            return (grad - self.output.exp() * grad.sum(axis=self.axis, keepdims=True),)
        xp, g = self.xp, grad._data
        dx = xp.exp(self.output._data)
        dx *= xp.sum(g, axis=self.axis, keepdims=True)
        return (Tensor._wrap(g - dx, grad._backend),)


class Softmax(Function):
    saves_inputs = False
    saves_output = True

    def forward(self, a: Any, axis: int) -> Any:
        xp = self.xp
        self.axis = axis
        e = xp.exp(a - xp.max(a, axis=axis, keepdims=True))
        e /= xp.sum(e, axis=axis, keepdims=True)
        return e

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        out = self.output
        if is_grad_enabled():  # create_graph: the gradient as Tensor ops
            return (out * (grad - (grad * out).sum(axis=self.axis, keepdims=True)),)
        xp, g, y = self.xp, grad._data, out._data
        dx = g - xp.sum(g * y, axis=self.axis, keepdims=True)
        dx *= y
        return (Tensor._wrap(dx, grad._backend),)
