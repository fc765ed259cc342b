"""Image sets of any size from the files users have (IDX as EMNIST/KMNIST ship them, Keras .npz, KMNIST's
npz quartet, CIFAR's Python pickles) through tg.datasets.load_images and `python -m tinygrad_adam train`.
Every file here is small and synthetic, written by the test."""

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.cli import _standardize_channels, main
from tinygrad_adam.datasets import load_images, load_mnist, write_idx
from tinygrad_adam.datasets.images import channels_first

QUICK = ["--hidden", "32", "--batch-size", "16", "--quiet", "--json"]


def learnable(count: int, classes: int, shape: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Dim noise with a bright row per class (the row of the label tells it apart), uint8 labels."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % classes
    images = rng.integers(0, 60, (count, *shape), dtype=np.uint8)
    for index, label in enumerate(labels):
        images[index, label] = 255
    return images, labels.astype(np.uint8)


def write_idx_set(
    folder: Path, prefix: str, shape: tuple[int, ...], classes: int = 4, gz: bool = True, test: str = "test"
) -> None:
    """Train and test IDX files as EMNIST names them ([prefix]test-...; MNIST's own say t10k)."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for split, count, seed in (("train", 96, 0), (test, 32, 1)):
        images, labels = learnable(count, classes, shape, seed)
        write_idx(folder / f"{prefix}{split}-images-idx{len(shape) + 1}-ubyte{suffix}", images)
        write_idx(folder / f"{prefix}{split}-labels-idx1-ubyte{suffix}", labels)


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


# --- tg.datasets.load_images ------------------------------------------------------------------------


def test_idx_sets_of_any_image_size_read_with_their_prefix(tmp_path):
    write_idx_set(tmp_path, "emnist-letters-", (20, 12))
    (x_train, y_train), (x_test, y_test) = load_images(tmp_path)
    assert x_train.shape == (96, 20, 12) and x_train.dtype == np.uint8 and x_test.shape == (32, 20, 12)
    assert y_train.dtype == np.int64 and y_train.shape == (96,) and set(y_test.tolist()) == {0, 1, 2, 3}
    np.testing.assert_array_equal(x_train, learnable(96, 4, (20, 12), 0)[0])


def test_a_folder_of_several_sets_names_them_and_dir_slash_prefix_picks_one(tmp_path):
    write_idx_set(tmp_path, "emnist-letters-", (20, 12), gz=False)
    write_idx_set(tmp_path, "emnist-digits-", (16, 16))
    with pytest.raises(
        ValueError, match=r"holds 2 image sets: pass one of .*emnist-digits, .*emnist-letters"
    ):
        load_images(tmp_path)
    (x_train, _), _ = load_images(tmp_path / "emnist-digits")
    assert x_train.shape == (96, 16, 16)
    (x_train, _), _ = load_images(tmp_path / "emnist-letters")
    assert x_train.shape == (96, 20, 12)


def test_four_dimensional_idx_images_are_height_width_channels(tmp_path):
    write_idx_set(tmp_path, "", (10, 9, 3))
    (x_train, _), (x_test, _) = load_images(tmp_path)
    assert x_train.shape == (96, 10, 9, 3) and x_test.shape == (32, 10, 9, 3)
    first = channels_first(x_train)
    assert first.shape == (96, 3, 10, 9)
    np.testing.assert_array_equal(first[5, 2], x_train[5, :, :, 2])
    assert channels_first(x_train[:, :, :, 0]).shape == (96, 1, 10, 9)


def test_keras_npz_with_column_labels_and_one_with_x_y_only(tmp_path):
    (x_train, y_train), (x_test, y_test) = learnable(40, 5, (8, 8, 3), 0), learnable(10, 5, (8, 8, 3), 1)
    np.savez(
        tmp_path / "cifar.npz", x_train=x_train, y_train=y_train.reshape(-1, 1), x_test=x_test, y_test=y_test
    )
    (a, b), (c, d) = load_images(tmp_path / "cifar.npz")
    assert a.shape == (40, 8, 8, 3) and b.shape == (40,) and d.dtype == np.int64
    np.testing.assert_array_equal(b, y_train)
    (a, _), _ = load_images(tmp_path)  # the folder of one Keras .npz
    assert a.shape == (40, 8, 8, 3)
    np.savez(tmp_path / "xy.npz", x=x_train, y=y_train)
    (a, b), (c, d) = load_images(tmp_path / "xy.npz", test_fraction=0.25, seed=3)
    assert a.shape[0] == 30 and c.shape[0] == 10 and sorted(np.bincount(d).tolist()) == [2, 2, 2, 2, 2]
    (a2, _), (c2, _) = load_images(tmp_path / "xy.npz", test_fraction=0.25, seed=3)
    np.testing.assert_array_equal(c, c2)  # same seed, same held-out images


def test_kmnist_npz_quartet(tmp_path):
    for split, count, seed in (("train", 30, 0), ("test", 10, 1)):
        images, labels = learnable(count, 3, (28, 28), seed)
        np.savez_compressed(tmp_path / f"kmnist-{split}-imgs.npz", arr_0=images)
        np.savez_compressed(tmp_path / f"kmnist-{split}-labels.npz", arr_0=labels)
    (x_train, y_train), (x_test, _) = load_images(tmp_path)
    assert x_train.shape == (30, 28, 28) and x_test.shape == (10, 28, 28) and y_train.max() == 2


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(y_train=np.zeros(39, np.uint8)), r"y_train: 39 labels for 40 images"),
        (dict(y_train=np.full(40, -1, np.int64)), r"y_train: label -1 is negative"),
        (
            dict(y_test=np.full(10, 7, np.uint8)),
            r"y_test: label 7 is out of range: the training labels .* go 0..4",
        ),
        (dict(x_train=np.zeros((40, 8, 8), np.float32)), r"x_train: expected images, uint8 .* got float32"),
        (dict(y_train=np.zeros(40, np.float32)), r"y_train: expected integer class labels .* got float32"),
        (dict(x_test=np.zeros((10, 9, 8), np.uint8)), r"are \(8, 8\) but test images .* are \(9, 8\)"),
        (
            dict(x_train=np.zeros((40, 64), np.uint8)),
            r"x_train: expected images, .* got uint8 of shape \(40, 64\)",
        ),
        (dict(y_train=np.arange(40) * 10_000), r"labels go up to 390000 for 40 distinct classes"),
    ],
)
def test_bad_keras_npz_arrays_are_named(tmp_path, change, message):
    (x_train, y_train), (x_test, y_test) = learnable(40, 5, (8, 8), 0), learnable(10, 5, (8, 8), 1)
    arrays = dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test) | change
    np.savez(tmp_path / "set.npz", **arrays)
    with pytest.raises(ValueError, match=message):
        load_images(tmp_path / "set.npz")


def test_idx_count_mismatch_and_label_range_name_the_files(tmp_path):
    write_idx_set(tmp_path, "", (12, 12))
    write_idx(tmp_path / "test-labels-idx1-ubyte.gz", np.zeros(31, np.uint8))
    with pytest.raises(ValueError, match=r"test-labels-idx1-ubyte.gz: 31 labels for 32 images"):
        load_images(tmp_path)
    write_idx(tmp_path / "test-labels-idx1-ubyte.gz", np.full(32, 9, np.uint8))
    with pytest.raises(ValueError, match=r"test-labels-idx1-ubyte.gz: label 9 is out of range"):
        load_images(tmp_path)


def test_folders_without_a_set_say_what_they_lack_and_pickles_are_never_loaded(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no image set found. Expected IDX files"):
        load_images(tmp_path)
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((4, 5, 5), np.uint8))
    with pytest.raises(FileNotFoundError, match=r"no prefix: lacks train-labels, test-images, test-labels"):
        load_images(tmp_path)
    (tmp_path / "cifar-10-batches-py").mkdir()
    with pytest.raises(FileNotFoundError, match=r"it holds CIFAR's files: read them with load_cifar10"):
        load_images(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_images(tmp_path / "nowhere" / "at-all")
    with pytest.raises(ValueError, match="expected a .npz file or a folder of IDX files"):
        load_images(tmp_path / "train-images-idx3-ubyte")
    objects = np.empty(2, dtype=object)
    np.savez(tmp_path / "objects.npz", x_train=objects, y_train=objects, x_test=objects, y_test=objects)
    with pytest.raises(ValueError, match="pickled arrays are never loaded"):
        load_images(tmp_path / "objects.npz")


def test_load_mnist_reads_copies_of_other_image_sizes_but_keeps_its_ten_classes(tmp_path):
    for split, count in (("train", 20), ("t10k", 10)):
        images, labels = learnable(count, 10, (32, 32), 0)
        write_idx(tmp_path / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(tmp_path / f"{split}-labels-idx1-ubyte.gz", labels)
    (x_train, _), _ = load_mnist(tmp_path)
    assert x_train.shape == (20, 32, 32)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(10, 12, np.uint8))
    with pytest.raises(ValueError, match=r"label 12 is out of range 0..9"):
        load_mnist(tmp_path)


# --- the command line -----------------------------------------------------------------------------


def test_standardize_channels_uses_the_training_statistics_of_each_channel():
    rng = np.random.default_rng(0)
    train = (
        rng.uniform(0, 1, (50, 3, 4, 4)).astype(np.float32) * np.array([1, 2, 3], np.float32)[:, None, None]
    )
    test = rng.uniform(0, 1, (7, 3, 4, 4)).astype(np.float32)
    expected_test = (test - train.mean(axis=(0, 2, 3))[:, None, None]) / train.std(axis=(0, 2, 3))[
        :, None, None
    ]
    rows, test_rows, none = _standardize_channels(3, train.reshape(50, -1), test.reshape(7, -1), None)
    assert none is None
    per_channel = rows.reshape(50, 3, -1)
    np.testing.assert_allclose(per_channel.mean(axis=(0, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(per_channel.std(axis=(0, 2)), 1, atol=1e-5)
    np.testing.assert_allclose(test_rows.reshape(7, 3, 4, 4), expected_test, rtol=1e-5, atol=1e-5)


def test_cli_trains_an_mlp_on_idx_images_of_another_size_reproducibly(tmp_path, capsys):
    write_idx_set(tmp_path, "emnist-letters-", (20, 12))
    write_idx_set(tmp_path, "emnist-digits-", (16, 16))
    args = ["train", "--dataset", "images", "--data-dir", str(tmp_path / "emnist-letters"), "--epochs", "4"]
    assert main([*args, *QUICK, "--seed", "3"]) == 0
    report = last_json(capsys.readouterr().out)
    assert report["dataset"] == "images" and report["model"] == "mlp"
    assert report["test_accuracy"] > 0.6  # chance: 0.25
    assert main([*args, *QUICK, "--seed", "3"]) == 0
    again = last_json(capsys.readouterr().out)
    assert (again["test_accuracy"], again["test_loss"]) == (report["test_accuracy"], report["test_loss"])
    assert main(["train", "--dataset", "images", "--data-dir", str(tmp_path), *QUICK]) == 2
    assert "holds 2 image sets: pass one of" in capsys.readouterr().err


def test_cli_trains_a_small_cnn_on_a_keras_colour_npz(tmp_path, capsys):
    (x_train, y_train), (x_test, y_test) = learnable(48, 3, (6, 6, 3), 0), learnable(12, 3, (6, 6, 3), 1)
    np.savez(tmp_path / "colour.npz", x_train=x_train, y_train=y_train[:, None], x_test=x_test, y_test=y_test)
    args = ["train", "--dataset", "images", "--data-dir", str(tmp_path / "colour.npz"), "--model", "cnn"]
    assert main([*args, "--epochs", "3", "--batch-size", "16", "--lr", "0.01", "--quiet", "--json"]) == 0
    report = last_json(capsys.readouterr().out)
    assert report["model"] == "cnn" and report["hidden"] == "128"
    assert report["test_accuracy"] > 0.5  # chance: 1/3
    assert main([*args, "--epochs", "1", "--batch-size", "16", "--json"]) == 0
    assert "CNN 3x6x6-conv32-conv64-128-3" in capsys.readouterr().err


def test_cli_cnn_on_cifar10_python_batches(tmp_path, capsys):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        labels = np.arange(4) % 10
        batch = {b"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8), b"labels": labels.tolist()}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    args = ["train", "--dataset", "cifar10", "--data-dir", str(tmp_path), "--model", "cnn", "--epochs", "1"]
    assert main([*args, "--hidden", "8", "--quiet", "--json", "--val-fraction", "0"]) == 0
    report = last_json(capsys.readouterr().out)
    assert report["model"] == "cnn" and 0 <= report["test_accuracy"] <= 1
    assert list(report["class_accuracy"]) == list(tg.datasets.CIFAR10_CLASSES)


def test_cli_image_mistakes_are_named(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "--dataset", "images", *QUICK])
    assert (
        stop.value.code == 2
        and "--dataset images reads your files, never downloads them" in capsys.readouterr().err
    )
    assert main(["train", "--dataset", "images", "--data-dir", str(tmp_path), *QUICK]) == 2
    assert "no image set found" in capsys.readouterr().err
    (tmp_path / "t.csv").write_text("a,b\n1,0\n2,1\n3,0\n4,1\n")
    with pytest.raises(SystemExit):
        main(["train", "--csv", str(tmp_path / "t.csv"), "--model", "cnn", *QUICK])
    assert "--model cnn: only for image datasets" in capsys.readouterr().err
    np.savez(tmp_path / "bad.npz", x=np.zeros((6, 4, 4), np.uint8), y=np.arange(6) - 1)
    assert main(["train", "--dataset", "images", "--data-dir", str(tmp_path / "bad.npz"), *QUICK]) == 2
    assert "bad.npz:y: label -1 is negative" in capsys.readouterr().err


def test_dataset_mnist_on_an_emnist_folder_points_to_dataset_images(tmp_path, capsys):
    write_idx_set(tmp_path, "emnist-balanced-", (28, 28))
    assert main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), *QUICK]) == 2
    assert "prefixes 'emnist-balanced': pass --dataset images" in capsys.readouterr().err
    write_idx_set(tmp_path / "big", "", (28, 28), classes=12, test="t10k")
    assert main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path / "big"), *QUICK]) == 2
    assert "label 11 is out of range 0..9 (image sets of other classes" in capsys.readouterr().err


def test_a_cnn_run_on_one_set_of_a_folder_resumes_from_its_checkpoint(tmp_path, capsys):
    write_idx_set(tmp_path / "data", "emnist-letters-", (8, 8))
    write_idx_set(tmp_path / "data", "emnist-digits-", (6, 6))
    saved = tmp_path / "run.npz"
    args = ["train", "--dataset", "images", "--model", "cnn", "--hidden", "8", "--schedule", "constant"]
    where = ["--data-dir", str(tmp_path / "data" / "emnist-letters")]
    assert main([*args, *where, "--epochs", "1", "--save", str(saved), "--quiet", "--json"]) == 0
    first = last_json(capsys.readouterr().out)
    assert main(["train", "--resume", str(saved), "--epochs", "2", "--quiet", "--json"]) == 0
    resumed = last_json(capsys.readouterr().out)
    assert (first["epochs"], resumed["epochs"]) == (1, 2) and resumed["model"] == "cnn"
    assert main([*args, *where, "--epochs", "2", "--quiet", "--json"]) == 0
    straight = last_json(capsys.readouterr().out)
    assert (straight["test_accuracy"], straight["test_loss"]) == (
        resumed["test_accuracy"],
        resumed["test_loss"],
    )
