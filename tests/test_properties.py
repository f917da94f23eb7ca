"""Property tests (hypothesis) of the two transformers and the classifier.

The frames mix every kind of column the package takes: strings with missing
values (dtypes ``str``, ``string`` and ``object``), small integers used as
categories, floats with NaN (and infinities where they are allowed), booleans
(``bool`` and nullable ``boolean``), pandas categoricals and nullable
``Int64``. A "fit" frame draws each column from a subset of the values that
the "new" frame draws from, so new frames hold values unseen in fit. The
expected codes are computed from the raw Python values, never through the
package.
"""

import math
from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier

from .conftest import FAST
from .test_vocabulary import number_hash, splitmix_chain, string_hash

POOLS = {
    "s": ["a", "b", "cc", "Ddd", "", "é"],
    "i": [-2, 0, 1, 3, 40],
    "f": [-1.5, 0.0, 0.25, 2.0, 1e3],
    "b": [False, True],
    "c": ["x", "y", "zz"],
    "n": [-7, 0, 2, 5],
}
COLUMNS = list(POOLS)
CATEGORICAL = ["s", "i", "b", "c", "n"]  # every column but the float one
NUMERIC = ["i", "f", "n"]

# The autouse fixtures of conftest.py (config reset, global seeds) are
# harmless to share between the examples of one test.
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}


