"""Automatic mixed precision, PyTorch's ``torch.amp`` spellings: ``GradScaler`` and ``autocast``,
so that AMP training loops run unchanged.

``GradScaler`` is PyTorch's loss scaling, exactly: the loss is multiplied by a scale S before
``backward``, gradients are multiplied by 1/S before the step, a step whose gradients hold an inf
or NaN is skipped and S is multiplied by ``backoff_factor``, and after ``growth_interval`` clean
steps in a row S is multiplied by ``growth_factor``. Disabled (``enabled=False``, or made for
"cuda", the default, where there is no GPU, with PyTorch's warning) every method passes through.

``autocast`` does not lower precision here: ops always run in their inputs' dtype. Disabled, it
is exactly PyTorch's; enabled, it warns once that results keep full precision.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from .autograd import no_grad
from .optim.optimizer import Optimizer
from .tensor import Tensor

__all__ = ["GradScaler", "autocast", "is_autocast_enabled"]

_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"

# The device types PyTorch's autocast knows (any of them is accepted and changes nothing here), and ours.
AUTOCAST_DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
    "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone", "strict",
)  # fmt: skip


# The autocast regions entered and not yet left, innermost last: (device type, enabled).
_ACTIVE_REGIONS: list[tuple[str, bool]] = []


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether the innermost ``autocast`` region for ``device_type`` is enabled (False outside any),
    as ``torch.is_autocast_enabled``; without an argument it asks about "cuda", as PyTorch does."""
    if device_type is not None and not isinstance(device_type, str):
        raise TypeError(f"is_autocast_enabled: device_type must be a str, got {type(device_type).__name__}")
    wanted = (device_type or "cuda").split(":")[0]
    return next((enabled for kind, enabled in reversed(_ACTIVE_REGIONS) if kind == wanted), False)


