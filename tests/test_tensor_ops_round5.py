"""Round-5 tensor ops as specifications: scatter family, index_add, masked_scatter, take_along_dim,
cumprod, roll, repeat_interleave, diff, nan_to_num, meshgrid, cdist, kron, bucketize, searchsorted,
histc, and second derivatives through ReLU.

Values and gradients are checked against PyTorch's (tests/fixtures/tensor_ops_round5.npz, written by
tests/fixtures/make_tensor_ops_round5.py) and gradients also by finite differences (gradcheck).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "tensor_ops_round5.npz")


def ref(name: str) -> np.ndarray:
    return REFERENCE[name]


def leaf(name_or_array: str | np.ndarray) -> tg.Tensor:
    array = ref(name_or_array) if isinstance(name_or_array, str) else name_or_array
    return tg.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def index(name_or_array: str | list) -> tg.Tensor:
    array = ref(name_or_array) if isinstance(name_or_array, str) else np.asarray(name_or_array)
    return tg.tensor(array.astype(np.int64))


def check_against_torch(case: str, out: tg.Tensor, *inputs: tg.Tensor) -> None:
    """``out`` equals PyTorch's, and so do the gradients of Σ out · w (w as in the fixture script)."""
    np.testing.assert_allclose(out.numpy(), ref(f"{case}_out"), rtol=1e-12, atol=1e-12)
    weights = tg.tensor(np.arange(out.size).reshape(out.shape) % 7 + 1.0)
    grads = tg.autograd.grad((out * weights).sum(), list(inputs), allow_unused=True)
    for position, (tensor, grad) in enumerate(zip(inputs, grads)):
        found = np.zeros(tensor.shape) if grad is None else grad.numpy()
        np.testing.assert_allclose(found, ref(f"{case}_grad{position}"), rtol=1e-10, atol=1e-12)


METHODS_AND_FUNCTIONS = (
    "scatter scatter_add index_add masked_scatter take_along_dim cumprod roll repeat_interleave diff "
    "nan_to_num kron histc"
).split()


@pytest.mark.parametrize("name", METHODS_AND_FUNCTIONS)
def test_each_op_is_a_tensor_method_and_a_tg_function_as_in_torch(name) -> None:
    assert callable(getattr(tg.Tensor, name)) and callable(getattr(tg, name)) and name in tg.__all__


@pytest.mark.parametrize("name", ["meshgrid", "cdist", "bucketize", "searchsorted"])
def test_free_functions_exist_under_tg(name) -> None:
    assert callable(getattr(tg, name)) and name in tg.__all__


# -- scatter, scatter_add, index_add ---------------------------------------------------------------


def test_scatter_writes_src_at_index_and_matches_torch_gradients() -> None:
    x, src = leaf("base"), leaf(ref("src")[:2, :5])
    check_against_torch("scatter", x.scatter(0, index("scatter_index"), src), x, src)


def test_scatter_reads_only_the_leading_block_of_a_larger_src() -> None:
    out = tg.tensor(ref("base")).scatter(0, index("scatter_index"), tg.tensor(ref("src")))
    np.testing.assert_allclose(out.numpy(), ref("scatter_large_src_out"))
    # The unread part of src gets gradient 0 (PyTorch refuses this backward; finite differences agree).
    assert tg.gradcheck(lambda a, s: a.scatter(0, index("scatter_index"), s), [leaf("base"), leaf("src")])


def test_scatter_with_a_number_writes_it_and_masks_the_gradient() -> None:
    x = leaf("base")
    check_against_torch("scatter_value", x.scatter(1, index(ref("scatter_index")[:, :3]), 2.5), x)
    assert tg.equal(x.scatter(1, index([[0]]), value=2.5), x.scatter(1, index([[0]]), 2.5))


def test_scatter_of_a_float_into_integers_truncates_as_torch() -> None:
    out = tg.zeros(2, dtype=tg.int64).scatter(0, index([1]), 2.5)
    assert out.dtype == tg.int64 and out.tolist() == [0, 2]


