"""What runs in a forked child: a submission's (or the reference's) code, one exercise's cases.

The child reads its job from its own job directory and writes one results file per case there, as plain
data. It holds only the inputs of its cases: no expected value, no reference result, no seed.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import signal
import sys
import traceback
import types
from pathlib import Path
from typing import Any

from grader import exercises, plain
from grader.case import Case

LOAD_ERRORS = "load_errors.json"
OUTPUT = "output.txt"


class CellTimeout(BaseException):
    """A notebook cell ran past its time; the next cells still run."""


def run(job_dir: Path) -> None:
    """Runs the job in `job_dir` and exits the process; never returns."""
    code = 0
    try:
        _isolate(job_dir)
        job = plain.load(job_dir / "job.json")
        _limit_resources(job["limits"])
        function = _load_function(job, job_dir)
        exercise = exercises.get(job["exercise"])
        for index, case_plain in enumerate(job["cases"]):
            _run_case(exercise, function, Case.from_plain(case_plain), job_dir / f"case-{index}.json")
    except BaseException:  # noqa: BLE001 - the child reports everything and exits
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _isolate(job_dir: Path) -> None:
    os.chdir(job_dir / "scratch")
    output = os.open(job_dir / OUTPUT, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process


def _limit_resources(limits: dict[str, int]) -> None:
    memory = limits.get("memory_bytes")
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    output = limits.get("output_bytes")
    if output:
        # Past this size a write fails instead of filling the disk; the grader reads only the head.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    import tensorflow as tf

    # One thread per child: children run side by side, and small models gain nothing from more.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _load_function(job: dict[str, Any], job_dir: Path):
    name = job["exercise"]
    if job["kind"] == "reference":
        spec = importlib.util.spec_from_file_location("reference_solutions", job["reference_path"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return getattr(module, name)
    namespace = run_cells(job["cells"], job["tolerant"], job["limits"].get("cell_seconds", 0), job_dir)
    return namespace.get(name)


def run_cells(cells: list[str], tolerant: bool, cell_seconds: int, job_dir: Path) -> dict[str, Any]:
    """Runs a submission's cells in one module namespace, as a notebook kernel or `import` would.

    A notebook's failing cell is recorded and the next cells still run, so an error in an exploration
    cell does not hide definitions after it. A module stops at its first error, as `import` does.
    """
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
    plain.dump(errors, job_dir / LOAD_ERRORS)
    return module.__dict__


class _cell_alarm:
    def __init__(self, seconds: int) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        if self.seconds:
            signal.signal(signal.SIGALRM, self._expire)
            signal.alarm(self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.seconds:
            signal.alarm(0)

    def _expire(self, *_: object) -> None:
        raise CellTimeout(f"this cell ran longer than {self.seconds} s and was stopped")


def _run_case(exercise: types.ModuleType, function: Any, case: Case, result_path: Path) -> None:
    import keras

    if function is None:
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
