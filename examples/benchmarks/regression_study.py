"""How the defaults of WideDeepRegressor are chosen: variants on a corpus.

The regression counterpart of ``defaults_study.py``, with its protocol:
every variant is ``WideDeepRegressor(random_state=seed, **variant)`` with
the column roles left to ``"auto"``; it is fitted on the training part of
each set's validation split (``regression_corpus.validation_split``: 80/20
of the canonical training rows) and scored on its validation part, so the
test rows are never read here. LightGBM's ``LGBMRegressor`` and
scikit-learn's ``HistGradientBoostingRegressor``, defaults both (LightGBM
with its own thread count, as in the classifier's study), are fitted on the
same rows, alternating with ours. Run from ``examples/benchmarks``::

    python regression_study.py [--sets NAME ...] [--variants NAME ...]
                               [--seeds 0 1] [--out regression_study.csv]
                               [--rst ../../docs/_regression_study.rst]

``--variants`` with no name fits the references only (no neural model).
Each (set, model, seed) is one line of ``--out``: validation RMSE, MAE, R²,
fit seconds and epochs. A second run skips the lines already there, so the
study can grow a variant or a seed at a time.

The summary, per variant: the sets where the mean validation RMSE is at
most LightGBM's, and the same for MAE; the mean over sets of the RMSE and
MAE divided by LightGBM's (RMSEs are in each target's own units, so only
ratios can be averaged across sets); the mean R² minus LightGBM's; the mean
rank of the RMSE among every model of the run; the geometric mean of the fit
time over LightGBM's; and the seed spread, the standard deviation of the
RMSE over seeds divided by LightGBM's mean RMSE, averaged over sets.

Two variants are not like the others. ``loss='absolute_error'`` fits the
conditional median, not the mean, so its RMSE is expected to lose to any
squared-error fit: it is reported for its MAE, not ranked fairly on RMSE.
``loss='poisson'`` is fitted on the count sets only
(``regression_corpus.COUNTS``), so its counts and ranks are over fewer sets
(the ``sets`` column says how many).
"""

import argparse
import warnings

import numpy as np
import pandas as pd
from harness import (
    REFERENCES,
    reference,
    regression_scores,
    report,
    rst_table,
    run_study,
    timed_fit,
    warm_up,
)
from regression_corpus import COUNTS, SETS, available, load, split, validation_split

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder

# name: parameters of WideDeepRegressor on top of its defaults
VARIANTS = {
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
    "extrapolate=False": {"deep": EmbeddingEncoder(extrapolate=False)},
    "wide: numbers crossed by category": {
        "wide": CrossProductTransformer(crosses="numbers_by_category")
    },
}
COUNT_ONLY = {"loss='poisson'"}
FIELDS = ["set", "model", "seed", "rmse", "mae", "r2", "fit_seconds", "epochs"]


def make(model, seed):
    """An unfitted estimator: a reference's defaults or one of our variants."""
    if model in REFERENCES:
        return reference(model, seed, "regression")
    from sk_widedeep import WideDeepRegressor

    return WideDeepRegressor(random_state=seed, **VARIANTS[model])


def runs_on(model, name):
    """Whether ``model`` is part of the study on set ``name``."""
    return model not in COUNT_ONLY or name in COUNTS


