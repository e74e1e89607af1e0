"""What one job may use: each limit declared once (LIMITS), with its default, unit and help.

The command line's options (grader/cli.py), the nbgrader preprocessor's options
(grader/platforms/nbgrader_plugin.py) and README's table of limits (`python -m grader.build`) are all
derived from LIMITS; `Limits` holds one grading's values. Time limits count the CPU time of the job's
process (its threads included), not the wall clock, so that other work on the machine cannot turn a
correct submission into a time-out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GIB = 1024**3
MIB = 1024**2
SANDBOX_MODES = ("auto", "bwrap", "off", "portable")


@dataclass(frozen=True)
class Limit:
    """One limit, as every place that offers it shows it.

    Attributes:
        name: the `Limits` field.
        default: in the field's own unit (bytes for sizes).
        option: the command line's option.
        help: what it limits, one sentence (the default is added where it is shown).
        unit: the unit its value is given in: "s" (CPU seconds), "GiB", "MiB", "x" (a factor) or "".
        scale: the field's units per given unit (GIB for a size given in GiB).
        trait: the nbgrader preprocessor's option (`c.GradeOutsideKernel.<trait>`).
        choices: the values it may take, for a choice.
    """

    name: str
    default: float | int | str
    option: str
    help: str
    unit: str = ""
    scale: int = 1
    trait: str = ""
    choices: tuple[str, ...] = ()

    @property
    def given_default(self) -> float | int | str:
        """The default in the unit it is given in (4 for 4 GiB)."""
        return self.default / self.scale if self.scale != 1 else self.default

    @property
    def kind(self) -> type:
        """The type of a given value: str for a choice, int for whole seconds, float otherwise."""
        return type(self.default) if self.scale == 1 else float

    def shown_default(self) -> str:
        value = self.given_default
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{shown} {self.unit}" if self.unit in ("s", "GiB", "MiB") else shown

    @property
    def metavar(self) -> str | None:
        """What the command line's help shows for the value: its unit (S, GIB, X), or the choices."""
        return self.unit.upper() or None

    def full_help(self) -> str:
        """The help that the command line and the nbgrader option both show."""
        return f"{self.help} (default {self.shown_default()})"

    def value(self, given: float | int | str) -> float | int | str:
        """The field's value for a value given in `unit`."""
        return int(given * self.scale) if self.scale != 1 else self.kind(given)


LIMITS: tuple[Limit, ...] = (
    Limit("time_scale", 1.0, "--time-scale", unit="x", trait="time_scale",
          help="multiply every exercise's time limit (CPU time, `SECONDS` in its module) by this; limits count "
          "the code's CPU time, so a busy machine does not bring them closer"),
    # The backstop for code that sleeps or waits, which uses no CPU time.
    Limit("wall_factor", 5.0, "--wall-factor", unit="x", trait="wall_factor",
          help="also stop code after this many times its limit in wall-clock time, for code that sleeps or waits"),
    # A limit of its own: each exercise's limit counts from the end of loading.
    Limit("load_seconds", 60.0, "--load-seconds", unit="s", trait="load_seconds",
          help="CPU time the submission's top-level code (a notebook's cells) may take to load; code that does "
          "not load costs every exercise, once"),
    # TensorFlow alone maps ~1.2 GiB. A job cannot start other processes, so this bounds the job's memory.
    Limit("memory_bytes", 4 * GIB, "--memory", unit="GiB", scale=GIB, trait="memory",
          help="memory limit (address space) of the process running each exercise"),
    Limit("output_bytes", 1 * MIB, "--output-limit", unit="MiB", scale=MIB, trait="output_limit",
          help="printed output kept per exercise; the rest is dropped with a note"),
    # nbgrader_config.py sets the preprocessor's cell_timeout to nbgrader's own (c.Execute.timeout).
    Limit("cell_seconds", 30, "--cell-seconds", unit="s", trait="cell_timeout",
          help="time limit (CPU) of one notebook cell while the code loads; the next cell runs"),
    # A tmpfs in the sandbox; without it, the largest file the job may write.
    Limit("scratch_bytes", 256 * MIB, "--scratch", unit="MiB", scale=MIB, trait="scratch",
          help="size of each exercise's writable scratch directory"),
    Limit("sandbox", "auto", "--sandbox", trait="sandbox", choices=SANDBOX_MODES,
          help="auto: on Linux, bubblewrap when it works, else a warning; elsewhere the portable runner; bwrap: "
          "required; off: none; portable: a new process per exercise, as on macOS and Windows"),
    # Stopped as waiting (`clocks.IdleClock`), long before the wall-clock backstop.
    Limit("idle_seconds", 15.0, "--idle-seconds", unit="s", trait="idle_seconds",
          help="stop code whose CPU clock stands still this long (it sleeps or waits); 0: never"),
)
LIMIT = {limit.name: limit for limit in LIMITS}


@dataclass
class Limits:
    """One grading's limits: each field is declared, with its default, unit and help, in LIMITS."""

    time_scale: float = LIMIT["time_scale"].default
    wall_factor: float = LIMIT["wall_factor"].default
    load_seconds: float = LIMIT["load_seconds"].default
    memory_bytes: int = LIMIT["memory_bytes"].default
    output_bytes: int = LIMIT["output_bytes"].default
    cell_seconds: int = LIMIT["cell_seconds"].default
    scratch_bytes: int = LIMIT["scratch_bytes"].default
    sandbox: str = LIMIT["sandbox"].default
    idle_seconds: float = LIMIT["idle_seconds"].default

    @classmethod
    def given(cls, values: dict[str, Any]) -> Limits:
        """Limits from values given in each limit's unit, by field name (4 for `memory_bytes`: 4 GiB)."""
        return cls(**{name: LIMIT[name].value(value) for name, value in values.items()})

    def plain(self) -> dict[str, float]:
        """The limits a job's processes apply themselves; the time scale and the sandbox are the grader's,
        applied to each job's time limit and to how it runs."""
        return {limit.name: getattr(self, limit.name) for limit in LIMITS
                if limit.name not in ("time_scale", "sandbox")}

    def wall_seconds(self, seconds: float) -> float:
        """The wall-clock backstop of a limit of `seconds` of CPU time."""
        return seconds * max(self.wall_factor, 1.0)

    def used_up(self, outcome: Mapping[str, Any], seconds: float) -> bool:
        """True when a job's `outcome` shows its process did use a limit of `seconds`: that much CPU time,
        or its wall-clock backstop. A watchdog's exit code comes from the learner's process, which could
        exit with it of its own accord: it is believed only then."""
        return (outcome.get("cpu_seconds", 0.0) >= seconds
                or outcome.get("seconds", 0.0) >= self.wall_seconds(seconds))


def limits_table() -> str:
    """README's table of limits (Markdown), from LIMITS."""
    rows = ["| limit | command line | nbgrader (`c.GradeOutsideKernel.`) | default | what it limits |",
            "| --- | --- | --- | --- | --- |"]
    for limit in LIMITS:
        rows.append(f"| `{limit.name}` | `{limit.option}` | `{limit.trait}` | {limit.shown_default()} | "
                    f"{limit.help} |")
    return "\n".join(rows)

