"""Specifications of the data and training side under bad or unusual input, as users supply it.

Each test names what a user might pass (a NumPy float32 fraction, a 1-D feature column, a sample of
the wrong kind, a damaged resume state) and what must happen: it works as documented, or the error
names the problem before anything is trained or overwritten.
"""

import os

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import Tensor
from tinygrad_adam.cli import main
from tinygrad_adam.data import DataLoader, Standardizer, TensorDataset, default_collate, train_val_split
from tinygrad_adam.datasets import make_moons, write_idx
from tinygrad_adam.nn import CrossEntropyLoss, Dense, Sequential
from tinygrad_adam.optim import SGD, Adam
from tinygrad_adam.train import (
    EarlyStopping,
    ModelCheckpoint,
    evaluate,
    fit,
    load_training_state,
    save_training_state,
)

# ---------------------------------------------------------------------------------------------
# tg.data


def test_collate_keeps_the_dtype_of_numpy_scalars_as_of_numpy_arrays():
    # A dataset returning y[i] of a float64 array gives np.float64 scalars: they must not become float32
    # while the float64 feature rows beside them stay float64.
    x = np.arange(6, dtype=np.float64).reshape(3, 2)
    y = np.array([0.5, 1.5, 2.5])
    features, targets = next(iter(DataLoader([(x[i], y[i]) for i in range(3)], batch_size=3)))
    assert features.dtype == np.float64 and targets.dtype == np.float64
    np.testing.assert_array_equal(targets.numpy(), y)
    assert default_collate([np.int32(1), np.int32(2)]).dtype == np.int32
    assert default_collate([1.0, 2.0]).dtype == np.float32  # Python floats: the Tensor rule


@pytest.mark.parametrize(
    ("samples", "kinds"),
    [([(1.0, 2.0), np.zeros(2)], "tuple and ndarray"), ([{"x": 1.0}, 3.0], "dict and float")],
)
def test_collate_names_samples_of_different_kinds(samples, kinds):
    # Without the check a tuple and an array of length 2 were silently read field by field.
    with pytest.raises(TypeError, match=f"samples differ in kind, {kinds}"):
        default_collate(samples)


def test_loader_takes_numpy_booleans_for_its_flags_and_refuses_numbers():
    loader = DataLoader(TensorDataset(np.arange(4)), batch_size=2, shuffle=np.bool_(True), seed=0)
    assert loader.shuffle is True
    assert sorted(sum((batch[0].numpy().tolist() for batch in loader), [])) == [0, 1, 2, 3]
    with pytest.raises(TypeError, match="drop_last must be True or False, got 1"):
        DataLoader(TensorDataset(np.arange(4)), drop_last=1)


def test_loader_state_with_a_position_past_the_end_is_refused():
    loader = DataLoader(TensorDataset(np.arange(10)), batch_size=4)
    state = loader.state_dict()
    with pytest.raises(ValueError, match="batch 3 is past this loader's 3 batches"):
        loader.load_state_dict({**state, "batch": 3})
    with pytest.raises(ValueError, match="epoch must be a non-negative integer, got -1"):
        loader.load_state_dict({**state, "epoch": -1})
    with pytest.raises(ValueError, match="generator is not a state of this loader's PCG64"):
        loader.load_state_dict({**state, "generator": {"bit_generator": "MT19937"}})
    loader.load_state_dict({**state, "batch": 2})  # the last batch is a valid place to resume
    assert [batch[0].numpy().tolist() for batch in loader] == [[8, 9]]


def test_train_val_split_takes_a_numpy_float_fraction():
    x, y = np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10) % 2
    (x_train, _), (x_val, _) = train_val_split(x, y, val_fraction=np.float32(0.2), seed=0)
    assert (len(x_train), len(x_val)) == (8, 2)
    with pytest.raises(ValueError, match="strictly between 0 and 1, got np.True_"):
        train_val_split(x, y, val_fraction=np.bool_(True))


