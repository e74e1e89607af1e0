"""`grader selftest --mutants`: mutants of the reference solutions, graded, and the share that lose points.

A mutant is the reference solutions file with one small edit inside one exercise's function: a
constant, an operator, a comparison (`<` for `<=`), an axis, a dropped, emptied or swapped argument, a
removed call, a removed statement, an index or a slice. The grader grades each mutant on that exercise
only; a mutant is *killed* when it loses points. A surviving mutant is either equivalent (no behaviour
the contract cares about changed: the reason is recorded in `mutants/equivalent.json`, keyed by the
mutant's id) or a case the grader lacks.

The edits are mutmut's operators (`mutmut.mutation.mutators`, applied to libcst nodes one at a time, not
through mutmut's test runner, which drives a test command over a whole project), plus those that mutmut
lacks: swapped arguments, a removed call (`f(a)` becomes `a`), a removed statement, first/last index, and
a sibling name or constant of the same API (np.all for np.any, layer.bias for layer.kernel, "tanh" for
"relu": SIBLINGS).
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from grader import exercises
from grader.core.results import Report
from grader.core.submission import Submission
from grader.grading.grade import grade_all
from grader.grading.settings import DEFAULT_REFERENCE, Settings
from grader.runner.sandbox import Worker

EQUIVALENT = Path(__file__).resolve().parents[1] / "mutants" / "equivalent.json"
INSTALL_HINT = ("the mutation self-test needs mutmut (and libcst): pip install 'optimization-grader[mutation]' "
                "(mutmut>=3.8,<3.9)")


@dataclass(frozen=True)
class Mutant:
    """One edit of the reference solutions inside one exercise's function.

    Attributes:
        exercise: the function edited, whose cases grade the mutant.
        operator: the kind of edit ("number", "swap_op", "arg_removal", "swap_args", ...).
        diff: the function's lines before (-) and after (+) the edit.
        source: the whole mutated solutions file.
        occurrence: how many earlier mutants of this exercise had the same operator and diff (0 mostly).
    """

    exercise: str
    operator: str
    diff: str
    source: str
    occurrence: int = 0

    @property
    def id(self) -> str:
        """Stable across edits elsewhere in the file: the exercise, the operator and the changed lines."""
        digest = hashlib.sha256(f"{self.exercise}\n{self.operator}\n{self.diff}\n{self.occurrence}".encode())
        return f"{self.exercise}:{self.operator}:{digest.hexdigest()[:10]}"


@dataclass
class Verdict:
    """A mutant's grade."""

    mutant: Mutant
    report: Report

    @property
    def killed(self) -> bool:
        return self.report.score < self.report.max_score

    @property
    def feedback(self) -> str:
        """The first failure's message: what killed the mutant."""
        return next((r.message for e in self.report.exercises for r in e.cases if not r.passed), "")


def _operators() -> list[tuple[type, str, Callable]]:
    """(node type, name, operator) for every edit: mutmut's, then this module's."""
    try:
        import libcst as cst
        from mutmut.mutation import mutators
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    found = [(node_type, function.__name__.removeprefix("operator_"), function)
             for node_type, function in mutators.mutation_operators]
    return found + [(cst.Call, "swap_args", _swap_args), (cst.Call, "remove_call", _remove_call),
                    (cst.SimpleStatementLine, "remove_statement", _remove_statement),
                    (cst.Index, "first_last_index", _first_last_index), (cst.Slice, "slice", _slice_bounds),
                    (cst.Name, "sibling", _sibling), (cst.SimpleString, "sibling", _sibling)]


# A name or constant a learner easily writes for another of the same API: the mistakes of this chapter.
SIBLINGS = {"all": "any", "any": "all", "kernel": "bias", "bias": "kernel", "SGD": "Adam",
            "CategoricalCrossentropy": "MeanSquaredError", "norm": "reduce_sum", "float32": "float16",
            '"categorical_crossentropy"': '"mean_squared_error"', '"relu"': '"tanh"', '"loss"': '"accuracy"'}


