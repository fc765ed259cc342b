"""Specification of LayerNorm and BatchNorm1d beyond the PyTorch fixtures (test_layer_reference.py):
gradients against finite differences (also second order), running statistics kept out of the graph
in their own dtype, the cumulative average, modes, state dicts and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F
from tinygrad_adam import nn

# -- LayerNorm ----------------------------------------------------------------------------------------


def test_layer_norm_normalises_each_sample_over_the_trailing_axes(rng: np.random.Generator) -> None:
    x = rng.standard_normal((2, 3, 4)) * 5 + 3
    out = nn.LayerNorm((3, 4), eps=0.0).to(tg.float64)(tg.tensor(x)).numpy()
    centred = x - x.mean(axis=(1, 2), keepdims=True)
    expected = centred / np.sqrt((centred**2).mean(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(out, expected, rtol=1e-13)


@pytest.mark.parametrize("shape, normalized_shape", [((4, 5), (5,)), ((2, 3, 4), (3, 4)), ((3, 2, 4), (4,))])
def test_layer_norm_gradients_match_finite_differences(
    rng: np.random.Generator, shape: tuple[int, ...], normalized_shape: tuple[int, ...]
) -> None:
    x = rng.standard_normal(shape)
    weight, bias = rng.standard_normal(normalized_shape), rng.standard_normal(normalized_shape)
    fn = lambda x, w, b: F.layer_norm(x, normalized_shape, w, b, eps=1e-3)  # noqa: E731
    assert tg.gradcheck(fn, [tg.tensor(x), tg.tensor(weight), tg.tensor(bias)])


def test_layer_norm_second_derivatives_match_finite_differences(rng: np.random.Generator) -> None:
    def gradient(x: tg.Tensor) -> tg.Tensor:
        x = x if x.requires_grad else x.detach().requires_grad_()  # finite differences pass constants
        y = F.layer_norm(x, 4)
        (g,) = tg.grad((y * y * y).sum(), x, create_graph=True)
        return g

    assert tg.gradcheck(gradient, [tg.tensor(rng.standard_normal((3, 4)))])


@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_normalisation_second_derivatives_through_weight_and_bias(rng: np.random.Generator, norm) -> None:
    # The gradient built with create_graph depends on x, γ and β: each dependence is checked.
    def normalise(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) -> tg.Tensor:
        if norm == "layer":
            return F.layer_norm(x, 4, w, b)
        return F.batch_norm(x, None, None, w, b, training=True)

    def gradient(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) -> tg.Tensor:
        x, w, b = (t if t.requires_grad else t.detach().requires_grad_() for t in (x, w, b))
        y = normalise(x, w, b)
        (g,) = tg.grad((y * y * y).sum(), x, create_graph=True)
        return g * g

    inputs = [tg.tensor(rng.standard_normal(shape)) for shape in ((3, 4), 4, 4)]
    assert tg.gradcheck(gradient, inputs)
    assert tg.gradcheck(normalise, inputs)


def test_layer_norm_without_affine_or_bias_registers_none() -> None:
    assert list(nn.LayerNorm(3, elementwise_affine=False).state_dict()) == []
    no_bias = nn.LayerNorm(3, bias=False)
    assert no_bias.bias is None and list(no_bias.state_dict()) == ["weight"]


def test_layer_norm_rejects_an_input_whose_trailing_shape_differs() -> None:
    with pytest.raises(ValueError, match=r"normalized_shape=\[3, 4\] expects an input of shape \[\*, 3, 4\]"):
        nn.LayerNorm((3, 4))(tg.zeros(2, 4, 3))
    with pytest.raises(TypeError, match="dtype mismatch float64 .input. vs float32 .weight."):
        nn.LayerNorm(3)(tg.zeros(2, 3, dtype=tg.float64))


# -- BatchNorm1d --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 3), (3, 3, 4)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradients_match_finite_differences(
    rng: np.random.Generator, shape: tuple[int, ...], training: bool
) -> None:
    x = rng.standard_normal(shape)
    weight, bias = rng.standard_normal(3), rng.standard_normal(3)
    running_mean, running_var = tg.tensor(rng.standard_normal(3)), tg.tensor(rng.uniform(0.5, 2, 3))

    def fn(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) -> tg.Tensor:
        # Training updates the running statistics in place: give each call its own copy.
        mean, var = tg.tensor(running_mean), tg.tensor(running_var)
        return F.batch_norm(x, mean, var, w, b, training=training, eps=1e-3)

    assert tg.gradcheck(fn, [tg.tensor(x), tg.tensor(weight), tg.tensor(bias)])


def test_batch_norm_second_derivatives_match_finite_differences(rng: np.random.Generator) -> None:
    def gradient(x: tg.Tensor) -> tg.Tensor:
        x = x if x.requires_grad else x.detach().requires_grad_()  # finite differences pass constants
        y = F.batch_norm(x, None, None, training=True)
        (g,) = tg.grad((y * y * y).sum(), x, create_graph=True)
        return g

    assert tg.gradcheck(gradient, [tg.tensor(rng.standard_normal((4, 2)))])


def test_batch_norm_running_statistics_use_the_unbiased_variance_outside_the_graph(
    rng: np.random.Generator,
) -> None:
    layer = nn.BatchNorm1d(3, momentum=0.25)
    x = rng.standard_normal((6, 3, 2)).astype(np.float32)
    out = layer(tg.tensor(x, requires_grad=True))
    assert out.requires_grad
    for buffer in (layer.running_mean, layer.running_var):
        assert buffer.grad_fn is None and not buffer.requires_grad and buffer.dtype == tg.float32
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.25 * x.mean(axis=(0, 2)), rtol=1e-5)
    np.testing.assert_allclose(layer.running_var.numpy(), 0.75 + 0.25 * x.var(axis=(0, 2), ddof=1), rtol=1e-5)
    assert layer.num_batches_tracked.dtype == tg.int64 and layer.num_batches_tracked.item() == 1
    batch_normalised = (x - x.mean(axis=(0, 2), keepdims=True)) / np.sqrt(
        x.var(axis=(0, 2), keepdims=True) + 1e-5
    )
    np.testing.assert_allclose(out.numpy(), batch_normalised, rtol=1e-4, atol=1e-5)


def test_batch_norm_momentum_none_keeps_the_cumulative_average(rng: np.random.Generator) -> None:
    layer = nn.BatchNorm1d(2, momentum=None).to(tg.float64)
    batches = [rng.standard_normal((4, 2)) * (i + 1) + i for i in range(3)]
    for batch in batches:
        layer(tg.tensor(batch))
    assert layer.num_batches_tracked.item() == 3
    np.testing.assert_allclose(
        layer.running_mean.numpy(), np.mean([b.mean(0) for b in batches], 0), rtol=1e-13
    )
    # The first batch has factor 1/1: it replaces the initial statistics, then each counts equally.
    expected_var = np.mean([b.var(0, ddof=1) for b in batches], 0)
    np.testing.assert_allclose(layer.running_var.numpy(), expected_var, rtol=1e-13)


def test_batch_norm_eval_uses_running_statistics_and_leaves_them_alone(rng: np.random.Generator) -> None:
    layer = nn.BatchNorm1d(2).to(tg.float64)
    layer(tg.tensor(rng.standard_normal((5, 2))))
    state = {k: v.numpy() for k, v in layer.state_dict().items()}
    layer.eval()
    x = rng.standard_normal((3, 2))
    expected = (x - state["running_mean"]) / np.sqrt(state["running_var"] + 1e-5)
    np.testing.assert_allclose(layer(tg.tensor(x)).numpy(), expected, rtol=1e-13)
    for key, value in layer.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), state[key], err_msg=key)
    single = layer(tg.tensor(x[:1]))  # one sample is fine in evaluation
    assert single.shape == (1, 2)


def test_batch_norm_without_tracking_uses_batch_statistics_in_eval_too(rng: np.random.Generator) -> None:
    layer = nn.BatchNorm1d(2, track_running_stats=False, affine=False).to(tg.float64).eval()
    assert list(layer.state_dict()) == [] and layer.running_mean is None
    x = rng.standard_normal((4, 2))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(layer(tg.tensor(x)).numpy(), expected, rtol=1e-13)


def test_batch_norm_state_dict_round_trips_with_torch_names(rng: np.random.Generator) -> None:
    trained = nn.BatchNorm1d(3)
    for _ in range(2):
        trained(tg.tensor(rng.standard_normal((4, 3)).astype(np.float32)))
    state = trained.state_dict()
    assert list(state) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    fresh = nn.BatchNorm1d(3)
    fresh.load_state_dict(state)
    assert fresh.num_batches_tracked.item() == 2
    np.testing.assert_array_equal(fresh.running_var.numpy(), trained.running_var.numpy())
    fresh.reset_running_stats()
    assert fresh.num_batches_tracked.item() == 0 and fresh.running_var.numpy().tolist() == [1, 1, 1]


def test_batch_norm_errors_name_the_problem() -> None:
    layer = nn.BatchNorm1d(3)
    with pytest.raises(
        ValueError, match=r"Expected more than 1 value per channel when training, got input size \[1, 3\]"
    ):
        layer(tg.zeros(1, 3))
    assert layer.num_batches_tracked.item() == 0
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        layer(tg.zeros(2, 3, 4, 5))
    with pytest.raises(ValueError, match="has 4 channels on axis 1, expected 3"):
        layer(tg.zeros(2, 4))
    with pytest.raises(TypeError, match="dtype mismatch float64 .input. vs float32"):
        layer(tg.zeros(2, 3, dtype=tg.float64))
    with pytest.raises(ValueError, match="running_mean and running_var are needed"):
        F.batch_norm(tg.zeros(2, 3), None, None, training=False)
