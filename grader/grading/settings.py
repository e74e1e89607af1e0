"""How to grade: the settings of one run (cases, limits, where references come from), and the cases they select."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from grader import exercises
from grader.core import course
from grader.core.case import Case
from grader.core.limits import Limits
from grader.exercises.contract import Exercise
from grader.grading.cache import default_cache_dir

DEFAULT_REFERENCE = course.SOLUTIONS
# Jobs side by side: one per core.
DEFAULT_PARALLEL = os.cpu_count() or 2


def seed_from_environment() -> int:
    """The hidden cases' seed when none is given: $GRADER_SEED, else 0 (the one place that reads it)."""
    return int(os.environ.get("GRADER_SEED", 0))


@dataclass
class Settings:
    """How to grade: which cases, limits, where references come from and are kept."""

    seed: int = 0
    public_only: bool = False
    hidden_only: bool = False  # the seed-dependent cases alone (the public ones never change)
    only: tuple[str, ...] = exercises.NAMES
    limits: Limits = field(default_factory=Limits)
    cache_dir: Path = field(default_factory=default_cache_dir)
    reference_path: Path = DEFAULT_REFERENCE
    parallel: int = DEFAULT_PARALLEL


def cases_for(module: Exercise, settings: Settings) -> list[Case]:
    """The exercise's cases for this run: public ones only for a learner's check."""
    return [c for c in module.cases(settings.seed)
            if (c.public or not settings.public_only) and not (c.public and settings.hidden_only)]
