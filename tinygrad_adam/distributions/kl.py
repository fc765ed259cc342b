"""KL(p ‖ q) = E_p[log p − log q] in closed form for pairs of distributions, as
``torch.distributions.kl``: ``kl_divergence(p, q)`` picks the most specific function registered
with ``@register_kl(type_p, type_q)``."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..tensor import Tensor, where
from .bernoulli import Bernoulli, _softplus
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .independent import Independent, sum_rightmost
from .normal import Normal
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


@register_kl(Independent, Independent)
def _kl_independent_independent(p: Independent, q: Independent) -> Tensor:
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError("KL between Independents with different event dims is not implemented")
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)
