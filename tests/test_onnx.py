"""ONNX export: onnxruntime's outputs equal the Python path's."""

import importlib.util

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

import onnxruntime  # noqa: E402
from skl2onnx import to_onnx as skl2onnx_to_onnx  # noqa: E402

from sk_widedeep import (  # noqa: E402
    CrossProductTransformer,
    EmbeddingEncoder,
    WideDeepClassifier,
    WideDeepRegressor,
)
from sk_widedeep.datasets import make_app_installs  # noqa: E402
from sk_widedeep.onnx import (  # noqa: E402
    TARGET_OPSET,
    inference_session,
    register_converters,
    to_onnx,
)

from .conftest import FAST, make_frame  # noqa: E402


def feeds(session, X):
    """One input per column: strings as str ("" for missing), numbers as typed."""
    out = {}
    for spec, column in zip(session.get_inputs(), X.columns, strict=True):
        values = X[column].to_numpy()
        if spec.type == "tensor(string)":
            values = np.where(pd.isna(values), "", values.astype(object)).astype(str)
        elif spec.type == "tensor(int64)":
            values = values.astype(np.int64)
        elif spec.type == "tensor(bool)":
            values = values.astype(bool)
        else:
            values = values.astype(np.float64 if "double" in spec.type else np.float32)
        out[spec.name] = values.reshape(-1, 1)
    return out


def session_of(model, X):
    return inference_session(to_onnx(model, X[:5]))


def text_frame(n=400, seed=0):
    X, y = make_frame(n, seed)
    text = ["education", "occupation", "gender"]
    X = X.astype(dict.fromkeys(text, object)).drop(columns=["married"])
    X["occupation"] = X["occupation"].fillna("")  # a string input holds no None
    return X, y


def test_wide_graph_equals_transform_with_unknown_and_missing_values():
    register_converters()
    X, _ = text_frame()
    wide = CrossProductTransformer(
        columns="all", crosses=[("education", "occupation"), ("gender", "age")]
    ).fit(X[:300])
    model = skl2onnx_to_onnx(wide, X[:5], target_opset=TARGET_OPSET)
    session = onnxruntime.InferenceSession(model.SerializeToString())
    new = X[300:].copy()
    new.loc[new.index[:5], "education"] = "Unseen"
    np.testing.assert_array_equal(
        session.run(None, feeds(session, new))[0], wide.transform(new).toarray()
    )


@pytest.mark.parametrize(
    "deep",
    [
        EmbeddingEncoder(),
        EmbeddingEncoder(continuous_encoding="scaled", scaling="quantile"),
        EmbeddingEncoder(continuous_encoding="scaled", scaling="standard"),
        EmbeddingEncoder(continuous_encoding="periodic", embed_continuous=False),
    ],
    ids=["piecewise + codes", "quantile", "standard", "periodic"],
)
def test_classifier_probabilities_equal_predict_proba(deep):
    X, y = text_frame(600)
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(crosses=[("education", "occupation")]),
        deep=deep,
        **FAST,
    ).fit(X[:400], y[:400])
    session = session_of(clf, X)
    new = X[400:].copy()
    new.loc[new.index[:3], "education"] = "Unseen"  # and age has NaNs
    label, proba = session.run(None, feeds(session, new))
    np.testing.assert_allclose(proba, clf.predict_proba(new), atol=1e-5, rtol=0)
    np.testing.assert_array_equal(label, clf.predict(new))


