"""ONNX export: onnxruntime's outputs equal the Python path's."""

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
from sk_widedeep.onnx import TARGET_OPSET, register_converters, to_onnx  # noqa: E402

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
        else:
            values = values.astype(np.float64 if "double" in spec.type else np.float32)
        out[spec.name] = values.reshape(-1, 1)
    return out


def session_of(model, X):
    return onnxruntime.InferenceSession(to_onnx(model, X[:5]).SerializeToString())


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


def test_app_store_joint_model_on_every_test_row():
    X, y = make_app_installs(6000, random_state=0)
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(crosses=[("country", "app_id")]),
        random_state=0,
    ).fit(X[:5000], y[:5000])
    session = session_of(clf, X)
    _, proba = session.run(None, feeds(session, X[5000:]))
    np.testing.assert_allclose(proba, clf.predict_proba(X[5000:]), atol=1e-5, rtol=0)


def test_what_is_not_converted_is_refused_by_name():
    X, y = text_frame(200)
    hashed = WideDeepClassifier(
        wide=CrossProductTransformer(hash_buckets=16, n_bins=None), deep=None, **FAST
    ).fit(X, y)
    with pytest.raises(NotImplementedError, match="hash_buckets"):
        to_onnx(hashed, X)
    from sklearn.preprocessing import OneHotEncoder

    other = WideDeepClassifier(
        wide=OneHotEncoder(handle_unknown="ignore"), deep=None, **FAST
    ).fit(X[["education"]], y)
    with pytest.raises(NotImplementedError, match="OneHotEncoder"):
        to_onnx(other, X[["education"]])


@pytest.mark.slow
def test_adult_and_movielens_whole_test_sets(adult, movielens):
    for X_train, X_test, y_train, _ in (adult, movielens):
        clf = WideDeepClassifier(
            random_state=0, max_epochs=2, early_stopping=False
        ).fit(X_train, y_train)
        session = session_of(clf, X_train)
        X = X_test.copy()
        text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        X.loc[X.index[:10], text[0]] = "never seen"  # unseen categories
        _, proba = session.run(None, feeds(session, X))
        np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5, rtol=0)


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
