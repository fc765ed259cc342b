"""PyTorch parity, session 6 round 2: load_state_dict(assign=True), MultiLabelMarginLoss,
TripletMarginWithDistanceLoss, RuntimeError-compatible loss errors, top-level pixel_shuffle & co.

Reference numbers come from tests/fixtures/parity_round6b.npz (made by make_parity_round6b.py with
PyTorch); torch itself is never imported here.
"""

import subprocess
import sys

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F


# -- top-level rearrangements (torch.pixel_shuffle, torch.pixel_unshuffle, torch.channel_shuffle)
def test_top_level_rearrangements_are_the_functional_ones():
    assert tg.pixel_shuffle is F.pixel_shuffle
    assert tg.pixel_unshuffle is F.pixel_unshuffle
    assert tg.channel_shuffle is F.channel_shuffle
    x = tg.arange(32.0).reshape(1, 8, 2, 2)
    assert tg.pixel_shuffle(x, 2).shape == (1, 2, 4, 4)
    assert np.array_equal(tg.pixel_unshuffle(tg.pixel_shuffle(x, 2), 2).numpy(), x.numpy())
    assert tg.channel_shuffle(x, 2).shape == (1, 8, 2, 2)


def test_importing_the_package_does_not_load_nn_for_the_lazy_rearrangements():
    code = "import sys, tinygrad_adam; print('tinygrad_adam.nn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- loss errors that PyTorch raises as RuntimeError are RuntimeErrors here too (and keep their old type)
def test_cross_entropy_with_float_class_labels_is_a_type_error_and_a_runtime_error():
    logits = tg.randn(3, 4)
    for loss in (F.cross_entropy, F.nll_loss, tg.nn.MultiMarginLoss()):
        with pytest.raises(TypeError, match="integer"):
            loss(logits, tg.tensor([0.0, 1.0, 2.0]))
        with pytest.raises(RuntimeError, match="integer"):
            loss(logits, tg.tensor([0.0, 1.0, 2.0]))


def test_binary_cross_entropy_outside_the_unit_interval_is_a_value_error_and_a_runtime_error():
    probabilities = tg.tensor([0.5, 0.5])
    with pytest.raises(ValueError, match=r"input value must lie in \[0, 1\]"):
        F.binary_cross_entropy(tg.tensor([0.5, 1.5]), tg.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match=r"target value must lie in \[0, 1\]"):
        tg.nn.BCELoss()(probabilities, tg.tensor([0.0, 2.0]))


def test_class_weight_of_the_wrong_length_is_a_value_error_and_a_runtime_error():
    logits, labels = tg.randn(3, 4), tg.tensor([0, 1, 2])
    for loss in (
        tg.nn.CrossEntropyLoss(weight=tg.ones(3)),
        tg.nn.NLLLoss(weight=tg.ones(5)),
        tg.nn.MultiMarginLoss(weight=tg.ones(5)),
    ):
        with pytest.raises(ValueError, match="weight"):
            loss(logits, labels)
        with pytest.raises(RuntimeError, match="weight"):
            loss(logits, labels)


def test_class_weight_of_another_float_dtype_is_a_type_error_and_a_runtime_error():
    with pytest.raises(RuntimeError, match="float64"):
        F.cross_entropy(tg.randn(3, 4), tg.tensor([0, 1, 2]), weight=tg.ones(4, dtype=tg.float64))
    with pytest.raises(TypeError, match="float64"):
        F.cross_entropy(tg.randn(3, 4), tg.tensor([0, 1, 2]), weight=tg.ones(4, dtype=tg.float64))


# -- Module.load_state_dict(assign=True), PyTorch's: the state's tensors become the module's
def _model() -> tg.nn.Module:
    return tg.nn.Sequential(tg.nn.Linear(2, 3), tg.nn.BatchNorm1d(3))


def test_load_state_dict_with_assign_makes_the_state_tensors_the_parameters_and_buffers():
    model = _model()
    model[0].bias.requires_grad_(False)
    state = {name: tg.randn(*value.shape) if value.dtype.kind == "f" else value for name, value in
             model.state_dict().items()}  # fmt: skip
    assert str(model.load_state_dict(state, assign=True)) == "<All keys matched successfully>"
    weight, bias = model[0].weight, model[0].bias
    assert isinstance(weight, tg.nn.Parameter) and isinstance(bias, tg.nn.Parameter)
    assert weight.requires_grad and not bias.requires_grad  # each keeps the old parameter's flag
    assert model[1].running_mean is state["1.running_mean"]  # a buffer is the given tensor itself
    assert weight._data is state["0.weight"]._data  # no copy: the Parameter holds the state's array
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    model(tg.randn(4, 2)).sum().backward()
    assert weight.grad is not None and bias.grad is None


def test_load_state_dict_with_assign_uses_a_given_parameter_and_gives_it_the_old_flag():
    model = tg.nn.Linear(2, 3)
    weight = tg.nn.Parameter(tg.ones(3, 2), requires_grad=False)
    model.load_state_dict({"weight": weight, "bias": tg.zeros(3)}, assign=True)
    assert model.weight is weight and weight.requires_grad


def test_load_state_dict_with_assign_takes_the_state_dtype_as_pytorch_does():
    model = tg.nn.Linear(2, 3)
    state = {name: value.astype(tg.float64) for name, value in model.state_dict().items()}
    model.load_state_dict(state, assign=True)  # nothing is cast, so nothing is cast silently
    assert model.weight.dtype == tg.float64 and model.bias.dtype == tg.float64
    with pytest.raises(RuntimeError, match="float64"):  # copying into float32 still refuses float64
        tg.nn.Linear(2, 3).load_state_dict(state)


def test_load_state_dict_with_assign_puts_numpy_arrays_on_the_parameter_device():
    model = tg.nn.Linear(2, 3)
    device = model.weight.device
    weight = np.arange(6, dtype=np.float32).reshape(3, 2)
    model.load_state_dict({"weight": weight, "bias": np.zeros(3, np.float32)}, assign=True)
    assert isinstance(model.weight, tg.nn.Parameter) and model.weight.device == device
    assert np.array_equal(model.weight.numpy(), weight)


def test_load_state_dict_with_assign_that_fails_changes_nothing():
    model = _model()
    before = dict(model.state_dict(keep_vars=True))
    good = {name: value.clone() for name, value in model.state_dict().items()}
    bad_shape = {**good, "0.weight": tg.zeros(2, 2)}
    missing = {name: value for name, value in good.items() if name != "0.bias"}
    integer_weight = {**good, "0.weight": tg.zeros(3, 2, dtype=tg.int64)}
    for state, problem in ((bad_shape, "shape"), (missing, "missing"), (integer_weight, "int64")):
        with pytest.raises(RuntimeError, match=problem):
            model.load_state_dict(state, assign=True)
        assert all(model.state_dict(keep_vars=True)[name] is tensor for name, tensor in before.items())


def test_load_state_dict_with_assign_and_strict_false_reports_the_missing_keys():
    model = tg.nn.Linear(2, 3)
    old_bias = model.bias
    result = model.load_state_dict({"weight": tg.zeros(3, 2)}, strict=False, assign=True)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == []
    assert model.bias is old_bias and np.array_equal(model.weight.numpy(), np.zeros((3, 2), np.float32))
