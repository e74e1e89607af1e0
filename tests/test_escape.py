"""Learner text shown safely (grader.core.escape): on a terminal, in a spreadsheet, in a UTF-8 file."""

from __future__ import annotations

import csv
import io
import os

from grader.core.escape import csv_bytes, visible


def test_every_control_character_shows_as_its_escape_and_the_rest_is_kept() -> None:
    controls = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))
    shown = visible(controls)
    assert shown.replace("\n", "").replace("\t", "").isprintable() and "\n" in shown and "\t" in shown
    assert visible("\x1b]0;title\x07\x1b[1A\r\x08") == r"\x1b]0;title\x07\x1b[1A\x0d\x08"
    assert visible("a\nb\tc", one_line=True) == r"a\x0ab\x09c"
    assert visible("héllo, wörld … ✓ 日本") == "héllo, wörld … ✓ 日本"
    assert visible("admin\u202e.py") == r"admin\u202e.py"  # a name that reads backwards from here


def test_a_name_that_is_not_utf8_shows_its_bytes_and_encodes() -> None:
    name = os.fsdecode(b"caf\xe9_\xff.py")
    assert visible(name) == r"caf\xe9_\xff.py"
    assert visible("lone \ud800").encode() == rb"lone \ud800"


def test_csv_text_cells_that_a_spreadsheet_would_run_are_neutralised_and_numbers_stay_numbers() -> None:
    data = csv_bytes(["name", "total", "share"], [["=2+5+cmd|' -C calc'!A0", 12.0, 1 / 3],
                                                  ["-1", 0, 0.5], ["@SUM(A1)", 1.5, 1.0], ["\tx", 2, 0.25],
                                                  ["+1", 3, 0.0], ["plain, \"quoted\"", 4, 0.125]])
    text = data.decode()
    assert text.splitlines()[1] == "\"'=2+5+cmd|' -C calc'!A0\",12,0.333333"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows[1:]] == ["'=2+5+cmd|' -C calc'!A0", "'-1", "'@SUM(A1)", "'\tx", "'+1",
                                            'plain, "quoted"']
    assert [row[1:] for row in rows[1:]] == [["12", "0.333333"], ["0", "0.5"], ["1.5", "1"], ["2", "0.25"],
                                             ["3", "0"], ["4", "0.125"]]
