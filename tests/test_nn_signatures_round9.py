"""Every ``tg.nn`` module class's constructor and ``tg.nn.functional`` function takes PyTorch 2.13's
signature (names, order, defaults, positional or keyword-only), so that a PyTorch call, positional or
keyword, means the same here; and the losses' legacy ``size_average``/``reduce`` map to
``reduction`` as PyTorch's ``_Reduction.legacy_get_string``, with its warning.

Fixture: tests/fixtures/make_nn_signatures_round9.py (``nn_signatures_round9.json``).
"""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F
from tinygrad_adam import nn

RECORDED = json.loads((Path(__file__).parent / "fixtures" / "nn_signatures_round9.json").read_text())
EMPTY = repr(inspect.Parameter.empty)
ARGS_KWARGS = [["args", "VAR_POSITIONAL"], ["kwargs", "VAR_KEYWORD"]]

# Deliberate differences, each with its reason (ours, as written below, is checked instead).
DOCUMENTED_RNN = {  # PyTorch's RNN/LSTM/GRU take (*args, **kwargs) behind typing overloads; ours spell
    # out the arguments its documentation lists, in that order
    "RNN": "input_size hidden_size num_layers nonlinearity bias batch_first dropout bidirectional",
    "LSTM": "input_size hidden_size num_layers bias batch_first dropout bidirectional proj_size",
    "GRU": "input_size hidden_size num_layers bias batch_first dropout bidirectional",
}
EXCEPTIONS = {
    # the name of Sequential's *args cannot be passed by keyword, so only its kind matters
    "torch.nn.Sequential": "(*modules): the same single var-positional parameter",
    # a private base class: ours takes the gate count as a mode name, PyTorch's as num_chunks
    "torch.nn.RNNCellBase": "internal base class (RNNCell/LSTMCell/GRUCell match PyTorch)",
}


def ours_for(qualified: str) -> Any:
    module_path, name = qualified.rsplit(".", 1)
    return getattr(F if module_path == "torch.nn.functional" else nn, name, None)


def our_parameters(value: Any) -> list[list[str]]:
    target = value.__init__ if inspect.isclass(value) else value
    parameters = list(inspect.signature(target).parameters.values())
    if inspect.isclass(value):
        parameters = parameters[1:]  # self
    return [[p.name, p.kind.name, repr(p.default)] for p in parameters]


def same_default(ours: str, theirs: str) -> bool:
    """Defaults compare as values (our 0.0 is PyTorch's 0), else by their repr."""
    try:
        return ast.literal_eval(ours) == ast.literal_eval(theirs)
    except (ValueError, SyntaxError):
        return ours == theirs


SHARED = sorted(name for name in RECORDED if name.startswith("torch.") and ours_for(name) is not None)


def test_the_fixture_covers_pytorchs_namespace_and_most_of_ours() -> None:
    assert RECORDED["torch_version"].startswith("2.13")
    assert len(SHARED) > 250  # every nn class and functional function we share with PyTorch


@pytest.mark.parametrize("qualified", SHARED)
def test_signature_is_pytorchs(qualified: str) -> None:
    if qualified in EXCEPTIONS:
        pytest.skip(EXCEPTIONS[qualified])
    name = qualified.rsplit(".", 1)[1]
    ours = our_parameters(ours_for(qualified))
    theirs = RECORDED[qualified]["parameters"]
    if [p[:2] for p in theirs] == ARGS_KWARGS and qualified.startswith("torch.nn.") and name[0].isupper():
        if name in DOCUMENTED_RNN:
            assert [p[0] for p in ours] == [*DOCUMENTED_RNN[name].split(), "device", "dtype"]
            assert all(p[1] == "POSITIONAL_OR_KEYWORD" for p in ours)
        else:  # Module.__init__(*args, **kwargs) only refuses arguments; Identity's ignores them
            assert [p[:2] for p in ours] in ([], ARGS_KWARGS)
        return
    assert [p[:2] for p in ours[: len(theirs)]] == [p[:2] for p in theirs]
    for (parameter, _, our_default), (_, _, their_default) in zip(ours, theirs):
        if their_default.startswith("<function relu"):  # Transformer*: PyTorch's F.relu, ours "relu"
            assert our_default == "'relu'", parameter
            continue
        assert same_default(our_default, their_default), (parameter, our_default, their_default)
    for parameter, kind, default in ours[len(theirs) :]:  # our extras: after PyTorch's, never required
        assert kind == "KEYWORD_ONLY" or default != EMPTY or kind.startswith("VAR_"), parameter


