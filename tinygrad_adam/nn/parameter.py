"""``nn.parameter``: ``Parameter`` and the placeholders of lazy modules, as ``torch.nn.parameter``.

An ``UninitializedParameter`` (or ``UninitializedBuffer``) has no shape yet: a ``LazyLinear`` holds
them until its first forward infers ``in_features``; ``materialize(shape)`` then gives it data and
turns it, the same object, into a ``Parameter`` (a plain ``Tensor``), so an optimizer built before
the first forward still holds it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from ..tensor import DType, Tensor, _resolve_dtype, get_default_dtype, zeros
from .module import Buffer, Parameter

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter", "is_lazy"]

_SHAPE_ERROR = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
    "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
    "`forward` to initialize the parameters before accessing their attributes."
)


class _Uninitialized:
    """What the two placeholders share: no shape until ``materialize``."""

    __slots__ = ()
    is_uninitialized = True
    cls_to_become: type

    @property
    def shape(self) -> tuple[int, ...]:
        raise RuntimeError(_SHAPE_ERROR)

    def materialize(
        self, shape: tuple[int, ...], device: str | None = None, dtype: DType | None = None
    ) -> None:
        """Give the placeholder zeros of ``shape`` (on its device and dtype unless given) and make
        it the tensor it stands for, in place."""
        dtype = _resolve_dtype(dtype) or self.dtype
        data = zeros(tuple(shape), dtype=dtype, device=device or self.device)
        self._data, self._backend = data._data, data._backend
        self._version += 1
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def _refuse(self, method: str) -> NoReturn:
        raise ValueError(
            f"Attempted to use an uninitialized parameter in {method}. This error happens when you are "
            "using a `LazyModule` or explicitly manipulating `UninitializedParameter` objects: call "
            "`forward` with a dummy batch to initialize the parameters first"
        )

    # What PyTorch refuses on a placeholder (counting its elements, reading it), rather than an empty answer
    def numel(self) -> int:
        self._refuse("numel")

    def __len__(self) -> int:
        self._refuse("__len__")

    def item(self) -> Any:
        self._refuse("item")

    def tolist(self) -> Any:
        self._refuse("tolist")

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Copied and pickled as a fresh placeholder (nothing else to keep), so lazy modules can be."""
        return type(self), (self.requires_grad, self.device, self.dtype)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return type(self)(self.requires_grad, self.device, self.dtype)


class UninitializedParameter(_Uninitialized, Parameter):
    """A ``Parameter`` whose shape a lazy module decides at its first forward."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(
        self, requires_grad: bool = True, device: str | None = None, dtype: DType | None = None
    ) -> None:
        Parameter.__init__(self, _empty(device, dtype), requires_grad)


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer whose shape a lazy module decides at its first forward."""

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(
        self, requires_grad: bool = False, device: str | None = None, dtype: DType | None = None
    ) -> None:
        empty = _empty(device, dtype)
        Tensor.__init__(self, empty)
        self.requires_grad_(requires_grad)


def _empty(device: str | None, dtype: DType | None) -> Tensor:
    return zeros((0,), dtype=_resolve_dtype(dtype) or get_default_dtype(), device=device)


def is_lazy(tensor: Any) -> bool:
    """Whether ``tensor`` is a placeholder not yet materialized."""
    return isinstance(tensor, _Uninitialized)
