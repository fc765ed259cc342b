"""``tg.special``: PyTorch's ``torch.special`` functions that statistics and loss code reach for,
each a composition of differentiable Tensor ops, and the log-gamma family (``gammaln``, ``digamma``,
``polygamma``) from Array-API operations."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .autograd import Function
from .functions import xlogy
from .nn.erf import erf, erfc
from .tensor import Tensor, get_default_dtype, where

__all__ = [
    "digamma", "entr", "erf", "erfc", "exp2", "expit", "expm1", "gammaln", "lgamma", "log1p", "log_softmax",
    "logit", "logsumexp", "multigammaln", "ndtr", "polygamma", "psi", "softmax", "xlog1py", "xlogy",
]  # fmt: skip


def _tensor(input: Any, name: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"special.{name}: input must be a Tensor, got {type(input).__name__}")
    return input


def expit(input: Tensor) -> Tensor:
    """The logistic sigmoid 1/(1 + e^(−x))."""
    return _tensor(input, "expit").sigmoid()


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p/(1 − p)), the inverse of expit; with ``eps`` p is first clamped to [eps, 1 − eps]."""
    p = _tensor(input, "logit")
    if eps is not None:
        p = p.clamp(eps, 1 - eps)
    return p.log() - (-p).log1p()


def entr(input: Tensor) -> Tensor:
    """−x log x elementwise: 0 at x = 0, −inf for x < 0 (as PyTorch)."""
    x = _tensor(input, "entr")
    return where(x < 0, -math.inf, -xlogy(x, x))


def xlog1py(input: Tensor, other: Any) -> Tensor:
    """x log(1 + y), 0 where x is 0."""
    x = _tensor(input, "xlog1py")
    y = other if isinstance(other, Tensor) else x.new_full((), other)
    return xlogy(x, 1 + y)


def ndtr(input: Tensor) -> Tensor:
    """Φ(x), the standard normal's cumulative distribution: erfc(−x/√2)/2, exact in the left tail."""
    return 0.5 * erfc(-_tensor(input, "ndtr") / math.sqrt(2))


def exp2(input: Tensor) -> Tensor:
    return (_tensor(input, "exp2") * float(np.log(2.0))).exp()


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
        raise NotImplementedError(
            "the derivative of polygamma(1, x) (polygamma(2, x)) is not implemented in tinygrad_adam"
        )


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
    """ψ⁽ⁿ⁾(x), the n-th derivative of ψ; n = 0 (ψ itself) and n = 1 (ψ₁, the trigamma) only."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative or non-integer n, got {n!r}")
    if n == 0:
        return digamma(input)
    if n != 1:
        raise NotImplementedError(f"polygamma(n, x) is implemented for n = 0 and 1 only, got n = {n}")
    return Trigamma.apply(_float_tensor(input, "polygamma"))


def multigammaln(input: Tensor, p: int) -> Tensor:
    """log Γₚ(a) = p(p − 1)/4 · log π + Σⱼ₌₁..ₚ log Γ(a + (1 − j)/2), the multivariate log-gamma
    (``torch.special.multigammaln``, ``torch.mvlgamma``) of the Wishart densities."""
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 1:
        raise RuntimeError(f"p has to be greater than or equal to 1, got {p!r}")
    a = _float_tensor(input, "multigammaln")
    total = gammaln(a)
    for j in range(2, p + 1):
        total = total + gammaln(a + (1 - j) / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)


mvlgamma = multigammaln
