"""Milliseconds per training step of the default model: one checkout against another.

A default fit is *steps x cost per step*; this script measures the second
factor. For each table, a fresh process imports ``sk_widedeep`` from the
checkout it is given, reads the table's training rows, fits
``WideDeepClassifier(random_state=0, early_stopping=False)`` for 1 epoch,
then for ``1 + EPOCHS`` epochs (more on small tables: at least ``MIN_STEPS``
steps more), and reports the difference in seconds over the difference in
steps: the cost of a step with everything an epoch adds to it
(shuffling, batches, the optimizers, the epoch's history), without the fixed
costs of a fit (checks, the transformers' fitting, building the net). The two
checkouts run alternately, ``--repeats`` times each; the medians are printed
with their ratio.

The tables (``corpus.py``) cover the shapes a default fit meets: mostly
numeric (``magic``), mixed (``german``, ``fair``), a long-tail id
(``app_installs_longtail``), multiclass (``letter``), and a multi-valued
column (``apps``: ``make_app_installs(installed_apps=True)``, 20,000 rows,
its ``installed_apps`` lists pooled in the deep part and one-hot in the
wide part).

Run from ``examples/benchmarks``, the old checkout made with
``git worktree add /tmp/old <commit>``, on quiet cores::

    OMP_WAIT_POLICY=PASSIVE python step_cost.py --old /tmp/old [--repeats 5]

``--new`` defaults to this checkout.
"""

import argparse
from pathlib import Path

import numpy as np
from harness import fresh_json

TABLES = ["magic", "german", "fair", "app_installs_longtail", "letter", "apps"]
EPOCHS = 3
MIN_STEPS = 300

CHILD = """
import sys, time, json, warnings
sys.path.insert(0, {checkout!r})
warnings.simplefilter("ignore")
import numpy as np
import sk_widedeep
from sk_widedeep import WideDeepClassifier
assert sk_widedeep.__file__.startswith({checkout!r}), sk_widedeep.__file__
name = {name!r}
if name == "apps":
    from sk_widedeep.datasets import make_app_installs
    X, y = make_app_installs(20_000, installed_apps=True, random_state=0)
else:
    from corpus import split
    X, _, y, _ = split(name)
steps_per_epoch = -(-len(X) // 256)
extra = max({epochs}, -(-{min_steps} // steps_per_epoch))
times = []
for epochs in (1, 1 + extra):
    model = WideDeepClassifier(random_state=0, early_stopping=False, max_epochs=epochs)
    start = time.perf_counter()
    model.fit(X, y)
    times.append(time.perf_counter() - start)
print(json.dumps({{"ms": 1000 * (times[1] - times[0]) / (extra * steps_per_epoch),
                   "steps": steps_per_epoch}}))
"""


def step_ms(checkout, name):
    """Milliseconds per step of one fresh process, and the steps per epoch."""
    code = CHILD.format(
        checkout=str(checkout), name=name, epochs=EPOCHS, min_steps=MIN_STEPS
    )
    result = fresh_json(code)
    return result["ms"], result["steps"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the old checkout")
    parser.add_argument("--new", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--tables", nargs="+", default=TABLES)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    header = f"{'table':24s} {'steps/epoch':>11s} {'old ms':>8s} {'new ms':>8s}"
    print(f"{header} {'ratio':>6s}")
    for name in args.tables:
        old, new = [], []
        for _ in range(args.repeats):  # alternated, so both see the same machine
            old.append(step_ms(args.old.resolve(), name)[0])
            ms, steps = step_ms(args.new.resolve(), name)
            new.append(ms)
        old_ms, new_ms = np.median(old), np.median(new)
        print(
            f"{name:24s} {steps:11d} {old_ms:8.2f} {new_ms:8.2f} "
            f"{old_ms / new_ms:6.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
