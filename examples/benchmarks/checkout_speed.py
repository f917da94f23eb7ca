"""Fit and one-row predict times of two checkouts, alternated in fresh processes.

For a refactor that must not change speed: each run imports sk_widedeep from
the given checkout (``git worktree add /tmp/old <commit>``), warms up on
2,000 rows of Adult, then times one fit on 20,000 rows (3 epochs, no early
stopping) and the median of 500 ``predict_proba`` calls on one row; it also
prints five probabilities, which must agree between the checkouts. Run::

    export SK_WIDEDEEP_DATA=../../../shared/data
    python checkout_speed.py /tmp/old ../.. --runs 10
"""

import argparse
import os
import statistics

from harness import fresh_json

CHILD = """
import json, sys, time, warnings
sys.path.insert(0, sys.argv[1])
import numpy as np
from sk_widedeep import WideDeepClassifier
from sk_widedeep.datasets import fetch_adult
warnings.simplefilter("ignore")
X, y = fetch_adult(return_X_y=True)
X, y = X.iloc[:20000], y[:20000]
clf = WideDeepClassifier(random_state=0, early_stopping=False, max_epochs=3)
clf.fit(X[:2000], y[:2000])
start = time.perf_counter()
clf.fit(X, y)
fit = time.perf_counter() - start
row = X.iloc[[5]]
for _ in range(50):
    clf.predict_proba(row)
times = []
for _ in range(500):
    start = time.perf_counter()
    clf.predict_proba(row)
    times.append(time.perf_counter() - start)
proba = clf.predict_proba(X[:5])[:, 1].round(6).tolist()
print(json.dumps([fit, np.median(times) * 1e3, str(proba)]))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="checkout of the reference")
    parser.add_argument("after", help="checkout measured against it")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    results = {args.before: [], args.after: []}
    for _ in range(args.runs):
        for path in results:  # alternated, so drifts hit both sides
            env = {**os.environ, "OMP_NUM_THREADS": "1"}
            results[path].append(fresh_json(CHILD, path, env=env))
    for path, rows in results.items():
        fit = statistics.median(r[0] for r in rows)
        predict = statistics.median(r[1] for r in rows)
        print(
            f"{path}: fit {fit:.3f} s, predict_proba(1 row) {predict:.3f} ms, "
            f"probabilities {rows[0][2]}"
        )


if __name__ == "__main__":
    main()
