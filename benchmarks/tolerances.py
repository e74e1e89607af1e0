"""The float noise that compare_learning_rates' LOSS_RTOL must absorb, measured.

compare_learning_rates' public case has 32 rows, one batch at Keras' default batch size, so there a
correct answer differs from the reference only in the order of rows inside that batch (Keras shuffles
them each epoch). `one_batch` trains the same model with shuffle on and off, for 4 seeds and learning
rates from 0.001 to 10, 12 epochs, and prints the worst relative difference of the per-epoch losses per rate.

With more rows than a batch (the hidden other case, 72 rows sorted by class), the order matters:
`shuffle_orders` measures how far two shuffle orders move the curves (unseeded), and `other_case` what
the grader's fixed order leaves: the learner's own seeding (none, before the models, between build and
fit, one fit per epoch) against the reference, and how far shuffle=False lands from it, over the hidden
cases of 20 seeds, at the drawn rates and at every rate of the menu for one epoch (the least it moves).
`gradient_ratios` measures the float noise behind gradient_ratio_by_depth's RATIO_RTOL.

Run: `.venv/bin/python benchmarks/tolerances.py` (about 4 minutes).
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
    """Without a fixed order: the largest difference between the curves of 8 unseeded fits, per rate,
    on the other case of seed 0 (its data and model) for 4 epochs, beside shuffle=False's difference
    from the grader's fixed order. The unseeded fits run first: once Keras' random state is seeded (as
    the grader's fits do), every unseeded fit after it shuffles the same way."""
    import dataclasses

    from grader.exercises import compare_learning_rates as exercise
    from grader.helpers import make_builder

    rates = (0.02, 0.2, 0.5)
    case = exercise.cases(0)[1]
    spec, x, y = case.spec, case.arrays["x"], case.arrays["y"]
    build = make_builder(spec["n_features"], spec["n_classes"], spec["hidden"], spec["activation"], spec["model_seed"])
    orders = {rate: [_fit(build, x, y, rate, 4) for _ in range(8)] for rate in rates}
    fixed = dataclasses.replace(case, spec={**spec, "learning_rates": list(rates), "epochs": 4})
    reference, unshuffled = _curves(exercise, _reference, fixed), _curves(exercise, _unshuffled, fixed)
    print(f"\nrate | largest difference between 8 unfixed shuffle orders (the other case of seed 0, {len(x)} rows, "
          "4 epochs) | shuffle=False's from the fixed order")
    for rate, curves in orders.items():
        print(f"{rate:>4g} | {max(_worst(a, b) for a in curves for b in curves):.2g} | "
              f"{_worst(unshuffled[rate], reference[rate]):.2g}")


def _reference(build_model, x, y, rates, epochs):
    return {rate: _fit(build_model, x, y, rate, epochs).tolist() for rate in rates}


def _unshuffled(build_model, x, y, rates, epochs):
    return {rate: _fit(build_model, x, y, rate, epochs, shuffle=False).tolist() for rate in rates}


def _curves(exercise, function, case) -> dict[float, np.ndarray]:
    """`function`'s curves on `case` as the grader runs it (each fit seeded), by rate."""
    answer = exercise.run(function, case)["answer"]
    return dict(exercise._curves_by_rate(answer, case.spec["learning_rates"]))


def _largest(got: dict[float, np.ndarray], expected: dict[float, np.ndarray]) -> float:
    """The largest difference over the rates: the check fails when any rate's curve is off."""
    return max(_worst(got[rate], expected[rate]) for rate in expected)


def other_case() -> None:
    """The grader's fixed order on the other case: learners' own seeding against the reference, and
    shuffle=False at the drawn rates and, for one epoch, at each rate of the menu."""
    import dataclasses

    import keras

    from grader.exercises import compare_learning_rates as exercise

    def seeded_first(build_model, x, y, rates, epochs):
        keras.utils.set_random_seed(42)
        return _reference(build_model, x, y, rates, epochs)

    def seeded_between(build_model, x, y, rates, epochs):
        curves = {}
        for rate in rates:
            model = build_model()
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="categorical_crossentropy")
            keras.utils.set_random_seed(7)
            curves[rate] = [model.fit(x, y, epochs=1, verbose=0).history["loss"][0] for _ in range(epochs)]
        return curves

    seeding, shuffle_off, where = 0.0, np.inf, None
    one_epoch = dict.fromkeys(exercise.RATE_MENU, np.inf)
    for seed in range(20):
        case = exercise.cases(seed)[1]
        expected = _curves(exercise, _reference, case)
        for function in (seeded_first, seeded_between):
            seeding = max(seeding, _largest(_curves(exercise, function, case), expected))
        off = _largest(_curves(exercise, _unshuffled, case), expected)
        if off < shuffle_off:
            shuffle_off, where = off, (seed, case.spec["learning_rates"], case.spec["epochs"])
        menu = dataclasses.replace(case, spec={**case.spec, "learning_rates": list(exercise.RATE_MENU), "epochs": 1})
        reference, unshuffled = _curves(exercise, _reference, menu), _curves(exercise, _unshuffled, menu)
        for rate in exercise.RATE_MENU:
            one_epoch[rate] = min(one_epoch[rate], _worst(unshuffled[rate], reference[rate]))
    print("\nother case, seeds 0-19: largest difference from the reference of a correct answer that seeds Keras "
          f"itself: {seeding:.2g}; smallest difference of shuffle=False (the larger over the drawn rates): "
          f"{shuffle_off:.2g} (seed {where[0]}, rates {where[1]}, {where[2]} epoch(s))")
    print("rate | smallest difference of shuffle=False over the 20 cases' data and models, 1 epoch")
    for rate, difference in one_epoch.items():
        print(f"{rate:>4g} | {difference:.2g}")


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
    other_case()
    gradient_ratios()
