"""The boundary where a child's results are read back (`grader.core.plain`): plain data round-trips exactly,
and whatever else a file holds (a learner's process may write anything there) is refused with
`PlainDataError`, never unpickled, never unpacked past the caps."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from grader.core import plain
from grader.core.plain import PlainDataError


def roundtrip(value: object, tmp_path: Path) -> object:
    path = tmp_path / "case-0.json"
    plain.dump(value, path)
    return plain.load(path)


# ------------------------------------------------------------------------------------ what round-trips


def test_plain_structures_and_arrays_come_back_as_written(tmp_path: Path) -> None:
    arrays = {kind: np.arange(6).astype(kind).reshape(2, 3) for kind in ("bool", "int8", "uint16", "float32",
                                                                        "float64", "complex64")}
    strings = np.array(["a", "bé"]), np.array([b"x", b"yz"])
    value = {"ok": True, "data": {"n": 3, "x": 1.5, "s": "é\u2028", "none": None, "list": [1, [2, [3]]],
                                  "arrays": [*arrays.values(), *strings], "scalar": np.float32(0.25),
                                  "zero_d": np.array(7.0), "empty": np.zeros((0, 4))}}
    got = roundtrip(value, tmp_path)
    assert got["data"]["list"] == [1, [2, [3]]]
    assert got["data"]["scalar"] == 0.25 and type(got["data"]["scalar"]) is float  # a NumPy scalar as a number
    for written, read in zip([*arrays.values(), *strings], got["data"]["arrays"]):
        assert read.dtype == written.dtype and np.array_equal(read, written)
    assert got["data"]["zero_d"].shape == () and got["data"]["empty"].shape == (0, 4)
    assert {k: got["data"][k] for k in ("n", "x", "s", "none")} == {"n": 3, "x": 1.5, "s": "é\u2028", "none": None}


def test_nan_and_infinities_survive_in_structures_and_arrays(tmp_path: Path) -> None:
    got = roundtrip({"values": [math.nan, math.inf, -math.inf], "array": np.array([np.nan, np.inf])}, tmp_path)
    assert math.isnan(got["values"][0]) and got["values"][1:] == [math.inf, -math.inf]
    assert np.isnan(got["array"][0]) and got["array"][1] == np.inf


def test_tuples_read_back_as_lists_and_keys_as_strings(tmp_path: Path) -> None:
    assert roundtrip({"t": (1, (2, 3)), 4: "four"}, tmp_path) == {"t": [1, [2, 3]], "4": "four"}


def test_a_structure_without_arrays_writes_no_archive(tmp_path: Path) -> None:
    roundtrip({"a": 1}, tmp_path)
    assert not (tmp_path / "case-0.npz").exists()


@pytest.mark.parametrize("value", [
    {1: "int", "1": "str"},  # two keys that read back as one
    {"__array__": "a0"},  # a dict that reads back as an array reference
])
def test_what_would_not_read_back_as_written_is_refused_when_written(value: dict, tmp_path: Path) -> None:
    with pytest.raises(PlainDataError):
        plain.dump({"data": value}, tmp_path / "case-0.json")
    assert not (tmp_path / "case-0.json").exists()


def test_what_is_not_plain_is_refused_when_written(tmp_path: Path) -> None:
    with pytest.raises(TypeError):  # the child turns it into an error result (`child._write_result`)
        plain.dump({"data": object()}, tmp_path / "case-0.json")


# ------------------------------------------------------------------------- hostile files read back


def write_json(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "case-0.json"
    path.write_bytes(data)
    return path


def write_npz(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.with_suffix(".npz").write_bytes(buffer.getvalue())


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


class Marker:
    """Unpickling it creates a directory: the proof that a pickle ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple:
        return os.mkdir, (str(self.path),)


@pytest.mark.parametrize("data", [b"", b"{", b"\xff\xfe\x00binary", b"[" * 100_000 + b"]" * 100_000,
                                  b"1" * 5000, b'{"a": 1} trailing'])
def test_a_results_file_that_is_not_json_is_refused(data: bytes, tmp_path: Path) -> None:
    with pytest.raises(PlainDataError, match="is not JSON"):
        plain.load(write_json(tmp_path, data))


def test_structures_nested_deeper_than_python_recurses_are_refused(tmp_path: Path) -> None:
    # Deep enough for json to read, too deep to walk back.
    depth = 990
    with pytest.raises(PlainDataError):
        plain.load(write_json(tmp_path, b'{"a":' * depth + b"1" + b"}" * depth))


def test_a_results_file_over_its_cap_is_refused_unread(tmp_path: Path) -> None:
    path = write_json(tmp_path, b" " * (plain.MAX_JSON_BYTES + 1))
    with pytest.raises(PlainDataError, match="larger than"):
        plain.load(path)


@pytest.mark.parametrize("reference", ['"a9"', "5", '["a0"]', '{"k": 1}', "null"])
def test_an_array_reference_to_nothing_is_refused(reference: str, tmp_path: Path) -> None:
    path = write_json(tmp_path, f'{{"data": {{"__array__": {reference}}}}}'.encode())
    write_npz(path, {"a0.npy": npy(np.zeros(2))})
    with pytest.raises(PlainDataError, match="array reference"):
        plain.load(path)


