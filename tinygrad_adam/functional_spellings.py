"""PyTorch's top-level spellings of ``nn.functional``: ``torch.conv2d``, ``torch.dropout(x, p, train)``,
``torch.layer_norm``, ``torch.kl_div``, ...

They take ATen's arguments, which differ from ``F``'s in places: ``dropout`` and friends need
``train``; ``embedding`` takes the weight first; ``batch_norm``/``instance_norm`` take weight and bias
before the running statistics; losses take ``reduction`` as ATen's integer (0 none, 1 mean, 2 sum);
``adaptive_max_pool1d`` always returns (values, indices). Loaded only when one is first used, so
``import tinygrad_adam`` stays fast; each delegates to ``tg.nn.functional``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .tensor import Tensor

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _functional() -> Any:
    from .nn import functional

    return functional


def _same_as_functional(name: str) -> Callable[..., Any]:
    """``torch.<name>``, whose arguments are ``F.<name>``'s."""

    def function(*args: Any, **kwargs: Any) -> Any:
        return getattr(_functional(), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``tg.{name}`` is ``tg.nn.functional.{name}`` (PyTorch's ``torch.{name}``)."
    return function


def _reduction(reduction: Any, op: str) -> str:
    """ATen's integer reduction as ``F``'s name (a name is taken as it is)."""
    if isinstance(reduction, str):
        return reduction
    if isinstance(reduction, bool) or reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 0 (none), 1 (mean) or 2 (sum), got {reduction!r}")
    return _REDUCTIONS[reduction]


def _pool_with_aten_stride(name: str) -> Callable[..., Any]:
    """``torch.<name>``: ``F.<name>``, whose ``stride`` may also be ATen's default ``[]`` (the kernel)."""

    def function(input: Tensor, kernel_size: Any, stride: Any = (), *args: Any, **kwargs: Any) -> Any:
        if isinstance(stride, (list, tuple)) and len(stride) == 0:
            stride = None
        return getattr(_functional(), name)(input, kernel_size, stride, *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``tg.{name}`` is ``F.{name}``; ATen's ``stride=[]`` means the kernel's."
    return function


conv1d = _same_as_functional("conv1d")
conv2d = _same_as_functional("conv2d")
conv3d = _same_as_functional("conv3d")
conv_transpose1d = _same_as_functional("conv_transpose1d")
conv_transpose2d = _same_as_functional("conv_transpose2d")
adaptive_avg_pool1d = _same_as_functional("adaptive_avg_pool1d")
cosine_similarity = _same_as_functional("cosine_similarity")
pairwise_distance = _same_as_functional("pairwise_distance")
prelu = _same_as_functional("prelu")
bilinear = _same_as_functional("bilinear")
hardshrink = _same_as_functional("hardshrink")
conv_transpose3d = _same_as_functional("conv_transpose3d")
pdist = _same_as_functional("pdist")
selu_ = _same_as_functional("selu_")
celu_ = _same_as_functional("celu_")
threshold_ = _same_as_functional("threshold_")


max_pool1d = _pool_with_aten_stride("max_pool1d")
max_pool2d = _pool_with_aten_stride("max_pool2d")
max_pool3d = _pool_with_aten_stride("max_pool3d")
max_pool1d_with_indices = _pool_with_aten_stride("max_pool1d_with_indices")
avg_pool1d = _pool_with_aten_stride("avg_pool1d")


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:
    """The adaptive max pooling and the positions of the maxima: a pair (``torch.adaptive_max_pool1d``)."""
    return _functional().adaptive_max_pool1d(input, output_size, return_indices=True)


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.dropout`` with ATen's required ``train`` flag."""
    return _functional().dropout(input, p, train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.alpha_dropout`` with ATen's required ``train`` flag."""
    return _functional().alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.feature_alpha_dropout`` with ATen's required ``train`` flag."""
    return _functional().feature_alpha_dropout(input, p, train)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout of whole channels (each entry of the dims after the first two shares one draw)."""
    if input.ndim < 2:
        raise RuntimeError(
            f"feature_dropout: expected a tensor of at least 2 dimensions, got shape {input.shape}"
        )
    functional = _functional()
    return functional.dropout1d(input, p, train) if input.ndim == 3 else functional.dropout2d(input, p, train)


def embedding(
    weight: Tensor,
    indices: Any,
    padding_idx: int = -1,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """The rows of ``weight`` at ``indices`` (ATen's order: the weight first; ``padding_idx=-1`` is none)."""
    padding = None if padding_idx == -1 else padding_idx
    return _functional().embedding(
        indices, weight, padding, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse
    )


def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
    cudnn_enable: bool = True,
) -> Tensor:
    """``F.layer_norm``; ``cudnn_enable`` is accepted and changes nothing here."""
    return _functional().layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
    cudnn_enabled: bool = True,
) -> Tensor:
    """``F.group_norm``; ``cudnn_enabled`` is accepted and changes nothing here."""
    return _functional().group_norm(input, num_groups, weight, bias, eps)


def rms_norm(
    input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None, eps: float | None = None
) -> Tensor:
    """``F.rms_norm`` under PyTorch's top-level name."""
    return _functional().rms_norm(input, normalized_shape, weight, eps)


def batch_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    training: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool = True,
) -> Tensor:
    """ATen's order: weight and bias before the running statistics (``F.batch_norm`` has them after)."""
    return _functional().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    use_input_stats: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool = True,
) -> Tensor:
    """ATen's order: weight and bias before the running statistics (``F.instance_norm`` has them after)."""
    return _functional().instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def selu(input: Tensor) -> Tensor:
    """``F.selu`` (the top-level name has no ``inplace``: ``tg.selu_`` writes into the input)."""
    return _functional().selu(input)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``F.celu`` (the top-level name has no ``inplace``: ``tg.celu_`` writes into the input)."""
    return _functional().celu(input, alpha)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    generator: Any = None,
) -> Tensor:
    """``F.rrelu``; a ``generator`` is refused: seed with ``tg.manual_seed``."""
    if generator is not None:
        raise TypeError("rrelu: generator= is not supported here; seed with tg.manual_seed")
    return _functional().rrelu(input, lower, upper, training)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """``F.threshold``: ``input`` where it is above ``threshold``, else ``value``."""
    return _functional().threshold(input, threshold, value)


def _in_place(name: str, compute: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """``torch.<name>_``: the activation written into ``input`` (recorded by autograd, as ``add_``)."""

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return input._in_place(f"{name}_", lambda t: compute(t, *args, **kwargs))

    function.__name__ = function.__qualname__ = f"{name}_"
    function.__doc__ = (
        f"``tg.{name}(input, ...)`` written into ``input`` in place (PyTorch's ``torch.{name}_``)."
    )
    return function


rrelu_ = _in_place("rrelu", rrelu)
dropout_ = _in_place("dropout", dropout)
alpha_dropout_ = _in_place("alpha_dropout", alpha_dropout)
feature_dropout_ = _in_place("feature_dropout", feature_dropout)
feature_alpha_dropout_ = _in_place("feature_alpha_dropout", feature_alpha_dropout)


def kl_div(input: Tensor, target: Tensor, reduction: Any = 1, *, log_target: bool = False) -> Tensor:
    """``F.kl_div`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    reduction = _reduction(reduction, "kl_div")
    return _functional().kl_div(input, target, reduction=reduction, log_target=log_target)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    pos_weight: Tensor | None = None,
    reduction: Any = 1,
) -> Tensor:
    """ATen's order: ``pos_weight`` before ``reduction`` (an integer)."""
    reduction = _reduction(reduction, "binary_cross_entropy_with_logits")
    return _functional().binary_cross_entropy_with_logits(
        input, target, weight, reduction=reduction, pos_weight=pos_weight
    )


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, reduction: Any = 1
) -> Tensor:
    """``F.cosine_embedding_loss`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return _functional().cosine_embedding_loss(
        input1, input2, target, margin, reduction=_reduction(reduction, "cosine_embedding_loss")
    )


def margin_ranking_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, reduction: Any = 1
) -> Tensor:
    """``F.margin_ranking_loss`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return _functional().margin_ranking_loss(
        input1, input2, target, margin, reduction=_reduction(reduction, "margin_ranking_loss")
    )


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, reduction: Any = 1) -> Tensor:
    """``F.hinge_embedding_loss`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    return _functional().hinge_embedding_loss(
        input, target, margin, reduction=_reduction(reduction, "hinge_embedding_loss")
    )


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: Any = 1,
) -> Tensor:
    """``F.triplet_margin_loss`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    reduction = _reduction(reduction, "triplet_margin_loss")
    return _functional().triplet_margin_loss(
        anchor, positive, negative, margin, p, eps, swap, reduction=reduction
    )


def poisson_nll_loss(
    input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float, reduction: Any
) -> Tensor:
    """``F.poisson_nll_loss`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    reduction = _reduction(reduction, "poisson_nll_loss")
    return _functional().poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=reduction)


def ctc_loss(
    log_probs: Tensor,
    targets: Any,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: Any = 1,
    zero_infinity: bool = False,
) -> Tensor:
    """``F.ctc_loss`` with ATen's integer ``reduction`` (0 none, 1 mean, 2 sum)."""
    reduction = _reduction(reduction, "ctc_loss")
    return _functional().ctc_loss(
        log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity
    )
