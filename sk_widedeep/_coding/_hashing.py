"""The vocabulary-free mode (``hash_buckets``): stable 64-bit hashing.

:class:`HashedColumn` hashes the values of a categorical column into a
fixed number of codes with a stable 64-bit hash (:func:`hash_values`), the
same in every process, session and machine; :class:`HashedCross` combines
the value hashes of several columns into one AND-feature, hashed into a
fixed number of codes. Code 0 is the other slot, as in
:mod:`._vocabulary`, whose small interface both classes share.

Strings are hashed with TensorFlow's ``Hash64`` (:data:`STRING_HASH`), which
onnxruntime-extensions computes inside an ONNX graph (its
``StringToHashBucket`` operator), so that a hashed model can be exported;
models fitted before it hashed strings with SipHash (``"siphash"``), which
they keep, in Python only. Each class also writes its hashing into an ONNX
graph (``write_hashes``, ``write_codes``), with the unsigned 64-bit integer
operators of opset 18 (:func:`write_mix64`, :func:`write_number_hashes`).
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


STRING_HASH = "hash64"
"""The hash of strings in new fits: TensorFlow's ``Hash64`` of the UTF-8
bytes (a MurmurHash64A with seed ``0xDECAFCAFFE`` whose last step always
multiplies), modulo :data:`HASH64_MODULUS`: what onnxruntime-extensions'
``StringToHashBucket`` gives with that many buckets."""

STRING_HASHES = ("hash64", "siphash")
"""The string hashes a hashed column may use; ``"siphash"`` is SipHash-2-4
(:func:`pandas.util.hash_array`), that of models fitted before
:data:`STRING_HASH`, which no ONNX runtime computes."""

HASH64_MODULUS = 2**63 - 1
"""The largest bucket count onnxruntime-extensions takes (an int64)."""

_HASH64_SEED = np.uint64(0xDECAFCAFFE)
_HASH64_MULTIPLIER = np.uint64(0xC6A4A7935BD1E995)
_HASH64_SHIFT = np.uint64(47)

CONTRIB_DOMAIN = "ai.onnx.contrib"
"""The operator domain of onnxruntime-extensions."""

HASHED_OPSET = 19
"""The opset a graph that hashes needs (``BitwiseXor`` and ``BitwiseOr``
came in 18, ``Equal`` of strings in 19)."""

_UINT64, _INT64, _DOUBLE = 13, 7, 11  # ONNX element types


def _u64(graph, value):
    return graph.constant(np.array(value, dtype=np.uint64))


def _f64(graph, value):
    return graph.constant(np.array(value, dtype=np.float64))


def _shift_right(graph, x, bits):
    return graph.node("BitShift", [x, _u64(graph, bits)], "s", direction="RIGHT")


def write_where(graph, condition, a, b):
    """Write ``Where`` of uint64 tensors (onnxruntime has none): through int64.

    A cast between int64 and uint64 keeps the bits.
    """
    a, b = (graph.node("Cast", [x], "i", to=_INT64) for x in (a, b))
    chosen = graph.node("Where", [condition, a, b], "w")
    return graph.node("Cast", [chosen], "u", to=_UINT64)


def write_mix64(graph, keys):
    """Write :func:`_mix64` into an ONNX graph: uint64 keys in, uint64 out."""
    x = graph.node("Add", [keys, _u64(graph, 0x9E3779B97F4A7C15)], "x")
    for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        x = graph.node("BitwiseXor", [x, _shift_right(graph, x, shift)], "x")
        x = graph.node("Mul", [x, _u64(graph, factor)], "x")
    return graph.node("BitwiseXor", [x, _shift_right(graph, x, 31)], "h")


def write_float_bits(graph, x):
    """Write the float64 bits of ``x`` (doubles, no NaN) as uint64.

    ONNX has no bit cast, so the bits are computed: the exponent from the
    logarithm, corrected by exact comparisons with powers of two (``Pow`` of
    2 and a multiplication by one are exact), the mantissa by an exact
    division; subnormal numbers and infinities apart.
    """

    def as_u64(tensor):
        return graph.node(
            "Cast", [graph.node("Cast", [tensor], "i", to=_INT64)], "u", to=_UINT64
        )

    magnitude = graph.node("Abs", [x], "a")
    infinite = graph.node("IsInf", [magnitude], "inf")
    subnormal = graph.node("Less", [magnitude, _f64(graph, 2.0**-1022)], "sub")
    special = graph.node("Or", [infinite, subnormal], "special")
    a = graph.node("Where", [special, _f64(graph, 1.0), magnitude], "a")
    log2 = graph.node(
        "Div", [graph.node("Log", [a], "ln"), _f64(graph, np.log(2.0))], "l"
    )
    exponent = graph.node("Floor", [log2], "e")
    for _ in range(2):  # the logarithm may be one off near a power of two
        power = graph.node("Pow", [_f64(graph, 2.0), exponent], "p")
        above = graph.node("Greater", [power, a], "hi")
        twice = graph.node("Mul", [power, _f64(graph, 2.0)], "p2")
        below = graph.node("LessOrEqual", [twice, a], "lo")
        exponent = graph.node(
            "Add",
            [
                exponent,
                graph.node(
                    "Sub",
                    [
                        graph.node("Cast", [below], "b", to=_DOUBLE),
                        graph.node("Cast", [above], "b", to=_DOUBLE),
                    ],
                    "d",
                ),
            ],
            "e",
        )
    power = graph.node("Pow", [_f64(graph, 2.0), exponent], "p")
    fraction = graph.node(
        "Mul",
        [
            graph.node(
                "Sub", [graph.node("Div", [a, power], "m"), _f64(graph, 1.0)], "f"
            ),
            _f64(graph, 2.0**52),
        ],
        "f",
    )
    biased = as_u64(graph.node("Add", [exponent, _f64(graph, 1023.0)], "b"))
    normal = graph.node(
        "BitwiseOr",
        [
            graph.node("BitShift", [biased, _u64(graph, 52)], "b", direction="LEFT"),
            as_u64(fraction),
        ],
        "n",
    )
    # a subnormal number's bits are its multiple of 2**-1074 (in two exact steps)
    scaled = graph.node(
        "Mul",
        [
            graph.node("Mul", [magnitude, _f64(graph, 2.0**537)], "t"),
            _f64(graph, 2.0**537),
        ],
        "t",
    )
    bits = write_where(graph, subnormal, as_u64(scaled), normal)
    bits = write_where(graph, infinite, _u64(graph, 0x7FF0000000000000), bits)
    negative = graph.node("Less", [x, _f64(graph, 0.0)], "neg")
    sign = graph.node(
        "BitShift",
        [graph.node("Cast", [negative], "n", to=_UINT64), _u64(graph, 63)],
        "sign",
        direction="LEFT",
    )
    return graph.node("BitwiseOr", [bits, sign], "bits")


def write_number_hashes(graph, x):
    """Write :func:`_hash_floats` into an ONNX graph (doubles, no NaN, in)."""
    in_range = graph.node(
        "And",
        [
            graph.node("GreaterOrEqual", [x, _f64(graph, -_INT64_BOUND)], "r"),
            graph.node("Less", [x, _f64(graph, _INT64_BOUND)], "r"),
        ],
        "r",
    )
    whole = graph.node("Equal", [graph.node("Floor", [x], "fl"), x], "w")
    integral = graph.node("And", [in_range, whole], "integral")
    as_int = graph.node("Where", [integral, x, _f64(graph, 0.0)], "i")
    as_int = graph.node(
        "Cast", [graph.node("Cast", [as_int], "i", to=_INT64)], "i", to=_UINT64
    )
    other = graph.node("Where", [integral, _f64(graph, 0.5), x], "o")
    tagged = graph.node(
        "BitwiseXor",
        [write_float_bits(graph, other), _u64(graph, int(_FLOAT_TAG))],
        "t",
    )
    return write_where(
        graph, integral, write_mix64(graph, as_int), write_mix64(graph, tagged)
    )


def write_hashed_codes(graph, hashes, present, n_codes: int):
    """Write :func:`_hashed_codes` into an ONNX graph: int64 codes."""
    remainder = graph.node("Mod", [hashes, _u64(graph, n_codes - 1)], "r")
    codes = graph.node(
        "Add",
        [graph.node("Cast", [remainder], "c", to=_INT64), graph.constant(np.array(1))],
        "c",
    )
    return graph.node("Where", [present, codes, graph.constant(np.array(0))], "codes")


EXPORT_REFUSAL = (
    "this model was fitted by an sk_widedeep that hashed strings with SipHash, "
    "which no ONNX runtime computes: fit it again (hash_buckets hashes strings "
    "with TensorFlow's Hash64 now, which the export writes), or fit it with "
    "hash_buckets=None (vocabularies)."
)
"""Why a hashed coder of an older model writes no graph."""

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


def _siphash_strings(values: np.ndarray) -> np.ndarray:
    """SipHash-2-4 of the UTF-8 bytes of each string (uint64), via pandas."""
    return pd.util.hash_array(
        np.asarray(values, dtype=object),
        encoding="utf8",
        hash_key=HASH_KEY,
        categorize=False,
    )


_TAIL_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)], dtype=np.uint64)
"""Keeps the first ``n`` bytes of a little-endian word (``n`` < 8)."""


def _hash64_strings(values: np.ndarray) -> np.ndarray:
    """TensorFlow's Hash64 of the UTF-8 bytes of each string, mod 2**63 - 1.

    Vectorized over the strings: the 8-byte words of all strings are read
    from one buffer, word ``j`` of every string long enough at once, the
    longest strings first so that the ones still hashing are a prefix.
    """
    joined = "".join(values)
    data = joined.encode()
    if len(data) == len(joined):  # ASCII: a string's bytes are its characters
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    else:
        encoded = list(map(str.encode, values))
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        data = b"".join(encoded)
    data = np.frombuffer(data + bytes(8), dtype=np.uint8)
    # the little-endian word at every byte offset (numpy reads it unaligned)
    words = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    m, r = _HASH64_MULTIPLIER, _HASH64_SHIFT
    hashes = _HASH64_SEED ^ (lengths.astype(np.uint64) * m)
    n_words = lengths // 8
    longest_first = np.argsort(-n_words, kind="stable")
    hashing, word_starts = hashes[longest_first], starts[longest_first]
    still = len(n_words) - np.cumsum(np.bincount(n_words))  # strings past word j
    for j in range(int(n_words.max(initial=0))):
        k = words[word_starts[: still[j]] + 8 * j] * m
        k = (k ^ (k >> r)) * m
        hashing[: still[j]] = (hashing[: still[j]] ^ k) * m
    hashes[longest_first] = hashing
    tail = words[starts + 8 * n_words] & _TAIL_MASKS[lengths % 8]
    hashes = (hashes ^ tail) * m
    hashes = (hashes ^ (hashes >> r)) * m
    hashes ^= hashes >> r
    return hashes % np.uint64(HASH64_MODULUS)


def _hash_strings(values: np.ndarray, string_hash: str) -> np.ndarray:
    """Hash strings (uint64) with ``string_hash``, one of :data:`STRING_HASHES`."""
    if string_hash == "hash64":
        return _hash64_strings(values)
    return _siphash_strings(values)


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


def _hash_objects(values: np.ndarray, column: str, string_hash: str) -> np.ndarray:
    """Hash an object array of present values: strings, numbers, booleans."""
    inferred = pd.api.types.infer_dtype(values, skipna=False)
    if inferred == "string":
        return _hash_strings(values, string_hash)
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
    hashes[is_str] = _hash_strings(values[is_str], string_hash)
    hashes[is_int] = _hash_integers(values[is_int])
    hashes[is_num] = _hash_floats(values[is_num].astype(np.float64))
    return hashes


def hash_values(
    values, column: str = "x", string_hash: str = STRING_HASH
) -> tuple[np.ndarray, np.ndarray]:
    """Stable 64-bit hash of every value of a column, and which are present.

    The hash is a function of the value alone, the same in every process,
    Python session and machine (unlike Python's salted :func:`hash`):

    - a string hashes as TensorFlow's Hash64 of its UTF-8 bytes modulo
      ``2**63 - 1`` (``string_hash="hash64"``, :data:`STRING_HASH`), or as
      their SipHash-2-4 with the fixed key :data:`HASH_KEY`
      (``"siphash"``, models fitted before; :func:`pandas.util.hash_array`);
    - a number (or boolean) hashes by value, whatever the dtype of its
      column: one equal to an integer in the int64 range hashes as that
      integer (through the splitmix64 finalizer), so ``True``, ``1`` and
      ``1.0`` hash alike, and ``7`` the same in an int64, a float64, a
      nullable ``Int64`` or an object column; any other number (``2.5``,
      ``inf``, ``2**70``) by its float64 bits. The string ``"7"`` is not the
      number 7: it hashes as a string.

    Missing values (None, NaN, ``pd.NA``, ``pd.NaT``) are not present; their
    hash is meaningless. With ``"hash64"`` the empty string is missing too:
    an exported graph takes a missing string as ``""``, so it cannot tell
    them apart, and neither does Python. There is no Python loop over the
    rows; many rows of objects or strings are factorized first, so that each
    distinct value is hashed once.

    Returns
    -------
    hashes : ndarray of uint64
    present : ndarray of bool
    """
    hashes, present = _hash_values(values, column, string_hash)
    if string_hash == "hash64":
        present &= ~_empty_strings(values)
    return hashes, present


def _empty_strings(values) -> np.ndarray:
    """Tell which values are the empty string (none in a numeric column)."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        empty = np.asarray(values.categories == "", dtype=bool)
        return np.append(empty, False)[np.asarray(values.codes)]
    if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
        return np.zeros(len(values), dtype=bool)
    empty = pd.Series(values, copy=False, dtype=dtype) == ""
    return empty.fillna(False).to_numpy(dtype=bool)


def _hash_values(values, column: str, string_hash: str):
    """:func:`hash_values` before the empty strings are set apart."""
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        values = values.to_numpy()  # a plain ndarray in a pandas wrapper
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        hashes, _ = _hash_values(np.asarray(values.categories), column, string_hash)
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
        hashes[present] = _hash_objects(
            values[present].astype(object), column, string_hash
        )
        return hashes, present
    # many rows: hash each distinct value once (missing: code -1)
    try:
        row_codes, uniques = pd.factorize(values)
    except TypeError:  # unhashable values: name the column and the fix
        _check_hashable(np.asarray(values, dtype=object), column)
        raise
    hashes = _hash_objects(np.asarray(uniques, dtype=object), column, string_hash)
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
def hash_canary(string_hash: str = STRING_HASH) -> int:
    """Hash :data:`CANARY_VALUES` as this process does, into one integer.

    Stored by every hashed coder at fit, and compared at encode time: should
    a new release (of pandas, for ``"siphash"``) hash differently, the codes
    of a fitted model would silently change, and this comparison turns that
    into an error.
    """
    values = np.empty(len(CANARY_VALUES), dtype=object)
    values[:] = CANARY_VALUES
    hashes, _ = _hash_values(values, "canary", string_hash)
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

    Code 0 is for missing values only (and ``""``, see :func:`hash_values`);
    any other value, seen in fit or not, gets code ``1 + h % (hash_buckets -
    1)``, with ``h`` its stable 64-bit hash (:func:`hash_values`). Fitting
    learns nothing about the values but their kind (numbers or strings), so
    that a column read with another dtype is refused as :class:`Vocabulary`
    refuses it: the memory used does not grow with the number of distinct
    values. Code ``k`` is labelled ``#k``.

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
    string_hash : {"hash64", "siphash"}, default="hash64"
        How strings are hashed (:data:`STRING_HASHES`).
    """

    string_hash = "siphash"
    """Model files written before ``string_hash`` existed hashed strings with
    SipHash; their columns read this class attribute."""

    missing_code = 0
    """The code of a missing value."""

    hashed = True
    """Its codes come from the values' hashes, which feed hashed crosses."""

    reads_floats = False
    """It reads the column's values as they are."""

    def unseen_codes(self) -> None:
        """Return None: a hashed code holds seen and unseen values alike."""
        return None

    def __init__(
        self,
        hash_buckets: int,
        column: str = "x",
        kind: str | None = None,
        canary: int | None = None,
        pandas_version: str | None = None,
        string_hash: str = STRING_HASH,
    ):
        if string_hash not in STRING_HASHES:
            raise ValueError(f"string_hash must be one of {STRING_HASHES}.")
        self.hash_buckets = int(hash_buckets)
        self.column = column
        self.kind = kind
        self.string_hash = string_hash
        self.canary = hash_canary(string_hash) if canary is None else int(canary)
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
        check_canary(self.canary, self.column, self.pandas_version, self.string_hash)
        check_kind(
            self.kind,
            values,
            self.column,
            "",
            "which hash to other codes than the values seen in fit",
        )
        return hash_values(values, self.column, self.string_hash)

    def codes(self, hashes: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Codes (int64) from :meth:`hash`'s output."""
        return _hashed_codes(hashes, present, self.hash_buckets)

    @property
    def numeric(self) -> bool:
        """Whether the values seen in fit were numbers."""
        return self.kind == "number"

    def write_hashes(self, graph, column, text: bool):
        """Write this hashing of ``column`` into an ONNX graph.

        A string input of strings is hashed by onnxruntime-extensions'
        ``StringToHashBucket`` (TensorFlow's Hash64; the runtime must load
        that library), its missing forms (``""``) not present; numbers (a
        double input, or a string input of numbers or booleans, which are
        read as numbers) by value, NaN not present.

        Returns
        -------
        hashes, present : str
            uint64 and bool tensors, of the shape of ``column``.
        """
        if self.string_hash != "hash64":
            raise NotImplementedError(f"Column {self.column!r}: {EXPORT_REFUSAL}")
        graph.require_opset(HASHED_OPSET, "a hashed column (BitwiseXor)")
        if text and self.kind == "string":
            modulus = graph.constant(np.array([HASH64_MODULUS], dtype=np.int64))
            hashed = graph.node(
                "StringToHashBucket", [column, modulus], "h", domain=CONTRIB_DOMAIN
            )
            hashes = graph.node("Cast", [hashed], "h", to=_UINT64)
            return hashes, graph.node("Not", [graph.missing_text(column)], "present")
        if (text and self.kind is None) or (not text and self.kind == "string"):
            held = {"string": "strings", "number": "numbers"}.get(
                self.kind, "values of several kinds (or none)"
            )
            raise NotImplementedError(
                f"Column {self.column!r} held {held} in fit, but the sample rows give "
                f"it {'strings' if text else 'numbers'}: a hashed column is exported "
                "when it holds only strings or only numbers (booleans count), in fit "
                "and in the sample rows. Convert it, e.g. X[c].astype(str), before "
                "the fit."
            )
        x = graph.text_numbers(column) if text else graph.double(column)
        missing = graph.node("IsNaN", [x], "missing")
        x = graph.node("Where", [missing, graph.constant(np.array(0.0)), x], "x")
        return write_number_hashes(graph, x), graph.node("Not", [missing], "present")

    def write_hashed_codes(self, graph, hashes, present):
        """Write :meth:`codes` into an ONNX graph: int64 codes from hashes."""
        return write_hashed_codes(graph, hashes, present, self.hash_buckets)

    def write_codes(self, graph, column, text: bool = False):
        """Write :meth:`encode` into an ONNX graph (see :meth:`write_hashes`)."""
        return self.write_hashed_codes(graph, *self.write_hashes(graph, column, text))

    def encode(self, values) -> np.ndarray:
        """Map values to codes (int64); missing values to 0."""
        return self.codes(*self.hash(values))


def check_canary(
    canary: int, column: str, pandas_version: str, string_hash: str = STRING_HASH
) -> None:
    """Refuse to hash when this process hashes differently than fit did."""
    if canary != hash_canary(string_hash):
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

    reads_hashes = True
    """Its codes come from the components' hashes (:meth:`encode`)."""

    def unseen_codes(self) -> None:
        """Return None: a hashed code holds seen and unseen combinations alike."""
        return None

    def __init__(self, hash_buckets: int):
        self.hash_buckets = int(hash_buckets)

    def write_codes(self, graph, codes, hashes):
        """Write :meth:`encode` into an ONNX graph.

        ``codes`` and ``hashes`` are the components' int64 codes and uint64
        hashes (tensors that broadcast against each other); a combination
        with a component in code 0 gets code 0.
        """
        present = None
        for code in codes:
            positive = graph.node("Greater", [code, graph.constant(np.array(0))], "v")
            present = (
                positive
                if present is None
                else graph.node("And", [present, positive], "v")
            )
        combined = _u64(graph, int(_CROSS_SEED))
        for h in hashes:
            combined = write_mix64(graph, graph.node("BitwiseXor", [combined, h], "x"))
        return write_hashed_codes(graph, combined, present, self.n_codes)

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
