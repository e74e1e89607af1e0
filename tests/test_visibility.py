"""What learners see of hidden cases, for each choice, on text, HTML, nbgrader feedback and results.json.

A hidden case's data are its title (which carries its drawn parameters: learning rates, depths) and its
message (which carries the expected values). They must appear exactly where the choice allows: all of
them with `full`, none with `verdict` or `score`; `verdict` keeps each hidden case's verdict and hint,
`score` only the points.
"""

from __future__ import annotations

import html as escaping
import json
from pathlib import Path

import nbformat
import pytest

from grader.core.results import Report
from grader.grading.grade import grade
from grader.grading.settings import Settings
from grader.output import html, report, visibility
from grader.platforms import nbgrader_plugin

REPO = Path(__file__).resolve().parent.parent
ATTEMPT = REPO / "grader" / "examples" / "sample_attempt.py"
SOURCE_NOTEBOOK = REPO / "source" / "optimization" / "optimization.ipynb"
# The sample attempt fails hidden cases of both: one model for every rate; a unit alive on one row is dead.
ONLY = ("compare_learning_rates", "dead_neuron_mask")


@pytest.fixture(scope="module")
def graded(cache_dir: Path) -> Report:
    from grader.core.submission import load

    return grade(load(ATTEMPT), Settings(cache_dir=cache_dir, only=ONLY))


def hidden_data(graded: Report) -> list[str]:
    """Each hidden case's title, and the message of each hidden case that failed."""
    hidden = [case for exercise in graded.exercises for case in exercise.cases if not case.case.public]
    return [flat(case.case.title) for case in hidden] + [flat(case.message) for case in hidden if not case.passed]


def hidden_hints(graded: Report) -> list[str]:
    return [flat(case.hint) for e in graded.exercises for case in e.cases if not case.case.public and not case.passed]


def nbgrader_feedback(graded: Report, show: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The outputs the nbgrader preprocessor writes into the test cells, configured with `show`."""
    monkeypatch.setattr(nbgrader_plugin, "grade", lambda submission, settings: graded)
    nb = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    done, _ = nbgrader_plugin.GradeOutsideKernel(show_hidden=show).preprocess(nb, {})
    return "\n".join(output.get("text", "") for cell in done.cells if nbgrader_plugin.graded_exercise(cell)
                     for output in cell.outputs)


def outputs(graded: Report, show: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What learners read in each form, as plain text with its line wrapping undone."""
    view = visibility.learner_view(graded, show)
    results = report.gradescope(view)
    gradescope = " ".join([results["output"], *(f"{t['name']} {t['output']}" for t in results["tests"])])
    return {"text": flat(report.text(view)), "html": flat(escaping.unescape(html.page(view))),
            "nbgrader": flat(nbgrader_feedback(graded, show, monkeypatch)), "results.json": flat(gradescope)}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_sample_attempt_fails_hidden_cases_whose_data_are_worth_hiding(graded: Report) -> None:
    assert len(hidden_hints(graded)) >= 2
    assert any("expected" in text for text in hidden_data(graded))


def test_full_shows_every_hidden_title_message_and_hint(graded: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    for where, shown in outputs(graded, "full", monkeypatch).items():
        for text in hidden_data(graded) + hidden_hints(graded):
            assert text in shown, (where, text)


def test_verdict_shows_verdicts_and_hints_but_no_hidden_data(graded: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    for where, shown in outputs(graded, "verdict", monkeypatch).items():
        for text in hidden_data(graded):
            assert text not in shown, (where, text)
        assert "hidden case 1" in shown and visibility.WITHHELD in shown, where
        # A hint keeps its words; only the case's own numbers are blanked.
        for hint in hidden_hints(graded):
            words = hint.split(":")[0].split("[")[0]
            assert words in shown, (where, hint)
    tests = report.gradescope(visibility.learner_view(graded, "verdict"))["tests"]
    assert {t["visibility"] for t in tests} == {"visible"}


def test_score_shows_only_the_points_of_hidden_cases(graded: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = outputs(graded, "score", monkeypatch)
    for where, page in shown.items():
        for text in hidden_data(graded):
            assert text not in page, (where, text)
    for where in ("text", "html", "nbgrader"):
        assert "hidden case 1" not in shown[where] and "hidden cases" in shown[where].lower()
        for hint in hidden_hints(graded):
            if not any(hint == c.hint for e in graded.exercises for c in e.cases if c.case.public and not c.passed):
                assert hint not in shown[where], (where, hint)
    # Gradescope keeps the hidden tests (the total counts them) but shows them only once grades are published.
    results = report.gradescope(visibility.learner_view(graded, "score"))
    hidden = [t for t in results["tests"] if "hidden case" in t["name"]]
    assert hidden and {t["visibility"] for t in hidden} == {"after_published"}
    assert results["score"] == pytest.approx(graded.score)


def test_the_instructors_results_keep_everything(graded: Report, tmp_path: Path) -> None:
    from grader.grading.batch import Entry, write_result

    entry = Entry(ATTEMPT, tmp_path / "attempt.py.json")
    write_result(entry, graded, html=True, show_hidden="score")
    kept = entry.out.read_text()
    page = entry.out.with_suffix(".html").read_text()
    for text in hidden_data(graded):
        assert json.dumps(text)[1:-1] in kept
        assert text not in page


def test_the_choice_is_declared_once_for_the_cli_nbgrader_and_gradescope(graded: Report, tmp_path: Path,
                                                                           cache_dir: Path) -> None:
    import subprocess
    import sys
    import zipfile

    from grader.cli import build_parser
    from grader.platforms import gradescope

    [grade_choice] = [a for a in build_parser()._subparsers._group_actions[0].choices["grade"]._actions
                      if a.dest == "show_hidden"]
    trait = nbgrader_plugin.GradeOutsideKernel.class_traits()["show_hidden"]
    assert tuple(grade_choice.choices) == tuple(trait.values) == visibility.CHOICES
    assert grade_choice.help == trait.help == visibility.HELP
    with zipfile.ZipFile(gradescope.build(tmp_path / "autograder.zip", seed=0, show_hidden="verdict")) as zipped:
        assert '--show-hidden "${GRADER_SHOW_HIDDEN:-verdict}"' in zipped.read("run_autograder").decode()

    # `grader grade --show-hidden verdict`: the printed report, --json and --html all conceal the data.
    out = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-m", "grader", "grade", str(ATTEMPT), "--cache", str(cache_dir),
                          "--show-hidden", "verdict", "--json", str(out), "--html", str(tmp_path / "page.html"),
                          *(f"--exercise={name}" for name in ONLY)], capture_output=True, text=True, timeout=600,
                         cwd=REPO)
    assert run.returncode == 0, run.stderr
    written = [flat(run.stdout), flat(out.read_text()), flat(escaping.unescape((tmp_path / "page.html").read_text()))]
    for text in hidden_data(graded):
        assert all(text not in shown for shown in written), text
    assert all("hidden case 1" in shown for shown in written)
