"""Layers with parameters or modes: ``Dense`` and ``Linear`` (a ``Dense`` with PyTorch's init),
``Bilinear``, ``Embedding``, ``Dropout`` (and its channel and alpha variants), ``Flatten``,
``Unflatten``, ``Identity``; and the lazy layers (``LazyLinear``, ``LazyConv1d/2d/3d``,
``LazyConvTranspose1d/2d/3d``, ``LazyBatchNorm1d/2d/3d``, ``LazyInstanceNorm1d/2d/3d``) that read their
input size from the first call."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..tensor import DType, InvalidArgumentError, ShapeError, Tensor, randn, zeros
from . import functional as F
from . import init as initializers
from .activations import GELU, LeakyReLU, ReLU
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .module import Module, Parameter
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    _InstanceNorm,
)
from .parameter import UninitializedBuffer, UninitializedParameter, is_lazy

# Dense(activation="name") accepts these; "linear" (or None) means no activation.
ACTIVATIONS: dict[str, Callable[[Tensor], Tensor] | None] = {
    "linear": None,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "gelu": F.gelu,
    "elu": F.elu,
    "selu": F.selu,
    "silu": F.silu,
    "swish": F.silu,
    "softplus": F.softplus,
    "mish": F.mish,
    "hardtanh": F.hardtanh,
    "relu6": F.relu6,
    "softsign": F.softsign,
    "tanhshrink": F.tanhshrink,
    "softmax": F.softmax,
    "log_softmax": F.log_softmax,
}
RELU_FAMILY = ("relu", "leaky_relu", "gelu")

INITIALIZERS: dict[str, Callable[..., Tensor]] = {
    "glorot_uniform": initializers.xavier_uniform_,
    "glorot_normal": initializers.xavier_normal_,
    "xavier_uniform": initializers.xavier_uniform_,
    "xavier_normal": initializers.xavier_normal_,
    "he_uniform": initializers.kaiming_uniform_,
    "he_normal": initializers.kaiming_normal_,
    "kaiming_uniform": initializers.kaiming_uniform_,
    "kaiming_normal": initializers.kaiming_normal_,
    "zeros": initializers.zeros_,
}


class Dense(Module):
    """A fully connected layer, y = activation(x Wᵀ + b), as ``torch.nn.Linear`` plus an activation.

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,). ``activation`` is
    None, a name ("relu", "leaky_relu", "gelu", "sigmoid", "tanh", "softmax", "log_softmax",
    "linear") or any callable / Module.

    ``init`` picks the weight initialisation; the bias starts at zero. By default it follows the
    activation: He normal, N(0, 2/fan_in), for the ReLU family (relu, leaky_relu, gelu), whose
    units are off half the time (He et al., 2015); Glorot uniform, U(±√(6/(fan_in + fan_out))),
    otherwise (Glorot & Bengio, 2010). Names: "glorot_uniform", "glorot_normal", "he_uniform",
    "he_normal" (also the "xavier_" / "kaiming_" spellings) and "zeros"; or a callable that fills
    the weight in place, such as ``tg.nn.init.xavier_normal_``. He variants use the leaky ReLU's
    slope in their gain when the activation is a leaky ReLU.
    """

    _fewest_features = 1

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        activation: str | Callable[[Tensor], Tensor] | Module | None = None,
        init: str | Callable[[Tensor], Any] | None = None,
        dtype: DType | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, np.integer))
                or value < self._fewest_features
            ):
                kind = "positive" if self._fewest_features else "non-negative"
                raise InvalidArgumentError(  # PyTorch: a RuntimeError for a negative size
                    f"{type(self).__name__}: {name} must be a {kind} integer, got {value!r}"
                )
        self.in_features, self.out_features = int(in_features), int(out_features)
        self._activation_name, function = _resolve_activation(activation)
        if isinstance(function, Module):
            self.activation = function  # registered: its repr and any parameters show up
        object.__setattr__(self, "_activation", function)  # the callable forward uses, unregistered
        # Shape (out, in) as in PyTorch, stored as the transpose of an (in, out) buffer: the layer's
        # three products (x Wᵀ, gᵀ x and g W) are then the ones BLAS runs fastest (ops.Linear).
        buffer = zeros(self.in_features, self.out_features, dtype=dtype, device=device)
        self.weight = Parameter(buffer.T)
        if bias:
            self.bias = Parameter(zeros(self.out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self._init_name = self._initialise(init)

    def _initialise(self, init: str | Callable[[Tensor], Any] | None) -> str:
        """Fill the weight; returns the name of the scheme used (for the repr)."""
        if callable(init):
            init(self.weight)
            return getattr(init, "__name__", type(init).__name__)
        relu_family = self._activation_name in RELU_FAMILY
        name = init if init is not None else ("he_normal" if relu_family else "glorot_uniform")
        if name not in INITIALIZERS:
            raise ValueError(
                f"Dense: unknown init {name!r}; choose one of {sorted(INITIALIZERS)} or pass a callable"
            )
        function = INITIALIZERS[name]
        if function in (initializers.kaiming_uniform_, initializers.kaiming_normal_):
            if self._activation_name == "leaky_relu":
                slope = getattr(self._activation, "negative_slope", 0.01)
                function(self.weight, a=slope, nonlinearity="leaky_relu")
            else:
                function(self.weight, nonlinearity="relu")
        else:
            function(self.weight)
        return name

    def forward(self, x: Tensor) -> Tensor:
        if not (isinstance(x, Tensor) and x._data.shape[-1:] == (self.in_features,)):  # else, as usual
            x = self._checked_input(x)
        fused_relu = self._activation is F.relu  # ReLU runs inside the fused linear node
        try:
            out = F.linear(x, self.weight, self.bias, relu=fused_relu)
        except TypeError as error:  # PyTorch's matmul refuses mixed dtypes with a RuntimeError
            raise F.DtypeMismatchError(f"{self._short_name()}: {error}") from error
        return out if self._activation is None or fused_relu else self._activation(out)

    def _checked_input(self, x: Any) -> Tensor:
        """``x`` as a tensor this layer takes, or an error that names what does not fit."""
        if isinstance(x, (list, tuple)):  # nested lists of numbers, as F.linear takes them
            x = Tensor(x, dtype=self.weight.dtype, device=self.weight.device)
        elif not isinstance(x, Tensor) and not hasattr(x, "shape"):
            kind = type(x).__name__
            raise TypeError(f"{self._short_name()}: the input must be a Tensor or an array, got {kind}")
        if x.shape[-1:] != (self.in_features,):
            raise F.ShapeMismatchError(
                f"{self._short_name()}: input of shape {tuple(x.shape)} has last dimension "
                f"{x.shape[-1] if x.ndim else 'none'}, but this layer expects {self.in_features} features"
            )
        return x

    def _short_name(self) -> str:
        return f"{type(self).__name__}(in_features={self.in_features}, out_features={self.out_features})"

    def extra_repr(self) -> str:
        text = (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )
        if self._activation is not None and not isinstance(self._activation, Module):
            text += f", activation={self._activation_name!r}"
        return text + f", init={self._init_name!r}"


class Linear(Dense):
    """``torch.nn.Linear``: y = x Wᵀ + b, a ``Dense`` that starts as PyTorch's layer does.

    W and b are drawn from U(−1/√in_features, 1/√in_features), PyTorch's rule (``kaiming_uniform_``
    with a = √5 for W, the same bound for b), so a model of ``Linear`` layers starts from the same
    distribution as its PyTorch twin and prints the same repr. The arguments are PyTorch's, in its
    order; ``activation`` and ``init`` (keywords) work as in ``Dense``, and an ``init`` leaves the
    bias at zero, as ``Dense`` does.
    """

    _fewest_features = 0  # PyTorch's Linear allows empty layers (AdaptiveLogSoftmaxWithLoss makes them)

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
        *,
        activation: str | Callable[[Tensor], Tensor] | Module | None = None,
        init: str | Callable[[Tensor], Any] | None = None,
    ) -> None:
        super().__init__(in_features, out_features, bias, activation, init, dtype, device)

    def _initialise(self, init: str | Callable[[Tensor], Any] | None) -> str:
        if init is not None:
            return super()._initialise(init)
        bound = 1 / math.sqrt(self.in_features) if self.in_features else 0.0
        initializers.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            initializers.uniform_(self.bias, -bound, bound)
        return PYTORCH_INIT

    def extra_repr(self) -> str:
        if self._init_name == PYTORCH_INIT and self._activation is None:
            bias = self.bias is not None
            return f"in_features={self.in_features}, out_features={self.out_features}, bias={bias}"
        return super().extra_repr()


PYTORCH_INIT = "pytorch"  # Linear's default scheme: W and b from U(±1/√in_features)


def _resolve_activation(activation: Any) -> tuple[str | None, Any]:
    """(a name for the init rule and repr, the callable); names are looked up in ACTIVATIONS."""
    if activation is None:
        return None, None
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
        return activation, ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"activation must be a name, a callable or a Module, got {type(activation).__name__}")
    known = {ReLU: "relu", LeakyReLU: "leaky_relu", GELU: "gelu"}
    for cls, name in known.items():
        if type(activation) is cls:
            return name, activation
    for name, function in ACTIVATIONS.items():
        if function is activation:
            return name, activation
    return getattr(activation, "__name__", type(activation).__name__), activation


class Bilinear(Module):
    """``torch.nn.Bilinear``: y = x1ᵀ A x2 + b, one matrix A per output feature (``F.bilinear``).

    ``weight`` (out_features, in1_features, in2_features) and ``bias`` (out_features,) start as
    PyTorch's, from U(−1/√in1_features, 1/√in1_features).
    """

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        sizes = {"in1_features": in1_features, "in2_features": in2_features, "out_features": out_features}
        for name, value in sizes.items():
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"Bilinear: {name} must be a positive integer, got {value!r}")
        self.in1_features, self.in2_features = int(in1_features), int(in2_features)
        self.out_features = int(out_features)
        shape = (self.out_features, self.in1_features, self.in2_features)
        self.weight = Parameter(zeros(*shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(zeros(self.out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.in1_features)
        initializers.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            initializers.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability p and scale the rest by 1/(1-p).

    In ``eval()`` it is the identity; p = 1 gives zeros. Masks come from ``tg.rand`` (reproducible
    under ``tg.manual_seed``). ``inplace`` as in ``F.dropout``.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = F.check_probability(p, type(self).__name__)
        self.inplace = bool(inplace)

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """Channel dropout of (N, C, L) or (C, L) inputs: ``F.dropout1d``, whole channels zeroed."""

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout1d(x, self.p, self.training, self.inplace)


class Dropout2d(Dropout):
    """Channel dropout of (N, C, H, W) inputs (Tompson et al., 2015): ``F.dropout2d``, each feature
    map zeroed whole with probability p and the rest scaled by 1/(1-p); the identity in ``eval()``."""

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout2d(x, self.p, self.training, self.inplace)


class Dropout3d(Dropout):
    """Channel dropout of (N, C, D, H, W) or (C, D, H, W) inputs: ``F.dropout3d``."""

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout3d(x, self.p, self.training, self.inplace)


class AlphaDropout(Dropout):
    """Dropout that keeps a SELU network self-normalising (Klambauer et al., 2017): in training, each
    element is set with probability p to SELU's negative saturation value and an affine map keeps
    mean 0 and variance 1 (``F.alpha_dropout``); the identity in ``eval()``."""

    def forward(self, x: Tensor) -> Tensor:
        return F.alpha_dropout(x, self.p, self.training, self.inplace)


class FeatureAlphaDropout(Dropout):
    """``AlphaDropout`` of whole channels of an (N, C, ...) input (``F.feature_alpha_dropout``)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.feature_alpha_dropout(x, self.p, self.training, self.inplace)


