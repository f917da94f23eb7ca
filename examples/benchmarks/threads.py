"""Fits when the cores are busy: the thread policy (``n_jobs``) measured.

One fit is ``WideDeepClassifier(random_state=0, n_jobs=...)`` on 20,000
rows of ``make_app_installs`` (early stopping off, 8 epochs), in a fresh
process that reports its own fit seconds. Three situations, each for the
default ``n_jobs=None`` (one torch thread) and for ``n_jobs=-1`` (every core:
torch's own default, what version 0.1 did):

- **alone**: one fit, nothing else running;
- **two at once**: two fits started together in two processes, as the
  workers of ``GridSearchCV(n_jobs=2)`` on a 2-core machine are;
- **busy cores**: one fit while two other processes spin on the CPU.

Each is run ``--repeats`` times, the situations alternating; the medians are
printed, and the ratio of "two at once" to "alone". Run from
``examples/benchmarks``::

    python threads.py [--repeats 3]
"""

import argparse
import os
import subprocess
import sys

import numpy as np

FIT = """
import time, warnings
from sk_widedeep import WideDeepClassifier
from sk_widedeep.datasets import make_app_installs
X, y = make_app_installs(20_000, random_state=0)
clf = WideDeepClassifier(random_state=0, early_stopping=False, n_jobs={n_jobs})
clf.set_params(max_epochs=1).fit(X.head(500), y[:500])  # warm
start = time.perf_counter()
clf.set_params(max_epochs=8).fit(X, y)
print(time.perf_counter() - start)
"""

SPIN = "import time\nend = time.time() + 600\nwhile time.time() < end: pass\n"


def fits(n_jobs, n_processes):
    """Start n_processes fits together; return each one's fit seconds."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    code = FIT.format(n_jobs=n_jobs)
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env)
        for _ in range(n_processes)
    ]
    return [float(p.communicate()[0]) for p in procs]


def busy(n_jobs, n_spinners=2):
    spinners = [
        subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(n_spinners)
    ]
    try:
        return fits(n_jobs, 1)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for _ in range(args.repeats):
        for n_jobs in ("None", "-1"):
            results.setdefault((n_jobs, "alone"), []).extend(fits(n_jobs, 1))
            results.setdefault((n_jobs, "two at once"), []).extend(fits(n_jobs, 2))
            results.setdefault((n_jobs, "busy cores"), []).extend(busy(n_jobs))
    print(f"{'n_jobs':8s} {'situation':14s} median fit seconds (all runs)")
    for (n_jobs, situation), seconds in results.items():
        shown = " ".join(f"{s:.1f}" for s in seconds)
        print(f"{n_jobs:8s} {situation:14s} {np.median(seconds):6.2f}   ({shown})")
    for n_jobs in ("None", "-1"):
        alone = np.median(results[(n_jobs, "alone")])
        ratio = np.median(results[(n_jobs, "two at once")]) / alone
        busy_ratio = np.median(results[(n_jobs, "busy cores")]) / alone
        print(
            f"n_jobs={n_jobs}: two at once take {ratio:.2f}x one alone; "
            f"with busy cores {busy_ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
