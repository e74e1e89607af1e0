"""`grader selftest`: grade the shipped corpus of right and wrong variants and show every verdict.

Each variant is a file `corpus/<exercise>/<name>.py` whose first lines say what it should get:
`# expect: pass`, or `# expect: fail: <words the feedback must contain>` followed by
`# mistake: <id>`, the mistake id (unique within the exercise) that a failing case must be tagged with.
One wrong variant per exercise also says `# sample attempt`: its mistake is the one
`grader/examples/sample_attempt.py` shows.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from grader import exercises
from grader.core.results import Report
from grader.core.submission import load
from grader.grading.grade import grade_all
from grader.grading.settings import Settings
from grader.runner.sandbox import Worker

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@dataclass
class Variant:
    """One corpus file and the verdict it should get."""

    exercise: str
    path: Path
    expect_pass: bool
    must_say: str
    mistake: str = ""  # "<exercise>/<id>" a failing case must carry; required of every wrong variant
    in_sample_attempt: bool = False

    @property
    def name(self) -> str:
        return f"{self.exercise}/{self.path.stem}"


@dataclass
class Outcome:
    """A variant's actual verdict."""

    variant: Variant
    report: Report

    @property
    def passed(self) -> bool:
        return self.report.score >= self.report.max_score - 1e-9

    @property
    def feedback(self) -> str:
        return "\n".join(f"{r.message} | {r.hint}" for e in self.report.exercises for r in e.cases if not r.passed)

    @property
    def mistakes(self) -> list[str]:
        """The mistake ids of the failing cases, in order, without repeats."""
        found = [r.mistake for e in self.report.exercises for r in e.cases if not r.passed]
        return list(dict.fromkeys(found))

    @property
    def as_expected(self) -> bool:
        if self.variant.expect_pass:
            return self.passed
        return (not self.passed and self.variant.must_say.lower() in self.feedback.lower()
                and bool(self.variant.mistake) and self.variant.mistake in self.mistakes)


def variants(only: tuple[str, ...] = exercises.NAMES) -> list[Variant]:
    """Every corpus variant of the given exercises, in a stable order."""
    found = []
    for exercise in only:
        for path in sorted((CORPUS / exercise).glob("*.py")):
            lines = path.read_text().splitlines()
            header = next((line for line in lines if line.startswith("# expect:")), None)
            if header is None:
                raise ValueError(f"{path}: no '# expect:' line")
            verdict = header.removeprefix("# expect:").strip()
            expect_pass = verdict == "pass"
            must_say = "" if expect_pass else verdict.removeprefix("fail").lstrip(":").strip()
            declared = next((line.removeprefix("# mistake:").strip() for line in lines
                             if line.startswith("# mistake:")), "")
            found.append(Variant(exercise, path, expect_pass, must_say,
                                 f"{exercise}/{declared}" if declared else "", "# sample attempt" in lines[:12]))
    return found


def run(only: tuple[str, ...] = exercises.NAMES, settings: Settings | None = None,
        correct_only: bool = False, worker: Worker | None = None) -> list[Outcome]:
    """Grades every variant of `only`, each on its own exercise's cases, sharing one warm worker.

    Args:
        only: the exercises whose variants to grade.
        settings: seed, cache and limits (default: seed 0, the user's cache).
        correct_only: grade only the variants that should get full marks.
        worker: a warm worker to use (default: one started and closed here).
    """
    settings = settings or Settings()
    own = worker is None
    worker = worker or Worker(settings.parallel, settings.limits, hide=(settings.cache_dir, settings.reference_path))
    outcomes = []
    try:
        for exercise in only:
            chosen = [v for v in variants((exercise,)) if v.expect_pass or not correct_only]
            settings.only = (exercise,)
            reports = grade_all([load(v.path) for v in chosen], settings, worker)
            outcomes += [Outcome(v, r) for v, r in zip(chosen, reports)]
    finally:
        if own:
            worker.close()
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """Variant, expected verdict, actual verdict, and the first failure message."""
    width = max(len(o.variant.name) for o in outcomes)
    lines = [f"{'variant':<{width}}  expected  actual  ok   mistake (declared -> found) / feedback",
             "-" * (width + 60)]
    for o in outcomes:
        expected = "pass" if o.variant.expect_pass else "fail"
        actual = "pass" if o.passed else "fail"
        first = o.feedback.splitlines()[0][:90] if o.feedback else ""
        ok = "yes" if o.as_expected else "NO"
        lines.append(f"{o.variant.name:<{width}}  {expected:<8}  {actual:<6}  {ok:<3}  {first}")
        if not o.variant.expect_pass:
            declared = o.variant.mistake.split("/")[-1] or "(none declared: add a '# mistake:' line)"
            found = ", ".join(m.split("/")[-1] or "(unnamed)" for m in o.mistakes)
            lines.append(f"{'':<{width}}  {'':<8}  {'':<6}  {'':<3}  mistake: {declared} -> {found}")
    good = sum(o.as_expected for o in outcomes)
    lines.append(f"\n{good} of {len(outcomes)} variants got the verdict they should")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    settings = Settings(seed=args.seed)
    if args.cache:
        settings.cache_dir = args.cache
    if args.mutants:
        return mutants_main(tuple(args.exercise or exercises.NAMES), settings)
    outcomes = run(tuple(args.exercise or exercises.NAMES), settings)
    print(table(outcomes))
    return 0 if all(o.as_expected for o in outcomes) else 1


def mutants_main(only: tuple[str, ...], settings: Settings) -> int:
    """`grader selftest --mutants`: the kill rate, every survivor with its diff; 1 if one is unexplained."""
    import sys
    import time

    from grader.authoring import mutation

    start = time.monotonic()

    def progress(exercise: str, done: int, count: int) -> None:
        end = "\n" if done == count else ""
        print(f"\r{exercise}: {done}/{count} mutants graded", end=end, file=sys.stderr, flush=True)

    try:
        verdicts = mutation.run(only, settings, progress=progress if sys.stderr.isatty() else None)
    except ImportError as error:
        print(f"grader: {error}", file=sys.stderr)
        return 1
    print(mutation.summary(verdicts))
    missing = mutation.unexplained(verdicts)
    print(f"\n{len(verdicts)} mutants graded in {time.monotonic() - start:.0f} s; "
          f"{len(missing)} survivor(s) unexplained")
    return 1 if missing else 0
