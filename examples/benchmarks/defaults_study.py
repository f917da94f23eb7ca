"""How the defaults of WideDeepClassifier and WideDeepRegressor are chosen.

Every variant is ``WideDeepClassifier(random_state=seed, **variant)`` (or
the regressor, ``--task regression``) with the column roles left to
``"auto"``, what a user types on a table of their own. It is fitted on the
fit rows of each corpus table's validation split (``corpus.validation``:
80/20 of the canonical training rows) and scored on its validation rows;
the test rows are never read here. LightGBM's and HistGradientBoosting's
defaults (and, with ``--small``, the linear baseline) are fitted on the
same rows, alternating with ours. Run from ``examples/benchmarks``::

    python defaults_study.py [--task regression] [--small] [--sets NAME ...]
        [--variants NAME ...] [--seeds 0 1] [--out study.csv] [--rst PATH]

Each (set, model, seed) is one line of ``--out``: validation log loss and
ROC AUC (one-vs-rest macro for multiclass), or RMSE, MAE and R², with the
fit seconds and epochs; a second run skips the lines already there, so the
study can grow a variant or a seed at a time. ``--variants`` with no name
fits the references only.

The summary, per variant, against LightGBM: the sets where the mean
validation log loss is at most LightGBM's and the AUC at least LightGBM's
- 0.005 (regression: RMSE and MAE at most LightGBM's, their mean ratios to
LightGBM's, since each target has its own units, and the mean R²
difference); the mean rank of the log loss (RMSE) among all models of the
run; the geometric mean of the fit time over LightGBM's; and the seed
spread, the standard deviation over seeds (regression: over LightGBM's
mean RMSE), averaged over sets. ``loss='absolute_error'`` fits the median,
so compare its MAE, not its RMSE; ``loss='poisson'`` runs on the count
tables only (``corpus.COUNTS``), so its ``sets`` are fewer.
"""

import argparse
import warnings
from functools import partial

import numpy as np
import pandas as pd
from corpus import (
    COUNTS,
    REGRESSION_SETS,
    SETS,
    SMALL_SETS,
    available,
    linear_baseline,
    linear_features,
    validation,
)
from harness import (
    REFERENCES,
    classification_scores,
    reference,
    regression_scores,
    report,
    rst_table,
    run_study,
    timed_fit,
    warm_up,
)

from sk_widedeep import (
    CrossProductTransformer,
    EmbeddingEncoder,
    WideDeepClassifier,
    WideDeepRegressor,
)

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
    from sk_widedeep._network._optim import Adam

    return {"deep_optimizer": partial(Adam, fused=True, **params)}


BY_CATEGORY = {"wide": CrossProductTransformer(crosses="numbers_by_category")}
# name: parameters of the estimator on top of its current defaults (the last
# round of the study; docs/quality.rst has the earlier rounds' tables)
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
    "wide: numbers crossed by category": BY_CATEGORY,
    "Adam betas=(0.9, 0.95)": adam(betas=(0.9, 0.95)),
    "Adam betas=(0.9, 0.95), deep_lr=2e-3": {
        **adam(betas=(0.9, 0.95)),
        "deep_lr": 2e-3,
    },
    "max_epochs=100": {"max_epochs": 100},
    "n_members=8": {"n_members": 8},
    "wide: the linear baseline's features": "linear_features",
}
REGRESSION_VARIANTS = {
    "defaults": {},
    "loss='huber'": {"loss": "huber"},
    "loss='absolute_error'": {"loss": "absolute_error"},  # the median: see above
    "loss='poisson'": {"loss": "poisson"},  # count sets only
    # the classifier's fixed-epoch setting before early stopping
    "early_stopping=False, max_epochs=8": {"early_stopping": False, "max_epochs": 8},
    "hidden_units=(64, 32)": {"hidden_units": (64, 32)},
    "deep_lr=3e-3": {"deep_lr": 3e-3},
    "dropout=0.1": {"dropout": 0.1},
    "wide=None": {"wide": None},
    # the numbers' outer pieces ending flat, as before round 2 of the defaults
    "extrapolate=False": deep(extrapolate=False),
    "wide: numbers crossed by category": BY_CATEGORY,
}
METRICS = {"classification": ["log_loss", "auc"], "regression": ["rmse", "mae", "r2"]}


