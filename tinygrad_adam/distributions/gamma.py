"""The gamma distribution Gamma(α, β) with shape α (``concentration``) and rate β, as
``torch.distributions.Gamma``; its sampler also draws Beta and Dirichlet variables."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function, no_grad
from ..functions import xlogy
from ..special import digamma, digamma_array, gammaln
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


# Figurnov, Mohamed and Mnih's rational fit of dx/dα for 8 ≥ α (PyTorch's standard_gamma_grad_one):
# log dx/dα ≈ p(u, v)/q(u, v) with u = log(x/α), v = log α; rows are the powers of u, columns the
# coefficients of p (four powers of v) then of q.
_RATIONAL_FIT = (
    (0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084),
    (0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915,
     -0.00058392623),
    (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326,
     0.00085092367, -1.5247877e-07),
)  # fmt: skip


def standard_gamma_grad_array(xp: Any, alpha: Any, x: Any) -> Any:
    """dx/dα of a Gamma(α, 1) draw x held at a fixed CDF value, −(∂F/∂α)/(∂F/∂x) (implicit
    reparameterisation, Figurnov et al., "Implicit Reparameterization Gradients", NeurIPS 2018), by
    PyTorch's three approximations: the series of the lower incomplete gamma function for x < 0.8,
    Rice's saddle-point expansion for α > 8, a rational fit elsewhere."""
    one = xp.ones_like(x)
    small_x = x < 0.8
    xs = xp.where(small_x, x, 0.5 * one)
    # F(x; α) = x^α Σₖ (−x)^k/(k! (α + k)), and its α-derivative term by term.
    numer, denom = one, alpha
    series1, series2 = numer / denom, numer / (denom * denom)
    for i in range(1, 6):
        numer = numer * (-xs / i)
        denom = denom + 1
        series1 = series1 + numer / denom
        series2 = series2 + numer / (denom * denom)
    pow_x_alpha = xs**alpha
    gamma_pdf = xs ** (alpha - 1) * xp.exp(-xs)
    gamma_cdf_alpha = (xp.log(xs) - digamma_array(xp, alpha)) * pow_x_alpha * series1 - pow_x_alpha * series2
    vanished = gamma_pdf == 0  # PyTorch's 0/0 there, taken as 0
    series = -gamma_cdf_alpha / xp.where(vanished, one, gamma_pdf)
    series = xp.where(vanished | xp.isnan(series), xp.zeros_like(series), series)

    large_alpha = alpha > 8
    a = xp.where(large_alpha, alpha, 10 * one)
    near = (0.9 * a <= x) & (x <= 1.1 * a)
    xa = xp.where(large_alpha & ~small_x, x, a * 0.5)
    numer_1 = 1 + 24 * a * (1 + 12 * a)
    numer_2 = 1440 * a * a + 6 * xa * (53 - 120 * xa) - 65 * xa * xa / a + a * (107 + 3600 * xa)
    saddle_near = numer_1 * numer_2 / (1244160 * a * a * a * a)
    xf = xp.where(near, a * 0.5, xa)  # away from x = α, where the far formula divides by α − x
    denom_far = xp.sqrt(8 * a)
    term2 = denom_far / (a - xf)
    term3 = (xf - a - a * xp.log(xf / a)) ** -1.5
    term23 = xp.where(xf < a, term2 - term3, term2 + term3)
    term1 = xp.log(xf / a) * term23 - xp.sqrt(2 / a) * (a + xf) / ((a - xf) * (a - xf))
    stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
    saddle = xp.where(near, saddle_near, -stirling * xf * term1 / denom_far)

    u = xp.log(xp.where(small_x, one, x) / alpha)
    v = xp.log(alpha)
    c = [row0 + u * (row1 + u * row2) for row0, row1, row2 in zip(*_RATIONAL_FIT)]
    p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
    q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
    rational = xp.exp(p / q)
    return xp.where(small_x, series, xp.where(large_alpha, saddle, rational))


class _GammaDraw(Function):
    """The identity on a Gamma(α, 1) draw x whose backward sends grad · dx/dα to α: the draw, made
    outside autograd, becomes differentiable in its concentration."""

    def forward(self, alpha: Any, draw: Any) -> Any:
        return draw + 0  # a new array, so that changing the output leaves the draw alone

    def backward(self, grad: Tensor) -> tuple[Tensor, None]:
        xp, (alpha, draw) = self.xp, self.inputs
        # in float64, as PyTorch's accumulate type: the series cancel
        dx_dalpha = standard_gamma_grad_array(
            xp, xp.astype(alpha._data, xp.float64), xp.astype(draw._data, xp.float64)
        )
        return grad * Tensor._wrap(xp.astype(dx_dalpha, alpha._data.dtype), self.backend), None


def rsample_standard_gamma(concentration: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Gamma(α, 1) draws of ``shape`` differentiable in α by the implicit reparameterisation gradient."""
    alpha = concentration.expand(*shape) if tuple(concentration.shape) != tuple(shape) else concentration
    return _GammaDraw.apply(alpha, standard_gamma(concentration, shape))


def _at_least_tiny(draws: Tensor) -> Tensor:
    """``draws`` raised to the dtype's smallest normal number where below it (PyTorch clamps the
    draw in place), the gradient passing unchanged."""
    floor = float(np.finfo(draws.dtype).tiny)
    return draws + (draws.detach().clamp(floor, None) - draws.detach())


class Gamma(Distribution):
    """p(x) = β^α x^(α−1) e^(−βx) / Γ(α) on x ≥ 0. ``rsample`` differentiates a draw in α by implicit
    reparameterisation (the draw's CDF value held fixed), as PyTorch's."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

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

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        draws = rsample_standard_gamma(self.concentration, shape) / self.rate
        return _at_least_tiny(draws)

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
