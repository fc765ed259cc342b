"""`python -m tinygrad_adam train`: options, help, errors, fallback to digits, save and resume."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.cli import main, optimizer_classes

REPO = Path(__file__).resolve().parents[1]
JSON_KEYS = {"test_accuracy", "test_loss", "epochs", "seconds", "dataset", "optimizer"}
ALL_OPTIMIZERS = {
    "sgd", "momentum", "rmsprop", "adagrad", "adadelta", "adam", "adamw", "adamax", "nadam", "radam",
    "adabound", "lion", "rprop", "asgd", "adafactor",
}  # fmt: skip
SMALL = ["--dataset", "digits", "--hidden", "32", "--epochs", "1", "--quiet", "--json"]


def run_module(*args: str) -> subprocess.CompletedProcess:
    """The command in a fresh interpreter, with this environment (and so this backend)."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    return subprocess.run(
        [sys.executable, "-m", "tinygrad_adam", *args], capture_output=True, text=True, env=env, timeout=120
    )


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def test_train_on_digits_ends_with_one_json_line():
    result = run_module("train", "--dataset", "digits", "--epochs", "1", "--json")
    assert result.returncode == 0, result.stderr
    report = last_json(result.stdout)
    assert JSON_KEYS <= set(report)
    assert report["dataset"] == "digits" and report["optimizer"] == "Adam" and report["epochs"] == 1
    assert 0.7 < report["test_accuracy"] <= 1.0 and report["test_loss"] > 0 and report["seconds"] > 0
    assert f"Test accuracy: {report['test_accuracy']:.4f}" in result.stdout


def test_the_defaults_on_digits_reach_96_percent_test_accuracy(capsys):
    assert main(["train", "--dataset", "digits", "--quiet", "--json"]) == 0
    report = last_json(capsys.readouterr().out)
    assert report["epochs"] == 40 and report["optimizer"] == "Adam"
    assert report["test_accuracy"] >= 0.96, report


def test_device_option_trains_on_that_device():
    result = run_module("train", *SMALL, "--device", "strict")
    assert result.returncode == 0, result.stderr
    assert last_json(result.stdout)["device"] == "strict:0"


def test_help_documents_the_train_command_and_every_option():
    top = run_module("--help")
    assert top.returncode == 0 and "train" in top.stdout and "python -m tinygrad_adam" in top.stdout
    train = run_module("train", "--help")
    assert train.returncode == 0
    for option in (
        "--dataset", "--data-dir", "--optimizer", "--lr", "--epochs", "--batch-size", "--hidden", "--dropout",
        "--seed", "--device", "--save", "--resume", "--json", "--quiet", "fashion-mnist", "apt-get install",
    ):  # fmt: skip
        assert option in train.stdout, option
    for name in ALL_OPTIMIZERS:
        assert name in train.stdout, name


