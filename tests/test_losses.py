"""Specification of tg.nn's losses: closed forms on hand examples, gradchecks in float64, numerical
safety (p = 0 or 1, logits of 1e4), label smoothing, class weights, ignore_index, and clear errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F
from tinygrad_adam import nn


def f64(values) -> tg.Tensor:
    return tg.tensor(np.asarray(values, dtype=np.float64))


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


# -- regression losses ------------------------------------------------------------------------------


def test_mse_and_l1_on_a_hand_example() -> None:
    prediction, target = f64([1.0, 2.0, 4.0]), f64([1.0, 1.0, 1.0])
    assert nn.MSELoss()(prediction, target).item() == pytest.approx((0 + 1 + 9) / 3, rel=1e-15)
    assert nn.MSELoss(reduction="sum")(prediction, target).item() == 10.0
    np.testing.assert_array_equal(nn.MSELoss(reduction="none")(prediction, target).numpy(), [0, 1, 9])
    assert nn.L1Loss()(prediction, target).item() == pytest.approx(4 / 3, rel=1e-15)
    np.testing.assert_array_equal(F.l1_loss(prediction, target, reduction="none").numpy(), [0, 1, 3])


def test_regression_losses_accept_host_targets_in_the_input_dtype() -> None:
    assert F.mse_loss(f64([1.0, 2.0]), [0.0, 0.0]).item() == 2.5


def test_regression_loss_shapes_must_match() -> None:
    with pytest.raises(ValueError, match=r"target shape \(3,\) differs from input shape \(3, 1\)"):
        F.mse_loss(tg.zeros(3, 1), tg.zeros(3))


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.L1Loss(reduction="sum"), nn.MSELoss(reduction="none")])
def test_regression_losses_gradcheck(loss: nn.Module, rng: np.random.Generator) -> None:
    a, b = f64(rng.standard_normal((3, 2))), f64(rng.standard_normal((3, 2)))
    assert tg.gradcheck(loss, [a, b])


def test_smooth_l1_and_huber_on_a_hand_example() -> None:
    # d = -3, -0.5, 0, 0.25, 2 against beta = delta = 1: linear beyond 1, quadratic inside.
    prediction, target = f64([-3.0, 0.5, 1.0, 1.25, 3.0]), f64([0.0, 1.0, 1.0, 1.0, 1.0])
    smooth = [2.5, 0.125, 0.0, 0.03125, 1.5]
    np.testing.assert_array_equal(F.smooth_l1_loss(prediction, target, reduction="none").numpy(), smooth)
    assert nn.SmoothL1Loss()(prediction, target).item() == pytest.approx(sum(smooth) / 5, rel=1e-15)
    # beta = 0.5: d²/(2·0.5) inside 0.5, |d| - 0.25 outside.
    half = nn.SmoothL1Loss(reduction="sum", beta=0.5)(prediction, target).item()
    assert half == pytest.approx(2.75 + 0.25 + 0.0 + 0.0625 + 1.75, rel=1e-15)
    # delta = 2: d²/2 inside 2, 2·(|d| - 1) outside.
    huber = [4.0, 0.125, 0.0, 0.03125, 2.0]
    np.testing.assert_array_equal(F.huber_loss(prediction, target, "none", delta=2.0).numpy(), huber)
    assert nn.HuberLoss(reduction="sum", delta=2.0)(prediction, target).item() == sum(huber)


def test_huber_is_delta_times_smooth_l1_with_beta_delta(rng: np.random.Generator) -> None:
    a, b = f64(3 * rng.standard_normal(20)), f64(rng.standard_normal(20))
    for delta in (0.3, 1.0, 2.5):
        np.testing.assert_allclose(
            F.huber_loss(a, b, "none", delta=delta).numpy(),
            delta * F.smooth_l1_loss(a, b, reduction="none", beta=delta).numpy(),
            rtol=1e-14,
        )
    np.testing.assert_array_equal(F.huber_loss(a, b).numpy(), F.smooth_l1_loss(a, b).numpy())


def test_smooth_l1_with_beta_zero_is_the_l1_loss_in_value_and_gradient(rng: np.random.Generator) -> None:
    values = rng.standard_normal((4, 3))
    values[0, 0] = 0.0  # d = 0: L1's subgradient 0, where d²/(2β) would be 0/0
    results = []
    for loss in (nn.SmoothL1Loss(beta=0.0), nn.L1Loss()):
        x = f64(values).requires_grad_()
        out = loss(x, tg.zeros(4, 3, dtype=tg.float64))
        out.backward()
        results.append((out.item(), x.grad.numpy()))
    (smooth, smooth_grad), (l1, l1_grad) = results
    assert smooth == l1
    np.testing.assert_array_equal(smooth_grad, l1_grad)
    assert np.isfinite(smooth_grad).all() and smooth_grad[0, 0] == 0.0


def test_smooth_l1_and_huber_gradients_at_the_threshold_are_those_of_the_linear_part() -> None:
    """At |d| = β PyTorch's backward takes the linear branch: ±1 (smooth L1), ±δ (Huber); both sides agree."""
    x = f64([-0.5, 0.5, 0.25]).requires_grad_()
    F.smooth_l1_loss(x, f64([0.0, 0.0, 0.0]), reduction="sum", beta=0.5).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, 1.0, 0.5])
    x = f64([-2.0, 2.0, 1.0]).requires_grad_()
    F.huber_loss(x, f64([0.0, 0.0, 0.0]), "sum", delta=2.0).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-2.0, 2.0, 1.0])