def test_scatter_add_accumulates_repeated_indices() -> None:
    x, src = leaf("base"), leaf(ref("src")[:3, :5])
    check_against_torch("scatter_add", x.scatter_add(0, index("add_index"), src), x, src)
    large = tg.tensor(ref("base")).scatter_add(0, index("add_index"), tg.tensor(ref("src")))
    np.testing.assert_allclose(large.numpy(), ref("scatter_add_large_src_out"))
    assert tg.gradcheck(lambda a, s: a.scatter_add(0, index("add_index"), s), [leaf("base"), leaf("src")])


def test_scatter_reduce_add_is_scatter_add() -> None:
    x, src = tg.tensor(ref("base")), tg.tensor(ref("src"))
    assert tg.equal(
        x.scatter(0, index("add_index"), src, reduce="add"), x.scatter_add(0, index("add_index"), src)
    )
    with pytest.raises(ValueError, match="multiply"):
        x.scatter(0, index("add_index"), src, reduce="multiply")


def test_index_add_accumulates_alpha_times_source() -> None:
    x, source = leaf("base"), leaf("index_add_source")
    check_against_torch("index_add", x.index_add(1, index("index_add_index"), source, alpha=-1.5), x, source)
    counts = tg.zeros(3).index_add(0, tg.tensor([2, 2, 0], dtype=tg.int32), tg.ones(3))
    assert counts.tolist() == [1.0, 0.0, 2.0]


def test_in_place_scatter_family_changes_the_tensor_and_its_version() -> None:
    x = tg.zeros(2, 3)
    version = x._version
    x.scatter_(1, index([[2], [0]]), 1.0).scatter_add_(0, index([[1, 1, 1]]), tg.ones(1, 3))
    x.index_add_(1, index([0]), tg.ones(2, 1), alpha=10)
    assert x.tolist() == [[10.0, 0.0, 1.0], [12.0, 1.0, 1.0]] and x._version == version + 3
    y = tg.zeros(3)
    assert y.masked_scatter_(tg.tensor([True, False, True]), tg.tensor([4.0, 5.0])).tolist() == [
        4.0,
        0.0,
        5.0,
    ]


def test_torch_function_spellings_of_the_scatter_family() -> None:
    x, src = tg.tensor(ref("base")), tg.tensor(ref("src"))
    assert tg.equal(tg.scatter(x, 0, index("scatter_index"), src), x.scatter(0, index("scatter_index"), src))
    assert tg.equal(tg.scatter_add(x, 0, index("add_index"), src), x.scatter_add(0, index("add_index"), src))
    source = tg.tensor(ref("index_add_source"))
    assert tg.equal(
        tg.index_add(x, 1, index("index_add_index"), source, alpha=2),
        x.index_add(1, index("index_add_index"), source, alpha=2),
    )


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda x: x.scatter(0, index([[3]]), tg.ones(1, 1)),
            IndexError,
            "index 3 is out of bounds for dim 0",
        ),
        (lambda x: x.scatter(0, index([[-1]]), 1.0), IndexError, "index -1 is out of bounds"),
        (lambda x: x.scatter(0, tg.tensor([[0.0]]), 1.0), TypeError, "int32 or int64"),
        (lambda x: x.scatter(0, tg.tensor([[True]]), 1.0), TypeError, "index must be"),
        (lambda x: x.scatter(0, index([[0]]), tg.ones(1, 1, dtype=tg.float64)), TypeError, "float64"),
        (lambda x: x.scatter(0, index([0]), tg.ones(1)), ValueError, "as many dims"),
        (lambda x: x.scatter(0, index([[0, 0], [0, 0]]), tg.ones(1, 1)), ValueError, "no larger than"),
        (lambda x: x.scatter(0, index([[0, 0, 0, 0, 0]]), 1.0), ValueError, "no larger than"),
        (lambda x: x.scatter(2, index([[0]]), 1.0), IndexError, "out of range"),
        (lambda x: x.scatter_add(0, index([[0]]), 1.0), TypeError, "src must be a Tensor"),
        (lambda x: x.scatter_add(0, index([[7]]), tg.ones(1, 1)), IndexError, "index 7"),
        (lambda x: x.index_add(0, index([3]), tg.ones(1, 4)), IndexError, "index 3 is out of bounds"),
        (lambda x: x.index_add(0, index([1]), tg.ones(1, 3)), ValueError, "must have shape (1, 4)"),
        (lambda x: x.index_add(0, index([[1]]), tg.ones(1, 4)), ValueError, "1-D"),
        (lambda x: x.index_add(0, tg.tensor([1.0]), tg.ones(1, 4)), TypeError, "int32 or int64"),
        (lambda x: x.index_add(0, index([1]), tg.ones(1, 4, dtype=tg.float64)), TypeError, "dtype"),
        (lambda x: x.masked_scatter(tg.tensor([1, 0, 1, 0]), tg.ones(9)), TypeError, "boolean"),
        (
            lambda x: x.masked_scatter(tg.ones(3, dtype=tg.bool_), tg.ones(9)),
            ValueError,
            "does not broadcast",
        ),
        (lambda x: x.masked_scatter(tg.ones(4, dtype=tg.bool_), tg.ones(11)), ValueError, "selects 12"),
    ],
)
def test_bad_scatter_inputs_are_refused_with_the_problem_named(call, error, words) -> None:
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        call(tg.zeros(3, 4))


