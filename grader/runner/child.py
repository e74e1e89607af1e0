"""What runs in a child process: a submission's (or the reference's) code, on one exercise's cases or,
in a shared run (`run_parts`), on several exercises' cases in turn.

Two runners start such a child, and both call the same code here (`enter`, then `run_job`):

- on Linux, the warm worker (`grader.runner.worker`) forks it and `run` shuts it in first (`grader.runner.confinement`:
  its own session and output pipe, resource limits, its own user id, no_new_privs, seccomp);
- elsewhere (macOS, Windows, or a Linux without those calls), the portable runner (`grader.runner.portable`)
  spawns a new Python process per job.

A third kind of job, "trusted", loads no code at all: the exercise module computes from plain data that
the grader read off another job's answers (`run_trusted`: trainable_deep_model trains the model the
learner's answer describes, in a process the learner's code never touched).

Its working directory is `<work>/scratch`, and HOME and TMPDIR point there. It holds only the inputs
of its cases: no expected value, no reference result, no seed. It writes one results file per case
into its work directory, as plain data; the runner copies them out after it ends.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
import time
import traceback
import types
from pathlib import Path
from typing import Any

from grader import exercises
from grader.core import plain
from grader.core.case import REFERENCE_MODULE, Case
from grader.core.feedback import MISNAMED, NOT_DEFINED
from grader.runner.clocks import IdleClock, cell_alarm

LOAD_ERRORS = "load_errors.json"

_exit = os._exit  # kept before learner code can replace os._exit (as are the watchdog's clocks and sleep)
_monotonic, _cpu, _sleep = time.monotonic, time.process_time, time.sleep
# Set in the worker's environment before TensorFlow loads. oneDNN's kernels hand work between threads
# that spin: on the one core a job is pinned to, a small model's fit took 0.29 s with them, 0.18 s
# without. Being in this file, it is part of the reference cache's key (grader/grading/cache.py).
TENSORFLOW_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": ""}


# A shared run prints this line, "<mark> <index>] <digest>", before each part and once after the last:
# the digest is that of the results of the part before. Printed before later parts' code runs, it
# lets the grader see if that code rewrote earlier parts' results (jobs.split_shared_run).
SECTION_MARK = "\x1e[grader: section"
# How a shared run's process ends when a part ran past its time (the grader then runs the parts after it
# again: jobs.split_timed_out_run).
PART_TIMEOUT_EXIT = 3
# How a learner job's process ends when the code did not finish loading within the load limit
# (`Limits.load_seconds`): every exercise it runs gets its 0 from that one attempt.
LOAD_TIMEOUT_EXIT = 4
# How a portable runner's process ends when its job used up its time limit (CPU time; `guard_job`).
JOB_TIMEOUT_EXIT = 5
# How a portable runner's process ends when its CPU clock stopped advancing (`IdleClock`; `guard_job`).
IDLE_EXIT = 6


def run(job_dir: Path, work: Path, output_fd: int, uid: int | None) -> None:
    """The Linux worker's forked child: shuts itself in, runs the job of `job_dir` in `work`, as user
    `uid` when given, and exits; never returns."""
    code = 0
    try:
        from grader.runner import confinement

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
    import matplotlib.pyplot

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
    elif job["kind"] == "trusted":
        # The grader's own stage of an exercise (`run_trusted`): no submission or solution code loads.
        exercise = exercises.get(job["exercise"])
        for index, case_plain in enumerate(job["cases"]):
            case = Case.from_plain(case_plain)
            _write_result(_call(lambda case=case: exercise.run_trusted(case)), work / f"case-{index}.json")
    else:
        load = job["limits"].get("load_seconds") if job["kind"] == "learner" else None
        watchdog = _Watchdog(job["limits"], load, LOAD_TIMEOUT_EXIT) if load else None
        function = _load_function(job, work)
        if watchdog:  # past loading, the exercise's own limit counts from now (the runner's is the backstop)
            watchdog.restart(job["limits"]["seconds"], JOB_TIMEOUT_EXIT)
        exercise = exercises.get(job["exercise"])
        for index, case_plain in enumerate(job["cases"]):
            _run_case(exercise, function, Case.from_plain(case_plain), work / f"case-{index}.json")


def guard_job(job: dict[str, Any]) -> None:
    """Ends the process (JOB_TIMEOUT_EXIT) once the job has used its time limit of CPU time from now, or
    (IDLE_EXIT) once it has been waiting for its idle window (`IdleClock`).

    The portable runner's child calls it: there the runner cannot read another process's CPU clock on
    every platform, so the child counts its own; the runner keeps the wall-clock backstop.
    """
    watchdog = _Watchdog(job["limits"], job["limits"]["cpu_seconds"], JOB_TIMEOUT_EXIT)
    if job["limits"].get("idle_seconds"):
        watchdog.idle = IdleClock(job["limits"]["idle_seconds"], _monotonic(), _cpu())


def _configure_tensorflow() -> None:
    import tensorflow as tf

    # One thread per child: children run side by side, and small models gain nothing from more.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _load_function(job: dict[str, Any], work: Path):
    name = job["exercise"]
    if job["kind"] == "reference":
        module = types.ModuleType(REFERENCE_MODULE)
        module.__file__ = job["reference_path"]
        source = job.get("reference_source")
        if source is None:
            spec = importlib.util.spec_from_file_location(REFERENCE_MODULE, job["reference_path"])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            sys.modules[REFERENCE_MODULE] = module
            exec(compile(source, job["reference_path"], "exec"), module.__dict__)  # noqa: S102 - trusted
        return getattr(module, name)
    namespace = _load_learner_code(job, work)
    return namespace if isinstance(namespace, BrokenModule) else _function_in(namespace, name)


def _load_learner_code(job: dict[str, Any], work: Path) -> dict[str, Any] | BrokenModule:
    limits = job["limits"]
    namespace, errors = _run_cells(job["cells"], job["tolerant"], limits.get("cell_seconds", 0),
                                   limits.get("wall_factor", 1), work)
    if errors and not job["tolerant"]:
        return BrokenModule(errors[0])
    return namespace


def run_parts(job: dict[str, Any], work: Path) -> None:
    """Loads the learner's code once, then runs each part's cases (a shared run, `jobs.shared_run`).

    The code must load within the load limit (CPU time, `Limits.load_seconds`), else the process ends
    (LOAD_TIMEOUT_EXIT) and every part gets its 0 from that one attempt. Each part then has its own time
    limit, counted from its start: loading is paid by the load limit alone, so a notebook's exploration
    cells never eat into an exercise's time. Past it, a watchdog thread ends the process
    (PART_TIMEOUT_EXIT); that part's time-out is final and the parts after it run again
    (`jobs.split_timed_out_run`), so a slow or stuck exercise costs only its own points. Times are the
    process's CPU time, with a wall-clock backstop `wall_factor` times larger (for code that sleeps or waits).
    """
    parts = job["parts"]
    limits = job["limits"]
    watchdog = _Watchdog(limits, limits.get("load_seconds") or None, LOAD_TIMEOUT_EXIT)
    namespace = _load_learner_code(job, work)
    first, previous = 0, range(0)
    for section, part in enumerate(parts):
        watchdog.restart(part["seconds"], PART_TIMEOUT_EXIT)
        _mark_section(section, results_digest(work, previous))
        name = part["exercise"]
        function = namespace if isinstance(namespace, BrokenModule) else _function_in(namespace, name)
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
    """Ends the process (with `code`) once it has used `seconds` of CPU time from now, or `wall_factor`
    times that in wall-clock time (code that sleeps or waits); no limit while `seconds` is None.

    CPU time is what the learner's code used, whatever else runs on the machine: a busy machine slows
    the code down but does not bring it closer to its limit.
    """

    def __init__(self, limits: dict[str, Any], seconds: float | None, code: int) -> None:
        self.factor = float(limits.get("wall_factor") or 1)
        self.idle: IdleClock | None = None  # set by `guard_job` alone: the Linux worker watches idleness
        self.restart(seconds, code)
        threading.Thread(target=self._watch, daemon=True).start()

    def restart(self, seconds: float | None, code: int) -> None:
        self.cpu_deadline, self.wall_deadline = float("inf"), float("inf")
        self.code = code
        if seconds is not None:
            self.cpu_deadline = _cpu() + seconds
            self.wall_deadline = _monotonic() + max(seconds, 0) * self.factor

    def stop(self) -> None:
        self.restart(None, self.code)

    def _watch(self) -> None:
        while True:
            left = min(self.cpu_deadline - _cpu(), self.wall_deadline - _monotonic())
            if left <= 0:
                _exit(self.code)
            if self.idle and self.idle.waiting(_monotonic(), _cpu()):
                _exit(IDLE_EXIT)
            _sleep(min(left, 0.25))  # the deadline may move: look again at least four times a second


NEAR_NAME = 0.7  # difflib's similarity ratio from which a defined function counts as a misspelling


def _function_in(namespace: dict[str, Any], name: str) -> Any:
    """The exercise function `name` of a submission's namespace, or a MissingFunction saying what is near."""
    if name in namespace:
        return namespace[name]
    import difflib

    # Only functions the submission defines (not imported ones), and not another exercise's.
    defined = [key for key, value in namespace.items() if isinstance(value, types.FunctionType)
               and value.__globals__ is namespace and key not in exercises.NAMES]
    near = difflib.get_close_matches(name, defined, n=1, cutoff=NEAR_NAME)
    return MissingFunction(name, near[0] if near else "")


