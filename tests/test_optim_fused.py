"""The compiled fused steps (tg.optim.fused, numba) give the plain rule's results bit for bit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.optim import fused

needs_numba = pytest.mark.skipif(not fused.numba_available(), reason="numba is not installed (extra 'fast')")

# The compiled path is for flat groups on the CPU, so these tensors are on "cpu" whatever the default.
SHAPES = [(70, 33), (33,), (5, 7), (1,), (300,)]  # sizes off any SIMD width; small ones packed together

SETTINGS = [
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.003, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),  # no compiled loop: the plain rule runs
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),  # L2 decay: plain rule
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2}),
    ("Momentum", {"lr": 0.05}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),  # plain rule
    ("RMSProp", {"lr": 0.01}),  # no compiled rule for the family
]


def run(name: str, kwargs: dict, fused_flag: bool | None, dtype: str, steps: int = 8) -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    params = [
        tg.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True, device="cpu") for s in SHAPES
    ]
    optimizer = getattr(tg.optim, name)(params, **kwargs)
    optimizer.fused = fused_flag
    for step in range(steps):
        for index, param in enumerate(params):
            grad = (rng.standard_normal(param.shape) * 10.0 ** rng.integers(-6, 2)).astype(dtype)
            if step == 3 and index == 0:
                grad[:5] = 0.0  # zero gradients: m and v decay, denominators near eps
            param.grad = tg.tensor(grad, device="cpu")
        optimizer.step()
    values = [p.numpy().copy() for p in params]
    for param in params:
        for _, value in sorted(optimizer.state[param].items()):
            values.append(value.numpy().copy() if isinstance(value, tg.Tensor) else np.asarray(value))
    return values


@needs_numba
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "kwargs"), SETTINGS)
def test_fused_step_matches_plain_step_bit_for_bit(name: str, kwargs: dict, dtype: str) -> None:
    plain = run(name, kwargs, False, dtype)
    compiled = run(name, kwargs, True, dtype)
    assert len(plain) == len(compiled)
    for a, b in zip(plain, compiled):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)  # exact, not approximately


@needs_numba
def test_fused_path_is_taken_for_adam_on_a_flat_cpu_group_and_follows_the_flag() -> None:
    params = [
        tg.zeros((4, 3), requires_grad=True, device="cpu"),
        tg.zeros((3,), requires_grad=True, device="cpu"),
    ]
    optimizer = tg.optim.Adam(params)
    for param in params:
        param.grad = tg.ones(param.shape, device="cpu")
    optimizer.step()
    optimizer.step()
    assert optimizer._flat_groups[0].compiled  # auto: numba is installed
    assert fused.rule_for(optimizer, optimizer.param_groups[0], optimizer._flat_groups[0].blocks[0][2])
    optimizer.fused = False
    optimizer.step()  # the flag changed: one ordinary step, then flat again without the compiled rule
    optimizer.step()
    assert not optimizer._flat_groups[0].compiled
    assert optimizer.state[params[0]]["step"] == 4


def test_fused_true_without_numba_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fused, "numba_available", lambda: False)
    params = [
        tg.zeros((4,), requires_grad=True, device="cpu"),
        tg.zeros((2,), requires_grad=True, device="cpu"),
    ]
    optimizer = tg.optim.Adam(params)
    optimizer.fused = True
    for param in params:
        param.grad = tg.ones(param.shape, device="cpu")
    with pytest.raises(ImportError, match=r"tinygrad_adam\[fast\]"):
        optimizer.step()
        optimizer.step()
    optimizer.fused = None  # auto without numba: the plain rule, no error
    optimizer.step()


def test_import_and_a_plain_step_do_not_import_numba() -> None:
    code = (
        "import sys, tinygrad_adam as tg\n"
        "p = tg.zeros((3,), requires_grad=True)\n"
        "opt = tg.optim.Adam([p]); opt.fused = False\n"
        "p.grad = tg.ones((3,)); opt.step(); opt.step()\n"
        "print('numba' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_compiled_step_serves_built_in_optimizers_and_subclasses_that_keep_their_rule() -> None:
    params = [tg.zeros(3, requires_grad=True)]

    class Adam(tg.optim.Optimizer):  # a user's own optimizer that happens to share the name
        def __init__(self, params) -> None:
            super().__init__(params, {"lr": 0.1})

        def _update(self, param, grad, state, group) -> None:
            param._data[...] = param._data - group["lr"] * grad

    class ScheduledAdam(tg.optim.Adam):  # same update rule: the compiled step still applies
        pass

    class ClippedAdam(tg.optim.Adam):  # its own rule: the compiled step would skip it
        def _update(self, param, grad, state, group) -> None:
            super()._update(param, grad.clip(-1, 1) if hasattr(grad, "clip") else grad, state, group)

    assert fused.family(tg.optim.Adam(params)) == "Adam" and fused.family(tg.optim.AdamW(params)) == "AdamW"
    assert fused.family(tg.optim.Momentum(params, lr=0.1)) == "Momentum"
    assert fused.family(ScheduledAdam(params)) == "Adam"
    assert fused.family(Adam(params)) is None and fused.family(ClippedAdam(params)) is None
    assert fused.family(tg.optim.RMSProp(params)) is None
    with pytest.raises(RuntimeError, match="ClippedAdam has no fused step"):
        ClippedAdam(params, fused=True)


@needs_numba
@pytest.mark.parametrize(
    ("name", "kwargs"), [("Adam", {"weight_decay": 0.0}), ("AdamW", {}), ("SGD", {"momentum": 0.9})]
)
def test_numpy_float64_hyperparameters_on_float32_parameters_give_the_plain_result(
    name: str, kwargs: dict
) -> None:
    # A schedule computed with NumPy hands over np.float64 rates: the plain rule then computes the
    # float32 update in float64 (NumPy's promotion), so the float32 loop must step aside.
    def train(fused_flag: bool) -> list[np.ndarray]:
        rng = np.random.default_rng(5)
        params = [
            tg.tensor(rng.standard_normal(s).astype("float32"), requires_grad=True, device="cpu")
            for s in SHAPES
        ]
        optimizer = getattr(tg.optim, name)(params, lr=0.01, **kwargs)
        optimizer.fused = fused_flag
        for step in range(6):
            optimizer.param_groups[0]["lr"] = np.float64(0.01) * np.cos(step / 10)
            for param in params:
                param.grad = tg.tensor(rng.standard_normal(param.shape).astype("float32"), device="cpu")
            optimizer.step()
        return [p.numpy() for p in params]

    for plain, compiled in zip(train(False), train(True)):
        assert compiled.dtype == np.float32
        np.testing.assert_array_equal(plain, compiled)


def test_a_numba_that_fails_to_import_leaves_the_default_on_the_plain_path(tmp_path) -> None:
    # A numba built for another NumPy raises on import; the default must still train.
    (tmp_path / "numba").mkdir()
    (tmp_path / "numba" / "__init__.py").write_text("raise ImportError('Numba needs NumPy 2.3 or less')\n")
    code = (
        "import tinygrad_adam as tg\n"
        "from tinygrad_adam.optim import fused\n"
        "tg.manual_seed(0)\n"
        "model = tg.nn.Sequential(tg.nn.Dense(4, 8, activation='relu'), tg.nn.Dense(8, 2))\n"
        "lstm = tg.nn.LSTM(3, 5)\n"
        "opt = tg.optim.Adam(list(model.parameters()) + list(lstm.parameters()))\n"
        "for _ in range(3):\n"
        "    opt.zero_grad()\n"
        "    loss = model(tg.ones((2, 4))).sum() + lstm(tg.ones((4, 2, 3)))[0].sum()\n"
        "    loss.backward(); opt.step()\n"
        "print(fused.numba_available(), fused.wanted(opt))"
    )
    env = {**__import__("os").environ, "PYTHONPATH": f"{tmp_path}:{__import__('os').getcwd()}"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
