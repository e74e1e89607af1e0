"""The mutation self-test over every exercise: kill rate, survivors and how long it takes.

Grades every mutant of every exercise's reference function (`grader.authoring.mutation`), all of an exercise's
mutants in one warm worker, and prints the table and the survivors that benchmarks/RESULTS.md quotes.
The same as `grader selftest --mutants`, plus the time per mutant.

Run: `.venv/bin/python benchmarks/mutation_run.py [--seed N] [--workers 2]` (about 5 minutes on 2 idle cores).
"""

from __future__ import annotations

import argparse
import sys
import time

from grader.authoring import mutation
from grader.grading.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of the hidden cases")
    parser.add_argument("--workers", type=int, default=2, help="processes side by side")
    args = parser.parse_args()
    settings = Settings(seed=args.seed, parallel=args.workers)
    start = time.monotonic()

    def progress(exercise: str, done: int, count: int) -> None:
        print(f"\r{exercise}: {done}/{count}", end="", file=sys.stderr, flush=True)

    verdicts = mutation.run(settings=settings, progress=progress)
    seconds = time.monotonic() - start
    print(file=sys.stderr)
    print(mutation.summary(verdicts))
    print(f"\n{len(verdicts)} mutants in {seconds:.0f} s ({seconds / len(verdicts):.2f} s each, {args.workers} "
          f"workers, seed {args.seed}); {len(mutation.unexplained(verdicts))} survivor(s) unexplained")
    return 1 if mutation.unexplained(verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
