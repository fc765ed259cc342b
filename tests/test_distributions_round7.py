"""tg.distributions, round 7, against PyTorch 2.13 (tests/fixtures/distributions_round7.npz, made by
tests/fixtures/make_distributions_round7.py): Exponential, Laplace, Cauchy, StudentT, Chi2, Geometric,
Binomial, NegativeBinomial, LogNormal, TransformedDistribution with its transforms,
MultivariateNormal, MixtureSameFamily; the reparameterised Gamma, Beta and Dirichlet draws and their
implicit gradients; polygamma for n ≥ 2. Values, gradients, KL divergences, sampling statistics and
shapes, and PyTorch's errors for bad parameters and values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.distributions import (
    AffineTransform,
    Bernoulli,
    Beta,
    Binomial,
    Categorical,
    Cauchy,
    Chi2,
    ComposeTransform,
    Dirichlet,
    Distribution,
    Exponential,
    ExpTransform,
    Gamma,
    Geometric,
    Gumbel,
    HalfCauchy,
    HalfNormal,
    Independent,
    Laplace,
    LogNormal,
    LowRankMultivariateNormal,
    MixtureSameFamily,
    MultivariateNormal,
    NegativeBinomial,
    Normal,
    Pareto,
    Poisson,
    RelaxedBernoulli,
    RelaxedOneHotCategorical,
    SigmoidTransform,
    StudentT,
    TanhTransform,
    TransformedDistribution,
    Uniform,
    Weibull,
    kl_divergence,
)
from tinygrad_adam.distributions.gamma import standard_gamma_grad_array

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "distributions_round7.npz")
QUANTITIES = ("log_prob", "entropy", "mean", "mode", "variance", "stddev", "cdf", "icdf")
MATRICES = ("covariance_matrix", "precision_matrix", "scale_tril")
CASES = sorted(
    {k[: -len("_value")] for k in REFERENCE.files if k.endswith("_value") and not k.startswith("kl_")}
)


def build(case: str, p: dict[str, tg.Tensor]) -> Distribution:
    """The same distribution as the fixture script's ``build``, from tinygrad_adam."""
    if case == "exponential":
        return Exponential(p["rate"])
    if case == "laplace":
        return Laplace(p["loc"], p["scale"])
    if case == "cauchy":
        return Cauchy(p["loc"], p["scale"])
    if case == "gumbel":
        return Gumbel(p["loc"], p["scale"])
    if case == "half_normal":
        return HalfNormal(p["scale"])
    if case == "half_cauchy":
        return HalfCauchy(p["scale"])
    if case == "pareto":
        return Pareto(p["scale"], p["alpha"])
    if case == "weibull":
        return Weibull(p["scale"], p["concentration"])
    if case == "student_t":
        return StudentT(p["df"], p["loc"], p["scale"])
    if case == "chi2":
        return Chi2(p["df"])
    if case.startswith("geometric"):
        return Geometric(**p)
    if case.startswith("binomial"):
        return Binomial(**p)
    if case == "negative_binomial":
        return NegativeBinomial(**p)
    if case == "log_normal":
        return LogNormal(p["loc"], p["scale"])
    if case == "tanh_normal":
        squash = [AffineTransform(p["shift"], p["stretch"]), TanhTransform()]
        return TransformedDistribution(Normal(p["loc"], p["scale"]), squash)
    if case == "sigmoid_normal":
        return TransformedDistribution(Normal(p["loc"], p["scale"]), ComposeTransform([SigmoidTransform()]))
    if case == "affine_event":
        return TransformedDistribution(
            Normal(p["loc"], p["scale"]), AffineTransform(0.5, p["stretch"], event_dim=1)
        )
    if case.startswith("mvn"):
        return MultivariateNormal(**p)
    if case == "low_rank_mvn":
        return LowRankMultivariateNormal(**p)
    if case == "relaxed_bernoulli":
        return RelaxedBernoulli(p["temperature"], probs=p["probs"])
    if case == "relaxed_one_hot":
        return RelaxedOneHotCategorical(p["temperature"], logits=p["logits"])
    component: Distribution = Normal(p["loc"], p["scale"])
    if case == "mixture_diagonal":
        component = Independent(component, 1)
    return MixtureSameFamily(Categorical(logits=p["logits"]), component)


def parameters(prefix: str) -> dict[str, tg.Tensor]:
    marker = f"{prefix}_param_"
    return {
        k[len(marker) :]: tg.tensor(REFERENCE[k], requires_grad=not k.endswith("total_count"))
        for k in REFERENCE.files
        if k.startswith(marker)
    }


def weighted_sum(out: tg.Tensor) -> tg.Tensor:
    weights = np.arange(out.size).reshape(out.shape) % 5 + 1.0
    return (out * tg.tensor(weights)).sum()


