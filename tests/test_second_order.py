"""Second-order gradients: Hessians of functions whose Hessians are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_adam as tg


def hessian(fn, x: tg.Tensor) -> np.ndarray:
    """The full Hessian of scalar ``fn`` at vector ``x``, row by row from Hessian-vector products."""
    x = tg.tensor(x.numpy(), requires_grad=True)
    (g,) = tg.grad(fn(x), x, create_graph=True)
    rows = []
    for i in range(x.shape[0]):
        (row,) = tg.grad(g[i], x, retain_graph=True, allow_unused=True)
        rows.append(np.zeros(x.shape) if row is None else row.numpy())
    return np.stack(rows)


def random_symmetric(rng: np.random.Generator, n: int) -> np.ndarray:
    m = rng.standard_normal((n, n))
    return m + m.T


@given(n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_hessian_of_a_quadratic_form_is_its_matrix(n, seed):
    rng = np.random.default_rng(seed)
    a = random_symmetric(rng, n)
    x = tg.tensor(rng.standard_normal(n))
    matrix = tg.tensor(a)
    np.testing.assert_allclose(hessian(lambda v: v @ (matrix @ v) / 2, x), a, rtol=1e-10, atol=1e-12)


@given(n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_hessian_of_sum_of_cubes_is_diag_six_x(n, seed):
    x = np.random.default_rng(seed).standard_normal(n)
    np.testing.assert_allclose(hessian(lambda v: (v**3).sum(), tg.tensor(x)), np.diag(6 * x), rtol=1e-10)


def test_hessians_of_smooth_elementwise_functions_are_diagonal_second_derivatives():
    x = np.array([-1.5, -0.2, 0.3, 1.1])
    s = 1 / (1 + np.exp(-x))
    cases = [
        (lambda v: v.exp().sum(), np.exp(x)),
        (lambda v: v.tanh().sum(), -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
        (lambda v: v.sigmoid().sum(), s * (1 - s) * (1 - 2 * s)),
        (lambda v: (v * v).exp().sqrt().log().sum(), np.ones_like(x)),  # = Σ x²/2
        (lambda v: (1.0 / (v + 3.0)).sum(), 2 / (x + 3) ** 3),
    ]
    for fn, second_derivative in cases:
        np.testing.assert_allclose(
            hessian(fn, tg.tensor(x)), np.diag(second_derivative), rtol=1e-9, atol=1e-12
        )


def test_hessian_of_log_sum_exp_is_diag_p_minus_p_p_transpose():
    x = np.array([0.3, -1.0, 2.0])
    p = np.exp(x) / np.exp(x).sum()
    expected = np.diag(p) - np.outer(p, p)
    np.testing.assert_allclose(
        hessian(lambda v: -v.log_softmax()[0] + v[0], tg.tensor(x)), expected, rtol=1e-9
    )
    np.testing.assert_allclose(hessian(lambda v: v.exp().sum().log(), tg.tensor(x)), expected, rtol=1e-9)


def test_hessian_of_a_product_of_two_variables():
    x = tg.tensor(np.array([2.0, 5.0]))
    np.testing.assert_allclose(hessian(lambda v: v[0] * v[1] ** 2, x), [[0, 10], [10, 4]])


def test_hessian_through_matmul_max_where_and_indexing_pieces():
    rng = np.random.default_rng(3)
    w = tg.tensor(rng.standard_normal((3, 4)))
    x = tg.tensor(rng.standard_normal(4))

    def fn(v):
        h = w @ v  # linear, so the Hessian is wᵀ diag(f'') w
        return (h * h).sum() / 2 + tg.where(h > 0, h, 0.0).sum() + h.max()

    np.testing.assert_allclose(hessian(fn, x), w.numpy().T @ w.numpy(), rtol=1e-9, atol=1e-12)


@given(n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_hessian_vector_product_equals_matrix_times_vector(n, seed):
    rng = np.random.default_rng(seed)
    a = random_symmetric(rng, n)
    b = rng.standard_normal(n)
    matrix, vector = tg.tensor(a), tg.tensor(rng.standard_normal(n))
    x = tg.tensor(rng.standard_normal(n), requires_grad=True)

    loss = x @ (matrix @ x) / 2 + (x**4).sum() / 12 + x @ tg.tensor(b)
    (g,) = tg.grad(loss, x, create_graph=True)
    (hv,) = tg.grad((g * vector).sum(), x)
    expected = (a + np.diag(x.numpy() ** 2)) @ vector.numpy()
    np.testing.assert_allclose(hv.numpy(), expected, rtol=1e-9, atol=1e-12)


def test_newton_step_on_a_quadratic_lands_on_the_minimum():
    rng = np.random.default_rng(7)
    m = rng.standard_normal((4, 4))
    a = m @ m.T + 4 * np.eye(4)  # positive definite
    b = rng.standard_normal(4)
    matrix, offset = tg.tensor(a), tg.tensor(b)

    def loss(v):
        return v @ (matrix @ v) / 2 - v @ offset

    x = tg.tensor(rng.standard_normal(4), requires_grad=True)
    (g,) = tg.grad(loss(x), x, create_graph=True)
    h = hessian(loss, x)
    step = np.linalg.solve(h, g.detach().numpy())
    with tg.no_grad():
        x.sub_(tg.tensor(step))
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(a, b), rtol=1e-10, atol=1e-12)
    (g_after,) = tg.grad(loss(x), x)
    np.testing.assert_allclose(g_after.numpy(), np.zeros(4), atol=1e-10)


def test_third_derivative_through_repeated_create_graph():
    x = tg.tensor(np.array([0.7]), requires_grad=True)
    y = (x**4).sum()
    (d1,) = tg.grad(y, x, create_graph=True)
    (d2,) = tg.grad(d1.sum(), x, create_graph=True)
    (d3,) = tg.grad(d2.sum(), x)
    np.testing.assert_allclose([d1.item(), d2.item(), d3.item()], [4 * 0.7**3, 12 * 0.7**2, 24 * 0.7])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_second_order_gradcheck_of_softmax_family(name):
    x = tg.tensor(np.array([[0.2, -1.0, 0.5], [1.5, 0.1, -0.3]]))
    weights = tg.tensor(np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]))

    def derivative(v):
        v = v if v.requires_grad else v.detach().requires_grad_()  # finite differences pass constants
        (g,) = tg.grad((getattr(v, name)() * weights).sum(), v, create_graph=True)
        return g

    assert tg.gradcheck(derivative, [x])
