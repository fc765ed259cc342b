"""Round 9's layers against PyTorch 2.13 (fixtures from tests/fixtures/make_layers_round9.py):
ConvTranspose3d, AdaptiveAvgPool3d / AdaptiveMaxPool3d, MaxUnpool3d, LPPool1d/2d/3d, pdist,
FractionalMaxPool2d/3d, AdaptiveLogSoftmaxWithLoss, CrossMapLRN2d, linear_cross_entropy, nn.Buffer,
the in-place activations and the *_with_indices pools: values, gradients, reprs, state_dict keys
and the errors PyTorch raises for bad inputs."""

from __future__ import annotations

import copy
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "layers_round9.npz")


def _inputs(prefix: str, count: int = 1) -> list[tg.Tensor]:
    return [tg.tensor(FIXTURES[f"{prefix}_in{i}"], requires_grad=True) for i in range(count)]


def _check(prefix: str, output: tg.Tensor, *sources: tg.Tensor, tol: float = 1e-5) -> None:
    """``output`` and the gradients of (output · upstream).sum() match PyTorch's."""
    np.testing.assert_allclose(output.numpy(), FIXTURES[f"{prefix}_out"], rtol=tol, atol=tol)
    (output * tg.tensor(FIXTURES[f"{prefix}_up"])).sum().backward()
    for i, source in enumerate(sources):
        expected = FIXTURES[f"{prefix}_grad{i}"]
        np.testing.assert_allclose(source.grad.numpy(), expected, rtol=tol, atol=tol, err_msg=f"input {i}")


# ---------------------------------------------------------------------------------------------
# Transposed convolution in 3-d


def test_conv_transpose3d_with_groups_strides_and_dilation_matches_pytorch() -> None:
    x, w, b = _inputs("convt3d", 3)
    _check("convt3d", F.conv_transpose3d(x, w, b, (2, 1, 2), (1, 0, 1), (1, 0, 0), 2, (1, 2, 1)), x, w, b)


def test_conv_transpose3d_module_picks_output_padding_from_output_size_unbatched() -> None:
    (x,) = _inputs("convt3d_module")
    layer = nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1)
    layer.load_state_dict(
        {k: tg.tensor(FIXTURES[f"convt3d_module_in{i}"]) for i, k in ((1, "weight"), (2, "bias"))}
    )
    _check("convt3d_module", layer(x, output_size=(6, 7, 6)), x, layer.weight, layer.bias)
    with pytest.raises(ValueError, match="output size"):
        layer(x, output_size=(9, 7, 6))


def test_conv_transpose3d_repr_state_dict_and_lazy_form_as_pytorch() -> None:
    layer = nn.ConvTranspose3d(4, 6, (2, 3, 2), (2, 1, 2), (1, 0, 1), (1, 0, 0), 2, False, (1, 2, 1))
    assert repr(layer) == (
        "ConvTranspose3d(4, 6, kernel_size=(2, 3, 2), stride=(2, 1, 2), padding=(1, 0, 1), "
        "dilation=(1, 2, 1), output_padding=(1, 0, 0), groups=2, bias=False)"
    )
    assert list(layer.state_dict()) == ["weight"] and layer.weight.shape == (4, 3, 2, 3, 2)
    lazy = nn.LazyConvTranspose3d(3, 2)
    assert lazy(tg.randn(1, 5, 2, 3, 4)).shape == (1, 3, 3, 4, 5)
    assert type(lazy) is nn.ConvTranspose3d and lazy.weight.shape == (5, 3, 2, 2, 2)


def test_conv_transpose3d_refuses_bad_inputs() -> None:
    weight = tg.randn(2, 3, 2, 2, 2)
    with pytest.raises(ValueError, match="4-d .* or 5-d"):
        F.conv_transpose3d(tg.randn(2, 4, 4), weight)
    with pytest.raises(ValueError, match="weight must be 5-d"):
        F.conv_transpose3d(tg.randn(1, 2, 3, 3, 3), tg.randn(2, 3, 2, 2))
    with pytest.raises(ValueError, match="input has 4 channels"):
        F.conv_transpose3d(tg.randn(1, 4, 3, 3, 3), weight)
    with pytest.raises(RuntimeError, match="output_padding"):
        F.conv_transpose3d(tg.randn(1, 2, 3, 3, 3), weight, stride=2, output_padding=2)


