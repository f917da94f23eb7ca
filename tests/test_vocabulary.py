import os
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from sk_widedeep._coding._hashing import (
    HASH_KEY,
    HashedColumn,
    HashedCross,
    hash_canary,
    hash_values,
)
from sk_widedeep._coding._vocabulary import (
    FACTORIZE_FROM,
    MISSING,
    MISSING_KEY,
    OTHER,
    OTHER_KEY,
    Buckets,
    Cross,
    NumberCodes,
    Vocabulary,
    count_threshold,
)


def test_vocabulary_codes_known_values_from_one_unknown_zero_missing_last():
    vocabulary = Vocabulary.fit(
        np.array(["b", "a", "b", None], dtype=object), None, "c"
    )
    assert vocabulary.categories.tolist() == ["a", "b"]
    assert vocabulary.n_codes == 4 and vocabulary.missing_code == 3
    assert vocabulary.labels == [OTHER, "a", "b", MISSING]
    assert vocabulary.exact_keys[-1] == MISSING_KEY
    values = np.array(["a", "b", "zzz", None, np.nan, pd.NA, ""], dtype=object)
    codes = vocabulary.encode(values)
    # an unseen value is not a missing one: "zzz" goes to 0, None/NaN/NA to 3,
    # and so does "" (fit held no ""): the exported graph's missing string
    assert codes.tolist() == [1, 2, 0, 3, 3, 3, 3]
    with_empty = Vocabulary.fit(np.array(["", "a"], dtype=object), None, "c")
    assert with_empty.encode(np.array(["", None], dtype=object)).tolist() == [1, 3]
    assert codes.dtype == np.int64


@pytest.mark.parametrize(
    "min_frequency, kept",
    [
        (None, ["a", "b", "c"]),
        (2, ["a", "b"]),
        (3, ["a"]),
        (0.5, ["a"]),
        (0.3, ["a", "b"]),
    ],
)
def test_vocabulary_min_frequency_counts_and_fractions(min_frequency, kept):
    values = np.array(["a"] * 3 + ["b"] * 2 + ["c"], dtype=object)
    assert Vocabulary.fit(values, min_frequency, "c").categories.tolist() == kept


def test_count_threshold():
    assert count_threshold(None, 100) == 1
    assert count_threshold(5, 100) == 5
    assert count_threshold(0.25, 100) == 25
    assert count_threshold(0.001, 100) == 1


def test_vocabulary_categorical_dtype_same_codes_as_strings():
    strings = np.array(["x", "y", "x", None, "z"], dtype=object)
    vocabulary = Vocabulary.fit(strings[:3], None, "c")
    as_category = pd.Categorical(strings, categories=["z", "y", "x", "w"])
    assert (
        vocabulary.encode(as_category).tolist() == vocabulary.encode(strings).tolist()
    )
    assert vocabulary.encode(strings).tolist() == [1, 2, 1, 3, 0]


def test_vocabulary_categorical_dtype_ignores_unused_categories():
    values = pd.Series(pd.Categorical(["x", "x"], categories=["x", "never"]))
    assert Vocabulary.fit(values, None, "c").categories.tolist() == ["x"]


def test_vocabulary_sorts_mixed_types_deterministically():
    values = np.array([3, "b", 1, "a"], dtype=object)
    vocabulary = Vocabulary.fit(values, None, "c")
    assert vocabulary.categories.tolist() == [1, 3, "a", "b"]
    assert vocabulary.encode(np.array(["a", 3], dtype=object)).tolist() == [3, 2]


def test_vocabulary_rejects_unhashable_values_naming_the_column():
    values = np.array(["a", {"k": 1}], dtype=object)
    with pytest.raises(
        TypeError, match=r"Column 'city' holds values of type \['dict'\]"
    ):
        Vocabulary.fit(values, None, "city")


def test_buckets_cut_at_quantiles_and_code_missing_zero():
    buckets = Buckets.fit(np.arange(100.0), n_bins=4)
    assert buckets.edges.tolist() == [25.0, 50.0, 75.0]
    assert buckets.n_codes == 5
    assert np.bincount(buckets.encode(np.arange(100.0))).tolist() == [0, 25, 25, 25, 25]
    codes = buckets.encode(np.array([-np.inf, 0.0, 25.0, 60.0, 99.0, 1e9, np.nan]))
    assert codes.tolist() == [1, 1, 2, 3, 4, 4, 0]
    assert buckets.labels == [OTHER, "(-inf, 25)", "[25, 50)", "[50, 75)", "[75, inf)"]


