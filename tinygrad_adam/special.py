"""``tg.special``: PyTorch's ``torch.special`` functions that statistics and loss code reach for,
each a composition of differentiable Tensor ops, and the log-gamma family (``gammaln``, ``digamma``,
``polygamma``) from Array-API operations."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .autograd import Function
from .functions import xlogy
from .nn.erf import erf as _erf
from .nn.erf import erfc as _erfc
from .tensor import Tensor, get_default_dtype, where

__all__ = [
    "digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
    "i0", "i1", "lgamma",
    "log1p", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma", "psi",
    "softmax", "xlog1py", "xlogy",
]  # fmt: skip


class NotAnIntegerOrderError(TypeError, RuntimeError):
    """An order (``n`` of polygamma, ``p`` of multigammaln) that is not an integer: PyTorch's
    TypeError, and the RuntimeError we raised before."""


def _tensor(input: Any, name: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"special.{name}: input must be a Tensor, got {type(input).__name__}")
    return input


def expit(input: Tensor) -> Tensor:
    """The logistic sigmoid 1/(1 + e^(−x))."""
    return _tensor(input, "expit").sigmoid()


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p/(1 − p)), the inverse of expit; with ``eps`` p is first clamped to [eps, 1 − eps]
    (``Tensor.logit``)."""
    return _tensor(input, "logit").logit(eps)


def entr(input: Tensor) -> Tensor:
    """−x log x elementwise: 0 at x = 0, −inf for x < 0 (as PyTorch)."""
    x = _tensor(input, "entr")
    return where(x < 0, -math.inf, -xlogy(x, x))


def xlog1py(input: Tensor, other: Any) -> Tensor:
    """x log(1 + y), 0 where x is 0."""
    x = _tensor(input, "xlog1py")
    y = other if isinstance(other, Tensor) else x.new_full((), other)
    return xlogy(x, 1 + y)


def erf(input: Tensor) -> Tensor:
    """The error function 2/√π ∫₀ˣ e^(−t²) dt; integer or bool tensors are read as floats, as in PyTorch."""
    return _erf(_float_tensor(input, "erf"))


def erfc(input: Tensor) -> Tensor:
    """1 − erf(x), without cancellation where it is tiny; integers are read as floats, as for erf."""
    return _erfc(_float_tensor(input, "erfc"))


def ndtr(input: Tensor) -> Tensor:
    """Φ(x), the standard normal's cumulative distribution: erfc(−x/√2)/2, exact in the left tail."""
    return 0.5 * erfc(-_float_tensor(input, "ndtr") / math.sqrt(2))


# Wichura's AS241 (PPND16, Applied Statistics 37 (1988) 477-484): rational approximations of Φ⁻¹,
# about 1e-16 relative, in three ranges; coefficients from the lowest power up.
_PPND16_CENTRAL = (
    (3.3871328727963666080, 1.3314166789178437745e2, 1.9715909503065514427e3, 1.3731693765509461125e4,
     4.5921953931549871457e4, 6.7265770927008700853e4, 3.3430575583588128105e4, 2.5090809287301226727e3),
    (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
     2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4, 5.2264952788528545610e3),
)  # fmt: skip
_PPND16_NEAR_TAIL = (
    (1.42343711074968357734, 4.63033784615654529590, 5.76949722146069140550, 3.64784832476320460504,
     1.27045825245236838258, 2.41780725177450611770e-1, 2.27238449892691845833e-2,
     7.74545014278341407640e-4),
    (1.0, 2.05319162663775882187, 1.67638483018380384940, 6.89767334985100004550e-1,
     1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
     1.05075007164441684324e-9),
)  # fmt: skip
_PPND16_FAR_TAIL = (
    (6.65790464350110377720, 5.46378491116411436990, 1.78482653991729133580, 2.96560571828504891230e-1,
     2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5,
     2.01033439929228813265e-7),
    (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
     7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
     2.04426310338993978564e-15),
)  # fmt: skip


def _rational(r: Any, coefficients: tuple[tuple[float, ...], tuple[float, ...]]) -> Any:
    numerator, denominator = (sum(c * r**k for k, c in enumerate(row)) for row in coefficients)
    return numerator / denominator


