"""AdaBound (Luo, Xiong, Liu & Sun, ICLR 2019): Adam whose step sizes are clipped into bounds that
tighten towards one SGD learning rate, so training starts like Adam and ends like SGD."""

from __future__ import annotations

import math
from typing import Any

from ..tensor import Tensor
from .adam import update_moments
from .optimizer import Optimizer, ParamsT, betas_pair, check_at_least, check_in_unit_interval


def adabound_step(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    max_exp_avg_sq: Any | None,
    *,
    step: int,
    lr: float,
    base_lr: float,
    final_lr: float,
    gamma: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
) -> None:
    """Step ``t`` of AdaBound on raw arrays, in place (``max_exp_avg_sq`` given: AMSBound).

    η = clip(α·√(1 − β₂ᵗ)/(1 − β₁ᵗ) / (√v + ε), η_l(t), η_u(t)),  θ ← θ − η·m, with
    η_l(t) = α*·(1 − 1/(γt + 1)) and η_u(t) = α*·(1 + 1/(γt)) closing in on the final rate α*.
    """
    beta1, beta2 = betas
    if weight_decay != 0:
        grad = grad + weight_decay * param
    update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2)
    if max_exp_avg_sq is not None:
        max_exp_avg_sq[...] = xp.maximum(max_exp_avg_sq, exp_avg_sq)
        exp_avg_sq = max_exp_avg_sq
    denom = xp.sqrt(exp_avg_sq)
    denom += eps
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    step_size = lr * math.sqrt(bias_correction2) / bias_correction1
    # The final rate follows the schedule of lr (the official code's rule: α* scales with lr/α₀).
    final_lr = final_lr * lr / base_lr
    lower_bound = final_lr * (1 - 1 / (gamma * step + 1))
    upper_bound = final_lr * (1 + 1 / (gamma * step))
    bounded_step = xp.clip(step_size / denom, min=lower_bound, max=upper_bound)
    param -= bounded_step * exp_avg


class AdaBound(Optimizer):
    """AdaBound, after the paper and its official implementation (github.com/Luolc/AdaBound).

    Defaults as there: ``lr=1e-3, betas=(0.9, 0.999), final_lr=0.1, gamma=1e-3, eps=1e-8``;
    ``amsbound=True`` bounds AMSGrad instead of Adam. Each group remembers its starting lr as
    ``base_lr`` so that a scheduler scales ``final_lr`` too. ``state[p]``: ``step``, ``exp_avg``,
    ``exp_avg_sq`` and, with amsbound, ``max_exp_avg_sq``.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        final_lr: float = 0.1,
        gamma: float = 1e-3,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsbound: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas_pair(betas),
            final_lr=final_lr,
            gamma=gamma,
            eps=eps,
            weight_decay=weight_decay,
            amsbound=amsbound,
        )
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_at_least("final_lr", group["final_lr"], 0.0)
        check_in_unit_interval("gamma", group["gamma"])
        if group["gamma"] == 0:
            raise ValueError("invalid gamma: 0 (the bounds need gamma > 0 to close in)")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        group.setdefault("base_lr", group["lr"])
        check_at_least("base_lr", group["base_lr"], 0.0)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        adabound_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "exp_avg", param),
            self._buffer(state, "exp_avg_sq", param),
            self._buffer(state, "max_exp_avg_sq", param) if group["amsbound"] else None,
            step=state["step"],
            lr=group["lr"],
            base_lr=group["base_lr"],
            final_lr=group["final_lr"],
            gamma=group["gamma"],
            betas=group["betas"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
        )
