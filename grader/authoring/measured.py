"""The numbers the exercise text states, from one measured source that the benchmarks write.

`benchmarks/measured.json` holds each measured quantity the text quotes, as a benchmark measured it over
its seeds: `{name: {"median": m, "min": a, "max": b, "seeds": "0-4", "source": "..."}}`
(`benchmarks/measurements.py` and `benchmarks/trainable_deep_model.py` write it with `record`). The
solutions' docstrings and the chapter quote a quantity as `[[name.stat:digits]]` (stat: median, min or
max; digits: significant digits, 0 for a whole number), and `python -m grader.build` writes the number
into every text learners read (the stubs, the notebook). tests/test_measured.py measures a fast subset
again at one seed and fails when a quantity's stated range no longer holds it.
"""

from __future__ import annotations

import json
import re
import statistics
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MEASURED = Path(__file__).resolve().parents[2] / "benchmarks" / "measured.json"
WRAP = 106  # the width of the docstrings' and the chapter's paragraphs
QUOTE = re.compile(r"\[\[([\w-]+)\.(median|min|max):(\d)\]\]")


def load(path: Path = MEASURED) -> dict[str, dict[str, Any]]:
    """Every measured quantity, by name."""
    return json.loads(path.read_text(encoding="utf-8"))


def number(value: float, digits: int) -> str:
    """`value` as the text states it: a whole number (digits 0), else `digits` significant digits, in
    scientific notation (3.5e-4) below 0.001 or from 10,000."""
    if digits == 0:
        return str(round(value))
    if value != 0 and not 1e-3 <= abs(value) < 1e4:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.{digits}g}"


def render(text: str, measured: dict[str, dict[str, Any]] | None = None) -> str:
    """`text` with each `[[name.stat:digits]]` replaced by the measured number (KeyError for an unknown name);
    each paragraph that quotes one is wrapped again, at its own indent, to WRAP characters."""
    measured = load() if measured is None else measured

    def paragraph(block: str) -> str:
        if not QUOTE.search(block):
            return block
        indent = re.match(r"[ \t]*", block.lstrip("\n")).group()
        words = QUOTE.sub(lambda m: number(float(measured[m.group(1)][m.group(2)]), int(m.group(3))), block).split()
        return textwrap.fill(" ".join(words), WRAP, initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False)

    return "\n\n".join(paragraph(block) for block in text.split("\n\n"))


def quoted(text: str) -> set[str]:
    """The names of the quantities `text` quotes."""
    return {match.group(1) for match in QUOTE.finditer(text)}


def summarise(values: Iterable[float], seeds: str, source: str) -> dict[str, Any]:
    """A quantity's entry: median, min and max of its values over the seeds (the finite ones)."""
    finite = [float(v) for v in values if v == v and abs(v) != float("inf")]
    return {"median": statistics.median(finite), "min": min(finite), "max": max(finite), "seeds": seeds,
            "source": source}


def record(entries: dict[str, dict[str, Any]], path: Path = MEASURED) -> None:
    """Writes `entries` (name: `summarise(...)`) into the data file, keeping the other benchmarks' entries."""
    found = load(path) if path.exists() else {}
    found.update(entries)
    path.write_text(json.dumps(dict(sorted(found.items())), indent=1) + "\n", encoding="utf-8")


def disagreements(measured: dict[str, dict[str, Any]], again: dict[str, float], slack: float = 1e-3) -> list[str]:
    """What no longer holds: each quantity measured `again` (one seed of the benchmark's) outside its stated
    range [min, max] (widened by `slack`, relative, for rounding), and each stated median outside its range."""
    found = []
    for name, entry in measured.items():
        low, high = entry["min"], entry["max"]
        if not low <= entry["median"] <= high:
            found.append(f"{name}: the stated median {entry['median']:g} is outside its range [{low:g}, {high:g}]")
    for name, value in again.items():
        low, high = measured[name]["min"], measured[name]["max"]
        if not low - slack * abs(low) <= value <= high + slack * abs(high):
            found.append(f"{name}: measured again {value:.4g}, outside the stated range [{low:g}, {high:g}] "
                         f"({measured[name]['source']})")
    return found
