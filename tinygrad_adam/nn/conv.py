"""Convolution and pooling as PyTorch's ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``,
``AdaptiveAvgPool2d``, ``AdaptiveMaxPool2d`` and their 1-d forms (and the ``F.*`` functions), built
from differentiable Tensor ops. The 1-d forms are the 2-d ones on an added axis of size 1.

Each kernel offset (i, j) takes one strided slice of the padded input; stacked, the slices are the
"im2col" patches, shape (N, C, kh·kw, H_out, W_out). A convolution is then one batched matmul with the
weight flattened to (groups, out/groups, C/groups·kh·kw), and pooling a reduction over the kh·kw axis.
Autodiff comes from the slices, stack and matmul, except that ``conv2d`` and ``max_pool2d`` run the
same maths as single nodes with array-level backward passes (``windows.py``); their Tensor-op forms
(``_conv2d_in_tensor_ops``, ``_max_pool2d_in_tensor_ops``) stay as specification and create_graph
path. Max pooling routes the gradient to the first maximum of each window, as PyTorch does (ties,
such as windows of ReLU zeros, are common). Adaptive pooling splits each axis of size n into ``out`` bins
[⌊i·n/out⌋, ⌈(i+1)·n/out⌉), PyTorch's rule: averaging is a matmul with a bin-averaging matrix on
each side, the maximum a loop over the bins.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..tensor import DType, DtypeMismatchError, Tensor, arange, cat, full, ones, stack, where, zeros
from . import init as initializers
from .module import Module, Parameter
from .windows import Convolution, MaxPooling, window_slices

Pair = int | tuple[int, int]
Single = int | tuple[int]


def _shape_error(message: str) -> Exception:
    """A bad shape: a ValueError here, a RuntimeError in PyTorch (nn.functional's ShapeMismatchError)."""
    from .functional import ShapeMismatchError  # imported late: functional imports this module

    return ShapeMismatchError(message)


def _range_error(message: str) -> Exception:
    """A value out of range: a ValueError here, a RuntimeError in PyTorch (ValueOutOfRangeError)."""
    from .functional import ValueOutOfRangeError  # imported late: functional imports this module

    return ValueOutOfRangeError(message)


def _sizes(value: Any, name: str, owner: str, minimum: int = 1, count: int = 2) -> tuple[int, ...]:
    """``value`` (an int, or ``count`` of them) as a ``count``-tuple of ints >= ``minimum``."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * count
    if len(values) != count or any(
        isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum for v in values
    ):
        many = "a pair of them" if count == 2 else f"a {count}-tuple of them"
        raise _range_error(f"{owner}: {name} must be an int >= {minimum} or {many}, got {value!r}")
    return tuple(int(v) for v in values)


def _batched(input: Any, owner: str) -> tuple[Tensor, bool]:
    """``input`` as (N, C, H, W); a single image (C, H, W) gets a batch of one, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise _shape_error(
            f"{owner}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape {input.shape}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def check_input_dtype(input: Any, weight: Tensor, owner: str) -> None:
    """Refuse an integer or bool input to a layer of float weights, as PyTorch does: raw 0..255
    pixels would otherwise train, silently unscaled."""
    if input.dtype.kind != "f" and weight.dtype.kind == "f":
        raise DtypeMismatchError(  # PyTorch's RuntimeError, and our TypeError
            f"{owner}: the input is {input.dtype} but the weight {weight.dtype}: convert the input "
            "with .float() (raw pixel values 0..255 also want scaling, e.g. x.float() / 255)"
        )


def _check_same_dtype(input: Tensor, weight: Tensor, owner: str) -> None:
    """Refuse a float input of another precision than the weight, naming the layer's function."""
    check_input_dtype(input, weight, owner)
    if input.dtype != weight.dtype:
        raise DtypeMismatchError(
            f"{owner}: the input is {input.dtype} but the weight {weight.dtype}; tensors are never upcast "
            "silently: convert the input (.float() / .double()) or the module (.to(dtype))"
        )


def _pad(
    input: Tensor, padding: tuple[int, ...], value: float, extra: tuple[int, ...] | None = None
) -> Tensor:
    """``input`` with ``padding`` cells of ``value`` on each side of its last ``len(padding)`` axes,
    and ``extra`` more at the end (the room ``ceil_mode`` gives the last windows, or the odd one of
    ``padding="same"`` with an even kernel)."""
    first = input.ndim - len(padding)
    extra = (0,) * len(padding) if extra is None else extra
    for axis in range(first, input.ndim):
        before, after = padding[axis - first], padding[axis - first] + extra[axis - first]
        bands = [
            full(
                (*input.shape[:axis], size, *input.shape[axis + 1 :]),
                value,
                dtype=input.dtype,
                device=input.device,
            )
            if size
            else None
            for size in (before, after)
        ]
        pieces = [piece for piece in (bands[0], input, bands[1]) if piece is not None]
        input = cat(pieces, axis) if len(pieces) > 1 else input
    return input


PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _patches(
    input: Tensor, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int], owner: str
) -> Tensor:
    """The windows of a padded (N, C, H, W) input: (N, C, kh·kw, H_out, W_out), kernel offsets row-major."""
    _check_fits(tuple(input.shape[2:]), kernel, dilation, owner)
    _, slices = window_slices(*input.shape[2:], kernel, stride, dilation)
    return stack([input[index] for index in slices], 2)


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
    _check_same_dtype(input, weight, "conv2d")
    if weight.ndim != 4:
        raise _shape_error(f"conv2d: weight must be 4-d (out, in/groups, kh, kw), got shape {weight.shape}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    out_channels, group_channels, kh, kw = weight.shape
    channels = input.shape[1]
    if channels != group_channels * groups or out_channels % groups:
        raise _shape_error(
            f"conv2d: input has {channels} channels, but weight {weight.shape} with groups={groups} expects "
            f"{group_channels * groups} (and out channels divisible by groups)"
        )
    stride, dilation = _sizes(stride, "stride", "conv2d"), _sizes(dilation, "dilation", "conv2d")
    extra = (0, 0)
    if padding == "valid":
        padding = 0
    elif padding == "same":
        if stride != (1, 1):
            raise ValueError("conv2d: padding='same' is not supported for strided convolutions")
        total = (dilation[0] * (kh - 1), dilation[1] * (kw - 1))
        padding = (total[0] // 2, total[1] // 2)
        extra = (
            total[0] % 2,
            total[1] % 2,
        )  # an even (dilated) kernel: one more at the bottom/right, as PyTorch
    elif isinstance(padding, str):
        raise ValueError(f"conv2d: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    padding = _sizes(padding, "padding", "conv2d", minimum=0)
    _check_fits((input.shape[2] + 2 * padding[0] + extra[0], input.shape[3] + 2 * padding[1] + extra[1]),
                (kh, kw), dilation, "conv2d")  # fmt: skip
    if bias is not None:
        _check_same_dtype(input, bias, "conv2d")
        if bias.shape != (out_channels,):
            raise RuntimeError(
                f"conv2d: weight {weight.shape} expects a bias of shape ({out_channels},), got {bias.shape}"
            )

    def reference(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
        return _conv2d_in_tensor_ops(input, weight, bias, stride, padding, extra, dilation, groups)

    sides = (padding[0], padding[0] + extra[0], padding[1], padding[1] + extra[1])
    tensors = (input, weight) if bias is None else (input, weight, bias)
    output = Convolution.apply(
        *tensors, stride=stride, sides=sides, dilation=dilation, groups=groups, reference=reference
    )
    return output.squeeze(0) if unbatched else output


def _conv2d_in_tensor_ops(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: tuple[int, int],
    padding: tuple[int, int],
    extra: tuple[int, int],
    dilation: tuple[int, int],
    groups: int,
) -> Tensor:
    """``conv2d`` of a batched input written in Tensor ops (im2col patches, one batched matmul):
    the specification ``windows.Convolution`` is tested against, and its create_graph path."""
    out_channels, group_channels, kh, kw = weight.shape
    padded = _pad(input, padding, 0.0, extra)
    patches = _patches(padded, (kh, kw), stride, dilation, "conv2d")
    batch, _, _, out_h, out_w = patches.shape
    columns = patches.reshape(batch, groups, group_channels * kh * kw, out_h * out_w)
    kernels = weight.reshape(1, groups, out_channels // groups, group_channels * kh * kw)
    output = (kernels @ columns).reshape(batch, out_channels, out_h, out_w)
    if bias is not None:
        output = output + bias.reshape(1, out_channels, 1, 1)
    return output


def _check_fits(
    size: tuple[int, int], kernel: tuple[int, int], dilation: tuple[int, int], owner: str
) -> None:
    """An error (ValueError; RuntimeError in PyTorch) unless the dilated kernel fits the padded input once."""
    if any(n - d * (k - 1) - 1 < 0 for n, k, d in zip(size, kernel, dilation, strict=True)):
        raise _shape_error(
            f"{owner}: the kernel {kernel} (dilation {dilation}) does not fit the padded input of size {size}"
        )


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Pair = 1,
    padding: Pair = 0,
    output_padding: Pair = 0,
    groups: int = 1,
    dilation: Pair = 1,
) -> Tensor:
    """PyTorch's ``F.conv_transpose2d`` (the gradient of ``conv2d`` with respect to its input):
    weight (in, out/groups, kh, kw), output size (n − 1)·s − 2p + d(k − 1) + output_padding + 1."""
    settings = (stride, padding, output_padding, groups, dilation)
    return _conv_transpose(input, weight, bias, *settings, dims=2)


def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, int, int] = 1,
    padding: int | tuple[int, int, int] = 0,
    output_padding: int | tuple[int, int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int, int] = 1,
) -> Tensor:
    """PyTorch's ``F.conv_transpose3d``: weight (in, out/groups, kd, kh, kw), input (N, C, D, H, W)
    or (C, D, H, W), each output size (n − 1)·s − 2p + d(k − 1) + output_padding + 1."""
    settings = (stride, padding, output_padding, groups, dilation)
    return _conv_transpose(input, weight, bias, *settings, dims=3)


def _conv_transpose(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: int,
    dilation: Any,
    dims: int,
) -> Tensor:
    """The transposed convolution over ``dims`` (2 or 3) spatial axes, as a stride-1 ``conv2d`` /
    ``conv3d`` of the input with s − 1 zeros between neighbours, padded by d(k − 1) − p (cropped
    where that is negative) plus ``output_padding`` at the end, with the kernel flipped and its
    in/out axes swapped within each group."""
    owner = f"conv_transpose{dims}d"
    input, unbatched = (_batched if dims == 2 else _batched_volume)(input, owner)
    _check_same_dtype(input, weight, owner)
    if not isinstance(weight, Tensor) or weight.ndim != dims + 2:
        got = weight.shape if isinstance(weight, Tensor) else type(weight).__name__
        axes = "kh, kw" if dims == 2 else "kd, kh, kw"
        raise _shape_error(f"{owner}: weight must be {dims + 2}-d (in, out/groups, {axes}), got {got}")
    if (
        isinstance(groups, bool)
        or not isinstance(groups, (int, np.integer))
        or groups < 1
        or weight.shape[0] % groups
    ):
        raise _range_error(
            f"{owner}: groups must be a positive int dividing {weight.shape[0]}, got {groups!r}"
        )
    if input.shape[1] != weight.shape[0]:
        raise _shape_error(
            f"{owner}: input has {input.shape[1]} channels, but weight {weight.shape} expects "
            f"{weight.shape[0]}"
        )
    if bias is not None and bias.shape != (weight.shape[1] * groups,):
        raise _shape_error(
            f"{owner}: weight {weight.shape} with groups={groups} expects a bias of shape "
            f"({weight.shape[1] * groups},), got {bias.shape}"
        )
    stride = _sizes(stride, "stride", owner, count=dims)
    dilation = _sizes(dilation, "dilation", owner, count=dims)
    padding = _sizes(padding, "padding", owner, minimum=0, count=dims)
    output_padding = _sizes(output_padding, "output_padding", owner, minimum=0, count=dims)
    if any(extra >= max(s, d) for extra, s, d in zip(output_padding, stride, dilation, strict=True)):
        raise _range_error(
            f"{owner}: output_padding {output_padding} must be smaller than the stride {stride} or "
            f"the dilation {dilation}"
        )
    in_channels, group_out, *kernel = weight.shape
    settings = zip(input.shape[2:], stride, padding, dilation, kernel, output_padding, strict=True)
    sizes = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, p, d, k, e in settings]
    if min(sizes) <= 0:
        raise _shape_error(
            f"{owner}: given input size per channel {tuple(input.shape[2:])}, the calculated output size "
            f"{tuple(sizes)} is too small (padding {padding} too large)"
        )
    for axis, step in enumerate(stride, start=2):
        if step > 1:  # s − 1 zeros after each entry, none after the last
            size = input.shape[axis]
            gaps = zeros(input.shape, dtype=input.dtype, device=input.device)
            spread = stack([input] + [gaps] * (step - 1), axis + 1)
            spread = spread.reshape(*input.shape[:axis], size * step, *input.shape[axis + 1 :])
            input = spread[(slice(None),) * axis + (slice(0, (size - 1) * step + 1),)]
    border = [d * (k - 1) - p for d, k, p in zip(dilation, kernel, padding, strict=True)]
    input = _pad(input, tuple(max(b, 0) for b in border), 0.0, output_padding)
    crops = [slice(max(-b, 0), n - max(-b, 0)) for b, n in zip(border, input.shape[2:], strict=True)]
    input = input[(slice(None), slice(None), *crops)]
    kernels = weight.reshape(groups, in_channels // groups, group_out, *kernel).transpose(1, 2)
    kernels = kernels.reshape(groups * group_out, in_channels // groups, *kernel).flip(*range(2, dims + 2))
    convolve = conv2d if dims == 2 else conv3d
    output = convolve(input, kernels, bias, 1, 0, dilation, groups)
    return output.squeeze(0) if unbatched else output


def _pool_settings(kernel_size: Pair, stride: Pair | None, padding: Pair, owner: str) -> tuple:
    kernel = _sizes(kernel_size, "kernel_size", owner)
    stride = kernel if stride is None else _sizes(stride, "stride", owner)
    padding = _sizes(padding, "padding", owner, minimum=0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise _range_error(f"{owner}: padding {padding} should be at most half the kernel {kernel}")
    return kernel, stride, padding


def _ceil_extra(
    size: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> tuple[int, ...]:
    """Rows and columns to add at the bottom/right so that ``ceil_mode`` gets PyTorch's output size:
    ⌈(n + 2p − d(k − 1) − 1) / s⌉ + 1 windows, less one if the last would start in the right padding."""
    if not ceil_mode:
        return (0,) * len(size)
    extra = []
    for n, k, s, p, d in zip(size, kernel, stride, padding, dilation, strict=True):
        span = n + 2 * p - d * (k - 1) - 1
        count = -(-span // s) + 1
        if (count - 1) * s >= n + p:
            count -= 1
        extra.append(max(0, (count - 1) * s - span))
    return tuple(extra)


def _first_max(windows: Tensor, axis: int) -> tuple[Tensor, Tensor]:
    """The largest value along ``axis`` and its position there: the first maximum, or in a window
    holding NaN its last NaN, as PyTorch's loop (``if (val > max || isnan(val))``) picks; the value,
    the index and the gradient all go there."""
    first = windows.argmax(axis, keepdim=True)
    if windows.dtype.kind == "f":
        nans = windows.isnan()
        if nans.any().item():  # one reduction; the positions below only where NaN occurs
            shape = [1] * windows.ndim
            shape[axis] = windows.shape[axis]
            counts = arange(1, windows.shape[axis] + 1, device=windows.device).reshape(*shape)
            last_nan = (nans * counts).amax(axis, keepdim=True) - 1  # -1 where the window has none
            first = where(last_nan >= 0, last_nan, first)
    return windows.gather(axis, first).squeeze(axis), first.squeeze(axis)


def _pooled(output: Tensor, indices: Tensor | None, unbatched: bool) -> Tensor | tuple[Tensor, Tensor]:
    """``output``, or ``(output, indices)`` where indices were asked for, less the batch axis an
    unbatched input was given."""
    results = tuple(r.squeeze(0) if unbatched else r for r in (output, indices) if r is not None)
    return results if indices is not None else results[0]


def _window_positions(
    first: Tensor,
    kernel_width: int,
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    width: int,
) -> Tensor:
    """PyTorch's ``return_indices``: where in the unpadded input, as row · width + column, lies the
    maximum found at offset ``first`` (row-major in the kernel) of each window."""
    out_h, out_w = first.shape[-2:]
    top = arange(out_h, device=first.device).reshape(out_h, 1) * stride[0] - padding[0]
    left = arange(out_w, device=first.device) * stride[1] - padding[1]
    return (top + first // kernel_width * dilation[0]) * width + left + first % kernel_width * dilation[1]


def max_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
    dilation: Pair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.max_pool2d``: the largest value of each window (padding counts as -inf);
    ``ceil_mode`` keeps the last, partial windows; ``return_indices`` adds where each maximum lies
    (row · W + column of the input, int64), as ``MaxUnpool2d`` takes them."""
    input, unbatched = _batched(input, "max_pool2d")
    kernel, stride, padding = _pool_settings(kernel_size, stride, padding, "max_pool2d")
    dilation = _sizes(dilation, "dilation", "max_pool2d")
    extra = _ceil_extra(input.shape[2:], kernel, stride, padding, dilation, ceil_mode)
    positions = None
    if return_indices:  # the offsets of the maxima are needed: the Tensor-op form gives them
        output, first = _max_pool2d_in_tensor_ops(input, kernel, stride, padding, extra, dilation)
        positions = _window_positions(first, kernel[1], stride, padding, dilation, input.shape[3])
        return _pooled(output, positions, unbatched)
    _check_fits((input.shape[2] + 2 * padding[0] + extra[0], input.shape[3] + 2 * padding[1] + extra[1]),
                kernel, dilation, "max_pool2d")  # fmt: skip

    def reference(input: Tensor) -> Tensor:
        return _max_pool2d_in_tensor_ops(input, kernel, stride, padding, extra, dilation)[0]

    sides = (padding[0], padding[0] + extra[0], padding[1], padding[1] + extra[1])
    output = MaxPooling.apply(
        input, kernel=kernel, stride=stride, sides=sides, dilation=dilation, reference=reference
    )
    return _pooled(output, None, unbatched)


def _max_pool2d_in_tensor_ops(
    input: Tensor,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    extra: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[Tensor, Tensor]:
    """``max_pool2d`` of a batched input in Tensor ops, with each maximum's kernel offset: the
    specification ``windows.MaxPooling`` is tested against, and its create_graph path."""
    windows = _patches(_pad(input, padding, -math.inf, extra), kernel, stride, dilation, "max_pool2d")
    return _first_max(windows, 2)


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
    ``count_include_pad=False``; ``divisor_override`` replaces the count). ``ceil_mode`` keeps the
    last, partial windows, whose count leaves out the room added past the padding, as in PyTorch."""
    input, unbatched = _batched(input, "avg_pool2d")
    kernel, stride, padding = _pool_settings(kernel_size, stride, padding, "avg_pool2d")
    if divisor_override is not None and (
        isinstance(divisor_override, bool) or not isinstance(divisor_override, int) or divisor_override == 0
    ):
        raise ValueError(
            f"avg_pool2d: divisor_override must be a nonzero int or None, got {divisor_override!r}"
        )
    extra = _ceil_extra(input.shape[2:], kernel, stride, padding, (1, 1), ceil_mode)
    sums = _patches(_pad(input, padding, 0.0, extra), kernel, stride, (1, 1), "avg_pool2d").sum(2)
    if divisor_override is not None:
        output = sums / divisor_override
    elif extra == (0, 0) and (count_include_pad or padding == (0, 0)):
        output = sums / (kernel[0] * kernel[1])
    else:  # count the input (and padding) cells each window covers
        cells = _pad(
            ones(1, 1, *input.shape[2:], dtype=input.dtype, device=input.device),
            padding,
            1.0 if count_include_pad else 0.0,
        )
        counts = _patches(_pad(cells, (0, 0), 0.0, extra), kernel, stride, (1, 1), "avg_pool2d").sum(2)
        output = sums / counts
    return output.squeeze(0) if unbatched else output


def _adaptive_sizes(
    output_size: Any, owner: str, minimum: int = 0, size: tuple[int, ...] = (1, 1)
) -> tuple[int, ...]:
    """``output_size`` (an int, or one per axis of ``size`` whose None entries keep the input's size)
    as a tuple of ``len(size)`` ints."""
    count = len(size)
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * count
    if len(sizes) != count:
        many = "a pair" if count == 2 else f"a {count}-tuple"
        raise _range_error(
            f"{owner}: output_size must be an int, None or {many} of them, got {output_size!r}"
        )
    sizes = tuple(n if s is None else s for s, n in zip(sizes, size, strict=True))
    return _sizes(sizes, "output_size", owner, minimum, count=count)


def _adaptive_triple(output_size: Any, owner: str) -> tuple[int, ...]:
    """A 3-d adaptive ``output_size`` checked as ``_adaptive_sizes`` checks a 2-d one."""
    return _adaptive_sizes(output_size, owner, 0, (1, 1, 1))


def _adaptive_bins(size: int, bins: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling bins of an axis of ``size``: [⌊i·size/bins⌋, ⌈(i+1)·size/bins⌉)."""
    return [(i * size // bins, -(-(i + 1) * size // bins)) for i in range(bins)]


def _adaptive_input(input: Any, owner: str, dims: int = 2) -> tuple[Tensor, bool]:
    input, unbatched = (_batched if dims == 2 else _batched_volume)(input, owner)
    if 0 in input.shape[1:]:
        raise _shape_error(
            f"{owner}: expected an input with non-empty channel and spatial axes, got {input.shape}"
        )
    return input, unbatched


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """PyTorch's ``F.adaptive_avg_pool2d``: the mean of each of output_size bins per spatial axis
    (bins of unequal, possibly overlapping sizes when the sizes do not divide): A_h · x · A_wᵀ with
    A[i, j] = 1 / |bin i| for j in bin i."""
    return _adaptive_avg_pool(input, output_size, dims=2)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """PyTorch's ``F.adaptive_avg_pool3d``: ``adaptive_avg_pool2d``'s bin means over volumes
    (N, C, D, H, W) or (C, D, H, W), one bin-averaging matrix per spatial axis."""
    return _adaptive_avg_pool(input, output_size, dims=3)


def _adaptive_avg_pool(input: Tensor, output_size: Any, dims: int) -> Tensor:
    """Adaptive average pooling over the last ``dims`` axes: each axis in turn multiplied by its
    bin-averaging matrix (from the left, the last axis from the right)."""
    owner = f"adaptive_avg_pool{dims}d"
    input, unbatched = _adaptive_input(input, owner, dims)
    if input.dtype.kind != "f":
        from .functional import DtypeMismatchError  # imported late: functional imports this module

        raise DtypeMismatchError(f"{owner}: the input must be floating point (averages), got {input.dtype}")
    sizes = _adaptive_sizes(output_size, owner, 0, tuple(input.shape[2:]))
    output = input
    if not input.isfinite().all().item():
        # The matrices' zeros times ±inf or NaN would spread NaN to every bin: where the input has
        # them, each bin's mean is taken over its own slice (±inf stays ±inf, as in PyTorch).
        for axis, (size, bins) in enumerate(zip(input.shape[2:], sizes, strict=True), start=2):
            means = [output.narrow(axis, start, end - start).mean(axis, keepdim=True)
                     for start, end in _adaptive_bins(size, bins)]  # fmt: skip
            output = cat(means, axis) if means else output.narrow(axis, 0, 0)
        return output.squeeze(0) if unbatched else output
    for axis, (size, bins) in enumerate(zip(input.shape[2:], sizes, strict=True), start=2):
        matrix = np.zeros((bins, size), dtype=input.dtype)
        for row, (start, end) in enumerate(_adaptive_bins(size, bins)):
            matrix[row, start:end] = 1 / (end - start)
        averaging = Tensor(matrix, device=input.device)
        if axis == input.ndim - 1:
            output = output @ averaging.transpose(0, 1)
        else:
            rest = output.shape[axis + 1 :]
            columns = output.reshape(*output.shape[:axis], size, math.prod(rest))
            output = (averaging @ columns).reshape(*output.shape[:axis], bins, *rest)
    return output.squeeze(0) if unbatched else output


def adaptive_max_pool2d(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.adaptive_max_pool2d``: the largest value of each bin (bins as in
    ``adaptive_avg_pool2d``); the gradient goes to the first maximum of a bin, as in PyTorch.
    ``return_indices`` adds where each maximum lies (row · W + column of the input, int64)."""
    return _adaptive_max_pool(input, output_size, return_indices, dims=2)


def adaptive_max_pool3d(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.adaptive_max_pool3d``: ``adaptive_max_pool2d`` over volumes; ``return_indices``
    adds (depth · H + row) · W + column of each first maximum."""
    return _adaptive_max_pool(input, output_size, return_indices, dims=3)


def _adaptive_max_pool(
    input: Tensor, output_size: Any, return_indices: bool, dims: int
) -> Tensor | tuple[Tensor, Tensor]:
    """Adaptive max pooling over the last ``dims`` axes: one first-maximum per bin of the bins'
    product, the flat position of each found by unravelling its offset within the bin."""
    owner = f"adaptive_max_pool{dims}d"
    input, unbatched = _adaptive_input(input, owner, dims)
    spatial = tuple(input.shape[2:])
    sizes = _adaptive_sizes(output_size, owner, 0, spatial)
    shape = (*input.shape[:2], *sizes)
    if 0 in sizes:  # no bins, an empty output as PyTorch's (still on the graph)
        empty = input[(slice(None), slice(None), *(slice(0, min(n, 1)) for n in sizes))].expand(*shape)
        indices = zeros(shape, dtype=np.int64, device=input.device) if return_indices else None
        return _pooled(empty, indices, unbatched)
    values, positions = [], []
    for bins in itertools.product(*(_adaptive_bins(n, b) for n, b in zip(spatial, sizes, strict=True))):
        window = input[(slice(None), slice(None), *(slice(start, end) for start, end in bins))]
        value, first = _first_max(window.flatten(2), 2)
        values.append(value)
        if return_indices:
            extents = [end - start for start, end in bins]
            position = None
            for axis, (start, _) in enumerate(bins):
                coordinate = first // math.prod(extents[axis + 1 :]) % extents[axis] + start
                position = coordinate if position is None else position * spatial[axis] + coordinate
            positions.append(position)
    output = stack(values, 2).reshape(*shape)
    return _pooled(output, stack(positions, 2).reshape(*shape) if return_indices else None, unbatched)


def _as_image_row(input: Any, owner: str) -> Tensor:
    """A (N, C, L) or (C, L) input as a one-row image (N, C, 1, L) or (C, 1, L), for the 2-d code."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise _shape_error(f"{owner}: expected a 2-d (C, L) or 3-d (N, C, L) input, got shape {input.shape}")
    return input.unsqueeze(-2)


def _without_row(result: Tensor | tuple[Tensor, Tensor]) -> Tensor | tuple[Tensor, Tensor]:
    """The 1-d result (and indices, where asked for) of 2-d code run on a one-row image."""
    return tuple(r.squeeze(-2) for r in result) if isinstance(result, tuple) else result.squeeze(-2)


def _row(value: Any, name: str, owner: str, fill: int, minimum: int = 1) -> tuple[int, int]:
    """A 1-d setting (an int or a 1-tuple) as the 2-d one of a one-row image: (fill, value)."""
    return fill, _sizes(value, name, owner, minimum, count=1)[0]


@contextlib.contextmanager
def _as_one_row(owner: str) -> Iterator[None]:
    """Let an error of the 2-d operation a 1-d one runs name the 1-d one and say why it speaks of
    2-d shapes (same error type)."""
    try:
        yield
    except (ValueError, TypeError, RuntimeError) as error:
        raise type(error)(f"{owner} (the 2-d operation on a one-row image): {error}") from error


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Single = 1,
    padding: Single | str = 0,
    dilation: Single = 1,
    groups: int = 1,
) -> Tensor:
    """PyTorch's ``F.conv1d``: weight (out, in/groups, k), bias (out,); ``conv2d`` on a one-row image."""
    row = _as_image_row(input, "conv1d")
    if not isinstance(weight, Tensor) or weight.ndim != 3:
        got = weight.shape if isinstance(weight, Tensor) else type(weight).__name__
        raise ValueError(f"conv1d: weight must be 3-d (out, in/groups, k), got {got}")
    padding = padding if isinstance(padding, str) else _row(padding, "padding", "conv1d", 0, minimum=0)
    stride, dilation = _row(stride, "stride", "conv1d", 1), _row(dilation, "dilation", "conv1d", 1)
    with _as_one_row("conv1d"):
        return conv2d(row, weight.unsqueeze(2), bias, stride, padding, dilation, groups).squeeze(-2)


def _pool1d_settings(kernel_size: Single, stride: Single | None, padding: Single, owner: str) -> tuple:
    """The 1-d pooling settings as the 2-d ones of a one-row image, checked as those are."""
    kernel = _row(kernel_size, "kernel_size", owner, 1)
    stride = kernel if stride is None else _row(stride, "stride", owner, 1)
    return _pool_settings(kernel, stride, _row(padding, "padding", owner, 0, minimum=0), owner)


def _adaptive_row(output_size: Any, owner: str, minimum: int = 0) -> tuple[int, int]:
    """A 1-d adaptive ``output_size`` as the 2-d one of a one-row image."""
    return _row(output_size, "output_size", owner, 1, minimum)


def adaptive_avg_pool1d(input: Tensor, output_size: Single) -> Tensor:
    """PyTorch's ``F.adaptive_avg_pool1d``: ``adaptive_avg_pool2d`` on a one-row image."""
    row = _as_image_row(input, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(row, _adaptive_row(output_size, "adaptive_avg_pool1d")).squeeze(-2)


def adaptive_max_pool1d(
    input: Tensor, output_size: Single, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.adaptive_max_pool1d``: ``adaptive_max_pool2d`` on a one-row image."""
    row = _as_image_row(input, "adaptive_max_pool1d")
    sizes = _adaptive_row(output_size, "adaptive_max_pool1d")
    return _without_row(adaptive_max_pool2d(row, sizes, return_indices))


def max_pool1d(
    input: Tensor,
    kernel_size: Single,
    stride: Single | None = None,
    padding: Single = 0,
    dilation: Single = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.max_pool1d``: ``max_pool2d`` on a one-row image."""
    kernel, stride, padding = _pool1d_settings(kernel_size, stride, padding, "max_pool1d")
    dilation = _row(dilation, "dilation", "max_pool1d", 1)
    row = _as_image_row(input, "max_pool1d")
    with _as_one_row("max_pool1d"):
        return _without_row(max_pool2d(row, kernel, stride, padding, dilation, ceil_mode, return_indices))


def avg_pool1d(
    input: Tensor,
    kernel_size: Single,
    stride: Single | None = None,
    padding: Single = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """PyTorch's ``F.avg_pool1d``: ``avg_pool2d`` on a one-row image."""
    kernel, stride, padding = _pool1d_settings(kernel_size, stride, padding, "avg_pool1d")
    row = _as_image_row(input, "avg_pool1d")
    with _as_one_row("avg_pool1d"):
        return avg_pool2d(row, kernel, stride, padding, ceil_mode, count_include_pad).squeeze(-2)


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Single = 1,
    padding: Single = 0,
    output_padding: Single = 0,
    groups: int = 1,
    dilation: Single = 1,
) -> Tensor:
    """PyTorch's ``F.conv_transpose1d``: weight (in, out/groups, k), output length
    (n − 1)·s − 2p + d(k − 1) + output_padding + 1; ``conv_transpose2d`` on a one-row image."""
    row = _as_image_row(input, "conv_transpose1d")
    if not isinstance(weight, Tensor) or weight.ndim != 3:
        got = weight.shape if isinstance(weight, Tensor) else type(weight).__name__
        raise ValueError(f"conv_transpose1d: weight must be 3-d (in, out/groups, k), got {got}")
    owner = "conv_transpose1d"
    stride, dilation = _row(stride, "stride", owner, 1), _row(dilation, "dilation", owner, 1)
    padding = _row(padding, "padding", owner, 0, minimum=0)
    output_padding = _row(output_padding, "output_padding", owner, 0, minimum=0)
    settings = (stride, padding, output_padding, groups, dilation)
    return conv_transpose2d(row, weight.unsqueeze(2), bias, *settings).squeeze(-2)


def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, int, int] = 1,
    padding: int | tuple[int, int, int] | str = 0,
    dilation: int | tuple[int, int, int] = 1,
    groups: int = 1,
) -> Tensor:
    """PyTorch's ``F.conv3d``: weight (out, in/groups, kd, kh, kw), bias (out,), input (N, C, D, H, W)
    or (C, D, H, W). A sum over the kernel's depth offsets of ``conv2d`` on depth slices, each slice
    of D_out planes folded into the batch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"conv3d: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (4, 5):
        raise ValueError(
            f"conv3d: expected a 4-d (C, D, H, W) or 5-d (N, C, D, H, W) input, got {input.shape}"
        )
    if not isinstance(weight, Tensor) or weight.ndim != 5:
        got = weight.shape if isinstance(weight, Tensor) else type(weight).__name__
        raise ValueError(f"conv3d: weight must be 5-d (out, in/groups, kd, kh, kw), got {got}")
    _check_same_dtype(input, weight, "conv3d")
    unbatched = input.ndim == 4
    input = input.unsqueeze(0) if unbatched else input
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv3d: groups must be a positive int, got {groups!r}")
    out_channels, group_channels, depth_kernel = weight.shape[:3]
    if input.shape[1] != group_channels * groups or out_channels % groups:
        raise _shape_error(
            f"conv3d: input has {input.shape[1]} channels, but weight {weight.shape} with groups={groups} "
            f"expects {group_channels * groups} (and out channels divisible by groups)"
        )
    if bias is not None and bias.shape != (out_channels,):
        raise _shape_error(
            f"conv3d: weight {weight.shape} expects a bias of shape ({out_channels},), got {bias.shape}"
        )
    stride = _sizes(stride, "stride", "conv3d", count=3)
    dilation = _sizes(dilation, "dilation", "conv3d", count=3)
    if padding == "same":
        if stride != (1, 1, 1):
            raise ValueError("conv3d: padding='same' is not supported for strided convolutions")
        total = dilation[0] * (depth_kernel - 1)
        depth_padding, plane_padding = (total // 2, total - total // 2), "same"
    elif isinstance(padding, str) and padding != "valid":
        raise ValueError(f"conv3d: padding must be an int, a triple, 'valid' or 'same', got {padding!r}")
    else:
        padding = (0, 0, 0) if padding == "valid" else _sizes(padding, "padding", "conv3d", 0, count=3)
        depth_padding, plane_padding = (padding[0], padding[0]), padding[1:]
    bands = [zeros((*input.shape[:2], size, *input.shape[3:]), dtype=input.dtype, device=input.device)
             for size in depth_padding]  # fmt: skip
    padded = cat([bands[0], input, bands[1]], 2) if any(depth_padding) else input
    batch, depth = padded.shape[0], padded.shape[2]
    out_d = (depth - dilation[0] * (depth_kernel - 1) - 1) // stride[0] + 1
    if out_d <= 0:
        raise _shape_error(
            f"conv3d: the kernel {tuple(weight.shape[2:])} (dilation {dilation}) does not fit the padded "
            f"input of depth {depth}"
        )
    output = None
    for offset in range(depth_kernel):
        start = offset * dilation[0]
        planes = padded[:, :, start : start + stride[0] * (out_d - 1) + 1 : stride[0]].transpose(1, 2)
        planes = planes.reshape(batch * out_d, *planes.shape[2:])
        term = conv2d(planes, weight[:, :, offset], None, stride[1:], plane_padding, dilation[1:], groups)
        output = term if output is None else output + term
    output = output.reshape(batch, out_d, *output.shape[1:]).transpose(1, 2)
    if bias is not None:
        output = output + bias.reshape(1, out_channels, 1, 1, 1)
    return output.squeeze(0) if unbatched else output


def _pool3d_settings(kernel_size: Any, stride: Any, padding: Any, owner: str) -> tuple:
    """The 3-d pooling settings as triples, padding at most half the kernel, as PyTorch checks."""
    kernel = _sizes(kernel_size, "kernel_size", owner, count=3)
    stride = kernel if stride is None else _sizes(stride, "stride", owner, count=3)
    padding = _sizes(padding, "padding", owner, minimum=0, count=3)
    if any(p > k // 2 for p, k in zip(padding, kernel, strict=True)):
        raise _range_error(f"{owner}: padding {padding} should be at most half the kernel {kernel}")
    return kernel, stride, padding


def _volume_windows(
    input: Tensor,
    kernel: tuple,
    stride: tuple,
    padding: tuple,
    dilation: tuple,
    extra: tuple,
    value: float,
    extra_value: float,
    owner: str,
) -> Tensor:
    """The windows of an (N, C, D, H, W) input padded by ``padding`` of ``value`` and ``extra`` of
    ``extra_value`` at the end: (N·D_out, C, kd·kh·kw, H_out, W_out), kernel offsets row-major. Each
    depth offset takes a strided slice of D_out planes, folded into the batch for the 2-d windows."""
    before = full(
        (*input.shape[:2], padding[0], *input.shape[3:]), value, dtype=input.dtype, device=input.device
    )
    after = full(
        (*input.shape[:2], padding[0] + extra[0], *input.shape[3:]),
        value,
        dtype=input.dtype,
        device=input.device,
    )
    if extra[0]:
        after[:, :, padding[0] :] = extra_value
    padded = cat([before, input, after], 2) if padding[0] or extra[0] else input
    depth = padded.shape[2]
    out_d = (depth - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    if out_d <= 0:
        raise _shape_error(
            f"{owner}: the kernel {kernel} (dilation {dilation}) does not fit the padded depth {depth}"
        )
    windows = []
    for offset in range(kernel[0]):
        start = offset * dilation[0]
        planes = padded[:, :, start : start + stride[0] * (out_d - 1) + 1 : stride[0]].transpose(1, 2)
        planes = planes.reshape(input.shape[0] * out_d, *planes.shape[2:])
        planes = _pad(_pad(planes, padding[1:], value), (0, 0), extra_value, extra[1:])
        windows.append(_patches(planes, kernel[1:], stride[1:], dilation[1:], owner))
    return stack(windows, 2).reshape(*windows[0].shape[:2], -1, *windows[0].shape[3:])


def _volumes(output: Tensor, batch: int) -> Tensor:
    """(N·D_out, C, H_out, W_out) pooled planes back as (N, C, D_out, H_out, W_out)."""
    return output.reshape(batch, -1, *output.shape[1:]).transpose(1, 2)


def _batched_volume(input: Any, owner: str) -> tuple[Tensor, bool]:
    """``input`` as (N, C, D, H, W); a single volume (C, D, H, W) gets a batch of one, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (4, 5):
        raise _shape_error(
            f"{owner}: expected a 4-d (C, D, H, W) or 5-d (N, C, D, H, W) input, got {input.shape}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def max_pool3d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """PyTorch's ``F.max_pool3d``: ``max_pool2d`` over volumes; ``return_indices`` gives
    (depth · H + row) · W + column of each first maximum, as ``MaxUnpool3d`` would take them."""
    input, unbatched = _batched_volume(input, "max_pool3d")
    kernel, stride, padding = _pool3d_settings(kernel_size, stride, padding, "max_pool3d")
    dilation = _sizes(dilation, "dilation", "max_pool3d", count=3)
    extra = _ceil_extra(input.shape[2:], kernel, stride, padding, dilation, ceil_mode)
    settings = (kernel, stride, padding, dilation, extra, -math.inf, -math.inf, "max_pool3d")
    output, first = _first_max(_volume_windows(input, *settings), 2)
    positions = None
    if return_indices:
        depth, height, width = input.shape[2:]
        plane = kernel[1] * kernel[2]
        rows = _window_positions(first % plane, kernel[2], stride[1:], padding[1:], dilation[1:], width)
        out_d = first.shape[0] // input.shape[0]
        starts = (arange(out_d, device=first.device) * stride[0] - padding[0]).reshape(1, out_d, 1, 1, 1)
        depths = _volumes(first // plane * dilation[0], input.shape[0]) + starts.transpose(1, 2)
        positions = depths * (height * width) + _volumes(rows, input.shape[0])
    return _pooled(_volumes(output, input.shape[0]), positions, unbatched)


def avg_pool3d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """PyTorch's ``F.avg_pool3d``: ``avg_pool2d`` over volumes, with its counting rules."""
    input, unbatched = _batched_volume(input, "avg_pool3d")
    kernel, stride, padding = _pool3d_settings(kernel_size, stride, padding, "avg_pool3d")
    if divisor_override is not None and (
        isinstance(divisor_override, bool) or not isinstance(divisor_override, int) or divisor_override == 0
    ):
        raise ValueError(
            f"avg_pool3d: divisor_override must be a nonzero int or None, got {divisor_override!r}"
        )
    if any(n < k for n, k in zip(input.shape[2:], kernel, strict=True)):  # padding or not, as PyTorch
        depth, height, width = input.shape[2:]
        raise _shape_error(
            f"avg_pool3d: input image (T: {depth} H: {height} W: {width}) smaller than kernel size {kernel}"
        )
    extra = _ceil_extra(input.shape[2:], kernel, stride, padding, (1, 1, 1), ceil_mode)
    settings = (kernel, stride, padding, (1, 1, 1), extra)
    sums = _volumes(_volume_windows(input, *settings, 0.0, 0.0, "avg_pool3d").sum(2), input.shape[0])
    if divisor_override is not None:
        output = sums / divisor_override
    elif not any(extra) and (count_include_pad or not any(padding)):
        output = sums / math.prod(kernel)
    else:  # count the input (and padding) cells each window covers
        cells = ones(1, 1, *input.shape[2:], dtype=input.dtype, device=input.device)
        counted = _volume_windows(cells, *settings, 1.0 if count_include_pad else 0.0, 0.0, "avg_pool3d")
        output = sums / _volumes(counted.sum(2), 1)
    return output.squeeze(0) if unbatched else output


def lp_pool1d(
    input: Tensor, norm_type: float, kernel_size: int, stride: Single | None = None, ceil_mode: bool = False
) -> Tensor:
    """PyTorch's ``F.lp_pool1d``: (Σ_window x^p)^(1/p) over each window, the p-norm for p >= 1."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, dims=1)


def lp_pool2d(
    input: Tensor, norm_type: float, kernel_size: Pair, stride: Pair | None = None, ceil_mode: bool = False
) -> Tensor:
    """PyTorch's ``F.lp_pool2d``: (Σ_window x^p)^(1/p) over each window (p = inf: the largest |x|)."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, dims=2)


def lp_pool3d(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
) -> Tensor:
    """PyTorch's ``F.lp_pool3d``: (Σ_window x^p)^(1/p) over each window of a volume."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, dims=3)


def _lp_pool(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool, dims: int
) -> Tensor:
    """Power-average pooling as PyTorch computes it: avg_pool(x^p) · |window|, negative means clamped
    to 0 (gradient 0 there), to the power 1/p; p = ±inf are the largest / smallest |x| of a window."""
    owner = f"lp_pool{dims}d"
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: norm_type must be a number, got {norm_type!r}")
    max_pool, avg_pool = {
        1: (max_pool1d, avg_pool1d),
        2: (max_pool2d, avg_pool2d),
        3: (max_pool3d, avg_pool3d),
    }[dims]
    if not isinstance(input, Tensor):
        raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
    if norm_type == math.inf:
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    window = math.prod(_sizes(kernel_size, "kernel_size", owner, count=dims))
    means = avg_pool(input**norm_type, kernel_size, stride, 0, ceil_mode)
    powered = means.sign() * means.abs().relu() * window
    if norm_type > 0:  # a window of zeros gives 0 with gradient 0, as PyTorch's, not inf · 0 = NaN
        zero = (powered == 0).detach()
        return where(zero, 0.0, where(zero, 1.0, powered) ** (1.0 / norm_type))
    return powered ** (1.0 / norm_type)


def _unpool_size(
    input: Tensor, kernel: tuple, stride: tuple, padding: tuple, output_size: Any, owner: str
) -> tuple[int, ...]:
    """The output size of max unpooling: (n − 1)·s − 2p + k per axis by default, or ``output_size``
    (the spatial sizes, or with the leading axes), which PyTorch allows within a stride of that."""
    dims = len(kernel)
    default = tuple(
        (n - 1) * s - 2 * p + k
        for n, s, p, k in zip(input.shape[-dims:], stride, padding, kernel, strict=True)
    )
    if output_size is None:
        return default
    sizes = tuple(int(n) for n in output_size)
    if len(sizes) == dims + 2 or (len(sizes) == dims + 1 and input.ndim == dims + 1):
        sizes = sizes[-dims:]
    if len(sizes) != dims:
        raise ValueError(
            f"{owner}: output_size must have {dims} elements (or with the leading axes), got {sizes}"
        )
    for axis, (size, base, s) in enumerate(zip(sizes, default, stride, strict=True)):
        if not base - s < size < base + s:
            raise ValueError(
                f"{owner}: invalid output_size {sizes}: axis {axis} must lie between {base - s} and "
                f"{base + s} (exclusive)"
            )
    return sizes


def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """PyTorch's ``F.max_unpool2d``, the partial inverse of ``max_pool2d``: zeros of the output size,
    each input value written where ``indices`` (from ``max_pool2d(..., return_indices=True)``, as
    row · W_out + column) says; the gradient is read back from there."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, dims=2)


def max_unpool3d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """PyTorch's ``F.max_unpool3d``, the partial inverse of ``max_pool3d``: each value written where
    ``indices`` ((depth · H_out + row) · W_out + column) says, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, dims=3)


def _max_unpool(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any, padding: Any, output_size: Any, dims: int
) -> Tensor:
    """Max unpooling over the last ``dims`` axes: one scatter into the flattened output volume."""
    owner = f"max_unpool{dims}d"
    input, unbatched = (_batched if dims == 2 else _batched_volume)(input, owner)
    if not isinstance(indices, Tensor) or indices.dtype.kind not in "iu":
        raise (DtypeMismatchError if isinstance(indices, Tensor) else TypeError)(
            f"{owner}: indices must be an integer Tensor, got {getattr(indices, 'dtype', indices)!r}"
        )
    indices = indices.unsqueeze(0) if unbatched and indices.ndim == dims + 1 else indices
    if indices.shape != input.shape:
        raise _shape_error(
            f"{owner}: indices of shape {indices.shape} must have the shape of the input {input.shape}"
        )
    kernel = _sizes(kernel_size, "kernel_size", owner, count=dims)
    stride = kernel if stride is None else _sizes(stride, "stride", owner, count=dims)
    padding = _sizes(padding, "padding", owner, minimum=0, count=dims)
    sizes = _unpool_size(input, kernel, stride, padding, output_size, owner)
    batch, channels = input.shape[:2]
    flat = indices.reshape(batch, channels, -1)
    if flat.numel() and (flat.min().item() < 0 or flat.max().item() >= math.prod(sizes)):
        bad = flat.min().item() if flat.min().item() < 0 else flat.max().item()
        raise _range_error(
            f"{owner}: found an invalid max index {bad} (the output planes are {'x'.join(map(str, sizes))})"
        )
    planes = zeros((batch, channels, math.prod(sizes)), dtype=input.dtype, device=input.device)
    output = planes.scatter(2, flat.astype(np.int64), input.reshape(batch, channels, -1))
    output = output.reshape(batch, channels, *sizes)
    return output.squeeze(0) if unbatched else output


def max_unpool1d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Single,
    stride: Single | None = None,
    padding: Single = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """PyTorch's ``F.max_unpool1d``: ``max_unpool2d`` on a one-row image."""
    row = _as_image_row(input, "max_unpool1d")
    if not isinstance(indices, Tensor):
        raise TypeError(f"max_unpool1d: indices must be an integer Tensor, got {type(indices).__name__}")
    kernel = _row(kernel_size, "kernel_size", "max_unpool1d", 1)
    stride = kernel if stride is None else _row(stride, "stride", "max_unpool1d", 1)
    padding = _row(padding, "padding", "max_unpool1d", 0, minimum=0)
    if output_size is not None:
        output_size = (
            1,
            _unpool_size(input, kernel[1:], stride[1:], padding[1:], output_size, "max_unpool1d")[0],
        )
    return max_unpool2d(row, indices.unsqueeze(-2), kernel, stride, padding, output_size).squeeze(-2)


class Conv2d(Module):
    """``torch.nn.Conv2d``: weight (out, in/groups, kh, kw) and bias drawn from U(±1/√fan_in), PyTorch's
    rule (``kaiming_uniform_`` with a = √5); ``padding_mode`` other than zeros pads with ``F.pad`` first.
    ``spatial_dims`` is how many sizes the kernel, stride, padding and dilation have (``Conv1d`` sets 1)."""

    spatial_dims = 2
    transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | str = 0,
        dilation: int | tuple[int, ...] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        owner, count = type(self).__name__, self.spatial_dims
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{owner}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{owner}: {name} must be a positive int, got {value!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{owner}: in_channels {in_channels} and out_channels {out_channels} must be divisible "
                f"by groups {groups}"
            )
        self.in_channels, self.out_channels, self.groups = int(in_channels), int(out_channels), int(groups)
        self.kernel_size = _sizes(kernel_size, "kernel_size", owner, count=count)
        self.stride = _sizes(stride, "stride", owner, count=count)
        self.padding = (
            padding if isinstance(padding, str) else _sizes(padding, "padding", owner, minimum=0, count=count)
        )
        self.dilation = _sizes(dilation, "dilation", owner, count=count)
        if isinstance(padding, str) and padding not in ("valid", "same"):
            raise ValueError(f"{owner}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
        if padding == "same" and any(s != 1 for s in self.stride):
            raise ValueError(f"{owner}: padding='same' is not supported for strided convolutions")
        self.padding_mode = padding_mode
        self.output_padding = (0,) * count  # PyTorch's convolutions all have one; only transposed ones use it
        self.weight = Parameter(zeros(self._weight_shape(), dtype=dtype, device=device))
        self.bias = Parameter(zeros((out_channels,), dtype=dtype, device=device)) if bias else None
        self.reset_parameters()

    def _weight_shape(self) -> tuple[int, ...]:
        return (self.out_channels, self.in_channels // self.groups, *self.kernel_size)

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(math.prod(self.weight.shape[1:]))
        initializers.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            initializers.uniform_(self.bias, -bound, bound)

    def _padded(self, input: Tensor) -> tuple[Tensor, tuple[int, ...] | str]:
        """The input and the padding to convolve it with: as given for zeros, or padded here by
        ``padding_mode`` (PyTorch's "same" puts an odd one at the end) and then none."""
        if self.padding_mode == "zeros":
            return input, self.padding
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size, strict=True)]
            sides = [(total // 2, total - total // 2) for total in totals]
        else:
            sides = [(p, p) for p in ((0,) * self.spatial_dims if self.padding == "valid" else self.padding)]
        if not isinstance(input, Tensor) or input.ndim < self.spatial_dims + 1:
            return input, 0  # the convolution names the bad input
        from .resample import pad  # here, not at the top: resample.py builds on this module's pooling

        return pad(input, [amount for side in reversed(sides) for amount in side], self.padding_mode), 0

    def forward(self, input: Tensor) -> Tensor:
        input, padding = self._padded(input)
        return conv2d(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}"
        if isinstance(self.padding, str) or any(self.padding):
            text += f", padding={self.padding}"
        if any(d != 1 for d in self.dilation):
            text += f", dilation={self.dilation}"
        if any(self.output_padding):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        text += "" if self.bias is not None else ", bias=False"
        return text + (f", padding_mode={self.padding_mode}" if self.padding_mode != "zeros" else "")


class MaxPool2d(Module):
    """``torch.nn.MaxPool2d``: ``F.max_pool2d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(max_pool2d)
    settings = staticmethod(_pool_settings)

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
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)
        self.settings(kernel_size, stride, padding, type(self).__name__)

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        settings = (
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )
        return self.pool(input, *settings)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """``torch.nn.AvgPool2d``: ``F.avg_pool2d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(avg_pool2d)
    settings = staticmethod(_pool_settings)

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
        self.settings(kernel_size, stride, padding, type(self).__name__)
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode, self.count_include_pad, self.divisor_override = (
            ceil_mode,
            count_include_pad,
            divisor_override,
        )

    def forward(self, input: Tensor) -> Tensor:
        options = {"divisor_override": self.divisor_override} if self.divisor_override is not None else {}
        return self.pool(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            **options,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class Conv1d(Conv2d):
    """``torch.nn.Conv1d``: weight (out, in/groups, k) and bias from U(±1/√fan_in) as ``Conv2d``;
    ``F.conv1d`` with fixed settings."""

    spatial_dims = 1

    def forward(self, input: Tensor) -> Tensor:
        input, padding = self._padded(input)
        return conv1d(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class ConvTranspose2d(Conv2d):
    """``torch.nn.ConvTranspose2d``: weight (in, out/groups, kh, kw) and bias from U(±1/√fan_in),
    fan_in = out/groups·kh·kw as PyTorch computes it; ``F.conv_transpose2d`` with fixed settings."""

    transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Pair,
        stride: Pair = 1,
        padding: Pair = 0,
        output_padding: Pair = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Pair = 1,
        padding_mode: str = "zeros",
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        owner = type(self).__name__
        if isinstance(padding, str):
            many = "a pair" if self.spatial_dims == 2 else f"a {self.spatial_dims}-tuple"
            raise ValueError(f"{owner}: padding must be an int or {many} of ints, got {padding!r}")
        if padding_mode != "zeros":
            raise ValueError(f"{owner}: only padding_mode='zeros' is supported, got {padding_mode!r}")
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
        )
        self.output_padding = _sizes(output_padding, "output_padding", owner, 0, count=self.spatial_dims)

    def _weight_shape(self) -> tuple[int, ...]:
        return (self.in_channels, self.out_channels // self.groups, *self.kernel_size)

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        """``output_size`` ((H, W), or with the leading axes) picks ``output_padding`` among the
        sizes that a stride above 1 leaves open, as in PyTorch."""
        output_padding = (
            self.output_padding if output_size is None else self._output_padding(input, output_size)
        )
        settings = (self.stride, self.padding, output_padding, self.groups, self.dilation)
        return self.convolve(input, self.weight, self.bias, *settings)

    convolve = staticmethod(conv_transpose2d)

    def _output_padding(self, input: Tensor, output_size: Sequence[int]) -> tuple[int, ...]:
        """The output padding that makes the output's spatial sizes ``output_size``: between the
        smallest size (n − 1)·s − 2p + d(k − 1) + 1 and that plus s − 1."""
        dims, owner = self.spatial_dims, type(self).__name__
        if not isinstance(input, Tensor) or input.ndim not in (dims + 1, dims + 2):
            return self.output_padding  # the convolution names the bad input
        output_size = tuple(output_size)
        if len(output_size) == input.ndim:
            output_size = output_size[-dims:]
        if len(output_size) != dims:
            raise ValueError(
                f"{owner}: for a {input.ndim}-d input, output_size must have {dims} or {input.ndim} "
                f"elements, got {output_size}"
            )
        smallest = [
            (n - 1) * s - 2 * p + d * (k - 1) + 1
            for n, s, p, d, k in zip(
                input.shape[-dims:], self.stride, self.padding, self.dilation, self.kernel_size, strict=True
            )
        ]
        largest = [size + s - 1 for size, s in zip(smallest, self.stride, strict=True)]
        if any(
            not low <= size <= high for size, low, high in zip(output_size, smallest, largest, strict=True)
        ):
            raise ValueError(
                f"{owner}: requested an output size of {output_size}, but valid sizes range from "
                f"{tuple(smallest)} to {tuple(largest)} (for an input of {input.shape[-dims:]})"
            )
        return tuple(size - low for size, low in zip(output_size, smallest, strict=True))


class MaxPool1d(MaxPool2d):
    """``torch.nn.MaxPool1d``: ``F.max_pool1d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(max_pool1d)
    settings = staticmethod(_pool1d_settings)


class AvgPool1d(AvgPool2d):
    """``torch.nn.AvgPool1d``: ``F.avg_pool1d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(avg_pool1d)
    settings = staticmethod(_pool1d_settings)

    def __init__(
        self,
        kernel_size: Single,
        stride: Single | None = None,
        padding: Single = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:  # as PyTorch's: no divisor_override, and the sizes kept as 1-tuples
        def single(value: Any) -> Any:
            return tuple(value) if isinstance(value, (tuple, list)) else (value,)

        stride = kernel_size if stride is None else stride
        super().__init__(single(kernel_size), single(stride), single(padding), ceil_mode, count_include_pad)


class AdaptiveAvgPool2d(Module):
    """``torch.nn.AdaptiveAvgPool2d``: ``F.adaptive_avg_pool2d`` to a fixed ``output_size`` (an int,
    or a pair whose None entries keep the input's size)."""

    pool = staticmethod(adaptive_avg_pool2d)
    settings = staticmethod(_adaptive_sizes)

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.settings(output_size, type(self).__name__)
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return self.pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(AdaptiveAvgPool2d):
    """``torch.nn.AdaptiveMaxPool2d``: ``F.adaptive_max_pool2d`` to a fixed ``output_size``."""

    pool = staticmethod(adaptive_max_pool2d)

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = bool(return_indices)

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return self.pool(input, self.output_size, self.return_indices)


class AdaptiveAvgPool1d(AdaptiveAvgPool2d):
    """``torch.nn.AdaptiveAvgPool1d``: ``F.adaptive_avg_pool1d`` to a fixed length ``output_size``."""

    pool = staticmethod(adaptive_avg_pool1d)
    settings = staticmethod(_adaptive_row)


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    """``torch.nn.AdaptiveMaxPool1d``: ``F.adaptive_max_pool1d`` to a fixed length ``output_size``."""

    pool = staticmethod(adaptive_max_pool1d)
    settings = staticmethod(_adaptive_row)


class ConvTranspose1d(ConvTranspose2d):
    """``torch.nn.ConvTranspose1d``: weight (in, out/groups, k) and bias from U(±1/√fan_in) as
    ``ConvTranspose2d``; ``F.conv_transpose1d`` with fixed settings."""

    spatial_dims = 1
    convolve = staticmethod(conv_transpose1d)


class Conv3d(Conv2d):
    """``torch.nn.Conv3d``: weight (out, in/groups, kd, kh, kw) and bias from U(±1/√fan_in) as
    ``Conv2d``; ``F.conv3d`` with fixed settings."""

    spatial_dims = 3

    def forward(self, input: Tensor) -> Tensor:
        input, padding = self._padded(input)
        return conv3d(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class MaxUnpool2d(Module):
    """``torch.nn.MaxUnpool2d``: ``F.max_unpool2d`` with fixed settings (stride defaults to the
    kernel); ``forward(input, indices, output_size=None)``."""

    spatial_dims = 2
    unpool = staticmethod(max_unpool2d)

    def __init__(self, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0) -> None:
        super().__init__()
        owner, dims = type(self).__name__, self.spatial_dims
        self.kernel_size = _sizes(kernel_size, "kernel_size", owner, count=dims)
        self.stride = self.kernel_size if stride is None else _sizes(stride, "stride", owner, count=dims)
        self.padding = _sizes(padding, "padding", owner, 0, count=dims)

    def forward(self, input: Tensor, indices: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        return self.unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(MaxUnpool2d):
    """``torch.nn.MaxUnpool1d``: ``F.max_unpool1d`` with fixed settings (stride defaults to the kernel)."""

    spatial_dims = 1
    unpool = staticmethod(max_unpool1d)


class MaxPool3d(MaxPool2d):
    """``torch.nn.MaxPool3d``: ``F.max_pool3d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(max_pool3d)
    settings = staticmethod(_pool3d_settings)


class AvgPool3d(AvgPool2d):
    """``torch.nn.AvgPool3d``: ``F.avg_pool3d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(avg_pool3d)
    settings = staticmethod(_pool3d_settings)


class ConvTranspose3d(ConvTranspose2d):
    """``torch.nn.ConvTranspose3d``: weight (in, out/groups, kd, kh, kw) and bias from U(±1/√fan_in)
    as ``ConvTranspose2d``; ``F.conv_transpose3d`` with fixed settings."""

    spatial_dims = 3
    convolve = staticmethod(conv_transpose3d)


class AdaptiveAvgPool3d(AdaptiveAvgPool2d):
    """``torch.nn.AdaptiveAvgPool3d``: ``F.adaptive_avg_pool3d`` to a fixed ``output_size`` (an int,
    or a triple whose None entries keep the input's size)."""

    pool = staticmethod(adaptive_avg_pool3d)
    settings = staticmethod(_adaptive_triple)


class AdaptiveMaxPool3d(AdaptiveMaxPool2d):
    """``torch.nn.AdaptiveMaxPool3d``: ``F.adaptive_max_pool3d`` to a fixed ``output_size``."""

    pool = staticmethod(adaptive_max_pool3d)
    settings = staticmethod(_adaptive_triple)


class MaxUnpool3d(MaxUnpool2d):
    """``torch.nn.MaxUnpool3d``: ``F.max_unpool3d`` with fixed settings (stride defaults to the kernel)."""

    spatial_dims = 3
    unpool = staticmethod(max_unpool3d)


class LPPool2d(Module):
    """``torch.nn.LPPool2d``: ``F.lp_pool2d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(lp_pool2d)
    spatial_dims = 2

    def __init__(
        self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
    ) -> None:
        super().__init__()
        owner, dims = type(self).__name__, self.spatial_dims
        _sizes(kernel_size, "kernel_size", owner, count=dims)
        if stride is not None:
            _sizes(stride, "stride", owner, count=dims)
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = (
            norm_type,
            kernel_size,
            stride,
            ceil_mode,
        )

    def forward(self, input: Tensor) -> Tensor:
        return self.pool(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"ceil_mode={self.ceil_mode}"
        )


class LPPool1d(LPPool2d):
    """``torch.nn.LPPool1d``: ``F.lp_pool1d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(lp_pool1d)
    spatial_dims = 1


class LPPool3d(LPPool2d):
    """``torch.nn.LPPool3d``: ``F.lp_pool3d`` with fixed settings (stride defaults to the kernel)."""

    pool = staticmethod(lp_pool3d)
    spatial_dims = 3
