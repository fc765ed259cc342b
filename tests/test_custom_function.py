"""Custom differentiable ops with PyTorch's contract: ``tg.autograd.Function`` subclasses with
static ``forward(ctx, ...)`` / ``backward(ctx, ...)``, recorded as one node by ``apply``."""

import numpy as np
import pytest

import tinygrad_adam as tg


class MyReLU(tg.autograd.Function):
    """The PyTorch tutorial's custom ReLU, verbatim."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad = grad_output.clone()
        grad[x < 0] = 0
        return grad


class Cube(tg.autograd.Function):
    """x³ with a backward written in Tensor ops, so it has a second derivative."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x * x


class Exp(tg.autograd.Function):
    """exp, whose backward reads the saved output (as PyTorch's documentation example)."""

    @staticmethod
    def forward(ctx, x):
        result = x.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


class ScaledAdd(tg.autograd.Function):
    """x + alpha * y with a Python float argument and a ctx attribute."""

    @staticmethod
    def forward(ctx, x, y, alpha):
        ctx.alpha = alpha
        ctx.seen_needs_input_grad = ctx.needs_input_grad
        return x + alpha * y

    @staticmethod
    def backward(ctx, grad_output):
        grad_x = grad_output if ctx.needs_input_grad[0] else None
        grad_y = grad_output * ctx.alpha if ctx.needs_input_grad[1] else None
        return grad_x, grad_y, None


