"""A table from a CSV file (gzipped or not) as ``(x, y)`` NumPy arrays, ready for TensorDataset.

Every column but the target becomes a float feature; text (categorical) feature columns are refused,
one-hot encoded or mapped to ordinal codes; the target becomes int64 class labels or float regression
targets. Only the standard library's ``csv`` module and NumPy: no pandas. Each value is converted in
Python, which suits files up to a few million values; convert bigger ones to ``.npy`` once.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import math
import os
import re
import warnings
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

GZIP_MAGIC = b"\x1f\x8b"
# Spellings of "no value" in exported tables (pandas, R, spreadsheets, UCI's "?"), compared case-blind.
MISSING_VALUES = ("", "NA", "N/A", "NaN", "null", "None", "?")

Column = int | str
Categories = Mapping[Column, Sequence[str] | Literal["auto"]]


def load_csv(
    path: str | os.PathLike,
    target: Column = -1,
    *,
    header: bool | Literal["infer"] = "infer",
    delimiter: str = ",",
    decimal: str = ".",
    dtype: np.dtype | type = np.float32,
    task: Literal["auto", "classification", "regression"] = "auto",
    classes: Sequence[str] | None = None,
    ignore: Sequence[Column] = (),
    missing: Literal["raise", "keep", "drop"] = "raise",
    missing_values: Collection[str] = MISSING_VALUES,
    categorical: Literal["raise", "onehot", "ordinal"] = "raise",
    categories: Categories | None = None,
    encoding: str = "utf-8-sig",
    return_classes: bool = False,
    return_feature_names: bool = False,
    return_categories: bool = False,
) -> tuple:
    """``(x, y)`` from the CSV file ``path``: x of ``dtype`` (n, features), y the ``target`` column.

    ``target`` and ``ignore`` name columns by index (negative counts from the end) or by header name.
    ``header="infer"`` takes the first row as a header when a feature field in it is not a number
    (or when a column is named); pass True/False when the guess would be wrong (numeric names). Where
    ``categorical`` lets text features in, a text first row is a header only when one of its fields
    sits above a column of numbers, or when it holds no number and none of its fields is a value of
    its column, below it or in ``categories`` (a name is not a value): UCI's headerless files read as data.
    Gzip is detected from the content; quoted fields, Windows line endings, a UTF-8 byte-order mark
    and blank lines are handled; spaces around a value are not part of it. ``delimiter="auto"`` takes
    the one of tab, ";", "|" and "," that splits the first lines alike into the most fields. ``decimal=","``
    reads numbers written with a decimal comma ("1,5"), as spreadsheets of many countries save them
    (with ``delimiter=";"``); ``"auto"`` means "," when the delimiter is ";", else ".".
    ``delimiter=" "`` splits on runs of spaces, as the whitespace-aligned tables of UCI (housing.data,
    auto-mpg.data) and R are written; "auto" picks it when no other delimiter splits the lines. Header
    names written in single quotes (``'GPA' 'GRADE'``) are read without them.

    ``task="auto"`` makes y int64 class labels when every target value is an integer (kept as written)
    or when some value is text (the distinct values mapped to 0..C-1 in sorted order), and ``dtype``
    regression targets when every value is a number and some are not integers. Labels written as
    "2.0" (np.savetxt) are not integers to "auto": ``task="classification"`` keeps whole numbers as
    labels. Pass ``classes`` (the class names in label order, e.g. from the training file) to fix the
    mapping: a test file lacking a class would otherwise get different labels.

    Text feature columns (categories such as "red"/"green") raise an error by default (``categorical=
    "raise"``). ``categorical="onehot"`` replaces each such column, in place, by one 0/1 column per
    category; ``"ordinal"`` by one column of codes 0..K-1. A column is categorical when some present
    value in it is not a number (so "2", "4", "5more" is one); its categories are its distinct values,
    sorted (by value when all are numbers), compared as text without surrounding spaces, case kept.
    ``categories`` ({column: [category, ...] or "auto"}) names the categorical columns instead: exactly
    those are encoded (a numeric code column such as a zip code too), each with the categories given, in
    the order given (the ordinal codes and one-hot columns follow it), or found ("auto"). Pass a train
    file's categories (``return_categories=True``) when loading its test file: the same columns and
    the same encoding, even where the test file lacks a category; a category not in the list is an
    error naming the line. Missing values follow ``missing``: "keep" writes NaN in the code (ordinal)
    or in all the column's one-hot columns, so a missing category stays visible.

    The extra results come after ``(x, y)`` in this order, each only when asked for:
    ``return_classes``: ``classes[label]`` is the name of ``label``, or None when y holds the file's own
    integers or regression targets; ``return_feature_names``: one name per column of x, the header
    name (or the column index as text without a header), "name_category" for a one-hot column (as
    pandas.get_dummies and scikit-learn name them); ``return_categories``: {column: categories} of
    every encoded column, keyed by header name (or index without a header), ready for ``categories=``.

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
    if categorical not in ("raise", "onehot", "ordinal"):
        raise ValueError(f"load_csv: categorical must be 'raise', 'onehot' or 'ordinal', got {categorical!r}")
    if categories is not None and categorical == "raise":
        raise ValueError(
            "load_csv: categories= names columns to encode: pass categorical='onehot' or 'ordinal'"
        )
    if categories is not None and not isinstance(categories, Mapping):
        raise TypeError(f"load_csv: categories= maps columns to category lists or 'auto', got {categories!r}")
    if classes is not None and task == "regression":
        raise ValueError("load_csv: classes= names class labels, it cannot go with task='regression'")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(
            f"load_csv: unknown encoding {encoding!r} (e.g. 'utf-8', 'latin-1', 'cp1252')"
        ) from None
    if decimal not in (".", ",", "auto"):
        raise ValueError(f"load_csv: decimal must be '.', ',' or 'auto', got {decimal!r}")
    if delimiter != "auto" and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise TypeError(f"load_csv: delimiter must be 'auto' or one character such as ';', got {delimiter!r}")
    if isinstance(ignore, (str, int)):  # one column, not the letters of its name
        ignore = (ignore,)
    if isinstance(classes, str):
        raise TypeError(f"load_csv: classes= is a list of class names, got the string {classes!r}")
    if header not in (True, False, "infer"):
        raise ValueError(f"load_csv: header must be True, False or 'infer', got {header!r}")
    path = os.fspath(path)
    missing_keys = {value.strip().lower() for value in missing_values}

    text, delimiter, decimal = _read_text(path, delimiter, encoding, decimal)
    if categories is None and decimal == ".":  # a table of numbers: NumPy's C reader, if nothing is odd
        text_features = categorical != "raise"
        fast = _numeric_table(path, text, delimiter, target, ignore, header, missing_keys, text_features)
        if fast is not None:
            x, target_texts, feature_names, target_index, names = fast
            try:
                y, class_names = _targets(
                    path, target_texts, target_index, names, task, classes, dtype, missing, missing_keys
                )
            except ValueError:
                pass  # the exact reader below names the line
            else:
                flags = (return_classes, return_feature_names, return_categories)
                return _results(x.astype(dtype), y, class_names, feature_names, {}, flags)
    lines = _split_rows(path, text, delimiter, decimal)  # (line number, fields) of the non-blank rows
    if not lines:
        raise ValueError(f"{path}: the file holds no rows")
    width = len(lines[0][1])
    named = [target, *ignore, *(categories or {})]
    names_used = any(isinstance(column, str) for column in named)
    if header == "infer" and not names_used:
        not_features = {_column_index(path, column, width, None) for column in (target, *ignore)}
        features = [index for index in range(width) if index not in not_features]
        known = {  # the categories given for a column are values of it: a first row holding them is data
            _column_index(path, column, width, None): {str(category).strip() for category in given}
            for column, given in (categories or {}).items()
            if isinstance(given, Collection) and not isinstance(given, str)
        }
        has_header = _looks_like_header(lines, features, missing_keys, categorical != "raise", known)
    else:
        if header is False and names_used:
            raise ValueError(f"{path}: columns named by header name need a header row, but header=False")
        has_header = bool(header)
    names = _header_names(lines[0][1]) if has_header else None
    rows = lines[1:] if has_header else lines
    if not rows:
        guessed = " (the first row was taken for a header: pass header=False if it is data)"
        where = (" after the header" + (guessed if header == "infer" else "")) if has_header else ""
        raise ValueError(f"{path}: no data rows{where}")

    target_index = _column_index(path, target, width, names)
    ignored = {_column_index(path, column, width, names) for column in ignore}
    if target_index in ignored:
        raise ValueError(f"{path}: the target column {_describe(target_index, names)} is also in ignore=")
    features = [index for index in range(width) if index != target_index and index not in ignored]
    if not features:
        hint = ""
        if width == 1:  # one column: most likely the file is split by another character
            hint = f"; is the file separated by something other than {delimiter!r}? "
            hint += "pass delimiter=';' (or '\\t', ' ' for spaces, or 'auto' to guess it)"
        raise ValueError(f"{path}: no feature columns left besides the target ({width} columns in all){hint}")
    for line_number, fields in rows:
        if len(fields) != width:
            where = "the header" if has_header else f"line {lines[0][0]}"
            hint = ""
            if len({len(fields) for _, fields in rows}) == 1:  # only the first line differs
                hint = (
                    f"; every line after line {lines[0][0]} has {len(fields)}: is line {lines[0][0]} a "
                    "title or a line of counts (as scikit-learn's raw files start) rather than a row "
                    "or a header? remove it from the file"
                )
            raise ValueError(
                f"{path}: line {line_number} has {len(fields)} fields, expected {width} as in {where}{hint}"
            )
    used = [target_index, *features]
    for index in used if missing != "keep" else [target_index]:  # "keep" keeps an empty feature as NaN
        _check_not_all_missing(path, rows, index, names, index == target_index, missing_keys)

    if missing == "drop":
        kept = [row for row in rows if all(row[1][i].strip().lower() not in missing_keys for i in used)]
        if len(kept) < 0.75 * len(rows):  # most likely one column of notes, empty on most rows
            _warn_dropped(path, rows, kept, used, target_index, names, missing_keys)
        rows = kept
        if not rows:
            raise ValueError(f"{path}: every data row has a missing value: missing='drop' left nothing")
    encoded = {}  # feature index -> its categories, for the columns encoded as categories
    if categories is not None:
        encoded = _given_categories(path, categories, rows, width, names, target_index, ignored, missing_keys)
    elif categorical != "raise":
        for index in features:
            texts = _present(rows, index, missing_keys)
            if not all(_is_number(text) for text in texts):
                encoded[index] = _sorted_categories(texts)
    columns = [
        _FeatureColumn(index, names, encoded.get(index), categorical == "onehot") for index in features
    ]
    if categorical == "raise":
        hint = "features must be numeric: pass categorical='onehot' or 'ordinal' to encode text categories, "
    else:  # only columns left out of categories= can hold text here
        hint = "the column is not in categories=: add it there to encode it, "
    hint += "or ignore=[...] to leave the column out"
    x = _features(path, rows, columns, dtype, missing, missing_keys, hint)

    targets = [(line_number, fields[target_index]) for line_number, fields in rows]
    y, class_names = _targets(path, targets, target_index, names, task, classes, dtype, missing, missing_keys)
    feature_names = [name for column in columns for name in column.output_names]
    found = {names[index] if names else index: list(found) for index, found in encoded.items()}
    flags = (return_classes, return_feature_names, return_categories)
    return _results(x, y, class_names, feature_names, found, flags)


