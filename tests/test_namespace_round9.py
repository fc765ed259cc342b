"""PyTorch 2.13's top-level names and Tensor attributes that round 9 adds: free functions of Tensor
methods and their other names (add, divide, greater_equal, swapaxes, ...), joining and splitting
(hstack, atleast_3d, hsplit, broadcast_tensors), products (inner, addr, chain_matmul), statistics
(cov, corrcoef, histogram, trapezoid), writes into copies (select_scatter, index_put, index_reduce),
windows, dtype facts, the torch-level spellings of nn.functional, and Tensor facts (stride, unfold,
resize_, mH, ...). Values and gradients are compared with PyTorch's (tests/fixtures/
make_namespace_round9.py), bad inputs with the error kind PyTorch raises."""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from namespace_round9_cases import CASES  # noqa: E402

REF = np.load(Path(__file__).parent / "fixtures" / "namespace_round9.npz")


def _outputs(result: object) -> list:
    return list(result) if isinstance(result, tuple) else [result]


@pytest.mark.parametrize("name", list(CASES))
def test_matches_pytorch_values_and_gradients(name: str) -> None:
    specs, expression = CASES[name]
    inputs = [
        tg.tensor(REF[f"{name}/in{i}"], requires_grad=kind in ("normal", "positive"))
        for i, (_, kind) in enumerate(specs)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # chain_matmul and range are deprecated, as in PyTorch
        results = _outputs(expression(tg, *inputs))
    loss = None
    for i, result in enumerate(results):
        expected = REF[f"{name}/out{i}"]
        assert isinstance(result, tg.Tensor), f"{name}: output {i} is a {type(result).__name__}"
        assert result.shape == expected.shape, f"{name}: shape {result.shape}, PyTorch {expected.shape}"
        assert result.dtype == expected.dtype, f"{name}: dtype {result.dtype}, PyTorch {expected.dtype}"
        np.testing.assert_allclose(result.numpy(), expected, rtol=1e-10, atol=1e-12, err_msg=name)
        assert result.requires_grad == (f"{name}/w{i}" in REF), f"{name}: output {i} requires_grad differs"
        if result.requires_grad:
            weighted = (result * tg.tensor(REF[f"{name}/w{i}"])).sum()
            loss = weighted if loss is None else loss + weighted
    if loss is not None:
        leaves = [t for t in inputs if t.requires_grad]
        loss.backward()
        for i, leaf in enumerate(leaves):
            grad = np.zeros(leaf.shape) if leaf.grad is None else leaf.grad.numpy()
            np.testing.assert_allclose(
                grad, REF[f"{name}/grad{i}"], rtol=1e-9, atol=1e-12, err_msg=f"{name} grad {i}"
            )


def test_every_name_is_reachable_from_the_package_and_tensor() -> None:
    top = """add sub subtract mul multiply div divide true_divide eq ne gt ge lt le greater greater_equal less
    less_equal not_equal neg negative positive absolute clone detach log1p expm1 rsqrt reciprocal
    digamma lgamma rsub concat swapaxes swapdims ravel select msort fliplr flipud hstack vstack
    dstack column_stack row_stack atleast_1d atleast_2d atleast_3d broadcast_to broadcast_tensors
    broadcast_shapes hsplit vsplit dsplit split_with_sizes unsafe_split unsafe_chunk diagflat inner
    ger addr addmv chain_matmul dist cov corrcoef vander trapezoid trapz cumulative_trapezoid
    combinations isin unravel_index result_type promote_types can_cast finfo iinfo is_floating_point
    is_complex is_nonzero is_same_size is_signed select_scatter slice_scatter diagonal_scatter
    index_put index_reduce argwhere unique_consecutive histogram initial_seed seed get_rng_state
    set_rng_state range randint_like empty_strided fill zero_ conv1d conv2d conv3d conv_transpose1d
    conv_transpose2d max_pool1d max_pool2d max_pool3d avg_pool1d adaptive_avg_pool1d
    adaptive_max_pool1d dropout alpha_dropout feature_dropout embedding layer_norm group_norm
    batch_norm instance_norm rms_norm cosine_similarity pairwise_distance pdist pixel_shuffle
    pixel_unshuffle channel_shuffle prelu selu celu rrelu threshold hardshrink bilinear kl_div
    ctc_loss binary_cross_entropy_with_logits cosine_embedding_loss margin_ranking_loss
    hinge_embedding_loss triplet_margin_loss poisson_nll_loss relu_ hann_window hamming_window
    blackman_window bartlett_window kaiser_window""".split()
    assert [n for n in top if not callable(getattr(tg, n, None))] == []
    methods = """allclose equal stride storage_offset nelement ndimension sum_to_size unfold new resize_
    resize_as_ adjoint is_inference get_device apply_ map_ mvlgamma_ swapaxes swapdims ravel select msort
    fliplr flipud hsplit vsplit dsplit index_put_ index_reduce_ select_scatter slice_scatter
    diagonal_scatter""".split()
    assert [n for n in methods if not callable(getattr(tg.Tensor, n, None))] == []
    x = tg.ones(2, 3)
    assert (x.is_cpu, x.retains_grad, x.mH.shape, x.H.shape) == (x.device == "cpu", False, (3, 2), (3, 2))


def test_import_stays_light() -> None:
    """The torch-level functional names load nn.functional only when first used."""
    import subprocess

    code = "import sys, tinygrad_adam; print('tinygrad_adam.nn' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.strip() == "False"


# -- dtypes ---------------------------------------------------------------------------------------


def test_dtype_facts_match_pytorch() -> None:
    info = tg.finfo(tg.float32)
    assert (info.bits, info.eps, info.max, info.tiny, info.dtype) == (
        32,
        2.0**-23,
        3.4028234663852886e38,
        2.0**-126,
        "float32",
    )
    assert tg.finfo().dtype == str(tg.get_default_dtype())
    assert (tg.iinfo(tg.int64).max, tg.iinfo(tg.uint8).min, tg.iinfo(tg.int8).bits) == (2**63 - 1, 0, 8)
    assert tg.promote_types(tg.int64, tg.float16) == tg.float16  # PyTorch: the category wins (NumPy: float64)
    assert tg.promote_types(tg.uint8, tg.int8) == np.dtype("int16")
    assert tg.promote_types(tg.bool_, tg.int32) == tg.int32
    assert tg.result_type(tg.tensor([1], dtype=tg.int32), 2.5) == tg.float32
    assert tg.result_type(tg.tensor(1.0, dtype=tg.float64), tg.tensor([1], dtype=tg.int32)) == tg.float64
    assert tg.result_type(tg.tensor(1), tg.tensor([1], dtype=tg.uint8)) == tg.uint8
    assert tg.result_type(tg.tensor([True]), 2) == tg.int64
    assert tg.result_type(tg.tensor([1.0]), tg.tensor(2.0, dtype=tg.float64)) == tg.float32
    assert not tg.can_cast(tg.float32, tg.int32) and not tg.can_cast(tg.int32, tg.bool_)
    assert tg.can_cast(tg.int32, tg.float16) and tg.can_cast(tg.float64, tg.float32)
    with pytest.raises(TypeError, match="floating point"):
        tg.finfo(tg.int32)
    with pytest.raises(TypeError, match="integer"):
        tg.iinfo(tg.float32)
    with pytest.raises(TypeError, match="dtype"):
        tg.promote_types(tg.ones(1), tg.float32)


def test_dtype_predicates() -> None:
    assert tg.is_floating_point(tg.ones(2)) and not tg.is_floating_point(tg.tensor([1]))
    assert not tg.is_complex(tg.ones(2))
    assert tg.is_signed(tg.tensor([1])) and not tg.is_signed(tg.tensor([1], dtype=tg.uint8))
    assert not tg.tensor([True]).is_signed()
    assert tg.is_nonzero(tg.tensor([2.0])) and not tg.is_nonzero(tg.tensor(0))
    assert tg.is_same_size(tg.ones(2, 3), tg.zeros(2, 3)) and not tg.ones(2).is_same_size(tg.ones(3))
    with pytest.raises(RuntimeError, match="more than one value"):
        tg.is_nonzero(tg.ones(2))
    with pytest.raises(RuntimeError, match="no values"):
        tg.ones(0).is_nonzero()


# -- Tensor facts ---------------------------------------------------------------------------------


def test_stride_is_the_row_major_layout_pytorch_reports() -> None:
    x = tg.zeros(2, 3, 4)
    assert x.stride() == (12, 4, 1) and x.stride(0) == 12 and x.stride(-1) == 1
    assert tg.zeros(2, 0, 3).stride() == (3, 3, 1)  # an empty dim counts as 1, as in PyTorch
    assert tg.tensor(1.0).stride() == () and x.storage_offset() == 0
    assert (x.nelement(), x.ndimension(), x.get_device(), x.is_inference()) == (
        24,
        3,
        -1 if x.is_cpu else -1,
        False,
    )
    with pytest.raises(IndexError):
        x.stride(3)


def test_retains_grad_tells_whether_retain_grad_was_called() -> None:
    leaf = tg.ones(2, requires_grad=True)
    middle = leaf * 2
    assert not middle.retains_grad and not leaf.retains_grad
    middle.retain_grad()
    assert middle.retains_grad


def test_new_builds_like_pytorchs_legacy_constructor() -> None:
    x = tg.ones(2, dtype=tg.float64)
    assert x.new().shape == (0,) and x.new().dtype == tg.float64
    assert x.new(2, 3).shape == (2, 3) and x.new(2, 3).dtype == tg.float64
    made = x.new([1, 2])
    assert made.dtype == tg.float64 and made.tolist() == [1.0, 2.0]


def test_resize_keeps_the_leading_entries_and_refuses_grad() -> None:
    x = tg.arange(6.0).reshape(2, 3)
    version = x._version
    assert x.resize_(4).tolist() == [0.0, 1.0, 2.0, 3.0] and x._version == version + 1
    x.resize_(2, 3)
    assert x.shape == (2, 3) and x.numpy().ravel()[:4].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert x.resize_as_(tg.zeros(1, 2)).tolist() == [[0.0, 1.0]]
    with pytest.raises(RuntimeError, match="require grad"):
        tg.ones(2, requires_grad=True).resize_(3)
    with pytest.raises(RuntimeError, match="negative"):
        x.resize_(-1)


def test_unfold_bad_sizes_and_steps() -> None:
    x = tg.ones(3)
    with pytest.raises(RuntimeError, match="maximum size"):
        x.unfold(0, 4, 1)
    with pytest.raises(RuntimeError, match="step"):
        x.unfold(0, 2, 0)
    assert tg.tensor(5.0).unfold(0, 1, 1).tolist() == [5.0]


def test_sum_to_size_refuses_a_shape_it_does_not_broadcast_from() -> None:
    with pytest.raises(RuntimeError, match="not expandable"):
        tg.ones(2, 3).sum_to_size(3, 3)


def test_conjugate_transposes_of_real_tensors() -> None:
    with pytest.raises(RuntimeError, match="2-D"):
        _ = tg.ones(3).H
    with pytest.raises(RuntimeError, match="matrices"):
        _ = tg.ones(3).mH
    with pytest.raises(RuntimeError, match="matrices"):
        tg.ones(3).adjoint()
    assert tg.tensor(2.0).H.item() == 2.0


def test_apply_and_map_run_python_functions_on_the_cpu() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], device="cpu")
    assert x.apply_(lambda v: v * 10).tolist() == [10.0, 20.0, 30.0]
    assert x.map_(tg.tensor([1.0], device="cpu"), lambda v, w: v + w).tolist() == [11.0, 21.0, 31.0]
    with pytest.raises(RuntimeError, match="requires grad"):
        tg.ones(2, requires_grad=True, device="cpu").apply_(lambda v: v)
    with pytest.raises(TypeError, match="callable"):
        x.apply_(3)
    if tg.get_default_device() != "cpu":
        with pytest.raises(TypeError, match="CPU"):
            tg.ones(2).apply_(lambda v: v)


