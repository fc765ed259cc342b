"""What round-5 differential fuzzing of the layers against PyTorch 2.13 found, as specifications.

Values come from tests/fixtures/make_nn_fuzz_round5.py (torch 2.13, float64): convolutions with the
non-zero ``padding_mode``s and ``ConvTranspose2d(..., output_size=...)``. The other tests state
PyTorch's behaviour directly: constructor signatures and defaults, reprs, and which settings and
inputs are refused (and which are not).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "nn_fuzz_round5.npz")
CASES = json.loads(str(REFERENCE["__cases__"]))
TOLERANCE = {"rtol": 1e-10, "atol": 1e-12}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_padding_modes_and_transposed_output_size_match_pytorch(case):
    name = case["name"]
    args = [tuple(a) if isinstance(a, list) else a for a in case["args"]]
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in case["options"].items()}
    module = getattr(nn, case["class"])(*args, **options, dtype=tg.float64)
    module.load_state_dict(
        {key: tg.tensor(REFERENCE[f"{name}.{key}"]) for key, _ in module.named_parameters()}
    )
    x = tg.tensor(REFERENCE[f"{name}.input"], requires_grad=True)
    output = module(x, **case["forward"])
    np.testing.assert_allclose(output.numpy(), REFERENCE[f"{name}.output"], **TOLERANCE)
    output.backward(tg.tensor(REFERENCE[f"{name}.grad_output"]))
    np.testing.assert_allclose(x.grad.numpy(), REFERENCE[f"{name}.grad_input"], **TOLERANCE)
    for key, parameter in module.named_parameters():
        np.testing.assert_allclose(parameter.grad.numpy(), REFERENCE[f"{name}.grad_{key}"], **TOLERANCE)


def test_padding_modes_pad_as_numpy_reflect_edge_and_wrap():
    row = tg.tensor([[[1.0, 2.0, 3.0, 4.0]]])
    for mode, numpy_mode in (("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")):
        conv = nn.Conv1d(1, 1, 1, padding=2, padding_mode=mode, bias=False)
        conv.weight.data.fill_(1.0)
        expected = np.pad(np.array([1.0, 2.0, 3.0, 4.0]), 2, mode=numpy_mode)
        np.testing.assert_array_equal(conv(row).numpy()[0, 0], expected)


def test_padding_mode_too_wide_for_the_input_is_refused_by_name():
    with pytest.raises(ValueError, match="reflect"):
        nn.Conv2d(1, 1, 3, padding=3, padding_mode="reflect")(tg.ones(1, 1, 3, 3))
    with pytest.raises(ValueError, match="circular"):
        nn.Conv1d(1, 1, 3, padding=4, padding_mode="circular")(tg.ones(1, 1, 3))
    nn.Conv1d(1, 1, 3, padding=4, padding_mode="replicate")(tg.ones(1, 1, 3))  # any width, as PyTorch


def test_conv_settings_pytorch_refuses_are_refused_when_the_layer_is_made():
    with pytest.raises(ValueError, match="padding"):
        nn.Conv2d(1, 1, 3, padding="full")
    with pytest.raises(ValueError, match="strided"):
        nn.Conv1d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="zeros"):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")


def test_conv_repr_names_string_padding_and_padding_mode_as_pytorch():
    assert repr(nn.Conv2d(3, 3, (4, 3), stride=2, padding="valid")) == (
        "Conv2d(3, 3, kernel_size=(4, 3), stride=(2, 2), padding=valid)"
    )
    assert repr(nn.Conv1d(2, 2, 3, padding=1, padding_mode="circular")) == (
        "Conv1d(2, 2, kernel_size=(3,), stride=(1,), padding=(1,), padding_mode=circular)"
    )


def test_conv_transpose_output_size_out_of_range_names_the_valid_sizes():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    assert layer(tg.ones(1, 2, 4, 4), output_size=(8, 7)).shape == (1, 3, 8, 7)
    with pytest.raises(ValueError, match=r"valid sizes range from \(7, 7\) to \(8, 8\)"):
        layer(tg.ones(1, 2, 4, 4), output_size=(9, 7))
    with pytest.raises(ValueError, match="output_size must have 2 or 4"):
        layer(tg.ones(1, 2, 4, 4), output_size=(1, 8, 7))


def test_avg_pool1d_keeps_sizes_as_tuples_and_takes_no_divisor_override():
    assert repr(nn.AvgPool1d(4, padding=2)) == "AvgPool1d(kernel_size=(4,), stride=(4,), padding=(2,))"
    assert "divisor_override" not in inspect.signature(nn.AvgPool1d).parameters
    with pytest.raises(TypeError):
        nn.AvgPool1d(2, divisor_override=1)
    x = tg.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]])
    np.testing.assert_allclose(
        nn.AvgPool1d(2, 1, 1, count_include_pad=False)(x).numpy(), [[[1, 1.5, 2.5, 3.5, 4.5, 5]]]
    )


def test_avg_pool_divisor_override_zero_is_refused():
    with pytest.raises(ValueError, match="divisor_override"):
        F.avg_pool2d(tg.ones(1, 1, 4, 4), 2, divisor_override=0)
    np.testing.assert_allclose(F.avg_pool2d(tg.ones(1, 1, 4, 4), 2, divisor_override=-2).numpy(), -2.0)


def test_adaptive_average_of_integer_input_is_refused_as_pytorch():
    with pytest.raises(TypeError, match="floating point"):
        nn.AdaptiveAvgPool2d(2)(tg.tensor(np.arange(16).reshape(1, 1, 4, 4)))


@pytest.mark.parametrize("name", ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"])
def test_batch_norm_signature_defaults_are_pytorchs(name):
    parameters = inspect.signature(getattr(nn, name)).parameters
    assert list(parameters) == [
        "num_features", "eps", "momentum", "affine", "track_running_stats", "device", "dtype", "bias"
    ]  # fmt: skip
    assert (parameters["affine"].default, parameters["track_running_stats"].default) == (True, True)


@pytest.mark.parametrize("name", ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"])
def test_instance_norm_signature_defaults_are_pytorchs(name):
    parameters = inspect.signature(getattr(nn, name)).parameters
    assert (parameters["affine"].default, parameters["track_running_stats"].default) == (False, False)
    layer = getattr(nn, name)(3)
    assert layer.weight is None and layer.running_mean is None


def test_layer_norm_takes_device_then_dtype_positionally_as_pytorch():
    assert list(inspect.signature(nn.LayerNorm).parameters)[-2:] == ["device", "dtype"]
    layer = nn.LayerNorm(3, 1e-5, True, True, None, tg.float64)
    assert layer.weight.dtype == tg.float64
    with pytest.raises(TypeError, match="normalized_shape"):
        nn.LayerNorm(3.0)


@pytest.mark.parametrize(
    "layer, shape",
    [
        (nn.BatchNorm1d(2), (3, 2)),
        (nn.InstanceNorm1d(2), (3, 2, 4)),
        (nn.GroupNorm(1, 2), (3, 2)),
        (nn.LayerNorm(2), (3, 2)),
    ],
)
def test_norm_layers_take_their_input_by_pytorchs_keyword(layer, shape):
    assert layer(input=tg.randn(*shape)).shape == shape


def test_group_norm_with_one_value_per_group_is_refused_as_pytorch():
    with pytest.raises(ValueError, match="more than 1 value"):
        nn.GroupNorm(3, 3)(tg.ones(1, 3))
    assert nn.GroupNorm(3, 3)(tg.ones(2, 3)).shape == (2, 3)  # two samples: one value each, as torch


def test_batch_norm_eps_must_be_positive_to_normalise_by_batch_statistics():
    with pytest.raises(ValueError, match="positive during training"):
        nn.BatchNorm1d(2, eps=0.0)(tg.randn(4, 2))
    with pytest.raises(ValueError, match="non-negative"):
        nn.BatchNorm1d(2, eps=-1e-5).eval()(tg.randn(4, 2))
    layer = nn.BatchNorm1d(2, eps=0.0).eval()
    np.testing.assert_allclose(layer(tg.ones(4, 2)).numpy(), 1.0)  # running statistics 0 and 1
    assert layer.num_batches_tracked.item() == 0


def test_recurrent_layer_refuses_an_empty_sequence_by_name():
    with pytest.raises(ValueError, match="length > 0"):
        nn.GRU(3, 4)(tg.zeros(0, 2, 3))
    output, state = nn.GRU(3, 4)(tg.zeros(5, 0, 3))  # an empty batch is fine, as in PyTorch
    assert output.shape == (5, 0, 4) and state.shape == (1, 0, 4)


def test_unpad_and_unpack_sequence_give_back_the_sequences():
    rnn_utils = nn.utils.rnn
    sequences = [tg.tensor(np.arange(n * 2, dtype=np.float64).reshape(n, 2) + n) for n in (3, 1, 4)]
    for result in (
        rnn_utils.unpack_sequence(rnn_utils.pack_sequence(sequences, enforce_sorted=False)),
        rnn_utils.unpad_sequence(rnn_utils.pad_sequence(sequences), [3, 1, 4]),
        rnn_utils.unpad_sequence(
            rnn_utils.pad_sequence(sequences, batch_first=True), [3, 1, 4], batch_first=True
        ),
    ):
        assert [r.shape for r in result] == [s.shape for s in sequences]
        for r, s in zip(result, sequences, strict=True):
            np.testing.assert_array_equal(r.numpy(), s.numpy())
    with pytest.raises(ValueError, match="longer than"):
        rnn_utils.unpad_sequence(rnn_utils.pad_sequence(sequences), [3, 1, 5])


def test_layer_sizes_may_be_numpy_integers_as_in_pytorch():
    conv = nn.Conv2d(np.int64(2), np.int64(3), np.int64(3), stride=np.int64(2))
    assert conv.kernel_size == (3, 3) and type(conv.kernel_size[0]) is int and type(conv.in_channels) is int
    assert conv(tg.randn(1, 2, 5, 5)).shape == (1, 3, 2, 2)
    assert nn.MaxPool2d(np.int64(2))(tg.randn(1, 1, 4, 4)).shape == (1, 1, 2, 2)


def test_conv_input_of_another_float_precision_is_named_by_the_convolution():
    with pytest.raises(TypeError, match=r"conv2d: the input is float64 but the weight float32"):
        nn.Conv2d(2, 2, 3)(tg.zeros(1, 2, 5, 5, dtype=tg.float64))
    with pytest.raises(TypeError, match=r"conv_transpose2d: the input is float64"):
        nn.ConvTranspose2d(2, 2, 3)(tg.zeros(1, 2, 5, 5, dtype=tg.float64))


def test_multihead_attention_takes_an_empty_batch():
    attention = nn.MultiheadAttention(4, 2)
    x = tg.zeros(3, 0, 4)
    output, weights = attention(x, x, x)
    assert output.shape == (3, 0, 4) and weights.shape == (0, 3, 3)


def test_adaptive_max_pool_to_zero_bins_gives_an_empty_output_as_pytorch():
    x = tg.randn(2, 3, 5, requires_grad=True)
    output, indices = nn.AdaptiveMaxPool1d(0, return_indices=True)(x)
    assert output.shape == indices.shape == (2, 3, 0) and indices.dtype == tg.int64
    output.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3, 5)))
    assert F.adaptive_max_pool2d(tg.randn(3, 4, 5), (2, 0)).shape == (3, 2, 0)


@pytest.mark.parametrize(
    "layer, shape",
    [
        (nn.BatchNorm1d(3), (4, 3)),
        (nn.InstanceNorm1d(3, affine=True, track_running_stats=True), (4, 3, 5)),
        (nn.GroupNorm(1, 3), (4, 3)),
        (nn.LayerNorm(3), (4, 3)),
    ],
)
def test_norm_layers_reset_parameters_to_their_starting_values(layer, shape):
    layer(tg.randn(*shape) * 3 + 2)
    with tg.no_grad():
        for parameter in layer.parameters():
            parameter.add_(1.5)
    layer.reset_parameters()
    np.testing.assert_array_equal(layer.weight.numpy(), 1.0)
    np.testing.assert_array_equal(layer.bias.numpy(), 0.0)
    if getattr(layer, "running_mean", None) is not None:
        np.testing.assert_array_equal(layer.running_mean.numpy(), 0.0)
        np.testing.assert_array_equal(layer.running_var.numpy(), 1.0)
        assert layer.num_batches_tracked.item() == 0


def test_pytorch_attributes_code_reads_are_there():
    lstm = nn.LSTM(2, 3)
    before = [p.numpy().copy() for p in lstm.parameters()]
    lstm.flatten_parameters()  # PyTorch's cuDNN packing: nothing to do, nothing changes
    assert all(np.array_equal(a, p.numpy()) for a, p in zip(before, lstm.parameters(), strict=True))
    assert (nn.Conv2d(1, 1, 1).transposed, nn.ConvTranspose2d(1, 1, 1).transposed) == (False, True)
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 1, enable_nested_tensor=False)
    assert (encoder.enable_nested_tensor, encoder.mask_check, encoder.use_nested_tensor) == (
        False,
        True,
        False,
    )


def test_functional_group_norm_takes_an_empty_batch_and_refuses_a_single_value():
    assert tg.nn.functional.group_norm(tg.zeros(0, 3, 2), 1).shape == (0, 3, 2)
    assert tg.nn.functional.group_norm(tg.ones(2, 3), 3).shape == (2, 3)  # two values per group: fine
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        tg.nn.functional.group_norm(tg.ones(1, 3, 1), 3)


def test_functional_batch_norm_refuses_eps_as_pytorch():
    with pytest.raises(ValueError, match="eps must be positive during training"):
        tg.nn.functional.batch_norm(tg.randn(4, 3), None, None, training=True, eps=0.0)
    with pytest.raises(ValueError, match="eps must be non-negative"):
        tg.nn.functional.batch_norm(tg.randn(4, 3), tg.zeros(3), tg.ones(3), training=False, eps=-1.0)


def test_rms_norm_is_x_over_its_root_mean_square_times_gamma():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4))
    norm = nn.RMSNorm(4, dtype=tg.float64)
    with tg.no_grad():
        norm.weight.copy_(tg.tensor([1.0, 2.0, 0.5, -1.0], dtype=tg.float64))
    eps = np.finfo(np.float64).eps  # eps=None: the dtype's machine epsilon, as PyTorch
    expected = x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * np.array([1.0, 2.0, 0.5, -1.0])
    np.testing.assert_allclose(norm(tg.tensor(x)).numpy(), expected, rtol=1e-14)
    assert (
        list(norm.state_dict()) == ["weight"]
        and repr(norm) == "RMSNorm((4,), eps=None, elementwise_affine=True)"
    )
    plain = F.rms_norm(tg.tensor(x), (3, 4), eps=1e-6)
    np.testing.assert_allclose(
        plain.numpy(), x / np.sqrt((x * x).mean((1, 2), keepdims=True) + 1e-6), rtol=1e-14
    )


def test_rms_norm_gradient_and_bad_shapes():
    x = tg.randn(3, 4, dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda t: F.rms_norm(t, 4).sin().sum(), (x,))
    with pytest.raises(ValueError, match=r"normalized_shape=\[5\] expects an input of shape \[\*, 5\]"):
        nn.RMSNorm(5)(tg.randn(2, 4))