def test_index_add_refuses_a_float_alpha_for_integers() -> None:
    with pytest.raises(TypeError, match="alpha"):
        tg.zeros(3, dtype=tg.int64).index_add(0, index([0]), tg.ones(1, dtype=tg.int64), alpha=0.5)


# -- masked_scatter, take_along_dim ------------------------------------------------------------------


def test_masked_scatter_fills_the_mask_in_order_from_source() -> None:
    x, source = leaf("base"), leaf("masked_source")
    check_against_torch("masked_scatter", x.masked_scatter(tg.tensor(ref("mask")), source), x, source)
    assert tg.gradcheck(
        lambda a, s: a.masked_scatter(tg.tensor(ref("mask")), s), [leaf("base"), leaf("masked_source")]
    )


def test_take_along_dim_along_a_dim_with_broadcasting_and_flattened() -> None:
    x = leaf("base")
    check_against_torch("take_along", x.take_along_dim(index("take_indices"), 1), x)
    x = leaf("base")
    check_against_torch("take_along_bcast", x.take_along_dim(index([[0, 4, 4]]), 1), x)
    x = leaf("base")
    check_against_torch("take_along_flat", tg.take_along_dim(x, index([14, 0, 7, 7])), x)


def test_take_along_dim_counts_negative_indices_from_the_end_as_torch() -> None:
    x = tg.arange(6.0).reshape(2, 3)
    assert x.take_along_dim(index([[-1], [0]]), 1).tolist() == [[2.0], [3.0]]
    assert x.take_along_dim(index([-6, -1])).tolist() == [0.0, 5.0]
    with pytest.raises(IndexError, match="index -4 is out of bounds"):
        x.take_along_dim(index([[-4]]), 1)


def test_scatter_of_a_0d_tensor_writes_its_one_entry() -> None:
    assert tg.tensor(2.0).scatter(0, index(0), tg.tensor(5.0)).item() == 5.0
    assert tg.tensor(2.0).scatter_add(0, index([0]), tg.tensor([5.0])).item() == 7.0


@pytest.mark.parametrize(
    ("indices", "dim", "error", "words"),
    [
        (tg.tensor([[0]], dtype=tg.int32), 1, TypeError, "int64"),
        ([[5]], 1, IndexError, "index 5 is out of bounds for dim 1 with size 5"),
        ([15], None, IndexError, "index 15"),
        ([1], 1, ValueError, "same number of dims"),
        ([[0], [0]], 1, ValueError, "do not broadcast"),
    ],
)
def test_take_along_dim_refuses_bad_indices(indices, dim, error, words) -> None:
    indices = indices if isinstance(indices, tg.Tensor) else index(indices)
    with pytest.raises(error, match=words):
        tg.tensor(ref("base")).take_along_dim(indices, dim)


# -- cumprod ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "dim"), [("cumprod", 1), ("cumprod_dim0", 0)])
def test_cumprod_gradient_is_exact_with_zeros_in_the_input(case, dim) -> None:
    x = leaf("cumprod_input")
    check_against_torch(case, x.cumprod(dim), x)
    assert tg.gradcheck(lambda a: a.cumprod(dim), [leaf("cumprod_input")])


