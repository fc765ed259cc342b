"""PyTorch names a user reaches for, checked against PyTorch 2.13 (tests/fixtures/make_tensor_ops_round8.py):
unflatten, masked_select, index_fill/index_copy/put/take, tile, movedim, kthvalue, tensor_split, mode,
renorm, erf/erfc/erfinv, logical ops, remainder/fmod, rot90, mv, bincount, nanquantile, scalar_tensor,
is_autocast_enabled, and the in-place spellings (t_, squeeze_, floor_, bernoulli_, random_, ...)."""

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

REF = np.load(Path(__file__).parent / "fixtures" / "tensor_ops_round8.npz")
RENORM_CASES = {"p2": (2, 0, 1.5), "p1": (1, 1, 2.0), "pinf": (float("inf"), -1, 1.0)}
ROT90_CASES = {"k1": (1, [0, 2]), "kminus1": (-1, [0, 2]), "k2": (2, [1, -1]), "k3": (3, [-1, 1])}


def leaf(name: str) -> tg.Tensor:
    return tg.tensor(REF[name], requires_grad=True)


def const(name: str, dtype=None) -> tg.Tensor:
    return tg.tensor(REF[name], dtype=dtype)


def matches(name: str, result: tg.Tensor, rtol: float = 1e-10, **inputs: tg.Tensor) -> None:
    """``result`` is PyTorch's, and so are the gradients of sum(w * result) into ``inputs``."""
    expected = REF[f"{name}_out"]
    assert result.shape == expected.shape
    assert result.dtype == expected.dtype
    np.testing.assert_allclose(result.numpy(), expected, rtol=rtol, atol=1e-12)
    if inputs:
        (tg.tensor(REF[f"{name}_w"]) * result).sum().backward()
        for input_name, tensor in inputs.items():
            np.testing.assert_allclose(
                tensor.grad.numpy(), REF[f"{name}_grad_{input_name}"], rtol=rtol, atol=1e-12
            )


# -- shapes ----------------------------------------------------------------------------------------
def test_unflatten_splits_a_dim_with_an_inferred_size():
    x = leaf("x24")
    matches("unflatten", x.unflatten(-1, (3, -1)), x=x)
    assert tg.unflatten(tg.ones(2, 12), 1, [2, 2, 3]).shape == (2, 2, 2, 3)


def test_unflatten_refuses_sizes_that_do_not_multiply_up():
    with pytest.raises(RuntimeError, match="multiply up"):
        tg.ones(2, 3).unflatten(1, (2, 2))
    with pytest.raises(RuntimeError, match="non-empty"):
        tg.ones(2, 3).unflatten(1, ())
    with pytest.raises(RuntimeError, match="inferred"):
        tg.ones(2, 3).unflatten(1, (-1, -1))


def test_movedim_moves_several_dims_and_moveaxis_is_its_alias():
    x = leaf("x234")
    matches("movedim", x.movedim((0, -1), (-1, 0)), x=x)
    matches("moveaxis", tg.moveaxis(const("x234"), 1, 0))


def test_movedim_refuses_repeated_or_unpaired_dims():
    with pytest.raises(RuntimeError, match="repeated dim"):
        tg.ones(2, 3).movedim([0, 0], [1, 0])
    with pytest.raises(RuntimeError, match="as many dims"):
        tg.ones(2, 3).movedim([0], [1, 0])
    with pytest.raises(IndexError):
        tg.ones(2, 3).movedim(2, 0)


def test_tile_pads_the_repetitions_with_leading_ones():
    x = leaf("x23")
    matches("tile", x.tile((2, 1, 2)), x=x)
    matches("tile_short", tg.tile(const("x23"), (2,)))
    with pytest.raises(RuntimeError, match="non-negative"):
        tg.ones(2, 3).tile(-1)


def test_rot90_turns_in_the_plane_of_two_dims_any_number_of_times():
    for name, (k, dims) in ROT90_CASES.items():
        x = leaf("x234")
        matches(f"rot90_{name}", tg.rot90(x, k, dims), x=x)


def test_rot90_refuses_wrong_dims():
    with pytest.raises(RuntimeError, match="2 rotation dims"):
        tg.ones(2, 3).rot90(1, [0])
    with pytest.raises(RuntimeError, match="must differ"):
        tg.ones(2, 3).rot90(1, [0, -2])
    with pytest.raises(RuntimeError, match="at least 2 dims"):
        tg.ones(3).rot90()