def test_multiclass_and_string_labels():
    X, _ = text_frame(500)
    labels = np.array(["low", "mid", "high"], dtype=object)[np.arange(500) % 3]
    clf = WideDeepClassifier(**FAST).fit(X, labels)
    session = session_of(clf, X)
    label, proba = session.run(None, feeds(session, X))
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)
    assert label.tolist() == clf.predict(X).tolist()


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_predictions_equal_predict(loss):
    X, y = text_frame(500)
    target = np.nan_to_num(X["age"].to_numpy(), nan=40.0) / 10 + y
    reg = WideDeepRegressor(loss=loss, **FAST).fit(X, target)
    session = session_of(reg, X)
    (predicted,) = session.run(None, feeds(session, X))
    np.testing.assert_allclose(predicted[:, 0], reg.predict(X), rtol=1e-5)


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regressor"])
def test_ensemble_members_score_as_python(kind):
    X, y = text_frame(500)
    settings = {**FAST, "n_members": 3}
    if kind == "regressor":
        target = np.nan_to_num(X["age"].to_numpy(), nan=40.0) / 10 + y
        model = WideDeepRegressor(**settings).fit(X, target)
        expected = model.predict(X)[:, None]
    else:
        target = y if kind == "binary" else (np.arange(500) % 3 + y) % 3
        model = WideDeepClassifier(**settings).fit(X, target)
        expected = model.predict_proba(X)
    session = session_of(model, X)
    scored = session.run(None, feeds(session, X))[-1]
    np.testing.assert_allclose(scored, expected, rtol=1e-5, atol=1e-5)


def test_app_store_joint_model_on_every_test_row():
    X, y = make_app_installs(6000, random_state=0)
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(crosses=[("country", "app_id")]),
        random_state=0,
    ).fit(X[:5000], y[:5000])
    session = session_of(clf, X)
    _, proba = session.run(None, feeds(session, X[5000:]))
    np.testing.assert_allclose(proba, clf.predict_proba(X[5000:]), atol=1e-5, rtol=0)


def test_a_hash_buckets_transformer_that_hashes_nothing_is_exported():
    X, _ = text_frame(300)
    numbers = X[["age", "hours"]]
    wide = CrossProductTransformer(columns="all", hash_buckets=16).fit(numbers)
    session = onnxruntime.InferenceSession(
        to_onnx(wide, numbers[:5]).SerializeToString()
    )
    (got,) = session.run(None, feeds(session, numbers))
    np.testing.assert_array_equal(got, wide.transform(numbers).toarray())


def test_what_is_not_converted_is_refused_by_name():
    X, y = text_frame(200)
    from sklearn.preprocessing import OneHotEncoder

    other = WideDeepClassifier(
        wide=OneHotEncoder(handle_unknown="ignore"), deep=None, **FAST
    ).fit(X[["education"]], y)
    with pytest.raises(NotImplementedError, match="OneHotEncoder"):
        to_onnx(other, X[["education"]])


HASHED = pytest.mark.parametrize(
    "hash_buckets",
    [
        None,
        pytest.param(
            4096,
            marks=pytest.mark.skipif(
                not importlib.util.find_spec("onnxruntime_extensions"),
                reason="a hashed graph needs onnxruntime-extensions (the onnx extra)",
            ),
        ),
    ],
    ids=["vocabularies", "hashed"],
)


@pytest.mark.slow
@HASHED
def test_adult_and_movielens_whole_test_sets(adult, movielens, hash_buckets):
    for X_train, X_test, y_train, _ in (adult, movielens):
        clf = WideDeepClassifier(
            wide=CrossProductTransformer(
                hash_buckets=hash_buckets, crosses="numbers_by_category"
            ),
            deep=EmbeddingEncoder(hash_buckets=hash_buckets and 1024),
            random_state=0,
            max_epochs=2,
            early_stopping=False,
        ).fit(X_train, y_train)
        session = session_of(clf, X_train)
        X = X_test.copy()
        text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        X.loc[X.index[:10], text[0]] = "never seen"  # unseen categories
        _, proba = session.run(None, feeds(session, X))
        np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)


