"""Specifications found by a differential fuzzer against PyTorch 2.13 (values worked out by hand).

Each test pins one place where Tensor used to differ from PyTorch: a result dtype, a shape from a
positional argument, a missing reflected operator, a crash with an unclear message.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_adam as tg


def leaf(values, dtype=tg.float32) -> tg.Tensor:
    return tg.tensor(values, dtype=dtype, requires_grad=True)


# -- var / std take PyTorch's positional arguments: (dim, unbiased, keepdim) -------------------


def test_var_second_positional_argument_is_unbiased_not_keepdim():
    x = tg.tensor([[1.0, 2.0, 4.0], [0.0, 0.0, 3.0]])
    biased = x.var(1, False)
    assert biased.shape == (2,)
    np.testing.assert_allclose(biased.numpy(), [14 / 9, 2.0], rtol=1e-6)
    kept = x.var(1, True, True)
    assert kept.shape == (2, 1)
    np.testing.assert_allclose(kept.numpy(), [[7 / 3], [3.0]], rtol=1e-6)


def test_var_and_std_of_a_bool_alone_mean_unbiased_over_all_entries():
    x = tg.tensor([1.0, 2.0, 3.0, 6.0])  # mean 3, squared deviations sum to 14
    np.testing.assert_allclose(x.var(False).item(), 14 / 4, rtol=1e-6)
    np.testing.assert_allclose(x.var(True).item(), 14 / 3, rtol=1e-6)
    np.testing.assert_allclose(x.std(True).item(), (14 / 3) ** 0.5, rtol=1e-6)
    assert x.std(0, False, True).shape == (1,)
    with pytest.raises(TypeError, match="unbiased twice"):
        x.var(True, False)


# -- dtype promotion --------------------------------------------------------------------------


def test_a_0d_integer_tensor_takes_the_dtype_of_the_dimensioned_integer_operand():
    vector = tg.tensor(np.array([1, 2], dtype=np.int32))
    scalar = tg.tensor(3)  # int64, 0-d
    for result in (vector + scalar, scalar * vector, vector % scalar, scalar - vector):
        assert result.dtype == tg.int32
    assert (tg.tensor(np.array([7], dtype=np.uint8)) // tg.tensor(2)).dtype == tg.uint8
    # Both dimensioned (or both 0-d): the usual promotion.
    assert (vector + tg.tensor([3])).dtype == tg.int64
    assert (tg.tensor(np.int32(1)) + tg.tensor(3)).dtype == tg.int64
    # A 0-d tensor of a higher kind still wins: float over int, int over bool.
    assert (vector + tg.tensor(0.5)).dtype == tg.float32
    assert (tg.tensor([True, False]) + tg.tensor(np.int32(2))).dtype == tg.int32


def test_two_masks_add_as_or_and_multiply_as_and_staying_boolean():
    a, b = tg.tensor([True, True, False, False]), tg.tensor([True, False, True, False])
    assert (a + b).dtype == tg.bool_ and (a + b).tolist() == [True, True, True, False]
    assert (a * b).tolist() == [True, False, False, False]
    assert (a + True).tolist() == [True] * 4
    assert a.maximum(b).tolist() == [True, True, True, False]
    assert a.minimum(b).tolist() == [True, False, False, False]
    # A mask with a number counts: int64, as in PyTorch.
    assert (a + 1).dtype == tg.int64 and (a + 1).tolist() == [2, 2, 1, 1]
    assert (a / tg.tensor([True])).dtype == tg.float32


@pytest.mark.parametrize(
    "op", [lambda a, b: a - b, lambda a, b: a // b, lambda a, b: a % b, lambda a, b: a**b]
)
def test_other_arithmetic_on_two_masks_is_a_type_error_that_names_the_fix(op):
    a, b = tg.tensor([True, False]), tg.tensor([True, True])
    with pytest.raises(TypeError, match="two boolean tensors.*mask.long"):
        op(a, b)


def test_square_and_sign_of_a_mask():
    mask = tg.tensor([True, False])
    assert mask.square().dtype == tg.int64 and mask.square().tolist() == [1, 0]
    assert mask.sign().dtype == tg.bool_ and mask.sign().tolist() == [True, False]


# -- integer powers ---------------------------------------------------------------------------


def test_an_integer_to_a_negative_integer_power_truncates_as_in_pytorch():
    base = tg.tensor([2, 0, -1, -1, 1, 3, -2])
    exponent = tg.tensor([-1, -1, -1, -2, -5, 2, 3])
    result = base**exponent
    assert result.dtype == tg.int64
    assert result.tolist() == [0, 0, -1, 1, 1, 9, -8]
    assert (tg.tensor(np.array([1, -1, 5], dtype=np.int32)) ** tg.tensor([-3])).tolist() == [1, -1, 0]
    assert (2 ** tg.tensor([-1, 2])).tolist() == [0, 4]


def test_an_integer_tensor_to_a_negative_number_is_refused_as_in_pytorch():
    for call in (lambda x: x**-1, lambda x: x.pow(-2), lambda x: (x > 0) ** -1):
        with pytest.raises(RuntimeError, match="negative integer powers.*x.float"):
            call(tg.tensor([2, 3]))
    assert (tg.tensor([2, 3]) ** True).tolist() == [2, 3]
    assert (tg.tensor([2.0]) ** -1).tolist() == [0.5]


# -- bitwise operators with a number on the left --------------------------------------------


def test_bitwise_operators_take_a_python_number_on_the_left():
    x = tg.tensor([1, 2, 3])
    assert (6 & x).tolist() == [0, 2, 2]
    assert (4 | x).tolist() == [5, 6, 7]
    assert (1 ^ x).tolist() == [0, 3, 2]
    mask = tg.tensor([True, False])
    assert (True & mask).tolist() == [True, False] and (False | mask).tolist() == [True, False]


# -- any / all / amax / amin ------------------------------------------------------------------


def test_any_and_all_give_boolean_tensors_along_a_dim_as_in_pytorch():
    x = tg.tensor([[0.0, 0.0, 2.0], [1.0, 3.0, -1.0]])
    assert isinstance(x.any(), tg.Tensor) and x.any().dtype == tg.bool_ and x.any().shape == ()
    assert bool(x.any()) and not bool(x.all())
    assert x.any(1).tolist() == [True, True]
    assert x.all(dim=1).tolist() == [False, True]
    assert x.all(0, True).tolist() == [[False, False, True]]
    assert x.any(dim=(0, 1), keepdim=True).shape == (1, 1)
    assert tg.zeros(0, 3).all(0).tolist() == [True, True, True]
    assert tg.zeros(0, 3).any(0).tolist() == [False, False, False]


def test_amax_and_amin_reduce_over_a_tuple_and_share_the_gradient_among_ties():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]])
    top = x.amax(1)
    assert top.tolist() == [3.0, 2.0]
    top.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0.5, 0.5], [0.5, 0, 0.5]])
    assert x.amin((0, 1), keepdim=True).tolist() == [[0.0]]
    assert x.amax().item() == 3.0 and x.amax(()).item() == 3.0


def test_mt_swaps_the_last_two_axes():
    x = tg.arange(6).reshape(1, 2, 3)
    assert x.mT.shape == (1, 3, 2)
    assert x.mT.numpy().tolist() == [[[0, 3], [1, 4], [2, 5]]]
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        _ = tg.tensor([1.0]).mT


# -- shapes of empty tensors ------------------------------------------------------------------


def test_flatten_of_an_empty_tensor_keeps_its_zero_sizes():
    x = tg.zeros(0, 2, 3)
    assert x.flatten(1).shape == (0, 6)
    assert x.flatten(0, 1).shape == (0, 3)
    assert x.flatten(2, 2).shape == (0, 2, 3)


def test_reshape_of_an_empty_tensor_with_an_ambiguous_minus_one_is_a_clear_error():
    with pytest.raises(ValueError, match="-1 could be any size"):
        tg.zeros(0, 2).reshape(0, -1)
    assert tg.zeros(0, 2).reshape(-1).shape == (0,)
    for shape in ((-1, -1), (-2, -3)):
        with pytest.raises(ValueError, match="at most one -1"):
            tg.zeros(6).reshape(*shape)


# -- nan, bounds and filled tensors -----------------------------------------------------------


def test_sign_of_nan_is_zero_so_the_gradient_of_abs_there_is_zero():
    x = leaf([np.nan, -2.0, 0.0, 3.0])
    assert x.sign().tolist() == [0.0, -1.0, 0.0, 1.0]
    x.abs().sum().backward()
    assert x.grad.tolist() == [0.0, -1.0, 0.0, 1.0]


def test_relu_passes_the_gradient_of_nan_entries_as_pytorch():
    x = leaf([np.nan, -1.0, 0.0, 2.0])
    x.relu().backward(tg.tensor([5.0, 5.0, 5.0, 5.0]))
    assert x.grad.tolist() == [5.0, 0.0, 0.0, 5.0]


def test_clamp_with_number_bounds_swapped_is_refused_naming_pytorchs_answer():
    with pytest.raises(ValueError, match=r"min=1.0 > max=0.0.*max everywhere"):
        tg.tensor([-1.0, 0.5, 2.0]).clamp(1.0, 0.0)


def test_full_infers_the_dtype_of_its_fill_value():
    assert tg.full((2,), 3).dtype == tg.int64 and tg.full((2,), 3).tolist() == [3, 3]
    assert tg.full((2,), True).dtype == tg.bool_ and tg.full((1,), False).tolist() == [False]
    assert tg.full((2, 1), 2.5).dtype == tg.float32
    assert tg.full((), -1).shape == () and tg.full((2,), 3, dtype=tg.float64).dtype == tg.float64


def test_where_with_two_numbers_takes_their_dtype():
    condition = tg.tensor([True, False])
    assert tg.where(condition, 1, 0).dtype == tg.int64
    assert tg.where(condition, 1, 0).tolist() == [1, 0]
    assert tg.where(condition, True, 2).tolist() == [1, 2]
    assert tg.where(condition, 1.0, 0).dtype == tg.float32
    assert tg.where(condition, True, False).dtype == tg.bool_


def test_in_place_integer_ops_keep_the_target_dtype():
    x = tg.tensor(np.array([1, 2, 3], dtype=np.int32))
    x.add_(tg.tensor([10, 20, 30]))
    x *= tg.tensor([2])
    assert x.dtype == tg.int32 and x.tolist() == [22, 44, 66]
    with pytest.raises(TypeError, match="float32 does not fit a int32"):
        x.add_(0.5)


# -- gradients of max and min where nan takes part -------------------------------------------


def test_elementwise_maximum_and_minimum_give_a_nan_comparison_the_gradient_on_both_sides():
    a, b = leaf([np.nan, 1.0, 2.0, 3.0]), leaf([0.0, 1.0, 5.0, np.nan])
    a.maximum(b).backward(tg.tensor([1.0, 1.0, 1.0, 1.0]))
    assert a.grad.tolist() == [1.0, 0.5, 0.0, 1.0]
    assert b.grad.tolist() == [1.0, 0.5, 1.0, 1.0]
    a.grad = b.grad = None
    a.minimum(b).backward(tg.tensor([1.0, 1.0, 1.0, 1.0]))
    assert a.grad.tolist() == [1.0, 0.5, 1.0, 1.0]
    assert b.grad.tolist() == [1.0, 0.5, 0.0, 1.0]


def test_max_over_all_entries_sends_a_nan_results_gradient_to_the_nan_entries():
    x = leaf([[np.nan, 2.0], [np.nan, 7.0]])
    x.max().backward()
    assert x.grad.tolist() == [[0.5, 0.0], [0.5, 0.0]]
    y = leaf([1.0, np.nan, -3.0])
    y.min().backward()
    assert y.grad.tolist() == [0.0, 1.0, 0.0]


# -- a dim out of range is PyTorch's IndexError (and still a ValueError) ---------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.sum(2),
        lambda x: x.mean(dim=(0, -3)),
        lambda x: x.softmax(3),
        lambda x: x.unsqueeze(4),
        lambda x: tg.cat([x, x], 2),
        lambda x: x.max(2),
        lambda x: x.transpose(0, 2),
        lambda x: x.flatten(0, 3),
        lambda x: x.cumsum(-3),
        lambda x: x.flip(2),
        lambda x: x.permute(0, 2),
        lambda x: x.argmax(2),
        lambda x: x.var(4),
        lambda x: x.sum().sum(1),
        lambda x: x.sum().transpose(2, 0),
        lambda x: x.sum().flatten(1),
        lambda x: x[0].transpose(0, 1),
    ],
)
def test_a_dim_out_of_range_is_an_index_error_as_in_pytorch_and_a_value_error(call):
    x = tg.zeros(2, 3)
    with pytest.raises(IndexError, match="out of range") as caught:
        call(x)
    assert isinstance(caught.value, ValueError)


def test_a_dim_that_is_not_an_integer_is_a_type_error():
    with pytest.raises(TypeError, match="axis must be an integer"):
        tg.zeros(2, 3).sum(1.0)


def test_to_takes_a_dtype_or_a_tensor_in_the_first_place_as_in_pytorch():
    x = leaf([1.0, 2.0])
    assert x.to(tg.float64).dtype == tg.float64 and x.to(tg.float64).requires_grad
    assert x.to(np.float64).dtype == tg.float64
    like = tg.tensor([1])
    assert x.to(like).dtype == tg.int64 and x.to(like).device == like.device
    assert x.to(tg.float32) is x
    with pytest.raises(TypeError, match="two dtypes"):
        x.to(tg.float64, tg.float32)


def test_flip_takes_dims_by_keyword_and_abs_is_the_builtin():
    x = leaf([[1.0, -2.0], [3.0, -4.0]])
    assert x.flip(dims=(0, 1)).tolist() == [[-4.0, 3.0], [-2.0, 1.0]]
    assert x.flip(dims=1).tolist() == [[-2.0, 1.0], [-4.0, 3.0]]
    with pytest.raises(TypeError, match="dims twice"):
        x.flip(0, dims=1)
    abs(x).sum().backward()
    assert abs(x).tolist() == [[1.0, 2.0], [3.0, 4.0]] and x.grad.tolist() == [[1.0, -1.0], [1.0, -1.0]]


def test_pow_method_is_the_power_operator():
    x = leaf([1.0, 2.0, 3.0])
    assert x.pow(2).tolist() == [1.0, 4.0, 9.0]
    assert x.pow(tg.tensor([0.0, 1.0, 2.0])).tolist() == [1.0, 2.0, 9.0]
    x.pow(3).sum().backward()
    assert x.grad.tolist() == [3.0, 12.0, 27.0]


# -- properties -------------------------------------------------------------------------------


def _integer_power(base: int, exponent: int) -> int:
    """PyTorch's integer power: exact for exponent >= 0, else 1 / base^|exponent| truncated (0 for 0)."""
    if exponent >= 0:
        return base**exponent
    return 0 if base == 0 else int(1 / base**-exponent)


