"""Runs jobs in children of a warm worker process, never in the grader's own process.

A job is one exercise's cases for one piece of code (a submission, or the reference solutions). Its
directory holds `job.json` (the inputs), `scratch/` (the child's working directory) and, once run, one
`case-N.json` per answered case, `load_errors.json` and the child's captured `output.txt`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import plain
from grader.case import Case

GIB = 1024**3


@dataclass
class Limits:
    """What one job may use. Every field is configurable from the command line.

    Attributes:
        time_scale: multiplies each exercise's own time limit (`SECONDS` in its module).
        memory_bytes: address-space limit of a job's process (TensorFlow alone maps ~1.2 GiB).
        output_bytes: the most a job may print; past it writes fail and the report says so.
        cell_seconds: a notebook cell that runs longer is stopped and the next cell runs.
    """

    time_scale: float = 1.0
    memory_bytes: int = 6 * GIB
    output_bytes: int = 8 * 1024 * 1024
    cell_seconds: int = 30

    def plain(self) -> dict[str, int]:
        return {"memory_bytes": self.memory_bytes, "output_bytes": self.output_bytes,
                "cell_seconds": self.cell_seconds}


@dataclass
class Job:
    """One exercise's cases run by one piece of code."""

    exercise: str
    cases: list[Case]
    timeout: float
    kind: str  # "learner" or "reference"
    cells: list[str] = field(default_factory=list)
    tolerant: bool = False
    reference_path: str = ""
    dir: Path | None = None
    outcome: dict[str, Any] = field(default_factory=dict)

    def result_path(self, index: int) -> Path:
        return self.dir / f"case-{index}.json"


class WorkerError(RuntimeError):
    """The worker process could not start or died."""


class Worker:
    """A warm `python -m grader.worker` process and the jobs it runs, `parallel` at a time."""

    def __init__(self, parallel: int = 2, limits: Limits | None = None) -> None:
        self.parallel = max(1, parallel)
        self.limits = limits or Limits()
        self.root = Path(tempfile.mkdtemp(prefix="grader-"))
        self._count = 0
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONDONTWRITEBYTECODE="1",
                   PYTHONNOUSERSITE="1", MPLBACKEND="Agg", CUDA_VISIBLE_DEVICES="")
        env.pop("PYTHONPATH", None)
        self._log = open(self.root / "worker.log", "wb")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log, cwd=self.root, env=env, text=True, bufsize=1)
        ready = self.process.stdout.readline()
        if not ready:
            raise WorkerError(f"the grading worker failed to start: {self._tail_log()}")

    def run(self, jobs: list[Job]) -> None:
        """Runs `jobs`, filling each one's `dir` and `outcome`."""
        pending = list(jobs)
        by_id: dict[str, Job] = {}
        while pending or by_id:
            while pending and len(by_id) < self.parallel:
                job = pending.pop(0)
                by_id[self._submit(job)] = job
            line = self.process.stdout.readline()
            if not line:
                raise WorkerError(f"the grading worker died: {self._tail_log()}")
            report = json.loads(line)
            by_id.pop(report["id"]).outcome = report

    def _submit(self, job: Job) -> str:
        self._count += 1
        job_id = f"{self._count:04d}-{job.kind}-{job.exercise}"
        job.dir = self.root / job_id
        (job.dir / "scratch").mkdir(parents=True)
        plain.dump({"kind": job.kind, "exercise": job.exercise, "cells": job.cells, "tolerant": job.tolerant,
                    "reference_path": job.reference_path, "limits": self.limits.plain(),
                    "cases": [case.to_plain() for case in job.cases]}, job.dir / "job.json")
        self.process.stdin.write(json.dumps({"id": job_id, "dir": str(job.dir), "timeout": job.timeout}) + "\n")
        self.process.stdin.flush()
        return job_id

    def _tail_log(self) -> str:
        self._log.flush()
        return (self.root / "worker.log").read_text(errors="replace")[-2000:]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_output(job: Job, limit: int = 4000) -> str:
    """The head of what the job's code printed, with a note when it was cut."""
    path = job.dir / "output.txt"
    if not path.exists():
        return ""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(limit).decode("utf-8", errors="replace")
    return head + (f"\n[... {size - limit} more bytes not shown]" if size > limit else "")
