"""``tg.linalg``: PyTorch's ``torch.linalg`` on every backend: norms, inverses and solves, the
Cholesky, QR, symmetric-eigen and singular-value decompositions, and what is built from them
(pinv, matrix_rank, cond, lstsq, matrix_power, matrix_exp), batched over leading dims.

Forward calls the backend's Array-API ``linalg`` extension (NumPy, CuPy and array-api-strict all
have it); backward is written with Tensor ops, so gradients are differentiable again
(``create_graph``). The formulas are PyTorch's (``FunctionsManual.cpp``), which cite their papers.
A decomposition with several outputs is a custom Function with PyTorch's contract, whose backward
gets None for an output that received no gradient: ``svdvals`` then needs no 1/(σⱼ² − σᵢ²) term,
so repeated singular values do no harm there. Gradients of eigenvectors and singular vectors are
defined for losses that do not depend on their signs (the "gauge"), as in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .autograd import Function, is_grad_enabled, no_grad
from .tensor import Tensor, _axis_index, _same_device, arange, cat, ones_like, stack, where
from .tensor import matmul as matmul  # torch.linalg.matmul is torch.matmul

Dims = int | Sequence[int] | None
FLOATS = (np.dtype("float32"), np.dtype("float64"))
EXP_TAYLOR_TERMS = 18  # with ‖X‖₁ <= 1/2 the first term left out is below 1e-22 of the sum


class LinAlgError(RuntimeError):
    """A matrix the operation cannot take: singular in ``inv``/``solve``, not positive-definite in
    ``cholesky``. PyTorch's ``torch.linalg.LinAlgError``, which is a RuntimeError too."""


class LinAlgShapeError(ValueError, RuntimeError):
    """A shape the operation cannot take: a ValueError, as bad shapes are elsewhere here, and a
    RuntimeError, as PyTorch raises."""


class LinAlgOptionError(ValueError, RuntimeError):
    """An option or argument the operation cannot take (``UPLO``, ``mode``, ``ord``, ``driver``, dims,
    counts): a ValueError, and a RuntimeError, as PyTorch raises."""


class LinAlgOrdTypeError(TypeError, ValueError):
    """A string ``ord`` where a vector norm needs a number: PyTorch's TypeError (and a ValueError)."""


class LinAlgDtypeError(TypeError, RuntimeError):
    """An integer or boolean matrix: a TypeError, as bad dtypes are elsewhere here, and a
    RuntimeError, as PyTorch raises."""


class SlogdetResult(NamedTuple):
    sign: Tensor
    logabsdet: Tensor


class QRResult(NamedTuple):
    Q: Tensor
    R: Tensor


class EighResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


