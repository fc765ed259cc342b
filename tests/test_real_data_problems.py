"""Real data through data -> fit -> checkpoint -> CLI: shapes, dtypes and files that users bring."""

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam import nn
from tinygrad_adam.cli import main
from tinygrad_adam.data import DataLoader, IterableDataset, TensorDataset, train_val_split
from tinygrad_adam.datasets.idx import write_idx
from tinygrad_adam.train import fit, load_training_state, predict, save_training_state


def _tiny_mnist(folder: Path, n_train: int = 20, n_test: int = 10, gz: bool = True) -> None:
    """MNIST-shaped IDX files whose label is the image row that lights up (learnable)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 40, size=(n, 28, 28)).astype(np.uint8)
        images[np.arange(n), labels, :] = 255
        suffix = ".gz" if gz else ""
        write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)


def _small_classifier(inputs: int = 3, outputs: int = 2) -> nn.Module:
    tg.manual_seed(0)
    return nn.Sequential(nn.Dense(inputs, 8, activation="relu"), nn.Dense(8, outputs))


def _fit_quietly(model, loss_fn, loader, epochs=1, **kwargs):
    return fit(model, loss_fn, tg.optim.Adam(model.parameters()), loader, epochs=epochs, verbose=0, **kwargs)


# -- splits and MNIST-like files ------------------------------------------------------------------


def test_stratified_split_of_many_small_classes_still_holds_out_val_fraction_of_the_samples():
    x, y = np.arange(20.0).reshape(20, 1), np.arange(20) % 10  # 10 classes of 2 samples
    (x_train, y_train), (x_val, y_val) = train_val_split(x, y, val_fraction=0.1, seed=0, stratify=True)
    assert len(y_val) == 2 and len(y_train) == 18  # round(0.1 * 20), as without stratify
    assert len(set(y_val.tolist())) == 2  # from two different classes
    assert sorted(np.concatenate([x_train, x_val]).ravel().tolist()) == x.ravel().tolist()


def test_stratified_split_of_large_classes_rounds_each_class_on_its_own():
    y = np.repeat([0, 1, 2], [10, 20, 30])
    (_, y_train), (_, y_val) = train_val_split(np.zeros((60, 2)), y, val_fraction=0.25, seed=1, stratify=True)
    assert np.bincount(y_val).tolist() == [2, 5, 8]  # round(2.5)=2, 5, round(7.5)=8
    assert np.bincount(y_train).tolist() == [8, 15, 22]


def test_stratified_split_takes_string_and_float_labels_and_refuses_nan_labels():
    x = np.arange(12.0).reshape(12, 1)
    (_, y_train), (_, y_val) = train_val_split(x, np.array(["cat", "dog", "owl"] * 4), 0.25, stratify=True)
    assert sorted(y_val.tolist()) == ["cat", "dog", "owl"] and len(y_train) == 9
    (_, y_train), (_, y_val) = train_val_split(x, np.array([0.0, 1.0] * 6), 0.5, stratify=True)
    assert sorted(y_val.tolist()) == [0.0] * 3 + [1.0] * 3
    with pytest.raises(ValueError, match="NaN or inf labels"):
        train_val_split(x, np.array([0.0, np.nan] * 6), 0.5, stratify=True)


def test_cli_trains_on_twenty_mnist_images_with_the_default_validation_fraction(tmp_path, capsys):
    _tiny_mnist(tmp_path)
    args = ["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--epochs", "1", "--hidden", "8"]
    assert main([*args, "--batch-size", "8", "--quiet"]) == 0
    assert "Test accuracy" in capsys.readouterr().out


def test_cli_names_a_truncated_dataset_file_and_exits_with_status_2(tmp_path, capsys):
    _tiny_mnist(tmp_path)
    damaged = tmp_path / "train-images-idx3-ubyte.gz"
    damaged.write_bytes(damaged.read_bytes()[:100])
    assert main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and str(damaged) in err and "Traceback" not in err


@pytest.mark.parametrize("layout", ["MNIST/raw", "mnist", "."])
def test_mnist_is_found_in_our_layout_and_in_torchvisions(tmp_path, layout):
    _tiny_mnist(tmp_path / layout, gz=layout != ".")
    (x_train, y_train), (x_test, y_test) = tg.datasets.load_mnist(tmp_path)
    assert x_train.shape == (20, 28, 28) and x_train.dtype == np.uint8 and y_test.shape == (10,)


def test_mnist_files_each_in_a_folder_of_their_own_name_are_found(tmp_path):
    _tiny_mnist(tmp_path / "flat", gz=False)
    for file in (tmp_path / "flat").iterdir():  # train-images.idx3-ubyte/train-images.idx3-ubyte, as Kaggle's
        dotted = file.name.replace("-idx", ".idx")
        (tmp_path / "nested" / dotted).mkdir(parents=True)
        file.rename(tmp_path / "nested" / dotted / dotted)
    (x_train, _), (_, y_test) = tg.datasets.load_mnist(tmp_path / "nested")
    assert x_train.shape == (20, 28, 28) and y_test.shape == (10,)


# -- the loader -----------------------------------------------------------------------------------


def test_loader_accepts_pytorchs_worker_options_and_refuses_bad_ones():
    data = TensorDataset(np.arange(10.0).reshape(10, 1), np.arange(10))
    loader = DataLoader(data, batch_size=4, num_workers=2, pin_memory=True)
    assert [batch[1].numpy().tolist() for batch in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    with pytest.raises(ValueError, match="num_workers must be an integer >= 0"):
        DataLoader(data, num_workers=-1)
    with pytest.raises(TypeError, match="pin_memory must be True or False"):
        DataLoader(data, pin_memory="yes")


def test_a_tuple_of_arrays_given_as_the_dataset_names_tensordataset():
    with pytest.raises(TypeError, match=r"tuple of arrays.*TensorDataset\(x, y\)"):
        DataLoader((np.ones((8, 3)), np.zeros(8)), batch_size=4)


def test_collate_fn_receives_the_list_of_samples_of_each_batch():
    data = TensorDataset(np.arange(6.0).reshape(6, 1), np.arange(6))
    seen = []

    def collate(samples):
        seen.append(len(samples))
        x = np.stack([sample[0] for sample in samples]) * 2
        return tg.tensor(x), tg.tensor(np.array([sample[1] for sample in samples]))

    batches = list(DataLoader(data, batch_size=4, collate_fn=collate))
    assert seen == [4, 2]
    assert batches[1][0].numpy().ravel().tolist() == [8.0, 10.0]


class _Countdown(IterableDataset):
    """A stream of ``n`` samples (x, y), made anew at each epoch; ``__len__`` only when asked."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield np.full(3, i, dtype=np.float32), i % 2