@pytest.mark.slow
@HASHED
@pytest.mark.parametrize("form", ["separator strings", "lists", "Arrow lists"])
def test_movielens_genres_on_the_whole_test_set(movielens, form, hash_buckets):
    from sk_widedeep.onnx import feeds as feeds_of

    X_train, X_test, y_train, _ = movielens
    keep = ["user_id", "movie_id", "age", "gender", "occupation", "year", "genres"]
    X_train, X_test = X_train[keep], X_test[keep].copy()
    X_test.loc[X_test.index[:5], "genres"] = None  # missing cells
    X_test.loc[X_test.index[5:10], "genres"] = "Never seen|Drama"
    separators = {"genres": "|"}
    if form != "separator strings":
        pa = pytest.importorskip("pyarrow")
        split = {
            name: frame.assign(genres=frame["genres"].str.split("|"))
            for name, frame in (("train", X_train), ("test", X_test))
        }
        X_train, X_test = split["train"], split["test"]
        separators = None
        if form == "Arrow lists":
            arrow = pd.ArrowDtype(pa.list_(pa.string()))
            X_test["genres"] = pd.Series(
                X_test["genres"].tolist(), dtype=arrow, index=X_test.index
            )
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(
            crosses=[("genres", "occupation")],
            separators=separators,
            hash_buckets=hash_buckets,
        ),
        deep=EmbeddingEncoder(
            separators=separators, hash_buckets=hash_buckets and 1024
        ),
        random_state=0,
        max_epochs=1,
        early_stopping=False,
    ).fit(X_train, y_train)
    session = inference_session(to_onnx(clf, X_train[:5]))
    _, proba = session.run(None, feeds_of(X_test, clf))
    np.testing.assert_allclose(proba, clf.predict_proba(X_test), atol=1e-5, rtol=0)


def test_cli_exports_a_saved_model(tmp_path):
    from sk_widedeep._cli import main
    from sk_widedeep.onnx import feeds as feeds_of

    X, y = make_app_installs(600, random_state=0)
    X.assign(installed=y).to_csv(tmp_path / "apps.csv", index=False)
    model = tmp_path / "apps.skwd"
    fit = ["fit", str(tmp_path / "apps.csv"), "--target", "installed"]
    assert main([*fit, "--max-epochs", "2", "-o", str(model)]) == 0
    graph = tmp_path / "apps.onnx"
    assert (
        main(["export", str(model), str(tmp_path / "apps.csv"), "-o", str(graph)]) == 0
    )
    import sk_widedeep

    loaded = sk_widedeep.load(model)
    session = onnxruntime.InferenceSession(str(graph))
    _, proba = session.run(None, feeds_of(X))
    np.testing.assert_allclose(proba, loaded.predict_proba(X), atol=1e-5, rtol=0)


def test_inputs_keep_the_column_names():
    X, y = text_frame(300)
    X = X.rename(columns={"education": "education-level", "age": "age (years)"})
    clf = WideDeepClassifier(**FAST).fit(X, y)
    graph = to_onnx(clf, X)
    assert [i.name for i in graph.graph.input] == list(X.columns)
    from sk_widedeep.onnx import feeds as feeds_of

    session = onnxruntime.InferenceSession(graph.SerializeToString())
    _, proba = session.run(None, feeds_of(X))
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)


def test_embedding_encoder_alone_and_the_wide_only_pipeline():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X, y = text_frame(400)
    register_converters()
    deep = EmbeddingEncoder().fit(X[:300])
    graph = skl2onnx_to_onnx(deep, X[:5], target_opset=TARGET_OPSET)
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    (got,) = session.run(None, feeds(session, X[300:]))
    np.testing.assert_allclose(got, deep.transform(X[300:]), atol=1e-6, rtol=0)
    # the paper's wide-only baseline: one-hot and crosses, then scikit-learn
    pipe = make_pipeline(
        CrossProductTransformer(crosses=[("education", "occupation")]),
        LogisticRegression(),
    ).fit(X[:300], y[:300])
    graph = skl2onnx_to_onnx(
        pipe, X[:5], target_opset=TARGET_OPSET, options={"zipmap": False}
    )
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    _, proba = session.run(None, feeds(session, X[300:]))
    np.testing.assert_allclose(proba, pipe.predict_proba(X[300:]), atol=1e-5, rtol=0)


