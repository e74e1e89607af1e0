"""What a job's child wrote, read back in the grader as plain data: each case's result, and the errors met
while the submission's cells ran. Learner code ran in the process that wrote these files, so they may
hold anything: nothing here raises, and an error's fields become bounded strings."""

from __future__ import annotations

from typing import Any

from grader.core import plain
from grader.runner.child import LOAD_ERRORS
from grader.runner.jobs import Job


def read_result(job: Job, index: int) -> dict[str, Any]:
    """Case `index`'s result as the child wrote it ({"ok": True, "data": ...}), or why there is none
    ({"ok": False, "missing": True} or {"ok": False, "error": {...}}); never raises."""
    path = job.result_path(index)
    if job.outcome.get("load_failed") or not path.exists():
        return {"ok": False, "missing": True}
    try:
        result = plain.load(path)
    except Exception as error:  # noqa: BLE001 - whatever is in the file, the grader goes on
        return {"ok": False, "error": {"type": "UnreadableResult",
                                       "message": f"the results file could not be read ({type(error).__name__})"}}
    if not isinstance(result, dict):
        return {"ok": False, "error": {"type": "UnreadableResult", "message": "the results file holds no result"}}
    if not result.get("ok"):
        error = result.get("error") if isinstance(result.get("error"), dict) else {}
        return {"ok": False, "error": clean_error(error)}
    return result


def clean_error(error: dict) -> dict[str, str]:
    """An error as the child described it, each field a string of bounded length."""
    return {key: str(error.get(key, ""))[:limit] for key, limit in
            (("where", 200), ("type", 200), ("message", 2000), ("traceback", 4000))}


def load_errors(jobs: list[Job]) -> list[dict[str, str]]:
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
