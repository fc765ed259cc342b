"""Specifications of the loaders for files users bring: load_csv, load_cifar10, load_cifar100.

Every file is written here into tmp_path (nothing is downloaded); loaders return NumPy arrays, so
the checks hold on every backend, and the training check moves the data through a DataLoader.
"""

import gzip
import pickle
import struct
import tarfile

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.datasets import (
    CIFAR10_CLASSES,
    CIFAR100_COARSE_CLASSES,
    CIFAR100_FINE_CLASSES,
    load_cifar10,
    load_cifar100,
    load_csv,
)
from tinygrad_adam.nn import CrossEntropyLoss, Dense, Sequential


def _write(path, text, gz=False):
    """Write ``text`` byte for byte (its own line endings), gzipped when asked."""
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


IRIS_LIKE = (
    'sepal length,"width, in cm",species\r\n'
    "5.1,3.5,setosa\r\n"
    '7.0,"3.2",versicolor\r\n'
    "6.3,3.3,virginica\r\n"
    "4.9,3.0,setosa\r\n"
    "\r\n"
    "\r\n"
)


# --- CSV: reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_csv_reads_header_quotes_crlf_and_blank_trailing_lines(tmp_path, gz):
    path = _write(tmp_path / ("iris.csv.gz" if gz else "iris.csv"), IRIS_LIKE, gz=gz)
    x, y, classes = load_csv(path, return_classes=True)
    np.testing.assert_array_equal(x, np.array([[5.1, 3.5], [7.0, 3.2], [6.3, 3.3], [4.9, 3.0]], np.float32))
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert classes == ["setosa", "versicolor", "virginica"]  # sorted, label = position
    np.testing.assert_array_equal(y, [0, 1, 2, 0])


def test_csv_gzip_is_detected_from_content_not_name(tmp_path):
    path = _write(tmp_path / "renamed.csv", IRIS_LIKE, gz=True)
    assert load_csv(path)[0].shape == (4, 2)


def test_csv_utf8_byte_order_mark_is_not_part_of_the_first_name(tmp_path):
    path = _write(tmp_path / "excel.csv", "\ufeffweight,label\r\n1.5,0\r\n")
    x, _ = load_csv(path, target="label")
    np.testing.assert_array_equal(x, [[1.5]])
    assert load_csv(path, target="weight")[0].tolist() == [[0.0]]  # "weight" found, BOM stripped


def test_csv_target_by_header_name_and_ignore_columns(tmp_path):
    path = _write(tmp_path / "t.csv", "id,a,price,b\nr1,1,10.5,2\nr2,3,20.25,4\n")
    x, y, classes = load_csv(path, target="price", ignore=["id"], return_classes=True)
    np.testing.assert_array_equal(x, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(y, np.array([10.5, 20.25], np.float32))
    assert y.dtype == np.float32 and classes is None  # non-integer numbers: regression


def test_csv_without_header_infers_none_and_takes_target_by_index(tmp_path):
    path = _write(tmp_path / "t.csv", "0,1.5,2\n1,2.5,3\n0,0.5,1\n")
    x, y = load_csv(path, target=0)
    np.testing.assert_array_equal(x, [[1.5, 2], [2.5, 3], [0.5, 1]])
    np.testing.assert_array_equal(y, [0, 1, 0])


def test_csv_header_guess_looks_at_feature_columns_only(tmp_path):
    path = _write(tmp_path / "t.csv", "r1,0.5,cat\nr2,1.5,dog\n")  # text in the ignored column and target
    x, y = load_csv(path, ignore=[0])
    np.testing.assert_array_equal(x, [[0.5], [1.5]])
    np.testing.assert_array_equal(y, [0, 1])


def test_csv_integer_labels_are_kept_as_written(tmp_path):
    path = _write(tmp_path / "t.csv", "x,label\n0.1,3\n0.2,1\n0.3,3\n")
    x, y, classes = load_csv(path, return_classes=True)
    np.testing.assert_array_equal(y, [3, 1, 3])
    assert y.dtype == np.int64 and classes is None


def test_csv_task_switch_forces_regression_or_classification(tmp_path):
    path = _write(tmp_path / "t.csv", "x,t\n1,2\n2,4\n3,0.5\n")
    _, y = load_csv(path, task="regression")
    np.testing.assert_array_equal(y, np.array([2, 4, 0.5], np.float32))
    _, y, classes = load_csv(path, task="classification", return_classes=True)
    assert classes == ["0.5", "2", "4"]  # numbers forced to be classes sort by value
    np.testing.assert_array_equal(y, [1, 2, 0])
    whole_floats = _write(tmp_path / "w.csv", "x,t\n1,2.000000\n2,0.0\n3,2.0\n")  # as np.savetxt writes
    assert load_csv(whole_floats)[1].dtype == np.float32
    _, y, classes = load_csv(whole_floats, task="classification", return_classes=True)
    np.testing.assert_array_equal(y, [2, 0, 2])
    assert y.dtype == np.int64 and classes is None
    integer_targets = _write(tmp_path / "i.csv", "x,t\n1,7\n2,9\n")
    _, y = load_csv(integer_targets, task="regression", dtype=np.float64)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [7.0, 9.0])