def test_tensor_split_by_sections_indices_and_an_index_tensor():
    x = const("x37")
    cases = {
        "sections": x.tensor_split(3, dim=1),
        "indices": tg.tensor_split(x, [2, 5], dim=-1),
        "rows": x.tensor_split(tg.tensor([1, 1, 9])),
    }
    for name, pieces in cases.items():
        assert len(pieces) == int(REF[f"tensor_split_{name}_count"])
        for i, piece in enumerate(pieces):
            assert piece.shape == REF[f"tensor_split_{name}_{i}"].shape
            np.testing.assert_array_equal(piece.numpy(), REF[f"tensor_split_{name}_{i}"])


def test_tensor_split_refuses_zero_sections_float_indices_and_0d_tensors():
    with pytest.raises(RuntimeError, match="larger than 0"):
        tg.ones(4).tensor_split(0)
    with pytest.raises(TypeError, match="int64"):
        tg.ones(4).tensor_split(tg.tensor([1.0]))
    with pytest.raises(RuntimeError, match="1-dimensional"):
        tg.tensor(1.0).tensor_split(1)


# -- selection and writing at indices --------------------------------------------------------------
def test_masked_select_broadcasts_the_mask_and_routes_the_gradient_back():
    x = leaf("x34")
    matches("masked_select", tg.masked_select(x, tg.tensor(REF["mask"])), x=x)
    assert tg.tensor(2.0).masked_select(tg.tensor(True)).shape == (1,)


def test_masked_select_refuses_a_non_bool_or_non_broadcasting_mask():
    with pytest.raises(RuntimeError, match="bool mask"):
        tg.ones(2, 3).masked_select(tg.tensor([1, 0, 1]))
    with pytest.raises(RuntimeError, match="broadcast"):
        tg.ones(2, 3).masked_select(tg.tensor([True, False]))


def test_index_fill_takes_negative_indices_and_truncates_into_integers():
    x = leaf("x34")
    matches("index_fill", x.index_fill(-1, tg.tensor([0, -1]), -2.0), x=x)
    ints = tg.arange(12).reshape(3, 4).index_fill(0, tg.tensor([1]), 2.5)
    matches("index_fill_int", ints)


def test_index_fill_refuses_int32_indices_matrices_and_vector_values():
    with pytest.raises(TypeError, match="int64"):
        tg.ones(2, 3).index_fill(1, tg.tensor([0], dtype=tg.int32), 5.0)
    with pytest.raises(RuntimeError, match="vector or a scalar"):
        tg.ones(2, 3).index_fill(0, tg.tensor([[0]]), 5.0)
    with pytest.raises(RuntimeError, match="0-d tensor"):
        tg.ones(2, 3).index_fill(0, tg.tensor([0]), tg.ones(2))
    with pytest.raises(IndexError, match="out of bounds"):
        tg.ones(2, 3).index_fill(1, tg.tensor([3]), 5.0)


def test_index_copy_writes_source_slices_with_gradients_to_both():
    x, source = leaf("x34"), leaf("index_copy_source")
    matches("index_copy", tg.index_copy(x, 0, tg.tensor([2, 0]), source), x=x, source=source)


def test_index_copy_refuses_a_count_or_dtype_mismatch():
    with pytest.raises(IndexError, match="number of indices"):
        tg.zeros(2, 3).index_copy(1, tg.tensor([0, 1]), tg.ones(2, 1))
    with pytest.raises(TypeError, match="same dtype"):
        tg.zeros(2, 3).index_copy(1, tg.tensor([0]), tg.ones(2, 1, dtype=tg.float64))


def test_put_writes_or_accumulates_at_flat_indices():
    x, source = leaf("x34"), leaf("put_source")
    matches("put", x.put(tg.tensor([[1, -1], [5, 0]]), source), x=x, source=source)
    x, source = leaf("x34"), leaf("put_acc_source")
    matches("put_acc", tg.put(x, tg.tensor([1, 1, -1]), source, accumulate=True), x=x, source=source)


def test_put_refuses_a_count_mismatch_and_indices_out_of_range():
    with pytest.raises(IndexError, match="same number of elements"):
        tg.zeros(2, 3).put(tg.tensor([0, 1]), tg.ones(3))
    with pytest.raises(IndexError, match="out of bounds"):
        tg.zeros(2, 3).put(tg.tensor([-1, 10]), tg.ones(2))


