"""Normalisation layers: ``LayerNorm`` (per sample) and ``BatchNorm1d`` (per channel, over the batch).

Both follow PyTorch 2.13: the same arguments, defaults, parameter and buffer names (so state dicts
carry over), and the same statistics (biased variance to normalise; BatchNorm's running variance
from the unbiased one).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..autograd import no_grad
from ..tensor import DType, Tensor, int64, ones, zeros
from . import functional as F
from .module import Module, Parameter


class LayerNorm(Module):
    """(x − E[x]) / √(Var[x] + ε) · γ + β over the trailing ``normalized_shape`` axes of each sample.

    γ (``weight``) starts at ones and β (``bias``) at zeros, both of shape ``normalized_shape``;
    ``elementwise_affine=False`` drops both, ``bias=False`` only β. Ba, Kiros & Hinton (2016).
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: DType | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
        self.normalized_shape = tuple(int(n) for n in shape)
        if not self.normalized_shape or any(n <= 0 for n in self.normalized_shape):
            raise ValueError(f"LayerNorm: normalized_shape must be positive sizes, got {normalized_shape!r}")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(*self.normalized_shape, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(zeros(*self.normalized_shape, dtype=dtype, device=device))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class BatchNorm1d(Module):
    """Batch normalisation of (N, C) or (N, C, L) inputs per channel C (Ioffe & Szegedy, 2015).

    Training: normalise with the batch's mean and biased variance, and update the buffers
    ``running_mean`` ← (1 − m) running_mean + m μ and ``running_var`` ← (1 − m) running_var + m s²
    (s² the unbiased batch variance), m = ``momentum``, or 1 / ``num_batches_tracked`` (a cumulative
    average) when ``momentum=None``. Evaluation (``eval()``): normalise with the running statistics.
    ``track_running_stats=False`` keeps no buffers and always uses the batch's statistics.
    ``affine`` adds γ (``weight``, ones) and β (``bias``, zeros; ``bias=False`` drops it).
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: DType | None = None,
        device: str | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if (
            isinstance(num_features, bool)
            or not isinstance(num_features, (int, np.integer))
            or num_features <= 0
        ):
            raise ValueError(f"BatchNorm1d: num_features must be a positive integer, got {num_features!r}")
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm1d: momentum must lie in [0, 1] or be None, got {momentum!r}")
        self.num_features = int(num_features)
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(ones(self.num_features, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(zeros(self.num_features, dtype=dtype, device=device))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(self.num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ones(self.num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", zeros(dtype=int64, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches seen."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def forward(self, x: Tensor) -> Tensor:
        if F.check_tensor(x, "batch_norm").ndim not in (2, 3):
            raise ValueError(f"BatchNorm1d: expected 2D or 3D input (got {x.ndim}D input of shape {x.shape})")
        if x.shape[1] != self.num_features:
            raise F.ShapeMismatchError(
                f"BatchNorm1d({self.num_features}): input of shape {x.shape} has {x.shape[1]} channels "
                f"on axis 1, expected {self.num_features}"
            )
        momentum = self.momentum
        update = self.training and self.track_running_stats
        if update:
            F.check_values_per_channel(x)  # before the counter moves
            with no_grad():
                self.num_batches_tracked.add_(1)
            if momentum is None:  # cumulative moving average
                momentum = 1.0 / self.num_batches_tracked.item()
        use_batch_stats = self.training or self.running_mean is None
        return F.batch_norm(
            x,
            self.running_mean if update or not use_batch_stats else None,
            self.running_var if update or not use_batch_stats else None,
            self.weight,
            self.bias,
            use_batch_stats,
            momentum if momentum is not None else 0.0,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )
