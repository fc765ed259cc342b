"""How tensors print: ``tg.set_printoptions``, PyTorch's knobs for ``repr(tensor)``.

``precision`` (digits after the point, 4), ``threshold`` (above this many elements a tensor prints
summarised, 1000), ``edgeitems`` (entries kept at each end when summarised, 3), ``linewidth``
(characters per line), ``sci_mode`` (True: always scientific notation, False: never, None: as
the values need) and ``profile`` ("default", "short", "full") to set them together.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
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


def _formatter(values: np.ndarray) -> tuple[Callable[[Any], str], int]:
    """PyTorch's ``_Formatter``: one layout for every element, chosen from the nonzero finite
    values (integers print as ``3.``; a ratio of the largest to the smallest above 1000, a largest
    above 1e8 or a smallest below 1e-4 print in scientific notation; others with ``precision``
    decimals), every element right-aligned to the widest."""
    precision, flat = _options["precision"], values.reshape(-1)
    if values.dtype.kind != "f":
        width = max([1, *(len(str(v)) for v in flat.tolist())])
        return (lambda v: str(v).rjust(width)), width
    finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
    int_mode, sci_mode, width = True, False, 1
    if finite.size:
        largest, smallest = np.abs(finite).max(), np.abs(finite).min()
        int_mode = bool(np.all(finite == np.ceil(finite)))
        sci_mode = _options["sci_mode"]
        if sci_mode is None:
            sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        pattern = f"{{:.{precision}e}}" if sci_mode else "{:.0f}." if int_mode else f"{{:.{precision}f}}"
        width = max(len(pattern.format(v)) for v in finite.tolist())

    def format_one(value: float) -> str:
        if sci_mode:
            text = f"{value:.{precision}e}"
        elif int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{precision}f}"
        return text.rjust(width)

    return format_one, width


def _summarised(array: np.ndarray, edge: int) -> np.ndarray:
    """The entries a summarised print shows: ``edge`` at each end of every longer dimension."""
    for axis, size in enumerate(array.shape):
        if size > 2 * edge:
            array = np.take(array, [*range(edge), *range(size - edge, size)], axis=axis)
    return array


def array_text(array: np.ndarray, prefix: str = "tensor(") -> str:
    """``array``'s values as ``repr(tensor)`` shows them, under the current print options: PyTorch's
    layout (its formatter, ``linewidth`` elements per line, ``...`` past ``threshold`` elements)."""
    if array.size == 0:
        return "[]"
    edge = _options["edgeitems"]
    summarise = array.size > _options["threshold"]
    format_one, width = _formatter(_summarised(array, edge) if summarise else array)
    linewidth = 80 if _options["linewidth"] is None else _options["linewidth"]

    def text(part: np.ndarray, indent: int) -> str:
        if part.ndim == 0:
            return format_one(part.item())
        long = summarise and part.shape[0] > 2 * edge
        if part.ndim == 1:
            if summarise and not edge:
                items = ["..."]
            elif long:
                items = [
                    *map(format_one, part[:edge].tolist()),
                    " ...",
                    *map(format_one, part[-edge:].tolist()),
                ]
            else:
                items = list(map(format_one, part.tolist()))
            per_line = max(1, (linewidth - indent) // (width + 2))
            lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
            return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
        rows = (
            [*range(edge), None, *range(part.shape[0] - edge, part.shape[0])]
            if long
            else range(part.shape[0])
        )
        slices = ["..." if i is None else text(part[i], indent + 1) for i in rows]
        return "[" + ("," + "\n" * (part.ndim - 1) + " " * (indent + 1)).join(slices) + "]"

    return text(array, len(prefix))
