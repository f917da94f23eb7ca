"""The bad-input matrix: every case works or raises an error that says what to do.

Each row of ``CASES`` does one thing with a small frame and expects either
``WORKS`` (the output is checked: finite, well shaped, probabilities summing
to 1, and no warning is raised) or ``(ErrorType, pattern)``, where the pattern
checks that the message names the column or argument and the fix. An
error must come from the package or scikit-learn's validation, never from
inside torch, numpy or pandas.
"""

import re
import traceback
import tracemalloc
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier

PANDAS_2 = int(pd.__version__.split(".")[0]) < 3

# FAST-like, smaller still: each row that fits trains for a fraction of a second.
TINY = {"hidden_units": (8,), "max_epochs": 2, "batch_size": 64, "random_state": 0}
N = 200
WORKS = "works"


def small_frame(n=N, seed=0):
    """A frame with a string column ``city`` and floats ``size`` and ``x``."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "city": rng.choice(["Oslo", "Rome", "Lima"], n),
            "size": rng.normal(50, 10, n),
            "x": rng.normal(size=n),
        }
    )
    y = ((X["size"].to_numpy() > 50) ^ (rng.random(n) < 0.2)).astype(np.int64)
    return X, y


def int_city_frame(n=N, seed=1):
    """A frame whose categorical column ``city`` holds the ints 0, 1, 2."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"city": rng.integers(0, 3, n), "x": rng.normal(size=n)})
    y = ((X["city"].to_numpy() == 1) ^ (rng.random(n) < 0.2)).astype(np.int64)
    return X, y


def city_as_categorical(**params):
    """A classifier that embeds and one-hot encodes ``city`` whatever its dtype."""
    return WideDeepClassifier(
        wide=CrossProductTransformer(columns=["city"], n_bins=None),
        deep=EmbeddingEncoder(categorical=["city"]),
        **{**TINY, **params},
    )


