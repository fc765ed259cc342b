"""Image classification sets you bring, of any image size, from the files users have on disk: never a
download, never a pickle.

``load_images(path)`` reads, and returns as Keras does, ``(x_train, y_train), (x_test, y_test)``:
images uint8 as stored, (N, H, W) or (N, H, W, C), labels int64 (N,) of class indices 0..K-1.
``path`` may be

- a folder of IDX files (MNIST's format, gzipped or not) named ``[prefix]train-images-idx3-ubyte``,
  ``[prefix]train-labels-idx1-ubyte`` and ``t10k``/``test`` alike: MNIST, Fashion-MNIST, KMNIST,
  EMNIST (``emnist-letters-train-images-idx3-ubyte.gz``), or your own of any HxW (HxWxC: 4 dimensions);
- a folder of KMNIST's ``.npz`` quartet (``kmnist-train-imgs.npz``, ``kmnist-train-labels.npz``, ...);
- a Keras-style ``.npz`` file with ``x_train``, ``y_train``, ``x_test``, ``y_test`` (or only ``x``, ``y``:
  ``test_fraction`` of it is held out, stratified, with ``seed``), or a folder holding one such file.

Where a folder holds several sets (EMNIST's balanced, byclass, letters, ...), ``path`` names one by
its prefix: ``load_images("emnist/gzip/emnist-letters")``.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .idx import read_idx

Split = tuple[np.ndarray, np.ndarray]
ROLES = ("train-images", "train-labels", "test-images", "test-labels")
# [prefix](train|t10k|test)[-_.](images|imgs|labels)(rest): "emnist-letters-train-images-idx3-ubyte",
# "train-images.idx3-ubyte", "kmnist-test-labels.npz"
_FILE_NAME = re.compile(
    r"^(?P<prefix>.*?)(?P<split>train|t10k|test)[-_.]?(?P<kind>images|imgs|labels)(?P<rest>.*)$"
)
# Files and folders of the official CIFAR versions, which load_cifar10/load_cifar100 read.
CIFAR_NAMES = frozenset(
    {"data_batch_1", "data_batch_1.bin", "batches.meta", "cifar-10-batches-py", "cifar-10-batches-bin"}
    | {"cifar-100-python", "cifar-100-binary", "cifar-10-python.tar.gz", "cifar-100-python.tar.gz"}
)
# Labels K-1 far beyond the classes there are (ids, not class indices) would make a huge output layer.
MAX_SPARE_CLASSES = 1000


def load_images(path: str | os.PathLike, test_fraction: float = 0.2, seed: int = 0) -> tuple[Split, Split]:
    """An image classification set from IDX or ``.npz`` files of any image size (see the module
    docstring). Images are checked (uint8, 3 or 4 dimensions, one shape in both splits), labels too
    (integers, one per image, 0..K-1 with every test label seen in training); errors name the file."""
    path = Path(path).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".npz":
            raise ValueError(
                f"{path}: expected a .npz file or a folder of IDX files, got another file (for an IDX set "
                "pass the folder holding its four files)"
            )
        return _checked_splits(*_read_keras_npz(path, test_fraction, seed))
    folder, prefix = (path, None) if path.is_dir() else (path.parent, path.name.lower())
    if not folder.is_dir():
        raise FileNotFoundError(f"{path} does not exist")
    sets, partial = _sets_in(folder, prefix)
    if len(sets) > 1:
        choices = ", ".join(str(folder / name.rstrip("-_.")) for name in sorted(sets))
        raise ValueError(f"{path} holds {len(sets)} image sets: pass one of {choices}")
    if sets:
        (files,) = sets.values()
        return _checked_splits(*(_read_one(files[role], role) for role in ROLES))
    keras = sorted(
        entry for entry in folder.iterdir() if entry.suffix.lower() == ".npz" and _is_keras_npz(entry)
    )
    if prefix is None and len(keras) == 1:
        return _checked_splits(*_read_keras_npz(keras[0], test_fraction, seed))
    found = "; ".join(
        f"{name or 'no prefix'}: lacks {', '.join(missing)}" for name, missing in sorted(partial.items())
    )
    hints = f"; it holds {len(keras)} Keras .npz files: pass one" if len(keras) > 1 else ""
    if {entry.name for entry in folder.iterdir()} & CIFAR_NAMES:
        hints += (
            "; it holds CIFAR's files: read them with load_cifar10 or load_cifar100 (--dataset cifar10)"
        )
    raise FileNotFoundError(
        f"{path}: no image set found. Expected IDX files [prefix]train-images-idx3-ubyte, "
        "[prefix]train-labels-idx1-ubyte, [prefix]t10k-images-idx3-ubyte (or test-images), "
        "[prefix]t10k-labels-idx1-ubyte (.gz or not), KMNIST's [prefix]train-imgs.npz quartet, or one "
        "Keras .npz with x_train, y_train, x_test, y_test (or x, y)"
        + (f"; incomplete sets there ({found})" if found else "")
        + hints
    )


def channels_first(images: np.ndarray) -> np.ndarray:
    """Images (N, H, W) or (N, H, W, C) as PyTorch lays them out, (N, C, H, W) (a view where it can be).

    A 4-d array whose last axis is not a channel count (1 to 4) but whose second is, is taken as
    channels first already (saved from PyTorch)."""
    if images.ndim == 3:
        return images[:, None]
    if images.ndim != 4:
        raise ValueError(f"images must be (N, H, W) or (N, H, W, C), got shape {images.shape}")
    if images.shape[3] > 4 and images.shape[1] <= 4:
        return images
    return images.transpose(0, 3, 1, 2)


def check_images(images: np.ndarray, where: object, title: str = "images") -> None:
    """Refuse, naming ``where``, anything but uint8 pixels of shape (N, H, W) or (N, H, W, C)."""
    if images.dtype != np.uint8 or images.ndim not in (3, 4) or 0 in images.shape[1:]:
        raise ValueError(
            f"{where}: expected {title}, uint8 pixels 0..255 of shape (N, H, W) or (N, H, W, C), got "
            f"{images.dtype} of shape {images.shape}"
            + (" (convert them with (x * 255).round().astype(np.uint8))" if images.dtype.kind == "f" else "")
        )


def _checked_labels(labels: np.ndarray, where: object, count: int) -> np.ndarray:
    """Labels as int64 (N,): integers, one per image ((N, 1) as Keras' CIFAR keeps them), not negative."""
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise ValueError(
            f"{where}: expected integer class labels of shape (N,), got {labels.dtype} of shape "
            f"{labels.shape}"
        )
    if labels.shape[0] != count:
        raise ValueError(f"{where}: {labels.shape[0]} labels for {count} images: one label per image needed")
    if labels.size and labels.min() < 0:
        raise ValueError(f"{where}: label {labels.min()} is negative: class labels are 0, 1, 2, ...")
    if labels.size and labels.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{where}: label {labels.max()} is out of range for int64")
    return labels.astype(np.int64)


def _checked_splits(
    x_train: tuple[np.ndarray, str],
    y_train: tuple[np.ndarray, str],
    x_test: tuple[np.ndarray, str],
    y_test: tuple[np.ndarray, str],
) -> tuple[Split, Split]:
    """The four arrays, each with where it came from, checked together."""
    splits = []
    for (images, images_at), (labels, labels_at) in ((x_train, y_train), (x_test, y_test)):
        check_images(images, images_at)
        if images.shape[0] == 0:
            raise ValueError(f"{images_at}: holds no images")
        splits.append((images, _checked_labels(labels, labels_at, images.shape[0])))
    (train_images, train_labels), (test_images, test_labels) = splits
    if train_images.shape[1:] != test_images.shape[1:]:
        raise ValueError(
            f"training images {x_train[1]} are {train_images.shape[1:]} but test images {x_test[1]} are "
            f"{test_images.shape[1:]}: both splits need one image shape"
        )
    classes = int(train_labels.max()) + 1
    if test_labels.max() >= classes:
        raise ValueError(
            f"{y_test[1]}: label {test_labels.max()} is out of range: the training labels ({y_train[1]}) "
            f"go 0..{classes - 1}"
        )
    distinct = np.unique(train_labels).size
    if classes > distinct + MAX_SPARE_CLASSES:
        raise ValueError(
            f"{y_train[1]}: labels go up to {classes - 1} for {distinct} distinct classes: class labels "
            "must be indices 0..K-1 (map them with np.unique(y, return_inverse=True))"
        )
    return splits[0], splits[1]


def _sets_in(folder: Path, prefix: str | None) -> tuple[dict[str, dict[str, Path]], dict[str, list[str]]]:
    """The complete sets of IDX / KMNIST-npz files in ``folder`` by prefix, and what the others lack."""
    by_prefix: dict[str, dict[str, Path]] = {}
    for entry in sorted(folder.iterdir()):
        name = entry.name.lower()
        match = _FILE_NAME.match(name[:-3] if name.endswith(".gz") else name)
        if match is None or not entry.is_file():
            continue
        is_npz = match["rest"] == ".npz"
        if not (is_npz or "idx" in match["rest"] or match["rest"] in ("", ".bin", ".ubyte")):
            continue
        if prefix is not None and not match["prefix"].startswith(prefix):
            continue
        split = "train" if match["split"] == "train" else "test"
        role = f"{split}-{'labels' if match['kind'] == 'labels' else 'images'}"
        by_prefix.setdefault(match["prefix"], {}).setdefault(role, entry)
    complete = {name: files for name, files in by_prefix.items() if len(files) == len(ROLES)}
    partial = {
        name: [role for role in ROLES if role not in files]
        for name, files in by_prefix.items()
        if name not in complete
    }
    return complete, partial


def _read_one(path: Path, role: str) -> tuple[np.ndarray, str]:
    """One array of a set: an IDX file, or the single array of a KMNIST-style .npz."""
    if path.name.lower().endswith(".npz"):
        arrays = _load_npz(path)
        if len(arrays) != 1:
            raise ValueError(f"{path}: expected one array ({role}), it holds {sorted(arrays)}")
        return next(iter(arrays.values())), str(path)
    return read_idx(path), str(path)


def _load_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of a .npz, read without pickles (an array of objects is refused)."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            return {key: arrays[key] for key in arrays.files}
    except ValueError as error:  # an array of Python objects: reading it would run a pickle
        raise ValueError(f"{path}: {error} (pickled arrays are never loaded)") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"{path}: not a readable .npz file ({type(error).__name__}: {error})") from None


