"""The portable runner: one new Python process per job, wherever TensorFlow runs (macOS, Windows, Linux).

The Linux worker (`grader.runner.sandbox.Worker`) forks warm children and shuts them in with Linux-only calls
(fork, CPU affinity, prctl, seccomp, `resource`, bubblewrap). Where those are missing (not Linux, or a
Python without them) learners' checks run here instead, with the same child code (`grader.runner.child`):

- each job is a new process (`subprocess`, no fork: what macOS and Windows have), started with this
  grader package registered by path, in an empty scratch directory of its own (HOME and TMPDIR too).
  Not `multiprocessing`: its "spawn" children re-import the parent's `__main__`, which for `check()`
  in a script is the learner's script;
- it is stopped at the job's time limit, with whatever it started (its process group on POSIX,
  `taskkill /T` on Windows); a shared run's parts keep their own limits inside (`child.run_parts`);
  it stops itself when its CPU clock stands still for the idle window (`child.guard_job`);
- what it prints is read by a thread: the first `output_bytes` are kept, the rest is counted and dropped;
- its memory and the files it writes are capped where the platform enforces it (Linux's `resource`);
- its results come back as the same plain JSON and `.npz` files, copied out only when they are regular
  files of bounded size, and read with `grader.core.plain`'s caps.

It is not a sandbox: the code runs as the learner, with their files and network, as when they run it
themselves. `start_worker` picks the runner and says once which isolation there is.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO

from grader.core import plain
from grader.core.limits import MIB, Limits
from grader.runner import child
from grader.runner.isolation import bootstrap, learner_note, warn_once
from grader.runner.jobs import Job, JobOutcome, Runner, WorkerError, job_data, process_seconds
from grader.runner.sandbox import Worker

# Calls the Linux worker and its children make (os.pidfd_open is optional there).
LINUX_OS_CALLS = ("fork", "sched_getaffinity", "sched_setaffinity", "setsid", "waitid", "wait4", "setresuid")
# Processes side by side at most: each imports TensorFlow on its own (670 MiB resident after
# `child.warm_up()` on Linux x86-64), where the Linux worker's forks share one import; a learner's
# laptop has other work to do.
MAX_PARALLEL = 2
POLL_SECONDS = 0.05
READ_CHUNK = 1 << 16
# The process creates `<work>/ready` once TensorFlow is imported, before any learner code runs: the
# job's time limit counts from then (as in the Linux worker, whose forks start warm). Starting may
# take this long at most.
READY = "ready"
START_SECONDS = 300.0
# How long to wait for the output pipe to close once the process ended (a process it left may hold it).
DRAIN_SECONDS = 5.0


def linux_worker_missing() -> str:
    """'' when the Linux worker can run here; else what it lacks, in words."""
    if not sys.platform.startswith("linux"):
        return f"the Linux sandbox needs Linux, and this is {platform.system() or sys.platform}"
    missing = [f"os.{name}" for name in LINUX_OS_CALLS if not hasattr(os, name)]
    try:
        import resource  # noqa: F401
    except ImportError:
        missing.append("the resource module")
    try:
        import ctypes

        ctypes.CDLL(None).prctl  # noqa: B018 - looking it up is the test
    except (ImportError, OSError, AttributeError, TypeError):
        missing.append("prctl")
    return f"the Linux sandbox needs {', '.join(missing)}, which this Python lacks" if missing else ""


def memory_cap_works() -> bool:
    """True where an address-space limit is enforced (Linux with `resource`; not macOS, not Windows)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return True


def start_worker(parallel: int, limits: Limits, hide: tuple[Path, ...] = (), fallback: bool = False
                 ) -> Runner:
    """The runner for `limits.sandbox`: the Linux worker where it can run, else the portable runner.

    Args:
        parallel: jobs run side by side.
        limits: what each job may use; `sandbox` "portable" always picks the portable runner.
        hide: paths the Linux sandbox hides from learner code.
        fallback: where the Linux worker cannot run, use the portable runner (learners checking their
            own code) rather than refuse (grading others' code needs the sandbox).

    Raises:
        WorkerError: the Linux worker cannot run here, and neither `fallback` nor "portable" allows
            another runner (or `sandbox` is "bwrap").
    """
    if limits.sandbox == "portable":
        return PortableWorker(parallel, limits, "--sandbox portable")
    why = linux_worker_missing()
    if not why:
        return Worker(parallel, limits, hide)
    if limits.sandbox == "bwrap":
        raise WorkerError(f"the sandbox was required but cannot run: {why}")
    if not fallback:
        raise WorkerError(f"{why}, and grading others' code needs it: grade on Linux (or Gradescope), or pass "
                          "--sandbox portable to grade without isolation")
    return PortableWorker(parallel, limits, why)


