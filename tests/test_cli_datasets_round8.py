"""`python -m tinygrad_adam train` on CIFAR-10/100 (official Python batches) and on CSV tables of yours."""

import json
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.cli import main
from tinygrad_adam.data import Standardizer

REPO = Path(__file__).resolve().parents[1]
QUICK = ["--hidden", "16", "--batch-size", "10", "--quiet", "--json"]
TABLE_QUICK = [*QUICK, "--lr", "0.01"]  # small tables: a few hundred steps in all


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def cli_error(args, capsys) -> str:
    """The message of an option the parser refuses (exit status 2 before any training)."""
    with pytest.raises(SystemExit) as stop:
        main(["train", *args])
    assert stop.value.code == 2
    return capsys.readouterr().err


# --- CIFAR: a tiny set of batches in the official Python layout ----------------------------------


def _learnable_images(labels: np.ndarray, seed: int) -> np.ndarray:
    """Dim noise with one bright band per class (its channel and rows tell the label apart)."""
    images = np.random.default_rng(seed).integers(0, 60, (len(labels), 3, 32, 32), dtype=np.uint8)
    for index, label in enumerate(labels):
        images[index, label % 3, 3 * (label // 3) : 3 * (label // 3) + 3, :] = 255
    return images


def _pickle_batch(path: Path, labels: np.ndarray, seed: int, label_keys: tuple[str, ...]) -> None:
    """One batch as the official files hold it: bytes keys, data (N, 3072) uint8, label lists."""
    batch = {b"batch_label": b"tiny", b"data": _learnable_images(labels, seed).reshape(len(labels), -1)}
    batch.update({key.encode(): [int(label) for label in labels] for key in label_keys})
    path.write_bytes(pickle.dumps(batch, protocol=2))


def write_tiny_cifar10(root: Path, per_batch: int = 20) -> Path:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for number, name in enumerate([*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]):
        _pickle_batch(folder / name, np.arange(per_batch) % 10, number, ("labels",))
    return folder


def write_tiny_cifar100(root: Path) -> Path:
    folder = root / "cifar-100-python"
    folder.mkdir(parents=True)
    for number, (name, count) in enumerate((("train", 200), ("test", 20))):
        _pickle_batch(folder / name, np.arange(count) % 5, number, ("fine_labels", "coarse_labels"))
    return folder


def test_cifar10_python_batches_train_an_mlp_well_above_chance(tmp_path, capsys):
    folder = write_tiny_cifar10(tmp_path)
    assert main(["train", "--dataset", "cifar10", "--data-dir", str(tmp_path), "--epochs", "6", *QUICK]) == 0
    out = capsys.readouterr().out
    report = last_json(out)
    assert report["dataset"] == "cifar10" and report["task"] == "classification"
    assert report["test_accuracy"] > 0.5  # chance: 0.1
    assert list(report["class_accuracy"]) == list(tg.datasets.CIFAR10_CLASSES)
    assert "Test accuracy per class: airplane " in out and ", truck " in out
    # the extracted folder itself reads as well as its parent
    assert main(["train", "--dataset", "cifar10", "--data-dir", str(folder), "--epochs", "1", *QUICK]) == 0
    assert last_json(capsys.readouterr().out)["epochs"] == 1


def test_cifar100_has_one_output_per_fine_class(tmp_path, capsys):
    write_tiny_cifar100(tmp_path)
    args = ["train", "--dataset", "cifar100", "--data-dir", str(tmp_path), "--epochs", "10", *QUICK]
    assert main(args) == 0
    report = last_json(capsys.readouterr().out)
    assert len(report["class_accuracy"]) == 100 and report["class_accuracy"]["worm"] is None  # not in test
    assert report["test_accuracy"] > 0.5  # five classes present: chance 0.2

    checkpoint = str(tmp_path / "coarse.npz")
    assert main([*args[: -len(QUICK)], "--cifar100-labels", "coarse", "--save", checkpoint, *QUICK]) == 0
    coarse = last_json(capsys.readouterr().out)
    assert list(coarse["class_accuracy"]) == list(tg.datasets.CIFAR100_COARSE_CLASSES)
    # the saved run keeps its 20 superclasses: a model of 100 outputs would not load
    assert main(["train", "--resume", checkpoint, "--quiet", "--json"]) == 0
    assert last_json(capsys.readouterr().out)["test_accuracy"] == coarse["test_accuracy"]
    message = cli_error(["--dataset", "digits", "--cifar100-labels", "coarse"], capsys)
    assert "--cifar100-labels: only for --dataset cifar100" in message


def test_cifar_without_data_dir_or_with_a_missing_folder_says_what_to_put_there(tmp_path, capsys):
    message = cli_error(["--dataset", "cifar10", "--epochs", "1"], capsys)
    assert "never downloads" in message and "--data-dir" in message and "cifar-10-batches-py" in message
    message = cli_error(["--dataset", "cifar100", "--data-dir", str(tmp_path / "typo")], capsys)
    assert f"--data-dir {tmp_path / 'typo'}: no such folder" in message and "cifar-100-python" in message


def test_cifar_in_a_folder_without_its_files_is_an_error_naming_them(tmp_path, capsys):
    (tmp_path / "cifar-10-batches-py").mkdir()
    (tmp_path / "cifar-10-batches-py" / "data_batch_1").write_bytes(b"")
    assert main(["train", "--dataset", "cifar10", "--data-dir", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"error: CIFAR-10 not found in {tmp_path}" in err
    assert "missing data_batch_2" in err and "test_batch" in err


def test_a_damaged_cifar_batch_is_named_without_a_traceback(tmp_path, capsys):
    folder = write_tiny_cifar10(tmp_path)
    (folder / "test_batch").write_bytes(b"\x80\x02garbage")
    assert main(["train", "--dataset", "cifar10", "--data-dir", str(folder), "--quiet"]) == 2
    assert f"error: cannot read cifar10: {folder / 'test_batch'}" in capsys.readouterr().err


def test_a_cifar_run_resumes_from_the_archive_it_was_saved_with(tmp_path, capsys):
    write_tiny_cifar10(tmp_path / "extracted")
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "extracted" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    common = ["train", "--dataset", "cifar10", "--schedule", "constant", *QUICK]
    assert main([*common, "--data-dir", str(archive), "--epochs", "3"]) == 0
    straight = last_json(capsys.readouterr().out)
    checkpoint = str(tmp_path / "run.npz")
    assert main([*common, "--data-dir", str(archive), "--epochs", "2", "--save", checkpoint]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", checkpoint, "--epochs", "3", "--quiet", "--json"]) == 0  # no --data-dir
    resumed = last_json(capsys.readouterr().out)
    assert resumed["dataset"] == "cifar10" and resumed["epochs"] == 3
    assert (resumed["test_accuracy"], resumed["test_loss"]) == (
        straight["test_accuracy"],
        straight["test_loss"],
    )


# --- CSV: small tables with a text column ------------------------------------------------------


def write_table(
    path: Path, rows: int, seed: int, regression: bool = False, colours=("red", "green", "blue")
) -> Path:
    """Features a, b (numbers, b on a scale of thousands), colour (text) and the target: "yes"/"no"
    by a + (colour == red) > 0.3, or, for regression, a price around 100 that depends on them."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=rows), rng.normal(size=rows) * 1000 + 5000
    colour = rng.choice(colours, rows)
    red = colour == "red"
    if regression:
        target = [f"{value:.4f}" for value in 100 + 10 * a + 20 * red + rng.normal(scale=0.5, size=rows)]
    else:
        target = np.where(a + 1.5 * red > 0.3, "yes", "no")
    lines = ["a,b,colour,label"] + [f"{a[i]:.4f},{b[i]:.1f},{colour[i]},{target[i]}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_classification_with_a_text_column_prints_each_class_accuracy(tmp_path, capsys):
    path = write_table(tmp_path / "train.csv", 200, seed=0)
    assert main(["train", "--csv", str(path), "--target", "label", "--epochs", "15", *TABLE_QUICK]) == 0
    out = capsys.readouterr().out
    report = last_json(out)
    assert report["dataset"] == "csv" and report["task"] == "classification"
    assert report["csv"] == str(path) and report["target"] == "label" and report["test_csv"] is None
    assert report["test_accuracy"] > 0.85  # chance: about 0.5
    assert set(report["class_accuracy"]) == {"no", "yes"}
    assert "on train.csv after 15 epochs" in out and "Test accuracy per class: no " in out and ", yes " in out


def test_csv_features_are_standardised_with_the_training_part_only(tmp_path, capsys, monkeypatch):
    path = write_table(tmp_path / "train.csv", 100, seed=1)
    fitted_rows = []
    fit = Standardizer.fit
    monkeypatch.setattr(Standardizer, "fit", lambda self, x: (fitted_rows.append(len(x)), fit(self, x))[1])
    args = ["--csv", str(path), "--epochs", "1", "--test-fraction", "0.2", "--val-fraction", "0.1"]
    assert main(["train", *args, *TABLE_QUICK]) == 0
    assert fitted_rows == [72]  # 100 rows less 20 for the test and 8 for validation


def test_csv_test_file_uses_the_training_files_categories_and_classes(tmp_path, capsys):
    train = write_table(tmp_path / "train.csv", 200, seed=2)
    test = write_table(tmp_path / "test.csv", 40, seed=3, colours=("red", "blue"))  # no "green" here
    args = ["--csv", str(train), "--test-csv", str(test), "--target", "label", "--epochs", "15"]
    assert main(["train", *args, *TABLE_QUICK]) == 0
    report = last_json(capsys.readouterr().out)
    assert report["test_csv"] == str(test) and report["test_accuracy"] > 0.85

    unknown = write_table(tmp_path / "unknown.csv", 40, seed=3, colours=("red", "purple"))
    args = ["--csv", str(train), "--test-csv", str(unknown), "--epochs", "1"]
    assert main(["train", *args, *TABLE_QUICK]) == 2
    assert "category 'purple' is not one of its categories" in capsys.readouterr().err


def test_csv_integer_labels_any_values_become_classes_named_by_them(tmp_path, capsys):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(150, 2))
    labels = np.where(x[:, 0] > 0, 1, -1)  # -1/1 as SVM data writes them: not labels 0..C-1
    rows = [f"{label},{u:.4f},{v:.4f}" for label, (u, v) in zip(labels, x)]
    path = tmp_path / "signs.csv"
    path.write_text("\n".join(rows) + "\n")  # no header, the target first
    assert main(["train", "--csv", str(path), "--target", "0", "--epochs", "15", *TABLE_QUICK]) == 0
    report = last_json(capsys.readouterr().out)
    assert list(report["class_accuracy"]) == ["-1", "1"] and report["test_accuracy"] > 0.85

    test = tmp_path / "test.csv"
    test.write_text("1,0.5,0.1\n-1,-0.5,0.2\n")
    assert main(["train", "--csv", str(path), "--test-csv", str(test), "--target", "0", *TABLE_QUICK]) == 0
    assert last_json(capsys.readouterr().out)["test_accuracy"] == 1.0
    test.write_text("1,0.5,0.1\n0,-0.5,0.2\n")
    assert main(["train", "--csv", str(path), "--test-csv", str(test), "--target", "0", "--quiet"]) == 2
    assert "class labels [0] are not in --csv" in capsys.readouterr().err

    path.write_text("\n".join(f"7,{u:.4f},{v:.4f}" for u, v in x) + "\n")
    assert main(["train", "--csv", str(path), "--target", "0", "--quiet"]) == 2
    assert "the target holds one class only ('7'): nothing to learn" in capsys.readouterr().err


def test_task_and_missing_options_reach_the_csv_reader(tmp_path, capsys):
    rng = np.random.default_rng(10)
    x = rng.normal(size=(150, 2))
    rows = [f"{u:.4f},{v:.4f},{float(u > 0):.1f}" for u, v in x]  # labels as np.savetxt writes them
    rows[5], rows[17] = "NA,0.5,1.0", "0.3,,0.0"
    path = tmp_path / "savetxt.csv"
    path.write_text("\n".join(rows) + "\n")
    args = ["train", "--csv", str(path), "--task", "classification", "--missing", "drop", "--epochs", "15"]
    assert main([*args, *TABLE_QUICK]) == 0
    report = last_json(capsys.readouterr().out)
    assert report["task"] == "classification" and list(report["class_accuracy"]) == ["0", "1"]
    assert report["test_accuracy"] > 0.85
    assert main(["train", "--csv", str(path), "--missing", "drop", "--epochs", "1", *TABLE_QUICK]) == 0
    assert last_json(capsys.readouterr().out)["task"] == "regression"  # "auto": 0.0 and 1.0 are numbers


def test_csv_regression_trains_with_mse_and_reports_rmse_in_the_targets_units(tmp_path, capsys):
    path = write_table(tmp_path / "prices.csv", 200, seed=5, regression=True)
    assert main(["train", "--csv", str(path), "--epochs", "20", *TABLE_QUICK]) == 0
    out = capsys.readouterr().out
    report = last_json(out)
    assert report["task"] == "regression" and "test_accuracy" not in report
    spread = np.std(np.loadtxt(path, delimiter=",", skiprows=1, usecols=3))  # about 13
    assert report["test_rmse"] < 0.3 * spread, (report, spread)
    assert report["test_loss"] == pytest.approx(report["test_rmse"] ** 2)
    assert f"Test RMSE: {report['test_rmse']:.6g}" in out


def test_csv_run_saved_then_resumed_from_its_own_settings_continues_exactly(tmp_path, capsys):
    path = write_table(tmp_path / "train.csv", 120, seed=6)
    common = ["train", "--schedule", "constant", *TABLE_QUICK]
    data = ["--csv", str(path), "--target", "label"]
    assert main([*common, *data, "--epochs", "3"]) == 0
    straight = last_json(capsys.readouterr().out)

    checkpoint = str(tmp_path / "run.npz")
    assert main([*common, *data, "--epochs", "1", "--save", checkpoint]) == 0
    saved = tg.load(checkpoint)["extra"]["cli"]
    assert saved["csv"] == str(path) and saved["target"] == "label" and saved["test_fraction"] == 0.2
    capsys.readouterr()
    assert main(["train", "--resume", checkpoint, "--epochs", "3", "--quiet", "--json"]) == 0  # no --csv
    resumed = last_json(capsys.readouterr().out)
    assert resumed["epochs"] == 3 and resumed["target"] == "label"
    assert resumed["test_accuracy"] == straight["test_accuracy"]
    assert resumed["test_loss"] == straight["test_loss"]


def test_a_resumed_csv_run_whose_file_moved_says_how_to_point_at_it(tmp_path, capsys):
    path = write_table(tmp_path / "train.csv", 60, seed=7)
    checkpoint = str(tmp_path / "run.npz")
    assert main(["train", "--csv", str(path), "--epochs", "1", "--save", checkpoint, *TABLE_QUICK]) == 0
    moved = path.rename(tmp_path / "moved.csv")
    capsys.readouterr()
    assert main(["train", "--resume", checkpoint, "--quiet"]) == 2
    assert "no such CSV file" in capsys.readouterr().err
    assert main(["train", "--resume", checkpoint, "--csv", str(moved), *TABLE_QUICK]) == 0
    assert last_json(capsys.readouterr().out)["csv"] == str(moved)


def test_csv_errors_name_the_missing_file_or_column(tmp_path, capsys):
    assert main(["train", "--csv", str(tmp_path / "nope.csv"), "--quiet"]) == 2
    assert f"error: {tmp_path / 'nope.csv'}: no such CSV file" in capsys.readouterr().err

    path = write_table(tmp_path / "train.csv", 30, seed=8)
    assert main(["train", "--csv", str(path), "--target", "price", "--quiet"]) == 2
    assert "column 'price' is not in the header ['a', 'b', 'colour', 'label']" in capsys.readouterr().err

    holey = tmp_path / "holey.csv"
    holey.write_text("a,label\n1,x\n,y\n3,x\n")
    assert main(["train", "--csv", str(holey), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "line 3, column 'a' (index 0): missing value" in err and "--missing drop skips them" in err

    assert "--dataset csv needs --csv PATH" in cli_error(["--dataset", "csv"], capsys)
    message = cli_error(["--dataset", "digits", "--target", "label"], capsys)
    assert "--target: only for --dataset csv" in message


def test_help_documents_cifar_csv_and_regression(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for words in ("cifar10", "cifar100", "cifar-10-batches-py", "never downloaded", "--csv PATH",
                  "--target COLUMN", "--test-csv PATH", "--test-fraction", "RMSE", "one-hot",
                  "csv: 50 epochs, batch 32, hidden 64,64", "cifar10: 20 epochs, batch 128"):  # fmt: skip
        assert words in text, words


def test_python_m_trains_a_csv_file_on_the_device_asked_for(tmp_path):
    path = write_table(tmp_path / "train.csv", 60, seed=9)
    path_entries = [str(REPO), os.environ.get("PYTHONPATH")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, path_entries)))
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad_adam", "train", "--csv", str(path), "--epochs", "2", "--device",
         "strict", *TABLE_QUICK],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert last_json(result.stdout)["device"] == "strict:0"
