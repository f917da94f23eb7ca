"""Fit seconds of the corpus' sets, each fit in a fresh process.

A script, a command-line call or a ``GridSearchCV`` worker fits in a new
process, which pays every first-call cost once more. For each set of
``corpus.py`` (the canonical training rows), one process per fit reads the
set, then times one ``fit`` of ``WideDeepClassifier(random_state=0)`` or of
``LGBMClassifier(random_state=0)``, the two alternating; the import and the
reading are not timed. The medians over ``--repeats`` are printed, with the
geometric mean of the ratio. Run from ``examples/benchmarks``::

    python fresh_fits.py [--sets NAME ...] [--repeats 3] [--checkout PATH]

``--checkout`` imports ``sk_widedeep`` from another checkout (an older
commit in a ``git worktree``), to compare two versions under the same
conditions.
"""

import argparse

import numpy as np
from corpus import SETS, available
from harness import fresh_json

CHILD = """
import sys, time, warnings
if {checkout!r}:
    sys.path.insert(0, {checkout!r})
warnings.simplefilter("ignore")
from corpus import split
X, _, y, _ = split({name!r})
if {ours}:
    from sk_widedeep import WideDeepClassifier
    model = WideDeepClassifier(random_state=0)
else:
    from lightgbm import LGBMClassifier
    model = LGBMClassifier(random_state=0, verbose=-1)
start = time.perf_counter()
model.fit(X, y)
print(time.perf_counter() - start)
"""


def fresh_fit(name, ours, checkout=None):
    code = CHILD.format(name=name, ours=ours, checkout=str(checkout or ""))
    return float(fresh_json(code))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--checkout", default=None, help="import sk_widedeep from this checkout"
    )
    args = parser.parse_args()
    names = args.sets or [name for name in SETS if name in available()]
    ratios = []
    print(f"{'set':22s} {'sk_widedeep s':>14s} {'LightGBM s':>11s} {'ratio':>6s}")
    for name in names:
        ours, lightgbm = [], []
        for _ in range(args.repeats):
            ours.append(fresh_fit(name, True, args.checkout))
            lightgbm.append(fresh_fit(name, False))
        ratio = np.median(ours) / np.median(lightgbm)
        ratios.append(ratio)
        print(
            f"{name:22s} {np.median(ours):14.2f} {np.median(lightgbm):11.2f} "
            f"{ratio:6.1f}",
            flush=True,
        )
    print(f"geometric mean of the ratio: {np.exp(np.log(ratios).mean()):.2f}")


if __name__ == "__main__":
    main()