def test_csv_classes_argument_fixes_the_label_mapping_across_files(tmp_path):
    test_file = _write(tmp_path / "test.csv", "x,kind\n1,virginica\n2,setosa\n")  # no versicolor here
    _, y = load_csv(test_file, classes=["setosa", "versicolor", "virginica"])
    np.testing.assert_array_equal(y, [2, 0])
    with pytest.raises(
        ValueError, match=r"line 2, target column 'kind' \(index 1\): class 'virginica' is not"
    ):
        load_csv(test_file, classes=["setosa", "versicolor"])


def test_csv_other_delimiter_and_header_forced(tmp_path):
    path = _write(tmp_path / "t.tsv", "1\t2\t0\n3\t4\t1\n")
    x, y = load_csv(path, delimiter="\t", header=True)  # numeric names: the guess would say no header
    np.testing.assert_array_equal(x, [[3, 4]])
    np.testing.assert_array_equal(y, [1])


def test_csv_missing_values_keep_as_nan_or_drop_rows(tmp_path):
    path = _write(tmp_path / "t.csv", "a,b,y\n1,,0\n2,NA,1\n3,nan,0\n4,5,1\n")
    x, y = load_csv(path, missing="keep")
    assert np.isnan(x[:3, 1]).all() and x[3, 1] == 5
    np.testing.assert_array_equal(y, [0, 1, 0, 1])
    x, y = load_csv(path, missing="drop")
    np.testing.assert_array_equal(x, [[4, 5]])
    np.testing.assert_array_equal(y, [1])


# --- CSV: bad input ----------------------------------------------------------------------------


def test_csv_non_numeric_feature_names_line_column_and_value(tmp_path):
    path = _write(tmp_path / "t.csv", "a,b,y\n1,2,0\n3,abc,1\n")
    with pytest.raises(ValueError, match=r"t\.csv: line 3, column 'b' \(index 1\): 'abc' is not a number"):
        load_csv(path)


def test_csv_ragged_row_names_line_and_counts(tmp_path):
    path = _write(tmp_path / "t.csv", "a,b,y\r\n1,2,0\r\n3,1\r\n")
    with pytest.raises(ValueError, match=r"t\.csv: line 3 has 2 fields, expected 3 as in the header"):
        load_csv(path)


def test_csv_missing_value_raises_by_default_naming_where(tmp_path):
    path = _write(tmp_path / "t.csv", "a,b,y\n1,2,0\n3, NA ,1\n")
    with pytest.raises(
        ValueError, match=r"line 3, column 'b' \(index 1\): missing value ' NA '.*missing='keep'"
    ):
        load_csv(path)
    missing_label = _write(tmp_path / "m.csv", "a,y\n1,cat\n2,\n")
    with pytest.raises(ValueError, match=r"line 3, target column 'y' \(index 1\): missing class label"):
        load_csv(missing_label, missing="keep")


