"""PyTorch's spellings run on tinygrad_adam: Tensor methods (``x.size(0)``, ``x.topk(2)``, ``x.new_zeros``,
``x.clamp_``, ...) and free functions (``tg.exp(x)``, ``tg.max(x, 1)``, ``tg.einsum``, ``tg.randint``).

Expected values come from NumPy or by hand; the PyTorch behaviour they encode (checked against
torch 2.13 when this file was written) is stated in each test's name or comment.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import tinygrad_adam as tg

B = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, -1.0, 5.0, 5.0], [4.0, 2.0, 2.0, -3.0]], dtype=np.float32)


def float64(rng: np.random.Generator, *shape: int) -> tg.Tensor:
    return tg.tensor(rng.standard_normal(shape))


# -- x.size is NumPy's count and PyTorch's method at once ----------------------------------------


def test_size_is_the_element_count_and_calling_it_gives_the_shape_or_one_axis_length():
    x = tg.zeros(2, 3)
    assert x.size == 6 and x.size + 1 == 7 and np.zeros(x.size).shape == (6,)
    assert x.size() == (2, 3) and x.size(0) == 2 and x.size(-1) == 3
    assert x.numel() == 6 and tg.numel(x) == 6


def test_size_of_a_dim_out_of_range_is_an_index_error_naming_the_dim():
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        tg.zeros(2, 3).size(2)
    with pytest.raises(IndexError, match="dim -3"):
        tg.zeros(2, 3).size(-3)
    with pytest.raises(TypeError, match="dim must be an integer"):
        tg.zeros(2, 3).size(1.0)
    with pytest.raises(IndexError, match="0-d tensor has no dims"):
        tg.tensor(1.0).size(0)


def test_size_pickles_as_the_plain_int_it_stands_for():
    restored = pickle.loads(pickle.dumps(tg.zeros(2, 3).size))
    assert restored == 6 and type(restored) is int


# -- facts and conversions -------------------------------------------------------------------------


def test_facts_about_a_tensor_under_torch_names():
    x = tg.zeros(2, 3)
    assert x.dim() == 2 and x.is_contiguous() and x.is_floating_point()
    assert x.element_size() == 4 and x.itemsize == 4 and x.nbytes == 24 and x.is_cuda is False
    assert not tg.zeros(2, dtype=tg.int64).is_floating_point()


def test_int_bool_half_and_type_convert_as_in_torch():
    x = tg.tensor([-1.5, 0.0, 2.7])
    assert x.int().dtype == tg.int32 and x.int().tolist() == [-1, 0, 2]  # toward zero
    assert x.bool().tolist() == [True, False, True]
    assert tg.tensor([1.5], device="cpu").half().dtype == tg.float16  # the strict backend has no float16
    assert x.type() == "float32" and x.type(tg.float64).dtype == tg.float64
    assert x.type_as(tg.zeros(1, dtype=tg.int64)).dtype == tg.int64


def test_t_transposes_matrices_and_leaves_vectors_and_refuses_more_dims():
    x = tg.tensor(B)
    np.testing.assert_array_equal(x.t().numpy(), B.T)
    assert tg.ones(3).t().shape == (3,) and tg.tensor(1.0).t().shape == ()
    with pytest.raises(ValueError, match="at most 2 dimensions"):
        tg.ones(2, 3, 4).t()


def test_as_spellings_take_the_other_tensors_shape_or_dtype():
    x = tg.ones(2, 3)
    assert x.expand_as(tg.zeros(4, 2, 3)).shape == (4, 2, 3)
    assert x.view_as(tg.zeros(3, 2)).shape == (3, 2)
    assert x.reshape_as(tg.zeros(6)).shape == (6,)


def test_narrow_is_a_view_of_length_entries_from_start_negative_start_counting_from_the_end():
    x = tg.tensor(B)
    np.testing.assert_array_equal(x.narrow(1, 1, 2).numpy(), B[:, 1:3])
    np.testing.assert_array_equal(x.narrow(1, -3, 2).numpy(), B[:, 1:3])
    with tg.no_grad():
        x.narrow(0, 2, 1).zero_()  # a view, as in PyTorch: the change shows in x
    assert x.numpy()[2].tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError, match="exceeds the length 4"):
        x.narrow(1, 3, 2)
    with pytest.raises(IndexError, match="start 5"):
        x.narrow(1, 5, 0)


def test_new_tensors_take_this_dtype_and_device_and_cast_the_fill_value():
    x = tg.tensor([1, 2])  # int64
    assert x.new_zeros(2, 3).dtype == tg.int64 and x.new_zeros((2, 3)).shape == (2, 3)
    assert x.new_ones(2).tolist() == [1, 1] and x.new_empty(3).shape == (3,)
    assert x.new_full((2,), 2.7).tolist() == [2, 2]  # torch converts 2.7 to the int64 dtype: 2
    assert x.new_tensor([1.9]).dtype == tg.int64
    y = tg.zeros(1)
    assert y.new_full((2,), 2.5, dtype=tg.float64).dtype == tg.float64
    assert y.new_zeros(2, requires_grad=True).requires_grad
    assert {t.device for t in (x.new_zeros(1), y.new_tensor([1.0]))} == {x.device}


# -- arithmetic under method names -------------------------------------------------------------------


def test_add_and_sub_scale_the_other_operand_by_alpha():
    x, y = tg.tensor([1.0, 2.0]), tg.tensor([10.0, 20.0])
    assert x.add(y, alpha=2).tolist() == [21.0, 42.0] and x.sub(y, alpha=0.5).tolist() == [-4.0, -8.0]
    assert (
        x.add(1).tolist() == [2.0, 3.0] and x.mul(3).tolist() == [3.0, 6.0] and x.neg().tolist() == [-1, -2]
    )


def test_div_rounding_modes_on_integers_keep_the_dtype_and_round_toward_zero_or_minus_infinity():
    a, b = tg.tensor([-7, 7, -6, 7]), tg.tensor([2, -2, 3, 2])
    trunc, floor = a.div(b, rounding_mode="trunc"), a.div(b, rounding_mode="floor")
    assert trunc.dtype == tg.int64 and trunc.tolist() == [-3, -3, -2, 3]
    assert floor.tolist() == [-4, -4, -2, 3]
    assert a.div(b).tolist() == [-3.5, -3.5, -2.0, 3.5] and a.true_divide(2).dtype == tg.float32
    with pytest.raises(ValueError, match="rounding_mode"):
        a.div(b, rounding_mode="round")


def test_div_rounding_mode_on_floats_floors_like_python_and_has_gradient_zero():
    x = tg.tensor([1.0, -7.5, 7.5], requires_grad=True)
    assert x.div(0.1, rounding_mode="floor").tolist()[0] == 9.0  # as Python's 1.0 // 0.1 and torch
    out = x.div(2, rounding_mode="trunc")
    assert out.tolist() == [0.0, -3.0, 3.0]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_matrix_products_under_torch_names_match_numpy_and_their_gradients_check(rng):
    a, b = float64(rng, 2, 3), float64(rng, 3, 4)
    np.testing.assert_allclose(a.mm(b).numpy(), a.numpy() @ b.numpy())
    np.testing.assert_allclose(tg.mm(a, b).numpy(), a.matmul(b).numpy())
    p, q = float64(rng, 2, 2, 3), float64(rng, 2, 3, 4)
    np.testing.assert_allclose(tg.bmm(p, q).numpy(), p.numpy() @ q.numpy())
    u, v = float64(rng, 3), float64(rng, 4)
    np.testing.assert_allclose(tg.outer(u, v).numpy(), np.outer(u.numpy(), v.numpy()))
    assert tg.dot(u, u).item() == pytest.approx(float(u.numpy() @ u.numpy()))
    assert tg.gradcheck(lambda x, y: x.bmm(y), [p, q])
    assert tg.gradcheck(lambda x, y: x.outer(y), [u, v])
    assert tg.gradcheck(lambda x: x.dot(x), [u])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tg.ones(3).mm(tg.ones(3, 1)), "mm needs two matrices"),
        (lambda: tg.ones(2, 2, 3).bmm(tg.ones(3, 3, 1)), "one batch size"),
        (lambda: tg.ones(3).dot(tg.ones(4)), "one length"),
        (lambda: tg.ones(2, 2).outer(tg.ones(2)), "1-D"),
    ],
)
def test_matrix_products_refuse_shapes_torch_refuses(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_lerp_goes_from_self_to_end_exactly_at_both_weights_and_its_gradient_checks(rng):
    start, end = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 7.0])
    assert start.lerp(end, 0.5).tolist() == [2.0, 4.5]
    assert start.lerp(end, 1.0).tolist() == [3.0, 7.0] and start.lerp(end, 0.0).tolist() == [1.0, 2.0]
    assert start.lerp(end, tg.tensor([0.0, 1.0])).tolist() == [1.0, 7.0]
    a, b, w = float64(rng, 3), float64(rng, 3), tg.tensor([0.2, 0.7, 1.3], dtype=tg.float64)
    assert tg.gradcheck(lambda x, y, t: x.lerp(y, t), [a, b, w])
    assert tg.gradcheck(lambda x, y: tg.lerp(x, y, 0.75), [a, b])


# -- comparisons, tests and rounding ------------------------------------------------------------------


def test_comparison_methods_are_the_operators():
    x = tg.tensor([1, 2, 3])
    assert x.eq(2).tolist() == [False, True, False] and x.ne(2).tolist() == [True, False, True]
    assert x.gt(2).tolist() == [False, False, True] and x.ge(2).tolist() == [False, True, True]
    assert x.lt(2).tolist() == [True, False, False] and x.le(2).tolist() == [True, True, False]


def test_isnan_isinf_isfinite():
    x = tg.tensor([1.0, float("nan"), float("inf"), -float("inf")])
    assert tg.isnan(x).tolist() == [False, True, False, False]
    assert x.isinf().tolist() == [False, False, True, True]
    assert tg.isfinite(x).tolist() == [True, False, False, False]
    assert tg.isnan(tg.tensor([1, 2])).tolist() == [False, False]


def test_rounding_rounds_halves_to_even_and_has_gradient_zero():
    x = tg.tensor([0.5, 1.5, 2.5, -0.5, -1.7, 2.567], requires_grad=True)
    assert tg.round(x).tolist() == [0.0, 2.0, 2.0, -0.0, -2.0, 3.0]
    assert tg.floor(x).tolist() == [0.0, 1.0, 2.0, -1.0, -2.0, 2.0]
    assert tg.ceil(x).tolist() == [1.0, 2.0, 3.0, -0.0, -1.0, 3.0]
    assert tg.trunc(x).tolist() == [0.0, 1.0, 2.0, -0.0, -1.0, 2.0]
    np.testing.assert_allclose(x.round(decimals=2).numpy()[-1], 2.57, rtol=1e-6)
    (tg.round(x) + x.floor() + x.ceil() + x.trunc()).sum().backward()
    assert x.grad.tolist() == [0.0] * 6
    assert tg.floor(tg.tensor([3, -2])).tolist() == [3, -2]  # integers are whole already


# -- ordering --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_is_stable_and_its_indices_say_where_each_value_came_from(dim, descending):
    values, indices = tg.tensor(B).sort(dim=dim, descending=descending)
    expected = np.argsort(-B if descending else B, axis=dim, kind="stable")
    np.testing.assert_array_equal(indices.numpy(), expected)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(B, expected, axis=dim))
    assert values is tg.tensor(B).sort(dim)[0] or indices.dtype == tg.int64
    np.testing.assert_array_equal(tg.argsort(tg.tensor(B), dim, descending).numpy(), expected)


def test_sort_puts_nan_last_ascending_and_first_descending_as_torch():
    x = tg.tensor([2.0, float("nan"), -1.0])
    assert x.sort().indices.tolist() == [2, 0, 1]
    assert x.sort(descending=True).indices.tolist() == [1, 0, 2]


def test_sort_and_topk_send_the_gradient_back_to_the_chosen_entries(rng):
    x = float64(rng, 3, 5)
    assert tg.gradcheck(lambda t: t.sort(1, descending=True).values, [x])
    assert tg.gradcheck(lambda t: t.topk(2, dim=0).values, [x])
    leaf = tg.tensor([[3.0, 1.0, 2.0]], requires_grad=True)
    leaf.topk(2).values.sum().backward()
    assert leaf.grad.tolist() == [[1.0, 0.0, 1.0]]


def test_topk_gives_the_k_largest_or_smallest_in_order_ties_to_the_first():
    values, indices = tg.topk(tg.tensor(B), 2)
    assert values.tolist() == [[3, 2], [5, 5], [4, 2]] and indices.tolist() == [[0, 2], [2, 3], [0, 1]]
    values, indices = tg.tensor(B).topk(1, dim=0, largest=False)
    assert values.tolist() == [[0, -1, 2, -3]] and indices.tolist() == [[1, 1, 0, 2]]
    with pytest.raises(ValueError, match="k=5 is out of range"):
        tg.tensor(B).topk(5)


def test_unique_gives_sorted_distinct_values_with_inverse_and_counts():
    x = tg.tensor([[3, 1, 3], [2, 1, 7]])
    assert tg.unique(x).tolist() == [1, 2, 3, 7]
    values, inverse, counts = x.unique(return_inverse=True, return_counts=True)
    assert inverse.tolist() == [[2, 0, 2], [1, 0, 3]] and counts.tolist() == [2, 1, 2, 1]
    np.testing.assert_array_equal(values.numpy()[inverse.numpy()], x.numpy())
    assert tg.tensor([True, False, True]).unique().tolist() == [False, True]
    assert tg.zeros(0).unique().shape == (0,)


# -- selections ------------------------------------------------------------------------------------------


def test_gather_picks_along_dim_as_torch_and_its_gradient_checks(rng):
    x = tg.tensor(B)
    index = tg.tensor([[0, 3], [2, 2], [1, 0]])
    assert x.gather(1, index).tolist() == [[3, 1], [5, 5], [2, 4]]
    assert tg.gather(x, 0, tg.tensor([[2, 0, 1, 1]])).tolist() == [[4, 1, 5, 5]]
    assert tg.gradcheck(lambda t: t.gather(1, index), [float64(rng, 3, 4)])  # index 2 twice: gradients add
    with pytest.raises(ValueError, match="does not fit"):
        x.gather(1, tg.tensor([0, 1]))


def test_index_select_takes_whole_slices_and_its_gradient_checks(rng):
    index = tg.tensor([3, 0, 3])
    np.testing.assert_array_equal(tg.index_select(tg.tensor(B), 1, index).numpy(), B[:, [3, 0, 3]])
    assert tg.gradcheck(lambda t: t.index_select(0, tg.tensor([1, 1])), [float64(rng, 3, 2)])
    assert tg.tensor(B).index_select(0, [2]).tolist() == [[4, 2, 2, -3]]  # a list index is taken too


def test_masked_fill_casts_the_value_to_the_dtype_and_passes_the_gradient():
    mask = tg.tensor([True, False, True])
    assert tg.tensor([1, 2, 3]).masked_fill(mask, 9.7).tolist() == [9, 2, 9]  # torch: int stays int
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    value = tg.tensor(5.0, requires_grad=True)
    out = tg.masked_fill(x, mask, value)
    assert out.tolist() == [5.0, 2.0, 5.0]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0] and value.grad.item() == 2.0
    with pytest.raises(ValueError, match="0-d tensor"):
        x.masked_fill(mask, tg.ones(3))


def test_triangles_and_narrow_pass_the_gradient_to_the_entries_they_keep(rng):
    assert tg.gradcheck(lambda t: t.tril(), [float64(rng, 3, 3)])
    assert tg.gradcheck(lambda t: tg.triu(t, -1), [float64(rng, 2, 3, 4)])
    assert tg.gradcheck(lambda t: t.narrow(0, 1, 2), [float64(rng, 4, 2)])


def test_diag_builds_a_matrix_from_a_vector_and_reads_one_back_with_gradients(rng):
    v = tg.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(tg.diag(v).numpy(), np.diag([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(v.diag(1).numpy(), np.diag([1.0, 2.0, 3.0], 1))
    m = tg.tensor(B)
    for k in (0, 2, -1, 5):
        np.testing.assert_array_equal(m.diag(k).numpy(), np.diag(B, k))
    assert tg.gradcheck(lambda t: t.diag(-1), [float64(rng, 3)])
    assert tg.gradcheck(lambda t: t.diag(1), [float64(rng, 3, 4)])
    with pytest.raises(ValueError, match="1-D or 2-D"):
        tg.ones(2, 2, 2).diag()


def test_nonzero_lists_the_indices_of_nonzero_entries_in_row_major_order():
    x = tg.tensor([[0, 1, 0], [2, 0, 3]])
    assert tg.nonzero(x).tolist() == [[0, 1], [1, 0], [1, 2]] and x.nonzero().dtype == tg.int64
    rows, columns = x.nonzero(as_tuple=True)
    assert rows.tolist() == [0, 1, 1] and x[rows, columns].tolist() == [1, 2, 3]
    assert tg.tensor(5).nonzero().shape == (1, 0) and tg.tensor(0).nonzero().shape == (0, 0)


def test_addmm_is_beta_input_plus_alpha_product_and_its_gradient_checks(rng):
    bias, a, b = float64(rng, 2, 4), float64(rng, 2, 3), float64(rng, 3, 4)
    expected = 0.5 * bias.numpy() + 2 * (a.numpy() @ b.numpy())
    np.testing.assert_allclose(tg.addmm(bias, a, b, beta=0.5, alpha=2).numpy(), expected)
    nan = tg.full((2, 4), float("nan"), dtype=tg.float64)
    np.testing.assert_allclose(nan.addmm(a, b, beta=0).numpy(), a.numpy() @ b.numpy())  # torch ignores it
    assert tg.gradcheck(lambda c, x, y: c.addmm(x, y, beta=0.5, alpha=2), [float64(rng, 4), a, b])


def test_where_method_and_triangles():
    x = tg.tensor(B)
    assert x.where(x > 2, 0.0).tolist() == [[3, 0, 0, 0], [0, 0, 5, 5], [4, 0, 0, 0]]
    np.testing.assert_array_equal(tg.tril(x).numpy(), np.tril(B))
    np.testing.assert_array_equal(x.triu(1).numpy(), np.triu(B, 1))
    np.testing.assert_array_equal(tg.ones(2, 3, 3).tril(-1).numpy(), np.tril(np.ones((2, 3, 3)), -1))


# -- in place ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("abs_", (), np.abs),
        ("neg_", (), np.negative),
        ("exp_", (), np.exp),
        ("relu_", (), lambda a: np.maximum(a, 0)),
        ("tanh_", (), np.tanh),
        ("sigmoid_", (), lambda a: 1 / (1 + np.exp(-a))),
        ("pow_", (2,), np.square),
        ("clamp_", (-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
        ("clip_", (None, 0.0), lambda a: np.minimum(a, 0)),
    ],
)
def test_in_place_unary_ops_change_the_tensor_itself_and_bump_its_version(name, args, expected):
    values = np.array([-1.5, 0.25, 2.0], dtype=np.float32)
    x = tg.tensor(values)
    version = x._version
    assert getattr(x, name)(*args) is x
    np.testing.assert_allclose(x.numpy(), expected(values), rtol=1e-6)
    assert x._version == version + 1


def test_in_place_log_and_sqrt_and_masked_fill_():
    x = tg.tensor([1.0, 4.0])
    assert x.sqrt_().tolist() == [1.0, 2.0] and x.log_().numpy()[0] == 0.0
    y = tg.tensor([1.0, 2.0]).masked_fill_(tg.tensor([False, True]), -1.0)
    assert y.tolist() == [1.0, -1.0]


def test_in_place_op_on_a_leaf_that_requires_grad_is_refused_outside_no_grad():
    w = tg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w.exp_()
    with tg.no_grad():
        w.uniform_(-1, 1)
        w.clamp_(0, 1)
    assert w.requires_grad and ((w.numpy() >= 0) & (w.numpy() <= 1)).all()


def test_in_place_op_through_a_view_writes_into_the_base():
    x = tg.tensor(B.copy())
    x[1].abs_()
    assert x.numpy()[1].tolist() == [0, 1, 5, 5]


def test_normal_and_uniform_refill_in_place_from_the_seeded_generator():
    tg.manual_seed(3)
    first = tg.zeros(2000).normal_(2.0, 0.5).numpy()
    tg.manual_seed(3)
    again = tg.zeros(2000).normal_(2.0, 0.5).numpy()
    np.testing.assert_array_equal(first, again)
    assert abs(first.mean() - 2.0) < 0.05 and abs(first.std() - 0.5) < 0.05
    drawn = tg.zeros(2000).uniform_(-3, -1).numpy()
    assert drawn.min() >= -3 and drawn.max() < -1 and abs(drawn.mean() + 2) < 0.1
    with pytest.raises(TypeError, match="floating-point"):
        tg.zeros(3, dtype=tg.int64).normal_()


# -- free functions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("exp", ()),
        ("log", ()),
        ("sqrt", ()),
        ("abs", ()),
        ("sin", ()),
        ("cos", ()),
        ("tanh", ()),
        ("sigmoid", ()),
        ("relu", ()),
        ("sign", ()),
        ("sum", (1,)),
        ("mean", ()),
        ("amax", (0,)),
        ("amin", ()),
        ("argmax", (1,)),
        ("argmin", ()),
        ("softmax", (1,)),
        ("log_softmax", (0,)),
        ("logsumexp", (1,)),
        ("clamp", (1.0, 2.0)),
        ("clip", (None, 2.0)),
        ("var", (0,)),
        ("std", ()),
        ("prod", (1,)),
        ("cumsum", (0,)),
        ("norm", ()),
        ("flatten", ()),
        ("squeeze", ()),
        ("unsqueeze", (1,)),
        ("transpose", (0, 1)),
        ("permute", ((1, 0),)),
        ("reshape", ((4, 3),)),
        ("flip", ((0,),)),
        ("t", ()),
        ("maximum", (tg.tensor(2.0),)),
        ("minimum", (tg.tensor(2.0),)),
    ],
)
def test_free_functions_are_the_tensor_methods(name, args):
    x = tg.tensor(np.abs(B) + 0.5)
    np.testing.assert_array_equal(getattr(tg, name)(x, *args).numpy(), getattr(x, name)(*args).numpy())


def test_free_functions_take_arrays_and_lists_and_keep_the_method_results():
    values, indices = tg.max(tg.tensor(B), 1)
    assert values.tolist() == [3, 5, 4] and indices.tolist() == [0, 2, 0]
    assert tg.max(tg.tensor(B)).item() == 5.0 and tg.min(B, dim=0).values.tolist() == [0, -1, 2, -3]
    assert tg.exp([0.0]).tolist() == [1.0] and tg.sum(np.arange(4)).item() == 6
    assert tg.pow(tg.tensor([2.0, 3.0]), 2).tolist() == [4.0, 9.0]
    x = tg.tensor(B)
    assert tg.flip(x, dims=[0, 1]).tolist() == B[::-1, ::-1].tolist()  # torch's keyword names
    assert tg.permute(x, dims=(1, 0)).shape == (4, 3) and tg.reshape(x, shape=(-1,)).shape == (12,)
    assert tg.pow(2, tg.tensor([1.0, 3.0])).tolist() == [2.0, 8.0]
    assert bool(tg.any(tg.tensor([False, True]))) and not bool(tg.all(tg.tensor([False, True])))


def test_tensor_facts_as_free_functions():
    x = tg.tensor(B)
    assert tg.is_tensor(x) and not tg.is_tensor(B) and tg.numel(x) == 12
    assert tg.get_default_dtype() == tg.float32 and tg.tensor([1.5]).dtype == tg.get_default_dtype()
    assert tg.as_tensor(x) is x and tg.as_tensor(x, dtype=tg.float64).dtype == tg.float64
    assert tg.as_tensor([1, 2]).dtype == tg.int64
    assert tg.allclose(x, x * (1 + 1e-6)) and not tg.allclose(x, x + 1e-3)
    assert tg.allclose(tg.tensor([float("nan")]), tg.tensor([float("nan")]), equal_nan=True)
    assert tg.equal(x, tg.tensor(B)) and not tg.equal(x, x[:2]) and not tg.equal(x, x + 1)


def test_creation_functions_match_numpy():
    np.testing.assert_array_equal(tg.eye(3).numpy(), np.eye(3, dtype=np.float32))
    assert tg.eye(2, 3, dtype=tg.int64).tolist() == [[1, 0, 0], [0, 1, 0]]
    np.testing.assert_allclose(tg.linspace(-1, 2, 7).numpy(), np.linspace(-1, 2, 7), rtol=1e-6)
    assert tg.linspace(0, 1, 5).dtype == tg.float32 and tg.linspace(0, 1, 1).tolist() == [0.0]
    assert tg.empty(2, 3).shape == (2, 3) and tg.empty((4,)).dtype == tg.float32
    x = tg.tensor([1, 2, 3])
    assert (
        tg.full_like(x, 7.9).tolist() == [7, 7, 7]
        and tg.full_like(x, 2, dtype=tg.float32).dtype == tg.float32
    )
    assert tg.empty_like(x).dtype == tg.int64


def test_random_like_and_randint_and_randperm_follow_manual_seed():
    like = tg.zeros(3, 4, dtype=tg.float64)
    tg.manual_seed(7)
    drawn = [tg.rand_like(like), tg.randn_like(like), tg.randint(3, 9, (500,)), tg.randperm(10)]
    tg.manual_seed(7)
    again = [tg.rand_like(like), tg.randn_like(like), tg.randint(3, 9, (500,)), tg.randperm(10)]
    for a, b in zip(drawn, again):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert drawn[0].dtype == tg.float64 and drawn[0].shape == (3, 4) and drawn[1].shape == (3, 4)
    integers = drawn[2].numpy()
    assert drawn[2].dtype == tg.int64 and set(integers.tolist()) == set(range(3, 9))
    assert sorted(drawn[3].tolist()) == list(range(10)) and drawn[3].dtype == tg.int64
    assert tg.randint(5, (2, 2)).shape == (2, 2) and 0 <= tg.randint(5, (20,)).numpy().min()
    assert tg.randint(high=4, size=(50,)).numpy().max() == 3 and tg.randint(2, size=[3]).shape == (3,)
    assert tg.randint(0, 10, size=(2,), dtype=tg.int32).dtype == tg.int32
    with pytest.raises(ValueError, match="high"):
        tg.randint(3, 3, (2,))


# -- einsum ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "equation, shapes",
    [
        ("ij,jk->ik", [(2, 3), (3, 4)]),
        ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
        ("ij->ji", [(2, 3)]),
        ("ij->", [(2, 3)]),
        ("ii->", [(3, 3)]),
        ("ii->i", [(3, 3)]),
        ("i,j->ij", [(2,), (3,)]),
        ("ij,ij->i", [(2, 3), (2, 3)]),
        ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
        ("bij", [(2, 3, 4)]),
        ("ij,jk", [(2, 3), (3, 2)]),
        ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 4, 2)]),
    ],
)
def test_einsum_matches_numpy_and_its_gradients_check(equation, shapes, rng):
    operands = [float64(rng, *shape) for shape in shapes]
    expected = np.einsum(equation, *[o.numpy() for o in operands])
    np.testing.assert_allclose(tg.einsum(equation, *operands).numpy(), expected, rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(lambda *ops: tg.einsum(equation, *ops), operands)


def test_einsum_takes_a_list_of_operands_and_refuses_bad_equations():
    x = tg.tensor(B)
    np.testing.assert_array_equal(tg.einsum("ij->ji", [x]).numpy(), B.T)
    with pytest.raises(ValueError, match="names 2 operand"):
        tg.einsum("ij,jk->ik", x)
    with pytest.raises(ValueError, match="names 3 axes"):
        tg.einsum("ijk->i", x)
    with pytest.raises(ValueError, match="other than letters"):
        tg.einsum("i1->i", x)
    with pytest.raises(ValueError, match="output"):
        tg.einsum("ij->iz", x)
    with pytest.raises(ValueError, match="axis 'j' has length 4 in one operand, 3 in another"):
        tg.einsum("ij,jk->ik", x, x)


# -- tg.utils.data ---------------------------------------------------------------------------------------


def test_utils_data_is_torch_s_path_to_the_data_module():
    from tinygrad_adam.utils.data import DataLoader, TensorDataset, random_split

    assert DataLoader is tg.data.DataLoader and TensorDataset is tg.data.TensorDataset
    assert random_split is tg.data.random_split and tg.utils.data.Subset is tg.data.Subset


def test_a_pytorch_style_training_script_runs_with_only_the_import_changed():
    import tinygrad_adam as torch  # what a PyTorch user's script would do
    from tinygrad_adam.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    features = torch.randn(64, 3)
    labels = (features.sum(dim=1) > 0).long()
    loader = DataLoader(TensorDataset(features, labels), batch_size=16, shuffle=True)
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(20):
        for inputs, targets in loader:
            assert inputs.size(0) == targets.size(0) and inputs.dim() == 2
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        predicted = torch.argmax(model(features), dim=1)
        accuracy = predicted.eq(labels).sum().item() / labels.size(0)
    assert accuracy > 0.9


def test_every_factory_takes_requires_grad_as_pytorchs_do():
    like = tg.ones(2, 3)
    made = [
        tg.full((2,), 0.3, requires_grad=True),
        tg.eye(2, requires_grad=True),
        tg.arange(3.0, requires_grad=True),
        tg.linspace(0, 1, 3, requires_grad=True),
        tg.zeros_like(like, requires_grad=True),
        tg.ones_like(like, requires_grad=True),
        tg.full_like(like, 2.0, requires_grad=True),
        tg.empty_like(like, requires_grad=True),
        tg.rand_like(like, requires_grad=True),
        tg.randn_like(like, requires_grad=True),
    ]
    for tensor in made:
        assert tensor.requires_grad and tensor.is_leaf
    assert not tg.randint(0, 3, (2,), requires_grad=False).requires_grad
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        tg.randperm(3, requires_grad=True)
    assert tg.zeros_like(like, device=like.device).device == like.device
