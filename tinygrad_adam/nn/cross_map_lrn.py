"""``nn.CrossMapLRN2d``: PyTorch's port of Lua Torch's cross-channel local response normalisation.

y_c = x_c · (k + α/n · Σ_{j ∈ W_c} x_j²)^(−β) over channels j of a window W_c. The windows are
the ones PyTorch's running-sum forward builds (⌊(n − 1)/2⌋ + 1 channels at the start, grown by one
channel ahead and shrunk by one behind, skipping the first channel), which differ from
``LocalResponseNorm``'s centred ones. The backward is PyTorch's too: it sums the ratios g·y/scale
over the band c − b … c + n − 1 − b, b = ⌊n − (n − 1)/2⌋, not over the forward's windows, so the
gradients match PyTorch's rather than being the exact derivative of the forward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function
from ..tensor import DtypeMismatchError, Tensor
from .module import Module

__all__ = ["CrossMapLRN2d"]


def _forward_windows(channels: int, size: int) -> np.ndarray:
    """W[c, j] = how often channel j counts in channel c's sum, from PyTorch's running sum."""
    ahead = int((size - 1) / 2 + 1)
    windows = np.zeros((channels, channels))
    windows[0, : min(ahead, channels)] = 1
    for c in range(1, channels):
        windows[c] = windows[c - 1]
        if c < channels - ahead + 1:
            windows[c, c + ahead - 1] += 1
        if c > ahead:
            windows[c, c - ahead] -= 1
    return windows


def _backward_band(channels: int, size: int) -> np.ndarray:
    """B[c, m] = 1 for the channels m whose ratio PyTorch's backward adds into channel c."""
    behind = int(size - (size - 1) / 2)
    band = np.zeros((channels, channels))
    for c in range(channels):
        band[c, max(c - behind, 0) : max(c + size - behind, 0)] = 1
    return band


def _per_channel(matrix: Tensor, x: Tensor) -> Tensor:
    """matrix (C, C) applied along the channel axis of an (N, C, H, W) tensor."""
    batch, channels = x.shape[:2]
    return (matrix @ x.reshape(batch, channels, -1)).reshape(x.shape)


class _CrossMapLRN(Function):
    """The normalisation as one node, so that its backward can be PyTorch's (which reads the output,
    so an in-place change of the output makes backward refuse, as in PyTorch)."""

    saves_output = True

    def forward(self, a: Any, size: int, alpha: float, beta: float, k: float) -> Any:
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k
        xp, (batch, channels) = self.xp, a.shape[:2]
        windows = xp.astype(self.backend.asarray(_forward_windows(channels, size)), a.dtype)
        sums = xp.reshape(xp.matmul(windows, xp.reshape(a * a, (batch, channels, -1))), a.shape)
        return a * (sums * (alpha / size) + k) ** -beta

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        channels = x.shape[1]
        windows = Tensor(_forward_windows(channels, self.size).astype(x.dtype), device=x.device)
        band = Tensor(_backward_band(channels, self.size).astype(x.dtype), device=x.device)
        scale = _per_channel(windows, x * x) * (self.alpha / self.size) + self.k
        output = self.output
        ratios = grad * output / scale
        correction = x * _per_channel(band, ratios) * (2 * self.alpha * self.beta / self.size)
        return (scale**-self.beta * grad - correction,)


class CrossMapLRN2d(Module):
    """``torch.nn.CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1)`` for (N, C, H, W) inputs."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"CrossMapLRN2d: size must be a positive int, got {size!r}")
        self.size, self.alpha, self.beta, self.k = int(size), alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"CrossMapLRN2d: input must be a Tensor, got {type(input).__name__}")
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
        if input.dtype.kind != "f":
            raise DtypeMismatchError(f"CrossMapLRN2d: the input must be floating point, got {input.dtype}")
        return _CrossMapLRN.apply(input, size=self.size, alpha=self.alpha, beta=self.beta, k=self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
