"""KL(p ‖ q) = E_p[log p − log q] in closed form for pairs of distributions, as
``torch.distributions.kl``: ``kl_divergence(p, q)`` picks the most specific function registered
with ``@register_kl(type_p, type_q)``."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..functions import full_like
from ..special import digamma, gammaln
from ..tensor import Tensor, where
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical, OneHotCategorical
from .cauchy import Cauchy
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Dirichlet
from .distribution import Distribution, _softplus
from .exponential import Exponential
from .gamma import Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .half_normal import HalfNormal
from .independent import Independent, sum_rightmost
from .laplace import Laplace
from .low_rank_multivariate_normal import LowRankMultivariateNormal
from .multivariate_normal import MultivariateNormal, _diagonal, batch_mahalanobis, solve_lower_triangular
from .normal import Normal
from .pareto import Pareto
from .poisson import Poisson
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform

KLFunction = Callable[[Distribution, Distribution], Tensor]
_KL_REGISTRY: dict[tuple[type, type], KLFunction] = {}


def register_kl(type_p: type, type_q: type) -> Callable[[KLFunction], KLFunction]:
    """A decorator that makes ``kl_divergence`` call the function for (``type_p``, ``type_q``) and
    their subclasses (unless a more specific pair is registered)."""
    if not (isinstance(type_p, type) and issubclass(type_p, Distribution)):
        raise TypeError(f"Expected type_p to be a Distribution subclass but got {type_p}")
    if not (isinstance(type_q, type) and issubclass(type_q, Distribution)):
        raise TypeError(f"Expected type_q to be a Distribution subclass but got {type_q}")

    def decorator(function: KLFunction) -> KLFunction:
        _KL_REGISTRY[type_p, type_q] = function
        return function

    return decorator


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p ‖ q), batched over the distributions' batch shape; NotImplementedError when no pair of
    their classes (or base classes) has a registered formula."""
    matches = [
        (type(p).__mro__.index(tp), type(q).__mro__.index(tq), function)
        for (tp, tq), function in _KL_REGISTRY.items()
        if isinstance(p, tp) and isinstance(q, tq)
    ]
    if not matches:
        raise NotImplementedError(
            f"No KL(p || q) is implemented for p type {type(p).__name__} and q type {type(q).__name__}"
        )
    return min(matches, key=lambda match: match[:2])[2](p, q)


def _infinite_where(condition: Tensor, value: Tensor) -> Tensor:
    return where(condition, math.inf, value)


