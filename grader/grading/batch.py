"""`grader batch DIR --out OUT`: grade a whole class, resumably, locally or on a Dask cluster.

Each submission's results are written atomically to OUT as soon as they are known, so a batch killed
at any point (even with SIGKILL) loses nothing finished, and the same command grades only what is
missing. Reference results are computed once per batch; TensorFlow is imported once per worker.

A submission's results are named after the whole file name, suffix kept (`OUT/ada.py.json`, and
`OUT/<student>/<assignment>/<notebook>.ipynb.json` for nbgrader's `submitted/` layout): `ada.py` and
`ada.ipynb` are two learners, each with a result of its own. A results file a batch wrote under the old
naming (`OUT/ada.json`, `OUT/<student>/<notebook>.json`) is moved to the new name when it holds this
very submission (same file name and content), so a rerun grades it no more than it did.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from grader.core import pictures
from grader.core.escape import visible
from grader.core.results import Report
from grader.core.submission import SUFFIXES, Submission, SubmissionError, UnloadableSubmission, load, name
from grader.grading.grade import grade_all, unloadable
from grader.grading.settings import Settings
from grader.output.report import gradescope
from grader.runner.jobs import Runner
from grader.runner.portable import start_worker


@dataclass
class Entry:
    """One submission of the batch and where its results go."""

    path: Path
    out: Path  # OUT/<name>.json (grader.core.submission.name)
    legacy: Path | None = None  # where batches before unique names wrote it: OUT/<stem>.json...

    def digest(self) -> str:
        with open(self.path, "rb") as handle:  # streamed: a huge file costs no memory
            return hashlib.file_digest(handle, "sha256").hexdigest()

    def done(self) -> bool:
        """True when a results file exists for this very submission (same content). One written under the
        old naming for this very submission (same file name too) is first moved, with its page, to its name."""
        if self._holds_this(self.out):
            return True
        if self.legacy is None or not self._holds_this(self.legacy, same_name=True):
            return False
        page = self.legacy.with_suffix(".html")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if page.is_file():
            os.replace(page, self.out.with_suffix(".html"))
        os.replace(self.legacy, self.out)
        return True

    def has_result(self) -> bool:
        try:
            return self.out.is_file()
        except OSError:  # say, a name too long for the results' file system
            return False

    def _holds_this(self, results: Path, same_name: bool = False) -> bool:
        try:
            extra = json.loads(results.read_text()).get("extra_data", {})
            named = Path(extra.get("submission", "")).name in (self.path.name, visible(self.path.name))
            return (named or not same_name) and extra.get("submission_sha256") == self.digest()
        except (OSError, ValueError, AttributeError, TypeError):
            return False


def discover(directory: Path, out: Path) -> list[Entry]:
    """Every `.py` and `.ipynb` in `directory`, plus nbgrader's `submitted/<student>/<assignment>/`."""
    directory = Path(directory)
    submitted = directory if directory.name == "submitted" else directory / "submitted"
    entries = []
    if submitted.is_dir():
        for path in sorted(submitted.glob("*/*/*.ipynb")):
            entries.append(Entry(path, out / f"{name(path, nbgrader=True)}.json",
                                 out / path.parent.parent.name / f"{path.stem}.json"))
    if directory != submitted:
        for path in sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file()):
            entries.append(Entry(path, out / f"{name(path)}.json", out / f"{path.stem}.json"))
    return entries