@pytest.mark.parametrize(
    "args, message",
    [
        (["--optimizer", "adamx"], "unknown optimizer 'adamx'"),
        (["--hidden", "256,abc"], "comma-separated positive layer widths"),
        (["--epochs", "0"], "expected a positive integer"),
        (["--lr", "-0.1"], "expected a positive number"),
        (["--dropout", "1.5"], "expected a number in \\[0, 1\\)"),
        (["--dataset", "cifar"], "invalid choice: 'cifar'"),
        (["--resume", "/nonexistent/run.npz"], "--resume: no checkpoint at"),
        (["--device", "tpu"], "--device: unknown device 'tpu'"),
    ],
)
def test_bad_options_exit_with_status_2_and_say_why(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", *args])
    assert exit_info.value.code == 2
    assert __import__("re").search(message, capsys.readouterr().err)


def test_a_missing_command_is_an_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def test_every_optimizer_of_tg_optim_is_an_option_case_insensitively(capsys):
    assert set(optimizer_classes()) == ALL_OPTIMIZERS
    for name in ("SGD", "Momentum", "RMSprop", "AdaGrad", "Adadelta", "adamw", "ADAMAX", "NAdam", "RAdam",
                 "AdaBound", "Lion"):  # fmt: skip
        assert main(["train", *SMALL, "--optimizer", name]) == 0
        report = last_json(capsys.readouterr().out)
        assert report["optimizer"].lower() == name.lower().replace("rmsprop", "rmsprop")
        assert 0.0 <= report["test_accuracy"] <= 1.0


def _missing(root=None):
    raise FileNotFoundError("no Fashion-MNIST IDX files in /usr/share/datasets/fashion-mnist")


def test_without_fashion_mnist_it_says_how_to_install_it_and_trains_on_digits(monkeypatch, capsys):
    monkeypatch.setattr(tg.datasets, "load_fashion_mnist", _missing)
    assert main(["train", "--epochs", "1", "--hidden", "32", "--quiet", "--json"]) == 0
    captured = capsys.readouterr()
    assert "Fashion-MNIST is not installed" in captured.err
    assert "apt-get install dataset-fashion-mnist" in captured.err and "--data-dir" in captured.err
    assert "bundled 8x8 handwritten digits" in captured.err
    assert last_json(captured.out)["dataset"] == "digits"


def test_an_explicit_dataset_that_is_missing_is_an_error_not_a_fallback(monkeypatch, capsys):
    monkeypatch.setattr(tg.datasets, "load_fashion_mnist", _missing)
    assert main(["train", "--dataset", "fashion-mnist", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "apt-get install dataset-fashion-mnist" in err


def _write_tiny_mnist(folder: Path) -> None:
    from tinygrad_adam.datasets.idx import write_idx

    rng = np.random.default_rng(0)
    for prefix, n in (("train", 100), ("t10k", 30)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 40, size=(n, 28, 28)).astype(np.uint8)
        images[np.arange(n), labels, :] = 255  # the label is the row that lights up: learnable
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte", labels)


def test_mnist_files_in_data_dir_train_through_the_command_line(tmp_path, capsys):
    _write_tiny_mnist(tmp_path)
    args = ["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--epochs", "5", "--hidden", "32"]
    assert main([*args, "--batch-size", "10", "--quiet", "--json"]) == 0
    report = last_json(capsys.readouterr().out)
    assert report["dataset"] == "mnist" and report["test_accuracy"] > 0.5


def test_a_data_dir_that_does_not_exist_is_an_error_not_a_silent_fallback(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "--dataset", "fashion-mnist", "--data-dir", str(tmp_path / "typo"), "--quiet"])
    assert stop.value.code == 2
    assert "no such folder" in capsys.readouterr().err


def test_missing_mnist_is_not_sent_to_the_fashion_mnist_package(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TINYGRAD_ADAM_DATA", raising=False)
    assert main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--data-dir" in err and "dataset-fashion-mnist" not in err.split("mnist is not installed")[-1]


def test_save_never_overwrites_a_file_that_is_not_its_checkpoint(tmp_path, capsys):
    for name, content in (("notes.txt", b"precious"), ("other.npz", None)):
        path = tmp_path / name
        if content is None:
            np.savez(path, w=np.ones(3))
        else:
            path.write_bytes(content)
        before = path.read_bytes()
        with pytest.raises(SystemExit):
            main(["train", *SMALL, "--save", str(path)])
        assert "refusing to overwrite" in capsys.readouterr().err
        assert path.read_bytes() == before


def test_save_into_a_missing_folder_or_onto_a_folder_is_refused_before_training(tmp_path, capsys):
    for target, message in ((tmp_path / "nope" / "run.npz", "does not exist"), (tmp_path, "is a folder")):
        with pytest.raises(SystemExit):
            main(["train", *SMALL, "--save", str(target)])
        captured = capsys.readouterr()
        assert message in captured.err and "Test accuracy" not in captured.out


def test_save_replaces_its_own_earlier_checkpoint_with_a_note(tmp_path, capsys):
    path = str(tmp_path / "run.npz")
    assert main(["train", *SMALL, "--save", path]) == 0
    capsys.readouterr()
    assert main(["train", *SMALL, "--seed", "1", "--save", path]) == 0
    assert "replaces the earlier checkpoint" in capsys.readouterr().err
    assert tg.load(path)["extra"]["cli"]["seed"] == 1


def test_quiet_prints_only_the_result(capsys):
    assert main(["train", *SMALL]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Test accuracy: ")


def test_save_then_resume_continues_the_run_exactly(tmp_path, capsys):
    common = ["train", "--dataset", "digits", "--hidden", "32", "--schedule", "constant", "--quiet", "--json"]
    assert main([*common, "--epochs", "2"]) == 0
    straight = last_json(capsys.readouterr().out)

    path = str(tmp_path / "run.npz")
    assert main([*common, "--epochs", "1", "--save", path]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", path, "--epochs", "2", "--quiet", "--json"]) == 0
    resumed = last_json(capsys.readouterr().out)
    assert resumed["epochs"] == 2
    assert resumed["test_accuracy"] == straight["test_accuracy"]
    assert resumed["test_loss"] == straight["test_loss"]


def test_resuming_a_cosine_schedule_with_other_epochs_is_refused(tmp_path, capsys):
    path = str(tmp_path / "run.npz")
    assert main(["train", *SMALL, "--save", path]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["train", "--resume", path, "--epochs", "3", "--quiet"])
    assert "anneals its learning rate over 1 epoch (--schedule cosine)" in capsys.readouterr().err


def test_a_data_dir_without_the_dataset_files_is_an_error_not_another_copy(tmp_path, capsys):
    (tmp_path / "train-images.bin").write_bytes(b"not the names we read")
    assert main(["train", "--data-dir", str(tmp_path), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert f"--data-dir {tmp_path} holds no Fashion-MNIST" in captured.err
    assert "lacks train-images-idx3-ubyte" in captured.err
    assert "Test accuracy" not in captured.out and "digits instead" not in captured.err


def test_a_diverging_run_stops_at_the_first_nan_and_keeps_the_last_good_checkpoint(tmp_path, capsys):
    path = tmp_path / "run.npz"
    assert main(["train", *SMALL, "--save", str(path)]) == 0
    before = path.read_bytes()
    capsys.readouterr()
    diverging = ["--epochs", "3", "--lr", "1e30", "--schedule", "constant", "--save", str(path)]
    with pytest.warns(RuntimeWarning) as caught:
        assert main(["train", *SMALL[:-2], *diverging, "--json"]) == 0
    assert any("ModelCheckpoint: epoch 1 not saved" in str(warning.message) for warning in caught)
    assert last_json(capsys.readouterr().out)["epochs"] == 1  # TerminateOnNaN stopped it in its first epoch
    assert path.read_bytes() == before