def test_the_exceptions_are_still_needed() -> None:
    """A listed exception whose signature now matches PyTorch's should leave the list."""
    for qualified in EXCEPTIONS:
        assert our_parameters(ours_for(qualified)) != RECORDED[qualified]["parameters"], qualified


# -------------------------------------------------------------------------------------------------
# Legacy size_average / reduce (PyTorch's _Reduction.legacy_get_string)

LEGACY = [  # (size_average, reduce) -> reduction, as PyTorch maps them
    (None, False, "none"),
    (True, False, "none"),
    (False, False, "none"),
    (False, None, "sum"),
    (False, True, "sum"),
    (True, None, "mean"),
    (None, True, "mean"),
    (True, True, "mean"),
]
WARNING = "size_average and reduce args will be deprecated, please use reduction='{}' instead."


def regression_pair() -> tuple[tg.Tensor, tg.Tensor]:
    rng = np.random.default_rng(0)
    return tg.tensor(rng.standard_normal((3, 4))), tg.tensor(rng.standard_normal((3, 4)))


@pytest.mark.parametrize(("size_average", "reduce", "reduction"), LEGACY)
def test_legacy_arguments_give_the_reduction_they_map_to_with_pytorchs_warning(
    size_average: bool | None, reduce: bool | None, reduction: str
) -> None:
    x, y = regression_pair()
    expected = F.mse_loss(x, y, reduction=reduction).numpy()
    with pytest.warns(UserWarning, match=WARNING.format(reduction).replace("(", r"\(").replace(")", r"\)")):
        module = nn.MSELoss(size_average, reduce)
    assert module.reduction == reduction
    np.testing.assert_array_equal(module(x, y).numpy(), expected)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        functional = F.mse_loss(x, y, size_average, reduce)
    np.testing.assert_array_equal(functional.numpy(), expected)


def test_kl_div_with_legacy_arguments_warns_only_the_legacy_warning_as_pytorch() -> None:
    x, y = loss_inputs("log_probabilities")
    with pytest.warns(UserWarning) as caught:
        legacy = F.kl_div(x, y, True)
    assert [str(w.message) for w in caught] == [WARNING.format("mean")]
    with pytest.warns(UserWarning, match="batchmean"):
        np.testing.assert_array_equal(legacy.numpy(), F.kl_div(x, y).numpy())


def test_old_codes_mse_loss_size_average_false_is_the_sum() -> None:
    x, y = regression_pair()
    with pytest.warns(UserWarning, match="reduction='sum'"):
        loss = nn.MSELoss(size_average=False)(x, y)
    np.testing.assert_allclose(loss.item(), ((x - y) ** 2).sum().item(), rtol=1e-12)


def test_legacy_arguments_override_reduction_as_in_pytorch() -> None:
    x, y = regression_pair()
    with pytest.warns(UserWarning, match="reduction='none'"):
        loss = F.l1_loss(x, y, reduce=False, reduction="sum")
    assert loss.shape == (3, 4)


def test_no_warning_without_legacy_arguments(recwarn: pytest.WarningsRecorder) -> None:
    x, y = regression_pair()
    nn.MSELoss()(x, y)
    nn.CrossEntropyLoss(None, None, 1)(x, tg.tensor([0, 1, 2]))
    F.smooth_l1_loss(x, y, None, None, "sum")
    assert not [w for w in recwarn if "size_average" in str(w.message)]


def test_positional_calls_put_each_value_where_pytorch_does() -> None:
    logits = tg.tensor(np.random.default_rng(1).standard_normal((4, 3)))
    labels = tg.tensor([0, 1, 2, 1])
    weight = tg.tensor([1.0, 2.0, 0.5], dtype=tg.float64)
    module = nn.CrossEntropyLoss(weight, None, 1)  # weight, size_average, ignore_index
    assert module.ignore_index == 1 and module.reduction == "mean"
    keyword = F.cross_entropy(logits, labels, weight=weight, ignore_index=1)
    np.testing.assert_array_equal(module(logits, labels).numpy(), keyword.numpy())
    log_probabilities = logits.log_softmax(dim=1)
    positional = F.nll_loss(log_probabilities, labels, weight, None, 2, None, "sum")
    np.testing.assert_array_equal(
        positional.numpy(),
        F.nll_loss(log_probabilities, labels, weight, ignore_index=2, reduction="sum").numpy(),
    )
    assert nn.NLLLoss(weight, None, -1).ignore_index == -1
    poisson = nn.PoissonNLLLoss(True, False, None, 0.5)  # log_input, full, size_average, eps
    assert poisson.eps == 0.5 and poisson.reduction == "mean"
    assert nn.SmoothL1Loss(None, None, "sum", 0.5).beta == 0.5
    assert nn.KLDivLoss(None, None, "batchmean", True).log_target is True


