"""Functional forms of the layers and losses: ``import tinygrad_adam.nn.functional as F``.

Names, arguments and results follow ``torch.nn.functional``. Losses take ``reduction`` =
``"mean"`` (default), ``"sum"`` or ``"none"``. The three smooth primitives the Tensor lacks
(``log1p``, ``logsigmoid`` and the clamped binary cross-entropy) are small ``Function``\\ s here, with
backward rules written in Tensor ops so that second derivatives work.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import Function, is_grad_enabled, no_grad
from ..ops import Linear, MaskedGrad, sigmoid_array
from ..tensor import (
    DimensionError,
    DType,
    IntegerOverflowError,
    Tensor,
    _coerce,
    _same_device,
    cat,
    int64,
    ones,
    rand,
    where,
)
from .conv import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    check_input_dtype,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .erf import beyond_four, erf, erfc, erfc_array

__all__ = [
    "conv_tbc",
    "native_channel_shuffle",
    "linear_cross_entropy",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
    "adaptive_avg_pool3d",
    "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
    "celu_",
    "conv_transpose3d",
    "elu_",
    "hardtanh_",
    "leaky_relu_",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "max_unpool3d",
    "pdist",
    "relu_",
    "rrelu_",
    "selu_",
    "threshold_",
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
    "instance_norm",
    "group_norm",
    "dropout3d",
    "dropout2d",
    "dropout1d",
    "max_pool1d",
    "conv1d",
    "conv_transpose2d",
    "conv_transpose1d",
    "conv3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_pool3d",
    "avg_pool3d",
    "avg_pool1d",
    "adaptive_max_pool2d",
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "conv2d",
    "cosine_embedding_loss",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "erf",
    "erfc",
    "expm1",
    "gaussian_nll_loss",
    "gelu",
    "glu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "hinge_embedding_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log1p",
    "log_softmax",
    "logsigmoid",
    "margin_ranking_loss",
    "max_pool2d",
    "mish",
    "mse_loss",
    "multilabel_soft_margin_loss",
    "multilabel_margin_loss",
    "multi_margin_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pairwise_distance",
    "poisson_nll_loss",
    "prelu",
    "relu",
    "relu6",
    "rrelu",
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
    "pad",
    "interpolate",
    "rms_norm",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "soft_margin_loss",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "alpha_dropout",
    "feature_alpha_dropout",
    "bilinear",
    "local_response_norm",
    "embedding_bag",
    "fold",
    "unfold",
    "channel_shuffle",
    "pixel_shuffle",
    "pixel_unshuffle",
    "affine_grid",
    "grid_sample",
    "ctc_loss",
    "upsample",
    "upsample_nearest",
    "upsample_bilinear",
]


class ShapeMismatchError(ValueError, RuntimeError):
    """Tensors whose shapes do not fit together: a ValueError here, a RuntimeError in PyTorch."""


class ValueOutOfRangeError(ValueError, RuntimeError):
    """Values outside the range a loss accepts (probabilities outside [0, 1]): a ValueError here, a
    RuntimeError in PyTorch."""


class DtypeMismatchError(TypeError, RuntimeError):
    """A tensor of a dtype the loss refuses (floating-point class labels, a float64 weight for a
    float32 input): a TypeError here, a RuntimeError in PyTorch."""


REDUCTIONS = ("mean", "sum", "none")
LOG_FLOOR = -100.0  # PyTorch's floor for log(p) in binary cross-entropy, so p = 0 or 1 stays finite
BCE_GRAD_EPS = 1e-12  # PyTorch's floor for p(1 - p) in the binary cross-entropy gradient

# ---------------------------------------------------------------------------------------------
# Activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0)."""
    return _written_back(check_tensor(input, "relu"), lambda x: x.relu(), inplace, "relu")


def _written_back(input: Tensor, activation: Callable[[Tensor], Tensor], inplace: bool, name: str) -> Tensor:
    """``activation(input)``; with PyTorch's ``inplace=True`` written into ``input`` and returned
    (recorded by autograd where ``input`` is a graph tensor, as in PyTorch)."""
    if inplace:
        return input._in_place(name, activation)
    return activation(input)


def check_tensor(input: Any, name: str) -> Tensor:
    """``input``, if it is a Tensor: lists and arrays are refused with a TypeError, as PyTorch does."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}: the input must be a Tensor, got {type(input).__name__} (make one with tg.tensor(...))"
        )
    return input


class ActivationDtypeError(DtypeMismatchError, NotImplementedError):
    """An activation of an integer tensor: PyTorch's NotImplementedError ("not implemented for
    'Long'", a RuntimeError), and the TypeError a wrong dtype is."""


def _floating(input: Tensor, name: str) -> Tensor:
    """``input``, if it is a floating-point tensor (as PyTorch's activations, these refuse integers
    with PyTorch's NotImplementedError, a RuntimeError; here also a TypeError)."""
    if check_tensor(input, name).dtype.kind != "f":
        raise ActivationDtypeError(
            f"{name} needs a floating-point tensor, got {input.dtype} (convert with .float())"
        )
    return input


def _scalar(backend: Any, value: float, dtype: Any) -> Any:
    """A 0-d array of ``dtype`` on ``backend``'s device: ``where`` takes it without a type promotion."""
    return backend.xp.full((), value, dtype=dtype, **backend.creation_kwargs)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope · x otherwise."""
    if isinstance(negative_slope, bool) or not isinstance(
        negative_slope, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"leaky_relu: negative_slope must be a number, got {negative_slope!r}")
    return _written_back(
        _floating(input, "leaky_relu"),
        lambda x: LeakyRelu.apply(x, slope=negative_slope),
        inplace,
        "leaky_relu",
    )


class LeakyRelu(Function):
    """x for x > 0, s·x otherwise, as one node; the gradient is g for x > 0, s·g otherwise (at 0 too)."""

    def forward(self, a: Any, slope: float) -> Any:
        self.slope = slope
        return self.backend.where(a > 0, a, a * slope)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        if is_grad_enabled():  # create_graph: g·(1 or s), still a function of x (second derivative 0)
            positive = self.xp.astype(x._data > 0, x._data.dtype)
            return (MaskedGrad.apply(grad, x, mask=positive + (1 - positive) * self.slope),)
        g = grad._data
        return (Tensor._wrap(self.backend.where(x._data > 0, g, g * self.slope), grad._backend),)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x)."""
    return check_tensor(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    return check_tensor(input, "tanh").tanh()


SQRT_HALF = math.sqrt(0.5)
SQRT_TWO_OVER_PI = math.sqrt(2 / math.pi)
INV_SQRT_TWO_PI = 1 / math.sqrt(2 * math.pi)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x Φ(x) = x/2 (1 + erf(x/√2)) (Hendrycks & Gimpel, 2016).

    ``approximate="tanh"`` gives x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))), as in PyTorch.
    Both are evaluated without cancellation for negative x, where 1 + erf and 1 + tanh are tiny:
    1 + erf(z) = erfc(-z) and 1 + tanh(z) = 2 σ(2z).
    """
    if approximate == "none":
        return Gelu.apply(_floating(input, "gelu"))
    if approximate == "tanh":
        return GeluTanh.apply(_floating(input, "gelu"))
    raise ValueOutOfRangeError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


class Gelu(Function):
    """Exact GELU as one node: y = x Φ(x) with Φ(x) = erfc(−x/√2)/2, and dy/dx = Φ(x) + x φ(x),
    φ(x) = e^(−x²/2)/√(2π). Φ is kept from forward, so backward costs one exp, not another erfc."""

    def forward(self, a: Any) -> Any:
        z = a * -SQRT_HALF
        self.cdf = erfc_array(self.backend, z, beyond_four(self.backend, z)) * 0.5
        return a * self.cdf

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        if is_grad_enabled():  # create_graph: Φ from Tensor ops, so the gradient differentiates
            cdf = erfc(x * -SQRT_HALF) * 0.5
            return (grad * (cdf + x * (x * x * -0.5).exp() * INV_SQRT_TWO_PI),)
        a = x._data
        slope = self.xp.exp(a * a * -0.5) * INV_SQRT_TWO_PI
        slope *= a
        slope += self.cdf
        slope *= grad._data
        return (Tensor._wrap(slope, x._backend),)


GELU_CUBIC = 0.044715


class GeluTanh(Function):
    """GELU's tanh form as one node: y = x σ(u), u = 2√(2/π) (x + 0.044715 x³), since
    (1 + tanh(z)) / 2 = σ(2z); dy/dx = σ(u) + x σ(u) (1 − σ(u)) · 2√(2/π) (1 + 3 · 0.044715 x²)."""

    def forward(self, a: Any) -> Any:
        inner = a * a
        inner *= a * GELU_CUBIC
        inner += a
        inner *= 2 * SQRT_TWO_OVER_PI
        self.sigmoid = sigmoid_array(self.xp, inner)
        return a * self.sigmoid

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        if is_grad_enabled():  # create_graph: the gradient as Tensor ops
            s = ((x + x * x * x * GELU_CUBIC) * (2 * SQRT_TWO_OVER_PI)).sigmoid()
            du = (x * x * (3 * GELU_CUBIC) + 1) * (2 * SQRT_TWO_OVER_PI)
            return (grad * (s + x * s * (1 - s) * du),)
        a, s = x._data, self.sigmoid
        slope = a * a
        slope *= 3 * GELU_CUBIC
        slope += 1
        slope *= 2 * SQRT_TWO_OVER_PI
        slope *= a
        slope *= s
        slope *= 1 - s
        slope += s
        slope *= grad._data
        return (Tensor._wrap(slope, grad._backend),)


def implicit_softmax_dim(name: str, input: Tensor, dim: int | None, stacklevel: int) -> int:
    """PyTorch's deprecated ``dim=None`` (``_get_softmax_dim``, with its warning): axis 0 of a 0-, 1- or
    3-D input, else axis 1 (the channels of (N, C, ...))."""
    if dim is not None:
        return dim
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if input.ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DType | None = None
) -> Tensor:
    """e^x / Σ e^x along ``dim`` (shifted by the max, so large logits do not overflow), of the input
    cast to ``dtype`` first if given, as PyTorch's (``_stacklevel``: that of the ``dim=None`` warning)."""
    dim = implicit_softmax_dim("softmax", check_tensor(input, "softmax"), dim, _stacklevel)
    return input.softmax(axis=dim, dtype=dtype)


def gumbel_softmax(
    logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """A sample from the Gumbel-softmax (Concrete) distribution (Jang et al., 2017):
    softmax((logits + g) / τ) with g = -log(-log U), U ~ Uniform(0, 1) from the seeded generator.
    ``hard=True`` returns the one-hot of its argmax with the soft sample's gradient
    (straight-through: y_hard - y_soft.detach() + y_soft)."""
    logits = _floating(check_tensor(logits, "gumbel_softmax"), "gumbel_softmax")
    if isinstance(tau, bool) or not isinstance(tau, (int, float)) or not tau > 0:
        raise ValueError(f"gumbel_softmax: tau must be a positive number, got {tau!r}")
    uniform = rand(*logits.shape, dtype=logits.dtype, device=logits.device)
    gumbels = -(-((1.0 - uniform).log())).log()  # 1 - U lies in (0, 1]: -log never sees 0
    y_soft = ((logits + gumbels) / float(tau)).softmax(axis=dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdims=True)
    from ..tensor import zeros_like

    y_hard = zeros_like(y_soft.detach()).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DType | None = None
) -> Tensor:
    """x - log Σ e^x along ``dim``, computed stably; ``dim=None`` and ``dtype`` as in ``softmax``."""
    dim = implicit_softmax_dim("log_softmax", check_tensor(input, "log_softmax"), dim, _stacklevel)
    return input.log_softmax(axis=dim, dtype=dtype)


class Log1p(Function):
    """log(1 + x), accurate for tiny x; d/dx = 1 / (1 + x)."""

    def forward(self, a: Any) -> Any:
        return self.xp.log1p(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad / (1 + self.inputs[0]),)


def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(input)


class LogSigmoid(Function):
    """log σ(x) = min(x, 0) - log(1 + e^-|x|), finite for any x; d/dx = σ(-x), smooth at 0."""

    def forward(self, a: Any) -> Any:
        xp = self.xp
        return xp.minimum(a, 0) - xp.log1p(xp.exp(-xp.abs(a)))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * (-self.inputs[0]).sigmoid(),)


def logsigmoid(input: Tensor) -> Tensor:
    return LogSigmoid.apply(_floating(input, "logsigmoid"))


class Expm1(Function):
    """e^x − 1, accurate for tiny x; d/dx = e^x."""

    def forward(self, a: Any) -> Any:
        return self.xp.expm1(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * self.inputs[0].exp(),)


def expm1(input: Tensor) -> Tensor:
    return Expm1.apply(input)


