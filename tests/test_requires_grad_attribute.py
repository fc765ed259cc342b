"""Setting ``tensor.requires_grad`` checks what PyTorch's attribute checks: a bool, on a leaf, and
True only for floating-point tensors (before, an int tensor took True and every op ignored it)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_setting_requires_grad_on_a_float_leaf_records_operations() -> None:
    x = tg.tensor([1.0, 2.0])
    x.requires_grad = True
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    x.requires_grad = np.bool_(False)
    assert x.requires_grad is False


def test_an_integer_tensor_refuses_requires_grad_true_but_takes_false() -> None:
    x = tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="floating-point"):
        x.requires_grad = True
    x.requires_grad = False
    assert not x.requires_grad


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_requires_grad_must_be_a_bool(value: object) -> None:
    x = tg.tensor([1.0])
    with pytest.raises(RuntimeError, match="must be a bool"):
        x.requires_grad = value
    assert x.requires_grad is False


def test_a_computed_tensor_refuses_changes_to_requires_grad() -> None:
    y = tg.tensor([1.0], requires_grad=True) * 2
    for value in (False, True):
        with pytest.raises(RuntimeError, match="leaf"):
            y.requires_grad = value
    assert y.detach().requires_grad is False


def test_freezing_a_parameter_by_attribute_still_works() -> None:
    layer = tg.nn.Linear(2, 1)
    layer.weight.requires_grad = False
    layer(tg.ones((1, 2))).sum().backward()
    assert layer.weight.grad is None
    assert layer.bias.grad is not None