@pytest.mark.parametrize("case", CASES)
def test_values_and_gradients_match_pytorch(case: str) -> None:
    params = parameters(case)
    dist = build(case, params)
    value = tg.tensor(REFERENCE[f"{case}_value"])
    total = None
    for name in QUANTITIES + MATRICES:
        if f"{case}_{name}" not in REFERENCE.files:
            continue
        if name in ("log_prob", "cdf"):
            out = getattr(dist, name)(value)
        elif name == "icdf":
            out = dist.icdf(tg.tensor(REFERENCE[f"{case}_q"]))
        elif name == "entropy":
            out = dist.entropy()
        else:
            out = getattr(dist, name)
        expected = REFERENCE[f"{case}_{name}"]
        assert out.shape == expected.shape, name
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12, err_msg=name)
        if name in ("log_prob", "entropy"):
            total = weighted_sum(out) if total is None else total + weighted_sum(out)
    leaves = {k: t for k, t in params.items() if t.requires_grad}
    for (name, leaf), grad in zip(leaves.items(), tg.grad(total, list(leaves.values()), allow_unused=True)):
        got = np.zeros(leaf.shape) if grad is None else grad.numpy()
        np.testing.assert_allclose(got, REFERENCE[f"{case}_grad_{name}"], rtol=1e-8, atol=1e-10, err_msg=name)


KL_KINDS = {
    "exponential": ("exponential", "exponential"),
    "laplace": ("laplace", "laplace"),
    "cauchy": ("cauchy", "cauchy"),
    "geometric": ("geometric_probs", "geometric_logits"),
    "binomial": ("binomial_probs", "binomial_probs"),
    "log_normal": ("log_normal", "log_normal"),
    "mvn": ("mvn_covariance", "mvn_scale_tril"),
    "low_rank": ("low_rank_mvn", "low_rank_mvn"),
    "low_rank_mvn": ("low_rank_mvn", "mvn"),
    "mvn_low_rank": ("mvn", "low_rank_mvn"),
    "gumbel": ("gumbel", "gumbel"),
    "half_normal": ("half_normal", "half_normal"),
    "pareto": ("pareto", "pareto"),
    "bernoulli_poisson": ("bernoulli", "poisson"),
    "exponential_normal": ("exponential", "normal"),
    "gamma_normal": ("gamma", "normal"),
    "laplace_normal": ("laplace", "normal"),
    "normal_laplace": ("normal", "laplace"),
    "gumbel_normal": ("gumbel", "normal"),
    "normal_gumbel": ("normal", "gumbel"),
    "uniform_normal": ("uniform", "normal"),
    "uniform_exponential": ("uniform", "exponential"),
    "beta_normal": ("beta", "normal"),
    "beta_gamma": ("beta", "gamma"),
    "beta_exponential": ("beta", "exponential"),
    "beta_uniform": ("beta", "uniform"),
    "normal_exponential": ("normal", "exponential"),
    "exponential_gamma": ("exponential", "gamma"),
    "gamma_exponential": ("gamma", "exponential"),
}


def build_kl(kind: str, p: dict[str, tg.Tensor]) -> Distribution:
    others = {
        "gamma": lambda: Gamma(p["concentration"], p["rate"]),
        "bernoulli": lambda: Bernoulli(probs=p["probs"]),
        "poisson": lambda: Poisson(p["rate"]),
        "normal": lambda: Normal(p["loc"], p["scale"]),
        "uniform": lambda: Uniform(p["low"], p["high"]),
        "beta": lambda: Beta(p["concentration1"], p["concentration0"]),
    }
    return others[kind]() if kind in others else build(kind, p)


def test_kl_is_infinite_where_q_misses_part_of_ps_support_as_pytorch() -> None:
    normal = Normal(tg.zeros(2), tg.ones(2))
    for q in (
        Exponential(tg.ones(2)),
        Gamma(tg.ones(2), 1.0),
        Beta(tg.ones(2), 1.0),
        Uniform(tg.zeros(2), 1.0),
    ):
        assert np.isposinf(kl_divergence(normal, q).numpy()).all()
    assert np.isposinf(kl_divergence(Poisson(tg.ones(2)), Binomial(3, tg.tensor([0.5, 0.5]))).numpy()).all()
    assert np.isposinf(kl_divergence(Uniform(-1.0, 1.0), Exponential(1.0)).numpy())


