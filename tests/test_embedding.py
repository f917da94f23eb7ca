import numpy as np
import pandas as pd
import pytest

from sk_widedeep import EmbeddingEncoder
from sk_widedeep._transformers._embedding import (
    auto_embedding_dim,
    fourth_root_embedding_dim,
)

# One scaled value per number, for the tests of scaling
SCALED = {"continuous_encoding": "scaled"}


def test_auto_roles_from_dtypes(frame):
    X, _ = frame
    encoder = EmbeddingEncoder().fit(X)
    assert encoder.categorical_columns_ == [
        "education",
        "occupation",
        "gender",
        "married",
    ]
    assert encoder.continuous_columns_ == ["user_id", "age", "hours"]


def test_auto_role_takes_what_the_other_role_leaves(frame):
    X, _ = frame
    encoder = EmbeddingEncoder(categorical=["user_id", "education"]).fit(X)
    assert encoder.categorical_columns_ == ["user_id", "education"]
    assert encoder.continuous_columns_ == ["age", "hours"]
    encoder = EmbeddingEncoder(continuous=["age"]).fit(X)
    assert encoder.categorical_columns_ == [
        "education",
        "occupation",
        "gender",
        "married",
    ]
    assert encoder.continuous_columns_ == ["age"]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["a", "b", None], dtype="str"),
        pd.Series(["a", "b", None], dtype="string"),
        pd.Series(["a", "b", None], dtype=object),
        pd.Series(["a", "b", None], dtype="category"),
        pd.Series([True, False, True]),
        pd.Series([1, "b", None], dtype=object),
    ],
    ids=["str", "string", "object", "category", "bool", "mixed-object"],
)
def test_auto_roles_treat_non_numbers_as_categorical(column):
    X = pd.DataFrame({"c": column, "n": [1.0, 2.0, 3.0]})
    encoder = EmbeddingEncoder().fit(X)
    assert encoder.categorical_columns_ == ["c"]
    assert encoder.continuous_columns_ == ["n"]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([1, 2, None], dtype="Int64"),
        pd.Series([1.5, 2.0, None], dtype="Float64"),
        pd.Series([1, 2.5, None], dtype=object),
        pd.Series([1, 2, 3], dtype="int32"),
    ],
    ids=["Int64", "Float64", "object-numbers", "int32"],
)
def test_auto_roles_treat_numbers_as_continuous(column):
    X = pd.DataFrame({"n": column})
    encoder = EmbeddingEncoder().fit(X)
    assert encoder.continuous_columns_ == ["n"]
    assert np.isfinite(encoder.transform(X)).all()


def test_codes_reserve_zero_for_unknown_and_rare_and_the_last_for_missing():
    X = pd.DataFrame({"city": ["Paris"] * 3 + ["Rome"] * 2 + ["Oslo", None]})
    encoder = EmbeddingEncoder(min_frequency=2).fit(X)
    assert encoder.categories_[0].tolist() == ["Paris", "Rome"]
    assert encoder.cardinalities_.tolist() == [4]
    new = pd.DataFrame({"city": ["Rome", "Paris", "Oslo", "Lima", None]})
    assert encoder.transform(new)[:, 0].tolist() == [2, 1, 0, 0, 3]


def test_quantile_scaling_is_the_empirical_cdf():
    X = pd.DataFrame({"x": np.arange(101.0)})
    encoder = EmbeddingEncoder(
        scaling="quantile", n_quantiles=101, embed_continuous=False, **SCALED
    ).fit(X)
    new = pd.DataFrame({"x": [-5.0, 0.0, 25.0, 50.5, 100.0, 1e6, np.inf, -np.inf]})
    np.testing.assert_allclose(
        encoder.transform(new)[:, 0], [0.0, 0.0, 0.25, 0.505, 1.0, 1.0, 1.0, 0.0]
    )


def test_quantile_scaling_puts_a_mass_point_mid_step():
    X = pd.DataFrame({"gain": [0.0] * 80 + list(np.linspace(1, 100, 20))})
    encoder = EmbeddingEncoder(
        scaling="quantile", n_quantiles=1000, embed_continuous=False, **SCALED
    ).fit(X)
    scaled = encoder.transform(X)[:, 0]
    assert scaled[0] == pytest.approx(0.4, abs=0.01)
    assert np.all(np.diff(scaled[80:]) > 0)
    assert scaled.max() == 1.0


