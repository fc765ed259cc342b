"""Recurrent cells and layers as PyTorch 2.13 has them: RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU.

Values and gradients come from tests/fixtures/make_recurrent_reference.py (torch 2.13, float64):
each case loads torch's initial state_dict into our module, runs the recorded input (and initial
state), then backward with the recorded output gradients, and compares outputs, final states and
the gradients of input, initial state and every parameter.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F
from tinygrad_adam.nn.utils import rnn

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "recurrent_reference.npz")
CASES = json.loads(str(REFERENCE["__cases__"]))
FLOAT64 = {"rtol": 1e-10, "atol": 1e-12}
FLOAT32 = {"rtol": 1e-5, "atol": 2e-6}


def flatten(outputs) -> list[tg.Tensor]:
    """output, h_n (, c_n): the module's results in the fixture's order."""
    if isinstance(outputs, tg.Tensor):
        return [outputs]
    return [tensor for item in outputs for tensor in flatten(item)]


def replay(case: dict, dtype) -> tuple[nn.Module, tg.Tensor, list[tg.Tensor], list[tg.Tensor]]:
    """Our module with torch's weights, run on the case's input and state, then backward. A case
    with lengths packs its padded input first and pads the packed output again, as recorded."""
    name = case["name"]
    module = getattr(nn, case["layer"])(**case["options"], dtype=dtype)
    assert list(module.state_dict()) == case["state_dict"]
    module.load_state_dict(
        {key: REFERENCE[f"{name}.param.{key}"].astype(dtype) for key in case["state_dict"]}
    )
    module.eval()  # as recorded: the dropout case checks that eval mode drops nothing
    input = tg.tensor(REFERENCE[f"{name}.input"].astype(dtype), requires_grad=True)
    states = [
        tg.tensor(REFERENCE[f"{name}.state{i}"].astype(dtype), requires_grad=True)
        for i in range(case["states"])
    ]
    batch_first = case["options"].get("batch_first", False)
    run_on = input
    if case["lengths"] is not None:
        run_on = rnn.pack_padded_sequence(input, case["lengths"], batch_first, case["enforce_sorted"])
    result = module(run_on, *([states[0] if len(states) == 1 else tuple(states)] if states else []))
    if case["lengths"] is not None:
        assert isinstance(result[0], rnn.PackedSequence)
        result = (rnn.pad_packed_sequence(result[0], batch_first=batch_first)[0], result[1])
    outputs = flatten(result)
    grads = [tg.tensor(REFERENCE[f"{name}.grad_output{i}"].astype(dtype)) for i in range(case["outputs"])]
    tg.autograd.backward(outputs, grads)
    return module, input, states, outputs


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_cells_and_layers_match_pytorch_outputs_states_and_gradients(case):
    name = case["name"]
    module, input, states, outputs = replay(case, tg.float64)
    assert len(outputs) == case["outputs"]
    for index, output in enumerate(outputs):
        np.testing.assert_allclose(output.numpy(), REFERENCE[f"{name}.output{index}"], **FLOAT64)
    np.testing.assert_allclose(input.grad.numpy(), REFERENCE[f"{name}.grad_input"], **FLOAT64)
    for index, state in enumerate(states):
        np.testing.assert_allclose(state.grad.numpy(), REFERENCE[f"{name}.grad_state{index}"], **FLOAT64)
    for key, parameter in module.named_parameters():
        np.testing.assert_allclose(
            parameter.grad.numpy(), REFERENCE[f"{name}.grad_param.{key}"], **FLOAT64, err_msg=key
        )


FLOAT32_NAMES = (
    "lstm_two_layers_bidirectional",
    "lstm_packed_unsorted_two_layers_bidirectional",
    "gru_cell",
    "rnn_unbatched",
)
FLOAT32_CASES = [case for case in CASES if case["name"] in FLOAT32_NAMES]


@pytest.mark.parametrize("case", FLOAT32_CASES, ids=[case["name"] for case in FLOAT32_CASES])
def test_float32_modules_match_pytorch_to_float32_precision(case):
    name = case["name"]
    module, input, _, outputs = replay(case, tg.float32)
    for index, output in enumerate(outputs):
        assert output.dtype == tg.float32
        np.testing.assert_allclose(output.numpy(), REFERENCE[f"{name}.output{index}"], **FLOAT32)
    np.testing.assert_allclose(input.grad.numpy(), REFERENCE[f"{name}.grad_input"], **FLOAT32)
    for key, parameter in module.named_parameters():
        assert parameter.grad.dtype == tg.float32
        np.testing.assert_allclose(
            parameter.grad.numpy(), REFERENCE[f"{name}.grad_param.{key}"], **FLOAT32, err_msg=key
        )


def test_parameters_have_pytorchs_names_shapes_and_uniform_init():
    lstm = nn.LSTM(3, 8, num_layers=2, bidirectional=True, proj_size=2)
    shapes = {key: value.shape for key, value in lstm.state_dict().items()}
    assert list(shapes)[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"]
    assert shapes["weight_ih_l0"] == (32, 3)
    assert shapes["weight_hh_l0_reverse"] == (32, 2)
    assert shapes["weight_ih_l1"] == (32, 4)  # two directions of proj_size 2
    assert shapes["weight_hr_l1_reverse"] == (2, 8)
    assert len(shapes) == 20 and len(lstm.all_weights) == 4
    gru = nn.GRUCell(5, 100)
    assert gru.weight_ih.shape == (300, 5) and gru.bias_hh.shape == (300,)
    values = np.concatenate([p.numpy().ravel() for p in gru.parameters()])
    bound = 1 / math.sqrt(100)
    assert np.all(np.abs(values) <= bound) and np.abs(values).max() > 0.95 * bound
    assert abs(values.mean()) < 0.05 * bound  # centred, as U(-bound, bound)
    assert nn.RNN(2, 3, bias=False).state_dict().keys() == {"weight_ih_l0", "weight_hh_l0"}


def test_reprs_read_as_pytorchs():
    assert repr(nn.LSTM(4, 6, 2, bidirectional=True, proj_size=3)) == (
        "LSTM(4, 6, proj_size=3, num_layers=2, bidirectional=True)"
    )
    assert repr(nn.RNN(3, 4, 2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5)) == (
        "RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5)"
    )
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"
    assert repr(nn.GRUCell(3, 4, bias=False)) == "GRUCell(3, 4, bias=False)"


def test_batch_first_and_unbatched_inputs_give_the_same_numbers_as_the_default_layout(rng):
    lstm = nn.GRU(3, 4, num_layers=2, bidirectional=True)
    twin = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    twin.load_state_dict(lstm.state_dict())
    x = rng.standard_normal((5, 2, 3)).astype(np.float32)
    output, h_n = lstm(tg.tensor(x))
    output_bf, h_n_bf = twin(tg.tensor(x.transpose(1, 0, 2)))
    np.testing.assert_allclose(output_bf.numpy().transpose(1, 0, 2), output.numpy(), rtol=1e-6)
    np.testing.assert_allclose(h_n_bf.numpy(), h_n.numpy(), rtol=1e-6)  # h_n is never batch first
    single, h_single = lstm(tg.tensor(x[:, 1]))
    assert single.shape == (5, 8) and h_single.shape == (4, 4)
    np.testing.assert_allclose(single.numpy(), output.numpy()[:, 1], rtol=1e-5, atol=1e-7)


def test_reverse_direction_reads_the_sequence_backwards(rng):
    """The reverse half of a bidirectional output equals a forward layer run on the flipped input."""
    both = nn.RNN(2, 3, bidirectional=True, dtype=tg.float64)
    forward_only = nn.RNN(2, 3, dtype=tg.float64)
    state = both.state_dict()
    forward_only.load_state_dict(
        {key[: -len("_reverse")]: v for key, v in state.items() if "_reverse" in key}
    )
    x = rng.standard_normal((6, 1, 2))
    output, h_n = both(tg.tensor(x))
    flipped, h_flipped = forward_only(tg.tensor(x[::-1].copy()))
    np.testing.assert_allclose(output.numpy()[:, :, 3:], flipped.numpy()[::-1], rtol=1e-12)
    np.testing.assert_allclose(h_n.numpy()[1], h_flipped.numpy()[0], rtol=1e-12)


def test_lstm_gradients_of_input_and_initial_state_pass_gradcheck(rng):
    lstm = nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=1, dtype=tg.float64)

    def run(x, h0, c0):
        output, (h_n, c_n) = lstm(x, (h0, c0))
        return tg.concatenate([output.flatten(), h_n.flatten(), c_n.flatten()])

    inputs = [rng.standard_normal((3, 2, 2)), rng.standard_normal((4, 2, 1)), rng.standard_normal((4, 2, 3))]
    assert tg.gradcheck(run, [tg.tensor(a) for a in inputs])


def test_gru_gradients_are_differentiable_again_with_create_graph(rng):
    """Double backward through every step: gradcheck of the input gradient itself."""
    gru = nn.GRU(2, 3, dtype=tg.float64)

    def input_gradient(x):
        x = x if x.requires_grad else x.requires_grad_()  # finite differences pass plain tensors
        output, h_n = gru(x)
        (grad,) = tg.autograd.grad((output * output).sum() + h_n.sum(), [x], create_graph=True)
        return grad

    assert tg.gradcheck(input_gradient, [tg.tensor(rng.standard_normal((3, 1, 2)))])


def test_dropout_acts_between_layers_in_training_only(rng):
    lstm = nn.LSTM(3, 16, num_layers=2, dropout=0.5)
    x = tg.tensor(rng.standard_normal((4, 2, 3)).astype(np.float32))
    tg.manual_seed(1)
    train_a = lstm(x)[0].numpy()
    tg.manual_seed(1)
    train_b = lstm(x)[0].numpy()
    train_c = lstm(x)[0].numpy()
    np.testing.assert_array_equal(train_a, train_b)  # masks follow tg.manual_seed
    assert not np.allclose(train_a, train_c)
    lstm.eval()
    eval_a, eval_b = lstm(x)[0].numpy(), lstm(x)[0].numpy()
    np.testing.assert_array_equal(eval_a, eval_b)
    assert not np.allclose(train_a, eval_a)
    lstm.dropout = 0.0
    lstm.train()
    np.testing.assert_allclose(lstm(x)[0].numpy(), eval_a, rtol=1e-6)


def test_dropout_with_one_layer_warns_as_pytorch():
    with pytest.warns(UserWarning, match="num_layers greater than 1, but got dropout=0.3 and num_layers=1"):
        nn.GRU(2, 3, dropout=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.GRU(2, 3, num_layers=2, dropout=0.3)


def test_layers_keep_the_default_dtype_and_follow_float64():
    output, (h_n, c_n) = nn.LSTM(2, 3)(tg.zeros(4, 1, 2))
    assert output.dtype == h_n.dtype == c_n.dtype == tg.float32
    tg.set_default_dtype(tg.float64)
    assert nn.GRUCell(2, 3).weight_hh.dtype == tg.float64


@pytest.mark.parametrize("length", [5, 40], ids=["short", "long_sliced_in_two_stages"])
def test_cells_step_by_step_equal_the_layer_over_the_sequence(rng, length):
    layer = nn.LSTM(3, 4, dtype=tg.float64)
    cell = nn.LSTMCell(3, 4, dtype=tg.float64)
    cell.load_state_dict({key[: -len("_l0")]: value for key, value in layer.state_dict().items()})
    x = tg.tensor(rng.standard_normal((length, 2, 3)), requires_grad=True)
    output, (h_n, c_n) = layer(x)
    weights = tg.tensor(rng.standard_normal((length, 2, 4)))
    (output * weights).sum().backward()
    x_cell = tg.tensor(x.numpy(), requires_grad=True)
    h, c = cell(x_cell[0])
    outputs = [h]
    for t in range(1, length):
        h, c = cell(x_cell[t], (h, c))
        outputs.append(h)
    (tg.stack(outputs) * weights).sum().backward()
    np.testing.assert_allclose(h.numpy(), output.numpy()[-1], rtol=1e-12)
    np.testing.assert_allclose(h.numpy(), h_n.numpy()[0], rtol=1e-12)
    np.testing.assert_allclose(c.numpy(), c_n.numpy()[0], rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), x_cell.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(layer.weight_hh_l0.grad.numpy(), cell.weight_hh.grad.numpy(), rtol=1e-10)


class SignOfSum(nn.Module):
    """Reads a noisy sequence and says whether its sum is positive: the last state decides."""

    def __init__(self, recurrent: nn.Module) -> None:
        super().__init__()
        self.recurrent = recurrent
        self.head = nn.Linear(recurrent.hidden_size * recurrent.num_directions, 2)

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        output, _ = self.recurrent(x)
        return self.head(output[:, -1])


@pytest.mark.parametrize("layer", [nn.GRU, nn.LSTM])
def test_a_small_recurrent_model_learns_the_sign_of_a_sequence_sum(layer):
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8, 1)).astype(np.float32)
    labels = tg.tensor((x.sum(axis=(1, 2)) > 0).astype(np.int64))
    inputs = tg.tensor(x)
    model = SignOfSum(layer(1, 8, batch_first=True))
    optimizer = tg.optim.Adam(model.parameters(), lr=0.03)
    losses = []
    for _ in range(40):
        loss = F.cross_entropy(model(inputs), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0], losses
    with tg.no_grad():
        accuracy = (model(inputs).argmax(1).numpy() == labels.numpy()).mean()
    assert accuracy > 0.85


def test_pad_sequence_stacks_sequences_with_padding_on_either_side():
    sequences = [tg.tensor([[1.0], [2.0]]), tg.tensor([[3.0]]), tg.tensor([[4.0], [5.0], [6.0]])]
    padded = rnn.pad_sequence(sequences, batch_first=True, padding_value=-1.0)
    assert padded.shape == (3, 3, 1)
    assert padded[..., 0].tolist() == [[1.0, 2.0, -1.0], [3.0, -1.0, -1.0], [4.0, 5.0, 6.0]]
    left = rnn.pad_sequence(sequences, padding_side="left")
    assert left.shape == (3, 3, 1)  # time first by default
    assert left[..., 0].T.tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [4.0, 5.0, 6.0]]
    leaf = tg.tensor([[1.0], [2.0]], requires_grad=True)
    (rnn.pad_sequence([leaf, sequences[2]]) * 3).sum().backward()
    assert leaf.grad.tolist() == [[3.0], [3.0]]


def test_packing_keeps_only_real_steps_and_unpacking_restores_the_batch(rng):
    x = tg.tensor(rng.standard_normal((4, 3, 2)).astype(np.float32), requires_grad=True)
    packed = rnn.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
    assert packed.batch_sizes.tolist() == [3, 2, 1, 1]
    assert packed.sorted_indices.tolist() == [1, 0, 2] and packed.unsorted_indices.tolist() == [1, 0, 2]
    np.testing.assert_array_equal(packed.data.numpy()[:3], x.numpy()[0, [1, 0, 2]])
    padded, lengths = rnn.pad_packed_sequence(packed, batch_first=True, total_length=5)
    assert lengths.tolist() == [2, 4, 1] and lengths.dtype == tg.int64 and padded.shape == (3, 5, 2)
    mask = np.arange(5)[None, :] < np.array([2, 4, 1])[:, None]
    expected = np.where(mask[..., None], np.pad(x.numpy().transpose(1, 0, 2), ((0, 0), (0, 1), (0, 0))), 0)
    np.testing.assert_array_equal(padded.numpy(), expected)
    padded.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), mask.T[:4, :, None] * np.ones((1, 1, 2)))
    again = rnn.pack_sequence([x[:2, 0], x[:, 1], x[:1, 2]], enforce_sorted=False)
    np.testing.assert_array_equal(again.data.numpy(), packed.data.numpy())


def test_a_packed_batch_gives_each_sequence_the_state_at_its_own_end(rng):
    gru = nn.GRU(2, 3, bidirectional=True, dtype=tg.float64)
    sequences = [rng.standard_normal((n, 2)) for n in (3, 5, 1)]
    output, h_n = gru(rnn.pack_sequence([tg.tensor(s) for s in sequences], enforce_sorted=False))
    padded, _ = rnn.pad_packed_sequence(output)
    for b, sequence in enumerate(sequences):
        alone, h_alone = gru(tg.tensor(sequence))
        np.testing.assert_allclose(h_n.numpy()[:, b], h_alone.numpy(), rtol=1e-12)
        np.testing.assert_allclose(padded.numpy()[: len(sequence), b], alone.numpy(), rtol=1e-12)
        assert not padded.numpy()[len(sequence) :, b].any()


BAD_INPUTS = [
    pytest.param(
        lambda: nn.LSTM(4, 5)(tg.zeros(3, 2, 7)),
        ValueError,
        r"input of shape \(3, 2, 7\) has 7 features, expected input_size=4",
        id="input_size",
    ),
    pytest.param(
        lambda: nn.GRU(4, 5)(tg.zeros(2, 3, 2, 4)),
        ValueError,
        r"expected a 2-D \(unbatched\) or 3-D input, got 4-D",
        id="input_ndim",
    ),
    pytest.param(
        lambda: nn.RNN(4, 5, num_layers=2)(tg.zeros(3, 2, 4), tg.zeros(1, 2, 5)),
        ValueError,
        r"expected h0 of shape \(2, 2, 5\) for this batched 3-D input, got \(1, 2, 5\)",
        id="h0_shape",
    ),
    pytest.param(
        lambda: nn.GRU(4, 5, bidirectional=True)(tg.zeros(3, 4), tg.zeros(2, 1, 5)),
        ValueError,
        r"expected h0 of shape \(2, 5\) for this unbatched 2-D input, got \(2, 1, 5\)",
        id="h0_batched_for_unbatched_input",
    ),
    pytest.param(
        lambda: nn.LSTM(4, 5)(tg.zeros(3, 2, 4), (tg.zeros(1, 2, 5), tg.zeros(1, 2, 4))),
        ValueError,
        r"expected c0 of shape \(1, 2, 5\) for this batched 3-D input, got \(1, 2, 4\)",
        id="c0_shape",
    ),
    pytest.param(
        lambda: nn.LSTM(4, 5)(tg.zeros(3, 2, 4), tg.zeros(1, 2, 5)),
        TypeError,
        r"LSTM: hx must be a pair \(h_0, c_0\)",
        id="lstm_hx_not_a_pair",
    ),
    pytest.param(
        lambda: nn.GRU(4, 5)(tg.zeros(3, 2, 4, dtype=tg.float64)),
        TypeError,
        "GRU: input has dtype float64 but the parameters float32",
        id="dtype",
    ),
    pytest.param(
        lambda: nn.LSTMCell(4, 5)(tg.zeros(2, 4), (tg.zeros(3, 5), tg.zeros(3, 5))),
        ValueError,
        r"LSTMCell: expected hx of shape \(2, 5\), got \(3, 5\)",
        id="cell_hx_batch",
    ),
    pytest.param(
        lambda: nn.RNNCell(4, 5)(tg.zeros(2, 3)),
        ValueError,
        r"RNNCell: input of shape \(2, 3\) has 3 features, expected input_size=4",
        id="cell_input_size",
    ),
    pytest.param(
        lambda: nn.GRUCell(4, 5)(tg.zeros(1, 2, 4)),
        ValueError,
        "GRUCell: expected a 1-D or 2-D input, got 3-D",
        id="cell_input_ndim",
    ),
    pytest.param(
        lambda: nn.RNN(4, 0), ValueError, "hidden_size must be a positive integer", id="hidden_size"
    ),
    pytest.param(
        lambda: nn.GRU(4, 5, num_layers=0), ValueError, "num_layers must be a positive", id="layers"
    ),
    pytest.param(
        lambda: nn.RNN(4, 5, nonlinearity="sigmoid"),
        ValueError,
        "unknown nonlinearity 'sigmoid'; choose 'tanh' or 'relu'",
        id="nonlinearity",
    ),
    pytest.param(
        lambda: nn.LSTM(4, 5, proj_size=5),
        ValueError,
        r"proj_size \(5\) must be smaller than hidden_size \(5\)",
        id="proj_size",
    ),
    pytest.param(
        lambda: nn.LSTM(4, 5, dropout=1.5), ValueError, "must be a number in \\[0, 1\\]", id="dropout"
    ),
    pytest.param(
        lambda: rnn.pack_padded_sequence(tg.zeros(3, 2, 1), [1, 3]),
        ValueError,
        r"lengths \[1, 3\] must be sorted in decreasing order when enforce_sorted is True",
        id="pack_unsorted",
    ),
    pytest.param(
        lambda: rnn.pack_padded_sequence(tg.zeros(3, 2, 1), [4, 1]),
        ValueError,
        "a length of 4 is longer than the 3 steps",
        id="pack_too_long",
    ),
    pytest.param(
        lambda: rnn.pack_padded_sequence(tg.zeros(3, 2, 1), [3, 0]),
        ValueError,
        "every length must be greater than 0",
        id="pack_empty_sequence",
    ),
    pytest.param(
        lambda: rnn.pack_padded_sequence(tg.zeros(3, 2, 1), [3]),
        ValueError,
        "1 lengths for a batch of 2 sequences",
        id="pack_lengths_count",
    ),
    pytest.param(
        lambda: rnn.pad_packed_sequence(rnn.pack_sequence([tg.zeros(3, 1)]), total_length=2),
        ValueError,
        r"total_length=2 is shorter than the longest sequence \(3 steps\)",
        id="total_length",
    ),
    pytest.param(lambda: rnn.pad_sequence([]), ValueError, "empty list of sequences", id="pad_nothing"),
    pytest.param(
        lambda: rnn.pad_sequence([tg.zeros(2, 3), tg.zeros(2, 4)]),
        ValueError,
        r"trailing shape \(3,\) of sequence 0, sequence 1 has shape \(2, 4\)",
        id="pad_trailing_shape",
    ),
    pytest.param(
        lambda: nn.LSTM(4, 5)(rnn.pack_sequence([tg.zeros(3, 2)])),
        ValueError,
        r"input of shape \(3, 2\) has 2 features, expected input_size=4",
        id="packed_input_size",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUTS)
def test_bad_inputs_get_errors_naming_the_problem(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_pytorchs_import_path_for_packing_works():
    from tinygrad_adam.nn.utils.rnn import pack_padded_sequence, pad_sequence

    assert pack_padded_sequence is tg.nn.utils.rnn.pack_padded_sequence
    assert pad_sequence is tg.nn.utils.rnn.pad_sequence
