"""Fits in fresh processes: the corpus' fit times, the fixed costs, the threads.

A script, a command-line call or a ``GridSearchCV`` worker fits in a new
process, which pays every first-call cost once more. Run from
``examples/benchmarks``; medians over ``--repeats`` fresh processes::

    python fresh_fits.py corpus [--sets NAME ...] [--repeats 3] [--checkout PATH]
    python fresh_fits.py fixed-costs [--repeats 5]
    python fresh_fits.py threads [--repeats 3]

- ``corpus``: for each set of ``corpus.py`` (the canonical training rows),
  one fit of ``WideDeepClassifier(random_state=0)`` or of
  ``LGBMClassifier(random_state=0)`` per process, the two alternating,
  after the imports and the reading (not timed); the geometric mean of the
  ratio. ``--checkout`` imports ``sk_widedeep`` from another checkout.
- ``fixed-costs``: what a small table pays before any learning, on 2,000
  rows of Adult (without the shared data, of ``make_app_installs``) with the
  defaults: ``import sk_widedeep``; the first fit of the process and a
  second, split into input checks and the transformers' fit, building the
  net, and training; the first fit after ``import torch._dynamo`` (what
  every process paid before the optimizers stopped importing it, version
  0.1); LightGBM's first and second fit of the same rows, for scale.
- ``threads``: the thread policy (``n_jobs``) when the cores are busy. One
  fit of 20,000 rows of ``make_app_installs`` (8 epochs, no early stopping)
  with ``n_jobs=None`` (one torch thread) and ``n_jobs=-1`` (every core),
  in three situations: alone; two at once, as the workers of
  ``GridSearchCV(n_jobs=2)`` on 2 cores; and beside two processes that
  spin on the CPU.
"""

import argparse
import os
import subprocess
import sys

import numpy as np
from corpus import SETS, available
from harness import fresh_call, fresh_json


def corpus_fit(name, ours):
    """The child of ``corpus``: seconds of one fit of a set's training rows."""
    import time

    from corpus import split

    X, _, y, _ = split(name)
    if ours:
        from sk_widedeep import WideDeepClassifier

        model = WideDeepClassifier(random_state=0)
    else:
        from lightgbm import LGBMClassifier

        model = LGBMClassifier(random_state=0, verbose=-1)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def corpus(args):
    names = args.sets or [name for name in SETS if name in available()]
    ratios = []
    print(f"{'set':22s} {'sk_widedeep s':>14s} {'LightGBM s':>11s} {'ratio':>6s}")
    for name in names:
        ours, lightgbm = [], []
        for _ in range(args.repeats):
            ours.append(fresh_call("fresh_fits", "corpus_fit", name, True,
                                   checkout=args.checkout))  # fmt: skip
            lightgbm.append(fresh_call("fresh_fits", "corpus_fit", name, False))
        ratio = np.median(ours) / np.median(lightgbm)
        ratios.append(ratio)
        print(
            f"{name:22s} {np.median(ours):14.2f} {np.median(lightgbm):11.2f} "
            f"{ratio:6.1f}",
            flush=True,
        )
    print(f"geometric mean of the ratio: {np.exp(np.log(ratios).mean()):.2f}")


# The fixed costs' child: code, not a function of this module, so that the
# import it times is the process's first (this module loads pandas).
FIXED_COSTS = """
import json, sys, time
start = time.perf_counter()
{preamble}
import sk_widedeep
from sk_widedeep import WideDeepClassifier
imported = time.perf_counter() - start
sys.path.insert(0, ".")
from corpus import DATA_HOME
if DATA_HOME is not None:
    from sk_widedeep.datasets import fetch_adult
    X = fetch_adult(data_home=DATA_HOME).sample(2000, random_state=0)
    y = (X.pop("income") == ">50K").to_numpy()
else:
    from sk_widedeep.datasets import make_app_installs
    X, y = make_app_installs(2000, random_state=0)
phases = {{}}
def timed(name, method):
    def run(self, *args, **kwargs):
        begin = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - begin
    return run
if {split}:
    for name in ("_fit_parts", "_make_net", "_train"):
        method = getattr(WideDeepClassifier, name)
        setattr(WideDeepClassifier, name, timed(name, method))
out = {{"import": imported}}
for fit in ("first", "second"):
    phases.clear()
    begin = time.perf_counter()
    {fit_call}
    out[fit] = time.perf_counter() - begin
    out.update({{f"{{fit}} {{k}}": v for k, v in phases.items()}})
print(json.dumps(out))
"""
OURS = "WideDeepClassifier(random_state=0).fit(X, y)"
LIGHTGBM = (
    "__import__('lightgbm').LGBMClassifier(verbose=-1, random_state=0)"
    ".fit(X.astype({c: 'category' for c in X.select_dtypes(exclude='number')}), y)"
)


def fixed_costs(args):
    children = {
        "sk_widedeep": ("", True, OURS),
        "sk_widedeep, torch._dynamo loaded": ("import torch._dynamo", False, OURS),
        "LightGBM": ("", False, LIGHTGBM),
    }
    runs = {name: [] for name in children}
    for _ in range(args.repeats):  # alternating
        for name, (preamble, split, fit_call) in children.items():
            code = FIXED_COSTS.format(preamble=preamble, split=split, fit_call=fit_call)
            runs[name].append(fresh_json(code))
    for name, measured in runs.items():
        print(f"{name}:")
        for key in measured[0]:
            print(f"  {key:22s} {np.median([m[key] for m in measured]):7.3f} s")


THREADS_FIT = """
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


def together(n_jobs, n_fits, n_spinners=0):
    """Start ``n_fits`` fits together (beside spinning processes); their seconds."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    python = [sys.executable, "-c"]
    spinners = [subprocess.Popen([*python, SPIN]) for _ in range(n_spinners)]
    code = THREADS_FIT.format(n_jobs=n_jobs)
    try:
        fits = [
            subprocess.Popen([*python, code], stdout=subprocess.PIPE, env=env)
            for _ in range(n_fits)
        ]
        return [float(fit.communicate()[0]) for fit in fits]
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def threads(args):
    situations = {"alone": (1, 0), "two at once": (2, 0), "busy cores": (1, 2)}
    results = {}
    for _ in range(args.repeats):
        for n_jobs in ("None", "-1"):
            for situation, shape in situations.items():
                seconds = together(n_jobs, *shape)
                results.setdefault((n_jobs, situation), []).extend(seconds)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["corpus", "fixed-costs", "threads"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sets", nargs="+", default=None, help="corpus: the sets")
    parser.add_argument(
        "--checkout", default=None, help="corpus: import sk_widedeep from here"
    )
    args = parser.parse_args()
    {"corpus": corpus, "fixed-costs": fixed_costs, "threads": threads}[args.what](args)


if __name__ == "__main__":
    main()
