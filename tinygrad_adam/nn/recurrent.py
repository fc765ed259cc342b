"""Recurrent layers with PyTorch's names, shapes and maths: the one-step cells ``RNNCell``,
``LSTMCell`` and ``GRUCell``, and the sequence layers ``RNN``, ``LSTM`` and ``GRU`` (stacked,
optionally bidirectional).

A layer direction runs as one autograd node, ``Recurrence``: W_ih x for all time steps is one
product before it, then the loop over time (W_hh h and the gate maths) and its backward
(backpropagation through time) run on raw arrays, so a step costs a few array calls and no graph
nodes. The same steps written in Tensor ops (``STEPS``, ``reference``) are its specification and
its create_graph path, so gradients of gradients still work. Cells are the one-step case.
With numba installed, the LSTM and GRU steps on NumPy arrays run as compiled loops that give the
same results bit for bit (recurrent_fused.py; a layer's ``fused`` attribute switches them).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import Function, is_grad_enabled
from ..tensor import DType, Tensor, concatenate, stack, tensor, where, zeros
from . import functional as F
from . import init as initializers
from . import recurrent_fused
from .module import Module, Parameter
from .utils.rnn import PackedSequence, packed_from_sorted, padded_in_sorted_order

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]

State = tuple[Tensor, ...]  # (h,) for RNN and GRU, (h, c) for LSTM

# Rows of weight_ih / weight_hh per hidden unit: one block per gate, in PyTorch's order.
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}  # LSTM: i, f, g, o; GRU: r, z, n


# -- one time step ----------------------------------------------------------------------------
# Each step takes x_gates = W_ih x_t + b_ih (computed before the loop) and the previous state.


def rnn_tanh_step(x_gates: Tensor, state: State, weight_hh: Tensor, bias_hh: Tensor | None) -> State:
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh)."""
    return ((x_gates + F.linear(state[0], weight_hh, bias_hh)).tanh(),)


def rnn_relu_step(x_gates: Tensor, state: State, weight_hh: Tensor, bias_hh: Tensor | None) -> State:
    """h' = relu(W_ih x + b_ih + W_hh h + b_hh)."""
    return ((x_gates + F.linear(state[0], weight_hh, bias_hh)).relu(),)