LEGACY_MODULES = [
    (lambda **kw: nn.L1Loss(**kw), "regression"),
    (lambda **kw: nn.SmoothL1Loss(**kw), "regression"),
    (lambda **kw: nn.SoftMarginLoss(**kw), "signs"),
    (lambda **kw: nn.BCEWithLogitsLoss(**kw), "probabilities"),
    (lambda **kw: nn.BCELoss(**kw), "probabilities"),
    (lambda **kw: nn.MultiLabelSoftMarginLoss(**kw), "probabilities"),
    (lambda **kw: nn.HingeEmbeddingLoss(**kw), "signs"),
    (lambda **kw: nn.KLDivLoss(**kw), "log_probabilities"),
    (lambda **kw: nn.PoissonNLLLoss(**kw), "regression"),
    (lambda **kw: nn.NLLLoss(**kw), "labels"),
    (lambda **kw: nn.CrossEntropyLoss(**kw), "labels"),
    (lambda **kw: nn.MultiMarginLoss(**kw), "labels"),
]


def loss_inputs(kind: str) -> tuple[tg.Tensor, tg.Tensor]:
    rng = np.random.default_rng(2)
    x = tg.tensor(rng.standard_normal((4, 3)))
    if kind == "regression":
        return x, tg.tensor(rng.standard_normal((4, 3)))
    if kind == "signs":
        return x, tg.tensor(np.sign(rng.standard_normal((4, 3))))
    if kind == "probabilities":
        return x.sigmoid(), tg.tensor(rng.uniform(size=(4, 3)))
    if kind == "log_probabilities":
        return x.log_softmax(dim=1), tg.tensor(rng.uniform(size=(4, 3)))
    return x.log_softmax(dim=1), tg.tensor([0, 2, 1, 2])


@pytest.mark.parametrize(
    ("size_average", "reduce", "reduction"), [(False, None, "sum"), (None, False, "none")]
)
@pytest.mark.parametrize("index", range(len(LEGACY_MODULES)))
def test_every_loss_with_legacy_arguments_equals_the_reduction_they_map_to(
    index: int, size_average: bool | None, reduce: bool | None, reduction: str
) -> None:
    make, kind = LEGACY_MODULES[index]
    prediction, target = loss_inputs(kind)
    with pytest.warns(UserWarning, match=f"reduction='{reduction}'"):
        legacy = make(size_average=size_average, reduce=reduce)
    assert legacy.reduction == reduction
    np.testing.assert_array_equal(
        legacy(prediction, target).numpy(), make(reduction=reduction)(prediction, target).numpy()
    )


FUNCTIONAL_LEGACY = [
    lambda x, y, **kw: F.l1_loss(x, y, **kw),
    lambda x, y, **kw: F.smooth_l1_loss(x, y, **kw),
    lambda x, y, **kw: F.soft_margin_loss(x, y.sign(), **kw),
    lambda x, y, **kw: F.binary_cross_entropy(x.sigmoid(), y.sigmoid(), **kw),
    lambda x, y, **kw: F.binary_cross_entropy_with_logits(x, y.sigmoid(), **kw),
    lambda x, y, **kw: F.kl_div(x.log_softmax(dim=1), y.softmax(dim=1), **kw),
    lambda x, y, **kw: F.poisson_nll_loss(x, y.abs(), **kw),
    lambda x, y, **kw: F.hinge_embedding_loss(x, y.sign(), **kw),
    lambda x, y, **kw: F.margin_ranking_loss(x, y, y.sign(), **kw),
    lambda x, y, **kw: F.cosine_embedding_loss(x, y, tg.tensor([1.0, -1.0, 1.0], dtype=x.dtype), **kw),
    lambda x, y, **kw: F.triplet_margin_loss(x, y, -y, **kw),
    lambda x, y, **kw: F.multilabel_soft_margin_loss(x, (y > 0).astype(x.dtype), **kw),
    lambda x, y, **kw: F.multilabel_margin_loss(x, tg.tensor([[1, -1, 0, 0]] * 3), **kw),
    lambda x, y, **kw: F.multi_margin_loss(x, tg.tensor([0, 3, 1]), **kw),
    lambda x, y, **kw: F.nll_loss(x.log_softmax(dim=1), tg.tensor([0, 3, 1]), **kw),
    lambda x, y, **kw: F.cross_entropy(x, tg.tensor([0, 3, 1]), **kw),
]