def ndtri_array(xp: Any, p: Any) -> Any:
    """Φ⁻¹(p) by AS241; −inf at 0, +inf at 1, nan outside [0, 1]."""
    q = p - 0.5
    central = xp.abs(q) <= 0.425
    x_central = q * _rational(0.180625 - q * q, _PPND16_CENTRAL)
    tail = xp.where(q <= 0, p, 1 - p)
    tail = xp.where(central | (tail <= 0) | xp.isnan(tail), xp.full_like(p, 0.01), tail)
    r = xp.sqrt(-xp.log(tail))
    x_tail = xp.where(r <= 5, _rational(r - 1.6, _PPND16_NEAR_TAIL), _rational(r - 5, _PPND16_FAR_TAIL))
    x_tail = xp.where(q < 0, -x_tail, x_tail)
    out = xp.where(central, x_central, x_tail)
    out = xp.where(p == 0, xp.full_like(p, -math.inf), xp.where(p == 1, xp.full_like(p, math.inf), out))
    return xp.where((p < 0) | (p > 1) | xp.isnan(p), xp.full_like(p, math.nan), out)


class Ndtri(Function):
    """Φ⁻¹(p); d/dp = 1/φ(x) = √(2π) e^(x²/2) at x = Φ⁻¹(p)."""

    saves_output = True

    def forward(self, a: Any) -> Any:
        return _in_float64(self.xp, ndtri_array, a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.output
        return (grad * (x * x / 2).exp() * math.sqrt(2 * math.pi),)


def ndtri(input: Tensor) -> Tensor:
    """Φ⁻¹(p), the standard normal's quantile function (``torch.special.ndtri``): the x with Φ(x) = p."""
    return Ndtri.apply(_float_tensor(input, "ndtri"))


def erfinv_array(xp: Any, y: Any) -> Any:
    """erf⁻¹(y) = Φ⁻¹((1 + y) / 2) / √2 by AS241; near 0 the central rational is fed q = y / 2
    itself, as (1 + y) / 2 − 1/2 would lose the digits of a small y. The tails use the odd symmetry,
    Φ⁻¹ of the small (1 − |y|) / 2 (exact), as 1 − (1 + y) / 2 near y = 1 would lose them too."""
    half = y / 2
    central = half * _rational(0.180625 - half * half, _PPND16_CENTRAL)
    tail = -ndtri_array(xp, (1 - xp.abs(y)) / 2) * xp.sign(y)
    return xp.where(xp.abs(half) <= 0.425, central, tail) / math.sqrt(2)


class Erfinv(Function):
    """erf⁻¹(y); d/dy = (√π / 2) e^(x²) at x = erf⁻¹(y), recomputed from y as PyTorch's (so ``erfinv_``
    twice in a row, which overwrites the first result, still differentiates)."""

    def forward(self, y: Any) -> Any:
        return _in_float64(self.xp, erfinv_array, y)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = Erfinv.apply(self.inputs[0])
        return (grad * (x * x).exp() * (math.sqrt(math.pi) / 2),)


def erfinv(input: Tensor) -> Tensor:
    """erf⁻¹(y) for y in [−1, 1] (±inf at ±1, NaN beyond), ``torch.special.erfinv``; integers are
    read as floats."""
    return Erfinv.apply(_float_tensor(input, "erfinv"))


def exp2(input: Tensor) -> Tensor:
    return _tensor(input, "exp2").exp2()


def expm1(input: Tensor) -> Tensor:
    return _tensor(input, "expm1").expm1()


def log1p(input: Tensor) -> Tensor:
    return _tensor(input, "log1p").log1p()


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    return _tensor(input, "logsumexp").logsumexp(dim, keepdim=keepdim)


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    x = _tensor(input, "softmax")
    return (x if dtype is None else x.astype(dtype)).softmax(dim)


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    x = _tensor(input, "log_softmax")
    return (x if dtype is None else x.astype(dtype)).log_softmax(dim)


# ---------------------------------------------------------------------------------------------
# The log-gamma family: log Γ(x), ψ(x) = d/dx log Γ(x) and ψ₁(x) = dψ/dx, from Array-API operations
# only (so every backend runs them), float32 staying float32.

# Lanczos's approximation with g = 7 and 9 coefficients (Numerical Recipes; Wikipedia's "Lanczos
# approximation"): Γ(z + 1) = √(2π) t^(z + ½) e^(−t) A(z), t = z + g + ½, about 1e-15 relative.
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)  # fmt: skip
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
# Where ψ and ψ₁ switch from the recurrence to their asymptotic series (next term below 1e-16).
_ASYMPTOTIC_FROM = 10.0