@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(-4, 4)), min_size=1, max_size=8))
def test_integer_powers_follow_pytorchs_truncation(pairs):
    bases, exponents = (list(column) for column in zip(*pairs))
    result = tg.tensor(bases) ** tg.tensor(exponents)
    assert result.dtype == tg.int64
    assert result.tolist() == [_integer_power(b, e) for b, e in pairs]


@given(
    st.lists(st.integers(-3, 3), min_size=6, max_size=6),
    st.sampled_from([0, 1, -1, (0, 1)]),
    st.booleans(),
    st.booleans(),
)
def test_var_positional_arguments_mean_dim_unbiased_keepdim(values, dim, unbiased, keepdim):
    x = tg.tensor(values, dtype=tg.float64).reshape(2, 3)
    expected = x.var(dim=dim, correction=int(unbiased), keepdim=keepdim)
    got = x.var(dim, unbiased, keepdim)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected.numpy())


@given(st.lists(st.tuples(st.integers(-2, 2), st.integers(-2, 2)), min_size=1, max_size=6))
def test_maximum_and_minimum_split_each_gradient_between_their_operands(pairs):
    """Without nan, each output's gradient goes whole to the winner, or half to each at a tie."""
    a = leaf([float(p) for p, _ in pairs], dtype=tg.float64)
    b = leaf([float(q) for _, q in pairs], dtype=tg.float64)
    for op in (tg.Tensor.maximum, tg.Tensor.minimum):
        a.grad = b.grad = None
        op(a, b).sum().backward()
        np.testing.assert_array_equal(a.grad.numpy() + b.grad.numpy(), np.ones(len(pairs)))
        ties = [p == q for p, q in pairs]
        assert [g == 0.5 for g in a.grad.tolist()] == ties


