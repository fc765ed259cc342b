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

import numpy as np

from ..autograd import no_grad
from ..rng import Generator
from ..tensor import Tensor, rand, randn, where

__all__ = [
    "calculate_gain",
    "constant_",
    "dirac_",
    "eye_",
    "glorot_normal_",
    "glorot_uniform_",
    "he_normal_",
    "he_uniform_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "sparse_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain that keeps activations' variance steady through ``nonlinearity`` (PyTorch's table)."""
    if nonlinearity in ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d") or nonlinearity in (
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
    ):
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


def _draw(
    kind: str, shape: tuple[int, ...], dtype: np.dtype, device: str, generator: Generator | None
) -> Tensor:
    """U[0, 1) ("uniform") or N(0, 1) ("normal") draws: from the device generator that
    ``tg.manual_seed`` seeds, or, given PyTorch's ``generator=``, from that tg.Generator."""
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"nn.init: generator must be a tg.Generator, got {type(generator).__name__}")
    return (rand if kind == "uniform" else randn)(*shape, generator=generator, dtype=dtype, device=device)


def _uniform(tensor: Tensor, bound: float, generator: Generator | None = None) -> Tensor:
    """U(-bound, bound) in the tensor's dtype, on its device."""
    if tensor.size == 0:  # no fan to divide by, nothing to fill (PyTorch: a no-op with a warning)
        return tensor
    return _fill(
        tensor, (_draw("uniform", tensor.shape, tensor.dtype, tensor.device, generator) * 2 - 1) * bound
    )


