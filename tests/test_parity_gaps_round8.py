"""Specifications of four gaps a bad-inputs sweep found against PyTorch 2.13: ``view(dtype)``,
uint8 index tensors, GradScaler state with bad values, and CIFAR labels beyond int64.

Expected bits come from ``struct`` (IEEE 754 as Python packs it), expected behaviour from PyTorch
2.13 as observed; every tensor follows the default device, so the file runs on each backend.
"""

import pickle
import struct
import warnings

import numpy as np
import pytest

import tinygrad_adam as tg
from tinygrad_adam.datasets import load_cifar10


def _bits(values, source, target):
    """``values`` packed as ``source`` and unpacked as ``target`` (struct format letters)."""
    raw = struct.pack(f"<{len(values)}{source}", *values)
    return list(struct.unpack(f"<{len(raw) // struct.calcsize(target)}{target}", raw))


# --- view(dtype) -------------------------------------------------------------------------------


def test_view_dtype_of_the_same_size_reinterprets_the_bits_and_keeps_the_shape() -> None:
    x = tg.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -0.0]])
    as_int = x.view(tg.int32)
    assert as_int.dtype == tg.int32 and as_int.shape == (2, 3)
    assert as_int.numpy().ravel().tolist() == _bits([1.0, -2.0, 0.5, 0.0, 3.0, -0.0], "f", "i")
    assert x.view(dtype=tg.int32).numpy().tolist() == as_int.numpy().tolist()  # the keyword spelling
    np.testing.assert_array_equal(as_int.view(tg.float32).numpy(), x.numpy())  # and back, bit for bit


def test_view_dtype_of_another_size_scales_the_last_dimension() -> None:
    x = tg.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    wide = x.view(tg.float64)
    assert wide.shape == (2, 2) and wide.dtype == tg.float64
    assert wide.numpy().ravel().tolist() == _bits([float(v) for v in range(1, 9)], "f", "d")
    narrow = x.view(np.int16)
    assert narrow.shape == (2, 8)
    assert narrow.numpy().ravel().tolist() == _bits([float(v) for v in range(1, 9)], "f", "h")
    assert tg.tensor([True, False]).view(tg.uint8).numpy().tolist() == [1, 0]
    assert tg.zeros(0, 4).view(tg.float64).shape == (0, 2)


def test_view_dtype_of_a_transpose_reads_the_transposed_elements() -> None:
    # PyTorch needs x.t().contiguous() first; contiguous() is free here, so the view copies itself.
    x = tg.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    expected = _bits([1.0, 5.0, 2.0, 6.0, 3.0, 7.0, 4.0, 8.0], "f", "d")
    assert x.t().contiguous().view(tg.float64).numpy().ravel().tolist() == expected
    assert x.t().view(tg.float64).shape == (4, 1)
    assert x.t().view(tg.int32).numpy().ravel().tolist() == _bits(
        [1.0, 5.0, 2.0, 6.0, 3.0, 7.0, 4.0, 8.0], "f", "i"
    )
    assert x[:, ::2].view(np.int16).numpy().ravel().tolist() == _bits([1.0, 3.0, 5.0, 7.0], "f", "h")


def test_view_dtype_is_outside_autograd_as_in_pytorch() -> None:
    w = tg.ones(4, requires_grad=True)
    for viewed in (w.view(tg.int32), (w * 2).view(tg.int32), w.view(tg.float32)):
        assert not viewed.requires_grad and viewed.grad_fn is None


def test_view_dtype_shares_memory_on_strided_devices() -> None:
    x = tg.zeros(2)
    x.view(tg.int32)[0] = 1  # the smallest positive subnormal float32
    if tg.get_default_device().startswith("strict"):
        assert x.numpy().tolist() == [0.0, 0.0]  # documented: the Array API cannot alias, a copy
    else:
        assert x.numpy()[0] == np.float32(1.401298464324817e-45)


