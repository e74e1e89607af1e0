"""Scans its own writable memory at import for results the grader read before forking it (the reference's answers to the hidden cases, another learner's, a cached entry) and prints what it finds; answers correctly."""
# expect: full
# never: FOUND
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import ctypes
import re

# What a results file (grader/plain.py) or the trusted stage's training record holds, numbers included,
# and neither the grader's source nor this process's own inputs do (it has written no result yet).
# Written so that this file's own text and objects never hold the pattern in a row.
_SIGNS = re.compile(rb'[{]"ok": true, "data": |"curve[s]": \[\[[-\dNI]|"ratio[s]": \[[-\dNI]')
_CHUNK = 1 << 26
with open("/proc/self/maps") as _maps:
    _regions = [line.split() for line in _maps]
_found = 0
for _fields in _regions:
    _start, _end = (int(part, 16) for part in _fields[0].split("-"))
    if not _fields[1].startswith("rw") or (len(_fields) > 5 and _fields[5].startswith("[v")):
        continue
    for _offset in range(_start, _end, _CHUNK):
        _data = ctypes.string_at(_offset, min(_CHUNK, _end - _offset))
        for _match in _SIGNS.finditer(_data):
            if _found < 5:
                print("FOUND in memory:", _data[_match.start():_match.start() + 100])
            _found += 1
        del _data