@pytest.mark.parametrize("case", list(KL_KINDS))
def test_kl_divergences_and_their_gradients_match_pytorch(case: str) -> None:
    leaves = parameters(f"kl_{case}")
    p_kind, q_kind = KL_KINDS[case]
    p = build_kl(p_kind, {k[2:]: t for k, t in leaves.items() if k.startswith("p_")})
    q = build_kl(q_kind, {k[2:]: t for k, t in leaves.items() if k.startswith("q_")})
    kl = kl_divergence(p, q)
    np.testing.assert_allclose(kl.numpy(), REFERENCE[f"kl_{case}_out"], rtol=1e-10, atol=1e-12)
    grads = {k: t for k, t in leaves.items() if t.requires_grad and f"kl_{case}_grad_{k}" in REFERENCE.files}
    if not grads:  # an infinite KL (normal vs exponential) has no gradients in the fixture
        return
    for name, grad in zip(grads, tg.grad(weighted_sum(kl), list(grads.values()))):
        # atol: PyTorch's trigamma (in the Beta entropy's gradient) is good to ~5e-10 only
        np.testing.assert_allclose(grad.numpy(), REFERENCE[f"kl_{case}_grad_{name}"], rtol=1e-8, atol=2e-9)


def test_kl_of_binomials_with_more_trials_in_q_is_refused_and_fewer_is_infinite() -> None:
    with pytest.raises(NotImplementedError, match="q.total_count > p.total_count"):
        kl_divergence(Binomial(3, tg.tensor([0.5])), Binomial(5, tg.tensor([0.5])))
    assert np.isposinf(
        kl_divergence(Binomial(5, tg.tensor([0.5])), Binomial(3, tg.tensor([0.5]))).numpy()
    ).all()


def test_gamma_draw_gradient_matches_pytorchs_standard_gamma_grad_in_all_three_regimes() -> None:
    alpha, x = tg.tensor(REFERENCE["gamma_grad_alpha"]), tg.tensor(REFERENCE["gamma_grad_x"])
    xp = alpha._backend.xp
    got = alpha._backend.to_numpy(standard_gamma_grad_array(xp, alpha._data, x._data))
    np.testing.assert_allclose(got, REFERENCE["gamma_grad"], rtol=1e-12, atol=1e-300)


def test_gamma_draw_gradient_agrees_with_implicit_differentiation_of_the_cdf() -> None:
    """dx/dα = −(∂F/∂α)/(∂F/∂x), with F(x; α) the regularised lower incomplete gamma function,
    ∂F/∂α by central differences of the exact series and ∂F/∂x = x^(α−1)e^(−x)/Γ(α)."""
    from math import exp, lgamma, log

    def cdf(x: float, a: float) -> float:  # Σ x^(a+k) e^(−x)/Γ(a + k + 1)
        return sum(exp((a + k) * log(x) - x - lgamma(a + k + 1)) for k in range(400))

    pairs = [(0.3, 0.05), (0.5, 1.7), (2.0, 0.5), (3.3, 4.1), (7.0, 2.0), (12.0, 10.5), (40.0, 47.0)]
    alpha = tg.tensor([a for a, _ in pairs], dtype=tg.float64)
    x = tg.tensor([v for _, v in pairs], dtype=tg.float64)
    got = alpha._backend.to_numpy(standard_gamma_grad_array(alpha._backend.xp, alpha._data, x._data))
    h = 1e-6
    expected = [
        -((cdf(v, a + h) - cdf(v, a - h)) / (2 * h)) / exp((a - 1) * log(v) - v - lgamma(a)) for a, v in pairs
    ]
    np.testing.assert_allclose(got, expected, rtol=2e-3)  # PyTorch's approximations are good to ~1e-3


def test_gamma_rsample_gradients_have_the_expected_values_of_the_mean_s_derivatives() -> None:
    """E[∂x/∂α] = 1/β and E[∂x/∂β] = −α/β² for x ~ Gamma(α, β) (the mean α/β differentiated)."""
    tg.manual_seed(11)
    alpha = tg.tensor([0.3, 1.0, 4.0, 20.0], dtype=tg.float64, requires_grad=True)
    rate = tg.tensor([1.0, 2.0, 0.5, 3.0], dtype=tg.float64, requires_grad=True)
    draws = Gamma(alpha, rate).rsample((20000,))
    assert draws.requires_grad and draws.shape == (20000, 4)
    d_alpha, d_rate = tg.grad(draws.mean(0).sum(), [alpha, rate])
    a, b = alpha.numpy(), rate.numpy()
    np.testing.assert_allclose(d_alpha.numpy(), 1 / b, rtol=0.05)
    np.testing.assert_allclose(d_rate.numpy(), -a / b**2, rtol=0.05)


