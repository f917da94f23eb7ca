"""The corpus on its test rows: our defaults, the old ones, LightGBM and HGB.

For every set of ``corpus.py``, on the canonical 80/20 split (the test rows
are read here once, after the defaults were chosen by ``defaults_study.py``
on validation splits of the training rows):

- ``WideDeepClassifier(random_state=seed)``, the defaults, column roles left
  to ``"auto"``; the same with the settings of the defaults before their
  second round (``before``: early stopping only from 500 rows, 10% held
  out, a relative tolerance of 1e-4, no temperature, pieces that end flat;
  the missing slot has no switch); LightGBM's ``LGBMClassifier(random_state=seed)`` and
  ``HistGradientBoostingClassifier(random_state=seed)``, defaults both; with
  ``--small``, the small tables (``corpus.SMALL_SETS``) and the linear
  baseline (``corpus.linear_baseline``) too;
- test ROC AUC (one-vs-rest macro for multiclass), log loss, expected
  calibration error (15 equal-width bins of the predicted probability of
  class 1, or of the top class for multiclass) and fit seconds, each the
  mean over ``--seeds`` (fit seconds: the median);
- a paired bootstrap 95% interval of (ours - LightGBM) in log loss and AUC,
  over resamples of the test rows (seed 0 of both), and the seed spread.

Run from ``examples/benchmarks`` (``pip install ".[benchmarks]"`` and the
corpus' packages, see ``corpus.py``)::

    python corpus_quality.py [--sets NAME ...] [--seeds 0 1 2] [--small] \
        [--rst ../../docs/_corpus_quality.rst] [--figure PATH.png]

It prints the tables, writes them as reStructuredText with ``--rst``, and
draws the reliability diagrams of four binary sets with ``--figure``.

With ``--networks`` it scores, instead of the old defaults and HGB, the
best published defaults of other tabular networks beside ours and
LightGBM's: pytabkit's ``RealMLP_TD_Classifier`` and ``TabM_D_Classifier``
(Holzmüller et al., 2024; Gorishniy et al., 2025; ``pip install
".[benchmarks]"``), on the CPU with one thread as ours, on the sets of at
most ``NETWORK_MAX_ROWS`` training rows (RealMLP-TD up to 30,000, TabM-D,
whose 32 members took 650 s for 4,300 rows on one core, up to 3,000)::

    python corpus_quality.py --networks --seeds 0 [--runs networks.csv] [--rst PATH]

pytabkit refuses missing numbers: for these two, a missing number is
replaced by the median of its training column. ``--runs`` keeps every
fit's scores in a CSV and skips those already there (the networks' fits
take most of an hour on one core), and the table is made from it; the
bootstrap intervals need every set's probabilities, so they are shown only
when no fit was read back.
"""

import argparse
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from corpus import SETS, SMALL_SETS, available, linear_baseline, split
from harness import (
    REFERENCES,
    reference,
    rst_table,
    run_study,
    timed_fit,
    warm_up,
    write_rst,
)
from harness import classification_scores as scores

from sk_widedeep import EmbeddingEncoder, WideDeepClassifier

MODELS = ("defaults", "before", "LightGBM", "HistGradientBoosting")
NETWORKS = ("RealMLP-TD", "TabM-D")
NETWORK_MODELS = ("defaults", "LightGBM", *NETWORKS)
NETWORK_MAX_ROWS = {"RealMLP-TD": 30_000, "TabM-D": 3_000}
N_BOOTSTRAP = 1000
DIAGRAM_SETS = ("magic", "credit_cards", "restaurants", "mortgages")


def before_round_2(n_rows):
    """The settings of the defaults before their second round (issue 21)."""
    return {
        "early_stopping": n_rows >= 500,  # "auto" was off below 500 rows
        "validation_fraction": 0.1,
        "tol": 1e-4,  # skorch's threshold, which early stopping used then
        "temperature_scaling": False,
        "deep": EmbeddingEncoder(extrapolate=False),
    }