def _results(
    x: np.ndarray,
    y: np.ndarray,
    class_names: list[str] | None,
    feature_names: list[str],
    categories: dict,
    flags: tuple[bool, bool, bool],
) -> tuple:
    """``(x, y)`` and the extra results asked for, in the documented order."""
    extras = (class_names, feature_names, categories)
    return (x, y, *[extra for extra, wanted in zip(extras, flags) if wanted])


# Rows looked at before a table is handed to NumPy's reader: all must be numbers in every used column.
SAMPLE_ROWS = 50


def _numeric_table(
    path: str,
    text: str,
    delimiter: str,
    target: Column,
    ignore: Sequence[Column],
    header: bool | str,
    missing_keys: set[str],
    text_features: bool,
) -> tuple | None:
    """A table of numbers only (a Kaggle MNIST CSV: 47 million values) read by ``np.loadtxt`` in C,
    where the exact reader converts each value in Python (minutes): ``(x as float64, [(0, target
    text)], feature names, target index, header names)``. None whenever anything is not plain (text
    or missing values, ragged or multi-line rows, NaN, a name not found): the exact reader then
    reads the file and gives its errors and results."""
    sample = _split_rows(path, text, delimiter, ".", limit=SAMPLE_ROWS + 1)
    if not sample or any("\n" in field or "\r" in field for _, fields in sample for field in fields):
        return None
    width = len(sample[0][1])
    try:
        names_used = any(isinstance(column, str) for column in (target, *ignore))
        if names_used or header != "infer":
            if header is False and names_used:
                return None
            has_header = bool(header) or names_used
        else:
            not_features = {_column_index(path, column, width, None) for column in (target, *ignore)}
            features = [index for index in range(width) if index not in not_features]
            has_header = _looks_like_header(sample, features, missing_keys, text_features, {})
        names = _header_names(sample[0][1]) if has_header else None
        target_index = _column_index(path, target, width, names)
        ignored = {_column_index(path, column, width, names) for column in ignore}
    except (ValueError, TypeError):
        return None
    features = [index for index in range(width) if index != target_index and index not in ignored]
    data = sample[1:] if has_header else sample
    if target_index in ignored or not features or not data:
        return None
    for _, fields in data:
        used = [fields[index].strip() for index in features] if len(fields) == width else None
        if used is None or any(value.lower() in missing_keys or not _is_number(value) for value in used):
            return None
    read = dict(
        delimiter=None if delimiter == " " else delimiter,
        comments=None,
        quotechar='"',
        skiprows=sample[0][0] if has_header else 0,
    )
    try:  # every column, so that a row of another length is an error here too
        table = np.loadtxt(io.StringIO(text), dtype=np.float64, ndmin=2, **read)
        targets = np.loadtxt(io.StringIO(text), dtype=str, ndmin=1, usecols=[target_index], **read)
    except ValueError:  # text, a missing value, a ragged row: the exact reader says where
        return None
    if table.shape[1] != width or len(targets) != len(table):
        return None
    if any(value.strip().lower() in missing_keys for value in targets.tolist()):
        return None  # a missing target: dropped, kept or an error, as the exact reader decides
    table = table[:, features]
    if np.isnan(table).any():
        return None  # "nan" is a missing value to the exact reader
    feature_names = [names[index] if names else str(index) for index in features]
    return table, [(0, value) for value in targets.tolist()], feature_names, target_index, names


