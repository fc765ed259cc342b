"""A Keras-like training loop on the PyTorch-like pieces: ``fit``, ``evaluate``, ``predict``, callbacks,
resuming.

``history = fit(model, loss_fn, optimizer, train_loader, epochs=10, val_loader=val_loader)`` runs the
usual loop (zero_grad, forward, loss, backward, step) over every batch, shows a progress bar with the
running loss and accuracy, validates after each epoch, steps the learning-rate scheduler, and calls
the callbacks (``EarlyStopping``, ``ModelCheckpoint``, your own ``Callback``). ``save_training_state``
/ ``load_training_state`` store everything a run depends on, so that a resumed run continues the
uninterrupted one bit for bit. Mistakes that real data brings (float64 features for a float32 model,
(N,) targets for (N, 1) outputs, images for a Dense layer, a loader on another device) are named
with their fix when the first batch fails.
"""

from __future__ import annotations

import math
import os
import shutil
import string
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .autograd import no_grad
from .tensor import Tensor

KNOWN_METRICS = ("accuracy", "mae", "mse")
METRIC_ALIASES = {"acc": "accuracy", "mean_absolute_error": "mae", "mean_squared_error": "mse"}  # Keras'
ERROR_METRICS = ("mae", "mse")  # mean absolute / squared error over every output element
_BINARY_LOSSES = {"BCELoss", "BCEWithLogitsLoss"}  # each output element is its own yes/no prediction
_CLASSIFICATION_LOSSES = {"CrossEntropyLoss", "NLLLoss", *_BINARY_LOSSES}
_REGRESSION_LOSSES = {"MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss"}
TRAINING_STATE_VERSION = 1


# ---------------------------------------------------------------------------------------------
# Accuracy


def count_correct(
    outputs: Tensor,
    targets: Tensor,
    from_logits: bool | None = None,
    ignore_index: int | None = None,
    multi_label: bool = False,
) -> tuple[int, int]:
    """``(right, judged)``: how many of the batch's predictions are right, and how many were judged,
    on the device (one host transfer).

    Class scores of shape (N, C) or (N, C, d1, ...) are compared by argmax over C with integer labels
    (N,) or (N, d1, ...), as CrossEntropyLoss reads them, or with one-hot or probability targets of
    the scores' shape; labels equal to ``ignore_index`` are not judged. Binary outputs of shape (N,)
    or (N, 1) are thresholded: at 0 for logits, at 0.5 for probabilities; ``from_logits=None`` guesses
    logits when a value lies outside [0, 1]. ``multi_label=True`` (a BCE loss) thresholds every
    element of (N, C) outputs against its own 0/1 target, as Keras' binary accuracy: an argmax would
    judge one label per sample. Targets of thresholded outputs are 0/1 labels (any dtype).
    """
    backend, xp = outputs._backend, outputs._backend.xp
    n = outputs.shape[0] if outputs.ndim else 0
    if outputs.ndim == 0 or targets.ndim == 0 or targets.shape[0] != n:
        raise ValueError(
            f"accuracy: outputs of shape {outputs.shape} do not match targets of shape {targets.shape}"
        )
    binary = outputs.ndim == 1 or (outputs.ndim == 2 and outputs.shape[1] == 1)
    judged = None
    if binary or (multi_label and targets.shape == outputs.shape):
        if targets.size != outputs.size:
            raise ValueError(
                f"accuracy: binary outputs of shape {outputs.shape} need one 0/1 target per sample, "
                f"got targets of shape {targets.shape}"
            )
        scores = xp.reshape(outputs._data, (outputs.size,))
        if from_logits is None:
            from_logits = bool(backend.to_numpy(xp.any((scores < 0.0) | (scores > 1.0))))
        predicted = scores > (0.0 if from_logits else 0.5)
        labels = xp.reshape(targets._data, (outputs.size,))
        if targets.dtype.kind == "b":  # bool labels as they are: the Array API compares no bool with 0
            actual = labels
        else:
            actual = labels > 0.5 if targets.dtype.kind == "f" else labels != 0
    elif outputs.ndim >= 2:
        predicted = xp.argmax(outputs._data, axis=1)
        label_shape = outputs.shape[:1] + outputs.shape[2:]
        if targets.shape == label_shape and targets.dtype.kind in "iu":
            # In argmax's integer dtype: the Array API cannot compare int64 with uint64 labels.
            actual = targets._data
            if actual.dtype != predicted.dtype:
                actual = xp.astype(actual, predicted.dtype)
            if ignore_index is not None:
                judged = actual != ignore_index
        elif targets.shape == outputs.shape:
            actual = xp.argmax(targets._data, axis=1)
        else:
            raise ValueError(
                f"accuracy: class scores of shape {outputs.shape} need integer labels of shape {label_shape} "
                f"or one-hot targets of shape {outputs.shape}, "
                f"got {targets.dtype} targets of shape {targets.shape}"
            )
    right = predicted == actual
    int64 = backend.native_dtype(np.dtype("int64"))
    if judged is None:
        return int(backend.to_numpy(xp.sum(xp.astype(right, int64)))), math.prod(right.shape)
    counts = xp.stack([xp.sum(xp.astype(right & judged, int64)), xp.sum(xp.astype(judged, int64))])
    right_count, judged_count = backend.to_numpy(counts).tolist()
    return right_count, judged_count


def accuracy(
    outputs: Tensor,
    targets: Tensor,
    from_logits: bool | None = None,
    ignore_index: int | None = None,
    multi_label: bool = False,
) -> float:
    """The fraction of right predictions (see ``count_correct`` for the output shapes understood)."""
    right, judged = count_correct(outputs, targets, from_logits, ignore_index, multi_label)
    if judged == 0:
        raise ValueError("accuracy of an empty batch (or one whose labels are all ignore_index) is undefined")
    return right / judged


def summed_errors(outputs: Tensor, targets: Tensor, names: Sequence[str]) -> list[float]:
    """Σ|y − t| ("mae") and Σ(y − t)² ("mse") over every element of a batch, in float64 (one host
    transfer); an (N, 1) output against (N,) targets is compared sample by sample."""
    backend, xp = outputs._backend, outputs._backend.xp
    if targets.dtype.kind not in "fiub":
        raise TypeError(f"mae/mse need numeric targets, got {targets.dtype}")
    predicted, actual = outputs._data, targets._data
    same_samples = outputs.size == targets.size and outputs.shape[:1] == targets.shape[:1]
    if outputs.shape != targets.shape and same_samples:
        actual = xp.reshape(actual, outputs.shape)  # (N, 1) outputs with (N,) targets, as Keras squeezes
    elif outputs.shape != targets.shape:
        raise ValueError(
            f"mae/mse: outputs of shape {outputs.shape} do not match targets of shape {targets.shape}"
        )
    native = backend.native_dtype(np.dtype("float64"))
    difference = xp.astype(predicted, native) - xp.astype(actual, native)
    sums = {"mae": xp.sum(xp.abs(difference)), "mse": xp.sum(difference * difference)}
    return backend.to_numpy(xp.stack([sums[name] for name in names])).tolist()