def lstm_step(
    x_gates: Tensor,
    state: State,
    weight_hh: Tensor,
    bias_hh: Tensor | None,
    weight_hr: Tensor | None = None,
) -> State:
    """i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh); c' = f ⊙ c + i ⊙ g;
    h' = o ⊙ tanh(c'), then h' = W_hr h' with a projection (Sak et al., 2014)."""
    h, c = state
    i, f, g, o = (x_gates + F.linear(h, weight_hh, bias_hh)).chunk(4, dim=-1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if weight_hr is not None:
        h = F.linear(h, weight_hr)
    return h, c


def gru_step(x_gates: Tensor, state: State, weight_hh: Tensor, bias_hh: Tensor | None) -> State:
    """r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h (Cho et al., 2014)."""
    h = state[0]
    x_r, x_z, x_n = x_gates.chunk(3, dim=-1)
    h_r, h_z, h_n = F.linear(h, weight_hh, bias_hh).chunk(3, dim=-1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return ((1 - z) * n + z * h,)


def time_steps(sequence: Tensor) -> list[Tensor]:
    """``sequence[t]`` for every t of a (L, ...) tensor, sliced in two stages through pieces of
    about √L steps. The backward of a slice adds a gradient as large as what it was cut from, so
    L slices cut straight from the sequence would cost O(L²) in backward; this costs O(L^1.5)."""
    length = sequence.shape[0]
    if length <= 16:  # short sequences: the direct slices are cheaper than a second stage
        return list(sequence.unbind(0))
    return [step for piece in sequence.split(math.isqrt(length)) for step in piece.unbind(0)]


STEPS: dict[str, Callable[..., State]] = {
    "RNN_TANH": rnn_tanh_step,
    "RNN_RELU": rnn_relu_step,
    "LSTM": lstm_step,
    "GRU": gru_step,
}


def reference(
    mode: str,
    x_gates: Tensor,
    weight_hh: Tensor,
    state: State,
    bias_hh: Tensor | None,
    weight_hr: Tensor | None,
    reverse: bool,
    running: np.ndarray | None,
) -> Tensor:
    """What ``Recurrence`` computes, step by step in Tensor ops: differentiable any number of times
    (its create_graph path), and the specification the fused node is tested against."""
    steps = x_gates.shape[0]
    x_steps = time_steps(x_gates)
    projection = {"weight_hr": weight_hr} if weight_hr is not None else {}
    outputs: list[Any] = [None] * steps
    for t in range(steps - 1, -1, -1) if reverse else range(steps):
        new_state = STEPS[mode](x_steps[t], state, weight_hh, bias_hh, **projection)
        if running is not None and not running[t].all():  # some sequences have ended: keep their state
            keep = tensor(running[t][:, None], device=x_gates.device)
            new_state = tuple(where(keep, new, old) for new, old in zip(new_state, state))
        state = new_state
        outputs[t] = state[0] if len(state) == 1 else concatenate(list(state), axis=-1)
    return stack(outputs)


# -- one node for a whole layer direction ------------------------------------------------------


class Recurrence(Function):
    """A layer direction over all L steps as one node: the loop runs on raw arrays forward and
    backward (backpropagation through time), so a step costs a few array calls and no Python nodes.

    Inputs: x_gates (L, N, G·hidden) = W_ih x + b_ih for every step, weight_hh, the initial state
    (h_0, and c_0 for an LSTM), then bias_hh and weight_hr when present. Output (L, N, F): the state
    after each step t, h_t (and c_t beside it for an LSTM, F = H_out + hidden). ``running`` (L, N)
    on the host, for packed input, holds which sequences still run at t; the others keep their state.
    A graph of the gradients (create_graph) is built by the Tensor-op steps instead (``reference``).
    """

    def forward(
        self,
        x_gates: Any,
        weight_hh: Any,
        *rest: Any,
        mode: str,
        reverse: bool,
        running: np.ndarray | None,
        has_bias: bool,
        has_projection: bool,
        fused: bool | None = None,
    ) -> Any:
        xp = self.xp
        self.mode, self.reverse, self.running = mode, reverse, running
        states = 2 if mode == "LSTM" else 1
        state, extra = list(rest[:states]), list(rest[states:])
        bias_hh = extra.pop(0) if has_bias else None
        weight_hr = extra.pop(0) if has_projection else None
        self.has_bias, self.has_projection = has_bias, has_projection
        compiled = recurrent_fused.steps_for(mode, fused, x_gates, weight_hh, *rest)
        forward_step, self.backward_step = compiled or (FORWARD_STEPS[mode], BACKWARD_STEPS[mode])
        steps = x_gates.shape[0]
        stopped = None if running is None else self.backend.asarray(~running[:, :, None])
        outputs: list[Any] = [None] * steps
        self.before: list[Any] = [None] * steps  # the state each step starts from
        self.saved: list[Any] = [None] * steps  # what each step's backward reads
        for t in range(steps - 1, -1, -1) if reverse else range(steps):
            self.before[t] = state
            new_state, self.saved[t] = forward_step(xp, x_gates[t, ...], state, weight_hh, bias_hh, weight_hr)
            if running is not None and not running[t].all():
                new_state = [xp.where(stopped[t, ...], old, new) for new, old in zip(new_state, state)]
            state = new_state
            outputs[t] = state[0] if states == 1 else xp.concat(state, axis=-1)
        return xp.stack(outputs)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        if is_grad_enabled():  # create_graph: differentiate the same maths written in Tensor ops
            return self._backward_in_tensor_ops(grad)
        xp, backend, g = self.xp, self.backend, grad._data
        weight_hh = self.inputs[1]._data
        states = 2 if self.mode == "LSTM" else 1
        weight_hr = self.inputs[-1]._data if self.has_projection else None
        widths = [s.shape[-1] for s in self.before[0]]
        carry = [xp.zeros_like(s) for s in self.before[0]]  # dL/d(state after the step)
        steps = g.shape[0]
        d_x_gates: list[Any] = [None] * steps
        d_hidden_gates: list[Any] = [None] * steps  # dL/d(W_hh h + b_hh) at each step
        d_projected: list[Any] = [None] * steps  # dL/d(W_hr m) at each step, with a projection
        for t in range(steps) if self.reverse else range(steps - 1, -1, -1):
            if states == 1:
                carry[0] = carry[0] + g[t, ...]
            else:
                carry = [carry[0] + g[t, :, : widths[0]], carry[1] + g[t, :, widths[0] :]]
            passed = None
            if self.running is not None and not self.running[t].all():
                mask = xp.astype(backend.asarray(self.running[t][:, None]), g.dtype)
                passed = [d - d * mask for d in carry]  # stopped sequences: the state went through as is
                carry = [d * mask for d in carry]
            if weight_hr is not None:
                d_projected[t] = carry[0]
            d_x_gates[t], d_hidden_gates[t], carry = self.backward_step(
                xp, carry, self.before[t], self.saved[t], weight_hh, weight_hr
            )
            if passed is not None:
                carry = [d + p for d, p in zip(carry, passed)]
        needs = self.needs_input_grad
        results: list[Tensor | None] = [None] * len(needs)
        wrap = Tensor._wrap
        stacked = xp.stack(d_x_gates)
        if needs[0]:
            results[0] = wrap(stacked, backend)
        if d_hidden_gates[0] is not d_x_gates[0]:  # only the GRU's differ (its n gate)
            stacked = xp.stack(d_hidden_gates)
        d_gates = xp.reshape(stacked, (-1, weight_hh.shape[0]))
        if needs[1]:
            hidden = xp.reshape(xp.stack([s[0] for s in self.before]), (-1, weight_hh.shape[1]))
            results[1] = wrap(_weight_grad(backend, d_gates, hidden, weight_hh), backend)
        for k in range(states):
            if needs[2 + k]:
                results[2 + k] = wrap(carry[k], backend)
        if self.has_bias and needs[2 + states]:
            results[2 + states] = wrap(xp.sum(d_gates, axis=0), backend)
        if weight_hr is not None and needs[-1]:
            d_out = xp.reshape(xp.stack(d_projected), (-1, weight_hr.shape[0]))
            m = xp.reshape(xp.stack([s[-1] for s in self.saved]), (-1, weight_hr.shape[1]))
            results[-1] = wrap(_weight_grad(backend, d_out, m, weight_hr), backend)
        return tuple(results)

    def _backward_in_tensor_ops(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        from ..autograd import grad as gradients

        inputs = self.inputs
        states = 2 if self.mode == "LSTM" else 1
        rest = list(inputs[2 + states :])
        bias_hh = rest.pop(0) if self.has_bias else None
        weight_hr = rest.pop(0) if self.has_projection else None
        output = reference(
            self.mode,
            inputs[0],
            inputs[1],
            tuple(inputs[2 : 2 + states]),
            bias_hh,
            weight_hr,
            self.reverse,
            self.running,
        )
        wanted = [t for t, need in zip(inputs, self.needs_input_grad) if need]
        found = iter(gradients(output, wanted, grad, create_graph=True, allow_unused=True))
        return tuple(next(found) if need else None for need in self.needs_input_grad)


def _weight_grad(backend: Any, d_out: Any, x: Any, weight: Any) -> Any:
    """Σ over rows of d_outᵀ x, in the weight's own memory layout (as ops.Linear does)."""
    xp = backend.xp
    if backend.is_transposed(weight):
        return xp.matmul(x.T, d_out).T
    return xp.matmul(d_out.T, x)


def gate_sigmoid(xp: Any, a: Any) -> Any:
    """σ(a) = ½ + ½ tanh(a / 2): three array passes instead of the five of an overflow-safe
    1 / (1 + e^−a), and it cannot overflow; the gate values differ from that form by rounding only
    (XLA computes its logistic so too)."""
    out = xp.tanh(a * 0.5)
    out *= 0.5
    out += 0.5
    return out


def _hidden_gates(xp: Any, h: Any, weight_hh: Any, bias_hh: Any) -> Any:
    out = xp.matmul(h, weight_hh.T)
    if bias_hh is not None:
        out += bias_hh
    return out


def rnn_tanh_forward(xp, x_gates, state, weight_hh, bias_hh, weight_hr):  # noqa: ANN001, ANN201
    h = xp.tanh(x_gates + _hidden_gates(xp, state[0], weight_hh, bias_hh))
    return [h], h


def rnn_relu_forward(xp, x_gates, state, weight_hh, bias_hh, weight_hr):  # noqa: ANN001, ANN201
    a = x_gates + _hidden_gates(xp, state[0], weight_hh, bias_hh)
    h = xp.where(a > 0, a, xp.zeros_like(a))
    return [h], h


def rnn_tanh_backward(xp, carry, before, h, weight_hh, weight_hr):  # noqa: ANN001, ANN201
    d_a = carry[0] * (1 - h * h)
    return d_a, d_a, [xp.matmul(d_a, weight_hh)]


def rnn_relu_backward(xp, carry, before, h, weight_hh, weight_hr):  # noqa: ANN001, ANN201
    d_a = carry[0] * xp.astype(h > 0, h.dtype)
    return d_a, d_a, [xp.matmul(d_a, weight_hh)]


def lstm_forward(xp, x_gates, state, weight_hh, bias_hh, weight_hr):  # noqa: ANN001, ANN201
    h, c = state
    hidden = c.shape[-1]
    gates = x_gates + _hidden_gates(xp, h, weight_hh, bias_hh)
    sig = gate_sigmoid(xp, gates)  # i, f and o; the g block is replaced by tanh below
    i, f, o = sig[:, :hidden], sig[:, hidden : 2 * hidden], sig[:, 3 * hidden :]
    g = xp.tanh(gates[:, 2 * hidden : 3 * hidden])
    c = f * c + i * g
    tanh_c = xp.tanh(c)
    m = o * tanh_c
    h = m if weight_hr is None else xp.matmul(m, weight_hr.T)
    # d(gate)/d(pre-activation) of all four blocks at once: σ(1 − σ) for i, f, o and 1 − g² for g
    sig_slope = sig * (1 - sig)
    slope = xp.concat([sig_slope[:, : 2 * hidden], 1 - g * g, sig_slope[:, 3 * hidden :]], axis=-1)
    return [h, c], (i, f, g, o, tanh_c, slope, m)


def lstm_backward(xp, carry, before, saved, weight_hh, weight_hr):  # noqa: ANN001, ANN201
    d_h, d_c = carry
    i, f, g, o, tanh_c, slope, m = saved
    d_m = d_h if weight_hr is None else xp.matmul(d_h, weight_hr)
    d_c = d_c + d_m * o * (1 - tanh_c * tanh_c)
    d_gates = xp.concat([d_c * g, d_c * before[1], d_c * i, d_m * tanh_c], axis=-1)
    d_gates *= slope
    return d_gates, d_gates, [xp.matmul(d_gates, weight_hh), d_c * f]


def gru_forward(xp, x_gates, state, weight_hh, bias_hh, weight_hr):  # noqa: ANN001, ANN201
    h = state[0]
    hidden = h.shape[-1]
    h_gates = _hidden_gates(xp, h, weight_hh, bias_hh)
    rz = gate_sigmoid(xp, x_gates[:, : 2 * hidden] + h_gates[:, : 2 * hidden])
    r, z = rz[:, :hidden], rz[:, hidden:]
    h_n = h_gates[:, 2 * hidden :]
    n = xp.tanh(x_gates[:, 2 * hidden :] + r * h_n)
    return [n + z * (h - n)], (r, z, n, h_n)


def gru_backward(xp, carry, before, saved, weight_hh, weight_hr):  # noqa: ANN001, ANN201
    d_h = carry[0]
    r, z, n, h_n = saved
    d_a_n = d_h * (1 - z) * (1 - n * n)
    d_a_r = d_a_n * h_n * r * (1 - r)
    d_a_z = d_h * (before[0] - n) * z * (1 - z)
    d_x = xp.concat([d_a_r, d_a_z, d_a_n], axis=-1)
    d_hidden = xp.concat([d_a_r, d_a_z, d_a_n * r], axis=-1)
    return d_x, d_hidden, [xp.matmul(d_hidden, weight_hh) + d_h * z]


FORWARD_STEPS = {
    "RNN_TANH": rnn_tanh_forward,
    "RNN_RELU": rnn_relu_forward,
    "LSTM": lstm_forward,
    "GRU": gru_forward,
}
BACKWARD_STEPS = {
    "RNN_TANH": rnn_tanh_backward,
    "RNN_RELU": rnn_relu_backward,
    "LSTM": lstm_backward,
    "GRU": gru_backward,
}


def recur(
    mode: str,
    x_gates: Tensor,
    state: State,
    *weights: Tensor,
    bias: bool,
    reverse: bool = False,
    running: np.ndarray | None = None,
    fused: bool | None = None,
) -> tuple[Tensor, State]:
    """Run ``Recurrence`` over (L, N, G·hidden) input gates from ``state`` with weights (weight_hh
    [, bias_hh] [, weight_hr]): the output h_t at every step and the state after the last one read.
    ``fused`` picks the compiled LSTM and GRU steps (recurrent_fused.py; None: when numba is installed)."""
    projection = len(weights) == 1 + bias + 1
    states = Recurrence.apply(
        x_gates,
        weights[0],
        *state,
        *weights[1:],
        mode=mode,
        reverse=reverse,
        running=running,
        has_bias=bias,
        has_projection=projection,
        fused=fused,
    )
    last = states[0] if reverse else states[-1]
    if len(state) == 1:
        return states, (last,)
    width = state[0].shape[-1]
    return states[..., :width], (last[:, :width], last[:, width:])


# -- checks and parameters shared by cells and layers ------------------------------------------


def _positive_int(owner: str, name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        kind = "a positive integer" if minimum else "a non-negative integer"
        raise ValueError(f"{owner}: {name} must be {kind}, got {value!r}")
    return int(value)


def _rnn_mode(owner: str, nonlinearity: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{owner}: unknown nonlinearity {nonlinearity!r}; choose 'tanh' or 'relu'")
    return "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


def _weight(rows: int, columns: int, dtype: DType | None, device: str | None) -> Parameter:
    # Stored as the transpose of a (columns, rows) buffer, as Dense does: x Wᵀ then reads it in order.
    return Parameter(zeros(columns, rows, dtype=dtype, device=device).T)


def _reset_uniform(module: Module) -> None:
    """Every weight and bias from U(−1/√hidden_size, 1/√hidden_size), PyTorch's rule for all of them."""
    bound = 1 / math.sqrt(module.hidden_size)
    for parameter in module.parameters():
        initializers.uniform_(parameter, -bound, bound)


def _check_features(owner: str, input: Tensor, input_size: int) -> None:
    if input.shape[-1] != input_size:
        raise F.ShapeMismatchError(
            f"{owner}: input of shape {input.shape} has {input.shape[-1]} features, "
            f"expected input_size={input_size}"
        )


class RNNInputDtypeError(TypeError, ValueError):
    """A sequence of another dtype than the RNN's weights: PyTorch's ValueError, and our TypeError."""


def _check_tensor(
    owner: str, name: str, value: Any, like: Tensor, dtype_error: type[Exception] = F.DtypeMismatchError
) -> None:
    """``value`` a Tensor of ``like``'s dtype and device (a mismatched dtype raises ``dtype_error``:
    PyTorch's RuntimeError for states and cells' inputs, its ValueError for a sequence's)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{owner}: {name} must be a Tensor, got {type(value).__name__}")
    if value.dtype != like.dtype:
        raise dtype_error(
            f"{owner}: {name} has dtype {value.dtype} but the parameters {like.dtype}; tensors are never "
            "upcast silently, convert with .astype() (or the module with .to(dtype))"
        )
    if value.device != like.device:
        raise RuntimeError(f"{owner}: {name} is on {value.device} but the parameters on {like.device}")


class RNNCellBase(Module):
    """Parameters of one cell: ``weight_ih`` (G·hidden, input), ``weight_hh`` (G·hidden, hidden),
    ``bias_ih`` and ``bias_hh`` (G·hidden), all drawn from U(−1/√hidden, 1/√hidden) as in PyTorch."""

    # The compiled LSTM and GRU steps (recurrent_fused.py), as ``optimizer.fused``: None uses them on
    # NumPy arrays when numba is installed, True requires numba, False keeps the plain steps.
    fused: bool | None = None

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        bias: bool,
        device: str | None,
        dtype: DType | None,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.mode = mode
        self.input_size = _positive_int(owner, "input_size", input_size)
        self.hidden_size = _positive_int(owner, "hidden_size", hidden_size)
        self.bias = bool(bias)
        rows = GATES[mode] * self.hidden_size
        self.weight_ih = _weight(rows, self.input_size, dtype, device)
        self.weight_hh = _weight(rows, self.hidden_size, dtype, device)
        for name in ("bias_ih", "bias_hh"):
            self.register_parameter(
                name, Parameter(zeros(rows, dtype=dtype, device=device)) if bias else None
            )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    def _step(self, input: Any, state: State | None) -> State:
        """One step from a (batch, input_size) or unbatched (input_size,) input; the new state
        keeps the input's batching. A missing state starts at zeros."""
        owner = type(self).__name__
        _check_tensor(owner, "input", input, self.weight_ih)
        if input.ndim not in (1, 2):
            raise ValueError(
                f"{owner}: expected a 1-D or 2-D input, got {input.ndim}-D of shape {input.shape}"
            )
        _check_features(owner, input, self.input_size)
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        expected = (x.shape[0], self.hidden_size)
        names = ("hx", "cx") if self.mode == "LSTM" else ("hx",)
        if state is None:
            state = tuple(zeros(*expected, dtype=x.dtype, device=x.device) for _ in names)
        else:
            batched_state = []
            for name, value in zip(names, state):
                _check_tensor(owner, name, value, self.weight_ih)
                want = expected if batched else expected[1:]
                if value.shape != want:
                    raise F.ShapeMismatchError(f"{owner}: expected {name} of shape {want}, got {value.shape}")
                batched_state.append(value if batched else value.unsqueeze(0))
            state = tuple(batched_state)
        x_gates = F.linear(x, self.weight_ih, self.bias_ih).unsqueeze(0)
        weights = (self.weight_hh,) if self.bias_hh is None else (self.weight_hh, self.bias_hh)
        _, new_state = recur(self.mode, x_gates, state, *weights, bias=self.bias, fused=self.fused)
        return new_state if batched else tuple(s.squeeze(0) for s in new_state)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if self.mode == "RNN_RELU":
            text += ", nonlinearity=relu"  # unquoted, as PyTorch prints it
        return text


class RNNCell(RNNCellBase):
    """``torch.nn.RNNCell``: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or ReLU).

    Input (batch, input_size) or (input_size,); ``hx`` of the same batching with hidden_size
    features, zeros when omitted. Returns h'.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__(_rnn_mode("RNNCell", nonlinearity), input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, None if hx is None else (hx,))[0]


class LSTMCell(RNNCellBase):
    """``torch.nn.LSTMCell`` (Hochreiter & Schmidhuber, 1997):

        i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
        c' = f ⊙ c + i ⊙ g                       h' = o ⊙ tanh(c')

    ``hx`` is the pair (h, c), zeros when omitted; returns (h', c').
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"LSTMCell: hx must be a pair (h, c) of Tensors, got {type(hx).__name__}")
        h, c = self._step(input, None if hx is None else tuple(hx))
        return h, c


class GRUCell(RNNCellBase):
    """``torch.nn.GRUCell`` (Cho et al., 2014):

        r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
        h' = (1 − z) ⊙ n + z ⊙ h

    ``hx`` zeros when omitted; returns h'.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, None if hx is None else (hx,))[0]


# -- whole sequences ---------------------------------------------------------------------------


class RNNBase(Module):
    """A stack of ``num_layers`` recurrent layers over a sequence, one or two directions each.

    Layer k, direction d (suffix "" or "_reverse") has ``weight_ih_l{k}{suffix}`` (G·hidden,
    input_size for k = 0 else D·H_out), ``weight_hh_l{k}{suffix}`` (G·hidden, H_out), ``bias_ih_l{k}``,
    ``bias_hh_l{k}`` (G·hidden) and, for an LSTM with ``proj_size`` > 0, ``weight_hr_l{k}``
    (proj_size, hidden): PyTorch's names and order, so its state_dict loads as it is. H_out is
    proj_size when set, else hidden_size; D is 2 when bidirectional. All start from
    U(−1/√hidden, 1/√hidden).

    Input (L, N, input_size), (N, L, input_size) with ``batch_first``, or unbatched (L, input_size).
    The initial state (D·num_layers, N, H_out) — (D·num_layers, H_out) unbatched — is zeros when
    omitted. Output (L, N, D·H_out) (batch first if asked) and the final state of every layer and
    direction. A ``PackedSequence`` input (``nn.utils.rnn``) gives a packed output, and each
    sequence's final state is the one at its own last step. Dropout with probability ``dropout``
    acts on the outputs of every layer but the last, in training mode only.
    """

    fused: bool | None = None  # the compiled LSTM and GRU steps, as ``RNNCellBase.fused``

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.mode = mode
        self.input_size = _positive_int(owner, "input_size", input_size)
        self.hidden_size = _positive_int(owner, "hidden_size", hidden_size)
        self.num_layers = _positive_int(owner, "num_layers", num_layers)
        self.proj_size = _positive_int(owner, "proj_size", proj_size, minimum=0)
        if self.proj_size >= self.hidden_size:
            raise ValueError(
                f"{owner}: proj_size ({self.proj_size}) must be smaller than hidden_size ({self.hidden_size})"
            )
        self.bias, self.batch_first, self.bidirectional = bool(bias), bool(batch_first), bool(bidirectional)
        self.dropout = F.check_probability(dropout, owner)
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                f"expects num_layers greater than 1, but got dropout={self.dropout} and "
                f"num_layers={self.num_layers}",
                UserWarning,
                stacklevel=3,
            )
        rows = GATES[mode] * self.hidden_size
        out_size = self.proj_size or self.hidden_size
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else self.num_directions * out_size
            for suffix in self._suffixes:
                name = f"l{layer}{suffix}"
                setattr(self, f"weight_ih_{name}", _weight(rows, layer_input, dtype, device))
                setattr(self, f"weight_hh_{name}", _weight(rows, out_size, dtype, device))
                if self.bias:
                    setattr(self, f"bias_ih_{name}", Parameter(zeros(rows, dtype=dtype, device=device)))
                    setattr(self, f"bias_hh_{name}", Parameter(zeros(rows, dtype=dtype, device=device)))
                if self.proj_size:
                    setattr(
                        self, f"weight_hr_{name}", _weight(self.proj_size, self.hidden_size, dtype, device)
                    )
        self.reset_parameters()

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _suffixes(self) -> tuple[str, ...]:
        return ("", "_reverse") if self.bidirectional else ("",)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, in PyTorch's order (as ``torch.nn.RNN``)."""
        return [
            [p for n, p in self.named_parameters() if n.endswith(f"_l{layer}{suffix}")]
            for layer in range(self.num_layers)
            for suffix in self._suffixes
        ]

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    def flatten_parameters(self) -> None:
        """PyTorch packs the weights into one cuDNN buffer here; these weights are separate
        tensors that need no packing, so code that calls it runs unchanged."""

    def _state_sizes(self) -> tuple[int, ...]:
        """Features of each state tensor: (H_out,) or, for an LSTM, (H_out, hidden_size)."""
        out_size = self.proj_size or self.hidden_size
        return (out_size, self.hidden_size) if self.mode == "LSTM" else (out_size,)

    def _run(self, input: Any, hx: State | None) -> tuple[Any, State]:
        """The whole stack: output (in the input's layout, packed if the input was) and the final
        states, one tensor per state kind, each (D·num_layers, N, features) or unbatched
        (D·num_layers, features)."""
        owner = type(self).__name__
        first_weight = self.weight_ih_l0
        packed = input if isinstance(input, PackedSequence) else None
        features = packed.data if packed is not None else input
        _check_tensor(owner, "input", features, first_weight, RNNInputDtypeError)
        if packed is None and input.ndim not in (2, 3):
            raise ValueError(
                f"{owner}: expected a 2-D (unbatched) or 3-D input, got {input.ndim}-D of shape {input.shape}"
            )
        _check_features(owner, features, self.input_size)
        lengths = None  # the real steps of each sequence, for packed input
        if packed is not None:
            x, lengths = padded_in_sorted_order(packed)
        elif input.ndim == 2:
            x = input.unsqueeze(1)
        else:
            x = input.transpose(0, 1) if self.batch_first else input
        if x.shape[0] == 0:
            raise ValueError(
                f"{owner}: expected a sequence of length > 0, got an input of shape {input.shape}"
            )
        batched = packed is not None or input.ndim == 3
        state = self._initial_state(hx, x, batched, owner)
        if packed is not None and packed.sorted_indices is not None:
            state = tuple(s[:, packed.sorted_indices] for s in state)  # hx comes in the caller's order

        finals: list[State] = []
        layer_input = x
        for layer in range(self.num_layers):
            if layer > 0 and self.training and self.dropout > 0:
                layer_input = F.dropout(layer_input, self.dropout, training=True)
            outputs = []
            for direction, suffix in enumerate(self._suffixes):
                index = layer * self.num_directions + direction
                output, final = self._run_direction(
                    layer_input, tuple(s[index] for s in state), f"l{layer}{suffix}", direction == 1, lengths
                )
                outputs.append(output)
                finals.append(final)
            layer_input = outputs[0] if len(outputs) == 1 else concatenate(outputs, axis=-1)

        output = layer_input
        final_state = tuple(stack([f[k] for f in finals]) for k in range(len(state)))
        if packed is not None:
            if packed.unsorted_indices is not None:
                final_state = tuple(s[:, packed.unsorted_indices] for s in final_state)
            return packed_from_sorted(output, packed), final_state
        if not batched:
            return output.squeeze(1), tuple(s.squeeze(1) for s in final_state)
        return (output.transpose(0, 1) if self.batch_first else output), final_state

    def _initial_state(self, hx: State | None, x: Tensor, batched: bool, owner: str) -> State:
        """h_0 (and c_0) as (D·num_layers, N, features), checked; zeros when not given."""
        stacked, batch = self.num_directions * self.num_layers, x.shape[1]
        if hx is None:
            return tuple(
                zeros(stacked, batch, size, dtype=x.dtype, device=x.device) for size in self._state_sizes()
            )
        names = ("h0", "c0") if self.mode == "LSTM" else ("h0",)
        checked = []
        for name, value, size in zip(names, hx, self._state_sizes()):
            _check_tensor(owner, name, value, self.weight_ih_l0)
            want = (stacked, batch, size) if batched else (stacked, size)
            if value.shape != want:
                layout = "batched 3-D" if batched else "unbatched 2-D"
                raise F.ShapeMismatchError(
                    f"{owner}: expected {name} of shape {want} for this {layout} input, got {value.shape}"
                )
            checked.append(value if batched else value.unsqueeze(1))
        return tuple(checked)

    def _run_direction(
        self, x: Tensor, state: State, name: str, reverse: bool, lengths: np.ndarray | None
    ) -> tuple[Tensor, State]:
        """One layer in one direction over (L, N, features): the outputs at every step and the last
        state. The reverse direction reads the sequence from its end; its output at step t is the
        state after reading x_L … x_t. With ``lengths`` (packed input) a sequence's state stops
        changing past its last real step, and the reverse direction starts at that step."""
        x_gates = F.linear(x, getattr(self, f"weight_ih_{name}"), getattr(self, f"bias_ih_{name}", None))
        running = None if lengths is None else lengths[None, :] > np.arange(x.shape[0])[:, None]
        weights = [
            getattr(self, f"{kind}_{name}")
            for kind in ("weight_hh", "bias_hh", "weight_hr")
            if hasattr(self, f"{kind}_{name}")
        ]
        return recur(
            self.mode,
            x_gates,
            state,
            weights[0],
            *weights[1:],
            bias=self.bias,
            reverse=reverse,
            running=running,
            fused=self.fused,
        )

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """``torch.nn.RNN``: an Elman network, h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (or
    ReLU), stacked and optionally bidirectional as in ``RNNBase``. Returns (output, h_n)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        mode = _rnn_mode("RNN", nonlinearity)
        super().__init__(
            mode,
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, (h_n,) = self._run(input, None if hx is None else (hx,))
        return output, h_n


class LSTM(RNNBase):
    """``torch.nn.LSTM``, each step as in ``LSTMCell``:

        i_t = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)    f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg) o_t = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)
        c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                   h_t = o_t ⊙ tanh(c_t)

    With ``proj_size`` > 0, h_t = W_hr (o_t ⊙ tanh(c_t)) has proj_size features (Sak et al., 2014).
    ``hx`` is the pair (h_0, c_0); returns (output, (h_n, c_n)).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device,
            dtype,
        )

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"LSTM: hx must be a pair (h_0, c_0) of Tensors, got {type(hx).__name__}")
        output, (h_n, c_n) = self._run(input, None if hx is None else tuple(hx))
        return output, (h_n, c_n)


class GRU(RNNBase):
    """``torch.nn.GRU``, each step as in ``GRUCell``:

        r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)    z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
        n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
        h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}

    Returns (output, h_n).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, (h_n,) = self._run(input, None if hx is None else (hx,))
        return output, h_n
