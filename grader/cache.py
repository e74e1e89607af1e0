"""Reference results on disk, keyed by everything they depend on, shared safely between graders."""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from grader import plain
from grader.case import Case

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_DIR = PACKAGE_DIR / "expected"
# Files whose code decides a reference result: the helpers build the models, `answers` encodes them.
CODE_FILES = ("helpers.py", "answers.py", "case.py", "child.py")


def default_cache_dir() -> Path:
    """The user's cache directory ($XDG_CACHE_HOME or ~/.cache) / optimization-grader."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "optimization-grader"


def _versions() -> str:
    found = []
    for name in ("keras", "tensorflow-cpu", "tensorflow", "numpy"):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return ";".join(found)


def code_digest(reference_path: Path, exercise: str) -> str:
    """A digest of the reference code, the exercise's module, the shared code and library versions."""
    digest = hashlib.sha256(_versions().encode())
    for path in [reference_path, PACKAGE_DIR / "exercises" / f"{exercise}.py",
                 *(PACKAGE_DIR / name for name in CODE_FILES)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


class ReferenceCache:
    """Reference results, one file pair per case; writes are atomic (temp file, then rename)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, case: Case, code: str) -> Path:
        key = hashlib.sha256((case.fingerprint() + code).encode()).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, case: Case, code: str) -> Any | None:
        path = self._path(case, code)
        try:
            return plain.load(path)
        except (OSError, ValueError):
            return None

    def put(self, case: Case, code: str, result: Any) -> None:
        plain.dump(result, self._path(case, code))


def shipped(case: Case) -> Any | None:
    """The expected result of a public case, shipped with the package for `grader check`."""
    try:
        return plain.load(SHIPPED_DIR / f"{case.exercise}-{case.fingerprint()[:16]}.json")
    except (OSError, ValueError):
        return None


def ship(case: Case, result: Any) -> Path:
    """Stores a public case's expected result in the package (a development step)."""
    path = SHIPPED_DIR / f"{case.exercise}-{case.fingerprint()[:16]}.json"
    plain.dump(result, path)
    return path