def test_standardizer_fits_one_feature_per_sample():
    # x of shape (N,): the statistics are 0-d arrays, and transform gives what (x - mean) / std gives.
    x = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    scaler = Standardizer().fit(x)
    assert scaler.mean.shape == () and scaler.std.shape == ()
    np.testing.assert_allclose(scaler.transform(x), (x - 2.5) / np.std(x), rtol=1e-6)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(x)), x, rtol=1e-6)
    constant = Standardizer().fit(np.full(3, 7.0))
    np.testing.assert_array_equal(constant.transform(np.full(3, 7.0)), np.zeros(3))


# ---------------------------------------------------------------------------------------------
# tg.train


def _moons(n=32, batch_size=8):
    x, y = make_moons(n, noise=0.1, seed=0)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size)


def _model_and_optimizer(optimizer_class=Adam):
    model = Sequential(Dense(2, 4, activation="relu"), Dense(4, 2))
    return model, optimizer_class(model.parameters(), lr=0.01)


def _parameters(model):
    return [p.numpy().copy() for p in model.parameters()]


def test_fit_takes_callbacks_none_as_keras_does():
    model, optimizer = _model_and_optimizer()
    history = fit(model, CrossEntropyLoss(), optimizer, _moons(), epochs=1, callbacks=None, verbose=0)
    assert history.epoch == [0]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"train_loader": TensorDataset(np.zeros((4, 2), np.float32), np.zeros(4, np.int64))},
         TypeError, "train_loader is a TensorDataset, which yields single samples: pass DataLoader"),
        ({"train_loader": 5}, TypeError, "train_loader must yield batches .*got int"),
        ({"val_loader": 5}, TypeError, "val_loader must yield batches .*got int"),
        ({"scheduler": object()}, TypeError, "scheduler must be a learning-rate scheduler instance"),
        ({"history": {}}, TypeError, "history must be the History of an earlier fit, got dict"),
        ({"callbacks": [EarlyStopping()]}, ValueError, "cannot monitor 'val_loss'.*fit has none"),
        ({"callbacks": [ModelCheckpoint("unused.npz", save_best_only=True)]}, ValueError,
         "cannot monitor 'val_loss'.*fit has none"),
    ],
)  # fmt: skip
def test_fit_names_a_misconfigured_run_before_training(arguments, error, message):
    model, optimizer = _model_and_optimizer()
    before = _parameters(model)
    settings = {"train_loader": _moons(), **arguments}
    with pytest.raises(error, match=message):
        fit(model, CrossEntropyLoss(), optimizer, epochs=2, verbose=0, **settings)
    assert all(np.array_equal(a, b) for a, b in zip(before, _parameters(model)))  # not one step taken


def test_fit_names_batches_of_numpy_arrays():
    x, y = make_moons(8, seed=0)
    model, optimizer = _model_and_optimizer()
    with pytest.raises(TypeError, match=r"yielded NumPy arrays.*DataLoader\(TensorDataset\(x, y\)"):
        fit(model, CrossEntropyLoss(), optimizer, [(x, y)], epochs=1, verbose=0)
    with pytest.raises(TypeError, match="target and must be a Tensor, got list"):
        evaluate(model, [(Tensor(x), y.tolist())])


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"monitor": None}, TypeError, "monitor must be the name of a logged metric"),
        ({"min_delta": "0.1"}, TypeError, "min_delta must be a number >= 0, got '0.1'"),
        ({"min_delta": float("inf")}, ValueError, "min_delta must be a finite number >= 0"),
    ],
)
def test_early_stopping_names_bad_settings(arguments, error, message):
    with pytest.raises(error, match=message):
        EarlyStopping(**arguments)


def test_early_stopping_takes_a_numpy_min_delta():
    assert EarlyStopping(min_delta=np.float32(0.5))._monitor.min_delta == 0.5


