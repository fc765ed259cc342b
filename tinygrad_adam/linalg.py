"""``tg.linalg``: the norms of ``torch.linalg`` (vector norms of any order, the Frobenius norm of
matrices), on top of ``Tensor.norm``. Decompositions (inverse, solve, SVD) are not built."""

from __future__ import annotations

from collections.abc import Sequence

from .tensor import Tensor

Dims = int | Sequence[int] | None


def vector_norm(x: Tensor, ord: float = 2, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """(Σ |x|^ord)^(1/ord) over ``dim`` (every entry by default): ``inf`` is max |x|, ``-inf``
    min |x|, 0 the count of nonzeros. The gradient is 0, not nan, where the norm is 0."""
    _check_tensor(x, "vector_norm")
    if isinstance(ord, str):
        raise ValueError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    return x.norm(ord, dim, keepdim)


def matrix_norm(
    x: Tensor, ord: str = "fro", dim: tuple[int, int] = (-2, -1), keepdim: bool = False
) -> Tensor:
    """The Frobenius norm √(Σ x²) of the matrices over the two axes ``dim``."""
    _check_tensor(x, "matrix_norm")
    if ord != "fro":
        raise NotImplementedError(
            f"linalg.matrix_norm: ord={ord!r} needs singular values or column/row sums; only 'fro' is built"
        )
    if x.ndim < 2:
        raise ValueError(f"linalg.matrix_norm: needs a matrix (2 or more dims), got shape {x.shape}")
    return x.norm("fro", tuple(dim), keepdim)


def norm(x: Tensor, ord: float | str | None = None, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """``torch.linalg.norm``: with ``ord=None`` the 2-norm of the flattened input (or over ``dim``);
    a number is a vector norm over one ``dim``; ``'fro'`` the Frobenius norm of matrices."""
    _check_tensor(x, "norm")
    if ord is None:
        return x.norm(2, dim, keepdim)
    if isinstance(ord, str):
        return matrix_norm(x, ord, (-2, -1) if dim is None else dim, keepdim)
    if dim is None and x.ndim > 2:
        raise ValueError(
            f"linalg.norm: with ord and no dim the input must be 1-D or 2-D, got shape {x.shape}"
        )
    if (dim is None and x.ndim == 2) or (isinstance(dim, (tuple, list)) and len(dim) == 2):
        raise NotImplementedError(
            f"linalg.norm: ord={ord} over two dims is a matrix norm (singular values or row/column sums), "
            "which is not built; give one dim for a vector norm, or ord='fro'"
        )
    return x.norm(ord, dim, keepdim)


def _check_tensor(x: object, name: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"linalg.{name}: the input must be a Tensor, got {type(x).__name__}")
