"""Two checkouts against each other: the same probabilities, the same speed.

For a change of the engine that must keep the model's arithmetic and its
speed. Each measurement is a fresh process that imports ``sk_widedeep`` from
one checkout (the old one made with ``git worktree add /tmp/old <commit>``);
the two checkouts alternate, so that drifts of the machine hit both. Run
from ``examples/benchmarks`` on quiet cores
(``OMP_WAIT_POLICY=PASSIVE taskset -c 0``)::

    python checkouts.py probabilities --old /tmp/old [--new ../..]
    python checkouts.py speed --old /tmp/old [--runs 10]
    python checkouts.py steps --old /tmp/old [--repeats 5] [--tables NAME ...]

- ``probabilities``: for each of twelve configurations (:data:`CONFIGS`),
  a fit on a synthetic table (numbers, low- and high-cardinality
  categories, missing values, a multi-valued column) and the predictions on
  held-out rows; the largest absolute difference between the checkouts.
  Where the new checkout knows ``embedding_dim="fourth_root"`` (the rule
  before the two sizes of ``"auto"``), it is set, so both fit one model.
- ``speed``: one fit on 20,000 rows of Adult (3 epochs, no early stopping,
  after a warm-up fit on 2,000) and the median of 500 ``predict_proba``
  calls on one row, one torch thread; five probabilities, which must agree.
- ``steps``: milliseconds per training step of the default model. A default
  fit is *steps x cost per step*; for each table, a fit of 1 epoch and one
  of ``1 + EPOCHS`` (at least ``MIN_STEPS`` steps more on small tables),
  and the difference in seconds over the difference in steps: a step with
  everything an epoch adds to it, without the fit's fixed costs. The tables
  (``corpus.py``) cover the shapes a default fit meets: numeric
  (``magic``), mixed (``german``, ``fair``), a long-tail id
  (``app_installs_longtail``), multiclass (``letter``) and a multi-valued
  column (``apps``: 20,000 rows of ``make_app_installs(installed_apps=True)``).
"""

import argparse
import importlib
import os
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
from harness import fresh_call

CONFIGS = {
    "defaults": "WideDeepClassifier(max_epochs=4)",
    "early stopping": "WideDeepClassifier(max_epochs=8, early_stopping=True)",
    "multiclass": "WideDeepClassifier(max_epochs=4)",
    "wide only": "WideDeepClassifier(deep=None, max_epochs=4)",
    "deep only, dropout": "WideDeepClassifier(wide=None, dropout=0.2, max_epochs=4)",
    "wide adam": "WideDeepClassifier(wide_optimizer='adam', max_epochs=4)",
    "ftrl l1 l2, sgd deep": (
        "WideDeepClassifier(wide_l1=0.01, wide_l2=0.1, deep_optimizer='sgd', "
        "max_epochs=4)"
    ),
    "periodic, weights": (
        "WideDeepClassifier(deep=EmbeddingEncoder(continuous_encoding='periodic'), "
        "class_weight='balanced', max_epochs=4)"
    ),
    "hashed": (
        "WideDeepClassifier(wide=CrossProductTransformer(hash_buckets=512, "
        "crosses=[('c_low', 'c_high')]), deep=EmbeddingEncoder(hash_buckets=256), "
        "max_epochs=4)"
    ),
    "multi-valued": (
        "WideDeepClassifier(wide=CrossProductTransformer(crosses=[('tags', 'c_low')]), "
        "max_epochs=4)"
    ),
    "regressor": "WideDeepRegressor(max_epochs=4)",
    "regressor poisson, sparse tables": (
        "WideDeepRegressor(loss='poisson', max_epochs=4)"
    ),
}
TABLES = ["magic", "german", "fair", "app_installs_longtail", "letter", "apps"]
EPOCHS = 3
MIN_STEPS = 300


def _private(module, layer):
    """A private module, in the layered layout or in the flat one before it
    (asked of the checkout imported: an editable install may find the other)."""
    import sk_widedeep

    layered = (Path(sk_widedeep.__file__).parent / layer).is_dir()
    return importlib.import_module(
        f"sk_widedeep.{layer}.{module}" if layered else f"sk_widedeep.{module}"
    )