@pytest.mark.parametrize(
    ("template", "message"),
    [("run-{}.npz", "positional field {}"), ("run-{0}.npz", "positional field {0}"),
     ("run-{epoch.npz", "not a valid template")],
)  # fmt: skip
def test_model_checkpoint_refuses_templates_with_nothing_to_fill_them(template, message):
    with pytest.raises(ValueError, match=message):
        ModelCheckpoint(template)


def test_model_checkpoint_names_a_format_that_does_not_suit_the_value(tmp_path):
    model, optimizer = _model_and_optimizer()
    saver = ModelCheckpoint(str(tmp_path / "run-{loss:d}.npz"), monitor="loss")
    with pytest.raises(ValueError, match=r"run-\{loss:d\}.npz' cannot be filled in: Unknown format code 'd'"):
        fit(model, CrossEntropyLoss(), optimizer, _moons(), epochs=1, callbacks=[saver], verbose=0)


def _fit_one_epoch_saving_to(path, model, optimizer) -> None:
    fit(model, CrossEntropyLoss(), optimizer, _moons(), 1, callbacks=[ModelCheckpoint(path)], verbose=0)


def test_model_checkpoint_names_a_missing_folder_or_a_folder_before_the_first_epoch(tmp_path):
    for path, error in ((tmp_path / "missing" / "run.npz", FileNotFoundError), (tmp_path, IsADirectoryError)):
        model, optimizer = _model_and_optimizer()
        before = _parameters(model)
        with pytest.raises(error, match="ModelCheckpoint: cannot write"):
            _fit_one_epoch_saving_to(path, model, optimizer)
        assert all(np.array_equal(a, b) for a, b in zip(before, _parameters(model)))


@pytest.mark.parametrize("template", ["notes.npz", "notes-{epoch}.npz"])
def test_model_checkpoint_never_replaces_a_file_that_is_not_a_checkpoint(tmp_path, template):
    users_file = tmp_path / "notes-1.npz" if "{" in template else tmp_path / template
    users_file.write_bytes(b"the user's own data")
    np.savez(tmp_path / "plain.npz", weights=np.ones(3))  # an .npz, but not a tg.save checkpoint
    for path in (tmp_path / template, tmp_path / "plain.npz"):
        model, optimizer = _model_and_optimizer()
        with pytest.raises(FileExistsError, match="is not a tinygrad_adam checkpoint; refusing to overwrite"):
            _fit_one_epoch_saving_to(path, model, optimizer)
    assert users_file.read_bytes() == b"the user's own data"
    np.testing.assert_array_equal(np.load(tmp_path / "plain.npz")["weights"], np.ones(3))
    # A checkpoint of an earlier run is what ModelCheckpoint replaces.
    model, optimizer = _model_and_optimizer()
    fit(
        model,
        CrossEntropyLoss(),
        optimizer,
        _moons(),
        2,
        callbacks=[ModelCheckpoint(tmp_path / "ok.npz")],
        verbose=0,
    )
    fit(
        model,
        CrossEntropyLoss(),
        optimizer,
        _moons(),
        1,
        callbacks=[ModelCheckpoint(tmp_path / "ok.npz")],
        verbose=0,
    )
    assert tg.load(tmp_path / "ok.npz")["epoch"] == 1


def test_load_training_state_that_fails_leaves_every_object_as_it_was(tmp_path):
    model, optimizer = _model_and_optimizer(Adam)
    fit(model, CrossEntropyLoss(), optimizer, _moons(), epochs=2, verbose=0)
    save_training_state(tmp_path / "adam.npz", model=model, optimizer=optimizer, epoch=2)
    # Built for another optimizer: the model's state would load, the optimizer's cannot.
    fresh_model, sgd = _model_and_optimizer(SGD)
    model_before, sgd_before = _parameters(fresh_model), sgd.state_dict()
    tg.manual_seed(5)
    random_before = tg.rand(3).numpy()
    tg.manual_seed(5)
    with pytest.raises(ValueError, match="was it saved from another optimizer"):
        load_training_state(tmp_path / "adam.npz", model=fresh_model, optimizer=sgd)
    assert all(np.array_equal(a, b) for a, b in zip(model_before, _parameters(fresh_model)))
    assert sgd.state_dict()["param_groups"] == sgd_before["param_groups"]
    np.testing.assert_array_equal(tg.rand(3).numpy(), random_before)  # the random state untouched too


