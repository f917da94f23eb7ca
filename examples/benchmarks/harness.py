"""What the benchmark scripts share: references, scores, studies, tables, timers.

- :func:`reference` makes LightGBM's and scikit-learn's
  HistGradientBoosting's estimators with their defaults, for either task,
  and :func:`timed_fit` fits one (HistGradientBoosting's large categorical
  columns as codes, :func:`gradient_boosting_columns`);
- :func:`classification_scores` and :func:`regression_scores` are the
  metrics, from :mod:`sklearn.metrics`;
- :func:`run_study` is the resumable loop of the studies: each (set, model,
  seed) is one line of a CSV file, and a second run skips the lines there;
- :func:`rst_table` and :func:`write_rst` write the tables the documentation
  includes;
- :func:`fresh_call` calls a function of a script here in a fresh process
  (importing ``sk_widedeep`` from another checkout if asked), and
  :func:`fresh_json` runs Python code in one and reads the JSON it prints
  last: the timers of the fresh-process benchmarks.

Time on quiet cores: ``OMP_WAIT_POLICY=PASSIVE taskset -c 0`` (OpenMP's
busy-wait makes LightGBM's and torch's times erratic when cores are shared).
"""

import csv
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    log_loss,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
    root_mean_squared_error,
)

REFERENCES = ("LightGBM", "HistGradientBoosting")
"""The reference models of every comparison, at their defaults."""


def reference(name, seed, task="classification"):
    """An unfitted reference model at its defaults (LightGBM's own threads).

    Parameters
    ----------
    name : {"LightGBM", "HistGradientBoosting"}
    seed : int
        Its ``random_state``.
    task : {"classification", "regression"}
    """
    classify = task == "classification"
    if name == "LightGBM":
        import lightgbm

        kind = lightgbm.LGBMClassifier if classify else lightgbm.LGBMRegressor
        return kind(random_state=seed, verbose=-1)
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )

    kind = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    return kind(random_state=seed)


def gradient_boosting_columns(*frames):
    """HistGradientBoosting takes categories of at most 255 values: larger
    categorical columns (ids) become their integer codes, as numbers."""
    first = frames[0]
    wide = [
        c
        for c in first.columns
        if isinstance(first[c].dtype, pd.CategoricalDtype)
        and len(first[c].cat.categories) > 255
    ]
    return [f.assign(**{c: f[c].cat.codes.astype(float) for c in wide}) for f in frames]


def timed_fit(estimator, model, X_fit, X_score, y_fit):
    """Fit ``estimator`` (a ``model``); return the seconds and X_score as it takes."""
    if model == "HistGradientBoosting":
        X_fit, X_score = gradient_boosting_columns(X_fit, X_score)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. the id-column warning
        estimator.fit(X_fit, y_fit)
    return time.perf_counter() - start, X_score


def classification_scores(y, proba, classes):
    """Log loss and ROC AUC (one-vs-rest macro for several classes)."""
    loss = log_loss(y, proba, labels=classes)
    if len(classes) == 2:
        auc = roc_auc_score(y == classes[1], proba[:, 1])
    else:
        auc = roc_auc_score(y, proba, labels=classes, multi_class="ovr")
    return loss, auc


def regression_scores(y, prediction):
    """RMSE, MAE and R² of a prediction; NaN when it has non-finite values."""
    prediction = np.asarray(prediction, dtype=np.float64).ravel()
    if not np.all(np.isfinite(prediction)):
        return np.nan, np.nan, np.nan
    y = np.asarray(y, dtype=np.float64)
    return (
        float(root_mean_squared_error(y, prediction)),
        float(mean_absolute_error(y, prediction)),
        float(r2_score(y, prediction)),
    )


def validation_split(X_train, y_train, stratified=True, random_state=0):
    """80/20 of the training rows, to choose with: X_fit, X_val, y_fit, y_val.

    Stratified by the target for a classification set; the test rows are
    never read when choosing.
    """
    from sklearn.model_selection import train_test_split

    return train_test_split(
        X_train,
        y_train,
        test_size=0.2,
        stratify=y_train if stratified else None,
        random_state=random_state,
    )


def warm_up(makers, y):
    """One small fit of each estimator, so that no timing pays first-call costs.

    ``makers`` are functions of no argument that return an estimator; ``y``
    the 200 targets of the small table.
    """
    X = pd.DataFrame({"a": np.arange(200.0), "b": list("xy") * 100})
    X["b"] = X["b"].astype("category")
    for make in makers:
        make().fit(X, y)


