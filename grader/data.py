"""The wine data shipped with scikit-learn, read as plain NumPy (no scikit-learn import, no download)."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np


@cache
def wine() -> tuple[np.ndarray, np.ndarray]:
    """The UCI wine recognition data: (features (178, 13) float64, cultivar 0-2 (178,) int)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is not installed; it ships the wine data: pip install scikit-learn")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "wine_data.csv"
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    return table[:, :-1], table[:, -1].astype(int)


def standardized_wine(rows: int | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Standardised wine features (float32) and one-hot cultivars, optionally `rows` drawn by `seed`."""
    features, target = wine()
    x = ((features - features.mean(axis=0)) / features.std(axis=0)).astype("float32")
    y = np.eye(3, dtype="float32")[target]
    if rows is not None:
        pick = np.random.default_rng(seed).choice(len(x), size=rows, replace=False)
        x, y = x[pick], y[pick]
    return x, y
