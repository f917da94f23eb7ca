"""Export a fitted model, vocabularies included, as one ONNX graph.

Needs the ``onnx`` extra (``pip install ".[onnx]"`` from a checkout: onnx,
onnxruntime, skl2onnx). :func:`to_onnx` writes a
:class:`~sk_widedeep.WideDeepClassifier`, a
:class:`~sk_widedeep.WideDeepRegressor`, a
:class:`~sk_widedeep.CrossProductTransformer` or an
:class:`~sk_widedeep.EmbeddingEncoder` as one graph that takes one
input per raw column that the model uses (:func:`used_columns`; strings as
string tensors, numbers as doubles, :func:`initial_types`) and that
onnxruntime scores without Python's libraries; :func:`feeds` builds those
inputs from a DataFrame. Importing this module registers the converters
with skl2onnx (:func:`register_converters`), so ``skl2onnx.to_onnx``
converts the estimators too, with skl2onnx's classifier options
(``zipmap``, ``nocl``, ``output_class_labels``) and their defaults.

Inside the graph, a vocabulary of strings is an ``ai.onnx.ml``
``LabelEncoder`` (unknown values to code 0, the other slot; ``""``, a
missing value, to the vocabulary's missing slot), a vocabulary of
numbers, a number code and a bucket are exact comparisons in double
precision, a cross is the mixed-radix key of its columns' codes (integer
arithmetic, as in :class:`._vocabulary.Cross`) looked up in the cross's own
``LabelEncoder``; the scalings (piecewise linear, standard, quantile by
linear interpolation), the missing indicators and the network (embedding
lookups, the ReLU layers, periodic embeddings) are written with the
standard operators from the fitted weights. Each column coder writes its
own encoding (``write_codes`` of the vocabularies, buckets, number codes
and crosses; ``write_values`` of the scalers) through the writer this
module hands it (nodes, constants, the string forms of the inputs), so
the export does not decide again what kind of coder a column has; the
transformers pick their categorical coders in one place
(:func:`._coders.fit_categorical_coder`) and declare what their outputs
are made of (``__widedeep_coders__``: :class:`._coders.WideCoders`,
:class:`._coders.DeepCoders`), which is all the export reads of them.

From :func:`to_onnx`, the classifier's outputs are ``label`` and
``probabilities`` (skl2onnx's ``zipmap=False``: a tensor, which every
runtime reads); from ``skl2onnx.to_onnx`` with its defaults,
``output_label`` and ``output_probability``, a ZipMap of class to
probability. The regressor's output is ``variable``, in the target's
units. An ensemble's members (``n_members``) are averaged in the graph as
in Python.

A multi-valued column is one string input per row (:func:`feeds`): the
graph splits it (``StringSplit``, opset 20, so such a graph is written in
opset 20), codes the pieces, keeps each row's distinct codes, and pools
them (``mean``, ``sum``, ``sqrtn``), sets their wide slots (multi-hot)
and crosses their combinations (at most 64 per row) as the transformers
do.

A hashed column (``hash_buckets``) hashes its strings with the
``StringToHashBucket`` operator of onnxruntime-extensions (TensorFlow's
Hash64, as :mod:`._hashing` does in Python), and its numbers, crosses and
buckets with ONNX's unsigned 64-bit integer operators (opset 19): the
runtime must load that library's operators (:func:`inference_session`).

Not converted, with an error that names what: a hashed model fitted before
the Hash64 (SipHash, which no runtime computes: fit it again), and wide or
deep transformers other than sk_widedeep's own.

Missing values: every number, integers included, is a double input, and a
missing number is NaN, as in pandas; a string input cannot hold None, so a
missing string is passed as the empty string, which goes to the missing
slot unless ``""`` was a value in fit (then it is that value). Dates and
durations are strings too, in one fixed form (:func:`feeds`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._coding._bags import MAX_CROSS_COMBINATIONS, is_multi_valued, read_bags
from ._coding._coders import WideCoders, column_coders, used_positions
from ._coding._hashing import CONTRIB_DOMAIN, HASHED_OPSET, write_where
from ._transformers._cross_product import CrossProductTransformer
from ._transformers._embedding import EmbeddingEncoder
from ._transformers._features import speaks_protocol

ALIAS = "SkWideDeepCrossProductTransformer"

LIST_SEPARATOR = "\x1f"
"""Joins the values of a list cell in a multi-valued column's graph input.

