"""The vocabulary-free mode (hash_buckets) of both transformers and the model."""

import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
from skorch.callbacks import Callback

import sk_widedeep
from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep._coding._hashing import HashedColumn, HashedCross, hash_values
from sk_widedeep._estimator._persistence import _CLASSES
from sk_widedeep._transformers._embedding import auto_embedding_dim

from .conftest import FAST, make_frame


def ids_frame(n_rows, n_ids, seed=0):
    """Strings ids, a country, an integer item id and a number, with gaps."""
    rng = np.random.default_rng(seed)
    user = np.array([f"u{i:07d}" for i in rng.permutation(n_ids)[:n_rows]])
    if n_rows > n_ids:
        user = np.array([f"u{i:07d}" for i in rng.integers(0, n_ids, n_rows)])
    country = rng.choice(["fr", "de", "us", None], n_rows)
    return pd.DataFrame(
        {
            "user": pd.Series(user, dtype="str"),
            "country": pd.Series(country, dtype="str"),
            "item": rng.integers(0, 10 * n_ids, n_rows),
            "price": rng.gamma(2.0, 10.0, n_rows),
        }
    )


def hashed_wide(k=64):
    return CrossProductTransformer(
        columns=["user", "country", "item"],
        crosses=[("user", "country"), ("country", "item", "price")],
        hash_buckets=k,
        n_bins=None,
    )


# the width is known before any data is seen


def test_cross_product_width_is_fixed_before_any_data():
    small, large = ids_frame(10, 10), ids_frame(10_000, 5_000, seed=1)
    # n_bins=None: the numeric columns are hashed too; 5 blocks of 64 slots
    widths = {hashed_wide().fit(X).n_output_features_ for X in (small, large)}
    assert widths == {5 * 64}
    wide = hashed_wide().fit(large)
    names = wide.get_feature_names_out()
    assert len(names) == 5 * 64 == wide.transform(small).shape[1]
    np.testing.assert_array_equal(
        names, hashed_wide().fit(small).get_feature_names_out()
    )
    assert names[:3].tolist() == ["user=<other>", "user=#1", "user=#2"]
    assert names[3 * 64 : 3 * 64 + 2].tolist() == [
        "user&country=<other>",
        "user&country=#1",
    ]
    assert names[-1] == "country&item&price=#63"
    assert wide.categories_ == {} and wide.bin_edges_ == {}


def test_cross_product_numeric_columns_are_still_bucketized():
    X = ids_frame(500, 200)
    wide = hashed_wide().set_params(n_bins=4).fit(X)
    # item and price are cut into 4 buckets (5 slots), user and country hashed
    assert list(wide.bin_edges_) == ["item", "price"]
    assert wide.n_output_features_ == 64 + 64 + 5 + 64 + 64


def test_embedding_cardinalities_are_fixed_before_any_data():
    small, large = ids_frame(10, 10), ids_frame(10_000, 5_000, seed=1)
    encoder = EmbeddingEncoder(
        categorical=["user", "country", "item"],
        hash_buckets=1000,
        embed_continuous=False,
    )
    for X in (small, large):
        encoder.fit(X)
        assert encoder.cardinalities_.tolist() == [1000, 1000, 1000]
        assert encoder.embedding_dims_.tolist() == [auto_embedding_dim(1000)] * 3
        assert encoder.categories_ == [None, None, None]
        codes = encoder.transform(large)[:, :3]
        assert codes.min() >= 0 and codes.max() <= 999
    # the continuous column is scaled as without hashing
    exact = EmbeddingEncoder(
        categorical=["user", "country", "item"], embed_continuous=False
    ).fit(large)
    np.testing.assert_array_equal(
        encoder.transform(large)[:, 3:], exact.transform(large)[:, 3:]
    )


