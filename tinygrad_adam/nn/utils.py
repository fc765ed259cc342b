"""Gradient clipping, with ``torch.nn.utils``' names and semantics."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..autograd import no_grad
from ..tensor import Tensor, stack, tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _vector_norm(x: Tensor, norm_type: float) -> Tensor:
    """‖x‖_p = (Σ |x|^p)^(1/p) over all elements; p = inf gives max |x|."""
    if norm_type == math.inf:
        return x.abs().max()
    if norm_type == -math.inf:
        return x.abs().min()
    if norm_type == 0:
        return (x != 0).astype(x.dtype).sum()
    if norm_type == 1:
        return x.abs().sum()
    if norm_type == 2:
        return (x * x).sum().sqrt()
    return (x.abs() ** norm_type).sum() ** (1.0 / norm_type)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``; in place.

    The joint norm is the ``norm_type``-norm of the vector of every gradient's norm (the norm of
    all gradients concatenated). Each gradient is multiplied by min(1, max_norm / (norm + 1e-6)),
    as PyTorch does; the norm before clipping is returned as a 0-d tensor (0 when no parameter has
    a gradient). The scaling stays on the device (no host read) unless ``error_if_nonfinite=True``,
    which raises ``RuntimeError`` on a NaN or infinite norm.
    """
    grads = _grads(parameters)
    if norm_type == "fro":  # PyTorch's name for the 2-norm of the flattened gradients
        norm_type = 2.0
    try:
        max_norm, norm_type = float(max_norm), float(norm_type)
    except (TypeError, ValueError):
        raise ValueError(
            f"clip_grad_norm_: max_norm and norm_type must be numbers (or norm_type='fro'), "
            f"got {max_norm!r} and {norm_type!r}"
        ) from None
    if not grads:
        return tensor(0.0)
    first = grads[0]
    with no_grad():
        norms = [_vector_norm(g, norm_type).to(first.device, first.dtype) for g in grads]
        total_norm = _vector_norm(stack(norms), norm_type)
        if error_if_nonfinite and not math.isfinite(total_norm.item()):
            raise RuntimeError(
                f"the total norm of order {norm_type} of the gradients is {total_norm.item()}, so they "
                "cannot be clipped; set error_if_nonfinite=False to clip anyway"
            )
        clip_coef = (max_norm / (total_norm + 1e-6)).clip(max=1.0)
        for g in grads:
            g.mul_(clip_coef.to(g.device, g.dtype))
    return total_norm


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.copy_(g.clip(-clip_value, clip_value))
