"""KL(p ‖ q) = E_p[log p − log q] in closed form for pairs of distributions, as
``torch.distributions.kl``: ``kl_divergence(p, q)`` picks the most specific function registered
with ``@register_kl(type_p, type_q)``."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..special import digamma, gammaln
from ..tensor import Tensor, where
from .bernoulli import Bernoulli, _softplus
from .beta import Beta
from .categorical import Categorical, OneHotCategorical
from .dirichlet import Dirichlet
from .distribution import Distribution
from .gamma import Gamma
from .independent import Independent, sum_rightmost
from .normal import Normal
from .poisson import Poisson
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
    """Σ p (log p − log q), infinite where q is 0 and p is not."""
    terms = p.probs * (p.logits - q.logits)
    shape = terms.shape
    terms = _infinite_where((q.probs == 0).expand(*shape), terms)
    terms = where((p.probs == 0).expand(*shape), 0.0, terms)
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