class _Process:
    """A job's running process, the thread draining its output, and its clock."""

    def __init__(self, job: Job, popen: subprocess.Popen, output_bytes: int, wall_limit: float,
                 idle_seconds: float) -> None:
        self.job = job
        self.popen = popen
        self.wall_limit = wall_limit
        self.idle_seconds = idle_seconds
        self.started = time.monotonic()
        self.ready: float | None = None  # when the job's clock started
        self.timed_out = False
        self.kept = 0
        self.total = 0
        self._output_bytes = output_bytes
        self._drain = threading.Thread(target=self._read, args=(popen.stdout,), daemon=True)
        self._drain.start()

    def _read(self, pipe: IO[bytes]) -> None:
        with open(self.job.dir / "output.txt", "wb") as output:
            while chunk := pipe.read1(READ_CHUNK):
                self.total += len(chunk)
                room = self._output_bytes - self.kept
                if room > 0:
                    output.write(chunk[:room])
                    self.kept += min(room, len(chunk))
        pipe.close()

    def ended(self) -> bool:
        """True once the process has ended; stops it first when its time is up."""
        if self.popen.poll() is not None:
            return True
        now = time.monotonic()
        if self.ready is None and (self.job.dir / "work" / READY).exists():
            self.ready = now
        # The process counts its own CPU time (`child.guard_job`); here, the wall-clock backstop.
        if now - (self.ready or self.started) > (self.wall_limit if self.ready else START_SECONDS):
            self.timed_out = True
            self.kill()
        return False

    def kill(self) -> None:
        """Stops the process and whatever it started."""
        if os.name == "nt":
            taskkill = shutil.which("taskkill")
            if taskkill and self.popen.poll() is None:
                subprocess.run([taskkill, "/F", "/T", "/PID", str(self.popen.pid)], capture_output=True,
                               timeout=30, check=False)
        else:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)  # its own session: its group is what it started
            except (ProcessLookupError, PermissionError):
                pass
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()

    def outcome(self, memory_bytes: int | None) -> JobOutcome:
        """How it ended, in the Linux worker's terms (`grading.crashes.no_answer` reads them)."""
        self.kill()  # anything it left behind
        self._drain.join(DRAIN_SECONDS)
        report: JobOutcome = {"seconds": round(time.monotonic() - (self.ready or self.started), 3),
                              "timed_out": self.timed_out, "output_bytes": self.total, "memory_bytes": memory_bytes}
        code = self.popen.returncode
        if self.ready is None and not (self.job.dir / "work" / READY).exists():
            last = _last_line(self.job.dir / "output.txt")
            report["setup_error"] = (f"Python did not start within {START_SECONDS:g} s" if self.timed_out
                                     else f"Python could not import what the checks need ({last})")
        # Its own watchdogs end it with these codes at their CPU limits. The runner trusts them: the code
        # it runs is the learner's own, on the learner's own machine, with nothing to gain from a forgery.
        if code in (child.JOB_TIMEOUT_EXIT, child.LOAD_TIMEOUT_EXIT, child.IDLE_EXIT):
            report["timed_out"] = True
        if code == child.IDLE_EXIT:
            report["idle_seconds"] = self.idle_seconds
        if code < 0:
            report["signal"] = signal.Signals(-code).name
        else:
            report["exit_code"] = code
        return report