class Flatten(Module):
    """Merge the axes ``start_dim`` .. ``end_dim`` into one (by default all but the batch axis)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size`` (one entry may be -1), the inverse of ``Flatten``."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        sizes = tuple(unflattened_size)
        if not sizes or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in sizes):
            raise TypeError(
                f"Unflatten: unflattened_size must be a sequence of ints, got {unflattened_size!r}"
            )
        if sum(n == -1 for n in sizes) > 1 or any(n < -1 for n in sizes):
            raise ValueError(f"Unflatten: unflattened_size may hold one -1 and sizes >= 0, got {sizes}")
        self.dim, self.unflattened_size = dim, sizes

    def forward(self, x: Tensor) -> Tensor:
        axis = self.dim + x.ndim if self.dim < 0 else self.dim
        if not 0 <= axis < x.ndim:
            raise ValueError(f"Unflatten: dim {self.dim} is out of range for an input of shape {x.shape}")
        sizes, length = list(self.unflattened_size), x.shape[axis]
        known = math.prod(n for n in sizes if n != -1)
        if -1 in sizes and known and length % known == 0:
            sizes[sizes.index(-1)] = length // known
        if math.prod(sizes) != length or -1 in sizes:
            raise F.ShapeMismatchError(
                f"Unflatten: unflattened_size {self.unflattened_size} does not fit dimension {self.dim} "
                f"of size {length} (input shape {x.shape})"
            )
        return x.reshape(*x.shape[:axis], *sizes, *x.shape[axis + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Embedding(Module):
    """A lookup table: integer indices of any shape → rows of ``weight`` (num_embeddings, embedding_dim).

    ``weight`` starts as N(0, 1) draws, as in PyTorch; the row at ``padding_idx`` (if given) starts
    at zero and never receives a gradient, so it stays a fixed "no token" vector. Repeated indices
    accumulate their gradients. ``max_norm``, ``norm_type`` and ``scale_grad_by_freq`` work as in
    ``torch.nn.Embedding`` (see ``F.embedding``); ``Embedding.from_pretrained`` wraps a given table.
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
        device: str | None = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"Embedding: {name} must be a positive integer, got {value!r}")
        F.check_embedding_options(max_norm, norm_type, sparse, "Embedding")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = F.check_padding_idx(padding_idx, self.num_embeddings, "Embedding")
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = bool(scale_grad_by_freq), False
        if _weight is not None:  # PyTorch's given table: shared as it is (padding row kept), frozen if asked
            if tuple(_weight.shape) != (self.num_embeddings, self.embedding_dim):
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)
            return
        self.weight = Parameter(randn(self.num_embeddings, self.embedding_dim, dtype=dtype, device=device))
        self.weight.requires_grad_(not _freeze)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose table is a copy of the 2-D float tensor ``embeddings`` (its dtype and
        device), frozen unless ``freeze=False``; its ``padding_idx`` row is kept as given."""
        if not isinstance(embeddings, Tensor):
            embeddings = Tensor(np.asarray(embeddings))
        if embeddings.ndim != 2 or embeddings.dtype.kind != "f":
            raise ValueError(
                "Embedding.from_pretrained: embeddings must be a 2-D float tensor (num_embeddings, "
                f"embedding_dim), got shape {embeddings.shape} and dtype {embeddings.dtype}"
            )
        rows, dim = embeddings.shape
        layer = cls(rows, dim, None, max_norm, norm_type, scale_grad_by_freq, sparse,
                    dtype=embeddings.dtype, device=embeddings.device)  # fmt: skip
        layer.padding_idx = F.check_padding_idx(padding_idx, rows, "Embedding.from_pretrained")
        with no_grad():
            layer.weight.copy_(embeddings)
        layer.weight.requires_grad_(not freeze)
        return layer

    def forward(self, indices: Tensor) -> Tensor:
        return F.embedding(
            indices, self.weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq
        )

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
            text += f", norm_type={self.norm_type}" if self.norm_type != 2 else ""
        return text + (", scale_grad_by_freq=True" if self.scale_grad_by_freq else "")


class Identity(Module):
    """Returns its input unchanged; arguments are accepted and ignored, as in PyTorch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class CosineSimilarity(Module):
    """x1·x2 / (max(‖x1‖, ε) max(‖x2‖, ε)) along ``dim`` (see ``F.cosine_similarity``)."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """‖x1 − x2 + ε‖_p over the last axis (see ``F.pairwise_distance``)."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