def _read_text(path: str, delimiter: str, encoding: str, decimal: str) -> tuple[str, str, str]:
    """The text of ``path`` (gunzipped, decoded), its delimiter and its decimal mark ("auto" resolved)."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such CSV file") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{path}: is a folder, not a CSV file") from None
    if raw.startswith(GZIP_MAGIC):  # decide by content: a .csv.gz renamed to .csv still reads
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path}: damaged or truncated gzip data ({error})") from error
    if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf-8", "utf8") and raw[:2] in UTF16_BOMS:
        encoding = "utf-16"  # a spreadsheet's "Unicode text": its byte-order mark says so
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not {encoding} text ({error}); pass encoding= (e.g. 'latin-1')") from None
    if delimiter == "auto":
        delimiter = _sniffed_delimiter(text)
    if delimiter == " ":  # columns aligned by spaces: a line's leading and trailing spaces split nothing
        text = "\n".join(line.strip() for line in text.splitlines())
    if decimal == "auto":
        decimal = "," if delimiter == ";" else "."
    if decimal == delimiter:
        raise ValueError(f"load_csv: decimal={decimal!r} cannot be the delimiter too")
    return text, delimiter, decimal


def _split_rows(
    path: str, text: str, delimiter: str, decimal: str, limit: int | None = None
) -> list[tuple[int, list[str]]]:
    """The rows of ``text`` that are not blank (the first ``limit``), each with the line number where
    it starts (from 1), numbers with a decimal comma rewritten with a point."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True, **_runs(delimiter))
    rows = []
    try:
        start = 1
        for fields in reader:
            if any(field.strip() for field in fields):
                rows.append((start, fields))
                if limit is not None and len(rows) == limit:
                    break
            start = reader.line_num + 1
    except csv.Error as error:
        raise ValueError(f"{path}: line {reader.line_num}: malformed CSV ({error})") from None
    if decimal == ",":  # "1,5" -> "1.5"; other fields (text, "1,5,7") stay as they are
        rows = [(line, [_decimal_point(field) for field in fields]) for line, fields in rows]
    return rows


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DECIMAL_COMMA = re.compile(r"\s*[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?\s*")


def _decimal_point(field: str) -> str:
    """A number written with a decimal comma ("-1,5", "2,5e3") with a point instead; else ``field``."""
    return field.replace(",", ".") if DECIMAL_COMMA.fullmatch(field) else field


# delimiter="auto" tries these; on a tie the earlier wins: ";" splitting every line alike is the
# separator of a file with decimal commas ("1,5;2,25"), where "," may split every line alike too.
SNIFFED_DELIMITERS = ("\t", ";", "|", ",")


def _sniffed_delimiter(text: str) -> str:
    """The delimiter that splits the first lines of ``text`` into the most fields, the same number on
    every line (quotes respected); "," when none splits them alike, " " (runs of spaces) when only
    they do."""
    sample = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_width = ",", 1
    for candidate in SNIFFED_DELIMITERS:
        try:
            widths = {len(fields) for fields in csv.reader(sample, delimiter=candidate, strict=True)}
        except csv.Error:
            continue
        if len(widths) == 1 and (width := widths.pop()) > best_width:
            best, best_width = candidate, width
    if best_width == 1:  # no character splits the lines alike: maybe runs of spaces do (aligned columns)
        aligned = [line.strip() for line in sample]
        widths = {len(fields) for fields in csv.reader(aligned, delimiter=" ", **_runs(" "))}
        if len(widths) == 1 and widths.pop() > 1:
            return " "
    return best


