"""Optimizers, schedules and gradient clipping on problems where a differential sweep against
PyTorch 2.13 found us answering differently; references from tests/fixtures/make_optimizer_problems.py
or derived by hand here."""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.nn import utils
from tinygrad_adam.optim import lr_scheduler

with np.load(Path(__file__).parent / "fixtures" / "optimizer_problems.npz") as _archive:
    FIXTURE = {key: _archive[key] for key in _archive.files}
META = json.loads(str(FIXTURE["meta"]))
PROBLEMS = {problem[0]: problem for problem in META["problems"]}
SCHEDULES = json.loads(str(FIXTURE["schedules"]))
FIRST_STEPS, SECOND_STEPS, RESUMED_STEPS = META["steps"]


def gradient(param: np.ndarray, step: int, index: int) -> np.ndarray:
    """As make_optimizer_problems.gradient: a smooth function of the parameter values."""
    return np.sin(1.3 * param + 0.7 * step + index) + 0.2 * param + 0.05 * (index + 1) * np.cos(param * step)


def run_steps(
    optimizer: tg.optim.Optimizer, params: list[tg.Tensor], first: int, count: int
) -> list[np.ndarray]:
    """``count`` steps from step ``first``; parameter 1 has no gradient every third step."""
    trajectory = []
    for step in range(first, first + count):
        for index, param in enumerate(params):
            skipped = index == 1 and step % 3 == 0
            param.grad = (
                None if skipped else tg.tensor(gradient(param.numpy(), step, index).astype(param.dtype))
            )
        optimizer.step()
        trajectory.append(np.concatenate([p.numpy().reshape(-1) for p in params]))
    return trajectory


def pairs_as_tuples(settings: dict) -> dict:
    """JSON's lists back as the tuples PyTorch's betas, etas, step_sizes are."""
    return {k: tuple(v) if isinstance(v, list) and k != "params" else v for k, v in settings.items()}


def problem_setup(name: str) -> tuple[tg.optim.Optimizer, list[tg.Tensor], type, dict, np.ndarray]:
    _, optimizer_name, kwargs, group, dtype = PROBLEMS[name]
    kwargs, group = pairs_as_tuples(kwargs), pairs_as_tuples(group)
    params = [tg.tensor(FIXTURE[f"{name}/initial_{i}"].copy(), requires_grad=True) for i in range(5)]
    cls = getattr(tg.optim, optimizer_name)
    optimizer = cls([{"params": params[:2]}, {"params": params[2:4], **group}], **kwargs)
    return optimizer, params, cls, kwargs, FIXTURE[f"{name}/trajectory"]


def assert_trajectory(
    ours: list[np.ndarray], expected: np.ndarray, dtype: str, rtol64: float = 1e-12
) -> None:
    rtol = rtol64 if dtype == "float64" else 1e-5  # float32: last bits differ (PyTorch fuses a·b + c)
    error = np.abs(np.stack(ours) - expected) / (np.abs(expected) + 1e-3)
    assert error.max() <= rtol, f"leaves PyTorch's trajectory at step {int(error.max(axis=1).argmax())}"


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_groups_with_own_settings_a_0d_and_an_empty_parameter_and_a_group_added_midway_follow_pytorch(
    name: str,
) -> None:
    optimizer, params, _, _, expected = problem_setup(name)
    ours = run_steps(optimizer, params[:4], 0, FIRST_STEPS)
    ours = [np.concatenate([row, p]) for row, p in zip(ours, [params[4].numpy().reshape(-1)] * FIRST_STEPS)]
    optimizer.add_param_group({"params": [params[4]], "lr": 0.03})
    ours += run_steps(optimizer, params, FIRST_STEPS, SECOND_STEPS + RESUMED_STEPS)
    assert_trajectory(ours, expected, PROBLEMS[name][4])