@pytest.mark.parametrize(
    "loss",
    [
        nn.SmoothL1Loss(),
        nn.SmoothL1Loss(reduction="sum", beta=0.3),
        nn.SmoothL1Loss(reduction="none", beta=2.0),
        nn.HuberLoss(),
        nn.HuberLoss(reduction="sum", delta=0.4),
        nn.HuberLoss(reduction="none", delta=3.0),
        lambda a, b: F.huber_loss(a, b, "mean", 0.7, weight=f64(np.linspace(0.5, 2.0, 6).reshape(3, 2))),
    ],
)
def test_smooth_l1_and_huber_gradcheck(loss: nn.Module, rng: np.random.Generator) -> None:
    a, b = f64(2 * rng.standard_normal((3, 2))), f64(rng.standard_normal((3, 2)))
    assert tg.gradcheck(loss, [a, b])


def test_huber_weight_scales_each_element() -> None:
    a, b = f64([3.0, 0.5]), f64([0.0, 0.0])
    weighted = F.huber_loss(a, b, "sum", weight=[2.0, 4.0]).item()
    assert weighted == 2.0 * 2.5 + 4.0 * 0.125
    with pytest.raises(ValueError, match=r"weight shape \(3,\) differs from input shape \(2,\)"):
        F.huber_loss(a, b, weight=f64([1.0, 1.0, 1.0]))


def test_smooth_l1_and_huber_work_in_float32() -> None:
    a = tg.tensor([0.5, -3.0], requires_grad=True)
    loss = nn.HuberLoss(delta=1.5)(a, tg.tensor([0.0, 0.0]))
    loss.backward()
    assert loss.dtype == tg.float32 and a.grad.dtype == tg.float32
    np.testing.assert_allclose(a.grad.numpy(), [0.25, -0.75])
    assert nn.SmoothL1Loss(beta=0.5)(a, [0.0, 0.0]).dtype == tg.float32


def test_smooth_l1_and_huber_reject_bad_thresholds_and_shapes() -> None:
    with pytest.raises(ValueError, match="beta must be >= 0, got -0.5"):
        nn.SmoothL1Loss(beta=-0.5)
    with pytest.raises(ValueError, match="beta must be >= 0, got -1"):
        F.smooth_l1_loss(tg.zeros(2), tg.zeros(2), beta=-1)
    with pytest.raises(ValueError, match="delta must be > 0, got 0"):
        nn.HuberLoss(delta=0)
    with pytest.raises(ValueError, match="delta must be > 0, got -2.0"):
        F.huber_loss(tg.zeros(2), tg.zeros(2), delta=-2.0)
    with pytest.raises(TypeError, match="delta must be a number, got str"):
        nn.HuberLoss(delta="1")
    for loss in (nn.SmoothL1Loss(), nn.HuberLoss()):
        with pytest.raises(ValueError, match=r"target shape \(3,\) differs from input shape \(3, 1\)"):
            loss(tg.zeros(3, 1), tg.zeros(3))
    with pytest.raises(TypeError, match="floating-point"):
        F.smooth_l1_loss(tg.tensor([1, 2]), tg.tensor([1, 2]))


