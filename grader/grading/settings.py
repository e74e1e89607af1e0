"""How to grade: the settings of one run (cases, limits, where references come from), and the cases they select."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
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


# The hidden cases' seed when the instructor gives none: the same for everyone who has this package, so
# anyone can draw those cases (grade, batch and nbgrader warn; a Gradescope build draws a seed of its own).
DEFAULT_SEED = 0
DEFAULT_SEED_WARNING = (f"the hidden cases are drawn from the default seed {DEFAULT_SEED}, which anyone with this "
                        "package can draw too: give a secret one with --seed or $GRADER_SEED, e.g. "
                        "export GRADER_SEED=$(python3 -c 'import secrets; print(secrets.randbits(128))')")


def seed_from_environment() -> int | None:
    """$GRADER_SEED, or None when it is unset or empty (the one place that reads it); ValueError if not an integer."""
    value = os.environ.get("GRADER_SEED", "").strip()
    try:
        return int(value) if value else None
    except ValueError:
        raise ValueError(f"$GRADER_SEED is {value[:40]!r}: give an integer (or unset it)") from None


def chosen_seed(given: int | None, say: Callable[[str], None], draw: bool = False) -> int:
    """The seed given, else $GRADER_SEED; else, with `draw`, a new random 128-bit seed, and otherwise
    DEFAULT_SEED. What was chosen without being given is told to `say` (a warning, for DEFAULT_SEED)."""
    seed = given if given is not None else seed_from_environment()
    if seed is not None:
        return seed
    if draw:
        seed = secrets.randbits(128)
        say(f"no seed given (--seed or $GRADER_SEED): drew a new random seed, {seed}; keep it to grade the "
            "same hidden cases elsewhere")
        return seed
    say(DEFAULT_SEED_WARNING)
    return DEFAULT_SEED


@dataclass
class Settings:
    """How to grade: which cases, limits, where references come from and are kept."""

    seed: int = DEFAULT_SEED
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
