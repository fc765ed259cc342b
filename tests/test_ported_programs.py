"""Typical PyTorch training programs run unchanged with ``tinygrad_adam`` in place of ``torch``
and take PyTorch's steps: the same losses, learning rates, clipped norms and final weights from the
same initial weights. The programs and PyTorch's record of them are in
tests/fixtures/make_ported_programs.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import tinygrad_adam as tg

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_ported_programs", FIXTURES / "make_ported_programs.py")
ported = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ported)
RECORD = np.load(FIXTURES / "ported_programs.npz")
# Float32 tolerances; LBFGS's line searches amplify rounding: PyTorch's own run, started 1e-7
# (relative) away, ends 1.7e-4 away in the weights (its losses within 3e-6).
TOLERANCE = {"regression_lbfgs": {"rtol": 1e-3, "atol": 1e-3}}


def recorded(program: str, kind: str) -> dict[str, np.ndarray]:
    """The arrays stored for ``program`` under ``kind`` ("data", "init" or "out")."""
    prefix = f"{program}/{kind}/"
    return {key[len(prefix) :]: RECORD[key] for key in RECORD.files if key.startswith(prefix)}


def run_ours(program: str) -> dict:
    """Run the program's text with tinygrad_adam as ``torch`` from PyTorch's initial weights."""
    data = {**recorded(program, "data"), "init": recorded(program, "init")}
    return ported.programs()[program](tg, data)


@pytest.mark.parametrize("program", list(ported.programs()))
def test_pytorch_program_runs_unchanged_and_takes_pytorchs_steps(program: str) -> None:
    expected = recorded(program, "out")
    result = run_ours(program)
    assert sorted(result) == sorted(expected)
    for name, value in result.items():
        ours = np.asarray(value)
        assert ours.shape == expected[name].shape, name
        if ours.dtype.kind in "iub":
            np.testing.assert_array_equal(ours, expected[name], err_msg=name)
        else:
            tolerance = TOLERANCE.get(program, {"rtol": 1e-4, "atol": 1e-5})
            np.testing.assert_allclose(ours, expected[name], **tolerance, err_msg=f"{program}: {name}")


@pytest.mark.parametrize("program", ["checkpoint_resume", "resume_everything"])
def test_resumed_training_repeats_the_uninterrupted_steps_exactly(program: str) -> None:
    result = run_ours(program)
    assert result["resumed"] == result["uninterrupted"]  # bit for bit, not within a tolerance


def test_programs_cover_every_optimizer_named_in_the_brief() -> None:
    used = {class_name for class_name, _ in ported.OPTIMIZERS.values()}
    assert {"NAdam", "RAdam", "Adamax", "Adagrad", "Adadelta", "ASGD", "Rprop", "LBFGS"} <= used


def test_reseeding_a_loaders_generator_replays_its_shuffled_order_as_pytorch() -> None:
    """PyTorch's samplers draw each epoch's seed from ``generator=`` when the epoch begins, so
    ``g.manual_seed(s)`` or ``g.set_state(state)`` between epochs replays an order."""
    dataset = tg.utils.data.TensorDataset(tg.arange(10))
    generator = tg.Generator().manual_seed(3)
    loader = tg.utils.data.DataLoader(dataset, batch_size=4, shuffle=True, generator=generator)
    samplers = [
        tg.utils.data.RandomSampler(range(10), generator=generator),
        tg.utils.data.SubsetRandomSampler([1, 3, 5, 7, 9], generator=generator),
        tg.utils.data.WeightedRandomSampler([0.1, 0.5, 0.4], 6, generator=generator),
    ]

    def one_epoch() -> list:
        return [batch.tolist() for (batch,) in loader] + [list(sampler) for sampler in samplers]

    generator.manual_seed(0)
    first = one_epoch()
    state = generator.get_state()
    second = one_epoch()
    assert second != first  # the generator moved on
    generator.set_state(state)
    assert one_epoch() == second
    generator.manual_seed(0)
    assert one_epoch() == first