def pytorchs_saved_state_dict(name: str) -> dict:
    prefix = f"{name}/saved_state/"
    state: dict[int, dict] = {}
    for key in FIXTURE:
        if key.startswith(prefix):
            index, state_name = key[len(prefix) :].split("/")
            state.setdefault(int(index), {})[state_name] = FIXTURE[key]
    groups = [pairs_as_tuples(group) for group in json.loads(str(FIXTURE[f"{name}/saved_param_groups"]))]
    return {"state": state, "param_groups": groups}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_pytorchs_state_dict_with_a_0d_parameter_loads_into_a_fresh_optimizer_that_continues_alike(
    name: str,
) -> None:
    _, params, cls, kwargs, expected = problem_setup(name)
    done = FIRST_STEPS + SECOND_STEPS
    dtype = PROBLEMS[name][4]
    sizes = [int(np.prod(FIXTURE[f"{name}/initial_{i}"].shape)) for i in range(5)]
    offsets = np.cumsum([0, *sizes])
    resumed = [
        tg.tensor(
            expected[done - 1][offsets[i] : offsets[i + 1]].reshape(p.shape).astype(dtype), requires_grad=True
        )
        for i, p in enumerate(params)
    ]
    optimizer = cls([{"params": resumed[:2]}, {"params": resumed[2:4]}, {"params": resumed[4:]}], **kwargs)
    optimizer.load_state_dict(pytorchs_saved_state_dict(name))
    assert optimizer.state[resumed[2]] and all(
        isinstance(v, tg.Tensor)
        for k, v in optimizer.state[resumed[2]].items()
        if k not in ("step", "mu_product", "eta", "mu")
    )
    ours = run_steps(optimizer, resumed, done, RESUMED_STEPS)
    assert_trajectory(ours, expected[done:], dtype)


def test_our_state_dict_of_a_0d_parameter_round_trips_through_numpy() -> None:
    param = tg.tensor(np.float64(1.5), requires_grad=True)
    optimizer = tg.optim.Adam([param], lr=0.1)
    param.grad = tg.tensor(np.float64(0.5))
    optimizer.step()
    saved = optimizer.state_dict()
    as_numpy = {
        "state": {
            0: {k: (v.numpy() if isinstance(v, tg.Tensor) else v) for k, v in saved["state"][0].items()}
        },
        "param_groups": saved["param_groups"],
    }
    fresh = tg.optim.Adam([tg.tensor(np.float64(1.5), requires_grad=True)])
    fresh.load_state_dict(as_numpy)
    restored = next(iter(fresh.state.values()))
    assert isinstance(restored["exp_avg"], tg.Tensor) and restored["exp_avg"].shape == ()
    assert restored["exp_avg"].item() == pytest.approx(0.05) and restored["step"] == 1


def test_adagrad_starts_every_groups_accumulator_at_the_constructors_value_as_pytorch() -> None:
    """PyTorch reads initial_accumulator_value from the defaults, even for a group that sets its own:
    G = 0.2 + g² = 1.2 with g = 1, so the first step is lr·g/√G."""
    first, second = tg.zeros(1, requires_grad=True), tg.zeros(1, requires_grad=True)
    optimizer = tg.optim.Adagrad(
        [{"params": [first]}, {"params": [second], "initial_accumulator_value": 5.0}],
        lr=0.1,
        initial_accumulator_value=0.2,
    )
    first.grad, second.grad = tg.ones(1), tg.ones(1)
    optimizer.step()
    expected = -0.1 / (math.sqrt(1.2) + 1e-10)
    np.testing.assert_allclose(first.numpy(), [expected], rtol=1e-6)
    np.testing.assert_allclose(second.numpy(), [expected], rtol=1e-6)
    assert optimizer.param_groups[1]["initial_accumulator_value"] == 5.0


@pytest.mark.parametrize(
    "name", ["Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"]
)
def test_eps_zero_is_accepted_as_in_pytorch_and_a_negative_eps_refused(name: str) -> None:
    cls = getattr(tg.optim, name)
    cls([tg.zeros(2, requires_grad=True)], eps=0.0)
    with pytest.raises(ValueError, match="eps"):
        cls([tg.zeros(2, requires_grad=True)], eps=-1e-8)


