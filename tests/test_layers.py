"""Specification of tg.nn's layers and activations: Dense, Dropout, Flatten, Identity, Embedding,
ReLU ... GELU, ELU ... PReLU, erf, and the initialisers. Every layer is gradient-checked in float64;
the PyTorch comparisons of the newer layers are in test_layer_reference.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg
import tinygrad_adam.nn.functional as F
from tinygrad_adam import nn

# -- Dense ------------------------------------------------------------------------------------------


def test_dense_has_torch_linear_shapes_and_computes_x_wt_plus_b(rng: np.random.Generator) -> None:
    layer = nn.Dense(3, 2)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    with tg.no_grad():
        layer.bias.copy_(tg.tensor([0.5, -1.0]))
    x = rng.standard_normal((4, 3)).astype(np.float32)
    expected = x @ layer.weight.numpy().T + layer.bias.numpy()
    np.testing.assert_allclose(layer(tg.tensor(x)).numpy(), expected, rtol=1e-6)


def test_dense_applies_batch_dimensions_and_no_bias() -> None:
    layer = nn.Dense(3, 5, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    assert layer(tg.randn(2, 7, 3)).shape == (2, 7, 5)


@pytest.mark.parametrize(
    "name, reference",
    [
        ("relu", lambda z: np.maximum(z, 0)),
        ("leaky_relu", lambda z: np.where(z > 0, z, 0.01 * z)),
        ("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
        ("tanh", np.tanh),
        (
            "gelu",
            lambda z: z * 0.5 * np.array([math.erfc(-v / math.sqrt(2)) for v in z.ravel()]).reshape(z.shape),
        ),
        ("softmax", lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True)),
        ("log_softmax", lambda z: z - np.log(np.exp(z).sum(-1, keepdims=True))),
        ("linear", lambda z: z),
    ],
)
def test_dense_activation_by_name(name: str, reference, rng: np.random.Generator) -> None:
    layer = nn.Dense(3, 4, activation=name, dtype=tg.float64)
    x = rng.standard_normal((5, 3))
    pre = x @ layer.weight.numpy().T + layer.bias.numpy()
    np.testing.assert_allclose(layer(tg.tensor(x)).numpy(), reference(pre), rtol=1e-12, atol=1e-15)


def test_dense_activation_as_callable_or_module() -> None:
    x = tg.randn(2, 3)
    by_function = nn.Dense(3, 2, activation=lambda z: z * 2)
    pre = x.numpy() @ by_function.weight.numpy().T
    np.testing.assert_allclose(by_function(x).numpy(), 2 * pre, rtol=1e-6)
    by_module = nn.Dense(3, 2, activation=nn.LeakyReLU(0.2))
    assert "(activation): LeakyReLU(negative_slope=0.2)" in repr(by_module)
    assert by_module._init_name == "he_normal"


def test_dense_rejects_unknown_activation_and_bad_sizes() -> None:
    with pytest.raises(ValueError, match="unknown activation 'softmin'"):
        nn.Dense(2, 2, activation="softmin")
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        nn.Dense(0, 2)
    with pytest.raises(ValueError, match="out_features"):
        nn.Dense(2, 2.5)


def test_dense_wrong_input_width_names_shapes_and_layer() -> None:
    layer = nn.Dense(3, 2)
    with pytest.raises(ValueError, match=r"Dense\(in_features=3, out_features=2\): input of shape \(4, 5\)"):
        layer(tg.randn(4, 5))
    with pytest.raises(ValueError, match="expects 3 features"):
        layer(tg.tensor(1.0))


def test_dense_and_linear_take_nested_lists_in_the_weights_dtype() -> None:
    layer = nn.Dense(3, 2)
    expected = layer(tg.tensor([[1.0, 2.0, 3.0]])).numpy()
    np.testing.assert_array_equal(layer([[1, 2, 3]]).numpy(), expected)
    np.testing.assert_array_equal(F.linear([[1, 2, 3]], layer.weight, layer.bias).numpy(), expected)
    assert layer.double()([[1, 2, 3]]).dtype == tg.float64


@pytest.mark.parametrize("bad", ["abc", None, 3.0])
def test_dense_input_that_is_no_array_is_a_type_error_naming_it(bad) -> None:
    with pytest.raises(TypeError, match=f"Dense.*must be a Tensor or an array, got {type(bad).__name__}"):
        nn.Dense(3, 2)(bad)
    with pytest.raises(TypeError, match=f"linear: .*got {type(bad).__name__}"):
        F.linear(bad, tg.randn(2, 3))


def test_dense_dtype_mismatch_names_the_layer() -> None:
    layer = nn.Dense(3, 2, dtype=tg.float64)
    with pytest.raises(TypeError, match=r"Dense\(in_features=3, out_features=2\): .*dtype mismatch"):
        layer(tg.randn(1, 3))


def test_linear_is_a_dense_layer_with_pytorchs_init() -> None:
    assert issubclass(nn.Linear, nn.Dense)


def test_dense_weight_is_stored_transposed_through_training_and_loading(rng: np.random.Generator) -> None:
    """The (out, in) weight lies in memory as an (in, out) matrix (BLAS's fast products), and keeps
    that layout through init, flat-buffer optimizer steps and load_state_dict; gradients equal
    those of a row-major weight."""
    if tg.get_default_device() != "cpu":
        pytest.skip("memory layout is a NumPy/CuPy notion, invisible on the strict backend")
    model = nn.Sequential(nn.Dense(6, 5, activation="relu"), nn.Dense(5, 3))
    optimizer = tg.optim.Adam(model.parameters(), lr=0.01)
    x, y = tg.tensor(rng.standard_normal((8, 6)).astype(np.float32)), tg.tensor(rng.integers(0, 3, 8))
    for _ in range(3):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    weights = [model[0].weight, model[1].weight]
    for weight in weights:
        assert weight._data.flags.f_contiguous and not weight._data.flags.c_contiguous
        assert weight.grad._data.strides == weight._data.strides  # read in place by the optimizer
    model.load_state_dict({k: v.numpy().copy() for k, v in model.state_dict().items()})
    assert all(w._data.flags.f_contiguous for w in weights)

    row_major = nn.Dense(6, 5, activation="relu")
    row_major.weight._data = np.ascontiguousarray(model[0].weight._data)
    row_major.bias._data = model[0].bias._data.copy()
    for layer in (model[0], row_major):
        layer.weight.grad = None
        layer(x).sum().backward()
    np.testing.assert_allclose(row_major.weight.grad.numpy(), model[0].weight.grad.numpy(), rtol=1e-5)
    assert row_major.weight.grad._data.flags.c_contiguous  # the gradient follows the weight's layout


@pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid", "gelu", "leaky_relu", "softmax"])
def test_dense_gradcheck(activation: str | None) -> None:
    """Gradients of the layer's computation with respect to input, weight and bias, in float64."""
    layer = nn.Dense(3, 2, activation=activation, dtype=tg.float64)
    x = tg.randn(4, 3, dtype=tg.float64)

    def dense(x: tg.Tensor, weight: tg.Tensor, bias: tg.Tensor) -> tg.Tensor:
        """The layer's forward with its parameters swapped for gradcheck's leaves."""
        with tg.no_grad():
            layer.weight.copy_(weight.detach())
            layer.bias.copy_(bias.detach())
        out = F.linear(x, weight, bias)
        reference = out if layer._activation is None else layer._activation(out)
        np.testing.assert_array_equal(layer(x).numpy(), reference.numpy())
        return reference

    assert tg.gradcheck(dense, [x, layer.weight.detach(), layer.bias.detach()])
    assert tg.gradcheck(layer, [x])


# -- initialisation -----------------------------------------------------------------------------------


def test_default_init_is_he_for_relu_family_and_glorot_otherwise() -> None:
    relu_layer = nn.Dense(400, 300, activation="relu", dtype=tg.float64)
    std = relu_layer.weight.numpy().std()
    assert abs(std - math.sqrt(2 / 400)) < 0.02 * math.sqrt(2 / 400)
    np.testing.assert_array_equal(relu_layer.bias.numpy(), np.zeros(300))
    tanh_layer = nn.Dense(400, 300, activation="tanh", dtype=tg.float64)
    bound = math.sqrt(6 / 700)
    w = tanh_layer.weight.numpy()
    assert w.max() <= bound and w.min() >= -bound and w.max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound


def test_init_by_name_and_callable() -> None:
    assert nn.Dense(3, 2, init="zeros").weight.numpy().max() == 0
    he_uniform = nn.Dense(200, 100, init="he_uniform", dtype=tg.float64).weight.numpy()
    assert np.abs(he_uniform).max() <= math.sqrt(6 / 200)
    seen = []
    layer = nn.Dense(3, 2, init=lambda w: seen.append(w.shape))
    assert seen == [(2, 3)] and layer._init_name == "<lambda>"
    xavier = nn.Dense(3, 2, init=nn.init.xavier_normal_)
    assert xavier._init_name == "xavier_normal_"
    with pytest.raises(ValueError, match="unknown init 'orthogonal'"):
        nn.Dense(2, 2, init="orthogonal")


def test_init_is_reproducible_under_manual_seed() -> None:
    tg.manual_seed(7)
    first = nn.Dense(5, 4).weight.numpy().copy()
    tg.manual_seed(7)
    second = nn.Dense(5, 4).weight.numpy()
    np.testing.assert_array_equal(first, second)


def test_leaky_relu_he_init_uses_the_slope_in_the_gain() -> None:
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    w = tg.zeros(2000, 100, dtype=tg.float64)
    nn.init.kaiming_normal_(w, a=0.2, nonlinearity="leaky_relu")
    assert abs(w.numpy().std() - math.sqrt(2 / 1.04) / 10) < 0.01 * math.sqrt(2 / 1.04) / 10


def test_plain_initialisers_fill_in_place_with_pytorchs_arguments() -> None:
    w = tg.zeros(400, 250, dtype=tg.float64)
    assert nn.init.uniform_(w, -0.5, 2.0) is w  # filled in place and returned, as in PyTorch
    values = w.numpy()
    assert values.min() >= -0.5 and values.max() < 2.0
    assert abs(values.mean() - 0.75) < 0.01 and abs(values.std() - 2.5 / math.sqrt(12)) < 0.01
    nn.init.normal_(w, mean=3.0, std=0.5)
    assert abs(w.numpy().mean() - 3.0) < 0.005 and abs(w.numpy().std() - 0.5) < 0.005
    nn.init.constant_(w, 0.25)
    assert (w.numpy() == 0.25).all()
    nn.init.ones_(w)
    assert (w.numpy() == 1).all() and w.dtype == tg.float64
    layer = nn.Dense(3, 2)
    nn.init.normal_(layer.weight, std=0.02)  # a Parameter stays a leaf that requires grad
    assert layer.weight.requires_grad and layer.weight.grad_fn is None
    with pytest.raises(ValueError, match="a <= b"):
        nn.init.uniform_(w, 1.0, 0.0)
    with pytest.raises(ValueError, match="std must be >= 0"):
        nn.init.normal_(w, std=-1.0)


def test_fans_follow_pytorch_and_need_two_dimensions() -> None:
    assert nn.init.fan_in_and_fan_out(tg.zeros(8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.init.xavier_uniform_(tg.zeros(3))


# -- Dropout ------------------------------------------------------------------------------------------


def test_dropout_zeroes_about_p_and_scales_the_rest() -> None:
    drop = nn.Dropout(0.25)
    out = drop(tg.ones(200, 100)).numpy()
    kept = out != 0
    assert abs(1 - kept.mean() - 0.25) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.75)


def test_dropout_is_identity_in_eval_and_for_p_zero() -> None:
    x = tg.randn(10, 10)
    drop = nn.Dropout(0.5).eval()
    assert drop(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert F.dropout(x, 0.5, training=False) is x


def test_dropout_is_reproducible_under_manual_seed() -> None:
    x = tg.ones(50)
    tg.manual_seed(3)
    first = nn.Dropout(0.5)(x).numpy()
    tg.manual_seed(3)
    np.testing.assert_array_equal(nn.Dropout(0.5)(x).numpy(), first)
    assert not np.array_equal(nn.Dropout(0.5)(x).numpy(), first)


def test_dropout_gradient_is_the_scaled_mask() -> None:
    x = tg.ones(100, requires_grad=True)
    out = nn.Dropout(0.4)(x)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), out.numpy())


@pytest.mark.parametrize("p", [-0.1, 1.0001, 1.5, "0.5", True])
def test_dropout_validates_p(p) -> None:
    with pytest.raises(ValueError, match="p must be a number in \\[0, 1\\]"):
        nn.Dropout(p)


# -- Flatten ------------------------------------------------------------------------------------------


def test_flatten_keeps_the_batch_axis() -> None:
    assert nn.Flatten()(tg.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0, 1)(tg.zeros(2, 3, 4)).shape == (6, 4)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


# -- activations --------------------------------------------------------------------------------------

ACTIVATION_MODULES = [
    (nn.ReLU(), lambda z: np.maximum(z, 0)),
    (nn.LeakyReLU(0.1), lambda z: np.where(z > 0, z, 0.1 * z)),
    (nn.Sigmoid(), lambda z: 1 / (1 + np.exp(-z))),
    (nn.Tanh(), np.tanh),
    (nn.GELU(), lambda z: z * 0.5 * np.vectorize(math.erfc)(-z / math.sqrt(2))),
    (nn.GELU("tanh"), lambda z: z / (1 + np.exp(-2 * math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)))),
    (nn.Softmax(dim=0), lambda z: np.exp(z) / np.exp(z).sum(0, keepdims=True)),
    (nn.LogSoftmax(), lambda z: z - np.log(np.exp(z).sum(-1, keepdims=True))),
    (nn.ELU(0.5), lambda z: np.where(z > 0, z, 0.5 * np.expm1(z))),
    (nn.SELU(), lambda z: F.SELU_SCALE * np.where(z > 0, z, F.SELU_ALPHA * np.expm1(z))),
    (nn.SiLU(), lambda z: z / (1 + np.exp(-z))),
    (nn.Softplus(), lambda z: np.log1p(np.exp(z))),
    (nn.Softplus(beta=2.0, threshold=5.0), lambda z: np.where(2 * z > 5, z, np.log1p(np.exp(2 * z)) / 2)),
    (nn.Mish(), lambda z: z * np.tanh(np.log1p(np.exp(z)))),
    (nn.Hardtanh(-2.0, 2.5), lambda z: np.clip(z, -2.0, 2.5)),
    (nn.ReLU6(), lambda z: np.clip(z, 0.0, 6.0)),
    (nn.Softsign(), lambda z: z / (1 + np.abs(z))),
    (nn.Tanhshrink(), lambda z: z - np.tanh(z)),
    (nn.Identity(), lambda z: z),
]


