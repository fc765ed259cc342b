"""PixelShuffle / PixelUnshuffle / ChannelShuffle, Unfold / Fold, Bilinear, EmbeddingBag,
LocalResponseNorm, AlphaDropout / FeatureAlphaDropout, the 3-d pads and UpsamplingNearest2d /
UpsamplingBilinear2d, against PyTorch 2.13 fixtures
(tests/fixtures/make_layers_round6_reference.py): values and gradients in float64, reprs, alpha
dropout's levels and statistics, and bad inputs."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_layers_round6_reference import (  # noqa: E402  (the cases, without importing torch)
    ALPHA_DROPOUT_PS,
    BAGS,
    BILINEARS,
    FOLDS,
    LRNS,
    MODULES,
    REPRS,
    SHUFFLES,
    TABLE,
    UNFOLDS,
)

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "layers_round6_reference.npz")


def _fixture(key: str) -> tg.Tensor:
    return tg.tensor(FIXTURES[key], requires_grad=True)


def _check(prefix: str, out: tg.Tensor, sources: dict[str, tg.Tensor]) -> None:
    """``out`` and the gradients of (out · w).sum() match PyTorch's."""
    np.testing.assert_allclose(out.numpy(), FIXTURES[f"{prefix}/out"], rtol=1e-12, atol=1e-13)
    assert out.dtype == tg.float64
    (out * tg.tensor(FIXTURES[f"{prefix}/w"])).sum().backward()
    for name, source in sources.items():
        expected = FIXTURES[f"{prefix}/grad_{name}"]
        np.testing.assert_allclose(source.grad.numpy(), expected, rtol=1e-12, atol=1e-13, err_msg=name)


# -- values and gradients against PyTorch --------------------------------------------------------


@pytest.mark.parametrize("name", SHUFFLES)
def test_pixel_and_channel_shuffles_match_pytorch(name):
    function, _, kwargs = SHUFFLES[name]
    x = _fixture(f"shuffle/{name}/x")
    _check(f"shuffle/{name}", getattr(F, function)(x, **kwargs), {"x": x})


@pytest.mark.parametrize("name", UNFOLDS)
def test_unfold_matches_pytorch(name):
    x = _fixture(f"unfold/{name}/x")
    _check(f"unfold/{name}", F.unfold(x, **UNFOLDS[name][1]), {"x": x})


@pytest.mark.parametrize("name", FOLDS)
def test_fold_matches_pytorch(name):
    x = _fixture(f"fold/{name}/x")
    _check(f"fold/{name}", F.fold(x, **FOLDS[name][1]), {"x": x})


@pytest.mark.parametrize("name", BILINEARS)
def test_bilinear_matches_pytorch(name):
    keys = ("x1", "x2", "weight", "bias") if BILINEARS[name][3] else ("x1", "x2", "weight")
    sources = {key: _fixture(f"bilinear/{name}/{key}") for key in keys}
    out = F.bilinear(sources["x1"], sources["x2"], sources["weight"], sources.get("bias"))
    _check(f"bilinear/{name}", out, sources)


@pytest.mark.parametrize("name", BAGS)
def test_embedding_bag_matches_pytorch(name):
    indices, offsets, kwargs, weighted = BAGS[name]
    sources = {"weight": _fixture(f"bag/{name}/table")}
    if weighted:
        sources["per_sample_weights"] = _fixture(f"bag/{name}/per_sample_weights")
    out = F.embedding_bag(
        tg.tensor(indices),
        sources["weight"],
        None if offsets is None else tg.tensor(offsets),
        per_sample_weights=sources.get("per_sample_weights"),
        **kwargs,
    )
    _check(f"bag/{name}", out, sources)
    # max_norm rescales the looked-up rows of the table in place, as PyTorch's does
    np.testing.assert_allclose(sources["weight"].numpy(), FIXTURES[f"bag/{name}/table_after"], rtol=1e-12)


@pytest.mark.parametrize("name", LRNS)
def test_local_response_norm_matches_pytorch(name):
    x = _fixture(f"lrn/{name}/x")
    _check(f"lrn/{name}", F.local_response_norm(x, **LRNS[name][1]), {"x": x})


@pytest.mark.parametrize("name", MODULES)
def test_pad3d_and_upsampling_modules_match_pytorch(name):
    x = _fixture(f"module/{name}/x")
    _check(f"module/{name}", eval(MODULES[name][0], {"nn": nn})(x), {"x": x})