def _binary_from_logits(loss_fn: Any) -> bool | None:
    """Whether binary outputs are logits, as far as the loss function tells."""
    name = type(loss_fn).__name__
    if "WithLogits" in name:
        return True
    if name == "BCELoss":
        return False
    return None


def _resolve_metrics(metrics: str | Sequence[str], loss_fn: Any, first_targets: Tensor) -> tuple[str, ...]:
    """``"auto"``: accuracy for classification losses (or, with an unknown loss, integer labels)."""
    if metrics == "auto":
        name = type(loss_fn).__name__ if loss_fn is not None else None
        if name in _CLASSIFICATION_LOSSES:
            return ("accuracy",)
        if name in _REGRESSION_LOSSES:
            return ()
        return ("accuracy",) if first_targets.dtype.kind in "iub" else ()
    names = (metrics,) if isinstance(metrics, str) else metrics  # one name, as metrics="accuracy"
    return tuple(METRIC_ALIASES.get(name, name) for name in names)


def _check_metrics(metrics: str | Sequence[str]) -> None:
    if metrics == "auto":
        return
    if not isinstance(metrics, (str, Iterable)):
        raise TypeError(
            f'metrics must be "auto", a metric name or a sequence of names such as ("accuracy", "mae"), '
            f"got {metrics!r}"
        )
    for name in (metrics,) if isinstance(metrics, str) else metrics:
        if METRIC_ALIASES.get(name, name) not in KNOWN_METRICS:
            known = ", ".join([*KNOWN_METRICS, *METRIC_ALIASES])
            raise ValueError(f"unknown metric {name!r}: known metrics are {known}")


# ---------------------------------------------------------------------------------------------
# History


class History:
    """Per-epoch metrics of a ``fit`` run, as in Keras: ``history.history["val_loss"][-1]``.

    ``history["loss"]`` is short for ``history.history["loss"]``; ``history.epoch`` lists the epoch
    indices (0-based) the values belong to.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def append(self, epoch: int, logs: Mapping[str, float]) -> None:
        self.epoch.append(int(epoch))
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __getitem__(self, key: str) -> list[float]:
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(
                f"no metric {key!r} in this history; it has {', '.join(self.history) or 'none'}"
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def keys(self) -> Iterable[str]:
        return self.history.keys()

    def __len__(self) -> int:
        return len(self.epoch)

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, metrics={list(self.history)})"

    def state_dict(self) -> dict[str, Any]:
        """Arrays that ``tg.save`` can store (float64 keeps every Python float exactly)."""
        return {
            "epoch": np.asarray(self.epoch, dtype=np.int64),
            "metrics": {key: np.asarray(values, dtype=np.float64) for key, values in self.history.items()},
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.epoch = [int(e) for e in np.asarray(state["epoch"]).reshape(-1).tolist()]
        self.history = {
            key: [float(v) for v in np.asarray(values).reshape(-1).tolist()]
            for key, values in state["metrics"].items()
        }


# ---------------------------------------------------------------------------------------------
# Callbacks


@dataclass
class TrainingRun:
    """What a running ``fit`` exposes to its callbacks; set ``stop_training = True`` to stop it."""

    model: Any
    loss_fn: Any
    optimizer: Any
    train_loader: Any
    epochs: int
    history: History
    val_loader: Any = None
    scheduler: Any = None
    scheduler_interval: str = "epoch"  # when fit steps the scheduler: after each "epoch" or "batch"
    epoch: int = 0
    stop_training: bool = False
    verbose: bool = True
    callbacks: list[Any] = field(default_factory=list)

    def stopping(self) -> bool:
        """Whether a callback asked to stop: ``run.stop_training``, or Keras' ``model.stop_training``."""
        return self.stop_training or getattr(self.model, "stop_training", False) is True

    def log(self, message: str) -> None:
        """Print a message unless ``fit`` was asked to be silent."""
        if self.verbose:
            print(message, flush=True)


class Callback:
    """Hooks into ``fit``: override the ones you need; ``self.run`` is the ``TrainingRun``.

    Keras' spellings work too: ``self.model`` is the model being trained, and a callback that sets
    ``self.model.stop_training = True`` stops the run as one that sets ``self.run.stop_training``.

    Epoch indices are 0-based; ``logs`` holds the metrics known at that point (at the end of an
    epoch: ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``, ``lr``, ``seconds``; after a batch:
    the running ``loss`` and ``accuracy`` of the epoch so far).
    """

    run: TrainingRun

    def set_run(self, run: TrainingRun) -> None:
        self.run = run

    @property
    def model(self) -> Any:
        """The model being trained (Keras' ``self.model``)."""
        return self.run.model

    def on_train_begin(self, logs: dict | None = None) -> None:
        pass

    def on_train_end(self, logs: dict | None = None) -> None:
        pass

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        pass

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        pass

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        pass


class _Monitor:
    """Tracks the best value of one logged metric; ``mode="auto"`` maximises accuracies."""

    def __init__(self, monitor: str, mode: str, min_delta: float) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(
                f'monitor must be the name of a logged metric such as "val_loss", got {monitor!r}'
            )
        if mode not in ("auto", "min", "max"):
            raise ValueError(f'mode must be "auto", "min" or "max", got {mode!r}')
        if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float, np.integer, np.floating)):
            raise TypeError(f"min_delta must be a number >= 0, got {min_delta!r}")
        if not 0 <= min_delta < math.inf:
            raise ValueError(f"min_delta must be a finite number >= 0, got {min_delta!r}")
        prefix, name = ("val_", monitor[4:]) if monitor.startswith("val_") else ("", monitor)
        monitor = prefix + METRIC_ALIASES.get(name, name)  # Keras' short names, such as "val_acc"
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        self.monitor, self.mode, self.min_delta = monitor, mode, float(min_delta)
        self.best = math.inf if mode == "min" else -math.inf

    def check_run(self, run: TrainingRun) -> None:
        """Name a validation metric that this run cannot log before its first epoch, not after it."""
        if self.monitor.startswith("val_") and run.val_loader is None:
            raise ValueError(
                f"cannot monitor {self.monitor!r}: val_* metrics need a val_loader, and fit has none"
            )

    def value(self, logs: Mapping[str, float] | None) -> float:
        if not logs or self.monitor not in logs:
            known = ", ".join(logs or ()) or "none"
            hint = " (val_* metrics need a val_loader)" if self.monitor.startswith("val_") else ""
            raise ValueError(f"cannot monitor {self.monitor!r}: this run logs {known}{hint}")
        return float(logs[self.monitor])

    def improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def replay(self, history: History) -> tuple[int | None, int]:
        """Track the epochs already in ``history`` (a resumed run's): (best epoch, epochs since it)."""
        best_epoch, wait = None, 0
        past = history.history.get(self.monitor, [])
        if len(past) == len(history.epoch):
            for epoch, value in zip(history.epoch, past):
                if self.improved(value):
                    self.best, best_epoch, wait = value, epoch, 0
                else:
                    wait += 1
        return best_epoch, wait