# ---------------------------------------------------------------------------------------------
# Adaptive pooling and unpooling in 3-d


def test_adaptive_avg_pool3d_overlapping_bins_and_none_match_pytorch() -> None:
    (x,) = _inputs("aap3d")
    _check("aap3d", F.adaptive_avg_pool3d(x, (3, None, 4)), x)
    (x,) = _inputs("aap3d")
    _check("aap3d", nn.AdaptiveAvgPool3d((3, None, 4))(x), x)


@pytest.mark.parametrize("prefix, size", [("amp3d", (2, 3, 4)), ("amp3d_unbatched", 2)])
def test_adaptive_max_pool3d_values_indices_and_gradient_match_pytorch(prefix: str, size: object) -> None:
    (x,) = _inputs(prefix)
    output, indices = nn.AdaptiveMaxPool3d(size, return_indices=True)(x)
    assert indices.dtype == tg.int64
    np.testing.assert_array_equal(indices.numpy(), FIXTURES[f"{prefix}_indices"])
    _check(prefix, output, x)
    again, indices = F.adaptive_max_pool3d_with_indices(x.detach(), size)
    np.testing.assert_array_equal(indices.numpy(), FIXTURES[f"{prefix}_indices"])


def test_max_unpool3d_places_values_at_pytorch_indices_with_output_size() -> None:
    (pooled,) = _inputs("unpool3d")
    indices = tg.tensor(FIXTURES["unpool3d_indices"])
    _check("unpool3d", nn.MaxUnpool3d(2)(pooled, indices, output_size=(5, 6, 5)), pooled)
    with pytest.raises(ValueError, match="invalid output_size"):
        F.max_unpool3d(pooled.detach(), indices, 2, output_size=(8, 6, 5))
    with pytest.raises(ValueError, match="shape of the input"):
        F.max_unpool3d(pooled.detach(), indices[:, :1], 2)


def test_max_pool3d_indices_round_trip_through_max_unpool3d() -> None:
    x = tg.rand(2, 3, 4, 6, 4) + 0.1  # positive: each window's maximum outranks the zeros around it
    pooled, indices = F.max_pool3d_with_indices(x, 2)
    restored = F.max_unpool3d(pooled, indices, 2)
    kept = restored.numpy() != 0
    np.testing.assert_array_equal(restored.numpy()[kept], x.numpy()[kept])
    np.testing.assert_array_equal(F.max_pool3d(restored, 2).numpy(), pooled.numpy())


def test_3d_pool_reprs_and_empty_state_dicts_as_pytorch() -> None:
    assert repr(nn.AdaptiveAvgPool3d((3, None, 4))) == "AdaptiveAvgPool3d(output_size=(3, None, 4))"
    assert repr(nn.AdaptiveMaxPool3d(2, return_indices=True)) == "AdaptiveMaxPool3d(output_size=2)"
    assert (
        repr(nn.MaxUnpool3d(2)) == "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))"
    )
    assert repr(nn.MaxUnpool3d((2, 1, 3), stride=1, padding=(1, 0, 1))) == (
        "MaxUnpool3d(kernel_size=(2, 1, 3), stride=(1, 1, 1), padding=(1, 0, 1))"
    )
    assert nn.AdaptiveMaxPool3d(2).state_dict() == {}


def test_adaptive_3d_pools_refuse_bad_inputs() -> None:
    with pytest.raises(ValueError, match="4-d .* or 5-d"):
        F.adaptive_avg_pool3d(tg.randn(2, 3, 4), 2)
    with pytest.raises(ValueError, match="output_size"):
        F.adaptive_max_pool3d(tg.randn(1, 2, 3, 3, 3), (2, 2))
    with pytest.raises(ValueError, match="output_size"):
        nn.AdaptiveAvgPool3d((1, 2))
    with pytest.raises(ValueError, match="non-empty"):
        F.adaptive_max_pool3d(tg.randn(1, 2, 0, 3, 3), 2)


# ---------------------------------------------------------------------------------------------
# Power-average pooling


