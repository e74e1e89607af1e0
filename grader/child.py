"""What runs in a child process: a submission's (or the reference's) code, on one exercise's cases or,
in a shared run (`run_parts`), on several exercises' cases in turn.

Two runners start such a child, and both call the same code here (`enter`, then `run_job`):

- on Linux, the warm worker (`grader.worker`) forks it and `run` shuts it in first (`grader.confinement`:
  its own session and output pipe, resource limits, its own user id, no_new_privs, seccomp);
- elsewhere (macOS, Windows, or a Linux without those calls), the portable runner (`grader.portable`)
  spawns a new Python process per job.

Its working directory is `<work>/scratch`, and HOME and TMPDIR point there. It holds only the inputs
of its cases: no expected value, no reference result, no seed. It writes one results file per case
into its work directory, as plain data; the runner copies them out after it ends.
"""

from __future__ import annotations

import _thread
import hashlib
import importlib.util
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
import types
from pathlib import Path
from typing import Any

from grader import exercises, plain
from grader.case import Case

LOAD_ERRORS = "load_errors.json"

_exit = os._exit  # kept before learner code can replace os._exit (as are the watchdog's clock and sleep)
_monotonic, _sleep = time.monotonic, time.sleep
# Set in the worker's environment before TensorFlow loads. oneDNN's kernels hand work between threads
# that spin: on the one core a job is pinned to, a small model's fit took 0.29 s with them, 0.18 s
# without. Being in this file, it is part of the reference cache's key (grader/cache.py).
TENSORFLOW_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": ""}


# A shared run prints this line, "<mark> <index>] <digest>", before each part and once after the last:
# the digest is that of the results of the part before. Printed before later parts' code runs, it
# lets the grader see if that code rewrote earlier parts' results (sandbox.split_shared_run).
SECTION_MARK = "\x1e[grader: section"
# How a shared run's process ends when a part ran past its time (the worker then runs each part alone).
PART_TIMEOUT_EXIT = 3


class CellTimeout(BaseException):
    """A notebook cell ran past its time; the next cells still run."""


def run(job_dir: Path, work: Path, output_fd: int, uid: int | None) -> None:
    """The Linux worker's forked child: shuts itself in, runs the job of `job_dir` in `work`, as user
    `uid` when given, and exits; never returns."""
    code = 0
    try:
        from grader import confinement

        confinement.isolate(output_fd)
        job = plain.load(job_dir / "job.json")
        enter(work)
        confinement.limit_resources(job["limits"])
        confinement.confine(uid)
        run_job(job, work)
    except BaseException:  # noqa: BLE001 - the child reports everything and exits
        traceback.print_exc()
        code = 1
    finally:
        exit_flushed(code)


def exit_flushed(code: int) -> None:
    """Ends the process at once with `code` (no TensorFlow teardown), what was printed flushed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - learner code may have replaced the streams
            pass
    _exit(code)


def warm_up() -> None:
    """Imports what every job needs before any job's clock starts (the Linux worker, before it forks)."""
    import keras  # noqa: F401
    import matplotlib
    import tensorflow  # noqa: F401

    matplotlib.use("Agg")
    # Notebooks import pyplot in their first cell: importing it here (and building matplotlib's font
    # cache once) spares every child that cost.
    import matplotlib.pyplot  # noqa: F401

    from grader import helpers  # noqa: F401

    exercises.load_all()


def enter(work: Path) -> None:
    """Makes `work/scratch` the working directory, HOME and TMPDIR (on every platform)."""
    scratch = work / "scratch"
    os.chdir(scratch)
    os.umask(0o077)
    os.environ.update(HOME=str(scratch), TMPDIR=str(scratch), MPLCONFIGDIR=str(scratch))
    tempfile.tempdir = str(scratch)