def test_a_pickled_object_array_is_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    path = write_json(tmp_path, b'{"data": {"__array__": "a0"}}')
    write_npz(path, {"a0.npy": npy(np.array([Marker(marker)], dtype=object))})
    with pytest.raises(PlainDataError):
        plain.load(path)
    assert not marker.exists()


def test_a_raw_pickle_inside_the_archive_is_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    path = write_json(tmp_path, b'{"data": {"__array__": "a0"}}')
    write_npz(path, {"a0.npy": pickle.dumps(Marker(marker))})  # no .npy header: NumPy would hand back bytes
    with pytest.raises(PlainDataError):
        plain.load(path)
    assert not marker.exists()


@pytest.mark.parametrize("members", [
    {"a0": npy(np.zeros(2))},  # not a .npy member: NumPy hands back its raw bytes
    {"a0.npy": npy(np.zeros(2)), "notes.txt": b"hello"},
])
def test_an_archive_member_that_is_not_an_array_is_refused(members: dict[str, bytes], tmp_path: Path) -> None:
    path = write_json(tmp_path, b'{"data": 1}')
    write_npz(path, members)
    with pytest.raises(PlainDataError, match="not an array"):
        plain.load(path)


@pytest.mark.parametrize("array", [
    np.array(["2026-01-01"], dtype="datetime64[D]"),
    np.array([1], dtype="timedelta64[s]"),
    np.zeros(2, dtype=[("a", "f8"), ("b", "i4")]),  # a structured dtype
    np.zeros(2, dtype="V8"),
])
def test_arrays_of_other_than_plain_dtypes_are_refused(array: np.ndarray, tmp_path: Path) -> None:
    path = write_json(tmp_path, b'{"data": {"__array__": "a0"}}')
    write_npz(path, {"a0.npy": npy(array)})
    with pytest.raises(PlainDataError, match="dtype"):
        plain.load(path)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", b"\x00" * 100])
def test_an_archive_that_is_not_a_zip_is_refused(data: bytes, tmp_path: Path) -> None:
    path = write_json(tmp_path, b'{"data": {"__array__": "a0"}}')
    path.with_suffix(".npz").write_bytes(data)
    with pytest.raises(PlainDataError):
        plain.load(path)


def test_a_truncated_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "case-0.json"
    plain.dump({"data": np.arange(1000.0)}, path)
    npz = path.with_suffix(".npz")
    npz.write_bytes(npz.read_bytes()[:-200])
    with pytest.raises(PlainDataError):
        plain.load(path)


@pytest.mark.parametrize("shape", [(10**12,), (10**5, 10**5)])
def test_an_array_whose_header_claims_more_than_its_data_is_refused(shape: tuple, tmp_path: Path) -> None:
    path = write_json(tmp_path, b'{"data": {"__array__": "a0"}}')
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": shape})
    write_npz(path, {"a0.npy": header.getvalue() + np.zeros(4).tobytes()})
    with pytest.raises(PlainDataError, match="declares more data"):
        plain.load(path)


def test_a_compressed_archive_is_capped_by_what_it_unpacks_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    # 64 MiB of zeros compress to 64 KiB: a file within the cap could unpack to a thousand times it in the
    # grader's memory. Scaled down here: a cap of 1 MiB, and 8 MiB of zeros that compress to 8 KiB.
    monkeypatch.setattr(plain, "MAX_NPZ_BYTES", 2**20)
    path = write_json(tmp_path, b'{"data": {"__array__": "a0"}}')
    write_npz(path, {"a0.npy": npy(np.zeros(2**20))}, zipfile.ZIP_DEFLATED)
    assert path.with_suffix(".npz").stat().st_size < 2**20 / 16
    with pytest.raises(PlainDataError, match="unpacks to more than"):
        plain.load(path)


def test_an_archive_over_its_cap_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plain, "MAX_NPZ_BYTES", 1000)
    path = tmp_path / "case-0.json"
    plain.dump({"data": np.zeros(1000)}, path)
    with pytest.raises(PlainDataError, match="larger than"):
        plain.load(path)


def test_an_honest_archive_at_the_cap_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "case-0.json"
    plain.dump({"data": [np.zeros(1000), np.ones(10, dtype="int8")]}, path)
    monkeypatch.setattr(plain, "MAX_NPZ_BYTES", path.with_suffix(".npz").stat().st_size)
    got = plain.load(path)
    assert np.array_equal(got["data"][1], np.ones(10, dtype="int8"))


def test_the_archive_is_read_beside_the_json_of_the_same_name_only(tmp_path: Path) -> None:
    plain.dump({"data": np.ones(3)}, tmp_path / "case-0.json")
    plain.dump({"data": 1}, tmp_path / "case-1.json")
    assert plain.load(tmp_path / "case-1.json") == {"data": 1}
    assert json.loads((tmp_path / "case-0.json").read_text()) == {"data": {"__array__": "a0"}}


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    plain.write_atomic(tmp_path / "deep" / "x.json", b"{}")
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["x.json"]
