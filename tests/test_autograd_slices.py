"""Gradients through slices: each slice's gradient is added into one sum for the whole tensor
(in place, in proportion to the slice), and every topology still gives the exact gradient."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_a_loop_over_time_steps_gets_the_gradient_of_every_step():
    x = tg.tensor(np.arange(24.0).reshape(2, 4, 3), requires_grad=True)
    total = tg.zeros(2, 3, dtype=tg.float64)
    for t in range(4):
        total = total + x[:, t] * (t + 1)
    (total * total).sum().backward()
    expected = 2 * total.detach().numpy()[:, None, :] * np.array([1.0, 2.0, 3.0, 4.0])[None, :, None]
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_overlapping_slices_add_up():
    x = tg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    (x[:2].sum() * 2 + x[1:].sum() * 3 + x[-1] * 5).backward()
    assert x.grad.tolist() == [2.0, 5.0, 3.0, 8.0]


@pytest.mark.parametrize(
    "index",
    [(slice(None), 1), (0,), (Ellipsis, 2), (slice(None, None, -1), None, slice(1, 3)), (1, slice(0, 4, 2))],
    ids=["column", "row", "ellipsis", "reversed-newaxis", "strided"],
)
def test_every_basic_index_matches_its_dense_gradient(index):
    rng = np.random.default_rng(0)
    base = rng.standard_normal((3, 4))
    weights = [rng.standard_normal(np.empty((3, 4))[index].shape) for _ in range(3)]
    x = tg.tensor(base, requires_grad=True)
    sum(((x[index] * tg.tensor(w)).sum() for w in weights), tg.tensor(0.0, dtype=tg.float64)).backward()
    expected = np.zeros((3, 4))
    for w in weights:
        view = expected[index]
        view += w  # NumPy's own in-place slice update
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_slices_of_an_intermediate_tensor_and_a_dense_use_of_it_add_up():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x  # an intermediate: its gradient sums the dense use and the slices
    (y.sum() + y[0] * 10 + y[1:].sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0]) * np.array([11.0, 2.0, 2.0]))


def test_a_gradient_passed_to_two_inputs_is_never_changed_for_the_other():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    a, b = x * 1.0, w * 1.0
    s = a + b  # Add hands one gradient to both a and b
    (s.sum() + a[0] * 7 + (a * a).sum()).backward()
    assert x.grad.tolist() == [1.0 + 7.0 + 2.0, 1.0 + 4.0] and w.grad.tolist() == [1.0, 1.0]


def test_retain_graph_runs_give_the_same_gradient_twice():
    x = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    loss = x[0].sum() * 2 + x[:, 1].sum() * 3 + (x * x).sum()
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    x.grad = None
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), first)


def test_tg_grad_of_sliced_inputs_and_create_graph_second_order():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x[:2] ** 3).sum() + (x[1:] ** 2).sum()
    (g,) = tg.autograd.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [3.0, 12.0 + 4.0, 6.0])
    (h,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [6.0, 12.0 + 2.0, 2.0])


def test_gradcheck_through_a_recurrence_over_slices():
    x = tg.randn(2, 5, 3, dtype=tg.float64, requires_grad=True)
    w = tg.randn(3, 3, dtype=tg.float64, requires_grad=True)

    def run(x: tg.Tensor, w: tg.Tensor) -> tg.Tensor:
        h = tg.zeros(2, 3, dtype=tg.float64)
        for t in range(x.shape[1]):
            h = (x[:, t] + h @ w).tanh()
        return h.sum()

    assert tg.gradcheck(run, (x, w))
