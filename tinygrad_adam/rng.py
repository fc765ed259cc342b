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


class SeedTypeError(RuntimeError, ValueError):
    """A seed that is not an integer: PyTorch's RuntimeError, and a ValueError (a bad seed)."""


class Generator:
    """PyTorch's ``torch.Generator``: a random stream of its own, apart from the one ``tg.manual_seed``
    seeds. Pass it as ``generator=`` to the random constructors and in-place draws (``tg.randn``,
    ``tg.randint``, ``tg.randperm``, ``tg.normal``, ``tg.bernoulli``, ``tg.multinomial``,
    ``Tensor.random_``, ``nn.init.*``) and to ``random_split``, ``DataLoader`` and the samplers.

    Its numbers come from a PCG64 stream on the host (copied to the tensor's device), so the same
    ``Generator().manual_seed(42)`` gives the same draws on every device and run, and one generator
    used twice gives two. The data utilities take one seed from it per use (a split, a pass). A new
    generator starts from PyTorch's default seed.
    """

    DEFAULT_SEED = 67280421310721  # torch.Generator().initial_seed()

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self.manual_seed(self.DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Restart from ``seed``; returns the generator, as PyTorch's does. Any 64-bit integer, a
        negative one read as unsigned (PyTorch's ``manual_seed(-1)`` is 2⁶⁴ − 1)."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise SeedTypeError(f"Generator.manual_seed expected an integer seed, but got {seed!r}")
        if not -(2**63) <= seed < 2**64:
            raise ValueError(f"Generator.manual_seed: the seed {seed} is beyond the 64-bit range")
        self._initial_seed = int(seed) % 2**64
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

    def random(self, kind: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """``kind`` ("normal" or "uniform") draws on the host, as ``Backend.random`` gives on a device."""
        if kind == "normal":
            return self._numpy.standard_normal(shape, dtype=dtype)
        if kind == "uniform":
            return self._numpy.random(shape, dtype=dtype)
        raise ValueError(f"unknown random kind {kind!r}")


def random_draws(
    backend: Any, kind: str, shape: tuple[int, ...], dtype: np.dtype, generator: Any = None
) -> Any:
    """``kind`` draws as a device array of ``backend``: from its own generator (``tg.manual_seed``), or
    from PyTorch's ``generator=`` (a ``tg.Generator``) when one is given. Every random op draws here.
    Floats narrower than float32 (float16) are drawn in float32 and rounded, uniform ones down to
    their own grid so that they stay below 1."""
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"generator must be a tg.Generator, got {type(generator).__name__}")
    wanted = np.dtype(dtype)
    drawn_as = wanted if wanted in (np.float32, np.float64) else np.dtype(np.float32)
    if generator is None:
        data = backend.random(kind, shape, drawn_as)
    else:
        data = backend.asarray(generator.random(kind, shape, drawn_as))
    if drawn_as == wanted:
        return data
    if kind == "uniform":
        steps = float(2 ** (np.finfo(wanted).nmant + 1))
        data = backend.xp.floor(data * steps) / steps
    return backend.xp.astype(data, backend.native_dtype(wanted))


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