def test_buckets_merge_equal_quantiles():
    buckets = Buckets.fit(np.array([0.0] * 90 + [1.0] * 10), n_bins=10)
    assert buckets.edges.tolist() == [0.0, 1.0]


def test_buckets_without_finite_values_have_one_bucket():
    buckets = Buckets.fit(np.array([np.nan, np.inf]), n_bins=5)
    assert buckets.n_codes == 2
    assert buckets.encode(np.array([np.nan, 3.0])).tolist() == [0, 1]


def test_cross_codes_observed_pairs_and_other_slot():
    a = np.array([1, 1, 2, 2, 0])
    b = np.array([1, 2, 1, 1, 1])
    cross = Cross.fit([a, b], [3, 3], None, ["a", "b"])
    assert cross.n_codes == 4  # other + (1,1), (1,2), (2,1)
    assert cross.encode([a, b]).tolist() == [1, 2, 3, 3, 0]
    # an unseen pair and a pair with an unknown component go to the other slot
    assert cross.encode([np.array([2, 1]), np.array([2, 0])]).tolist() == [0, 0]
    labels = cross.labels(["a", "b"], [[OTHER, "x", "y"], [OTHER, "u", "v"]])
    assert labels == ["a&b=<other>", "a=x&b=u", "a=x&b=v", "a=y&b=u"]


def test_cross_min_frequency_drops_rare_pairs():
    a = np.array([1, 1, 1, 2])
    b = np.array([1, 1, 1, 1])
    cross = Cross.fit([a, b], [3, 2], 2, ["a", "b"])
    assert cross.n_codes == 2
    assert cross.encode([a, b]).tolist() == [1, 1, 1, 0]


MASK = 2**64 - 1


def splitmix64(key):
    """The splitmix64 finalizer in plain Python integers: an independent oracle."""
    return _finalize((key + 0x9E3779B97F4A7C15) & MASK)


def _finalize(x):
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def siphash24(key: bytes, data: bytes) -> int:
    """SipHash-2-4 (Aumasson and Bernstein, 2012) in plain Python: an oracle."""

    def rotl(x, b):
        return ((x << b) | (x >> (64 - b))) & MASK

    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    v = [
        k0 ^ 0x736F6D6570736575,
        k1 ^ 0x646F72616E646F6D,
        k0 ^ 0x6C7967656E657261,
        k1 ^ 0x7465646279746573,
    ]

    def rounds(n):
        for _ in range(n):
            v[0] = (v[0] + v[1]) & MASK
            v[1] = rotl(v[1], 13) ^ v[0]
            v[0] = rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & MASK
            v[3] = rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & MASK
            v[3] = rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & MASK
            v[1] = rotl(v[1], 17) ^ v[2]
            v[2] = rotl(v[2], 32)

    tail = len(data) % 8
    blocks = [data[i : i + 8] for i in range(0, len(data) - tail, 8)]
    last = int.from_bytes(data[len(data) - tail :], "little") | (len(data) % 256) << 56
    for m in [int.from_bytes(b, "little") for b in blocks] + [last]:
        v[3] ^= m
        rounds(2)
        v[0] ^= m
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def siphash_string_hash(value: str) -> int:
    """What "siphash" gives a string: SipHash-2-4, then pandas' finalizer."""
    return _finalize(siphash24(HASH_KEY.encode(), value.encode("utf8")))


def tf_hash64(data: bytes) -> int:
    """TensorFlow's Hash64 in plain Python, one byte string at a time: an oracle.

    A MurmurHash64A with seed 0xDECAFCAFFE whose multiplication after the
    tail bytes is made even when there are none.
    """
    m, seed = 0xC6A4A7935BD1E995, 0xDECAFCAFFE
    h = seed ^ ((len(data) * m) & MASK)
    whole = len(data) - len(data) % 8
    for i in range(0, whole, 8):
        k = (int.from_bytes(data[i : i + 8], "little") * m) & MASK
        k = ((k ^ (k >> 47)) * m) & MASK
        h = ((h ^ k) * m) & MASK
    h = ((h ^ int.from_bytes(data[whole:], "little")) * m) & MASK
    h = ((h ^ (h >> 47)) * m) & MASK
    return h ^ (h >> 47)


