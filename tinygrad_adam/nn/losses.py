"""Loss functions as modules, ``loss = criterion(prediction, target)``; the maths is in ``functional``.

Class weights and ``pos_weight`` are buffers (so ``to(device)`` moves them and ``state_dict``
holds them, as in PyTorch).

Where we differ from PyTorch on purpose:
- a target must have the input's shape (class labels: the input's shape without the class axis);
  PyTorch broadcasts a mismatched target with only a warning, which hides bugs such as (N, 1)
  predictions against (N,) targets, so here it is a ValueError naming both shapes;
- a target is converted to the input's dtype (PyTorch promotes a float32 input with a float64
  target to a float64 loss); a weight of another float dtype is refused;
- ``repr`` shows the settings, ``MSELoss(reduction='mean')`` (PyTorch prints ``MSELoss()``);
- ``kl_div`` counts 0 · log 0 as 0 even where PyTorch's gradient is NaN, and the binary
  cross-entropy's gradient in the target is that of the floored logs (PyTorch: ±inf at p = 0 or 1).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

from ..tensor import Tensor
from . import functional as F
from .layers import Linear, PairwiseDistance
from .module import Module


def legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """PyTorch's deprecated ``size_average``/``reduce`` as a ``reduction``, as its
    ``_Reduction.legacy_get_string``: either given (not None) overrides ``reduction``, with its warning."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    legacy = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{legacy}' instead.",
        stacklevel=3,
    )
    return legacy


class _Loss(Module):
    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__()
        self.reduction = F.check_reduction(legacy_reduction(size_average, reduce, reduction))

    def _register_weight(self, name: str, weight: Tensor | None) -> None:
        """Register a class weight or ``pos_weight`` as a buffer; it must be a Tensor, as in PyTorch."""
        if weight is not None and not isinstance(weight, Tensor):
            raise TypeError(
                f"{type(self).__name__}: {name} must be a Tensor (e.g. tg.tensor([...])) or None, "
                f"got {type(weight).__name__}"
            )
        self.register_buffer(name, weight)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error, (input - target)²."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, |input - target|."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """|input - target| - β/2, quadratic (d²/2β) where the error is below ``beta``; β = 0 is L1."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = F.check_threshold(beta, "beta", "SmoothL1Loss", allow_zero=True)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, beta={self.beta}"


class HuberLoss(_Loss):
    """δ·(|input - target| - δ/2), quadratic (d²/2) where the error is below ``delta``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = F.check_threshold(delta, "delta", "HuberLoss", allow_zero=False)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, delta={self.delta}"


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities (e.g. after a sigmoid), logs floored at -100."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self._register_weight("weight", weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits, a sigmoid and BCE in one stable formula."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self._register_weight("weight", weight)
        self._register_weight("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class NLLLoss(_Loss):
    """Negative log-likelihood of class labels, for log-probabilities (pair with ``LogSoftmax``)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self._register_weight("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )

    def extra_repr(self) -> str:
        return f"ignore_index={self.ignore_index}, reduction={self.reduction!r}"


class NLLLoss2d(NLLLoss):
    """``torch.nn.NLLLoss2d``, PyTorch's deprecated name of ``NLLLoss`` (it warns, as PyTorch's does)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        warnings.warn(
            "`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits against class labels or class probabilities (see ``F.cross_entropy``)."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise F.ValueOutOfRangeError(
                f"CrossEntropyLoss: label_smoothing must lie in [0, 1], got {label_smoothing!r}"
            )
        self._register_weight("weight", weight)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )

    def extra_repr(self) -> str:
        text = f"ignore_index={self.ignore_index}, reduction={self.reduction!r}"
        return text + (f", label_smoothing={self.label_smoothing}" if self.label_smoothing else "")