def _materialize_from_state(
    module: Module,
    state_dict: dict[str, Any],
    prefix: str,
    local_metadata: Any,
    strict: bool,
    missing_keys: list[str],
    unexpected_keys: list[str],
    error_msgs: list[str],
) -> None:
    """The load pre-hook of every lazy module (PyTorch's ``_lazy_load_hook``): placeholders the state
    has values for take the values' shapes, so a lazy layer inside a model loads like an eager one;
    once none is left the module becomes ``cls_to_become``. Shapes this layer cannot take (another
    ``out_features``, say) are an error instead of a broken layer."""
    if not isinstance(module, LazyModuleMixin):
        return
    shapes = {}
    for name, tensor in [*module._parameters.items(), *module._buffers.items()]:
        value = state_dict.get(prefix + name)
        if is_lazy(tensor) and hasattr(value, "shape") and not is_lazy(value):
            shapes[name] = tuple(value.shape)
    if not shapes:
        return
    if not module._fits(shapes):
        found = ", ".join(f"{prefix}{name!r} of shape {shape}" for name, shape in shapes.items())
        error_msgs.append(f"{module._short_name()} cannot take {found} from the state")
        return
    for name, shape in shapes.items():
        (module._parameters if name in module._parameters else module._buffers)[name].materialize(shape)
    if not module.has_uninitialized_params():
        module._set_sizes_from_state()
        _become_eager(module)


