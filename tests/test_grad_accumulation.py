"""How backward stores gradients in ``.grad``, as PyTorch's AccumulateGrad: each leaf's gradient has
memory of its own, and a second backward adds into the existing ``.grad`` in place."""

from __future__ import annotations

import tinygrad_adam as tg


def test_two_leaves_fed_by_one_gradient_do_not_share_it():
    a = tg.ones(3, requires_grad=True)
    b = tg.ones(3, requires_grad=True)
    (a + b).sum().backward()  # Add hands one gradient array to both
    a.grad.data.add_(1)
    a.grad[0] = 9.0
    assert a.grad.tolist() == [9.0, 2.0, 2.0] and b.grad.tolist() == [1.0, 1.0, 1.0]


def test_a_seed_the_caller_passed_is_not_the_leafs_gradient():
    x = tg.ones(2, requires_grad=True)
    seed = tg.tensor([1.0, 2.0])
    (x + 0).backward(seed)
    x.grad[0] = 5.0
    assert seed.tolist() == [1.0, 2.0] and x.grad.tolist() == [5.0, 2.0]


def test_the_gradient_of_a_sum_is_writable():
    x = tg.ones(3, requires_grad=True)
    x.sum().backward()  # the upstream 1 broadcast to x's shape
    x.grad[1] = 7.0
    x.grad.data.mul_(2)
    assert x.grad.tolist() == [2.0, 14.0, 2.0]


def test_a_second_backward_adds_into_the_same_grad_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    kept = x.grad
    (x * x).sum().backward()
    assert x.grad is kept and kept.tolist() == [5.0, 7.0]


def test_backward_with_inputs_stores_the_same_way():
    x = tg.ones(2, requires_grad=True)
    w = tg.ones(2, requires_grad=True)
    (x + w).sum().backward(inputs=[x, w])
    x.grad.data.add_(1)
    assert w.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [2.0, 2.0]


def test_create_graph_gradients_stay_differentiable_sums():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x**2).sum().backward(create_graph=True)
    first = x.grad
    (x**2).sum().backward(create_graph=True)
    assert x.grad is not first and x.grad.requires_grad and x.grad.tolist() == [4.0, 8.0]


def test_deepcopy_of_a_model_copies_each_gradient_into_memory_of_its_own_as_torch() -> None:
    import copy

    model = tg.nn.Linear(3, 2)
    model(tg.ones(1, 3)).sum().backward()
    twin = copy.deepcopy(model)
    assert (twin.weight.grad.numpy() == model.weight.grad.numpy()).all()
    twin.weight.grad.data.fill_(7.0)
    assert model.weight.grad.numpy().max() == 1.0  # the original's gradient is untouched
    assert copy.deepcopy(tg.ones(2)).grad is None
