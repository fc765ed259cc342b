"""Muon (Jordan et al., 2024, "Muon: An optimizer for hidden layers in neural networks"): SGD with
Nesterov momentum whose update matrix is orthogonalized by a few Newton–Schulz iterations."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..backend import Backend
from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_at_least

# Keller Jordan's constants, PyTorch's defaults: a quintic whose slope at zero is as large as can be.
DEFAULT_NS_COEFFICIENTS = (3.4445, -4.775, 2.0315)
ADJUST_LR_FNS = ("original", "match_rms_adamw")


def round_to_bfloat16(backend: Backend, array: Any) -> Any:
    """A float32 array rounded to bfloat16's 8 significant bits (to nearest, ties to even), kept
    in float32: bfloat16 is float32 without its low 16 bits, so rounding is integer arithmetic."""
    bits = backend.view_dtype(array, np.dtype(np.uint32))
    bits = (bits + (0x7FFF + ((bits >> 16) & 1))) & 0xFFFF0000
    rounded = backend.view_dtype(bits, np.dtype(np.float32))
    return backend.xp.where(backend.xp.isnan(array), array, rounded)


def zeropower_via_newton_schulz(
    backend: Backend,
    matrix: Any,
    ns_coefficients: tuple[float, float, float],
    ns_steps: int,
    eps: float,
) -> Any:
    """``U·S'·Vᵀ`` for ``matrix = U·S·Vᵀ``, with ``S'`` near the identity: ``ns_steps`` iterations
    ``X ← aX + (b·XXᵀ + c·(XXᵀ)²)·X`` from ``X₀ = M / max(‖M‖_F, ε)``.

    As PyTorch (and the paper's code) do, the iteration runs in bfloat16: every product is rounded
    to bfloat16, so the result matches PyTorch's to the bit. A wide ``X`` keeps ``XXᵀ`` small.
    """
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if matrix.ndim != 2:
        raise ValueError(f"Input tensor gradient must be a 2D matrix, got shape {tuple(matrix.shape)}")
    if len(ns_coefficients) != 3:
        raise ValueError(f"Coefficients must be a tuple of exactly 3 values, got {ns_coefficients!r}")
    if not all(isinstance(c, numbers.Real) and not isinstance(c, bool) for c in ns_coefficients):
        raise TypeError(f"ns_coefficients must be 3 numbers, got {ns_coefficients!r}")
    xp = backend.xp
    a, b, c = ns_coefficients

    def bfloat16(array: Any) -> Any:
        return round_to_bfloat16(backend, array)

    ortho = bfloat16(xp.astype(matrix, backend.native_dtype(np.dtype(np.float32))))
    tall = matrix.shape[0] > matrix.shape[1]
    if tall:
        ortho = ortho.T
    norm = bfloat16(xp.sqrt(xp.sum(ortho * ortho)))
    ortho = bfloat16(ortho / xp.clip(norm, min=eps))  # a spectral norm of at most 1
    for _ in range(ns_steps):
        gram = bfloat16(xp.matmul(ortho, ortho.T))
        gram_update = bfloat16(b * gram + c * xp.matmul(gram, gram))
        ortho = bfloat16(a * ortho + xp.matmul(gram_update, ortho))
    if tall:
        ortho = ortho.T
    return xp.astype(ortho, matrix.dtype)


def adjusted_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """The learning rate for an ``A×B`` matrix, so updates of any shape have a comparable RMS:
    ``γ·√max(1, A/B)`` ("original", Keller Jordan's) or ``0.2·γ·√max(A, B)`` ("match_rms_adamw",
    Moonshot's, which lets Muon reuse AdamW's learning rate and weight decay)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    return lr * 0.2 * math.sqrt(max(rows, cols))


def muon_step(
    backend: Backend,
    param: Any,
    grad: Any,
    momentum_buffer: Any,
    *,
    lr: float,
    weight_decay: float,
    momentum: float,
    nesterov: bool,
    ns_coefficients: tuple[float, float, float],
    eps: float,
    ns_steps: int,
    adjust_lr_fn: str | None,
) -> None:
    """One Muon step on raw arrays, in place (PyTorch's form: the buffer is an EMA of gradients).

    B ← μB + (1 − μ)g;  B̃ = μB + (1 − μ)g (Nesterov) or B;  O = NS(B̃);
    θ ← θ(1 − γλ) − AdjustLR(γ)·O
    """
    if grad.ndim != 2:
        raise ValueError(f"Param gradient must be a 2D matrix, got shape {tuple(grad.shape)}")
    # PyTorch's lerp: start + w·(end − start) for w < 0.5, else end − (end − start)·(1 − w) with
    # 1 − w computed in the parameter's precision (the buffer's weight is 1 − μ, the update's μ)
    precision = backend.numpy_dtype(param.dtype).type
    buffer_weight = 1 - momentum
    if abs(buffer_weight) < 0.5:
        momentum_buffer += buffer_weight * (grad - momentum_buffer)
    else:
        one_minus = float(precision(1) - precision(buffer_weight))
        momentum_buffer[...] = grad - (grad - momentum_buffer) * one_minus
    if not nesterov:
        update = momentum_buffer
    elif abs(momentum) < 0.5:
        update = grad + momentum * (momentum_buffer - grad)
    else:
        update = momentum_buffer - (momentum_buffer - grad) * float(precision(1) - precision(momentum))
    update = zeropower_via_newton_schulz(backend, update, ns_coefficients, ns_steps, eps)
    param *= 1 - lr * weight_decay
    param += -adjusted_lr(lr, adjust_lr_fn, param.shape) * update


class Muon(Optimizer):
    r"""Muon, MomentUm Orthogonalized by Newton–Schulz, for the 2-D weights of hidden layers
    (PyTorch's ``torch.optim.Muon``: same arguments, defaults, state and results).

    With learning rate γ, weight decay λ, momentum μ, gradient g and buffer B (B₀ = 0)::

        B ← μ·B + (1 − μ)·g                  (PyTorch's form: B.lerp_(g, 1 − μ))
        B̃ ← μ·B + (1 − μ)·g  if nesterov  else  B
        O ← NS_k^(a,b,c)(B̃; ε)               k Newton–Schulz steps, in bfloat16 as PyTorch
        θ ← θ·(1 − γλ) − AdjustLR(γ; A×B)·O

    ``NS`` orthogonalizes: X₀ = B̃/max(‖B̃‖_F, ε), then ``X ← aX + (b·XXᵀ + c·(XXᵀ)²)·X``;
    its coefficients push every singular value towards 1 quickly rather than exactly.
    ``adjust_lr_fn``: None or "original" (Keller Jordan: γ·√max(1, A/B)), or "match_rms_adamw"
    (Moonshot, "Muon is Scalable for LLM Training", 2025: 0.2·γ·√max(A, B)).
    Only 2-D parameters are accepted (a ValueError otherwise): optimize biases, embeddings and
    other parameters with AdamW. ``state[p]``: ``momentum_buffer``.
    """

    flat_buffers = False  # the orthogonalization works on whole matrices, not elementwise
    takes_implementation_switches = False  # PyTorch's Muon takes none of foreach, fused, ...
    matrices_only = True  # biases and embeddings need another optimizer (AdamW) beside it

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = DEFAULT_NS_COEFFICIENTS,
        eps: float = 1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        defaults = dict(
            lr=lr,
            weight_decay=weight_decay,
            momentum=momentum,
            nesterov=nesterov,
            ns_coefficients=ns_coefficients,
            eps=eps,
            ns_steps=ns_steps,
            adjust_lr_fn=adjust_lr_fn,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for param in group["params"]:
                if param.ndim != 2:
                    raise ValueError(
                        "Muon only supports 2D parameters whereas we found a parameter with size: "
                        f"{tuple(param.shape)}"
                    )

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        # PyTorch checks lr, momentum, weight decay and adjust_lr_fn here (eps and the steps in step)
        check_at_least("lr", group["lr"], 0.0)
        check_at_least("momentum", group["momentum"], 0.0)
        check_at_least("weight_decay", group["weight_decay"], 0.0)
        if group["adjust_lr_fn"] is not None and group["adjust_lr_fn"] not in ADJUST_LR_FNS:
            raise ValueError(
                f"Adjust learning rate function {group['adjust_lr_fn']} is not supported "
                f"(None, {', '.join(map(repr, ADJUST_LR_FNS))})"
            )

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        muon_step(
            param._backend,
            param._data,
            grad,
            self._buffer(state, "momentum_buffer", param),
            lr=group["lr"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
            nesterov=group["nesterov"],
            ns_coefficients=group["ns_coefficients"],
            eps=group["eps"],
            ns_steps=group["ns_steps"],
            adjust_lr_fn=group["adjust_lr_fn"],
        )
