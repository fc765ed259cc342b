"""Rprop (Riedmiller & Braun, 1993): each weight keeps its own step size, grown while its gradient
keeps its sign and shrunk when the sign flips; only the gradient's sign is used."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT


def rprop_step(
    xp: Any,
    param: Any,
    grad: Any,
    prev: Any,
    step_size: Any,
    *,
    etas: tuple[float, float],
    step_sizes: tuple[float, float],
    maximize: bool,
) -> None:
    """One Rprop step on raw arrays, in place (PyTorch's variant, Rprop without weight-backtracking).

    η = η⁺ where g·g_prev > 0, η⁻ where g·g_prev < 0, else 1;  Δ ← clip(Δ·η, Δ_min, Δ_max);
    g ← 0 where the sign flipped;  θ ← θ − sign(g)·Δ;  g_prev ← g
    """
    etaminus, etaplus = etas
    step_size_min, step_size_max = step_sizes
    if maximize:
        grad = -grad
    agreement = grad * prev
    # the factors in the gradient's dtype, as PyTorch's (float32 η⁺ for float32 weights)
    unchanged = xp.ones_like(agreement)
    step_size *= xp.where(agreement > 0, etaplus, xp.where(agreement < 0, etaminus, unchanged))
    step_size[...] = xp.clip(step_size, min=step_size_min, max=step_size_max)
    grad = xp.where(agreement < 0, 0.0, grad)  # after a sign flip, wait one step
    param -= xp.sign(grad) * step_size
    prev[...] = grad


class Rprop(Optimizer):
    """Resilient backpropagation with PyTorch's semantics and defaults: ``lr=1e-2`` (the first step
    size Δ₀), ``etas=(0.5, 1.2)`` (η⁻, η⁺), ``step_sizes=(1e-6, 50)`` (Δ_min, Δ_max).

    Meant for full-batch training: with minibatches the sign of the gradient is noisy.
    ``state[p]``: ``step``, ``prev`` (the last gradient used) and ``step_size`` (Δ per element).
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), maximize=maximize)
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        etas, step_sizes = group["etas"], group["step_sizes"]
        if not (isinstance(etas, (tuple, list)) and len(etas) == 2 and 0.0 < etas[0] < 1.0 < etas[1]):
            shown = ", ".join(map(str, etas)) if isinstance(etas, (tuple, list)) else repr(etas)
            raise ValueError(f"Invalid eta values: {shown} (they must satisfy 0 < eta_minus < 1 < eta_plus)")
        if not (isinstance(step_sizes, (tuple, list)) and len(step_sizes) == 2):
            raise ValueError(f"Invalid step_sizes: {step_sizes!r} (must be a pair (min, max))")

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        rprop_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "prev", param),
            self._buffer(state, "step_size", param, fill=group["lr"]),
            etas=group["etas"],
            step_sizes=group["step_sizes"],
            maximize=group["maximize"],
        )
