"""Specifications found by a differential sweep of session 9's additions against PyTorch 2.13.

A throwaway fuzzer called the new pointwise maths, namespace functions and round-9 layers with
random shapes (0-d, empty, broadcasting), dtypes, values (0, ±inf, NaN, huge) and options in both
libraries; each test pins one place where the two used to differ. Expected values come from
tests/fixtures/make_differential_round9.py (PyTorch 2.13).
"""

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F

REF = np.load(Path(__file__).parent / "fixtures" / "differential_round9.npz")


def same(actual: tg.Tensor, expected: np.ndarray) -> None:
    """Equal values (NaN where NaN, the sign of zero too) and the same dtype."""
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_array_equal(actual.numpy(), expected)


def close(actual: tg.Tensor, expected: np.ndarray, rtol: float = 1e-6) -> None:
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_allclose(actual.numpy(), expected, rtol=rtol, atol=1e-12, equal_nan=True)


def gradient(fn, *inputs: np.ndarray) -> list[tg.Tensor]:
    leaves = [tg.tensor(x, requires_grad=True) for x in inputs]
    with np.errstate(all="ignore"):
        return list(tg.grad(fn(*leaves).sum(), leaves))


# -- pointwise maths ------------------------------------------------------------------------------


def test_gcd_broadcasts_to_an_empty_shape_and_reads_a_mask_with_integers_as_integers():
    empty = tg.gcd(tg.tensor([[0]]), tg.zeros(0, 1, 4, dtype=tg.uint8))
    assert empty.shape == tuple(REF["gcd/empty_shape"])
    mask = tg.tensor([True, False, True])
    same(tg.gcd(mask, tg.tensor([4, 6, 0])), REF["gcd/mask"])
    same(tg.lcm(mask, tg.tensor([4, 6, 3])), REF["lcm/mask"])
    with pytest.raises(NotImplementedError, match="gcd"):  # two masks: PyTorch has no gcd of bool
        tg.gcd(mask, mask)


def test_copysign_of_integers_by_a_negative_python_int_is_negative():
    same(tg.copysign(tg.tensor(np.array([7, 6, 0], dtype=np.uint8)), -1), REF["copysign/uint8_by_minus_one"])
    same(tg.tensor([3, -4]).copysign(-2), REF["copysign/int_by_minus_two"])


def test_float_only_pairs_promote_an_integer_tensor_with_a_float_tensor():
    ints, floats = tg.tensor([1, -2, 0]), tg.tensor([0.5, 3.0, -1.0])
    close(tg.logaddexp(ints, floats), REF["logaddexp/int_float"])
    close(floats.logaddexp2(ints), REF["logaddexp2/float_int"])
    same(tg.nextafter(ints, floats), REF["nextafter/int_float"])
    with pytest.raises(NotImplementedError, match="logaddexp"):  # two integer tensors stay refused
        tg.logaddexp(ints, ints)


@pytest.mark.parametrize("name, eps", [("none", None), ("zero", 0.0), ("tenth", 0.1), ("over_half", 0.6)])
def test_logit_gradient_is_nan_outside_0_1_and_zero_outside_the_eps_clamp(name, eps):
    p = tg.tensor(np.array([-0.25, 0.0, 0.3, 1.0, 1.5, np.nan]), requires_grad=True)
    with np.errstate(all="ignore"):
        value = p.logit(eps)
        (grad,) = tg.grad(value.sum(), p)
    close(value, REF[f"logit/{name}/value"])
    close(grad, REF[f"logit/{name}/grad"])


def test_median_of_all_entries_shares_its_gradient_among_ties_and_nans():
    ties = np.array([[1.0, 2.0, 5.0], [2.0, 2.0, 7.0]])
    close(gradient(lambda x: x.median(), ties)[0], REF["median/ties_grad"])
    close(
        gradient(lambda x: tg.nanmedian(x), np.where(ties == 5.0, np.nan, ties))[0],
        REF["nanmedian/ties_grad"],
    )
    close(gradient(lambda x: tg.median(x), np.array([1.0, np.nan, 3.0, np.nan]))[0], REF["median/nan_grad"])
    with pytest.raises(NotImplementedError, match="bool"):
        tg.nanmedian(tg.tensor([True, False]), 0)