class _SizedCountdown(_Countdown):
    def __len__(self) -> int:
        return self.n


@pytest.mark.parametrize("drop_last, sizes", [(False, [4, 4, 2]), (True, [4, 4])])
def test_an_iterable_dataset_is_batched_in_order_every_epoch(drop_last, sizes):
    loader = DataLoader(_Countdown(10), batch_size=4, drop_last=drop_last)
    for _ in range(2):  # each epoch reads a fresh stream
        batches = list(loader)
        assert [batch[0].shape[0] for batch in batches] == sizes
        assert batches[0][0].numpy()[:, 0].tolist() == [0, 1, 2, 3]
    with pytest.raises(TypeError, match="has no __len__"):
        len(loader)
    assert len(DataLoader(_SizedCountdown(10), batch_size=4, drop_last=drop_last)) == len(sizes)


def test_an_iterable_dataset_cannot_be_shuffled_and_a_generator_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="cannot shuffle"):
        DataLoader(_Countdown(4), shuffle=True)
    with pytest.raises(TypeError, match="read only once.*IterableDataset"):
        DataLoader(sample for sample in _Countdown(4))


def test_fit_trains_on_an_iterable_dataset_and_its_loader_state_resumes_mid_epoch():
    history = _fit_quietly(
        _small_classifier(), nn.CrossEntropyLoss(), DataLoader(_Countdown(10), 4), epochs=2
    )
    assert len(history["loss"]) == 2 and np.isfinite(history["loss"]).all()
    loader = DataLoader(_SizedCountdown(10), batch_size=4)
    stream = iter(loader)
    next(stream)
    resumed = DataLoader(_SizedCountdown(10), batch_size=4)
    resumed.load_state_dict(loader.state_dict())
    assert [batch[0].numpy()[0, 0] for batch in resumed] == [4.0, 8.0]


