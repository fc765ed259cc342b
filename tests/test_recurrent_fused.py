"""The compiled LSTM and GRU steps (tg.nn.recurrent_fused, numba) give the plain steps' outputs,
states and gradients bit for bit, and the ``fused`` switch picks the path."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.nn import recurrent_fused
from tinygrad_adam.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from tinygrad_adam.optim import fused as optim_fused

needs_numba = pytest.mark.skipif(
    not optim_fused.numba_available(), reason="numba is not installed (extra 'fast')"
)

# The compiled steps are for NumPy arrays, so these tensors are on "cpu" whatever the default device.
CASES = [  # (layer keyword arguments, sequence length, batch, with initial states)
    ({}, 5, 3, False),
    ({"num_layers": 2, "bidirectional": True}, 4, 2, True),
    ({"bias": False, "batch_first": True}, 3, 1, True),
    ({"num_layers": 3}, 1, 4, False),  # a single step: only the initial state before it
    ({"bidirectional": True}, 7, 5, False),
]
INPUT, HIDDEN = 3, 9  # 9 hidden units: gate blocks off any SIMD width


def tensor(values: np.ndarray, requires_grad: bool = False) -> tg.Tensor:
    return tg.tensor(values, requires_grad=requires_grad, device="cpu")


def run_layer(
    kind: str, kwargs: dict, length: int, batch: int, with_state: bool, fused: bool, dtype: str
) -> list[np.ndarray]:
    """Outputs, final states and every gradient of one forward and backward pass of a seeded layer."""
    tg.manual_seed(4)
    layer = getattr(tg.nn, kind)(INPUT, HIDDEN, dtype=dtype, device="cpu", **kwargs)
    layer.fused = fused
    rng = np.random.default_rng(5)
    shape = (batch, length, INPUT) if kwargs.get("batch_first") else (length, batch, INPUT)
    values = rng.standard_normal(shape) * 4  # large pre-activations: saturated gates too
    values.flat[::7] = 0.0
    x = tensor(values.astype(dtype), requires_grad=True)
    leaves = [x]
    state = None
    if with_state:
        layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
        state = [
            tensor(rng.standard_normal((layers, batch, HIDDEN)).astype(dtype), requires_grad=True)
            for _ in range(2 if kind == "LSTM" else 1)
        ]
        leaves += state
        state = tuple(state) if kind == "LSTM" else state[0]
    output, final = layer(x, state)
    finals = final if isinstance(final, tuple) else (final,)
    return outputs_and_gradients(output, finals, leaves + list(layer.parameters()), rng)


def outputs_and_gradients(
    output: tg.Tensor, finals: tuple, leaves: list[tg.Tensor], rng: np.random.Generator
) -> list[np.ndarray]:
    loss = (output * tensor(rng.standard_normal(output.shape).astype(output.dtype))).sum()
    for final in finals:
        loss = loss + (final * tensor(rng.standard_normal(final.shape).astype(final.dtype))).sum()
    loss.backward()
    return [output.numpy(), *(f.numpy() for f in finals), *(leaf.grad.numpy() for leaf in leaves)]


def assert_bit_for_bit(plain: list[np.ndarray], compiled: list[np.ndarray]) -> None:
    assert len(plain) == len(compiled)
    for a, b in zip(plain, compiled):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)  # exact, not approximately
        np.testing.assert_array_equal(np.signbit(a), np.signbit(b))  # zeros of the same sign too


@needs_numba
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize(("kwargs", "length", "batch", "with_state"), CASES)
def test_compiled_layer_matches_plain_layer_bit_for_bit(
    kind: str, kwargs: dict, length: int, batch: int, with_state: bool, dtype: str
) -> None:
    plain = run_layer(kind, kwargs, length, batch, with_state, False, dtype)
    compiled = run_layer(kind, kwargs, length, batch, with_state, True, dtype)
    assert_bit_for_bit(plain, compiled)


@needs_numba
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_compiled_lstm_with_projection_matches_plain_bit_for_bit(dtype: str) -> None:
    kwargs = {"proj_size": 4, "num_layers": 2, "bidirectional": True}
    plain = run_layer("LSTM", kwargs, 4, 3, False, False, dtype)
    compiled = run_layer("LSTM", kwargs, 4, 3, False, True, dtype)
    assert_bit_for_bit(plain, compiled)


def run_packed(kind: str, fused: bool, dtype: str) -> list[np.ndarray]:
    """A packed batch of unsorted lengths through a 2-layer bidirectional layer, from given states."""
    tg.manual_seed(6)
    layer = getattr(tg.nn, kind)(INPUT, HIDDEN, num_layers=2, bidirectional=True, dtype=dtype, device="cpu")
    layer.fused = fused
    rng = np.random.default_rng(7)
    x = tensor((rng.standard_normal((6, 4, INPUT)) * 3).astype(dtype), requires_grad=True)
    states = [
        tensor(rng.standard_normal((4, 4, HIDDEN)).astype(dtype), requires_grad=True)
        for _ in range(2 if kind == "LSTM" else 1)
    ]
    packed = pack_padded_sequence(x, [3, 6, 1, 4], enforce_sorted=False)
    output, final = layer(packed, tuple(states) if kind == "LSTM" else states[0])
    padded, _ = pad_packed_sequence(output)
    finals = final if isinstance(final, tuple) else (final,)
    return outputs_and_gradients(padded, finals, [x, *states, *layer.parameters()], rng)


@needs_numba
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_compiled_layer_matches_plain_on_a_packed_sequence(kind: str, dtype: str) -> None:
    assert_bit_for_bit(run_packed(kind, False, dtype), run_packed(kind, True, dtype))


def run_cell(kind: str, fused: bool, dtype: str) -> list[np.ndarray]:
    """Three steps of a seeded cell from a given state: the new states and every gradient."""
    tg.manual_seed(8)
    cell = getattr(tg.nn, kind)(INPUT, HIDDEN, dtype=dtype, device="cpu")
    cell.fused = fused
    rng = np.random.default_rng(9)
    xs = [tensor(rng.standard_normal((2, INPUT)).astype(dtype) * 3, requires_grad=True) for _ in range(3)]
    first = [tensor(rng.standard_normal((2, HIDDEN)).astype(dtype), requires_grad=True) for _ in range(2)]
    state = tuple(first) if kind == "LSTMCell" else first[0]
    for x in xs:
        state = cell(x, state)
    finals = state if isinstance(state, tuple) else (state,)
    leaves = [*xs, *(first if kind == "LSTMCell" else first[:1]), *cell.parameters()]
    return outputs_and_gradients(finals[0], finals[1:], leaves, rng)


@needs_numba
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell"])
def test_compiled_cell_matches_plain_cell_bit_for_bit(kind: str, dtype: str) -> None:
    assert_bit_for_bit(run_cell(kind, False, dtype), run_cell(kind, True, dtype))


@needs_numba
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_compiled_steps_run_by_default_and_the_switch_turns_them_off(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    forward, backward = recurrent_fused.STEPS[kind]
    calls = {"forward": 0, "backward": 0}

    def counted(name: str, step: recurrent_fused.Step) -> recurrent_fused.Step:
        def run(*args: object) -> object:
            calls[name] += 1
            return step(*args)

        return run

    monkeypatch.setitem(
        recurrent_fused.STEPS, kind, (counted("forward", forward), counted("backward", backward))
    )
    layer = getattr(tg.nn, kind)(INPUT, HIDDEN, device="cpu")
    x = tg.randn(4, 2, INPUT, device="cpu")
    layer(x)[0].sum().backward()
    assert calls == {"forward": 4, "backward": 4}  # fused = None: numba is installed
    layer.fused = False
    layer(x)[0].sum().backward()
    assert calls == {"forward": 4, "backward": 4}


@needs_numba
def test_gradients_of_gradients_still_work_with_the_compiled_forward() -> None:
    # create_graph differentiates the Tensor-op steps, whichever forward ran: both give the same.
    results = []
    for fused in (False, True):
        tg.manual_seed(10)
        layer = tg.nn.LSTM(INPUT, HIDDEN, device="cpu", dtype="float64")
        layer.fused = fused
        x = tg.randn(3, 2, INPUT, device="cpu", dtype="float64", requires_grad=True)
        (d_x,) = tg.autograd.grad(layer(x)[0].pow(2).sum(), [x], create_graph=True)
        (dd_x,) = tg.autograd.grad(d_x.pow(2).sum(), [x])
        results.append([d_x.numpy(), dd_x.numpy()])
    assert_bit_for_bit(*results)


def test_plain_steps_run_off_numpy_on_float16_and_for_the_elman_rnn() -> None:
    numpy_float32 = np.zeros((2, 3), np.float32)
    strict = tg.zeros(2, 3, device="strict")._data
    assert recurrent_fused.steps_for("LSTM", True, strict, strict) is None  # no compiled strict steps
    assert recurrent_fused.steps_for("GRU", None, np.zeros((2, 3), np.float16)) is None
    assert recurrent_fused.steps_for("RNN_TANH", True, numpy_float32) is None
    assert recurrent_fused.steps_for("LSTM", False, numpy_float32) is None
    assert recurrent_fused.steps_for("LSTM", True, numpy_float32, numpy_float32.astype(np.float64)) is None
    layer = tg.nn.GRU(INPUT, HIDDEN, device="strict")
    layer.fused = True  # as optimizer.fused: the strict backend runs the plain steps whatever the flag
    assert layer(tg.randn(2, 1, INPUT, device="strict"))[0].shape == (2, 1, HIDDEN)


def test_fused_true_without_numba_names_the_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(optim_fused, "numba_available", lambda: False)
    layer = tg.nn.LSTM(INPUT, HIDDEN, device="cpu")
    x = tg.randn(2, 1, INPUT, device="cpu")
    layer.fused = None  # without numba: the plain steps, quietly
    assert layer(x)[0].shape == (2, 1, HIDDEN)
    layer.fused = True
    with pytest.raises(ImportError, match=r"tinygrad_adam\[fast\]"):
        layer(x)


def test_importing_the_recurrent_layers_does_not_import_numba() -> None:
    code = "import sys, tinygrad_adam as tg; tg.nn.LSTM; tg.nn.GRUCell; print('numba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
