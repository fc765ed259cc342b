"""CIFAR-10 and CIFAR-100 (Krizhevsky, 2009) from the official files you downloaded: never a download here.

``(x_train, y_train), (x_test, y_test)``: images uint8 of shape (N, 3, 32, 32), channels first (red,
green, blue) as PyTorch's ``ToTensor`` lays them out (scale by 1/255 yourself), labels int64 of shape (N,).
Both official versions read: the binary one (``cifar-10-batches-bin``, ``cifar-100-binary``: records
of label bytes + 3072 pixel bytes) and the Python one (``cifar-10-batches-py``, ``cifar-100-python``:
pickled dicts), from the extracted folder, its parent, or the ``.tar.gz`` archive itself. The binary
version is preferred when both are there: it needs no unpickling. Loading an arbitrary pickle runs
code of its author's choosing, so the Python version goes through ``RestrictedUnpickler``, which
builds only built-in containers and NumPy arrays and refuses anything else with an error.
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import numpy as np

IMAGE_SHAPE = (3, 32, 32)  # a record stores 1024 red, then 1024 green, then 1024 blue bytes, rows first
PIXELS = 3 * 32 * 32

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
# fmt: off
CIFAR100_FINE_CLASSES = (  # alphabetical, as in the official meta file
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
    "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
    "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
    "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
    "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle",
    "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear",
    "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon",
    "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail",
    "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone",
    "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale",
    "willow_tree", "wolf", "woman", "worm",
)
CIFAR100_COARSE_CLASSES = (
    "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
    "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
    "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
    "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals", "trees",
    "vehicles_1", "vehicles_2",
)
# fmt: on

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class CifarLayout:
    """One official version of a CIFAR dataset: where its files sit and how a label is stored."""

    folder: str  # the folder the archive extracts to
    archive: str  # the official archive's file name
    train_files: tuple[str, ...]
    test_files: tuple[str, ...]
    binary: bool  # records of label bytes + pixels (True) or pickled dicts (False)
    label_bytes: int = 1  # binary: label bytes before each record's pixels
    label_offset: int = 0  # binary: which of them is the label asked for
    label_key: str = "labels"  # pickle: the dict key holding the labels
    num_classes: int = 10

    @property
    def files(self) -> tuple[str, ...]:
        return self.train_files + self.test_files


def load_cifar10(data_dir: str | os.PathLike) -> tuple[Split, Split]:
    """CIFAR-10: 50,000 + 10,000 colour images of 32x32 pixels in 10 classes (``CIFAR10_CLASSES``)."""
    batches = tuple(f"data_batch_{number}" for number in range(1, 6))
    layouts = (
        CifarLayout(
            "cifar-10-batches-bin",
            "cifar-10-binary.tar.gz",
            tuple(f"{name}.bin" for name in batches),
            ("test_batch.bin",),
            binary=True,
        ),
        CifarLayout("cifar-10-batches-py", "cifar-10-python.tar.gz", batches, ("test_batch",), binary=False),
    )
    return _load("CIFAR-10", layouts, data_dir)


def load_cifar100(
    data_dir: str | os.PathLike, label: Literal["fine", "coarse"] = "fine"
) -> tuple[Split, Split]:
    """CIFAR-100: 50,000 + 10,000 images; ``label="fine"`` gives the 100 classes
    (``CIFAR100_FINE_CLASSES``), ``"coarse"`` the 20 superclasses (``CIFAR100_COARSE_CLASSES``)."""
    if label not in ("fine", "coarse"):
        raise ValueError(f"load_cifar100: label must be 'fine' or 'coarse', got {label!r}")
    num_classes = len(CIFAR100_FINE_CLASSES if label == "fine" else CIFAR100_COARSE_CLASSES)
    layouts = (
        CifarLayout(  # each record: coarse label byte, fine label byte, pixels
            "cifar-100-binary",
            "cifar-100-binary.tar.gz",
            ("train.bin",),
            ("test.bin",),
            binary=True,
            label_bytes=2,
            label_offset=0 if label == "coarse" else 1,
            num_classes=num_classes,
        ),
        CifarLayout(
            "cifar-100-python",
            "cifar-100-python.tar.gz",
            ("train",),
            ("test",),
            binary=False,
            label_key=f"{label}_labels",
            num_classes=num_classes,
        ),
    )
    return _load("CIFAR-100", layouts, data_dir)


def _load(title: str, layouts: tuple[CifarLayout, ...], data_dir: str | os.PathLike) -> tuple[Split, Split]:
    """Find the first layout whose files are all present (see the module docstring) and read it."""
    base = Path(data_dir).expanduser()
    if not base.exists():
        raise FileNotFoundError(f"{title}: {base} does not exist")
    report = []
    for layout in layouts:
        places = [base] if base.is_file() else [base, base / layout.folder, base / layout.archive]
        for place in places:
            if place.is_file():
                contents, missing = _archive_files(place, layout.files)
            elif place.is_dir():
                contents, missing = _folder_files(place, layout.files)
            else:
                continue
            if not missing:
                return tuple(
                    _read_split(title, layout, [(_shown(place, name), contents[name]) for name in files])
                    for files in (layout.train_files, layout.test_files)
                )
            report.append(f"  - {place} ({layout.folder} version): missing {', '.join(missing)}")
    raise FileNotFoundError(
        f"{title} not found in {base}. Looked for the official binary or Python version, extracted "
        f"({' or '.join(layout.folder for layout in layouts)}, or its parent) or as the .tar.gz archive "
        f"({' or '.join(layout.archive for layout in layouts)}):\n" + "\n".join(report) + "\n"
        "Download one from https://www.cs.toronto.edu/~kriz/cifar.html and pass its folder or archive."
    )


def _shown(place: Path, name: str) -> str:
    """How errors name a file: its path, or ``archive:name`` for one inside an archive."""
    return str(place / name) if place.is_dir() else f"{place}:{name}"


def _folder_files(folder: Path, names: tuple[str, ...]) -> tuple[dict[str, bytes], list[str]]:
    """The bytes of each of ``names`` in ``folder`` (only when none is missing), and those missing."""
    missing = [name for name in names if not (folder / name).is_file()]
    return ({} if missing else {name: (folder / name).read_bytes() for name in names}), missing


def _archive_files(archive: Path, names: tuple[str, ...]) -> tuple[dict[str, bytes], list[str]]:
    """The bytes of each of ``names`` in a tar archive (matched by file name, in any folder)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            found = {}
            for member in tar:
                name = PurePosixPath(member.name).name
                if member.isfile() and name in names and name not in found:
                    found[name] = tar.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"{archive}: not a readable tar archive ({error}); pass the official .tar.gz archive or the "
            f"folder holding the extracted files"
        ) from error
    return found, [name for name in names if name not in found]


