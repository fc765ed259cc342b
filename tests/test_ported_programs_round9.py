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

import ported_rounds
import pytest
from ported_rounds import load_round

import tinygrad_adam as tg

ported, RECORD = load_round("round9")


@functools.cache
def run(program: str) -> tuple[dict, list]:
    """The program's result with tinygrad_adam and the messages of the mistakes it made."""
    return ported_rounds.run(ported, RECORD, program, tg)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_pytorch_program_runs_unchanged_and_takes_pytorchs_steps(program: str) -> None:
    ported_rounds.check_steps(ported, RECORD, program, run(program))


@pytest.mark.parametrize("program", list(ported.programs()))
def test_mistakes_raise_pytorchs_error_types_with_a_message_naming_the_problem(program: str) -> None:
    ported_rounds.check_mistakes(ported, RECORD, program, run(program))
