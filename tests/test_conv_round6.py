"""Round-6 convolution layers against PyTorch 2.13 (tests/fixtures/make_conv_round6_reference.py):
conv_transpose1d / ConvTranspose1d, conv3d / Conv3d, max_unpool1d/2d / MaxUnpool1d/2d, max_pool3d /
avg_pool3d / MaxPool3d / AvgPool3d and the
kernel = stride max-pool path (ties), values and gradients; reprs; bad inputs named."""

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "conv_round6_reference.npz")


def leaf(name: str) -> tg.Tensor:
    return tg.tensor(REFERENCE[name], requires_grad=True)


def check(name: str, output: tg.Tensor, inputs: dict[str, tg.Tensor]) -> None:
    """Output and the gradients of sum(output · cotangent) equal PyTorch's."""
    np.testing.assert_allclose(output.numpy(), REFERENCE[f"{name}/out"], rtol=1e-10, atol=1e-12)
    (output * tg.tensor(REFERENCE[f"{name}/cotangent"])).sum().backward()
    for key, value in inputs.items():
        np.testing.assert_allclose(
            value.grad.numpy(), REFERENCE[f"{name}/grad_{key}"], rtol=1e-10, atol=1e-12
        )


CONV_TRANSPOSE1D = {
    "plain": {},
    "strided": {"stride": 2, "padding": 1, "output_padding": 1},
    "grouped_dilated": {"groups": 2, "dilation": 2, "stride": 3, "output_padding": 2},
    "unbatched": {"padding": 2},
}


@pytest.mark.parametrize("case", CONV_TRANSPOSE1D)
def test_conv_transpose1d_matches_pytorch_values_and_gradients(case):
    name = f"conv_transpose1d/{case}"
    x, w, b = leaf(f"{name}/x"), leaf(f"{name}/w"), leaf(f"{name}/b")
    check(name, F.conv_transpose1d(x, w, b, **CONV_TRANSPOSE1D[case]), {"x": x, "w": w, "b": b})


def test_conv_transpose1d_module_picks_output_padding_from_output_size():
    name = "conv_transpose1d/output_size"
    module = nn.ConvTranspose1d(3, 2, 3, stride=2).double()
    module.weight.data.copy_(tg.tensor(REFERENCE[f"{name}/w"]))
    module.bias.data.copy_(tg.tensor(REFERENCE[f"{name}/b"]))
    x = leaf(f"{name}/x")
    check(name, module(x, output_size=[10]), {"x": x, "w": module.weight, "b": module.bias})
    with pytest.raises(ValueError, match="valid sizes range from"):
        module(x, output_size=[12])


CONV3D = {
    "plain": {},
    "strided_padded": {"stride": (2, 1, 2), "padding": (1, 0, 1)},
    "grouped_dilated": {"groups": 2, "dilation": (2, 1, 2)},
    "same_even_kernel": {"padding": "same"},
    "unbatched": {"padding": 1},
}


@pytest.mark.parametrize("case", CONV3D)
def test_conv3d_matches_pytorch_values_and_gradients(case):
    name = f"conv3d/{case}"
    x, w, b = leaf(f"{name}/x"), leaf(f"{name}/w"), leaf(f"{name}/b")
    check(name, F.conv3d(x, w, b, **CONV3D[case]), {"x": x, "w": w, "b": b})


def test_conv3d_module_with_replicate_padding_matches_pytorch():
    name = "conv3d/replicate_module"
    module = nn.Conv3d(2, 3, (2, 3, 3), padding=1, padding_mode="replicate").double()
    module.weight.data.copy_(tg.tensor(REFERENCE[f"{name}/w"]))
    module.bias.data.copy_(tg.tensor(REFERENCE[f"{name}/b"]))
    x = leaf(f"{name}/x")
    check(name, module(x), {"x": x, "w": module.weight, "b": module.bias})


@pytest.mark.parametrize("case, kernel", [("ties_2x2", 2), ("ties_3x2", (3, 2))])
def test_max_pool_with_kernel_equal_to_stride_routes_ties_to_the_first_maximum(case, kernel):
    name = f"max_pool/{case}"
    x = leaf(f"{name}/x")
    check(name, F.max_pool2d(x, kernel), {"x": x})


@pytest.mark.parametrize(
    "case, settings, output_size",
    [
        ("plain", {"kernel_size": 2}, None),
        ("strided_padded", {"kernel_size": 3, "stride": 2, "padding": 1}, None),
        ("output_size", {"kernel_size": 2}, (5, 7)),
    ],
)
def test_max_unpool2d_matches_pytorch_values_and_gradients(case, settings, output_size):
    name = f"max_unpool2d/{case}"
    x, indices = leaf(f"{name}/x"), tg.tensor(REFERENCE[f"{name}/indices"])
    check(name, F.max_unpool2d(x, indices, output_size=output_size, **settings), {"x": x})


