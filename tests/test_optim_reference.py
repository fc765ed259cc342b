"""Every optimizer follows PyTorch's trajectories (fixtures from tests/fixtures/make_optimizer_fixtures.py).

Each fixture holds 200 float64 steps of one optimizer setting on one problem: the gradients torch
used and the parameters after each step. AdaBound and Lion, which torch lacks, have references
transcribed from their official code (checked against a torch transcription when the fixtures were
made) and hand-computed first steps here.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "optim").glob("*.npz"))
RTOL = 1e-10


def load_fixture(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    return json.loads(str(arrays["meta"])), arrays


def initial_params(arrays: dict[str, np.ndarray]) -> list[tg.Tensor]:
    count = sum(key.startswith("initial_") for key in arrays)
    return [tg.tensor(arrays[f"initial_{i}"].copy(), requires_grad=True) for i in range(count)]


def make_optimizer(meta: dict, params: list[tg.Tensor]) -> tg.optim.Optimizer:
    groups = meta["groups"]
    if groups is not None:
        params = [{**group, "params": [params[i] for i in group["params"]]} for group in groups]
    return getattr(tg.optim, meta["optimizer"])(params, **meta["kwargs"])


def loss_fn(X: tg.Tensor, Y: tg.Tensor, W: tg.Tensor, b: tg.Tensor, c: tg.Tensor) -> tg.Tensor:  # noqa: N803
    """The fixtures' problem, as in make_optimizer_fixtures.loss_fn."""
    residual = X @ W + b - Y
    chain = c[1:] - c[:-1] * c[:-1]
    return (
        (residual * residual).mean()
        + 0.1 * (W * W * W * W).sum()
        + (chain * chain).sum()
        + 0.1 * ((1 - c) * (1 - c)).sum()
    )


def assert_trajectory_matches(ours: list[list[np.ndarray]], arrays: dict, steps: int, rtol: float) -> None:
    for i in range(len(ours)):
        got = np.stack(ours[i])
        expected = arrays[f"params_{i}"][:steps]
        error = np.abs(got - expected) / (np.abs(expected) + 1e-3)
        worst_step = int(np.argmax(error.reshape(steps, -1).max(axis=1)))
        assert error.max() <= rtol, (
            f"parameter {i} leaves torch's trajectory at step {worst_step + 1}: "
            f"relative error {error.max():.2e} > {rtol:.0e}"
        )


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_optimizer_follows_torch_for_200_steps_given_torchs_gradients(path: Path) -> None:
    meta, arrays = load_fixture(path)
    params = initial_params(arrays)
    optimizer = make_optimizer(meta, params)
    steps = arrays["has_grad"].shape[0]
    ours: list[list[np.ndarray]] = [[] for _ in params]
    for step in range(steps):
        for i, param in enumerate(params):
            has_grad = arrays["has_grad"][step, i]
            param.grad = tg.tensor(arrays[f"grads_{i}"][step].copy()) if has_grad else None
        optimizer.step()
        for i, param in enumerate(params):
            ours[i].append(param.numpy().copy())
    assert_trajectory_matches(ours, arrays, steps, RTOL)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_optimizer_follows_torch_with_gradients_from_our_autodiff(path: Path) -> None:
    meta, arrays = load_fixture(path)
    params = initial_params(arrays)
    optimizer = make_optimizer(meta, params)
    X, Y = tg.tensor(arrays["X"]), tg.tensor(arrays["Y"])  # noqa: N806
    steps = 25
    ours: list[list[np.ndarray]] = [[] for _ in params]
    for step in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(X, Y, *params)
        (-loss if meta["maximize"] else loss).backward()
        for i, param in enumerate(params):
            if not arrays["has_grad"][step, i]:
                param.grad = None
                continue
            np.testing.assert_allclose(param.grad.numpy(), arrays[f"grads_{i}"][step], rtol=1e-9, atol=1e-12)
        optimizer.step()
        for i, param in enumerate(params):
            ours[i].append(param.numpy().copy())
    assert_trajectory_matches(ours, arrays, steps, 1e-8)


