"""This package as a distribution: its dependencies, and a wheel of it built from wherever it runs.

`grader gradescope build` puts a wheel in the autograder zip so that Gradescope's `setup.sh` installs
exactly what the instructor runs, course files included (grader/instructor/, see grader/core/course.py),
whether the instructor works from a checkout (an editable install) or from an installed wheel. The
wheel is packed here from the package's own files and its installed metadata: no build tool, no network.
"""

from __future__ import annotations

import base64
import hashlib
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from grader.core import course
from grader.core.course import PACKAGE_DIR

NAME = "optimization-grader"
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache"}
WHEEL_INFO = "Wheel-Version: 1.0\nGenerator: grader.platforms.distribution\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _project() -> dict:
    """pyproject.toml's [project] table, for a checkout that is not installed."""
    pyproject = PACKAGE_DIR.parent / "pyproject.toml"
    if not pyproject.is_file():
        raise FileNotFoundError(f"{NAME} is not installed and there is no {pyproject}")
    return tomllib.loads(pyproject.read_text())["project"]


def version() -> str:
    """The package's version."""
    try:
        return metadata.version(NAME)
    except metadata.PackageNotFoundError:
        return _project()["version"]


def requirements() -> list[str]:
    """The package's own dependencies (no extras), with their environment markers."""
    try:
        declared = metadata.requires(NAME) or []
    except metadata.PackageNotFoundError:
        return list(_project()["dependencies"])
    return [line for line in declared if "extra ==" not in line]


def _package_files() -> list[tuple[Path, str]]:
    """(file, name in the wheel) for the grader package, and its course files under grader/instructor/."""
    chosen = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR)
        if path.is_file() and not SKIPPED_PARTS & set(relative.parts) and path.suffix not in (".pyc", ".pyo"):
            chosen.append((path, f"grader/{relative.as_posix()}"))
    if course.ROOT != course.INSTALLED:  # a checkout: its course files, where a built wheel has them
        chosen += [(course.ROOT / name, f"grader/instructor/{name}") for name in course.COURSE_FILES]
    return chosen


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(directory: Path) -> Path:
    """Writes this package's wheel into `directory`; returns its path.

    Raises:
        FileNotFoundError: the package is not installed (no metadata to put in the wheel), or a course
            file is missing.
    """
    # The installed .dist-info (a checkout's build leaves an .egg-info beside the package, without METADATA).
    installed = next((d for d in metadata.distributions(name=NAME) if d.read_text("METADATA")), None)
    if installed is None:
        raise FileNotFoundError(f"{NAME} is not installed: pip install it (or `make .venv`) first")
    stem = f"{NAME.replace('-', '_')}-{installed.version}"
    info = f"{stem}.dist-info"
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"{stem}-py3-none-any.whl"
    entries = [(name, path.read_bytes()) for path, name in _package_files()]
    entries += [(f"{info}/METADATA", installed.read_text("METADATA").encode()),
                (f"{info}/entry_points.txt", (installed.read_text("entry_points.txt") or "").encode()),
                (f"{info}/WHEEL", WHEEL_INFO.encode())]
    record = "".join(f"{_record_line(name, data)}\n" for name, data in entries) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in [*entries, (f"{info}/RECORD", record.encode())]:
            wheel.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                           compress_type=zipfile.ZIP_DEFLATED)
    return out