def run_job(job: dict[str, Any], work: Path) -> None:
    """Loads the job's code and runs its cases (or its parts), writing one results file per case."""
    _configure_tensorflow()
    if job.get("parts"):
        run_parts(job, work)
    else:
        function = _load_function(job, work)
        exercise = exercises.get(job["exercise"])
        for index, case_plain in enumerate(job["cases"]):
            _run_case(exercise, function, Case.from_plain(case_plain), work / f"case-{index}.json")


def _configure_tensorflow() -> None:
    import tensorflow as tf

    # One thread per child: children run side by side, and small models gain nothing from more.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _load_function(job: dict[str, Any], work: Path):
    name = job["exercise"]
    if job["kind"] == "reference":
        module = types.ModuleType("reference_solutions")
        module.__file__ = job["reference_path"]
        source = job.get("reference_source")
        if source is None:
            spec = importlib.util.spec_from_file_location("reference_solutions", job["reference_path"])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            sys.modules["reference_solutions"] = module
            exec(compile(source, job["reference_path"], "exec"), module.__dict__)  # noqa: S102 - trusted
        return getattr(module, name)
    namespace = _load_learner_code(job, work)
    return namespace if isinstance(namespace, BrokenModule) else namespace.get(name)


def _load_learner_code(job: dict[str, Any], work: Path) -> dict[str, Any] | BrokenModule:
    namespace, errors = _run_cells(job["cells"], job["tolerant"], job["limits"].get("cell_seconds", 0), work)
    if errors and not job["tolerant"]:
        return BrokenModule(errors[0])
    return namespace


def run_parts(job: dict[str, Any], work: Path) -> None:
    """Loads the learner's code once, then runs each part's cases (a shared run, `sandbox.shared_run`).

    Each part may take what it would have had alone: its time limit less the time the code took to
    load. Past that, a watchdog thread ends the process; the worker drops the shared run's results
    and runs each part alone, so a slow or stuck exercise costs only its own points.
    """
    started = _monotonic()
    parts = job["parts"]
    watchdog = _Watchdog(started + parts[0]["seconds"])
    namespace = _load_learner_code(job, work)
    loading = _monotonic() - started
    first, previous = 0, range(0)
    for section, part in enumerate(parts):
        watchdog.deadline = _monotonic() + part["seconds"] - loading
        _mark_section(section, results_digest(work, previous))
        name = part["exercise"]
        function = namespace if isinstance(namespace, BrokenModule) else namespace.get(name)
        previous = range(first, first + part["cases"])
        for index in previous:
            _run_case(exercises.get(name), function, Case.from_plain(job["cases"][index]),
                      work / f"case-{index}.json")
        first += part["cases"]
    _mark_section(len(parts), results_digest(work, previous))


def results_digest(directory: Path, indices: range) -> str:
    """A digest of the results files of cases `indices` in `directory` (what exists of them)."""
    digest = hashlib.sha256()
    for index in indices:
        for suffix in (".json", ".npz"):
            try:
                digest.update((directory / f"case-{index}{suffix}").read_bytes())
            except OSError:
                digest.update(b"-")
    return digest.hexdigest()


def _mark_section(index: int, digest: str) -> None:
    for stream in (sys.stdout, sys.stderr):  # what the previous part printed belongs to it
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - learner code may have replaced the streams
            pass
    os.write(1, f"\n{SECTION_MARK} {index}] {digest}\n".encode())