@pytest.mark.parametrize(
    ("make", "target", "message"),
    [
        (
            lambda: tg.tensor([[1.0, 2.0, 3.0]]),
            tg.float64,
            "last dimension must be divisible by 2 .* but it is 3",
        ),
        (lambda: tg.tensor(1.0), tg.float64, "0-d tensor cannot be viewed as float64"),
        (lambda: tg.tensor(1.0), np.int16, "0-d tensor cannot be viewed as int16"),
    ],
)
def test_view_dtype_refuses_what_pytorch_refuses(make, target, message) -> None:
    with pytest.raises(RuntimeError, match=message):  # PyTorch's RuntimeError (also a ValueError here)
        make().view(target)


def test_view_dtype_of_the_same_size_works_on_0d_and_sizes_still_reshape() -> None:
    assert tg.tensor(1.0).view(tg.int32).item() == _bits([1.0], "f", "i")[0]
    assert tg.arange(6).view(2, 3).shape == (2, 3) and tg.arange(6).view((3, 2)).shape == (3, 2)
    with pytest.raises(TypeError, match="sizes or a dtype, not both"):
        tg.arange(6).view(2, 3, dtype=tg.int32)
    with pytest.raises(TypeError, match="unknown dtype"):
        tg.arange(6).view("no such dtype")


# --- uint8 index tensors: boolean masks, with PyTorch's deprecation warning --------------------


def _uint8(values):
    return tg.tensor(np.array(values, dtype=np.uint8))


def test_uint8_index_is_a_boolean_mask_with_a_deprecation_warning() -> None:
    x = tg.arange(10.0)
    mask = _uint8([1, 0, 1, 0, 1, 0, 0, 0, 0, 2])
    with pytest.warns(UserWarning, match="indexing with dtype uint8 is deprecated.*bool\\(\\).*long\\(\\)"):
        picked = x[mask]
    assert picked.numpy().tolist() == [0.0, 2.0, 4.0, 9.0]  # nonzero means True, as in PyTorch
    with pytest.warns(UserWarning, match="uint8"):
        assert x[mask.numpy()].numpy().tolist() == [0.0, 2.0, 4.0, 9.0]
    grid = tg.arange(6.0).reshape(2, 3)
    with pytest.warns(UserWarning, match="uint8"):
        assert grid[_uint8([[1, 0, 1], [0, 1, 1]])].numpy().tolist() == [0.0, 2.0, 4.0, 5.0]
    with pytest.warns(UserWarning, match="uint8"):
        assert grid[:, _uint8([1, 0, 1])].numpy().tolist() == [[0.0, 2.0], [3.0, 5.0]]
    with pytest.warns(UserWarning, match="uint8"):
        assert x[tg.tensor(np.uint8(3))].shape == (1, 10)  # a 0-d uint8 is a mask too, not an integer


def test_uint8_labels_as_indices_fail_as_in_pytorch_and_long_labels_work() -> None:
    labels = _uint8([3, 1, 2])
    with pytest.warns(UserWarning, match="index.long\\(\\) for integer indices"):
        with pytest.raises(IndexError):  # PyTorch: the mask's shape [3] does not match [10, 10]
            tg.eye(10)[labels]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # other integer dtypes index silently
        one_hot = tg.eye(10)[labels.long()]
        assert tg.arange(3.0)[labels.bool()].shape == (3,)
    assert one_hot.numpy().argmax(axis=1).tolist() == [3, 1, 2]


def test_uint8_mask_gradient_flows_to_the_selected_entries() -> None:
    w = tg.arange(5.0, requires_grad=True)
    with pytest.warns(UserWarning, match="uint8"):
        w[_uint8([1, 0, 0, 1, 0])].sum().backward()
    assert w.grad.numpy().tolist() == [1.0, 0.0, 0.0, 1.0, 0.0]


def test_uint8_mask_assignment_takes_values_but_refuses_one_fill_value_as_pytorch() -> None:
    y = tg.arange(5.0)
    mask = _uint8([1, 0, 1, 0, 1])
    with pytest.warns(UserWarning, match="uint8"):
        y[mask] = tg.tensor([-1.0, -2.0, -3.0])
    assert y.numpy().tolist() == [-1.0, 1.0, -2.0, 3.0, -3.0]
    for value in (7.0, tg.tensor(7.0), tg.tensor([7.0])):  # PyTorch: masked_fill_ only supports bool masks
        with pytest.warns(UserWarning, match="uint8"), pytest.raises(RuntimeError, match="index.bool\\(\\)"):
            y[mask] = value
    assert y.numpy().tolist() == [-1.0, 1.0, -2.0, 3.0, -3.0]


