"""The von Mises distribution of an angle, as ``torch.distributions.VonMises``: p(θ) =
exp(κ cos(θ − μ)) / (2π I₀(κ)), the circle's counterpart of the normal distribution."""

from __future__ import annotations

import math
from typing import Any

from ..autograd import no_grad
from ..tensor import Tensor, float64, rand, where, zeros
from . import constraints
from .distribution import Distribution, broadcast_all

# Abramowitz & Stegun 9.8.1-9.8.4: I₀ and I₁ as polynomials in (x/3.75)² below 3.75, and
# e^x/√x times polynomials in 3.75/x above (relative error below 2e-7), the same series as PyTorch.
_I0_SMALL = (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2)
_I0_LARGE = (
    0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1,
    -0.1647633e-1, 0.392377e-2,
)  # fmt: skip
_I1_SMALL = (0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3)
_I1_LARGE = (
    0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1,
    0.1787654e-1, -0.420059e-2,
)  # fmt: skip


def _polynomial(y: Tensor, coefficients: tuple[float, ...]) -> Tensor:
    """c₀ + c₁y + c₂y² + …, by Horner's rule."""
    result = y * 0 + coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = result * y + c
    return result


def log_modified_bessel(x: Tensor, order: int = 0) -> Tensor:
    """log I₀(x) or log I₁(x) for x > 0 (A&S 9.8.1-9.8.4, as PyTorch's ``_log_modified_bessel_fn``)."""
    small_coefficients, large_coefficients = (_I0_SMALL, _I0_LARGE) if order == 0 else (_I1_SMALL, _I1_LARGE)
    # each series on its own side of 3.75 only, so the other never logs a negative number
    x_small, x_large = x.clamp(None, 3.75), x.clamp(3.75, None)
    small = _polynomial((x_small / 3.75).pow(2), small_coefficients)
    if order == 1:
        small = x_small.abs() * small
    large = x_large - 0.5 * x_large.log() + _polynomial(3.75 / x_large, large_coefficients).log()
    return where(x < 3.75, small.log(), large)


class VonMises(Distribution):
    """Angles θ (any real, read modulo 2π) around ``loc`` μ with ``concentration`` κ > 0; draws lie
    in [−π, π). ``mean`` and ``variance`` are the circular ones: μ and 1 − I₁(κ)/I₀(κ)."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real

    def __init__(self, loc: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(tuple(self.loc.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        kappa = self.concentration
        return 1 - (log_modified_bessel(kappa, 1) - log_modified_bessel(kappa, 0)).exp()

    def log_prob(self, value: Tensor) -> Tensor:
        """κ cos(θ − μ) − log 2π − log I₀(κ)."""
        if self._validate_args:
            self._validate_sample(value)
        log_norm = math.log(2 * math.pi) + log_modified_bessel(self.concentration, 0)
        return self.concentration * (value - self.loc).cos() - log_norm

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Best & Fisher's rejection sampler ("Efficient simulation of the von Mises distribution",
        Applied Statistics 28 (1979) 152-157), in float64 as PyTorch (float32 stalls for tiny κ)."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            loc = self.loc.detach().astype(float64).expand(*shape)
            kappa = self.concentration.detach().astype(float64).expand(*shape)
            tau = 1 + (1 + 4 * kappa.pow(2)).sqrt()
            rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
            # r = (1 + ρ²)/(2ρ); its second-order Taylor expansion 1/κ + κ for tiny κ
            proposal_r = where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho.pow(2)) / (2 * rho))
            angle, done = zeros(*shape, dtype=float64, device=loc.device), kappa != kappa
            while not done.all().item():
                u1, u3 = (rand(*shape, dtype=float64, device=loc.device) for _ in range(2))
                u2 = 1 - rand(*shape, dtype=float64, device=loc.device)  # (0, 1]: c/u2 stays finite
                z = (math.pi * u1).cos()
                f = (1 + proposal_r * z) / (proposal_r + z)
                c = kappa * (proposal_r - f)
                # c ≤ 0 is never accepted by the second test: clamping it keeps the log finite
                accept = ((c * (2 - c) - u2) > 0) | ((c / u2).clamp(1e-300, None).log() + 1 - c >= 0)
                accept = accept & ~done
                f = f.clamp(-1, 1)
                arccos_f = (1 - f * f).sqrt().atan2(f)
                angle = where(accept, (u3 - 0.5).sign() * arccos_f, angle)
                done = done | accept
            wrapped = (angle + math.pi + loc) % (2 * math.pi) - math.pi
            return wrapped.astype(self.loc.dtype)
