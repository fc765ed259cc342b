"""Preparing arrays before training: train/validation splits and feature standardisation."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..rng import host_generator
from ..tensor import Tensor


def _as_array(value: Any, name: str) -> np.ndarray:
    try:
        array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
    except ValueError as error:  # NumPy refuses nested lists of unequal lengths
        raise ValueError(f"{name} is ragged: its rows need one length to form an array") from error
    if array.ndim == 0:
        raise ValueError(f"{name} must have a first (sample) dimension, got a scalar")
    if array.dtype.hasobject:
        raise TypeError(f"{name} must be numeric, got an array of Python objects")
    return array


def train_val_split(
    x: Any, y: Any, val_fraction: float = 0.2, seed: int | None = 0, stratify: bool = False
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split samples at random into ``(x_train, y_train), (x_val, y_val)`` NumPy arrays.

    ``val_fraction`` of the samples (rounded) go to validation. With ``stratify=True`` each class of
    ``y`` (integer, boolean, float or string labels) is split on its own, so both parts keep the
    class proportions. Same seed, same split; ``seed=None`` draws from tg's generator
    (``tg.manual_seed``).
    """
    x, y = _as_array(x, "x"), _as_array(y, "y")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y need the same number of samples, got {x.shape[0]} and {y.shape[0]}")
    if (
        isinstance(val_fraction, (bool, np.bool_))
        or not isinstance(val_fraction, (int, float, np.integer, np.floating))
        or not 0 < val_fraction < 1
    ):
        raise ValueError(f"val_fraction must be a number strictly between 0 and 1, got {val_fraction!r}")
    generator = host_generator(seed)
    if stratify:
        if y.ndim != 1 or y.dtype.kind not in "iubfUS":
            raise ValueError(f"stratify needs one class label per sample, got y of {y.dtype} {y.shape}")
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            # NaN equals nothing, not even the NaN class np.unique reports: those samples would vanish.
            raise ValueError("stratify: y holds NaN or inf labels; drop or fill those samples first")
        labels, class_sizes = np.unique(y, return_counts=True)
        val_counts = _stratified_val_counts(class_sizes, val_fraction)
        val_parts, train_parts = [], []
        for label, n_val in zip(labels, val_counts):
            members = generator.permutation(np.flatnonzero(y == label))
            val_parts.append(members[:n_val])
            train_parts.append(members[n_val:])
        # Shuffle across classes too, so that the arrays are not sorted by label.
        val_index = generator.permutation(np.concatenate(val_parts))
        train_index = generator.permutation(np.concatenate(train_parts))
    else:
        order = generator.permutation(x.shape[0])
        n_val = int(round(val_fraction * x.shape[0]))
        val_index, train_index = order[:n_val], order[n_val:]
    if train_index.size == 0 or val_index.size == 0:
        raise ValueError(
            f"val_fraction={val_fraction} of {x.shape[0]} samples leaves one part empty: "
            "use more samples or another fraction"
        )
    return (x[train_index], y[train_index]), (x[val_index], y[val_index])


def _stratified_val_counts(class_sizes: np.ndarray, val_fraction: float) -> np.ndarray:
    """Validation samples per class: ``round(val_fraction * size)`` each, so every class keeps its share.

    Where that leaves a part empty (many small classes, e.g. 20 images of 10 digits at 0.1), the
    ``round(val_fraction * N)`` samples of an unstratified split go to the classes with the largest
    remainders instead, as scikit-learn's stratified splits allocate them.
    """
    counts = np.round(val_fraction * class_sizes).astype(np.int64)
    total = int(class_sizes.sum())
    if 0 < counts.sum() < total:
        return counts
    wanted = int(round(val_fraction * total))
    exact = val_fraction * class_sizes
    counts = np.floor(exact).astype(np.int64)
    by_remainder = np.argsort(-(exact - counts), kind="stable")
    counts[by_remainder[: max(wanted - int(counts.sum()), 0)]] += 1
    return counts