@pytest.mark.parametrize(
    ("values", "dim"),
    [([0.5, -2.0, 1.5, 3.0], 0), ("cumprod_input", 1), ("cumprod_input", 0)],
    ids=["no-zeros", "zeros-dim1", "zeros-dim0"],
)
def test_cumprod_second_derivative_is_exact_also_at_zeros(values, dim) -> None:
    """Hessian-vector products through cumprod, as PyTorch's (exact where x holds zeros)."""
    start = ref(values) if isinstance(values, str) else np.array(values)

    def gradient(a: tg.Tensor) -> tg.Tensor:
        if not a.requires_grad:  # gradcheck's finite differences pass plain tensors
            a.requires_grad_()
        weights = tg.tensor(np.arange(a.size).reshape(a.shape) % 5 + 1.0)
        (g,) = tg.autograd.grad((a.cumprod(dim) * weights).sum(), a, create_graph=True)
        return g

    assert tg.gradcheck(gradient, [tg.tensor(start, dtype=tg.float64)])


def test_cumprod_dtypes_follow_torch() -> None:
    assert tg.tensor([1, 2, 3], dtype=tg.int32).cumprod(0).dtype == tg.int64
    assert tg.tensor([True, False]).cumprod(0).tolist() == [1, 0]
    assert tg.tensor([2.0, 3.0]).cumprod(dim=0, dtype=tg.float64).dtype == tg.float64
    assert tg.cumprod(tg.tensor([1, 2, 3]), 0).tolist() == [1, 2, 6]
    with pytest.raises(TypeError, match="needs dim"):
        tg.ones(3).cumprod()


# -- roll, repeat_interleave, diff, nan_to_num ---------------------------------------------------------


def test_roll_flattened_and_along_dims() -> None:
    x = leaf("base")
    check_against_torch("roll_flat", x.roll(7), x)
    x = leaf("base")
    check_against_torch("roll_dims", tg.roll(x, (1, -2), (0, 1)), x)
    assert tg.tensor(3.0).roll(1).item() == 3.0
    with pytest.raises(ValueError, match="2 shifts for 1 dims"):
        x.roll((1, 2), 0)


def test_repeat_interleave_with_int_and_tensor_repeats() -> None:
    x = leaf("base")
    check_against_torch("repeat_interleave_tensor", x.repeat_interleave(tg.tensor([2, 0, 3]), dim=0), x)
    x = leaf("base")
    check_against_torch("repeat_interleave_flat", tg.repeat_interleave(x, 2), x)
    np.testing.assert_array_equal(
        tg.repeat_interleave(tg.tensor([2, 0, 1, 3])).numpy(), ref("repeat_interleave_counts")
    )
    assert tg.tensor([1, 2]).repeat_interleave(tg.tensor(2)).tolist() == [1, 1, 2, 2]


@pytest.mark.parametrize(
    ("repeats", "error", "words"),
    [
        (-1, ValueError, "non-negative"),
        (tg.tensor([1, -1]), ValueError, "non-negative"),
        (tg.tensor([1, 2, 3]), ValueError, "3 repeats for 2 entries"),
        (tg.tensor([1.0, 2.0]), TypeError, "integers"),
        (1.5, TypeError, "integer"),
    ],
)
def test_repeat_interleave_refuses_bad_repeats(repeats, error, words) -> None:
    with pytest.raises(error, match=words):
        tg.tensor([1, 2]).repeat_interleave(repeats)


