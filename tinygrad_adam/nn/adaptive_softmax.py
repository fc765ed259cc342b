"""Adaptive softmax (Grave et al., 2017, "Efficient softmax approximation for GPUs") as PyTorch's
``nn.AdaptiveLogSoftmaxWithLoss``.

Classes are split by ``cutoffs`` into a frequent shortlist and rarer clusters. The head scores the
shortlist and one entry per cluster; cluster i has its own two-layer projection, through a hidden
size of in_features / div_value^(i+1), to its classes. The log-probability of a class in cluster i is
log p_head(cluster i) + log p_i(class), so only the rows whose targets lie in a cluster pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..tensor import DType, DtypeMismatchError, Tensor, cat, zeros
from .layers import Linear
from .module import Module, ModuleList, Sequential

__all__ = ["AdaptiveLogSoftmaxWithLoss"]


class _ASMoutput(NamedTuple):
    """What ``forward`` returns, as PyTorch's: each target's log-probability, and the mean loss."""

    output: Tensor
    loss: Tensor


class AdaptiveLogSoftmaxWithLoss(Module):
    """``torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0,
    head_bias=False)``: ``forward(input, target)`` gives ``(output, loss)``, the target classes'
    log-probabilities and their negative mean; ``log_prob(input)`` all classes' log-probabilities;
    ``predict(input)`` the most probable class."""

    def __init__(
        self,
        in_features: int,
        n_classes: int,
        cutoffs: Sequence[int],
        div_value: float = 4.0,
        head_bias: bool = False,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (
            cutoffs != sorted(cutoffs)
            or min(cutoffs) <= 0
            or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs)
            or any(int(c) != c for c in cutoffs)
        ):
            raise ValueError(
                "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, "
                f"where each value is between 1 and n_classes-1 (n_classes={n_classes}), got {cutoffs}"
            )
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = [int(c) for c in cutoffs] + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        options = {"device": device, "dtype": dtype}
        self.head = Linear(in_features, self.head_size, bias=head_bias, **options)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            classes = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hidden, bias=False, **options),
                    Linear(hidden, classes, bias=False, **options),
                )
            )

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for to_hidden, to_classes in self.tail:
            to_hidden.reset_parameters()
            to_classes.reset_parameters()

    def forward(self, input: Tensor, target: Tensor) -> _ASMoutput:
        if not isinstance(input, Tensor) or not isinstance(target, Tensor):
            raise TypeError("AdaptiveLogSoftmaxWithLoss: input and target must be Tensors")
        if target.dtype.kind not in "iu":
            raise DtypeMismatchError(
                f"AdaptiveLogSoftmaxWithLoss: target must hold class indices, got {target.dtype}"
            )
        if target.ndim == 1:
            if input.shape[0] != target.shape[0]:
                raise RuntimeError(
                    "Input and target should have the same size in the batch dimension "
                    f"(input {input.shape}, target {target.shape})."
                )
            if input.ndim != 2:
                raise RuntimeError(
                    f"1D target tensor expects 2D input tensors, but found inputs with size {input.shape}"
                )
        elif target.ndim == 0:
            if input.ndim != 1:
                raise RuntimeError(
                    f"0D target tensor expects 1D input tensors, but found inputs with size {input.shape}"
                )
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = target.ndim > 0
        input, target = (input, target) if batched else (input.unsqueeze(0), target.unsqueeze(0))
        labels = target.numpy().astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes):
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{labels.min()}, {labels.max()}] were found."
            )
        output = zeros(labels.shape[0], dtype=input.dtype, device=input.device)
        head_entries = labels.copy()  # a shortlist class, or the entry of the cluster that holds it
        for i, (low, high) in enumerate(zip(self.cutoffs[:-1], self.cutoffs[1:], strict=True)):
            rows = np.nonzero((labels >= low) & (labels < high))[0]
            if rows.size == 0:
                continue
            head_entries[rows] = self.shortlist_size + i
            where_rows = Tensor(rows, device=input.device)
            cluster_logprob = self.tail[i](input[where_rows]).log_softmax(1)
            relative = Tensor(labels[rows] - low, device=input.device).unsqueeze(1)
            output = output.scatter(0, where_rows, cluster_logprob.gather(1, relative).squeeze(1))
        head_logprob = self.head(input).log_softmax(1)
        entries = Tensor(head_entries, device=input.device).unsqueeze(1)
        output = output + head_logprob.gather(1, entries).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        """All classes' log-probabilities: the shortlist's from the head, each cluster's its own
        plus the head's log-probability of the cluster."""
        head_logprob = head_output.log_softmax(1)
        pieces = [head_logprob[:, : self.shortlist_size]]
        for i, cluster in enumerate(self.tail):
            cluster_logprob = cluster(input).log_softmax(1)
            pieces.append(cluster_logprob + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return cat(pieces, 1)

    def log_prob(self, input: Tensor) -> Tensor:
        """The log-probabilities of all classes: (N, n_classes) for an (N, in_features) input."""
        return self._full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:
        """The most probable class of each row: ``log_prob(input).argmax(1)``, computing the clusters
        only for the rows whose head's best entry is a cluster."""
        head_output = self.head(input)
        output = head_output.argmax(1)
        outside = output >= self.shortlist_size
        rows = np.nonzero(outside.numpy())[0]
        if rows.size == 0:
            return output
        where_rows = Tensor(rows, device=input.device)
        best = self._full_log_prob(input[where_rows], head_output[where_rows]).argmax(1)
        return output.scatter(0, where_rows, best)
