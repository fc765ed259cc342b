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


def test_shapes_that_do_not_broadcast_or_multiply_raise_pytorchs_runtime_error():
    for wrong in (
        lambda: tg.zeros(3) + tg.zeros(2),
        lambda: tg.zeros(3, 2) @ tg.zeros(3, 2),
        lambda: tg.where(tg.zeros(3) > 0, tg.zeros(2), 1.0),
        lambda: tg.distributions.Normal(tg.zeros(3), tg.ones(2)),
    ):
        with pytest.raises(RuntimeError, match="broadcast|do not match"):
            wrong()
        with pytest.raises(ValueError):  # still what it was
            wrong()


def test_the_kl_of_categoricals_with_masked_classes_is_quiet_and_finite(recwarn):
    masked = [0.0, -float("inf"), 1.0]
    p = tg.distributions.Categorical(logits=tg.tensor(masked))
    q = tg.distributions.Categorical(logits=tg.tensor([0.0, -float("inf"), 2.0]))
    kl = tg.distributions.kl_divergence(p, q)
    assert abs(kl.item() - 0.0826079) < 1e-6
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_a_bare_int_sample_shape_is_refused_as_pytorch_refuses_it():
    normal = tg.distributions.Normal(tg.zeros(3), tg.ones(3))
    for draw in (normal.sample, normal.rsample):
        with pytest.raises(TypeError, match=r"write \(4,\)"):
            draw(4)
    assert normal.sample((4,)).shape == (4, 3) and normal.rsample([2, 1]).shape == (2, 1, 3)
