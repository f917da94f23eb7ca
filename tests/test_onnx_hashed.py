"""ONNX export of hashed models (hash_buckets): the graph hashes as Python does.

Strings are hashed in the graph by onnxruntime-extensions' StringToHashBucket
(TensorFlow's Hash64), numbers and crosses with ONNX's integer operators.
"""

import json
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")
pytest.importorskip("onnxruntime_extensions")

from skl2onnx import to_onnx as skl2onnx_to_onnx  # noqa: E402

from sk_widedeep import (  # noqa: E402
    CrossProductTransformer,
    EmbeddingEncoder,
    WideDeepClassifier,
    WideDeepRegressor,
    load,
)
from sk_widedeep._coding._hashing import hash_canary  # noqa: E402
from sk_widedeep.onnx import feeds, inference_session, to_onnx  # noqa: E402

from .conftest import FAST  # noqa: E402
from .test_onnx import feeds as typed_feeds  # noqa: E402
from .test_onnx import multi_valued_frame, text_frame, unseen_multi_values  # noqa: E402


def dense(values):
    return values.toarray() if hasattr(values, "toarray") else values


def scores(model, X, rows):
    """The graph's output for ``rows`` (probabilities for a classifier)."""
    outputs = inference_session(to_onnx(model, X[:5])).run(None, feeds(rows, model))
    return outputs[1] if hasattr(model, "classes_") else outputs[0]


def mixed_frame(n=400, seed=0):
    """Strings, a category, booleans, integers and floats, with missing values."""
    X, y = text_frame(n, seed)
    rng = np.random.default_rng(seed)
    X["married"] = rng.random(n) < 0.4
    X["store"] = rng.integers(0, 50, n)
    X["city"] = pd.Categorical(rng.choice(["Oslo", "Lima", "Pune", "Zürich"], n))
    X.loc[X.index[::7], "education"] = None
    return X, y


def test_classifier_with_every_column_hashed_scores_as_predict_proba():
    X, y = mixed_frame()
    crosses = [("education", "occupation"), ("city", "age"), ("married", "store")]
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(hash_buckets=64, crosses=crosses),
        deep=EmbeddingEncoder(
            hash_buckets=32, categorical=["education", "city", "married", "store"]
        ),
        **FAST,
    ).fit(X[:300], y[:300])
    graph = to_onnx(clf, X[:5])
    opsets = {opset.domain: opset.version for opset in graph.opset_import}
    assert opsets[""] >= 19  # the uint64 operators, in the default domain
    assert "ai.onnx.contrib" in opsets
    new = X[300:].copy()
    new.loc[new.index[:5], "education"] = "never seen"
    new.loc[new.index[5:8], "store"] = [999, -3, 10**12]
    np.testing.assert_allclose(
        scores(clf, X, new), clf.predict_proba(new), atol=1e-5, rtol=0
    )


@pytest.mark.parametrize("kind", ["float64", "object"], ids=["doubles", "strings"])
def test_hashed_numbers_equal_python_for_every_kind_of_double(kind):
    # integral numbers hash as integers, the others by their float64 bits,
    # which the graph computes without a bit cast: every branch of it
    special = [
        0.0,
        -0.0,
        7.0,
        -1.0,
        2.5,
        -0.125,
        0.1,
        1e300,
        -1e300,
        np.inf,
        -np.inf,
        5e-324,
        -2.2250738585072014e-308,
        1e-310,
        2.0**62,
        2.0**63,
        -(2.0**63),
        2.0**-1022,
        2.0**1023,
        3 * 2.0**-1074,
        np.nan,
    ]
    rng = np.random.default_rng(0)
    values = np.concatenate([special, rng.normal(0, 1e3, 200), rng.integers(-9, 9, 50)])
    column = pd.Series(values, dtype=kind).rename("x")
    if kind == "object":  # numbers as objects: a string input, parsed
        column = column.map(lambda v: None if np.isnan(v) else v).astype(object)
        subnormal = column.map(lambda v: v is not None and 0 < abs(v) < 2.0**-1022)
        column = column[~subnormal]  # onnxruntime cannot parse them: see below
    X = column.to_frame()
    wide = CrossProductTransformer(columns="all", hash_buckets=2**20, n_bins=None)
    wide.fit(X)
    np.testing.assert_array_equal(scores(wide, X, X), dense(wide.transform(X)))
    if kind == "object":  # a subnormal number written as a string: an error
        tiny = pd.DataFrame({"x": np.array([5e-324], dtype=object)})
        with pytest.raises(Exception, match="stod"):
            scores(wide, X, tiny)