def _copy_state(state: Mapping[str, Any]) -> dict[str, Any]:
    return {key: Tensor(value) if isinstance(value, Tensor) else value for key, value in state.items()}


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights=True`` the model ends the run with the weights of its best epoch
    (whether or not the run stopped early). ``stopped_epoch`` is the 0-based epoch it stopped after
    (None if it did not), ``best`` and ``best_epoch`` the best value seen and its epoch.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        patience: int = 0,
        min_delta: float = 0.0,
        restore_best_weights: bool = False,
    ) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be a non-negative integer, got {patience!r}")
        self._monitor = _Monitor(monitor, mode, min_delta)
        self.monitor, self.mode = monitor, self._monitor.mode
        self.patience = patience
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._monitor.check_run(self.run)
        self._monitor.best = math.inf if self.mode == "min" else -math.inf
        self.wait = 0
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self._best_weights: dict[str, Any] | None = None
        # A resumed run carries its earlier epochs: the best value and the patience count go on.
        self.best_epoch, self.wait = self._monitor.replay(self.run.history)

    @property
    def best(self) -> float:
        return self._monitor.best

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = self._monitor.value(logs)
        if self._monitor.improved(value):
            self._monitor.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self._best_weights = _copy_state(self.run.model.state_dict())
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.run.stop_training = True
            self.run.log(
                f"Early stopping after epoch {epoch + 1}: {self.monitor} has not improved on "
                f"{self.best:.4g} (epoch {self.best_epoch + 1 if self.best_epoch is not None else '-'}) "
                f"for {self.wait} epoch(s)"
            )

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.restore_best_weights and self._best_weights is not None:
            self.run.model.load_state_dict(self._best_weights)
            self.run.log(
                f"Restored the weights of epoch {self.best_epoch + 1} ({self.monitor} {self.best:.4g})"
            )
        elif self.restore_best_weights and self.best_epoch is not None:
            self.run.log(
                f"warning: the best epoch ({self.best_epoch + 1}) came before this resumed run and its "
                "weights are not in the checkpoint: keeping the last weights"
            )


class TerminateOnNaN(Callback):
    """Stop training at the first batch whose loss is NaN or infinite, as Keras' ``TerminateOnNaN``.

    The epoch ends after that batch (its metrics are logged as they are); ``ModelCheckpoint`` does not
    save an epoch whose loss is not finite, so the last good checkpoint survives.
    """

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            self.run.stop_training = True
            self.run.log(
                f"Batch {batch + 1} of epoch {self.run.epoch + 1}: loss is {loss}, terminating training"
            )


def _non_finite_losses(logs: Mapping[str, float] | None) -> list[str]:
    """The losses in ``logs`` that are NaN or infinite, as ``"loss=nan"``."""
    return [
        f"{key}={logs[key]}"
        for key in ("loss", "val_loss")
        if key in (logs or {}) and not math.isfinite(logs[key])
    ]


class ModelCheckpoint(Callback):
    """Save after each epoch (or only on improvement of ``monitor`` with ``save_best_only``).

    By default the file holds the whole training state (``save_training_state``: model, optimizer,
    scheduler, loader, RNG, history), so ``load_training_state`` can resume the run from it; with
    ``save_weights_only=True`` only ``model.state_dict()`` (load it with ``tg.load``). ``path`` may
    hold ``{epoch}`` (1-based) and metric fields, e.g. ``"ckpt-{epoch:02d}-{val_loss:.3f}.npz"``.
    ``extra`` (plain data, such as the settings that built the model) is stored with the state.
    An epoch whose loss or val_loss is NaN or infinite is never saved (its weights are most likely
    NaN too): a warning says so, and the file keeps the last good epoch. A file at ``path`` that is
    not a checkpoint is never replaced (the run stops with an error), and a missing folder is named
    before the first epoch.
    """

    def __init__(
        self,
        path: str,
        monitor: str = "val_loss",
        mode: str = "auto",
        save_best_only: bool = False,
        save_weights_only: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self._fields = _template_fields(self.path)
        self.extra = dict(extra) if extra else None
        self._monitor = _Monitor(monitor, mode, 0.0)
        self.monitor = monitor
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.saved_paths: list[str] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        # Before the first epoch, not after it: a path that cannot be written is named at once.
        folder = os.path.dirname(os.path.abspath(self.path))
        if "{" not in folder and not os.path.isdir(folder):
            raise FileNotFoundError(
                f"ModelCheckpoint: cannot write {self.path}: the folder {folder} does not exist"
            )
        if not self._fields:
            _check_checkpoint_target(self.path)
        self._monitor.best = math.inf if self._monitor.mode == "min" else -math.inf
        if self.save_best_only:  # a resumed run must not replace the best file with a worse epoch
            self._monitor.check_run(self.run)
            self._monitor.replay(self.run.history)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        non_finite = _non_finite_losses(logs)
        if non_finite:
            warnings.warn(
                f"ModelCheckpoint: epoch {epoch + 1} not saved to {self.path}: {', '.join(non_finite)} "
                "(the weights are probably not finite); the last saved checkpoint is kept",
                RuntimeWarning,
                stacklevel=3,
            )
            return
        if self.save_best_only:
            value = self._monitor.value(logs)
            if not self._monitor.improved(value):
                return
            self._monitor.best = value
        try:
            path = self.path.format(epoch=epoch + 1, **(logs or {}))
        except KeyError as error:
            hint = " (val_* metrics need a val_loader)" if str(error.args[0]).startswith("val_") else ""
            raise ValueError(
                f"ModelCheckpoint path {self.path!r} names the field {error.args[0]!r}, but this run logs "
                f"epoch, {', '.join(logs or ())}{hint}"
            ) from None
        except (ValueError, TypeError) as error:  # a format spec that does not suit the value
            raise ValueError(f"ModelCheckpoint path {self.path!r} cannot be filled in: {error}") from None
        _check_checkpoint_target(path)
        run = self.run
        if self.save_weights_only:
            from .checkpoint import save

            save(run.model.state_dict(), path)
        else:
            save_training_state(
                path,
                model=run.model,
                optimizer=run.optimizer,
                epoch=epoch + 1,
                scheduler=run.scheduler,
                train_loader=run.train_loader,
                history=run.history,
                extra=self.extra,
            )
        self.saved_paths.append(path)


def _template_fields(path: str) -> set[str]:
    """The names that a ModelCheckpoint path fills in; positional fields ``{}`` have no value."""
    try:
        parsed = list(string.Formatter().parse(path))
    except ValueError as error:  # an unmatched brace
        raise ValueError(f"ModelCheckpoint path {path!r} is not a valid template: {error}") from None
    fields = set()
    for _, name, _, _ in parsed:
        if name is None:
            continue
        base = name.split(".")[0].split("[")[0]
        if base == "" or base.isdigit():
            raise ValueError(
                f"ModelCheckpoint path {path!r} has a positional field {{{name}}}: name what fills it, "
                "such as {epoch:02d} or {val_loss:.3f}"
            )
        fields.add(base)
    return fields


def _check_checkpoint_target(path: str) -> None:
    """Refuse to write over a folder or over a file that is not a checkpoint (the user's own data)."""
    from .checkpoint import is_checkpoint

    if os.path.isdir(path):
        raise IsADirectoryError(f"ModelCheckpoint: cannot write {path}: it is a folder, not a file")
    if os.path.exists(path) and not is_checkpoint(path):
        raise FileExistsError(
            f"ModelCheckpoint: {path} exists and is not a tinygrad_adam checkpoint; refusing to overwrite "
            "it (choose another path or remove the file)"
        )


# ---------------------------------------------------------------------------------------------
# The loop


def _split_batch(batch: Any) -> tuple[tuple[Tensor, ...], Tensor]:
    """A loader's batch -> (model inputs, targets): the last field is the target."""
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise TypeError(
            "fit and evaluate need batches of the form (inputs, targets) (or (*inputs, targets)); "
            f"the loader yielded {type(batch).__name__}"
            + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else "")
            + "; to train on arrays x and y, pass DataLoader(TensorDataset(x, y), batch_size=32)"
        )
    fields = tuple(batch)
    if any(isinstance(field, np.ndarray) for field in fields):
        # A model called on a NumPy array fails deep inside a layer; the cause is here.
        raise TypeError(
            "the loader yielded NumPy arrays: fit and evaluate need Tensors; wrap the arrays in "
            "DataLoader(TensorDataset(x, y), batch_size=...)"
        )
    if not isinstance(fields[-1], Tensor):
        text = isinstance(fields[-1], list) and any(isinstance(label, (str, bytes)) for label in fields[-1])
        raise TypeError(
            f"the last field of a batch is the target and must be a Tensor, got {type(fields[-1]).__name__}"
            + (
                " of strings: encode string labels as integer classes, "
                "classes, y = np.unique(labels, return_inverse=True)"
                if text
                else ""
            )
        )
    return fields[:-1], fields[-1]


