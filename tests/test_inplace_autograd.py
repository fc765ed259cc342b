"""In-place ops on graph tensors are recorded by autograd, as in PyTorch: ``h.add_(x)``, ``h[i] = v``,
``scores.masked_fill_(mask, -inf)``, ``F.relu(h, inplace=True)`` give PyTorch's gradients, and backward
refuses a node that needed the value an in-place op overwrote."""

from __future__ import annotations

import numpy as np
import pytest
from ported_rounds import load_programs

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F

programs, RECORD = load_programs("inplace_autograd")
DATA = {key[len("data/") :]: RECORD[key] for key in RECORD.files if key.startswith("data/")}


@pytest.mark.parametrize("program", programs.PROGRAMS, ids=lambda program: program.__name__)
def test_program_with_in_place_ops_gets_pytorchs_gradients(program):
    for name, value in program(tg, DATA).items():
        expected = RECORD[f"{program.__name__}/{name}"]
        np.testing.assert_allclose(np.asarray(value), expected, rtol=2e-5, atol=2e-6, err_msg=name)


def test_the_in_place_op_becomes_the_tensors_grad_fn_and_keeps_its_identity():
    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = x * 2
    alias = h
    assert h.mul_(3.0) is alias
    assert type(h.grad_fn).__name__ == "Mul" and not h.is_leaf
    np.testing.assert_array_equal(alias.detach().numpy(), [6.0, -12.0, 18.0])


def test_nodes_recorded_before_the_change_keep_the_old_value():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x + 0
    before = h.sum() * 1  # a consumer of h's old value
    h.add_(10.0)
    (before + h.sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_backward_refuses_a_node_whose_saved_value_was_changed_in_place():
    x = tg.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()  # exp's backward reads its output
    y.add_(1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()
    z = x * 1
    product = z * x  # reads z for x's gradient
    z.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        product.sum().backward()


def test_a_product_with_a_constant_does_not_need_its_input_after_an_in_place_change():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    doubled = h * 2.0
    h.zero_()
    (doubled + h).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_in_place_relu_writes_into_the_input_and_differentiates_through_it():
    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = x * 2
    out = F.relu(h, inplace=True)
    assert out is h
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 0.0, 24.0])


@pytest.mark.parametrize(
    "activation",
    [
        lambda t, inplace: F.leaky_relu(t, 0.1, inplace=inplace),
        lambda t, inplace: F.elu(t, inplace=inplace),
        lambda t, inplace: F.hardtanh(t, inplace=inplace),
        lambda t, inplace: F.silu(t, inplace=inplace),
        lambda t, inplace: F.threshold(t, 0.5, -1.0, inplace=inplace),
        lambda t, inplace: F.dropout(t, 0.5, inplace=inplace),
    ],
)
def test_in_place_activations_give_the_out_of_place_gradient(activation):
    values = np.array([0.7, -1.3, 2.1, -0.2], np.float32)
    grads = []
    for inplace in (False, True):
        x = tg.tensor(values, requires_grad=True)
        h = x * 1.5
        tg.manual_seed(0)  # the same dropout mask both ways
        y = activation(h, inplace)
        assert (y is h) == inplace
        (y * y).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)


def test_assigning_a_tensor_that_requires_grad_into_a_plain_buffer_makes_it_part_of_the_graph():
    w = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    buffer = tg.zeros(2, 3)
    buffer[1] = w * w
    assert buffer.requires_grad and not buffer.is_leaf
    buffer.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0, 6.0])


def test_assignment_gradient_sums_a_broadcast_value():
    v = tg.tensor([1.0, 2.0], requires_grad=True)
    buffer = tg.zeros(3, 2)
    buffer[:] = v  # broadcast over three rows
    (buffer * tg.tensor([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [6.0, 6.0])


def test_in_place_change_of_a_leaf_that_requires_grad_is_refused():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    for change in (lambda: w.add_(1.0), lambda: w.masked_fill_(w > 1, 0.0), lambda: w.__setitem__(0, 5.0)):
        with pytest.raises(RuntimeError, match="leaf"):
            change()
    with tg.no_grad():
        w.add_(1.0)
    np.testing.assert_array_equal(w.detach().numpy(), [2.0, 3.0])


def test_in_place_change_of_a_reshaped_or_transposed_graph_tensor_is_refused_with_a_way_out():
    # PyTorch rewrites the base's history through any view; this engine does it through slices only.
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    h = x * 2
    for view in (h.t(), h.reshape(4), h[0][1:]):
        with pytest.raises(RuntimeError, match="view of another tensor.*out of place"):
            view.mul_(2.0)
    np.testing.assert_array_equal(h.detach().numpy(), [[2.0, 4.0], [6.0, 8.0]])


def test_in_place_change_of_a_slice_of_a_leaf_that_requires_grad_is_refused():
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf tensor that requires grad"):
        w[0].mul_(2.0)
    np.testing.assert_array_equal(w.detach().numpy(), [[1.0, 2.0], [3.0, 4.0]])


def test_in_place_ops_outside_grad_mode_change_the_data_without_a_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    with tg.no_grad():
        h.add_(1.0)
        h[0] = 0.0
    assert type(h.grad_fn).__name__ == "Mul"  # still the graph that made it
    np.testing.assert_array_equal(h.detach().numpy(), [0.0, 5.0])


def test_views_taken_before_an_in_place_change_of_their_base_see_it():
    x = tg.zeros(3)
    row, detached = x[0:2], x.detach()
    x.add_(1.0)
    np.testing.assert_array_equal(row.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(detached.numpy(), [1.0, 1.0, 1.0])
    w = tg.ones(3, requires_grad=True)
    h = w * 2
    tail = h[1:]
    h.mul_(3.0)  # recorded; the old value stays with the graph, the view sees the new one
    np.testing.assert_array_equal(tail.detach().numpy(), [6.0, 6.0])
    h.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [6.0, 6.0, 6.0])


def test_copy_takes_a_source_from_another_device_as_pytorch():
    buffer = tg.zeros(2, 3, device="strict")
    buffer.copy_(tg.from_numpy(np.ones((2, 3), np.uint8)))  # cast and moved, as torch's copy_
    assert buffer.device == "strict:0" and buffer.dtype == tg.float32
    np.testing.assert_array_equal(buffer.numpy(), np.ones((2, 3)))
    w = tg.tensor([1.0, 2.0, 3.0], requires_grad=True, device="cpu")
    on_strict = tg.zeros(3, device="strict")
    on_strict.copy_(w * 2)
    on_strict.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 2.0, 2.0])


def test_a_slice_taken_before_an_in_place_change_of_its_base_differentiates_its_new_value():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1.0
    first_two = h[0:2]
    h.mul_(3.0)
    first_two.sum().backward()
    np.testing.assert_array_equal(first_two.detach().numpy(), [3.0, 6.0])
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0, 0.0])  # PyTorch's: the view follows its base


def test_a_reshaped_view_taken_before_an_in_place_change_refuses_backward():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1.0
    column = h.reshape(3, 1)
    h.mul_(3.0)
    with pytest.raises(RuntimeError, match="before an in-place change.*take the view again"):
        column.sum().backward()


def test_augmented_assignment_changes_the_tensor_itself_and_a_slice_changes_its_base():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1.0
    same = h
    h += 1.0
    assert same is h
    row = h[1:]
    row *= 10.0  # through the base, as PyTorch's
    np.testing.assert_array_equal(h.detach().numpy(), [2.0, 30.0, 40.0])
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 600.0, 800.0])