def string_hash(value: str) -> int:
    """What hash_values gives a string: Hash64 of UTF-8, modulo 2**63 - 1."""
    return tf_hash64(value.encode("utf8")) % (2**63 - 1)


FLOAT_TAG = 0x5851F42D4C957F2D


def number_hash(value) -> int:
    """What hash_values gives a number: by int64 value, else by float64 bits."""
    if float(value).is_integer() and -(2**63) <= value < 2**63:
        return splitmix64(int(value) & MASK)
    bits = int(np.float64(value).view(np.uint64))
    return splitmix64(bits ^ FLOAT_TAG)


def splitmix_chain(hashes, seed=0x2545F4914F6CDD1D):
    """The combination of a hashed cross: mix(... mix(seed ^ h1) ^ h2 ...)."""
    combined = seed
    for h in hashes:
        combined = splitmix64(combined ^ h)
    return combined


def objects(*values):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def test_cross_exact_mode_refuses_keys_beyond_int64():
    codes = [np.array([1])] * 4
    with pytest.raises(ValueError, match="Set hash_buckets"):
        Cross.fit(codes, [2**20] * 4, None, ["a", "b", "c", "d"])
    # hashed, the same cross is fine: its key is a 64-bit hash, never a product
    hashed = HashedCross(8).encode([np.array([2**64 - 1], np.uint64)] * 4, codes)
    assert hashed.tolist() == [splitmix_chain([2**64 - 1] * 4) % 7 + 1]


# Arrays of strings with missing values, in each dtype pandas offers for them.
STRING_ARRAYS = [
    pytest.param(lambda a: a, id="object"),
    pytest.param(
        lambda a: pd.array(a, dtype="str"),
        marks=pytest.mark.skipif(
            pd.__version__ < "3",
            reason="before pandas 3, dtype='str' turns None into the string 'None'",
        ),
        id="str",
    ),
    pytest.param(lambda a: pd.array(a, dtype="string"), id="string"),
]


@pytest.mark.parametrize("make", STRING_ARRAYS)
def test_vocabulary_many_rows_same_codes_as_few(make):
    rng = np.random.default_rng(0)
    pool = np.array(["a", "b", "c", "d", None, "unseen"], dtype=object)
    values = pool[rng.integers(0, len(pool), 3 * FACTORIZE_FROM)]
    vocabulary = Vocabulary.fit(make(pool[:4]), None, "c")
    many = vocabulary.encode(make(values))  # factorized
    few = np.concatenate(  # looked up value by value
        [vocabulary.encode(make(chunk)) for chunk in np.array_split(values, 30)]
    )
    np.testing.assert_array_equal(many, few)
    assert set(many[values == "unseen"]) == {0}
    assert set(many[values == None]) == {vocabulary.missing_code}  # noqa: E711