class MissingFunction:
    """An exercise function the submission does not define; `near` is a function it defines whose name is
    close (a misspelling: `compile_sgd` for `compile_with_sgd`), or ""."""

    def __init__(self, name: str, near: str) -> None:
        self.name, self.near = name, near

    def result(self) -> dict[str, Any]:
        if self.near:
            error = {"type": MISNAMED, "message": f"{self.name} is not defined; the file defines {self.near}"}
        else:
            error = {"type": NOT_DEFINED, "message": f"{self.name} is not defined"}
        return {"ok": False, "error": {**error, "traceback": ""}}


class BrokenModule:
    """A module whose top level raised: as with a failed `import`, none of its functions count."""

    def __init__(self, error: dict[str, str]) -> None:
        self.error = error

    def result(self) -> dict[str, Any]:
        message = (f"{self.error['message']} (raised while the module was loading: as when `import` fails, "
                   "none of its functions can be used)")
        return {"ok": False, "error": {**self.error, "message": message}}


def _run_cells(cells: list[str], tolerant: bool, cell_seconds: int, wall_factor: float, work: Path
               ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Runs a submission's cells in one module namespace, as a notebook kernel or `import` would.

    A notebook's failing cell is recorded and the next cells still run, so an error in an exploration
    cell does not hide definitions after it; a cell that runs past `cell_seconds` of CPU time (or
    `wall_factor` times that in wall-clock time) is stopped. A module stops at its first error, as
    `import` does. The errors are written to `work/load_errors.json` once every cell ran.
    """
    module = types.ModuleType("submission")
    module.__file__ = str(Path.cwd() / "submission.py")
    sys.modules["submission"] = module
    errors = []
    for index, source in enumerate(cells):
        label = f"cell {index + 1}" if tolerant else "module"
        try:
            code = compile(source, f"<{label}>", "exec")
            with cell_alarm(cell_seconds if tolerant else 0, wall_factor):
                exec(code, module.__dict__)  # noqa: S102 - running learner code is the point
        except BaseException as error:  # noqa: BLE001
            errors.append({"where": label, **describe(error)})
            if not tolerant:
                break
    plain.dump(errors, work / LOAD_ERRORS)
    return module.__dict__, errors


def _run_case(exercise: types.ModuleType, function: Any, case: Case, result_path: Path) -> None:
    if isinstance(function, (BrokenModule, MissingFunction)):
        result = function.result()
    else:
        result = _call(lambda: exercise.run(function, case))
    _write_result(result, result_path)


def _call(answer: Any) -> dict[str, Any]:
    """`answer()` as a result, under Keras' seed 0: its data, or the error it raised."""
    import keras

    keras.utils.set_random_seed(0)
    try:
        return {"ok": True, "data": answer()}
    except BaseException as error:  # noqa: BLE001 - a learner's error is a result
        return {"ok": False, "error": describe(error)}


def _write_result(result: dict[str, Any], result_path: Path) -> None:
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