def test_take_reads_the_tensor_as_flat_in_the_index_shape():
    x = leaf("x34")
    matches("take", tg.take(x, tg.tensor([[0, -1], [5, 11]])), x=x)
    with pytest.raises(IndexError, match="out of bounds"):
        x.take(tg.tensor([12]))
    with pytest.raises(TypeError, match="int64"):
        x.take(tg.tensor([0], dtype=tg.int32))


def test_in_place_index_writes_bump_the_version_and_refuse_leaves_that_require_grad():
    x = tg.zeros(2, 3)
    x.index_fill_(1, tg.tensor([1]), 1.0).index_copy_(0, tg.tensor([0]), tg.full((1, 3), 2.0))
    x.put_(tg.tensor([5]), tg.tensor([7.0]))
    np.testing.assert_array_equal(x.numpy(), [[2, 2, 2], [0, 1, 7]])
    assert x._version == 3
    with pytest.raises(RuntimeError, match="leaf"):
        tg.zeros(3, requires_grad=True).index_fill_(0, tg.tensor([0]), 1.0)


# -- order statistics ------------------------------------------------------------------------------
def test_kthvalue_gives_the_kth_smallest_and_where_it_is():
    x = leaf("x35")
    values, indices = x.kthvalue(2, 0, keepdim=True)
    matches("kthvalue", values, x=x)
    np.testing.assert_array_equal(indices.numpy(), REF["kthvalue_indices"])
    values, indices = tg.kthvalue(const("x35"), 4)
    matches("kthvalue_last", values)
    np.testing.assert_array_equal(indices.numpy(), REF["kthvalue_last_indices"])
    assert indices.dtype == tg.int64


def test_kthvalue_refuses_k_out_of_range():
    with pytest.raises(RuntimeError, match="out of range"):
        tg.ones(2, 3).kthvalue(4, 1)
    with pytest.raises(RuntimeError, match="out of range"):
        tg.ones(2, 3).kthvalue(0)


def test_mode_picks_the_smallest_most_frequent_value_and_its_last_index():
    values, indices = tg.mode(const("mode_ints"))
    matches("mode_int", values)
    np.testing.assert_array_equal(indices.numpy(), REF["mode_int_indices"])
    x = leaf("mode_floats")
    values, indices = x.mode(0, keepdim=True)
    matches("mode_float", values, x=x)
    np.testing.assert_array_equal(indices.numpy(), REF["mode_float_indices"])


def test_mode_refuses_an_empty_dim():
    with pytest.raises(IndexError, match="non-zero size"):
        tg.zeros(0).mode()


def test_nanquantile_skips_nans_per_slice_and_is_nan_where_all_are():
    x = leaf("nanquantile_x")
    matches("nanquantile", tg.nanquantile(x, tg.tensor(REF["nanquantile_q"]), dim=1, keepdim=True), x=x)
    for method in ("lower", "higher", "midpoint", "nearest"):
        matches(
            f"nanquantile_{method}", const("nanquantile_x").nanquantile(0.4, dim=-1, interpolation=method)
        )
    matches("nanquantile_all", tg.nanquantile(const("nanquantile_x"), 0.3))


def test_nanquantile_refuses_integers_and_q_outside_zero_one():
    with pytest.raises(TypeError, match="floating point"):
        tg.nanquantile(tg.tensor([1, 2]), 0.5)
    with pytest.raises(RuntimeError, match=r"\[0, 1\]"):
        tg.tensor([1.0, 2.0]).nanquantile(1.5)


# -- norms and products ----------------------------------------------------------------------------
def test_renorm_rescales_only_the_slices_beyond_maxnorm_with_pytorchs_gradient():
    for name, (p, dim, maxnorm) in RENORM_CASES.items():
        x = leaf("renorm_x")
        matches(f"renorm_{name}", tg.renorm(x, p, dim, maxnorm), x=x)
    x = tg.tensor(REF["renorm_x"])
    x.renorm_(2, 0, 1.5)
    matches("renorm_p2", x)


def test_renorm_refuses_non_positive_p_negative_maxnorm_vectors_and_integers():
    with pytest.raises(RuntimeError, match="non-positive"):
        tg.ones(2, 3).renorm(0, 0, 1)
    with pytest.raises(RuntimeError, match="maxnorm"):
        tg.ones(2, 3).renorm(2, 0, -1)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tg.ones(3).renorm(2, 0, 1)
    with pytest.raises(TypeError, match="floating-point"):
        tg.ones(2, 3, dtype=tg.int64).renorm(2, 0, 1)