def test_batch_size_larger_than_the_data_gives_one_batch_or_none_with_drop_last():
    data = TensorDataset(np.zeros((5, 3), np.float32), np.zeros(5, np.int64))
    assert [batch[0].shape for batch in DataLoader(data, batch_size=64)] == [(5, 3)]
    with pytest.raises(ValueError, match="no batches.*5 samples, batch_size=64, drop_last=True"):
        _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), DataLoader(data, 64, drop_last=True))


# -- labels and features as real datasets have them -----------------------------------------------


@pytest.mark.parametrize("dtype", [np.bool_, np.int64, np.float32, np.float64])
def test_binary_labels_of_any_dtype_train_one_logit_the_same(dtype):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    labels = (x[:, :1] > 0).astype(dtype)  # (N, 1), the shape of the model's output
    history = _fit_quietly(
        _small_classifier(outputs=1), nn.BCEWithLogitsLoss(), DataLoader(TensorDataset(x, labels), 8)
    )
    reference = _fit_quietly(
        _small_classifier(outputs=1),
        nn.BCEWithLogitsLoss(),
        DataLoader(TensorDataset(x, labels.astype(np.float32)), 8),
    )
    assert history.history["loss"] == reference.history["loss"]
    assert history["accuracy"] == reference["accuracy"]


def test_labels_one_to_k_or_strings_are_named_not_indexed_out_of_range():
    x = np.zeros((6, 3), np.float32)
    with pytest.raises(ValueError, match=r"\[0, 2\).*got 2"):
        _fit_quietly(
            _small_classifier(), nn.CrossEntropyLoss(), DataLoader(TensorDataset(x, np.array([1, 2] * 3)))
        )
    with pytest.raises(TypeError, match="np.unique"):
        TensorDataset(x, np.array(["cat", "dog"] * 3))


def test_fit_names_float64_features_for_a_float32_model_and_both_fixes():
    x, y = np.random.default_rng(0).normal(size=(8, 3)), np.zeros(8, np.int64)  # float64, as pandas gives
    with pytest.raises(TypeError, match=r"float64 inputs.*float32.*x\.astype\(np\.float32\).*model\.to"):
        _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), DataLoader(TensorDataset(x, y), 4))
    model = _small_classifier().to(tg.float64)  # the other fix named
    assert len(_fit_quietly(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(x, y), 4))) == 1


def test_fit_names_the_reshape_when_a_regression_target_lacks_the_outputs_column():
    x, y = np.ones((8, 3), np.float32), np.ones(8, np.float32)
    with pytest.raises(
        ValueError, match=r"outputs of shape \(4, 1\).*targets of shape \(4,\).*reshape\(-1, 1\)"
    ):
        _fit_quietly(_small_classifier(outputs=1), nn.MSELoss(), DataLoader(TensorDataset(x, y), 4))
    history = _fit_quietly(
        _small_classifier(outputs=1),
        nn.MSELoss(),
        DataLoader(TensorDataset(x, y.reshape(-1, 1)), 4),
        metrics=("mae", "mse"),
    )
    assert set(history.keys()) == {"loss", "mae", "mse", "lr", "seconds"}