def test_nextafter_has_pytorchs_derivative():
    a = np.array([0.5, 1.0, 0.0, 2.0, np.nan])
    b = np.array([1.0, 1.0, 0.0, -1.0, 1.0])
    grad_input, grad_other = gradient(tg.nextafter, a, b)
    same(grad_input, REF["nextafter/grad_input"])
    same(grad_other, REF["nextafter/grad_other"])


def test_shifting_two_masks_is_refused_as_pytorch():
    masks = tg.tensor([True, False]), tg.tensor([False, True])
    for shift in (lambda a, b: a << b, lambda a, b: a >> b, tg.bitwise_left_shift, tg.bitwise_right_shift):
        with pytest.raises(NotImplementedError, match="bool"):
            shift(*masks)
    assert (masks[0] << tg.tensor([1, 2])).tolist() == [2, 0]  # with integers a mask counts as 0/1


def test_float_power_reads_a_bool_exponent_as_one_or_zero():
    same(tg.float_power(tg.tensor([2.0, 3.0]), True), REF["float_power/true"])
    same(tg.tensor([2, 3]).float_power(False), REF["float_power/false"])


def test_aminmax_of_nothing_raises_pytorchs_kinds():
    with pytest.raises(RuntimeError, match="empty"):
        tg.aminmax(tg.zeros(0))
    with pytest.raises(IndexError, match="empty"):
        tg.aminmax(tg.zeros(2, 0), dim=1)


# -- namespace functions --------------------------------------------------------------------------


def test_cov_and_corrcoef_of_one_variable_given_as_a_row_are_0d():
    row = tg.tensor([[1.0, 2.0, 4.0, 7.0]])
    close(tg.cov(row), REF["cov/one_row"])
    close(tg.cov(row, fweights=tg.tensor([1, 0, 2, 1])), REF["cov/one_row_fweights"])
    close(tg.corrcoef(row), REF["corrcoef/one_row"])
    assert tg.cov(tg.ones(2, 3)).shape == (2, 2)
    with pytest.raises(RuntimeError, match="weights sum to zero"):
        tg.cov(row, fweights=tg.tensor([0, 0, 0, 0]))


def test_isclose_of_masks_is_equality():
    same(tg.isclose(tg.tensor([True, False, True]), tg.tensor([True, True, False])), REF["isclose/masks"])


def test_inner_and_tensordot_over_a_zero_length_axis_are_zeros():
    same(tg.inner(tg.ones(2, 0, dtype=tg.float64), tg.ones(3, 0, dtype=tg.float64)), REF["inner/empty"])
    same(tg.tensordot(tg.ones(2, 0), tg.ones(0, 3), dims=1), REF["tensordot/empty"])


def test_index_reduce_product_keeps_int32():
    source = tg.tensor(np.array([[-2, 3, 4]], dtype=np.int32))
    products = source.index_reduce(
        1, tg.tensor([0, 1, 0]), tg.tensor(np.array([[8, 7, 2]], dtype=np.int32)), "prod"
    )
    same(products, REF["index_reduce/prod_int32"])


def test_sum_to_size_of_its_own_shape_keeps_the_dtype():
    same(tg.tensor(np.array([[3, 4]], dtype=np.uint8)).sum_to_size(1, 2), REF["sum_to_size/uint8_same"])
    same(tg.tensor([True, False]).sum_to_size(2), REF["sum_to_size/mask_same"])
    same(tg.tensor(np.array(3, dtype=np.uint8)).sum_to_size(()), REF["sum_to_size/uint8_scalar"])  # 0-d sums


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
def test_trapezoid_with_a_number_for_x_names_dx(name):
    with pytest.raises(TypeError, match="dx="):
        getattr(tg, name)(tg.ones(3), 2.0)
    assert getattr(tg, name)(tg.ones(3), dx=2.0).numpy().ravel()[-1] == 4.0


