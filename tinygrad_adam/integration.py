"""Integrals of sampled functions by the trapezoidal rule, under PyTorch's names: ``trapezoid``
(alias ``trapz``) and ``cumulative_trapezoid``.

Between samples yₖ and yₖ₊₁ spaced Δxₖ apart the area is Δxₖ (yₖ + yₖ₊₁) / 2; ``trapezoid`` sums
these along ``dim``, ``cumulative_trapezoid`` keeps the running sums. The spacing is ``dx`` (1 by
default), or the differences of the sample points ``x``. Differentiable in ``y`` and ``x``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import ShapeError, Tensor, _axis_index, tensor


def _areas(y: Any, x: Any, dx: Any, dim: int, op: str) -> tuple[Tensor, int]:
    """Each trapezoid's area along ``dim`` (one fewer than the samples), and that axis."""
    y = y if isinstance(y, Tensor) else tensor(y)
    if x is not None and dx is not None:
        raise TypeError(f"{op}(): pass the sample points x or the spacing dx, not both")
    if x is not None and not isinstance(x, (Tensor, list, tuple)):
        raise TypeError(
            f"{op}(): x must be a Tensor of sample points, got {type(x).__name__}: give a spacing as dx="
        )
    if y.ndim == 0:
        raise IndexError(f"{op}(): dim {dim} is out of range for a 0-d tensor")
    if y.dtype == np.bool_:
        raise RuntimeError(f"{op}: received a bool input for `y`, but bool is not supported")
    axis = _axis_index(dim, y.ndim, op)
    n = y.shape[axis]
    before = (slice(None),) * axis
    heights = y[before + (slice(1, None),)] + y[before + (slice(0, max(n - 1, 0)),)]
    if x is None:
        spacing = 1 if dx is None else dx
        return heights * spacing / 2, axis
    x = x if isinstance(x, Tensor) else tensor(x)
    if x.ndim == 1:
        if x.shape[0] != n:
            raise ShapeError(
                f"{op}(): there must be one `x` value for each sample point, got {x.shape[0]} x values "
                f"and {n} samples along dim {dim}"
            )
        widths = (x[1:] - x[:-1]).reshape(-1, *([1] * (y.ndim - axis - 1)))
    else:
        x_axis = _axis_index(dim, x.ndim, op)
        m = x.shape[x_axis]
        widths = (
            x[(slice(None),) * x_axis + (slice(1, None),)]
            - x[(slice(None),) * x_axis + (slice(0, max(m - 1, 0)),)]
        )
    return widths * heights / 2, axis


def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """∫ y dx along ``dim`` by the trapezoidal rule (samples at ``x``, or ``dx`` apart; default 1)."""
    areas, axis = _areas(y, x, dx, dim, "trapezoid")
    return areas.sum(axis)


def trapz(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """PyTorch's older name of ``trapezoid``."""
    areas, axis = _areas(y, x, dx, dim, "trapz")
    return areas.sum(axis)


def cumulative_trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along ``dim``: one fewer entry than the samples."""
    areas, axis = _areas(y, x, dx, dim, "cumulative_trapezoid")
    return areas.cumsum(axis)
