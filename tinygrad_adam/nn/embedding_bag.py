"""Bags of embeddings, as PyTorch 2.13's ``F.embedding_bag`` and ``nn.EmbeddingBag``: the sum, mean
or element-wise max of the table rows each bag of indices looks up, without building the
(bags, indices, dim) tensor a user would otherwise reduce themselves.

Bags are the rows of a 2-D index tensor, or the slices of a 1-D one that ``offsets`` start. Here
they are laid out as a (bags, longest bag) grid of positions, with a mask for the empty slots and
for ``padding_idx`` entries (which count for nothing, not even in the mean); the rows are read once
with ``F.embedding`` (so ``max_norm`` and ``scale_grad_by_freq`` work as there) and reduced over
the grid. Gradients come from the tensor ops: each row's gradient adds back into its table row.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..tensor import DType, InvalidArgumentError, Tensor, randn, where
from . import functional as F
from .module import Module, Parameter

MODES = ("sum", "mean", "max")


class BagIndexError(IndexError, RuntimeError):
    """An index outside the table: F.embedding's IndexError, and the RuntimeError PyTorch's
    embedding_bag raises."""


def _indices(value: Any, weight: Tensor, name: str) -> Tensor:
    if not isinstance(value, Tensor):
        if np.asarray(value).dtype.kind not in "iu":
            raise TypeError(f"embedding_bag: {name} must be an integer Tensor, got {type(value).__name__}")
        value = Tensor(np.asarray(value), device=weight.device)
    if value.dtype.kind not in "iu":
        raise F.DtypeMismatchError(
            f"embedding_bag: {name} must hold integers (int64 or int32), got {value.dtype}"
        )
    return value


def _bag_bounds(offsets: Tensor, length: int, include_last_offset: bool) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of each bag of a 1-D input of ``length`` entries (one host read of ``offsets``)."""
    if offsets.ndim != 1:
        raise ValueError(f"embedding_bag: offsets has to be a 1-D tensor, got shape {offsets.shape}")
    bounds = offsets.numpy().astype(np.int64)
    if include_last_offset and bounds.size == 0:
        raise ValueError("embedding_bag: include_last_offset=True needs at least one offset (the end)")
    if bounds.size and bounds[0] != 0:
        raise InvalidArgumentError(
            "embedding_bag: offsets[0] has to be 0, i.e., the first bag has to start at position 0, "
            f"got {bounds[0]}"
        )
    if np.any(np.diff(bounds) < 0):
        raise InvalidArgumentError(f"embedding_bag: offsets must not decrease, got {bounds.tolist()}")
    if bounds.size and bounds[-1] > length:
        raise InvalidArgumentError(
            f"embedding_bag: offsets[-1] can not be greater than the input's length {length}, "
            f"got {bounds[-1]}"
        )
    if include_last_offset:
        # The CSR layout the docs define; PyTorch's kernels disagree (by mode, with or without grad)
        # about a last offset short of the end, so it is refused rather than guessed.
        if bounds[-1] != length:
            raise ValueError(
                "embedding_bag: with include_last_offset=True the last offset must equal the input's "
                f"length {length} (where the last bag ends), got {bounds[-1]}"
            )
        return bounds[:-1], bounds[1:]
    return bounds, np.append(bounds[1:], length).astype(np.int64)


