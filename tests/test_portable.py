"""Learners' checks where the Linux sandbox cannot run (macOS, Windows): the portable runner.

The Linux-only calls are taken away from Python itself (a `sitecustomize` on PYTHONPATH, which the
grader and every process it starts load), so that nothing can quietly depend on them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.core.limits import Limits
from grader.runner import clocks, isolation, portable
from grader.runner.jobs import WorkerError

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "grader" / "examples" / "sample_attempt.py"
NOTICE = "which this Python lacks"
# What macOS and Windows lack, taken away: fork, CPU affinity, pidfds, user ids, waitid/wait4,
# `resource`, prctl (and mount) through the C library. PATH is emptied too, so bubblewrap is not found.
WITHOUT_LINUX = '''
import ctypes
import os
import sys

for name in ("fork", "forkpty", "sched_getaffinity", "sched_setaffinity", "pidfd_open", "setresuid",
             "setresgid", "waitid", "wait4"):
    if hasattr(os, name):
        delattr(os, name)
sys.modules["resource"] = None  # `import resource` raises ImportError


class CDLLWithoutPrctl(ctypes.CDLL):
    def __getattr__(self, name):
        if name in ("prctl", "mount", "umount2"):
            raise AttributeError(name)
        return super().__getattr__(name)


ctypes.CDLL = CDLLWithoutPrctl
'''
RIGHT = '''import keras

def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
'''
WRONG = RIGHT.replace("SGD(learning_rate=learning_rate)", "Adam(learning_rate=learning_rate)")


@pytest.fixture
def without_linux(tmp_path: Path) -> dict[str, str]:
    """An environment whose Python has none of the Linux-only calls the Linux worker makes."""
    site = tmp_path / "without-linux"
    site.mkdir()
    (site / "sitecustomize.py").write_text(WITHOUT_LINUX)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    return {**os.environ, "PYTHONPATH": str(site), "PATH": str(empty)}


def grader(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=900)


def test_the_environment_really_lacks_the_linux_only_calls(without_linux: dict[str, str]) -> None:
    probe = ("import os, shutil\nfrom grader.runner import portable\n"
             "print(hasattr(os, 'fork'), hasattr(os, 'sched_getaffinity'), shutil.which('bwrap'))\n"
             "print(portable.linux_worker_missing())\n"
             "import resource\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=without_linux,
                         cwd=REPO, timeout=120)
    first, second = run.stdout.splitlines()[:2]
    assert first == "False False None"
    assert "os.fork" in second and "resource" in second and "prctl" in second
    assert "ModuleNotFoundError: import of resource halted" in run.stderr


def test_check_without_the_linux_only_calls_gives_the_normal_runners_verdicts(tmp_path: Path,
                                                                                without_linux: dict[str, str]
                                                                                ) -> None:
    mixed = tmp_path / "mixed.py"  # the sample's typical mistakes, one exercise put right
    mixed.write_text(SAMPLE.read_text() + "\n\n" + RIGHT)
    normal = grader("check", str(mixed))
    portable_run = grader("check", str(mixed), env=without_linux)
    assert normal.returncode == portable_run.returncode == 0, portable_run.stderr
    assert NOTICE not in normal.stderr
    assert portable_run.stderr.count(NOTICE) == 1, portable_run.stderr  # said once, for every exercise
    assert "FAIL" in normal.stdout and "  ok" in normal.stdout, normal.stdout
    assert portable_run.stdout == normal.stdout


def test_check_in_a_script_without_the_linux_only_calls(tmp_path: Path, without_linux: dict[str, str]) -> None:
    script = tmp_path / "attempt.py"
    script.write_text(WRONG + "\nfrom grader import check\nprint('POINTS', check('compile_with_sgd'))\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=tmp_path,
                         env=without_linux)
    assert run.returncode == 0, run.stderr
    assert "your optimizer is Adam" in run.stdout
    assert "POINTS 0.0" in run.stdout
    assert "| POINTS None" in run.stdout  # what the script printed in the child: check() did not recurse
    assert run.stderr.count(NOTICE) == 1


def test_the_portable_runner_stops_a_loop_at_its_time_limit_and_caps_output(tmp_path: Path,
                                                                             without_linux: dict[str, str]) -> None:
    module = tmp_path / "loops.py"
    module.write_text("import os\nprint('fork available:', hasattr(os, 'fork'))\nprint('x' * 300_000)\n"
                      "def compile_with_sgd(model, learning_rate):\n    while True:\n        pass\n")
    started = time.monotonic()
    run = grader("check", str(module), "--exercise", "compile_with_sgd", "--time-scale", "0.3",
                 "--output-limit", "0.1", env=without_linux)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    assert "no answer within 6 s, the time limit of compile_with_sgd" in run.stdout, run.stdout
    assert "fork available: False" in run.stdout  # the child lacked the Linux-only calls too
    assert "output is capped at 104857 bytes per exercise" in run.stdout
    assert elapsed < 300, elapsed  # stopped, not left to loop (the bound allows for a loaded machine)


def test_the_portable_runner_stops_code_that_waits_when_its_cpu_clock_stands_still(tmp_path: Path,
                                                                                 without_linux: dict[str, str]
                                                                                 ) -> None:
    module = tmp_path / "sleeps.py"
    module.write_text("def compile_with_sgd(model, learning_rate):\n    import time\n    time.sleep(10**6)\n")
    started = time.monotonic()
    run = grader("check", str(module), "--exercise", "compile_with_sgd", "--idle-seconds", "3", env=without_linux)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    said = "stopped as waiting while compile_with_sgd was running: it used no CPU time for 3 s"
    assert said in run.stdout, run.stdout
    # long before the wall-clock backstop, 5 x 20 s (the bound allows for a loaded machine's start)
    assert elapsed < 90, elapsed


def test_without_sigalrm_a_cell_past_its_time_is_stopped_by_a_timer() -> None:
    """Windows has no SIGALRM: a timer thread interrupts the cell, and Ctrl-C's handler comes back."""
    before = signal.getsignal(signal.SIGINT)
    started = time.monotonic()
    with pytest.raises(clocks.CellTimeout, match="longer than 1 s"), clocks.cell_alarm(1, use_alarm=False):
        while True:
            pass
    assert time.monotonic() - started < 30
    assert signal.getsignal(signal.SIGINT) is before
    with clocks.cell_alarm(5, use_alarm=False):  # a cell that ends in time is not interrupted later
        pass
    time.sleep(0.1)
    assert signal.getsignal(signal.SIGINT) is before


