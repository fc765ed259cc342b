"""Optimizer bookkeeping: checkpoints that resume bit for bit, groups, skipped parameters, errors,
and learning-rate schedules equal to PyTorch's (tests/fixtures/lr_schedules.json)."""

from __future__ import annotations

import copy
import inspect
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.optim import lr_scheduler

OPTIM = tg.optim
EVERY_OPTIMIZER = [
    (OPTIM.SGD, dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    (OPTIM.Momentum, dict(lr=0.05, nesterov=True)),
    (OPTIM.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (OPTIM.Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    (OPTIM.Adadelta, dict(weight_decay=0.01)),
    (OPTIM.Adam, dict(lr=0.01, amsgrad=True)),
    (OPTIM.AdamW, dict(lr=0.01)),
    (OPTIM.Adamax, dict(lr=0.01)),
    (OPTIM.NAdam, dict(lr=0.01)),
    (OPTIM.RAdam, dict(lr=0.01)),
    (OPTIM.AdaBound, dict(lr=0.01, amsbound=True)),
    (OPTIM.Lion, dict(lr=0.001, weight_decay=0.1)),
]
IDS = [cls.__name__ for cls, _ in EVERY_OPTIMIZER]


def regression_data() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(7)
    X = rng.standard_normal((16, 4)).astype(np.float32)  # noqa: N806
    Y = rng.standard_normal((16, 3)).astype(np.float32)  # noqa: N806
    W = (0.5 * rng.standard_normal((4, 3))).astype(np.float32)  # noqa: N806
    b = np.zeros(3, dtype=np.float32)
    return X, Y, W, b


def make_params(*arrays: np.ndarray) -> list[tg.Tensor]:
    return [tg.tensor(a.copy(), requires_grad=True) for a in arrays]


def train(optimizer: Any, params: list[tg.Tensor], X: np.ndarray, Y: np.ndarray, steps: int) -> None:  # noqa: N803
    X, Y = tg.tensor(X), tg.tensor(Y)  # noqa: N806
    W, b = params  # noqa: N806
    for _ in range(steps):
        optimizer.zero_grad()
        residual = X @ W + b - Y
        (residual * residual).mean().backward()
        optimizer.step()


def to_numpy_tree(value: Any) -> Any:
    """What a checkpoint file holds: every Tensor becomes a NumPy array, all else deep-copied."""
    if isinstance(value, tg.Tensor):
        return value.numpy().copy()
    if isinstance(value, dict):
        return {key: to_numpy_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_numpy_tree(item) for item in value)
    return copy.deepcopy(value)


# -------------------------------------------------------------------------------------------------
# Checkpoints


@pytest.mark.parametrize("through_numpy", [False, True], ids=["tensors", "numpy"])
@pytest.mark.parametrize(("cls", "kwargs"), EVERY_OPTIMIZER, ids=IDS)
def test_state_dict_round_trip_mid_training_resumes_bit_for_bit(
    cls: type, kwargs: dict, through_numpy: bool
) -> None:
    X, Y, W, b = regression_data()  # noqa: N806
    params = make_params(W, b)
    optimizer = cls(params, **kwargs)
    train(optimizer, params, X, Y, 20)
    uninterrupted = [p.numpy().copy() for p in params]

    params = make_params(W, b)
    optimizer = cls(params, **kwargs)
    train(optimizer, params, X, Y, 10)
    saved_params = [p.numpy().copy() for p in params]
    saved_state = optimizer.state_dict()
    if through_numpy:
        saved_state = to_numpy_tree(saved_state)
    train(optimizer, params, X, Y, 3)  # training on must not change the saved copy

    params = make_params(*saved_params)
    resumed = cls(params, lr=123.0)  # hyperparameters come back from the state dict
    resumed.load_state_dict(saved_state)
    train(resumed, params, X, Y, 10)
    for got, expected in zip(params, uninterrupted):
        assert np.array_equal(got.numpy(), expected)


def test_state_dict_has_pytorchs_layout_with_copies_of_the_state() -> None:
    W, b, c = make_params(np.ones((2, 2), np.float32), np.ones(2, np.float32), np.ones(3, np.float32))  # noqa: N806
    optimizer = OPTIM.Adam([{"params": [W, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    W.grad, c.grad = tg.ones(2, 2), tg.ones(3)  # b has no gradient: no state
    optimizer.step()
    state_dict = optimizer.state_dict()
    assert set(state_dict) == {"state", "param_groups"}
    assert [group["params"] for group in state_dict["param_groups"]] == [[0, 1], [2]]
    assert [group["lr"] for group in state_dict["param_groups"]] == [0.1, 0.5]
    assert state_dict["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(state_dict["state"]) == {0, 2}
    assert set(state_dict["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    saved = state_dict["state"][0]["exp_avg"].numpy().copy()
    optimizer.step()
    np.testing.assert_array_equal(state_dict["state"][0]["exp_avg"].numpy(), saved)


def test_load_state_dict_rejects_a_mismatched_state() -> None:
    W, b = make_params(np.ones((2, 2), np.float32), np.ones(2, np.float32))  # noqa: N806
    optimizer = OPTIM.SGD([W, b], lr=0.1, momentum=0.9)
    W.grad, b.grad = tg.ones(2, 2), tg.ones(2)
    optimizer.step()
    state_dict = to_numpy_tree(optimizer.state_dict())

    with pytest.raises(ValueError, match="2 parameters in the state dict but 1"):
        OPTIM.SGD(make_params(np.ones(2, np.float32)), lr=0.1).load_state_dict(state_dict)
    with pytest.raises(ValueError, match="1 parameter groups, this optimizer has 2"):
        OPTIM.SGD([{"params": [W]}, {"params": [b]}], lr=0.1).load_state_dict(state_dict)
    swapped = OPTIM.SGD(make_params(np.ones(2, np.float32), np.ones((2, 2), np.float32)), lr=0.1)
    with pytest.raises(ValueError, match="shape"):
        swapped.load_state_dict(state_dict)
    with pytest.raises(ValueError, match="'state'"):
        optimizer.load_state_dict({"param_groups": []})


def test_load_state_dict_of_another_optimizer_is_refused_naming_what_it_lacks() -> None:
    W, b = make_params(np.ones((2, 2), np.float32), np.ones(2, np.float32))  # noqa: N806
    sgd = OPTIM.SGD([W, b], lr=0.1, momentum=0.9)
    W.grad, b.grad = tg.ones(2, 2), tg.ones(2)
    sgd.step()
    adam = OPTIM.Adam([W, b])
    with pytest.raises(ValueError, match="lacks betas, eps.*Adam needs: was it saved from another optimizer"):
        adam.load_state_dict(sgd.state_dict())
    assert adam.param_groups[0]["betas"] == (0.9, 0.999) and not adam.state  # left as it was


def test_load_state_dict_checks_the_saved_hyperparameters() -> None:
    (param,) = make_params(np.ones(2, np.float32))
    optimizer = OPTIM.Adam([param])
    state_dict = optimizer.state_dict()
    state_dict["param_groups"][0]["betas"] = (0.9, 1.5)
    with pytest.raises(ValueError, match="beta"):
        optimizer.load_state_dict(state_dict)


# -------------------------------------------------------------------------------------------------
# Hyperparameters and parameters


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (OPTIM.SGD, dict(lr=-0.1), "lr"),
        (OPTIM.SGD, dict(momentum=-0.5), "momentum"),
        (OPTIM.SGD, dict(weight_decay=-1e-4), "weight_decay"),
        (OPTIM.SGD, dict(nesterov=True), "Nesterov"),
        (OPTIM.SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
        (OPTIM.SGD, dict(lr=True), "lr"),
        (OPTIM.SGD, dict(lr=float("nan")), "lr"),
        (OPTIM.Momentum, dict(momentum=-0.9), "momentum"),
        (OPTIM.RMSprop, dict(alpha=1.5), "alpha"),
        (OPTIM.RMSprop, dict(eps=-1e-8), "eps"),
        (OPTIM.RMSprop, dict(momentum=-0.1), "momentum"),
        (OPTIM.Adagrad, dict(lr_decay=-0.1), "lr_decay"),
        (OPTIM.Adagrad, dict(initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (OPTIM.Adagrad, dict(eps=-1e-10), "eps"),
        (OPTIM.Adadelta, dict(rho=1.1), "rho"),
        (OPTIM.Adadelta, dict(lr=-1.0), "lr"),
        (OPTIM.Adam, dict(betas=(1.0, 0.999)), "beta"),
        (OPTIM.Adam, dict(betas=(0.9, -0.1)), "beta"),
        (OPTIM.Adam, dict(betas=(0.9,)), "betas"),
        (OPTIM.Adam, dict(eps=-1e-8), "eps"),
        (OPTIM.Adam, dict(weight_decay=-0.01), "weight_decay"),
        (OPTIM.AdamW, dict(lr=-1e-3), "lr"),
        (OPTIM.Adamax, dict(betas=(0.9, 1.0)), "beta"),
        (OPTIM.NAdam, dict(momentum_decay=-1.0), "momentum_decay"),
        (OPTIM.RAdam, dict(eps=-1.0), "eps"),
        (OPTIM.AdaBound, dict(final_lr=-0.1), "final_lr"),
        (OPTIM.AdaBound, dict(gamma=1.0), "gamma"),
        (OPTIM.AdaBound, dict(gamma=0.0), "gamma"),
        (OPTIM.Lion, dict(betas=(0.9, 1.2)), "beta"),
        (OPTIM.Lion, dict(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_invalid_hyperparameters_raise_value_error_at_construction(
    cls: type, kwargs: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        cls(make_params(np.ones(2, np.float32)), **kwargs)


def test_invalid_hyperparameters_in_a_group_raise_value_error() -> None:
    a, b = make_params(np.ones(2, np.float32), np.ones(2, np.float32))
    with pytest.raises(ValueError, match="lr"):
        OPTIM.Adam([{"params": [a]}, {"params": [b], "lr": -1.0}])


def test_defaults_match_pytorch() -> None:
    (p,) = make_params(np.ones(2, np.float32))
    expected = {
        OPTIM.SGD: dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False),
        OPTIM.Momentum: dict(momentum=0.9),
        OPTIM.RMSprop: dict(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.0, centered=False),
        OPTIM.Adagrad: dict(lr=1e-2, lr_decay=0.0, initial_accumulator_value=0.0, eps=1e-10),
        OPTIM.Adadelta: dict(lr=1.0, rho=0.9, eps=1e-6),
        OPTIM.Adam: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False),
        OPTIM.AdamW: dict(lr=1e-3, weight_decay=1e-2, decoupled_weight_decay=True),
        OPTIM.Adamax: dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8),
        OPTIM.NAdam: dict(lr=2e-3, momentum_decay=4e-3, decoupled_weight_decay=False),
        OPTIM.RAdam: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8),
        OPTIM.AdaBound: dict(lr=1e-3, final_lr=0.1, gamma=1e-3, eps=1e-8, amsbound=False),
        OPTIM.Lion: dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0),
    }
    for cls, values in expected.items():
        group = cls([p]).param_groups[0]
        assert {key: group[key] for key in values} == values, cls.__name__


def test_pytorch_spellings_are_aliases() -> None:
    assert OPTIM.RMSprop is OPTIM.RMSProp
    assert OPTIM.Adagrad is OPTIM.AdaGrad
    assert OPTIM.Adadelta is OPTIM.AdaDelta


def test_parameters_must_be_float_leaf_tensors() -> None:
    (param,) = make_params(np.ones(2, np.float32))
    with pytest.raises(ValueError, match="empty parameter list"):
        OPTIM.Adam([])
    with pytest.raises(TypeError, match="single Tensor"):
        OPTIM.Adam(param)
    with pytest.raises(TypeError, match="only float tensors"):
        OPTIM.Adam([tg.tensor([1, 2])])
    with pytest.raises(ValueError, match="not a leaf"):
        OPTIM.Adam([param * 2])
    with pytest.raises(TypeError, match="ndarray"):
        OPTIM.Adam([np.ones(2)])
    with pytest.raises(ValueError, match="twice"):
        OPTIM.Adam([param, param])


@pytest.mark.parametrize("cls, kwargs", EVERY_OPTIMIZER, ids=lambda v: getattr(v, "__name__", ""))
def test_a_frozen_layer_is_accepted_and_skipped_until_unfrozen(cls: type, kwargs: dict) -> None:
    # PyTorch's fine-tuning idiom: freeze a layer, then pass model.parameters() to the optimizer.
    model = tg.nn.Sequential(tg.nn.Dense(3, 4, activation="tanh"), tg.nn.Dense(4, 2))
    frozen, trained = model[0], model[1]
    frozen.requires_grad_(False)
    optimizer = cls(model.parameters(), **kwargs)
    x, y = tg.randn(5, 3), tg.randn(5, 2)
    before = [p.numpy().copy() for p in frozen.parameters()]
    for _ in range(3):
        optimizer.zero_grad()
        tg.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
    assert all(np.array_equal(p.numpy(), b) for p, b in zip(frozen.parameters(), before))
    assert not any(optimizer.state.get(p) for p in frozen.parameters())
    assert all(optimizer.state[p] for p in trained.parameters())
    frozen.requires_grad_(True)  # unfreezing: the same optimizer now trains it too
    optimizer.zero_grad()
    tg.nn.functional.mse_loss(model(x), y).backward()
    optimizer.step()
    assert not np.array_equal(frozen.weight.numpy(), before[0])


def test_a_read_only_host_array_is_refused_as_a_parameter() -> None:
    frozen = np.ones(2, np.float32)
    frozen.flags.writeable = False
    param = tg.from_numpy(frozen).requires_grad_()  # shares the read-only memory (CPU)
    with pytest.raises(ValueError, match="read-only"):
        OPTIM.SGD([param], lr=0.1)


def test_a_parameter_may_not_sit_in_two_groups() -> None:
    a, b = make_params(np.ones(2, np.float32), np.ones(2, np.float32))
    optimizer = OPTIM.SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optimizer.add_param_group({"params": [b, a]})
    optimizer.add_param_group({"params": [b], "lr": 0.5})
    assert [group["lr"] for group in optimizer.param_groups] == [0.1, 0.5]
    assert optimizer.param_groups[1]["momentum"] == 0.0  # missing hyperparameters come from the defaults


def test_param_groups_use_their_own_learning_rates() -> None:
    a, b = make_params(np.ones(3, np.float32), np.ones(3, np.float32))
    optimizer = OPTIM.SGD([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1)
    a.grad, b.grad = tg.ones(3), tg.ones(3)
    optimizer.step()
    np.testing.assert_allclose(a.numpy(), 0.9, rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), 0.99, rtol=1e-6)


def test_parameters_without_a_gradient_are_skipped() -> None:
    a, b = make_params(np.ones(3, np.float32), np.full(3, 2.0, np.float32))
    optimizer = OPTIM.Adam([a, b], lr=0.1)
    a.grad = tg.ones(3)
    optimizer.step()
    optimizer.step()
    np.testing.assert_array_equal(b.numpy(), 2.0)
    assert b not in optimizer.state or not optimizer.state[b]
    assert optimizer.state[a]["step"] == 2
    b.grad = tg.ones(3)
    optimizer.step()
    assert optimizer.state[b]["step"] == 1 and optimizer.state[a]["step"] == 3


def test_zero_grad_sets_none_or_zeros() -> None:
    a, b = make_params(np.ones(3, np.float32), np.ones(2, np.float32))
    optimizer = OPTIM.SGD([a, b], lr=0.1)
    (a.sum() + b.sum()).backward()
    optimizer.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(a.grad.numpy(), np.zeros(3))
    assert b.grad.shape == (2,)
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None


def test_step_with_a_closure_re_evaluates_the_loss_with_gradients_on() -> None:
    (w,) = make_params(np.array([3.0], np.float32))
    optimizer = OPTIM.SGD([w], lr=0.25)

    def closure() -> tg.Tensor:
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with tg.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == pytest.approx(9.0)
    assert w.item() == pytest.approx(3.0 - 0.25 * 6.0)
    with pytest.raises(TypeError, match="callable"):
        optimizer.step(closure=1.0)


def test_step_marks_parameters_changed_so_stale_graphs_refuse_backward() -> None:
    (w,) = make_params(np.array([1.0, 2.0], np.float32))
    optimizer = OPTIM.SGD([w], lr=0.1)
    loss = (w * w).sum()
    w.grad = tg.ones(2)
    version = w._version
    optimizer.step()
    assert w._version == version + 1
    with pytest.raises(RuntimeError, match="modified"):
        loss.backward()


def test_a_gradient_of_the_wrong_shape_is_refused_when_assigned() -> None:
    (w,) = make_params(np.ones(3, np.float32))
    with pytest.raises(RuntimeError, match=r"gradient of shape \(2,\) to a tensor of shape \(3,\)"):
        w.grad = tg.ones(2)


@pytest.mark.parametrize(("cls", "kwargs"), EVERY_OPTIMIZER, ids=IDS)
def test_float32_parameters_stay_float32_with_state_on_their_device(cls: type, kwargs: dict) -> None:
    X, Y, W, b = regression_data()  # noqa: N806
    params = make_params(W, b)
    optimizer = cls(params, **kwargs)
    train(optimizer, params, X, Y, 3)
    for param in params:
        assert param.dtype == tg.float32
        for value in optimizer.state[param].values():
            if isinstance(value, tg.Tensor):
                assert value.dtype == tg.float32 and value.device == param.device
                assert value.shape == param.shape


def test_optimizer_state_uses_pytorchs_names() -> None:
    X, Y, W, b = regression_data()  # noqa: N806
    expected = {
        (OPTIM.SGD, (("momentum", 0.9),)): {"momentum_buffer"},
        (OPTIM.RMSprop, (("momentum", 0.5), ("centered", True))): {
            "step",
            "square_avg",
            "grad_avg",
            "momentum_buffer",
        },
        (OPTIM.Adagrad, ()): {"step", "sum"},
        (OPTIM.Adadelta, ()): {"step", "square_avg", "acc_delta"},
        (OPTIM.Adam, ()): {"step", "exp_avg", "exp_avg_sq"},
        (OPTIM.Adamax, ()): {"step", "exp_avg", "exp_inf"},
        (OPTIM.NAdam, ()): {"step", "mu_product", "exp_avg", "exp_avg_sq"},
        (OPTIM.RAdam, ()): {"step", "exp_avg", "exp_avg_sq"},
        (OPTIM.Lion, ()): {"exp_avg"},
    }
    for (cls, kwargs), names in expected.items():
        params = make_params(W, b)
        optimizer = cls(params, **dict(kwargs))
        train(optimizer, params, X, Y, 1)
        assert set(optimizer.state[params[0]]) == names, cls.__name__


# -------------------------------------------------------------------------------------------------
# PyTorch's implementation switches: foreach, fused, capturable, differentiable

FUSED_OPTIMIZERS = {"Adam", "AdamW", "SGD", "Momentum"}


@pytest.mark.parametrize(("cls", "kwargs"), EVERY_OPTIMIZER, ids=IDS)
def test_pytorchs_implementation_switches_are_accepted_and_change_nothing(cls: type, kwargs: dict) -> None:
    X, Y, W, b = regression_data()  # noqa: N806
    params = make_params(W, b)
    plain = cls(params, **kwargs)
    train(plain, params, X, Y, 3)
    switched_params = make_params(W, b)
    # the switches PyTorch's class takes (SGD has no capturable: a TypeError there, as in PyTorch)
    every_switch = dict(foreach=True, fused=False, capturable=False, differentiable=False)
    switches = {k: v for k, v in every_switch.items() if k in inspect.signature(cls).parameters}
    switched = cls(switched_params, **kwargs, **switches)
    train(switched, switched_params, X, Y, 3)
    for ours, theirs in zip(switched_params, params):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    # fused=False turns off our compiled step; Adagrad's fused (PyTorch's) and absent fused leave it
    assert switched.fused is (False if "fused" in switches and cls is not OPTIM.Adagrad else None)
    assert switched.param_groups[0].keys() == plain.param_groups[0].keys()
    # the groups record the switches PyTorch's class records, with the values given
    recorded = set(switched.param_groups[0]) & set(switches)
    assert all(switched.param_groups[0][name] == switches[name] for name in recorded)
    assert recorded == set(cls.pytorch_group_switches)

    def without_switches(groups: list[dict]) -> list[dict]:
        return [{k: v for k, v in group.items() if k not in switches} for group in groups]

    assert without_switches(switched.state_dict()["param_groups"]) == without_switches(
        plain.state_dict()["param_groups"]
    )


@pytest.mark.parametrize(("cls", "kwargs"), EVERY_OPTIMIZER, ids=IDS)
def test_fused_true_sets_the_compiled_step_or_names_an_optimizer_without_one(cls: type, kwargs: dict) -> None:
    params = make_params(np.zeros(2, np.float32))
    assert cls(params, **kwargs).fused is None
    if cls.__name__ in FUSED_OPTIMIZERS:
        assert cls(params, **kwargs, fused=True).fused is True
    elif "fused" not in inspect.signature(cls).parameters:  # as PyTorch's RMSprop, NAdam, ...
        with pytest.raises(TypeError, match="fused"):
            cls(params, **kwargs, fused=True)
    elif cls is OPTIM.Adagrad:  # PyTorch's fused Adagrad gives the plain rule's results
        assert cls(params, **kwargs, fused=True).param_groups[0]["fused"] is True
    else:
        with pytest.raises(RuntimeError, match=f"{cls.__name__} has no fused step"):
            cls(params, **kwargs, fused=True)


@pytest.mark.parametrize(
    ("switches", "error", "match"),
    [
        (dict(fused=True, foreach=True), RuntimeError, "cannot be used together"),
        (dict(foreach="yes"), TypeError, "foreach must be None, True or False, got 'yes'"),
        (dict(fused=1), TypeError, "fused must be None, True or False, got 1"),
    ],
)
def test_unsupported_implementation_switches_raise_clear_errors(
    switches: dict, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        OPTIM.Adam(make_params(np.zeros(2, np.float32)), **switches)


def test_implementation_switches_show_in_the_signature() -> None:
    parameters = inspect.signature(OPTIM.AdamW).parameters
    assert list(parameters)[-5:] == ["maximize", "foreach", "capturable", "differentiable", "fused"]
    assert parameters["weight_decay"].default == 1e-2


def test_a_subclass_that_takes_a_switch_itself_keeps_it() -> None:
    class Plain(OPTIM.SGD):
        def __init__(self, params: Any, lr: float = 0.1, foreach: str = "mine") -> None:
            self.foreach_seen = foreach
            super().__init__(params, lr)

    assert Plain(make_params(np.zeros(2, np.float32)), foreach="kept").foreach_seen == "kept"


def test_a_pytorch_shaped_state_dict_with_implementation_switches_loads() -> None:
    """torch.optim.Adam(...).state_dict() also stores foreach, fused, capturable and differentiable."""
    X, Y, W, b = regression_data()  # noqa: N806
    params = make_params(W, b)
    optimizer = OPTIM.Adam(params, lr=0.01)
    train(optimizer, params, X, Y, 2)
    saved = to_numpy_tree(optimizer.state_dict())
    for group in saved["param_groups"]:
        group.update(foreach=None, fused=None, capturable=False, differentiable=False)
    resumed = OPTIM.Adam(make_params(W, b), lr=0.5)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0].keys() == optimizer.param_groups[0].keys()
    assert resumed.param_groups[0]["lr"] == 0.01


# -------------------------------------------------------------------------------------------------
# Learning-rate schedules

SCHEDULES = json.loads((Path(__file__).parent / "fixtures" / "lr_schedules.json").read_text())


def schedule_optimizer(base_lrs: list[float]) -> Any:
    params = make_params(*[np.zeros(1, np.float32) for _ in base_lrs])
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)]
    return OPTIM.SGD(groups), params


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_pytorchs_learning_rates(name: str) -> None:
    spec = SCHEDULES[name]
    optimizer, _ = schedule_optimizer(spec["base_lrs"])
    scheduler = getattr(lr_scheduler, spec["scheduler"])(optimizer, **spec["kwargs"])
    got = [scheduler.get_last_lr()]
    for metric in spec.get("metrics") or [None] * (len(spec["lrs"]) - 1):
        optimizer.step()
        scheduler.step() if metric is None else scheduler.step(metric)
        got.append(scheduler.get_last_lr())
    assert got == spec["lrs"]
    assert [group["lr"] for group in optimizer.param_groups] == spec["lrs"][-1]


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (lr_scheduler.StepLR, dict(step_size=2, gamma=0.5)),
        (lr_scheduler.CosineAnnealingLR, dict(T_max=6, eta_min=0.01)),
        (lr_scheduler.LinearWarmup, dict(warmup_steps=4)),
        (lr_scheduler.ReduceLROnPlateau, dict(patience=1, cooldown=1)),
    ],
)
def test_schedule_state_dict_round_trip_resumes_the_same_learning_rates(cls: type, kwargs: dict) -> None:
    metrics = [1.0, 0.9, 0.95, 0.97, 0.99, 0.8, 0.85, 0.9, 0.91, 0.92]

    def advance(scheduler: Any, values: list[float]) -> list[list[float]]:
        out = []
        for value in values:
            scheduler.step(value) if cls is lr_scheduler.ReduceLROnPlateau else scheduler.step()
            out.append(scheduler.get_last_lr())
        return out

    optimizer, _ = schedule_optimizer([0.1, 0.02])
    uninterrupted = advance(cls(optimizer, **kwargs), metrics)

    optimizer, _ = schedule_optimizer([0.1, 0.02])
    scheduler = cls(optimizer, **kwargs)
    first = advance(scheduler, metrics[:4])
    saved = copy.deepcopy((optimizer.state_dict(), scheduler.state_dict()))
    optimizer, _ = schedule_optimizer([0.5, 0.5])
    scheduler = cls(optimizer, **kwargs)
    optimizer.load_state_dict(saved[0])
    scheduler.load_state_dict(saved[1])
    assert first + advance(scheduler, metrics[4:]) == uninterrupted


def test_reduce_lr_on_plateau_accepts_a_tensor_metric() -> None:
    optimizer, _ = schedule_optimizer([0.1])
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    scheduler.step(tg.tensor(1.0))
    scheduler.step(tg.tensor(2.0))
    assert scheduler.get_last_lr() == [0.05]


def test_reduce_lr_on_plateau_is_an_lr_scheduler_with_pytorchs_step_signature() -> None:
    optimizer, _ = schedule_optimizer([0.1])
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    assert isinstance(scheduler, lr_scheduler.LRScheduler)
    assert scheduler.get_last_lr() == [0.1] and optimizer.param_groups[0]["lr"] == 0.1  # no step yet
    scheduler.step(metrics=1.0)
    with pytest.warns(UserWarning, match="epoch"):
        scheduler.step(2.0, epoch=7)  # deprecated, as in PyTorch: sets the epoch count
    assert scheduler.last_epoch == 7 and scheduler.get_last_lr() == [0.05]


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (lr_scheduler.StepLR, dict(step_size=0)),
        (lr_scheduler.StepLR, dict(step_size=2, gamma=-0.1)),
        (lr_scheduler.ExponentialLR, dict(gamma=0.0)),
        (lr_scheduler.CosineAnnealingLR, dict(T_max=0)),
        (lr_scheduler.CosineAnnealingLR, dict(T_max=5, eta_min=-1.0)),
        (lr_scheduler.LinearLR, dict(start_factor=0.0)),
        (lr_scheduler.LinearLR, dict(end_factor=1.5)),
        (lr_scheduler.LinearWarmup, dict(warmup_steps=0)),
        (lr_scheduler.ReduceLROnPlateau, dict(mode="maximum")),
        (lr_scheduler.ReduceLROnPlateau, dict(factor=1.0)),
        (lr_scheduler.ReduceLROnPlateau, dict(threshold_mode="relative")),
        (lr_scheduler.ReduceLROnPlateau, dict(min_lr=[0.1, 0.2])),
        (lr_scheduler.ReduceLROnPlateau, dict(patience=-1)),
    ],
)
def test_invalid_schedule_arguments_raise_value_error(cls: type, kwargs: dict) -> None:
    optimizer, _ = schedule_optimizer([0.1])
    with pytest.raises(ValueError):
        cls(optimizer, **kwargs)


def test_schedulers_need_an_optimizer() -> None:
    with pytest.raises(TypeError, match="Optimizer"):
        lr_scheduler.StepLR([0.1], step_size=2)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSProp", "Lion"])
def test_state_follows_its_parameters_when_the_model_moves_to_another_device(name: str) -> None:
    """model.to(device) after the optimizer has stepped: the state moves with it, the run goes on."""
    there = "strict:1"
    options = {"lr": 0.1, "momentum": 0.9} if name in ("SGD", "RMSProp") else {"lr": 0.1}
    tg.manual_seed(0)
    moved = tg.nn.Dense(3, 2)
    still = tg.nn.Dense(3, 2)
    still.load_state_dict(moved.state_dict())
    optimizers = [getattr(OPTIM, name)(model.parameters(), **options) for model in (moved, still)]
    x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    for step in range(3):
        for model, optimizer in zip((moved, still), optimizers):
            optimizer.zero_grad()
            (model(tg.tensor(x, device=model.weight.device)) ** 2).sum().backward()
            optimizer.step()
        if step == 0:
            moved.to(there)
    assert moved.weight.device == there
    np.testing.assert_array_equal(moved.weight.numpy(), still.weight.numpy())
    state = optimizers[0].state[moved.weight]
    assert all(value.device == there for value in state.values() if isinstance(value, tg.Tensor))


def test_casting_the_model_mid_training_casts_the_optimizer_state_too() -> None:
    """model.to(float64) after some steps: the moments follow the parameters' precision, as the
    device already does, so no step mixes float32 state into float64 parameters."""
    model = tg.nn.Sequential(tg.nn.Dense(3, 4, activation="relu"), tg.nn.Dense(4, 2))
    optimizer = OPTIM.Adam(model.parameters(), lr=0.01)
    x = tg.randn(5, 3)

    def train_step(inputs: tg.Tensor) -> None:
        optimizer.zero_grad()
        (model(inputs) ** 2).sum().backward()
        optimizer.step()

    for _ in range(2):
        train_step(x)
    model.to(tg.float64)
    train_step(x.astype(tg.float64))
    for param in model.parameters():
        state = optimizer.state[param]
        assert param.dtype == tg.float64
        assert state["exp_avg"].dtype == tg.float64 and state["exp_avg_sq"].dtype == tg.float64
        assert state["step"] == 3