# -- binary cross-entropy -----------------------------------------------------------------------------


def test_bce_on_a_hand_example() -> None:
    p, y = f64([0.8, 0.3, 0.5]), f64([1.0, 0.0, 0.25])
    expected = [-math.log(0.8), -math.log(0.7), -(0.25 * math.log(0.5) + 0.75 * math.log(0.5))]
    np.testing.assert_allclose(F.binary_cross_entropy(p, y, reduction="none").numpy(), expected, rtol=1e-15)
    assert nn.BCELoss()(p, y).item() == pytest.approx(sum(expected) / 3, rel=1e-15)
    weighted = nn.BCELoss(weight=f64([2.0, 0.0, 1.0]), reduction="sum")(p, y).item()
    assert weighted == pytest.approx(2 * expected[0] + expected[2], rel=1e-15)


def test_bce_is_finite_at_zero_and_one_with_logs_floored_at_minus_100() -> None:
    p = f64([0.0, 1.0, 0.0, 1.0])
    y = f64([0.0, 1.0, 1.0, 0.0])
    p.requires_grad_()
    loss = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_array_equal(loss.numpy(), [0.0, 0.0, 100.0, 100.0])
    loss.sum().backward()
    assert np.isfinite(p.grad.numpy()).all()
    np.testing.assert_allclose(p.grad.numpy()[2:], [-1e12, 1e12])


def test_bce_gradcheck_in_input_and_target(rng: np.random.Generator) -> None:
    p, y = f64(rng.uniform(0.1, 0.9, (3, 2))), f64(rng.uniform(0, 1, (3, 2)))
    assert tg.gradcheck(nn.BCELoss(), [p, y])
    assert tg.gradcheck(lambda p, y: F.binary_cross_entropy(p, y, f64([0.5, 2.0]), reduction="none"), [p, y])


def test_bce_rejects_values_outside_the_unit_interval() -> None:
    with pytest.raises(
        ValueError, match=r"every input value must lie in \[0, 1\], got values from -0.5 to 2.0"
    ):
        F.binary_cross_entropy(tg.tensor([-0.5, 2.0]), tg.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="every target value"):
        F.binary_cross_entropy(tg.tensor([0.5, 0.5]), tg.tensor([0.0, 3.0]))
    with pytest.raises(ValueError, match="NaN"):
        F.binary_cross_entropy(tg.tensor([0.5, float("nan")]), tg.tensor([0.0, 1.0]))


def test_bce_with_logits_on_a_hand_example() -> None:
    x, y = f64([0.0, 2.0, -1.0]), f64([1.0, 0.0, 0.3])

    def softplus(v: float) -> float:
        return math.log1p(math.exp(v))

    expected = [math.log(2), softplus(2.0), 0.3 * softplus(1.0) + 0.7 * softplus(-1.0)]
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(x, y, reduction="none").numpy(), expected)
    assert nn.BCEWithLogitsLoss()(x, y).item() == pytest.approx(sum(expected) / 3, rel=1e-15)


def test_bce_with_logits_pos_weight_scales_the_positive_term() -> None:
    x, y = f64([[0.5, -1.5]]), f64([[1.0, 0.4]])
    pos_weight = f64([3.0, 2.0])
    loss = nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none")(x, y).numpy()

    def log_sigmoid(v: float) -> float:
        return -math.log1p(math.exp(-v))

    expected = [
        -3.0 * log_sigmoid(0.5),
        -(2.0 * 0.4 * log_sigmoid(-1.5) + 0.6 * log_sigmoid(1.5)),
    ]
    np.testing.assert_allclose(loss[0], expected, rtol=1e-14)