def is_missing(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


def cells(column, pool, kinds, infinity):
    """Strategy of one raw value of ``column``: a Python value, None if missing."""
    values = st.sampled_from(pool)
    if column == "f":
        special = [math.nan, math.inf, -math.inf] if infinity else [math.nan]
        finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
        return st.one_of(values, st.sampled_from(special), finite)
    if column == "i" or (column == "b" and kinds["b"] is bool):
        return values
    return st.sampled_from([*pool, None])


@st.composite
def column_kinds(draw):
    return {
        "s": draw(st.sampled_from(["str", "string", object])),
        "b": draw(st.sampled_from([bool, "boolean"])),
        "c": draw(st.booleans()),  # whether the dtype has an unused category
    }


@st.composite
def raw_frames(draw, n_rows, kinds, pools, infinity):
    return {
        column: draw(
            st.lists(
                cells(column, pools[column], kinds, infinity),
                min_size=n_rows,
                max_size=n_rows,
            )
        )
        for column in COLUMNS
    }


def to_frame(raw, kinds):
    """The DataFrame of raw values, each column with its dtype."""
    strings = raw["s"]
    if kinds["s"] is object:  # both None and NaN as missing
        strings = [
            (None if i % 2 else np.nan) if v is None else v
            for i, v in enumerate(strings)
        ]
    categories = POOLS["c"] + ["unused"] if kinds["c"] else None
    return pd.DataFrame(
        {
            "s": pd.Series(strings, dtype=kinds["s"]),
            "i": np.array(raw["i"], dtype=np.int64),
            "f": np.array(raw["f"], dtype=np.float64),
            "b": pd.array(raw["b"], dtype=kinds["b"])
            if kinds["b"] == "boolean"
            else np.array(raw["b"], dtype=bool),
            "c": pd.Categorical(raw["c"], categories=categories),
            "n": pd.array(raw["n"], dtype="Int64"),
        }
    )


@st.composite
def frames(draw, infinity=False, n_fit=None, max_fit=30, max_new=15):
    """(fit_raw, new_raw, X_fit, X_new): raw values by column, and the frames."""
    kinds = draw(column_kinds())
    fit_pools = {
        column: draw(st.lists(st.sampled_from(pool), min_size=1, unique=True))
        for column, pool in POOLS.items()
    }
    if n_fit is None:
        n_fit = draw(st.integers(1, max_fit))
    n_new = draw(st.integers(1, max_new))
    fit_raw = draw(raw_frames(n_fit, kinds, fit_pools, infinity))
    new_raw = draw(raw_frames(n_new, kinds, POOLS, infinity))
    return fit_raw, new_raw, to_frame(fit_raw, kinds), to_frame(new_raw, kinds)


min_frequencies = st.sampled_from([None, 1, 2, 3, 0.25, 0.5])
hash_bucket_counts = st.one_of(st.none(), st.integers(2, 9))


def expected_vocabulary(values, min_frequency):
    """Sorted values seen at least min_frequency times (a count or a fraction)."""
    counts = Counter(v for v in values if not is_missing(v))
    if min_frequency is None:
        threshold = 1
    elif isinstance(min_frequency, float):
        threshold = min_frequency * len(values)
    else:
        threshold = min_frequency
    return sorted(v for v, count in counts.items() if count >= threshold)


def expected_codes(vocabulary, values, missing_code=None):
    """1 + position in the vocabulary; 0 for unknown values; missing_code
    (by default the last, ``len(vocabulary) + 1``) for missing ones, and for
    ``""`` in a vocabulary of strings without it (the graph's missing string)."""
    position = {v: k for k, v in enumerate(vocabulary, start=1)}
    missing_code = len(vocabulary) + 1 if missing_code is None else missing_code
    strings = bool(vocabulary) and all(isinstance(v, str) for v in vocabulary)
    empty_is_missing = strings and "" not in position

    def missing(v):
        return is_missing(v) or (empty_is_missing and isinstance(v, str) and v == "")

    return np.array(
        [missing_code if missing(v) else position.get(v, 0) for v in values],
        dtype=np.int64,
    )


def expected_cross(fit_codes, new_codes, min_frequency):
    """Vocabulary of a cross (tuples of kept codes) and the new rows' codes."""
    fit_keys = [key if all(key) else None for key in zip(*fit_codes, strict=True)]
    vocabulary = expected_vocabulary(fit_keys, min_frequency)
    return vocabulary, expected_codes(vocabulary, list(zip(*new_codes, strict=True)))


def active_slots(Xt, offsets):
    """Position of the single 1 within each block, shape (n_rows, n_blocks)."""
    slots = []
    for start, stop in zip(offsets[:-1], offsets[1:], strict=True):
        block = Xt[:, start:stop]
        assert block.sum(axis=1).tolist() == [1.0] * Xt.shape[0]
        slots.append(block.argmax(axis=1))
    return np.column_stack(slots)


def dense(Xt):
    return Xt.toarray() if hasattr(Xt, "toarray") else Xt


@st.composite
def cross_product_params(draw):
    columns = draw(
        st.one_of(
            st.just("auto"), st.lists(st.sampled_from(COLUMNS), unique=True, max_size=4)
        )
    )
    pairs = list(combinations(COLUMNS, 2)) + list(combinations(COLUMNS, 3))
    crosses = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3))
    if columns == [] and not crosses:
        columns = "auto"
    hash_buckets = draw(hash_bucket_counts)
    return {
        "columns": columns,
        "crosses": crosses,
        # hashing keeps no counts: min_frequency goes with vocabularies only
        "min_frequency": draw(min_frequencies) if hash_buckets is None else None,
        "hash_buckets": hash_buckets,
        "n_bins": draw(st.one_of(st.none(), st.integers(2, 5))),
        "sparse_output": draw(st.booleans()),
    }


@st.composite
def embedding_params(draw, scaling="draw", encoding="draw"):
    categorical = draw(
        st.one_of(
            st.just("auto"),
            st.lists(st.sampled_from(CATEGORICAL), unique=True, min_size=1),
        )
    )
    free = [c for c in NUMERIC if categorical == "auto" or c not in categorical]
    continuous = draw(
        st.one_of(st.just("auto"), st.lists(st.sampled_from(free), unique=True))
    )
    if scaling == "draw":
        scaling = draw(st.sampled_from(["standard", "quantile", None]))
    if encoding == "draw":
        encoding = draw(st.sampled_from(["scaled", "piecewise_linear", "periodic"]))
    hash_buckets = draw(hash_bucket_counts)
    return {
        "categorical": categorical,
        "continuous": continuous,
        "min_frequency": draw(min_frequencies) if hash_buckets is None else None,
        "hash_buckets": hash_buckets,
        "scaling": scaling,
        "n_quantiles": draw(st.integers(2, 50)),
        "embed_continuous": draw(st.booleans()),
        "min_number_frequency": draw(st.integers(1, 4)),
        "n_bins": draw(st.integers(1, 6)),
        "continuous_encoding": encoding,
    }


