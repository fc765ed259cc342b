"""Statistics of samples, under PyTorch's names: ``cov``, ``corrcoef`` (differentiable) and
``histogram`` (counts, no gradient).

``cov`` follows ``torch.cov``: variables in rows, observations in columns, frequency weights
``fweights`` (integer repeat counts) and importance weights ``aweights``, and ``correction``
(1: Bessel's correction) in the normaliser, as NumPy's ``np.cov`` with ``ddof``.
"""

from __future__ import annotations

import builtins
import math
import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .functions import _as_tensor_input
from .tensor import (
    InvalidArgumentError,
    ShapeError,
    Tensor,
    _is_float,
    _same_device,
    get_default_dtype,
)
from .tensor_spellings import UnsupportedDtypeError


def _observation_weights(weights: Any, name: str, observations: int, like: Tensor, integral: bool) -> Tensor:
    if not isinstance(weights, Tensor):
        raise TypeError(f"cov(): {name} must be a Tensor, got {type(weights).__name__}")
    _same_device(like, weights, "cov")
    if weights.ndim > 1:
        raise RuntimeError(
            f"cov(): expected {name} to have one or fewer dimensions but got {weights.ndim} dimensions"
        )
    if weights.size != observations:
        raise RuntimeError(
            f"cov(): expected {name} to have the same numel as there are observations in the input but got "
            f"{weights.size} != {observations}"
        )
    if integral and weights.dtype.kind not in "iu":
        raise RuntimeError(
            f"cov(): expected fweights to have integral dtype but got fweights with {weights.dtype} dtype"
        )
    if not integral and not _is_float(weights.dtype):
        raise RuntimeError(
            "cov(): expected aweights to have floating point dtype but got aweights with "
            f"{weights.dtype} dtype"
        )
    if weights.size and weights.min().item() < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")
    return weights.reshape(-1)


def cov(
    input: Any, *, correction: int = 1, fweights: Tensor | None = None, aweights: Tensor | None = None
) -> Tensor:
    """The covariance matrix of the variables in ``input``'s rows (a 1-D input is one variable: a 0-d
    result). With weights w = fweights · aweights, the mean is Σ w x / Σ w and the normaliser
    Σ w − correction · Σ (w · aweights) / Σ w (n − correction without weights), as ``torch.cov``."""
    x = _as_tensor_input(input)
    if x.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an input with {x.ndim} dimensions"
        )
    if isinstance(correction, bool) or not isinstance(correction, (int, np.integer)):
        raise TypeError(f"cov(): argument 'correction' must be an int, got {correction!r}")
    if x.dtype == np.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if not _is_float(x.dtype):
        x = x.astype(get_default_dtype())
    variables = x.reshape(1, -1) if x.ndim < 2 else x
    observations = variables.shape[1]
    weights = None
    if fweights is not None:
        weights = _observation_weights(fweights, "fweights", observations, x, integral=True).astype(x.dtype)
    if aweights is not None:
        importance = _observation_weights(aweights, "aweights", observations, x, integral=False).astype(
            x.dtype
        )
        weights = importance if weights is None else weights * importance
    if weights is None:
        mean = variables.mean(1, keepdim=True)
        normaliser = float(observations - correction)
    else:
        total = weights.sum()
        if total.item() == 0:
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
        mean = (variables * weights).sum(1, keepdim=True) / total
        if correction == 0:
            normaliser = total
        elif aweights is None:
            normaliser = total - correction
        else:
            normaliser = total - correction * (weights * importance).sum() / total
    if (normaliser.item() if isinstance(normaliser, Tensor) else normaliser) <= 0:
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
            "observations.",
            stacklevel=2,
        )
        normaliser = normaliser * 0 if isinstance(normaliser, Tensor) else 0.0
    centred = variables - mean
    weighted = centred if weights is None else centred * weights
    covariance = (weighted @ centred.T) / normaliser
    return covariance.reshape(()) if covariance.shape == (1, 1) else covariance  # one variable: 0-d


