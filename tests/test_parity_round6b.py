"""PyTorch parity, session 6 round 2: load_state_dict(assign=True), MultiLabelMarginLoss,
TripletMarginWithDistanceLoss, RuntimeError-compatible loss errors, top-level pixel_shuffle & co.

Reference numbers come from tests/fixtures/parity_round6b.npz (made by make_parity_round6b.py with
PyTorch); torch itself is never imported here.
"""

import subprocess
import sys
from pathlib import Path

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
    model.load_state_dict(state, assign=True)  # the state's tensors themselves: nothing is cast
    assert model.weight.dtype == tg.float64 and model.bias.dtype == tg.float64
    copied = tg.nn.Linear(2, 3)
    copied.load_state_dict(state)  # copying casts to the model's dtype, as PyTorch's param.copy_
    assert copied.weight.dtype == tg.float32


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


# -- MultiLabelMarginLoss and TripletMarginWithDistanceLoss against PyTorch
REFERENCE = np.load(Path(__file__).parent / "fixtures" / "parity_round6b.npz")
REDUCTIONS = ("none", "mean", "sum")


def _check_against_reference(prefix: str, compute, names: tuple[str, ...], rtol: float) -> None:
    """Each reduction's loss and the gradients of its sum match PyTorch's, stored under ``prefix``."""
    for reduction in REDUCTIONS:
        inputs = {name: tg.tensor(REFERENCE[f"{prefix}/{name}"]) for name in names}
        for name in names:
            if inputs[name].dtype.kind == "f":
                inputs[name].requires_grad_(True)
        loss = compute(inputs, reduction)
        np.testing.assert_allclose(loss.numpy(), REFERENCE[f"{prefix}/{reduction}"], rtol=rtol, atol=rtol)
        loss.sum().backward()
        for name, tensor in inputs.items():
            if tensor.requires_grad:
                expected = REFERENCE[f"{prefix}/{reduction}/grad_{name}"]
                np.testing.assert_allclose(tensor.grad.numpy(), expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize(("prefix", "rtol"), [("multilabel_float32", 1e-6), ("multilabel_float64", 1e-12),
                                              ("multilabel_vector", 1e-6)])  # fmt: skip
def test_multilabel_margin_loss_matches_pytorch_values_and_gradients(prefix, rtol):
    # The rows hold -1 padding, duplicates, labels after the first -1 (not counted), a row that starts
    # with -1 and a margin of exactly 0 (no gradient there, as in PyTorch).
    _check_against_reference(
        prefix,
        lambda t, r: F.multilabel_margin_loss(t["input"], t["target"], reduction=r),
        ("input", "target"),
        rtol,
    )
    module = tg.nn.MultiLabelMarginLoss(reduction="sum")
    loss = module(tg.tensor(REFERENCE[f"{prefix}/input"]), tg.tensor(REFERENCE[f"{prefix}/target"]))
    np.testing.assert_allclose(loss.numpy(), REFERENCE[f"{prefix}/sum"], rtol=rtol)


def test_multilabel_margin_loss_checks_shapes_labels_and_dtypes_as_pytorch():
    scores, labels = tg.randn(3, 4), tg.tensor([[3, 0, -1, 1], [1, 2, 3, -1], [-1, 0, 1, 2]])
    with pytest.raises(RuntimeError, match="target shape"):
        F.multilabel_margin_loss(scores, labels[:, :3])
    with pytest.raises(RuntimeError, match="non-empty vector"):
        F.multilabel_margin_loss(tg.randn(2, 3, 4), tg.zeros(2, 3, 4, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="non-empty vector"):
        F.multilabel_margin_loss(tg.randn(3, 0), tg.zeros(3, 0, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="integers"):
        F.multilabel_margin_loss(scores, labels.astype(tg.float32))
    for bad in (4, -2):  # checked in every slot, after the first -1 too, as PyTorch does
        with pytest.raises(RuntimeError, match=str(bad)):
            F.multilabel_margin_loss(scores, tg.tensor([[0, -1, bad, 1], [1, 2, 3, -1], [-1, 0, 1, 2]]))
    with pytest.raises(ValueError, match="reduction"):
        F.multilabel_margin_loss(scores, labels, reduction="bad")


def test_multilabel_margin_loss_of_an_empty_batch_and_of_a_scalar_follows_pytorch():
    empty = F.multilabel_margin_loss(tg.randn(0, 4), tg.zeros(0, 4, dtype=tg.int64))
    assert empty.shape == () and empty.item() == 0.0
    assert F.multilabel_margin_loss(
        tg.randn(0, 4), tg.zeros(0, 4, dtype=tg.int64), reduction="none"
    ).shape == (0,)
    assert F.multilabel_margin_loss(tg.tensor(0.3), tg.tensor(-1)).item() == 0.0  # a 0-d input is one class


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_triplet_margin_with_distance_loss_matches_pytorch_with_the_default_distance(swap, margin):
    names = ("anchor", "positive", "negative")
    _check_against_reference(
        f"triplet_swap{int(swap)}_margin{margin}",
        lambda t, r: F.triplet_margin_with_distance_loss(
            *(t[n] for n in names), margin=margin, swap=swap, reduction=r
        ),
        names,
        1e-12,
    )
    _check_against_reference(
        f"triplet_swap{int(swap)}_margin{margin}",
        lambda t, r: tg.nn.TripletMarginWithDistanceLoss(margin=margin, swap=swap, reduction=r)(
            *(t[n] for n in names)
        ),
        names,
        1e-12,
    )


def test_triplet_margin_with_distance_loss_takes_any_distance_function_and_single_triplets():
    names = ("anchor", "positive", "negative")

    def cosine_distance(x: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
        return 1.0 - F.cosine_similarity(x, y)

    def with_cosine(t: dict, reduction: str) -> tg.Tensor:
        loss = tg.nn.TripletMarginWithDistanceLoss(
            distance_function=cosine_distance, swap=True, reduction=reduction
        )
        assert loss.distance_function is cosine_distance
        return loss(*(t[n] for n in names))

    def single(t: dict, reduction: str) -> tg.Tensor:
        return F.triplet_margin_with_distance_loss(*(t[n] for n in names), reduction=reduction)

    _check_against_reference("triplet_cosine", with_cosine, names, 1e-12)
    _check_against_reference("triplet_vector", single, names, 1e-6)


def test_triplet_margin_with_distance_loss_checks_its_arguments_as_pytorch():
    x = tg.randn(3, 4)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_with_distance_loss(x, x, x[0])
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        F.triplet_margin_with_distance_loss(x, x, x, margin=0.0)
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        tg.nn.TripletMarginWithDistanceLoss(margin=-1.0)
    with pytest.raises(TypeError):
        F.triplet_margin_with_distance_loss(x, x, x, x)  # everything after the three tensors is keyword-only
    assert isinstance(tg.nn.TripletMarginWithDistanceLoss().distance_function, tg.nn.PairwiseDistance)


def test_multi_margin_loss_is_in_the_functional_namespace_as_in_pytorch():
    scores, labels = tg.randn(4, 5), tg.tensor([0, 4, 2, 2])
    expected = tg.nn.MultiMarginLoss(p=2, margin=0.5, reduction="sum")(scores, labels)
    got = F.multi_margin_loss(scores, labels, p=2, margin=0.5, reduction="sum")
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)
    assert "multi_margin_loss" in F.__all__


def test_a_weight_that_does_not_broadcast_is_a_value_error_and_a_runtime_error():
    probabilities, targets = tg.rand(3, 4), tg.rand(3, 4)
    for call in (
        lambda: F.binary_cross_entropy(probabilities, targets, weight=tg.ones(3)),
        lambda: F.binary_cross_entropy_with_logits(probabilities, targets, pos_weight=tg.ones(3)),
        lambda: F.multilabel_soft_margin_loss(probabilities, targets, weight=tg.ones(3)),
    ):
        with pytest.raises(RuntimeError, match="does not broadcast"):
            call()
        with pytest.raises(ValueError, match="does not broadcast"):
            call()


def test_a_multi_margin_label_out_of_range_is_pytorchs_runtime_error_and_still_an_index_error() -> None:
    scores, labels = tg.randn(3, 4), tg.tensor([0, 1, 7])
    for expected in (RuntimeError, IndexError, ValueError):
        with pytest.raises(expected, match=r"labels must lie in \[0, 4\).*got 7"):
            F.multi_margin_loss(scores, labels)
