"""``DataLoader``: batches of a dataset as Tensors on a device, shuffled reproducibly, resumable."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..rng import Generator, host_generator, seed_for
from ..tensor import Tensor, _host_array, stack
from .dataset import Dataset, IterableDataset
from .sampler import pass_generator

LOADER_STATE_VERSION = 1


class CollateSizeError(ValueError, RuntimeError):
    """Samples with different numbers of fields: PyTorch's RuntimeError, our old ValueError."""


class CollateKeyError(ValueError, KeyError):
    """Dict samples with different keys: PyTorch's KeyError, our old ValueError."""


def default_collate(samples: Sequence[Any], device: str | None = None) -> Any:
    """Stack a list of samples into one batch: tuples field by field (a namedtuple keeps its type),
    dicts key by key.

    NumPy arrays and Python numbers are stacked on the host and sent to ``device`` in one transfer
    (ints -> int64, floats -> float32, NumPy arrays and scalars keep their dtype); Tensors are
    stacked where they live; strings stay a list of strings, as in PyTorch.
    """
    if not samples:
        raise ValueError("default_collate needs at least one sample")
    first = samples[0]
    for kind in ((tuple, list), dict):
        # A sample of another kind would be read field by field, or fail with an AttributeError.
        if isinstance(first, kind) and not all(isinstance(sample, kind) for sample in samples):
            other = next(sample for sample in samples if not isinstance(sample, kind))
            raise TypeError(
                f"default_collate: samples differ in kind, {type(first).__name__} and "
                f"{type(other).__name__}: __getitem__ must return the same structure for every index"
            )
    if isinstance(first, (tuple, list)):
        if any(len(sample) != len(first) for sample in samples):
            lengths = sorted({len(sample) for sample in samples})
            raise CollateSizeError(
                f"default_collate: each element in list of batch should be of equal size, got lengths "
                f"{lengths}; for sequences of different lengths pass a collate_fn that pads them "
                "(nn.utils.rnn.pad_sequence)"
            )
        fields = [default_collate([sample[i] for sample in samples], device) for i in range(len(first))]
        if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple keeps its names
            return type(first)(*fields)
        return tuple(fields)
    if isinstance(first, dict):
        for sample in samples:
            if sample.keys() != first.keys():
                raise CollateKeyError(
                    f"default_collate: samples have different keys, {sorted(first)} and {sorted(sample)}"
                )
        return {key: default_collate([sample[key] for sample in samples], device) for key in first}
    if isinstance(first, (str, bytes)):
        # Text (file names, ids, raw sentences) stays a list, as PyTorch's default_collate keeps it.
        if not all(isinstance(sample, type(first)) for sample in samples):
            other = next(sample for sample in samples if not isinstance(sample, type(first)))
            raise TypeError(
                f"default_collate: samples differ in kind, {type(first).__name__} and {type(other).__name__}"
            )
        return list(samples)
    if isinstance(first, Tensor):
        batch = stack(samples)
        return batch if device is None else batch.to(device)
    if isinstance(first, (np.ndarray, np.generic)):  # NumPy scalars keep their dtype too (float64)
        for sample in samples:
            if np.shape(sample) != first.shape:
                raise ValueError(
                    f"default_collate: samples need one shape to be stacked, got {first.shape} and "
                    f"{np.shape(sample)}; for sequences of different lengths pad them to one length, or "
                    "pass DataLoader(..., collate_fn=) a function that batches them"
                )
        return Tensor(np.stack(samples), device=device)
    try:
        return Tensor(_host_array(list(samples), None), device=device)
    except TypeError as error:
        raise TypeError(
            f"default_collate cannot batch samples of type {type(first).__name__}: "
            "return NumPy arrays, numbers, strings or Tensors (or tuples or dicts of them) from __getitem__"
        ) from error


def default_convert(sample: Any, device: str | None = None) -> Any:
    """One sample as a loader with ``batch_size=None`` yields it, as PyTorch's ``default_convert``:
    NumPy arrays and scalars become Tensors on ``device`` (no batch dimension is added), tuples
    (namedtuples keep their type), lists and dicts are converted item by item, and anything else
    (Python numbers, strings, Tensors already on the device) stays as it is."""
    if isinstance(sample, (np.ndarray, np.generic)) and sample.dtype.kind not in "USO":
        return Tensor(sample, device=device)
    if isinstance(sample, Tensor):
        return sample if device is None else sample.to(device)
    if isinstance(sample, dict):
        return {key: default_convert(value, device) for key, value in sample.items()}
    if isinstance(sample, tuple) and hasattr(sample, "_fields"):
        return type(sample)(*(default_convert(value, device) for value in sample))
    if isinstance(sample, (tuple, list)):
        return type(sample)(default_convert(value, device) for value in sample)
    return sample


