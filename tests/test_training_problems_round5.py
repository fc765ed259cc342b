"""What a fresh-eyed sweep of the training stack against PyTorch 2.13 found: fit/evaluate on
problems the other tests do not train (multi-label, per-token tagging with padding) and datasets
of mixed types. PyTorch's numbers come from tests/fixtures/make_training_round5.py."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.data import DataLoader, Dataset, TensorDataset
from tinygrad_adam.train import accuracy, evaluate, fit

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "training_round5.npz")


class Identity(nn.Module):
    """A model whose outputs are its inputs, so a test chooses the scores exactly."""

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return x


def test_multi_label_accuracy_judges_every_label_not_the_argmax():
    logits = np.array([[2.0, -1.0, 0.5], [-0.5, 1.0, 3.0], [-2.0, -1.0, 0.2]], np.float32)
    labels = np.array([[1, 0, 0], [0, 1, 1], [0, 1, 1]], np.float32)  # 7 of 9 thresholded labels right
    loader = DataLoader(TensorDataset(logits, labels), batch_size=2)
    result = evaluate(Identity(), loader, nn.BCEWithLogitsLoss())
    assert result["accuracy"] == pytest.approx(7 / 9)  # the argmax read 2 of 3 samples as right
    probabilities = 1 / (1 + np.exp(-logits))
    loader = DataLoader(TensorDataset(probabilities, labels), batch_size=3)
    assert evaluate(Identity(), loader, nn.BCELoss())["accuracy"] == pytest.approx(7 / 9)
    assert accuracy(tg.tensor(logits), tg.tensor(labels), multi_label=True) == pytest.approx(7 / 9)


def test_fit_on_multi_label_targets_logs_the_binary_accuracy():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]], np.float32)
    y = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 1], [0, 0, 0]], np.float32)
    model = nn.Linear(2, 3)
    history = fit(
        model,
        nn.BCEWithLogitsLoss(),
        tg.optim.Adam(model.parameters(), lr=0.1),
        DataLoader(TensorDataset(x, y), batch_size=4),
        epochs=60,
        verbose=0,
    )
    assert history["accuracy"][-1] == 1.0  # learnable label by label; an argmax caps it at 1/2


def test_per_token_tagging_loss_and_accuracy_skip_the_padding_as_pytorch():
    scores, labels = FIXTURES["tagging_scores"], FIXTURES["tagging_labels"]
    result = evaluate(
        Identity(), DataLoader(TensorDataset(scores, labels), batch_size=4), nn.CrossEntropyLoss()
    )
    # Was nan (the padding-only batch's 0/0) and then, for (N, C, L) scores, an error.
    assert result["loss"] == pytest.approx(float(FIXTURES["tagging_loss"]), rel=1e-12)
    kept = labels != -100
    assert result["accuracy"] == pytest.approx((scores.argmax(1) == labels)[kept].mean())


def test_the_epoch_loss_of_a_class_weighted_loss_is_the_whole_sets_loss_as_pytorch():
    scores, labels = FIXTURES["weighted_scores"], FIXTURES["weighted_labels"]
    criterion = nn.CrossEntropyLoss(weight=tg.tensor(FIXTURES["weighted_class_weight"]), label_smoothing=0.2)
    result = evaluate(Identity(), DataLoader(TensorDataset(scores, labels), batch_size=7), criterion)
    # Each batch divides by the class weights of its labels; weighting batches by their sizes gave
    # another number than PyTorch's loss over the whole set.
    assert result["loss"] == pytest.approx(float(FIXTURES["weighted_loss"]), rel=1e-12)


def test_ignored_labels_are_left_out_of_classification_accuracy():
    scores = np.array([[3.0, 0.0], [0.0, 3.0], [3.0, 0.0], [3.0, 0.0]], np.float32)
    labels = np.array([0, 1, -100, 1])
    result = evaluate(
        Identity(), DataLoader(TensorDataset(scores, labels), batch_size=4), nn.CrossEntropyLoss()
    )
    assert result["accuracy"] == pytest.approx(2 / 3)  # was 2/4: the ignored label counted as wrong
    ignoring_seven = nn.CrossEntropyLoss(ignore_index=7)
    labels[2] = 7
    result = evaluate(Identity(), DataLoader(TensorDataset(scores, labels), batch_size=4), ignoring_seven)
    assert result["accuracy"] == pytest.approx(2 / 3)


Sample = namedtuple("Sample", ["image", "label"])


class Records(Dataset):
    """Samples as real datasets return them: dicts with ids and file names, namedtuples."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __len__(self) -> int:
        return 5

    def __getitem__(self, index: int):
        image = np.full(2, index, np.float32)
        if self.kind == "namedtuple":
            return Sample(image, index % 2)
        return {"image": image, "label": index % 2, "path": f"img_{index}.png", "weight": index / 4}


