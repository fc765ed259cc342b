"""Round 8 against PyTorch 2.13 (tests/fixtures/lazy_and_distributions_round8.npz, made by
tests/fixtures/make_lazy_and_distributions_round8.py).

Lazy layers: LazyConv3d, LazyConvTranspose1d/2d, LazyBatchNorm1d/2d/3d, LazyInstanceNorm1d/2d/3d
infer their input size on the first call and become the eager class, with PyTorch's state_dict keys,
initialisation, outputs and gradients; they load a state dict (also inside a model) and refuse bad
inputs. Distributions: ContinuousBernoulli, VonMises, Multinomial, Wishart, LKJCholesky (log_prob,
entropy, moments, gradients, KL divergences, shapes, PyTorch's checks) and their samplers by their
moments, with fixed seeds and tolerances of at least five standard errors."""

from __future__ import annotations

import contextlib
import copy
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.distributions import (
    Beta,
    ContinuousBernoulli,
    Exponential,
    Gamma,
    LKJCholesky,
    Multinomial,
    Normal,
    Pareto,
    Uniform,
    VonMises,
    Wishart,
    constraints,
    kl_divergence,
)

FIX = np.load(Path(__file__).parent / "fixtures" / "lazy_and_distributions_round8.npz")
TOL = {"rtol": 1e-9, "atol": 1e-10}


def _tensor(key: str, requires_grad: bool = False) -> tg.Tensor:
    return tg.tensor(FIX[key], requires_grad=requires_grad)


