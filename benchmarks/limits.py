"""The CPU time each exercise's job takes, behind its time limit (`SECONDS` in grader/exercises/<name>.py).

For each exercise, on its public cases and the hidden cases of several grader seeds, one job per piece of
code (as `grader grade` runs an exercise alone, in a fork of the warm worker): the reference solution and
every correct variant of its corpus (`grader/corpus/<exercise>/`, `# expect: pass`). Prints the CPU time
(user and system, every thread, as the worker's limit counts it) of the reference's job, the slowest
correct variant's and which it is, and, for an exercise with a trusted stage, the grader's own job.

CPU time, not wall time: other work on the machine changes it little (it was measured on a shared
machine). Run: `.venv/bin/python benchmarks/limits.py [--seeds 0 1 2] [--exercise NAME]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import exercises  # noqa: E402
from grader.authoring import selftest  # noqa: E402
from grader.core.limits import Limits  # noqa: E402
from grader.core.submission import load  # noqa: E402
from grader.grading.grade import learner_job  # noqa: E402
from grader.grading.settings import Settings  # noqa: E402
from grader.grading.trusted import trusted_stage  # noqa: E402
from grader.runner.sandbox import Worker  # noqa: E402


def job_seconds(worker: Worker, module, path: Path, settings: Settings, seeds: list[int]) -> tuple[float, float]:
    """CPU seconds of the code's job on the exercise's cases, and of its trusted stage (0 without one)."""
    cases = [case for seed in seeds for case in module.cases(seed) if not (case.public and seed != seeds[0])]
    job = learner_job(module, cases, load(path), settings)
    trusted = []

    def done(finished) -> list:
        stage = trusted_stage(module, finished, settings) if finished.kind == "learner" else None
        if stage:
            trusted.append(stage.job)
        return [stage.job] if stage else []

    worker.run([job], on_done=done)
    return job.outcome.get("cpu_seconds", 0.0), sum(t.outcome.get("cpu_seconds", 0.0) for t in trusted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--exercise", action="append", choices=exercises.NAMES)
    parser.add_argument("--repeats", type=int, default=2, help="jobs per piece of code (the highest counts)")
    args = parser.parse_args()
    names = args.exercise or list(exercises.NAMES)
    with tempfile.TemporaryDirectory() as cache, Worker(1, Limits(time_scale=10)) as worker:
        settings = Settings(cache_dir=Path(cache), limits=Limits(time_scale=10))
        print(f"seeds {args.seeds}; CPU seconds of one job on the public cases and the hidden cases of those seeds "
              f"(the highest of {args.repeats})")
        for name in names:
            module = exercises.get(name)
            correct = [v.path for v in selftest.variants((name,)) if v.expect_pass]
            timings = {}
            for path in [settings.reference_path, *correct]:
                runs = [job_seconds(worker, module, path, settings, args.seeds) for _ in range(args.repeats)]
                timings[path] = (max(r[0] for r in runs), max(r[1] for r in runs))
            reference = timings.pop(settings.reference_path)
            slowest = max(timings, key=lambda p: timings[p][0]) if timings else None
            line = f"{name}: reference {reference[0]:.2f} s"
            if slowest:
                line += f", slowest correct variant {timings[slowest][0]:.2f} s ({slowest.stem}) of {len(timings)}"
            if reference[1]:
                line += (f"; trusted stage: reference {reference[1]:.2f} s, "
                         f"highest of the variants {max(t[1] for t in timings.values()):.2f} s")
            print(line, flush=True)


if __name__ == "__main__":
    main()