@settings(max_examples=60, **SETTINGS)
@given(data=frames(infinity=True), min_frequency=min_frequencies)
def test_cross_product_other_slot_is_exactly_unknown_or_rare_and_missing_its_own(
    data, min_frequency
):
    fit_raw, new_raw, X_fit, X_new = data
    cross = ("s", "i", "c")
    wide = CrossProductTransformer(
        columns=COLUMNS,
        crosses=[cross],
        min_frequency=min_frequency,
        n_bins=None,
        sparse_output=False,
    ).fit(X_fit)

    vocabularies = {c: expected_vocabulary(fit_raw[c], min_frequency) for c in COLUMNS}
    for column in COLUMNS:
        assert wide.categories_[column].tolist() == vocabularies[column]
    cross_vocabulary, cross_codes = expected_cross(
        [expected_codes(vocabularies[c], fit_raw[c]) for c in cross],
        [expected_codes(vocabularies[c], new_raw[c]) for c in cross],
        min_frequency,
    )
    # each column: the other slot, its values, the missing slot; the cross: the
    # other slot and its kept keys (a missing value is a value of the cross)
    widths = [len(vocabularies[c]) + 2 for c in COLUMNS] + [len(cross_vocabulary) + 1]
    assert wide.n_output_features_ == sum(widths)

    slots = active_slots(wide.transform(X_new), np.cumsum([0, *widths]))
    for j, column in enumerate(COLUMNS):
        expected = expected_codes(vocabularies[column], new_raw[column])
        np.testing.assert_array_equal(slots[:, j], expected, err_msg=column)
    np.testing.assert_array_equal(slots[:, -1], cross_codes, err_msg="cross")


@settings(max_examples=60, **SETTINGS)
@given(
    data=frames(infinity=True),
    min_frequency=min_frequencies,
    min_number_frequency=st.integers(1, 4),
    n_bins=st.integers(1, 4),
)
def test_embedding_code_is_zero_exactly_for_unknown_or_rare_missing_the_last(
    data, min_frequency, min_number_frequency, n_bins
):
    fit_raw, new_raw, X_fit, X_new = data
    encoder = EmbeddingEncoder(
        categorical=CATEGORICAL,
        continuous=["f"],
        min_frequency=min_frequency,
        scaling="quantile",
        min_number_frequency=min_number_frequency,
        n_bins=n_bins,
    ).fit(X_fit)
    codes = encoder.transform(X_new)[:, : len(CATEGORICAL) + 1]

    assert encoder.embedded_features_ == [*CATEGORICAL, "f_code"]
    for j, column in enumerate(CATEGORICAL):
        vocabulary = expected_vocabulary(fit_raw[column], min_frequency)
        assert encoder.categories_[j].tolist() == vocabulary, column
        assert encoder.cardinalities_[j] == len(vocabulary) + 2, column
        expected = expected_codes(vocabulary, new_raw[column])
        np.testing.assert_array_equal(codes[:, j], expected, err_msg=column)

    # The numbers seen min_number_frequency times get codes 1..m of their own;
    # the others a bucket's code, above m; missing numbers 0.
    frequent = expected_vocabulary(fit_raw["f"], min_number_frequency)
    known = expected_codes(frequent, new_raw["f"], missing_code=0)
    missing = np.array([is_missing(v) for v in new_raw["f"]])
    f_codes = codes[:, -1]
    np.testing.assert_array_equal(f_codes[known > 0], known[known > 0])
    assert (f_codes[missing] == 0).all()
    bucketed = f_codes[(known == 0) & ~missing]
    assert (bucketed > len(frequent)).all()
    assert (bucketed < encoder.cardinalities_[-1]).all()


@settings(max_examples=60, **SETTINGS)
@given(data=frames(), params=embedding_params())
def test_embedding_codes_stay_within_cardinalities(data, params):
    _, _, X_fit, X_new = data
    encoder = EmbeddingEncoder(**params).fit(X_fit)
    n_embedded = len(encoder.embedded_features_)
    assert encoder.cardinalities_.shape == (n_embedded,)
    assert (encoder.cardinalities_ >= 1).all()
    for X in (X_fit, X_new):
        codes = encoder.transform(X)[:, :n_embedded]
        np.testing.assert_array_equal(codes, codes.round())
        assert (codes >= 0).all()
        assert (codes < encoder.cardinalities_).all()


