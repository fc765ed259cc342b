"""2-d convolution and pooling as PyTorch's ``Conv2d``, ``MaxPool2d``, ``AvgPool2d`` (and ``F.conv2d``,
``F.max_pool2d``, ``F.avg_pool2d``), built from differentiable Tensor ops.

Each kernel offset (i, j) takes one strided slice of the padded input; stacked, the slices are the
"im2col" patches, shape (N, C, kh·kw, H_out, W_out). A convolution is then one batched matmul with the
weight flattened to (groups, out/groups, C/groups·kh·kw), and pooling a reduction over the kh·kw axis.
Autodiff comes from the slices, stack and matmul; nothing here has a backward of its own. Max pooling
routes the gradient to the first maximum of each window, as PyTorch does (ties, such as windows of
ReLU zeros, are common).
"""

from __future__ import annotations

import math
from typing import Any

from ..tensor import DType, Tensor, cat, full, stack, zeros
from . import init as initializers
from .module import Module, Parameter

Pair = int | tuple[int, int]


def _pair(value: Any, name: str, owner: str, minimum: int = 1) -> tuple[int, int]:
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or any(isinstance(v, bool) or not isinstance(v, int) or v < minimum for v in values):
        raise ValueError(f"{owner}: {name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return values  # type: ignore[return-value]


def _batched(input: Any, owner: str) -> tuple[Tensor, bool]:
    """``input`` as (N, C, H, W); a single image (C, H, W) gets a batch of one, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise ValueError(
            f"{owner}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape {input.shape}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def _pad(input: Tensor, padding: tuple[int, int], value: float) -> Tensor:
    """``input`` with ``padding`` rows/columns of ``value`` on each side of its last two axes."""
    top, left = padding
    if top:
        band = full((*input.shape[:2], top, input.shape[3]), value, dtype=input.dtype, device=input.device)
        input = cat([band, input, band], 2)
    if left:
        band = full((*input.shape[:3], left), value, dtype=input.dtype, device=input.device)
        input = cat([band, input, band], 3)
    return input


def _patches(
    input: Tensor, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int], owner: str
) -> Tensor:
    """The windows of a padded (N, C, H, W) input: (N, C, kh·kw, H_out, W_out), kernel offsets row-major."""
    height, width = input.shape[2:]
    out_h = (height - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    out_w = (width - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    if out_h <= 0 or out_w <= 0:
        raise ValueError(
            f"{owner}: the kernel {kernel} (dilation {dilation}) does not fit the padded input of size "
            f"{(height, width)}"
        )
    windows = []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            top, left = i * dilation[0], j * dilation[1]
            windows.append(
                input[
                    :,
                    :,
                    top : top + stride[0] * (out_h - 1) + 1 : stride[0],
                    left : left + stride[1] * (out_w - 1) + 1 : stride[1],
                ]
            )
    return stack(windows, 2)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Pair = 1,
    padding: Pair | str = 0,
    dilation: Pair = 1,
    groups: int = 1,
) -> Tensor:
    """PyTorch's ``F.conv2d`` (cross-correlation): weight (out, in/groups, kh, kw), bias (out,);
    ``padding`` an int, a pair, ``"valid"`` (0) or ``"same"`` (stride 1 only), with zeros."""
    input, unbatched = _batched(input, "conv2d")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-d (out, in/groups, kh, kw), got shape {weight.shape}")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    out_channels, group_channels, kh, kw = weight.shape
    channels = input.shape[1]
    if channels != group_channels * groups or out_channels % groups:
        raise ValueError(
            f"conv2d: input has {channels} channels, but weight {weight.shape} with groups={groups} expects "
            f"{group_channels * groups} (and out channels divisible by groups)"
        )
    stride, dilation = _pair(stride, "stride", "conv2d"), _pair(dilation, "dilation", "conv2d")
    if padding == "valid":
        padding = 0
    elif padding == "same":
        if stride != (1, 1):
            raise ValueError("conv2d: padding='same' is not supported for strided convolutions")
        total = (dilation[0] * (kh - 1), dilation[1] * (kw - 1))
        if total[0] % 2 or total[1] % 2:
            # PyTorch pads one more on the bottom/right here; this symmetric padding cannot.
            raise ValueError("conv2d: padding='same' needs an odd (dilated) kernel size here")
        padding = (total[0] // 2, total[1] // 2)
    elif isinstance(padding, str):
        raise ValueError(f"conv2d: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    padded = _pad(input, _pair(padding, "padding", "conv2d", minimum=0), 0.0)
    patches = _patches(padded, (kh, kw), stride, dilation, "conv2d")
    batch, _, _, out_h, out_w = patches.shape
    columns = patches.reshape(batch, groups, group_channels * kh * kw, out_h * out_w)
    kernels = weight.reshape(1, groups, out_channels // groups, group_channels * kh * kw)
    output = (kernels @ columns).reshape(batch, out_channels, out_h, out_w)
    if bias is not None:
        output = output + bias.reshape(1, out_channels, 1, 1)
    return output.squeeze(0) if unbatched else output


def _pool_settings(kernel_size: Pair, stride: Pair | None, padding: Pair, owner: str) -> tuple:
    kernel = _pair(kernel_size, "kernel_size", owner)
    stride = kernel if stride is None else _pair(stride, "stride", owner)
    padding = _pair(padding, "padding", owner, minimum=0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{owner}: padding {padding} should be at most half the kernel size {kernel}")
    return kernel, stride, padding


def _no_ceil_mode(ceil_mode: bool, owner: str) -> None:
    if ceil_mode:
        raise NotImplementedError(f"{owner}: ceil_mode=True is not supported; pad the input instead")


def max_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
    dilation: Pair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor:
    """PyTorch's ``F.max_pool2d``: the largest value of each window (padding counts as -inf)."""
    if return_indices:
        raise NotImplementedError("max_pool2d: return_indices=True is not supported")
    _no_ceil_mode(ceil_mode, "max_pool2d")
    input, unbatched = _batched(input, "max_pool2d")
    kernel, stride, padding = _pool_settings(kernel_size, stride, padding, "max_pool2d")
    dilation = _pair(dilation, "dilation", "max_pool2d")
    windows = _patches(_pad(input, padding, -math.inf), kernel, stride, dilation, "max_pool2d")
    first_max = windows.argmax(2, keepdim=True)  # the gradient goes to one entry, as in PyTorch
    output = windows.gather(2, first_max).squeeze(2)
    return output.squeeze(0) if unbatched else output


def avg_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """PyTorch's ``F.avg_pool2d``: the mean of each window (padding zeros counted unless
    ``count_include_pad=False``; ``divisor_override`` replaces the count)."""
    _no_ceil_mode(ceil_mode, "avg_pool2d")
    input, unbatched = _batched(input, "avg_pool2d")
    kernel, stride, padding = _pool_settings(kernel_size, stride, padding, "avg_pool2d")
    sums = _patches(_pad(input, padding, 0.0), kernel, stride, (1, 1), "avg_pool2d").sum(2)
    if divisor_override is not None:
        output = sums / divisor_override
    elif count_include_pad or padding == (0, 0):
        output = sums / (kernel[0] * kernel[1])
    else:
        ones = zeros((1, 1, *input.shape[2:]), dtype=input.dtype, device=input.device) + 1.0
        counts = _patches(_pad(ones, padding, 0.0), kernel, stride, (1, 1), "avg_pool2d").sum(2)
        output = sums / counts
    return output.squeeze(0) if unbatched else output


class Conv2d(Module):
    """``torch.nn.Conv2d``: weight (out, in/groups, kh, kw) and bias drawn from U(±1/√fan_in), PyTorch's
    rule (``kaiming_uniform_`` with a = √5), zero padding."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Pair,
        stride: Pair = 1,
        padding: Pair | str = 0,
        dilation: Pair = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        if padding_mode != "zeros":
            raise NotImplementedError(f"Conv2d: padding_mode={padding_mode!r}; only 'zeros' is supported")
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Conv2d: {name} must be a positive int, got {value!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels {in_channels} and out_channels {out_channels} must be divisible "
                f"by groups {groups}"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = _pair(stride, "stride", "Conv2d")
        self.padding = padding if isinstance(padding, str) else _pair(padding, "padding", "Conv2d", minimum=0)
        self.dilation = _pair(dilation, "dilation", "Conv2d")
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(zeros(shape, dtype=dtype, device=device))
        self.bias = Parameter(zeros((out_channels,), dtype=dtype, device=device)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1])
        initializers.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            initializers.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}"
        if self.padding not in ((0, 0), "valid"):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")


class MaxPool2d(Module):
    """``torch.nn.MaxPool2d``: ``F.max_pool2d`` with fixed settings (stride defaults to the kernel)."""

    def __init__(
        self,
        kernel_size: Pair,
        stride: Pair | None = None,
        padding: Pair = 0,
        dilation: Pair = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        if return_indices:
            raise NotImplementedError("MaxPool2d: return_indices=True is not supported")
        _no_ceil_mode(ceil_mode, "MaxPool2d")
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.stride = kernel_size if stride is None else stride
        _pool_settings(kernel_size, stride, padding, "MaxPool2d")

    def forward(self, input: Tensor) -> Tensor:
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode=False"
        )


class AvgPool2d(Module):
    """``torch.nn.AvgPool2d``: ``F.avg_pool2d`` with fixed settings (stride defaults to the kernel)."""

    def __init__(
        self,
        kernel_size: Pair,
        stride: Pair | None = None,
        padding: Pair = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        _no_ceil_mode(ceil_mode, "AvgPool2d")
        _pool_settings(kernel_size, stride, padding, "AvgPool2d")
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            count_include_pad=self.count_include_pad,
            divisor_override=self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
