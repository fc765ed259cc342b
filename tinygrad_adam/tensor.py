"""``Tensor``: an array on a device, plus the graph links that reverse-mode autodiff follows."""

from __future__ import annotations

import builtins
import math
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from . import autograd
from .backend import Backend, get_backend
from .rng import random_draws
from .tensor_spellings import TensorSize, TensorSpellings

DType = Any  # a NumPy dtype, a dtype name such as "float32", or a scalar type such as np.float32

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
uint16 = np.dtype("uint16")  # PyTorch's limited unsigned types: they hold, move and compare
uint32 = np.dtype("uint32")
uint64 = np.dtype("uint64")
bool_ = np.dtype("bool")


class UnsupportedDType:
    """A PyTorch dtype that NumPy has no type for (``tg.bfloat16``, ``tg.complex64``): a name a
    script may hand to ``tg.autocast`` (which keeps full precision anyway), refused by name wherever
    a tensor would have to hold it."""

    def __init__(self, name: str, advice: str) -> None:
        self.name, self.advice = name, advice

    def __repr__(self) -> str:
        return f"tinygrad_adam.{self.name}"


bfloat16 = UnsupportedDType("bfloat16", "NumPy has no bfloat16; use float32 (or float16)")
_NO_COMPLEX = "complex tensors are not supported; keep the real and imaginary parts in two tensors"
complex64 = UnsupportedDType("complex64", _NO_COMPLEX)
complex128 = UnsupportedDType("complex128", _NO_COMPLEX)
default_float = float32  # the dtype of Python floats; changed only by set_default_dtype

_SCALARS = (int, float, bool, np.number, np.bool_)


class DimensionError(IndexError, ValueError):
    """A dim (axis) out of range: an IndexError, as PyTorch raises, and a ValueError, as NumPy's
    AxisError is both (so ``except ValueError`` written for earlier versions still catches it)."""


class ShapeError(ValueError, RuntimeError):
    """Shapes that do not broadcast together or multiply: a ValueError, and a RuntimeError, as
    PyTorch raises."""


class InvalidArgumentError(ValueError, RuntimeError):
    """An argument PyTorch refuses with a RuntimeError (a negative size, a zero step, a dim named
    twice, a count out of range): a ValueError, as we raised before, and that RuntimeError."""


class DtypeMismatchError(TypeError, RuntimeError):
    """Two tensors that must share a dtype and do not (``isclose`` of float32 and float64): our
    TypeError, and PyTorch's RuntimeError."""


class InvalidRequiresGradError(TypeError, RuntimeError):
    """``requires_grad`` set to a non-bool, or to True on an integer tensor: a TypeError, as
    ``requires_grad_`` raises, and the RuntimeError PyTorch's attribute raises."""


class IntegerOverflowError(OverflowError, RuntimeError):
    """A Python number that an integer dtype cannot hold (300 for int8): PyTorch's RuntimeError
    "value cannot be converted to type int8 without overflow", never a silent wrap-around."""


def _overflows(value: Any, dtype: np.dtype) -> bool:
    """PyTorch's ``c10::overflows`` for a Python number stored in the integer ``dtype``: outside its
    range, except that an unsigned dtype lets negatives down to -max wrap (-1 -> 255 for uint8)."""
    info = np.iinfo(dtype)
    lowest = -int(info.max) if dtype.kind == "u" else int(info.min)
    return not lowest <= value <= int(info.max)


class EmptyReductionIndexError(IndexError, ValueError):
    """argmax/argmin of an empty tensor without a dim, max/min along an empty dim: PyTorch's
    IndexError, and our old ValueError."""


class GradShapeError(ValueError, RuntimeError):
    """A seed (``gradient=``, ``grad_outputs=``) not of its output's shape: PyTorch's RuntimeError."""


def set_default_dtype(dtype: DType) -> None:
    """Make ``dtype`` (float32, PyTorch's default, or float64/float16) the dtype of tensors made
    from Python floats, of float factories (zeros, randn, arange of floats, ...) and so of new layers'
    parameters, as ``torch.set_default_dtype``. Existing tensors keep their dtype."""
    global default_float
    resolved = _resolve_dtype(dtype)
    if resolved.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point dtypes can be the default, got {resolved}")
    default_float = resolved


def get_default_dtype() -> np.dtype:
    """The dtype of tensors made from Python floats: float32 unless ``set_default_dtype`` changed it."""
    return default_float


def _is_float(dtype: np.dtype) -> bool:
    return dtype.kind == "f"


def _resolve_dtype(dtype: DType | None) -> np.dtype | None:
    if dtype is None:
        return None
    if isinstance(dtype, UnsupportedDType):
        raise TypeError(f"unsupported dtype {dtype.name}: {dtype.advice}")
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"unknown dtype {dtype!r}") from error
    if resolved.kind not in "fiub" or resolved.itemsize > 8:
        raise TypeError(f"unsupported dtype {resolved}: use a float, integer or boolean dtype")
    return resolved


class RaggedDataError(TypeError, ValueError):
    """Nested lists of unequal lengths: PyTorch's ValueError, and the TypeError we raised before."""


def _host_array(data: Any, dtype: np.dtype | None) -> np.ndarray:
    """Host data -> NumPy array with PyTorch's dtype rules (Python floats become float32)."""
    keep_float64 = False  # a float64 tensor in a list keeps the list float64, as in PyTorch
    from_python = not isinstance(data, (np.ndarray, np.generic))
    if not from_python:
        # A copy, as torch.tensor makes: updating the tensor must never change the caller's array.
        array = np.array(data, copy=True)
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(item, Tensor) for item in data):
            if any(isinstance(item, Tensor) and item.ndim != 0 for item in data):
                raise TypeError("cannot make a tensor from a list of Tensors: join them with tg.stack(...)")
            keep_float64 = any(isinstance(item, Tensor) and item.dtype == float64 for item in data)
            data = [item.numpy() if isinstance(item, Tensor) else item for item in data]  # 0-d: numbers
        try:
            array = np.asarray(data)
        except ValueError as error:  # NumPy refuses nested lists of unequal lengths
            raise RaggedDataError(
                "cannot make a tensor from ragged nested lists: the lists at each depth need one length"
            ) from error
        if array.dtype == np.float64 and dtype is None and _integers_beyond_int64(data, array):
            raise IntegerBeyondInt64Error(  # NumPy read [1, 2**63] as floats; float32 would round them
                "an integer is above the int64 maximum 2**63 - 1, which PyTorch refuses; pass "
                "dtype=np.uint64 (or a float dtype) to keep it"
            )
        if array.dtype == np.float64 and not keep_float64 and dtype is None:
            array = array.astype(default_float)  # with a dtype given, the values are rounded once, to it
        elif array.dtype == np.uint64 and dtype is None:  # Python integers from 2**63 on
            raise IntegerBeyondInt64Error(
                "an integer is above the int64 maximum 2**63 - 1, which PyTorch refuses; pass "
                "dtype=np.uint64 to keep it"
            )
    if array.dtype.kind == "O":
        if any(isinstance(item, int) and not -(2**63) <= item < 2**64 for item in array.reshape(-1)):
            raise OverflowError("an integer is beyond 64 bits: no tensor dtype holds it")
        raise TypeError(f"cannot make a tensor from {type(data).__name__}: ragged or non-numeric data")
    if array.dtype.kind not in "fiub" or array.dtype.itemsize > 8:
        raise TypeError(f"unsupported dtype {array.dtype} for a tensor")
    if not array.dtype.isnative:  # big-endian data (from a file, say) in the machine's byte order
        array = array.astype(array.dtype.newbyteorder("="))
    if dtype is not None:
        if array.dtype.kind == "f" and dtype.kind in "iu" and not np.isfinite(array).all():
            raise InvalidArgumentError(  # PyTorch's RuntimeError
                f"cannot convert nan or inf to the integer dtype {dtype} (as PyTorch refuses)"
            )
        wraps = from_python and dtype.kind in "iu" and array.dtype not in (dtype, bool_) and array.size
        for value in (int(array.min()), int(array.max())) if wraps else ():
            if _overflows(value, dtype):
                raise IntegerOverflowError(f"value {value} cannot be converted to {dtype} without overflow")
        array = array.astype(dtype, copy=False)
    return array


class IntegerBeyondInt64Error(OverflowError, ValueError):
    """Python integers past int64 without a dtype: our OverflowError, and PyTorch's ValueError
    ("Overflow when unpacking long long")."""


def _integers_beyond_int64(data: Any, array: np.ndarray) -> bool:
    """Whether nested lists of integers only, one of them past int64, became NumPy's float64."""
    if not array.size or not np.abs(array).max() >= 2**63:
        return False
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, (list, tuple)):
            pending.extend(item)
        elif not isinstance(item, (int, np.integer)):
            return False  # a float among them (or a 0-d tensor's array): a float tensor, as PyTorch makes
    return True


def _check_assigned_grad(tensor: Tensor, grad: Any) -> None:
    """Refuse, as PyTorch does, a ``.grad`` that is not a tensor like ``tensor``."""
    if not isinstance(grad, Tensor):
        kind = type(grad).__name__
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {kind}")
    if grad._data.shape != tensor._data.shape:
        shapes = f"a gradient of shape {tuple(grad.shape)} to a tensor of shape {tuple(tensor.shape)}"
        raise RuntimeError(f"attempting to assign {shapes}")
    if grad._backend is not tensor._backend:  # first: two backends' dtypes never compare equal
        raise RuntimeError(f"attempting to assign a gradient on {grad.device} to a tensor on {tensor.device}")
    if grad._data.dtype != tensor._data.dtype:
        dtypes = f"a gradient of dtype {grad.dtype} to a tensor of dtype {tensor.dtype}"
        raise RuntimeError(f"attempting to assign {dtypes}")


