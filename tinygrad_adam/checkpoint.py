"""``tg.save`` / ``tg.load``: nested state (model and optimizer state dicts, epoch, RNG) in one ``.npz``.

The file is a plain NumPy ``.npz`` archive that ``np.load(path, allow_pickle=False)`` reads: every array
under a generated name (``a0``, ``a1``, ...) and, under ``__checkpoint__``, a UTF-8 JSON document that
describes the structure around them. Loading therefore never runs code. JSON integers have no size
limit, so 128-bit generator states round trip exactly.

Structure nodes: JSON null, booleans, numbers and strings stand for themselves; containers and arrays
are tagged objects, ``{"type": "dict", "items": [[key, node], ...]}`` (keys str or int),
``{"type": "list" | "tuple", "items": [...]}``, ``{"type": "tensor", "array": name, "requires_grad": b}``,
``{"type": "ndarray", "array": name}`` and ``{"type": "numpy_scalar", "array": name}``.

Writes are atomic: the archive goes to a temporary file in the target's folder, is flushed to disk,
then renamed over the target, so a crash mid-save leaves the previous checkpoint intact. A symbolic
link is followed: its file is replaced, the link stays.
"""

from __future__ import annotations

import errno
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from .tensor import Tensor

FORMAT_NAME = "tinygrad_adam.checkpoint"
FORMAT_VERSION = 1
STRUCTURE_KEY = "__checkpoint__"

PathLike = str | os.PathLike


class CheckpointError(ValueError, RuntimeError):
    """A file that ``tg.load`` cannot read as a checkpoint (truncated, corrupted, another format):
    a ValueError, and the RuntimeError that ``torch.load`` raises for a damaged archive, so code
    written for either catches it."""


class CheckpointIsAFolderError(IsADirectoryError, CheckpointError):
    """``tg.load`` of a folder: the IsADirectoryError PyTorch's ``torch.load`` raises, and a
    CheckpointError as for any other path that holds no checkpoint."""


def _encode(
    value: Any, arrays: dict[str, np.ndarray], where: str, open_containers: frozenset[int] = frozenset()
) -> Any:
    """The JSON node for ``value``; arrays it holds are added to ``arrays``.

    ``open_containers`` holds the ids of the dicts and lists being encoded around ``value``: a
    container inside itself has no finite form (Python would end in a RecursionError).
    """
    if isinstance(value, (dict, list, tuple)):
        if id(value) in open_containers:
            raise ValueError(
                f"tg.save: {where} refers back to a dict or list around it: "
                "a checkpoint must be a tree, not a cycle"
            )
        open_containers = open_containers | {id(value)}
    if isinstance(value, np.generic):  # before float: np.float64 is a float subclass
        return {"type": "numpy_scalar", "array": _add_array(np.asarray(value), arrays, where)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Tensor):
        return {
            "type": "tensor",
            "array": _add_array(value.numpy(), arrays, where),
            "requires_grad": value.requires_grad,
        }
    if isinstance(value, np.ma.MaskedArray):  # np.savez would keep the data and drop the mask, silently
        raise TypeError(
            f"tg.save cannot store the masked array at {where}: save its .data and .mask as two arrays"
        )
    if isinstance(value, np.ndarray):
        return {"type": "ndarray", "array": _add_array(value, arrays, where)}
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if isinstance(key, (bool, np.bool_)) or not isinstance(key, (str, int, np.integer)):
                raise TypeError(
                    f"tg.save: dict keys must be str or int, got {key!r} ({type(key).__name__}) at {where}"
                )
            key = key if isinstance(key, str) else int(key)
            items.append([key, _encode(item, arrays, f"{where}[{key!r}]", open_containers)])
        return {"type": "dict", "items": items}
    if isinstance(value, (list, tuple)):
        items = [_encode(item, arrays, f"{where}[{i}]", open_containers) for i, item in enumerate(value)]
        return {"type": "tuple" if isinstance(value, tuple) else "list", "items": items}
    if callable(getattr(value, "state_dict", None)):
        # torch.save(model, path) pickles the object, and loading a pickle can run any code: refuse.
        raise TypeError(
            f"tg.save cannot store the whole {type(value).__name__} object at {where}: PyTorch pickles it, "
            "and loading a pickle can run code, so tinygrad_adam keeps only state. Save "
            f"{type(value).__name__}.state_dict() instead, and to load, build the object in code and call "
            "its load_state_dict(tg.load(path))"
        )
    raise TypeError(
        f"tg.save cannot store {type(value).__name__} at {where}: use Tensors, NumPy arrays, "
        "numbers, strings, None, and dicts, lists or tuples of them"
    )


def _add_array(array: np.ndarray, arrays: dict[str, np.ndarray], where: str) -> str:
    if array.dtype.hasobject:
        raise TypeError(
            f"tg.save refuses the object array at {where}: it would need pickle to load, and loading "
            "a checkpoint must never run code; convert it to a numeric array"
        )
    name = f"a{len(arrays)}"
    arrays[name] = array
    return name