def _read_split(title: str, layout: CifarLayout, files: list[tuple[str, bytes]]) -> Split:
    """One split from its files ``(name for errors, bytes)``, concatenated in order, labels checked."""
    parts = [(_read_records if layout.binary else _read_pickle)(layout, name, raw) for name, raw in files]
    for (name, _), (_, file_labels) in zip(files, parts):  # in their own dtype: uint64 2**63 shows as is
        bad = file_labels[(file_labels < 0) | (file_labels >= layout.num_classes)]
        if bad.size:
            raise ValueError(
                f"{name}: label {bad[0]} is out of range 0..{layout.num_classes - 1} for {title}"
            )
    images = np.concatenate([images for images, _ in parts])
    return images, np.concatenate([labels.astype(np.int64) for _, labels in parts])


def _read_records(layout: CifarLayout, name: str, raw: bytes) -> Split:
    """Images and labels of a binary file: fixed-size records, label byte(s) then 3072 pixel bytes."""
    record = layout.label_bytes + PIXELS
    if not raw or len(raw) % record:
        raise ValueError(
            f"{name}: {len(raw)} bytes is not a whole number of {record}-byte records "
            f"({layout.label_bytes} label byte(s) + {PIXELS} pixels): truncated or not a {layout.folder} file"
        )
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, record)
    labels = records[:, layout.label_offset].astype(np.int64)
    return records[:, layout.label_bytes :].reshape(-1, *IMAGE_SHAPE).copy(), labels


