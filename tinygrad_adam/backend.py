"""The one place that knows which array library runs the maths.

A *device* names where a tensor's data lives and which library computes on it:

- ``"cpu"``: NumPy arrays.
- ``"cuda"`` / ``"cuda:N"``: CuPy arrays on GPU ``N`` (the ``gpu`` extra).
- ``"strict"`` / ``"strict:N"``: ``array-api-strict`` arrays on a simulated non-CPU device. It
  rejects what breaks on a GPU (NumPy calls on device arrays, implicit host conversions, mixing
  devices), so the whole test suite can prove the device-agnostic code without a GPU.

Everything outside this module calls ``backend.xp`` (an Array-API namespace) or the few helpers a
``Backend`` adds where the Array API has no function (scatter-add, random numbers, host copies).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

DEFAULT_DEVICE_ENV = "TINYGRAD_ADAM_DEVICE"
SELECT_BITS_FROM = 4096  # elements: below this, np.where's call costs more than its branches
GPU_EXTRA_HINT = "install the GPU extra with `pip install tinygrad_adam[gpu]` (CuPy for CUDA 12)"


class Backend:
    """A device plus the array namespace that computes on it."""

    name: str  # canonical device name, e.g. "cpu", "cuda:0", "strict:0"
    xp: Any  # the Array-API namespace
    is_host: bool  # True when arrays are NumPy arrays that host code may read directly
    creation_kwargs: dict  # extra keywords for xp.zeros/ones/... (the device, where one is needed)
    strided: Any = None  # NumPy or CuPy: the module of arrays with a visible memory layout, else None

    def __repr__(self) -> str:
        return f"Backend({self.name!r})"

    # -- conversions -------------------------------------------------------------------------
    def asarray(self, data: Any, dtype: np.dtype | None = None) -> Any:
        """Make a device array from host data (NumPy arrays, lists, scalars)."""
        raise NotImplementedError

    def to_numpy(self, array: Any) -> np.ndarray:
        """Copy a device array to a NumPy array on the host (explicitly, never implicitly)."""
        raise NotImplementedError

    def numpy_dtype(self, dtype: Any) -> np.dtype:
        """The NumPy dtype equal to a native dtype of this backend."""
        return np.dtype(dtype)

    def native_dtype(self, dtype: np.dtype) -> Any:
        """The backend's own dtype object for a NumPy dtype."""
        return dtype

    # -- memory layout (NumPy and CuPy; the Array API does not expose it) --------------------
    def is_transposed(self, array: Any) -> bool:
        """Whether a 2-D array is stored column by column: a transposed view of a row-major buffer.

        Dense keeps its (out, in) weight so, which hands BLAS the same products as an (in, out)
        weight would: the fastest ones for ``x W``, ``xᵀ g`` and ``g Wᵀ``.
        """
        if self.strided is None:
            return False
        return array.ndim == 2 and array.flags.f_contiguous and not array.flags.c_contiguous

    def copy_like(self, array: Any, like: Any) -> Any:
        """A copy of ``array`` with the dtype and memory layout of ``like`` (an array it will replace)."""
        if self.strided is None:
            return self.xp.astype(array, like.dtype, copy=True)
        order = "F" if self.is_transposed(like) else "K"
        return self.strided.array(array, dtype=like.dtype, order=order, copy=True)

    def writable(self, array: Any) -> bool:
        """Whether ``array`` has writable memory of its own for each element: not a read-only view
        or a broadcast of fewer values (a sum's gradient is one value broadcast to a shape)."""
        flags = getattr(array, "flags", None)
        if flags is None:
            return True
        return getattr(flags, "writeable", True) and (array.size <= 1 or 0 not in array.strides)

    def column_major(self, array: Any) -> Any:
        """A 2-D ``array`` stored column by column (a copy, unless it is so already); itself where
        the layout is hidden. NumPy reduces a short last axis ~7x faster so: the row maxima of
        (128, 10) logits take 2 us instead of 15 us."""
        if self.strided is None:
            return array
        return self.strided.asfortranarray(array)

    # -- what the Array API lacks ----------------------------------------------------------
    def getitem(self, array: Any, index: Any) -> Any:
        """``array[index]`` with NumPy's indexing rules (basic, integer-array and boolean)."""
        return _element_as_view(array, index, array[index])

    def setitem(self, array: Any, index: Any, values: Any) -> Any:
        """``array[index] = values`` (same device and dtype); returns the array that holds the result."""
        array[index] = values
        return array

    def add_at(self, array: Any, index: Any, values: Any) -> Any:
        """``array[index] += values`` for a basic index (slices, integers: each element once), in
        place through the view that basic indexing gives; returns the array that holds the result."""
        view = self.getitem(array, index)  # (a 0-d view, not NumPy's copied scalar, for one element)
        if not self.strided.may_share_memory(view, array):  # a copy after all (x[True] adds an axis so)
            return self.setitem(array, index, view + values)
        view += values
        return array

    def view_dtype(self, array: Any, dtype: np.dtype) -> Any:
        """The same bytes read as ``dtype`` (``array.view(dtype)``), sharing memory; with another
        element size the last axis scales by the ratio of the sizes, which needs it contiguous.

        PyTorch code makes it so with ``.contiguous()``; code that does not still works here: a last
        axis that is not contiguous (a transpose's) is copied into one first.
        """
        if dtype.itemsize != array.dtype.itemsize and array.strides[-1] != array.dtype.itemsize:
            array = self.strided.ascontiguousarray(array)
        return array.view(dtype)

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        """``a`` where ``condition`` holds, else ``b``: ``xp.where``, broadcasting as it does."""
        return self.xp.where(condition, a, b)

    def index_add(self, shape: tuple[int, ...], index: Any, values: Any) -> Any:
        """Zeros of ``shape`` with ``values`` added at ``index``; repeated indices accumulate."""
        raise NotImplementedError

    # -- random numbers ----------------------------------------------------------------------
    def manual_seed(self, seed: int) -> None:
        """Restart this device's generator from ``seed``."""
        raise NotImplementedError

    def random(self, kind: str, shape: tuple[int, ...], dtype: np.dtype) -> Any:
        """Draw ``kind`` ("normal" or "uniform") numbers from this device's generator."""
        raise NotImplementedError

    def get_rng_state(self) -> dict:
        raise NotImplementedError

    def set_rng_state(self, state: dict) -> None:
        raise NotImplementedError


