"""Shared fixtures: the suite runs on the default device ($TINYGRAD_ADAM_DEVICE: "cpu" or "strict")."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import tinygrad_adam as tg

# Few examples, no deadline: each example runs finite differences, and the strict backend is slow.
settings.register_profile(
    "tinygrad_adam",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("tinygrad_adam")


@pytest.fixture
def device() -> str:
    """The device the suite runs on; tensors made without ``device=`` land here too."""
    return tg.get_default_device()


@pytest.fixture
def other_device(device: str) -> str:
    """A second device in the same process, to provoke device-mismatch errors."""
    return "strict:1" if device.startswith("strict") else "strict:0"


@pytest.fixture(autouse=True)
def _seeded() -> Iterator[None]:
    """Every test starts from the same random state and float32 as the default float dtype, so
    failures reproduce and a test that changes the default cannot leak it into the next."""
    tg.manual_seed(0)
    yield
    tg.set_default_dtype(tg.float32)


@pytest.fixture
def rng() -> np.random.Generator:
    """Host random numbers for test data (independent of the framework's generators)."""
    return np.random.default_rng(1234)
