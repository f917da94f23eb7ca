"""The three problems of the quality benchmarks: data, splits and column roles.

Shared by ``quality.py`` and ``defaults_study.py``. Each problem has the
canonical 80/20 stratified split (``random_state=42``; for the synthetic app
store, 100,000 impressions drawn with ``random_state=0``) and, for choosing
defaults, a validation split of its training part (80/20, ``random_state=0``)
so that the test rows are never looked at.
"""

from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import fetch_adult, fetch_movielens_100k, make_app_installs
from sk_widedeep.datasets._fetch import GENRES

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
DATA_HOME = SHARED_DATA if SHARED_DATA.exists() else None

ADULT_CATEGORICAL = [
    "workclass", "education", "marital-status", "occupation", "relationship", "race",
    "gender", "native-country",
]  # fmt: skip
ADULT_CONTINUOUS = [
    "age", "educational-num", "capital-gain", "capital-loss", "hours-per-week",
]  # fmt: skip
MOVIELENS_CATEGORICAL = ["user_id", "movie_id", "gender", "occupation", "genres"]
MOVIELENS_CONTINUOUS = ["age", "year"]
APP_CATEGORICAL = [
    "country", "language", "device", "installed_category", "app_id", "app_category",
    "app_language",
]  # fmt: skip
APP_CONTINUOUS = ["age", "app_rating"]

# Explicit roles: which columns go where. Everything else is a parameter.
ROLES = {
    "adult": {
        "wide": {
            "columns": ADULT_CATEGORICAL,
            "crosses": [("education", "occupation"), ("native-country", "occupation")],
        },
        "deep": {"categorical": ADULT_CATEGORICAL, "continuous": ADULT_CONTINUOUS},
    },
    "movielens": {
        # user x genre crosses memorize each user's taste for each genre
        "wide": {
            "columns": MOVIELENS_CATEGORICAL,
            "crosses": [("user_id", genre) for genre in GENRES],
        },
        "deep": {
            "categorical": MOVIELENS_CATEGORICAL,
            "continuous": MOVIELENS_CONTINUOUS + GENRES,
        },
    },
    "app_installs": {
        "wide": {
            "columns": APP_CATEGORICAL,
            "crosses": [
                ("country", "app_id"),
                ("installed_category", "app_category"),
                ("language", "app_language"),
            ],
        },
        "deep": {"categorical": APP_CATEGORICAL, "continuous": APP_CONTINUOUS},
    },
}
PROBLEMS = list(ROLES)


def load(problem, data_home=DATA_HOME):
    """The canonical split of a problem: X_train, X_test, y_train, y_test."""
    if problem == "adult":
        X, y = fetch_adult(data_home=data_home, return_X_y=True)
    elif problem == "movielens":
        X = fetch_movielens_100k(data_home=data_home)
        y = (X.pop("rating") >= 4).astype(np.int64)
        X = X.drop(columns=["timestamp", "zip_code", "movie_title"])
        X["user_id"] = X["user_id"].astype(str)  # ids are categories, not numbers
        X["movie_id"] = X["movie_id"].astype(str)
    else:
        X, y = make_app_installs(100_000, random_state=0)
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)


def model(problem, part="joint", wide=None, deep=None, **params):
    """A WideDeepClassifier with the problem's roles.

    ``part`` is "joint", "wide-only" or "deep-only"; ``wide`` and ``deep``
    add transformer parameters to the roles; ``params`` are classifier
    parameters.
    """
    roles = ROLES[problem]
    wide_part = CrossProductTransformer(**roles["wide"], **(wide or {}))
    deep_part = EmbeddingEncoder(**roles["deep"], **(deep or {}))
    return WideDeepClassifier(
        wide=None if part == "deep-only" else wide_part,
        deep=None if part == "wide-only" else deep_part,
        **params,
    )