def _element_as_view(array: Any, index: Any, picked: Any) -> Any:
    """``picked = array[index]``, but as a 0-d view where NumPy gave one element as a scalar (a
    copy): a Tensor view of an element writes into its base, as in PyTorch."""
    if not isinstance(picked, np.generic) and not (hasattr(picked, "shape") and picked.shape == ()):
        return picked
    parts = index if isinstance(index, tuple) else (index,)
    if any(part is Ellipsis for part in parts):
        return picked  # NumPy gives a 0-d view already
    return array[(*parts, ...)]


class _NumpyRandom:
    """A PCG64 generator, re-created by ``manual_seed``, shared by the host-side backends."""

    def __init__(self) -> None:
        self.seed: int | None = None
        self.generator = np.random.default_rng()

    def reseed(self, seed: int) -> None:
        self.seed = seed
        self.generator = np.random.default_rng(seed)

    def draw(self, kind: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        if kind == "normal":
            return self.generator.standard_normal(shape, dtype=dtype)
        if kind == "uniform":
            return self.generator.random(shape, dtype=dtype)
        raise ValueError(f"unknown random kind {kind!r}")


KEEP_FREED_MEMORY_ENV = "TINYGRAD_ADAM_KEEP_FREED_MEMORY"
TRIM_THRESHOLD = 64 << 20  # bytes of freed memory glibc may keep at the top of the heap
MMAP_THRESHOLD = 32 << 20  # allocations from this size on get pages of their own


def keep_freed_memory() -> bool:
    """Let glibc's malloc keep freed memory for reuse instead of handing it back to the system.

    Training allocates and frees the same large temporaries every step (activations, im2col
    patches, a recurrence's gates). By default glibc returns them to the system once freed and
    then page-faults them back in, zero-filled, on the next step: thousands of faults a step,
    a quarter to a third of a small CNN's or LSTM's CPU time. Fixed thresholds (64 MiB kept, blocks
    from 32 MiB on mapped apart) make the memory recycle, as jemalloc or tcmalloc would. Skipped off
    glibc, where the user set glibc's own ``MALLOC_TRIM_THRESHOLD_``/``MALLOC_MMAP_THRESHOLD_``, and
    when $TINYGRAD_ADAM_KEEP_FREED_MEMORY is 0. Returns whether the thresholds were set.
    """
    if os.environ.get(KEEP_FREED_MEMORY_ENV, "1") == "0":
        return False
    if "MALLOC_TRIM_THRESHOLD_" in os.environ or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    import ctypes
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's <malloc.h>
    return bool(mallopt(m_trim_threshold, TRIM_THRESHOLD)) and bool(mallopt(m_mmap_threshold, MMAP_THRESHOLD))


class NumpyBackend(Backend):
    """CPU arrays: plain NumPy (NumPy >= 2 is an Array-API namespace)."""

    def __init__(self) -> None:
        keep_freed_memory()
        self.name = device("cpu")
        self.xp = self.strided = np
        self.is_host = True
        self.creation_kwargs = {}
        self._random = _NumpyRandom()

    def asarray(self, data: Any, dtype: np.dtype | None = None) -> np.ndarray:
        return np.asarray(data, dtype=dtype)

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        # np.where branches on every element: with a condition that follows the data (a ReLU's
        # sign, say) it mispredicts, ~3 ns an element (100 us for 128x256 float32 here). Picking
        # the bits, b ^ ((a ^ b) & mask), takes no branch: 6x faster, and the same values bit for
        # bit (signed zeros and NaN payloads included).
        a, b, condition = np.asarray(a), np.asarray(b), np.asarray(condition)
        if (
            condition.dtype != np.bool_
            or a.dtype != b.dtype
            or a.dtype.kind not in "fiu"
            or a.dtype.itemsize not in (4, 8)
            or max(condition.size, a.size, b.size) < SELECT_BITS_FROM
        ):
            return np.where(condition, a, b)
        bits = np.dtype(f"u{a.dtype.itemsize}")
        mask = condition.astype(bits)
        np.negative(mask, out=mask)  # True -> all ones, False -> 0
        a_bits, b_bits = a.view(bits), b.view(bits)
        picked = np.bitwise_and(np.bitwise_xor(a_bits, b_bits), mask)
        picked ^= b_bits
        return picked.view(a.dtype)

    def to_numpy(self, array: np.ndarray) -> np.ndarray:
        return np.asarray(array)

    def index_add(self, shape: tuple[int, ...], index: Any, values: np.ndarray) -> np.ndarray:
        out = np.zeros(shape, dtype=values.dtype)
        np.add.at(out, index, values)
        return out

    def manual_seed(self, seed: int) -> None:
        self._random.reseed(seed)

    def random(self, kind: str, shape: tuple[int, ...], dtype: np.dtype) -> Any:
        return self._random.draw(kind, shape, dtype)

    def get_rng_state(self) -> dict:
        return {"seed": self._random.seed, "state": self._random.generator.bit_generator.state}

    def set_rng_state(self, state: dict) -> None:
        self._random.seed = state["seed"]
        self._random.generator.bit_generator.state = state["state"]


class StrictBackend(Backend):
    """``array-api-strict`` arrays on a simulated accelerator ("device1", "device2")."""

    def __init__(self, index: int) -> None:
        keep_freed_memory()  # NumPy underneath: the same recycling helps the test suite
        try:
            import array_api_strict
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "device 'strict' needs the array-api-strict package: pip install tinygrad_adam[test]"
            ) from error
        if index not in (0, 1):
            raise ValueError(f"device 'strict:{index}' does not exist: use strict:0 or strict:1")
        self.name = device(f"strict:{index}")
        self.xp = array_api_strict
        self.is_host = False
        self._device = array_api_strict.Device(f"device{index + 1}")
        self._cpu = array_api_strict.Device("CPU_DEVICE")
        self.creation_kwargs = {"device": self._device}
        self._array_type = type(array_api_strict.asarray(0))  # NumPy scalars pass as index parts
        self._random = _NumpyRandom()

    def native_dtype(self, dtype: np.dtype) -> Any:
        name = np.dtype(dtype).name
        native = getattr(self.xp, name, None)
        if native is None:  # float16: the Array API standard has no half precision
            raise TypeError(f"the {self.name} device has no {name} (the Array API standard lacks it)")
        return native

    def numpy_dtype(self, dtype: Any) -> np.dtype:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])

    def asarray(self, data: Any, dtype: np.dtype | None = None) -> Any:
        host = np.asarray(data, dtype=dtype)
        return self.xp.asarray(host, device=self._device, copy=True)

    def to_numpy(self, array: Any) -> np.ndarray:
        return np.from_dlpack(array.to_device(self._cpu)).copy()

    def writable(self, array: Any) -> bool:
        # array-api-strict hides the layout; ask the NumPy array it wraps.
        inner = getattr(array, "_array", None)
        return True if inner is None else Backend.writable(self, inner)

    def getitem(self, array: Any, index: Any) -> Any:
        try:
            return _element_as_view(array, index, array[index])
        except IndexError:
            # The Array API forbids mixing slices with integer arrays; NumPy and CuPy allow it.
            # Emulate it through an explicit host round trip, as a GPU library would do it natively.
            host_index = self._host_index(index)
            return self.asarray(self.to_numpy(array)[host_index])

    def setitem(self, array: Any, index: Any, values: Any) -> Any:
        try:
            array[index] = values
            return array
        except IndexError:
            # Integer-array assignment is outside the Array API; emulate it on the host as above.
            host = self.to_numpy(array)
            host[self._host_index(index)] = self.to_numpy(values)
            return self.asarray(host)

    def add_at(self, array: Any, index: Any, values: Any) -> Any:
        # The Array API promises no views: read, add, write back.
        return self.setitem(array, index, self.getitem(array, index) + values)

    def index_add(self, shape: tuple[int, ...], index: Any, values: Any) -> Any:
        out = np.zeros(shape, dtype=self.numpy_dtype(values.dtype))
        np.add.at(out, self._host_index(index), self.to_numpy(values))
        return self.asarray(out)

    def view_dtype(self, array: Any, dtype: np.dtype) -> Any:
        # The Array API has no bit reinterpretation: reinterpret on the host and copy back. A COPY
        # here, unlike NumPy and CuPy: writes into the result do not reach the source.
        return self.asarray(self.to_numpy(array).view(dtype))

    def _host_index(self, index: Any) -> Any:
        parts = index if isinstance(index, tuple) else (index,)
        host = tuple(self.to_numpy(p) if isinstance(p, self._array_type) else p for p in parts)
        return host if isinstance(index, tuple) else host[0]

    def manual_seed(self, seed: int) -> None:
        self._random.reseed(seed)

    def random(self, kind: str, shape: tuple[int, ...], dtype: np.dtype) -> Any:
        return self.asarray(self._random.draw(kind, shape, dtype))

    get_rng_state = NumpyBackend.get_rng_state
    set_rng_state = NumpyBackend.set_rng_state


