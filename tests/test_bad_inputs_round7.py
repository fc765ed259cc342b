"""Wrong inputs found by the round-7 programs raise PyTorch's error types (and keep ours)."""

import pytest

import tinygrad_adam as tg


def test_a_string_order_for_a_vector_norm_is_a_type_error_as_in_pytorch():
    with pytest.raises(TypeError, match="ord must be a number"):
        tg.linalg.vector_norm(tg.ones(3), ord="fro")


def test_an_svd_driver_is_refused_as_pytorch_refuses_one_on_the_cpu():
    with pytest.raises(RuntimeError, match="driver"):
        tg.linalg.svd(tg.ones(2, 2), driver="gesvd")
    assert tg.linalg.svd(tg.eye(2), driver=None).S.shape == (2,)


def test_ctc_log_probs_of_four_dims_is_a_runtime_error_as_in_pytorch():
    targets = tg.ones(2, 1, dtype=tg.int64)
    with pytest.raises(RuntimeError, match=r"\(T, N, C\) or \(T, C\)"):
        tg.nn.CTCLoss()(tg.zeros(2, 2, 2, 2), targets, [2, 2], [1, 1])