def _become_eager(module: Module) -> None:
    """Turn a lazy module into ``cls_to_become`` and drop its load hook, as PyTorch does."""
    hooks = module.__dict__.get("_load_state_dict_pre_hooks", {})
    for key in [key for key, (hook, _) in hooks.items() if hook is _materialize_from_state]:
        del hooks[key]
    module.__class__ = module.cls_to_become


class LazyModuleMixin:
    """What lazy layers share (``torch.nn.modules.lazy.LazyModuleMixin``): parameters (and buffers)
    stay ``UninitializedParameter``/``UninitializedBuffer`` until the first call, which reads the
    input size, materializes and initialises them, and turns the module into ``cls_to_become``
    (``LazyLinear`` → ``Linear``). ``load_state_dict``, of the layer or of a model holding it,
    materializes them with the state's shapes instead."""

    cls_to_become: type

    def _register_lazy_load_hook(self) -> None:
        self.register_load_state_dict_pre_hook(_materialize_from_state)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.has_uninitialized_params():
            with no_grad():
                self.initialize_parameters(*args, **kwargs)
        _become_eager(self)
        return Module.__call__(self, *args, **kwargs)

    def has_uninitialized_params(self) -> bool:
        return any(is_lazy(t) for t in [*self._parameters.values(), *self._buffers.values()])

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def _fits(self, shapes: dict[str, tuple[int, ...]]) -> bool:
        """Whether this layer can take tensors of these shapes (by name) from a state dict."""
        raise NotImplementedError

    def _set_sizes_from_state(self) -> None:
        """Read the inferred size back from the materialized tensors."""
        raise NotImplementedError