class CupyBackend(Backend):
    """CUDA arrays through CuPy, with the Array-API namespace from ``array-api-compat``."""

    def __init__(self, index: int) -> None:
        try:
            import cupy
            from array_api_compat import cupy as cupy_namespace
        except ImportError as error:
            raise RuntimeError(
                f"device 'cuda:{index}' needs CuPy and array-api-compat: {GPU_EXTRA_HINT}"
            ) from error
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as error:  # CUDA driver missing or broken
            raise RuntimeError(
                f"device 'cuda:{index}': CuPy found no usable GPU ({error}); check the driver, or "
                f"{GPU_EXTRA_HINT} matching it"
            ) from error
        if index >= count:
            raise RuntimeError(
                f"device 'cuda:{index}' does not exist: CuPy sees {count} GPU(s) ({GPU_EXTRA_HINT} "
                "on a machine with a GPU)"
            )
        self.name = device(f"cuda:{index}")
        self.xp = cupy_namespace
        self.is_host = False
        self._cupy = self.strided = cupy
        self._device = cupy.cuda.Device(index)
        self.creation_kwargs = {"device": self._device}
        with self._device:
            self._generator = cupy.random.default_rng()

    def asarray(self, data: Any, dtype: np.dtype | None = None) -> Any:
        with self._device:
            return self._cupy.asarray(data, dtype=dtype)

    def to_numpy(self, array: Any) -> np.ndarray:
        return self._cupy.asnumpy(array)

    def copy_like(self, array: Any, like: Any) -> Any:
        with self._device:  # CuPy copies onto the current device: make it this one
            return super().copy_like(array, like)

    def view_dtype(self, array: Any, dtype: np.dtype) -> Any:
        with self._device:  # a contiguous copy, where one is needed, goes onto this device
            return super().view_dtype(array, dtype)

    def index_add(self, shape: tuple[int, ...], index: Any, values: Any) -> Any:
        import cupyx

        with self._device:
            out = self._cupy.zeros(shape, dtype=values.dtype)
            cupyx.scatter_add(out, index, values)
        return out

    def manual_seed(self, seed: int) -> None:
        with self._device:
            self._generator = self._cupy.random.default_rng(seed)

    def random(self, kind: str, shape: tuple[int, ...], dtype: np.dtype) -> Any:
        with self._device:
            if kind == "normal":
                return self._generator.standard_normal(shape, dtype=dtype)
            if kind == "uniform":
                return self._generator.random(shape, dtype=dtype)
        raise ValueError(f"unknown random kind {kind!r}")

    def get_rng_state(self) -> dict:
        raise NotImplementedError("saving the CuPy generator state is not supported; reseed instead")

    def set_rng_state(self, state: dict) -> None:
        raise NotImplementedError("restoring the CuPy generator state is not supported")


