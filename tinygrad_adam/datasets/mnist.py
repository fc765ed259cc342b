"""Fashion-MNIST and MNIST from their four official IDX files, returned as Keras returns them.

``(x_train, y_train), (x_test, y_test)``: images uint8 of shape (N, 28, 28) (other sizes read too: see
``tg.datasets.load_images`` for image sets of other classes), labels uint8 of shape (N,).
The files are searched, in order, in ``root``, in ``$TINYGRAD_ADAM_DATA``, and in the folder of the
system package (Debian's ``dataset-fashion-mnist`` puts Fashion-MNIST in
``/usr/share/datasets/fashion-mnist/``); a ``fashion-mnist``/``mnist`` subfolder of ``root`` or
``$TINYGRAD_ADAM_DATA`` counts too, as does torchvision's ``MNIST/raw`` (``FashionMNIST/raw``).
Files may be gzipped or not, and named ``train-images-idx3-ubyte`` or ``train-images.idx3-ubyte``
(any case); a folder without them may hold the four arrays in one ``.npz`` as Keras saves them
(``mnist.npz``; ``fashion-mnist.npz``), read without pickles.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .idx import read_idx
from .images import check_images

DATA_ENV = "TINYGRAD_ADAM_DATA"
SYSTEM_DATASETS = Path("/usr/share/datasets")  # where Debian's dataset-* packages install
NUM_CLASSES = 10
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class IdxImageSet:
    """Where an MNIST-like dataset lives and how to check a download of it."""

    title: str
    folder_name: str  # the usual folder name: under $TINYGRAD_ADAM_DATA, root and /usr/share/datasets
    url: str  # the official files are url + FILE + ".gz"
    md5: dict[str, str]  # FILE -> MD5 of ...
    md5_of_decompressed: bool  # ... the decompressed file (True) or the downloaded .gz (False)
    how_to_install: str  # a system package to install first, if there is one
    torchvision_folder: str  # where torchvision.datasets keeps the files under its root
    npz_names: tuple[str, ...] = ()  # one .npz of the four arrays, as Keras saves it (mnist.npz)

    @property
    def system_folder(self) -> Path:
        return SYSTEM_DATASETS / self.folder_name

    def folders_under(self, base: Path) -> list[Path]:
        """``base`` and the subfolders of it that may hold the files: ours, then torchvision's."""
        return [base, base / self.folder_name, base / self.torchvision_folder]


FASHION_MNIST = IdxImageSet(
    title="Fashion-MNIST",
    folder_name="fashion-mnist",
    url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    md5={
        "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
        "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
        "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
    },
    md5_of_decompressed=True,
    how_to_install="on Debian or Ubuntu `sudo apt-get install dataset-fashion-mnist`, or ",
    torchvision_folder="FashionMNIST/raw",
    npz_names=("fashion-mnist.npz", "fashion_mnist.npz"),
)

