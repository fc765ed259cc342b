"""Weight normalisation (Salimans & Kingma, 2016): w = g · v / ‖v‖, the length g of each weight
vector learned apart from its direction v.

``weight_norm(module)`` is PyTorch's older, hook-based form (``torch.nn.utils.weight_norm``): the
parameter ``weight`` is replaced by ``weight_g`` and ``weight_v`` and a forward pre-hook recomputes
``module.weight`` before each call. ``nn.utils.parametrizations.weight_norm`` is the newer form.
"""

from __future__ import annotations

import warnings
from typing import Any, TypeVar

from ...tensor import Tensor
from ..module import Module, Parameter

__all__ = ["WeightNorm", "norm_except_dim", "remove_weight_norm", "weight_norm"]

ModuleType = TypeVar("ModuleType", bound=Module)


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002 (PyTorch's name)
    """‖v‖ over every axis but ``dim`` (kept, size 1, so it broadcasts against ``v``); ``dim=-1``
    means over all axes, a 0-d tensor, as ``torch.norm_except_dim``."""
    if dim == -1:
        return v.norm(pow)
    axis = dim + v.ndim if dim < 0 else dim
    if not 0 <= axis < v.ndim:
        raise IndexError(f"weight_norm: dim {dim} is out of range for a tensor of {v.ndim} dimensions")
    others = tuple(d for d in range(v.ndim) if d != axis)
    return v.norm(pow, others, keepdim=True) if others else v.abs()


def _weight_norm(v: Tensor, g: Tensor, dim: int) -> Tensor:
    """w = g · v / ‖v‖ (the norm over all axes but ``dim``), as ``torch._weight_norm``."""
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook of ``weight_norm``: sets ``module.<name>`` from ``<name>_g`` and ``<name>_v``."""

    def __init__(self, name: str, dim: int | None) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Tensor:
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> WeightNorm:
        _refuse_second_hook(module, WeightNorm, name, "weight_norm")
        fn = WeightNorm(name, dim)
        weight = module._parameters.get(name) if isinstance(module, Module) else None
        if weight is None:
            raise AttributeError(f"weight_norm: {type(module).__name__} has no parameter {name!r}")
        _refuse_uninitialized(weight, "WeightNorm")
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        weight = self.compute_weight(module)
        delattr(module, self.name)
        delattr(module, self.name + "_g")
        delattr(module, self.name + "_v")
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def _refuse_second_hook(module: Module, hook_type: type, name: str, method: str) -> None:
    """PyTorch's RuntimeError when ``module`` already has a ``hook_type`` hook acting on ``name``."""
    for hook, _ in module._forward_pre_hooks.values():
        if isinstance(hook, hook_type) and hook.name == name:
            raise RuntimeError(f"Cannot register two {method} hooks on the same parameter {name}")


def _remove_hook(module: ModuleType, hook_type: type, name: str, method: str) -> ModuleType:
    """Undo ``module``'s ``hook_type`` hook acting on ``name`` (its ``remove``) and drop the hook."""
    for key, (hook, _) in list(module._forward_pre_hooks.items()):
        if isinstance(hook, hook_type) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"{method} of '{name}' not found in {type(module).__name__}")


def _refuse_uninitialized(weight: Tensor, method: str) -> None:
    if getattr(weight, "is_uninitialized", False):
        raise ValueError(
            f"The module passed to `{method}` can't have uninitialized parameters. Make sure to run the "
            "dummy forward before applying it"
        )


def weight_norm(module: ModuleType, name: str = "weight", dim: int | None = 0) -> ModuleType:
    """Replace ``module.<name>`` by ``<name>_g`` (‖w‖ over all axes but ``dim``; ``dim=None``: one
    number) and ``<name>_v`` (w itself), recombined as g · v / ‖v‖ before every forward.

    Deprecated in PyTorch (a ``FutureWarning``) for ``nn.utils.parametrizations.weight_norm``.
    """
    warnings.warn(
        "`torch.nn.utils.weight_norm` is deprecated in favor of "
        "`torch.nn.utils.parametrizations.weight_norm` (and so is tg.nn.utils.weight_norm)",
        FutureWarning,
        stacklevel=2,
    )
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: ModuleType, name: str = "weight") -> ModuleType:
    """Undo ``weight_norm``: ``<name>`` is one parameter again, holding the current g · v / ‖v‖."""
    return _remove_hook(module, WeightNorm, name, "weight_norm")