_backends: dict[str, Backend] = {}
_seed: int | None = None  # the last manual_seed, applied to backends created after it too
_default_device: str = os.environ.get(DEFAULT_DEVICE_ENV, "cpu") or "cpu"


class InvalidDeviceError(ValueError, RuntimeError):
    """A device string that names no device: PyTorch's RuntimeError, and the ValueError raised before."""


def canonical_device(device: str) -> str:
    """``"cuda"`` -> ``"cuda:0"``, ``"strict"`` -> ``"strict:0"``; raises on unknown names."""
    if not isinstance(device, str):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda:0', got {device!r}")
    kind, _, index = device.strip().lower().partition(":")
    if kind == "cpu" and not index:
        return "cpu"
    if kind in ("cuda", "strict"):
        if index and not index.isdigit():
            raise InvalidDeviceError(f"bad device index in {device!r}")
        return f"{kind}:{int(index or 0)}"
    raise InvalidDeviceError(f"unknown device {device!r}: use 'cpu', 'cuda', 'cuda:N' or 'strict'")


class device(str):  # noqa: N801 (PyTorch's spelling: tg.device("cuda", 1), as torch.device)
    """A device name that is also PyTorch's ``torch.device``: ``tg.device("cuda", 1)`` is the string
    ``"cuda:1"`` with ``.type == "cuda"`` and ``.index == 1`` (``"cpu"`` has index None). Being a
    string, it goes wherever a device name does."""

    def __new__(cls, type_or_name: str, index: int | None = None) -> device:
        if isinstance(type_or_name, device) and index is None:
            return type_or_name
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, int) or index < 0:
                raise ValueError(f"device index must be a non-negative integer, got {index!r}")
            if not isinstance(type_or_name, str) or ":" in type_or_name:
                raise ValueError(f"device({type_or_name!r}, {index}): give the type alone with an index")
            type_or_name = f"{type_or_name}:{index}"
        return super().__new__(cls, canonical_device(type_or_name))

    @property
    def type(self) -> str:
        """``"cpu"``, ``"cuda"`` or ``"strict"``."""
        return str(self).partition(":")[0]

    @property
    def index(self) -> int | None:
        """The device number, None on the CPU."""
        number = str(self).partition(":")[2]
        return int(number) if number else None

    def __repr__(self) -> str:
        return f"device(type={self.type!r}" + ("" if self.index is None else f", index={self.index}") + ")"


