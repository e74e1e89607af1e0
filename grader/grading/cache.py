"""Reference results on disk, keyed by everything they depend on, shared safely between graders.

The same cache keeps the results of the grader's trusted stage (a model the grader trained from its
plain description), keyed by that description, the case, the seeds and the grader's code. Entries are
written by the grader's own process only, from results it read off a trusted job.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from grader import exercises
from grader.core import plain
from grader.core.case import Case
from grader.core.course import PACKAGE_DIR

# The installed grader package: the one place that says where it is.
SHIPPED_DIR = PACKAGE_DIR / "expected"
# The TensorFlow and Keras the shipped results were computed with (`ship_versions`).
SHIPPED_VERSIONS = SHIPPED_DIR / "versions.json"
# Files whose code decides a reference result: the helpers build the models, `answers` encodes them.
CODE_FILES = ("helpers.py", "core/answers.py", "core/case.py", "runner/child.py")


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


def code_digest(reference_path: Path | None, exercise: str) -> str:
    """A digest of the reference code, the exercise's module, the shared code and library versions.

    Without `reference_path`: of the grader's code alone, the key of what the grader computes itself
    (the trusted stage's results, `grading.trusted.trusted_stage`), which depends on no solution.
    """
    digest = hashlib.sha256(_versions().encode())
    if reference_path is None:
        digest.update(b"trusted stage")
    for path in [*([reference_path] if reference_path else []), *exercise_files(exercise),
                 *(PACKAGE_DIR / name for name in CODE_FILES)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def exercise_files(exercise: str) -> list[Path]:
    """The exercise's module, then the modules of grader/exercises whose code it uses (the sixth's trusted
    stage: its model's description and training), so that a change to any of them is a new key."""
    module = exercises.get(exercise)
    used = {value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
            for value in vars(module).values()}
    helpers = sorted(name for name in used if isinstance(name, str) and name.startswith("grader.exercises.")
                     and name != module.__name__)
    return [PACKAGE_DIR / "exercises" / f"{exercise}.py",
            *(PACKAGE_DIR / "exercises" / f"{name.rsplit('.', 1)[1]}.py" for name in helpers)]


class ReferenceCache:
    """Reference results, one entry per case; writes are atomic (temp file, then rename).

    An entry is `<key>.json` (with `<key>.npz` for its arrays) and `<key>.sha256`, the digest of both,
    written last. An entry whose files do not match their digest (truncated, corrupted, half-replaced
    on a shared disk) or that has no digest is not trusted: it reads as missing, so the reference is
    computed again and the entry rewritten.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, case: Case, code: str) -> Path:
        key = hashlib.sha256((case.fingerprint() + code).encode()).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, case: Case, code: str) -> Any | None:
        path = self._path(case, code)
        try:
            if path.with_suffix(".sha256").read_text().strip() != _entry_digest(path):
                return None
            return plain.load(path)
        except (OSError, ValueError):
            return None

    def put(self, case: Case, code: str, result: Any) -> None:
        path = self._path(case, code)
        plain.dump(result, path)
        plain.write_atomic(path.with_suffix(".sha256"), _entry_digest(path).encode())


def _entry_digest(path: Path) -> str:
    """The digest of a cache entry's files as they are on disk (the arrays' file, when there is one)."""
    digest = hashlib.sha256(path.read_bytes())
    npz = path.with_suffix(".npz")
    digest.update(npz.read_bytes() if npz.exists() else b"-")
    return digest.hexdigest()


def shipped(case: Case) -> Any | None:
    """The expected result of a public case, shipped with the package for `grader check`."""
    try:
        return plain.load(SHIPPED_DIR / f"{case.exercise}-{case.fingerprint()[:16]}.json")
    except (OSError, ValueError):
        return None


def library_versions() -> dict[str, str]:
    """This environment's TensorFlow and Keras versions (TensorFlow under either distribution's name)."""
    found = {}
    for label, names in (("TensorFlow", ("tensorflow-cpu", "tensorflow")), ("Keras", ("keras",))):
        for name in names:
            try:
                found[label] = metadata.version(name)
                break
            except metadata.PackageNotFoundError:
                continue
    return found


def ship_versions() -> Path:
    """Records beside the shipped results the TensorFlow and Keras they were computed with."""
    SHIPPED_VERSIONS.write_text(json.dumps(library_versions(), sort_keys=True) + "\n")
    return SHIPPED_VERSIONS


def version_note() -> str:
    """'' where TensorFlow and Keras are those the shipped results come from; else which those were.

    Every public result is computed with TensorFlow (a training curve, gradients): a learner on other
    versions (a notebook platform's) reads it beside a failed public check."""
    try:
        recorded = json.loads(SHIPPED_VERSIONS.read_text())
    except (OSError, ValueError):
        return ""
    here = library_versions()
    if here == recorded:
        return ""
    return (f"the expected results come from {_said(recorded)}, and this is {_said(here) or 'no TensorFlow'}: "
            "a small numeric difference can come from the versions")


def _said(versions: dict[str, str]) -> str:
    return " and ".join(f"{label} {version}" for label, version in sorted(versions.items(), reverse=True))


def ship(case: Case, result: Any) -> Path:
    """Stores a public case's expected result in the package (a development step)."""
    path = SHIPPED_DIR / f"{case.exercise}-{case.fingerprint()[:16]}.json"
    plain.dump(result, path)
    for written in (path, path.with_suffix(".npz")):
        if written.exists():
            written.chmod(0o644)  # package data, readable by everyone as an installed wheel's is
    return path