A multi-valued column is one string per row: a column of strings with a
separator (``separators``) as it is, with that separator; a column of
list cells (lists, arrays, Arrow lists) as its values written as strings
(:func:`feeds`) joined by this one, the ASCII unit separator, which no
value may hold.
"""

MISSING_CELL = "\x1e"
"""A missing multi-valued cell (None) in the graph input: the ASCII record
separator (numpy's strings would drop a NUL).

``""`` is an empty cell (no value), as it is in Python with a separator;
a missing cell has one missing value, the vocabulary's missing slot.
"""

MULTI_VALUED_OPSET = 20
"""The opset a graph with multi-valued columns needs (``StringSplit``)."""

DOMAIN_VERSIONS = {"ai.onnx.ml": 2, CONTRIB_DOMAIN: 1}
"""The version of each operator domain other than ONNX's own that the graphs
use: ``ai.onnx.ml`` (``LabelEncoder``) and onnxruntime-extensions'
(``StringToHashBucket``, in graphs that hash strings)."""
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
"""The opsets the graphs are written in (onnxruntime 1.16 and later)."""


def register_converters() -> None:
    """Register the converters with skl2onnx (idempotent).

    Importing :mod:`sk_widedeep.onnx` calls it, so that
    ``skl2onnx.to_onnx(model, X)`` converts our estimators and transformers
    (alone or at the end of a pipeline) after ``import sk_widedeep.onnx``.
    The classifiers take skl2onnx's classifier options, with its defaults:
    ``zipmap`` (True: a ZipMap of class to probability; False: the
    ``probabilities`` tensor; ``"columns"``: one output per class),
    ``nocl`` (class indices as labels) and ``output_class_labels``.
    """
    from skl2onnx import update_registered_converter

    from ._estimator._classifier import WideDeepClassifier
    from ._estimator._regressor import WideDeepRegressor

    update_registered_converter(
        CrossProductTransformer, ALIAS, _wide_shape, _convert_wide
    )
    update_registered_converter(
        EmbeddingEncoder, "SkWideDeepEmbeddingEncoder", _deep_shape, _convert_deep
    )
    update_registered_converter(
        WideDeepClassifier,
        "SkWideDeepClassifier",
        _classifier_shape,
        _convert_estimator,
        # skl2onnx's classifier options, which its parser then applies
        options={
            "zipmap": [True, False, "columns"],
            "nocl": [False, True],
            "output_class_labels": [False, True],
        },
    )
    update_registered_converter(
        WideDeepRegressor, "SkWideDeepRegressor", _regressor_shape, _convert_estimator
    )


def to_onnx(model, X):
    """Convert a fitted model (or a pipeline ending in one) to an ONNX graph.

    Parameters
    ----------
    model : estimator
        A fitted :class:`~sk_widedeep.WideDeepClassifier`,
        :class:`~sk_widedeep.WideDeepRegressor` or
        :class:`~sk_widedeep.CrossProductTransformer`.
    X : DataFrame
        A few rows of the training data: their dtypes give the graph's
        inputs, one per column that the model uses (:func:`used_columns`),
        named as the column, in the order of the fit. It may hold every
        fitted column (``feature_names_in_``) or only the used ones, in any
        order; the others are no inputs, so a request need not carry them.

    Returns
    -------
    onnx.ModelProto

    Raises
    ------
    sklearn.exceptions.NotFittedError
        When the model is not fitted.
    ValueError
        When X is not a DataFrame, or lacks a column the model uses, or has
        one the fit did not see; the message names them.
    NotImplementedError
        When the model holds what is not converted (a hashed model fitted
        before the Hash64, other transformers); the message names it.
    """
    check_is_fitted(model)
    X = _sample_columns(model, X)
    import skl2onnx

    register_converters()
    options = None
    if hasattr(model, "classes_"):
        options = {id(model): {"zipmap": False}}
    opset = TARGET_OPSET
    if _hashes(model):  # hashed in the graph: BitwiseXor
        opset = {**TARGET_OPSET, "": HASHED_OPSET}
    if _multi_valued_inputs(model):  # split in the graph: StringSplit
        opset = {**TARGET_OPSET, "": MULTI_VALUED_OPSET}
    graph = skl2onnx.to_onnx(
        model,
        initial_types=initial_types(X),
        target_opset=opset,
        options=options,
    )
    _name_inputs_as_columns(graph, [str(c) for c in X.columns])
    return graph


def inference_session(graph, **kwargs):
    """Open an onnxruntime session on an exported graph, with its operators.

    A graph that hashes strings (a model fitted with ``hash_buckets``) uses
    the ``StringToHashBucket`` operator of onnxruntime-extensions (``pip
    install onnxruntime-extensions``, in the onnx extra): this registers
    that library's operators with the session. Any other graph needs only
    onnxruntime, and opens as ``onnxruntime.InferenceSession`` opens it.

    Parameters
    ----------
    graph : onnx.ModelProto, bytes, str or path-like
        The graph (:func:`to_onnx`), serialized, or the path of its file.
    **kwargs
        Passed to :class:`onnxruntime.InferenceSession` (e.g. ``providers``).

    Returns
    -------
    onnxruntime.InferenceSession
    """
    import onnx
    import onnxruntime

    if isinstance(graph, bytes):
        graph = onnx.load_from_string(graph)
    elif not isinstance(graph, onnx.ModelProto):
        graph = onnx.load(graph)
    options = kwargs.pop("sess_options", None) or onnxruntime.SessionOptions()
    if any(opset.domain == CONTRIB_DOMAIN for opset in graph.opset_import):
        try:
            from onnxruntime_extensions import get_library_path
        except ImportError as error:
            raise ImportError(
                "This graph hashes strings (hash_buckets) with the StringToHashBucket "
                "operator of onnxruntime-extensions, which is not installed: pip "
                "install onnxruntime-extensions (or sk_widedeep's onnx extra)."
            ) from error
        options.register_custom_ops_library(get_library_path())
    return onnxruntime.InferenceSession(
        graph.SerializeToString(), sess_options=options, **kwargs
    )


def _sample_columns(model, X):
    """Return the sample rows with the columns the model uses, in fit order.

    The graph has an input per column that the model uses
    (:func:`used_columns`), named as the column: the sample's columns are
    matched to the fit's by name, so it may hold every fitted column or
    only the used ones, in any order; a used column missing, or a column
    the fit did not see, is refused by name.
    """
    if not hasattr(X, "columns"):
        raise ValueError(
            f"to_onnx takes a few rows of the training data as a DataFrame (their "
            f"columns name the graph's inputs); got {type(X).__name__}. Pass e.g. "
            "X_train.head()."
        )
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is None:
        expected = getattr(model, "n_features_in_", X.shape[1])
        if X.shape[1] != expected:
            raise ValueError(
                f"The model was fitted on {expected} columns, but the sample rows "
                f"have {X.shape[1]}: pass rows of the training data."
            )
        return X.iloc[:, sorted(_used_positions(model))]
    fitted = [str(c) for c in fitted]
    columns = [str(c) for c in X.columns]
    used = used_columns(model)
    missing = [c for c in used if c not in columns]
    extra = [c for c in columns if c not in fitted]
    if missing or extra:
        told = [f"lack the column(s) {missing} that it uses"] if missing else []
        told += [f"have column(s) {extra} that the fit did not see"] if extra else []
        raise ValueError(
            f"The sample rows give the graph one input per column the model uses, "
            f"so they must have those columns; they {' and '.join(told)}. Pass "
            "X[model.feature_names_in_] (rows of the training data)."
        )
    return X.iloc[:, [columns.index(c) for c in used]]


def used_columns(model) -> list[str]:
    """Return the columns an exported graph of ``model`` takes, in fit order.

    Those that its wide and deep transformers read (an estimator's, or the
    transformer's own): a column that no part uses is no input of the
    graph, so a request need not carry it.

    Parameters
    ----------
    model : estimator
        A fitted :class:`~sk_widedeep.WideDeepClassifier`,
        :class:`~sk_widedeep.WideDeepRegressor`,
        :class:`~sk_widedeep.CrossProductTransformer` or
        :class:`~sk_widedeep.EmbeddingEncoder`.

    Returns
    -------
    columns : list of str
    """
    names = [str(c) for c in _fitted_names(model)]
    return [names[p] for p in sorted(_used_positions(model))]


def _fitted_names(model):
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        names = [f"x{j}" for j in range(model.n_features_in_)]
    return list(names)


def _raw_step(model):
    """Return the estimator that reads the raw columns: a pipeline's first step."""
    steps = getattr(model, "steps", None)
    return model if steps is None else _raw_step(steps[0][1])


def _parts(model) -> list:
    """Return the transformers that read the raw columns (an estimator's parts)."""
    model = _raw_step(model)
    if not hasattr(model, "net_"):  # a transformer alone
        return [model]
    return [p for p in (model.wide_, model.deep_) if p is not None]


def _coders_of(part):
    """Return a part's ``__widedeep_coders__()``; None for another transformer."""
    method = getattr(part, "__widedeep_coders__", None)
    return None if method is None else method()


def _used_positions(model) -> set:
    """Positions, among the fitted columns, of those the model's parts read."""
    used = set()
    for part in _parts(model):
        coders = _coders_of(part)
        if coders is None:  # another transformer: every column
            return set(range(len(_fitted_names(_raw_step(model)))))
        used |= used_positions(coders)
    return used


def _hashes(model) -> bool:
    """Whether a part of the model hashes a column (``hash_buckets``)."""
    layouts = [_coders_of(part) for part in _parts(model)]
    return any(
        coder.hashed
        for layout in layouts
        if layout is not None
        for coder in column_coders(layout)
    )


def _multi_valued_inputs(model) -> dict:
    """Return the multi-valued columns of the model's parts: name to separator.

    None for a column of list cells (its graph input joins them with
    :data:`LIST_SEPARATOR`).
    """
    names = [str(c) for c in _fitted_names(_raw_step(model))]
    found = {}
    for part in _parts(model):
        coders = _coders_of(part)
        if isinstance(coders, WideCoders):
            separators = coders.separators.items()
        else:
            separators = [(p, sep) for p, _, sep in getattr(coders, "bags", [])]
        for p, separator in separators:
            found.setdefault(names[p], separator)
    return found


def _by_position(model, inputs) -> dict:
    """Map each fitted column's position to the graph input that holds it.

    The graph has an input per fitted column (skl2onnx's ``to_onnx`` with
    the whole frame), matched by position, or one per used column, matched
    by name.
    """
    names = [str(c) for c in _fitted_names(model)]
    if len(inputs) == len(names):
        return dict(enumerate(inputs))
    given = {variable.raw_name: variable for variable in inputs}
    unknown = sorted(set(given) - set(names))
    missing = [
        names[p] for p in sorted(_used_positions(model)) if names[p] not in given
    ]
    if unknown or missing:
        raise ValueError(
            f"The graph's inputs are matched to the fitted columns by name: the "
            f"column(s) {missing} that the model uses have no input, and the "
            f"input(s) {unknown} name no fitted column. Declare one input per "
            "column of X[model.feature_names_in_], or per column of "
            "sk_widedeep.onnx.used_columns(model)."
        )
    return {names.index(name): variable for name, variable in given.items()}


def _name_inputs_as_columns(graph, columns):
    """Rename the graph's inputs back to the column names skl2onnx sanitized.

    skl2onnx turns ``educational-num`` into ``educational_num``; the inputs
    keep the columns' own names, so that :func:`feeds` and a service need no
    table of renamings.
    """
    renamed = {}
    for spec, column in zip(graph.graph.input, columns, strict=True):
        if spec.name != column:
            renamed[spec.name] = column
            spec.name = column
    if renamed:
        for node in graph.graph.node:
            node.input[:] = [renamed.get(name, name) for name in node.input]


def feeds(X, model=None) -> dict:
    """Build the inputs of an exported graph from the rows of a DataFrame.

    One (n_rows, 1) array per column, typed as :func:`initial_types` types
    it: doubles for numbers (integers and nullable integers included, NaN
    for a missing value), strings for the rest (``""`` for a missing
    value). A date or time is written in ISO 8601 as
    :func:`numpy.datetime_as_string` writes it with ``unit="auto"``
    (``"2020-01-25"``, ``"2020-01-25T13:45"``; a time-zone-aware one in UTC,
    ``"2020-01-25T12:45Z"``), a duration as its number of nanoseconds
    (``"86400000000000"`` for a day), anything else as ``str(value)``: a
    service feeding the graph itself writes them so.

    A multi-valued column is one string per row: strings with a separator
    as they are, list cells as their values (written as above) joined by
    :data:`LIST_SEPARATOR`; ``""`` is an empty cell, and a missing cell
    (None) is :data:`MISSING_CELL`.

    Parameters
    ----------
    X : DataFrame
        The rows to score, with (at least) the columns the graph takes.
    model : estimator or None, default=None
        The fitted model the graph was exported from: only the columns it
        uses (:func:`used_columns`) are taken from X (onnxruntime refuses
        an input the graph does not have), and its multi-valued columns of
        strings with a separator are written as the graph reads them
        (a missing cell as :data:`MISSING_CELL`). None: every column of X,
        list cells detected, strings written as single values.

    Returns
    -------
    inputs : dict of str to ndarray
        The graph's inputs, by column name.
    """
    names = {str(name): name for name in X.columns}
    columns, multi = list(names), {}
    if model is not None:
        columns, multi = used_columns(model), _multi_valued_inputs(model)
    out = {}
    for label in columns:
        column = X[names[label]]
        if label in multi or is_multi_valued(column):
            values = _cells(column, multi.get(label), label)
        elif _is_number(column.dtype):
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            values = _strings(column.array)
        out[label] = values.reshape(-1, 1)
    return out


def _cells(column, separator, label) -> np.ndarray:
    """Write a multi-valued column as its graph input: one string per row."""
    missing = np.asarray(pd.isna(column), dtype=bool).reshape(-1)
    if separator is not None:  # strings with a separator: as they are
        return np.where(missing, MISSING_CELL, _strings(column.array))
    bags = read_bags(column, label)
    text = _strings(bags.values)
    if np.char.find(text.astype(str), LIST_SEPARATOR).max(initial=-1) >= 0:
        raise ValueError(
            f"A value of the multi-valued column {label!r} holds the character "
            f"{LIST_SEPARATOR!r}, which joins a list cell's values in the graph's "
            "input: remove it from the values, in training and in requests."
        )
    joined = pd.Series(text, dtype=object).groupby(bags.rows).agg(LIST_SEPARATOR.join)
    cells = np.full(len(bags), "", dtype=object)
    cells[joined.index.to_numpy()] = joined.to_numpy()
    return np.where(missing, MISSING_CELL, cells).astype(str)


def _is_number(dtype) -> bool:
    """Whether a column is a double input (numbers, not booleans)."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(
        dtype
    )


def _strings(values) -> np.ndarray:
    """Write values as a graph's string input holds them (``""`` when missing).

    The one form of :func:`feeds` and of the vocabularies inside the graph,
    so that a value written by one is found by the other.

    Parameters
    ----------
    values : array-like of shape (n_values,)
        Values of one column (or a vocabulary's categories).

    Returns
    -------
    text : ndarray of str
    """
    series = pd.Series(values, copy=False)
    if series.dtype == object:
        series = series.infer_objects()  # Timestamps to datetimes
    if isinstance(series.dtype, pd.CategoricalDtype):
        text = np.append(_strings(series.cat.categories), "")
        return text[series.cat.codes.to_numpy()]
    missing = series.isna().to_numpy()
    kind = getattr(series.dtype, "kind", None)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        utc = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
        text = np.datetime_as_string(utc, unit="auto", timezone="UTC")
    elif kind == "M":
        text = np.datetime_as_string(series.to_numpy(), unit="auto")
    elif kind == "m":
        nanoseconds = series.to_numpy().astype("timedelta64[ns]").astype(np.int64)
        text = nanoseconds.astype(str)
    else:
        text = series.to_numpy(dtype=object).astype(str)
    return np.where(missing, "", text).astype(str)


def initial_types(X):
    """One graph input per column of X, typed from its dtype.

    Numbers (integers included) are doubles, with NaN for a missing value;
    everything else (text, booleans, categoricals, dates) strings, written
    as :func:`feeds` writes them, with ``""`` for a missing value.

    Parameters
    ----------
    X : DataFrame
        Rows with the model's columns.

    Returns
    -------
    types : list of (str, skl2onnx type)
        The name and type of each input.
    """
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

    types = []
    for name in X.columns:
        kind = DoubleTensorType if _is_number(X[name].dtype) else StringTensorType
        types.append((str(name), kind([None, 1])))
    return types


def _classifier_shape(operator):
    from skl2onnx.common.data_types import (
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )
    from skl2onnx.common.utils_classifier import get_label_classes

    model = operator.raw_operator
    n_rows = operator.inputs[0].get_first_dimension()
    label = get_label_classes(operator.scope_inst, model)  # indices with nocl
    kind = StringTensorType if label.dtype.kind in "OUS" else Int64TensorType
    operator.outputs[0].type = kind([n_rows])
    operator.outputs[1].type = FloatTensorType([n_rows, len(label)])


def _deep_shape(operator):
    from skl2onnx.common.data_types import DoubleTensorType

    n_rows = operator.inputs[0].get_first_dimension()
    width = len(operator.raw_operator.get_feature_names_out())
    operator.outputs[0].type = DoubleTensorType([n_rows, width])


def _convert_deep(scope, operator, container):
    """EmbeddingEncoder's public output: codes as doubles, then the numbers."""
    graph = _Graph(scope, container)
    deep = operator.raw_operator
    codes, numbers, bags = deep_arrays(graph, deep, _by_position(deep, operator.inputs))
    parts = [graph.node("Cast", [c], "code", to=11) for c in codes]
    bag_coders = [coder for _, coder, _ in deep.__widedeep_coders__().bags]
    for (bag_codes, mask), coder in zip(bags, bag_coders, strict=True):
        # multi-hot: a 1 in column code - 1 for each of the row's codes
        one_hot = graph.node(
            "OneHot",
            [
                graph.node("Sub", [bag_codes, graph.constant(np.array(1))], "c"),
                graph.constant(np.array([coder.n_codes - 1])),
                graph.constant(np.array([0.0, 1.0], dtype=np.float32)),
            ],
            "hot",
            axis=-1,
        )
        weights = graph.node("Unsqueeze", [mask, graph.constant(np.array([2]))], "w")
        hot = graph.node("Mul", [one_hot, weights], "hot")
        parts.append(
            graph.node("Cast", [graph.reduce("ReduceSum", hot, [1], "hot")], "h", to=11)
        )
    if numbers is not None:
        parts.append(numbers)
    container.add_node(
        "Concat",
        parts,
        [operator.outputs[0].full_name],
        name=graph.name("Concat"),
        axis=1,
    )


def _regressor_shape(operator):
    from skl2onnx.common.data_types import DoubleTensorType

    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = DoubleTensorType([n_rows, 1])


def _wide_shape(operator):
    from skl2onnx.common.data_types import FloatTensorType

    n_rows = operator.inputs[0].get_first_dimension()
    width = operator.raw_operator.n_output_features_
    operator.outputs[0].type = FloatTensorType([n_rows, width])


class _Graph:
    """Add nodes to a skl2onnx container, with fresh names from its scope."""

    def __init__(self, scope, container):
        self.scope = scope
        self.container = container

    def name(self, hint):
        return self.scope.get_unique_variable_name(hint)

    def constant(self, value, hint="c"):
        name = self.name(hint)
        value = np.asarray(value)
        from onnx import numpy_helper

        self.container.add_initializer(
            name,
            numpy_helper.from_array(value).data_type,
            list(value.shape),
            value.ravel().tolist(),
        )
        return name

    # What a coder writes its encoding with (``write_codes``, ``write_values``):
    # nodes and constants, and the forms of the graph's inputs.

    missing_texts = ("", MISSING_CELL)
    """The strings that stand for a missing value in a string input."""

    def texts(self, values) -> list:
        """Values as a string input holds them (:func:`feeds`' form)."""
        return _strings(values).tolist()

    def missing_text(self, column):
        """Bool: where a string input holds a missing value (a missing form)."""
        missing = None
        for text in self.missing_texts:
            equal = self.node("Equal", [column, self.constant(np.array([text]))], "m")
            missing = (
                equal if missing is None else self.node("Or", [missing, equal], "m")
            )
        return missing

    def text_numbers(self, column):
        """Doubles from a string input of numbers or booleans.

        ``"True"`` is 1, ``"False"`` 0, a missing form NaN, and any other
        string is parsed as a number (``str`` of a number parses back to it).
        """
        forms = [("True", "1"), ("False", "0")]
        forms += [(text, "NaN") for text in self.missing_texts]
        for text, number in forms:
            equal = self.node("Equal", [column, self.constant(np.array([text]))], "e")
            column = self.node(
                "Where", [equal, self.constant(np.array([number])), column], "t"
            )
        return self.node("Cast", [column], "x", to=11)

    def require_opset(self, opset: int, what: str) -> None:
        """Refuse a conversion whose opset lacks the operators ``what`` needs."""
        if self.container.target_opset < opset:
            raise NotImplementedError(
                f"{what[0].upper()}{what[1:]} is written with operators of opset "
                f"{opset}; the conversion asked for opset "
                f"{self.container.target_opset}. Convert with target_opset={opset} "
                "or later (sk_widedeep.onnx.to_onnx does)."
            )

    def double(self, column):
        """Cast the column to doubles (numbers are compared in double precision)."""
        return self.node("Cast", [column], "x", to=11)

    def exact_codes(self, x, values, offset=0):
        """Code ``offset + k + 1`` where the double ``x`` is ``values[k]``, else 0."""
        if not len(values):
            return self.node(
                "Mul",
                [self.node("Cast", [x], "z", to=7), self.constant(np.array([[0]]))],
                "zero",
            )
        equal = self.node(
            "Equal",
            [x, self.constant(np.asarray(values, np.float64).reshape(1, -1))],
            "eq",
        )
        hits = self.node("Cast", [equal], "hits", to=7)
        codes = self.constant(np.arange(1, len(values) + 1).reshape(-1, 1) + offset)
        return self.node("MatMul", [hits, codes], "codes")

    def reduce(self, op, x, axes, hint, keepdims=0):
        """Add a Reduce* node over ``axes``, in the form of the graph's opset.

        Their ``axes`` became an input in opset 18 (``ReduceSum`` in 13).
        """
        if op == "ReduceSum" or self.container.target_opset >= 18:
            axes = self.constant(np.array(axes, dtype=np.int64))
            return self.node(op, [x, axes], hint, keepdims=keepdims)
        return self.node(op, [x], hint, axes=list(axes), keepdims=keepdims)

    def nodes(self, op, inputs, hints, **attributes):
        """Add a node with several outputs; return their names."""
        outputs = [self.name(hint) for hint in hints]
        self.container.add_node(op, inputs, outputs, name=self.name(op), **attributes)
        return outputs

    def node(self, op, inputs, hint, domain=None, **attributes):
        output = self.name(hint)
        kwargs = {}
        if domain:
            kwargs = {"op_domain": domain, "op_version": DOMAIN_VERSIONS[domain]}
        self.container.add_node(
            op, inputs, [output], name=self.name(op), **kwargs, **attributes
        )
        return output


def _codes(graph, encoder, column, input_type):
    """Int64 codes, shape (N, 1), of one column under its encoder.

    Every coder writes its own codes (``write_codes``: vocabularies,
    buckets, number codes, hashed columns); ``input_type`` says whether the
    column is a string input.
    """
    return encoder.write_codes(graph, column, text=_is_text(input_type))


def _is_text(input_type) -> bool:
    from skl2onnx.common.data_types import StringTensorType

    return isinstance(input_type, StringTensorType)


_PAD = 2**62
"""Stands for no value among a multi-valued column's codes (sorted last)."""


class _Bag(NamedTuple):
    """A multi-valued column in the graph: each row's values, in order.

    codes : int64 (N, K), ascending, then padding; keep : bool (N, K), where
    ``codes`` holds one of the row's distinct values; rank : int64 (N, K),
    the position of a kept value among the row's; count : int64 (N, 1), how
    many the row holds; hashes : uint64 (N, K) or None, the values' hashes
    (for a hashed cross, :func:`_hashed_bag`).
    """

    codes: str
    keep: str
    rank: str
    count: str
    hashes: str | None = None


def _pieces(graph, column, separator):
    """Split a multi-valued column's strings (``StringSplit``).

    Returns the pieces, string (N, K), and where they are empty (no value)
    and :data:`MISSING_CELL` (a missing value), bool (N, K).
    """
    graph.require_opset(MULTI_VALUED_OPSET, "a multi-valued column (StringSplit)")
    text = graph.node("Squeeze", [column, graph.constant(np.array([1]))], "text")
    pieces, _ = graph.nodes(
        "StringSplit",
        [text],
        ["pieces", "n"],
        delimiter=LIST_SEPARATOR if separator is None else separator,
    )
    empty = graph.node("Equal", [pieces, graph.constant(np.array([""]))], "empty")
    missing = graph.node(
        "Equal", [pieces, graph.constant(np.array([MISSING_CELL]))], "missing"
    )
    return pieces, empty, missing


def _piece_numbers(graph, pieces, empty, missing):
    """Parse the pieces of a column of numbers: doubles (N * K, 1), NaN if none."""
    no_number = graph.node("Or", [empty, missing], "nan")
    text = graph.node(
        "Where", [no_number, graph.constant(np.array(["NaN"])), pieces], "t"
    )
    numbers = graph.node("Cast", [text], "x", to=11)
    return graph.node("Reshape", [numbers, graph.constant(np.array([-1, 1]))], "flat")


def _in_shape(graph, flat, pieces):
    """Reshape a (N * K, 1) tensor to the shape of the (N, K) pieces."""
    shape = graph.node("Shape", [pieces], "shape")
    return graph.node("Reshape", [flat, shape], "r", allowzero=1)


def _width(graph, tensor):
    """Return the second dimension of a 2-D tensor, as a 1-D int64 tensor."""
    shape = graph.node("Shape", [tensor], "shape")
    return graph.node(
        "Slice",
        [shape, graph.constant(np.array([1])), graph.constant(np.array([2]))],
        "k",
    )


def _repeats_previous(graph, values):
    """Bool (N, K): where a row's value equals the one before it in the row."""
    first = graph.node(
        "Slice",
        [
            values,
            graph.constant(np.array([0])),
            graph.constant(np.array([1])),
            graph.constant(np.array([1])),
        ],
        "first",
    )
    same = graph.node("Equal", [first, first], "same")
    none_before = graph.node("Not", [same], "none")  # no value before the first
    end = graph.constant(np.array([2**62]))
    current = graph.node(
        "Slice",
        [values, graph.constant(np.array([1])), end, graph.constant(np.array([1]))],
        "cur",
    )
    previous = graph.node(
        "Slice",
        [
            values,
            graph.constant(np.array([0])),
            graph.constant(np.array([-1])),
            graph.constant(np.array([1])),
        ],
        "prev",
    )
    same = graph.node("Equal", [current, previous], "same")
    return graph.node("Concat", [none_before, same], "repeated", axis=1)


def _ranked(graph, keep):
    """Each kept value's position among its row's, and the row's count."""
    kept = graph.node("Cast", [keep], "kept", to=7)
    rank = graph.node(
        "Sub",
        [
            graph.node("CumSum", [kept, graph.constant(np.array(1))], "cum"),
            graph.constant(np.array(1)),
        ],
        "rank",
    )
    count = graph.node(
        "ReduceSum", [kept, graph.constant(np.array([1]))], "count", keepdims=1
    )
    return rank, count


def _distinct(graph, codes, keep):
    """Sort each row's codes and keep each distinct one once.

    ``codes`` int64 (N, K) and ``keep`` bool (N, K), where a code counts;
    returns the codes ascending (the others last, as padding) and where
    they are a row's distinct codes, as :func:`._bags.sorted_positions`.
    """
    codes = graph.node("Where", [keep, codes, graph.constant(np.array(_PAD))], "c")
    codes, _ = graph.nodes(
        "TopK",
        [codes, _width(graph, codes)],
        ["sorted", "order"],
        axis=1,
        largest=0,
        sorted=1,
    )
    padding = graph.node("Equal", [codes, graph.constant(np.array(_PAD))], "pad")
    drop = graph.node("Or", [_repeats_previous(graph, codes), padding], "drop")
    return codes, graph.node("Not", [drop], "keep")


def _piece_codes(graph, coder, pieces, empty, missing):
    """Code the pieces by the column's coder: int64 (N, K), missing ones apart."""
    from skl2onnx.common.data_types import StringTensorType

    if getattr(coder, "numeric", False):  # numbers: parse, then code
        flat = _piece_numbers(graph, pieces, empty, missing)
        codes = _in_shape(graph, _codes(graph, coder, flat, None), pieces)
    else:
        codes = _codes(graph, coder, pieces, StringTensorType())
    return graph.node(
        "Where", [missing, graph.constant(np.array(coder.missing_code)), codes], "c"
    )


def _bag(graph, coder, column, separator):
    """Code a multi-valued column: each row's distinct codes, ascending.

    The string of each row is split on its separator (``StringSplit``);
    empty pieces are no value, :data:`MISSING_CELL` is a missing cell (the
    missing slot), and the pieces are coded by the column's coder (numbers
    compared as numbers). Each row's codes are sorted and a repeated code
    kept once, as :func:`._bags.sorted_positions` does; code 0 (unknown and
    rare values) is kept once too, for the wide part.
    """
    pieces, empty, missing = _pieces(graph, column, separator)
    codes = _piece_codes(graph, coder, pieces, empty, missing)
    codes, keep = _distinct(graph, codes, graph.node("Not", [empty], "value"))
    return _Bag(codes, keep, *_ranked(graph, keep))


def _hashed_bag(graph, coder, column, separator):
    """Code a hashed multi-valued column for its crosses: each distinct value.

    As :func:`._bags.distinct_positions`: a row's values ordered by (code,
    hash), each value (hash) once, so that values sharing a code stay
    apart; a missing value has code 0 and hash 0. Sorted by hash first,
    then by code with ``TopK``, which keeps the order of equal codes.
    """
    pieces, empty, missing = _pieces(graph, column, separator)
    if coder.numeric:
        flat = _piece_numbers(graph, pieces, empty, missing)
        hashes, present = coder.write_hashes(graph, flat, text=False)
        hashes, present = (
            _in_shape(graph, hashes, pieces),
            _in_shape(graph, present, pieces),
        )
    else:
        hashes, present = coder.write_hashes(graph, pieces, text=True)
    codes = coder.write_hashed_codes(graph, hashes, present)
    hashes = write_where(graph, present, hashes, graph.constant(np.array(0, np.uint64)))
    # uint64 order as int64 order: flip the top bit; no value sorts last
    signed = graph.node(
        "Cast",
        [
            graph.node(
                "BitwiseXor",
                [hashes, graph.constant(np.array(1 << 63, np.uint64))],
                "s",
            )
        ],
        "s",
        to=7,
    )
    signed = graph.node(
        "Where", [empty, graph.constant(np.array(2**63 - 1)), signed], "s"
    )
    width = _width(graph, codes)
    _, by_hash = graph.nodes(
        "TopK", [signed, width], ["v", "i"], axis=1, largest=0, sorted=1
    )
    codes = graph.node("Where", [empty, graph.constant(np.array(_PAD)), codes], "c")
    codes = graph.node("GatherElements", [codes, by_hash], "c", axis=1)
    hashes = graph.node("GatherElements", [hashes, by_hash], "h", axis=1)
    codes, by_code = graph.nodes(
        "TopK", [codes, width], ["c", "i"], axis=1, largest=0, sorted=1
    )
    hashes = graph.node("GatherElements", [hashes, by_code], "h", axis=1)
    padding = graph.node("Equal", [codes, graph.constant(np.array(_PAD))], "pad")
    drop = graph.node("Or", [_repeats_previous(graph, hashes), padding], "drop")
    keep = graph.node("Not", [drop], "keep")
    return _Bag(codes, keep, *_ranked(graph, keep), hashes)


def _cross_codes(graph, cross, components):
    """Write a cross's code from its components' (code, hash) tensors."""
    codes = [code for code, _ in components]
    return cross.write_codes(graph, codes, [h for _, h in components])


def _multi_valued_cross(graph, cross, positions, components, bags):
    """Code a cross with a multi-valued component: slots per row, and a mask.

    Every combination of one distinct value of each component (a
    single-valued one has one), at most :data:`MAX_CROSS_COMBINATIONS` per
    row, the first ones in the order of the components' values (as
    :func:`._bags.combinations` takes them); a combination has its cross
    code (:func:`_cross_codes`), each distinct code kept once per row.

    Returns
    -------
    code, keep : str
        Int64 and bool, (N, M): each slot's cross code, and whether it is
        one of the row's slots.
    """
    m = len(positions)

    def spread(tensor, c):
        """(N, K) to (N, 1, ..., K, ..., 1), K on axis c + 1."""
        if tensor is None:
            return None
        axes = [i + 1 for i in range(m) if i != c]
        return graph.node("Unsqueeze", [tensor, graph.constant(np.array(axes))], "u")

    exists = index = None
    spread_components = []
    for c, p in enumerate(positions):
        if p in bags:
            bag = bags[p]
            spread_components.append((spread(bag.codes, c), spread(bag.hashes, c)))
            keep = spread(bag.keep, c)
            exists = keep if exists is None else graph.node("And", [exists, keep], "e")
            rank, count = spread(bag.rank, c), spread(bag.count, c)
            index = (
                rank
                if index is None
                else graph.node(
                    "Add", [graph.node("Mul", [index, count], "i"), rank], "i"
                )
            )
        else:
            code, h = components[p]
            spread_components.append((spread(code, c), spread(h, c)))
    code = _cross_codes(graph, cross, spread_components)
    capped = graph.node(
        "Less", [index, graph.constant(np.array(MAX_CROSS_COMBINATIONS))], "cap"
    )
    exists = graph.node("And", [exists, capped], "e")
    exists = graph.node("Expand", [exists, graph.node("Shape", [code], "s")], "e")
    flat = graph.constant(np.array([0, -1]))  # (N, every combination)
    code = graph.node("Reshape", [code, flat], "code")
    exists = graph.node("Reshape", [exists, flat], "e")
    return _distinct(graph, code, exists)


def wide_indices(graph, transformer, inputs):
    """Each row's active wide slots: global indices, and where they are active.

    Returns
    -------
    indices : str
        Int64 (N, M): without multi-valued columns one slot per block
        (``M`` the number of blocks); with them, a multi-valued block gives
        a row a slot per distinct code of its values, and a cross one per
        distinct code of its combinations (:func:`_multi_valued_cross`).
    mask : str or None
        Float (N, M): 1 where a slot is one of the row's, 0 where it pads;
        None without multi-valued columns (every slot is the row's).
    """
    layout = transformer.__widedeep_coders__()
    multi = layout.separators
    hashed_crosses = any(cross.reads_hashes for _, cross in layout.crosses)
    components, bags, hashed_bags = {}, {}, {}
    for p, encoder in layout.coders.items():
        name, text = inputs[p].onnx_name, _is_text(inputs[p].type)
        if p in multi:
            bags[p] = _bag(graph, encoder, name, multi[p])
            if hashed_crosses:
                hashed_bags[p] = _hashed_bag(graph, encoder, name, multi[p])
        elif encoder.hashed:  # its hashes feed hashed crosses
            hashes, present = encoder.write_hashes(graph, name, text)
            code = encoder.write_hashed_codes(graph, hashes, present)
            components[p] = (code, hashes)
        else:  # a bucketized number takes part in a hashed cross by its code
            code = encoder.write_codes(graph, name, text=text)
            components[p] = (code, graph.node("Cast", [code], "h", to=13))
    if bags:
        return _ragged_wide_indices(graph, layout, components, bags, hashed_bags)
    blocks = [components[p][0] for p in layout.blocks]
    for positions, cross in layout.crosses:
        blocks.append(_cross_codes(graph, cross, [components[p] for p in positions]))
    stacked = graph.node("Concat", blocks, "blocks", axis=1)
    offsets = graph.constant(layout.offsets[:-1].reshape(1, -1).astype(np.int64))
    return graph.node("Add", [stacked, offsets], "indices"), None


def _ragged_wide_indices(graph, layout, components, bags, hashed_bags):
    """:func:`wide_indices` of a transformer with multi-valued columns."""
    offsets = layout.offsets.astype(np.int64)
    indices, masks = [], []

    def add(code, keep, offset):
        """Add a block's slots: its codes where ``keep`` (else its code 0)."""
        if keep is not None:
            code = graph.node("Where", [keep, code, graph.constant(np.array(0))], "c")
        indices.append(graph.node("Add", [code, graph.constant(np.array(offset))], "i"))
        if keep is None:  # one slot per row, always the row's
            keep = graph.node(
                "GreaterOrEqual", [code, graph.constant(np.array(0))], "k"
            )
        masks.append(graph.node("Cast", [keep], "mask", to=1))

    for block, p in enumerate(layout.blocks):
        if p in bags:
            add(bags[p].codes, bags[p].keep, offsets[block])
        else:
            add(components[p][0], None, offsets[block])
    first_cross = len(layout.blocks)
    for k, (positions, cross) in enumerate(layout.crosses):
        if any(p in bags for p in positions):
            crossed = hashed_bags if cross.reads_hashes else bags
            code, keep = _multi_valued_cross(
                graph, cross, positions, components, crossed
            )
        else:
            code = _cross_codes(graph, cross, [components[p] for p in positions])
            keep = None
        add(code, keep, offsets[first_cross + k])
    return (
        graph.node("Concat", indices, "indices", axis=1),
        graph.node("Concat", masks, "mask", axis=1),
    )


def _convert_wide(scope, operator, container):
    transformer = operator.raw_operator
    graph = _Graph(scope, container)
    indices, mask = wide_indices(
        graph, transformer, _by_position(transformer, operator.inputs)
    )
    width = transformer.n_output_features_
    one_hot = graph.node(
        "OneHot",
        [
            indices,
            graph.constant(np.array([width])),
            graph.constant(np.array([0.0, 1.0], dtype=np.float32)),
        ],
        "one_hot",
        axis=-1,
    )
    if mask is not None:  # (N, M, width): the padding slots count for nothing
        mask = graph.node("Unsqueeze", [mask, graph.constant(np.array([2]))], "m")
        one_hot = graph.node("Mul", [one_hot, mask], "one_hot")
    container.add_node(
        "ReduceSum",
        [one_hot, graph.constant(np.array([1]))],
        [operator.outputs[0].full_name],
        name=graph.name("ReduceSum"),
        keepdims=0,
    )


def deep_arrays(graph, deep, inputs):
    """Build the deep part's codes, numbers and bags from the raw columns.

    Returns
    -------
    codes : list of str
        One int64 (N, 1) per single-valued embedded input.
    numbers : str or None
        Doubles, (N, n_continuous), or None when there are none; the
        network takes them as float32.
    bags : list of (str, str)
        For each multi-valued input, its distinct known codes per row, int64
        (N, K), and a float (N, K) that is 1 where a code is one of them
        (unknown values are left out, as ``EmbeddingBag`` is given none).
    """
    layout = deep.__widedeep_coders__()
    bags = []
    for p, coder, separator in layout.bags:
        bag = _bag(graph, coder, inputs[p].onnx_name, separator)
        codes, keep = bag.codes, bag.keep
        known = graph.node("Greater", [codes, graph.constant(np.array(0))], "known")
        keep = graph.node("And", [keep, known], "keep")
        codes = graph.node("Where", [keep, codes, graph.constant(np.array(0))], "c")
        bags.append((codes, graph.node("Cast", [keep], "mask", to=1)))
    codes = [
        _codes(graph, coder, inputs[p].onnx_name, inputs[p].type)
        for p, coder in layout.embedded
    ]
    parts = []
    for p, scaler in layout.scaled:
        x = graph.double(inputs[p].onnx_name)
        missing = graph.node("IsNaN", [x], "missing")
        x = graph.node(
            "Where", [missing, graph.constant(np.array([[scaler.fill_value]])), x], "x"
        )
        parts.append(scaler.write_values(graph, x))
    for p in layout.indicators:
        missing = graph.node("IsNaN", [graph.double(inputs[p].onnx_name)], "missing")
        parts.append(graph.node("Cast", [missing], "indicator", to=11))
    if not parts:
        return codes, None, bags
    if len(parts) == 1:
        return codes, parts[0], bags
    return codes, graph.node("Concat", parts, "numbers", axis=1), bags


def _weights(tensor):
    return tensor.detach().cpu().numpy()


def _logits(graph, model, inputs):
    """Build the network's logits, float32 (N, n_outputs), from the raw columns."""
    module = model.net_.module_
    for part in ("wide_", "deep_"):
        transformer = getattr(model, part)
        kind = part[:-1]
        if transformer is not None and not speaks_protocol(transformer, kind):
            raise NotImplementedError(
                f"ONNX export needs sk_widedeep's own transformers; {part} is a "
                f"{type(transformer).__name__}."
            )
    terms = [graph.constant(_weights(module.bias).reshape(1, -1))]
    if module.wide is not None:
        indices, mask = wide_indices(graph, model.wide_, inputs)
        rows = graph.node(
            "Gather", [graph.constant(_weights(module.wide.weight)), indices], "rows"
        )
        if mask is not None:  # (N, M, outputs): the padding slots add nothing
            mask = graph.node("Unsqueeze", [mask, graph.constant(np.array([2]))], "m")
            rows = graph.node("Mul", [rows, mask], "rows")
        terms.append(
            graph.node(
                "ReduceSum", [rows, graph.constant(np.array([1]))], "wide", keepdims=0
            )
        )
    if module.deep is not None:
        codes, continuous, bags = deep_arrays(graph, model.deep_, inputs)
        if continuous is not None:
            continuous = graph.node("Cast", [continuous], "continuous", to=1)
        parts = []
        for j in module.embedding_order:
            table = graph.constant(_weights(module.embedding_rows(j)))
            gathered = graph.node("Gather", [table, codes[j]], "e")  # (N, 1, dim)
            parts.append(graph.node("Flatten", [gathered], "e", axis=1))
        for bag, (bag_codes, mask) in zip(module.bags, bags, strict=True):
            parts.append(_pooled(graph, bag, bag_codes, mask))
        if module.periodic is not None:
            n = module.n_periodic
            numbers = graph.node(
                "Slice",
                [
                    continuous,
                    graph.constant(np.array([0])),
                    graph.constant(np.array([n])),
                    graph.constant(np.array([1])),
                ],
                "per",
            )
            continuous = graph.node(
                "Slice",
                [
                    continuous,
                    graph.constant(np.array([n])),
                    graph.constant(np.array([2**62])),
                    graph.constant(np.array([1])),
                ],
                "rest",
            )
            freq = graph.constant(
                _weights(module.periodic.frequencies)[None] * 2 * np.pi
            )
            angles = graph.node(
                "Mul",
                [
                    graph.node(
                        "Unsqueeze", [numbers, graph.constant(np.array([2]))], "x3"
                    ),
                    freq,
                ],
                "angles",
            )
            features = graph.node(
                "Concat",
                [
                    graph.node("Cos", [angles], "cos"),
                    graph.node("Sin", [angles], "sin"),
                ],
                "f",
                axis=2,
            )
            out = graph.node(
                "Einsum",
                [features, graph.constant(_weights(module.periodic.weight))],
                "pe",
                equation="bnk,nkd->bnd",
            )
            out = graph.node(
                "Relu",
                [
                    graph.node(
                        "Add",
                        [out, graph.constant(_weights(module.periodic.bias)[None])],
                        "pb",
                    )
                ],
                "pr",
            )
            parts.append(graph.node("Flatten", [out], "pf", axis=1))
        if model._module_kwargs["n_continuous"] > module.n_periodic:
            parts.append(continuous)
        h = (
            parts[0]
            if len(parts) == 1
            else graph.node("Concat", parts, "deep_input", axis=1)
        )
        if module.n_members > 1:  # (N, d) -> each member's scaled copy, (N, k, d)
            h = graph.node("Unsqueeze", [h, graph.constant(np.array([1]))], "hk")
            h = graph.node(
                "Mul", [h, graph.constant(_weights(module.member_scales))], "hk"
            )
        for layer in module.deep:
            if isinstance(layer, torch_nn().Linear) and module.n_members > 1:
                h = graph.node(
                    "MatMul", [h, graph.constant(_weights(layer.weight).T.copy())], "h"
                )
                h = graph.node("Add", [h, graph.constant(_weights(layer.bias))], "h")
            elif isinstance(layer, torch_nn().Linear):
                h = graph.node(
                    "Gemm",
                    [
                        h,
                        graph.constant(_weights(layer.weight)),
                        graph.constant(_weights(layer.bias)),
                    ],
                    "h",
                    transB=1,
                )
            elif isinstance(layer, torch_nn().ReLU):
                h = graph.node("Relu", [h], "h")
        if module.n_members > 1:
            if module.wide is not None:  # (N, outputs) -> (N, 1, outputs)
                terms[1] = graph.node(
                    "Unsqueeze", [terms[1], graph.constant(np.array([1]))], "wide"
                )
            head = graph.constant(_weights(module.member_output))
            terms.append(
                graph.node("Einsum", [h, head], "deep", equation="bkh,kho->bko")
            )
        else:
            head = _weights(module.deep_output.weight).T.copy()
            terms.append(graph.node("MatMul", [h, graph.constant(head)], "deep"))
    logits = terms[0]
    for term in terms[1:]:
        logits = graph.node("Add", [logits, term], "logits")
    if module.deep is not None and module.n_members > 1:
        logits = _average_members(graph, logits, module)
    return logits


def _pooled(graph, bag, codes, mask):
    """Pool a multi-valued input's embeddings: float32 (N, dim).

    The embeddings of the row's codes, summed, then divided by their number
    (``"mean"``) or its square root (``"sqrtn"``); a row without codes
    gives zeros, as :class:`._module.PooledEmbedding` does.
    """
    table = graph.constant(_weights(bag.table.weight))
    rows = graph.node("Gather", [table, codes], "rows")  # (N, K, dim)
    weights = graph.node("Unsqueeze", [mask, graph.constant(np.array([2]))], "w")
    total = graph.reduce("ReduceSum", graph.node("Mul", [rows, weights], "r"), [1], "s")
    if bag.combiner == "sum":
        return total
    count = graph.reduce("ReduceSum", mask, [1], "n", keepdims=1)
    count = graph.node(
        "Max", [count, graph.constant(np.array([[1.0]], np.float32))], "n"
    )
    if bag.combiner == "sqrtn":
        count = graph.node("Sqrt", [count], "n")
    return graph.node("Div", [total, count], "pooled")


def _average_members(graph, members, module):
    """Write the logits of the members' mean (:func:`._module.average_members`)."""
    if module.link == "identity":
        return graph.reduce("ReduceMean", members, [1], "logits")
    if module.link == "softmax":
        log_p = graph.node("LogSoftmax", [members], "logp", axis=-1)
        mean = graph.reduce("ReduceLogSumExp", log_p, [1], "logp")
        log_k = graph.constant(np.array(np.log(module.n_members), np.float32))
        return graph.node("Sub", [mean, log_k], "logits")
    # log sigmoid(z) = -softplus(-z); log(1 - sigmoid(z)) = -softplus(z)
    log_p = graph.node(
        "Neg", [graph.node("Softplus", [graph.node("Neg", [members], "z")], "sp")], "lp"
    )
    log_q = graph.node("Neg", [graph.node("Softplus", [members], "sq")], "lq")
    positive = graph.reduce("ReduceLogSumExp", log_p, [1], "lp")
    negative = graph.reduce("ReduceLogSumExp", log_q, [1], "lq")
    return graph.node("Sub", [positive, negative], "logits")


def torch_nn():
    """Return :mod:`torch.nn` (imported when a model is converted)."""
    import torch

    return torch.nn


def _convert_estimator(scope, operator, container):
    model = operator.raw_operator
    graph = _Graph(scope, container)
    logits = _logits(graph, model, _by_position(model, operator.inputs))
    outputs = [o.full_name for o in operator.outputs]
    if not hasattr(model, "classes_"):  # the regressor, in the target's units
        scaled = graph.node("Cast", [logits], "f", to=11)
        if model.loss == "poisson":
            rate = graph.node(
                "Exp",
                [graph.node("Min", [scaled, graph.constant(np.array([[700.0]]))], "m")],
                "rate",
            )
            container.add_node(
                "Mul",
                [rate, graph.constant(np.array([[model.target_scale_]]))],
                outputs,
                name=graph.name("Mul"),
            )
        else:
            scaled = graph.node(
                "Mul", [scaled, graph.constant(np.array([[model.target_scale_]]))], "s"
            )
            container.add_node(
                "Add",
                [scaled, graph.constant(np.array([[model.target_offset_]]))],
                outputs,
                name=graph.name("Add"),
            )
        return
    temperature = np.float32(getattr(model, "temperature_", 1.0))
    if temperature != 1:  # predict_proba's logits / temperature_
        logits = graph.node(
            "Div", [logits, graph.constant(np.array([[temperature]]))], "scaled"
        )
    if len(model.classes_) == 2:
        positive = graph.node("Sigmoid", [logits], "p")
        negative = graph.node(
            "Sub", [graph.constant(np.array([[1.0]], dtype=np.float32)), positive], "n"
        )
        proba = graph.node("Concat", [negative, positive], "proba", axis=1)
    else:
        proba = graph.node("Softmax", [logits], "proba", axis=1)
    container.add_node("Identity", [proba], [outputs[1]], name=graph.name("Identity"))
    best = graph.node("ArgMax", [proba], "best", axis=1, keepdims=0)
    from skl2onnx.common.utils_classifier import get_label_classes

    classes = get_label_classes(scope, model)  # the indices with skl2onnx's nocl
    if classes.dtype.kind in "OUS":
        label = graph.constant(np.array([str(c) for c in classes], dtype=object))
    else:
        label = graph.constant(classes.astype(np.int64))
    container.add_node("Gather", [label, best], [outputs[0]], name=graph.name("Gather"))


try:  # importing this module registers the converters, as skl2onnx users expect
    register_converters()
except ImportError:  # without skl2onnx: to_onnx says what to install
    pass