class LazyLinear(LazyModuleMixin, Linear):
    """``torch.nn.LazyLinear``: a ``Linear`` whose ``in_features`` is the last size of its first input.

    Until then ``weight`` and ``bias`` are ``UninitializedParameter`` (no shape: reading it raises
    ``RuntimeError``, as PyTorch); the first call initialises them as ``Linear`` does and the module
    becomes a ``Linear``. An optimizer built before keeps working: the same parameter objects get data.
    """

    cls_to_become = Linear

    def __init__(
        self, out_features: int, bias: bool = True, device: str | None = None, dtype: DType | None = None
    ) -> None:
        Module.__init__(self)
        if (
            isinstance(out_features, bool)
            or not isinstance(out_features, (int, np.integer))
            or out_features < 1
        ):
            raise ValueError(f"LazyLinear: out_features must be a positive integer, got {out_features!r}")
        self.in_features, self.out_features = 0, int(out_features)
        self._activation_name, self._init_name = None, PYTORCH_INIT
        object.__setattr__(self, "_activation", None)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self._register_lazy_load_hook()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        if not isinstance(input, Tensor) or input.ndim == 0:
            raise ValueError(
                f"LazyLinear: the first input must be a tensor of 1 or more dimensions, got {input!r}"
            )
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self._initialise(None)

    def _set_sizes_from_state(self) -> None:
        self.in_features = self.weight.shape[1]

    def _fits(self, shapes: dict[str, tuple[int, ...]]) -> bool:
        return all(
            shape[:1] == (self.out_features,) and len(shape) == (2 if name == "weight" else 1)
            for name, shape in shapes.items()
        )


