import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sk_widedeep import CrossProductTransformer


def fit_transform(transformer, X, use_fit_transform):
    if use_fit_transform:
        return transformer.fit_transform(X)
    return transformer.fit(X).transform(X)


def test_auto_columns_are_the_categorical_ones(frame):
    X, _ = frame
    wide = CrossProductTransformer().fit(X)
    assert wide.columns_ == ["education", "occupation", "gender", "married"]
    assert wide.crosses_ == []
    assert set(wide.categories_) == set(wide.columns_)
    assert wide.bin_edges_ == {}


def test_auto_columns_on_numbers_bucketize_every_column():
    X = np.random.default_rng(0).normal(size=(50, 3))
    wide = CrossProductTransformer(n_bins=4).fit(X)
    assert wide.columns_ == ["x0", "x1", "x2"]
    assert wide.n_output_features_ == 3 * (4 + 1)
    first_edge = np.quantile(X[:, 0], 0.25, method="higher")
    assert wide.bin_edges_["x0"][0] == first_edge
    assert wide.get_feature_names_out()[:2].tolist() == [
        "x0=<other>",
        f"x0=(-inf, {first_edge:g})",
    ]


def test_one_active_slot_per_block_and_row(frame, use_fit_transform):
    X, _ = frame
    wide = CrossProductTransformer(
        columns=["education", "age"],
        crosses=[("education", "occupation"), ("gender", "hours")],
    )
    Xt = fit_transform(wide, X, use_fit_transform)
    assert sp.issparse(Xt) and Xt.format == "csr"
    assert Xt.shape == (len(X), wide.n_output_features_)
    np.testing.assert_array_equal(Xt.sum(axis=1), 4)
    assert set(np.unique(Xt.data)) == {1.0}
    assert len(wide.get_feature_names_out()) == Xt.shape[1]


def test_fit_transform_equals_fit_then_transform(frame):
    X, _ = frame
    wide = CrossProductTransformer(
        crosses=[("education", "occupation")], min_frequency=3
    )
    np.testing.assert_array_equal(
        wide.fit_transform(X).toarray(), wide.fit(X).transform(X).toarray()
    )


def test_feature_names_read_like_the_paper():
    X = pd.DataFrame(
        {
            "education": ["Bachelors", "Bachelors", "Masters"],
            "occupation": ["Sales", "Tech", "Sales"],
        }
    )
    wide = CrossProductTransformer(
        columns=["education"], crosses=[("education", "occupation")]
    )
    names = wide.fit(X).get_feature_names_out().tolist()
    assert names == [
        "education=<other>",
        "education=Bachelors",
        "education=Masters",
        "education=<missing>",
        "education&occupation=<other>",
        "education=Bachelors&occupation=Sales",
        "education=Bachelors&occupation=Tech",
        "education=Masters&occupation=Sales",
    ]
    Xt = wide.transform(X).toarray()
    assert Xt[0].tolist() == [0, 1, 0, 0, 0, 1, 0, 0]
    assert Xt[2].tolist() == [0, 0, 1, 0, 0, 0, 0, 1]


def test_unknown_values_go_to_the_other_slot_and_missing_ones_to_their_own():
    X = pd.DataFrame({"a": ["x", "y", "x"], "b": ["u", "u", "v"]})
    wide = CrossProductTransformer(crosses=[("a", "b")]).fit(X)
    names = wide.get_feature_names_out()
    new = pd.DataFrame({"a": ["never-seen", None, "y"], "b": ["u", "u", "v"]})
    Xt = wide.transform(new).toarray()
    active = [names[row.astype(bool)].tolist() for row in Xt]
    assert active == [
        ["a=<other>", "b=u", "a&b=<other>"],
        ["a=<missing>", "b=u", "a&b=<other>"],  # <missing>&u never seen
        ["a=y", "b=v", "a&b=<other>"],  # y&v never seen together
    ]
    # a missing value seen in fit is a value of the cross like any other
    seen = CrossProductTransformer(crosses=[("a", "b")]).fit(pd.concat([X, new]))
    names = seen.get_feature_names_out()
    row = seen.transform(new[1:2]).toarray()[0].astype(bool)
    assert names[row].tolist() == ["a=<missing>", "b=u", "a=<missing>&b=u"]