def test_beta_and_dirichlet_rsample_gradients_have_the_expected_values_of_the_mean_s_derivatives() -> None:
    tg.manual_seed(12)
    a = tg.tensor([0.5, 2.0, 6.0], dtype=tg.float64, requires_grad=True)
    b = tg.tensor([1.5, 2.0, 1.0], dtype=tg.float64, requires_grad=True)
    draws = Beta(a, b).rsample((20000,))
    assert ((draws.numpy() > 0) & (draws.numpy() < 1)).all()
    d_a, d_b = tg.grad(draws.mean(0).sum(), [a, b])
    an, bn = a.numpy(), b.numpy()
    np.testing.assert_allclose(d_a.numpy(), bn / (an + bn) ** 2, rtol=0.06)  # d/da of a/(a + b)
    np.testing.assert_allclose(d_b.numpy(), -an / (an + bn) ** 2, rtol=0.06)
    concentration = tg.tensor([0.7, 1.5, 3.0], dtype=tg.float64, requires_grad=True)
    draws = Dirichlet(concentration).rsample((20000,))
    np.testing.assert_allclose(draws.numpy().sum(-1), 1.0, rtol=1e-12)
    weights = tg.tensor([1.0, -2.0, 0.5], dtype=tg.float64)
    (grad,) = tg.grad((draws.mean(0) * weights).sum(), [concentration])
    c = concentration.numpy()
    mean_jacobian = (np.eye(3) * c.sum() - c[:, None]) / c.sum() ** 2  # ∂(αᵢ/α₀)/∂αⱼ, rows i
    np.testing.assert_allclose(grad.numpy(), weights.numpy() @ mean_jacobian, rtol=0.08, atol=5e-3)


def test_chi2_and_student_t_rsample_carry_gradients_to_their_degrees_of_freedom() -> None:
    tg.manual_seed(13)
    df = tg.tensor([3.0, 8.0], dtype=tg.float64, requires_grad=True)
    (grad,) = tg.grad(Chi2(df).rsample((20000,)).mean(0).sum(), [df])
    np.testing.assert_allclose(grad.numpy(), [1.0, 1.0], rtol=0.05)  # E[χ²(k)] = k
    loc, scale = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    t_draws = StudentT(tg.tensor([5.0]), loc, scale).rsample((4000,))
    d_loc, d_scale = tg.grad(t_draws.mean(), [loc, scale])
    np.testing.assert_allclose(d_loc.numpy(), [1.0], rtol=1e-5)
    np.testing.assert_allclose(d_scale.numpy(), ((t_draws.detach() - 1.0) / 2.0).mean().numpy(), rtol=1e-4)


def assert_moments(draws: np.ndarray, mean: np.ndarray, variance: np.ndarray, rtol: float = 0.15) -> None:
    """Sample mean within 5 standard errors, sample variance within ``rtol``."""
    n = draws.shape[0]
    np.testing.assert_array_less(np.abs(draws.mean(0) - mean), 5 * np.sqrt(variance / n) + 1e-12)
    np.testing.assert_allclose(draws.var(0), variance, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Exponential(tg.tensor([0.5, 3.0], dtype=tg.float64)),
        lambda: Laplace(tg.tensor([0.0, 2.0], dtype=tg.float64), tg.tensor([1.0, 0.5], dtype=tg.float64)),
        lambda: StudentT(tg.tensor([6.0, 12.0], dtype=tg.float64), 1.0, 2.0),
        lambda: Chi2(tg.tensor([0.5, 4.0], dtype=tg.float64)),
        lambda: Geometric(tg.tensor([0.2, 0.7, 1.0], dtype=tg.float64)),
        lambda: Binomial(
            tg.tensor([10.0, 40.0, 7.0, 0.0, 500.0, 1e6], dtype=tg.float64),
            tg.tensor([0.3, 0.8, 0.0, 0.5, 0.5, 0.02], dtype=tg.float64),
        ),
        lambda: NegativeBinomial(
            tg.tensor([2.0, 7.5], dtype=tg.float64), tg.tensor([0.3, 0.6], dtype=tg.float64)
        ),
        lambda: LogNormal(tg.tensor([0.0, -1.0], dtype=tg.float64), tg.tensor([0.25, 0.5], dtype=tg.float64)),
        lambda: Gumbel(tg.tensor([0.0, 3.0], dtype=tg.float64), tg.tensor([1.0, 0.5], dtype=tg.float64)),
        lambda: HalfNormal(tg.tensor([0.5, 2.0], dtype=tg.float64)),
        lambda: Pareto(tg.tensor([1.0, 0.5], dtype=tg.float64), tg.tensor([6.0, 9.0], dtype=tg.float64)),
        lambda: Weibull(tg.tensor([1.0, 2.0], dtype=tg.float64), tg.tensor([0.8, 3.0], dtype=tg.float64)),
    ],
)
def test_draws_have_the_distributions_mean_and_variance(make) -> None:
    tg.manual_seed(5)
    dist = make()
    draws = dist.sample((20000,)).numpy()
    assert draws.shape == (20000, *dist.batch_shape)
    support = dist.support
    assert support.check(tg.tensor(draws)).all().item()
    assert_moments(draws, dist.mean.numpy(), dist.variance.numpy())


