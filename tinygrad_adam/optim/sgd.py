"""Stochastic gradient descent with (heavy-ball or Nesterov) momentum: ``SGD`` and ``Momentum``."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_at_least, check_in_unit_interval


def sgd_step(
    xp: Any,
    param: Any,
    grad: Any,
    momentum_buffer: Any | None,
    *,
    lr: float,
    momentum: float,
    dampening: float,
    weight_decay: float,
    nesterov: bool,
    maximize: bool,
) -> Any | None:
    """One SGD step on raw arrays, in place; returns the momentum buffer (new on the first step).

    g ← ∇f(θ) + λθ;  b ← μ·b + (1 − τ)·g (b₁ = g);  g ← g + μ·b (Nesterov) or b;  θ ← θ − γ·g
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    if momentum != 0:
        if momentum_buffer is None:
            momentum_buffer = xp.asarray(grad, copy=True)
        else:
            momentum_buffer *= momentum
            momentum_buffer += (1 - dampening) * grad
        grad = grad + momentum * momentum_buffer if nesterov else momentum_buffer
    param += -lr * grad
    return momentum_buffer


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (Polyak, 1964) or Nesterov momentum.

    PyTorch's form and defaults: with gradient ``g`` (plus ``weight_decay``·θ, negated if
    ``maximize``), momentum buffer ``b`` (``b₁ = g``), learning rate ``γ``::

        b ← momentum·b + (1 − dampening)·g
        θ ← θ − γ·b                         (nesterov: θ ← θ − γ·(g + momentum·b))

    ``optimizer.state[p]["momentum_buffer"]`` holds ``b`` when momentum is used.
    """

    pytorch_group_switches = ("foreach", "differentiable", "fused")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        self._choose_implementation(foreach=foreach, fused=fused, differentiable=differentiable)
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_at_least("momentum", group["momentum"], 0.0)
        check_in_unit_interval("dampening", group["dampening"], include_one=True)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening (momentum > 0)")

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        buffer = state.get("momentum_buffer")
        new_buffer = sgd_step(
            param._backend.xp,
            param._data,
            grad,
            None if buffer is None else buffer._data,
            lr=group["lr"],
            momentum=group["momentum"],
            dampening=group["dampening"],
            weight_decay=group["weight_decay"],
            nesterov=group["nesterov"],
            maximize=group["maximize"],
        )
        if buffer is None and new_buffer is not None:
            state["momentum_buffer"] = Tensor._wrap(new_buffer, param._backend)


class Momentum(SGD):
    """Classic (heavy-ball) momentum: ``SGD`` with ``momentum=0.9`` by default.

    ``b ← μ·b + g``, ``θ ← θ − γ·b`` (Polyak, 1964; Sutskever et al., 2013 write the same update
    as ``v ← μ·v − γ·g``, ``θ ← θ + v`` with ``v = −γ·b`` while γ is constant).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.9,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, momentum, dampening, weight_decay, nesterov, maximize=maximize)
