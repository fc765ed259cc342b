"""Spectral normalisation (Miyato et al., 2018): W / σ(W), σ the largest singular value, estimated
by power iteration with vectors u, v kept between calls (one step per training forward).

``spectral_norm(module)`` is PyTorch's older, hook-based form (``torch.nn.utils.spectral_norm``):
``weight`` becomes the parameter ``weight_orig`` plus the buffers ``weight_u`` and ``weight_v``, and a
forward pre-hook recomputes ``module.weight``. ``nn.utils.parametrizations.spectral_norm`` is the newer.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ...autograd import no_grad
from ...tensor import Tensor, randn
from .. import functional as F
from ..module import Module, Parameter
from .weight_norm import _refuse_second_hook, _refuse_uninitialized, _remove_hook

__all__ = ["SpectralNorm", "remove_spectral_norm", "spectral_norm"]

ModuleType = TypeVar("ModuleType", bound=Module)


def reshape_weight_to_matrix(weight: Tensor, dim: int) -> Tensor:
    """The weight as a matrix with axis ``dim`` as its rows (the rest flattened into columns)."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.ndim) if d != dim))
    return weight.reshape(weight.shape[0], -1)


def _write(buffer: Tensor, value: Tensor) -> None:
    """Put ``value`` into ``buffer`` in place (PyTorch's ``out=``): the same tensor, a new version."""
    buffer._data = value._backend.xp.asarray(value._data, copy=True)
    buffer._version += 1


def default_dim(module: Module) -> int:
    """Rows are output channels: axis 1 of a transposed convolution's weight, else axis 0."""
    from ..conv import ConvTranspose1d, ConvTranspose2d

    return 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d)) else 0


def _check_power_iterations(n_power_iterations: int) -> None:
    if n_power_iterations <= 0:
        raise ValueError(
            f"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}"
        )


def _check_options(n_power_iterations: int, dim: int, ndim: int) -> int:
    _check_power_iterations(n_power_iterations)
    if dim >= ndim or dim < -ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}] but got {dim})"
        )
    return dim + ndim if dim < 0 else dim


class SpectralNorm:
    """The forward pre-hook of ``spectral_norm``: ``module.<name> = <name>_orig / σ``; in training
    mode first ``n_power_iterations`` steps v ← W̄ᵀu/‖W̄ᵀu‖, u ← W̄v/‖W̄v‖, then σ = uᵀ W̄ v."""

    def __init__(
        self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12
    ) -> None:
        _check_power_iterations(n_power_iterations)
        self.name, self.dim, self.n_power_iterations, self.eps = name, dim, n_power_iterations, eps

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        weight_mat = reshape_weight_to_matrix(weight, self.dim)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    _write(v, F.normalize(weight_mat.T @ u, dim=0, eps=self.eps))
                    _write(u, F.normalize(weight_mat @ v, dim=0, eps=self.eps))
        u, v = u.clone(), v.clone()  # the graph keeps these values, not the buffers' next ones
        sigma = (u * (weight_mat @ v)).sum()
        return weight / sigma

    def remove(self, module: Module) -> None:
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int, eps: float) -> SpectralNorm:
        _refuse_second_hook(module, SpectralNorm, name, "spectral_norm")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        if name not in module._parameters:  # PyTorch's KeyError
            raise KeyError(f"spectral_norm: {type(module).__name__} has no parameter {name!r}")
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        _refuse_uninitialized(weight, "SpectralNorm")
        with no_grad():
            height, width = reshape_weight_to_matrix(weight, dim).shape
            u = F.normalize(randn(height, dtype=weight.dtype, device=weight.device), dim=0, eps=eps)
            v = F.normalize(randn(width, dtype=weight.dtype, device=weight.device), dim=0, eps=eps)
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        setattr(module, name, weight.detach())
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def spectral_norm(
    module: ModuleType,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> ModuleType:
    """Divide ``module.<name>`` by its spectral norm before every forward (the hook-based form, as
    ``torch.nn.utils.spectral_norm``): parameter ``<name>_orig``, buffers ``<name>_u``, ``<name>_v``
    (drawn from N(0, 1) and normalised); power iteration runs only in training mode."""
    SpectralNorm.apply(module, name, n_power_iterations, default_dim(module) if dim is None else dim, eps)
    return module


def remove_spectral_norm(module: ModuleType, name: str = "weight") -> ModuleType:
    """Undo ``spectral_norm``: ``<name>`` is one parameter again, holding the current W / σ."""
    return _remove_hook(module, SpectralNorm, name, "spectral_norm")
