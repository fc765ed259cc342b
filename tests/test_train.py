"""tg.train: fit, evaluate, History, callbacks, accuracy, and resuming a run bit for bit."""

import io
import os
from contextlib import redirect_stdout

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.data import DataLoader, TensorDataset, standardize
from tinygrad_adam.nn import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Dense, Dropout, MSELoss, Sequential
from tinygrad_adam.train import (
    Callback,
    EarlyStopping,
    History,
    ModelCheckpoint,
    TerminateOnNaN,
    accuracy,
    evaluate,
    fit,
    load_training_state,
    save_training_state,
)

HISTORY_KEYS = ["loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"]


def moons_loaders(n: int = 400, batch_size: int = 32) -> tuple[DataLoader, DataLoader]:
    x, y = tg.datasets.make_moons(n, noise=0.1, seed=0)
    split = n * 3 // 4
    train = DataLoader(TensorDataset(x[:split], y[:split]), batch_size=batch_size, shuffle=True, seed=0)
    val = DataLoader(TensorDataset(x[split:], y[split:]), batch_size=256)
    return train, val


def moons_model(hidden: int = 32) -> Sequential:
    return Sequential(Dense(2, hidden, activation="relu"), Dense(hidden, 2))


def test_fit_learns_the_moons_and_returns_a_history_of_every_metric():
    train, val = moons_loaders()
    model = moons_model()
    optimizer = tg.optim.Adam(model.parameters(), lr=0.03)
    history = fit(model, CrossEntropyLoss(), optimizer, train, epochs=20, val_loader=val, verbose=False)
    assert isinstance(history, History)
    assert list(history.keys()) == HISTORY_KEYS
    assert history.epoch == list(range(20))
    assert all(len(history[key]) == 20 for key in HISTORY_KEYS)
    assert history["val_accuracy"][-1] >= 0.97
    assert history["loss"][-1] < history["loss"][0] / 3
    assert history["lr"] == [0.03] * 20
    assert all(seconds > 0 for seconds in history["seconds"])


def test_fit_reaches_high_accuracy_on_the_bundled_digits():
    (x_train, y_train), (x_test, y_test) = tg.datasets.load_digits()
    x_train, x_test = standardize(x_train, x_test)
    train = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True, seed=0)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=512)
    model = Sequential(Dense(64, 64, activation="relu"), Dense(64, 10))
    fit(model, CrossEntropyLoss(), tg.optim.Adam(model.parameters(), lr=3e-3), train, epochs=8, verbose=False)
    result = evaluate(model, test, CrossEntropyLoss())
    assert result["accuracy"] >= 0.93
    assert set(result) == {"loss", "accuracy"}


def test_evaluate_runs_without_grad_in_eval_mode_and_restores_the_mode():
    _, val = moons_loaders()
    model = Sequential(Dense(2, 8, activation="relu"), Dropout(0.5), Dense(8, 2))
    seen = []

    class Spy(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, x):
            seen.append((self.inner.training, tg.is_grad_enabled()))
            return self.inner(x)

    spy = Spy()
    spy.train()
    first = evaluate(spy, val, CrossEntropyLoss())
    assert seen and all(mode == (False, False) for mode in seen)
    assert spy.training
    assert evaluate(spy, val, CrossEntropyLoss()) == first  # dropout is off: deterministic
    spy.eval()
    evaluate(spy, val)
    assert not spy.training


def test_evaluate_without_a_loss_reports_accuracy_only_and_computes_it_right():
    x = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, -1.0], [0.0, 1.0]], dtype=np.float32)
    y = np.array([0, 1, 1, 1])
    loader = DataLoader(TensorDataset(x, y), batch_size=3)
    identity = Sequential()
    assert evaluate(identity, loader) == {"accuracy": 0.75}