def _runs(delimiter: str) -> dict[str, bool]:
    """csv.reader's options for ``delimiter``: a space delimiter means a run of spaces."""
    return {"skipinitialspace": True} if delimiter == " " else {}


def _header_names(fields: list[str]) -> list[str]:
    """The column names of a header row, without surrounding spaces or single quotes ('GPA')."""
    names = [field.strip() for field in fields]
    return [name[1:-1] if len(name) > 1 and name[0] == name[-1] == "'" else name for name in names]


def _looks_like_header(
    lines: list[tuple[int, list[str]]],
    features: list[int],
    missing_keys: set[str],
    text_features: bool,
    known: dict[int, set[str]],
) -> bool:
    """Whether the first row is a header, judged from its feature fields (``header="infer"``).

    With numeric features only, any text field means a header. Where text features are allowed
    (``categorical=`` encodes them), a text field proves nothing alone; the row is a header when a text
    field sits above a column of numbers, or when it has no number and none of its fields is a value of
    its column (one below it or in ``known``, the given categories): a name is not a value.
    """
    first = [(i, field.strip()) for i, field in enumerate(lines[0][1]) if i in features]
    first = [(i, field) for i, field in first if field.lower() not in missing_keys]
    texts = [(i, field) for i, field in first if not _is_number(field)]
    if not text_features or not texts:
        return bool(texts)
    values = {i: set(_present(lines[1:], i, missing_keys)) | known.get(i, set()) for i, _ in texts}
    if any(values[i] and all(_is_number(value) for value in values[i]) for i, _ in texts):
        return True
    return len(texts) == len(first) and not any(field in values[i] for i, field in texts)


