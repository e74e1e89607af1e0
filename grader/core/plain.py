"""Plain data across the process boundary: JSON for structure, `.npz` for arrays.

Nothing here unpickles: a learner's child process can only hand back numbers, strings, lists, dicts
and NumPy arrays of plain dtypes, and each file is read with a size cap.
"""

from __future__ import annotations

import json
import os
import tempfile
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
        return {str(k): _split(v, arrays) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_split(v, arrays) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _join(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, dict):
        if set(value) == {_ARRAY_TAG}:
            return arrays[value[_ARRAY_TAG]]
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
        import io

        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        write_atomic(path.with_suffix(".npz"), buffer.getvalue())
    write_atomic(path, json.dumps(structure).encode())


def load(path: Path) -> Any:
    """Reads what `dump` wrote, refusing pickles, non-plain dtypes and oversized files."""
    if path.stat().st_size > MAX_JSON_BYTES:
        raise PlainDataError(f"{path.name} is larger than {MAX_JSON_BYTES} bytes")
    structure = json.loads(path.read_bytes())  # UTF-8 whatever the platform's default encoding
    arrays: dict[str, np.ndarray] = {}
    npz = path.with_suffix(".npz")
    if npz.exists():
        if npz.stat().st_size > MAX_NPZ_BYTES:
            raise PlainDataError(f"{npz.name} is larger than {MAX_NPZ_BYTES} bytes")
        with np.load(npz, allow_pickle=False) as archive:
            for key in archive.files:
                array = archive[key]
                if array.dtype.kind not in "biufcUS":
                    raise PlainDataError(f"array {key} has dtype {array.dtype}")
                arrays[key] = array
    return _join(structure, arrays)
