"""Specifications of tg.datasets: the IDX reader, (Fashion-)MNIST lookup, bundled digits, toy data."""

import gzip
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.datasets import (
    FASHION_MNIST_CLASSES,
    load_digits,
    load_fashion_mnist,
    load_mnist,
    make_moons,
    make_regression,
    make_spirals,
    read_idx,
    write_idx,
)
from tinygrad_adam.datasets import mnist as mnist_module

SYSTEM_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
FILES = mnist_module.FILES


@pytest.fixture(autouse=True)
def _no_system_data(monkeypatch, tmp_path):
    """Tests see only the files they write: no $TINYGRAD_ADAM_DATA, an empty system folder."""
    monkeypatch.delenv("TINYGRAD_ADAM_DATA", raising=False)
    monkeypatch.setattr(mnist_module, "SYSTEM_DATASETS", tmp_path / "system")


def _tiny_mnist(folder, n_train=12, n_test=5, gz=True, dotted=False, seed=0):
    """Write the four IDX files of a tiny MNIST-like dataset; return the arrays written."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for name, array in arrays.items():
        file_name = name.replace("-idx", ".idx") if dotted else name
        write_idx(folder / (file_name + (".gz" if gz else "")), array)
    return arrays


def _assert_loaded(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(x_test, arrays["t10k-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte"])
    assert x_train.dtype == y_train.dtype == np.uint8


# --- IDX --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trips_every_type_gzipped_or_not(tmp_path, dtype, suffix):
    array = (np.arange(24) - 7).astype(dtype).reshape(2, 3, 4)
    write_idx(tmp_path / f"a.idx{suffix}", array)
    loaded = read_idx(tmp_path / f"a.idx{suffix}")
    assert loaded.dtype == np.dtype(dtype) and loaded.dtype.isnative
    np.testing.assert_array_equal(loaded, array)


def test_idx_header_is_the_documented_big_endian_layout(tmp_path):
    write_idx(tmp_path / "labels", np.array([3, 1, 4], dtype=np.uint8))
    assert (tmp_path / "labels").read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 3, 1, 4])


def test_idx_gzip_is_recognised_by_content_not_name(tmp_path):
    (tmp_path / "labels").write_bytes(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])))
    np.testing.assert_array_equal(read_idx(tmp_path / "labels"), [7, 9])


def test_idx_bad_magic_is_a_clear_error(tmp_path):
    (tmp_path / "bad").write_bytes(bytes([1, 2, 8, 1, 0, 0, 0, 1, 5]))
    with pytest.raises(ValueError, match=r"bad.*not an IDX file: bad magic number 0x01020801"):
        read_idx(tmp_path / "bad")
    (tmp_path / "type").write_bytes(bytes([0, 0, 7, 1, 0, 0, 0, 1, 5]))
    with pytest.raises(ValueError, match="unknown IDX data type 0x07"):
        read_idx(tmp_path / "type")


def test_idx_truncated_files_are_clear_errors(tmp_path):
    write_idx(tmp_path / "images.gz", np.zeros((4, 28, 28), dtype=np.uint8))
    raw = gzip.decompress((tmp_path / "images.gz").read_bytes())
    (tmp_path / "short").write_bytes(raw[:-10])
    with pytest.raises(ValueError, match=r"truncated IDX file: shape \(4, 28, 28\) of uint8 needs 3136"):
        read_idx(tmp_path / "short")
    (tmp_path / "header").write_bytes(raw[:9])
    with pytest.raises(ValueError, match="truncated IDX header"):
        read_idx(tmp_path / "header")
    (tmp_path / "long").write_bytes(raw + b"\x00\x00")
    with pytest.raises(ValueError, match="2 bytes beyond its declared shape"):
        read_idx(tmp_path / "long")
    compressed = (tmp_path / "images.gz").read_bytes()
    (tmp_path / "cut.gz").write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(ValueError, match="damaged or truncated gzip"):
        read_idx(tmp_path / "cut.gz")


def test_idx_header_with_sizes_past_int64_is_a_truncation_error_not_an_overflow(tmp_path):
    # 2**31 cubed overflows int64 to 0 bytes, which an empty payload would have matched.
    (tmp_path / "huge").write_bytes(bytes([0, 0, 8, 3]) + np.full(3, 2**31, dtype=">u4").tobytes())
    with pytest.raises(ValueError, match=r"truncated IDX file: shape \(2147483648, 2147483648, 2147483648\)"):
        read_idx(tmp_path / "huge")


# --- Fashion-MNIST and MNIST -------------------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("dotted", [False, True])
def test_fashion_mnist_reads_both_spellings_gzipped_or_not_from_root(tmp_path, gz, dotted):
    arrays = _tiny_mnist(tmp_path / "data", gz=gz, dotted=dotted)
    _assert_loaded(load_fashion_mnist(root=tmp_path / "data"), arrays)


def test_data_environment_variable_and_its_dataset_subfolder_are_searched(tmp_path, monkeypatch):
    fashion = _tiny_mnist(tmp_path / "shared" / "fashion-mnist", seed=1)
    digits = _tiny_mnist(tmp_path / "shared" / "mnist", seed=2)
    monkeypatch.setenv("TINYGRAD_ADAM_DATA", str(tmp_path / "shared"))
    _assert_loaded(load_fashion_mnist(), fashion)
    _assert_loaded(load_mnist(), digits)


def test_root_comes_before_the_environment_and_the_system_folder(tmp_path, monkeypatch):
    from_root = _tiny_mnist(tmp_path / "root", seed=1)
    _tiny_mnist(tmp_path / "env", seed=2)
    _tiny_mnist(tmp_path / "system" / "fashion-mnist", seed=3)
    monkeypatch.setenv("TINYGRAD_ADAM_DATA", str(tmp_path / "env"))
    _assert_loaded(load_fashion_mnist(root=tmp_path / "root"), from_root)


def test_the_system_folder_is_the_last_resort(tmp_path):
    system = _tiny_mnist(tmp_path / "system" / "fashion-mnist", seed=3)
    _assert_loaded(load_fashion_mnist(root=tmp_path / "empty"), system)


def test_missing_files_error_says_where_it_looked_and_how_to_get_them(tmp_path):
    partial = tmp_path / "partial"
    _tiny_mnist(partial)
    (partial / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError) as error:
        load_fashion_mnist(root=partial)
    message = str(error.value)
    assert "Fashion-MNIST not found" in message
    assert f"{partial} (root): missing t10k-labels-idx1-ubyte" in message
    assert "$TINYGRAD_ADAM_DATA is not set" in message
    assert f"{tmp_path / 'system' / 'fashion-mnist'} (system package folder): no such folder" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "TINYGRAD_ADAM_DATA=FOLDER" in message and "root=FOLDER" in message
    with pytest.raises(FileNotFoundError, match="MNIST not found"):
        load_mnist()


def test_image_and_label_counts_must_agree(tmp_path):
    _tiny_mnist(tmp_path, n_train=12)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(11, dtype=np.uint8))
    with pytest.raises(ValueError, match="holds 12 images but .* holds 11 labels"):
        load_fashion_mnist(root=tmp_path)


def test_files_of_the_wrong_kind_are_refused(tmp_path):
    _tiny_mnist(tmp_path)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((5, 28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match=r"expected Fashion-MNIST images, uint8 .* got float32"):
        load_fashion_mnist(root=tmp_path)
    _tiny_mnist(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(5, 10, dtype=np.uint8))
    with pytest.raises(ValueError, match="label 10 is out of range"):
        load_fashion_mnist(root=tmp_path)
    _tiny_mnist(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x08\x03\x00\x00\x00\x00\x00\x05")
    with pytest.raises(ValueError, match="bad magic number"):
        load_fashion_mnist(root=tmp_path)


def test_fashion_mnist_names_its_ten_classes():
    assert len(FASHION_MNIST_CLASSES) == 10
    assert FASHION_MNIST_CLASSES[0] == "T-shirt/top" and FASHION_MNIST_CLASSES[9] == "Ankle boot"


@pytest.mark.skipif(
    not (SYSTEM_FASHION_MNIST / "train-images-idx3-ubyte.gz").exists(),
    reason="Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)",
)
def test_real_fashion_mnist_from_the_debian_package(monkeypatch):
    monkeypatch.setattr(mnist_module, "SYSTEM_DATASETS", SYSTEM_FASHION_MNIST.parent)
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    np.testing.assert_array_equal(np.bincount(y_train), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)


# --- digits ---------------------------------------------------------------------------------------


def test_load_digits_gives_a_stratified_seeded_split_of_1797_images():
    (x_train, y_train), (x_test, y_test) = load_digits()
    assert x_train.shape[0] + x_test.shape[0] == 1797
    assert x_train.shape[1:] == x_test.shape[1:] == (64,)
    assert abs(x_test.shape[0] - 0.2 * 1797) <= 5  # per-class rounding moves it by at most 10 x 0.5
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.min() == 0 and x_train.max() == 16
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))
    train_share = np.bincount(y_train) / y_train.size
    test_share = np.bincount(y_test) / y_test.size
    np.testing.assert_allclose(train_share, test_share, atol=0.01)
    (x_again, _), _ = load_digits()
    np.testing.assert_array_equal(x_train, x_again)
    (x_other, _), _ = load_digits(seed=1)
    assert not np.array_equal(x_train, x_other)


def test_load_digits_test_fraction_sets_the_test_size():
    _, (x_test, _) = load_digits(test_fraction=0.5)
    assert abs(x_test.shape[0] - 1797 / 2) <= 5


# --- synthetic --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, label_dtype",
    [(make_moons, np.int64), (make_spirals, np.int64), (make_regression, np.float32)],
)
def test_synthetic_data_is_reproducible_from_the_seed(make, label_dtype):
    x, y = make(n=90, seed=4)
    x_again, y_again = make(n=90, seed=4)
    x_other, _ = make(n=90, seed=5)
    assert x.dtype == np.float32 and y.dtype == label_dtype
    assert x.shape[0] == y.shape[0] == 90
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(x, x_other)


def test_synthetic_data_without_a_seed_follows_tg_manual_seed():
    tg.manual_seed(21)
    first = make_moons(n=20, seed=None)[0]
    tg.manual_seed(21)
    np.testing.assert_array_equal(make_moons(n=20, seed=None)[0], first)


def test_moons_without_noise_lie_on_their_half_circles():
    x, y = make_moons(n=100, noise=0.0)
    top, bottom = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(top[:, 0], top[:, 1]), 1, atol=1e-6)
    np.testing.assert_allclose(np.hypot(bottom[:, 0] - 1, bottom[:, 1] - 0.5), 1, atol=1e-6)
    assert (np.bincount(y) == 50).all()


def test_spirals_share_points_between_classes():
    x, y = make_spirals(n=31, classes=4)
    assert x.shape == (31, 2)
    np.testing.assert_array_equal(np.bincount(y), [8, 8, 8, 7])
    assert np.abs(x).max() <= 1 + 1e-6


def test_regression_targets_follow_the_returned_coefficients():
    x, y, weight, bias = make_regression(n=50, features=3, noise=0.0, return_coef=True)
    np.testing.assert_allclose(x @ weight + bias, y, rtol=1e-5, atol=1e-5)


def test_synthetic_generators_reject_bad_sizes():
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        make_moons(n=1)
    with pytest.raises(ValueError, match="classes"):
        make_spirals(classes=0)
    with pytest.raises(ValueError, match="noise"):
        make_regression(noise=-1.0)
