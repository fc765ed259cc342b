"""F.affine_grid, F.grid_sample, F.interpolate's bicubic and 3-d area modes, F.ctc_loss / nn.CTCLoss,
against PyTorch 2.13 fixtures (tests/fixtures/make_sampling_ctc_round7.py): values and gradients in
float64, and PyTorch's error types for bad inputs."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_sampling_ctc_round7 import AFFINE_GRIDS, CTCS, GRID_SAMPLES, RESIZES  # noqa: E402

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "sampling_ctc_round7.npz")
TOLERANCE = dict(rtol=1e-10, atol=1e-12)


def _backward_weighted(prefix: str, out: tg.Tensor) -> None:
    np.testing.assert_allclose(out.numpy(), FIXTURES[f"{prefix}/out"], **TOLERANCE)
    (out * tg.tensor(FIXTURES[f"{prefix}/w"])).sum().backward()


def _source(prefix: str, name: str) -> tg.Tensor:
    return tg.tensor(FIXTURES[f"{prefix}/{name}"], requires_grad=True)


def _check_grad(prefix: str, name: str, source: tg.Tensor) -> None:
    np.testing.assert_allclose(source.grad.numpy(), FIXTURES[f"{prefix}/{name}_grad"], **TOLERANCE)


@pytest.mark.parametrize("name", GRID_SAMPLES)
def test_grid_sample_matches_pytorch_in_values_and_both_gradients(name):
    prefix = f"grid/{name}"
    image, grid = _source(prefix, "input"), _source(prefix, "grid")
    _backward_weighted(prefix, F.grid_sample(image, grid, **GRID_SAMPLES[name][2]))
    _check_grad(prefix, "input", image)
    _check_grad(prefix, "grid", grid)


@pytest.mark.parametrize("name", AFFINE_GRIDS)
def test_affine_grid_matches_pytorch(name):
    prefix = f"affine/{name}"
    theta = _source(prefix, "theta")
    _, size, align = AFFINE_GRIDS[name]
    _backward_weighted(prefix, F.affine_grid(theta, size, align_corners=align))
    _check_grad(prefix, "theta", theta)


@pytest.mark.parametrize("name", RESIZES)
def test_interpolate_new_modes_match_pytorch(name):
    prefix = f"resize/{name}"
    image = _source(prefix, "input")
    _backward_weighted(prefix, F.interpolate(image, **RESIZES[name][1]))
    _check_grad(prefix, "input", image)


def _ctc_arguments(name: str) -> tuple[list, list, list, dict]:
    _, _, _, targets, input_lengths, target_lengths, kwargs = CTCS[name]
    return targets, input_lengths, target_lengths, kwargs


@pytest.mark.parametrize("name", CTCS)
def test_ctc_loss_matches_pytorch_through_log_softmax(name):
    prefix = f"ctc/{name}"
    targets, input_lengths, target_lengths, kwargs = _ctc_arguments(name)
    logits = _source(prefix, "logits")
    loss = F.ctc_loss(logits.log_softmax(2), tg.tensor(targets), input_lengths, target_lengths, **kwargs)
    _backward_weighted(prefix, loss)
    _check_grad(prefix, "logits", logits)


@pytest.mark.parametrize("name", CTCS)
def test_ctc_gradient_in_log_probs_is_pytorchs_softmax_folded_form(name):
    targets, input_lengths, target_lengths, kwargs = _ctc_arguments(name)
    log_probs = tg.tensor(FIXTURES[f"ctc/{name}/logits"]).log_softmax(2).detach().requires_grad_()
    F.ctc_loss(log_probs, tg.tensor(targets), input_lengths, target_lengths, **kwargs).sum().backward()
    np.testing.assert_allclose(log_probs.grad.numpy(), FIXTURES[f"ctc/{name}/log_probs_grad"], **TOLERANCE)


def test_ctc_concatenated_targets_tensor_lengths_and_module_agree_with_padded():
    targets, input_lengths, target_lengths, _ = _ctc_arguments("mean")
    log_probs = tg.tensor(FIXTURES["ctc/mean/logits"]).log_softmax(2)
    padded = F.ctc_loss(log_probs, tg.tensor(targets), input_lengths, target_lengths, reduction="none")
    concatenated = np.concatenate([row[:length] for row, length in zip(targets, target_lengths)])
    criterion = nn.CTCLoss(reduction="none")
    joined = criterion(
        log_probs, tg.tensor(concatenated), tg.tensor(input_lengths), tg.tensor(target_lengths)
    )
    np.testing.assert_allclose(joined.numpy(), padded.numpy(), rtol=1e-14)
    assert repr(criterion) == "CTCLoss(blank=0, reduction='none', zero_infinity=False)"
    one = F.ctc_loss(
        log_probs[:, 1], tg.tensor(targets[1]), input_lengths[1], target_lengths[1], reduction="none"
    )
    assert one.shape == () and np.isclose(one.item(), padded.numpy()[1], rtol=1e-14)


def test_ctc_impossible_target_is_inf_with_nan_gradient_unless_zero_infinity():
    log_probs = tg.randn(5, 2, 4, dtype=tg.float64).log_softmax(2).detach().requires_grad_()
    targets, lengths = tg.tensor([[1, 2, 2], [3, 1, 0]]), [3, 2]
    loss = F.ctc_loss(log_probs, targets, [2, 4], lengths, reduction="none")  # 3 labels in 2 frames
    assert np.isinf(loss.numpy()[0]) and np.isfinite(loss.numpy()[1])
    loss.sum().backward()
    grad = log_probs.grad.numpy()
    assert np.isnan(grad[:2, 0]).all() and not grad[2:, 0].any() and np.isfinite(grad[:, 1]).all()
    log_probs.grad = None
    zeroed = F.ctc_loss(log_probs, targets, [2, 4], lengths, zero_infinity=True, reduction="none")
    assert zeroed.numpy()[0] == 0
    zeroed.sum().backward()
    assert not log_probs.grad.numpy()[:, 0].any()


def test_ctc_empty_target_with_no_frames_costs_nothing_and_float32_stays_float32():
    log_probs = tg.randn(4, 2, 3).log_softmax(2)
    loss = F.ctc_loss(log_probs, tg.tensor([[1, 2], [0, 0]]), [4, 0], [2, 0], reduction="none")
    assert loss.dtype == tg.float32 and loss.numpy()[1] == 0


def test_identity_affine_grid_samples_the_image_back():
    image = tg.randn(2, 3, 4, 5, dtype=tg.float64)
    theta = tg.tensor(np.tile(np.eye(2, 3), (2, 1, 1)))
    for align in (False, True):
        grid = F.affine_grid(theta, image.shape, align_corners=align)
        for mode in ("bilinear", "nearest", "bicubic"):
            out = F.grid_sample(image, grid, mode=mode, align_corners=align)
            np.testing.assert_allclose(out.numpy(), image.numpy(), rtol=1e-12, atol=1e-12)


def test_grid_sample_gradients_pass_gradcheck_and_float32_stays_float32():
    tg.manual_seed(3)
    image = tg.randn(1, 2, 3, 4, dtype=tg.float64, requires_grad=True)
    grid = (tg.rand(1, 2, 3, 2, dtype=tg.float64) * 2.4 - 1.2).requires_grad_()
    for mode, padding in (("bilinear", "reflection"), ("bicubic", "zeros")):
        assert tg.gradcheck(
            lambda x, g, m=mode, p=padding: F.grid_sample(x, g, mode=m, padding_mode=p), [image, grid]
        )
    assert F.grid_sample(tg.randn(1, 1, 2, 2), tg.zeros(1, 1, 1, 2), mode="bicubic").dtype == tg.float32


def test_upsample_bicubic_module_and_tuple_scale_repr():
    up = nn.Upsample(scale_factor=(2, 3), mode="bicubic", align_corners=True)
    assert up(tg.randn(1, 1, 2, 2)).shape == (1, 1, 4, 6)
    assert repr(up) == "Upsample(scale_factor=(2.0, 3.0), mode='bicubic')"


def _long_image() -> tg.Tensor:
    return tg.ones(1, 1, 3, 3, dtype=tg.int64)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x, g: F.grid_sample(x, g, mode="linear"), ValueError, "mode"),
        (lambda x, g: F.grid_sample(x, g, padding_mode="wrap"), ValueError, "padding_mode"),
        (lambda x, g: F.grid_sample(x, g[:1]), RuntimeError, "same batch size"),
        (lambda x, g: F.grid_sample(x[0], g[0]), RuntimeError, "4-d input"),
        (lambda x, g: F.grid_sample(x, tg.zeros(2, 3, 4, 3)), RuntimeError, "grid"),
        (
            lambda x, g: F.grid_sample(x.unsqueeze(2), tg.zeros(2, 1, 3, 4, 3), mode="bicubic"),
            RuntimeError,
            "4-d",
        ),
        (lambda x, g: F.grid_sample(x, g.double()), RuntimeError, "same dtype"),
        (lambda x, g: F.grid_sample(tg.zeros(2, 3, 0, 5), g), RuntimeError, "non-empty"),
        (lambda x, g: F.affine_grid(tg.zeros(2, 3, 3), (2, 3, 4, 5)), ValueError, "2×3"),
        (lambda x, g: F.affine_grid(tg.zeros(2, 2, 3, dtype=tg.int64), (2, 3, 4, 5)), ValueError, "floating"),
        (lambda x, g: F.affine_grid(tg.zeros(2, 2, 3), (2, 3, 4)), NotImplementedError, "4-d and 5-d"),
        (lambda x, g: F.affine_grid(tg.zeros(2, 2, 3), (2, 3, 0, 5)), ValueError, "positive"),
        (lambda x, g: F.affine_grid(tg.zeros(3, 2, 3), (2, 3, 4, 5)), RuntimeError, "batch"),
        (
            lambda x, g: F.interpolate(x, size=3, mode="nearest", align_corners=False),
            ValueError,
            "align_corners",
        ),
        (lambda x, g: F.interpolate(x, size=3, mode="area", align_corners=True), ValueError, "align_corners"),
        (lambda x, g: F.interpolate(x[0], size=3, mode="bilinear"), NotImplementedError, "4-d"),
        (lambda x, g: F.interpolate(x.unsqueeze(2), size=3, mode="bicubic"), NotImplementedError, "4-d"),
        (lambda x, g: F.interpolate(x, size=3, mode="trilinear"), NotImplementedError, "5-d"),
        (lambda x, g: F.interpolate(x[0, 0], size=3), NotImplementedError, "3-d, 4-d or 5-d"),
        (lambda x, g: F.interpolate(x, size=3, mode="cubic"), NotImplementedError, "cubic"),
        (lambda x, g: F.interpolate(x, size=3, recompute_scale_factor=True), ValueError, "not meaningful"),
        (lambda x, g: F.interpolate(x, size=3, antialias=True), ValueError, "antialias"),
        (lambda x, g: F.interpolate(x, size=0), RuntimeError, "positive"),
        (lambda x, g: F.interpolate(x, scale_factor=0.1), RuntimeError, "empty axis"),
        (lambda x, g: F.interpolate(_long_image(), size=5, mode="bilinear"), NotImplementedError, "floating"),
    ],
)
def test_bad_sampling_arguments_raise_pytorchs_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(tg.randn(2, 3, 4, 5), tg.zeros(2, 3, 4, 2))


@pytest.mark.parametrize(
    "change, error, message",
    [
        (dict(input_lengths=[6, 4]), RuntimeError, "at most T = 5"),
        (dict(input_lengths=[5, -1]), RuntimeError, "at least 0"),
        (dict(target_lengths=[3, -1]), RuntimeError, "at least 0"),
        (dict(input_lengths=[5]), RuntimeError, "batch_size"),
        (dict(target_lengths=[4, 2]), RuntimeError, "S >= 4"),
        (dict(targets=[1, 2, 2, 3, 1], target_lengths=[3, 3]), RuntimeError, "sum\\(target_lengths\\) = 6"),
        (dict(targets=[[1, 2, 7], [3, 1, 0]]), RuntimeError, "target labels"),
        (dict(blank=4), RuntimeError, "blank"),
        (dict(reduction="bogus"), ValueError, "reduction"),
        (dict(input_lengths=tg.tensor([5.0, 4.0])), TypeError, "integers"),
    ],
)
def test_bad_ctc_arguments_raise_pytorchs_errors(change, error, message):
    arguments = dict(
        log_probs=tg.randn(5, 2, 4).log_softmax(2),
        targets=[[1, 2, 2], [3, 1, 0]],
        input_lengths=[5, 4],
        target_lengths=[3, 2],
    )
    arguments.update(change)
    arguments["targets"] = tg.tensor(arguments["targets"])
    with pytest.raises(error, match=message):
        F.ctc_loss(**arguments)


def test_deprecated_upsample_functions_warn_and_resize_as_interpolate():
    image = tg.randn(1, 2, 3, 4)
    with pytest.warns(UserWarning, match="upsample_bilinear is deprecated"):
        aligned = F.upsample_bilinear(image, scale_factor=2)
    expected = F.interpolate(image, scale_factor=2, mode="bilinear", align_corners=True)
    np.testing.assert_array_equal(aligned.numpy(), expected.numpy())
    with pytest.warns(UserWarning, match="upsample_nearest is deprecated"):
        assert F.upsample_nearest(image, size=(5, 6)).shape == (1, 2, 5, 6)
    with pytest.warns(UserWarning, match="upsample is deprecated"):
        resized = F.upsample(image, size=(6, 5), mode="bicubic")
    np.testing.assert_array_equal(resized.numpy(), F.interpolate(image, size=(6, 5), mode="bicubic").numpy())
