"""Plain data across the process boundary: JSON for structure, `.npz` for arrays.

Nothing here unpickles: a learner's child process can only hand back numbers, strings, lists, dicts
and NumPy arrays of plain dtypes, and each file is read with a size cap (an archive's arrays with a cap on
their unpacked size too). Whatever else a file holds, `load` raises `PlainDataError`.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_NPZ_BYTES = 64 * 1024 * 1024
_ARRAY_TAG = "__array__"


class PlainDataError(ValueError):
    """A results file is not plain data, or is larger than allowed."""


def _split(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {_ARRAY_TAG: key}
    if isinstance(value, dict):
        split = {str(k): _split(v, arrays) for k, v in value.items()}
        if len(split) < len(value) or set(split) == {_ARRAY_TAG}:
            raise PlainDataError(f"a dict whose keys read back as another: {sorted(split)[:5]}")
        return split
    if isinstance(value, list | tuple):
        return [_split(v, arrays) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _join(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, dict):
        if set(value) == {_ARRAY_TAG}:
            key = value[_ARRAY_TAG]
            if not isinstance(key, str) or key not in arrays:
                raise PlainDataError(f"an array reference to {str(key)[:40]!r}, which the archive lacks")
            return arrays[key]
        return {k: _join(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_join(v, arrays) for v in value]
    return value


def write_atomic(path: Path, data: bytes) -> None:
    """Writes `data` to `path` so that a reader sees either nothing or the whole file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name is kept short: any name the file system takes for `path` takes it too.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:32]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump(value: Any, path: Path) -> None:
    """Writes `value` as `path` (JSON) beside `path.npz` (its arrays), atomically, the JSON last."""
    arrays: dict[str, np.ndarray] = {}
    structure = _split(value, arrays)
    if arrays:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        write_atomic(path.with_suffix(".npz"), buffer.getvalue())
    write_atomic(path, json.dumps(structure).encode())


def load(path: Path) -> Any:
    """Reads what `dump` wrote, refusing pickles, non-plain dtypes and oversized files (PlainDataError)."""
    if path.stat().st_size > MAX_JSON_BYTES:
        raise PlainDataError(f"{path.name} is larger than {MAX_JSON_BYTES} bytes")
    try:
        structure = json.loads(path.read_bytes())  # UTF-8 whatever the platform's default encoding
    except (ValueError, RecursionError) as error:
        raise PlainDataError(f"{path.name} is not JSON ({type(error).__name__})") from None
    npz = path.with_suffix(".npz")
    arrays = _arrays(npz) if npz.exists() else {}
    try:
        return _join(structure, arrays)
    except RecursionError:
        raise PlainDataError(f"{path.name} is nested too deep") from None


def _arrays(npz: Path) -> dict[str, np.ndarray]:
    """The arrays of `npz`: .npy members of plain dtypes, within MAX_NPZ_BYTES unpacked.

    The cap on the file alone would let a compressed archive unpack to a thousand times its size in the
    grader's memory. zipfile yields no more than a member's declared size, so the declared sizes bound
    what is unpacked, and each header's shape is checked against its member's size before any allocation.
    """
    if npz.stat().st_size > MAX_NPZ_BYTES:
        raise PlainDataError(f"{npz.name} is larger than {MAX_NPZ_BYTES} bytes")
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(npz) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > MAX_NPZ_BYTES:
                raise PlainDataError(f"{npz.name} unpacks to more than {MAX_NPZ_BYTES} bytes")
            for member in members:
                arrays[member.filename.removesuffix(".npy")] = _array(archive, member)
    except (ValueError, OSError, EOFError, NotImplementedError, zipfile.BadZipFile) as error:
        if isinstance(error, PlainDataError):
            raise
        raise PlainDataError(f"{npz.name} is not an archive of plain arrays ({type(error).__name__})") from None
    return arrays


def _array(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> np.ndarray:
    """One member of an archive as an array, read only once `check_member` passed (never unpickling)."""
    check_member(archive, member)
    with archive.open(member) as stream:
        return np.lib.format.read_array(stream, allow_pickle=False)


def check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Raises PlainDataError unless `member` is a .npy whose header declares a plain dtype and no more data
    than the member holds (numpy's own errors, ValueError and others, for a header it cannot read)."""
    name = member.filename[:40]
    if not member.filename.endswith(".npy"):
        raise PlainDataError(f"{name} is not an array")
    with archive.open(member) as stream:
        version = np.lib.format.read_magic(stream)
        if version not in ((1, 0), (2, 0)):
            raise PlainDataError(f"{name} is in .npy format {version}")
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(stream)
    if dtype.hasobject or dtype.kind not in "biufcUS":
        raise PlainDataError(f"{name} has dtype {dtype}")
    if math.prod(shape) * dtype.itemsize > member.file_size:
        raise PlainDataError(f"{name} declares more data than it holds")