BINARY_LOSSES = ("BCEWithLogitsLoss", "BCELoss", "binary_cross_entropy_with_logits", "binary_cross_entropy")


def _is_binary_loss(loss_fn: Any) -> bool:
    """Whether ``loss_fn`` is BCEWithLogitsLoss / BCELoss (a subclass too) or its functional form."""
    names = {klass.__name__ for klass in type(loss_fn).__mro__} | {getattr(loss_fn, "__name__", "")}
    return not names.isdisjoint(BINARY_LOSSES)


def _loss(loss_fn: Any, outputs: Tensor, targets: Tensor) -> Tensor:
    """``loss_fn(outputs, targets)`` as a scalar; shapes that cannot be what the user meant are named."""
    softmax_loss = type(loss_fn).__name__ in ("CrossEntropyLoss", "NLLLoss")
    one_class = isinstance(outputs, Tensor) and outputs.ndim >= 2 and outputs.shape[1] == 1
    if type(loss_fn).__name__ == "CrossEntropyLoss" and one_class:
        # A softmax over one class is 1 whatever the logit: the loss is 0 and nothing would be learned.
        raise ValueError(
            f"CrossEntropyLoss got outputs of shape {outputs.shape}, one class: its softmax is always 1, "
            "so the loss is 0 and the model learns nothing. For a binary task give the model 2 outputs "
            "(integer labels 0/1), or keep 1 output and use BCEWithLogitsLoss (0/1 targets of shape (N, 1))"
        )
    if (
        _is_binary_loss(loss_fn)
        and isinstance(outputs, Tensor)
        and isinstance(targets, Tensor)
        and targets.dtype.kind in "biu"
        and outputs.dtype.kind == "f"
    ):
        targets = targets.astype(outputs.dtype)  # 0/1 labels as datasets hold them; the loss wants floats
    try:
        return _scalar_loss(loss_fn(outputs, targets))
    except TypeError as error:
        if isinstance(outputs, Tensor):
            raise
        raise TypeError(
            f"{error}\nThe model returned a {type(outputs).__name__}, not a Tensor: fit and evaluate "
            "give the model's output to the loss and the metrics, so its forward must return the "
            "predictions alone (an RNN's output without its hidden state, say)"
        ) from error
    except ValueError as error:
        if (
            not softmax_loss
            and isinstance(outputs, Tensor)
            and outputs.shape != targets.shape
            and outputs.size == targets.size
            and outputs.shape[:1] == targets.shape[:1]
        ):
            raise ValueError(
                f"{error}\nThe model gives outputs of shape {outputs.shape} and the loader targets of shape "
                f"{targets.shape}: give the targets the outputs' shape when making the dataset, e.g. "
                f"TensorDataset(x, y.reshape(-1, {', '.join(map(str, outputs.shape[1:])) or ''})) "
                "for (N, 1) outputs, or reshape the model's output"
            ) from error
        raise


def _scalar_loss(loss: Any) -> Tensor:
    if not isinstance(loss, Tensor):
        raise TypeError(f"loss_fn must return a Tensor, got {type(loss).__name__}")
    if loss.size != 1:
        raise ValueError(
            f"loss_fn must return a scalar, got a tensor of shape {loss.shape}: use reduction='mean' "
            "(or 'sum') rather than 'none'"
        )
    return loss