def test_bce_with_logits_is_stable_for_huge_logits() -> None:
    x = f64([1e4, -1e4, 1e4, -1e4])
    y = f64([1.0, 0.0, 0.0, 1.0])
    x.requires_grad_()
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_array_equal(loss.numpy(), [0.0, 0.0, 1e4, 1e4])
    loss.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0, -1.0])


def test_bce_with_logits_gradient_at_zero_is_sigmoid_minus_target() -> None:
    x = f64([0.0, 0.0])
    x.requires_grad_()
    F.binary_cross_entropy_with_logits(x, f64([1.0, 0.0]), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.5, 0.5])


def test_bce_with_logits_gradcheck(rng: np.random.Generator) -> None:
    x, y = f64(rng.standard_normal((3, 2)) * 3), f64(rng.uniform(0, 1, (3, 2)))
    assert tg.gradcheck(nn.BCEWithLogitsLoss(), [x, y])
    assert tg.gradcheck(
        lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, f64([0.5, 2.0]), None, None, "none", pw),
        [x, y, f64([1.5, 0.5])],
    )


# -- cross-entropy ------------------------------------------------------------------------------------


def test_cross_entropy_on_a_hand_example() -> None:
    logits = f64([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    labels = tg.tensor([2, 0])
    first = -(3 - math.log(math.exp(1) + math.exp(2) + math.exp(3)))
    second = math.log(3)
    np.testing.assert_allclose(F.cross_entropy(logits, labels, reduction="none").numpy(), [first, second])
    assert nn.CrossEntropyLoss()(logits, labels).item() == pytest.approx((first + second) / 2, rel=1e-15)
    assert nn.CrossEntropyLoss(reduction="sum")(logits, labels).item() == pytest.approx(
        first + second, rel=1e-15
    )


def test_cross_entropy_is_finite_and_exact_for_logits_of_1e4() -> None:
    logits = tg.tensor([[1e4, 0.0, -1e4], [1e4, 0.0, -1e4], [1e4, 1e4, 0.0]], requires_grad=True)
    loss = F.cross_entropy(logits, tg.tensor([0, 1, 2]), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [0.0, 1e4, 1e4 + math.log(2)], rtol=1e-7)
    loss.sum().backward()
    assert np.isfinite(logits.grad.numpy()).all()
    np.testing.assert_allclose(logits.grad.numpy()[1], [1.0, -1.0, 0.0])


def test_cross_entropy_of_a_masked_minus_infinity_logit_is_finite() -> None:
    # A class masked out with -inf has probability 0: it adds nothing to the loss and gets no
    # gradient (PyTorch: 0.77728646..., the same gradient).
    logits = tg.tensor([[-math.inf, 0.0, 1.0], [0.5, -1.0, 2.0]], requires_grad=True)
    loss = F.cross_entropy(logits, tg.tensor([1, 2]))
    expected = (math.log(1 + math.e) + math.log(math.exp(0.5) + math.exp(-1) + math.exp(2)) - 2) / 2
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-6)
    loss.backward()
    assert logits.grad.numpy()[0, 0] == 0.0 and np.isfinite(logits.grad.numpy()).all()


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n(rng: np.random.Generator) -> None:
    z = rng.standard_normal((4, 3))
    labels = np.array([0, 2, 1, 2])
    logits = f64(z).requires_grad_()
    F.cross_entropy(logits, tg.tensor(labels)).backward()
    expected = (np.exp(log_softmax(z)) - np.eye(3)[labels]) / 4
    np.testing.assert_allclose(logits.grad.numpy(), expected, rtol=1e-13)


def test_label_smoothing_follows_pytorchs_formula(rng: np.random.Generator) -> None:
    z, labels, eps = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2]), 0.2
    logp = log_softmax(z)
    nll = -logp[np.arange(5), labels]
    uniform = -logp.sum(axis=1) / 4
    expected = (1 - eps) * nll + eps * uniform
    got = nn.CrossEntropyLoss(label_smoothing=eps, reduction="none")(f64(z), tg.tensor(labels))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-14)
    mean = nn.CrossEntropyLoss(label_smoothing=eps)(f64(z), tg.tensor(labels)).item()
    assert mean == pytest.approx(expected.mean(), rel=1e-14)
    # the same as cross-entropy against the smoothed probability target
    smoothed = (1 - eps) * np.eye(4)[labels] + eps / 4
    assert F.cross_entropy(f64(z), f64(smoothed)).item() == pytest.approx(mean, rel=1e-14)


