"""Connectionist temporal classification, PyTorch's ``F.ctc_loss`` and ``nn.CTCLoss``.

The loss of a target l = (l₁ … l_L) under per-frame log-probabilities y is -log p(l | y), summed
over every alignment of l to the frames (Graves et al., 2006, "Connectionist Temporal
Classification", eqs. 5-16). l is extended to l' = (b, l₁, b, l₂, …, l_L, b) with the blank b and

    α_t(s) = (α_{t-1}(s) + α_{t-1}(s-1) [+ α_{t-1}(s-2) if l'_s ≠ b and l'_s ≠ l'_{s-2}]) · y_t(l'_s)
    p(l | y) = α_{T-1}(|l'| - 1) + α_{T-1}(|l'| - 2),

computed in log space, one frame at a time for the whole batch at once. β runs the same recursion
from the last frame backwards; the gradient is PyTorch's (LossCTC.cpp):

    ∂loss/∂y_t(c) ← exp(log y_t(c)) - exp(log Σ_{s: l'_s = c} α_t(s) β_t(s) + loss - log y_t(c)),

the gradient through a log-softmax folded in (so the first term is the softmax); with
log-probabilities from ``log_softmax``, the gradient reaching the logits is the true one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Function, is_grad_enabled
from ..tensor import Tensor, tensor
from .functional import ShapeMismatchError, ValueOutOfRangeError, check_reduction, check_tensor
from .module import Module


def ctc_loss(
    log_probs: Tensor,
    targets: Any,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """PyTorch's ``F.ctc_loss``: ``log_probs`` (T, N, C) (or (T, C) for one sequence) from a
    log-softmax over C classes; ``targets`` padded (N, S) or all targets concatenated (1-D);
    ``input_lengths`` / ``target_lengths`` per sequence. A target that cannot fit its frames has
    loss inf (0 with ``zero_infinity``, which also zeroes its gradient); ``reduction='mean'``
    divides each loss by its target length, then averages over the batch."""
    check_tensor(log_probs, "ctc_loss")
    reduction = check_reduction(reduction)
    if log_probs.dtype.kind != "f":
        raise TypeError(f"ctc_loss: log_probs must be floating point, got {log_probs.dtype}")
    if log_probs.ndim not in (2, 3):
        raise ShapeMismatchError(
            f"ctc_loss: log_probs must be (T, N, C) or (T, C), got shape {log_probs.shape}"
        )
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
    frames, batch, classes = log_probs.shape
    if isinstance(blank, bool) or not isinstance(blank, (int, np.integer)) or not 0 <= blank < classes:
        raise ValueOutOfRangeError(f"ctc_loss: blank must be in label range [0, {classes}), got {blank!r}")
    input_lengths = _lengths(input_lengths, batch, frames, "input_lengths")
    target_lengths = _lengths(target_lengths, batch, None, "target_lengths")
    labels = _padded_targets(targets, target_lengths, batch, classes, unbatched)
    extended = np.full((batch, 2 * labels.shape[1] + 1), blank, dtype=np.int64)
    extended[:, 1::2] = labels
    loss = CTCNegativeLogLikelihood.apply(
        log_probs,
        extended=extended,
        input_lengths=input_lengths,
        target_lengths=target_lengths,
        blank=int(blank),
        zero_infinity=bool(zero_infinity),
        needs_gradient=log_probs.requires_grad and is_grad_enabled(),
    )
    if reduction == "mean":
        divisors = np.maximum(target_lengths, 1).astype(log_probs.dtype)
        return (loss / tensor(divisors, device=log_probs.device)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.squeeze(0) if unbatched else loss


def _lengths(lengths: Any, batch: int, frames: int | None, name: str) -> np.ndarray:
    """Per-sequence lengths (a Tensor, a list or an int) on the host, checked as PyTorch does."""
    if isinstance(lengths, Tensor):
        if lengths.dtype.kind not in "iu":
            raise TypeError(f"ctc_loss: {name} must hold integers, got {lengths.dtype}")
        values = lengths.numpy().reshape(-1)
    else:
        listed = list(lengths) if isinstance(lengths, (tuple, list)) else [lengths]
        if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in listed):
            raise TypeError(f"ctc_loss: {name} must be ints or an integer Tensor, got {lengths!r}")
        values = np.asarray(listed, dtype=np.int64)
    if values.size != batch:
        raise ShapeMismatchError(f"ctc_loss: {name} must be of size batch_size {batch}, got {values.size}")
    values = values.astype(np.int64)
    if values.size and values.min() < 0:
        raise ValueOutOfRangeError(f"ctc_loss: expected {name} to have values at least 0, got {values.min()}")
    if frames is not None and values.size and values.max() > frames:
        raise ValueOutOfRangeError(
            f"ctc_loss: expected {name} to have values at most T = {frames}, got {values.max()}"
        )
    return values


def _padded_targets(
    targets: Any, target_lengths: np.ndarray, batch: int, classes: int, unbatched: bool
) -> np.ndarray:
    """The targets as an (N, max length) host array, from padded (N, S) or concatenated 1-D ones."""
    if isinstance(targets, Tensor):
        host = targets.numpy()
    else:
        host = np.asarray(targets)
    if host.dtype.kind == "f" and np.all(host == np.floor(host)):
        host = host.astype(np.int64)  # PyTorch takes integral float targets too
    if host.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: targets must hold class indices (integers), got {host.dtype}")
    longest = int(target_lengths.max()) if target_lengths.size else 0
    padded = np.zeros((batch, longest), dtype=np.int64)
    if host.ndim == 2 and not unbatched:
        if host.shape[0] != batch or host.shape[1] < longest:
            raise ShapeMismatchError(
                f"ctc_loss: padded targets must be (N={batch}, S >= {longest}), got shape {host.shape}"
            )
        for row, length in enumerate(target_lengths):
            padded[row, :length] = host[row, :length]
    elif host.ndim == 1:
        total = int(target_lengths.sum())
        if host.shape[0] != total if not unbatched else host.shape[0] < total:
            raise ShapeMismatchError(
                f"ctc_loss: concatenated targets must hold sum(target_lengths) = {total} labels, "
                f"got {host.shape[0]}"
            )
        starts = np.concatenate([[0], np.cumsum(target_lengths)])
        for row, length in enumerate(target_lengths):
            padded[row, :length] = host[starts[row] : starts[row] + length]
    else:
        expected = "a 1-d target" if unbatched else "(N, S) padded or 1-d concatenated targets"
        raise ShapeMismatchError(f"ctc_loss: expected {expected}, got shape {host.shape}")
    used = np.arange(longest)[None, :] < target_lengths[:, None]
    if np.any(used & ((padded < 0) | (padded >= classes))):
        raise ValueOutOfRangeError(f"ctc_loss: target labels must lie in [0, {classes}), got {padded[used]}")
    return padded


class CTCNegativeLogLikelihood(Function):
    """-log p(l | y) per sequence (N,), by the α recursion; β and the gradient are made in the same
    call when a gradient will be asked for (PyTorch's backward likewise reuses the forward's α)."""

    def forward(
        self,
        log_probs: Any,
        extended: np.ndarray,
        input_lengths: np.ndarray,
        target_lengths: np.ndarray,
        blank: int,
        zero_infinity: bool,
        needs_gradient: bool,
    ) -> Any:
        xp, backend = self.xp, self.backend
        frames, batch, classes = log_probs.shape
        width = extended.shape[1]
        dtype = log_probs.dtype
        positions = np.arange(width)[None, :]
        ends = 2 * target_lengths[:, None]  # the last blank of each l'
        valid = backend.asarray(positions <= ends)
        skip = np.zeros(extended.shape, dtype=bool)  # α_{t-1}(s-2) may feed α_t(s)
        skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
        skip_into = backend.asarray(skip)
        skip_from = backend.asarray(np.concatenate([skip[:, 2:], np.zeros((batch, 2), bool)], axis=1))
        flat = backend.asarray((np.arange(batch)[:, None] * classes + extended).reshape(-1))
        emitted = xp.reshape(
            xp.take(xp.reshape(log_probs, (frames, batch * classes)), flat, axis=1), (frames, batch, width)
        )  # log y_t(l'_s)
        none = xp.full((batch, width), -np.inf, dtype=dtype, **backend.creation_kwargs)

        alphas = [xp.where(valid & backend.asarray(positions <= 1), emitted[0, ...], none)] if frames else []
        for t in range(1, frames):
            previous = alphas[-1]
            total = _log_add(
                xp,
                previous,
                _shift(xp, previous, 1, none),
                xp.where(skip_into, _shift(xp, previous, 2, none), none),
            )
            alphas.append(xp.where(valid, total + emitted[t, ...], none))

        last = np.maximum(input_lengths - 1, 0)
        if frames:
            alpha = xp.stack(alphas)
            at_end = xp.reshape(alpha, (frames * batch * width,))
            final = backend.asarray(last * batch * width + np.arange(batch) * width + ends[:, 0])
            before = backend.asarray(
                last * batch * width + np.arange(batch) * width + np.maximum(ends[:, 0] - 1, 0)
            )
            has_label = backend.asarray(target_lengths > 0)
            log_likelihood = _log_add(
                xp,
                xp.take(at_end, final, axis=0),
                xp.where(has_label, xp.take(at_end, before, axis=0), none[:, 0]),
                none[:, 0],
            )
        else:
            alpha = xp.full((0, batch, width), -np.inf, dtype=dtype, **backend.creation_kwargs)
            log_likelihood = none[:, 0]
        # No frames: the empty target is certain, any other impossible.
        no_frames = backend.asarray(input_lengths == 0)
        empty = backend.asarray(target_lengths == 0)
        zero = xp.zeros((batch,), dtype=dtype, **backend.creation_kwargs)
        log_likelihood = xp.where(no_frames, xp.where(empty, zero, none[:, 0]), log_likelihood)
        loss = -log_likelihood
        impossible = xp.isinf(loss)

        if needs_gradient:  # β, and the gradient, only where backward will ask for it
            betas: list[Any] = [none] * frames
            following = none
            for t in range(frames - 1, -1, -1):
                starting = backend.asarray((last == t)[:, None] & (positions >= ends - 1))
                running = backend.asarray((t < last)[:, None])
                total = _log_add(
                    xp,
                    following,
                    _shift(xp, following, -1, none),
                    xp.where(skip_from, _shift(xp, following, -2, none), none),
                )
                beta = xp.where(starting, emitted[t, ...], xp.where(running, total + emitted[t, ...], none))
                betas[t] = following = xp.where(valid, beta, none)

            beta = xp.stack(betas) if frames else alpha
            # Occupation Σ_{s: l'_s = c} α_t(s) β_t(s) / (p(l) y_t(c)), summed per class by a one-hot product.
            joint = alpha + beta
            reached = ~xp.isinf(joint)
            exponent = xp.where(
                reached,
                joint + xp.where(impossible, zero, loss)[None, :, None] - xp.where(reached, emitted, 0.0),
                -xp.inf,
            )
            one_hot = xp.astype(backend.asarray(extended[:, :, None] == np.arange(classes)), dtype)
            occupied = xp.permute_dims(
                xp.matmul(xp.permute_dims(xp.exp(exponent), (1, 0, 2)), one_hot), (1, 0, 2)
            )
            gradient = xp.exp(log_probs) - occupied
            in_sequence = backend.asarray((np.arange(frames)[:, None] < input_lengths[None, :])[:, :, None])
            nan = xp.full((), np.nan, dtype=dtype, **backend.creation_kwargs)
            gradient = xp.where(impossible[None, :, None], nan, gradient)  # PyTorch's -inf + inf
            if zero_infinity:
                gradient = xp.where(impossible[None, :, None], 0.0, gradient)
            self.gradient = xp.where(in_sequence, gradient, 0.0)
        if zero_infinity:
            loss = xp.where(impossible, zero, loss)
        return loss

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (Tensor._wrap(self.gradient, self.backend) * grad.reshape(1, -1, 1),)


def _shift(xp: Any, values: Any, by: int, none: Any) -> Any:
    """``values`` moved ``by`` places along the last axis (right if positive), -inf (from ``none``)
    filling in."""
    fill = none[:, : abs(by)]
    if by > 0:
        return xp.concat([fill, values[:, :-by]], axis=1)
    return xp.concat([values[:, -by:], fill], axis=1)


def _log_add(xp: Any, a: Any, b: Any, c: Any) -> Any:
    """log(eᵃ + eᵇ + eᶜ), -inf where all three are, without a 0 · inf on the way."""
    largest = xp.maximum(xp.maximum(a, b), c)
    nothing = xp.isinf(largest) & (largest < 0)
    shift = xp.where(nothing, 0.0, largest)
    total = xp.exp(a - shift) + xp.exp(b - shift) + xp.exp(c - shift)
    return xp.where(nothing, -xp.inf, shift + xp.log(xp.where(nothing, 1.0, total)))


class CTCLoss(Module):
    """``torch.nn.CTCLoss``: the connectionist temporal classification loss of ``F.ctc_loss``."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, check_reduction(reduction), zero_infinity

    def forward(self, log_probs: Tensor, targets: Any, input_lengths: Any, target_lengths: Any) -> Tensor:
        return ctc_loss(
            log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction, self.zero_infinity
        )

    def extra_repr(self) -> str:
        return f"blank={self.blank}, reduction={self.reduction!r}, zero_infinity={self.zero_infinity}"
