"""The one place where raw values become integer codes.

Every feature the two transformers produce is an integer code per row, with
code 0 reserved for the "other" slot: a value that is unknown (not seen in
training) or rare (seen fewer than ``min_frequency`` times). A missing value
is not an unknown one: a categorical column's missing values have a slot of
their own, the last code (:attr:`Vocabulary.missing_code`), so that a value
never seen in fit is not read as the missing values of fit were (rows with a
missing name may be mostly of one class; a new name has no reason to be).
For numbers (:class:`Buckets`, :class:`NumberCodes`) every value has a
bucket and code 0 is the missing slot. Four
kinds of coded features exist, each with the same small interface
(``encode``, ``n_codes``, ``labels`` to name the codes, ``exact_keys`` to
match them exactly, e.g. for warm start, ``unseen_codes`` for the codes of
the values seen in fit, and ``write_codes`` to write the encoding into an
exported graph); a column's coder also says whether it reads the column as
floats (``reads_floats``) and whether it hashes (``hashed``), and a cross's
whether it combines hashes (``reads_hashes``), so that the transformers
and the export never ask a coder its type:

- :class:`Vocabulary` maps the values of a categorical column to codes
  ``1..n``, by binary search for numbers and a dict lookup otherwise;
- :class:`Buckets` cuts a numeric column at quantile edges;
- :class:`NumberCodes` gives the frequent numbers of a column codes of their
  own and buckets the others, so that a network can embed numbers;
- :class:`Cross` combines the codes of several columns into one AND-feature,
  arithmetically (a mixed-radix key per row, never joined strings), and maps
  the keys through their own vocabulary.

The vocabulary-free mode (``hash_buckets``) has two more, whose size is fixed
before any data is seen: ``HashedColumn`` and ``HashedCross``, in
:mod:`._hashing`.

Only numpy and pandas are used here: no estimator, no torch.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from itertools import repeat
from numbers import Integral

import numpy as np
import pandas as pd

OTHER = "<other>"
"""Label of code 0 in feature names: unknown and rare values (and missing
numbers, which have no other slot)."""

MISSING = "<missing>"
"""Label of a categorical column's missing slot, its last code."""

FACTORIZE_FROM = 1000
"""From this many rows, :meth:`Vocabulary.encode` factorizes the values first
and looks up only the distinct ones (4x faster on 50,000 strings; slower on a
few rows, where a direct lookup per value wins)."""


def feature_name(columns: Sequence[str], labels: Sequence[str]) -> str:
    """Name one output slot, e.g. ``education=Bachelors&occupation=Sales``."""
    return "&".join(
        f"{column}={label}" for column, label in zip(columns, labels, strict=True)
    )


def slot_name(columns: Sequence[str], label: str) -> str:
    """Name a slot that belongs to the whole feature, e.g. ``a&b=<other>``."""
    return f"{'&'.join(columns)}={label}"


OTHER_KEY = ("other",)
"""Exact key of code 0 (``exact_keys``): the other slot of any coder."""

MISSING_KEY = ("missing",)
"""Exact key of a vocabulary's missing slot (``exact_keys``)."""


def number_labels(values) -> list[str]:
    """Name numbers briefly and distinctly: ``25``, ``1234567``, ``-1.0298``.

    An integer (below 1e15) is written in full; any other number with 6
    significant digits (``'{:g}'``), or more where that would name two of
    ``values`` alike. Names are for reading: exact matching goes through the
    coders' ``exact_keys``.
    """
    values = [float(v) for v in values]
    for digits in (6, 9, 12, 17):
        texts = [
            f"{v:.0f}" if v.is_integer() and abs(v) < 1e15 else f"{v:.{digits}g}"
            for v in values
        ]
        if len(set(texts)) == len(texts):
            break
    return texts


def _value_key(value):
    """Key of a kept categorical value: the value itself, as a Python scalar."""
    return ("value", value.item() if isinstance(value, np.generic) else value)


