"""RMSProp (Hinton, 2012, Lecture 6e): divide the gradient by a running RMS of recent gradients."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_at_least, check_in_unit_interval, lerp_


def rmsprop_step(
    xp: Any,
    param: Any,
    grad: Any,
    square_avg: Any,
    grad_avg: Any | None,
    momentum_buffer: Any | None,
    *,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    maximize: bool,
) -> None:
    """One RMSProp step on raw arrays, in place (``grad_avg`` given: centered; buffer: momentum).

    v ← α·v + (1 − α)·g²;  centered: ḡ ← α·ḡ + (1 − α)·g, v̄ = v − ḡ²;
    b ← μ·b + g / (√v̄ + ε), θ ← θ − γ·b   (no momentum: θ ← θ − γ·g / (√v̄ + ε))
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg *= alpha
    square_avg += (1 - alpha) * grad * grad
    if grad_avg is not None:
        lerp_(grad_avg, grad, 1 - alpha)
        avg = xp.sqrt(square_avg - grad_avg * grad_avg)
    else:
        avg = xp.sqrt(square_avg)
    avg += eps
    if momentum_buffer is not None:
        momentum_buffer *= momentum
        momentum_buffer += grad / avg
        param += -lr * momentum_buffer
    else:
        param += -lr * grad / avg


class RMSProp(Optimizer):
    """RMSProp with PyTorch's semantics and defaults (``lr=1e-2, alpha=0.99, eps=1e-8``).

    ``state[p]``: ``step``, ``square_avg`` (v), ``grad_avg`` (ḡ, when ``centered``: Graves, 2013)
    and ``momentum_buffer`` (when ``momentum > 0``).
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_in_unit_interval("alpha", group["alpha"], include_one=True)
        check_at_least("momentum", group["momentum"], 0.0)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        rmsprop_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "square_avg", param),
            self._buffer(state, "grad_avg", param) if group["centered"] else None,
            self._buffer(state, "momentum_buffer", param) if group["momentum"] > 0 else None,
            lr=group["lr"],
            alpha=group["alpha"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
            maximize=group["maximize"],
        )


RMSprop = RMSProp
