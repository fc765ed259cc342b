"""int16 (``tg.int16``, ``tg.short``, ``x.short()``) and the names of PyTorch's unsigned types, with
PyTorch's promotion rules (values from PyTorch 2.13)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_int16_has_pytorchs_names():
    assert tg.int16 == tg.short == np.dtype("int16")
    assert tg.zeros(2, dtype=tg.short).dtype == tg.int16
    assert tg.tensor([1.7, -2.2]).short().numpy().tolist() == [1, -2]  # truncated, as PyTorch
    assert tg.tensor([1, 2]).short().dtype == tg.int16


def test_int16_promotes_as_in_pytorch():
    a = tg.tensor([1, 2], dtype=tg.int16)
    assert (a + 1).dtype == tg.int16  # a Python int keeps the tensor's integer type
    assert (a + tg.tensor([1])).dtype == tg.int64
    assert (a + tg.tensor([1], dtype=tg.int8)).dtype == tg.int16
    assert (a + tg.tensor([1], dtype=tg.uint8)).dtype == tg.int16
    assert (a * 2.5).dtype == tg.float32
    np.testing.assert_array_equal((a * 2.5).numpy(), [2.5, 5.0])


def test_unsigned_types_have_names_and_hold_values():
    for dtype, top in ((tg.uint16, 2**16 - 1), (tg.uint32, 2**32 - 1), (tg.uint64, 2**63)):
        t = tg.tensor([0, top], dtype=dtype)
        assert t.dtype == dtype and t.numpy().tolist() == [0, top]
        assert (t == top).numpy().tolist() == [False, True]


def test_bfloat16_and_complex_are_names_scripts_may_pass_to_autocast_but_no_tensor_holds():
    with tg.autocast("cpu", dtype=tg.bfloat16, enabled=False):
        y = tg.ones(2) * 2
    assert y.dtype == tg.float32
    assert not tg.cuda.is_bf16_supported()
    refusals = [
        lambda: tg.zeros(2, dtype=tg.bfloat16),
        lambda: tg.ones(2).to(tg.bfloat16),
        lambda: tg.ones(2).to("cpu", tg.bfloat16),
        lambda: tg.nn.Linear(2, 2).to(tg.bfloat16),
        lambda: tg.tensor([1.0], dtype=tg.cfloat),
        lambda: tg.ones(2).to(tg.complex128),
    ]
    for refuse in refusals:
        with pytest.raises(TypeError, match="unsupported dtype (bfloat16|complex64|complex128)"):
            refuse()


def test_integer_division_by_zero_is_pytorchs_runtime_error_and_pythons_zero_division():
    a, zero = tg.tensor([7, -7]), tg.tensor([0, 2])
    for divide in (lambda: a // zero, lambda: a % zero, lambda: a.fmod(zero), lambda: a.floor_divide(zero)):
        with pytest.raises(RuntimeError, match="by zero"):
            divide()
        with pytest.raises(ZeroDivisionError):
            divide()


def test_a_0d_integer_tensor_divides_a_uint8_tensor_as_its_value_not_wrapped():
    u = tg.tensor([2, 4], dtype=tg.uint8)
    np.testing.assert_allclose((tg.tensor(-5) / u).numpy(), [-2.5, -1.25])  # PyTorch 2.13
    np.testing.assert_allclose((u / tg.tensor(-5)).numpy(), [-0.4, -0.8])
    assert (tg.tensor(-5) + u).numpy().tolist() == [253, 255]  # other ops wrap, as in PyTorch


def test_grad_and_backward_refuse_an_empty_inputs_list_as_pytorch():
    x = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="cannot be empty"):
        tg.autograd.grad((x * 2).sum(), [])
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (x * 2).sum().backward(inputs=[])
    assert x.grad is None


def test_an_unknown_device_string_is_pytorchs_runtime_error_and_still_a_value_error():
    for device in ("gpu9", "cuda:x"):
        with pytest.raises(RuntimeError, match="device"):
            tg.zeros(2, device=device)
        with pytest.raises(ValueError, match="device"):
            tg.zeros(2, device=device)