def test_cauchy_draws_have_the_right_quartiles() -> None:
    tg.manual_seed(6)
    draws = Cauchy(tg.tensor([1.0]), tg.tensor([2.0])).sample((20000,)).numpy()[:, 0]
    np.testing.assert_allclose(np.percentile(draws, [25, 50, 75]), [-1.0, 1.0, 3.0], atol=0.12)


@pytest.mark.parametrize("total_count, prob", [(6, 0.35), (40, 0.4), (300, 0.93)])
def test_binomial_frequencies_match_its_pmf_by_waiting_times_and_by_btrs(
    total_count: int, prob: float
) -> None:
    tg.manual_seed(7)
    dist = Binomial(total_count, tg.tensor([prob], dtype=tg.float64))
    counts = dist.sample((30000,)).numpy().ravel()
    support = np.arange(total_count + 1.0)
    pmf = dist.log_prob(tg.tensor(support.reshape(-1, 1))).exp().numpy().ravel()
    frequencies = np.bincount(counts.astype(np.int64), minlength=total_count + 1) / 30000
    np.testing.assert_array_less(np.abs(frequencies - pmf), 5 * np.sqrt(pmf * (1 - pmf) / 30000) + 1e-4)


def test_multivariate_normal_draws_have_its_mean_and_covariance() -> None:
    tg.manual_seed(8)
    covariance = np.array([[2.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 0.5]])
    loc = np.array([1.0, -1.0, 0.5])
    dist = MultivariateNormal(tg.tensor(loc), covariance_matrix=tg.tensor(covariance))
    draws = dist.sample((30000,)).numpy()
    assert draws.shape == (30000, 3)
    np.testing.assert_allclose(draws.mean(0), loc, atol=0.05)
    np.testing.assert_allclose(np.cov(draws.T), covariance, atol=0.06)
    np.testing.assert_allclose(dist.covariance_matrix.numpy(), covariance, rtol=1e-12)
    np.testing.assert_allclose(dist.precision_matrix.numpy(), np.linalg.inv(covariance), rtol=1e-10)
    np.testing.assert_allclose(dist.scale_tril.numpy(), np.linalg.cholesky(covariance), rtol=1e-12)


def test_low_rank_multivariate_normal_draws_have_its_covariance_and_gradients_reach_every_parameter() -> None:
    tg.manual_seed(15)
    factor = np.array([[1.0, 0.0], [0.5, -1.0], [0.0, 0.7]])
    diagonal = np.array([0.3, 0.2, 0.5])
    loc = tg.tensor([0.5, 0.0, -1.0], dtype=tg.float64, requires_grad=True)
    cov_factor = tg.tensor(factor, requires_grad=True)
    cov_diag = tg.tensor(diagonal, requires_grad=True)
    dist = LowRankMultivariateNormal(loc, cov_factor, cov_diag)
    draws = dist.rsample((30000,))
    np.testing.assert_allclose(np.cov(draws.numpy().T), factor @ factor.T + np.diag(diagonal), atol=0.06)
    grads = tg.grad((draws**2).mean(0).sum(), [loc, cov_factor, cov_diag])
    np.testing.assert_allclose(grads[0].numpy(), 2 * loc.numpy(), atol=0.05)  # d/dμ E|x|² = 2μ
    np.testing.assert_allclose(grads[1].numpy(), 2 * factor, atol=0.06)  # E|x|² = |μ|² + |W|² + Σ d
    np.testing.assert_allclose(grads[2].numpy(), np.ones(3), atol=0.05)


def test_mixture_draws_have_its_mean_and_variance_and_pick_components() -> None:
    tg.manual_seed(9)
    mix = MixtureSameFamily(
        Categorical(probs=tg.tensor([0.2, 0.8], dtype=tg.float64)),
        Normal(tg.tensor([-5.0, 5.0], dtype=tg.float64), tg.tensor([0.5, 1.0], dtype=tg.float64)),
    )
    draws = mix.sample((20000,)).numpy()
    assert draws.shape == (20000,)
    assert_moments(draws, mix.mean.numpy(), mix.variance.numpy())
    np.testing.assert_allclose((draws < 0).mean(), 0.2, atol=0.015)
    vectors = MixtureSameFamily(
        Categorical(logits=tg.zeros(4, 3)), Independent(Normal(tg.zeros(4, 3, 2), tg.ones(4, 3, 2)), 1)
    )
    assert vectors.batch_shape == (4,) and vectors.event_shape == (2,)
    assert vectors.sample((5,)).shape == (5, 4, 2) and vectors.log_prob(tg.zeros(5, 4, 2)).shape == (5, 4)


