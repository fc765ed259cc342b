"""Spatial transformers (Jaderberg et al., 2015): PyTorch's ``F.affine_grid`` makes a sampling grid
from affine matrices θ, ``F.grid_sample`` reads an image at a grid's points.

A grid holds, for each output pixel, a point (x, y[, z]) in [-1, 1]: -1 and 1 are the centres of
the corner pixels with ``align_corners=True``, their outer edges without. ``grid_sample`` maps each
point to pixel coordinates, applies the padding mode (clamped for ``border``, mirrored for
``reflection``) and blends the neighbouring pixels: 2ᵈ for ``bilinear``, 4 × 4 for ``bicubic``
(Keys' cubic convolution, a = -0.75), 1 for ``nearest``. Pixels outside the image read as 0.

The blending weights are Tensor expressions of the grid, so the gradients in the input and the
grid (and their own gradients) come from autograd; the pixel positions are read without gradient,
as PyTorch's (which sets the gradient of a clamped coordinate to 0 at and beyond the edges).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd import Function, is_grad_enabled
from ..tensor import Tensor, tensor, where, zeros
from .functional import DtypeMismatchError, ShapeMismatchError, check_tensor

SAMPLING_MODES = ("bilinear", "nearest", "bicubic")
PADDING_MODES = ("zeros", "border", "reflection")
CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution coefficient


def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool | None = None) -> Tensor:
    """PyTorch's ``F.affine_grid``: the (N, H, W, 2) grid (or (N, D, H, W, 3)) of the points
    θ · (x, y[, z], 1) for the output pixels' normalised coordinates, ``size`` the (N, C, H, W)
    (or (N, C, D, H, W)) output size and θ (N, 2, 3) (or (N, 3, 4))."""
    check_tensor(theta, "affine_grid")
    if theta.dtype.kind != "f":
        raise ValueError(f"affine_grid: expected theta to have floating point type, got {theta.dtype}")
    size = tuple(size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid: only 4-d and 5-d sizes are supported, got size {size}")
    spatial = len(size) - 2
    if theta.ndim != 3 or theta.shape[1:] != (spatial, spatial + 1):
        raise ValueError(
            f"affine_grid: expected a batch of {spatial}-d affine matrices of shape "
            f"N×{spatial}×{spatial + 1} for size {size}, got theta of shape {theta.shape}"
        )
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s <= 0 for s in size):
        raise ValueError(f"affine_grid: expected a positive output size, got {size}")
    if theta.shape[0] != size[0]:
        raise ShapeMismatchError(
            f"affine_grid: theta holds {theta.shape[0]} matrices, size asks for a batch of {size[0]}"
        )
    extents = size[2:]  # (D,) H, W; the grid lists x (along W) first
    axes = [_normalised_positions(n, bool(align_corners)) for n in reversed(extents)]
    mesh = np.meshgrid(*reversed(axes), indexing="ij")  # (D,) H, W order, each of shape extents
    base = np.stack([*reversed(mesh), np.ones(extents)], axis=-1).reshape(-1, spatial + 1)
    points = tensor(base.astype(theta.dtype), device=theta.device) @ theta.transpose(1, 2)
    return points.reshape(size[0], *extents, spatial)


def _normalised_positions(count: int, align_corners: bool) -> np.ndarray:
    """The pixels' coordinates in [-1, 1] along an axis of ``count`` pixels (centres at ±1 with
    ``align_corners``, edges there without), as PyTorch's ``linspace_from_neg_one``."""
    if count <= 1:
        return np.zeros(count)
    steps = np.linspace(-1.0, 1.0, count)
    return steps if align_corners else steps * (count - 1) / count


