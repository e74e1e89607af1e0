"""The grader's end of the warm Linux worker (`Worker`): it runs jobs in children of a worker process,
never in the grader's own process.

The worker (grader/runner/worker.py) runs inside bubblewrap where it can (grader/runner/isolation.py);
each job's child then drops to a user id of its own, so that it can neither read another job's files nor
signal another process (see `grader/runner/worker.py`, `grader/runner/child.py` and
`tests/hostile/README.md`).

Layout of the grader's temporary root (`0711`, owned by the grader):

- `jobs/<id>/` (`0700`, the grader's alone): `job.json` (the inputs, written here), and once the job ran,
  what the worker copied out of the child's work directory after checking it (`case-N.json`,
  `case-N.npz`, `load_errors.json`) and the head of what the child printed (`output.txt`).
- `work/<id>/` (the child's own user, `0700`; a size-limited tmpfs in the sandbox): where the child
  writes its results; `work/<id>/scratch/` is its working directory. Removed once the job is done.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from grader.core import plain
from grader.core.limits import SANDBOX_MODES, Limits
from grader.runner import child
from grader.runner.isolation import PASSED_ENV, bootstrap, bwrap_command, choose_isolation
from grader.runner.jobs import Job, WorkerError, job_data, process_seconds, ran_out_of_its_time


class Worker:
    """The grader's end of a warm `grader.runner.worker` process (whose end is `grader.runner.worker.JobHost`), and the
    jobs it runs, `parallel` at a time.

    Args:
        parallel: jobs run side by side.
        limits: what each job may use, and whether to sandbox.
        hide: paths that learner code must not see even where they fall inside the sandbox's view
            (the reference cache, the reference solutions).
    """

    # A worker that dies while running jobs is restarted and its jobs run again, each alone; a job
    # that is running when the worker dies a second time gets `worker_died` as its outcome.
    RESTARTS = 8

    def __init__(self, parallel: int = 2, limits: Limits | None = None, hide: tuple[Path, ...] = ()) -> None:
        self.parallel = max(1, parallel)
        self.limits = limits or Limits()
        if self.limits.sandbox not in SANDBOX_MODES:
            raise ValueError(f"sandbox must be one of {', '.join(SANDBOX_MODES)}")
        self.hide = tuple(Path(p) for p in hide)
        self.root = Path(tempfile.mkdtemp(prefix="grader-"))
        self.root.chmod(0o711)
        for name, mode in (("jobs", 0o700), ("work", 0o711), ("home", 0o700)):
            (self.root / name).mkdir(mode=mode)
        self._count = 0
        self.job_uids: list[int] = []  # the user id each finished job ran as (none without root)
        self._log = open(self.root / "worker.log", "wb")  # noqa: SIM115 - closed in close()
        self.process: subprocess.Popen | None = None
        self._starting = False  # started, and not yet known to be ready
        self.isolation = choose_isolation(self.limits.sandbox, self.root)
        self._start()

    def _start(self) -> None:
        config = {"root": str(self.root), "output_bytes": self.limits.output_bytes,
                  "scratch_bytes": self.limits.scratch_bytes, "drop": os.geteuid() == 0,
                  "mount": self.isolation == "bwrap" and os.geteuid() == 0}
        command = [sys.executable, "-I", "-B", "-c", bootstrap(), json.dumps(config)]
        if self.isolation == "bwrap":
            command = [*bwrap_command(self.root, self.hide, self.limits.scratch_bytes), "--", *command]
        env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
        home = "/tmp" if self.isolation == "bwrap" else str(self.root / "home")
        env.update(child.TENSORFLOW_ENV)
        env.update(MPLBACKEND="Agg", HOME=home,
                   KERAS_HOME=f"{home}/.keras", MPLCONFIGDIR=f"{home}/.matplotlib",
                   PATH=env.get("PATH", "/usr/bin:/bin"))
        self._buffer = b""
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, cwd=self.root, env=env,
            bufsize=0)
        self._starting = True

    def _await_ready(self) -> None:
        """Waits for the worker started last to say it is ready (its TensorFlow import, 2-3 s). Not waited
        for at start: the grader goes on (loading submissions, reference results) while the worker imports."""
        if self._starting:
            if not self._readline(300):
                raise WorkerError(f"the grading worker failed to start: {self._tail_log()}")
            self._starting = False

    def run(self, jobs: list[Job], on_done: Callable[[Job], list[Job] | None] | None = None) -> None:
        """`Runner.run`: each job in a child of the warm worker; survives the worker's death."""
        pending = list(jobs)
        by_id: dict[str, Job] = {}
        retried: set[int] = set()
        restarts = 0

        def done(job: Job) -> None:
            more = on_done(job) if on_done else None
            pending[0:0] = more or []

        def room_for(job: Job) -> bool:
            if not by_id:
                return True
            alone = id(job) in retried or any(id(other) in retried for other in by_id.values())
            return len(by_id) < self.parallel and not alone

        def start_what_fits() -> None:
            self._await_ready()
            while pending and room_for(pending[0]):
                job_id = self._submit(pending[0])  # a job leaves `pending` only once the worker has it
                by_id[job_id] = pending.pop(0)

        while pending or by_id:
            try:
                start_what_fits()
                wait = max(self.limits.wall_seconds(job.timeout) for job in by_id.values()) + 60
                line = self._readline(wait)
            except (BrokenPipeError, OSError):
                line = ""
            if line is None or not line:
                # The worker died (or hung past every deadline): its running jobs run again, alone.
                self._kill_worker()
                restarts += 1
                if restarts > self.RESTARTS:
                    raise WorkerError(f"the grading worker kept dying: {self._tail_log()}")
                for job in by_id.values():
                    if id(job) in retried:
                        job.outcome = {"worker_died": True, "memory_bytes": self.limits.memory_bytes}
                        done(job)
                    else:
                        retried.add(id(job))
                        pending.insert(0, job)
                by_id.clear()
                self._start()
                continue
            try:
                report = json.loads(line)
                job = by_id.pop(report["id"])
            except (ValueError, KeyError, TypeError):
                continue
            job.outcome = {**report, "memory_bytes": self.limits.memory_bytes}
            if ran_out_of_its_time(job, self.limits):
                job.outcome["timed_out"] = True
            if isinstance(report.get("uid"), int):
                self.job_uids.append(report["uid"])
            try:
                start_what_fits()  # the next job starts before the grader reads this one's results
            except (BrokenPipeError, OSError):
                pass  # the worker is gone: the next read says so
            done(job)

    @property
    def jobs_started(self) -> int:
        """How many jobs (processes) this worker has started."""
        return self._count

    def discard(self, jobs: list[Job]) -> None:
        """Removes finished jobs' directories: a long batch keeps only what is still running."""
        for job in jobs:
            if job.dir is not None:
                _remove_tree(job.dir)

    def _readline(self, timeout: float) -> str | None:
        """A line from the worker, '' at its end, None when nothing came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(remaining, 0))
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return ""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode("utf-8", errors="replace") + "\n"

    def _submit(self, job: Job) -> str:
        self._count += 1
        job_id = f"{self._count:04d}-{job.kind}-{job.exercise}"
        job.dir = self.root / "jobs" / job_id
        job.outcome = {}
        job.dir.mkdir(mode=0o700)
        plain.dump(job_data(job, self.limits), job.dir / "job.json")
        line = {"id": job_id, "dir": str(job.dir), "work": str(self.root / "work" / job_id),
                "timeout": process_seconds(job, self.limits),
                "wall_timeout": self.limits.wall_seconds(process_seconds(job, self.limits)),
                "idle_timeout": self.limits.idle_seconds, "cases": len(job.cases)}
        self.process.stdin.write((json.dumps(line) + "\n").encode())
        return job_id

    def _tail_log(self) -> str:
        self._log.flush()
        return (self.root / "worker.log").read_text(errors="replace")[-2000:]

    def _kill_worker(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
        if self.process:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        _remove_tree(self.root)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

def _remove_tree(root: Path) -> None:
    # Work directories may still be tmpfs mount points (only inside the sandbox, which is gone by now).
    for _ in range(3):
        shutil.rmtree(root, ignore_errors=True)
        if not root.exists():
            return
        time.sleep(0.1)