@pytest.mark.parametrize(
    "outputs, targets, from_logits, expected",
    [
        ([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [1, 1, 1], None, 2 / 3),  # argmax of class scores
        ([[0.1, 0.9], [0.8, 0.2]], [[0.0, 1.0], [0.0, 1.0]], None, 1 / 2),  # one-hot targets
        ([[0.9], [0.2], [0.6], [0.4]], [[1.0], [0.0], [0.0], [0.0]], False, 3 / 4),  # probabilities
        ([0.9, 0.2, 0.6, 0.4], [1, 0, 1, 1], False, 3 / 4),  # shape (N,), integer labels
        ([[2.0], [-1.0], [0.3], [-0.2]], [[1.0], [0.0], [0.0], [1.0]], True, 2 / 4),  # logits
        ([[2.0], [-1.0], [0.3], [-0.2]], [[1.0], [0.0], [1.0], [0.0]], None, 1.0),  # logits guessed
    ],
)
def test_accuracy_handles_class_scores_and_binary_outputs(outputs, targets, from_logits, expected):
    assert accuracy(tg.tensor(outputs), tg.tensor(targets), from_logits) == pytest.approx(expected)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "uint32", "uint64"])
def test_accuracy_counts_integer_labels_of_every_integer_dtype(dtype):
    outputs = tg.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert accuracy(outputs, tg.tensor(np.array([1, 1, 1], dtype=dtype))) == pytest.approx(2 / 3)


def test_accuracy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="do not match"):
        accuracy(tg.zeros(4, 3), tg.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="integer labels of shape"):
        accuracy(tg.zeros(4, 3), tg.zeros(4, 2))


def test_fit_trains_a_binary_sigmoid_model_with_bce_and_tracks_accuracy():
    x, y = tg.datasets.make_moons(300, noise=0.1, seed=1)
    targets = y.astype(np.float32).reshape(-1, 1)
    loader = DataLoader(TensorDataset(x, targets), batch_size=32, shuffle=True, seed=0)
    for loss_fn, last in ((BCELoss(), "sigmoid"), (BCEWithLogitsLoss(), None)):
        tg.manual_seed(0)
        model = Sequential(Dense(2, 32, activation="relu"), Dense(32, 1, activation=last))
        optimizer = tg.optim.Adam(model.parameters(), lr=0.02)
        history = fit(model, loss_fn, optimizer, loader, epochs=12, verbose=False)
        assert history["accuracy"][-1] >= 0.93, type(loss_fn).__name__


def test_fit_with_a_regression_loss_tracks_no_accuracy():
    x, y = tg.datasets.make_regression(200, features=3, noise=0.01, seed=0)
    loader = DataLoader(TensorDataset(x, y.reshape(-1, 1)), batch_size=20, shuffle=True, seed=0)
    model = Sequential(Dense(3, 1))
    history = fit(
        model, MSELoss(), tg.optim.Adam(model.parameters(), lr=0.1), loader, epochs=25, verbose=False
    )
    assert list(history.keys()) == ["loss", "lr", "seconds"]
    assert history["loss"][-1] < 0.05