def test_min_frequency_sends_rare_values_and_pairs_to_other():
    X = pd.DataFrame({"a": ["x"] * 5 + ["y"] * 2 + ["z"], "b": ["u"] * 4 + ["v"] * 4})
    wide = CrossProductTransformer(crosses=[("a", "b")], min_frequency=2).fit(X)
    assert wide.categories_["a"].tolist() == ["x", "y"]
    assert wide.get_feature_names_out()[-3:].tolist() == [
        "a&b=<other>",
        "a=x&b=u",
        "a=y&b=v",  # x&v is seen once, z&v has a rare component
    ]


def test_numeric_columns_are_bucketized_unless_n_bins_is_none(frame):
    X, _ = frame
    bucketized = CrossProductTransformer(columns=["user_id", "age"], n_bins=5).fit(X)
    assert set(bucketized.bin_edges_) == {"user_id", "age"}
    assert bucketized.n_output_features_ <= 2 * (5 + 1)
    as_ids = CrossProductTransformer(columns=["user_id"], n_bins=None).fit(X)
    assert as_ids.categories_["user_id"].tolist() == sorted(
        np.unique(X["user_id"]).tolist()
    )
    assert as_ids.get_feature_names_out()[1] == f"user_id={X['user_id'].min()}"


def test_hash_buckets_fix_the_width_of_columns_and_crosses(frame):
    X, _ = frame
    wide = CrossProductTransformer(
        columns=["gender"],
        crosses=[("education", "user_id"), ("occupation", "age")],
        hash_buckets=16,
    )
    widths = {wide.fit(X.iloc[:n]).n_output_features_ for n in (10, 50, 200)}
    assert widths == {16 + 16 + 16}
    names = wide.get_feature_names_out()
    assert names[:2].tolist() == ["gender=<other>", "gender=#1"]
    assert names[16:18].tolist() == [
        "education&user_id=<other>",
        "education&user_id=#1",
    ]
    assert wide.categories_ == {}
    np.testing.assert_array_equal(wide.transform(X).sum(axis=1), 3)


def test_dense_output_and_pandas_output(frame):
    X, _ = frame
    wide = CrossProductTransformer(
        crosses=[("education", "gender")], sparse_output=False
    )
    dense = wide.fit_transform(X)
    assert isinstance(dense, np.ndarray)
    np.testing.assert_array_equal(
        dense, wide.set_params(sparse_output=True).fit_transform(X).toarray()
    )
    out = (
        wide.set_params(sparse_output=False)
        .set_output(transform="pandas")
        .fit_transform(X)
    )
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == wide.get_feature_names_out().tolist()


def test_pandas_output_of_sparse_features_names_sparse_output_false(frame):
    X, _ = frame
    wide = CrossProductTransformer().set_output(transform="pandas")
    fix = r"set sparse_output=False .* CrossProductTransformer\(sparse_output=False\)"
    with pytest.raises(ValueError, match=fix):
        wide.fit_transform(X)
    with pytest.raises(ValueError, match=r"Pandas output does not support sparse"):
        wide.set_output(transform="default").fit(X).set_output(
            transform="pandas"
        ).transform(X)
    with sklearn.config_context(transform_output="pandas"):
        with pytest.raises(ValueError, match="set sparse_output=False"):
            CrossProductTransformer().fit_transform(X)
        out = CrossProductTransformer(sparse_output=False).fit_transform(X)
    assert isinstance(out, pd.DataFrame) and (out.sum(axis=1) == 4).all()


@pytest.mark.parametrize("interface", ["spmatrix", "sparray"])
def test_sparse_interface_follows_config(frame, interface):
    if "sparse_interface" not in sklearn.get_config():
        pytest.skip("scikit-learn < 1.9 has no sparse_interface")
    X, _ = frame
    with sklearn.config_context(sparse_interface=interface):
        Xt = CrossProductTransformer().fit_transform(X)
    assert sp.issparse(Xt)
    assert isinstance(Xt, sp.sparray) == (interface == "sparray")