@pytest.mark.filterwarnings("ignore:invalid value")  # a negative mean to the power 1/3: NaN, as PyTorch's
@pytest.mark.parametrize(
    "prefix, pool",
    [
        ("lp1d", lambda x: F.lp_pool1d(x, 2.0, 3, 2)),
        ("lp2d", lambda x: nn.LPPool2d(3.0, (2, 3), ceil_mode=True)(x)),
        ("lp2d_inf", lambda x: F.lp_pool2d(x, math.inf, 2)),
        ("lp3d", lambda x: nn.LPPool3d(1.5, (2, 2, 3), (1, 2, 2))(x)),
    ],
)
def test_lp_pool_matches_pytorch(prefix: str, pool: object) -> None:
    (x,) = _inputs(prefix)
    _check(prefix, pool(x), x, tol=1e-4)


def test_lp_pool_reprs_as_pytorch_and_bad_inputs() -> None:
    assert repr(nn.LPPool1d(2, 3, 2)) == "LPPool1d(norm_type=2, kernel_size=3, stride=2, ceil_mode=False)"
    assert repr(nn.LPPool2d(3.0, (2, 3), ceil_mode=True)) == (
        "LPPool2d(norm_type=3.0, kernel_size=(2, 3), stride=None, ceil_mode=True)"
    )
    with pytest.raises(ValueError, match="2-d .* or 3-d"):
        F.lp_pool1d(tg.randn(2, 3, 4, 5), 2, 2)
    with pytest.raises(ValueError, match="does not fit"):
        F.lp_pool2d(tg.randn(1, 1, 2, 2), 2, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        nn.LPPool3d(2, (2, 2))
    with pytest.raises(RuntimeError, match="smaller than kernel size"):  # even where ceil_mode would pad
        F.lp_pool3d(tg.rand(1, 1, 2, 4, 4), 2, (3, 1, 1), 2, ceil_mode=True)


# ---------------------------------------------------------------------------------------------
# pdist


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, math.inf])
def test_pdist_condensed_distances_and_zero_distance_gradient_match_pytorch(p: float) -> None:
    (x,) = _inputs(f"pdist_{p}")
    output = F.pdist(x, p)
    assert output.shape == (15,)
    _check(f"pdist_{p}", output, x)


def test_pdist_refuses_bad_inputs() -> None:
    with pytest.raises(RuntimeError, match="2D"):
        F.pdist(tg.randn(2, 3, 4))
    with pytest.raises(RuntimeError, match="non-negative"):
        F.pdist(tg.randn(3, 2), -1.0)
    with pytest.raises(RuntimeError, match="floating"):
        F.pdist(tg.tensor([[1, 2], [3, 4]]))
    assert F.pdist(tg.randn(1, 3)).shape == (0,)


# ---------------------------------------------------------------------------------------------
# Fractional max pooling


@pytest.mark.parametrize("dims", [2, 3])
def test_fractional_max_pool_with_given_samples_matches_pytorch_exactly(dims: int) -> None:
    prefix = f"frac{dims}d"
    (x,) = _inputs(prefix)
    samples = tg.tensor(FIXTURES[f"{prefix}_samples"])
    if dims == 2:
        layer = nn.FractionalMaxPool2d(
            (2, 3), output_size=(4, 5), return_indices=True, _random_samples=samples
        )
    else:
        layer = nn.FractionalMaxPool3d(
            (2, 2, 3), output_ratio=0.5, return_indices=True, _random_samples=samples
        )
    assert list(layer.state_dict()) == ["_random_samples"]
    output, indices = layer(x)
    np.testing.assert_array_equal(indices.numpy(), FIXTURES[f"{prefix}_indices"])
    np.testing.assert_array_equal(output.numpy(), FIXTURES[f"{prefix}_out"])
    _check(prefix, output, x)