def _present(rows: list[tuple[int, list[str]]], index: int, missing_keys: set[str]) -> list[str]:
    """The values of column ``index`` that are not missing, without surrounding spaces."""
    values = (fields[index].strip() for _, fields in rows if index < len(fields))
    return [value for value in values if value.lower() not in missing_keys]


def _check_not_all_missing(
    path: str,
    rows: list[tuple[int, list[str]]],
    index: int,
    names: list[str] | None,
    is_target: bool,
    missing_keys: set[str],
) -> None:
    """An error naming a used column that is missing on every row, rather than an error for each row."""
    if _present(rows, index, missing_keys):
        return
    width = len(rows[0][1])
    cause = " (a delimiter at the end of every line?)" if index == width - 1 else ""
    column = repr(names[index]) if names and names[index] else index  # a blank name: by index
    fix = "pass target= the column to predict" if is_target else f"pass ignore=[{column}] to leave it out"
    role = "target column" if is_target else "column"
    raise ValueError(
        f"{path}: {role} {_describe(index, names)} has no value in any of the {len(rows)} data rows"
        f"{cause}; {fix}"
    )


def _warn_dropped(
    path: str,
    rows: list[tuple[int, list[str]]],
    kept: list[tuple[int, list[str]]],
    used: list[int],
    target_index: int,
    names: list[str] | None,
    missing_keys: set[str],
) -> None:
    """Warn that missing='drop' dropped many rows, naming the column missing most often (the target
    where it ties: ignore= cannot keep rows without a label)."""
    counts = {i: len(rows) - len(_present(rows, i, missing_keys)) for i in used}
    worst = max(counts, key=counts.get)
    if worst == target_index:
        what, advice = "the target column", "rows without a target value cannot be used"
    else:
        column = repr(names[worst]) if names and names[worst] else worst
        what, advice = "column", f"ignore=[{column}] keeps those rows"
    warnings.warn(
        f"{path}: missing='drop' dropped {len(rows) - len(kept)} of {len(rows)} rows; {what} "
        f"{_describe(worst, names)} is missing on {counts[worst]} of them: {advice}",
        stacklevel=3,
    )


def _sorted_categories(values: list[str]) -> list[str]:
    """The distinct ``values`` in the documented order: by value when all are numbers, else as text."""
    distinct = set(values)
    if all(_is_number(value) for value in distinct):
        return sorted(distinct, key=lambda value: (float(value), value))
    return sorted(distinct)


def _given_categories(
    path: str,
    categories: Categories,
    rows: list[tuple[int, list[str]]],
    width: int,
    names: list[str] | None,
    target_index: int,
    ignored: set[int],
    missing_keys: set[str],
) -> dict[int, list[str]]:
    """{feature index: categories} from ``categories=``, each list checked or, for "auto", found."""
    encoded = {}
    for column, given in categories.items():
        index = _column_index(path, column, width, names)
        where = _describe(index, names)
        if index == target_index:
            raise ValueError(
                f"{path}: categories= names the target column {where}: pass its labels as classes="
            )
        if index in ignored:
            raise ValueError(f"{path}: categories= names column {where}, which is also in ignore=")
        if index in encoded:
            raise ValueError(f"{path}: categories= names column {where} twice")
        if isinstance(given, str):
            if given != "auto":
                raise ValueError(
                    f"load_csv: categories[{column!r}] must be a list of categories or 'auto', got {given!r}"
                )
            found = _present(rows, index, missing_keys)
            if not found:
                raise ValueError(f"{path}: column {where} has no value to take categories from")
            encoded[index] = _sorted_categories(found)
            continue
        if isinstance(given, (set, frozenset)) or not isinstance(given, Collection):
            raise TypeError(
                f"load_csv: categories[{column!r}] must be an ordered list of categories or 'auto', "
                f"got {given!r}"
            )
        listed = [str(category).strip() for category in given]
        if not listed:
            raise ValueError(f"load_csv: categories[{column!r}] is empty")
        if len(set(listed)) != len(listed):
            raise ValueError(f"load_csv: categories[{column!r}] holds a category twice: {listed}")
        if any(category.lower() in missing_keys for category in listed):
            raise ValueError(
                f"load_csv: categories[{column!r}] = {listed} holds a spelling of a missing value; "
                f"pass missing_values= without it to make it a category"
            )
        encoded[index] = listed
    return dict(sorted(encoded.items()))


