"""Files as people have them: MNIST-like IDX files in every naming and compression, damaged ones,
CIFAR pickles of Python 2 and 3 and the binary version, CSV tables with a byte-order mark, CRLF,
quotes, trailing delimiters, semicolons and decimal commas, UTF-16, missing values; each read by the
loader and trained on by the command line for one epoch. A user's file is never changed."""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.cli import main
from tinygrad_adam.datasets import write_idx

QUICK = ["--epochs", "1", "--hidden", "16", "--batch-size", "8", "--quiet", "--json"]
IDX_NAMES = {
    "dashed": "{split}-{kind}-idx{rank}-ubyte",
    "dotted": "{split}-{kind}.idx{rank}-ubyte",
    "upper case": "{SPLIT}-{KIND}-IDX{rank}-UBYTE",
}


def fingerprints(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` with its SHA-256 and modification time: what must not change."""
    return {
        str(path): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def train(args: list[str], capsys) -> dict:
    assert main(["train", *args, *QUICK]) == 0
    return last_json(capsys.readouterr().out)


def train_error(args: list[str], capsys) -> str:
    assert main(["train", *args, *QUICK]) != 0
    return capsys.readouterr().err


# --- MNIST / Fashion-MNIST IDX files ----------------------------------------------------------------


def mnist_arrays(train: int = 40, test: int = 20) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    arrays = {}
    for split, count in (("train", train), ("t10k", test)):
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 40, (count, 28, 28), dtype=np.uint8)
        images[np.arange(count), 2 * labels, :] = 255  # one bright row per class: learnable
        arrays[f"{split}-images"], arrays[f"{split}-labels"] = images, labels
    return arrays


def write_mnist(folder: Path, spelling: str = "dashed", gzipped: bool | str = False, **sizes: int) -> Path:
    """The four files under ``folder``; ``gzipped="mixed"`` gzips the images only."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, array in mnist_arrays(**sizes).items():
        split, kind = key.split("-")
        name = IDX_NAMES[spelling].format(
            split=split, kind=kind, SPLIT=split.upper(), KIND=kind.upper(), rank=3 if kind == "images" else 1
        )
        packed = gzipped is True or (gzipped == "mixed" and kind == "images")
        write_idx(folder / (name + (".gz" if packed else "")), array)
    return folder


@pytest.mark.parametrize("spelling", list(IDX_NAMES))
@pytest.mark.parametrize("gzipped", [False, True, "mixed"])
def test_mnist_reads_every_naming_and_compression_alike(tmp_path, spelling, gzipped):
    folder = write_mnist(tmp_path / "data", spelling, gzipped)
    before = fingerprints(folder)
    (x_train, y_train), (x_test, y_test) = tg.datasets.load_mnist(folder)
    expected = mnist_arrays()
    np.testing.assert_array_equal(x_train, expected["train-images"])
    np.testing.assert_array_equal(y_train, expected["train-labels"])
    np.testing.assert_array_equal(x_test, expected["t10k-images"])
    np.testing.assert_array_equal(y_test, expected["t10k-labels"])
    assert fingerprints(folder) == before


def test_a_truncated_idx_file_names_the_file_and_the_expected_and_found_sizes(tmp_path):
    folder = write_mnist(tmp_path)
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(
        ValueError, match=r"train-images-idx3-ubyte: truncated IDX file: .*31360 data bytes, found 31260"
    ):
        tg.datasets.load_mnist(folder)


def test_a_truncated_gzip_idx_file_says_how_much_its_header_declares_and_how_much_is_there(tmp_path):
    folder = write_mnist(tmp_path, gzipped=True)
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(ValueError) as error:
        tg.datasets.load_mnist(folder)
    message = str(error.value)
    assert str(path) in message and "truncated gzip" in message
    assert f"declares shape (20, 28, 28) of uint8, {16 + 20 * 784} bytes in all, but only " in message


def test_an_error_page_saved_as_an_idx_file_is_named_as_such(tmp_path):
    folder = write_mnist(tmp_path)
    (folder / "train-labels-idx1-ubyte").write_bytes(b"<!DOCTYPE html><html>403 Forbidden</html>")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte: not an IDX file.*web page"):
        tg.datasets.load_mnist(folder)


def test_images_and_labels_of_different_counts_are_an_error_naming_both_files(tmp_path):
    folder = write_mnist(tmp_path)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(19, dtype=np.uint8))
    with pytest.raises(
        ValueError, match=r"t10k-images-idx3-ubyte holds 20 images but .*t10k-labels-idx1-ubyte holds 19"
    ):
        tg.datasets.load_mnist(folder)


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_cli_trains_one_epoch_on_idx_files_of_each_spelling_and_leaves_them_alone(tmp_path, capsys, dataset):
    for number, (spelling, gzipped) in enumerate((("dotted", True), ("upper case", "mixed"))):
        folder = write_mnist(tmp_path / str(number), spelling, gzipped)
        before = fingerprints(folder)
        report = train(["--dataset", dataset, "--data-dir", str(folder)], capsys)
        assert report["dataset"] == dataset and report["epochs"] == 1
        assert 0.0 <= report["test_accuracy"] <= 1.0 and np.isfinite(report["test_loss"])
        assert fingerprints(folder) == before


def test_cli_on_a_truncated_idx_file_fails_naming_it_without_training(tmp_path, capsys):
    folder = write_mnist(tmp_path, gzipped=True)
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    before = fingerprints(folder)
    message = train_error(["--dataset", "mnist", "--data-dir", str(folder)], capsys)
    assert str(path) in message and "bytes in all, but only" in message
    assert fingerprints(folder) == before


def write_keras_npz(path: Path, **sizes: int) -> dict[str, np.ndarray]:
    """The four arrays in one .npz, as keras.datasets.mnist keeps them (labels uint8 there; int64 here)."""
    arrays = mnist_arrays(**sizes)
    saved = {
        "x_train": arrays["train-images"],
        "y_train": arrays["train-labels"].astype(np.int64),
        "x_test": arrays["t10k-images"],
        "y_test": arrays["t10k-labels"].astype(np.int64),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **saved)
    return saved


@pytest.mark.parametrize(
    ("dataset", "name"), [("mnist", "mnist.npz"), ("fashion-mnist", "fashion-mnist.npz")]
)
def test_a_keras_npz_reads_as_the_idx_files_and_the_cli_trains_on_it(tmp_path, capsys, dataset, name):
    saved = write_keras_npz(tmp_path / name)
    before = fingerprints(tmp_path)
    loader = tg.datasets.load_mnist if dataset == "mnist" else tg.datasets.load_fashion_mnist
    (x_train, y_train), (x_test, y_test) = loader(tmp_path)
    np.testing.assert_array_equal(x_train, saved["x_train"])
    np.testing.assert_array_equal(y_test, saved["y_test"])
    assert y_train.dtype == np.uint8 and x_test.shape == (20, 28, 28)
    np.testing.assert_array_equal(loader(tmp_path / name)[0][0], saved["x_train"])  # the file itself
    for data_dir in (tmp_path, tmp_path / name):
        report = train(["--dataset", dataset, "--data-dir", str(data_dir)], capsys)
        assert report["dataset"] == dataset and 0.0 <= report["test_accuracy"] <= 1.0
    assert fingerprints(tmp_path) == before


def test_a_damaged_or_incomplete_npz_is_an_error_naming_it(tmp_path):
    path = tmp_path / "mnist.npz"
    write_keras_npz(path)
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(ValueError, match="mnist.npz: not a readable .npz file"):
        tg.datasets.load_mnist(tmp_path)
    np.savez(path, x_train=np.zeros((3, 28, 28), np.uint8), y_train=np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match=r"mnist.npz: no x_test, y_test in it"):
        tg.datasets.load_mnist(tmp_path)
    np.savez(
        path,
        x_train=np.zeros((3, 28, 28), np.uint8),
        y_train=np.zeros(2, np.uint8),
        x_test=np.zeros((1, 28, 28), np.uint8),
        y_test=np.zeros(1, np.uint8),
    )
    with pytest.raises(
        ValueError, match=r"mnist.npz:x_train holds 3 images but .*mnist.npz:y_train holds 2 labels"
    ):
        tg.datasets.load_mnist(tmp_path)


# --- CIFAR ----------------------------------------------------------------------------------------


def cifar_split(count: int, seed: int, classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % classes
    images = rng.integers(0, 50, (count, 3072), dtype=np.uint8)
    images[np.arange(count), labels * 30] = 255
    return images, labels


def pickled_batch(images: np.ndarray, labels: np.ndarray, keys: str, label_key: str = "labels") -> bytes:
    """A batch as Python 2 pickled it (bytes keys, protocol 2) or as Python 3 re-saves it (str keys)."""
    batch = {"batch_label": "tiny", "data": images, label_key: [int(label) for label in labels]}
    if keys == "bytes":
        return pickle.dumps({key.encode(): value for key, value in batch.items()}, protocol=2)
    batch[label_key] = np.asarray(labels, dtype=np.int32)  # some re-saved copies hold arrays
    return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)


def write_cifar10_python(root: Path, keys: str, per_batch: int = 10) -> Path:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for number, name in enumerate([*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]):
        (folder / name).write_bytes(pickled_batch(*cifar_split(per_batch, number), keys))
    return folder


def write_cifar10_binary(root: Path, per_batch: int = 10) -> Path:
    folder = root / "cifar-10-batches-bin"
    folder.mkdir(parents=True)
    for number, name in enumerate([*(f"data_batch_{i}.bin" for i in range(1, 6)), "test_batch.bin"]):
        images, labels = cifar_split(per_batch, number)
        records = np.concatenate([labels[:, None].astype(np.uint8), images], axis=1)
        (folder / name).write_bytes(records.tobytes())
    return folder


@pytest.mark.parametrize("keys", ["bytes", "str"])
def test_cifar10_pickles_with_bytes_or_str_keys_and_the_binary_version_read_the_same(tmp_path, keys):
    python = write_cifar10_python(tmp_path / "python", keys)
    binary = write_cifar10_binary(tmp_path / "binary")
    before = fingerprints(tmp_path)
    from_python, from_binary = tg.datasets.load_cifar10(python), tg.datasets.load_cifar10(binary.parent)
    images, labels = cifar_split(10, 5)
    np.testing.assert_array_equal(from_python[1][0], images.reshape(-1, 3, 32, 32))
    np.testing.assert_array_equal(from_python[1][1], labels)
    for split_python, split_binary in zip(from_python, from_binary):
        np.testing.assert_array_equal(split_python[0], split_binary[0])
        np.testing.assert_array_equal(split_python[1], split_binary[1])
        assert split_python[1].dtype == np.int64
    assert from_python[0][0].shape == (50, 3, 32, 32)
    assert fingerprints(tmp_path) == before


@pytest.mark.parametrize("keys", ["bytes", "str"])
def test_cifar100_pickles_give_fine_and_coarse_labels(tmp_path, keys):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    for number, name in enumerate(("train", "test")):
        images, fine = cifar_split(20, number, classes=100)
        batch = pickle.loads(pickled_batch(images, fine, keys, "fine_labels"))
        batch[b"coarse_labels" if keys == "bytes" else "coarse_labels"] = [int(f) % 20 for f in fine]
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2 if keys == "bytes" else 4))
    (_, fine), _ = tg.datasets.load_cifar100(tmp_path)
    (_, coarse), _ = tg.datasets.load_cifar100(tmp_path, label="coarse")
    np.testing.assert_array_equal(fine, np.arange(20))
    np.testing.assert_array_equal(coarse, np.arange(20) % 20)


def test_damaged_cifar_files_are_errors_naming_the_file(tmp_path):
    python = write_cifar10_python(tmp_path / "python", "bytes")
    (python / "data_batch_3").write_bytes((python / "data_batch_3").read_bytes()[:-300])
    with pytest.raises(ValueError, match="data_batch_3: not a readable CIFAR pickle"):
        tg.datasets.load_cifar10(python)
    binary = write_cifar10_binary(tmp_path / "binary")
    (binary / "test_batch.bin").write_bytes((binary / "test_batch.bin").read_bytes()[:-7])
    with pytest.raises(
        ValueError, match=r"test_batch.bin: 30723 bytes is not a whole number of 3073-byte records"
    ):
        tg.datasets.load_cifar10(binary)


@pytest.mark.parametrize("version", ["python", "binary"])
def test_cli_trains_one_epoch_on_each_cifar10_version(tmp_path, capsys, version):
    if version == "python":
        write_cifar10_python(tmp_path, "str")
    else:
        write_cifar10_binary(tmp_path)
    before = fingerprints(tmp_path)
    report = train(["--dataset", "cifar10", "--data-dir", str(tmp_path)], capsys)
    assert report["dataset"] == "cifar10" and 0.0 <= report["test_accuracy"] <= 1.0
    assert list(report["class_accuracy"]) == list(tg.datasets.CIFAR10_CLASSES)
    assert fingerprints(tmp_path) == before


# --- CSV tables ---------------------------------------------------------------------------------------

ROWS = 40


def table_rows() -> list[tuple[float, float, str, str]]:
    """(size, weight, city, label): the label follows size, so one epoch has something to learn."""
    rng = np.random.default_rng(1)
    cities = ["New York, NY", "Paris", 'Say "hi"']
    rows = []
    for index in range(ROWS):
        size = float(rng.normal())
        rows.append(
            (
                round(size, 3),
                round(float(rng.normal()) * 10, 2),
                cities[index % 3],
                "big" if size > 0 else "small",
            )
        )
    return rows


def csv_text(delimiter: str = ",", decimal: str = ".", newline: str = "\n") -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    lines = [delimiter.join(["size", "weight", "city", "label"])]
    for size, weight, city, label in table_rows():
        numbers = [f"{size}".replace(".", decimal), f"{weight}".replace(".", decimal)]
        lines.append(delimiter.join([*numbers, quoted(city), label]))
    return newline.join(lines) + newline


def expected_table() -> tuple[np.ndarray, np.ndarray]:
    rows = table_rows()
    cities = sorted({city for _, _, city, _ in rows})
    x = [[size, weight, *[float(city == c) for c in cities]] for size, weight, city, _ in rows]
    return np.asarray(x, dtype=np.float32), np.asarray(
        [label == "small" for *_, label in rows], dtype=np.int64
    )


TABLES = {
    "plain": lambda: csv_text().encode(),
    "bom, CRLF, blank trailing lines": lambda: (
        b"\xef\xbb\xbf" + csv_text(newline="\r\n").encode() + b"\r\n\r\n\n"
    ),
    "semicolons, decimal commas": lambda: csv_text(";", ",").encode(),
    "tabs": lambda: csv_text("\t").encode(),
    "UTF-16 with its BOM": lambda: csv_text(newline="\r\n").encode("utf-16"),
    "gzipped": lambda: gzip.compress(csv_text().encode()),
}


@pytest.mark.parametrize("kind", list(TABLES))
def test_csv_files_as_spreadsheets_save_them_read_alike(tmp_path, kind):
    path = tmp_path / "table.csv"
    path.write_bytes(TABLES[kind]())
    before = fingerprints(tmp_path)
    x, y, classes, names = tg.datasets.load_csv(
        path, "label", delimiter="auto", decimal="auto", categorical="onehot",
        return_classes=True, return_feature_names=True,
    )  # fmt: skip
    expected_x, expected_y = expected_table()
    np.testing.assert_allclose(x, expected_x, rtol=1e-6)
    np.testing.assert_array_equal(y, expected_y)
    assert classes == ["big", "small"]
    assert names == ["size", "weight", "city_New York, NY", "city_Paris", 'city_Say "hi"']
    assert fingerprints(tmp_path) == before


@pytest.mark.parametrize("kind", list(TABLES))
def test_cli_trains_one_epoch_on_each_kind_of_csv_file(tmp_path, capsys, kind):
    path = tmp_path / "table.csv"
    path.write_bytes(TABLES[kind]())
    before = fingerprints(tmp_path)
    report = train(["--csv", str(path), "--target", "label"], capsys)
    assert report["task"] == "classification" and 0.0 <= report["test_accuracy"] <= 1.0
    assert set(report["class_accuracy"]) == {"big", "small"}
    assert fingerprints(tmp_path) == before


def test_a_decimal_comma_without_the_option_says_how_to_read_it(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(csv_text(";", ","))
    with pytest.raises(
        ValueError,
        match=r"line 2, column 'size' \(index 0\): .* is not a number \(a decimal comma\? pass decimal=','",
    ):
        tg.datasets.load_csv(path, "label", delimiter=";", ignore=["city"])


def test_a_header_only_csv_is_an_error_in_the_loader_and_the_cli(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_text("size,weight,label\r\n\r\n")
    with pytest.raises(ValueError, match="no data rows after the header"):
        tg.datasets.load_csv(path, "label")
    assert "no data rows after the header" in train_error(["--csv", str(path), "--target", "label"], capsys)


MISSING = "size,weight,label\n1.0,,a\n2.0,NA,b\n?,3.0,a\n" + "".join(
    f"{i / 10},{i % 7},{'ab'[i % 2]}\n" for i in range(30)
)


def test_missing_values_spelled_empty_na_or_question_mark_raise_drop_or_stay_nan(tmp_path):
    path = tmp_path / "missing.csv"
    path.write_text(MISSING)
    with pytest.raises(ValueError, match=r"line 2, column 'weight' \(index 1\): missing value ''"):
        tg.datasets.load_csv(path, "label")
    x, y = tg.datasets.load_csv(path, "label", missing="drop")
    assert x.shape == (30, 2) and not np.isnan(x).any()
    kept, _ = tg.datasets.load_csv(path, "label", missing="keep")
    np.testing.assert_array_equal(np.isnan(kept[:3]), [[False, True], [False, True], [True, False]])


def test_cli_drops_rows_with_missing_values_when_asked_and_names_the_line_otherwise(tmp_path, capsys):
    path = tmp_path / "missing.csv"
    path.write_text(MISSING)
    assert "line 2, column 'weight'" in train_error(["--csv", str(path), "--target", "label"], capsys)
    report = train(["--csv", str(path), "--target", "label", "--missing", "drop"], capsys)
    assert 0.0 <= report["test_accuracy"] <= 1.0


def test_cli_reads_latin1_with_encoding_and_leaves_out_ignored_columns(tmp_path, capsys):
    path = tmp_path / "latin.csv"
    lines = ["id,size,label"] + [f"{i},{i % 5},{'café' if i % 2 else 'thé'}" for i in range(30)]
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    message = train_error(["--csv", str(path)], capsys)
    assert "not utf-8-sig text" in message and "encoding=" in message
    report = train(["--csv", str(path), "--encoding", "latin-1", "--ignore", "id"], capsys)
    assert set(report["class_accuracy"]) == {"café", "thé"}
    x, _, names = tg.datasets.load_csv(path, encoding="latin-1", ignore=["id"], return_feature_names=True)
    assert names == ["size"] and x.shape == (30, 1)


def test_bad_csv_options_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="decimal must be"):
        tg.datasets.load_csv("unused.csv", decimal=";")
    with pytest.raises(ValueError, match="unknown encoding 'utf-9'"):
        tg.datasets.load_csv("unused.csv", encoding="utf-9")
    with pytest.raises(SystemExit):
        main(["train", "--csv", "unused.csv", "--delimiter", ";;"])


def test_a_delimiter_ending_every_line_is_named_and_the_cli_can_ignore_that_column_by_index(tmp_path, capsys):
    path = tmp_path / "trailing.csv"
    path.write_text(csv_text().replace("\n", ",\n"))
    message = train_error(["--csv", str(path), "--target", "label"], capsys)
    assert "column '' (index 4) has no value" in message and "a delimiter at the end of every line" in message
    assert "ignore=[4]" in message
    report = train(["--csv", str(path), "--target", "label", "--ignore", "4"], capsys)
    assert set(report["class_accuracy"]) == {"big", "small"}


def numeric_table(rows: int = 120, columns: int = 6) -> str:
    rng = np.random.default_rng(3)
    values = np.round(rng.normal(size=(rows, columns)), 4)
    labels = rng.integers(0, 10, rows)
    header = ",".join(["label", *(f"pixel{i}" for i in range(columns))])
    return (
        header
        + "\n"
        + "".join(f"{label}," + ",".join(map(str, row)) + "\n" for label, row in zip(labels, values))
    )


def test_a_large_table_of_numbers_reads_as_the_exact_reader_reads_it(tmp_path):
    path = tmp_path / "mnist_train.csv"  # Kaggle's layout: the label first, then the pixels
    path.write_text(numeric_table())
    fast = tg.datasets.load_csv(path, "label", return_classes=True, return_feature_names=True)
    exact = tg.datasets.load_csv(  # categories= sends every file through the value-by-value reader
        path, "label", categorical="onehot", categories={}, return_classes=True, return_feature_names=True
    )
    np.testing.assert_array_equal(fast[0], exact[0])
    np.testing.assert_array_equal(fast[1], exact[1])
    assert fast[0].dtype == np.float32 and fast[1].dtype == np.int64
    assert fast[2:] == exact[2:] == (None, [f"pixel{i}" for i in range(6)])
    x64, _ = tg.datasets.load_csv(path, 0, dtype=np.float64)
    np.testing.assert_array_equal(x64.astype(np.float32), fast[0])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda line: line + ",7", r"line 100 has 8 fields, expected 7 as in the header"),
        (
            lambda line: line.replace(",", ",NA,", 1).rsplit(",", 1)[0],
            r"line 100, column 'pixel0' \(index 1\): missing value 'NA'",
        ),
        (
            lambda line: line.replace(",", ",nan,", 1).rsplit(",", 1)[0],
            r"line 100, column 'pixel0' \(index 1\): missing value 'nan'",
        ),
        (
            lambda line: line.replace(",", ",ten,", 1).rsplit(",", 1)[0],
            r"line 100, column 'pixel0' \(index 1\): 'ten' is not a number",
        ),
        (
            lambda line: "" + line.split(",", 1)[1].join([",", ""]),
            r"line 100, target column 'label' \(index 0\): missing class label ''",
        ),
    ],
)
def test_a_problem_far_down_a_table_of_numbers_is_named_by_its_line(tmp_path, change, message):
    lines = numeric_table().splitlines()
    lines[99] = change(lines[99])  # line 100 of the file, past the rows looked at first
    path = tmp_path / "table.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=message):
        tg.datasets.load_csv(path, "label")


def test_a_missing_target_far_down_a_regression_table_is_dropped_when_asked(tmp_path):
    lines = numeric_table().splitlines()
    lines[99] = "," + lines[99].split(",", 1)[1]
    path = tmp_path / "table.csv"
    path.write_text("\n".join(lines) + "\n")
    x, y = tg.datasets.load_csv(path, "label", task="regression", missing="drop")
    assert x.shape == (119, 6) and not np.isnan(y).any()