# SELU's constants (Klambauer et al., 2017), to PyTorch's digits.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, α (e^x − 1) otherwise (Clevert et al., 2015).

    e^x − 1 is taken only of the non-positive part: e^x of a large x would overflow, and the inf
    times the unused branch's zero gradient would make a NaN gradient.
    """
    return _written_back(
        _floating(input, "elu"), lambda x: Elu.apply(x, alpha=alpha, scale=1.0), inplace, "elu"
    )


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """λ · elu(x, α) with PyTorch's λ ≈ 1.0507 and α ≈ 1.6733, which keep activations near N(0, 1)."""
    def selu(x: Tensor) -> Tensor:
        return Elu.apply(x, alpha=SELU_ALPHA, scale=SELU_SCALE)

    return _written_back(_floating(input, "selu"), selu, inplace, "selu")


class Elu(Function):
    """λ·x for x > 0, λ·α (e^x − 1) otherwise, as one node; the gradient is λ·g, or λ·α·e^x·g."""

    def forward(self, a: Any, alpha: float, scale: float) -> Any:
        backend = self.backend
        self.alpha, self.scale = alpha, scale
        positive = a > 0
        self.expm1 = self.xp.expm1(backend.where(positive, _scalar(backend, 0.0, a.dtype), a))  # of x <= 0
        out = backend.where(positive, a, self.expm1 * alpha)
        return out * scale if scale != 1 else out

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x, alpha, scale = self.inputs[0], self.alpha, self.scale
        if scale != 1:
            grad = grad * scale
        if is_grad_enabled():  # create_graph: the gradient as Tensor ops
            positive = x > 0
            return (where(positive, grad, grad * alpha * where(positive, 0.0, x).exp()),)
        g = grad._data
        exp = self.expm1 + 1
        exp *= g
        exp *= alpha
        return (Tensor._wrap(self.backend.where(x._data > 0, g, exp), grad._backend),)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x σ(x), also called Swish; σ is the overflow-free sigmoid, so any |x| is finite."""
    return _written_back(_floating(input, "silu"), Silu.apply, inplace, "silu")


class Silu(Function):
    """x σ(x) as one node; d/dx = σ(x) (1 + x (1 − σ(x)))."""

    def forward(self, a: Any) -> Any:
        self.sigmoid = sigmoid_array(self.xp, a)
        return a * self.sigmoid

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        if is_grad_enabled():  # create_graph: the gradient as Tensor ops
            s = x.sigmoid()
            return (grad * (s * (1 + x * (1 - s))),)
        s = self.sigmoid
        slope = 1 - s
        slope *= x._data
        slope += 1
        slope *= s
        slope *= grad._data
        return (Tensor._wrap(slope, grad._backend),)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(βx)) / β, and x itself where βx > threshold, exactly PyTorch's switch.

    The exponential sees only βx <= threshold, so it never overflows (nor its gradient).
    """
    return Softplus.apply(_floating(input, "softplus"), beta=beta, threshold=threshold)


def _softplus_arrays(backend: Any, a: Any, beta: float, threshold: float) -> tuple[Any, Any, Any]:
    """(softplus(a), e^(βa) where βa <= threshold (else 1), where βa > threshold)."""
    xp = backend.xp
    scaled = a * beta
    linear = scaled > threshold
    exp = xp.exp(backend.where(linear, _scalar(backend, 0.0, a.dtype), scaled))
    value = xp.log1p(exp)
    value /= beta
    return backend.where(linear, a, value), exp, linear


class Softplus(Function):
    """log(1 + e^(βx)) / β as one node, x itself where βx > threshold; d/dx = e^(βx) / (1 + e^(βx))."""

    def forward(self, a: Any, beta: float, threshold: float) -> Any:
        self.beta, self.threshold = beta, threshold
        out, self.exp, self.linear = _softplus_arrays(self.backend, a, beta, threshold)
        return out

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        if is_grad_enabled():  # create_graph: the gradient as Tensor ops
            scaled = x * self.beta
            linear = scaled > self.threshold
            exp = where(linear, 0.0, scaled).exp()
            return (where(linear, grad, grad * exp / (1 + exp)),)
        g = grad._data
        slope = self.exp / (1 + self.exp)
        slope *= g
        return (Tensor._wrap(self.backend.where(self.linear, g, slope), grad._backend),)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x)) (Misra, 2019)."""
    return _written_back(_floating(input, "mish"), Mish.apply, inplace, "mish")


class Mish(Function):
    """x tanh(softplus(x)) as one node; d/dx = t + x (1 − t²) softplus'(x), t = tanh(softplus(x))."""

    def forward(self, a: Any) -> Any:
        softplus_a, exp, self.linear = _softplus_arrays(self.backend, a, 1.0, 20.0)
        self.exp = exp
        self.tanh = self.xp.tanh(softplus_a)
        return a * self.tanh

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]
        if is_grad_enabled():  # create_graph: the gradient as Tensor ops
            t = softplus(x).tanh()
            linear = x > 20.0
            exp = where(linear, 0.0, x).exp()
            softplus_slope = where(linear, 1.0, exp / (1 + exp))
            return (grad * (t + x * (1 - t * t) * softplus_slope),)
        t = self.tanh
        one = _scalar(self.backend, 1.0, t.dtype)
        softplus_slope = self.backend.where(self.linear, one, self.exp / (1 + self.exp))
        slope = 1 - t * t
        slope *= x._data
        slope *= softplus_slope
        slope += t
        slope *= grad._data
        return (Tensor._wrap(slope, grad._backend),)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val]; as in PyTorch the gradient is 0 at the two edges too."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    input = check_tensor(input, "hardtanh")
    if input.dtype.kind == "u" and (min_val < 0 or max_val < 0):  # PyTorch's RuntimeError
        raise IntegerOverflowError(
            f"hardtanh: cannot do hardtanh on an unsigned type ({input.dtype}) with negative limits "
            f"({min_val}, {max_val})"
        )

    def clamped(x: Tensor) -> Tensor:
        return Hardtanh.apply(x, min_val=min_val, max_val=max_val)

    return _written_back(input, clamped, inplace, "hardtanh")


class Hardtanh(Function):
    """x clamped to [min, max] as one node; the gradient g where min < x < max, else 0."""

    def forward(self, a: Any, min_val: float, max_val: float) -> Any:
        self.min_val, self.max_val = min_val, max_val
        xp = self.xp
        low, high = (xp.asarray(v, dtype=a.dtype, **self.backend.creation_kwargs) for v in (min_val, max_val))
        return xp.minimum(xp.maximum(a, low), high)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        x = self.inputs[0]._data
        inside = self.xp.astype((x > self.min_val) & (x < self.max_val), x.dtype)
        if is_grad_enabled():  # create_graph: still a function of x, as PyTorch's (second derivative 0)
            return (MaskedGrad.apply(grad, self.inputs[0], mask=inside),)
        return (Tensor._wrap(grad._data * inside, grad._backend),)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (check_tensor(input, "softsign").abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x − tanh(x)."""
    return input - check_tensor(input, "tanhshrink").tanh()


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x for x > 0, a · x otherwise, with learnable slopes a: one, or one per channel (axis 1)."""
    channels = check_tensor(input, "prelu").shape[1] if input.ndim >= 2 else 1
    if weight.ndim > 1 or weight.size not in (1, channels):
        raise ShapeMismatchError(  # PyTorch's RuntimeError
            f"prelu: the weight must hold 1 slope or one per channel ({channels} for an input of shape "
            f"{input.shape}; the channel axis is 1), got a weight of shape {weight.shape}"
        )
    if weight.size > 1:
        weight = weight.reshape(channels, *[1] * (input.ndim - 2))
    else:
        weight = weight.reshape()  # one slope keeps the input's shape, a 0-d input's too
    return where(input > 0, input, input * weight)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 up to x = −3, 1 from x = 3, linear between (gradient 1/6 strictly inside,
    0 at ±3 and outside, as in PyTorch)."""
    def hardsigmoid(x: Tensor) -> Tensor:
        return where(x <= -3.0, 0.0, where(x >= 3.0, 1.0, x / 6 + 0.5))

    return _written_back(_floating(input, "hardsigmoid"), hardsigmoid, inplace, "hardsigmoid")


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · relu6(x + 3) / 6 (Howard et al., 2019, MobileNetV3): 0 up to −3, x from 3, x (x + 3) / 6
    between; the gradient (2x + 3) / 6 holds strictly between, so it is 0 at −3 and 1 at 3 (PyTorch's).
    Below −3 the value is x · 0 (−0, and nan at −inf, as PyTorch's); the middle branch reads x clamped to
    [−3, 3], so an infinite x gives its gradient 0 or 1, not the nan of inf · 0."""
    def hardswish(x: Tensor) -> Tensor:
        middle = x.clamp(-3.0, 3.0)
        return where(x <= -3.0, x * 0.0, where(x >= 3.0, x, middle * (middle + 3.0) / 6))

    return _written_back(_floating(input, "hardswish"), hardswish, inplace, "hardswish")


def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DType | None = None
) -> Tensor:
    """softmax(−x) along ``dim``: the smallest entries get the largest weights (``dim=None`` and
    ``dtype`` as in softmax)."""
    negated = -_floating(input, "softmin")
    return negated.softmax(axis=implicit_softmax_dim("softmin", negated, dim, _stacklevel), dtype=dtype)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, α (e^(x/α) − 1)) (Barron, 2017), which is α · elu(x / α): continuously
    differentiable for every α."""
    if alpha == 0:
        raise ValueOutOfRangeError("celu: alpha must not be 0 (x / alpha)")  # PyTorch's RuntimeError
    return _written_back(_floating(input, "celu"), lambda x: elu(x / alpha, 1.0) * alpha, inplace, "celu")


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value`` (gradient 1 and 0). An integer tensor keeps its dtype:
    ``value`` is cast to it as PyTorch casts (truncated, wrapped into uint8); a mask is refused."""
    if check_tensor(input, "threshold").dtype == np.bool_:
        raise DtypeMismatchError("threshold: not implemented for bool tensors (as PyTorch); use mask.float()")
    if input.dtype.kind != "f":
        value = np.asarray(int(value)).astype(input.dtype).item()
    return _written_back(input, lambda x: where(x > threshold, x, value), inplace, "threshold")


