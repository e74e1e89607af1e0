"""Correct variants keep full marks whatever the instructor's seed: no flaky failures."""

from __future__ import annotations

import pytest

from grader import exercises, selftest
from grader.grading import DEFAULT_REFERENCE, Settings
from grader.sandbox import Worker

SEEDS = range(1, 21)


@pytest.fixture(scope="module")
def worker(cache_dir):
    with Worker(2, Settings().limits, hide=(cache_dir, DEFAULT_REFERENCE)) as warm:
        yield warm


@pytest.mark.parametrize("exercise", exercises.NAMES)
def test_correct_variants_get_full_marks_for_twenty_seeds(exercise: str, cache_dir, worker) -> None:
    failures = []
    for seed in SEEDS:
        # Public cases do not depend on the seed: the corpus test grades them once.
        settings = Settings(seed=seed, cache_dir=cache_dir, hidden_only=True)
        outcomes = selftest.run((exercise,), settings, correct_only=True, worker=worker)
        failures += [(seed, o.variant.name, o.feedback) for o in outcomes if not o.passed]
    assert not failures


def test_hidden_cases_depend_on_the_seed_and_only_on_it() -> None:
    for name in exercises.NAMES:
        module = exercises.get(name)
        first, again, other = module.cases(3), module.cases(3), module.cases(4)
        assert [c.fingerprint() for c in first] == [c.fingerprint() for c in again]
        hidden = [c.fingerprint() for c in first if not c.public]
        assert hidden, f"{name} has no hidden case"
        assert hidden != [c.fingerprint() for c in other if not c.public], name
        assert [c.fingerprint() for c in first if c.public] == [c.fingerprint() for c in other if c.public]