def fit_and_score(model, seed, data):
    """Fit ``model`` on the fit rows of ``data``; score it on its validation rows."""
    X_fit, X_valid, y_fit, y_valid = data
    estimator = make(model, seed)
    seconds, X_valid = timed_fit(estimator, model, X_fit, X_valid, y_fit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        prediction = estimator.predict(X_valid)
    rmse, mae, r2 = regression_scores(y_valid, prediction)
    epochs = getattr(estimator, "n_iter_", "")
    return {
        "rmse": rmse,
        "mae": mae,
        "r2": r2,
        "fit_seconds": seconds,
        "epochs": epochs,
    }


def summary(results):
    """One row per model: wins against LightGBM, ratios, rank, time, spread.

    Parameters
    ----------
    results : DataFrame
        The lines of the study (``FIELDS``).

    Returns
    -------
    table : DataFrame
        One row per model, sorted by the mean rank of the RMSE.
    """
    grouped = results.groupby(["model", "set"])
    mean = grouped[["rmse", "mae", "r2", "fit_seconds"]].mean().reset_index()
    reference = mean[mean.model == "LightGBM"].set_index("set")
    spread = grouped["rmse"].std().reset_index()
    spread["relative"] = spread.rmse / reference.rmse.loc[spread.set].to_numpy()
    spread = spread.groupby("model")["relative"].mean()
    ranks = mean.pivot(index="set", columns="model", values="rmse").rank(axis=1)
    rows = {}
    for model, group in mean.groupby("model"):
        group = group.set_index("set")
        ref = reference.loc[group.index]
        rows[model] = {
            "sets": len(group),
            "RMSE <= LightGBM": int((group.rmse <= ref.rmse).sum()),
            "MAE <= LightGBM": int((group.mae <= ref.mae).sum()),
            "RMSE / LightGBM": (group.rmse / ref.rmse).mean(),
            "MAE / LightGBM": (group.mae / ref.mae).mean(),
            "R² - LightGBM": (group.r2 - ref.r2).mean(),
            "mean rank (RMSE)": ranks[model].mean(),
            "fit time / LightGBM (geo. mean)": float(
                np.exp(np.log(group.fit_seconds / ref.fit_seconds).mean())
            ),
            "seed spread (RMSE / LightGBM's)": spread.get(model, np.nan),
        }
    return pd.DataFrame(rows).T.sort_values("mean rank (RMSE)")


def summary_rst(table):
    """The summary as a reStructuredText table, with its notes."""
    header = [
        "variant", "sets", "RMSE <= LightGBM", "MAE <= LightGBM", "RMSE / LightGBM",
        "MAE / LightGBM", "R² - LightGBM", "mean rank", "fit time / LightGBM",
        "seed spread",
    ]  # fmt: skip
    rows = [
        [
            name,
            int(row.iloc[0]),
            int(row.iloc[1]),
            int(row.iloc[2]),
            f"{row.iloc[3]:.4f}",
            f"{row.iloc[4]:.4f}",
            f"{row.iloc[5]:+.4f}",
            f"{row.iloc[6]:.1f}",
            f"{row.iloc[7]:.2f}",
            "" if np.isnan(row.iloc[8]) else f"{row.iloc[8]:.4f}",
        ]
        for name, row in table.iterrows()
    ]
    notes = (
        "``loss='absolute_error'`` fits the median: compare its MAE, not its "
        "RMSE. ``loss='poisson'`` runs on the count sets only "
        f"({', '.join(f'``{name}``' for name in COUNTS)})."
    )
    return f"{rst_table(header, rows)}\n\n{notes}"


def per_set(results, models):
    """Mean validation RMSE of each model on each set, over LightGBM's."""
    mean = results[results.model.isin(models)]
    mean = mean.groupby(["set", "model"])["rmse"].mean().unstack()
    mean = mean.div(mean["LightGBM"], axis=0)
    return mean[[m for m in models if m in mean]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=None)
    parser.add_argument(
        "--variants",
        nargs="*",
        default=list(VARIANTS),
        help="our variants (none: the references only)",
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--out", default="regression_study.csv")
    parser.add_argument("--rst", default=None, help="write the summary here")
    args = parser.parse_args()
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; known: {list(VARIANTS)}")
    unknown = set(args.sets or ()) - set(SETS)
    if unknown:
        parser.error(f"unknown sets {sorted(unknown)}; known: {list(SETS)}")
    names = args.sets or available()
    warm_up(
        [
            lambda m=m: make(m, 0)
            for m in (*REFERENCES, *(["defaults"][: bool(args.variants)]))
        ],
        np.arange(200.0) % 7,
    )
    # alternate: LightGBM, a variant of ours, HGB, the next one...
    models = [*REFERENCES, *args.variants]
    results = run_study(
        args.out,
        FIELDS,
        names,
        lambda name: [
            (m, seed) for seed in args.seeds for m in models if runs_on(m, name)
        ],
        lambda name: validation_split(*split(*load(name))[::2]),
        lambda data, model, seed: fit_and_score(model, seed, data),
        lambda row: (
            f"{row['set']:18s} {row['model']:36s} seed {row['seed']}  RMSE "
            f"{row['rmse']:.4g}  MAE {row['mae']:.4g}  R² {row['r2']:+.4f}  "
            f"{row['fit_seconds']:6.2f} s {row['epochs']}"
        ),
    )
    report(
        results,
        (models, names, args.seeds),
        [*REFERENCES, *args.variants[:6]],
        summary,
        per_set,
        (args.rst, "regression_study.py --rst", summary_rst),
        title="Validation RMSE over LightGBM's:",
    )


if __name__ == "__main__":
    main()