def _sin_pi(xp: Any, x: Any) -> tuple[Any, Any]:
    """(r, sin(πr)) for r = x − round(x) in [−½, ½]: |sin(πx)| = |sin(πr)| and cot(πx) = cot(πr),
    and the reduction is exact, so both keep their accuracy near the integers and for large |x|."""
    nearest = x - xp.round(x)
    return nearest, xp.sin(math.pi * nearest)


def lgamma_array(xp: Any, x: Any) -> Any:
    """log |Γ(x)|: Lanczos for x ≥ ½, the reflection Γ(x)Γ(1 − x) = π/sin(πx) below; +inf at the
    poles 0, −1, −2, ... and at ±∞ (as PyTorch)."""
    x, finite = _finite_part(xp, x)
    reflect = x < 0.5
    z = xp.where(reflect, 1 - x, x) - 1
    series = xp.full_like(x, _LANCZOS[0])
    for i, coefficient in enumerate(_LANCZOS[1:], start=1):
        series = series + coefficient / (z + i)
    t = z + _LANCZOS_G + 0.5
    lgamma_direct = _HALF_LOG_2PI + (z + 0.5) * xp.log(t) - t + xp.log(series)
    _, sin_pi = _sin_pi(xp, xp.where(reflect, x, xp.full_like(x, 0.5)))
    pole = sin_pi == 0
    sin_pi = xp.where(pole, xp.ones_like(sin_pi), xp.abs(sin_pi))
    reflected = math.log(math.pi) - xp.log(sin_pi) - lgamma_direct
    reflected = xp.where(pole, xp.full_like(x, math.inf), reflected)
    out = xp.where(reflect, reflected, lgamma_direct)
    out = xp.where((x == 1) | (x == 2), xp.zeros_like(x), out)  # Γ(1) = Γ(2) = 1 exactly (as Cephes)
    return _with_limits(xp, finite, out, math.inf, math.inf)


def _finite_part(xp: Any, x: Any) -> tuple[Any, Any]:
    """(x with ±∞ and nan replaced by 1, the original x): the formulas run on finite numbers only,
    so that no ∞ − ∞ warns, and ``_with_limits`` puts the limits back."""
    return xp.where(xp.isfinite(x), x, xp.ones_like(x)), x


def _with_limits(xp: Any, x: Any, out: Any, at_plus_inf: float, at_minus_inf: float) -> Any:
    """``out`` with the function's values at +∞ and −∞ put back, and nan where x is nan."""
    out = xp.where(x == math.inf, xp.full_like(x, at_plus_inf), out)
    out = xp.where(x == -math.inf, xp.full_like(x, at_minus_inf), out)
    return xp.where(xp.isnan(x), x, out)


def _shifted(xp: Any, x: Any, power: int) -> tuple[Any, Any]:
    """(y, Σ 1/(x + k)^power over the k that take x up to y ≥ 10): the recurrences
    ψ(x) = ψ(x + 1) − 1/x and ψ₁(x) = ψ₁(x + 1) + 1/x² carry x ≥ 0 into the asymptotic range."""
    y, total = x, xp.zeros_like(x)
    for _ in range(int(_ASYMPTOTIC_FROM)):
        below = y < _ASYMPTOTIC_FROM
        safe = xp.where(below, y, xp.ones_like(y))
        total = total + xp.where(below, 1 / safe**power, xp.zeros_like(y))
        y = xp.where(below, y + 1, y)
    return y, total