def test_regression_metrics_mae_and_mse_are_means_over_every_output_element():
    x = np.array([[0.0], [1.0], [2.0], [3.0]], np.float32)
    targets = np.array([1.0, 1.0, 1.0, 5.0], np.float32)  # (N,) against the model's (N, 1), as Keras allows
    model = Sequential(Dense(1, 1))
    with tg.no_grad():
        model[0].weight.fill_(2.0)
        model[0].bias.fill_(0.0)  # predictions 0, 2, 4, 6: errors -1, 1, 3, 1
    loader = DataLoader(TensorDataset(x, targets), batch_size=3)  # batches of 3 and 1
    logs = evaluate(model, loader, metrics=("mae", "mean_squared_error"))
    assert logs == {"mae": pytest.approx(6 / 4), "mse": pytest.approx(12 / 4)}
    optimizer = tg.optim.SGD(model.parameters(), lr=0.0)
    train = DataLoader(TensorDataset(x, targets[:, None]), batch_size=3)
    history = fit(model, MSELoss(), optimizer, train, 1, val_loader=train, metrics=["mse", "mae"], verbose=0)
    assert history["mse"][0] == pytest.approx(history["loss"][0]) == pytest.approx(3.0)
    assert history["val_mae"][0] == pytest.approx(1.5)
    wide = DataLoader(TensorDataset(x, np.zeros((4, 2), np.float32)), batch_size=3)
    with pytest.raises(ValueError, match=r"outputs of shape \(3, 1\) do not match targets of shape \(3, 2\)"):
        evaluate(model, wide, metrics=["mae"])


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    train, val = moons_loaders(n=200)
    model = moons_model()
    optimizer = tg.optim.SGD(model.parameters(), lr=0.05)
    snapshots = []

    class Snapshot(Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append([p.numpy().copy() for p in self.run.model.parameters()])

    # Accuracy on the training set reported as "val": a metric that soon stops improving.
    stopper = EarlyStopping(monitor="val_loss", patience=2, min_delta=10.0, restore_best_weights=True)
    history = fit(
        model,
        CrossEntropyLoss(),
        optimizer,
        train,
        20,
        val_loader=val,
        callbacks=[Snapshot(), stopper],
        verbose=False,
    )
    # min_delta 10 means no later epoch counts as an improvement on the first one.
    assert len(history) == 3 and stopper.stopped_epoch == 2 and stopper.best_epoch == 0
    assert stopper.best == history["val_loss"][0]
    for restored, best in zip(model.parameters(), snapshots[0]):
        assert np.array_equal(restored.numpy(), best)


def test_early_stopping_mode_auto_maximises_accuracy_and_runs_to_the_end_while_improving():
    train, val = moons_loaders()
    model = moons_model()
    stopper = EarlyStopping(monitor="val_accuracy", patience=100)
    assert stopper.mode == "max"
    history = fit(
        model, CrossEntropyLoss(), tg.optim.Adam(model.parameters(), lr=0.01), train, 4, val_loader=val,
        callbacks=[stopper], verbose=False,
    )  # fmt: skip
    assert len(history) == 4 and stopper.stopped_epoch is None
    assert stopper.best == max(history["val_accuracy"])


def test_monitoring_a_metric_the_run_does_not_log_is_a_clear_error():
    train, _ = moons_loaders(n=100)
    model = moons_model()
    with pytest.raises(ValueError, match="cannot monitor 'val_loss'.*need a val_loader"):
        fit(model, CrossEntropyLoss(), tg.optim.Adam(model.parameters()), train, 2,
            callbacks=[EarlyStopping()], verbose=False)  # fmt: skip


def test_callbacks_hear_every_hook_in_order():
    train, _ = moons_loaders(n=64, batch_size=32)
    events = []

    class Recorder(Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"epoch_begin {epoch}")

        def on_train_batch_end(self, batch, logs=None):
            events.append(f"batch_end {batch} {sorted(logs)}")

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end {epoch}")

        def on_train_end(self, logs=None):
            events.append("train_end")

    model = moons_model()
    fit(
        model,
        CrossEntropyLoss(),
        tg.optim.Adam(model.parameters()),
        train,
        2,
        callbacks=[Recorder()],
        verbose=False,
    )
    batch = "['accuracy', 'loss']"
    assert events == [
        "train_begin",
        "epoch_begin 0", f"batch_end 0 {batch}", f"batch_end 1 {batch}", "epoch_end 0",
        "epoch_begin 1", f"batch_end 0 {batch}", f"batch_end 1 {batch}", "epoch_end 1",
        "train_end",
    ]  # fmt: skip


def test_schedulers_step_once_per_epoch_and_plateau_gets_the_monitored_loss():
    train, val = moons_loaders(n=100)
    model = moons_model()
    optimizer = tg.optim.Adam(model.parameters(), lr=0.1)
    step = tg.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    history = fit(model, CrossEntropyLoss(), optimizer, train, 3, scheduler=step, verbose=False)
    assert history["lr"] == [0.1, 0.05, 0.025]

    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    plateau = tg.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=0, threshold=10.0)
    history = fit(
        model, CrossEntropyLoss(), optimizer, train, 3, val_loader=val, scheduler=plateau, verbose=False
    )
    # threshold 10 (relative): no epoch improves on the best, so each one halves the rate.
    assert history["lr"] == [0.1, 0.05, 0.025]


