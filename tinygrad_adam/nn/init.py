"""Weight initialisation, in place, with PyTorch's names (``xavier_*`` = Glorot, ``kaiming_*`` = He).

Draws come from ``tg.rand`` / ``tg.randn`` on the tensor's device, so ``tg.manual_seed`` makes
them reproducible.

- Glorot & Bengio (2010): keep the variance of activations and gradients equal across layers,
  Var(W) = 2 / (fan_in + fan_out): U(-a, a) with a = gain √(6 / (fan_in + fan_out)), or
  N(0, gain² · 2 / (fan_in + fan_out)).
- He et al. (2015): ReLU zeroes half its inputs, so double the variance, Var(W) = 2 / fan_in:
  N(0, gain² / fan) with gain = √(2 / (1 + a²)) for a leaky ReLU of slope a, or U(-b, b) with
  b = gain √(3 / fan).
"""

from __future__ import annotations

import math

from ..autograd import no_grad
from ..tensor import Tensor, rand, randn

__all__ = [
    "calculate_gain",
    "constant_",
    "glorot_normal_",
    "glorot_uniform_",
    "he_normal_",
    "he_uniform_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain that keeps activations' variance steady through ``nonlinearity`` (PyTorch's table)."""
    if nonlinearity in ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel), as PyTorch counts them."""
    if tensor.ndim < 2:
        raise ValueError(
            f"fan in and fan out need a tensor with at least 2 dimensions, got shape {tensor.shape}"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fill(tensor: Tensor, values: Tensor) -> Tensor:
    with no_grad():
        return tensor.copy_(values)


def _uniform(tensor: Tensor, bound: float) -> Tensor:
    """U(-bound, bound) in the tensor's dtype, on its device."""
    return _fill(tensor, (rand(*tensor.shape, dtype=tensor.dtype, device=tensor.device) * 2 - 1) * bound)


def _normal(tensor: Tensor, std: float) -> Tensor:
    return _fill(tensor, randn(*tensor.shape, dtype=tensor.dtype, device=tensor.device) * std)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot uniform: U(-a, a), a = gain √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return _uniform(tensor, gain * math.sqrt(6.0 / (fan_in + fan_out)))


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot normal: N(0, σ²), σ = gain √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return _normal(tensor, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He uniform: U(-b, b), b = gain √(3 / fan); the defaults give gain √2 (a ReLU)."""
    return _uniform(tensor, math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity))


def kaiming_normal_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He normal: N(0, σ²), σ = gain / √fan; the defaults give σ = √(2 / fan_in) (a ReLU)."""
    return _normal(tensor, _kaiming_std(tensor, a, mode, nonlinearity))


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """U(a, b), as ``torch.nn.init.uniform_``."""
    if not a <= b:
        raise ValueError(f"uniform_: needs a <= b, got a={a!r}, b={b!r}")
    return _fill(tensor, rand(*tensor.shape, dtype=tensor.dtype, device=tensor.device) * (b - a) + a)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """N(mean, std²), as ``torch.nn.init.normal_``."""
    if not std >= 0:
        raise ValueError(f"normal_: std must be >= 0, got {std!r}")
    return _fill(tensor, randn(*tensor.shape, dtype=tensor.dtype, device=tensor.device) * std + mean)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Every entry ``val``."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    with no_grad():
        return tensor.zero_()


glorot_uniform_ = xavier_uniform_
glorot_normal_ = xavier_normal_
he_uniform_ = kaiming_uniform_
he_normal_ = kaiming_normal_
