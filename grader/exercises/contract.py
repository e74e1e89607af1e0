"""What an exercise module must define, as Protocols the registry checks once, when it loads the module.

An exercise is a module (grader/exercises/<name>.py), so these Protocols describe modules: their data
members are module constants and their methods module functions (PEP 544). Three shapes:

- `Exercise`, every exercise: `NAME`, `POINTS`, `SECONDS`, `COST`, `SHIPPED`, `MISTAKES`, `cases`, `run`, `check`.
- `Plotted`, an exercise that draws the learner's answer beside the reference's on the feedback page:
  also `plot(figure, case, got, expected)`. Optional: an exercise without it gets no picture.
- `Trusted`, an exercise graded by an outcome the grader computes from the answer (a model it trains):
  also `trusted_case(case, got)` and `run_trusted(case)`, both or neither.

`validate` raises `ExerciseContractError` naming the module and each thing it lacks or gets wrong, so a
module that breaks the contract fails when it loads, not when a learner's answer first reaches the part
it lacks. Past that, the grader asks `isinstance(module, Trusted)` (or `Plotted`), never `hasattr`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from grader.core.case import Case


@runtime_checkable
class Exercise(Protocol):
    """Every exercise module."""

    NAME: str  # the module's own name, which is the learner's function's name
    POINTS: float  # the exercise's points, split over its cases in whole hundredths
    SECONDS: float  # the CPU-time limit of its job (`grader.exercises.time_limit`), before `--time-scale`
    # The CPU seconds its reference's function takes on its cases in a warm process (measured by
    # benchmarks/submission_cost.py): how a submission's exercises are shared out over processes.
    COST: float
    # The fields of its public cases' reference results that `check` reads, each with why: only those
    # ship in grader/expected/, which learners can read.
    SHIPPED: dict[str, str]
    MISTAKES: dict[str, str]  # each mistake id `check` may name, as a class reads it (grader.output.summary)

    def cases(self, seed: int) -> list[Case]:
        """Its public cases, then its hidden ones drawn from `grader.core.case.hidden_rng(seed, ...)` alone."""
        ...

    def run(self, function: Callable[..., Any], case: Case) -> Any:
        """Calls the learner's (or the reference's) `function` on `case`, in the child: plain data back."""
        ...

    def check(self, case: Case, got: Any, expected: Any) -> None:
        """Compares `got` with the reference's `expected`, in the grader; raises `feedback.Failure`."""
        ...


@runtime_checkable
class Plotted(Exercise, Protocol):
    """An exercise whose feedback shows a picture."""

    def plot(self, figure: Figure, case: Case, got: Any, expected: Any) -> None:
        """Draws the learner's answer beside the reference's on the empty matplotlib `figure`.

        `got` is what `check` read (an answer that failed it may be malformed: a picture that cannot be
        drawn is left out, never an error).
        """
        ...


@runtime_checkable
class Trusted(Exercise, Protocol):
    """An exercise graded by an outcome the grader computes from the answer, where no learner code ran.

    The grader (`grading.trusted.trusted_stage`) calls `trusted_case` on each answer, runs the cases it gives in
    a child of kind "trusted" (which loads no learner or reference code) with `run_trusted`, and `check`
    finds the result under `got[grader.core.case.TRUSTED]` (None, or {"refused": why}, when there is none).
    """

    def trusted_case(self, case: Case, got: Any) -> Case | None:
        """In the grader: the case carrying the answer as checked plain data, or None (nothing to compute)."""
        ...

    def run_trusted(self, case: Case) -> Any:
        """In the trusted child: the outcome `check` judges, as plain data."""
        ...


class ExerciseContractError(TypeError):
    """An exercise module lacks, or gets wrong, part of the contract (`Exercise`, `Plotted`, `Trusted`)."""

    def __init__(self, module: str, problems: list[str]) -> None:
        super().__init__(f"{module} breaks the exercise contract (grader/exercises/contract.py): "
                         + "; ".join(problems))
        self.module = module
        self.problems = problems


CONSTANTS: dict[str, tuple[type, ...]] = {"NAME": (str,), "POINTS": (int, float), "SECONDS": (int, float),
                                          "COST": (int, float), "SHIPPED": (dict,), "MISTAKES": (dict,)}


def _parameters(protocol: type) -> dict[str, list[str]]:
    """Each function a Protocol declares itself, with its parameters as a module function takes them."""
    return {name: list(inspect.signature(function).parameters)[1:]  # without `self`
            for name, function in vars(protocol).items() if inspect.isfunction(function) and not name.startswith("_")}


FUNCTIONS = _parameters(Exercise)
PLOT = _parameters(Plotted)
TRUSTED_STAGE = _parameters(Trusted)


def _function_problems(module: ModuleType, functions: dict[str, list[str]]) -> list[str]:
    problems = []
    for name, parameters in functions.items():
        function = getattr(module, name, None)
        if function is None:
            problems.append(f"no {name}({', '.join(parameters)})")
        elif not callable(function):
            problems.append(f"{name} is a {type(function).__name__}, not a function")
        else:
            try:
                inspect.signature(function).bind(*parameters)
            except TypeError:
                problems.append(f"{name} cannot be called as {name}({', '.join(parameters)})")
            except ValueError:  # a callable without a signature (a builtin): taken as it is
                pass
    return problems


def validate(module: ModuleType, name: str) -> Exercise:
    """`module` as the `Exercise` it is, once checked that it is exercise `name` and keeps the contract.

    Raises:
        ExerciseContractError: naming the module and everything it lacks or gets wrong.
    """
    problems = []
    for constant, kinds in CONSTANTS.items():
        value = getattr(module, constant, None)
        if value is None:
            problems.append(f"no {constant}")
        elif not isinstance(value, kinds) or isinstance(value, bool):
            problems.append(f"{constant} is a {type(value).__name__}, not a {' or '.join(k.__name__ for k in kinds)}")
    if isinstance(getattr(module, "NAME", None), str) and module.NAME != name:
        problems.append(f"NAME is {module.NAME!r}, not the module's name {name!r}")
    for constant in ("POINTS", "SECONDS", "COST"):
        value = getattr(module, constant, None)
        if isinstance(value, int | float) and not isinstance(value, bool) and not value > 0:
            problems.append(f"{constant} is {value!r}, not a positive number")
    for constant in ("SHIPPED", "MISTAKES"):
        value = getattr(module, constant, None)
        if isinstance(value, dict) and not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            problems.append(f"{constant} is not a dict of strings (each with its why)")
    problems += _function_problems(module, FUNCTIONS)
    if hasattr(module, "plot"):
        problems += _function_problems(module, PLOT)
    stage = [function for function in TRUSTED_STAGE if hasattr(module, function)]
    if stage:
        problems += [f"{problem} (an exercise with a trusted stage defines {' and '.join(TRUSTED_STAGE)})"
                     if problem.startswith("no ") else problem
                     for problem in _function_problems(module, TRUSTED_STAGE)]
    if problems:
        raise ExerciseContractError(module.__name__, problems)
    return cast(Exercise, module)
