"""Gradient hooks, as PyTorch's: Tensor.register_hook, Tensor.register_post_accumulate_grad_hook,
Module.register_full_backward_hook / register_full_backward_pre_hook / register_backward_hook.
The expected values were checked against torch 2.13 by hand (tests/../scratch, not a dependency)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def leaf(values: list) -> tg.Tensor:
    return tg.tensor(np.array(values, dtype=np.float32), requires_grad=True)


def test_a_leaf_hook_sees_the_summed_gradient_before_it_reaches_grad() -> None:
    x = leaf([1.0, 2.0, 3.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    (x * x + x * 2).sum().backward()  # two uses of x: the hook sees their sum once
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [4.0, 6.0, 8.0])
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 6.0, 8.0])


def test_a_hook_that_returns_a_tensor_replaces_the_gradient_downstream() -> None:
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    y.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [80.0, 160.0, 240.0])  # 2·(2·2x·10)


def test_a_leaf_hook_can_rewrite_its_own_gradient() -> None:
    x = leaf([1.0, -2.0])
    x.register_hook(lambda g: g.clamp(-0.5, 0.5))
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.5])


def test_hooks_run_in_registration_order_and_retain_grad_sees_the_result() -> None:
    x = leaf([1.0, 2.0])
    y = x * x
    order = []
    y.register_hook(lambda g: order.append("first") or g + 1)
    y.register_hook(lambda g: order.append("second") or g * 2)
    y.retain_grad()
    (y * 3).sum().backward()
    assert order == ["first", "second"]
    np.testing.assert_array_equal(y.grad.numpy(), [8.0, 8.0])  # (3 + 1)·2
    np.testing.assert_array_equal(x.grad.numpy(), [16.0, 32.0])


def test_removing_a_hook_stops_it() -> None:
    x = leaf([1.0])
    calls = []
    handle = x.register_hook(lambda g: calls.append(1))
    (x * 2).sum().backward()
    handle.remove()
    (x * 2).sum().backward()
    assert calls == [1]
    np.testing.assert_array_equal(x.grad.numpy(), [4.0])


def test_hooks_also_run_for_autograd_grad() -> None:
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g * 0)
    y = x * 5
    y.register_hook(lambda g: g + 1)
    (gx,) = tg.autograd.grad((y * 1).sum(), x)
    np.testing.assert_array_equal(gx.numpy(), [0.0, 0.0])
    (gy,) = tg.autograd.grad((x * 5 * 1).sum(), x)  # a new graph: no hooks on its y
    np.testing.assert_array_equal(gy.numpy(), [0.0, 0.0])  # x's own hook still applies


def test_a_hook_that_changes_the_shape_or_returns_a_non_tensor_is_refused() -> None:
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g[:1])
    with pytest.raises(RuntimeError, match="changed the size"):
        (x * 2).sum().backward()
    z = leaf([1.0])
    z.register_hook(lambda g: 3.0)
    with pytest.raises(TypeError, match="returned a float"):
        (z * 2).sum().backward()


def test_hooks_need_a_tensor_that_requires_grad_and_a_callable() -> None:
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tg.tensor([1.0]).register_hook(lambda g: g)
    with pytest.raises(TypeError, match="callable"):
        leaf([1.0]).register_hook(3)


def test_post_accumulate_grad_hook_runs_after_grad_is_final_and_only_on_leaves() -> None:
    w = leaf([1.0, 2.0])
    seen = []
    w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.numpy().copy()))
    (w * 3).sum().backward()
    (w * 3).sum().backward()  # accumulates: the hook sees 3 + 3
    np.testing.assert_array_equal(seen[0], [3.0, 3.0])
    np.testing.assert_array_equal(seen[1], [6.0, 6.0])
    with pytest.raises(RuntimeError, match="non-leaf"):
        (w * 1).register_post_accumulate_grad_hook(lambda p: None)


def test_an_optimizer_can_step_inside_backward_through_post_accumulate_hooks() -> None:
    tg.manual_seed(0)
    model = tg.nn.Linear(3, 1)
    optimizers = {p: tg.optim.SGD([p], lr=0.1) for p in model.parameters()}
    before = {p: p.numpy().copy() for p in model.parameters()}

    def step(p: tg.Tensor) -> None:
        optimizers[p].step()
        optimizers[p].zero_grad()

    for p in model.parameters():
        p.register_post_accumulate_grad_hook(step)
    model(tg.ones((2, 3))).sum().backward()
    for p in model.parameters():
        assert p.grad is None  # stepped and cleared inside backward
        assert not np.array_equal(p.numpy(), before[p])


def linear_with_known_weights() -> tg.nn.Linear:
    layer = tg.nn.Linear(3, 2)
    with tg.no_grad():
        layer.weight.copy_(tg.tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)))
        layer.bias.copy_(tg.tensor(np.array([0.5, -0.5], dtype=np.float32)))
    return layer


def test_full_backward_hook_sees_the_gradients_at_the_module_boundary() -> None:
    layer = linear_with_known_weights()
    log = []
    layer.register_full_backward_hook(lambda m, gi, go: log.append((m, gi, go)))
    x = leaf([[1.0, -1.0, 2.0]])
    (layer(x) * tg.tensor(np.array([[1.0, 3.0]], dtype=np.float32))).sum().backward()
    (module, grad_input, grad_output), = log
    assert module is layer
    np.testing.assert_array_equal(grad_output[0].numpy(), [[1.0, 3.0]])
    np.testing.assert_array_equal(grad_input[0].numpy(), [[13.0, 17.0, 21.0]])  # go · W
    np.testing.assert_array_equal(x.grad.numpy(), [[13.0, 17.0, 21.0]])


def test_a_pre_hook_replaces_grad_output_and_a_hook_replaces_grad_input() -> None:
    layer = linear_with_known_weights()
    log = []
    layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
    layer.register_full_backward_hook(lambda m, gi, go: log.append(go[0].numpy().copy()) or (gi[0] * 0,))
    x = leaf([[1.0, -1.0, 2.0]])
    (layer(x) * tg.tensor(np.array([[1.0, 3.0]], dtype=np.float32))).sum().backward()
    np.testing.assert_array_equal(log[0], [[2.0, 6.0]])  # the hook sees the replaced grad_output
    np.testing.assert_array_equal(layer.weight.grad.numpy(), [[2.0, -2.0, 4.0], [6.0, -6.0, 12.0]])
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.0, 0.0]])


def test_full_backward_hook_fires_with_none_when_no_input_needs_a_gradient() -> None:
    layer = linear_with_known_weights()
    log = []
    layer.register_full_backward_hook(lambda m, gi, go: log.append(gi))
    layer(tg.ones((1, 3))).sum().backward()
    assert log == [(None,)]
    np.testing.assert_array_equal(layer.bias.grad.numpy(), [1.0, 1.0])


def test_backward_hooks_on_a_submodule_of_a_sequential_and_removal() -> None:
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(4, 3), tg.nn.ReLU(), tg.nn.Linear(3, 2))
    norms = []
    handle = model[2].register_backward_hook(lambda m, gi, go: norms.append(gi[0].abs().sum().item()))
    x = tg.randn(5, 4)
    model(x).sum().backward()
    expected = model[2].weight.sum(axis=0).abs().sum().item() * 5  # ones(5, 2) · W, summed
    assert norms == [pytest.approx(expected, rel=1e-6)]
    handle.remove()
    model(x).sum().backward()
    assert len(norms) == 1


def test_a_hook_returning_the_wrong_number_of_gradients_is_refused() -> None:
    layer = linear_with_known_weights()
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="1 gradients"):
        layer(leaf([[1.0, 2.0, 3.0]])).sum().backward()


def test_modules_without_backward_hooks_add_no_nodes() -> None:
    layer = linear_with_known_weights()
    out = layer(leaf([[1.0, 2.0, 3.0]]))
    assert type(out.grad_fn).__name__ == "Linear"
