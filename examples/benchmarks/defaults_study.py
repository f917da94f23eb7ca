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

# The base: the library's defaults (as chosen by this study), seeded.
BASE = {"random_state": 0}

# name: (classifier parameters, wide transformer parameters, deep transformer
# parameters), each changing the defaults in one respect.
VARIANTS = {
    "defaults": ({}, {}, {}),
    "defaults, random_state=1": ({"random_state": 1}, {}, {}),
    "defaults, random_state=2": ({"random_state": 2}, {}, {}),
    "scaling='quantile' (the paper's)": ({}, {}, {"scaling": "quantile"}),
    "embed_continuous=False": ({}, {}, {"embed_continuous": False}),
    "min_number_frequency=20": ({}, {}, {"min_number_frequency": 20}),
    "n_bins=16": ({}, {}, {"n_bins": 16}),
    "embedding_dim=16": ({}, {}, {"embedding_dim": 16}),
    "deep_l2=0": ({"deep_l2": 0.0}, {}, {}),
    "deep_l2=1e-4": ({"deep_l2": 1e-4}, {}, {}),
    "deep_l2=1e-3": ({"deep_l2": 1e-3}, {}, {}),
    "dropout=0.1": ({"dropout": 0.1}, {}, {}),
    "hidden_units=(256, 128)": ({"hidden_units": (256, 128)}, {}, {}),
    "hidden_units=(512, 256)": ({"hidden_units": (512, 256)}, {}, {}),
    "max_epochs=5": ({"max_epochs": 5}, {}, {}),
    "max_epochs=12": ({"max_epochs": 12}, {}, {}),
    "early_stopping (50 epochs, patience 2)": (
        {"early_stopping": True, "max_epochs": 50, "n_iter_no_change": 2},
        {},
        {},
    ),
    "batch_size=512": ({"batch_size": 512}, {}, {}),
    "batch_size=1024, max_epochs=12": ({"batch_size": 1024, "max_epochs": 12}, {}, {}),
    "deep_lr=3e-3": ({"deep_lr": 3e-3}, {}, {}),
    "deep_optimizer='adagrad', deep_lr=0.01": (
        {"deep_optimizer": "adagrad", "deep_lr": 0.01},
        {},
        {},
    ),
    "wide_optimizer='adam' (sparse)": ({"wide_optimizer": "adam"}, {}, {}),
    "wide_lr=0.02": ({"wide_lr": 0.02}, {}, {}),
    "wide_lr=0.1": ({"wide_lr": 0.1}, {}, {}),
    "wide_l1=0.1": ({"wide_l1": 0.1}, {}, {}),
    "wide_l2=1": ({"wide_l2": 1.0}, {}, {}),
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