# The globals a pickled NumPy array needs (old and new NumPy module paths, pickle protocols 2 to 5);
# none of them can run code of the file's choosing.
ALLOWED_PICKLE_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        ("_codecs", "encode"),  # how Python 3 pickles bytes at protocol 2
    }
)


class RefusedPickleGlobal(pickle.UnpicklingError):
    """A pickle named a function or class outside ``ALLOWED_PICKLE_GLOBALS``: refused, not called."""


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that builds only built-in containers and NumPy arrays.

    A pickle names functions that loading calls, so loading an arbitrary one runs code (``os.system``
    included). This one refuses every global outside ``ALLOWED_PICKLE_GLOBALS`` before calling it.
    """

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in ALLOWED_PICKLE_GLOBALS:
            raise RefusedPickleGlobal(
                f"refused to load the global {module}.{name}: a CIFAR batch holds only dicts, lists and "
                f"NumPy arrays, and loading other objects from a pickle can run arbitrary code"
            )
        with warnings.catch_warnings():  # NumPy 2 warns on the numpy.core path that old pickles name
            warnings.simplefilter("ignore", DeprecationWarning)
            return super().find_class(module, name)


def _read_pickle(layout: CifarLayout, name: str, raw: bytes) -> Split:
    """Images and labels of a Python-version batch: a pickled dict with ``data`` and the label key.

    The official files were pickled by Python 2: their str keys load as bytes (``encoding="bytes"``).
    """
    try:
        batch = RestrictedUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except RefusedPickleGlobal as error:
        raise RefusedPickleGlobal(f"{name}: {error}") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as error:
        raise ValueError(f"{name}: not a readable CIFAR pickle ({type(error).__name__}: {error})") from None
    if not isinstance(batch, dict):
        raise ValueError(f"{name}: expected a pickled dict, got {type(batch).__name__}")
    batch = {key.decode("latin-1") if isinstance(key, bytes) else key: value for key, value in batch.items()}
    for key in ("data", layout.label_key):
        if key not in batch:
            raise ValueError(
                f"{name}: the pickled dict has no {key!r} entry (it has {sorted(map(str, batch))})"
            )
    data = batch["data"]
    if (
        not isinstance(data, np.ndarray)
        or data.dtype != np.uint8
        or data.ndim != 2
        or data.shape[1] != PIXELS
    ):
        found = f"{data.dtype} of shape {data.shape}" if isinstance(data, np.ndarray) else type(data).__name__
        raise ValueError(f"{name}: 'data' must be uint8 of shape (N, {PIXELS}), got {found}")
    raw_labels = batch[layout.label_key]
    # Python ints kept as they are: NumPy makes floats of [1, 2**64 - 1] (int64 and uint64 mixed).
    exact = isinstance(raw_labels, list) and all(type(label) is int for label in raw_labels)
    try:
        labels = np.asarray(raw_labels, dtype=object if exact else None)
    except ValueError:  # a ragged list ([0, [1]]): NumPy's message would not name the file
        labels = np.asarray(raw_labels, dtype=object)
    if labels.ndim != 1 or labels.shape[0] != data.shape[0] or not (exact or labels.dtype.kind in "iu"):
        raise ValueError(
            f"{name}: {layout.label_key!r} must be {data.shape[0]} integers (one per image), "
            f"got {labels.dtype} of shape {labels.shape}"
        )
    return data.reshape(-1, *IMAGE_SHAPE).copy(), labels  # int64 once _read_split has checked them