def corrcoef(input: Any) -> Tensor:
    """Pearson's correlation coefficients of the variables in ``input``'s rows: cov / (σᵢ σⱼ),
    clipped to [-1, 1] (a 1-D input gives 1, or nan for a constant), as ``torch.corrcoef``."""
    covariance = cov(input)
    if covariance.ndim == 0:
        return covariance / covariance
    deviation = covariance.diagonal().sqrt()
    correlation = covariance / deviation.unsqueeze(1) / deviation.unsqueeze(0)
    return correlation.clamp(-1, 1)


class HistogramResult(NamedTuple):
    """``histogram``'s result: the bin counts (or densities) and the bin edges."""

    hist: Tensor
    bin_edges: Tensor


class HistogramddResult(NamedTuple):
    """``histogramdd``'s result: the counts (or densities) on the grid and each dimension's bin edges."""

    hist: Tensor
    bin_edges: tuple[Tensor, ...]


def _bin_edges(values: Tensor, bins: Any, span: Sequence[float] | None, dim: int, op: str) -> Tensor:
    """The edges of one dimension's bins: the given 1-D tensor, or ``bins + 1`` equal steps over ``span``
    (the data's range by default; a point widened by 0.5 each way)."""
    if isinstance(bins, Tensor):
        if bins.ndim != 1 or bins.size < 2:
            raise RuntimeError(
                f"torch.{op}(): bins must be a 1-D tensor of at least 2 edges, got shape {bins.shape}"
            )
        if bins.dtype != values.dtype:
            raise RuntimeError(
                f"torch.{op}: input tensor and bins tensors should have the same dtype, got "
                f"{values.dtype} and {bins.dtype}"
            )
        _same_device(values, bins, op)
        edges = bins.detach()
        if (edges[1:] < edges[:-1]).any().item():
            raise RuntimeError(f"torch.{op}: bin edges must be non-decreasing")
        return edges
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'bins' must be an int or a Tensor, got {bins!r}")
    if bins <= 0:
        raise RuntimeError(f"torch.{op}(): bins must be > 0, but got {bins} for dimension {dim}")
    if span is not None:
        low, high = (float(v) for v in span)
        if low > high:
            raise RuntimeError(
                f"torch.histogramdd: min should not exceed max, but got min {low:g} max {high:g} "
                f"for dimension {dim}"
            )
    elif values.size:
        low, high = values.min().item(), values.max().item()
    else:
        low, high = 0.0, 1.0
    if not (np.isfinite(low) and np.isfinite(high)):
        raise InvalidArgumentError(f"torch.{op}: range of [{low}, {high}] is not finite")
    if low == high:
        low, high = low - 0.5, high + 0.5
    from .functions import linspace

    return linspace(low, high, int(bins) + 1, dtype=values.dtype, device=values.device)


def _bin_positions(values: Tensor, edges: Tensor) -> tuple[Any, Any]:
    """Each value's bin (a device int64 array; [left, right), the last bin closed) and whether it
    falls inside the edges at all."""
    xp = values._backend.xp
    inside = (values._data >= edges._data[0]) & (values._data <= edges._data[-1])
    position = xp.searchsorted(edges._data, values._data, side="right") - 1
    position = xp.clip(xp.where(inside, position, 0), 0, edges.shape[0] - 2)
    return xp.astype(position, xp.int64), inside


def _weights(weight: Any, shape: tuple[int, ...], like: Tensor, op: str) -> Tensor | None:
    if weight is None:
        return None
    if not isinstance(weight, Tensor) or weight.shape != shape:
        raise ShapeError(
            f"{op}: weight must be a tensor of shape {shape}, got {getattr(weight, 'shape', weight)}"
        )
    if weight.dtype != like.dtype:
        raise RuntimeError(f"{op}: weight must have the input's dtype {like.dtype}, got {weight.dtype}")
    _same_device(like, weight, op)
    return weight.detach()