@pytest.mark.parametrize(
    "module, reference", ACTIVATION_MODULES, ids=lambda m: repr(m) if isinstance(m, nn.Module) else ""
)
def test_activation_matches_closed_form(module: nn.Module, reference, rng: np.random.Generator) -> None:
    z = rng.standard_normal((4, 5)) * 3
    np.testing.assert_allclose(module(tg.tensor(z)).numpy(), reference(z), rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize(
    "module, reference", ACTIVATION_MODULES, ids=lambda m: repr(m) if isinstance(m, nn.Module) else ""
)
def test_activation_gradcheck(module: nn.Module, reference) -> None:
    x = tg.tensor(np.array([[-2.5, -0.7, 0.3, 1.9], [0.05, -0.05, 3.0, -4.0]]))
    assert tg.gradcheck(module, [x])


def test_gelu_is_exact_in_the_negative_tail() -> None:
    # 1 + erf(x/√2) would cancel to 0 or one ulp here; the only error left is the rounding of x/√2,
    # which erfc's condition number (about x²) turns into ~1e-13 relative at x = -37.
    z = np.array([-8.25, -12.0, -20.0, -37.0])
    expected = z * 0.5 * np.vectorize(math.erfc)(-z / math.sqrt(2))
    np.testing.assert_allclose(F.gelu(tg.tensor(z)).numpy(), expected, rtol=1e-12)


def test_gelu_gradient_is_phi_plus_x_density() -> None:
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    x = tg.tensor(z, requires_grad=True)
    F.gelu(x).sum().backward()
    cdf = 0.5 * np.vectorize(math.erfc)(-z / math.sqrt(2))
    density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(x.grad.numpy(), cdf + z * density, rtol=1e-14, atol=1e-16)


def test_gelu_second_derivative_through_create_graph() -> None:
    z = np.array([-1.0, 0.2, 1.5])
    x = tg.tensor(z, requires_grad=True)
    (first,) = tg.grad(F.gelu(x).sum(), [x], create_graph=True)
    (second,) = tg.grad(first.sum(), [x])
    density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(second.numpy(), density * (2 - z * z), rtol=1e-13)


def test_activation_argument_validation() -> None:
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(tg.zeros(1), approximate="erf")


def test_leaky_relu_gradient_at_zero_is_the_slope() -> None:
    x = tg.tensor([0.0, 1.0, -1.0], requires_grad=True)
    F.leaky_relu(x, 0.2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.2, 1.0, 0.2])