def test_csv_unknown_target_name_lists_the_header(tmp_path):
    path = _write(tmp_path / "t.csv", IRIS_LIKE)
    with pytest.raises(
        ValueError, match=r"column 'label' is not in the header \['sepal length', 'width, in cm'"
    ):
        load_csv(path, target="label")


@pytest.mark.parametrize(
    ("text", "kwargs", "error", "message"),
    [
        ("", {}, ValueError, "holds no rows"),
        ("a,b\n\n", {}, ValueError, "no data rows after the header"),
        ("a,b\n1,2\n", {"target": 5}, ValueError, "column index 5 is out of range for 2 columns"),
        ("1,2\n", {"target": "b", "header": False}, ValueError, "need a header row, but header=False"),
        ("a,b\n1,2\n", {"target": "b", "ignore": ["b"]}, ValueError, "also in ignore="),
        ("a,a,y\n1,2,0\n", {"target": "a"}, ValueError, "appears more than once"),
        ("a,y\n1,0\n", {"dtype": np.int32}, TypeError, "floating dtype"),
        ("a,y\n1,0\n", {"task": "ranking"}, ValueError, "task must be"),
        ("a,y\n1,0\n", {"classes": ["a"], "task": "regression"}, ValueError, "cannot go with"),
        ('a,y\n"1,0\n', {}, ValueError, "malformed CSV"),
        ("y\n1\n", {}, ValueError, "no feature columns"),
    ],
)
def test_csv_bad_arguments_and_files_get_clear_errors(tmp_path, text, kwargs, error, message):
    path = _write(tmp_path / "t.csv", text)
    with pytest.raises(error, match=message):
        load_csv(path, **kwargs)


def test_csv_missing_file_and_damaged_gzip_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.csv: no such CSV file"):
        load_csv(tmp_path / "nope.csv")
    damaged = tmp_path / "bad.csv.gz"
    damaged.write_bytes(gzip.compress(IRIS_LIKE.encode())[:20])
    with pytest.raises(ValueError, match=r"bad\.csv\.gz: damaged or truncated gzip"):
        load_csv(damaged)


# --- CSV: end to end ---------------------------------------------------------------------------


def test_model_trains_on_a_loaded_csv_with_dataloader(tmp_path):
    """Two Gaussian blobs written as CSV, read back, and learnt by a small Dense net: loss falls."""
    rng = np.random.default_rng(0)
    centres = {"left": (-1.5, 0.0), "right": (1.5, 0.5)}
    lines = ["u,v,side"] + [
        f"{u:.4f},{v:.4f},{side}"
        for side in rng.permutation(["left", "right"] * 32)
        for u, v in [rng.normal(centres[side], 0.7)]
    ]
    path = _write(tmp_path / "blobs.csv.gz", "\r\n".join(lines) + "\r\n", gz=True)
    x, y, classes = load_csv(path, return_classes=True)
    assert classes == ["left", "right"] and x.shape == (64, 2)
    loader = tg.data.DataLoader(tg.data.TensorDataset(x, y), batch_size=16, shuffle=True, seed=0)
    model = Sequential(Dense(2, 8, activation="relu"), Dense(8, 2))
    optimizer = tg.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = CrossEntropyLoss()
    epoch_losses = []
    for _ in range(8):
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_losses.append(total / len(loader))
    assert epoch_losses[-1] < 0.5 * epoch_losses[0], epoch_losses


# --- CIFAR: fake official files ----------------------------------------------------------------


def _images(count, seed):
    return np.random.default_rng(seed).integers(0, 256, (count, 3, 32, 32), dtype=np.uint8)


def _binary_records(images, *label_columns):
    """Official binary layout: label byte(s), then 1024 red, 1024 green, 1024 blue bytes per image."""
    labels = np.stack([np.asarray(column, np.uint8) for column in label_columns], axis=1)
    return np.concatenate([labels, images.reshape(len(images), -1)], axis=1).tobytes()