@pytest.mark.parametrize("name", REPRS)
def test_repr_matches_pytorch(name):
    assert repr(eval(REPRS[name], {"nn": nn})) == str(FIXTURES[f"repr/{name}"])


# -- modules ---------------------------------------------------------------------------------


def test_shuffle_modules_undo_each_other():
    x = tg.randn(2, 12, 3, 4)
    up = nn.PixelShuffle(2)(x)
    assert up.shape == (2, 3, 6, 8)
    np.testing.assert_array_equal(nn.PixelUnshuffle(2)(up).numpy(), x.numpy())
    shuffled = nn.ChannelShuffle(3)(x)
    np.testing.assert_array_equal(nn.ChannelShuffle(4)(shuffled).numpy(), x.numpy())  # g·k = 12
    assert up.dtype == tg.float32


def test_fold_of_unfold_counts_each_pixel_once_per_block_covering_it():
    x = tg.ones(1, 2, 5, 5)
    unfolded = nn.Unfold(kernel_size=3, padding=1)(x)
    assert unfolded.shape == (1, 18, 25) and unfolded.dtype == tg.float32
    coverage = nn.Fold(output_size=5, kernel_size=3, padding=1)(unfolded).numpy()[0, 0]
    assert coverage[0, 0] == 4 and coverage[0, 2] == 6 and coverage[2, 2] == 9


def test_unfold_gives_conv2d_as_a_matrix_product():
    x, weight = tg.randn(2, 3, 6, 5, dtype=tg.float64), tg.randn(4, 3, 3, 2, dtype=tg.float64)
    columns = F.unfold(x, (3, 2), padding=1, stride=(2, 1))
    by_columns = (weight.reshape(4, -1) @ columns).reshape(2, 4, 3, 6)
    np.testing.assert_allclose(
        by_columns.numpy(), F.conv2d(x, weight, padding=1, stride=(2, 1)).numpy(), rtol=1e-12
    )


def test_unfold_and_fold_have_second_derivatives():
    """Each one's gradient is the other, so gradients of gradients work (create_graph)."""
    settings = dict(kernel_size=2, padding=1, stride=2)
    weights, direction = tg.randn(1, 2 * 4, 9, dtype=tg.float64), tg.randn(1, 2, 5, 5, dtype=tg.float64)
    x = tg.randn(1, 2, 5, 5, dtype=tg.float64, requires_grad=True)
    # loss = Σ w·unfold(x)²: its gradient is fold(2w·unfold(x)), and that gradient's derivative
    # along ``direction`` v, d/dx Σ fold(2w·unfold(x))·v, is fold(2w·unfold(v)).
    (gradient,) = tg.grad((F.unfold(x, **settings) ** 2 * weights).sum(), x, create_graph=True)
    (gradient * direction).sum().backward()
    expected = F.fold(2 * weights * F.unfold(direction, **settings), 5, **settings)
    np.testing.assert_allclose(x.grad.numpy(), expected.numpy(), rtol=1e-12)
    assert tg.gradcheck(lambda c: F.fold(c**2, 5, **settings), [weights])


def test_bilinear_starts_as_pytorch_and_fits_its_inputs():
    tg.manual_seed(1)
    layer = nn.Bilinear(16, 3, 5)
    assert layer.weight.shape == (5, 16, 3) and layer.bias.shape == (5,)
    values = np.concatenate([layer.weight.numpy().ravel(), layer.bias.numpy()])
    assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.2  # U(±1/√in1_features)
    out = layer(tg.randn(7, 16), tg.randn(7, 3))
    assert out.shape == (7, 5) and out.dtype == tg.float32
    out.sum().backward()
    assert layer.weight.grad.shape == (5, 16, 3) and layer.bias.grad.numpy().tolist() == [7.0] * 5
    assert nn.Bilinear(2, 2, 1, bias=False).bias is None
    assert nn.Bilinear(2, 3, 4, dtype=tg.float64).weight.dtype == tg.float64


