"""Specification of tg.nn.utils.clip_grad_norm_ and clip_grad_value_ (PyTorch's semantics)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn


def params_with_grads(*grads: list[float]) -> list[nn.Parameter]:
    params = []
    for g in grads:
        p = nn.Parameter(tg.zeros(len(g), dtype=tg.float64))
        p.grad = tg.tensor(np.array(g, dtype=np.float64))
        params.append(p)
    return params


def test_clip_grad_norm_scales_by_max_norm_over_total_norm() -> None:
    params = params_with_grads([3.0], [4.0])  # joint 2-norm 5
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert total.item() == 5.0
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose([p.grad.item() for p in params], [3 * scale, 4 * scale], rtol=1e-15)


def test_clip_grad_norm_leaves_small_gradients_unchanged() -> None:
    params = params_with_grads([0.3, -0.4])
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert total.item() == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_array_equal(params[0].grad.numpy(), [0.3, -0.4])


@pytest.mark.parametrize(
    "norm_type, expected",
    [(1.0, 3 + 4 + 12), (math.inf, 12.0), (3.0, (27 + 64 + 1728) ** (1 / 3)), (2.0, 13.0)],
)
def test_clip_grad_norm_norm_types(norm_type: float, expected: float) -> None:
    params = params_with_grads([3.0, -4.0], [12.0])
    total = nn.utils.clip_grad_norm_(params, max_norm=2.0, norm_type=norm_type)
    assert total.item() == pytest.approx(expected, rel=1e-14)
    scale = min(1.0, 2.0 / (expected + 1e-6))
    np.testing.assert_allclose(params[1].grad.numpy(), [12.0 * scale], rtol=1e-14)


def test_clip_grad_norm_skips_parameters_without_gradients_and_accepts_one_tensor() -> None:
    with_grad, without = params_with_grads([6.0, 8.0])[0], nn.Parameter(tg.zeros(2, dtype=tg.float64))
    assert nn.utils.clip_grad_norm_([with_grad, without], 5.0).item() == 10.0
    assert without.grad is None
    np.testing.assert_allclose(with_grad.grad.numpy(), [6 * 5 / (10 + 1e-6), 8 * 5 / (10 + 1e-6)], rtol=1e-15)
    single = params_with_grads([0.0, 2.0])[0]
    assert nn.utils.clip_grad_norm_(single, 1.0).item() == 2.0


def test_clip_grad_norm_without_any_gradient_returns_zero() -> None:
    assert nn.utils.clip_grad_norm_([nn.Parameter(tg.zeros(2))], 1.0).item() == 0.0


def test_clip_grad_norm_error_if_nonfinite() -> None:
    params = params_with_grads([1.0, math.nan])
    with pytest.raises(RuntimeError, match="total norm of order 2.0 of the gradients is nan"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    total = nn.utils.clip_grad_norm_(params, 1.0)  # as in PyTorch: no error, NaN spreads
    assert math.isnan(total.item())


def test_clip_grad_norm_on_a_model_after_backward() -> None:
    model = nn.Sequential(nn.Dense(3, 4, activation="tanh"), nn.Dense(4, 1))
    (model(tg.randn(8, 3)) * 100).sum().backward()
    before = np.sqrt(sum((p.grad.numpy().astype(np.float64) ** 2).sum() for p in model.parameters()))
    total = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    assert total.dtype == tg.float32
    assert total.item() == pytest.approx(before, rel=1e-5)
    after = np.sqrt(sum((p.grad.numpy().astype(np.float64) ** 2).sum() for p in model.parameters()))
    assert after == pytest.approx(0.5, rel=1e-5)


def test_clip_grad_value_clamps_each_element() -> None:
    params = params_with_grads([-3.0, 0.2, 5.0], [0.5])
    nn.utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad.numpy(), [-1.0, 0.2, 1.0])
    np.testing.assert_array_equal(params[1].grad.numpy(), [0.5])


def test_clip_grad_norm_accepts_frobenius_by_name_and_names_bad_norm_types() -> None:
    weight = tg.tensor([3.0, 4.0], requires_grad=True)
    weight.grad = tg.tensor([3.0, 4.0])
    assert abs(tg.nn.utils.clip_grad_norm_([weight], 10.0, norm_type="fro").item() - 5.0) < 1e-6
    with pytest.raises(ValueError, match="norm_type"):
        tg.nn.utils.clip_grad_norm_([weight], 1.0, norm_type="nuclear")