class _EpochMeter:
    """Running means over one pass of a loader: the loss weighted by what each batch's mean divided
    by (its samples; for class labels, their class weights less the ignored ones), accuracy over the
    predictions judged."""

    def __init__(self, loss_fn: Any, metrics: str | Sequence[str]) -> None:
        self.loss_fn, self.requested = loss_fn, metrics
        self.metrics: tuple[str, ...] | None = None
        self.from_logits = _binary_from_logits(loss_fn)
        self.multi_label = type(loss_fn).__name__ in _BINARY_LOSSES
        self.samples = self.batches = self.correct = self.judged = self.elements = 0
        self.loss_sum = self.loss_weight = 0.0
        self.error_sums = dict.fromkeys(ERROR_METRICS, 0.0)
        self.first_non_finite_batch: int | None = None  # 1-based

    def _ignore_index(self, targets: Tensor) -> int | None:
        """The label CrossEntropyLoss/NLLLoss skip, when the targets are class labels."""
        if type(self.loss_fn).__name__ in ("CrossEntropyLoss", "NLLLoss") and targets.dtype.kind in "iu":
            return getattr(self.loss_fn, "ignore_index", None)
        return None

    def _loss_weight(self, targets: Tensor, ignore_index: int | None) -> float:
        """What the batch's loss is weighted by in the epoch's mean.

        CrossEntropyLoss and NLLLoss (reduction "mean") divide by the class weights of the labels
        they keep, Σ w[yᵢ] over yᵢ ≠ ignore_index (the count of kept labels without ``weight``):
        weighted by that, the epoch's loss is the loss of the whole set in one batch, and a batch of
        ignored labels only (PyTorch's 0/0 = nan) adds nothing. Other losses weigh each sample alike.
        """
        if ignore_index is None or getattr(self.loss_fn, "reduction", "mean") != "mean":
            return targets.shape[0] if targets.ndim else 1
        labels = targets.numpy()
        kept = labels[labels != ignore_index]
        class_weight = getattr(self.loss_fn, "weight", None)
        if class_weight is None:
            return kept.size
        return float(class_weight.numpy().astype(np.float64)[kept].sum())

    def update(self, outputs: Tensor, targets: Tensor, loss: Tensor | None) -> None:
        if self.metrics is None:
            self.metrics = _resolve_metrics(self.requested, self.loss_fn, targets)
        n = targets.shape[0] if targets.ndim else 1
        self.samples += n
        self.batches += 1
        ignore_index = self._ignore_index(targets)
        if loss is not None:
            weight = self._loss_weight(targets, ignore_index)
            if weight:
                value = loss.item()
                self.loss_sum += value * weight
                self.loss_weight += weight
                if self.first_non_finite_batch is None and not math.isfinite(value):
                    self.first_non_finite_batch = self.batches
        if "accuracy" in self.metrics:
            right, judged = count_correct(outputs, targets, self.from_logits, ignore_index, self.multi_label)
            self.correct += right
            self.judged += judged
        wanted = [name for name in ERROR_METRICS if name in self.metrics]
        if wanted:
            sums = summed_errors(outputs, targets, wanted)
            for name, value in zip(wanted, sums):
                self.error_sums[name] += value
            self.elements += targets.size

    def mean_loss(self) -> float:
        return self.loss_sum / self.loss_weight if self.loss_weight else math.nan

    def results(self) -> dict[str, float]:
        logs = {}
        if self.loss_fn is not None and self.samples:
            logs["loss"] = self.mean_loss()
        if self.metrics and "accuracy" in self.metrics and self.judged:
            logs["accuracy"] = self.correct / self.judged
        for name in ERROR_METRICS:
            if self.metrics and name in self.metrics and self.elements:
                logs[name] = self.error_sums[name] / self.elements
        return logs


def _loader_description(loader: Any) -> str:
    parts = []
    dataset = getattr(loader, "dataset", None)
    try:
        parts.append(f"{len(dataset)} samples")
    except TypeError:  # no dataset, or a stream without a length
        pass
    for name in ("batch_size", "drop_last"):
        if hasattr(loader, name):
            parts.append(f"{name}={getattr(loader, name)}")
    return f" ({', '.join(parts)})" if parts else ""


def evaluate(
    model: Any, loader: Iterable[Any], loss_fn: Any = None, metrics: str | Sequence[str] = "auto"
) -> dict[str, float]:
    """Mean loss (when ``loss_fn`` is given) and accuracy of ``model`` over ``loader``.

    Runs under ``no_grad`` with the model in eval mode (dropout off), then puts the model back in
    the mode it was in. Returns ``{"loss": ..., "accuracy": ...}`` with the entries that apply.
    """
    _check_model(model)
    _check_metrics(metrics)
    _check_loader("loader", loader)
    was_training = bool(getattr(model, "training", False))
    meter = _EpochMeter(loss_fn, metrics)
    model.eval()
    try:
        with no_grad():
            for batch in loader:
                inputs, targets = _split_batch(batch)
                outputs = _forward(model, inputs)
                loss = _loss(loss_fn, outputs, targets) if loss_fn is not None else None
                meter.update(outputs, targets, loss)
    finally:
        model.train(was_training)
    if meter.batches == 0:
        raise ValueError(f"evaluate: the loader yielded no batches{_loader_description(loader)}")
    return meter.results()


def predict(model: Any, data: Any, batch_size: int = 32) -> np.ndarray:
    """The model's outputs for every sample of ``data``, as one NumPy array (Keras' ``predict``).

    ``data`` is an array or Tensor of inputs, read ``batch_size`` samples at a time, or a loader
    whose batches are inputs, ``(inputs,)`` or ``(*inputs, targets)`` (the targets are ignored, as
    ``fit`` reads them). Runs under ``no_grad`` in eval mode, then puts the model back in its mode.
    """
    _check_model(model)
    if isinstance(data, (np.ndarray, Tensor)):
        batch_size = _check_positive_int("batch_size", batch_size, 1)
        if data.ndim == 0:
            raise ValueError("predict needs inputs with a first (sample) dimension, got a scalar")
        n = data.shape[0]
        batches: Iterable[Any] = (data[start : start + batch_size] for start in range(0, n, batch_size))
    elif isinstance(data, (list, tuple)):
        raise TypeError(
            f"predict takes an array or a Tensor of inputs, or a loader, got a {type(data).__name__}: "
            "convert it with np.asarray(data, dtype=np.float32)"
        )
    else:
        _check_loader("data", data)
        batches = data
    was_training = bool(getattr(model, "training", False))
    results = []
    model.eval()
    try:
        with no_grad():
            for batch in batches:
                inputs = _predict_inputs(batch)
                outputs = _forward(model, inputs)
                if not isinstance(outputs, Tensor) or outputs.ndim == 0:
                    raise TypeError(
                        "predict needs a model that returns a Tensor with one row per sample, got "
                        f"{outputs!r:.100}"
                    )
                results.append(outputs.numpy())
    finally:
        model.train(was_training)
    if not results:
        raise ValueError(f"predict: no samples to predict{_loader_description(data)}")
    return np.concatenate(results)


def _predict_inputs(batch: Any) -> tuple[Tensor, ...]:
    if isinstance(batch, np.ndarray):
        batch = Tensor(batch)
    if isinstance(batch, Tensor):
        return (batch,)
    if isinstance(batch, (tuple, list)) and batch:
        return (batch[0],) if len(batch) == 1 else _split_batch(batch)[0]
    raise TypeError(
        "predict needs batches of inputs (a Tensor, (inputs,) or (*inputs, targets)), "
        f"got {type(batch).__name__}"
    )


def _display_mode(verbose: bool | int | None) -> str:
    """``"bar"`` (a terminal), ``"lines"`` (one line per epoch, for logs) or ``"silent"``."""
    if verbose is None or verbose is True or verbose == 1:
        return "bar" if sys.stdout.isatty() else "lines"
    if verbose is False or verbose == 0:
        return "silent"
    if verbose == 2:
        return "lines"
    raise ValueError(f"verbose must be None (auto), True/False, 0, 1 or 2, got {verbose!r}")


def _format_logs(logs: Mapping[str, float]) -> str:
    parts = []
    for key, value in logs.items():
        if key == "seconds":
            continue
        parts.append(f"{key}: {value:.4g}" if key == "lr" else f"{key}: {value:.4f}")
    return " - ".join(parts)


def _format_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.1f}s"