def _fake_cifar10_binary(folder, per_batch=3):
    """cifar-10-batches-bin with 5 train batches and a test batch; returns the arrays written."""
    folder.mkdir(parents=True)
    splits = {}
    for name, seed in [*((f"data_batch_{i}", i) for i in range(1, 6)), ("test_batch", 9)]:
        images, labels = _images(per_batch, seed), (np.arange(per_batch) + seed) % 10
        (folder / f"{name}.bin").write_bytes(_binary_records(images, labels))
        splits[name] = (images, labels)
    train = [splits[f"data_batch_{i}"] for i in range(1, 6)]
    return (np.concatenate([i for i, _ in train]), np.concatenate([l for _, l in train])), splits[
        "test_batch"
    ]


def _pickle_batch(path, images, labels_by_key, protocol):
    """A Python-version batch as Python 2 wrote it: bytes keys, data (N, 3072) uint8, label lists."""
    batch = {b"batch_label": b"fake batch", b"data": images.reshape(len(images), -1)}
    batch.update({key.encode(): [int(label) for label in labels] for key, labels in labels_by_key.items()})
    batch[b"filenames"] = [f"img_{i}.png".encode() for i in range(len(images))]
    path.write_bytes(pickle.dumps(batch, protocol=protocol))


def _fake_cifar10_python(folder, protocol=2, per_batch=3):
    folder.mkdir(parents=True)
    written = {}
    for name, seed in [*((f"data_batch_{i}", i) for i in range(1, 6)), ("test_batch", 9)]:
        images, labels = _images(per_batch, seed), (np.arange(per_batch) * 3 + seed) % 10
        _pickle_batch(folder / name, images, {"labels": labels}, protocol)
        written[name] = (images, labels)
    train = [written[f"data_batch_{i}"] for i in range(1, 6)]
    return (np.concatenate([i for i, _ in train]), np.concatenate([l for _, l in train])), written[
        "test_batch"
    ]


def _assert_split(loaded, expected):
    images, labels = loaded
    assert images.dtype == np.uint8 and images.shape == expected[0].shape
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(images, expected[0])
    np.testing.assert_array_equal(labels, expected[1])


def test_cifar10_binary_pixels_labels_and_channel_order(tmp_path):
    train, test = _fake_cifar10_binary(tmp_path / "cifar-10-batches-bin")
    (x_train, y_train), (x_test, y_test) = load_cifar10(tmp_path / "cifar-10-batches-bin")
    _assert_split((x_train, y_train), train)
    _assert_split((x_test, y_test), test)
    assert x_train.shape == (15, 3, 32, 32)
    # channel order by hand: after the label byte, the first 1024 bytes are red, row by row
    raw = (tmp_path / "cifar-10-batches-bin" / "test_batch.bin").read_bytes()
    assert y_test[0] == raw[0]
    assert x_test[0, 0, 0, 1] == raw[1 + 1]  # red, row 0, column 1
    assert x_test[0, 1, 0, 0] == raw[1 + 1024]  # green starts after 1024 red bytes
    assert x_test[0, 2, 1, 0] == raw[1 + 2048 + 32]  # blue, row 1, column 0


def test_cifar10_reads_from_the_parent_folder(tmp_path):
    train, _ = _fake_cifar10_binary(tmp_path / "cifar-10-batches-bin")
    _assert_split(load_cifar10(tmp_path)[0], train)


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_cifar10_python_version_matches_what_was_pickled(tmp_path, protocol):
    train, test = _fake_cifar10_python(tmp_path / "cifar-10-batches-py", protocol=protocol)
    (x_train, y_train), (x_test, y_test) = load_cifar10(tmp_path)
    _assert_split((x_train, y_train), train)
    _assert_split((x_test, y_test), test)


