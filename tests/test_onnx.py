"""ONNX export (work in progress): the wide transformer's graph equals transform."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

import onnxruntime  # noqa: E402
from skl2onnx import to_onnx  # noqa: E402

from sk_widedeep import CrossProductTransformer  # noqa: E402
from sk_widedeep.onnx import register_converters  # noqa: E402

from .conftest import make_frame  # noqa: E402


def feeds(session, X):
    """One input per column: strings as str, numbers as their ONNX type."""
    out = {}
    for spec, column in zip(session.get_inputs(), X.columns, strict=True):
        values = X[column].to_numpy()
        if spec.type == "tensor(string)":
            values = np.where(pd.isna(values), "", values.astype(object)).astype(str)
        elif spec.type == "tensor(int64)":
            values = values.astype(np.int64)
        elif spec.type == "tensor(double)":
            values = values.astype(np.float64)
        else:
            values = values.astype(np.float32)
        out[spec.name] = values.reshape(-1, 1)
    return out


def test_wide_graph_equals_transform_with_unknown_and_missing_values():
    register_converters()
    X, _ = make_frame(400)
    X = X.astype(dict.fromkeys(["education", "occupation", "gender"], object))
    X = X.drop(columns=["married"])
    wide = CrossProductTransformer(
        columns="all", crosses=[("education", "occupation"), ("gender", "age")]
    ).fit(X[:300])
    model = to_onnx(wide, X[:5], target_opset={"": 17, "ai.onnx.ml": 3})
    session = onnxruntime.InferenceSession(model.SerializeToString())
    new = X[300:].copy()
    new.loc[new.index[:5], "education"] = "Unseen"
    expected = wide.transform(new.fillna({"occupation": ""})).toarray()
    np.testing.assert_array_equal(session.run(None, feeds(session, new))[0], expected)


def test_hashing_is_refused_by_name():
    register_converters()
    X, _ = make_frame(100)
    X = X.astype(dict.fromkeys(["education", "occupation", "gender"], object))
    wide = CrossProductTransformer(columns=["education"], hash_buckets=8).fit(X)
    with pytest.raises(NotImplementedError, match="hash_buckets"):
        to_onnx(wide, X[:5], target_opset={"": 17, "ai.onnx.ml": 3})
