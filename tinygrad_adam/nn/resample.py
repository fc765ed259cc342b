"""Changing the extent of the last axes, as PyTorch's ``F.pad`` (constant, reflect, replicate and
circular padding, negative amounts crop) and ``F.interpolate`` (nearest, nearest-exact, linear,
bilinear, bicubic, trilinear and area resizing), with the modules ``nn.Upsample`` (and the older
``UpsamplingNearest2d``, ``UpsamplingBilinear2d``), ``ZeroPad1d/2d/3d``, ``ConstantPad1d/2d/3d``,
``ReflectionPad1d/2d/3d``, ``ReplicationPad1d/2d/3d`` and ``CircularPad1d/2d/3d``.

Every non-constant mode is one gather per axis: the output's positions are mapped to source
positions (reflected, clamped or wrapped for padding, scaled for resizing) and read with
``index_select``, whose gradient adds back into the repeated sources. Linear modes blend the two
neighbouring sources along each axis in turn (separable), as PyTorch computes them; bicubic blends
four with Keys' cubic convolution weights, area averages each output's bin of sources.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import InvalidArgumentError, Tensor, cat, full, tensor
from .conv import _adaptive_bins, adaptive_avg_pool1d, adaptive_avg_pool2d
from .functional import ValueOutOfRangeError
from .grid_sample import cubic_weights
from .module import Module

PAD_MODES = ("constant", "reflect", "replicate", "circular")
INTERPOLATION_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
BLENDING_MODES = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}  # and their spatial axes


class InterpolationDimensionError(NotImplementedError, ValueError):
    """An input with the wrong number of axes for a resizing mode: PyTorch raises NotImplementedError."""


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """``input`` padded as ``torch.nn.functional.pad``: ``pad`` lists (before, after) amounts for the
    last axis first, then the one before it, ...; a negative amount crops. ``value`` fills the
    constant mode (default 0); ``reflect`` mirrors without repeating the edge, ``replicate`` repeats
    it, ``circular`` wraps around."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pad: the input must be a Tensor, got {type(input).__name__}")
    amounts = list(pad) if isinstance(pad, (tuple, list)) else None
    if amounts is None or any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) for a in amounts):
        raise TypeError(f"pad: pad must be a tuple of ints, got {pad!r}")
    if len(amounts) % 2 or len(amounts) // 2 > input.ndim:
        raise InvalidArgumentError(
            f"pad: pad needs an even number of ints, at most 2 per dimension of the {input.ndim}-d input, "
            f"got {len(amounts)}"
        )
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {PAD_MODES}, got {mode!r}")
    if mode != "constant" and value not in (None, 0, 0.0):
        raise ValueError(f"pad: value is only for mode='constant', got value={value!r} with mode={mode!r}")
    for position in range(len(amounts) // 2):
        axis = input.ndim - 1 - position
        before, after = int(amounts[2 * position]), int(amounts[2 * position + 1])
        if mode == "constant":
            input = _pad_constant(input, axis, before, after, 0.0 if value is None else value)
        else:
            input = input.index_select(axis, _pad_index(input, axis, before, after, mode))
    return input


def _pad_constant(input: Tensor, axis: int, before: int, after: int, value: float) -> Tensor:
    size = input.shape[axis]
    start, stop = max(-before, 0), size - max(-after, 0)
    if start > stop:
        raise ValueOutOfRangeError(  # PyTorch's RuntimeError
            f"pad: cropping {-before} and {-after} from axis {axis} of size {size} leaves nothing"
        )
    if start or stop != size:  # negative amounts crop
        input = input[(slice(None),) * axis + (slice(start, stop),)]
    pieces = []
    for amount in (before, after):
        shape = (*input.shape[:axis], max(amount, 0), *input.shape[axis + 1 :])
        pieces.append(full(shape, value, dtype=input.dtype, device=input.device) if amount > 0 else None)
    parts = [part for part in (pieces[0], input, pieces[1]) if part is not None]
    return cat(parts, axis) if len(parts) > 1 else input


def _pad_index(input: Tensor, axis: int, before: int, after: int, mode: str) -> Tensor:
    """Source positions along ``axis`` for each padded position (negative amounts crop)."""
    size = input.shape[axis]
    positions = np.arange(-before, size + after)
    if positions.size <= 0:
        raise ValueOutOfRangeError(  # PyTorch's RuntimeError
            f"pad: cropping {-before} and {-after} from axis {axis} of size {size} leaves nothing"
        )
    if mode == "reflect":
        if max(before, after) >= size:
            raise ValueOutOfRangeError(  # PyTorch's RuntimeError
                f"pad: reflect padding ({before}, {after}) must be less than the size {size} of axis {axis}"
            )
        period = 2 * (size - 1)
        positions = np.abs(positions) % period if period else np.zeros_like(positions)
        positions = np.where(positions >= size, period - positions, positions)
    elif mode == "replicate":
        if size == 0:
            raise ValueError(f"pad: replicate padding needs a non-empty axis {axis}")
        positions = np.clip(positions, 0, size - 1)
    else:  # circular
        if max(before, after) > size:
            raise ValueError(
                f"pad: circular padding ({before}, {after}) must not exceed the size {size} of axis {axis}"
            )
        positions = positions % size
    return tensor(positions.astype(np.int64), device=input.device)


def interpolate(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial axes of an (N, C, *spatial) input as ``torch.nn.functional.interpolate``:
    to ``size`` or by ``scale_factor``; ``nearest`` picks ⌊i·in/out⌋ (``nearest-exact`` rounds to
    the nearest centre), the linear modes blend the two nearest sources, ``bicubic`` the four
    nearest (``align_corners`` maps the corner pixels onto each other), ``area`` averages (adaptive
    average pooling). ``antialias`` (bilinear, bicubic) widens the filter by the shrink factor
    when downsampling, as PIL does, so every source counts."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: the input must be a Tensor, got {type(input).__name__}")
    if mode not in INTERPOLATION_MODES:
        raise NotImplementedError(
            f"interpolate: mode {mode!r} is not built; choose one of {INTERPOLATION_MODES}"
        )
    if antialias and (mode not in ("bilinear", "bicubic") or input.ndim != 4):
        raise ValueError(
            "interpolate: antialias is only for the bilinear and bicubic modes, with a 4-d input"
        )
    spatial = input.ndim - 2
    wanted = BLENDING_MODES.get(mode)
    if spatial not in (1, 2, 3) or (wanted is not None and spatial != wanted):
        expected = f"{wanted + 2}-d" if wanted is not None else "3-d, 4-d or 5-d"
        raise InterpolationDimensionError(
            f"interpolate: mode {mode!r} needs a {expected} (N, C, *spatial) input, got shape {input.shape}"
        )
    if align_corners is not None and wanted is None:
        raise ValueError(f"interpolate: align_corners is only for the linear and bicubic modes, not {mode!r}")
    if mode not in ("nearest", "nearest-exact") and input.dtype.kind != "f":
        raise NotImplementedError(
            f"interpolate: mode {mode!r} needs a floating-point input, got {input.dtype}"
        )
    if size is not None and recompute_scale_factor:
        raise ValueError("interpolate: recompute_scale_factor is not meaningful with an explicit size")
    sizes, scales = _output_sizes(input.shape[2:], size, scale_factor, recompute_scale_factor)
    if mode == "area":
        if spatial == 1:
            return adaptive_avg_pool1d(input, sizes[0])
        if spatial == 2:
            return adaptive_avg_pool2d(input, sizes)
        for position, out_size in enumerate(sizes):
            input = _area_along(input, 2 + position, out_size)
        return input
    for position, (out_size, scale) in enumerate(zip(sizes, scales)):
        axis = 2 + position
        in_size = input.shape[axis]
        if antialias:
            input = _antialiased_along(input, axis, out_size, scale, bool(align_corners), mode)
        elif mode == "bicubic":
            input = _cubic_along(input, axis, in_size, out_size, scale, bool(align_corners))
        elif wanted is not None:
            input = _linear_along(input, axis, in_size, out_size, scale, bool(align_corners))
        else:
            # In float32, as PyTorch computes it (a float64 step can land an index on the other side).
            step = np.float32(scale if scale is not None else in_size / out_size)
            offset = np.float32(0.5 if mode == "nearest-exact" else 0.0)
            scaled = (np.arange(out_size, dtype=np.float32) + offset) * step
            source = np.minimum(np.floor(scaled), in_size - 1).astype(np.int64)
            input = input.index_select(axis, tensor(source, device=input.device))
    return input


def upsample(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """PyTorch's deprecated ``F.upsample``: ``interpolate`` (kept for old code, with its warning)."""
    warnings.warn(
        "nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.", stacklevel=2
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
) -> Tensor:
    """PyTorch's deprecated ``F.upsample_nearest``: ``interpolate(..., mode='nearest')``."""
    warnings.warn(
        "nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.", stacklevel=2
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
) -> Tensor:
    """PyTorch's deprecated ``F.upsample_bilinear``: ``interpolate(..., mode='bilinear',
    align_corners=True)``."""
    warnings.warn(
        "nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.", stacklevel=2
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _output_sizes(
    shape: tuple[int, ...], size: Any, scale_factor: Any, recompute: bool | None
) -> tuple[list[int], list[float | None]]:
    """Each spatial axis' output size, and the step (input per output) PyTorch maps it with: the
    reciprocal of a given scale factor (unless ``recompute_scale_factor``), else in / out."""
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    count = len(shape)
    if size is not None:
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * count
        if len(sizes) != count or any(
            isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in sizes
        ):
            raise ValueError(f"interpolate: size must be an int or {count} of them, got {size!r}")
        if any(s < 1 for s in sizes):
            raise ValueOutOfRangeError(f"interpolate: output sizes must be positive, got size {size!r}")
        return [int(s) for s in sizes], [None] * count
    factors = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * count
    if len(factors) != count or any(isinstance(f, bool) or not isinstance(f, (int, float)) for f in factors):
        raise ValueError(
            f"interpolate: scale_factor must be a number or {count} of them, got {scale_factor!r}"
        )
    sizes = [int(math.floor(n * f)) for n, f in zip(shape, factors)]
    if any(s < 1 for s in sizes):
        raise ValueOutOfRangeError(
            f"interpolate: scale_factor {scale_factor!r} leaves an empty axis of input {shape}"
        )
    return sizes, [None if recompute else 1.0 / f for f in factors]


def _linear_along(
    input: Tensor, axis: int, in_size: int, out_size: int, step: float | None, align: bool
) -> Tensor:
    """Linear interpolation along one axis: each output blends its two nearest sources."""
    real = input.dtype.type  # source positions and weights in the input's precision, as PyTorch
    positions = np.arange(out_size, dtype=input.dtype)
    if align:
        ratio = real((in_size - 1) / (out_size - 1)) if out_size > 1 else real(0)
        source = positions * ratio
    else:
        scale = real(step if step is not None else in_size / out_size)
        source = np.maximum((positions + real(0.5)) * scale - real(0.5), real(0))
    low = np.minimum(np.floor(source).astype(np.int64), in_size - 1)
    high = np.minimum(low + 1, in_size - 1)
    weight_high = source - low.astype(input.dtype)  # (at the last source, both neighbours are it)
    shape = [1] * input.ndim
    shape[axis] = out_size
    device = input.device
    below = input.index_select(axis, tensor(low, device=device))
    above = input.index_select(axis, tensor(high, device=device))
    weight_low = tensor((real(1) - weight_high).reshape(shape), device=device)
    return below * weight_low + above * tensor(weight_high.reshape(shape), device=device)


def _cubic_along(
    input: Tensor, axis: int, in_size: int, out_size: int, step: float | None, align: bool
) -> Tensor:
    """Bicubic interpolation along one axis: each output blends the 4 sources at ⌊x⌋ - 1 … ⌊x⌋ + 2
    (clamped to the axis) with Keys' weights of t = x - ⌊x⌋ (PyTorch's ``upsample_bicubic2d``)."""
    real = input.dtype.type
    positions = np.arange(out_size, dtype=input.dtype)
    if align:
        source = positions * (real((in_size - 1) / (out_size - 1)) if out_size > 1 else real(0))
    else:  # not clamped at 0, unlike the linear modes: the cubic reaches one source further out
        source = (positions + real(0.5)) * real(step if step is not None else in_size / out_size) - real(0.5)
    low = np.minimum(np.floor(source).astype(np.int64), in_size - 1)
    t = np.clip(source - low.astype(input.dtype), real(0), real(1))
    weights = cubic_weights(t)
    shape = [1] * input.ndim
    shape[axis] = out_size
    total = None
    for offset, weight in zip(range(-1, 3), weights):
        source_index = tensor(np.clip(low + offset, 0, in_size - 1), device=input.device)
        term = input.index_select(axis, source_index) * tensor(weight.reshape(shape), device=input.device)
        total = term if total is None else total + term
    return total


def _area_along(input: Tensor, axis: int, out_size: int) -> Tensor:
    """The mean of each output's adaptive-pooling bin along one axis (PyTorch's ``area`` mode)."""
    in_size = input.shape[axis]
    averaging = np.zeros((in_size, out_size))
    for column, (start, end) in enumerate(_adaptive_bins(in_size, out_size)):
        averaging[start:end, column] = 1 / (end - start)
    return _mixed_along(input, axis, averaging)


def _antialiased_along(
    input: Tensor, axis: int, out_size: int, step: float | None, align: bool, mode: str
) -> Tensor:
    """PyTorch's antialiased resize along one axis (``_upsample_bilinear2d_aa`` and the bicubic
    one): output i weighs the sources j near its centre c = s·(i + ½) by filter((j + ½ - c) / s),
    normalised to sum 1, with the filter (triangle, or cubic with a = -½) stretched by the shrink
    factor s = in / out when s > 1."""
    in_size = input.shape[axis]
    if align:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    else:
        scale = step if step is not None else in_size / out_size
    reach = 1.0 if mode == "bilinear" else 2.0  # the filter's half width
    support = reach * scale if scale >= 1 else reach
    stretch = 1 / scale if scale >= 1 else 1.0
    mixing = np.zeros((in_size, out_size))
    for column in range(out_size):
        centre = scale * (column + 0.5)
        first = max(int(centre - support + 0.5), 0)
        last = min(int(centre + support + 0.5), in_size)
        distance = np.abs((np.arange(first, last) - centre + 0.5) * stretch)
        if mode == "bilinear":
            weights = np.maximum(1 - distance, 0)
        else:
            # Keys' kernel W(d) on its two pieces: d < 1 (weight of offset 0 at t = d) and
            # 1 ≤ d < 2 (weight of offset -1 at t = d - 1).
            near, far = cubic_weights(distance, a=-0.5)[1], cubic_weights(distance - 1, a=-0.5)[0]
            weights = np.where(distance < 1, near, np.where(distance < 2, far, 0))
        total = weights.sum()
        mixing[first:last, column] = weights / total if total != 0 else weights
    return _mixed_along(input, axis, mixing)


def _mixed_along(input: Tensor, axis: int, mixing: np.ndarray) -> Tensor:
    """``input`` with its ``axis`` (of size in) mapped by the (in, out) matrix ``mixing``."""
    matrix = tensor(mixing.astype(input.dtype), device=input.device)
    return (input.transpose(axis, -1) @ matrix).transpose(axis, -1)


class Upsample(Module):
    """``torch.nn.Upsample``: ``F.interpolate`` with fixed ``size`` or ``scale_factor`` and mode."""

    def __init__(
        self,
        size: int | Sequence[int] | None = None,
        scale_factor: float | Sequence[float] | None = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        if isinstance(scale_factor, (tuple, list)):  # stored as floats, as PyTorch (its repr shows them)
            scale_factor = tuple(float(factor) for factor in scale_factor)
        elif scale_factor is not None:
            scale_factor = float(scale_factor)
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(
            input, self.size, self.scale_factor, self.mode, self.align_corners, self.recompute_scale_factor
        )

    def extra_repr(self) -> str:
        described = f"size={self.size}" if self.size is not None else f"scale_factor={self.scale_factor}"
        return f"{described}, mode='{self.mode}'"


class UpsamplingNearest2d(Upsample):
    """``torch.nn.UpsamplingNearest2d`` (deprecated there, kept for old code): nearest-neighbour
    ``Upsample`` of (N, C, H, W) images."""

    def __init__(
        self, size: int | Sequence[int] | None = None, scale_factor: float | Sequence[float] | None = None
    ) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``torch.nn.UpsamplingBilinear2d`` (deprecated there, kept for old code): bilinear ``Upsample``
    with ``align_corners=True``, the corners' pixels kept in place."""

    def __init__(
        self, size: int | Sequence[int] | None = None, scale_factor: float | Sequence[float] | None = None
    ) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class _Pad(Module):
    """A fixed ``F.pad`` over the last ``dims`` axes: one int pads every side, or one per side."""

    mode = "constant"
    dims = 2

    def __init__(self, padding: int | Sequence[int], value: float = 0.0) -> None:
        super().__init__()
        sides = 2 * self.dims
        amounts = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * sides
        if len(amounts) != sides:
            raise ValueError(
                f"{type(self).__name__}: padding must be an int or {sides} ints, got {padding!r}"
            )
        self.padding, self.value = amounts, value

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, self.mode, self.value if self.mode == "constant" else None)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_Pad):
    """Padding with a given ``value`` (PyTorch's repr names both arguments)."""

    def __init__(self, padding: int | Sequence[int], value: float) -> None:
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPad):
    dims = 1


class ConstantPad2d(_ConstantPad):
    pass


class ConstantPad3d(_ConstantPad):
    dims = 3


class ZeroPad1d(_Pad):
    dims = 1


class ZeroPad2d(_Pad):
    pass


class ZeroPad3d(_Pad):
    dims = 3


class ReflectionPad1d(_Pad):
    mode, dims = "reflect", 1


class ReflectionPad2d(_Pad):
    mode = "reflect"


class ReflectionPad3d(_Pad):
    mode, dims = "reflect", 3


class ReplicationPad1d(_Pad):
    mode, dims = "replicate", 1


class ReplicationPad2d(_Pad):
    mode = "replicate"


class ReplicationPad3d(_Pad):
    mode, dims = "replicate", 3


class CircularPad1d(_Pad):
    mode, dims = "circular", 1


class CircularPad2d(_Pad):
    mode = "circular"


class CircularPad3d(_Pad):
    mode, dims = "circular", 3