def _python2_pickle(images, labels):
    """A batch byte for byte as Python 2's cPickle (protocol 2) wrote the official files: str as
    BINSTRING (bytes once loaded), the array through numpy.core.multiarray._reconstruct."""

    def string(text):
        return b"U" + bytes([len(text)]) + text

    data = images.reshape(len(images), -1)
    shape = b"(" + b"".join(b"J" + struct.pack("<i", size) for size in data.shape) + b"t"
    dtype = b"cnumpy\ndtype\n" + string(b"u1") + b"K\x00K\x01\x87R(K\x03" + string(b"|")
    dtype += b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
    array = b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85" + string(b"b") + b"\x87R"
    array += b"(K\x01" + shape + dtype + b"\x89T" + struct.pack("<I", data.nbytes) + data.tobytes() + b"tb"
    label_list = b"](" + b"".join(b"K" + bytes([int(label)]) for label in labels) + b"e"
    return b"\x80\x02}(" + string(b"data") + array + string(b"labels") + label_list + b"u."


def test_cifar10_python_version_accepts_str_keys_as_python3_pickles_them(tmp_path):
    _fake_cifar10_python(tmp_path / "cifar-10-batches-py")
    images = _images(2, 42)
    batch = {"data": images.reshape(2, -1), "labels": np.array([4, 2])}
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(pickle.dumps(batch))
    _assert_split(load_cifar10(tmp_path)[1], (images, [4, 2]))


def test_cifar10_reads_pickles_as_python2_wrote_the_official_files(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    written = {name: (_images(2, seed), np.array([seed % 10, 9])) for seed, name in enumerate(names)}
    for name, (images, labels) in written.items():
        (folder / name).write_bytes(_python2_pickle(images, labels))
    (x_train, y_train), test = load_cifar10(folder)
    _assert_split(test, written["test_batch"])
    np.testing.assert_array_equal(x_train[8:], written["data_batch_5"][0])
    np.testing.assert_array_equal(y_train, [0, 9, 1, 9, 2, 9, 3, 9, 4, 9])


def test_cifar10_reads_the_tar_gz_archive_directly(tmp_path):
    train, test = _fake_cifar10_binary(tmp_path / "src" / "cifar-10-batches-bin")
    archive = tmp_path / "cifar-10-binary.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "src" / "cifar-10-batches-bin", arcname="cifar-10-batches-bin")
    (x_train, y_train), loaded_test = load_cifar10(archive)
    _assert_split((x_train, y_train), train)
    _assert_split(loaded_test, test)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / archive.name).write_bytes(archive.read_bytes())
    _assert_split(load_cifar10(tmp_path / "elsewhere")[1], test)  # the archive found in data_dir


@pytest.mark.parametrize("label", ["fine", "coarse"])
def test_cifar100_binary_and_python_give_fine_or_coarse_labels(tmp_path, label):
    rng = np.random.default_rng(5)
    splits = {}
    for name, count in [("train", 6), ("test", 4)]:
        images = _images(count, count)
        coarse, fine = rng.integers(0, 20, count), rng.integers(0, 100, count)
        splits[name] = images, {"coarse_labels": coarse, "fine_labels": fine}
        (tmp_path / "cifar-100-binary").mkdir(exist_ok=True)
        (tmp_path / "cifar-100-binary" / f"{name}.bin").write_bytes(_binary_records(images, coarse, fine))
        (tmp_path / "cifar-100-python").mkdir(exist_ok=True)
        _pickle_batch(tmp_path / "cifar-100-python" / name, images, splits[name][1], protocol=2)
    for folder in ("cifar-100-binary", "cifar-100-python"):
        train, test = load_cifar100(tmp_path / folder, label=label)
        for loaded, name in [(train, "train"), (test, "test")]:
            images, labels = splits[name]
            _assert_split(loaded, (images, labels[f"{label}_labels"]))


def test_cifar_class_name_constants():
    assert CIFAR10_CLASSES[0] == "airplane" and CIFAR10_CLASSES[9] == "truck" and len(CIFAR10_CLASSES) == 10
    assert len(set(CIFAR100_FINE_CLASSES)) == 100 and list(CIFAR100_FINE_CLASSES) == sorted(
        CIFAR100_FINE_CLASSES
    )
    assert len(set(CIFAR100_COARSE_CLASSES)) == 20 and CIFAR100_COARSE_CLASSES[-1] == "vehicles_2"


