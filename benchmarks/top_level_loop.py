"""What a submission whose top-level code never ends costs: wall time, CPU time, processes.

Grades `tests/hostile/loop_module_level.py` (the reference solutions, then `while True: pass`) on every
exercise, public and hidden cases, with a warm worker and cached references, as `grader grade` would
(the lone submission split over the cores). Prints the wall time of the grading, the CPU time its
processes used (what the limits count) and how many processes ran the code.

Run: `.venv/bin/python benchmarks/top_level_loop.py [--load-seconds 60]`.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from grader.authoring import generate  # noqa: E402
from grader.core.limits import Limits  # noqa: E402
from grader.core.submission import load  # noqa: E402
from grader.grading.cache import default_cache_dir  # noqa: E402
from grader.grading.grade import grade_all  # noqa: E402
from grader.grading.references import references  # noqa: E402
from grader.grading.settings import Settings  # noqa: E402
from grader.runner.sandbox import Worker  # noqa: E402

HOSTILE = REPO / "tests" / "hostile" / "loop_module_level.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-seconds", type=float, default=Limits.load_seconds)
    parser.add_argument("--cache", type=Path, default=default_cache_dir())
    args = parser.parse_args()
    functions = generate.function_sources()
    text = re.sub(r"^# \{\{REFERENCE: ([\w, ]+)\}\}$",
                  lambda m: "\n\n".join(functions[n.strip()] for n in m.group(1).split(",")), HOSTILE.read_text(),
                  flags=re.MULTILINE)
    settings = Settings(cache_dir=args.cache, limits=Limits(load_seconds=args.load_seconds))
    with tempfile.TemporaryDirectory() as tmp, Worker(settings.parallel, settings.limits,
                                                      hide=(settings.cache_dir, settings.reference_path)) as worker:
        path = Path(tmp) / "loop_module_level.py"
        path.write_text(text)
        submission = load(path)
        from grader import exercises

        expected = references([exercises.get(name) for name in settings.only], settings, worker)  # warm
        before = worker.jobs_started
        started = time.perf_counter()
        report = grade_all([submission], settings, worker, expected=expected)[0]
        seconds = time.perf_counter() - started
        processes = worker.jobs_started - before
    print(f"load limit {args.load_seconds:g} s (CPU); score {report.score:g}/{report.max_score:g}; "
          f"wall {seconds:.1f} s; CPU of the grading processes {report.cpu_seconds:.1f} s; processes {processes}")


if __name__ == "__main__":
    main()