def test_adam_with_eps_zero_steps_by_lr_times_the_sign_at_first() -> None:
    """m̂ = g and v̂ = g² after one step: θ ← θ − lr·g/|g| exactly when eps = 0."""
    param = tg.tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    optimizer = tg.optim.Adam([param], lr=0.1, eps=0.0)
    param.grad = tg.tensor(np.array([0.3, -4.0, 1e-6]))
    optimizer.step()
    np.testing.assert_allclose(param.numpy(), [0.9, -1.9, 2.9], rtol=1e-14)


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("SGD", dict(lr=-1), "Invalid learning rate: -1"),
        ("SGD", dict(momentum=-0.1), "Invalid momentum value: -0.1"),
        ("SGD", dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
        ("Adam", dict(eps=-1), "Invalid epsilon value: -1"),
        ("Adam", dict(betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        ("AdamW", dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
        ("Adam", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        ("RMSprop", dict(alpha=-0.1), "Invalid alpha value: -0.1"),
        ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value: -1"),
        ("Adagrad", dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
        ("Adadelta", dict(rho=1.1), "Invalid rho value: 1.1"),
        ("NAdam", dict(momentum_decay=-1), "Invalid momentum_decay value: -1"),
    ],
)
def test_bad_hyperparameters_raise_value_error_with_pytorchs_message(
    name: str, kwargs: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(tg.optim, name)([tg.zeros(2, requires_grad=True)], **kwargs)


@pytest.mark.parametrize(
    "lr", [tg.tensor(0.25), np.float32(0.25), np.float64(0.25)], ids=["tensor", "f32", "f64"]
)
def test_lr_may_be_a_one_element_tensor_or_a_numpy_scalar_and_keeps_float32_parameters(lr) -> None:
    param = tg.ones(3, requires_grad=True)
    optimizer = tg.optim.SGD([param], lr=lr)
    assert type(optimizer.param_groups[0]["lr"]) is float
    param.grad = tg.ones(3)
    optimizer.step()
    assert param.dtype == tg.float32
    np.testing.assert_array_equal(param.numpy(), np.full(3, 0.75, np.float32))
    with pytest.raises(ValueError, match="must hold one number"):
        tg.optim.SGD([param], lr=tg.tensor([0.1, 0.2]))


def test_betas_may_be_tensors_as_in_pytorch() -> None:
    optimizer = tg.optim.Adam([tg.zeros(1, requires_grad=True)], betas=(tg.tensor(0.8), np.float64(0.9)))
    assert optimizer.param_groups[0]["betas"] == (pytest.approx(0.8), 0.9)


# -- schedules -------------------------------------------------------------------------------------


def sgd_two_groups() -> tg.optim.SGD:
    params = [tg.zeros(1, requires_grad=True) for _ in range(2)]
    return tg.optim.SGD(
        [{"params": [params[0]], "lr": 0.1}, {"params": [params[1]], "lr": 0.05}], momentum=0.9
    )


CYCLIC = {
    "cyclic-triangular": dict(
        base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=4, step_size_down=3, mode="triangular"
    ),
    "cyclic-triangular2": dict(
        base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=4, step_size_down=3, mode="triangular2"
    ),
    "cyclic-exp_range": dict(
        base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=4, step_size_down=3, mode="exp_range", gamma=0.95
    ),
    "cyclic-scale_fn-iterations": dict(
        base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=5, scale_fn=lambda x: 0.9**x, scale_mode="iterations",
        base_momentum=[0.7, 0.75], max_momentum=0.95,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CYCLIC))
def test_cyclic_lr_follows_pytorchs_learning_rates_and_momenta(name: str) -> None:
    optimizer = sgd_two_groups()
    scheduler = lr_scheduler.CyclicLR(optimizer, **CYCLIC[name])
    expected = SCHEDULES[name]
    for step, (lrs, momenta) in enumerate(zip(expected["lrs"], expected["momenta"])):
        optimizer.step()
        scheduler.step()
        assert [g["lr"] for g in optimizer.param_groups] == pytest.approx(lrs, rel=1e-14), step
        assert [g["momentum"] for g in optimizer.param_groups] == pytest.approx(momenta, rel=1e-14), step
        assert scheduler.get_last_lr() == [g["lr"] for g in optimizer.param_groups]


def test_cyclic_lr_cycles_adams_beta1_and_starts_at_base_lr() -> None:
    adam = tg.optim.Adam([tg.zeros(1, requires_grad=True)], lr=0.1, betas=(0.9, 0.99))
    scheduler = lr_scheduler.CyclicLR(adam, 0.01, 0.1, step_size_up=3)
    assert adam.param_groups[0]["lr"] == 0.01 and adam.param_groups[0]["betas"] == (0.9, 0.99)
    expected = SCHEDULES["cyclic-adam-betas"]
    for betas in expected["betas"]:
        adam.step()
        scheduler.step()
        assert list(adam.param_groups[0]["betas"]) == pytest.approx(betas, rel=1e-14)
    assert scheduler.get_last_lr() == pytest.approx(expected["lrs"][0], rel=1e-14)


def test_cyclic_lr_refuses_bad_arguments_clearly() -> None:
    with pytest.raises(ValueError, match="mode must be"):
        lr_scheduler.CyclicLR(sgd_two_groups(), 0.01, 0.1, mode="sawtooth")
    with pytest.raises(ValueError, match="max_lr has 3 values for 2 parameter groups"):
        lr_scheduler.CyclicLR(sgd_two_groups(), 0.01, [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="needs an optimizer with momentum or betas"):
        lr_scheduler.CyclicLR(tg.optim.Adagrad([tg.zeros(1, requires_grad=True)]), 0.01, 0.1)
    lr_scheduler.CyclicLR(
        tg.optim.Adagrad([tg.zeros(1, requires_grad=True)]), 0.01, 0.1, cycle_momentum=False
    )


def test_cyclic_lr_state_dict_keeps_a_callable_objects_attributes() -> None:
    class Halving:
        def __init__(self) -> None:
            self.base = 0.5

        def __call__(self, cycle: float) -> float:
            return self.base**cycle

    fn = Halving()
    scheduler = lr_scheduler.CyclicLR(sgd_two_groups(), 0.01, 0.1, step_size_up=2, scale_fn=fn)
    fn.base = 0.25
    saved = scheduler.state_dict()
    assert saved["_scale_fn_custom"] == {"base": 0.25}
    other = Halving()
    resumed = lr_scheduler.CyclicLR(sgd_two_groups(), 0.01, 0.1, step_size_up=2, scale_fn=other)
    resumed.load_state_dict(saved)
    assert other.base == 0.25
    plain = lr_scheduler.CyclicLR(sgd_two_groups(), 0.01, 0.1, scale_fn=lambda c: 1.0).state_dict()
    assert plain["_scale_fn_custom"] is None


def test_reduce_lr_on_plateau_gives_a_group_added_later_the_single_min_lr() -> None:
    optimizer = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    plateau = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5, min_lr=0.02)
    plateau.step(1.0)
    optimizer.add_param_group({"params": [tg.zeros(1, requires_grad=True)], "lr": 0.5})
    for lrs in SCHEDULES["plateau-added-group"]["lrs"]:
        plateau.step(1.0)
        assert [g["lr"] for g in optimizer.param_groups] == pytest.approx(lrs, rel=1e-15)
    assert plateau.mode_worse == math.inf and not plateau.in_cooldown


def test_reduce_lr_on_plateau_with_min_lr_per_group_refuses_a_group_added_later() -> None:
    optimizer = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    plateau = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, min_lr=[0.01])
    plateau.step(1.0)
    optimizer.add_param_group({"params": [tg.zeros(1, requires_grad=True)]})
    with pytest.raises(RuntimeError, match="2 parameter groups but ReduceLROnPlateau has min_lrs for 1"):
        plateau.step(1.0)


RESUMABLE = {
    "StepLR": lambda o: lr_scheduler.StepLR(o, 3, gamma=0.5),
    "OneCycleLR": lambda o: lr_scheduler.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=20, three_phase=True),
    "CyclicLR": lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode="triangular2"),
    "CosineAnnealingWarmRestarts": lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, 3, T_mult=2),
    "ReduceLROnPlateau": lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=1, cooldown=1),
}


