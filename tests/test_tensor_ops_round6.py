"""Round-6 tensor ops against PyTorch 2.13 (tests/fixtures/tensor_ops_round6.npz, made by
tests/fixtures/make_tensor_ops_round6.py): scatter_reduce, logspace, xlogy, hypot, tg.special, and
gather/index_select refusing negative indices as PyTorch does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "tensor_ops_round6.npz")


def leaf(name: str) -> tg.Tensor:
    return tg.tensor(REFERENCE[name], requires_grad=True)


def check(case: str, out: tg.Tensor, *inputs: tg.Tensor, rtol: float = 1e-10) -> None:
    np.testing.assert_allclose(out.numpy(), REFERENCE[f"{case}_out"], rtol=rtol, atol=1e-12)
    weights = np.arange(out.size).reshape(out.shape) % 7 + 1.0
    (out * tg.tensor(weights)).sum().backward()
    for position, tensor in enumerate(inputs):
        np.testing.assert_allclose(
            tensor.grad.numpy(), REFERENCE[f"{case}_grad{position}"], rtol=rtol, atol=1e-12
        )


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_values_and_gradients_match_pytorch(reduce: str, include_self: bool) -> None:
    base, src = leaf("scatter_in_base"), leaf("scatter_in_src")
    index = tg.tensor(REFERENCE["scatter_in_index"])
    out = base.scatter_reduce(0, index, src, reduce, include_self=include_self)
    check(f"scatter_{reduce}_{int(include_self)}", out, base, src)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_on_integers_along_dim_1_matches_pytorch(reduce: str) -> None:
    base = tg.tensor(REFERENCE["scatter_int_in_base"])
    out = tg.scatter_reduce(
        base,
        1,
        tg.tensor(REFERENCE["scatter_int_in_index"]),
        tg.tensor(REFERENCE["scatter_int_in_src"]),
        reduce,
    )
    assert out.dtype == tg.int64
    np.testing.assert_array_equal(out.numpy(), REFERENCE[f"scatter_int_{reduce}_out"])


def test_scatter_reduce_in_place_and_bad_arguments() -> None:
    x = tg.zeros(3)
    x.scatter_reduce_(0, tg.tensor([0, 0, 2]), tg.tensor([1.0, 2.0, 5.0]), "amax", include_self=False)
    np.testing.assert_array_equal(x.numpy(), [2.0, 0.0, 5.0])
    with pytest.raises(ValueError, match="reduce argument must be"):
        x.scatter_reduce(0, tg.tensor([0]), tg.tensor([1.0]), "max")
    with pytest.raises(IndexError, match="out of bounds"):
        x.scatter_reduce(0, tg.tensor([3]), tg.tensor([1.0]), "sum")
    with pytest.raises(TypeError, match="int64"):
        x.scatter_reduce(0, tg.tensor([0.0]), tg.tensor([1.0]), "sum")
    with pytest.raises(TypeError, match="dtype"):
        x.scatter_reduce(0, tg.tensor([0]), tg.tensor([1]), "sum")


def test_logspace_matches_pytorch() -> None:
    out = tg.logspace(-2, 3, 7)
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), REFERENCE["logspace_out"], rtol=1e-6)
    np.testing.assert_array_equal(
        tg.logspace(0, 10, 11, base=2, dtype=tg.float64).numpy(), REFERENCE["logspace_base2_out"]
    )
    with pytest.raises(TypeError, match="start"):
        tg.logspace("0", 1, 3)


def test_xlogy_is_zero_where_x_is_zero_with_pytorchs_gradients() -> None:
    x, y = leaf("xlogy_in_x"), leaf("xlogy_in_y")
    check("xlogy", tg.xlogy(x, y), x, y)
    assert np.isnan(tg.tensor([0.0]).xlogy(float("nan")).numpy()[0])
    np.testing.assert_allclose(tg.xlogy(2, tg.tensor([3.0])).numpy(), [2 * np.log(3.0)], rtol=1e-6)
    z = tg.tensor([0.0, 2.0])
    z.xlogy_(tg.tensor([0.0, 1.0]))
    np.testing.assert_array_equal(z.numpy(), [0.0, 0.0])


def test_hypot_broadcasts_and_matches_pytorch() -> None:
    a, b = leaf("hypot_in_a"), leaf("hypot_in_b")
    check("hypot", a.hypot(b), a, b)
    np.testing.assert_allclose(tg.hypot(tg.tensor([3.0]), 4.0).numpy(), [5.0])
    with pytest.raises(ValueError, match="broadcast"):
        tg.hypot(tg.zeros(2), tg.zeros(3))


@pytest.mark.parametrize("name, source", [
    ("logit", "p"), ("entr", "p"), ("expit", "z"), ("ndtr", "z"), ("erf", "z"), ("erfc", "z"), ("exp2", "z"),
])  # fmt: skip
def test_special_functions_and_gradients_match_pytorch(name: str, source: str) -> None:
    x = leaf(f"special_in_{source}")
    check(f"special_{name}", getattr(tg.special, name)(x), x, rtol=1e-9)


def test_special_entr_edges_and_logit_eps() -> None:
    np.testing.assert_array_equal(
        tg.special.entr(tg.tensor([-1.0, 0.0, 1.0], dtype=tg.float64)).numpy(),
        REFERENCE["special_entr_edges_out"],
    )
    np.testing.assert_allclose(
        tg.special.logit(tg.tensor([0.0, 1.0]), eps=0.25).numpy(), np.log([1 / 3, 3]), rtol=1e-6
    )
    np.testing.assert_allclose(
        tg.special.logsumexp(tg.tensor([[0.0, 0.0]]), 1).numpy(), [np.log(2.0)], rtol=1e-6
    )


def test_gather_and_index_select_refuse_negative_indices_as_pytorch() -> None:
    x = tg.arange(6.0).reshape(2, 3)
    with pytest.raises(IndexError, match=r"index -1 is out of bounds for dim 1 with size 3"):
        x.gather(1, tg.tensor([[0, -1]]))
    with pytest.raises(IndexError, match=r"index -2 is out of bounds for dim 0 with size 2"):
        tg.index_select(x, 0, tg.tensor([0, -2]))
    with pytest.raises(IndexError, match=r"index 3 is out of bounds"):
        tg.gather(x, 1, tg.tensor([[3]]))
    np.testing.assert_array_equal(x.gather(1, tg.tensor([[2, 0]])).numpy(), [[2.0, 0.0]])
    np.testing.assert_array_equal(x.index_select(1, tg.tensor([2])).numpy(), [[2.0], [5.0]])
