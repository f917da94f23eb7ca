"""How the defaults of WideDeepClassifier are chosen: variants on a corpus.

Every variant is ``WideDeepClassifier(random_state=seed, **variant)`` with
the column roles left to ``"auto"``, what a user types on a table of their
own. It is fitted on the training part of each corpus set's validation split
(``corpus.validation_split``: 80/20 of the canonical training rows) and
scored on its validation part; the test rows are never read here. LightGBM's
and HistGradientBoosting's defaults are fitted on the same rows, alternating
with ours, for the comparison. Run from ``examples/benchmarks``::

    python defaults_study.py [--sets NAME ...] [--variants NAME ...]
                             [--seeds 0 1] [--out study.csv]

Each (set, variant, seed) is one line of ``--out`` (validation log loss, ROC
AUC — one-vs-rest macro for multiclass — and fit seconds); a second run
skips the lines already there, so the study can grow a variant at a time.
The summary, per variant: sets where the mean validation log loss is at
most LightGBM's, sets where the mean AUC is at least LightGBM's - 0.005,
the mean rank of the log loss among all variants and LightGBM, the geometric
mean of the fit time over LightGBM's, and the mean seed spread (standard
deviation over seeds) of the log loss.
"""

import argparse

import numpy as np
import pandas as pd
from corpus import SETS, SMALL_SETS, available, linear_baseline, split, validation_split
from harness import (
    REFERENCES,
    classification_scores,
    reference,
    report,
    rst_table,
    run_study,
    timed_fit,
    warm_up,
)

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier

# The settings of the library before this study.
PREVIOUS = {
    "early_stopping": False,
    "max_epochs": 8,
    "n_iter_no_change": 3,
    "n_jobs": -1,  # torch's own thread count
    "deep": EmbeddingEncoder(continuous_encoding="scaled"),
}


def deep(**params):
    return {"deep": EmbeddingEncoder(**params)}


def adam(**params):
    """The deep part's Adam with other arguments (e.g. ``betas``)."""
    from functools import partial

    from sk_widedeep._network._optim import Adam

    return {"deep_optimizer": partial(Adam, fused=True, **params)}


# name: parameters of WideDeepClassifier on top of the current defaults (the
# last round of the study; docs/quality.rst has the earlier rounds' tables)
VARIANTS = {
    "defaults": {},
    "temperature_scaling=False": {"temperature_scaling": False},
    "early_stopping=False": {"early_stopping": False},
    "early_stopping=True": {"early_stopping": True},
    "early_stopping=True, validation_fraction=0.2": {
        "early_stopping": True,
        "validation_fraction": 0.2,
    },
    "previous defaults": PREVIOUS,
    "early_stopping=False, max_epochs=8": {"early_stopping": False, "max_epochs": 8},
    "n_iter_no_change=3": {"n_iter_no_change": 3},
    "tol=1e-4": {"tol": 1e-4},
    "continuous_encoding='scaled'": deep(continuous_encoding="scaled"),
    "continuous_encoding='periodic'": deep(continuous_encoding="periodic"),
    "embed_continuous=False": deep(embed_continuous=False),
    "extrapolate=False": deep(extrapolate=False),
    "n_bins=16": deep(n_bins=16),
    "embedding_dim='fourth_root'": deep(embedding_dim="fourth_root"),
    "min_frequency=5": deep(min_frequency=5),
    "min_frequency=2, both parts": {
        "deep": EmbeddingEncoder(min_frequency=2),
        "wide": CrossProductTransformer(min_frequency=2),
    },
    "deep_l2=1e-3": {"deep_l2": 1e-3},
    "deep_l2=1e-2": {"deep_l2": 1e-2},
    "dropout=0.15": {"dropout": 0.15},
    "hidden_units=(32,)": {"hidden_units": (32,)},
    "dropout=0.1": {"dropout": 0.1},
    "batch_size=512, deep_lr=2e-3": {"batch_size": 512, "deep_lr": 2e-3},
    "hidden_units=(256, 128)": {"hidden_units": (256, 128)},
    "wide: every column, numbers bucketized": {
        "wide": CrossProductTransformer(columns="all")
    },
    "wide=None": {"wide": None},
    "wide: numbers crossed by category": {
        "wide": CrossProductTransformer(crosses="numbers_by_category")
    },
    "Adam betas=(0.9, 0.95)": adam(betas=(0.9, 0.95)),
    "Adam betas=(0.9, 0.95), deep_lr=2e-3": {
        **adam(betas=(0.9, 0.95)),
        "deep_lr": 2e-3,
    },
    "max_epochs=100": {"max_epochs": 100},
    "n_members=8": {"n_members": 8},
    "wide: the linear baseline's features": "linear_features",
}
FIELDS = ["set", "model", "seed", "log_loss", "auc", "fit_seconds", "epochs"]


