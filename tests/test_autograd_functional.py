"""tg.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp), anomaly detection,
F.gumbel_softmax and tg.cuda.manual_seed: checked against closed forms."""

import numpy as np
import pytest
from tinygrad_adam.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F


def close(tensor, expected):
    np.testing.assert_allclose(tensor.numpy(), np.asarray(expected), rtol=1e-5, atol=1e-6)


X = np.array([1.0, 2.0, 3.0], dtype=np.float32)
A = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]], dtype=np.float32)


def test_both_spellings_name_the_same_module():
    import tinygrad_adam.autograd.functional as functional

    assert tg.autograd.functional is functional
    assert functional.jacobian is jacobian


def test_jacobian_of_a_linear_map_is_its_matrix():
    a = tg.tensor(A)
    result = jacobian(lambda x: a @ x, tg.tensor(X))
    assert result.shape == (2, 3)
    close(result, A)


def test_jacobian_of_elementwise_square_is_diagonal_and_shaped_output_plus_input():
    result = jacobian(lambda x: x**2, tg.tensor(X.reshape(3, 1)))
    assert result.shape == (3, 1, 3, 1)
    close(result.reshape(3, 3), np.diag(2 * X))


def test_jacobian_structure_for_several_inputs_and_outputs():
    x, y = tg.tensor(X), tg.tensor(A)
    result = jacobian(lambda a, b: (a * 2, b.sum()), (x, y))
    assert isinstance(result, tuple) and all(isinstance(row, tuple) for row in result)
    assert [[tuple(t.shape) for t in row] for row in result] == [[(3, 3), (3, 2, 3)], [(3,), (2, 3)]]
    close(result[0][0], 2 * np.eye(3))
    close(result[0][1], np.zeros((3, 2, 3)))
    close(result[1][1], np.ones((2, 3)))
    single_output = jacobian(lambda a, b: (a * b[0]).sum(), (x, y))
    assert isinstance(single_output, tuple) and len(single_output) == 2
    close(single_output[0], A[0])


def test_jacobian_strict_rejects_an_unused_input():
    with pytest.raises(RuntimeError, match="independent"):
        jacobian(lambda a, b: a * 2, (tg.tensor(X), tg.tensor(X)), strict=True)


def test_jacobian_results_are_detached_unless_create_graph():
    x = tg.tensor(X, requires_grad=True)
    assert not jacobian(lambda a: a**3, x).requires_grad
    result = jacobian(lambda a: a**3, x, create_graph=True)
    (second,) = tg.grad(result.sum(), x)
    close(second, 6 * X)


def test_hessian_of_a_quadratic_form_is_the_symmetrised_matrix():
    m = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 1.0]], dtype=np.float32)
    mt = tg.tensor(m)
    result = hessian(lambda x: x @ (mt @ x), tg.tensor(X))
    close(result, m + m.T)


def test_hessian_of_several_inputs_is_a_tuple_of_tuples():
    result = hessian(lambda a, b: (a * b).sum(), (tg.tensor(X), tg.tensor(X)))
    assert [[tuple(t.shape) for t in row] for row in result] == [[(3, 3)] * 2] * 2
    close(result[0][1], np.eye(3))
    close(result[0][0], np.zeros((3, 3)))


def test_hessian_requires_a_scalar_function():
    with pytest.raises(RuntimeError, match="one-element"):
        hessian(lambda x: x**2, tg.tensor(X))


def test_vjp_and_jvp_against_the_jacobian():
    a = tg.tensor(A)
    v_out, v_in = np.array([1.0, -2.0], dtype=np.float32), np.array([0.5, 1.0, -1.0], dtype=np.float32)
    out, product = vjp(lambda x: a @ x, tg.tensor(X), tg.tensor(v_out))
    close(out, A @ X)
    close(product, v_out @ A)
    out, product = jvp(lambda x: a @ x, tg.tensor(X), tg.tensor(v_in))
    close(out, A @ X)
    close(product, A @ v_in)
    _, product = jvp(lambda x: x.sin(), tg.tensor(X), tg.tensor(v_in))
    close(product, np.cos(X) * v_in)