@settings(max_examples=60, **SETTINGS)
@given(data=frames(infinity=True), params=cross_product_params())
def test_cross_product_has_one_active_slot_per_block(data, params):
    _, _, X_fit, X_new = data
    wide = CrossProductTransformer(**params).fit(X_fit)
    n_blocks = len(wide.columns_) + len(wide.crosses_)
    assert wide._offsets[0] == 0
    assert wide._offsets[-1] == wide.n_output_features_
    assert (np.diff(wide._offsets) >= 1).all()
    for X in (X_fit, X_new):
        Xt = dense(wide.transform(X))
        assert Xt.shape == (len(X), wide.n_output_features_)
        assert set(np.unique(Xt).tolist()) <= {0.0, 1.0}
        assert active_slots(Xt, wide._offsets).shape == (len(X), n_blocks)


@settings(max_examples=40, **SETTINGS)
@given(data=frames(infinity=True), params=cross_product_params(), seed=st.randoms())
def test_cross_product_does_not_depend_on_row_order(data, params, seed):
    _, _, X_fit, X_new = data
    order = list(range(len(X_fit)))
    seed.shuffle(order)
    wide = CrossProductTransformer(**params).fit(X_fit)
    shuffled = CrossProductTransformer(**params).fit(X_fit.iloc[order])

    assert shuffled.categories_.keys() == wide.categories_.keys()
    for column, categories in wide.categories_.items():
        assert shuffled.categories_[column].tolist() == categories.tolist()
    assert shuffled.bin_edges_.keys() == wide.bin_edges_.keys()
    for column, edges in wide.bin_edges_.items():
        np.testing.assert_array_equal(shuffled.bin_edges_[column], edges)
    np.testing.assert_array_equal(
        shuffled.get_feature_names_out(), wide.get_feature_names_out()
    )
    np.testing.assert_array_equal(
        dense(shuffled.transform(X_new)), dense(wide.transform(X_new))
    )


@settings(max_examples=40, **SETTINGS)
@given(data=frames(), params=embedding_params(), seed=st.randoms())
def test_embedding_does_not_depend_on_row_order(data, params, seed):
    _, _, X_fit, X_new = data
    order = list(range(len(X_fit)))
    seed.shuffle(order)
    encoder = EmbeddingEncoder(**params).fit(X_fit)
    shuffled = EmbeddingEncoder(**params).fit(X_fit.iloc[order])

    assert len(shuffled.categories_) == len(encoder.categories_)
    for ours, theirs in zip(shuffled.categories_, encoder.categories_, strict=True):
        if theirs is None:  # hashed: no vocabulary
            assert ours is None
        else:
            assert ours.tolist() == theirs.tolist()
    np.testing.assert_array_equal(shuffled.cardinalities_, encoder.cardinalities_)
    np.testing.assert_array_equal(shuffled.fill_values_, encoder.fill_values_)
    assert shuffled.indicator_columns_ == encoder.indicator_columns_

    Xt, Xt_shuffled = encoder.transform(X_new), shuffled.transform(X_new)
    n_codes = len(encoder.embedded_features_)
    np.testing.assert_array_equal(Xt_shuffled[:, :n_codes], Xt[:, :n_codes])
    # the mean and standard deviation are sums: exact up to rounding only
    np.testing.assert_allclose(
        Xt_shuffled[:, n_codes:], Xt[:, n_codes:], rtol=1e-12, atol=1e-12
    )


