"""The reference cache never trusts an entry that is not exactly what was written: a truncated or
corrupted entry reads as missing, and the reference result is computed again and stored again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader import exercises
from grader.grading import cache
from grader.grading.cache import ReferenceCache
from grader.grading.references import references
from grader.grading.settings import Settings, cases_for
from grader.runner.sandbox import Worker

CASE = exercises.get("dead_neuron_mask").cases(0)[0]
RESULT = {"mask": np.array([True, False, True]), "loss": 0.25}


def stored(cache: ReferenceCache) -> Path:
    cache.put(CASE, "code", RESULT)
    return cache._path(CASE, "code")


def same(found, expected=RESULT) -> bool:
    return found is not None and found["loss"] == expected["loss"] and np.array_equal(found["mask"],
                                                                                       expected["mask"])


def test_an_entry_reads_back_as_written(tmp_path: Path) -> None:
    cache = ReferenceCache(tmp_path)
    stored(cache)
    assert same(cache.get(CASE, "code"))


@pytest.mark.parametrize("damage", ["truncated json", "edited json", "truncated arrays", "flipped array byte",
                                    "arrays gone", "digest gone"])
def test_a_damaged_entry_reads_as_missing(tmp_path: Path, damage: str) -> None:
    cache = ReferenceCache(tmp_path)
    path = stored(cache)
    npz = path.with_suffix(".npz")
    if damage == "truncated json":
        path.write_bytes(path.read_bytes()[:-3])
    elif damage == "edited json":
        path.write_text(path.read_text().replace("0.25", "0.75"))
    elif damage == "truncated arrays":
        npz.write_bytes(npz.read_bytes()[: len(npz.read_bytes()) // 2])
    elif damage == "flipped array byte":
        data = bytearray(npz.read_bytes())
        data[-30] ^= 0xFF
        npz.write_bytes(bytes(data))
    elif damage == "arrays gone":
        npz.unlink()
    else:
        path.with_suffix(".sha256").unlink()
    assert cache.get(CASE, "code") is None


def test_a_corrupted_entry_is_computed_again_and_rewritten(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path, only=("compile_with_sgd",))
    module = exercises.get("compile_with_sgd")
    with Worker(1, settings.limits, hide=(settings.cache_dir, settings.reference_path)) as worker:
        first = references([module], settings, worker)
        entries = sorted(tmp_path.glob("*/*.json"))
        assert entries, "the hidden cases' references were not cached"
        victim, good = entries[0], entries[0].read_bytes()
        victim.write_bytes(good[:-1])
        started = worker.jobs_started
        again = references([module], settings, worker)
        assert worker.jobs_started == started + 1  # the damaged entry's case was computed again
    assert victim.read_bytes() == good  # and stored again (the reference is deterministic)
    assert set(again) == set(first) == {case.fingerprint() for case in cases_for(module, settings)}


def test_a_results_key_covers_the_exercise_modules_it_takes_code_from() -> None:
    # The sixth exercise's trusted stage lives in two modules of its own: a change to either is a new key.
    folder = cache.PACKAGE_DIR / "exercises"
    assert cache.exercise_files("trainable_deep_model") == [
        folder / "trainable_deep_model.py", folder / "model_description.py", folder / "model_training.py"]
    assert cache.exercise_files("dead_neuron_mask") == [folder / "dead_neuron_mask.py"]
