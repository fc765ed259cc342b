"""The IDX file format of (Fashion-)MNIST: read and write, gzipped or not.

Layout (big-endian): two zero bytes, one type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
0x0D float32, 0x0E float64), one byte with the number of dimensions, one uint32 per dimension, then
the values in C order. The magic number is the first four bytes read as one integer: 2051 for
uint8 image stacks (type 0x08, 3 dimensions), 2049 for uint8 labels (0x08, 1 dimension).
"""

from __future__ import annotations

import gzip
import math
import os
import zlib

import numpy as np

IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        raw = file.read()
    if not raw.startswith(GZIP_MAGIC):  # decide by content: some copies are gzipped without ".gz"
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"{path}: damaged or truncated gzip data ({error}){_readable_part(_gunzip_prefix(raw))}; "
            "download the file again"
        ) from error


def _gunzip_prefix(raw: bytes) -> bytes:
    """What decompresses of ``raw`` before its damage or its end (an interrupted download)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return decompressor.decompress(raw)
    except zlib.error:
        return b""


def _readable_part(data: bytes) -> str:
    """For an error: the size the IDX header at the start of ``data`` declares against what is there."""
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in IDX_TYPES or not data[3]:
        return f": {len(data)} bytes decompress"
    ndim, dtype = data[3], IDX_TYPES[data[2]]
    if len(data) < 4 + 4 * ndim:
        return f": {len(data)} bytes decompress, not even the IDX header"
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = 4 + 4 * ndim + math.prod(shape) * dtype.itemsize
    return (
        f": its IDX header declares shape {shape} of {dtype.name}, {expected} bytes in all, but only "
        f"{len(data)} decompress"
    )


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array stored in the IDX file ``path`` (gzip detected from the content), in native byte order."""
    path = os.fspath(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{path}: too short for an IDX file ({len(data)} bytes)")
    if data[0] != 0 or data[1] != 0:
        page = " (it starts like a web page: an error page saved in place of the file?)"
        raise ValueError(
            f"{path}: not an IDX file: bad magic number 0x{data[:4].hex()} (IDX starts with two zero bytes)"
            + (page if data.lstrip()[:1] == b"<" else "")
        )
    type_code, ndim = data[2], data[3]
    if type_code not in IDX_TYPES:
        raise ValueError(f"{path}: unknown IDX data type 0x{type_code:02x} (magic 0x{data[:4].hex()})")
    if ndim == 0:
        raise ValueError(f"{path}: IDX header declares zero dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"{path}: truncated IDX header: {ndim} dimensions need {header_size} bytes")
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_TYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize  # Python ints: a corrupt header cannot overflow this
    found = len(data) - header_size
    if found < expected:
        raise ValueError(
            f"{path}: truncated IDX file: shape {shape} of {dtype.name} needs {expected} data bytes, "
            f"found {found}"
        )
    if found > expected:
        raise ValueError(
            f"{path}: IDX file has {found - expected} bytes beyond its declared shape {shape}: corrupted"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file, gzipped when ``path`` ends in ``.gz`` (tests and tools)."""
    path = os.fspath(path)
    array = np.asarray(array)
    same_type = [code for code, dtype in IDX_TYPES.items() if dtype.str[1:] == array.dtype.str[1:]]
    type_code = same_type[0] if same_type else None
    if type_code is None:
        raise TypeError(f"IDX cannot store {array.dtype}: use uint8, int8, int16, int32, float32 or float64")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX stores 1 to 255 dimensions, got an array of shape {array.shape}")
    if max(array.shape) >= 2**32:
        raise ValueError(
            f"IDX stores sizes below 2**32 (one uint32 each), got an array of shape {array.shape}"
        )
    header = bytes([0, 0, type_code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = header + array.astype(IDX_TYPES[type_code], copy=False).tobytes()
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wb") as file:
        file.write(payload)