def test_fixtures_cover_every_optimizer() -> None:
    names = {load_fixture(path)[0]["optimizer"] for path in FIXTURES}
    expected = {
        "SGD",
        "Momentum",
        "RMSprop",
        "Adagrad",
        "Adadelta",
        "Adam",
        "AdamW",
        "Adamax",
        "NAdam",
        "RAdam",
    }
    assert expected | {"AdaBound", "Lion"} <= names


# -------------------------------------------------------------------------------------------------
# AdaBound and Lion by hand


def one_param_step(optimizer_cls: type, theta: float, grads: list[float], **kwargs: float) -> list[float]:
    param = tg.tensor(np.array([theta]), requires_grad=True)
    optimizer = optimizer_cls([param], **kwargs)
    trajectory = []
    for grad in grads:
        param.grad = tg.tensor(np.array([grad]))
        optimizer.step()
        trajectory.append(param.item())
    return trajectory


def test_lion_first_steps_match_the_papers_algorithm_by_hand() -> None:
    lr, weight_decay, beta1, beta2 = 0.1, 0.5, 0.9, 0.99
    theta = one_param_step(
        tg.optim.Lion, 1.0, [2.0, -30.0, 0.5], lr=lr, betas=(beta1, beta2), weight_decay=weight_decay
    )
    # step 1: c = 0.1·2 > 0, θ = 1 − 0.1·(1 + 0.5·1) = 0.85; m = 0.01·2 = 0.02
    assert theta[0] == pytest.approx(0.85, rel=1e-14)
    # step 2: c = 0.9·0.02 + 0.1·(−30) < 0, θ = 0.85 − 0.1·(−1 + 0.5·0.85) = 0.9075; m = 0.99·0.02 − 0.3
    assert theta[1] == pytest.approx(0.9075, rel=1e-14)
    # step 3: m = −0.2802, c = 0.9·(−0.2802) + 0.05 < 0, θ = 0.9075 − 0.1·(−1 + 0.5·0.9075)
    assert theta[2] == pytest.approx(0.9075 - 0.1 * (-1 + 0.5 * 0.9075), rel=1e-14)


def test_adabound_first_step_is_clipped_to_the_lower_bound_by_hand() -> None:
    # With gamma = 0.5 the bounds at t = 1 are final_lr·(1 − 1/1.5) = 1/30 and final_lr·3 = 0.3,
    # while Adam's rate would be lr·√(1 − β₂)/(1 − β₁)/(√v + ε) ≈ 0.005: the lower bound binds.
    theta = one_param_step(tg.optim.AdaBound, 0.5, [2.0], lr=1e-3, final_lr=0.1, gamma=0.5)
    m = 0.1 * 2.0
    assert theta[0] == pytest.approx(0.5 - (0.1 / 3) * m, rel=1e-14)


def test_adabound_acts_like_adam_while_its_bounds_are_wide_by_hand() -> None:
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8
    theta = one_param_step(tg.optim.AdaBound, 0.5, [2.0, 1.0], lr=lr, final_lr=0.1, gamma=1e-3)
    # t = 1: rate = lr·√(1 − β₂)/(1 − β₁)/(√((1 − β₂)·4) + ε), step = rate·(1 − β₁)·2 ≈ lr
    rate1 = lr * math.sqrt(1 - beta2) / (1 - beta1) / (math.sqrt((1 - beta2) * 4) + eps)
    theta1 = 0.5 - rate1 * (1 - beta1) * 2.0
    assert theta[0] == pytest.approx(theta1, rel=1e-14)
    m2 = beta1 * 0.2 + (1 - beta1) * 1.0
    v2 = beta2 * 0.004 + (1 - beta2) * 1.0
    rate2 = lr * math.sqrt(1 - beta2**2) / (1 - beta1**2) / (math.sqrt(v2) + eps)
    assert theta[1] == pytest.approx(theta1 - rate2 * m2, rel=1e-14)
