"""The exercise contract (grader/exercises/contract.py): every exercise keeps it, and a module that breaks
it is refused with an error that names the module and what it lacks."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from grader import exercises
from grader.exercises.contract import Exercise, ExerciseContractError, Plotted, Trusted, validate

REPO = Path(__file__).resolve().parent.parent


def fake(name: str = "fake_exercise", **overrides: Any) -> types.ModuleType:
    """A module that keeps the plain contract, changed by `overrides` (None removes an attribute)."""
    module = types.ModuleType(f"grader.exercises.{name}")
    members = {"NAME": name, "POINTS": 2.0, "SECONDS": 20.0, "COST": 1.0, "SHIPPED": {"answer": "why"}, "MISTAKES": {},
               "cases": lambda seed: [], "run": lambda function, case: None,
               "check": lambda case, got, expected: None, **overrides}
    for key, value in members.items():
        if value is not None:
            setattr(module, key, value)
    return module


def refusal(module: types.ModuleType) -> ExerciseContractError:
    with pytest.raises(ExerciseContractError) as refused:
        validate(module, "fake_exercise")
    assert str(refused.value).startswith("grader.exercises.fake_exercise breaks the exercise contract")
    return refused.value


def test_every_exercise_keeps_the_contract_with_its_variants() -> None:
    kinds = {}
    for name in exercises.NAMES:
        module = validate(exercises.get(name), name)
        assert isinstance(module, Exercise)
        kinds[name] = (isinstance(module, Plotted), isinstance(module, Trusted))
    assert kinds == {name: (name != "compile_with_sgd", name == "trainable_deep_model") for name in exercises.NAMES}


def test_a_plain_exercise_is_neither_plotted_nor_trusted() -> None:
    module = validate(fake(), "fake_exercise")
    assert isinstance(module, Exercise) and not isinstance(module, Plotted) and not isinstance(module, Trusted)


def test_a_trusted_case_without_run_trusted_is_refused() -> None:
    error = refusal(fake(trusted_case=lambda case, got: None))
    assert error.module == "grader.exercises.fake_exercise"
    assert error.problems == ["no run_trusted(case) (an exercise with a trusted stage defines trusted_case and "
                              "run_trusted)"]


def test_run_trusted_without_a_trusted_case_is_refused() -> None:
    assert refusal(fake(run_trusted=lambda case: {})).problems == [
        "no trusted_case(case, got) (an exercise with a trusted stage defines trusted_case and run_trusted)"]


def test_both_halves_of_the_trusted_stage_make_a_trusted_exercise() -> None:
    module = validate(fake(trusted_case=lambda case, got: None, run_trusted=lambda case: {}), "fake_exercise")
    assert isinstance(module, Trusted)


@pytest.mark.parametrize("plot, problem", [
    (lambda axes, case, got: None, "plot cannot be called as plot(figure, case, got, expected)"),
    (lambda figure: None, "plot cannot be called as plot(figure, case, got, expected)"),
    ("a picture", "plot is a str, not a function"),
])
def test_a_plot_that_cannot_draw_is_refused(plot: Any, problem: str) -> None:
    assert refusal(fake(plot=plot)).problems == [problem]


def test_a_plot_with_extra_defaults_is_kept() -> None:
    assert isinstance(validate(fake(plot=lambda figure, case, got, expected, size=3: None), "fake_exercise"), Plotted)


def test_missing_and_malformed_members_are_all_named_at_once() -> None:
    error = refusal(fake(NAME="other", POINTS="2", SECONDS=0, SHIPPED={"answer": 1}, MISTAKES=None, check=None,
                         run=lambda function: None))
    assert error.problems == [
        "POINTS is a str, not a int or float", "no MISTAKES", "NAME is 'other', not the module's name 'fake_exercise'",
        "SECONDS is 0, not a positive number", "SHIPPED is not a dict of strings (each with its why)",
        "run cannot be called as run(function, case)", "no check(case, got, expected)"]


def test_a_bool_is_not_points() -> None:
    assert refusal(fake(POINTS=True)).problems == ["POINTS is a bool, not a int or float"]


# ------------------------------------------------------------------------------ checked when loaded


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch):
    """The registry with one more exercise name, whose module the test provides, and nothing loaded yet."""
    def install(module: types.ModuleType) -> None:
        monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(exercises, "NAMES", (*exercises.NAMES, "fake_exercise"))
    monkeypatch.setattr(exercises, "_LOADED", {})
    return install


def test_a_module_with_trusted_case_but_no_run_trusted_fails_to_load(registry) -> None:
    registry(fake(trusted_case=lambda case, got: None))
    with pytest.raises(ExerciseContractError, match=r"^grader\.exercises\.fake_exercise breaks the exercise "
                       r"contract .*: no run_trusted\(case\)"):
        exercises.get("fake_exercise")


def test_a_plotted_module_whose_plot_takes_axes_only_fails_to_load(registry) -> None:
    registry(fake(plot=lambda axes: None))
    with pytest.raises(ExerciseContractError, match=r"plot cannot be called as plot\(figure, case, got, expected\)"):
        exercises.get("fake_exercise")


def test_each_module_is_checked_once(registry, monkeypatch: pytest.MonkeyPatch) -> None:
    registry(fake())
    checked = []
    monkeypatch.setattr(exercises, "validate", lambda module, name: checked.append(name) or validate(module, name))
    module = sys.modules["grader.exercises.fake_exercise"]
    assert exercises.get("fake_exercise") is exercises.get("fake_exercise") is module
    assert checked == ["fake_exercise"]


def test_no_code_probes_an_exercise_for_a_member_of_the_contract() -> None:
    # The contract says what each module has: past `validate`, nothing asks (hasattr/getattr) for a member.
    members = "|".join(["NAME", "POINTS", "SECONDS", "COST", "SHIPPED", "MISTAKES", "cases", "run", "check", "plot",
                        "trusted_case", "run_trusted"])
    probe = re.compile(rf"""(hasattr|getattr)\([^,()]+(\([^()]*\))?, ["']({members})["']""")
    paths = [path for folder in ("grader", "benchmarks", "tests") for path in sorted((REPO / folder).rglob("*.py"))
             if path.name not in ("contract.py", "test_contract.py")]
    found = [f"{path.relative_to(REPO)}:{number}" for path in paths
             for number, line in enumerate(path.read_text().splitlines(), 1) if probe.search(line)]
    assert found == []
