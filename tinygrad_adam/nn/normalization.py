"""Normalisation layers: ``LayerNorm`` (per sample), ``BatchNorm1d/2d/3d`` (per channel, over the
batch), ``InstanceNorm1d/2d/3d`` (per sample and channel), ``GroupNorm`` (per sample and channel group) and
``LocalResponseNorm`` (across neighbouring channels).

All follow PyTorch 2.13: the same arguments, defaults, parameter and buffer names (so state dicts
carry over), and the same statistics (biased variance to normalise; BatchNorm's running variance
from the unbiased one).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from ..autograd import no_grad
from ..tensor import DType, Tensor, int64, ones, zeros
from . import functional as F
from .module import Module, Parameter


def register_affine(
    module: Module, shape: tuple[int, ...], affine: bool, bias: bool, dtype: DType | None, device: str | None
) -> None:
    """γ (``weight``, ones) and β (``bias``, zeros) of ``shape`` on ``module``, or None for each that
    ``affine=False`` (both) or ``bias=False`` (β) drops, so state dicts have PyTorch's keys."""
    weight = Parameter(ones(*shape, dtype=dtype, device=device)) if affine else None
    module.register_parameter("weight", weight)
    module.register_parameter(
        "bias", Parameter(zeros(*shape, dtype=dtype, device=device)) if affine and bias else None
    )


