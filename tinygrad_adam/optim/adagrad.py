"""AdaGrad (Duchi, Hazan & Singer, 2011): per-coordinate steps shrink with the summed squared gradients."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_at_least


def adagrad_step(
    xp: Any,
    param: Any,
    grad: Any,
    state_sum: Any,
    *,
    step: int,
    lr: float,
    lr_decay: float,
    weight_decay: float,
    eps: float,
    maximize: bool,
) -> None:
    """One AdaGrad step on raw arrays, in place.

    γ̃ = γ / (1 + (t − 1)·η);  G ← G + g²;  θ ← θ − γ̃·g / (√G + ε)
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    decayed_lr = lr / (1 + (step - 1) * lr_decay)
    state_sum += grad * grad
    std = xp.sqrt(state_sum)
    std += eps
    param += -decayed_lr * grad / std


class AdaGrad(Optimizer):
    """AdaGrad with PyTorch's semantics and defaults (``lr=1e-2, lr_decay=0, eps=1e-10``).

    ``state[p]``: ``step`` and ``sum`` (G, starting at ``initial_accumulator_value``). As in
    PyTorch, G starts at the value given to the constructor in every group, also in a group that
    names its own ``initial_accumulator_value``.
    """

    pytorch_group_switches = ("foreach", "differentiable", "fused")
    fused_is_the_plain_rule = True  # PyTorch's fused Adagrad (CPU) gives the plain rule's results

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        self._choose_implementation(foreach=foreach, fused=fused, differentiable=differentiable)
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_at_least("lr_decay", group["lr_decay"], 0.0)
        check_at_least("initial_accumulator_value", group["initial_accumulator_value"], 0.0)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        adagrad_step(
            param._backend.xp,
            param._data,
            grad,
            # PyTorch's rule: the constructor's value, whatever the group says
            self._buffer(state, "sum", param, fill=self.defaults["initial_accumulator_value"]),
            step=state["step"],
            lr=group["lr"],
            lr_decay=group["lr_decay"],
            weight_decay=group["weight_decay"],
            eps=group["eps"],
            maximize=group["maximize"],
        )


Adagrad = AdaGrad