def _bucket_keys(edges: np.ndarray) -> list[tuple]:
    """Key of each bucket: its exact bounds."""
    bounds = [-np.inf, *map(float, edges), np.inf]
    return [("bucket", lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def count_threshold(min_frequency: float | None, n_samples: int) -> float:
    """Smallest count a value needs to get its own code.

    ``None`` keeps every value seen at least once; an int is a count; a float
    in (0, 1) is a fraction of ``n_samples`` (as in scikit-learn's encoders).
    """
    if min_frequency is None:
        return 1
    if isinstance(min_frequency, Integral):
        return max(int(min_frequency), 1)
    return max(min_frequency * n_samples, 1)


def _sorted(values: np.ndarray) -> np.ndarray:
    """Sort unique values; mixed types sort by type name first."""
    try:
        return np.sort(values)
    except TypeError:
        order = sorted(range(len(values)), key=lambda i: _mixed_key(values[i]))
        return values[np.asarray(order, dtype=np.intp)]


def _mixed_key(value):
    return (type(value).__name__, value)


def _check_hashable(values, column: str) -> None:
    """Reject values that cannot be categories (dicts, lists, ...), by column."""
    bad = {type(v).__name__ for v in values if not isinstance(v, Hashable)}
    if bad:
        raise TypeError(
            f"Column {column!r} holds values of type {sorted(bad)}: every categorical "
            "argument must be a string or a number (or missing). Convert the "
            "column, e.g. to strings."
        )


NUMBER_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "decimal"})
"""What :func:`pandas.api.types.infer_dtype` calls a column of numbers."""


