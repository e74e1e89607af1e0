"""A learner's return value as plain data (`answers.encode`, in the child) and read back (`kind`, `as_*`,
in the grader): every shape a learner may return is encoded as plain data that round-trips through
`grader.core.plain`, and every shape the grader reads back is a number, a vector, items, or a Failure that
says what was returned."""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.core import answers, plain
from grader.core.feedback import Failure


def through_files(value: Any, tmp_path: Path) -> Any:
    """What the grader reads of `value`: encoded in the child, written, read back."""
    path = tmp_path / "case-0.json"
    plain.dump({"ok": True, "data": answers.encode(value)}, path)
    return plain.load(path)["data"]


class Tensorish:
    """Converts to an array as tensors do."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.array


class Unconvertible:
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise RuntimeError("no")


# ------------------------------------------------------------------------------------ encode (child)


@pytest.mark.parametrize("value, encoded", [
    (None, None), (True, True), (False, False), (3, 3), (2.5, 2.5), ("s", "s"),
    (np.int64(4), 4), (np.float32(0.5), 0.5), (np.bool_(True), True),
    (np.complex64(1j), {"object": "complex64"}), (np.str_("x"), "x"), (np.datetime64("2026"), {"object": "datetime64"}),
    ([1, "a"], {"list": [1, "a"], "type": "list"}), ((1,), {"list": [1], "type": "tuple"}),
    ({"a": 1, 2: None}, {"dict": [["a", 1], [2, None]]}),
    (object(), {"object": "object"}), (len, {"object": "builtin_function_or_method"}),
    ({1, 2}, {"object": "set"}), (b"bytes", {"object": "bytes"}),
])
def test_each_kind_of_value_has_its_encoding(value: Any, encoded: Any) -> None:
    assert answers.encode(value) == encoded


def test_encoded_bools_and_numbers_keep_their_types() -> None:
    values = (True, 3, 2.5, np.int8(1), np.float16(1))
    assert [type(answers.encode(v)) for v in values] == [bool, int, float, int, float]


def test_a_long_string_is_cut() -> None:
    assert answers.encode("x" * 5000) == "x" * 1000


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_nan_and_infinities_are_numbers(value: float, tmp_path: Path) -> None:
    got = through_files(value, tmp_path)
    assert isinstance(got, float) and (math.isnan(got) if math.isnan(value) else got == value)


def test_arrays_of_numbers_are_kept_and_others_named() -> None:
    for array in (np.arange(3), np.ones((2, 2), dtype="float32"), np.array([True, False]), np.array(5.0)):
        assert answers.encode(array) is array
    assert answers.encode(np.array([object()], dtype=object)) == {"object": "ndarray"}
    assert answers.encode(np.array(["a"])) == {"object": "ndarray"}
    assert answers.encode(np.array([1j])) == {"object": "ndarray"}
    assert answers.encode(np.zeros(1_000_001, dtype="int8")) == {"object": "ndarray"}  # too large


def test_array_likes_are_converted_and_unconvertible_ones_named() -> None:
    assert np.array_equal(answers.encode(Tensorish(np.arange(4.0))), np.arange(4.0))
    assert answers.encode(Tensorish(np.array(["a"]))) == {"object": "Tensorish"}
    assert answers.encode(Unconvertible()) == {"object": "Unconvertible"}


def test_keys_of_any_kind_are_encoded_as_values_not_strings(tmp_path: Path) -> None:
    # 1 and "1" would collide as JSON keys; as encoded pairs they stay apart, with their types.
    value = {1: "int", "1": "str", 1.5: "float", (1, 2): "tuple", None: "none", np.float32(2): "numpy"}
    got = through_files(value, tmp_path)
    assert got == {"dict": [[1, "int"], ["1", "str"], [1.5, "float"], [{"list": [1, 2], "type": "tuple"}, "tuple"],
                            [None, "none"], [2.0, "numpy"]]}


def test_dict_subclasses_and_order_are_kept() -> None:
    assert answers.encode(OrderedDict([("b", 1), ("a", 2)])) == {"dict": [["b", 1], ["a", 2]]}


def test_huge_containers_are_cut_to_max_items() -> None:
    encoded = answers.encode(list(range(answers.MAX_ITEMS + 5)))
    assert len(encoded["list"]) == answers.MAX_ITEMS
    assert len(answers.encode(dict.fromkeys(range(answers.MAX_ITEMS + 5)))["dict"]) == answers.MAX_ITEMS


def test_deep_and_self_referencing_structures_end_at_max_depth(tmp_path: Path) -> None:
    looped: list = []
    looped.append(looped)
    deep: dict = {}
    inner = deep
    for _ in range(100):
        inner["k"] = {}
        inner = inner["k"]
    for value in (looped, deep):
        got = through_files(value, tmp_path)
        depth = 0
        while isinstance(got, dict) and ("list" in got or "dict" in got):
            got = got["list"][0] if "list" in got else got["dict"][0][1]
            depth += 1
        assert got == {"object": "structure nested too deep"} and depth == answers.MAX_DEPTH + 1


def test_every_encoding_round_trips_through_the_files(tmp_path: Path) -> None:
    value = {"masks": {"dense": np.array([True, False]), 3: [np.int32(1), 2.5, None]}, "t": (np.arange(2.0),)}
    got = through_files(value, tmp_path)
    masks = got["dict"][0][1]["dict"]
    assert masks[0][0] == "dense" and np.array_equal(masks[0][1], [True, False])
    assert masks[1] == [3, {"list": [1, 2.5, None], "type": "list"}]
    assert np.array_equal(got["dict"][1][1]["list"][0], [0.0, 1.0])


def test_a_huge_integer_is_refused_when_written_not_when_read(tmp_path: Path) -> None:
    # Python refuses to print an int of over 4300 digits: the child turns that into an error result.
    with pytest.raises(ValueError):
        through_files(10**5000, tmp_path)
    assert answers.as_number(through_files(10**300, tmp_path), "x") == 1e300


# ----------------------------------------------------------------------------------- reading (grader)


@pytest.mark.parametrize("answer, words", [
    (None, "None"), (True, "the bool True"), (3, "the number 3"), (2.5, "the number 2.5"), ("s", "the string 's'"),
    (np.zeros((2, 3)), "an array of shape (2, 3)"), (np.array(4.0), "the number 4.0"),
    ({"dict": [[1, 2]]}, "a dict of 1 items"), ({"list": [1, 2], "type": "tuple"}, "a tuple of 2 items"),
    ({"object": "History"}, "a History object"),
])
def test_kind_says_what_an_answer_is(answer: Any, words: str) -> None:
    assert answers.kind(answer) == words


@pytest.mark.parametrize("answer, number", [(3, 3.0), (2.5, 2.5), (np.array(1.5), 1.5), (np.array([[7]]), 7.0),
                                            (np.array([True]), 1.0)])
def test_as_number_reads_numbers_and_one_element_arrays(answer: Any, number: float) -> None:
    got = answers.as_number(answer, "x")
    assert got == number and type(got) is float


def test_as_number_keeps_nan_for_the_check_to_judge() -> None:
    assert math.isnan(answers.as_number(math.nan, "x"))


@pytest.mark.parametrize("answer", [True, "3", np.zeros(2), {"list": [1], "type": "list"}, {"dict": []},
                                    {"object": "Tensor"}])
def test_as_number_refuses_what_is_not_one_number(answer: Any) -> None:
    with pytest.raises(Failure, match=re.escape(f"x should be a number, got {answers.kind(answer)}")) as failure:
        answers.as_number(answer, "x", "give a number")
    assert failure.value.mistake == "wrong-type" and failure.value.hint == "give a number"


def test_returning_nothing_is_a_mistake_of_its_own() -> None:
    for read in (answers.as_number, answers.as_vector, answers.as_items):
        with pytest.raises(Failure, match="got None") as failure:
            read(None, "the result")
        assert failure.value.mistake == "returns-nothing"


def test_as_vector_reads_lists_of_numbers_and_1d_arrays() -> None:
    assert np.array_equal(answers.as_vector({"list": [1, np.array(2.0), 3.5], "type": "tuple"}, "v"), [1, 2, 3.5])
    got = answers.as_vector(np.array([1, 2], dtype="int8"), "v")
    assert got.dtype == np.float64 and np.array_equal(got, [1, 2])


@pytest.mark.parametrize("answer, expected_error", [
    (np.zeros((2, 2)), "v should be a list of numbers, got an array of shape (2, 2)"),
    ({"list": [1, "a"], "type": "list"}, "each item of v should be a number, got the string 'a'"),
    ({"list": [1, {"list": [2], "type": "list"}], "type": "list"}, "each item of v should be a number"),
    ({"dict": [[0, 1]]}, "v should be a list of numbers, got a dict of 1 items"),
    (5, "v should be a list of numbers, got the number 5"),
])
def test_as_vector_refuses_other_shapes_saying_what_they_are(answer: Any, expected_error: str) -> None:
    with pytest.raises(Failure) as failure:
        answers.as_vector(answer, "v")
    assert failure.value.message.startswith(expected_error)


def test_as_items_reads_pairs_and_refuses_the_rest() -> None:
    assert answers.as_items({"dict": [["a", 1], [2, np.ones(1)]]}, "d")[0] == ("a", 1)
    with pytest.raises(Failure, match="d should be a dict, got a list of 0 items"):
        answers.as_items({"list": [], "type": "list"}, "d")


@pytest.mark.parametrize("key, number", [(1, 1.0), (2.5, 2.5), (np.array(3), 3.0), (np.array([4.0]), 4.0),
                                         ("1", None), (True, None), (None, None), (np.zeros(2), None),
                                         ({"list": [1], "type": "tuple"}, None)])
def test_as_key_number_reads_numeric_keys_only(key: Any, number: float | None) -> None:
    assert answers.as_key_number(key) == number