# -- lazy layers ------------------------------------------------------------------------------------
LAZY = {
    "conv3d": ("LazyConv3d", (4, 2), {"stride": (1, 2, 1), "padding": 1, "groups": 2}),
    "conv3d_unbatched": ("LazyConv3d", (3, (2, 1, 2)), {"bias": False}),
    "convt1d": ("LazyConvTranspose1d", (4, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    "convt2d": ("LazyConvTranspose2d", (6, (3, 2)), {"stride": 2, "groups": 3, "dilation": (1, 2)}),
    "convt2d_unbatched": ("LazyConvTranspose2d", (2, 3), {"bias": False}),
    "bn1d": ("LazyBatchNorm1d", (), {}),
    "bn1d_seq": ("LazyBatchNorm1d", (), {"momentum": None, "eps": 1e-3}),
    "bn2d": ("LazyBatchNorm2d", (), {"affine": False}),
    "bn3d": ("LazyBatchNorm3d", (), {"bias": False}),
    "bn2d_nostats": ("LazyBatchNorm2d", (), {"track_running_stats": False}),
    "in1d": ("LazyInstanceNorm1d", (), {"affine": True, "track_running_stats": True}),
    "in2d": ("LazyInstanceNorm2d", (), {"affine": True}),
    "in3d": ("LazyInstanceNorm3d", (), {"track_running_stats": True}),
}


def _lazy(case: str) -> nn.Module:
    name, args, kwargs = LAZY[case]
    return getattr(nn, name)(*args, **kwargs, dtype=tg.float64)


@pytest.mark.parametrize("case", sorted(LAZY))
def test_lazy_layer_becomes_the_eager_layer_with_pytorchs_keys_outputs_and_gradients(case: str) -> None:
    prefix = f"lazy_{case}"
    module = _lazy(case)
    assert list(module.state_dict()) == list(FIX[f"{prefix}_keys_before"])
    x = _tensor(f"{prefix}_input", requires_grad=True)
    out = module(x)
    assert type(module).__name__ == str(FIX[f"{prefix}_class"]) and type(module) is getattr(
        nn, type(module).__name__
    )
    assert list(module.state_dict()) == list(FIX[f"{prefix}_keys_after"])
    state = {k[len(prefix) + 7 :]: FIX[k] for k in FIX.files if k.startswith(f"{prefix}_state_")}
    if "conv" in case:  # random weights: take PyTorch's and run again
        assert all(module.state_dict()[k].shape == v.shape for k, v in state.items())
        module.load_state_dict(state)
        out = module(x)
    else:  # γ = 1, β = 0 and the running statistics after one batch, as PyTorch's
        for key, value in module.state_dict().items():
            np.testing.assert_allclose(value.numpy(), state[key], **TOL, err_msg=key)
        assert module.num_features == x.shape[1 if x.ndim > 2 or "bn" in case else 0]
    np.testing.assert_allclose(out.numpy(), FIX[f"{prefix}_out"], rtol=1e-9, atol=1e-9)
    (out * _tensor(f"{prefix}_weights")).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), FIX[f"{prefix}_grad_input"], rtol=1e-8, atol=1e-9)
    for key, parameter in module.named_parameters():
        np.testing.assert_allclose(parameter.grad.numpy(), FIX[f"{prefix}_grad_{key}"], rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize(
    ("case", "name", "args", "kwargs", "shape"),
    [
        ("conv3d", "LazyConv3d", (16, 3), {"groups": 2}, (1, 12, 3, 3, 3)),
        ("convt1d", "LazyConvTranspose1d", (40, 5), {"groups": 4}, (1, 24, 3)),
        ("convt2d", "LazyConvTranspose2d", (30, 3), {}, (1, 20, 3, 3)),
    ],
)
def test_lazy_convolutions_initialise_as_pytorch(
    case: str, name: str, args: tuple, kwargs: dict, shape: tuple
) -> None:
    """U(±1/√fan_in) for weight and bias, fan_in = weight.shape[1]·kernel (PyTorch's, transposed too)."""
    tg.manual_seed(1)
    module = getattr(nn, name)(*args, **kwargs)
    module(tg.zeros(*shape))
    bound = 1 / math.sqrt(math.prod(module.weight.shape[1:]))
    for key, parameter in module.named_parameters():
        values = parameter.numpy()
        assert values.shape == tuple(FIX[f"init_{case}_{key}_shape"])
        assert np.abs(values).max() <= bound
        assert FIX[f"init_{case}_{key}_absmax"] <= bound * (1 + 1e-6)
        if key == "weight":  # thousands of draws: the standard deviation of U(±b) is b/√3
            np.testing.assert_allclose(values.std(), bound / math.sqrt(3), rtol=0.06)
            np.testing.assert_allclose(values.std(), FIX[f"init_{case}_{key}_std"], rtol=0.08)


def test_lazy_parameters_refuse_use_before_the_first_call_and_optimizers_built_early_still_train() -> None:
    tg.manual_seed(0)
    conv, norm = nn.LazyConvTranspose2d(3, 2), nn.LazyInstanceNorm2d()
    assert conv.in_channels == 0 and norm.num_features == 0 and norm.affine and norm.track_running_stats
    assert isinstance(conv.weight, nn.UninitializedParameter)
    assert isinstance(norm.running_mean, nn.UninitializedBuffer)
    for tensor in (conv.weight, norm.weight, norm.running_var):
        with pytest.raises(RuntimeError, match="uninitialized parameter"):
            tensor.shape  # noqa: B018
    with pytest.raises(ValueError, match="uninitialized parameter in numel"):  # as PyTorch: no silent 0
        sum(p.numel() for p in conv.parameters())
    model = nn.Sequential(conv, norm)
    optimizer = tg.optim.SGD(model.parameters(), lr=0.5)
    out = model(tg.randn(2, 4, 3, 3))
    assert out.shape == (2, 3, 4, 4) and conv.weight.shape == (4, 3, 2, 2) and norm.weight.shape == (3,)
    assert type(model[0]) is nn.ConvTranspose2d and type(model[1]) is nn.InstanceNorm2d
    before = norm.bias.numpy().copy()
    (out * tg.arange(3, dtype=out.dtype).reshape(1, 3, 1, 1)).sum().backward()
    optimizer.step()
    np.testing.assert_allclose(norm.bias.numpy(), before - 0.5 * 32 * np.arange(3), rtol=1e-6)
    nn.LazyBatchNorm1d(affine=False, track_running_stats=False)(tg.ones(3, 2))  # nothing to materialize


def test_lazy_layers_inside_a_model_load_a_state_dict_and_copy() -> None:
    tg.manual_seed(2)
    eager = nn.Sequential(nn.Conv3d(2, 4, 2), nn.BatchNorm3d(4), nn.ConvTranspose1d(6, 2, 3))
    lazy = nn.Sequential(nn.LazyConv3d(4, 2), nn.LazyBatchNorm3d(), nn.LazyConvTranspose1d(2, 3))
    clone = copy.deepcopy(lazy)
    assert pickle.loads(pickle.dumps(lazy)).state_dict().keys() == lazy.state_dict().keys()
    lazy.load_state_dict(eager.state_dict())
    assert [type(m) for m in lazy] == [nn.Conv3d, nn.BatchNorm3d, nn.ConvTranspose1d]
    assert (lazy[0].in_channels, lazy[1].num_features, lazy[2].in_channels) == (2, 4, 6)
    x = tg.randn(1, 2, 3, 3, 3)
    np.testing.assert_allclose(lazy[1](lazy[0](x)).numpy(), eager[1](eager[0](x)).numpy(), rtol=1e-6)
    bad = {k: v for k, v in eager.state_dict().items()}
    bad["1.running_var"] = tg.ones(5)
    with pytest.raises(RuntimeError, match="LazyBatchNorm3d"):
        clone.load_state_dict(bad)
    assert nn.parameter.is_lazy(clone[1].running_mean)


def test_lazy_layers_refuse_bad_first_inputs_as_pytorch() -> None:
    with pytest.raises(
        RuntimeError, match=r"Expected 4D \(unbatched\) or 5D \(batched\) input to LazyConv3d"
    ):
        nn.LazyConv3d(2, 1)(tg.ones(2, 3, 4))
    with pytest.raises(RuntimeError, match=r"Expected 2D \(unbatched\) or 3D \(batched\)"):
        nn.LazyConvTranspose1d(2, 1)(tg.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.LazyConvTranspose2d(4, 1, groups=2)(tg.ones(1, 3, 4, 4))
    with pytest.raises(TypeError, match="must be a Tensor"):
        nn.LazyConv3d(2, 1)([[1.0]])
    norm = nn.LazyBatchNorm2d()
    with pytest.raises(ValueError, match="expected 4D input"):
        norm(tg.ones(2, 3))
    assert nn.parameter.is_lazy(norm.weight)  # nothing was materialized from the bad input
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.LazyInstanceNorm1d()(tg.ones(2, 3, 4, 5))


# -- distributions: values and gradients against PyTorch ------------------------------------------------
def _params(case: str) -> dict[str, tg.Tensor]:
    marker = f"{case}_param_"
    return {k[len(marker) :]: _tensor(k, requires_grad=True) for k in FIX.files if k.startswith(marker)}


def _check(case: str, dist, params: dict[str, tg.Tensor], quantities: tuple[str, ...]) -> None:
    """Shapes, log_prob and the ``quantities`` equal PyTorch's, and so do the gradients of
    Σ w·log_prob + Σ w·entropy (the fixture's weights w)."""
    assert dist.batch_shape == tuple(FIX[f"{case}_batch_shape"])
    assert dist.event_shape == tuple(FIX[f"{case}_event_shape"])
    log_prob = dist.log_prob(_tensor(f"{case}_value"))
    np.testing.assert_allclose(log_prob.numpy(), FIX[f"{case}_log_prob"], rtol=1e-7, atol=1e-9)
    total = (log_prob * _tensor(f"{case}_w_log_prob")).sum()
    for quantity in quantities:
        result = getattr(dist, quantity)
        result = result() if callable(result) else result
        np.testing.assert_allclose(
            result.numpy(), FIX[f"{case}_{quantity}"], rtol=1e-7, atol=1e-9, err_msg=quantity
        )
        if quantity == "entropy":
            total = total + (result * _tensor(f"{case}_w_entropy")).sum()
    total.backward()
    for name, param in params.items():
        expected = (
            FIX[f"{case}_grad_{name}"]
            if f"{case}_grad_{name}" in FIX.files
            else 0 * FIX[f"{case}_param_{name}"]
        )
        got = param.grad.numpy() if param.grad is not None else np.zeros_like(expected)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8, err_msg=f"grad {name}")


def test_continuous_bernoulli_matches_pytorch_on_both_sides_of_its_taylor_branch() -> None:
    p = _params("cb_probs")
    dist = ContinuousBernoulli(probs=p["probs"])
    _check("cb_probs", dist, p, ("entropy", "mean", "variance"))
    value = _tensor("cb_probs_value")
    np.testing.assert_allclose(dist.cdf(value).numpy(), FIX["cb_probs_cdf"], rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(dist.icdf(_tensor("cb_probs_q")).numpy(), FIX["cb_probs_icdf"], rtol=1e-7)
    p = _params("cb_logits")
    _check("cb_logits", ContinuousBernoulli(logits=p["logits"]), p, ("entropy", "mean", "variance", "stddev"))


def test_von_mises_matches_pytorch_on_both_sides_of_the_bessel_series() -> None:
    p = _params("vm")
    _check("vm", VonMises(p["loc"], p["concentration"]), p, ("mean", "mode", "variance"))


def test_multinomial_matches_pytorch_with_probs_and_with_a_minus_infinite_logit() -> None:
    p = _params("mn_probs")
    dist = Multinomial(6, probs=p["probs"])
    _check("mn_probs", dist, p, ("entropy", "mean", "variance"))
    np.testing.assert_allclose(dist.probs.numpy().sum(-1), 1.0, rtol=1e-12)
    p = _params("mn_logits")
    dist = Multinomial(5, logits=p["logits"])
    _check("mn_logits", dist, p, ("mean", "variance"))
    np.testing.assert_allclose(dist.entropy().numpy(), FIX["mn_logits_entropy_total"], rtol=1e-7)


@pytest.mark.parametrize(
    ("case", "quantities"),
    [
        ("wishart_tril", ("entropy", "mean", "variance", "mode")),
        ("wishart_cov", ("entropy", "mean", "variance", "mode")),
        ("wishart_prec", ("entropy", "mean", "variance")),
    ],
)
def test_wishart_matches_pytorch_for_each_matrix_it_takes(case: str, quantities: tuple[str, ...]) -> None:
    p = _params(case)
    df = p.get("df", 6.0)
    matrices = {k: v for k, v in p.items() if k != "df"}
    with pytest.warns(UserWarning, match="Low df") if case == "wishart_prec" else contextlib.nullcontext():
        dist = Wishart(df, **matrices)
    _check(case, dist, p, quantities)


@pytest.mark.parametrize("dim", [2, 4])
def test_lkj_cholesky_log_prob_matches_pytorch(dim: int) -> None:
    p = _params(f"lkj{dim}")
    _check(f"lkj{dim}", LKJCholesky(dim, p["concentration"]), p, ())


KL_CASES = {
    "cb_cb": lambda P: (ContinuousBernoulli(probs=P[0]), ContinuousBernoulli(logits=P[1])),
    "beta_cb": lambda P: (Beta(P[2], P[3]), ContinuousBernoulli(probs=P[0])),
    "uniform_cb": lambda P: (Uniform(P[4], P[5]), ContinuousBernoulli(probs=P[0])),
    "cb_exponential": lambda P: (ContinuousBernoulli(probs=P[0]), Exponential(P[2])),
    "cb_normal": lambda P: (ContinuousBernoulli(probs=P[0]), Normal(P[1], P[3])),
    "cb_uniform": lambda P: (ContinuousBernoulli(probs=P[0]), Uniform(P[6], P[7])),
    "cb_pareto": lambda P: (ContinuousBernoulli(probs=P[0]), Pareto(P[2], P[3])),
    "normal_cb": lambda P: (Normal(P[1], P[3]), ContinuousBernoulli(probs=P[0])),
    "gamma_cb": lambda P: (Gamma(P[2], P[3]), ContinuousBernoulli(probs=P[0])),
}


@pytest.mark.parametrize("case", sorted(KL_CASES))
def test_continuous_bernoulli_kl_divergences_match_pytorch(case: str) -> None:
    params = [_tensor(f"kl_param_{i}", requires_grad=True) for i in range(8)]
    out = kl_divergence(*KL_CASES[case](params))
    expected = FIX[f"kl_{case}_out"]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-7, atol=1e-10)
    finite = np.isfinite(expected)
    if not finite.any():
        return
    out[tg.tensor(finite)].sum().backward()  # the finite entries only, as the fixture script
    for i, param in enumerate(params):
        expected_grad = FIX.get(f"kl_{case}_grad_{i}")
        if expected_grad is None:
            assert param.grad is None or not param.grad.numpy().any()
        else:
            np.testing.assert_allclose(
                param.grad.numpy(), expected_grad, rtol=1e-6, atol=1e-9, err_msg=str(i)
            )


# -- distributions: samplers by their moments (fixed seeds; bounds of ≥ 5 standard errors) ------------
def _assert_within(got: np.ndarray, expected: np.ndarray, tolerance: np.ndarray) -> None:
    """|got − expected| ≤ tolerance entry by entry (a tolerance per entry, unlike assert_allclose)."""
    gap = np.abs(got - expected)
    assert (gap <= tolerance).all(), f"off by {gap} with tolerances {tolerance}"


def test_continuous_bernoulli_rsample_has_the_moments_and_a_pathwise_gradient() -> None:
    tg.manual_seed(0)
    probs = tg.tensor([0.1, 0.4999, 0.8], requires_grad=True)
    dist = ContinuousBernoulli(probs)
    draws = dist.rsample((40000,))
    assert draws.shape == (40000, 3) and dist.has_rsample
    values = draws.numpy()
    assert values.min() >= 0 and values.max() <= 1
    n = values.shape[0]
    _assert_within(values.mean(0), dist.mean.numpy(), 5 * np.sqrt(dist.variance.numpy() / n))
    np.testing.assert_allclose(values.var(0), dist.variance.numpy(), rtol=0.03)
    draws.mean(0).sum().backward()  # d E[x]/dλ by the pathwise estimate, against the exact one
    pathwise = probs.grad.numpy().copy()
    probs.grad = None
    ContinuousBernoulli(probs).mean.sum().backward()
    # near λ = ½ the draw is u itself (PyTorch's icdf there), so its pathwise gradient is 0
    np.testing.assert_allclose(pathwise[[0, 2]], probs.grad.numpy()[[0, 2]], rtol=0.05)
    assert pathwise[1] == 0
    assert dist.sample((2, 5)).shape == (2, 5, 3) and not dist.sample().requires_grad


def test_von_mises_draws_have_the_circular_mean_and_variance() -> None:
    tg.manual_seed(1)
    dist = VonMises(tg.tensor([0.5, -3.0, 2.0]), tg.tensor([4.0, 0.4, 1e-6]))
    draws = dist.sample((30000,))
    assert draws.shape == (30000, 3) and draws.dtype == tg.float32 and not dist.has_rsample
    angles = draws.numpy().astype(np.float64)
    assert angles.min() >= -math.pi and angles.max() < math.pi
    resultant = np.exp(1j * angles).mean(0)
    np.testing.assert_allclose(1 - np.abs(resultant), dist.variance.numpy(), atol=0.01)
    for i in (0, 1):  # the circular mean (κ ≈ 0 is uniform: no mean direction)
        assert abs(np.angle(resultant[i] * np.exp(-1j * dist.loc.numpy()[i]))) < 0.03 / (
            1 - dist.variance.numpy()[i]
        )
    with pytest.raises(NotImplementedError):
        dist.rsample()


def test_multinomial_draws_are_counts_with_the_mean_and_variance() -> None:
    tg.manual_seed(2)
    dist = Multinomial(12, logits=tg.tensor([[0.0, 1.0, -1.0, 0.5], [2.0, 0.0, 0.0, -3.0]]))
    draws = dist.sample((20000,))
    assert draws.shape == (20000, 2, 4) and draws.dtype == tg.float32
    counts = draws.numpy()
    assert (counts.sum(-1) == 12).all() and (counts >= 0).all() and (counts % 1 == 0).all()
    n = counts.shape[0]
    _assert_within(counts.mean(0), dist.mean.numpy(), 5 * np.sqrt(dist.variance.numpy() / n) + 1e-6)
    np.testing.assert_allclose(counts.var(0), dist.variance.numpy(), rtol=0.05, atol=1e-3)
    assert dist.support.check(draws).all().item()


def test_wishart_rsample_has_the_mean_and_variance_and_a_pathwise_gradient() -> None:
    tg.manual_seed(3)
    covariance = tg.tensor([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]], dtype=tg.float64)
    df = tg.tensor([4.5, 9.0], dtype=tg.float64, requires_grad=True)
    dist = Wishart(df, covariance_matrix=covariance)
    assert dist.batch_shape == (2,) and dist.event_shape == (3, 3)
    draws = dist.rsample((20000,))
    values = draws.numpy()
    np.testing.assert_array_equal(values, np.swapaxes(values, -1, -2))
    assert constraints.positive_definite.check(draws).all().item()
    n = values.shape[0]
    _assert_within(values.mean(0), dist.mean.numpy(), 5 * np.sqrt(dist.variance.numpy() / n))
    np.testing.assert_allclose(values.var(0), dist.variance.numpy(), rtol=0.1)
    draws[..., 0, 0].mean(0).sum().backward()  # E[X₀₀] = ν Σ₀₀: dE/dν = Σ₀₀ = 2
    np.testing.assert_allclose(df.grad.numpy(), [2.0, 2.0], rtol=0.05)


