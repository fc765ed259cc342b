"""Conv-net layers beyond Conv2d, as PyTorch 2.13 has them: BatchNorm2d, InstanceNorm, GroupNorm,
Dropout1d/2d/3d, adaptive pooling, the 1-d convolution and pooling, and ``ceil_mode``.

Values and gradients come from tests/fixtures/make_conv_more_reference.py (torch 2.13, float64):
function cases replay one ``F.*`` call, module cases a few training steps (outputs, gradients of
input, weight and bias, then the buffers and one output in ``eval()``).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "conv_more_reference.npz")
FUNCTION_CASES = json.loads(str(REFERENCE["__functions__"]))
MODULE_CASES = json.loads(str(REFERENCE["__modules__"]))
INDICES_CASES = json.loads(str(REFERENCE["__indices__"]))
TOLERANCE = {"rtol": 1e-10, "atol": 1e-12}


def leaf(array: np.ndarray) -> tg.Tensor:
    return tg.tensor(array, requires_grad=True)


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=[case["name"] for case in FUNCTION_CASES])
def test_functional_forms_match_pytorch_values_and_gradients(case):
    name = case["name"]
    inputs = {
        key: leaf(REFERENCE[f"{name}.{key}"]) if f"{name}.{key}" in REFERENCE else None
        for key in case["inputs"]
    }
    output = getattr(F, case["function"])(**inputs, **case["options"])
    output.backward(tg.tensor(REFERENCE[f"{name}.grad_output"]))
    np.testing.assert_allclose(output.numpy(), REFERENCE[f"{name}.output"], **TOLERANCE)
    for key, tensor in inputs.items():
        if tensor is not None:
            np.testing.assert_allclose(
                tensor.grad.numpy(), REFERENCE[f"{name}.grad_{key}"], **TOLERANCE, err_msg=key
            )


@pytest.mark.parametrize("case", MODULE_CASES, ids=[case["name"] for case in MODULE_CASES])
def test_modules_match_pytorch_over_training_steps_buffers_and_eval(case):
    name = case["name"]
    module = getattr(nn, case["layer"])(**case["options"], dtype=tg.float64)
    assert list(module.state_dict()) == case["state_dict"]
    with tg.no_grad():
        for parameter in ("weight", "bias"):
            if f"{name}.{parameter}" in REFERENCE:
                getattr(module, parameter).copy_(tg.tensor(REFERENCE[f"{name}.{parameter}"]))
    for step in range(case["steps"]):
        prefix = f"{name}.{step}"
        input = leaf(REFERENCE[f"{prefix}.input"])
        output = module(input)
        module.zero_grad()
        output.backward(tg.tensor(REFERENCE[f"{prefix}.grad_output"]))
        np.testing.assert_allclose(output.numpy(), REFERENCE[f"{prefix}.output"], **TOLERANCE)
        np.testing.assert_allclose(input.grad.numpy(), REFERENCE[f"{prefix}.grad_input"], **TOLERANCE)
        for parameter in ("weight", "bias"):
            if f"{prefix}.grad_{parameter}" in REFERENCE:
                got = getattr(module, parameter).grad.numpy()
                np.testing.assert_allclose(got, REFERENCE[f"{prefix}.grad_{parameter}"], **TOLERANCE)
    state = module.state_dict()
    for key in case["buffers"]:
        np.testing.assert_allclose(
            state[key].numpy(), REFERENCE[f"{name}.buffer.{key}"], **TOLERANCE, err_msg=key
        )
    module.eval()
    output = module(tg.tensor(REFERENCE[f"{name}.eval.input"]))
    np.testing.assert_allclose(output.numpy(), REFERENCE[f"{name}.eval.output"], **TOLERANCE)


@pytest.mark.parametrize("case", INDICES_CASES, ids=[case["name"] for case in INDICES_CASES])
def test_max_pooling_returns_pytorchs_indices_of_the_first_maximum(case):
    name = f"indices.{case['name']}"
    values, indices = getattr(F, case["function"])(
        tg.tensor(REFERENCE[f"{name}.input"]), return_indices=True, **case["options"]
    )
    np.testing.assert_array_equal(values.numpy(), REFERENCE[f"{name}.output"])
    assert indices.dtype == tg.int64
    np.testing.assert_array_equal(indices.numpy(), REFERENCE[f"{name}.indices"])


def test_max_pool_modules_with_return_indices_give_values_and_indices():
    x = tg.randn(2, 3, 6, 6, requires_grad=True)
    values, indices = nn.MaxPool2d(2, return_indices=True)(x)
    values.sum().backward()
    flat = x.numpy().reshape(2, 3, -1)
    np.testing.assert_array_equal(
        np.take_along_axis(flat, indices.numpy().reshape(2, 3, -1), 2).ravel(), values.numpy().ravel()
    )
    assert x.grad.numpy().sum() == 2 * 3 * 9
    values, indices = nn.AdaptiveMaxPool2d((2, 3), return_indices=True)(x)
    assert values.shape == indices.shape == (2, 3, 2, 3)
    values, indices = nn.MaxPool1d(3, return_indices=True)(tg.randn(4, 9))
    assert values.shape == indices.shape == (4, 3)


def test_batchnorm2d_has_pytorchs_defaults_repr_and_state_dict():
    layer = nn.BatchNorm2d(3)
    assert (layer.eps, layer.momentum, layer.affine, layer.track_running_stats) == (1e-5, 0.1, True, True)
    assert (
        repr(layer)
        == "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    )
    assert list(layer.state_dict()) == [
        "weight",
        "bias",
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    assert layer.running_var.numpy().tolist() == [1.0, 1.0, 1.0]
    assert list(nn.BatchNorm2d(3, affine=False, track_running_stats=False).state_dict()) == []


def test_instance_and_group_norm_have_pytorchs_defaults_and_reprs():
    instance = nn.InstanceNorm2d(3)
    assert (instance.affine, instance.track_running_stats) == (False, False)
    assert list(instance.state_dict()) == []
    assert repr(instance) == (
        "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)"
    )
    group = nn.GroupNorm(2, 6)
    assert list(group.state_dict()) == ["weight", "bias"]
    assert repr(group) == "GroupNorm(2, 6, eps=1e-05, affine=True, bias=True)"
    assert list(nn.GroupNorm(2, 6, affine=False).state_dict()) == []


def test_pooling_and_dropout_reprs_read_as_pytorchs():
    assert repr(nn.AdaptiveAvgPool2d((None, 3))) == "AdaptiveAvgPool2d(output_size=(None, 3))"
    assert repr(nn.AdaptiveMaxPool2d(2)) == "AdaptiveMaxPool2d(output_size=2)"
    assert repr(nn.Dropout2d()) == "Dropout2d(p=0.5, inplace=False)"
    assert repr(nn.MaxPool2d(2, ceil_mode=True)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)"
    )
    assert repr(nn.Conv1d(2, 3, 3)) == "Conv1d(2, 3, kernel_size=(3,), stride=(1,))"


def test_conv1d_keeps_a_three_dimensional_weight_and_the_1d_pools_take_c_l_or_n_c_l():
    tg.manual_seed(0)
    layer = nn.Conv1d(4, 6, 5, groups=2, bias=True)
    assert {key: value.shape for key, value in layer.state_dict().items()} == {
        "weight": (6, 2, 5),
        "bias": (6,),
    }
    bound = 1 / np.sqrt(2 * 5)
    assert np.abs(layer.weight.numpy()).max() <= bound and np.abs(layer.weight.numpy()).max() > 0.8 * bound
    assert layer(tg.randn(3, 4, 9)).shape == (3, 6, 5)
    assert layer(tg.randn(4, 9)).shape == (6, 5)  # unbatched (C, L)
    assert nn.MaxPool1d(2)(tg.randn(2, 3, 9)).shape == (2, 3, 4)
    assert nn.AvgPool1d(3, stride=1, padding=1)(tg.randn(3, 9)).shape == (3, 9)
    assert nn.AdaptiveAvgPool1d(4)(tg.randn(2, 3, 9)).shape == (2, 3, 4)
    assert nn.AdaptiveMaxPool1d(1)(tg.randn(3, 9)).shape == (3, 1)


def test_conv_transpose2d_keeps_an_in_out_weight_and_inverts_conv2d_shapes():
    tg.manual_seed(0)
    layer = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    assert {key: value.shape for key, value in layer.state_dict().items()} == {
        "weight": (4, 3, 3, 3),
        "bias": (6,),
    }
    bound = 1 / np.sqrt(3 * 3 * 3)  # PyTorch's fan_in: weight.shape[1] · kh · kw
    assert 0.8 * bound < np.abs(layer.weight.numpy()).max() <= bound
    assert layer(tg.randn(2, 4, 5, 7)).shape == (2, 6, 10, 14)  # the shape a stride-2 conv halves
    assert repr(layer) == (
        "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
        "output_padding=(1, 1), groups=2)"
    )


def test_new_layers_keep_float32_in_values_gradients_and_buffers():
    layers = [
        nn.BatchNorm2d(4),
        nn.InstanceNorm2d(4, affine=True, track_running_stats=True),
        nn.GroupNorm(2, 4),
        nn.Dropout2d(0.3),
        nn.AdaptiveAvgPool2d(2),
        nn.AdaptiveMaxPool2d((3, 2)),
        nn.MaxPool2d(2, ceil_mode=True),
        nn.AvgPool2d(2, ceil_mode=True),
        nn.ConvTranspose2d(4, 4, 2, stride=2),
    ]
    for layer in layers:
        input = tg.randn(2, 4, 5, 5, requires_grad=True)
        output = layer(input)
        output.sum().backward()
        assert output.dtype == tg.float32 and input.grad.dtype == tg.float32, layer
        for tensor in layer.state_dict().values():
            assert tensor.dtype in (tg.float32, tg.int64), layer
    conv = nn.Conv1d(4, 2, 3)
    assert conv(tg.randn(2, 4, 6)).dtype == tg.float32


def test_batchnorm2d_normalises_each_channel_over_batch_and_space_in_training():
    x = tg.randn(3, 2, 4, 5) * 3 + 2
    y = nn.BatchNorm2d(2)(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, atol=1e-3)


def test_batchnorm1d_accepts_n_c_l_and_batchnorm3d_volumes():
    assert nn.BatchNorm1d(3)(tg.randn(2, 3, 4)).shape == (2, 3, 4)
    assert nn.BatchNorm3d(2)(tg.randn(2, 2, 3, 3, 3)).shape == (2, 2, 3, 3, 3)
    assert nn.InstanceNorm1d(3)(tg.randn(3, 7)).shape == (3, 7)  # unbatched (C, L)
    assert nn.InstanceNorm3d(2)(tg.randn(1, 2, 2, 3, 3)).shape == (1, 2, 2, 3, 3)


def test_dropout2d_zeroes_whole_channels_and_scales_the_rest():
    tg.manual_seed(3)
    x = tg.rand(40, 16, 3, 4) + 1.0
    x.requires_grad_(True)
    y = F.dropout2d(x, p=0.25)
    y.sum().backward()
    ratio = (y / x).numpy()
    per_channel = ratio.reshape(40, 16, -1)
    assert set(np.round(np.unique(per_channel).astype(float), 5)) == {0.0, round(1 / 0.75, 5)}
    np.testing.assert_allclose(per_channel.min(axis=2), per_channel.max(axis=2), rtol=1e-6)  # one per (N, C)
    dropped = (per_channel[:, :, 0] == 0).mean()
    assert 0.17 < dropped < 0.33
    np.testing.assert_allclose(x.grad.numpy(), ratio, rtol=1e-6)  # d(x·mask)/dx = mask


def test_dropout2d_is_the_identity_in_eval_and_follows_p_zero_and_one():
    x = tg.randn(2, 3, 4, 4)
    layer = nn.Dropout2d(0.5).eval()
    assert layer(x) is x
    assert nn.Dropout2d(0.0)(x) is x
    assert np.all(nn.Dropout2d(1.0)(x).numpy() == 0)


def test_dropout2d_inplace_writes_into_the_input():
    x = tg.ones(2, 5, 3, 3)
    y = nn.Dropout2d(0.5, inplace=True)(x)
    assert y is x and set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_dropout2d_reads_a_3d_input_as_n_c_l_with_pytorchs_warning():
    tg.manual_seed(1)
    x = tg.ones(30, 20, 6)
    with pytest.warns(UserWarning, match="interpreted as shape \\(N, C, L\\)"):
        y = F.dropout2d(x, 0.5).numpy()
    assert np.all(y.min(axis=2) == y.max(axis=2))
    assert 0 < (y[:, :, 0] == 0).mean() < 1  # per (first, second) axis pair, not per first axis only


def test_dropout1d_and_dropout3d_zero_channels_of_unbatched_inputs():
    tg.manual_seed(2)
    y = nn.Dropout1d(0.5)(tg.ones(50, 7)).numpy()  # (C, L)
    assert np.all(y.min(axis=1) == y.max(axis=1)) and 0 < (y[:, 0] == 0).mean() < 1
    z = nn.Dropout3d(0.5)(tg.ones(50, 2, 2, 2)).numpy()  # (C, D, H, W)
    flat = z.reshape(50, -1)
    assert np.all(flat.min(axis=1) == flat.max(axis=1)) and 0 < (flat[:, 0] == 0).mean() < 1


def test_adaptive_pooling_of_divisible_sizes_equals_fixed_pooling():
    x = tg.randn(2, 3, 8, 6)
    np.testing.assert_allclose(
        F.adaptive_avg_pool2d(x, (4, 3)).numpy(), F.avg_pool2d(x, 2).numpy(), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_array_equal(F.adaptive_max_pool2d(x, (2, 3)).numpy(), F.max_pool2d(x, (4, 2)).numpy())
    assert nn.AdaptiveAvgPool2d((None, 1))(x).shape == (2, 3, 8, 1)


def test_instance_norm_without_parameters_only_warns_on_a_channel_count_mismatch():
    with pytest.warns(UserWarning, match="does not match num_features"):
        assert nn.InstanceNorm2d(3)(tg.randn(2, 4, 3, 3)).shape == (2, 4, 3, 3)
    with pytest.raises(ValueError, match=r"has 4 channels on axis 1, expected 3"):
        nn.InstanceNorm2d(3, affine=True)(tg.randn(2, 4, 3, 3))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.BatchNorm2d(3)(tg.randn(2, 3, 4)),
            ValueError,
            r"BatchNorm2d: expected 4D input \(got 3D",
        ),
        (
            lambda: nn.BatchNorm2d(3)(tg.randn(2, 4, 3, 3)),
            ValueError,
            r"has 4 channels on axis 1, expected 3",
        ),
        (lambda: nn.BatchNorm2d(3)(tg.randn(1, 3, 1, 1)), ValueError, "more than 1 value per channel"),
        (lambda: nn.BatchNorm2d(0), ValueError, "num_features must be a positive integer"),
        (lambda: nn.BatchNorm2d(3, momentum=1.5), ValueError, r"momentum must lie in \[0, 1\]"),
        (lambda: nn.BatchNorm1d(3)(tg.randn(2, 3, 4, 4)), ValueError, "expected 2D or 3D input"),
        (lambda: nn.GroupNorm(4, 6), ValueError, r"num_channels \(6\) must be divisible by num_groups \(4\)"),
        (lambda: nn.GroupNorm(2, 6)(tg.randn(2, 4, 3)), ValueError, "has 4 channels on axis 1, expected 6"),
        (
            lambda: F.group_norm(tg.randn(2, 4, 3), 2, tg.ones(6)),
            ValueError,
            r"weight must have shape \(4,\), got \(6,\)",
        ),
        (
            lambda: F.group_norm(tg.randn(2, 5, 3), 2),
            ValueError,
            "5 channels .* not divisible by num_groups=2",
        ),
        (lambda: F.group_norm(tg.randn(6), 2), ValueError, r"expected an \(N, C, ...\) input"),
        (lambda: nn.InstanceNorm2d(3)(tg.randn(5, 5)), ValueError, r"expected 3D or 4D input \(got 2D"),
        (lambda: nn.InstanceNorm2d(3)(tg.randn(2, 3, 1, 1)), ValueError, "more than 1 spatial element"),
        (
            lambda: nn.Dropout2d(1.5),
            ValueError,
            r"Dropout2d: the drop probability p must be a number in \[0, 1\]",
        ),
        (
            lambda: F.dropout2d(tg.randn(3, 4), 0.5),
            ValueError,
            r"expected a 3D .* or 4D .* input, got shape \(3, 4\)",
        ),
        (lambda: F.dropout1d(tg.randn(2, 3, 4, 4)), ValueError, "dropout1d: expected a 2D"),
        (lambda: nn.AdaptiveAvgPool2d(2)(tg.randn(4, 5)), ValueError, r"expected a 3-d \(C, H, W\) or 4-d"),
        (lambda: nn.AdaptiveAvgPool2d((2, 3, 4)), ValueError, "output_size must be an int, None or a pair"),
        (lambda: nn.AdaptiveAvgPool2d(-1), ValueError, "output_size must be an int >= 0"),
        (lambda: nn.AdaptiveMaxPool2d((2, -1)), ValueError, "output_size must be an int >= 0"),
        (lambda: nn.AdaptiveAvgPool1d((2, 2)), ValueError, "output_size must be an int >= 0 or a 1-tuple"),
        (lambda: F.adaptive_avg_pool2d(tg.randn(2, 3, 0, 4), 2), ValueError, "non-empty channel and spatial"),
        (
            lambda: F.conv1d(tg.randn(2, 3, 8), tg.randn(4, 2, 3)),
            ValueError,
            "input has 3 channels, but weight",
        ),
        (lambda: F.conv1d(tg.randn(2, 3, 8), tg.randn(4, 3, 1, 3)), ValueError, "weight must be 3-d"),
        (lambda: nn.Conv1d(3, 4, 3)(tg.randn(2, 3, 4, 4)), ValueError, r"expected a 2-d \(C, L\) or 3-d"),
        (
            lambda: F.conv_transpose2d(tg.randn(1, 3, 4, 4), tg.randn(2, 3, 3, 3)),
            ValueError,
            r"input has 3 channels, but weight \(2, 3, 3, 3\) expects 2",
        ),
        (
            lambda: nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=2)(tg.randn(1, 2, 3, 3)),
            ValueError,
            "output_padding .* must be smaller than the stride",
        ),
        (lambda: nn.ConvTranspose2d(2, 2, 3, padding="same"), ValueError, "padding must be an int or a pair"),
        (lambda: nn.MaxPool1d((2, 2)), ValueError, "kernel_size must be an int >= 1 or a 1-tuple"),
    ],
)
def test_bad_inputs_get_errors_naming_the_problem(call, error, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=message):
            call()


class TinyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Dropout2d(0.1),
            nn.Conv2d(4, 8, 3, padding=1),
            nn.GroupNorm(2, 8),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(8, 3)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def test_a_tiny_cnn_with_the_new_layers_learns_random_batches():
    """Noisy 6x6 images of vertical stripes, horizontal stripes or a checkerboard: a pattern the
    convolutions see and the global pooling keeps."""
    tg.manual_seed(0)
    rows, columns = np.indices((6, 6))
    patterns = np.stack([columns % 2, rows % 2, (rows + columns) % 2]).astype(np.float32) * 2 - 1
    rng = np.random.default_rng(0)
    batches = []
    for _ in range(3):
        labels = rng.integers(0, 3, 8)
        images = patterns[labels][:, None] + 0.5 * rng.standard_normal((8, 1, 6, 6)).astype(np.float32)
        batches.append((tg.tensor(images), tg.tensor(labels)))
    model = TinyCNN()
    optimizer = tg.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(10):
        total = 0.0
        for images, labels in batches:
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / len(batches))
    assert losses[-1] < 0.5 * losses[0], losses
    model.eval()
    with tg.no_grad():
        accuracy = np.mean(
            [(model(images).argmax(1).numpy() == labels.numpy()).mean() for images, labels in batches]
        )
    assert accuracy > 0.8
    assert model.features[1].num_batches_tracked.item() == 30


@pytest.mark.parametrize(
    "norm",
    [
        lambda x, w, b: F.group_norm(x, 2, w, b),
        lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        lambda x, w, b: (
            F.adaptive_max_pool2d(x * w.reshape(1, 4, 1, 1), (2, 3)) + F.adaptive_avg_pool2d(x, (2, 3))
        ),
    ],
    ids=["group_norm", "instance_norm", "batch_norm_2d", "adaptive_pools"],
)
def test_second_derivatives_match_central_differences(norm):
    """create_graph=True through the new layers: the gradient's own gradient checks out."""
    rng = np.random.default_rng(5)
    inputs = [
        tg.tensor(rng.standard_normal(shape), requires_grad=True) for shape in ((2, 4, 3, 5), (4,), (4,))
    ]

    def gradient_norm(*tensors):
        tensors = [
            t if t.requires_grad else t.detach().requires_grad_() for t in tensors
        ]  # differences pass constants
        grads = tg.grad((norm(*tensors) ** 3).sum(), tensors, create_graph=True, allow_unused=True)
        return sum((g * g).sum() for g in grads if g is not None)

    assert tg.gradcheck(gradient_norm, inputs)


@pytest.mark.parametrize(
    "layer, shape",
    [
        (lambda: tg.nn.Linear(4, 3), (2, 4)),
        (lambda: tg.nn.Dense(4, 3), (2, 4)),
        (lambda: tg.nn.Conv2d(1, 2, 3), (1, 1, 5, 5)),
    ],
    ids=["Linear", "Dense", "Conv2d"],
)
@pytest.mark.parametrize("dtype", [tg.uint8, tg.int64, tg.bool_])
def test_integer_inputs_to_float_layers_are_refused_with_the_fix(layer, shape, dtype):
    # PyTorch refuses them too; accepted, raw 0..255 pixels would train silently unscaled.
    with pytest.raises(TypeError, match=rf"input is {np.dtype(dtype)} but the weight float32.*\.float\(\)"):
        layer()(tg.zeros(*shape, dtype=dtype))
    with pytest.raises(TypeError, match="input is uint8"):
        tg.nn.functional.linear(np.zeros((2, 4), np.uint8), tg.nn.Linear(4, 3).weight)