@pytest.mark.parametrize("hashed_deep", [False, True], ids=["wide", "wide and deep"])
def test_hashed_multi_valued_columns_and_their_crosses(hashed_deep):
    X, y = multi_valued_frame()
    separators = {"tags": "|"}
    crosses = [("apps", "education"), ("tags", "apps"), ("ids", "apps", "age")]
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(
            crosses=crosses, separators=separators, hash_buckets=32
        ),
        deep=EmbeddingEncoder(
            separators=separators, hash_buckets=16 if hashed_deep else None
        ),
        **FAST,
    ).fit(X[:300], y[:300])
    new = unseen_multi_values(X[300:])
    np.testing.assert_allclose(
        scores(clf, X, new), clf.predict_proba(new), atol=1e-5, rtol=0
    )
    # 32 codes for hundreds of combinations: crosses collide, each slot once
    wide = clf.wide_
    np.testing.assert_array_equal(scores(wide, X, new), dense(wide.transform(new)))


def test_hashed_regressor_and_skl2onnx_defaults():
    X, y = mixed_frame()
    reg = WideDeepRegressor(
        wide=CrossProductTransformer(hash_buckets=64), deep=None, **FAST
    ).fit(X, y + np.asarray(X["age"].fillna(0)))
    np.testing.assert_allclose(
        scores(reg, X, X).ravel(), reg.predict(X), atol=1e-4, rtol=1e-5
    )
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(hash_buckets=64), deep=None, **FAST
    ).fit(X, y)
    graph = skl2onnx_to_onnx(clf, X[:1])  # skl2onnx's default opset and ZipMap
    session = inference_session(graph)  # skl2onnx types X's integers as int64
    label, probabilities = session.run(None, typed_feeds(session, X))
    got = np.array([[p[c] for c in clf.classes_] for p in probabilities])
    np.testing.assert_allclose(got, clf.predict_proba(X), atol=1e-5, rtol=0)


def test_what_a_hashed_graph_cannot_do_is_refused_by_name():
    X, y = mixed_frame(200)
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(hash_buckets=16), deep=None, **FAST
    ).fit(X, y)
    with pytest.raises(NotImplementedError, match="opset 19"):
        skl2onnx_to_onnx(clf, X[:1], target_opset=17)
    mixed = pd.DataFrame({"code": np.array(["a", 7, "b", 8] * 5, dtype=object)})
    wide = CrossProductTransformer(columns="all", hash_buckets=16).fit(mixed)
    with pytest.raises(NotImplementedError, match="Column 'code' held values of"):
        to_onnx(wide, mixed)


def test_a_hashed_graph_without_onnxruntime_extensions_says_how(monkeypatch):
    X, y = text_frame(200)
    wide = CrossProductTransformer(hash_buckets=16).fit(X)
    graph = to_onnx(wide, X[:5])
    monkeypatch.setitem(sys.modules, "onnxruntime_extensions", None)
    with pytest.raises(ImportError, match="pip install onnxruntime-extensions"):
        inference_session(graph)


def as_older_model_file(path):
    """Rewrite a saved model as a release before the Hash64 wrote it: no
    string_hash (its coders read SipHash), and SipHash's canary."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    text = members["model.json"].decode()
    text = text.replace('["string_hash", "hash64"], ', "")
    text = text.replace(str(hash_canary("hash64")), str(hash_canary("siphash")))
    members["model.json"] = text.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return json.loads(text)


def test_an_older_hashed_model_still_loads_and_hashes_as_it_did(tmp_path):
    X, y = text_frame(300)
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(hash_buckets=16), deep=None, **FAST
    ).fit(X, y)
    path = tmp_path / "model.skwd"
    clf.save(path)
    assert "string_hash" not in json.dumps(as_older_model_file(path))
    old = load(path)
    coder = old.wide_.__widedeep_coders__().coders[0]
    assert coder.string_hash == "siphash"
    # its columns are hashed by SipHash, as when it was fitted
    codes = old.wide_.transform(X)
    assert not np.array_equal(dense(codes), dense(clf.wide_.transform(X)))
    with pytest.raises(NotImplementedError, match="Column 'education': .*SipHash"):
        to_onnx(old, X[:5])