def test_one_cycle_steps_after_every_batch_and_any_scheduler_can_be_asked_to():
    train, _ = moons_loaders(n=100)
    batches = len(train)
    model = moons_model()
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    one_cycle = tg.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.5, epochs=3, steps_per_epoch=batches)
    fit(model, CrossEntropyLoss(), optimizer, train, 3, scheduler=one_cycle, verbose=False)
    assert one_cycle.last_epoch == 3 * batches  # its whole schedule, not three steps of it

    optimizer = tg.optim.Adam(model.parameters(), lr=0.1)
    step = tg.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    history = fit(
        model,
        CrossEntropyLoss(),
        optimizer,
        train,
        2,
        scheduler=step,
        scheduler_interval="batch",
        verbose=False,
    )
    assert history["lr"] == [0.1, 0.1 * 0.5**batches]


def test_scheduler_interval_is_checked():
    train, _ = moons_loaders(n=100)
    model = moons_model()
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="scheduler_interval must be 'epoch', 'batch' or None, got 'step'"):
        fit(model, CrossEntropyLoss(), optimizer, train, 1, scheduler_interval="step", verbose=False)
    plateau = tg.optim.lr_scheduler.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError, match="ReduceLROnPlateau watches an epoch's metric"):
        fit(model, CrossEntropyLoss(), optimizer, train, 1, scheduler=plateau, scheduler_interval="batch")


def test_verbose_false_prints_nothing_and_a_pipe_gets_one_plain_line_per_epoch(capsys):
    train, val = moons_loaders(n=100)
    model = moons_model()
    optimizer = tg.optim.Adam(model.parameters())
    fit(model, CrossEntropyLoss(), optimizer, train, 2, val_loader=val, verbose=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""

    buffer = io.StringIO()  # not a terminal: no progress bar, no carriage returns
    with redirect_stdout(buffer):
        fit(model, CrossEntropyLoss(), optimizer, train, 2, val_loader=val)
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in buffer.getvalue()
    assert lines[0].startswith("Epoch 1/2 - ") and "loss: " in lines[0] and "val_accuracy: " in lines[0]


def test_a_terminal_gets_a_progress_bar_with_running_loss_and_accuracy(monkeypatch):
    train, _ = moons_loaders(n=100)
    model = moons_model()

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    with redirect_stdout(terminal):
        fit(model, CrossEntropyLoss(), tg.optim.Adam(model.parameters()), train, 1)
    text = terminal.getvalue()
    assert "\rEpoch 1/1 0/3 |" in text and "\rEpoch 1/1 3/3 |" in text
    assert " loss " in text and " acc " in text and text.endswith("\n")


def test_bad_arguments_raise_clear_errors():
    train, _ = moons_loaders(n=40)
    model = moons_model()
    optimizer = tg.optim.Adam(model.parameters())
    loss_fn = CrossEntropyLoss()
    with pytest.raises(ValueError, match="epochs must be an integer >= 1"):
        fit(model, loss_fn, optimizer, train, 0)
    with pytest.raises(ValueError, match="start_epoch .3. must be smaller than epochs .3."):
        fit(model, loss_fn, optimizer, train, 3, start_epoch=3)
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        fit(model, loss_fn, optimizer, train, 1, metrics=("f1",))
    with pytest.raises(ValueError, match="verbose must be"):
        fit(model, loss_fn, optimizer, train, 1, verbose=5)
    with pytest.raises(ValueError, match="must return a scalar.*shape \\(30,\\)"):
        fit(model, CrossEntropyLoss(reduction="none"), optimizer, train, 1, verbose=False)
    empty = DataLoader(
        TensorDataset(np.zeros((5, 2), np.float32), np.zeros(5, np.int64)), batch_size=8, drop_last=True
    )
    with pytest.raises(
        ValueError, match="train_loader yielded no batches in epoch 1 .5 samples, batch_size=8"
    ):
        fit(model, loss_fn, optimizer, empty, 1, verbose=False)
    with pytest.raises(ValueError, match="evaluate: the loader yielded no batches"):
        evaluate(model, empty, loss_fn)
    with pytest.raises(TypeError, match=r"batches of the form \(inputs, targets\)"):
        fit(model, loss_fn, optimizer, [tg.zeros(4, 2)], 1, verbose=False)


def _dropout_run(seed: int) -> tuple:
    """A model with dropout, a shuffling loader and a schedule: everything a resume must restore."""
    tg.manual_seed(seed)
    x, y = tg.datasets.make_moons(160, noise=0.2, seed=3)
    model = Sequential(Dense(2, 16, activation="relu"), Dropout(0.3), Dense(16, 2))
    optimizer = tg.optim.Adam(model.parameters(), lr=0.01)
    scheduler = tg.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)  # seed from tg.manual_seed
    return model, optimizer, scheduler, loader