def test_diff_with_prepend_append_and_higher_order() -> None:
    x = leaf("base")
    out = x.diff(n=2, dim=1, prepend=tg.tensor(ref("prepend")), append=tg.tensor(ref("append")))
    check_against_torch("diff", out, x)
    np.testing.assert_array_equal(tg.diff(tg.tensor([1, 4, 9, 16, 25]), n=3).numpy(), ref("diff_int"))
    assert tg.tensor([True, False, False]).diff().tolist() == [True, False]
    assert tg.tensor([1, 4, 9]).diff(n=5).shape == (0,)
    assert tg.tensor([1.0, 4.0]).diff(prepend=tg.tensor([0])).tolist() == [1.0, 3.0]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: tg.tensor(1.0).diff(), ValueError, "at least one dimension"),
        (lambda: tg.ones(3).diff(n=-1), ValueError, "non-negative"),
        (lambda: tg.ones(3).diff(prepend=tg.tensor(0.0)), ValueError, "as many dims"),
    ],
)
def test_diff_refuses_bad_arguments(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


def test_nan_to_num_replaces_specials_and_passes_gradient_at_finite_entries() -> None:
    special = ref("special")
    np.testing.assert_array_equal(
        tg.tensor(special.astype(np.float32)).nan_to_num().numpy(), ref("nan_to_num_default")
    )
    x = tg.tensor(special, requires_grad=True)
    out = tg.nan_to_num(x, nan=1.0, posinf=9.0, neginf=-9.0)
    np.testing.assert_array_equal(out.numpy(), ref("nan_to_num_given"))
    assert out.dtype == tg.float64
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert tg.tensor([1, 2]).nan_to_num(nan=3.0).tolist() == [1, 2]


# -- meshgrid, kron, cdist -------------------------------------------------------------------------------


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_matches_torch(indexing) -> None:
    grids = tg.meshgrid(tg.arange(2), tg.arange(3), tg.arange(4), indexing=indexing)
    np.testing.assert_array_equal(tg.stack(grids).numpy(), ref(f"meshgrid_{indexing}"))


def test_meshgrid_without_indexing_warns_and_uses_ij() -> None:
    with pytest.warns(UserWarning, match="indexing"):
        grids = tg.meshgrid([tg.arange(2), tg.arange(3)])
    np.testing.assert_array_equal(tg.stack(grids).numpy(), ref("meshgrid_ij")[:2, :, :, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.meshgrid(tg.arange(2), indexing="ij")


def test_meshgrid_is_differentiable_and_refuses_bad_inputs() -> None:
    assert tg.gradcheck(
        lambda a, b: tg.meshgrid(a, b, indexing="xy")[0] * tg.meshgrid(a, b, indexing="xy")[1],
        [leaf(np.array([1.0, 2.0])), leaf(np.array([3.0, -1.0, 0.5]))],
    )
    with pytest.raises(TypeError, match="one dtype"):
        tg.meshgrid(tg.arange(2), tg.ones(3), indexing="ij")
    with pytest.raises(ValueError, match="0-d or 1-D"):
        tg.meshgrid(tg.ones(2, 2), indexing="ij")
    with pytest.raises(ValueError, match="'ij' or 'xy'"):
        tg.meshgrid(tg.ones(2), indexing="ik")


def test_kron_matches_torch_and_promotes_like_it() -> None:
    a, b = leaf("kron_a"), leaf("kron_b")
    check_against_torch("kron", tg.kron(a, b), a, b)
    assert tg.kron(tg.tensor([[1, 2], [3, 4]]), tg.tensor([1, 10])).tolist() == [
        [1, 10, 2, 20],
        [3, 30, 4, 40],
    ]
    assert tg.tensor([1, 2]).kron(tg.tensor([1.0, 10.0])).dtype == tg.float32


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, math.inf, 0.0])
def test_cdist_matches_torch_values_and_gradients_with_coinciding_rows(p) -> None:
    a, b = leaf("points_a"), leaf("points_b")
    out = tg.cdist(a, b, p=p)
    assert out.shape == (2, 3, 5)
    np.testing.assert_allclose(out.numpy(), ref(f"cdist_p{p:g}_out"), rtol=1e-12)
    weights = tg.tensor(np.arange(out.size).reshape(out.shape) % 7 + 1.0)
    grads = tg.autograd.grad((out * weights).sum(), [a, b], allow_unused=True)
    for position, grad in enumerate(grads):
        found = (
            np.zeros(ref("points_a").shape if position == 0 else ref("points_b").shape)
            if grad is None
            else grad.numpy()
        )
        assert np.isfinite(found).all()
        np.testing.assert_allclose(found, ref(f"cdist_p{p:g}_grad{position}"), rtol=1e-10, atol=1e-12)


def test_cdist_gradcheck_for_p_2_and_a_general_p() -> None:
    a, b = tg.tensor(ref("points_a")[0]), tg.tensor(ref("points_b")[0, 2:])
    assert tg.gradcheck(lambda u, v: tg.cdist(u, v), [a, b])
    assert tg.gradcheck(lambda u, v: tg.cdist(u, v, p=1.5), [a, b])


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda: tg.cdist(tg.ones(2, 3, dtype=tg.int64), tg.ones(2, 3, dtype=tg.int64)),
            TypeError,
            "floating",
        ),
        (lambda: tg.cdist(tg.ones(2, 3), tg.ones(2, 4)), ValueError, "same number of columns"),
        (lambda: tg.cdist(tg.ones(2, 3), tg.ones(2, 3), p=-1), ValueError, "non-negative p"),
        (lambda: tg.cdist(tg.ones(3), tg.ones(3)), ValueError, "at least 2 dims"),
        (lambda: tg.cdist(tg.ones(2, 3), tg.ones(2, 3, dtype=tg.float64)), TypeError, "dtype mismatch"),
    ],
)
def test_cdist_refuses_bad_inputs(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


# -- bucketize, searchsorted, histc (counts: no gradient) --------------------------------------------------


@pytest.mark.parametrize("right", [False, True])
def test_bucketize_and_searchsorted_match_torch(right) -> None:
    buckets = tg.bucketize(tg.tensor(ref("values")), tg.tensor(ref("boundaries")), right=right)
    assert buckets.dtype == tg.int64
    np.testing.assert_array_equal(buckets.numpy(), ref(f"bucketize_right{right}"))
    rows = tg.searchsorted(tg.tensor(ref("sequences")), tg.tensor(ref("row_values")), right=right)
    assert rows.dtype == tg.int64
    np.testing.assert_array_equal(rows.numpy(), ref(f"searchsorted_right{right}"))
    side = tg.searchsorted(
        tg.tensor(ref("sequences")), tg.tensor(ref("row_values")), side="right" if right else "left"
    )
    np.testing.assert_array_equal(side.numpy(), rows.numpy())


def test_bucketize_options_scalars_mixed_dtypes_and_sorter() -> None:
    assert tg.bucketize(tg.tensor([1, 5]), tg.tensor([1, 3, 5]), out_int32=True).dtype == tg.int32
    assert tg.bucketize(2, tg.tensor([1, 3])).shape == () and tg.bucketize(2, tg.tensor([1, 3])).item() == 1
    assert tg.bucketize(tg.tensor([1.5]), tg.tensor([1, 3])).tolist() == [1]
    assert tg.bucketize(tg.tensor([float("nan"), 0.0]), tg.tensor([1.0, 3.0])).tolist() == [2, 0]
    found = tg.searchsorted(tg.tensor([5, 1, 3]), tg.tensor([3]), sorter=tg.tensor([1, 2, 0]))
    assert found.tolist() == [1]
    x = tg.tensor([0.5, 2.5], requires_grad=True)
    assert not tg.bucketize(x, tg.tensor([1.0, 2.0])).requires_grad


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: tg.bucketize(tg.ones(2), tg.ones(2, 2)), "1-D"),
        (lambda: tg.searchsorted(tg.ones(2, 3), tg.ones(3, 1)), "leading dims"),
        (lambda: tg.searchsorted(tg.ones(3), tg.ones(1), side="left", right=True), "contradict"),
        (lambda: tg.searchsorted(tg.ones(3), tg.ones(1), side="middle"), "'left' or 'right'"),
    ],
)
def test_searchsorted_refuses_bad_arguments(call, words) -> None:
    with pytest.raises(ValueError, match=words):
        call()