def value_kind(values) -> str | None:
    """Tell whether a column holds numbers or strings (None: neither, or both).

    Missing values do not count; a column with nothing else, or with values
    of several kinds, has no kind. Booleans count as numbers (they equal 0
    and 1). Numeric dtypes are judged by their dtype, objects by their values.
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return value_kind(np.asarray(values.categories))
    if isinstance(dtype, pd.StringDtype):
        return "string"
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return None if pd.isna(values).all() else "number"
    if pd.api.types.is_object_dtype(dtype):
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        if inferred == "string":
            return "string"
        if inferred in NUMBER_KINDS or inferred == "boolean":
            return "number"
    return None


class Vocabulary:
    """The known values of one categorical column.

    Code ``k >= 1`` stands for ``categories[k - 1]``; code 0 for every other
    value, unknown or rare; the last code, ``len(categories) + 1``, for a
    missing value (``None``, NaN, NaT, ``pd.NA``). Numbers are looked up by
    binary search in the sorted categories, other values through a dict,
    both without a Python loop over the rows.

    A column whose values were all numbers in fit and are all strings now
    (or the reverse) is refused: none of its values could be known, which is
    a sign of a column read with another dtype (``"7"`` is not ``7``).

    Parameters
    ----------
    categories : ndarray
        The kept values, sorted and unique.
    column : str, default="x"
        Name of the column, for error messages.
    """

    hashed = False
    """Its codes come from the values, not from their hashes."""

    reads_floats = False
    """It reads the column's values as they are."""

    def __init__(self, categories: np.ndarray, column: str = "x"):
        self.__setstate__({"categories": categories, "column": column})

    def unseen_codes(self) -> tuple[int, int]:
        """Return the codes of the values seen in fit: ``range(*unseen_codes())``.

        Code 0 is the unseen slot, the missing slot (last) is left out.
        """
        return 1, 1 + len(self.categories)

    def __getstate__(self) -> dict:
        """State for pickling: the categories; the lookup dict is rebuilt."""
        return {"categories": self.categories, "column": self.column}

    def __setstate__(self, state: dict) -> None:
        """Restore from :meth:`__getstate__`, rebuilding the lookup dict."""
        self.categories = state["categories"]
        self.column = state["column"]
        self.kind = value_kind(self.categories)
        # Dates and durations are keyed as pandas scalars: before numpy 2, a
        # datetime64[ns] hashes unlike the Timestamp equal to it, so a lookup
        # of a Timestamp would miss (and every date would be unknown).
        keys = self.categories
        if keys.dtype.kind in "mM":
            keys = pd.Index(keys)
        self._codes = {value: code for code, value in enumerate(keys, start=1)}

    @classmethod
    def fit(
        cls, values, min_frequency: float | None, column: str, n_rows=None
    ) -> Vocabulary:
        """Keep the values seen at least ``min_frequency`` times, sorted.

        Missing values are never kept. ``column`` names the column in errors.
        A fraction ``min_frequency`` is of ``n_rows`` (of the values when
        None; a multi-valued column has more values than rows).
        """
        if pd.api.types.infer_dtype(values, skipna=True) == "mixed":
            _check_hashable(values, column)
        counts = pd.Series(values, copy=False).value_counts(dropna=True)
        return cls.from_counts(
            counts.index.to_numpy(),
            counts.to_numpy(),
            min_frequency,
            column,
            len(values) if n_rows is None else n_rows,
        )

    @classmethod
    def from_counts(cls, values, counts, min_frequency, column, n_rows):
        """Keep the distinct ``values`` whose ``counts`` reach ``min_frequency``."""
        threshold = count_threshold(min_frequency, n_rows)
        kept = values[counts >= threshold]
        if kept.dtype.kind == "f":  # -0.0 and 0.0 are one value: name it 0.0
            kept = kept + 0.0
        return cls(_sorted(kept), column)

    @property
    def n_codes(self) -> int:
        """Number of codes, the other and the missing slots included."""
        return len(self.categories) + 2

    @property
    def missing_code(self) -> int:
        """The code of a missing value: the last one."""
        return len(self.categories) + 1

    @property
    def labels(self) -> list[str]:
        """Label of each code: the other slot, the values, the missing slot."""
        return [OTHER, *map(str, self.categories), MISSING]

    @property
    def exact_keys(self) -> list[tuple]:
        """Exact key of each code: the value itself (``7`` is not ``"7"``)."""
        return [OTHER_KEY, *map(_value_key, self.categories), MISSING_KEY]

    def encode(self, values) -> np.ndarray:
        """Map values to codes (int64): unknown ones to 0, missing ones to the last."""
        if isinstance(values, pd.arrays.NumpyExtensionArray):
            values = values.to_numpy()  # a plain ndarray in a pandas wrapper
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Look up each category once, then index by the integer codes;
            # code -1 (missing) picks the appended missing code.
            categories = np.asarray(values.categories)
            lookup = np.append(self._codes_of(categories), self.missing_code)
            lookup[:-1][self._missing(categories)] = self.missing_code
            return lookup[values.codes]
        codes = self._codes_of(values)
        codes[self._missing(values)] = self.missing_code
        return codes

    @property
    def numeric(self) -> bool:
        """Whether the values are numbers (compared as numbers in a graph)."""
        return self.categories.dtype.kind in "iuf"

    def write_codes(self, graph, column, text: bool):
        """Write this encoding of ``column`` into an ONNX graph: int64 (N, 1).

        ``graph`` is the export's writer (:mod:`sk_widedeep.onnx`): nodes,
        constants and the forms of its inputs. A string input is looked up
        in a ``LabelEncoder``, its missing forms to the missing slot unless
        they were values in fit; numbers are compared exactly, in double
        precision, NaN to the missing slot.
        """
        if not text:
            x = graph.double(column)
            codes = graph.exact_codes(x, self.categories)
            missing = graph.node("IsNaN", [x], "missing")
            missing_code = graph.constant(np.array([[self.missing_code]]))
            return graph.node("Where", [missing, missing_code, codes], "codes")
        keys = graph.texts(self.categories)
        values = list(range(1, len(keys) + 1))
        for missing in graph.missing_texts:  # missing, unless a value in fit
            if missing not in keys:
                keys, values = [*keys, missing], [*values, self.missing_code]
        return graph.node(
            "LabelEncoder",
            [column],
            "codes",
            domain="ai.onnx.ml",
            values_int64s=values,
            default_int64=0,
            keys_strings=keys,
        )

    def _missing(self, values) -> np.ndarray:
        """Tell which values are missing.

        None, NaN, NaT, ``pd.NA``, and ``""`` in a column of strings that did
        not hold ``""`` in fit: the exported graph cannot tell ``""`` from a
        missing string, so neither does Python.
        """
        missing = np.asarray(pd.isna(values), dtype=bool)
        if self.kind == "string" and "" not in self._codes:
            empty = pd.Series(values, copy=False) == ""
            missing |= empty.fillna(False).to_numpy(dtype=bool)
        return missing

    def _codes_of(self, values) -> np.ndarray:
        """Codes of values (int64); unknown and missing ones 0."""
        kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else None
        if kind in ("M", "m") and self.categories.dtype.kind == kind:
            # Dates or durations (any unit) against those of fit: binary search
            # in the fitted unit; NaT is found nowhere, so it is code 0.
            dates = np.asarray(values).astype(self.categories.dtype)
            return _search(self.categories, dates)
        numeric = isinstance(values, np.ndarray) and values.dtype.kind in "biuf"
        if numeric and self.categories.dtype.kind in "biuf":
            return _search(self.categories, values)
        if len(values) > FACTORIZE_FROM:
            # Many rows: look each distinct value up once (missing: code -1).
            try:
                row_codes, uniques = pd.factorize(values)
            except TypeError:  # unhashable values: name the column and the fix
                _check_hashable(np.asarray(values, dtype=object), self.column)
                raise
            uniques = np.asarray(uniques, dtype=object)
            self._check_kind(uniques)
            return np.append(self._lookup(uniques), 0)[row_codes]  # -1: the 0
        self._check_kind(values)
        if hasattr(values, "to_numpy"):  # pandas extension arrays
            values = values.to_numpy(dtype=object)
        return self._lookup(values)

    def _check_kind(self, values) -> None:
        """Refuse numbers where fit saw strings, and strings where it saw numbers."""
        check_kind(
            self.kind,
            values,
            self.column,
            f" (e.g. {_show(self.categories[0])})" if self.kind is not None else "",
            "none of which the model knows",
        )

    def _lookup(self, values: np.ndarray) -> np.ndarray:
        """Codes of an object array, through the dict (in C: map over dict.get)."""
        try:
            return np.fromiter(
                map(self._codes.get, values, repeat(0)),
                dtype=np.int64,
                count=len(values),
            )
        except TypeError:  # unhashable values (a list in a cell): name the column
            _check_hashable(values, self.column)
            raise