def make(model, seed, n_rows):
    if model == "defaults":
        return WideDeepClassifier(random_state=seed)
    if model == "before":
        return WideDeepClassifier(random_state=seed, **before_round_2(n_rows))
    if model in REFERENCES:
        return reference(model, seed)
    if model == "linear":
        return linear_baseline(seed)
    if model in NETWORKS:
        from pytabkit import RealMLP_TD_Classifier, TabM_D_Classifier

        kind = RealMLP_TD_Classifier if model == "RealMLP-TD" else TabM_D_Classifier
        return kind(random_state=seed, device="cpu", n_threads=1)
    raise ValueError(f"unknown model {model!r}")


def network_columns(frame, train):
    """pytabkit reads categories from the category dtype: strings and
    booleans become categories; it refuses missing numbers, which become the
    median of their column in ``train``."""
    text = [
        c
        for c in frame.columns
        if frame[c].dtype == object
        or pd.api.types.is_string_dtype(frame[c].dtype)
        or pd.api.types.is_bool_dtype(frame[c].dtype)
    ]
    numbers = [
        c
        for c in frame.columns
        if c not in text and pd.api.types.is_numeric_dtype(frame[c].dtype)
    ]
    frame = frame.fillna({c: train[c].median() for c in numbers})
    return frame.astype(dict.fromkeys(text, "category"))


def expected_calibration_error(y, proba, classes, n_bins=15):
    """ECE of class 1's probability (binary) or of the top class (multiclass)."""
    if len(classes) == 2:
        confidence, correct = proba[:, 1], (y == classes[1])
    else:
        confidence = proba.max(axis=1)
        correct = classes[proba.argmax(axis=1)] == y
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    gap = np.bincount(bins, confidence - correct, minlength=n_bins)
    return float(np.abs(gap).sum() / len(y))


def bootstrap_differences(y, ours, theirs, classes, rng):
    """95% intervals of (ours - theirs) log loss and AUC over test resamples."""
    codes = np.searchsorted(classes, y)
    row_loss = lambda p: -np.log(np.clip(p[np.arange(len(y)), codes], 1e-15, 1))  # noqa: E731
    loss_diff = row_loss(ours) - row_loss(theirs)
    n = len(y)
    losses, aucs = [], []
    for _ in range(N_BOOTSTRAP):
        rows = rng.integers(0, n, n)
        if len(np.unique(y[rows])) < len(classes):
            continue
        losses.append(loss_diff[rows].mean())
        aucs.append(
            scores(y[rows], ours[rows], classes)[1]
            - scores(y[rows], theirs[rows], classes)[1]
        )
    return np.percentile(losses, [2.5, 97.5]), np.percentile(aucs, [2.5, 97.5])


def fit_and_score(data, model, seed):
    """Fit ``model`` on a set's training rows: its test scores and fit seconds,
    and its test probabilities and classes."""
    X_train, X_test, y_train, y_test = data
    estimator = make(model, seed, len(X_train))
    X_fit, X_score = X_train, X_test
    if model in NETWORKS:
        X_fit = network_columns(X_train, X_train)
        X_score = network_columns(X_test, X_train)
    seconds, X_score = timed_fit(estimator, model, X_fit, X_score, y_train)
    proba, classes = estimator.predict_proba(X_score), estimator.classes_
    loss, auc = scores(y_test, proba, classes)
    ece = expected_calibration_error(y_test, proba, classes)
    row = {"auc": auc, "log_loss": loss, "ece": ece, "fit_seconds": seconds}
    return row, (proba, classes)


def interval(y_test, kept):
    """The bootstrap intervals of (ours - LightGBM), or None without both."""
    if "defaults" not in kept or "LightGBM" not in kept:  # fits read back
        return None
    ours, classes = kept["defaults"]
    rng = np.random.default_rng(0)
    loss, auc = bootstrap_differences(y_test, ours, kept["LightGBM"][0], classes, rng)
    return {"log loss CI": loss, "AUC CI": auc}


def tables(runs, names):
    """Per set and model: mean scores, median fit seconds, the seed spread."""
    grouped = runs.groupby(["set", "model"], sort=False)
    mean = grouped[["auc", "log_loss", "ece"]].mean()
    mean["fit_seconds"] = grouped["fit_seconds"].median()
    mean["log_loss_spread"] = grouped["log_loss"].std()
    return mean.unstack("model").loc[names]