def get_backend(device: str | Backend | None = None) -> Backend:
    """The backend for ``device`` (default: ``set_default_device`` or $TINYGRAD_ADAM_DEVICE)."""
    if isinstance(device, Backend):
        return device
    name = canonical_device(_default_device if device is None else device)
    backend = _backends.get(name)
    if backend is None:
        kind, _, index = name.partition(":")
        if kind == "cpu":
            backend = NumpyBackend()
        elif kind == "strict":
            backend = StrictBackend(int(index))
        else:
            backend = CupyBackend(int(index))
        if _seed is not None:
            backend.manual_seed(_seed)
        _backends[name] = backend
    return backend


def set_default_device(device: str) -> None:
    """Make ``device`` the default for new tensors (checked now, so typos fail early)."""
    global _default_device
    get_backend(device)
    _default_device = canonical_device(device)


def get_default_device() -> str:
    return canonical_device(_default_device)


def is_cuda_available() -> bool:
    """True when CuPy is installed and sees at least one GPU."""
    return cuda_device_count() > 0


def cuda_device_count() -> int:
    """How many GPUs CuPy sees: 0 without CuPy, a driver or a device."""
    try:
        import cupy

        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # no CuPy, no driver, no device: CuPy raises its own errors for each
        return 0


def manual_seed(seed: int) -> None:
    """Seed every device's generator: the same seed gives the same draws on every run."""
    global _seed
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    _seed = int(seed)
    for backend in _backends.values():
        backend.manual_seed(_seed)