class PortableWorker:
    """Runs jobs `parallel` at a time, each in a new Python process: a `jobs.Runner`, as `sandbox.Worker` is.

    Args:
        parallel: jobs run side by side (at most MAX_PARALLEL).
        limits: what each job may use (memory only where `memory_cap_works`).
        why: why the Linux worker is not used, for the one line that says which isolation there is.
    """

    isolation = "portable"

    def __init__(self, parallel: int = 2, limits: Limits | None = None, why: str = "") -> None:
        self.parallel = max(1, min(parallel, MAX_PARALLEL))
        self.limits = limits or Limits()
        self.memory_capped = memory_cap_works()
        self.root = Path(tempfile.mkdtemp(prefix="grader-"))
        (self.root / "jobs").mkdir()
        self._count = 0
        memory = (f", its memory at {self.limits.memory_bytes / 2**30:g} GiB" if self.memory_capped
                  else "; this system offers no memory limit")
        if not learner_note():
            warn_once("portable", f"{why}: each exercise runs in a new Python process, stopped at its time limit, "
                      f"its printed output capped at {self.limits.output_bytes / MIB:g} MiB{memory}. It is not a "
                      "sandbox: your code runs as you, with your files and network, as when you run it yourself")

    @property
    def jobs_started(self) -> int:
        """How many jobs (processes) this runner has started."""
        return self._count

    def run(self, jobs: list[Job], on_done: Callable[[Job], list[Job] | None] | None = None) -> None:
        """`Runner.run`: each job in a new Python process."""
        pending = list(jobs)
        running: list[_Process] = []
        try:
            while pending or running:
                while pending and len(running) < self.parallel:
                    running.append(self._start(pending.pop(0)))
                time.sleep(POLL_SECONDS)
                for process in [process for process in running if process.ended()]:
                    running.remove(process)
                    self._finish(process)
                    more = on_done(process.job) if on_done else None
                    pending[0:0] = more or []
        finally:
            for process in running:  # interrupted (Ctrl-C): nothing is left running
                process.kill()

    def _start(self, job: Job) -> _Process:
        self._count += 1
        job.dir = self.root / "jobs" / f"{self._count:04d}-{job.kind}-{job.exercise}"
        job.outcome = {}
        work = job.dir / "work"
        (work / "scratch").mkdir(parents=True)
        plain.dump(job_data(job, self.limits), job.dir / "job.json")
        command = [sys.executable, "-B", "-c", bootstrap("grader.runner.portable"), str(job.dir), str(work)]
        # Printing never fails on a console's narrow code page: the pipe is UTF-8, read back as UTF-8.
        env = {**os.environ, **child.TENSORFLOW_ENV, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
        env.pop("GRADER_SEED", None)  # the hidden cases' seed stays with the grader
        if os.name == "nt":
            group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW}
        else:
            group = {"start_new_session": True}
        popen = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, cwd=work / "scratch", env=env, **group)
        wall = self.limits.wall_seconds(process_seconds(job, self.limits))
        return _Process(job, popen, self.limits.output_bytes, wall, self.limits.idle_seconds)

    def _finish(self, process: _Process) -> None:
        job = process.job
        job.outcome = process.outcome(self.limits.memory_bytes if self.memory_capped else None)
        work = job.dir / "work"
        names = [child.LOAD_ERRORS] + [f"case-{index}{suffix}" for index in range(len(job.cases))
                                       for suffix in (".json", ".npz")]
        for name in names:
            copy_regular(work / name, job.dir / name,
                         plain.MAX_NPZ_BYTES if name.endswith(".npz") else plain.MAX_JSON_BYTES)
        shutil.rmtree(work, ignore_errors=True)

    def discard(self, jobs: list[Job]) -> None:
        """Removes finished jobs' directories."""
        for job in jobs:
            if job.dir is not None:
                shutil.rmtree(job.dir, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PortableWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "no output"
    return lines[-1][:300] if lines else "no output"


def copy_regular(source: Path, dest: Path, cap: int) -> None:
    """Copies `source` to `dest` when it is a regular file (not a link) of at most `cap` bytes."""
    try:
        info = os.lstat(source)
        if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
            return
        with open(source, "rb") as handle:
            data = handle.read(cap + 1)
    except OSError:
        return
    if len(data) <= cap:
        dest.write_bytes(data)


def main() -> None:
    """The spawned process: `python -c <bootstrap> JOB_DIR WORK` runs the job and exits."""
    code = 0
    try:
        job = plain.load(Path(sys.argv[1]) / "job.json")
        work = Path(sys.argv[2])
        child.warm_up()
        (work / READY).touch()  # the job's clock starts now, as a fork of the warm Linux worker's would
        child.enter(work)
        if memory_cap_works():
            from grader.runner.confinement import limit_resources

            limit_resources(job["limits"])
        child.guard_job(job)
        child.run_job(job, work)
    except BaseException:  # noqa: BLE001 - the child reports everything and exits
        traceback.print_exc()
        code = 1
    finally:
        child.exit_flushed(code)


if __name__ == "__main__":
    main()
