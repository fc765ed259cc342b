"""Round 10's closed differences from PyTorch 2.13 (fixtures from tests/fixtures/make_parity_round10.py):
max pools over NaN (the last NaN wins: value, index and gradient), averages over ±inf, strides and
contiguity of views, nn.Buffer becoming a plain Tensor once registered; and the linear-algebra and
special-function leftovers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.nn import functional as F

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "parity_round10.npz")


# ---------------------------------------------------------------------------------------------
# Max pooling over NaN: PyTorch's loop keeps `val > max || isnan(val)`, so the last NaN wins

_NAN_POOLS = {
    "max_pool1d": (F.max_pool1d, "signal", dict(kernel_size=3, stride=2, padding=1)),
    "max_pool2d": (F.max_pool2d, "image", dict(kernel_size=3, stride=2, padding=1)),
    "max_pool3d": (F.max_pool3d, "volume", dict(kernel_size=2)),
    "adaptive_max_pool1d": (F.adaptive_max_pool1d, "signal", dict(output_size=3)),
    "adaptive_max_pool2d": (F.adaptive_max_pool2d, "image", dict(output_size=(2, 4))),
    "adaptive_max_pool3d": (F.adaptive_max_pool3d, "volume", dict(output_size=(1, 2, 3))),
}


@pytest.mark.parametrize("name", list(_NAN_POOLS))
@pytest.mark.parametrize("return_indices", [True, False])
def test_max_pools_route_value_index_and_gradient_to_the_last_nan_as_pytorch(
    name: str, return_indices: bool
) -> None:
    pool, data, kwargs = _NAN_POOLS[name]
    x = tg.tensor(FIXTURES[data], requires_grad=True)
    result = pool(x, return_indices=return_indices, **kwargs)
    values = result[0] if return_indices else result
    np.testing.assert_array_equal(values.numpy(), FIXTURES[f"{name}_values"])
    if return_indices:
        np.testing.assert_array_equal(result[1].numpy(), FIXTURES[f"{name}_indices"])
    weights = tg.arange(values.numel(), dtype=tg.float64).reshape(*values.shape) + 1
    values.backward(weights)
    np.testing.assert_array_equal(x.grad.numpy(), FIXTURES[f"{name}_grad"])


def test_max_pool_modules_agree_with_the_functions_over_nan() -> None:
    x = tg.tensor(FIXTURES["image"])
    _, indices = nn.MaxPool2d(3, 2, 1, return_indices=True)(x)
    np.testing.assert_array_equal(indices.numpy(), FIXTURES["max_pool2d_indices"])
    _, indices = nn.AdaptiveMaxPool2d((2, 4), return_indices=True)(x)
    np.testing.assert_array_equal(indices.numpy(), FIXTURES["adaptive_max_pool2d_indices"])
    _, indices = nn.MaxPool1d(3, 2, 1, return_indices=True)(tg.tensor(FIXTURES["signal"]))
    np.testing.assert_array_equal(indices.numpy(), FIXTURES["max_pool1d_indices"])


def test_max_pool_create_graph_routes_the_second_derivative_to_the_last_nan() -> None:
    x = tg.tensor(FIXTURES["image"], requires_grad=True)
    (grad,) = tg.autograd.grad(F.max_pool2d(x, 3, 2, 1).sum(), x, create_graph=True)
    np.testing.assert_array_equal(grad.detach().numpy() != 0, FIXTURES["max_pool2d_grad"] != 0)


# ---------------------------------------------------------------------------------------------
# Averages over ±inf: each bin's own sum, as PyTorch (no 0·inf from averaging matrices)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_adaptive_and_plain_average_pools_keep_infinities_as_pytorch() -> None:
    rows = tg.tensor(FIXTURES["rows"])
    for bins in (3, 4, 7):
        np.testing.assert_allclose(
            F.adaptive_avg_pool1d(rows, bins).numpy(), FIXTURES[f"adaptive_avg_pool1d_{bins}"], rtol=1e-6
        )
    plane = rows.reshape(1, 1, 1, 11).expand(1, 1, 2, 11)
    np.testing.assert_allclose(
        F.adaptive_avg_pool2d(plane, (2, 4)).numpy(), FIXTURES["adaptive_avg_pool2d"], rtol=1e-6
    )
    volume = rows.reshape(1, 1, 1, 1, 11)
    np.testing.assert_allclose(
        nn.AdaptiveAvgPool3d((1, 1, 5))(volume).numpy(), FIXTURES["adaptive_avg_pool3d"], rtol=1e-6
    )
    np.testing.assert_allclose(
        F.avg_pool1d(rows, 3, 2, 1, count_include_pad=False).numpy(), FIXTURES["avg_pool1d"], rtol=1e-6
    )
    plane = rows[..., :10].reshape(1, 1, 2, 5)
    np.testing.assert_allclose(
        F.avg_pool2d(plane, (2, 2), 1, ceil_mode=True).numpy(), FIXTURES["avg_pool2d"], rtol=1e-6
    )


def test_adaptive_average_over_infinities_has_pytorchs_gradient() -> None:
    x = tg.tensor(FIXTURES["rows"].astype(np.float64), requires_grad=True)
    F.adaptive_avg_pool1d(x, 4).backward(tg.arange(4.0, dtype=tg.float64).reshape(1, 1, 4) + 1)
    np.testing.assert_allclose(x.grad.numpy(), FIXTURES["adaptive_avg_pool1d_grad"], rtol=1e-12)


def test_adaptive_average_of_finite_inputs_is_unchanged_by_the_infinite_path() -> None:
    x = tg.tensor(np.random.default_rng(0).normal(size=(2, 3, 7, 5)))
    pooled = F.adaptive_avg_pool2d(x, (3, 2)).numpy()
    bins_h = [(i * 7 // 3, -(-(i + 1) * 7 // 3)) for i in range(3)]
    bins_w = [(j * 5 // 2, -(-(j + 1) * 5 // 2)) for j in range(2)]
    expected = np.array([[x.numpy()[..., a:b, c:d].mean((-2, -1)) for c, d in bins_w] for a, b in bins_h])
    np.testing.assert_allclose(pooled, expected.transpose(2, 3, 0, 1), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Strides: PyTorch's for views, row-major for memory of a tensor's own


def test_views_report_pytorchs_strides_and_offsets() -> None:
    x = tg.zeros(2, 3)
    assert x.stride() == (3, 1) and x.is_contiguous()
    assert x.t().stride() == (1, 3) and not x.t().is_contiguous() and x.t().stride(0) == 1
    assert x.permute(1, 0).stride() == (1, 3) and x.transpose(0, 1).stride(-1) == 3
    assert x.expand(4, 2, 3).stride() == (0, 3, 1) and not x.expand(4, 2, 3).is_contiguous()
    assert tg.zeros(2, 1).expand(2, 5).stride() == (1, 0)
    assert x[:, ::2].stride() == (3, 2) and x[1].stride() == (1,) and x[:, 1].stride() == (3,)
    assert (
        x[:, 1].storage_offset() == 1
        and x[1].storage_offset() == 3
        and x.narrow(1, 1, 2).storage_offset() == 1
    )
    assert (
        x[None].stride() == (6, 3, 1)
        and x[:, None].stride() == (3, 3, 1)
        and x.unsqueeze(-1).stride() == (3, 1, 1)
    )
    assert x.t().unsqueeze(1).stride() == (1, 6, 3) and x.t().t().stride() == (3, 1)
    assert tg.zeros(3, 4).t().stride() == (1, 4)  # a temporary base: its memory answers
    assert tg.zeros(1, 3).expand(1, 3).is_contiguous() and tg.zeros(3, 1).t().is_contiguous()


def test_contiguous_copies_only_what_is_not_contiguous() -> None:
    x = tg.arange(6.0).reshape(2, 3).requires_grad_()
    assert x.contiguous() is x
    y = x.t().contiguous()
    assert y.stride() == (2, 1) and y.is_contiguous() and y.storage_offset() == 0
    np.testing.assert_array_equal(y.numpy(), np.arange(6.0).reshape(2, 3).T)
    (y * tg.arange(6.0).reshape(3, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(6.0).reshape(3, 2).T)
    assert x.t().reshape(6).stride() == (1,)  # a copy, as PyTorch's reshape makes there


def test_parameters_report_pytorchs_layout_whatever_our_arrays_order() -> None:
    weight = nn.Linear(3, 4).weight  # kept column by column for BLAS, contiguous to PyTorch
    assert weight.stride() == (3, 1) and weight.is_contiguous() and weight.t().stride() == (1, 3)


def test_channels_last_contiguity_follows_pytorchs_rule() -> None:
    x = tg.zeros(2, 3, 4, 5)
    assert x.is_contiguous(memory_format=tg.contiguous_format)
    assert not x.is_contiguous(memory_format=tg.channels_last)
    assert (
        x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).is_contiguous(memory_format=tg.channels_last)
    )
    assert tg.zeros(2, 1, 4, 5).is_contiguous(memory_format=tg.channels_last)
    assert not tg.zeros(3, 4).is_contiguous(memory_format=tg.channels_last)


# ---------------------------------------------------------------------------------------------
# nn.Buffer: a module keeps the plain Tensor, still a Buffer to isinstance


def test_an_assigned_buffer_becomes_a_plain_tensor_on_the_same_data() -> None:
    module = nn.Module()
    source = tg.tensor([1.0, 1.0])
    module.running = nn.Buffer(source, persistent=False)
    assert type(module.running) is tg.Tensor and isinstance(module.running, nn.Buffer)
    assert not isinstance(source, nn.Buffer) and list(module.state_dict()) == []
    source[:] = 2.0  # the module's tensor shares the memory
    np.testing.assert_array_equal(module.running.numpy(), [2.0, 2.0])
    other = nn.Module()
    other.copied = module.running  # still a buffer, with its persistence
    assert [name for name, _ in other.named_buffers()] == ["copied"] and list(other.state_dict()) == []
    module.register_buffer("kept", nn.Buffer(tg.zeros(1), persistent=False))  # the argument decides
    assert type(module.kept) is tg.Tensor and list(module.state_dict()) == ["kept"]


# ---------------------------------------------------------------------------------------------
# LU factorisation (linalg.lu_factor / lu / lu_solve, torch.lu / lu_unpack / lu_solve)


@pytest.mark.parametrize("name", ["square", "wide", "tall"])
def test_lu_factor_matches_pytorchs_factors_pivots_and_gradient(name: str) -> None:
    A = tg.tensor(FIXTURES[f"lu_{name}_A"], requires_grad=True)
    LU, pivots = tg.linalg.lu_factor(A)
    np.testing.assert_allclose(LU.numpy(), FIXTURES[f"lu_{name}_LU"], rtol=1e-10, atol=1e-12)
    assert pivots.dtype == np.int32
    np.testing.assert_array_equal(pivots.numpy(), FIXTURES[f"lu_{name}_pivots"])
    (LU * tg.tensor(FIXTURES[f"lu_{name}_weights"])).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), FIXTURES[f"lu_{name}_grad"], rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", ["square", "wide", "tall"])
def test_linalg_lu_gives_p_l_u_with_pytorchs_gradient(name: str) -> None:
    A = tg.tensor(FIXTURES[f"lu_{name}_A"], requires_grad=True)
    P, L, U = tg.linalg.lu(A)
    for got, key in ((P, "P"), (L, "L"), (U, "U")):
        np.testing.assert_allclose(got.numpy(), FIXTURES[f"lu_{name}_{key}"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose((P @ L @ U).numpy(), FIXTURES[f"lu_{name}_A"], atol=1e-12)
    (L.sum() + (U * U).sum()).backward()
    np.testing.assert_allclose(A.grad.numpy(), FIXTURES[f"lu_{name}_plu_grad"], rtol=1e-9, atol=1e-10)
    P2, L2, U2 = tg.lu_unpack(*tg.linalg.lu_factor(A))
    np.testing.assert_array_equal(P2.numpy(), P.numpy())
    np.testing.assert_array_equal(L2.numpy(), L.numpy())


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_matches_pytorch_left_right_and_adjoint(left: bool, adjoint: bool) -> None:
    A = tg.tensor(FIXTURES["solve_A"], requires_grad=True)
    rhs = FIXTURES["solve_B"]
    B = tg.tensor(rhs if left else rhs.transpose(0, 2, 1).copy(), requires_grad=True)
    LU, pivots = tg.linalg.lu_factor(A)
    X = tg.linalg.lu_solve(LU, pivots, B, left=left, adjoint=adjoint)
    key = f"lu_solve_{int(left)}{int(adjoint)}"
    np.testing.assert_allclose(X.numpy(), FIXTURES[f"{key}_X"], rtol=1e-10)
    (X * X).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), FIXTURES[f"{key}_gA"], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(B.grad.numpy(), FIXTURES[f"{key}_gB"], rtol=1e-8, atol=1e-10)


def test_torch_lu_and_lu_solve_spellings() -> None:
    A = tg.tensor(FIXTURES["solve_A"])
    with pytest.warns(UserWarning, match="deprecated"):
        LU, pivots, infos = tg.lu(A, get_infos=True)
    np.testing.assert_array_equal(infos.numpy(), [0, 0])
    B = tg.tensor(FIXTURES["solve_B"])
    np.testing.assert_allclose(B.lu_solve(LU, pivots).numpy(), FIXTURES["lu_solve_10_X"], rtol=1e-10)
    np.testing.assert_allclose(tg.lu_solve(B, LU, pivots).numpy(), FIXTURES["lu_solve_10_X"], rtol=1e-10)
    P, L, U = tg.lu_unpack(LU, pivots, unpack_data=False)
    assert L.shape == (0,) and U.shape == (0,) and P.shape == (2, 3, 3)


def test_lu_of_singular_matrices_reports_the_zero_pivot_as_pytorch() -> None:
    singular = tg.tensor([[1.0, 2.0], [2.0, 4.0]])
    LU, pivots, info = tg.linalg.lu_factor_ex(singular)
    np.testing.assert_allclose(LU.numpy(), [[2.0, 4.0], [0.5, 0.0]])
    assert pivots.numpy().tolist() == [2, 2] and info.item() == 2
    with pytest.raises(RuntimeError, match=r"U\[2,2\] is zero"):
        tg.linalg.lu_factor(singular)
    with pytest.raises(RuntimeError, match="is zero"):
        tg.linalg.lu_factor_ex(singular, check_errors=True)
    P, L, U = tg.linalg.lu(tg.zeros(2, 2))  # fine without a solve: PyTorch's identity P and L
    np.testing.assert_array_equal(P.numpy(), np.eye(2))
    np.testing.assert_array_equal(L.numpy(), np.eye(2))
    assert tg.linalg.lu_factor_ex(tg.zeros(2, 2)).info.item() == 1


def test_lu_refuses_what_pytorch_refuses() -> None:
    with pytest.raises(NotImplementedError):
        tg.linalg.lu_factor(tg.tensor([[1, 2], [3, 4]]))
    with pytest.raises(RuntimeError, match="2 dimensions"):
        tg.linalg.lu_factor(tg.tensor([1.0, 2.0]))
    LU, pivots = tg.linalg.lu_factor(tg.eye(3))
    with pytest.raises(RuntimeError, match="Incompatible shapes"):
        tg.linalg.lu_solve(LU, pivots, tg.ones(2, 1))
    wide, wide_pivots = tg.linalg.lu_factor(tg.tensor(FIXTURES["lu_wide_A"]))
    with pytest.raises(RuntimeError, match="square"):
        tg.linalg.lu_solve(wide, wide_pivots, tg.ones(3, 1, dtype=tg.float64))


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("unit", [False, True])
def test_triangular_solve_matches_pytorch(upper: bool, transpose: bool, unit: bool) -> None:
    A, b = tg.tensor(FIXTURES["tri_A"], requires_grad=True), tg.tensor(FIXTURES["tri_b"], requires_grad=True)
    with pytest.warns(UserWarning, match="deprecated"):
        X, copy = tg.triangular_solve(b, A, upper=upper, transpose=transpose, unitriangular=unit)
    key = f"tri_{int(upper)}{int(transpose)}{int(unit)}"
    np.testing.assert_allclose(X.numpy(), FIXTURES[f"{key}_X"], rtol=1e-10)
    np.testing.assert_array_equal(copy.numpy(), FIXTURES["tri_A"])
    (X * X).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), FIXTURES[f"{key}_gA"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), FIXTURES[f"{key}_gB"], rtol=1e-9, atol=1e-12)


def test_removed_torch_lstsq_is_pytorchs_runtime_error() -> None:
    x = tg.eye(2)
    with pytest.raises(RuntimeError, match="linalg.lstsq"):
        tg.lstsq(x, x)
    with pytest.raises(RuntimeError, match="linalg.lstsq"):
        x.lstsq(x)


# ---------------------------------------------------------------------------------------------
# The regularised incomplete gamma functions


def test_gammainc_and_gammaincc_match_pytorch_over_a_wide_grid() -> None:
    a, x = tg.tensor(FIXTURES["gamma_a"]), tg.tensor(FIXTURES["gamma_x"], requires_grad=True)
    P = tg.special.gammainc(a, x)
    # PyTorch is within 1e-9 of the exact value (mpmath's) there, ours within 1e-12.
    np.testing.assert_allclose(P.numpy(), FIXTURES["gammainc_exact"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(P.numpy(), FIXTURES["gammainc"], rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(
        tg.special.gammaincc(a, x).numpy(), FIXTURES["gammaincc"], rtol=1e-9, atol=1e-14
    )
    np.testing.assert_allclose(tg.igamma(a, x).numpy(), FIXTURES["gammainc"], rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(a.igammac(x).numpy(), FIXTURES["gammaincc"], rtol=1e-9, atol=1e-14)
    P.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), FIXTURES["gammainc_grad"], rtol=1e-9, atol=1e-14)
    single = tg.special.gammainc(a.float(), x.detach().float())
    assert single.dtype == tg.float32
    np.testing.assert_allclose(single.numpy(), FIXTURES["gammainc32"], rtol=2e-5, atol=1e-6)


def test_incomplete_gamma_edges_and_errors_as_pytorch() -> None:
    inf, nan = float("inf"), float("nan")
    a = tg.tensor([0.0, 1.0, -1.0, 2.0, 2.0, inf, 1.0, 0.0])
    x = tg.tensor([1.0, 0.0, 1.0, -1.0, inf, 3.0, nan, 0.0])
    np.testing.assert_array_equal(tg.special.gammainc(a, x).numpy(), [1, 0, nan, nan, 1, 0, nan, nan])
    np.testing.assert_array_equal(tg.special.gammaincc(a, x).numpy(), [0, 1, nan, nan, 0, 1, nan, nan])
    with pytest.raises(NotImplementedError):
        tg.special.gammainc(tg.tensor([1, 2]), tg.tensor([1, 2]))
    shape = tg.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="igamma: input"):
        tg.special.gammainc(shape, tg.tensor([1.0])).backward()


# ---------------------------------------------------------------------------------------------
# narrow_copy, resize, random fills


def test_narrow_copy_is_a_differentiable_copy() -> None:
    x = tg.arange(6.0).reshape(2, 3).requires_grad_()
    part = tg.narrow_copy(x, 1, 1, 2)
    np.testing.assert_array_equal(part.numpy(), [[1, 2], [4, 5]])
    assert part.stride() == (2, 1) and part.storage_offset() == 0
    part.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 1], [0, 1, 1]])
    with pytest.raises(RuntimeError):
        x.narrow_copy(1, 2, 2)


def test_out_of_place_resize_warns_and_leaves_the_tensor_as_it_was() -> None:
    x = tg.arange(6.0).reshape(2, 3)
    with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
        y = x.resize(3, 2)
    assert y.shape == (3, 2) and x.shape == (2, 3)
    with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
        assert x.resize_as(tg.zeros(6)).shape == (6,)
    w = tg.ones(2, requires_grad=True)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="preserving the number of elements"):
        w.resize(3)


def test_cauchy_geometric_and_log_normal_fills_follow_the_seed_and_their_laws() -> None:
    tg.manual_seed(3)
    first = tg.empty(20_000, dtype=tg.float64).cauchy_(median=2.0, sigma=0.5)
    tg.manual_seed(3)
    np.testing.assert_array_equal(tg.empty(20_000, dtype=tg.float64).cauchy_(2.0, 0.5).numpy(), first.numpy())
    quartiles = np.quantile(first.numpy(), [0.25, 0.5, 0.75])
    np.testing.assert_allclose(quartiles, [1.5, 2.0, 2.5], atol=0.03)
    trials = tg.empty(20_000, dtype=tg.int64).geometric_(0.25)
    assert trials.dtype == tg.int64 and trials.numpy().min() >= 1
    assert abs(trials.numpy().mean() - 4.0) < 0.1  # E = 1/p
    draws = tg.empty(20_000, dtype=tg.float64).log_normal_(mean=1.0, std=0.5)
    logs = np.log(draws.numpy())
    assert abs(logs.mean() - 1.0) < 0.02 and abs(logs.std() - 0.5) < 0.02


def test_random_fills_refuse_what_pytorch_refuses() -> None:
    with pytest.raises(RuntimeError, match="p to be in"):
        tg.empty(3).geometric_(1.0)
    with pytest.raises(RuntimeError, match="sigma > 0"):
        tg.empty(3).cauchy_(sigma=0.0)
    with pytest.raises(RuntimeError, match="std > 0"):
        tg.empty(3).log_normal_(std=-1.0)
    with pytest.raises(RuntimeError, match="floating point"):
        tg.empty(3, dtype=tg.int64).cauchy_()
    with pytest.raises(NotImplementedError):
        tg.empty(3, dtype=tg.int64).log_normal_()


# ---------------------------------------------------------------------------------------------
# F.multi_head_attention_forward


def _mha(name: str, grad: bool = False) -> tg.Tensor:
    value = FIXTURES[f"mha_{name}"]
    return tg.tensor(value, requires_grad=grad and value.dtype != bool)


def test_multi_head_attention_forward_matches_pytorch_with_biases_masks_and_zero_attention() -> None:
    query, in_proj, bias_k = _mha("query", True), _mha("in_proj_weight", True), _mha("bias_k", True)
    output, weights = F.multi_head_attention_forward(
        query, _mha("key"), _mha("value"), 6, 2, in_proj, _mha("in_proj_bias"), bias_k, _mha("bias_v"),
        True, 0.0, _mha("out_proj_weight"), _mha("out_proj_bias"),
        key_padding_mask=_mha("key_padding_mask"), attn_mask=_mha("attn_mask"),
    )  # fmt: skip
    np.testing.assert_allclose(output.numpy(), FIXTURES["mha_output"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), FIXTURES["mha_weights"], rtol=1e-10, atol=1e-12)
    (output * output).sum().backward()
    for tensor, key in ((query, "query"), (in_proj, "in_proj"), (bias_k, "bias_k")):
        np.testing.assert_allclose(tensor.grad.numpy(), FIXTURES[f"mha_g_{key}"], rtol=1e-9, atol=1e-11)


def test_multi_head_attention_forward_with_separate_projections() -> None:
    output, weights = F.multi_head_attention_forward(
        _mha("query"), _mha("key_small"), _mha("value_small"), 6, 2, None, _mha("in_proj_bias"), None, None,
        False, 0.0, _mha("out_proj_weight"), None, use_separate_proj_weight=True,
        q_proj_weight=_mha("q_proj_weight"), k_proj_weight=_mha("k_proj_weight"),
        v_proj_weight=_mha("v_proj_weight"), average_attn_weights=False,
    )  # fmt: skip
    np.testing.assert_allclose(output.numpy(), FIXTURES["mha_separate_output"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), FIXTURES["mha_separate_weights"], rtol=1e-10, atol=1e-12)


def test_multi_head_attention_forward_asserts_as_pytorch() -> None:
    q = tg.zeros(3, 2, 4)
    weight, out = tg.zeros(12, 4), tg.zeros(4, 4)
    with pytest.raises(AssertionError, match="expecting embedding dimension of 5"):
        F.multi_head_attention_forward(q, q, q, 5, 2, weight, None, None, None, False, 0.0, out, None)
    with pytest.raises(AssertionError, match="in_proj_weight is None"):
        F.multi_head_attention_forward(q, q, q, 4, 2, None, None, None, None, False, 0.0, out, None)
    with pytest.raises(AssertionError, match="not divisible"):
        F.multi_head_attention_forward(q, q, q, 4, 3, weight, None, None, None, False, 0.0, out, None)


# ---------------------------------------------------------------------------------------------
# Householder QR: geqrf, householder_product (orgqr), ormqr


def test_geqrf_gives_lapacks_householder_form_and_no_derivative() -> None:
    A = tg.tensor(FIXTURES["qr_A"], requires_grad=True)
    a, tau = tg.geqrf(A)
    np.testing.assert_allclose(a.numpy(), FIXTURES["geqrf_a"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tau.numpy(), FIXTURES["geqrf_tau"], rtol=1e-10)
    with pytest.raises(NotImplementedError, match="geqrf"):
        a.sum().backward()
    zero = tg.zeros(2, 2, dtype=tg.float64)
    assert zero.geqrf().tau.numpy().tolist() == [0.0, 0.0]


def test_householder_product_is_geqrfs_q_with_pytorchs_gradients() -> None:
    a = tg.tensor(FIXTURES["geqrf_a"], requires_grad=True)
    tau = tg.tensor(FIXTURES["geqrf_tau"], requires_grad=True)
    Q = tg.linalg.householder_product(a, tau)
    np.testing.assert_allclose(Q.numpy(), FIXTURES["householder_Q"], rtol=1e-10, atol=1e-12)
    R = np.triu(FIXTURES["geqrf_a"][:, :3])
    np.testing.assert_allclose(Q.numpy() @ R, FIXTURES["qr_A"], atol=1e-12)
    (Q * Q.detach().flip(-1)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), FIXTURES["householder_ga"], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(tau.grad.numpy(), FIXTURES["householder_gtau"], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(tg.orgqr(a, tau).numpy(), Q.numpy())
    with pytest.raises(RuntimeError, match="greater than or equal"):
        tg.linalg.householder_product(a.mT, tau)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
def test_ormqr_multiplies_by_q_as_pytorch(left: bool, transpose: bool) -> None:
    a = tg.tensor(FIXTURES["geqrf_a"], requires_grad=True)
    tau = tg.tensor(FIXTURES["geqrf_tau"], requires_grad=True)
    other = FIXTURES["qr_C"]
    C = tg.tensor(other if left else other.transpose(0, 2, 1).copy(), requires_grad=True)
    product = tg.ormqr(a, tau, C, left=left, transpose=transpose)
    key = f"ormqr_{int(left)}{int(transpose)}"
    np.testing.assert_allclose(product.numpy(), FIXTURES[key], rtol=1e-10, atol=1e-12)
    (product * product.detach().cos()).sum().backward()
    for tensor, name in ((a, "ga"), (tau, "gtau"), (C, "gC")):
        np.testing.assert_allclose(tensor.grad.numpy(), FIXTURES[f"{key}_{name}"], rtol=1e-9, atol=1e-11)
    with pytest.raises(RuntimeError, match="must be equal"):
        tg.ormqr(a, tau, C[..., :3, :] if left else C[..., :3])


# ---------------------------------------------------------------------------------------------
# inv_ex / solve_ex: the LU's info instead of an error


def test_inv_ex_and_solve_ex_report_singular_matrices_by_info() -> None:
    data = np.array([[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [2.0, 4.0]]])
    A = tg.tensor(data, requires_grad=True)
    inverse, info = tg.linalg.inv_ex(A)
    assert info.dtype == np.int32 and info.numpy().tolist() == [0, 2]  # PyTorch's infos
    np.testing.assert_allclose(inverse[0].numpy(), np.linalg.inv(data[0]), rtol=1e-12)
    assert np.isnan(inverse[1].numpy()).all()  # undefined in PyTorch (±inf there)
    inverse[0].sum().backward()
    expected = -(np.linalg.inv(data[0]).T @ np.ones((2, 2)) @ np.linalg.inv(data[0]).T)
    np.testing.assert_allclose(A.grad.numpy()[0], expected, rtol=1e-12)
    result, info = tg.linalg.solve_ex(tg.tensor(data), tg.tensor([1.0, 1.0], dtype=tg.float64))
    np.testing.assert_allclose(result[0].numpy(), [-1.0, 1.0], rtol=1e-12)
    assert info.numpy().tolist() == [0, 2] and np.isnan(result[1].numpy()).all()
    with pytest.raises(RuntimeError, match="diagonal element 2 is zero"):
        tg.linalg.inv_ex(tg.tensor(data[1]), check_errors=True)
    with pytest.raises(RuntimeError, match="singular"):
        tg.linalg.solve_ex(tg.tensor(data[1]), tg.ones(2, 1, dtype=tg.float64), check_errors=True)
