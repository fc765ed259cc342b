"""How tensors print: ``tg.set_printoptions``, PyTorch's knobs for ``repr(tensor)``.

``precision`` (digits after the point, 4), ``threshold`` (above this many elements a tensor prints
summarised, 1000), ``edgeitems`` (entries kept at each end when summarised, 3), ``linewidth``
(characters per line), ``sci_mode`` (True: always scientific notation, False: never, None: as
the values need) and ``profile`` ("default", "short", "full") to set them together.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

_DEFAULTS: dict[str, Any] = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": None,
    "sci_mode": None,
}
_PROFILES = {
    "default": _DEFAULTS,
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2},
    "full": {"precision": 4, "threshold": sys.maxsize, "edgeitems": 3},
}
_options = dict(_DEFAULTS)


def _check(value: Any, name: str, kind: type) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, kind) or value < 0):
        raise TypeError(f"set_printoptions: {name} must be a non-negative {kind.__name__}, got {value!r}")


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set how tensors print, as ``torch.set_printoptions``: a profile first, then the named options."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(
                f"set_printoptions: profile must be 'default', 'short' or 'full', got {profile!r}"
            )
        _options.update(_DEFAULTS)
        _options.update(_PROFILES[profile])
    _check(precision, "precision", int)
    _check(edgeitems, "edgeitems", int)
    _check(linewidth, "linewidth", int)
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))):
        raise TypeError(f"set_printoptions: threshold must be a number, got {threshold!r}")
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise TypeError(f"set_printoptions: sci_mode must be a bool or None, got {sci_mode!r}")
    for name, value in (("precision", precision), ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _options[name] = value
    if threshold is not None:
        _options["threshold"] = sys.maxsize if threshold == float("inf") else int(threshold)
    _options["sci_mode"] = sci_mode  # always set, as PyTorch does: omitting it means None


def array_text(array: np.ndarray, prefix: str = "tensor(") -> str:
    """``array``'s values as ``repr(tensor)`` shows them, under the current print options."""
    precision = _options["precision"]
    formatter = None
    if _options["sci_mode"] is True and array.dtype.kind == "f":
        formatter = {"float_kind": lambda v: f"{v:.{precision}e}"}
    return np.array2string(
        array,
        separator=", ",
        prefix=prefix,
        precision=precision,
        threshold=_options["threshold"],
        edgeitems=_options["edgeitems"],
        max_line_width=_options["linewidth"],
        suppress_small=_options["sci_mode"] is False,
        formatter=formatter,
    )
