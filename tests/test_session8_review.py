"""Fresh-eyes review of session 8's features (gradient hooks, activation checkpointing, view(dtype),
uint8 masks, the new tensor methods), probed as a user would; expected values come from PyTorch 2.13."""

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.utils.checkpoint import checkpoint, checkpoint_sequential


def _linear_2x2() -> tg.nn.Linear:
    layer = tg.nn.Linear(2, 2)
    with tg.no_grad():
        layer.weight.copy_(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
        layer.bias.fill_(0.5)
    return layer


def _values(grads: tuple) -> list:
    return [None if g is None else g.numpy().tolist() for g in grads]


class _TwoInTwoOut(tg.nn.Module):
    def forward(self, a: tg.Tensor, b: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor]:
        return a * 2, a * b


def test_full_backward_hook_sees_every_input_and_output_gradient_of_a_tuple_output():
    module, seen = _TwoInTwoOut(), []
    module.register_full_backward_hook(lambda m, gi, go: seen.append((_values(gi), _values(go))))
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    first, second = module(a, b)
    (first.sum() + second.sum()).backward()
    assert seen == [([[5.0, 6.0], [1.0, 2.0]], [[1.0, 1.0], [1.0, 1.0]])]


def test_full_backward_hook_gets_none_for_an_output_backward_never_reached():
    module, seen = _TwoInTwoOut(), []
    module.register_full_backward_hook(lambda m, gi, go: seen.append((_values(gi), _values(go))))
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    module(a, b)[1].sum().backward()
    assert seen == [([[3.0, 4.0], [1.0, 2.0]], [None, [1.0, 1.0]])]


def test_full_backward_hook_fires_once_per_call_of_a_module_called_twice():
    layer, calls = _linear_2x2(), []
    layer.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    x = tg.tensor([[1.0, 2.0]], requires_grad=True)
    layer(layer(x)).sum().backward()
    assert len(calls) == 2


def test_full_backward_hook_with_no_input_requiring_grad_gets_none_grad_input():
    layer, seen = _linear_2x2(), []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((_values(gi), _values(go))))
    layer(tg.ones(1, 2)).sum().backward()
    assert seen == [([None], [[[1.0, 1.0]]])]


def test_full_backward_hook_returning_a_wrong_number_of_gradients_is_refused():
    layer = _linear_2x2()
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="2"):
        layer(tg.tensor([[1.0, 2.0]], requires_grad=True)).sum().backward()


def test_a_hook_removed_inside_another_hook_still_runs_in_that_pass():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    handles = []

    def double_and_remove_next(grad: tg.Tensor) -> tg.Tensor:
        handles[1].remove()
        return grad * 2

    handles.append(x.register_hook(double_and_remove_next))
    handles.append(x.register_hook(lambda grad: grad * 3))
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])
    x.grad = None
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_leaf_hook_sees_the_summed_gradient_of_a_tensor_used_twice():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda grad: seen.append(grad.numpy().tolist()))
    (x * x + x).sum().backward()
    assert seen == [[3.0, 5.0]]


def test_autograd_grad_with_respect_to_a_hooked_tensor_returns_the_hooked_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda grad: grad * 10)
    (grad,) = tg.autograd.grad((y * y).sum(), y)
    np.testing.assert_array_equal(grad.numpy(), [40.0, 80.0])


def test_hook_on_a_view_changes_only_the_gradient_through_that_view():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    tail = x[1:]
    tail.register_hook(lambda grad: grad * 10)
    tail.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 10.0, 10.0])


def test_checkpoint_refuses_backward_after_its_input_was_changed_in_place():
    x = tg.ones(2, 3, requires_grad=True)
    hidden = x * 1
    y = checkpoint(lambda a: a * a, hidden, use_reentrant=False)
    with tg.no_grad():
        hidden.mul_(5)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_checkpoint_of_a_computed_input_gives_the_plain_gradients():
    layer = _linear_2x2()
    x = tg.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    checkpoint(layer, x * 2, use_reentrant=False).sum().backward()
    checkpointed = x.grad.numpy().copy(), layer.weight.grad.numpy().copy()
    x.grad, layer.weight.grad = None, None
    layer(x * 2).sum().backward()
    np.testing.assert_allclose(checkpointed[0], x.grad.numpy())
    np.testing.assert_allclose(checkpointed[1], layer.weight.grad.numpy())


def test_checkpoint_second_derivative_matches_the_plain_one():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = checkpoint(lambda t: (t**3).sum(), x, use_reentrant=False)
    (grad,) = tg.autograd.grad(y, x, create_graph=True)
    grad.sum().backward()
    np.testing.assert_allclose(grad.detach().numpy(), [3.0, 12.0])
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])


def test_checkpoint_sequential_names_a_segment_count_out_of_range():
    model = tg.nn.Sequential(tg.nn.Linear(3, 3), tg.nn.ReLU())
    with pytest.raises(ValueError, match="segments"):
        checkpoint_sequential(model, 0, tg.ones(2, 3), use_reentrant=False)
    with pytest.raises(ValueError, match="segments"):
        checkpoint_sequential(model, 3, tg.ones(2, 3), use_reentrant=False)