def _current_lr(optimizer: Any) -> float:
    groups = getattr(optimizer, "param_groups", None)
    if groups:
        return float(groups[0]["lr"])
    return float("nan")


def _scheduler_interval(scheduler: Any, interval: str | None) -> str:
    """When ``fit`` steps ``scheduler``: as asked, else after every batch for ``OneCycleLR``
    (a schedule over ``total_steps`` batches) and after every epoch for the others."""
    from .optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau

    if interval is None:
        return "batch" if isinstance(scheduler, OneCycleLR) else "epoch"
    if interval not in ("epoch", "batch"):
        raise ValueError(f"scheduler_interval must be 'epoch', 'batch' or None, got {interval!r}")
    if interval == "batch" and isinstance(scheduler, ReduceLROnPlateau):
        raise ValueError("ReduceLROnPlateau watches an epoch's metric: use scheduler_interval='epoch'")
    return interval


def _step_scheduler(scheduler: Any, logs: Mapping[str, float], monitor: str | None) -> None:
    from .optim.lr_scheduler import ReduceLROnPlateau

    if isinstance(scheduler, ReduceLROnPlateau):
        key = monitor or ("val_loss" if "val_loss" in logs else "loss")
        if key not in logs:
            raise ValueError(f"ReduceLROnPlateau cannot monitor {key!r}: this run logs {', '.join(logs)}")
        scheduler.step(logs[key])
    else:
        scheduler.step()


def _check_model(model: Any) -> None:
    if isinstance(model, type) or not all(callable(getattr(model, name, None)) for name in ("train", "eval")):
        raise TypeError(
            f"model must be a tg.nn.Module instance (with train() and eval()), got {model!r:.100}"
        )


def _forward(model: Any, inputs: tuple[Tensor, ...]) -> Tensor:
    """``model(*inputs)``; a batch with several input fields that the model does not take is named."""
    try:
        return model(*inputs)
    except TypeError as error:
        mismatch = _dtype_mismatch(model, inputs)
        if mismatch:
            raise TypeError(f"{error}\n{mismatch}") from error
        if len(inputs) == 1:
            raise
        raise TypeError(
            f"{error}: the loader's batches have {len(inputs) + 1} fields, so the model was called with "
            f"the first {len(inputs)} as inputs (the last is the target); yield (inputs, targets) pairs "
            "for a model that takes one input"
        ) from error
    except ValueError as error:
        unflattened = _unflattened_images(model, inputs)
        if unflattened:
            raise ValueError(f"{error}\n{unflattened}") from error
        first = inputs[0] if inputs else None
        if getattr(model, "training", False) and isinstance(first, Tensor) and first.ndim and len(first) == 1:
            # BatchNorm's statistics need two samples; a dataset one past a multiple of batch_size
            # ends every epoch with a batch of one.
            raise ValueError(
                f"{error}\nThis training batch holds one sample (often the last of an epoch): make the "
                "loader with DataLoader(..., drop_last=True), or pick a batch_size that leaves more"
            ) from error
        raise
    except RuntimeError as error:
        parameters = getattr(model, "parameters", None)
        devices = {p.device for p in parameters()} if callable(parameters) else set()
        elsewhere = [
            t.device for t in inputs if isinstance(t, Tensor) and devices and t.device not in devices
        ]
        if not elsewhere:
            raise
        raise RuntimeError(
            f"{error}\nThe loader yields batches on {elsewhere[0]} but the model is on "
            f"{', '.join(sorted(devices))}: make the loader with "
            f"DataLoader(..., device={sorted(devices)[0]!r}), or move the model: model.to({elsewhere[0]!r})"
        ) from error


def _unflattened_images(model: Any, inputs: tuple[Tensor, ...]) -> str:
    """Names image batches (N, H, W) fed to a first Dense layer that wants their H * W pixels as rows."""
    modules = getattr(model, "modules", None)
    first_in_features = (
        next((m.in_features for m in modules() if isinstance(getattr(m, "in_features", None), int)), None)
        if callable(modules)
        else None
    )
    for tensor in inputs:
        if (
            isinstance(tensor, Tensor)
            and tensor.ndim >= 3
            and math.prod(tensor.shape[1:]) == first_in_features
        ):
            return (
                f"The inputs have shape {tensor.shape} and the model's first layer takes {first_in_features} "
                "features per sample: flatten each sample first, with nn.Flatten() as the model's first "
                "layer or x.reshape(len(x), -1) when making the dataset"
            )
    return ""


def _dtype_mismatch(model: Any, inputs: tuple[Tensor, ...]) -> str:
    """Names floating inputs of another dtype than the model's weights (float64 data, float32 model)."""
    parameters = getattr(model, "parameters", None)
    weight_dtypes = {p.dtype for p in parameters() if p.dtype.kind == "f"} if callable(parameters) else set()
    for tensor in inputs:
        if (
            isinstance(tensor, Tensor)
            and tensor.dtype.kind == "f"
            and weight_dtypes
            and tensor.dtype not in weight_dtypes
        ):
            weights = sorted(str(dtype) for dtype in weight_dtypes)[0]
            return (
                f"The loader yields {tensor.dtype} inputs but the model's weights are {weights}: convert "
                f"the data when making the dataset, TensorDataset(x.astype(np.{weights}), y) (NumPy and "
                f"pandas give float64 by default), or the model, model.to(tg.{tensor.dtype})"
            )
    return ""


def _check_optimizer_trains_model(optimizer: Any, model: Any) -> None:
    """An optimizer built on another model's parameters would leave this one untouched, silently."""
    groups, parameters = getattr(optimizer, "param_groups", None), getattr(model, "parameters", None)
    if not (isinstance(groups, list) and callable(parameters)):
        return
    optimized = {id(p) for group in groups for p in group.get("params", ())}
    trainable = [p for p in parameters() if p.requires_grad]
    if trainable and optimized and not any(id(p) in optimized for p in trainable):
        raise ValueError(
            "the optimizer holds none of the model's parameters, so training would not change the model: "
            "build it from this model, e.g. Adam(model.parameters())"
        )


def _check_loader(name: str, loader: Any) -> None:
    """A loader yields batches; a dataset yields single samples, so it is named, not iterated."""
    from .data import Dataset, IterableDataset

    if isinstance(loader, (Dataset, IterableDataset)):
        raise TypeError(
            f"{name} is a {type(loader).__name__}, which yields single samples: "
            f"pass DataLoader(dataset, batch_size=32) to get batches"
        )
    if not isinstance(loader, Iterable):
        raise TypeError(f"{name} must yield batches (a DataLoader), got {type(loader).__name__}")
    if isinstance(loader, (np.ndarray, Tensor)) or (
        isinstance(loader, (tuple, list)) and any(isinstance(item, np.ndarray) for item in loader)
    ):
        # Keras' fit(x, y) spelling: iterating it would yield rows or whole arrays, not batches.
        raise TypeError(
            f"{name} must yield batches, got {type(loader).__name__} of arrays: wrap the arrays in "
            "DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)"
        )