@pytest.mark.parametrize("name", sorted(RESUMABLE))
def test_pytorchs_scheduler_state_dict_loads_and_the_schedule_continues_alike(name: str) -> None:
    saved = SCHEDULES[f"resumed-{name}"]
    optimizer = sgd_two_groups()
    scheduler = RESUMABLE[name](optimizer)
    for group, saved_group in zip(optimizer.param_groups, saved["param_groups"]):
        group.update(saved_group)
    scheduler.load_state_dict(saved["scheduler"])
    for lrs in saved["lrs"]:
        optimizer.step()
        scheduler.step(1.0) if name == "ReduceLROnPlateau" else scheduler.step()
        assert scheduler.get_last_lr() == pytest.approx(lrs, rel=1e-14)


def test_one_cycle_resumed_with_last_epoch_keeps_the_rates_its_groups_hold() -> None:
    optimizer = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    first = lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=20)
    for _ in range(3):
        optimizer.step()
        first.step()
    resumed = lr_scheduler.OneCycleLR(optimizer, max_lr=7.0, total_steps=20, last_epoch=3)
    expected = SCHEDULES["onecycle-resumed-at-3"]
    for lr, momentum in zip(expected["lrs"], expected["momenta"]):
        optimizer.step()
        resumed.step()
        assert optimizer.param_groups[0]["lr"] == pytest.approx(lr, rel=1e-14)
        assert optimizer.param_groups[0]["momentum"] == pytest.approx(momentum, rel=1e-14)


