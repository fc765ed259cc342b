"""In-place spellings that the round-10 sweep against PyTorch 2.13 found differing: comparisons written in
place on graph tensors, ``%=``/``//=``/``**=`` in place, ``fill_`` with a tensor that requires grad,
``erfinv_`` twice, and the error kinds of in-place ops that cannot hold their result."""

from __future__ import annotations

import numpy as np
import pytest
from ported_rounds import load_programs

import tinygrad_adam as tg

programs, RECORD = load_programs("inplace_sweep_round10")
DATA = {key[len("data/") :]: RECORD[key] for key in RECORD.files if key.startswith("data/")}


@pytest.mark.parametrize("program", programs.PROGRAMS, ids=lambda program: program.__name__)
def test_in_place_spelling_gets_pytorchs_values_and_gradients(program):
    for name, value in program(tg, DATA).items():
        expected = RECORD[f"{program.__name__}/{name}"]
        np.testing.assert_allclose(np.asarray(value), expected, rtol=2e-5, atol=2e-6, err_msg=name)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.__ifloordiv__(2.5),
        lambda t: t.__imod__(2.5),
        lambda t: t.__ipow__(2.5),
        lambda t: t.__iand__(2.5),
        lambda t: t.__ior__(tg.ones(3)),
        lambda t: t.__ixor__(0.5),
    ],
    ids=["//=", "%=", "**=", "&=", "|=", "^="],
)
@pytest.mark.parametrize("dtype", [tg.int64, tg.bool])
def test_integer_and_boolean_tensors_refuse_a_float_result_in_place(change, dtype):
    target = tg.tensor([1, 0, 1]).astype(dtype)
    with pytest.raises(RuntimeError, match="can't be cast|does not fit|not supported"):
        change(target)
    np.testing.assert_array_equal(target.numpy(), np.array([1, 0, 1]).astype(dtype))


def test_remainder_floor_and_power_assignments_refuse_a_leaf_that_requires_grad_but_not_under_no_grad():
    w = tg.tensor([3.0, 4.5], requires_grad=True)
    for change in (lambda: w.__imod__(2.0), lambda: w.__ifloordiv__(2.0), lambda: w.__ipow__(2)):
        with pytest.raises(RuntimeError, match="leaf"):
            change()
    alias = w
    with tg.no_grad():
        w %= 2.0
        w **= 2
    assert w is alias and w.is_leaf and w.requires_grad
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 0.25])


def test_map_refuses_an_operand_that_requires_grad():
    # map_ runs Python on each entry: CPU tensors only, as in PyTorch
    buffer = tg.zeros(3, device="cpu")
    w = tg.ones(3, device="cpu", requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        buffer.map_(w, lambda a, b: a + b)


def test_negating_or_rectifying_a_mask_in_place_is_pytorchs_runtime_error():
    for change in (lambda m: m.neg_(), lambda m: -m, lambda m: m.relu_()):
        mask = tg.tensor([True, False])
        with pytest.raises(RuntimeError, match="boolean"):
            change(mask)
        with pytest.raises(TypeError):  # the kind it was before
            change(mask)


def test_fill_diagonal_of_a_vector_is_pytorchs_runtime_error():
    with pytest.raises(RuntimeError, match="matrix"):
        tg.zeros(4).fill_diagonal_(1.0)


def test_comparison_in_place_on_a_leaf_that_requires_grad_is_refused():
    w = tg.tensor([1.0, -1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        w.gt_(0.0)
    with tg.no_grad():
        w.gt_(0.0)
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 0.0])
