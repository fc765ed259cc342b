"""Fractional max pooling (Graham, 2014, "Fractional Max-Pooling") as PyTorch's
``FractionalMaxPool2d``/``3d`` and ``F.fractional_max_pool2d``/``3d``.

The output size need not divide the input size: along an axis of n inputs pooled to o outputs by
windows of k, window i starts at ⌊(i + u)·α⌋ − ⌊u·α⌋ with α = (n − k)/(o − 1), the last at n − k,
one u ~ U(0, 1) per (sample, channel, axis) (PyTorch's CPU rule, in the input's precision). Each
output is the first maximum of its window, gathered by flat index so the gradient routes to it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import DtypeMismatchError, Tensor, rand
from .conv import _batched, _batched_volume, _first_max, _pooled, _range_error, _shape_error, _sizes
from .module import Module

__all__ = [
    "FractionalMaxPool2d",
    "FractionalMaxPool3d",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
]


def _window_starts(samples: np.ndarray, size: int, outputs: int, kernel: int) -> np.ndarray:
    """The first input position of each of ``outputs`` windows of ``kernel`` along an axis of
    ``size``, one row per sample u: ⌊(i + u)·α⌋ − ⌊u·α⌋, the last n − k (PyTorch's rounding)."""
    starts = np.empty((len(samples), outputs), dtype=np.int64)
    if outputs > 1:
        real = samples.dtype.type
        alpha = real(size - kernel) / real(outputs - 1)
        steps = np.arange(outputs - 1, dtype=samples.dtype)
        starts[:, :-1] = ((steps + samples[:, None]) * alpha).astype(np.int64)
        starts[:, :-1] -= (samples * alpha).astype(np.int64)[:, None]
    starts[:, -1] = size - kernel
    return starts


def _fractional_max_pool(
    input: Any,
    kernel_size: Any,
    output_size: Any,
    output_ratio: Any,
    return_indices: bool,
    _random_samples: Tensor | None,
    dims: int,
) -> Tensor | tuple[Tensor, Tensor]:
    owner = f"fractional_max_pool{dims}d"
    input, unbatched = (_batched if dims == 2 else _batched_volume)(input, owner)
    if 0 in input.shape[1:]:
        raise _shape_error(f"{owner}: expected an input with non-empty non-batch axes, got {input.shape}")
    kernel = _sizes(kernel_size, "kernel_size", owner, count=dims)
    spatial = tuple(input.shape[2:])
    if output_size is None and output_ratio is None:
        raise ValueError(f"{owner} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        ratios = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * dims
        if len(ratios) != dims:
            raise ValueError(
                f"{owner}: output_ratio must be a number or {dims} of them, got {output_ratio!r}"
            )
        output_size = tuple(int(n * r) for n, r in zip(spatial, ratios, strict=True))
    sizes = _sizes(output_size, "output_size", owner, count=dims)
    # PyTorch's CPU check: o + k − 1 <= n in 2-d, but o + k − 1 < n in 3-d
    room = 0 if dims == 2 else 1
    for axis, (n, o, k) in enumerate(zip(spatial, sizes, kernel, strict=True)):
        if o + k - 1 + room > n:
            raise _range_error(
                f"{owner}: the pool size {k} is too large for the input size {n} of spatial axis {axis} "
                f"(output size {o} needs o + k − 1 {'<=' if dims == 2 else '<'} n)"
            )
    batch, channels = input.shape[:2]
    if input.dtype.kind != "f":  # PyTorch: "not implemented for 'Long'"
        raise DtypeMismatchError(f"{owner}: the input must be floating point, got {input.dtype}")
    if _random_samples is None:
        _random_samples = rand(batch, channels, dims, dtype=input.dtype, device=input.device)
    if not isinstance(_random_samples, Tensor) or _random_samples.shape != (batch, channels, dims):
        got = getattr(_random_samples, "shape", type(_random_samples).__name__)
        raise _shape_error(f"{owner}: _random_samples must have shape {(batch, channels, dims)}, got {got}")
    if _random_samples.dtype != input.dtype:
        raise DtypeMismatchError(
            f"{owner}: _random_samples is {_random_samples.dtype} but the input {input.dtype}; "
            "they must agree"
        )
    samples = _random_samples.numpy().reshape(batch * channels, dims)
    # PyTorch's sample per axis: 2-d (width, height), 3-d (depth, height, width)
    order = (1, 0) if dims == 2 else (0, 1, 2)
    positions = np.zeros((batch * channels, *sizes, *kernel), dtype=np.int64)
    for axis, (n, o, k) in enumerate(zip(spatial, sizes, kernel, strict=True)):
        starts = _window_starts(samples[:, order[axis]], n, o, k)
        along = starts.reshape(-1, *(o if a == axis else 1 for a in range(dims)), *(1,) * dims)
        along = along + np.arange(k).reshape(
            *(1,) * (dims + 1), *(k if a == axis else 1 for a in range(dims))
        )
        positions = positions * n + along
    windows, cells = math.prod(sizes), math.prod(kernel)
    positions = Tensor(positions.reshape(batch, channels, windows, cells), device=input.device)
    values = input.reshape(batch, channels, -1).gather(2, positions.reshape(batch, channels, -1))
    output, first = _first_max(values.reshape(batch, channels, windows, cells), 3)
    indices = (
        positions.gather(3, first.unsqueeze(3)).reshape(batch, channels, *sizes) if return_indices else None
    )
    return _pooled(output.reshape(batch, channels, *sizes), indices, unbatched)


def fractional_max_pool2d(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.fractional_max_pool2d``: max pooling of (N, C, H, W) or (C, H, W) to
    ``output_size`` (or ``output_ratio`` of the input size) with pseudo-random window starts;
    ``return_indices`` adds row · W + column of each maximum. ``_random_samples`` (N, C, 2) in
    [0, 1) fixes the starts; otherwise they are drawn with ``tg.rand`` (seeded by ``tg.manual_seed``)."""
    settings = (kernel_size, output_size, output_ratio, return_indices, _random_samples)
    return _fractional_max_pool(input, *settings, dims=2)


def fractional_max_pool3d(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.fractional_max_pool3d``: ``fractional_max_pool2d`` over volumes (N, C, D, H, W)
    or (C, D, H, W); ``_random_samples`` is (N, C, 3)."""
    settings = (kernel_size, output_size, output_ratio, return_indices, _random_samples)
    return _fractional_max_pool(input, *settings, dims=3)


def fractional_max_pool2d_with_indices(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool2d`` and its indices, whatever ``return_indices`` says."""
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, dims=2)


def fractional_max_pool3d_with_indices(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool3d`` and its indices, whatever ``return_indices`` says."""
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, dims=3)


class FractionalMaxPool2d(Module):
    """``torch.nn.FractionalMaxPool2d``: ``F.fractional_max_pool2d`` with fixed settings; exactly one
    of ``output_size`` and ``output_ratio`` (each ratio in (0, 1)); a given ``_random_samples`` is a
    buffer that fixes the windows."""

    spatial_dims = 2
    pool = staticmethod(fractional_max_pool2d)

    def __init__(
        self,
        kernel_size: Any,
        output_size: Any = None,
        output_ratio: Any = None,
        return_indices: bool = False,
        _random_samples: Tensor | None = None,
    ) -> None:
        super().__init__()
        owner, dims = type(self).__name__, self.spatial_dims

        def per_axis(value: Any) -> tuple:
            return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims

        self.kernel_size = _sizes(kernel_size, "kernel_size", owner, count=dims)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else per_axis(output_size)
        self.output_ratio = None if output_ratio is None else per_axis(output_ratio)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{owner} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        settings = (self.output_size, self.output_ratio, self.return_indices, self._random_samples)
        return self.pool(input, self.kernel_size, *settings)


class FractionalMaxPool3d(FractionalMaxPool2d):
    """``torch.nn.FractionalMaxPool3d``: ``F.fractional_max_pool3d`` with fixed settings."""

    spatial_dims = 3
    pool = staticmethod(fractional_max_pool3d)
