"""Specification of tg.nn where a differential run against PyTorch 2.13 found it differing.

Each test names the PyTorch behaviour it pins down; the expected values are derived by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

# -- Dropout ------------------------------------------------------------------------------------------


def test_dropout_with_p_one_zeroes_everything_and_passes_no_gradient() -> None:
    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    out = nn.Dropout(1.0)(x)
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), [0.0, 0.0, 0.0])


def test_dropout_with_p_one_is_still_the_identity_in_eval() -> None:
    x = tg.tensor([1.0, 2.0])
    assert nn.Dropout(1.0).eval()(x) is x


def test_inplace_dropout_writes_into_its_input_where_no_graph_is_recorded() -> None:
    x = tg.ones(400)
    out = nn.Dropout(0.5, inplace=True)(x)
    assert out is x
    assert set(np.unique(x.numpy()).tolist()) == {0.0, 2.0}


def test_inplace_dropout_in_a_graph_writes_into_its_input_with_the_right_gradient() -> None:
    leaf = tg.ones(300, requires_grad=True)
    hidden = leaf * 1.0
    out = nn.Dropout(0.25, inplace=True)(hidden)
    assert out is hidden  # as PyTorch's: recorded by autograd as an in-place op
    out.sum().backward()
    np.testing.assert_allclose(leaf.grad.numpy(), out.numpy())  # d out / d x = mask / (1 - p)
    kept = out.numpy() != 0
    np.testing.assert_allclose(out.numpy()[kept], 1 / 0.75, rtol=1e-6)
    assert 0 < kept.sum() < 300


def test_dropout_repr_shows_p_and_inplace_as_pytorch() -> None:
    assert repr(nn.Dropout(0.3)) == "Dropout(p=0.3, inplace=False)"
    assert repr(nn.Dropout(inplace=True)) == "Dropout(p=0.5, inplace=True)"


# -- Linear -------------------------------------------------------------------------------------------


def test_linear_starts_as_pytorch_from_uniform_of_one_over_root_fan_in() -> None:
    tg.manual_seed(0)
    layer = nn.Linear(16, 400)
    bound = 1 / math.sqrt(16)
    weight, bias = layer.weight.numpy(), layer.bias.numpy()
    assert weight.shape == (400, 16) and bias.shape == (400,)
    assert np.abs(weight).max() <= bound and np.abs(bias).max() <= bound
    # U(-b, b) has variance b²/3; 6400 and 400 draws pin it within a few percent
    assert abs(weight.var() / (bound**2 / 3) - 1) < 0.1
    assert abs(bias.var() / (bound**2 / 3) - 1) < 0.3


def test_linear_repr_and_argument_order_are_pytorchs() -> None:
    assert repr(nn.Linear(3, 5)) == "Linear(in_features=3, out_features=5, bias=True)"
    layer = nn.Linear(3, 5, False, None, tg.float64)
    assert layer.bias is None and layer.weight.dtype == tg.float64
    assert repr(layer) == "Linear(in_features=3, out_features=5, bias=False)"


def test_linear_with_an_init_scheme_keeps_a_zero_bias_as_dense() -> None:
    layer = nn.Linear(4, 2, init="zeros")
    np.testing.assert_array_equal(layer.bias.numpy(), [0.0, 0.0])
    assert "init='zeros'" in repr(layer)


def test_linear_computes_x_w_transpose_plus_b_on_1d_2d_and_3d_inputs() -> None:
    layer = nn.Linear(2, 2)
    layer.load_state_dict({"weight": tg.tensor([[1.0, 2.0], [3.0, 4.0]]), "bias": tg.tensor([0.5, -1.0])})
    np.testing.assert_allclose(layer(tg.tensor([1.0, 1.0])).numpy(), [3.5, 6.0])
    np.testing.assert_allclose(layer(tg.tensor([[1.0, 0.0]])).numpy(), [[1.5, 2.0]])
    np.testing.assert_allclose(
        layer(tg.tensor([[[0.0, 1.0]], [[2.0, 0.0]]])).numpy(), [[[2.5, 3.0]], [[2.5, 5.0]]]
    )


# -- cross-entropy ------------------------------------------------------------------------------------


def test_cross_entropy_refuses_an_ignore_index_with_class_probabilities() -> None:
    logits, probs = tg.zeros(2, 3), tg.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match="ignore_index=0 applies to class labels"):
        F.cross_entropy(logits, probs, ignore_index=0)
    with pytest.raises(ValueError, match="ignore_index=1 applies to class labels"):
        nn.CrossEntropyLoss(ignore_index=1)(logits, probs)
    # the default (-100) and any negative index are fine: log 3 per sample
    np.testing.assert_allclose(F.cross_entropy(logits, probs).item(), math.log(3), rtol=1e-6)


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0]])
def test_a_class_label_out_of_range_is_an_index_error_as_in_pytorch(labels: list[int]) -> None:
    logits = tg.zeros(2, 3)
    with pytest.raises(IndexError, match=r"class labels must lie in \[0, 3\)"):
        F.cross_entropy(logits, tg.tensor(labels))
    with pytest.raises(ValueError, match=r"class labels must lie in \[0, 3\)"):  # also a bad value
        F.nll_loss(logits, tg.tensor(labels))


# -- Module API ---------------------------------------------------------------------------------------


def test_module_list_repr_folds_runs_of_equal_entries_as_pytorch() -> None:
    layers = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.ReLU(), nn.Tanh(), nn.ReLU()])
    assert repr(layers) == "ModuleList(\n  (0-2): 3 x ReLU()\n  (3): Tanh()\n  (4): ReLU()\n)"
    assert repr(nn.ModuleList()) == "ModuleList()"
    nested = nn.Sequential(nn.ModuleList([nn.Identity(), nn.Identity()]))
    assert repr(nested) == "Sequential(\n  (0): ModuleList(\n    (0-1): 2 x Identity()\n  )\n)"


@pytest.mark.parametrize("register", ["register_buffer", "register_parameter", "add_module"])
def test_member_names_are_checked_as_pytorch_checks_them(register: str) -> None:
    module = nn.Module()
    value = {"register_buffer": tg.zeros(1), "register_parameter": nn.Parameter(tg.zeros(1)),
             "add_module": nn.ReLU()}[register]  # fmt: skip
    with pytest.raises(KeyError, match="attribute 'training' already exists"):
        getattr(module, register)("training", value)
    for bad in ("", "a.b"):
        with pytest.raises(KeyError, match="non-empty string without '.'"):
            getattr(module, register)(bad, value)
    with pytest.raises(TypeError, match="must be a string, got int"):
        getattr(module, register)(1, value)
    getattr(module, register)("fine", value)
    getattr(module, register)("fine", value)  # registering a member again replaces it


def test_half_casts_the_floating_point_state_to_float16() -> None:
    if tg.get_default_device() != "cpu":
        pytest.skip("the Array API (strict backend) has no float16")
    model = nn.BatchNorm1d(2).half()
    assert model.weight.dtype == np.float16 and model.running_var.dtype == np.float16
    assert model.num_batches_tracked.dtype == np.int64


def test_load_state_dict_of_another_float_dtype_is_cast_to_the_model_dtype() -> None:
    layer = nn.Linear(2, 1)
    state = {"weight": tg.full((1, 2), 0.25, dtype=tg.float64), "bias": tg.zeros(1)}
    layer.load_state_dict(state)
    assert layer.weight.dtype == np.float32 and layer.weight.requires_grad
    np.testing.assert_array_equal(layer.weight.numpy(), [[0.25, 0.25]])


# -- activations PyTorch has that were missing ----------------------------------------------------


def _value_and_gradient(function, values: list[float]) -> tuple[np.ndarray, np.ndarray]:
    x = tg.tensor(values, requires_grad=True)
    out = function(x)
    out.sum().backward()
    return out.numpy(), x.grad.numpy()


def test_hardsigmoid_is_relu6_of_x_plus_3_over_6_with_zero_gradient_at_the_corners() -> None:
    out, grad = _value_and_gradient(nn.Hardsigmoid(), [-4.0, -3.0, 0.0, 1.5, 3.0, 4.0])
    np.testing.assert_allclose(out, [0, 0, 0.5, 0.75, 1, 1], atol=1e-7)
    np.testing.assert_allclose(grad, [0, 0, 1 / 6, 1 / 6, 0, 0], atol=1e-7)


def test_hardswish_gradient_is_0_at_minus_3_and_1_at_3_as_pytorch() -> None:
    out, grad = _value_and_gradient(nn.Hardswish(), [-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0])
    np.testing.assert_allclose(out, [0, 0, -0.375, 0, 1.125, 3, 4], atol=1e-7)
    np.testing.assert_allclose(grad, [0, 0, 0, 0.5, 1, 1, 1], atol=1e-7)  # (2x + 3) / 6 strictly inside


def test_celu_is_alpha_times_elu_of_x_over_alpha() -> None:
    out, grad = _value_and_gradient(nn.CELU(2.0), [-2.0, 0.0, 1.0])
    np.testing.assert_allclose(out, [2 * (math.exp(-1) - 1), 0, 1], rtol=1e-6)
    np.testing.assert_allclose(grad, [math.exp(-1), 1, 1], rtol=1e-6)
    with pytest.raises(ValueError, match="alpha must not be 0"):
        nn.CELU(0.0)


def test_threshold_hardshrink_and_softshrink_pick_their_branches_as_pytorch() -> None:
    out, grad = _value_and_gradient(nn.Threshold(0.5, -2.0), [0.5, 0.6, -1.0])
    np.testing.assert_allclose(out, [-2, 0.6, -2], rtol=1e-6)
    np.testing.assert_array_equal(grad, [0, 1, 0])
    points = [-0.5, 0.5, 0.6, -0.7, 0.0]
    out, grad = _value_and_gradient(nn.Hardshrink(), points)
    np.testing.assert_allclose(out, [0, 0, 0.6, -0.7, 0], rtol=1e-6)
    np.testing.assert_array_equal(grad, [0, 0, 1, 1, 0])
    out, grad = _value_and_gradient(nn.Softshrink(0.5), points)
    np.testing.assert_allclose(out, [0, 0, 0.1, -0.2, 0], rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(grad, [0, 0, 1, 1, 0])
    assert repr(nn.Hardshrink(0.25)) == "Hardshrink(0.25)"
    with pytest.raises(ValueError, match="lambd must be a number >= 0"):
        F.softshrink(tg.zeros(2), -1.0)


def test_softmin_and_logsigmoid_modules() -> None:
    np.testing.assert_allclose(
        nn.Softmin(dim=-1)(tg.tensor([0.0, math.log(2)])).numpy(), [2 / 3, 1 / 3], rtol=1e-6
    )
    np.testing.assert_allclose(nn.LogSigmoid()(tg.tensor([0.0])).numpy(), [-math.log(2)], rtol=1e-6)


def test_glu_gates_the_first_half_with_the_sigmoid_of_the_second() -> None:
    out = nn.GLU()(tg.tensor([[1.0, 2.0, 0.0, math.log(3)]]))
    np.testing.assert_allclose(out.numpy(), [[0.5, 1.5]], rtol=1e-6)
    np.testing.assert_allclose(nn.GLU(0)(tg.tensor([[2.0], [0.0]])).numpy(), [[1.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="needs an even size, got 3"):
        nn.GLU()(tg.zeros(2, 3))


def test_rrelu_uses_the_mean_slope_in_eval_and_random_slopes_in_range_in_training() -> None:
    layer = nn.RReLU()
    np.testing.assert_allclose(layer.eval()(tg.tensor([-48.0, 2.0])).numpy(), [-11.0, 2.0], rtol=1e-6)
    slopes = -layer.train()(-tg.ones(2000)).numpy()
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3 and slopes.std() > 0.03


def test_normalize_gives_unit_rows_and_divides_a_zero_row_by_eps() -> None:
    out, grad = _value_and_gradient(lambda x: F.normalize(x, dim=1), [[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(grad[1], [1e12, 1e12], rtol=1e-6)  # x / ε near 0, as PyTorch


def test_cosine_similarity_and_pairwise_distance_as_pytorch() -> None:
    a, b = tg.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]), tg.tensor([[0.0, 1.0], [2.0, 2.0], [1.0, 1.0]])
    np.testing.assert_allclose(F.cosine_similarity(a, b).numpy(), [0.0, 1.0, 0.0], atol=1e-6)
    # ‖x1 − x2 + ε‖ with ε = 1e-6 added to every difference
    expected = math.hypot(-3 + 1e-6, -4 + 1e-6)
    np.testing.assert_allclose(
        F.pairwise_distance(tg.zeros(1, 2), tg.tensor([[3.0, 4.0]])).numpy(), [expected]
    )


# -- losses PyTorch has that were missing ---------------------------------------------------------


def test_margin_ranking_loss_passes_the_gradient_at_a_zero_hinge_as_pytorchs_clamp() -> None:
    x1 = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = nn.MarginRankingLoss()(x1, tg.tensor([1.0, 2.5, 2.0]), tg.tensor([1.0, 1.0, -1.0]))
    loss.backward()
    np.testing.assert_allclose(loss.item(), (0 + 0.5 + 1) / 3, rtol=1e-6)
    np.testing.assert_allclose(x1.grad.numpy(), np.array([-1, -1, 1]) / 3, rtol=1e-6)


def test_hinge_embedding_loss() -> None:
    x = tg.tensor([1.0, 0.5, 2.0], requires_grad=True)
    loss = F.hinge_embedding_loss(x, tg.tensor([-1.0, -1.0, 1.0]), reduction="sum")
    loss.backward()
    np.testing.assert_allclose(loss.item(), 2.5, rtol=1e-6)
    np.testing.assert_array_equal(x.grad.numpy(), [-1, -1, 1])


def test_soft_margin_loss_stays_finite_for_large_margins() -> None:
    out = nn.SoftMarginLoss(reduction="none")(tg.tensor([0.0, 100.0]), tg.tensor([1.0, -1.0]))
    np.testing.assert_allclose(out.numpy(), [math.log(2), 100.0], rtol=1e-6)


def test_cosine_embedding_loss_per_row() -> None:
    x1, x2 = tg.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]), tg.tensor([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    out = nn.CosineEmbeddingLoss(margin=-0.5, reduction="none")(x1, x2, tg.tensor([1, -1, -1]))
    np.testing.assert_allclose(
        out.numpy(), [1.0, 1.5, 0.5], rtol=1e-6
    )  # 1 − 0; max(0, 1 + 0.5); max(0, 0 + 0.5)
    with pytest.raises(ValueError, match=r"the target needs shape \(3,\)"):
        F.cosine_embedding_loss(x1, x2, tg.tensor([1, 1]))


def test_triplet_margin_loss_with_and_without_swap() -> None:
    anchor, positive, negative = tg.tensor([[0.0, 0.0]]), tg.tensor([[1.0, 0.0]]), tg.tensor([[1.5, 0.0]])
    # d(a, p) = 1, d(a, n) = 1.5, d(p, n) = 0.5 (each up to the ε = 1e-6 shift)
    np.testing.assert_allclose(F.triplet_margin_loss(anchor, positive, negative).item(), 0.5, rtol=1e-5)
    swapped = nn.TripletMarginLoss(swap=True)(anchor, positive, negative)
    np.testing.assert_allclose(swapped.item(), 1.5, rtol=1e-5)
    with pytest.raises(ValueError, match="must all be"):
        F.triplet_margin_loss(tg.zeros(2, 2), tg.zeros(2), tg.zeros(2, 2))


def test_poisson_nll_loss_with_log_input_and_the_stirling_term() -> None:
    x, y = tg.tensor([0.0, math.log(2)]), tg.tensor([1.0, 3.0])
    plain = [1.0, 2 - 3 * math.log(2)]
    np.testing.assert_allclose(nn.PoissonNLLLoss(reduction="none")(x, y).numpy(), plain, rtol=1e-6)
    stirling = 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)  # only where y > 1
    full = F.poisson_nll_loss(x, y, full=True, reduction="none").numpy()
    np.testing.assert_allclose(full, [plain[0], plain[1] + stirling], rtol=1e-6)
    rate = F.poisson_nll_loss(tg.tensor([2.0]), tg.tensor([3.0]), log_input=False, reduction="sum")
    np.testing.assert_allclose(rate.item(), 2 - 3 * math.log(2 + 1e-8), rtol=1e-6)


def test_gaussian_nll_loss_floors_the_variance_but_passes_its_gradient() -> None:
    x, y = tg.tensor([1.0, 2.0]), tg.tensor([0.0, 0.0])
    loss = nn.GaussianNLLLoss()(x, y, tg.tensor([1.0, 4.0]))
    np.testing.assert_allclose(loss.item(), (0.5 + 0.5 * (math.log(4) + 1)) / 2, rtol=1e-6)
    full = F.gaussian_nll_loss(x, y, 1.0, full=True, reduction="none")  # a number is one variance
    half_log_two_pi = 0.5 * math.log(2 * math.pi)
    np.testing.assert_allclose(full.numpy(), [0.5 + half_log_two_pi, 2 + half_log_two_pi], rtol=1e-6)
    var = tg.tensor([0.0], requires_grad=True)
    F.gaussian_nll_loss(tg.tensor([0.0]), tg.tensor([0.0]), var, reduction="sum").backward()
    np.testing.assert_allclose(var.grad.numpy(), [0.5 / 1e-6], rtol=1e-5)  # d/dσ² of ½ log σ² at σ² = ε


def test_gaussian_nll_loss_refuses_negative_or_misshapen_variances() -> None:
    with pytest.raises(ValueError, match="var has negative entries"):
        F.gaussian_nll_loss(tg.zeros(2), tg.zeros(2), tg.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"var of shape \(4,\) does not fit the input's shape \(3, 4\)"):
        F.gaussian_nll_loss(tg.zeros(3, 4), tg.zeros(3, 4), tg.ones(4))
    shared = F.gaussian_nll_loss(tg.ones(3, 4), tg.zeros(3, 4), tg.ones(3))  # one variance per row
    np.testing.assert_allclose(shared.item(), 0.5, rtol=1e-6)


# -- nn.init ------------------------------------------------------------------------------------------


def test_eye_and_dirac_fill_identity_maps() -> None:
    np.testing.assert_array_equal(nn.init.eye_(tg.zeros(2, 3)).numpy(), [[1, 0, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="only 2-D tensors"):
        nn.init.eye_(tg.zeros(2, 2, 2))
    weight = nn.init.dirac_(tg.zeros(4, 2, 3), groups=2).numpy()
    expected = np.zeros((4, 2, 3))
    for out_channel, in_channel in [(0, 0), (1, 1), (2, 0), (3, 1)]:
        expected[out_channel, in_channel, 1] = 1
    np.testing.assert_array_equal(weight, expected)


@pytest.mark.parametrize("shape", [(6, 4), (3, 8), (4, 2, 3)])
def test_orthogonal_gives_orthonormal_rows_or_columns_times_the_gain(shape: tuple[int, ...]) -> None:
    matrix = nn.init.orthogonal_(tg.zeros(*shape), gain=2.0).numpy().reshape(shape[0], -1).astype(np.float64)
    small = min(matrix.shape)
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-5)


def test_trunc_normal_stays_in_its_interval_with_the_truncated_moments() -> None:
    tg.manual_seed(1)
    values = nn.init.trunc_normal_(tg.zeros(20000)).numpy()  # N(0, 1) on [-2, 2]
    assert values.min() >= -2 and values.max() <= 2
    phi = math.exp(-2) / math.sqrt(2 * math.pi)  # φ(2)
    variance = 1 - 2 * 2 * phi / math.erf(2 / math.sqrt(2))  # 1 − 2aφ(a) / (2Φ(a) − 1)
    assert abs(values.mean()) < 0.02 and abs(values.std() - math.sqrt(variance)) < 0.02
    tail = nn.init.trunc_normal_(tg.zeros(20000), a=3.0, b=4.0).numpy()  # far in the tail
    density = [math.exp(-x * x / 2) / math.sqrt(2 * math.pi) for x in (3.0, 4.0)]
    mass = 0.5 * (math.erf(4 / math.sqrt(2)) - math.erf(3 / math.sqrt(2)))
    assert tail.min() >= 3 and tail.max() <= 4
    assert abs(tail.mean() - (density[0] - density[1]) / mass) < 0.02


def test_init_accepts_conv_transpose_gains_and_zero_element_tensors() -> None:
    assert nn.init.calculate_gain("conv_transpose2d") == 1.0
    empty = tg.zeros(0, 3)
    assert nn.init.kaiming_uniform_(empty) is empty and nn.init.xavier_normal_(empty) is empty


# -- forward hooks ------------------------------------------------------------------------------------


def test_forward_hooks_see_and_may_replace_inputs_and_outputs_as_pytorch() -> None:
    layer, seen = nn.Identity(), []
    first = layer.register_forward_pre_hook(lambda module, args: seen.append(("pre", args[0].item())))
    layer.register_forward_pre_hook(lambda module, args: args[0] * 2, prepend=True)  # runs before `first`
    layer.register_forward_hook(lambda module, args, output: seen.append(("post", output.item())))
    doubling = layer.register_forward_hook(lambda module, args, output: output + 1)
    assert layer(tg.tensor(1.0)).item() == 3.0
    assert seen == [("pre", 2.0), ("post", 2.0)]
    doubling.remove()
    first.remove()
    assert layer(tg.tensor(1.0)).item() == 2.0 and seen[-1] == ("post", 2.0)


def test_forward_hooks_with_kwargs_and_as_context_managers() -> None:
    class Scale(nn.Module):
        def forward(self, x: tg.Tensor, factor: float = 1.0) -> tg.Tensor:
            return x * factor

    module = Scale()
    with module.register_forward_pre_hook(lambda m, args, kwargs: (args, {"factor": 3.0}), with_kwargs=True):
        with module.register_forward_hook(
            lambda m, args, kwargs, out: out - kwargs["factor"], with_kwargs=True
        ):
            assert module(tg.tensor(2.0)).item() == 3.0  # 2 · 3 − 3
    assert module(tg.tensor(2.0)).item() == 2.0
    with pytest.raises(TypeError, match="a hook must be callable"):
        module.register_forward_hook(None)


def test_unflatten_splits_one_axis_and_undoes_flatten() -> None:
    x = tg.arange(24).reshape(2, 12).astype(tg.float32)
    out = nn.Unflatten(1, (3, -1))(x)
    assert out.shape == (2, 3, 4)
    np.testing.assert_array_equal(nn.Flatten()(out).numpy(), x.numpy())
    assert repr(nn.Unflatten(-1, (2, 6))) == "Unflatten(dim=-1, unflattened_size=(2, 6))"
    with pytest.raises(ValueError, match=r"unflattened_size \(5, 5\) does not fit dimension 1 of size 12"):
        nn.Unflatten(1, (5, 5))(x)
    with pytest.raises(ValueError, match="one -1"):
        nn.Unflatten(1, (-1, -1))


# -- bad inputs get a clear error ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda bad: nn.ReLU()(bad), "relu"),
        (lambda bad: nn.Softmax(dim=0)(bad), "softmax"),
        (lambda bad: nn.GELU()(bad), "gelu"),
        (lambda bad: F.hardtanh(bad), "hardtanh"),
        (lambda bad: nn.LayerNorm(2)(bad), "layer_norm"),
        (lambda bad: nn.BatchNorm1d(2)(bad), "batch_norm"),
        (lambda bad: nn.MSELoss()(bad, tg.zeros(2)), "mse_loss"),
        (lambda bad: nn.CrossEntropyLoss()(bad, tg.tensor([0])), "cross_entropy"),
    ],
)
@pytest.mark.parametrize("bad", [[[1.0, 2.0]], np.ones((1, 2), np.float32), None])
def test_a_non_tensor_input_is_a_type_error_naming_the_function(call, name: str, bad) -> None:
    with pytest.raises(TypeError, match=f"{name}: the input must be a Tensor, got {type(bad).__name__}"):
        call(bad)


def test_targets_and_indices_that_are_not_numbers_are_type_errors() -> None:
    with pytest.raises(TypeError, match="mse_loss: the target must be a Tensor or numbers, got NoneType"):
        F.mse_loss(tg.zeros(2), None)
    with pytest.raises(TypeError, match="cross_entropy: class labels must be a Tensor or integers, got str"):
        F.cross_entropy(tg.zeros(1, 2), "a")
    with pytest.raises(TypeError, match="embedding: indices must be a Tensor or integers, got NoneType"):
        nn.Embedding(3, 2)(None)
    with pytest.raises(TypeError, match="negative_slope must be a number, got 'a'"):
        nn.LeakyReLU("a")(tg.zeros(2))  # type: ignore[arg-type]


def test_a_loss_weight_must_be_a_tensor_as_in_pytorch() -> None:
    with pytest.raises(TypeError, match=r"CrossEntropyLoss: weight must be a Tensor \(e.g. tg.tensor"):
        nn.CrossEntropyLoss(weight=[1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="BCEWithLogitsLoss: pos_weight must be a Tensor"):
        nn.BCEWithLogitsLoss(pos_weight=np.ones(2))  # type: ignore[arg-type]


# -- parameter containers and duplicate-aware traversals ----------------------------------------------


def test_parameter_list_registers_its_entries_by_position_and_wraps_tensors() -> None:
    weight = nn.Parameter(tg.zeros(2, 3))
    params = nn.ParameterList([weight, tg.ones(3)]).append(tg.zeros(1))
    assert len(params) == 3 and params[0] is weight and params[-1].shape == (1,)
    assert isinstance(params[1], nn.Parameter) and params[1].requires_grad
    assert list(params.state_dict()) == ["0", "1", "2"]
    assert repr(params).splitlines()[1] == "    (0): Parameter containing: [float32 of size 2x3]"
    with pytest.raises(TypeError, match="entries must be Parameters or Tensors, got int"):
        params.append(3)
    with pytest.raises(IndexError, match="index 3 is out of range"):
        params[3]


def test_parameter_dict_registers_its_entries_by_name() -> None:
    params = nn.ParameterDict({"scale": tg.ones(2)})
    params["shift"] = nn.Parameter(tg.zeros(2))
    assert params.keys() == ["scale", "shift"] and "shift" in params and len(params) == 2
    assert list(params.state_dict()) == ["scale", "shift"]
    assert params.pop("scale").shape == (2,) and params.keys() == ["shift"]
    with pytest.raises(KeyError, match="no parameter 'scale'"):
        params["scale"]


def test_remove_duplicate_false_lists_a_shared_layer_under_each_name() -> None:
    model = nn.Module()
    model.register_module("first", nn.Linear(2, 2))
    model.second = model.first
    assert [n for n, _ in model.named_parameters()] == ["first.weight", "first.bias"]
    names = [n for n, _ in model.named_parameters(remove_duplicate=False)]
    assert names == ["first.weight", "first.bias", "second.weight", "second.bias"]
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "first", "second"]


def test_train_mode_and_requires_grad_must_be_booleans() -> None:
    layer = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="training mode is expected to be boolean, got str"):
        layer.train("yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="requires_grad_.* needs a bool, got str"):
        layer.requires_grad_("no")  # type: ignore[arg-type]
    assert layer.training and layer.weight.requires_grad


def test_softmax2d_normalises_over_the_channels_of_each_position() -> None:
    x = tg.tensor([[[[0.0]], [[math.log(3)]]]])  # (N, C, H, W) = (1, 2, 1, 1)
    np.testing.assert_allclose(nn.Softmax2d()(x).numpy().ravel(), [0.25, 0.75], rtol=1e-6)
    with pytest.raises(ValueError, match="3-D or 4-D input"):
        nn.Softmax2d()(tg.zeros(2, 2))


def test_cosine_similarity_and_pairwise_distance_modules() -> None:
    a, b = tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]])
    np.testing.assert_allclose(nn.CosineSimilarity()(a, b).numpy(), [1 / math.sqrt(2)], rtol=1e-6)
    distance = nn.PairwiseDistance(p=1.0, eps=0.0, keepdim=True)(a, b)
    assert distance.shape == (1, 1) and distance.item() == 1.0


def test_multilabel_soft_margin_loss_averages_the_per_class_binary_cross_entropy() -> None:
    logits, targets = tg.tensor([[0.0, math.log(3)]]), tg.tensor([[1.0, 0.0]])
    # −½ [log σ(0) + log σ(−log 3)] = ½ [log 2 + log 4]
    expected = 0.5 * (math.log(2) + math.log(4))
    np.testing.assert_allclose(nn.MultiLabelSoftMarginLoss()(logits, targets).item(), expected, rtol=1e-6)
    weighted = nn.MultiLabelSoftMarginLoss(weight=tg.tensor([2.0, 0.0]))(logits, targets)
    np.testing.assert_allclose(weighted.item(), math.log(2), rtol=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.Linear(3, 2)(tg.zeros(4, 5)),
        lambda: F.linear(tg.zeros(4, 3), tg.zeros(2, 3), tg.zeros(3)),
        lambda: nn.LayerNorm(4)(tg.zeros(2, 5)),
        lambda: nn.BatchNorm1d(3)(tg.zeros(4, 2)),
        lambda: nn.MSELoss()(tg.zeros(3), tg.zeros(4)),
        lambda: nn.CrossEntropyLoss()(tg.zeros(3, 4), tg.tensor([0, 1])),
        lambda: nn.MarginRankingLoss()(tg.zeros(3), tg.zeros(2), tg.ones(3)),
    ],
)
def test_a_shape_mismatch_is_a_value_error_and_pytorchs_runtime_error(call) -> None:
    with pytest.raises(ValueError) as caught:
        call()
    assert isinstance(caught.value, RuntimeError)