def _check_positive_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def fit(
    model: Any,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: Any,
    train_loader: Iterable[Any],
    epochs: int,
    val_loader: Iterable[Any] | None = None,
    scheduler: Any = None,
    callbacks: Sequence[Callback] | None = (),
    metrics: str | Sequence[str] = "auto",
    verbose: bool | int | None = None,
    start_epoch: int = 0,
    history: History | None = None,
    scheduler_monitor: str | None = None,
    scheduler_interval: str | None = None,
) -> History:
    """Train ``model`` for the epochs ``start_epoch .. epochs - 1`` and return the ``History``.

    Each batch ``(inputs, targets)`` of ``train_loader`` runs ``optimizer.zero_grad()``,
    ``loss_fn(model(inputs), targets).backward()``, ``optimizer.step()``. After each epoch: evaluate
    on ``val_loader`` (``val_loss``, ``val_accuracy``), step ``scheduler`` (``ReduceLROnPlateau``
    gets ``scheduler_monitor``, by default ``val_loss`` or else ``loss``; other schedulers step once
    per epoch, or after every batch with ``scheduler_interval="batch"``, the default for
    ``OneCycleLR``, whose ``total_steps`` counts batches), append to the history (``loss``,
    ``accuracy``, ``val_*``, ``lr`` used in the epoch, ``seconds``), then call the callbacks.
    ``metrics="auto"`` tracks accuracy for classification losses (or, with an unknown loss, integer
    labels); or choose from ``"accuracy"``, ``"mae"`` and ``"mse"`` (mean absolute and squared
    error over all output elements; Keras' long names work too), or ``()`` for none.

    ``epochs`` is the index to stop at, as Keras' ``initial_epoch``: a run resumed after 3 of 10
    epochs passes ``start_epoch=3, epochs=10`` (and its ``history`` to append to).
    ``verbose``: None or True shows a tqdm bar per epoch on a terminal and one plain line per epoch
    otherwise (logs, pipes, CI); 2 always prints lines; False or 0 prints nothing.
    """
    epochs = _check_positive_int("epochs", epochs, 1)
    start_epoch = _check_positive_int("start_epoch", start_epoch, 0)
    if start_epoch >= epochs:
        raise ValueError(
            f"start_epoch ({start_epoch}) must be smaller than epochs ({epochs}): nothing to train"
        )
    _check_model(model)
    if isinstance(loss_fn, type) or not callable(loss_fn):
        raise TypeError(f"loss_fn must be a callable loss such as CrossEntropyLoss(), got {loss_fn!r}")
    for name in ("zero_grad", "step"):
        if isinstance(optimizer, type) or not callable(getattr(optimizer, name, None)):
            raise TypeError(
                "optimizer must be an optimizer instance with zero_grad() and step(), such as "
                f"Adam(model.parameters()), got {optimizer!r}"
            )
    _check_metrics(metrics)
    _check_optimizer_trains_model(optimizer, model)
    if isinstance(callbacks, Callback):
        raise TypeError(f"callbacks must be a list of callbacks: callbacks=[{type(callbacks).__name__}(...)]")
    callbacks = list(callbacks) if callbacks is not None else []  # None, as in Keras: no callbacks
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(f"callbacks must be Callback instances, got {type(callback).__name__}")
    _check_loader("train_loader", train_loader)
    if val_loader is not None:
        _check_loader("val_loader", val_loader)
    if scheduler is not None and (
        isinstance(scheduler, type) or not callable(getattr(scheduler, "step", None))
    ):
        raise TypeError(
            f"scheduler must be a learning-rate scheduler instance with step(), such as "
            f"CosineAnnealingLR(optimizer, T_max=epochs), got {scheduler!r:.100}"
        )
    if scheduler is not None and getattr(scheduler, "optimizer", optimizer) is not optimizer:
        # Its steps would set the learning rates of an optimizer that trains nothing here.
        raise ValueError(
            f"the scheduler ({type(scheduler).__name__}) belongs to another optimizer than the one fit "
            "steps: create it from this one, e.g. CosineAnnealingLR(optimizer, T_max=epochs), after the "
            "optimizer"
        )
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be the History of an earlier fit, got {type(history).__name__}")
    display = _display_mode(verbose)
    interval = _scheduler_interval(scheduler, scheduler_interval)
    history = history if history is not None else History()
    run = TrainingRun(
        model=model,
        loss_fn=loss_fn,
        optimizer=optimizer,
        train_loader=train_loader,
        epochs=epochs,
        history=history,
        val_loader=val_loader,
        scheduler=scheduler,
        scheduler_interval=interval,
        epoch=start_epoch,
        verbose=display != "silent",
        callbacks=callbacks,
    )
    if getattr(model, "stop_training", None) is True:
        model.stop_training = False  # a stop asked for in an earlier fit, Keras' way, ends with it
    for callback in callbacks:
        callback.set_run(run)
    for callback in callbacks:
        callback.on_train_begin()
    for epoch in range(start_epoch, epochs):
        run.epoch = epoch
        for callback in callbacks:
            callback.on_epoch_begin(epoch)
        started = time.perf_counter()
        lr = _current_lr(optimizer)
        bar = _progress_bar(train_loader, epoch, epochs) if display == "bar" else None
        try:
            logs = _train_one_epoch(run, metrics, bar)
            if val_loader is not None:
                for key, value in evaluate(model, val_loader, loss_fn, metrics).items():
                    logs[f"val_{key}"] = value
            logs["lr"] = lr
            logs["seconds"] = time.perf_counter() - started
            if bar is not None:
                bar.set_postfix_str(_bar_postfix(logs), refresh=False)
        finally:
            if bar is not None:
                bar.close()
        if display == "lines":
            print(
                f"Epoch {epoch + 1}/{epochs} - {_format_seconds(logs['seconds'])} - {_format_logs(logs)}",
                flush=True,
            )
        if scheduler is not None and interval == "epoch":
            _step_scheduler(scheduler, logs, scheduler_monitor)
        history.append(epoch, logs)
        for callback in callbacks:
            callback.on_epoch_end(epoch, dict(logs))
        if run.stopping():
            break
    for callback in callbacks:
        callback.on_train_end()
    return history


def _progress_bar(loader: Any, epoch: int, epochs: int) -> Any:
    from tqdm import tqdm  # imported here so that `import tinygrad_adam` stays light

    try:
        total = len(loader)
    except TypeError:  # a generator, or a DataLoader over an IterableDataset without __len__
        total = None
    # A fixed, short bar leaves room for the metrics; shutil falls back to $COLUMNS or 80 x 24 where
    # a terminal reports no size (tqdm would then draw nothing).
    size = shutil.get_terminal_size()
    return tqdm(
        total=total,
        desc=f"Epoch {epoch + 1}/{epochs}",
        unit="batch",
        file=sys.stdout,
        ncols=size.columns,
        nrows=size.lines,
        bar_format="{desc} {n_fmt}/{total_fmt} |{bar:12}| {elapsed}{postfix}",
    )