def target_summary(wide):
    ours, lgbm = "defaults", "LightGBM"
    loss = wide["log_loss"]
    loss_wins = int((loss[ours] <= loss[lgbm]).sum())
    auc_ok = int((wide["auc"][ours] >= wide["auc"][lgbm] - 0.005).sum())
    ratio = wide["fit_seconds"][ours] / wide["fit_seconds"][lgbm]
    geo = float(np.exp(np.log(ratio).mean()))
    old = wide["fit_seconds"]["before"] / wide["fit_seconds"][lgbm]
    geo_old = float(np.exp(np.log(old).mean()))
    before_wins = int((loss["before"] <= loss[lgbm]).sum())
    n = len(wide)
    text = (
        f"Of {n} sets, the defaults' test log loss is at most LightGBM's on "
        f"{loss_wins} (before: {before_wins}) and their AUC at least LightGBM's "
        f"- 0.005 on {auc_ok}; their fit time is {geo:.2f}x LightGBM's "
        f"(geometric mean; before: {geo_old:.2f}x)."
    )
    if "linear" in loss:
        best = np.minimum(loss[lgbm], loss["linear"])
        text += (
            f" At or below the better of LightGBM and the linear model: "
            f"{int((loss[ours] <= best).sum())} of {n} (before: "
            f"{int((loss['before'] <= best).sum())})."
        )
    return text


SHORT = {
    "defaults": "ours",
    "before": "ours before",
    "LightGBM": "LightGBM",
    "HistGradientBoosting": "HGB",
    "linear": "linear",
    "RealMLP-TD": "RealMLP-TD",
    "TabM-D": "TabM-D",
}


def network_summary(wide):
    """Per network: sets at or below LightGBM's and our log loss, fit time."""
    loss, seconds = wide["log_loss"], wide["fit_seconds"]
    lines = []
    for model in ("defaults", *NETWORKS):
        ran = loss[model].notna()
        ratio = np.exp(np.log(seconds[model] / seconds["LightGBM"])[ran].mean())
        line = (
            f"{SHORT[model]}: log loss at most LightGBM's on "
            f"{int((loss[model] <= loss['LightGBM']).sum())} of {int(ran.sum())} sets"
        )
        if model != "defaults":
            line += f", at most ours on {int((loss[model] <= loss['defaults']).sum())}"
        lines.append(f"{line}; fit time {ratio:.1f}x LightGBM's (geometric mean).")
    return " ".join(lines)


def _cell(fmt, value):
    """A number of the table; empty where the model did not run."""
    return "" if np.isnan(value) else fmt.format(value)


def quality_rst(wide, ci, summary, models=MODELS):
    models = list(models)
    blocks = []
    for metric, title, fmt in [
        ("log_loss", "Test log loss", "{:.4f}"),
        ("auc", "Test ROC AUC", "{:.4f}"),
        ("fit_seconds", "Fit seconds (median over the seeds)", "{:.2f}"),
        ("ece", "Expected calibration error", "{:.4f}"),
    ]:
        interval = {"log_loss": "log loss CI", "auc": "AUC CI"}.get(metric)
        if ci is None:  # --runs: scores read back, no intervals
            interval = None
        header = ["set", *[SHORT[m] for m in models]]
        if interval:
            header.append("ours - LightGBM, 95% CI")
        rows = []
        for name in wide.index:
            row = [name, *[_cell(fmt, wide[metric][m][name]) for m in models]]
            if interval:
                low, high = ci.loc[name, interval]
                row.append(f"[{low:+.4f}, {high:+.4f}]")
            rows.append(row)
        blocks.append(f"{title}:\n\n{rst_table(header, rows)}")
    return "\n\n".join(blocks) + f"\n\n{summary}"


