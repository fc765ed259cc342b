"""PyTorch's process-wide switches that modern scripts call, accepted so such a script runs here
unchanged: ``tg.compile`` (there is no graph compiler: the model runs eagerly, as it was),
``tg.use_deterministic_algorithms`` (results here are already deterministic) and
``tg.set_float32_matmul_precision`` (float32 products are always full float32)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_deterministic = False
_matmul_precision = "highest"
PRECISIONS = ("highest", "high", "medium")


def compile(model: Callable[..., Any] | None = None, **options: Any) -> Any:  # noqa: A001 (torch.compile)
    """``torch.compile``'s signature; returns ``model`` itself (or, as a decorator with options,
    a function that does). ``options`` are PyTorch's (``mode``, ``fullgraph``, ``backend``, ...)."""
    unknown = set(options) - {
        "fullgraph", "dynamic", "backend", "mode", "options", "name", "disable", "recompile_limit",
        "isolate_recompiles", "shapes_spec",
    }  # fmt: skip
    if unknown:
        raise TypeError(f"compile() got unexpected keyword arguments {sorted(unknown)}")
    if model is None:
        return lambda function: function
    if not callable(model):
        raise TypeError(f"compile() expects a Module or a function, got {type(model).__name__}")
    return model


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the switch (every computation here is deterministic already)."""
    global _deterministic
    if not isinstance(mode, bool):
        kind = type(mode).__name__
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' must be bool, not {kind}")
    _deterministic = mode


def are_deterministic_algorithms_enabled() -> bool:
    """What ``use_deterministic_algorithms`` last set (False at start, as in PyTorch)."""
    return _deterministic


def set_float32_matmul_precision(precision: str) -> None:
    """Record PyTorch's setting; float32 products here are always computed in full float32."""
    global _matmul_precision
    if precision not in PRECISIONS:
        raise ValueError(f"float32 matmul precision must be one of {PRECISIONS}, got {precision!r}")
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """What ``set_float32_matmul_precision`` last set ("highest" at start, as in PyTorch)."""
    return _matmul_precision