def make(model, seed, task):
    """An unfitted estimator: a reference's defaults or one of our variants."""
    if model in REFERENCES:
        return reference(model, seed, task)
    if model == "linear":
        return linear_baseline(seed)
    if task == "regression":
        return WideDeepRegressor(random_state=seed, **REGRESSION_VARIANTS[model])
    variant = VARIANTS[model]
    if variant == "linear_features":  # built afresh: a transformer per fit
        variant = {"wide": linear_features()}
    return WideDeepClassifier(random_state=seed, **variant)


def fit_and_score(model, seed, data, task):
    """Fit ``model`` on the fit rows of ``data``; score it on its validation rows."""
    X_fit, X_valid, y_fit, y_valid = data
    estimator = make(model, seed, task)
    seconds, X_valid = timed_fit(estimator, model, X_fit, X_valid, y_fit)
    if task == "regression":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            scores = regression_scores(y_valid, estimator.predict(X_valid))
    else:
        proba = estimator.predict_proba(X_valid)
        scores = classification_scores(y_valid, proba, estimator.classes_)
    row = dict(zip(METRICS[task], scores, strict=True))
    return {**row, "fit_seconds": seconds, "epochs": getattr(estimator, "n_iter_", "")}


def summary(results, task):
    """One row per model: wins against LightGBM, mean rank, time, seed spread."""
    primary = METRICS[task][0]
    grouped = results.groupby(["model", "set"])
    mean = grouped[[*METRICS[task], "fit_seconds"]].mean().reset_index()
    ref_all = mean[mean.model == "LightGBM"].set_index("set")
    spread = grouped[primary].std().reset_index()
    if task == "regression":  # in each target's units: over LightGBM's RMSE
        spread[primary] = spread[primary] / ref_all[primary].loc[spread.set].to_numpy()
    spread = spread.groupby("model")[primary].mean()
    ranks = mean.pivot(index="set", columns="model", values=primary).rank(axis=1)
    rows = {}
    for model, group in mean.groupby("model"):
        group = group.set_index("set")
        ref = ref_all.loc[group.index]
        row = {"sets": len(group)}
        if task == "regression":
            row["RMSE <= LightGBM"] = int((group.rmse <= ref.rmse).sum())
            row["MAE <= LightGBM"] = int((group.mae <= ref.mae).sum())
            row["RMSE / LightGBM"] = (group.rmse / ref.rmse).mean()
            row["MAE / LightGBM"] = (group.mae / ref.mae).mean()
            row["R² - LightGBM"] = (group.r2 - ref.r2).mean()
        else:
            row["log loss <= LightGBM"] = int((group.log_loss <= ref.log_loss).sum())
            row["AUC >= LightGBM - 0.005"] = int((group.auc >= ref.auc - 0.005).sum())
            row["mean log loss - LightGBM"] = (group.log_loss - ref.log_loss).mean()
            row["mean AUC - LightGBM"] = (group.auc - ref.auc).mean()
        row["mean rank"] = ranks[model].mean()
        ratio = np.log(group.fit_seconds / ref.fit_seconds).mean()
        row["fit time / LightGBM (geo. mean)"] = float(np.exp(ratio))
        row["seed spread"] = spread.get(model, np.nan)
        rows[model] = row
    return pd.DataFrame(rows).T.sort_values("mean rank")