def test_activations_keep_float32() -> None:
    x = tg.randn(3, 3)
    for module, _ in ACTIVATION_MODULES:
        assert module(x).dtype == tg.float32


SMOOTH_ACTIVATIONS = {
    "elu": F.elu,
    "selu": F.selu,
    "silu": F.silu,
    "softplus": F.softplus,
    "mish": F.mish,
    "softsign": F.softsign,
    "tanhshrink": F.tanhshrink,
    "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"),
}

FUSED_ACTIVATIONS = {
    "leaky_relu": lambda v: F.leaky_relu(v, 0.1),
    "elu": F.elu,
    "selu": F.selu,
    "silu": F.silu,
    "softplus": F.softplus,
    "mish": F.mish,
    "gelu": F.gelu,
    "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"),
}


@pytest.mark.parametrize("name", FUSED_ACTIVATIONS)
def test_one_node_activations_take_empty_and_0d_inputs_and_refuse_integers(name: str) -> None:
    activation = FUSED_ACTIVATIONS[name]
    assert activation(tg.zeros(0, 3)).shape == (0, 3)
    x = tg.tensor(np.float64(-1.5), requires_grad=True)
    out = activation(x)
    out.backward()
    assert out.shape == () and x.grad.shape == () and out.dtype == tg.float64
    with pytest.raises(TypeError, match="floating-point"):
        activation(tg.tensor([1, -2, 3]))