def test_in_place_spellings_write_into_the_tensor() -> None:
    x = tg.tensor([1.0, -2.0])
    x.negative_()
    x.multiply_(2.0)
    x.divide_(4.0)
    assert x.tolist() == [-0.5, 1.0]
    x.absolute_()
    x.subtract_(tg.tensor([1.0, 1.0]), alpha=0.5)
    assert x.tolist() == [0.0, 0.5]
    y = tg.tensor([1.0, 2.0])
    y.mvlgamma_(1)
    np.testing.assert_allclose(y.numpy(), [0.0, 0.0], atol=1e-6)
    z = tg.zeros(3, 2)
    z.index_put_((tg.tensor([0, 2]),), tg.tensor([1.0, 2.0]))
    assert z.tolist() == [[1.0, 2.0], [0.0, 0.0], [1.0, 2.0]]
    assert tg.zero_(tg.ones(2)).tolist() == [0.0, 0.0]
    assert tg.fill(tg.ones(2, dtype=tg.int64), 7).tolist() == [7, 7]
    w = tg.tensor([-1.0, 2.0])
    assert tg.relu_(w) is w and w.tolist() == [0.0, 2.0]


# -- bad inputs, as PyTorch raises them -----------------------------------------------------------


@pytest.mark.parametrize(
    "call, kind, words",
    [
        (lambda: tg.hstack([]), ValueError, "non-empty"),
        (lambda: tg.hsplit(tg.ones(3, 5), 2), RuntimeError, "not divisible"),
        (lambda: tg.vsplit(tg.ones(5), 2), RuntimeError, "at least 2"),
        (lambda: tg.dsplit(tg.ones(2, 2), 2), RuntimeError, "at least 3"),
        (lambda: tg.broadcast_shapes((2, 3), (4, 3)), RuntimeError, "Shape mismatch"),
        (lambda: tg.broadcast_tensors(tg.ones(2), tg.ones(3)), RuntimeError, "Shape mismatch"),
        (lambda: tg.inner(tg.ones(2, 3), tg.ones(4)), RuntimeError, "last dimension must match"),
        (lambda: tg.chain_matmul(tg.ones(2, 3), tg.ones(2, 3)), RuntimeError, "cannot be multiplied"),
        (lambda: tg.cov(tg.ones(2, 2, 2)), RuntimeError, "two or fewer dimensions"),
        (lambda: tg.cov(tg.ones(2, 3), fweights=tg.ones(3)), RuntimeError, "integral"),
        (lambda: tg.cov(tg.ones(2, 3), fweights=tg.tensor([1, -1, 1])), RuntimeError, "negative"),
        (lambda: tg.cov(tg.ones(2, 3), aweights=tg.ones(4)), RuntimeError, "numel"),
        (lambda: tg.vander(tg.ones(3), N=-1), RuntimeError, "non-negative"),
        (lambda: tg.vander(tg.ones(2, 2)), RuntimeError, "one-dimensional"),
        (lambda: tg.combinations(tg.ones(2, 2)), RuntimeError, "1D"),
        (lambda: tg.unravel_index(tg.tensor([1.0]), (2, 3)), TypeError, "integer"),
        (lambda: tg.unravel_index(tg.tensor([6]), (2, 3)), IndexError, "out of bounds"),
        (lambda: tg.trapezoid(tg.ones(3), tg.ones(4)), RuntimeError, "one `x` value"),
        (lambda: tg.trapezoid(tg.ones(3), tg.ones(3), dx=2), TypeError, "not both"),
        (lambda: tg.histogram(tg.ones(3), 0), RuntimeError, "bins must be > 0"),
        (lambda: tg.histogram(tg.ones(3), 3, range=(2.0, 1.0)), RuntimeError, "min should not exceed max"),
        (lambda: tg.histogram(tg.tensor([1, 2]), 3), TypeError, "floating"),
        (lambda: tg.histogramdd(tg.ones(3), 2), RuntimeError, "at least 2 dimensions"),
        (lambda: tg.histogramdd(tg.ones(3, 2), [2]), RuntimeError, "expected 2"),
        (lambda: tg.histogramdd(tg.ones(3, 2), 2, range=[0.0, 1.0]), RuntimeError, "expected 4"),
        (lambda: tg.select_scatter(tg.zeros(3, 4), tg.ones(4), 1, 0), RuntimeError, "src size"),
        (lambda: tg.select_scatter(tg.zeros(3, 4), tg.ones(3), 1, 4), IndexError, "out of range"),
        (lambda: tg.slice_scatter(tg.zeros(4, 2), tg.ones(3, 2), 0, 0, 2), RuntimeError, "src size"),
        (lambda: tg.diagonal_scatter(tg.zeros(3, 3), tg.ones(2)), RuntimeError, "src size"),
        (lambda: tg.index_put(tg.zeros(3), (tg.tensor([0]),), tg.tensor([5])), RuntimeError, "dtype"),
        (lambda: tg.index_put(tg.zeros(3), (tg.tensor([5]),), tg.tensor(1.0)), IndexError, "out of bounds"),
        (lambda: tg.index_put(tg.zeros(3), (tg.tensor([0.0]),), tg.tensor(1.0)), IndexError, "long"),
        (lambda: tg.index_put(tg.zeros(3), (tg.tensor([0, 1]),), tg.ones(3)), RuntimeError, "shape mismatch"),
        (
            lambda: tg.index_reduce(tg.zeros(3), 0, tg.tensor([0]), tg.ones(1), "sum"),
            RuntimeError,
            "prod, mean",
        ),
        (lambda: tg.select(tg.ones(2, 3), 1, 3), IndexError, "out of range"),
        (lambda: tg.fliplr(tg.ones(3)), RuntimeError, "2-d"),
        (lambda: tg.flipud(tg.tensor(1.0)), RuntimeError, "1-d"),
        (lambda: tg.positive(tg.tensor([True])), TypeError, "bool"),
        (lambda: tg.hann_window(-1), RuntimeError, "non-negative"),
        (lambda: tg.hann_window(4, dtype=tg.int64), RuntimeError, "floating point"),
        (lambda: tg.range(0, 3, 0), RuntimeError, "nonzero"),
        (lambda: tg.range(3, 0, 1), RuntimeError, "inconsistent"),
        (lambda: tg.empty_strided((2, 3), (1,)), RuntimeError, "strides"),
        (lambda: tg.pdist(tg.ones(3)), RuntimeError, "2D"),
        (lambda: tg.kl_div(tg.ones(2), tg.ones(2), 3), ValueError, "reduction"),
        (lambda: tg.ones(2).split_with_sizes(1), TypeError, "split_sizes"),
    ],
)
def test_bad_inputs_raise_pytorchs_error_kind(call, kind, words) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(kind, match=words):
            call()