class _Watchdog:
    """Ends the process (PART_TIMEOUT_EXIT) once `deadline`, on time.monotonic(), has passed."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while (left := self.deadline - _monotonic()) > 0:
            _sleep(min(left, 0.5))  # the deadline may move: look again at least twice a second
        _exit(PART_TIMEOUT_EXIT)


class BrokenModule:
    """A module whose top level raised: as with a failed `import`, none of its functions count."""

    def __init__(self, error: dict[str, str]) -> None:
        self.error = error

    def result(self) -> dict[str, Any]:
        message = (f"{self.error['message']} (raised while the module was loading: as when `import` fails, "
                   "none of its functions can be used)")
        return {"ok": False, "error": {**self.error, "message": message}}


def run_cells(cells: list[str], tolerant: bool, cell_seconds: int, work: Path) -> dict[str, Any]:
    """Runs a submission's cells in one module namespace, as a notebook kernel or `import` would.

    A notebook's failing cell is recorded and the next cells still run, so an error in an exploration
    cell does not hide definitions after it. A module stops at its first error, as `import` does.
    The errors are written to `work/load_errors.json` once every cell ran.
    """
    return _run_cells(cells, tolerant, cell_seconds, work)[0]


def _run_cells(cells: list[str], tolerant: bool, cell_seconds: int, work: Path
               ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    module = types.ModuleType("submission")
    module.__file__ = str(Path.cwd() / "submission.py")
    sys.modules["submission"] = module
    errors = []
    for index, source in enumerate(cells):
        label = f"cell {index + 1}" if tolerant else "module"
        try:
            code = compile(source, f"<{label}>", "exec")
            with _cell_alarm(cell_seconds if tolerant else 0):
                exec(code, module.__dict__)  # noqa: S102 - running learner code is the point
        except BaseException as error:  # noqa: BLE001
            errors.append({"where": label, **describe(error)})
            if not tolerant:
                break
    plain.dump(errors, work / LOAD_ERRORS)
    return module.__dict__, errors


class _cell_alarm:
    """Raises CellTimeout in a cell that runs past `seconds` (0: no limit).

    With SIGALRM (Linux, macOS) an alarm; without it (Windows) a timer thread that interrupts the main
    thread as Ctrl-C would, its SIGINT handler raising CellTimeout instead of KeyboardInterrupt.
    """

    def __init__(self, seconds: int, use_alarm: bool = hasattr(signal, "SIGALRM")) -> None:
        self.seconds = seconds
        self.use_alarm = use_alarm
        self._timer: threading.Timer | None = None
        self._previous: Any = None

    def __enter__(self) -> None:
        if not self.seconds:
            return
        if self.use_alarm:
            signal.signal(signal.SIGALRM, self._expire)
            signal.alarm(self.seconds)
            return
        self._previous = signal.signal(signal.SIGINT, self._expire)
        self._timer = threading.Timer(self.seconds, _thread.interrupt_main)
        self._timer.daemon = True
        self._timer.start()

    def __exit__(self, *exc: object) -> None:
        if not self.seconds:
            return
        if self.use_alarm:
            signal.alarm(0)
            return
        try:
            self._timer.cancel()
            self._timer.join()  # an interruption already on its way arrives here, still as CellTimeout
        finally:
            signal.signal(signal.SIGINT, self._previous)

    def _expire(self, *_: object) -> None:
        raise CellTimeout(f"this cell ran longer than {self.seconds} s and was stopped")


def _run_case(exercise: types.ModuleType, function: Any, case: Case, result_path: Path) -> None:
    import keras

    if isinstance(function, BrokenModule):
        result = function.result()
    elif function is None:
        result = {"ok": False, "error": {"type": "NameError",
                                         "message": f"{case.exercise} is not defined",
                                         "traceback": ""}}
    else:
        keras.utils.set_random_seed(0)
        try:
            result = {"ok": True, "data": exercise.run(function, case)}
        except BaseException as error:  # noqa: BLE001 - a learner's error is a result
            result = {"ok": False, "error": describe(error)}
    try:
        plain.dump(result, result_path)
    except (TypeError, ValueError) as error:
        plain.dump({"ok": False, "error": describe(error)}, result_path)


def describe(error: BaseException) -> dict[str, str]:
    """An exception as plain data, the traceback cut to the learner's frames."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    learner = [line for line in lines if "/grader/" not in line and "site-packages" not in line]
    text = "".join(learner)
    return {"type": type(error).__name__, "message": str(error)[:2000], "traceback": text[-4000:]}