def test_leaky_relus_gradient_can_be_differentiated_again() -> None:
    x = tg.tensor(np.array([-2.0, 0.5]), requires_grad=True)
    (first,) = tg.grad((F.leaky_relu(x, 0.2) * x).sum(), x, create_graph=True)  # d/dx (x·f(x))
    (second,) = tg.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), [0.4, 2.0])  # 2 f'(x), f'' = 0 away from 0


@pytest.mark.parametrize("name", SMOOTH_ACTIVATIONS)
def test_smooth_activation_second_derivative_matches_finite_differences(name: str) -> None:
    def derivative(v: tg.Tensor) -> tg.Tensor:
        v = v if v.requires_grad else v.detach().requires_grad_()  # finite differences pass constants
        (g,) = tg.grad(SMOOTH_ACTIVATIONS[name](v).sum(), v, create_graph=True)
        return g

    assert tg.gradcheck(derivative, [tg.tensor(np.array([-3.0, -0.6, 0.4, 2.2]))])


@pytest.mark.parametrize("dtype", [tg.float32, tg.float64])
@pytest.mark.parametrize("name", ["elu", "selu", "silu", "softplus", "mish"])
def test_activations_stay_finite_with_finite_gradients_for_huge_inputs(name: str, dtype) -> None:
    x = tg.tensor(np.array([-1e4, -800.0, -90.0, 90.0, 800.0, 1e4]), dtype=dtype, requires_grad=True)
    out = SMOOTH_ACTIVATIONS[name](x)
    out.sum().backward()
    assert out.dtype == dtype and np.isfinite(out.numpy()).all() and np.isfinite(x.grad.numpy()).all()
    np.testing.assert_allclose(x.grad.numpy()[3:], 1.0 if name != "selu" else F.SELU_SCALE, rtol=1e-6)


