"""Compiled recurrent cells (optional, ``pip install tinygrad_adam[fast]``): the elementwise part
of an LSTM or GRU step in a few compiled loops instead of a dozen array passes.

The plain steps (``lstm_forward``, ``gru_backward``, ... in recurrent.py) stay the readable rule;
with numba installed, a layer on NumPy arrays runs these instead. The matrix products stay with
BLAS, and so does tanh: numba's tanh (the C library's) differs from NumPy's in the last bit, so
each step computes the tanh arguments in one loop, applies NumPy's tanh to them in place, and
finishes the gates in a second loop. Each loop makes the plain step's operations in the same
order, in the array dtype, with every constant a scalar of that dtype and without fast-math, so
outputs, states and gradients are the plain path's bit for bit (tests/test_recurrent_fused.py).

The layer's ``fused`` attribute picks the path, as ``optimizer.fused`` does: ``None`` (default)
uses the compiled loops when numba can be imported, ``True`` requires numba, ``False`` never
uses it. CuPy and the strict test backend, float16, and the plain RNN keep the plain steps
whatever the flag. numba is imported on first use only, never by ``import tinygrad_adam``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import SimpleNamespace
from typing import Any

import numpy as np

Step = Callable[..., Any]


def steps_for(mode: str, choice: bool | None, *arrays: Any) -> tuple[Step, Step] | None:
    """The compiled (forward, backward) steps for a ``mode`` layer whose inputs are ``arrays``,
    or None when the plain steps run: ``choice`` False, arrays other than NumPy arrays of one
    dtype, float32 or float64, a mode without compiled loops, or (``choice`` None) numba not
    installed."""
    if choice is False or mode not in STEPS:
        return None
    if not all(isinstance(a, np.ndarray) and a.dtype == arrays[0].dtype for a in arrays):
        return None
    if arrays[0].dtype not in COMPILED_DTYPES:
        return None
    from ..optim.fused import numba_available  # the optimizer's check, shared (optim is lazy)

    if not numba_available():
        if choice:
            raise ImportError(
                "fused = True needs numba: pip install 'tinygrad_adam[fast]' (or numba), or set the "
                "layer's fused = None to use the compiled steps only when numba is installed"
            )
        return None
    return STEPS[mode]


COMPILED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


# -- LSTM ---------------------------------------------------------------------------------------


def lstm_forward(xp, x_gates, state, weight_hh, bias_hh, weight_hr):  # noqa: ANN001, ANN201
    """As recurrent.lstm_forward; saves (gates i, f, g, o side by side, tanh(c'), m), from which
    the backward loop recomputes the gate slopes instead of reading a fourth saved array."""
    h, c = state
    dtype = c.dtype.type
    gates = np.matmul(h, weight_hh.T)
    loops = kernels()
    loops.lstm_arguments(x_gates, gates, bias_hh, dtype(0.5))
    np.tanh(gates, out=gates)
    c = np.empty_like(c)
    loops.lstm_gates(gates, state[1], dtype(0.5), c)
    tanh_c = np.tanh(c)
    m = gates[:, 3 * c.shape[-1] :] * tanh_c
    h = m if weight_hr is None else np.matmul(m, weight_hr.T)
    return [h, c], (gates, tanh_c, m)


def lstm_backward(xp, carry, before, saved, weight_hh, weight_hr):  # noqa: ANN001, ANN201
    """As recurrent.lstm_backward: dL/d(pre-activations) and dL/dc of the step before."""
    d_h, d_c = carry
    gates, tanh_c, _ = saved
    d_m = d_h if weight_hr is None else np.matmul(d_h, weight_hr)
    d_gates = np.empty_like(gates)
    d_c_before = np.empty_like(tanh_c)
    kernels().lstm_backward(d_m, d_c, gates, tanh_c, before[1], tanh_c.dtype.type(1), d_gates, d_c_before)
    return d_gates, d_gates, [np.matmul(d_gates, weight_hh), d_c_before]


# -- GRU ----------------------------------------------------------------------------------------


def gru_forward(xp, x_gates, state, weight_hh, bias_hh, weight_hr):  # noqa: ANN001, ANN201
    """As recurrent.gru_forward; saves (r and z side by side, n, W_hn h + b_hn)."""
    h = state[0]
    hidden = h.shape[-1]
    dtype = h.dtype.type
    hidden_gates = np.matmul(h, weight_hh.T)
    loops = kernels()
    rz = np.empty((h.shape[0], 2 * hidden), dtype=h.dtype)
    loops.gru_arguments(x_gates, hidden_gates, bias_hh, dtype(0.5), rz)
    np.tanh(rz, out=rz)
    n = np.empty_like(h)
    loops.gru_gates(x_gates, hidden_gates, rz, dtype(0.5), n)
    np.tanh(n, out=n)
    h_new = np.empty_like(h)
    loops.gru_state(n, rz, h, h_new)
    return [h_new], (rz, n, hidden_gates[:, 2 * hidden :])


def gru_backward(xp, carry, before, saved, weight_hh, weight_hr):  # noqa: ANN001, ANN201
    """As recurrent.gru_backward: dL/d(W_ih x + b_ih), dL/d(W_hh h + b_hh) and dL/dh before."""
    d_h = carry[0]
    rz, n, h_n = saved
    rows, hidden = n.shape
    d_x = np.empty((rows, 3 * hidden), dtype=n.dtype)
    d_hidden = np.empty_like(d_x)
    d_h_through_z = np.empty_like(n)
    kernels().gru_backward(d_h, rz, n, h_n, before[0], n.dtype.type(1), d_x, d_hidden, d_h_through_z)
    d_h_before = np.matmul(d_hidden, weight_hh)
    d_h_before += d_h_through_z  # the plain matmul(...) + d_h ⊙ z: addition is commutative bit for bit
    return d_x, d_hidden, [d_h_before]


STEPS: dict[str, tuple[Step, Step]] = {
    "LSTM": (lstm_forward, lstm_backward),
    "GRU": (gru_forward, gru_backward),
}


@cache
def kernels() -> Any:
    """The compiled loops, built (or loaded from numba's cache) on first use. Arrays are (N, ·);
    gate blocks lie side by side in PyTorch's order (LSTM i, f, g, o; GRU r, z, n), ``hidden``
    columns each. Comments give the plain step's expression that each line reproduces."""
    import numba

    compile_loop = numba.njit(cache=True, fastmath=False, nogil=True, error_model="numpy")

    @compile_loop
    def lstm_arguments(x_gates, gates, bias, half):  # noqa: ANN001, ANN202
        # gates ← a = x_gates + (W_hh h + b_hh), halved for the σ gates i, f, o: tanh's arguments
        # for σ(a) = ½ + ½ tanh(a/2) (gate_sigmoid) and g = tanh(a), in place of W_hh h.
        rows, width = gates.shape
        hidden = width // 4
        for row in range(rows):
            for k in range(width):
                a = gates[row, k]
                if bias is not None:
                    a = a + bias[k]
                a = x_gates[row, k] + a
                gates[row, k] = a if 2 * hidden <= k < 3 * hidden else a * half

    @compile_loop
    def lstm_gates(gates, c, half, c_new):  # noqa: ANN001, ANN202
        # gates hold tanh of the arguments: i, f, o ← tanh·½ + ½; c' = f ⊙ c + i ⊙ g.
        rows, hidden = c.shape
        for row in range(rows):
            for j in range(hidden):
                i = gates[row, j] * half + half
                f = gates[row, hidden + j] * half + half
                gates[row, j] = i
                gates[row, hidden + j] = f
                gates[row, 3 * hidden + j] = gates[row, 3 * hidden + j] * half + half
                c_new[row, j] = f * c[row, j] + i * gates[row, 2 * hidden + j]

    @compile_loop
    def lstm_backward(d_m, d_c, gates, tanh_c, c, one, d_gates, d_c_before):  # noqa: ANN001, ANN202
        # d_c ← d_c + d_m ⊙ o ⊙ (1 − tanh²c'); dL/da = [d_c ⊙ g, d_c ⊙ c, d_c ⊙ i, d_m ⊙ tanh c']
        # ⊙ [σ'(i), σ'(f), 1 − g², σ'(o)] with σ' = σ(1 − σ); dL/dc = d_c ⊙ f.
        rows, hidden = c.shape
        for row in range(rows):
            for j in range(hidden):
                i = gates[row, j]
                f = gates[row, hidden + j]
                g = gates[row, 2 * hidden + j]
                o = gates[row, 3 * hidden + j]
                t = tanh_c[row, j]
                dm = d_m[row, j]
                dc = d_c[row, j] + dm * o * (one - t * t)
                d_gates[row, j] = dc * g * (i * (one - i))
                d_gates[row, hidden + j] = dc * c[row, j] * (f * (one - f))
                d_gates[row, 2 * hidden + j] = dc * i * (one - g * g)
                d_gates[row, 3 * hidden + j] = dm * t * (o * (one - o))
                d_c_before[row, j] = dc * f

    @compile_loop
    def gru_arguments(x_gates, hidden_gates, bias, half, rz):  # noqa: ANN001, ANN202
        # hidden_gates ← W_hh h + b_hh (in place); rz ← (x_gates + hidden_gates)·½ for r and z.
        rows, width = hidden_gates.shape
        hidden = width // 3
        for row in range(rows):
            for k in range(width):
                a = hidden_gates[row, k]
                if bias is not None:
                    a = a + bias[k]
                hidden_gates[row, k] = a
                if k < 2 * hidden:
                    rz[row, k] = (x_gates[row, k] + a) * half

    @compile_loop
    def gru_gates(x_gates, hidden_gates, rz, half, n):  # noqa: ANN001, ANN202
        # rz hold tanh of the arguments: r, z ← tanh·½ + ½; n ← x_n + r ⊙ h_n, tanh's argument.
        rows, hidden = n.shape
        for row in range(rows):
            for j in range(hidden):
                r = rz[row, j] * half + half
                rz[row, j] = r
                rz[row, hidden + j] = rz[row, hidden + j] * half + half
                n[row, j] = x_gates[row, 2 * hidden + j] + r * hidden_gates[row, 2 * hidden + j]

    @compile_loop
    def gru_state(n, rz, h, h_new):  # noqa: ANN001, ANN202
        # h' = n + z ⊙ (h − n)
        rows, hidden = n.shape
        for row in range(rows):
            for j in range(hidden):
                h_new[row, j] = n[row, j] + rz[row, hidden + j] * (h[row, j] - n[row, j])

    @compile_loop
    def gru_backward(d_h, rz, n, h_n, h, one, d_x, d_hidden, d_h_through_z):  # noqa: ANN001, ANN202
        # dL/da_n = d_h ⊙ (1 − z) ⊙ (1 − n²); dL/da_r = dL/da_n ⊙ h_n ⊙ r ⊙ (1 − r);
        # dL/da_z = d_h ⊙ (h − n) ⊙ z ⊙ (1 − z); W_hn h + b_hn gets dL/da_n ⊙ r; h gets d_h ⊙ z.
        rows, hidden = n.shape
        for row in range(rows):
            for j in range(hidden):
                r = rz[row, j]
                z = rz[row, hidden + j]
                nj = n[row, j]
                dh = d_h[row, j]
                d_a_n = dh * (one - z) * (one - nj * nj)
                d_a_r = d_a_n * h_n[row, j] * r * (one - r)
                d_a_z = dh * (h[row, j] - nj) * z * (one - z)
                d_x[row, j] = d_a_r
                d_x[row, hidden + j] = d_a_z
                d_x[row, 2 * hidden + j] = d_a_n
                d_hidden[row, j] = d_a_r
                d_hidden[row, hidden + j] = d_a_z
                d_hidden[row, 2 * hidden + j] = d_a_n * r
                d_h_through_z[row, j] = dh * z

    return SimpleNamespace(
        lstm_arguments=lstm_arguments,
        lstm_gates=lstm_gates,
        lstm_backward=lstm_backward,
        gru_arguments=gru_arguments,
        gru_gates=gru_gates,
        gru_state=gru_state,
        gru_backward=gru_backward,
    )