class _LazyConvMixin(LazyModuleMixin):
    """``in_channels`` from the first input's channel axis (axis 1, or 0 for an unbatched input);
    for a transposed convolution the weight is (in, out/groups, k...), so it is read from axis 0."""

    def _make_lazy(self, device: str | None, dtype: DType | None) -> None:
        """Replace the parameters the convolution made by placeholders."""
        self.in_channels = 0
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if self.bias is not None:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._register_lazy_load_hook()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        dims, name = self.spatial_dims, type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: the input must be a Tensor, got {type(input).__name__}")
        if input.ndim not in (dims + 1, dims + 2):
            raise ShapeError(
                f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, "
                f"but got input of size: {tuple(input.shape)}"
            )
        self.in_channels = input.shape[1] if input.ndim == dims + 2 else input.shape[0]
        if self.in_channels % self.groups:
            raise ValueError(
                f"{type(self).__name__}: in_channels {self.in_channels} (from the input) must be divisible "
                f"by groups {self.groups}"
            )
        self.weight.materialize(self._weight_shape())
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()

    def _set_sizes_from_state(self) -> None:
        self.in_channels = self.weight.shape[0] if self.transposed else self.weight.shape[1] * self.groups

    def _fits(self, shapes: dict[str, tuple[int, ...]]) -> bool:
        if "bias" in shapes and shapes["bias"] != (self.out_channels,):
            return False
        weight = shapes.get("weight")
        if weight is None or len(weight) != self.spatial_dims + 2 or weight[2:] != self.kernel_size:
            return weight is None
        if self.transposed:
            return weight[1] * self.groups == self.out_channels and weight[0] % self.groups == 0
        return weight[0] == self.out_channels

    def _short_name(self) -> str:
        return f"{type(self).__name__}(out_channels={self.out_channels})"


def _lazy_class(eager: type, mixin: type, init: Callable[..., None], inferred: str) -> type:
    """``Lazy<eager>``: ``eager`` behind ``mixin``, built by ``init`` (``eager``'s arguments without
    ``inferred``), becoming ``eager`` once ``inferred`` is read from the first input."""
    name = eager.__name__
    doc = f"``torch.nn.Lazy{name}``: a ``{name}`` whose ``{inferred}`` is read from its first input."
    namespace = {"__init__": init, "cls_to_become": eager, "__doc__": doc}
    return type(f"Lazy{name}", (mixin, eager), namespace)