def test_embedding_number_codes_keep_their_own_cardinality():
    X = ids_frame(500, 200)
    encoder = EmbeddingEncoder(categorical=["user"], hash_buckets=64).fit(X)
    assert encoder.embedded_features_ == ["user", "item_code", "price_code"]
    assert encoder.cardinalities_[0] == 64
    assert encoder.cardinalities_[1:].tolist() == [
        c.n_codes for c in encoder._number_codes
    ]


# memory does not grow with the number of distinct values


@pytest.mark.parametrize(
    "make",
    [
        lambda: hashed_wide(k=2**16).set_params(
            columns=["user"], crosses=[("user", "country")]
        ),
        lambda: EmbeddingEncoder(categorical=["user", "country"], hash_buckets=2**16),
    ],
    ids=["CrossProductTransformer", "EmbeddingEncoder"],
)
@pytest.mark.filterwarnings("ignore:Column 'user' holds a different value")
def test_fitted_size_does_not_grow_with_distinct_values(make):
    def size(n_ids):
        X = ids_frame(n_ids, n_ids, seed=n_ids)[["user", "country"]]
        return len(pickle.dumps(make().fit(X)))

    assert size(1_000) == size(200_000)
    exact = make().set_params(hash_buckets=None)
    X = ids_frame(200_000, 200_000)[["user", "country"]]
    assert len(pickle.dumps(exact.fit(X))) > 100 * size(1_000)  # a vocabulary grows


# the codes


def test_unknown_values_map_into_range_and_missing_values_to_the_other_slot():
    X_fit, X_new = ids_frame(50, 50), ids_frame(2000, 100_000, seed=3)
    X_new.loc[:9, "user"] = None
    X_new.loc[5:14, "country"] = None
    wide = hashed_wide(k=16).fit(X_fit)
    Xt = wide.transform(X_new).toarray()
    blocks = Xt.reshape(len(X_new), 5, 16)
    np.testing.assert_array_equal(blocks.sum(axis=2), 1)
    slots = blocks.argmax(axis=2)
    missing_user, missing_country = X_new["user"].isna(), X_new["country"].isna()
    np.testing.assert_array_equal(slots[:, 0] == 0, missing_user)
    np.testing.assert_array_equal(slots[:, 1] == 0, missing_country)
    np.testing.assert_array_equal(slots[:, 3] == 0, missing_user | missing_country)
    assert len(np.unique(slots[~missing_user, 0])) == 15  # unseen users everywhere
    # what fit saw does not matter: codes depend on the value alone
    other = hashed_wide(k=16).fit(ids_frame(10, 10, seed=9))
    np.testing.assert_array_equal(other.transform(X_new).toarray(), Xt)

    encoder = EmbeddingEncoder(categorical=["user", "country"], hash_buckets=16)
    codes = encoder.fit(X_fit).transform(X_new)[:, :2]
    np.testing.assert_array_equal(codes[:, 0], slots[:, 0])
    np.testing.assert_array_equal(codes[:, 1], slots[:, 1])


def test_numbers_hash_by_value_in_any_dtype():
    ints = pd.DataFrame({"item": [7, 1, 30, 7]})
    variants = [
        ints,
        ints.astype("float64"),
        ints.astype("Int64"),
        ints.astype(object),
        pd.DataFrame({"item": pd.array([7, 1, 30, 7], dtype="int64[pyarrow]")}),
    ]
    wide = CrossProductTransformer(columns=["item"], hash_buckets=64, n_bins=None)
    encoder = EmbeddingEncoder(categorical=["item"], hash_buckets=64)
    outputs = [wide.fit(X).transform(X).toarray() for X in variants]
    codes = [encoder.fit(X).transform(X)[:, 0] for X in variants]
    for output, code in zip(outputs[1:], codes[1:], strict=True):
        np.testing.assert_array_equal(output, outputs[0])
        np.testing.assert_array_equal(code, codes[0])
    # a string column is another kind: "7" does not hash as 7
    as_text = wide.fit(ints.astype(str)).transform(ints.astype(str)).toarray()
    assert not np.array_equal(as_text, outputs[0])