def _bag_grid(
    input: Tensor, offsets: Any, weight: Tensor, include_last_offset: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(positions, filled), both (bags, longest bag): where in the flattened ``input`` each bag's
    entries sit (0 in empty slots), and which slots hold an entry."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "embedding_bag: if input is 2-D (bags, n), offsets has to be None, as each row is a bag; "
                f"got offsets of type {'Tensor' if isinstance(offsets, Tensor) else type(offsets).__name__}"
            )
        bags, longest = input.shape
        positions = np.arange(bags * longest, dtype=np.int64).reshape(bags, longest)
        return positions, np.ones((bags, longest), dtype=bool)
    if input.ndim != 1:
        raise ValueError(f"embedding_bag: input has to be 1-D or 2-D, got shape {input.shape}")
    if offsets is None:
        raise ValueError("embedding_bag: a 1-D input needs offsets, where each bag starts")
    starts, ends = _bag_bounds(_indices(offsets, weight, "offsets"), input.shape[0], include_last_offset)
    lengths = ends - starts
    slots = np.arange(int(lengths.max()) if starts.size else 0, dtype=np.int64)
    filled = slots < lengths[:, None]
    return np.where(filled, starts[:, None] + slots, 0), filled


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """(bags, embedding_dim): for each bag, the ``mode`` ("sum", "mean" or "max") of the rows of
    ``weight`` its indices look up, as ``torch.nn.functional.embedding_bag``.

    ``input`` is (bags, n), a bag per row, or 1-D with ``offsets`` giving where each bag starts
    (``include_last_offset=True``: one more offset, where the last bag ends). ``per_sample_weights``
    (mode "sum" only, ``input``'s shape) scale each looked-up row; entries equal to ``padding_idx``
    are left out; an empty bag gives zeros. ``max_norm``, ``norm_type`` and ``scale_grad_by_freq``
    as in ``F.embedding``; there are no sparse gradients.
    """
    if (
        isinstance(input, Tensor)
        and isinstance(weight, Tensor)
        and input.dtype.kind == "f"
        and weight.dtype.kind in "iu"
    ):
        warnings.warn(
            "embedding_bag: the argument order changed; call embedding_bag(input, weight, ...), not "
            "embedding_bag(weight, input, ...) (swapped here, as PyTorch does)",
            stacklevel=2,
        )
        input, weight = weight, input
    if not isinstance(weight, Tensor) or weight.ndim != 2 or weight.dtype.kind != "f":
        what = (
            f"shape {weight.shape} and dtype {weight.dtype}"
            if isinstance(weight, Tensor)
            else type(weight).__name__
        )
        raise ValueError(
            f"embedding_bag: the weight must be a 2-D float tensor (num_embeddings, dim), got {what}"
        )
    if mode not in MODES:
        raise ValueError(f"embedding_bag: mode has to be one of {MODES}, got {mode!r}")
    F.check_embedding_options(max_norm, norm_type, sparse, "embedding_bag")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("embedding_bag: max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights is only supported for mode='sum' (got mode={mode!r})"
        )
    input = _indices(input, weight, "input")
    num_embeddings, dim = weight.shape
    padding_idx = F.check_padding_idx(padding_idx, num_embeddings, "embedding_bag")
    positions, filled = _bag_grid(input, offsets, weight, include_last_offset)
    bags, longest = positions.shape
    if per_sample_weights is not None:
        if not isinstance(per_sample_weights, Tensor) or per_sample_weights.shape != input.shape:
            got = (
                per_sample_weights.shape
                if isinstance(per_sample_weights, Tensor)
                else type(per_sample_weights).__name__
            )
            raise ValueError(
                f"embedding_bag: per_sample_weights must have the input's shape {input.shape}, got {got}"
            )
        if per_sample_weights.dtype != weight.dtype:
            raise TypeError(
                f"embedding_bag: per_sample_weights is {per_sample_weights.dtype} but the weight "
                f"{weight.dtype}"
            )
    if bags * longest == 0:  # only empty bags: zeros, still connected to the (empty) inputs
        empty = weight[:0].sum(0) + weight.new_zeros((bags, dim))
        return empty if per_sample_weights is None else empty + per_sample_weights.sum() * 0
    flat = input.reshape(-1)
    try:
        rows = F.embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq)
    except IndexError as error:
        raise BagIndexError(str(error).replace("embedding:", "embedding_bag:", 1)) from None
    grid = Tensor(positions, device=weight.device)
    in_bag = Tensor(filled, device=weight.device)
    if padding_idx is not None:
        in_bag = in_bag & (flat[grid] != padding_idx)
    grid_rows = rows[grid]  # (bags, longest, dim)
    if mode == "max":
        largest = where(in_bag.unsqueeze(-1), grid_rows, float("-inf")).amax(axis=1)
        return where(in_bag.any(axis=1, keepdims=True), largest, 0.0)
    scale = in_bag.astype(weight.dtype)
    if per_sample_weights is not None:
        scale = scale * per_sample_weights.reshape(-1)[grid]
    total = (grid_rows * scale.unsqueeze(-1)).sum(1)
    if mode == "sum":
        return total
    return total / in_bag.astype(weight.dtype).sum(1, keepdim=True).maximum(1.0)


class EmbeddingBag(Module):
    """A lookup table whose bags of rows are reduced at once: ``F.embedding_bag`` with the table
    ``weight`` (num_embeddings, embedding_dim), drawn from N(0, 1) as in PyTorch, its
    ``padding_idx`` row (if given) starting at zero. ``forward(input, offsets=None,
    per_sample_weights=None)``; arguments, defaults and repr are ``torch.nn.EmbeddingBag``'s."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Tensor | None = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"EmbeddingBag: {name} must be a positive integer, got {value!r}")
        if mode not in MODES:
            raise ValueError(f"EmbeddingBag: mode has to be one of {MODES}, got {mode!r}")
        F.check_embedding_options(max_norm, norm_type, sparse, "EmbeddingBag")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, bool(scale_grad_by_freq)
        self.mode, self.sparse, self.include_last_offset = mode, False, bool(include_last_offset)
        self.padding_idx = F.check_padding_idx(padding_idx, self.num_embeddings, "EmbeddingBag")
        if _weight is None:
            self.weight = Parameter(
                randn(self.num_embeddings, self.embedding_dim, dtype=dtype, device=device)
            )
            self._zero_padding_row()
        else:
            if not isinstance(_weight, Tensor) or _weight.shape != (self.num_embeddings, self.embedding_dim):
                got = _weight.shape if isinstance(_weight, Tensor) else type(_weight).__name__
                raise ValueError(
                    f"EmbeddingBag: _weight must be a tensor of shape ({self.num_embeddings}, "
                    f"{self.embedding_dim}), got {got}"
                )
            self.weight = Parameter(_weight.detach().clone())

    def _zero_padding_row(self) -> None:
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def reset_parameters(self) -> None:
        """The table redrawn from N(0, 1), its padding row back to zero."""
        with no_grad():
            self.weight.copy_(randn(*self.weight.shape, dtype=self.weight.dtype, device=self.weight.device))
        self._zero_padding_row()

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag whose table is a copy of the 2-D float tensor ``embeddings``, frozen unless
        ``freeze=False``; its ``padding_idx`` row is kept as given."""
        if not isinstance(embeddings, Tensor):
            embeddings = Tensor(np.asarray(embeddings))
        if embeddings.ndim != 2 or embeddings.dtype.kind != "f":
            raise ValueError(
                "EmbeddingBag.from_pretrained: embeddings must be a 2-D float tensor (num_embeddings, "
                f"embedding_dim), got shape {embeddings.shape} and dtype {embeddings.dtype}"
            )
        rows, dim = embeddings.shape
        layer = cls(rows, dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                    include_last_offset, padding_idx)  # fmt: skip
        layer.weight.requires_grad_(not freeze)
        return layer

    def forward(
        self, input: Tensor, offsets: Tensor | None = None, per_sample_weights: Tensor | None = None
    ) -> Tensor:
        return embedding_bag(
            input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq, self.mode,
            False, per_sample_weights, self.include_last_offset, self.padding_idx,
        )  # fmt: skip

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        text += f", mode={self.mode!r}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
