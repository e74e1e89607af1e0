"""`grader batch`: same results as `grader grade`, resumable after SIGKILL, unmoved by a hostile
submission, and the same on a real Dask cluster."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import exercises
from grader.core.submission import load
from grader.grading.grade import grade_all
from grader.grading.settings import Settings

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
    rows = list(csv.reader((out / "summary.csv").open(newline="")))
    assert rows[0][:3] == ["submission", "total", "compile_with_sgd"] and len(rows) == 5
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


# --- What a learner can make the batch and its outputs do (tests/hostile/README.md, "Guarantees") -------------

# A spreadsheet runs this cell when the instructor opens the CSV (OWASP's CSV injection).
FORMULA_NAME = "=2+5+cmd|' -C calc'!A0.py"
# Retitles the terminal, moves the cursor up, erases the line, and writes a line the grader never wrote.
ESCAPES = "\x1b]0;all graded OK\x07\x1b[1A\x1b[2K\r\x9b2Jlearner_00.py: all graded OK\x08"
LOUD = f'''raise RuntimeError({ESCAPES!r} * 3)
'''
NOT_UTF8_NAME = os.fsdecode(b"caf\xe9_\xff.py")  # latin-1 bytes: a zip unpacked by accident
RIGHT_SGD = '''import keras

def compile_with_sgd(model, learning_rate):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model
'''
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_notebook(source: str, output_bytes: int = 0) -> str:
    """`source` as a notebook of one code cell per top-level block, the first cell with a picture of
    `output_bytes` (base64) and printed lines as its outputs: what a learner who left their plots in saves."""
    blocks = [block for block in source.split("\n\n\n") if block.strip()]
    cells = [{"cell_type": "code", "source": block, "metadata": {}, "execution_count": i + 1, "outputs": []}
             for i, block in enumerate(blocks)]
    if output_bytes:
        picture = base64.b64encode(os.urandom(output_bytes * 3 // 4)).decode()
        cells[0]["outputs"] = [
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": picture, "text/plain": ["<Figure>"]}},
            {"output_type": "stream", "name": "stdout", "text": [f"epoch {i}: loss 0.5\n" for i in range(1000)]}]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def control_characters(output: bytes) -> set[str]:
    """The control characters (C0 but newline and tab, DEL, C1) in a stream, by their escape."""
    text = output.decode("utf-8", "surrogateescape")
    return {f"\\x{ord(c):02x}" for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0}


def csv_cells(out: Path) -> dict[str, list[list[str]]]:
    return {path.name: list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
            for path in out.glob("*.csv")}


@pytest.fixture(scope="module")
def hostile_names(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> tuple[Path, Path, bytes]:
    """A class where learners attack the batch itself: two files of one stem, a name that is a formula, a
    name that is not UTF-8, a message full of terminal escapes; and a correct notebook of 25 MiB."""
    folder = tmp_path_factory.mktemp("names") / "submissions"
    folder.mkdir()
    (folder / "victim.py").write_text(SOLUTIONS.read_text())
    (folder / "victim.ipynb").write_text(as_notebook(STUBS.read_text()))
    (folder / "heavy.ipynb").write_text(as_notebook(SOLUTIONS.read_text(), output_bytes=25 * 2**20))
    (folder / FORMULA_NAME).write_text(STUBS.read_text())
    (folder / "loud.py").write_text(LOUD)
    (folder / f"loud{ESCAPES[:12]}.py").write_text(LOUD)
    (folder / NOT_UTF8_NAME).write_text(RIGHT_SGD)
    out = folder.parent / "results"
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--cache",
                          str(cache_dir), "--html"], capture_output=True, cwd=REPO, timeout=1800)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    return folder, out, run.stderr


def test_two_files_of_one_stem_are_two_learners_each_with_its_own_result(
        hostile_names: tuple[Path, Path, bytes], cache_dir: Path) -> None:
    folder, out, _ = hostile_names
    totals = {name: sum(cases) for name, cases in scores(out).items()}
    assert totals["victim.py"] == pytest.approx(exercises.total_points())
    assert totals["victim.ipynb"] == 0
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    names = [row["submission"] for row in rows]
    assert len(names) == len(set(names)) == 7, names  # each submission once
    by_name = {row["submission"]: float(row["total"]) for row in rows}
    assert by_name["victim.py"] == exercises.total_points() and by_name["victim.ipynb"] == 0
    # A rerun grades nothing again and overwrites no one's result.
    before = {path: path.stat().st_mtime_ns for path in out.glob("*.json")}
    again = subprocess.run([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--cache",
                            str(cache_dir), "--html"], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert again.returncode == 0 and "7 already graded, 0 to grade" in again.stderr, again.stderr
    assert {path: path.stat().st_mtime_ns for path in out.glob("*.json")} == before


def test_a_correct_notebook_heavy_with_outputs_gets_full_marks(hostile_names: tuple[Path, Path, bytes]) -> None:
    folder, out, _ = hostile_names
    assert (folder / "heavy.ipynb").stat().st_size > 25 * 2**20
    assert sum(scores(out)["heavy.ipynb"]) == pytest.approx(exercises.total_points())


def test_no_csv_cell_starts_with_a_formula_character(hostile_names: tuple[Path, Path, bytes]) -> None:
    _, out, _ = hostile_names
    cells = csv_cells(out)
    assert {"summary.csv", "mistakes.csv"} <= set(cells)
    for name, rows in cells.items():
        assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)], name
    # The learner is listed, neutralised, not dropped; so are the example learners of their mistake.
    assert ["'" + FORMULA_NAME] in [row[:1] for row in cells["summary.csv"]]
    assert any(row[-1].startswith("'=2+5") for row in cells["mistakes.csv"]), cells["mistakes.csv"]


def test_no_terminal_escape_of_a_learner_reaches_the_instructor(hostile_names: tuple[Path, Path, bytes]) -> None:
    _, _, stderr = hostile_names
    assert not control_characters(stderr)
    failed = [line for line in stderr.decode().splitlines() if line.startswith("FAILED")]
    assert len(failed) == 2 and all(r"\x1b]0;all graded OK\x07\x1b[1A" in line for line in failed), failed


def test_a_name_that_is_not_utf8_is_graded_and_shown_escaped(hostile_names: tuple[Path, Path, bytes]) -> None:
    _, out, stderr = hostile_names
    results = json.loads((out / f"{NOT_UTF8_NAME}.json").read_text())
    assert results["score"] == exercises.get("compile_with_sgd").POINTS
    assert results["extra_data"]["submission"].endswith(r"caf\xe9_\xff.py")
    assert "caf\\xe9_\\xff.py" in (out / f"{NOT_UTF8_NAME}.html").read_text(encoding="utf-8")
    assert [r"caf\xe9_\xff.py"] in [row[:1] for row in csv_cells(out)["summary.csv"]]
    assert (out / "summary.html").read_text(encoding="utf-8")


def test_a_result_that_cannot_be_written_costs_only_its_learner(tmp_path: Path, cache_dir: Path) -> None:
    folder, out = tmp_path / "submissions", tmp_path / "results"
    folder.mkdir()
    (folder / "right.py").write_text(RIGHT_SGD)
    longest = "x" * 252 + ".py"  # the longest name a file system takes: its results' name is longer
    (folder / longest).write_text(RIGHT_SGD)
    run = grader("batch", str(folder), "--out", str(out), "--cache", str(cache_dir), "--exercise",
                 "compile_with_sgd", "--html")
    assert run.returncode == 1
    failed = [line for line in run.stderr.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith(
        f"FAILED {folder / longest}: its result could not be written: OSError: [Errno 36] File name too long"), failed
    assert json.loads((out / "right.py.json").read_text())["score"] == exercises.get("compile_with_sgd").POINTS
    assert [row[0] for row in csv.reader((out / "summary.csv").open())] == ["submission", "right.py"]


def test_results_a_batch_wrote_before_names_kept_their_suffix_are_adopted_not_graded_again(
        tmp_path: Path, cache_dir: Path) -> None:
    folder, out = tmp_path / "submissions", tmp_path / "results"
    folder.mkdir()
    (folder / "ada.py").write_text(RIGHT_SGD)
    (folder / "ada.ipynb").write_text(as_notebook(RIGHT_SGD))
    first = grader("batch", str(folder), "--out", str(out), "--cache", str(cache_dir), "--exercise",
                   "compile_with_sgd", "--html")
    assert first.returncode == 0, first.stderr
    # The old naming: OUT/ada.json held whichever of the two was graded last (here the module).
    (out / "ada.py.json").rename(out / "ada.json")
    (out / "ada.py.html").rename(out / "ada.html")
    (out / "ada.ipynb.json").unlink()
    again = grader("batch", str(folder), "--out", str(out), "--cache", str(cache_dir), "--exercise",
                   "compile_with_sgd", "--html")
    assert again.returncode == 0 and "2 submissions, 1 already graded, 1 to grade" in again.stderr, again.stderr
    assert sorted(path.name for path in out.glob("ada*")) == ["ada.ipynb.html", "ada.ipynb.json", "ada.py.html",
                                                             "ada.py.json"]