def test_nan_in_the_features_is_blamed_on_the_data_not_the_learning_rate():
    x = np.ones((8, 3), np.float32)
    x[5, 1] = np.nan
    loader = DataLoader(TensorDataset(x, np.ones((8, 1), np.float32)), 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _fit_quietly(_small_classifier(outputs=1), nn.MSELoss(), loader)
    messages = [str(warning.message) for warning in caught]
    assert any("batch 2" in text and "inputs hold NaN or inf" in text for text in messages), messages


def test_images_fed_to_a_dense_first_layer_name_the_flatten_they_need():
    images, labels = np.zeros((8, 28, 28), np.float32), np.zeros(8, np.int64)
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(784, 10))
    with pytest.raises(ValueError, match=r"shape \(4, 28, 28\).*takes 784 features.*nn\.Flatten\(\)"):
        _fit_quietly(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(images, labels), 4))


def test_uint8_images_train_through_flatten():
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (12, 28, 28), dtype=np.uint8), np.arange(12) % 10
    tg.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Dense(784, 10))
    history = _fit_quietly(
        model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(images / np.float32(255), labels), 4)
    )
    assert np.isfinite(history["loss"]).all()


# -- predict --------------------------------------------------------------------------------------


def test_predict_gives_the_models_outputs_for_arrays_tensors_and_loaders_in_eval_mode():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 4), nn.Dropout(0.5), nn.Dense(4, 2))
    x = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    model.eval()
    expected = model(tg.tensor(x)).numpy()
    model.train()
    from_array = tg.predict(model, x, batch_size=3)
    assert isinstance(from_array, np.ndarray) and from_array.shape == (10, 2)
    np.testing.assert_allclose(from_array, expected, rtol=1e-6)
    np.testing.assert_allclose(predict(model, tg.tensor(x), batch_size=4), expected, rtol=1e-6)
    loader = DataLoader(TensorDataset(x, np.zeros(10, np.int64)), batch_size=4)  # targets are ignored
    np.testing.assert_allclose(predict(model, loader), expected, rtol=1e-6)
    assert model.training  # put back in the mode it was in
    with pytest.raises(TypeError, match="np.asarray"):
        predict(model, x.tolist())


# -- checkpoints ----------------------------------------------------------------------------------


def test_a_float64_model_and_its_optimizer_round_trip_and_step_identically(tmp_path):
    x, y = np.random.default_rng(0).normal(size=(8, 3)), np.arange(8) % 2
    model = _small_classifier().to(tg.float64)
    optimizer = tg.optim.AdamW(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(2):
        optimizer.zero_grad()
        loss_fn(model(tg.tensor(x)), tg.tensor(y)).backward()
        optimizer.step()
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 2, "note": None}
    tg.save(state, tmp_path / "run.npz")
    loaded = tg.load(tmp_path / "run.npz")
    twin = _small_classifier().to(tg.float64)
    twin_optimizer = tg.optim.AdamW(twin.parameters(), lr=0.01)
    twin.load_state_dict(loaded["model"])
    twin_optimizer.load_state_dict(loaded["optimizer"])
    assert loaded["epoch"] == 2 and loaded["note"] is None
    for net, opt in ((model, optimizer), (twin, twin_optimizer)):
        opt.zero_grad()
        loss_fn(net(tg.tensor(x)), tg.tensor(y)).backward()
        opt.step()
    for key, value in model.state_dict().items():
        assert value.dtype == np.float64
        np.testing.assert_array_equal(twin.state_dict()[key].numpy(), value.numpy())