class KLDivLoss(Module):
    """Kullback-Leibler divergence for log-probability inputs (see ``F.kl_div``); PyTorch's default
    ``reduction='mean'`` averages over every element: ``'batchmean'`` is the divergence per sample."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        super().__init__()
        self.reduction = F.check_kl_div_reduction(legacy_reduction(size_average, reduce, reduction))
        self.log_target = log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, log_target={self.log_target}"


class MarginRankingLoss(_Loss):
    """max(0, −y (x1 − x2) + margin): ``loss = criterion(x1, x2, y)`` with y = ±1."""

    def __init__(
        self,
        margin: float = 0.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, self.margin, reduction=self.reduction)

    def extra_repr(self) -> str:
        return f"margin={self.margin}, reduction={self.reduction!r}"


class HingeEmbeddingLoss(MarginRankingLoss):
    """x where y = 1, max(0, margin − x) where y = −1 (see ``F.hinge_embedding_loss``)."""

    def __init__(
        self,
        margin: float = 1.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Any) -> Tensor:  # type: ignore[override]
        return F.hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + e^(−y x)) for labels y = ±1."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class CosineEmbeddingLoss(MarginRankingLoss):
    """1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1, per row."""

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(d(a, p) − d(a, n) + margin, 0) with the p-norm distance (see ``F.triplet_margin_loss``)."""

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: margin must be greater than 0, got {margin}")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(
            anchor, positive, negative, self.margin, self.p, self.eps, self.swap, reduction=self.reduction
        )

    def extra_repr(self) -> str:
        settings = f"margin={self.margin}, p={self.p}, eps={self.eps}, swap={self.swap}"
        return f"{settings}, reduction={self.reduction!r}"


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood of counts (see ``F.poisson_nll_loss``)."""

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average: bool | None = None,
        eps: float = 1e-8,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Any) -> Tensor:
        return F.poisson_nll_loss(
            log_input, target, self.log_input, self.full, eps=self.eps, reduction=self.reduction
        )

    def extra_repr(self) -> str:
        return f"log_input={self.log_input}, full={self.full}, eps={self.eps}, reduction={self.reduction!r}"


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood, ``criterion(mean, target, var)`` (see ``F.gaussian_nll_loss``)."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Any, var: Any) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)

    def extra_repr(self) -> str:
        return f"full={self.full}, eps={self.eps}, reduction={self.reduction!r}"


class MultiLabelSoftMarginLoss(_Loss):
    """Per-class binary cross-entropy of logits, averaged over the classes (see
    ``F.multilabel_soft_margin_loss``); ``weight`` (one per class) is a buffer."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self._register_weight("weight", weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-class multi-label hinge loss (see ``F.multilabel_margin_loss``): each target class, listed
    before the row's first -1, should score at least 1 above every other class."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """max(d(a, p) − d(a, n) + margin, 0) with any distance d, by default ``PairwiseDistance()`` (see
    ``F.triplet_margin_with_distance_loss``); a distance that is a Module is registered as a child."""

    def __init__(
        self,
        *,
        distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
        margin: float = 1.0,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: margin must be greater than 0, got {margin}")
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function, margin=self.margin,
            swap=self.swap, reduction=self.reduction,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"margin={self.margin}, swap={self.swap}, reduction={self.reduction!r}"


class MarginLabelOutOfRangeError(F.LabelOutOfRangeError, RuntimeError):
    """A label outside [0, C) for ``multi_margin_loss``: our IndexError and ValueError, and the
    RuntimeError PyTorch raises for it."""


def multi_margin_loss(
    input: Tensor,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """PyTorch's multi-class hinge loss of scores x (N, C) or (C,) against labels y:
    Σ_{i ≠ y} w_y · max(0, margin − x_y + x_i)^p / C per sample (p = 1 or 2)."""
    reduction = F.check_reduction(legacy_reduction(size_average, reduce, reduction))
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 supported, got {p!r}")
    if F.check_tensor(input, "multi_margin_loss").dtype.kind != "f":
        raise TypeError(f"multi_margin_loss: the input must be a floating-point tensor, got {input.dtype}")
    if input.ndim not in (1, 2) or input.shape[-1] == 0:
        raise ValueError(f"multi_margin_loss: the input must have shape (N, C) or (C,), got {input.shape}")
    labels = target if isinstance(target, Tensor) else Tensor(target, device=input.device)
    if labels.dtype.kind not in "iu":
        raise F.DtypeMismatchError(
            f"multi_margin_loss: class labels must be integers, got dtype {labels.dtype}"
        )
    expected = input.shape[:1] if input.ndim == 2 else ()
    if labels.shape != expected:
        raise F.ShapeMismatchError(
            f"multi_margin_loss: for an input of shape {input.shape}, labels need shape {expected}, "
            f"got {labels.shape}"
        )
    scores, labels = input.reshape(-1, input.shape[-1]), labels.reshape(-1)
    num_classes = scores.shape[1]
    try:
        F._check_labels(labels, num_classes, None, "multi_margin_loss")
    except F.LabelOutOfRangeError as error:  # PyTorch raises "target out of range" as a RuntimeError here
        raise MarginLabelOutOfRangeError(str(error)) from None
    chosen = scores.gather(1, labels.unsqueeze(1))  # x_y, (N, 1)
    gap = margin - chosen + scores
    hinge = F.where(gap > 0, gap, 0.0)  # PyTorch's "if z > 0": gradient 0 at z = 0, a NaN z adds nothing
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        if weight.shape != (num_classes,):
            raise F.ShapeMismatchError(
                f"multi_margin_loss: weight must have shape ({num_classes},), got {weight.shape}"
            )
        hinge = hinge * weight[labels].unsqueeze(1)
    others = F.one_hot(labels, num_classes) == 0  # leave i = y out (masked, so x_y = inf adds no inf · 0)
    loss = F.where(others, hinge, 0.0).sum(dim=1) / num_classes
    return F._reduce(loss if input.ndim == 2 else loss.reshape(()), reduction)


class MultiMarginLoss(_Loss):
    """Multi-class hinge (SVM) loss on class scores (see ``multi_margin_loss``); ``weight`` (one per
    class) is a buffer."""

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight: Tensor | None = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 supported, got {p!r}")
        self.p, self.margin = p, margin
        self._register_weight("weight", weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return multi_margin_loss(input, target, self.p, self.margin, self.weight, reduction=self.reduction)

    def extra_repr(self) -> str:
        return f"p={self.p}, margin={self.margin}, reduction={self.reduction!r}"


class LinearCrossEntropyLoss(_Loss):
    """``torch.nn.LinearCrossEntropyLoss(in_features, num_classes, *, out_features=(), bias=False, ...)``:
    a ``Linear`` to C·∏out_features logits and ``F.linear_cross_entropy``; the weight is stored flat,
    (C·d1···dK, in_features), as PyTorch's, and reshaped to (C, d1, ..., dK, in_features) in forward."""

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        *,
        out_features: tuple[int, ...] = (),
        bias: bool = False,
        device: str | None = None,
        dtype: Any = None,
        reduction: str = "mean",
        weight: Tensor | None = None,
        ignore_index: int | None = None,
        label_smoothing: float = 0.0,
        options: Any = None,
    ) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise F.ShapeMismatchError(
                f"LinearCrossEntropyLoss: expected weight shape to be {(num_classes,)}, got "
                f"{tuple(weight.shape)}"
            )
        if not 0.0 <= label_smoothing <= 1.0:
            raise F.ValueOutOfRangeError(
                "LinearCrossEntropyLoss: expected label_smoothing to be in range [0, 1], got "
                f"{label_smoothing}"
            )
        super().__init__(reduction=reduction)
        self._register_weight("weight", weight)
        self.num_classes, self.out_features = num_classes, tuple(out_features)
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, options
        outputs = math.prod(self.out_features, start=num_classes)
        self.linear = Linear(in_features, outputs, bias=bias, device=device, dtype=dtype)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        shape = (self.num_classes, *self.out_features)
        linear_weight = self.linear.weight.reshape(*shape, self.linear.in_features)
        linear_bias = None if self.linear.bias is None else self.linear.bias.reshape(*shape)
        return F.linear_cross_entropy(
            input,
            linear_weight,
            target,
            linear_bias=linear_bias,
            weight=self.weight,
            reduction=self.reduction,
            ignore_index=self.ignore_index,
            label_smoothing=self.label_smoothing,
            options=self.options,
        )

    def extra_repr(self) -> str:
        return (
            f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
            f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
            f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
            f"label_smoothing={self.label_smoothing}, options={self.options}"
        )
