"""Pointwise maths a PyTorch user expects (round 9): trigonometric and hyperbolic functions and
their inverses, log10/log2/exp2, logaddexp, logit, sinc, floats' bits (frexp, ldexp, copysign,
nextafter, signbit), integers' bits (gcd, lcm, bitwise ops and shifts), NaN-skipping reductions,
and their in-place spellings. Values and gradients against PyTorch 2.13
(tests/fixtures/make_pointwise_round9.py)."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import tinygrad_adam as tg

REF = np.load(pathlib.Path(__file__).parent / "fixtures" / "pointwise_round9.npz")
UNARY = ["tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "log10", "log2", "exp2",
         "logit", "sinc", "deg2rad", "rad2deg", "i0"]  # fmt: skip


def close(actual: tg.Tensor, expected: np.ndarray, rtol: float = 1e-12, atol: float = 0.0) -> None:
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_allclose(actual.numpy(), expected, rtol=rtol, atol=atol, equal_nan=True)


def same(actual: tg.Tensor, expected: np.ndarray) -> None:
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_array_equal(actual.numpy(), expected)


# -- elementary functions ------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_gradients_match_pytorch_in_float64(name: str) -> None:
    x = tg.tensor(REF[f"{name}/x"], requires_grad=True)
    y = getattr(x, name)()
    close(y, REF[f"{name}/value64"])
    weights = tg.tensor(np.linspace(0.5, 1.5, x.shape[0]))
    (grad,) = tg.grad((y * weights).sum(), x)
    close(grad, REF[f"{name}/grad64"], rtol=1e-10)
    close(getattr(tg, name)(x.detach()), REF[f"{name}/value64"])  # the free function


@pytest.mark.parametrize("name", UNARY)
def test_unary_edge_values_match_pytorch_and_float32_stays_float32(name: str) -> None:
    edges = REF["edges"]
    with np.errstate(all="ignore"):
        close(getattr(tg.tensor(edges), name)(), REF[f"{name}/edges64"], rtol=1e-12)
        close(getattr(tg.tensor(edges.astype(np.float32)), name)(), REF[f"{name}/edges32"], rtol=2e-6)
    close(getattr(tg.tensor(REF[f"{name}/x"].astype(np.float32)), name)(), REF[f"{name}/value32"], rtol=2e-6)


@pytest.mark.parametrize("name", UNARY)
def test_unary_reads_integers_as_the_default_float_dtype(name: str) -> None:
    close(getattr(tg.tensor([-2, 0, 1, 3]), name)(), REF[f"{name}/int"], rtol=2e-6)


@pytest.mark.parametrize("name", ["tan", "asinh", "log2", "exp2", "sinc", "i0", "atanh"])
def test_unary_gradients_pass_gradcheck_with_second_derivatives(name: str) -> None:
    x = tg.tensor(REF[f"{name}/x"][1:4], requires_grad=True)
    assert tg.gradcheck(lambda t: getattr(t, name)(), (x,))
    (first,) = tg.grad(getattr(x, name)().sum(), x, create_graph=True)
    assert first.requires_grad

    def first_derivative(t: tg.Tensor) -> tg.Tensor:
        t = t if t.requires_grad else t.requires_grad_(True)  # finite differences pass plain tensors
        return tg.grad(getattr(t, name)().sum(), t, create_graph=True)[0]

    assert tg.gradcheck(first_derivative, (x,))


def test_arc_names_and_fix_are_the_same_functions() -> None:
    x = tg.tensor([-0.5, 0.25, 0.75], dtype=tg.float64)
    for short, long in [("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"), ("asinh", "arcsinh"),
                        ("atanh", "arctanh")]:  # fmt: skip
        same(getattr(x, long)(), getattr(x, short)().numpy())
        same(getattr(tg, long)(x), getattr(x, short)().numpy())
    same((x + 1.5).arccosh(), (x + 1.5).acosh().numpy())
    same(tg.fix(tg.tensor([-2.5, 2.5])), np.array([-2.0, 2.0], dtype=np.float32))


def test_exp2_is_exact_at_integers() -> None:
    same(tg.exp2(tg.arange(-3, 60, dtype=tg.float64)), 2.0 ** np.arange(-3, 60, dtype=np.float64))
    same(tg.special.exp2(tg.tensor([10.0])), np.array([1024.0], dtype=np.float32))


def test_logit_eps_clamps_as_pytorch_does() -> None:
    p = tg.tensor([0.0, 0.05, 0.5, 0.97, 1.0], dtype=tg.float64, requires_grad=True)
    for eps in (0.1, 0.6, -0.2):  # an eps over 0.5 gives NaN and a negative one clamps nothing, as PyTorch
        with np.errstate(all="ignore"):
            y = tg.logit(p, eps=eps)
            (grad,) = tg.grad(y.sum(), p)
        close(y, REF[f"logit_eps/{eps}/value"])
        close(grad, REF[f"logit_eps/{eps}/grad"])
    close(tg.special.logit(p.detach(), eps=0.1), REF["logit_eps/0.1/value"])
    with pytest.raises(TypeError, match="eps must be a number or None"):
        p.logit(eps="0.1")


def test_sinc_is_one_at_zero_with_gradient_zero() -> None:
    zero = tg.zeros(3, dtype=tg.float64, requires_grad=True)
    same(zero.sinc(), np.ones(3))
    close(tg.grad(zero.sinc().sum(), zero)[0], REF["sinc/grad_at_0"])


def test_special_i1_is_i0s_derivative_as_in_pytorch() -> None:
    x = tg.tensor([-20.0, -1.5, 0.0, 0.5, 12.0, 400.0], dtype=tg.float64, requires_grad=True)
    y = tg.special.i1(x)
    close(y, REF["i1/value"], rtol=1e-13)
    close(tg.grad(y.sum(), x)[0], REF["i1/grad"], rtol=1e-12)
    close(tg.grad(x.i0().sum(), x)[0], REF["i1/value"], rtol=1e-13)


def test_i0_keeps_its_digits_for_large_arguments_and_overflows_as_pytorch() -> None:
    large = tg.tensor([50.0, -100.0, 300.0, 700.0, 713.0], dtype=tg.float64)
    close(tg.i0(large), REF["i0/large"], rtol=1e-13)
    same(tg.tensor([800.0, -np.inf, np.nan]).i0(), np.array([np.inf, np.nan, np.nan], dtype=np.float32))


# -- binary float ops --------------------------------------------------------------------------------

BINARY = ["logaddexp", "logaddexp2", "copysign", "fmax", "fmin", "ldexp", "float_power", "hypot"]


@pytest.mark.parametrize("name", BINARY)
def test_binary_values_and_gradients_broadcast_as_pytorch(name: str) -> None:
    a = tg.tensor(REF["binary/a"], requires_grad=True)
    b = tg.tensor(REF["binary/b"], requires_grad=True)
    with np.errstate(all="ignore"):
        y = getattr(tg, name)(a, b)
        weights = tg.arange(12, dtype=tg.float64).reshape(3, 4) / 7 + 0.5
        grad_a, grad_b = tg.grad((y * weights).sum(), (a, b))
    close(y, REF[f"{name}/value"])
    close(grad_a, REF[f"{name}/grad_a"])
    close(grad_b, REF[f"{name}/grad_b"])


@pytest.mark.parametrize(
    "name", ["logaddexp", "logaddexp2", "copysign", "fmax", "fmin", "nextafter", "heaviside", "floor_divide"]
)
def test_binary_ops_at_nan_inf_and_signed_zeros_match_pytorch(name: str) -> None:
    a, b = tg.tensor(REF["special/a"]), tg.tensor(REF["special/b"])
    with np.errstate(all="ignore"):
        result = getattr(a, name)(b)
    expected = REF[f"{name}/special"]
    close(result, expected)
    if name in ("copysign", "nextafter", "fmax", "fmin"):  # the sign of zero too
        np.testing.assert_array_equal(np.signbit(result.numpy()), np.signbit(expected))
    if name in ("nextafter", "heaviside", "floor_divide"):  # no gradients: the broadcast values
        with np.errstate(all="ignore"):
            result = getattr(tg.tensor(REF["binary/a"]), name)(tg.tensor(REF["binary/b"]))
        same(result, REF[f"{name}/value"])


def test_binary_ops_on_integers_follow_pytorchs_dtypes() -> None:
    same(tg.ldexp(tg.tensor([3, -1, 0]), tg.tensor([2, 5, 1])), REF["ldexp/int"])
    same(tg.copysign(tg.tensor([3, -1, 0]), tg.tensor([-0.0, 1.0, -2.0])), REF["copysign/int"])
    same(tg.fmax(tg.tensor([1, 5, -3]), tg.tensor([2, 4, -3])), REF["fmax/int"])
    masks = tg.tensor([True, True, False]), tg.tensor([True, False, False])
    same(tg.fmax(*masks), np.array([True, True, False]))
    same(tg.fmin(*masks), np.array([True, False, False]))
    same(tg.float_power(tg.tensor([2, -3, 0]), 3), REF["float_power/int"])
    same(tg.float_power(2, tg.tensor([0.5, -1.0])), REF["float_power/scalar_base"])
    same(tg.floor_divide(tg.tensor([7, -7, 7, -7]), tg.tensor([2, 2, -2, -2])), REF["floor_divide/int"])
    same(tg.tensor([1.0, 2.0]).copysign(-1), np.array([-1.0, -2.0], dtype=np.float32))
    assert tg.tensor([2.0]).float_power(0.5).dtype == tg.float64  # float32 in, float64 out


def test_float_power_and_ldexp_gradients_pass_gradcheck() -> None:
    a = tg.tensor([[0.5], [1.5], [2.5]], dtype=tg.float64, requires_grad=True)
    b = tg.tensor([-1.0, 0.25, 2.0], dtype=tg.float64, requires_grad=True)
    for name in ("float_power", "ldexp", "logaddexp", "logaddexp2", "copysign", "fmax"):
        assert tg.gradcheck(lambda x, y, name=name: getattr(x, name)(y), (a, b)), name


def test_float_only_ops_refuse_integers_as_pytorch() -> None:
    for name in ("logaddexp", "logaddexp2", "nextafter"):
        with pytest.raises(NotImplementedError, match=f"{name}: needs a floating-point tensor, got int64"):
            getattr(tg, name)(tg.tensor([1, 2]), tg.tensor([2, 3]))
    with pytest.raises(RuntimeError, match="frexp: needs a floating-point tensor"):
        tg.frexp(tg.tensor([1, 2]))


def test_heaviside_needs_values_of_its_dtype_and_has_no_derivative() -> None:
    with pytest.raises(RuntimeError, match="different dtypes"):
        tg.heaviside(tg.tensor([0, 1]), tg.tensor([0.5]))
    with pytest.raises(TypeError, match="must be a Tensor"):
        tg.heaviside(tg.tensor([0.0, 1.0]), 0.5)
    x = tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative of heaviside is not implemented"):
        x.heaviside(tg.tensor([0.5])).sum().backward()
    with pytest.raises(RuntimeError, match="derivative of floor division"):
        x.floor_divide(2).sum().backward()


def test_fmax_fmin_take_the_number_over_nan_and_mixed_dtypes_refuse() -> None:
    a = tg.tensor([np.nan, 1.0, np.nan], requires_grad=True)
    b = tg.tensor([2.0, np.nan, np.nan], requires_grad=True)
    close(tg.fmax(a, b), np.array([2.0, 1.0, np.nan], dtype=np.float32))
    grad_a, grad_b = tg.grad(tg.fmin(a, b).sum(), (a, b))
    same(grad_a, np.array([0.0, 1.0, 1.0], dtype=np.float32))
    same(grad_b, np.array([1.0, 0.0, 0.0], dtype=np.float32))
    with pytest.raises(TypeError, match="dtype"):
        tg.fmax(a, tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64))
    with pytest.raises(ValueError, match="broadcast"):
        tg.fmax(a, tg.tensor([1.0, 2.0]))


# -- floats' bits ---------------------------------------------------------------------------------


def test_frexp_matches_pytorch_for_subnormals_zeros_and_infinities() -> None:
    mantissa, exponent = tg.frexp(tg.tensor(REF["bits/x"]))
    same(mantissa, REF["frexp/mantissa64"])
    same(exponent, REF["frexp/exponent64"])
    result = tg.tensor(REF["bits/x32"]).frexp()
    same(result.mantissa, REF["frexp/mantissa32"])
    same(result.exponent, REF["frexp/exponent32"])
    x = tg.tensor([0.3, -5.0, 1e-310, 8.0], dtype=tg.float64, requires_grad=True)
    same(tg.grad(x.frexp().mantissa.sum(), x)[0], REF["frexp/grad"])


def test_ldexp_undoes_frexp() -> None:
    x = tg.tensor(REF["bits/x"][:7])  # not -1e308: its exponent's power 2^1024 overflows, as in PyTorch
    mantissa, exponent = x.frexp()
    same(mantissa.ldexp(exponent), REF["bits/x"][:7])


def test_signbit_isposinf_isneginf_isreal() -> None:
    x = tg.tensor(REF["bits/x"])
    same(x.signbit(), REF["signbit/value"])
    same(tg.isposinf(x), REF["isposinf/value"])
    same(tg.isneginf(x), REF["isneginf/value"])
    same(tg.signbit(tg.tensor([-3, 0, 2])), np.array([True, False, False]))
    same(tg.isposinf(tg.tensor([1, 2])), np.array([False, False]))
    same(tg.isreal(x), np.ones(x.shape, dtype=bool))


def test_nextafter_steps_one_ulp_in_each_dtype() -> None:
    one = tg.tensor([1.0, 1.0])
    step = tg.nextafter(one, tg.tensor([2.0, 0.0])).numpy() - 1
    eps = np.finfo(np.float32).eps
    same(tg.tensor(step), np.array([eps, -eps / 2], dtype=np.float32))
    tiny = tg.nextafter(tg.tensor([0.0], dtype=tg.float64), 1.0).numpy()[0]
    assert tiny == 5e-324


def test_sgn_is_sign_for_real_tensors() -> None:
    x = tg.tensor([-2.0, 0.0, 3.0, np.nan])
    same(tg.sgn(x), x.sign().numpy())
    same(tg.tensor([True, False]).sgn(), np.array([True, False]))


# -- integers' bits and number theory ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor"])
def test_integer_binary_ops_match_pytorch(name: str) -> None:
    a, b = tg.tensor(REF["ints/a"]), tg.tensor(REF["ints/b"])
    same(getattr(tg, name)(a, b), REF[f"{name}/value"])
    same(getattr(a, name)(b), REF[f"{name}/value"])


def test_bitwise_not_and_the_invert_operator_on_integers() -> None:
    same(tg.bitwise_not(tg.tensor(REF["ints/a"])), REF["bitwise_not/value"])
    same(~tg.tensor(REF["ints/a"]), REF["bitwise_not/value"])
    same(~tg.tensor([0, 1, 200], dtype=tg.uint8), REF["bitwise_not/uint8"])
    same(tg.bitwise_not(tg.tensor([True, False])), np.array([False, True]))


def test_shifts_match_pytorch_beyond_the_width_and_for_negative_amounts() -> None:
    a, amounts = tg.tensor(REF["ints/a"]), tg.tensor(REF["shift/amounts"])
    same(tg.bitwise_left_shift(a, amounts), REF["bitwise_left_shift/value"])
    same(a >> amounts, REF["bitwise_right_shift/value"])
    small = tg.tensor([1, 7, 200], dtype=tg.uint8)
    same(small << 3, REF["shift/uint8_left"])
    same(small >> tg.tensor([1, 8, 2], dtype=tg.uint8), REF["shift/uint8_right"])
    same(tg.tensor([3, -5], dtype=tg.int32) << tg.tensor([2, 1]), REF["shift/int32_by_int64"])
    same(3 << tg.tensor([1, 4], dtype=tg.int32), REF["shift/number_left"])
    same(tg.tensor([True, False]) << 2, REF["shift/bool"])


@pytest.mark.parametrize(
    "call",
    [
        lambda x: tg.bitwise_and(x, x), lambda x: x.bitwise_or(1), lambda x: tg.bitwise_not(x),
        lambda x: x << 1, lambda x: tg.bitwise_right_shift(x, 1), lambda x: tg.gcd(x, x), lambda x: x.lcm(x),
        lambda x: tg.tensor([1, 2]).bitwise_xor(1.5),
    ],
)  # fmt: skip
def test_bitwise_and_number_theory_refuse_floats_as_pytorch(call) -> None:
    with pytest.raises(NotImplementedError, match="needs integer"):
        call(tg.tensor([1.0, 2.0]))
    with pytest.raises(TypeError):  # also a TypeError: a float is the wrong dtype
        call(tg.tensor([1.0, 2.0]))


def test_augmented_bitwise_operators_change_the_tensor_in_place() -> None:
    x = tg.tensor([12, 10, 7])
    alias, version = x, x._version
    x &= tg.tensor([10, 6, 1])
    x |= 1
    x ^= tg.tensor([2])
    x <<= 2
    x >>= 1
    assert x is alias and x._version == version + 5
    expected = (((np.array([12, 10, 7]) & [10, 6, 1]) | 1) ^ 2) << 2 >> 1
    same(x, expected)
    mask = tg.tensor([True, False])
    with pytest.raises(TypeError):  # an int64 result does not fit a mask, as in PyTorch
        mask |= tg.tensor([1, 2])


# -- reductions -----------------------------------------------------------------------------------


def test_nansum_reads_nan_as_zero_with_gradient_zero_there() -> None:
    x = tg.tensor(REF["reduce/x"], requires_grad=True)
    total = tg.nansum(x)
    close(total, REF["nansum/all"])
    same(tg.grad(total, x)[0], REF["nansum/grad"])
    close(x.nansum(1), REF["nansum/dim1"])
    close(tg.nansum(x, 0, keepdim=True), REF["nansum/dim0_keep"])
    same(tg.nansum(tg.tensor([1, 2], dtype=tg.int32)), np.array(3))
    assert tg.nansum(tg.tensor([1.0, np.nan]), dtype=tg.float64).dtype == tg.float64


def test_nanmedian_skips_nan_and_picks_index_zero_of_an_all_nan_row() -> None:
    x = tg.tensor(REF["reduce/x"], requires_grad=True)
    close(tg.nanmedian(x), REF["nanmedian/all"])
    values, indices = x.nanmedian(1)
    close(values, REF["nanmedian/values1"])
    same(indices[[0, 2]], REF["nanmedian/indices1"][[0, 2]])  # an all-NaN row's index is PyTorch's sort's
    weights = tg.tensor(np.arange(1, 13, dtype=np.float64).reshape(3, 4)[:, 0])
    close(tg.grad((values.nan_to_num() * weights).sum(), x)[0], REF["nanmedian/grad1"])
    result = tg.nanmedian(x, 0, keepdim=True)
    close(result.values, REF["nanmedian/values0"])
    same(result.indices, REF["nanmedian/indices0"])
    assert np.isnan(tg.nanmedian(tg.tensor([])).item())  # no entries: NaN, as PyTorch's


def test_count_nonzero_counts_nan_and_takes_several_dims() -> None:
    x = tg.tensor(REF["reduce/x"])
    same(tg.count_nonzero(x), REF["count_nonzero/all"])
    same(x.count_nonzero(0), REF["count_nonzero/dim0"])
    same(tg.count_nonzero(tg.tensor([[0, 1, 2], [3, 0, 0]]), dim=(0, 1)), REF["count_nonzero/dims"])


def test_aminmax_returns_min_and_max_with_their_gradients() -> None:
    x = tg.tensor([[3.0, -1.0, 2.0], [0.5, 7.0, -4.0]], dtype=tg.float64, requires_grad=True)
    low, high = tg.aminmax(x, dim=1)
    same(low, REF["aminmax/min1"])
    same(high, REF["aminmax/max1"])
    same(tg.grad((low * 2 + high * 3).sum(), x)[0], REF["aminmax/grad1"])
    result = x.aminmax()
    same(result.min, REF["aminmax/min"])
    same(result.max, REF["aminmax/max"])
    assert x.aminmax(dim=0, keepdim=True).min.shape == (1, 3)
    with pytest.raises(RuntimeError, match="empty dimension"):
        tg.aminmax(tg.zeros((0, 3)))


# -- in place -------------------------------------------------------------------------------------

IN_PLACE_UNARY = """tan sinh cosh asin acos atan asinh atanh arcsin arccos arctan arcsinh arctanh log10 log2
    exp2 logit sinc deg2rad rad2deg sgn sign i0 cos sin rsqrt reciprocal log1p expm1 trunc fix frac""".split()


@pytest.mark.parametrize("name", IN_PLACE_UNARY)
def test_in_place_unary_ops_write_the_out_of_place_result_and_bump_the_version(name: str) -> None:
    values = np.array([0.25, -0.5, 0.75], dtype=np.float32)
    x = tg.tensor(values)
    alias, version = x, x._version
    with np.errstate(all="ignore"):  # log10 and rsqrt of -0.5 are NaN, as in PyTorch
        assert getattr(x, name + "_")() is alias
        same(x, getattr(tg.tensor(values), name)().numpy())
    assert x._version == version + 1
    leaf = tg.tensor(values, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"), np.errstate(all="ignore"):
        getattr(leaf, name + "_")()
    if name not in ("sgn", "sign", "trunc", "fix", "frac"):  # integers round to themselves; frac refuses them
        with pytest.raises(RuntimeError, match="does not fit a int64 tensor"):  # and a TypeError
            getattr(tg.tensor([1, 2]), name + "_")()


@pytest.mark.parametrize(
    "name, args",
    [
        ("copysign", (tg.tensor([-1.0, 1.0, -1.0]),)), ("heaviside", (tg.tensor([0.5]),)),
        ("nextafter", (tg.tensor([1.0]),)), ("ldexp", (tg.tensor([2.0]),)), ("floor_divide", (0.3,)),
        ("atan2", (tg.tensor([1.0]),)), ("arctan2", (tg.tensor([-1.0]),)), ("logit", (0.3,)),
    ],
)  # fmt: skip
def test_in_place_binary_float_ops(name: str, args: tuple) -> None:
    values = np.array([0.25, -0.5, 0.0], dtype=np.float32)
    x = tg.tensor(values)
    version = x._version
    getattr(x, name + "_")(*args)
    assert x._version == version + 1
    same(x, getattr(tg.tensor(values), name)(*args).numpy())


@pytest.mark.parametrize(
    "name, args",
    [
        ("gcd", (tg.tensor([4]),)), ("lcm", (tg.tensor([6]),)), ("bitwise_and", (3,)), ("bitwise_or", (8,)),
        ("bitwise_xor", (tg.tensor([5, 5, 5]),)), ("bitwise_not", ()), ("bitwise_left_shift", (2,)),
        ("bitwise_right_shift", (1,)), ("floor_divide", (3,)), ("cumsum", (0,)), ("cumprod", (0,)),
    ],
)  # fmt: skip
def test_in_place_integer_ops_keep_the_dtype(name: str, args: tuple) -> None:
    values = np.array([12, -7, 5], dtype=np.int32)
    x = tg.tensor(values)
    getattr(x, name + "_")(*args)
    assert x.dtype == tg.int32
    same(x, getattr(tg.tensor(values), name)(*args).numpy().astype(np.int32))


def test_in_place_matrix_and_power_ops() -> None:
    m = tg.tensor(np.arange(1.0, 10.0).reshape(3, 3))
    same(m.clone().tril_(), np.tril(np.arange(1.0, 10.0).reshape(3, 3)))
    same(m.clone().triu_(1), np.triu(np.arange(1.0, 10.0).reshape(3, 3), 1))
    x = tg.tensor([2.0, 3.0], dtype=tg.float64)
    same(x.float_power_(2), np.array([4.0, 9.0]))
    with pytest.raises(RuntimeError, match="float_power_ has dtype float32"):
        tg.tensor([2.0]).float_power_(2)


def test_in_place_change_of_a_view_writes_its_base() -> None:
    base = tg.tensor([[0.5, 0.25], [1.0, 2.0]])
    base[0].tan_()
    close(base, np.array([[np.tan(0.5), np.tan(0.25)], [1.0, 2.0]], dtype=np.float32), rtol=1e-6)
