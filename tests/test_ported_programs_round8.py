"""PyTorch programs of round 8 (a pre-norm Transformer under warm-up and cosine decay, a binary-image
autoencoder, PyTorch's VAE example, a GAN with two optimizers checkpointed half-way, a GRU seq2seq
with teacher forcing, EmbeddingBag text classification, tabular regression with parameter groups,
a weight-tied language model with buffers, early stopping on a plateau, module containers, freezing
and fine-tuning, multi-label losses, distillation with hints, a physics-informed network, contrastive
learning, a small U-Net, nanoGPT, dict-item datasets, a WaveNet, Kim's text CNN) run unchanged with
``tinygrad_adam`` in place of ``torch`` and take PyTorch's steps from PyTorch's initial weights. The
mistakes each program makes raise PyTorch's error types with a message naming the problem. The
programs and PyTorch's record of them are in tests/fixtures/make_ported_programs_round8.py."""

from __future__ import annotations

import functools

import numpy as np
import ported_rounds
import pytest
from ported_rounds import load_round

import tinygrad_adam as tg

ported, RECORD = load_round("round8")


def key_bias_within_rounding(name: str, ours: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Check the key third of an attention ``in_proj_bias`` loosely and return ``ours`` with it
    replaced by PyTorch's. Its gradient is exactly zero (softmax ignores a constant added to a row
    of scores), so both frameworks' AdamW steps there follow rounding noise, a few 1e-5 at most."""
    if not name.endswith("self_attn.in_proj_bias"):
        return ours
    key = slice(ours.size // 3, 2 * ours.size // 3)
    np.testing.assert_allclose(ours[key], expected[key], atol=1e-4, err_msg=name)
    ours = ours.copy()
    ours[key] = expected[key]
    return ours


@functools.cache
def run(program: str) -> tuple[dict, list]:
    """The program's result with tinygrad_adam and the messages of the mistakes it made."""
    return ported_rounds.run(ported, RECORD, program, tg)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_pytorch_program_runs_unchanged_and_takes_pytorchs_steps(program: str) -> None:
    ported_rounds.check_steps(ported, RECORD, program, run(program), settle=key_bias_within_rounding)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_mistakes_raise_pytorchs_error_types_with_a_message_naming_the_problem(program: str) -> None:
    ported_rounds.check_mistakes(ported, RECORD, program, run(program))
