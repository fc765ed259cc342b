"""tg.set_num_threads / tg.get_num_threads cap the CPU's BLAS threads, as torch's cap its own."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


@pytest.fixture
def restore_threads():
    before = tg.get_num_threads()
    yield
    tg.set_num_threads(before)


def test_set_num_threads_caps_the_blas_pool_and_get_num_threads_reads_it(restore_threads) -> None:
    tg.set_num_threads(1)
    assert tg.get_num_threads() == 1
    a = tg.randn(64, 64)
    np.testing.assert_allclose((a @ a).numpy(), a.numpy() @ a.numpy(), rtol=1e-5, atol=1e-5)  # still computes


def test_get_num_threads_is_a_positive_int() -> None:
    count = tg.get_num_threads()
    assert isinstance(count, int) and count >= 1


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2"])
def test_set_num_threads_refuses_what_is_not_a_positive_int_as_torch_does(bad, restore_threads) -> None:
    with pytest.raises(RuntimeError, match="set_num_threads expects"):
        tg.set_num_threads(bad)