class SVDResult(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor


class SVDWithV(NamedTuple):
    """What the older ``torch.svd`` returns: V itself, not its transpose."""

    U: Tensor
    S: Tensor
    V: Tensor


class CholeskyExResult(NamedTuple):
    L: Tensor
    info: Tensor


class LstsqResult(NamedTuple):
    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


# ---------------------------------------------------------------------------------------------
# Norms


def vector_norm(
    x: Tensor, ord: float = 2, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """(Σ |x|^ord)^(1/ord) over ``dim`` (every entry by default): ``inf`` is max |x|, ``-inf``
    min |x|, 0 the count of nonzeros. The gradient is 0, not nan, where the norm is 0. ``dtype``
    casts x first, as in PyTorch."""
    _check_tensor(x, "vector_norm")
    x = x if dtype is None else x.astype(dtype)
    if isinstance(ord, str):
        raise LinAlgOrdTypeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    return x.norm(ord, dim, keepdim)


def matrix_norm(
    x: Tensor,
    ord: str | float = "fro",
    dim: tuple[int, int] = (-2, -1),
    keepdim: bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """The matrix norm over the two axes ``dim``: ``'fro'`` √(Σ x²), ``'nuc'`` Σσ, 2 / -2 the
    largest / smallest singular value, 1 / -1 the largest / smallest column sum of |x|, inf / -inf
    the largest / smallest row sum. ``dtype`` casts x first."""
    _check_tensor(x, "matrix_norm")
    x = x if dtype is None else x.astype(dtype)
    if x.ndim < 2:
        raise LinAlgShapeError(f"linalg.matrix_norm: needs a matrix (2 or more dims), got shape {x.shape}")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise LinAlgOptionError(f"linalg.matrix_norm: dim must be a pair of dims, got {dim!r}")
    rows, columns = (d % x.ndim if -x.ndim <= d < x.ndim else None for d in dim)
    if rows is None or columns is None or rows == columns:
        raise ValueError(
            f"linalg.matrix_norm: dim {tuple(dim)} must name two different dims of shape {x.shape}"
        )
    if ord == "fro":
        return x.norm("fro", (rows, columns), keepdim)
    if ord in ("nuc", 2, -2):
        last = x.permute(*[d for d in range(x.ndim) if d not in (rows, columns)], rows, columns)
        values = svdvals(_floating(last, "matrix_norm"))
        out = values.sum(-1) if ord == "nuc" else values.amax(-1) if ord == 2 else values.amin(-1)
        return _keep(out, (rows, columns)) if keepdim else out
    if ord in (1, -1, math.inf, -math.inf):
        summed, extreme = (rows, columns) if ord in (1, -1) else (columns, rows)
        sums = _floating(x, "matrix_norm").abs().sum(summed, keepdim=True)
        out = sums.amax(extreme, keepdim=True) if ord > 0 else sums.amin(extreme, keepdim=True)
        return out if keepdim else out.squeeze((rows, columns))
    raise LinAlgOptionError(
        f"linalg.matrix_norm: ord={ord!r} is not a matrix norm: use 'fro', 'nuc', 2, -2, 1, -1, inf or -inf"
    )


def norm(
    x: Tensor, ord: float | str | None = None, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """``torch.linalg.norm``: with ``ord=None`` the 2-norm of the flattened input (or over ``dim``);
    a number over one dim (or a 1-D input) is a vector norm, over two dims (or a 2-D input) a
    matrix norm; a string (``'fro'``, ``'nuc'``) a matrix norm. ``dtype`` casts x first."""
    _check_tensor(x, "norm")
    x = x if dtype is None else x.astype(dtype)
    if ord is None:
        return x.norm(2, dim, keepdim)
    two_dims = isinstance(dim, (tuple, list)) and len(dim) == 2
    if isinstance(ord, str) or two_dims or (dim is None and x.ndim == 2):
        return matrix_norm(x, ord, (-2, -1) if dim is None else dim, keepdim)  # it checks dim is a pair
    if dim is None and x.ndim > 2:
        raise ValueError(
            f"linalg.norm: with ord and no dim the input must be 1-D or 2-D, got shape {x.shape}"
        )
    return x.norm(ord, dim, keepdim)


def cond(A: Tensor, p: float | str | None = None) -> Tensor:
    """The condition number ‖A‖ ‖A⁻¹‖ in the norm ``p``; for None or 2 the ratio σ_max / σ_min of
    the singular values (any shape), for -2 its inverse."""
    A = _matrices(A, "cond")
    if p in (None, 2, -2):
        values = svdvals(A)
        largest, smallest = values.amax(-1), values.amin(-1)
        return largest / smallest if p in (None, 2) else smallest / largest
    A = _matrices(A, "cond", square=True)
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


# ---------------------------------------------------------------------------------------------
# Inverse, determinant, solve


def inv(A: Tensor) -> Tensor:
    """A⁻¹ of each square matrix; raises ``LinAlgError`` for a singular one."""
    return _Inverse.apply(_matrices(A, "inv", square=True))


def det(A: Tensor) -> Tensor:
    """det A of each square matrix; its gradient is also right for singular matrices."""
    return _Determinant.apply(_matrices(A, "det", square=True))


def slogdet(A: Tensor) -> SlogdetResult:
    """(sign, log |det A|): the determinant without overflow; the sign has no gradient."""
    A = _matrices(A, "slogdet", square=True)
    sign, logabsdet = A._backend.xp.linalg.slogdet(A._data)
    return SlogdetResult(Tensor._wrap(sign, A._backend), _LogAbsDet.apply(A, value=logabsdet))


def logdet(A: Tensor) -> Tensor:
    """log det A: nan where det A < 0 and -inf where it is 0, as ``torch.logdet``."""
    sign, logabsdet = slogdet(_matrices(A, "logdet", square=True))
    return where(sign < 0, math.nan, logabsdet)


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (``left=False``: X A = B), A square; the batch dims broadcast. B of shape
    (*, n) is a batch of vectors when it is 1-D or A's shape without its last dim, as in PyTorch."""
    A = _matrices(A, "solve", square=True)
    B = _operand(B, A, "solve", "B")
    if B.ndim < 1:
        raise LinAlgShapeError(f"linalg.solve: B must have at least one dim, got shape {B.shape}")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if vector:
        B = B.unsqueeze(-1) if left else B.unsqueeze(-2)
    if not left:  # X A = B  <=>  Aᵀ Xᵀ = Bᵀ
        X = _solve_matrices(A.mT, B.mT, "solve").mT
        return X.squeeze(-2) if vector else X
    X = _solve_matrices(A, B, "solve")
    return X.squeeze(-1) if vector else X


def solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False
) -> Tensor:
    """X with T X = B (``left=False``: X T = B), T the upper or lower triangle of A (with ones on
    the diagonal if ``unitriangular``); the other triangle of A is not read."""
    A = _matrices(A, "solve_triangular", square=True)
    B = _matrices(_operand(B, A, "solve_triangular", "B"), "solve_triangular")
    T = A.triu() if upper else A.tril()
    if unitriangular:
        T = T - _diag_embed(_diagonal(T)) + _eye(A.shape[-1], A)
    return (
        _solve_matrices(T, B, "solve_triangular")
        if left
        else _solve_matrices(T.mT, B.mT, "solve_triangular").mT
    )


def _solve_matrices(A: Tensor, B: Tensor, name: str) -> Tensor:
    """A X = B for a batch of square A and matrices B, their batch dims broadcast."""
    if B.shape[-2] != A.shape[-1]:
        raise LinAlgShapeError(
            f"linalg.{name}: A of shape {A.shape} and B of shape {B.shape} do not match "
            f"(B needs {A.shape[-1]} rows)"
        )
    try:
        batch = tuple(np.broadcast_shapes(A.shape[:-2], B.shape[:-2]))
    except ValueError:
        raise LinAlgShapeError(
            f"linalg.{name}: the batch dims of A {A.shape} and B {B.shape} do not broadcast"
        ) from None
    A = A.expand(*batch, *A.shape[-2:]) if A.shape[:-2] != batch else A
    B = B.expand(*batch, *B.shape[-2:]) if B.shape[:-2] != batch else B
    return _Solve.apply(A, B)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """Aⁿ by repeated squaring; n < 0 is (A⁻¹)^|n| (float matrices only), n = 0 the identity.
    Integer matrices take n >= 0, as in PyTorch."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"linalg.matrix_power: n must be an integer, got {n!r}")
    _check_tensor(A, "matrix_power")
    if n < 0 or A.dtype.kind not in "iu":
        A = _matrices(A, "matrix_power", square=True)
    elif A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise LinAlgShapeError(
            f"linalg.matrix_power: A must be batches of square matrices, got shape {A.shape}"
        )
    if n == 0:
        return _eye(A.shape[-1], A).expand(*A.shape)
    base, n = (inv(A), -int(n)) if n < 0 else (A, int(n))
    result = None
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def matrix_exp(A: Tensor) -> Tensor:
    """e^A = Σ Aᵏ/k! by scaling and squaring: the Taylor series of A / 2ˢ, with ‖A / 2ˢ‖₁ <= 1/2,
    squared s times (Higham 2005). Tensor ops throughout, so the gradient is autodiff's."""
    A = _matrices(A, "matrix_exp", square=True)
    with no_grad():
        largest = A.abs().sum(-2).amax().item() if A.size else 0.0
    squarings = max(0, math.ceil(math.log2(largest / 0.5))) if math.isfinite(largest) and largest > 0.5 else 0
    X = A / 2.0**squarings if squarings else A
    identity = _eye(A.shape[-1], A)
    term, total = identity, identity
    for k in range(1, EXP_TAYLOR_TERMS + 1):
        term = (term @ X) / float(k)
        total = total + term
    for _ in range(squarings):
        total = total @ total
    return total


def multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of a chain of matrices; the first may be a row vector (1-D), the last a column
    vector (1-D), as ``torch.linalg.multi_dot``."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise LinAlgOptionError(f"linalg.multi_dot: needs at least 2 tensors, got {len(tensors)}")
    for position, t in enumerate(tensors):
        _check_tensor(t, "multi_dot")
        allowed = (1, 2) if position in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            where_ = "the first and last" if len(allowed) == 2 else "the middle"
            raise LinAlgShapeError(
                f"linalg.multi_dot: {where_} tensors must be {' or '.join(f'{d}-D' for d in allowed)}; "
                f"tensor {position} has shape {t.shape}"
            )
    result = tensors[0]
    for t in tensors[1:]:
        result = result @ t
    return result


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Σ x y along ``dim`` (broadcasting the other dims)."""
    _check_tensor(x, "vecdot")
    return (x * _operand(y, x, "vecdot", "y")).sum(dim)


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (``Tensor.cross``)."""
    _check_tensor(input, "cross")
    return input.cross(other, dim)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The ``offset``-th diagonal of the matrices over ``dim1``, ``dim2`` (0 the main one, > 0
    above it), as the last dim; differentiable."""
    _check_tensor(A, "diagonal")
    if A.ndim < 2:
        raise LinAlgShapeError(f"linalg.diagonal: needs at least 2 dims, got shape {A.shape}")
    first, second = (_axis_index(d, A.ndim, "diagonal") for d in (dim1, dim2))  # out of range: IndexError
    if first == second:
        raise LinAlgOptionError(
            f"diagonal: dim1={dim1} and dim2={dim2} must be two different dims of shape {A.shape}"
        )
    last = A.permute(*[d for d in range(A.ndim) if d not in (first, second)], first, second)
    rows, columns = last.shape[-2:]
    start = max(-offset, 0)
    length = max(min(rows - start, columns - max(offset, 0)), 0)
    steps = np.arange(length)  # picked by index: the dtype, a -0.0, a NaN off the diagonal stay as they are
    return last[..., Tensor(steps + start, device=A.device), Tensor(steps + max(offset, 0), device=A.device)]


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices, over ``dim1`` and ``dim2`` of the result, holding the last dim of ``input`` on their
    ``offset``-th diagonal and zeros elsewhere, as ``torch.diag_embed``; differentiable."""
    _check_tensor(input, "diag_embed")
    ndim = input.ndim + 1
    first, second = (_axis_index(d, ndim, "diag_embed") for d in (dim1, dim2))  # out of range: IndexError
    if first == second:
        raise LinAlgShapeError(f"diag_embed: dim1={dim1}, dim2={dim2} must be two different dims of {ndim}")
    size = input.shape[-1] + abs(offset)
    spread = input[..., np.minimum(np.arange(size), max(input.shape[-1] - 1, 0))]  # entry i at (i, i+offset)
    picks = Tensor(np.arange(size)[None, :] - np.arange(size)[:, None] == offset, device=input.device)
    matrices = where(picks, spread.unsqueeze(-1) if offset >= 0 else spread.unsqueeze(-2), 0)
    batch = iter(range(ndim - 2))
    order = [ndim - 2 if d == first else ndim - 1 if d == second else next(batch) for d in range(ndim)]
    return matrices.permute(*order)


def vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """The Vandermonde matrices [1, x, x², …, x^(N−1)] of the vectors x (N = their length by
    default), one row per entry, as ``torch.linalg.vander``."""
    _check_tensor(x, "vander")
    if x.ndim < 1:
        raise LinAlgShapeError(f"linalg.vander: x must have at least one dim, got shape {x.shape}")
    N = x.shape[-1] if N is None else N
    if isinstance(N, (bool, np.bool_)) or not isinstance(N, (int, np.integer)) or N < 1:
        raise LinAlgOptionError(f"linalg.vander: N must be a positive integer, got {N!r}")
    powers = [ones_like(x)]
    for _ in range(N - 1):
        powers.append(powers[-1] * x)
    return stack(powers, dim=-1)


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """The inverse of A as a map from its last dims to its first ``ind`` dims: the inverse of the
    square matrix reshape (Π shape[:ind], Π shape[ind:]), of shape shape[ind:] + shape[:ind]."""
    _check_tensor(A, "tensorinv")
    if isinstance(ind, (bool, np.bool_)) or not isinstance(ind, (int, np.integer)) or ind < 1:
        raise LinAlgOptionError(f"linalg.tensorinv: ind must be a positive integer, got {ind!r}")
    rows, columns = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != columns:
        raise LinAlgShapeError(
            f"linalg.tensorinv: the product of the first {ind} dims of {A.shape} ({rows}) must equal "
            f"the product of the rest ({columns})"
        )
    return inv(A.reshape(rows, columns)).reshape(*A.shape[ind:], *A.shape[:ind])


def tensorsolve(A: Tensor, B: Tensor, dims: Sequence[int] | None = None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B: A reshaped to the square matrix (B.numel, rest) after
    moving ``dims`` to the end, as ``torch.linalg.tensorsolve``."""
    _check_tensor(A, "tensorsolve")
    B = _operand(B, A, "tensorsolve", "B")
    if dims is not None:
        moved = [d % A.ndim for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in moved], *moved)
    unknowns = A.shape[B.ndim :]
    if A.shape[: B.ndim] != B.shape or math.prod(unknowns) != B.size:
        raise LinAlgShapeError(
            f"linalg.tensorsolve: A of shape {A.shape} must start with B's shape {B.shape} and its "
            f"other dims must hold as many entries ({B.size})"
        )
    return solve(A.reshape(B.size, B.size), B.reshape(B.size)).reshape(*unknowns)


# ---------------------------------------------------------------------------------------------
# Decompositions


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L with A = L Lᵀ, lower triangular (``upper``: U = Lᵀ, A = Uᵀ U), from the lower triangle of
    each symmetric positive-definite A; raises ``LinAlgError`` when A is not positive-definite."""
    L = _Cholesky.apply(_matrices(A, "cholesky", square=True))
    return L.mT if upper else L


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> CholeskyExResult:
    """``cholesky`` that reports instead of raising: ``info`` (int32) is 0 where A is
    positive-definite, else the order of its first leading minor that is not; L is meaningful only
    where info is 0. ``check_errors=True`` raises as ``cholesky`` does."""
    A = _matrices(A, "cholesky_ex", square=True)
    xp, backend = A._backend.xp, A._backend
    try:
        L = cholesky(A, upper=upper)
        return CholeskyExResult(
            L, Tensor._wrap(xp.zeros(A.shape[:-2], dtype=xp.int32, **backend.creation_kwargs), backend)
        )
    except LinAlgError:
        if check_errors:
            raise
    info = _first_failed_minor(xp, backend, _symmetric(xp, A._data, "L"))
    failed = Tensor._wrap(info != 0, backend).unsqueeze(-1).unsqueeze(-1)
    return CholeskyExResult(
        cholesky(where(failed, _eye(A.shape[-1], A), A), upper=upper), Tensor._wrap(info, backend)
    )


def _first_failed_minor(xp: Any, backend: Any, a: Any) -> Any:
    """The order (from 1) of the first leading minor of each matrix whose Cholesky pivot
    a_jj − Σ_k L_jk² is not positive, 0 where none is: the column-by-column factorization."""
    n = a.shape[-1]
    L = xp.zeros(a.shape, dtype=a.dtype, **backend.creation_kwargs)
    info = xp.zeros(a.shape[:-2], dtype=xp.int32, **backend.creation_kwargs)
    for j in range(n):
        row = L[..., j, :j]
        pivot = a[..., j, j] - xp.sum(row * row, axis=-1)
        first_failure = (info == 0) & ~(pivot > 0)
        info = xp.where(first_failure, xp.full_like(info, j + 1), info)
        root = xp.sqrt(xp.where(pivot > 0, pivot, xp.ones_like(pivot)))
        below = a[..., j + 1 :, j] - xp.sum(L[..., j + 1 :, :j] * xp.expand_dims(row, axis=-2), axis=-1)
        L[..., j, j] = root
        L[..., j + 1 :, j] = below / xp.expand_dims(root, axis=-1)
    return info


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    """X with A X = B, given the Cholesky factor of A = L Lᵀ (``upper``: A = Uᵀ U)."""
    L = _matrices(L, "cholesky_solve", square=True)
    B = _matrices(_operand(B, L, "cholesky_solve", "B"), "cholesky_solve")
    lower = L.mT if upper else L
    return _solve_matrices(lower.mT, _solve_matrices(lower, B, "cholesky_solve"), "cholesky_solve")


def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """A⁻¹ = L⁻ᵀ L⁻¹ given the Cholesky factor of A = L Lᵀ (``upper``: A = Uᵀ U)."""
    L = _matrices(L, "cholesky_inverse", square=True)
    lower_inverse = inv(L.mT if upper else L)
    return lower_inverse.mT @ lower_inverse


def qr(A: Tensor, mode: str = "reduced") -> QRResult:
    """A = Q R, Q with orthonormal columns, R upper triangular. ``mode``: 'reduced' (Q of shape
    (m, k), k = min(m, n)), 'complete' (Q square) or 'r' (R only; Q is empty)."""
    A = _matrices(A, "qr")
    if mode not in ("reduced", "complete", "r"):
        raise LinAlgOptionError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    Q, R = _QR.apply(A, mode)
    return QRResult(Q, R)


def eigh(A: Tensor, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric matrix,
    read from its lower (``UPLO='L'``) or upper triangle."""
    A = _matrices(A, "eigh", square=True)
    eigenvalues, eigenvectors = _Eigh.apply(A, _uplo(UPLO, "eigh"))
    return EighResult(eigenvalues, eigenvectors)


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues (ascending) of each symmetric matrix, from one triangle as in ``eigh``."""
    A = _matrices(A, "eigvalsh", square=True)
    uplo = _uplo(UPLO, "eigvalsh")
    if not A.requires_grad:
        return Tensor._wrap(
            A._backend.xp.linalg.eigvalsh(_symmetric(A._backend.xp, A._data, uplo)), A._backend
        )
    return _Eigh.apply(A, uplo)[0]


def svd(A: Tensor, full_matrices: bool = True, *, driver: str | None = None) -> SVDResult:
    """A = U diag(S) Vh, S descending; ``full_matrices=False`` keeps k = min(m, n) columns of U and
    rows of Vh. ``driver`` picks a cuSOLVER routine in PyTorch: only None (the default) is accepted."""
    if driver is not None:
        raise LinAlgOptionError(
            f"linalg.svd: driver={driver!r} picks a CUDA solver; only driver=None is supported"
        )
    U, S, Vh = _SVD.apply(_matrices(A, "svd"), bool(full_matrices))
    return SVDResult(U, S, Vh)


def svdvals(A: Tensor) -> Tensor:
    """The singular values of each matrix, descending."""
    A = _matrices(A, "svdvals")
    if not A.requires_grad:
        return Tensor._wrap(A._backend.xp.linalg.svdvals(A._data), A._backend)
    return _SVD.apply(A, False)[1]


def svd_returning_v(A: Tensor, some: bool = True, compute_uv: bool = True) -> SVDWithV:
    """``torch.svd``: (U, S, V) with A = U diag(S) Vᵀ; ``some=False`` gives square U and V; with
    ``compute_uv=False``, U and V are square zero matrices (S alone is computed), as in PyTorch."""
    A = _matrices(A, "svd")
    if not compute_uv:
        m, n = A.shape[-2:]
        shape_u, shape_v = (m, m), (n, n)
        zeros = A._backend.xp.zeros
        kwargs = {"dtype": A._data.dtype, **A._backend.creation_kwargs}
        return SVDWithV(
            Tensor._wrap(zeros((*A.shape[:-2], *shape_u), **kwargs), A._backend),
            svdvals(A),
            Tensor._wrap(zeros((*A.shape[:-2], *shape_v), **kwargs), A._backend),
        )
    U, S, Vh = svd(A, full_matrices=not some)
    return SVDWithV(U, S, Vh.mT)


def pinv(
    A: Tensor, *, atol: float | None = None, rtol: float | None = None, hermitian: bool = False
) -> Tensor:
    """The Moore-Penrose pseudo-inverse: singular values at or below max(atol, rtol σ_max) count as
    0 (rtol defaults to eps max(m, n) when atol is not given, else 0); ``hermitian`` uses eigh on
    the lower triangle. Its gradient is PyTorch's ``pinv_backward``, not a path through the SVD."""
    A = _matrices(A, "pinv", square=hermitian)
    return _PseudoInverse.apply(A, cutoff=_cutoff(A, atol, rtol), hermitian=bool(hermitian))


def matrix_rank(
    A: Tensor, *, atol: float | None = None, rtol: float | None = None, hermitian: bool = False
) -> Tensor:
    """How many singular values are above max(atol, rtol σ_max) (defaults as in ``pinv``); int64."""
    A = _matrices(A, "matrix_rank", square=hermitian)
    xp = A._backend.xp
    if hermitian:
        values = xp.abs(xp.linalg.eigvalsh(_symmetric(xp, A._data, "L")))
    else:
        values = xp.linalg.svdvals(A._data)
    threshold = _threshold(xp, values, _cutoff(A, atol, rtol))
    return Tensor._wrap(xp.sum(xp.astype(values > threshold, xp.int64), axis=-1), A._backend)


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None) -> LstsqResult:
    """The least-squares solution X = A⁺ B of min ‖A X − B‖ (the minimum-norm one where A lacks
    rank), as ``torch.linalg.lstsq``, whose other outputs depend on the LAPACK driver named:
    ``residuals`` ‖A X − B‖² per column for 'gels', 'gelsd', 'gelss' when m > n and every A has
    full rank (else empty), ``rank`` for 'gelsy' (the default), 'gelsd', 'gelss', and
    ``singular_values`` for 'gelsd' and 'gelss'."""
    A = _matrices(A, "lstsq")
    B = _operand(B, A, "lstsq", "B")
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise LinAlgOptionError(f"linalg.lstsq: driver must be gels, gelsy, gelsd or gelss, got {driver!r}")
    driver = driver or "gelsy"
    if not 0 <= A.ndim - B.ndim <= 1:
        raise LinAlgShapeError(
            f"linalg.lstsq: B must have as many dims as A or one fewer, got shapes {A.shape} and {B.shape}"
        )
    vector = B.ndim == A.ndim - 1
    if not vector and B.ndim < 2:
        raise LinAlgShapeError(
            f"linalg.lstsq: B must be (*, m, k) or (*, m), got shape {B.shape} for A {A.shape}"
        )
    matrix_b = B.unsqueeze(-1) if vector else B
    if matrix_b.shape[-2] != A.shape[-2]:
        raise LinAlgShapeError(
            f"linalg.lstsq: A of shape {A.shape} and B of shape {B.shape} need one number of rows"
        )
    tolerance = rcond if rcond is not None else float(np.finfo(A.dtype).eps) * max(A.shape[-2:])
    solution = pinv(A, rtol=tolerance) @ matrix_b
    xp, backend = A._backend.xp, A._backend
    ranks = matrix_rank(A, rtol=tolerance)
    empty = Tensor._wrap(xp.zeros((0,), dtype=A._data.dtype, **backend.creation_kwargs), backend)
    m, n = A.shape[-2:]
    full_rank = bool(xp.all(ranks._data == n))
    residuals = (
        ((A @ solution - matrix_b) ** 2).sum(-2) if m > n and full_rank and driver != "gelsy" else empty
    )
    if vector and residuals.ndim:
        residuals = residuals.squeeze(-1) if residuals.shape[-1:] == (1,) and residuals.size else residuals
    no_rank = Tensor._wrap(xp.zeros((0,), dtype=xp.int64, **backend.creation_kwargs), backend)
    values = svdvals(A.detach()) if driver in ("gelsd", "gelss") else empty
    return LstsqResult(
        solution.squeeze(-1) if vector else solution,
        residuals,
        no_rank if driver == "gels" else ranks,
        values,
    )


# ---------------------------------------------------------------------------------------------
# The differentiable primitives


class _Inverse(Function):
    """X = A⁻¹; dA = −Xᵀ G Xᵀ."""

    saves_inputs = False
    saves_output = True

    def forward(self, a: Any) -> Any:
        return _factor(self.xp, "inv", self.xp.linalg.inv, a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        inverse_t = self.output.mT
        return (-(inverse_t @ grad @ inverse_t),)


class _Determinant(Function):
    """d = det A; dA = g · cofactors(A) = g α U diag(Π_{j≠i} σⱼ) Vh from the SVD, α = det U det Vh,
    which stays exact where A is singular or nearly so (d A⁻ᵀ loses every digit there). With
    create_graph, where every A is nonsingular, it is g d A⁻ᵀ, differentiable without the SVD's
    trouble with repeated singular values (PyTorch's ``linalg_det_backward`` picks likewise)."""

    saves_output = True

    def forward(self, a: Any) -> Any:
        return self.xp.linalg.det(a)

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        A, d = self.inputs[0], self.output
        if is_grad_enabled() and not bool(self.xp.any(d._data == 0)):
            return ((grad * d).unsqueeze(-1).unsqueeze(-1) * inv(A).mT,)
        U, S, Vh = svd(A)
        xp = self.xp
        alpha = Tensor._wrap(xp.linalg.det(U._data) * xp.linalg.det(Vh._data), self.backend)
        n = S.shape[-1]
        rows = S.unsqueeze(-2).expand(*S.shape[:-1], n, n)
        others = where(_eye_mask(n, A), 1.0, rows).prod(-1)  # Π_{j≠i} σⱼ
        scaled = (alpha * grad).unsqueeze(-1) * others
        return ((U * scaled.unsqueeze(-2)) @ Vh,)


class _LogAbsDet(Function):
    """log |det A| (computed by the caller with the sign); dA = g A⁻ᵀ."""

    def forward(self, a: Any, value: Any) -> Any:
        return value

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        return (grad.unsqueeze(-1).unsqueeze(-1) * inv(self.inputs[0]).mT,)


class _Solve(Function):
    """X = A⁻¹ B (one batch shape); dB = A⁻ᵀ G, dA = −dB Xᵀ."""

    saves_output = True

    def forward(self, a: Any, b: Any) -> Any:
        return _factor(self.xp, "solve", self.xp.linalg.solve, a, b)

    def backward(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        A = self.inputs[0]
        grad_b = _Solve.apply(A.mT, grad)
        grad_a = -(grad_b @ self.output.mT) if self.needs_input_grad[0] else None
        return grad_a, grad_b if self.needs_input_grad[1] else None


class _Cholesky(Function):
    """L with A = L Lᵀ. dA = sym(L⁻ᵀ Φ(Lᵀ G) L⁻¹), Φ the lower triangle with the diagonal halved,
    sym(X) = (X + Xᵀ)/2 (Murray 2016, arXiv:1602.07527; PyTorch's ``cholesky_backward``)."""

    saves_inputs = False
    saves_output = True

    def forward(self, a: Any) -> Any:
        return _factor(self.xp, "cholesky", self.xp.linalg.cholesky, _symmetric(self.xp, a, "L"))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        L = self.output
        phi = (L.mT @ grad).tril()
        phi = phi - 0.5 * _diag_embed(_diagonal(phi))
        lower_inverse = inv(L)
        gradient = lower_inverse.mT @ phi @ lower_inverse
        return (0.5 * (gradient + gradient.mT),)


class _QR(Function):
    """A = Q R. For m >= n: dA = (G_Q + Q copyltu(M)) R⁻ᵀ with M = R G_Rᵀ − G_Qᵀ Q and copyltu(M)
    the symmetric matrix of M's lower triangle (Liao et al. 2019, arXiv:1903.09650); for m < n the
    square left block X = Q U takes G_Q + Y G_Vᵀ and the rest Y = Q V takes Q G_V."""

    @staticmethod
    def forward(ctx: Any, A: Tensor, mode: str) -> tuple[Tensor, Tensor]:
        xp, backend = A._backend.xp, A._backend
        q, r = xp.linalg.qr(A._data, mode="complete" if mode == "complete" else "reduced")
        if mode == "r":
            q = xp.zeros((0,), dtype=A._data.dtype, **backend.creation_kwargs)
        Q, R = Tensor._wrap(q, backend), Tensor._wrap(r, backend)
        ctx.mode = mode
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(Q, R)
        return Q, R

    @staticmethod
    def backward(ctx: Any, grad_q: Tensor | None, grad_r: Tensor | None) -> tuple[Tensor | None, None]:
        Q, R = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError(
                "linalg.qr: the derivative of QR needs Q, which mode='r' does not compute; use "
                "mode='reduced' to differentiate through qr"
            )
        m, n = Q.shape[-2], R.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("linalg.qr: QR is not differentiable when mode='complete' and rows > columns")
        if grad_q is None and grad_r is None:
            return None, None
        if m >= n:
            return _qr_backward_tall(grad_q, grad_r, Q, R), None
        U, V = R[..., :m], R[..., m:]
        Y = Q @ V
        grad_v = grad_r[..., m:] if grad_r is not None else None
        grad_u = grad_r[..., :m] if grad_r is not None else None
        if grad_v is not None:
            grad_q = Y @ grad_v.mT if grad_q is None else grad_q + Y @ grad_v.mT
            grad_y = Q @ grad_v
        else:
            grad_y = Y * 0.0
        return cat([_qr_backward_tall(grad_q, grad_u, Q, U), grad_y], dim=-1), None


def _qr_backward_tall(grad_q: Tensor | None, grad_r: Tensor | None, Q: Tensor, R: Tensor) -> Tensor:
    """The QR gradient of a matrix with m >= n (R square): (G_Q + Q copyltu(M)) R⁻ᵀ."""
    M = R @ grad_r.mT if grad_r is not None else None
    if grad_q is not None:
        M = -(grad_q.mT @ Q) if M is None else M - grad_q.mT @ Q
    copyltu = M.tril() + M.tril(-1).mT
    b = Q @ copyltu if grad_q is None else grad_q + Q @ copyltu
    return _Solve.apply(R, b.mT).mT  # b R⁻ᵀ


class _Eigh(Function):
    """A = V diag(λ) Vᵀ. dA = V (diag(G_λ) + K / E) Vᵀ with K = skew(Vᵀ G_V) = (X − Xᵀ)/2 and
    E_ij = λⱼ − λᵢ (PyTorch's ``linalg_eig_backward``, Hermitian case); without G_V no division
    happens, so repeated eigenvalues are fine for ``eigvalsh``."""

    @staticmethod
    def forward(ctx: Any, A: Tensor, uplo: str) -> tuple[Tensor, Tensor]:
        xp, backend = A._backend.xp, A._backend
        values, vectors = xp.linalg.eigh(_symmetric(xp, A._data, uplo))
        eigenvalues, eigenvectors = Tensor._wrap(values, backend), Tensor._wrap(vectors, backend)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(eigenvalues, eigenvectors)
        return eigenvalues, eigenvectors

    @staticmethod
    def backward(
        ctx: Any, grad_values: Tensor | None, grad_vectors: Tensor | None
    ) -> tuple[Tensor | None, None]:
        L, V = ctx.saved_tensors
        if grad_vectors is None:
            if grad_values is None:
                return None, None
            return (V * grad_values.unsqueeze(-2)) @ V.mT, None
        VtG = V.mT @ grad_vectors
        skew = 0.5 * (VtG - VtG.mT)
        n = L.shape[-1]
        gaps = where(_eye_mask(n, L), 1.0, L.unsqueeze(-2) - L.unsqueeze(-1))
        inner = skew / gaps
        if grad_values is not None:
            inner = inner + _diag_embed(grad_values)
        return V @ inner @ V.mT, None


class _SVD(Function):
    """A = U diag(S) Vh; the gradient is PyTorch's ``svd_backward`` (full matrices are narrowed to
    their first k columns of U and rows of Vh first, as PyTorch does)."""

    @staticmethod
    def forward(ctx: Any, A: Tensor, full_matrices: bool) -> tuple[Tensor, Tensor, Tensor]:
        xp, backend = A._backend.xp, A._backend
        u, s, vh = xp.linalg.svd(A._data, full_matrices=full_matrices)
        U, S, Vh = (Tensor._wrap(x, backend) for x in (u, s, vh))
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(U, S, Vh)
        return U, S, Vh

    @staticmethod
    def backward(
        ctx: Any, grad_u: Tensor | None, grad_s: Tensor | None, grad_vh: Tensor | None
    ) -> tuple[Tensor | None, None]:
        U, S, Vh = ctx.saved_tensors
        k = S.shape[-1]
        if U.shape[-1] != k:
            U, grad_u = U[..., :k], None if grad_u is None else grad_u[..., :k]
        if Vh.shape[-2] != k:
            Vh, grad_vh = Vh[..., :k, :], None if grad_vh is None else grad_vh[..., :k, :]
        return _svd_backward(grad_u, grad_s, grad_vh, U, S, Vh), None


def _svd_backward(
    grad_u: Tensor | None, grad_s: Tensor | None, grad_vh: Tensor | None, U: Tensor, S: Tensor, Vh: Tensor
) -> Tensor | None:
    """dA = U [(skew(Uᵀ G_U) S + S skew(Vh G_Vhᵀ)) / E + diag(G_S)] Vh, E_ij = σⱼ² − σᵢ², plus the
    parts of G_U and G_Vh outside the spans of U and V for rectangular A (PyTorch's svd_backward)."""
    m, n = U.shape[-2], Vh.shape[-1]
    if grad_u is None and grad_vh is None:
        if grad_s is None:
            return None
        return U @ (grad_s.unsqueeze(-1) * Vh) if m >= n else (U * grad_s.unsqueeze(-2)) @ Vh
    squares = S * S
    gaps = where(_eye_mask(S.shape[-1], S), 1.0, squares.unsqueeze(-2) - squares.unsqueeze(-1))
    terms = 0.0
    if grad_u is not None:
        UtG = U.mT @ grad_u
        terms = (UtG - UtG.mT) * S.unsqueeze(-2)
    if grad_vh is not None:
        VtG = Vh @ grad_vh.mT
        terms = terms + S.unsqueeze(-1) * (VtG - VtG.mT)
    inner = terms / gaps
    if grad_s is not None:
        inner = inner + _diag_embed(grad_s)
    if m > n and grad_u is not None:
        outside = grad_u / S.unsqueeze(-2)
        return (U @ inner + outside - U @ (U.mT @ outside)) @ Vh
    if m < n and grad_vh is not None:
        outside = grad_vh / S.unsqueeze(-1)
        return U @ (inner @ Vh + outside - (outside @ Vh.mT) @ Vh)
    return U @ (inner @ Vh)


class _PseudoInverse(Function):
    """A⁺ from the SVD (or eigh) with small values cut; the gradient is PyTorch's pinv_backward."""

    saves_output = True

    def forward(self, a: Any, cutoff: tuple[float, float], hermitian: bool) -> Any:
        xp = self.xp
        if hermitian:
            values, vectors = xp.linalg.eigh(_symmetric(xp, a, "L"))
            kept = xp.abs(values) > _threshold(xp, xp.abs(values), cutoff)
            inverse = xp.where(kept, 1 / xp.where(kept, values, xp.ones_like(values)), xp.zeros_like(values))
            return xp.matmul(vectors * xp.expand_dims(inverse, axis=-2), xp.matrix_transpose(vectors))
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        kept = s > _threshold(xp, s, cutoff)
        inverse = xp.where(kept, 1 / xp.where(kept, s, xp.ones_like(s)), xp.zeros_like(s))
        return xp.matmul(xp.matrix_transpose(vh) * xp.expand_dims(inverse, axis=-2), xp.matrix_transpose(u))

    def backward(self, grad: Tensor) -> tuple[Tensor]:
        A, P = self.inputs[0], self.output
        m, n = A.shape[-2:]
        Pt, Gt = P.mT, grad.mT
        if m <= n:
            K = Gt @ P
            KPt = K @ Pt
            return (-(P @ K).mT + KPt - (A @ P) @ KPt + (Pt @ P) @ (Gt - K @ A),)
        K = P @ Gt
        PtK = Pt @ K
        return (-(K @ P).mT + (Gt - A @ K) @ P @ Pt + PtK - PtK @ P @ A,)


# ---------------------------------------------------------------------------------------------
# Helpers


def _check_tensor(x: object, name: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"linalg.{name}: the input must be a Tensor, got {type(x).__name__}")


def _floating(A: Tensor, name: str) -> Tensor:
    if A.dtype not in FLOATS:
        raise LinAlgDtypeError(
            f"linalg.{name}: expected a float32 or float64 tensor, got {A.dtype} "
            "(convert with .float() or .double())"
        )
    return A


def _matrices(A: Any, name: str, square: bool = False) -> Tensor:
    """``A`` checked: a float32/float64 Tensor of matrices (square ones if ``square``)."""
    _check_tensor(A, name)
    _floating(A, name)
    if A.ndim < 2:
        raise LinAlgShapeError(
            f"linalg.{name}: A must have at least 2 dimensions (a matrix or a batch of matrices), "
            f"got shape {A.shape}"
        )
    if square and A.shape[-1] != A.shape[-2]:
        raise LinAlgShapeError(
            f"linalg.{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
            f"{A.shape[-1]} matrices (shape {A.shape})"
        )
    return A


def _operand(B: Any, A: Tensor, name: str, label: str) -> Tensor:
    """A second operand: a Tensor of A's dtype and device."""
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.{name}: {label} must be a Tensor, got {type(B).__name__}")
    _same_device(A, B, f"linalg.{name}")
    if B.dtype != A.dtype:
        raise LinAlgDtypeError(
            f"linalg.{name}: dtype mismatch {A.dtype} vs {B.dtype}; tensors are never upcast silently, "
            "convert one with .astype() (or .float() / .double())"
        )
    return B


def _uplo(UPLO: str, name: str) -> str:
    if UPLO not in ("L", "U"):
        raise LinAlgOptionError(f"linalg.{name}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return UPLO


def _symmetric(xp: Any, a: Any, uplo: str) -> Any:
    """The symmetric matrices that one triangle of ``a`` describes (the other is not read), so every
    backend sees the same matrix as PyTorch's one-triangle routines."""
    if uplo == "L":
        return xp.tril(a) + xp.matrix_transpose(xp.tril(a, k=-1))
    return xp.triu(a) + xp.matrix_transpose(xp.triu(a, k=1))


_WHY = {
    "inv": "the inversion could not be completed because the input matrix is singular",
    "solve": "the solver failed because the input matrix is singular",
    "cholesky": "the factorization could not be completed because the input is not positive-definite",
}


def _factor(xp: Any, name: str, routine: Any, a: Any, *more: Any) -> Any:
    """``routine(a, *more)``, with the backend's failure (an exception, or non-finite values from a
    finite matrix, as CuPy gives) raised as ``LinAlgError``."""
    try:
        result = routine(a, *more)
    except Exception as error:
        if type(error).__name__ != "LinAlgError":
            raise
        raise LinAlgError(f"linalg.{name}: {_WHY[name]} ({error})") from error
    if not bool(xp.all(xp.isfinite(result))) and bool(xp.all(xp.isfinite(a))):
        raise LinAlgError(f"linalg.{name}: {_WHY[name]}")
    return result


def _cutoff(A: Tensor, atol: float | None, rtol: float | None) -> tuple[float, float]:
    """(atol, rtol) with PyTorch's defaults: rtol = eps max(m, n) unless atol > 0 is given."""
    if rtol is None:
        rtol = float(np.finfo(A.dtype).eps) * max(A.shape[-2:]) if atol is None or atol <= 0 else 0.0
    return (0.0 if atol is None else float(atol), float(rtol))


def _threshold(xp: Any, values: Any, cutoff: tuple[float, float]) -> Any:
    """max(atol, rtol · largest value) per matrix, shaped to compare with ``values``."""
    atol, rtol = cutoff
    largest = xp.max(values, axis=-1, keepdims=True) if values.shape[-1] else xp.zeros_like(values[..., :1])
    return xp.maximum(largest * rtol, xp.full_like(largest, atol))


def _eye(rows: int, like: Tensor, columns: int | None = None) -> Tensor:
    """The (rows, columns) matrix with ones on its diagonal (square by default), in ``like``'s dtype
    and device."""
    backend = like._backend
    eye = backend.xp.eye(rows, columns, dtype=like._data.dtype, **backend.creation_kwargs)
    return Tensor._wrap(eye, backend)


def _eye_mask(n: int, like: Tensor) -> Tensor:
    return Tensor(np.eye(n, dtype=bool), device=like.device)


def _diagonal(M: Tensor) -> Tensor:
    """The main diagonals of a batch of square matrices, as vectors."""
    return (M * _eye(M.shape[-1], M)).sum(-1)


def _diag_embed(v: Tensor) -> Tensor:
    """Square matrices with the vectors ``v`` on their diagonals."""
    return v.unsqueeze(-1) * _eye(v.shape[-1], v)


def _keep(out: Tensor, dims: tuple[int, int]) -> Tensor:
    """``out`` with the two reduced ``dims`` put back as size 1 (keepdim)."""
    for d in sorted(dims):
        out = out.unsqueeze(d)
    return out


# -- LU factorisation ----------------------------------------------------------------------------
# LU factorisation with partial pivoting, as ``torch.linalg.lu_factor`` / ``lu`` / ``lu_solve``
# and the older ``torch.lu`` / ``lu_unpack`` / ``lu_solve`` / ``triangular_solve`` (served by
# ``tg.linalg`` and ``tg``).
#
# P A = L U is found by Gaussian elimination, column by column (LAPACK's getf2): at step j the row
# with the largest |entry| in column j (at or below the diagonal) is swapped up, the multipliers
# ℓᵢⱼ = aᵢⱼ / aⱼⱼ below the pivot are stored where the zeros would go, and the rest of the matrix
# loses ℓᵢⱼ times row j. Each step is a few Tensor ops on the whole batch, so the factors are
# differentiable (to any order) through the elimination itself, with the row swaps held fixed; the
# Array API has no LU to call. Pivots are LAPACK's: 1-based, row j was swapped with row pivots[j].


class LUResult(NamedTuple):
    P: Tensor
    L: Tensor
    U: Tensor


class LUFactorResult(NamedTuple):
    LU: Tensor
    pivots: Tensor


class LUFactorExResult(NamedTuple):
    LU: Tensor
    pivots: Tensor
    info: Tensor


class TriangularSolveResult(NamedTuple):
    solution: Tensor
    cloned_coefficient: Tensor


class LUDtypeError(LinAlgDtypeError, NotImplementedError):
    """An integer matrix to factor: PyTorch's NotImplementedError ("lu_cpu" not implemented for
    'Long'), and the TypeError / RuntimeError of the other linalg dtype errors."""


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False) -> LUFactorExResult:
    """(LU, pivots, info): L's multipliers below the diagonal and U on and above it, packed in
    one (*, m, n) matrix; the int32 pivots (*, min(m, n)); info (*,) int32, the 1-based index of
    the first zero pivot (U is singular there) or 0. ``check_errors`` raises for info > 0."""
    A = _lu_input(A, "lu_factor_ex")
    LU, pivots, info = _eliminate(A, pivot)
    if check_errors:
        _refuse_singular(info, "torch.linalg.lu_factor_ex")
    return LUFactorExResult(LU, pivots, info)


def lu_factor(A: Tensor, *, pivot: bool = True) -> LUFactorResult:
    """(LU, pivots) as ``lu_factor_ex``; a zero pivot (a singular U) is PyTorch's RuntimeError."""
    A = _lu_input(A, "lu_factor")
    LU, pivots, info = _eliminate(A, pivot)
    _refuse_singular(info, "torch.linalg.lu_factor")
    return LUFactorResult(LU, pivots)


def lu(A: Tensor, *, pivot: bool = True) -> LUResult:
    """(P, L, U) with A = P L U: P a permutation matrix (A's dtype), L (*, m, k) unit lower
    triangular, U (*, k, n) upper triangular, k = min(m, n). Singular A is fine here."""
    A = _lu_input(A, "lu")
    LU, pivots, _ = _eliminate(A, pivot)
    return LUResult(*lu_unpack(LU, pivots))


def lu_unpack(
    LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True
) -> LUResult:
    """``torch.lu_unpack``: (P, L, U) from the packed factors; an output not asked for is empty."""
    LU_data = _matrices(LU_data, "lu_unpack")
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    pivots = _pivots(LU_pivots, LU_data, "lu_unpack")
    empty = LU_data.new_zeros(0)
    P = _permutation(pivots, m, LU_data) if unpack_pivots else empty
    if not unpack_data:
        return LUResult(P, empty, empty)
    rows, columns = arange(m, device=LU_data.device), arange(n, device=LU_data.device)
    strictly_lower = rows.reshape(m, 1) > columns
    L = where(strictly_lower, LU_data, 0.0)[..., :, :k] + _eye(m, LU_data, k)
    U = where(strictly_lower, 0.0, LU_data)[..., :k, :]
    return LUResult(P, L, U)


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False) -> Tensor:
    """X with A X = B (``adjoint``: Aᵀ X = B; ``left=False``: X A = B, or X Aᵀ = B), given
    ``lu_factor``'s (LU, pivots) of a square A = P L U: two triangular solves and the permutation."""
    LU = _matrices(LU, "lu_solve", square=True)
    B = _matrices(_operand(B, LU, "lu_solve", "B"), "lu_solve")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        equation, shape = ("AX = B", f"{B.shape[-2]}x{B.shape[-1]}")
        if not left:
            equation = "XA = B"
        raise LinAlgShapeError(
            f"linalg.lu_solve: Incompatible shapes of A and B for the equation {equation} "
            f"({n}x{n} and {shape})"
        )
    P = _permutation(_pivots(pivots, LU, "lu_solve"), n, LU)
    if not left:  # X A = B  <=>  Aᵀ Xᵀ = Bᵀ
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    if adjoint:  # Uᵀ Lᵀ Pᵀ X = B
        W = solve_triangular(LU.mT, B, upper=False)
        return P @ solve_triangular(LU.mT, W, upper=True, unitriangular=True)
    Y = solve_triangular(LU, P.mT @ B, upper=False, unitriangular=True)  # L U X = Pᵀ B
    return solve_triangular(LU, Y, upper=True)


# -- the older torch.* spellings ---------------------------------------------------------------


def lu_with_info(A: Tensor, pivot: bool = True, get_infos: bool = False) -> tuple[Tensor, ...]:
    """``torch.lu`` / ``Tensor.lu``: (A_LU, pivots), and the infos with ``get_infos``."""
    import warnings

    warnings.warn(
        "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be "
        "removed in a future PyTorch release.",
        UserWarning,
        stacklevel=3,
    )
    A = _lu_input(A, "lu")
    LU, pivots, info = _eliminate(A, pivot)
    return (LU, pivots, info) if get_infos else (LU, pivots)


def lu_solve_legacy(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """``torch.lu_solve(b, LU_data, LU_pivots)``: ``linalg.lu_solve`` with the right side first."""
    return lu_solve(LU_data, LU_pivots, b)


def triangular_solve(
    b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False, unitriangular: bool = False
) -> TriangularSolveResult:
    """``torch.triangular_solve``: (X, a copy of A) with T X = b, T A's upper (or lower) triangle,
    or Tᵀ X = b with ``transpose``."""
    import warnings

    warnings.warn(
        "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be removed "
        "in a future PyTorch release.",
        UserWarning,
        stacklevel=3,
    )
    A = _matrices(A, "triangular_solve", square=True)
    T = A.mT if transpose else A
    X = solve_triangular(T, b, upper=upper != transpose, unitriangular=unitriangular)
    return TriangularSolveResult(X, A.clone())


# -- the elimination -----------------------------------------------------------------------------


def _lu_input(A: Any, name: str) -> Tensor:
    if isinstance(A, Tensor) and A.dtype.kind in "iub":
        raise LUDtypeError(f'{name}: "lu" is not implemented for integer or bool matrices ({A.dtype})')
    return _matrices(A, name)


def _eliminate(A: Tensor, pivot: bool) -> tuple[Tensor, Tensor, Tensor]:
    """(LU packed, int32 pivots, int32 info) of a batch of (m, n) matrices."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    device = A.device
    rows, columns = arange(m, device=device).reshape(m, 1), arange(n, device=device)
    R = A
    chosen = []
    info = A.new_zeros(*batch, dtype=np.int32)
    for j in range(k):
        if pivot:  # the first largest |entry| at or below the diagonal (LAPACK's idamax)
            p = R.detach()[..., j:, j].abs().argmax(-1) + j
            order = where(
                rows[:, 0] == j, p.unsqueeze(-1), where(rows[:, 0] == p.unsqueeze(-1), j, rows[:, 0])
            )
            R = R.gather(-2, order.unsqueeze(-1).expand(*batch, m, n))
        else:
            p = A.new_full(batch, j, dtype=np.int64)
        chosen.append(p)
        diagonal = R[..., j : j + 1, j : j + 1]
        zero = diagonal == 0
        info = where((info == 0) & zero[..., 0, 0], j + 1, info)
        below = rows > j
        multipliers = where(below, R[..., :, j : j + 1] / where(zero, 1.0, diagonal), 0.0)  # (*, m, 1)
        R = R - multipliers @ where(columns > j, R[..., j : j + 1, :], 0.0)
        R = where(below & (columns == j), multipliers, R)  # ℓ stored in place of the zeros
    pivots = ((A.new_zeros(*batch, 0, dtype=np.int64) if k == 0 else stack(chosen, -1)) + 1).astype(np.int32)
    return R, pivots, info.astype(np.int32)


def _first_zero_pivot(info: Tensor) -> int:
    """The first of ``info``'s nonzero entries (the 1-based index of a zero pivot), or 0 for none."""
    if not info.numel() or not bool((info > 0).any().item()):
        return 0
    return int(info[info > 0][0].item())


def _refuse_singular(info: Tensor, name: str) -> None:
    if first := _first_zero_pivot(info):
        raise LinAlgError(
            f"{name}: U[{first},{first}] is zero and using it on lu_solve would result in a division "
            "by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) "
            "or linalg.lu_factor_ex(A, pivot)"
        )


def _pivots(pivots: Any, like: Tensor, name: str) -> Tensor:
    if not isinstance(pivots, Tensor) or pivots.dtype != np.int32:
        got = pivots.dtype if isinstance(pivots, Tensor) else type(pivots).__name__
        raise LinAlgDtypeError(f"linalg.{name}: pivots must be an int32 Tensor (lu_factor's), got {got}")
    k = min(like.shape[-2:])
    if pivots.shape[-1:] != (k,):
        raise LinAlgShapeError(
            f"linalg.{name}: pivots of shape {pivots.shape} do not fit LU of shape {like.shape} "
            f"({k} per matrix)"
        )
    return pivots


def _permutation(pivots: Tensor, m: int, like: Tensor) -> Tensor:
    """The permutation matrix P (A's dtype, shape (*, m, m)) of LAPACK's row swaps: A = P L U.
    The swaps are replayed on the host (they are integers, never differentiated)."""
    swaps = pivots._backend.to_numpy(pivots._data).astype(np.int64) - 1
    batch = swaps.shape[:-1]
    flat = swaps.reshape(math.prod(batch), swaps.shape[-1])  # -1 cannot be read off with no pivots
    order = np.tile(np.arange(m), (flat.shape[0], 1))
    every = np.arange(flat.shape[0])
    for j in range(flat.shape[1]):
        target = flat[:, j]
        if np.any((target < 0) | (target >= m)):
            raise LinAlgShapeError(f"lu_unpack: pivots must lie in [1, {m}], got {(target + 1).tolist()}")
        order[every, j], order[every, target] = order[every, target], order[every, j]
    # Row i of Pᵀ A is row order[i] of A: P[order[i], i] = 1.
    P = np.zeros((flat.shape[0], m, m), dtype=like.dtype)
    P[every[:, None], order, np.arange(m)] = 1
    return Tensor(P.reshape(*batch, m, m), device=like.device)


# -- Householder QR (torch.geqrf, linalg.householder_product / orgqr, ormqr) -----------------------
# A = Q R with Q = H₁ H₂ ⋯ H_k, Hⱼ = I − τⱼ vⱼ vⱼᵀ (LAPACK's geqr2 and dlarfg): vⱼ has zeros above
# row j, 1 at row j and its tail below the diagonal of column j of geqrf's output, whose upper
# triangle holds R. β = −sign(α) ‖(α, x)‖ replaces the column head α, τ = (β − α)/β and the tail is
# x/(α − β); a column already zero below the diagonal gets τ = 0 (H = I).


class GeqrfResult(NamedTuple):
    a: Tensor
    tau: Tensor


class GeqrfDerivativeError(NotImplementedError):
    """PyTorch has no derivative for geqrf: asking for one is its NotImplementedError."""


class _NoGeqrfDerivative(Function):
    """Passes geqrf's outputs on, refusing a gradient through them as PyTorch does."""

    def forward(self, a: Any, value: Any) -> Any:
        return value

    def backward(self, grad: Tensor) -> tuple[None, ...]:
        raise GeqrfDerivativeError("the derivative for 'geqrf' is not implemented.")


def geqrf(input: Tensor) -> GeqrfResult:
    """``torch.geqrf``: (a, tau), the Householder form of A's QR factorisation (R in a's upper
    triangle, the reflectors' tails below it); no derivative, as in PyTorch."""
    A = _matrices(input, "geqrf")
    m, n = A.shape[-2:]
    k = min(m, n)
    rows, columns = arange(m, device=A.device).reshape(m, 1), arange(n, device=A.device)
    with no_grad():
        R = A.detach()
        taus = []
        for j in range(k):
            column = where(rows >= j, R[..., :, j : j + 1], 0.0)  # (*, m, 1): α and x below it
            alpha = R[..., j : j + 1, j : j + 1]
            tail_norm = where(rows > j, column, 0.0).square().sum(-2, keepdim=True).sqrt()
            flat = tail_norm == 0
            norm = (alpha.square() + tail_norm.square()).sqrt()
            beta = where(alpha >= 0, -norm, norm)
            tau = where(flat, 0.0, (beta - alpha) / where(flat, 1.0, beta))
            scale = where(flat, 0.0, 1 / where(flat, 1.0, alpha - beta))
            v = where(rows == j, 1.0, where(rows > j, column * scale, 0.0))  # (*, m, 1)
            rest = where(columns > j, R, 0.0)
            R = R - tau * v @ (v.mT @ rest)
            R = where((rows == j) & (columns == j), where(flat, alpha, beta), R)
            R = where((rows > j) & (columns == j), v, R)
            taus.append(tau[..., 0, 0])
        tau = stack(taus, -1) if taus else A.new_zeros(*A.shape[:-2], 0)
    if A.requires_grad:
        return GeqrfResult(
            _NoGeqrfDerivative.apply(A, value=R._data), _NoGeqrfDerivative.apply(A, value=tau._data)
        )
    return GeqrfResult(R, tau)


def _reflectors(A: Tensor, tau: Tensor, name: str) -> list[tuple[Tensor, Tensor]]:
    """(vⱼ (*, m, 1), τⱼ (*, 1, 1)) for each of tau's k reflectors stored in A's columns."""
    tau = _operand(tau, A, name, "tau")
    m, n = A.shape[-2:]
    k = tau.shape[-1] if tau.ndim else -1
    if tau.ndim != A.ndim - 1 or k > n or tau.shape[:-1] != A.shape[:-2]:
        raise LinAlgShapeError(
            f"torch.{name}: tau of shape {tau.shape} does not fit input of shape {A.shape} (batch dims "
            f"equal, at most {n} values)"
        )
    rows = arange(m, device=A.device).reshape(m, 1)
    return [
        (where(rows == j, 1.0, where(rows > j, A[..., :, j : j + 1], 0.0)), tau[..., j : j + 1].unsqueeze(-1))
        for j in range(k)
    ]


class InvExResult(NamedTuple):
    inverse: Tensor
    info: Tensor


class SolveExResult(NamedTuple):
    result: Tensor
    info: Tensor


def _singular_as_identity(A: Tensor, info: Tensor) -> tuple[Tensor, Tensor]:
    """A with each matrix whose LU has a zero pivot (info > 0) replaced by I, and that mask as
    (*, 1, 1): the ``_ex`` functions solve the rest and give NaN there (PyTorch's result is undefined)."""
    singular = (info > 0).reshape(*info.shape, 1, 1)
    return where(singular, _eye(A.shape[-1], A), A), singular


def inv_ex(A: Tensor, *, check_errors: bool = False) -> InvExResult:
    """(A⁻¹, info) without raising for a singular A (``torch.linalg.inv_ex``): info (*,) int32 is
    the 1-based index of the first zero pivot of A's LU factorisation, or 0; A⁻¹ is NaN there."""
    A = _matrices(A, "inv_ex", square=True)
    with no_grad():
        info = _eliminate(A.detach(), True)[2]
    if check_errors and (first := _first_zero_pivot(info)):
        raise LinAlgError(
            f"linalg.inv_ex: The diagonal element {first} is zero, the inversion could not be completed "
            "because the input matrix is singular."
        )
    safe, singular = _singular_as_identity(A, info)
    return InvExResult(where(singular, math.nan, inv(safe)), info)


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False) -> SolveExResult:
    """(X, info) as ``solve`` without raising for a singular A (``torch.linalg.solve_ex``); info as
    in ``inv_ex``, X NaN for a singular A."""
    A = _matrices(A, "solve_ex", square=True)
    with no_grad():
        info = _eliminate(A.detach(), True)[2]
    if check_errors and _first_zero_pivot(info):
        raise LinAlgError("torch.linalg.solve_ex: The solver failed because the input matrix is singular.")
    safe, singular = _singular_as_identity(A, info)
    X = solve(safe, B, left=left)
    vector = X.ndim == A.ndim - 1
    mask = singular.reshape(*singular.shape[:-1]) if vector else singular
    return SolveExResult(where(mask, math.nan, X), info)


def householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first n columns of H₁ ⋯ H_k (``torch.linalg.householder_product``, ``torch.orgqr``):
    geqrf's Q; differentiable in A and tau."""
    A = _matrices(A, "householder_product")
    m, n = A.shape[-2:]
    if m < n:
        raise LinAlgShapeError(
            "torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
            f"input.shape[-1] (got {A.shape})"
        )
    Q = _eye(m, A, n).expand(*A.shape)
    for v, t in reversed(_reflectors(A, tau, "householder_product")):
        Q = Q - t * v @ (v.mT @ Q)
    return Q


orgqr = householder_product


def ormqr(input: Tensor, tau: Tensor, other: Tensor, left: bool = True, transpose: bool = False) -> Tensor:
    """``torch.ormqr``: Q C, Qᵀ C (``transpose``), C Q or C Qᵀ (``left=False``) for the full m × m
    Q = H₁ ⋯ H_k of geqrf's (input, tau), without forming Q; differentiable."""
    A = _matrices(input, "ormqr")
    C = _matrices(_operand(other, A, "ormqr", "other"), "ormqr")
    m = A.shape[-2]
    if (C.shape[-2] if left else C.shape[-1]) != m:
        side = "other.shape[-2]" if left else "other.shape[-1]"
        raise LinAlgShapeError(
            f"torch.ormqr: {side} must be equal to input.shape[-2] (got {C.shape} and {A.shape})"
        )
    reflectors = _reflectors(A, tau, "ormqr")
    # Q C applies H_k first; Qᵀ C = H_k ⋯ H₁ C applies H₁ first; C Q applies H₁ first.
    if left != transpose:
        reflectors = reflectors[::-1]
    for v, t in reflectors:
        C = C - t * v @ (v.mT @ C) if left else C - t * (C @ v) @ v.mT
    return C
