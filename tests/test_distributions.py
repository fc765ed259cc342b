"""tg.distributions against PyTorch 2.13 (tests/fixtures/distributions_reference.npz, made by
tests/fixtures/make_distributions_reference.py): values, gradients, KL divergences, sampling
statistics and shapes, and PyTorch's errors for bad parameters and values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.distributions import (
    Bernoulli,
    Categorical,
    Distribution,
    Independent,
    Normal,
    OneHotCategorical,
    Uniform,
    kl_divergence,
    register_kl,
)

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "distributions_reference.npz")
CASES = [
    "normal", "bernoulli_probs", "bernoulli_logits", "categorical_probs", "categorical_logits", "onehot",
    "uniform", "independent",
]  # fmt: skip


def build(case: str, params: dict[str, tg.Tensor]) -> Distribution:
    if case == "normal":
        return Normal(params["loc"], params["scale"])
    if case.startswith("bernoulli"):
        return Bernoulli(**params)
    if case.startswith("categorical"):
        return Categorical(**params)
    if case == "onehot":
        return OneHotCategorical(**params)
    if case == "uniform":
        return Uniform(params["low"], params["high"])
    return Independent(Normal(params["loc"], params["scale"]), 1)


def leaves(prefix: str) -> dict[str, tg.Tensor]:
    marker = f"{prefix}_param_"
    return {
        k[len(marker) :]: tg.tensor(REFERENCE[k], requires_grad=True)
        for k in REFERENCE.files
        if k.startswith(marker)
    }


def weighted_sum(out: tg.Tensor) -> tg.Tensor:
    weights = np.arange(out.size).reshape(out.shape) % 5 + 1.0
    return (out * tg.tensor(weights)).sum()


@pytest.mark.parametrize("case", CASES)
def test_log_prob_entropy_mean_variance_and_gradients_match_pytorch(case: str) -> None:
    params = leaves(case)
    dist = build(case, params)
    value = tg.tensor(REFERENCE[f"{case}_value"])
    log_prob, entropy = dist.log_prob(value), dist.entropy()
    results = {"log_prob": log_prob, "entropy": entropy, "mean": dist.mean, "variance": dist.variance}
    results["stddev"] = dist.stddev
    if case in ("normal", "uniform"):
        results["cdf"] = dist.cdf(value)
    for name, out in results.items():
        np.testing.assert_allclose(
            out.numpy(), REFERENCE[f"{case}_{name}"], rtol=1e-10, atol=1e-12, err_msg=name
        )
    (weighted_sum(log_prob) + weighted_sum(entropy)).backward()
    for name, leaf in params.items():
        np.testing.assert_allclose(leaf.grad.numpy(), REFERENCE[f"{case}_grad_{name}"], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "case, p_kind, q_kind",
    [
        ("normal", "normal", "normal"),
        ("bernoulli", "bernoulli_probs", "bernoulli_logits"),
        ("categorical", "categorical_logits", "categorical_probs"),
        ("uniform", "uniform", "uniform"),
        ("independent", "independent", "independent"),
    ],
)
def test_kl_divergence_and_its_gradients_match_pytorch(case: str, p_kind: str, q_kind: str) -> None:
    both = leaves(f"kl_{case}")
    p = build(p_kind, {k[2:]: v for k, v in both.items() if k.startswith("p_")})
    q = build(q_kind, {k[2:]: v for k, v in both.items() if k.startswith("q_")})
    kl = kl_divergence(p, q)
    np.testing.assert_allclose(kl.numpy(), REFERENCE[f"kl_{case}_out"], rtol=1e-10, atol=1e-12)
    weighted_sum(kl).backward()
    for name, leaf in both.items():
        np.testing.assert_allclose(
            leaf.grad.numpy(), REFERENCE[f"kl_{case}_grad_{name}"], rtol=1e-9, atol=1e-12
        )


def test_kl_divergence_is_infinite_where_q_has_no_mass_as_pytorch() -> None:
    f64 = {"dtype": tg.float64}
    zero_q = Categorical(probs=tg.tensor([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]], **f64))
    p = Categorical(probs=tg.tensor([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5]], **f64))
    np.testing.assert_allclose(kl_divergence(p, zero_q).numpy(), REFERENCE["kl_categorical_zero_out"])
    narrow = Uniform(tg.tensor([0.0, -1.0], **f64), tg.tensor([2.0, 1.0], **f64))
    wide = Uniform(tg.tensor([0.0, 0.0], **f64), tg.tensor([1.0, 3.0], **f64))
    np.testing.assert_allclose(kl_divergence(narrow, wide).numpy(), REFERENCE["kl_uniform_outside_out"])
    edge_p = Bernoulli(probs=tg.tensor([0.0, 1.0, 0.3, 0.3], **f64))
    edge_q = Bernoulli(probs=tg.tensor([0.5, 0.5, 0.0, 1.0], **f64))
    np.testing.assert_allclose(kl_divergence(edge_p, edge_q).numpy(), REFERENCE["kl_bernoulli_edge_out"])


def test_kl_divergence_of_an_unregistered_pair_raises_and_register_kl_adds_one() -> None:
    with pytest.raises(NotImplementedError, match="Bernoulli.*Normal"):
        kl_divergence(Bernoulli(probs=tg.tensor(0.5)), Normal(0.0, 1.0))

    class Shifted(Normal):
        pass

    @register_kl(Shifted, Normal)
    def _always_seven(p: Distribution, q: Distribution) -> tg.Tensor:
        return p.loc * 0 + 7

    assert kl_divergence(Shifted(0.0, 1.0), Normal(0.0, 1.0)).item() == 7  # the more specific pair wins
    assert kl_divergence(Normal(0.0, 1.0), Shifted(0.0, 1.0)).item() == 0
    with pytest.raises(TypeError):
        register_kl(int, Normal)


def test_rsample_and_sample_have_pytorchs_shapes_and_only_rsample_keeps_the_graph() -> None:
    loc = tg.zeros(2, 3, requires_grad=True)
    normal = Normal(loc, 1.0)
    assert normal.batch_shape == (2, 3) and normal.event_shape == ()
    assert normal.rsample((4,)).shape == (4, 2, 3) and normal.sample().shape == (2, 3)
    assert normal.rsample().requires_grad and not normal.sample((5,)).requires_grad
    assert Bernoulli(probs=tg.full((3,), 0.5)).sample((2, 4)).shape == (2, 4, 3)
    cat = Categorical(logits=tg.zeros(2, 5))
    assert cat.batch_shape == (2,) and cat.sample((7,)).shape == (7, 2) and cat.sample().dtype == tg.int64
    onehot = OneHotCategorical(probs=tg.ones(3, 4))
    assert onehot.event_shape == (4,) and onehot.sample((2,)).shape == (2, 3, 4)
    assert (onehot.sample((2,)).sum(-1).numpy() == 1).all()
    ind = Independent(Normal(tg.zeros(2, 3), 1.0), 1)
    assert ind.batch_shape == (2,) and ind.event_shape == (3,) and ind.rsample((5,)).shape == (5, 2, 3)
    assert Uniform(0.0, 1.0).rsample((3,)).shape == (3,)


def test_rsample_gradients_reach_the_parameters_by_reparameterisation() -> None:
    tg.manual_seed(0)
    loc, scale = tg.tensor([1.0, -2.0], requires_grad=True), tg.tensor([0.5, 2.0], requires_grad=True)
    draws = Normal(loc, scale).rsample((3,))
    draws.sum().backward()
    noise = (draws.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(loc.grad.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(scale.grad.numpy(), noise.sum(0).numpy(), rtol=1e-6)
    low, high = tg.tensor(0.0, requires_grad=True), tg.tensor(2.0, requires_grad=True)
    Uniform(low, high).rsample((10,)).sum().backward()
    assert abs(low.grad.item() + high.grad.item() - 10.0) < 1e-5  # d/dlow + d/dhigh of low + u (high − low)


def test_draws_have_the_distributions_mean_and_variance() -> None:
    tg.manual_seed(1234)
    n = 40000
    normal = Normal(tg.tensor([1.5, -3.0]), tg.tensor([0.5, 2.0]))
    draws = normal.sample((n,)).numpy()
    np.testing.assert_allclose(draws.mean(0), [1.5, -3.0], atol=0.04)
    np.testing.assert_allclose(draws.var(0), [0.25, 4.0], rtol=0.04)
    draws = Uniform(tg.tensor([-1.0, 2.0]), tg.tensor([1.0, 5.0])).sample((n,)).numpy()
    np.testing.assert_allclose(draws.mean(0), [0.0, 3.5], atol=0.03)
    np.testing.assert_allclose(draws.var(0), [4 / 12, 9 / 12], rtol=0.04)
    assert draws[:, 0].min() >= -1 and draws[:, 1].max() < 5
    draws = Bernoulli(logits=tg.tensor([-1.0, 2.0])).sample((n,)).numpy()
    np.testing.assert_allclose(draws.mean(0), 1 / (1 + np.exp([1.0, -2.0])), atol=0.01)
    probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    draws = Categorical(probs=tg.tensor(probs * 3)).sample((n,)).numpy()  # unnormalised weights
    counts = np.stack([(draws == k).mean(0) for k in range(3)], axis=-1)
    np.testing.assert_allclose(counts, probs, atol=0.01)


def test_sampling_is_reproducible_under_manual_seed() -> None:
    dist = Categorical(logits=tg.tensor([0.0, 1.0, 2.0]))
    tg.manual_seed(7)
    first = (dist.sample((20,)).numpy(), Normal(0.0, 1.0).sample((5,)).numpy())
    tg.manual_seed(7)
    second = (dist.sample((20,)).numpy(), Normal(0.0, 1.0).sample((5,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_probs_and_logits_are_normalised_as_pytorch() -> None:
    cat = Categorical(probs=tg.tensor([1.0, 3.0]))
    np.testing.assert_allclose(cat.probs.numpy(), [0.25, 0.75])
    np.testing.assert_allclose(cat.logits.numpy(), np.log([0.25, 0.75]), rtol=1e-6)
    cat = Categorical(logits=tg.tensor([0.0, np.log(3.0)]))
    np.testing.assert_allclose(cat.logits.numpy(), np.log([0.25, 0.75]), rtol=1e-6)
    bern = Bernoulli(probs=tg.tensor([0.0, 1.0]))
    assert np.isfinite(bern.logits.numpy()).all()  # clamped one epsilon inside, as PyTorch
    assert np.isnan(Categorical(logits=tg.zeros(3)).mean.numpy())


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Normal(tg.tensor([0.0, 1.0]), tg.tensor([1.0, -1.0])), "scale.*GreaterThan"),
        (lambda: Normal(tg.tensor([float("nan")]), 1.0), "loc.*Real"),
        (lambda: Bernoulli(probs=tg.tensor([0.5, 1.5])), "probs.*Interval"),
        (lambda: Bernoulli(probs=tg.tensor([0.5]), logits=tg.tensor([0.0])), "not both"),
        (lambda: Bernoulli(), "Either `probs` or `logits`"),
        (lambda: Categorical(probs=tg.tensor([0.5, -0.1, 0.6])), "probs.*Simplex"),
        (lambda: Categorical(probs=tg.tensor(0.5)), "at least one-dimensional"),
        (lambda: Uniform(tg.tensor([0.0, 2.0]), tg.tensor([1.0, 1.0])), "low.*LessThan"),
    ],
)
def test_bad_parameters_raise_pytorchs_value_error(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_values_raise_pytorchs_value_error_and_validate_args_false_skips_the_checks() -> None:
    with pytest.raises(ValueError, match="within the support"):
        Bernoulli(probs=tg.tensor([0.5])).log_prob(tg.tensor([0.5]))
    with pytest.raises(ValueError, match="within the support"):
        Categorical(logits=tg.zeros(3)).log_prob(tg.tensor([3]))
    with pytest.raises(ValueError, match="within the support"):
        Uniform(0.0, 1.0).log_prob(tg.tensor([1.5]))
    with pytest.raises(ValueError, match="not broadcastable"):
        Normal(tg.zeros(3), 1.0).log_prob(tg.zeros(2))
    with pytest.raises(ValueError, match="event_shape"):
        OneHotCategorical(probs=tg.ones(3)).log_prob(tg.zeros(4))
    with pytest.raises(ValueError, match="must be a Tensor"):
        Normal(0.0, 1.0).log_prob(0.5)
    assert Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0
    outside = Uniform(0.0, 1.0, validate_args=False).log_prob(tg.tensor([1.5]))
    assert outside.numpy()[0] == -np.inf
    Distribution.set_default_validate_args(False)
    try:
        assert Normal(0.0, -1.0).scale.item() == -1.0
    finally:
        Distribution.set_default_validate_args(True)


def test_distributions_are_reachable_from_tg_and_broadcast_numbers() -> None:
    assert tg.distributions.Normal is Normal
    dist = tg.distributions.Normal(tg.zeros(3), 2.0)
    assert dist.scale.shape == (3,) and dist.scale.dtype == tg.float32
    assert repr(Normal(0.0, 1.0)) == "Normal(loc: 0.0, scale: 1.0)"


def test_reinforce_gradient_of_categorical_log_prob_is_one_hot_minus_softmax_times_return() -> None:
    logits = tg.tensor([[0.2, -1.0, 0.5], [1.0, 0.0, -0.5]], dtype=tg.float64, requires_grad=True)
    actions, returns = tg.tensor([2, 0]), tg.tensor([1.5, -0.5], dtype=tg.float64)
    loss = -(Categorical(logits=logits).log_prob(actions) * returns).sum()
    loss.backward()
    probs = np.exp(logits.numpy()) / np.exp(logits.numpy()).sum(-1, keepdims=True)
    expected = -(np.eye(3)[[2, 0]] - probs) * returns.numpy()[:, None]
    np.testing.assert_allclose(logits.grad.numpy(), expected, rtol=1e-12)


def test_vae_loss_with_rsample_and_kl_to_the_prior_backpropagates_into_both_parameters() -> None:
    tg.manual_seed(3)
    mu = tg.tensor([[0.3, -0.2]], dtype=tg.float64, requires_grad=True)
    log_var = tg.tensor([[0.1, -0.4]], dtype=tg.float64, requires_grad=True)
    posterior = Independent(Normal(mu, (0.5 * log_var).exp()), 1)
    prior = Independent(Normal(tg.zeros(1, 2, dtype=tg.float64), tg.ones(1, 2, dtype=tg.float64)), 1)
    kl = kl_divergence(posterior, prior)
    closed_form = -0.5 * (1 + log_var - mu**2 - log_var.exp()).sum(-1)  # Kingma & Welling (2014), App. B
    np.testing.assert_allclose(kl.numpy(), closed_form.numpy(), rtol=1e-12)
    z = posterior.rsample()
    (kl.sum() + (z**2).sum()).backward()
    assert mu.grad is not None and log_var.grad is not None and np.isfinite(log_var.grad.numpy()).all()


def test_expand_repeats_the_parameters_over_a_larger_batch() -> None:
    normal = Normal(tg.tensor([0.0, 1.0]), tg.tensor([1.0, 2.0])).expand((3, 2))
    assert normal.batch_shape == (3, 2) and normal.sample((4,)).shape == (4, 3, 2)
    np.testing.assert_allclose(
        normal.log_prob(tg.zeros(3, 2)).numpy()[2],
        Normal(tg.tensor([0.0, 1.0]), tg.tensor([1.0, 2.0])).log_prob(tg.zeros(2)).numpy(),
    )
    cat = Categorical(logits=tg.tensor([0.0, 1.0, 2.0])).expand((5,))
    assert cat.batch_shape == (5,) and cat.logits.shape == (5, 3) and cat.sample().shape == (5,)
    onehot = OneHotCategorical(probs=tg.ones(3)).expand((2,))
    assert onehot.sample().shape == (2, 3) and onehot.batch_shape == (2,)
    ind = Independent(Normal(tg.zeros(4), 1.0), 1).expand((2,))
    assert ind.batch_shape == (2,) and ind.event_shape == (4,) and ind.log_prob(tg.zeros(2, 4)).shape == (2,)
    np.testing.assert_allclose(
        Uniform(0.0, 2.0).log_prob(tg.tensor([0.5])).numpy(), [-np.log(2.0)], rtol=1e-6
    )
