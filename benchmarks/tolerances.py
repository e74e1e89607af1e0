"""The float noise that compare_learning_rates' LOSS_RTOL must absorb, measured.

Every compare_learning_rates case has at most 32 rows, one batch at Keras' default batch size, so a
correct answer differs from the reference only in the order of rows inside that batch (Keras shuffles
them each epoch). This trains the same model with shuffle on and off, for 4 seeds and learning rates
from 0.001 to 10, 12 epochs, and prints the worst relative difference of the per-epoch losses per rate.

With more rows than a batch (the sorted case, 72 rows), the order matters: `shuffle_orders` measures
how far two shuffle orders move the curves (unseeded), and `sorted_case` what the grader's fixed order
leaves: the learner's own seeding (none, before the models, between build and fit, one fit per epoch)
against the reference, and how far shuffle=False lands from it, over the hidden cases of 20 seeds.
`gradient_ratios` measures the float noise behind gradient_ratio_by_depth's RATIO_RTOL.

Run: `.venv/bin/python benchmarks/tolerances.py` (about 3 minutes).
"""

from __future__ import annotations

import numpy as np

RATES = (0.001, 0.03, 0.3, 1.0, 3.0, 10.0)


def one_batch() -> None:
    import keras

    from grader.helpers import load_wine, make_builder

    worst = dict.fromkeys(RATES, 0.0)
    for seed in range(4):
        x, y = load_wine(32, seed=seed)
        build = make_builder(13, 3, (16,), "relu", seed)
        for rate in RATES:
            curves = []
            for shuffle in (True, False):
                model = build()
                model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
                curves.append(np.array(model.fit(x, y, epochs=12, verbose=0, shuffle=shuffle).history["loss"]))
            shuffled, ordered = curves
            worst[rate] = max(worst[rate], float(np.max(np.abs(shuffled - ordered) / np.abs(ordered))))
    print("learning rate | worst relative difference, shuffle on vs off (4 seeds, 12 epochs)")
    for rate, difference in worst.items():
        print(f"{rate:>13g} | {difference:.2g}")


def _fit(build, x, y, rate, epochs, **settings) -> np.ndarray:
    import keras

    model = build()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
    return np.array(model.fit(x, y, epochs=epochs, verbose=0, **settings).history["loss"])


def _worst(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


def shuffle_orders() -> None:
    """Without a fixed order: the largest difference between the curves of 8 unseeded fits, per rate."""
    from grader.exercises.compare_learning_rates import SORTED_ROWS
    from grader.helpers import load_wine, make_builder

    x, y = load_wine(SORTED_ROWS, seed=1)
    build = make_builder(13, 3, (16,), "relu", 3)
    print(f"\nrate | largest difference between 8 unfixed shuffle orders ({SORTED_ROWS} rows, 3 epochs)")
    for rate in (0.02, 0.1, 0.5):
        curves = [_fit(build, x, y, rate, 3) for _ in range(8)]
        print(f"{rate:>4g} | {max(_worst(a, b) for a in curves for b in curves):.2g}")


def sorted_case() -> None:
    """The grader's fixed order: learners' own seeding against the reference, and shuffle=False."""
    import keras

    from grader.exercises import compare_learning_rates as exercise

    def reference(build_model, x, y, rates, epochs):
        return {rate: _fit(build_model, x, y, rate, epochs).tolist() for rate in rates}

    def seeded_first(build_model, x, y, rates, epochs):
        keras.utils.set_random_seed(42)
        return reference(build_model, x, y, rates, epochs)

    def seeded_between(build_model, x, y, rates, epochs):
        curves = {}
        for rate in rates:
            model = build_model()
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
            keras.utils.set_random_seed(7)
            curves[rate] = [model.fit(x, y, epochs=1, verbose=0).history["loss"][0] for _ in range(epochs)]
        return curves

    def unshuffled(build_model, x, y, rates, epochs):
        return {rate: _fit(build_model, x, y, rate, epochs, shuffle=False).tolist() for rate in rates}

    seeding, shuffle_off = 0.0, np.inf
    for seed in range(1, 21):
        case = exercise.cases(seed)[-1]
        rate = case.spec["learning_rates"][0]

        def curve(function, case=case, rate=rate):
            answer = exercise.run(function, case)["answer"]
            return dict(exercise._curves_by_rate(answer, case.spec["learning_rates"]))[rate]

        expected = curve(reference)
        seeding = max(seeding, *(_worst(curve(f), expected) for f in (seeded_first, seeded_between)))
        shuffle_off = min(shuffle_off, _worst(curve(unshuffled), expected))
    print("\nsorted case, 20 seeds: largest difference from the reference of a correct answer that seeds "
          f"Keras itself: {seeding:.2g}; smallest difference of shuffle=False: {shuffle_off:.2g}")


def faint_units() -> None:
    """dead_neuron_mask's faint units: their output in Keras and in NumPy float32, over 20 seeds."""
    from grader.core.case import weights_of
    from grader.exercises import dead_neuron_mask as exercise
    from grader.helpers import dense_model

    peaks, others, gap = [], [], 0.0
    for seed in range(1, 21):
        case = next(c for c in exercise.cases(seed) if c.spec.get("faint_units"))
        model = dense_model(case.spec["n_features"], case.spec["layers"], weights=weights_of(case))
        x = case.arrays["x"]
        keras_out = np.asarray(model.layers[0](x))
        kernel, bias = weights_of(case)[:2]
        numpy_out = np.maximum(x @ kernel + bias, np.float32(0))
        for unit in case.spec["faint_units"]["hidden_1"]:
            column = np.sort(keras_out[:, unit])[::-1]
            peaks.append(column[0])
            others.append(column[1])
            gap = max(gap, float(np.max(np.abs(keras_out[:, unit] - numpy_out[:, unit]))))
    print(f"\nfaint units, 20 seeds: peak output {min(peaks):.6g} to {max(peaks):.6g} (FAINT = {exercise.FAINT:g}); "
          f"largest output on any other row {max(others):g}; Keras vs NumPy float32 at most {gap:.2g}")


def gradient_ratios() -> None:
    """gradient_ratio_by_depth: the correct corpus variants against the reference, every case of seeds 1-10."""
    import importlib.util

    from grader.authoring import selftest
    from grader.exercises import gradient_ratio_by_depth as exercise
    from grader.grading.settings import DEFAULT_REFERENCE

    def load(path, name):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.gradient_ratio_by_depth

    reference = load(DEFAULT_REFERENCE, "reference")
    variants = {v.path.stem: load(v.path, v.path.stem) for v in selftest.variants((exercise.NAME,)) if v.expect_pass}
    worst, where = 0.0, None
    for seed in range(1, 11):
        for case in exercise.cases(seed):
            if case.public and seed > 1:
                continue
            expected = exercise._ratios(exercise.run(reference, case)["answer"], case)
            for name, function in variants.items():
                for pair, value in exercise._ratios(exercise.run(function, case)["answer"], case).items():
                    if abs(value - expected[pair]) / abs(expected[pair]) > worst:
                        worst, where = abs(value - expected[pair]) / abs(expected[pair]), (name, case.title, pair)
    print(f"\ngradient ratios, correct variants, seeds 1-10: worst relative difference {worst:.2g} ({where})")


if __name__ == "__main__":
    faint_units()
    one_batch()
    shuffle_orders()
    sorted_case()
    gradient_ratios()