@pytest.mark.parametrize(
    "transformer",
    [
        CrossProductTransformer(columns=["user"], hash_buckets=64),
        EmbeddingEncoder(categorical=["user"], hash_buckets=64),
    ],
    ids=["CrossProductTransformer", "EmbeddingEncoder"],
)
def test_a_change_of_kind_is_refused(transformer):
    X = pd.DataFrame({"user": ["10", "20", "30"], "age": [1.0, 2.0, 3.0]})
    transformer.fit(X)
    with pytest.raises(
        ValueError, match="Column 'user' held strings in fit but holds numbers"
    ):
        transformer.transform(X.astype({"user": "int64"}))


@pytest.mark.parametrize(
    "transformer",
    [CrossProductTransformer(hash_buckets=64), EmbeddingEncoder(hash_buckets=64)],
    ids=["CrossProductTransformer", "EmbeddingEncoder"],
)
def test_min_frequency_with_hash_buckets_is_refused(transformer):
    transformer.set_params(min_frequency=5)
    with pytest.raises(ValueError, match="hash_buckets=64 keeps no counts"):
        transformer.fit(ids_frame(20, 20))


# hashed crosses


def test_hashed_cross_slots_come_from_the_value_hashes():
    X = ids_frame(300, 100)
    wide = hashed_wide(k=64).fit(X)
    Xt = wide.transform(X).toarray().reshape(len(X), 5, 64)
    slots = Xt.argmax(axis=2)
    h_user, _ = hash_values(X["user"].array)
    h_country, _ = hash_values(X["country"].array)
    expected = HashedCross(64).encode([h_user, h_country], [slots[:, 0], slots[:, 1]])
    np.testing.assert_array_equal(slots[:, 3], expected)
    missing = X["country"].isna().to_numpy()
    assert 0 < missing.sum() < len(X)
    np.testing.assert_array_equal(slots[:, 3] == 0, missing)


def test_hashed_cross_tells_apart_values_that_share_a_column_slot():
    # find pairs of users that share a slot of the user block
    users = np.array([f"u{i}" for i in range(400)], dtype=object)
    codes = HashedColumn(16).encode(users)
    shared = [
        (users[i], users[j])
        for i in range(len(users))
        for j in range(i + 1, len(users))
        if codes[i] == codes[j]
    ][:200]
    X = pd.DataFrame(
        {
            "user": [u for pair in shared for u in pair],
            "country": "fr",
        }
    )
    wide = CrossProductTransformer(
        columns=["user"], crosses=[("user", "country")], hash_buckets=16
    ).fit(X)
    slots = wide.transform(X).toarray().reshape(len(X), 2, 16).argmax(axis=2)
    same_user_slot = slots[0::2, 0] == slots[1::2, 0]
    same_cross_slot = slots[0::2, 1] == slots[1::2, 1]
    assert same_user_slot.all()
    # had the cross been made of the columns' codes, every pair would collide;
    # from the value hashes, about 1 in 15 does
    assert same_cross_slot.mean() < 0.15


# the model


def hashed_model(**params):
    return WideDeepClassifier(
        wide=CrossProductTransformer(
            crosses=[("education", "occupation"), ("occupation", "user_id")],
            hash_buckets=128,
        ),
        deep=EmbeddingEncoder(
            categorical=["education", "occupation", "gender", "user_id"],
            hash_buckets=32,
        ),
        **{**FAST, **params},
    )