def test_a_resumed_run_continues_the_uninterrupted_run_bit_for_bit(tmp_path):
    model, optimizer, scheduler, loader = _dropout_run(seed=0)
    straight = fit(model, CrossEntropyLoss(), optimizer, loader, 2, scheduler=scheduler, verbose=False)
    expected = [p.numpy().copy() for p in model.parameters()]

    path = tmp_path / "run.npz"
    model, optimizer, scheduler, loader = _dropout_run(seed=0)
    fit(model, CrossEntropyLoss(), optimizer, loader, 1, scheduler=scheduler, verbose=False)
    save_training_state(
        path, model=model, optimizer=optimizer, epoch=1, scheduler=scheduler, train_loader=loader,
        history=straight.__class__(),
    )  # fmt: skip

    tg.manual_seed(12345)  # the process moves on; fresh objects start from other weights and seeds
    model, optimizer, scheduler, loader = _dropout_run(seed=99)
    point = load_training_state(
        path, model=model, optimizer=optimizer, scheduler=scheduler, train_loader=loader
    )
    assert point.epoch == 1
    resumed = fit(
        model, CrossEntropyLoss(), optimizer, loader, 2, scheduler=scheduler, start_epoch=1, verbose=False
    )
    for got, want in zip(model.parameters(), expected):
        assert np.array_equal(got.numpy(), want)
    assert resumed["loss"] == straight["loss"][1:]
    assert resumed["lr"] == straight["lr"][1:]


def test_early_stopping_in_a_resumed_run_stops_where_the_uninterrupted_run_stopped(tmp_path):
    def setup(seed: int) -> tuple:
        model, optimizer, _, loader = _dropout_run(seed)
        scheduler = tg.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
        x, y = tg.datasets.make_moons(40, noise=0.2, seed=4)
        return model, optimizer, scheduler, loader, DataLoader(TensorDataset(x, y), batch_size=64)

    def stopper() -> EarlyStopping:
        return EarlyStopping(monitor="val_loss", patience=2, min_delta=0.02)

    model, optimizer, scheduler, loader, val = setup(0)
    early = stopper()
    saver = ModelCheckpoint(str(tmp_path / "e{epoch}.npz"))
    straight = fit(
        model, CrossEntropyLoss(), optimizer, loader, 30, val, scheduler, [early, saver], verbose=False
    )
    assert early.stopped_epoch is not None and len(straight) >= 4  # the setting stops early, not at once
    expected = [p.numpy().copy() for p in model.parameters()]
    for saved in range(1, len(straight)):
        model, optimizer, scheduler, loader, val = setup(99)
        point = load_training_state(
            tmp_path / f"e{saved}.npz", model=model, optimizer=optimizer, scheduler=scheduler,
            train_loader=loader,
        )  # fmt: skip
        resumed_early = stopper()
        resumed = fit(
            model, CrossEntropyLoss(), optimizer, loader, 30, val, scheduler, [resumed_early],
            verbose=False, start_epoch=point.epoch, history=point.history,
        )  # fmt: skip
        assert resumed_early.stopped_epoch == early.stopped_epoch, f"resumed after epoch {saved}"
        assert resumed["val_loss"] == straight["val_loss"]
        for got, want in zip(model.parameters(), expected):
            assert np.array_equal(got.numpy(), want)


