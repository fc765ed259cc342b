"""Gradient clipping and parameter vectors, with ``torch.nn.utils``' names and semantics; ``rnn``
(``nn.utils.rnn``) pads and packs sequences of different lengths for recurrent layers;
``parametrize``/``parametrizations``, ``weight_norm``, ``spectral_norm`` and ``prune`` reshape a
module's weights as PyTorch's do."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

from ...autograd import no_grad
from ...tensor import ShapeError, Tensor, concatenate, stack, tensor
from . import parametrizations, parametrize, prune, rnn
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = [
    "clip_grad_norm",
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "get_total_norm",
    "parameters_to_vector",
    "parametrizations",
    "parametrize",
    "prune",
    "remove_spectral_norm",
    "remove_weight_norm",
    "rnn",
    "spectral_norm",
    "vector_to_parameters",
    "weight_norm",
]


def _tensors(tensors: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [p.grad for p in _tensors(parameters) if p.grad is not None]


def _check_foreach(foreach: bool | None) -> None:
    """PyTorch's ``foreach`` switch picks an implementation, not a result: accepted, checked, unused."""
    if foreach is not None and not isinstance(foreach, bool):
        raise TypeError(f"foreach must be None, True or False, got {foreach!r}")


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


def _as_norm_type(norm_type: float | str) -> float:
    if norm_type == "fro":  # PyTorch's name for the 2-norm of the flattened tensors
        return 2.0
    try:
        return float(norm_type)
    except (TypeError, ValueError):
        raise ValueError(f"norm_type must be a number (or 'fro'), got {norm_type!r}") from None


def get_total_norm(
    tensors: Tensor | Iterable[Tensor],
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together (as if concatenated), a 0-d tensor.

    Computed as the norm of the vector of each tensor's norm, as PyTorch does; 0 for no tensors.
    ``error_if_nonfinite=True`` raises ``RuntimeError`` on a NaN or infinite total.
    """
    _check_foreach(foreach)
    norm_type = _as_norm_type(norm_type)
    tensors = [t for t in _tensors(tensors) if t is not None]
    if not tensors:
        return tensor(0.0)
    first = tensors[0]
    with no_grad():
        norms = [_vector_norm(t, norm_type).to(first.device, first.dtype) for t in tensors]
        total_norm = _vector_norm(stack(norms), norm_type)
    if error_if_nonfinite and not math.isfinite(total_norm.item()):
        raise RuntimeError(
            f"the total norm of order {norm_type} of the gradients is {total_norm.item()}, so they "
            "cannot be clipped; set error_if_nonfinite=False to clip anyway"
        )
    return total_norm


def clip_grads_with_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    total_norm: Tensor | float,
    foreach: bool | None = None,
) -> None:
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)) in place (PyTorch's rule)."""
    _check_foreach(foreach)
    grads = _grads(parameters)
    if not grads:
        return
    max_norm = float(max_norm)
    if not isinstance(total_norm, Tensor):
        total_norm = tensor(float(total_norm), dtype=grads[0].dtype, device=grads[0].device)
    with no_grad():
        clip_coef = (max_norm / (total_norm + 1e-6)).clip(max=1.0)
        for g in grads:
            g.mul_(clip_coef.to(g.device, g.dtype))


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``; in place.

    The joint norm is the ``norm_type``-norm of the vector of every gradient's norm (the norm of
    all gradients concatenated): ``get_total_norm``. Each gradient is multiplied by
    min(1, max_norm / (norm + 1e-6)), as PyTorch does (``clip_grads_with_norm_``); the norm before
    clipping is returned as a 0-d tensor (0 when no parameter has a gradient). The scaling stays on
    the device (no host read) unless ``error_if_nonfinite=True``, which raises ``RuntimeError`` on
    a NaN or infinite norm. ``foreach`` (PyTorch's implementation switch) changes nothing.
    """
    parameters = _tensors(parameters)  # a generator is read once
    try:
        max_norm = float(max_norm)
    except (TypeError, ValueError):
        raise ValueError(f"clip_grad_norm_: max_norm must be a number, got {max_norm!r}") from None
    total_norm = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Deprecated spelling of ``clip_grad_norm_`` (PyTorch warns too)."""
    message = "clip_grad_norm is deprecated in favor of clip_grad_norm_ (as in PyTorch)"
    warnings.warn(message, FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    _check_foreach(foreach)
    clip_value = float(clip_value)
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    with no_grad():
        for g in _grads(parameters):
            g.copy_(g.clip(-clip_value, clip_value))


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one vector, in order (differentiable)."""
    parameters = _tensors(parameters)
    _check_one_device(parameters)
    return concatenate([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in place (the inverse of
    ``parameters_to_vector``)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected a Tensor, but got {type(vec).__name__}")
    parameters = _tensors(parameters)
    _check_one_device(parameters)
    needed = sum(p.numel() for p in parameters)
    if vec.ndim != 1 or vec.shape[0] != needed:
        raise ShapeError(f"the parameters hold {needed} numbers, but the vector has shape {vec.shape}")
    pointer = 0
    with no_grad():
        for param in parameters:
            size = param.numel()
            param.copy_(vec[pointer : pointer + size].reshape(param.shape))
            pointer += size


def _check_one_device(parameters: list[Tensor]) -> None:
    devices = {p.device for p in parameters}
    if len(devices) > 1:
        raise TypeError(f"found parameters on different devices ({sorted(devices)}), which is not supported")
