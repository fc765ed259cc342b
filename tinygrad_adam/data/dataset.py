"""Datasets: anything with ``len()`` and ``dataset[i]``, plus arrays held in memory and subsets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..rng import Generator, host_generator, seed_for
from ..tensor import Tensor, _host_array


class MissingLenError(TypeError, NotImplementedError):
    """len() of a Dataset subclass without ``__len__``: PyTorch's TypeError (its Dataset has no len),
    and the NotImplementedError we raised before."""


class Dataset:
    """A sized collection of samples: subclasses define ``__len__`` and ``__getitem__``.

    A subclass may also define ``get_batch(indices)`` returning a tuple of host arrays for many
    samples at once; ``DataLoader`` then uses it instead of fetching and stacking samples one by one.
    """

    def __len__(self) -> int:
        raise MissingLenError(f"object of type '{type(self).__name__}' has no len(): it must define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


class IterableDataset:
    """A stream of samples: subclasses define ``__iter__``, a fresh iterator over the samples at each
    call (each epoch), and may define ``__len__``. As PyTorch's ``IterableDataset``: a ``DataLoader``
    batches consecutive samples and cannot shuffle them (shuffle the stream inside ``__iter__``).
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


def _host(value: Any, position: int) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.numpy()
    try:
        return _host_array(value, None)
    except TypeError as error:
        hint = "; encode string labels as integer classes: np.unique(y, return_inverse=True)[1]"
        hint = hint if _is_text(value) else ""
        raise TypeError(f"TensorDataset argument {position}: {error}{hint}") from error


def _is_text(value: Any) -> bool:
    try:
        return np.asarray(value).dtype.kind in "US"
    except ValueError:  # ragged
        return False


class TensorDataset(Dataset):
    """Samples are rows of arrays that share their first dimension: ``TensorDataset(x, y)``.

    The arrays stay on the host (Tensors are copied there); ``dataset[i]`` is a tuple of NumPy rows,
    and a ``DataLoader`` takes whole batches with one fancy index and one transfer per array.
    NumPy arrays keep their dtype; Python lists follow the Tensor rules (floats -> float32).
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(_host(array, position) for position, array in enumerate(arrays))
        for position, array in enumerate(self.arrays):
            if array.ndim == 0:
                raise ValueError(f"TensorDataset argument {position} is a scalar: it needs a first dimension")
        lengths = [array.shape[0] for array in self.arrays]
        if len(set(lengths)) != 1:
            shapes = ", ".join(str(array.shape) for array in self.arrays)
            raise ValueError(f"TensorDataset arrays need the same first dimension, got shapes {shapes}")

    def __len__(self) -> int:
        return self.arrays[0].shape[0]

    def __getitem__(self, index: int) -> tuple[np.ndarray, ...]:
        return tuple(array[index] for array in self.arrays)

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """The samples at ``indices`` (an integer array), one array per field."""
        return tuple(array[indices] for array in self.arrays)

    @property
    def tensors(self) -> tuple[Tensor, ...]:
        """The arrays as Tensors on the default device, as PyTorch's ``dataset.tensors`` (copies: the
        dataset keeps its host arrays)."""
        return tuple(Tensor(array) for array in self.arrays)


class ConcatDataset(Dataset):
    """The samples of several datasets one after another, as PyTorch's ``ConcatDataset``."""

    def __init__(self, datasets: Sequence[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset needs at least one dataset")
        for position, dataset in enumerate(self.datasets):
            if isinstance(dataset, IterableDataset) or not hasattr(dataset, "__len__"):
                raise TypeError(
                    f"ConcatDataset: dataset {position} ({type(dataset).__name__}) has no indices; "
                    "join streams inside one IterableDataset instead"
                )
        self.cumulative_sizes = np.cumsum([len(dataset) for dataset in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a ConcatDataset of {n} samples")
        index = index + n if index < 0 else index
        which = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        given = indices.numpy() if isinstance(indices, Tensor) else np.asarray(indices)
        if given.size and given.dtype.kind not in "iu":
            # Floats would be truncated and booleans read as 0/1, both silently.
            raise TypeError(
                f"Subset indices must be integers, got dtype {given.dtype}"
                + (" (for a mask, pass np.flatnonzero(mask))" if given.dtype == bool else "")
            )
        self.indices = given.astype(np.int64)
        if self.indices.ndim != 1:
            raise ValueError(f"Subset indices must be one-dimensional, got shape {self.indices.shape}")
        n = len(dataset)
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset indices out of range for a dataset of {n} samples")

    def __len__(self) -> int:
        return self.indices.shape[0]

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def __getattr__(self, name: str) -> Any:
        # Offer the batched fast path only where the underlying dataset has one.
        if name == "get_batch" and hasattr(self.dataset, "get_batch"):
            return lambda indices: self.dataset.get_batch(self.indices[indices])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def random_split(
    dataset: Dataset,
    lengths: Sequence[int | float],
    seed: int | None = None,
    *,
    generator: Generator | None = None,
) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given sizes.

    ``lengths`` are sample counts summing to ``len(dataset)``, or fractions summing to 1 (remainders
    go to the first subsets, as in PyTorch). ``seed=None`` draws from tg's generator (``tg.manual_seed``);
    PyTorch's ``generator=tg.Generator().manual_seed(42)`` is taken too.
    """
    seed = seed_for(seed, generator, "random_split")
    n = len(dataset)
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence | np.ndarray):
        raise TypeError(f"random_split lengths must be a list of sizes or fractions, got {lengths!r}")
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split needs at least one length")
    if all(isinstance(length, float) for length in lengths):
        if any(not 0 <= length <= 1 for length in lengths) or abs(sum(lengths) - 1) > 1e-6:
            raise ValueError(f"random_split fractions must lie in [0, 1] and sum to 1, got {lengths}")
        counts = [int(np.floor(n * fraction)) for fraction in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    elif all(isinstance(length, (int, np.integer)) and not isinstance(length, bool) for length in lengths):
        counts = [int(length) for length in lengths]
        if any(count < 0 for count in counts) or sum(counts) != n:
            raise ValueError(
                f"random_split lengths must be non-negative and sum to the dataset size {n}, got {lengths}"
            )
    else:
        raise TypeError(f"random_split lengths must be all ints or all floats, got {lengths}")
    order = host_generator(seed).permutation(n)
    bounds = np.cumsum([0, *counts])
    return [Subset(dataset, order[start:stop]) for start, stop in zip(bounds[:-1], bounds[1:])]
