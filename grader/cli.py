"""The `grader` command: grade, check, hint, batch, diff, selftest, gradescope, course, expected, bundle."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader import exercises
from grader.core.escape import visible
from grader.core.limits import LIMITS, Limits
from grader.core.submission import SubmissionError, UnloadableSubmission, load
from grader.grading.cache import default_cache_dir
from grader.grading.grade import grade, unloadable
from grader.grading.settings import DEFAULT_PARALLEL, DEFAULT_REFERENCE, Settings, chosen_seed, seed_from_environment
from grader.output import visibility

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader", description="Grade the 'Understanding model optimization' exercises.",
        epilog="Exit status: 0 when grading ran (whatever the score), 1 when it could not, 2 on bad usage.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    grade_cmd = commands.add_parser("grade", help="grade a submission on public and hidden cases",
                                    description="Grade a learner's .py module or .ipynb notebook.")
    _add_common(grade_cmd)
    grade_cmd.add_argument("--json", metavar="OUT", type=Path, help="write Gradescope's results.json shape to OUT")
    grade_cmd.add_argument("--html", metavar="OUT", type=Path, help="write a self-contained feedback page to OUT")
    _add_reference(grade_cmd)
    _add_show_hidden(grade_cmd)

    batch_cmd = commands.add_parser(
        "batch", help="grade every submission in a folder (resumable), with a class summary",
        description="Grade every .py and .ipynb in DIR (and nbgrader's submitted/<student>/<assignment>/), "
        "writing OUT/<name>.json (<name>: the file name, suffix kept) as each is graded, then OUT/summary.csv "
        "and OUT/summary.html. Run the same "
        "command again after an interruption: only what is missing is graded.")
    batch_cmd.add_argument("directory", type=Path, metavar="DIR", help="folder of submissions")
    batch_cmd.add_argument("--out", type=Path, required=True, metavar="OUT", help="folder for the results")
    batch_cmd.add_argument("--html", action="store_true", help="also write OUT/<name>.html feedback pages")
    batch_cmd.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                           help="grade on this Dask distributed scheduler's workers instead of locally")
    batch_cmd.add_argument("--compare", type=Path, metavar="PREVIOUS_OUT",
                           help="a previous batch's OUT (not OUT itself): list every learner whose score changed "
                           "since, per exercise and case, also in OUT/regrade.csv")
    _add_reference(batch_cmd)
    _add_show_hidden(batch_cmd, "(in the --html feedback pages; the results files keep everything)")
    _add_limits(batch_cmd)

    diff_cmd = commands.add_parser(
        "diff", help="list the learners whose score changed between two batch results folders",
        description="Compare two `grader batch` output folders (a grading and its regrade): every learner "
        "whose score changed, per exercise and case, with the old and new messages.")
    diff_cmd.add_argument("old", type=Path, metavar="OLD", help="the earlier batch's OUT folder")
    diff_cmd.add_argument("new", type=Path, metavar="NEW", help="the later batch's OUT folder")

    check_cmd = commands.add_parser("check", help="run the public checks only (for learners; fast)",
                                    description="Run the public cases on your work, with the same feedback.")
    _add_common(check_cmd)

    hint_cmd = commands.add_parser(
        "hint", help="the next hint for an exercise's current mistake (for learners)",
        description="Run EXERCISE's public checks on FILE and show the next hint for its current mistake: "
        "the report of `grader check` shows the first, each `grader hint` the next. The hints seen are kept "
        "in .grader-hints.json beside FILE.")
    hint_cmd.add_argument("file", type=Path, metavar="FILE", help="a learner's .py module or .ipynb notebook")
    hint_cmd.add_argument("exercise", choices=exercises.NAMES, metavar="EXERCISE",
                          help=f"one of {', '.join(exercises.NAMES)}")

    selftest_cmd = commands.add_parser("selftest", help="grade the shipped corpus of right and wrong variants",
                                       description="Grade every variant in the corpus and print a table of "
                                       "expected and actual verdicts: read it before trusting the grader.")
    selftest_cmd.add_argument("--seed", type=int, default=0, help="seed of the hidden cases")
    selftest_cmd.add_argument("--exercise", choices=exercises.NAMES, action="append",
                              help="only this exercise's variants (repeatable)")
    selftest_cmd.add_argument("--cache", metavar="DIR", type=Path, default=None)
    selftest_cmd.add_argument("--mutants", action="store_true",
                              help="grade mutants of the reference solutions instead (small edits of their code) "
                              "and report the share that lose points; exit 1 if a survivor is not recorded as "
                              "equivalent in grader/mutants/equivalent.json (needs mutmut)")

    commands.add_parser("expected", help="(maintainers) recompute the public cases' shipped expected results")

    bundle_cmd = commands.add_parser("bundle", help="build the learner bundle (no solution code) as a .zip",
                                     description="Write the zip that learners get for local checking: the "
                                     "grader without solution-bearing parts, the exercise stubs, and the public "
                                     "cases' expected results.")
    bundle_cmd.add_argument("out", type=Path, metavar="OUT.zip", help="where to write the bundle")

    gradescope_cmd = commands.add_parser("gradescope", help="build a Gradescope autograder zip",
                                         description="Gradescope integration.")
    gradescope_actions = gradescope_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    build_cmd = gradescope_actions.add_parser("build", help="write the autograder zip (setup.sh, run_autograder)")
    build_cmd.add_argument("out", type=Path, metavar="OUT.zip")
    build_cmd.add_argument("--seed", type=int, default=None,
                           help="seed of the hidden cases that run_autograder grades with (default: $GRADER_SEED, "
                           "else a new random 128-bit seed, printed); it is written into the zip, which only "
                           "instructors see")
    _add_show_hidden(build_cmd, "(written into run_autograder; $GRADER_SHOW_HIDDEN on Gradescope overrides it)")

    course_cmd = commands.add_parser(
        "course", help="write an nbgrader course directory (nbgrader_config.py, source/optimization/)",
        description="Write this course's nbgrader_config.py and source notebook into DIR, from this installation. "
        "Then, in DIR: nbgrader generate_assignment optimization, autograde, generate_feedback.")
    course_cmd.add_argument("directory", type=Path, metavar="DIR", help="the course directory (created if missing)")
    return parser


def _add_show_hidden(command: argparse.ArgumentParser, where: str = "") -> None:
    command.add_argument("--show-hidden", choices=visibility.CHOICES, default=visibility.default(),
                         help=visibility.HELP + (f" {where}" if where else ""))


def _add_reference(command: argparse.ArgumentParser) -> None:
    command.add_argument("--seed", type=int, default=None,
                         help="seed of the hidden cases (default: $GRADER_SEED, else 0, with a warning: anyone can "
                         "draw that seed's cases); same seed, same verdicts")
    command.add_argument("--cache", metavar="DIR", type=Path, default=None,
                         help=f"reference-result cache (default: {default_cache_dir()})")
    command.add_argument("--solutions", metavar="PATH", type=Path, default=DEFAULT_REFERENCE,
                         help=f"reference solutions module (default: this installation's, {DEFAULT_REFERENCE})")


def _add_common(command: argparse.ArgumentParser) -> None:
    command.add_argument("file", type=Path, metavar="FILE", help="a learner's .py module or .ipynb notebook")
    command.add_argument("--quiet", "-q", action="store_true", help="print only the total, for scripts")
    command.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto",
                         help="colour the report (default auto: on a terminal only)")
    _add_limits(command)


def _add_limits(command: argparse.ArgumentParser) -> None:
    command.add_argument("--exercise", choices=exercises.NAMES, action="append",
                         help="grade only this exercise (repeatable; default: every exercise)")
    for limit in LIMITS:  # declared once, with the nbgrader options and README's table (grader/core/limits.py)
        command.add_argument(limit.option, dest=limit.name, type=limit.kind, default=limit.given_default,
                             choices=limit.choices or None, metavar=None if limit.choices else limit.metavar,
                             help=limit.full_help())
    command.add_argument("--no-sandbox", dest="sandbox", action="store_const", const="off",
                         help="same as --sandbox off")
    command.add_argument("--workers", type=int, default=DEFAULT_PARALLEL,
                         help=f"exercises run side by side (default: the {DEFAULT_PARALLEL} cores)")


def _settings(args: argparse.Namespace, public_only: bool) -> Settings:
    limits = Limits.given({limit.name: getattr(args, limit.name) for limit in LIMITS})
    settings = Settings(public_only=public_only, limits=limits, parallel=args.workers,
                        only=tuple(args.exercise or exercises.NAMES))
    if not public_only:
        settings.seed = chosen_seed(args.seed, lambda warning: None)  # said once there is work to grade
        settings.reference_path = args.solutions
        if args.cache:
            settings.cache_dir = args.cache
    return settings


def _warn_of_a_default_seed(args: argparse.Namespace) -> None:
    """Says, before hidden cases are graded, when their seed is the default one that anyone can draw."""
    chosen_seed(args.seed, lambda warning: print(f"grader: warning: {warning}", file=sys.stderr))


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a console whose code page lacks a character shows it escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        parser = build_parser()
        seed_from_environment()
    except ValueError as error:  # a setting from the environment that is not one of the choices, or no integer
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    from grader.output import report as reports

    if args.command in ("grade", "check"):
        settings = _settings(args, public_only=args.command == "check")
        unloadable_why = ""
        try:
            submission = load(args.file)
            if args.command == "grade":
                _warn_of_a_default_seed(args)
            result = grade(submission, settings)
        except UnloadableSubmission as error:  # nothing to run: it scores 0, in one line saying why
            unloadable_why = str(error)
            result = unloadable(args.file, unloadable_why, settings)
        except SubmissionError as error:  # nothing to grade: a refusal
            print(visible(f"grader: {error}", one_line=True), file=sys.stderr)
            return EXIT_ERROR
        except (FileNotFoundError, RuntimeError) as error:
            print(f"grader: could not grade: {error}", file=sys.stderr)
            return EXIT_ERROR
        if args.command == "grade":
            result = visibility.learner_view(result, args.show_hidden)
        else:  # the report shows each mistake's first hint; `grader hint` shows the next
            from grader.output.hints import Ladders

            Ladders(args.file.resolve().parent).record(result)
        colour = args.colour == "always" or (args.colour == "auto" and sys.stdout.isatty()
                                              and not os.environ.get("NO_COLOR"))
        if args.quiet:
            print(f"{result.score:g}/{result.max_score:g}")
        elif unloadable_why:
            print(visible(f"{result.score:g}/{result.max_score:g}: not graded: {unloadable_why}", one_line=True))
        else:
            print(reports.text(result, colour=colour))
        if getattr(args, "json", None):
            reports.write_json(result, args.json)
        if getattr(args, "html", None):
            from grader.output import html

            html.write(result, args.html)
        return EXIT_OK
    if args.command == "batch":
        from grader.grading import batch

        _warn_of_a_default_seed(args)
        try:
            return batch.run(args.directory, args.out, _settings(args, public_only=False), args.scheduler,
                             html=args.html, compare=args.compare, show_hidden=args.show_hidden)
        except (FileNotFoundError, RuntimeError, OSError) as error:
            print(f"grader: could not grade the batch: {error}", file=sys.stderr)
            return EXIT_ERROR
    if args.command == "gradescope":
        from grader.platforms import gradescope

        try:
            seed = chosen_seed(args.seed, print, draw=True)
            print(f"wrote {gradescope.build(args.out, seed, args.show_hidden)} (hidden cases of seed {seed})")
        except FileNotFoundError as error:
            print(f"grader: could not build the autograder: {error}", file=sys.stderr)
            return EXIT_ERROR
        return EXIT_OK
    if args.command == "course":
        from grader.core import course

        try:
            written = course.write(args.directory)
        except (FileNotFoundError, FileExistsError) as error:
            print(f"grader: {error}", file=sys.stderr)
            return EXIT_ERROR
        print("\n".join(f"wrote {path}" for path in written))
        print(f"next: cd {args.directory} && nbgrader generate_assignment optimization (with this venv on PATH)")
        return EXIT_OK
    if args.command == "diff":
        from grader.grading import regrade

        for folder in (args.old, args.new):
            if not folder.is_dir():
                print(f"grader: {folder} is not a folder of batch results", file=sys.stderr)
                return EXIT_ERROR
        print(regrade.text(regrade.compare(args.old, args.new)))
        return EXIT_OK
    if args.command == "hint":
        from grader.platforms.notebook import hint

        try:
            hint(args.exercise, file=args.file)
        except SubmissionError as error:
            print(f"grader: {error}", file=sys.stderr)
            return EXIT_ERROR
        return EXIT_OK
    if args.command == "selftest":
        from grader.authoring.selftest import main as selftest

        return selftest(args)
    if args.command == "expected":
        from grader.authoring.expected import rebuild

        for path in rebuild():
            print(path)
        return EXIT_OK
    if args.command == "bundle":
        from grader.platforms.bundle import build

        names = build(args.out)
        print(f"{args.out}: {len(names)} files, no solution code")
        return EXIT_OK
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
