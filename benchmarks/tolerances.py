"""The float noise that compare_learning_rates' LOSS_RTOL must absorb, measured.

Every compare_learning_rates case has at most 32 rows, one batch at Keras' default batch size, so a
correct answer differs from the reference only in the order of rows inside that batch (Keras shuffles
them each epoch). This trains the same model with shuffle on and off, for 4 seeds and learning rates
from 0.001 to 10, 12 epochs, and prints the worst relative difference of the per-epoch losses per rate.

Run: `.venv/bin/python benchmarks/tolerances.py` (about 30 s).
"""

from __future__ import annotations

import numpy as np

RATES = (0.001, 0.03, 0.3, 1.0, 3.0, 10.0)


def main() -> None:
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


if __name__ == "__main__":
    main()
