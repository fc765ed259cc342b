"""Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"): the sign of an
interpolated momentum, so every coordinate moves by exactly lr."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, betas_pair


def lion_step(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    *,
    lr: float,
    betas: tuple[float, float],
    weight_decay: float,
) -> None:
    """One Lion step on raw arrays, in place (the paper's Algorithm 2).

    c = β₁·m + (1 − β₁)·g;  θ ← θ − η·(sign(c) + λθ);  m ← β₂·m + (1 − β₂)·g
    """
    beta1, beta2 = betas
    param *= 1 - lr * weight_decay
    update = exp_avg * beta1 + (1 - beta1) * grad
    param += -lr * xp.sign(update)
    exp_avg *= beta2
    exp_avg += (1 - beta2) * grad


class Lion(Optimizer):
    """Lion, EvoLved Sign Momentum (defaults ``lr=1e-4, betas=(0.9, 0.99), weight_decay=0``).

    Weight decay is decoupled (scaled by lr, as in AdamW). Its updates have norm √n, larger than
    Adam's, so the paper suggests a 3-10x smaller lr and a 3-10x larger weight decay than AdamW.
    ``state[p]``: ``exp_avg`` (m).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, dict(lr=lr, betas=betas_pair(betas), weight_decay=weight_decay))

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        lion_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "exp_avg", param),
            lr=group["lr"],
            betas=group["betas"],
            weight_decay=group["weight_decay"],
        )
