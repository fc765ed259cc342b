"""PyTorch programs of round 9, on the utilities everyday scripts use (activation checkpointing,
no_grad / inference_mode decorators, random_split and seeded samplers, clip_grad_value_ and
gradient hooks, an optimizer stepped inside backward, LambdaLR / MultiStepLR / ExponentialLR /
PolynomialLR / LinearLR / ChainedScheduler, nn.init through model.apply, train/eval switching,
state dicts through save/load with map_location, one_hot, label smoothing and class weights) run
unchanged with ``tinygrad_adam`` in place of ``torch`` and take PyTorch's steps from PyTorch's
initial weights; what random draws decide is checked as invariants that hold in both. The
mistakes each program makes raise PyTorch's error types with a message naming the problem. The
programs and PyTorch's record of them are in tests/fixtures/make_ported_programs_round9.py."""

from __future__ import annotations

import functools
import re

import numpy as np
import ported_rounds
import pytest
from ported_rounds import load_round

import tinygrad_adam as tg

ported, RECORD = load_round("round9")

recorded = functools.partial(ported_rounds.recorded, RECORD)  # (program, kind) -> arrays


@functools.cache
def run(program: str) -> tuple[dict, list]:
    """The program's result with tinygrad_adam and the messages of the mistakes it made."""
    ported.MESSAGES.clear()
    data = {**recorded(program, "data"), "init": recorded(program, "init")}
    return ported.programs()[program](tg, data), list(ported.MESSAGES)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_pytorch_program_runs_unchanged_and_takes_pytorchs_steps(program: str) -> None:
    expected = recorded(program, "out")
    result, _ = run(program)
    assert sorted(result) == sorted(expected)
    for name, value in result.items():
        ours = np.asarray(value)
        assert ours.shape == expected[name].shape, f"{program}: {name}"
        if name.startswith("errors."):
            continue
        if ours.dtype.kind in "iubUS":
            np.testing.assert_array_equal(ours, expected[name], err_msg=f"{program}: {name}")
        else:
            np.testing.assert_allclose(
                ours, expected[name], rtol=1e-5, atol=1e-6, err_msg=f"{program}: {name}"
            )


@pytest.mark.parametrize("program", list(ported.programs()))
def test_mistakes_raise_pytorchs_error_types_with_a_message_naming_the_problem(program: str) -> None:
    expected = recorded(program, "out")
    result, messages = run(program)
    kinds = [kind.__name__ for kind in ported.ERROR_KINDS]
    cases = [name for name in result if name.startswith("errors.")]
    assert cases, "every program makes a mistake or two"
    for name in cases:
        wanted = [kind for kind, flag in zip(kinds, expected[name], strict=True) if flag]
        raised = [kind for kind, flag in zip(kinds, result[name], strict=True) if flag]
        assert wanted, f"{program}: {name}: PyTorch raises none of the recorded kinds"
        # PyTorch's error types must be among ours (ours may also subclass another built-in).
        assert set(wanted) <= set(raised), f"{program}: {name}: {raised}, not {wanted}"
    for case, names, message in messages:
        assert re.search(names, message, re.IGNORECASE), f"{program}: {case}: {message!r} names no {names!r}"