@pytest.mark.parametrize("eta", [0.5, 1.0, 3.0])
def test_lkj_cholesky_draws_are_correlation_factors_with_the_lkj_marginals(eta: float) -> None:
    """Every correlation of an LKJ(η) matrix of size d has variance 1/(2η + d − 1). PyTorch 2.13's
    sampler misses it from the third row on (its Beta concentrations are off); these draws do not."""
    tg.manual_seed(4)
    dim = 4
    dist = LKJCholesky(dim, tg.tensor(eta, dtype=tg.float64))
    draws = dist.sample((20000,))
    assert draws.shape == (20000, dim, dim) and dist.support.check(draws).all().item()
    factors = draws.numpy()
    correlations = factors @ np.swapaxes(factors, -1, -2)
    np.testing.assert_allclose(np.diagonal(correlations, axis1=-2, axis2=-1), 1.0, rtol=1e-12)
    expected = 1 / (2 * eta + dim - 1)
    for i, j in [(1, 0), (2, 0), (2, 1), (3, 0), (3, 2)]:
        r = correlations[:, i, j]
        standard_error = np.sqrt(np.mean((r**2 - expected) ** 2) / r.size)
        assert abs(np.mean(r**2) - expected) < 5 * standard_error, (i, j)
        assert abs(r.mean()) < 5 * np.sqrt(expected / r.size)