def test_model_checkpoint_files_resume_with_the_history_so_far(tmp_path):
    model, optimizer, scheduler, loader = _dropout_run(seed=0)
    straight = fit(model, CrossEntropyLoss(), optimizer, loader, 3, scheduler=scheduler, verbose=False)
    expected = [p.numpy().copy() for p in model.parameters()]

    pattern = str(tmp_path / "ckpt-{epoch:02d}.npz")
    checkpoint = ModelCheckpoint(pattern, extra={"note": "moons"})
    model, optimizer, scheduler, loader = _dropout_run(seed=0)
    fit(
        model,
        CrossEntropyLoss(),
        optimizer,
        loader,
        3,
        scheduler=scheduler,
        callbacks=[checkpoint],
        verbose=False,
    )
    assert [os.path.basename(p) for p in checkpoint.saved_paths] == [
        "ckpt-01.npz",
        "ckpt-02.npz",
        "ckpt-03.npz",
    ]

    model, optimizer, scheduler, loader = _dropout_run(seed=5)
    point = load_training_state(
        checkpoint.saved_paths[1], model=model, optimizer=optimizer, scheduler=scheduler, train_loader=loader
    )
    assert point.epoch == 2 and point.extra == {"note": "moons"}
    assert point.history["loss"] == straight["loss"][:2]
    history = fit(
        model, CrossEntropyLoss(), optimizer, loader, 3, scheduler=scheduler, start_epoch=point.epoch,
        history=point.history, verbose=False,
    )  # fmt: skip
    assert history["loss"] == straight["loss"] and history.epoch == [0, 1, 2]
    for got, want in zip(model.parameters(), expected):
        assert np.array_equal(got.numpy(), want)


def test_model_checkpoint_save_best_only_and_weights_only(tmp_path):
    train, val = moons_loaders(n=120)
    model = moons_model()
    path = tmp_path / "best.npz"
    checkpoint = ModelCheckpoint(
        str(path), monitor="val_accuracy", save_best_only=True, save_weights_only=True
    )
    history = fit(
        model, CrossEntropyLoss(), tg.optim.Adam(model.parameters(), lr=0.02), train, 5, val_loader=val,
        callbacks=[checkpoint], verbose=False,
    )  # fmt: skip
    improvements = sum(
        1 for i, v in enumerate(history["val_accuracy"]) if v > max(history["val_accuracy"][:i], default=-1)
    )
    assert len(checkpoint.saved_paths) == improvements
    weights = tg.load(path)
    assert set(weights) == {name for name, _ in model.named_parameters()}


def test_a_resumed_run_keeps_the_best_checkpoint_until_it_beats_the_earlier_epochs(tmp_path):
    train, val = moons_loaders(n=120)
    model = moons_model()
    path = tmp_path / "best.npz"
    tg.save({"best": "epoch 1"}, path)
    earlier = History()
    earlier.append(0, {"loss": 0.01, "val_loss": 0.001})  # better than any epoch of this short run
    checkpoint = ModelCheckpoint(str(path), save_best_only=True, save_weights_only=True)
    fit(
        model, CrossEntropyLoss(), tg.optim.Adam(model.parameters(), lr=0.02), train, 3, val_loader=val,
        callbacks=[checkpoint], verbose=False, start_epoch=1, history=earlier,
    )  # fmt: skip
    assert checkpoint.saved_paths == []
    assert tg.load(path) == {"best": "epoch 1"}


def test_a_checkpoint_path_naming_a_metric_the_run_does_not_log_is_a_clear_error(tmp_path):
    train, _ = moons_loaders(n=40)
    model = moons_model()
    checkpoint = ModelCheckpoint(str(tmp_path / "c-{val_loss:.3f}.npz"), monitor="loss")
    with pytest.raises(ValueError, match=r"names the field 'val_loss'.*need a val_loader"):
        fit(model, CrossEntropyLoss(), tg.optim.Adam(model.parameters()), train, 1, callbacks=[checkpoint],
            verbose=False)  # fmt: skip


def test_load_training_state_refuses_other_files_and_missing_pieces(tmp_path):
    model, optimizer, scheduler, loader = _dropout_run(seed=0)
    weights_only = tmp_path / "weights.npz"
    tg.save(model.state_dict(), weights_only)
    with pytest.raises(ValueError, match="not a training state"):
        load_training_state(weights_only, model=model)
    partial = tmp_path / "partial.npz"
    save_training_state(partial, model=model, optimizer=optimizer, epoch=0)
    with pytest.raises(ValueError, match="holds no scheduler state"):
        load_training_state(partial, model=model, optimizer=optimizer, scheduler=scheduler)


