"""Core tensor behaviour found by differential fuzzing against PyTorch 2.13 (session 5, round 2):
the in-place spellings that hand-written optimizers use on ``.data`` (``add_(g, alpha=-lr)``,
``addcmul_``, ``addcdiv_``, ``lerp_``, ``clamp_min_``), written through to the parameter."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_add_and_sub_take_alpha_in_place_through_data():
    w = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (w * w).sum().backward()  # grad 2w
    w.data.add_(w.grad.data, alpha=-0.25)  # torch's old-style SGD step: w - lr * g
    np.testing.assert_allclose(w.numpy(), [0.5, 1.0, 1.5])
    w.data.sub_(tg.tensor([1.0, 1.0, 1.0]), alpha=0.5)
    np.testing.assert_allclose(w.numpy(), [0.0, 0.5, 1.0])
    assert w.requires_grad and w.is_leaf and w._version == 0  # .data changes are not recorded


def test_integer_add_in_place_with_alpha_stays_integer():
    counts = tg.tensor([1, 2, 3])
    counts.add_(tg.tensor([1, 1, 1]), alpha=2)
    assert counts.dtype == tg.int64 and counts.tolist() == [3, 4, 5]


def test_hand_written_adam_step_with_addcmul_and_addcdiv_matches_the_formula():
    beta1, beta2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    theta0 = np.array([0.5, -1.0, 2.0])
    grad = np.array([0.3, -0.2, 0.1])
    param = tg.tensor(theta0.copy(), requires_grad=True)
    param.grad = tg.tensor(grad.copy())
    exp_avg, exp_avg_sq = tg.zeros(3, dtype=tg.float64), tg.zeros(3, dtype=tg.float64)
    exp_avg.mul_(beta1).add_(param.grad, alpha=1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(param.grad, param.grad, value=1 - beta2)
    denom = (exp_avg_sq / (1 - beta2)).sqrt().add_(eps)
    param.data.addcdiv_(exp_avg, denom, value=-lr / (1 - beta1))
    m_hat = (1 - beta1) * grad / (1 - beta1)
    v_hat = (1 - beta2) * grad**2 / (1 - beta2)
    np.testing.assert_allclose(param.numpy(), theta0 - lr * m_hat / (np.sqrt(v_hat) + eps), rtol=1e-12)


def test_addcmul_and_addcdiv_are_differentiable():
    x = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    a = tg.tensor([3.0, 4.0], dtype=tg.float64, requires_grad=True)
    b = tg.tensor([5.0, 8.0], dtype=tg.float64, requires_grad=True)
    (x.addcmul(a, b, value=2.0) + x.addcdiv(a, b, value=0.5)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(a.grad.numpy(), 2.0 * np.array([5.0, 8.0]) + 0.5 / np.array([5.0, 8.0]))
    a_values, b_values = np.array([3.0, 4.0]), np.array([5.0, 8.0])
    np.testing.assert_allclose(b.grad.numpy(), 2.0 * a_values - 0.5 * a_values / b_values**2)


def test_lerp_clamp_min_and_clamp_max_in_place_write_through_data():
    w = tg.tensor([0.0, 4.0, -4.0], requires_grad=True)
    w.data.lerp_(tg.tensor([2.0, 2.0, 2.0]), 0.25)  # w + 0.25 (end - w)
    np.testing.assert_allclose(w.numpy(), [0.5, 3.5, -2.5])
    w.data.clamp_min_(-1.0)
    np.testing.assert_allclose(w.numpy(), [0.5, 3.5, -1.0])
    w.data.clamp_max_(1.0)
    np.testing.assert_allclose(w.numpy(), [0.5, 1.0, -1.0])
    np.testing.assert_allclose(tg.tensor([-2.0, 3.0]).clamp_min(0.0).numpy(), [0.0, 3.0])
    np.testing.assert_allclose(tg.tensor([-2.0, 3.0]).clamp_max(0.0).numpy(), [-2.0, 0.0])


def test_in_place_spellings_refuse_a_leaf_that_requires_grad_outside_data():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        w.addcmul_(w.detach(), w.detach())
    with pytest.raises(RuntimeError):
        w.add_(tg.tensor([1.0, 1.0]), alpha=2.0)


def test_a_view_of_data_writes_into_the_parameter():
    # emb.weight.data[padding_idx].zero_(): the .data tensor is a temporary, its view must still write
    embedding = tg.nn.Embedding(4, 2)
    embedding.weight.data[0].zero_()
    assert embedding.weight[0].tolist() == [0.0, 0.0]
    w = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    w.data[:, 1].fill_(-1.0)
    w.data.t()[2].mul_(10.0)
    w.data.reshape(6)[0].add_(100.0)
    w.data[1][0].copy_(tg.tensor(7.0, dtype=tg.float64))
    for part in w.data.split(1, dim=0):
        part[0, 0].sub_(1.0)
    expected = np.arange(6.0).reshape(2, 3)
    expected[:, 1] = -1.0
    expected[:, 2] *= 10.0
    expected[0, 0] += 100.0
    expected[1, 0] = 7.0
    expected[:, 0] -= 1.0
    np.testing.assert_array_equal(w.numpy(), expected)
    assert w.requires_grad and w.is_leaf and w._version == 0


def test_a_view_of_from_numpy_data_writes_into_the_array():
    array = np.arange(4.0)
    shared = tg.from_numpy(array)
    shared.data[1:3].fill_(9.0)
    assert array.tolist() == [0.0, 9.0, 9.0, 3.0]


def test_integers_are_applied_before_index_arrays_as_in_pytorch():
    # x[0, :, idx] is x[0][:, idx]: (3, 2); NumPy would move the picked axis first, (2, 3)
    values = np.arange(24.0).reshape(2, 3, 4)
    x = tg.tensor(values, requires_grad=True)
    picked = x[0, :, tg.tensor([0, 2])]
    assert picked.shape == (3, 2)
    np.testing.assert_array_equal(picked.detach().numpy(), values[0][:, [0, 2]])
    assert x[:, 1, [3, 0]].shape == (2, 2) and x[0, [True, False, True]].shape == (2, 4)
    assert x[[1, 0], 0, [1, 1]].shape == (2,)  # arrays joined once the integer is gone: in place
    weights = np.arange(6.0).reshape(3, 2)
    (picked * tg.tensor(weights)).sum().backward()
    expected = np.zeros_like(values)
    expected[0][:, [0, 2]] = weights
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_assignment_with_integers_and_index_arrays_follows_pytorch_order():
    x = tg.tensor(np.zeros((2, 3, 4)))
    x[1, :, [3, 1]] = tg.tensor(np.arange(6.0).reshape(3, 2))
    expected = np.zeros((2, 3, 4))
    expected[1][:, [3, 1]] = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(x.numpy(), expected)


def test_a_zero_dimensional_integer_tensor_indexes_as_an_integer():
    values = np.arange(24.0).reshape(2, 3, 4)
    x = tg.tensor(values)
    row = tg.tensor(1)
    assert x[row, :, tg.tensor([0, 1])].shape == (3, 2)
    x[row, :, [3, 0]] = tg.tensor(np.full((3, 2), -1.0))
    expected = values.copy()
    expected[1][:, [3, 0]] = -1.0
    np.testing.assert_array_equal(x.numpy(), expected)


def test_assigning_through_a_view_with_an_index_array_reaches_the_base():
    # on every backend, including those that assign integer arrays on a copy (strict, on the host)
    x = tg.tensor(np.zeros((2, 3)))
    row = x[0]
    row[[0, 2]] = 5.0
    x.t()[[1]] = 4.0
    w = tg.tensor(np.zeros((2, 3)), requires_grad=True)
    w.data[:, [0, 2]] = 3.0
    np.testing.assert_array_equal(x.numpy(), [[5.0, 4.0, 5.0], [0.0, 4.0, 0.0]])
    np.testing.assert_array_equal(w.numpy(), [[3.0, 0.0, 3.0], [3.0, 0.0, 3.0]])