def test_fractional_max_pool_random_windows_hold_maxima_and_route_the_gradient() -> None:
    tg.manual_seed(3)
    x = tg.randn(2, 3, 10, 9, requires_grad=True)
    output, indices = F.fractional_max_pool2d(x, 3, output_ratio=(0.5, 0.7), return_indices=True)
    assert output.shape == (2, 3, 5, 6) and indices.dtype == tg.int64
    flat = x.detach().numpy().reshape(2, 3, -1)
    picked = np.take_along_axis(flat, indices.numpy().reshape(2, 3, -1), 2)
    np.testing.assert_array_equal(picked.reshape(output.shape), output.numpy())
    for (n, c, i, j), value in np.ndenumerate(output.detach().numpy()):  # the maximum of a 3x3 window
        row, col = divmod(int(indices.numpy()[n, c, i, j]), 9)
        plane = flat[n, c].reshape(10, 9)
        assert any(
            plane[top : top + 3, left : left + 3].max() == value
            for top in range(max(row - 2, 0), min(row, 7) + 1)
            for left in range(max(col - 2, 0), min(col, 6) + 1)
        )
    output.sum().backward()
    expected = np.zeros(flat.shape, dtype=np.float32)
    for n in range(2):
        for c in range(3):
            np.add.at(expected[n, c], indices.numpy()[n, c].ravel(), 1.0)
    np.testing.assert_array_equal(x.grad.numpy().reshape(2, 3, -1), expected)
    tg.manual_seed(3)
    again = F.fractional_max_pool2d(tg.randn(2, 3, 10, 9), 3, output_ratio=(0.5, 0.7))
    np.testing.assert_array_equal(again.numpy(), output.detach().numpy())  # the library's seeded RNG


def test_fractional_max_pool_refuses_bad_settings_and_inputs() -> None:
    with pytest.raises(ValueError, match="either"):
        nn.FractionalMaxPool2d(2)
    with pytest.raises(ValueError, match="only one"):
        nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.FractionalMaxPool3d(2, output_ratio=1.5)
    with pytest.raises(RuntimeError, match="too large"):
        F.fractional_max_pool2d(tg.randn(1, 1, 5, 5), 3, output_size=4)
    assert F.fractional_max_pool2d(tg.randn(1, 1, 8, 8), 2, output_size=(7, 2)).shape == (1, 1, 7, 2)
    with pytest.raises(RuntimeError, match="too large"):  # PyTorch's 3-d check is strict: o + k − 1 < n
        F.fractional_max_pool3d(tg.randn(1, 1, 8, 8, 8), 2, output_size=(7, 2, 2))
    with pytest.raises(RuntimeError, match="3-d .* or 4-d"):
        F.fractional_max_pool2d(tg.randn(5, 5), 2, output_size=2)
    with pytest.raises(RuntimeError, match="_random_samples must have shape"):
        F.fractional_max_pool2d(tg.randn(2, 1, 5, 5), 2, output_size=2, _random_samples=tg.rand(1, 1, 2))
    assert repr(nn.FractionalMaxPool2d(2, output_ratio=0.5)) == "FractionalMaxPool2d()"


# ---------------------------------------------------------------------------------------------
# Adaptive softmax


def _adaptive_softmax() -> nn.AdaptiveLogSoftmaxWithLoss:
    layer = nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5, 12], div_value=2.0, head_bias=True)
    state = {k[len("asm_param_") :]: tg.tensor(v) for k, v in FIXTURES.items() if k.startswith("asm_param_")}
    assert sorted(state) == sorted(layer.state_dict())
    layer.load_state_dict(state)
    return layer


def test_adaptive_log_softmax_output_loss_and_gradients_match_pytorch() -> None:
    layer = _adaptive_softmax()
    assert list(layer.state_dict()) == [
        "head.weight", "head.bias", "tail.0.0.weight", "tail.0.1.weight", "tail.1.0.weight", "tail.1.1.weight"
    ]  # fmt: skip
    (x,) = _inputs("asm")
    target = tg.tensor(FIXTURES["asm_target"])
    output, loss = layer(x, target)
    np.testing.assert_allclose(loss.numpy(), FIXTURES["asm_loss"], rtol=1e-5)
    _check("asm", output, x)
    x.grad = None
    layer(x, target).loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), FIXTURES["asm_loss_grad"], rtol=1e-5, atol=1e-6)