# Issue 22: what the export met from a hostile but realistic user.


def session_and_feeds(model, sample):
    from sk_widedeep.onnx import feeds as feeds_of

    graph = to_onnx(model, sample)
    return onnxruntime.InferenceSession(graph.SerializeToString()), feeds_of


@pytest.mark.parametrize(
    "model",
    [WideDeepClassifier(), WideDeepRegressor(), CrossProductTransformer()],
    ids=["classifier", "regressor", "transformer"],
)
def test_to_onnx_before_fit_is_not_fitted_error(model):
    from sklearn.exceptions import NotFittedError

    X, _ = text_frame(20)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        to_onnx(model, X)


def multi_valued_frame(n=400, seed=0):
    """text_frame with a list column of strings, one of numbers and one of
    strings with a separator: missing and empty cells, repeated values, and
    rows whose crosses have more than 64 combinations."""
    X, y = text_frame(n, seed)
    rng = np.random.default_rng(seed)
    apps = [f"app{i}" for i in range(30)]
    X["apps"] = pd.Series(
        [list(rng.choice(apps, rng.integers(0, 12))) for _ in range(n)], dtype=object
    )
    X["ids"] = pd.Series(
        [list(rng.integers(0, 90, rng.integers(0, 40))) for _ in range(n)],
        dtype=object,
    )
    X["tags"] = ["x|y", "y", "", "z|x|x", None, "x||y"] * (n // 6) + ["x"] * (n % 6)
    X.loc[X.index[[3, 7]], "apps"] = None
    y = np.where(X["apps"].map(lambda a: a is not None and "app1" in a), 1, y)
    return X, y


def unseen_multi_values(X):
    new = X.copy()
    apps, ids = new["apps"].tolist(), new["ids"].tolist()
    apps[0], ids[2] = ["app1", "app1", "never seen"], [1000, 3, 3]
    # whole columns: a list set into one cell is refused by older pandas
    new["apps"] = pd.Series(apps, index=new.index, dtype=object)
    new["ids"] = pd.Series(ids, index=new.index, dtype=object)
    new.iloc[1, new.columns.get_loc("tags")] = "never seen|x"
    return new


@pytest.mark.parametrize("combiner", ["mean", "sum", "sqrtn"])
def test_multi_valued_columns_score_as_predict_proba(combiner):
    from sk_widedeep.onnx import feeds as feeds_of

    X, y = multi_valued_frame()
    separators = {"tags": "|"}
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(
            crosses=[("apps", "education"), ("tags", "apps"), ("ids", "apps")],
            separators=separators,
        ),
        deep=EmbeddingEncoder(separators=separators, combiner=combiner),
        **FAST,
    ).fit(X[:300], y[:300])
    graph = to_onnx(clf, X[:5])
    opsets = {opset.domain: opset.version for opset in graph.opset_import}
    assert opsets[""] >= 20  # StringSplit, in the default domain
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    new = unseen_multi_values(X[300:])
    _, proba = session.run(None, feeds_of(new, clf))
    np.testing.assert_allclose(proba, clf.predict_proba(new), atol=1e-5, rtol=0)


def test_arrow_list_columns_and_rows_without_values_score_as_predict_proba():
    pa = pytest.importorskip("pyarrow")
    from sk_widedeep.onnx import feeds as feeds_of

    X, y = multi_valued_frame()
    X = X.drop(columns=["tags"])
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(crosses=[("ids", "apps")]), **FAST
    ).fit(X, y)
    session = onnxruntime.InferenceSession(to_onnx(clf, X[:5]).SerializeToString())
    arrow = pd.ArrowDtype(pa.list_(pa.string()))
    as_arrow = X.assign(apps=pd.Series(X["apps"].tolist(), dtype=arrow, index=X.index))
    empty = X[:3].assign(apps=[[], [], []], ids=[[], [], []])  # no value at all
    blank = X[:3].assign(apps=[["app1", ""], [""], ["", "app2", ""]])  # "": none
    for rows in (as_arrow, empty, blank):
        _, proba = session.run(None, feeds_of(rows, clf))
        np.testing.assert_allclose(proba, clf.predict_proba(rows), atol=1e-5, rtol=0)


