"""PyTorch programs of round 11, kinds that tutorials and courses hand their readers (a DQN step with a
soft-updated target network, the char-RNN name classifier updated through ``p.data``, batch-hard
triplet mining, straight-through estimators as custom autograd Functions, focal and GIoU losses
written by hand, DDPM's objective and reverse step, PPO's clipped update with GAE, a
matrix-factorisation recommender, skip-gram with negative sampling, an lr range test then CyclicLR,
a GCN, Gaussian / Poisson / quantile regression heads, classification metrics by hand, forward hooks
with a linear probe and parameters_to_vector, mixup / CutMix with test-time augmentation, an LSTMCell
language model with scheduled teacher forcing, the seq2seq tutorial's Bahdanau attention, early
stopping with checkpoints in a BytesIO, the nn.Transformer translation tutorial, a bucketing batch
sampler with a padding collate_fn, MADE, FGSM adversarial examples, neural style transfer), run
unchanged with ``tinygrad_adam`` in place of ``torch`` and take PyTorch's steps from PyTorch's
initial weights. The mistakes each program makes raise
PyTorch's error types with a message naming the problem. The programs and PyTorch's record of them
are in tests/fixtures/make_ported_programs_round11.py."""

from __future__ import annotations

import functools

import numpy as np
import ported_rounds
import pytest
from ported_rounds import load_round

import tinygrad_adam as tg

ported, RECORD = load_round("round11")


def zero_gradient_part(program: str, name: str, size: int) -> tuple[slice, float] | None:
    """The part of a parameter whose gradient is exactly zero, and the most Adam can move it.

    A constant added to every score of a softmax changes nothing: the Bahdanau attention's Va bias
    and the key third of an attention's in_proj_bias. Adam's steps there follow the rounding noise of
    a zero (each at most lr), so they are checked against that bound, not PyTorch's noise."""
    if program == "bahdanau_attention_seq2seq" and name == "decoder.attention.Va.bias":
        return slice(None), 8 * 1e-2  # 8 steps, lr 1e-2
    if program == "transformer_translation" and name.endswith("in_proj_bias"):
        return slice(size // 3, 2 * size // 3), 20 * 3e-3  # 20 steps, lr 3e-3
    return None


def zero_gradient_within_bound(program: str, name: str, ours: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """``ours`` with its zero-gradient part (if any) checked against Adam's bound from the initial
    weights, then replaced by PyTorch's values there."""
    part = zero_gradient_part(program, name, ours.size)
    if part is None:
        return ours
    zero_gradient, bound = part
    model, key = name.split(".", 1)
    inputs = ported_rounds.program_inputs(RECORD, program)
    initial = (inputs["init"] if model == "weight" else inputs[model]["init"])[key]
    assert np.abs(ours[zero_gradient] - initial[zero_gradient]).max() <= bound, f"{program}: {name}"
    ours = ours.copy()
    ours[zero_gradient] = expected[zero_gradient]
    return ours


@functools.cache
def run(program: str) -> tuple[dict, list]:
    """The program's result with tinygrad_adam and the messages of the mistakes it made."""
    return ported_rounds.run(ported, RECORD, program, tg)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_pytorch_program_runs_unchanged_and_takes_pytorchs_steps(program: str) -> None:
    settle = functools.partial(zero_gradient_within_bound, program)
    ported_rounds.check_steps(ported, RECORD, program, run(program), settle=settle)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_mistakes_raise_pytorchs_error_types_with_a_message_naming_the_problem(program: str) -> None:
    ported_rounds.check_mistakes(ported, RECORD, program, run(program), minimum=3)