def save(state: Any, path: PathLike | BinaryIO) -> None:
    """Write ``state`` to ``path`` atomically (the previous file stays intact if anything fails).

    ``path`` may also be a binary file object (``io.BytesIO``, an open file), written as it is, as
    ``torch.save`` does; atomicity is then the caller's.
    """
    arrays: dict[str, np.ndarray] = {}
    try:
        root = _encode(state, arrays, "state")
    except RecursionError:
        raise ValueError(
            "tg.save: the state is nested too deeply (hundreds of levels of dicts and lists) to be stored"
        ) from None
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "root": root}
    # allow_nan: Python's json writes NaN/Infinity (a loss may be nan) and reads them back.
    structure = np.frombuffer(json.dumps(document).encode("utf-8"), dtype=np.uint8)
    if _is_file_object(path, "write"):
        _refuse_text_mode(path, "tg.save", "wb")
        np.savez(path, **{STRUCTURE_KEY: structure}, **arrays)
        return
    path = _fspath(path, "tg.save")
    # Through a symbolic link to its file: the rename below would replace the link itself.
    path = os.path.realpath(path) if os.path.islink(path) else path
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"tg.save: cannot write {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"tg.save: cannot write {path}: it is a folder, not a file")
    if not os.path.basename(path):
        raise ValueError(f"tg.save: {path!r} names no file: give a file name such as 'run.npz'")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        # The rename below would replace it anyway: respect a checkpoint its owner made read-only.
        raise PermissionError(f"tg.save: {path} is read-only; it was not replaced")
    try:
        handle = tempfile.NamedTemporaryFile(
            dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp", delete=False
        )
    except OSError as error:
        raise type(error)(
            error.errno, f"tg.save: cannot write {path}: {error.strerror} in {folder}"
        ) from error
    try:
        with handle:
            np.savez(handle, **{STRUCTURE_KEY: structure}, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        # Temporary files are private (0600); a checkpoint gets the previous file's mode, or 0644.
        os.chmod(handle.name, os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644)
        os.replace(handle.name, path)
    except BaseException:
        try:
            os.unlink(handle.name)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(folder)


def _is_file_object(target: Any, method: str) -> bool:
    return not isinstance(target, (str, bytes, os.PathLike)) and callable(getattr(target, method, None))


class TextModeFileError(TypeError, ValueError):
    """A file object opened in text mode: the TypeError torch.save meets writing to it, and the
    ValueError (UnicodeDecodeError) torch.load meets reading it."""


def _refuse_text_mode(file: Any, caller: str, mode: str) -> None:
    """A checkpoint is binary: a file opened with "w" or "r" would fail deep in NumPy or UTF-8."""
    if isinstance(file, io.TextIOBase):
        raise TextModeFileError(
            f"{caller}: the file is open in text mode; open it in binary mode, open(path, {mode!r})"
        )


def _fspath(path: Any, caller: str) -> str:
    try:
        return os.fsdecode(path)  # bytes paths too, as open() takes them (os.path would mix the two)
    except TypeError:
        raise TypeError(
            f"{caller} needs a file path (str or pathlib.Path) or a binary file object, got {path!r:.100}"
        ) from None


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); platforms without directory handles skip it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def is_checkpoint(path: PathLike) -> bool:
    """Whether ``path`` is a file that ``save`` wrote, judged by its table of contents (reads no array).

    ``ModelCheckpoint`` asks before replacing a file: a checkpoint may be replaced, anything else not.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return f"{STRUCTURE_KEY}.npy" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


class _Decoder:
    """Rebuilds the saved structure; every problem becomes a CheckpointError naming the file."""

    def __init__(
        self,
        path: str,
        arrays: dict[str, np.ndarray],
        device: str | None,
        place: Callable[[Tensor, str], Any] | None = None,
    ) -> None:
        self.path = path
        self.arrays = arrays
        self.device = device
        self.place = place  # a callable map_location: (tensor on the CPU, "cpu") -> where it goes
        self.used: set[str] = set()

    def fail(self, problem: str) -> CheckpointError:
        return CheckpointError(f"{self.path}: corrupted checkpoint: {problem}")

    def array(self, node: dict) -> np.ndarray:
        name = node.get("array")
        if name not in self.arrays:
            raise self.fail(f"the structure refers to a missing array {name!r}")
        self.used.add(name)
        return self.arrays[name]

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict):
            raise self.fail(f"unexpected structure node {node!r:.100}")
        kind = node.get("type")
        if kind == "tensor":
            tensor = Tensor(self.array(node), device=self.device)
            if self.place is not None:
                placed = self.place(tensor, "cpu")
                if not isinstance(placed, Tensor):
                    raise TypeError(
                        f"tg.load: map_location returned a {type(placed).__name__}; it must return the "
                        "tensor it was given (storage), or that tensor moved (storage.to('cuda:0'))"
                    )
                tensor = placed
            return tensor.requires_grad_(True) if node.get("requires_grad") else tensor
        if kind == "ndarray":
            return self.array(node)
        if kind == "numpy_scalar":
            return self.array(node)[()]
        if kind in ("list", "tuple") and isinstance(node.get("items"), list):
            items = [self.decode(item) for item in node["items"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict" and isinstance(node.get("items"), list):
            result = {}
            for pair in node["items"]:
                if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], (str, int))):
                    raise self.fail(f"bad dict entry {pair!r:.100}")
                result[pair[0]] = self.decode(pair[1])
            return result
        raise self.fail(f"unknown structure node {node!r:.100}")


def load(
    path: PathLike | BinaryIO,
    device: str | None = None,
    *,
    map_location: str | dict[str, str] | Callable[[Tensor, str], Any] | None = None,
    weights_only: bool | None = None,
) -> Any:
    """Read what ``save`` wrote (from a path or a binary file object); Tensors land on ``device``
    (default: the default device).

    ``map_location`` is PyTorch's name for ``device``, or PyTorch's function of (storage, location):
    it gets each tensor, read onto the CPU, with "cpu", and returns it or moves it (so
    ``lambda storage, loc: storage`` keeps tensors on the CPU); ``weights_only`` is accepted as in PyTorch and
    changes nothing: loading never runs code. Raises FileNotFoundError for a missing file and
    ValueError, naming the file, for anything that is not an intact checkpoint of this format and version.
    """
    del weights_only  # always "weights only": the format holds arrays and JSON, never code
    place = None
    if callable(map_location):
        if device is not None:
            raise ValueError("tg.load: give device= or a map_location function, not both")
        place, device, map_location = map_location, "cpu", None
    if isinstance(map_location, dict):
        # PyTorch's {saved location: device}; tg checkpoints keep no saved location, so the dict
        # must name one device for everything (as {"cuda:0": "cpu"} does).
        targets = {str(target) for target in map_location.values()}
        if len(targets) != 1:
            raise ValueError(f"tg.load: a map_location dict must map to one device, got {map_location!r}")
        map_location = targets.pop()
    if map_location is not None:
        if not isinstance(map_location, str):
            raise TypeError(
                f"tg.load: map_location must be a device name such as 'cpu' or a function of "
                f"(storage, location), got {map_location!r}"
            )
        if device is not None and device != map_location:
            raise ValueError(f"tg.load: device={device!r} and map_location={map_location!r} disagree")
        device = map_location
    source: Any
    if _is_file_object(path, "read"):
        _refuse_text_mode(path, "tg.load", "rb")
        source = io.BytesIO(path.read())
        path = str(getattr(path, "name", f"<{type(path).__name__}>"))
        head = source.getvalue()[:6]
    else:
        path = source = _fspath(path, "tg.load")
        if not os.path.exists(path):
            raise FileNotFoundError(f"no checkpoint at {path}")
        if os.path.isdir(path):  # as tg.save and PyTorch's torch.load
            raise CheckpointIsAFolderError(
                errno.EISDIR, f"tg.load: cannot read a checkpoint there: {path} is a folder, not a file"
            )
        try:
            with open(path, "rb") as file:
                head = file.read(6)
        except OSError as error:  # a folder, no permission
            raise CheckpointError(f"{path}: cannot read a checkpoint there: {error.strerror}") from error
    # NumPy takes any other content for a pickle and suggests loading it unsafely: never do that.
    if not head.startswith((b"PK", b"\x93NUMPY")):
        raise CheckpointError(
            f"{path}: not a tinygrad_adam checkpoint: not an .npz (zip) archive (it begins {head!r})"
        )
    try:
        archive = np.load(source, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise CheckpointError("it holds a single .npy array, not an .npz archive")
        with archive:
            # Reading every entry now checks every CRC: a damaged file fails here, not later.
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as error:
        raise CheckpointError(
            f"{path}: not a readable tinygrad_adam checkpoint (truncated, corrupted or another format): "
            f"{type(error).__name__}: {error}"
        ) from error
    structure = arrays.pop(STRUCTURE_KEY, None)
    if structure is None and any(name.endswith("data.pkl") for name in arrays):
        raise CheckpointError(
            f"{path}: a PyTorch checkpoint (torch.save), which tg.load does not read: it would need pickle, "
            "which can run code. Load it with torch.load, turn its tensors into NumPy arrays "
            "({k: v.numpy() for k, v in state.items()}), and save those with tg.save or np.savez"
        )
    if (
        structure is None
        or not isinstance(structure, np.ndarray)
        or structure.dtype != np.uint8
        or structure.ndim != 1
    ):
        raise CheckpointError(f"{path}: not a tinygrad_adam checkpoint (no {STRUCTURE_KEY} entry)")
    try:
        document = json.loads(structure.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(
            f"{path}: corrupted checkpoint: its structure is not valid JSON ({error})"
        ) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME or "root" not in document:
        raise CheckpointError(f"{path}: not a tinygrad_adam checkpoint (unknown format header)")
    if document.get("version") != FORMAT_VERSION:
        raise CheckpointError(
            f"{path}: checkpoint format version {document.get('version')!r}; this tinygrad_adam reads "
            f"version {FORMAT_VERSION}"
        )
    decoder = _Decoder(path, arrays, device, place)
    state = decoder.decode(document["root"])
    unused = sorted(set(arrays) - decoder.used)
    if unused:
        raise decoder.fail(f"arrays {unused[:5]} are not part of its structure")
    return state
