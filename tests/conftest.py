import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
import torch

from sk_widedeep.datasets import fetch_adult, find_data_home

ADULT_CATEGORICAL = [
    "workclass",
    "education",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "gender",
    "native-country",
]
ADULT_CONTINUOUS = [
    "age",
    "educational-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
]

# Small, fast classifier settings for unit tests.
FAST = {
    "hidden_units": (16,),
    "max_epochs": 3,
    "early_stopping": False,  # every row trains, for exactly max_epochs
    "batch_size": 32,
    "deep_lr": 0.01,
    "random_state": 0,
}


def find_data_dir(name="adult.csv.gz"):
    """The folder of a real data set's copy, or None: the fetch_* functions' order.

    $SK_WIDEDEEP_DATA when set, else a shared/data folder above the current
    directory, these tests or the package, else ~/sk_widedeep_data (where the
    fetch_* functions download); see sk_widedeep.datasets.find_data_home. The
    tests never download.
    """
    folder = find_data_home(name, start=Path(__file__).parent)
    return folder if (folder / name).exists() else None


def pytest_report_header(config):
    found = {name: find_data_dir(name) for name in ("adult.csv.gz", "movielens100k")}
    return [
        f"data {name}: {folder or 'not found, the tests that need it are skipped'}"
        for name, folder in found.items()
    ] + [
        "  (looked in $SK_WIDEDEEP_DATA if set, else shared/data above, else "
        "~/sk_widedeep_data)"
    ]


@pytest.fixture(scope="session")
def adult():
    """Adult, split 80/20 as in the data README: X_train, X_test, y_train, y_test."""
    from sklearn.model_selection import train_test_split

    data_dir = find_data_dir("adult.csv.gz")
    if data_dir is None:
        pytest.skip(
            "adult.csv.gz not found in $SK_WIDEDEEP_DATA, shared/data or "
            "~/sk_widedeep_data: run sk_widedeep.datasets.fetch_adult() once"
        )
    X, y = fetch_adult(data_home=data_dir, download_if_missing=False, return_X_y=True)
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)


@pytest.fixture(scope="session")
def movielens():
    """MovieLens 100K, label rating >= 4, split as in the data README."""
    from sklearn.model_selection import train_test_split

    from sk_widedeep.datasets import fetch_movielens_100k

    data_dir = find_data_dir("movielens100k")
    if data_dir is None:
        pytest.skip(
            "movielens100k not found in $SK_WIDEDEEP_DATA, shared/data or "
            "~/sk_widedeep_data: run sk_widedeep.datasets.fetch_movielens_100k() once"
        )
    X = fetch_movielens_100k(data_home=data_dir, download_if_missing=False)
    y = (X.pop("rating") >= 4).astype(np.int64)
    X = X.drop(columns=["timestamp", "zip_code", "movie_title"])
    X["user_id"] = X["user_id"].astype(str)
    X["movie_id"] = X["movie_id"].astype(str)
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)


def make_frame(n_samples=200, seed=0):
    """An adult-like DataFrame and binary target.

    String columns (pandas' default string dtype) with missing values and a
    rare value, a pandas categorical, a boolean, an integer id, float columns
    with missing values; the target depends on several of them.
    """
    rng = np.random.default_rng(seed)
    education = rng.choice(["Bachelors", "HS-grad", "Masters", "Doctorate"], n_samples)
    occupation = rng.choice(["Sales", "Tech", "Craft"], n_samples).astype(object)
    occupation[rng.random(n_samples) < 0.05] = None
    occupation[0] = "Astronaut"  # a rare value
    age = rng.normal(40, 12, n_samples).round()
    age[rng.random(n_samples) < 0.1] = np.nan
    hours = rng.normal(40, 8, n_samples)
    X = pd.DataFrame(
        {
            "education": pd.Series(education, dtype="str"),
            "occupation": pd.Series(occupation, dtype="str"),
            "gender": pd.Categorical(rng.choice(["f", "m"], n_samples)),
            "married": rng.random(n_samples) < 0.5,
            "user_id": rng.integers(0, 20, n_samples),
            "age": age,
            "hours": hours,
        }
    )
    logit = (
        1.5 * (education == "Masters")
        - 1.0 * (occupation == "Craft")
        + 0.04 * (np.nan_to_num(age, nan=40) - 40)
        + 0.8 * X["married"].to_numpy()
    )
    y = (rng.random(n_samples) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return X, y


@pytest.fixture
def frame():
    return make_frame()


@pytest.fixture(autouse=True)
def reset_config():
    """set_output and sparse_interface are global: restore them after each test."""
    with sklearn.config_context():
        yield


@pytest.fixture(autouse=True)
def seeds_fixed():
    """Tests that use global random state start from the same state."""
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(params=[False, True], ids=["fit-then-transform", "fit_transform"])
def use_fit_transform(request):
    return request.param


@pytest.fixture(scope="session")
def fitted():
    """A model fitted once on the adult-like frame, shared read-only: (model, X, y)."""
    from sk_widedeep import CrossProductTransformer, WideDeepClassifier

    X, y = make_frame(n_samples=400, seed=1)
    model = WideDeepClassifier(
        wide=CrossProductTransformer(crosses=[("education", "occupation")]),
        **FAST,
    ).fit(X, y)
    return model, X, y


def run_at_once(action, items):
    """Call ``action(item)`` for every item, each in its own thread, all at
    once (a barrier releases them together); return the errors raised."""
    barrier = threading.Barrier(len(items))
    errors = []

    def run(item):
        barrier.wait()
        try:
            action(item)
        except Exception as exc:  # collected, then asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