def _non_finite_fields(inputs: tuple[Tensor, ...], targets: Tensor) -> list[str]:
    """The fields of a batch ("inputs", "targets") whose floating values include NaN or inf."""
    found = []
    for name, tensors in (("inputs", inputs), ("targets", (targets,))):
        for tensor in tensors:
            if isinstance(tensor, Tensor) and tensor.dtype.kind == "f":
                xp = tensor._backend.xp
                if tensor._backend.to_numpy(xp.any(~xp.isfinite(tensor._data))).item():
                    found.append(name)
                    break
    return found


def _bar_postfix(logs: Mapping[str, float]) -> str:
    """The metrics in short form for the progress bar: ``loss 0.3121 acc 0.8875 val_loss ...``."""
    short = {"accuracy": "acc", "val_accuracy": "val_acc"}
    return " ".join(
        f"{short.get(key, key)} {value:.4f}" for key, value in logs.items() if key not in ("lr", "seconds")
    )


def _train_one_epoch(run: TrainingRun, metrics: str | Sequence[str], bar: Any) -> dict[str, float]:
    model, optimizer, loss_fn, callbacks = run.model, run.optimizer, run.loss_fn, run.callbacks
    meter = _EpochMeter(loss_fn, metrics)
    model.train()
    bad_data: list[str] = []  # fields of the first batch with a non-finite loss that hold NaN or inf
    for batch_index, batch in enumerate(run.train_loader):
        for callback in callbacks:
            callback.on_train_batch_begin(batch_index)
        inputs, targets = _split_batch(batch)
        optimizer.zero_grad()
        outputs = _forward(model, inputs)
        loss = _loss(loss_fn, outputs, targets)
        loss.backward()
        optimizer.step()
        if run.scheduler is not None and run.scheduler_interval == "batch":
            run.scheduler.step()
        with no_grad():
            meter.update(outputs.detach(), targets, loss)
            if meter.first_non_finite_batch == meter.batches:  # this batch; checked once an epoch
                bad_data = _non_finite_fields(inputs, targets)
        if bar is not None or callbacks:
            running = meter.results()
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(_bar_postfix(running), refresh=False)
            for callback in callbacks:
                callback.on_train_batch_end(batch_index, running)
        if run.stopping():  # a callback (TerminateOnNaN) asked to stop now, not at the epoch's end
            break
    if meter.batches == 0:
        exhausted = isinstance(run.train_loader, Iterator) and run.history.epoch
        raise ValueError(
            f"train_loader yielded no batches in epoch {run.epoch + 1}{_loader_description(run.train_loader)}"
            + (
                f": a {type(run.train_loader).__name__} is used up after one epoch; pass a DataLoader, "
                "or a list of batches, which every epoch reads again"
                if exhausted
                else ""
            )
        )
    if meter.first_non_finite_batch is not None:
        cause = (
            f"its {' and '.join(bad_data)} hold NaN or inf: the data has missing or infinite values; "
            "clean or impute them before training"
            if bad_data
            else "lower the learning rate or check the data for NaN/inf"
        )
        warnings.warn(
            f"the training loss of epoch {run.epoch + 1} is {meter.mean_loss()}: batch "
            f"{meter.first_non_finite_batch} gave the first non-finite loss ({cause}), so the weights are "
            "probably NaN now; callbacks=[TerminateOnNaN()] stops at the first one",
            RuntimeWarning,
            stacklevel=3,
        )
    return meter.results()


# ---------------------------------------------------------------------------------------------
# Resuming


@dataclass
class ResumePoint:
    """What ``load_training_state`` hands back: the next epoch to run and the history so far."""

    epoch: int
    history: History
    extra: dict[str, Any]


def save_training_state(
    path: str,
    *,
    model: Any,
    optimizer: Any,
    epoch: int,
    scheduler: Any = None,
    train_loader: Any = None,
    history: History | None = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Save all a run depends on, after ``epoch`` epochs, with ``tg.save`` (atomic ``.npz``).

    That is the model and optimizer ``state_dict``s, the scheduler's and the training loader's
    (shuffling order) states, every device's random state (dropout), the history and ``extra``
    (plain data such as command-line settings).
    """
    from .checkpoint import save
    from .rng import get_rng_state

    state: dict[str, Any] = {
        "format": "tinygrad_adam.training_state",
        "version": TRAINING_STATE_VERSION,
        "epoch": _check_positive_int("epoch", epoch, 0),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "rng": get_rng_state(),
        "history": (history or History()).state_dict(),
    }
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    if train_loader is not None and hasattr(train_loader, "state_dict"):
        state["train_loader"] = train_loader.state_dict()
    if extra:
        state["extra"] = dict(extra)
    save(state, path)


def load_training_state(
    path: str,
    *,
    model: Any,
    optimizer: Any = None,
    scheduler: Any = None,
    train_loader: Any = None,
    restore_rng: bool = True,
) -> ResumePoint:
    """Restore what ``save_training_state`` wrote into fresh objects built as the saved ones were.

    Continue with ``fit(..., start_epoch=point.epoch, history=point.history)``. Pieces passed here
    but missing from the file raise an error, so a resume never silently starts from scratch; a piece
    that does not load leaves every object as it was before the call.
    """
    from .checkpoint import load
    from .rng import get_rng_state, set_rng_state

    state = load(path)
    if not isinstance(state, dict) or state.get("format") != "tinygrad_adam.training_state":
        raise ValueError(f"{path} is not a training state written by save_training_state")
    if state.get("version") != TRAINING_STATE_VERSION:
        raise ValueError(
            f"{path} holds training state version {state.get('version')}, "
            f"this version reads version {TRAINING_STATE_VERSION}"
        )
    pieces = [
        ("model", model),
        ("optimizer", optimizer),
        ("scheduler", scheduler),
        ("train_loader", train_loader),
    ]
    pieces = [(name, target) for name, target in pieces if target is not None]
    for name, _ in pieces:
        if name not in state:
            raise ValueError(f"{path} holds no {name} state, but a {name} was given to restore")
    for name in ("epoch", "history", *(("rng",) if restore_rng else ())):
        if name not in state:
            raise ValueError(f"{path} lacks the {name} of its run: it is damaged or was not saved whole")
    # All or nothing: a piece that does not fit (another optimizer, another model) puts back the ones
    # restored before it, so a caller who catches the error does not train a half-restored run.
    restored: list[tuple[Any, Any]] = []
    try:
        history = History()
        history.load_state_dict(state["history"])
        for name, target in pieces:
            before = target.state_dict()
            target.load_state_dict(state[name])
            restored.append((target, before))
        if restore_rng:
            rng_before = get_rng_state()
            set_rng_state(state["rng"])
            restored.append((None, rng_before))
    except BaseException:
        for target, before in reversed(restored):
            if target is None:
                set_rng_state(before)
            else:
                target.load_state_dict(before)
        raise
    return ResumePoint(epoch=int(state["epoch"]), history=history, extra=dict(state.get("extra", {})))