def test_embedding_bag_module_reduces_bags_of_its_table():
    bag = nn.EmbeddingBag(6, 3, mode="sum", padding_idx=0)
    assert bag.weight.shape == (6, 3) and not bag.weight.numpy()[0].any()
    table = bag.weight.numpy()
    out = bag(tg.tensor([1, 2, 0, 4, 5]), tg.tensor([0, 2]))
    np.testing.assert_allclose(out.numpy(), [table[1] + table[2], table[4] + table[5]], rtol=1e-6)
    out.sum().backward()
    np.testing.assert_array_equal(bag.weight.grad.numpy().sum(1), [0, 3, 3, 0, 3, 3])
    fixed = tg.tensor(np.arange(8.0).reshape(4, 2))
    pretrained = nn.EmbeddingBag.from_pretrained(fixed, mode="max", include_last_offset=True)
    assert not pretrained.weight.requires_grad and pretrained.weight.dtype == tg.float64
    np.testing.assert_array_equal(
        pretrained(tg.tensor([0, 3, 1, 2]), tg.tensor([0, 2, 4])).numpy(), [[6, 7], [4, 5]]
    )
    np.testing.assert_array_equal(nn.EmbeddingBag(4, 2, _weight=fixed)(tg.tensor([[0, 2]])).numpy(), [[2, 3]])


def test_embedding_bag_takes_the_old_argument_order_with_a_warning():
    table, indices = tg.randn(5, 2), tg.tensor([[1, 3], [0, 4]])
    with pytest.warns(UserWarning, match="argument order changed"):
        swapped = F.embedding_bag(table, indices, mode="sum")
    np.testing.assert_array_equal(swapped.numpy(), F.embedding_bag(indices, table, mode="sum").numpy())


def test_embedding_bag_of_only_empty_bags_is_zeros_with_a_zero_gradient():
    bag = nn.EmbeddingBag(5, 2, mode="max")
    out = bag(tg.tensor([], dtype=tg.int64), tg.tensor([0, 0, 0]))
    assert out.shape == (3, 2) and not out.numpy().any()
    out.sum().backward()
    assert not bag.weight.grad.numpy().any()
    sample_weights = tg.zeros(0, requires_grad=True)
    summed = nn.EmbeddingBag(5, 2, mode="sum")(
        tg.tensor([], dtype=tg.int64), tg.tensor([0, 0]), sample_weights
    )
    summed.sum().backward()
    assert summed.shape == (2, 2) and sample_weights.grad.shape == (0,)


def test_local_response_norm_module_is_the_functional_form():
    x = tg.randn(2, 6, 4, 4)
    out = nn.LocalResponseNorm(3, alpha=0.5)(x)
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), F.local_response_norm(x, 3, alpha=0.5).numpy(), rtol=1e-6)


# -- alpha dropout ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", ALPHA_DROPOUT_PS)
def test_alpha_dropout_levels_match_pytorch(p):
    """On zeros the output takes PyTorch's two values b (kept) and a·α' + b (dropped); the slope is a."""
    kept, dropped, slope = FIXTURES[f"alpha_dropout/{p}"]
    zeros = F.alpha_dropout(tg.zeros(4000, dtype=tg.float64), p, training=True).numpy()
    assert np.isclose(zeros, kept, rtol=1e-12).sum() + np.isclose(zeros, dropped, rtol=1e-12).sum() == 4000
    x = tg.randn(4000, dtype=tg.float64, requires_grad=True)
    out = F.alpha_dropout(x, p, training=True)
    is_kept = ~np.isclose(out.numpy(), dropped, rtol=1e-9, atol=0)
    np.testing.assert_allclose(
        out.numpy()[is_kept], slope * x.numpy()[is_kept] + kept, rtol=1e-12, atol=1e-14
    )
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.where(is_kept, slope, 0.0), rtol=1e-12)
    assert abs((~is_kept).mean() - p) < 0.04


@pytest.mark.parametrize("layer", [nn.AlphaDropout, nn.FeatureAlphaDropout])
def test_alpha_dropout_keeps_mean_and_variance_of_selu_activations(layer):
    """Inputs of mean 0 and variance 1 keep them in training (Klambauer et al., 2017)."""
    x = tg.randn(400, 500)
    out = layer(0.3)(x).numpy()
    assert abs(out.mean()) < 0.03 and abs(out.var() - 1) < 0.05
    selu_net_input = F.selu(tg.randn(400, 500))  # SELU's fixed point: mean ≈ 0, variance ≈ 1
    out = layer(0.2)(selu_net_input).numpy()
    assert abs(out.mean() - selu_net_input.numpy().mean()) < 0.03
    assert abs(out.var() - selu_net_input.numpy().var()) < 0.06


