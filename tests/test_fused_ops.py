"""Fused nodes (linear + bias + ReLU, softmax cross-entropy) agree with the ops they replace,
first and second order."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F


def tensor(shape: tuple[int, ...], seed: int, requires_grad: bool = True) -> tg.Tensor:
    values = np.random.default_rng(seed).standard_normal(shape)
    return tg.tensor(values, requires_grad=requires_grad)  # float64 keeps the comparisons tight


def unfused_linear(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor | None, relu: bool) -> tg.Tensor:
    out = x @ w.transpose()
    out = out if b is None else out + b
    return out.relu() if relu else out


@pytest.mark.parametrize("x_shape", [(4,), (5, 4), (2, 3, 4)])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("relu", [True, False])
def test_fused_linear_matches_matmul_plus_bias_in_value_and_gradients(x_shape, bias, relu) -> None:
    x, w = tensor(x_shape, 0), tensor((3, 4), 1)
    b = tensor((3,), 2) if bias else None
    inputs = [x, w] + ([b] if bias else [])
    upstream = tg.tensor(np.random.default_rng(3).standard_normal(x_shape[:-1] + (3,)))
    fused = F.linear(x, w, b, relu=relu)
    reference = unfused_linear(x, w, b, relu)
    np.testing.assert_allclose(fused.numpy(), reference.numpy(), rtol=1e-12, atol=1e-12)
    got = tg.grad(fused, inputs, grad_outputs=upstream)
    expected = tg.grad(reference, inputs, grad_outputs=upstream)
    for g, e in zip(got, expected):
        assert g.shape == e.shape
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("relu", [True, False])
def test_fused_linear_passes_gradcheck(relu: bool) -> None:
    x, w, b = tensor((5, 4), 4), tensor((3, 4), 5), tensor((3,), 6)
    # Shift the pre-activations away from ReLU's kink so finite differences stay on one side.
    assert tg.gradcheck(lambda x, w, b: F.linear(x, w, b + 0.05, relu=relu).sum(), [x, w, b])


def test_fused_linear_has_the_second_derivatives_of_the_composition() -> None:
    x, w, b = tensor((6, 4), 7), tensor((3, 4), 8), tensor((3,), 9)
    direction = tensor((3, 4), 10, requires_grad=False)

    def hessian_vector_product(linear) -> list[np.ndarray]:
        loss = (linear(x, w, b) ** 2).sum() + (linear(x, w, b).tanh() * x[:, :3]).sum()
        (grad_w,) = tg.grad(loss, [w], create_graph=True)
        return [g.numpy() for g in tg.grad((grad_w * direction).sum(), [x, w, b])]

    fused = hessian_vector_product(lambda x, w, b: F.linear(x, w, b))
    reference = hessian_vector_product(lambda x, w, b: unfused_linear(x, w, b, relu=False))
    for g, e in zip(fused, reference):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_dense_with_relu_uses_one_fused_node_and_keeps_no_gradient_for_its_input() -> None:
    layer = tg.nn.Dense(4, 3, activation="relu")
    out = layer(tg.ones(2, 4))
    assert type(out.grad_fn).__name__ == "Linear"
    assert (out.numpy() >= 0).all()
    out.sum().backward()
    assert layer.weight.grad is not None and layer.bias.grad is not None


def test_fused_linear_rejects_bad_shapes_dtypes_and_bias() -> None:
    w = tg.ones(3, 4)
    with pytest.raises(ValueError, match="last dimension 4"):
        F.linear(tg.ones(2, 5), w)
    with pytest.raises(ValueError, match="bias must be a tensor of shape \\(3,\\)"):
        F.linear(tg.ones(2, 4), w, tg.ones(4))
    with pytest.raises(TypeError, match="dtype mismatch"):
        F.linear(tg.ones(2, 4, dtype=tg.float64), w)
    with pytest.raises(TypeError, match="dtype mismatch"):
        F.linear(tg.ones(2, 4), w, tg.ones(3, dtype=tg.float64))
