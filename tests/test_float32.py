"""float32 end to end: a training step of a float32 model makes no float64 array anywhere."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_adam as tg

OPTIMIZERS = ["SGD", "Momentum", "RMSProp", "AdaGrad", "AdaDelta", "Adam", "AdamW", "Adamax", "NAdam",
              "RAdam", "AdaBound", "Lion"]  # fmt: skip


class Float32Only(np.ndarray):
    """A NumPy array that fails the test the moment an operation on it produces float64.

    Every ufunc (operators, matmul, reductions) and every NumPy function that receives one of these
    is checked, and its results are of this class again, so the check follows the computation.
    """

    produced: list[str] = []

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = tuple(_plain(o) for o in out)
        result = getattr(ufunc, method)(*(_plain(x) for x in inputs), **kwargs)
        _check(result, f"{ufunc.__name__}.{method}")
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _tracked(result)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        result = func(*_plain(args), **_plain(kwargs))
        _check(result, func.__name__)
        return _tracked(result)


def _plain(value: Any) -> Any:
    if isinstance(value, Float32Only):
        return value.view(np.ndarray)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _tracked(value: Any) -> Any:
    if isinstance(value, np.ndarray) and not isinstance(value, Float32Only):
        return value.view(Float32Only)
    if isinstance(value, tuple):
        return tuple(_tracked(v) for v in value)
    return value


def _check(value: Any, where: str) -> None:
    values = value if isinstance(value, tuple) else (value,)
    for v in values:
        if isinstance(v, (np.ndarray, np.generic)) and v.dtype == np.float64:
            Float32Only.produced.append(where)


def make_model() -> tg.nn.Module:
    tg.manual_seed(0)
    return tg.nn.Sequential(
        tg.nn.Dense(6, 8, activation="relu"), tg.nn.Dense(8, 5), tg.nn.Tanh(), tg.nn.Dense(5, 3)
    )


def batch() -> tuple[tg.Tensor, tg.Tensor]:
    rng = np.random.default_rng(0)
    return tg.tensor(rng.standard_normal((4, 6)).astype(np.float32)), tg.tensor([0, 2, 1, 2])


def train_steps(optimizer_name: str, steps: int = 3, track: bool = False, flat: bool = True) -> tuple:
    model = make_model()
    optimizer = getattr(tg.optim, optimizer_name)(model.parameters(), lr=1e-2)
    optimizer.flat_buffers = flat
    loss_fn = tg.nn.CrossEntropyLoss()
    x, y = batch()
    if track:
        x._data = x._data.view(Float32Only)
        for param in model.parameters():
            param._data = param._data.view(Float32Only)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if track and not flat:  # watch the optimizer state from the next step on, too
            for state in optimizer.state.values():
                for value in state.values():
                    if isinstance(value, tg.Tensor) and not isinstance(value._data, Float32Only):
                        value._data = value._data.view(Float32Only)
    return model, optimizer, loss


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_float32_training_step_keeps_params_grads_state_and_loss_float32(name: str) -> None:
    model, optimizer, loss = train_steps(name)
    assert loss.dtype == tg.float32
    for param in model.parameters():
        assert param.dtype == tg.float32 and param.grad.dtype == tg.float32
        assert isinstance(param.numpy(), np.ndarray) and param.numpy().dtype == np.float32
        for key, value in optimizer.state[param].items():
            if isinstance(value, tg.Tensor):
                assert value.dtype == tg.float32, f"{name} state {key!r} is {value.dtype}"


@pytest.mark.parametrize("flat", [True, False], ids=["flat-buffers", "per-parameter"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_float32_training_step_makes_no_float64_temporaries(name: str, flat: bool) -> None:
    if tg.get_default_device() != "cpu":
        pytest.skip("the float64 sentinel is a NumPy array subclass; it watches the CPU backend")
    Float32Only.produced = []
    train_steps(name, track=True, flat=flat)
    assert Float32Only.produced == [], f"float64 arrays made by: {sorted(set(Float32Only.produced))}"


def test_the_sentinel_catches_a_float64_temporary() -> None:
    Float32Only.produced = []
    watched = np.ones(3, dtype=np.float32).view(Float32Only)
    _ = watched * np.float64(2.0) + 1  # NumPy scalars of float64 do upcast
    assert Float32Only.produced == ["multiply.__call__", "add.__call__"]