def test_feature_alpha_dropout_drops_whole_channels():
    out = nn.FeatureAlphaDropout(0.5)(tg.zeros(8, 16, 3, 3)).numpy()
    per_channel = out.reshape(8, 16, 9)
    assert (per_channel == per_channel[..., :1]).all()  # one draw per (sample, channel)
    assert len(np.unique(np.round(per_channel, 6))) == 2


def test_alpha_dropout_is_the_identity_in_eval_and_by_default_in_the_functional_form():
    x = tg.randn(3, 4)
    layer = nn.AlphaDropout(0.5).eval()
    assert layer(x) is x and nn.FeatureAlphaDropout().eval()(x) is x
    assert F.alpha_dropout(x, 0.5) is x and F.feature_alpha_dropout(x) is x  # training=False by default
    assert F.alpha_dropout(x, 0.0, training=True) is x
    assert not F.alpha_dropout(x, 1.0, training=True).numpy().any()
    assert F.alpha_dropout(x, 0.5, training=True).dtype == tg.float32


def test_alpha_dropout_keeps_half_precision(device):
    if device.startswith("strict"):
        pytest.skip("the strict (Array API) backend has no float16")
    out = F.alpha_dropout(tg.randn(64).astype(tg.float16), 0.5, training=True)
    assert out.dtype == tg.float16 and len(np.unique(out.numpy())) > 2


def test_alpha_dropout_inplace_writes_into_the_input():
    x = tg.zeros(50)
    out = F.alpha_dropout(x, 0.5, training=True, inplace=True)
    assert out is x and x.numpy().any()