def test_relaxed_draws_round_to_bernoulli_and_categorical_draws_with_the_right_probabilities() -> None:
    """P(Y > ½) = p for a RelaxedBernoulli at any temperature, and P(argmax Y = k) = πₖ for a
    RelaxedOneHotCategorical (the Gumbel-max trick)."""
    tg.manual_seed(14)
    probs = np.array([0.1, 0.5, 0.85])
    draws = (
        RelaxedBernoulli(tg.tensor([2.0], dtype=tg.float64), probs=tg.tensor(probs)).sample((20000,)).numpy()
    )
    assert ((draws > 0) & (draws < 1)).all()
    np.testing.assert_array_less(
        np.abs((draws > 0.5).mean(0) - probs), 5 * np.sqrt(probs * (1 - probs) / 20000)
    )
    weights = np.array([0.2, 0.3, 0.5])
    dist = RelaxedOneHotCategorical(tg.tensor(0.5, dtype=tg.float64), probs=tg.tensor(weights))
    draws = dist.rsample((20000,)).numpy()
    np.testing.assert_allclose(draws.sum(-1), 1.0, rtol=1e-12)
    frequencies = np.bincount(draws.argmax(-1), minlength=3) / 20000
    np.testing.assert_array_less(np.abs(frequencies - weights), 5 * np.sqrt(weights * (1 - weights) / 20000))
    cold = RelaxedOneHotCategorical(0.01, probs=tg.tensor(weights)).sample((100,)).numpy()
    assert (cold.max(-1) > 0.99).mean() > 0.9  # nearly one-hot at a low temperature


def test_rsample_shapes_and_gradients_reach_the_parameters() -> None:
    tg.manual_seed(10)
    rate = tg.tensor([1.0, 2.0], requires_grad=True)
    for dist in (
        Exponential(rate),
        Laplace(rate, rate),
        Cauchy(rate, rate),
        StudentT(rate, rate, rate),
        LogNormal(rate, rate),
        TransformedDistribution(Normal(rate, rate), [AffineTransform(0.0, 2.0), TanhTransform()]),
        Gamma(rate, rate),
        Beta(rate, rate),
        Dirichlet(rate),
        Gumbel(rate, rate),
        HalfNormal(rate),
        HalfCauchy(rate),
        Pareto(rate, rate),
        Weibull(rate, rate),
        RelaxedBernoulli(rate, logits=rate),
        RelaxedOneHotCategorical(rate, logits=rate),
    ):
        assert dist.has_rsample
        draws = dist.rsample((3,))
        assert draws.shape == (3, *dist.batch_shape, *dist.event_shape)
        (grad,) = tg.grad(draws.sum(), [rate])
        assert np.isfinite(grad.numpy()).all() and (grad.numpy() != 0).any()
        assert not dist.sample((2,)).requires_grad
    loc = tg.zeros(2, 3, requires_grad=True)
    tril = tg.tensor(np.tril(np.ones((3, 3))) + np.eye(3), dtype=tg.float32, requires_grad=True)
    mvn = MultivariateNormal(loc, scale_tril=tril)
    draws = mvn.rsample((4,))
    assert draws.shape == (4, 2, 3) and mvn.batch_shape == (2,) and mvn.event_shape == (3,)
    grad_loc, grad_tril = tg.grad(draws.sum(), [loc, tril])
    np.testing.assert_allclose(grad_loc.numpy(), np.full((2, 3), 4.0))
    assert (grad_tril.numpy() != 0).any()


def test_transformed_log_prob_is_the_change_of_variables() -> None:
    """Through exp, the density gains −log y; LogNormal is exactly that TransformedDistribution."""
    loc, scale = tg.tensor([0.3, -0.2], dtype=tg.float64), tg.tensor([0.7, 1.3], dtype=tg.float64)
    y = tg.tensor([[0.5, 2.0], [1.5, 0.1]], dtype=tg.float64)
    by_hand = Normal(loc, scale).log_prob(y.log()) - y.log()
    pushed = TransformedDistribution(Normal(loc, scale), [ExpTransform()])
    np.testing.assert_allclose(pushed.log_prob(y).numpy(), by_hand.numpy(), rtol=1e-13)
    np.testing.assert_allclose(LogNormal(loc, scale).log_prob(y).numpy(), by_hand.numpy(), rtol=1e-13)
    flipped = TransformedDistribution(Normal(loc, scale), AffineTransform(1.0, -2.0))
    np.testing.assert_allclose(
        flipped.cdf(tg.tensor([0.0, 0.0], dtype=tg.float64)).numpy(),
        1 - Normal(loc, scale).cdf(tg.tensor([0.5, 0.5], dtype=tg.float64)).numpy(),
        rtol=1e-13,
    )