@pytest.mark.parametrize(
    "case, settings, output_size",
    [
        ("plain", {"kernel_size": 2}, None),
        ("strided_padded", {"kernel_size": 3, "stride": 2, "padding": 1}, None),
        ("output_size", {"kernel_size": 2}, [7]),
    ],
)
def test_max_unpool1d_matches_pytorch_values_and_gradients(case, settings, output_size):
    name = f"max_unpool1d/{case}"
    x, indices = leaf(f"{name}/x"), tg.tensor(REFERENCE[f"{name}/indices"])
    check(name, F.max_unpool1d(x, indices, output_size=output_size, **settings), {"x": x})


def test_max_unpool2d_module_inverts_max_pool2d_with_indices():
    x = tg.tensor(np.arange(32, dtype=np.float32).reshape(1, 2, 4, 4))
    pooled, indices = nn.MaxPool2d(2, return_indices=True)(x)
    restored = nn.MaxUnpool2d(2)(pooled, indices)
    expected = np.where(np.arange(16).reshape(4, 4) % 2 & (np.arange(16).reshape(4, 4) // 4 % 2), 1, 0)
    np.testing.assert_array_equal(restored.numpy(), x.numpy() * expected)


POOL3D = {
    "max_plain": (F.max_pool3d, {"kernel_size": 2}),
    "max_padded_ceil": (F.max_pool3d, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    "max_dilated": (F.max_pool3d, {"kernel_size": (2, 2, 3), "stride": 1, "dilation": (2, 1, 2)}),
    "max_unbatched": (F.max_pool3d, {"kernel_size": (1, 2, 2)}),
    "avg_plain": (F.avg_pool3d, {"kernel_size": 2}),
    "avg_padded": (F.avg_pool3d, {"kernel_size": 3, "stride": 2, "padding": 1}),
    "avg_exclude_pad_ceil": (
        F.avg_pool3d,
        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
    ),
    "avg_divisor": (F.avg_pool3d, {"kernel_size": 2, "stride": 1, "divisor_override": 3}),
}


@pytest.mark.parametrize("case", POOL3D)
def test_3d_pooling_matches_pytorch_values_gradients_and_indices(case):
    name, (pool, settings) = f"pool3d/{case}", POOL3D[case]
    x = leaf(f"{name}/x")
    if pool is F.max_pool3d:
        output, indices = pool(x, return_indices=True, **settings)
        np.testing.assert_array_equal(indices.numpy(), REFERENCE[f"{name}/indices"])
    else:
        output = pool(x, **settings)
    check(name, output, {"x": x})


def test_reprs_match_pytorch():
    for call, text in zip(REFERENCE["reprs/calls"], REFERENCE["reprs/texts"], strict=True):
        assert repr(eval(f"nn.{call}")) == str(text), call


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="5-d"):
        F.conv3d(tg.zeros(1, 2, 3, 3, 3), tg.zeros(2, 2, 3, 3))
    with pytest.raises(ValueError, match="channels"):
        F.conv3d(tg.zeros(1, 3, 3, 3, 3), tg.zeros(2, 2, 1, 1, 1))
    with pytest.raises(ValueError, match="does not fit"):
        F.conv3d(tg.zeros(1, 2, 2, 3, 3), tg.zeros(2, 2, 3, 1, 1))
    with pytest.raises(ValueError, match="4-d .* or 5-d"):
        F.conv3d(tg.zeros(2, 3, 3), tg.zeros(2, 2, 1, 1, 1))
    with pytest.raises(ValueError, match="3-d"):
        F.conv_transpose1d(tg.zeros(1, 2, 5), tg.zeros(2, 2, 3, 3))
    with pytest.raises(ValueError, match="output_padding"):
        F.conv_transpose1d(tg.zeros(1, 2, 5), tg.zeros(2, 2, 3), stride=2, output_padding=2)
    pooled, indices = F.max_pool2d(tg.randn(1, 1, 4, 4), 2, return_indices=True)
    with pytest.raises(ValueError, match="shape of the input"):
        F.max_unpool2d(pooled, indices[..., :1], 2)
    with pytest.raises(ValueError, match="invalid max index"):
        F.max_unpool2d(pooled, indices + 100, 2)
    with pytest.raises(ValueError, match="invalid output_size"):
        F.max_unpool2d(pooled, indices, 2, output_size=(9, 4))
    with pytest.raises(TypeError, match="integer"):
        F.max_unpool2d(pooled, pooled, 2)
