"""Adafactor (Shazeer & Stern, 2018): Adam-like steps whose second moment of a matrix is kept as
a row and a column factor (O(n + m) memory instead of O(n·m)), with a relative step size."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_at_least, lerp_


def adafactor_step(
    xp: Any,
    param: Any,
    grad: Any,
    row_var: Any | None,
    col_var: Any | None,
    variance: Any | None,
    *,
    step: int,
    lr: float,
    beta2_decay: float,
    eps1: float,
    eps2: float,
    d: float,
    weight_decay: float,
    maximize: bool,
    number: Any,
) -> None:
    """Step ``t`` of Adafactor on raw arrays, in place (PyTorch's variant; ``number`` reads a 0-d
    device array as a Python float).

    β̂₂ = 1 − t^τ;  ρ = min(lr, 1/√t);  α = max(ε₂, RMS(θ))·ρ;  θ ← θ(1 − lr·λ);
    matrix: R ← β̂₂R + (1 − β̂₂)·mean_cols(G²), C ← β̂₂C + (1 − β̂₂)·mean_rows(G²),
    V̂ = R·C / max(mean(R), ε₁);  vector: V̂ ← β̂₂V̂ + (1 − β̂₂)·G²;
    U = G / max(√V̂, ε₁);  θ ← θ − α·U / max(1, RMS(U)/d)
    """
    if maximize:
        grad = -grad
    size = math.prod(param.shape)
    one_minus_beta2 = step**beta2_decay
    rho = min(lr, 1 / (step**0.5))
    alpha = max(eps2, number(xp.sqrt(xp.sum(param * param))) / (size**0.5)) * rho
    if weight_decay != 0:
        param *= 1 - lr * weight_decay
    if row_var is not None:
        row_norm = xp.sqrt(xp.sum(grad * grad, axis=-1, keepdims=True))
        lerp_(row_var, row_norm * row_norm / grad.shape[-1], one_minus_beta2)
        col_norm = xp.sqrt(xp.sum(grad * grad, axis=-2, keepdims=True))
        lerp_(col_var, col_norm * col_norm / grad.shape[-2], one_minus_beta2)
        var_estimate = xp.matmul(row_var, col_var)
        var_estimate = var_estimate / xp.clip(xp.mean(row_var, axis=-2, keepdims=True), min=eps1)
    else:
        lerp_(variance, grad * grad, one_minus_beta2)
        var_estimate = variance
    update = 1 / xp.sqrt(xp.clip(var_estimate, min=eps1 * eps1))
    update = update * grad
    denom = max(1.0, number(xp.sqrt(xp.sum(update * update))) / ((size**0.5) * d))
    param += (-alpha / denom) * update


class Adafactor(Optimizer):
    """Adafactor with ``torch.optim.Adafactor``'s semantics and defaults (``lr=1e-2,
    beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0``): lr caps the relative step size
    and scales the decoupled weight decay; ε₁ = None means the dtype's machine epsilon.

    ``state[p]``: ``step`` and, for a parameter of 2 or more dimensions, ``row_var`` and
    ``col_var`` (the factors, over its last two dimensions), else ``variance``.
    """

    pytorch_group_switches = ("foreach",)

    flat_buffers = False  # the factors and the RMS norms are not elementwise

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach)
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d, weight_decay=weight_decay)
        super().__init__(params, {**defaults, "maximize": maximize})

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        eps = group["eps"]
        if not (isinstance(eps, (tuple, list)) and len(eps) == 2):
            raise ValueError(f"Invalid eps: {eps!r} (must be a pair (epsilon1 or None, epsilon2))")
        super().check_hyperparameters({key: value for key, value in group.items() if key != "eps"})
        if not (isinstance(group["beta2_decay"], (int, float)) and group["beta2_decay"] <= 0):
            raise ValueError(f"beta2_decay should be <= 0 but is: {group['beta2_decay']!r}")
        if eps[0] is not None:
            check_at_least("epsilon1", eps[0], 0.0)
        check_at_least("epsilon2", eps[1], 0.0)
        if not (isinstance(group["d"], (int, float)) and group["d"] >= 1):
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {group['d']!r}")

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if param.numel() == 0:
            return  # nothing to scale (PyTorch divides by zero here)
        backend = param._backend
        state["step"] = state.get("step", 0) + 1
        factored = param.ndim > 1
        if factored and "row_var" not in state:
            rows, cols = (*param.shape[:-1], 1), (*param.shape[:-2], 1, param.shape[-1])
            for name, shape in (("row_var", rows), ("col_var", cols)):
                zeros = backend.xp.zeros(shape, dtype=param._data.dtype, **backend.creation_kwargs)
                state[name] = Tensor._wrap(zeros, backend)
        eps1, eps2 = group["eps"]
        adafactor_step(
            backend.xp,
            param._data,
            grad,
            state["row_var"]._data if factored else None,
            state["col_var"]._data if factored else None,
            None if factored else self._buffer(state, "variance", param),
            step=state["step"],
            lr=group["lr"],
            beta2_decay=group["beta2_decay"],
            eps1=float(np.finfo(param.dtype).eps) if eps1 is None else eps1,
            eps2=eps2,
            d=group["d"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
            number=lambda array: float(backend.to_numpy(array)),
        )