def test_histc_matches_torch_with_a_range_and_with_the_data_range() -> None:
    data = ref("histc_input")
    counts = tg.histc(tg.tensor(data), bins=7, min=-1.0, max=1.5)
    assert counts.dtype == tg.float64
    np.testing.assert_array_equal(counts.numpy(), ref("histc_range"))
    np.testing.assert_array_equal(tg.tensor(data.astype(np.float32)).histc(bins=5).numpy(), ref("histc_auto"))
    edges = tg.histc(tg.tensor(ref("histc_edges_input")), bins=7, min=-1.0, max=1.5)
    np.testing.assert_array_equal(edges.numpy(), ref("histc_edges"))
    assert tg.histc(tg.tensor([1.0, 2, 1, 4]), bins=4, min=0, max=3).tolist() == [0.0, 2.0, 1.0, 0.0]
    assert tg.histc(tg.tensor([2.0, 2.0]), bins=4).tolist() == [0.0, 0.0, 2.0, 0.0]
    assert tg.histc(tg.zeros(0), bins=2).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: tg.histc(tg.tensor([1, 2]), bins=4), TypeError, "floating-point"),
        (lambda: tg.histc(tg.ones(2), bins=4, min=3, max=1), ValueError, "larger than min"),
        (lambda: tg.histc(tg.ones(2), bins=0), ValueError, "bins must be > 0"),
        (lambda: tg.histc(tg.tensor([1.0, float("nan")]), bins=2), ValueError, "not finite"),
    ],
)
def test_histc_refuses_bad_inputs(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


# -- second derivatives through piecewise-linear ops ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("relu", lambda t: t.relu()),
        ("abs", lambda t: t.abs()),
        ("sign", lambda t: t.sign()),
        ("clamp", lambda t: t.clamp(-1, 1)),
        ("max", lambda t: t.max()),
        ("relu_squared", lambda t: t.relu() ** 2),
    ],
)
def test_second_derivatives_of_piecewise_linear_chains_match_torch(name, function) -> None:
    x = leaf("relu_input")
    (g,) = tg.autograd.grad(function(x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), ref(f"second_{name}_grad"))
    assert g.requires_grad == bool(ref(f"second_{name}_connected"))
    if g.requires_grad:
        (second,) = tg.autograd.grad(g.sum(), x, retain_graph=True)
        np.testing.assert_array_equal(second.numpy(), ref(f"second_{name}_second"))
        g.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), ref(f"second_{name}_second"))