@settings(max_examples=60, **SETTINGS)
@given(
    data=frames(infinity=True),
    crosses=st.lists(
        st.sampled_from(list(combinations(COLUMNS, 2)) + [tuple(COLUMNS)]),
        unique=True,
        min_size=1,
        max_size=3,
    ),
    hash_buckets=st.integers(2, 12),
    with_columns=st.booleans(),
    n_bins=st.one_of(st.none(), st.integers(2, 5)),
)
def test_hashed_widths_are_hash_buckets_for_any_data(
    data, crosses, hash_buckets, with_columns, n_bins
):
    _, _, X_fit, X_new = data
    wide = CrossProductTransformer(
        columns=COLUMNS if with_columns else [],
        crosses=crosses,
        hash_buckets=hash_buckets,
        n_bins=n_bins,
    )
    # every categorical column and cross: hash_buckets slots; a numeric
    # column: at most n_bins + 1 (its buckets and the missing slot), unless
    # n_bins=None makes it categorical too
    bucketized = [] if n_bins is None or not with_columns else NUMERIC
    n_hashed = len(wide.columns) - len(bucketized) + len(crosses)
    for X in (X_fit, X_new):
        wide.fit(X)
        assert wide.categories_ == {}
        widths = np.diff(wide._offsets)
        assert widths[-len(crosses) :].tolist() == [hash_buckets] * len(crosses)
        hashed = [j for j, c in enumerate(wide.columns_) if c not in bucketized]
        assert widths[hashed].tolist() == [hash_buckets] * len(hashed)
        for j, column in enumerate(wide.columns_):
            if column in bucketized:
                assert 2 <= widths[j] <= n_bins + 1
        if not bucketized:
            assert wide.n_output_features_ == hash_buckets * n_hashed
        names = wide.get_feature_names_out()[-hash_buckets * len(crosses) :]
        for k, cross in enumerate(crosses):
            block = names[k * hash_buckets : (k + 1) * hash_buckets]
            assert block[0] == "&".join(cross) + "=<other>"
            assert block[-1] == "&".join(cross) + f"=#{hash_buckets - 1}"
        Xt = wide.transform(X_new)
        assert Xt.shape[1] == wide.n_output_features_
        active_slots(Xt.toarray(), wide._offsets)


def value_hash(value):
    """The stable hash of a raw value (the oracles of test_vocabulary)."""
    return string_hash(value) if isinstance(value, str) else number_hash(value)


def hashed_missing(value) -> bool:
    """Whether a hashed column takes a value as missing: ``""`` included."""
    return is_missing(value) or (isinstance(value, str) and value == "")


@settings(max_examples=60, **SETTINGS)
@given(data=frames(), hash_buckets=st.integers(2, 9))
def test_hashed_codes_are_the_hash_of_the_raw_value(data, hash_buckets):
    _, new_raw, X_fit, X_new = data
    m = hash_buckets - 1
    encoder = EmbeddingEncoder(
        categorical=CATEGORICAL, continuous=[], hash_buckets=hash_buckets
    ).fit(X_fit)
    assert encoder.cardinalities_.tolist() == [hash_buckets] * len(CATEGORICAL)
    codes = encoder.transform(X_new)
    for j, column in enumerate(CATEGORICAL):
        expected = [
            0 if hashed_missing(v) else value_hash(v) % m + 1 for v in new_raw[column]
        ]
        np.testing.assert_array_equal(codes[:, j], expected, err_msg=column)

    cross = ("s", "i", "c")
    wide = CrossProductTransformer(
        columns=CATEGORICAL,
        crosses=[cross],
        hash_buckets=hash_buckets,
        n_bins=None,
        sparse_output=False,
    ).fit(X_fit)
    slots = active_slots(wide.transform(X_new), wide._offsets)
    np.testing.assert_array_equal(slots[:, :-1], codes)
    expected = [
        0
        if any(map(hashed_missing, values))
        else splitmix_chain(map(value_hash, values)) % m + 1
        for values in zip(*(new_raw[c] for c in cross), strict=True)
    ]
    np.testing.assert_array_equal(slots[:, -1], expected)


@settings(max_examples=60, **SETTINGS)
@given(data=frames(infinity=True), params=cross_product_params())
def test_cross_product_feature_names_match_output_width(data, params):
    _, _, X_fit, X_new = data
    wide = CrossProductTransformer(**params).fit(X_fit)
    names = wide.get_feature_names_out()
    assert len(names) == wide.n_output_features_
    assert wide.transform(X_new).shape[1] == len(names)
    assert wide.fit_transform(X_new).shape[1] == len(wide.get_feature_names_out())


