"""Window functions for spectral analysis, under PyTorch's names: ``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window`` and ``kaiser_window``.

With N = ``window_length`` and n = 0, ..., N − 1, a symmetric window (``periodic=False``) is
w(n) = f(n / (N − 1)); a periodic one (the default, for the FFT) is the symmetric window of N + 1
points without its last. The values are computed on the host in float64 and cast once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .tensor import DType, Tensor, _is_float, _resolve_dtype, get_default_dtype, tensor


def _window(
    name: str,
    window_length: int,
    periodic: bool,
    shape: Callable[[np.ndarray, int], np.ndarray],
    dtype: DType | None,
    device: str | None,
    requires_grad: bool,
) -> Tensor:
    if isinstance(window_length, bool) or not isinstance(window_length, (int, np.integer)):
        raise TypeError(f"{name}(): argument 'window_length' must be an int, got {window_length!r}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if not isinstance(periodic, (bool, np.bool_)):
        raise TypeError(f"{name}(): argument 'periodic' must be a bool, got {periodic!r}")
    resolved = _resolve_dtype(dtype) or get_default_dtype()
    if not _is_float(resolved):
        raise RuntimeError(f"{name} expects floating point dtypes, got: {resolved}")
    if window_length <= 1:
        values = np.ones(window_length)
    else:
        points = window_length + 1 if periodic else window_length
        values = shape(np.arange(points, dtype=np.float64), points - 1)[:window_length]
    return tensor(values, dtype=resolved, device=device, requires_grad=requires_grad)


def hamming_window(
    window_length: int,
    periodic: bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """w(n) = α − β cos(2πn / (N − 1)) (Hamming: α = 0.54, β = 0.46)."""
    return _window(
        "hamming_window", window_length, periodic,
        lambda n, last: alpha - beta * np.cos(2 * np.pi * n / last), dtype, device, requires_grad,
    )  # fmt: skip


def hann_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """w(n) = 0.5 − 0.5 cos(2πn / (N − 1)) (von Hann)."""
    return _window(
        "hann_window", window_length, periodic,
        lambda n, last: 0.5 - 0.5 * np.cos(2 * np.pi * n / last), dtype, device, requires_grad,
    )  # fmt: skip


def blackman_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """w(n) = 0.42 − 0.5 cos(2πn / (N − 1)) + 0.08 cos(4πn / (N − 1)) (Blackman)."""
    return _window(
        "blackman_window", window_length, periodic,
        lambda n, last: 0.42 - 0.5 * np.cos(2 * np.pi * n / last) + 0.08 * np.cos(4 * np.pi * n / last),
        dtype, device, requires_grad,
    )  # fmt: skip


def bartlett_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """w(n) = 1 − |2n / (N − 1) − 1| (Bartlett's triangle)."""
    return _window(
        "bartlett_window", window_length, periodic,
        lambda n, last: 1 - np.abs(2 * n / last - 1), dtype, device, requires_grad,
    )  # fmt: skip


def kaiser_window(
    window_length: int,
    periodic: bool = True,
    beta: float = 12.0,
    *,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """w(n) = I₀(β √(1 − (2n / (N − 1) − 1)²)) / I₀(β), I₀ the modified Bessel function (Kaiser)."""
    return _window(
        "kaiser_window", window_length, periodic,
        lambda n, last: np.i0(beta * np.sqrt(np.clip(1 - (2 * n / last - 1) ** 2, 0, None))) / np.i0(beta),
        dtype, device, requires_grad,
    )  # fmt: skip