def predictions(name):
    """The child of ``probabilities``: one configuration's held-out predictions."""
    from sk_widedeep import (
        CrossProductTransformer,
        EmbeddingEncoder,
        WideDeepClassifier,
        WideDeepRegressor,
    )

    if "sparse tables" in name:
        _private("_net", "_network").SPARSE_EMBEDDING_ROWS = 50
    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame({f"x{j}": rng.normal(size=n) for j in range(4)})
    X["x0"] = X["x0"].where(rng.random(n) > 0.05)
    X["c_low"] = rng.choice(list("abcde"), n)
    X["c_high"] = pd.Series(rng.integers(0, 300, n)).map("id{}".format)
    tags = np.array(["t0", "t1", "t2", "t3", "t4", "t5"])
    if name == "multi-valued":
        X["tags"] = [
            list(rng.choice(tags, rng.integers(0, 4), replace=False)) for _ in range(n)
        ]
    logit = X["x1"] + (X["c_low"] == "a") - X["x0"].fillna(0) ** 2 / 2
    if name.startswith("regressor"):
        y = np.exp(0.3 * logit.to_numpy() + 0.1 * rng.normal(size=n))
    elif name == "multiclass":
        y = np.digitize(logit + rng.normal(size=n), [-0.5, 0.5])
    else:
        y = (logit + rng.logistic(size=n) > 0).astype(int)
    kinds = [CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier]
    known = {kind.__name__: kind for kind in [*kinds, WideDeepRegressor]}
    model = eval(CONFIGS[name], known)  # noqa: S307 (our own strings)
    model.set_params(random_state=0)
    embedding = _private("_embedding", "_transformers")
    if hasattr(embedding, "fourth_root_embedding_dim"):  # the same model
        if model.deep == "auto":
            model.set_params(deep=EmbeddingEncoder(embedding_dim="fourth_root"))
        elif model.deep is not None:
            model.deep.set_params(embedding_dim="fourth_root")
    model.fit(X[:2500], y[:2500])
    regressor = name.startswith("regressor")
    out = model.predict(X[2500:]) if regressor else model.predict_proba(X[2500:])
    return np.asarray(out, dtype=float).ravel().tolist()


def fit_and_predict():
    """The child of ``speed``: fit seconds, one-row predict ms, 5 probabilities."""
    import time

    from sk_widedeep import WideDeepClassifier
    from sk_widedeep.datasets import fetch_adult

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
    return [fit, float(np.median(times)) * 1e3, str(proba)]


def step_ms(name):
    """The child of ``steps``: ms per step of the default model, steps per epoch."""
    import time

    from sk_widedeep import WideDeepClassifier

    if name == "apps":
        from sk_widedeep.datasets import make_app_installs

        X, y = make_app_installs(20_000, installed_apps=True, random_state=0)
    else:
        from corpus import split

        X, _, y, _ = split(name)
    steps_per_epoch = -(-len(X) // 256)
    extra = max(EPOCHS, -(-MIN_STEPS // steps_per_epoch))
    times = []
    for epochs in (1, 1 + extra):
        model = WideDeepClassifier(
            random_state=0, early_stopping=False, max_epochs=epochs
        )
        start = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - start)
    ms = 1000 * (times[1] - times[0]) / (extra * steps_per_epoch)
    return [ms, steps_per_epoch]


def alternated(old, new, function, *args, repeats=1, env=None):
    """``function(*args)`` in fresh processes of each checkout, alternated."""
    runs = {"old": [], "new": []}
    for _ in range(repeats):
        for side, checkout in (("old", old), ("new", new)):
            runs[side].append(
                fresh_call("checkouts", function, *args, checkout=checkout, env=env)
            )
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["probabilities", "speed", "steps"])
    parser.add_argument("--old", type=Path, required=True, help="the old checkout")
    parser.add_argument("--new", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--runs", type=int, default=10, help="speed: fresh processes")
    parser.add_argument("--repeats", type=int, default=5, help="steps: per table")
    parser.add_argument("--tables", nargs="+", default=TABLES, help="steps: tables")
    args = parser.parse_args()
    old, new = args.old.resolve(), args.new.resolve()
    if args.what == "probabilities":
        print(f"{'configuration':34s} {'largest difference':>18s}")
        for name in CONFIGS:
            runs = alternated(old, new, "predictions", name)
            difference = np.abs(np.subtract(runs["old"][0], runs["new"][0])).max()
            print(f"{name:34s} {difference:18.2e}", flush=True)
    elif args.what == "speed":
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        runs = alternated(old, new, "fit_and_predict", repeats=args.runs, env=env)
        for side, checkout in (("old", old), ("new", new)):
            fit = statistics.median(r[0] for r in runs[side])
            predict = statistics.median(r[1] for r in runs[side])
            print(
                f"{checkout}: fit {fit:.3f} s, predict_proba(1 row) {predict:.3f} "
                f"ms, probabilities {runs[side][0][2]}"
            )
    else:
        header = f"{'table':24s} {'steps/epoch':>11s} {'old ms':>8s} {'new ms':>8s}"
        print(f"{header} {'ratio':>6s}")
        for name in args.tables:
            runs = alternated(old, new, "step_ms", name, repeats=args.repeats)
            old_ms, new_ms = (np.median([r[0] for r in runs[s]]) for s in runs)
            steps = runs["new"][0][1]
            print(
                f"{name:24s} {steps:11d} {old_ms:8.2f} {new_ms:8.2f} "
                f"{old_ms / new_ms:6.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