def _is_keras_npz(path: Path) -> bool:
    try:
        with np.load(path, allow_pickle=False) as arrays:
            keys = set(arrays.files)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error):
        return False
    return {"x_train", "y_train", "x_test", "y_test"} <= keys or {"x", "y"} <= keys


def _read_keras_npz(path: Path, test_fraction: float, seed: int) -> list[tuple[np.ndarray, str]]:
    """x_train, y_train, x_test, y_test of a Keras-style .npz (only x, y: a stratified test split)."""
    arrays = _load_npz(path)
    keys = ("x_train", "y_train", "x_test", "y_test")
    if all(key in arrays for key in keys):
        return [(arrays[key], f"{path}:{key}") for key in keys]
    if not {"x", "y"} <= arrays.keys():
        raise ValueError(
            f"{path}: expected the arrays x_train, y_train, x_test, y_test (or x, y), as Keras saves them; "
            f"it holds {sorted(arrays)}"
        )
    from ..data import train_val_split

    x, y = arrays["x"], arrays["y"]
    check_images(x, f"{path}:x")
    y = _checked_labels(y, f"{path}:y", x.shape[0])
    (x_train, y_train), (x_test, y_test) = train_val_split(
        x, y, val_fraction=test_fraction, seed=seed, stratify=True
    )
    return [
        (x_train, f"{path}:x"),
        (y_train, f"{path}:y"),
        (x_test, f"{path}:x (held-out part)"),
        (y_test, f"{path}:y (held-out part)"),
    ]