@pytest.mark.parametrize(
    "transformer",
    [
        CrossProductTransformer(crosses=[("ids", "apps")], separators={"tags": "|"}),
        EmbeddingEncoder(separators={"tags": "|"}),
    ],
    ids=["wide", "deep"],
)
def test_transformers_alone_with_multi_valued_columns(transformer):
    from sk_widedeep.onnx import feeds as feeds_of

    X, _ = multi_valued_frame()
    transformer.fit(X[:300])
    session = onnxruntime.InferenceSession(
        to_onnx(transformer, X[:5]).SerializeToString()
    )
    new = unseen_multi_values(X[300:])
    (got,) = session.run(None, feeds_of(new, transformer))
    expected = transformer.transform(new)
    expected = expected.toarray() if hasattr(expected, "toarray") else expected
    np.testing.assert_allclose(got, expected, atol=1e-6, rtol=0)


def test_a_column_multi_valued_in_one_part_only_scores_as_predict_proba():
    from sk_widedeep.onnx import feeds as feeds_of

    X, y = multi_valued_frame()
    X = X[["education", "age", "tags"]]
    clf = WideDeepClassifier(  # the deep part reads "x|y" as one value
        wide=CrossProductTransformer(separators={"tags": "|"}),
        deep=EmbeddingEncoder(categorical=["education", "tags"]),
        **FAST,
    ).fit(X, y)
    assert clf.deep_.multi_valued_columns_ == []
    session = onnxruntime.InferenceSession(to_onnx(clf, X[:5]).SerializeToString())
    _, proba = session.run(None, feeds_of(X, clf))  # missing cells included
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)


def test_multi_valued_export_names_what_it_needs():
    from sk_widedeep.onnx import LIST_SEPARATOR
    from sk_widedeep.onnx import feeds as feeds_of

    X, y = multi_valued_frame(200)
    clf = WideDeepClassifier(**FAST).fit(X.drop(columns="tags"), y)
    with pytest.raises(NotImplementedError, match="opset 20"):
        skl2onnx_to_onnx(clf, X.drop(columns="tags")[:1], target_opset=17)
    bad = X.drop(columns="tags")
    bad.iloc[0, bad.columns.get_loc("apps")] = [f"a{LIST_SEPARATOR}b"]
    with pytest.raises(ValueError, match="'apps'.*holds the character"):
        feeds_of(bad, clf)


def test_a_nullable_integer_column_with_missing_values_scores_as_predict_proba():
    from sk_widedeep.onnx import feeds as feeds_of

    assert np.isnan(feeds_of(pd.DataFrame({"i": pd.array([1, None], "Int64")}))["i"][1])
    X, y = text_frame(400)
    rng = np.random.default_rng(0)
    hours = rng.integers(20, 60, len(X))
    X["hours"] = pd.array(np.where(rng.random(len(X)) < 0.2, None, hours), "Int64")
    y = np.where(X["hours"].fillna(40).to_numpy() > 40, 1, y)
    clf = WideDeepClassifier(wide=CrossProductTransformer(columns="all"), **FAST).fit(
        X, y
    )
    session, feeds_of = session_and_feeds(clf, X[:5])
    _, proba = session.run(None, feeds_of(X))
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)


def test_sample_rows_with_the_columns_in_another_order_are_matched_by_name():
    X, y = text_frame(400)
    clf = WideDeepClassifier(**FAST).fit(X, y)
    shuffled = X[X.columns[::-1]]
    session, feeds_of = session_and_feeds(clf, shuffled[:5])
    assert [i.name for i in session.get_inputs()] == list(X.columns)
    for rows in (X, shuffled):  # the inputs are fed by name
        _, proba = session.run(None, feeds_of(rows))
        np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)


