"""Multi-valued columns: cells that hold a set of values.

The paper's "user installed apps", a movie's genres: a cell of such a
column holds several values (or none). It arrives as list, tuple, set or
numpy-array cells, as a pyarrow or polars list column, or as strings with
a separator (``"Comedy|Romance"``). Whatever its form, it is read once
(:func:`read_bags`) into a :class:`~._ragged.Ragged`: every value of every
row in one flat array, and where each row's values start. The transformers
then code the flat values with the same vocabularies as single-valued
columns (no per-row Python); :func:`bag_codes` sorts each row's codes and
drops repeats, so that a row's codes do not depend on the order of its
values.

An empty cell (``[]``, ``""`` with a separator) means "no value": a row
with no values. A missing cell (None, NaN) is not an empty one: it holds
one missing member (NaN), which the vocabularies code as their missing slot,
as a missing single value is. Missing members inside a cell (None, NaN,
and ``""``, which is a missing string everywhere), and so with a separator
empty members (``"a||b"``), are dropped.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

from .._common._ragged import Ragged

COMBINERS = ("mean", "sum", "sqrtn")
"""How a multi-valued column's embeddings are pooled (TensorFlow's combiners)."""

LIST_TYPES = (list, tuple, set, frozenset, np.ndarray)
"""Python types of a cell holding several values."""


def _arrow_list_type(dtype) -> bool:
    pyarrow_type = getattr(dtype, "pyarrow_dtype", None)
    if pyarrow_type is None:
        return False
    import pyarrow as pa

    return pa.types.is_list(pyarrow_type) or pa.types.is_large_list(pyarrow_type)


def is_multi_valued(values) -> bool:
    """Whether a column holds list-like cells (or is an Arrow list column).

    An object column is multi-valued when its first non-missing cell is a
    list, tuple, set or array; :func:`read_bags` then checks every cell.
    """
    if _arrow_list_type(getattr(values, "dtype", None)):
        return True
    if getattr(getattr(values, "dtype", None), "kind", None) != "O":
        return False
    for cell in values:
        if isinstance(cell, LIST_TYPES):
            return True
        if not _missing(cell):
            return False
    return False


def _missing(cell) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell) or cell is pd.NA


def read_bags(values, label: str, separator: str | None = None) -> Ragged:
    """Read a multi-valued column: its values, row by row.

    Parameters
    ----------
    values : array-like of shape (n_rows,)
        The column: list-like cells, an Arrow list array, or strings
        (with ``separator``).
    label : str
        The column's name, for errors.
    separator : str or None, default=None
        Split string cells on it; None reads list-like cells.
    """
    missing_cells = np.asarray(pd.isna(values), dtype=bool).reshape(-1)
    if _arrow_list_type(getattr(values, "dtype", None)):
        flat, lengths = _from_arrow(values)
    elif separator is not None:
        cells = np.asarray(values, dtype=object)
        flat, lengths = _from_strings(cells, label, separator)
    else:
        flat, lengths = _from_cells(np.asarray(values, dtype=object), label)
    # missing members (None, NaN, and "" as everywhere a string is read)
    # inside a cell are no value
    present = ~pd.isna(flat) if flat.size else np.ones(0, dtype=bool)
    if flat.dtype == object:
        present &= flat != ""
    if not present.all():
        rows = np.repeat(np.arange(len(lengths)), lengths)
        lengths = np.bincount(rows[present], minlength=len(lengths)).astype(np.int64)
        flat = flat[present]
    flat = _plain(flat)
    if missing_cells.any():  # a missing cell: one missing member (it had none)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[missing_cells]
        member = np.nan if flat.dtype.kind == "f" else None
        flat = np.insert(
            flat if flat.dtype.kind == "f" else flat.astype(object), starts, member
        )
        lengths = lengths + missing_cells
    return Ragged.from_lengths(flat, lengths)


def _typed(cells, types):
    """Tell which cells are of ``types``; where the others, not missing, are."""
    typed = np.fromiter(map(isinstance, cells, [types] * len(cells)), bool, len(cells))
    missing = pd.isna(cells) if cells.size else np.zeros(0, dtype=bool)
    return typed, np.flatnonzero(~(typed | missing))


def _from_cells(cells, label):
    listed, bad = _typed(cells, LIST_TYPES)
    if bad.size:
        example = cells[bad[0]]
        raise TypeError(
            f"Column {label!r} is multi-valued (its cells hold lists of values), "
            f"but {bad.size} cell(s) hold a single {type(example).__name__} "
            f"(e.g. {example!r}): give every cell a list, tuple, set or array, "
            "with None or [] for no value (e.g. X[column].map(lambda v: [v]))."
        )
    if not listed.all():
        empty = np.empty(1, dtype=object)
        empty[0] = ()
        cells = cells.copy()
        cells[~listed] = empty
    lengths = np.fromiter(map(len, cells), np.int64, count=len(cells))
    flat = np.fromiter(chain.from_iterable(cells), object, count=int(lengths.sum()))
    return flat, lengths


def _from_strings(cells, label, separator):
    strings, bad = _typed(cells, str)
    if bad.size:
        example = cells[bad[0]]
        raise TypeError(
            f"Column {label!r} is split on {separator!r}, so its cells must be "
            f"strings (or missing), but {bad.size} hold "
            f"{type(example).__name__} values (e.g. {example!r})."
        )
    text = pd.Series(np.where(strings, cells, ""), dtype=object)
    # empty members ("a||b", a missing cell's "") are dropped by read_bags
    members = text.str.split(separator, regex=False).explode()
    lengths = np.bincount(members.index, minlength=len(cells))
    return members.to_numpy(dtype=object), lengths.astype(np.int64)


def _from_arrow(values):
    import pyarrow as pa

    array = pa.array(values)  # zero copy through __arrow_array__
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    lengths = array.value_lengths().fill_null(0).to_numpy().astype(np.int64)
    flat = array.flatten()  # the values of the valid cells, in order
    return flat.to_numpy(zero_copy_only=False).astype(object), lengths


def _plain(flat: np.ndarray) -> np.ndarray:
    """Numbers as a numeric array, as a single-valued column of them is.

    So that a value is the same whatever form the column came in (numpy
    scalars from array cells, Arrow values, Python objects); strings stay
    as they are (numpy strings hash and compare as Python ones).
    """
    if not flat.size:
        return flat.astype(object)
    kind = pd.api.types.infer_dtype(flat, skipna=False)
    if kind == "integer":
        return flat.astype(np.int64)
    if kind in ("floating", "mixed-integer-float"):
        return flat.astype(np.float64)
    if kind == "boolean":
        return flat.astype(bool)
    return flat


MAX_CROSS_COMBINATIONS = 64
"""Most value combinations a row gives one cross of a multi-valued column.

