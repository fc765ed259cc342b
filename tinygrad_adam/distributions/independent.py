"""``Independent(base, n)``: the last ``n`` batch axes of ``base`` read as one event, as
``torch.distributions.Independent`` (a diagonal Gaussian from ``Normal``, say)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import constraints
from .distribution import Distribution


def sum_rightmost(value: Tensor, dims: int) -> Tensor:
    """``value`` summed over its last ``dims`` axes."""
    return value if dims == 0 else value.reshape(*value.shape[: value.ndim - dims], -1).sum(-1)


class Independent(Distribution):
    """The base distribution with ``reinterpreted_batch_ndims`` batch axes moved into the event:
    log_prob and entropy are summed over them."""

    arg_constraints: dict[str, constraints.Constraint] = {}

    def __init__(
        self,
        base_distribution: Distribution,
        reinterpreted_batch_ndims: int,
        validate_args: bool | None = None,
    ) -> None:
        if not isinstance(base_distribution, Distribution):
            raise TypeError(
                "Independent: base_distribution must be a Distribution, got "
                f"{type(base_distribution).__name__}"
            )
        batch = base_distribution.batch_shape
        if isinstance(reinterpreted_batch_ndims, bool) or not isinstance(reinterpreted_batch_ndims, int):
            raise TypeError(
                f"Independent: reinterpreted_batch_ndims must be an int, got {reinterpreted_batch_ndims!r}"
            )
        if not 0 <= reinterpreted_batch_ndims <= len(batch):
            raise ValueError(
                "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), "
                f"actual {reinterpreted_batch_ndims} vs {len(batch)}"
            )
        self.base_dist, self.reinterpreted_batch_ndims = base_distribution, reinterpreted_batch_ndims
        split = len(batch) - reinterpreted_batch_ndims
        super().__init__(
            batch[:split], batch[split:] + base_distribution.event_shape, validate_args=validate_args
        )

    def expand(self, batch_shape: Any) -> Independent:
        batch_shape = tuple(batch_shape)
        moved = self._event_shape[: self.reinterpreted_batch_ndims]
        return Independent(self.base_dist.expand(batch_shape + moved), self.reinterpreted_batch_ndims)

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        return self.base_dist.has_rsample

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.independent(self.base_dist.support, self.reinterpreted_batch_ndims)

    @property
    def mean(self) -> Tensor:
        return self.base_dist.mean

    @property
    def mode(self) -> Tensor:
        return self.base_dist.mode

    @property
    def variance(self) -> Tensor:
        return self.base_dist.variance

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value: Tensor) -> Tensor:
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self) -> Tensor:
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self) -> str:
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"
