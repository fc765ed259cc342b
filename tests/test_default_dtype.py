"""tg.set_default_dtype: the dtype that Python floats, float factories and new layers take, as
``torch.set_default_dtype`` (float32 unless changed)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_adam as tg


def test_float32_is_the_default():
    assert tg.get_default_dtype() == tg.float32
    assert tg.tensor([1.5]).dtype == tg.float32 and tg.zeros(2).dtype == tg.float32


def test_float64_default_reaches_literals_factories_and_promotions():
    tg.set_default_dtype(tg.float64)
    assert tg.get_default_dtype() == tg.float64
    made = [
        tg.tensor([1.5]), tg.tensor(2.0), tg.zeros(2), tg.ones(2, 3), tg.full((2,), 1.5), tg.empty(3),
        tg.randn(2), tg.rand(2), tg.arange(0.0, 1.0, 0.25), tg.eye(2), tg.linspace(0, 1, 3),
    ]  # fmt: skip
    assert [t.dtype for t in made] == [tg.float64] * len(made)
    integers = tg.tensor([1, 2, 3])
    assert integers.dtype == tg.int64  # integers are not floats: unchanged
    assert integers.mean().dtype == tg.float64 and (integers * 1.5).dtype == tg.float64
    assert (integers / 2).dtype == tg.float64


def test_arrays_and_explicit_dtypes_are_untouched():
    tg.set_default_dtype(tg.float64)
    assert tg.tensor(np.ones(2, dtype=np.float32)).dtype == tg.float32
    assert tg.zeros(2, dtype=tg.float32).dtype == tg.float32
    assert (tg.zeros(2, dtype=tg.float32) * 0.5).dtype == tg.float32  # Python floats never upcast


def test_tensors_made_before_the_change_keep_their_dtype():
    before = tg.ones(2)
    tg.set_default_dtype("float64")  # a name works too
    assert before.dtype == tg.float32 and tg.ones(2).dtype == tg.float64


def test_new_layers_get_the_default_and_train_in_it():
    tg.set_default_dtype(tg.float64)
    model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.LayerNorm(4), tg.nn.ReLU(), tg.nn.Linear(4, 2))
    assert {p.dtype for p in model.parameters()} == {tg.float64}
    optimizer = tg.optim.Adam(model.parameters(), lr=1e-2)
    x, y = tg.randn(8, 3), tg.tensor([0, 1] * 4)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = tg.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert loss.dtype == tg.float64 and losses[-1] < losses[0]
    assert {p.dtype for p in model.parameters()} == {tg.float64}


def test_float64_default_gives_float64_gradcheck_inputs():
    tg.set_default_dtype(tg.float64)
    x = tg.randn(3, requires_grad=True)
    assert tg.gradcheck(lambda t: (t * t).sin().sum(), (x,))


@pytest.mark.parametrize("dtype", [tg.int64, tg.int32, tg.bool_, "uint8"])
def test_only_floating_dtypes_can_be_the_default(dtype):
    with pytest.raises(TypeError, match="only floating-point dtypes"):
        tg.set_default_dtype(dtype)
    assert tg.get_default_dtype() == tg.float32


def test_an_unknown_dtype_is_refused_by_name():
    with pytest.raises(TypeError, match="unknown dtype"):
        tg.set_default_dtype("float128x")


def test_python_floats_given_a_dtype_are_rounded_once_to_it_not_through_float32_first() -> None:
    assert tg.tensor([0.9], dtype=tg.float64).numpy()[0] == 0.9
    assert tg.tensor(0.1, dtype=tg.float64).item() == 0.1
    assert tg.Tensor([[0.3]], dtype=tg.float64).numpy()[0, 0] == 0.3
    assert tg.tensor([16777217.0], dtype=tg.int64).numpy()[0] == 16777217  # not 2**24 via float32
    assert tg.tensor([0.9]).dtype == tg.float32  # without a dtype, still the default float