def grid_sample(
    input: Tensor,
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """PyTorch's ``F.grid_sample``: ``input`` (N, C, H, W) read at the (N, H_out, W_out, 2) ``grid``
    points (x, y) ∈ [-1, 1]² (5-d: (N, C, D, H, W) at (N, D_out, H_out, W_out, 3) points (x, y, z)),
    giving (N, C, H_out, W_out). ``mode`` 'bilinear', 'nearest' or 'bicubic' (4-d only);
    ``padding_mode`` 'zeros', 'border' or 'reflection'."""
    check_tensor(input, "grid_sample")
    check_tensor(grid, "grid_sample")
    if mode not in SAMPLING_MODES:
        raise ValueError(f"grid_sample: expected mode to be one of {SAMPLING_MODES}, got {mode!r}")
    if padding_mode not in PADDING_MODES:
        raise ValueError(
            f"grid_sample: expected padding_mode to be one of {PADDING_MODES}, got {padding_mode!r}"
        )
    if input.ndim not in (4, 5) or grid.ndim != input.ndim or grid.shape[-1] != input.ndim - 2:
        raise ShapeMismatchError(
            f"grid_sample: expected a 4-d input with a (N, H_out, W_out, 2) grid or a 5-d input with a "
            f"(N, D_out, H_out, W_out, 3) grid, got input {input.shape} and grid {grid.shape}"
        )
    if grid.shape[0] != input.shape[0]:
        raise ShapeMismatchError(
            f"grid_sample: expected grid and input to have the same batch size, got {grid.shape[0]} "
            f"and {input.shape[0]}"
        )
    if input.dtype.kind != "f" or grid.dtype != input.dtype:
        raise DtypeMismatchError(
            f"grid_sample: expected floating point input and grid of the same dtype, got {input.dtype} "
            f"and {grid.dtype}"
        )
    if mode == "bicubic" and input.ndim != 4:
        raise ShapeMismatchError("grid_sample: bicubic interpolation only supports 4-d input")
    if 0 in input.shape[2:]:
        raise ShapeMismatchError(f"grid_sample: expected non-empty spatial axes, got input {input.shape}")
    align = bool(align_corners)
    sizes = input.shape[2:]
    # Pixel coordinates per input axis ((D,) H, W): the grid's last entry lists x (W) first.
    coordinates = [
        _unnormalise(grid[..., len(sizes) - 1 - axis], size, align) for axis, size in enumerate(sizes)
    ]
    sampler = _Sampler(input)
    if mode == "bicubic":
        return sampler.bicubic(coordinates, padding_mode, align)
    coordinates = [_padded(c, size, padding_mode, align) for c, size in zip(coordinates, sizes)]
    if mode == "nearest":
        xp = input._backend.xp
        # The grid gets PyTorch's zero gradient (rounding is flat), through a weight of ones.
        weight = NearestWeight.apply(grid) if grid.requires_grad and is_grad_enabled() else None
        return sampler.read([xp.round(c._data) for c in coordinates], weight)
    return sampler.bilinear(coordinates)


class NearestWeight(Function):
    """Ones of the grid's shape without its last axis: the weight of the one pixel that nearest
    sampling reads; d/dgrid = 0, since rounding is flat between the pixels."""

    saves_inputs = False

    def forward(self, grid: Any) -> Any:
        return self.xp.ones(grid.shape[:-1], dtype=grid.dtype, **self.backend.creation_kwargs)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        grid = self.inputs[0]
        return (zeros(grid.shape, dtype=grid.dtype, device=grid.device),)


def _unnormalise(coordinate: Tensor, size: int, align: bool) -> Tensor:
    """[-1, 1] to pixel coordinates: -1 and 1 at the corner pixels' centres (aligned) or edges."""
    if align:
        return (coordinate + 1) / 2 * (size - 1)
    return ((coordinate + 1) * size - 1) / 2


def _padded(coordinate: Tensor, size: int, padding_mode: str, align: bool) -> Tensor:
    """The coordinate mirrored into the image (reflection) and clamped to it (border, reflection);
    the gradient is 0 where clamped, the edges included, and flips sign with each mirroring."""
    if padding_mode == "zeros":
        return coordinate
    if padding_mode == "reflection":
        coordinate = _reflected(coordinate, *((0, 2 * (size - 1)) if align else (-1, 2 * size - 1)))
    inside = (coordinate > 0) & (coordinate < size - 1)
    return where(inside, coordinate, coordinate.detach().clip(0, size - 1))


def _reflected(coordinate: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """The coordinate mirrored at low and high until it lies between them (PyTorch's
    ``reflect_coordinates``, bounds given doubled so that they are integers)."""
    if twice_low == twice_high:
        return coordinate * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    xp = coordinate._backend.xp
    offset = coordinate._data - low
    sign = 1 - 2 * xp.astype(offset < 0, offset.dtype)  # -1 left of low: mirrored once more
    flips = xp.floor(offset * sign / span)
    even = flips % 2 == 0
    as_tensor = coordinate._backend
    sign_t = Tensor._wrap(sign, as_tensor)
    extra = (coordinate - low) * sign_t - Tensor._wrap(flips * span, as_tensor)
    return where(Tensor._wrap(even, as_tensor), extra + low, (span + low) - extra)


class _Sampler:
    """Reads pixels of an (N, C, *sizes) input at integer positions: one row gather of the
    channels-last input, so repeated positions add their gradients back."""

    def __init__(self, input: Tensor) -> None:
        self.input, self.backend = input, input._backend
        self.sizes = input.shape[2:]
        batch, channels = input.shape[:2]
        spatial = len(self.sizes)
        self.rows = input.permute(0, *range(2, 2 + spatial), 1).reshape(-1, channels)
        self.strides = [int(np.prod(self.sizes[axis + 1 :])) for axis in range(spatial)]
        self.pixels = int(np.prod(self.sizes))

    def read(self, positions: list[Any], weight: Tensor | None) -> Tensor:
        """The pixels at ``positions`` (float arrays, one per axis, of shape (N, *out)) times
        ``weight``, 0 where a position lies outside the image: (N, C, *out)."""
        return self._channels_first(self._weighted(positions, weight))

    def _weighted(self, positions: list[Any], weight: Tensor | None) -> Tensor:
        xp, backend = self.backend.xp, self.backend
        batch = positions[0].shape[0]
        inside = None
        flat = xp.reshape(
            xp.arange(batch, **backend.creation_kwargs), (batch,) + (1,) * (positions[0].ndim - 1)
        )
        flat = xp.astype(flat, xp.int64) * self.pixels
        for position, size, stride in zip(positions, self.sizes, self.strides):
            position = xp.where(xp.isfinite(position), position, -1.0)  # nan, ±inf: outside
            fits = (position >= 0) & (position <= size - 1)
            inside = fits if inside is None else inside & fits
            flat = flat + xp.astype(xp.clip(position, 0, size - 1), xp.int64) * stride
        values = self.rows.index_select(0, Tensor._wrap(xp.reshape(flat, (-1,)), backend))
        values = values.reshape(*positions[0].shape, self.rows.shape[1])
        mask = Tensor._wrap(xp.astype(inside, self.input._data.dtype), backend)
        factor = mask if weight is None else weight * mask
        return values * factor.unsqueeze(-1)

    def _channels_first(self, channels_last: Tensor) -> Tensor:
        spatial = channels_last.ndim - 2
        return channels_last.permute(0, spatial + 1, *range(1, spatial + 1))

    def bilinear(self, coordinates: list[Tensor]) -> Tensor:
        """Σ over the 2ᵈ corners of each point's cell of Π (1 - fraction or fraction) · pixel."""
        xp = self.backend.xp
        lows = [xp.floor(c._data) for c in coordinates]
        fractions = [c - Tensor._wrap(low, self.backend) for c, low in zip(coordinates, lows)]
        total = None
        for corner in itertools.product((0, 1), repeat=len(coordinates)):
            weight = None
            for step, fraction in zip(corner, fractions):
                factor = fraction if step else 1 - fraction
                weight = factor if weight is None else weight * factor
            term = self._weighted([low + step for low, step in zip(lows, corner)], weight)
            total = term if total is None else total + term
        return self._channels_first(total)

    def bicubic(self, coordinates: list[Tensor], padding_mode: str, align: bool) -> Tensor:
        """Σ over the 4 × 4 pixels around each point of the cubic convolution weights; the padding
        mode moves each pixel position (not the point) into the image."""
        xp, backend = self.backend.xp, self.backend
        lows = [xp.floor(c._data) for c in coordinates]
        weights = [cubic_weights(c - Tensor._wrap(low, backend)) for c, low in zip(coordinates, lows)]
        total = None
        for offsets in itertools.product(range(4), repeat=len(coordinates)):
            positions = [
                _padded_position(xp, low + (offset - 1), size, padding_mode, align)
                for low, offset, size in zip(lows, offsets, self.sizes)
            ]
            weight = None
            for axis_weights, offset in zip(weights, offsets):
                weight = axis_weights[offset] if weight is None else weight * axis_weights[offset]
            term = self._weighted(positions, weight)
            total = term if total is None else total + term
        return self._channels_first(total)


def cubic_weights(t: Any, a: float = CUBIC_A) -> list[Any]:
    """Keys' cubic convolution weights of the 4 pixels at offsets -1, 0, 1, 2 from ⌊x⌋, t = x - ⌊x⌋
    (a Tensor, or a host array for ``interpolate``'s fixed positions)."""

    def near(x: Tensor) -> Tensor:  # |x| ≤ 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Tensor) -> Tensor:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _padded_position(xp: Any, position: Any, size: int, padding_mode: str, align: bool) -> Any:
    """An integer pixel position (as floats) moved into the image by the padding mode (zeros: kept,
    read as 0 outside), truncated toward 0 as PyTorch's ``get_value_bounded``."""
    if padding_mode == "zeros":
        return position
    if padding_mode == "reflection":
        twice_low, twice_high = (0, 2 * (size - 1)) if align else (-1, 2 * size - 1)
        if twice_low == twice_high:
            position = xp.zeros_like(position)
        else:
            low, span = twice_low / 2, (twice_high - twice_low) / 2
            offset = xp.abs(position - low)
            flips = xp.floor(offset / span)
            extra = offset - flips * span
            position = xp.where(flips % 2 == 0, extra + low, span - extra + low)
    return xp.trunc(xp.clip(position, 0, size - 1))