def test_adaptive_log_softmax_log_prob_predict_and_unbatched_match_pytorch() -> None:
    layer = _adaptive_softmax()
    x = tg.tensor(FIXTURES["asm_in0"])
    log_prob = layer.log_prob(x)
    np.testing.assert_allclose(log_prob.numpy(), FIXTURES["asm_log_prob"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.exp(log_prob.numpy()).sum(1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(layer.predict(x).numpy(), FIXTURES["asm_predict"])
    single = layer(x[3], tg.tensor(FIXTURES["asm_target"][3]))
    assert single.output.shape == ()
    np.testing.assert_allclose(single.output.numpy(), FIXTURES["asm_out"][3], rtol=1e-5)


def test_adaptive_log_softmax_with_an_empty_hidden_layer_matches_pytorch() -> None:
    layer = nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5, 12])  # 8 // 4² = 0 hidden units in cluster 2
    assert layer.tail[1][0].weight.shape == (0, 8) and nn.Linear(3, 0)(tg.randn(2, 3)).shape == (2, 0)
    prefix = "asm_small_param_"
    layer.load_state_dict(
        {k[len(prefix) :]: tg.tensor(v) for k, v in FIXTURES.items() if k.startswith(prefix)}
    )
    x, target = tg.tensor(FIXTURES["asm_in0"]), tg.tensor(FIXTURES["asm_target"])
    np.testing.assert_allclose(
        layer(x, target).output.numpy(), FIXTURES["asm_small_out"], rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        layer.log_prob(x).numpy(), FIXTURES["asm_small_log_prob"], rtol=1e-5, atol=1e-6
    )


def test_adaptive_log_softmax_refuses_bad_cutoffs_and_inputs() -> None:
    with pytest.raises(ValueError, match="cutoffs"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3])
    with pytest.raises(ValueError, match="cutoffs"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 10])
    layer = nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])
    with pytest.raises(RuntimeError, match="same size in the batch"):
        layer(tg.randn(3, 4), tg.tensor([1, 2]))
    with pytest.raises(RuntimeError, match=r"Target values should be in \[0, 9\]"):
        layer(tg.randn(2, 4), tg.tensor([1, 10]))
    with pytest.raises(RuntimeError, match="multi-target"):
        layer(tg.randn(2, 4), tg.tensor([[1], [2]]))


# ---------------------------------------------------------------------------------------------
# CrossMapLRN2d, linear_cross_entropy


def test_cross_map_lrn2d_matches_pytorch_forward_and_backward() -> None:
    (x,) = _inputs("crossmap")
    layer = nn.CrossMapLRN2d(4, alpha=0.1, beta=0.6, k=2)
    assert repr(layer) == "CrossMapLRN2d(4, alpha=0.1, beta=0.6, k=2)"
    _check("crossmap", layer(x), x)
    with pytest.raises(ValueError, match="Expected input to be 4D, got 3D"):
        layer(tg.randn(2, 3, 4))


def test_linear_cross_entropy_matches_pytorch() -> None:
    x, w, b = _inputs("lce", 3)
    loss = F.linear_cross_entropy(x, w, tg.tensor(FIXTURES["lce_target"]), linear_bias=b, label_smoothing=0.1)
    _check("lce", loss, x, w, b)


def test_linear_cross_entropy_loss_with_out_features_matches_pytorch() -> None:
    criterion = nn.LinearCrossEntropyLoss(5, 3, out_features=(2,), bias=True, label_smoothing=0.05)
    assert list(criterion.state_dict()) == ["linear.weight", "linear.bias"]
    assert criterion.linear.weight.shape == (6, 5)
    criterion.load_state_dict({"linear.weight": tg.tensor(FIXTURES["lcel_param_linear.weight"]),
                               "linear.bias": tg.tensor(FIXTURES["lcel_param_linear.bias"])})  # fmt: skip
    (x,) = _inputs("lcel")
    _check("lcel", criterion(x, tg.tensor(FIXTURES["lcel_target"])), x, criterion.linear.weight)
    assert repr(criterion).splitlines()[1].strip() == (
        "in_features=5, num_classes=3, out_features=(2,), bias=True, reduction=mean, ignore_index=None, "
        "label_smoothing=0.05, options=None"
    )


def test_linear_cross_entropy_refuses_mismatched_shapes() -> None:
    with pytest.raises(RuntimeError, match="in_features"):
        F.linear_cross_entropy(tg.randn(3, 4), tg.randn(2, 5), tg.tensor([0, 1, 0]))
    with pytest.raises(RuntimeError, match="linear_bias shape"):
        F.linear_cross_entropy(tg.randn(3, 4), tg.randn(2, 4), tg.tensor([0, 1, 0]), linear_bias=tg.randn(3))
    with pytest.raises(RuntimeError, match="dimensionality 1 or 2"):
        F.linear_cross_entropy(tg.randn(1, 3, 4), tg.randn(2, 4), tg.tensor([[0, 1, 0]]))
    with pytest.raises(RuntimeError, match="weight shape"):
        nn.LinearCrossEntropyLoss(4, 3, weight=tg.ones(2))
    with pytest.warns(FutureWarning, match="NLLLoss"):
        assert isinstance(nn.NLLLoss2d(), nn.NLLLoss)


