"""The 8x8 handwritten digits (UCI optdigits, 1,797 images) that ship with the package: always offline."""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np

from ..data.preprocessing import train_val_split

DIGITS_FILE = "digits.csv.gz"  # origin and licence: DIGITS_LICENSE.md beside it


def load_digits(
    test_fraction: float = 0.2, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: x float32 (n, 64) of raw values 0..16, y int64 0..9.

    The split is stratified (each digit keeps its share in both parts) and seeded: the same seed
    gives the same split. Scale x yourself (``x / 16`` or ``tg.data.standardize``).
    """
    with resources.files(__package__).joinpath(DIGITS_FILE).open("rb") as compressed:
        table = np.loadtxt(gzip.open(compressed), delimiter=",", dtype=np.int64)
    x, y = table[:, :64].astype(np.float32), table[:, 64]
    return train_val_split(x, y, val_fraction=test_fraction, seed=seed, stratify=True)