def test_a_save_that_fails_on_an_unsupported_object_keeps_the_old_checkpoint_and_no_temporary_file(tmp_path):
    path = tmp_path / "run.npz"
    tg.save({"epoch": 1}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"cannot store set at state\['tags'\]"):
        tg.save({"epoch": 2, "tags": {"a"}}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["run.npz"]


def test_a_checkpoint_of_another_model_shape_is_refused_naming_the_keys(tmp_path):
    tg.save(_small_classifier(outputs=3).state_dict(), tmp_path / "w.npz")
    with pytest.raises(RuntimeError, match=r"shape \(3, 8\) in the state, \(2, 8\) in the model"):
        _small_classifier(outputs=2).load_state_dict(tg.load(tmp_path / "w.npz"))


def test_a_training_state_with_an_iterable_loader_resumes_like_an_uninterrupted_run(tmp_path):
    def run(epochs, start=0, history=None, path=None):
        model = _small_classifier()
        optimizer = tg.optim.Adam(model.parameters())
        loader = DataLoader(_SizedCountdown(10), batch_size=4)
        if path is not None:
            point = load_training_state(path, model=model, optimizer=optimizer, train_loader=loader)
            start, history = point.epoch, point.history
        history = fit(
            model,
            nn.CrossEntropyLoss(),
            optimizer,
            loader,
            epochs,
            verbose=0,
            start_epoch=start,
            history=history,
        )
        return model, optimizer, loader, history

    straight = run(3)[3]
    model, optimizer, loader, history = run(1)
    save_training_state(
        str(tmp_path / "s.npz"),
        model=model,
        optimizer=optimizer,
        epoch=1,
        train_loader=loader,
        history=history,
    )
    resumed = run(3, path=str(tmp_path / "s.npz"))[3]
    assert resumed.history["loss"] == straight.history["loss"]


def test_save_and_load_take_file_objects_and_pytorchs_load_keywords(tmp_path):
    import io

    buffer = io.BytesIO()
    tg.save({"weight": tg.tensor([1.0, 2.0]), "step": 3}, buffer)
    buffer.seek(0)
    loaded = tg.load(buffer, map_location=tg.get_default_device(), weights_only=True)
    assert loaded["step"] == 3 and loaded["weight"].numpy().tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match=r"<BytesIO>: not a readable"):
        tg.load(io.BytesIO(buffer.getvalue()[:40]))
    with pytest.raises(TypeError, match="needs a file path"):
        tg.load(123)


# -- what Keras users pass to fit -----------------------------------------------------------------


def test_fit_names_arrays_given_where_a_loader_belongs():
    x, y = np.ones((8, 3), np.float32), np.zeros(8, np.int64)
    with pytest.raises(TypeError, match=r"tuple of arrays.*DataLoader\(TensorDataset\(x, y\)"):
        _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), (x, y))
    with pytest.raises(TypeError, match=r"yielded Tensor; to train on arrays.*TensorDataset\(x, y\)"):
        _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), (tg.tensor(x), tg.tensor(y)))


def test_fit_names_a_generator_that_ran_dry_after_its_first_epoch():
    batches = ((tg.tensor(np.ones((4, 3), np.float32)), tg.tensor(np.zeros(4, np.int64))) for _ in range(2))
    with pytest.raises(ValueError, match="no batches in epoch 2.*used up after one epoch"):
        _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), batches, epochs=2)


def test_a_single_metric_name_is_read_as_a_list_of_one():
    loader = DataLoader(TensorDataset(np.ones((8, 3), np.float32), np.zeros(8, np.int64)), 4)
    history = _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), loader, metrics="accuracy")
    assert "accuracy" in history and "mae" not in history


# -- the command line: resuming on real files -----------------------------------------------------


def test_cli_resume_reads_the_saved_runs_data_dir_and_continues_like_an_uninterrupted_run(tmp_path, capsys):
    import json

    _tiny_mnist(tmp_path / "data", n_train=30)
    common = ["train", "--hidden", "8", "--batch-size", "8", "--schedule", "constant", "--quiet", "--json"]
    data = ["--dataset", "mnist", "--data-dir", str(tmp_path / "data")]
    assert main([*common, *data, "--epochs", "3"]) == 0
    straight = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    checkpoint = str(tmp_path / "run.npz")
    assert main([*common, *data, "--epochs", "1", "--save", checkpoint]) == 0
    capsys.readouterr()
    assert main([*common, "--resume", checkpoint, "--epochs", "3"]) == 0  # no --data-dir this time
    resumed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert resumed["test_loss"] == straight["test_loss"] and resumed["epochs"] == 3


