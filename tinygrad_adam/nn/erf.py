"""The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt and erfc(x) = 1 - erf(x), differentiable, from
Array-API operations only.

The Array API has no ``erf``, and exact GELU needs one (as x/2 erfc(-x/√2), exact in the tails).
This is W. J. Cody's CALERF (Netlib SPECFUN): rational Chebyshev approximations on three intervals
of |x|, good to about 1e-15 relative in float64 (erf and erfc both).
W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631-638.
"""

from __future__ import annotations

import math
from typing import Any

from ..autograd import Function
from ..tensor import Tensor

TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
ONE_OVER_SQRT_PI = 5.6418958354775628695e-1

# erf(x) = x P(x²)/Q(x²) for |x| <= 0.46875
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)  # fmt: skip
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
# erfc(y) = e^(-y²) P(y)/Q(y) for 0.46875 < y <= 4
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)  # fmt: skip
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
      1.23033935480374942e03)  # fmt: skip
# erfc(y) = e^(-y²)/y (1/√π - P(1/y²)/(y² Q(1/y²))) for y > 4
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)  # fmt: skip
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)  # fmt: skip

SMALL, LARGE = 0.46875, 4.0


def _cody(backend: Any, x: Any, beyond_four: bool) -> tuple[Any, Any, Any]:
    """(|x|, erf(x) for |x| <= 0.46875, erfc(|x|) for |x| > 0.46875), each valid on its interval.

    The intervals are evaluated for every element (inputs clipped into each interval, so no
    overflow or division by zero happens) and the callers pick per element with ``where``; the
    third, a third of the work, only when some |x| > 4 (``beyond_four``).
    """
    xp = backend.xp
    y = xp.abs(x)

    # |x| <= 0.46875: erf directly (an odd rational function, so the sign comes with x).
    small = xp.clip(x, -SMALL, SMALL)
    ysq = small * small
    num, den = _A[4] * ysq, ysq
    for i in range(3):
        num, den = (num + _A[i]) * ysq, (den + _B[i]) * ysq
    erf_small = small * (num + _A[3]) / (den + _B[3])

    # 0.46875 < |x| <= 4: erfc as e^(-y²) times a rational function of y.
    mid = xp.clip(y, SMALL, LARGE)
    num, den = _C[8] * mid, mid
    for i in range(7):
        num, den = (num + _C[i]) * mid, (den + _D[i]) * mid
    erfc_mid = _times_exp_minus_square(xp, mid, (num + _C[7]) / (den + _D[7]))
    if not beyond_four:
        return y, erf_small, erfc_mid

    # |x| > 4: the asymptotic form in 1/y². Past y = 30, e^(-y²) is below every float's range, so
    # capping y there changes nothing but keeps y² finite for huge and infinite x.
    large = xp.clip(y, LARGE, 30.0)
    inv_sq = 1 / (large * large)
    num, den = _P[5] * inv_sq, inv_sq
    for i in range(4):
        num, den = (num + _P[i]) * inv_sq, (den + _Q[i]) * inv_sq
    ratio = (ONE_OVER_SQRT_PI - inv_sq * (num + _P[4]) / (den + _Q[4])) / large
    erfc_large = _times_exp_minus_square(xp, large, ratio)

    return y, erf_small, backend.where(y <= LARGE, erfc_mid, erfc_large)


def _times_exp_minus_square(xp: Any, y: Any, value: Any) -> Any:
    """value · e^(-y²), with y² split as ȳ² + (y-ȳ)(y+ȳ), ȳ = ⌊16y⌋/16, so the exponent loses no bits."""
    rounded = xp.floor(y * 16) / 16
    delta = (y - rounded) * (y + rounded)
    return xp.exp(-rounded * rounded) * xp.exp(-delta) * value


def beyond_four(backend: Any, x: Any) -> bool:
    """Whether any |x| > 4 (or is infinite), read on the host: is Cody's third interval needed?"""
    xp = backend.xp
    return bool(backend.to_numpy(xp.any(xp.abs(x) > LARGE)))


def erf_array(backend: Any, x: Any, beyond_four: bool = True) -> Any:
    """erf of an array of ``backend`` (``beyond_four=False`` promises that no |x| exceeds 4)."""
    y, erf_small, erfc_abs = _cody(backend, x, beyond_four)
    erf_abs = (0.5 - erfc_abs) + 0.5
    return backend.where(y <= SMALL, erf_small, backend.where(x < 0, -erf_abs, erf_abs))


def erfc_array(backend: Any, x: Any, beyond_four: bool = True) -> Any:
    """erfc(x) = 1 - erf(x) of a device array, accurate where it is tiny (large positive x);
    ``beyond_four`` as in ``erf_array``."""
    y, erf_small, erfc_abs = _cody(backend, x, beyond_four)
    return backend.where(y <= SMALL, 1 - erf_small, backend.where(x < 0, 2 - erfc_abs, erfc_abs))


class Erf(Function):
    """erf(x); d/dx erf(x) = 2/√π e^(-x²)."""

    def forward(self, a: Any) -> Any:
        return erf_array(self.backend, a, beyond_four(self.backend, a))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        return (grad * (-(x * x)).exp() * TWO_OVER_SQRT_PI,)


class Erfc(Function):
    """erfc(x) = 1 - erf(x); d/dx erfc(x) = -2/√π e^(-x²)."""

    def forward(self, a: Any) -> Any:
        return erfc_array(self.backend, a, beyond_four(self.backend, a))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        return (grad * (-(x * x)).exp() * -TWO_OVER_SQRT_PI,)


def _check_float(x: Tensor, name: str) -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{name} needs a floating-point tensor, got {x.dtype}")


def erf(x: Tensor) -> Tensor:
    """The error function, elementwise (floating-point tensors)."""
    _check_float(x, "erf")
    return Erf.apply(x)


def erfc(x: Tensor) -> Tensor:
    """The complementary error function 1 - erf(x), without cancellation where it is tiny."""
    _check_float(x, "erfc")
    return Erfc.apply(x)