@pytest.mark.parametrize("index", range(len(FUNCTIONAL_LEGACY)))
def test_every_functional_loss_maps_legacy_arguments(index: int) -> None:
    x, y = regression_pair()
    loss = FUNCTIONAL_LEGACY[index]
    with pytest.warns(UserWarning, match="reduction='sum'"):
        legacy = loss(x, y, size_average=False)
    np.testing.assert_array_equal(legacy.numpy(), loss(x, y, reduction="sum").numpy())


# -------------------------------------------------------------------------------------------------
# The other arguments the audit added


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_mse_and_l1_weight_is_pytorch_2_13s_weighted_mean(name: str) -> None:
    x, y = regression_pair()
    weight = tg.tensor(np.linspace(0.5, 2.0, 12).reshape(3, 4))
    loss = getattr(F, name)
    elementwise = loss(x, y, reduction="none").numpy() * weight.numpy()
    np.testing.assert_allclose(loss(x, y, weight=weight).item(), elementwise.sum() / weight.numpy().sum())
    np.testing.assert_allclose(loss(x, y, reduction="sum", weight=weight).item(), elementwise.sum())
    np.testing.assert_allclose(loss(x, y, reduction="none", weight=weight).numpy(), elementwise)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        loss(x, y, weight=tg.ones(4, dtype=tg.float64))


@pytest.mark.parametrize(("shape", "axis"), [((5,), 0), ((2, 5), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_without_dim_picks_pytorchs_implicit_axis_and_warns(
    name: str, shape: tuple[int, ...], axis: int
) -> None:
    x = tg.tensor(np.random.default_rng(3).standard_normal(shape))
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated"):
        implicit = getattr(F, name)(x)
    np.testing.assert_array_equal(implicit.numpy(), getattr(F, name)(x, axis).numpy())
    module = {"softmax": nn.Softmax, "log_softmax": nn.LogSoftmax, "softmin": nn.Softmin}[name]()
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        np.testing.assert_array_equal(module(x).numpy(), implicit.numpy())


def test_hardtanh_takes_pytorchs_deprecated_min_value_and_max_value() -> None:
    with pytest.warns(FutureWarning) as caught:
        layer = nn.Hardtanh(min_value=-0.5, max_value=2.0)
    assert [str(w.message) for w in caught] == [
        "keyword argument `min_value` is deprecated and renamed to `min_val`",
        "keyword argument `max_value` is deprecated and renamed to `max_val`",
    ]
    assert (layer.min_val, layer.max_val) == (-0.5, 2.0)
    np.testing.assert_array_equal(layer(tg.tensor([-3.0, 0.25, 3.0])).numpy(), [-0.5, 0.25, 2.0])


def test_embedding_takes_pytorchs_private_weight_and_freeze_and_positional_factory_arguments() -> None:
    table = tg.tensor(np.arange(6.0).reshape(3, 2))
    layer = nn.Embedding(3, 2, None, None, 2.0, False, False, table, True)
    assert layer.weight.requires_grad is False
    np.testing.assert_array_equal(layer(tg.tensor([2, 0])).numpy(), [[4.0, 5.0], [0.0, 1.0]])
    table[0, 0] = 10.0  # shared as PyTorch's Parameter(_weight)
    assert layer.weight.numpy()[0, 0] == 10.0
    with pytest.raises(AssertionError, match="Shape of weight does not match"):
        nn.Embedding(4, 2, _weight=table)
    assert (
        nn.Embedding(3, 2, None, None, 2.0, False, False, None, False, None, tg.float64).weight.dtype
        == tg.float64
    )


def test_prelu_and_lazy_convolutions_take_device_then_dtype_positionally() -> None:
    assert nn.PReLU(2, 0.1, None, tg.float64).weight.dtype == tg.float64
    lazy = nn.LazyConv2d(4, 3, 1, 1, 1, 2, False, "zeros", None, tg.float64)
    output = lazy(tg.zeros(1, 6, 5, 5, dtype=tg.float64))
    assert output.shape == (1, 4, 5, 5) and lazy.weight.shape == (4, 3, 3, 3) and lazy.bias is None
    transposed = nn.LazyConvTranspose1d(2, 3, 2, 0, 1, 1, True, 1, "zeros", None, tg.float64)
    assert transposed(tg.zeros(1, 3, 4, dtype=tg.float64)).shape == (1, 2, 10)


def test_normalize_refuses_an_out_tensor_naming_it() -> None:
    x = tg.tensor([[3.0, 4.0]])
    np.testing.assert_allclose(F.normalize(x, 2.0, 1, 1e-12, None).numpy(), [[0.6, 0.8]])
    with pytest.raises(TypeError, match="out="):
        F.normalize(x, out=tg.zeros(1, 2))
