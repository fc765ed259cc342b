"""Sliding blocks, as PyTorch 2.13's ``F.unfold`` (im2col) and ``F.fold`` (col2im) with the modules
``nn.Unfold`` and ``nn.Fold``.

``unfold`` copies every kernel-sized block of an (N, C, H, W) image into a column of an
(N, C·kh·kw, L) tensor (channel-major, then the kernel's rows and columns); ``fold`` adds the
columns back into an image, summing where blocks overlap. Each is the other's adjoint, so each
one's gradient is the other (and gradients of gradients come for free).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function
from ..tensor import InvalidArgumentError, Tensor
from .module import Module

Pair = int | tuple[int, int]


def _pair(value: Any, name: str, owner: str, minimum: int) -> tuple[int, int]:
    """``value`` (an int or a pair of ints >= ``minimum``) as a pair."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or any(
        isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum for v in values
    ):
        raise ValueError(f"{owner}: {name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(values[0]), int(values[1])


def _block_counts(
    size: tuple[int, int], kernel: tuple[int, int], dilation: tuple[int, int], padding: tuple[int, int],
    stride: tuple[int, int],
) -> tuple[int, int]:  # fmt: skip
    """How many blocks fit along each axis: ⌊(size + 2p − d(k − 1) − 1) / s⌋ + 1."""
    return tuple(  # type: ignore[return-value]
        (size[a] + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1) // stride[a] + 1 for a in (0, 1)
    )


def _window(top: int, left: int, blocks: tuple[int, int], stride: tuple[int, int]) -> tuple[slice, ...]:
    """The positions of the padded image that kernel offset (top, left) reads across all blocks."""
    return (
        slice(None),
        slice(None),
        slice(top, top + stride[0] * (blocks[0] - 1) + 1, stride[0]),
        slice(left, left + stride[1] * (blocks[1] - 1) + 1, stride[1]),
    )


class Im2Col(Function):
    """(N, C, H, W) → (N, C·kh·kw, L): the blocks as columns. Backward is ``Col2Im`` of the gradient."""

    saves_inputs = False

    def forward(self, image: Any, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> Any:
        xp, backend = self.xp, self.backend
        batch, channels, height, width = image.shape
        self.settings = (kernel, dilation, padding, stride)
        self.size = (height, width)
        padded = xp.zeros(
            (batch, channels, height + 2 * padding[0], width + 2 * padding[1]),
            dtype=image.dtype,
            **backend.creation_kwargs,
        )
        padded[:, :, padding[0] : padding[0] + height, padding[1] : padding[1] + width] = image
        blocks = _block_counts(self.size, *self.settings)
        windows = [
            padded[_window(i * dilation[0], j * dilation[1], blocks, stride)]
            for i in range(kernel[0])
            for j in range(kernel[1])
        ]
        columns = xp.stack(windows, axis=2)  # (N, C, kh·kw, blocks_h, blocks_w)
        return xp.reshape(columns, (batch, channels * kernel[0] * kernel[1], blocks[0] * blocks[1]))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (Col2Im.apply(grad, output_size=self.size, **_named(self.settings)),)


class Col2Im(Function):
    """(N, C·kh·kw, L) → (N, C, H, W): each column added back at its block. Backward is ``Im2Col``."""

    saves_inputs = False

    def forward(
        self, columns: Any, output_size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple
    ) -> Any:
        xp, backend = self.xp, self.backend
        self.settings = (kernel, dilation, padding, stride)
        batch, rows, _ = columns.shape
        channels = rows // (kernel[0] * kernel[1])
        blocks = _block_counts(output_size, *self.settings)
        columns = xp.reshape(columns, (batch, channels, kernel[0], kernel[1], blocks[0], blocks[1]))
        height, width = output_size[0] + 2 * padding[0], output_size[1] + 2 * padding[1]
        image = xp.zeros((batch, channels, height, width), dtype=columns.dtype, **backend.creation_kwargs)
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                window = _window(i * dilation[0], j * dilation[1], blocks, stride)
                image[window] = image[window] + columns[:, :, i, j, ...]  # overlapping blocks add up
        return image[:, :, padding[0] : padding[0] + output_size[0], padding[1] : padding[1] + output_size[1]]

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (Im2Col.apply(grad, **_named(self.settings)),)


def _named(settings: tuple) -> dict[str, tuple]:
    return dict(zip(("kernel", "dilation", "padding", "stride"), settings, strict=True))


def _settings(kernel_size: Pair, dilation: Pair, padding: Pair, stride: Pair, owner: str) -> tuple:
    return (
        _pair(kernel_size, "kernel_size", owner, 1),
        _pair(dilation, "dilation", owner, 1),
        _pair(padding, "padding", owner, 0),
        _pair(stride, "stride", owner, 1),
    )


def _describe(settings: tuple) -> str:
    return ", ".join(
        f"{name}={value}" for name, value in zip(("kernel_size", "dilation", "padding", "stride"), settings)
    )


def unfold(
    input: Tensor, kernel_size: Pair, dilation: Pair = 1, padding: Pair = 0, stride: Pair = 1
) -> Tensor:
    """The sliding blocks of a (N, C, H, W) or unbatched (C, H, W) image as columns (im2col):
    (N, C·kh·kw, L), L the number of blocks, zero padding of ``padding`` on each side first."""
    settings = _settings(kernel_size, dilation, padding, stride, "unfold")
    if not isinstance(input, Tensor):
        raise TypeError(f"unfold: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise ValueError(
            f"unfold: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape {input.shape}"
        )
    image = input.unsqueeze(0) if input.ndim == 3 else input
    blocks = _block_counts(image.shape[2:], *settings)
    if min(blocks) < 1:
        raise InvalidArgumentError(  # PyTorch's RuntimeError, our old ValueError
            f"unfold: given an input of spatial size {tuple(image.shape[2:])} and {_describe(settings)}, "
            f"the blocks would number {blocks}, but each count must be at least one"
        )
    columns = Im2Col.apply(image, **_named(settings))
    return columns[0] if input.ndim == 3 else columns


def fold(
    input: Tensor,
    output_size: Pair,
    kernel_size: Pair,
    dilation: Pair = 1,
    padding: Pair = 0,
    stride: Pair = 1,
) -> Tensor:
    """Columns (N, C·kh·kw, L) or unbatched (C·kh·kw, L) summed back into an image of
    ``output_size`` (col2im), overlapping blocks adding up: the adjoint of ``unfold``."""
    size = _pair(output_size, "output_size", "fold", 1)
    settings = _settings(kernel_size, dilation, padding, stride, "fold")
    if not isinstance(input, Tensor):
        raise TypeError(f"fold: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise ValueError(
            f"fold: expected a 2-d (C·kh·kw, L) or 3-d (N, C·kh·kw, L) input, got shape {input.shape}"
        )
    columns = input.unsqueeze(0) if input.ndim == 2 else input
    kernel = settings[0]
    if columns.shape[1] % (kernel[0] * kernel[1]):
        raise ValueError(
            f"fold: the input's dimension {input.ndim - 2} (size {columns.shape[1]}) must be divisible by "
            f"the product of kernel_size {kernel}"
        )
    blocks = _block_counts(size, *settings)
    if min(blocks) < 1 or columns.shape[2] != blocks[0] * blocks[1]:
        raise InvalidArgumentError(  # PyTorch's RuntimeError, our old ValueError
            f"fold: given output_size={size}, {_describe(settings)}, there are {blocks[0]} * {blocks[1]} "
            f"sliding blocks, but the input's last dimension is {columns.shape[2]} "
            f"(input shape {input.shape})"
        )
    image = Col2Im.apply(columns, output_size=size, **_named(settings))
    return image[0] if input.ndim == 2 else image


class Unfold(Module):
    """The sliding blocks of an image as columns (see ``unfold``), as ``torch.nn.Unfold``."""

    def __init__(self, kernel_size: Pair, dilation: Pair = 1, padding: Pair = 0, stride: Pair = 1) -> None:
        super().__init__()
        _settings(kernel_size, dilation, padding, stride, "Unfold")  # refuse bad settings now
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
            f"stride={self.stride}"
        )


class Fold(Module):
    """Columns summed back into an image of ``output_size`` (see ``fold``), as ``torch.nn.Fold``."""

    def __init__(
        self, output_size: Pair, kernel_size: Pair, dilation: Pair = 1, padding: Pair = 0, stride: Pair = 1
    ) -> None:
        super().__init__()
        _pair(output_size, "output_size", "Fold", 1)
        _settings(kernel_size, dilation, padding, stride, "Fold")
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
            f"padding={self.padding}, stride={self.stride}"
        )
