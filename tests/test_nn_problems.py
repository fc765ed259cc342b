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


def test_inplace_dropout_in_a_graph_returns_a_new_tensor_with_the_right_gradient() -> None:
    leaf = tg.ones(300, requires_grad=True)
    hidden = leaf * 1.0
    out = nn.Dropout(0.25, inplace=True)(hidden)
    out.sum().backward()
    np.testing.assert_array_equal(hidden.numpy(), np.ones(300, np.float32))
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


def test_load_state_dict_of_another_float_dtype_says_how_to_convert() -> None:
    layer = nn.Linear(2, 1)
    state = {"weight": tg.zeros(1, 2, dtype=tg.float64), "bias": tg.zeros(1)}
    with pytest.raises(
        RuntimeError, match=r"dtype float64 in the state, float32 in the model .*astype\('float32'\)"
    ):
        layer.load_state_dict(state)