def digamma_array(xp: Any, x: Any) -> Any:
    """ψ(x): the recurrence to x ≥ 10, then ψ(y) ~ log y − 1/(2y) − Σ B₂ₖ/(2k y^2k); for x < 0 the
    reflection ψ(x) = ψ(1 − x) − π cot(πx). −inf at +0, +inf at −0, nan at negative integers (as
    PyTorch)."""
    x, finite = _finite_part(xp, x)
    reflect = x < 0
    y, recurrence = _shifted(xp, xp.where(reflect, 1 - x, xp.where(x == 0, xp.ones_like(x), x)), 1)
    inv_sq = 1 / (y * y)
    series = inv_sq * (1 / 12 - inv_sq * (1 / 120 - inv_sq * (1 / 252 - inv_sq * (
        1 / 240 - inv_sq * (1 / 132 - inv_sq * (691 / 32760 - inv_sq / 12))))))  # fmt: skip
    psi = xp.log(y) - 0.5 / y - series - recurrence
    nearest, sin_pi = _sin_pi(xp, xp.where(reflect, x, xp.full_like(x, 0.5)))
    pole = sin_pi == 0
    cot = xp.cos(math.pi * nearest) / xp.where(pole, xp.ones_like(sin_pi), sin_pi)
    reflected = xp.where(pole, xp.full_like(x, math.nan), psi - math.pi * cot)
    out = xp.where(reflect, reflected, psi)
    out = xp.where(x == 0, -xp.copysign(xp.full_like(x, math.inf), x), out)
    return _with_limits(xp, finite, out, math.inf, math.nan)


def trigamma_array(xp: Any, x: Any) -> Any:
    """ψ₁(x): the recurrence to x ≥ 10, then ψ₁(y) ~ 1/y + 1/(2y²) + Σ B₂ₖ/y^(2k+1); for x < 0 the
    reflection ψ₁(x) = π²/sin²(πx) − ψ₁(1 − x). +inf at the poles 0, −1, −2, ..."""
    x, finite = _finite_part(xp, x)
    reflect = x < 0
    y, recurrence = _shifted(xp, xp.where(reflect, 1 - x, xp.where(x == 0, xp.ones_like(x), x)), 2)
    inv_sq = 1 / (y * y)
    series = inv_sq / y * (1 / 6 - inv_sq * (1 / 30 - inv_sq * (1 / 42 - inv_sq * (
        1 / 30 - inv_sq * (5 / 66 - inv_sq * (691 / 2730 - inv_sq * 7 / 6))))))  # fmt: skip
    psi1 = 1 / y + 0.5 * inv_sq + series + recurrence
    _, sin_pi = _sin_pi(xp, xp.where(reflect, x, xp.full_like(x, 0.5)))
    pole = sin_pi == 0
    sin_pi = xp.where(pole, xp.ones_like(sin_pi), sin_pi)
    reflected = xp.where(pole, xp.full_like(x, math.inf), math.pi**2 / (sin_pi * sin_pi) - psi1)
    out = xp.where(reflect, reflected, psi1)
    out = xp.where(x == 0, xp.full_like(x, math.inf), out)
    return _with_limits(xp, finite, out, 0.0, math.nan)


def _in_float64(xp: Any, function: Any, a: Any) -> Any:
    """``function`` evaluated in float64 and returned in ``a``'s dtype: the series cancel enough
    that float32 arithmetic would lose several digits (log Γ(1) = −5e-7 instead of 0)."""
    if a.dtype == xp.float64:
        return function(xp, a)
    return xp.astype(function(xp, xp.astype(a, xp.float64)), a.dtype)


class Lgamma(Function):
    """log |Γ(x)|; d/dx = ψ(x)."""

    def forward(self, a: Any) -> Any:
        return _in_float64(self.xp, lgamma_array, a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * Digamma.apply(self.inputs[0]),)


class Digamma(Function):
    """ψ(x) = d/dx log Γ(x); d/dx = ψ₁(x)."""

    def forward(self, a: Any) -> Any:
        return _in_float64(self.xp, digamma_array, a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * Trigamma.apply(self.inputs[0]),)


class Trigamma(Function):
    """ψ₁(x) = dψ/dx; its own derivative (ψ₂, a third derivative of log Γ) is not implemented."""

    def forward(self, a: Any) -> Any:
        return _in_float64(self.xp, trigamma_array, a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * Polygamma.apply(self.inputs[0], n=2),)