def test_softplus_switches_to_the_identity_strictly_above_the_threshold() -> None:
    x = tg.tensor(np.array([9.999, 10.0, 10.001]), requires_grad=True)
    out = F.softplus(x, beta=2.0, threshold=20.0)
    np.testing.assert_allclose(out.numpy()[:2], np.log1p(np.exp(2 * x.numpy()[:2])) / 2, rtol=1e-15)
    assert out.numpy()[2] == 10.001


def test_hardtanh_gradient_is_zero_at_and_beyond_the_edges() -> None:
    x = tg.tensor([-2.0, -1.0, 0.5, 1.0, 3.0], requires_grad=True)
    F.hardtanh(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 1, 0, 0])
    with pytest.raises(ValueError, match="min_val .2.0. cannot be greater than max_val .1.0."):
        nn.Hardtanh(2.0, 1.0)


def test_prelu_learns_one_slope_per_channel_and_gradchecks(rng: np.random.Generator) -> None:
    layer = nn.PReLU(3, init=0.1)
    assert layer.weight.shape == (3,) and layer.weight.numpy().tolist() == pytest.approx([0.1] * 3)
    x, slopes = rng.standard_normal((4, 3, 2)), rng.uniform(0.1, 0.5, 3)
    assert tg.gradcheck(F.prelu, [tg.tensor(x), tg.tensor(slopes)])
    assert tg.gradcheck(F.prelu, [tg.tensor(x[0, 0]), tg.tensor(slopes[:1])])
    with pytest.raises(ValueError, match=r"1 slope or one per channel \(4 for an input of shape \(2, 4\)"):
        layer(tg.zeros(2, 4))
    with pytest.raises(ValueError, match="num_parameters must be a positive integer"):
        nn.PReLU(0)