class SinCos(tg.autograd.Function):
    """Two outputs; backward gets one gradient per output."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, grad_sin, grad_cos):
        (x,) = ctx.saved_tensors
        ctx.received = (grad_sin, grad_cos)
        return grad_sin * x.cos() - grad_cos * x.sin()


def f64(values, requires_grad=True):
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def test_the_pytorch_tutorial_relu_gives_relu_and_its_gradient():
    x = f64([[-1.5, 0.5, 2.0], [3.0, -0.25, -4.0]])
    y = MyReLU.apply(x)
    assert type(y.grad_fn).__name__ == "MyReLUBackward"
    reference = x.detach().requires_grad_(True)
    tg.relu(reference).backward(tg.ones_like(reference) * 2)
    y.backward(tg.ones_like(x) * 2)
    np.testing.assert_array_equal(y.numpy(), tg.relu(x.detach()).numpy())
    np.testing.assert_array_equal(x.grad.numpy(), reference.grad.numpy())


@pytest.mark.parametrize("function", [Cube, Exp, MyReLU])
def test_custom_functions_pass_gradcheck(function):
    x = f64([[-1.3, 0.4, 2.1], [0.7, -0.2, 1.1]], requires_grad=False)
    assert tg.gradcheck(function.apply, [x])
    assert tg.autograd.gradcheck(lambda t: function.apply(t).sum() * 2, [x])


def test_custom_cube_matches_the_builtin_power_inside_a_larger_graph():
    x, w = f64([0.5, -1.2, 2.0]), f64([1.5, 0.3, -0.7])
    (Cube.apply(x * w) + x).sum().backward()
    x2, w2 = f64(x.numpy()), f64(w.numpy())
    ((x2 * w2) ** 3 + x2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x2.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), w2.grad.numpy(), rtol=1e-12)


def test_forward_runs_with_grad_recording_off():
    seen = {}

    class Spy(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            intermediate = x * 2
            seen["enabled"], seen["intermediate requires grad"] = (
                tg.is_grad_enabled(),
                intermediate.requires_grad,
            )
            return intermediate

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2

    y = Spy.apply(f64([1.0, 2.0]))
    assert seen == {"enabled": False, "intermediate requires grad": False}
    assert y.requires_grad and tg.is_grad_enabled()


def test_nothing_is_recorded_when_no_input_requires_grad_or_under_no_grad():
    y = Cube.apply(f64([1.0, 2.0], requires_grad=False))
    assert not y.requires_grad and y.grad_fn is None
    with tg.no_grad():
        z = Cube.apply(f64([1.0, 2.0]))
    assert not z.requires_grad and z.grad_fn is None
    np.testing.assert_array_equal(z.numpy(), [1.0, 8.0])


def test_non_tensor_arguments_and_ctx_attributes_reach_backward():
    x, y = f64([1.0, 2.0]), f64([3.0, -1.0])
    ScaledAdd.apply(x, y, 0.5).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.5, 0.5])


def test_needs_input_grad_has_one_entry_per_forward_argument():
    x, constant = f64([1.0, 2.0]), f64([3.0, -1.0], requires_grad=False)
    out = ScaledAdd.apply(x, constant, 2.0)
    assert out.grad_fn.ctx.seen_needs_input_grad == (True, False, False)
    out.sum().backward()
    assert constant.grad is None
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_keyword_arguments_bind_to_forward_parameters():
    class Scale(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor=2.0):
            ctx.factor = factor
            return x * factor

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * ctx.factor, None

    x = f64([1.0, -2.0])
    Scale.apply(x, factor=3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(Scale.apply(x).numpy(), [2.0, -4.0])


def test_setup_context_form_splits_forward_from_what_backward_keeps():
    class Mul(tg.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, grad_output):
            x, y = ctx.saved_tensors
            return grad_output * y, grad_output * x

    x, y = f64([1.0, 2.0]), f64([3.0, 4.0])
    Mul.apply(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(y.grad.numpy(), [1.0, 2.0])


def test_backward_returning_the_wrong_number_of_gradients_says_how_many_were_expected():
    class TooMany(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2, grad_output

    class TooFew(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, grad_output):
            return (grad_output,)

    with pytest.raises(
        RuntimeError, match=r"TooManyBackward returned an incorrect number of gradients \(expected 1, got 2\)"
    ):
        TooMany.apply(f64([1.0])).sum().backward()
    with pytest.raises(RuntimeError, match=r"incorrect number of gradients \(expected 2, got 1\)"):
        TooFew.apply(f64([1.0]), f64([2.0])).sum().backward()


def test_extra_none_gradients_at_the_end_are_allowed():
    class Double(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2, None, None

    x = f64([1.0, 2.0])
    Double.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_a_gradient_of_the_wrong_shape_or_dtype_names_the_argument():
    class WrongShape(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, grad_output[:1]

    class WrongDtype(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output.to(dtype=tg.float32)

    with pytest.raises(
        RuntimeError,
        match=r"invalid gradient for argument 1: shape \(1,\), but the argument has shape \(3,\)",
    ):
        WrongShape.apply(f64([1.0, 2.0, 3.0]), f64([1.0, 2.0, 3.0])).sum().backward()
    with pytest.raises(TypeError, match="returned a float32 gradient for argument 0, which is float64"):
        WrongDtype.apply(f64([1.0])).sum().backward()


def test_a_broadcast_gradient_is_summed_to_the_argument_shape():
    class AddRow(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, row):
            return x + row

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, grad_output  # the row's gradient still has the broadcast shape

    x, row = f64(np.ones((4, 3))), f64([1.0, 2.0, 3.0])
    AddRow.apply(x, row).sum().backward()
    np.testing.assert_array_equal(row.grad.numpy(), [4.0, 4.0, 4.0])


def test_a_gradient_for_a_non_tensor_argument_is_an_error():
    class Bad(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2, grad_output

    with pytest.raises(RuntimeError, match="gradient for argument 1 of forward, which is not a Tensor"):
        Bad.apply(f64([1.0]), 2.0).sum().backward()


def test_a_saved_input_changed_in_place_after_forward_makes_backward_raise():
    x = f64([1.0, -2.0])
    leaf_copy = x.clone()
    y = MyReLU.apply(leaf_copy)
    with tg.no_grad():
        leaf_copy.mul_(3)
    with pytest.raises(RuntimeError, match="saved tensor 0 of MyReLU.forward .* modified in place"):
        y.sum().backward()


def test_a_saved_output_changed_in_place_makes_backward_raise():
    y = Exp.apply(f64([0.0, 1.0]))
    with tg.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match=r"saved tensor 0 of Exp.forward .* \(version 0 -> 1\)"):
        y.sum().backward()


def test_a_forward_that_returns_its_input_leaves_the_input_a_leaf():
    class Identity(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 5

    x = f64([1.0, 2.0])
    y = Identity.apply(x)
    assert y is not x and x.grad_fn is None and x.is_leaf
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0])


def test_second_derivative_of_a_custom_cube_is_6x():
    x = f64([0.5, -2.0, 3.0])
    (first,) = tg.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(first.numpy(), 3 * x.numpy() ** 2)
    (second,) = tg.autograd.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), 6 * x.numpy())

    def first_derivative(t):
        t = t if t.requires_grad else t.requires_grad_(True)  # finite differences pass plain tensors
        return tg.autograd.grad(Cube.apply(t).sum(), t, create_graph=True)[0]

    assert tg.gradcheck(first_derivative, [f64([0.3, -1.1], requires_grad=False)])


def test_second_derivative_flows_through_a_saved_output():
    x = f64([0.0, 0.5])
    (first,) = tg.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    (second,) = tg.autograd.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), np.exp(x.numpy()), rtol=1e-12)


def test_backward_is_not_recorded_without_create_graph():
    x = f64([2.0])
    (first,) = tg.autograd.grad(Cube.apply(x).sum(), x)
    assert not first.requires_grad


def test_two_outputs_get_one_gradient_each_and_zeros_for_an_unused_one():
    x = f64([0.3, 1.2, -0.7])
    sin, cos = SinCos.apply(x)
    np.testing.assert_allclose(sin.numpy(), np.sin(x.numpy()))
    (2 * sin + 3 * cos).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(x.numpy()) - 3 * np.sin(x.numpy()), rtol=1e-12)

    x.grad = None
    sin, cos = SinCos.apply(x)
    sin.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos(x.numpy()), rtol=1e-12)
    assert tg.gradcheck(
        lambda t: SinCos.apply(t)[0] * SinCos.apply(t)[1], [f64([0.3, 1.2], requires_grad=False)]
    )


def test_set_materialize_grads_false_gives_none_for_an_unused_output():
    received = []

    class Pair(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, grad_double, grad_triple):
            received.append((grad_double, grad_triple))
            return grad_double * 2 if grad_triple is None else grad_double * 2 + grad_triple * 3

    x = f64([1.0, 2.0])
    Pair.apply(x)[0].sum().backward()
    assert received[0][1] is None
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_integer_and_marked_outputs_do_not_require_grad():
    class MaxWithIndex(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            index = x.argmax()
            doubled = x * 2
            ctx.mark_non_differentiable(doubled)
            ctx.save_for_backward(x, index)
            return x.max(), index, doubled

        @staticmethod
        def backward(ctx, grad_max, grad_index, grad_doubled):
            x, index = ctx.saved_tensors
            grad = tg.zeros_like(x)
            grad[index.item()] = grad_max
            return grad

    x = f64([1.0, 5.0, 3.0])
    value, index, doubled = MaxWithIndex.apply(x)
    assert value.requires_grad and not index.requires_grad and not doubled.requires_grad
    value.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0])


def test_a_second_backward_through_a_freed_custom_node_raises():
    x = f64([1.0])
    sin, cos = SinCos.apply(x)
    sin.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        cos.sum().backward()
    y = Cube.apply(x)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [np.cos(1.0) + 6.0])


def test_forward_returning_something_other_than_tensors_is_a_clear_error():
    class ReturnsList(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return [x * 2]

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    with pytest.raises(TypeError, match="ReturnsList.forward must return a Tensor or a tuple, got list"):
        ReturnsList.apply(f64([1.0]))


def test_forward_and_backward_must_both_be_static_methods():
    with pytest.raises(TypeError, match=r"Half.backward must be a @staticmethod"):

        class Half(tg.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x / 2

            def backward(self, grad_output):
                return grad_output / 2


def test_save_for_backward_takes_only_tensors_or_none():
    class SavesFloat(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x, None, k)
            return x * k

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    with pytest.raises(TypeError, match="argument 2 is a float"):
        SavesFloat.apply(f64([1.0]), 2.0)


def test_the_engines_own_function_contract_still_works():
    class TimesTwo(tg.autograd.Function):  # instance methods on raw arrays, as in ops.py
        def forward(self, array):
            return array * 2

        def backward(self, grad):
            return (grad * 2,)

    x = f64([1.0, 3.0])
    TimesTwo.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_autograd_backward_seeds_several_outputs_in_one_pass():
    x = f64([1.0, 2.0])
    a, b = x * 3, (x * x).sum()
    tg.autograd.backward([a, b], [tg.ones_like(a) * 2, None])
    np.testing.assert_array_equal(x.grad.numpy(), [6.0 + 2.0, 6.0 + 4.0])
    y, w = f64([1.0]), f64([2.0])
    tg.autograd.backward((y * w).sum(), inputs=[w])
    assert y.grad is None
    np.testing.assert_array_equal(w.grad.numpy(), [1.0])
    with pytest.raises(ValueError, match="2 tensors but 1 grad_tensors"):
        tg.autograd.backward([x * 2, x * 3], [tg.ones_like(x)])


def test_autograd_namespace_has_pytorchs_names():
    for name in ("Function", "grad", "backward", "no_grad", "enable_grad", "set_grad_enabled", "gradcheck"):
        assert hasattr(tg.autograd, name), name