def test_vjp_without_v_needs_a_scalar_output():
    _, product = vjp(lambda x: (x**2).sum(), tg.tensor(X))
    close(product, 2 * X)
    with pytest.raises(RuntimeError, match="v may be omitted"):
        vjp(lambda x: x**2, tg.tensor(X))
    with pytest.raises(RuntimeError, match="shape"):
        vjp(lambda x: x**2, tg.tensor(X), tg.ones(2))


def test_hvp_and_vhp_of_a_cubic():
    v = np.array([1.0, 0.0, -1.0], dtype=np.float32)
    out, product = hvp(lambda x: (x**3).sum(), tg.tensor(X), tg.tensor(v))
    close(out, (X**3).sum())
    close(product, 6 * X * v)
    _, product = vhp(lambda x: (x**3).sum(), tg.tensor(X), tg.tensor(v))
    close(product, 6 * X * v)


def test_anomaly_mode_names_the_node_that_made_nan():
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    assert not tg.autograd.is_anomaly_enabled()
    with tg.autograd.detect_anomaly():
        assert tg.autograd.is_anomaly_enabled()
        with pytest.raises(
            RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th output"
        ):
            with np.errstate(all="ignore"):
                (x.sqrt() * 0).sum().backward()
    assert not tg.autograd.is_anomaly_enabled()


def test_anomaly_mode_off_lets_nan_through_and_set_detect_anomaly_restores():
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    with np.errstate(all="ignore"):
        (x.sqrt() * 0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])
    with tg.autograd.set_detect_anomaly(True):
        assert tg.autograd.is_anomaly_enabled()
        y = tg.tensor([2.0], requires_grad=True)
        (y * y).sum().backward()  # finite gradients pass
        close(y.grad, [4.0])
    assert not tg.autograd.is_anomaly_enabled()
    tg.autograd.set_detect_anomaly(True)
    assert tg.autograd.is_anomaly_enabled()
    tg.autograd.set_detect_anomaly(False)
    assert not tg.autograd.is_anomaly_enabled()


def test_gumbel_softmax_rows_sum_to_one_and_are_seeded():
    logits = tg.tensor(np.log(np.array([[0.1, 0.2, 0.7]] * 4, dtype=np.float32)))
    tg.manual_seed(5)
    first = F.gumbel_softmax(logits, tau=0.5)
    tg.manual_seed(5)
    second = F.gumbel_softmax(logits, tau=0.5)
    close(first.sum(-1), np.ones(4))
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    assert (first.numpy() > 0).all()


def test_gumbel_softmax_hard_is_one_hot_with_the_soft_gradient():
    tg.manual_seed(1)
    logits = tg.randn(6, 4, requires_grad=True)
    tg.manual_seed(2)
    hard = F.gumbel_softmax(logits, hard=True, dim=1)
    values = hard.numpy()
    assert set(np.unique(values)) <= {0.0, 1.0} and (values.sum(1) == 1).all()
    weights = tg.tensor(np.arange(4, dtype=np.float32))
    (hard * weights).sum().backward()
    tg.manual_seed(2)
    leaf = logits.detach().requires_grad_(True)
    soft = F.gumbel_softmax(leaf, dim=1)
    (soft * weights).sum().backward()
    close(logits.grad, leaf.grad.numpy())
    assert values.argmax(1).tolist() == soft.numpy().argmax(1).tolist()


def test_gumbel_softmax_rejects_a_bad_tau():
    with pytest.raises(ValueError, match="tau"):
        F.gumbel_softmax(tg.zeros(2, 3), tau=0.0)


def test_cuda_manual_seed_without_a_gpu_does_nothing_and_checks_the_seed():
    tg.manual_seed(3)
    before = tg.rand(3).numpy()
    tg.manual_seed(3)
    tg.cuda.manual_seed(7)
    tg.cuda.manual_seed_all(7)
    after = tg.rand(3).numpy()
    if not tg.cuda.is_available():
        np.testing.assert_array_equal(before, after)
    with pytest.raises(ValueError, match="seed"):
        tg.cuda.manual_seed_all(-1)
