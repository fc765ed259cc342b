"""Recurrent layers run each layer direction as one fused autograd node (``Recurrence``): its
forward loop and backpropagation through time work on raw arrays. These tests hold it to the
Tensor-op steps it replaces (``reference``), to central differences in float64, and keep double
backward (create_graph) working through it."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn.recurrent import GATES, Recurrence, recur, reference
from tinygrad_adam.nn.utils import rnn

STEPS, BATCH, HIDDEN, PROJECTION = 4, 3, 3, 2
# (mode, bias, projection, reverse, packed): every branch of the fused forward and backward
CONFIGS = [
    ("RNN_TANH", True, False, False, False),
    ("RNN_RELU", False, False, True, False),
    ("LSTM", True, False, False, False),
    ("LSTM", True, True, True, False),
    ("LSTM", False, True, False, True),
    ("GRU", True, False, False, True),
    ("GRU", False, False, True, True),
]


def recurrence_inputs(mode: str, bias: bool, projection: bool, seed: int = 0) -> list[tg.Tensor]:
    """x_gates, weight_hh, state, [bias_hh], [weight_hr] as float64 leaves that need gradients."""
    rng = np.random.default_rng(seed)
    rows, out = GATES[mode] * HIDDEN, PROJECTION if projection else HIDDEN
    shapes = [(STEPS, BATCH, rows), (rows, out), (BATCH, out)]
    shapes += [(BATCH, HIDDEN)] if mode == "LSTM" else []
    shapes += [(rows,)] if bias else []
    shapes += [(PROJECTION, HIDDEN)] if projection else []
    return [tg.tensor(0.7 * rng.standard_normal(shape), requires_grad=True) for shape in shapes]


def running_mask(packed: bool) -> np.ndarray | None:
    """Sequences of lengths 4, 2 and 1 (sorted longest first, as packed input runs)."""
    return np.array([4, 2, 1])[None, :] > np.arange(STEPS)[:, None] if packed else None


def fused(mode, bias, projection, reverse, running, inputs):  # noqa: ANN001, ANN201
    return Recurrence.apply(
        *inputs, mode=mode, reverse=reverse, running=running, has_bias=bias, has_projection=projection
    )


def by_reference(mode, bias, projection, reverse, running, inputs):  # noqa: ANN001, ANN201
    states = 2 if mode == "LSTM" else 1
    extra = list(inputs[2 + states :])
    bias_hh = extra.pop(0) if bias else None
    weight_hr = extra.pop(0) if projection else None
    return reference(
        mode, inputs[0], inputs[1], tuple(inputs[2 : 2 + states]), bias_hh, weight_hr, reverse, running
    )


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(str(v) for v in c))
def test_fused_recurrence_matches_the_tensor_op_steps_in_values_and_gradients(config):
    mode, bias, projection, reverse, packed = config
    running = running_mask(packed)
    results = []
    for run in (fused, by_reference):
        inputs = recurrence_inputs(mode, bias, projection)
        output = run(mode, bias, projection, reverse, running, inputs)
        (output * tg.tensor(np.random.default_rng(1).standard_normal(output.shape))).sum().backward()
        results.append([output.numpy()] + [t.grad.numpy() for t in inputs])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(str(v) for v in c))
def test_fused_recurrence_gradients_pass_gradcheck_in_float64(config):
    mode, bias, projection, reverse, packed = config
    running = running_mask(packed)
    inputs = recurrence_inputs(mode, bias, projection)
    weights = tg.tensor(
        np.random.default_rng(2).standard_normal(
            fused(mode, bias, projection, reverse, running, inputs).shape
        )
    )

    def loss(*tensors: tg.Tensor) -> tg.Tensor:
        return (fused(mode, bias, projection, reverse, running, tensors) * weights).sum()

    assert tg.gradcheck(loss, inputs)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH"])
def test_double_backward_through_the_fused_recurrence_passes_gradcheck(mode):
    """create_graph: the gradient of the recurrent weight is itself differentiable (the fused node
    builds it from the Tensor-op steps), and its derivative matches central differences."""
    inputs = recurrence_inputs(mode, True, False)

    def weight_gradient(weight_hh: tg.Tensor) -> tg.Tensor:
        weight_hh = weight_hh if weight_hh.requires_grad else weight_hh.requires_grad_()
        others = [t.detach() for t in inputs]
        output = fused(mode, True, False, False, None, [others[0], weight_hh, *others[2:]])
        (grad,) = tg.autograd.grad((output * output).sum(), [weight_hh], create_graph=True)
        return grad

    assert weight_gradient(inputs[1]).requires_grad
    assert tg.gradcheck(weight_gradient, [inputs[1].detach()])


def fused_and_reference(monkeypatch, run) -> list[list[np.ndarray]]:  # noqa: ANN001
    """``run()`` once with the fused node and once with ``recur`` built from the Tensor-op steps."""
    import tinygrad_adam.nn.recurrent as recurrent

    results = [run()]
    monkeypatch.setattr(recurrent, "recur", reference_recur)
    results.append(run())
    return results


def assert_same(results: list[list[np.ndarray]]) -> None:
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_lstm_layer_gradient_penalty_matches_the_reference_path(monkeypatch):
    """A second-order step through a stacked bidirectional nn.LSTM (a gradient penalty, as in
    WGAN-GP) gives the same parameter gradients as the Tensor-op steps."""
    x_values = np.random.default_rng(3).standard_normal((5, 2, 3))

    def run() -> list[np.ndarray]:
        tg.manual_seed(0)
        lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2, dtype=tg.float64)
        x = tg.tensor(x_values, requires_grad=True)
        output, _ = lstm(x)
        (grad_x,) = tg.autograd.grad((output * output).sum(), [x], create_graph=True)
        (grad_x * grad_x).sum().backward()
        return [grad_x.detach().numpy()] + [p.grad.numpy() for p in lstm.parameters()]

    results = fused_and_reference(monkeypatch, run)
    assert np.abs(results[0][1]).sum() > 0
    assert_same(results)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_layers_with_packed_bidirectional_stacked_input_match_the_reference_path(kind, monkeypatch):
    """The whole layer (2 layers, both directions, packed sequences of unequal lengths, h0) gives the
    same output, final state and gradients fused as with every step in Tensor ops."""
    rng = np.random.default_rng(4)
    sequences = [rng.standard_normal((n, 3)) for n in (5, 2, 4)]
    h0_values = rng.standard_normal((4, 3, 4))

    def run() -> list[np.ndarray]:
        tg.manual_seed(1)
        layer = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, dtype=tg.float64)
        inputs = [tg.tensor(s, requires_grad=True) for s in sequences]
        h0 = tg.tensor(h0_values, requires_grad=True)
        state = (h0, tg.zeros(4, 3, 4, dtype=tg.float64)) if kind == "LSTM" else h0
        output, final = layer(rnn.pack_sequence(inputs, enforce_sorted=False), state)
        padded, _ = rnn.pad_packed_sequence(output)
        final_h = final[0] if kind == "LSTM" else final
        ((padded * padded).sum() + (final_h * final_h).sum()).backward()
        return (
            [padded.numpy(), final_h.numpy(), h0.grad.numpy()]
            + [t.grad.numpy() for t in inputs]
            + [p.grad.numpy() for p in layer.parameters()]
        )

    assert_same(fused_and_reference(monkeypatch, run))


def reference_recur(mode, x_gates, state, *weights, bias, reverse=False, running=None, fused=None):  # noqa: ANN001, ANN201
    """``recur`` built on the Tensor-op steps instead of the fused node (``fused`` has no say here)."""
    projection = len(weights) == 2 + bias
    bias_hh = weights[1] if bias else None
    weight_hr = weights[-1] if projection else None
    states = reference(mode, x_gates, weights[0], state, bias_hh, weight_hr, reverse, running)
    last = states[0] if reverse else states[-1]
    if len(state) == 1:
        return states, (last,)
    width = state[0].shape[-1]
    return states[..., :width], (last[:, :width], last[:, width:])


@pytest.mark.parametrize("cell", [nn.LSTMCell, nn.GRUCell, nn.RNNCell])
def test_cells_unbatched_and_batched_agree_and_run_in_float32(cell):
    tg.manual_seed(2)
    module = cell(3, 4)
    x = tg.tensor(np.random.default_rng(5).standard_normal((2, 3)).astype(np.float32), requires_grad=True)
    batched = module(x)
    single = module(x[1])
    first = batched[0] if isinstance(batched, tuple) else batched
    second = single[0] if isinstance(single, tuple) else single
    np.testing.assert_allclose(first.numpy()[1], second.numpy(), rtol=1e-6, atol=1e-7)
    first.sum().backward()
    assert x.grad.dtype == tg.float32 and module.weight_hh.grad.dtype == tg.float32


def test_recur_is_the_layer_entry_point():
    x_gates, weight_hh, h0 = recurrence_inputs("GRU", False, False)
    output, (last,) = recur("GRU", x_gates, (h0,), weight_hh, bias=False)
    np.testing.assert_array_equal(output.numpy()[-1], last.numpy())