# --- CIFAR: bad input --------------------------------------------------------------------------


def test_cifar_missing_files_are_listed_by_name(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    _fake_cifar10_binary(folder)
    (folder / "data_batch_3.bin").unlink()
    (folder / "test_batch.bin").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing data_batch_3\.bin, test_batch\.bin") as info:
        load_cifar10(tmp_path)
    assert "cifar-10-python.tar.gz" in str(info.value)  # the other official version is named too
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_cifar100(tmp_path / "absent")


def test_cifar_truncated_binary_file_is_named(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    _fake_cifar10_binary(folder)
    raw = (folder / "data_batch_2.bin").read_bytes()
    (folder / "data_batch_2.bin").write_bytes(raw[:-100])
    with pytest.raises(ValueError, match=r"data_batch_2\.bin: 9119 bytes is not a whole number of 3073-byte"):
        load_cifar10(folder)


def test_cifar_label_out_of_range_is_named(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    _fake_cifar10_binary(folder)
    (folder / "test_batch.bin").write_bytes(_binary_records(_images(2, 0), [3, 12]))
    with pytest.raises(ValueError, match=r"test_batch\.bin: label 12 is out of range 0\.\.9 for CIFAR-10"):
        load_cifar10(folder)


def test_cifar100_label_argument_is_checked(tmp_path):
    with pytest.raises(ValueError, match="label must be 'fine' or 'coarse', got 'medium'"):
        load_cifar100(tmp_path, label="medium")


class _RunsCode:
    """A pickle that would create a file on loading: what an untrusted pickle can do."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_cifar_pickle_with_other_globals_is_refused_before_running(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    _fake_cifar10_python(folder)
    marker = tmp_path / "pwned"
    (folder / "data_batch_4").write_bytes(
        pickle.dumps({b"data": _RunsCode(marker), b"labels": []}, protocol=2)
    )
    with pytest.raises(pickle.UnpicklingError, match=r"data_batch_4: refused to load the global io\.open"):
        load_cifar10(folder)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (pickle.dumps([1, 2]), "expected a pickled dict, got list"),
        (pickle.dumps({b"data": np.zeros((2, 3072), np.uint8)}), r"no 'labels' entry"),
        (
            pickle.dumps({b"data": np.zeros((2, 10), np.uint8), b"labels": [0, 1]}),
            r"uint8 of shape \(N, 3072\)",
        ),
        (pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]}), "must be 2 integers"),
        (
            pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": [0]})[:-30],
            "not a readable CIFAR pickle",
        ),
    ],
)
def test_cifar_pickle_with_wrong_content_is_named(tmp_path, content, message):
    folder = tmp_path / "cifar-10-batches-py"
    _fake_cifar10_python(folder)
    (folder / "test_batch").write_bytes(content)
    with pytest.raises(ValueError, match=rf"test_batch: .*{message}"):
        load_cifar10(folder)


def test_cifar_damaged_archive_is_named(tmp_path):
    archive = tmp_path / "cifar-10-binary.tar.gz"
    archive.write_bytes(gzip.compress(b"not a tar archive" * 10))
    with pytest.raises(ValueError, match=r"cifar-10-binary\.tar\.gz: not a readable tar archive"):
        load_cifar10(archive)


def test_a_file_split_by_another_character_is_named_with_the_delimiter_to_pass(tmp_path):
    path = tmp_path / "semicolons.csv"
    path.write_text("a;b;label\n1;2;x\n3;4;y\n")
    with pytest.raises(ValueError, match=r"separated by something other than ','\? pass delimiter=';'"):
        tg.datasets.load_csv(path)
    x, y = tg.datasets.load_csv(path, delimiter=";")
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]] and y.tolist() == [0, 1]