def test_add_and_sub_check_alpha_as_pytorch():
    ints = tg.tensor([1, 2])
    for op in (tg.add, tg.sub, tg.Tensor.add, tg.Tensor.sub):
        with pytest.raises(RuntimeError, match="alpha must not be a floating point"):
            op(ints, ints, alpha=0.5)
        with pytest.raises(RuntimeError, match="Boolean alpha"):
            op(tg.tensor([1.0, 2.0]), ints, alpha=True)
    assert tg.add(tg.tensor([True]), tg.tensor([False]), alpha=True).tolist() == [True]
    assert tg.add(ints, tg.tensor([1.0, 2.0]), alpha=0.5).tolist() == [1.5, 3.0]


def test_select_slice_and_diagonal_scatter_write_src_in_the_inputs_dtype():
    x = tg.zeros(3, requires_grad=True)
    src = tg.tensor(5.7, dtype=tg.float64, requires_grad=True)
    written = tg.select_scatter(x, src, 0, 1)
    same(written.detach(), REF["select_scatter/cast/value"])
    (grad_src,) = tg.grad(written.sum(), src)
    same(grad_src, REF["select_scatter/cast/grad_src"])  # back in src's dtype
    ints = tg.tensor(np.array([1, -1, 2], dtype=np.int32))
    same(tg.slice_scatter(ints, tg.tensor([5.7, -2.2]), 0, 0, 2), REF["slice_scatter/int_input"])
    diagonal = tg.diagonal_scatter(tg.zeros(2, 3, dtype=tg.int64), tg.tensor([5.7, 1.2]), 1)
    same(diagonal, REF["diagonal_scatter/int_input"])
    with pytest.raises(RuntimeError, match="dtype"):  # index_put keeps PyTorch's refusal
        tg.index_put(tg.zeros(3), (tg.tensor([0]),), tg.tensor([5]))


def test_cov_and_trapezoid_refuse_masks_as_pytorch():
    mask = tg.tensor([True, False, True])
    for refuse in (tg.cov, tg.corrcoef, tg.trapezoid, tg.cumulative_trapezoid):
        with pytest.raises(RuntimeError, match="bool"):
            refuse(mask)


# -- round-9 layers -------------------------------------------------------------------------------


@pytest.mark.parametrize("p", ["1.5", "2", "3"])
def test_lp_pool_over_a_window_of_zeros_has_gradient_zero(p):
    x = np.array([[[0.0, 0.0, 0.0, 1.0, 2.0, 0.0]]])
    value = F.lp_pool1d(tg.tensor(x), float(p), 2)
    close(value, REF[f"lp_pool1d/{p}/value"])
    close(gradient(lambda t: F.lp_pool1d(t, float(p), 2), x)[0], REF[f"lp_pool1d/{p}/grad"])


def test_lp_pool2d_over_windows_of_zeros_has_gradient_zero():
    image = np.zeros((1, 1, 4, 4))
    image[0, 0, 2:, 2:] = [[1.0, -2.0], [0.5, 3.0]]
    close(F.lp_pool2d(tg.tensor(image), 2.0, 2), REF["lp_pool2d/value"])
    close(gradient(lambda t: tg.nn.LPPool2d(2.0, 2)(t), image)[0], REF["lp_pool2d/grad"])


def test_pdist_of_rows_with_no_entries_is_zero_for_every_p():
    same(F.pdist(tg.ones(3, 0), float("inf")), REF["pdist/no_columns_inf"])
    same(tg.pdist(tg.ones(3, 0), 2.0), REF["pdist/no_columns_inf"])