def check_kind(kind: str | None, values, column: str, seen: str, why: str) -> None:
    """Refuse a column whose values are no longer of the ``kind`` seen in fit.

    ``seen`` describes the values of fit (e.g. `` (e.g. 'Paris')``), ``why``
    says why the new values cannot be coded.
    """
    if kind is None:
        return
    now = value_kind(values)
    if now is None or now == kind:
        return
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = np.asarray(values.categories)
    example = next(v for v in values if not pd.isna(v))
    fix = "X[c].astype(str)" if kind == "string" else "pd.to_numeric(X[c])"
    raise ValueError(
        f"Column {column!r} held {kind}s in fit{seen} but holds {now}s now (e.g. "
        f"{_show(example)}), {why}. Convert it to the type it had in fit, with "
        f"c = {column!r}: {fix}."
    )


def _show(value) -> str:
    """Repr of a value for messages: ``7``, not ``np.int64(7)``."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _search(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Code (position + 1) of each value in ``sorted_values``, 0 if absent."""
    if len(sorted_values) == 0:
        return np.zeros(len(values), dtype=np.int64)
    positions = np.searchsorted(sorted_values, values)
    found = sorted_values[np.minimum(positions, len(sorted_values) - 1)] == values
    return np.where(found, positions + 1, 0)