# ---------------------------------------------------------------------------------------------
# tg.save / tg.load


def test_save_names_a_state_that_contains_itself(tmp_path):
    state = {"epoch": 1}
    state["again"] = [state]
    with pytest.raises(ValueError, match=r"state\['again'\]\[0\] refers back to a dict or list around it"):
        tg.save(state, tmp_path / "cycle.npz")
    assert not list(tmp_path.iterdir())  # nothing half-written
    shared = np.arange(3)
    loaded = tg.load(
        (tg.save({"a": shared, "b": [shared]}, tmp_path / "shared.npz"), tmp_path / "shared.npz")[1]
    )
    np.testing.assert_array_equal(loaded["b"][0], shared)  # the same object twice is no cycle


def test_save_through_a_symbolic_link_replaces_its_file_and_keeps_the_link(tmp_path):
    target = tmp_path / "runs" / "latest.npz"
    target.parent.mkdir()
    tg.save({"epoch": 1}, target)
    link = tmp_path / "current.npz"
    link.symlink_to(target)
    tg.save({"epoch": 2}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert tg.load(target)["epoch"] == 2 and tg.load(link)["epoch"] == 2


# ---------------------------------------------------------------------------------------------
# python -m tinygrad_adam train


def _cli_error(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", *args])
    assert exit_info.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("hidden", [",,", "256,,128", "256,"])
def test_cli_refuses_an_empty_layer_width(hidden, capsys):
    # ",," trained a model without hidden layers; "256,,128" dropped the gap silently.
    assert f"positive layer widths such as 256,128, got '{hidden}'" in _cli_error(
        ["--hidden", hidden], capsys
    )


@pytest.mark.parametrize("fraction", ["0.9999", "0.0001"])
def test_cli_names_a_validation_fraction_that_leaves_a_part_empty(fraction, capsys):
    args = ["--dataset", "digits", "--epochs", "1", "--quiet", "--val-fraction", fraction]
    assert f"--val-fraction {fraction}: val_fraction={fraction} of" in _cli_error(args, capsys)


def test_cli_names_a_resumed_checkpoint_that_lacks_run_settings(tmp_path, capsys):
    model, optimizer = _model_and_optimizer()
    path = tmp_path / "old.npz"
    save_training_state(path, model=model, optimizer=optimizer, epoch=1, extra={"cli": {"dataset": "digits"}})
    message = _cli_error(["--resume", str(path)], capsys)
    assert f"--resume: {path} lacks the run settings optimizer, lr, schedule" in message


# ---------------------------------------------------------------------------------------------
# tg.datasets


def test_synthetic_noise_takes_numpy_numbers_and_refuses_infinity():
    x, _ = make_moons(10, noise=np.float32(0.0), seed=0)
    np.testing.assert_array_equal(x, make_moons(10, noise=0.0, seed=0)[0])
    for noise in (float("inf"), float("nan"), -0.1, np.bool_(True)):
        with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
            make_moons(10, noise=noise)


def test_write_idx_names_a_size_that_its_header_cannot_hold(tmp_path):
    huge = np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), shape=(2**32,), strides=(0,))
    with pytest.raises(ValueError, match=r"sizes below 2\*\*32.*\(4294967296,\)"):
        write_idx(tmp_path / "huge.idx", huge)
    assert not (tmp_path / "huge.idx").exists()
