"""Specifications found by a differential sweep of the core ops and their gradients against PyTorch 2.13.

A throwaway fuzzer called arithmetic, reductions, indexing, shape ops, the matmul family and
nn.functional (activations, losses, pad, interpolate, conv, pool) with random shapes (0-d, empty,
broadcasting, non-contiguous views), dtypes, special values (±0, ±inf, NaN, huge, ties) and options
in both libraries, and compared values, dtypes, shapes, error kinds and the gradients of every input;
each test pins one place where the two used to differ. Expected values come from
tests/fixtures/make_differential_round10.py (PyTorch 2.13).
"""

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F

REF = np.load(Path(__file__).parent / "fixtures" / "differential_round10.npz")


def same(actual: tg.Tensor, expected: np.ndarray) -> None:
    """Equal values (NaN where NaN, the sign of zero too) and the same dtype."""
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_array_equal(actual.numpy(), expected)
    np.testing.assert_array_equal(np.signbit(actual.numpy()), np.signbit(expected))


def close(actual: tg.Tensor, expected: np.ndarray, rtol: float = 1e-6) -> None:
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_allclose(actual.numpy(), expected, rtol=rtol, atol=1e-12, equal_nan=True)


def gradient(fn, *inputs: np.ndarray, weights: np.ndarray | None = None) -> list[tg.Tensor]:
    leaves = [tg.tensor(x, requires_grad=True) for x in inputs]
    with np.errstate(all="ignore"):
        value = fn(*leaves)
        loss = value.sum() if weights is None else (value * tg.tensor(weights)).sum()
        return list(tg.grad(loss, leaves))


# -- shape ops ------------------------------------------------------------------------------------


def test_diagonal_keeps_the_dtype_of_integer_and_boolean_tensors():
    same(
        tg.tensor(np.array([[7, 1, 2], [3, 250, 4]], dtype=np.uint8)).diagonal(offset=1),
        REF["diagonal/uint8"],
    )
    same(tg.zeros(0, 1, dtype=tg.int32).diagonal(offset=1), REF["diagonal/int32_empty"])
    same(tg.tensor([[True, False], [False, False]]).diagonal(), REF["diagonal/bool"])


def test_diagonal_keeps_a_negative_zero_and_sends_the_gradient_to_the_diagonal_only():
    signed = np.array([[-0.0, 1.0], [np.nan, -0.0]])
    same(tg.tensor(signed).diagonal(), REF["diagonal/signed_zero"])
    (grad,) = gradient(lambda x: x.diagonal(), signed, weights=np.array([2.0, -3.0]))
    same(grad, REF["diagonal/signed_zero_grad"])


def test_einsum_and_take_along_dim_shape_errors_are_pytorchs_runtime_error_and_still_value_errors():
    for call in (
        lambda: tg.einsum("ii", tg.ones(2, 3)),  # a repeated axis of two lengths
        lambda: tg.einsum("ij", tg.ones(2)),  # more letters than dims
        lambda: tg.ones(3, 3).take_along_dim(tg.zeros(4, 2, dtype=tg.int64), 0),
    ):
        with pytest.raises(RuntimeError):
            call()
        with pytest.raises(ValueError):
            call()


def test_quantile_of_an_empty_input_is_pytorchs_runtime_error_and_still_a_value_error():
    for call in (lambda: tg.tensor([]).quantile(0.5), lambda: tg.zeros(0, 3).nanquantile(0.5, dim=0)):
        with pytest.raises(RuntimeError, match="empty"):
            call()
        with pytest.raises(ValueError, match="empty"):
            call()


# -- pointwise ------------------------------------------------------------------------------------


def test_hypot_neither_overflows_nor_underflows_in_float32_and_its_gradient_is_x_over_h():
    hx = np.array([1e30, -1e-30, 3.0, 1e-30, 0.0], dtype=np.float32)
    hy = np.array([-1e30, 1e-30, 4.0, -0.0, 0.0], dtype=np.float32)
    close(tg.hypot(tg.tensor(hx), tg.tensor(hy)), REF["hypot/value"])
    grad_x, grad_y = gradient(tg.hypot, hx, hy)
    close(grad_x, REF["hypot/grad_x"])  # nan at the origin, as PyTorch's
    close(grad_y, REF["hypot/grad_y"])


@pytest.mark.parametrize("p", [2.0, 3.0, 1.0])
def test_norm_of_float16_sums_in_float32_so_it_does_not_overflow(p):
    # on "cpu" under either default device: the strict (Array API) backend has no float16
    halves = tg.tensor(np.linspace(-10.0, 10.0, 3000).astype(np.float16), device="cpu", requires_grad=True)
    norm = halves.norm(p)
    close(norm, REF[f"norm_float16/p{p}/value"], rtol=1e-3)
    (grad,) = tg.grad(norm, [halves])
    close(grad, REF[f"norm_float16/p{p}/grad"], rtol=2e-3)


def test_normalize_of_float16_is_finite_as_pytorchs():
    halves = tg.tensor(np.linspace(-10.0, 10.0, 3000).astype(np.float16), device="cpu")
    close(F.normalize(halves, dim=0), REF["normalize_float16"], rtol=2e-3)


# -- activations ----------------------------------------------------------------------------------