# -- distributions: PyTorch's checks and shapes -------------------------------------------------------
def test_bad_parameters_and_values_are_refused_as_pytorch_refuses_them() -> None:
    with pytest.raises(ValueError, match="probs"):
        ContinuousBernoulli(tg.tensor([0.2, 1.5]))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        ContinuousBernoulli(probs=0.2, logits=0.1)
    with pytest.raises(ValueError, match="within the support"):
        ContinuousBernoulli(tg.tensor(0.3)).log_prob(tg.tensor(1.5))
    with pytest.raises(ValueError, match="concentration"):
        VonMises(tg.tensor([0.0]), tg.tensor([-1.0]))
    with pytest.raises(NotImplementedError, match="inhomogeneous total_count"):
        Multinomial(tg.tensor(3.0), probs=tg.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match="simplex|probs"):
        Multinomial(3, probs=tg.tensor([-0.5, 1.5]))
    with pytest.raises(ValueError, match="within the support"):
        Multinomial(3, probs=tg.tensor([0.5, 0.5])).log_prob(tg.tensor([-1.0, 2.0]))
    with pytest.raises(AssertionError, match="Exactly one"):
        Wishart(3.0, covariance_matrix=tg.eye(2), scale_tril=tg.eye(2))
    with pytest.raises(ValueError, match="expected to be greater than ndim - 1 = 2"):
        Wishart(1.5, covariance_matrix=tg.eye(3))
    with pytest.raises(ValueError, match="covariance_matrix"):
        Wishart(4.0, covariance_matrix=tg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="within the support"):
        Wishart(4.0, covariance_matrix=tg.eye(2)).log_prob(tg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="dim to be an integer greater than or equal to 2"):
        LKJCholesky(1)
    with pytest.raises(ValueError, match="within the support"):
        LKJCholesky(2).log_prob(tg.tensor([[1.0, 0.0], [0.5, 0.5]]))
    # validate_args=False skips the checks, as in PyTorch
    VonMises(tg.tensor([0.0]), tg.tensor([-1.0]), validate_args=False)
    LKJCholesky(2, validate_args=False).log_prob(tg.tensor([[1.0, 0.0], [0.5, 0.5]]))


