"""The mutation self-test's machinery: which edits it makes, stable ids, and a few mutants graded.

The whole run (every mutant of every exercise) is `benchmarks/mutation_run.py`; here only a few.
"""

from __future__ import annotations

import pytest

pytest.importorskip("mutmut", reason="the mutation self-test needs mutmut")

from grader import exercises
from grader.authoring import mutation
from grader.grading.settings import DEFAULT_REFERENCE, Settings
from grader.runner.sandbox import Worker

SYNTHETIC = '''
import numpy as np


def other(a):
    return a + 1


def target(values, limit):
    """A docstring is never mutated."""
    kept = [v for v in values if v < limit]
    np.sort(kept)
    return np.sum(np.asarray(kept[1:]), axis=0) / max(len(kept), 1), kept[0]
'''


def test_every_kind_of_edit_is_made() -> None:
    made = {m.operator: m.diff for m in mutation.mutants("target", SYNTHETIC)}
    for kind in ("number", "swap_op", "arg_removal", "swap_args", "remove_call", "remove_statement",
                 "first_last_index", "slice", "assignment"):
        assert kind in made, kind
    diffs = "\n".join(m.diff for m in mutation.mutants("target", SYNTHETIC))
    assert "v <= limit" in diffs  # < for <=
    assert "axis=1" in diffs  # an axis
    assert "kept[:]" in diffs  # a slice's bound dropped
    assert "kept[-1]" in diffs  # the other end
    assert "docstring" not in diffs and "def other" not in diffs and "a + 1" not in diffs


def test_mutant_ids_are_unique_and_stable_across_edits_elsewhere() -> None:
    first = [m.id for m in mutation.mutants("target", SYNTHETIC)]
    assert len(first) == len(set(first))
    elsewhere = SYNTHETIC.replace("return a + 1", "return a * 2 + 1")
    assert [m.id for m in mutation.mutants("target", elsewhere)] == first


def test_every_exercise_of_the_registry_has_mutants_that_compile() -> None:
    source = DEFAULT_REFERENCE.read_text()
    for name in mutation.mutated_exercises():
        found = mutation.mutants(name)
        assert found, name
        for mutant in found:
            assert mutant.source != source
            compile(mutant.source, mutant.id, "exec")
    assert mutation.mutated_exercises() == exercises.NAMES


def test_every_recorded_equivalent_mutant_exists_and_says_why() -> None:
    current = {m.id: m for name in mutation.mutated_exercises() for m in mutation.mutants(name)}
    for key, entry in mutation.equivalent().items():
        assert key in current, f"{key} is no longer made: remove it from {mutation.EQUIVALENT}"
        assert entry["diff"] == current[key].diff, key
        assert len(entry["reason"]) > 20, key


def test_a_few_mutants_are_graded_in_one_warm_worker(cache_dir) -> None:
    def few(found: list[mutation.Mutant]) -> list[mutation.Mutant]:
        wanted = {"remove_statement", "arg_removal"}
        return [m for m in found if m.operator in wanted and ("loss" in m.diff or "compile" in m.diff)][:3]

    settings = Settings(cache_dir=cache_dir)
    with Worker(2, settings.limits, hide=(cache_dir, DEFAULT_REFERENCE)) as worker:
        verdicts = mutation.run(("compile_with_sgd",), settings, worker=worker, chosen=few)
    assert len(verdicts) == 3
    assert all(v.killed for v in verdicts), mutation.summary(verdicts)
    assert all(v.feedback for v in verdicts)
    assert "kill rate" in mutation.summary(verdicts)
    assert not mutation.unexplained(verdicts)
