"""Tensor methods a PyTorch user expects: elementwise maths, // and %, prod, cumsum, logsumexp, norm,
split/chunk/unbind/flip/repeat, and the KL-divergence loss.

Expectations are worked by hand or are identities; gradients are checked against central finite
differences in float64 (``tg.gradcheck``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F


def f64(values) -> tg.Tensor:
    return tg.tensor(np.asarray(values, dtype=np.float64))


def leaf(values) -> tg.Tensor:
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def random(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


# -- elementwise -------------------------------------------------------------------------------


def test_elementwise_functions_give_their_textbook_values():
    x = f64([0.0, math.pi / 6, math.pi / 2])
    np.testing.assert_allclose(x.sin().numpy(), [0.0, 0.5, 1.0], atol=1e-15)
    np.testing.assert_allclose(x.cos().numpy(), [1.0, math.sqrt(3) / 2, 0.0], atol=1e-15)
    y = f64([4.0, 0.25, 2.0])
    np.testing.assert_allclose(y.rsqrt().numpy(), [0.5, 2.0, 1 / math.sqrt(2)])
    np.testing.assert_allclose(y.square().numpy(), [16.0, 0.0625, 4.0])
    np.testing.assert_allclose(y.reciprocal().numpy(), [0.25, 4.0, 0.5])


def test_log1p_and_expm1_keep_the_digits_of_tiny_arguments():
    tiny = f64([1e-12, -1e-12])
    np.testing.assert_allclose(tiny.log1p().numpy(), [1e-12 - 5e-25, -1e-12 - 5e-25], rtol=1e-15)
    np.testing.assert_allclose(tiny.expm1().numpy(), [1e-12 + 5e-25, -1e-12 + 5e-25], rtol=1e-15)


def test_sine_and_cosine_satisfy_the_pythagorean_identity():
    x = f64(random(5) * 10)
    np.testing.assert_allclose((x.sin().square() + x.cos().square()).numpy(), np.ones(5))


def test_integer_tensors_give_float32_from_the_float_functions_and_integers_from_square():
    ints = tg.tensor([1, 2, 4])
    for name in ("sin", "cos", "rsqrt", "reciprocal", "log1p", "expm1"):
        assert getattr(ints, name)().dtype == tg.float32, name
    assert ints.square().dtype == tg.int64
    assert ints.square().tolist() == [1, 4, 16]


@pytest.mark.parametrize("name", ["sin", "cos", "rsqrt", "square", "reciprocal", "log1p", "expm1"])
def test_elementwise_gradients_match_finite_differences(name):
    x = np.abs(random(2, 3)) + 0.5  # inside every domain
    assert tg.gradcheck(lambda t: getattr(t, name)(), [f64(x)])


def test_sine_has_cosine_as_derivative_and_minus_sine_as_second_derivative():
    x = leaf([0.3, 1.2])
    (first,) = tg.grad(x.sin().sum(), x, create_graph=True)
    np.testing.assert_allclose(first.numpy(), np.cos([0.3, 1.2]))
    (second,) = tg.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), -np.sin([0.3, 1.2]))


# -- // and % ----------------------------------------------------------------------------------

DIVIDENDS = [5.0, -5.0, 3.5, -3.5]
DIVISORS = [2.0, 2.0, -1.5, -1.5]


def test_floor_division_rounds_toward_minus_infinity():
    assert (f64(DIVIDENDS) // f64(DIVISORS)).tolist() == [2.0, -3.0, -3.0, 2.0]
    assert (7 // f64([2.0, -2.0])).tolist() == [3.0, -4.0]
    quotient = tg.tensor([7, -7]) // 2
    assert quotient.dtype == tg.int64 and quotient.tolist() == [3, -4]
    assert (tg.tensor([3, 4]) // 2.5).dtype == tg.float32  # a float operand makes a float result


def test_remainder_takes_the_sign_of_the_divisor():
    assert (f64(DIVIDENDS) % f64(DIVISORS)).tolist() == [1.0, 1.0, -1.0, -0.5]
    assert (tg.tensor([7, -7]) % 3).tolist() == [1, 2]
    assert (4.0 % f64([3.0, -3.0])).tolist() == [1.0, -2.0]


def test_quotient_and_remainder_rebuild_the_dividend():
    a, b = f64(random(4, 3) * 10), f64(random(3, seed=1) + 3.0)
    np.testing.assert_allclose((b * (a // b) + a % b).numpy(), a.numpy(), atol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_float_division_by_zero_gives_infinities_and_nan_integer_division_by_zero_raises():
    assert (f64([5.0, -5.0]) // 0.0).tolist() == [math.inf, -math.inf]
    assert np.isnan((f64([5.0]) % 0.0).numpy()).all()
    with pytest.raises(ZeroDivisionError, match="divisor is 0"):
        tg.tensor([5, 6]) // tg.tensor([1, 0])
    with pytest.raises(ZeroDivisionError, match="divisor is 0"):
        tg.tensor([5, 6]) % 0


def test_backward_through_floor_division_is_refused_as_in_pytorch():
    x = leaf([3.0, 4.0])
    out = x // 2
    assert out.requires_grad
    with pytest.raises(RuntimeError, match="floor division"):
        out.sum().backward()
    (x.detach() // 2 * x).sum().backward()  # the quotient as a constant is fine
    assert x.grad.tolist() == [1.0, 2.0]


def test_remainder_gradients_are_one_and_minus_the_floor_quotient():
    a, b = leaf(DIVIDENDS), leaf(DIVISORS)
    (a % b).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert b.grad.tolist() == [-2.0, 3.0, 3.0, -2.0]


def test_remainder_gradients_match_finite_differences_off_the_jumps():
    a = np.array([[0.7, -2.6, 4.2], [1.1, 5.3, -0.4]])
    b = np.array([1.5, -2.0, 0.9])  # every a / b at least 0.05 from an integer
    assert tg.gradcheck(lambda x, y: x % y, [f64(a), f64(b)])


# -- prod --------------------------------------------------------------------------------------


def test_prod_multiplies_along_an_axis_or_all_entries():
    x = f64([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.prod().item() == 720.0
    assert x.prod(1).tolist() == [6.0, 120.0]
    assert x.prod(dim=-2, keepdim=True).tolist() == [[4.0, 10.0, 18.0]]
    assert x.prod(axis=0, keepdims=True).shape == (1, 3)
    assert tg.zeros(0).prod().item() == 1.0  # the empty product
    assert tg.tensor(3.0).prod(0).item() == 3.0
    assert tg.tensor([[2, 3], [4, 5]], dtype=tg.int32).prod(0).dtype == tg.int64


def test_prod_gradient_is_the_product_of_the_other_entries_even_with_zeros():
    x = leaf([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    x.prod(1).sum().backward()
    # one zero: only it gets a gradient (2·3); two zeros: none; no zero: the product over x_i.
    assert x.grad.tolist() == [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [6.0, 3.0, 2.0]]


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
def test_prod_gradients_match_finite_differences_with_and_without_zeros(axis):
    x = random(2, 3, 2)
    with_zeros = x.copy()
    with_zeros[0, 1, 0] = with_zeros[1, 2, 1] = with_zeros[1, 0, 1] = 0.0
    # The product is linear in each entry, so central differences are exact even at zeros.
    for values in (x, with_zeros):
        assert tg.gradcheck(lambda t: t.prod(axis), [f64(values)])


def test_prod_second_derivative_away_from_zeros():
    x = leaf([2.0, 3.0, 5.0])
    (first,) = tg.grad(x.prod(), x, create_graph=True)
    (second,) = tg.grad(first[0], x)  # d²(xyz)/dx d· = (0, z, y)
    assert second.tolist() == [0.0, 5.0, 3.0]


# -- cumsum ------------------------------------------------------------------------------------


def test_cumsum_gives_running_sums_along_the_axis():
    assert tg.tensor([1, 2, 3, 4]).cumsum(0).tolist() == [1, 3, 6, 10]
    x = f64([[1.0, 2.0], [3.0, 4.0]])
    assert x.cumsum(-1).tolist() == [[1.0, 3.0], [3.0, 7.0]]
    assert x.cumsum(axis=0).tolist() == [[1.0, 2.0], [4.0, 6.0]]
    assert tg.tensor([True, True, False]).cumsum(0).tolist() == [1, 2, 2]
    assert tg.tensor([1, 2], dtype=tg.int32).cumsum(0).dtype == tg.int64
    assert tg.zeros(0, 3).cumsum(0).shape == (0, 3)
    with pytest.raises(TypeError, match="cumsum needs dim"):
        x.cumsum()


def test_cumsum_gradient_is_the_running_sum_from_the_far_end():
    x = leaf([1.0, 2.0, 3.0])
    (x.cumsum(0) * f64([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [111.0, 110.0, 100.0]
    assert tg.gradcheck(lambda t: t.cumsum(1), [f64(random(2, 4))])


# -- logsumexp ---------------------------------------------------------------------------------


def test_logsumexp_equals_the_log_of_the_sum_of_exponentials():
    x = random(3, 4)
    expected = np.log(np.exp(x).sum(axis=1))
    np.testing.assert_allclose(f64(x).logsumexp(1).numpy(), expected)
    np.testing.assert_allclose(f64(x).logsumexp(dim=-1, keepdim=True).numpy(), expected[:, None])
    np.testing.assert_allclose(f64(x).logsumexp(axis=(0, 1)).numpy(), np.log(np.exp(x).sum()))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log 0 and inf - inf, as NumPy warns
def test_logsumexp_is_stable_and_handles_infinities_as_pytorch():
    x = f64([[1000.0, 1000.0], [-1000.0, -1001.0], [-math.inf, 0.0], [-math.inf, -math.inf], [math.inf, 1.0]])
    out = x.logsumexp(1).numpy()
    np.testing.assert_allclose(out[:3], [1000.0 + math.log(2), -1000.0 + math.log1p(math.exp(-1)), 0.0])
    assert out[3] == -math.inf and out[4] == math.inf
    assert tg.zeros(3, 0).logsumexp(1).tolist() == [-math.inf] * 3  # log of an empty sum


def test_logsumexp_gradient_is_the_softmax():
    x = leaf([[1000.0, 1001.0, 999.0], [-math.inf, 0.0, 1.0]])
    x.logsumexp(1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x.detach().softmax(1).numpy())
    assert tg.gradcheck(lambda t: t.logsumexp((0, 2)), [f64(random(2, 3, 2))])


def test_logsumexp_needs_dim():
    with pytest.raises(TypeError, match="logsumexp needs dim"):
        f64([1.0, 2.0]).logsumexp()


# -- norm --------------------------------------------------------------------------------------


def test_norm_of_each_order():
    x = f64([3.0, -4.0, 0.0])
    assert x.norm().item() == 5.0
    assert x.norm("fro").item() == 5.0
    assert x.norm(1).item() == 7.0
    assert x.norm(math.inf).item() == 4.0
    assert x.norm(-math.inf).item() == 0.0
    assert x.norm(0).item() == 2.0  # the count of nonzeros
    np.testing.assert_allclose(x.norm(3).item(), (27 + 64) ** (1 / 3))
    np.testing.assert_allclose(x.norm(0.5).item(), (math.sqrt(3) + 2) ** 2)


def test_norm_along_axes_and_the_frobenius_norm_of_a_matrix():
    m = f64([[3.0, 4.0], [0.0, 12.0]])
    assert m.norm().item() == 13.0
    assert m.norm(dim=1).tolist() == [5.0, 12.0]
    assert m.norm(1, dim=0, keepdim=True).tolist() == [[3.0, 16.0]]
    assert m.norm(axis=-1, keepdims=True).shape == (2, 1)
    assert tg.tensor([3, 4]).norm().dtype == tg.float32


def test_norm_gradient_at_zero_is_zero_not_nan():
    for p in (2, "fro", 1, 3, 1.5, math.inf):
        x = leaf([[0.0, 0.0], [3.0, -4.0]])
        x.norm(p, dim=1).sum().backward()
        assert x.grad.numpy()[0].tolist() == [0.0, 0.0], p
    x = leaf([3.0, -4.0])
    x.norm().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.6, -0.8])


def test_inf_norm_shares_its_gradient_among_ties():
    x = leaf([2.0, -2.0, 1.0])
    x.norm(math.inf).backward()
    assert x.grad.tolist() == [0.5, -0.5, 0.0]


@pytest.mark.parametrize("p", ["fro", 1, 3, 1.5, 0.5, -1, math.inf])
def test_norm_gradients_match_finite_differences(p):
    x = random(3, 4) + np.sign(random(3, 4, seed=1)) * 0.2  # entries kept away from 0 and from ties
    assert tg.gradcheck(lambda t: t.norm(p, dim=1), [f64(x)])


def test_norm_refuses_what_it_cannot_compute():
    with pytest.raises(ValueError, match="'nuc' is not supported"):
        f64([[1.0]]).norm("nuc")
    with pytest.raises(TypeError, match="p must be a number"):
        f64([1.0]).norm(None)
    with pytest.raises(ValueError, match="empty axis"):
        tg.zeros(0).norm(math.inf)
    assert tg.zeros(0).norm().item() == 0.0


# -- split, chunk, unbind, flip, repeat ----------------------------------------------------------


def test_split_by_size_and_by_sections():
    x = tg.arange(10)
    assert [piece.tolist() for piece in x.split(4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [piece.shape for piece in x.split([3, 0, 7])] == [(3,), (0,), (7,)]
    m = tg.arange(12).reshape(3, 4)
    assert [piece.shape for piece in m.split(3, dim=-1)] == [(3, 3), (3, 1)]
    assert [piece.shape for piece in tg.split(m, [1, 2])] == [(1, 4), (2, 4)]
    assert tg.cat(m.split(2, 1), dim=1).tolist() == m.tolist()
    assert len(tg.zeros(0).split(2)) == 1


def test_split_refuses_sizes_that_do_not_fit():
    with pytest.raises(ValueError, match="add up to 10"):
        tg.arange(10).split([3, 6])
    with pytest.raises(ValueError, match="must be positive"):
        tg.arange(10).split(0)
    with pytest.raises(ValueError, match="at least one dimension"):
        tg.tensor(1.0).split(1)
    with pytest.raises(ValueError, match="out of range"):
        tg.arange(10).split(2, dim=1)


def test_chunk_gives_pieces_of_the_ceiling_size_as_pytorch():
    assert [piece.tolist() for piece in tg.arange(5).chunk(4)] == [[0, 1], [2, 3], [4]]
    assert [piece.shape for piece in tg.arange(6).chunk(4)] == [(2,), (2,), (2,)]
    assert [piece.shape for piece in tg.chunk(tg.zeros(2, 0), 3, dim=1)] == [(2, 0)] * 3
    with pytest.raises(ValueError, match="chunks must be positive"):
        tg.arange(5).chunk(0)


def test_unbind_is_the_inverse_of_stack():
    x = f64(random(2, 3, 4))
    for dim in (0, 1, -1):
        pieces = x.unbind(dim)
        assert len(pieces) == x.shape[dim]
        assert tg.stack(pieces, dim=dim).tolist() == x.tolist()
    assert tg.unbind(tg.zeros(0, 3)) == ()
    with pytest.raises(ValueError, match="at least one dimension"):
        tg.tensor(1.0).unbind()


def test_pieces_backpropagate_into_the_whole():
    x = leaf(np.arange(6.0).reshape(2, 3))
    first, second = x.split([1, 2], dim=1)
    row_a, row_b = x.unbind(0)
    (first.sum() * 10 + second.sum() + row_b.sum() * 100 + x.chunk(2)[0].sum()).backward()
    assert x.grad.tolist() == [[11.0, 2.0, 2.0], [110.0, 101.0, 101.0]]
    assert tg.gradcheck(
        lambda t: tg.cat([p * (i + 1) for i, p in enumerate(t.split(2, 1))], 1), [f64(random(2, 5))]
    )


def test_flip_reverses_the_named_axes_and_is_its_own_inverse():
    m = tg.arange(6).reshape(2, 3)
    assert m.flip(0).tolist() == [[3, 4, 5], [0, 1, 2]]
    assert m.flip(-1).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert m.flip(0, 1).tolist() == m.flip([0, 1]).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert m.flip(1).flip(1).tolist() == m.tolist()
    assert m.flip(()).tolist() == m.tolist()
    with pytest.raises(ValueError, match="more than once"):
        m.flip(0, -2)


def test_flip_gradient_is_the_flipped_gradient():
    x = leaf([1.0, 2.0, 3.0])
    (x.flip(0) * f64([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 10.0, 1.0]
    assert tg.gradcheck(lambda t: t.flip(0, 2), [f64(random(2, 3, 2))])


def test_repeat_tiles_the_whole_tensor_like_pytorch_not_like_numpy_repeat():
    assert tg.tensor([1, 2]).repeat(3).tolist() == [1, 2, 1, 2, 1, 2]
    m = tg.tensor([[1, 2], [3, 4]])
    assert m.repeat(1, 2).tolist() == [[1, 2, 1, 2], [3, 4, 3, 4]]
    assert m.repeat(2, 1, 3).shape == (2, 2, 6)  # an extra leading size adds an axis
    assert m.repeat((0, 1)).shape == (0, 2)
    assert tg.tensor(7.0).repeat(2, 2).tolist() == [[7.0, 7.0], [7.0, 7.0]]


def test_repeat_gradient_sums_over_the_copies():
    x = leaf([1.0, 2.0])
    (x.repeat(2, 3) * f64(np.arange(12.0).reshape(2, 6))).sum().backward()
    # x[0] sits at columns 0, 2, 4 of both rows, x[1] at columns 1, 3, 5.
    assert x.grad.tolist() == [0 + 2 + 4 + 6 + 8 + 10, 1 + 3 + 5 + 7 + 9 + 11]
    assert tg.gradcheck(lambda t: t.repeat(2, 1, 2), [f64(random(2, 3))])


def test_repeat_refuses_too_few_or_negative_sizes():
    with pytest.raises(ValueError, match="at least one size per dimension"):
        tg.zeros(2, 3).repeat(2)
    with pytest.raises(ValueError, match="non-negative"):
        tg.zeros(2).repeat(-1)
    with pytest.raises(TypeError, match="repeat needs"):
        tg.zeros(2).repeat()


def test_contiguous_returns_the_tensor_itself_or_a_row_major_copy_as_pytorch():
    x = tg.zeros(2, 3)
    assert x.contiguous() is x
    transposed = x.T  # a strided view: PyTorch's contiguous() copies it
    assert transposed.contiguous() is not transposed and transposed.contiguous().is_contiguous()


# -- KL divergence -----------------------------------------------------------------------------

P = [[0.5, 0.5], [0.1, 0.9]]  # target distributions
Q = [[0.25, 0.75], [0.5, 0.5]]  # model distributions, given to the loss as log Q


def kl_by_hand() -> np.ndarray:
    p, q = np.array(P), np.array(Q)
    return p * np.log(p / q)


def test_kl_div_batchmean_is_the_kl_divergence_per_sample():
    loss = F.kl_div(f64(Q).log(), f64(P), reduction="batchmean")
    np.testing.assert_allclose(loss.item(), kl_by_hand().sum() / 2)
    np.testing.assert_allclose(F.kl_div(f64(Q).log(), f64(P), reduction="sum").item(), kl_by_hand().sum())
    np.testing.assert_allclose(F.kl_div(f64(Q).log(), f64(P), reduction="none").numpy(), kl_by_hand())


def test_kl_div_mean_averages_over_every_element_and_warns_as_pytorch():
    with pytest.warns(UserWarning, match="batchmean"):
        loss = F.kl_div(f64(Q).log(), f64(P))
    np.testing.assert_allclose(loss.item(), kl_by_hand().mean())


def test_kl_div_with_log_target_equals_the_probability_form():
    plain = F.kl_div(f64(Q).log(), f64(P), reduction="none")
    logged = F.kl_div(f64(Q).log(), f64(P).log(), reduction="none", log_target=True)
    np.testing.assert_allclose(logged.numpy(), plain.numpy())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0 · inf in the branch not taken
def test_kl_div_target_zero_contributes_zero_even_against_minus_infinity():
    log_q = leaf([-math.inf, math.log(0.5), math.log(0.5)])
    loss = F.kl_div(log_q, f64([0.0, 0.5, 0.5]), reduction="sum")
    assert loss.item() == 0.0
    loss.backward()
    assert log_q.grad.tolist() == [0.0, -0.5, -0.5]  # d/d input = -target
    log_target = F.kl_div(f64([-math.inf, 0.0]), f64([-math.inf, 0.0]), reduction="none", log_target=True)
    assert log_target.tolist() == [0.0, 0.0]


def test_kl_div_gradients_match_finite_differences():
    log_q = random(3, 4)
    p = np.abs(random(3, 4, seed=1)) + 0.1
    for log_target in (False, True):
        target = np.log(p) if log_target else p
        assert tg.gradcheck(
            lambda x, t, lt=log_target: F.kl_div(x, t, reduction="batchmean", log_target=lt),
            [f64(log_q), f64(target)],
        )


def test_kl_div_loss_module_uses_the_functional_form():
    loss = tg.nn.KLDivLoss(reduction="batchmean")
    assert repr(loss) == "KLDivLoss(reduction='batchmean', log_target=False)"
    np.testing.assert_allclose(loss(f64(Q).log(), f64(P)).item(), kl_by_hand().sum() / 2)
    summed = tg.nn.KLDivLoss(reduction="sum", log_target=True)(f64(Q).log(), f64(P).log())
    assert summed.item() == pytest.approx(kl_by_hand().sum())
    scalar = F.kl_div(f64(-1.0), f64(0.5), reduction="batchmean")  # 0-d: no batch axis, the sum
    assert scalar.item() == pytest.approx(0.5 * (math.log(0.5) + 1))


def test_kl_div_refuses_bad_reductions_and_mismatched_shapes():
    with pytest.raises(ValueError, match="reduction must be one of"):
        tg.nn.KLDivLoss(reduction="average")
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.kl_div(f64(Q).log(), f64(P), reduction="batch")
    with pytest.raises(ValueError, match="target shape"):
        F.kl_div(f64(Q).log(), f64([0.5, 0.5]), reduction="sum")
