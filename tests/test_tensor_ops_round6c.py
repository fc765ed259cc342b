"""std_mean, var_mean, nanmean, frac, atan2, baddbmm, addbmm, tensordot, trace, cross, block_diag,
cartesian_prod, triu/tril_indices, logcumsumexp, cummax/cummin, median and quantile agree with
PyTorch 2.13 in values and gradients (tests/fixtures/make_tensor_ops_round6c.py), and reject bad input
with errors that name the problem."""

import pathlib
import sys

import numpy as np
import pytest

import tinygrad_adam as tg

sys.path.insert(0, str(pathlib.Path(__file__).parent / "fixtures"))
from tensor_ops_round6c_cases import CASES, CONSTANT_CASES  # noqa: E402

REFERENCE = np.load(pathlib.Path(__file__).parent / "fixtures" / "tensor_ops_round6c.npz")


def _weights(shape: tuple[int, ...]) -> np.ndarray:
    return np.cos(np.arange(int(np.prod(shape)), dtype=np.float64)).reshape(shape) + 1.5


@pytest.mark.parametrize("name,inputs,call", CASES, ids=[case[0] for case in CASES])
def test_values_and_gradients_match_pytorch(name, inputs, call):
    tensors = [tg.tensor(a, requires_grad=True) for a in inputs]
    result = call(tg, *tensors)
    results = list(result) if isinstance(result, tuple) else [result]
    loss = None
    for k, r in enumerate(results):
        expected = REFERENCE[f"{name}/out{k}"]
        assert r.shape == expected.shape, f"{name} output {k}"
        np.testing.assert_allclose(r.numpy(), expected, rtol=1e-9, atol=1e-10, equal_nan=True)
        if r.dtype.kind == "f":
            weighted = (r * tg.tensor(_weights(r.shape))).nan_to_num(0.0).sum()
            loss = weighted if loss is None else loss + weighted
    loss.backward()
    for k, t in enumerate(tensors):
        grad = t.grad.numpy() if t.grad is not None else np.zeros(t.shape)
        np.testing.assert_allclose(grad, REFERENCE[f"{name}/grad{k}"], rtol=1e-9, atol=1e-10, equal_nan=True)


@pytest.mark.parametrize("name,call", CONSTANT_CASES, ids=[case[0] for case in CONSTANT_CASES])
def test_constructed_tensors_match_pytorch(name, call):
    result = call(tg)
    expected = REFERENCE[f"{name}/out0"]
    assert result.shape == expected.shape
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result.numpy(), expected)


def test_logcumsumexp_never_overflows_or_underflows():
    x = tg.tensor([-1e4, 0.0, 1e4], dtype=tg.float64)
    np.testing.assert_allclose(x.logcumsumexp(0).numpy(), [-1e4, 0.0, 1e4])


def test_cummax_gradient_goes_to_the_running_maximum():
    x = tg.tensor([1.0, 3.0, 2.0, 5.0], requires_grad=True)
    x.cummax(0).values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 0.0, 1.0])


def test_baddbmm_beta_zero_ignores_nan_in_input():
    base = tg.full((2, 2), float("nan"))
    out = tg.baddbmm(base, tg.ones(1, 2, 3), tg.ones(1, 3, 2), beta=0)
    np.testing.assert_array_equal(out.numpy(), np.full((1, 2, 2), 3.0))


def test_atan2_gradient_at_the_origin_is_zero_as_pytorch():
    y = tg.tensor([0.0, 1.0], requires_grad=True)
    x = tg.tensor([0.0, 0.0], requires_grad=True)
    tg.atan2(y, x).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, -1.0])


def test_bad_inputs_name_the_problem():
    x = tg.tensor([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="size 3"):
        tg.cross(tg.ones(2, 2), tg.ones(2, 2))
    with pytest.raises(ValueError, match="3-D"):
        tg.baddbmm(x, tg.ones(3, 3), tg.ones(1, 3, 3))
    with pytest.raises(ValueError, match="do not multiply"):
        tg.addbmm(x, tg.ones(2, 1, 3), tg.ones(2, 2, 3))
    with pytest.raises(ValueError, match="contracted dims differ"):
        tg.tensordot(tg.ones(2, 3), tg.ones(4, 2), dims=([1], [0]))
    with pytest.raises(ValueError, match="2-D"):
        tg.trace(tg.ones(2, 2, 2))
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        tg.quantile(x, 1.5)
    with pytest.raises(ValueError, match="interpolation"):
        tg.quantile(x, 0.5, interpolation="cubic")
    with pytest.raises(TypeError, match="floating point"):
        tg.quantile(tg.tensor([1, 2, 3]), 0.5)
    with pytest.raises(TypeError, match="floating point"):
        tg.logcumsumexp(tg.tensor([1, 2]), 0)
    assert np.isnan(tg.median(tg.ones(0)).item())  # no entries: NaN, as PyTorch's (not an error)
    with pytest.raises(ValueError, match="row must be non-negative"):
        tg.triu_indices(-1, 3)
    with pytest.raises(ValueError, match="at most 2 dims"):
        tg.block_diag(tg.ones(1, 1, 1))
    with pytest.raises(ValueError, match="1-D"):
        tg.cartesian_prod(tg.ones(2, 2))
