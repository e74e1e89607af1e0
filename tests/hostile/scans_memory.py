"""Scans its own writable memory at import for results the grader read before forking it (the reference's answers to the hidden cases, another learner's, a cached entry) and prints what it finds; answers correctly."""
# expect: full
# never: FOUND
import keras
import numpy as np
import tensorflow as tf

# {{REFERENCE}}


import ctypes
import re

# What a results file (grader/core/plain.py) or the trusted stage's training record holds, numbers included,
# and neither the grader's source nor this process's own inputs do (it has written no result yet).
# Written so that this file's own text and objects never hold a pattern in a row; each begins with a
# literal, which `re` looks for quickly.
_SIGNS = [re.compile(pattern) for pattern in (rb'"o[k]": true, "data": ', rb'"curve[s]": \[\[[-\dNI]',
                                              rb'"ratio[s]": \[[-\dNI]')]
with open("/proc/self/maps") as _maps:
    _regions = [line.split() for line in _maps]
_found = 0
for _fields in _regions:
    _start, _end = (int(part, 16) for part in _fields[0].split("-"))
    # Writable memory that no file backs (the heap, malloc's and Python's arenas): where freed buffers lie.
    if not _fields[1].startswith("rw") or _fields[4] != "0" or (len(_fields) > 5 and _fields[5] != "[heap]"):
        continue
    _memory = (ctypes.c_char * (_end - _start)).from_address(_start)  # searched in place, never copied
    for _sign in _SIGNS:
        for _match in _sign.finditer(_memory):
            if _found < 5:
                print("FOUND in memory:", _memory[_match.start():_match.start() + 100])
            _found += 1