def test_mv_multiplies_a_matrix_by_a_vector():
    m, v = leaf("x34"), leaf("mv_vec")
    matches("mv", tg.mv(m, v), m=m, v=v)
    with pytest.raises(RuntimeError, match="size mismatch"):
        tg.ones(2, 3).mv(tg.ones(2))
    with pytest.raises(RuntimeError, match="a matrix and a vector"):
        tg.ones(2, 3).mv(tg.ones(3, 1))


# -- elementwise -----------------------------------------------------------------------------------
def test_erf_and_erfc_methods_match_pytorch_with_gradients():
    for name in ("erf", "erfc"):
        x = leaf("erf_x")
        matches(name, getattr(x, name)(), rtol=1e-12, x=x)
        matches(name, getattr(tg, name)(const("erf_x")), rtol=1e-12)


def test_erfinv_is_exact_near_zero_and_at_the_edges_with_its_gradient():
    y = leaf("erfinv_y")
    matches("erfinv", y.erfinv(), rtol=1e-10, y=y)  # the gradient e^(x²) magnifies 1 ulp near ±1
    matches("erfinv_edges", tg.erfinv(tg.tensor([-1.0, 1.0, 1.5, -2.0])))
    matches("erfinv_int", tg.tensor([0, 1]).erfinv())
    matches("erfinv_f32", const("erfinv_y", tg.float32).erfinv(), rtol=1e-6)
    matches("erfinv", tg.special.erfinv(const("erfinv_y")), rtol=1e-12)
    y = const("erfinv_y")
    y.erfinv_()
    matches("erfinv", y, rtol=1e-12)
    x = const("erf_x")
    x.erf_()
    matches("erf", x, rtol=1e-12)


def test_logical_ops_read_nonzero_and_nan_as_true_and_give_bool():
    a, b = const("logic_a"), const("logic_b")
    for name in ("logical_and", "logical_or", "logical_xor"):
        matches(name, getattr(tg, name)(a, b))
        matches(name, getattr(a, name)(b))
    matches("logical_not", tg.logical_not(a))
    matches("logical_not_int", b.logical_not())
    with pytest.raises(TypeError, match="must be a Tensor"):
        tg.logical_and(a, 1)
    flags = tg.tensor([1.0, 0.0, 2.0])
    flags.logical_and_(tg.tensor([True, True, False]))
    np.testing.assert_array_equal(flags.numpy(), [1.0, 0.0, 0.0])


def test_remainder_follows_the_divisor_and_fmod_the_dividend():
    for name in ("remainder", "fmod"):
        a, b = leaf("div_a"), leaf("div_b")
        matches(name, getattr(tg, name)(a, b), a=a, b=b)
        matches(f"{name}_int", getattr(tg.tensor([7, -7, 7, -7]), name)(tg.tensor([3, 3, -3, -3])))
        matches(f"{name}_scalar", getattr(const("div_a"), name)(-1.5))
    matches("remainder_number_first", tg.remainder(5, const("div_b")))


def test_integer_remainder_and_fmod_by_zero_raise():
    for name in ("remainder", "fmod"):
        with pytest.raises(ZeroDivisionError):
            getattr(tg, name)(tg.tensor([5]), tg.tensor([0]))


# -- free functions --------------------------------------------------------------------------------
def test_bincount_counts_with_minlength_and_sums_weights_in_pytorchs_dtype():
    counts = const("bincount_input")
    matches("bincount", tg.bincount(counts))
    matches("bincount_minlength", counts.bincount(minlength=8))
    matches("bincount_f32", tg.bincount(counts, const("bincount_weights", tg.float32)), rtol=1e-6)
    matches("bincount_int_weights", tg.bincount(counts, counts))
    assert tg.bincount(tg.tensor([], dtype=tg.int64)).shape == (0,)


def test_bincount_refuses_negative_float_or_matrix_inputs_and_bad_weights():
    for bad in (tg.tensor([-1, 3]), tg.tensor([1.0, 3.0]), tg.tensor([[1, 3]])):
        with pytest.raises(RuntimeError, match="non-negative"):
            tg.bincount(bad)
    with pytest.raises(RuntimeError, match="same length"):
        tg.bincount(tg.tensor([1, 3]), tg.tensor([1.0]))
    with pytest.raises(ValueError, match="minlength"):
        tg.bincount(tg.tensor([1, 3]), minlength=-1)


def test_scalar_tensor_is_a_0d_float_tensor():
    matches("scalar_tensor", tg.scalar_tensor(3))
    assert tg.scalar_tensor(True).dtype == tg.float32
    assert tg.scalar_tensor(2, dtype=tg.float64, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="number"):
        tg.scalar_tensor("a")