def _normal(tensor: Tensor, std: float, generator: Generator | None = None) -> Tensor:
    return _fill(tensor, _draw("normal", tensor.shape, tensor.dtype, tensor.device, generator) * std)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot uniform: U(-a, a), a = gain √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return _uniform(
        tensor, gain * math.sqrt(6.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0, generator
    )


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot normal: N(0, σ²), σ = gain √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return _normal(tensor, gain * math.sqrt(2.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He uniform: U(-b, b), b = gain √(3 / fan); the defaults give gain √2 (a ReLU)."""
    return _uniform(tensor, math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity), generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He normal: N(0, σ²), σ = gain / √fan; the defaults give σ = √(2 / fan_in) (a ReLU)."""
    return _normal(tensor, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """U(a, b), as ``torch.nn.init.uniform_``."""
    if not a <= b:
        raise ValueError(f"uniform_: needs a <= b, got a={a!r}, b={b!r}")
    return _fill(tensor, _draw("uniform", tensor.shape, tensor.dtype, tensor.device, generator) * (b - a) + a)


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """N(mean, std²), as ``torch.nn.init.normal_``."""
    if not std >= 0:
        raise ValueError(f"normal_: std must be >= 0, got {std!r}")
    return _fill(tensor, _draw("normal", tensor.shape, tensor.dtype, tensor.device, generator) * std + mean)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Every entry ``val``."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    with no_grad():
        return tensor.zero_()


def _from_host(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Fill ``tensor`` with host ``values``, in its dtype and on its device."""
    return _fill(tensor, Tensor(values.astype(tensor.dtype), device=tensor.device))


def eye_(tensor: Tensor) -> Tensor:
    """The identity matrix in a 2-D tensor (ones on the diagonal), keeping the identity through
    linear layers, as ``torch.nn.init.eye_``."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tensor.shape}")
    return _from_host(tensor, np.eye(*tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """The Dirac delta in a convolution weight (out, in, *kernel) of 3 to 5 dimensions: a 1 at the
    kernel's centre from input channel d to output channel d of each group, so the layer passes its
    input through (as ``torch.nn.init.dirac_``)."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"dirac_: only 3-, 4- and 5-D tensors are supported, got shape {tensor.shape}")
    if groups <= 0 or tensor.shape[0] % groups:
        raise ValueError(f"dirac_: dim 0 ({tensor.shape[0]}) must be divisible by groups ({groups})")
    per_group = tensor.shape[0] // groups
    values = np.zeros(tensor.shape)
    centre = tuple(size // 2 for size in tensor.shape[2:])
    for group in range(groups):
        for channel in range(min(per_group, tensor.shape[1])):
            values[(group * per_group + channel, channel, *centre)] = 1.0
    return _from_host(tensor, values)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """A (semi-)orthogonal matrix, scaled by ``gain`` (Saxe et al., 2013), as PyTorch builds it: the
    Q of a QR factorisation of N(0, 1) draws shaped (rows, numel / rows), signs fixed by diag(R) so
    that Q is uniformly distributed; a tensor of more dimensions is filled through that view."""
    if tensor.ndim < 2:
        raise ValueError(
            f"orthogonal_: only tensors with 2 or more dimensions are supported, got {tensor.shape}"
        )
    if tensor.size == 0:
        return tensor
    rows = tensor.shape[0]
    columns = tensor.size // rows
    draws = _draw("normal", (rows, columns), np.dtype(np.float64), "cpu", generator).numpy()
    if rows < columns:
        draws = draws.T
    q, r = np.linalg.qr(draws)
    q *= np.sign(np.diag(r))
    if rows < columns:
        q = q.T
    return _from_host(tensor, gain * q.reshape(tensor.shape))


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Generator | None = None,
) -> Tensor:
    """N(mean, std²) restricted to [a, b] (``a`` and ``b`` are values, not multiples of std), as
    ``torch.nn.init.trunc_normal_``: drawn by rejection, from N(mean, std²) where [a, b] holds
    enough of its mass, else uniformly on [a, b], accepted with probability φ(x) / max φ on [a, b]."""
    if not a < b or not std > 0:
        raise ValueError(f"trunc_normal_: needs a < b and std > 0, got a={a}, b={b}, std={std}")
    low, high = (a - mean) / std, (b - mean) / std  # the interval in standard units
    mass = 0.5 * (math.erf(high / math.sqrt(2)) - math.erf(low / math.sqrt(2)))
    peak = 0.0 if low <= 0 <= high else min(abs(low), abs(high))  # where φ is largest on [low, high]
    shape, dtype, device = tensor.shape, tensor.dtype, tensor.device
    values = Tensor(np.zeros(shape, dtype), device=device)
    missing = Tensor(np.ones(shape, bool), device=device)
    for _ in range(10_000):
        if mass > 0.25:
            draws = _draw("normal", shape, dtype, device, generator)
            accept = (draws >= low) & (draws <= high)
        else:
            draws = _draw("uniform", shape, dtype, device, generator) * (high - low) + low
            ratio = ((peak * peak - draws * draws) * 0.5).exp()  # φ(x) / φ(peak)
            accept = _draw("uniform", shape, dtype, device, generator) < ratio
        take = missing & accept
        values = where(take, draws, values)
        missing = missing & ~accept
        if not missing.any().item():
            return _fill(tensor, (values * std + mean).clip(a, b))
    raise RuntimeError(f"trunc_normal_: [a, b] = [{a}, {b}] holds too little of N({mean}, {std}²) to sample")


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Generator | None = None) -> Tensor:
    """Martens (2010)'s sparse initialisation, as ``torch.nn.init.sparse_``: N(0, std²) draws, then
    in every column ⌈sparsity · rows⌉ entries, at rows chosen at random, set to 0."""
    if tensor.ndim != 2:
        raise ValueError(f"sparse_: only tensors with 2 dimensions are supported, got shape {tensor.shape}")
    rows = tensor.shape[0]
    # PyTorch zeroes randperm(rows)[:⌈sparsity · rows⌉]: a Python slice, so its count is the slice's
    zeros_per_column = len(range(rows)[: math.ceil(sparsity * rows)])
    values = _draw("normal", tensor.shape, tensor.dtype, tensor.device, generator) * std
    keys = _draw("uniform", tensor.shape, np.dtype("float64"), tensor.device, generator)
    place = keys.argsort(0).argsort(0)  # each entry's place in its column's random order of the rows
    return _fill(tensor, where(place < zeros_per_column, 0.0, values))


glorot_uniform_ = xavier_uniform_
glorot_normal_ = xavier_normal_
he_uniform_ = kaiming_uniform_
he_normal_ = kaiming_normal_
