"""The one place where a categorical column's coder is chosen.

Both transformers code a categorical column the same way: a vocabulary of
its values (:class:`._vocabulary.Vocabulary`, rare values in the other
slot), or with ``hash_buckets`` a hashed column
(:class:`._hashing.HashedColumn`); a multi-valued column by the values of
its cells. Every coder encodes values (``encode``) and writes that encoding
into an exported graph (``write_codes``), so that neither the transformers
nor the export decide again what kind of coder a column has.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._bags import value_counts
from ._columns import Columns, warn_identifier, warn_separated
from ._hashing import HashedColumn
from ._vocabulary import Vocabulary


def fit_categorical_coder(
    columns: Columns,
    position: int,
    label: str,
    *,
    hash_buckets: int | None,
    min_frequency,
    multi_valued: bool = False,
    separator: str | None = None,
):
    """Fit the coder of one categorical column.

    Parameters
    ----------
    columns : Columns
        The validated columns of X.
    position : int
        The column's position.
    label : str
        Its name, for warnings and errors.
    hash_buckets : int or None
        Hash into this many codes; None: a vocabulary.
    min_frequency : int, float or None
        A vocabulary's minimum count (or share) of a value.
    multi_valued : bool, default=False
        Whether the column's cells hold several values (read with
        ``separator``, or as lists when it is None); a value then counts
        once per row that holds it.
    separator : str or None, default=None
        What joins a multi-valued column's values in a string cell.

    Returns
    -------
    coder : Vocabulary or HashedColumn
    """
    if multi_valued:
        bags = columns.bags(position, separator)
        if hash_buckets is not None:
            return HashedColumn.fit(bags.values, hash_buckets, label)
        counts = value_counts(bags, label)
        return Vocabulary.from_counts(*counts, min_frequency, label, len(bags))
    values = columns[position]
    if hash_buckets is not None:
        return HashedColumn.fit(values, hash_buckets, label)
    vocabulary = Vocabulary.fit(values, min_frequency, label)
    warn_identifier(columns, position, len(vocabulary.categories))
    warn_separated(columns, position, vocabulary.categories)
    return vocabulary


class WideCoders(NamedTuple):
    """What a fitted CrossProductTransformer's output is made of.

    Read by the export (:mod:`sk_widedeep.onnx`) through
    ``CrossProductTransformer.__widedeep_coders__``, so that it needs none
    of the transformer's private attributes.

    Attributes
    ----------
    coders : dict of int to coder
        The coder of every column used (in a block or a cross), by position.
    separators : dict of int to str or None
        The multi-valued columns among them, and their separators (None:
        list cells).
    blocks : list of int
        The columns with a block of their own, in output order.
    crosses : list of (tuple of int, coder)
        Each cross's columns and its coder, after the blocks.
    offsets : ndarray of int64
        The first output index of every block and cross, then the width.
    """

    coders: dict
    separators: dict
    blocks: list
    crosses: list
    offsets: np.ndarray


class DeepCoders(NamedTuple):
    """What a fitted EmbeddingEncoder's arrays are made of.

    Read by the export through ``EmbeddingEncoder.__widedeep_coders__``.

    Attributes
    ----------
    embedded : list of (int, coder)
        The single-valued embedded inputs, in the network's order: the
        categorical columns, then the number codes of continuous ones.
    bags : list of (int, coder, str or None)
        The multi-valued columns, their coders and separators.
    scaled : list of (int, scaler)
        The continuous columns and their scalers, in output order.
    indicators : list of int
        The continuous columns with a missing indicator, after them.
    """

    embedded: list
    bags: list
    scaled: list
    indicators: list


def used_positions(layout) -> set:
    """Positions of the columns a :class:`WideCoders` or :class:`DeepCoders` reads."""
    if isinstance(layout, WideCoders):
        return set(layout.coders)
    used = {p for p, _ in layout.embedded} | {p for p, *_ in layout.bags}
    return used | {p for p, _ in layout.scaled} | set(layout.indicators)


def column_coders(layout) -> list:
    """Return the column coders of a :class:`WideCoders` or :class:`DeepCoders`."""
    if isinstance(layout, WideCoders):
        return list(layout.coders.values())
    return [coder for _, coder in layout.embedded] + [c for _, c, _ in layout.bags]
