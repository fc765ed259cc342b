"""Freed memory is recycled: glibc keeps a training step's temporaries for the next step instead of
returning them to the system and page-faulting them back in (backend.keep_freed_memory)."""

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from tinygrad_adam import backend

on_glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

STEPS = textwrap.dedent(
    """
    import resource
    import numpy as np
    import tinygrad_adam as tg

    model = tg.nn.Sequential(tg.nn.Conv2d(1, 8, 3, padding=1), tg.nn.ReLU(), tg.nn.MaxPool2d(2),
                             tg.nn.Flatten(), tg.nn.Linear(8 * 14 * 14, 10))
    optimizer = tg.optim.Adam(model.parameters())
    x = tg.tensor(np.random.default_rng(0).standard_normal((64, 1, 28, 28), dtype=np.float32))
    y = tg.tensor(np.arange(64) % 10)

    def step():
        optimizer.zero_grad()
        tg.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(3):
        step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        step()
    print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5)
    """
)


def faults_per_step(**environment: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env |= {"TINYGRAD_ADAM_DEVICE": "cpu"} | environment
    done = subprocess.run([sys.executable, "-c", STEPS], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not on_glibc, reason="the thresholds are glibc's (Linux)")
def test_a_conv_training_step_reuses_its_memory_instead_of_faulting_it_back_in():
    recycled = faults_per_step()
    returned = faults_per_step(TINYGRAD_ADAM_KEEP_FREED_MEMORY="0")
    assert recycled < 200 < returned, (recycled, returned)


def test_the_switch_and_glibcs_own_variables_leave_malloc_alone(monkeypatch):
    monkeypatch.setenv("TINYGRAD_ADAM_KEEP_FREED_MEMORY", "0")
    assert backend.keep_freed_memory() is False
    monkeypatch.delenv("TINYGRAD_ADAM_KEEP_FREED_MEMORY")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert backend.keep_freed_memory() is False
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    assert backend.keep_freed_memory() is on_glibc