class Tensor(TensorSpellings):
    """An n-dimensional array that records the ops applied to it, for ``backward()``.

    ``Tensor(data, requires_grad=False, dtype=None, device=None)``: Python numbers and lists become
    float32 (integers int64, booleans bool), NumPy arrays keep their dtype, as ``torch.tensor`` does.
    """

    # `_base` is set on views only (see _View): a weak reference to the tensor whose memory they share.
    __slots__ = (
        "_data", "_grad", "_requires_grad", "grad_fn", "_backend", "_version", "_base", "__weakref__",
        "_grad_hooks", "_post_accumulate_grad_hooks",  # a leaf's hooks, set only by registering one
        "_viewed",  # set (True) on a tensor once a view of its memory is taken: see _set_data
        "_view_index",  # on a slice of a tensor (basic indexing), the index it was taken with: see _in_place
        "_graph_views",  # on a graph tensor, weak references to its views in the graph: see _rebase_views
    )  # fmt: skip

    __array_priority__ = 1000  # make `ndarray * Tensor` call Tensor.__rmul__

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        dtype: DType | None = None,
        device: str | None = None,
    ) -> None:
        dtype = _resolve_dtype(dtype)
        if isinstance(data, Tensor):
            source = data._backend
            backend = get_backend(device) if device is not None else source
            if backend is source:
                array = backend.xp.asarray(data._data, copy=True)
                if dtype is not None:
                    array = backend.xp.astype(array, backend.native_dtype(dtype))
            else:
                array = backend.asarray(source.to_numpy(data._data), dtype)
        else:
            backend = get_backend(device)
            if (
                not backend.is_host
                and hasattr(data, "__array_namespace__")
                and not isinstance(data, (np.ndarray, np.generic))
            ):
                array = data if dtype is None else backend.xp.astype(data, backend.native_dtype(dtype))
            else:
                host = _host_array(data, dtype)
                if not backend.is_host:
                    backend.native_dtype(host.dtype)  # a dtype the device lacks (strict: float16) says so
                array = backend.asarray(host)
        self._data = array
        self._backend = backend
        self._grad: Tensor | None = None
        self.grad_fn: autograd.Function | None = None
        self._version = 0
        self._requires_grad = False
        if requires_grad:
            self.requires_grad_(requires_grad)

    @classmethod
    def _wrap(cls, data: Any, backend: Backend) -> Tensor:
        """A tensor around an existing device array, with no checks (the ops' fast path)."""
        tensor = object.__new__(cls)
        # NumPy returns a 0-d result as a scalar, which is immutable: hold a 0-d array instead.
        tensor._data = np.asarray(data) if isinstance(data, np.generic) else data
        tensor._backend = backend
        tensor._grad = None
        tensor.grad_fn = None
        tensor._requires_grad = False
        tensor._version = 0
        return tensor

    @property
    def grad(self) -> Tensor | None:
        """The gradient that ``backward`` accumulated here, or None; assigned only a tensor of this
        tensor's shape, dtype and device (or None), as in PyTorch."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_assigned_grad(self, value)
        self._grad = value

    # -- properties ----------------------------------------------------------------------------
    @property
    def data(self) -> Tensor:
        """This tensor's values as a tensor outside autograd, sharing its memory (PyTorch's ``.data``).

        Changes made through it (``p.data.fill_(0)``, ``p.data -= lr * p.grad.data``) reach this
        tensor but are not recorded: no graph, no version bump, so backward cannot see them.
        ``detach()`` is the safe spelling; ``.data`` exists for code written the older way.
        """
        return _SharedMemory._wrap(self._data, self._backend)

    @data.setter
    def data(self, value: Tensor) -> None:
        """Make this tensor hold ``value``'s memory (shape, dtype and device may change), as in PyTorch."""
        if isinstance(value, Tensor):
            self._data, self._backend = value._data, value._backend
        elif type(value) is type(self._data):  # a raw array of this tensor's own device
            self._data = value
        else:
            raise TypeError(
                f"Tensor.data must be set to a Tensor (or an array of this tensor's device, "
                f"{type(self._data).__name__}), got {type(value).__name__}"
            )

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)``: the values of a CPU tensor (shared memory), as a PyTorch CPU tensor gives.
        A tensor on another device is not copied to the host implicitly: call ``t.numpy()``."""
        if not self._backend.is_host:
            raise TypeError(
                f"cannot convert a tensor on {self.device} to a NumPy array implicitly: use t.numpy(), "
                "which copies it to the host"
            )
        array = self._data
        if dtype is not None and np.dtype(dtype) != array.dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._data.shape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        """The number of elements (NumPy's ``x.size``), also callable as PyTorch's ``x.size()`` (the
        shape) and ``x.size(dim)`` (one axis' length): see ``TensorSize``."""
        return TensorSize.of(self._data.shape)

    def numel(self) -> int:
        return self.size

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self) -> np.dtype:
        dtype = self._data.dtype
        # NumPy and CuPy arrays carry NumPy dtypes already: no conversion on this hot path.
        return dtype if isinstance(dtype, np.dtype) else self._backend.numpy_dtype(dtype)

    @property
    def device(self) -> str:
        return self._backend.name

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:
        """All axes reversed (the matrix transpose for 2-D tensors)."""
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> Tensor:  # noqa: N802 (PyTorch's name)
        """The last two axes swapped (a batch of matrices transposed); needs at least 2 dimensions."""
        if self.ndim < 2:
            raise ShapeError(f"mT needs a tensor of at least 2 dimensions, got shape {self.shape}")
        return self.transpose(-2, -1)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad must be a bool, got {requires_grad!r}")
        if requires_grad and not _is_float(self.dtype):
            raise InvalidRequiresGradError(  # PyTorch's RuntimeError
                f"only floating-point tensors can require gradients, but this one is {self.dtype}"
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("requires_grad can only be switched off on leaf tensors; use detach()")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded for backward."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, requires_grad: bool) -> None:
        # As PyTorch's attribute: a bool, on a leaf, and True only for floating-point tensors.
        if requires_grad is not True and requires_grad is not False:
            if not isinstance(requires_grad, np.bool_):
                raise InvalidRequiresGradError(f"requires_grad must be a bool, got {requires_grad!r}")
            requires_grad = bool(requires_grad)
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf tensors; to use a computed tensor "
                "without its graph, take .detach()"
            )
        if requires_grad and not _is_float(self.dtype):
            raise InvalidRequiresGradError(
                f"only floating-point tensors can require gradients, but this one is {self.dtype}"
            )
        self._requires_grad = requires_grad

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after ``backward``."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on a tensor that has requires_grad=False")
        if self.grad_fn is not None:
            import weakref

            self.grad_fn._retained = weakref.ref(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Any:
        """Call ``hook(grad)`` each time backward computes the gradient with respect to this tensor
        (for a leaf, the sum over its uses, before it reaches ``.grad``); a tensor ``hook`` returns
        replaces the gradient. Returns a handle whose ``remove()`` takes the hook away. As
        ``torch.Tensor.register_hook``."""
        from . import autograd
        from .nn.module import RemovableHandle

        if not callable(hook):
            raise TypeError(f"register_hook expects a callable, got {type(hook).__name__}")
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:  # the node that made this tensor runs the hooks on its gradient
            hooks = self.grad_fn.__dict__.get("_hooks")
            if hooks is None:
                hooks = self.grad_fn._hooks = {}
        else:
            hooks = getattr(self, "_grad_hooks", None)
            if hooks is None:
                hooks = self._grad_hooks = {}
            autograd.leaf_hooks_registered = True
        return RemovableHandle(hooks, hook, False, False)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> Any:
        """Call ``hook(tensor)`` after backward has added this leaf's gradient into ``.grad`` (to
        step an optimizer from inside backward, for example). As PyTorch's method of that name."""
        from . import autograd
        from .nn.module import RemovableHandle

        if not callable(hook):
            kind = type(hook).__name__
            raise TypeError(f"register_post_accumulate_grad_hook expects a callable, got {kind}")
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        hooks = getattr(self, "_post_accumulate_grad_hooks", None)
        if hooks is None:
            hooks = self._post_accumulate_grad_hooks = {}
        autograd.leaf_hooks_registered = True
        return RemovableHandle(hooks, hook, False, False)

    # -- conversions -------------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The data as a NumPy array (shares memory on the CPU, copies from other devices)."""
        return self._backend.to_numpy(self._data)

    def item(self) -> float | int | bool:
        if self.size != 1:
            raise InvalidArgumentError(
                f"item() needs a tensor with one element, this one has shape {self.shape}"
            )
        return self.numpy().reshape(()).item()

    def tolist(self) -> Any:
        return self.numpy().tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        """An integer tensor of one element as a Python index (``items[t]``, ``range(t)``), as in PyTorch."""
        if self.dtype.kind not in "iu" or self.size != 1:
            raise TypeError(
                f"only integer tensors of a single element can be converted to an index, got a "
                f"{self.dtype} tensor of shape {self.shape}"
            )
        return int(self.item())

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (``f"{loss:.4f}"``), as in PyTorch; others as repr."""
        if self.ndim == 0:
            return format(self.item(), spec)
        return super().__format__(spec)

    def __bool__(self) -> bool:
        if self.size != 1:
            raise InvalidArgumentError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; use .any() or .all()"
            )
        return bool(self.item())

    def __reduce__(self) -> tuple:
        # Pickle and deepcopy by value: host data, dtype, device name and requires_grad (a leaf
        # copy, as torch's deepcopy of a leaf); the backend module itself cannot be pickled.
        return (_rebuild, (type(self), self.numpy(), self.device, self.requires_grad))

    def __deepcopy__(self, memo: dict) -> Tensor:
        # As pickling, and the gradient copied with it, as torch's deepcopy of a leaf does.
        rebuild, arguments = self.__reduce__()
        copied = rebuild(*arguments)
        memo[id(self)] = copied
        if self._grad is not None:
            copied._grad = self._grad.__deepcopy__(memo)
        return copied

    def detach(self) -> Tensor:
        """The same data, cut from the graph (a view: in-place changes to either show in both)."""
        return _view_of(Tensor._wrap(self._data, self._backend), self)

    def detach_(self) -> Tensor:
        """Cut this tensor from its graph, in place: it becomes a leaf that requires no grad."""
        if type(self) is _View:
            raise RuntimeError("detach_ of a view is not supported; use .detach() (out of place)")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def clone(self, *, memory_format: memory_format | None = None) -> Tensor:
        """A copy with memory of its own; differentiable (the gradient passes through unchanged)."""
        check_memory_format(memory_format, "clone")
        if _is_float(self.dtype):
            return _ops().Cast.apply(self, dtype=self._backend.native_dtype(self.dtype))
        return Tensor._wrap(self._backend.xp.asarray(self._data, copy=True), self._backend)

    def to(
        self,
        device: str | Tensor | DType | None = None,
        dtype: DType | None = None,
        *,
        non_blocking: bool = False,
        copy: bool = False,
        memory_format: memory_format | None = None,
    ) -> Tensor:
        """A copy on ``device`` and/or cast to ``dtype``; differentiable (for float dtypes), as in PyTorch.

        PyTorch's other forms work too: ``x.to(tg.float64)`` (a dtype in the first place) and
        ``x.to(other)`` (``other``'s device and dtype). ``copy=True`` copies even when nothing
        changes; ``memory_format=tg.channels_last`` lays the copy out channels last (as ``contiguous``);
        ``non_blocking`` is accepted for PyTorch's code (copies here always finish before ``to`` returns).
        """
        check_memory_format(memory_format, "to")
        for name, flag in (("non_blocking", non_blocking), ("copy", copy)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"to: {name} must be a bool, got {type(flag).__name__} {flag!r}")
        if isinstance(device, Tensor):
            device, dtype = device.device, dtype or device.dtype
        elif isinstance(device, (np.dtype, type, UnsupportedDType)):
            if dtype is not None:
                raise TypeError(f"to: got two dtypes, {device!r} in the place of device and {dtype!r}")
            device, dtype = None, device
        out = self
        if device is not None and get_backend(device) is not self._backend:
            out = _ops().ToDevice.apply(self, target=get_backend(device))
        if dtype is not None:
            out = out.astype(dtype)
        if memory_format is not None and memory_format.name.startswith("channels_last"):
            out = out.contiguous(memory_format)  # x.to(memory_format=tg.channels_last), as PyTorch
        return out.clone() if copy and out is self else out

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device: int | str | None = None) -> Tensor:
        """This tensor on a GPU, as ``torch.Tensor.cuda``: ``"cuda"``, or ``"cuda:N"`` for ``device=N``
        (an error that says what is missing where CuPy or a GPU is not there)."""
        name = "cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else str(device))
        return self.to(name)

    def astype(self, dtype: DType) -> Tensor:
        """Cast to ``dtype``; float-to-float casts keep the graph, others give a constant."""
        from . import ops

        dtype = _resolve_dtype(dtype)
        if dtype == self.dtype:
            return self
        native = self._backend.native_dtype(dtype)
        if _is_float(dtype) and _is_float(self.dtype):
            return ops.Cast.apply(self, dtype=native)
        return Tensor._wrap(self._backend.xp.astype(self._data, native), self._backend)

    def float(self) -> Tensor:
        return self.astype(float32)

    def double(self) -> Tensor:
        return self.astype(float64)

    def long(self) -> Tensor:
        return self.astype(int64)

    def short(self) -> Tensor:
        return self.astype(int16)

    def __repr__(self) -> str:
        from .printing import array_text  # tg.set_printoptions

        body = array_text(self.numpy())
        extras = []
        if self.dtype not in (float32, int64, bool_):
            extras.append(f"dtype={self.dtype}")
        if self.device != "cpu":
            extras.append(f"device='{self.device}'")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={type(self.grad_fn).__name__}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # -- autodiff ----------------------------------------------------------------------------
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Tensor | Sequence[Tensor] | None = None,
        *,
        grad: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (PyTorch's signature).

        A non-scalar tensor needs ``gradient`` (alias ``grad``: the vector of the vector-Jacobian
        product). The graph is freed afterwards unless ``retain_graph=True``; with
        ``create_graph=True`` the gradients are themselves differentiable. ``inputs`` limits the
        accumulation to those tensors (leaves or not); the others' ``.grad`` stay as they are.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of it has "
                "requires_grad=True (or it was computed under no_grad)"
            )
        seed = _initial_grad(self, _one_of("backward", "gradient", gradient, "grad", grad))
        autograd.accumulate([self], [seed], retain_graph, create_graph, inputs)

    # -- in-place changes (tracked, so backward can refuse stale values) ---------------------
    def _check_inplace(self) -> None:
        if not (self.requires_grad and autograd.is_grad_enabled()):
            return
        if self.grad_fn is None:
            raise RuntimeError(
                "in-place change of a leaf tensor that requires grad; wrap it in `with no_grad():`"
            )
        # The engine follows tensors, not versions of them: an in-place change of a graph node
        # cannot be recorded, and backward would silently differentiate the old value.
        raise RuntimeError(
            f"in-place change of a tensor computed by {type(self.grad_fn).__name__} while grad mode is "
            "on would not be recorded, so its gradients would be wrong; use an out-of-place op "
            "(y = y + x, tg.where(...)) or wrap the change in `with no_grad():`"
        )

    def _in_place(self, op: str, compute: Callable[[Tensor], Tensor]) -> Tensor:
        """``compute(self)`` written into this tensor: PyTorch's in-place ``op``.

        Where autograd records (this tensor comes from a graph, or an operand requires grad), the
        change is a new node of the graph, as in PyTorch: the tensor's ``grad_fn`` becomes the op,
        whose input is the old value, and the nodes recorded before keep that old value's node.
        Backward then refuses the nodes that saved the old value for their own gradient."""
        if not autograd.is_grad_enabled():  # (its data, outside the graph; not a view: see _set_data)
            return self._set_data(compute(Tensor._wrap(self._data, self._backend)), op)
        if self._requires_grad and self.grad_fn is None:
            raise RuntimeError(
                f"{op}: in-place change of a leaf tensor that requires grad; wrap it in `with no_grad():`"
            )
        viewed = getattr(self, "_viewed", False) and self._backend.writable(self._data)
        # The value before, as the graph's nodes have it: a copy where the memory will be written (this
        # tensor's, where views share it; a slice's, which is its base's).
        copied = viewed or (type(self) is _View and self._base() is not None)
        before = self._backend.copy_like(self._data, self._data) if copied else self._data
        old = Tensor._wrap(before, self._backend)
        old.grad_fn, old._requires_grad = self.grad_fn, self._requires_grad
        result = compute(old)
        if not result._requires_grad:
            if not self._requires_grad:
                return self._set_data(result, op)
            result = _ops().Overwrite.apply(old, data=result._data)  # a constant over a graph tensor
        base = self._base() if type(self) is _View else None
        if base is not None and getattr(self, "_view_index", None) is not None:
            return self._through_base(base, self._fitting(result, op))
        if type(self) is _SharedMemory or base is not None:
            raise RuntimeError(
                f"{op}: an in-place change of this view of another tensor (not a slice of it, or a view of "
                "a view) is not recorded by autograd here; compute the new values out of place "
                "(torch.where, torch.cat, index_put) or clone() the base first"
            )
        result = self._fitting(result, op)
        if result.grad_fn is None:  # an operand itself (copy_ of a leaf): a node of its own, and a new array
            result = result.clone()
        fn = result.grad_fn
        if viewed:
            self._data[...] = result._data
        else:
            self._data = result._data
        retained = self.grad_fn._retained if self.grad_fn is not None else None
        self.grad_fn, self._requires_grad = fn, True
        self._version += 1
        if fn.saves_output:
            fn._output_ref, fn._output_version = weakref.ref(self), self._version
        if retained is not None and retained() is self:  # retain_grad() follows the tensor, as in PyTorch
            fn._retained, old.grad_fn._retained = retained, None
        if getattr(self, "_graph_views", None):
            self._rebase_views()
        return self

    def _rebase_views(self) -> None:
        """After a recorded in-place change, this tensor's views take their gradient from its new
        value, as PyTorch's do: a slice is cut afresh from it; another view (a reshape, a transpose),
        whose op is not kept, refuses backward rather than give the old value's gradient."""
        views = [view for view in (ref() for ref in self._graph_views) if view is not None]
        views = [view for view in views if view is not self]
        self._graph_views = []
        for view in views:
            index = getattr(view, "_view_index", None)
            if index is not None:
                view.grad_fn = self[index].grad_fn
            else:
                view.grad_fn = _ops().StaleView.of(view)
        self._graph_views = [weakref.ref(view) for view in views]

    def _through_base(self, base: Tensor, result: Tensor) -> Tensor:
        """A slice ``base[index]`` changed in place to ``result`` under autograd: recorded as PyTorch
        does, as ``base[index] = result`` on the base, with this view then sliced afresh from it."""
        if base._requires_grad and base.grad_fn is None:
            raise RuntimeError(
                "a view of a leaf tensor that requires grad is being changed in place; wrap the change in "
                "`with no_grad():`"
            )
        index = self._view_index
        base[index] = result
        fresh = base[index]
        self._data, self.grad_fn, self._requires_grad = fresh._data, fresh.grad_fn, fresh._requires_grad
        return self

    def _fitting(self, result: Tensor, op: str) -> Tensor:
        """``result`` as this tensor's new data: the same shape, and the same dtype (integers cast)."""
        if result.shape != self.shape:
            raise ShapeError(f"{op}: a result of shape {result.shape} does not fit a {self.shape} tensor")
        if result.dtype != self.dtype and result.dtype.kind in "iu" and self.dtype.kind in "iu":
            result = result.astype(self.dtype)  # int32 += int64 stays int32, as in PyTorch
        if result.dtype != self.dtype:
            raise DtypeMismatchError(  # PyTorch's RuntimeError "result type ... can't be cast"
                f"{op}: a result of dtype {result.dtype} does not fit a {self.dtype} tensor"
            )
        return result

    def _set_data(self, result: Tensor, op: str) -> Tensor:
        """Replace the data by ``result`` (an op of ``self`` outside any graph), which keeps the shape and
        dtype; in-place ops that autograd may have to record go through ``_in_place``."""
        self._check_inplace()
        if result.requires_grad and autograd.is_grad_enabled():
            raise RuntimeError(
                f"{op}: an in-place op with an operand that requires grad is not recorded; "
                "use the out-of-place op instead"
            )
        result = self._fitting(result, op)
        if (
            (type(self) is _View and self._base() is not None) or type(self) is _SharedMemory
        ) and hasattr(self._data, "__setitem__"):
            # A view shares its base's memory, as in PyTorch: x[:, 1].mul_(2) changes x too; a
            # from_numpy tensor its array's, so t.add_(1) changes the array too; x.data x's.
            try:
                self._data[...] = result._data
            except ValueError as error:  # an expand (many elements, one memory cell) or read-only memory
                raise RuntimeError(
                    f"{op}: this tensor's memory cannot be written: it repeats elements of its base (an "
                    "expand) or is read-only (from_numpy of a read-only array); make a copy first (.clone())"
                ) from error
        elif getattr(self, "_viewed", False) and self._backend.writable(self._data):
            self._data[...] = result._data  # into the memory its views share: they see the change too
        else:
            self._data = result._data
        self._version += 1
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(value, _SCALARS) and self.dtype.kind in "iu":
            _fill_value(value, self.dtype, "__setitem__")  # nan, inf or 300 (for int8) has no integer value
        index = _sequence_as_tuple(index)
        masks = _byte_masks(index)
        if masks is not index and (isinstance(value, _SCALARS) or getattr(value, "size", 2) == 1):
            raise RuntimeError(  # PyTorch's masked_fill_ refuses it
                "__setitem__: filling with one value where a uint8 index selects only supports boolean "
                "masks: use index.bool() for a mask, or index.long() for integer indices"
            )
        index = masks
        value = _as_tensor(value, self)
        _same_device(self, value, "__setitem__")
        if autograd.is_grad_enabled() and (self._requires_grad or value._requires_grad):
            # recorded as PyTorch's index_put: the gradient of the selection goes to the value
            self._in_place("__setitem__", lambda old: _ops().SetItem.apply(old, value, index=index))
            return
        _write_at(self, index, value)
        self._version += 1

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def fill_(self, value: float) -> Tensor:
        if isinstance(value, Tensor) and value.requires_grad and autograd.is_grad_enabled():
            _fill_value(value, self.dtype, "fill_")  # one element; PyTorch's fill_ differentiates it
            one = value.reshape(()) if value.dtype == self.dtype else value.reshape(()).astype(self.dtype)
            return self._in_place("fill_", lambda t: one.expand(*t.shape).clone())
        value = _fill_value(value, self.dtype, "fill_")
        xp = self._backend.xp
        return self._in_place("fill_", lambda t: Tensor._wrap(xp.full_like(t._data, value), self._backend))

    def copy_(self, source: Any, non_blocking: bool = False) -> Tensor:
        """Overwrite with ``source`` (broadcast to this shape, cast to this dtype and moved to this
        device, as PyTorch's ``copy_``)."""
        other = _as_tensor(source, self)
        if other._backend is not self._backend:
            other = other.to(self.device)
        if other.shape != self.shape:
            other = other.expand(*self.shape)
        if autograd.is_grad_enabled() and (self._requires_grad or other._requires_grad):  # recorded
            value = other if other.dtype == self.dtype else other.astype(self.dtype)
            return self._in_place("copy_", lambda old: value.clone())
        copied = self._backend.copy_like(other._data, self._data)  # keeps this tensor's memory layout
        return self._set_data(Tensor._wrap(copied, self._backend), "copy_")

    def add_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """``self += alpha * other`` in place (``p.data.add_(p.grad, alpha=-lr)``, as in PyTorch)."""
        return self._in_place("add_", lambda t: t.add(other, alpha=alpha))

    def sub_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """``self -= alpha * other`` in place."""
        return self._in_place("sub_", lambda t: t.sub(other, alpha=alpha))

    def mul_(self, other: Any) -> Tensor:
        return self._in_place("mul_", lambda t: t * other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        if rounding_mode is None:
            return self._in_place("div_", lambda t: t / other)
        return self._in_place("div_", lambda t: t.div(other, rounding_mode=rounding_mode))

    # -- arithmetic ----------------------------------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return _binary(_ops().Add, self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _binary(_ops().Add, other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _binary(_ops().Sub, self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _binary(_ops().Sub, other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _binary(_ops().Mul, self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _binary(_ops().Mul, other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _binary(_ops().Div, self, other, true_division=True)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _binary(_ops().Div, other, self, true_division=True)

    def __pow__(self, other: Any) -> Tensor:
        if isinstance(other, (int, np.integer)) and other < 0 and self.dtype.kind in "iub":
            # PyTorch refuses a negative number here (a tensor exponent truncates, as 1 / a^n would).
            raise RuntimeError(
                f"Integers to negative integer powers are not allowed: {self.dtype} tensor ** {other}; "
                "use x.float() ** n for the reciprocal power"
            )
        return _binary(_ops().Pow, self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _binary(_ops().Pow, other, self)

    def pow(self, exponent: Any) -> Tensor:
        """``self ** exponent`` (PyTorch's method spelling)."""
        return self.__pow__(exponent)

    # x += y and its kin change x in place, as in PyTorch: `p -= lr * p.grad` under no_grad updates
    # the parameter itself, and on a graph tensor (or a slice of one) autograd records the change as
    # x.add_(y) does. A view whose change cannot be recorded here (a reshape or transpose of a graph
    # tensor, `.data`) gives the same value as a new tensor instead. A leaf that requires grad refuses
    # them outside no_grad, as in PyTorch.
    def _augmented(self, other: Any, in_place: Any, out_of_place: Any) -> Tensor:
        unrecordable_view = type(self) is _SharedMemory or (
            type(self) is _View and self._base() is not None and getattr(self, "_view_index", None) is None
        )
        if (
            unrecordable_view
            and autograd.is_grad_enabled()
            and (self._requires_grad or (isinstance(other, Tensor) and other._requires_grad))
            and (self.grad_fn is not None or not self._requires_grad)
        ):
            return out_of_place(self, other)
        return in_place(self, other)

    def __iadd__(self, other: Any) -> Tensor:
        return self._augmented(other, Tensor.add_, Tensor.__add__)

    def __isub__(self, other: Any) -> Tensor:
        return self._augmented(other, Tensor.sub_, Tensor.__sub__)

    def __imul__(self, other: Any) -> Tensor:
        return self._augmented(other, Tensor.mul_, Tensor.__mul__)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._augmented(other, Tensor.div_, Tensor.__truediv__)

    def __floordiv__(self, other: Any) -> Tensor:
        """⌊self / other⌋ (rounded toward -∞); as in PyTorch, backward through it raises."""
        return _binary(_ops().FloorDivide, self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return _binary(_ops().FloorDivide, other, self)

    def __mod__(self, other: Any) -> Tensor:
        """The remainder with the divisor's sign (Python's ``%``, ``torch.remainder``)."""
        return _binary(_ops().Remainder, self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return _binary(_ops().Remainder, other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(_as_tensor(other, self), self)

    def __neg__(self) -> Tensor:
        if self.dtype == bool_:
            raise DtypeMismatchError("- on a boolean tensor is not supported: to invert a mask use ~mask")
        return _ops().Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def maximum(self, other: Any) -> Tensor:
        return _binary(_ops().Maximum, self, other)

    def minimum(self, other: Any) -> Tensor:
        return _binary(_ops().Minimum, self, other)

    # -- comparisons (constants: no gradient flows through them) -----------------------------
    def _compare(self, other: Any, name: str) -> Tensor:
        a, b = _coerce(self, other, name)
        _check_broadcast(a, b, name.strip("_"))
        return Tensor._wrap(getattr(a._data, name)(b._data), a._backend)

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, "__lt__")

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, "__le__")

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, "__gt__")

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, "__ge__")

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, "__eq__")

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, "__ne__")

    __hash__ = object.__hash__

    def __and__(self, other: Any) -> Tensor:
        return self._bitwise(other, "__and__")

    def __or__(self, other: Any) -> Tensor:
        return self._bitwise(other, "__or__")

    def __xor__(self, other: Any) -> Tensor:
        return self._bitwise(other, "__xor__")

    def _bitwise(self, other: Any, name: str) -> Tensor:
        """&, |, ^: logical for masks, bitwise for integers; floats have no bits to combine."""
        for operand in (self, other):
            if (isinstance(operand, Tensor) and operand.dtype.kind == "f") or isinstance(
                operand, (float, np.floating)
            ):
                from .tensor_spellings import UnsupportedDtypeError  # PyTorch's NotImplementedError

                raise UnsupportedDtypeError(
                    f"{name.strip('_')} needs boolean or integer tensors, got {self.dtype} and "
                    f"{other.dtype if isinstance(other, Tensor) else type(other).__name__} "
                    "(PyTorch: not implemented for 'Float')"
                )
        return self._compare(other, name)

    # &, | and ^ are symmetric: `mask | x` with a Python number on the left gives `x | mask`.
    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self) -> Tensor:
        if self.dtype.kind not in "biu":  # logical not of a mask, bitwise not of integers
            raise TypeError(f"~ needs a boolean or integer tensor, got {self.dtype}")
        return Tensor._wrap(~self._data, self._backend)

    def argmax(
        self,
        axis: int | None = None,
        keepdims: bool | None = None,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index (int64) of the largest entry along ``axis`` (alias ``dim``), or of the flattened
        tensor; ties give the first occurrence, as PyTorch on the CPU and NumPy."""
        return self._arg_extremum("argmax", axis, keepdims, dim, keepdim)

    def argmin(
        self,
        axis: int | None = None,
        keepdims: bool | None = None,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index (int64) of the smallest entry; see ``argmax``."""
        return self._arg_extremum("argmin", axis, keepdims, dim, keepdim)

    def _arg_extremum(
        self, name: str, axis: Any, keepdims: Any, dim: Any, keepdim: Any, op: str | None = None
    ) -> Tensor:
        op = op or name
        axis, keepdims = _reduction_args(op, axis, keepdims, dim, keepdim)
        if axis is not None:
            if self.ndim == 0 and isinstance(axis, (int, np.integer)) and axis not in (0, -1):
                raise DimensionError(f"{op}: dim {axis} is out of range for a 0-d tensor (dim 0 or -1)")
            axis = _axis_index(axis, builtins.max(self.ndim, 1), op)
            if self.ndim == 0:
                axis = None
            elif self.shape[axis] == 0:
                raise IndexError(f"{op}: dim {axis} of a tensor of shape {self.shape} is empty")
        elif self.size == 0:
            raise EmptyReductionIndexError(
                f"{op}(): Expected reduction dim to be specified for input.numel() == 0 (an empty tensor)"
            )
        xp = self._backend.xp
        # The Array API's argmax/argmin take numbers only: False < True as 0 < 1
        data = xp.astype(self._data, xp.uint8) if self.dtype == bool_ else self._data
        found = getattr(xp, name)(data, axis=axis, keepdims=keepdims)
        return Tensor._wrap(found, self._backend).astype(int64)

    def any(
        self,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """Whether any entry is nonzero, along ``dim`` (alias ``axis``) or over all: a boolean tensor
        (uint8 for uint8, as in PyTorch; ``if x.any():`` still reads it as a Python bool)."""
        return self._logical_reduction("any", dim, keepdim, axis, keepdims)

    def all(
        self,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """Whether every entry is nonzero, along ``dim`` (alias ``axis``) or over all; see ``any``."""
        return self._logical_reduction("all", dim, keepdim, axis, keepdims)

    def _logical_reduction(self, name: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
        axis, keepdims = _reduction_args(name, axis, keepdims, dim, keepdim)
        axis = _check_axis(self, axis)
        data = self._data if self.dtype == bool_ else self._data != 0
        reduced = getattr(self._backend.xp, name)(data, axis=axis, keepdims=keepdims)
        result = Tensor._wrap(reduced, self._backend)
        return result.astype(uint8) if self.dtype == uint8 else result  # PyTorch keeps uint8 (old masks)

    # -- elementwise functions ---------------------------------------------------------------
    def _unary(self, function: Any) -> Tensor:
        if not _is_float(self.dtype):
            return function.apply(self.astype(default_float))
        return function.apply(self)

    def exp(self) -> Tensor:
        return self._unary(_ops().Exp)

    def log(self) -> Tensor:
        return self._unary(_ops().Log)

    def sqrt(self) -> Tensor:
        return self._unary(_ops().Sqrt)

    def tanh(self) -> Tensor:
        return self._unary(_ops().Tanh)

    def sigmoid(self) -> Tensor:
        return self._unary(_ops().Sigmoid)

    def relu(self) -> Tensor:
        """max(x, 0); the gradient passes where x > 0 or x is nan, as in PyTorch."""
        if self._data.dtype is bool_ or (not self._backend.is_host and self.dtype is bool_):
            raise DtypeMismatchError(  # PyTorch's RuntimeError, still a TypeError
                "relu of a boolean tensor is not supported (as in PyTorch); use mask.float()"
            )
        return _ops().Relu.apply(self)

    def abs(self) -> Tensor:
        if self._data.dtype is bool_ or (not self._backend.is_host and self.dtype is bool_):
            raise DtypeMismatchError(
                "abs of a boolean tensor is not supported (as in PyTorch); a mask is its own abs"
            )
        return _ops().Abs.apply(self)

    __abs__ = abs  # the built-in abs(x)

    def sign(self) -> Tensor:
        """-1, 0 or 1 by the sign of each entry (of the input's dtype; a mask is its own sign)."""
        if self.dtype == bool_:
            return self.clone()
        return _ops().Sign.apply(self)

    def sin(self) -> Tensor:
        return self._unary(_ops().Sin)

    def cos(self) -> Tensor:
        return self._unary(_ops().Cos)

    def log1p(self) -> Tensor:
        """log(1 + x), accurate for tiny x."""
        from .nn.functional import Log1p

        return self._unary(Log1p)

    def expm1(self) -> Tensor:
        """e^x - 1, accurate for tiny x."""
        from .nn.functional import Expm1

        return self._unary(Expm1)

    def square(self) -> Tensor:
        """x * x (int64 for a mask, as in PyTorch)."""
        source = self.astype(int64) if self.dtype == bool_ else self
        return source * source

    def reciprocal(self) -> Tensor:
        """1 / x (a float result for integer tensors, as in PyTorch)."""
        return 1 / self

    def rsqrt(self) -> Tensor:
        """1 / sqrt(x)."""
        return self.sqrt().reciprocal()

    def clip(self, min: float | Tensor | None = None, max: float | Tensor | None = None) -> Tensor:  # noqa: A002
        """Values clamped to [min, max]; a bound may be a number or a tensor that broadcasts.

        Number bounds with ``min > max`` are refused (a ValueError), where PyTorch gives ``max``
        everywhere: such bounds are almost always swapped by mistake.
        """
        if min is None and max is None:
            raise InvalidArgumentError("clip needs at least one of min and max")
        for name, bound in (("min", min), ("max", max)):
            if bound is not None and (
                isinstance(bound, (bool, np.bool_)) or not isinstance(bound, (Tensor, *_SCALARS))
            ):
                raise TypeError(f"clip: {name} must be a number or a Tensor, got {bound!r}")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            # Elementwise bounds: the gradient goes to the input inside them, to a bound where it wins.
            out = self if min is None else where(self < min, min, self)
            return out if max is None else where(out > max, max, out)
        if min is not None and max is not None and min > max:
            raise ValueError(f"clip got min={min} > max={max}: swapped? (PyTorch gives max everywhere)")
        source = self
        if not _is_float(self.dtype) and any(isinstance(b, (float, np.floating)) for b in (min, max)):
            source = self.astype(default_float)  # float bounds make a float result, never float64
        return _ops().Clip.apply(source, low=min, high=max)

    clamp = clip

    def softmax(
        self, axis: int | None = None, *, dim: int | None = None, dtype: DType | None = None
    ) -> Tensor:
        """``exp(x) / Σ exp(x)`` along ``axis`` (alias ``dim``; default the last axis), of the input
        cast to ``dtype`` first if given (PyTorch's argument)."""
        axis = _one_of("softmax", "axis", axis, "dim", dim, default=-1)
        return _cast_first(self, dtype)._normalized_exp(_ops().Softmax, axis, "softmax")

    def log_softmax(
        self, axis: int | None = None, *, dim: int | None = None, dtype: DType | None = None
    ) -> Tensor:
        """``x - log Σ exp(x)`` along ``axis`` (alias ``dim``; default the last axis); ``dtype`` as in
        ``softmax``."""
        axis = _one_of("log_softmax", "axis", axis, "dim", dim, default=-1)
        return _cast_first(self, dtype)._normalized_exp(_ops().LogSoftmax, axis, "log_softmax")

    def _normalized_exp(self, function: Any, axis: Any, op: str) -> Tensor:
        """Softmax or log-softmax along ``axis``; a 0-d tensor is one value along dim 0 or -1, and an
        empty tensor gives an empty result (PyTorch's answers to both)."""
        source = self if _is_float(self.dtype) else self.astype(default_float)
        if source.ndim == 0:
            if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool) and axis not in (0, -1):
                raise DimensionError(f"{op}: dim {axis} is out of range for a 0-d tensor (dim 0 or -1)")
            _axis_index(axis, 1, op)  # a non-integer dim is a TypeError
            return function.apply(source.reshape(1), axis=0).reshape()
        axis = _axis_index(axis, self.ndim, op)
        if source.size == 0:
            return source * 0  # nothing to normalize: the max over an empty axis has no value
        return function.apply(source, axis=axis)

    # -- reductions ----------------------------------------------------------------------------
    # Each takes NumPy's spelling (``axis``, ``keepdims``) or PyTorch's (``dim``, ``keepdim``),
    # not both; ``keepdims=None`` means False.
    def sum(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        dtype: DType | None = None,
    ) -> Tensor:
        """Σ along ``axis`` (alias ``dim``) or of all entries; integers and masks give int64, and
        ``dtype`` casts the input first (PyTorch's ``mask.sum(dtype=tg.float32)``)."""
        if dtype is not None:
            return _cast_first(self, dtype).sum(axis, keepdims, dim=dim, keepdim=keepdim)
        axis, keepdims = _reduction_args("sum", axis, keepdims, dim, keepdim)
        data_float = self if _is_float(self.dtype) or self.dtype == int64 else self.astype(int64)
        return _ops().Sum.apply(data_float, axis=_check_axis(self, axis), keepdims=keepdims)

    def mean(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        dtype: DType | None = None,
    ) -> Tensor:
        """The average along ``axis`` (alias ``dim``) or of all entries (float32 for integers);
        ``dtype`` casts the input first, as in PyTorch."""
        axis, keepdims = _reduction_args("mean", axis, keepdims, dim, keepdim)
        axis = _check_axis(self, axis)
        if dtype is not None and not _is_float(_resolve_dtype(dtype)):
            raise TypeError(f"mean: dtype must be a floating-point dtype, got {np.dtype(dtype)} (as PyTorch)")
        source = _cast_first(self, dtype)
        source = source if _is_float(source.dtype) else source.astype(default_float)
        return source.sum(axis, keepdims) / _count(self.shape, axis)

    def var(
        self,
        dim: int | Sequence[int] | bool | None = None,
        unbiased: bool | None = None,
        keepdim: bool | None = None,
        *,
        correction: float | None = None,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """Variance ``Σ (x - mean)² / (n - correction)``, PyTorch's default ``correction=1`` (Bessel).

        Positional arguments are PyTorch's: ``x.var(dim, unbiased, keepdim)``, and ``x.var(True)``
        is ``unbiased=True`` over all entries. ``unbiased=False`` is ``correction=0``, NumPy's
        default. As in PyTorch, ``correction >= n`` divides by zero: nan for a single value, inf
        when the values differ.
        """
        if isinstance(dim, (bool, np.bool_)):  # x.var(False): PyTorch's var(unbiased) overload
            if unbiased is not None:
                raise TypeError(f"var: got unbiased twice ({dim!r} in the place of dim, and {unbiased!r})")
            dim, unbiased = None, dim
        axis, keepdims = _reduction_args("var", axis, keepdims, dim, keepdim)
        if unbiased is not None and not isinstance(unbiased, (bool, np.bool_)):
            raise TypeError(f"var: unbiased must be a bool, got {unbiased!r}")
        by_flag = None if unbiased is None else int(unbiased)
        correction = _one_of("var", "correction", correction, "unbiased", by_flag, default=1)
        if isinstance(correction, (bool, np.bool_)) or not isinstance(correction, (int, float, np.number)):
            raise TypeError(f"var: correction must be a number, got {correction!r}")
        axis = _check_axis(self, axis)
        divisor = _count(self.shape, axis) - correction
        if divisor <= 0 and _is_float(self.dtype):
            warnings.warn(
                "var(): degrees of freedom is <= 0. Correction should be strictly less than the "
                "reduction factor (input numel divided by output numel).",
                UserWarning,
                stacklevel=2,
            )
            degenerate = _ops().VarianceWithoutDegreesOfFreedom
            return degenerate.apply(self, axis=axis, keepdims=bool(keepdims), divisor=divisor)
        centred = self - self.mean(axis, keepdims=True)
        return (centred * centred).sum(axis, keepdims) / divisor

    def std(
        self,
        dim: int | Sequence[int] | bool | None = None,
        unbiased: bool | None = None,
        keepdim: bool | None = None,
        *,
        correction: float | None = None,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """Standard deviation, ``sqrt(var(...))``: the same arguments and defaults as ``var``.

        Where the values are all equal (std 0) the gradient is 0, as in PyTorch, not the
        0 · ∞ = nan that the square root's slope at 0 would give.
        """
        variance = self.var(dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)
        constant = variance == 0
        return where(constant, 0.0, where(constant, 1.0, variance).sqrt())

    def max(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor | ValuesAndIndices:
        """Largest entries. An integer ``dim`` (PyTorch's form, ``x.max(1)``) gives the named pair
        ``(values, indices)``; ``axis=``, a tuple of axes or no axis give the values only (NumPy's
        form). A Tensor argument is PyTorch's elementwise form, ``maximum``.

        Ties: ``indices`` is the first occurrence and the gradient of ``values`` goes to that entry
        alone, as in PyTorch; the values-only form shares it among ties, as ``torch.amax`` does.
        """
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return self._extremum("max", _ops().Max, dim, keepdim, axis, keepdims)

    def min(
        self,
        dim: Any = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor | ValuesAndIndices:
        """Smallest entries: ``(values, indices)`` for an integer ``dim``; see ``max``."""
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        return self._extremum("min", _ops().Min, dim, keepdim, axis, keepdims)

    def amax(
        self,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """Largest entries along ``dim`` (an int or a tuple; all for None or ``()``), values only;
        ties share the gradient equally, as ``torch.amax``."""
        axis, keepdims = _reduction_args("amax", axis, keepdims, dim, keepdim)
        return self.max(axis=None if axis == () else axis, keepdims=keepdims)

    def amin(
        self,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """Smallest entries; see ``amax``."""
        axis, keepdims = _reduction_args("amin", axis, keepdims, dim, keepdim)
        return self.min(axis=None if axis == () else axis, keepdims=keepdims)

    def _extremum(
        self, name: str, function: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any
    ) -> Tensor | ValuesAndIndices:
        if isinstance(dim, (int, np.integer)) and not isinstance(dim, (bool, np.bool_)) and axis is None:
            keepdim = _reduction_args(name, None, keepdims, None, keepdim)[1]
            indices = self._arg_extremum(f"arg{name}", dim, keepdim, None, None, op=name)
            flat = self.reshape(1) if self.ndim == 0 else self
            dim = int(dim) % flat.ndim
            values = flat._take_along(indices if keepdim else indices.unsqueeze(dim), dim)
            return ValuesAndIndices(values if keepdim else values.squeeze(dim), indices)
        axis, keepdims = _reduction_args(name, axis, keepdims, dim, keepdim)
        return function.apply(self, axis=_check_axis(self, axis, empty_ok=False), keepdims=keepdims)

    def _take_along(self, indices: Tensor, axis: int) -> Tensor:
        """The entries at ``indices`` along ``axis`` (``indices`` is this shape with that axis 1)."""
        grids = [
            np.arange(n).reshape([-1 if i == j else 1 for j in range(self.ndim)])
            for i, n in enumerate(self.shape)
        ]
        grids[axis] = indices
        return self[tuple(grids)]

    def prod(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        dtype: DType | None = None,
    ) -> Tensor:
        """Product of the entries along ``axis`` (alias ``dim``), or of all; 1 for none.

        Integer and boolean tensors give int64, as ``sum``; ``dtype`` casts the input first. The
        gradient is right where entries are 0: with one zero only that entry gets one (the product
        of the others), with more none.
        """
        if dtype is not None:
            return _cast_first(self, dtype).prod(axis, keepdims, dim=dim, keepdim=keepdim)
        axis, keepdims = _reduction_args("prod", axis, keepdims, dim, keepdim)
        source = self if _is_float(self.dtype) or self.dtype == int64 else self.astype(int64)
        return _ops().Prod.apply(source, axis=_check_axis(self, axis), keepdims=keepdims)

    def cumsum(
        self, dim: int | None = None, *, axis: int | None = None, dtype: DType | None = None
    ) -> Tensor:
        """Running sums along ``dim`` (alias ``axis``; required, as in PyTorch); integers give int64;
        ``dtype`` casts the input first."""
        if dtype is not None:
            return _cast_first(self, dtype).cumsum(dim, axis=axis)
        axis = _one_of("cumsum", "dim", dim, "axis", axis)
        if axis is None:
            raise TypeError("cumsum needs dim, the axis to accumulate along (as in PyTorch)")
        axis = _axis_index(axis, builtins.max(self.ndim, 1), "cumsum")
        if self.ndim == 0:
            return self if _is_float(self.dtype) or self.dtype == int64 else self.astype(int64)
        source = self if _is_float(self.dtype) or self.dtype == int64 else self.astype(int64)
        return _ops().CumSum.apply(source, axis=axis)

    def logsumexp(
        self,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """log Σ exp(x) along ``dim`` (alias ``axis``; required, as in PyTorch), as m + log Σ exp(x - m).

        m, the max, keeps exp from overflowing; it is a constant to autodiff (the result does not
        depend on it). As in PyTorch: -inf entries add nothing, a slice of only -inf gives -inf
        (its gradient nan), an empty slice -inf, one with +inf gives inf.
        """
        axis, keepdims = _reduction_args("logsumexp", axis, keepdims, dim, keepdim)
        if axis is None:
            raise TypeError("logsumexp needs dim, the axis or axes to reduce (as in PyTorch)")
        source = self if _is_float(self.dtype) else self.astype(default_float)
        axis = _check_axis(source, axis)
        if source.size == 0:
            return source.exp().sum(axis, keepdims).log()  # log 0 = -inf; no max to shift by
        shift = source.detach().max(axis=axis, keepdims=True)
        shift = where(shift.abs() == math.inf, 0.0, shift)  # ±inf - ±inf would be nan
        total = (source - shift).exp().sum(axis, keepdims=True).log() + shift
        return total if keepdims else total.squeeze(axis)

    def norm(
        self,
        p: float | str = "fro",
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool | None = None,
    ) -> Tensor:
        """The vector p-norm (Σ |x|^p)^(1/p) along ``dim`` (alias ``axis``), or of all entries.

        ``p`` is a number, ``inf`` (max |x|), ``-inf`` (min |x|), 0 (count of nonzeros) or
        ``'fro'`` (the 2-norm, over any axes). The gradient is 0, not nan, where the norm is 0.
        """
        axis, keepdims = _reduction_args("norm", axis, keepdims, dim, keepdim)
        if isinstance(p, str):
            if p != "fro":
                raise ValueError(
                    f"norm: p={p!r} is not supported; give 'fro' or a number (vector norms only: "
                    "the nuclear norm needs singular values)"
                )
            p = 2
        if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.integer, np.floating)):
            raise TypeError(f"norm: p must be a number or 'fro', got {p!r}")
        if math.isnan(p):
            raise ValueError("norm: p must not be nan")
        source = self if _is_float(self.dtype) else self.astype(default_float)
        axis = _check_axis(source, axis)
        if (p < 0 or math.isinf(p)) and _count(source.shape, axis) == 0:  # max, min, Σ|x|^p with p < 0
            raise InvalidArgumentError(  # PyTorch's RuntimeError
                f"norm: the p={p} norm over an empty axis of shape {self.shape} has no value"
            )
        return _ops().Norm.apply(source, p=float(p), axis=axis, keepdims=keepdims)

    # -- shape ---------------------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self
        known = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
        if shape.count(-1) > 1 or any(n < -1 for n in shape):
            raise ShapeError(
                f"cannot reshape a tensor of shape {self.shape} into shape {shape}: sizes must be "
                "non-negative, with at most one -1 (the size to infer)"
            )
        if known != self.size and not (-1 in shape and known and self.size % known == 0):
            raise ShapeError(f"cannot reshape a tensor of shape {self.shape} into shape {shape}")
        if -1 in shape:
            if known == 0:
                raise ShapeError(
                    f"cannot reshape a tensor of shape {self.shape} into shape {shape}: with a 0 among "
                    "the sizes the -1 could be any size; give it explicitly"
                )
            shape = tuple(self.size // known if n == -1 else n for n in shape)
        return _view_of(_ops().Reshape.apply(self, shape=shape), self)

    def view(self, *shape: Any, dtype: DType | None = None) -> Tensor:
        """``reshape`` (sharing memory); or, given a dtype, the same bits read as that dtype, as
        PyTorch's ``view(dtype)``: with another element size the last dimension scales by the ratio.

        Bits, not values: the result is outside autograd (it requires no grad), as in PyTorch. On the
        strict device it is a copy (the Array API cannot reinterpret memory).
        """
        if len(shape) == 1 and isinstance(shape[0], (np.dtype, str, type)) and dtype is None:
            shape, dtype = (), shape[0]
        if dtype is None:
            return self.reshape(*shape)
        if shape:
            raise TypeError(f"view: give sizes or a dtype, not both (got {shape} and dtype={dtype})")
        target = _resolve_dtype(dtype)
        size, new_size = self.dtype.itemsize, target.itemsize
        if size != new_size and self.ndim == 0:
            raise ShapeError(
                f"view(dtype={target}): a 0-d tensor cannot be viewed as {target} from {self.dtype} "
                "(different element sizes scale the last dimension); reshape it to 1-d first"
            )
        if new_size > size and self.shape[-1] % (new_size // size):
            raise ShapeError(
                f"view(dtype={target}): the last dimension must be divisible by {new_size // size} to view "
                f"{self.dtype} as {target} (different element sizes), but it is {self.shape[-1]}"
            )
        out = Tensor._wrap(self._backend.view_dtype(self._data, target), self._backend)
        return _view_of(out, self)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        if self.ndim == 0:  # dims 0 and -1 only, as in PyTorch
            _axis_index(start_dim, 1, "flatten")
            _axis_index(end_dim, 1, "flatten")
            return self.reshape(1)
        start = _axis_index(start_dim, self.ndim, "flatten")
        end = _axis_index(end_dim, self.ndim, "flatten")
        if start > end:
            raise InvalidArgumentError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} ({self.shape})"
            )
        merged = math.prod(self.shape[start : end + 1])  # not -1: ambiguous for an empty tensor
        return self.reshape(*self.shape[:start], merged, *self.shape[end + 1 :])

    def permute(self, *axes: Any) -> Tensor:
        axes = _shape_arg(axes)
        if len(axes) == self.ndim:  # each must be in range; the wrong count is caught below
            for a in axes:
                _axis_index(a, builtins.max(self.ndim, 1), "permute")
        if sorted(a % builtins.max(self.ndim, 1) for a in axes) != list(range(self.ndim)):
            raise InvalidArgumentError(
                f"permute axes {axes} do not match a tensor of {self.ndim} dimensions: name each dim once"
            )
        axes = tuple(a % self.ndim for a in axes)
        if axes == tuple(range(self.ndim)):
            return self
        return _view_of(_ops().Permute.apply(self, axes=axes), self)

    def transpose(self, dim0: int | None = None, dim1: int | None = None) -> Tensor:
        """Swap two axes (PyTorch's meaning); with no arguments, the last two."""
        if (dim0 is None) != (dim1 is None):  # x.transpose(0) would be a guess; PyTorch refuses it
            raise TypeError('transpose() missing 1 required positional argument: "dim1" (two dims swap)')
        if dim0 is None:
            dim0, dim1 = -2, -1
        if self.ndim < 2:
            if (dim0, dim1) != (-2, -1):  # named dims must exist, as in PyTorch (dim 0 or -1 here)
                _axis_index(dim0, builtins.max(self.ndim, 1), "transpose")
                _axis_index(dim1, builtins.max(self.ndim, 1), "transpose")
            return self
        dim0, dim1 = _axis_index(dim0, self.ndim, "transpose"), _axis_index(dim1, self.ndim, "transpose")
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return self.permute(*axes)

    def expand(self, *shape: Any) -> Tensor:
        shape = _shape_arg(shape)
        offset = len(shape) - self.ndim
        if offset < 0:
            raise ShapeError(f"cannot expand shape {self.shape} to fewer dimensions {shape}")
        if any(n < 0 for n in shape[:offset]) or any(n < -1 for n in shape):
            raise ShapeError(
                f"cannot expand shape {self.shape} to {shape}: sizes must be non-negative, -1 (keep the "
                "size) only for the tensor's existing dimensions"
            )
        shape = tuple(self.shape[i - offset] if n == -1 else n for i, n in enumerate(shape))
        if shape == self.shape:
            return self
        for i, n in enumerate(self.shape):
            if n != 1 and n != shape[i + offset]:
                raise ShapeError(f"cannot expand shape {self.shape} to {shape}")
        return _view_of(_ops().Expand.apply(self, shape=shape), self)

    broadcast_to = expand

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """A new size-1 axis at ``axis`` (alias ``dim``)."""
        axis = _one_of("unsqueeze", "axis", axis, "dim", dim)
        if axis is None:
            raise TypeError("unsqueeze needs the position of the new axis (axis= or dim=)")
        axis = _axis_index(axis, self.ndim + 1, "unsqueeze")
        return self.reshape(*self.shape[:axis], 1, *self.shape[axis:])

    def squeeze(
        self, axis: int | Sequence[int] | None = None, *, dim: int | Sequence[int] | None = None
    ) -> Tensor:
        """Drop the size-1 axis ``axis`` (alias ``dim``; an axis not of size 1 stays), each of a
        tuple of axes, or every size-1 axis."""
        axis = _one_of("squeeze", "axis", axis, "dim", dim)
        if axis is None:
            return self.reshape(*[n for n in self.shape if n != 1])
        rank = builtins.max(self.ndim, 1)  # a 0-d tensor takes dim 0 or -1, as in PyTorch
        named = axis if isinstance(axis, (tuple, list)) else (axis,)
        axes = {_axis_index(a, rank, "squeeze") for a in named}
        if len(axes) != len(named):
            raise InvalidArgumentError(f"squeeze: dims {axis} name an axis more than once")
        return self.reshape(*[n for i, n in enumerate(self.shape) if not (i in axes and n == 1)])

    def split(
        self, split_size_or_sections: int | Sequence[int], dim: int | None = None, *, axis: int | None = None
    ) -> tuple[Tensor, ...]:
        """Pieces along ``dim`` (alias ``axis``; default 0): each of ``split_size`` entries (the last
        may be shorter), or of the listed sizes, which must add up to the axis' length."""
        axis = self._piece_axis("split", dim, axis)
        length = self.shape[axis]
        sizes = split_size_or_sections
        if isinstance(sizes, (int, np.integer)) and not isinstance(sizes, bool):
            size = int(sizes)
            if size < 0 or (size == 0 and length > 0):
                raise InvalidArgumentError(
                    f"split: split_size must be positive (0 only for an empty axis), got {size}"
                )
            starts = range(0, length, size) if length else [0]
            sections = [builtins.min(size, length - start) for start in starts]
        else:
            sections = list(_shape_arg((sizes,)))
            if any(n < 0 for n in sections) or builtins.sum(sections) != length:
                raise InvalidArgumentError(
                    f"split: sizes {sections} must be non-negative and add up to {length}, the length "
                    f"of axis {axis} of shape {self.shape}"
                )
        pieces, start = [], 0
        for n in sections:
            pieces.append(self[(slice(None),) * axis + (slice(start, start + n),)])
            start += n
        return tuple(pieces)

    def chunk(self, chunks: int, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, ...]:
        """``chunks`` pieces along ``dim`` (alias ``axis``; default 0) of ⌈length / chunks⌉ entries,
        the last shorter, as PyTorch: fewer pieces when the length runs out first."""
        if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)):
            raise TypeError(f"chunk: chunks must be an integer, got {chunks!r}")
        if chunks <= 0:
            raise InvalidArgumentError(f"chunk: chunks must be positive, got {chunks}")
        axis = self._piece_axis("chunk", dim, axis)
        length = self.shape[axis]
        if length == 0:
            return (self,) * int(chunks)
        return self.split(-(-length // int(chunks)), axis)

    def unbind(self, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, ...]:
        """The slices along ``dim`` (alias ``axis``; default 0) without that axis: ``stack``'s inverse."""
        axis = self._piece_axis("unbind", dim, axis)
        return tuple(self[(slice(None),) * axis + (i,)] for i in range(self.shape[axis]))

    def _piece_axis(self, op: str, dim: Any, axis: Any) -> int:
        if self.ndim == 0:
            raise ValueError(f"{op} needs a tensor with at least one dimension, got a 0-d tensor")
        return _axis_index(_one_of(op, "dim", dim, "axis", axis, default=0), self.ndim, op)

    def flip(self, *axes: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
        """The order of entries reversed along each of ``dims`` (``x.flip(0, 1)``, ``x.flip([0, 1])``
        or ``x.flip(dims=(0, 1))``)."""
        if dims is not None:
            if axes:
                raise TypeError(f"flip got dims twice: {axes} and dims={dims!r}")
            axes = (dims,)  # one int, or one sequence that _shape_arg unpacks
        elif not axes:  # as PyTorch; NumPy's flip of every axis would be a silent guess either way
            raise TypeError('flip() missing 1 required positional argument: "dims" (as in x.flip(0))')
        axes = _shape_arg(axes)
        rank = builtins.max(self.ndim, 1)  # a 0-d tensor takes dim 0 or -1, as in PyTorch
        normal = tuple(_axis_index(a, rank, "flip") for a in axes)
        if len(set(normal)) != len(normal):
            raise InvalidArgumentError(f"flip: dims {axes} name an axis more than once")
        if self.ndim == 0 or not normal:
            return self
        return _ops().Flip.apply(self, axis=normal)

    def repeat(self, *sizes: int | Sequence[int]) -> Tensor:
        """The tensor tiled ``sizes[i]`` times along axis i (PyTorch's ``repeat``, NumPy's ``tile``,
        not ``numpy.repeat``); more sizes than axes put new leading axes in front."""
        sizes = _shape_arg(sizes)
        if not sizes:
            raise TypeError("repeat needs the number of copies along each dimension, e.g. x.repeat(2, 1)")
        if len(sizes) < self.ndim:
            raise InvalidArgumentError(
                f"repeat: {len(sizes)} sizes {sizes} for a tensor of {self.ndim} dimensions "
                f"{self.shape}; give at least one size per dimension"
            )
        if any(n < 0 for n in sizes):
            raise InvalidArgumentError(f"repeat: sizes must be non-negative, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        # Each axis of length n becomes (1, n), is broadcast to (r, n), then merged to r·n.
        spread = self.reshape(*[n for length in shape for n in (1, length)])
        tiled = spread.expand(*[n for r, length in zip(sizes, shape) for n in (r, length)])
        return tiled.reshape(*[r * length for r, length in zip(sizes, shape)])

    def contiguous(self, memory_format: memory_format | None = None) -> Tensor:
        """``self`` where ``is_contiguous(memory_format)``, else a copy laid out so (row-major, or
        channels last for ``tg.channels_last``; differentiable), as PyTorch."""
        from .layout import laid_out

        check_memory_format(memory_format, "contiguous")
        return laid_out(self, "contiguous_format" if memory_format is None else memory_format.name)

    def __getitem__(self, index: Any) -> Tensor:
        index = _byte_masks(_sequence_as_tuple(index))
        split = _integers_first(index)
        if split is not None:  # x[0, :, idx] is x[0][:, idx] in PyTorch: shape (3, 2), not NumPy's (2, 3)
            return self[split[0]][split[1]]
        asked, (index, advanced) = index, _index_arrays(self, index)
        out = _ops().GetItem.apply(self, index=index, advanced=advanced)
        if advanced:
            return out
        if type(self) is not _View or self._base() is None:  # a slice of a base: in-place ops go through it
            out._view_index = asked
        return _view_of(out, self)  # basic indexing shares memory, as in NumPy

    def __iter__(self) -> Any:
        if self.ndim == 0:  # at iter(), as PyTorch, not at the first next()
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))


class _View(Tensor):
    """A tensor that shares another's memory (``detach``, ``reshape``, ``permute``, ``expand``, basic
    indexing), and so its version counter, as in PyTorch: an in-place change through the base or
    any view of it makes backward refuse the graphs that saved one of them, whose values changed.

    The base is held weakly, so a detached result never keeps a graph alive; once the base is gone
    the view counts its own changes.
    """

    __slots__ = ()

    @property
    def _version(self) -> int:  # type: ignore[override]
        base = self._base()
        return _own_version.__get__(self) if base is None else base._version

    @_version.setter
    def _version(self, value: int) -> None:
        base = self._base()
        if base is None:
            _own_version.__set__(self, value)
        else:
            base._version = value

    def __reduce__(self) -> tuple:
        return (_rebuild, (Tensor, self.numpy(), self.device, self.requires_grad))


_own_version = Tensor.__dict__["_version"]  # the slot itself, under _View's property


def _view_of(out: Tensor, source: Tensor) -> Tensor:
    """Mark ``out`` as a view of ``source``'s memory (its base is the root of ``source``'s views)."""
    if out is not source:
        base = source._base() if type(source) is _View else None
        root = source if base is None else base
        # A view of shared memory (``p.data[0]``, a from_numpy tensor's slice) holds it strongly:
        # the ``.data`` tensor is a temporary, and without it the view's writes would not reach
        # the parameter (``emb.weight.data[pad].zero_()``). It has no graph to keep alive.
        out._base = (lambda: root) if type(root) is _SharedMemory else weakref.ref(root)
        out.__class__ = _View
        root._viewed = True
        if out._requires_grad and root.grad_fn is not None:  # a view in a graph: see _rebase_views
            views = getattr(root, "_graph_views", None)
            if views is None or len(views) > 64:
                views = root._graph_views = [] if views is None else [v for v in views if v() is not None]
            views.append(weakref.ref(out))
    return out


class ValuesAndIndices(NamedTuple):
    """What ``Tensor.max(dim)`` and ``Tensor.min(dim)`` return, like ``torch.return_types.max``."""

    values: Tensor
    indices: Tensor


# ---------------------------------------------------------------------------------------------
# Helpers shared by the ops


def _cast_first(tensor: Tensor, dtype: DType | None) -> Tensor:
    """``tensor`` cast to ``dtype`` (an explicit cast, float32 to float64 included), or itself for None:
    PyTorch's ``dtype=`` argument of reductions and softmax."""
    return tensor if dtype is None else tensor.astype(dtype)


def _rebuild(cls: type, data: np.ndarray, device: str, requires_grad: bool) -> Tensor:
    tensor = Tensor(data, requires_grad=requires_grad, device=device)
    return tensor if cls is Tensor else cls(tensor, requires_grad=requires_grad)


_ops_module: Any = None


def _ops() -> Any:
    # ops imports this module, so it is looked up on first use; cached, as ops are the hot path.
    global _ops_module
    if _ops_module is None:
        from . import ops

        _ops_module = ops
    return _ops_module


def _initial_grad(output: Tensor, grad: Any) -> Tensor:
    """The gradient that starts backward: 1 for a scalar, else the caller's (checked) tensor."""
    if not isinstance(output, Tensor):
        raise TypeError(f"the output to differentiate must be a Tensor, got {type(output).__name__}")
    if grad is None:
        if output.size != 1:
            raise RuntimeError(
                f"backward() without a gradient works only for scalar outputs; this one has shape "
                f"{output.shape}: call .sum() first or pass grad= of the same shape"
            )
        return Tensor._wrap(output._backend.xp.ones_like(output._data), output._backend)
    grad = grad if isinstance(grad, Tensor) else Tensor(grad, dtype=output.dtype, device=output.device)
    if grad.shape != output.shape:
        raise GradShapeError(f"grad of shape {grad.shape} does not match the output's shape {output.shape}")
    if grad.dtype != output.dtype:
        raise TypeError(f"grad of dtype {grad.dtype} does not match the output's dtype {output.dtype}")
    _same_device(output, grad, "backward")
    return grad


def _write_at(target: Tensor, index: Any, value: Tensor) -> None:
    """``target[index] = value`` into ``target``'s memory (the index already normalised by __setitem__)."""
    native = target._backend.native_dtype(target.dtype)
    values = target._backend.xp.astype(value._data, native) if value.dtype != target.dtype else value._data
    try:
        split = _integers_first(index)
        if split is None:
            array, where = target._data, _index_arrays(target, index)[0]
        else:  # PyTorch's order, as in __getitem__: the integers select a view, the arrays write into it
            array = target._backend.getitem(target._data, _index_arrays(target, split[0])[0])
            where = _index_arrays(target, split[1])[0]
        written = target._backend.setitem(array, where, values)
        if written is not array:  # assigned on a copy (strict, on the host): into the memory views share
            array[...] = written
    except ValueError as error:
        if "read-only" in str(error):
            raise RuntimeError(
                "__setitem__: this tensor's memory is read-only (from_numpy of a read-only array); "
                "make a copy first (.clone())"
            ) from None
        raise ShapeError(
            f"__setitem__: a value of shape {value.shape} does not fit the selection of a tensor of "
            f"shape {target.shape} ({error})"
        ) from None


def sum_to(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a broadcast gradient back down to ``shape`` (the adjoint of broadcasting)."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1
    )
    out = grad.sum(axis=axes, keepdims=True) if axes else grad
    return out.reshape(*shape)


def _same_device(a: Tensor, b: Tensor, op: str) -> None:
    if a._backend is not b._backend:
        raise RuntimeError(
            f"{op}: tensors are on different devices ({a.device} and {b.device}); move one with .to()"
        )


def _as_tensor(value: Any, like: Tensor) -> Tensor:
    """Wrap a Python number or array as a constant on ``like``'s device.

    Python floats take ``like``'s float dtype (never upcasting float32 to float64).
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # a 0-d NumPy array is a number, as NumPy's own scalars (np.float64(2))
    if isinstance(value, _SCALARS):
        if isinstance(value, (bool, np.bool_)):
            dtype = like.dtype
        elif isinstance(value, (float, np.floating)):
            dtype = like.dtype if _is_float(like.dtype) else default_float
        else:
            dtype = int64 if like.dtype == bool_ else like.dtype
        try:
            return Tensor._wrap(like._backend.asarray(value, dtype), like._backend)
        except OverflowError:  # an integer outside the dtype's range wraps around, as in PyTorch (uint8 - 3)
            if not -(2**63) <= value < 2**64:  # beyond any integer dtype: as PyTorch, an error
                raise OverflowError(
                    f"the integer {value} is too large for a tensor (beyond 64 bits)"
                ) from None
            return Tensor._wrap(like._backend.asarray(np.array(value).astype(dtype)), like._backend)
    if isinstance(value, (list, tuple, np.ndarray)):
        return Tensor(value, device=like.device)
    raise TypeError(f"cannot combine a Tensor with {type(value).__name__}")


def _coerce(a: Any, b: Any, op: str, true_division: bool = False) -> tuple[Tensor, Tensor]:
    """Bring two operands to one device and dtype, or raise an error that names the mismatch."""
    if not isinstance(a, Tensor):
        if true_division and not _is_float(b.dtype):  # the number divides as a float (7 / uint8 tensor)
            b = b.astype(default_float)
        a = _as_tensor(a, b)
    elif not isinstance(b, Tensor):
        if true_division and not _is_float(a.dtype):  # not wrapped into a's integer dtype (uint8 / -3)
            a = a.astype(default_float)
        b = _as_tensor(b, a)
    if a._backend is not b._backend:
        _same_device(a, b, op)
    da, db = a.dtype, b.dtype
    if da != db:
        if _is_float(da) and _is_float(db):
            raise DtypeMismatchError(
                f"{op}: dtype mismatch {da} vs {db}; tensors are never upcast silently, "
                "convert one with .astype() (or .float() / .double())"
            )
        if _is_float(da):
            b = b.astype(da)
        elif _is_float(db):
            a = a.astype(db)
        elif (a.ndim == 0) != (b.ndim == 0) and (da == bool_) == (db == bool_):
            # PyTorch: a 0-d integer tensor takes the other operand's integer dtype, as a number would,
            # except in true division, where both are read as floats (-5 / uint8, not 251 / uint8).
            common = default_float if true_division else (db if a.ndim == 0 else da)
            a, b = a.astype(common), b.astype(common)
        else:
            common = np.promote_types(da, db)
            a, b = a.astype(common), b.astype(common)
    if true_division and not _is_float(a.dtype):
        a, b = a.astype(default_float), b.astype(default_float)
    return a, b


def _binary(function: Any, a: Any, b: Any, true_division: bool = False) -> Tensor:
    masks = [isinstance(x, (bool, np.bool_)) or (isinstance(x, Tensor) and x.dtype == bool_) for x in (a, b)]
    if function.__name__ == "Sub" and all(masks):
        raise DtypeMismatchError(  # PyTorch's RuntimeError
            "sub of two boolean tensors is not supported (Subtraction, the `-` operator, with two bool "
            "tensors, as in PyTorch): use the `^` or `logical_xor()` operator, or convert a mask first "
            "(mask.long(), mask.float())"
        )
    if function.__name__ == "Sub" and any(masks):  # PyTorch's RuntimeError, whatever the other operand
        raise DtypeMismatchError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    a, b = _coerce(a, b, function.__name__.lower(), true_division)
    _check_broadcast(a, b, function.__name__.lower())
    if a.dtype == bool_:  # two masks: + is "or" and * is "and", as in PyTorch; no other arithmetic
        if function.__name__ in ("Add", "Mul", "Maximum", "Minimum"):
            either = function.__name__ in ("Add", "Maximum")
            return Tensor._wrap(a._data | b._data if either else a._data & b._data, a._backend)
        raise DtypeMismatchError(  # PyTorch's RuntimeError
            f"{function.__name__.lower()} of two boolean tensors is not supported, as in PyTorch: use "
            "~, &, |, ^ for logic, or convert a mask first (mask.long(), mask.float())"
        )
    if (a._requires_grad or b._requires_grad) and not _is_float(a.dtype):
        raise TypeError(f"{function.__name__.lower()}: integer tensors cannot carry gradients")
    return function.apply(a, b)


def _check_broadcast(a: Tensor, b: Tensor, op: str) -> None:
    if a._data.shape != b._data.shape:
        try:
            np.broadcast_shapes(a._data.shape, b._data.shape)
        except ValueError:
            raise ShapeError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None


def matmul(a: Tensor, b: Any) -> Tensor:
    """Matrix product with NumPy's rules; mismatched inner dimensions raise a clear error."""
    a, b = _coerce(a, b, "matmul")
    if a._data.dtype is bool_ or (not a._backend.is_host and a.dtype is bool_):
        raise TypeError("matmul of boolean tensors is not supported (as in PyTorch); convert with .float()")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: both operands need at least one dimension (use * for scalars)")
    inner_a = a.shape[-1]
    inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if inner_a != inner_b:
        raise ShapeError(
            f"matmul: shapes {a.shape} and {b.shape} do not match (inner dimensions {inner_a} != {inner_b})"
        )
    if a.ndim > 2 or b.ndim > 2:
        try:
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ValueError(f"matmul: batch shapes of {a.shape} and {b.shape} cannot be broadcast") from None
    return _ops().MatMul.apply(a, b)


def _check_axis(tensor: Tensor, axis: Any, empty_ok: bool = True) -> Any:
    if axis is None:
        if not empty_ok and tensor.size == 0:
            raise InvalidArgumentError(
                "max/min of an empty tensor: Expected reduction dim to be specified for input.numel() == 0; "
                "specify the reduction dim with the 'dim' argument"
            )
        return None
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    if not axes:  # dim=() or dim=[]: every axis, as PyTorch reduces (NumPy would reduce none)
        return _check_axis(tensor, None, empty_ok)
    rank = builtins.max(tensor.ndim, 1)  # a 0-d tensor takes dim 0 or -1, as in PyTorch
    for a in axes:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"axis must be an integer or a tuple of integers, got {a!r} in {axis!r}")
        if not -rank <= a < rank:
            raise DimensionError(
                f"axis {a} is out of range for a tensor of shape {tensor.shape} "
                f"(expected in [{-rank}, {rank - 1}])"
            )
    normal = tuple(sorted({int(a) % rank for a in axes}))
    if len(normal) != len(axes):
        raise InvalidArgumentError(
            f"axis {axis} names an axis more than once (tensor of shape {tensor.shape})"
        )
    for a in axes if not empty_ok and tensor.ndim else ():
        if tensor.shape[a] == 0:
            raise EmptyReductionIndexError(
                f"max/min: Expected reduction dim {a} to have non-zero size (tensor of shape {tensor.shape})"
            )
    if tensor.ndim == 0:
        return None
    return normal if isinstance(axis, (list, tuple)) else normal[0]


def _one_of(op: str, name: str, value: Any, alias: str, alias_value: Any, default: Any = None) -> Any:
    """The value given under ``name`` or its ``alias`` (NumPy's and PyTorch's spellings), not both."""
    if value is not None and alias_value is not None:
        raise TypeError(f"{op}() got both {name}= and {alias}=, two spellings of one argument: pass one")
    if value is not None:
        return value
    return default if alias_value is None else alias_value


def _reduction_args(op: str, axis: Any, keepdims: Any, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    """``(axis, keepdims)`` from NumPy's ``axis``/``keepdims`` or PyTorch's ``dim``/``keepdim``."""
    keepdims = _one_of(op, "keepdims", keepdims, "keepdim", keepdim, default=False)
    if keepdims.__class__ is not bool and not isinstance(keepdims, np.bool_):
        raise TypeError(f"{op}: keepdim must be a bool, got {keepdims!r}")
    return _one_of(op, "axis", axis, "dim", dim), bool(keepdims)


def _axis_index(axis: Any, ndim: int, op: str) -> int:
    """``axis`` in ``range(ndim)`` (negative axes count from the end); out of range is an error."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise DimensionError(
            f"{op}: axis {axis} is out of range for a tensor with {ndim} dimension(s) "
            f"(expected in [{-ndim}, {ndim - 1}])"
        )
    return int(axis) % ndim


def _count(shape: tuple[int, ...], axis: Any) -> int:
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def _shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    # A one-element integer tensor is a size too (torch.zeros(mask.sum())), through __index__.
    shape = tuple(n.__index__() if isinstance(n, Tensor) and n.dtype.kind in "iu" else n for n in shape)
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"sizes must be integers, got {n!r} in {shape}")
        if not -(2**63) < n < 2**63:
            raise ValueError(f"size {n} in {shape} is too large for a tensor (beyond 64 bits)")
    return tuple(int(n) for n in shape)


def _integers_first(index: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """PyTorch applies an index's integers before its arrays (``x[0, :, idx]`` is ``x[0][:, idx]``);
    NumPy counts them as arrays, which moves the picked axes to the front when a slice separates
    them. Returns the integers-only index and the rest, or None where the two orders agree."""
    if not isinstance(index, tuple) or not any(isinstance(p, (Tensor, list, np.ndarray)) for p in index):
        return None  # one part, or no arrays: NumPy's order is PyTorch's (the common, fast case)
    parts = index
    integer = [_is_integer_index(p) for p in parts]
    if not any(integer) or not any(
        isinstance(p, (Tensor, list, np.ndarray)) and not is_integer for p, is_integer in zip(parts, integer)
    ):
        return None
    first: list[Any] = []
    for part, is_integer in zip(parts, integer):
        if is_integer:  # a plain int, so that the selection is a view that assignment writes into
            first.append(int(part.item()) if isinstance(part, (Tensor, np.ndarray)) else part)
        elif part is Ellipsis:
            first.append(part)
        elif part is not None:
            if isinstance(part, (Tensor, list, np.ndarray)):
                mask = part if isinstance(part, Tensor) else np.asarray(part)
                if mask.dtype == bool_:  # a mask spans as many axes as it has
                    first.extend([slice(None)] * mask.ndim)
                    continue
            first.append(slice(None))
    return tuple(first), tuple(part for part, is_integer in zip(parts, integer) if not is_integer)


def _sequence_as_tuple(index: Any) -> Any:
    """A list that holds tensors, arrays, lists, slices, None or ``...`` read as a tuple of indices,
    one per dimension, as PyTorch 2.13 still reads it (with its deprecation warning): ``x[[i, j]]`` is
    ``x[i, j]``, not NumPy's stacked index array. A list of plain integers stays one index."""
    if type(index) is not list or not any(
        isinstance(part, (Tensor, np.ndarray, list, tuple, slice)) or part is None or part is Ellipsis
        for part in index
    ):
        return index
    warnings.warn(
        "using a non-tuple sequence for multidimensional indexing is deprecated, as in PyTorch: write "
        "x[tuple(seq)] for one index per dimension, or x[tg.tensor(seq)] for one index array",
        UserWarning,
        stacklevel=3,
    )
    return tuple(index)


def _byte_masks(index: Any) -> Any:
    """``index`` with its uint8 tensors and arrays read as boolean masks, as PyTorch reads them (a
    deprecated spelling there, so with its UserWarning): uint8 labels index as a mask, not integers."""
    parts = index if isinstance(index, tuple) else (index,)
    byte = [isinstance(part, (Tensor, np.ndarray)) and part.dtype == uint8 for part in parts]
    if not any(byte):
        return index
    warnings.warn(
        "indexing with dtype uint8 is deprecated and reads the index as a boolean mask, as in PyTorch: "
        "use index.bool() for a mask, or index.long() for integer indices",
        UserWarning,
        stacklevel=3,
    )
    masks = tuple(part != 0 if is_byte else part for part, is_byte in zip(parts, byte))
    return masks if isinstance(index, tuple) else masks[0]


def _is_integer_index(part: Any) -> bool:
    """A Python or NumPy integer, or a 0-d integer tensor or array (PyTorch reads it as an integer)."""
    if isinstance(part, (Tensor, np.ndarray)):
        return part.ndim == 0 and part.dtype.kind in "iu"
    return isinstance(part, (int, np.integer)) and not isinstance(part, (bool, np.bool_))


def _index_arrays(tensor: Tensor, index: Any) -> tuple[Any, bool]:
    """Turn an index's Tensors, lists and NumPy arrays into device arrays; say if any is advanced.

    An index that names fewer axes than the tensor has gets a trailing ``...`` (NumPy implies it;
    the Array API demands it), unless a boolean mask, which must stand alone there, is part of it.
    """
    parts = index if isinstance(index, tuple) else (index,)
    converted, advanced, has_mask = [], False, False
    for part in parts:
        if isinstance(part, Tensor):
            _same_device(tensor, part, "indexing")
            if _is_float(part.dtype):
                raise IndexError(f"tensors used as indices must be integer or boolean, not {part.dtype}")
            converted.append(part._data)
            advanced, has_mask = True, has_mask or part.dtype == bool_
        elif isinstance(part, (list, np.ndarray)):
            try:
                array = np.asarray(part)
            except ValueError:  # NumPy refuses nested lists of unequal lengths
                raise IndexError(f"an index list must not be ragged, got {part!r}") from None
            if isinstance(part, list) and array.size == 0:
                array = array.astype(int64)  # [] selects nothing; NumPy would read it as floats
            if array.dtype.kind not in "iub":
                raise IndexError(f"arrays used as indices must be integer or boolean, not {array.dtype}")
            converted.append(tensor._backend.asarray(array))
            advanced, has_mask = True, has_mask or array.dtype == bool_
        else:
            converted.append(part)
    if has_mask or any(part is Ellipsis for part in converted):
        return (tuple(converted) if isinstance(index, tuple) else converted[0]), advanced
    return (*converted, Ellipsis), advanced


# ---------------------------------------------------------------------------------------------
# Constructors


def tensor(
    data: Any, requires_grad: bool = False, dtype: DType | None = None, device: str | None = None
) -> Tensor:
    """``Tensor(...)`` under PyTorch's lower-case name."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A CPU tensor that shares ``array``'s memory (no copy), as ``torch.from_numpy``.

    Changes to one show in the other; use ``tensor(array)`` for an independent copy.
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy needs a NumPy array, got {type(array).__name__}")
    if array.dtype.kind not in "fiub" or array.dtype.itemsize > 8:
        raise TypeError(f"unsupported dtype {array.dtype} for a tensor")
    if not array.dtype.isnative:
        raise ValueError(
            f"from_numpy: the array's byte order ({array.dtype.str}) is not the machine's; convert it "
            "first: array.astype(array.dtype.newbyteorder('='))"
        )
    base = array.base
    if base is None or getattr(base, "nbytes", None) == array.nbytes:  # (a slice of a bigger array,
        SHARED_WITH_NUMPY[id(array)] = array  # a batch, say, is left in place by the optimizer anyway)
    tensor = Tensor._wrap(array, get_backend("cpu"))
    tensor.__class__ = _SharedMemory
    return tensor


# The arrays that from_numpy handed to tensors, by id (held weakly): memory the caller also sees,
# which the optimizer's flat buffers must leave in place (optim/flat.py).
SHARED_WITH_NUMPY: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()


class _SharedMemory(Tensor):
    """A tensor whose in-place ops (``add_``, ``fill_``, ...) write into the memory it shares, as
    PyTorch's do: the array given to ``from_numpy``, or the tensor whose ``.data`` it is. (Other
    tensors' in-place ops rebind their data.) Its version counter is its own."""

    __slots__ = ()

    def __reduce__(self) -> tuple:
        return (_rebuild, (Tensor, self.numpy(), self.device, self.requires_grad))


def _filled(
    fill: str,
    shape: tuple[Any, ...],
    dtype: DType | None,
    device: str | None,
    requires_grad: bool,
    generator: Any = None,
) -> Tensor:
    backend = get_backend(device)
    shape = _shape_arg(shape)
    if any(n < 0 for n in shape):
        raise InvalidArgumentError(f"sizes must be non-negative, got {shape}")
    dtype = _resolve_dtype(dtype) or default_float
    native = backend.native_dtype(dtype)
    xp = backend.xp
    if fill in ("normal", "uniform"):
        if not _is_float(dtype):
            raise TypeError(f"random {fill} tensors must be floating point, not {dtype}")
        data = random_draws(backend, fill, shape, dtype, generator)
    else:
        data = (xp.zeros if fill == "zeros" else xp.ones)(shape, dtype=native, **backend.creation_kwargs)
    out = Tensor._wrap(data, backend)
    return out.requires_grad_(requires_grad) if requires_grad else out


def zeros(
    *shape: Any, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    return _filled("zeros", shape, dtype, device, requires_grad)


def ones(
    *shape: Any, dtype: DType | None = None, device: str | None = None, requires_grad: bool = False
) -> Tensor:
    return _filled("ones", shape, dtype, device, requires_grad)


def randn(
    *shape: Any,
    generator: Any = None,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal draws from the device's generator (seeded by ``manual_seed``), or from
    ``generator`` (a ``tg.Generator``)."""
    return _filled("normal", shape, dtype, device, requires_grad, generator)


def rand(
    *shape: Any,
    generator: Any = None,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform draws on [0, 1) from the device's generator (seeded by ``manual_seed``), or from
    ``generator`` (a ``tg.Generator``)."""
    return _filled("uniform", shape, dtype, device, requires_grad, generator)


def _like(other: Any, op: str) -> Tensor:
    """``other``, which ``*_like`` constructors copy shape, dtype and device from: a Tensor."""
    if not isinstance(other, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(other).__name__}")
    return other


class memory_format:  # noqa: N801 (PyTorch's spelling: torch.memory_format)
    """How PyTorch lays a tensor out in memory (``tg.preserve_format``, ``tg.contiguous_format``,
    ``tg.channels_last``, ``tg.channels_last_3d``): taken where PyTorch takes ``memory_format=``.
    Values never depend on it, and our arrays keep the layout their op gives them."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"tinygrad_adam.{self.name}"


preserve_format = memory_format("preserve_format")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


def check_memory_format(value: Any, op: str) -> None:
    """Refuse a ``memory_format=`` that is not one of PyTorch's (None means the default)."""
    if value is not None and not isinstance(value, memory_format):
        raise TypeError(
            f"{op}: memory_format must be tg.preserve_format, tg.contiguous_format, tg.channels_last or "
            f"tg.channels_last_3d, got {value!r}"
        )


def _filled_like(
    fill: str,
    other: Any,
    op: str,
    dtype: DType | None,
    device: str | None,
    requires_grad: bool,
    memory_format: memory_format | None = None,
    generator: Any = None,
) -> Tensor:
    """``_filled`` in ``other``'s shape, and its dtype and device unless they are given (``*_like``)."""
    check_memory_format(memory_format, op)
    other = _like(other, op)
    return _filled(fill, other.shape, dtype or other.dtype, device or other.device, requires_grad, generator)


def zeros_like(
    other: Tensor,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    *,
    memory_format: memory_format | None = None,
) -> Tensor:
    return _filled_like("zeros", other, "zeros_like", dtype, device, requires_grad, memory_format)


def ones_like(
    other: Tensor,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
    *,
    memory_format: memory_format | None = None,
) -> Tensor:
    return _filled_like("ones", other, "ones_like", dtype, device, requires_grad, memory_format)


def full(
    shape: Sequence[int],
    value: float,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of ``shape`` filled with ``value``; without ``dtype``, the value's own as PyTorch infers
    it: bool for a bool, int64 for an integer, float32 for a float."""
    value = _fill_value(value, _resolve_dtype(dtype), "full")
    if dtype is None:
        dtype = _scalar_dtype(value)
        value = _fill_value(value, dtype, "full")  # the inferred int64 must hold it too (2**63 wrapped)
    filled = ones(*_shape_arg((shape,)), dtype=dtype, device=device) * value
    return filled.requires_grad_() if requires_grad else filled


def _fill_value(value: Any, dtype: np.dtype | None, op: str) -> Any:
    """``value`` as one Python or NumPy number (a one-element tensor gives its item), checked to fit
    ``dtype``: a string, None or a longer tensor is an error, and so is nan or inf for integers."""
    if isinstance(value, Tensor):
        if value.size != 1:
            raise InvalidArgumentError(  # PyTorch's RuntimeError
                f"{op}: the value must be a number or a one-element tensor, got shape {value.shape}"
            )
        value = value.item()
    if not isinstance(value, _SCALARS):
        raise TypeError(f"{op}: the value must be a number, got {type(value).__name__} {value!r}")
    if isinstance(value, int) and not -(2**63) <= value < 2**64:
        raise OverflowError(f"{op}: the integer {value} is too large for a tensor (beyond 64 bits)")
    if (
        dtype is not None
        and dtype.kind in "iu"
        and isinstance(value, (float, np.floating))
        and not math.isfinite(value)
    ):
        raise InvalidArgumentError(f"{op}: {value} cannot be converted to the integer dtype {dtype}")
    if dtype is not None and dtype.kind in "iu" and not isinstance(value, (bool, np.bool_)):
        info = np.iinfo(dtype)  # a float must lie in the range (-0.5 for uint8 does not), an int may wrap
        is_float = isinstance(value, (float, np.floating))
        if not info.min <= value <= info.max if is_float else _overflows(int(value), dtype):
            raise IntegerOverflowError(
                f"{op}: value {value} cannot be converted to type {dtype} without overflow"
            )
        if dtype.kind == "u" and not is_float and value < 0:
            return int(value) % (int(info.max) + 1)  # -2 -> 254 for uint8, as PyTorch's two's complement
    return value


def _scalar_dtype(*values: Any) -> np.dtype:
    """The dtype PyTorch gives Python numbers: float32 if any is a float, else int64, bool for bools."""
    if any(isinstance(v, (float, np.floating)) for v in values):
        return default_float
    return bool_ if all(isinstance(v, (bool, np.bool_)) for v in values) else int64


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: DType | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, stop); int64 for whole-number arguments, else float32."""
    if stop is None:
        start, stop = 0, start
    start, stop, step = (
        _arange_bound(v, name) for v, name in ((start, "start"), (stop, "end"), (step, "step"))
    )
    if step == 0:
        raise InvalidArgumentError("arange step must not be zero")
    if (stop - start) * step < 0:
        raise ValueError(
            f"arange: the step {step} leads away from end {stop} (start {start}); as PyTorch, the "
            "bounds and the step's sign must agree"
        )
    whole = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
    dtype = _resolve_dtype(dtype) if dtype is not None else int64 if whole else default_float
    if dtype.kind in "iu" and not whole:
        values = _integer_arange(start, stop, step, dtype)
    else:
        values = np.arange(start, stop, step, dtype=dtype)
    return Tensor(values, device=device, requires_grad=requires_grad)


def _integer_arange(start: float, stop: float, step: float, dtype: np.dtype) -> np.ndarray:
    """arange of fractional numbers into an integer dtype, as PyTorch: int64 truncates start, end and
    step first; the narrower types count ceil((end - start) / step) entries from the truncated start
    by the truncated step. NumPy would step by 0 when the step truncates to 0 ([0, 0, 0, 0])."""
    if dtype == int64:
        start, stop, step = int(start), int(stop), int(step)
        count = -(-(stop - start) // step) if step else 0
    else:
        count = math.ceil((stop - start) / step)
        start, step = int(start), int(step)
    if step == 0:
        raise InvalidArgumentError(
            f"arange: step must be nonzero: it truncates to 0 for the integer dtype {dtype}; give a whole "
            "step, or a floating-point dtype"
        )
    return (np.arange(builtins.max(count, 0), dtype=np.int64) * step + start).astype(dtype)


def _arange_bound(value: Any, name: str) -> Any:
    """One of arange's numbers, checked: a finite number (a one-element tensor gives its item)."""
    if isinstance(value, Tensor) and value.size == 1:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"arange: {name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"arange: {name} must be finite, got {value}")
    return value


def _tensor_list(tensors: Sequence[Tensor], op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op} takes a list of tensors, got one Tensor: {op}([a, b, ...])")
    tensors = list(tensors)
    if not tensors:
        raise InvalidArgumentError(f"{op} needs at least one tensor")  # PyTorch's ValueError or RuntimeError
    for position, item in enumerate(tensors):
        if not isinstance(item, Tensor):
            raise TypeError(f"{op}: item {position} is a {type(item).__name__}, not a Tensor")
    return tensors


def concatenate(tensors: Sequence[Tensor], axis: int | None = None, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis, ``axis`` (alias ``dim``; default 0)."""
    tensors = _tensor_list(tensors, "concatenate")
    for position, item in enumerate(tensors):
        if item.ndim == 0:  # PyTorch's words; an axis out of range would say less
            raise InvalidArgumentError(
                f"zero-dimensional tensor (at position {position}) cannot be concatenated: tg.stack joins "
                "scalars into a vector"
            )
    first = tensors[0]
    axis = _axis_index(_one_of("concatenate", "axis", axis, "dim", dim, default=0), first.ndim, "concatenate")
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) > 1:  # as PyTorch: integers and masks join floats as floats, ints as the widest
        floats = {d for d in dtypes if _is_float(d)}
        if len(floats) > 1:
            raise TypeError(
                f"concatenate: dtype mismatch {' vs '.join(sorted(map(str, floats)))}; tensors are never "
                "upcast silently, convert one with .astype() (or .float() / .double())"
            )
        common = floats.pop() if floats else np.result_type(*dtypes)
        tensors = [t.astype(common) for t in tensors]
        first = tensors[0]
    for other in tensors[1:]:
        _same_device(first, other, "concatenate")
        if other.ndim != first.ndim or any(
            n != m for i, (n, m) in enumerate(zip(first.shape, other.shape)) if i != axis
        ):
            raise ShapeError(
                f"concatenate along axis {axis}: shapes {first.shape} and {other.shape} differ off that axis"
            )
    return _ops().Concatenate.apply(*tensors, axis=axis)


cat = concatenate


def stack(tensors: Sequence[Tensor], axis: int | None = None, *, dim: int | None = None) -> Tensor:
    """Join same-shaped tensors along a new axis, ``axis`` (alias ``dim``; default 0)."""
    tensors = _tensor_list(tensors, "stack")
    axis = _axis_index(_one_of("stack", "axis", axis, "dim", dim, default=0), tensors[0].ndim + 1, "stack")
    for other in tensors[1:]:
        if other.shape != tensors[0].shape:
            raise ShapeError(f"stack: all tensors need one shape, got {tensors[0].shape} and {other.shape}")
    return concatenate([t.unsqueeze(axis) for t in tensors], axis=axis)


def split(tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor.split(...)`` as a function (``torch.split``): pieces that ``cat`` joins back."""
    return tensor.split(split_size_or_sections, dim)


def chunk(tensor: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor.chunk(...)`` as a function (``torch.chunk``)."""
    return tensor.chunk(chunks, dim)


def unbind(tensor: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor.unbind(...)`` as a function (``torch.unbind``): the inverse of ``stack``."""
    return tensor.unbind(dim)


def where(condition: Any, a: Any = None, b: Any = None) -> Any:
    """Elementwise ``a`` where ``condition`` holds, else ``b``; gradients flow to ``a`` and ``b``.
    ``where(condition)`` alone is ``condition.nonzero(as_tuple=True)``, as PyTorch's."""
    if a is None and b is None and isinstance(condition, Tensor):
        return condition.nonzero(as_tuple=True)
    like = next((t for t in (condition, a, b) if isinstance(t, Tensor)), None)
    if like is None:
        raise TypeError("where needs at least one Tensor argument")
    condition = _as_tensor(condition, like)
    if condition.dtype != bool_:
        raise DtypeMismatchError(f"where: the condition must be a boolean tensor, not {condition.dtype}")
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        # Two numbers: the dtype PyTorch gives them (where(c, 1, 0) is int64, where(c, 1.0, 0) float32).
        dtype = _scalar_dtype(a, b) if isinstance(a, _SCALARS) and isinstance(b, _SCALARS) else default_float
        a = _as_tensor(a, Tensor._wrap(like._backend.asarray(0, dtype), like._backend))
    a, b = _coerce(a, b, "where")
    _same_device(condition, a, "where")
    try:
        np.broadcast_shapes(condition.shape, a.shape, b.shape)
    except ValueError:
        raise ShapeError(
            f"where: shapes {condition.shape}, {a.shape} and {b.shape} cannot be broadcast together"
        ) from None
    return _ops().Where.apply(condition, a, b)
