"""PyTorch's process-wide switches (torch.compile, deterministic algorithms, matmul precision) are
accepted, so a modern PyTorch script runs unchanged; they change no result here."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_compile_returns_the_model_itself_and_works_as_a_decorator() -> None:
    model = tg.nn.Linear(3, 2)
    assert tg.compile(model) is model
    assert tg.compile(model, mode="reduce-overhead", fullgraph=True) is model

    @tg.compile
    def double(x: tg.Tensor) -> tg.Tensor:
        return x * 2

    @tg.compile(mode="max-autotune")
    def triple(x: tg.Tensor) -> tg.Tensor:
        return x * 3

    np.testing.assert_array_equal(double(tg.ones(2)).numpy(), [2, 2])
    np.testing.assert_array_equal(triple(tg.ones(2)).numpy(), [3, 3])


def test_compile_refuses_what_torch_compile_refuses() -> None:
    with pytest.raises(TypeError, match="unexpected keyword"):
        tg.compile(tg.nn.Linear(3, 2), turbo=True)
    with pytest.raises(TypeError, match="Module or a function"):
        tg.compile(3)


def test_deterministic_algorithms_switch_is_recorded() -> None:
    assert tg.are_deterministic_algorithms_enabled() is False
    try:
        tg.use_deterministic_algorithms(True, warn_only=True)
        assert tg.are_deterministic_algorithms_enabled() is True
        with pytest.raises(TypeError, match="must be bool"):
            tg.use_deterministic_algorithms("yes")
    finally:
        tg.use_deterministic_algorithms(False)


def test_float32_matmul_precision_takes_pytorchs_three_names() -> None:
    assert tg.get_float32_matmul_precision() == "highest"
    try:
        tg.set_float32_matmul_precision("high")
        assert tg.get_float32_matmul_precision() == "high"
        with pytest.raises(ValueError, match="highest"):
            tg.set_float32_matmul_precision("fast")
    finally:
        tg.set_float32_matmul_precision("highest")


def test_memory_format_is_accepted_where_pytorch_takes_it_and_changes_no_value() -> None:
    x = tg.randn(2, 3, 4, 5)
    for layout in (tg.preserve_format, tg.contiguous_format, tg.channels_last):
        assert tg.zeros_like(x, memory_format=layout).shape == x.shape
        np.testing.assert_array_equal(x.clone(memory_format=layout).numpy(), x.numpy())
        np.testing.assert_array_equal(x.contiguous(layout).numpy(), x.numpy())
        np.testing.assert_array_equal(x.to(memory_format=layout).numpy(), x.numpy())
    for like in (tg.ones_like, tg.empty_like, tg.rand_like, tg.randn_like):
        assert like(x, memory_format=tg.preserve_format).shape == x.shape
    assert tg.full_like(x, 2.0, memory_format=tg.preserve_format).numpy().max() == 2.0
    conv = tg.nn.Conv2d(3, 2, 1)
    assert conv.to(memory_format=tg.channels_last) is conv
    assert repr(tg.channels_last) == "tinygrad_adam.channels_last"


def test_a_memory_format_that_is_not_one_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="memory_format must be tg.preserve_format"):
        tg.zeros_like(tg.ones(2), memory_format="channels_last")
    with pytest.raises(TypeError, match="clone: memory_format"):
        tg.ones(2).clone(memory_format=1)
