"""Sequences of different lengths for recurrent layers, as ``torch.nn.utils.rnn`` (here
``tg.nn.utils.rnn``): ``pad_sequence``, and the packed form that ``RNN``, ``LSTM`` and ``GRU``
read without running over the padding: ``PackedSequence``, ``pack_padded_sequence``,
``pad_packed_sequence``, ``pack_sequence``; and back to lists: ``unpad_sequence``,
``unpack_sequence``.

A packed sequence keeps only the real steps, time-major: step 0 of every sequence, then step 1 of
those still running, and so on, with the sequences sorted longest first; ``batch_sizes[t]`` says
how many run at step t. Every op here is slicing, concatenation or indexing, so gradients flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ...tensor import InvalidArgumentError, Tensor, concatenate, full, stack, tensor

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


class PackedSequence(NamedTuple):
    """``torch.nn.utils.rnn.PackedSequence``: ``data`` (total steps, *features) time-major,
    ``batch_sizes`` (int64, on the host: how many sequences run at each step), and the
    permutation that sorted the batch by length (None when it came sorted) and its inverse."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None


def pad_sequence(
    sequences: Sequence[Tensor] | Tensor,
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences of shapes (L_i, *) into (L_max, B, *), or (B, L_max, *) with
    ``batch_first``, filling the missing steps with ``padding_value`` on ``padding_side``
    ("right", the default, or "left")."""
    if padding_side not in ("right", "left"):
        raise InvalidArgumentError(
            f"pad_sequence: padding_side must be 'right' or 'left', got {padding_side!r}"
        )
    sequences = list(sequences)
    if not sequences:
        raise InvalidArgumentError("pad_sequence: received an empty list of sequences")
    for position, sequence in enumerate(sequences):
        if not isinstance(sequence, Tensor) or sequence.ndim == 0:
            kind = "a 0-d tensor" if isinstance(sequence, Tensor) else type(sequence).__name__
            raise TypeError(f"pad_sequence: sequence {position} must be a tensor of shape (L, *), got {kind}")
        if sequence.shape[1:] != sequences[0].shape[1:]:
            raise InvalidArgumentError(  # PyTorch's RuntimeError
                f"pad_sequence: every sequence needs the trailing shape {sequences[0].shape[1:]} of "
                f"sequence 0, sequence {position} has shape {sequence.shape}"
            )
    longest = max(sequence.shape[0] for sequence in sequences)
    padded = []
    for sequence in sequences:
        missing = longest - sequence.shape[0]
        if missing:
            shape = (missing, *sequence.shape[1:])
            padding = full(shape, padding_value, dtype=sequence.dtype, device=sequence.device)
            sequence = concatenate([sequence, padding] if padding_side == "right" else [padding, sequence])
        padded.append(sequence)
    return stack(padded, axis=0 if batch_first else 1)


def _host_lengths(
    lengths: Any, batch: int, owner: str = "pack_padded_sequence", floats: bool = False
) -> np.ndarray:
    """``lengths`` as int64 on the host; ``floats`` takes float or bool lengths too, truncated
    toward zero as PyTorch's ``torch.as_tensor(lengths, dtype=torch.int64)`` in pack_padded_sequence."""
    values = lengths.numpy() if isinstance(lengths, Tensor) else np.asarray(lengths)
    if floats and values.dtype.kind in "fb":
        values = np.where(np.isfinite(values), np.trunc(values), 0).astype(np.int64)  # NaN, inf: no length
    if values.ndim != 1 or values.dtype.kind not in "iu":
        raise TypeError(f"{owner}: lengths must be a 1-D list of integers, got {values!r}")
    if len(values) != batch:
        raise InvalidArgumentError(
            f"{owner}: {len(values)} lengths for a batch of {batch} sequences (one length each)"
        )
    if np.any(values <= 0):
        raise InvalidArgumentError(f"{owner}: every length must be greater than 0, got {values.tolist()}")
    return values.astype(np.int64)


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch (T, B, *) — (B, T, *) with ``batch_first`` — whose sequence b has
    ``lengths[b]`` real steps. With ``enforce_sorted`` the lengths must already decrease; else
    the batch is sorted here and the permutation kept, so unpacking restores the order."""
    if not isinstance(input, Tensor) or input.ndim < 2:
        raise TypeError("pack_padded_sequence: input must be a tensor of shape (T, B, *) or (B, T, *)")
    if batch_first:
        input = input.transpose(0, 1)
    lengths = _host_lengths(lengths, input.shape[1], floats=True)
    if lengths.max() > input.shape[0]:
        raise ValueError(
            f"pack_padded_sequence: a length of {lengths.max()} is longer than the {input.shape[0]} steps "
            "of the padded input"
        )
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise InvalidArgumentError(
                f"pack_padded_sequence: lengths {lengths.tolist()} must be sorted in decreasing order when "
                "enforce_sorted is True; pass enforce_sorted=False to sort them here"
            )
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = tensor(order, device=input.device)
        unsorted_indices = tensor(np.argsort(order), device=input.device)
        input, lengths = input[:, sorted_indices], lengths[order]
    batch_sizes = (lengths[None, :] > np.arange(lengths.max())[:, None]).sum(axis=1)
    data = concatenate([input[t, :size] for t, size in enumerate(batch_sizes.tolist())])
    return PackedSequence(data, tensor(batch_sizes.astype(np.int64)), sorted_indices, unsorted_indices)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: the padded batch (T, B, *) — (B, T, *) with ``batch_first``,
    T = ``total_length`` if given — in the original batch order, and the lengths (int64)."""
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence: expected a PackedSequence, got {type(sequence).__name__}")
    padded, lengths = padded_in_sorted_order(sequence, padding_value)
    if total_length is not None:
        if total_length < padded.shape[0]:
            raise ValueError(
                f"pad_packed_sequence: total_length={total_length} is shorter than the longest sequence "
                f"({padded.shape[0]} steps)"
            )
        if total_length > padded.shape[0]:
            shape = (total_length - padded.shape[0], *padded.shape[1:])
            padding = full(shape, padding_value, dtype=padded.dtype, device=padded.device)
            padded = concatenate([padded, padding])
    if sequence.unsorted_indices is not None:
        padded = padded[:, sequence.unsorted_indices]
        lengths = lengths[sequence.unsorted_indices.numpy()]
    return (padded.transpose(0, 1) if batch_first else padded), tensor(lengths)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) directly: ``pad_sequence`` then ``pack_padded_sequence``."""
    sequences = list(sequences)
    lengths = [sequence.shape[0] if isinstance(sequence, Tensor) else 0 for sequence in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths: Any, batch_first: bool = False) -> list[Tensor]:
    """Undo ``pad_sequence``: the list of sequences ``padded[:lengths[b], b]`` (batch on axis 0 with
    ``batch_first``)."""
    if not isinstance(padded_sequences, Tensor) or padded_sequences.ndim < 2:
        raise TypeError("unpad_sequence: padded_sequences must be a tensor of shape (T, B, *) or (B, T, *)")
    padded = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    lengths = _host_lengths(lengths, padded.shape[0], "unpad_sequence")
    if lengths.max() > padded.shape[1]:
        raise ValueError(
            f"unpad_sequence: a length of {lengths.max()} is longer than the {padded.shape[1]} padded steps"
        )
    return [padded[b, :length] for b, length in enumerate(lengths.tolist())]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Undo ``pack_sequence``: the list of sequences (L_i, *) in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def padded_in_sorted_order(sequence: PackedSequence, padding_value: float = 0.0) -> tuple[Tensor, np.ndarray]:
    """(T, B, *) with the batch still sorted longest first, and the host lengths in that order:
    what a recurrent layer runs on."""
    batch_sizes = sequence.batch_sizes.numpy().tolist()
    batch, data = batch_sizes[0], sequence.data
    steps, start = [], 0
    for size in batch_sizes:
        step = data[start : start + size]
        start += size
        if size < batch:
            shape = (batch - size, *data.shape[1:])
            step = concatenate([step, full(shape, padding_value, dtype=data.dtype, device=data.device)])
        steps.append(step)
    lengths = (np.asarray(batch_sizes)[None, :] > np.arange(batch)[:, None]).sum(axis=1)
    return stack(steps), lengths


def packed_from_sorted(padded: Tensor, like: PackedSequence) -> PackedSequence:
    """Pack (T, B, *) whose batch is sorted as ``like``'s, with ``like``'s step counts."""
    sizes = like.batch_sizes.numpy().tolist()
    data = concatenate([padded[t, :size] for t, size in enumerate(sizes)])
    return PackedSequence(data, like.batch_sizes, like.sorted_indices, like.unsorted_indices)
