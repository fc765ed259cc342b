"""Leftovers of the round-10 differential and in-place sweeps, each pinned against PyTorch 2.13.

uint8 keeps its dtype through all/any; var/std with correction >= n differentiate with the divisor
n - correction unclamped; float16 running sums and products accumulate in float32; the error kinds
of bitwise ops on floats, max/min over an empty dim, the inf norm of nothing, numbers an integer
dtype cannot hold, hardtanh of unsigned tensors with negative limits and subtraction with masks;
and PyTorch's free in-place functions (``torch.sin_(x)``). Expected values come from
tests/fixtures/make_leftovers_round10.py (PyTorch 2.13).
"""

import builtins
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F

REF = np.load(Path(__file__).parent / "fixtures" / "leftovers_round10.npz")


def close(actual: tg.Tensor, expected: np.ndarray) -> None:
    """Values within rounding, NaN and ±inf where PyTorch has them, and the sign of each zero."""
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_allclose(actual.numpy(), expected, rtol=1e-12, atol=0, equal_nan=True)
    exact = (expected == 0) | np.isinf(expected)
    np.testing.assert_array_equal(np.signbit(actual.numpy())[exact], np.signbit(expected)[exact])


def same(actual: tg.Tensor, expected: np.ndarray) -> None:
    """Equal values (NaN where NaN, the sign of zero too) and the same dtype."""
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_array_equal(actual.numpy(), expected)
    np.testing.assert_array_equal(np.signbit(actual.numpy()), np.signbit(expected))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64", "float32", "float64", "bool"])
@pytest.mark.parametrize("op", ["all", "any"])
def test_all_and_any_keep_uint8_and_give_bool_for_other_dtypes(op, dtype):
    x = tg.tensor(np.array([[1, 0, 2], [3, 4, 5]]).astype(dtype))
    same(getattr(x, op)(dim=-1), REF[f"logical_{op}_{dtype}_dim"])
    same(getattr(tg, op)(x), REF[f"logical_{op}_{dtype}_whole"])


def test_all_of_a_float16_tensor_is_bool():
    x = tg.tensor(np.array([[1, 0, 2], [3, 4, 5]], np.float16), device="cpu")  # strict has no float16
    same(x.all(dim=-1), REF["logical_all_float16_dim"])


ROWS = {
    "spread": [[1.0, 2.0, 3.0]],
    "constant": [[1.0, 1.0, 1.0]],
    "mixed": [[1.0, 2.0, 4.0], [5.0, 5.0, 5.0]],
}


@pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("correction", [1, 2, 3, 4, 2.5])
@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize("row", list(ROWS))
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_and_std_past_the_degrees_of_freedom_match_pytorch_values_and_gradients(op, row, dim, correction):
    x = tg.tensor(np.array(ROWS[row]), requires_grad=True)
    y = getattr(x, op)(dim=dim, correction=correction)
    (y * tg.arange(1.0, y.numel() + 1, dtype=tg.float64)).sum().backward()
    key = f"{op}_{row}_dim{dim}_c{correction}"
    close(y.detach(), REF[key])
    close(x.grad, REF[key + "_grad"])


def test_var_without_degrees_of_freedom_warns_as_pytorch():
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"), np.errstate(all="ignore"):
        tg.tensor([[1.0, 2.0]]).var(dim=0)


def test_float16_cumsum_accumulates_in_float32_and_its_gradient_too():
    # on "cpu" under either default device: the strict (Array API) backend has no float16
    x = tg.tensor(REF["half_cumsum_input"], device="cpu", requires_grad=True)
    running = x.cumsum(1)
    same(running.detach(), REF["half_cumsum"])
    running.backward(tg.ones_like(running))  # a float16 sum of the running sums would overflow
    same(x.grad, REF["half_cumsum_grad"])
    same(tg.tensor(np.full(3000, 3.3, np.float16), device="cpu").cumsum(0), REF["half_cumsum_full"])


def test_float16_cumprod_accumulates_in_float32():
    same(tg.tensor(REF["half_cumprod_input"], device="cpu").cumprod(1), REF["half_cumprod"])