def test_classifier_trains_hashed_and_saves_bit_identical(tmp_path):
    X, y = make_frame(n_samples=400, seed=60)
    model = hashed_model().fit(X, y)
    assert model.deep_.cardinalities_[:4].tolist() == [32] * 4
    # education, occupation, gender, married and two crosses (user_id is
    # bucketized in its cross): six blocks of 128 slots
    assert model.wide_.n_output_features_ == 6 * 128
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all() and 0 < proba[:, 1].mean() < 1

    path = tmp_path / "hashed.skwd"
    model.save(path)
    loaded = sk_widedeep.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(model)).predict_proba(X), proba
    )
    assert {"HashedColumn", "HashedCross"} <= set(_CLASSES)
    with zipfile.ZipFile(path) as archive:
        document = archive.read("model.json").decode()
    assert "HashedColumn" in document and "HashedCross" in document
    assert "Masters" not in document  # no vocabulary: no value is stored
    json.loads(document)
    # new values, missing values: finite probabilities
    X_new = X.assign(occupation="Pilot", user_id=X["user_id"] + 1000)
    X_new.loc[:10, "education"] = None
    assert np.isfinite(loaded.predict_proba(X_new)).all()


class WeightsAtStart(Callback):
    """Keep the module's state when training begins."""

    def on_train_begin(self, net, **kwargs):
        self.state_ = {k: v.clone() for k, v in net.module_.state_dict().items()}


def test_warm_start_with_hashed_columns_keeps_the_weights():
    X, y = make_frame(n_samples=600, seed=61)
    model = hashed_model(warm_start=True).fit(X[:300], y[:300])
    old_wide = model.wide_weights()["weight"]
    old_table = model.net_.module_.embedding_rows(0).detach().clone()
    start = WeightsAtStart()
    model.set_params(callbacks=[("start", start)]).fit(X, y)
    started = dict(model.net_.callbacks_)["start"].state_
    # wide: the same hash_buckets, the same slots: every weight carries over
    names = model.wide_.get_feature_names_out()
    np.testing.assert_array_equal(names.size, old_wide.size)
    np.testing.assert_allclose(
        started["wide.weight"][:, 0].numpy(), old_wide[names].to_numpy(), rtol=1e-6
    )
    # deep: every row of the hashed education table, code by code
    table = [k for k in started if k.endswith("table.weight")][0]
    np.testing.assert_allclose(started[table][:32], old_table, rtol=1e-6)

    # under another hash_buckets a slot holds other values: nothing carries over
    dim = model.deep_.embedding_dims_[0].item()
    model.set_params(
        wide__hash_buckets=64, deep__hash_buckets=16, deep__embedding_dim=dim
    )
    before = model.net_.module_.embedding_rows(0).detach().clone()
    assert np.abs(model.wide_weights()["weight"]).max() > 0
    model.fit(X, y)
    started = dict(model.net_.callbacks_)["start"].state_
    assert np.abs(started["wide.weight"].numpy()).max() == 0  # as initialized
    table = [k for k in started if k.endswith("table.weight")][0]
    assert not np.isclose(started[table][1:16], before[1:16]).any()


def test_cli_predict_reads_hashed_text_columns_as_text(tmp_path):
    from sk_widedeep._cli import main

    rng = np.random.default_rng(62)
    X = pd.DataFrame(
        {
            "plan": pd.Series(
                [f"{i:03d}" for i in rng.integers(0, 50, 300)], dtype="str"
            ),
            "age": rng.normal(40, 10, 300),
        }
    )
    y = (X["age"] > 40).astype(int).to_numpy()
    model = WideDeepClassifier(
        wide=CrossProductTransformer(columns=["plan"], hash_buckets=16),
        deep=EmbeddingEncoder(hash_buckets=16),
        **FAST,
    ).fit(X, y)
    path, csv, scores = tmp_path / "m.skwd", tmp_path / "x.csv", tmp_path / "s.csv"
    model.save(path)
    X.to_csv(csv, index=False)  # '007' reads back as 7 unless read as text
    assert main(["predict", str(path), str(csv), "-o", str(scores)]) == 0
    out = pd.read_csv(scores)
    expected = model.predict_proba(X)
    np.testing.assert_allclose(out[["proba_0", "proba_1"]], expected, rtol=1e-12)
