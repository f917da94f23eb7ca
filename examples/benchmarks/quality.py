"""Test ROC AUC, log loss and fit time of sk_widedeep and its peers.

On Adult, MovieLens 100K (label: rating >= 4) and the synthetic app store,
with the canonical 80/20 splits of ``corpus.load_problem``, one table per problem:

- sk_widedeep: the joint, wide-only and deep-only models with the library's
  defaults and the problem's explicit column roles, and ``paper_preset``
  with the same roles;
- ``make_pipeline(CrossProductTransformer(...), LogisticRegression())``:
  one-hot plus the same crosses, numeric columns bucketized (the paper's
  wide-only baseline fitted by scikit-learn);
- ``HistGradientBoostingClassifier`` and, when installed, LightGBM, on the
  same columns (categories as pandas categoricals; the ids of MovieLens,
  with more categories than HistGradientBoosting takes, as integer codes).

Run from the repository root::

    python examples/benchmarks/quality.py [--problems adult movielens app_installs]
"""

import argparse
import time

import numpy as np
import pandas as pd
from corpus import PROBLEMS, ROLES, model
from corpus import load_problem as load
from harness import reference
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline

from sk_widedeep import CrossProductTransformer, paper_preset


def feature_columns(problem):
    deep = ROLES[problem]["deep"]
    return list(dict.fromkeys(deep["categorical"] + deep["continuous"]))


def as_categories(X_train, X, problem, max_categories=None):
    """The problem's columns, categorical ones as pandas categoricals."""
    X = X[feature_columns(problem)].copy()
    for column in ROLES[problem]["deep"]["categorical"]:
        categories = sorted(X_train[column].dropna().unique())
        known = X[column].where(X[column].isin(categories))  # unseen: missing
        codes = pd.Categorical(known, categories=categories)
        if max_categories is not None and len(categories) > max_categories:
            X[column] = np.where(codes.codes < 0, np.nan, codes.codes)
        else:
            X[column] = codes
    return X


def contenders(problem):
    """name -> (estimator, function preparing X from (X_train, X))."""
    roles = ROLES[problem]
    raw = lambda X_train, X: X  # noqa: E731
    found = {
        "sk_widedeep joint": (model(problem, random_state=0), raw),
        "sk_widedeep wide-only": (model(problem, "wide-only", random_state=0), raw),
        "sk_widedeep deep-only": (model(problem, "deep-only", random_state=0), raw),
        "sk_widedeep paper_preset": (
            paper_preset(
                wide_columns=roles["wide"]["columns"],
                crosses=roles["wide"]["crosses"],
                categorical=roles["deep"]["categorical"],
                continuous=roles["deep"]["continuous"],
                random_state=0,
            ),
            raw,
        ),
        "one-hot + crosses LogisticRegression": (
            make_pipeline(
                CrossProductTransformer(
                    columns=feature_columns(problem), crosses=roles["wide"]["crosses"]
                ),
                LogisticRegression(max_iter=2000),
            ),
            raw,
        ),
        "HistGradientBoostingClassifier": (
            HistGradientBoostingClassifier(
                categorical_features="from_dtype", random_state=0
            ),
            lambda X_train, X: as_categories(X_train, X, problem, max_categories=250),
        ),
    }
    try:
        found["LightGBM"] = (
            reference("LightGBM", 0),
            lambda X_train, X: as_categories(X_train, X, problem),
        )
    except ImportError:
        pass
    return found


def evaluate(problem):
    X_train, X_test, y_train, y_test = load(problem)
    rows = {}
    for name, (estimator, prepare) in contenders(problem).items():
        start = time.perf_counter()
        estimator.fit(prepare(X_train, X_train), y_train)
        seconds = time.perf_counter() - start
        proba = estimator.predict_proba(prepare(X_train, X_test))[:, 1]
        if not np.isfinite(proba).all():
            raise FloatingPointError(f"{name} predicted a non-finite probability")
        rows[name] = {
            "test AUC": roc_auc_score(y_test, proba),
            "log loss": log_loss(y_test, proba),
            "fit seconds": seconds,
        }
        print(f"  {name:40s} {rows[name]['test AUC']:.4f}", flush=True)
    return pd.DataFrame.from_dict(rows, orient="index")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", nargs="+", choices=PROBLEMS, default=PROBLEMS)
    args = parser.parse_args()
    for problem in args.problems:
        print(f"\n{problem}")
        table = evaluate(problem)
        print()
        print(table.to_markdown(floatfmt=".4f"))


if __name__ == "__main__":
    main()