@dataclass(frozen=True)
class _FeatureColumn:
    """One feature column of the file and how it becomes columns of x: a number, a code, or one-hot."""

    index: int
    names: list[str] | None
    categories: list[str] | None  # None: a numeric column
    onehot: bool

    @property
    def width(self) -> int:
        return len(self.categories) if self.categories is not None and self.onehot else 1

    @property
    def output_names(self) -> list[str]:
        name = self.names[self.index] if self.names else str(self.index)
        if self.categories is None or not self.onehot:
            return [name]
        return [f"{name}_{category}" for category in self.categories]


def _features(
    path: str,
    rows: list[tuple[int, list[str]]],
    columns: list[_FeatureColumn],
    dtype: np.dtype,
    missing: str,
    missing_keys: set[str],
    hint: str,
) -> np.ndarray:
    """x: each column of the file converted in place, row by row (so the first bad value is reported)."""
    starts = np.cumsum([0] + [column.width for column in columns]).tolist()
    code_of = [
        None if column.categories is None else {name: code for code, name in enumerate(column.categories)}
        for column in columns
    ]
    x = np.zeros((len(rows), starts[-1]), dtype=dtype)
    for row, (line_number, fields) in enumerate(rows):
        for column, start, codes in zip(columns, starts, code_of):
            text = fields[column.index]
            if codes is None:
                x[row, start] = _number(
                    path, line_number, column.index, column.names, text, missing, missing_keys, hint
                )
                continue
            code = _category_code(path, line_number, column, text, codes, missing, missing_keys)
            if code is None:  # a kept missing value: NaN over the whole block
                x[row, start : start + column.width] = np.nan
            elif column.onehot:
                x[row, start + code] = 1
            else:
                x[row, start] = code
    return x


def _category_code(
    path: str,
    line_number: int,
    column: _FeatureColumn,
    text: str,
    codes: dict[str, int],
    missing: str,
    missing_keys: set[str],
) -> int | None:
    """The code of one categorical field, None for a kept missing value; errors name line, column, value."""
    if _is_missing(path, line_number, column.index, column.names, text, missing, missing_keys):
        return None
    if text.strip() not in codes:
        raise ValueError(
            f"{path}: line {line_number}, column {_describe(column.index, column.names)}: category "
            f"{text.strip()!r} is not one of its categories {column.categories} (a test file must be "
            f"loaded with the train file's categories=, and every value must be among them)"
        )
    return codes[text.strip()]


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


def _is_missing(
    path: str,
    line_number: int,
    index: int,
    names: list[str] | None,
    text: str,
    missing: str,
    missing_keys: set[str],
) -> bool:
    """Whether a field is a missing value, raising (naming line, column and value) under missing='raise'."""
    if text.strip().lower() not in missing_keys:
        return False
    if missing == "raise":
        raise ValueError(
            f"{path}: line {line_number}, column {_describe(index, names)}: missing value {text!r} "
            f"(pass missing='keep' for NaN or missing='drop' to skip such rows)"
        )
    return True


def _number(
    path: str,
    line_number: int,
    index: int,
    names: list[str] | None,
    text: str,
    missing: str,
    missing_keys: set[str],
    hint: str,
) -> float:
    """The number in one field, NaN for a kept missing value; errors name the line, column and value."""
    if _is_missing(path, line_number, index, names, text, missing, missing_keys):
        return float("nan")
    try:
        return float(text)
    except ValueError:
        if DECIMAL_COMMA.fullmatch(text):
            hint = "a decimal comma? pass decimal=',' (and delimiter=';' or 'auto')"
        raise ValueError(
            f"{path}: line {line_number}, column {_describe(index, names)}: {text!r} is not a number ({hint})"
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
        hint = "task='regression' needs numbers"
        values = [
            _number(path, line, index, names, text, missing, missing_keys, hint) for line, text in targets
        ]
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
