"""Small PyTorch spellings that scripts use: x.cuda(), tg.isclose, tg.square, fill_diagonal_, and the
old typed constructors (tg.FloatTensor, tg.LongTensor, ...)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg

INF, NAN = float("inf"), float("nan")


def test_isclose_is_elementwise_with_pytorchs_infinity_and_nan_rules():
    a = tg.tensor([1.0, INF, NAN, 1e-9, -INF, 5.0])
    b = tg.tensor([1.0 + 1e-7, INF, NAN, 0.0, INF, INF])
    assert tg.isclose(a, b).tolist() == [True, True, False, True, False, False]
    assert a.isclose(b, equal_nan=True).tolist() == [True, True, True, True, False, False]
    assert tg.isclose(tg.tensor([1.0, 2.0]), 1.0).tolist() == [True, False]
    with pytest.raises(TypeError, match="one dtype"):
        tg.isclose(tg.tensor([1.0]), tg.tensor([1.0], dtype=tg.float64))


def test_square_and_its_gradient():
    x = tg.tensor([1.0, -2.0], requires_grad=True)
    tg.square(x).sum().backward()
    assert x.grad.tolist() == [2.0, -4.0] and x.square().tolist() == [1.0, 4.0]
    y = tg.tensor([3.0])
    assert y.square_() is y and y.tolist() == [9.0]


def test_fill_diagonal_as_pytorch_including_wrap():
    assert tg.zeros(2, 3).fill_diagonal_(1).tolist() == [[1, 0, 0], [0, 1, 0]]
    tall = tg.zeros(7, 3).fill_diagonal_(5, wrap=True).numpy()
    expected = np.zeros((7, 3))
    for row, column in [(0, 0), (1, 1), (2, 2), (4, 0), (5, 1), (6, 2)]:
        expected[row, column] = 5
    np.testing.assert_array_equal(tall, expected)
    assert tg.zeros(2, 2, 2).fill_diagonal_(3).numpy()[1, 1, 1] == 3
    with pytest.raises(ValueError, match="equal dimensions"):
        tg.zeros(2, 3, 4).fill_diagonal_(1)


@pytest.mark.parametrize(
    "constructor, dtype",
    [
        (tg.FloatTensor, tg.float32), (tg.DoubleTensor, tg.float64), (tg.LongTensor, tg.int64),
        (tg.IntTensor, tg.int32), (tg.ByteTensor, tg.uint8), (tg.BoolTensor, tg.bool_),
    ],
)  # fmt: skip
def test_typed_constructors_take_values_or_sizes(constructor, dtype):
    assert constructor([1, 0]).dtype == dtype and constructor([1, 0]).tolist() == [1, 0]
    assert constructor(2, 3).shape == (2, 3) and constructor(2, 3).dtype == dtype
    assert constructor().shape == (0,)
    with pytest.raises(TypeError, match="sizes .* or one sequence"):
        constructor([1], [2])


def test_cuda_names_the_device_or_says_what_is_missing():
    x = tg.ones(2)
    if tg.cuda.is_available():
        assert x.cuda().device == "cuda:0"
    else:
        with pytest.raises(RuntimeError, match="cuda"):
            x.cuda()