def nan_in_third_batch_loader() -> DataLoader:
    """Moons in batches of 10, in order, with a NaN feature in the third batch."""
    x, y = tg.datasets.make_moons(60, noise=0.1, seed=0)
    x[25, 0] = np.nan
    return DataLoader(TensorDataset(x, y), batch_size=10)


def test_a_nan_loss_is_reported_with_its_epoch_and_first_batch_even_when_silent():
    model = moons_model()
    with pytest.warns(RuntimeWarning, match=r"loss of epoch 1 is nan: batch 3 gave the first non-finite"):
        fit(
            model,
            CrossEntropyLoss(),
            tg.optim.Adam(model.parameters()),
            nan_in_third_batch_loader(),
            1,
            verbose=0,
        )


def test_terminate_on_nan_stops_after_the_first_nan_batch():
    class CountBatches(Callback):
        batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1

    counter = CountBatches()
    model = moons_model()
    with pytest.warns(RuntimeWarning, match="batch 3"):
        history = fit(
            model, CrossEntropyLoss(), tg.optim.Adam(model.parameters()), nan_in_third_batch_loader(), 5,
            callbacks=[counter, TerminateOnNaN()], verbose=False,
        )  # fmt: skip
    assert counter.batches == 3
    assert history.epoch == [0] and np.isnan(history["loss"][0])


def test_model_checkpoint_never_replaces_a_good_file_with_nan_weights(tmp_path):
    path = tmp_path / "run.npz"
    model = moons_model()
    optimizer = tg.optim.Adam(model.parameters())
    good_data, _ = moons_loaders(n=60)
    fit(model, CrossEntropyLoss(), optimizer, good_data, 1, callbacks=[ModelCheckpoint(str(path))], verbose=0)
    saved = {name: value.numpy() for name, value in tg.load(path)["model"].items()}
    # Accuracy of NaN outputs is a finite number that can look like an improvement.
    checkpoint = ModelCheckpoint(str(path), monitor="accuracy", save_best_only=True)
    with pytest.warns(RuntimeWarning) as caught:
        fit(
            model,
            CrossEntropyLoss(),
            optimizer,
            nan_in_third_batch_loader(),
            1,
            callbacks=[checkpoint],
            verbose=0,
        )
    messages = [str(warning.message) for warning in caught]
    assert any(
        "epoch 1 not saved to" in m and "run.npz: loss=nan" in m and "checkpoint is kept" in m
        for m in messages
    )
    assert checkpoint.saved_paths == []
    for name, value in tg.load(path)["model"].items():
        np.testing.assert_array_equal(value.numpy(), saved[name])
        assert np.isfinite(value.numpy()).all()


def test_fit_names_classes_passed_for_instances_and_a_bare_callback():
    train, _ = moons_loaders(n=40)
    model = moons_model()
    optimizer = tg.optim.Adam(model.parameters())
    with pytest.raises(TypeError, match="loss_fn must be a callable loss such as CrossEntropyLoss()"):
        fit(model, CrossEntropyLoss, optimizer, train, 1)
    with pytest.raises(TypeError, match=r"optimizer instance .* Adam\(model.parameters\(\)\)"):
        fit(model, CrossEntropyLoss(), tg.optim.Adam, train, 1)
    with pytest.raises(TypeError, match=r"callbacks=\[EarlyStopping\(...\)\]"):
        fit(model, CrossEntropyLoss(), optimizer, train, 1, callbacks=EarlyStopping())
    with pytest.raises(TypeError, match="model must be a tg.nn.Module"):
        evaluate(lambda x: x, train)


def test_a_batch_with_more_fields_than_the_model_takes_is_explained():
    x, y = tg.datasets.make_moons(20, seed=0)
    loader = DataLoader(TensorDataset(x, x, y), batch_size=10)
    model = moons_model()
    with pytest.raises(TypeError, match="batches have 3 fields, so the model was called with the first 2"):
        fit(model, CrossEntropyLoss(), tg.optim.Adam(model.parameters()), loader, 1, verbose=False)