@pytest.mark.parametrize(
    "name",
    ["elu", "selu", "silu", "swish", "softplus", "mish", "hardtanh", "relu6", "softsign", "tanhshrink"],
)
def test_dense_accepts_the_new_activation_names(name: str, rng: np.random.Generator) -> None:
    layer = nn.Dense(3, 4, activation=name, dtype=tg.float64)
    x = tg.tensor(rng.standard_normal((5, 3)) * 3)
    pre = F.linear(x, layer.weight, layer.bias)
    function = F.silu if name == "swish" else getattr(F, name)
    np.testing.assert_array_equal(layer(x).numpy(), function(pre).numpy())


def test_identity_returns_its_input_and_ignores_arguments() -> None:
    x = tg.randn(2, 3)
    assert nn.Identity(54, unused="argument")(x) is x
    assert list(nn.Identity().state_dict()) == []


# -- Embedding ------------------------------------------------------------------------------------------


def test_embedding_looks_up_rows_for_indices_of_any_shape() -> None:
    table = nn.Embedding(5, 3)
    weight = table.weight.numpy()
    indices = np.array([[4, 0, 4], [1, 2, 3]])
    np.testing.assert_array_equal(table(tg.tensor(indices)).numpy(), weight[indices])
    np.testing.assert_array_equal(table(tg.tensor(np.array(2))).numpy(), weight[2])
    np.testing.assert_array_equal(table(tg.tensor(indices.astype(np.int32))).numpy(), weight[indices])
    assert table(tg.tensor(np.zeros((2, 0), dtype=np.int64))).shape == (2, 0, 3)