def _sibling(node) -> Iterator:
    """np.all -> np.any, layer.kernel -> layer.bias, SGD -> Adam, "relu" -> "tanh", ... (SIBLINGS)."""
    if node.value in SIBLINGS:
        yield node.with_changes(value=SIBLINGS[node.value])


def _swap_args(node) -> Iterator:
    """f(a, b) -> f(b, a), for each pair of neighbouring positional arguments."""
    positional = [i for i, arg in enumerate(node.args) if arg.keyword is None and not arg.star]
    for i, j in zip(positional, positional[1:]):
        args = list(node.args)
        args[i], args[j] = args[i].with_changes(value=args[j].value), args[j].with_changes(value=args[i].value)
        yield node.with_changes(args=args)


def _remove_call(node) -> Iterator:
    """f(a, ...) -> a: the call dropped, its first argument kept."""
    if node.args and node.args[0].keyword is None and not node.args[0].star:
        yield node.args[0].value


def _remove_statement(node) -> Iterator:
    """A statement that is only an expression (a call for its effect) becomes `pass`."""
    import libcst as cst

    if len(node.body) == 1 and isinstance(node.body[0], cst.Expr) and not isinstance(node.body[0].value,
                                                                                  cst.BaseString):
        yield node.with_changes(body=[cst.Pass()])


def _first_last_index(node) -> Iterator:
    """x[0] <-> x[-1], x[k] -> x[-1 - k]: the other end of a sequence."""
    import libcst as cst

    value = node.value
    if isinstance(value, cst.Integer):
        yield node.with_changes(value=cst.parse_expression(str(-1 - value.evaluated_value)))
    elif isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus) \
            and isinstance(value.expression, cst.Integer):
        yield node.with_changes(value=cst.Integer(str(value.expression.evaluated_value - 1)))


def _slice_bounds(node) -> Iterator:
    """x[a:b] -> x[:b] and x[a:]: each bound of a slice dropped."""
    if node.lower is not None:
        yield node.with_changes(lower=None)
    if node.upper is not None:
        yield node.with_changes(upper=None)


def mutants(exercise: str, source: str | None = None) -> list[Mutant]:
    """Every mutant of `exercise`'s function in the reference solutions (or in `source`), in a stable order."""
    import libcst as cst

    operators = _operators()
    source = DEFAULT_REFERENCE.read_text() if source is None else source
    module = cst.parse_module(source)
    function = next((node for node in module.body if isinstance(node, cst.FunctionDef)
                     and node.name.value == exercise), None)
    if function is None:
        raise ValueError(f"the reference solutions define no function {exercise}")
    original = module.code_for_node(function).splitlines()
    found: list[Mutant] = []
    seen = {source}
    counts: dict[tuple[str, str], int] = {}
    for node in _body_nodes(function):
        for node_type, name, operator in operators:
            if not isinstance(node, node_type):
                continue
            for mutated in operator(node):
                new_function = function.deep_replace(node, mutated)
                text = module.deep_replace(function, new_function).code
                if text in seen or not _compiles(text):
                    continue
                seen.add(text)
                diff = _diff(original, module.code_for_node(new_function).splitlines())
                occurrence = counts.get((name, diff), 0)
                counts[(name, diff)] = occurrence + 1
                found.append(Mutant(exercise, name, diff, text, occurrence))
    return found


