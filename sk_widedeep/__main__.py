"""``python -m sk_widedeep``: the paper's three models on a synthetic app store.

Trains the wide-only, deep-only and joint Wide & Deep models on
:func:`sk_widedeep.datasets.make_app_installs` with its multi-valued
``installed_apps`` column (``installed_apps=True``), and prints their test
ROC AUC, log loss and fit time. As in the paper, the wide part crosses the
user's installed apps with the candidate app, and the deep part pools the
embeddings of the installed apps.
"""

import argparse
import time

import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from . import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from .datasets import make_app_installs

USER_COLUMNS = ["country", "language", "device", "installed_category"]
APP_COLUMNS = ["app_id", "app_category", "app_language"]
CATEGORICAL = USER_COLUMNS + APP_COLUMNS
CONTINUOUS = ["age", "app_rating"]
CROSSES = [
    ("country", "app_id"),
    ("installed_category", "app_category"),
    ("language", "app_language"),
]
INSTALLED_CROSS = ("installed_apps", "app_id")
"""The paper's cross: AND(user_installed_app=a, impression_app=b)."""


def app_store_models(installed_apps=False, **params):
    """Build the wide-only, deep-only and joint models for the app-store data.

    Parameters
    ----------
    installed_apps : bool, default=False
        The data has the multi-valued ``installed_apps`` column: the wide
        part crosses it with ``app_id`` and the deep part pools its
        embeddings.
    **params : dict
        Further :class:`~sk_widedeep.WideDeepClassifier` parameters, the same
        for the three models.

    Returns
    -------
    models : dict of str to WideDeepClassifier
        Unfitted models keyed ``"wide-only"``, ``"deep-only"``,
        ``"wide & deep"``.
    """
    categorical = CATEGORICAL + ["installed_apps"] * installed_apps
    crosses = CROSSES + [INSTALLED_CROSS] * installed_apps
    wide = CrossProductTransformer(columns=CATEGORICAL, crosses=crosses)
    deep = EmbeddingEncoder(categorical=categorical, continuous=CONTINUOUS)
    return {
        "wide-only": WideDeepClassifier(wide=wide, deep=None, **params),
        "deep-only": WideDeepClassifier(wide=None, deep=deep, **params),
        "wide & deep": WideDeepClassifier(wide=wide, deep=deep, **params),
    }


def compare_models(
    n_samples=100_000,
    max_epochs=None,
    random_state=0,
    report=None,
    installed_apps=True,
):
    """Fit the three models on one split and score them on held-out rows.

    The models use the library's defaults, but for their column roles.

    Parameters
    ----------
    n_samples : int, default=100_000
        Impressions generated; 80% train, 20% test (stratified).
    max_epochs : int or None, default=None
        Training epochs of every model; None keeps the default.
    random_state : int, default=0
        Seeds the data, the split and the models.
    report : callable or None, default=None
        Called as ``report(name, row)`` as soon as each model is scored, with
        its row of the results (a dict), e.g. to print progress.
    installed_apps : bool, default=True
        Generate the multi-valued ``installed_apps`` column and use it (see
        :func:`app_store_models`).

    Returns
    -------
    results : DataFrame
        One row per model: ``test AUC``, ``log loss``, ``fit seconds``.
    """
    X, y = make_app_installs(
        n_samples, installed_apps=installed_apps, random_state=random_state
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=random_state
    )
    params = {"random_state": random_state}
    if max_epochs is not None:
        params["max_epochs"] = max_epochs
    models = app_store_models(installed_apps=installed_apps, **params)
    rows = {}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        proba = model.predict_proba(X_test)[:, 1]
        rows[name] = {
            "test AUC": roc_auc_score(y_test, proba),
            "log loss": log_loss(y_test, proba),
            "fit seconds": seconds,
        }
        if report is not None:
            report(name, rows[name])
    return pd.DataFrame.from_dict(rows, orient="index")


def _print_row(name, row):
    """Print one model's scores as soon as it is done."""
    print(
        f"{name:>12}: test AUC {row['test AUC']:.4f}, log loss {row['log loss']:.4f}, "
        f"fit {row['fit seconds']:.1f} s",
        flush=True,
    )


def main(argv=None):
    """Run the comparison and print its table."""
    parser = argparse.ArgumentParser(
        prog="python -m sk_widedeep",
        description=(
            "Train the wide-only, deep-only and joint Wide & Deep models on a "
            "synthetic app-store impression log and compare them on held-out rows."
        ),
    )
    parser.add_argument("--n-samples", type=int, default=100_000, help="impressions")
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="training epochs, at most with early stopping (default: 50)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    epochs = args.epochs or WideDeepClassifier().max_epochs
    print(
        f"make_app_installs(n_samples={args.n_samples}, installed_apps=True, "
        f"random_state={args.seed}), "
        f"80/20 split, {epochs} epochs; training wide-only, deep-only, wide & deep "
        "(a line as each finishes)",
        flush=True,
    )
    results = compare_models(args.n_samples, args.epochs, args.seed, _print_row)
    print(results.to_string(float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