def raised_error(call) -> Exception | None:
    """The error ``call`` raises, or None."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - comparing kinds
        return error
    return None


def set_nan_into_int():
    t = tg.tensor([1, 2])
    t[0] = float("nan")


UINT8, MASK = (lambda: tg.tensor(np.array([1, 2], np.uint8))), (lambda: tg.tensor([True, False]))
ERRORS = {
    "and_float": lambda: tg.tensor([1.5]) & 1,
    "or_float_tensor": lambda: tg.tensor([1]) | tg.tensor([1.5]),
    "amax_empty_dim": lambda: tg.zeros(2, 0).amax(dim=1),
    "amin_empty_dim_tuple": lambda: tg.zeros(2, 0, 3).amin(dim=(0, 1)),
    "amax_empty_no_dim": lambda: tg.zeros(2, 0).amax(),
    "norm_inf_empty": lambda: tg.zeros(1, 0, 2).norm(float("inf"), dim=(1, 2)),
    "norm_negative_p_empty": lambda: tg.zeros(1, 0, 2).norm(-1.0, dim=1),
    "set_nan_int": set_nan_into_int,
    "full_nan_int": lambda: tg.full((2,), float("nan"), dtype=tg.int64),
    "masked_fill_uint8_256": lambda: UINT8().masked_fill(MASK(), 256),
    "masked_fill_uint8_negative_float": lambda: UINT8().masked_fill(MASK(), -0.5),
    "masked_fill_int8_float_past_max": lambda: UINT8().to(tg.int8).masked_fill(MASK(), 127.5),
    "hardtanh_uint8": lambda: F.hardtanh(UINT8()),
    "bool_minus_float": lambda: tg.tensor([True]) - 1.0,
    "int_minus_bool": lambda: tg.tensor([1]) - True,
    "number_minus_bool": lambda: 1 - tg.tensor([True]),
    "sub_bool": lambda: tg.tensor([2.0]).sub(tg.tensor([True])),
}
# the kinds raised before, kept as bases so that code catching them still does
EARLIER_KINDS = {
    "and_float": TypeError,
    "or_float_tensor": TypeError,
    "amax_empty_dim": ValueError,
    "amin_empty_dim_tuple": ValueError,
    "norm_inf_empty": ValueError,
    "norm_negative_p_empty": ValueError,
    "set_nan_int": ValueError,
    "full_nan_int": ValueError,
    "hardtanh_uint8": OverflowError,
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_error_kinds_are_pytorchs(case):
    error = raised_error(ERRORS[case])
    expected = getattr(builtins, str(REF[f"error_{case}"]))
    assert isinstance(error, expected), (case, error, expected)
    assert isinstance(error, EARLIER_KINDS.get(case, expected))


def test_error_messages_name_the_problem():
    with pytest.raises(IndexError, match="dim 1 to have non-zero size"):
        tg.zeros(2, 0).amax(dim=1)
    with pytest.raises(RuntimeError, match="bool tensor is not supported"):
        tg.tensor([True]) - 1.0
    with pytest.raises(RuntimeError, match="unsigned type .* negative limits"):
        F.hardtanh(UINT8())


@pytest.mark.parametrize("value", [-2, -128, -255, 255, 2.5])
def test_masked_fill_of_uint8_wraps_negative_integers_as_pytorch(value):
    same(UINT8().masked_fill(MASK(), value), REF[f"masked_fill_uint8_{value}"])


def test_fill_and_setitem_of_uint8_wrap_negative_integers_too():
    filled = UINT8().fill_(-2)
    np.testing.assert_array_equal(filled.numpy(), [254, 254])
    written = UINT8()
    written[0] = -1
    np.testing.assert_array_equal(written.numpy(), [255, 2])


def test_hardtanh_of_uint8_with_non_negative_limits_clamps():
    same(F.hardtanh(UINT8(), 0.0, 1.0), REF["hardtanh_uint8_0_1"])


def test_subtraction_without_masks_still_works():
    np.testing.assert_array_equal((tg.tensor([3]) - 1).numpy(), [2])
    np.testing.assert_array_equal((tg.tensor([True]) + 1.0).numpy(), [2.0])


INPLACE = sorted(key[len("inplace_") :] for key in REF if key.startswith("inplace_") and key.endswith("_"))


def test_every_free_in_place_function_of_pytorch_with_a_tensor_method_exists():
    assert len(INPLACE) == 35
    missing = [name for name in INPLACE if not callable(getattr(tg, name, None))]
    assert not missing


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", INPLACE)
def test_free_in_place_functions_change_their_input_as_pytorch(name):
    x = tg.tensor(REF[f"inplace_{name}_input"])
    others = [tg.tensor(REF[key]) for key in sorted(REF) if key.startswith(f"inplace_{name}_other")]
    returned = getattr(tg, name)(x, *others)
    assert returned is x
    expected = REF[f"inplace_{name}"]
    assert x.dtype == expected.dtype
    np.testing.assert_allclose(x.numpy(), expected, rtol=2e-6, atol=1e-7)