def test_cross_entropy_with_probability_targets(rng: np.random.Generator) -> None:
    z = rng.standard_normal((3, 4))
    probs = rng.dirichlet(np.ones(4), 3)
    expected = -(probs * log_softmax(z)).sum(axis=1)
    np.testing.assert_allclose(F.cross_entropy(f64(z), f64(probs), reduction="none").numpy(), expected)


def test_class_weights_and_ignore_index(rng: np.random.Generator) -> None:
    z = rng.standard_normal((5, 3))
    labels = np.array([0, 2, -100, 1, 2])
    weight = np.array([0.5, 2.0, 1.5])
    logp = log_softmax(z)
    kept = labels != -100
    picked = -logp[np.arange(5)[kept], labels[kept]] * weight[labels[kept]]
    loss = nn.CrossEntropyLoss(weight=f64(weight))
    assert loss(f64(z), tg.tensor(labels)).item() == pytest.approx(picked.sum() / weight[labels[kept]].sum())
    none = F.cross_entropy(f64(z), tg.tensor(labels), weight=f64(weight), reduction="none").numpy()
    assert none[2] == 0 and none.shape == (5,)
    assert "weight" in loss.state_dict()


def test_cross_entropy_single_sample_and_spatial_inputs(rng: np.random.Generator) -> None:
    z = rng.standard_normal(4)
    assert F.cross_entropy(f64(z), tg.tensor(2)).item() == pytest.approx(-log_softmax(z)[2])
    spatial = rng.standard_normal((2, 4, 3))
    labels = rng.integers(0, 4, (2, 3))
    logp = log_softmax(spatial, axis=1)
    expected = -np.take_along_axis(logp, labels[:, None], axis=1)[:, 0]
    got = F.cross_entropy(f64(spatial), tg.tensor(labels), reduction="none")
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-14)


def test_nll_loss_on_log_probabilities_equals_cross_entropy(rng: np.random.Generator) -> None:
    z = f64(rng.standard_normal((4, 3)))
    labels = tg.tensor([1, 0, 2, 2])
    via_nll = nn.NLLLoss()(nn.LogSoftmax()(z), labels).item()
    assert via_nll == pytest.approx(nn.CrossEntropyLoss()(z, labels).item(), rel=1e-15)


@pytest.mark.parametrize(
    "loss",
    [
        nn.CrossEntropyLoss(),
        nn.CrossEntropyLoss(reduction="none", label_smoothing=0.1),
        nn.CrossEntropyLoss(weight=f64([1.0, 2.0, 0.5]), ignore_index=1),
        nn.NLLLoss(weight=f64([1.0, 2.0, 0.5])),
    ],
    ids=["plain", "smoothing", "weight_ignore", "nll"],
)
def test_class_losses_gradcheck(loss: nn.Module, rng: np.random.Generator) -> None:
    z = f64(rng.standard_normal((4, 3)))
    labels = tg.tensor([0, 1, 2, 1])
    assert tg.gradcheck(lambda z: loss(z, labels), [z])


def test_cross_entropy_gradcheck_with_probability_targets(rng: np.random.Generator) -> None:
    z, probs = f64(rng.standard_normal((3, 4))), f64(rng.dirichlet(np.ones(4), 3))
    assert tg.gradcheck(lambda z, t: F.cross_entropy(z, t, label_smoothing=0.1), [z, probs])


