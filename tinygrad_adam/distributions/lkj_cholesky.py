"""The LKJ distribution over Cholesky factors of correlation matrices, as
``torch.distributions.LKJCholesky`` (Lewandowski, Kurowicka & Joe, "Generating random correlation
matrices based on vines and extended onion method", J. Multivariate Anal. 100 (2009); after NumPyro)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import linalg
from ..special import gammaln, multigammaln
from ..tensor import Tensor, arange, cat, randn, zeros
from . import constraints
from .beta import Beta
from .distribution import Distribution, _shape, broadcast_all


class LKJCholesky(Distribution):
    """Lower-triangular L with LLᵀ a ``dim``×``dim`` correlation matrix M, of density ∝ det(M)^(η−1)
    for ``concentration`` η > 0 (η = 1: uniform over correlation matrices). Draws by the onion
    method: row i > 0 is √yᵢ times a uniform direction in its first i coordinates, yᵢ a Beta draw
    (``_beta``), and its diagonal entry √(1 − yᵢ) makes it of unit length; row 0 is e₀."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0, validate_args: bool | None = None) -> None:
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = int(dim)
        (self.concentration,) = broadcast_all(concentration)
        super().__init__(tuple(self.concentration.shape), (self.dim, self.dim), validate_args=validate_args)

    @property
    def _beta(self) -> Beta:
        """One Beta per row, the squared length yᵢ of its i off-diagonal entries: Beta(i/2,
        η + (dim − 2)/2 − (i − 1)/2), the onion method's (LKJ 2009, section 3.2; NumPyro's). PyTorch
        2.13 takes i − ½ for the first concentration, which skews the rows from the third on: its
        correlations' variances miss 1/(2η + dim − 1); these draws keep it."""
        like = self.concentration
        offset = 0.5 * arange(self.dim - 1, dtype=like.dtype, device=like.device)
        offset = cat([zeros(1, dtype=like.dtype, device=like.device), offset])
        marginal = like + 0.5 * (self.dim - 2)
        return Beta(offset + 0.5, marginal.unsqueeze(-1) - offset, validate_args=False)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        y = self._beta.sample(_shape(sample_shape)).unsqueeze(-1)
        normal = randn(*shape, dtype=y.dtype, device=y.device).tril(-1)
        tiny = float(np.finfo(y.dtype).tiny)
        on_sphere = normal / normal.pow(2).sum(-1, keepdim=True).sqrt().clamp(tiny, None)  # row 0 stays 0
        w = y.sqrt() * on_sphere
        diagonal = (1 - w.pow(2).sum(-1)).clamp(tiny, None).sqrt()
        return w + diagonal.diag_embed()

    def log_prob(self, value: Tensor) -> Tensor:
        """Σᵢ₌₂..dim (2(η − 1) + dim − i) log Lᵢᵢ − log c(η), c the normaliser from the onion method:
        log c = (dim − 1)/2 · log π + log Γ_(dim−1)(α − ½) − (dim − 1) log Γ(α), α = η + (dim − 1)/2."""
        if self._validate_args:
            self._validate_sample(value)
        diagonal = linalg.diagonal(value)[..., 1:]
        like = self.concentration
        order = arange(2, self.dim + 1, dtype=like.dtype, device=like.device)
        order = 2 * (like - 1).unsqueeze(-1) + self.dim - order
        unnormalized = (order * diagonal.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = like + 0.5 * dm1
        normalizer = 0.5 * dm1 * math.log(math.pi) + multigammaln(alpha - 0.5, dm1) - gammaln(alpha) * dm1
        return unnormalized - normalizer