def test_cli_resume_on_other_data_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    _tiny_mnist(tmp_path / "small", n_train=20)
    _tiny_mnist(tmp_path / "large", n_train=30)
    checkpoint = str(tmp_path / "run.npz")
    common = ["train", "--hidden", "8", "--schedule", "constant", "--quiet"]
    assert (
        main(
            [
                *common,
                "--dataset",
                "mnist",
                "--data-dir",
                str(tmp_path / "small"),
                "--epochs",
                "1",
                "--save",
                checkpoint,
            ]
        )
        == 0
    )
    with pytest.raises(SystemExit) as stop:
        main([*common, "--resume", checkpoint, "--data-dir", str(tmp_path / "large"), "--epochs", "2"])
    assert stop.value.code == 2
    assert "does not fit this data or model" in capsys.readouterr().err


def test_cli_says_that_digits_ignore_a_data_dir(tmp_path, capsys):
    args = ["train", "--dataset", "digits", "--data-dir", str(tmp_path), "--epochs", "1", "--hidden", "8"]
    assert main([*args, "--quiet"]) == 0
    assert "--data-dir is ignored for digits" in capsys.readouterr().err


def test_a_masked_array_is_refused_rather_than_saved_without_its_mask(tmp_path):
    with pytest.raises(TypeError, match=r"masked array at state\['x'\].*\.data and \.mask"):
        tg.save({"x": np.ma.array([1.0, 2.0], mask=[False, True])}, tmp_path / "m.npz")
    assert not os.listdir(tmp_path)


def test_a_loader_on_another_device_than_the_model_names_both_fixes(other_device):
    loader = DataLoader(
        TensorDataset(np.ones((4, 3), np.float32), np.zeros(4, np.int64)), 4, device=other_device
    )
    with pytest.raises(RuntimeError, match=rf"batches on {other_device} but the model is on .*model\.to"):
        _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), loader)