@register_kl(Normal, Normal)
def _kl_normal_normal(p: Normal, q: Normal) -> Tensor:
    """½ (σp²/σq² + (μp − μq)²/σq² − 1 − log(σp²/σq²))."""
    var_ratio = (p.scale / q.scale).pow(2)
    mean_term = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + mean_term - 1 - var_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p: Bernoulli, q: Bernoulli) -> Tensor:
    """p log(p/q) + (1 − p) log((1 − p)/(1 − q)) through softplus of the logits; infinite where q
    gives no mass to an outcome p can take, and 0·log 0 = 0."""
    ones_term = p.probs * (_softplus(-q.logits) - _softplus(-p.logits))
    ones_term = where(p.probs == 0, 0.0, _infinite_where(q.probs == 0, ones_term))
    zeros_term = (1 - p.probs) * (_softplus(q.logits) - _softplus(p.logits))
    zeros_term = where(p.probs == 1, 0.0, _infinite_where(q.probs == 1, zeros_term))
    return ones_term + zeros_term


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p: Categorical, q: Categorical) -> Tensor:
    """Σ p (log p − log q), infinite where q is 0 and p is not; classes p never takes add 0 (their
    log-probabilities, −∞ for masked logits, are left out before subtracting: no −∞ − (−∞))."""
    never = p.probs == 0
    terms = p.probs * (where(never, 0.0, p.logits) - where(never, 0.0, q.logits))
    shape = terms.shape
    terms = _infinite_where((q.probs == 0).expand(*shape), terms)
    terms = where(never.expand(*shape), 0.0, terms)
    return terms.sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p: OneHotCategorical, q: OneHotCategorical) -> Tensor:
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p: Uniform, q: Uniform) -> Tensor:
    """log((high_q − low_q)/(high_p − low_p)) when p's interval lies inside q's, else infinite."""
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return _infinite_where((q.low > p.low) | (q.high < p.high), result)


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p: Gamma, q: Gamma) -> Tensor:
    """αq log(βp/βq) + log Γ(αq) − log Γ(αp) + (αp − αq) ψ(αp) + (βq − βp) αp/βp."""
    alpha_p, beta_p, alpha_q, beta_q = p.concentration, p.rate, q.concentration, q.rate
    return (
        alpha_q * (beta_p / beta_q).log()
        + gammaln(alpha_q)
        - gammaln(alpha_p)
        + (alpha_p - alpha_q) * digamma(alpha_p)
        + (beta_q - beta_p) * (alpha_p / beta_p)
    )


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p: Dirichlet, q: Dirichlet) -> Tensor:
    """log Γ(αp₀) − log Γ(αq₀) − Σ (log Γ(αp) − log Γ(αq)) + Σ (αp − αq)(ψ(αp) − ψ(αp₀))."""
    total_p, total_q = p.concentration.sum(-1), q.concentration.sum(-1)
    shifts = digamma(p.concentration) - digamma(total_p).unsqueeze(-1)
    return (
        gammaln(total_p)
        - gammaln(total_q)
        - (gammaln(p.concentration) - gammaln(q.concentration)).sum(-1)
        + ((p.concentration - q.concentration) * shifts).sum(-1)
    )


@register_kl(Beta, Beta)
def _kl_beta_beta(p: Beta, q: Beta) -> Tensor:
    """The Dirichlet formula on the two concentrations (a, b)."""
    total_p = p.concentration1 + p.concentration0
    total_q = q.concentration1 + q.concentration0
    return (
        gammaln(q.concentration1) + gammaln(q.concentration0) + gammaln(total_p)
        - (gammaln(p.concentration1) + gammaln(p.concentration0) + gammaln(total_q))
        + (p.concentration1 - q.concentration1) * digamma(p.concentration1)
        + (p.concentration0 - q.concentration0) * digamma(p.concentration0)
        + (total_q - total_p) * digamma(total_p)
    )  # fmt: skip


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p: Poisson, q: Poisson) -> Tensor:
    """λp log(λp/λq) − (λp − λq), PyTorch's formula (nan where λp = 0, as there)."""
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(Independent, Independent)
def _kl_independent_independent(p: Independent, q: Independent) -> Tensor:
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError("KL between Independents with different event dims is not implemented")
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p: Exponential, q: Exponential) -> Tensor:
    """λq/λp − log(λq/λp) − 1."""
    rate_ratio = q.rate / p.rate
    return rate_ratio - rate_ratio.log() - 1


@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p: Exponential, q: Gamma) -> Tensor:
    """−α log(βq/λp) + βq/λp + log Γ(α) + αγ − (1 + γ), γ Euler's constant."""
    ratio = q.rate / p.rate
    return (
        -q.concentration * ratio.log()
        + ratio
        + gammaln(q.concentration)
        + q.concentration * _EULER_GAMMA
        - (1 + _EULER_GAMMA)
    )


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p: Gamma, q: Exponential) -> Tensor:
    return -p.entropy() - q.rate.log() + q.rate * p.concentration / p.rate


