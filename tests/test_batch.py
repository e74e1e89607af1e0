"""`grader batch`: same results as `grader grade`, resumable after SIGKILL, unmoved by a hostile
submission, and the same on a real Dask cluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import exercises
from grader.grading import Settings, grade_all
from grader.submission import load

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions" / "optimization.py"
ATTEMPT = REPO / "grader" / "examples" / "sample_attempt.py"
STUBS = REPO / "exercises" / "optimization.py"
HOSTILE = """
import os, signal
os.kill(os.getppid(), signal.SIGKILL)  # try to kill whoever runs us
with open(os.path.expanduser("~/forged.json"), "w") as f:
    f.write('{"score": 10}')
raise SystemExit(0)
"""


def grader(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=900, **kwargs)


def make_class(folder: Path, size: int) -> Path:
    """A class of `size` submissions cycling through right, half-right, blank and hostile code."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [SOLUTIONS.read_text(), ATTEMPT.read_text(), STUBS.read_text(), HOSTILE]
    for index in range(size):
        (folder / f"learner_{index:02d}.py").write_text(sources[index % len(sources)])
    return folder


def scores(out: Path) -> dict[str, list[float]]:
    """Each result's case scores, by submission name (OUT/<name>.json)."""
    return {path.name.removesuffix(".json"): [t["score"] for t in json.loads(path.read_text())["tests"]]
            for path in sorted(out.glob("*.json"))}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> tuple[Path, Path]:
    folder = make_class(tmp_path_factory.mktemp("class") / "submissions", 4)
    out = folder.parent / "results"
    run = grader("batch", str(folder), "--out", str(out), "--cache", str(cache_dir), "--html")
    assert run.returncode == 0, run.stderr
    return folder, out


def test_each_result_equals_grader_grade(graded_class: tuple[Path, Path], cache_dir: Path) -> None:
    folder, out = graded_class
    paths = sorted(folder.glob("*.py"))
    direct = grade_all([load(p) for p in paths], Settings(cache_dir=cache_dir))
    for path, report in zip(paths, direct):
        stored = json.loads((out / f"{path.name}.json").read_text())
        assert stored["score"] == pytest.approx(report.score)
        assert [t["score"] for t in stored["tests"]] == pytest.approx(
            [c.score for e in report.exercises for c in e.cases])


def test_the_hostile_submission_scores_zero_and_the_others_are_unharmed(graded_class: tuple[Path, Path]) -> None:
    _, out = graded_class
    totals = {name: sum(cases) for name, cases in scores(out).items()}
    # the sample attempt is half-right (its exact score is grader grade's: test_each_result_equals_grader_grade)
    assert 0 < totals.pop("learner_01.py") < exercises.total_points()
    assert totals == pytest.approx({"learner_00.py": exercises.total_points(), "learner_02.py": 0.0,
                                    "learner_03.py": 0.0})
    assert not (Path.home() / "forged.json").exists()


def test_the_summary_has_a_row_per_submission_and_pictures(graded_class: tuple[Path, Path]) -> None:
    _, out = graded_class
    rows = (out / "summary.csv").read_text().splitlines()
    assert rows[0].startswith("submission,total,compile_with_sgd") and len(rows) == 5
    assert (out / "summary.html").read_text().count("data:image/png;base64,") == 1
    assert len(list(out.glob("learner_*.html"))) == 4