@settings(max_examples=60, **SETTINGS)
@given(data=frames(), params=embedding_params())
def test_embedding_feature_names_match_output_width(data, params):
    _, _, X_fit, X_new = data
    encoder = EmbeddingEncoder(**params).fit(X_fit)
    names = encoder.get_feature_names_out()
    assert encoder.transform(X_new).shape[1] == len(names)
    n_embedded = len(encoder.embedded_features_)
    assert names[:n_embedded].tolist() == encoder.embedded_features_
    expected = list(encoder.continuous_columns_)
    if encoder.bin_edges_ is not None:  # piecewise linear: a name per piece
        expected = [
            f"{c}_piece{k}"
            for c, edges in zip(expected, encoder.bin_edges_, strict=True)
            for k in range(len(edges) - 1)
        ]
    n_scaled = len(expected)
    scaled = names[n_embedded : n_embedded + n_scaled].tolist()
    assert scaled == expected
    missing = names[n_embedded + n_scaled :].tolist()
    assert missing == [f"{c}_missing" for c in encoder.indicator_columns_]


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), scaling=st.sampled_from(["standard", "quantile", None]))
def test_embedding_outputs_are_finite(data, scaling):
    _, new_raw, X_fit, X_new = data.draw(frames(infinity=scaling == "quantile"))
    params = data.draw(embedding_params(scaling=scaling, encoding="scaled"))
    encoder = EmbeddingEncoder(**params).fit(X_fit)
    Xt = encoder.transform(X_new)
    assert np.isfinite(Xt).all()

    n_embedded = len(encoder.embedded_features_)
    n_scaled = len(encoder.continuous_columns_)
    if scaling == "quantile":
        scaled = Xt[:, n_embedded : n_embedded + n_scaled]
        assert ((scaled >= 0) & (scaled <= 1)).all()
    indicators = Xt[:, n_embedded + n_scaled :]
    for j, column in enumerate(encoder.indicator_columns_):
        missing = [is_missing(v) for v in new_raw[column]]
        np.testing.assert_array_equal(indicators[:, j], missing, err_msg=column)


@settings(max_examples=40, **SETTINGS)
@given(data=frames(infinity=True), scaling=st.sampled_from(["standard", None]))
def test_infinity_is_rejected_unless_quantile_scaling(data, scaling):
    fit_raw, new_raw, X_fit, X_new = data
    encoder = EmbeddingEncoder(
        categorical=["s"],
        continuous=["f"],
        scaling=scaling,
        continuous_encoding="scaled",
    )
    if any(math.isinf(v) for v in fit_raw["f"]):
        with pytest.raises(ValueError, match="infinite"):
            encoder.fit(X_fit)
        return
    encoder.fit(X_fit)
    if any(math.isinf(v) for v in new_raw["f"]):
        with pytest.raises(ValueError, match="infinite"):
            encoder.transform(X_new)
    else:
        assert np.isfinite(encoder.transform(X_new)).all()


def distinct_numbers(max_size, *, ties=False):
    """Lists of finite numbers with at least two distinct ones (``ties``:
    often repeating a few values, as masses of the quantiles)."""
    number = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
    if ties:
        number = st.one_of(st.sampled_from([-1.0, 0.0, 0.5, 3.0]), number)
    return st.lists(number, min_size=2, max_size=max_size).filter(
        lambda values: len(set(values)) >= 2
    )


@settings(max_examples=40, **SETTINGS)
@given(values=distinct_numbers(30, ties=True), n_quantiles=st.integers(2, 50))
def test_quantile_scaling_maps_infinities_to_zero_and_one(values, n_quantiles):
    encoder = EmbeddingEncoder(
        continuous=["f"],
        scaling="quantile",
        n_quantiles=n_quantiles,
        embed_continuous=False,
        continuous_encoding="scaled",  # the scaling is used (not the pieces)
    ).fit(pd.DataFrame({"f": values}))
    Xt = encoder.transform(pd.DataFrame({"f": [-math.inf, math.inf]}))
    assert Xt[:, 0].tolist() == [0.0, 1.0]