A cross of a user's installed apps with the candidate app gives a row one
feature per installed app; two multi-valued columns give the product of
their lengths. Beyond this many, a row keeps the combinations of the
smallest codes (the same ones at every call).
"""


def sorted_positions(bags: Ragged, codes: np.ndarray, keep_other: bool) -> Ragged:
    """Per row, the positions of ``bags``' values, by code, one per distinct code.

    Code 0 (an unknown or rare value) is kept, once per row, for the wide
    part's other slot (``keep_other``), or dropped: the deep part skips
    unknown values. Index any array aligned with the values by the result's
    ``values`` (codes, hashes) to follow the same order.
    """
    rows = bags.rows
    # one stable sort by (row, code): the rows are in order already
    n_codes = int(codes.max(initial=0)) + 1
    order = np.argsort(rows * n_codes + codes, kind="stable")
    rows, sorted_codes = rows[order], codes[order]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (sorted_codes[1:] != sorted_codes[:-1])
    if not keep_other:
        keep &= sorted_codes != 0
    lengths = np.bincount(rows[keep], minlength=len(bags)).astype(np.int64)
    return Ragged.from_lengths(order[keep], lengths)


def distinct_positions(bags: Ragged, codes: np.ndarray, hashes: np.ndarray) -> Ragged:
    """Per row, the positions of ``bags``' values, one per distinct value.

    For a hashed column, whose distinct values may share a code: the values
    are told apart by their 64-bit ``hashes`` and ordered by (code, hash),
    so that a row gives a cross one combination per value it holds, the
    same whatever the order of its values. Index arrays aligned with the
    values by the result's ``values``, as with :func:`sorted_positions`.
    """
    rows = bags.rows
    order = np.lexsort((hashes, codes, rows))
    rows, sorted_hashes = rows[order], hashes[order]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (sorted_hashes[1:] != sorted_hashes[:-1])
    lengths = np.bincount(rows[keep], minlength=len(bags)).astype(np.int64)
    return Ragged.from_lengths(order[keep], lengths)


def value_counts(bags: Ragged, label: str):
    """Each distinct value, and the number of rows that hold it.

    ``label`` names the column in errors.

    Returns
    -------
    values : ndarray
        The distinct values (a missing cell's member is not counted).
    counts : ndarray of int64
    """
    try:
        codes, uniques = pd.factorize(bags.values)
    except TypeError:  # unhashable members: a list in a list, a dict
        kinds = sorted({type(v).__name__ for v in bags.values})
        raise TypeError(
            f"Column {label!r} is multi-valued, but its cells hold values of "
            f"types {kinds}: every value in a cell must be a string or a number."
        ) from None
    uniques = np.asarray(uniques, dtype=bags.values.dtype)
    if not len(uniques):
        return uniques, np.zeros(0, dtype=np.int64)
    present = codes >= 0  # missing members (of missing cells) are no value
    rows, codes = bags.rows[present], codes[present]
    # a value repeated in a row counts once: distinct (row, value) pairs, by
    # sorting keys that are in row order already (faster than hashing them)
    pairs = rows * len(uniques) + codes
    pairs.sort()
    distinct = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
    return uniques, np.bincount(distinct % len(uniques), minlength=len(uniques))


def combinations(parts, n_rows: int, cap: int = MAX_CROSS_COMBINATIONS):
    """Every combination of one value of each part, per row.

    Parameters
    ----------
    parts : list of Ragged or None
        For each component of a cross: the (sorted) positions of a
        multi-valued column's values per row, or None for a single-valued
        column (one value per row).
    n_rows : int
    cap : int
        Most combinations kept per row (:data:`MAX_CROSS_COMBINATIONS`).

    Returns
    -------
    rows : ndarray of int64
        The row of each combination, in row order.
    picks : list of ndarray of int64
        For each part, the position (a row for a single-valued one) of the
        combination's value.
    """
    rows = np.arange(n_rows, dtype=np.int64)
    picks: list[np.ndarray] = []
    for part in parts:
        if part is None:
            picks.append(rows)
            continue
        lengths = part.lengths[rows]
        first = np.repeat(part.starts[rows], lengths)
        group = Ragged.from_lengths(None, lengths).starts[:-1]
        inner = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
            group, lengths
        )
        picks = [pick.repeat(lengths) for pick in picks]
        picks.append(part.values[first + inner])
        rows = rows.repeat(lengths)
        if len(rows):  # the first `cap` of each row
            row_start = np.searchsorted(rows, rows, side="left")
            kept = np.arange(len(rows)) - row_start < cap
            if not kept.all():
                rows, picks = rows[kept], [pick[kept] for pick in picks]
    return rows, picks