def test_cross_entropy_second_derivative(rng: np.random.Generator) -> None:
    z = rng.standard_normal(3)
    x = f64(z).requires_grad_()
    (g,) = tg.grad(F.cross_entropy(x, tg.tensor(1)), [x], create_graph=True)
    (hessian_diagonal_sum,) = tg.grad(g.sum(), [x])
    # Σ_j d/dx_i (softmax_j - onehot_j) = 0 because Σ softmax = 1
    np.testing.assert_allclose(hessian_diagonal_sum.numpy(), np.zeros(3), atol=1e-15)


# -- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0]])
def test_labels_out_of_range_are_named(labels: list[int]) -> None:
    bad = [v for v in labels if not 0 <= v < 3][0]
    with pytest.raises(ValueError, match=rf"must lie in \[0, 3\) for 3 classes .*got {bad}"):
        F.cross_entropy(tg.zeros(2, 3), tg.tensor(labels))
    with pytest.raises(ValueError, match=f"got {bad}"):
        nn.NLLLoss()(tg.zeros(2, 3), tg.tensor(labels))


def test_label_shape_must_match_the_input() -> None:
    with pytest.raises(ValueError, match=r"integer labels need shape \(4,\), got \(4, 1\)"):
        F.cross_entropy(tg.zeros(4, 3), tg.zeros(4, 1).long())


def test_float_labels_are_rejected_where_integers_are_needed() -> None:
    with pytest.raises(TypeError, match="integer class labels"):
        F.nll_loss(tg.zeros(2, 3), tg.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match=r"class labels of shape \(2,\) must be integers"):
        F.cross_entropy(tg.zeros(2, 3), tg.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match="class labels must be integers, got dtype bool"):
        F.cross_entropy(tg.zeros(2, 3), tg.tensor([True, False]))


def test_invalid_options_raise() -> None:
    every_loss = (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss, nn.BCELoss, nn.BCEWithLogitsLoss)
    for make in (*every_loss, nn.CrossEntropyLoss, nn.NLLLoss):
        with pytest.raises(ValueError, match="reduction must be one of"):
            make(reduction="average")
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.cross_entropy(tg.zeros(1, 2), tg.tensor([0]), reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        nn.CrossEntropyLoss(label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        F.cross_entropy(tg.zeros(2, 3), tg.tensor([0, 1]), weight=tg.ones(2))
    with pytest.raises(TypeError, match="floating-point"):
        F.cross_entropy(tg.tensor([[1, 2]]), tg.tensor([0]))
    with pytest.raises(ValueError, match="class axis"):
        F.cross_entropy(tg.tensor(1.0), tg.tensor(0))


def test_one_hot() -> None:
    encoded = F.one_hot(tg.tensor([2, 0, 1]))
    assert encoded.dtype == tg.int64
    np.testing.assert_array_equal(encoded.numpy(), np.eye(3, dtype=np.int64)[[2, 0, 1]])
    assert F.one_hot(tg.tensor([[1], [0]]), num_classes=4).shape == (2, 1, 4)
    with pytest.raises(ValueError, match=r"\[0, 2\) for 2 classes, got 5"):
        F.one_hot(tg.tensor([5]), num_classes=2)


def test_loss_reprs() -> None:
    assert repr(nn.MSELoss()) == "MSELoss(reduction='mean')"
    assert repr(nn.SmoothL1Loss(beta=0.5)) == "SmoothL1Loss(reduction='mean', beta=0.5)"
    assert repr(nn.HuberLoss(reduction="sum")) == "HuberLoss(reduction='sum', delta=1.0)"
    assert repr(nn.CrossEntropyLoss(label_smoothing=0.1)) == (
        "CrossEntropyLoss(ignore_index=-100, reduction='mean', label_smoothing=0.1)"
    )


def test_binary_cross_entropy_with_logits_refuses_integer_targets_as_pytorch():
    logits = tg.tensor([[0.5], [-1.0]])
    for target in (tg.tensor([[1], [0]]), tg.tensor([[True], [False]])):
        with pytest.raises(RuntimeError, match="floating-point"):
            tg.nn.functional.binary_cross_entropy_with_logits(logits, target)
        with pytest.raises(RuntimeError, match="floating-point"):
            tg.nn.BCEWithLogitsLoss()(logits, target)