def test_view_dtype_of_a_0d_tensor_to_another_element_size_is_refused():
    with pytest.raises(RuntimeError, match="0-d"):
        tg.tensor(1.0).view(tg.float16)
    assert tg.tensor(1.0).view(tg.int32).item() == 1065353216


def test_uint8_mask_selects_and_assigns_like_a_bool_mask():
    x = tg.tensor([1.0, -2.0, 3.0, 4.0])
    mask = tg.tensor([1, 0, 2, 0], dtype=tg.uint8)
    with pytest.warns(UserWarning):
        np.testing.assert_array_equal(x[mask].numpy(), [1.0, 3.0])
    with pytest.warns(UserWarning):
        x[mask] = tg.tensor([9.0, 8.0])
    np.testing.assert_array_equal(x.numpy(), [9.0, -2.0, 8.0, 4.0])


def test_requires_grad_setter_refuses_non_bools_int_tensors_and_non_leaves():
    with pytest.raises(RuntimeError, match="bool"):
        tg.tensor([1.0]).requires_grad = 1
    with pytest.raises(RuntimeError, match="floating"):
        tg.tensor([1]).requires_grad = True
    with pytest.raises(RuntimeError, match="leaf"):
        (tg.tensor([1.0], requires_grad=True) * 2).requires_grad = False


_BASE = np.random.RandomState(0).randn(3, 4)


def _weighted_grad(function) -> np.ndarray:
    """d/dx of sum(function(x) * w) for w = 0, 1, 2, ... (every output element weighed apart)."""
    x = tg.tensor(_BASE.copy(), requires_grad=True)
    y = function(x)
    y = y[0] if isinstance(y, tuple) else y
    weights = tg.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape)))
    (y * weights).sum().backward()
    return x.grad.numpy()


def test_new_selection_ops_route_gradients_as_pytorch():
    np.testing.assert_array_equal(
        _weighted_grad(lambda x: x.kthvalue(2, 1)), [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 2, 0]]
    )
    np.testing.assert_array_equal(
        _weighted_grad(lambda x: tg.cat([x, x], 1).mode(1)), [[0, 0, 0, 0], [0, 1, 0, 0], [2, 0, 0, 0]]
    )
    np.testing.assert_array_equal(
        _weighted_grad(lambda x: x.take(tg.tensor([0, 0, 5, -1]))), [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 3]]
    )
    np.testing.assert_array_equal(
        _weighted_grad(lambda x: x.index_copy(0, tg.tensor([2]), tg.ones(1, 4, dtype=tg.float64))),
        [[0, 1, 2, 3], [4, 5, 6, 7], [0, 0, 0, 0]],
    )


def test_renorm_gradient_matches_pytorch():
    np.testing.assert_allclose(
        _weighted_grad(lambda x: x.renorm(2, 0, 1.0)),
        [
            [-0.5692, 0.1996, 0.3417, 0.2632],
            [0.6416, 2.7256, 2.0377, 3.1091],
            [5.8532, 3.5479, 5.742, -1.155],
        ],
        atol=1e-4,
    )


def test_erfinv_keeps_float64_digits_near_plus_one_as_near_minus_one():
    y = tg.tensor([1 - 1e-15, -(1 - 1e-15), 1 - 1e-9], dtype=tg.float64)
    np.testing.assert_allclose(
        y.erfinv().numpy(), [5.675915739744713, -5.675915739744713, 4.320005388105362], rtol=1e-13
    )


def _small_model() -> tg.nn.Sequential:
    model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 2))
    with tg.no_grad():
        for i, p in enumerate(model.parameters()):
            start = np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape)) * (i + 1) / 3
            p.copy_(tg.tensor(start.astype(np.float32)))
    return model


def test_optimizer_step_in_post_accumulate_grad_hooks_trains_as_a_plain_loop():
    x = tg.tensor(np.linspace(-2, 2, 15).reshape(5, 3).astype(np.float32))
    in_backward, plain = _small_model(), _small_model()
    optimizers = {p: tg.optim.Adam([p], lr=0.1) for p in in_backward.parameters()}

    def step(p: tg.Tensor) -> None:
        optimizers[p].step()
        optimizers[p].zero_grad()

    for p in in_backward.parameters():
        p.register_post_accumulate_grad_hook(step)
    optimizer = tg.optim.Adam(plain.parameters(), lr=0.1)
    for _ in range(3):
        (in_backward(x) ** 2).mean().backward()
        optimizer.zero_grad()
        (plain(x) ** 2).mean().backward()
        optimizer.step()
    assert all(p.grad is None for p in in_backward.parameters())
    for hooked, reference in zip(in_backward.parameters(), plain.parameters()):
        np.testing.assert_allclose(hooked.detach().numpy(), reference.detach().numpy(), rtol=1e-6)
