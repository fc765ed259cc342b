"""tg.distributions' Gamma, Beta, Dirichlet and Poisson against PyTorch 2.13
(tests/fixtures/gamma_reference.npz, made by tests/fixtures/make_gamma_reference.py): log_prob,
entropy, mean, variance, KL divergences and their gradients; seeded sampling statistics, shapes and
supports; PyTorch's errors for bad parameters and values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.distributions import Beta, Dirichlet, Distribution, Gamma, Poisson, kl_divergence

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "gamma_reference.npz")
CLASSES = {"gamma": Gamma, "beta": Beta, "dirichlet": Dirichlet, "poisson": Poisson}


def parameters(name: str, which: str = "params") -> list[tg.Tensor]:
    array = REFERENCE[f"{name}_{which}"]
    rows = [array] if name in ("dirichlet", "poisson") else list(array)
    return [tg.tensor(np.array(row, dtype=np.float64), requires_grad=True) for row in rows]


def build(name: str, params: list[tg.Tensor]) -> Distribution:
    return CLASSES[name](*params)


@pytest.mark.parametrize("name", list(CLASSES))
def test_log_prob_entropy_mean_variance_and_gradients_match_pytorch(name: str) -> None:
    params = parameters(name)
    dist = build(name, params)
    log_prob = dist.log_prob(tg.tensor(REFERENCE[f"{name}_value"]))
    np.testing.assert_allclose(log_prob.numpy(), REFERENCE[f"{name}_log_prob"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dist.mean.numpy(), REFERENCE[f"{name}_mean"], rtol=1e-12)
    np.testing.assert_allclose(dist.variance.numpy(), REFERENCE[f"{name}_variance"], rtol=1e-12)
    total = log_prob.sum()
    if name != "poisson":
        entropy = dist.entropy()
        np.testing.assert_allclose(entropy.numpy(), REFERENCE[f"{name}_entropy"], rtol=1e-10, atol=1e-12)
        total = total + entropy.sum()
    grads = tg.grad(total, params)
    for i, grad in enumerate(grads):
        # PyTorch's trigamma (in the entropy's gradient) is good to ~5e-10 only
        np.testing.assert_allclose(grad.numpy(), REFERENCE[f"{name}_grad{i}"], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", list(CLASSES))
def test_kl_divergence_and_its_gradients_match_pytorch(name: str) -> None:
    p_params, q_params = parameters(name), parameters(name, "q_params")
    kl = kl_divergence(build(name, p_params), build(name, q_params))
    np.testing.assert_allclose(kl.numpy(), REFERENCE[f"{name}_kl"], rtol=1e-10, atol=1e-12)
    for i, grad in enumerate(tg.grad(kl.sum(), p_params + q_params)):
        np.testing.assert_allclose(grad.numpy(), REFERENCE[f"{name}_kl_grad{i}"], rtol=1e-8, atol=1e-10)


def test_kl_of_a_distribution_with_itself_is_zero() -> None:
    for name in CLASSES:
        params = parameters(name)
        np.testing.assert_allclose(
            kl_divergence(build(name, params), build(name, params)).numpy(), 0, atol=1e-12
        )


def assert_moments(draws: np.ndarray, mean: np.ndarray, variance: np.ndarray) -> None:
    """Sample mean within 5 standard errors, sample variance within 15% (plus a little)."""
    n = draws.shape[0]
    np.testing.assert_array_less(np.abs(draws.mean(0) - mean), 5 * np.sqrt(variance / n) + 1e-12)
    np.testing.assert_allclose(draws.var(0), variance, rtol=0.15, atol=1e-12)


def test_gamma_samples_have_the_right_moments_across_shapes_below_and_above_one() -> None:
    tg.manual_seed(0)
    dist = Gamma(tg.tensor([0.2, 0.7, 1.0, 2.5, 30.0]), tg.tensor([1.0, 2.0, 0.5, 1.0, 4.0]))
    draws = dist.sample((20000,))
    assert draws.shape == (20000, 5) and draws.dtype == tg.float32
    assert (draws.numpy() > 0).all()
    assert_moments(draws.numpy().astype(np.float64), dist.mean.numpy(), dist.variance.numpy())


def test_beta_samples_have_the_right_moments_and_lie_in_the_unit_interval() -> None:
    tg.manual_seed(1)
    dist = Beta(tg.tensor([0.5, 2.0, 0.2]), tg.tensor([0.5, 3.0, 4.0]))
    draws = dist.sample((4, 5000))
    assert draws.shape == (4, 5000, 3)
    flat = draws.numpy().reshape(-1, 3).astype(np.float64)
    assert ((flat > 0) & (flat < 1)).all()
    assert_moments(flat, dist.mean.numpy(), dist.variance.numpy())


def test_dirichlet_samples_lie_on_the_simplex_with_the_right_moments() -> None:
    tg.manual_seed(2)
    dist = Dirichlet(tg.tensor([[0.5, 0.7, 0.2], [2.0, 3.0, 0.5]]))
    assert dist.batch_shape == (2,) and dist.event_shape == (3,)
    draws = dist.sample((20000,))
    assert draws.shape == (20000, 2, 3)
    np.testing.assert_allclose(draws.numpy().sum(-1), 1, atol=1e-5)
    assert_moments(draws.numpy().astype(np.float64), dist.mean.numpy(), dist.variance.numpy())


def test_poisson_samples_are_counts_with_the_right_moments_for_small_and_large_rates() -> None:
    tg.manual_seed(3)
    rates = np.array([0.0, 0.5, 3.0, 9.9, 10.0, 25.0, 1000.0])
    draws = Poisson(tg.tensor(rates.tolist())).sample((20000,))
    assert draws.shape == (20000, 7) and draws.dtype == tg.float32
    counts = draws.numpy().astype(np.float64)
    assert (counts == np.round(counts)).all() and (counts >= 0).all()
    assert (counts[:, 0] == 0).all()
    assert_moments(counts[:, 1:], rates[1:], rates[1:])


def test_poisson_probabilities_of_small_counts_match_the_pmf() -> None:
    tg.manual_seed(4)
    counts = Poisson(tg.tensor([2.0])).sample((40000,)).numpy().ravel()
    pmf = np.exp(
        Poisson(tg.tensor([2.0]))
        .log_prob(tg.tensor(np.arange(6.0, dtype=np.float32).reshape(6, 1)))
        .numpy()
        .ravel()
    )
    frequencies = np.array([(counts == k).mean() for k in range(6)])
    np.testing.assert_array_less(np.abs(frequencies - pmf), 5 * np.sqrt(pmf * (1 - pmf) / 40000))


def test_seeded_sampling_repeats_and_sample_shape_goes_in_front() -> None:
    for make in (lambda: Gamma(2.0, 3.0), lambda: Beta(2.0, 3.0), lambda: Poisson(4.0)):
        tg.manual_seed(7)
        first = make().sample((3, 2)).numpy()
        tg.manual_seed(7)
        np.testing.assert_array_equal(make().sample((3, 2)).numpy(), first)
        assert first.shape == (3, 2)
    assert Dirichlet(tg.tensor([1.0, 2.0])).sample().shape == (2,)


def test_samples_carry_no_gradient_and_only_poisson_has_no_rsample() -> None:
    alpha = tg.tensor([2.0], requires_grad=True)
    for dist in (Gamma(alpha, 1.0), Beta(alpha, 1.0), Dirichlet(alpha), Poisson(alpha)):
        assert not dist.sample().requires_grad
        assert dist.has_rsample == (not isinstance(dist, Poisson))
    with pytest.raises(NotImplementedError):
        Poisson(alpha).rsample()


def test_float32_parameters_give_float32_results() -> None:
    dist = Gamma(tg.tensor([2.0]), tg.tensor([3.0]))
    assert dist.log_prob(tg.tensor([0.5])).dtype == tg.float32
    assert dist.entropy().dtype == tg.float32
    assert Poisson(tg.tensor([2.0])).log_prob(tg.tensor([1.0])).dtype == tg.float32


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Gamma(tg.tensor([-1.0]), tg.tensor([1.0])), "Expected parameter concentration"),
        (lambda: Gamma(tg.tensor([1.0]), tg.tensor([0.0])), "Expected parameter rate"),
        (lambda: Beta(tg.tensor([0.0]), tg.tensor([1.0])), "Expected parameter concentration1"),
        (lambda: Beta(1.0, -2.0), "Expected parameter concentration0"),
        (lambda: Dirichlet(tg.tensor(1.0)), "at least one-dimensional"),
        (lambda: Dirichlet(tg.tensor([1.0, -1.0])), "Expected parameter concentration"),
        (lambda: Poisson(tg.tensor([-1.0])), "Expected parameter rate"),
        (lambda: Gamma(tg.tensor([1.0]), "a"), "must all be instances of numbers or Tensors"),
    ],
)
def test_bad_parameters_raise_pytorchs_errors(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("dist", "value", "message"),
    [
        (lambda: Gamma(1.0, 1.0), [-1.0], "within the support"),
        (lambda: Beta(1.0, 2.0), [1.5], "within the support"),
        (lambda: Dirichlet(tg.tensor([1.0, 2.0])), [0.3, 0.3], "within the support"),
        (lambda: Dirichlet(tg.tensor([1.0, 2.0])), [0.2, 0.3, 0.5], "right-most size"),
        (lambda: Poisson(1.0), [0.5], "within the support"),
        (lambda: Poisson(1.0), [-1.0], "within the support"),
    ],
)
def test_values_outside_the_support_raise_pytorchs_errors(dist, value, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dist().log_prob(tg.tensor(value))


def test_edge_values_score_as_pytorch() -> None:
    assert Gamma(1.0, 1.0).log_prob(tg.tensor([0.0])).numpy()[0] == 0.0
    assert np.isposinf(Gamma(0.5, 1.0).log_prob(tg.tensor([0.0])).numpy()[0])
    assert Poisson(0.0).log_prob(tg.tensor([0.0])).numpy()[0] == 0.0
    assert np.isneginf(Poisson(0.0).log_prob(tg.tensor([1.0])).numpy()[0])
    np.testing.assert_allclose(Beta(1.0, 2.0).log_prob(tg.tensor(0.0)).numpy(), np.log(2.0), rtol=1e-6)


def test_expand_repeats_the_distribution_over_a_larger_batch() -> None:
    gamma = Gamma(tg.tensor([2.0]), tg.tensor([3.0])).expand((4,))
    assert gamma.batch_shape == (4,) and gamma.sample((2,)).shape == (2, 4)
    dirichlet = Dirichlet(tg.tensor([1.0, 2.0, 3.0])).expand((5,))
    assert dirichlet.batch_shape == (5,) and dirichlet.event_shape == (3,)
    assert dirichlet.log_prob(tg.tensor([0.2, 0.3, 0.5])).shape == (5,)