def test_sample_rows_with_a_column_more_or_less_are_refused_by_name():
    X, y = text_frame(200)
    clf = WideDeepClassifier(**FAST).fit(X, y)
    extra = X.assign(flag="?")[["flag", *X.columns]]
    with pytest.raises(ValueError, match=r"column\(s\) \['flag'\] that the fit"):
        to_onnx(clf, extra[:5])
    with pytest.raises(ValueError, match=r"lack the column\(s\) \['hours'\] that it"):
        to_onnx(clf, X.drop(columns="hours")[:5])
    with pytest.raises(ValueError, match="as a DataFrame"):
        to_onnx(clf, X.to_numpy()[:5])


def test_an_integer_column_scores_a_missing_value_as_predict_proba():
    X, y = text_frame(400)
    X["age"] = X["age"].fillna(40).astype(np.int64)  # integers in fit
    clf = WideDeepClassifier(**FAST).fit(X, y)
    session, feeds_of = session_and_feeds(clf, X[:5])
    assert {i.name: i.type for i in session.get_inputs()}["age"] == ("tensor(double)")
    requests = X.astype({"age": float})
    requests.loc[requests.index[:50], "age"] = np.nan  # missing at scoring
    _, proba = session.run(None, feeds_of(requests))
    np.testing.assert_allclose(proba, clf.predict_proba(requests), atol=1e-5, rtol=0)


def test_date_time_and_duration_columns_score_as_predict_proba():
    X, y = text_frame(400)
    rng = np.random.default_rng(0)
    days = pd.to_timedelta(rng.integers(0, 6, len(X)), unit="D")
    X["day"] = pd.Timestamp("2020-01-20") + days
    X["at"] = (pd.Timestamp("2020-01-20 13:45") + days).tz_localize("Europe/Paris")
    X["wait"] = days
    y = np.where(X["day"].dt.day_of_week.to_numpy() >= 5, 1, y)
    clf = WideDeepClassifier(**FAST).fit(X[:300], y[:300])
    assert {"day", "at", "wait"} <= set(clf.deep_.categorical_columns_)
    session, feeds_of = session_and_feeds(clf, X[:5])
    new = X[300:].copy()
    new.loc[new.index[:5], "day"] = pd.Timestamp("2021-06-01")  # never seen
    new.loc[new.index[5:8], "day"] = pd.NaT
    inputs = feeds_of(new)
    assert inputs["day"][8, 0] == str(new["day"].iloc[8].date())  # '2020-01-2x'
    _, proba = session.run(None, inputs)
    np.testing.assert_allclose(proba, clf.predict_proba(new), atol=1e-5, rtol=0)
    # the dates decide: scores move with them, as predict_proba's do
    assert np.abs(proba[:, 1] - clf.predict_proba(X[300:])[:, 1]).max() > 1e-3


@pytest.mark.parametrize("model", [WideDeepClassifier, WideDeepRegressor])
def test_numbers_past_the_training_range_score_as_predict(model):
    X, y = text_frame(400)
    fitted = model(**FAST).fit(X, y)
    session, feeds_of = session_and_feeds(fitted, X[:5])
    far = X[:8].copy()
    far["hours"] = [-1e6, -50.0, 0.0, 99.0, 500.0, 1e6, np.inf, -np.inf]
    far["age"] = far["age"].astype(float) * 40
    outputs = session.run(None, feeds_of(far))
    expected = (
        fitted.predict_proba(far)
        if hasattr(fitted, "predict_proba")
        else fitted.predict(far).reshape(-1, 1)
    )
    np.testing.assert_allclose(outputs[-1], expected, rtol=1e-5, atol=1e-5)


