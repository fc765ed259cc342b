"""The chi-squared distribution with ``df`` degrees of freedom, as ``torch.distributions.Chi2``."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import constraints
from .distribution import _shape, broadcast_all
from .gamma import Gamma


class Chi2(Gamma):
    """χ²(k) = Gamma(k/2, rate ½): the sum of k squared standard normals (k need not be whole)."""

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df: Any, validate_args: bool | None = None) -> None:
        (df,) = broadcast_all(df)
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    @property
    def df(self) -> Tensor:
        return self.concentration * 2

    def expand(self, batch_shape: Any) -> Chi2:
        batch_shape = _shape(batch_shape, "batch_shape")
        new = Chi2(self.df.expand(*batch_shape), validate_args=False)
        new._validate_args = self._validate_args
        return new
