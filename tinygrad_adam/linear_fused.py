"""Compiled elementwise loops for ``ops.Linear`` (optional, ``pip install tinygrad_adam[fast]``).

After BLAS has made x Wᵀ, the plain layer takes several array passes: add the bias, ReLU into a
new array, the mask y > 0; backward, the mask as floats, g·mask, and Σ g over the batch for the
bias. On a small net's (128, 256) activations each pass costs a few microseconds of NumPy
dispatch and broadcasting, about as much as the arithmetic. These loops make one pass each way:
forward y = max(x Wᵀ + b, 0) in place with its mask, backward g·mask and its column sums.

They make the plain path's operations in the same order (NumPy's ``maximum``, which keeps NaN and
−0; g times a 1 or 0 of its dtype; the batch sum from 0, row after row, as NumPy reduces axis 0), in the
array dtype and without fast-math, so outputs and gradients are the plain path's bit for bit
(tests/test_linear_fused.py). ``use_compiled`` picks the path: None (default) when numba imports,
False never, True requires numba. CuPy, the strict backend, float16 and gradients that build a
graph (``create_graph``) keep the plain path. numba is imported on first use only.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

import numpy as np

use_compiled: bool | None = None
COMPILED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def loops_for(out: Any, weight: Any, bias: Any | None) -> Any | None:
    """The compiled loops when they may run on a layer's NumPy arrays (one dtype, float32 or
    float64) and ``use_compiled`` allows them; else None. Asked once per forward: kept cheap."""
    if use_compiled is False or out.dtype not in COMPILED_DTYPES or weight.dtype != out.dtype:
        return None
    if bias is not None and bias.dtype != out.dtype:
        return None
    if not _numba_imports():
        if use_compiled:
            raise ImportError(
                "linear_fused.use_compiled = True needs numba: pip install 'tinygrad_adam[fast]' "
                "(or numba), or set it to None to use the loops only when numba is installed"
            )
        return None
    return kernels()


def _numba_imports() -> bool:
    from .optim.fused import numba_available  # one check for every compiled path (optim is lazy)

    return numba_available()


def forward(loops: Any, out: Any, bias: Any | None, relu: bool) -> Any | None:
    """``out`` ← out + b, then ReLU if ``relu``, in place; returns the mask y > 0 (ReLU) or None."""
    rows = out.reshape(-1, out.shape[-1])  # a view: matmul's result is contiguous
    if not relu:
        loops.add_bias(rows, bias)
        return None
    active = np.empty(out.shape, dtype=np.bool_)
    if bias is None:
        loops.relu(rows, active.reshape(rows.shape))
    else:
        loops.bias_relu(rows, bias, active.reshape(rows.shape))
    return active


def backward(loops: Any, grad: Any, active: Any | None, bias_grad: bool) -> tuple[Any, Any | None]:
    """(g·mask, Σ over rows of g·mask) for a 2-D ``grad``: the gradient ReLU passes back (``grad``
    itself without ``active``) and, if ``bias_grad``, the bias's gradient (None otherwise)."""
    rows, columns = grad.shape
    if rows == 0 or not grad.flags.c_contiguous:  # an empty batch, or a broadcast gradient: NumPy
        masked = grad if active is None else grad * active.reshape(grad.shape).astype(grad.dtype)
        return masked, np.sum(masked, axis=0) if bias_grad else None
    if active is None:
        masked = grad
    else:
        masked = np.empty_like(grad)
        if bias_grad and columns > 1:
            db = np.empty(columns, dtype=grad.dtype)
            loops.relu_grad_and_sum(grad, active.reshape(grad.shape), masked, db)
            return masked, db
        loops.relu_grad(grad, active.reshape(grad.shape), masked)
    if not bias_grad:
        return masked, None
    if columns == 1:  # NumPy sums one contiguous column pairwise, not row after row
        return masked, np.sum(masked, axis=0)
    db = np.empty(columns, dtype=grad.dtype)
    loops.column_sum(masked, db)
    return masked, db


@cache
def kernels() -> Any:
    """The compiled loops, built (or loaded from numba's cache) on first use."""
    import numba

    compile_loop = numba.njit(cache=True, fastmath=False, nogil=True, error_model="numpy")

    @compile_loop
    def add_bias(out, bias):  # noqa: ANN001, ANN202
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = out[i, j] + bias[j]

    @compile_loop
    def bias_relu(out, bias, active):  # noqa: ANN001, ANN202
        # NumPy's maximum(v, 0): v when v >= 0 or v is NaN (so −0 and NaN stay), else 0.
        zero = out.dtype.type(0)
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                v = out[i, j] + bias[j]
                if not (v >= zero or v != v):
                    v = zero
                out[i, j] = v
                active[i, j] = v > zero

    @compile_loop
    def relu(out, active):  # noqa: ANN001, ANN202
        zero = out.dtype.type(0)
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                v = out[i, j]
                if not (v >= zero or v != v):
                    v = zero
                out[i, j] = v
                active[i, j] = v > zero

    @compile_loop
    def relu_grad(grad, active, out):  # noqa: ANN001, ANN202
        one, zero = grad.dtype.type(1), grad.dtype.type(0)
        for i in range(grad.shape[0]):
            for j in range(grad.shape[1]):
                out[i, j] = grad[i, j] * (one if active[i, j] else zero)

    @compile_loop
    def relu_grad_and_sum(grad, active, out, total):  # noqa: ANN001, ANN202
        # The sums start at 0 and add each row in turn: NumPy's order for axis 0 (so −0 sums to 0).
        one, zero = grad.dtype.type(1), grad.dtype.type(0)
        total[:] = zero
        for i in range(grad.shape[0]):
            for j in range(grad.shape[1]):
                v = grad[i, j] * (one if active[i, j] else zero)
                out[i, j] = v
                total[j] = total[j] + v

    @compile_loop
    def column_sum(values, total):  # noqa: ANN001, ANN202
        total[:] = values.dtype.type(0)
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                total[j] = total[j] + values[i, j]

    return SimpleNamespace(
        add_bias=add_bias, bias_relu=bias_relu, relu=relu, relu_grad=relu_grad,
        relu_grad_and_sum=relu_grad_and_sum, column_sum=column_sum,
    )  # fmt: skip