def _check_lambd(lambd: Any, name: str) -> float:
    if isinstance(lambd, bool) or not isinstance(lambd, (int, float, np.integer, np.floating)) or lambd < 0:
        raise ValueError(f"{name}: lambd must be a number >= 0, got {lambd!r}")
    return float(lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > λ, else 0."""
    lambd = _check_lambd(lambd, "hardshrink")
    x = _floating(input, "hardshrink")
    return where((x >= -lambd) & (x <= lambd), 0.0, x)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x − λ where x > λ, x + λ where x < −λ, else 0 (soft thresholding)."""
    lambd = _check_lambd(lambd, "softshrink")
    x = _floating(input, "softshrink")
    return where(x > lambd, x - lambd, where(x < -lambd, x + lambd, 0.0))


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a ⊗ σ(b), where a and b are the two halves of ``input`` along ``dim`` (Dauphin et al., 2017)."""
    x = _floating(input, "glu")
    if x.ndim == 0:
        raise ValueOutOfRangeError("glu: a 0-d tensor has no halves; give a tensor of one dimension or more")
    axis = dim + x.ndim if -x.ndim <= dim < 0 else dim
    if not 0 <= axis < x.ndim:
        raise DimensionError(f"glu: dim {dim} is out of range for a tensor with {x.ndim} dimension(s)")
    if x.shape[axis] % 2:
        raise ValueOutOfRangeError(  # PyTorch's RuntimeError
            f"glu: halving dimension {dim} needs an even size, got {x.shape[axis]} (shape {x.shape})"
        )
    first, second = x.chunk(2, axis)
    return first * second.sigmoid()


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky ReLU (Xu et al., 2015): x for x >= 0, a · x otherwise, with a drawn from
    U(lower, upper) for each element in training, and (lower + upper) / 2 in evaluation."""
    if not lower <= upper:
        raise ValueOutOfRangeError(f"rrelu: lower ({lower}) must not exceed upper ({upper})")
    x = _floating(input, "rrelu")
    if not training:
        return leaky_relu(x, (lower + upper) / 2, inplace)
    slopes = rand(*x.shape, dtype=x.dtype, device=x.device) * (upper - lower) + lower
    return _written_back(x, lambda x: where(x >= 0, x, x * slopes), inplace, "rrelu")


def _in_place(input: Any, activation: Callable[..., Tensor], name: str, *settings: Any) -> Tensor:
    """``activation`` of ``input`` written into ``input`` and returned, as PyTorch's ``F.<name>``
    (recorded by autograd on a graph tensor; refused on a leaf that requires grad)."""
    return check_tensor(input, name)._in_place(name, lambda t: activation(t, *settings))


def relu_(input: Tensor) -> Tensor:
    """``relu`` in place."""
    return _in_place(input, relu, "relu_")


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` in place."""
    return _in_place(input, elu, "elu_", alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu`` in place."""
    return _in_place(input, celu, "celu_", alpha)


def selu_(input: Tensor) -> Tensor:
    """``selu`` in place."""
    return _in_place(input, selu, "selu_")


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` in place."""
    return _in_place(input, leaky_relu, "leaky_relu_", negative_slope)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh`` in place."""
    return _in_place(input, hardtanh, "hardtanh_", min_val, max_val)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold`` in place."""
    activation = globals()["threshold"]  # the function, which the argument's name hides here
    return _in_place(input, activation, "threshold_", threshold, value)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    """``rrelu`` in place."""
    return _in_place(input, rrelu, "rrelu_", lower, upper, training)


def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None
) -> Tensor:
    """x / max(‖x‖_p, ε) along ``dim``: unit vectors; a zero vector stays zero (its gradient is 1/ε,
    as PyTorch's, since the norm's gradient at 0 is taken as 0). ``out=`` (PyTorch's destination
    tensor) is refused: results here are always new tensors."""
    if out is not None:
        raise TypeError("normalize: out= is not supported here; use the returned tensor (out=None)")
    x = _floating(input, "normalize")
    return x / x.norm(p, dim, keepdim=True).maximum(eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ x1·x2 / (max(‖x1‖, ε) max(‖x2‖, ε)) along ``dim`` (the inputs broadcast), as PyTorch 2.13:
    each vector is divided by its clamped norm first, so a zero vector gives 0."""
    x1, x2 = _floating(x1, "cosine_similarity"), _floating(x2, "cosine_similarity")
    x1, x2 = x1 + x2 * 0, x2 + x1 * 0  # broadcast both to one shape, so dim means the same axis
    return (
        (x1 / x1.norm(2, dim, keepdim=True).maximum(eps)) * (x2 / x2.norm(2, dim, keepdim=True).maximum(eps))
    ).sum(dim)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """‖x1 − x2 + ε‖_p over the last axis, as PyTorch (ε keeps the gradient finite for equal rows)."""
    diff = _floating(x1, "pairwise_distance") - _floating(x2, "pairwise_distance") + eps
    return diff.norm(p, -1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """The p-norm distances between the rows of an (N, M) input, for each pair i < j in row-major
    order (the condensed upper triangle, N(N − 1)/2 of them); the gradient at a zero distance is 0."""
    check_tensor(input, "pdist")
    if input.ndim != 2:
        raise ShapeMismatchError(f"pdist only supports 2D tensors, got: {input.ndim}D (shape {input.shape})")
    if input.dtype.kind != "f":
        raise DtypeMismatchError(f"pdist only supports floating-point dtypes, got {input.dtype}")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or p < 0:
        raise ValueOutOfRangeError(f"pdist only supports non-negative p values, got {p!r}")
    pairs = np.triu_indices(input.shape[0], 1)
    first, second = (Tensor(rows.astype(np.int64), device=input.device) for rows in pairs)
    differences = input[first] - input[second]
    if input.shape[1] == 0:  # rows of no entries are 0 apart for every p (inf too), as in PyTorch
        return differences.sum(1)
    return differences.norm(float(p), 1)


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """PyTorch's ``F.conv_tbc``: a 1-d convolution in time-batch-channel layout, input (T, B, C_in),
    weight (K, C_in, C_out), bias (C_out,), ``pad`` zeros at each end of time; output (T', B, C_out)."""
    if not isinstance(input, Tensor) or input.ndim != 3:
        raise ShapeMismatchError(
            f"conv_tbc: Input must have 3 dims: time, batch, in_channel, got {getattr(input, 'shape', input)}"
        )
    if not isinstance(weight, Tensor) or weight.ndim != 3:
        raise ShapeMismatchError(
            "conv_tbc: Weight tensor must have 3 dims: kernel_width, in_channels, out_channels, got "
            f"{getattr(weight, 'shape', weight)}"
        )
    if not isinstance(bias, Tensor) or bias.shape != weight.shape[2:]:
        raise ShapeMismatchError(
            f"conv_tbc: Bias size must equal dim 2 in the weight tensor (output channels {weight.shape[2]}), "
            f"got {getattr(bias, 'shape', bias)}"
        )
    output = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return output.permute(2, 0, 1)


# ---------------------------------------------------------------------------------------------
# Pooling with indices: PyTorch's names for the pools that always return (output, indices)


def max_pool1d_with_indices(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> tuple[Tensor, Tensor]:
    """``max_pool1d`` and its indices, whatever ``return_indices`` says."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> tuple[Tensor, Tensor]:
    """``max_pool2d`` and its indices, whatever ``return_indices`` says."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> tuple[Tensor, Tensor]:
    """``max_pool3d`` and its indices, whatever ``return_indices`` says."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool1d`` and its indices, whatever ``return_indices`` says."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool2d`` and its indices, whatever ``return_indices`` says."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool3d`` and its indices, whatever ``return_indices`` says."""
    return adaptive_max_pool3d(input, output_size, True)


# ---------------------------------------------------------------------------------------------
# Layers


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None, *, relu: bool = False) -> Tensor:
    """x Wᵀ + b with W of shape (out_features, in_features), as ``torch.nn.functional.linear``.

    One fused graph node (``ops.Linear``); ``relu=True`` applies ReLU inside it too. Nested lists
    of numbers are taken as an input in the weight's dtype, on its device.
    """
    if _fits_linear(input, weight, bias):  # the common case, checked on the raw arrays at once
        return (
            Linear.apply(input, weight, relu=relu)
            if bias is None
            else Linear.apply(input, weight, bias, relu=relu)
        )
    # Otherwise the checks one by one, for an error that names what does not fit.
    if isinstance(input, (list, tuple)):
        input = Tensor(input, dtype=weight.dtype, device=weight.device)
    elif not isinstance(input, Tensor) and not hasattr(input, "shape"):
        raise TypeError(f"linear: the input must be a Tensor or an array, got {type(input).__name__}")
    if weight.ndim not in (1, 2) or input.ndim == 0 or input.shape[-1:] != weight.shape[-1:]:
        raise ShapeMismatchError(
            f"linear: input of shape {input.shape} does not fit a weight of shape {weight.shape} "
            f"(the weight must be 2-D, or 1-D, and the input's last dimension "
            f"{weight.shape[-1] if weight.ndim else 'in_features'})"
        )
    check_input_dtype(input, weight, "linear")  # a Tensor or an array: both have a NumPy-style dtype
    input, weight = _coerce(input, weight, "linear")  # the dtype and device rules of `@`
    if weight.ndim == 1:  # PyTorch's x @ w: one output, its axis dropped
        # a bias only where PyTorch adds it after the product: 0-d, and not to a 2-D input (addmm's case)
        if bias is not None and (not isinstance(bias, Tensor) or bias.ndim != 0 or input.ndim == 2):
            shape = bias.shape if isinstance(bias, Tensor) else type(bias).__name__
            raise ShapeMismatchError(
                f"linear: a 1-D weight takes no bias of shape {shape} with an input of shape {input.shape} "
                "(PyTorch: mat2 must be a matrix, got 1-D tensor); give a weight of shape (1, in_features)"
            )
        out = input @ weight if bias is None else input @ weight + bias
        return out.relu() if relu else out
    if bias is None:
        if 0 in weight.shape:  # an empty layer (PyTorch allows them): Tensor ops, which handle empty arrays
            out = input @ weight.transpose(0, 1)
            return out.relu() if relu else out
        return Linear.apply(input, weight, relu=relu)
    if not isinstance(bias, Tensor) or bias.shape != weight.shape[:1]:
        shape = bias.shape if isinstance(bias, Tensor) else type(bias).__name__
        raise ShapeMismatchError(
            f"linear: the bias must be a tensor of shape {weight.shape[:1]}, got {shape}"
        )
    _same_device(weight, bias, "linear")
    if bias.dtype != weight.dtype:
        raise TypeError(
            f"linear: dtype mismatch {weight.dtype} (weight) vs {bias.dtype} (bias); tensors are never "
            "upcast silently, convert one with .astype()"
        )
    if 0 in weight.shape:  # an empty layer (PyTorch allows them): Tensor ops, which handle empty arrays
        out = input @ weight.transpose(0, 1) + bias
        return out.relu() if relu else out
    return Linear.apply(input, weight, bias, relu=relu)


def _fits_linear(input: Any, weight: Tensor, bias: Any) -> bool:
    """Whether ``linear`` can run as given: tensors of one device and dtype, a 2-D weight whose
    in-features are the input's last axis, and no bias or one of (out_features,). Runs every call,
    so it asks the arrays directly (the check of each property alone costs as much again)."""
    if not isinstance(input, Tensor):
        return False
    x, w, backend = input._data, weight._data, weight._backend
    if (
        input._backend is not backend
        or x.dtype != w.dtype
        or w.ndim != 2
        or x.ndim == 0
        or x.shape[-1] != w.shape[1]
        or 0 in w.shape
    ):
        return False
    if bias is None:
        return True
    return (
        isinstance(bias, Tensor)
        and bias._backend is backend
        and bias._data.dtype == w.dtype
        and bias._data.shape == w.shape[:1]
    )


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_o = Σ_ij x1_i W_oij x2_j + b_o for inputs (*, in1) and (*, in2) with the same leading axes
    and a weight (out, in1, in2), as ``torch.nn.functional.bilinear``: x1 times W (one matrix
    product), then a dot product with x2 for each output feature."""
    if not isinstance(weight, Tensor) or weight.ndim != 3:
        shape = weight.shape if isinstance(weight, Tensor) else type(weight).__name__
        raise ShapeMismatchError(f"bilinear: the weight must be a 3-d tensor (out, in1, in2), got {shape}")
    out_features, in1, in2 = weight.shape
    for name, x, expected in (("input1", input1, in1), ("input2", input2, in2)):
        if not isinstance(x, Tensor):
            raise TypeError(f"bilinear: {name} must be a Tensor, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != expected:
            raise ShapeMismatchError(
                f"bilinear: {name} of shape {x.shape} does not fit a weight of shape {weight.shape}: its "
                f"last dimension must be {expected}"
            )
        check_input_dtype(x, weight, "bilinear")
        if x.dtype != weight.dtype:
            raise TypeError(
                f"bilinear: {name} is {x.dtype} but the weight {weight.dtype}; tensors are never upcast "
                "silently: convert one with .float() / .double()"
            )
    if input1.shape[:-1] != input2.shape[:-1]:
        raise ShapeMismatchError(
            f"bilinear: input1 {input1.shape} and input2 {input2.shape} must have the same leading dimensions"
        )
    if bias is not None and (not isinstance(bias, Tensor) or bias.shape != (out_features,)):
        shape = bias.shape if isinstance(bias, Tensor) else type(bias).__name__
        raise ShapeMismatchError(
            f"bilinear: the bias must be a tensor of shape ({out_features},), got {shape}"
        )
    x1, x2 = input1.reshape(-1, in1), input2.reshape(-1, 1, in2)
    x1_w = (x1 @ weight.permute(1, 0, 2).reshape(in1, out_features * in2)).reshape(-1, out_features, in2)
    out = (x1_w * x2).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(*input1.shape[:-1], out_features)


def check_probability(p: Any, name: str) -> float:
    """``p`` as a float in [0, 1], or a ValueError naming it."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or not 0 <= p <= 1:
        raise ValueOutOfRangeError(f"{name}: the drop probability p must be a number in [0, 1], got {p!r}")
    return float(p)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p).

    The scaling keeps E[output] = x, so evaluation (``training=False``) is the identity; p = 1
    zeroes everything (x · 0, gradient 0), as in PyTorch. The mask comes from ``tg.rand``, so
    ``tg.manual_seed`` makes it reproducible. ``inplace=True`` writes the result into ``input``
    and returns it (recorded by autograd where ``input`` is a graph tensor, as in PyTorch).
    """
    p = check_probability(p, "dropout")
    if not training or p == 0:
        return input
    if p == 1:
        scaled_mask: Any = 0.0
    else:
        draw_dtype = input.dtype if input.dtype in (np.float32, np.float64) else np.float32
        keep = rand(*input.shape, dtype=draw_dtype, device=input.device) >= p
        scaled_mask = keep.astype(input.dtype) * (1 / (1 - p))
    return _written_back(input, lambda x: x * scaled_mask, inplace, "dropout")


def _channel_dropout(
    input: Tensor, p: float, training: bool, inplace: bool, unbatched: bool, name: str
) -> Tensor:
    """Dropout of whole channels: one keep-or-zero draw per (N, C) (per C when ``unbatched``), the
    kept channels scaled by 1/(1-p), so that neighbouring, correlated values drop together
    (Tompson et al., 2015). The mask is ``dropout`` of ones; ``inplace`` as in ``dropout``."""
    p = check_probability(p, name)
    if not training or p == 0:
        return input
    channel_axes = 1 if unbatched else 2
    mask_shape = (*input.shape[:channel_axes], *[1] * (input.ndim - channel_axes))
    mask = dropout(ones(*mask_shape, dtype=input.dtype, device=input.device), p)
    return _written_back(input, lambda x: x * mask, inplace, name)


def _check_dropout_dims(input: Any, dims: tuple[int, int], name: str) -> Tensor:
    if check_tensor(input, name).ndim not in dims:
        raise ValueError(
            f"{name}: expected a {dims[0]}D (C, ...) or {dims[1]}D (N, C, ...) input, got shape {input.shape}"
        )
    return input


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout of (N, C, L) or unbatched (C, L) inputs: each channel zeroed whole with
    probability p, the rest scaled by 1/(1-p); the identity when ``training=False``."""
    input = _check_dropout_dims(input, (2, 3), "dropout1d")
    return _channel_dropout(input, p, training, inplace, input.ndim == 2, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout of (N, C, H, W) inputs: each channel zeroed whole with probability p, the rest
    scaled by 1/(1-p); the identity when ``training=False``. A 3-d input is read as (N, C, L), with
    PyTorch's warning, as PyTorch 2.13 still does."""
    input = _check_dropout_dims(input, (3, 4), "dropout2d")
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
            "is desired - input is interpreted as shape (N, C, L), where C is the channel dim (as PyTorch "
            "does); use dropout1d for that, or unsqueeze a batch axis for a (C, H, W) image.",
            stacklevel=2,
        )
    return _channel_dropout(input, p, training, inplace, False, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout of (N, C, D, H, W) or unbatched (C, D, H, W) inputs: each channel zeroed whole
    with probability p, the rest scaled by 1/(1-p); the identity when ``training=False``."""
    input = _check_dropout_dims(input, (4, 5), "dropout3d")
    return _channel_dropout(input, p, training, inplace, input.ndim == 4, "dropout3d")


# SELU's α·λ (Klambauer et al., 2017): where SELU saturates, the value a dropped unit is set to (negated).
SELU_SATURATION = 1.7580993408473766


def _alpha_dropout(
    input: Tensor, p: float, training: bool, inplace: bool, features: bool, name: str
) -> Tensor:
    """Alpha dropout (Klambauer et al., 2017): set each unit (or channel) with probability p to SELU's
    saturation value α' = −λα instead of 0, then apply a·x + b with a = ((1 − p)(1 + p α'²))^(−1/2) and
    b = −a α' p, so that inputs of mean 0 and variance 1 keep them. As PyTorch's ATen kernel,
    out = x · a·keep + α a (keep − 1 + p); p = 1 gives zeros."""
    p = check_probability(p, name)
    x = check_tensor(input, name)
    if features and x.ndim < 2:
        raise ValueError(
            f"{name}: feature dropout requires at least 2 dimensions in the input, got shape {x.shape}"
        )
    if not training or p == 0 or x.size == 0:
        return input
    if p == 1:
        return _written_back(x, lambda x: x * 0.0, inplace, name)
    x = _floating(x, name)
    mask_shape = (*x.shape[:2], *[1] * (x.ndim - 2)) if features else x.shape
    draw_dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float32
    keep = (rand(*mask_shape, dtype=draw_dtype, device=x.device) >= p).astype(x.dtype)
    a = 1 / math.sqrt((SELU_SATURATION**2 * p + 1) * (1 - p))
    saturation = (keep + (p - 1)) * (SELU_SATURATION * a)
    return _written_back(x, lambda x: x * (keep * a) + saturation, inplace, name)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for self-normalising (SELU) networks: dropped elements take SELU's negative saturation
    value and an affine map keeps the mean and variance; the identity unless ``training`` (whose
    default is False here, as in PyTorch)."""
    return _alpha_dropout(input, p, training, inplace, False, "alpha_dropout")


