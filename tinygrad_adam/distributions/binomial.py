"""The binomial distribution (successes in ``total_count`` trials), as ``torch.distributions.Binomial``."""

from __future__ import annotations

from typing import Any

from ..autograd import no_grad
from ..special import gammaln
from ..tensor import Tensor, arange, rand, where, zeros
from . import constraints
from .distribution import BinaryTrialDistribution

# Means n·min(p, 1 − p) from here on are drawn by BTRS, below it by the waiting-time method (as PyTorch).
BTRS_FROM = 10.0


def _waiting_time(total_count: Tensor, q: Tensor) -> Tensor:
    """Successes of probability q ≤ ½ in n trials by the waiting-time method (Devroye, "Non-Uniform
    Random Variate Generation", X.4.3): geometric gaps between successes are added until they pass
    n; about n·q + 1 rounds, so for small means only."""
    log_fail = (-where(q > 0, q, 0.5)).log1p()
    position, count = (
        zeros(*q.shape, dtype=q.dtype, device=q.device),
        zeros(*q.shape, dtype=q.dtype, device=q.device),
    )
    alive = (q > 0) & (total_count > 0)
    while alive.any().item():
        u = 1 - rand(*q.shape, dtype=q.dtype, device=q.device)  # (0, 1]
        position = position + (u.log() / log_fail).floor() + 1  # trials to the next success
        alive = alive & (position <= total_count)
        count = count + alive.astype(q.dtype)
    return count


def _btrs(total_count: Tensor, q: Tensor) -> Tensor:
    """W. Hörmann's transformed rejection with squeeze, BTRS ("The generation of binomial random
    variates", J. Stat. Comput. Simul. 46 (1993) 101-110), for n·q ≥ 10: a few uniforms per draw
    whatever n. The acceptance test compares with log P(k) − log P(m) computed by log Γ exactly."""
    n, shape, dtype, device = total_count, q.shape, q.dtype, q.device
    stddev = (n * q * (1 - q)).sqrt()
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * q
    c = n * q + 0.5
    v_r = 0.92 - 4.2 / b
    log_r = q.log() - (-q).log1p()
    alpha = (2.83 + 5.1 / b) * stddev
    m = ((n + 1) * q).floor()
    log_h_m = gammaln(m + 1) + gammaln(n - m + 1)
    draws, done = zeros(*shape, dtype=dtype, device=device), q != q  # a nan probability: never drawn
    while not done.all().item():
        u = rand(*shape, dtype=dtype, device=device) - 0.5
        v = 1 - rand(*shape, dtype=dtype, device=device)  # (0, 1]: its log is finite
        us = (0.5 - u.abs()).clamp(1e-12, None)
        k = ((2 * a / us + b) * u + c).floor()
        inside = (k >= 0) & (k <= n)
        squeezed = (us >= 0.07) & (v <= v_r)
        k_safe = k.clamp(0, None).minimum(n)
        log_accept = (v * alpha / (a / (us * us) + b)).log()
        log_ratio = log_h_m - gammaln(k_safe + 1) - gammaln(n - k_safe + 1) + (k_safe - m) * log_r
        accept = inside & (squeezed | (log_accept <= log_ratio)) & ~done
        draws, done = where(accept, k, draws), done | accept
    return draws


def binomial_draws(total_count: Tensor, probs: Tensor) -> Tensor:
    """Exact Binomial(n, p) draws of the parameters' (common) shape, outside autograd: for
    q = min(p, 1 − p), the waiting-time method where n·q < 10 and BTRS elsewhere, n − draw for p > ½."""
    with no_grad():
        flipped = probs > 0.5
        q = where(flipped, 1 - probs, probs)
        small = total_count * q < BTRS_FROM
        count = _waiting_time(where(small, total_count, 0.0), q)
        if (~small).any().item():
            count = where(small, count, _btrs(where(small, 100.0, total_count), where(small, 0.25, q)))
        return where(flipped, total_count - count, count)


class Binomial(BinaryTrialDistribution):
    """P(k) = C(n, k) p^k (1 − p)^(n−k), k = 0..n, with n = ``total_count`` (whole, broadcast with
    the probabilities) and ``probs`` p or ``logits``, never both."""

    arg_constraints = {
        "total_count": constraints.nonnegative_integer,
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }
    has_enumerate_support = True

    def __init__(
        self, total_count: Any = 1, probs: Any = None, logits: Any = None, validate_args: bool | None = None
    ) -> None:
        total_count, param = self._init_probs_or_logits(probs, logits, total_count)
        self.total_count = total_count.astype(param.dtype)
        super().__init__(tuple(param.shape), validate_args=validate_args)

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        return ((self.total_count + 1) * self.probs).floor().minimum(self.total_count)

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return binomial_draws(
                self.total_count.detach().expand(*shape), self.probs.detach().expand(*shape)
            )

    def log_prob(self, value: Tensor) -> Tensor:
        """k·l − n·softplus(l) + log C(n, k) for logits l, PyTorch's stable form."""
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_choose = gammaln(n + 1) - gammaln(value + 1) - gammaln(n - value + 1)
        # n·softplus(l) written as PyTorch writes it: n·(max(l, 0) + log1p(e^(−|l|)))
        clamped_by_zero = (logits.clamp(0, None) + logits - logits.clamp(None, 0)) / 2
        normaliser = n * clamped_by_zero + n * (-logits.abs()).exp().log1p()
        return value * logits - normaliser + log_choose

    def entropy(self) -> Tensor:
        """−Σₖ P(k) log P(k) over k = 0..n (n must be the same everywhere, as PyTorch requires)."""
        n = self.total_count.max().item()
        if not (self.total_count == n).all().item():
            raise NotImplementedError("Inhomogeneous total count not supported by `entropy`.")
        log_prob = self.log_prob(self.enumerate_support(expand=False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        n = self.total_count.max().item()
        if not (self.total_count == n).all().item():
            raise NotImplementedError("Inhomogeneous total count not supported by `enumerate_support`.")
        values = arange(int(n) + 1, dtype=self.total_count.dtype, device=self.total_count.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand(-1, *self._batch_shape) if expand else values