def test_a_batch_killed_with_sigkill_resumes_grading_only_what_is_missing(tmp_path: Path, cache_dir: Path) -> None:
    folder = make_class(tmp_path / "submissions", 8)
    out = tmp_path / "results"
    command = [sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--cache", str(cache_dir)]
    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    deadline = time.monotonic() + 600
    while len(list(out.glob("*.json"))) < 2 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    before = {path.name: path.stat().st_mtime_ns for path in out.glob("*.json")}
    assert 2 <= len(before) < 8
    for path in out.glob("*.json"):
        json.loads(path.read_text())  # no half-written file
    again = grader("batch", str(folder), "--out", str(out), "--cache", str(cache_dir))
    assert again.returncode == 0, again.stderr
    assert f"{len(before)} already graded, {8 - len(before)} to grade" in again.stderr
    after = {path.name: path.stat().st_mtime_ns for path in out.glob("learner_*.json")}
    assert len(after) == 8
    assert all(after[name] == mtime for name, mtime in before.items()), "a finished result was graded again"


class Cluster:
    """A real Dask scheduler and `workers` workers (one thread each, no nanny: a killed one stays dead)."""

    def __init__(self, tmp_path: Path, workers: int, port: int = 0) -> None:
        self.bin_dir = Path(sys.executable).parent
        self.env = dict(os.environ, PATH=f"{self.bin_dir}:{os.environ['PATH']}")
        scheduler_file = tmp_path / f"scheduler-{time.monotonic_ns()}.json"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
                                     "--scheduler-file", str(scheduler_file))
        self.workers: list[subprocess.Popen] = []
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(workers):
            self.workers.append(self._start("worker", self.address, "--nthreads", "1", "--no-nanny",
                                            "--no-dashboard", "--host", "127.0.0.1"))

    def _start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([str(self.bin_dir / "dask"), *args], env=self.env, cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_batch(folder: Path, out: Path, cache_dir: Path, address: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--cache",
                             str(cache_dir), "--scheduler", address], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_results(out: Path, count: int, batch: subprocess.Popen) -> None:
    deadline = time.monotonic() + 600
    while len(list(out.glob("learner_*.json"))) < count and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.1)
    assert len(list(out.glob("learner_*.json"))) >= count, batch.communicate()


def test_a_dask_cluster_gives_the_same_results(graded_class: tuple[Path, Path], tmp_path: Path,
                                               cache_dir: Path) -> None:
    folder, local = graded_class
    cluster = Cluster(tmp_path, 2)
    try:
        out = tmp_path / "results"
        run = grader("batch", str(folder), "--out", str(out), "--cache", str(cache_dir), "--scheduler",
                     cluster.address)
        assert run.returncode == 0, run.stderr
        assert scores(out) == scores(local)
    finally:
        cluster.close()


def test_a_dask_worker_killed_mid_batch_loses_no_result(graded_class: tuple[Path, Path], tmp_path: Path,
                                                        cache_dir: Path) -> None:
    local = scores(graded_class[1])
    folder = make_class(tmp_path / "submissions", 6)
    out = tmp_path / "results"
    cluster = Cluster(tmp_path, 2)
    try:
        batch = start_batch(folder, out, cache_dir, cluster.address)
        wait_for_results(out, 1, batch)  # both workers are now grading a submission each
        cluster.workers[0].kill()
        _, stderr = batch.communicate(timeout=900)
        assert batch.returncode == 0, stderr
        failed = [line for line in stderr.splitlines() if line.startswith("FAILED")]
        assert all("learner_03.py: module: " in line for line in failed), stderr  # the hostile one, alone
        got = scores(out)
        assert len(got) == 6 and all(got[f"learner_{i:02d}.py"] == local[f"learner_{i % 4:02d}.py"]
                                     for i in range(6))
    finally:
        cluster.close()


def test_a_batch_whose_dask_scheduler_went_away_is_resumed_by_the_same_command(
        graded_class: tuple[Path, Path], tmp_path: Path, cache_dir: Path) -> None:
    local = scores(graded_class[1])
    folder = make_class(tmp_path / "submissions", 6)
    out = tmp_path / "results"
    cluster = Cluster(tmp_path, 1)
    try:
        batch = start_batch(folder, out, cache_dir, cluster.address)
        wait_for_results(out, 1, batch)
        cluster.scheduler.kill()
        _, stderr = batch.communicate(timeout=300)
        assert batch.returncode == 1
        assert "went away" in stderr and "run the same command again" in stderr
    finally:
        cluster.close()
    before = {path.name: path.stat().st_mtime_ns for path in out.glob("learner_*.json")}
    assert 1 <= len(before) < 6
    port = cluster.address.rsplit(":", 1)[1]
    cluster = Cluster(tmp_path, 1, port=int(port))
    try:
        again = start_batch(folder, out, cache_dir, cluster.address)
        _, stderr = again.communicate(timeout=900)
        assert again.returncode == 0, stderr
        assert f"{len(before)} already graded, {6 - len(before)} to grade" in stderr
    finally:
        cluster.close()
    got = scores(out)
    assert all(got[f"learner_{i:02d}.py"] == local[f"learner_{i % 4:02d}.py"] for i in range(6))
    assert all(out.joinpath(name).stat().st_mtime_ns == mtime for name, mtime in before.items())
