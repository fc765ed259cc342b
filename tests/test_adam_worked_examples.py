"""The worked examples that teaching material gives for Adam, read back from ``optimizer.state``."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_adam_first_step_on_theta_squared_moves_theta_from_half_to_0_4() -> None:
    # f(θ) = θ², θ₀ = 0.5: g = 1, m̂ = g, v̂ = g², so the first step is lr·g/|g| = 0.1.
    theta = tg.tensor(np.array([0.5]), requires_grad=True)
    optimizer = tg.optim.Adam([theta], lr=0.1)
    (theta * theta).sum().backward()
    optimizer.step()
    assert theta.item() == pytest.approx(0.4, abs=1e-8)


def bias_corrected(optimizer: tg.optim.Adam, param: tg.Tensor) -> tuple[float, float, float, float]:
    state = optimizer.state[param]
    beta1, beta2 = optimizer.param_groups[0]["betas"]
    m, v = state["exp_avg"].item(), state["exp_avg_sq"].item()
    return m, v, m / (1 - beta1 ** state["step"]), v / (1 - beta2 ** state["step"])


def test_adam_moments_and_bias_corrections_match_the_worked_example() -> None:
    param = tg.tensor(np.array([1.0]), requires_grad=True)
    optimizer = tg.optim.Adam([param], lr=0.001)

    param.grad = tg.tensor(np.array([2.0]))
    optimizer.step()
    assert optimizer.state[param]["step"] == 1
    m, v, m_hat, v_hat = bias_corrected(optimizer, param)
    assert (m, v, m_hat, v_hat) == pytest.approx((0.2, 0.004, 2.0, 4.0), rel=1e-12)

    param.grad = tg.tensor(np.array([1.8]))
    optimizer.step()
    assert optimizer.state[param]["step"] == 2
    m, v, m_hat, v_hat = bias_corrected(optimizer, param)
    assert m == pytest.approx(0.36, rel=1e-12)
    assert v == pytest.approx(0.007236, rel=1e-12)
    assert m_hat == pytest.approx(1.8947, abs=1e-4)
    assert v_hat == pytest.approx(3.6198, abs=1e-4)
    # and the parameter moved by lr·m̂/(√v̂ + ε) each step
    expected = (
        1.0 - 0.001 * 2.0 / (2.0 + 1e-8) - 0.001 * (0.36 / 0.19) / (np.sqrt(0.007236 / 0.001999) + 1e-8)
    )
    assert param.item() == pytest.approx(expected, rel=1e-12)


def test_adam_state_keeps_the_parameters_dtype_and_device() -> None:
    param = tg.tensor([0.5, -0.25], requires_grad=True)  # float32
    optimizer = tg.optim.Adam([param], lr=0.1, amsgrad=True)
    param.grad = tg.tensor([2.0, 1.8])
    optimizer.step()
    state = optimizer.state[param]
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    for name in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        assert state[name].dtype == tg.float32
        assert state[name].device == param.device
    assert param.dtype == tg.float32
    np.testing.assert_allclose(state["exp_avg"].numpy(), [0.2, 0.18], rtol=1e-6)
    np.testing.assert_allclose(param.numpy(), [0.4, -0.35], rtol=1e-6)
