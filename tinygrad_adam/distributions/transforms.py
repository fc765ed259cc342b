"""Invertible maps between spaces of values, as ``torch.distributions.transforms``: y = T(x), its
inverse, and log |det ∂y/∂x| for the change of variables in ``TransformedDistribution``.
Each transform here keeps the shape of its input; ``event_dim`` axes on the right make one value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import constraints
from .distribution import _softplus, clamp_by_eps
from .independent import sum_rightmost


class Transform:
    """y = T(x) for a bijection T from ``domain`` to ``codomain``; ``sign`` is +1 or −1 for a
    monotone elementwise map (increasing or decreasing)."""

    bijective = True
    sign = 1
    event_dim = 0
    domain: constraints.Constraint = constraints.real
    codomain: constraints.Constraint = constraints.real

    def __call__(self, x: Tensor) -> Tensor:
        return self._call(x)

    @property
    def inv(self) -> Transform:
        """The inverse transform, x = T⁻¹(y)."""
        return _InverseTransform(self)

    def _call(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def _inverse(self, y: Tensor) -> Tensor:
        raise NotImplementedError

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """log |det ∂y/∂x| at x (with y = T(x)), summed over the transform's event axes."""
        raise NotImplementedError

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return tuple(shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return tuple(shape)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class _InverseTransform(Transform):
    """T⁻¹, with log |det ∂x/∂y| = −log |det ∂y/∂x|."""

    def __init__(self, transform: Transform) -> None:
        self._inv = transform
        self.domain, self.codomain = transform.codomain, transform.domain
        self.sign, self.event_dim = transform.sign, transform.event_dim

    @property
    def inv(self) -> Transform:
        return self._inv

    def _call(self, x: Tensor) -> Tensor:
        return self._inv._inverse(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return self._inv._call(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -self._inv.log_abs_det_jacobian(y, x)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    def __hash__(self) -> int:
        return hash(("inverse", self._inv))

    def __repr__(self) -> str:
        return f"{self._inv!r}.inv"


class ExpTransform(Transform):
    """y = eˣ; log |dy/dx| = x."""

    codomain = constraints.positive

    def _call(self, x: Tensor) -> Tensor:
        return x.exp()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.log()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return x


class AffineTransform(Transform):
    """y = loc + scale·x (numbers or tensors that broadcast with x); log |det| = Σ log |scale| over
    the ``event_dim`` rightmost axes."""

    def __init__(self, loc: Any, scale: Any, event_dim: int = 0) -> None:
        self.loc, self.scale, self.event_dim = loc, scale, event_dim
        self.domain = self.codomain = (
            constraints.independent(constraints.real, event_dim) if event_dim else constraints.real
        )

    @property
    def sign(self) -> Any:  # type: ignore[override]
        if isinstance(self.scale, Tensor):
            return self.scale.sign()
        return 1 if self.scale > 0 else -1 if self.scale < 0 else 0

    def _call(self, x: Tensor) -> Tensor:
        return self.loc + self.scale * x

    def _inverse(self, y: Tensor) -> Tensor:
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        scale = self.scale
        if isinstance(scale, Tensor):
            result = scale.abs().log()
        else:
            result = x.new_full((), math.log(abs(scale)))
        shape = np.broadcast_shapes(tuple(x.shape), tuple(result.shape))
        return sum_rightmost(result.expand(*shape), self.event_dim)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AffineTransform) or other.event_dim != self.event_dim:
            return False
        return all(
            a is b or (not isinstance(a, Tensor) and not isinstance(b, Tensor) and a == b)
            or (
                isinstance(a, Tensor) and isinstance(b, Tensor)
                and a.shape == b.shape and (a == b).all().item()
            )
            for a, b in ((self.loc, other.loc), (self.scale, other.scale))
        )  # fmt: skip

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"AffineTransform(loc={self.loc}, scale={self.scale}, event_dim={self.event_dim})"


class PowerTransform(Transform):
    """y = xᵉ on the positive reals; log |dy/dx| = log |e·y/x|."""

    domain = constraints.positive
    codomain = constraints.positive

    def __init__(self, exponent: Any) -> None:
        self.exponent = exponent

    @property
    def sign(self) -> Any:  # type: ignore[override]
        if isinstance(self.exponent, Tensor):
            return self.exponent.sign()
        return 1 if self.exponent > 0 else -1 if self.exponent < 0 else 0

    def _call(self, x: Tensor) -> Tensor:
        return x.pow(self.exponent)

    def _inverse(self, y: Tensor) -> Tensor:
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return (self.exponent * y / x).abs().log()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PowerTransform):
            return False
        a, b = self.exponent, other.exponent
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            return a is b or (a.shape == b.shape and (a == b).all().item())
        return not isinstance(a, Tensor) and not isinstance(b, Tensor) and a == b

    def __hash__(self) -> int:
        return id(self)


class AbsTransform(Transform):
    """y = |x|: not a bijection; its "inverse" picks the non-negative root."""

    bijective = False
    codomain = constraints.nonnegative

    def _call(self, x: Tensor) -> Tensor:
        return x.abs()

    def _inverse(self, y: Tensor) -> Tensor:
        return y


class SigmoidTransform(Transform):
    """y = 1/(1 + e⁻ˣ), kept one machine epsilon inside (0, 1) as PyTorch;
    log |dy/dx| = −softplus(−x) − softplus(x)."""

    codomain = constraints.unit_interval

    def _call(self, x: Tensor) -> Tensor:
        return clamp_by_eps(x.sigmoid())

    def _inverse(self, y: Tensor) -> Tensor:
        y = clamp_by_eps(y)
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -_softplus(-x) - _softplus(x)


class TanhTransform(Transform):
    """y = tanh x; log |dy/dx| = 2 (log 2 − x − softplus(−2x)), the stable form of log(1 − tanh² x)."""

    codomain = constraints.interval(-1.0, 1.0)

    def _call(self, x: Tensor) -> Tensor:
        return x.tanh()

    def _inverse(self, y: Tensor) -> Tensor:
        return 0.5 * (y.log1p() - (-y).log1p())

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return 2.0 * (math.log(2.0) - x - _softplus(-2.0 * x))


class ComposeTransform(Transform):
    """parts[-1] ∘ ... ∘ parts[0]: the first part is applied first; the log-determinants add up."""

    def __init__(self, parts: Sequence[Transform]) -> None:
        parts = list(parts)
        for part in parts:
            if not isinstance(part, Transform):
                raise TypeError(f"ComposeTransform: parts must be Transforms, got {type(part).__name__}")
        self.parts = parts
        self.event_dim = max((part.event_dim for part in parts), default=0)
        if parts:
            self.domain = (
                constraints.independent(parts[0].domain, self.event_dim - parts[0].event_dim)
                if self.event_dim > parts[0].event_dim
                else parts[0].domain
            )
            self.codomain = (
                constraints.independent(parts[-1].codomain, self.event_dim - parts[-1].event_dim)
                if self.event_dim > parts[-1].event_dim
                else parts[-1].codomain
            )

    @property
    def sign(self) -> Any:  # type: ignore[override]
        sign = 1
        for part in self.parts:
            sign = sign * part.sign
        return sign

    @property
    def inv(self) -> Transform:
        return ComposeTransform([part.inv for part in reversed(self.parts)])

    def _call(self, x: Tensor) -> Tensor:
        for part in self.parts:
            x = part(x)
        return x

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        if not self.parts:
            return x.new_zeros(x.shape[: x.ndim - self.event_dim])
        total = None
        for part in self.parts:
            step = part(x)
            term = sum_rightmost(part.log_abs_det_jacobian(x, step), self.event_dim - part.event_dim)
            total = term if total is None else total + term
            x = step
        return total

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ComposeTransform) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(tuple(self.parts))

    def __repr__(self) -> str:
        return f"ComposeTransform({self.parts!r})"