def test_a_0d_tensor_formats_as_its_number_and_an_integer_one_is_an_index():
    loss = tg.tensor(1.23456)
    assert f"loss {loss:.3f}" == "loss 1.235"
    assert f"{tg.tensor(3):d}" == "3"
    items = ["a", "b", "c"]
    assert items[tg.tensor(1)] == "b" and items[tg.tensor([2])] == "c"
    assert list(range(tg.tensor(3))) == [0, 1, 2]
    for bad in (tg.tensor(1.0), tg.tensor([0, 1])):
        with pytest.raises(TypeError, match="only integer tensors of a single element"):
            items[bad]
    with pytest.raises(TypeError, match="unsupported format string"):
        f"{tg.tensor([1.5]):.2f}"


def test_backward_takes_pytorchs_gradient_keyword_and_inputs():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    h = a * b
    y = h * a  # dy/da = 2ab, dy/db = a², dy/dh = a
    y.backward(gradient=tg.tensor([1.0, 1.0]), inputs=[a, h], retain_graph=True)
    assert a.grad.tolist() == [6.0, 16.0] and b.grad is None and h.grad.tolist() == [1.0, 2.0]
    y.backward(tg.tensor([2.0, 2.0]), inputs=b)
    assert b.grad.tolist() == [2.0, 8.0] and a.grad.tolist() == [6.0, 16.0]
    with pytest.raises(TypeError, match="both gradient= and grad="):
        y.backward(gradient=tg.tensor([1.0, 1.0]), grad=tg.tensor([1.0, 1.0]))
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward(tg.tensor([1.0, 1.0]), inputs=[tg.tensor([1.0])])