def test_is_autocast_enabled_follows_the_innermost_region():
    assert tg.is_autocast_enabled() is False
    with tg.autocast("cpu", enabled=False):
        assert tg.is_autocast_enabled("cpu") is False
    with pytest.warns(UserWarning), tg.autocast("cuda"):  # the one-time warning may have gone already
        assert tg.is_autocast_enabled() and tg.is_autocast_enabled("cuda")
        assert not tg.is_autocast_enabled("cpu")
        with tg.autocast("cuda", enabled=False):
            assert not tg.is_autocast_enabled()
    assert not tg.is_autocast_enabled()


# -- in-place spellings ----------------------------------------------------------------------------
def test_shape_changing_in_place_ops_change_the_tensor_itself():
    x = tg.tensor(REF["x23"])
    assert x.t_() is x and x.shape == (3, 2)
    np.testing.assert_array_equal(x.numpy(), REF["x23"].T)
    x.unsqueeze_(-1)
    assert x.shape == (3, 2, 1)
    x.squeeze_()
    assert x.shape == (3, 2) and x._version == 3
    with pytest.raises(RuntimeError, match="leaf"):
        tg.ones(2, 3, requires_grad=True).t_()


def test_rounding_in_place_matches_the_out_of_place_ops():
    x = const("x34")
    for name in ("floor", "ceil", "round"):
        y = x.clone()
        getattr(y, f"{name}_")()
        np.testing.assert_array_equal(y.numpy(), getattr(x, name)().numpy())
    y = x.clone()
    y.round_(decimals=1)
    matches("round_decimals", y)
    with pytest.raises(RuntimeError, match="leaf"):
        tg.ones(2, requires_grad=True).floor_()


def test_random_refills_draw_from_the_seeded_generator_with_the_right_laws():
    tg.manual_seed(8)
    coins = tg.zeros(4000).bernoulli_(0.25)
    tg.manual_seed(8)
    assert np.array_equal(tg.zeros(4000).bernoulli_(0.25).numpy(), coins.numpy())
    assert abs(coins.mean().item() - 0.25) < 0.03 and set(np.unique(coins.numpy())) == {0.0, 1.0}
    waits = tg.zeros(4000, dtype=tg.float64).exponential_(2.0)
    assert waits.min().item() >= 0 and abs(waits.mean().item() - 0.5) < 0.05
    dice = tg.zeros(4000, dtype=tg.int64).random_(1, 7)
    assert dice.dtype == tg.int64 and set(np.unique(dice.numpy())) == {1, 2, 3, 4, 5, 6}
    assert set(np.unique(tg.zeros(200).random_(3).numpy())) == {0.0, 1.0, 2.0}
    bits = tg.zeros(200, dtype=tg.int64).bernoulli_(tg.full((200,), 0.5))
    assert bits.dtype == tg.int64 and set(np.unique(bits.numpy())) == {0, 1}


def test_random_refills_refuse_bad_parameters():
    with pytest.raises(RuntimeError, match="less than 'to'"):
        tg.ones(3).random_(5, 5)
    with pytest.raises(RuntimeError, match="lambd > 0"):
        tg.ones(3).exponential_(0)
    with pytest.raises(TypeError, match="floating-point"):
        tg.ones(3, dtype=tg.int64).exponential_()
    with pytest.raises(RuntimeError, match=r"\[0, 1\]"):
        tg.ones(3).bernoulli_(2.0)


def test_a_repeated_index_writes_the_last_slice_as_pytorch():
    x = tg.zeros(4).put(tg.tensor([0, 0, 3]), tg.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.numpy(), [2.0, 0.0, 0.0, 3.0])
    rows = tg.zeros(2, 2).index_copy(0, tg.tensor([1, -1]), tg.tensor([[1.0, 1.0], [5.0, 6.0]]))
    np.testing.assert_array_equal(rows.numpy(), [[0.0, 0.0], [5.0, 6.0]])
    flags = tg.tensor([True, False]).index_copy(0, tg.tensor([1]), tg.tensor([True]))
    assert flags.dtype == tg.bool and flags.numpy().tolist() == [True, True]


def test_mode_counts_nans_as_one_value():
    values, indices = tg.tensor([float("nan"), 1.0, float("nan"), 1.0, 2.0]).mode()
    assert values.item() == 1.0 and indices.item() == 3
    values, _ = tg.tensor([float("nan"), float("nan"), 1.0]).mode()
    assert np.isnan(values.item())
