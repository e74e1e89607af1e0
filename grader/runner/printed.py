"""What a job's code printed, as a report shows it: the head of it, the libraries' own logs folded, and
in a shared run each part's own section."""

from __future__ import annotations

import re

from grader.runner.jobs import SECTION_LINE, Job


def read_output(job: Job, limit: int = 4000) -> str:
    """The head of what the job's code printed, with a note when it was cut.

    A part of a shared run gets what the code printed while loading, then in its own section.
    """
    path = job.dir / "output.txt"
    try:
        kept_output = path.read_bytes()  # at most Limits.output_bytes
    except OSError:
        return ""
    shown = kept_output if job.section is None else _section(kept_output, job.section)
    text = fold_library_logs(shown.decode("utf-8", errors="replace"))
    head = text.encode()[:limit]
    more = len(text.encode()) - len(head)
    text = head.decode("utf-8", errors="ignore")
    total = max(int(job.outcome.get("output_bytes", len(kept_output)) or 0), len(kept_output))
    discarded = total - len(kept_output) if job.section is None else 0
    if more or discarded:
        note = f"\n[... {more + discarded} more bytes not shown"
        if discarded:
            note += f"; output is capped at {len(kept_output)} bytes per exercise and the rest was discarded"
        text += note + "]"
    return text

# Lines that TensorFlow, Keras' backend and absl log on their own (Python's logging and the C++ log format):
# a retracing warning is about 600 characters, and says nothing about the learner's answer.
_LIBRARY_LOG = re.compile(r"^(?:(?:WARNING|INFO|ERROR):(?:tensorflow|absl):|[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ |"
                          r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] (?:tensorflow|external|xla)/)")

def fold_library_logs(text: str) -> str:
    """`text` with the libraries' own log lines folded into one line that counts them, where the first was;
    every other line (what the learner's code printed) stays as it was."""
    lines, folded, at = [], 0, -1
    for line in text.split("\n"):
        if _LIBRARY_LOG.match(line):
            folded += 1
            if at < 0:
                at = len(lines)
                lines.append("")
        else:
            lines.append(line)
    if folded:
        lines[at] = f"[{folded} TensorFlow/absl log line{'s' if folded > 1 else ''} not shown]"
    return "\n".join(lines)

def _section(output: bytes, index: int) -> bytes:
    """What was printed while loading, then in section `index`, of a shared run's output."""
    pieces = SECTION_LINE.split(output)
    loading = pieces[0]
    sections = {number: text for number, _, text in zip(pieces[1::3], pieces[2::3], pieces[3::3])}
    return loading + sections.get(str(index).encode(), b"")