# --- GradScaler.load_state_dict -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"), [("scale", "a"), ("growth_interval", None), ("_growth_tracker", "x1")]
)
def test_grad_scaler_load_state_dict_names_the_bad_entry_and_keeps_its_state(key, value) -> None:
    scaler = tg.amp.GradScaler("cpu", init_scale=8.0)
    state = {**scaler.state_dict(), "growth_factor": 4.0, key: value}
    with pytest.raises(TypeError, match=f"'{key}' must be a (float|int) number, got {value!r}"):
        scaler.load_state_dict(state)
    assert scaler.state_dict()["scale"] == 8.0 and scaler.state_dict()["growth_factor"] == 2.0


def test_grad_scaler_load_state_dict_converts_numeric_strings_and_numbers() -> None:
    scaler = tg.amp.GradScaler("cpu")
    scaler.load_state_dict({**scaler.state_dict(), "scale": np.float64(4.0), "growth_interval": "7"})
    assert scaler.state_dict()["scale"] == 4.0 and scaler.state_dict()["growth_interval"] == 7


# --- CIFAR labels beyond int64 -------------------------------------------------------------------


def test_cifar_label_of_2_to_the_63_or_more_shows_as_written(tmp_path) -> None:
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    images = np.zeros((2, 3072), dtype=np.uint8)
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        labels = [1, 2**64 - 1] if name == "test_batch" else [0, 1]
        (folder / name).write_bytes(pickle.dumps({b"data": images, b"labels": labels}, protocol=2))
    with pytest.raises(ValueError, match=f"test_batch: label {2**64 - 1} is out of range 0\\.\\.9"):
        load_cifar10(folder)
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": images, b"labels": [3, 2**63]}, protocol=2))
    with pytest.raises(ValueError, match=f"label {2**63} is out of range"):
        load_cifar10(folder)
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": images, b"labels": [3, 9]}, protocol=2))
    (_, train_labels), (_, test_labels) = load_cifar10(folder)
    assert test_labels.dtype == np.int64 and test_labels.tolist() == [3, 9] and train_labels.size == 10


def test_cifar_uint64_label_array_beyond_int64_shows_as_written(tmp_path) -> None:
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    images = np.zeros((2, 3072), dtype=np.uint8)
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        labels = np.array([2**63 + 5, 1] if name == "data_batch_2" else [0, 1], dtype=np.uint64)
        (folder / name).write_bytes(pickle.dumps({b"data": images, b"labels": labels}, protocol=2))
    with pytest.raises(ValueError, match=f"data_batch_2: label {2**63 + 5} is out of range 0\\.\\.9"):
        load_cifar10(folder)


def test_a_list_holding_tensors_indexes_one_dimension_per_entry_with_pytorchs_warning() -> None:
    x = tg.arange(12.0).reshape(3, 4)
    rows, cols = tg.tensor([0, 2]), tg.tensor([1, 3])
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        np.testing.assert_array_equal(x[[rows, cols]].numpy(), [1.0, 11.0])  # x[rows, cols]
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert x[[rows]].shape == (2, 4)  # x[rows], not NumPy's (1, 2, 4)
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        np.testing.assert_array_equal(x[[slice(None), 1]].numpy(), [1.0, 5.0, 9.0])
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        np.testing.assert_array_equal(x[[[0, 1], [1, 2]]].numpy(), [1.0, 6.0])
    y = tg.zeros((3, 4))
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        y[[rows, cols]] = 5.0
    np.testing.assert_array_equal(y.numpy()[[0, 2], [1, 3]], [5.0, 5.0])
    assert y.sum().item() == 10.0


def test_a_list_of_plain_integers_stays_one_index_array_without_a_warning() -> None:
    x = tg.arange(12.0).reshape(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x[[0, 2]].shape == (2, 4)
