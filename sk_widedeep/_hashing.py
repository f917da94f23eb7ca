"""The vocabulary-free mode (``hash_buckets``): stable 64-bit hashing.

:class:`HashedColumn` hashes the values of a categorical column into a
fixed number of codes with a stable 64-bit hash (:func:`hash_values`), the
same in every process, session and machine; :class:`HashedCross` combines
the value hashes of several columns into one AND-feature, hashed into a
fixed number of codes. Code 0 is the other slot, as in
:mod:`._vocabulary`, whose small interface both classes share.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ._vocabulary import (
    FACTORIZE_FROM,
    OTHER,
    _check_hashable,
    check_kind,
    slot_name,
    value_kind,
)


def _mix64(keys: np.ndarray) -> np.ndarray:
    """Hash uint64 keys with the splitmix64 finalizer: fixed and well spread."""
    x = keys + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


EXPORT_REFUSAL = (
    "ONNX export of hash_buckets is not supported yet: fit the transformer with "
    "hash_buckets=None (vocabularies) to export it."
)
"""Why a hashed coder writes no graph (no ONNX operator hashes a string)."""

HASH_KEY = "0123456789123456"
"""Key of the SipHash-2-4 that :func:`pandas.util.hash_array` applies to
strings (pandas' default key, written out so that it cannot change under us)."""

_INT64_BOUND = 2.0**63
_FLOAT_TAG = np.uint64(0x5851F42D4C957F2D)
"""Mixed into the bits of a non-integral number, so that its hash is not the
hash of an integer with the same bits."""

_CROSS_SEED = np.uint64(0x2545F4914F6CDD1D)
"""Start of the chain of :func:`combine_hashes`."""

CANARY_VALUES = ("sk_widedeep", "Zürich", "", 7, -1, 2.5, True, 2**70)
"""Values hashed into :func:`hash_canary`: strings, integers, a float, a
boolean and a huge integer, so every branch of :func:`hash_values` counts."""


def _hash_strings(values: np.ndarray) -> np.ndarray:
    """SipHash-2-4 of the UTF-8 bytes of each string (uint64), via pandas."""
    return pd.util.hash_array(
        np.asarray(values, dtype=object),
        encoding="utf8",
        hash_key=HASH_KEY,
        categorize=False,
    )


def _hash_floats(floats: np.ndarray) -> np.ndarray:
    """Hash float64 numbers by value: integral ones as the int64 they equal."""
    integral = (
        (floats >= -_INT64_BOUND)
        & (floats < _INT64_BOUND)
        & (np.floor(floats) == floats)
    )
    as_int = np.where(integral, floats, 0.0).astype(np.int64).view(np.uint64)
    bits = np.ascontiguousarray(floats, dtype=np.float64).view(np.uint64)
    return np.where(integral, _mix64(as_int), _mix64(bits ^ _FLOAT_TAG))


def _hash_numbers(values: np.ndarray) -> np.ndarray:
    """Hash a numeric or boolean ndarray by value (uint64).

    A number equal to an integer in the int64 range hashes as that integer
    (``True``, ``7``, ``np.uint8(7)`` and ``7.0`` alike); any other number
    (``2.5``, ``inf``, ``2**70``) by its float64 bits.
    """
    kind = values.dtype.kind
    if kind == "b" or (kind == "u" and values.dtype.itemsize < 8):
        return _mix64(values.astype(np.uint64))
    if kind == "i":
        return _mix64(values.astype(np.int64).view(np.uint64))
    if kind == "u":  # uint64: beyond the int64 range, hash by float value
        hashes = _hash_floats(values.astype(np.float64))
        small = values < np.uint64(2**63)
        hashes[small] = _mix64(values[small])
        return hashes
    return _hash_floats(values.astype(np.float64))


def _hash_integers(values: np.ndarray) -> np.ndarray:
    """Hash an object array of integers (Python ints of any size) by value."""
    try:
        return _hash_numbers(values.astype(np.int64))
    except OverflowError:  # some beyond int64: sort them out one by one
        small = np.fromiter(
            (-(2**63) <= v < 2**63 for v in values), dtype=bool, count=len(values)
        )
        hashes = _hash_floats(values.astype(np.float64))
        hashes[small] = _hash_numbers(values[small].astype(np.int64))
        return hashes


def _hash_objects(values: np.ndarray, column: str) -> np.ndarray:
    """Hash an object array of present values: strings, numbers, booleans."""
    inferred = pd.api.types.infer_dtype(values, skipna=False)
    if inferred == "string":
        return _hash_strings(values)
    if inferred in ("floating", "boolean"):
        return _hash_numbers(values.astype(np.float64))
    if inferred == "integer":
        return _hash_integers(values)
    # mixed types: sort the values by type
    n = len(values)
    is_str = np.fromiter(map(isinstance, values, repeat(str)), dtype=bool, count=n)
    integral = (Integral, np.bool_)
    is_int = np.fromiter(map(isinstance, values, repeat(integral)), bool, count=n)
    real = (Real, Decimal)
    is_num = np.fromiter(map(isinstance, values, repeat(real)), bool, count=n)
    is_num &= ~is_int
    other = ~(is_str | is_int | is_num)
    if other.any():
        _check_hashable(values[other], column)
        bad = sorted({type(v).__name__ for v in values[other]})
        raise TypeError(
            f"Column {column!r} holds values of type {bad}, which hash_buckets "
            "cannot hash: every categorical argument must be a string or a "
            "number (or missing) to be hashed. Convert the column, e.g. to "
            "strings."
        )
    hashes = np.empty(n, dtype=np.uint64)
    hashes[is_str] = _hash_strings(values[is_str])
    hashes[is_int] = _hash_integers(values[is_int])
    hashes[is_num] = _hash_floats(values[is_num].astype(np.float64))
    return hashes


def hash_values(values, column: str = "x") -> tuple[np.ndarray, np.ndarray]:
    """Stable 64-bit hash of every value of a column, and which are present.

    The hash is a function of the value alone, the same in every process,
    Python session and machine (unlike Python's salted :func:`hash`):

    - a string hashes as the SipHash-2-4 of its UTF-8 bytes with the fixed key
      :data:`HASH_KEY` (:func:`pandas.util.hash_array`), then the splitmix64
      finalizer;
    - a number (or boolean) hashes by value, whatever the dtype of its
      column: one equal to an integer in the int64 range hashes as that
      integer (through the splitmix64 finalizer), so ``True``, ``1`` and
      ``1.0`` hash alike, and ``7`` the same in an int64, a float64, a
      nullable ``Int64`` or an object column; any other number (``2.5``,
      ``inf``, ``2**70``) by its float64 bits. The string ``"7"`` is not the
      number 7: it hashes as a string.

    Missing values (None, NaN, ``pd.NA``, ``pd.NaT``) are not present; their
    hash is meaningless. There is no Python loop over the rows; many rows of
    objects or strings are factorized first, so that each distinct value is
    hashed once.

    Returns
    -------
    hashes : ndarray of uint64
    present : ndarray of bool
    """
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        values = values.to_numpy()  # a plain ndarray in a pandas wrapper
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        hashes, _ = hash_values(np.asarray(values.categories), column)
        codes = np.asarray(values.codes)
        return np.append(hashes, np.uint64(0))[codes], codes >= 0
    if isinstance(values, np.ndarray) and dtype.kind in "biuf":
        present = ~np.isnan(values) if dtype.kind == "f" else np.ones(len(values), bool)
        return _hash_numbers(values), present
    if isinstance(values, np.ndarray) and dtype.kind in "mM":
        present = ~np.isnat(values)
        unit = "M8[ns]" if dtype.kind == "M" else "m8[ns]"
        return _hash_numbers(values.astype(unit).view(np.int64)), present
    if not isinstance(values, np.ndarray) and (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ):  # nullable numbers and booleans, pyarrow numbers
        numpy_dtype = np.dtype(getattr(dtype, "numpy_dtype", np.float64))
        present = ~np.asarray(pd.isna(values), dtype=bool)
        data = values.to_numpy(dtype=numpy_dtype, na_value=numpy_dtype.type(0))
        if numpy_dtype.kind == "f":
            present &= ~np.isnan(data)
        return _hash_numbers(data), present
    if len(values) <= FACTORIZE_FROM:  # few rows: hash them as they are
        if not isinstance(values, np.ndarray):
            values = values.to_numpy(dtype=object, na_value=None)
        present = ~np.asarray(pd.isna(values), dtype=bool)
        hashes = np.zeros(len(values), dtype=np.uint64)
        hashes[present] = _hash_objects(values[present].astype(object), column)
        return hashes, present
    # many rows: hash each distinct value once (missing: code -1)
    try:
        row_codes, uniques = pd.factorize(values)
    except TypeError:  # unhashable values: name the column and the fix
        _check_hashable(np.asarray(values, dtype=object), column)
        raise
    hashes = _hash_objects(np.asarray(uniques, dtype=object), column)
    return np.append(hashes, np.uint64(0))[row_codes], row_codes >= 0


def combine_hashes(hashes: Sequence[np.ndarray]) -> np.ndarray:
    """One 64-bit hash per row from several: a chain of :func:`_mix64`.

    ``h = mix(... mix(mix(seed ^ h_1) ^ h_2) ... ^ h_n)``: order matters, so
    ``(a, b)`` and ``(b, a)`` differ, and no product can overflow.
    """
    combined = np.full(len(hashes[0]), _CROSS_SEED, dtype=np.uint64)
    for h in hashes:
        combined = _mix64(combined ^ h.astype(np.uint64, copy=False))
    return combined


@functools.cache
def hash_canary() -> int:
    """Hash :data:`CANARY_VALUES` as this process does, into one integer.

    Stored by every hashed coder at fit, and compared at encode time: should
    a new pandas hash strings differently, the codes of a fitted model would
    silently change, and this comparison turns that into an error.
    """
    values = np.empty(len(CANARY_VALUES), dtype=object)
    values[:] = CANARY_VALUES
    hashes, _ = hash_values(values, "canary")
    return int(combine_hashes(list(hashes[:, None]))[0])


def _hashed_codes(hashes: np.ndarray, present: np.ndarray, n_codes: int):
    """``1 + hash % (n_codes - 1)`` where present, else 0 (int64)."""
    codes = (hashes % np.uint64(n_codes - 1)).astype(np.int64) + 1
    codes[~present] = 0
    return codes


def _hashed_labels(n_codes: int) -> list[str]:
    """Labels of hashed codes: the other slot, then ``#1 .. #n_codes-1``."""
    return [OTHER, *(f"#{k}" for k in range(1, n_codes))]


class HashedColumn:
    """A categorical column hashed into a fixed number of codes, no vocabulary.

    Code 0 is for missing values only; any other value, seen in fit or not,
    gets code ``1 + h % (hash_buckets - 1)``, with ``h`` its stable 64-bit
    hash (:func:`hash_values`). Fitting learns nothing about the values but
    their kind (numbers or strings), so that a column read with another dtype
    is refused as :class:`Vocabulary` refuses it: the memory used does not
    grow with the number of distinct values. Code ``k`` is labelled ``#k``.

    Parameters
    ----------
    hash_buckets : int
        Number of codes, the missing slot included (at least 2).
    column : str, default="x"
        Name of the column, for error messages.
    kind : {"number", "string"} or None, default=None
        Kind of the values seen in fit (see :func:`value_kind`).
    canary : int or None, default=None
        :func:`hash_canary` at fit time; ``None`` takes this process's.
    pandas_version : str or None, default=None
        Version of pandas at fit time, for error messages; ``None`` takes
        this one's.
    """

    def __init__(
        self,
        hash_buckets: int,
        column: str = "x",
        kind: str | None = None,
        canary: int | None = None,
        pandas_version: str | None = None,
    ):
        self.hash_buckets = int(hash_buckets)
        self.column = column
        self.kind = kind
        self.canary = hash_canary() if canary is None else int(canary)
        self.pandas_version = pandas_version or pd.__version__

    @classmethod
    def fit(cls, values, hash_buckets: int, column: str) -> HashedColumn:
        """Learn the kind of the values (numbers or strings), and nothing else."""
        return cls(hash_buckets, column, value_kind(values))

    @property
    def n_codes(self) -> int:
        """Number of codes, the missing slot included: ``hash_buckets``."""
        return self.hash_buckets

    @property
    def labels(self) -> list[str]:
        """Label of each code: ``<other>``, then ``#1 .. #(hash_buckets - 1)``."""
        return _hashed_labels(self.n_codes)

    @property
    def exact_keys(self) -> list[tuple]:
        """Exact key of each code: code ``k`` of ``hash_buckets`` codes.

        A hashed code holds other values under another ``hash_buckets``, so
        the number of codes is part of the key (of code 0's too: no value of
        a vocabulary's other slot, unknown or rare, is in it).
        """
        return [("hash", k, self.n_codes) for k in range(self.n_codes)]

    def hash(self, values) -> tuple[np.ndarray, np.ndarray]:
        """Hash each value (uint64) and tell whether it is present.

        Refuses values of another kind than in fit, and a hash function that
        changed since fit.
        """
        check_canary(self.canary, self.column, self.pandas_version)
        check_kind(
            self.kind,
            values,
            self.column,
            "",
            "which hash to other codes than the values seen in fit",
        )
        return hash_values(values, self.column)

    def codes(self, hashes: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Codes (int64) from :meth:`hash`'s output."""
        return _hashed_codes(hashes, present, self.hash_buckets)

    def write_codes(self, graph, column, text: bool = False):
        """Refuse: ONNX has no operator that hashes a string (docs/serving.rst)."""
        raise NotImplementedError(EXPORT_REFUSAL)

    def encode(self, values) -> np.ndarray:
        """Map values to codes (int64); missing values to 0."""
        return self.codes(*self.hash(values))


def check_canary(canary: int, column: str, pandas_version: str) -> None:
    """Refuse to hash when this process hashes differently than fit did."""
    if canary != hash_canary():
        raise ValueError(
            f"Column {column!r} was hashed (hash_buckets) in fit by a hash that "
            f"differs from this process's (pandas {pandas_version} in fit, "
            f"{pd.__version__} now): every value would get another code than "
            "the model learned. Use the versions of pandas and sk_widedeep the "
            "model was fitted with, or fit the model again."
        )


class HashedCross:
    """An AND-feature of hashed columns, in a fixed number of codes.

    The 64-bit value hashes of the components (:meth:`HashedColumn.hash`;
    a bucketized numeric component contributes its bucket code) are chained
    through :func:`combine_hashes`, and each row gets code
    ``1 + h % (hash_buckets - 1)``; a row with a missing component gets code
    0. Nothing is learned in fit. Combining the value hashes, not the
    columns' codes, adds no collisions of the columns' own and cannot
    overflow.

    Parameters
    ----------
    hash_buckets : int
        Number of codes, the other slot included (at least 2).
    """

    def write_codes(self, graph, key):
        """Refuse: ONNX has no operator that hashes a string (docs/serving.rst)."""
        raise NotImplementedError(EXPORT_REFUSAL)

    def __init__(self, hash_buckets: int):
        self.hash_buckets = int(hash_buckets)

    @property
    def n_codes(self) -> int:
        """Number of codes, the other slot included: ``hash_buckets``."""
        return self.hash_buckets

    def labels(
        self, columns: Sequence[str], component_labels: Sequence[list[str]] = ()
    ) -> list[str]:
        """Name each code: ``a&b=<other>``, then ``a&b=#1`` and so on."""
        return [slot_name(columns, label) for label in _hashed_labels(self.n_codes)]

    def exact_keys(
        self, columns: Sequence[str], component_keys: Sequence[list[tuple]] = ()
    ) -> list[tuple]:
        """Exact key of each code: the columns, and code ``k`` of ``n_codes``."""
        columns = tuple(columns)
        return [
            ("cross", columns, ("hash", k, self.n_codes)) for k in range(self.n_codes)
        ]

    def encode(
        self,
        component_hashes: Sequence[np.ndarray],
        component_codes: Sequence[np.ndarray],
    ) -> np.ndarray:
        """Code of each row (int64) from its components' hashes and codes.

        A component whose code is 0 (missing) sends the row to code 0.
        """
        present = np.logical_and.reduce([codes > 0 for codes in component_codes])
        return _hashed_codes(combine_hashes(component_hashes), present, self.n_codes)


def check_hashing(min_frequency, hash_buckets) -> None:
    """Refuse ``min_frequency`` with ``hash_buckets``: hashing keeps no counts."""
    if hash_buckets is not None and min_frequency is not None:
        raise ValueError(
            f"min_frequency={min_frequency!r} drops values seen rarely in "
            f"fit, but hash_buckets={hash_buckets!r} keeps no counts of "
            "values to drop them by. Set min_frequency=None to hash every "
            "value, or hash_buckets=None to keep vocabularies."
        )