def test_text_fields_batch_as_lists_of_strings_as_pytorch():
    batch = next(iter(DataLoader(Records("dict"), batch_size=3)))
    assert batch["path"] == ["img_0.png", "img_1.png", "img_2.png"]
    assert batch["image"].numpy().tolist() == [[0, 0], [1, 1], [2, 2]]
    assert batch["label"].numpy().tolist() == [0, 1, 0] and batch["weight"].dtype == tg.float32


def test_namedtuple_samples_batch_as_the_same_namedtuple():
    batch = next(iter(DataLoader(Records("namedtuple"), batch_size=5)))
    assert isinstance(batch, Sample)
    assert batch.label.numpy().tolist() == [0, 1, 0, 1, 0] and batch.image.shape == (5, 2)
    model = nn.Linear(2, 2)
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        tg.optim.SGD(model.parameters(), lr=0.1),
        DataLoader(Records("namedtuple"), batch_size=5),
        epochs=1,
        verbose=0,
    )
    assert len(history["loss"]) == 1


def test_a_mixed_text_field_is_named():
    class Mixed(Dataset):
        def __len__(self) -> int:
            return 2

        def __getitem__(self, index: int):
            return "a" if index == 0 else 1

    with pytest.raises(TypeError, match="samples differ in kind, str and int"):
        next(iter(DataLoader(Mixed(), batch_size=2)))


class PrebatchedStream(tg.data.IterableDataset):
    """A stream that makes whole batches itself (from a database, a file reader, ...)."""

    def __iter__(self):
        x = np.arange(20, dtype=np.float32).reshape(10, 2)
        for start in range(0, 10, 4):
            yield x[start : start + 4], np.arange(start, min(start + 4, 10)) % 2


def test_batch_size_none_yields_the_streams_own_batches_as_tensors():
    loader = DataLoader(PrebatchedStream(), batch_size=None)
    shapes = [(x.shape, y.shape, y.dtype) for x, y in loader]
    assert shapes == [((4, 2), (4,), tg.int64), ((4, 2), (4,), tg.int64), ((2, 2), (2,), tg.int64)]
    model = nn.Linear(2, 2)
    history = fit(
        model, nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr=0.1), loader, 2, verbose=0
    )
    assert len(history["loss"]) == 2


def test_batch_size_none_yields_single_samples_of_a_dataset_in_the_shuffled_order():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    loader = DataLoader(TensorDataset(x, np.arange(6)), batch_size=None, shuffle=True, seed=3)
    samples = list(loader)
    assert len(loader) == 6 and all(s[0].shape == (2,) and s[1].shape == () for s in samples)
    order = [s[1].item() for s in samples]
    assert sorted(order) == list(range(6)) and order == [int(s[0].numpy()[0]) // 2 for s in samples]
    converted = next(iter(DataLoader([{"a": np.ones(2), "n": 3, "s": "x"}], batch_size=None)))
    assert converted["a"].dtype == tg.float64 and converted["n"] == 3 and converted["s"] == "x"
    with pytest.raises(ValueError, match="batch_size=None .* mutually exclusive with drop_last"):
        DataLoader(TensorDataset(x), batch_size=None, drop_last=True)


def test_an_optimizer_refuses_a_set_of_parameters_as_pytorch():
    model = nn.Linear(2, 2)
    # A set's order changes from run to run, so a saved optimizer state would load into the wrong
    # parameters; the set was taken (a group's {"params": set} already was not).
    with pytest.raises(TypeError, match="fixed order.*not a set"):
        tg.optim.Adam(set(model.parameters()))
    with pytest.raises(TypeError, match="fixed order"):
        tg.optim.SGD(frozenset(model.parameters()), lr=0.1)


def test_a_keras_style_callback_sees_self_model_and_stops_with_model_stop_training():
    class StopAfterTwoEpochs(tg.train.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.trained = self.model
            if epoch == 1:
                self.model.stop_training = True  # Keras' way; was ignored (and self.model missing)

    model = nn.Linear(2, 2)
    callback = StopAfterTwoEpochs()
    data = DataLoader(TensorDataset(np.ones((4, 2), np.float32), np.array([0, 1, 0, 1])), batch_size=2)
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, data, 5, callbacks=[callback], verbose=0)
    assert len(history["loss"]) == 2 and callback.trained is model
    history = fit(model, nn.CrossEntropyLoss(), optimizer, data, 1, verbose=0)  # the old stop is over
    assert len(history["loss"]) == 1 and model.stop_training is False


@pytest.mark.parametrize(
    "make",
    [
        lambda S, o: S.CosineAnnealingLR(o, T_max=5),
        lambda S, o: S.LambdaLR(o, lambda epoch: 0.9**epoch),
        lambda S, o: S.MultiplicativeLR(o, lambda epoch: 0.9),
        lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3),
        lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2),
    ],
    ids=["cosine", "lambda", "multiplicative", "warm_restarts", "cyclic"],
)
def test_a_group_added_after_a_per_group_schedule_is_named_not_left_unscheduled(make):
    first, second = nn.Linear(2, 2), nn.Linear(2, 2)
    optimizer = tg.optim.SGD(first.parameters(), lr=0.1, momentum=0.9)
    scheduler = make(tg.optim.lr_scheduler, optimizer)
    scheduler.step()
    optimizer.add_param_group({"params": list(second.parameters()), "lr": 0.05})
    # PyTorch fails in a zip; the new group kept lr 0.05 forever, or followed another group's cosine.
    with pytest.raises(ValueError, match="made for 1 parameter group.*now has 2.*add_param_group"):
        scheduler.step()