_EULER_GAMMA = 0.57721566490153286060


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p: Laplace, q: Laplace) -> Tensor:
    """−log(bp/bq) + |μp − μq|/bq + (bp/bq) e^(−|μp − μq|/bp) − 1."""
    scale_ratio = p.scale / q.scale
    loc_abs_diff = (p.loc - q.loc).abs()
    return -scale_ratio.log() + loc_abs_diff / q.scale + scale_ratio * (-loc_abs_diff / p.scale).exp() - 1


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p: Cauchy, q: Cauchy) -> Tensor:
    """log(((γp + γq)² + (x₀p − x₀q)²)/(4γpγq)) (Chyzak and Nielsen, arXiv:1905.10965)."""
    return ((p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)).log() - (4 * p.scale * q.scale).log()


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p: Geometric, q: Geometric) -> Tensor:
    return -p.entropy() - (-q.probs).log1p() / p.probs - q.logits


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p: Binomial, q: Binomial) -> Tensor:
    """n (p (l_p − l_q) + log(1 − p) − log(1 − q)); infinite where p has more trials than q."""
    if (p.total_count < q.total_count).any().item():
        raise NotImplementedError(
            "KL between Binomials where q.total_count > p.total_count is not implemented"
        )
    kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p() - (-q.probs).log1p())
    return _infinite_where(p.total_count > q.total_count, kl)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(p: MultivariateNormal, q: MultivariateNormal) -> Tensor:
    """log(det Lq/det Lp) + ½ (tr(Σq⁻¹Σp) + (μq − μp)ᵀΣq⁻¹(μq − μp) − n), with
    tr(Σq⁻¹Σp) = |Lq⁻¹Lp|²_F."""
    if p.event_shape != q.event_shape:
        raise ValueError(
            "KL-divergence between two Multivariate Normals with different event shapes cannot be computed"
        )
    lower_p, lower_q = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_term1 = _diagonal(lower_q).log().sum(-1) - _diagonal(lower_p).log().sum(-1)
    n = p.event_shape[0]
    batch = tuple(np.broadcast_shapes(tuple(lower_q.shape[:-2]), tuple(lower_p.shape[:-2])))
    term2 = (
        solve_lower_triangular(lower_q.expand(*batch, n, n), lower_p.expand(*batch, n, n))
        .pow(2)
        .sum((-2, -1))
    )
    term3 = batch_mahalanobis(lower_q, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - n)


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p: TransformedDistribution, q: TransformedDistribution) -> Tensor:
    """KL of the bases, when both push them through the same transforms."""
    if p.transforms != q.transforms or p.event_shape != q.event_shape:
        raise NotImplementedError(
            "KL between TransformedDistributions needs the same transforms and event shape"
        )
    return kl_divergence(p.base_dist, q.base_dist)


def _as_multivariate_normal(dist: MultivariateNormal | LowRankMultivariateNormal) -> MultivariateNormal:
    if isinstance(dist, MultivariateNormal):
        return dist
    return MultivariateNormal(dist.loc, covariance_matrix=dist.covariance_matrix, validate_args=False)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
@register_kl(LowRankMultivariateNormal, MultivariateNormal)
@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_multivariatenormal(p: Distribution, q: Distribution) -> Tensor:
    """The full-covariance formula on Σ = WWᵀ + D (O(n³), where PyTorch's Woodbury form is O(n·m²))."""
    return _kl_multivariatenormal_multivariatenormal(_as_multivariate_normal(p), _as_multivariate_normal(q))


# --- pairs of different families, as PyTorch registers them --------------------------------------


def _infinite_like(value: Tensor) -> Tensor:
    return full_like(value, math.inf)


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p: Gumbel, q: Gumbel) -> Tensor:
    ct1, ct2, ct3 = p.scale / q.scale, q.loc / q.scale, p.loc / q.scale
    t3 = (ct2 + gammaln(1 + ct1) - ct3).exp()
    return -ct1.log() - ct2 + ct3 + ct1 * _EULER_GAMMA + t3 - (1 + _EULER_GAMMA)


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p: HalfNormal, q: HalfNormal) -> Tensor:
    return _kl_normal_normal(p.base_dist, q.base_dist)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p: Pareto, q: Pareto) -> Tensor:
    """α_q log(x_p/x_q) − log(α_q/α_p) + α_q/α_p − 1, infinite where p reaches below q's support."""
    alpha_ratio = q.alpha / p.alpha
    result = q.alpha * (p.scale / q.scale).log() - alpha_ratio.log() + alpha_ratio - 1
    return _infinite_where(p.scale < q.scale, result)


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p: Bernoulli, q: Poisson) -> Tensor:
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