def test_a_state_dict_without_a_newer_switch_loads_with_its_default_as_pytorch() -> None:
    """An Adam state dict from before decoupled_weight_decay existed; AdamW's default is True."""
    for cls, expected in ((tg.optim.Adam, False), (tg.optim.AdamW, True)):
        optimizer = cls([tg.zeros(2, requires_grad=True)], lr=0.1)
        saved = optimizer.state_dict()
        del saved["param_groups"][0]["decoupled_weight_decay"]
        optimizer.load_state_dict(saved)
        assert optimizer.param_groups[0]["decoupled_weight_decay"] is expected
        del saved["param_groups"][0]["eps"]
        with pytest.raises(ValueError, match="lacks eps"):
            optimizer.load_state_dict(saved)


def test_schedulers_count_their_steps_as_pytorch() -> None:
    """_step_count: 1 after construction, one more per step(); SequentialLR's parts count their own."""
    optimizer = sgd_two_groups()
    step_lr = lr_scheduler.StepLR(optimizer, 3)
    assert step_lr._step_count == 1
    for _ in range(4):
        step_lr.step()
    assert step_lr.state_dict()["_step_count"] == 5
    optimizer = sgd_two_groups()
    parts = [lr_scheduler.ConstantLR(optimizer), lr_scheduler.ExponentialLR(optimizer, 0.9)]
    sequential = lr_scheduler.SequentialLR(optimizer, parts, milestones=[3])
    for _ in range(5):
        sequential.step()
    assert [part._step_count for part in parts] == [3, 3]


def test_sequential_lr_takes_last_epoch_as_pytorch() -> None:
    optimizer = sgd_two_groups()
    parts = [lr_scheduler.ConstantLR(optimizer), lr_scheduler.ExponentialLR(optimizer, 0.9)]
    assert lr_scheduler.SequentialLR(optimizer, parts, milestones=[3], last_epoch=-1).last_epoch == 0
    with pytest.raises(ValueError, match="last_epoch"):
        lr_scheduler.SequentialLR(optimizer, parts, milestones=[3], last_epoch=-2)


# -- gradient clipping and parameter vectors ---------------------------------------------------------


def grads_3_4() -> list[tg.Tensor]:
    """Two parameters whose gradients are [3] and [4]: joint 2-norm 5."""
    params = [tg.zeros(1, requires_grad=True), tg.zeros(1, requires_grad=True)]
    params[0].grad, params[1].grad = tg.tensor([3.0]), tg.tensor([4.0])
    return params


@pytest.mark.parametrize("foreach", [None, True, False])
def test_clipping_accepts_pytorchs_foreach_switch(foreach) -> None:
    params = grads_3_4()
    assert utils.clip_grad_norm_(params, 1.0, foreach=foreach).item() == pytest.approx(5.0)
    utils.clip_grad_value_(params, 0.7, foreach=foreach)
    np.testing.assert_allclose([p.grad.item() for p in params], [0.6, 0.7], rtol=1e-6)
    with pytest.raises(TypeError, match="foreach"):
        utils.clip_grad_norm_(params, 1.0, foreach="yes")


def test_get_total_norm_and_clip_grads_with_norm_split_clip_grad_norm_in_two() -> None:
    params = grads_3_4()
    total = utils.get_total_norm([p.grad for p in params], norm_type=1.0)
    assert total.item() == pytest.approx(7.0)
    utils.clip_grads_with_norm_(params, 3.5, total)
    np.testing.assert_allclose([p.grad.item() for p in params], [1.5, 2.0], rtol=1e-6)
    assert utils.get_total_norm([]).item() == 0.0
    with pytest.raises(RuntimeError, match="cannot be clipped"):
        utils.get_total_norm([tg.tensor([math.inf])], error_if_nonfinite=True)


def test_clip_grad_norm_without_underscore_warns_as_deprecated() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert utils.clip_grad_norm(grads_3_4(), 1.0).item() == pytest.approx(5.0)
    assert any(issubclass(w.category, FutureWarning) for w in caught)


def test_clip_grad_value_refuses_a_negative_clip_value() -> None:
    with pytest.raises(ValueError, match="clip_value must be >= 0, got -1.0"):
        utils.clip_grad_value_(grads_3_4(), -1.0)


