"""Edge cases of the autodiff engine, specified as PyTorch behaves (hand-computed expectations)."""

from __future__ import annotations

import gc
import pickle
import weakref

import numpy as np
import pytest

import tinygrad_adam as tg

STALE = "modified by an inplace operation"


# -- views share their base's version counter --------------------------------------------------
def test_changing_a_base_in_place_invalidates_a_saved_slice_of_it():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    head = x[0:2]
    loss = (head * head).sum()  # Mul saves `head`, whose memory is x's
    with tg.no_grad():
        x[0] = 10.0
    with pytest.raises(RuntimeError, match=STALE):
        loss.backward()


def test_changing_a_detached_alias_in_place_invalidates_the_saved_original():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x * x).sum()
    alias = x.detach()
    alias[0] = 10.0  # writes x's memory
    assert x.numpy().tolist() == [10.0, 2.0, 3.0]
    with pytest.raises(RuntimeError, match=STALE):
        loss.backward()


@pytest.mark.parametrize("update", ["sub_", "setitem"])
def test_updating_a_weight_after_its_transpose_was_saved_is_an_error(update):
    # The optimizer-before-backward bug: x @ w.T saves w.T, a view of w; stepping w must not
    # leave backward to use the new weights silently.
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = tg.tensor([[1.0, 1.0]], requires_grad=True)
    out = x @ w.T
    with tg.no_grad():
        if update == "sub_":
            w.sub_(1.0)
        else:
            w[0, 0] = 100.0
    with pytest.raises(RuntimeError, match=STALE):
        out.sum().backward()


def test_changing_a_view_in_place_counts_as_a_change_of_its_base():
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = tg.tensor([1.0, 1.0], requires_grad=True)
    out = (x * w).sum()  # saves w itself
    with tg.no_grad():
        w.reshape(4)[1] = 0.0
    with pytest.raises(RuntimeError, match=STALE):
        out.backward()


def test_changing_an_operand_that_backward_does_not_read_is_allowed():
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    x = tg.tensor([[1.0, 1.0]], requires_grad=True)
    out = (x + w.T).sum()  # the gradient of a sum does not depend on w
    w.add_(1.0)
    out.backward()
    assert x.grad.numpy().tolist() == [[2.0, 2.0]]


def test_a_view_used_after_its_base_changed_gives_the_new_gradient():
    # Changing before use is fine: the saved version is the one at use time.
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = tg.tensor([1.0, 1.0, 1.0])
    view = y[0:2]
    y[0] = 5.0
    (x[0:2] * view).sum().backward()
    assert x.grad.numpy().tolist() == [5.0, 1.0, 0.0]


def test_in_place_ops_on_a_view_write_into_its_base():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    x[:, 1].mul_(10)
    x.detach().add_(1)
    x[0].sub_(0.5)
    x[1, 0].fill_(-1)  # one element: a 0-d view, not a copy
    x.reshape(4)[3].div_(2)
    np.testing.assert_array_equal(x.numpy(), [[1.5, 20.5], [-1.0, 20.5]])
    row = tg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="cannot be written: it repeats elements of its base"):
        row.expand(3, 2).add_(1)
    assert row.numpy().tolist() == [1.0, 2.0]


def test_0d_results_are_arrays_so_they_can_be_trained_and_changed_in_place():
    scale = tg.nn.Parameter(tg.full((), 0.5) * 2)  # NumPy gives 0-d results as immutable scalars
    optimizer = tg.optim.Adam([scale], lr=0.1)
    (scale * 3.0).backward()
    optimizer.step()
    np.testing.assert_allclose(scale.item(), 0.9, rtol=1e-6)
    count = tg.zeros(()) + 1
    count.add_(1)
    assert count.item() == 2.0


def test_augmented_assignment_updates_a_parameter_in_place_under_no_grad():
    layer = tg.nn.Dense(2, 1)
    weight = layer.weight
    before = weight.numpy().copy()
    layer(tg.tensor([[1.0, 2.0]])).sum().backward()
    with tg.no_grad():
        for param in layer.parameters():
            param -= 0.5 * param.grad  # hand-written SGD, as learners write it for PyTorch
    assert layer.weight is weight
    np.testing.assert_allclose(weight.numpy(), before - 0.5 * np.array([[1.0, 2.0]]), rtol=1e-6)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        weight += 1.0  # outside no_grad, as PyTorch refuses it


def test_augmented_assignment_in_a_graph_is_recorded_in_place_as_pytorch():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    alias = h
    h += x  # a residual connection
    assert h is alias
    h *= 2.0
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [8.0, 8.0])  # d(2·4x)/dx
    h = x * 3
    h *= h  # mul_ by itself: backward needs the value it overwrote, and refuses, as PyTorch does
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        h.sum().backward()
    total = tg.zeros(2)
    total += x  # accumulating something that requires grad keeps the graph
    assert total.requires_grad
    counts = tg.tensor([[1, 2], [3, 4]])
    counts[0] += 5  # no graph: in place, through the row's view
    counts //= 2
    assert counts.numpy().tolist() == [[3, 3], [1, 2]]
    with pytest.raises(TypeError, match="does not fit a int64 tensor"):
        counts += 0.5