def test_hardswish_is_x_times_zero_below_minus_three_and_has_finite_gradients_at_infinity():
    edges = np.array([-np.inf, -1e30, -4.0, -3.0, -1.0, 0.0, 3.0, 1e30, np.inf], dtype=np.float32)
    with np.errstate(invalid="ignore"):  # -inf · 0
        value = F.hardswish(tg.tensor(edges))
    close(value, REF["hardswish/value"])
    np.testing.assert_array_equal(np.signbit(value.numpy()[1:4]), np.signbit(REF["hardswish/value"][1:4]))
    (grad,) = gradient(F.hardswish, edges)
    close(grad, REF["hardswish/grad"])


def test_threshold_of_an_integer_tensor_keeps_its_dtype_and_casts_the_value_as_pytorch():
    same(F.threshold(tg.tensor([1, 5, 3, -2]), 2, -1.5), REF["threshold/int64"])
    same(F.threshold(tg.tensor(np.array([1, 5, 3], dtype=np.uint8)), 2.5, -1), REF["threshold/uint8"])
    same(F.threshold(tg.tensor(np.array([1, 5, 3], dtype=np.int32)), 1, 20.7), REF["threshold/int32"])
    with pytest.raises(RuntimeError, match="threshold"):  # PyTorch: not implemented for 'Bool'
        F.threshold(tg.tensor([True, False]), 0.5, 2.0)


@pytest.mark.parametrize("activation", ["gelu", "silu", "elu", "softplus", "mish", "hardswish", "leaky_relu"])
def test_activations_refuse_integer_tensors_with_pytorchs_runtime_error_kind(activation):
    # PyTorch raises NotImplementedError ("... not implemented for 'Long'"), a RuntimeError
    with pytest.raises(RuntimeError, match=activation):
        getattr(F, activation)(tg.tensor([1, 2, 3]))
    with pytest.raises(TypeError, match=activation):  # and still the TypeError it was
        getattr(F, activation)(tg.tensor([True, False]))


# -- losses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_smooth_l1_loss_has_gradient_plus_minus_one_at_an_infinite_difference(beta):
    far = np.array([-np.inf, -2.0, 0.25, np.inf, 0.5])
    grad, _ = gradient(lambda a, b: F.smooth_l1_loss(a, b, beta=beta, reduction="sum"), far, np.zeros(5))
    close(grad, REF[f"smooth_l1/beta{beta}/grad"])


@pytest.mark.parametrize("delta", [1.0, 1.5])
def test_huber_loss_has_gradient_plus_minus_delta_at_an_infinite_difference(delta):
    far = np.array([-np.inf, -2.0, 0.25, np.inf, 0.5])
    grad, _ = gradient(lambda a, b: F.huber_loss(a, b, delta=delta, reduction="sum"), far, np.zeros(5))
    close(grad, REF[f"huber/delta{delta}/grad"])


def test_margin_ranking_and_hinge_embedding_losses_keep_a_nan():
    x1, x2 = tg.tensor(np.array([0.5, np.nan, -1.0, 2.0])), tg.tensor(np.array([0.0, 1.0, np.nan, 2.0]))
    y = tg.tensor(np.array([1.0, -1.0, 1.0, -1.0]))
    close(F.margin_ranking_loss(x1, x2, y, margin=0.5, reduction="none"), REF["margin_ranking/none"])
    close(F.hinge_embedding_loss(x1, y, margin=1.0, reduction="none"), REF["hinge_embedding/none"])
    assert np.isnan(F.margin_ranking_loss(x1, x2, y).item())  # the mean of a NaN is NaN, as PyTorch's


@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_loss_counts_only_positive_margins_as_pytorch(p):
    # a tie (z = 0) has gradient 0, a NaN score adds nothing, x_y = inf with x_i = inf adds no NaN
    scores = np.array([[1.0, 0.0, np.nan, 0.5], [np.inf, np.inf, 0.2, -1.0], [2.0, 1.0, 0.0, 1.5]])
    labels = tg.tensor([0, 0, 3])
    with np.errstate(invalid="ignore"):
        close(
            F.multi_margin_loss(tg.tensor(scores), labels, p=p, reduction="none"),
            REF[f"multi_margin/p{p}/value"],
        )
    (grad,) = gradient(
        lambda x: F.multi_margin_loss(x, labels, p=p, reduction="none"),
        scores,
        weights=np.array([1.0, 2.0, 3.0]),
    )
    close(grad, REF[f"multi_margin/p{p}/grad"])


def test_glu_shape_errors_are_pytorchs_kinds():
    with pytest.raises(RuntimeError, match="halving"):  # an odd size: PyTorch's RuntimeError
        F.glu(tg.ones(2, 3))
    with pytest.raises(RuntimeError, match="0-d"):
        F.glu(tg.tensor(1.0))
    with pytest.raises(IndexError, match="out of range"):
        F.glu(tg.ones(2, 4), dim=3)
    with pytest.raises(ValueError):  # and still the ValueError they were
        F.glu(tg.ones(2, 3))


# -- pad ------------------------------------------------------------------------------------------


def test_reflect_padding_as_large_as_the_dim_is_pytorchs_runtime_error_and_still_a_value_error():
    x = tg.ones(1, 1, 2, 5)
    with pytest.raises(RuntimeError, match="reflect padding"):
        F.pad(x, (1, 2, 2, 2), mode="reflect")
    with pytest.raises(ValueError, match="reflect padding"):
        F.pad(x, (5, 0), mode="reflect")
