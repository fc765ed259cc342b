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


@pytest.mark.parametrize("x_shape", [(4,), (1, 4), (5, 4), (2, 3, 4)])
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


def test_a_one_sample_batch_through_dense_gives_the_outer_product_as_weight_gradient() -> None:
    # One row takes its own path on the CPU (a zero row is added for BLAS): dW = gᵀx and db = g exactly.
    layer = tg.nn.Dense(7, 5)
    x = tg.tensor(np.random.default_rng(11).standard_normal((1, 7)).astype(np.float32))
    upstream = np.random.default_rng(12).standard_normal((1, 5)).astype(np.float32)
    layer(x).backward(tg.tensor(upstream))
    np.testing.assert_array_equal(layer.weight.grad.numpy(), upstream.T * x.numpy())
    np.testing.assert_array_equal(layer.bias.grad.numpy(), upstream[0])
    assert layer.weight.grad.shape == (5, 7) and layer.weight.grad.dtype == tg.float32


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


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_fused_cross_entropy_matches_log_softmax_and_nll_first_and_second_order(reduction: str) -> None:
    logits = tensor((6, 4), 11)
    labels = tg.tensor([0, 3, 1, 1, 2, 3])
    upstream = tg.tensor(np.random.default_rng(12).standard_normal((6,))) if reduction == "none" else None
    fused = F.cross_entropy(logits, labels, reduction=reduction)
    assert type(fused.grad_fn).__name__ == "SoftmaxCrossEntropy"
    reference = F.nll_loss(F.log_softmax(logits, dim=1), labels, reduction=reduction)
    np.testing.assert_allclose(fused.numpy(), reference.numpy(), rtol=1e-12, atol=1e-12)
    (got,) = tg.grad(fused, [logits], grad_outputs=upstream, create_graph=True)
    (expected,) = tg.grad(reference, [logits], grad_outputs=upstream, create_graph=True)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)
    direction = tensor((6, 4), 13, requires_grad=False)
    (got2,) = tg.grad((got * direction).sum(), [logits])
    (expected2,) = tg.grad((expected * direction).sum(), [logits])
    np.testing.assert_allclose(got2.numpy(), expected2.numpy(), rtol=1e-10, atol=1e-12)
    (fast,) = tg.grad(F.cross_entropy(logits, labels, reduction=reduction), [logits], grad_outputs=upstream)
    np.testing.assert_allclose(fast.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_fused_cross_entropy_is_exact_for_huge_logits_and_keeps_float32() -> None:
    logits = tg.tensor([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]], requires_grad=True)
    loss = F.cross_entropy(logits, tg.tensor([0, 2]))
    assert loss.dtype == tg.float32
    np.testing.assert_allclose(loss.item(), np.log(2) / 2, rtol=1e-6)
    loss.backward()
    assert logits.grad.dtype == tg.float32
    np.testing.assert_allclose(logits.grad.numpy(), [[0, 0, 0], [0, 0.25, -0.25]], atol=1e-7)


def test_cross_entropy_with_ignored_labels_still_takes_the_general_path() -> None:
    logits = tensor((3, 4), 14)
    loss = F.cross_entropy(logits, tg.tensor([1, -100, 2]))
    expected = F.cross_entropy(logits[[0, 2]], tg.tensor([1, 2]))
    np.testing.assert_allclose(loss.numpy(), expected.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="class labels must lie in"):
        F.cross_entropy(logits, tg.tensor([1, 4, 2]))


def test_an_ignore_index_that_is_a_class_still_ignores_those_labels() -> None:
    logits = tensor((3, 4), 15)
    loss = F.cross_entropy(logits, tg.tensor([1, 3, 2]), ignore_index=3)
    expected = F.cross_entropy(logits[[0, 2]], tg.tensor([1, 2]))
    np.testing.assert_allclose(loss.numpy(), expected.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match=r"got -1, 4"):
        F.cross_entropy(logits, tg.tensor([-1, 4, 2]), ignore_index=3)
