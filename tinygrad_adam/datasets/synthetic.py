"""Small synthetic problems for teaching and tests: two moons, spirals, noisy linear regression.

Each returns NumPy arrays (x float32, y int64 class labels or float32 targets); the same seed gives
the same data, and ``seed=None`` draws from tg's generator, so ``tg.manual_seed`` fixes it too.
"""

from __future__ import annotations

import numpy as np

from ..rng import host_generator


def _check_count(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_noise(noise: float) -> float:
    numeric = isinstance(noise, (int, float, np.integer, np.floating)) and not isinstance(
        noise, (bool, np.bool_)
    )
    if not numeric or not 0 <= noise < np.inf:  # infinite noise gives inf coordinates
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def make_moons(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in 2-D (class 0 on top, class 1 below), as scikit-learn draws them.

    Returns x float32 (n, 2) with Gaussian ``noise`` added and y int64 (n,); ``n // 2`` points (plus
    the odd one) in class 0.
    """
    n, noise = _check_count("n", n, 2), _check_noise(noise)
    generator = host_generator(seed)
    n_top = n - n // 2
    angles_top, angles_bottom = np.linspace(0, np.pi, n_top), np.linspace(0, np.pi, n // 2)
    top = np.stack([np.cos(angles_top), np.sin(angles_top)], axis=1)
    bottom = np.stack([1 - np.cos(angles_bottom), 0.5 - np.sin(angles_bottom)], axis=1)
    x = np.concatenate([top, bottom]) + noise * generator.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n_top, dtype=np.int64), np.ones(n // 2, dtype=np.int64)])
    order = generator.permutation(n)
    return x[order].astype(np.float32), y[order]


def make_spirals(
    n: int = 300, classes: int = 3, noise: float = 0.2, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms in 2-D (the CS231n toy problem): not linearly separable.

    Arm k holds points at radius r in [0, 1] and angle 4(k + r) radians plus ``noise`` x N(0, 1).
    Returns x float32 (n, 2) and y int64 (n,), the n points shared out as evenly as possible.
    """
    n, classes, noise = _check_count("n", n, 1), _check_count("classes", classes, 1), _check_noise(noise)
    generator = host_generator(seed)
    sizes = np.full(classes, n // classes)
    sizes[: n % classes] += 1
    radius = np.concatenate([np.linspace(0.0, 1.0, size) for size in sizes])
    y = np.repeat(np.arange(classes, dtype=np.int64), sizes)
    angle = 4.0 * (y + radius) + noise * generator.standard_normal(n)
    x = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    order = generator.permutation(n)
    return x[order].astype(np.float32), y[order]


def make_regression(
    n: int = 200, features: int = 5, noise: float = 0.1, seed: int | None = 0, return_coef: bool = False
) -> tuple[np.ndarray, ...]:
    """A noisy linear target y = x·w + b + noise·ε with x, w, ε standard normal and b ~ N(0, 1).

    Returns x float32 (n, features) and y float32 (n,); with ``return_coef=True`` also the true w
    (features,) and b, to compare with what a model learns.
    """
    n, features, noise = _check_count("n", n, 1), _check_count("features", features, 1), _check_noise(noise)
    generator = host_generator(seed)
    x = generator.standard_normal((n, features))
    weight, bias = generator.standard_normal(features), generator.standard_normal()
    y = x @ weight + bias + noise * generator.standard_normal(n)
    x, y = x.astype(np.float32), y.astype(np.float32)
    return (x, y, weight.astype(np.float32), np.float32(bias)) if return_coef else (x, y)