def summary_rst(table, task):
    """The summary as a reStructuredText table (with its notes, for regression)."""
    formats = {"mean rank": "{:.1f}", "fit time / LightGBM (geo. mean)": "{:.2f}"}
    if task == "regression":
        counts = ["sets", "RMSE <= LightGBM", "MAE <= LightGBM"]
        formats.update({"R² - LightGBM": "{:+.4f}", "seed spread": "{:.4f}"})
    else:
        table = table.drop(columns="sets")
        counts = ["log loss <= LightGBM", "AUC >= LightGBM - 0.005"]
        formats["mean log loss - LightGBM"] = formats["mean AUC - LightGBM"] = "{:+.4f}"
    rows = [
        [name]
        + [
            int(value) if column in counts
            else "" if np.isnan(value)
            else formats.get(column, "{:.4f}").format(value)
            for column, value in row.items()
        ]
        for name, row in table.iterrows()
    ]  # fmt: skip
    header = ["variant", *(c.replace(" (geo. mean)", "") for c in table.columns)]
    text = rst_table(header, rows)
    if task == "regression":
        text += (
            "\n\n``loss='absolute_error'`` fits the median: compare its MAE, not its "
            "RMSE. ``loss='poisson'`` runs on the count sets only "
            f"({', '.join(f'``{name}``' for name in COUNTS)})."
        )
    return text


def per_set(results, models, task):
    """Mean validation log loss (RMSE over LightGBM's) of each model on each set."""
    primary = METRICS[task][0]
    mean = results[results.model.isin(models)]
    mean = mean.groupby(["set", "model"])[primary].mean().unstack()
    if task == "regression":
        mean = mean.div(mean["LightGBM"], axis=0)
    return mean[[m for m in models if m in mean]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=list(METRICS), default="classification")
    parser.add_argument("--sets", nargs="+", default=None)
    parser.add_argument("--variants", nargs="*", default=None, help="none: references")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--out", default=None, help="default: {task}_study.csv")
    parser.add_argument("--rst", default=None, help="write the summary here")
    parser.add_argument(
        "--small",
        action="store_true",
        help="the small tables (corpus.SMALL_SETS), with the linear baseline",
    )
    args = parser.parse_args()
    task = args.task
    known = REGRESSION_VARIANTS if task == "regression" else VARIANTS
    variants = list(known) if args.variants is None else args.variants
    if set(variants) - set(known):
        parser.error(f"unknown variants {set(variants) - set(known)}; known: {known}")
    sets = SMALL_SETS if args.small else SETS
    sets = REGRESSION_SETS if task == "regression" else sets
    if set(args.sets or ()) - set(sets):
        parser.error(f"unknown sets {set(args.sets) - set(sets)}; known: {list(sets)}")
    names = args.sets or available(sets)
    references = (*REFERENCES, "linear") if args.small else REFERENCES
    y = np.arange(200.0) % 7 if task == "regression" else [0, 1] * 100
    ours = ["defaults"][: bool(variants)]
    warm_up([lambda m=m: make(m, 0, task) for m in (*references, *ours)], y)
    # alternate: LightGBM, a variant of ours, HGB, the next one...
    models = [*references, *variants]
    results = run_study(
        args.out or f"{task}_study.csv",
        ["set", "model", "seed", *METRICS[task], "fit_seconds", "epochs"],
        names,
        lambda name: [
            (m, seed)
            for seed in args.seeds
            for m in models
            if m != "loss='poisson'" or name in COUNTS
        ],
        validation,
        lambda data, model, seed: fit_and_score(model, seed, data, task),
        lambda row: "  ".join(
            [f"{row['set']:22s} {row['model']:46s} seed {row['seed']}"]
            + [f"{metric} {row[metric]:.4g}" for metric in METRICS[task]]
            + [f"{row['fit_seconds']:6.2f} s {row['epochs']}"]
        ),
    )
    script = "defaults_study.py" + " --task regression" * (task == "regression")
    script += " --small" * args.small
    report(
        results,
        (models, names, args.seeds),
        [*references, *variants[:6]],
        lambda results: summary(results, task),
        lambda results, shown: per_set(results, shown, task),
        (args.rst, f"{script} --rst", lambda table: summary_rst(table, task)),
        title="Validation RMSE over LightGBM's:" if task == "regression" else "",
    )


if __name__ == "__main__":
    main()
