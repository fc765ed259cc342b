"""``python -m tinygrad_adam train``: an MLP trained with any optimizer, test accuracy at the end.

Fashion-MNIST (Debian's ``dataset-fashion-mnist``, or IDX files under ``--data-dir``) is the default;
where it is not installed the command says so and trains on the bundled 8x8 digits instead. CIFAR-10/100
(the official files under ``--data-dir``), image sets of any size (``--dataset images``: IDX or Keras
.npz files under ``--data-dir``) and CSV tables (``--csv``: classification, or regression with MSE reported
as RMSE) train the same MLP on flattened, scaled or standardised features; ``--model cnn`` trains a small
convolutional net on the images instead.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import pickle
import re
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DATASETS = ("fashion-mnist", "mnist", "digits", "cifar10", "cifar100", "images", "csv")
CIFAR_DATASETS = ("cifar10", "cifar100")
# Datasets read only from files the user names with --data-dir: nothing installed, nothing downloaded.
DATA_DIR_DATASETS = (*CIFAR_DATASETS, "images")
MODELS = ("mlp", "cnn")
CNN_HIDDEN = "128"  # the CNN's dense layer after its two conv blocks, unless --hidden says otherwise
SCHEDULES = ("cosine", "constant")
INSTALL_HINT = (
    "install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or pass --data-dir "
    "with the four IDX files (train-images-idx3-ubyte.gz, ...)"
)
# Debian packages only Fashion-MNIST: for MNIST the files are the only way.
INSTALL_HINTS = {
    "fashion-mnist": INSTALL_HINT,
    "mnist": "pass --data-dir with its four IDX files (train-images-idx3-ubyte.gz, ...)",
}
CIFAR_FILES = {
    "cifar10": "cifar-10-batches-py (data_batch_1 ... data_batch_5, test_batch) or cifar-10-python.tar.gz",
    "cifar100": "cifar-100-python (train, test) or cifar-100-python.tar.gz",
    "images": "IDX files [prefix]train-images-idx3-ubyte, [prefix]train-labels-idx1-ubyte, "
    "[prefix]t10k-images-idx3-ubyte, [prefix]t10k-labels-idx1-ubyte (any image size; .gz or not; "
    "DIR/PREFIX picks one set of several, e.g. emnist-letters), or a Keras .npz with x_train, y_train, "
    "x_test, y_test (or x, y: a fifth held out for the test) of uint8 images (N, H, W) or (N, H, W, C)",
}
CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar.html"

# Defaults per dataset, measured to reach the README's targets (see the report in the README).
DATASET_DEFAULTS: dict[str, dict[str, Any]] = {
    "fashion-mnist": dict(epochs=10, batch_size=128, hidden="512,256", dropout=0.2, val_fraction=0.1),
    "mnist": dict(epochs=10, batch_size=128, hidden="512,256", dropout=0.2, val_fraction=0.1),
    "digits": dict(epochs=40, batch_size=32, hidden="256", dropout=0.2, val_fraction=0.1),
    "cifar10": dict(epochs=20, batch_size=128, hidden="1024,512", dropout=0.2, val_fraction=0.1),
    "cifar100": dict(epochs=20, batch_size=128, hidden="1024,512", dropout=0.2, val_fraction=0.1),
    "images": dict(epochs=10, batch_size=128, hidden="512,256", dropout=0.2, val_fraction=0.1),
    "csv": dict(epochs=50, batch_size=32, hidden="64,64", dropout=0.1, val_fraction=0.1),
}
# What a CSV run reads, saved with the run so that --resume reads the same table the same way.
CSV_SETTINGS = (
    "csv", "target", "test_csv", "test_fraction", "task", "missing",
    "delimiter", "decimal", "encoding", "ignore",
)  # fmt: skip
CSV_DEFAULTS: dict[str, Any] = dict(
    target="-1",
    test_csv=None,
    test_fraction=0.2,
    task="auto",
    missing="raise",
    delimiter="auto",
    decimal="auto",
    encoding="utf-8-sig",
    ignore="",
)
# Learning rates that suit each optimizer on these MLPs (the optimizers' own defaults are PyTorch's).
OPTIMIZER_LRS = {
    "sgd": 0.05,
    "momentum": 0.01,
    "rmsprop": 1e-3,
    "adagrad": 0.01,
    "adadelta": 1.0,
    "adam": 1e-3,
    "adamw": 1e-3,
    "adamax": 2e-3,
    "nadam": 1e-3,
    "radam": 1e-3,
    "adabound": 1e-3,
    "lion": 3e-4,
    "rprop": 1e-2,
    "asgd": 0.05,
    "adafactor": 1e-2,
}


def optimizer_classes() -> dict[str, type]:
    """Every optimizer of ``tg.optim`` by lower-case name (PyTorch's spellings fold into ours),
    in the order of ``OPTIMIZER_LRS`` (roughly by age), then any others; not those whose step
    needs a closure (LBFGS), which a training loop of minibatches cannot give, nor those that take
    only matrices (Muon), which cannot step a model's biases."""
    from . import optim

    classes: dict[str, type] = {}
    for name in optim.__all__:
        value = getattr(optim, name)
        if isinstance(value, type) and issubclass(value, optim.Optimizer) and value is not optim.Optimizer:
            if not getattr(value, "step_needs_closure", False) and not getattr(value, "matrices_only", False):
                classes.setdefault(name.lower(), value)
    order = list(OPTIMIZER_LRS)
    return dict(
        sorted(classes.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    )


def _int_at_least(minimum: int, meaning: str) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum``, with an error that says what was expected."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {meaning} integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a {meaning} integer, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1, "positive")
_non_negative_int = _int_at_least(0, "non-negative")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _fraction(text: str, include_zero: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not (0 <= value < 1) or (value == 0 and not include_zero):
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {value}")
    return value


def _hidden(text: str) -> str:
    """``"256,128"`` -> the same text, checked: comma-separated positive layer widths (or "")."""
    # "" asks for no hidden layer; an empty width between commas ("256,,128", ",,") is a typo.
    parts = [part.strip() for part in text.split(",")] if text.strip() else []
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive layer widths such as 256,128, got {text!r}"
        )
    return ",".join(parts)


def _delimiter(text: str) -> str:
    """A --delimiter: "auto", one character, "\\t" or "tab" for a tab, "space" for runs of spaces."""
    text = {"\\t": "\t", "tab": "\t", "space": " "}.get(text, text)
    if text != "auto" and len(text) != 1:
        raise argparse.ArgumentTypeError(f"must be 'auto' or one character such as ';' or '\\t': {text!r}")
    return text


def _optimizer_name(text: str) -> str:
    names = optimizer_classes()
    if text.lower() not in names:
        raise argparse.ArgumentTypeError(f"unknown optimizer {text!r}: choose from {', '.join(names)}")
    return text.lower()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_adam",
        description="tinygrad_adam: a small, exact deep-learning framework built around Adam.",
        epilog=(
            "examples:\n"
            "  python -m tinygrad_adam train                       # MLP + Adam on Fashion-MNIST\n"
            "  python -m tinygrad_adam train --dataset digits --optimizer sgd --lr 0.05\n"
            "  python -m tinygrad_adam train --save run.npz        # stop it (Ctrl-C) after a few epochs,\n"
            "  python -m tinygrad_adam train --resume run.npz      # then continue exactly where it was\n"
            "  python -m tinygrad_adam train --help                # every option of train"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    names = ", ".join(optimizer_classes())
    train = commands.add_parser(
        "train",
        help="train an MLP classifier and print its test accuracy",
        description=(
            "Train an MLP (Linear + ReLU layers, PyTorch's initialisation; softmax cross-entropy, or MSE "
            "for a CSV regression target) and print its test accuracy (RMSE for a regression). "
            "Fashion-MNIST is read from "
            "--data-dir, $TINYGRAD_ADAM_DATA or /usr/share/datasets/fashion-mnist (Debian: apt-get "
            "install dataset-fashion-mnist); "
            "without it, and without an explicit --dataset, the bundled 8x8 digits are used. "
            "CIFAR-10 and CIFAR-100 (100 classes, or 20 with --cifar100-labels coarse) are read from "
            "the official files under "
            "--data-dir (the Python version, or the binary one; never downloaded). "
            "--dataset images reads an image set of any size from --data-dir: IDX files (EMNIST, KMNIST, "
            "yours) or a Keras .npz. "
            "--csv trains on a table of yours: see the CSV options below. "
            "Pixels are scaled to [0, 1] and flattened (Fashion-MNIST, MNIST; CIFAR and images are also "
            "standardised per channel with the training part's statistics) or standardised "
            "per pixel (digits); CSV features are standardised with the training part's statistics. "
            f"--model cnn trains two conv blocks (3x3 conv, ReLU, 2x2 max pool; 32 then 64 channels) "
            f"and a dense layer of --hidden widths (default {CNN_HIDDEN}) on the images instead of the MLP. "
            "The Adam learning rate anneals from --lr to 0 over the epochs (--schedule cosine). "
            "Defaults depend on the dataset: "
            + "; ".join(
                f"{name}: {d['epochs']} epochs, batch {d['batch_size']}, hidden {d['hidden']}, "
                f"dropout {d['dropout']}, validation fraction {d['val_fraction']}"
                for name, d in DATASET_DEFAULTS.items()
            )
            + "."
        ),
    )
    train.add_argument(
        "--dataset", choices=DATASETS, help="what to train on (default: fashion-mnist; csv with --csv)"
    )
    train.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder with the dataset's files: the four IDX files (.gz or not) for fashion-mnist and mnist "
        "(or Keras' mnist.npz, fashion-mnist.npz: the folder or the file); "
        f"for cifar10 {CIFAR_FILES['cifar10']}; for cifar100 {CIFAR_FILES['cifar100']} "
        f"(the folder, its parent or the archive; the binary versions read too; from {CIFAR_URL}); "
        f"for images {CIFAR_FILES['images']}",
    )
    train.add_argument(
        "--model",
        choices=MODELS,
        help="mlp (default): flattened pixels through Linear + ReLU layers; cnn: a small convolutional "
        "net for image datasets (two 3x3 conv + 2x2 max pool blocks, then --hidden dense layers)",
    )
    train.add_argument(
        "--optimizer",
        type=_optimizer_name,
        metavar="NAME",
        help=f"any optimizer of tg.optim, case-insensitive: {names} (default: adam)",
    )
    train.add_argument(
        "--lr", type=_positive_float, help="learning rate (default per optimizer; Adam: 0.001)"
    )
    train.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help="learning rate over the epochs: cosine annealing from --lr to 0 (default) or constant",
    )
    train.add_argument("--epochs", type=_positive_int, help="epochs to train, in total when resuming")
    train.add_argument("--batch-size", type=_positive_int, metavar="N", help="samples per batch")
    train.add_argument(
        "--hidden", type=_hidden, metavar="W1,W2,...", help='hidden layer widths, e.g. "256,128"'
    )
    train.add_argument(
        "--dropout",
        type=lambda text: _fraction(text, True),
        metavar="P",
        help="dropout after each hidden layer",
    )
    train.add_argument(
        "--val-fraction",
        type=lambda text: _fraction(text, True),
        metavar="F",
        help="share of the training set held out for validation each epoch (0: none)",
    )
    train.add_argument(
        "--seed",
        type=_non_negative_int,
        help="seed of the weights, dropout, shuffling and splits (default: 0)",
    )
    train.add_argument("--device", help="cpu, cuda, cuda:N or strict (default: $TINYGRAD_ADAM_DEVICE or cpu)")
    train.add_argument("--save", metavar="PATH", help="save the training state here after every epoch")
    train.add_argument(
        "--resume",
        metavar="PATH",
        help="continue the run saved in PATH (its dataset, model and optimizer settings) up to --epochs",
    )
    train.add_argument(
        "--json",
        action="store_true",
        help="end the output with one JSON line: test_accuracy, test_loss, epochs, seconds, dataset, "
        "optimizer (and lr, batch_size, hidden, device, task; class_accuracy for CIFAR and CSV classes; "
        "csv, target, test_csv for CSV; a regression gives test_rmse and test_loss, the test MSE)",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bars or per-epoch lines")
    train.add_argument(
        "--cifar100-labels",
        choices=("fine", "coarse"),
        help="cifar100: its 100 classes (fine, the default) or its 20 superclasses (coarse)",
    )
    table = train.add_argument_group(
        "CSV options",
        "--csv PATH trains on a table of yours (--dataset csv): one row per sample, with a header row or "
        "not, gzipped or not. Every column but --target is a feature; text feature columns are one-hot "
        "encoded (a test file uses the training file's categories and classes). Class labels (integers "
        "or text) train a classifier, and the accuracy of each class is printed with its name. A target "
        "of other numbers is a regression: the MLP fits the standardised target with MSE, the result "
        "is the test RMSE (and MSE) in the target's units, and the per-epoch loss is on the "
        "standardised target.",
    )
    table.add_argument("--csv", metavar="PATH", help="the CSV file to train on (implies --dataset csv)")
    table.add_argument(
        "--target",
        metavar="COLUMN",
        help="the column to predict: a header name or an index from 0 (negative from the end; default: -1, "
        "the last column)",
    )
    table.add_argument(
        "--test-csv",
        metavar="PATH",
        help="a CSV file with the same columns to test on (default: hold out --test-fraction of --csv)",
    )
    table.add_argument(
        "--test-fraction",
        type=lambda text: _fraction(text, False),
        metavar="F",
        help="share of the --csv rows held out for the test without --test-csv (default: 0.2; "
        "stratified by class)",
    )
    table.add_argument(
        "--task",
        choices=("auto", "classification", "regression"),
        help="auto (default): class labels when the target holds integers or text, regression when it "
        "holds other numbers; classification also takes labels written 0.0, 1.0, ...",
    )
    table.add_argument(
        "--missing",
        choices=("raise", "drop"),
        help="rows with a missing value (empty, NA, NaN, ?): an error naming the line (default) or dropped",
    )
    table.add_argument(
        "--delimiter",
        metavar="CHAR",
        type=_delimiter,
        help="the field separator: auto (default: the one of tab, ';', '|' and ',' that splits the first "
        "lines alike, else runs of spaces), or one character, e.g. ';' (files with decimal commas), '\\t' "
        "(tab) or 'space' (columns aligned by runs of spaces)",
    )
    table.add_argument(
        "--decimal",
        choices=("auto", ".", ","),
        help="the decimal mark of the numbers: auto (default: ',' when the delimiter is ';', as "
        "spreadsheets of many countries save, else '.')",
    )
    table.add_argument(
        "--encoding",
        metavar="NAME",
        help="the text encoding (default: UTF-8, with or without a byte-order mark; UTF-16 with one); "
        "e.g. latin-1 or cp1252 for older spreadsheet exports",
    )
    table.add_argument(
        "--ignore",
        metavar="COLUMNS",
        help='columns to leave out, by header name or index, separated by commas (e.g. "id,name")',
    )
    train.set_defaults(command_parser=train)
    return parser


# ---------------------------------------------------------------------------------------------


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class TrainingData:
    """What the command trains on: float32 feature rows, targets, and what the targets mean."""

    train: tuple[np.ndarray, np.ndarray] | None
    test: tuple[np.ndarray, np.ndarray] | None
    outputs: int  # class scores of the model (1 for regression)
    class_names: tuple[str, ...] | None = None
    regression: bool = False  # float targets of shape (N, 1), trained with MSE
    standardize: bool = False  # standardise with the training part's statistics once it is split off
    image_shape: tuple[int, int, int] | None = None  # (C, H, W) of the images each feature row flattens
    standardize_channels: bool = False  # standardise each colour channel (training part's statistics)


def load_dataset(
    name: str, data_dir: str | None, seed: int, options: dict[str, Any] | None = None
) -> TrainingData:
    """The dataset ``name``; ``options`` holds its own settings: ``CSV_SETTINGS`` for csv,
    ``cifar100_labels`` ("fine" or "coarse") for cifar100."""
    from . import datasets
    from .data import standardize

    options = options or {}
    if name == "csv":
        return _load_csv_data(options, seed)
    if name == "digits":
        (x_train, y_train), (x_test, y_test) = datasets.load_digits(seed=seed)
        # 1,437 small images: per-pixel standardisation (fitted on the training set) helps here.
        x_train, x_test = standardize(x_train, x_test)
        class_names, image_shape = None, (1, 8, 8)
    else:
        if name in CIFAR_DATASETS:
            if name == "cifar10":
                loader, class_names = datasets.load_cifar10, datasets.CIFAR10_CLASSES
            else:
                labels = options.get("cifar100_labels", "fine")
                loader = functools.partial(datasets.load_cifar100, label=labels)
                class_names = (
                    datasets.CIFAR100_FINE_CLASSES if labels == "fine" else datasets.CIFAR100_COARSE_CLASSES
                )
        elif name == "images":
            loader = functools.partial(datasets.load_images, seed=seed)
            class_names = None
        else:
            loader = datasets.load_fashion_mnist if name == "fashion-mnist" else datasets.load_mnist
            class_names = None
            if data_dir is not None and not os.path.isfile(data_dir):
                _check_data_dir(name, data_dir)
        (x_train, y_train), (x_test, y_test) = loader(data_dir)
        if name not in CIFAR_DATASETS:  # Keras' (N, H, W[, C]) -> PyTorch's (N, C, H, W); CIFAR's already is
            x_train, x_test = datasets.images.channels_first(x_train), datasets.images.channels_first(x_test)
        image_shape = x_train.shape[1:]
        # Pixels 0..255 -> [0, 1]; rows of 784 (or 3 x 32 x 32 = 3072) features. In place: CIFAR-10's
        # training images take 614 MB as float32, and a second copy would double that.
        x_train, x_test = (x.reshape(x.shape[0], -1).astype(np.float32) for x in (x_train, x_test))
        x_train /= np.float32(255)
        x_test /= np.float32(255)
    if name == "images":  # load_images has checked that the test labels are among the training ones
        outputs = max(2, int(y_train.max()) + 1)
    else:  # MNIST-like datasets have 10 classes, whether or not a small copy of one holds every label.
        outputs = len(class_names) if class_names else max(10, int(max(y_train.max(), y_test.max())) + 1)
    return TrainingData(
        (x_train, y_train.astype(np.int64)),
        (x_test, y_test.astype(np.int64)),
        outputs,
        class_names,
        image_shape=tuple(image_shape),
        # Colour images (and sets of unknown make) are standardised per channel, as torchvision's
        # Normalize(mean, std) is used; (Fashion-)MNIST keeps the [0, 1] pixels its defaults were measured on.
        standardize_channels=name in DATA_DIR_DATASETS,
    )


def _column(text: str) -> int | str:
    """A --target: an integer is a column index, anything else a header name."""
    try:
        return int(text)
    except ValueError:
        return text


def _load_csv_data(options: dict[str, Any], seed: int) -> TrainingData:
    """A table through ``tg.datasets.load_csv``: text features one-hot, the test part from
    --test-csv (read with the training file's classes and categories) or held out of --csv."""
    from .data import train_val_split

    path, target = options["csv"], _column(options["target"])
    common = dict(
        categorical="onehot",
        missing=options["missing"],
        delimiter=options["delimiter"],
        decimal=options["decimal"],
        encoding=options["encoding"],
        ignore=[_column(name.strip()) for name in options["ignore"].split(",") if name.strip()],
        return_feature_names=True,
    )
    x, y, classes, features, categories = _read_csv(
        path, target, task=options["task"], return_classes=True, return_categories=True, **common
    )
    # Columns that name rows rather than describe them (a row number, a name or date on every row) are
    # left out: a model can only memorise them. Text ones are skipped in --test-csv too, where their
    # values are new; a row number there is dropped by name.
    identifiers = _identifier_columns(x, features, categories)
    for column, why in identifiers.items():
        shown = "with no name" if column == "" else repr(column)  # a pandas index has none
        _note(f"note: the column {shown} is left out of the features: {why}")
    dropped = {
        name
        for column in identifiers
        for name in (
            [f"{column}_{value}" for value in categories[column]] if column in categories else [column]
        )
    }
    kept = [index for index, name in enumerate(features) if name not in dropped]
    if identifiers and not kept:
        raise ValueError(f"{path}: no feature columns left once the columns that identify rows are left out")
    x, features = x[:, kept], [features[index] for index in kept]
    common["ignore"] += [column for column in identifiers if column in categories]
    categories = {column: found for column, found in categories.items() if column not in identifiers}
    regression = y.dtype.kind == "f"
    values = None  # the file's own integer labels (-1/1, 1..5, ...), named by their value
    if not regression and classes is None:
        values = np.unique(y)
        y, classes = np.searchsorted(values, y), [str(value) for value in values.tolist()]
    if not regression and len(classes) < 2:
        raise ValueError(f"{path}: the target holds one class only ({classes[0]!r}): nothing to learn")
    if not regression:
        _warn_if_continuous(options["target"], classes, len(y))
    if options["test_csv"] is not None:
        x_test, y_test, test_features = _read_csv(
            options["test_csv"],
            target,
            task="regression" if regression else "classification",
            classes=classes if values is None else None,
            categories=categories,
            **common,
        )
        kept = [index for index, name in enumerate(test_features) if name not in dropped]
        x_test, test_features = x_test[:, kept], [test_features[index] for index in kept]
        if test_features != features:
            raise ValueError(
                f"--test-csv {options['test_csv']} gives the features {test_features}, but --csv {path} "
                f"gives {features}: the two files need the same columns"
            )
        if values is not None:
            unseen = np.setdiff1d(y_test, values)
            if unseen.size:
                raise ValueError(
                    f"--test-csv {options['test_csv']}: class labels {unseen.tolist()} are not in --csv "
                    f"{path} (its classes are {values.tolist()})"
                )
            y_test = np.searchsorted(values, y_test)
    else:
        (x, y), (x_test, y_test) = train_val_split(
            x, y, val_fraction=options["test_fraction"], seed=seed, stratify=not regression
        )
    if regression:
        return TrainingData((x, y.reshape(-1, 1)), (x_test, y_test.reshape(-1, 1)), 1, None, True, True)
    return TrainingData((x, y), (x_test, y_test), len(classes), tuple(classes), False, True)


def _read_csv(*args: Any, **kwargs: Any) -> tuple:
    """``tg.datasets.load_csv``, its warnings shown as the command line's, with its option names."""
    from . import datasets

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = datasets.load_csv(*args, **kwargs)
    for warning in caught:
        message = re.sub(r"ignore=\[(.*?)\]", r"--ignore \1", str(warning.message))
        _note("warning: " + re.sub(r"missing='(\w+)'", r"--missing \1", message))
    return result


def _identifier_columns(
    x: np.ndarray, features: Sequence[str], categories: dict[int | str, list[str]]
) -> dict[int | str, str]:
    """{column: why} for the columns of a table that identify its rows: a number counting them in file
    order (0, 1, 2, ... or 1, 2, 3, ...: a pandas index, an "id" or "obs" column), or text with a distinct
    value on most rows (names, dates, ids). Rows of a test set have other values: nothing carries over."""
    rows = x.shape[0]
    found: dict[int | str, str] = {}
    for column, values in categories.items():
        if len(values) > max(20, rows // 2):
            found[column] = (
                f"its {len(values)} distinct text values in {rows} rows identify rows (a name, a date, an "
                "id) rather than fall into categories"
            )
    encoded = {f"{column}_{value}" for column, values in categories.items() for value in values}
    for index, name in enumerate(features):
        if name not in encoded and _counts_rows(x[:, index]):
            first, second, last = x[0, index], x[1, index], x[-1, index]
            found[name] = f"it counts the rows ({first:g}, {second:g}, ..., {last:g}): a row number"
    return found


def _counts_rows(values: np.ndarray) -> bool:
    """Whether ``values`` number the rows in file order from 0 or 1: integers going up by 1, with a few
    gaps where rows with missing values were dropped."""
    rows = len(values)
    slack = rows // 10
    if rows < 3 or not np.array_equal(values, np.round(values)):
        return False
    return (
        bool(np.all(np.diff(values) >= 1))
        and 0 <= values[0] <= 1 + slack
        and values[-1] - values[0] <= rows - 1 + slack
    )


def _warn_if_continuous(target: str, classes: Sequence[str], rows: int) -> None:
    """A numeric target with many distinct values, fewer than 10 rows each (or fewer than 2 rows each
    of more than 5: linnerud's 17 jump counts in 20 rows), is most likely a quantity (a price, a
    temperature): a classifier with one class per value learns little, so say so."""
    from .datasets.csv import _is_number

    numeric = all(_is_number(name) for name in classes)
    few_rows = rows < 10 * len(classes) if len(classes) > 20 else len(classes) > 5 and rows < 2 * len(classes)
    if numeric and few_rows:
        _note(
            f"warning: --target {target!r} holds {len(classes)} distinct numeric values in {rows} rows: "
            f"training a classifier with {len(classes)} classes (about {rows / len(classes):.1f} rows "
            "each); if the column is a quantity to predict, pass --task regression"
        )


def _check_data_dir(name: str, data_dir: str) -> None:
    """The library would go on to other folders; files asked for by --data-dir must be there."""
    from pathlib import Path

    from .datasets.images import _sets_in
    from .datasets.mnist import FASHION_MNIST, FILES, MNIST, _files_in, npz_in

    dataset = FASHION_MNIST if name == "fashion-mnist" else MNIST
    missing = {}
    for folder in dataset.folders_under(Path(data_dir)):
        if folder.is_dir():
            missing[folder] = _files_in(folder)[1]
            if not missing[folder] or npz_in(dataset, folder) is not None:
                return
    other_name, other = ("mnist", MNIST) if dataset is FASHION_MNIST else ("fashion-mnist", FASHION_MNIST)
    elsewhere = [
        folder
        for folder in other.folders_under(Path(data_dir))[1:]
        if _files_in(folder)[0].keys() == set(FILES)
    ]
    hint = f" (it holds {other.title} in {elsewhere[0]}: pass --dataset {other_name})" if elsewhere else ""
    image_sets = _sets_in(Path(data_dir), None)[0] if Path(data_dir).is_dir() and not elsewhere else {}
    if image_sets:  # EMNIST's emnist-letters-train-images-idx3-ubyte.gz and the like
        prefixes = ", ".join(repr(prefix.rstrip("-_.")) for prefix in sorted(image_sets))
        hint = f" (it holds IDX image sets named with the prefixes {prefixes}: pass --dataset images)"
    raise FileNotFoundError(
        f"--data-dir {data_dir} holds no {dataset.title}{hint}: "
        + "; ".join(f"{folder} lacks {', '.join(names)}" for folder, names in missing.items())
    )


def build_model(inputs: int, hidden: str, classes: int, dropout: float) -> Any:
    """Linear(ReLU) layers of the ``hidden`` widths, with dropout after each, then class logits.

    PyTorch's initialisation, U(±1/√fan_in), as a PyTorch user's MLP starts: Dense's He-normal weights
    (√6 times larger) overfit small tables (iris, diabetes, grunfeld: 3-15% worse over 3 seeds) and
    gain nothing on the images."""
    from . import nn

    layers: list[Any] = []
    width = inputs
    for size in (int(part) for part in hidden.split(",") if part):
        layers.append(nn.Linear(width, size, activation="relu"))
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = size
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


def build_cnn(image_shape: Sequence[int], hidden: str, classes: int, dropout: float) -> Any:
    """Two blocks of 3x3 convolution (32, then 64 channels; padding 1), ReLU and 2x2 max pooling (left
    out where the image is already under 2 pixels high or wide), flattened into ``build_model``'s
    Linear + ReLU layers of the ``hidden`` widths: the small convnet of PyTorch's and Keras' tutorials."""
    from . import nn

    channels, height, width = image_shape
    layers: list[Any] = []
    for out_channels in (32, 64):
        layers += [nn.Conv2d(channels, out_channels, 3, padding=1), nn.ReLU()]
        if height >= 2 and width >= 2:
            layers.append(nn.MaxPool2d(2))
            height, width = height // 2, width // 2
        channels = out_channels
    head = build_model(channels * height * width, hidden, classes, dropout)
    return nn.Sequential(*layers, nn.Flatten(), *head)


def _standardize_channels(
    channels: int, train: np.ndarray, *others: np.ndarray | None
) -> tuple[np.ndarray | None, ...]:
    """Feature rows of (C, H, W) images standardised per channel with ``train``'s mean and std (as
    torchvision's ``Normalize(mean, std)`` with the training set's statistics), in place: CIFAR-10's
    training rows take 614 MB. Statistics summed in float64 over chunks of rows, never a float64 copy."""
    rows = [np.ascontiguousarray(x) if x is not None else None for x in (train, *others)]
    total = np.zeros(channels)
    squares = np.zeros(channels)
    pixels = train.reshape(train.shape[0], channels, -1)
    for start in range(0, pixels.shape[0], 4096):
        chunk = pixels[start : start + 4096].astype(np.float64)
        total += chunk.sum(axis=(0, 2))
        squares += (chunk * chunk).sum(axis=(0, 2))
    count = pixels.shape[0] * pixels.shape[2]
    mean = total / count
    std = np.sqrt(np.maximum(squares / count - mean * mean, 0.0))
    std[std == 0] = 1.0  # a constant channel is centred, not divided by zero
    for x in rows:
        if x is not None:
            view = x.reshape(x.shape[0], channels, -1)  # a view: x is contiguous
            view -= mean.astype(x.dtype)[:, None]
            view /= std.astype(x.dtype)[:, None]
    return tuple(rows)


RUN_SETTINGS = (
    "dataset",
    "optimizer",
    "lr",
    "schedule",
    "epochs",
    "batch_size",
    "hidden",
    "dropout",
    "val_fraction",
    "seed",
)


def _settings(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The run's settings: those of a resumed checkpoint, else the options given, then defaults."""
    from .checkpoint import load

    given = {key: getattr(args, key) for key in RUN_SETTINGS if getattr(args, key) is not None}
    given_csv = {key: getattr(args, key) for key in CSV_SETTINGS if getattr(args, key) is not None}
    if "csv" in given_csv:
        given.setdefault("dataset", "csv")
    if args.resume:
        try:
            saved = load(args.resume)
        except (FileNotFoundError, ValueError) as error:
            parser.error(f"--resume: {error}")
        extra = saved.get("extra") if isinstance(saved, dict) else None
        if not isinstance(extra, dict) or not isinstance(extra.get("cli"), dict):
            parser.error(f"--resume: {args.resume} was not saved by `python -m tinygrad_adam train --save`")
        settings = dict(extra["cli"])
        lacking = [key for key in RUN_SETTINGS if key not in settings]
        if lacking:
            parser.error(
                f"--resume: {args.resume} lacks the run settings {', '.join(lacking)}: it was saved by "
                "another version of tinygrad_adam; start a new run"
            )
        for key, value in given.items():
            if key != "epochs" and value != settings.get(key):
                option = "--" + key.replace("_", "-")
                _note(f"note: {option} is ignored when resuming: the saved run uses {settings.get(key)!r}")
        if given.get("epochs", settings["epochs"]) != settings["epochs"] and settings["schedule"] == "cosine":
            parser.error(
                f"--epochs {given['epochs']}: the saved run anneals its learning rate over "
                f"{settings['epochs']} epoch{'s' * (settings['epochs'] != 1)} (--schedule cosine); resume it "
                "with that number, or start runs you mean to extend with --schedule constant"
            )
        settings["epochs"] = given.get("epochs", settings["epochs"])
        saved_labels = settings.get("cifar100_labels")
        if settings["dataset"] == "cifar100" and args.cifar100_labels not in (None, saved_labels):
            _note(f"note: --cifar100-labels is ignored when resuming: the saved run uses {saved_labels!r}")
        settings.setdefault("model", "mlp")  # runs saved before --model existed trained the MLP
        if args.model not in (None, settings["model"]):
            _note(f"note: --model is ignored when resuming: the saved run uses {settings['model']!r}")
        for key, value in given_csv.items():
            if key in ("csv", "test_csv"):  # files that moved since: read them where they are now
                settings[key] = value
            elif settings["dataset"] == "csv" and value != settings.get(key):
                option = "--" + key.replace("_", "-")
                _note(f"note: {option} is ignored when resuming: the saved run uses {settings.get(key)!r}")
    else:
        settings = dict(given)
        settings.update(given_csv)
        settings["cifar100_labels"] = args.cifar100_labels
        settings["model"] = args.model or "mlp"
    settings.setdefault("dataset", "fashion-mnist")
    settings.setdefault("optimizer", "adam")
    settings.setdefault("seed", 0)
    settings.setdefault("schedule", "cosine")
    settings.setdefault("lr", OPTIMIZER_LRS.get(settings["optimizer"], 1e-3))
    _check_csv_settings(settings, given_csv, parser)
    if settings["dataset"] == "cifar100":
        settings["cifar100_labels"] = settings.get("cifar100_labels") or "fine"
    elif args.cifar100_labels is not None:
        parser.error(
            f"--cifar100-labels: only for --dataset cifar100 (this run trains on {settings['dataset']})"
        )
    else:
        settings.pop("cifar100_labels", None)
    if settings["model"] == "cnn" and settings["dataset"] == "csv":
        parser.error("--model cnn: only for image datasets (a CSV table's rows are not images)")
    # --data-dir asks for the IDX files there: missing files are an error, not a fallback to digits.
    settings["explicit_dataset"] = "dataset" in given or bool(args.resume) or args.data_dir is not None
    return settings


def _check_csv_settings(
    settings: dict[str, Any], given_csv: dict[str, Any], parser: argparse.ArgumentParser
) -> None:
    """CSV options go with --dataset csv, which needs --csv; their defaults fill the rest."""
    if settings["dataset"] != "csv":
        if given_csv:
            options = ", ".join("--" + key.replace("_", "-") for key in given_csv)
            parser.error(f"{options}: only for --dataset csv (this run trains on {settings['dataset']})")
        return
    if settings.get("csv") is None:
        parser.error("--dataset csv needs --csv PATH, the CSV file to train on")
    if settings.get("test_csv") is not None and "test_fraction" in given_csv:
        _note("note: --test-fraction is ignored: the test set is --test-csv")
    for key, value in CSV_DEFAULTS.items():
        if settings.get(key) is None:
            settings[key] = value
    for key in ("csv", "test_csv"):  # absolute, so that --resume finds them from another folder
        if settings[key] is not None:
            settings[key] = os.path.abspath(os.path.expanduser(settings[key]))


def _apply_dataset_defaults(settings: dict[str, Any]) -> None:
    for key, value in DATASET_DEFAULTS[settings["dataset"]].items():
        if settings.get(key) is None:
            settings[key] = value


def _check_save_path(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse, before any training, a --save path that cannot be written or holds another file."""
    from .checkpoint import load

    path = args.save
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        parser.error(f"--save {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        parser.error(
            f"--save {path}: it is a folder; give a file name such as {os.path.join(path, 'run.npz')}"
        )
    if not os.path.exists(path) or (args.resume and os.path.samefile(path, args.resume)):
        return
    try:
        saved = load(path)
    except ValueError:
        saved = None
    extra = saved.get("extra") if isinstance(saved, dict) else None
    if not (isinstance(extra, dict) and isinstance(extra.get("cli"), dict)):
        parser.error(
            f"--save {path}: the file exists and is not a checkpoint of `python -m tinygrad_adam train`; "
            "refusing to overwrite it (choose another path or remove it)"
        )
    _note(f"note: --save replaces the earlier checkpoint {path} (resume it with --resume {path})")


def train_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import tinygrad_adam as tg

    from .data import DataLoader, Standardizer, TensorDataset, train_val_split
    from .train import ModelCheckpoint, TerminateOnNaN, evaluate, fit, load_training_state, predict

    for option in ("data_dir", "save", "resume"):  # "~/data" quoted, so that no shell expanded it
        if getattr(args, option) is not None:
            setattr(args, option, os.path.expanduser(getattr(args, option)))
    settings = _settings(args, parser)
    saved_data_dir = settings.pop("data_dir", None)  # where a resumed run read its files
    # images: DIR/PREFIX (emnist-letters) names files, not a path that exists itself
    prefix_of = settings["dataset"] == "images" and os.path.isdir(os.path.dirname(saved_data_dir or ""))
    if args.data_dir is None and saved_data_dir is not None and (os.path.exists(saved_data_dir) or prefix_of):
        args.data_dir = saved_data_dir
        if not args.quiet:
            _note(f"Reading {settings['dataset']} from {saved_data_dir}, as the saved run did")
    if args.data_dir is not None and settings["dataset"] in ("digits", "csv"):
        what = "digits: they ship with tinygrad_adam" if settings["dataset"] == "digits" else "csv: see --csv"
        _note(f"note: --data-dir is ignored for {what}")
        args.data_dir = None
    if settings["dataset"] in DATA_DIR_DATASETS:
        expected = CIFAR_FILES[settings["dataset"]]
        expected += f", from {CIFAR_URL}" if settings["dataset"] in CIFAR_DATASETS else ""
        official = "the official files" if settings["dataset"] in CIFAR_DATASETS else "your files"
        if args.data_dir is None:
            parser.error(
                f"--dataset {settings['dataset']} reads {official}, never downloads them: pass "
                f"--data-dir with {expected}"
            )
        # images: DIR/PREFIX names one set of a folder that holds several (emnist-letters)
        prefix = settings["dataset"] == "images" and os.path.isdir(os.path.dirname(args.data_dir) or ".")
        if not os.path.exists(args.data_dir) and not prefix:
            parser.error(f"--data-dir {args.data_dir}: no such folder (expected {expected})")
    if (
        args.data_dir is not None
        and not os.path.isdir(args.data_dir)
        and settings["dataset"] not in DATA_DIR_DATASETS
        and not (args.data_dir.endswith(".npz") and os.path.isfile(args.data_dir))  # Keras' mnist.npz
    ):
        problem = "a file, not a folder or an .npz" if os.path.exists(args.data_dir) else "no such folder"
        parser.error(f"--data-dir {args.data_dir}: {problem}")
    if args.save:
        _check_save_path(args, parser)
    if args.device:
        try:
            tg.set_default_device(args.device)
        except (ValueError, RuntimeError) as error:
            parser.error(f"--device: {error}")
    csv_settings = {key: settings[key] for key in CSV_SETTINGS} if settings["dataset"] == "csv" else None
    options = csv_settings or {"cifar100_labels": settings.get("cifar100_labels", "fine")}
    try:
        data = load_dataset(settings["dataset"], args.data_dir, settings["seed"], options)
    except FileNotFoundError as error:
        if settings["explicit_dataset"]:
            hint = INSTALL_HINTS.get(settings["dataset"])
            hint = (
                "" if args.data_dir or not hint else f"\n{settings['dataset']} is not installed here: {hint}"
            )
            if args.resume and settings["dataset"] == "csv":
                hint = "\nthe saved run read it there: pass --csv (or --test-csv) with its new place"
            _note(f"error: {error}{hint}")
            return 2
        _note(f"Fashion-MNIST is not installed here ({error}).\nTo train on it, {INSTALL_HINT}.")
        _note("Training on the bundled 8x8 handwritten digits instead.")
        settings["dataset"] = "digits"
        data = load_dataset("digits", None, settings["seed"])
    except (ValueError, OSError, pickle.UnpicklingError) as error:  # damaged, unreadable: named, no traceback
        # load_csv's advice names its keyword; here the option is the way to skip such rows
        hint = "\n--missing drop skips them" if csv_settings and "missing value" in str(error) else ""
        _note(f"error: cannot read {settings['dataset']}: {error}{hint}")
        return 2
    if settings["model"] == "cnn" and settings.get("hidden") is None:
        settings["hidden"] = CNN_HIDDEN
    _apply_dataset_defaults(settings)
    settings.pop("explicit_dataset")
    settings["data_dir"] = os.path.abspath(args.data_dir) if args.data_dir is not None else None

    (x_train, y_train), (x_test, y_test) = data.train, data.test
    data.train = data.test = None  # only the arrays here from now on: the split frees the loaded copy
    seed = settings["seed"]
    x_val = y_val = None
    if settings["val_fraction"] > 0:
        try:
            (x_train, y_train), (x_val, y_val) = train_val_split(
                x_train,
                y_train,
                val_fraction=settings["val_fraction"],
                seed=seed,
                stratify=not data.regression,
            )
        except ValueError as error:  # a fraction that leaves no training or no validation sample
            parser.error(f"--val-fraction {settings['val_fraction']}: {error}")
    target = None
    try:
        if data.standardize:  # statistics of the part the model trains on, nothing of validation or test
            features = Standardizer().fit(x_train)
            x_train, x_test = features.transform(x_train), features.transform(x_test)
            x_val = features.transform(x_val) if x_val is not None else None
        if data.standardize_channels:
            x_train, x_val, x_test = _standardize_channels(data.image_shape[0], x_train, x_val, x_test)
        if data.regression:  # the MLP fits (y - mean) / std; predictions go back to the target's units
            target = Standardizer().fit(y_train)
            y_train = target.transform(y_train)
            y_val = target.transform(y_val) if y_val is not None else None
    except ValueError as error:  # "inf" in the file: a feature no statistics can scale
        _note(f"error: cannot standardise {settings['dataset']}: {error}")
        return 2
    if settings["model"] == "cnn":  # feature rows back to (N, C, H, W) images
        x_train, x_val, x_test = (
            None if x is None else x.reshape(x.shape[0], *data.image_shape) for x in (x_train, x_val, x_test)
        )
    val_loader = DataLoader(TensorDataset(x_val, y_val), batch_size=1024) if x_val is not None else None
    train_loader = DataLoader(
        TensorDataset(x_train, y_train), batch_size=settings["batch_size"], shuffle=True, seed=seed
    )

    tg.manual_seed(seed)
    classes = data.outputs
    if settings["model"] == "cnn":
        model = build_cnn(data.image_shape, settings["hidden"], classes, settings["dropout"])
    else:
        model = build_model(x_train.shape[1], settings["hidden"], classes, settings["dropout"])
    optimizer = optimizer_classes()[settings["optimizer"]](model.parameters(), lr=settings["lr"])
    loss_fn = tg.nn.MSELoss() if data.regression else tg.nn.CrossEntropyLoss()
    scheduler = None
    if settings["schedule"] == "cosine":
        scheduler = tg.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=settings["epochs"])

    start_epoch, history = 0, None
    if args.resume:
        where_files = "--csv" if settings["dataset"] == "csv" else "--data-dir"
        try:
            point = load_training_state(
                args.resume, model=model, optimizer=optimizer, scheduler=scheduler, train_loader=train_loader
            )
        except (ValueError, RuntimeError, KeyError, TypeError) as error:
            parser.error(
                f"--resume {args.resume}: the saved run does not fit this data or model ({error}); resume "
                f"it with the files it was trained on ({where_files})"
            )
        start_epoch, history = point.epoch, point.history
    epochs = settings["epochs"]
    shown = os.path.basename(settings["csv"]) if settings["dataset"] == "csv" else settings["dataset"]
    if not args.quiet:
        resumed = f", resuming after epoch {start_epoch}" if args.resume else ""
        layers = f"{settings['hidden'].replace(',', '-') or ''}{'-' if settings['hidden'] else ''}{classes}"
        if settings["model"] == "cnn":
            architecture = f"CNN {'x'.join(map(str, data.image_shape))}-conv32-conv64-{layers}"
        else:
            architecture = f"MLP {x_train.shape[1]}-{layers}"
        _note(
            f"Training {shown}: {x_train.shape[0]} samples, {architecture}, "
            f"{type(optimizer).__name__} lr {settings['lr']}, batch {settings['batch_size']}, "
            f"{epochs} epoch{'' if epochs == 1 else 's'} on {tg.get_default_device()}{resumed}"
        )
    # A diverged run only burns time; ModelCheckpoint keeps the last epoch with a finite loss.
    callbacks: list[Any] = [TerminateOnNaN()]
    checkpoint = ModelCheckpoint(args.save, extra={"cli": settings}) if args.save else None
    if checkpoint is not None:
        callbacks.append(checkpoint)

    started = time.perf_counter()
    if start_epoch < epochs:
        try:
            history = fit(
                model,
                loss_fn,
                optimizer,
                train_loader,
                epochs=epochs,
                val_loader=val_loader,
                scheduler=scheduler,
                callbacks=callbacks,
                verbose=False if args.quiet else None,
                start_epoch=start_epoch,
                history=history,
            )
        except KeyboardInterrupt:
            where = f"; continue with --resume {args.save}" if args.save else ""
            _note(f"\nInterrupted{where}")
            return 130
    elif not args.quiet:
        _note(f"The checkpoint has already trained {start_epoch} of {epochs} epochs: evaluating only.")
    seconds = time.perf_counter() - started
    # Fewer than asked when TerminateOnNaN stopped the run.
    epochs_done = history.epoch[-1] + 1 if history is not None and history.epoch else start_epoch
    epochs_text = f"{epochs_done} epoch" + ("" if epochs_done == 1 else "s")
    after = f"after {epochs_text} with {type(optimizer).__name__} ({seconds:.1f} s of training)"
    if data.regression:
        predictions = target.inverse_transform(predict(model, x_test, batch_size=1024)).astype(np.float64)
        mse = float(np.mean((predictions - y_test.astype(np.float64)) ** 2))
        result: dict[str, Any] = {"test_rmse": math.sqrt(mse), "test_loss": mse}
        print(f"Test RMSE: {math.sqrt(mse):.6g} (test MSE {mse:.6g}) on {shown} {after}")
    else:
        test = evaluate(model, DataLoader(TensorDataset(x_test, y_test), batch_size=1024), loss_fn)
        result = {"test_accuracy": test["accuracy"], "test_loss": test["loss"]}
        print(f"Test accuracy: {test['accuracy']:.4f} (test loss {test['loss']:.4f}) on {shown} {after}")
        if data.class_names is not None:
            result["class_accuracy"] = _class_accuracy(predict(model, x_test, batch_size=1024), y_test, data)
            print(
                "Test accuracy per class: "
                + ", ".join(
                    f"{name} {'n/a' if value is None else format(value, '.4f')}"
                    for name, value in result["class_accuracy"].items()
                )
            )
    if checkpoint is not None and not args.quiet and start_epoch < epochs:
        if not checkpoint.saved_paths:
            print(f"Nothing saved to {args.save}: no epoch of this run ended with a finite loss")
        elif not all(math.isfinite(values[-1]) for key, values in history.history.items() if "loss" in key):
            print(f"Saved the training state of the last epoch with a finite loss to {args.save}")
        else:
            print(f"Saved the training state to {args.save}")
    if args.json:
        result.update(
            {
                "epochs": epochs_done,
                "seconds": round(seconds, 3),
                "dataset": settings["dataset"],
                "optimizer": type(optimizer).__name__,
                "lr": settings["lr"],
                "batch_size": settings["batch_size"],
                "hidden": settings["hidden"],
                "model": settings["model"],
                "device": tg.get_default_device(),
                "task": "regression" if data.regression else "classification",
            }
        )
        if settings["dataset"] == "csv":
            result.update({key: settings[key] for key in ("csv", "target", "test_csv")})
        print(json.dumps(result), flush=True)
    return 0


def _class_accuracy(scores: np.ndarray, labels: np.ndarray, data: TrainingData) -> dict[str, float | None]:
    """The test accuracy of each named class (None for a class the test set lacks)."""
    predicted = scores.argmax(axis=1)
    accuracy: dict[str, float | None] = {}
    for label, name in enumerate(data.class_names or ()):
        mine = labels == label
        accuracy[name] = float(np.mean(predicted[mine] == label)) if mine.any() else None
    return accuracy


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return train_command(args, args.command_parser)
