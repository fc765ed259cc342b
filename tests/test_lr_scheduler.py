"""Learning-rate schedules beyond the basic ones: PyTorch's sequences of learning rates and momenta
(tests/fixtures/lr_scheduler_reference.json, made by make_lr_scheduler_reference.py), state dicts
that resume a schedule exactly, and errors that name bad arguments."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

import tinygrad_adam as tg
from tinygrad_adam.optim import lr_scheduler

REFERENCE = json.loads((Path(__file__).parent / "fixtures" / "lr_scheduler_reference.json").read_text())
CASES = REFERENCE["cases"]

# The fixture script's named lr_lambda functions.
LAMBDAS = {
    "inverse_sqrt": lambda epoch: 1.0 / math.sqrt(epoch + 1),
    "warmup_5": lambda epoch: min(1.0, (epoch + 1) / 5),
    "times_0_9": lambda epoch: 0.9,
    "alternate": lambda epoch: 1.1 if epoch % 2 else 0.8,
}


def make_optimizer(base_lrs: list[float], name: str = "SGD", **kwargs: Any) -> tg.optim.Optimizer:
    groups = [{"params": [tg.zeros(1, requires_grad=True)], "lr": lr} for lr in base_lrs]
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return getattr(tg.optim, name)(groups, **kwargs)


def build(optimizer: tg.optim.Optimizer, name: str, kwargs: dict) -> Any:
    kwargs = dict(kwargs)
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [build(optimizer, *part) for part in kwargs["schedulers"]]
    if "lr_lambda" in kwargs:
        names = kwargs["lr_lambda"]
        kwargs["lr_lambda"] = [LAMBDAS[n] for n in names] if isinstance(names, list) else LAMBDAS[names]
    cls = getattr(lr_scheduler, name)
    if name == "ChainedScheduler":
        return cls(kwargs["schedulers"], optimizer)
    return cls(optimizer, **kwargs)


def momenta(optimizer: tg.optim.Optimizer) -> list[float]:
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in optimizer.param_groups]


@pytest.mark.parametrize("spec", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.filterwarnings("ignore:scheduler.step\\(epoch\\) is deprecated")
def test_schedule_follows_pytorchs_learning_rates_and_momenta(spec: dict) -> None:
    optimizer = make_optimizer(spec["base_lrs"], spec["optimizer"], **spec["optimizer_kwargs"])
    scheduler = build(optimizer, spec["scheduler"], spec["kwargs"])
    lrs, moms = [scheduler.get_last_lr()], [momenta(optimizer)]
    for epoch in spec["epochs"] or [None] * spec["steps"]:
        optimizer.step()
        scheduler.step() if epoch is None else scheduler.step(epoch)
        lrs.append(scheduler.get_last_lr())
        moms.append(momenta(optimizer))
    assert lrs == spec["lrs"]
    assert moms == spec["momenta"]
    assert [g["lr"] for g in optimizer.param_groups] == spec["lrs"][-1]


class Halving:
    """A callable object: its attributes go into LambdaLR's state dict, unlike a lambda's."""

    def __init__(self, every: int) -> None:
        self.every = every

    def __call__(self, epoch: int) -> float:
        return 0.5 ** (epoch // self.every)


RESUMABLE = [
    ("MultiStepLR", {"milestones": [2, 5, 5], "gamma": 0.5}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 3}),
    ("PolynomialLR", {"total_iters": 6, "power": 2.0}),
    ("LambdaLR", {"lr_lambda": "inverse_sqrt"}),
    ("MultiplicativeLR", {"lr_lambda": "alternate"}),
    ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2, "eta_min": 0.001}),
    ("OneCycleLR", {"max_lr": 0.3, "total_steps": 12, "three_phase": True}),
    (
        "SequentialLR",
        {
            "schedulers": [["LinearLR", {"total_iters": 3}], ["ExponentialLR", {"gamma": 0.8}]],
            "milestones": [3],
        },
    ),
    (
        "ChainedScheduler",
        {"schedulers": [["ConstantLR", {"total_iters": 2}], ["CosineAnnealingLR", {"T_max": 5}]]},
    ),
]


@pytest.mark.parametrize(("name", "kwargs"), RESUMABLE, ids=[name for name, _ in RESUMABLE])
def test_state_dict_round_trip_resumes_the_same_learning_rates_and_momenta(name: str, kwargs: dict) -> None:
    def advance(optimizer: tg.optim.Optimizer, scheduler: Any, steps: int) -> list[tuple]:
        out = []
        for _ in range(steps):
            optimizer.step()
            scheduler.step()
            out.append((scheduler.get_last_lr(), momenta(optimizer)))
        return out

    optimizer = make_optimizer([0.1, 0.02], momentum=0.9)
    uninterrupted = advance(optimizer, build(optimizer, name, kwargs), 10)

    optimizer = make_optimizer([0.1, 0.02], momentum=0.9)
    scheduler = build(optimizer, name, kwargs)
    first = advance(optimizer, scheduler, 4)
    saved = copy.deepcopy((optimizer.state_dict(), scheduler.state_dict()))
    optimizer = make_optimizer([0.7, 0.7], momentum=0.5)
    scheduler = build(optimizer, name, kwargs)
    optimizer.load_state_dict(saved[0])
    scheduler.load_state_dict(saved[1])
    assert first + advance(optimizer, scheduler, 6) == uninterrupted


def test_lambda_lr_state_dict_keeps_callable_objects_attributes_but_not_lambdas() -> None:
    optimizer = make_optimizer([0.1, 0.1])
    scheduler = lr_scheduler.LambdaLR(optimizer, [Halving(every=3), lambda epoch: 1.0])
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"every": 3}, None]
    json.dumps({k: v for k, v in state.items()})  # plain data: no functions inside
    resumed = lr_scheduler.LambdaLR(make_optimizer([0.1, 0.1]), [Halving(every=10), lambda epoch: 1.0])
    resumed.load_state_dict(state)
    assert resumed.lr_lambdas[0].every == 3


def test_one_cycle_cycles_adams_beta1_and_keeps_beta2() -> None:
    optimizer = make_optimizer([0.1], "Adam", betas=(0.9, 0.99))
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=10)
    assert optimizer.param_groups[0]["betas"] == (0.95, 0.99)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    beta1, beta2 = optimizer.param_groups[0]["betas"]
    assert 0.85 < beta1 < 0.95 and beta2 == 0.99


def test_one_cycle_stepping_past_total_steps_is_an_error() -> None:
    optimizer = make_optimizer([0.1])
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match="total_steps is 3"):
        scheduler.step()


def test_one_cycle_cycle_momentum_needs_an_optimizer_with_momentum() -> None:
    optimizer = tg.optim.Adagrad([tg.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="AdaGrad has neither"):
        lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=5)
    lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=5, cycle_momentum=False)


def test_step_with_an_epoch_warns_and_jumps_by_the_closed_form() -> None:
    optimizer = make_optimizer([0.1])
    scheduler = lr_scheduler.MultiStepLR(optimizer, milestones=[2, 4], gamma=0.5)
    with pytest.warns(UserWarning, match="deprecated"):
        scheduler.step(5)
    assert scheduler.get_last_lr() == [0.025] and scheduler.last_epoch == 5


@pytest.mark.parametrize(
    ("name", "kwargs", "match"),
    [
        ("MultiStepLR", {"milestones": [2, 3.5]}, "3.5"),
        ("MultiStepLR", {"milestones": [2], "gamma": 0}, "gamma"),
        ("ConstantLR", {"factor": 1.5}, "1.5"),
        ("ConstantLR", {"total_iters": -1}, "total_iters"),
        ("PolynomialLR", {"total_iters": 2.5}, "2.5"),
        ("PolynomialLR", {"power": "2"}, "power"),
        ("LambdaLR", {"lr_lambda": [LAMBDAS["warmup_5"]] * 3}, "3 values for 1"),
        ("CosineAnnealingWarmRestarts", {"T_0": 0}, "T_0"),
        ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 1.5}, "T_mult"),
        ("CosineAnnealingWarmRestarts", {"T_0": 5, "eta_min": "0"}, "eta_min"),
        ("OneCycleLR", {"max_lr": 0.1}, "total_steps"),
        ("OneCycleLR", {"max_lr": 0.1, "total_steps": 0}, "total_steps"),
        ("OneCycleLR", {"max_lr": 0.1, "epochs": 2, "steps_per_epoch": -1}, "steps_per_epoch"),
        ("OneCycleLR", {"max_lr": 0.1, "total_steps": 10, "pct_start": 1.5}, "1.5"),
        ("OneCycleLR", {"max_lr": 0.1, "total_steps": 10, "anneal_strategy": "exp"}, "exp"),
        ("OneCycleLR", {"max_lr": [0.1, 0.2], "total_steps": 10}, "2 values for 1"),
        ("OneCycleLR", {"max_lr": 0.1, "total_steps": 10, "div_factor": 0}, "div_factor"),
    ],
)
def test_invalid_arguments_raise_value_error_naming_the_value(name: str, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        getattr(lr_scheduler, name)(make_optimizer([0.1]), **kwargs)


def test_lambda_lr_needs_callables() -> None:
    with pytest.raises(TypeError, match="float"):
        lr_scheduler.LambdaLR(make_optimizer([0.1]), lr_lambda=0.5)
    with pytest.raises(TypeError, match="str"):
        lr_scheduler.MultiplicativeLR(make_optimizer([0.1]), lr_lambda="0.5")


def test_warm_restarts_rejects_a_negative_epoch() -> None:
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(make_optimizer([0.1]), T_0=3)
    with pytest.raises(ValueError, match="-1"):
        scheduler.step(-1)


def test_sequential_and_chained_schedulers_check_their_parts() -> None:
    optimizer, other = make_optimizer([0.1]), make_optimizer([0.1])
    step = lr_scheduler.StepLR(optimizer, step_size=2)
    plateau = lr_scheduler.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError, match="one milestone fewer"):
        lr_scheduler.SequentialLR(optimizer, [step, lr_scheduler.ExponentialLR(optimizer, 0.9)], [2, 4])
    with pytest.raises(ValueError, match="increasing"):
        lr_scheduler.SequentialLR(optimizer, [step, step, step], [4, 2])
    for cls, args in ((lr_scheduler.SequentialLR, (optimizer,)), (lr_scheduler.ChainedScheduler, ())):
        extra = ([],) if cls is lr_scheduler.SequentialLR else ()
        with pytest.raises(ValueError, match="ReduceLROnPlateau"):
            cls(*args, [plateau], *extra)
        with pytest.raises(ValueError, match="another optimizer"):
            cls(*args, [step, lr_scheduler.StepLR(other, step_size=2)], *([[3]] if extra else ()))
        with pytest.raises(ValueError, match="at least one"):
            cls(*args, [], *extra)
    with pytest.raises(TypeError, match="float"):
        lr_scheduler.ChainedScheduler([step, 0.1])


def test_schedulers_are_reachable_as_in_pytorch() -> None:
    for name in (
        "MultiStepLR",
        "LambdaLR",
        "MultiplicativeLR",
        "ConstantLR",
        "OneCycleLR",
        "PolynomialLR",
        "CosineAnnealingWarmRestarts",
        "SequentialLR",
        "ChainedScheduler",
        "LRScheduler",
    ):
        assert getattr(tg.optim.lr_scheduler, name) is getattr(lr_scheduler, name)


# Learning rates of SGD(lr=0.5) whose group already holds initial_lr 0.5, with the scheduler created
# as last_epoch=3 and stepped six times: PyTorch 2.13's sequences.
RESUMED_AT_3 = {
    "StepLR": [0.25, 0.25, 0.125, 0.125, 0.0625, 0.0625, 0.03125],
    "CosineAnnealingLR": [0.5, 0.38196601125010515, 0.26393202250021036, 0.15745202296031252,
                          0.07294901687515777, 0.018694747247424728, 0.0],
    "LambdaLR": [0.1, 0.08333333333333333, 0.07142857142857142, 0.0625, 0.05555555555555555, 0.05,
                 0.045454545454545456],
    "CosineAnnealingWarmRestarts": [0.5, 0.4809698831278217, 0.42677669529663687, 0.34567085809127246,
                                    0.25, 0.15432914190872757, 0.07322330470336313],
}  # fmt: skip
RESUMABLE = {
    "StepLR": lambda optimizer, k: lr_scheduler.StepLR(optimizer, 2, gamma=0.5, last_epoch=k),
    "CosineAnnealingLR": lambda optimizer, k: lr_scheduler.CosineAnnealingLR(optimizer, 10, last_epoch=k),
    "LambdaLR": lambda optimizer, k: lr_scheduler.LambdaLR(optimizer, lambda e: 1 / (e + 1), last_epoch=k),
    "CosineAnnealingWarmRestarts": lambda optimizer, k: lr_scheduler.CosineAnnealingWarmRestarts(
        optimizer, 4, T_mult=2, last_epoch=k
    ),
}


@pytest.mark.parametrize("name", sorted(RESUMED_AT_3))
def test_last_epoch_resumes_a_schedule_as_pytorch_does(name: str) -> None:
    optimizer = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.5)
    optimizer.param_groups[0]["initial_lr"] = 0.5
    scheduler = RESUMABLE[name](optimizer, 3)
    lrs = [optimizer.param_groups[0]["lr"]]
    for _ in range(6):
        scheduler.step()
        lrs.append(optimizer.param_groups[0]["lr"])
    assert lrs == pytest.approx(RESUMED_AT_3[name], rel=1e-12, abs=1e-15)


def test_last_epoch_needs_initial_lr_in_the_groups_and_an_integer_from_minus_one() -> None:
    optimizer = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.5)
    with pytest.raises(KeyError, match=r"initial_lr' is not specified in param_groups\[0\]"):
        lr_scheduler.StepLR(optimizer, 2, last_epoch=3)
    for bad in (-2, 1.5, "3"):
        with pytest.raises(ValueError, match="last_epoch must be an integer >= -1"):
            lr_scheduler.ExponentialLR(optimizer, 0.9, last_epoch=bad)