def test_standard_scaling_and_no_scaling():
    X = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan]})
    standard = EmbeddingEncoder(scaling="standard", **SCALED).fit_transform(X)[:, 1]
    np.testing.assert_allclose(standard, [-1.224745, 0.0, 1.224745, 0.0], atol=1e-6)
    raw = EmbeddingEncoder(scaling=None, **SCALED).fit_transform(X)[:, 1]
    np.testing.assert_allclose(raw, [1.0, 2.0, 3.0, 2.0])


def test_missing_continuous_values_are_filled_and_flagged(use_fit_transform):
    X = pd.DataFrame({"a": [1.0, np.nan, 3.0, 5.0], "b": [1.0, 2.0, 3.0, 4.0]})
    encoder = EmbeddingEncoder(scaling=None, embed_continuous=False, **SCALED)
    Xt = encoder.fit_transform(X) if use_fit_transform else encoder.fit(X).transform(X)
    assert encoder.indicator_columns_ == ["a"]
    assert encoder.fill_values_.tolist() == [3.0, 2.5]
    np.testing.assert_array_equal(Xt, [[1, 1, 0], [3, 2, 1], [3, 3, 0], [5, 4, 0]])
    # b had no missing values in fit: filled with its median, no indicator
    new = encoder.transform(pd.DataFrame({"a": [np.nan], "b": [np.nan]}))
    np.testing.assert_array_equal(new, [[3.0, 2.5, 1.0]])


def test_all_missing_column_gives_finite_output():
    X = pd.DataFrame({"x": [np.nan] * 4, "c": [None] * 4})
    Xt = EmbeddingEncoder(continuous=["x"], categorical=["c"]).fit_transform(X)
    assert np.isfinite(Xt).all()
    np.testing.assert_array_equal(Xt[:, 0], 1)  # no category: 1 is the missing slot


@pytest.mark.parametrize("scaling", ["standard", None])
def test_infinity_is_refused_where_it_cannot_be_scaled(scaling):
    X = pd.DataFrame({"x": [1.0, np.inf, 2.0]})
    with pytest.raises(ValueError) as excinfo:
        EmbeddingEncoder(scaling=scaling, **SCALED).fit(X)
    assert str(excinfo.value) == (
        f"Column 'x' holds infinite values, which scaling={scaling!r} cannot map to "
        "finite numbers. Use scaling='quantile' (it maps -inf and inf to 0 and 1), "
        "or replace them, e.g. with NaN for missing."
    )


@pytest.mark.parametrize(
    "n_codes, dim", [(2, 8), (17, 8), (255, 8), (256, 32), (10**6, 32)]
)
def test_auto_embedding_dim_rule_has_two_sizes(n_codes, dim):
    assert auto_embedding_dim(n_codes) == dim
    assert auto_embedding_dim(n_codes, number_codes=True) == 8


@pytest.mark.parametrize(
    "n_codes, dim", [(2, 8), (3, 8), (17, 13), (100, 19), (10**6, 32)]
)
def test_fourth_root_embedding_dim_rule(n_codes, dim):
    assert fourth_root_embedding_dim(n_codes) == dim


def test_embedding_dim_int_dict_and_auto(frame):
    X, _ = frame
    assert EmbeddingEncoder(embedding_dim=4).fit(X).embedding_dims_.tolist() == [4] * 7
    encoder = EmbeddingEncoder(embedding_dim={"education": 3, "age": 2}).fit(X)
    n_categorical = 4
    auto = [
        auto_embedding_dim(n, number_codes=j >= n_categorical)
        for j, n in enumerate(encoder.cardinalities_)
    ]
    assert encoder.embedded_features_[4:] == ["user_id_code", "age_code", "hours_code"]
    assert encoder.embedding_dims_.tolist() == [3, *auto[1:5], 2, auto[6]]
    # a number's codes get 8 even when a column of that many values gets 32
    big = pd.concat([X, X]).assign(user_id=np.arange(2 * len(X)) % 300)
    encoder = EmbeddingEncoder(categorical=["user_id"], continuous=["age"]).fit(big)
    assert encoder.cardinalities_[0] > 256
    assert encoder.embedding_dims_.tolist() == [32, 8]
    rooted = EmbeddingEncoder(embedding_dim="fourth_root").fit(X)
    assert rooted.embedding_dims_.tolist() == [
        fourth_root_embedding_dim(n) for n in rooted.cardinalities_
    ]