@pytest.fixture(scope="module")
def fitted():
    """Models fitted once, shared read-only by the predict-time rows."""
    X, y = small_frame()
    X_int, y_int = int_city_frame()
    X_str = X_int.assign(city=X_int["city"].astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return SimpleNamespace(
            X=X,
            y=y,
            model=WideDeepClassifier(**TINY).fit(X, y),
            array_model=WideDeepClassifier(**TINY).fit(X.to_numpy(), y),
            X_int=X_int,
            int_model=city_as_categorical().fit(X_int, y_int),
            X_str=X_str,
            str_model=city_as_categorical().fit(X_str, y_int),
        )


# ---------------------------------------------------------------- outputs


def proba(model, X):
    """The output of predict_proba, to be checked: (n, 2), finite, rows sum to 1."""
    return ("proba", model.predict_proba(X), len(X))


def transformed(transformer, X):
    """The output of a fitted transformer on X, to be checked: finite, full width."""
    return ("transform", transformer.transform(X), len(X), transformer)


def check_output(output):
    if output[0] == "proba":
        _, p, n_rows = output
        assert isinstance(p, np.ndarray)
        assert p.shape == (n_rows, 2)
        assert np.isfinite(p).all()
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert ((p >= 0) & (p <= 1)).all()
    else:
        _, Xt, n_rows, transformer = output
        assert Xt.shape == (n_rows, len(transformer.get_feature_names_out()))
        values = Xt.data if sp.issparse(Xt) else np.asarray(Xt)
        assert np.isfinite(values).all()


def fit_all(X, y, *, model=None, embedding=None, cross=None):
    """Fit the classifier and both transformers on X; their outputs on X."""
    model = WideDeepClassifier(**TINY) if model is None else model
    embedding = EmbeddingEncoder() if embedding is None else embedding
    cross = CrossProductTransformer() if cross is None else cross
    return [
        proba(model.fit(X, y), X),
        transformed(embedding.fit(X), X),
        transformed(cross.fit(X), X),
    ]


def with_city(f, city):
    X = f.X.copy()
    X["city"] = city
    return X


def msg(*parts):
    """A pattern matching the parts, in this order, anywhere in the message."""
    return "(?s)" + ".*".join(re.escape(part) for part in parts)


def fit_error(**params):
    def action(f):
        WideDeepClassifier(**{**TINY, **params}).fit(f.X, f.y)

    return action


COLUMNS_FIX = (
    "Pass the columns seen in fit, in the same order, e.g. X[model.feature_names_in_]."
)


# ------------------------------------------------------ the individual cases


def int_then_float(f):
    as_float = f.X_int.assign(city=f.X_int["city"].astype(float))
    out = proba(f.int_model, as_float)
    np.testing.assert_array_equal(out[1], f.int_model.predict_proba(f.X_int))
    return [out]


def all_nan_float_at_fit(f):
    X = f.X.assign(x=np.nan)
    return fit_all(X, f.y)


def all_none_object_at_fit(f):
    X = f.X.assign(city=np.full(N, None, dtype=object))
    return fit_all(X, f.y)


def all_missing_at_predict(f):
    X = f.X.assign(city=None, size=np.nan, x=np.nan)
    assert X["city"].isna().all()
    return [proba(f.model, X)]


def with_infinity(f):
    X = f.X.copy()
    X.loc[[3, 10], "x"] = [np.inf, -np.inf]
    return X


def with_huge_values(f):
    """Finite in float64, but far beyond float32's range (3.4e38)."""
    X = f.X.copy()
    X.loc[[3, 10], "x"] = [1e300, -1e300]
    return X


SCALED = {"continuous_encoding": "scaled"}


def infinity_at_predict_with_standard_scaling(f):
    model = WideDeepClassifier(deep=EmbeddingEncoder(**SCALED), **TINY)
    return model.fit(f.X, f.y).predict_proba(with_infinity(f))


def infinity_with_piecewise_linear_encoding(f):
    X = with_infinity(f)
    encoder = EmbeddingEncoder().fit(X)  # the default encoding
    # inf and -inf map to the ends: every piece full, every piece empty, the
    # outer piece at its bound past the edge (3 piece widths: extrapolate)
    names = list(encoder.get_feature_names_out())
    pieces = [i for i, name in enumerate(names) if name.startswith("x_piece")]
    Xt = encoder.transform(X)[:, pieces]
    assert Xt[3].tolist() == [1.0] * (len(pieces) - 1) + [4.0]
    assert Xt[10].tolist() == [-3.0] + [0.0] * (len(pieces) - 1)
    model = WideDeepClassifier(**TINY)
    return [proba(model.fit(X, f.y), X), transformed(encoder, X)]


def infinity_with_quantile_scaling(f):
    X = with_infinity(f)
    deep = EmbeddingEncoder(scaling="quantile", **SCALED)
    model = WideDeepClassifier(deep=deep, **TINY)
    encoder = EmbeddingEncoder(scaling="quantile", **SCALED).fit(X)
    # inf and -inf map to the ends of [0, 1]
    scaled = encoder.transform(X)[:, list(encoder.get_feature_names_out()).index("x")]
    assert scaled[[3, 10]].tolist() == [1.0, 0.0]
    return [proba(model.fit(X, f.y), X), transformed(encoder, X)]


def zero_rows_at_predict(f):
    outputs = [
        proba(f.model, f.X.iloc[:0]),
        proba(f.array_model, f.X.to_numpy()[:0]),
    ]
    assert outputs[0][1].dtype == outputs[1][1].dtype == np.float64
    return outputs


def zero_rows_at_transform(f):
    outputs = []
    for transformer in (EmbeddingEncoder(), CrossProductTransformer()):
        outputs.append(transformed(transformer.fit(f.X), f.X.iloc[:0]))
        array_transformer = type(transformer)().fit(f.X.to_numpy())
        outputs.append(transformed(array_transformer, f.X.to_numpy()[:0]))
    return outputs


def y_with_missing(f, missing):
    y = f.y.astype(object)
    y[3] = missing
    return y


def very_high_cardinality(f):
    """200,000 distinct ids: time and memory linear in the number of rows."""
    n = 200_000
    rng = np.random.default_rng(2)
    X = pd.DataFrame(
        {
            "id": pd.Series([f"id{i}" for i in rng.permutation(n)], dtype="str"),
            "x": rng.normal(size=n),
        }
    )
    y = rng.integers(0, 2, n)
    # as many ids as rows: fit says that they look like row ids, and works
    id_warning = pytest.warns(UserWarning, match="'id' holds a different value")
    tracemalloc.start()
    try:
        embedding = EmbeddingEncoder()
        with id_warning:
            embedding.fit_transform(X)
        cross = CrossProductTransformer()
        with id_warning:
            cross.fit_transform(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert embedding.cardinalities_[0] == n + 2  # the other and the missing slots
    assert cross.n_output_features_ >= n
    # measured: about 250 bytes per row (the one-hot of 200,000 ids included)
    assert peak < 750 * n
    model = WideDeepClassifier(hidden_units=(8,), max_epochs=1, random_state=0)
    with id_warning:
        model.fit(X, y)
    # about 2 s: the ids' table gets sparse gradients, so each batch updates
    # its own rows only, not all 200,001 (a wall-clock bound would be flaky)
    tables = [group.table for group in model.net_.module_.embeddings]
    assert any(t.num_embeddings >= n and t.sparse for t in tables)
    return [proba(model, X), transformed(embedding, X.head(500))]


MIXED = np.array([1, "a", 2.5, "b"] * (N // 4), dtype=object)


def mixed_object(f):
    X = with_city(f, MIXED)
    encoder = EmbeddingEncoder()
    outputs = fit_all(X, f.y, embedding=encoder)
    assert encoder.categorical_columns_ == ["city"]
    assert len(encoder.categories_[0]) == 4  # 1, 2.5, "a" and "b" are kept apart
    return outputs


def category_then_str(f):
    X_cat = f.X.assign(city=pd.Categorical(f.X["city"]))
    model = WideDeepClassifier(**TINY).fit(X_cat, f.y)
    out = proba(model, f.X)
    np.testing.assert_array_equal(out[1], model.predict_proba(X_cat))
    return [out]


def nullable_int(f):
    rng = np.random.default_rng(3)
    values = rng.integers(0, 5, N).astype(object)
    values[rng.random(N) < 0.1] = pd.NA
    values[0] = pd.NA
    return f.X.assign(city=pd.array(values, dtype="Int64"))


def nullable_int_continuous(f):
    X = nullable_int(f)
    encoder = EmbeddingEncoder()
    outputs = fit_all(X, f.y, embedding=encoder)
    assert encoder.continuous_columns_ == ["city", "size", "x"]
    assert encoder.indicator_columns_ == ["city"]  # pd.NA is a missing value
    return outputs


def nullable_int_categorical(f):
    X = nullable_int(f)
    encoder = EmbeddingEncoder(categorical=["city"])
    outputs = fit_all(
        X,
        f.y,
        model=city_as_categorical(),
        embedding=encoder,
        cross=CrossProductTransformer(columns=["city"], n_bins=None),
    )
    assert encoder.categories_[0].tolist() == [0, 1, 2, 3, 4]
    assert encoder.transform(X.head(1))[0, 0] == 6  # pd.NA: the missing code
    return outputs


def string_dtype(dtype):
    def action(f):
        city = f.X["city"].astype(object)
        city.iloc[::7] = None
        X = f.X.assign(city=pd.Series(city, dtype=dtype))
        assert X["city"].isna().any()
        return fit_all(X, f.y)

    return action


def integer_column_names(f):
    X = f.X.set_axis([0, 1, 2], axis=1)
    model = WideDeepClassifier(**TINY)
    outputs = fit_all(X, f.y, model=model)
    assert model.n_features_in_ == 3
    assert not hasattr(model, "feature_names_in_")  # scikit-learn keeps str names
    return outputs


def roles_by_position_on_array(f):
    X = f.X.to_numpy()
    return fit_all(
        X,
        f.y,
        model=WideDeepClassifier(
            wide=CrossProductTransformer(columns=[0], crosses=[(0, 1)]),
            deep=EmbeddingEncoder(categorical=[0], continuous=[1, 2]),
            **TINY,
        ),
        embedding=EmbeddingEncoder(categorical=[0], continuous=[1, 2]),
        cross=CrossProductTransformer(columns=[0], crosses=[(0, 1)]),
    )


def dataframe_library(convert):
    """Fit on another library's DataFrame: names and roles as with pandas."""

    def action(f):
        X = convert(f.X)
        model = WideDeepClassifier(
            wide=CrossProductTransformer(crosses=[("city", "size")]),
            deep=EmbeddingEncoder(categorical=["city"], continuous=["size", "x"]),
            **TINY,
        )
        embedding = EmbeddingEncoder(categorical=["city"])
        cross = CrossProductTransformer(columns=["city"])
        outputs = fit_all(X, f.y, model=model, embedding=embedding, cross=cross)
        assert model.feature_names_in_.tolist() == ["city", "size", "x"]
        assert "city=Oslo" in model.wide_weights().index
        assert "city=Oslo" in cross.get_feature_names_out()
        assert embedding.get_feature_names_out().tolist()[:2] == ["city", "size_code"]
        # the same model as on the pandas frame, scoring either kind of frame
        on_pandas = clone(model).fit(f.X, f.y)
        np.testing.assert_array_equal(
            model.predict_proba(X), on_pandas.predict_proba(f.X)
        )
        np.testing.assert_array_equal(
            on_pandas.predict_proba(X), on_pandas.predict_proba(f.X)
        )
        return outputs

    return action


def to_polars(X):
    pl = pytest.importorskip("polars")
    return pl.from_pandas(X)


def to_pyarrow(X):
    pa = pytest.importorskip("pyarrow")
    return pa.Table.from_pandas(X, preserve_index=False)


def with_list_cell(f):
    X = f.X.astype({"city": object})
    X.at[5, "city"] = ["Oslo", "Rome"]
    return X


def huge_sample_weights(f):
    weight = np.ones(N)
    weight[:2] = 1e308  # their sum overflows float64
    model = WideDeepClassifier(**TINY).fit(f.X, f.y, sample_weight=weight)
    return [proba(model, f.X)]


def has_device(kind):
    """Whether this torch can put a tensor on a device of this kind."""
    try:
        torch.empty(1, device=kind)
    except (RuntimeError, AssertionError, AttributeError, ValueError):
        return False
    return True


def device_before_data(f):
    # a column that no transformer takes: the device error must come first
    WideDeepClassifier(device="mps", **TINY).fit(with_city(f, [{"a": 1}] * N), f.y)


SERIES_FIX = (
    "Pass a DataFrame: X[[column]] or series.to_frame() for one column, "
    "X.iloc[[i]] or row.to_frame().T for one row."
)


def series_error(fit, method):
    def action(f):
        estimator = fit(f)
        if method == "fit":
            estimator.fit(f.X["size"], f.y)
        else:
            getattr(estimator, method)(f.X.iloc[0])

    return action


def predict_error(model, make_X):
    return lambda f: getattr(f, model).predict_proba(make_X(f))


CASES = [
    # columns at predict time
    pytest.param(
        predict_error("model", lambda f: f.X.drop(columns="size")),
        (ValueError, msg("seen at fit time, yet now missing:\n- size\n", COLUMNS_FIX)),
        id="missing column at predict",
    ),
    pytest.param(
        predict_error("model", lambda f: f.X.assign(extra=1.0)),
        (ValueError, msg("unseen at fit time:\n- extra\n", COLUMNS_FIX)),
        id="extra column at predict",
    ),
    pytest.param(
        predict_error("model", lambda f: f.X[["size", "city", "x"]]),
        (ValueError, msg("must be in the same order as they were in fit", COLUMNS_FIX)),
        id="reordered columns at predict",
    ),
    # a column's dtype changes between fit and predict
    pytest.param(
        predict_error("int_model", lambda f: f.X_str),
        (
            ValueError,
            msg(
                "Column 'city' held numbers in fit (e.g. 0) but holds strings now "
                "(e.g. '",
                "none of which the model knows. Convert it to the type it had in "
                "fit, with c = 'city': pd.to_numeric(X[c]).",
            ),
        ),
        id="categories: ints in fit, strings at predict",
    ),
    pytest.param(
        predict_error("str_model", lambda f: f.X_int),
        (
            ValueError,
            msg(
                "Column 'city' held strings in fit (e.g. '0') but holds numbers now",
                "with c = 'city': X[c].astype(str).",
            ),
        ),
        id="categories: strings in fit, ints at predict",
    ),
    pytest.param(
        int_then_float, WORKS, id="categories: ints in fit, floats at predict"
    ),
    # missing values
    pytest.param(all_nan_float_at_fit, WORKS, id="all-NaN float column at fit"),
    pytest.param(all_none_object_at_fit, WORKS, id="all-None object column at fit"),
    pytest.param(all_missing_at_predict, WORKS, id="all-missing columns at predict"),
    # infinities
    pytest.param(
        lambda f: WideDeepClassifier(deep=EmbeddingEncoder(**SCALED), **TINY).fit(
            with_infinity(f), f.y
        ),
        (
            ValueError,
            msg(
                "Column 'x' holds infinite values, which scaling='standard' cannot map",
                "Use scaling='quantile'",
            ),
        ),
        id="inf and -inf at fit (standard scaling)",
    ),
    pytest.param(
        infinity_at_predict_with_standard_scaling,
        (ValueError, msg("Column 'x' holds infinite values", "scaling='quantile'")),
        id="inf and -inf at predict (standard scaling)",
    ),
    pytest.param(
        infinity_with_piecewise_linear_encoding,
        WORKS,
        id="inf and -inf with the piecewise-linear encoding (default)",
    ),
    pytest.param(
        infinity_with_quantile_scaling, WORKS, id="inf and -inf with scaling='quantile'"
    ),
    pytest.param(
        lambda f: fit_all(with_huge_values(f), f.y),
        WORKS,
        id="huge finite values at fit (|x| = 1e300)",
    ),
    pytest.param(
        lambda f: [proba(f.model, with_huge_values(f))],
        WORKS,
        id="huge finite values at predict (|x| = 1e300)",
    ),
    # zero rows
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(f.X.iloc[:0], f.y[:0]),
        (
            ValueError,
            msg("Found array with 0 sample(s)", "a minimum of 1 sample", "required"),
        ),
        id="zero rows at fit",
    ),
    pytest.param(
        lambda f: EmbeddingEncoder().fit(f.X.to_numpy()[:0]),
        (ValueError, msg("Found array with 0 sample(s)", "a minimum of 1 is required")),
        id="zero rows at fit (transformer, ndarray)",
    ),
    pytest.param(
        zero_rows_at_predict, WORKS, id="zero rows at predict (DataFrame and ndarray)"
    ),
    pytest.param(zero_rows_at_transform, WORKS, id="zero rows at transform"),
    # the target
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(f.X, np.zeros(N, dtype=int)),
        (
            ValueError,
            msg("needs samples of at least 2 classes", "only one class: [0]"),
        ),
        id="one class in y",
    ),
    *[
        pytest.param(
            lambda f, missing=missing: WideDeepClassifier(**TINY).fit(
                f.X, y_with_missing(f, missing)
            ),
            (
                ValueError,
                msg(
                    "y has 1 missing label(s) (NaN or None), e.g. at rows [3]; drop "
                    "those rows or give them a label."
                ),
            ),
            id=f"{name} in y",
        )
        for name, missing in [("NaN", np.nan), ("None", None), ("pd.NA", pd.NA)]
    ],
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(f.X, f.y[:-1]),
        (
            ValueError,
            msg("X has 200 rows but y has 199 labels; pass one label per row of X."),
        ),
        id="X/y length mismatch",
    ),
    # many distinct values
    pytest.param(very_high_cardinality, WORKS, id="very high cardinality"),
    # dtypes
    pytest.param(mixed_object, WORKS, id="object column mixing ints and strings"),
    pytest.param(
        lambda f: fit_all(with_city(f, f.X["city"] == "Oslo"), f.y),
        WORKS,
        id="bool column",
    ),
    pytest.param(
        lambda f: fit_all(with_city(f, pd.Categorical(f.X["city"])), f.y),
        WORKS,
        id="pandas category column",
    ),
    pytest.param(category_then_str, WORKS, id="category in fit, plain str at predict"),
    pytest.param(
        nullable_int_continuous, WORKS, id="nullable Int64 with pd.NA (continuous)"
    ),
    pytest.param(
        nullable_int_categorical, WORKS, id="nullable Int64 with pd.NA (categorical)"
    ),
    *[
        pytest.param(
            string_dtype(dtype),
            WORKS,
            id=f"string dtype {dtype!r}",
            marks=pytest.mark.skipif(
                dtype == "str" and PANDAS_2,
                reason="'str' names pandas 3's string dtype; pandas 2 makes None "
                "the string 'None' with it",
            ),
        )
        for dtype in ["string", "string[pyarrow]", "string[python]", "str"]
    ],
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(with_city(f, [{"a": 1}] * N), f.y),
        (TypeError, msg("Column 'city' holds values of type ['dict']", "Convert")),
        id="dict values in a categorical column",
    ),
    # column names and roles
    pytest.param(integer_column_names, WORKS, id="integer column names"),
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(
            f.X.set_axis(["city", 1, 2], axis=1), f.y
        ),
        (
            TypeError,
            msg(
                "Feature names are only supported if all input features have string "
                "names",
                "X.columns = X.columns.astype(str)",
            ),
        ),
        id="mixed int and str column names",
    ),
    pytest.param(
        lambda f: WideDeepClassifier(
            deep=EmbeddingEncoder(categorical=["city"]), **TINY
        ).fit(f.X.to_numpy(), f.y),
        (
            ValueError,
            msg(
                "categorical names column 'city', but X is an array without column "
                "names. Pass a pandas DataFrame, or name columns by position (int)."
            ),
        ),
        id="roles by name while X is an ndarray",
    ),
    pytest.param(
        roles_by_position_on_array, WORKS, id="roles by position while X is an ndarray"
    ),
    pytest.param(
        lambda f: WideDeepClassifier(
            deep=EmbeddingEncoder(categorical=["town"]), **TINY
        ).fit(f.X, f.y),
        (
            ValueError,
            msg(
                "categorical names column 'town', which is not in X. The columns of "
                "X are: ['city', 'size', 'x']."
            ),
        ),
        id="role naming a column not in X",
    ),
    # sample weights
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(
            f.X, f.y, sample_weight=np.r_[-1.0, np.ones(N - 1)]
        ),
        (
            ValueError,
            msg("sample_weight contains negative values; weights must be >= 0."),
        ),
        id="negative sample_weight",
    ),
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(
            f.X, f.y, sample_weight=np.r_[np.nan, np.ones(N - 1)]
        ),
        (
            ValueError,
            msg("sample_weight contains NaN or infinity; give finite weights."),
        ),
        id="NaN sample_weight",
    ),
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(f.X, f.y, sample_weight=np.ones(3)),
        (ValueError, msg("sample_weight.shape == (3,), expected (200,)")),
        id="sample_weight of the wrong length",
    ),
    # hyperparameters
    pytest.param(
        fit_error(batch_size=0),
        (
            InvalidParameterError,
            msg(
                "The 'batch_size' parameter of WideDeepClassifier must be an int in "
                "the range [1, inf). Got 0 instead."
            ),
        ),
        id="batch_size=0",
    ),
    pytest.param(
        fit_error(hidden_units="big"),
        (
            InvalidParameterError,
            msg(
                "The 'hidden_units' parameter of WideDeepClassifier must be an "
                "instance of 'list' or an instance of 'tuple'. Got 'big' instead."
            ),
        ),
        id="hidden_units='big'",
    ),
    pytest.param(
        fit_error(hidden_units=(8, 0)),
        (
            ValueError,
            msg("hidden_units must be a tuple of positive ints", "got (8, 0)."),
        ),
        id="hidden_units=(8, 0)",
    ),
    pytest.param(
        fit_error(dropout=1.5),
        (
            InvalidParameterError,
            msg(
                "The 'dropout' parameter of WideDeepClassifier must be a float in "
                "the range [0.0, 1.0). Got 1.5 instead."
            ),
        ),
        id="dropout=1.5",
    ),
    pytest.param(
        fit_error(wide_optimizer="rmsprop"),
        (
            InvalidParameterError,
            msg(
                "The 'wide_optimizer' parameter of WideDeepClassifier must be a str "
                "among",
                "Got 'rmsprop' instead.",
            ),
        ),
        id="wide_optimizer='rmsprop'",
    ),
    pytest.param(
        fit_error(wide=CrossProductTransformer(n_bins=1)),
        (
            InvalidParameterError,
            msg(
                "The 'n_bins' parameter of CrossProductTransformer must be an int in "
                "the range [2, inf) or None. Got 1 instead."
            ),
        ),
        id="nested CrossProductTransformer(n_bins=1)",
    ),
    # the second round (issue 15): other DataFrame libraries, odd values
    pytest.param(dataframe_library(to_polars), WORKS, id="polars DataFrame"),
    pytest.param(dataframe_library(to_pyarrow), WORKS, id="pyarrow Table"),
    pytest.param(
        lambda f: fit_all(f.X.assign(x=f.X["x"] + 1j), f.y),
        (
            TypeError,
            msg(
                "Column 'x' holds complex numbers, which the model cannot use",
                "np.real(X['x'])",
            ),
        ),
        id="complex column at fit",
    ),
    pytest.param(
        predict_error("model", lambda f: f.X.assign(x=f.X["x"] + 1j)),
        (TypeError, msg("Column 'x' holds complex numbers")),
        id="complex column at predict",
    ),
    pytest.param(
        predict_error("model", with_list_cell),
        (
            TypeError,
            msg("Column 'city' holds values of type ['list']", "Convert the column"),
        ),
        id="list cell only at predict",
    ),
    pytest.param(
        lambda f: CrossProductTransformer().fit(f.X).transform(with_list_cell(f)),
        (TypeError, msg("Column 'city' holds values of type ['list']")),
        id="list cell only at transform (wide)",
    ),
    *[
        pytest.param(
            series_error(fit, method),
            (
                ValueError,
                msg(
                    "Expected a 2-dimensional container but got <class 'pandas.",
                    "Series'> instead.",
                    SERIES_FIX,
                ),
            ),
            id=f"pandas Series as X: {name}",
        )
        for name, fit, method in [
            ("fit", lambda f: WideDeepClassifier(**TINY), "fit"),
            ("predict_proba", lambda f: f.model, "predict_proba"),
            ("EmbeddingEncoder.fit", lambda f: EmbeddingEncoder(), "fit"),
            (
                "EmbeddingEncoder.transform",
                lambda f: EmbeddingEncoder().fit(f.X),
                "transform",
            ),
            ("CrossProductTransformer.fit", lambda f: CrossProductTransformer(), "fit"),
            (
                "CrossProductTransformer.transform",
                lambda f: CrossProductTransformer().fit(f.X),
                "transform",
            ),
        ]
    ],
    pytest.param(huge_sample_weights, WORKS, id="sample_weight of 1e308 (overflow)"),
    pytest.param(
        lambda f: WideDeepClassifier(**TINY).fit(f.X, f.y, sample_weight=np.zeros(N)),
        (ValueError, msg("Sample weights must contain at least one non-zero number")),
        id="all-zero sample_weight",
    ),
    *[
        pytest.param(
            fit_error(device=device),
            (ValueError, msg(f"device={device!r}", "Use one of", "'cpu'")),
            id=f"device={device!r} (not in this torch build)",
            marks=pytest.mark.skipif(
                has_device(device), reason=f"this torch has a {device} device"
            ),
        )
        for device in ["mps", "xpu"]
    ],
    pytest.param(
        device_before_data,
        (ValueError, msg("device='mps'", "Use one of")),
        id="device checked before the data",
        marks=pytest.mark.skipif(has_device("mps"), reason="this torch has mps"),
    ),
]

