"""The gamma distribution Gamma(α, β) with shape α (``concentration``) and rate β, as
``torch.distributions.Gamma``; its sampler also draws Beta and Dirichlet variables."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import no_grad
from ..functions import xlogy
from ..special import digamma, gammaln
from ..tensor import Tensor, rand, randn, where, zeros
from . import constraints
from .distribution import Distribution, broadcast_all


def standard_gamma(concentration: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Gamma(α, 1) draws of ``shape`` (α broadcast to it), outside autograd, by Marsaglia and Tsang's
    rejection method (ACM TOMS 26 (2000) 363-372): with d = α − ⅓, c = 1/√(9d), x ~ N(0, 1),
    v = (1 + cx)³, accept dv when log u < x²/2 + d − dv + d log v. For α < 1 the draw for α + 1 is
    scaled by u^(1/α). Draws are at least the dtype's smallest normal number, as PyTorch's."""
    with no_grad():
        alpha = concentration.detach().expand(*shape)
        dtype, device = alpha.dtype, alpha.device
        boosted = alpha < 1
        d = where(boosted, alpha + 1, alpha) - 1 / 3
        c = 1 / (9 * d).sqrt()
        draws, done = zeros(*shape, dtype=dtype, device=device), alpha != alpha  # nan α: never drawn
        while not done.all().item():
            x = randn(*shape, dtype=dtype, device=device)
            log_u = (1 - rand(*shape, dtype=dtype, device=device)).log()
            v = (1 + c * x) ** 3
            positive = v > 0
            log_v = where(positive, v, 1.0).log()
            accept = positive & (log_u < 0.5 * x * x + d - d * v + d * log_v) & ~done
            draws, done = where(accept, d * v, draws), done | accept
        log_scale = (1 - rand(*shape, dtype=dtype, device=device)).log() / alpha
        draws = where(boosted, (draws.log() + log_scale).exp(), draws)
        return draws.clamp(float(np.finfo(dtype).tiny), None)


class Gamma(Distribution):
    """p(x) = β^α x^(α−1) e^(−βx) / Γ(α) on x ≥ 0. No ``rsample``: PyTorch's reparameterised gradient
    of a gamma draw (implicit differentiation of its CDF) is not implemented here."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(tuple(self.concentration.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(0, None)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return standard_gamma(self.concentration, shape) / self.rate.detach()

    def log_prob(self, value: Tensor) -> Tensor:
        """α log β + (α − 1) log x − βx − log Γ(α)."""
        if self._validate_args:
            self._validate_sample(value)
        alpha, beta = self.concentration, self.rate
        return xlogy(alpha, beta) + xlogy(alpha - 1, value) - beta * value - gammaln(alpha)

    def entropy(self) -> Tensor:
        """α − log β + log Γ(α) + (1 − α) ψ(α)."""
        alpha = self.concentration
        return alpha - self.rate.log() + gammaln(alpha) + (1 - alpha) * digamma(alpha)