# Bernoulli numbers B₂, B₄, ..., B₁₆ of the asymptotic series of ψ⁽ⁿ⁾.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def polygamma_array(xp: Any, n: int, x: Any, shifts: int) -> Any:
    """ψ⁽ⁿ⁾(x) for n ≥ 2 = (−1)ⁿ⁺¹ n! ζ(n + 1, x): the terms 1/(x + k)ⁿ⁺¹ summed until x + k reaches
    10 + n (``shifts`` rounds suffice for the smallest x), then the asymptotic series
    (n − 1)!/yⁿ + n!/(2yⁿ⁺¹) + Σₖ B₂ₖ (2k + n − 1)!/((2k)! y²ᵏ⁺ⁿ). ±inf at the poles 0, −1, ...
    and nan at ±inf, as PyTorch."""
    x, original = _finite_part(xp, x)
    threshold = 10.0 + n
    y, total = x, xp.zeros_like(x)
    for _ in range(shifts):
        below = y < threshold
        safe = xp.where(below & (y != 0), y, xp.ones_like(y))
        total = total + xp.where(below, 1 / safe ** (n + 1), xp.zeros_like(y))
        y = xp.where(below, y + 1, y)
    series = math.factorial(n - 1) / y**n + math.factorial(n) / (2 * y ** (n + 1))
    for k, bernoulli in enumerate(_BERNOULLI, start=1):
        coefficient = bernoulli * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
        series = series + coefficient / y ** (2 * k + n)
    sign = 1.0 if n % 2 else -1.0
    out = sign * (math.factorial(n) * total + series)
    pole = (x <= 0) & (x == xp.round(x))
    out = xp.where(pole, xp.full_like(x, sign * math.inf), out)
    return _with_limits(xp, original, out, math.nan, math.nan)


class Polygamma(Function):
    """ψ⁽ⁿ⁾(x) for n ≥ 2; d/dx = ψ⁽ⁿ⁺¹⁾(x)."""

    def forward(self, a: Any, n: int) -> Any:
        self.n = n
        xp = self.xp
        lowest = self.backend.to_numpy(xp.min(xp.where(xp.isfinite(a), a, xp.zeros_like(a)))) if a.size else 0
        shifts = int(10 + n - min(float(lowest), 0.0)) + 1
        return _in_float64(xp, lambda xp, x: polygamma_array(xp, n, x, shifts), a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * Polygamma.apply(self.inputs[0], n=self.n + 1),)


def _float_tensor(input: Any, name: str) -> Tensor:
    x = _tensor(input, name)
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype())


def gammaln(input: Tensor) -> Tensor:
    """log |Γ(x)| (``torch.special.gammaln``, ``torch.lgamma``); +inf at 0, −1, −2, ..."""
    return Lgamma.apply(_float_tensor(input, "gammaln"))


lgamma = gammaln


def digamma(input: Tensor) -> Tensor:
    """ψ(x) = Γ'(x)/Γ(x) (``torch.special.digamma``, alias ``psi``); nan at negative integers."""
    return Digamma.apply(_float_tensor(input, "digamma"))


psi = digamma


def polygamma(n: int, input: Tensor) -> Tensor:
    """ψ⁽ⁿ⁾(x), the n-th derivative of ψ (n = 0: ψ itself, n = 1: the trigamma ψ₁)."""
    if isinstance(n, Tensor) and n.ndim == 0 and n.dtype.kind in "iu":
        n = n.item()  # torch.special.polygamma(torch.tensor(1), x) reads a 0-d integer tensor as its number
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise NotAnIntegerOrderError(
            f"polygamma(n, x) does not support non-integer n, got {type(n).__name__} {n!r}"
        )
    if n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative or non-integer n, got {n!r}")
    if n == 0:
        return digamma(input)
    if n == 1:
        return Trigamma.apply(_float_tensor(input, "polygamma"))
    return Polygamma.apply(_float_tensor(input, "polygamma"), n=int(n))


def multigammaln(input: Tensor, p: int) -> Tensor:
    """log Γₚ(a) = p(p − 1)/4 · log π + Σⱼ₌₁..ₚ log Γ(a + (1 − j)/2), the multivariate log-gamma
    (``torch.special.multigammaln``, ``torch.mvlgamma``) of the Wishart densities."""
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise NotAnIntegerOrderError(f"multigammaln: p must be an integer, got {type(p).__name__} {p!r}")
    if p < 1:
        raise RuntimeError(f"p has to be greater than or equal to 1, got {p!r}")
    a = _float_tensor(input, "multigammaln")
    total = gammaln(a)
    for j in range(2, p + 1):
        total = total + gammaln(a + (1 - j) / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)


mvlgamma = multigammaln