class autocast:  # noqa: N801 (PyTorch's name, used as a context manager and a decorator)
    """``with tg.autocast("cuda", dtype=tg.float16, enabled=use_amp):``: a no-op region (see the
    module's docstring), accepted with PyTorch's arguments."""

    _warned = False

    def __init__(
        self,
        device_type: str = "cuda",
        dtype: Any = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type.split(":")[0] not in AUTOCAST_DEVICE_TYPES:
            raise RuntimeError(
                f"autocast: unknown device type {device_type!r}: "
                f"expected one of {', '.join(AUTOCAST_DEVICE_TYPES)}"
            )
        for name, flag in (("enabled", enabled), ("cache_enabled", cache_enabled)):
            if not isinstance(flag, (bool, np.bool_)) and not (name == "cache_enabled" and flag is None):
                raise TypeError(f"autocast: {name} must be a bool, got {type(flag).__name__} {flag!r}")
        self.device_type, self.dtype, self.enabled = device_type, dtype, bool(enabled)

    def __enter__(self) -> autocast:
        _ACTIVE_REGIONS.append((self.device_type.split(":")[0], self.enabled))
        if self.enabled and not autocast._warned:
            autocast._warned = True
            warnings.warn(
                "tg.autocast: mixed precision is not emulated; ops keep their inputs' dtype "
                "(pass enabled=False to silence this)",
                UserWarning,
                stacklevel=2,
            )
        return self

    def __exit__(self, *exception: object) -> None:
        _ACTIVE_REGIONS.pop()

    def __call__(self, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return run


class GradScaler:
    """Dynamic loss scaling (Micikevicius et al., 2018, "Mixed Precision Training"), PyTorch's
    ``torch.amp.GradScaler``: ``scaler.scale(loss).backward(); scaler.step(optimizer);
    scaler.update()``, with ``scaler.unscale_(optimizer)`` before clipping gradients."""

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        if growth_factor <= 1.0:
            raise ValueError(f"The growth factor must be > 1.0, got {growth_factor}")
        if not 0.0 < backoff_factor < 1.0:
            raise ValueError(f"The backoff factor must be < 1.0 and > 0, got {backoff_factor}")
        if isinstance(growth_interval, bool) or not isinstance(growth_interval, int) or growth_interval <= 0:
            raise ValueError(f"growth_interval must be a positive integer, got {growth_interval!r}")
        self._device = device
        self._enabled = bool(enabled)
        if self._enabled and str(device).startswith("cuda"):
            from .backend import is_cuda_available

            if not is_cuda_available():  # PyTorch's answer on a machine without a GPU
                warnings.warn(
                    "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                    UserWarning,
                    stacklevel=2,
                )
                self._enabled = False
        self._scale = float(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = growth_interval
        self._growth_tracker = 0
        self._per_optimizer: dict[int, dict[str, Any]] = {}

    def is_enabled(self) -> bool:
        return self._enabled

    def get_scale(self) -> float:
        """The current scale S (1.0 when disabled)."""
        return self._scale if self._enabled else 1.0

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def scale(self, outputs: Any) -> Any:
        """``outputs`` times S (a Tensor, or lists/tuples of Tensors); unchanged when disabled."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(output) for output in outputs)
        if isinstance(outputs, Iterable):
            return map(self.scale, outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _record(self, optimizer: Optimizer) -> dict[str, Any]:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"GradScaler needs an Optimizer, got {type(optimizer).__name__}")
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY, "found_inf": False})

    def unscale_(self, optimizer: Optimizer) -> None:
        """Multiply ``optimizer``'s gradients by 1/S in place and note whether any is inf or NaN."""
        if not self._enabled:
            return
        record = self._record(optimizer)
        if record["stage"] is _UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if record["stage"] is _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inverse_scale = 1.0 / self._scale
        found_inf = False
        with no_grad():
            for group in optimizer.param_groups:
                for param in group["params"]:
                    if param.grad is None:
                        continue
                    param.grad.mul_(inverse_scale)
                    found_inf = found_inf or not param.grad.isfinite().all().item()
        record.update(stage=_UNSCALED, found_inf=found_inf)

    def step(self, optimizer: Optimizer, *args: Any, **kwargs: Any) -> Any:
        """``optimizer.step()`` unless the unscaled gradients hold an inf or NaN (then skipped)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        record = self._record(optimizer)
        if record["stage"] is _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if record["stage"] is _READY:
            self.unscale_(optimizer)
        record["stage"] = _STEPPED
        return None if record["found_inf"] else optimizer.step(*args, **kwargs)

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Back off S after a skipped step, grow it after ``growth_interval`` clean ones (or set
        it to ``new_scale``); then begin the next iteration."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = new_scale.item() if isinstance(new_scale, Tensor) else float(new_scale)
        else:
            if not self._per_optimizer:
                raise RuntimeError("No inf checks were recorded prior to update.")
            if any(record["found_inf"] for record in self._per_optimizer.values()):
                self._scale *= self._backoff_factor
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    self._scale *= self._growth_factor
                    self._growth_tracker = 0
        self._per_optimizer = {}

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's entries; empty when disabled."""
        if not self._enabled:
            return {}
        return {
            "scale": self._scale,
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._growth_tracker,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved from a disabled instance "
                "of GradScaler."
            )
        scale, growth_factor, backoff_factor = (
            _state_number(state_dict, key, float) for key in ("scale", "growth_factor", "backoff_factor")
        )
        growth_interval, growth_tracker = (
            _state_number(state_dict, key, int) for key in ("growth_interval", "_growth_tracker")
        )
        # Only once every entry has been read: a bad one leaves the scaler as it was.
        self._scale, self._growth_factor, self._backoff_factor = scale, growth_factor, backoff_factor
        self._growth_interval, self._growth_tracker = growth_interval, growth_tracker


def _state_number(state_dict: dict[str, Any], key: str, kind: type) -> Any:
    """``kind(state_dict[key])``, or a TypeError naming the entry whose value is no such number."""
    value = state_dict[key]
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"GradScaler.load_state_dict: {key!r} must be a {kind.__name__} number, got {value!r}"
        ) from None