def test_groups_added_after_a_chainable_schedule_follow_it_as_in_pytorch():
    first, second = nn.Linear(2, 2), nn.Linear(2, 2)
    optimizer = tg.optim.SGD(first.parameters(), lr=0.1)
    scheduler = tg.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    scheduler.step()
    optimizer.add_param_group({"params": list(second.parameters()), "lr": 0.08})
    scheduler.step()
    assert [group["lr"] for group in optimizer.param_groups] == [0.025, 0.04]


def test_a_model_returning_a_tuple_is_named_by_fit():
    class OutputAndState(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer = nn.Linear(2, 2)

        def forward(self, x: tg.Tensor):
            return self.layer(x), x

    model = OutputAndState()
    data = DataLoader(TensorDataset(np.ones((4, 2), np.float32), np.array([0, 1, 0, 1])), batch_size=2)
    with pytest.raises(TypeError, match="model returned a tuple, not a Tensor"):
        fit(model, nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr=0.1), data, 1, verbose=0)


def test_samples_of_different_lengths_name_padding_or_a_collate_fn():
    class Sentences(Dataset):
        def __len__(self) -> int:
            return 2

        def __getitem__(self, index: int):
            return np.ones(index + 2, np.float32), 0

    with pytest.raises(ValueError, match=r"got \(2,\) and \(3,\).*pad them.*collate_fn="):
        next(iter(DataLoader(Sentences(), batch_size=2)))
    batch = next(iter(DataLoader(Sentences(), batch_size=2, collate_fn=lambda samples: samples)))
    assert [len(sample[0]) for sample in batch] == [2, 3]


def test_fit_refuses_a_scheduler_of_another_optimizer():
    model = nn.Linear(2, 2)
    stale = tg.optim.SGD(model.parameters(), lr=0.1)
    scheduler = tg.optim.lr_scheduler.StepLR(stale, step_size=1)
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)  # made again after the scheduler
    data = DataLoader(TensorDataset(np.ones((4, 2), np.float32), np.array([0, 1, 0, 1])), batch_size=2)
    # Its steps changed the stale optimizer's lr: fit trained at a constant 0.1 and logged it.
    with pytest.raises(ValueError, match="scheduler \\(StepLR\\) belongs to another optimizer"):
        fit(model, nn.CrossEntropyLoss(), optimizer, data, 2, scheduler=scheduler, verbose=0)


def test_a_last_batch_of_one_sample_under_batchnorm_names_drop_last():
    model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    five = TensorDataset(np.ones((5, 2), np.float32), np.array([0, 1, 0, 1, 0]))
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="more than 1 value per channel(.|\n)*drop_last=True"):
        fit(model, nn.CrossEntropyLoss(), optimizer, DataLoader(five, batch_size=2), 1, verbose=0)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, DataLoader(five, 2, drop_last=True), 1, verbose=0)
    assert len(history["loss"]) == 1