# ---------------------------------------------------------------------------------------------
# Modified Bessel functions of the first kind, I₀ and I₁, by their power series
# I₀(x) = Σₖ (x²/4)ᵏ/(k!)², I₁(x) = (x/2) Σₖ (x²/4)ᵏ/(k!(k+1)!): every term is positive, so the sum
# keeps float64's digits for any x; the terms peak near k = |x|/2 and are negligible (< 1e-17 of the
# sum) some 6√|x| + 30 terms later. Past |x| ≈ 713 I₀ overflows to inf; at ±inf itself both are NaN,
# as PyTorch's Chebyshev expansions give.


def _bessel_series(backend: Any, x: Any, order: int) -> Any:
    xp = backend.xp
    finite = xp.isfinite(x)
    x64 = xp.astype(xp.where(finite, x, xp.zeros_like(x)), xp.float64)
    largest = float(backend.to_numpy(xp.max(xp.abs(x64)))) if x64.size else 0.0
    quarter_square = x64 * x64 / 4
    term = xp.ones_like(x64) if order == 0 else x64 / 2
    total = term
    reach = min(largest, 720.0)  # beyond it every sum is inf
    with np.errstate(over="ignore"):
        for k in range(1, int(reach / 2 + 6 * math.sqrt(reach) + 30)):
            term = term * quarter_square / (k * (k + order))
            total = total + term
    total = xp.where(finite, total, xp.full_like(x64, math.nan))
    return xp.astype(total, x.dtype)


class BesselI0(Function):
    """I₀(x); d/dx = I₁(x)."""

    def forward(self, a: Any) -> Any:
        return _bessel_series(self.backend, a, 0)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * BesselI1.apply(self.inputs[0]),)


class BesselI1(Function):
    """I₁(x); d/dx = I₀(x) − I₁(x)/x, and 1/2 at 0."""

    def forward(self, a: Any) -> Any:
        return _bessel_series(self.backend, a, 1)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        at_zero = (x == 0).detach()
        safe = where(at_zero, 1.0, x)
        return (grad * where(at_zero, 0.5, BesselI0.apply(x) - BesselI1.apply(safe) / safe),)