def _body_nodes(function) -> Iterator:
    """Every node of the function's body, outer first, without its docstring."""
    import libcst as cst

    body = list(function.body.body)
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr) \
            and isinstance(body[0].body[0].value, cst.BaseString):
        body = body[1:]
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _compiles(text: str) -> bool:
    try:
        compile(text, "<mutant>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def _diff(before: list[str], after: list[str]) -> str:
    lines = difflib.unified_diff(before, after, lineterm="", n=0)
    return "\n".join(line.rstrip() for line in lines if line[:1] in "-+" and line[:3] not in ("---", "+++"))


def mutated_exercises() -> tuple[str, ...]:
    """The exercises of the registry (every one has a function in the reference solutions)."""
    return exercises.NAMES


def equivalent() -> dict[str, dict[str, str]]:
    """The recorded equivalent mutants: {id: {"diff": ..., "reason": ...}}."""
    return json.loads(EQUIVALENT.read_text()) if EQUIVALENT.exists() else {}


def run(only: Iterable[str] | None = None, settings: Settings | None = None, worker: Worker | None = None,
        chosen: Callable[[list[Mutant]], list[Mutant]] | None = None,
        progress: Callable[[str, int, int], None] | None = None) -> list[Verdict]:
    """Grades the mutants of each exercise in `only` (default: all), all of an exercise's in one warm worker.

    Args:
        only: exercise names.
        settings: seed, cache and limits (default: seed 0, the user's cache).
        worker: a warm worker to use (default: one started and closed here).
        chosen: picks which of an exercise's mutants to grade (default: all).
        progress: called with (exercise, graded so far, count) as each mutant's grade is known.
    """
    settings = settings or Settings()
    own = worker is None
    worker = worker or Worker(settings.parallel, settings.limits, hide=(settings.cache_dir, settings.reference_path))
    verdicts: list[Verdict] = []
    done = [0]
    try:
        for exercise in only or mutated_exercises():
            found = mutants(exercise)
            found = chosen(found) if chosen else found
            settings.only = (exercise,)
            submissions = [Submission(Path(f"{m.id}.py"), [m.source], tolerant=False) for m in found]
            done[0] = 0

            def graded(_index: int, _report: Report, exercise: str = exercise, count: int = len(found)) -> None:
                done[0] += 1
                if progress:
                    progress(exercise, done[0], count)

            reports = grade_all(submissions, settings, worker, on_report=graded)
            verdicts += [Verdict(m, r) for m, r in zip(found, reports)]
    finally:
        if own:
            worker.close()
    return verdicts


def summary(verdicts: list[Verdict], known: dict[str, dict[str, str]] | None = None) -> str:
    """Per exercise: mutants, killed, equivalent, kill rate; then every survivor with its diff and status."""
    known = equivalent() if known is None else known
    lines = [f"{'exercise':<26} {'mutants':>7} {'killed':>6} {'equivalent':>10} {'unexplained':>11} {'kill rate':>9}"]
    names = list(dict.fromkeys(v.mutant.exercise for v in verdicts))
    for name in [*names, "all"]:
        own = [v for v in verdicts if name in ("all", v.mutant.exercise)]
        killed = sum(v.killed for v in own)
        same = sum(not v.killed and v.mutant.id in known for v in own)
        rate = killed / len(own) if own else 0.0
        lines.append(f"{name:<26} {len(own):>7} {killed:>6} {same:>10} {len(own) - killed - same:>11} {rate:>9.1%}")
    killed = sum(v.killed for v in verdicts)
    live = len(verdicts) - sum(not v.killed and v.mutant.id in known for v in verdicts)
    if live:
        lines.append(f"\nkilled {killed} of the {live} mutants that are not equivalent: {killed / live:.1%}")
    survivors = [v for v in verdicts if not v.killed]
    for verdict in survivors:
        reason = known.get(verdict.mutant.id, {}).get("reason")
        status = f"equivalent: {reason}" if reason else "UNEXPLAINED: a case the grader lacks"
        lines += ["", f"survivor {verdict.mutant.id} ({status})", *("    " + line for line in
                                                                   verdict.mutant.diff.splitlines())]
    stale = [key for key in known if any(v.mutant.id == key and v.killed for v in verdicts)]
    for key in stale:
        lines.append(f"\nrecorded as equivalent but now killed (remove it from {EQUIVALENT.name}): {key}")
    return "\n".join(lines)


def unexplained(verdicts: list[Verdict], known: dict[str, dict[str, str]] | None = None) -> list[Verdict]:
    """Survivors that are not recorded as equivalent."""
    known = equivalent() if known is None else known
    return [v for v in verdicts if not v.killed and v.mutant.id not in known]