# -- creation and randomness ----------------------------------------------------------------------


def test_creation_spellings() -> None:
    with pytest.warns(UserWarning, match="deprecated"):
        assert tg.range(0, 3).tolist() == [0.0, 1.0, 2.0, 3.0]
        assert tg.range(0, 3).dtype == tg.get_default_dtype()
    assert tg.empty_strided((2, 3), (3, 1)).shape == (2, 3)
    tg.manual_seed(0)
    drawn = tg.randint_like(tg.zeros(50, dtype=tg.int32), 3, 6)
    assert drawn.dtype == tg.int32 and drawn.shape == (50,)
    assert set(drawn.tolist()) <= {3, 4, 5}
    assert set(tg.randint_like(tg.zeros(20), 2).tolist()) <= {0.0, 1.0}


def test_seed_and_initial_seed_reproduce_draws() -> None:
    tg.manual_seed(123)
    assert tg.initial_seed() == 123
    chosen = tg.seed()
    assert tg.initial_seed() == chosen and 0 <= chosen < 2**63
    first = tg.rand(3).numpy()
    tg.manual_seed(chosen)
    np.testing.assert_array_equal(tg.rand(3).numpy(), first)


def test_torch_level_dropout_and_in_place_activations() -> None:
    x = tg.ones(4, 5)
    assert tg.dropout(x, 0.5, False) is x or tg.dropout(x, 0.5, False).tolist() == x.tolist()
    tg.manual_seed(0)
    dropped = tg.dropout(x, 0.5, True).numpy()
    assert set(np.unique(dropped)) <= {0.0, 2.0}
    channels = tg.feature_dropout(tg.ones(2, 6, 3), 0.5, True).numpy()
    assert all(
        len(set(row)) == 1 for row in channels.reshape(12, 3).tolist()
    )  # whole channels kept or dropped
    y = tg.tensor([-1.0, 0.5])
    tg.threshold_(y, 0.0, 9.0)
    assert y.tolist() == [9.0, 0.5]
    values, indices = tg.max_pool1d_with_indices(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    assert values.tolist() == [[[3.0, 2.0]]] and indices.tolist() == [[[1, 2]]]
    assert tg.embedding(tg.eye(3), tg.tensor([2, 0]), padding_idx=0).tolist() == [
        [0.0, 0.0, 1.0],
        [1.0, 0.0, 0.0],
    ]


def test_in_place_comparisons_products_and_transposes() -> None:
    x = tg.tensor([1.0, 3.0, 5.0])
    x.ge_(3.0)
    assert x.tolist() == [0.0, 1.0, 1.0] and x.dtype == tg.float32
    y = tg.tensor([1, 3, 5])
    y.less_(tg.tensor([2, 2, 9]))
    assert y.tolist() == [1, 0, 1] and y.dtype == tg.int64
    m = tg.ones(2, 2, dtype=tg.float64)
    m.addmm_(tg.eye(2, dtype=tg.float64), tg.eye(2, dtype=tg.float64) * 3, beta=2)
    assert m.tolist() == [[5.0, 2.0], [2.0, 5.0]]
    t = tg.arange(6.0).reshape(2, 3)
    t.swapaxes_(0, 1)
    assert t.shape == (3, 2) and t[0].tolist() == [0.0, 3.0]
    with pytest.raises(RuntimeError):
        tg.ones(2, 3, requires_grad=True).transpose_(0, 1)


def test_free_in_place_functions_change_their_argument() -> None:
    x = tg.tensor([-1.5, 2.5])
    assert tg.abs_(x) is x and x.tolist() == [1.5, 2.5]
    tg.clamp_(x, max=2.0)
    tg.floor_(x)
    assert x.tolist() == [1.0, 2.0]
    tg.fill_(x, 4.0)
    tg.sqrt_(x)
    assert x.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError):
        tg.exp_(tg.ones(2, requires_grad=True))


