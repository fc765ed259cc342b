"""F.pad, F.interpolate and their modules (nn.Upsample, nn.ReflectionPad2d, ...), against PyTorch 2.13
fixtures (tests/fixtures/make_resample_reference.py): values and input gradients in float64."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_resample_reference import PADS, RESIZES  # noqa: E402  (the cases, without importing torch)

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "resample_reference.npz")


def _check(prefix: str, name: str, function, kwargs: dict) -> None:
    x = tg.tensor(FIXTURES[f"{prefix}/{name}/x"], requires_grad=True)
    out = function(x, **kwargs)
    np.testing.assert_allclose(out.numpy(), FIXTURES[f"{prefix}/{name}/out"], rtol=1e-12, atol=1e-13)
    (out * tg.tensor(FIXTURES[f"{prefix}/{name}/w"])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), FIXTURES[f"{prefix}/{name}/grad"], rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("name", PADS)
def test_pad_matches_pytorch(name):
    _check("pad", name, F.pad, PADS[name][1])


@pytest.mark.parametrize("name", RESIZES)
def test_interpolate_matches_pytorch(name):
    _check("resize", name, F.interpolate, RESIZES[name][1])


def test_float32_stays_float32():
    x = tg.randn(1, 2, 3, 4)
    assert F.interpolate(x, scale_factor=2, mode="bilinear").dtype == tg.float32
    assert F.pad(x, (1, 1), mode="reflect").dtype == tg.float32


def test_modules_are_fixed_pads_and_resizes():
    x = tg.arange(12.0).reshape(1, 1, 3, 4)
    assert nn.ZeroPad2d(1)(x).shape == (1, 1, 5, 6) and nn.ZeroPad2d((1, 0, 2, 0))(x).shape == (1, 1, 5, 5)
    np.testing.assert_array_equal(nn.ReflectionPad2d(1)(x).numpy(), F.pad(x, (1, 1, 1, 1), "reflect").numpy())
    np.testing.assert_array_equal(nn.ReplicationPad1d((2, 0))(x[0]).numpy()[0, 0], [0, 0, 0, 1, 2, 3])
    assert nn.ConstantPad1d(1, 9.0)(x[0]).numpy()[0, 0].tolist() == [9, 0, 1, 2, 3, 9]
    assert nn.CircularPad2d(1)(x).shape == (1, 1, 5, 6)
    up = nn.Upsample(scale_factor=2, mode="nearest")
    assert up(x).shape == (1, 1, 6, 8) and repr(up) == "Upsample(scale_factor=2.0, mode='nearest')"


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: F.pad(x, (1,)), ValueError, "even number"),
        (lambda x: F.pad(x, (1, 1), mode="wrap"), ValueError, "mode must be one of"),
        (lambda x: F.pad(x, (4, 0), mode="reflect"), ValueError, "less than the size 4"),
        (lambda x: F.pad(x, (1.5, 1)), TypeError, "tuple of ints"),
        (lambda x: F.pad(x, (1, 1), mode="reflect", value=2.0), ValueError, "only for mode='constant'"),
        (lambda x: F.interpolate(x), ValueError, "exactly one of size and scale_factor"),
        (lambda x: F.interpolate(x, size=2, scale_factor=2), ValueError, "exactly one"),
        (lambda x: F.interpolate(x, size=(2, 2, 2)), ValueError, "size must be"),
        (lambda x: F.interpolate(x, scale_factor=2, mode="linear"), ValueError, "needs a 3-d"),
        (lambda x: F.interpolate(x, scale_factor=2, mode="lanczos"), NotImplementedError, "lanczos"),
        (lambda x: F.interpolate(x, scale_factor=2, align_corners=True), ValueError, "only for the linear"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call(tg.randn(1, 1, 3, 4))