def test_inference_mode_is_no_grad_and_its_false_form_changes_nothing():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.inference_mode():
        assert not (x * 2).requires_grad
    with tg.inference_mode(False):
        assert (x * 2).requires_grad
    with tg.no_grad(), tg.inference_mode(False):
        assert not (x * 2).requires_grad

    @tg.inference_mode
    def predict(v: tg.Tensor) -> tg.Tensor:
        return v * 2

    assert not predict(x).requires_grad and (x * 2).requires_grad
    with pytest.raises(TypeError, match="needs a bool"):
        tg.inference_mode("yes")


def test_detach_in_place_makes_a_leaf_that_needs_no_grad():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.detach_() is y and y.grad_fn is None and not y.requires_grad
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0])


def test_zeroing_gradients_in_place_never_touches_another_parameters_gradient():
    # a + b hands both leaves the same gradient array: zeroing one must not zero the other's use.
    a, b = tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    held = b.grad
    tg.optim.SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert a.grad.numpy().tolist() == [0.0, 0.0] and held.numpy().tolist() == [1.0, 1.0]
    layer = tg.nn.Dense(2, 1)
    layer(tg.tensor([[1.0, 2.0]])).sum().backward()
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad.numpy().tolist() == [[0.0, 0.0]]


def test_a_detached_result_does_not_keep_its_graph_alive():
    x = tg.tensor(np.ones(4, np.float32), requires_grad=True)
    y = x.exp()
    node = weakref.ref(y.grad_fn)
    kept = y.detach()
    del y
    gc.collect()
    assert node() is None
    kept.add_(1.0)  # the view counts its own changes once its base is gone
    assert kept._version == 1 and np.allclose(kept.numpy(), np.e + 1)


def test_gradients_are_tensors_of_their_own_not_views():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.mul_(2.0)
    assert a.grad.numpy().tolist() == [2.0, 2.0]
    assert b.grad.numpy().tolist() == [1.0, 1.0]
    assert type(a.grad) is tg.Tensor
    (ga,) = tg.grad((a * a).sum(), a)
    assert type(ga) is tg.Tensor and ga.numpy().tolist() == [2.0, 4.0]


def test_a_view_pickles_as_a_plain_tensor_copy():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    copy = pickle.loads(pickle.dumps(x[1]))
    assert type(copy) is tg.Tensor and copy.numpy().tolist() == [3.0, 4.0]


# -- clone ---------------------------------------------------------------------------------------
def test_clone_copies_memory_and_passes_gradients_through():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.grad_fn is not None and c.numpy().tolist() == [1.0, 2.0]
    (c * c).sum().backward()
    assert x.grad.numpy().tolist() == [2.0, 4.0]
    with tg.no_grad():
        c[0] = 7.0
    assert x.numpy().tolist() == [1.0, 2.0]


def test_clone_of_an_integer_tensor_is_an_independent_copy():
    n = tg.tensor([1, 2, 3])
    c = n.clone()
    c[0] = 9
    assert n.numpy().tolist() == [1, 2, 3] and c.dtype == tg.int64


# -- grad mode -----------------------------------------------------------------------------------
@pytest.mark.parametrize("parentheses", [True, False])
def test_no_grad_on_a_generator_holds_while_it_runs_and_not_between_steps(parentheses):
    x = tg.tensor([1.0], requires_grad=True)

    def steps():
        received = yield (x * 2).requires_grad
        yield received, tg.is_grad_enabled()
        return "done"

    decorated = tg.no_grad()(steps) if parentheses else tg.no_grad(steps)
    run = decorated()
    assert next(run) is False
    assert tg.is_grad_enabled()  # the caller's mode between steps
    assert run.send("sent") == ("sent", False)
    with pytest.raises(StopIteration) as stop:
        next(run)
    assert stop.value.value == "done" and tg.is_grad_enabled()


def test_set_grad_enabled_switches_now_or_within_a_block():
    try:
        tg.set_grad_enabled(False)
        assert not tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)
    assert tg.is_grad_enabled()
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    with tg.no_grad():
        with tg.set_grad_enabled(True):
            assert (tg.tensor([1.0], requires_grad=True) * 2).requires_grad
        assert not tg.is_grad_enabled()


def test_set_grad_enabled_as_a_decorator_acts_at_each_call_only():
    @tg.set_grad_enabled(False)
    def inside():
        return tg.is_grad_enabled()

    assert tg.is_grad_enabled()
    assert inside() is False and tg.is_grad_enabled()


def test_set_grad_enabled_needs_a_bool():
    with pytest.raises(TypeError, match="bool"):
        tg.set_grad_enabled("no")


def test_grad_and_backward_name_an_argument_that_is_not_tensors():
    x = tg.ones(2, requires_grad=True)
    y = (x * 2).sum()
    with pytest.raises(TypeError, match="grad: inputs must be a Tensor"):
        tg.grad(y, "x")
    with pytest.raises(TypeError, match="grad: inputs must be a Tensor"):
        tg.grad(y, [x, 3])
    with pytest.raises(TypeError, match="grad: outputs must be a Tensor"):
        tg.grad("y", x)
    with pytest.raises(TypeError, match="backward: tensors must be a Tensor"):
        tg.autograd.backward(None)


def test_grad_takes_any_iterable_of_tensors_such_as_model_parameters():
    model = tg.nn.Linear(2, 1)
    loss = model(tg.ones(1, 2)).sum()
    weight_grad, bias_grad = tg.grad(loss, model.parameters())
    np.testing.assert_allclose(weight_grad.numpy(), [[1.0, 1.0]])
    np.testing.assert_allclose(bias_grad.numpy(), [1.0])