class Progress:
    """A one-line progress bar with the rate and the time left, redrawn on a terminal."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.started = time.monotonic()
        self.tty = stream.isatty()

    def step(self, count: int = 1) -> None:
        self.done += count
        if self.tty or self.done == self.total or self.done % 10 == 0:
            self.draw()

    def line(self, text: str) -> None:
        """A message on its own line (learner text in it shown `visible`), the bar redrawn under it."""
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(visible(text, one_line=True) + "\n")
        self.draw()

    def draw(self) -> None:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 and self.done else 0.0
        left = (self.total - self.done) / rate if rate else float("nan")
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        eta = (time.strftime("%H:%M:%S" if left >= 3600 else "%M:%S", time.gmtime(left)) if left == left
               else "--:--")  # past a day, the hours wrap: no class takes that long on a working cluster
        text = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"{rate * 60:.1f}/min, {eta} left")
        self.stream.write(("\r\033[K" + text) if self.tty else text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def write_result(entry: Entry, report: Report, html: bool = False, show_hidden: str = "full") -> None:
    """The Gradescope-shaped results (and the feedback page), with the submission's digest so that a
    rerun knows it is done. The results file is written last: it marks the submission as graded.

    The results file is the instructor's and keeps every detail; the feedback page is the learner's and
    shows hidden cases as `show_hidden` says (grader.output.visibility).
    """
    from grader.core.plain import write_atomic

    if html:
        from grader.output import html as pages
        from grader.output.visibility import learner_view

        pages.write(learner_view(report, show_hidden), entry.out.with_suffix(".html"))
    results = gradescope(report)
    results["extra_data"] = {"submission_sha256": entry.digest(), "submission": visible(str(entry.path))}
    write_atomic(entry.out, json.dumps(results, indent=2).encode())


def grade_locally(todo: list[tuple[Entry, Submission]], settings: Settings,
                  on_report: Callable[[Entry, Report], None], worker: Runner) -> None:
    """Grades on `worker`, a warm worker running `settings.parallel` children at a time."""
    grade_all([submission for _, submission in todo], settings, worker,
              on_report=lambda index, report: on_report(todo[index][0], report))


def _say_failure(entry: Entry, report: Report, progress: Progress) -> None:
    """A line for a submission whose code did not even load (a module-level failure)."""
    if report.load_errors and report.score == 0:
        error = report.load_errors[0]
        progress.line(f"FAILED {entry.path}: {error['where']}: {error['type']}: {error['message'][:120]}")


def run(directory: Path, out: Path, settings: Settings, scheduler: str | None = None,
        stream: TextIO = sys.stderr, html: bool = False, compare: Path | None = None,
        show_hidden: str = "full") -> int:
    """Grades every submission in `directory` not yet graded into `out`; writes the class summary.

    Args:
        compare: a previous batch's output folder: every learner whose score changed since is listed
            (on `stream` and in OUT/regrade.csv) and the summary says how many moved up and down.
        show_hidden: what the learners' feedback pages (`html`) show of hidden cases (grader.output.visibility).

    Returns:
        0 when every submission has a result, 1 otherwise.
    """
    from grader.output import summary

    out = Path(out)
    if compare is not None and Path(compare).resolve() == out.resolve():
        print("grader: --compare needs the previous results in another folder than --out (a regrade writes "
              "a new folder)", file=stream)
        return 1
    entries = discover(directory, out)
    if not entries:
        print(f"grader: no .py or .ipynb submissions in {directory}", file=stream)
        return 1
    pending = [entry for entry in entries if not entry.done()]
    print(f"{len(entries)} submissions, {len(entries) - len(pending)} already graded, {len(pending)} to grade",
          file=stream)
    progress = Progress(len(pending), stream)
    todo = []
    # Unreadable now (say, permissions), or its result could not be written (say, a name too long for
    # the results' file system): no result, so a rerun tries again; the others are graded all the same.
    refused: dict[Path, str] = {}

    def written(entry: Entry, report: Report, unloadable_why: str = "") -> None:
        # Locally and on a cluster alike: the result file, the line for code that did not load, the bar.
        try:
            write_result(entry, report, html, show_hidden)
        except Exception as error:  # noqa: BLE001 - one learner's result must not stop the batch
            refused[entry.path] = f"its result could not be written: {type(error).__name__}: {error}"
        else:
            if unloadable_why:
                progress.line(f"FAILED {entry.path}: {unloadable_why}")
            else:
                _say_failure(entry, report, progress)
        progress.step()

    # The worker imports TensorFlow (2-3 s) while the submissions load, and matplotlib (the summary's
    # picture) imports on a thread while learners' code runs: otherwise each is a serial cost of the batch.
    worker = start_worker(settings.parallel, settings.limits, hide=(settings.cache_dir, settings.reference_path)
                          ) if pending and not scheduler else None
    pictures.import_in_background()
    try:
        for entry in pending:
            try:
                todo.append((entry, load(entry.path)))
            except UnloadableSubmission as error:  # nothing to run: it scores 0, saying why
                written(entry, unloadable(entry.path, str(error), settings), str(error))
            except SubmissionError as error:
                refused[entry.path] = str(error)
                progress.step()
        if todo and scheduler:
            from grader.grading.cluster import grade_on_cluster

            grade_on_cluster(todo, settings, scheduler, written, progress.line)
        elif todo:
            grade_locally(todo, settings, written, worker)
    finally:
        if worker is not None:
            worker.close()
    progress.close()
    missing = [entry for entry in entries if not entry.has_result()]
    for entry in missing:
        print(visible(f"FAILED {entry.path}: {refused.get(entry.path, 'no result was written')}", one_line=True),
              file=stream)
    moved = ""
    if compare is not None:
        from grader.grading import regrade

        comparison = regrade.compare(Path(compare), out)
        print(regrade.text(comparison), file=stream)
        regrade.write_csv(comparison, out / "regrade.csv")
        moved = comparison.sentence()
    pages = summary.write(entries, out, moved)
    print(f"class summary: {', '.join(str(p) for p in pages)}", file=stream)
    return 0 if not missing else 1