MNIST = IdxImageSet(
    title="MNIST",
    folder_name="mnist",
    url="https://ossci-datasets.s3.amazonaws.com/mnist/",
    md5={
        "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    md5_of_decompressed=False,
    how_to_install="",
    torchvision_folder="MNIST/raw",
    npz_names=("mnist.npz",),
)


def load_fashion_mnist(root: str | os.PathLike | None = None, download: bool = False) -> tuple[Split, Split]:
    """Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 60,000 + 10,000 images of 10 kinds of clothing.

    Class names: ``FASHION_MNIST_CLASSES``. ``download=True`` fetches the official files into ``root``
    (or ``$TINYGRAD_ADAM_DATA``, or ``~/.cache/tinygrad_adam/fashion-mnist``) when none are found.
    """
    return load_idx_image_set(FASHION_MNIST, root, download)


def load_mnist(root: str | os.PathLike | None = None, download: bool = False) -> tuple[Split, Split]:
    """MNIST (LeCun, Bottou, Bengio and Haffner, 1998): 60,000 + 10,000 handwritten digits."""
    return load_idx_image_set(MNIST, root, download)


def _spellings(name: str) -> list[str]:
    dotted = name.replace("-idx", ".idx")  # train-images.idx3-ubyte, as some copies name them
    return [name, f"{name}.gz", dotted, f"{dotted}.gz"]


def _search_folders(dataset: IdxImageSet, root: str | os.PathLike | None) -> list[tuple[Path | None, str]]:
    """(folder, why it is searched) in search order; folder None for an unset $TINYGRAD_ADAM_DATA."""
    folders: list[tuple[Path | None, str]] = []
    if root is not None:  # "~/data" as torchvision reads it
        folders += [(folder, "root") for folder in dataset.folders_under(Path(root).expanduser())]
    environment = os.environ.get(DATA_ENV)
    if environment:
        folders += [(folder, f"${DATA_ENV}") for folder in dataset.folders_under(Path(environment))]
    else:
        folders.append((None, f"${DATA_ENV} is not set"))
    folders.append((dataset.system_folder, "system package folder"))
    return folders


def _files_in(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """The dataset files found in ``folder`` and the names of those missing.

    A file may also sit in a folder of its own name (``train-images-idx3-ubyte/train-images-idx3-ubyte``),
    as some archives of MNIST unpack. Names are compared without regard to case.
    """
    found, missing = {}, []
    try:  # names compared case-blind: copies from Windows may read TRAIN-IMAGES-IDX3-UBYTE
        listing = {entry.name.lower(): entry for entry in folder.iterdir()}
    except OSError:
        listing = {}
    for name in FILES:
        candidates = [
            path
            for spelling in _spellings(name)
            if spelling in listing
            for path in (listing[spelling], _entry(listing[spelling], spelling))
        ]
        paths = [path for path in candidates if path is not None and path.is_file()]
        if paths:
            found[name] = paths[0]
        else:
            missing.append(name)
    return found, missing


def _entry(folder: Path, name: str) -> Path | None:
    """The entry of ``folder`` called ``name`` (case-blind), if ``folder`` is a folder holding one."""
    if not folder.is_dir():
        return None
    return next((entry for entry in folder.iterdir() if entry.name.lower() == name), None)


def load_idx_image_set(
    dataset: IdxImageSet, root: str | os.PathLike | None = None, download: bool = False
) -> tuple[Split, Split]:
    """Find, read and check the four IDX files of ``dataset`` (see the module docstring); ``root``
    may also be a .npz file of the four arrays."""
    if root is not None and Path(root).expanduser().is_file() and str(root).endswith(".npz"):
        return _read_npz(dataset, Path(root).expanduser())
    report = []
    for folder, reason in _search_folders(dataset, root):
        if folder is None or not folder.is_dir():
            report.append(f"  - {reason}" if folder is None else f"  - {folder} ({reason}): no such folder")
            continue
        found, missing = _files_in(folder)
        if not missing:
            return _read_splits(dataset, found)
        npz = npz_in(dataset, folder)
        if npz is not None:
            return _read_npz(dataset, npz)
        report.append(f"  - {folder} ({reason}): missing {', '.join(missing)}")
    if download:
        if root is not None:
            target = Path(root).expanduser()
        else:
            base = os.environ.get(DATA_ENV) or Path.home() / ".cache" / "tinygrad_adam"
            target = Path(base) / dataset.folder_name
        download_idx_image_set(dataset, target)
        return _read_splits(dataset, _files_in(target)[0])
    raise FileNotFoundError(
        f"{dataset.title} not found. Looked for {', '.join(FILES)} (optionally .gz, or spelled like "
        f"train-images.idx3-ubyte), or {' or '.join(dataset.npz_names)} (Keras' four arrays), in:\n"
        + "\n".join(report)
        + "\n"
        f"To get the files: {dataset.how_to_install}download the four .gz files from {dataset.url} into a "
        f"folder and pass root=FOLDER (or set {DATA_ENV}=FOLDER), or pass download=True."
    )


def npz_in(dataset: IdxImageSet, folder: Path) -> Path | None:
    """The dataset's .npz file in ``folder`` (Keras' ``mnist.npz``), if there is one."""
    return next((folder / name for name in dataset.npz_names if (folder / name).is_file()), None)


def _read_npz(dataset: IdxImageSet, path: Path) -> tuple[Split, Split]:
    """The four arrays of a .npz as Keras saves them: x_train, y_train, x_test, y_test."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            missing = [key for key in NPZ_KEYS if key not in arrays.files]
            if missing:
                raise ValueError(
                    f"{path}: no {', '.join(missing)} in it (it holds {arrays.files}); a {dataset.title} "
                    f".npz holds {', '.join(NPZ_KEYS)}, as Keras saves it"
                )
            try:
                loaded = {key: arrays[key] for key in NPZ_KEYS}
            except ValueError as error:  # an array of Python objects: reading it would run a pickle
                raise ValueError(f"{path}: {error} (pickled arrays are never loaded)") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"{path}: not a readable .npz file ({type(error).__name__}: {error})") from None
    splits = []
    for split in ("train", "test"):
        images, labels = loaded[f"x_{split}"], loaded[f"y_{split}"]
        if labels.dtype.kind in "iu" and labels.ndim == 1 and labels.size and labels.min() >= 0:
            labels = labels.astype(np.uint8) if labels.max() < 256 else labels
        where = f"{path}:x_{split}", f"{path}:y_{split}"
        splits.append(_checked_pair(dataset, images, labels, *where))
    return tuple(splits)


def _read_splits(dataset: IdxImageSet, paths: dict[str, Path]) -> tuple[Split, Split]:
    return tuple(
        _read_pair(dataset, paths[f"{split}-images-idx3-ubyte"], paths[f"{split}-labels-idx1-ubyte"])
        for split in ("train", "t10k")
    )


def _read_pair(dataset: IdxImageSet, images_path: Path, labels_path: Path) -> Split:
    return _checked_pair(dataset, read_idx(images_path), read_idx(labels_path), images_path, labels_path)


def _checked_pair(
    dataset: IdxImageSet, images: np.ndarray, labels: np.ndarray, images_path: object, labels_path: object
) -> Split:
    """Images uint8 (N, H, W) or (N, H, W, C) (28 x 28 in the official files; any size, as torchvision
    and Keras read copies such as KMNIST's) and as many labels uint8 in 0..9, or an error naming the file."""
    idx = isinstance(images_path, Path)  # else an array of a .npz
    check_images(images, images_path, f"{dataset.title} images")
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{labels_path}: expected {dataset.title} labels, uint8 of shape (N,)"
            f"{' (IDX magic number 2049)' if idx else ''}, got {labels.dtype} of shape {labels.shape}"
        )
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{dataset.title}: {images_path} holds {images.shape[0]} images but {labels_path} holds "
            f"{labels.shape[0]} labels"
        )
    if labels.size and labels.max() >= NUM_CLASSES:
        raise ValueError(
            f"{labels_path}: label {labels.max()} is out of range 0..{NUM_CLASSES - 1} (image sets of other "
            "classes, such as EMNIST's, read with tg.datasets.load_images: --dataset images)"
        )
    return images, labels


def download_idx_image_set(dataset: IdxImageSet, folder: Path) -> None:
    """Fetch the four official .gz files into ``folder``, checking each MD5 before keeping it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        url = f"{dataset.url}{name}.gz"
        with urllib.request.urlopen(url, timeout=60) as response:
            compressed = response.read()
        checked = gzip.decompress(compressed) if dataset.md5_of_decompressed else compressed
        digest = hashlib.md5(checked).hexdigest()
        if digest != dataset.md5[name]:
            raise ValueError(f"download of {url} is damaged: MD5 {digest}, expected {dataset.md5[name]}")
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as file:
            file.write(compressed)
        os.replace(file.name, folder / f"{name}.gz")
