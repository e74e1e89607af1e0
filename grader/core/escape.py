"""Learner text made safe to show an instructor: on a terminal, in a spreadsheet, in any UTF-8 file.

Learner text is anything a learner chooses: an exception message, what their code printed, a file name.
`visible` is the one function every such text goes through before it reaches a terminal (and a CSV
cell, which `cat` shows as well); `csv_bytes` is the one writer of every CSV the grader writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# Control characters (C0, DEL, C1: ESC, BEL, CR, backspace, the CSI that starts a cursor move...), the
# bidirectional controls that make text read other than it is ("Trojan Source"),
# and lone surrogates: a file name's bytes that are not UTF-8 (Python's surrogateescape keeps them as
# U+DC80..U+DCFF), or a lone surrogate from JSON, which no UTF-8 file can hold.
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]}
_ESCAPES |= {code: f"\\u{code:04x}" for code in [*_BIDI, *range(0xD800, 0xE000)]}
_ESCAPES |= {code: f"\\x{code - 0xDC00:02x}" for code in range(0xDC80, 0xDD00)}  # the undecodable byte itself
_ONE_LINE = _ESCAPES
_LAYOUT = {code: escape for code, escape in _ESCAPES.items() if chr(code) not in "\n\t"}

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection"; ASVS
# 1.2.10 adds NUL); a line feed is there for spreadsheets that trim it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def visible(text: str, one_line: bool = False) -> str:
    """`text` with every control character shown as its escape (`\\x1b`, `\\x07`, `\\x0d`...), bidirectional
    controls as `\\u202e`, and bytes of a name that are not UTF-8 as `\\xe9`: it prints as itself on any
    terminal and encodes as UTF-8. Newlines and tabs are kept for the layout, unless `one_line`."""
    return text.translate(_ONE_LINE if one_line else _LAYOUT)


def csv_cell(value: object) -> object:
    """A CSV cell as a spreadsheet should read it: a number as a number (scores and counts are never
    negative, so a number needs no neutralising); text shown `visible`, and text a spreadsheet would read
    as a formula prefixed with a single quote (OWASP), which the writer then quotes with every text cell."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = visible(str(value))
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return round(value, 6) if isinstance(value, float) else value


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    """A whole CSV file (UTF-8): every text cell quoted and neutralised (`csv_cell`), numbers bare."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    for row in [header, *rows]:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode()