def run_study(out, fields, sets, pairs, prepare, run, show):
    """Run the (set, model, seed) jobs not in ``out`` yet, a line each.

    Parameters
    ----------
    out : path
        The CSV file of the study; created with ``fields`` as its header,
        or read to skip the jobs it holds.
    fields : list of str
        Its columns: ``set``, ``model``, ``seed``, then what ``run`` returns.
    sets : list of str
        The sets, in order.
    pairs : callable
        ``pairs(set)``: its (model, seed) pairs in the order to run them
        (alternating ours with the references).
    prepare : callable
        ``prepare(set)``: its data, read once for the jobs left on it.
    run : callable
        ``run(data, model, seed)``: a dict of the other fields.
    show : callable
        ``show(row)``: the line printed after each job.

    Returns
    -------
    results : DataFrame
        Every line of ``out``.
    """
    out = Path(out)
    done = set()
    if out.exists() and out.stat().st_size:
        old = pd.read_csv(out)
        done = set(zip(old["set"], old["model"], old["seed"], strict=True))
    with out.open("a", newline="") as file:
        writer = csv.DictWriter(file, fields)
        if not done:
            writer.writeheader()
        for name in sets:
            todo = [(m, s) for m, s in pairs(name) if (name, m, s) not in done]
            data = prepare(name) if todo else None
            for model, seed in todo:
                row = {"set": name, "model": model, "seed": seed}
                row.update(run(data, model, seed))
                writer.writerow(row)
                file.flush()
                print(show(row), flush=True)
    return pd.read_csv(out)


def report(results, runs, shown, summary, per_set, rst, title=""):
    """Print a study's summary and per-set tables; write the summary's rst.

    ``results`` are the study's lines, kept for ``runs`` = (models, sets,
    seeds); ``summary`` and ``per_set`` make the two tables (the second of
    the ``shown`` models), and ``rst`` = (path or None, script, to_rst)
    writes the summary's text ``to_rst(table)`` as ``script``'s.
    """
    models, sets, seeds = runs
    results = results[results.model.isin(models)]
    results = results[results.set.isin(sets) & results.seed.isin(seeds)]
    pd.set_option("display.width", 250)
    table = summary(results)
    print("\n" + table.to_string(float_format=lambda v: f"{v:.4f}"))
    path, script, to_rst = rst
    if path:
        write_rst(path, script, to_rst(table))
    print(f"\n{title}" if title else "")
    print(per_set(results, shown).to_string(float_format=lambda v: f"{v:.4f}"))


def memory_mb(field):
    """A memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def rst_table(header, rows):
    """A reStructuredText simple table of ``rows`` under ``header``."""
    widths = [
        max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)
    ]
    rule = "  ".join("=" * w for w in widths)
    line = lambda cells: "  ".join(  # noqa: E731
        str(c).ljust(w) for c, w in zip(cells, widths, strict=True)
    ).rstrip()
    return "\n".join([rule, line(header), rule, *map(line, rows), rule])


def write_rst(path, script, body):
    """Write ``body`` to ``path``, under a line naming the ``script`` that wrote it."""
    text = f".. Written by examples/benchmarks/{script}; do not edit.\n\n{body}\n"
    Path(path).write_text(text)


def fresh_call(module, function, *args, checkout=None, env=None):
    """``module.function(*args)`` of this folder, in a fresh Python process.

    With ``checkout``, that process imports ``sk_widedeep`` from that
    checkout (an older commit in a ``git worktree``), so that two versions
    are measured under the same conditions. The arguments and the result
    travel as JSON; warnings are silenced in the child.
    """
    code = (
        "import json, sys, warnings\n"
        "sys.path[:0] = [p for p in sys.argv[1:3] if p]\n"
        "warnings.simplefilter('ignore')\n"
        f"from {module} import {function} as call\n"
        "print(json.dumps(call(*json.loads(sys.argv[3]))))\n"
    )
    if checkout:
        env = {**(env or os.environ), "PYTHONPATH": str(checkout)}
    here = str(Path(__file__).resolve().parent)
    return fresh_json(code, checkout or "", here, json.dumps(args), env=env)


def fresh_json(code, *args, env=None):
    """Run ``code`` in a fresh Python process; return the JSON it printed last."""
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode:
        raise RuntimeError(f"the fresh process failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])
