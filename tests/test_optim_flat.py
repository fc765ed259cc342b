"""Flat-buffer optimizer steps (tg.optim.flat) give the per-parameter results bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.optim import flat

SHAPES = [(3, 5), (5,), (2, 3, 2), (1,), (4, 4)]

SETTINGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("Momentum", {"lr": 0.05, "dampening": 0.1}),
    ("RMSProp", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("AdaGrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.2}),
    ("AdaDelta", {"weight_decay": 0.1, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("AdaBound", {"lr": 0.01, "amsbound": True}),
    ("Lion", {"lr": 0.001, "weight_decay": 0.1}),
]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Blocks of 7 elements: many blocks, some spanning two parameters, in tiny tensors.
    monkeypatch.setattr(flat, "BLOCK", 7)


# Parameters stored column by column, as Dense's weight; the first gets gradients in its own
# layout (read in place), the second row-major ones (copied into the parameter's order).
TRANSPOSED = (0, 4)


def make_params(dtype: str = "float64") -> list[tg.Tensor]:
    rng = np.random.default_rng(1)
    params = []
    for index, shape in enumerate(SHAPES):
        values = rng.standard_normal(shape).astype(dtype)
        if index in TRANSPOSED:
            values = np.asfortranarray(values)
        params.append(tg.tensor(values, requires_grad=True))
    return params


def set_grads(params: list[tg.Tensor], step: int, skip: int | None = None) -> None:
    rng = np.random.default_rng(100 + step)
    for index, param in enumerate(params):
        grad = rng.standard_normal(param.shape).astype(param.dtype)
        if index == TRANSPOSED[0]:
            grad = np.asfortranarray(grad)
        param.grad = None if index == skip else tg.tensor(grad)


def run(name: str, kwargs: dict, flat_buffers: bool, steps: int = 12, hook=None, dtype: str = "float64"):
    params = make_params(dtype)
    optimizer = getattr(tg.optim, name)(params, **kwargs)
    optimizer.flat_buffers = flat_buffers
    for step in range(steps):
        set_grads(params, step)
        if hook is not None:
            optimizer = hook(step, optimizer, params) or optimizer
        optimizer.step()
    return params, optimizer


def snapshot(params: list[tg.Tensor], optimizer: tg.optim.Optimizer) -> list:
    values = [p.numpy().copy() for p in params]
    for param in params:
        for name, value in sorted(optimizer.state[param].items()):
            values.append((name, value.numpy().copy() if isinstance(value, tg.Tensor) else value))
    return values


def assert_identical(a: list, b: list) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if isinstance(x, tuple):
            assert x[0] == y[0]
            x, y = x[1], y[1]
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape
            np.testing.assert_array_equal(x, y)  # bit for bit, not approximately
        else:
            assert x == y


@pytest.mark.parametrize("name,kwargs", SETTINGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SETTINGS)])
def test_flat_step_matches_per_parameter_step_bit_for_bit(name: str, kwargs: dict) -> None:
    assert_identical(snapshot(*run(name, kwargs, True)), snapshot(*run(name, kwargs, False)))


def test_flat_step_is_used_on_every_device_and_state_tensors_are_views_of_one_buffer() -> None:
    params, optimizer = run("Adam", {"lr": 0.01}, True, steps=3, dtype="float32")
    group = optimizer._flat_groups[0]
    assert isinstance(group, flat.FlatGroup) and group.intact(optimizer, optimizer.param_groups[0])
    if tg.get_default_device() != "cpu":  # one block for the whole group: launches, not caches, cost
        assert len(group.blocks) == 1
    for param in params:
        if tg.get_default_device() == "cpu":
            assert np.shares_memory(param._data, group.flat_param)
            assert np.shares_memory(optimizer.state[param]["exp_avg"]._data, group.flat_state["exp_avg"])
        assert optimizer.state[param]["exp_avg"].shape == param.shape
        assert optimizer.state[param]["step"] == 3
        assert param.dtype == tg.float32 and optimizer.state[param]["exp_avg_sq"].dtype == tg.float32


def test_load_state_dict_mid_run_continues_exactly() -> None:
    def reload(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        if step == 5:
            fresh = tg.optim.Adam(params, lr=0.01, amsgrad=True)
            fresh.flat_buffers = optimizer.flat_buffers
            fresh.load_state_dict(optimizer.state_dict())
            return fresh
        return None

    flat_run = snapshot(*run("Adam", {"lr": 0.01, "amsgrad": True}, True, hook=reload))
    assert_identical(flat_run, snapshot(*run("Adam", {"lr": 0.01, "amsgrad": True}, False, hook=reload)))
    assert_identical(flat_run, snapshot(*run("Adam", {"lr": 0.01, "amsgrad": True}, False)))


def test_replaced_parameter_data_is_picked_up() -> None:
    def overwrite(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        if step in (4, 5):
            with tg.no_grad():
                params[0].copy_(tg.ones(*params[0].shape, dtype=params[0].dtype))
                params[2][0] = 3.0
        return None

    a = snapshot(*run("NAdam", {"lr": 0.01}, True, hook=overwrite))
    assert_identical(a, snapshot(*run("NAdam", {"lr": 0.01}, False, hook=overwrite)))


def test_parameters_without_gradient_are_skipped_as_in_the_per_parameter_path() -> None:
    def drop(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        if step in (3, 7):
            params[1].grad = None
        return None

    a = snapshot(*run("RAdam", {"lr": 0.01}, True, hook=drop))
    assert_identical(a, snapshot(*run("RAdam", {"lr": 0.01}, False, hook=drop)))


def test_hyperparameters_changed_mid_run_take_effect() -> None:
    def change(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        group = optimizer.param_groups[0]
        if step == 4:
            group["momentum"] = 0.9  # creates momentum buffers in the middle of a run
        group["lr"] = 0.1 / (step + 1)  # what a learning-rate schedule does
        return None

    a = snapshot(*run("SGD", {"lr": 0.1}, True, hook=change))
    assert_identical(a, snapshot(*run("SGD", {"lr": 0.1}, False, hook=change)))


def test_optimizer_on_the_same_parameters_twice_stays_exact() -> None:
    def second(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        if step == 6:
            other = tg.optim.SGD(params, lr=0.01)
            other.flat_buffers = optimizer.flat_buffers
            other.step()
            other.step()  # flattens the parameters into its own buffers
        return None

    a = snapshot(*run("Adam", {"lr": 0.01}, True, hook=second))
    assert_identical(a, snapshot(*run("Adam", {"lr": 0.01}, False, hook=second)))


def test_transposed_parameters_keep_their_layout_in_the_flat_buffers() -> None:
    if tg.get_default_device() != "cpu":
        pytest.skip("memory layout is a NumPy/CuPy notion; flat buffers serve the CPU backend")
    params, optimizer = run("Adam", {"lr": 0.01}, True, steps=3, dtype="float32")
    group = optimizer._flat_groups[0]
    for index, param in enumerate(params):
        transposed = index in TRANSPOSED
        assert param._data.flags.f_contiguous == transposed or param._data.ndim < 2
        assert np.shares_memory(param._data, group.flat_param)
        exp_avg = optimizer.state[param]["exp_avg"]._data
        assert exp_avg.strides == param._data.strides  # the state lies in memory as θ does


@pytest.mark.parametrize("name,kwargs", SETTINGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SETTINGS)])
def test_a_zero_dimensional_parameter_moves_as_a_one_element_parameter(name: str, kwargs: dict) -> None:
    # Its state must be a 0-d array updated in place (not an immutable NumPy scalar), on either path.
    def trajectory(shape: tuple, flat_buffers: bool) -> np.ndarray:
        params = [
            tg.tensor(np.full(shape, 0.5), requires_grad=True),
            tg.tensor(np.ones(3), requires_grad=True),
        ]
        optimizer = getattr(tg.optim, name)(params, **kwargs)
        optimizer.flat_buffers = flat_buffers
        for step in range(6):
            params[0].grad = tg.tensor(np.full(shape, (-1.0) ** step * (step + 1)))
            params[1].grad = tg.tensor(np.ones(3))
            optimizer.step()
        return params[0].numpy().reshape(())

    expected = trajectory((1,), False)
    assert expected != 0.5
    assert trajectory((), False) == expected and trajectory((), True) == expected


def test_zero_dimensional_and_empty_parameters_resume_from_a_state_dict() -> None:
    def run_with_reload(flat_buffers: bool, reload: bool) -> list:
        params = [
            tg.tensor(np.array(0.5), requires_grad=True),
            tg.tensor(np.zeros((0, 3)), requires_grad=True),
            tg.tensor(np.ones(4), requires_grad=True),
        ]
        optimizer = tg.optim.Adam(params, lr=0.1)
        optimizer.flat_buffers = flat_buffers
        for step in range(6):
            if reload and step == 3:  # a 0-d parameter's exp_avg stays a tensor, not a float
                saved = optimizer.state_dict()
                optimizer = tg.optim.Adam(params, lr=0.1)
                optimizer.flat_buffers = flat_buffers
                optimizer.load_state_dict(saved)
            for index, param in enumerate(params):
                param.grad = tg.tensor(np.full(param.shape, float(step - index)))
            optimizer.step()
        return snapshot(params, optimizer)

    expected = run_with_reload(False, False)
    for flat_buffers in (False, True):
        assert_identical(run_with_reload(flat_buffers, True), expected)


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_a_copy_of_a_flat_optimizer_mid_run_continues_exactly(how: str) -> None:
    import copy
    import pickle

    def duplicate(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        if step == 6:  # the group has been flat since step 2
            new_params, new_optimizer = (
                copy.deepcopy((params, optimizer))
                if how == "deepcopy"
                else pickle.loads(pickle.dumps((params, optimizer)))
            )
            for new, old in zip(new_params, params):
                new.grad = old.grad
            params[:] = new_params
            return new_optimizer
        return None

    expected = snapshot(*run("Adam", {"lr": 0.01}, False))
    assert_identical(snapshot(*run("Adam", {"lr": 0.01}, True, hook=duplicate)), expected)


def test_a_parameter_that_views_another_array_keeps_writing_into_it() -> None:
    if tg.get_default_device() != "cpu":
        pytest.skip("views of another array are a NumPy/CuPy notion (the strict backend hides them)")
    base = tg.tensor(np.arange(12.0).reshape(3, 4))
    columns = [base[:, 1].requires_grad_(), base[:, 2].requires_grad_()]  # leaves viewing base
    strides = [column._data.strides for column in columns]
    optimizer = tg.optim.SGD(columns, lr=0.5)
    for _ in range(3):
        for column in columns:
            column.grad = tg.ones(3, dtype=column.dtype)
        optimizer.step()
    np.testing.assert_array_equal(base.numpy()[:, 1:3], [[-0.5, 0.5], [3.5, 4.5], [7.5, 8.5]])
    assert [column._data.strides for column in columns] == strides


def test_a_parameter_from_numpy_keeps_sharing_the_callers_array() -> None:
    weights, bias = np.ones((300, 300), np.float32), np.zeros(300, np.float32)  # several blocks
    params = [tg.nn.Parameter(tg.from_numpy(weights)), tg.nn.Parameter(tg.from_numpy(bias))]
    optimizer = tg.optim.Adam(params, lr=0.1)
    for _ in range(3):
        for param in params:
            param.grad = tg.ones(*param.shape, device="cpu")  # from_numpy makes CPU tensors
        optimizer.step()
    np.testing.assert_array_equal(weights, params[0].numpy())  # as torch.from_numpy: one memory
    np.testing.assert_array_equal(bias, params[1].numpy())
    assert bias[0] < -0.2


def test_parameters_keep_their_memory_layout_whatever_their_rank() -> None:
    if tg.get_default_device() != "cpu":
        pytest.skip("memory layout is a NumPy/CuPy notion; flat buffers serve the CPU backend")
    rng = np.random.default_rng(2)
    params = [
        tg.tensor(np.asfortranarray(rng.standard_normal((2, 3, 4))), requires_grad=True),
        tg.tensor(rng.standard_normal((3, 4, 2)), requires_grad=True),
        tg.tensor(np.asfortranarray(rng.standard_normal((5, 3))), requires_grad=True),
    ]
    strides = [param._data.strides for param in params]
    optimizer = tg.optim.Adam(params)
    for _ in range(3):
        for param in params:
            param.grad = tg.tensor(rng.standard_normal(param.shape))
        optimizer.step()
    assert isinstance(optimizer._flat_groups[0], flat.FlatGroup)
    assert [param._data.strides for param in params] == strides


def test_a_gradient_that_is_the_parameter_itself_steps_as_per_parameter() -> None:
    # p.grad = p.detach() shares θ's memory: decoupled decay changes g along with θ, on both paths.
    def alias(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        params[1].grad = params[1].detach()
        return None

    a = snapshot(*run("AdamW", {"lr": 0.01, "weight_decay": 0.5}, True, hook=alias))
    assert_identical(a, snapshot(*run("AdamW", {"lr": 0.01, "weight_decay": 0.5}, False, hook=alias)))


def test_a_state_tensor_held_by_the_user_follows_the_steps_after_the_group_is_flattened_again() -> None:
    held = {}

    def hold(step: int, optimizer: tg.optim.Optimizer, params: list[tg.Tensor]):
        if step == 1:
            held["exp_avg"] = optimizer.state[params[0]]["exp_avg"]
        if step == 4:
            with tg.no_grad():  # new parameter data: the group steps per parameter, then flattens anew
                params[2].copy_(tg.ones(*params[2].shape, dtype=params[2].dtype))
        return None

    params, optimizer = run("Adam", {"lr": 0.01}, True, hook=hold)
    assert held["exp_avg"] is optimizer.state[params[0]]["exp_avg"]
    reference_params, reference = run("Adam", {"lr": 0.01}, False, hook=hold)
    expected = reference.state[reference_params[0]]["exp_avg"].numpy()
    np.testing.assert_array_equal(held["exp_avg"].numpy(), expected)


def test_small_parameters_between_large_ones_share_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    # An MLP's weights and biases alternate; the biases are laid out together after the weights,
    # so on the CPU they cost one block, not one each, and the steps stay the per-parameter ones.
    monkeypatch.setattr(flat, "BLOCK", 16)
    shapes = [(4, 6), (4,), (3, 4), (3,), (2, 3), (2,)]  # 24, 4, 12, 3, 6, 2 elements
    rng = np.random.default_rng(3)
    runs = []
    for flat_buffers in (True, False):
        params = [tg.tensor(rng.standard_normal(shape), requires_grad=True) for shape in shapes]
        rng = np.random.default_rng(3)  # the same values for both runs
        optimizer = tg.optim.Adam(params, lr=0.1)
        optimizer.flat_buffers = flat_buffers
        for step in range(4):
            set_grads(params, step)
            optimizer.step()
        runs.append(snapshot(params, optimizer))
        if flat_buffers:
            group = optimizer._flat_groups[0]
            members = [block[4] for block in group.blocks]
            if group.backend.is_host:  # weight 0 cut in two, weight 2 alone, the small ones together
                assert members == [[0], [0], [2], [1, 3, 4, 5]]
            else:  # off the CPU the whole group is one block
                assert members == [[0, 1, 2, 3, 4, 5]]
    assert_identical(*runs)