def test_shapes_constraints_and_expand_follow_pytorch() -> None:
    cb = ContinuousBernoulli(logits=tg.zeros(2, 3))
    assert cb.batch_shape == (2, 3) and cb.event_shape == () and cb.support is constraints.unit_interval
    assert set(cb.arg_constraints) == {"probs", "logits"} and cb.expand((4, 2, 3)).sample().shape == (4, 2, 3)
    vm = VonMises(0.0, tg.ones(3))
    assert vm.batch_shape == (3,) and vm.expand((2, 3)).sample((5,)).shape == (5, 2, 3)
    mn = Multinomial(4, probs=tg.ones(2, 5))
    assert mn.batch_shape == (2,) and mn.event_shape == (5,) and mn.param_shape == (2, 5)
    assert mn.support.is_discrete and mn.support.event_dim == 1
    expanded = mn.expand((3, 2))
    assert expanded.batch_shape == (3, 2) and expanded.sample((7,)).shape == (7, 3, 2, 5)
    wishart = Wishart(tg.tensor([3.0, 4.0]), scale_tril=tg.eye(2))
    assert wishart.batch_shape == (2,) and wishart.event_shape == (2, 2)
    assert wishart.arg_constraints["df"].lower_bound == 1 and wishart.mean.shape == (2, 2, 2)
    assert wishart.expand((3, 2)).rsample().shape == (3, 2, 2, 2)
    assert wishart.covariance_matrix.shape == wishart.precision_matrix.shape == (2, 2, 2)
    batched = Wishart(5.0, covariance_matrix=tg.eye(2).expand(3, 2, 2))  # a number df over a batch
    assert (
        batched.df.shape == (3,)
        and batched.mean.shape == (3, 2, 2)
        and batched.rsample((4,)).shape == (4, 3, 2, 2)
    )
    assert Multinomial(0, probs=tg.ones(3)).sample((2,)).numpy().sum() == 0
    lkj = LKJCholesky(3, tg.tensor([1.0, 2.0]))
    assert lkj.batch_shape == (2,) and lkj.event_shape == (3, 3) and lkj.support is constraints.corr_cholesky
    assert lkj.sample((4,)).shape == (4, 2, 3, 3) and lkj.expand((5, 2)).sample().shape == (5, 2, 3, 3)
    assert not lkj.has_rsample and not mn.has_rsample and wishart.has_rsample and cb.has_rsample
    with pytest.raises(TypeError, match="sample_shape"):
        lkj.sample(4)
