"""Specifications of the data and training side under bad or unusual input, as users supply it.

Each test names what a user might pass (a NumPy float32 fraction, a 1-D feature column, a sample of
the wrong kind, a damaged resume state) and what must happen: it works as documented, or the error
names the problem before anything is trained or overwritten.
"""

import numpy as np
import pytest

from tinygrad_adam.data import DataLoader, Standardizer, TensorDataset, default_collate, train_val_split

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