def i0(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0, I₀(x) (``torch.special.i0``);
    integers are read as floats."""
    return BesselI0.apply(_float_tensor(input, "i0"))


def i1(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 1, I₁(x) (``torch.special.i1``)."""
    return BesselI1.apply(_float_tensor(input, "i1"))


# -- the regularised incomplete gamma functions -------------------------------------------------
# P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = 1 − P(a, x), by Cephes' igam/igamc (Numerical Recipes 6.2):
# the series P = e^(a log x − x − log Γ(a)) Σₙ xⁿ/(a (a+1) ... (a+n)) where x < a + 1, else Lentz's
# continued fraction for Q; the other one is 1 minus it. Both run until every element has converged
# (checked every few rounds), in float64. Very large a (past ~1e6) would need Temme's asymptotic
# series, which is not here.
_GAMMA_TINY = 1e-300
_GAMMA_ROUNDS = 10_000  # at most; a ≤ 1e6 converges well within it


def _converged(backend: Any, change: Any, total: Any) -> bool:
    xp = backend.xp
    return bool(backend.to_numpy(xp.all(xp.abs(change) <= 4e-16 * xp.abs(total))))  # 2 ulps


def _incomplete_gamma_array(backend: Any, a: Any, x: Any, upper: bool) -> Any:
    """P(a, x), or Q(a, x) if ``upper``, elementwise in float64, with PyTorch's edge values: nan for
    a < 0, x < 0 or a = x = 0; P = 1 at a = 0 or x = inf, P = 0 at x = 0 or a = inf."""
    xp = backend.xp
    one = xp.ones_like(x)
    inside = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
    a_in, x_in = xp.where(inside, a, one), xp.where(inside, x, one)
    log_prefactor = a_in * xp.log(x_in) - x_in - lgamma_array(xp, a_in)
    use_series = x_in < a_in + 1
    # Series for P (where x < a + 1; elsewhere it runs on a harmless x = a stand-in).
    xs = xp.where(use_series, x_in, a_in)
    r, term, total = a_in, one, one
    for rounds in range(_GAMMA_ROUNDS):
        r = r + 1
        term = term * xs / r
        total = total + term
        if rounds % 8 == 7 and _converged(backend, term, total):
            break
    series = xp.exp(log_prefactor) * total / a_in
    # Continued fraction for Q (where x ≥ a + 1).
    xc = xp.where(use_series, a_in + 2, x_in)
    b = xc + 1 - a_in
    c = xp.full_like(x, 1 / _GAMMA_TINY)
    d = 1 / b
    h = d
    for i in range(1, _GAMMA_ROUNDS):
        an = -i * (i - a_in)
        b = b + 2
        d = an * d + b
        d = xp.where(xp.abs(d) < _GAMMA_TINY, xp.full_like(d, _GAMMA_TINY), d)
        c = b + an / c
        c = xp.where(xp.abs(c) < _GAMMA_TINY, xp.full_like(c, _GAMMA_TINY), c)
        d = 1 / d
        step = d * c
        h = h * step
        if i % 8 == 0 and _converged(backend, step - 1, one):
            break
    fraction = xp.exp(log_prefactor) * h
    # Each function from its own side, so a tail far below 1 keeps its digits (Q(1, 50) = e⁻⁵⁰).
    out = xp.where(use_series, 1 - series, fraction) if upper else xp.where(use_series, series, 1 - fraction)
    # The edges, as PyTorch gives them.
    p_one = ((a == 0) & (x > 0)) | ((x == xp.inf) & (a >= 0) & (a != xp.inf))
    p_zero = ((x == 0) & (a > 0)) | ((a == xp.inf) & (x >= 0) & (x != xp.inf))
    nan = (
        (a < 0)
        | (x < 0)
        | ((a == 0) & (x == 0))
        | xp.isnan(a)
        | xp.isnan(x)
        | ((a == xp.inf) & (x == xp.inf))
    )
    full = xp.full_like(x, 0.0 if upper else 1.0)
    empty = xp.full_like(x, 1.0 if upper else 0.0)
    out = xp.where(p_one, full, xp.where(p_zero, empty, out))
    return xp.where(nan, xp.full_like(x, math.nan), out)


class IncompleteGamma(Function):
    """P(a, x) (or Q with ``upper``); ∂P/∂x = x^(a−1) e^(−x)/Γ(a) = −∂Q/∂x. PyTorch has no derivative
    in a: asking for it is its NotImplementedError."""

    def forward(self, a: Any, x: Any, upper: bool) -> Any:
        self.upper = upper
        xp = self.xp
        value = _incomplete_gamma_array(
            self.backend, xp.astype(a, xp.float64), xp.astype(x, xp.float64), upper
        )
        return xp.astype(value, x.dtype)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        name = "igammac" if self.upper else "igamma"
        if self.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        a, x = self.inputs
        density = ((a - 1) * x.log() - x - gammaln(a)).exp()
        return None, grad * (-density if self.upper else density)


def _incomplete_gamma(input: Any, other: Any, upper: bool, name: str) -> Tensor:
    a = _tensor(input, name)
    if isinstance(other, Tensor):
        x = other
    else:  # a number: a's float dtype, or the default one for a float beside integers (2.5 stays 2.5)
        dtype = a.dtype if a.dtype.kind == "f" else None
        if dtype is None and isinstance(other, (float, np.floating)):
            dtype = get_default_dtype()
        x = a.new_full((), other, dtype=dtype)
    if a.dtype.kind != "f" and x.dtype.kind != "f":
        from .tensor_spellings import UnsupportedDtypeError

        raise UnsupportedDtypeError(
            f'"{name}" is not implemented for {a.dtype} and {x.dtype}: it needs floats'
        )
    a = a if a.dtype.kind == "f" else a.astype(x.dtype)
    x = x if x.dtype.kind == "f" else x.astype(a.dtype)
    if a.dtype != x.dtype:
        raise TypeError(
            f"{name}: dtype mismatch {a.dtype} vs {x.dtype}; tensors are never upcast silently, convert one "
            "with .astype() (or .float() / .double())"
        )
    shape = tuple(np.broadcast_shapes(a.shape, x.shape))
    return IncompleteGamma.apply(a.expand(*shape), x.expand(*shape), upper=upper)


def gammainc(input: Tensor, other: Tensor) -> Tensor:
    """The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), a = ``input``
    (``torch.special.gammainc``, ``torch.igamma``); differentiable in x."""
    return _incomplete_gamma(input, other, False, "gammainc")


def gammaincc(input: Tensor, other: Tensor) -> Tensor:
    """The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x)
    (``torch.special.gammaincc``, ``torch.igammac``); differentiable in x."""
    return _incomplete_gamma(input, other, True, "gammaincc")