def test_an_empty_string_scores_as_a_missing_value_in_both():
    # a string input cannot hold None: the graph reads "" as missing, and so
    # does predict_proba when fit held no "" (before, Python read it as unseen)
    X, y = text_frame(400)
    assert "" not in set(X["education"].dropna())
    clf = WideDeepClassifier(**FAST).fit(X, y)
    session, feeds_of = session_and_feeds(clf, X[:5])
    new = X[:6].copy()
    new["education"] = ["", None, "never-seen", "", None, "never-seen"]
    _, proba = session.run(None, feeds_of(new))
    np.testing.assert_allclose(proba, clf.predict_proba(new), atol=1e-5, rtol=0)
    same_row = pd.concat([X[:1]] * 2).assign(education=["", None])
    empty, missing = clf.predict_proba(same_row)
    np.testing.assert_array_equal(empty, missing)


# Issue 23: the export as skl2onnx's users call it.


def zipmap_rows(output, classes):
    """skl2onnx's ZipMap output (a list of {class: probability}) as an array."""
    return np.array([[row[c] for c in classes] for row in output])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_skl2onnx_to_onnx_with_its_defaults_gives_a_zipmap(n_classes):
    import sk_widedeep.onnx  # noqa: F401  (importing it registers the converters)

    X, y = text_frame(300)
    labels = (
        y
        if n_classes == 2
        else np.array(["lo", "mid", "hi"], object)[np.arange(300) % 3]
    )
    clf = WideDeepClassifier(**FAST).fit(X, labels)
    graph = skl2onnx_to_onnx(clf, X[:1])  # skl2onnx's defaults, its opset included
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    outputs = [o.name for o in session.get_outputs()]
    assert outputs == ["output_label", "output_probability"]
    label, probabilities = session.run(None, feeds(session, X))
    keys = [c.item() if hasattr(c, "item") else c for c in clf.classes_]
    expected = clf.predict_proba(X)
    np.testing.assert_allclose(
        zipmap_rows(probabilities, keys), expected, atol=1e-5, rtol=0
    )
    assert label.tolist() == clf.predict(X).tolist()


@pytest.mark.parametrize(
    "options",
    [{"zipmap": "columns"}, {"nocl": True}, {"zipmap": False, "nocl": True}],
    ids=["columns", "nocl", "nocl without zipmap"],
)
def test_skl2onnx_classifier_options(options):
    X, _ = text_frame(300)
    labels = np.array(["lo", "mid", "hi"], object)[np.arange(300) % 3]
    clf = WideDeepClassifier(**FAST).fit(X, labels)
    graph = skl2onnx_to_onnx(
        clf, X[:1], target_opset=TARGET_OPSET, options={id(clf): options}
    )
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    label, *rest = session.run(None, feeds(session, X))
    expected = clf.predict_proba(X)
    if options.get("zipmap") == "columns":  # one output per class
        got = np.column_stack(rest)
    elif options.get("zipmap", True):
        got = zipmap_rows(rest[0], range(3))
    else:
        got = rest[0]
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0)
    if options.get("nocl"):  # labels are the classes' indices
        assert label.tolist() == expected.argmax(1).tolist()
    else:
        assert label.tolist() == clf.predict(X).tolist()


def test_a_request_with_only_the_used_columns_scores():
    from sk_widedeep.onnx import feeds as feeds_of
    from sk_widedeep.onnx import used_columns

    X, y = text_frame(400)
    X["note"] = "unused"
    X["score"] = np.arange(400.0)
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(columns=["education"]),
        deep=EmbeddingEncoder(categorical=["occupation"], continuous=["age"]),
        **FAST,
    ).fit(X, y)
    assert used_columns(clf) == ["education", "occupation", "age"]
    for sample in (X[:5], X[["age", "education", "occupation"]][:5]):
        graph = to_onnx(clf, sample)
        assert [i.name for i in graph.graph.input] == used_columns(clf)
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    request = X[["occupation", "age", "education"]]  # the used columns only
    _, proba = session.run(None, feeds_of(request))
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)
    _, proba = session.run(None, feeds_of(X, clf))  # all, narrowed
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match=r"lack the column\(s\) \['age'\]"):
        to_onnx(clf, X[["education", "occupation"]][:5])


