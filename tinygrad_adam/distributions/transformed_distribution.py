"""A base distribution pushed through invertible transforms, as
``torch.distributions.TransformedDistribution``: log p_Y(y) = log p_X(T⁻¹y) − log |det ∂T/∂x|."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..autograd import no_grad
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution, _shape
from .independent import Independent, sum_rightmost
from .transforms import ComposeTransform, Transform


class TransformedDistribution(Distribution):
    """Draws T(x) for x from ``base_distribution`` and T = transforms[-1] ∘ ... ∘ transforms[0]
    (each keeping the shape); axes a transform takes as one event join the event shape."""

    arg_constraints: dict[str, constraints.Constraint] = {}

    def __init__(
        self,
        base_distribution: Distribution,
        transforms: Transform | Sequence[Transform],
        validate_args: bool | None = None,
    ) -> None:
        if not isinstance(base_distribution, Distribution):
            raise TypeError(
                f"base_distribution must be a Distribution, got {type(base_distribution).__name__}"
            )
        if isinstance(transforms, Transform):
            transforms = [transforms]
        elif isinstance(transforms, Sequence) and all(isinstance(t, Transform) for t in transforms):
            transforms = list(transforms)
        else:
            raise ValueError(
                f"transforms must be a Transform or a list of Transforms, but was {transforms!r}"
            )
        self.transforms = transforms
        transform = ComposeTransform(transforms)
        base_shape = base_distribution.batch_shape + base_distribution.event_shape
        if len(base_shape) < transform.event_dim:
            raise ValueError(
                f"base_distribution needs to have shape with size at least {transform.event_dim}, "
                f"but got {base_shape}."
            )
        extra = transform.event_dim - len(base_distribution.event_shape)
        self.base_dist = Independent(base_distribution, extra) if extra > 0 else base_distribution
        event_dim = max(transform.event_dim, len(base_distribution.event_shape))
        cut = len(base_shape) - event_dim
        super().__init__(base_shape[:cut], base_shape[cut:], validate_args=validate_args)

    def expand(self, batch_shape: Any) -> TransformedDistribution:
        batch_shape = _shape(batch_shape, "batch_shape")
        shape = batch_shape + self._event_shape
        new = super().expand(batch_shape)
        new.base_dist = self.base_dist.expand(shape[: len(shape) - len(self.base_dist.event_shape)])
        return new

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        return self.base_dist.has_rsample

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        if not self.transforms:
            return self.base_dist.support
        codomain = self.transforms[-1].codomain
        extra = len(self._event_shape) - codomain.event_dim
        return constraints.independent(codomain, extra) if extra > 0 else codomain

    def _push(self, x: Tensor) -> Tensor:
        for transform in self.transforms:
            x = transform(x)
        return x

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            return self._push(self.base_dist.sample(sample_shape))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self._push(self.base_dist.rsample(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """The base's log-density at T⁻¹(y) minus each transform's log |det Jacobian|."""
        if self._validate_args:
            self._validate_sample(value)
        event_dim = len(self._event_shape)
        log_prob: Any = 0.0
        y = value
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            log_prob = log_prob - sum_rightmost(
                transform.log_abs_det_jacobian(x, y), event_dim - transform.event_dim
            )
            y = x
        return log_prob + sum_rightmost(
            self.base_dist.log_prob(y), event_dim - len(self.base_dist.event_shape)
        )

    def _monotone_sign(self) -> Any:
        sign = ComposeTransform(self.transforms).sign
        if isinstance(sign, Tensor):
            if not ((sign == 1) | (sign == -1)).all().item():
                raise NotImplementedError("cdf and icdf need monotone transforms")
        elif sign not in (1, -1):
            raise NotImplementedError("cdf and icdf need monotone transforms")
        return sign

    def cdf(self, value: Tensor) -> Tensor:
        """The base's CDF at T⁻¹(y), or one minus it where T decreases."""
        for transform in reversed(self.transforms):
            value = transform.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        cdf = self.base_dist.cdf(value)
        sign = self._monotone_sign()
        return cdf if isinstance(sign, int) and sign == 1 else sign * (cdf - 0.5) + 0.5

    def icdf(self, value: Tensor) -> Tensor:
        sign = self._monotone_sign()
        if not (isinstance(sign, int) and sign == 1):
            value = sign * (value - 0.5) + 0.5
        return self._push(self.base_dist.icdf(value))