def _numeric(x: np.ndarray) -> np.ndarray:
    if x.dtype.kind not in "fiub":
        raise TypeError(f"Standardizer needs real numbers (float, int or bool), got dtype {x.dtype}")
    return x


class Standardizer:
    """Per-feature standardisation ``(x - mean) / std`` with statistics fitted on training data only.

    Features with zero spread get std 1 (they are centred, not divided by zero). Floating inputs keep
    their dtype; integer inputs become float32.
    """

    def __init__(self) -> None:
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, x: Any) -> Standardizer:
        x = _numeric(_as_array(x, "x"))
        if x.shape[0] < 1:
            raise ValueError("Standardizer.fit needs at least one sample")
        finite = np.isfinite(x).reshape(x.shape[0], -1).all(axis=0)
        if not finite.all():
            # One NaN or inf would make its feature's mean or std NaN, and every transformed value too.
            features = np.flatnonzero(~finite)[:10].tolist()
            raise ValueError(
                f"Standardizer.fit: x holds NaN or inf in features {features} (flat feature indices): "
                "clean or impute them first"
            )
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype("float32")
        # Statistics in float64, whatever the input: float32 sums over many samples lose digits.
        # asarray: for one feature per sample (x of shape (N,)) these are NumPy scalars, not arrays.
        mean = np.asarray(x.mean(axis=0, dtype=np.float64))
        std = np.asarray(x.std(axis=0, dtype=np.float64))
        std[std == 0] = 1.0
        self.mean, self.std = mean.astype(dtype), std.astype(dtype)
        return self

    def _check_fitted(self, x: Any) -> np.ndarray:
        if self.mean is None or self.std is None:
            raise RuntimeError("Standardizer is not fitted: call fit(x_train) first")
        x = _numeric(_as_array(x, "x"))
        if x.shape[1:] != self.mean.shape:
            raise ValueError(f"Standardizer fitted on features of shape {self.mean.shape}, got {x.shape[1:]}")
        return x

    def transform(self, x: Any) -> np.ndarray:
        x = self._check_fitted(x)
        return ((x - self.mean) / self.std).astype(self.mean.dtype, copy=False)

    def fit_transform(self, x: Any) -> np.ndarray:
        return self.fit(x).transform(x)

    def inverse_transform(self, x: Any) -> np.ndarray:
        x = self._check_fitted(x)
        return (x * self.std + self.mean).astype(self.mean.dtype, copy=False)

    def state_dict(self) -> dict:
        if self.mean is None or self.std is None:
            raise RuntimeError("Standardizer is not fitted: nothing to save")
        return {"mean": self.mean.copy(), "std": self.std.copy()}

    def load_state_dict(self, state: dict) -> None:
        if not isinstance(state, dict) or not {"mean", "std"} <= state.keys():
            raise ValueError(f"a Standardizer state is a dict with 'mean' and 'std', got {state!r:.200}")
        mean, std = (
            value.numpy() if isinstance(value, Tensor) else np.asarray(value)
            for value in (state["mean"], state["std"])
        )
        if mean.shape != std.shape or mean.dtype.kind != "f" or std.dtype != mean.dtype:
            raise ValueError(
                f"bad Standardizer state: mean {mean.dtype} {mean.shape}, std {std.dtype} {std.shape}"
            )
        if not (np.isfinite(mean).all() and np.isfinite(std).all() and (std > 0).all()):
            raise ValueError("bad Standardizer state: mean must be finite and std finite and positive")
        self.mean, self.std = mean.copy(), std.copy()


def standardize(train: Any, *others: Any) -> tuple[np.ndarray, ...]:
    """Standardise ``train`` with its own per-feature statistics and ``others`` with the same ones."""
    standardizer = Standardizer().fit(train)
    return tuple(standardizer.transform(x) for x in (train, *others))