@register_kl(Exponential, Normal)
def _kl_exponential_normal(p: Exponential, q: Normal) -> Tensor:
    var_normal, rate_sqr = q.scale.pow(2), p.rate.pow(2)
    t1 = 0.5 * (rate_sqr * var_normal * 2 * math.pi).log()
    return t1 - 1 + (rate_sqr.reciprocal() - q.loc / p.rate + q.loc.pow(2) * 0.5) / var_normal


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p: Gamma, q: Normal) -> Tensor:
    var_normal, beta_sqr, alpha = q.scale.pow(2), p.rate.pow(2), p.concentration
    t1 = 0.5 * (beta_sqr * var_normal * 2 * math.pi).log() - alpha - gammaln(alpha)
    t2 = 0.5 * (alpha.pow(2) + alpha) / beta_sqr
    t3 = q.loc * alpha / p.rate
    return t1 + (alpha - 1) * digamma(alpha) + (t2 - t3 + 0.5 * q.loc.pow(2)) / var_normal


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p: Laplace, q: Normal) -> Tensor:
    var_normal = q.scale.pow(2)
    scale_sqr_var_ratio = p.scale.pow(2) / var_normal
    t1 = 0.5 * (2 * scale_sqr_var_ratio / math.pi).log()
    squares = 0.5 * p.loc.pow(2) - p.loc * q.loc + 0.5 * q.loc.pow(2)
    return -t1 + scale_sqr_var_ratio + squares / var_normal - 1


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p: Normal, q: Laplace) -> Tensor:
    from ..nn.erf import erf

    loc_diff = p.loc - q.loc
    loc_diff_scale_ratio = loc_diff / p.scale
    t2 = math.sqrt(2 / math.pi) * p.scale * (-0.5 * loc_diff_scale_ratio.pow(2)).exp()
    t3 = loc_diff * erf(math.sqrt(0.5) * loc_diff_scale_ratio)
    return -(p.scale / q.scale).log() + (t2 + t3) / q.scale - (0.5 * (1 + math.log(0.5 * math.pi)))


@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p: Gumbel, q: Normal) -> Tensor:
    param_ratio = p.scale / q.scale
    t1 = (param_ratio / math.sqrt(2 * math.pi)).log()
    t2 = (math.pi * param_ratio * 0.5).pow(2) / 3
    t3 = ((p.loc + p.scale * _EULER_GAMMA - q.loc) / q.scale).pow(2) * 0.5
    return -t1 + t2 + t3 - (_EULER_GAMMA + 1)


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p: Normal, q: Gumbel) -> Tensor:
    mean_scale_ratio, loc_scale_ratio = p.loc / q.scale, q.loc / q.scale
    var_scale_sqr_ratio = (p.scale / q.scale).pow(2)
    t3 = (-mean_scale_ratio + 0.5 * var_scale_sqr_ratio + loc_scale_ratio).exp()
    return (
        -0.5 * var_scale_sqr_ratio.log()
        + mean_scale_ratio
        - loc_scale_ratio
        + t3
        - 0.5 * (1 + math.log(2 * math.pi))
    )


@register_kl(Uniform, Normal)
def _kl_uniform_normal(p: Uniform, q: Normal) -> Tensor:
    width = p.high - p.low
    t1 = (math.sqrt(math.pi * 2) * q.scale / width).log()
    t3 = ((p.high + p.low - 2 * q.loc) / 2).pow(2)
    return t1 + 0.5 * (width.pow(2) / 12 + t3) / q.scale.pow(2)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p: Uniform, q: Exponential) -> Tensor:
    result = q.rate * (p.high + p.low) / 2 - ((p.high - p.low) * q.rate).log()
    return _infinite_where(p.low < 0, result)


