"""The compiled elementwise loops of a Dense/Linear layer (tg.linear_fused, numba) give the plain
path's outputs and gradients bit for bit, and ``use_compiled`` picks the path."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import linear_fused
from tinygrad_adam.nn import functional as F
from tinygrad_adam.optim import fused as optim_fused

needs_numba = pytest.mark.skipif(
    not optim_fused.numba_available(), reason="numba is not installed (extra 'fast')"
)


@pytest.fixture
def restore_switch():
    yield
    linear_fused.use_compiled = None


def tensor(values: np.ndarray, requires_grad: bool = False) -> tg.Tensor:
    # The compiled loops are for NumPy arrays: "cpu" whatever the default device.
    return tg.tensor(values, requires_grad=requires_grad, device="cpu")


def forward_backward(compiled: bool, x, weight, bias, relu, upstream=None) -> list[np.ndarray]:
    """Output and every gradient of F.linear (ReLU inside when ``relu``) on one path."""
    linear_fused.use_compiled = None if compiled else False
    xs, ws = tensor(x, True), tensor(weight, True)
    bs = None if bias is None else tensor(bias, True)
    out = F.linear(xs, ws, bs, relu=relu) if relu else F.linear(xs, ws, bs)
    if upstream is None:
        out.sum().backward()  # a broadcast (non-contiguous) gradient
    else:
        out.backward(tensor(upstream))
    grads = [xs.grad, ws.grad] + ([] if bs is None else [bs.grad])
    return [out.numpy()] + [g.numpy() for g in grads]


def assert_identical(left: list[np.ndarray], right: list[np.ndarray]) -> None:
    for a, b in zip(left, right, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
        # bit for bit, NaN and the sign of zero included
        assert np.array_equal(a.view(np.uint8), b.view(np.uint8))


@needs_numba
@pytest.mark.usefixtures("restore_switch")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("relu", [True, False])
@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize(
    "x_shape, out_features",
    [((128, 20), 33), ((5, 20), 1), ((20,), 7), ((3, 4, 20), 6), ((1, 20), 2), ((0, 20), 4)],
)
def test_compiled_loops_match_the_plain_path_bit_for_bit(dtype, relu, with_bias, x_shape, out_features):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    weight = rng.standard_normal((out_features, 20)).astype(dtype)
    bias = rng.standard_normal(out_features).astype(dtype) if with_bias else None
    upstream = rng.standard_normal(x_shape[:-1] + (out_features,)).astype(dtype)
    for grad in (upstream, None):
        plain = forward_backward(False, x, weight, bias, relu, grad)
        compiled = forward_backward(True, x, weight, bias, relu, grad)
        assert_identical(plain, compiled)


@needs_numba
@pytest.mark.usefixtures("restore_switch")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_nan_inf_and_negative_zero_pass_as_on_the_plain_path():
    x = np.array([[1.0, -1.0], [np.nan, 0.0], [np.inf, -np.inf], [0.0, -0.0]], dtype=np.float32)
    weight = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 1.0]], dtype=np.float32)
    bias = np.array([0.0, -0.0, 0.5], dtype=np.float32)
    upstream = np.array([[1, -2, np.nan]] * 4, dtype=np.float32)
    for relu in (True, False):
        plain = forward_backward(False, x, weight, bias, relu, upstream)
        assert_identical(plain, forward_backward(True, x, weight, bias, relu, upstream))


@needs_numba
@pytest.mark.usefixtures("restore_switch")
def test_a_dense_net_trains_to_the_same_weights_on_both_paths():
    rng = np.random.default_rng(1)
    x, labels = rng.standard_normal((64, 12)).astype(np.float32), rng.integers(0, 3, 64)
    finals = []
    for compiled in (False, True):
        linear_fused.use_compiled = None if compiled else False
        tg.manual_seed(0)
        model = tg.nn.Sequential(tg.nn.Dense(12, 16, activation="relu"), tg.nn.Dense(16, 3)).to("cpu")
        optimizer = tg.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(5):
            optimizer.zero_grad()
            F.cross_entropy(model(tensor(x)), tensor(labels)).backward()
            optimizer.step()
        finals.append([p.numpy() for p in model.parameters()])
    assert_identical(finals[0], finals[1])


@pytest.mark.usefixtures("restore_switch")
def test_an_in_place_change_of_the_output_is_recorded_on_both_paths():
    grads = []
    for compiled in (False, True):
        linear_fused.use_compiled = None if compiled else False
        x = tensor(np.array([[1.0, -2.0]], np.float32), True)
        out = F.linear(x, tensor(np.eye(2, dtype=np.float32), True), relu=True)
        out.add_(1.0)  # the ReLU's mask is kept by the node, not read from the output
        (out * out).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], [[4.0, 0.0]])
    np.testing.assert_array_equal(grads[1], grads[0])


@needs_numba
@pytest.mark.usefixtures("restore_switch")
def test_second_derivatives_through_the_compiled_forward_match_the_plain_path():
    rng = np.random.default_rng(2)
    x, weight = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    results = []
    for compiled in (False, True):
        linear_fused.use_compiled = None if compiled else False
        xs, ws = tensor(x, True), tensor(weight, True)
        out = F.linear(xs, ws, relu=True)
        (gx,) = tg.autograd.grad((out**2).sum(), xs, create_graph=True)
        (gw,) = tg.autograd.grad(gx.sum(), ws)
        results.append([gx.numpy(), gw.numpy()])
    assert_identical(results[0], results[1])


@pytest.mark.usefixtures("restore_switch")
def test_use_compiled_true_without_numba_names_the_extra(monkeypatch):
    monkeypatch.setattr(optim_fused, "numba_available", lambda: False)
    linear_fused.use_compiled = True
    layer = tg.nn.Linear(3, 2).to("cpu")
    with pytest.raises(ImportError, match="numba"):
        layer(tensor(np.ones((1, 3), np.float32)))
    linear_fused.use_compiled = None  # the default falls back to the plain path
    assert layer(tensor(np.ones((1, 3), np.float32))).shape == (1, 2)


@pytest.mark.usefixtures("restore_switch")
def test_the_loops_are_never_offered_off_numpy_or_for_other_dtypes():
    half = np.ones((2, 3), np.float16)
    assert linear_fused.loops_for(half, half, None) is None
    single, double = np.ones((2, 3), np.float32), np.ones((3, 3), np.float64)
    assert linear_fused.loops_for(single, double, None) is None
    linear_fused.use_compiled = False
    assert linear_fused.loops_for(single, single, None) is None