def test_parameters_to_vector_and_back() -> None:
    params = [
        tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True),
        tg.tensor(np.float64(7.0), requires_grad=True),
    ]
    vector = utils.parameters_to_vector(params)
    np.testing.assert_array_equal(vector.numpy(), [0, 1, 2, 3, 4, 5, 7])
    (vector * vector).sum().backward()
    np.testing.assert_array_equal(params[0].grad.numpy(), 2 * np.arange(6.0).reshape(2, 3))
    utils.vector_to_parameters(tg.tensor(np.arange(10.0, 17.0)), params)
    np.testing.assert_array_equal(params[0].numpy(), np.arange(10.0, 16.0).reshape(2, 3))
    assert params[1].item() == 16.0
    with pytest.raises(ValueError, match="hold 7 numbers"):
        utils.vector_to_parameters(tg.tensor(np.zeros(5)), params)


# -- Rprop and ASGD, as torch.optim's ---------------------------------------------------------------


def test_rprop_grows_the_step_while_the_sign_holds_and_waits_a_step_after_a_flip_by_hand() -> None:
    """Δ = lr = 0.1 at first (no previous sign); same sign: 0.12, then 0.144; a flip halves Δ to 0.072
    and skips the move; the next step has no previous sign again and moves by 0.072."""
    param = tg.tensor(np.array([0.0]), requires_grad=True)
    optimizer = tg.optim.Rprop([param], lr=0.1)
    moves = []
    for grad in [1.0, 2.0, 0.5, -1.0, -1.0]:
        before = param.item()
        param.grad = tg.tensor(np.array([grad]))
        optimizer.step()
        moves.append(param.item() - before)
    np.testing.assert_allclose(moves, [-0.1, -0.12, -0.144, 0.0, 0.072], rtol=1e-13)
    np.testing.assert_allclose(optimizer.state[param]["step_size"].numpy(), [0.072], rtol=1e-14)


def test_asgd_averages_the_iterates_after_t0_by_hand() -> None:
    """lambd = 0, t0 = 1: θ̄ copies θ at step 1, then μ = 1/(t − 1) averages the later iterates."""
    param = tg.tensor(np.array([1.0]), requires_grad=True)
    optimizer = tg.optim.ASGD([param], lr=0.1, lambd=0.0, alpha=0.75, t0=1.0)
    iterates = []
    for _ in range(4):
        param.grad = tg.tensor(np.array([1.0]))
        optimizer.step()
        iterates.append(param.item())
    np.testing.assert_allclose(iterates, [0.9, 0.8, 0.7, 0.6], rtol=1e-14)
    # μ after step t is 1/max(1, t − 1): steps 2 and 3 copy, step 4 averages with μ = 1/2
    np.testing.assert_allclose(optimizer.state[param]["ax"].numpy(), [0.65], rtol=1e-14)


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (tg.optim.Rprop, dict(etas=(1.5, 1.2)), "Invalid eta values"),
        (tg.optim.Rprop, dict(etas=(0.5, 0.9)), "Invalid eta values"),
        (tg.optim.Rprop, dict(lr=-0.1), "Invalid learning rate"),
        (tg.optim.ASGD, dict(lr=-0.1), "lr"),
        (tg.optim.ASGD, dict(weight_decay=-0.1), "Invalid weight_decay value"),
    ],
)
def test_rprop_and_asgd_refuse_bad_settings_as_pytorch(cls: type, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        cls([tg.zeros(2, requires_grad=True)], **kwargs)


# -- LBFGS, as torch.optim.LBFGS -------------------------------------------------------------------

LBFGS_SETTINGS = {
    "lbfgs": dict(lr=0.5, max_iter=7),
    "lbfgs-strong_wolfe": dict(line_search_fn="strong_wolfe", history_size=3, max_iter=10),
}


def lbfgs_run(
    settings: dict, steps: int, resume_after: int | None = None
) -> tuple[list, list, tg.optim.LBFGS]:
    params = [tg.tensor(FIXTURE[f"lbfgs/initial_{i}"].copy(), requires_grad=True) for i in range(2)]
    optimizer = tg.optim.LBFGS(params, **settings)

    def closure() -> tg.Tensor:
        optimizer.zero_grad()
        W, c = params  # noqa: N806
        chain = c[1:] - c[:-1] * c[:-1]
        loss = (chain * chain).sum() * 10 + ((1 - c) * (1 - c)).sum() + (W * W * W * W).sum() * 0.1
        loss = loss + ((W - 0.5) * (W - 0.5)).sum()
        loss.backward()
        return loss

    losses, trajectory = [], []
    for step in range(steps):
        if step == resume_after:  # a fresh optimizer from the state dict, on the same parameters
            saved = optimizer.state_dict()
            optimizer = tg.optim.LBFGS(params, lr=123.0)
            optimizer.load_state_dict(saved)
        losses.append(optimizer.step(closure).item())
        trajectory.append(np.concatenate([p.numpy().reshape(-1) for p in params]))
    return losses, trajectory, optimizer


@pytest.mark.parametrize("name", sorted(LBFGS_SETTINGS))
def test_lbfgs_follows_pytorchs_iterations_and_evaluation_counts(name: str) -> None:
    losses, trajectory, optimizer = lbfgs_run(LBFGS_SETTINGS[name], 4)
    np.testing.assert_allclose(losses, FIXTURE[f"{name}/losses"], rtol=1e-10)
    np.testing.assert_allclose(np.stack(trajectory), FIXTURE[f"{name}/trajectory"], rtol=1e-9, atol=1e-12)
    state = next(iter(optimizer.state.values()))
    assert [state["func_evals"], state["n_iter"]] == FIXTURE[f"{name}/counts"].tolist()


@pytest.mark.parametrize("name", sorted(LBFGS_SETTINGS))
def test_lbfgs_state_dict_resumes_the_same_iterations(name: str) -> None:
    _, straight, _ = lbfgs_run(LBFGS_SETTINGS[name], 3)
    _, resumed, _ = lbfgs_run(LBFGS_SETTINGS[name], 3, resume_after=2)
    np.testing.assert_array_equal(np.stack(resumed), np.stack(straight))


def test_lbfgs_needs_a_closure_one_group_and_a_known_line_search() -> None:
    param = tg.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match="needs a closure"):
        tg.optim.LBFGS([param]).step()
    with pytest.raises(ValueError, match="parameter groups"):
        tg.optim.LBFGS([{"params": [param]}, {"params": [tg.zeros(1, requires_grad=True)]}])
    with pytest.raises(ValueError, match="line_search_fn"):
        tg.optim.LBFGS([param], line_search_fn="armijo")