def histogram(
    input: Any,
    bins: int | Tensor = 100,
    *,
    range: Sequence[float] | None = None,  # noqa: A002 (PyTorch's argument name)
    weight: Tensor | None = None,
    density: bool = False,
) -> HistogramResult:
    """Counts of ``input``'s entries in ``bins`` equal-width bins over ``range`` (the data's range by
    default; a point widened by 0.5 each way) or between the given edges (a 1-D tensor). Each bin
    holds [left, right), the last one its right edge too; entries outside are left out. ``weight``
    adds weights instead of ones; ``density`` scales to integrate to 1. No gradient, as in PyTorch."""
    x = _as_tensor_input(input)
    if not _is_float(x.dtype):
        raise UnsupportedDtypeError(f"histogram: input must be a floating-point tensor, got {x.dtype}")
    weights = _weights(weight, x.shape, x, "histogram")
    hist, (edges,) = histogramdd(
        x.reshape(-1, 1),
        [bins],
        range=range,
        weight=None if weights is None else weights.reshape(-1),
        density=density,
    )
    return HistogramResult(hist, edges)


def histogramdd(
    input: Any,
    bins: int | Sequence[int] | Sequence[Tensor] = 10,
    *,
    range: Sequence[float] | None = None,  # noqa: A002 (PyTorch's argument name)
    weight: Tensor | None = None,
    density: bool = False,
) -> HistogramddResult:
    """The histogram of points in D dimensions (``input``'s last dimension holds each point's
    coordinates): counts on a grid of bins, one set of edges per dimension (``bins`` an int for all,
    one int per dimension, or one edge tensor per dimension; ``range`` the flat (min, max) pairs).
    Bins are [left, right), the last one closed; points outside any dimension's edges are left out."""
    x = _as_tensor_input(input)
    if not _is_float(x.dtype):
        raise UnsupportedDtypeError(f"histogramdd: input must be a floating-point tensor, got {x.dtype}")
    if x.ndim < 2:
        raise RuntimeError(f"torch.histogramdd: input tensor should have at least 2 dimensions, got {x.ndim}")
    dims = x.shape[-1]
    points = x.detach().reshape(-1, dims)
    per_dim = list(bins) if isinstance(bins, (list, tuple)) else [bins] * dims
    if len(per_dim) != dims:
        raise RuntimeError(
            f"torch.histogramdd: expected {dims} sequences of bin edges or bin counts, got {len(per_dim)}"
        )
    if range is not None and len(range) != 2 * dims:
        raise RuntimeError(
            f"torch.histogramdd: expected {2 * dims} values in range (min and max of each dimension), "
            f"got {len(range)}"
        )
    weights = _weights(weight, x.shape[:-1], x, "histogramdd")
    xp, backend = x._backend.xp, x._backend
    edges, flat, inside = [], None, None
    for d, count in enumerate(per_dim):
        values = points[:, d]
        span = None if range is None else range[2 * d : 2 * d + 2]
        edges.append(_bin_edges(values, count, span, d, "histogramdd"))
        position, within = _bin_positions(values, edges[-1])
        flat = position if flat is None else flat * (edges[-1].shape[0] - 1) + position
        inside = within if inside is None else inside & within
    added = xp.astype(inside, points._data.dtype)
    if weights is not None:
        added = added * xp.reshape(weights._data, (-1,))
    shape = tuple(e.shape[0] - 1 for e in edges)
    hist = Tensor._wrap(xp.reshape(backend.index_add((math.prod(shape),), (flat,), added), shape), backend)
    if density:
        volume = None
        for d, e in enumerate(edges):
            widths = (e[1:] - e[:-1]).reshape(*[-1 if k == d else 1 for k in builtins.range(dims)])
            volume = widths if volume is None else volume * widths
        hist = hist / (hist.sum() * volume)
    return HistogramddResult(hist, tuple(edges))