@pytest.mark.parametrize("unit", ["D", "m"])  # dates, then durations
@pytest.mark.parametrize(
    "form",
    [
        lambda v: v,  # datetime64[ns] / timedelta64[ns]
        lambda v: v.astype(v.dtype.str[:-4] + "[s]"),  # another unit
        lambda v: pd.Series(v).array,  # pandas' array
        lambda v: pd.Series(v).to_numpy(dtype=object),  # Timestamps, Timedeltas
        lambda v: np.tile(v, FACTORIZE_FROM // 3 + 1),  # many rows
    ],
    ids=["ns", "seconds", "pandas-array", "objects", "many-rows"],
)
def test_vocabulary_finds_dates_and_durations_in_every_form(unit, form):
    # Before numpy 2, a datetime64[ns] hashed unlike its equal Timestamp, so a
    # dict lookup missed and every date of fit came back as unknown (code 0).
    if unit == "D":
        seen = np.array(["2020-01-20", "2020-01-21", "2020-01-25"], "datetime64[ns]")
        new = np.array(["2020-01-25", "NaT", "2021-06-01", "2020-01-20"], "M8[ns]")
    else:
        seen = pd.to_timedelta([0, 1, 5], unit="D").to_numpy()
        new = pd.to_timedelta([5, None, 9, 0], unit="D").to_numpy()
    vocabulary = Vocabulary.fit(seen, None, "day")
    codes = vocabulary.encode(form(new))
    expected = np.array([3, 4, 0, 1])  # NaT: missing (4); never seen: 0
    np.testing.assert_array_equal(codes, np.resize(expected, len(codes)))
    seen_codes = vocabulary.encode(form(seen))
    np.testing.assert_array_equal(seen_codes, np.resize([1, 2, 3], len(seen_codes)))


def test_vocabulary_numbers_by_binary_search():
    vocabulary = Vocabulary.fit(np.array([10, 30, 20, 30]), None, "c")
    assert vocabulary.categories.tolist() == [10, 20, 30]
    codes = vocabulary.encode(np.array([30.0, 15.0, np.nan, 10.0, 99.0]))
    assert codes.tolist() == [3, 0, 4, 1, 0]
    nullable = pd.array([20, None, 40], dtype="Int64")
    assert vocabulary.encode(nullable).tolist() == [2, 4, 0]


# the vocabulary-free mode: hashed columns and crosses


@pytest.mark.parametrize(
    "string_hash, oracle, pinned",
    [
        ("hash64", string_hash, [25244, 163845, 270163, 435765]),
        ("siphash", siphash_string_hash, [896380, 914467, 270163, 435765]),
    ],
)
def test_hashed_column_codes_match_an_independent_oracle(string_hash, oracle, pinned):
    strings = ["a", "user_123", "Zürich", "long string past two blocks", "7"]
    strings += ["eight by", "nul\x00byte", "日本語"]
    numbers = [0, 7, -1, 2**62, 2.5, -0.125, 1e300, float("inf")]
    values = objects(*strings, *numbers)
    hashes, present = hash_values(values, "c", string_hash)
    expected = [oracle(v) for v in strings] + [number_hash(v) for v in numbers]
    assert hashes.tolist() == expected
    assert present.all()
    column = HashedColumn.fit(values, 1024, "c")
    column = HashedColumn(1024, "c", column.kind, string_hash=string_hash)
    assert column.encode(values).tolist() == [h % 1023 + 1 for h in expected]
    # Pinned: the same on every machine, in every process and pandas version
    # (the canary guards the last). A change here breaks every hashed model.
    column = HashedColumn(2**20, string_hash=string_hash)
    assert column.encode(objects("a", "user_123", 7, 2.5)).tolist() == pinned


def test_hash64_of_many_strings_equals_the_oracle_one_by_one():
    # every length around the 8-byte words, and bytes past ASCII
    rng = np.random.default_rng(0)
    alphabet = np.array(list("ab7 _é日\x00"))
    strings = ["".join(rng.choice(alphabet, n)) for n in range(40) for _ in range(3)]
    hashes, _ = hash_values(objects(*strings), "c")
    assert hashes.tolist() == [string_hash(v) for v in strings]


def test_hash64_sets_the_empty_string_apart_as_missing():
    # a graph takes a missing string as "": neither can tell them apart
    values = objects("a", "", None)
    _, present = hash_values(values, "c")
    assert present.tolist() == [True, False, False]
    _, present = hash_values(values, "c", "siphash")  # older models: a value
    assert present.tolist() == [True, True, False]
    column = HashedColumn.fit(objects("a", "b"), 16, "c")
    assert column.encode(pd.Categorical(["", "a", None])).tolist()[0::2] == [0, 0]


@pytest.mark.parametrize(
    "values",
    [
        np.array([7, 1, 0, 2**40]),
        np.array([7, 1, 0, 2**40], dtype=np.uint64),
        np.array([7.0, 1.0, -0.0, 2.0**40]),
        objects(7, True, 0, 2**40),
        objects(np.int8(7), np.bool_(True), 0.0, Decimal(2**40)),
        pd.array([7, 1, 0, 2**40], dtype="Int64"),
        pd.array([7, 1, 0, 2**40], dtype="int64[pyarrow]"),
        pd.Categorical([7, 1, 0, 2**40]),
    ],
    ids=[
        "int64",
        "uint64",
        "float64",
        "object",
        "numpy-scalars",
        "Int64",
        "pyarrow",
        "category",
    ],
)
def test_hashed_column_numbers_hash_by_value_whatever_the_dtype(values):
    expected = [number_hash(v) for v in (7, 1, 0, 2**40)]
    hashes, present = hash_values(values, "c")
    assert hashes.tolist() == expected and present.all()


def test_hashed_column_seven_and_the_string_seven_differ():
    numbers, _ = hash_values(objects(7, 7.0, True, 1, 2**70, 2.0**70), "c")
    strings, _ = hash_values(objects("7", "7.0", "True"), "c")
    assert numbers[0] == numbers[1] and numbers[2] == numbers[3]
    assert numbers[4] == numbers[5] == number_hash(2.0**70)  # beyond int64: float
    assert len({*numbers.tolist(), *strings.tolist()}) == 6


@pytest.mark.parametrize(
    "make", [*STRING_ARRAYS, pytest.param(lambda a: pd.Categorical(a), id="category")]
)
def test_hashed_column_strings_same_codes_in_every_string_dtype(make):
    rng = np.random.default_rng(0)
    pool = np.array(["a", "b", "c", "d", None, "unseen"], dtype=object)
    values = pool[rng.integers(0, len(pool), 3 * FACTORIZE_FROM)]
    column = HashedColumn.fit(make(pool[:4]), 64, "c")
    codes = column.encode(make(values))
    expected = [0 if v is None else string_hash(v) % 63 + 1 for v in values]
    assert codes.tolist() == expected
    few = np.concatenate([column.encode(make(c)) for c in np.array_split(values, 30)])
    np.testing.assert_array_equal(few, codes)


def test_hashed_column_missing_values_get_zero_and_others_a_code_in_range():
    column = HashedColumn.fit(objects("a", "b"), 16, "c")
    assert column.n_codes == 16
    assert column.labels == [OTHER, *(f"#{k}" for k in range(1, 16))]
    missing = objects(None, np.nan, pd.NA, pd.NaT)
    assert column.encode(missing).tolist() == [0, 0, 0, 0]
    unseen = objects(*(f"new_{i}" for i in range(1000)))
    codes = column.encode(unseen)
    assert codes.min() >= 1 and codes.max() <= 15
    assert len(np.unique(codes)) == 15  # many values spread over every slot
    floats = HashedColumn.fit(np.array([1.0]), 16, "c")
    assert floats.encode(np.array([np.nan, 1.0, 5.5])).tolist()[0] == 0


def test_hashed_column_learns_only_the_kind():
    small = HashedColumn.fit(objects("a"), 64, "c")
    large = HashedColumn.fit(objects(*(f"v{i}" for i in range(10_000))), 64, "c")
    assert vars(small) == vars(large)
    assert sorted(vars(small)) == [
        "canary",
        "column",
        "hash_buckets",
        "kind",
        "pandas_version",
        "string_hash",
    ]


@pytest.mark.parametrize(
    "fit, now, message",
    [
        (objects("a", "b"), np.array([1, 2]), "held strings in fit but holds numbers"),
        (np.array([1, 2]), objects("1", "2"), "held numbers in fit but holds strings"),
        (np.array([1, 2]), pd.Categorical(["x"]), "holds strings now"),
    ],
)
def test_hashed_column_refuses_a_change_of_kind(fit, now, message):
    column = HashedColumn.fit(fit, 16, "city")
    with pytest.raises(ValueError, match=message) as error:
        column.encode(now)
    assert "Column 'city'" in str(error.value)
    assert "Convert it to the type it had in fit" in str(error.value)


def test_hashed_column_refuses_a_hash_that_changed_since_fit():
    column = HashedColumn.fit(objects("a"), 16, "city")
    assert column.canary == hash_canary()
    column.canary ^= 1  # as if fitted with a pandas that hashed otherwise
    column.pandas_version = "9.0"
    with pytest.raises(ValueError, match=r"differs from this process's \(pandas 9\.0"):
        column.encode(objects("a"))


def test_hashed_column_rejects_values_it_cannot_hash_naming_the_column():
    column = HashedColumn.fit(objects("a"), 16, "city")
    with pytest.raises(
        TypeError, match=r"Column 'city' holds values of type \['dict'\]"
    ):
        column.encode(objects("a", {"k": 1}))
    with pytest.raises(TypeError, match=r"Column 'city' .*\['bytes', 'complex'\]"):
        column.encode(objects("a", b"b", 1j))


SUBPROCESS = """
import numpy as np
from sk_widedeep._coding._hashing import HashedColumn, hash_canary
values = np.empty(6, dtype=object)
values[:] = ["a", "user_123", "Zürich", 7, 2.5, None]
print(HashedColumn(2**20).encode(values).tolist())
print(hash_canary())
print(hash("user_123"))
"""


def test_hashed_codes_are_the_same_in_another_process():
    here = HashedColumn(2**20).encode(objects("a", "user_123", "Zürich", 7, 2.5, None))
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    out = subprocess.run(
        [sys.executable, "-c", SUBPROCESS],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    codes, canary, python_hash = out.splitlines()
    assert int(python_hash) != hash("user_123")  # Python's salted hash differs
    assert codes == str(here.tolist())  # ours does not
    assert int(canary) == hash_canary()


def colliding_share(codes):
    """Share of the values whose slot holds another value too."""
    counts = np.bincount(codes)
    return (counts[codes] > 1).mean()


@pytest.mark.parametrize(
    "values",
    [
        objects(*(f"user_{i}" for i in range(10_000))),
        np.arange(10_000),
        np.arange(10_000) * 7919 + 13,
        np.arange(10_000) / 7 + 0.5,
    ],
    ids=["strings", "consecutive-ints", "spaced-ints", "floats"],
)
def test_hashed_collision_rate_is_the_theoretical_one(values):
    # n distinct values into m = k - 1 slots: a value shares its slot with
    # another with probability 1 - (1 - 1/m) ** (n - 1) = 0.4568 here.
    n, k = len(values), 2**14 + 1
    theory = 1 - (1 - 1 / (k - 1)) ** (n - 1)
    measured = colliding_share(HashedColumn.fit(values, k, "c").encode(values))
    assert abs(measured / theory - 1) < 0.05, (measured, theory)


def test_hashed_cross_chains_the_value_hashes():
    a = objects("x", "y", "x", None, "y")
    b = np.array([1, 1, 2, 2, 3])
    (ha, pa), (hb, _) = hash_values(a, "a"), hash_values(b, "b")
    codes_a = np.where(pa, 1, 0)
    cross = HashedCross(64)
    codes = cross.encode([ha, hb], [codes_a, np.ones(5, np.int64)])
    expected = [
        splitmix_chain([string_hash(x), number_hash(y)]) % 63 + 1
        for x, y in zip(a[[0, 1, 2, 4]], b[[0, 1, 2, 4]], strict=True)
    ]
    assert codes.tolist() == [*expected[:3], 0, expected[3]]  # missing: slot 0
    assert cross.n_codes == 64
    assert cross.labels(["a", "b"])[:2] == ["a&b=<other>", "a&b=#1"]
    # the order of the columns matters: (x, 1) and (1, x) are different pairs
    reverse = cross.encode([hb, ha], [np.ones(5, np.int64), codes_a])
    assert reverse[0] != codes[0] or reverse[1] != codes[1]


def test_hashed_cross_adds_no_collisions_of_the_columns_own():
    # 300 distinct pairs of values that all share one slot in a 2-slot column
    a = np.repeat(np.arange(20), 15)
    b = np.tile(np.arange(15), 20)
    (ha, _), (hb, _) = hash_values(a, "a"), hash_values(b, "b")
    ones = np.ones(len(a), np.int64)
    assert HashedColumn(2).encode(a).tolist() == ones.tolist()
    codes = HashedCross(2**32).encode([ha, hb], [ones, ones])
    assert len(np.unique(codes)) == 300


def test_number_names_are_distinct_and_number_keys_exact():
    # '{:g}' names 1234567 and 1234568 alike, and 1.00000001 and 1.00000002
    edges = np.array([1.00000001, 1.00000002, 1234567.0, 1234568.0])
    buckets = Buckets(edges)
    assert buckets.labels == [
        OTHER,
        "(-inf, 1.00000001)",
        "[1.00000001, 1.00000002)",
        "[1.00000002, 1234567)",
        "[1234567, 1234568)",
        "[1234568, inf)",
    ]
    assert buckets.exact_keys[0] == OTHER_KEY
    assert buckets.exact_keys[4] == ("bucket", 1234567.0, 1234568.0)
    codes = NumberCodes(np.array([25.0, 0.5, 1234567.0]), Buckets(np.array([30.5])))
    assert codes.labels == [
        OTHER,
        "25",
        "0.5",
        "1234567",
        "(-inf, 30.5)",
        "[30.5, inf)",
    ]
    assert len(set(codes.exact_keys)) == codes.n_codes
    # a category is its value: 7 and "7" differ
    vocabulary = Vocabulary(np.array([7, "7"], dtype=object))
    assert vocabulary.labels == [OTHER, "7", "7", MISSING]
    assert len(set(vocabulary.exact_keys)) == 4
