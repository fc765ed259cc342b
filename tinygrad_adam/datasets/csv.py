"""A table of numbers from a CSV file (gzipped or not) as ``(x, y)`` NumPy arrays, ready for TensorDataset.

Every column but the target becomes a float feature; the target becomes int64 class labels or float
regression targets. Only the standard library's ``csv`` module and NumPy: no pandas. Each value is
converted in Python, which suits files up to a few million values; convert bigger ones to ``.npy`` once.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import os
import zlib
from collections.abc import Collection, Sequence
from typing import Literal

import numpy as np

GZIP_MAGIC = b"\x1f\x8b"
# Spellings of "no value" in exported tables (pandas, R, spreadsheets, UCI's "?"), compared case-blind.
MISSING_VALUES = ("", "NA", "N/A", "NaN", "null", "None", "?")

Column = int | str


def load_csv(
    path: str | os.PathLike,
    target: Column = -1,
    *,
    header: bool | Literal["infer"] = "infer",
    delimiter: str = ",",
    dtype: np.dtype | type = np.float32,
    task: Literal["auto", "classification", "regression"] = "auto",
    classes: Sequence[str] | None = None,
    ignore: Sequence[Column] = (),
    missing: Literal["raise", "keep", "drop"] = "raise",
    missing_values: Collection[str] = MISSING_VALUES,
    encoding: str = "utf-8-sig",
    return_classes: bool = False,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, list[str] | None]:
    """``(x, y)`` from the CSV file ``path``: x of ``dtype`` (n, features), y the ``target`` column.

    ``target`` and ``ignore`` name columns by index (negative counts from the end) or by header name.
    ``header="infer"`` takes the first row as a header when a feature field in it is not a number
    (or when ``target`` is a name); pass True/False when the guess would be wrong (numeric names).
    Gzip is detected from the content; quoted fields, Windows line endings, a UTF-8 byte-order mark
    and blank lines are handled.

    ``task="auto"`` makes y int64 class labels when every target value is an integer (kept as written)
    or when some value is text (the distinct values mapped to 0..C-1 in sorted order), and ``dtype``
    regression targets when every value is a number and some are not integers. Labels written as
    "2.0" (np.savetxt) are not integers to "auto": ``task="classification"`` keeps whole numbers as
    labels. Pass ``classes`` (the class names in label order, e.g. from the training file) to fix the
    mapping: a test file lacking a class would otherwise get different labels.

    ``return_classes=True`` returns ``(x, y, classes)``: ``classes[label]`` is the name of ``label``,
    or None when y holds the file's own integers or regression targets.

    Missing values (``missing_values``, case-blind: empty, "NA", "nan", ...) raise an error naming
    the line and column by default; ``missing="keep"`` keeps NaN in x (and in regression y),
    ``missing="drop"`` skips every row with a missing value in a used column.
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"load_csv: dtype must be a floating dtype (float32, float64), got {dtype}")
    if task not in ("auto", "classification", "regression"):
        raise ValueError(f"load_csv: task must be 'auto', 'classification' or 'regression', got {task!r}")
    if missing not in ("raise", "keep", "drop"):
        raise ValueError(f"load_csv: missing must be 'raise', 'keep' or 'drop', got {missing!r}")
    if classes is not None and task == "regression":
        raise ValueError("load_csv: classes= names class labels, it cannot go with task='regression'")
    if header not in (True, False, "infer"):
        raise ValueError(f"load_csv: header must be True, False or 'infer', got {header!r}")
    path = os.fspath(path)
    missing_keys = {value.strip().lower() for value in missing_values}

    lines = _read_rows(path, delimiter, encoding)  # (line number, fields) of the non-blank rows
    if not lines:
        raise ValueError(f"{path}: the file holds no rows")
    width = len(lines[0][1])
    names_used = isinstance(target, str) or any(isinstance(column, str) for column in ignore)
    if header == "infer" and not names_used:  # a header when a feature field of row 1 is not a number
        not_features = {_column_index(path, column, width, None) for column in (target, *ignore)}
        first_features = [field for index, field in enumerate(lines[0][1]) if index not in not_features]
        has_header = any(
            not _is_number(field) and field.strip().lower() not in missing_keys for field in first_features
        )
    else:
        if header is False and names_used:
            raise ValueError(f"{path}: columns named by header name need a header row, but header=False")
        has_header = bool(header)
    names = [field.strip() for field in lines[0][1]] if has_header else None
    rows = lines[1:] if has_header else lines
    if not rows:
        raise ValueError(f"{path}: no data rows" + (" after the header" if has_header else ""))

    target_index = _column_index(path, target, width, names)
    ignored = {_column_index(path, column, width, names) for column in ignore}
    if target_index in ignored:
        raise ValueError(f"{path}: the target column {_describe(target_index, names)} is also in ignore=")
    features = [index for index in range(width) if index != target_index and index not in ignored]
    if not features:
        hint = ""
        if width == 1:  # one column: most likely the file is split by another character
            hint = f"; is the file separated by something other than {delimiter!r}? "
            hint += "pass delimiter=';' (or '\\t')"
        raise ValueError(f"{path}: no feature columns left besides the target ({width} columns in all){hint}")
    for line_number, fields in rows:
        if len(fields) != width:
            where = "the header" if has_header else f"line {lines[0][0]}"
            raise ValueError(
                f"{path}: line {line_number} has {len(fields)} fields, expected {width} as in {where}"
            )

    if missing == "drop":
        used = [target_index, *features]
        rows = [row for row in rows if all(row[1][i].strip().lower() not in missing_keys for i in used)]
        if not rows:
            raise ValueError(f"{path}: every data row has a missing value: missing='drop' left nothing")
    x = np.empty((len(rows), len(features)), dtype=dtype)
    for row, (line_number, fields) in enumerate(rows):
        for column, index in enumerate(features):
            x[row, column] = _number(path, line_number, index, names, fields[index], missing, missing_keys)

    targets = [(line_number, fields[target_index]) for line_number, fields in rows]
    y, class_names = _targets(path, targets, target_index, names, task, classes, dtype, missing, missing_keys)
    return (x, y, class_names) if return_classes else (x, y)