# -- Adafactor, as torch.optim.Adafactor ---------------------------------------------------------------

ADAFACTOR_SETTINGS = {
    "adafactor": (dict(lr=0.3, weight_decay=0.1, eps=(1e-20, 0.1), d=2.0, maximize=True), "float64"),
    "adafactor-float32": (dict(lr=0.05, beta2_decay=-0.5), "float32"),
}


@pytest.mark.parametrize("name", sorted(ADAFACTOR_SETTINGS))
def test_adafactor_follows_pytorch_on_matrices_vectors_and_a_0d_parameter(name: str) -> None:
    kwargs, dtype = ADAFACTOR_SETTINGS[name]
    params = [tg.tensor(FIXTURE[f"{name}/initial_{i}"].copy(), requires_grad=True) for i in range(4)]
    optimizer = tg.optim.Adafactor(params, **kwargs)
    ours = run_steps(optimizer, params, 0, 20)
    # its norms are sums in another order than PyTorch's: a few ulps, grown over 20 large steps
    assert_trajectory(ours, FIXTURE[f"{name}/trajectory"], dtype, rtol64=1e-9)
    assert set(optimizer.state[params[0]]) == {"step", "row_var", "col_var"}
    assert optimizer.state[params[3]]["row_var"].shape == (2, 3, 1)
    assert set(optimizer.state[params[1]]) == {"step", "variance"}


def test_adafactor_refuses_bad_settings_with_pytorchs_words() -> None:
    param = tg.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="beta2_decay should be <= 0"):
        tg.optim.Adafactor([param], beta2_decay=0.5)
    with pytest.raises(ValueError, match="Clipping threshold d should be >= 1"):
        tg.optim.Adafactor([param], d=0.5)
    with pytest.raises(ValueError, match="epsilon2"):
        tg.optim.Adafactor([param], eps=(None, -1.0))


# -- hooks, as torch.optim.Optimizer's -------------------------------------------------------------


def test_step_hooks_run_around_every_step_and_a_pre_hook_may_replace_the_arguments() -> None:
    param = tg.zeros(2, requires_grad=True)
    optimizer = tg.optim.SGD([param], lr=0.1)
    calls = []
    pre = optimizer.register_step_pre_hook(lambda opt, args, kwargs: calls.append(("pre", opt, args, kwargs)))
    optimizer.register_step_post_hook(lambda opt, args, kwargs: calls.append(("post", opt, args, kwargs)))
    param.grad = tg.ones(2)
    optimizer.step()
    assert calls == [("pre", optimizer, (), {}), ("post", optimizer, (), {})]
    pre.remove()
    optimizer.register_step_pre_hook(lambda opt, args, kwargs: ((), {"closure": lambda: 7.0}))
    assert optimizer.step() == 7.0
    np.testing.assert_allclose(param.numpy(), [-0.2, -0.2], rtol=1e-6)


