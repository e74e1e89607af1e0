"""What a job's child wrote, read back in the grader as plain data: each case's result, and the errors met
while the submission's cells ran. Learner code ran in the process that wrote these files, so they may
hold anything: nothing here raises, and an error's fields become bounded strings."""

from __future__ import annotations

from typing import Any, TypedDict

from grader.core import plain
from grader.runner.child import LOAD_ERRORS
from grader.runner.jobs import Job


class ChildError(TypedDict):
    """An error as a child described it, each field a bounded string (`clean_error`)."""

    where: str
    type: str
    message: str
    traceback: str


class ReadResult(TypedDict, total=False):
    """One case's result read back: {"ok": True, "data": the answer as plain data}, or why there is none:
    {"ok": False, "missing": True} (no file: the code did not load, or the process ended first) or
    {"ok": False, "error": ...} (the function raised, or the file is unreadable)."""

    ok: bool
    data: Any
    missing: bool
    error: ChildError


def read_result(job: Job, index: int) -> ReadResult:
    """Case `index`'s result as the child wrote it, or why there is none; never raises."""
    path = job.result_path(index)
    if job.outcome.get("load_failed") or not path.exists():
        return {"ok": False, "missing": True}
    try:
        result = plain.load(path)
    except Exception as error:  # noqa: BLE001 - whatever is in the file, the grader goes on
        return {"ok": False, "error": clean_error({"type": "UnreadableResult", "message": "the results file could "
                                                   f"not be read ({type(error).__name__})"})}
    if not isinstance(result, dict):
        return {"ok": False, "error": clean_error({"type": "UnreadableResult",
                                                   "message": "the results file holds no result"})}
    if not result.get("ok"):
        error = result.get("error") if isinstance(result.get("error"), dict) else {}
        return {"ok": False, "error": clean_error(error)}
    return {"ok": True, "data": result.get("data")}


def clean_error(error: dict) -> ChildError:
    """An error as the child described it, each field a string of bounded length."""
    return ChildError(where=str(error.get("where", ""))[:200], type=str(error.get("type", ""))[:200],
                      message=str(error.get("message", ""))[:2000], traceback=str(error.get("traceback", ""))[:4000])


def load_errors(jobs: list[Job]) -> list[ChildError]:
    """The errors met while running the submission's cells (as the first job recorded them); never raises."""
    for job in jobs:
        path = job.dir / LOAD_ERRORS
        if path.exists():
            try:
                errors = plain.load(path)
            except Exception:  # noqa: BLE001 - learner code may have written anything there
                return []
            if not isinstance(errors, list):
                return []
            return [clean_error(error) for error in errors[:50] if isinstance(error, dict)]
    return []