def feature_alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """``alpha_dropout`` of whole channels: one draw per (N, C) of an (N, C, ...) input."""
    return _alpha_dropout(input, p, training, inplace, True, "feature_alpha_dropout")


def one_hot(input: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape (*input.shape, num_classes) with a 1 at each label of ``input``.

    ``num_classes=-1`` takes max(labels) + 1 (a host read).
    """
    labels = _as_labels(input, "one_hot")
    if num_classes == -1:
        num_classes = int(labels.max().item()) + 1 if labels.size else 0
    if not isinstance(num_classes, (int, np.integer)) or num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be a non-negative integer or -1, got {num_classes!r}")
    try:
        _check_labels(labels, num_classes, None, "one_hot")
    except LabelOutOfRangeError as error:
        raise OneHotLabelError(str(error)) from None
    backend = labels._backend
    xp = backend.xp
    classes = xp.arange(num_classes, dtype=labels._data.dtype, **backend.creation_kwargs)
    hits = xp.expand_dims(labels._data, axis=-1) == classes
    return Tensor._wrap(xp.astype(hits, backend.native_dtype(np.dtype("int64"))), backend)  # int64 always


def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """The rows of ``weight`` (num_embeddings, embedding_dim) at integer ``input`` of any shape.

    The result has shape (*input.shape, embedding_dim). Backward adds each output row's gradient
    to its table row, so repeated indices accumulate; rows looked up at ``padding_idx`` pass no
    gradient, as in PyTorch. Indices outside [0, num_embeddings) raise (one host read).
    ``max_norm``: first rescale, in place, each looked-up row whose ``norm_type``-norm exceeds it
    to that norm; ``scale_grad_by_freq``: divide each row's gradient by how often the batch looks
    it up. As ``torch.nn.functional.embedding``; there are no sparse gradients.
    """
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        shape = weight.shape if isinstance(weight, Tensor) else type(weight).__name__
        raise ShapeMismatchError(
            f"embedding: the weight must be a 2-D tensor (num_embeddings, dim), got {shape}"
        )
    check_embedding_options(max_norm, norm_type, sparse, "embedding")
    if not isinstance(input, Tensor) and np.asarray(input).dtype.kind not in "biuf":
        raise TypeError(f"embedding: indices must be a Tensor or integers, got {type(input).__name__}")
    indices = input if isinstance(input, Tensor) else Tensor(np.asarray(input), device=weight.device)
    if indices.dtype.kind not in "iu":
        raise DtypeMismatchError(
            f"embedding: indices must be integers (int64 or int32), got {indices.dtype} (use .long())"
        )
    _same_device(weight, indices, "embedding")
    num_embeddings = weight.shape[0]
    padding_idx = check_padding_idx(padding_idx, num_embeddings, "embedding")
    if indices.size:
        backend, xp = indices._backend, indices._backend.xp
        low, high = backend.to_numpy(xp.stack([xp.min(indices._data), xp.max(indices._data)])).tolist()
        if low < 0 or high >= num_embeddings:
            host = indices.numpy()
            offenders = np.unique(host[(host < 0) | (host >= num_embeddings)])
            shown = ", ".join(str(v) for v in offenders[:10]) + (", ..." if offenders.size > 10 else "")
            raise IndexError(
                f"embedding: indices must lie in [0, {num_embeddings}) for a table of {num_embeddings} "
                f"rows, got {shown}"
            )
        if max_norm is not None:
            _renormalise_rows(weight, indices, float(max_norm), float(norm_type))
    rows = weight[indices]
    if scale_grad_by_freq and indices.size and rows.requires_grad:
        rows = ScaleGradient.apply(rows, scale=_inverse_frequencies(indices, weight.dtype))
    if padding_idx is None:
        return rows
    # Same values, but the rows read at padding_idx come from a detached copy: no gradient there.
    return where((indices != padding_idx).unsqueeze(-1), rows, rows.detach())


def check_embedding_options(max_norm: Any, norm_type: Any, sparse: Any, name: str) -> None:
    """Refuse sparse gradients, and a ``max_norm`` or ``norm_type`` that is not a positive number."""
    if sparse:
        raise ValueError(f"{name}: sparse gradients are not supported (sparse=True); use sparse=False")
    if max_norm is None:
        return
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float, np.number)) or not max_norm > 0:
        raise ValueError(f"{name}: max_norm must be a number > 0, got {max_norm!r}")
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float, np.number)) or not norm_type > 0:
        raise ValueError(f"{name}: norm_type must be a number > 0 (or inf), got {norm_type!r}")


def _renormalise_rows(weight: Tensor, indices: Tensor, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: every row that ``indices`` looks up and whose norm exceeds
    ``max_norm`` is scaled in place by ``max_norm / (norm + 1e-7)``; the others stay as they are."""
    xp = weight._backend.xp
    with no_grad():
        looked_up = Tensor._wrap(xp.unique_values(xp.reshape(indices._data, (-1,))), weight._backend)
        rows = weight[looked_up]
        magnitudes = rows.abs()
        if math.isinf(norm_type):
            norms = magnitudes.max(axis=1, keepdims=True)
        else:
            norms = (magnitudes**norm_type).sum(axis=1, keepdims=True) ** (1 / norm_type)
        too_long = norms > max_norm
        if too_long.any():
            weight[looked_up] = where(too_long, rows * (max_norm / (norms + 1e-7)), rows)


def _inverse_frequencies(indices: Tensor, dtype: Any) -> Any:
    """For each position of ``indices``, 1 / (how many times its index occurs in ``indices``), shaped
    (*indices.shape, 1) to scale the rows' gradients."""
    xp, backend = indices._backend.xp, indices._backend
    counted = xp.unique_all(xp.reshape(indices._data, (-1,)))
    counts = xp.take(counted.counts, xp.reshape(counted.inverse_indices, (-1,)))
    native = backend.native_dtype(dtype)
    return xp.reshape(1 / xp.astype(counts, native), (*indices.shape, 1))


class ScaleGradient(Function):
    """The identity forward; backward multiplies the gradient by ``scale`` (an array that broadcasts)."""

    saves_inputs = False

    def forward(self, x: Any, scale: Any) -> Any:
        self.scale = scale
        return x

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * Tensor._wrap(self.scale, grad._backend),)


