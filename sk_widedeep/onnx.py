"""ONNX export (work in progress): skl2onnx converters for sk_widedeep.

Needs the ``onnx`` extra (``pip install "sk-widedeep[onnx]"``: onnx,
onnxruntime, skl2onnx). :func:`register_converters` registers a converter
for :class:`~sk_widedeep.CrossProductTransformer`, after which
``skl2onnx.to_onnx(transformer, X)`` writes one graph that takes one input
per raw column (strings as string tensors, numbers as float or int) and
returns the transformer's one-hot output, dense.

Inside the graph, a vocabulary is an ``ai.onnx.ml`` ``LabelEncoder``
(unknown values to code 0, the other slot), a numeric column's buckets are
comparisons with the bucket edges, and a cross is the mixed-radix key of
its columns' codes (integer arithmetic, as in :class:`._vocabulary.Cross`)
looked up in the cross's own ``LabelEncoder``. Not converted yet, with an
error that names what: ``hash_buckets`` and multi-valued columns.

Missing values: a missing number is NaN, as in pandas; a string input
cannot hold None, so a missing string is passed as the empty string, which
goes to the other slot unless ``""`` was a value in fit.
"""

from __future__ import annotations

import numpy as np

from ._cross_product import CrossProductTransformer
from ._vocabulary import Buckets, Vocabulary

ALIAS = "SkWideDeepCrossProductTransformer"


def register_converters() -> None:
    """Register the converters with skl2onnx (idempotent)."""
    from skl2onnx import update_registered_converter

    update_registered_converter(
        CrossProductTransformer, ALIAS, _wide_shape, _convert_wide
    )


def _wide_shape(operator):
    from skl2onnx.common.data_types import FloatTensorType

    n_rows = operator.inputs[0].get_first_dimension()
    width = operator.raw_operator.n_output_features_
    operator.outputs[0].type = FloatTensorType([n_rows, width])


def _refuse_unsupported(transformer):
    if transformer.hash_buckets is not None:
        raise NotImplementedError(
            "ONNX export of hash_buckets is not supported yet: fit the "
            "transformer with hash_buckets=None (vocabularies) to export it."
        )
    if transformer.multi_valued_columns_:
        raise NotImplementedError(
            f"ONNX export of multi-valued columns "
            f"({transformer.multi_valued_columns_}) is not supported yet."
        )


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

    def node(self, op, inputs, hint, domain=None, **attributes):
        output = self.name(hint)
        kwargs = {"op_domain": domain, "op_version": 2} if domain else {}
        self.container.add_node(
            op, inputs, [output], name=self.name(op), **kwargs, **attributes
        )
        return output


def _codes(graph, encoder, column, input_type):
    """Int64 codes, shape (N, 1), of one column under its encoder."""
    from skl2onnx.common.data_types import StringTensorType

    if isinstance(encoder, Buckets):
        # code = 1 + number of edges <= x; NaN: 0
        x = graph.node("Cast", [column], "x", to=1)  # float32
        edges = graph.constant(encoder.edges.astype(np.float32).reshape(1, -1))
        above = graph.node("GreaterOrEqual", [x, edges], "above")
        count = graph.node("Cast", [above], "count", to=7)
        total = graph.node(
            "ReduceSum", [count, graph.constant(np.array([1]))], "total", keepdims=1
        )
        code = graph.node("Add", [total, graph.constant(np.array([[1]]))], "code")
        missing = graph.node("IsNaN", [x], "missing")
        return graph.node(
            "Where", [missing, graph.constant(np.array([[0]])), code], "codes"
        )
    if not isinstance(encoder, Vocabulary):
        raise NotImplementedError(f"ONNX export of {type(encoder).__name__} codes.")
    values = list(range(1, len(encoder.categories) + 1))
    if isinstance(input_type, StringTensorType):
        keys = {"keys_strings": [str(v) for v in encoder.categories]}
    else:
        column = graph.node("Cast", [column], "x", to=1)
        keys = {"keys_floats": [float(v) for v in encoder.categories]}
    return graph.node(
        "LabelEncoder",
        [column],
        "codes",
        domain="ai.onnx.ml",
        values_int64s=values,
        default_int64=0,
        **keys,
    )


def wide_indices(graph, transformer, inputs):
    """Return the global index of every block's active slot, int64 (N, blocks)."""
    _refuse_unsupported(transformer)
    codes = {
        p: _codes(graph, encoder, inputs[p].onnx_name, inputs[p].type)
        for p, encoder in transformer._encoders.items()
    }
    blocks = [codes[p] for p in transformer._positions]
    for cross, positions in zip(
        transformer._crosses, transformer._cross_positions, strict=True
    ):
        key = graph.constant(np.zeros((1, 1), dtype=np.int64))
        valid = None
        for p, radix in zip(positions, cross.radices, strict=True):
            scaled = graph.node("Mul", [key, graph.constant(np.array([[radix]]))], "k")
            minus_one = graph.node(
                "Sub", [codes[p], graph.constant(np.array([[1]]))], "c"
            )
            key = graph.node("Add", [scaled, minus_one], "key")
            positive = graph.node(
                "Greater", [codes[p], graph.constant(np.array([[0]]))], "v"
            )
            valid = (
                positive if valid is None else graph.node("And", [valid, positive], "v")
            )
        key = graph.node("Where", [valid, key, graph.constant(np.array([[-1]]))], "key")
        blocks.append(
            graph.node(
                "LabelEncoder",
                [key],
                "cross",
                domain="ai.onnx.ml",
                keys_int64s=[int(k) for k in cross.keys],
                values_int64s=list(range(1, len(cross.keys) + 1)),
                default_int64=0,
            )
        )
    stacked = graph.node("Concat", blocks, "blocks", axis=1)
    offsets = graph.constant(transformer._offsets[:-1].reshape(1, -1).astype(np.int64))
    return graph.node("Add", [stacked, offsets], "indices")


def _convert_wide(scope, operator, container):
    transformer = operator.raw_operator
    graph = _Graph(scope, container)
    indices = wide_indices(graph, transformer, operator.inputs)
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
    container.add_node(
        "ReduceSum",
        [one_hot, graph.constant(np.array([1]))],
        [operator.outputs[0].full_name],
        name=graph.name("ReduceSum"),
        keepdims=0,
    )
