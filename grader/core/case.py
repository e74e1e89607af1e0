"""A case: the inputs of one call of an exercise function, as plain data."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Where an exercise with a trusted stage (`trusted_case`, `run_trusted`: see grader/exercises/__init__.py)
# finds, in the answer `check` reads, what the grader's own child computed from the learner's answer. The
# grader always writes this key, over whatever the learner's process put there.
TRUSTED = "trusted"
# The module the reference solutions load as in a child (grader.runner.child): an exercise's `run` may ask the
# reference function for more than the answer (a diagnosis `check` reads from the expected result only).
REFERENCE_MODULE = "reference_solutions"
# The instructor's seed is stretched by scrypt (memory-hard: 32 MiB, 0.1 s of CPU here) before any hidden
# case is drawn from it, so that each seed a learner tries costs as much: trying every seed below a
# million takes over a day of CPU (tests/test_seeds.py measures it). What is drawn from the stretched key
# goes through keyed BLAKE2b, one stream per case, so one case tells nothing about another.
SEED_STRETCH = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}
SEED_SALT = b"optimization-grader: hidden cases"


def hidden_rng(seed: int, exercise: str, index: int) -> np.random.Generator:
    """The random stream of hidden case `index` of `exercise` under the instructor's `seed`.

    Every hidden draw comes from here: the same seed gives the same cases; without the seed, a case
    (its spec, arrays, title, messages, pictures) gives away neither the seed nor any other case.
    """
    digest = hashlib.blake2b(f"{exercise}/{index}".encode(), key=_hidden_key(seed), digest_size=32).digest()
    return np.random.default_rng(int.from_bytes(digest, "big"))


@functools.lru_cache(maxsize=4)
def _hidden_key(seed: int) -> bytes:
    """The key every hidden draw of `seed` is derived from (stretched once per seed and process)."""
    return hashlib.scrypt(str(int(seed)).encode(), salt=SEED_SALT, **SEED_STRETCH)


@dataclass
class Case:
    """One call of an exercise function.

    Attributes:
        exercise: the function it calls, e.g. "dead_neuron_mask".
        title: what the case is for, read by learners ("a unit alive on a single row").
        public: public cases run in `grader check`; hidden ones only in `grader grade`.
        spec: JSON-able parameters (learning rates, layer sizes, seeds).
        arrays: NumPy inputs (x, y, weights).
    """

    exercise: str
    title: str
    public: bool
    spec: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def test_name(self) -> str:
        """The Gradescope test name: the exercise function first."""
        return f"{self.exercise}: {self.title}"

    def fingerprint(self) -> str:
        """A digest of everything the case's result depends on."""
        digest = hashlib.sha256()
        digest.update(json.dumps([self.exercise, self.spec], sort_keys=True).encode())
        for name in sorted(self.arrays):
            array = np.ascontiguousarray(self.arrays[name])
            digest.update(name.encode() + str(array.dtype).encode() + str(array.shape).encode())
            digest.update(array.tobytes())
        return digest.hexdigest()

    def to_plain(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "title": self.title, "public": self.public,
                "spec": self.spec, "arrays": dict(self.arrays)}

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Case:
        return cls(plain["exercise"], plain["title"], plain["public"], plain["spec"],
                   dict(plain.get("arrays", {})))


def random_classification(
    rng: np.random.Generator, rows: int, features: int, classes: int
) -> dict[str, np.ndarray]:
    """Standard-normal features and one-hot labels, float32, every class present when rows allow."""
    x = rng.normal(size=(rows, features)).astype("float32")
    labels = np.arange(rows) % classes
    rng.shuffle(labels)
    y = np.eye(classes, dtype="float32")[labels]
    return {"x": x, "y": y}


def weight_arrays(weights: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Model weights (kernel, bias, kernel, bias, ...) as named case arrays w0, w1, ..."""
    return {f"w{i}": np.asarray(w, dtype="float32") for i, w in enumerate(weights)}


def weights_of(case: Case) -> list[np.ndarray] | None:
    """The weights that `weight_arrays` stored in a case, in order, or None."""
    names = sorted((k for k in case.arrays if k.startswith("w") and k[1:].isdigit()), key=lambda k: int(k[1:]))
    return [case.arrays[name] for name in names] or None


def layer_names(n_layers: int) -> list[str]:
    """Names of the Dense layers of every case model: hidden_1, hidden_2, ..., output."""
    return [f"hidden_{i + 1}" for i in range(n_layers - 1)] + ["output"]