def test_embedding_gradient_accumulates_repeated_indices(rng: np.random.Generator) -> None:
    indices = tg.tensor(np.array([[1, 3, 3], [3, 0, 1]]))
    assert tg.gradcheck(lambda w: F.embedding(indices, w), [tg.tensor(rng.standard_normal((4, 2)))])
    table = nn.Embedding(4, 2)
    table(indices).sum().backward()
    np.testing.assert_array_equal(table.weight.grad.numpy(), [[1, 1], [2, 2], [0, 0], [3, 3]])


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient() -> None:
    table = nn.Embedding(4, 2, padding_idx=-2)
    assert table.padding_idx == 2 and table.weight.numpy()[2].tolist() == [0.0, 0.0]
    with tg.no_grad():
        table.weight[2] = 5.0  # a changed padding row is looked up as it is, but still never trained
    out = table(tg.tensor(np.array([2, 0, 2, 0])))
    assert out.numpy()[0].tolist() == [5.0, 5.0]
    out.sum().backward()
    np.testing.assert_array_equal(table.weight.grad.numpy(), [[2, 2], [0, 0], [0, 0], [0, 0]])


def test_embedding_table_starts_standard_normal_and_reproducibly() -> None:
    tg.manual_seed(3)
    weight = nn.Embedding(2000, 10).weight.numpy()
    assert abs(weight.mean()) < 0.01 and abs(weight.std() - 1) < 0.01
    tg.manual_seed(3)
    np.testing.assert_array_equal(nn.Embedding(2000, 10).weight.numpy(), weight)


def test_embedding_errors_name_the_problem() -> None:
    table = nn.Embedding(10, 2)
    with pytest.raises(TypeError, match="indices must be integers .* got float32"):
        table(tg.tensor([1.0, 2.0]))
    with pytest.raises(
        IndexError, match=r"indices must lie in \[0, 10\) for a table of 10 rows, got -1, 10, 12"
    ):
        table(tg.tensor([[3, 10], [-1, 12]]))
    with pytest.raises(ValueError, match=r"padding_idx must lie in \[-10, 10\)"):
        nn.Embedding(10, 2, padding_idx=10)
    with pytest.raises(ValueError, match="embedding_dim must be a positive integer"):
        nn.Embedding(10, 0)
    with pytest.raises(ValueError, match="sparse gradients are not supported"):
        nn.Embedding(10, 2, sparse=True)
    with pytest.raises(ValueError, match="max_norm must be a number > 0, got -1"):
        nn.Embedding(10, 2, None, -1)  # PyTorch's positional order: padding_idx, max_norm
    with pytest.raises(ValueError, match="norm_type must be a number > 0"):
        F.embedding(tg.tensor([1]), table.weight, max_norm=1.0, norm_type=0)


def test_embedding_max_norm_rescales_only_the_rows_looked_up_in_place() -> None:
    table = nn.Embedding.from_pretrained(tg.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]), max_norm=1.0)
    out = table(tg.tensor([0, 1]))
    scale = 1.0 / (5.0 + 1e-7)  # PyTorch's max_norm / (norm + 1e-7)
    np.testing.assert_allclose(out.numpy(), [[3 * scale, 4 * scale], [0.3, 0.4]], rtol=1e-6)
    np.testing.assert_allclose(table.weight.numpy()[:2], out.numpy())
    assert table.weight.numpy()[2].tolist() == [6.0, 8.0]  # not looked up: untouched
    infinity_norm = F.embedding(tg.tensor([2]), table.weight, max_norm=2.0, norm_type=math.inf)
    np.testing.assert_allclose(infinity_norm.numpy(), [[6 * 2 / (8 + 1e-7), 8 * 2 / (8 + 1e-7)]], rtol=1e-6)


def test_embedding_scale_grad_by_freq_divides_each_rows_gradient_by_its_count() -> None:
    table = nn.Embedding(4, 2, scale_grad_by_freq=True)
    out = table(tg.tensor([[1, 3, 3], [3, 0, 1]]))
    np.testing.assert_array_equal(
        out.numpy(), nn.Embedding.from_pretrained(table.weight)(tg.tensor([[1, 3, 3], [3, 0, 1]])).numpy()
    )
    out.sum().backward()
    np.testing.assert_allclose(table.weight.grad.numpy(), [[1, 1], [1, 1], [0, 0], [1, 1]], rtol=1e-6)