def test_cat_and_stack_promote_integers_and_masks_as_pytorch_but_never_float32_to_float64():
    x = leaf([0.5, 1.5])
    joined = tg.cat([x, tg.tensor([2]), tg.tensor([True])])
    assert joined.dtype == tg.float32 and joined.tolist() == [0.5, 1.5, 2.0, 1.0]
    joined.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    assert tg.cat([tg.tensor([True]), tg.tensor(np.array([2], dtype=np.int32))]).dtype == tg.int32
    assert tg.stack([tg.tensor(1), tg.tensor(2.0)]).dtype == tg.float32
    with pytest.raises(TypeError, match="dtype mismatch float32 vs float64"):
        tg.cat([x, tg.tensor(np.array([1.0])), tg.tensor([1])])


def test_numpy_numbers_and_0d_arrays_combine_as_python_numbers():
    x = leaf([1.0, 2.0])
    for number in (np.float64(2.0), np.array(2.0), np.int64(2), np.array(2)):
        assert (number * x).dtype == tg.float32 and (x + number).dtype == tg.float32
    assert (tg.tensor([1, 2]) + np.array(2.5)).dtype == tg.float32
    assert (tg.tensor(np.array([1, 2], dtype=np.int32)) * np.array(3)).dtype == tg.int32
    with pytest.raises(TypeError, match="float64 vs float32"):
        np.array([2.0]) * x  # an array with dimensions is a tensor: no silent upcast


