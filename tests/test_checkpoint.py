"""Specifications of tg.save / tg.load: pickle-free .npz checkpoints, atomic writes, clear errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import checkpoint


def _nested_state():
    return {
        "model": {"weight": tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True), "bias": tg.zeros(2)},
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": tg.tensor([0.5, -0.5])}, 1: {"step": 3}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False, "params": [0, 1]}],
        },
        "epoch": 7,
        "best_loss": float("inf"),
        "name": "mlp ünïcode",
        "nothing": None,
        "counts": np.array([1, 2, 3], dtype=np.int64),
        "mask": np.array([True, False]),
        "pixels": np.arange(6, dtype=np.uint8).reshape(2, 3),
        "half": np.ones(2, dtype=np.float16),
        "scalar": np.float32(2.5),
        "empty": [],
        "big": 2**127 + 12345,
    }


def test_nested_state_round_trips_with_types_and_dtypes(tmp_path):
    path = tmp_path / "run.npz"
    tg.save(_nested_state(), path)
    loaded = tg.load(path)
    weight = loaded["model"]["weight"]
    assert isinstance(weight, tg.Tensor) and weight.device == tg.get_default_device()
    assert weight.dtype == tg.float32 and weight.requires_grad
    np.testing.assert_array_equal(weight.numpy(), [[1, 2], [3, 4]])
    assert not loaded["model"]["bias"].requires_grad
    optimizer = loaded["optimizer"]
    assert set(optimizer["state"]) == {0, 1}
    assert optimizer["state"][0]["step"] == 3 and type(optimizer["state"][0]["step"]) is int
    np.testing.assert_array_equal(optimizer["state"][0]["exp_avg"].numpy(), [0.5, -0.5])
    assert optimizer["param_groups"] == [
        {"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False, "params": [0, 1]}
    ]
    assert loaded["epoch"] == 7 and loaded["best_loss"] == float("inf")
    assert loaded["name"] == "mlp ünïcode" and loaded["nothing"] is None and loaded["empty"] == []
    for key in ("counts", "mask", "pixels", "half"):
        original = _nested_state()[key]
        assert isinstance(loaded[key], np.ndarray) and loaded[key].dtype == original.dtype
        np.testing.assert_array_equal(loaded[key], original)
    assert loaded["scalar"] == np.float32(2.5) and loaded["scalar"].dtype == np.float32
    assert loaded["big"] == 2**127 + 12345


def test_tensors_load_on_the_requested_device(tmp_path):
    path = tmp_path / "t.npz"
    tg.save({"x": tg.arange(4)}, path)
    loaded = tg.load(path, device="strict:1")
    assert loaded["x"].device == "strict:1" and loaded["x"].dtype == tg.int64
    np.testing.assert_array_equal(loaded["x"].numpy(), [0, 1, 2, 3])


def test_numpy_generator_state_with_128_bit_integers_round_trips(tmp_path):
    generator = np.random.default_rng(42)
    generator.random(5)
    path = tmp_path / "rng.npz"
    tg.save({"generator": generator.bit_generator.state}, path)
    restored = np.random.default_rng()
    restored.bit_generator.state = tg.load(path)["generator"]
    np.testing.assert_array_equal(restored.random(5), generator.random(5))


def test_tg_rng_state_survives_a_checkpoint_and_replays_draws(tmp_path):
    tg.manual_seed(3)
    tg.randn(4)
    tg.save({"rng": tg.get_rng_state()}, tmp_path / "rng.npz")
    expected = tg.randn(6).numpy()
    tg.manual_seed(99)
    tg.set_rng_state(tg.load(tmp_path / "rng.npz")["rng"])
    np.testing.assert_array_equal(tg.randn(6).numpy(), expected)


def test_file_is_a_plain_npz_that_loads_without_pickle(tmp_path):
    path = tmp_path / "plain.npz"
    tg.save({"w": tg.ones(3), "n": 1}, path)
    with np.load(path, allow_pickle=False) as archive:
        document = json.loads(archive[checkpoint.STRUCTURE_KEY].tobytes())
        assert document["format"] == checkpoint.FORMAT_NAME
        assert len([name for name in archive.files if name != checkpoint.STRUCTURE_KEY]) == 1


def test_object_arrays_and_unknown_types_are_refused_at_save_time(tmp_path):
    path = tmp_path / "bad.npz"
    with pytest.raises(TypeError, match=r"object array at state\['bad'\].*never run code"):
        tg.save({"bad": np.array([{"a": 1}], dtype=object)}, path)
    with pytest.raises(TypeError, match=r"cannot store set at state\['s'\]\[0\]"):
        tg.save({"s": [{1, 2}]}, path)
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        tg.save({(1, 2): 3}, path)
    assert not path.exists()


def test_save_replaces_the_previous_checkpoint(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"epoch": 1}, path)
    tg.save({"epoch": 2}, path)
    assert tg.load(path) == {"epoch": 2}
    assert os.listdir(tmp_path) == ["ckpt.npz"]


@pytest.mark.parametrize("failing", ["savez", "fsync"])
def test_a_crash_mid_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch, failing):
    path = tmp_path / "ckpt.npz"
    tg.save({"epoch": 1, "w": tg.ones(3)}, path)

    def crash_after_writing_half(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt("power cut")

    def crash(descriptor):
        raise OSError("disk full")

    if failing == "savez":
        monkeypatch.setattr(checkpoint.np, "savez", crash_after_writing_half)
    else:
        monkeypatch.setattr(checkpoint.os, "fsync", crash)
    with pytest.raises((KeyboardInterrupt, OSError)):
        tg.save({"epoch": 2, "w": tg.zeros(3)}, path)
    monkeypatch.undo()
    loaded = tg.load(path)
    assert loaded["epoch"] == 1
    np.testing.assert_array_equal(loaded["w"].numpy(), [1, 1, 1])
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_a_truncated_file_is_a_clear_error_naming_it(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": tg.randn(100)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"ckpt\.npz: not a readable tinygrad_adam checkpoint"):
        tg.load(path)


def test_corrupted_array_bytes_are_detected(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": tg.zeros(1000)}, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the zeros: only the CRC can notice
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"ckpt\.npz"):
        tg.load(path)


def _write_archive(path, **entries):
    np.savez(path, **entries)


def _structure(document):
    return np.frombuffer(json.dumps(document).encode(), dtype=np.uint8)


def test_files_of_another_format_or_version_are_refused(tmp_path):
    other = tmp_path / "other.npz"
    _write_archive(other, weights=np.ones(3))
    with pytest.raises(ValueError, match=r"other\.npz: not a tinygrad_adam checkpoint"):
        tg.load(other)

    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match=r"notes\.npz"):
        tg.load(text)

    single = tmp_path / "single.npy"
    np.save(single, np.ones(3))
    with pytest.raises(ValueError, match=r"single\.npy.*single \.npy array"):
        tg.load(single)

    future = tmp_path / "future.npz"
    header = {"format": checkpoint.FORMAT_NAME, "version": 99, "root": None}
    _write_archive(future, **{checkpoint.STRUCTURE_KEY: _structure(header)})
    with pytest.raises(ValueError, match=r"future\.npz: checkpoint format version 99"):
        tg.load(future)


def test_bad_json_and_missing_arrays_are_clear_errors(tmp_path):
    bad_json = tmp_path / "bad_json.npz"
    _write_archive(bad_json, **{checkpoint.STRUCTURE_KEY: np.frombuffer(b"{not json", dtype=np.uint8)})
    with pytest.raises(ValueError, match=r"bad_json\.npz: corrupted checkpoint: .*not valid JSON"):
        tg.load(bad_json)

    missing = tmp_path / "missing.npz"
    header = {
        "format": checkpoint.FORMAT_NAME,
        "version": checkpoint.FORMAT_VERSION,
        "root": {"type": "ndarray", "array": "a0"},
    }
    _write_archive(missing, **{checkpoint.STRUCTURE_KEY: _structure(header)})
    with pytest.raises(ValueError, match=r"missing\.npz: corrupted checkpoint: .*missing array 'a0'"):
        tg.load(missing)


def test_pickled_content_is_never_loaded(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, a0=np.array([object()], dtype=object))
    with pytest.raises(ValueError, match=r"pickled\.npz"):
        tg.load(path)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.npz"):
        tg.load(tmp_path / "nowhere.npz")


def test_saving_into_a_missing_folder_or_onto_a_folder_names_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"folder .*nope does not exist"):
        tg.save({"x": 1}, tmp_path / "nope" / "run.npz")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        tg.save({"x": 1}, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_path_without_npz_suffix_is_saved_and_loaded_under_exactly_that_name(tmp_path):
    tg.save({"x": 1}, tmp_path / "run")
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
    assert tg.load(tmp_path / "run") == {"x": 1}


def test_tg_save_and_load_are_top_level_names_loaded_on_first_use():
    assert tg.save is checkpoint.save and tg.load is checkpoint.load
    probe = "import sys, tinygrad_adam; print('tinygrad_adam.checkpoint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_path_ending_in_a_separator_names_no_file(tmp_path):
    with pytest.raises(ValueError, match="names no file"):
        tg.save({"x": 1}, f"{tmp_path / 'runs'}{os.sep}")
    with pytest.raises(ValueError, match="names no file"):
        tg.save({"x": 1}, "")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_checkpoint_is_never_replaced(tmp_path, monkeypatch):
    path = tmp_path / "best.npz"
    tg.save({"epoch": 1}, path)
    path.chmod(0o444)
    # The test may run as root, which may write anywhere: ask os.access what an ordinary user gets.
    monkeypatch.setattr(checkpoint.os, "access", lambda p, mode: os.fspath(p) != str(path))
    with pytest.raises(PermissionError, match=r"best\.npz is read-only; it was not replaced"):
        tg.save({"epoch": 2}, path)
    monkeypatch.undo()
    assert tg.load(path) == {"epoch": 1}


def test_an_unwritable_folder_is_named_not_the_temporary_file(tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied", os.path.join(kwargs["dir"], ".run.npz.x.tmp"))

    monkeypatch.setattr(checkpoint.tempfile, "NamedTemporaryFile", refuse)
    with pytest.raises(PermissionError, match=r"cannot write .*run\.npz: Permission denied in") as error:
        tg.save({"x": 1}, tmp_path / "run.npz")
    assert ".tmp" not in str(error.value)


def test_a_file_that_is_not_a_zip_archive_is_refused_without_advice_to_unpickle_it(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello, not a checkpoint")
    with pytest.raises(
        ValueError, match=r"notes\.txt: .*not an \.npz \(zip\) archive \(it begins b'hello,'\)"
    ) as error:
        tg.load(notes)
    assert "pickle" not in str(error.value)
    with pytest.raises(ValueError, match="cannot read a checkpoint there"):
        tg.load(tmp_path)
