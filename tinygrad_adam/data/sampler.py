"""Samplers, as ``torch.utils.data``'s: which dataset indices a ``DataLoader`` reads, in which order.

A sampler is an iterable of indices (``BatchSampler``: of lists of indices) with a ``__len__``.
Random samplers draw from a NumPy generator seeded once from ``seed`` or, when None, from tg's
generator, so ``tg.manual_seed`` makes them reproducible; each pass (epoch) draws anew. Given
PyTorch's ``generator=`` (a ``tg.Generator``), each pass seeds itself from it, as PyTorch's do, so
re-seeding that generator replays the pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ..rng import Generator, host_generator, seed_for
from ..tensor import Tensor


def _count(value: Any, name: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _host_vector(values: Any, owner: str, what: str) -> np.ndarray:
    array = values.numpy() if isinstance(values, Tensor) else np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{owner}: {what} must be one-dimensional, got shape {array.shape}")
    return array


class Sampler:
    """Base class: subclasses define ``__iter__`` (indices) and ``__len__``."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def pass_generator(source: Generator | None, current: np.random.Generator) -> np.random.Generator:
    """The generator one pass draws from: as PyTorch, a pass takes a fresh seed from the
    ``generator=`` it was given, so re-seeding that generator replays the order; without one, the
    sampler's own generator goes on."""
    return current if source is None else np.random.default_rng(source.draw_seed())


class RandomSampler(Sampler):
    """A new permutation each pass; with ``replacement=True``, ``num_samples`` uniform draws."""

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        seed: int | None = None,
        generator: Generator | None = None,
    ) -> None:
        if not isinstance(replacement, (bool, np.bool_)):
            raise TypeError(f"RandomSampler: replacement must be True or False, got {replacement!r}")
        self.data_source = data_source
        self.replacement = bool(replacement)
        self._num_samples = (
            None if num_samples is None else _count(num_samples, "num_samples", "RandomSampler")
        )
        self._generator = host_generator(seed_for(seed, generator, "RandomSampler"))
        self._source = generator

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        self._generator = pass_generator(self._source, self._generator)
        n = len(self.data_source)
        if self.replacement:
            return iter(self._generator.integers(0, n, self.num_samples).tolist())
        # Without replacement, num_samples beyond n takes whole permutations in turn, as PyTorch does.
        passes = -(-self.num_samples // n) if n else 0
        order = [self._generator.permutation(n) for _ in range(passes)]
        return iter(np.concatenate(order)[: self.num_samples].tolist() if order else [])

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a new random order each pass (a train/validation split of one dataset)."""

    def __init__(
        self, indices: Sequence[int], seed: int | None = None, generator: Generator | None = None
    ) -> None:
        array = _host_vector(indices, "SubsetRandomSampler", "indices")
        if array.size and array.dtype.kind not in "iu":
            raise TypeError(f"SubsetRandomSampler: indices must be integers, got dtype {array.dtype}")
        self.indices = array.astype(np.int64)
        self._generator = host_generator(seed_for(seed, generator, "SubsetRandomSampler"))
        self._source = generator

    def __iter__(self) -> Iterator[int]:
        self._generator = pass_generator(self._source, self._generator)
        return iter(self.indices[self._generator.permutation(len(self.indices))].tolist())

    def __len__(self) -> int:
        return len(self.indices)


class InvalidSamplingWeightsError(ValueError, RuntimeError):
    """Negative, infinite or all-zero sampling weights (PyTorch's multinomial raises RuntimeError)."""


class NotABoolError(TypeError, ValueError):
    """A switch that is not True or False: a TypeError, and PyTorch's ValueError (BatchSampler)."""


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices 0..len(weights)-1 drawn with probabilities proportional to ``weights``."""

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        seed: int | None = None,
        generator: Generator | None = None,
    ) -> None:
        array = _host_vector(weights, "WeightedRandomSampler", "weights").astype(np.float64)
        if not np.all(np.isfinite(array)) or np.any(array < 0) or not array.sum() > 0:
            raise InvalidSamplingWeightsError(
                "WeightedRandomSampler: weights must be finite, non-negative and not all zero"
            )
        if not isinstance(replacement, (bool, np.bool_)):
            raise ValueError(f"WeightedRandomSampler: replacement must be True or False, got {replacement!r}")
        self.weights = array
        self.num_samples = _count(num_samples, "num_samples", "WeightedRandomSampler")
        self.replacement = bool(replacement)
        if not self.replacement and self.num_samples > np.count_nonzero(array):
            raise InvalidSamplingWeightsError(
                f"WeightedRandomSampler: cannot draw {self.num_samples} samples without replacement "
                f"from {np.count_nonzero(array)} nonzero weights"
            )
        self._generator = host_generator(seed_for(seed, generator, "WeightedRandomSampler"))
        self._source = generator

    def __iter__(self) -> Iterator[int]:
        self._generator = pass_generator(self._source, self._generator)
        p = self.weights / self.weights.sum()
        draws = self._generator.choice(len(p), self.num_samples, replace=self.replacement, p=p)
        return iter(draws.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Lists of ``batch_size`` consecutive indices of ``sampler`` (the last one shorter unless
    ``drop_last``)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(drop_last, (bool, np.bool_)):
            raise NotABoolError(f"BatchSampler: drop_last must be True or False, got {drop_last!r}")
        self.sampler = sampler
        self.batch_size = _count(batch_size, "batch_size", "BatchSampler")
        self.drop_last = bool(drop_last)

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(int(index))
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