def test_reductions_and_softmax_take_pytorchs_dtype_argument():
    mask = tg.tensor([[True, False], [True, True]])
    assert mask.sum(dtype=tg.float32).dtype == tg.float32 and mask.sum(1, dtype=tg.float32).tolist() == [
        1.0,
        2.0,
    ]
    assert mask.mean(dtype=tg.float64).dtype == tg.float64 and mask.mean(dtype=tg.float64).item() == 0.75
    assert tg.tensor([1, 2]).cumsum(0, dtype=tg.float32).tolist() == [1.0, 3.0]
    assert tg.tensor([2, 3]).prod(dtype=tg.float32).dtype == tg.float32
    probabilities = tg.tensor([0, 0]).softmax(0, dtype=tg.float64)
    assert probabilities.dtype == tg.float64 and probabilities.tolist() == [0.5, 0.5]
    assert tg.tensor([0, 0]).log_softmax(dim=0, dtype=tg.float64).dtype == tg.float64
    x = leaf([1.0, 2.0])
    total = x.sum(dtype=tg.float64)  # an explicit cast: float32 to float64 is asked for, not silent
    total.backward()
    assert total.dtype == tg.float64 and x.grad.dtype == tg.float32 and x.grad.tolist() == [1.0, 1.0]


def test_a_python_integer_outside_a_small_dtype_wraps_around_as_in_pytorch():
    pixels = tg.tensor(np.array([1, 200], dtype=np.uint8))
    assert (pixels + -3).tolist() == [254, 197] and (pixels + -3).dtype == tg.uint8
    assert (pixels * -1).tolist() == [255, 56]
    assert (pixels > -3).tolist() == [False, False]  # -3 reads as 253 in uint8
    assert (tg.tensor(np.array([1], dtype=np.int8)) + 300).tolist() == [45]
    # True division reads the number as a float, with no wrap: 2 / -3, as in PyTorch.
    np.testing.assert_allclose((pixels / -3).numpy(), [-1 / 3, -200 / 3], rtol=1e-6)
    np.testing.assert_allclose((-300 / pixels).numpy(), [-300.0, -1.5], rtol=1e-6)
