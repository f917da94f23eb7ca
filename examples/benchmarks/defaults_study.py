"""How the defaults of WideDeepClassifier were chosen: validation AUC of variants.

Starting from a base configuration, each variant changes one setting; every
variant is fitted on the training part of each problem's validation split
(see ``problems.py``) and scored on its validation part. The test rows of
the canonical splits are never used here. Run from the repository root::

    python examples/benchmarks/defaults_study.py [--only NAME ...]

It prints one row per variant: validation ROC AUC on Adult, MovieLens 100K
and the synthetic app store, their mean, and the fit seconds summed over
the three.
"""

import argparse
import time

import pandas as pd
from problems import PROBLEMS, load, model, validation_split
from sklearn.metrics import roc_auc_score

# The base: the defaults as chosen (see the table in docs/quality.rst).
BASE = {"random_state": 0}

# name: (classifier parameters, wide transformer parameters, deep transformer
# parameters), each changing the base in one respect.
VARIANTS = {
    "base": ({}, {}, {}),
}


def run(variant, problems, data):
    params, wide, deep = VARIANTS[variant]
    scores, seconds = {}, 0.0
    for problem in problems:
        X_fit, X_valid, y_fit, y_valid = data[problem]
        clf = model(problem, wide=wide, deep=deep, **{**BASE, **params})
        start = time.perf_counter()
        clf.fit(X_fit, y_fit)
        seconds += time.perf_counter() - start
        scores[problem] = roc_auc_score(y_valid, clf.predict_proba(X_valid)[:, 1])
    scores["mean"] = sum(scores[p] for p in problems) / len(problems)
    scores["fit seconds"] = seconds
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", nargs="+", choices=list(VARIANTS), default=list(VARIANTS)
    )
    parser.add_argument("--problems", nargs="+", choices=PROBLEMS, default=PROBLEMS)
    args = parser.parse_args()
    data = {}
    for problem in args.problems:
        X_train, _, y_train, _ = load(problem)
        data[problem] = validation_split(X_train, y_train)
    rows = {}
    for variant in args.only:
        rows[variant] = run(variant, args.problems, data)
        print(
            f"{variant:40s}",
            "  ".join(f"{v:.4f}" for v in rows[variant].values()),
            flush=True,
        )
    print()
    print(pd.DataFrame(rows).T.to_markdown(floatfmt=".4f"))


if __name__ == "__main__":
    main()
