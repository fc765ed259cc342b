"""Moving values between channels and space without changing them, as PyTorch 2.13:
``pixel_shuffle`` (sub-pixel convolution's upsampling, Shi et al., 2016), its inverse
``pixel_unshuffle``, and ``channel_shuffle`` (ShuffleNet's mixing of grouped channels, Zhang et al.,
2018), with the modules ``PixelShuffle``, ``PixelUnshuffle`` and ``ChannelShuffle``.

Each is one reshape, one permute and one reshape, so the gradient is the same rearrangement
undone, built by the tensor ops themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .module import Module


def _positive_int(value: Any, name: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _image_like(input: Any, owner: str) -> Tensor:
    """``input`` as a tensor of at least 3 dimensions (*, C, H, W), or an error naming its shape."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim < 3:
        from .functional import ShapeMismatchError  # a RuntimeError in PyTorch too; imported late: no cycle

        raise ShapeMismatchError(
            f"{owner} expects input to have at least 3 dimensions (*, C, H, W), but got input with "
            f"{input.ndim} dimension(s), shape {input.shape}"
        )
    return input


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) → (*, C, H·r, W·r): each group of r² channels becomes an r×r block of pixels,
    channel c·r² + i·r + j landing at row offset i and column offset j."""
    r = _positive_int(upscale_factor, "upscale_factor", "pixel_shuffle")
    x = _image_like(input, "pixel_shuffle")
    *batch, channels, height, width = x.shape
    if channels % (r * r):
        from .functional import ShapeMismatchError  # a RuntimeError in PyTorch too; imported late: no cycle

        raise ShapeMismatchError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
            f"upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}"
        )
    n = len(batch)
    blocks = x.reshape(*batch, channels // (r * r), r, r, height, width)
    # (*, C, i, j, H, W) -> (*, C, H, i, W, j)
    order = (*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return blocks.permute(*order).reshape(*batch, channels // (r * r), height * r, width * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) → (*, C·r², H, W), the inverse of ``pixel_shuffle``: each r×r block of
    pixels becomes r² channels."""
    r = _positive_int(downscale_factor, "downscale_factor", "pixel_unshuffle")
    x = _image_like(input, "pixel_unshuffle")
    *batch, channels, height, width = x.shape
    for name, size, axis in (("height", height, -2), ("width", width, -1)):
        if size % r:
            raise ValueError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                f"input.size({axis})={size} is not divisible by {r}"
            )
    n = len(batch)
    blocks = x.reshape(*batch, channels, height // r, r, width // r, r)
    # (*, C, H, i, W, j) -> (*, C, i, j, H, W)
    order = (*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return blocks.permute(*order).reshape(*batch, channels * r * r, height // r, width // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, C, *) with C = g·k → the same shape, channels read group-minor: output channel i·g + j is
    input channel j·k + i, so that the next grouped layer sees one channel of every group."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups <= 0:
        raise ValueError(f"channel_shuffle: the number of groups must be a positive integer, got {groups!r}")
    if not isinstance(input, Tensor):
        raise TypeError(f"channel_shuffle: input must be a Tensor, got {type(input).__name__}")
    if input.ndim < 3:
        raise ValueError(
            f"channel_shuffle expects input to have at least 3 dimensions (N, C, *), but got input with "
            f"{input.ndim} dimension(s), shape {input.shape}"
        )
    batch, channels, *rest = input.shape
    if channels % groups:
        raise ValueError(
            f"channel_shuffle: the number of channels must be divisible by groups, got {channels} "
            f"channels and {groups} groups"
        )
    grouped = input.reshape(batch, int(groups), channels // int(groups), *rest)
    return grouped.transpose(1, 2).reshape(batch, channels, *rest)


class PixelShuffle(Module):
    """(*, C·r², H, W) → (*, C, H·r, W·r) with r = ``upscale_factor`` (see ``pixel_shuffle``)."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = _positive_int(upscale_factor, "upscale_factor", "PixelShuffle")

    def forward(self, input: Tensor) -> Tensor:
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H·r, W·r) → (*, C·r², H, W) with r = ``downscale_factor`` (see ``pixel_unshuffle``)."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = _positive_int(downscale_factor, "downscale_factor", "PixelUnshuffle")

    def forward(self, input: Tensor) -> Tensor:
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Interleave the channels of ``groups`` groups (see ``channel_shuffle``)."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = _positive_int(groups, "groups", "ChannelShuffle")

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
