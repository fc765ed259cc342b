"""Adam (Kingma & Ba, 2015) and its family: AdamW, Adamax, NAdam, RAdam.

Each rule follows its paper and, but for Adam's last line (see ``adam_step``), computes in
PyTorch's order of operations, so float64 trajectories agree with ``torch.optim`` to about 1e-15.
The pieces they share (weight decay, the two moment estimates) are written once below.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, betas_pair, check_at_least, lerp_


def decay_weights(param: Any, grad: Any, *, lr: float, weight_decay: float, decoupled: bool) -> Any:
    """L2 regularisation (``g + λθ``) or, ``decoupled`` (Loshchilov & Hutter, 2019), ``θ ← θ(1 − γλ)``."""
    if weight_decay == 0:
        return grad
    if decoupled:
        param *= 1 - lr * weight_decay
        return grad
    return grad + weight_decay * param


def update_moments(exp_avg: Any, exp_avg_sq: Any, grad: Any, beta1: float, beta2: float) -> None:
    """m ← β₁·m + (1 − β₁)·g and v ← β₂·v + (1 − β₂)·g², in place."""
    lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    weighted_square = (1 - beta2) * grad  # (1 − β₂)·g·g with one temporary, updated in place
    weighted_square *= grad
    exp_avg_sq += weighted_square


def adam_step(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    max_exp_avg_sq: Any | None,
    *,
    step: int,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> None:
    """Step ``t = step`` of Adam on raw arrays, in place (``max_exp_avg_sq`` given: AMSGrad)."""
    beta1, beta2 = betas
    if maximize:
        grad = -grad
    grad = decay_weights(param, grad, lr=lr, weight_decay=weight_decay, decoupled=decoupled_weight_decay)
    # m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²
    update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2)
    if max_exp_avg_sq is not None:
        # AMSGrad (Reddi et al., 2018): normalise by the largest v seen so far.
        max_exp_avg_sq[...] = xp.maximum(max_exp_avg_sq, exp_avg_sq)
        exp_avg_sq = max_exp_avg_sq
    # θ ← θ − α·m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), computed in the paper's
    # faster order (Kingma & Ba, end of Section 2): θ ← θ − αₜ·m / (√v + ε̂) with the scalars
    # αₜ = α·√(1 − β₂ᵗ) / (1 − β₁ᵗ) and ε̂ = ε·√(1 − β₂ᵗ), the same quantity in exact arithmetic.
    # One division and one pass fewer than PyTorch's (√v / √(1 − β₂ᵗ) + ε); results differ from
    # its by a rounding, about 1e-16 of θ in float64.
    step_size, eps_hat = adam_scalars(step, lr, betas, eps)
    denom = xp.sqrt(exp_avg_sq)
    denom += eps_hat
    update = exp_avg / denom
    update *= -step_size
    param += update


def adam_scalars(step: int, lr: float, betas: tuple[float, float], eps: float) -> tuple[float, float]:
    """Adam's step size αₜ = α·√(1 − β₂ᵗ) / (1 − β₁ᵗ) and ε̂ = ε·√(1 − β₂ᵗ) at step ``t = step``."""
    beta1, beta2 = betas
    sqrt_bias_correction2 = math.sqrt(1 - beta2**step)
    return lr * sqrt_bias_correction2 / (1 - beta1**step), eps * sqrt_bias_correction2


class Adam(Optimizer):
    """Adam: adaptive moment estimation (Kingma & Ba, 2015, Algorithm 1), as ``torch.optim.Adam``.

    With learning rate α, decay rates β₁, β₂ and gradient g at step t = 1, 2, ...::

        m ← β₁·m + (1 − β₁)·g          first moment: a running mean of gradients
        v ← β₂·v + (1 − β₂)·g²         second moment: a running mean of squared gradients
        m̂ = m / (1 − β₁ᵗ)             bias corrections: m and v start at zero
        v̂ = v / (1 − β₂ᵗ)
        θ ← θ − α·m̂ / (√v̂ + ε)

    ``weight_decay`` adds ``λθ`` to g (L2 regularisation; ``decoupled_weight_decay=True`` or
    ``AdamW`` decays θ directly instead); ``amsgrad`` uses the running maximum of v (Reddi et al.,
    2018); ``maximize`` ascends. ``optimizer.state[p]`` holds ``step`` (t), ``exp_avg`` (m),
    ``exp_avg_sq`` (v) and, with amsgrad, ``max_exp_avg_sq``.
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable", "fused")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        self._choose_implementation(
            foreach=foreach, fused=fused, capturable=capturable, differentiable=differentiable
        )
        defaults = dict(
            lr=lr,
            betas=betas_pair(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        adam_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "exp_avg", param),
            self._buffer(state, "exp_avg_sq", param),
            self._buffer(state, "max_exp_avg_sq", param) if group["amsgrad"] else None,
            step=state["step"],
            lr=group["lr"],
            betas=group["betas"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
        )


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): ``θ ← θ(1 − αλ)`` before the step.

    The decay no longer passes through m and v, so every weight shrinks at the same rate.
    Default ``weight_decay=1e-2``, as ``torch.optim.AdamW``.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )


def adamax_step(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_inf: Any,
    *,
    step: int,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """Step ``t`` of Adamax on raw arrays, in place: u ← max(β₂·u, |g| + ε), θ ← θ − α/(1 − β₁ᵗ)·m/u."""
    beta1, beta2 = betas
    if maximize:
        grad = -grad
    grad = decay_weights(param, grad, lr=lr, weight_decay=weight_decay, decoupled=False)
    lerp_(exp_avg, grad, 1 - beta1)
    exp_inf *= beta2
    exp_inf[...] = xp.maximum(exp_inf, xp.abs(grad) + eps)
    step_size = lr / (1 - beta1**step)
    param += -step_size * exp_avg / exp_inf


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm in place of v (Kingma & Ba, 2015, Section 7.1).

    ``state[p]``: ``step``, ``exp_avg`` (m) and ``exp_inf`` (u). Defaults as ``torch.optim.Adamax``
    (``lr=2e-3``); ε sits inside the max, as in PyTorch.
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = dict(lr=lr, betas=betas_pair(betas), eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        adamax_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "exp_avg", param),
            self._buffer(state, "exp_inf", param),
            step=state["step"],
            lr=group["lr"],
            betas=group["betas"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )


def nadam_momentum(beta1: float, step: int, momentum_decay: float) -> float:
    """Dozat's momentum schedule μₜ = β₁·(1 − ½·0.96^(t·ψ)), as PyTorch uses it."""
    return beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))


