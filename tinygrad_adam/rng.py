"""The framework's random state as plain data, and host generators that follow ``tg.manual_seed``.

``get_rng_state()`` / ``set_rng_state()`` capture every device generator, so that a checkpoint can
resume a run bit for bit. ``host_generator(seed)`` gives the NumPy generator that data loaders, splits
and synthetic datasets draw from: seeded from ``seed``, or from tg's own seeded generator when
``seed`` is None, so one ``tg.manual_seed`` makes them reproducible too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend as _backend_module

RNG_STATE_VERSION = 1


def check_seed(seed: Any, what: str = "seed") -> int | None:
    """``seed`` as an int (or None); anything else but a non-negative integer is an error."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{what} must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def host_generator(seed: int | None = None) -> np.random.Generator:
    """A NumPy generator seeded from ``seed``, or, when None, from tg's CPU generator."""
    seed = check_seed(seed)
    if seed is None:
        # 2 x 53 random bits from the generator that tg.manual_seed resets: a fresh, reproducible seed.
        draws = _backend_module.get_backend("cpu").random("uniform", (2,), np.dtype("float64"))
        high, low = (int(value * 2.0**53) for value in draws.tolist())
        seed = (high << 53) | low
    return np.random.default_rng(seed)


class Generator:
    """PyTorch's ``torch.Generator`` for the host-side draws of ``tg.data``: pass it as ``generator=``
    to ``random_split``, ``DataLoader`` and the samplers (``Generator().manual_seed(42)``).

    Each use draws a fresh seed from it, so the generator advances as PyTorch's does: the same
    ``Generator().manual_seed(42)`` gives the same split, one generator used twice gives two. A new
    generator starts from PyTorch's default seed. Tensor constructors (``tg.randn``) do not take one:
    they draw from the device generator that ``tg.manual_seed`` seeds.
    """

    DEFAULT_SEED = 67280421310721  # torch.Generator().initial_seed()

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self.manual_seed(self.DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Restart from ``seed``; returns the generator, as PyTorch's does."""
        self._initial_seed = check_seed(seed, "Generator.manual_seed's seed")
        if self._initial_seed is None:
            raise ValueError("Generator.manual_seed needs a non-negative integer seed, got None")
        self._numpy = np.random.default_rng(self._initial_seed)
        return self

    def initial_seed(self) -> int:
        """The seed it was last started from."""
        return self._initial_seed

    def seed(self) -> int:
        """Restart from a non-deterministic seed, and return it."""
        self.manual_seed(int(np.random.SeedSequence().entropy) % 2**63)
        return self._initial_seed

    def get_state(self) -> dict:
        """Its state as plain data (``set_state`` restores it)."""
        return {"initial_seed": self._initial_seed, "bit_generator": self._numpy.bit_generator.state}

    def set_state(self, state: dict) -> Generator:
        self.manual_seed(state["initial_seed"])
        self._numpy.bit_generator.state = state["bit_generator"]
        return self

    def draw_seed(self) -> int:
        """A seed for one use (a split, a loader, a sampler); advances the generator."""
        return int(self._numpy.integers(2**63))


def seed_for(seed: int | None, generator: Generator | None, owner: str) -> int | None:
    """The seed a consumer starts from: ``seed``, or one drawn from PyTorch-style ``generator``."""
    if generator is None:
        return check_seed(seed)
    if not isinstance(generator, Generator):
        raise TypeError(f"{owner}: generator must be a tg.Generator, got {type(generator).__name__}")
    if seed is not None:
        raise ValueError(f"{owner}: give seed= or generator=, not both")
    return generator.draw_seed()


def get_rng_state() -> dict:
    """The state of every device generator created so far, plus the last ``tg.manual_seed``.

    CuPy generators cannot report their state; they are left out, so resuming on a GPU reseeds
    rather than continuing them exactly.
    """
    devices = {}
    for name, backend in _backend_module._backends.items():
        try:
            devices[name] = backend.get_rng_state()
        except NotImplementedError:
            continue
    return {"version": RNG_STATE_VERSION, "manual_seed": _backend_module._seed, "devices": devices}


def set_rng_state(state: dict) -> None:
    """Restore what ``get_rng_state()`` returned (for example after ``tg.load``)."""
    if not isinstance(state, dict) or state.get("version") != RNG_STATE_VERSION or "devices" not in state:
        raise ValueError(
            f"not an RNG state from tg.get_rng_state() (version {RNG_STATE_VERSION}): got {state!r:.200}"
        )
    seed = check_seed(state.get("manual_seed"), "manual_seed in the RNG state")
    _backend_module._seed = seed
    for name, device_state in state["devices"].items():
        _backend_module.get_backend(name).set_rng_state(device_state)


def seed() -> int:
    """Seed every device's generator from a fresh non-deterministic number, return it (``torch.seed``)."""
    chosen = int(np.random.SeedSequence().entropy % 2**63)
    _backend_module.manual_seed(chosen)
    return chosen


def initial_seed() -> int:
    """The seed of the generators: the last ``tg.manual_seed`` (or ``tg.seed``); unseeded generators
    are seeded now by ``seed()``, so that the number returned reproduces what follows."""
    return _backend_module._seed if _backend_module._seed is not None else seed()