def reset_affine(module: Module) -> None:
    """γ back to ones and β to zeros, where the module has them (``reset_parameters``)."""
    with no_grad():
        if module.weight is not None:
            module.weight.fill_(1)
        if module.bias is not None:
            module.bias.zero_()


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
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
        if not isinstance(shape, Sequence) or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in shape
        ):
            raise TypeError(
                f"LayerNorm: normalized_shape must be an int or a sequence of ints, got {normalized_shape!r}"
            )
        self.normalized_shape = tuple(int(n) for n in shape)
        if not self.normalized_shape or any(n <= 0 for n in self.normalized_shape):
            raise F.ValueOutOfRangeError(  # an empty shape is PyTorch's RuntimeError, our old ValueError
                f"LayerNorm: normalized_shape must be positive sizes, got {normalized_shape!r}"
            )
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        register_affine(self, self.normalized_shape, elementwise_affine, bias, dtype, device)

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """x / √(mean(x²) + ε) · γ over the trailing ``normalized_shape`` axes (Zhang & Sennrich, 2019):
    LayerNorm without centring or β, as in PyTorch (``eps=None``: the dtype's machine epsilon)."""

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
        if not isinstance(shape, Sequence) or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0 for n in shape
        ):
            raise TypeError(f"RMSNorm: normalized_shape must be positive ints, got {normalized_shape!r}")
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        weight = (
            Parameter(ones(*self.normalized_shape, dtype=dtype, device=device))
            if elementwise_affine
            else None
        )
        self.register_parameter("weight", weight)  # γ only: no β, as PyTorch's

    def reset_parameters(self) -> None:
        if self.weight is not None:
            with no_grad():
                self.weight.fill_(1)

    def forward(self, input: Tensor) -> Tensor:
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class _NormBase(Module):
    """The parameters and buffers PyTorch's batch and instance norms share, by the same names.

    ``affine`` adds γ (``weight``, ones) and β (``bias``, zeros; ``bias=False`` drops it);
    ``track_running_stats`` adds the buffers ``running_mean`` (zeros), ``running_var`` (ones) and
    ``num_batches_tracked``, so state dicts carry over. Both default to True here (batch norm) and
    to False for instance norm, as in PyTorch.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if (
            isinstance(num_features, bool)
            or not isinstance(num_features, (int, np.integer))
            or num_features <= 0
        ):
            raise ValueError(f"{name}: num_features must be a positive integer, got {num_features!r}")
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(f"{name}: momentum must lie in [0, 1] or be None, got {momentum!r}")
        self.num_features = int(num_features)
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        register_affine(self, (self.num_features,), affine, bias, dtype, device)
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

    def reset_parameters(self) -> None:
        """Running statistics and γ, β back to their starting values."""
        self.reset_running_stats()
        reset_affine(self)

    def _check_input(self, x: Tensor, dims: tuple[int, ...], function: str) -> None:
        """A TypeError naming ``function`` unless ``x`` is a Tensor, a ValueError unless it has one of
        ``dims`` axes."""
        if F.check_tensor(x, function).ndim not in dims:
            expected = " or ".join(f"{d}D" for d in dims)
            raise ValueError(
                f"{type(self).__name__}: expected {expected} input (got {x.ndim}D input of shape {x.shape})"
            )

    def _channel_mismatch(self, x: Tensor, channel_axis: int) -> F.ShapeMismatchError:
        return F.ShapeMismatchError(
            f"{type(self).__name__}({self.num_features}): input of shape {x.shape} has "
            f"{x.shape[channel_axis]} channels on axis {channel_axis}, expected {self.num_features}"
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    """Batch normalisation per channel (axis 1) over the batch and every axis after the channel
    (Ioffe & Szegedy, 2015); the subclasses fix how many axes the input has.

    Training: normalise with the batch's mean and biased variance, and update the buffers
    ``running_mean`` ← (1 − m) running_mean + m μ and ``running_var`` ← (1 − m) running_var + m s²
    (s² the unbiased batch variance), m = ``momentum``, or 1 / ``num_batches_tracked`` (a cumulative
    average) when ``momentum=None``. Evaluation (``eval()``): normalise with the running statistics.
    ``track_running_stats=False`` keeps no buffers and always uses the batch's statistics.
    """

    input_dims: tuple[int, ...] = ()

    def forward(self, input: Tensor) -> Tensor:
        x = input
        self._check_input(x, self.input_dims, "batch_norm")
        if x.shape[1] != self.num_features:
            raise self._channel_mismatch(x, 1)
        use_batch_stats = self.training or self.running_mean is None
        if self.eps < 0 or (self.eps == 0 and use_batch_stats):  # PyTorch's checks: σ² + ε may be 0
            when = "non-negative" if self.eps < 0 else "positive during training"
            raise ValueError(f"batch_norm eps must be {when}, but got {self.eps}")
        momentum = self.momentum
        update = self.training and self.track_running_stats
        if update:
            F.check_values_per_channel(x)  # before the counter moves
            with no_grad():
                self.num_batches_tracked.add_(1)
            if momentum is None:  # cumulative moving average
                momentum = 1.0 / self.num_batches_tracked.item()
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


class BatchNorm1d(_BatchNorm):
    """``torch.nn.BatchNorm1d``: batch normalisation of (N, C) or (N, C, L) inputs per channel C."""

    input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """``torch.nn.BatchNorm2d``: batch normalisation of (N, C, H, W) images per channel C, over N, H, W."""

    input_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """``torch.nn.BatchNorm3d``: batch normalisation of (N, C, D, H, W) volumes per channel C."""

    input_dims = (5,)


class _InstanceNorm(_NormBase):
    """Instance normalisation (Ulyanov et al., 2016): each sample's channel normalised over its own
    spatial axes, in training and evaluation alike, unless ``track_running_stats`` keeps running
    statistics (averaged over the batch) for ``eval()``. ``affine`` and ``track_running_stats``
    default to False, as in PyTorch; ``momentum=None`` means 0 here, running statistics that never
    move (PyTorch keeps no cumulative average for instance norm and leaves ``num_batches_tracked``
    at 0). An unbatched input has one axis fewer.
    """

    spatial_dims = 0

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        device: str | None = None,
        dtype: DType | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        x = input
        batched = self.spatial_dims + 2
        self._check_input(x, (batched - 1, batched), "instance_norm")
        channel_axis = x.ndim - self.spatial_dims - 1
        if x.shape[channel_axis] != self.num_features:
            if self.affine or self.track_running_stats:
                raise self._channel_mismatch(x, channel_axis)
            warnings.warn(  # PyTorch only warns: without parameters or buffers the count is unused
                f"{type(self).__name__}: input's size at dim={channel_axis} ({x.shape[channel_axis]}) does "
                f"not match num_features ({self.num_features}), which is unused because affine=False",
                stacklevel=2,
            )
        unbatched = x.ndim < batched
        output = F.instance_norm(
            x.unsqueeze(0) if unbatched else x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            self.momentum if self.momentum is not None else 0.0,
            self.eps,
        )
        return output.squeeze(0) if unbatched else output


class InstanceNorm1d(_InstanceNorm):
    """``torch.nn.InstanceNorm1d``: (N, C, L) or (C, L) inputs normalised per sample and channel over L."""

    spatial_dims = 1


class InstanceNorm2d(_InstanceNorm):
    """``torch.nn.InstanceNorm2d``: (N, C, H, W) or (C, H, W) images normalised per sample and channel."""

    spatial_dims = 2


class InstanceNorm3d(_InstanceNorm):
    """``torch.nn.InstanceNorm3d``: (N, C, D, H, W) or (C, D, H, W) volumes, per sample and channel."""

    spatial_dims = 3


class GroupNorm(Module):
    """``torch.nn.GroupNorm`` (Wu & He, 2018): the C channels of each sample split into ``num_groups``
    groups, each normalised over its channels and all spatial axes; then the per-channel affine map
    γ (``weight``, ones) and β (``bias``, zeros) when ``affine``. The same in training and evaluation.
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        for name, value in (("num_groups", num_groups), ("num_channels", num_channels)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"GroupNorm: {name} must be a positive integer, got {value!r}")
        if num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups, self.num_channels = int(num_groups), int(num_channels)
        self.eps, self.affine = eps, affine
        register_affine(self, (self.num_channels,), affine, bias, dtype, device)

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        x = input
        if F.check_tensor(x, "group_norm").ndim >= 2 and x.shape[1] != self.num_channels:
            raise F.ShapeMismatchError(
                f"GroupNorm({self.num_groups}, {self.num_channels}): input of shape {x.shape} has "
                f"{x.shape[1]} channels on axis 1, expected {self.num_channels}"
            )
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class LocalResponseNorm(Module):
    """Normalisation across neighbouring channels (AlexNet's, Krizhevsky et al., 2012):
    x_c / (k + α/n · Σ x_c'²)^β over the n = ``size`` channels around c (``F.local_response_norm``)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0:
            raise ValueError(f"LocalResponseNorm: size must be a positive integer, got {size!r}")
        self.size, self.alpha, self.beta, self.k = int(size), alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