@settings(max_examples=60, **SETTINGS)
@given(values=distinct_numbers(40), n_bins=st.integers(1, 8))
def test_outer_pieces_extrapolate_monotonely_and_boundedly(values, n_bins):
    fit = pd.DataFrame({"f": values})
    encoder = EmbeddingEncoder(n_bins=n_bins, embed_continuous=False).fit(fit)
    edges = encoder.bin_edges_[0]
    low, high = edges[0], edges[-1]
    span = high - low
    grid = np.concatenate(
        [[-math.inf], np.linspace(low - 10 * span, high + 10 * span, 201), [math.inf]]
    )
    Xt = encoder.transform(pd.DataFrame({"f": grid}))
    # every piece rises with the value; within the training range as before
    assert (np.diff(Xt, axis=0) >= -1e-6).all()
    inside = (grid >= low) & (grid <= high)
    flat = EmbeddingEncoder(n_bins=n_bins, embed_continuous=False, extrapolate=False)
    ends = flat.fit(fit).transform(pd.DataFrame({"f": grid}))
    np.testing.assert_allclose(Xt[inside], ends[inside], atol=1e-6)
    assert ends[:, 0].min() == 0.0 and ends[:, -1].max() == 1.0  # flat past them
    # past the edges the outer pieces go on, bounded by 3 piece widths
    assert Xt[0, 0] == pytest.approx(-3.0) and Xt[-1, -1] == pytest.approx(4.0)
    beyond = grid > high
    assert (Xt[beyond, -1] > 1.0).all() and (Xt[beyond, -1] < 4.0 + 1e-6).all()


@settings(max_examples=60, **SETTINGS)
@given(data=frames(infinity=True), params=cross_product_params())
def test_cross_product_fit_then_transform_equals_fit_transform(data, params):
    _, _, X_fit, _ = data
    Xt = CrossProductTransformer(**params).fit(X_fit).transform(X_fit)
    Xt_at_once = CrossProductTransformer(**params).fit_transform(X_fit)
    assert type(Xt_at_once) is type(Xt)
    np.testing.assert_array_equal(dense(Xt_at_once), dense(Xt))


@settings(max_examples=60, **SETTINGS)
@given(data=frames(), params=embedding_params())
def test_embedding_fit_then_transform_equals_fit_transform(data, params):
    _, _, X_fit, _ = data
    Xt = EmbeddingEncoder(**params).fit(X_fit).transform(X_fit)
    Xt_at_once = EmbeddingEncoder(**params).fit_transform(X_fit)
    assert Xt_at_once.dtype == Xt.dtype
    np.testing.assert_array_equal(Xt_at_once, Xt)


LABELS = {
    "int": st.integers(-1000, 1000),
    "str": st.text(alphabet="abXY _-é", max_size=12),  # mixed lengths
    "bool": st.booleans(),
}


@st.composite
def labelled_frames(draw):
    """(X_fit, X_new, y, labels): every one of 2 to 4 labels appears in y."""
    kind = draw(st.sampled_from(sorted(LABELS)))
    n_classes = 2 if kind == "bool" else draw(st.integers(2, 4))
    labels = draw(
        st.lists(LABELS[kind], min_size=n_classes, max_size=n_classes, unique=True)
    )
    n_rows = draw(st.integers(n_classes, 60))
    y = (
        labels
        + draw(st.lists(st.sampled_from(labels), min_size=n_rows - n_classes))[
            : n_rows - n_classes
        ]
    )
    y = draw(st.permutations(y))
    container = draw(st.sampled_from(["list", "ndarray", "series"]))
    if container == "ndarray":
        y = np.array(y)
    elif container == "series":
        y = pd.Series(y)
    _, _, X_fit, X_new = draw(frames(n_fit=n_rows))
    return X_fit, X_new, y, labels


@settings(max_examples=12, **SETTINGS)
@given(data=labelled_frames())
def test_predict_proba_rows_sum_to_one_for_any_label_type(data):
    X_fit, X_new, y, labels = data
    clf = WideDeepClassifier(**{**FAST, "hidden_units": (4,), "max_epochs": 1})
    clf.fit(X_fit, y)
    assert clf.classes_.tolist() == sorted(labels)
    for X in (X_fit, X_new):
        proba = clf.predict_proba(X)
        assert proba.shape == (len(X), len(labels))
        assert np.isfinite(proba).all()
        assert ((proba >= 0) & (proba <= 1)).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        predicted = clf.predict(X)
        assert len(predicted) == len(X)
        assert set(predicted.tolist()) <= set(labels)
