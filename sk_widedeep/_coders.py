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
