"""Generated, committed files match their single source of truth."""

from __future__ import annotations

import json

from grader import exercises
from grader.authoring import generate
from grader.authoring.expected import public_cases
from grader.grading.cache import SHIPPED_VERSIONS, shipped
from grader.grading.references import reference_results
from grader.grading.settings import DEFAULT_REFERENCE
from grader.platforms import distribution


def test_committed_learner_files_are_up_to_date() -> None:
    for path, text in generate.outputs().items():
        assert path.read_text() == text, f"{path.name} is stale: run `python -m grader.build`"


def test_stubs_hold_no_solution_code() -> None:
    stubs = generate.STUBS.read_text()
    assert "### BEGIN SOLUTION" not in stubs
    assert "model.fit(" not in stubs and "GradientTape()" not in stubs


def test_shipped_public_expectations_match_the_reference_solutions() -> None:
    cases = public_cases()
    fresh = reference_results(cases, DEFAULT_REFERENCE)
    for case, answer in zip(cases, fresh):
        stored = shipped(case)
        assert stored is not None, f"{case.test_name}: not shipped; run `grader expected`"
        exercises.get(case.exercise).check(case, answer, stored)  # the reference passes against what ships


def _fields(result: dict, declared: list[str]) -> set[str]:
    """The field paths of a shipped result, followed as deep as `declared` paths go."""
    found = set()
    for key, value in result.items():
        inner = [path.split("/", 1)[1] for path in declared if path.startswith(f"{key}/")]
        found |= {f"{key}/{path}" for path in _fields(value, inner)} if inner and isinstance(value, dict) else {key}
    return found


def test_every_shipped_expected_field_is_one_the_check_needs() -> None:
    """grader/expected/ (in the package and the learner bundle) holds, of each public case's reference
    result, only the fields its exercise's check reads, each declared with why (`SHIPPED`): a field
    that appears undeclared fails here. The sixth exercise's model description, its answer, never ships."""
    reasons = set()
    for case in public_cases():
        declared = exercises.get(case.exercise).SHIPPED
        assert _fields(shipped(case), list(declared)) == set(declared), case.test_name
        reasons |= {(case.exercise, path, why) for path, why in declared.items()}
    for exercise, path, why in sorted(reasons):
        print(f"{exercise}: {path}: {why}")
        assert len(why.split()) >= 5, f"{exercise}: {path} ships without a reason"
    assert {path for exercise, path, _ in reasons if exercise == "trainable_deep_model"} == {"trusted/curves"}


def test_the_shipped_results_say_they_come_from_the_pinned_tensorflow() -> None:
    pinned = [line.split(";")[0].split("==")[1] for line in distribution.requirements()
              if line.startswith("tensorflow")]
    assert json.loads(SHIPPED_VERSIONS.read_text())["TensorFlow"] in pinned, "run `grader expected`"
