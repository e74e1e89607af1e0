"""Measurements behind trainable_deep_model's settings (grader/exercises/trainable_deep_model.py).

For each way of choosing the hidden layers' activation and initialiser, the final training loss that
the grader's own training (`trainable_deep_model.run_trusted`: plain SGD, its learning rate, epochs and batch
size, fresh weights drawn at each seed) reaches on the public case (wine, depth 10) and on hidden-like
cases (Gaussian clusters at depths 16-20), over SEEDS seeds; and the time `run` takes.

Run from the repository root (stdout is the markdown report):

    .venv/bin/python benchmarks/trainable_deep_model.py > benchmarks/trainable_deep_model.md

`--learning-rate`, `--epochs` and `--seeds` try other settings than the module's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")  # as in the grader's workers

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from grader.case import Case  # noqa: E402
from grader.exercises import trainable_deep_model as exercise  # noqa: E402

CHOICES = {  # name: (activation, kernel initialiser); Keras' default initialiser is glorot_uniform
    "sigmoid, Glorot (Keras' default: exercise 5's stalled network)": ("sigmoid", "glorot_uniform"),
    "ReLU, Glorot": ("relu", "glorot_uniform"),
    "tanh, Glorot": ("tanh", "glorot_uniform"),
    "ReLU, He normal": ("relu", "he_normal"),
    "ReLU, He uniform": ("relu", "he_uniform"),
    "leaky ReLU, He normal": ("leaky_relu", "he_normal"),
    "ELU, He normal": ("elu", "he_normal"),
    "SELU, LeCun normal": ("selu", "lecun_normal"),
}
# Sound: trains at every seed and depth with a margin. ReLU-like choices under He initialisation train at
# depth 10 but only at some seeds at 16-20 layers (see the module's comment), so they count as neither.
SOUND = ("tanh, Glorot", "ELU, He normal", "SELU, LeCun normal")
STALLED = ("sigmoid, Glorot (Keras' default: exercise 5's stalled network)", "ReLU, Glorot")


def builder(activation: str, initializer: str):
    def trainable_deep_model(depth, n_features, n_classes):
        return keras.Sequential([keras.Input(shape=(n_features,))]
                                + [keras.layers.Dense(exercise.UNITS, activation=activation,
                                                      kernel_initializer=initializer) for _ in range(depth)]
                                + [keras.layers.Dense(n_classes, activation="softmax")])
    return trainable_deep_model


def measured_cases(seeds: list[int], depths: tuple[int, ...]) -> list[Case]:
    public, _ = exercise.cases(0)
    public.spec["seeds"] = seeds
    found = [public]
    for depth in depths:
        rng = np.random.default_rng([depth, 6])
        x, y = exercise.blobs(rng, exercise.HIDDEN_ROWS, 8, 4)
        found.append(exercise._case(f"clusters (8 features, 4 classes), depth {depth}", False, depth, x, y, seeds))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learning-rate", type=float, default=exercise.LEARNING_RATE)
    parser.add_argument("--epochs", type=int, default=exercise.EPOCHS)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated choices (default: all)")
    parser.add_argument("--depths", default=",".join(map(str, exercise.HIDDEN_DEPTHS)),
                        help="depths of the hidden-like cases (default: the exercise's)")
    args = parser.parse_args()
    exercise.LEARNING_RATE, exercise.EPOCHS = args.learning_rate, args.epochs
    tf.config.threading.set_intra_op_parallelism_threads(1)  # one thread, as a grader's child
    tf.config.threading.set_inter_op_parallelism_threads(1)
    cases = measured_cases(list(range(args.seeds)), tuple(int(d) for d in args.depths.split(",")))
    print(f"# trainable_deep_model: final training loss by choice\n\nPlain SGD at {exercise.LEARNING_RATE}, "
          f"{exercise.EPOCHS} epochs, batches of {exercise.BATCH_SIZE}, {args.seeds} seeds (0-{args.seeds - 1}); "
          f"threshold {exercise.THRESHOLD_SHARE} x the loss of guessing the class frequencies. "
          "Each cell: median (min-max) of the final loss; `pass` counts seeds below the threshold.\n")
    header = "| choice | " + " | ".join(f"{c.title} (threshold {c.spec['threshold']:g})" for c in cases) + " |"
    print(header + "\n|" + "---|" * (len(cases) + 1))
    worst = {c.title: {"sound": 0.0, "stalled": np.inf} for c in cases}
    timings = []
    for name, (activation, initializer) in CHOICES.items():
        if args.only and name not in args.only.split(";"):
            continue
        cells = []
        for case in cases:
            keras.backend.clear_session()
            started = time.perf_counter()
            result = exercise.run_trusted(exercise.trusted_case(case, exercise.run(builder(activation, initializer),
                                                                                  case)))
            timings.append((case.title, name, time.perf_counter() - started))
            finals = [curve[-1] for curve in result["curves"]]
            passed = sum(np.isfinite(v) and v < case.spec["threshold"] for v in finals)
            ratio = statistics.median(result["ratios"])
            cells.append(f"{statistics.median(finals):.3g} ({min(finals):.3g}-{max(finals):.3g}), pass "
                         f"{passed}/{len(finals)}, ratio {ratio:.1g}")
            if name in SOUND:
                worst[case.title]["sound"] = max(worst[case.title]["sound"], max(finals))
            elif name in STALLED:
                worst[case.title]["stalled"] = min(worst[case.title]["stalled"], min(finals))
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    print("\nMargins: the worst loss of tanh, ELU and SELU and the best of the stalled choices, against the "
          "threshold.\n")
    for case in cases:
        w = worst[case.title]
        print(f"- {case.title}: threshold {case.spec['threshold']:g}; worst sound {w['sound']:.3g}, "
              f"best stalled {w['stalled']:.3g}")
    print("\nSeconds per `run` (build, compile, then one training per seed; one thread):\n")
    for title in dict.fromkeys(t for t, _, _ in timings):
        values = [s for t, _, s in timings if t == title]
        print(f"- {title}: median {statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f}) "
              f"for {args.seeds} seeds")


if __name__ == "__main__":
    main()
