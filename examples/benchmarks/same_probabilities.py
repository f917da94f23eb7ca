"""Whether two checkouts give the same probabilities on twelve configurations.

A change of the engine that keeps the model's arithmetic (how a lookup or an
update is computed, not what is computed) must leave the predictions as they
were. For each configuration below, a fresh process imports ``sk_widedeep``
from a checkout, fits on a synthetic table (numbers, low- and
high-cardinality categories, missing values, a multi-valued column) and
prints the predictions on held-out rows; the largest absolute difference
between the two checkouts is reported per configuration. Where the new
checkout knows ``embedding_dim="fourth_root"`` (the rule before the two
sizes of ``"auto"``), it is set, so that both fit the same model.

Run from ``examples/benchmarks``, the old checkout made with
``git worktree add /tmp/old <commit>``::

    python same_probabilities.py --old /tmp/old [--new ../..]
"""

import argparse
from pathlib import Path

import numpy as np
from harness import fresh_json

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

CHILD = """
import sys, json, warnings
sys.path.insert(0, {checkout!r})
warnings.simplefilter("ignore")
import importlib, os
import numpy as np, pandas as pd
from sk_widedeep import (CrossProductTransformer, EmbeddingEncoder,
                         WideDeepClassifier, WideDeepRegressor)


def private(module, layer):
    # a private module, in the layered layout or in the flat one before it
    # (asked of the checkout itself: an editable install may find the other)
    layered = os.path.isdir(os.path.join({checkout!r}, "sk_widedeep", layer))
    name = f"sk_widedeep.{{layer}}.{{module}}" if layered else f"sk_widedeep.{{module}}"
    return importlib.import_module(name)


embedding = private("_embedding", "_transformers")
_net = private("_net", "_network")
name = {name!r}
if "sparse tables" in name:
    _net.SPARSE_EMBEDDING_ROWS = 50
rng = np.random.default_rng(0)
n = 3000
X = pd.DataFrame({{f"x{{j}}": rng.normal(size=n) for j in range(4)}})
X["x0"] = X["x0"].where(rng.random(n) > 0.05)
X["c_low"] = rng.choice(list("abcde"), n)
X["c_high"] = pd.Series(rng.integers(0, 300, n)).map("id{{}}".format)
tags = np.array(["t0", "t1", "t2", "t3", "t4", "t5"])
if name == "multi-valued":
    X["tags"] = [list(rng.choice(tags, rng.integers(0, 4), replace=False))
                 for _ in range(n)]
logit = X["x1"] + (X["c_low"] == "a") - X["x0"].fillna(0) ** 2 / 2
if name.startswith("regressor"):
    y = np.exp(0.3 * logit.to_numpy() + 0.1 * rng.normal(size=n))
elif name == "multiclass":
    y = np.digitize(logit + rng.normal(size=n), [-0.5, 0.5])
else:
    y = (logit + rng.logistic(size=n) > 0).astype(int)
model = {estimator}
model.set_params(random_state=0)
if hasattr(embedding, "fourth_root_embedding_dim"):  # the same model
    deep = model.deep
    if deep == "auto":
        model.set_params(deep=EmbeddingEncoder(embedding_dim="fourth_root"))
    elif deep is not None:
        deep.set_params(embedding_dim="fourth_root")
model.fit(X[:2500], y[:2500])
out = model.predict(X[2500:]) if name.startswith("regressor") else \\
    model.predict_proba(X[2500:])
print(json.dumps(np.asarray(out, dtype=float).ravel().tolist()))
"""


def predictions(checkout, name):
    """Predictions of one configuration, fitted in a fresh process."""
    code = CHILD.format(checkout=str(checkout), name=name, estimator=CONFIGS[name])
    return np.array(fresh_json(code))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the old checkout")
    parser.add_argument("--new", type=Path, default=Path(__file__).resolve().parents[2])
    args = parser.parse_args()
    print(f"{'configuration':34s} {'largest difference':>18s}")
    for name in CONFIGS:
        old = predictions(args.old.resolve(), name)
        new = predictions(args.new.resolve(), name)
        print(f"{name:34s} {np.abs(old - new).max():18.2e}", flush=True)


if __name__ == "__main__":
    main()
