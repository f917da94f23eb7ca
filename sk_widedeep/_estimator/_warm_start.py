"""Warm start: the new model takes the previous one's weights, matched by name.

Wide weights are matched by column and exact value (or bucket bounds),
embeddings by column and exact value, the first layer's inputs by name; the
other layers must have the same shapes. A hashed slot or code
(``hash_buckets``) is matched only under the same ``hash_buckets``, where it
holds the same values.
"""

import numpy as np

from .._transformers._features import output_names, speaks_protocol


def load_shared_weights(old_wide, old_deep, old_module, wide, deep, module):
    """Copy into ``module`` every weight it shares with ``old_module``.

    Raises
    ------
    ValueError
        When the layers' shapes changed.
    """
    wide_rows = None
    if wide is not None and old_wide is not None:
        wide_rows = matches(_wide_keys(old_wide), _wide_keys(wide))
    embedding_rows = {}
    if speaks_protocol(deep, "deep") and speaks_protocol(old_deep, "deep"):
        old_inputs, old_keys = old_deep.embedded_features_, old_deep.__widedeep_keys__()
        new_keys = deep.__widedeep_keys__()
        for j, name in enumerate(deep.embedded_features_):
            if name not in old_inputs:
                continue
            i = old_inputs.index(name)
            if old_deep.embedding_dims_[i] == deep.embedding_dims_[j]:
                embedding_rows[j] = (i, matches(old_keys[i], new_keys[j]))
    periodic_columns = None
    if module.periodic is not None and old_module.periodic is not None:
        periodic_columns = matches(
            old_deep.continuous_columns_, deep.continuous_columns_
        )
    input_columns = None
    if deep is not None and old_deep is not None:
        input_columns = matches(
            _deep_input_names(old_deep, old_module), _deep_input_names(deep, module)
        )
    try:
        module.load_shared(
            old_module,
            wide_rows=wide_rows,
            embedding_rows=embedding_rows,
            input_columns=input_columns,
            periodic_columns=periodic_columns,
        )
    except ValueError as exc:
        raise ValueError(
            f"warm_start keeps the layers of the previous fit, but {exc} Keep "
            "hidden_units and n_members as they were, or set warm_start=False."
        ) from exc


def _wide_keys(transformer):
    """Keys to match wide weights by: exact values, or output names.

    A protocol transformer's slots are matched by its exact keys (a hashed
    slot by its number of codes too: under another ``hash_buckets``,
    ``user_id=#17`` holds other values); another transformer's by output
    name, qualified by its ``hash_buckets`` when it has one.
    """
    if speaks_protocol(transformer, "wide"):
        return transformer.__widedeep_keys__()
    names = output_names(transformer)
    hash_buckets = getattr(transformer, "hash_buckets", None)
    if hash_buckets is None:
        return names
    return np.asarray([f"{n} (of {hash_buckets})" for n in names], dtype=object)


def _deep_input_names(deep, module):
    """Name of every input of the deep part's first layer, in module order."""
    if not speaks_protocol(deep, "deep"):
        return output_names(deep)
    embedded, dims = deep.embedded_features_, deep.embedding_dims_
    # the layer's inputs: embeddings by group, pooled ones, then the numbers
    order = [*module.embedding_order, *range(len(module.embedding_order), len(dims))]
    names = [f"{embedded[j]}[{k}]" for j in order for k in range(dims[j])]
    n_single = len(module.embedding_order)
    n_multi_hot = sum(len(c) - 1 for c in deep.__widedeep_keys__()[n_single:])
    continuous = list(output_names(deep)[n_single + n_multi_hot :])
    if module.periodic is not None:  # each number enters as PERIODIC_DIM inputs
        periodic, continuous = (
            continuous[: module.n_periodic],
            continuous[module.n_periodic :],
        )
        dim = module.periodic.bias.shape[1]
        names += [f"{name}<periodic>[{k}]" for name in periodic for k in range(dim)]
    return np.asarray(names + continuous, dtype=object)


def matches(old, new):
    """Position in ``old`` of every item of ``new``, -1 for items not in old."""
    first = {}
    for position, item in enumerate(old):
        first.setdefault(item, position)
    return np.array([first.get(item, -1) for item in new], dtype=np.int64)