class NotAnIntegerError(TypeError, ValueError):
    """A count given as something other than an integer (``batch_size=2.0``): a TypeError by
    Python's rule, and the ValueError that PyTorch's DataLoader raises, so either ``except`` catches it."""


def get_worker_info() -> None:
    """PyTorch's information about the loader worker process running this code: always None here,
    as samples are read in the main process (what PyTorch answers there too), so an
    ``IterableDataset`` that shards its stream by worker reads all of it."""
    return None


def _check_worker_options(
    num_workers: int, timeout: Any, worker_init_fn: Any, prefetch_factor: Any, persistent_workers: Any
) -> None:
    """Refuse the worker options PyTorch refuses: they are accepted, with no effect, only as it takes them."""
    if not _is_number(timeout) or timeout < 0:
        raise ValueError(f"DataLoader: timeout option should be non-negative, got {timeout!r}")
    if worker_init_fn is not None and not callable(worker_init_fn):
        raise TypeError(
            f"DataLoader: worker_init_fn must be a function of the worker id, got {worker_init_fn!r:.100}"
        )
    if prefetch_factor is not None:
        if num_workers == 0:
            raise ValueError(
                "DataLoader: prefetch_factor option could only be specified in multiprocessing: let "
                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None"
            )
        if (
            isinstance(prefetch_factor, bool)
            or not isinstance(prefetch_factor, (int, np.integer))
            or prefetch_factor < 0
        ):
            raise ValueError(f"DataLoader: prefetch_factor must be an integer >= 0, got {prefetch_factor!r}")
    if persistent_workers and num_workers == 0:
        raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")