def test_conv_tbc_matches_pytorch_and_checks_shapes() -> None:
    x, w, b = _inputs("tbc", 3)
    _check("tbc", F.conv_tbc(x, w, b, 1), x, w, b)
    with pytest.raises(RuntimeError, match="Bias size"):
        F.conv_tbc(x.detach(), w.detach(), b.detach()[:2])
    with pytest.raises(RuntimeError, match="3 dims"):
        F.conv_tbc(x.detach()[0], w.detach(), b.detach())


def test_deprecated_container_and_native_channel_shuffle_spellings() -> None:
    with pytest.warns(FutureWarning, match="Container"):
        container = nn.Container(first=nn.Linear(2, 3), second=nn.ReLU())
    assert list(container.state_dict()) == ["first.weight", "first.bias"]
    x = tg.arange(8.0).reshape(1, 4, 2)
    np.testing.assert_array_equal(F.native_channel_shuffle(x, 2).numpy(), F.channel_shuffle(x, 2).numpy())


# ---------------------------------------------------------------------------------------------
# nn.Buffer


def test_buffer_assignment_registers_a_buffer_persistent_or_not() -> None:
    module = nn.Module()
    module.running = nn.Buffer(tg.ones(2))
    module.scratch = nn.Buffer(tg.zeros(3), persistent=False)
    module.plain = tg.ones(1)
    assert [name for name, _ in module.named_buffers()] == ["running", "scratch"]
    assert list(module.state_dict()) == ["running"]
    assert isinstance(module.running, tg.Tensor) and isinstance(module.running, nn.Buffer)
    source = tg.ones(2, requires_grad=True)
    shared = nn.Buffer(source)
    assert shared.requires_grad and shared.grad_fn is None
    assert nn.Buffer().shape == (0,)


def test_buffer_survives_copy_pickle_and_dtype_moves() -> None:
    module = nn.Module()
    module.scratch = nn.Buffer(tg.zeros(3), persistent=False)
    for clone in (copy.deepcopy(module), pickle.loads(pickle.dumps(module))):
        assert [name for name, _ in clone.named_buffers()] == ["scratch"]
        assert clone.state_dict() == {}
    module.double()
    assert module.scratch.dtype == tg.float64 and list(dict(module.named_buffers())) == ["scratch"]
    with pytest.raises(TypeError):
        nn.Buffer([1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# In-place activations, *_with_indices


@pytest.mark.parametrize(
    "inplace, reference",
    [
        (F.relu_, F.relu),
        (lambda x: F.elu_(x, 0.5), lambda x: F.elu(x, 0.5)),
        (lambda x: F.celu_(x, 2.0), lambda x: F.celu(x, 2.0)),
        (F.selu_, F.selu),
        (lambda x: F.leaky_relu_(x, 0.2), lambda x: F.leaky_relu(x, 0.2)),
        (lambda x: F.hardtanh_(x, -0.5, 0.5), lambda x: F.hardtanh(x, -0.5, 0.5)),
        (lambda x: F.threshold_(x, 0.1, -3.0), lambda x: F.threshold(x, 0.1, -3.0)),
        (F.rrelu_, F.rrelu),
    ],
)
def test_in_place_activations_write_into_their_input(inplace: object, reference: object) -> None:
    x = tg.randn(4, 5)
    expected = reference(x.clone()).numpy()
    version = x._version
    assert inplace(x) is x
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-6)
    assert x._version > version
    with pytest.raises(RuntimeError, match="in-place"):
        inplace(tg.randn(3, requires_grad=True))


def test_with_indices_pools_always_return_indices() -> None:
    x = tg.randn(2, 3, 8, 8)
    for pool, args in (
        (F.max_pool1d_with_indices, (x[:, :, 0], 2)),
        (F.max_pool2d_with_indices, (x, 2)),
        (F.max_pool3d_with_indices, (x, 2)),
        (F.adaptive_max_pool1d_with_indices, (x[:, :, 0], 3)),
        (F.adaptive_max_pool2d_with_indices, (x, 3)),
        (F.fractional_max_pool2d_with_indices, (x, 2, 4)),
    ):
        output, indices = pool(*args)
        assert indices.dtype == tg.int64 and indices.shape == output.shape
