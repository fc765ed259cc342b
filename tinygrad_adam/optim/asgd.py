"""Averaged SGD (Polyak & Juditsky, 1992; the decaying step of Bottou, 2012, "Stochastic Gradient
Descent Tricks"): SGD whose iterates are also averaged, the average being the better estimate."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_at_least


def asgd_step(
    param: Any,
    grad: Any,
    ax: Any,
    *,
    step: int,
    eta: float,
    mu: float,
    lr: float,
    lambd: float,
    alpha: float,
    t0: float,
    weight_decay: float,
    maximize: bool,
    scalar_dtype: np.dtype,
) -> tuple[float, float]:
    """Step ``t = step`` of ASGD on raw arrays, in place; returns the next (η, μ).

    θ ← θ·(1 − λη) − η·g;  θ̄ ← θ̄ + μ·(θ − θ̄);  then η = γ / (1 + λγt)^α and μ = 1 / max(1, t − t₀),
    both rounded to ``scalar_dtype``, as PyTorch keeps them in 0-d tensors of its default dtype.
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    param *= 1 - lambd * eta
    param += -eta * grad
    if mu != 1:
        ax += (param - ax) * mu
    else:
        ax[...] = param
    next_eta = float(scalar_dtype.type(lr / ((1 + lambd * lr * step) ** alpha)))
    next_mu = float(scalar_dtype.type(1 / max(1, step - t0)))
    return next_eta, next_mu


class ASGD(Optimizer):
    """Averaged stochastic gradient descent with PyTorch's semantics and defaults (``lr=1e-2,
    lambd=1e-4, alpha=0.75, t0=1e6``): averaging starts after ``t0`` steps.

    ``state[p]``: ``step``, ``eta`` (the step size η), ``mu`` (the averaging rate μ) and ``ax``
    (the averaged parameter θ̄). η and μ are Python floats rounded to the parameter's dtype.
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        for name in ("lambd", "alpha", "t0"):
            check_at_least(name, group[name], 0.0)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        scalar_dtype = param.dtype
        if "step" not in state:
            state.update(step=0, eta=float(scalar_dtype.type(group["lr"])), mu=1.0)
        state["step"] += 1
        state["eta"], state["mu"] = asgd_step(
            param._data,
            grad,
            self._buffer(state, "ax", param),
            step=state["step"],
            eta=state["eta"],
            mu=state["mu"],
            lr=group["lr"],
            lambd=group["lambd"],
            alpha=group["alpha"],
            t0=group["t0"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
            scalar_dtype=scalar_dtype,
        )