def test_second_derivative_through_a_fused_linear_relu_is_zero_in_x() -> None:
    x = leaf(np.array([[1.0, 2.0, 0.5]]))
    weight = leaf(np.array([[-1.0, -2.0, 1.0], [0.5, 0.5, 0.5]]))  # the first unit inactive
    out = tg.nn.functional.linear(x, weight, relu=True)
    (g,) = tg.autograd.grad(out.sum(), x, create_graph=True)
    assert g.requires_grad
    second_x, second_w = tg.autograd.grad(g.sum(), [x, weight])
    assert second_x.tolist() == [[0.0, 0.0, 0.0]]
    assert second_w.tolist() == [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]  # dx = mask · W: d/dW of Σ = mask


@pytest.mark.parametrize("dtype", [tg.bool_, tg.uint8, tg.int32, tg.float32])
def test_tril_and_triu_keep_the_dtype(dtype):
    x = tg.ones(3, 4, dtype=dtype)
    assert x.tril().dtype == dtype and x.triu(1).dtype == dtype
    assert x.tril().numpy().astype(int).tolist() == np.tril(np.ones((3, 4), int)).tolist()


@pytest.mark.parametrize(
    "activation",
    [
        lambda x: tg.nn.functional.leaky_relu(x, 0.1),
        tg.nn.functional.hardtanh,
        tg.nn.functional.relu6,
    ],
    ids=["leaky_relu", "hardtanh", "relu6"],
)
def test_second_derivatives_of_piecewise_linear_activations_are_zeros(activation):
    x = tg.tensor([-2.0, -0.5, 0.5, 3.0, 7.0], requires_grad=True)
    (g,) = tg.autograd.grad(activation(x).sum(), x, create_graph=True)
    assert g.requires_grad  # as in PyTorch: the gradient is still a function of x
    (h,) = tg.autograd.grad(g.sum(), x)
    assert h.tolist() == [0.0] * 5


def test_hardtanh_passes_no_gradient_at_its_edges_and_keeps_nan():
    x = tg.tensor([-1.0, 1.0, 0.0, 6.0, -3.0], requires_grad=True)
    y = tg.nn.functional.hardtanh(x)
    y.sum().backward()
    assert y.tolist() == [-1.0, 1.0, 0.0, 1.0, -1.0] and x.grad.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert math.isnan(tg.nn.functional.hardtanh(tg.tensor([float("nan")])).item())