# -- bad inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: F.pixel_shuffle(tg.zeros(5, 2, 2), 2),
            ValueError,
            r"input.size\(-3\)=5 is not divisible by 4",
        ),
        (lambda: F.pixel_shuffle(tg.zeros(2, 2), 2), ValueError, "at least 3 dimensions"),
        (lambda: F.pixel_shuffle(tg.zeros(4, 2, 2), 0), ValueError, "upscale_factor must be a positive"),
        (lambda: F.pixel_unshuffle(tg.zeros(4, 3, 2), 2), ValueError, "height to be divisible"),
        (lambda: F.pixel_unshuffle(tg.zeros(4, 2, 3), 2), ValueError, "width to be divisible"),
        (lambda: F.channel_shuffle(tg.zeros(1, 5, 2), 2), ValueError, "5 channels and 2 groups"),
        (lambda: F.channel_shuffle(tg.zeros(1, 4, 2), 0), ValueError, "positive integer"),
        (lambda: F.channel_shuffle(tg.zeros(4, 2), 2), ValueError, "at least 3 dimensions"),
        (lambda: nn.PixelShuffle(1.5), ValueError, "upscale_factor"),
        (lambda: F.unfold(tg.zeros(1, 1, 2, 2), 3), ValueError, r"spatial size \(2, 2\)"),
        (lambda: F.unfold(tg.zeros(2, 2), 1), ValueError, "3-d .* or 4-d"),
        (lambda: F.unfold(tg.zeros(1, 1, 4, 4), 2, stride=0), ValueError, "stride must be an int >= 1"),
        (lambda: nn.Unfold(2, padding=-1), ValueError, "padding must be an int >= 0"),
        (
            lambda: F.fold(tg.zeros(1, 5, 9), 4, 2),
            ValueError,
            r"divisible by the product of kernel_size \(2, 2\)",
        ),
        (lambda: F.fold(tg.zeros(1, 4, 8), 4, 2), ValueError, "3 \\* 3 sliding blocks.* last dimension is 8"),
        (lambda: F.fold(tg.zeros(4), 4, 2), ValueError, "2-d .* or 3-d"),
        (
            lambda: F.bilinear(tg.zeros(2, 3), tg.zeros(2, 4), tg.zeros(5, 3, 3)),
            ValueError,
            "input2 .* must be 3",
        ),
        (lambda: F.bilinear(tg.zeros(2, 3), tg.zeros(3, 3), tg.zeros(5, 3, 3)), ValueError, "same leading"),
        (lambda: F.bilinear(tg.zeros(2, 3), tg.zeros(2, 3), tg.zeros(3, 3)), ValueError, "3-d tensor"),
        (
            lambda: F.bilinear(tg.zeros(2, 3), tg.zeros(2, 3), tg.zeros(5, 3, 3), tg.zeros(4)),
            ValueError,
            r"\(5,\)",
        ),
        (
            lambda: F.bilinear(tg.zeros(2, 3, dtype=tg.float64), tg.zeros(2, 3), tg.zeros(5, 3, 3)),
            TypeError,
            "input1 is float64",
        ),
        (lambda: nn.Bilinear(0, 2, 2), ValueError, "in1_features must be a positive integer"),
        (lambda: F.local_response_norm(tg.zeros(2, 3), 2), ValueError, "3D or higher"),
        (lambda: F.local_response_norm(tg.zeros(2, 3, 4), 0), ValueError, "size must be a positive"),
        (lambda: nn.LocalResponseNorm(2.5), ValueError, "size must be a positive"),
        (lambda: F.alpha_dropout(tg.zeros(2), 1.5, True), ValueError, r"p must be a number in \[0, 1\]"),
        (lambda: F.feature_alpha_dropout(tg.zeros(2), 0.5, True), ValueError, "at least 2 dimensions"),
        (lambda: nn.AlphaDropout(-0.1), ValueError, "AlphaDropout"),
    ],
)
def test_bad_layer_inputs_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(input=[1, 2], offsets=[1]), ValueError, r"offsets\[0\] has to be 0"),
        (dict(input=[1, 2], offsets=[0, 3]), ValueError, r"offsets\[-1\] can not be greater .* length 2"),
        (dict(input=[1, 2, 3], offsets=[0, 2, 1]), ValueError, "must not decrease"),
        (dict(input=[1, 2]), ValueError, "1-D input needs offsets"),
        (dict(input=[[1, 2]], offsets=[0]), ValueError, "offsets has to be None"),
        (dict(input=[1, 12], offsets=[0]), IndexError, r"embedding_bag: .*\[0, 10\).*12"),
        (dict(input=[1.0, 2.0], offsets=[0]), TypeError, "input must hold integers"),
        (dict(input=[1, 2], offsets=[0], mode="median"), ValueError, "mode has to be one of"),
        (
            dict(input=[1, 2], offsets=[0], mode="max", per_sample_weights=[1.0, 1.0]),
            NotImplementedError,
            "only supported for mode='sum'",
        ),
        (dict(input=[1, 2], offsets=[0], mode="sum", per_sample_weights=[1.0]), ValueError, "input's shape"),
        (dict(input=[1, 2], offsets=[0], mode="max", scale_grad_by_freq=True), ValueError, "max mode"),
        (dict(input=[1, 2], offsets=[0], sparse=True), ValueError, "sparse"),
        (dict(input=[1, 2], offsets=[0], padding_idx=10), ValueError, "padding_idx must lie in"),
        (dict(input=[[[1]]]), ValueError, "1-D or 2-D"),
        (dict(input=[1, 2], offsets=[], include_last_offset=True), ValueError, "at least one offset"),
        (
            dict(input=[1, 2, 3], offsets=[0, 2], include_last_offset=True),
            ValueError,
            "last offset must equal the input's length 3",
        ),
    ],
)
def test_bad_embedding_bag_inputs_are_named(kwargs, error, message):
    kwargs = dict(kwargs)
    indices, offsets = tg.tensor(kwargs.pop("input")), kwargs.pop("offsets", None)
    if "per_sample_weights" in kwargs:
        kwargs["per_sample_weights"] = tg.tensor(kwargs["per_sample_weights"])
    with pytest.raises(error, match=message):
        F.embedding_bag(
            indices,
            tg.zeros(*TABLE),
            None if offsets is None else tg.tensor(offsets, dtype=tg.int64),
            **kwargs,
        )


def test_embedding_bag_module_refuses_bad_settings():
    with pytest.raises(ValueError, match="mode has to be one of"):
        nn.EmbeddingBag(4, 2, mode="avg")
    with pytest.raises(ValueError, match="embedding_dim must be a positive integer"):
        nn.EmbeddingBag(4, 0)
    with pytest.raises(ValueError, match=r"_weight must be a tensor of shape \(4, 2\)"):
        nn.EmbeddingBag(4, 2, _weight=tg.zeros(3, 2))
    with pytest.raises(ValueError, match="2-D float tensor"):
        nn.EmbeddingBag.from_pretrained(tg.tensor([1, 2]))
    assert math.isclose(nn.EmbeddingBag(4, 2, max_norm=2.0).max_norm, 2.0)
