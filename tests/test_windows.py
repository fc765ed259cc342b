"""Convolution and max pooling as single nodes (nn/windows.py) compute what their Tensor-op
specifications in nn/conv.py compute, values and gradients, and differentiate twice through them."""

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.nn import conv
from tinygrad_adam.nn import functional as F
from tinygrad_adam.nn.windows import Convolution, MaxPooling

CONVOLUTIONS = [
    # (input shape, weight shape, stride, padding, dilation, groups)
    ((2, 3, 9, 8), (4, 3, 3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((1, 4, 10, 7), (6, 2, 3, 2), (2, 1), (0, 2), (1, 1), 2),
    ((3, 2, 11, 11), (2, 2, 3, 3), (2, 3), (1, 0), (2, 1), 1),
    ((2, 6, 5, 6), (6, 1, 1, 1), (1, 1), (0, 0), (1, 1), 6),
    ((2, 3, 7, 6), (5, 3, 1, 1), (2, 2), (1, 0), (1, 1), 1),
    ((2, 4, 9, 8), (6, 2, 3, 2), (1, 1), (2, 1), (2, 3), 2),
    ((1, 2, 6, 6), (3, 2, 5, 5), (1, 1), (3, 0), (1, 1), 1),
]


def leaf(rng: np.random.Generator, shape: tuple[int, ...]) -> tg.Tensor:
    return tg.tensor(rng.standard_normal(shape), dtype=tg.float64, requires_grad=True)


def gradients(output: tg.Tensor, inputs: list[tg.Tensor], seed: np.ndarray) -> list[np.ndarray]:
    found = tg.autograd.grad(output, inputs, tg.tensor(seed, dtype=tg.float64))
    return [g.numpy() for g in found]


@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize("case", CONVOLUTIONS)
def test_the_convolution_node_matches_its_tensor_op_specification(case, with_bias):
    shape, weight_shape, stride, padding, dilation, groups = case
    rng = np.random.default_rng(0)
    x, w, b = leaf(rng, shape), leaf(rng, weight_shape), leaf(rng, weight_shape[:1])
    bias = b if with_bias else None
    out = F.conv2d(x, w, bias, stride, padding, dilation, groups)
    assert isinstance(out.grad_fn, Convolution)
    expected = conv._conv2d_in_tensor_ops(x, w, bias, stride, padding, (0, 0), dilation, groups)
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)
    seed = rng.standard_normal(out.shape)
    inputs = [x, w, b] if with_bias else [x, w]
    for got, want in zip(gradients(out, inputs, seed), gradients(expected, inputs, seed)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_same_padding_with_an_even_kernel_pads_one_more_at_the_bottom_right():
    rng = np.random.default_rng(1)
    x, w = leaf(rng, (1, 2, 6, 5)), leaf(rng, (3, 2, 2, 4))
    out = F.conv2d(x, w, padding="same")
    expected = conv._conv2d_in_tensor_ops(x, w, None, (1, 1), (0, 1), (1, 1), (1, 1), 1)
    assert out.shape == (1, 3, 6, 5)
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)
    seed = rng.standard_normal(out.shape)
    for got, want in zip(gradients(out, [x, w], seed), gradients(expected, [x, w], seed)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "kernel, stride, padding, dilation, ceil_mode",
    [
        (2, 2, 0, 1, False),
        (2, 3, 0, 1, False),
        (3, 1, 1, 1, False),
        (3, 2, 1, 2, True),
        ((2, 3), (1, 2), (1, 0), 1, True),
    ],
)
def test_the_max_pooling_node_matches_its_tensor_op_specification(
    kernel, stride, padding, dilation, ceil_mode
):
    rng = np.random.default_rng(2)
    # Repeated values make ties, which must send the gradient to the first maximum only.
    x = tg.tensor(rng.integers(0, 4, (2, 3, 9, 10)).astype(np.float64), requires_grad=True)
    out = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
    assert isinstance(out.grad_fn, MaxPooling)
    expected, _ = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    seed = rng.standard_normal(out.shape)
    got, want = gradients(out, [x], seed)[0], gradients(expected, [x], seed)[0]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_a_window_with_nan_pools_to_nan_and_sends_the_gradient_to_its_last_nan_as_pytorch():
    x = tg.tensor([[[[1.0, np.nan, 3.0, np.nan], [5.0, 2.0, 5.0, 0.0]]]], requires_grad=True)
    out = F.max_pool2d(x, (1, 4))
    out.sum().backward()
    assert np.isnan(out.numpy()[0, 0, 0, 0]) and out.numpy()[0, 0, 1, 0] == 5.0
    np.testing.assert_array_equal(x.grad.numpy(), [[[[0, 0, 0, 1], [1, 0, 0, 0]]]])


def test_second_derivatives_flow_through_both_nodes():
    rng = np.random.default_rng(3)
    x, w = leaf(rng, (1, 2, 6, 6)), leaf(rng, (2, 2, 3, 3))

    def loss(x, w):
        return (F.max_pool2d(F.conv2d(x, w, padding=1), 2) ** 2).sum()

    (grad_w,) = tg.autograd.grad(loss(x, w), [w], create_graph=True)
    (second,) = tg.autograd.grad((grad_w**2).sum(), [x])
    assert second is not None and np.all(np.isfinite(second.numpy()))

    def reference(x, w):
        padded = conv._conv2d_in_tensor_ops(x, w, None, (1, 1), (1, 1), (0, 0), (1, 1), 1)
        return (conv._max_pool2d_in_tensor_ops(padded, (2, 2), (2, 2), (0, 0), (0, 0), (1, 1))[0] ** 2).sum()

    (grad_w_ref,) = tg.autograd.grad(reference(x, w), [w], create_graph=True)
    (second_ref,) = tg.autograd.grad((grad_w_ref**2).sum(), [x])
    np.testing.assert_allclose(second.numpy(), second_ref.numpy(), rtol=1e-10, atol=1e-12)


def test_bad_convolution_inputs_are_named():
    x, w = tg.zeros(1, 2, 4, 4), tg.zeros(3, 2, 3, 3)
    with pytest.raises(RuntimeError, match=r"bias of shape \(3,\)"):
        F.conv2d(x, w, tg.zeros(4))
    with pytest.raises(ValueError, match="does not fit"):
        F.conv2d(x, tg.zeros(3, 2, 5, 5))
    with pytest.raises(ValueError, match="does not fit"):
        F.max_pool2d(x, 5)


def test_an_infinite_gradient_reaches_only_the_maximum_of_its_window():
    x = tg.tensor([[[[1.0, 4.0, 2.0, 0.0], [3.0, 0.0, 5.0, 5.0]]]], requires_grad=True)
    out = F.max_pool2d(x, 2)
    out.backward(tg.tensor([[[[np.inf, -2.0]]]]))
    np.testing.assert_array_equal(x.grad.numpy(), [[[[0, np.inf, 0, 0], [0, 0, -2, 0]]]])