def check_padding_idx(padding_idx: Any, num_embeddings: int, name: str) -> int | None:
    """``padding_idx`` in [0, num_embeddings) (negative counts from the end, as in PyTorch), or None."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"{name}: padding_idx must be an integer or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"{name}: padding_idx must lie in [-{num_embeddings}, {num_embeddings}) for "
            f"num_embeddings={num_embeddings}, got {padding_idx}"
        )
    return int(padding_idx) % num_embeddings


def _check_affine(tensor: Tensor | None, shape: tuple[int, ...], input: Tensor, what: str, name: str) -> None:
    if tensor is None:
        return
    if not isinstance(tensor, Tensor) or tensor.shape != shape:
        got = tensor.shape if isinstance(tensor, Tensor) else type(tensor).__name__
        raise ShapeMismatchError(f"{name}: {what} must have shape {shape}, got {got}")
    _same_device(input, tensor, name)
    if tensor.dtype != input.dtype:
        raise TypeError(
            f"{name}: dtype mismatch {input.dtype} (input) vs {tensor.dtype} ({what}); tensors are never "
            "upcast silently, convert one with .astype() (or the module with .to(dtype))"
        )


def _check_per_channel(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None,
    bias: Tensor | None,
    name: str,
) -> None:
    """Each given statistic and affine tensor must have shape (C,), C = input.shape[1], and input's
    device and dtype."""
    tensors = {"running_mean": running_mean, "running_var": running_var, "weight": weight, "bias": bias}
    for what, tensor in tensors.items():
        _check_affine(tensor, (input.shape[1],), input, what, name)


def _normalized_axes(
    input: Tensor, normalized_shape: Any, name: str
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``normalized_shape`` as a tuple, and the trailing axes of ``input`` it names (checked)."""
    shape = (
        (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    )
    check_tensor(input, name)
    count = len(shape)
    if not shape or input.ndim < count or input.shape[input.ndim - count :] != shape:
        raise ShapeMismatchError(
            f"{name}: normalized_shape={list(shape)} expects an input of shape [*, "
            f"{', '.join(map(str, shape))}], got {input.shape}"
        )
    if input.dtype.kind != "f":
        raise TypeError(f"{name} needs a floating-point input, got {input.dtype}")
    return shape, tuple(range(input.ndim - count, input.ndim))


def rms_norm(
    input: Tensor,
    normalized_shape: int | tuple[int, ...] | list[int],
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """x / √(mean(x²) + ε) · γ over the trailing ``normalized_shape`` axes (Zhang & Sennrich, 2019),
    as PyTorch computes it; ``eps=None`` is the machine epsilon of the input's dtype."""
    shape, axes = _normalized_axes(input, normalized_shape, "rms_norm")
    _check_affine(weight, shape, input, "weight", "rms_norm")
    eps = float(np.finfo(input.dtype).eps) if eps is None else eps
    out = input * ((input * input).mean(axis=axes, keepdims=True) + eps).rsqrt()
    return out * weight if weight is not None else out


def layer_norm(
    input: Tensor,
    normalized_shape: int | tuple[int, ...] | list[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x − E[x]) / √(Var[x] + ε) · γ + β over the trailing ``normalized_shape`` axes (Ba et al., 2016).

    Var is the biased variance (divided by n), as in PyTorch; each sample is normalised on its own,
    so training and evaluation agree.
    """
    shape, axes = _normalized_axes(input, normalized_shape, "layer_norm")
    _check_affine(weight, shape, input, "weight", "layer_norm")
    _check_affine(bias, shape, input, "bias", "layer_norm")
    affine = [t for t in (weight, bias) if t is not None]
    has = (weight is not None, bias is not None)
    return Normalize.apply(input, *affine, axes=axes, eps=eps, view=shape, has=has)


class Normalize(Function):
    """y = x̂·γ + β with x̂ = (x − μ) / √(σ² + ε), μ and σ² (biased) over ``axes``, as one graph node.

    Layer and batch normalisation share it; γ and β (each optional, ``affine`` says which come
    after x) are seen in the shape ``view``, which broadcasts against x. Written with Tensor ops it
    would take a dozen nodes and as many temporaries. Backward, with ĝ = g·γ:
    dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + ε), the means over ``axes``; dγ = Σ g·x̂ and
    dβ = Σ g over the axes γ is broadcast along. ``statistics`` (a dict, if given) receives μ and
    Σ(x − μ)² for running statistics.
    """

    def forward(
        self,
        x: Any,
        *affine: Any,
        axes: tuple[int, ...],
        eps: float,
        view: tuple[int, ...],
        has: tuple[bool, bool],
        statistics: dict | None = None,
    ) -> Any:
        xp = self.xp
        self.axes, self.eps, self.view, self.has = axes, eps, view, has
        mean = xp.mean(x, axis=axes, keepdims=True)
        centred = x - mean
        squares = xp.sum(centred * centred, axis=axes, keepdims=True)
        self.count = math.prod(x.shape[axis] for axis in axes)
        self.std = xp.sqrt(squares / self.count + eps)
        centred /= self.std
        self.normalized = centred
        if statistics is not None:
            statistics.update(mean=mean, squares=squares)
        parameters = iter(affine)
        self.weight = xp.reshape(next(parameters), view) if has[0] else None
        out = centred * self.weight if has[0] else centred
        if has[1]:
            out = out + xp.reshape(next(parameters), view)
        return out

    def _parameter_axes(self, ndim: int) -> tuple[int, ...]:
        """The axes of x along which γ and β are broadcast (their gradients sum over these)."""
        lead = ndim - len(self.view)
        return tuple(i for i in range(ndim) if i < lead or self.view[i - lead] == 1)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        axes, (has_weight, has_bias) = self.axes, self.has
        x = self.inputs[0]
        summed = self._parameter_axes(x.ndim)
        parameter_shapes = [t.shape for t in self.inputs[1:]]
        if is_grad_enabled():  # create_graph: x̂ and σ rebuilt from x with Tensor ops
            centred = x - x.mean(axes, keepdims=True)
            std = ((centred * centred).sum(axes, keepdims=True) / self.count + self.eps).sqrt()
            normalized = centred / std
            scaled = grad * self.inputs[1].reshape(*self.view) if has_weight else grad
            mean_product = (scaled * normalized).mean(axes, keepdims=True)
            grads = [(scaled - scaled.mean(axes, keepdims=True) - normalized * mean_product) / std]
            if has_weight:
                grads.append((grad * normalized).sum(summed).reshape(*parameter_shapes[0]))
            if has_bias:
                grads.append(grad.sum(summed).reshape(*parameter_shapes[-1]))
            return tuple(grads)
        xp, g, normalized, backend = self.xp, grad._data, self.normalized, grad._backend
        needs = self.needs_input_grad
        results: list[Tensor | None] = []
        scaled = g * self.weight if has_weight else g
        if needs[0]:
            mean_product = xp.mean(scaled * normalized, axis=axes, keepdims=True)
            dx = scaled - xp.mean(scaled, axis=axes, keepdims=True)
            dx -= normalized * mean_product
            dx /= self.std
            results.append(Tensor._wrap(dx, backend))
        else:
            results.append(None)
        for position, wanted in ((1, has_weight), (2, has_bias)):
            if not wanted:
                continue
            index = len(results)
            if not needs[index]:
                results.append(None)
                continue
            source = g * normalized if position == 1 else g
            gradient = xp.reshape(xp.sum(source, axis=summed), parameter_shapes[index - 1])
            results.append(Tensor._wrap(gradient, backend))
        return tuple(results)


def check_values_per_channel(input: Tensor) -> int:
    """How many values each channel of an (N, C, ...) input holds; one is an error in training."""
    count = input.shape[0] * int(np.prod(input.shape[2:], dtype=np.int64))
    if count == 1:  # its variance would be 0/0 (biased) and 0/0 (unbiased, for the running variance)
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {list(input.shape)}"
        )
    return count


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x − μ) / √(σ² + ε) · γ + β per channel (axis 1), over the batch and any axes after the channel.

    Training (Ioffe & Szegedy, 2015): μ and σ² are the batch's mean and biased variance, and given
    running statistics are updated in place, outside the graph, as PyTorch does:
    running_mean ← (1 − m) running_mean + m μ, running_var ← (1 − m) running_var + m s², with s² the
    unbiased (n − 1) batch variance. Evaluation (``training=False``): μ and σ² are the running ones.
    """
    if check_tensor(input, "batch_norm").ndim < 2:
        raise ValueError(
            f"batch_norm: the input needs a batch and a channel axis (N, C, ...), got {input.shape}"
        )
    if input.dtype.kind != "f":
        raise TypeError(f"batch_norm needs a floating-point input, got {input.dtype}")
    channels = input.shape[1]
    _check_per_channel(input, running_mean, running_var, weight, bias, "batch_norm")
    if eps < 0 or (training and eps == 0):  # PyTorch's checks: √(σ² + ε) of a constant channel
        needed = "positive during training" if training else "non-negative"
        raise ValueError(f"batch_norm eps must be {needed}, but got {eps}")
    axes = (0, *range(2, input.ndim))
    shape = (1, channels, *[1] * (input.ndim - 2))
    if training:
        count = check_values_per_channel(input)
        statistics: dict[str, Any] = {}
        affine = [t for t in (weight, bias) if t is not None]
        has = (weight is not None, bias is not None)
        out = Normalize.apply(input, *affine, axes=axes, eps=eps, view=shape, has=has, statistics=statistics)
        _update_running_statistics(running_mean, running_var, statistics, count, momentum, input)
        return out
    if running_mean is None or running_var is None:
        raise ValueOutOfRangeError(  # PyTorch's RuntimeError, our old ValueError
            "batch_norm: running_mean and running_var are needed when training=False (evaluation mode)"
        )
    out = (input - running_mean.reshape(*shape)) / (running_var.reshape(*shape) + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(*shape)
    return out + bias.reshape(*shape) if bias is not None else out


def _update_running_statistics(
    running_mean: Tensor | None,
    running_var: Tensor | None,
    statistics: dict[str, Any],
    count: int,
    momentum: float,
    input: Tensor,
) -> None:
    """running ← (1 − m) running + m · batch value, in place and outside the graph (the running
    statistics are state), for the mean μ and the unbiased variance Σ(x − μ)² / (count − 1) that
    ``Normalize`` recorded in ``statistics``; averaged over any leading axes (instance norm's batch)."""
    with no_grad():
        channels = statistics["mean"].shape[1]
        for running, value in ((running_mean, statistics["mean"]), (running_var, statistics["squares"])):
            if running is None:
                continue
            batch_value = Tensor._wrap(value, input._backend).reshape(-1, channels).mean(0)
            if running is running_var:
                batch_value = batch_value / (count - 1)
            running.mul_(1 - momentum).add_(batch_value * momentum)


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x − μ) / √(σ² + ε) · γ + β with μ and σ² (biased) per sample and channel over the spatial
    axes of an (N, C, ...) input (Ulyanov et al., 2016). Given running statistics are updated as in
    ``batch_norm``, with the batch's mean of the per-sample values; ``use_input_stats=False``
    normalises with the running statistics instead, as ``batch_norm`` in evaluation."""
    if check_tensor(input, "instance_norm").ndim < 3:
        raise ValueError(f"instance_norm: expected an (N, C, ...) input with spatial axes, got {input.shape}")
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    if input.dtype.kind != "f":
        raise TypeError(f"instance_norm needs a floating-point input, got {input.dtype}")
    channels = input.shape[1]
    _check_per_channel(input, running_mean, running_var, weight, bias, "instance_norm")
    count = math.prod(input.shape[2:])
    if count == 1:  # each variance would be 0/0
        raise ValueError(
            f"Expected more than 1 spatial element when training, got input size {list(input.shape)}"
        )
    statistics: dict[str, Any] = {}
    affine = [t for t in (weight, bias) if t is not None]
    has = (weight is not None, bias is not None)
    axes = tuple(range(2, input.ndim))
    view = (channels, *[1] * len(axes))
    out = Normalize.apply(input, *affine, axes=axes, eps=eps, view=view, has=has, statistics=statistics)
    _update_running_statistics(running_mean, running_var, statistics, count, momentum, input)
    return out


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x − μ) / √(σ² + ε) · γ + β with μ and σ² (biased) per sample over each of ``num_groups`` groups
    of consecutive channels and all spatial axes (Wu & He, 2018); γ and β are per channel."""
    if check_tensor(input, "group_norm").ndim < 2:
        raise ValueError(f"group_norm: expected an (N, C, ...) input, got shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"group_norm needs a floating-point input, got {input.dtype}")
    batch, channels = input.shape[:2]
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)) or num_groups <= 0:
        raise ValueError(f"group_norm: num_groups must be a positive integer, got {num_groups!r}")
    if channels % num_groups:
        raise ShapeMismatchError(
            f"group_norm: the {channels} channels of an input of shape {input.shape} are not divisible "
            f"by num_groups={num_groups}"
        )
    _check_affine(weight, (channels,), input, "weight", "group_norm")
    _check_affine(bias, (channels,), input, "bias", "group_norm")
    per_channel = math.prod(input.shape[2:])
    if batch * (channels // num_groups) * per_channel == 1:  # one value in all: its variance is 0/0
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {list(input.shape)}"
        )
    grouped = input.reshape(batch, num_groups, channels // num_groups, per_channel)
    affine = [t for t in (weight, bias) if t is not None]
    has = (weight is not None, bias is not None)
    view = (num_groups, channels // num_groups, 1)  # γ and β seen per channel of each group
    return Normalize.apply(grouped, *affine, axes=(2, 3), eps=eps, view=view, has=has).reshape(*input.shape)


# ---------------------------------------------------------------------------------------------
# Losses: shared checks


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """x_c / (k + α/n · Σ x_c'²)^β, the sum over the n = ``size`` channels c' from c − ⌊n/2⌋ to
    c + ⌊(n − 1)/2⌋ (zeros beyond the edges), of an (N, C, ...) input: AlexNet's normalisation across
    neighbouring channels (Krizhevsky et al., 2012), with PyTorch's α/n."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0:
        raise ValueError(f"local_response_norm: size must be a positive integer, got {size!r}")
    x = _floating(input, "local_response_norm")
    if x.ndim < 3:
        raise ValueError(
            f"local_response_norm: expected 3D or higher dimensionality input (N, C, ...), got {x.ndim} "
            f"dimensions, shape {x.shape}"
        )
    if x.size == 0:
        return x
    squares = x * x
    before, after = size // 2, (size - 1) // 2
    pieces = [
        squares.new_zeros((x.shape[0], n, *x.shape[2:])) if n else None for n in (before, after)
    ]
    padded = cat([piece for piece in (pieces[0], squares, pieces[1]) if piece is not None], 1)
    channels = x.shape[1]
    window_sum = padded[:, 0:channels]
    for offset in range(1, size):
        window_sum = window_sum + padded[:, offset : offset + channels]
    return x / (window_sum * (alpha / size) + k) ** beta


def check_reduction(reduction: Any) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _as_float_target(target: Any, input: Tensor, name: str) -> Tensor:
    """The target as a tensor on the input's device, with the input's shape (else a ValueError)."""
    if check_tensor(input, name).dtype.kind != "f":
        raise TypeError(f"{name}: the input must be a floating-point tensor, got {input.dtype}")
    if not isinstance(target, Tensor):
        host = np.asarray(target)
        if host.dtype.kind not in "biuf":
            raise TypeError(f"{name}: the target must be a Tensor or numbers, got {type(target).__name__}")
        target = Tensor(host, dtype=input.dtype, device=input.device)
    _same_device(input, target, name)
    if target.shape != input.shape:
        raise ShapeMismatchError(
            f"{name}: target shape {target.shape} differs from input shape {input.shape} "
            "(no broadcasting here: it hides bugs such as (N, 1) against (N,))"
        )
    if target.dtype != input.dtype:
        target = target.astype(input.dtype)
    return target


def _refuse_integer_target(target: Any, name: str) -> None:
    """PyTorch's binary cross-entropies and KL divergence take no integer or boolean target tensor
    (RuntimeError: "Found dtype Long but expected Float"); the other losses read one as floats. (``fit``
    and ``evaluate`` read a dataset's 0/1 labels as floats for the binary losses.)"""
    if isinstance(target, Tensor) and target.dtype.kind != "f":
        raise DtypeMismatchError(
            f"{name}: the target must be a floating-point tensor, got {target.dtype} (use .float())"
        )


def _as_weight(weight: Any, input: Tensor, name: str, what: str = "weight", broadcast: bool = True) -> Tensor:
    """A weight as a tensor on the input's device in the input's float dtype, else an error naming it.

    Host data and integer tensors are converted; a float tensor of another dtype is refused (never
    cast silently); with ``broadcast`` it must broadcast to the input's shape.
    """
    if not isinstance(weight, Tensor):
        weight = Tensor(np.asarray(weight), dtype=input.dtype, device=input.device)
    _same_device(input, weight, name)
    if weight.dtype.kind == "f" and weight.dtype != input.dtype:
        raise DtypeMismatchError(
            f"{name}: {what} is {weight.dtype} but the input is {input.dtype}; "
            f"convert it with .astype({str(input.dtype)!r}) (tensors are never upcast silently)"
        )
    if weight.dtype != input.dtype:
        weight = weight.astype(input.dtype)
    if broadcast:
        try:
            fits = np.broadcast_shapes(weight.shape, input.shape) == input.shape
        except ValueError:
            fits = False
        if not fits:
            raise ShapeMismatchError(
                f"{name}: {what} of shape {weight.shape} does not broadcast to the input's shape "
                f"{input.shape}"
            )
    return weight


def mse_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """(input - target)², each times ``weight`` if given (then ``'mean'`` is Σ w d² / Σ w, as PyTorch's)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    diff = input - _as_float_target(target, input, "mse_loss")
    return _weighted_reduce(diff * diff, weight, reduction, "mse_loss")


def l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """|input - target|, each times ``weight`` if given (then ``'mean'`` is Σ w |d| / Σ w, as PyTorch's)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    diff = input - _as_float_target(target, input, "l1_loss")
    return _weighted_reduce(diff.abs(), weight, reduction, "l1_loss")


def _weighted_reduce(loss: Tensor, weight: Tensor | None, reduction: str, name: str) -> Tensor:
    """PyTorch 2.13's optional per-element ``weight`` of ``mse_loss``/``l1_loss``, of the input's size."""
    if weight is None:
        return _reduce(loss, reduction)
    weight = _as_weight(weight, loss, name, broadcast=False)
    if weight.shape != loss.shape:
        raise ValueError(
            f"{name}: Weights and input must have the same size, got {weight.shape} and {loss.shape}"
        )
    weighted = loss * weight
    return weighted.sum() / weight.sum() if reduction == "mean" else _reduce(weighted, reduction)


def check_threshold(value: Any, name: str, loss: str, allow_zero: bool) -> float:
    """A robust loss's threshold (``beta``, ``delta``) as a float, > 0 (or >= 0), else an error naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{loss}: {name} must be a number, got {type(value).__name__} {value!r}")
    if not (value >= 0 if allow_zero else value > 0):
        raise ValueOutOfRangeError(  # PyTorch's RuntimeError
            f"{loss}: {name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}"
        )
    return float(value)


def smooth_l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """d²/(2β) where |d| < β, else |d| − β/2, with d = input − target (Girshick, 2015, Fast R-CNN).

    Quadratic near zero, so its gradient d/β fades smoothly; linear beyond β, so outliers pull with
    at most 1. ``beta=0`` is the L1 loss, as in PyTorch.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    beta = check_threshold(beta, "beta", "smooth_l1_loss", allow_zero=True)
    diff = input - _as_float_target(target, input, "smooth_l1_loss")
    size = diff.abs()
    if beta == 0:
        return _reduce(size, reduction)  # d²/(2β) would be 0/0 at d = 0
    near = diff.clamp(-beta, beta)  # quadratic branch of a clamped d: an infinite d, no inf · 0 = nan
    return _reduce(where(size < beta, 0.5 * near * near / beta, size - 0.5 * beta), reduction)


def huber_loss(
    input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None
) -> Tensor:
    """d²/2 where |d| < δ, else δ·(|d| − δ/2), with d = input − target (Huber, 1964).

    The smooth L1 loss scaled by δ (equal to it at δ = 1): gradients grow up to ±δ and stay there.
    ``weight`` (input's shape) scales each element before the reduction, as in PyTorch.
    """
    check_reduction(reduction)
    delta = check_threshold(delta, "delta", "huber_loss", allow_zero=False)
    diff = input - _as_float_target(target, input, "huber_loss")
    size = diff.abs()
    near = diff.clamp(-delta, delta)  # quadratic branch of a clamped d: an infinite d, no inf · 0 = nan
    loss = where(size < delta, 0.5 * near * near, delta * (size - 0.5 * delta))
    if weight is not None:
        weight = _as_weight(weight, input, "huber_loss", broadcast=False)
        if weight.shape != input.shape:
            raise ValueError(
                f"huber_loss: weight shape {weight.shape} differs from input shape {input.shape}"
            )
        loss = loss * weight
    return _reduce(loss, reduction)


KL_DIV_REDUCTIONS = (*REDUCTIONS, "batchmean")


def check_kl_div_reduction(reduction: Any) -> str:
    if reduction not in KL_DIV_REDUCTIONS:
        raise ValueError(f"kl_div: reduction must be one of {KL_DIV_REDUCTIONS}, got {reduction!r}")
    return reduction


def kl_div(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Pointwise KL divergence of ``target`` from the log-probabilities ``input``, as PyTorch's:
    target · (log target − input), or e^target · (target − input) with ``log_target=True``.

    A probability of 0 in the target adds 0 (0 log 0 = 0), even where ``input`` is -inf (PyTorch:
    nan). ``reduction='batchmean'`` (sum over everything / batch size, dim 0) is KL(target ‖ input)
    per sample; ``'mean'`` averages over every element, as PyTorch does, and warns as it does.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_kl_div_reduction(reduction)
    _refuse_integer_target(target, "kl_div")
    target = _as_float_target(target, input, "kl_div")
    if log_target:
        absent = target == -math.inf
        loss = where(absent, 0.0, where(absent, 0.0, target).exp() * (target - input))
    else:
        absent = target == 0
        loss = where(absent, 0.0, target * (where(absent, 1.0, target).log() - input))
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    if reduction == "mean" and size_average is None and reduce is None:  # PyTorch: not for legacy ones
        import warnings

        warnings.warn(
            "kl_div: reduction='mean' divides the total loss by the number of elements, not the batch "
            "size; reduction='batchmean' gives the KL divergence per sample (as PyTorch warns)",
            UserWarning,
            stacklevel=2,
        )
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Margin, embedding and likelihood losses


def _same_shape(tensors: dict[str, Any], input: Tensor, name: str) -> list[Tensor]:
    """Each of ``tensors`` (by name) as a float tensor of the input's shape, dtype and device."""
    out = []
    for what, value in tensors.items():
        try:
            out.append(_as_float_target(value, input, name))
        except ValueError as error:
            raise ShapeMismatchError(str(error).replace("target", what, 1)) from None
    return out


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Any,
    margin: float = 0.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, −y (x1 − x2) + margin) for y = 1 (x1 should rank higher) or −1 (x2 should)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    input2, target = _same_shape({"input2": input2, "target": target}, input1, "margin_ranking_loss")
    hinge = -target * (input1 - input2) + margin
    return _reduce(hinge.clamp(min=0.0), reduction)  # PyTorch's clamp_min: gradient 1 at 0, nan kept


def hinge_embedding_loss(
    input: Tensor,
    target: Any,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """x where y = 1 and max(0, margin − x) where y = −1, for distances x (PyTorch's formula: a target
    other than ±1 gets both terms)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    (target,) = _same_shape({"target": target}, input, "hinge_embedding_loss")
    gap = margin - input
    loss = where(target != 1, gap.clamp(min=0.0), 0.0) + where(target != -1, input, 0.0)  # nan kept
    return _reduce(loss, reduction)


def soft_margin_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """log(1 + e^(−y x)) for labels y = ±1, a smooth hinge; computed as −log σ(y x), finite for any x
    (PyTorch's log1p(exp(·)) overflows to inf beyond y x < −88 in float32)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    (target,) = _same_shape({"target": target}, input, "soft_margin_loss")
    return _reduce(-logsigmoid(input * target), reduction)


COSINE_EMBEDDING_EPS = 1e-12  # PyTorch's guard added to each squared norm


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Any,
    margin: float = 0.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1, per row.

    cos = x1·x2 / √((‖x1‖² + ε)(‖x2‖² + ε)), ε = 1e-12, as PyTorch computes it; inputs (N, D) with
    targets (N,), or (D,) with a 0-d target.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if input1.ndim not in (1, 2):
        raise ValueError(f"cosine_embedding_loss: inputs must be (N, D) or (D,), got {input1.shape}")
    (input2,) = _same_shape({"input2": input2}, input1, "cosine_embedding_loss")
    if not isinstance(target, Tensor):
        target = Tensor(np.asarray(target), device=input1.device)
    if target.shape != input1.shape[:-1]:
        raise ShapeMismatchError(
            f"cosine_embedding_loss: for inputs of shape {input1.shape} the target needs shape "
            f"{input1.shape[:-1]} (one ±1 per row), got {target.shape}"
        )
    _same_device(input1, target, "cosine_embedding_loss")
    product = (input1 * input2).sum(-1)
    squares1 = (input1 * input1).sum(-1) + COSINE_EMBEDDING_EPS
    squares2 = (input2 * input2).sum(-1) + COSINE_EMBEDDING_EPS
    cos = product / (squares1 * squares2).sqrt()
    excess = cos - margin
    loss = where(target == 1, 1 - cos, 0.0) + where(target == -1, where(excess >= 0, excess, 0.0), 0.0)
    return _reduce(loss, reduction)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(d(a, p) − d(a, n) + margin, 0) with d the ``pairwise_distance`` (Schroff et al., 2015);
    ``swap`` takes d(a, n) as min(d(a, n), d(p, n)) (Balntas et al., 2016). Rows (N, D) or one (D,)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if margin <= 0:  # as the module and PyTorch's functional: a margin of 0 or less trains nothing
        raise ValueError(f"triplet_margin_loss: margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim or anchor.ndim not in (1, 2):
        raise ValueError(
            "triplet_margin_loss: anchor, positive and negative must all be (N, D) or all (D,), got shapes "
            f"{anchor.shape}, {positive.shape} and {negative.shape}"
        )
    distance_positive = pairwise_distance(anchor, positive, p, eps)
    distance_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        distance_negative = distance_negative.minimum(pairwise_distance(positive, negative, p, eps))
    gap = distance_positive - distance_negative + margin
    return _reduce(where(gap >= 0, gap, 0.0), reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """max(d(a, p) − d(a, n) + margin, 0) with any distance d(x, y) (default ``pairwise_distance``);
    ``swap`` takes d(a, n) as min(d(a, n), d(p, n)), as ``triplet_margin_loss`` does."""
    name = "triplet_margin_with_distance_loss"
    check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"{name}: margin must be greater than 0, got {margin}")
    anchor, positive, negative = (check_tensor(t, name) for t in (anchor, positive, negative))
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ShapeMismatchError(
            f"{name}: anchor, positive and negative must have the same number of dimensions, got "
            f"{anchor.ndim}-d, {positive.ndim}-d and {negative.ndim}-d inputs"
        )
    distance = pairwise_distance if distance_function is None else distance_function
    if not callable(distance):
        raise TypeError(f"{name}: distance_function must be callable, got {type(distance).__name__}")
    distance_positive = distance(anchor, positive)
    distance_negative = distance(anchor, negative)
    if swap:
        distance_negative = distance_negative.minimum(distance(positive, negative))
    gap = distance_positive - distance_negative + margin
    return _reduce(where(gap >= 0, gap, 0.0), reduction)  # PyTorch's clamp_min: gradient 1 at 0


def poisson_nll_loss(
    input: Tensor,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of counts y under a Poisson rate λ, dropping the constant log y!:
    e^x − y x for ``log_input`` (x = log λ), else λ − y log(λ + eps). ``full`` adds Stirling's
    y log y − y + ½ log(2π y) where y > 1, as PyTorch."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    (target,) = _same_shape({"target": target}, input, "poisson_nll_loss")
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        counted = where(target > 1, target, 2.0)  # a safe log where the term is masked out
        stirling = counted * counted.log() - counted + 0.5 * (2 * math.pi * counted).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(
    input: Tensor,
    target: Any,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """−(1/C) Σ_c w_c [y_c log σ(x_c) + (1 − y_c) log σ(−x_c)] per sample, for (N, C) logits and 0/1
    targets: a binary cross-entropy per class, averaged over the classes, then reduced over samples."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    (target,) = _same_shape({"target": target}, input, "multilabel_soft_margin_loss")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * _as_weight(weight, input, "multilabel_soft_margin_loss")
    loss = loss.mean(-1) if input.ndim else loss
    return _reduce(loss, reduction)


def multilabel_margin_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Σ_j Σ_{i ∉ y} max(0, 1 − (x[y_j] − x_i)) / C per sample: a hinge between each target class
    y_j and each other class i. ``target`` has the input's shape, (C,) or (N, C): class indices,
    of which those before the first −1 count (PyTorch's padding)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    name = "multilabel_margin_loss"
    check_reduction(reduction)
    if check_tensor(input, name).dtype.kind != "f":
        raise TypeError(f"{name}: the input must be a floating-point tensor, got {input.dtype}")
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise ShapeMismatchError(
            f"{name}: the input must be a non-empty vector (C,) or matrix (N, C), got shape {input.shape}"
        )
    labels = _as_labels(target, name, like=input)
    _same_device(input, labels, name)
    if labels.shape != input.shape:
        raise ShapeMismatchError(f"{name}: target shape {labels.shape} differs from input {input.shape}")
    num_classes = input.shape[-1] if input.ndim else 1
    try:
        _check_labels(labels, num_classes, -1, name)
    except LabelOutOfRangeError as error:
        raise ValueOutOfRangeError(f"{error} (-1 ends a row's list of target classes)") from None
    scores = input.reshape(-1, num_classes)
    backend, xp = input._backend, input._backend.xp
    y = xp.reshape(labels._data, (-1, num_classes))
    positions = xp.arange(num_classes, dtype=y.dtype, **backend.creation_kwargs)
    first_padding = xp.min(xp.where(y == -1, positions, xp.full_like(y, num_classes)), axis=1, keepdims=True)
    counted = positions < first_padding  # (N, J): target slot j lies before the row's first -1
    classes = xp.where(counted, y, xp.zeros_like(y))  # class 0 stands in for the slots not counted
    is_target = xp.any((classes[:, :, None] == positions) & counted[:, :, None], axis=1)  # (N, C)
    pairs = xp.astype(counted[:, :, None] & ~is_target[:, None, :], backend.native_dtype(input.dtype))
    chosen = scores.gather(1, Tensor._wrap(classes, backend))  # x[y_j], (N, J)
    margins = 1 - chosen.unsqueeze(2) + scores.unsqueeze(1)  # (N, J, C)
    hinge = where(margins > 0, margins, 0.0)  # as PyTorch: no gradient where the margin is exactly 0
    loss = (hinge * Tensor._wrap(pairs, backend)).sum(2).sum(1) / num_classes
    loss = loss if input.ndim == 2 else loss.reshape(())
    if reduction == "mean" and loss.size == 0:
        return loss.sum()  # PyTorch's mean over an empty batch is 0 here
    return _reduce(loss, reduction)


class ClampMinKeepGradient(Function):
    """max(x, floor) forward, the identity backward: PyTorch clamps the variance of
    ``gaussian_nll_loss`` under no_grad, so the gradient passes as if unclamped."""

    saves_inputs = False

    def forward(self, a: Any, floor: float) -> Any:
        return self.xp.maximum(a, _scalar(self.backend, floor, a.dtype))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad,)


def gaussian_nll_loss(
    input: Tensor, target: Any, var: Any, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
) -> Tensor:
    """½ (log σ² + (x − y)² / σ²) (+ ½ log 2π with ``full``): the negative log-likelihood of y under
    N(x, σ²), σ² = ``var`` floored at ``eps`` (the floor passes the gradient unchanged, as PyTorch).

    ``var`` has the input's shape, or it without the last axis, or with a last axis of 1 (one
    variance shared along it); a number is one variance for all. Negative variances are refused.
    """
    check_reduction(reduction)
    (target,) = _same_shape({"target": target}, input, "gaussian_nll_loss")
    if not isinstance(var, Tensor):
        host = np.full(input.shape, var) if np.ndim(var) == 0 else np.asarray(var)
        var = Tensor(host.astype(input.dtype), device=input.device)  # host data takes the input's dtype
    if var.dtype.kind != "f":
        var = var.astype(input.dtype)
    _same_device(input, var, "gaussian_nll_loss")
    if var.shape != input.shape:
        if var.shape == input.shape[:-1]:
            var = var.unsqueeze(-1)
        elif not (var.ndim == input.ndim and var.shape[:-1] == input.shape[:-1] and var.shape[-1] == 1):
            raise ValueError(
                f"gaussian_nll_loss: var of shape {var.shape} does not fit the input's shape {input.shape} "
                "(give the input's shape, it without the last axis, or with a last axis of 1)"
            )
    var = _as_weight(var, input, "gaussian_nll_loss", "var")
    if (var < 0).any().item():
        raise ValueError("gaussian_nll_loss: var has negative entries; variances must be >= 0")
    var = ClampMinKeepGradient.apply(var, floor=eps)
    diff = input - target
    loss = 0.5 * (var.log() + diff * diff / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Binary cross-entropy


def _clamped_log_array(xp: Any, p: Any) -> Any:
    """max(log p, -100) without ever evaluating log(0)."""
    positive = p > 0
    return xp.maximum(xp.where(positive, xp.log(xp.where(positive, p, 1.0)), LOG_FLOOR), LOG_FLOOR)


def _clamped_log1m_array(xp: Any, p: Any) -> Any:
    """max(log(1 - p), -100) through log1p, without ever evaluating log(0)."""
    below_one = p < 1
    return xp.maximum(xp.where(below_one, xp.log1p(-xp.where(below_one, p, 0.0)), LOG_FLOOR), LOG_FLOOR)


def _clamped_log(p: Tensor) -> Tensor:
    positive = p > 0
    return where(positive, where(positive, p, 1.0).log(), LOG_FLOOR).maximum(LOG_FLOOR)


def _clamped_log1m(p: Tensor) -> Tensor:
    below_one = p < 1
    return where(below_one, log1p(-where(below_one, p, 0.0)), LOG_FLOOR).maximum(LOG_FLOOR)


class BinaryCrossEntropy(Function):
    """-(y log p + (1 - y) log(1 - p)) with each log floored at -100, as PyTorch computes it.

    d/dp = (p - y) / max(p (1 - p), 1e-12) (PyTorch's guarded form, finite at p = 0 and 1);
    d/dy = log(1 - p) - log p with the same floors (the derivative of the floored forward).
    """

    def forward(self, p: Any, y: Any) -> Any:
        xp = self.xp
        return (y - 1) * _clamped_log1m_array(xp, p) - y * _clamped_log_array(xp, p)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        p, y = self.inputs
        grad_p = grad * (p - y) / (p * (1 - p)).maximum(BCE_GRAD_EPS) if self.needs_input_grad[0] else None
        grad_y = grad * (_clamped_log1m(p) - _clamped_log(p)) if self.needs_input_grad[1] else None
        return grad_p, grad_y


def _check_unit_interval(tensors: dict[str, Tensor], name: str) -> None:
    """One host read to confirm every value lies in [0, 1]; names the offending tensor."""
    backend = next(iter(tensors.values()))._backend
    xp = backend.xp
    flags = xp.stack([xp.any((t._data < 0) | (t._data > 1) | (t._data != t._data)) for t in tensors.values()])
    for (what, tensor), bad in zip(tensors.items(), backend.to_numpy(flags).tolist()):
        if bad:
            host = tensor.numpy()
            raise ValueOutOfRangeError(
                f"{name}: every {what} value must lie in [0, 1], got values from {np.nanmin(host)} to "
                f"{np.nanmax(host)}{' and NaN' if np.isnan(host).any() else ''}"
                + (" (pass logits to binary_cross_entropy_with_logits instead)" if what == "input" else "")
            )


def binary_cross_entropy(
    input: Tensor,
    target: Any,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-w (y log p + (1 - y) log(1 - p)) for probabilities p; logs are floored at -100 like PyTorch.

    Input and target must lie in [0, 1] (checked with one host read). ``weight`` broadcasts
    against the elementwise loss.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    _refuse_integer_target(target, "binary_cross_entropy")
    target = _as_float_target(target, input, "binary_cross_entropy")
    _check_unit_interval({"input": input, "target": target}, "binary_cross_entropy")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * _as_weight(weight, input, "binary_cross_entropy")
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of σ(x) computed from the logits x without overflow.

    ℓ = (1 - y) x - c log σ(x) with c = 1 + (pos_weight - 1) y, PyTorch's formula; with c = 1 it
    equals max(x, 0) - x y + log(1 + e^-|x|). ``pos_weight`` (one value per class, broadcast over
    the last axis) weighs the positive examples, ``weight`` the whole loss.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    _refuse_integer_target(target, "binary_cross_entropy_with_logits")
    target = _as_float_target(target, input, "binary_cross_entropy_with_logits")
    log_sigmoid = logsigmoid(input)
    if pos_weight is not None:
        pos_weight = _as_weight(pos_weight, input, "binary_cross_entropy_with_logits", "pos_weight")
        log_sigmoid = log_sigmoid * (1 + (pos_weight - 1) * target)
    loss = (1 - target) * input - log_sigmoid
    if weight is not None:
        loss = loss * _as_weight(weight, input, "binary_cross_entropy_with_logits")
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Cross-entropy and negative log-likelihood over classes
#
# Every variant is a weighted sum over the class axis, loss_i = -Σ_c A_ic log p_ic, with the
# coefficients A built from the target: a one-hot row for a class label, the row itself for
# class probabilities, mixed with the uniform row for label smoothing, scaled by class weights,
# zeroed for ignored samples. One code path thus serves all of them, with no scatter.


def _as_labels(target: Any, name: str, like: Tensor | None = None) -> Tensor:
    """Integer class labels as an int64 tensor (on ``like``'s device when converted from host data)."""
    if not isinstance(target, Tensor):
        host = np.asarray(target)
        if host.dtype.kind not in "biuf":
            raise TypeError(f"{name}: class labels must be a Tensor or integers, got {type(target).__name__}")
        target = Tensor(host, device=like.device if like is not None else None)
    if target.dtype.kind not in "iu":
        raise DtypeMismatchError(
            f"{name}: class labels must be integers, got dtype {target.dtype} (use .long())"
        )
    return target if target.dtype == int64 else target.astype(int64)


class LabelOutOfRangeError(IndexError, ValueError):
    """A class label outside [0, C): an IndexError as in PyTorch, and a ValueError (a bad value)."""


class OneHotLabelError(LabelOutOfRangeError, RuntimeError):
    """A label outside [0, num_classes) given to ``one_hot``, where PyTorch raises a RuntimeError."""


def _check_labels(labels: Tensor, num_classes: int, ignore_index: int | None, name: str) -> bool:
    """Raise unless every label is in [0, num_classes) or equal to ``ignore_index``.

    One host read of the smallest and largest label answers both questions in the common case
    (every label a class, and ``ignore_index`` not one); only otherwise are they looked at one by
    one. Returns whether any label equals ``ignore_index``.
    """
    backend = labels._backend
    xp = backend.xp
    t = labels._data
    if t.size == 0:
        return False
    if backend.is_host:  # NumPy: the array methods skip the generic functions' dispatch
        low, high = int(t.min()), int(t.max())
    else:
        low, high = backend.to_numpy(xp.stack([xp.min(t), xp.max(t)])).tolist()
    if 0 <= low and high < num_classes and (ignore_index is None or not 0 <= ignore_index < num_classes):
        return False
    ignored = t == ignore_index if ignore_index is not None else xp.zeros_like(t, dtype=xp.bool)
    outside = ((t < 0) | (t >= num_classes)) & ~ignored
    bad, any_ignored = backend.to_numpy(xp.stack([xp.any(outside), xp.any(ignored)])).tolist()
    if bad:
        host = labels.numpy()
        host_ignored = host == ignore_index if ignore_index is not None else np.zeros(host.shape, bool)
        offenders = np.unique(host[((host < 0) | (host >= num_classes)) & ~host_ignored])
        shown = ", ".join(str(v) for v in offenders[:10]) + (", ..." if offenders.size > 10 else "")
        raise LabelOutOfRangeError(
            f"{name}: class labels must lie in [0, {num_classes}) for {num_classes} classes"
            + (f" (or equal ignore_index={ignore_index})" if ignore_index is not None else "")
            + f", got {shown}"
        )
    return bool(any_ignored)


def _class_axis(input: Tensor, name: str) -> int:
    if check_tensor(input, name).dtype.kind != "f":
        raise TypeError(f"{name}: the input must be a floating-point tensor, got {input.dtype}")
    if input.ndim == 0:
        raise ValueError(f"{name}: the input needs a class axis: shape (C,), (N, C) or (N, C, d1, ...)")
    return 0 if input.ndim == 1 else 1


def _class_weights(weight: Tensor | None, log_probs: Tensor, axis: int, name: str) -> Tensor | None:
    """The class weights reshaped to broadcast along the class axis."""
    if weight is None:
        return None
    num_classes = log_probs.shape[axis]
    weight = _as_weight(weight, log_probs, name, broadcast=False)
    if weight.shape != (num_classes,):
        raise ShapeMismatchError(
            f"{name}: weight must have shape ({num_classes},), one per class, got {weight.shape}"
        )
    return weight.reshape(*[num_classes if i == axis else 1 for i in range(log_probs.ndim)])


def _class_loss(
    log_probs: Tensor,
    target: Any,
    weight: Tensor | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    name: str,
    allow_probabilities: bool,
) -> Tensor:
    """-Σ_c A_ic log p_ic reduced as PyTorch does (see the comment above)."""
    check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueOutOfRangeError(f"{name}: label_smoothing must lie in [0, 1], got {label_smoothing!r}")
    axis = _class_axis(log_probs, name)
    num_classes = log_probs.shape[axis]
    weights = _class_weights(weight, log_probs, axis, name)
    sample_shape = log_probs.shape[:axis] + log_probs.shape[axis + 1 :]
    target_kind = target.dtype.kind if isinstance(target, Tensor) else np.asarray(target).dtype.kind
    if target_kind == "f":
        if not allow_probabilities:
            raise DtypeMismatchError(
                f"{name}: the target must hold integer class labels, got floating-point values"
            )
        if ignore_index >= 0:  # as PyTorch: a class to ignore means nothing for a row of probabilities
            raise ValueError(
                f"{name}: ignore_index={ignore_index} applies to class labels, not to class probabilities "
                "(floating-point targets); leave it at its default, -100"
            )
        target_shape = target.shape if isinstance(target, Tensor) else np.shape(target)
        if tuple(target_shape) == sample_shape:
            raise DtypeMismatchError(
                f"{name}: class labels of shape {tuple(target_shape)} must be integers, got floating-point "
                "values (convert with .long() or .astype(tg.int64); class probabilities need the "
                f"input's shape {log_probs.shape})"
            )
        probs = _as_float_target(target, log_probs, name)
        if label_smoothing:
            probs = probs * (1 - label_smoothing) + label_smoothing / num_classes
        if weights is not None:
            probs = probs * weights
        loss = -(log_probs * probs).sum(axis=axis)
        return _reduce(loss, reduction)  # the mean is over samples, whatever the weights

    labels = _as_labels(target, name, like=log_probs)
    _same_device(log_probs, labels, name)
    if labels.shape != sample_shape:
        raise ShapeMismatchError(
            f"{name}: for an input of shape {log_probs.shape}, integer labels need shape {sample_shape}, "
            f"got {labels.shape}"
            + (" (class probabilities need the input's shape)" if allow_probabilities else "")
        )
    any_ignored = _check_labels(labels, num_classes, ignore_index, name)
    backend, xp = log_probs._backend, log_probs._backend.xp
    native = backend.native_dtype(log_probs.dtype)
    class_shape = tuple(num_classes if i == axis else 1 for i in range(log_probs.ndim))
    classes = xp.reshape(
        xp.arange(num_classes, dtype=labels._data.dtype, **backend.creation_kwargs), class_shape
    )
    label_columns = xp.expand_dims(labels._data, axis=axis)
    hits = xp.astype(label_columns == classes, native)  # one-hot rows
    if any_ignored:
        hits = hits * xp.astype(label_columns != ignore_index, native)
    coefficients = hits
    if label_smoothing:
        coefficients = hits * (1 - label_smoothing)
        uniform = label_smoothing / num_classes
        coefficients = coefficients + (
            uniform * xp.astype(label_columns != ignore_index, native) if any_ignored else uniform
        )
    coefficients = Tensor._wrap(-coefficients, backend)
    if weights is not None:
        coefficients = coefficients * weights
    # A class with coefficient 0 adds nothing, even at log p = -inf (a masked logit): 0 · -inf is nan.
    loss = (where(coefficients != 0, log_probs, 0.0) * coefficients).sum(axis=axis)
    if reduction != "mean":
        return _reduce(loss, reduction)
    # The mean divides by the total weight of the counted samples, Σ_i w_{y_i} (their number if unweighted).
    if weights is None and not any_ignored:
        return loss.mean()
    hits = Tensor._wrap(hits, backend)
    total = (hits * weights).sum() if weights is not None else hits.sum()
    if not any_ignored:
        return loss.sum() / total
    # Every label ignored: the mean is 0/0 = nan, yet, as in PyTorch, the gradient is 0, not nan.
    none_counted = hits.sum() == 0
    return where(none_counted, math.nan, loss.sum() / where(none_counted, 1.0, total))


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of ``softmax(input)`` against class labels or class probabilities.

    ``input``: logits of shape (C,), (N, C) or (N, C, d1, ...). ``target``: integer labels of the
    input's shape without the class axis (each in [0, C) or ``ignore_index``), or probabilities of
    the input's own shape. With label smoothing ε the target becomes (1 - ε) y + ε/C (PyTorch's
    formula); with class weights the mean divides by the summed weights of the labels.
    Log-softmax shifts by the max, so logits of 1e4 give finite, exact results.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    axis = _class_axis(input, "cross_entropy")
    if weight is None and not label_smoothing and input.ndim == 2 and isinstance(target, Tensor):
        if target.dtype.kind in "iu" and target.shape == input.shape[:1]:
            check_reduction(reduction)
            labels = _as_labels(target, "cross_entropy")
            _same_device(input, labels, "cross_entropy")
            if not _check_labels(labels, input.shape[1], ignore_index, "cross_entropy"):
                return SoftmaxCrossEntropy.apply(input, labels, reduction=reduction)
    return _class_loss(
        input.log_softmax(axis=axis), target, weight, ignore_index, reduction, label_smoothing,
        "cross_entropy", allow_probabilities=True,
    )  # fmt: skip


class SoftmaxCrossEntropy(Function):
    """−log softmax(x)[y] for logits (N, C) and integer labels (N,), forward and backward in one node.

    The common case of ``cross_entropy`` (no class weights, smoothing or ignored labels): its
    gradient is simply (softmax(x) − onehot(y)) scaled by the reduction, with no log-softmax graph.
    """

    def forward(self, logits: Any, labels: Any, reduction: str) -> Any:
        xp, backend = self.xp, self.backend
        self.reduction = reduction
        # Column by column, each row's reductions over its few classes run fast (see column_major);
        # every array below follows that layout.
        logits = backend.column_major(logits)
        shifted = logits - xp.max(logits, axis=1, keepdims=True)  # log-sum-exp, stable for 1e4
        exp = xp.exp(shifted)
        total = xp.sum(exp, axis=1, keepdims=True)
        classes = xp.arange(logits.shape[1], dtype=labels.dtype, **backend.creation_kwargs)
        hit = (classes[:, None] == labels).T  # one-hot rows, stored column by column
        self.hits = xp.astype(hit, logits.dtype)
        exp /= total  # in place: the softmax, kept for backward
        self.probs = exp
        # The label's shifted logit, picked by index rather than multiplied out: 0 · (−inf) of a
        # masked logit elsewhere in the row would be NaN.
        rows = xp.arange(logits.shape[0], **backend.creation_kwargs)
        picked = backend.getitem(shifted, (rows, labels))
        loss = xp.log(total[:, 0]) - picked
        if reduction == "none":
            return loss
        summed = xp.sum(loss)  # the mean as NumPy computes it (sum, then divide), minus its dispatch
        return summed / loss.shape[0] if reduction == "mean" else summed

    def backward(self, grad: Tensor) -> tuple[Tensor, None]:
        logits = self.inputs[0]
        count = logits.shape[0]
        if is_grad_enabled():  # create_graph: softmax rebuilt from Tensor ops, so it differentiates
            delta = logits.softmax(axis=1) - Tensor._wrap(self.hits, logits._backend)
            scale = grad.reshape(-1, 1) if self.reduction == "none" else grad
            return (delta * scale / count if self.reduction == "mean" else delta * scale), None
        g = grad._data
        delta = self.probs - self.hits
        if self.reduction == "none":
            delta *= g[:, None]
        else:
            delta *= g / count if self.reduction == "mean" else g
        return Tensor._wrap(delta, logits._backend), None


def linear_cross_entropy(
    input: Tensor,
    linear_weight: Tensor,
    target: Any,
    *,
    linear_bias: Tensor | None = None,
    weight: Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options: Any = None,
) -> Tensor:
    """PyTorch's ``F.linear_cross_entropy``: ``cross_entropy`` of the logits input · Wᵀ + b, its
    reference definition. ``linear_weight`` is (C, in) or (C, d1, ..., dK, in) for a K-dimensional
    loss (logits (N, C, d1, ..., dK)); ``ignore_index=None`` is -100 for class labels. ``options``
    only tunes how PyTorch chunks the computation, so it changes nothing here."""
    check_tensor(input, "linear_cross_entropy")
    check_tensor(linear_weight, "linear_cross_entropy")
    if input.ndim not in (1, 2):
        raise ShapeMismatchError(
            f"linear_cross_entropy: expected input with dimensionality 1 or 2, got {input.ndim}"
        )
    if linear_weight.ndim < 2:
        raise ShapeMismatchError(
            "linear_cross_entropy: expected linear_weight with dimensionality at least 2, got "
            f"{linear_weight.ndim}"
        )
    if input.shape[-1] != linear_weight.shape[-1]:
        raise ShapeMismatchError(
            "linear_cross_entropy: expected equal input and linear_weight last dimensions (in_features), "
            f"got {input.shape[-1]} and {linear_weight.shape[-1]}"
        )
    classes, out_features = linear_weight.shape[:-1], linear_weight.shape[1:-1]
    if linear_bias is not None and tuple(linear_bias.shape) != tuple(classes):
        raise ShapeMismatchError(
            f"linear_cross_entropy: expected linear_bias shape {tuple(classes)}, got "
            f"{tuple(linear_bias.shape)}"
        )
    if out_features and input.ndim == 1:
        raise ShapeMismatchError(
            f"linear_cross_entropy: the K-dimensional loss of a linear_weight of shape {linear_weight.shape} "
            f"needs a batched (N, {input.shape[-1]}) input, got shape {input.shape}"
        )
    flat_bias = None if linear_bias is None else linear_bias.reshape(-1)
    logits = linear(input, linear_weight.reshape(-1, input.shape[-1]), flat_bias)
    logits = logits.reshape(*input.shape[:-1], *classes)
    if isinstance(target, Tensor) and target.shape == logits.shape and ignore_index is not None:
        raise ValueOutOfRangeError(
            "linear_cross_entropy: ignore_index cannot be specified when target contains probabilities"
        )
    ignore_index = -100 if ignore_index is None else ignore_index
    return cross_entropy(
        logits,
        target,
        weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood -w_y log p_y, for log-probabilities (e.g. from ``log_softmax``)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _class_loss(
        input, target, weight, ignore_index, reduction, 0.0, "nll_loss", allow_probabilities=False
    )


# At the end: attention.py builds on the functions above (and nn.Linear, which imports this module).
from .attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: E402
from .ctc import ctc_loss  # noqa: E402
from .embedding_bag import embedding_bag  # noqa: E402
from .fold import fold, unfold  # noqa: E402
from .fractional_pool import (  # noqa: E402
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .grid_sample import affine_grid, grid_sample  # noqa: E402
from .losses import legacy_reduction, multi_margin_loss  # noqa: E402
from .rearrange import channel_shuffle, pixel_shuffle, pixel_unshuffle  # noqa: E402

native_channel_shuffle = channel_shuffle  # PyTorch's other name of the same function
from .resample import interpolate, pad, upsample, upsample_bilinear, upsample_nearest  # noqa: E402