def test_real_tensors_are_their_own_conjugates() -> None:
    x = tg.tensor([1.0, -2.0])
    assert tg.conj(x) is x and x.resolve_conj() is x and tg.real(x) is x
    assert not tg.is_conj(x) and not x.is_neg()
    assert tg.vdot(x, x).item() == 5.0
    with pytest.raises(RuntimeError, match="non-complex"):
        tg.imag(x)
    assert x.byte().dtype == tg.uint8 and x.char().dtype == tg.int8


def test_constants_and_padding() -> None:
    assert (tg.pi, tg.e, tg.inf, tg.newaxis) == (np.pi, np.e, np.inf, None) and np.isnan(tg.nan)
    assert tg.ones(2)[:, tg.newaxis].shape == (2, 1)
    padded = tg.constant_pad_nd(tg.ones(1, 2), [1, 2], -1.0)
    assert padded.tolist() == [[-1.0, 1.0, 1.0, -1.0, -1.0]]


def test_printoptions_change_how_tensors_print() -> None:
    x = tg.tensor([1.123456, 2.5])
    try:
        tg.set_printoptions(precision=2)
        assert "1.12" in repr(x) and "1.1235" not in repr(x)
        tg.set_printoptions(threshold=3, edgeitems=1)
        assert "..." in repr(tg.arange(10))
        tg.set_printoptions(sci_mode=True)
        assert "e+00" in repr(x)
        with pytest.raises(ValueError, match="profile"):
            tg.set_printoptions(profile="long")
    finally:
        tg.set_printoptions(profile="default")
    assert repr(x).startswith("tensor([1.1235, 2.5000]")  # PyTorch gives every element the same decimals


def test_nonzero_static_asarray_and_device_facts() -> None:
    assert tg.nonzero_static(tg.tensor([0, 1, 0, 2]), size=3).tolist() == [[1], [3], [-1]]
    assert tg.tensor([[1, 1], [1, 1]]).nonzero_static(size=1, fill_value=7).tolist() == [[0, 0]]
    x = tg.ones(2, dtype=tg.float64)
    assert tg.asarray(x) is x and tg.asarray(x, copy=True) is not x
    assert tg.asarray([1, 2]).dtype == tg.int64 and tg.asarray(x, dtype=tg.float32).dtype == tg.float32
    with pytest.raises(ValueError, match="copy"):
        tg.asarray(x, dtype=tg.float32, copy=False)
    assert x.new_empty_strided((2, 3), (3, 1)).dtype == tg.float64
    assert not (x.is_meta or x.is_mps or x.is_xla)
    assert isinstance(x.dtype, tg.dtype) and tg.Size([2, 3]) == x.new_zeros(2, 3).shape
