"""PyTorch programs of round 10, on what session 9 added used together with the rest (Muon for the
hidden matrices beside AdamW, optimizers built from PyTorch's positional signatures, schedulers,
swa_utils' AveragedModel / SWALR / update_bn, ConvTranspose3d, 3-d adaptive pooling, MaxUnpool3d,
LPPool, FractionalMaxPool with fixed samples, an adaptive-softmax language model, nn.Buffer,
LinearCrossEntropyLoss, torch.cov / corrcoef / histogram / trapezoid / index_put / select_scatter,
set_printoptions, a checkpointed function returning a dict, backward(inputs=) beside a module hook)
run unchanged with ``tinygrad_adam`` in place of ``torch`` and take PyTorch's steps from PyTorch's
initial weights. The mistakes each program makes raise PyTorch's error types with a message naming
the problem. The programs and PyTorch's record of them are in
tests/fixtures/make_ported_programs_round10.py."""

from __future__ import annotations

import functools

import ported_rounds
import pytest
from ported_rounds import load_round

import tinygrad_adam as tg

ported, RECORD = load_round("round10")


@functools.cache
def run(program: str) -> tuple[dict, list]:
    """The program's result with tinygrad_adam and the messages of the mistakes it made."""
    return ported_rounds.run(ported, RECORD, program, tg)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_pytorch_program_runs_unchanged_and_takes_pytorchs_steps(program: str) -> None:
    tolerance = None
    if program in ported.MUON_PROGRAMS:
        # One bfloat16 rounding the other way is lr * 2^-8 in one element of one Muon update.
        tolerance = {"rtol": 1e-4, "atol": 1e-5}
    ported_rounds.check_steps(ported, RECORD, program, run(program), tolerance)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_mistakes_raise_pytorchs_error_types_with_a_message_naming_the_problem(program: str) -> None:
    ported_rounds.check_mistakes(ported, RECORD, program, run(program), minimum=3)