def _is_number(value: Any) -> bool:
    """A real number, not a bool."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


class DataLoader:
    """Iterate over ``dataset`` in batches of Tensors on ``device`` (the default device when None).

    With ``shuffle=True`` every epoch takes a new permutation from one generator, seeded once from
    ``seed`` (or, when None, from tg's generator, so ``tg.manual_seed`` fixes it); with PyTorch's
    ``generator=``, each epoch draws its seed from that generator when it begins, as PyTorch's does,
    so re-seeding it (``g.manual_seed(0)`` or ``g.set_state(s)``) replays an epoch's order. ``state_dict()``
    records the epoch, the position inside it and the generator, so a loader restored with
    ``load_state_dict()`` yields exactly the batches an uninterrupted run would have yielded.

    Datasets with ``get_batch(indices)`` (``TensorDataset`` and its subsets) are read a whole batch
    at a time; others sample by sample, joined by ``collate_fn`` (default: ``default_collate``, which
    also moves the batch to ``device``; your own ``collate_fn(samples)`` returns the batch as it
    wants it). An ``IterableDataset`` is read as a stream of consecutive samples, never shuffled.
    ``batch_size`` is 1 unless given, as in PyTorch; ``batch_size=None`` turns batching off, as
    PyTorch's: each sample (say, a whole batch that an ``IterableDataset`` made) comes out on its own,
    NumPy arrays made Tensors by ``default_convert`` (or passed to ``collate_fn``).
    ``generator=tg.Generator().manual_seed(s)`` may stand for ``seed``. ``sampler`` (indices, e.g. a
    ``SubsetRandomSampler``) replaces ``shuffle``; ``batch_sampler`` (lists of indices) replaces
    ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``, with PyTorch's errors for mixing them.
    ``num_workers``, ``pin_memory`` and PyTorch's other worker options (``timeout``,
    ``worker_init_fn``, ``prefetch_factor``, ``persistent_workers``, ...) are accepted, and checked, as
    in PyTorch, so its loaders run unchanged, and have no effect: samples are always read in this
    process, in order, one batch at a time (so ``worker_init_fn`` is never called, as in PyTorch with
    ``num_workers=0``, and ``get_worker_info()`` is None).
    """

    def __init__(
        self,
        dataset: Dataset | IterableDataset,
        batch_size: int | None = 1,
        shuffle: bool | None = False,
        drop_last: bool = False,
        seed: int | None = None,
        device: str | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        num_workers: int = 0,
        pin_memory: bool = False,
        *,
        sampler: Iterable[int] | None = None,
        batch_sampler: Iterable[list[int]] | None = None,
        generator: Generator | None = None,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if isinstance(dataset, Mapping):
            raise TypeError(
                "DataLoader needs a dataset indexed 0..len-1, got a dict: "
                "wrap its arrays in TensorDataset(x, y)"
            )
        if (
            isinstance(dataset, tuple)
            and len(dataset) > 1
            and all(isinstance(array, (np.ndarray, Tensor)) and array.ndim for array in dataset)
        ):
            # Read as a dataset, (x, y) is two samples, x and y, not pairs of rows.
            raise TypeError(
                "DataLoader got a tuple of arrays, which it would read as one sample per array: "
                "wrap them as DataLoader(TensorDataset(x, y), ...)"
            )
        if isinstance(dataset, Iterator):
            # Each epoch reads the dataset again, and a generator has nothing left after the first.
            raise TypeError(
                f"DataLoader got a {type(dataset).__name__}, which can be read only once, but every "
                "epoch reads the dataset again: subclass tg.data.IterableDataset with an __iter__ that "
                "makes a new generator each time, or collect the samples in a TensorDataset"
            )
        self._stream = isinstance(dataset, IterableDataset) or (
            hasattr(dataset, "__iter__") and not hasattr(dataset, "__getitem__")
        )
        if not self._stream and not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                "DataLoader needs a dataset with __len__ and __getitem__ (or an IterableDataset), "
                f"got {type(dataset).__name__}"
            )
        if batch_size is not None:
            if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
                raise NotAnIntegerError(f"batch_size must be a positive integer or None, got {batch_size!r}")
            if batch_size <= 0:
                raise ValueError(f"batch_size must be a positive integer or None, got {batch_size}")
        elif drop_last is True:
            raise ValueError(
                "DataLoader: batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        shuffle = False if shuffle is None else shuffle  # PyTorch's default, None, is no shuffling
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last), ("pin_memory", pin_memory)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        if self._stream and shuffle:
            raise ValueError(
                f"DataLoader cannot shuffle the stream of {type(dataset).__name__} (an IterableDataset "
                "has no indices to permute): shuffle inside its __iter__, or use a map-style Dataset"
            )
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError(
                "DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                "and drop_last"
            )
        for name, given in (("sampler", sampler), ("batch_sampler", batch_sampler)):
            if given is None:
                continue
            if self._stream:
                raise ValueError(
                    f"DataLoader: {name} needs a dataset with indices, not the stream of "
                    f"{type(dataset).__name__} (an IterableDataset)"
                )
            if not hasattr(given, "__iter__"):
                raise TypeError(f"DataLoader: {name} must be an iterable of indices, got {given!r:.100}")
        if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)) or num_workers < 0:
            raise ValueError(f"num_workers must be an integer >= 0, got {num_workers!r}")
        _check_worker_options(num_workers, timeout, worker_init_fn, prefetch_factor, persistent_workers)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"collate_fn must be a function of a list of samples, got {collate_fn!r:.100}")
        if device is not None:
            from ..backend import canonical_device

            device = canonical_device(device)
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = seed_for(seed, generator, "DataLoader")
        self.device = device
        self.collate_fn = collate_fn
        self.num_workers = int(num_workers)
        self.pin_memory = bool(pin_memory)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self._generator = host_generator(self.seed)
        self._source = generator  # each shuffled epoch draws a seed from it, as PyTorch's sampler
        self._epoch = 0  # epochs begun
        self._epoch_start_state: dict | None = None  # generator state before this epoch's permutation
        self._batches_done = 0  # batches yielded in the current epoch
        self._epoch_finished = False  # the current epoch's last batch has been yielded
        self._resume_at = 0  # batches to skip at the next epoch (after load_state_dict)

    def _dataset_size(self) -> int | None:
        """The number of samples, None for a stream without ``__len__``."""
        if not self._stream:
            return len(self.dataset)
        try:
            return len(self.dataset)
        except TypeError:  # no __len__, or one that says the stream has no length
            return None

    def __len__(self) -> int:
        n = self._dataset_size()
        if n is None:
            raise TypeError(f"this DataLoader's {type(self.dataset).__name__} has no __len__")
        if self.batch_sampler is not None:
            return len(self.batch_sampler)  # type: ignore[arg-type]
        if self.sampler is not None:
            n = len(self.sampler)  # type: ignore[arg-type]
        size = self.batch_size or 1  # None: one sample at a time
        return n // size if self.drop_last else -(-n // size)

    @property
    def epoch(self) -> int:
        """How many epochs have begun."""
        return self._epoch

    def _collate(self, samples: list[Any]) -> Any:
        """The batch of ``samples``; with ``batch_size=None`` the one sample, converted."""
        if self.batch_size is None:
            (sample,) = samples
            return (
                self.collate_fn(sample)
                if self.collate_fn is not None
                else default_convert(sample, self.device)
            )
        if self.collate_fn is not None:
            return self.collate_fn(samples)
        return default_collate(samples, self.device)

    def __iter__(self) -> Iterator[Any]:
        if self.shuffle and not self._resume_at:  # a restored position keeps its restored order
            self._generator = pass_generator(self._source, self._generator)
        self._epoch_start_state = self._generator.bit_generator.state
        self._epoch += 1
        self._batches_done = self._resume_at
        self._resume_at = 0
        self._epoch_finished = False
        batches = self._stream_batches() if self._stream else self._indexed_batches()
        for batch_index, batch in batches:
            self._batches_done = batch_index + 1
            yield batch
        self._epoch_finished = True

    def _batch_indices(self) -> Iterator[np.ndarray]:
        """Each batch's dataset indices, from the batch sampler, the sampler, or the loader's own order."""
        if self.batch_sampler is not None:
            for indices in self.batch_sampler:
                yield np.asarray(indices, dtype=np.int64)
            return
        if self.sampler is not None:
            order = np.fromiter(self.sampler, dtype=np.int64)
        else:
            n = len(self.dataset)
            # Integer indices even in order: fancy indexing copies, so batches never alias the dataset.
            order = self._generator.permutation(n) if self.shuffle else np.arange(n)
        size = self.batch_size or 1
        for batch_index in range(len(self)):
            yield order[batch_index * size : (batch_index + 1) * size]

    def _indexed_batches(self) -> Iterator[tuple[int, Any]]:
        batched = self.collate_fn is None and self.batch_size is not None
        get_batch = getattr(self.dataset, "get_batch", None) if batched else None
        for batch_index, indices in enumerate(self._batch_indices()):
            if batch_index < self._batches_done:
                continue
            if get_batch is not None:
                yield batch_index, tuple(Tensor(array, device=self.device) for array in get_batch(indices))
            else:
                yield batch_index, self._collate([self.dataset[i] for i in indices.tolist()])

    def _stream_batches(self) -> Iterator[tuple[int, Any]]:
        """Consecutive samples of the stream; a resumed epoch reads and drops the batches done."""
        skip, samples, batch_index = self._batches_done, [], 0
        for sample in self.dataset:
            samples.append(sample)
            if len(samples) == (self.batch_size or 1):
                if batch_index >= skip:
                    yield batch_index, self._collate(samples)
                samples, batch_index = [], batch_index + 1
        if samples and not self.drop_last and batch_index >= skip:
            yield batch_index, self._collate(samples)

    def state_dict(self) -> dict:
        """Where the loader stands: plain data (ints, strings) that ``tg.save`` can store."""
        if self.sampler is not None or self.batch_sampler is not None:
            raise ValueError(
                "DataLoader.state_dict: a loader with a sampler or batch_sampler cannot record where its "
                "order stands (the sampler keeps its own random state); for an exact resume use the "
                "loader's own shuffle=True with seed="
            )
        in_epoch = self._epoch_start_state is not None and self._batches_done > 0 and not self._epoch_finished
        if self._resume_at:  # restored, not iterated yet: keep the position it was restored to
            epoch, batch, generator = self._epoch, self._resume_at, self._generator.bit_generator.state
        elif in_epoch and (self._dataset_size() is None or self._batches_done < len(self)):
            epoch, batch, generator = self._epoch - 1, self._batches_done, self._epoch_start_state
        else:
            epoch, batch, generator = self._epoch, 0, self._generator.bit_generator.state
        return {
            "version": LOADER_STATE_VERSION,
            "epoch": epoch,
            "batch": batch,
            "generator": generator,
            "batch_size": self.batch_size,
            "dataset_size": self._dataset_size(),
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue from ``state``: the next ``iter()`` resumes at the saved epoch and batch."""
        if not isinstance(state, dict) or state.get("version") != LOADER_STATE_VERSION:
            raise ValueError(f"not a DataLoader state (version {LOADER_STATE_VERSION}): {state!r:.200}")
        missing = sorted({"epoch", "batch", "generator", "batch_size", "dataset_size"} - state.keys())
        if missing:
            raise ValueError(f"DataLoader state lacks {', '.join(missing)}: it was not made by state_dict()")
        for key, current in (("batch_size", self.batch_size), ("dataset_size", self._dataset_size())):
            if state[key] != current:
                raise ValueError(
                    f"DataLoader state was saved with {key}={state[key]}, but this loader has {key}={current}"
                )
        for key in ("epoch", "batch"):
            value = state[key]
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"DataLoader state: {key} must be a non-negative integer, got {value!r}")
        if state["batch"] and self._dataset_size() is not None and state["batch"] >= len(self):
            # A position at or past the end would silently skip the rest of an epoch.
            raise ValueError(
                f"DataLoader state: batch {state['batch']} is past this loader's {len(self)} batches"
            )
        try:
            self._generator.bit_generator.state = state["generator"]
        except (TypeError, ValueError, KeyError) as error:
            raise ValueError(
                f"DataLoader state: generator is not a state of this loader's "
                f"{type(self._generator.bit_generator).__name__} generator ({error})"
            ) from error
        self._epoch = state["epoch"]
        self._resume_at = state["batch"]
        self._batches_done = 0
        self._epoch_start_state = None
