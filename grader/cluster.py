"""Grading a batch on a Dask distributed cluster (`grader batch ... --scheduler tcp://HOST:PORT`).

Each Dask worker process keeps one warm grading worker (TensorFlow imported once) for all the tasks it
runs; a task grades one submission, and learner code still runs only in that grading worker's sandboxed
children. Reference results are computed once, by one task, and broadcast to every worker.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from grader import exercises
from grader.grading import Report, Settings, grade_all, references
from grader.sandbox import Worker
from grader.submission import Submission

_warm: dict[str, Worker] = {}
# A grading worker runs one batch of jobs at a time; Dask workers started with several threads share it.
_lock = threading.Lock()


def _worker(settings: Settings) -> Worker:
    """This Dask worker process's warm grading worker, started on first use."""
    if "worker" not in _warm:
        _warm["worker"] = Worker(settings.parallel, settings.limits,
                                 hide=(settings.cache_dir, settings.reference_path))
        atexit.register(_warm["worker"].close)
    return _warm["worker"]


def remote_references(settings: Settings) -> dict[str, Any]:
    """Runs on a Dask worker: every case's reference result."""
    with _lock:
        return references([exercises.get(name) for name in settings.only], settings, _worker(settings))


def remote_grade(submission: Submission, settings: Settings, expected: dict[str, Any]) -> Report:
    """Runs on a Dask worker: one submission's report."""
    with _lock:
        return grade_all([submission], settings, _worker(settings), expected=expected)[0]


def grade_on_cluster(todo: list, settings: Settings, scheduler: str, progress: Any, html: bool = False,
                     show_hidden: str = "full") -> None:
    """Grades `todo` ((entry, submission) pairs) through the Dask scheduler at `scheduler`."""
    try:
        from distributed import Client, as_completed
    except ImportError as error:
        raise RuntimeError("--scheduler needs Dask distributed: pip install 'dask[distributed]'") from error

    from grader.batch import write_result

    # One job at a time per grading worker: a Dask worker's threads are the parallelism here.
    settings.parallel = 1
    with Client(scheduler, timeout="30s") as client:
        expected = client.submit(remote_references, settings, pure=False).result()
        shared = client.scatter(expected, broadcast=True)
        futures = {client.submit(remote_grade, submission, settings, shared, pure=False): entry
                   for entry, submission in todo}
        for future in as_completed(futures):
            entry = futures[future]
            try:
                write_result(entry, future.result(), html, show_hidden)
            except Exception as error:  # noqa: BLE001 - one lost task must not stop the batch
                progress.line(f"FAILED {entry.path}: {type(error).__name__}: {error}")
            progress.step()
