"""Compiled fused steps (optional, ``pip install tinygrad_adam[fast]``): one pass over memory.

The plain rules (``adam_step``, ``sgd_step``, ...) make about a dozen passes over each block, one
per array operation. With numba installed, a flat group on the CPU (flat.py) runs instead one
compiled loop per parameter that reads θ, g and the state once and writes them once. Each loop
does the plain rule's operations in the same order, in the parameter's dtype, with every Python
scalar first rounded to that dtype as NumPy does (NEP 50) and without fast-math, so the results
are the plain path's bit for bit (tests/test_optim_fused.py). ``optimizer.fused``: ``None``
(default) uses the compiled path when numba can be imported, ``True`` requires it, ``False`` never
uses it. numba is imported on first use only, never by ``import tinygrad_adam``.

On a CUDA device the same steps run as CuPy kernels, one launch per block (fused_cuda.py), whose
C++ bodies make the same operations in the same order with the same rounding: they need nothing
but the CuPy that holds the arrays, so ``True`` never asks for numba there. They are opt-in
(``fused=True``): their bodies are checked on the CPU only, no GPU having been available to run
them, so ``fused=None`` keeps the plain rule on CUDA until they have been. The rules pick the
loops by the parameter's array type (``kernels_for``). The strict test backend has no compiled
steps: it runs the plain rule whatever the flag.

A configuration without a compiled loop here (AMSGrad, L2 weight decay, ``maximize``, ...) runs
the plain rule, so the switch never changes results.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..backend import Backend
    from .optimizer import Optimizer


@cache
def numba_available() -> bool:
    """Whether numba is installed and imports. Asked when a step or layer first could use it, never
    by ``import tinygrad_adam``. A numba that refuses this NumPy ("Numba needs NumPy 2.3 or less")
    counts as absent, so the default (``fused=None``) runs the plain path instead of failing."""
    if importlib.util.find_spec("numba") is None:
        return False
    try:
        import numba  # noqa: F401
    except Exception:  # ImportError, or whatever a broken installation raises on import
        return False
    return True


def wanted(optimizer: Optimizer, backend: Backend | None = None) -> bool:
    """Whether ``optimizer`` should take compiled steps on ``backend`` (default: the CPU), by its
    ``fused`` flag (None: when possible)."""
    choice = optimizer.fused
    on_host = backend is None or backend.is_host
    if not on_host and backend.strided is None:
        return False  # the strict test backend: no compiled steps
    available = numba_available() if on_host else True  # on CUDA, CuPy compiles the kernels
    if choice is None:  # on CUDA only when asked for: the kernels have not been run on a GPU yet
        return on_host and family(optimizer) is not None and available
    if choice and not available:
        raise ImportError(
            "optimizer.fused = True needs numba: pip install 'tinygrad_adam[fast]' (or numba), "
            "or set optimizer.fused = None to use it only when installed"
        )
    return bool(choice)


def rule_for(
    optimizer: Optimizer, group: dict[str, Any], state: dict[str, Any]
) -> Callable[..., None] | None:
    """The compiled step of ``optimizer``'s family for ``group``'s settings and a block's ``state``,
    or None (the plain rule runs)."""
    name = family(optimizer)
    rule = RULES[name] if name is not None else None
    return rule if rule is not None and rule.supports(group, state) else None


def family(optimizer: Optimizer) -> str | None:
    """The name of the built-in optimizer (a key of ``RULES``) whose compiled step serves
    ``optimizer``: its own class, or one it derives from without replacing the update rule."""
    return _family_of_class(type(optimizer))


@cache  # asked at every step: a class's answer never changes
def _family_of_class(optimizer_class: type) -> str | None:
    for cls in optimizer_class.__mro__:
        if cls.__module__.startswith(f"{__package__}.") and cls.__name__ in RULES:
            return cls.__name__ if optimizer_class._update is cls._update else None
    return None


# -------------------------------------------------------------------------------------------------
# The rules: hyperparameters to scalars of the array dtype, then one compiled loop


def keep_dtype(array: Any, *values: Any) -> bool:
    """Whether array operations of ``array`` with each of ``values`` stay in its dtype.

    Python numbers do (NEP 50), but a wider NumPy scalar does not: ``np.float64(lr) * g`` with a
    float32 ``g`` is computed in float64, which a loop in the array's dtype cannot reproduce.
    """
    dtype = array.dtype
    for value in values:  # Python floats and ints, the usual case, are answered without asking NumPy
        if type(value) is not float and type(value) is not int and np.result_type(value, dtype) != dtype:
            return False
    return True


class AdamRule:
    """Adam and AdamW without AMSGrad, L2 decay or maximize, and β₁ > 0.5 (``lerp_``'s first form)."""

    kernel = "adam"
    state_names = ("exp_avg", "exp_avg_sq")

    @staticmethod
    def supports(group: dict[str, Any], state: dict[str, Any]) -> bool:
        no_l2 = group["weight_decay"] == 0 or group["decoupled_weight_decay"]
        return (
            no_l2
            and not group["amsgrad"]
            and not group["maximize"]
            and abs(1 - group["betas"][0]) < 0.5
            and keep_dtype(state["exp_avg"], group["lr"], *group["betas"], group["eps"])
            and keep_dtype(state["exp_avg"], group["weight_decay"])
        )

    @staticmethod
    def arguments(dtype: Any, group: dict[str, Any], state: dict[str, Any]) -> tuple:
        """Advance ``state["step"]``; the loop's scalars for this step, rounded to ``dtype``."""
        from .adam import adam_scalars  # (adam.py imports optimizer.py, which imports this module)

        state["step"] += 1
        beta1, beta2 = group["betas"]
        lr, weight_decay = group["lr"], group["weight_decay"]
        step_size, eps_hat = adam_scalars(state["step"], lr, group["betas"], group["eps"])
        as_dtype = dtype.type
        return (
            as_dtype(1 - lr * weight_decay if weight_decay != 0 else 1.0),
            as_dtype(1 - beta1),
            as_dtype(beta2),
            as_dtype(1 - beta2),
            as_dtype(eps_hat),
            as_dtype(-step_size),
        )

    def __call__(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        """One step of one parameter (1-D arrays), state held as tensors."""
        arguments = self.arguments(param.dtype, group, state)
        states = [state[name]._data for name in self.state_names]
        getattr(kernels_for(param), self.kernel)(param, grad, *states, *arguments)


class SGDRule:
    """SGD with heavy-ball momentum (no Nesterov, L2 decay or maximize), after its first step."""

    kernel = "sgd_momentum"
    state_names = ("momentum_buffer",)

    @staticmethod
    def supports(group: dict[str, Any], state: dict[str, Any]) -> bool:
        return (
            "momentum_buffer" in state
            and group["momentum"] != 0
            and not group["nesterov"]
            and group["weight_decay"] == 0
            and not group["maximize"]
            and keep_dtype(state["momentum_buffer"], group["lr"], group["momentum"], group["dampening"])
        )

    @staticmethod
    def arguments(dtype: Any, group: dict[str, Any], state: dict[str, Any]) -> tuple:
        """The loop's scalars for this step, rounded to ``dtype`` (SGD keeps no step count)."""
        as_dtype = dtype.type
        return (as_dtype(group["momentum"]), as_dtype(1 - group["dampening"]), as_dtype(-group["lr"]))

    def __call__(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        """One step of one parameter (1-D arrays), state held as tensors."""
        arguments = self.arguments(param.dtype, group, state)
        states = [state[name]._data for name in self.state_names]
        getattr(kernels_for(param), self.kernel)(param, grad, *states, *arguments)


RULES: dict[str, Any] = {"Adam": AdamRule(), "AdamW": AdamRule(), "SGD": SGDRule(), "Momentum": SGDRule()}


def kernels_for(array: Any) -> Any:
    """The compiled loops for ``array``'s library: numba's for NumPy arrays, CUDA's for CuPy arrays."""
    if isinstance(array, np.ndarray):
        return kernels()
    if type(array).__module__.partition(".")[0] == "cupy":
        from . import fused_cuda

        return fused_cuda.kernels()
    raise TypeError(f"no compiled optimizer step for arrays of type {type(array).__qualname__}")


@cache
def kernels() -> Any:
    """The compiled loops, built (or loaded from numba's cache) on first use."""
    import numba

    # error_model="numpy": division by zero gives inf as in NumPy, and the loops vectorise.
    compile_loop = numba.njit(cache=True, fastmath=False, nogil=True, error_model="numpy")

    @compile_loop
    def adam(param, grad, exp_avg, exp_avg_sq, decay, weight1, beta2, weight2, eps_hat, neg_step):  # noqa: ANN001, ANN202
        # As adam_step: θ·(1 − γλ); m + (g − m)·(1 − β₁); v·β₂ + ((1 − β₂)·g)·g;
        # θ + (m / (√v + ε̂))·(−αₜ), each operation rounded to the dtype.
        for i in range(param.size):
            g = grad[i]
            m = exp_avg[i]
            m = m + (g - m) * weight1
            v = exp_avg_sq[i] * beta2 + (weight2 * g) * g
            param[i] = param[i] * decay + (m / (np.sqrt(v) + eps_hat)) * neg_step
            exp_avg[i] = m
            exp_avg_sq[i] = v

    @compile_loop
    def sgd_momentum(param, grad, momentum_buffer, momentum, weight, neg_lr):  # noqa: ANN001, ANN202
        # As sgd_step: b ← b·μ + (1 − τ)·g;  θ ← θ + (−γ)·b.
        for i in range(param.size):
            b = momentum_buffer[i] * momentum + weight * grad[i]
            momentum_buffer[i] = b
            param[i] = param[i] + neg_lr * b

    return SimpleNamespace(adam=adam, sgd_momentum=sgd_momentum)