def test_the_runner_is_chosen_by_what_the_platform_has(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(portable, "linux_worker_missing", lambda: "the Linux sandbox needs Linux, and this is Darwin")
    monkeypatch.setattr(isolation, "_warned", set())
    for _ in range(2):  # a learner's check of their own code
        with portable.start_worker(1, Limits(sandbox="auto"), fallback=True) as worker:
            assert isinstance(worker, portable.PortableWorker)
    assert capsys.readouterr().err.count("this is Darwin") == 1
    with pytest.raises(WorkerError, match="grading others' code needs it"):  # grading: never without asking
        portable.start_worker(1, Limits(sandbox="auto"))
    with pytest.raises(WorkerError, match="required but cannot run: the Linux sandbox needs Linux"):
        portable.start_worker(1, Limits(sandbox="bwrap"))
    monkeypatch.setattr(portable, "linux_worker_missing", lambda: "")
    with portable.start_worker(1, Limits(sandbox="portable")) as worker:
        assert isinstance(worker, portable.PortableWorker)


def test_grading_without_the_linux_sandbox_is_refused_unless_asked_for(without_linux: dict[str, str]) -> None:
    refused = grader("grade", str(SAMPLE), "--seed", "1", env=without_linux)  # a seed: no default-seed warning
    assert refused.returncode == 1 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1 and "--sandbox portable" in refused.stderr, refused.stderr