def test_logistic_regression_takes_the_output_directly(frame):
    X, y = frame
    model = make_pipeline(
        CrossProductTransformer(crosses=[("education", "occupation")]),
        LogisticRegression(),
    ).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert model.score(X, y) > 0.6


def test_input_features_rename_the_output():
    X = np.array([["a", "u"], ["b", "v"]], dtype=object)
    wide = CrossProductTransformer(crosses=[(0, 1)]).fit(X)
    names = wide.get_feature_names_out(["first", "second"])
    assert names[-1] == "first=b&second=v"
    assert wide.get_feature_names_out()[-1] == "x0=b&x1=v"


@pytest.mark.parametrize(
    "params, error, message",
    [
        (
            {"columns": ["nope"]},
            ValueError,
            "columns names column 'nope', which is not in X. The columns of X are: "
            "['a', 'b', 'n'].",
        ),
        (
            {"crosses": [("a",)]},
            ValueError,
            "Each cross must be a tuple of two or more columns; got ('a',).",
        ),
        (
            {"crosses": ["a"]},
            ValueError,
            "Each cross must be a tuple of two or more columns; got 'a'.",
        ),
        (
            {"columns": ["a", "a"]},
            ValueError,
            "columns names a column twice: ['a', 'a'].",
        ),
        (
            {"columns": [], "crosses": []},
            ValueError,
            "CrossProductTransformer has no features: `columns` selects no column and "
            "`crosses` is empty. Name the columns to encode.",
        ),
        (
            {"columns": [3]},
            ValueError,
            "columns names column position 3, but X has only 3 columns.",
        ),
        (
            {"columns": [1.5]},
            TypeError,
            "columns must name columns by label (str) or position (int); got 1.5 of "
            "type float.",
        ),
    ],
)
def test_errors_name_the_column_and_the_fix(params, error, message):
    X = pd.DataFrame({"a": ["x", "y"], "b": ["u", "v"], "n": [1.0, 2.0]})
    with pytest.raises(error) as excinfo:
        CrossProductTransformer(**params).fit(X)
    assert str(excinfo.value) == message


def test_names_need_a_dataframe():
    with pytest.raises(ValueError) as excinfo:
        CrossProductTransformer(columns=["a"]).fit(np.array([["x"], ["y"]]))
    assert str(excinfo.value) == (
        "columns names column 'a', but X is an array without column names. Pass a "
        "pandas DataFrame, or name columns by position (int)."
    )


def test_numbers_by_category_crosses_each_number_with_each_few_valued_column():
    from sk_widedeep._transformers._cross_product import (
        AUTO_CROSS_MAX_CROSSES,
        AUTO_CROSS_MAX_VALUES,
    )

    rng = np.random.default_rng(0)
    n = 200
    X = pd.DataFrame(
        {
            "plan": rng.choice(["basic", "pro"], n),
            "minutes": rng.exponential(100, n),
            "user": [f"u{i}" for i in range(n)],  # too many values to cross
            "tags": [["a", "b"]] * n,  # multi-valued: left out
            "size": rng.integers(0, 50, n),
            "region": rng.choice(list("abcdefghij"), n),  # 10 values: crossed
        }
    )
    wide = CrossProductTransformer(crosses="numbers_by_category").fit(X)
    assert AUTO_CROSS_MAX_VALUES == 10
    assert wide.crosses_ == [
        ("plan", "minutes"),
        ("plan", "size"),
        ("region", "minutes"),
        ("region", "size"),
    ]
    # a threshold that differs by plan: each (plan, minutes bucket) a slot
    names = wide.get_feature_names_out()
    assert sum(name.startswith("plan=pro&minutes=") for name in names) == 10
    many = pd.DataFrame({f"c{i}": rng.choice(["x", "y"], n) for i in range(9)})
    many[[f"n{i}" for i in range(9)]] = rng.normal(size=(n, 9))
    capped = CrossProductTransformer(crosses="numbers_by_category").fit(many)
    assert len(capped.crosses_) == AUTO_CROSS_MAX_CROSSES == 64 < 9 * 9