NOT_FROM = {"torch", "numpy", "pandas", "skorch", "scipy"}


def check_error(exc, error, pattern):
    """The error is ours (or scikit-learn's), of the right type, and says what to do."""
    assert isinstance(exc, error), repr(exc)
    assert re.search(pattern, str(exc)), str(exc)
    origin = traceback.extract_tb(exc.__traceback__)[-1]
    assert NOT_FROM.isdisjoint(Path(origin.filename).parts), f"raised in {origin}"


@pytest.mark.parametrize("action, expected", CASES)
def test_bad_input(fitted, action, expected):
    if expected == WORKS:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            outputs = action(fitted)
        assert outputs
        for output in outputs:
            check_output(output)
        return
    error, pattern = expected
    with pytest.raises((ValueError, TypeError)) as excinfo:
        action(fitted)
    check_error(excinfo.value, error, pattern)


# Every item of the issue, as the ids of the rows that cover it.
ISSUE_ITEMS = {
    "missing/extra/reordered columns at predict time": {
        "missing column at predict",
        "extra column at predict",
        "reordered columns at predict",
    },
    "a column whose dtype changes between fit and predict": {
        "categories: ints in fit, strings at predict",
        "categories: strings in fit, ints at predict",
        "categories: ints in fit, floats at predict",
    },
    "all-NaN columns": {
        "all-NaN float column at fit",
        "all-None object column at fit",
        "all-missing columns at predict",
    },
    "inf and -inf in continuous columns": {
        "inf and -inf at fit (standard scaling)",
        "inf and -inf at predict (standard scaling)",
        "inf and -inf with scaling='quantile'",
        "inf and -inf with the piecewise-linear encoding (default)",
    },
    "zero rows (fit, predict)": {
        "zero rows at fit",
        "zero rows at predict (DataFrame and ndarray)",
        "zero rows at transform",
    },
    "one class in y": {"one class in y"},
    "NaN in y": {"NaN in y", "None in y", "pd.NA in y"},
    "X/y length mismatch": {"X/y length mismatch"},
    "very high cardinality": {"very high cardinality"},
    "object columns that mix ints and strings": {
        "object column mixing ints and strings"
    },
    "bool": {"bool column"},
    "pandas category": {
        "pandas category column",
        "category in fit, plain str at predict",
    },
    "nullable Int64 with pd.NA": {
        "nullable Int64 with pd.NA (continuous)",
        "nullable Int64 with pd.NA (categorical)",
    },
    "pandas string dtypes": {
        "string dtype 'string'",
        "string dtype 'string[pyarrow]'",
        "string dtype 'str'",
    },
    "non-string column names": {
        "integer column names",
        "mixed int and str column names",
    },
    "roles named by column name while X is a bare ndarray": {
        "roles by name while X is an ndarray"
    },
    "a role naming a column that does not exist": {"role naming a column not in X"},
    "negative or NaN sample_weight": {"negative sample_weight", "NaN sample_weight"},
    "bad hyperparameters": {
        "batch_size=0",
        "hidden_units='big'",
        "dropout=1.5",
        "wide_optimizer='rmsprop'",
        "nested CrossProductTransformer(n_bins=1)",
    },
}


