import numpy as np
import pandas as pd
import pytest

from sk_widedeep.datasets import make_app_installs


def test_make_app_installs_shape_columns_and_dtypes():
    X, y = make_app_installs(n_samples=5000, random_state=0)
    assert X.shape == (5000, 9)
    assert X.columns.tolist() == [
        "country", "language", "device", "installed_category", "age",
        "app_id", "app_category", "app_language", "app_rating",
    ]  # fmt: skip
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    assert numeric == ["age", "app_rating"]
    assert not X.isna().any().any()
    assert y.name == "installed" and set(y.unique()) == {0, 1}
    assert 0.1 < y.mean() < 0.3


def test_make_app_installs_is_seeded():
    X1, y1 = make_app_installs(n_samples=1000, random_state=3)
    X2, y2 = make_app_installs(n_samples=1000, random_state=3)
    pd.testing.assert_frame_equal(X1, X2)
    pd.testing.assert_series_equal(y1, y2)
    X3, _ = make_app_installs(n_samples=1000, random_state=4)
    assert not X1.equals(X3)


def test_make_app_installs_has_the_documented_effects():
    X, y = make_app_installs(n_samples=100_000, random_state=0)
    same_language = X["language"] == X["app_language"]
    assert y[same_language].mean() > y[~same_language].mean() + 0.05
    assert np.corrcoef(X["app_rating"], y)[0, 1] > 0.02
    # local hits: some (country, app) pairs install far above their app's rate
    pair_rate = y.groupby([X["country"], X["app_id"]]).agg(["mean", "size"])
    app_rate = y.groupby(X["app_id"]).mean()
    frequent = pair_rate[pair_rate["size"] >= 30]
    lift = (
        frequent["mean"]
        - app_rate.reindex(frequent.index.get_level_values(1)).to_numpy()
    )
    assert (lift > 0.3).mean() == pytest.approx(0.05, abs=0.03)


def test_make_app_installs_catalogue_size():
    X, _ = make_app_installs(n_samples=20_000, n_apps=50, random_state=0)
    assert X["app_id"].nunique() <= 50