class Buckets:
    """Quantile buckets of one numeric column.

    Code 0 is for missing values, codes ``1..len(edges) + 1`` for the buckets
    ``(-inf, edges[0])``, ``[edges[0], edges[1])``, ..., ``[edges[-1], inf)``.

    Parameters
    ----------
    edges : ndarray of float
        The inner bucket edges, sorted and unique.
    """

    hashed = False
    """Its codes come from the values."""

    reads_floats = True
    """It reads the column as float64, missing values as NaN."""

    def unseen_codes(self) -> None:
        """Return None: every number has a bucket, so there is no unseen slot."""
        return None

    def __init__(self, edges: np.ndarray):
        self.edges = edges

    @classmethod
    def fit(cls, values: np.ndarray, n_bins: int) -> Buckets:
        """Cut at the ``1/n_bins, ..., (n_bins-1)/n_bins`` quantiles.

        Only finite values count. Edges are observed values (the next value up
        from each quantile), so integer data gets integer edges; equal edges
        merge, so a column with few distinct values gets fewer buckets.
        """
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return cls(np.empty(0))
        levels = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
        return cls(np.unique(np.quantile(finite, levels, method="higher")))

    @property
    def n_codes(self) -> int:
        """Number of codes, the missing slot included."""
        return len(self.edges) + 2

    @property
    def labels(self) -> list[str]:
        """Label of each code, e.g. ``[25, 33)``, starting with the other slot."""
        bounds = ["-inf", *number_labels(self.edges), "inf"]
        intervals = [
            f"{'(' if lo == '-inf' else '['}{lo}, {hi})"
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        return [OTHER, *intervals]

    @property
    def exact_keys(self) -> list[tuple]:
        """Exact key of each code: the missing slot, then each bucket's bounds."""
        return [OTHER_KEY, *_bucket_keys(self.edges)]

    def encode(self, values: np.ndarray) -> np.ndarray:
        """Map float values to bucket codes (int64); NaN to 0."""
        codes = np.searchsorted(self.edges, values, side="right").astype(np.int64) + 1
        codes[np.isnan(values)] = 0
        return codes

    def write_codes(self, graph, column, text: bool = False):
        """Write this encoding into an ONNX graph (see :meth:`Vocabulary.write_codes`).

        A code is 1 + the number of edges at or below the value; NaN is 0.
        """
        x = graph.double(column)
        edges = graph.constant(self.edges.astype(np.float64).reshape(1, -1))
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


class NumberCodes:
    """Codes that let a network embed a numeric column.

    A number seen at least ``min_frequency`` times in fit is a category of
    its own (capital gains of exactly 7,688, an age of 25); any other number
    falls in one of the quantile buckets cut from the other numbers. Code 0
    is for missing values; codes ``1..len(values)`` are the frequent values;
    then come the buckets.

    Parameters
    ----------
    values : ndarray of float
        The frequent values, sorted.
    buckets : Buckets
        Buckets of the other values.
    """

    hashed = False
    """Its codes come from the values."""

    reads_floats = True
    """It reads the column as float64, missing values as NaN."""

    def unseen_codes(self) -> None:
        """Return None: every number has a code, so there is no unseen slot."""
        return None

    def __init__(self, values: np.ndarray, buckets: Buckets):
        self.values = values
        self.buckets = buckets

    @classmethod
    def fit(cls, values: np.ndarray, min_frequency: int, n_bins: int) -> NumberCodes:
        """Find the frequent values, and bucket the others."""
        present = values[~np.isnan(values)]
        unique, counts = np.unique(present, return_counts=True)
        frequent = unique[counts >= min_frequency]
        others = present[~np.isin(present, frequent)]
        return cls(frequent, Buckets.fit(others, n_bins))

    @property
    def n_codes(self) -> int:
        """Number of codes, the missing slot included."""
        return 1 + len(self.values) + self.buckets.n_codes - 1

    @property
    def labels(self) -> list[str]:
        """Label of each code: the other slot, the values, then the buckets."""
        return [OTHER, *number_labels(self.values), *self.buckets.labels[1:]]

    @property
    def exact_keys(self) -> list[tuple]:
        """Exact key of each code: the value, or the bucket's bounds."""
        values = [("number", float(v)) for v in self.values]
        return [OTHER_KEY, *values, *_bucket_keys(self.buckets.edges)]

    def write_codes(self, graph, column, text: bool = False):
        """Write this encoding into an ONNX graph, as :meth:`Vocabulary.write_codes`."""
        x = graph.double(column)
        frequent = graph.exact_codes(x, self.values)
        bucket = self.buckets.write_codes(graph, x)
        bucket = graph.node(
            "Add", [bucket, graph.constant(np.array([[len(self.values)]]))], "b"
        )
        is_frequent = graph.node(
            "Greater", [frequent, graph.constant(np.array([[0]]))], "f"
        )
        codes = graph.node("Where", [is_frequent, frequent, bucket], "codes")
        missing = graph.node("IsNaN", [x], "missing")
        return graph.node(
            "Where", [missing, graph.constant(np.array([[0]])), codes], "codes"
        )

    def encode(self, values: np.ndarray) -> np.ndarray:
        """Map float values to codes (int64); NaN to 0."""
        codes = _search(self.values, values)
        bucketed = codes == 0
        codes[bucketed] = self.buckets.encode(values[bucketed]) + len(self.values)
        codes[np.isnan(values)] = 0
        return codes


class Cross:
    """An AND-feature over the codes of several columns.

    Each row's component codes make one mixed-radix integer key; a row with
    any component in its other slot (code 0) goes to the cross's other slot.
    The keys seen at least ``min_frequency`` times get codes ``1..n``. (With
    ``hash_buckets``, :class:`HashedCross` replaces this class.)

    Parameters
    ----------
    radices : tuple of int
        Number of known values (codes minus one) of each component.
    keys : ndarray of int64
        The kept keys, sorted.
    """

    def unseen_codes(self) -> tuple[int, int]:
        """Return the codes of the combinations seen in fit (a range's bounds)."""
        return 1, self.n_codes

    def __init__(self, radices: tuple[int, ...], keys: np.ndarray):
        self.radices = radices
        self.keys = keys

    @classmethod
    def fit(
        cls,
        component_codes: Sequence[np.ndarray],
        component_n_codes: Sequence[int],
        min_frequency: float | None,
        columns: Sequence[str],
    ) -> Cross:
        """Learn the kept keys of the cross."""
        radices = tuple(max(n - 1, 1) for n in component_n_codes)
        if np.prod(radices, dtype=object) >= 2**63:
            raise ValueError(
                f"The cross {'&'.join(columns)} has more possible values than an "
                "int64 key holds. Set hash_buckets to hash it into a fixed number "
                "of slots."
            )
        keys = cls(radices, np.empty(0, dtype=np.int64))._keys(component_codes)
        keys = keys[keys >= 0]
        unique, counts = np.unique(keys, return_counts=True)
        threshold = count_threshold(min_frequency, len(component_codes[0]))
        return cls(radices, unique[counts >= threshold])

    def _keys(self, component_codes: Sequence[np.ndarray]) -> np.ndarray:
        """Mixed-radix key per row (int64); -1 where a component is other."""
        keys = np.zeros(len(component_codes[0]), dtype=np.uint64)
        valid = np.ones(len(keys), dtype=bool)
        for codes, radix in zip(component_codes, self.radices, strict=True):
            valid &= codes > 0
            keys = keys * np.uint64(radix) + (codes - 1).astype(np.uint64)
        keys = keys.astype(np.int64)
        keys[~valid] = -1
        return keys

    @property
    def n_codes(self) -> int:
        """Number of codes, the other slot included."""
        return len(self.keys) + 1

    def _components(self) -> list[np.ndarray]:
        """Each column's code in every kept key: the mixed radix undone."""
        parts = []
        rest = self.keys.copy()
        for radix in reversed(self.radices):  # the last column varies fastest
            parts.append(rest % radix + 1)
            rest //= radix
        return parts[::-1]

    def labels(
        self, columns: Sequence[str], component_labels: Sequence[list[str]]
    ) -> list[str]:
        """Name each code, e.g. ``education=Bachelors&occupation=Sales``."""
        parts = self._components()
        names = [
            feature_name(
                columns,
                [labels[c] for labels, c in zip(component_labels, row, strict=True)],
            )
            for row in zip(*parts, strict=True)
        ]
        return [slot_name(columns, OTHER), *names]

    def exact_keys(
        self, columns: Sequence[str], component_keys: Sequence[list[tuple]]
    ) -> list[tuple]:
        """Exact key of each code: the columns and each component's key."""
        parts = self._components()
        columns = tuple(columns)
        return [
            ("cross", columns, OTHER_KEY),
            *(
                (
                    "cross",
                    columns,
                    tuple(k[c] for k, c in zip(component_keys, row, strict=True)),
                )
                for row in zip(*parts, strict=True)
            ),
        ]

    def encode(self, component_codes: Sequence[np.ndarray]) -> np.ndarray:
        """Map each row's component codes to the cross's code (int64)."""
        return _search(self.keys, self._keys(component_codes))

    reads_hashes = False
    """Its codes come from the components' codes alone."""

    def write_codes(self, graph, codes, hashes=None):
        """Write the code of each combination of ``codes`` into an ONNX graph.

        ``codes`` are the components' int64 codes (tensors that broadcast
        against each other); their mixed-radix key (-1 where a component is
        in its other slot) is looked up: a key seen in fit has its code, any
        other code 0. ``hashes`` is not read (:class:`HashedCross` reads it).
        """
        key = valid = None
        for code, radix in zip(codes, self.radices, strict=True):
            minus_one = graph.node("Sub", [code, graph.constant(np.array(1))], "c")
            if key is None:
                key = minus_one
            else:
                scaled = graph.node("Mul", [key, graph.constant(np.array(radix))], "k")
                key = graph.node("Add", [scaled, minus_one], "key")
            positive = graph.node("Greater", [code, graph.constant(np.array(0))], "v")
            valid = (
                positive if valid is None else graph.node("And", [valid, positive], "v")
            )
        key = graph.node("Where", [valid, key, graph.constant(np.array(-1))], "key")
        return graph.node(
            "LabelEncoder",
            [key],
            "cross",
            domain="ai.onnx.ml",
            keys_int64s=[int(k) for k in self.keys],
            values_int64s=list(range(1, len(self.keys) + 1)),
            default_int64=0,
        )
