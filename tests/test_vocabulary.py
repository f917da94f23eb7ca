import numpy as np
import pandas as pd
import pytest

from sk_widedeep._vocabulary import (
    FACTORIZE_FROM,
    OTHER,
    Buckets,
    Cross,
    Vocabulary,
    count_threshold,
)


def test_vocabulary_codes_known_values_from_one_and_others_zero():
    vocabulary = Vocabulary.fit(
        np.array(["b", "a", "b", None], dtype=object), None, "c"
    )
    assert vocabulary.categories.tolist() == ["a", "b"]
    assert vocabulary.n_codes == 3
    assert vocabulary.labels == [OTHER, "a", "b"]
    codes = vocabulary.encode(np.array(["a", "b", "zzz", None, np.nan], dtype=object))
    assert codes.tolist() == [1, 2, 0, 0, 0]
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
    assert vocabulary.encode(strings).tolist() == [1, 2, 1, 0, 0]


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
    cross = Cross.fit([a, b], [3, 3], None, None, ["a", "b"])
    assert cross.n_codes == 4  # other + (1,1), (1,2), (2,1)
    assert cross.encode([a, b]).tolist() == [1, 2, 3, 3, 0]
    # an unseen pair and a pair with an unknown component go to the other slot
    assert cross.encode([np.array([2, 1]), np.array([2, 0])]).tolist() == [0, 0]
    labels = cross.labels(["a", "b"], [[OTHER, "x", "y"], [OTHER, "u", "v"]])
    assert labels == ["a&b=<other>", "a=x&b=u", "a=x&b=v", "a=y&b=u"]


def test_cross_min_frequency_drops_rare_pairs():
    a = np.array([1, 1, 1, 2])
    b = np.array([1, 1, 1, 1])
    cross = Cross.fit([a, b], [3, 2], 2, None, ["a", "b"])
    assert cross.n_codes == 2
    assert cross.encode([a, b]).tolist() == [1, 1, 1, 0]


def test_cross_hashing_has_fixed_width_and_stable_codes():
    rng = np.random.default_rng(0)
    a = rng.integers(1, 1000, 5000)
    b = rng.integers(1, 1000, 5000)
    cross = Cross.fit([a, b], [1000, 1000], None, 64, ["a", "b"])
    codes = cross.encode([a, b])
    assert cross.n_codes == 64
    assert codes.min() >= 1 and codes.max() <= 63
    assert len(np.unique(codes)) == 63  # many pairs spread over every bucket
    # The hash is fixed arithmetic: these codes are the same in every process
    # and on every machine. A change here breaks every saved hashed model.
    small = cross.encode([np.array([1, 2, 999, 0]), np.array([1, 1, 999, 5])])
    assert small.tolist() == [17, 50, 17, 0]
    keys = [0 * 999 + 0, 1 * 999 + 0, 998 * 999 + 998]
    assert small[:3].tolist() == [splitmix64(k) % 63 + 1 for k in keys]


def splitmix64(key):
    """The splitmix64 finalizer in plain Python integers: an independent oracle."""
    mask = 2**64 - 1
    x = (key + 0x9E3779B97F4A7C15) & mask
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
    return x ^ (x >> 31)


def test_cross_hashing_is_independent_of_fit_data():
    a, b = np.array([1, 2, 3]), np.array([3, 2, 1])
    first = Cross.fit([a, b], [4, 4], None, 16, ["a", "b"])
    second = Cross.fit([a[:1], b[:1]], [4, 4], None, 16, ["a", "b"])
    assert first.encode([a, b]).tolist() == second.encode([a, b]).tolist()


def test_cross_exact_mode_refuses_keys_beyond_int64():
    codes = [np.array([1])] * 4
    with pytest.raises(ValueError, match="Set hash_buckets"):
        Cross.fit(codes, [2**20] * 4, None, None, ["a", "b", "c", "d"])
    Cross.fit(codes, [2**20] * 4, None, 8, ["a", "b", "c", "d"])  # hashing is fine


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a,
        lambda a: pd.array(a, dtype="str"),
        lambda a: pd.array(a, dtype="string"),
    ],
    ids=["object", "str", "string"],
)
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
    assert set(many[values == "unseen"]) == {0} and set(many[values == None]) == {0}  # noqa: E711


def test_vocabulary_numbers_by_binary_search():
    vocabulary = Vocabulary.fit(np.array([10, 30, 20, 30]), None, "c")
    assert vocabulary.categories.tolist() == [10, 20, 30]
    codes = vocabulary.encode(np.array([30.0, 15.0, np.nan, 10.0, 99.0]))
    assert codes.tolist() == [3, 0, 0, 1, 0]
    nullable = pd.array([20, None, 40], dtype="Int64")
    assert vocabulary.encode(nullable).tolist() == [2, 0, 0]
