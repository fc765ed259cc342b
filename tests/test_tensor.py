"""Tensor construction, dtypes, conversions, shape ops, indexing and comparisons (forward values)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg

# -- construction and dtype rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        (1.5, tg.float32),
        ([1.0, 2.0], tg.float32),
        ([1, 2.5], tg.float32),
        ([[1, 2], [3, 4]], tg.int64),
        (3, tg.int64),
        ([True, False], tg.bool_),
        (np.array([1.0, 2.0]), tg.float64),
        (np.array([1.0], dtype=np.float32), tg.float32),
        (np.array([1, 2], dtype=np.int32), tg.int32),
        (np.float64(2.0), tg.float64),
    ],
)
def test_python_data_becomes_float32_int64_or_bool_and_numpy_keeps_its_dtype(data, dtype, device):
    t = tg.tensor(data)
    assert t.dtype == dtype
    assert t.device == device
    np.testing.assert_array_equal(t.numpy(), np.asarray(data).astype(dtype))


def test_explicit_dtype_converts_the_data():
    t = tg.Tensor([1.7, -2.5], dtype=tg.int64)
    assert t.dtype == tg.int64
    np.testing.assert_array_equal(t.numpy(), [1, -2])
    assert tg.Tensor([1, 2], dtype="float64").dtype == tg.float64


def test_ragged_or_non_numeric_data_is_rejected():
    with pytest.raises(TypeError, match="ragged or non-numeric"):
        tg.Tensor(["a", object()])
    with pytest.raises(TypeError, match="dtype"):
        tg.Tensor([1.0], dtype="complex64")


def test_comparisons_name_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"lt: shapes \(2,\) and \(3,\) cannot be broadcast"):
        _ = tg.ones(2) < tg.ones(3)
    with pytest.raises(ValueError, match=r"eq: shapes \(2, 3\) and \(2,\)"):
        _ = tg.ones(2, 3) == tg.ones(2)


def test_negating_a_mask_is_a_type_error_that_suggests_invert():
    with pytest.raises(TypeError, match="boolean tensor.*~mask"):
        -tg.tensor([True, False])


def test_stack_and_cat_name_items_that_are_not_tensors():
    with pytest.raises(TypeError, match="stack: item 1 is a list, not a Tensor"):
        tg.stack([tg.ones(2), [1.0, 2.0]])
    with pytest.raises(TypeError, match=r"got one Tensor: concatenate\(\[a, b, ...\]\)"):
        tg.cat(tg.ones(2, 2))


def test_negative_sizes_are_named_when_creating_tensors():
    with pytest.raises(ValueError, match=r"sizes must be non-negative, got \(2, -1\)"):
        tg.zeros(2, -1)


def test_ragged_lists_and_lists_of_tensors_get_errors_that_say_so():
    with pytest.raises(TypeError, match="ragged nested lists"):
        tg.tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=r"list of Tensors.*tg\.stack"):
        tg.tensor([tg.tensor([1.0]), tg.tensor([2.0])])
    # One-element (0-d) tensors are numbers, as torch.tensor takes them; their dtype is kept.
    assert tg.tensor([tg.tensor(1.0), tg.tensor(2.0), 3.0]).tolist() == [1.0, 2.0, 3.0]
    assert tg.tensor([tg.tensor(1.0, dtype=tg.float64)]).dtype == tg.float64


def test_constructors_give_float32_by_default_on_the_default_device(device):
    for t in (tg.zeros(2, 3), tg.ones((2, 3)), tg.randn(2, 3), tg.rand(2, 3)):
        assert t.shape == (2, 3)
        assert t.dtype == tg.float32
        assert t.device == device
    np.testing.assert_array_equal(tg.zeros(2).numpy(), [0, 0])
    np.testing.assert_array_equal(tg.ones(2, dtype=tg.int64).numpy(), [1, 1])
    np.testing.assert_array_equal(tg.full((2,), 3.5).numpy(), [3.5, 3.5])
    assert tg.zeros_like(tg.tensor([1, 2])).dtype == tg.int64
    assert tg.ones_like(tg.tensor([1.0])).dtype == tg.float32


def test_rand_lies_in_unit_interval_and_randn_looks_standard_normal():
    u = tg.rand(10_000).numpy()
    assert u.min() >= 0 and u.max() < 1
    z = tg.randn(10_000, dtype=tg.float64).numpy()
    assert z.dtype == np.float64
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05


def test_random_integer_tensors_are_refused():
    with pytest.raises(TypeError, match="floating point"):
        tg.randn(3, dtype=tg.int64)


def test_arange_is_int64_for_whole_numbers_and_float32_otherwise():
    np.testing.assert_array_equal(tg.arange(4).numpy(), [0, 1, 2, 3])
    assert tg.arange(4).dtype == tg.int64
    np.testing.assert_allclose(tg.arange(0, 1, 0.25).numpy(), [0, 0.25, 0.5, 0.75])
    assert tg.arange(0, 1, 0.25).dtype == tg.float32
    np.testing.assert_array_equal(tg.arange(5, 1, -2).numpy(), [5, 3])
    with pytest.raises(ValueError, match="step"):
        tg.arange(0, 3, 0)


def test_integer_and_boolean_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients.*int64"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="bool"):
        tg.tensor([True]).requires_grad_()
    with pytest.raises(TypeError, match="int64"):
        tg.zeros(2, dtype=tg.int64, requires_grad=True)


# -- no silent upcast --------------------------------------------------------------------------


@pytest.mark.parametrize("scalar", [2.5, 2, np.float64(2.5), True])
def test_python_and_numpy_scalars_never_upcast_float32(scalar):
    x = tg.tensor([1.0, 2.0])
    differences = () if isinstance(scalar, bool) else (x - scalar, scalar - x)  # PyTorch refuses x - True
    for result in (x + scalar, scalar + x, x * scalar, scalar * x, *differences, x / scalar):
        assert result.dtype == tg.float32
    assert (x**scalar).dtype == tg.float32
    assert x.maximum(scalar).dtype == tg.float32
    assert tg.where(x > 1, x, scalar).dtype == tg.float32


def test_float64_tensors_stay_float64_with_python_scalars():
    x = tg.tensor(np.array([1.0, 2.0]))
    assert (x * 0.5 + 1).dtype == tg.float64
    assert x.softmax().dtype == tg.float64


def test_mixing_float32_and_float64_tensors_raises_instead_of_upcasting():
    x32, x64 = tg.tensor([1.0]), tg.tensor(np.array([1.0]))
    with pytest.raises(TypeError, match="float32 vs float64.*never upcast"):
        x32 + x64
    with pytest.raises(TypeError, match="dtype mismatch"):
        x64 @ x32
    with pytest.raises(TypeError, match="dtype mismatch"):
        tg.concatenate([x32, x64])
    assert (x32 + x64.float()).dtype == tg.float32


def test_integer_tensors_mix_with_floats_as_floats_and_divide_to_float():
    i = tg.tensor([1, 2])
    assert (i * 0.5).dtype == tg.float32
    assert (i + tg.tensor([0.5, 0.5])).dtype == tg.float32
    np.testing.assert_allclose((i / 2).numpy(), [0.5, 1.0])
    assert (i / 2).dtype == tg.float32
    assert (i + 1).dtype == tg.int64
    assert (tg.tensor(np.array([1], dtype=np.int32)) + 1).dtype == tg.int32


def test_boolean_masks_count_in_arithmetic():
    mask = tg.tensor([True, False, True])
    np.testing.assert_array_equal((mask + 1).numpy(), [2, 1, 2])
    np.testing.assert_array_equal((mask * 2.5).numpy(), [2.5, 0, 2.5])
    assert mask.sum().item() == 2
    assert mask.mean().item() == pytest.approx(2 / 3)


# -- conversions and repr ------------------------------------------------------------------------


def test_item_and_numpy_return_host_values():
    t = tg.tensor([[3.5]])
    assert t.item() == 3.5 and isinstance(t.item(), float)
    assert isinstance(tg.tensor([7]).item(), int)
    assert isinstance(t.numpy(), np.ndarray)
    assert tg.tensor([[1, 2]]).tolist() == [[1, 2]]
    assert float(tg.tensor(2.0)) == 2.0 and int(tg.tensor(3)) == 3
    with pytest.raises(ValueError, match=r"one element.*\(2,\)"):
        tg.tensor([1.0, 2.0]).item()


def test_truth_value_of_a_multi_element_tensor_is_ambiguous():
    assert bool(tg.tensor([1.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tg.tensor([1.0, 2.0]))


def test_repr_shows_values_and_what_differs_from_the_defaults(device):
    text = repr(tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True))
    assert text.startswith("tensor([[1., 2.],")
    assert "requires_grad=True" in text
    assert ("device=" in text) == (device != "cpu")
    assert "dtype" not in text
    assert "dtype=float64" in repr(tg.tensor(np.array([1.0])))
    assert "grad_fn=Mul" in repr(tg.tensor([1.0], requires_grad=True) * 2)
    assert repr(tg.tensor([1, 2])).startswith("tensor([1, 2]")


def test_properties_describe_the_tensor():
    t = tg.zeros(2, 3, 4)
    assert (t.shape, t.ndim, t.size, len(t)) == ((2, 3, 4), 3, 24, 2)
    assert t.grad is None and not t.requires_grad and t.is_leaf
    with pytest.raises(TypeError, match="0-d"):
        len(tg.tensor(1.0))


def test_detach_shares_values_but_not_the_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).detach()
    assert not y.requires_grad and y.grad_fn is None
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0])


def test_astype_casts_and_float_casts_are_differentiable():
    x = tg.tensor([1.5, -2.5], requires_grad=True)
    y = x.double()
    assert y.dtype == tg.float64
    (y * y).sum().backward()
    assert x.grad.dtype == tg.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, -5.0])
    np.testing.assert_array_equal(x.long().numpy(), [1, -2])


def test_to_device_copies_values_and_keeps_the_gradient_path(device, other_device):
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    moved = x.to(other_device)
    assert moved.device == other_device and x.device == device
    np.testing.assert_array_equal(moved.numpy(), [1.0, 2.0])
    (moved * moved).sum().backward()
    assert x.grad.device == device
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    assert x.to(device) is x
    assert x.to("cpu").device == "cpu"
    assert tg.Tensor(x, device=other_device).device == other_device


# -- shape ops -----------------------------------------------------------------------------------


def test_transpose_T_permute_reshape_flatten_expand_match_numpy():
    a = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    t = tg.tensor(a)
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    np.testing.assert_array_equal(t.transpose().numpy(), a.swapaxes(-1, -2))
    np.testing.assert_array_equal(t.transpose(0, 2).numpy(), a.swapaxes(0, 2))
    np.testing.assert_array_equal(t.permute(2, 0, 1).numpy(), a.transpose(2, 0, 1))
    np.testing.assert_array_equal(t.reshape(4, -1).numpy(), a.reshape(4, -1))
    np.testing.assert_array_equal(t.reshape((6, 4)).numpy(), a.reshape(6, 4))
    np.testing.assert_array_equal(t.flatten().numpy(), a.reshape(-1))
    np.testing.assert_array_equal(t.flatten(1).numpy(), a.reshape(2, 12))
    col = tg.tensor([[1.0], [2.0]])
    np.testing.assert_array_equal(col.expand(2, 3).numpy(), [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(col.expand(4, -1, 3).numpy(), np.broadcast_to(col.numpy(), (4, 2, 3)))
    assert t.unsqueeze(1).shape == (2, 1, 3, 4) and t.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert tg.zeros(2, 1, 3).squeeze().shape == (2, 3) and tg.zeros(2, 1).squeeze(1).shape == (2,)


def test_bad_shapes_raise_errors_naming_them():
    t = tg.zeros(2, 3)
    with pytest.raises(ValueError, match=r"\(2, 3\) into shape \(4, 2\)"):
        t.reshape(4, 2)
    with pytest.raises(ValueError, match=r"cannot expand shape \(2, 3\)"):
        t.expand(3, 3)
    with pytest.raises(ValueError, match="permute axes"):
        t.permute(0, 0)


def test_axes_out_of_range_are_errors_not_wrapped_around():
    t = tg.zeros(2, 3)
    for call in (
        lambda: t.unsqueeze(3),
        lambda: t.squeeze(2),
        lambda: t.flatten(2),
        lambda: t.transpose(0, 2),
        lambda: t.softmax(axis=2),
        lambda: t.log_softmax(axis=-3),
        lambda: tg.concatenate([t, t], axis=2),
        lambda: tg.stack([t, t], axis=3),
    ):
        with pytest.raises(ValueError, match="axis -?[23] is out of range"):
            call()
    assert t.unsqueeze(-1).shape == (2, 3, 1) and tg.stack([t, t], axis=-1).shape == (2, 3, 2)


def test_an_axis_named_twice_in_a_reduction_is_an_error_not_reduced_once():
    t = tg.ones(2, 3)
    for call in (lambda: t.sum(axis=(0, 0)), lambda: t.mean(axis=(1, -1)), lambda: t.max(axis=[0, -2])):
        with pytest.raises(ValueError, match="more than once"):
            call()


def test_non_integer_sizes_are_refused_rather_than_truncated():
    for call in (lambda: tg.zeros(2.5), lambda: tg.ones((2, 1.0)), lambda: tg.zeros(4).reshape(2.0, 2)):
        with pytest.raises(TypeError, match="sizes must be integers"):
            call()
    assert tg.zeros(np.int64(2), 3).shape == (2, 3)


def test_integer_inputs_to_float_functions_give_float32():
    i = tg.tensor([1, 2])
    for result in (i.exp(), i.log(), i.sqrt(), i.tanh(), i.sigmoid(), i.softmax(), i.log_softmax(), i.mean()):
        assert result.dtype == tg.float32
    assert i.clip(0.5, 1.5).dtype == tg.float32
    np.testing.assert_array_equal(i.clip(0.5, 1.5).numpy(), [1.0, 1.5])
    assert i.clip(0, 1).dtype == tg.int64


# -- indexing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "index",
    [
        1,
        -1,
        (slice(None), -1),
        (slice(None, None, -1), slice(1, None, 2)),
        (None, Ellipsis, 0),
        (Ellipsis, None),
        (0, 1, 2),
        [0, 0, 1],
        ([1, -2], [2, 0]),
        (slice(None), [2, 0, 2]),
        (Ellipsis, [3, 0, 3]),
        ([1, 1], slice(None), 0),
    ],
)
def test_basic_and_integer_array_indexing_matches_numpy(index):
    a = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    np_index = (
        tuple(np.asarray(i) if isinstance(i, list) else i for i in index)
        if isinstance(index, tuple)
        else (np.asarray(index) if isinstance(index, list) else index)
    )
    np.testing.assert_array_equal(tg.tensor(a)[index].numpy(), a[np_index])


def test_integer_tensor_and_boolean_mask_indexing_matches_numpy():
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    t = tg.tensor(a)
    np.testing.assert_array_equal(t[tg.tensor([2, 0, 2])].numpy(), a[[2, 0, 2]])
    np.testing.assert_array_equal(t[t > 5].numpy(), a[a > 5])
    np.testing.assert_array_equal(t[tg.tensor([True, False, True])].numpy(), a[[True, False, True]])
    np.testing.assert_array_equal(t[np.array([False, True, True])].numpy(), a[[False, True, True]])


def test_float_indices_are_refused():
    with pytest.raises(IndexError, match="integer or boolean"):
        tg.zeros(3)[tg.tensor([0.0])]
    with pytest.raises(IndexError, match="integer or boolean"):
        tg.zeros(3)[np.array([0.5])]


def test_repeated_indices_scatter_add_in_backward():
    x = tg.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3), requires_grad=True)
    (x[[0, 0, 1, 0]] * tg.tensor([[1.0], [2.0], [3.0], [4.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[7, 7, 7], [3, 3, 3]])


def test_repeated_negative_indices_with_slices_scatter_add_in_backward():
    x = tg.tensor(np.ones((2, 4), dtype=np.float32), requires_grad=True)
    x[:, [-1, 3, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 0, 0, 2], [1, 0, 0, 2]])


def test_numpy_integer_scalars_mix_with_index_arrays_in_backward():
    x = tg.tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    x[np.int64(1), [0, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 0], [2, 0, 0]])


def test_boolean_mask_backward_reaches_only_selected_elements():
    x = tg.tensor([[1.0, -2.0], [3.0, -4.0]], requires_grad=True)
    (x[x > 0] ** 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2, 0], [6, 0]])


def test_new_axes_and_ellipsis_backward():
    x = tg.tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    x[None, ..., -1].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 1], [0, 0, 1]])


def test_indexing_fewer_axes_than_the_tensor_has_works_forward_backward_and_in_place():
    x = tg.tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    (x[1] * tg.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 0], [1, 2, 3]])
    t = tg.zeros(2, 3)
    t[0] = tg.tensor([1.0, 2.0, 3.0])
    t[1, 1:] = 5.0
    np.testing.assert_array_equal(t.numpy(), [[1, 2, 3], [0, 5, 5]])


def test_setitem_writes_values_like_numpy():
    a = np.arange(6.0, dtype=np.float32)
    t = tg.tensor(a.copy())
    t[0] = 10.0
    t[1:3] = tg.tensor([20.0, 30.0])
    t[[4, 5]] = np.array([40.0, 50.0], dtype=np.float32)
    t[t > 45] = -1.0
    np.testing.assert_array_equal(t.numpy(), [10, 20, 30, 3, 40, -1])
    i = tg.tensor([1, 2, 3])
    i[0] = 2.9  # cast to the tensor's dtype
    np.testing.assert_array_equal(i.numpy(), [2, 2, 3])


def test_iterating_yields_rows():
    rows = [row.numpy().tolist() for row in tg.tensor([[1, 2], [3, 4]])]
    assert rows == [[1, 2], [3, 4]]


# -- joining and selecting ---------------------------------------------------------------------


def test_concatenate_and_stack_match_numpy():
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    b = np.arange(4.0, dtype=np.float32).reshape(2, 2)
    np.testing.assert_array_equal(
        tg.concatenate([tg.tensor(a), tg.tensor(b)], axis=-1).numpy(), np.concatenate([a, b], axis=-1)
    )
    np.testing.assert_array_equal(tg.cat([tg.tensor(a), tg.tensor(a)]).numpy(), np.concatenate([a, a]))
    np.testing.assert_array_equal(
        tg.stack([tg.tensor(a), tg.tensor(a * 2)], axis=1).numpy(), np.stack([a, a * 2], axis=1)
    )
    with pytest.raises(ValueError, match="differ off that axis"):
        tg.concatenate([tg.tensor(a), tg.tensor(b)], axis=0)
    with pytest.raises(ValueError, match="one shape"):
        tg.stack([tg.tensor(a), tg.tensor(b)])
    with pytest.raises(ValueError, match="at least one"):
        tg.concatenate([])


def test_where_selects_elementwise_with_broadcasting():
    cond = tg.tensor([[True], [False]])
    out = tg.where(cond, tg.tensor([1.0, 2.0, 3.0]), 0.0)
    np.testing.assert_array_equal(out.numpy(), [[1, 2, 3], [0, 0, 0]])
    np.testing.assert_array_equal(tg.where(tg.tensor([True, False]), 1.0, -1.0).numpy(), [1, -1])
    with pytest.raises(TypeError, match="boolean"):
        tg.where(tg.tensor([1, 0]), 1.0, 0.0)


# -- comparisons and arg-reductions ---------------------------------------------------------------


def test_comparisons_give_boolean_tensors_without_grad():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [
        (x < 2, [True, False, False]),
        (x <= 2, [True, True, False]),
        (x > 2, [False, False, True]),
        (x >= 2, [False, True, True]),
        (x == 2, [False, True, False]),
        (x != 2, [True, False, True]),
        (2 < x, [False, False, True]),
        ((x > 1) & (x < 3), [False, True, False]),
        ((x < 2) | (x > 2), [True, False, True]),
        (~(x > 1), [True, False, False]),
    ]:
        assert result.dtype == tg.bool_
        assert not result.requires_grad and result.grad_fn is None
        np.testing.assert_array_equal(result.numpy(), expected)
    assert (x > 2).any() and not (x > 5).any() and (x > 0).all()


def test_argmax_and_argmin_match_numpy_and_give_int64():
    a = np.array([[3.0, 7.0, 1.0], [9.0, 2.0, 9.0]], dtype=np.float32)
    t = tg.tensor(a, requires_grad=True)
    assert t.argmax().item() == a.argmax() and t.argmin().item() == a.argmin()
    np.testing.assert_array_equal(t.argmax(axis=1).numpy(), a.argmax(axis=1))
    np.testing.assert_array_equal(t.argmin(axis=0).numpy(), a.argmin(axis=0))
    assert t.argmax(axis=1, keepdims=True).shape == (2, 1)
    assert t.argmax().dtype == tg.int64 and not t.argmax().requires_grad


# -- forward values of the maths -----------------------------------------------------------------


def test_elementwise_functions_match_numpy():
    a = np.array([-2.0, -0.5, 0.25, 3.0], dtype=np.float32)
    t = tg.tensor(a)
    np.testing.assert_allclose(t.exp().numpy(), np.exp(a), rtol=1e-6)
    np.testing.assert_allclose(t.abs().log().numpy(), np.log(np.abs(a)), rtol=1e-6)
    np.testing.assert_allclose(t.abs().sqrt().numpy(), np.sqrt(np.abs(a)), rtol=1e-6)
    np.testing.assert_allclose(t.tanh().numpy(), np.tanh(a), rtol=1e-6)
    np.testing.assert_allclose(t.sigmoid().numpy(), 1 / (1 + np.exp(-a)), rtol=1e-6)
    np.testing.assert_array_equal(t.relu().numpy(), np.maximum(a, 0))
    np.testing.assert_array_equal(t.clip(-1, 1).numpy(), np.clip(a, -1, 1))
    np.testing.assert_array_equal(t.clip(min=0).numpy(), np.clip(a, 0, None))
    np.testing.assert_array_equal(t.maximum(0.0).numpy(), np.maximum(a, 0))
    np.testing.assert_array_equal(t.minimum(tg.tensor(a[::-1].copy())).numpy(), np.minimum(a, a[::-1]))
    np.testing.assert_allclose((2**t).numpy(), 2.0**a, rtol=1e-6)
    np.testing.assert_array_equal((-t).numpy(), -a)
    with pytest.raises(ValueError, match="min=2 > max=1"):
        t.clip(2, 1)


def test_reductions_match_numpy():
    a = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4) ** 1.5
    t = tg.tensor(a)
    for axis in (None, 0, -1, (0, 2)):
        for keepdims in (False, True):
            for name in ("sum", "mean", "max", "min", "var"):
                expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
                numpy_meaning = {"correction": 0} if name == "var" else {}  # NumPy's var is ddof=0
                got = getattr(t, name)(axis=axis, keepdims=keepdims, **numpy_meaning).numpy()
                np.testing.assert_allclose(got, expected, rtol=1e-5, err_msg=f"{name} {axis} {keepdims}")
    np.testing.assert_allclose(t.var(axis=1, correction=1).numpy(), a.var(axis=1, ddof=1), rtol=1e-5)
    np.testing.assert_allclose(t.std(correction=0).numpy(), a.std(), rtol=1e-5)
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        t.sum(axis=3)
    with pytest.raises(ValueError, match="empty"):
        tg.zeros(0).max()


def test_softmax_and_log_softmax_are_stable_for_large_inputs():
    t = tg.tensor([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    s, ls = t.softmax(), t.log_softmax()
    assert np.isfinite(s.numpy()).all() and np.isfinite(ls.numpy()).all()
    np.testing.assert_allclose(s.numpy().sum(axis=-1), [1, 1], rtol=1e-6)
    np.testing.assert_allclose(s.numpy()[0], [1, 0, 0], atol=1e-7)
    np.testing.assert_allclose(ls.numpy()[0], [0, -1000, -2000], rtol=1e-6)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(t.softmax(axis=1).numpy()[1], e / e.sum(), rtol=1e-6)
    np.testing.assert_allclose(t.softmax(axis=0).numpy().sum(axis=0), [1, 1, 1], rtol=1e-6)


def test_matmul_matches_numpy_for_vectors_matrices_and_batches():
    rng = np.random.default_rng(0)
    for sa, sb in [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 4)),
        ((2, 3), (3, 4)),
        ((5, 2, 3), (3, 4)),
        ((2, 1, 2, 3), (4, 3, 2)),
    ]:
        a, b = rng.standard_normal(sa).astype(np.float32), rng.standard_normal(sb).astype(np.float32)
        np.testing.assert_allclose((tg.tensor(a) @ tg.tensor(b)).numpy(), a @ b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose((tg.tensor(a) @ b).numpy(), a @ b, rtol=1e-5, atol=1e-6)


def test_tensor_from_numpy_copies_so_updates_never_change_the_callers_array():
    source = np.ones(3)
    t = tg.tensor(source)
    t.add_(1.0)
    np.testing.assert_array_equal(source, np.ones(3))


def test_tensors_and_models_deepcopy_and_pickle_by_value():
    import copy
    import pickle

    t = tg.tensor([1.0, 2.0], requires_grad=True)
    restored = pickle.loads(pickle.dumps(t))
    assert restored.requires_grad and restored.device == t.device
    np.testing.assert_array_equal(restored.numpy(), t.numpy())
    model = tg.nn.Sequential(tg.nn.Dense(3, 2))
    clone = copy.deepcopy(model)
    assert type(clone[0].weight) is type(model[0].weight)
    assert clone[0].weight is not model[0].weight
    np.testing.assert_array_equal(clone[0].weight.numpy(), model[0].weight.numpy())


def test_from_numpy_shares_memory_on_the_cpu_like_torch():
    source = np.arange(3, dtype=np.float32)
    t = tg.from_numpy(source)
    assert t.device == "cpu" and t.dtype == tg.float32
    source[0] = 7.0
    assert t.numpy()[0] == 7.0
    with pytest.raises(TypeError, match="NumPy array"):
        tg.from_numpy([1.0, 2.0])


def test_to_takes_pytorchs_copy_and_non_blocking_keywords():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert x.to(x.device, non_blocking=True) is x
    copied = x.to(x.device, copy=True)
    assert copied is not x and copied.requires_grad
    copied.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])