@register_kl(Beta, Normal)
def _kl_beta_normal(p: Beta, q: Normal) -> Tensor:
    total = p.concentration1 + p.concentration0
    mean = p.concentration1 / total
    var_normal = q.scale.pow(2)
    second_moment = (mean * (1 - mean) / (total + 1) + mean.pow(2)) * 0.5
    t2 = 0.5 * (var_normal * 2 * math.pi).log()
    return -p.entropy() + t2 + (second_moment - q.loc * mean + q.loc.pow(2) * 0.5) / var_normal


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p: Beta, q: Gamma) -> Tensor:
    total = p.concentration1 + p.concentration0
    t2 = gammaln(q.concentration) - q.concentration * q.rate.log()
    t3 = (q.concentration - 1) * (digamma(p.concentration1) - digamma(total))
    return -p.entropy() + t2 - t3 + q.rate * p.concentration1 / total


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p: Beta, q: Exponential) -> Tensor:
    return -p.entropy() - q.rate.log() + q.rate * (p.concentration1 / (p.concentration1 + p.concentration0))


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p: Beta, q: Uniform) -> Tensor:
    result = -p.entropy() + (q.high - q.low).log()
    return _infinite_where((q.low > 0) | (q.high < 1), result)


def _register_infinite(type_p: type, parameter: str, *types_q: type) -> None:
    """KL(p ‖ q) = ∞ for every q whose support misses part of p's (PyTorch's _kl_*_infinity)."""
    for type_q in types_q:
        register_kl(type_p, type_q)(lambda p, q: _infinite_like(getattr(p, parameter)))


_register_infinite(Exponential, "rate", Beta, ContinuousBernoulli, Pareto, Uniform)
_register_infinite(Gamma, "concentration", Beta, ContinuousBernoulli, Pareto, Uniform)
_register_infinite(Gumbel, "loc", Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform)
_register_infinite(Laplace, "loc", Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform)
_register_infinite(Normal, "loc", Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform)
_register_infinite(Pareto, "scale", Beta, ContinuousBernoulli, Uniform)
_register_infinite(Poisson, "rate", Bernoulli, Binomial)
_register_infinite(Beta, "concentration1", Pareto)
_register_infinite(ContinuousBernoulli, "probs", Pareto)


# -- the continuous Bernoulli (PyTorch's formulas; none with Beta, Gamma or Laplace as q) --------------
def _continuous_bernoulli_cross_entropy_terms(p_mean: Tensor, q: ContinuousBernoulli) -> Tensor:
    """−E_p[log q(x)] = −E[x]·l_q − log(1 − λ_q) − log C(λ_q), for any p on [0, 1] with mean E[x]."""
    return -p_mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuous_bernoulli_continuous_bernoulli(p: ContinuousBernoulli, q: ContinuousBernoulli) -> Tensor:
    t1 = p.mean * (p.logits - q.logits)
    t2 = p._cont_bern_log_norm() + (-p.probs).log1p()
    t3 = -q._cont_bern_log_norm() - (-q.probs).log1p()
    return t1 + t2 + t3


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuous_bernoulli(p: Beta, q: ContinuousBernoulli) -> Tensor:
    return -p.entropy() + _continuous_bernoulli_cross_entropy_terms(p.mean, q)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p: Uniform, q: ContinuousBernoulli) -> Tensor:
    result = -p.entropy() + _continuous_bernoulli_cross_entropy_terms(p.mean, q)
    return _infinite_where((p.high >= 1) | (p.low <= 0), result)


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuous_bernoulli_exponential(p: ContinuousBernoulli, q: Exponential) -> Tensor:
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_continuous_bernoulli_normal(p: ContinuousBernoulli, q: Normal) -> Tensor:
    t1 = -p.entropy()
    t2 = 0.5 * (math.log(2.0 * math.pi) + (q.loc / q.scale).pow(2)) + q.scale.log()
    t3 = (p.variance + p.mean.pow(2) - 2.0 * q.loc * p.mean) / (2.0 * q.scale.pow(2))
    return t1 + t2 + t3


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p: ContinuousBernoulli, q: Uniform) -> Tensor:
    """∞ unless low < 0 and high > 1: PyTorch's strict test (U(0, 1), which covers [0, 1], gives ∞ too)."""
    result = -p.entropy() + (q.high - q.low).log()
    return _infinite_where((q.low >= 0) | (q.high <= 1), result)
