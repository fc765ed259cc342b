"""Convolution and max pooling over sliding windows as single autograd nodes, forward and backward
on raw arrays.

``conv.py`` writes both in Tensor ops (a strided slice of the padded input per kernel offset,
stacked into im2col patches); autodiff through those slices, the stack and the matmul costs dozens
of Python nodes a layer, and a max pool's gather scatters its gradient back one element at a time.
Here the same maths runs as one node each way:

- convolution: y = W·cols(x) + b; dW = Σₙ g·colsᵀ, dcols = Wᵀ·g, and dx adds each kernel offset's
  slice of dcols back where that offset's slice of x came from (col2im);
- max pooling: y = max over the window's slices, taken elementwise; the first offset that holds the
  maximum (in a window with NaN, its last NaN) gets the gradient, as in PyTorch.

A graph of the gradients (create_graph) is built by the Tensor-op versions in ``conv.py`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..autograd import Function, is_grad_enabled
from ..tensor import Tensor

Sides = tuple[int, int, int, int]  # rows added at the top and bottom, columns at the left and right


def window_slices(
    height: int, width: int, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> tuple[tuple[int, int], list[tuple[slice, ...]]]:
    """The output size, and for each kernel offset (row-major) the strided slice of an (N, C, H, W)
    input that it sees across all windows."""
    out_h = (height - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    out_w = (width - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    slices = []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            top, left = i * dilation[0], j * dilation[1]
            rows = slice(top, top + stride[0] * (out_h - 1) + 1, stride[0])
            columns = slice(left, left + stride[1] * (out_w - 1) + 1, stride[1])
            slices.append((slice(None), slice(None), rows, columns))
    return (out_h, out_w), slices


def _pad(function: Function, array: Any, sides: Sides, value: float) -> Any:
    """``array`` (N, C, H, W) inside a border of ``value``, ``sides`` wide."""
    if not any(sides):
        return array
    top, bottom, left, right = sides
    n, c, h, w = array.shape
    xp, backend = function.xp, function.backend
    padded = xp.full(
        (n, c, h + top + bottom, w + left + right), value, dtype=array.dtype, **backend.creation_kwargs
    )
    return backend.setitem(
        padded, (slice(None), slice(None), slice(top, top + h), slice(left, left + w)), array
    )


def _unpad(array: Any, sides: Sides) -> Any:
    top, bottom, left, right = sides
    if not any(sides):
        return array
    return array[:, :, top : array.shape[2] - bottom, left : array.shape[3] - right]


def _add_windows(
    function: Function, shape: tuple[int, ...], slices: list, parts: Callable[[int], Any]
) -> Any:
    """Zeros of the padded input's ``shape`` with ``parts(k)`` added at each offset's slice k: the
    adjoint of taking the slices (col2im). Where windows do not overlap (a stride as large as the
    kernel, no dilation) the slices share no element, and each part is written instead of added."""
    xp, backend = function.xp, function.backend
    first = parts(0)
    total = xp.zeros(shape, dtype=first.dtype, **backend.creation_kwargs)
    for k, index in enumerate(slices):
        part = first if k == 0 else parts(k)
        if function.disjoint:
            total = backend.setitem(total, index, part)
        else:
            total = backend.add_at(total, index, part)
    return total


def _disjoint(kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]) -> bool:
    """Whether no two windows share an input element."""
    return dilation == (1, 1) and stride[0] >= kernel[0] and stride[1] >= kernel[1]


def _differentiate(
    function: Function, reference: Callable[..., Tensor], grad: Tensor
) -> tuple[Tensor | None, ...]:
    """The input gradients as a graph (create_graph): the Tensor-op ``reference`` differentiated."""
    from ..autograd import grad as gradients

    inputs = function.inputs
    wanted = [t for t, need in zip(inputs, function.needs_input_grad) if need]
    found = iter(gradients(reference(*inputs), wanted, grad, create_graph=True, allow_unused=True))
    return tuple(next(found) if need else None for need in function.needs_input_grad)


class Convolution(Function):
    """2-d cross-correlation of x (N, C, H, W) with W (O, C/groups, kh, kw), plus b (O,) when given."""

    def forward(
        self,
        x: Any,
        weight: Any,
        bias: Any = None,
        *,
        stride: tuple[int, int],
        sides: Sides,
        dilation: tuple[int, int],
        groups: int,
        reference: Callable[..., Tensor],
    ) -> Any:
        xp = self.xp
        self.sides, self.groups, self.reference = sides, groups, reference
        padded = _pad(self, x, sides, 0.0)
        self.padded_shape = padded.shape
        (out_h, out_w), self.slices = window_slices(*padded.shape[2:], weight.shape[2:], stride, dilation)
        batch = x.shape[0]
        out_channels, group_channels = weight.shape[:2]
        kernel_area = weight.shape[2] * weight.shape[3]
        self.disjoint = _disjoint(weight.shape[2:], stride, dilation)
        if len(self.slices) == 1:  # a 1x1 kernel: the (strided) input itself, a view where it can be
            patches = xp.expand_dims(padded[self.slices[0]], axis=2)
        else:
            patches = xp.stack([padded[index] for index in self.slices], axis=2)  # (N, C, kh·kw, H', W')
        self.columns = xp.reshape(patches, (batch, groups, group_channels * kernel_area, out_h * out_w))
        self.kernels = xp.reshape(weight, (groups, out_channels // groups, group_channels * kernel_area))
        out = xp.reshape(xp.matmul(self.kernels, self.columns), (batch, out_channels, out_h, out_w))
        if bias is not None:
            out += xp.reshape(bias, (1, out_channels, 1, 1))
        return out

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        if is_grad_enabled():
            return _differentiate(self, self.reference, grad)
        xp, backend, needs = self.xp, self.backend, self.needs_input_grad
        x, weight = self.inputs[0]._data, self.inputs[1]._data
        g = grad._data
        batch, out_channels, out_h, out_w = g.shape
        g4 = xp.reshape(g, (batch, self.groups, out_channels // self.groups, out_h * out_w))
        results: list[Tensor | None] = [None] * len(needs)
        if needs[0]:
            d_columns = xp.matmul(xp.permute_dims(self.kernels, (0, 2, 1)), g4)  # (N, G, C/G·kh·kw, H'·W')
            kernel_area = len(self.slices)
            d_patches = xp.reshape(d_columns, (batch, x.shape[1], kernel_area, out_h, out_w))
            d_padded = _add_windows(self, self.padded_shape, self.slices, lambda k: d_patches[:, :, k, ...])
            results[0] = Tensor._wrap(_unpad(d_padded, self.sides), backend)
        if needs[1]:
            per_sample = xp.matmul(g4, xp.permute_dims(self.columns, (0, 1, 3, 2)))  # (N, G, O/G, C/G·kh·kw)
            results[1] = Tensor._wrap(xp.reshape(xp.sum(per_sample, axis=0), weight.shape), backend)
        if len(needs) > 2 and needs[2]:
            results[2] = Tensor._wrap(xp.sum(g, axis=(0, 2, 3)), backend)
        return tuple(results)


class MaxPooling(Function):
    """The largest value of each window of x (N, C, H, W), the border padded with −∞."""

    def forward(
        self,
        x: Any,
        *,
        kernel: tuple[int, int],
        stride: tuple[int, int],
        sides: Sides,
        dilation: tuple[int, int],
        reference: Callable[..., Tensor],
    ) -> Any:
        xp = self.xp
        self.sides, self.reference = sides, reference
        padded = _pad(self, x, sides, -float("inf"))
        self.padded_shape = padded.shape
        _, self.slices = window_slices(*padded.shape[2:], kernel, stride, dilation)
        self.disjoint = _disjoint(kernel, stride, dilation)
        windows = [padded[index] for index in self.slices]
        out = windows[0]
        for window in windows[1:]:
            out = xp.maximum(out, window)  # NaN wins, as in PyTorch
        self.routes = self._routes(windows, out)
        return out if len(windows) > 1 else xp.asarray(out, copy=True)

    def _routes(self, windows: list[Any], out: Any) -> list[Any]:
        """Per kernel offset, where it is the one to take the gradient (boolean): the first offset
        that holds the maximum, or in a window with NaN the last NaN, as PyTorch's loop picks."""
        xp = self.xp
        if bool(xp.any(out != out)):
            routes: list[Any] = [None] * len(windows)
            taken = None
            for k in range(len(windows) - 1, -1, -1):
                is_nan = windows[k] != windows[k]
                routes[k] = is_nan if taken is None else is_nan & ~taken
                taken = is_nan if taken is None else taken | is_nan
            return [route | (~taken & hit) for route, hit in zip(routes, self._firsts(windows, out))]
        return self._firsts(windows, out)

    @staticmethod
    def _firsts(windows: list[Any], out: Any) -> list[Any]:
        """Per offset, whether it is the first that equals ``out`` (bitwise logic, no branches)."""
        routes, taken = [], None
        for window in windows:
            hit = window == out
            routes.append(hit if taken is None else hit & ~taken)
            taken = hit if taken is None else taken | hit
        return routes

    def backward(self, grad: Tensor) -> tuple[Tensor | None]:
        if is_grad_enabled():
            return _differentiate(self, self.reference, grad)
        xp, backend, g = self.xp, self.backend, grad._data
        zero = xp.zeros((), dtype=g.dtype, **backend.creation_kwargs)
        # A mask's zeros times an infinite gradient would be NaN: then select instead of multiplying.
        finite = bool(xp.all(xp.isfinite(g)))

        def routed(k: int) -> Any:
            route = self.routes[k]
            return g * xp.astype(route, g.dtype) if finite else backend.where(route, g, zero)

        d_padded = _add_windows(self, self.padded_shape, self.slices, routed)
        return (Tensor._wrap(_unpad(d_padded, self.sides), backend),)