def make(model, seed):
    if model in REFERENCES:
        return reference(model, seed)
    if model == "linear":
        return linear_baseline(seed)
    variant = VARIANTS[model]
    if variant == "linear_features":  # built afresh: a transformer per fit
        from corpus import linear_features

        variant = {"wide": linear_features()}
    return WideDeepClassifier(random_state=seed, **variant)


def fit_and_score(model, seed, data):
    X_fit, X_valid, y_fit, y_valid = data
    estimator = make(model, seed)
    seconds, X_valid = timed_fit(estimator, model, X_fit, X_valid, y_fit)
    proba = estimator.predict_proba(X_valid)
    loss, auc = classification_scores(y_valid, proba, estimator.classes_)
    epochs = getattr(estimator, "n_iter_", "")
    return {"log_loss": loss, "auc": auc, "fit_seconds": seconds, "epochs": epochs}


def summary(results):
    """One row per model: wins against LightGBM, mean rank, time, seed spread."""
    mean = results.groupby(["model", "set"])[["log_loss", "auc", "fit_seconds"]]
    mean = mean.mean().reset_index()
    spread = results.groupby(["model", "set"])["log_loss"].std().groupby("model")
    reference = mean[mean.model == "LightGBM"].set_index("set")
    ranks = mean.pivot(index="set", columns="model", values="log_loss").rank(axis=1)
    rows = {}
    for model, group in mean.groupby("model"):
        group = group.set_index("set")
        ref = reference.loc[group.index]
        rows[model] = {
            "sets": len(group),
            "log loss <= LightGBM": int((group.log_loss <= ref.log_loss).sum()),
            "AUC >= LightGBM - 0.005": int((group.auc >= ref.auc - 0.005).sum()),
            "mean log loss - LightGBM": (group.log_loss - ref.log_loss).mean(),
            "mean AUC - LightGBM": (group.auc - ref.auc).mean(),
            "mean rank (log loss)": ranks[model].mean(),
            "fit time / LightGBM (geo. mean)": float(
                np.exp(np.log(group.fit_seconds / ref.fit_seconds).mean())
            ),
            "seed spread (log loss)": spread.mean().get(model, np.nan),
        }
    table = pd.DataFrame(rows).T.sort_values("mean rank (log loss)")
    return table


def summary_rst(table):
    """The summary as a reStructuredText table, for the documentation."""
    header = [
        "variant",
        "log loss <= LightGBM",
        "AUC >= LightGBM - 0.005",
        "mean log loss - LightGBM",
        "mean AUC - LightGBM",
        "mean rank",
        "fit time / LightGBM",
        "seed spread",
    ]
    rows = [
        [
            name,
            int(row.iloc[1]),
            int(row.iloc[2]),
            f"{row.iloc[3]:+.4f}",
            f"{row.iloc[4]:+.4f}",
            f"{row.iloc[5]:.1f}",
            f"{row.iloc[6]:.2f}",
            "" if np.isnan(row.iloc[7]) else f"{row.iloc[7]:.4f}",
        ]
        for name, row in table.iterrows()
    ]
    return rst_table(header, rows)


def per_set(results, models):
    """Mean validation log loss of each model on each set."""
    mean = results[results.model.isin(models)]
    mean = mean.groupby(["set", "model"])["log_loss"].mean().unstack()
    return mean[[m for m in models if m in mean]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=None)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--out", default="defaults_study.csv")
    parser.add_argument("--rst", default=None, help="write the summary here")
    parser.add_argument(
        "--small",
        action="store_true",
        help="the small tables (corpus.SMALL_SETS), with the linear baseline",
    )
    args = parser.parse_args()
    references = (*REFERENCES, "linear") if args.small else REFERENCES
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; known: {list(VARIANTS)}")
    sets = SMALL_SETS if args.small else SETS
    names = args.sets or available(sets)
    warm_up([lambda m=m: make(m, 0) for m in (*references, "defaults")], [0, 1] * 100)
    # alternate: LightGBM, a variant of ours, HGB, the next one...
    models = [*references, *args.variants]
    results = run_study(
        args.out,
        FIELDS,
        names,
        lambda name: [(m, seed) for seed in args.seeds for m in models],
        lambda name: validation_split(*split(name)[::2]),
        lambda data, model, seed: fit_and_score(model, seed, data),
        lambda row: (
            f"{row['set']:22s} {row['model']:46s} seed {row['seed']}  log loss "
            f"{row['log_loss']:.4f}  AUC {row['auc']:.4f}  "
            f"{row['fit_seconds']:6.2f} s {row['epochs']}"
        ),
    )
    report(
        results,
        (models, names, args.seeds),
        [*references, *args.variants[:6]],
        summary,
        per_set,
        (args.rst, "defaults_study.py --rst", summary_rst),
    )


if __name__ == "__main__":
    main()
