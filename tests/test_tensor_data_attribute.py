"""``Tensor.data``, as PyTorch's: the values as a tensor outside autograd that shares memory."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_data_is_a_tensor_sharing_memory_without_grad():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    data = x.data
    assert isinstance(data, tg.Tensor) and not data.requires_grad and data.grad_fn is None
    data.fill_(3.0)  # PyTorch's m.weight.data.fill_(v): no error for a leaf that requires grad
    assert x.tolist() == [3.0, 3.0] and x.requires_grad


def test_changes_through_data_are_not_recorded():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    x.data.mul_(10.0)  # not a version bump: backward uses the changed values, as in PyTorch
    assert x._version == 0
    y.backward()
    assert x.grad.tolist() == [20.0, 40.0]


def test_the_old_style_sgd_update_works():
    w = tg.tensor([1.0, -1.0], requires_grad=True)
    (w * tg.tensor([2.0, 3.0])).sum().backward()
    w.data -= 0.5 * w.grad.data
    assert w.tolist() == [0.0, -2.5] and w.requires_grad and w.is_leaf


def test_data_numpy_and_init_idioms():
    layer = tg.nn.Linear(3, 2)
    layer.weight.data.normal_(0.0, 0.02)
    layer.bias.data.zero_()
    assert layer.bias.data.numpy().tolist() == [0.0, 0.0]
    assert abs(float(layer.weight.data.std())) < 0.1
    target = tg.nn.Linear(3, 2)
    for mine, theirs in zip(target.parameters(), layer.parameters()):
        mine.data.copy_(0.5 * theirs.data + 0.5 * mine.data)  # a soft target-network update


def test_assigning_data_swaps_the_values_shape_and_dtype_may_change():
    x = tg.ones(2, requires_grad=True)
    x.data = tg.zeros(3, dtype=tg.float64)
    assert x.shape == (3,) and x.dtype == tg.float64 and x.requires_grad


@pytest.mark.parametrize("value", [5, [1.0, 2.0], "zeros"])
def test_assigning_data_needs_a_tensor(value):
    x = tg.ones(2)
    with pytest.raises(TypeError, match="Tensor.data must be set to a Tensor"):
        x.data = value
    assert x.tolist() == [1.0, 1.0]


def test_numpy_reads_cpu_tensors_and_refuses_others_implicitly():
    x = tg.tensor([1.0, 2.0])
    if x._backend.is_host:
        assert np.asarray(x).tolist() == [1.0, 2.0]
        assert np.asarray(x, dtype=np.float64).dtype == np.float64
        np.testing.assert_allclose(x.data, [1.0, 2.0])
    else:
        with pytest.raises(TypeError, match=r"implicitly: use t\.numpy\(\)"):
            np.asarray(x)
        assert x.data.numpy().tolist() == [1.0, 2.0]
