"""Orthogonal weights as a parametrization (``nn.utils.parametrizations.orthogonal``), as PyTorch's:
an unconstrained matrix X is mapped onto the matrices with orthonormal columns (or rows) by

- ``matrix_exp``: Q = exp(A), A = X̃ − X̃ᵀ skew-symmetric from X's lower triangle;
- ``cayley``: Q = (I − A/2)⁻¹ (I + A/2);
- ``householder``: Q = H₁ ⋯ H_k, reflections H_i = I − τ_i v_i v_iᵀ read from X's strict lower
  triangle (LAPACK's ``geqrf`` storage), the signs of the columns from X's diagonal.

With ``use_trivialization=True`` (the default) the result multiplies a buffer ``base``, set to the
orthogonalised weight at registration and at each assignment, and X starts at −I (Lezcano-Casado,
2019, "Trivializations for gradient-based optimization on manifolds").
"""

from __future__ import annotations

from enum import Enum, auto

import numpy as np

from ... import linalg
from ...autograd import no_grad
from ...functions import eye
from ...tensor import Tensor, cat, randn, where, zeros, zeros_like
from ..module import Module
from . import parametrize

__all__ = ["orthogonal"]


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


def _eye_like(n: int, like: Tensor) -> Tensor:
    return eye(n, dtype=like.dtype, device=like.device)


def _householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first k columns of H₁ ⋯ H_k, H_i = I − τ_i v_i v_iᵀ with v_i column i of ``A`` below the
    diagonal and 1 on it (``torch.linalg.householder_product``)."""
    n, k = A.shape[-2:]
    rows = Tensor._wrap(A._backend.xp.arange(n, **A._backend.creation_kwargs), A._backend).reshape(n, 1)
    identity = _eye_like(n, A)
    Q = identity[:, :k] + zeros(*A.shape[:-2], n, k, dtype=A.dtype, device=A.device)
    for i in reversed(range(k)):
        v = (where(rows > i, A[..., :, i : i + 1], 0.0) + identity[:, i : i + 1]).astype(
            A.dtype
        )  # (..., n, 1)
        Q = Q - tau[..., i : i + 1].unsqueeze(-1) * (v @ (v.mT @ Q))
    return Q


def _geqrf(A: Tensor) -> tuple[Tensor, Tensor]:
    """LAPACK's QR in Householder form (``torch.geqrf``) of one matrix (m ≥ n): R on and above the
    diagonal, the reflectors' tails below it, and their τ."""
    m, n = A.shape
    a = A.detach().clone()
    taus = []
    for i in range(n):
        alpha = a[i, i].item()
        tail_norm = a[i + 1 :, i].norm().item() if i + 1 < m else 0.0
        if tail_norm == 0.0:
            taus.append(0.0)
            continue
        beta = -np.copysign(np.hypot(alpha, tail_norm), alpha)
        taus.append((beta - alpha) / beta)
        a[i + 1 :, i] = a[i + 1 :, i] / (alpha - beta)
        v = cat([_eye_like(1, a).reshape(1), a[i + 1 :, i]]).reshape(-1, 1)
        a[i:, i + 1 :] = a[i:, i + 1 :] - taus[-1] * (v @ (v.mT @ a[i:, i + 1 :]))
        a[i, i] = beta
    return a, Tensor._wrap(a._backend.asarray(np.array(taus, dtype=a.dtype)), a._backend)


def _is_orthogonal(Q: Tensor) -> bool:
    n, k = Q.shape[-2:]
    atol = 10.0 * n * float(np.finfo(Q.dtype).eps)
    return bool(((Q.mT @ Q - _eye_like(k, Q)).abs() <= atol + 1e-5).all().item())


def _make_orthogonal(A: Tensor) -> Tensor:
    """The Q of A = QR with R's diagonal made positive (unique for A of full rank)."""
    Q, R = linalg.qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sign().unsqueeze(-2)


class _Orthogonal(Module):
    """The map X ↦ Q of ``orthogonal``; ``right_inverse`` sets ``base`` (or, without the
    trivialization and for ``householder``, finds the X of a given Q)."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *, use_trivialization: bool = True) -> None:
        super().__init__()
        self.shape = tuple(weight.shape)
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.shape[-2:]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = cat([X, zeros(*X.shape[:-2], n, n - k, dtype=X.dtype, device=X.device)], dim=-1)
            A = X - X.mT
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = linalg.matrix_exp(A)
            else:
                identity = _eye_like(n, A)
                Q = linalg.solve(identity - 0.5 * A, identity + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(-1)
            tau = 2.0 / (1.0 + (A * A).sum(-2))
            Q = _householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).trunc().unsqueeze(-2)
        if "base" in self._buffers:
            Q = self.base @ Q
        return Q.mT if transposed else Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        if tuple(Q.shape) != self.shape:
            raise ValueError(
                f"Expected a matrix or batch of matrices of shape {self.shape}. Got a tensor of shape "
                f"{tuple(Q.shape)}."
            )
        with no_grad():
            Q_init = Q
            n, k = Q.shape[-2:]
            transpose = n < k
            if transpose:
                Q = Q.mT
                n, k = k, n
            if "base" not in self._buffers:
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError(
                        "It is not possible to assign to the matrix exponential or the Cayley "
                        "parametrizations when use_trivialization=False."
                    )
                if Q.ndim != 2:
                    raise NotImplementedError("assigning to a batch of householder-parametrized matrices")
                A, tau = _geqrf(Q)
                diagonal = A.diagonal().sign()
                diagonal = where(tau == 0.0, -diagonal, diagonal)
                A = A * (1 - _eye_like(n, A)[:, :k]) + _eye_like(n, A)[:, :k] * diagonal
                return A.mT if transpose else A
            if n == k:
                Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
            else:  # completed to a square matrix by random columns: the first k do not depend on them
                noise = randn(*Q.shape[:-2], n, n - k, dtype=Q.dtype, device=Q.device)
                Q = _make_orthogonal(cat([Q, noise], dim=-1))
            self.base = Q
            rows, columns = Q_init.shape[-2:]
            return zeros_like(Q_init) - _eye_like(max(rows, columns), Q_init)[:rows, :columns]  # X = −I


def orthogonal(
    module: Module,
    name: str = "weight",
    orthogonal_map: str | None = None,
    *,
    use_trivialization: bool = True,
) -> Module:
    """Constrain ``module.<name>`` (a matrix, or a batch of them) to have orthonormal columns (rows
    if it is wide), as ``torch.nn.utils.parametrizations.orthogonal``. ``orthogonal_map`` is
    ``"matrix_exp"`` (default for square), ``"cayley"`` or ``"householder"`` (default otherwise)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{type(module).__name__}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    orth_enum = getattr(_OrthMaps, str(orthogonal_map), None)
    if orth_enum is None:
        raise ValueError(
            f'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: {orthogonal_map}'
        )
    parametrization = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, parametrization, unsafe=True)
    return module
