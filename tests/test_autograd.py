"""The backward engine: accumulation, graph lifetime, grad modes, tg.grad, in-place checks, errors."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg

# -- accumulation ---------------------------------------------------------------------------------


def test_gradients_accumulate_across_uses_in_one_graph():
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    y = x * x + x * 3 + x  # dy/dx = 2x + 4
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [8.0, 10.0])


def test_gradients_accumulate_across_backward_calls_until_reset():
    x = tg.tensor([1.0, -1.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 5).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [7.0, 7.0])
    x.grad = None
    (x * 5).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 5.0])


def test_gradient_has_the_leaf_shape_dtype_and_device_and_no_graph(device):
    x = tg.tensor(np.ones((2, 3)), requires_grad=True)
    (x * tg.tensor(np.arange(3.0))).sum().backward()
    assert x.grad.shape == (2, 3) and x.grad.dtype == tg.float64 and x.grad.device == device
    assert not x.grad.requires_grad and x.grad.grad_fn is None


def test_inputs_without_requires_grad_get_no_gradient():
    x = tg.tensor([1.0], requires_grad=True)
    c = tg.tensor([2.0])
    (x * c).sum().backward()
    assert c.grad is None and x.grad is not None


def test_non_scalar_backward_needs_a_gradient_of_the_output_shape():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(RuntimeError, match=r"scalar outputs.*shape \(2,\)"):
        y.backward()
    with pytest.raises(ValueError, match=r"\(3,\) does not match.*\(2,\)"):
        y.backward(tg.tensor([1.0, 1.0, 1.0]))
    with pytest.raises(TypeError, match="dtype float64 does not match the output's dtype float32"):
        y.backward(tg.tensor(np.array([1.0, 1.0])))
    y.backward(tg.tensor([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 30.0])


def test_backward_on_a_tensor_without_grad_explains_why():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (tg.tensor([1.0]) * 2).sum().backward()


def test_retain_grad_keeps_an_intermediate_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), [6.0, 12.0])
    np.testing.assert_allclose(x.grad.numpy(), [18.0, 36.0])


# -- graph lifetime -------------------------------------------------------------------------------


def test_graph_is_freed_after_backward_and_a_second_backward_explains_retain_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        loss.backward()


def test_retain_graph_allows_a_second_backward():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])


def test_a_chain_of_100000_ops_backpropagates_without_recursion():
    x = tg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_001):
        y = -y  # the cheapest op keeps this test fast on the slow strict backend
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-1.0])


def test_shared_subgraphs_are_processed_once():
    x = tg.tensor([1.5], requires_grad=True)
    h = x
    for _ in range(30):  # each level uses the previous one twice: 2^30 paths, 60 nodes
        h = h * 0.5 + h * 0.5
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0])


# -- grad mode ------------------------------------------------------------------------------------


def test_no_grad_context_builds_no_graph_and_restores_the_mode():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = x * 2
        with tg.enable_grad():
            z = x * 2
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad


def test_no_grad_as_a_decorator():
    @tg.no_grad()
    def double(t: tg.Tensor) -> tg.Tensor:
        return t * 2

    out = double(tg.tensor([1.0], requires_grad=True))
    assert not out.requires_grad
    assert tg.is_grad_enabled()


def test_no_grad_decorates_without_parentheses_too():
    @tg.no_grad
    def double(t: tg.Tensor) -> tg.Tensor:
        return t * 2

    assert not double(tg.tensor([1.0], requires_grad=True)).requires_grad
    assert tg.is_grad_enabled()


def test_a_recursive_no_grad_function_restores_grad_mode():
    @tg.no_grad()
    def countdown(n: int) -> None:
        if n:
            countdown(n - 1)

    countdown(3)
    assert tg.is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(KeyError), tg.no_grad():
        raise KeyError("boom")
    assert tg.is_grad_enabled()


# -- tg.grad and create_graph ----------------------------------------------------------------------


def test_grad_returns_gradients_without_touching_dot_grad():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    gx, gw = tg.grad((x * w).sum(), [x, w])
    np.testing.assert_allclose(gx.numpy(), [3.0, 4.0])
    np.testing.assert_allclose(gw.numpy(), [1.0, 2.0])
    assert x.grad is None and w.grad is None
    assert not gx.requires_grad


def test_grad_with_respect_to_an_intermediate_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    (gh,) = tg.grad((h * h).sum(), h)
    np.testing.assert_allclose(gh.numpy(), [4.0, 8.0])


def test_grad_of_an_unused_input_is_an_error_unless_allowed():
    x = tg.tensor([1.0], requires_grad=True)
    unused = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not used.*allow_unused=True"):
        tg.grad((x * 2).sum(), [x, unused])
    (x2 := x * 2)
    gx, gu = tg.grad(x2.sum(), [x, unused], allow_unused=True)
    assert gu is None and gx.item() == 2.0


def test_grad_needs_inputs_that_require_grad():
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.grad((x * 2).sum(), tg.tensor([1.0]))


def test_grad_with_grad_outputs_is_a_vector_jacobian_product():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (g,) = tg.grad(x * x, x, grad_outputs=tg.tensor([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(g.numpy(), [2.0, 0.0, -6.0])


def test_create_graph_makes_gradients_differentiable():
    x = tg.tensor([0.5, 2.0], requires_grad=True)
    (g,) = tg.grad((x**3).sum(), x, create_graph=True)
    assert g.requires_grad
    np.testing.assert_allclose(g.numpy(), 3 * np.array([0.5, 2.0]) ** 2, rtol=1e-6)
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [3.0, 12.0], rtol=1e-6)


def test_backward_with_create_graph_leaves_a_differentiable_grad():
    x = tg.tensor([1.0, 3.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    assert first.requires_grad
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 18.0], rtol=1e-6)


# -- in-place changes -----------------------------------------------------------------------------


def test_in_place_change_of_a_saved_input_is_detected_at_backward():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([3.0, 4.0])
    loss = (x * w).sum()
    w.add_(1.0)
    with pytest.raises(RuntimeError, match=r"input 1 of Mul.*modified in place"):
        loss.backward()


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.add_(1.0),
        lambda t: t.sub_(1.0),
        lambda t: t.mul_(2.0),
        lambda t: t.div_(2.0),
        lambda t: t.zero_(),
        lambda t: t.fill_(3.0),
        lambda t: t.copy_(tg.tensor([5.0, 6.0])),
        lambda t: t.__setitem__(0, 9.0),
    ],
)
def test_every_in_place_op_of_a_saved_leaf_is_detected(change):
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    with tg.no_grad():
        change(x)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_in_place_change_of_a_saved_output_is_detected():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # Exp's backward reads its output
    loss = y.sum()
    with tg.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="Exp.backward needs its output"):
        loss.backward()


def test_in_place_change_of_a_value_backward_does_not_need_is_allowed():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    c = tg.tensor([1.0, 1.0])
    loss = (x + c).sum()  # Add's backward needs no values
    c.add_(5.0)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_in_place_change_of_a_leaf_that_requires_grad_needs_no_grad():
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        x[0] = 2.0
    with tg.no_grad():
        x.sub_(0.5)
    assert x.item() == 0.5 and x.requires_grad


def test_in_place_change_of_a_graph_node_is_recorded_as_in_pytorch():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.mul_(3.0)
    y[0] = 0.0
    total = tg.zeros(2).add_(x)  # a buffer that takes a tensor requiring grad joins the graph
    (y.sum() + total.sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 7.0])  # (tests/test_inplace_autograd.py: more)


def test_in_place_ops_keep_shape_and_dtype():
    with pytest.raises(TypeError, match="float32 does not fit a int64"):
        tg.tensor([1, 2]).add_(0.5)
    with pytest.raises(ValueError, match=r"\(3, 2\) does not fit a \(2,\)"):
        tg.zeros(2).add_(tg.ones(3, 2))
    t = tg.zeros(2, 3)
    t.add_(tg.tensor([1.0, 2.0, 3.0]))
    t.copy_(t * 2)
    np.testing.assert_array_equal(t.numpy(), [[2, 4, 6], [2, 4, 6]])


# -- clear errors -------------------------------------------------------------------------------


def test_mismatched_matmul_shapes_are_named():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\).*3 != 2"):
        tg.zeros(2, 3) @ tg.zeros(2, 3)
    with pytest.raises(ValueError, match=r"batch shapes of \(2, 3, 4\) and \(3, 4, 5\)"):
        tg.zeros(2, 3, 4) @ tg.zeros(3, 4, 5)
    with pytest.raises(ValueError, match="at least one dimension"):
        tg.tensor(2.0) @ tg.zeros(3)


def test_incompatible_broadcast_names_both_shapes():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        tg.zeros(2, 3) + tg.zeros(4)
    with pytest.raises(ValueError, match=r"mul: shapes"):
        tg.zeros(2) * tg.zeros(3)
    with pytest.raises(ValueError, match="where: shapes"):
        tg.where(tg.zeros(2) > 0, tg.zeros(3), 0.0)


def test_tensors_on_different_devices_do_not_mix(device, other_device):
    here, there = tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0], device=other_device)
    message = rf"different devices \({device} and {other_device}\)"
    with pytest.raises(RuntimeError, match=message):
        here + there
    with pytest.raises(RuntimeError, match="different devices"):
        here @ there
    with pytest.raises(RuntimeError, match="different devices"):
        tg.concatenate([here, there])
    with pytest.raises(RuntimeError, match="different devices"):
        tg.where(here > 1, here, there)
    with pytest.raises(RuntimeError, match="different devices"):
        here[tg.tensor([0], device=other_device)]


def test_cpu_and_strict_tensors_do_not_mix():
    cpu, strict = tg.tensor([1.0], device="cpu"), tg.tensor([1.0], device="strict")
    with pytest.raises(RuntimeError, match=r"different devices \(cpu and strict:0\)"):
        cpu * strict


def test_integer_tensors_refuse_gradients_everywhere():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    labels = tg.tensor([0, 1])
    with pytest.raises(TypeError, match="int64"):
        labels.requires_grad_()
    y = x * labels  # labels become a float constant; x still gets its gradient
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0])
    assert labels.grad is None


def test_gradcheck_refuses_non_float64_inputs():
    with pytest.raises(TypeError, match="float64"):
        tg.gradcheck(lambda t: t * 2, [tg.tensor([1.0])])


def test_gradcheck_catches_a_wrong_gradient():
    from tinygrad_adam.autograd import Function

    class WrongSquare(Function):
        def forward(self, a):
            return a * a

        def backward(self, grad):
            return (grad * self.inputs[0],)  # should be 2 * x

    x = tg.tensor(np.array([1.0, 2.0]))
    with pytest.raises(AssertionError, match="input 0"):
        tg.gradcheck(lambda t: WrongSquare.apply(t), [x])
    assert tg.gradcheck(lambda t: WrongSquare.apply(t), [x], raise_exception=False) is False
    assert tg.gradcheck(lambda t: t * t, [x])