def _lazy_conv(conv: type) -> type:
    """``Lazy<conv>``: ``conv``'s arguments without ``in_channels`` (PyTorch's signature, so positional
    ``device``/``dtype`` land where they do in PyTorch)."""
    eager = inspect.signature(conv.__init__)
    signature = eager.replace(parameters=[p for p in eager.parameters.values() if p.name != "in_channels"])

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        options = {name: value for name, value in bound.arguments.items() if name != "self"}
        # a placeholder in_channels that groups divides, until the first input gives the real one
        conv.__init__(self, options["groups"], **options)
        self._make_lazy(options["device"], options["dtype"])

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    return _lazy_class(conv, _LazyConvMixin, __init__, "in_channels")


LazyConv1d = _lazy_conv(Conv1d)
LazyConv2d = _lazy_conv(Conv2d)
LazyConv3d = _lazy_conv(Conv3d)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv(ConvTranspose3d)


class _LazyNormMixin(LazyModuleMixin):
    """``num_features`` from the first input's channel axis: γ, β (when ``affine``) and the running
    mean and variance (when ``track_running_stats``) wait as placeholders until then, and start at
    PyTorch's values (ones, zeros, zeros, ones). Unlike PyTorch, the channel count is read even when
    the layer has nothing to materialize, and from axis 0 of an unbatched instance-norm input."""

    def _make_lazy(self, device: str | None, dtype: DType | None) -> None:
        self.num_features = 0
        for name in ("weight", "bias"):
            if self._parameters.get(name) is not None:
                setattr(self, name, UninitializedParameter(device=device, dtype=dtype))
        for name in ("running_mean", "running_var"):
            if self._buffers.get(name) is not None:
                setattr(self, name, UninitializedBuffer(device=device, dtype=dtype))
        self._register_lazy_load_hook()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.num_features == 0 and not self.has_uninitialized_params():  # nothing to materialize
            self.initialize_parameters(*args, **kwargs)
        return LazyModuleMixin.__call__(self, *args, **kwargs)

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        if isinstance(self, _InstanceNorm):
            dims, function = (self.spatial_dims + 1, self.spatial_dims + 2), "instance_norm"
        else:
            dims, function = self.input_dims, "batch_norm"
        self._check_input(input, dims, function)
        channel_axis = input.ndim - self.spatial_dims - 1 if function == "instance_norm" else 1
        self.num_features = input.shape[channel_axis]
        for tensor in [*self._parameters.values(), *self._buffers.values()]:
            if is_lazy(tensor):
                tensor.materialize((self.num_features,))
        self.reset_parameters()

    def _set_sizes_from_state(self) -> None:
        tensors = [t for t in (self.weight, self.bias, self.running_mean) if t is not None]
        self.num_features = tensors[0].shape[0]

    def _fits(self, shapes: dict[str, tuple[int, ...]]) -> bool:
        return len(set(shapes.values())) == 1 and len(next(iter(shapes.values()))) == 1

    def _short_name(self) -> str:
        return f"{type(self).__name__}()"


def _lazy_norm(norm: type) -> type:
    """``Lazy<norm>``: ``norm``'s arguments without ``num_features``. ``affine`` and
    ``track_running_stats`` default to True for all of them, instance norms included, as PyTorch's
    code has it (its documentation says False for the instance norms)."""

    def __init__(
        self: Any,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: str | None = None,
        dtype: DType | None = None,
        *,
        bias: bool = True,
    ) -> None:
        norm.__init__(self, 1, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self._make_lazy(device, dtype)

    return _lazy_class(norm, _LazyNormMixin, __init__, "num_features")


LazyBatchNorm1d = _lazy_norm(BatchNorm1d)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d)
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d)