def test_embedding_from_pretrained_copies_the_table_frozen_unless_asked() -> None:
    vectors = tg.tensor(np.arange(6.0).reshape(3, 2))
    frozen = nn.Embedding.from_pretrained(vectors)
    assert not frozen.weight.requires_grad and frozen.weight.dtype == tg.float64
    np.testing.assert_array_equal(frozen(tg.tensor([2, 0])).numpy(), [[4, 5], [0, 1]])
    with tg.no_grad():
        frozen.weight[0] = 9.0
    assert vectors.numpy()[0].tolist() == [0.0, 1.0]  # a copy: the given table is not changed
    trained = nn.Embedding.from_pretrained(vectors, freeze=False, padding_idx=1)
    assert trained.weight.requires_grad and trained.padding_idx == 1
    assert trained.weight.numpy()[1].tolist() == [2.0, 3.0]  # the padding row is kept as given
    trained(tg.tensor([1, 0])).sum().backward()
    np.testing.assert_array_equal(trained.weight.grad.numpy(), [[1, 1], [0, 0], [0, 0]])
    with pytest.raises(ValueError, match="2-D float tensor .* shape \\(3,\\)"):
        nn.Embedding.from_pretrained(tg.tensor([1.0, 2.0, 3.0]))


# -- erf ------------------------------------------------------------------------------------------------

ERF_POINTS = np.concatenate(
    [
        np.linspace(-7, 7, 2801),
        np.logspace(-300, 1.4, 400),
        -np.logspace(-300, 1.4, 400),
        [0.0, 0.46875, 4.0, np.nextafter(0.46875, 1), np.nextafter(4.0, 5), 26.0, 27.0, 1e10],
    ]
)


def test_erf_matches_math_erf_to_float64_precision() -> None:
    got = F.erf(tg.tensor(ERF_POINTS)).numpy()
    expected = np.array([math.erf(v) for v in ERF_POINTS])
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_erfc_matches_math_erfc_in_the_tails() -> None:
    points = np.concatenate([ERF_POINTS, np.linspace(5, 26, 211)])
    got = F.erfc(tg.tensor(points)).numpy()
    expected = np.array([math.erfc(v) for v in points])
    np.testing.assert_allclose(got, expected, rtol=2e-15, atol=0)


def test_erf_skips_the_far_interval_only_when_no_input_needs_it() -> None:
    """Inputs within [-4, 4] skip Cody's third interval; the values are those of a full evaluation."""
    inner = np.linspace(-4, 4, 801)
    with_far_point = np.append(inner, 6.5)
    for function, reference in ((F.erf, math.erf), (F.erfc, math.erfc)):
        alone = function(tg.tensor(inner)).numpy()
        together = function(tg.tensor(with_far_point)).numpy()
        np.testing.assert_array_equal(alone, together[:-1])
        np.testing.assert_allclose(alone, [reference(v) for v in inner], rtol=2e-15, atol=1e-300)
        assert together[-1] == reference(6.5) or abs(together[-1] / reference(6.5) - 1) < 2e-15


def test_erf_edge_values() -> None:
    got = F.erf(tg.tensor(np.array([np.inf, -np.inf, np.nan, -0.0]))).numpy()
    np.testing.assert_array_equal(got[:2], [1.0, -1.0])
    assert np.isnan(got[2]) and got[3] == 0


def test_erf_float32_and_errors() -> None:
    x = np.linspace(-5, 5, 101, dtype=np.float32)
    got = F.erf(tg.tensor(x))
    assert got.dtype == tg.float32
    np.testing.assert_allclose(got.numpy(), [math.erf(v) for v in x], atol=2e-7)
    with pytest.raises(TypeError, match="floating-point"):
        F.erf(tg.tensor([1, 2]))


def test_erf_and_erfc_gradcheck() -> None:
    x = tg.tensor(np.array([-3.0, -0.4, 0.0, 0.3, 0.5, 2.0, 4.5]))
    assert tg.gradcheck(F.erf, [x])
    assert tg.gradcheck(F.erfc, [x])
