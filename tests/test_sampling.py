"""tg.bernoulli, tg.multinomial and tg.normal: PyTorch's draws, from the seeded device generator."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg

WEIGHTS = [0.1, 0.0, 0.6, 0.3]


def test_multinomial_with_replacement_follows_the_weights():
    draws = tg.multinomial(tg.tensor(WEIGHTS) * 5, 20000, replacement=True)  # weights need no normalising
    assert draws.dtype == tg.int64 and draws.shape == (20000,)
    np.testing.assert_allclose(np.bincount(draws.numpy(), minlength=4) / 20000, WEIGHTS, atol=0.02)


def test_multinomial_without_replacement_draws_distinct_categories_of_positive_weight():
    for _ in range(50):
        picks = tg.multinomial(tg.tensor(WEIGHTS), 3).tolist()
        assert sorted(picks) == [0, 2, 3]
    firsts = [tg.multinomial(tg.tensor(WEIGHTS), 1).item() for _ in range(3000)]
    np.testing.assert_allclose(np.bincount(firsts, minlength=4) / 3000, WEIGHTS, atol=0.03)


def test_multinomial_on_rows_and_as_a_method():
    rows = tg.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    assert tg.multinomial(rows, 2, replacement=True).tolist() == [[0, 0], [2, 2]]
    assert rows.multinomial(1).shape == (2, 1)


@pytest.mark.parametrize(
    "weights, samples, message",
    [
        ([0.5, -0.1], 1, "non-negative"),
        ([0.0, 0.0], 1, "sums to 0"),
        (WEIGHTS, 4, "cannot draw 4 distinct"),
        (WEIGHTS, 0, "positive int"),
    ],
)
def test_multinomial_bad_weights_and_counts_are_named(weights, samples, message):
    with pytest.raises(ValueError, match=message):
        tg.multinomial(tg.tensor(weights), samples)


def test_bernoulli_draws_ones_with_the_given_chances():
    draws = tg.bernoulli(tg.full((20000,), 0.3))
    assert draws.dtype == tg.float32 and set(np.unique(draws.numpy())) <= {0.0, 1.0}
    assert abs(draws.numpy().mean() - 0.3) < 0.02
    assert tg.bernoulli(tg.zeros(5), p=1.0).tolist() == [1.0] * 5
    assert tg.tensor([0.0, 1.0]).bernoulli().tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        tg.bernoulli(tg.tensor([1.5]))


def test_normal_from_tensors_or_numbers_and_a_size():
    means, stds = tg.tensor([0.0, 100.0]), tg.tensor([1.0, 0.0])
    draw = tg.normal(means, stds)
    assert draw.shape == (2,) and draw.tolist()[1] == 100.0
    sample = tg.normal(2.0, 0.5, (20000,))
    assert abs(sample.numpy().mean() - 2.0) < 0.02 and abs(sample.numpy().std() - 0.5) < 0.02
    with pytest.raises(TypeError, match="give size"):
        tg.normal(0.0, 1.0)


def test_draws_repeat_under_the_same_seed():
    def draw() -> tuple[list, list]:
        return tg.multinomial(tg.tensor(WEIGHTS), 2).tolist(), tg.bernoulli(tg.full((4,), 0.5)).tolist()

    tg.manual_seed(5)
    first = draw()
    tg.manual_seed(5)
    assert draw() == first