# The numbered failures of the second round (issue 15) that are rows here; the
# others are tests of their own (warm start, model files, threads).
ISSUE_15_ITEMS = {
    "1. polars (and pyarrow) lose column names": {"polars DataFrame", "pyarrow Table"},
    "3. complex numbers": {"complex column at fit", "complex column at predict"},
    "4. a list cell only at predict time": {
        "list cell only at predict",
        "list cell only at transform (wide)",
    },
    "5. a pandas Series as X": {
        "pandas Series as X: fit",
        "pandas Series as X: predict_proba",
        "pandas Series as X: EmbeddingEncoder.fit",
        "pandas Series as X: EmbeddingEncoder.transform",
        "pandas Series as X: CrossProductTransformer.fit",
        "pandas Series as X: CrossProductTransformer.transform",
    },
    "6. two sample weights of 1e308": {"sample_weight of 1e308 (overflow)"},
    "7. a device this torch build lacks": {
        "device='mps' (not in this torch build)",
        "device checked before the data",
    },
}


@pytest.mark.parametrize(
    "items", [ISSUE_ITEMS, ISSUE_15_ITEMS], ids=["first round", "second round"]
)
def test_the_matrix_covers_every_item_of_the_issue(items):
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "two rows share an id"
    expected = {case.id: case.values[1] for case in CASES}
    for item, required in items.items():
        assert required <= set(ids), f"{item}: no row {required - set(ids)}"
        for row in required:  # and each row expects something specific
            if expected[row] == WORKS:
                continue
            error, pattern = expected[row]
            assert issubclass(error, ValueError | TypeError), row
            # a pattern that a vague message would match checks nothing
            vague = f"{error.__name__}: invalid input. Check your data."
            assert re.search(pattern, vague) is None, f"{row}: {pattern!r} is vague"