def scalar_state_product(product: float, factor: float, dtype: np.dtype) -> float:
    """``product·factor`` rounded to ``dtype``, as PyTorch rounds the scalar state it keeps in 0-d
    tensors of its default float dtype."""
    return float(dtype.type(product) * dtype.type(factor))


def nadam_step(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    *,
    step: int,
    mu_product: float,
    scalar_dtype: np.dtype,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    momentum_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> float:
    """Step ``t`` of NAdam on raw arrays, in place; returns the new ∏μ (``mu_product``, kept in
    ``scalar_dtype``).

    θ ← θ − α·(1 − μₜ)/(1 − ∏ᵢ≤ₜ μᵢ)·g/(√v̂ + ε) − α·μₜ₊₁/(1 − ∏ᵢ≤ₜ₊₁ μᵢ)·m/(√v̂ + ε)
    """
    beta1, beta2 = betas
    if maximize:
        grad = -grad
    bias_correction2 = 1 - beta2**step
    grad = decay_weights(param, grad, lr=lr, weight_decay=weight_decay, decoupled=decoupled_weight_decay)
    mu = nadam_momentum(beta1, step, momentum_decay)
    mu_next = nadam_momentum(beta1, step + 1, momentum_decay)
    mu_product = scalar_state_product(mu_product, mu, scalar_dtype)
    mu_product_next = mu_product * mu_next
    update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2)
    denom = xp.sqrt(exp_avg_sq / bias_correction2)
    denom += eps
    param += (-lr * (1.0 - mu) / (1.0 - mu_product)) * grad / denom
    param += ((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg / denom
    return mu_product


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum (Dozat, 2016), with PyTorch's μ schedule and defaults.

    ``state[p]``: ``step``, ``mu_product`` (∏μᵢ, a Python float), ``exp_avg``, ``exp_avg_sq``.
    PyTorch keeps ∏μ in a 0-d tensor of its default dtype; here it is rounded to the parameter's
    dtype at each step: the same bits for float32 models (PyTorch's default) and for float64 ones
    built under ``torch.set_default_dtype(torch.float64)``.
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = dict(
            lr=lr,
            betas=betas_pair(betas),
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    @classmethod
    def check_hyperparameters(cls, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        check_at_least("momentum_decay", group["momentum_decay"], 0.0)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        state["mu_product"] = nadam_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "exp_avg", param),
            self._buffer(state, "exp_avg_sq", param),
            step=state["step"],
            mu_product=state.get("mu_product", 1.0),
            scalar_dtype=param.dtype,
            lr=group["lr"],
            betas=group["betas"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum_decay=group["momentum_decay"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
        )


def radam_step(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    *,
    step: int,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> None:
    """Step ``t`` of RAdam on raw arrays, in place.

    ρ∞ = 2/(1 − β₂) − 1, ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ). While ρₜ ≤ 5 the variance of the adaptive
    rate is not defined and the step is plain momentum, θ ← θ − α·m̂; after that
    θ ← θ − α·m̂·rₜ·√(1 − β₂ᵗ)/(√v + ε) with rₜ = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)).
    """
    beta1, beta2 = betas
    if maximize:
        grad = -grad
    grad = decay_weights(param, grad, lr=lr, weight_decay=weight_decay, decoupled=decoupled_weight_decay)
    update_moments(exp_avg, exp_avg_sq, grad, beta1, beta2)
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    bias_corrected_exp_avg = exp_avg / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
    if rho_t > 5.0:
        rectification = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive_lr = xp.sqrt(exp_avg_sq)
        adaptive_lr += eps
        adaptive_lr = bias_correction2**0.5 / adaptive_lr
        param += -1.0 * (bias_corrected_exp_avg * lr * adaptive_lr * rectification)
    else:
        param += -1.0 * (bias_corrected_exp_avg * lr)


class RAdam(Optimizer):
    """RAdam: Adam with the variance of its adaptive rate rectified (Liu et al., 2020), as PyTorch.

    ``state[p]``: ``step``, ``exp_avg`` (m), ``exp_avg_sq`` (v).
    """

    pytorch_group_switches = ("foreach", "capturable", "differentiable")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        self._choose_implementation(foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = dict(
            lr=lr,
            betas=betas_pair(betas),
            eps=eps,
            weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = state.get("step", 0) + 1
        radam_step(
            param._backend.xp,
            param._data,
            grad,
            self._buffer(state, "exp_avg", param),
            self._buffer(state, "exp_avg_sq", param),
            step=state["step"],
            lr=group["lr"],
            betas=group["betas"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
        )
