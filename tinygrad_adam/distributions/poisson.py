"""The Poisson distribution of counts with mean ``rate``, as ``torch.distributions.Poisson``."""

from __future__ import annotations

from typing import Any

from ..autograd import no_grad
from ..functions import xlogy
from ..special import gammaln
from ..tensor import Tensor, float64, rand, where, zeros
from . import constraints
from .distribution import Distribution, broadcast_all

# Rates from here on are drawn by PTRS, below it by Knuth's multiplication method (as NumPy).
PTRS_FROM = 10.0


def _knuth(rate: Tensor, generator: Any = None) -> Tensor:
    """The number of uniforms whose running product stays above e^(−λ) (Knuth, TAOCP vol. 2):
    exact, and quick for small λ (about λ + 1 rounds)."""
    threshold = (-rate).exp()
    product, count = (
        rand(*rate.shape, generator=generator, dtype=rate.dtype, device=rate.device),
        zeros(*rate.shape, dtype=rate.dtype, device=rate.device),
    )
    alive = product > threshold
    while alive.any().item():
        count = count + alive.astype(rate.dtype)
        product = product * rand(*rate.shape, generator=generator, dtype=rate.dtype, device=rate.device)
        alive = alive & (product > threshold)
    return count


def _ptrs(rate: Tensor, generator: Any = None) -> Tensor:
    """W. Hörmann's transformed rejection with squeeze, PTRS ("The transformed rejection method for
    generating Poisson random variables", Insurance: Math. Econ. 12 (1993) 39-45), for λ ≥ 10:
    exact, a few uniforms per draw whatever λ. Its constants follow the paper (and NumPy)."""
    shape, dtype, device = rate.shape, rate.dtype, rate.device
    sqrt_rate, log_rate = rate.sqrt(), rate.log()
    b = 0.931 + 2.53 * sqrt_rate
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    draws, done = zeros(*shape, dtype=dtype, device=device), rate != rate  # a nan rate: never drawn
    while not done.all().item():
        u = rand(*shape, generator=generator, dtype=dtype, device=device) - 0.5
        v = 1 - rand(*shape, generator=generator, dtype=dtype, device=device)  # in (0, 1]: a finite log
        us = (0.5 - u.abs()).clamp(1e-12, None)
        k = ((2 * a / us + b) * u + rate + 0.43).floor()
        squeezed = (us >= 0.07) & (v <= v_r)
        log_accept = v.log() + inv_alpha.log() - (a / (us * us) + b).log()
        log_target = -rate + k * log_rate - gammaln(k.clamp(0, None) + 1)
        rejected = (k < 0) | ((us < 0.013) & (v > us))
        accept = (squeezed | (~rejected & (log_accept <= log_target))) & ~done
        draws, done = where(accept, k, draws), done | accept
    return draws


def poisson_draws(rate: Tensor, generator: Any = None) -> Tensor:
    """One exact Poisson draw per rate, in the rate's dtype (``Poisson.sample``, ``tg.poisson``):
    Knuth's method below λ = 10, PTRS from there, computed in float64."""
    with no_grad():
        rate = rate.detach().astype(float64)
        small = rate < PTRS_FROM
        draws = _knuth(where(small, rate, 0.0), generator)
        if (~small).any().item():
            draws = where(small, draws, _ptrs(where(small, PTRS_FROM, rate), generator))
        return draws


class Poisson(Distribution):
    """P(k) = λᵏ e^(−λ)/k! for k = 0, 1, 2, ...; draws are exact (Knuth's method below λ = 10, PTRS
    from there), as floats of the rate's dtype, like PyTorch's."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(tuple(self.rate.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: Any = ()) -> Tensor:
        rate = self.rate.detach().expand(*self._extended_shape(sample_shape))
        return poisson_draws(rate).astype(self.rate.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        """k log λ − λ − log k!."""
        if self._validate_args:
            self._validate_sample(value)
        return xlogy(value, self.rate) - self.rate - gammaln(value + 1)
