"""AdaDelta (Zeiler, 2012): steps scaled by the ratio of RMS past updates to RMS past gradients."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_in_unit_interval


def adadelta_step(
    xp: Any,
    param: Any,
    grad: Any,
    square_avg: Any,
    acc_delta: Any,
    *,
    lr: float,
    rho: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One AdaDelta step on raw arrays, in place.

    E[g²] ← ρ·E[g²] + (1 − ρ)·g²;  Δθ = √(E[Δθ²] + ε) / √(E[g²] + ε) · g;
    E[Δθ²] ← ρ·E[Δθ²] + (1 − ρ)·Δθ²;  θ ← θ − γ·Δθ
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg *= rho
    square_avg += (1 - rho) * grad * grad
    std = xp.sqrt(square_avg + eps)
    delta = xp.sqrt(acc_delta + eps) / std * grad
    acc_delta *= rho
    acc_delta += (1 - rho) * delta * delta
    param += -lr * delta


class AdaDelta(Optimizer):
    """AdaDelta with PyTorch's semantics and defaults (``lr=1.0, rho=0.9, eps=1e-6``).

    ``state[p]``: ``step``, ``square_avg`` (E[g²]) and ``acc_delta`` (E[Δθ²]).
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_in_unit_interval("rho", group["rho"], include_one=True)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        adadelta_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "square_avg", param),
            self._buffer(state, "acc_delta", param),
            lr=group["lr"],
            rho=group["rho"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )


Adadelta = AdaDelta
