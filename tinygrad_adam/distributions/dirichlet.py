"""The Dirichlet distribution on the probability simplex, as ``torch.distributions.Dirichlet``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..functions import xlogy
from ..special import digamma, gammaln
from ..tensor import Tensor, arange, where
from . import constraints
from .distribution import Distribution, broadcast_all
from .gamma import rsample_standard_gamma


class Dirichlet(Distribution):
    """p(x) = Γ(α₀)/Πₖ Γ(αₖ) · Πₖ xₖ^(αₖ−1) on the simplex, α₀ = Σₖ αₖ; the last axis of
    ``concentration`` is the event. Draws are Gamma(αₖ, 1) variables over their sum; ``rsample``
    differentiates them through the gamma draws' implicit reparameterisation gradients (PyTorch's
    own gradient formula for the Dirichlet differs draw by draw, with the same expectation)."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Any, validate_args: bool | None = None) -> None:
        if not isinstance(concentration, Tensor) or concentration.ndim < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        (self.concentration,) = broadcast_all(concentration)
        shape = tuple(self.concentration.shape)
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self) -> Tensor:
        """(αₖ − 1)⁺/Σⱼ (αⱼ − 1)⁺; where every αₖ < 1, PyTorch's one-hot vector at the first entry."""
        excess = (self.concentration - 1).clamp(0, None)
        total = excess.sum(-1, keepdim=True)
        all_below_one = total == 0
        one_hot = (arange(excess.shape[-1], device=excess.device) == 0).astype(excess.dtype)
        return where(all_below_one, one_hot, excess / where(all_below_one, 1.0, total))

    @property
    def variance(self) -> Tensor:
        """αₖ(α₀ − αₖ)/(α₀²(α₀ + 1))."""
        alpha = self.concentration
        total = alpha.sum(-1, keepdim=True)
        return alpha * (total - alpha) / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        draws = rsample_standard_gamma(self.concentration, self._extended_shape(sample_shape))
        return clamp_probs(draws / draws.sum(-1, keepdim=True))

    def log_prob(self, value: Tensor) -> Tensor:
        """Σₖ (αₖ − 1) log xₖ + log Γ(α₀) − Σₖ log Γ(αₖ)."""
        if self._validate_args:
            self._validate_sample(value)
        alpha = self.concentration
        return xlogy(alpha - 1, value).sum(-1) + gammaln(alpha.sum(-1)) - gammaln(alpha).sum(-1)

    def entropy(self) -> Tensor:
        """log B(α) + (α₀ − K) ψ(α₀) − Σₖ (αₖ − 1) ψ(αₖ), with log B(α) = Σₖ log Γ(αₖ) − log Γ(α₀)."""
        alpha = self.concentration
        k = alpha.shape[-1]
        total = alpha.sum(-1)
        log_beta = gammaln(alpha).sum(-1) - gammaln(total)
        return log_beta + (total - k) * digamma(total) - ((alpha - 1) * digamma(alpha)).sum(-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """``probs`` kept within [tiny, 1 − eps] of their dtype, as PyTorch's samplers keep them, the
    gradient passing unchanged."""
    finfo = np.finfo(probs.dtype)
    kept = probs.detach().clamp(float(finfo.tiny), 1 - float(finfo.eps))
    return probs + (kept - probs.detach())