def test_transforms_invert_and_their_jacobians_match_finite_differences() -> None:
    x = tg.tensor([-1.3, -0.2, 0.4, 2.1], dtype=tg.float64)
    squash = ComposeTransform([AffineTransform(0.1, 0.5), TanhTransform(), AffineTransform(2.0, 3.0)])
    for transform in (
        ExpTransform(),
        AffineTransform(0.5, -3.0),
        SigmoidTransform(),
        TanhTransform(),
        squash,
    ):
        y = transform(x)
        np.testing.assert_allclose(transform.inv(y).numpy(), x.numpy(), rtol=1e-10, atol=1e-12)
        h = 1e-6
        slope = (transform(x + h).numpy() - transform(x - h).numpy()) / (2 * h)
        np.testing.assert_allclose(
            transform.log_abs_det_jacobian(x, y).numpy(), np.log(np.abs(slope)), rtol=1e-7
        )
        np.testing.assert_allclose(
            transform.inv.log_abs_det_jacobian(y, x).numpy(), -transform.log_abs_det_jacobian(x, y).numpy()
        )
    assert ExpTransform() == ExpTransform() and ExpTransform() != TanhTransform()


def test_polygamma_of_orders_two_and_up_matches_pytorch_and_differentiates_to_the_next_order() -> None:
    points = tg.tensor(REFERENCE["polygamma_points"], requires_grad=True)
    for n in (2, 3, 4, 7):
        np.testing.assert_allclose(
            tg.special.polygamma(n, points).numpy(), REFERENCE[f"polygamma_{n}"], rtol=1e-13, err_msg=str(n)
        )
    (grad,) = tg.grad(tg.special.polygamma(3, points).sum(), [points])
    np.testing.assert_allclose(grad.numpy(), REFERENCE["polygamma_4"], rtol=1e-13)
    (grad,) = tg.grad(points.polygamma(1).sum(), [points])
    np.testing.assert_allclose(grad.numpy(), REFERENCE["polygamma_2"], rtol=1e-13)
    edges = tg.tensor([0.0, -1.0, -3.0, np.inf, np.nan], dtype=tg.float64)
    np.testing.assert_array_equal(tg.special.polygamma(2, edges).numpy(), REFERENCE["polygamma_poles_2"])
    np.testing.assert_array_equal(tg.special.polygamma(3, edges).numpy(), REFERENCE["polygamma_poles_3"])
    assert tg.special.polygamma(2, tg.tensor([0.5, 3.0])).dtype == tg.float32