@pytest.mark.parametrize("model", [WideDeepClassifier, WideDeepRegressor])
def test_skl2onnx_converts_a_pipeline_ending_in_ours(model):
    from sklearn.pipeline import make_pipeline

    X, y = text_frame(300)
    pipe = make_pipeline(model(**FAST, n_members=2)).fit(X, y)
    graph = skl2onnx_to_onnx(pipe, X[:1])
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    outputs = session.run(None, feeds(session, X))
    if model is WideDeepClassifier:
        got, expected = zipmap_rows(outputs[1], [0, 1]), pipe.predict_proba(X)
    else:
        got, expected = outputs[0][:, 0], pipe.predict(X)
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)


def node_environment():
    """The environment in which ``node`` finds onnxruntime-node, or a skip.

    CI installs it (``npm install --ignore-scripts onnxruntime-node``, CPU
    binaries included) into the folder ``$SK_WIDEDEEP_NODE_MODULES`` names.
    """
    import os
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node (Node.js) is not installed")
    env = dict(os.environ)
    modules = os.environ.get("SK_WIDEDEEP_NODE_MODULES")
    if modules:
        env["NODE_PATH"] = modules
    found = subprocess.run(
        [node, "-e", "require('onnxruntime-node')"], env=env, capture_output=True
    )
    if found.returncode != 0:
        pytest.skip(
            "onnxruntime-node is not installed: npm install --ignore-scripts "
            "onnxruntime-node, and set SK_WIDEDEEP_NODE_MODULES to its node_modules"
        )
    return node, env


def json_request(X, model):
    """The rows as a service receives them: numbers (null when missing), strings."""
    from sk_widedeep.onnx import feeds as feeds_of

    request = {}
    for name, values in feeds_of(X, model).items():
        values = values[:, 0]
        if values.dtype.kind == "f":
            request[name] = [None if np.isnan(v) else float(v) for v in values]
        else:
            request[name] = values.tolist()
    return request


def score_with_node(model, X_train, X_score, folder):
    """Export ``model``, score ``X_score`` with examples/serving/score.js."""
    import json
    import subprocess
    from pathlib import Path

    node, env = node_environment()
    (folder / "model.onnx").write_bytes(to_onnx(model, X_train[:5]).SerializeToString())
    (folder / "request.json").write_text(json.dumps(json_request(X_score, model)))
    script = Path(__file__).parents[1] / "examples" / "serving" / "score.js"
    done = subprocess.run(
        [node, str(script), str(folder / "model.onnx"), str(folder / "request.json")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_node_js_scores_the_adult_test_rows_as_predict_proba(adult, tmp_path):
    X_train, X_test, y_train, _ = adult
    clf = WideDeepClassifier(random_state=0, max_epochs=2, early_stopping=False)
    clf.fit(X_train, y_train)
    scored = score_with_node(clf, X_train, X_test, tmp_path)
    np.testing.assert_allclose(
        np.array(scored["probabilities"]), clf.predict_proba(X_test), atol=1e-5, rtol=0
    )
    assert np.array(scored["label"]).tolist() == clf.predict(X_test).tolist()


def test_node_js_scores_a_multi_valued_model_as_predict_proba(tmp_path):
    X, y = multi_valued_frame()
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(
            crosses=[("apps", "education")], separators={"tags": "|"}
        ),
        deep=EmbeddingEncoder(separators={"tags": "|"}),
        **FAST,
    ).fit(X[:300], y[:300])
    new = unseen_multi_values(X[300:])
    scored = score_with_node(clf, X, new, tmp_path)
    np.testing.assert_allclose(
        np.array(scored["probabilities"]), clf.predict_proba(new), atol=1e-5, rtol=0
    )
