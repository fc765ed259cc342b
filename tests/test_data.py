"""Specifications of tg.data: datasets, loaders, splits and standardisation."""

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.data import (
    DataLoader,
    Dataset,
    Standardizer,
    TensorDataset,
    random_split,
    standardize,
    train_val_split,
)


def _features_and_labels(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64)
    return x, y


def _label_batches(loader):
    return [y.numpy().tolist() for _, y in loader]


class SquaresDataset(Dataset):
    """A generic dataset: samples are computed, not held in arrays."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return np.full(2, index * index, dtype=np.float32), index


def test_tensor_dataset_checks_that_arrays_share_their_first_dimension():
    with pytest.raises(ValueError, match=r"same first dimension.*\(10, 3\).*\(9,\)"):
        TensorDataset(np.zeros((10, 3)), np.zeros(9))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()


def test_tensor_dataset_accepts_tensors_and_gives_rows():
    x, y = _features_and_labels()
    dataset = TensorDataset(tg.tensor(x), y)
    assert len(dataset) == 10
    row, label = dataset[3]
    np.testing.assert_array_equal(row, x[3])
    assert label == 3


def test_loader_batches_have_the_right_shapes_dtypes_and_device():
    x, y = _features_and_labels(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [xb.shape for xb, _ in batches] == [(4, 3), (4, 3), (2, 3)]
    for xb, yb in batches:
        assert isinstance(xb, tg.Tensor) and isinstance(yb, tg.Tensor)
        assert xb.dtype == tg.float32 and yb.dtype == tg.int64
        assert xb.device == yb.device == tg.get_default_device()
    np.testing.assert_array_equal(np.concatenate([xb.numpy() for xb, _ in batches]), x)


@pytest.mark.parametrize("device", ["cpu", "strict:1"])
def test_loader_puts_batches_on_the_requested_device(device):
    x, y = _features_and_labels(6)
    (xb, yb), *_ = DataLoader(TensorDataset(x, y), batch_size=4, device=device)
    assert xb.device == yb.device == device
    np.testing.assert_array_equal(yb.numpy(), [0, 1, 2, 3])


def test_loader_batches_do_not_alias_the_dataset():
    x, y = _features_and_labels(4)
    (xb, _), *_ = DataLoader(TensorDataset(x, y), batch_size=4)
    xb.add_(100.0)
    assert x[0, 0] == 0.0


def test_drop_last_drops_the_short_batch():
    x, y = _features_and_labels(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [len(labels) for labels in _label_batches(loader)] == [4, 4]


def test_shuffling_is_reproducible_from_the_seed_and_new_each_epoch():
    x, y = _features_and_labels(40)
    first = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=3)
    second = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=3)
    epochs_first = [_label_batches(first) for _ in range(3)]
    epochs_second = [_label_batches(second) for _ in range(3)]
    assert epochs_first == epochs_second
    assert epochs_first[0] != epochs_first[1] != epochs_first[2]
    for epoch in epochs_first:
        assert sorted(sum(epoch, [])) == list(range(40))
    other_seed = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=4)
    assert _label_batches(other_seed) != epochs_first[0]


def test_shuffling_without_a_seed_follows_tg_manual_seed():
    x, y = _features_and_labels(30)
    tg.manual_seed(11)
    first = _label_batches(DataLoader(TensorDataset(x, y), batch_size=30, shuffle=True))
    tg.manual_seed(11)
    again = _label_batches(DataLoader(TensorDataset(x, y), batch_size=30, shuffle=True))
    tg.manual_seed(12)
    other = _label_batches(DataLoader(TensorDataset(x, y), batch_size=30, shuffle=True))
    assert first == again != other


def test_resuming_a_loader_mid_epoch_reproduces_the_remaining_batches(tmp_path):
    x, y = _features_and_labels(50)
    uninterrupted = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=5)
    expected = [_label_batches(uninterrupted) for _ in range(3)]

    interrupted = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=5)
    seen = [_label_batches(interrupted)]
    partial = []
    for _, labels in interrupted:
        partial.append(labels.numpy().tolist())
        if len(partial) == 3:
            tg.save({"loader": interrupted.state_dict()}, tmp_path / "loader.npz")
            break
    state = tg.load(tmp_path / "loader.npz")["loader"]

    resumed = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=999)
    resumed.load_state_dict(state)
    assert resumed.state_dict() == state
    seen.append(partial + _label_batches(resumed))
    seen.append(_label_batches(resumed))
    assert seen == expected


def test_resuming_a_loader_between_epochs_continues_with_the_next_epoch():
    x, y = _features_and_labels(20)
    loader = DataLoader(TensorDataset(x, y), batch_size=6, shuffle=True, seed=8)
    _label_batches(loader)
    state = loader.state_dict()
    assert state["epoch"] == 1 and state["batch"] == 0
    expected_next = _label_batches(loader)
    resumed = DataLoader(TensorDataset(x, y), batch_size=6, shuffle=True, seed=0)
    resumed.load_state_dict(state)
    assert _label_batches(resumed) == expected_next
    assert resumed.epoch == 2


def test_loader_state_refuses_a_different_batch_size():
    x, y = _features_and_labels(20)
    state = DataLoader(TensorDataset(x, y), batch_size=6).state_dict()
    with pytest.raises(ValueError, match="batch_size=6.*batch_size=5"):
        DataLoader(TensorDataset(x, y), batch_size=5).load_state_dict(state)


@pytest.mark.parametrize("batch_size", [0, -3])
def test_non_positive_batch_size_is_a_clear_error(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(TensorDataset(np.zeros(4)), batch_size=batch_size)


@pytest.mark.parametrize("batch_size", [2.0, "8", True])
def test_non_integer_batch_size_is_a_type_error(batch_size):
    with pytest.raises(TypeError, match="batch_size"):
        DataLoader(TensorDataset(np.zeros(4)), batch_size=batch_size)


def test_loader_rejects_things_that_are_not_datasets_and_bad_flags():
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(42)
    with pytest.raises(TypeError, match="shuffle"):
        DataLoader(TensorDataset(np.zeros(4)), shuffle="yes")
    with pytest.raises(ValueError, match="seed"):
        DataLoader(TensorDataset(np.zeros(4)), seed=-1)


def test_generic_datasets_are_stacked_sample_by_sample():
    loader = DataLoader(SquaresDataset(5), batch_size=2)
    batches = list(loader)
    assert len(batches) == 3
    features, labels = batches[1]
    np.testing.assert_array_equal(features.numpy(), [[4, 4], [9, 9]])
    assert features.dtype == tg.float32
    assert labels.dtype == tg.int64
    np.testing.assert_array_equal(labels.numpy(), [2, 3])


def test_random_split_makes_disjoint_subsets_that_load_in_batches():
    x, y = _features_and_labels(10)
    train, val = random_split(TensorDataset(x, y), [7, 3], seed=0)
    assert (len(train), len(val)) == (7, 3)
    assert sorted(train.indices.tolist() + val.indices.tolist()) == list(range(10))
    labels = sum(_label_batches(DataLoader(val, batch_size=2)), [])
    assert labels == val.indices.tolist()
    halves = random_split(TensorDataset(x, y), [0.5, 0.5], seed=0)
    assert [len(part) for part in halves] == [5, 5]
    with pytest.raises(ValueError, match="sum to the dataset size 10"):
        random_split(TensorDataset(x, y), [5, 4])


def test_train_val_split_is_seeded_and_keeps_pairs_together():
    x, y = _features_and_labels(20)
    (x_train, y_train), (x_val, y_val) = train_val_split(x, y, val_fraction=0.25, seed=1)
    assert x_train.shape == (15, 3) and x_val.shape == (5, 3)
    np.testing.assert_array_equal(x_train[:, 0], y_train * 3)
    np.testing.assert_array_equal(x_val[:, 0], y_val * 3)
    assert sorted(np.concatenate([y_train, y_val]).tolist()) == list(range(20))
    (_, y_train_again), _ = train_val_split(x, y, val_fraction=0.25, seed=1)
    np.testing.assert_array_equal(y_train, y_train_again)


def test_stratified_split_keeps_class_proportions():
    y = np.repeat(np.arange(4), [10, 20, 30, 40])
    x = np.arange(100, dtype=np.float32)[:, None]
    (_, y_train), (_, y_val) = train_val_split(x, y, val_fraction=0.1, seed=0, stratify=True)
    np.testing.assert_array_equal(np.bincount(y_val), [1, 2, 3, 4])
    np.testing.assert_array_equal(np.bincount(y_train), [9, 18, 27, 36])


def test_train_val_split_rejects_bad_arguments():
    x, y = _features_and_labels(10)
    with pytest.raises(ValueError, match="same number of samples"):
        train_val_split(x, y[:9])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        train_val_split(x, y, val_fraction=1.5)


def test_standardizer_uses_training_statistics_and_inverts():
    rng = np.random.default_rng(0)
    train = (rng.standard_normal((200, 3)) * [1.0, 5.0, 0.1] + [10.0, -2.0, 3.0]).astype(np.float32)
    test = train[:10] + 1
    scaler = Standardizer().fit(train)
    scaled = scaler.transform(train)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(scaled.std(axis=0), 1, atol=1e-5)
    np.testing.assert_allclose(scaler.transform(test), (test - train.mean(0)) / train.std(0), rtol=1e-4)
    np.testing.assert_allclose(scaler.inverse_transform(scaled), train, rtol=1e-5, atol=1e-5)
    restored = Standardizer()
    restored.load_state_dict(scaler.state_dict())
    np.testing.assert_array_equal(restored.transform(test), scaler.transform(test))


def test_standardizer_leaves_constant_features_finite_and_checks_shapes():
    train = np.array([[1.0, 5.0], [3.0, 5.0]], dtype=np.float32)
    train_scaled, other_scaled = standardize(train, np.array([[2.0, 6.0]], dtype=np.float32))
    np.testing.assert_array_equal(train_scaled, [[-1, 0], [1, 0]])
    np.testing.assert_array_equal(other_scaled, [[0, 1]])
    with pytest.raises(ValueError, match=r"features of shape \(2,\)"):
        Standardizer().fit(train).transform(np.zeros((4, 3)))
    with pytest.raises(RuntimeError, match="not fitted"):
        Standardizer().transform(train)


def test_tensor_dataset_names_ragged_and_string_inputs():
    with pytest.raises(TypeError, match="argument 0.*ragged nested lists"):
        TensorDataset([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=r"argument 1.*<U3.*integer classes.*np.unique"):
        TensorDataset(np.zeros((2, 3)), ["cat", "dog"])


def test_collate_names_samples_that_cannot_be_stacked():
    with pytest.raises(ValueError, match=r"one shape.*\(2,\) and \(3,\)"):
        list(DataLoader([np.zeros(2), np.zeros(3)], batch_size=2))
    with pytest.raises(ValueError, match=r"different keys.*\['x'\] and \['y'\]"):
        list(DataLoader([{"x": 1.0}, {"y": 2.0}], batch_size=2))
    with pytest.raises(ValueError, match="at least one sample"):
        tg.data.default_collate([])


def test_loader_refuses_a_dict_as_dataset_and_a_foreign_state():
    with pytest.raises(TypeError, match="got a dict.*TensorDataset"):
        DataLoader({"x": np.zeros(4)})
    loader = DataLoader(TensorDataset(np.zeros(4)))
    with pytest.raises(ValueError, match="lacks batch, batch_size"):
        loader.load_state_dict({"version": 1, "epoch": 0})


@pytest.mark.parametrize("indices", [[0.0, 1.5], [True, False, True], ["a"]])
def test_subset_refuses_indices_that_are_not_integers(indices):
    with pytest.raises(TypeError, match="Subset indices must be integers"):
        tg.data.Subset(TensorDataset(np.zeros(3)), indices)


def test_random_split_refuses_a_single_number_for_lengths():
    with pytest.raises(TypeError, match="list of sizes or fractions, got 3"):
        random_split(TensorDataset(np.zeros(3)), 3)


def test_train_val_split_names_ragged_features():
    with pytest.raises(ValueError, match="x is ragged"):
        train_val_split([[1.0, 2.0], [3.0]], [0, 1])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_standardizer_refuses_to_fit_non_finite_features(bad):
    train = np.array([[1.0, 2.0, 3.0], [4.0, bad, 6.0]])
    with pytest.raises(ValueError, match=r"NaN or inf in features \[1\]"):
        Standardizer().fit(train)


def test_standardizer_refuses_non_numeric_data_and_damaged_states():
    with pytest.raises(TypeError, match="real numbers.*<U1"):
        Standardizer().fit(np.array([["a"], ["b"]]))
    with pytest.raises(TypeError, match="complex128"):
        Standardizer().fit(np.array([[1j], [2.0]]))
    with pytest.raises(ValueError, match="'mean' and 'std'"):
        Standardizer().load_state_dict({"mean": np.zeros(2)})
    with pytest.raises(ValueError, match="std finite and positive"):
        Standardizer().load_state_dict({"mean": np.zeros(2), "std": np.array([1.0, 0.0])})
    restored = Standardizer()
    restored.load_state_dict({"mean": tg.zeros(2), "std": tg.ones(2)})  # as tg.load gives them back
    np.testing.assert_array_equal(restored.transform(np.ones((1, 2), np.float32)), [[1, 1]])