def test_expand_repeats_the_new_distributions_over_a_larger_batch() -> None:
    for dist in (
        Exponential(tg.tensor([2.0])),
        Chi2(tg.tensor([3.0])),
        Binomial(5, tg.tensor([0.3])),
        NegativeBinomial(tg.tensor([2.0]), tg.tensor([0.4])),
        LogNormal(tg.tensor([0.0]), tg.tensor([1.0])),
        StudentT(tg.tensor([4.0])),
    ):
        wide = dist.expand((3, 1))
        assert wide.batch_shape == (3, 1), type(dist).__name__
        assert wide.sample((2,)).shape == (2, 3, 1)
        value = dist.sample()
        np.testing.assert_allclose(
            wide.log_prob(value).numpy(), np.broadcast_to(dist.log_prob(value).numpy(), (3, 1))
        )
    mvn = MultivariateNormal(tg.zeros(3), covariance_matrix=tg.tensor(np.eye(3), dtype=tg.float32)).expand(
        (2,)
    )
    assert (
        mvn.batch_shape == (2,) and mvn.sample().shape == (2, 3) and mvn.log_prob(tg.zeros(3)).shape == (2,)
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Exponential(tg.tensor([0.0])), "Expected parameter rate"),
        (lambda: Laplace(0.0, -1.0), "Expected parameter scale"),
        (lambda: Cauchy(tg.tensor([float("nan")]), 1.0), "Expected parameter loc"),
        (lambda: StudentT(tg.tensor([-1.0])), "Expected parameter df"),
        (lambda: Chi2(tg.tensor([0.0])), "Expected parameter df"),
        (lambda: Geometric(tg.tensor([0.0])), "Expected parameter probs.*positive"),
        (lambda: Geometric(tg.tensor([1.5])), "Expected parameter probs"),
        (lambda: Geometric(), "Either `probs` or `logits`"),
        (lambda: Binomial(tg.tensor([2.5]), tg.tensor([0.5])), "Expected parameter total_count"),
        (lambda: Binomial(3, tg.tensor([1.5])), "Expected parameter probs"),
        (lambda: NegativeBinomial(tg.tensor([-1.0]), tg.tensor([0.5])), "Expected parameter total_count"),
        (lambda: NegativeBinomial(tg.tensor([2.0]), tg.tensor([1.0])), "Expected parameter probs"),
        (lambda: LogNormal(0.0, 0.0), "Expected parameter scale"),
        (lambda: Gumbel(0.0, -1.0), "Expected parameter scale"),
        (lambda: HalfNormal(tg.tensor([-1.0])), "Expected parameter scale"),
        (
            lambda: Pareto(1.0, 0.0),
            "Expected parameter rate",
        ),  # its Exponential base checks first, as PyTorch
        (lambda: Weibull(1.0, -2.0), "Expected parameter concentration"),
        (lambda: MultivariateNormal(tg.zeros(2)), "Exactly one of"),
        (lambda: MultivariateNormal(tg.tensor(0.0), covariance_matrix=tg.eye(1)), "at least one-dimensional"),
        (lambda: MultivariateNormal(tg.zeros(2), scale_tril=tg.zeros(2)), "at least two-dimensional"),
        (
            lambda: MultivariateNormal(tg.zeros(2), covariance_matrix=tg.tensor([[1.0, 2.0], [2.0, 1.0]])),
            "Expected parameter covariance_matrix",
        ),
        (
            lambda: MultivariateNormal(tg.zeros(2), covariance_matrix=tg.tensor([[1.0, 0.5], [0.0, 1.0]])),
            "Expected parameter covariance_matrix",
        ),
        (
            lambda: MultivariateNormal(tg.zeros(2), scale_tril=tg.tensor([[1.0, 0.5], [0.0, 1.0]])),
            "Expected parameter scale_tril",
        ),
        (
            lambda: MultivariateNormal(tg.zeros(2), precision_matrix=-tg.eye(2)),
            "Expected parameter precision_matrix",
        ),
        (
            lambda: MixtureSameFamily(Categorical(logits=tg.zeros(3)), Normal(tg.zeros(2), 1.0)),
            "does not equal",
        ),
        (lambda: LowRankMultivariateNormal(tg.zeros(3), tg.ones(2, 1), tg.ones(3)), "cov_factor must be"),
        (lambda: LowRankMultivariateNormal(tg.zeros(3), tg.ones(3, 1), tg.ones(2)), "cov_diag must be"),
        (
            lambda: LowRankMultivariateNormal(tg.zeros(3), tg.ones(3, 1), -tg.ones(3)),
            "Expected parameter cov_diag",
        ),
        (
            lambda: LowRankMultivariateNormal(tg.zeros(2, 3), tg.ones(4, 3, 1), tg.ones(3)),
            "Incompatible batch",
        ),
        (lambda: MixtureSameFamily(Normal(0.0, 1.0), Normal(tg.zeros(2), 1.0)), "Categorical"),
    ],
)
def test_bad_parameters_raise_pytorchs_errors(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("make", "value", "message"),
    [
        (lambda: Exponential(1.0), [-1.0], "within the support"),
        (lambda: Geometric(tg.tensor([0.5])), [1.5], "within the support"),
        (lambda: Binomial(3, tg.tensor([0.5])), [4.0], "within the support"),
        (lambda: NegativeBinomial(tg.tensor([2.0]), tg.tensor([0.5])), [-1.0], "within the support"),
        (lambda: LogNormal(0.0, 1.0), [0.0], "within the support"),
        (lambda: HalfNormal(1.0), [-0.5], "within the support"),
        (lambda: Pareto(tg.tensor([2.0]), 3.0), [1.5], "within the support"),
        (lambda: TransformedDistribution(Normal(0.0, 1.0), TanhTransform()), [1.5], "within the support"),
        (
            lambda: MultivariateNormal(tg.zeros(2), covariance_matrix=tg.eye(2)),
            [0.0, 0.0, 0.0],
            "right-most size",
        ),
        (lambda: MultivariateNormal(tg.zeros(2), covariance_matrix=tg.eye(2)), [float("nan"), 0.0], "within"),
    ],
)
def test_values_outside_the_support_raise_pytorchs_errors(make, value, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make().log_prob(tg.tensor(value))


def test_float32_parameters_give_float32_results() -> None:
    x = tg.tensor([0.5, 1.5])
    for dist in (Exponential(tg.tensor([2.0, 1.0])), StudentT(tg.tensor([3.0, 1.0])), LogNormal(0.0, 1.0),
                 Chi2(tg.tensor([2.0, 3.0])), MultivariateNormal(tg.zeros(2), covariance_matrix=tg.eye(2))
                 ):  # fmt: skip
        assert dist.log_prob(x).dtype == tg.float32, type(dist).__name__
        assert dist.rsample().dtype == tg.float32
