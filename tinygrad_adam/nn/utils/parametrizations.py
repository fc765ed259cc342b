"""``nn.utils.parametrizations``: weight and spectral normalisation (and ``orthogonal``, from
orthogonal.py) as parametrizations (``nn.utils.parametrize``), as ``torch.nn.utils.parametrizations``.

The learnable tensors live under ``module.parametrizations.weight``: ``original0`` (g) and
``original1`` (v) for ``weight_norm``, ``original`` plus the buffers ``0._u`` and ``0._v`` for
``spectral_norm``, so their ``state_dict`` keys are PyTorch's.
"""

from __future__ import annotations

from typing import Any

from ...autograd import no_grad
from ...tensor import Tensor, randn
from .. import functional as F
from ..module import Module
from . import parametrize
from .orthogonal import orthogonal
from .spectral_norm import _check_options, _write, default_dim, reshape_weight_to_matrix
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    """w = g · v / ‖v‖ from (g, v); its ``right_inverse`` splits w into g = ‖w‖ and v = w."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparametrize ``module.<name>`` as g · v / ‖v‖, the norm over all axes but ``dim`` (``None``:
    over all): ``parametrizations.<name>.original0`` is g, ``original1`` is v. A state saved from
    the old ``nn.utils.weight_norm`` (``<name>_g``, ``<name>_v``) loads into it, as in PyTorch."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def load_old_names(module: Module, state_dict: dict, prefix: str, *_: Any) -> None:
        """A state saved with the old ``weight_norm`` (``<name>_g``, ``<name>_v``) loads too."""
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module.register_load_state_dict_pre_hook(load_old_names)
    return module


class _SpectralNorm(Module):
    """W / σ(W), σ by power iteration (u ← W̄v/‖W̄v‖, v ← W̄ᵀu/‖W̄ᵀu‖, ``n_power_iterations`` steps per
    training forward; 15 at registration); a 1-D weight is just normalised."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        self.dim = _check_options(n_power_iterations, dim, weight.ndim)
        self.eps = eps
        if weight.ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = reshape_weight_to_matrix(weight, self.dim)
            height, width = weight_mat.shape
            with no_grad():
                u = randn(height, dtype=weight.dtype, device=weight.device)
                v = randn(width, dtype=weight.dtype, device=weight.device)
                self.register_buffer("_u", F.normalize(u, dim=0, eps=eps))
                self.register_buffer("_v", F.normalize(v, dim=0, eps=eps))
            self._power_method(weight_mat, 15)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        with no_grad():
            weight_mat = weight_mat.detach()
            for _ in range(n_power_iterations):
                _write(self._u, F.normalize(weight_mat @ self._v, dim=0, eps=self.eps))
                _write(self._v, F.normalize(weight_mat.T @ self._u, dim=0, eps=self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = reshape_weight_to_matrix(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = (u * (weight_mat @ v)).sum()
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(
    module: Module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> Module:
    """Reparametrize ``module.<name>`` as W / σ(W), σ its largest singular value estimated by power
    iteration (in training mode only); ``dim`` (default 0, 1 for transposed convolutions) is the
    axis taken as the matrix's rows."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{type(module).__name__}' has no parameter or buffer with name '{name}'")
    dim = default_dim(module) if dim is None else dim
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