def _read_rows(path: str, delimiter: str, encoding: str) -> list[tuple[int, list[str]]]:
    """The rows of ``path`` that are not blank, each with the line number where it starts (from 1)."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such CSV file") from None
    if raw.startswith(GZIP_MAGIC):  # decide by content: a .csv.gz renamed to .csv still reads
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path}: damaged or truncated gzip data ({error})") from error
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not {encoding} text ({error}); pass encoding= (e.g. 'latin-1')") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        start = 1
        for fields in reader:
            if any(field.strip() for field in fields):
                rows.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ValueError(f"{path}: line {reader.line_num}: malformed CSV ({error})") from None
    return rows


def _column_index(path: str, column: Column, width: int, names: list[str] | None) -> int:
    """The index of ``column`` (an index, negative from the end, or a header name) in rows of ``width``."""
    if isinstance(column, str):
        if names is None:
            raise ValueError(f"{path}: column {column!r} is named, but the file has no header row")
        if names.count(column) != 1:
            problem = "appears more than once in" if column in names else "is not in"
            raise ValueError(f"{path}: column {column!r} {problem} the header {names}")
        return names.index(column)
    if isinstance(column, bool) or not isinstance(column, (int, np.integer)):
        raise TypeError(f"load_csv: a column is an int index or a header name, got {column!r}")
    if not -width <= column < width:
        raise ValueError(f"{path}: column index {column} is out of range for {width} columns")
    return int(column) % width


def _describe(index: int, names: list[str] | None) -> str:
    return f"{names[index]!r} (index {index})" if names else f"{index}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(
    path: str,
    line_number: int,
    index: int,
    names: list[str] | None,
    text: str,
    missing: str,
    missing_keys: set[str],
) -> float:
    """The number in one field, NaN for a kept missing value; errors name the line, column and value."""
    if text.strip().lower() in missing_keys:
        if missing == "raise":
            raise ValueError(
                f"{path}: line {line_number}, column {_describe(index, names)}: missing value {text!r} "
                f"(pass missing='keep' for NaN or missing='drop' to skip such rows)"
            )
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise ValueError(
            f"{path}: line {line_number}, column {_describe(index, names)}: {text!r} is not a number "
            f"(features must be numeric; pass ignore=[...] to leave the column out)"
        ) from None


def _targets(
    path: str,
    targets: list[tuple[int, str]],
    index: int,
    names: list[str] | None,
    task: str,
    classes: Sequence[str] | None,
    dtype: np.dtype,
    missing: str,
    missing_keys: set[str],
) -> tuple[np.ndarray, list[str] | None]:
    """y from the target fields ``(line number, text)``, and the class names when labels were mapped."""
    texts = [text.strip() for _, text in targets]
    if task == "regression" or (task == "auto" and classes is None and _regression_like(texts, missing_keys)):
        values = [_number(path, line, index, names, text, missing, missing_keys) for line, text in targets]
        return np.asarray(values, dtype=dtype), None
    for (line_number, _), text in zip(targets, texts):
        if text.lower() in missing_keys:
            raise ValueError(
                f"{path}: line {line_number}, target column {_describe(index, names)}: missing class label "
                f"{text!r} (pass missing='drop' to skip such rows)"
            )
    if classes is None:
        integers = [_integer(text, whole_floats=True) for text in texts]
        if all(value is not None for value in integers):
            return np.asarray(integers, dtype=np.int64), None
        numeric = all(_is_number(text) for text in texts)  # e.g. "0.5", forced to be classes: sort by value
        classes = sorted(set(texts), key=float if numeric else None)
    class_names = [str(name).strip() for name in classes]
    label_of = {name: label for label, name in enumerate(class_names)}
    if len(label_of) != len(class_names):
        raise ValueError(f"load_csv: classes= holds a name twice: {class_names}")
    for (line_number, _), text in zip(targets, texts):
        if text not in label_of:
            raise ValueError(
                f"{path}: line {line_number}, target column {_describe(index, names)}: class {text!r} "
                f"is not one of classes={class_names}"
            )
    return np.asarray([label_of[text] for text in texts], dtype=np.int64), class_names


def _integer(text: str, whole_floats: bool = False) -> int | None:
    """The integer ``text`` spells ("3", "-1"; with ``whole_floats`` also "3.0", as np.savetxt writes)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if whole_floats and math.isfinite(value) and value.is_integer() else None


def _regression_like(texts: list[str], missing_keys: set[str]) -> bool:
    """True when every present target value is a number and some are not integers (task="auto")."""
    present = [text for text in texts if text.lower() not in missing_keys]
    all_integers = all(_integer(text) is not None for text in present)
    return all(_is_number(text) for text in present) and not all_integers
