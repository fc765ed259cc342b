"""What a distribution's parameters and values may be, as ``torch.distributions.constraints``:
each constraint's ``check(value)`` is a boolean tensor (False where ``value`` breaks it), over the
last ``event_dim`` axes taken together."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor


class Constraint:
    """A set of allowed values; ``event_dim`` axes on the right make up one value."""

    event_dim = 0
    is_discrete = False

    def check(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__.lstrip('_')}()"


class _Dependent(Constraint):
    """Depends on other parameters (checked by the distribution itself, or not at all)."""

    def check(self, value: Tensor) -> Tensor:
        raise ValueError("a dependent constraint cannot be checked on its own")


class _Real(Constraint):
    """The extended real line [-inf, inf]: anything but NaN."""

    def check(self, value: Tensor) -> Tensor:
        return value == value


class _Boolean(Constraint):
    """{0, 1}."""

    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        return (value == 0) | (value == 1)


class _Bounded(Constraint):
    """Values against a lower and/or an upper bound (numbers or tensors that broadcast with them)."""

    def __init__(self, lower_bound: Any = None, upper_bound: Any = None) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def __repr__(self) -> str:
        bounds = [
            f"{n}={b}" for n, b in (("lower_bound", self.lower_bound), ("upper_bound", self.upper_bound))
        ]
        return f"{type(self).__name__.lstrip('_')}({', '.join(b for b in bounds if not b.endswith('=None'))})"


class _GreaterThan(_Bounded):
    def check(self, value: Tensor) -> Tensor:
        return value > self.lower_bound


class _GreaterThanEq(_Bounded):
    def check(self, value: Tensor) -> Tensor:
        return value >= self.lower_bound


class _LessThan(_Bounded):
    def __init__(self, upper_bound: Any) -> None:
        super().__init__(None, upper_bound)

    def check(self, value: Tensor) -> Tensor:
        return value < self.upper_bound


class _Interval(_Bounded):
    """[lower_bound, upper_bound]."""

    def check(self, value: Tensor) -> Tensor:
        return (value >= self.lower_bound) & (value <= self.upper_bound)


class _HalfOpenInterval(_Bounded):
    """[lower_bound, upper_bound)."""

    def check(self, value: Tensor) -> Tensor:
        return (value >= self.lower_bound) & (value < self.upper_bound)


class _IntegerInterval(_Bounded):
    """The integers in [lower_bound, upper_bound]."""

    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (value >= self.lower_bound) & (value <= self.upper_bound)


class _IntegerGreaterThan(_Bounded):
    """The integers ≥ lower_bound (counts, for lower_bound 0)."""

    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (value >= self.lower_bound)


class _Simplex(Constraint):
    """Non-negative entries along the last axis that sum to 1 (to within 1e-6, as PyTorch)."""

    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _IndependentConstraint(Constraint):
    """``base`` on each entry, with the last ``reinterpreted_batch_ndims`` axes taken as one value."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int) -> None:
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        self.event_dim = base_constraint.event_dim + reinterpreted_batch_ndims
        self.is_discrete = base_constraint.is_discrete

    def check(self, value: Tensor) -> Tensor:
        result = self.base_constraint.check(value)
        for _ in range(self.reinterpreted_batch_ndims):
            result = result.all(-1)
        return result

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class _LowerCholesky(Constraint):
    """Lower-triangular square matrices with a positive diagonal."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        from ..functions import eye

        n = value.shape[-1]
        lower = (value.tril() == value).all(-1).all(-1)
        diagonal = (value * eye(n, dtype=value.dtype, device=value.device)).sum(-1)
        return lower & (diagonal > 0).all(-1)


class _CorrCholesky(Constraint):
    """Cholesky factors of correlation matrices: lower triangular, positive diagonal, and rows of
    unit length (to within 10·n machine epsilons, as PyTorch)."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        import numpy as np

        tolerance = float(np.finfo(value.dtype).eps) * value.shape[-1] * 10
        row_norm = value.detach().pow(2).sum(-1).sqrt()
        return _LowerCholesky().check(value) & ((row_norm - 1).abs() <= tolerance).all(-1)


class _Multinomial(Constraint):
    """Counts: non-negative entries along the last axis summing to at most ``upper_bound`` (PyTorch's
    weaker form of "summing to it")."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(-1) & (value.sum(-1) <= self.upper_bound)


class _PositiveDefinite(Constraint):
    """Symmetric positive-definite square matrices (those with a Cholesky factorisation)."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        from .multivariate_normal import is_positive_definite

        return is_positive_definite(value)


dependent = _Dependent()
real = _Real()
boolean = _Boolean()
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
nonnegative_integer = _IntegerGreaterThan(0)
simplex = _Simplex()
real_vector = _IndependentConstraint(real, 1)
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
corr_cholesky = _CorrCholesky()
multinomial = _Multinomial
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
interval = _Interval
half_open_interval = _HalfOpenInterval
integer_interval = _IntegerInterval
integer_greater_than = _IntegerGreaterThan
independent = _IndependentConstraint


def is_dependent(constraint: Any) -> bool:
    return isinstance(constraint, _Dependent)
