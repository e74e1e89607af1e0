"""Grading a batch on a Dask distributed cluster (`grader batch ... --scheduler tcp://HOST:PORT`).

Each Dask worker process keeps one warm grading worker (TensorFlow imported once) for all the tasks it
runs; a task grades one submission, and learner code still runs only in that grading worker's sandboxed
children. Reference results are computed once, by one task, and broadcast to every worker.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from grader import exercises
from grader.core.results import Report
from grader.core.submission import Submission
from grader.grading.grade import grade_all
from grader.grading.references import references
from grader.grading.settings import Settings
from grader.runner.jobs import Runner
from grader.runner.portable import start_worker

_warm: dict[str, Runner] = {}
# A grading worker runs one batch of jobs at a time; Dask workers started with several threads share it.
_lock = threading.Lock()


def _worker(settings: Settings) -> Runner:
    """This Dask worker process's warm grading worker, started on first use."""
    if "worker" not in _warm:
        _warm["worker"] = start_worker(settings.parallel, settings.limits,
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


def grade_on_cluster(todo: list[tuple[Any, Submission]], settings: Settings, scheduler: str,
                     on_report: Callable[[Any, Report], None], say: Callable[[str], None]) -> None:
    """Grades `todo` ((entry, submission) pairs) through the Dask scheduler at `scheduler`.

    `on_report(entry, report)` is called once per submission, in this process, as its report arrives:
    a task that ran twice (its worker died, Dask ran it again elsewhere) is still reported once. A
    task Dask gave up on is said (`say`) and left without a result; so is everything still pending
    when the scheduler goes away. The same batch command grades what is left.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as error:
        raise RuntimeError("--scheduler needs Dask distributed: pip install 'dask[distributed]'") from error

    # One job at a time per grading worker: a Dask worker's threads are the parallelism here.
    settings = replace(settings, parallel=1)
    with Client(scheduler, timeout="30s") as client:
        expected = client.submit(remote_references, settings, pure=False).result()
        shared = client.scatter(expected, broadcast=True)
        futures = {client.submit(remote_grade, submission, settings, shared, pure=False): entry
                   for entry, submission in todo}
        left = len(futures)
        for future in as_completed(futures):
            entry = futures[future]
            try:
                report = future.result()
            except Exception as error:  # noqa: BLE001 - one lost task must not stop the batch
                if client.status != "running":
                    break
                say(f"FAILED {entry.path}: {type(error).__name__}: {error}")
                continue
            left -= 1
            on_report(entry, report)
        if left and client.status != "running":
            say(f"the Dask scheduler at {scheduler} went away; {left} submission(s) have no result yet: "
                "run the same command again (with a scheduler) to grade only those")