def test_state_dict_hooks_run_once_and_may_replace_the_dicts() -> None:
    param = tg.zeros(2, requires_grad=True)
    optimizer = tg.optim.LBFGS([param])  # overrides state_dict and calls the base one: hooks run once
    seen = []
    optimizer.register_state_dict_pre_hook(lambda opt: seen.append("pre"))
    optimizer.register_state_dict_post_hook(
        lambda opt, saved: {**saved, "param_groups": [{**saved["param_groups"][0], "lr": 0.5}]}
    )
    saved = optimizer.state_dict()
    assert seen == ["pre"] and saved["param_groups"][0]["lr"] == 0.5
    optimizer.register_load_state_dict_pre_hook(
        lambda opt, state: {**state, "param_groups": [{**state["param_groups"][0], "lr": 0.25}]}
    )
    optimizer.register_load_state_dict_post_hook(lambda opt: seen.append("loaded"))
    optimizer.load_state_dict(saved)
    assert optimizer.param_groups[0]["lr"] == 0.25 and seen == ["pre", "loaded"]


def test_named_parameters_give_groups_param_names_as_in_pytorch() -> None:
    model = tg.nn.Linear(3, 2)
    optimizer = tg.optim.Adam(model.named_parameters(), lr=0.1)
    assert optimizer.param_groups[0]["param_names"] == ["weight", "bias"]
    assert optimizer.param_groups[0]["params"] == [model.weight, model.bias]
    saved = optimizer.state_dict()
    assert saved["param_groups"][0]["param_names"] == ["weight", "bias"]
    del saved["param_groups"][0]["param_names"]
    optimizer.load_state_dict(saved)  # a dict without names keeps the optimizer's
    assert optimizer.param_groups[0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="cannot add param group without names"):
        optimizer.add_param_group({"params": [tg.zeros(1, requires_grad=True)]})
    with pytest.raises(ValueError, match="Some param names are missing"):
        tg.optim.SGD([("a", tg.zeros(1, requires_grad=True)), tg.zeros(1, requires_grad=True)])


# torch 2.13's param_groups keys (params aside), printed from torch.optim.<name>([p]).param_groups[0]
PYTORCH_GROUP_KEYS = {
    "SGD": "dampening differentiable foreach fused lr maximize momentum nesterov weight_decay",
    "Adam": "amsgrad betas capturable decoupled_weight_decay differentiable eps foreach fused lr maximize "
    "weight_decay",
    "AdamW": "amsgrad betas capturable decoupled_weight_decay differentiable eps foreach fused lr maximize "
    "weight_decay",
    "RMSprop": "alpha capturable centered differentiable eps foreach lr maximize momentum weight_decay",
    "Adagrad": "differentiable eps foreach fused initial_accumulator_value lr lr_decay maximize weight_decay",
    "Adadelta": "capturable differentiable eps foreach lr maximize rho weight_decay",
    "Adamax": "betas capturable differentiable eps foreach lr maximize weight_decay",
    "NAdam": "betas capturable decoupled_weight_decay differentiable eps foreach lr maximize momentum_decay "
    "weight_decay",
    "RAdam": "betas capturable decoupled_weight_decay differentiable eps foreach lr maximize weight_decay",
    "Rprop": "capturable differentiable etas foreach lr maximize step_sizes",
    "ASGD": "alpha capturable differentiable foreach lambd lr maximize t0 weight_decay",
    "Adafactor": "beta2_decay d eps foreach lr maximize weight_decay",
    "LBFGS": "history_size line_search_fn lr max_eval max_iter tolerance_change tolerance_grad",
}


@pytest.mark.parametrize("name", sorted(PYTORCH_GROUP_KEYS))
def test_param_groups_have_pytorchs_keys(name: str) -> None:
    optimizer = getattr(tg.optim, name)([tg.zeros(2, requires_grad=True)])
    expected = PYTORCH_GROUP_KEYS[name].split()
    assert sorted(k for k in optimizer.param_groups[0] if k != "params") == expected
    assert sorted(k for k in optimizer.state_dict()["param_groups"][0] if k != "params") == expected
