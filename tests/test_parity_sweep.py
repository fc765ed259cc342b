"""Edge cases where a differential sweep against torch 2.13 (float64, values and gradients) found
tinygrad_adam answering differently; each test states PyTorch's answer, computed here by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn


def leaf(values) -> tg.Tensor:
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


# -- 0-d tensors take dim 0 and -1 ------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, -1, (-1,), (0,)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_of_a_0d_tensor_take_dim_0_or_minus_1(dim, keepdim):
    x = leaf(2.5)
    for name in ("sum", "mean"):
        out = getattr(x, name)(dim=dim, keepdim=keepdim)
        assert out.shape == () and out.item() == 2.5
    assert x.max(axis=dim, keepdims=keepdim).item() == 2.5
    assert x.var(dim=dim, correction=0).item() == 0.0


def test_a_0d_tensor_refuses_other_dims_and_a_dim_named_twice():
    x = leaf(2.5)
    with pytest.raises(ValueError, match="axis 1 is out of range"):
        x.sum(1)
    with pytest.raises(ValueError, match="more than once"):
        x.sum((0, -1))


def test_softmax_of_a_0d_tensor_is_one_and_its_log_zero():
    x = leaf(3.0)
    assert x.softmax(0).item() == 1.0 and x.softmax(-1).shape == ()
    out = x.log_softmax(dim=-1)
    assert out.item() == 0.0
    out.backward()
    assert x.grad.item() == 0.0
    with pytest.raises(ValueError, match="dim 1 is out of range for a 0-d tensor"):
        x.softmax(1)


def test_squeeze_of_a_0d_tensor_takes_dim_0_or_minus_1():
    assert leaf(1.0).squeeze(0).shape == () and leaf(1.0).squeeze(-1).shape == ()


# -- empty tensors ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_of_an_empty_tensor_is_empty_along_any_dim(name, dim):
    x = tg.tensor(np.zeros((2, 0, 3)), requires_grad=True)
    out = getattr(x, name)(dim=dim)
    assert out.shape == (2, 0, 3) and out.dtype == tg.float64
    out.sum().backward()
    assert x.grad.shape == (2, 0, 3)


def test_indexing_with_an_empty_list_selects_no_rows():
    x = leaf(np.arange(12.0).reshape(3, 4))
    picked = x[[]]
    assert picked.shape == (0, 4)
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))


# -- standard deviation of constant values ---------------------------------------------------


def test_std_of_equal_values_has_gradient_zero_not_nan():
    # PyTorch masks the slope of the square root where std = 0.
    x = leaf([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]])
    std = x.std(dim=1)
    np.testing.assert_allclose(std.numpy(), [0.0, math.sqrt(7 / 3)])
    std.sum().backward()
    # d std / d x_i = (x_i - mean) / ((n - 1) std) for the second row: mean 7/3, std sqrt(7/3).
    second = (np.array([1.0, 2.0, 4.0]) - 7 / 3) / (2 * math.sqrt(7 / 3))
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 0.0, 0.0], second.tolist()])


def test_std_of_a_single_value_with_no_correction_is_zero_with_gradient_zero():
    x = leaf([3.0])
    std = x.std(correction=0)
    std.backward()
    assert std.item() == 0.0 and x.grad.numpy().tolist() == [0.0]


def test_std_keeps_float32_and_its_nan_for_a_single_value_with_bessels_correction():
    assert tg.tensor([1.0, 2.0]).std().dtype == tg.float32
    with np.errstate(invalid="ignore"):  # 0/0, as in PyTorch (which warns too)
        assert math.isnan(leaf([3.0]).std().item())


# -- shape ops -------------------------------------------------------------------------------


def test_squeeze_takes_a_tuple_of_axes_and_keeps_those_not_of_size_1():
    x = tg.zeros(2, 1, 3, 1)
    assert x.squeeze((1, 3)).shape == (2, 3)
    assert x.squeeze(dim=[1, -1]).shape == (2, 3)
    assert x.squeeze((0, 1)).shape == (2, 3, 1)
    with pytest.raises(ValueError, match="axis 4 is out of range"):
        x.squeeze((1, 4))


def test_flatten_refuses_a_start_dim_after_the_end_dim():
    with pytest.raises(ValueError, match="start_dim 2 comes after end_dim 1"):
        tg.zeros(3, 4, 5).flatten(2, 1)
    assert tg.zeros(3, 4, 5).flatten(1, 1).shape == (3, 4, 5)


def test_xor_of_two_masks_is_true_where_exactly_one_holds():
    a = tg.tensor([True, True, False, False])
    b = tg.tensor([True, False, True, False])
    assert (a ^ b).numpy().tolist() == [False, True, True, False]


# -- clip with tensor bounds -----------------------------------------------------------------


def test_clip_with_tensor_bounds_clamps_elementwise_and_routes_the_gradient():
    x = leaf([[-2.0, 0.5, 3.0], [0.0, -0.5, 0.9]])
    low = leaf([-1.0, 0.0, 0.0])
    high = leaf([1.0, 1.0, 2.0])
    out = x.clamp(low, high)
    np.testing.assert_array_equal(out.numpy(), [[-1.0, 0.5, 2.0], [0.0, 0.0, 0.9]])
    out.backward(tg.tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))
    # The input keeps the gradient inside [low, high] (edges included); a bound takes it where it wins.
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 2.0, 0.0], [4.0, 0.0, 6.0]])
    np.testing.assert_array_equal(low.grad.numpy(), [1.0, 5.0, 0.0])
    np.testing.assert_array_equal(high.grad.numpy(), [0.0, 0.0, 3.0])


def test_clip_with_one_tensor_bound_leaves_the_other_side_open():
    x = leaf([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(x.clip(min=tg.tensor(np.zeros(3))).numpy(), [0.0, 0.5, 3.0])
    np.testing.assert_array_equal(x.clip(max=tg.tensor(np.ones(3))).numpy(), [-2.0, 0.5, 1.0])


# -- cross-entropy with every label ignored --------------------------------------------------


LOGITS = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])


@pytest.mark.parametrize(
    "loss",
    [
        lambda x, t: nn.functional.cross_entropy(x, t),
        lambda x, t: nn.functional.cross_entropy(x, t, weight=tg.tensor(np.array([1.0, 2.0, 3.0]))),
        lambda x, t: nn.functional.cross_entropy(x, t, label_smoothing=0.2),
        lambda x, t: nn.functional.nll_loss(x.log_softmax(dim=1), t),
        lambda x, t: nn.CrossEntropyLoss(ignore_index=1)(x, t + 101),
    ],
)
def test_mean_cross_entropy_with_every_label_ignored_is_nan_with_gradient_zero(loss):
    # PyTorch: the mean over no counted sample is 0/0 = nan, yet no gradient reaches the logits.
    x = leaf(LOGITS)
    out = loss(x, tg.tensor([-100, -100]))
    assert math.isnan(out.item())
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))


def test_mean_cross_entropy_of_one_ignored_sample_without_a_batch_axis_is_nan_with_gradient_zero():
    x = leaf(LOGITS[0])
    out = nn.functional.cross_entropy(x, tg.tensor(2), ignore_index=2)
    assert math.isnan(out.item())
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(3))


def test_mean_cross_entropy_with_some_labels_ignored_averages_over_the_others():
    x = leaf(LOGITS)
    out = nn.functional.cross_entropy(x, tg.tensor([2, -100]))
    row = LOGITS[0]
    log_sum_exp = math.log(np.exp(row).sum())
    assert out.item() == pytest.approx(log_sum_exp - row[2], rel=1e-12)
    out.backward()
    softmax = np.exp(row - log_sum_exp)
    np.testing.assert_allclose(x.grad.numpy(), [softmax - [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]], rtol=1e-12)


# -- the gradient of indexing on every backend -----------------------------------------------


def test_gradient_of_a_slice_past_the_end_and_of_a_true_index():
    # NumPy and PyTorch clip a slice's stop to the axis; the strict Array API refuses it.
    x = leaf(np.arange(8.0).reshape(4, 2))
    x[2:100].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0], [0, 0], [1, 1], [1, 1]])
    x.grad = None
    picked = x[True]
    assert picked.shape == (1, 4, 2)
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((4, 2)))


# -- masked logits (-inf) in the class losses ------------------------------------------------

MASKED = np.array([[-np.inf, -0.1, -2.0]])


def test_nll_loss_ignores_a_minus_infinity_log_probability_of_another_class():
    # PyTorch picks -w_y log p_y alone, so a masked class (log p = -inf) leaves the loss finite.
    x = leaf(MASKED)
    out = nn.functional.nll_loss(x, tg.tensor([1]), weight=tg.tensor(np.array([1.0, 2.0, 3.0])))
    assert out.item() == pytest.approx(0.1, rel=1e-12)
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, -1.0, 0.0]])


def test_weighted_cross_entropy_of_a_masked_logit_is_finite():
    x = leaf(MASKED)
    out = nn.functional.cross_entropy(x, tg.tensor([1]), weight=tg.tensor(np.array([1.0, 2.0, 3.0])))
    # softmax over the two unmasked logits: -log(e^-0.1 / (e^-0.1 + e^-2)) = log(1 + e^-1.9)
    assert out.item() == pytest.approx(math.log1p(math.exp(-1.9)), rel=1e-12)
    out.backward()
    p = 1 / (1 + math.exp(1.9))  # the probability of class 2
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, -p, p]], rtol=1e-12)


# -- loss weights: clear errors that name them ------------------------------------------------


def probabilities(*shape: int) -> tg.Tensor:
    return tg.tensor(np.full(shape, 0.5, dtype=np.float32))


def with_logits(**weights: tg.Tensor) -> tg.Tensor:
    return nn.BCEWithLogitsLoss(**weights)(probabilities(2, 4), probabilities(2, 4))


@pytest.mark.parametrize(
    "call, what",
    [
        (lambda w: nn.BCELoss(weight=w)(probabilities(2, 4), probabilities(2, 4)), "weight"),
        (lambda w: with_logits(weight=w), "weight"),
        (lambda w: with_logits(pos_weight=w), "pos_weight"),
        (lambda w: nn.CrossEntropyLoss(weight=w)(probabilities(2, 4), tg.tensor([0, 1])), "weight"),
    ],
)
def test_a_float64_loss_weight_for_float32_inputs_is_a_type_error_naming_it(call, what):
    with pytest.raises(TypeError, match=rf"{what} is float64 but the input is float32"):
        call(tg.tensor(np.ones(4)))
    assert call(tg.tensor(np.ones(4, dtype=np.float32))).dtype == tg.float32
    assert call(tg.tensor([1, 1, 1, 1])).dtype == tg.float32  # integer weights are converted


@pytest.mark.parametrize(
    "call, what",
    [
        (lambda w: nn.BCELoss(weight=w)(probabilities(2, 4), probabilities(2, 4)), "weight"),
        (lambda w: with_logits(pos_weight=w), "pos_weight"),
        (lambda w: nn.functional.binary_cross_entropy(probabilities(2, 4), probabilities(2, 4), w), "weight"),
    ],
)
def test_a_binary_loss_weight_that_does_not_broadcast_to_the_input_names_both_shapes(call, what):
    with pytest.raises(ValueError, match=rf"{what} of shape \(3,\) does not broadcast to .* \(2, 4\)"):
        call(tg.tensor(np.ones(3, dtype=np.float32)))
    assert call(tg.tensor(np.ones((2, 1), dtype=np.float32))).shape == ()  # (2, 1) broadcasts


def test_a_functional_loss_weight_given_as_a_list_is_checked_like_a_tensor():
    p = probabilities(2, 4)
    assert nn.functional.binary_cross_entropy(p, p, [1.0, 2.0, 3.0, 4.0]).dtype == tg.float32
    with pytest.raises(ValueError, match=r"weight of shape \(3,\) does not broadcast"):
        nn.functional.binary_cross_entropy(p, p, [1.0, 2.0, 3.0])


# -- prelu -------------------------------------------------------------------------------------


def test_prelu_with_one_slope_keeps_the_shape_of_a_0d_input():
    x = leaf(-2.0)
    slope = leaf([0.25])
    out = nn.functional.prelu(x, slope)
    assert out.shape == () and out.item() == -0.5
    out.backward()
    assert x.grad.item() == 0.25 and slope.grad.numpy().tolist() == [-2.0]