def test_cli_points_a_data_dir_of_mnist_in_torchvisions_layout_to_dataset_mnist(tmp_path, capsys):
    _tiny_mnist(tmp_path / "MNIST" / "raw")
    assert main(["train", "--data-dir", str(tmp_path), "--epochs", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "holds no Fashion-MNIST (it holds MNIST in" in err and "pass --dataset mnist" in err


def test_cross_entropy_over_one_output_is_refused_as_a_model_that_cannot_learn():
    loader = DataLoader(TensorDataset(np.ones((8, 3), np.float32), np.zeros(8, np.int64)), 4)
    with pytest.raises(ValueError, match=r"shape \(4, 1\), one class.*2 outputs.*BCEWithLogitsLoss"):
        _fit_quietly(_small_classifier(outputs=1), nn.CrossEntropyLoss(), loader)


def test_cli_builds_ten_outputs_even_when_a_small_copy_lacks_some_digits(tmp_path, capsys):
    _tiny_mnist(tmp_path, n_train=20, n_test=5)  # test labels 0..4 only
    labels = tmp_path / "train-labels-idx1-ubyte.gz"
    write_idx(labels, (np.arange(20) % 3).astype(np.uint8))  # training labels 0..2 only
    assert (
        main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--epochs", "1", "--hidden", "8"])
        == 0
    )
    assert "MLP 784-8-10," in capsys.readouterr().err


def test_fit_refuses_an_optimizer_built_on_another_models_parameters():
    loader = DataLoader(TensorDataset(np.ones((8, 3), np.float32), np.zeros(8, np.int64)), 4)
    model, other = _small_classifier(), _small_classifier()
    with pytest.raises(ValueError, match="holds none of the model's parameters"):
        fit(model, nn.CrossEntropyLoss(), tg.optim.Adam(other.parameters()), loader, 1, verbose=0)
    head_only = tg.optim.Adam(model[1].parameters())  # fine-tuning a part of the model is fine
    assert len(fit(model, nn.CrossEntropyLoss(), head_only, loader, 1, verbose=0)) == 1


def test_a_pytorch_checkpoint_is_named_as_one_with_the_way_to_convert_it(tmp_path):
    import zipfile

    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as archive:  # the layout torch.save writes
        archive.writestr("model/data.pkl", b"\x80\x02}q\x00.")
        archive.writestr("model/version", b"3\n")
    with pytest.raises(ValueError, match=r"model\.pt: a PyTorch checkpoint.*torch\.load.*tg\.save"):
        tg.load(path)


def test_a_root_under_the_home_folder_may_be_written_with_a_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    _tiny_mnist(tmp_path / "datasets")
    (x_train, _), _ = tg.datasets.load_mnist("~/datasets")
    assert x_train.shape == (20, 28, 28)


def test_cli_paths_written_with_a_tilde_mean_the_home_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    _tiny_mnist(tmp_path / "mnist-files")
    args = ["train", "--dataset", "mnist", "--data-dir", "~/mnist-files", "--save", "~/run.npz"]
    assert main([*args, "--epochs", "1", "--hidden", "8", "--quiet"]) == 0
    assert (tmp_path / "run.npz").is_file()


def test_callbacks_monitor_keras_short_metric_names(tmp_path):
    from tinygrad_adam.train import EarlyStopping, ModelCheckpoint

    data = TensorDataset(np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32), np.arange(16) % 2)
    stopper = EarlyStopping(monitor="val_acc", patience=5)
    saver = ModelCheckpoint(str(tmp_path / "best.npz"), monitor="val_acc", save_best_only=True)
    model = _small_classifier()
    history = _fit_quietly(
        model,
        nn.CrossEntropyLoss(),
        DataLoader(data, 8),
        2,
        val_loader=DataLoader(data, 8),
        callbacks=[stopper, saver],
    )
    assert stopper.mode == "max" and stopper.best == max(history["val_accuracy"])
    assert saver.saved_paths == [str(tmp_path / "best.npz")] * len(saver.saved_paths) and saver.saved_paths


def test_a_dataset_of_string_labels_is_named_when_trained_on():
    samples = [(np.zeros(2, np.float32), "cat"), (np.ones(2, np.float32), "dog")]
    assert next(iter(DataLoader(samples, batch_size=2)))[1] == ["cat", "dog"]  # batched as PyTorch does
    model = nn.Linear(2, 2)
    optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="list of strings: encode string labels as integer classes"):
        fit(model, nn.CrossEntropyLoss(), optimizer, DataLoader(samples, 2), 1, verbose=0)


def test_a_stream_state_taken_after_an_epochs_last_batch_resumes_at_the_next_epoch():
    loader = DataLoader(_SizedCountdown(4), batch_size=4)
    for _ in loader:
        break  # took the only batch, never asked for more
    resumed = DataLoader(_SizedCountdown(4), batch_size=4)
    resumed.load_state_dict(loader.state_dict())  # was refused: "batch 1 is past this loader's 1 batches"
    assert resumed.epoch == 1 and [batch[0].shape[0] for batch in resumed] == [4]


class _UnknownLength(_Countdown):
    def __len__(self) -> int:
        raise TypeError("this stream has no length")  # as PyTorch's IterableDatasets may answer


def test_an_empty_stream_without_a_length_is_named_as_yielding_no_batches():
    with pytest.raises(ValueError, match=r"no batches in epoch 1 \(batch_size=4, drop_last=False\)"):
        _fit_quietly(_small_classifier(), nn.CrossEntropyLoss(), DataLoader(_UnknownLength(0), 4))
