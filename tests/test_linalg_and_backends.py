"""tg.linalg's norms as torch.linalg's, and tg.backends' switches that PyTorch scripts set."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_adam as tg

X = np.array([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]])


def test_norm_defaults_to_the_2_norm_of_all_entries():
    assert math.isclose(tg.linalg.norm(tg.tensor(X)).item(), float(np.sqrt((X**2).sum())), rel_tol=1e-6)
    assert tg.linalg.norm(tg.tensor(X), dim=1).numpy() == pytest.approx([5.0, 3.0])


@pytest.mark.parametrize("ord", [1, 2, 3, math.inf, -math.inf, 0])
def test_vector_norms_of_every_order(ord):
    expected = np.linalg.norm(X, ord=ord, axis=1)
    np.testing.assert_allclose(tg.linalg.vector_norm(tg.tensor(X), ord, dim=1).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(tg.linalg.norm(tg.tensor(X), ord, dim=1).numpy(), expected, rtol=1e-6)


def test_frobenius_norm_and_its_gradient():
    x = tg.tensor(X, requires_grad=True)
    tg.linalg.matrix_norm(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), X / np.sqrt((X**2).sum()), rtol=1e-6)


def test_matrix_norms_from_singular_values_and_bad_norm_arguments():
    np.testing.assert_allclose(tg.linalg.norm(tg.tensor(X), 2).numpy(), np.linalg.norm(X, 2), rtol=1e-6)
    nuclear = tg.linalg.matrix_norm(tg.tensor(X), "nuc")
    np.testing.assert_allclose(nuclear.numpy(), np.linalg.norm(X, "nuc"), rtol=1e-6)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        tg.linalg.norm(tg.ones(2, 2, 2), 1)
    with pytest.raises(TypeError, match="must be a Tensor"):
        tg.linalg.norm(X)


def test_backend_switches_are_accepted_and_there_is_no_mps():
    tg.backends.cudnn.benchmark = True
    tg.backends.cudnn.deterministic = True
    assert tg.backends.mps.is_available() is False and tg.backends.mps.is_built() is False
