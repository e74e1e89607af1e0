"""Correct variants keep full marks whatever the instructor's seed: no flaky failures."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pytest

from grader import exercises
from grader.authoring import selftest
from grader.core import case as case_module
from grader.core.case import random_classification
from grader.grading.settings import DEFAULT_REFERENCE, Settings
from grader.runner.sandbox import Worker

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


# Every residue of the seed modulo 2..128 is the same for seed and seed + RESIDUES.
RESIDUES = math.lcm(*range(2, 129))
SECRET = 4242


def _leaves(value: object, path: str = "") -> dict[str, object]:
    """A spec's numbers and strings, by their path in it."""
    if isinstance(value, dict):
        return {k: v for key in value for k, v in _leaves(value[key], f"{path}/{key}").items()}
    if isinstance(value, list):
        return {k: v for index, item in enumerate(value) for k, v in _leaves(item, f"{path}/{index}").items()}
    return {path: value}


def hidden_specs(seed: int) -> dict[str, object]:
    """Every value in every hidden case's spec under `seed`, by exercise, case and path."""
    return {f"{name}[{index}]{path}": value
            for name in exercises.NAMES
            for index, case in enumerate(exercises.get(name).cases(seed)) if not case.public
            for path, value in _leaves(case.spec).items()}


def test_no_spec_holds_a_residue_of_the_seed() -> None:
    """The frame-and-residue route: a learner reads a hidden case's spec from the calling frame. A value
    that follows the seed modulo a small number (the old `model_seed = 10 + seed % 71`) is the same for
    seed and seed + RESIDUES whatever the seed; here every value that changes with the seed changes then."""
    pairs = [(hidden_specs(seed), hidden_specs(seed + RESIDUES)) for seed in range(100, 112)]
    firsts = [first for first, _ in pairs]
    varying = {path for path in firsts[0] if len({repr(spec[path]) for spec in firsts}) > 1}
    assert len(varying) >= 10  # the hidden cases do change with the seed
    following = sorted(path for path in varying if all(a[path] == b[path] for a, b in pairs))
    assert following == []


def _search(candidates: range, derive: Callable[[int], np.ndarray], seen: np.ndarray, budget: float
            ) -> tuple[int | None, int, float]:
    """Tries `candidates` in order for one whose derived case is `seen`, for at most `budget` s of CPU:
    (the seed found or None, candidates tried, CPU seconds spent)."""
    started = time.process_time()
    for tried, seed in enumerate(candidates, start=1):
        if np.array_equal(derive(seed), seen):
            return seed, tried, time.process_time() - started
        if time.process_time() - started > budget:
            return None, tried, time.process_time() - started
    return None, len(candidates), time.process_time() - started


def test_a_million_seeds_do_not_give_back_the_instructors() -> None:
    """A learner who sees a hidden case (its arrays and spec) tries seeds below a million until one draws
    the same case. Against the old derivation (a seeded NumPy stream, the seed's residue modulo 71 in the
    spec) the same search finds the seed at once; against keyed, stretched streams each try costs a
    scrypt, and a million tries cost over ten hours of CPU."""
    def old(seed: int) -> np.ndarray:
        return random_classification(np.random.default_rng([seed, 4]), 16, 8, 3)["x"]

    residue = SECRET % 71  # what `model_seed = 10 + seed % 71` told
    found, tried, spent = _search(range(residue, 10**6, 71), old, old(SECRET), budget=10.0)
    assert found == SECRET and spent < 5.0
    _, old_tried, old_spent = _search(range(10**6 + 1, 10**6 + 2001), old, old(SECRET), budget=10.0)
    old_per_try = old_spent / old_tried

    name = "layer_gradient_norms"
    seen = next(case for case in exercises.get(name).cases(SECRET) if not case.public).arrays["x"]

    def new(seed: int) -> np.ndarray:
        return next(case for case in exercises.get(name).cases(seed) if not case.public).arrays["x"]

    found, tried, spent = _search(range(10**6), new, seen, budget=1.0)
    per_try = spent / tried
    print(f"old derivation: {old_per_try * 1e6:.1f} us per seed tried; keyed: {per_try * 1e3:.0f} ms per seed "
          f"tried, {per_try * 1e6 / 3600:.1f} h of CPU for a million")
    assert found is None
    assert per_try > 1000 * old_per_try
    assert per_try * 10**6 > 10 * 3600


def test_hidden_draws_come_from_a_key_of_at_least_128_bits() -> None:
    assert case_module.SEED_STRETCH["dklen"] * 8 >= 128
    streams = {case_module.hidden_rng(SECRET, name, index).bit_generator.state["state"]["state"]
               for name in exercises.NAMES for index in range(3)}
    assert len(streams) == 3 * len(exercises.NAMES)  # one stream per case, none shared
    assert case_module.hidden_rng(SECRET, "x", 0).normal() == case_module.hidden_rng(SECRET, "x", 0).normal()