def draw(figure, probabilities):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import CalibrationDisplay

    shown = [name for name in DIAGRAM_SETS if name in probabilities]
    if not shown:
        raise SystemExit(f"--figure draws {DIAGRAM_SETS}: none of them was fitted")
    fig, axes = plt.subplots(1, len(shown), figsize=(4 * len(shown), 4))
    for ax, name in zip(np.atleast_1d(axes), shown, strict=True):
        proba, y = probabilities[name]
        for model, style in [("defaults", "o-"), ("LightGBM", "s--")]:
            p, classes = proba[model]
            CalibrationDisplay.from_predictions(
                y == classes[1],
                p[:, 1],
                n_bins=10,
                strategy="quantile",
                name="sk_widedeep" if model == "defaults" else model,
                ax=ax,
                marker=style[0],
            )
        ax.set_title(name)
    fig.tight_layout()
    fig.savefig(figure, dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=None)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rst", default=None)
    parser.add_argument("--figure", default=None)
    parser.add_argument(
        "--small", action="store_true", help="the small tables, with a linear model"
    )
    parser.add_argument(
        "--networks", action="store_true", help="RealMLP-TD and TabM-D beside ours"
    )
    parser.add_argument("--runs", default=None, help="a CSV of the fits, resumable")
    args = parser.parse_args()
    names = args.sets or available(SMALL_SETS if args.small else SETS)
    models = (*MODELS, "linear") if args.small else MODELS
    if args.networks:
        models = NETWORK_MODELS
        largest = max(NETWORK_MAX_ROWS.values())
        names = [n for n in names if len(split(n)[0]) <= largest]
    warm_up(
        [lambda m=m: make(m, 0, 200) for m in (*REFERENCES, "defaults")], [0, 1] * 100
    )
    if args.networks:  # their first fit imports lightning: not timed
        X = pd.DataFrame({"a": np.arange(200.0), "b": list("xy") * 100})
        for model in NETWORKS:
            make(model, 0, 200).fit(network_columns(X, X), [0, 1] * 100)
    train_rows = cache(lambda name: len(split(name)[0]))
    # per set: the test labels, and the first seed's probabilities per model
    # (for the bootstrap intervals and the reliability diagrams)
    y_tests, kept = {}, {}

    def prepare(name):
        X_train, X_test, y_train, y_test = split(name)
        y_tests[name] = np.asarray(y_test)
        return name, (X_train, X_test, y_train, y_tests[name])

    def run(data, model, seed):
        name, rows = data
        row, probabilities = fit_and_score(rows, model, seed)
        if seed == args.seeds[0]:
            kept.setdefault(name, {})[model] = probabilities
        return row

    with tempfile.TemporaryDirectory() as folder:
        runs = run_study(
            args.runs or Path(folder) / "runs.csv",
            ["set", "model", "seed", "auc", "log_loss", "ece", "fit_seconds"],
            names,
            lambda name: [
                (model, seed)
                for seed in args.seeds
                for model in models  # alternating: the timings share the machine
                if train_rows(name) <= NETWORK_MAX_ROWS.get(model, np.inf)
            ],
            prepare,
            run,
            lambda row: (
                f"{row['set']:22s} {row['model']:22s} seed {row['seed']}  "
                f"AUC {row['auc']:.4f}  log loss {row['log_loss']:.4f}  "
                f"ECE {row['ece']:.4f}  {row['fit_seconds']:.2f} s"
            ),
        )
    runs = runs[runs.set.isin(names) & runs.seed.isin(args.seeds)]
    wide = tables(runs[runs.model.isin(models)], names)
    intervals = {name: interval(y_tests[name], kept[name]) for name in kept}
    ci = None
    if len(intervals) == len(names) and None not in intervals.values():
        ci = pd.DataFrame(intervals).T.loc[names]
    pd.set_option("display.width", 250)
    print(wide.to_string(float_format=lambda v: f"{v:.4f}"))
    if ci is not None:
        print(ci.to_string())
    summary = network_summary(wide) if args.networks else target_summary(wide)
    print(summary)
    if args.rst:
        write_rst(args.rst, "corpus_quality.py", quality_rst(wide, ci, summary, models))
    if args.figure:
        binary = [
            n for n, k in kept.items() if len(k.get("defaults", ("", []))[1]) == 2
        ]
        draw(args.figure, {n: (kept[n], y_tests[n]) for n in binary})


if __name__ == "__main__":
    main()
