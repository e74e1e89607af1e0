"""A self-contained HTML feedback page: verdicts, messages, hints and a picture per exercise.

Pictures are PNGs embedded as data URIs, so the page makes no request of its own; the layout is a
single column that reads on a phone. An exercise that keeps the `Plotted` contract
(`grader.exercises.contract`) draws the learner's answer beside the reference's on a figure, with
`plot(figure, case, got, expected)`; exercises without one get no picture.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from grader import exercises
from grader.core import pictures
from grader.core.escape import visible
from grader.core.plain import write_atomic
from grader.core.results import CaseResult, ExerciseResult, Report
from grader.exercises.contract import Plotted

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:1rem;color:#1d1d1f;
background:#fafafa;line-height:1.45}
main{max-width:52rem;margin:auto}
h1{font-size:1.4rem}h2{font-size:1.15rem;display:flex;justify-content:space-between;gap:1rem}
section{background:#fff;border:1px solid #ddd;border-radius:.6rem;padding:.8rem 1rem;margin:1rem 0}
ul{padding-left:1.1rem}li{margin:.35rem 0;overflow-wrap:anywhere}
h2 code{overflow-wrap:anywhere;min-width:0}
.ok{color:#1a7f37}.fail{color:#c62828}.hint{color:#555}.score{white-space:nowrap}
img{width:100%;max-width:100%;height:auto;border-radius:.4rem}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{white-space:pre-wrap;background:#f3f3f3;padding:.5rem;border-radius:.4rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}th.who{width:35%}
th,td{text-align:left;vertical-align:top;padding:.3rem .4rem;border-bottom:1px solid #eee;overflow-wrap:anywhere}
"""


def page(report: Report) -> str:
    """The whole feedback page for one graded submission."""
    title = f"Feedback: {report.path.name}"
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p class=score><strong>{report.score:.2f} / {report.max_score:.2f}</strong> points</p>"]
    if report.load_errors:
        items = "".join(f"<li>{html.escape(e['where'])}: {html.escape(e['type'])}: "
                        f"{html.escape(e['message'][:300])}</li>" for e in report.load_errors)
        parts.append(f"<section><h2>While loading your code</h2><ul>{items}</ul></section>")
    parts += [exercise_section(result) for result in report.exercises]
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>")


def exercise_section(result: ExerciseResult) -> str:
    """One exercise's section: its points, each case's verdict, and its picture."""
    heading = (f"<h2><code>{html.escape(result.name)}</code>"
               f"<span class=score>{result.score:.2f} / {result.max_score:.2f}</span></h2>")
    if result.not_attempted:
        return (f"<section>{heading}<p>Not attempted.<br><span class=hint>Hint: "
                f"{html.escape(result.cases[0].hint)}</span></p></section>")
    items = "".join(_case(case) for case in result.cases if case.concealed != "score")
    scored = [case for case in result.cases if case.concealed == "score"]
    if scored:
        items += (f"<li>Hidden cases: {sum(c.score for c in scored):.2f} / {sum(c.max_score for c in scored):.2f} "
                  "points (their details are not shown)</li>")
    picture = _picture(result)
    image = f"<img alt='{html.escape(result.name)}: your answer and the reference' src='{picture}'>" if picture else ""
    return f"<section>{heading}<ul>{items}</ul>{image}</section>"


def _case(result: CaseResult) -> str:
    title = html.escape(result.case.title + ("" if result.case.public or result.concealed else " (hidden)"))
    if result.passed:
        return f"<li><span class=ok>&#10003;</span> {title}</li>"
    hint = f"<br><span class=hint>Hint: {html.escape(result.hint)}</span>" if result.hint else ""
    return f"<li><span class=fail>&#10007;</span> {title}<br>{html.escape(result.message)}{hint}</li>"


def shown_case(result: ExerciseResult) -> CaseResult | None:
    """The case worth a picture: the first failure with an answer, else the first case with one."""
    answered = [case for case in result.cases if case.got is not None and case.expected is not None]
    failing = [case for case in answered if not case.passed]
    return (failing or answered or [None])[0]


def _picture(result: ExerciseResult) -> str | None:
    module = exercises.get(result.name)
    case = shown_case(result)
    if not isinstance(module, Plotted) or case is None:
        return None
    try:
        image = pictures.png(lambda figure: module.plot(figure, case.case, case.got, case.expected))
    except Exception:  # noqa: BLE001 - an answer too malformed to draw gets no picture, not a crash
        return None
    return "data:image/png;base64," + base64.b64encode(image).decode()


def write(report: Report, path: Path) -> None:
    """Writes the page atomically, learner text in it (a file name that is not UTF-8...) shown `visible`."""
    write_atomic(Path(path), visible(page(report)).encode())