def test_embedding_dim_dict_must_name_embedded_columns(frame):
    X, _ = frame
    with pytest.raises(ValueError) as excinfo:
        EmbeddingEncoder(embedding_dim={"age": 3}, embed_continuous=False).fit(X)
    assert str(excinfo.value) == (
        "embedding_dim names columns ['age'] that this encoder does not embed; the "
        "embedded columns are ['education', 'occupation', 'gender', 'married']."
    )


def test_a_column_cannot_have_two_roles(frame):
    X, _ = frame
    with pytest.raises(ValueError) as excinfo:
        EmbeddingEncoder(categorical=["age"], continuous=["age"]).fit(X)
    assert str(excinfo.value) == (
        "Columns ['age'] are named both categorical and continuous; give each column "
        "one role."
    )


def test_text_in_a_continuous_column_is_refused_by_name():
    X = pd.DataFrame({"age": ["young", "old"]})
    with pytest.raises(ValueError, match="Column 'age' is used as a numeric column"):
        EmbeddingEncoder(continuous=["age"]).fit(X)


def test_feature_names_and_pandas_output(frame):
    X, _ = frame
    encoder = EmbeddingEncoder(**SCALED).set_output(transform="pandas")
    out = encoder.fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    expected = [
        "education", "occupation", "gender", "married",
        "user_id_code", "age_code", "hours_code",
        "user_id", "age", "hours", "age_missing",
    ]  # fmt: skip
    assert out.columns.tolist() == expected
    assert encoder.get_feature_names_out().tolist() == expected
    assert not out.isna().any().any()


def test_ndarray_input_is_named_by_position():
    X = np.array([["a", 1.0], ["b", 2.0], ["a", np.nan]], dtype=object)
    encoder = EmbeddingEncoder(
        categorical=[0], continuous=[1], embed_continuous=False, **SCALED
    )
    encoder.fit(X)
    assert encoder.categorical_columns_ == ["x0"]
    assert encoder.get_feature_names_out().tolist() == ["x0", "x1", "x1_missing"]
    np.testing.assert_array_equal(encoder.transform(X)[:, 0], [1, 2, 1])


def test_continuous_columns_are_embedded_by_value_or_bucket():
    gains = np.array(
        [0.0] * 60 + [7688.0] * 10 + list(np.linspace(1, 5000, 30)) + [np.nan]
    )
    X = pd.DataFrame({"gain": gains})
    encoder = EmbeddingEncoder(min_number_frequency=5, n_bins=3).fit(X)
    assert encoder.embedded_features_ == ["gain_code"]
    assert encoder.cardinalities_.tolist() == [1 + 2 + 3]  # missing, 0, 7688, 3 buckets
    new = pd.DataFrame({"gain": [0.0, 7688.0, 1.0, 4999.0, np.nan, 1e9, 7687.0]})
    codes = encoder.transform(new)[:, 0]
    assert codes.tolist() == [1, 2, 3, 5, 0, 5, 5]
    assert np.isfinite(encoder.transform(new)).all()


def test_min_number_frequency_as_a_fraction():
    X = pd.DataFrame({"n": [1.0] * 50 + [2.0] * 5 + list(range(10, 55))})
    encoder = EmbeddingEncoder(min_number_frequency=0.04, n_bins=2).fit(X)
    # 1.0 and 2.0 occur at least 4 times in 100 rows: codes 1 and 2
    assert encoder.transform(pd.DataFrame({"n": [1.0, 2.0, 3.0]}))[:, 0].tolist() == [
        1,
        2,
        3,
    ]
