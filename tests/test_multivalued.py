"""Multi-valued columns: cells that hold a set of values (installed apps, genres)."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.frozen import FrozenEstimator

import sk_widedeep
from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep._cli import main
from sk_widedeep._coding._bags import MAX_CROSS_COMBINATIONS, read_bags
from sk_widedeep.datasets import make_app_installs

from .conftest import FAST

CELLS = [["a", "b"], None, [], ["b"], ["c", "a", "a"], ["z"], ["b", "c"]]
"""Lists with a repeat, a missing and an empty cell."""


def as_lists(cells=CELLS):
    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    return column


def as_strings(cells=CELLS):
    return np.array([None if c is None else "|".join(c) for c in cells], dtype=object)


def frame(form, cells=CELLS):
    """The same table with its multi-valued column in one of four forms."""
    candidate = ["a", "b", "b", "c", "a", "c", "a"][: len(cells)]
    if form == "lists":
        column = as_lists(cells)
    elif form == "strings":
        column = as_strings(cells)
    elif form == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        column = pd.arrays.ArrowExtensionArray(pa.array(cells, pa.list_(pa.string())))
    elif form == "polars":
        pl = pytest.importorskip("polars")
        polars = pl.DataFrame(
            {"apps": cells, "candidate": candidate},
            schema={"apps": pl.List(pl.String), "candidate": pl.String},
        )
        return polars
    return pd.DataFrame({"apps": column, "candidate": candidate})


SEPARATORS = {"strings": {"apps": "|"}}

FORMS = ["lists", "strings", "pyarrow", "polars"]


@pytest.mark.parametrize("form", FORMS)
def test_every_form_gives_the_same_codes_and_outputs(form):
    reference = frame("lists")
    X = frame(form)
    separators = SEPARATORS.get(form)
    wide = CrossProductTransformer(
        crosses=[("apps", "candidate")], separators=separators
    )
    expected = CrossProductTransformer(crosses=[("apps", "candidate")])
    np.testing.assert_array_equal(
        wide.fit_transform(X).toarray(), expected.fit_transform(reference).toarray()
    )
    assert list(wide.get_feature_names_out()) == list(expected.get_feature_names_out())
    deep = EmbeddingEncoder(separators=separators)
    np.testing.assert_array_equal(
        deep.fit_transform(X), EmbeddingEncoder().fit_transform(reference)
    )
    assert deep.multi_valued_columns_ == ["apps"]


def test_multi_hot_blocks_other_slot_missing_slot_and_no_value():
    wide = CrossProductTransformer(columns=["apps"]).fit(frame("lists"))
    names = list(wide.get_feature_names_out())
    assert names == [
        "apps=<other>",
        "apps=a",
        "apps=b",
        "apps=c",
        "apps=z",
        "apps=<missing>",
    ]
    new = frame("lists", [["a", "unseen"], None, [], ["c", "c"], ["z"], ["b"], []])
    Xt = wide.transform(new).toarray()
    assert Xt.tolist()[:4] == [
        [1, 1, 0, 0, 0, 0],  # an unknown value: the other slot
        [0, 0, 0, 0, 0, 1],  # a missing cell: the missing slot
        [0, 0, 0, 0, 0, 0],  # empty: no value
        [0, 0, 0, 1, 0, 0],  # a repeat counts once
    ]
    rare = CrossProductTransformer(columns=["apps"], min_frequency=2).fit(
        frame("lists")
    )
    # a and b and c are in 2 or more rows; z in one: rare
    assert list(rare.get_feature_names_out()) == [
        "apps=<other>",
        "apps=a",
        "apps=b",
        "apps=c",
        "apps=<missing>",
    ]


def test_a_cross_with_a_multi_valued_column_yields_exactly_the_pairs():
    wide = CrossProductTransformer(columns=[], crosses=[("apps", "candidate")])
    X = frame("lists")
    Xt = wide.fit_transform(X).toarray()
    names = np.array(wide.get_feature_names_out())
    got = [sorted(names[row > 0]) for row in Xt]
    assert got == [
        ["apps=a&candidate=a", "apps=b&candidate=a"],
        ["apps=<missing>&candidate=b"],  # a missing cell is a value of the cross
        [],
        ["apps=b&candidate=c"],
        ["apps=a&candidate=a", "apps=c&candidate=a"],
        ["apps=z&candidate=c"],
        ["apps=b&candidate=a", "apps=c&candidate=a"],
    ]
    # two multi-valued columns: the product, capped per row
    many = pd.DataFrame(
        {
            "a": [[f"x{i}" for i in range(20)]] * 3,
            "b": [[f"y{i}" for i in range(10)]] * 3,
        }
    )
    both = CrossProductTransformer(columns=[], crosses=[("a", "b")]).fit(many)
    assert (both.transform(many).sum(axis=1) == MAX_CROSS_COMBINATIONS).all()


def test_hashed_multi_valued_columns_and_crosses():
    X = frame("lists")
    wide = CrossProductTransformer(
        crosses=[("apps", "candidate")], hash_buckets=64
    ).fit(X)
    Xt = wide.transform(X).toarray()
    assert Xt.shape[1] == 3 * 64
    # a row's ones: its distinct apps, its candidate, its (app, candidate) pairs;
    # a missing cell (row 1) has the missing slot and its cross, an empty one none
    assert Xt.sum(axis=1).tolist() == [5, 3, 1, 3, 5, 3, 5]


def test_a_hashed_cross_does_not_depend_on_the_order_of_a_rows_values():
    # Horror and War share a slot of g's block (hash_buckets=64): the cross
    # kept the first of them and crossed its value, so reversing the row
    # changed its features; each value is now crossed, in either order
    X = pd.DataFrame({"g": as_lists([["Horror", "War"]]), "c": ["a"]})
    wide = CrossProductTransformer(hash_buckets=64, crosses=[("g", "c")]).fit(X)
    g = wide.__widedeep_coders__().coders[0]
    assert len(set(g.encode(np.array(["Horror", "War"], dtype=object)))) == 1
    forward = wide.transform(X)
    backward = wide.transform(X.assign(g=as_lists([["War", "Horror"]])))
    np.testing.assert_array_equal(backward.indices, forward.indices)
    assert forward.nnz == 4  # one g slot (shared), c, and two crosses
    names = wide.get_feature_names_out()[forward.indices]
    assert sum(name.startswith("g&c=") for name in names) == 2
    # each value alone gives one of the two
    alone = [
        wide.transform(X.assign(g=as_lists([[value]]))).indices[-1]
        for value in ["Horror", "War"]
    ]
    assert sorted(alone) == sorted(forward.indices[-2:])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=6),
        ),
        min_size=1,
        max_size=30,
    ),
    st.randoms(use_true_random=False),
)
def test_bag_codes_are_in_range_order_invariant_and_missing_cells_in_their_slot(
    cells, random
):
    fitted = pd.DataFrame({"apps": as_lists([["a", "b"], ["c"], ["a", "c"], ["d"]])})
    # b and d are rare (one row each): code 0, as unknown values are
    deep = EmbeddingEncoder(categorical=["apps"], min_frequency=2).fit(fitted)
    (bags,) = deep._encode(
        sk_widedeep._coding._columns.Columns(pd.DataFrame({"apps": as_lists(cells)})),
    )[2]
    n_codes = deep.cardinalities_[0]
    assert ((bags.values >= 1) & (bags.values < n_codes)).all()  # 0 never passed
    shuffled = [None if c is None else random.sample(c, len(c)) for c in cells]
    (again,) = deep._encode(
        sk_widedeep._coding._columns.Columns(pd.DataFrame({"apps": as_lists(shuffled)}))
    )[2]
    np.testing.assert_array_equal(bags.values, again.values)
    np.testing.assert_array_equal(bags.starts, again.starts)
    known = {"a": 1, "c": 2}
    for row, cell in enumerate(cells):
        expected = sorted({known[v] for v in (cell or []) if v in known})
        if cell is None:  # a missing cell: the missing slot, the last code
            expected = [n_codes - 1]
        got = bags.values[bags.starts[row] : bags.starts[row + 1]].tolist()
        assert got == expected


@pytest.mark.parametrize("combiner", ["mean", "sum", "sqrtn"])
def test_the_pooled_embedding_is_the_combiner_of_the_members(combiner):
    X = frame("lists")
    clf = WideDeepClassifier(
        wide=None,
        deep=EmbeddingEncoder(categorical=["apps"], combiner=combiner),
        **FAST,
    ).fit(X[["apps"]], [0, 1, 0, 1, 0, 1, 1])
    table = clf.embeddings("apps")
    module = clf.net_.module_
    bags = clf.deep_.__widedeep_arrays__(
        sk_widedeep._coding._columns.Columns(X[["apps"]])
    )["bag0"].as_tensors("cpu")
    with torch.no_grad():
        pooled = module.bags[0](bags).numpy()
    for row, cell in enumerate(CELLS):
        members = ["<missing>"] if cell is None else sorted(set(cell))
        vectors = table.loc[members].to_numpy() if members else np.zeros((0, 1))
        expected = {
            "mean": vectors.mean(axis=0) if members else 0.0,
            "sum": vectors.sum(axis=0) if members else 0.0,
            "sqrtn": vectors.sum(axis=0) / np.sqrt(len(members)) if members else 0.0,
        }[combiner]
        np.testing.assert_allclose(pooled[row], expected, rtol=1e-6, atol=1e-7)


def test_embeddings_are_a_frame_indexed_by_value():
    X, y = make_app_installs(600, installed_apps=True, random_state=0)
    clf = WideDeepClassifier(**FAST).fit(X, y)
    apps = clf.embeddings("installed_apps")
    assert apps.index.name == "installed_apps"
    assert "<other>" not in apps.index  # unknown installed apps are skipped
    assert apps.shape[1] == clf.deep_.embedding_dims_[-1]
    country = clf.embeddings("country")
    assert country.index[0] == "<other>" and "US" in country.index
    with pytest.raises(ValueError, match="not an embedded column"):
        clf.embeddings("age")


def test_the_installed_apps_cross_memorizes_companions():
    from sklearn.metrics import roc_auc_score

    # 30 apps: 900 (installed, candidate) pairs, each seen often enough
    X, y = make_app_installs(20000, n_apps=30, installed_apps=True, random_state=0)
    train, test = slice(0, 15000), slice(15000, None)
    base = CrossProductTransformer(columns=["app_id"])
    crossed = CrossProductTransformer(
        columns=["app_id"], crosses=[("installed_apps", "app_id")]
    )
    scores = {}
    for name, wide in [("base", base), ("crossed", crossed)]:
        clf = WideDeepClassifier(wide=wide, deep=None, random_state=0)
        clf.fit(X[train], y[train])
        scores[name] = roc_auc_score(y[test], clf.predict_proba(X[test])[:, 1])
    # measured: 0.605 without the cross, 0.653 with it
    assert scores["crossed"] > scores["base"] + 0.03, scores


@pytest.mark.parametrize("form", ["lists", "strings"])
def test_save_load_and_pickle_round_trips_are_bit_identical(form, tmp_path):
    X, y = make_app_installs(600, installed_apps=True, random_state=0)
    if form == "strings":
        X["installed_apps"] = X["installed_apps"].map("|".join)
    separators = {"installed_apps": "|"} if form == "strings" else None
    clf = WideDeepClassifier(
        wide=CrossProductTransformer(
            crosses=[("installed_apps", "app_id")], separators=separators
        ),
        deep=EmbeddingEncoder(separators=separators, combiner="sqrtn"),
        **FAST,
    ).fit(X, y)
    expected = clf.predict_proba(X)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(clf)).predict_proba(X), expected
    )
    clf.save(tmp_path / "model.skwd")
    loaded = sk_widedeep.load(tmp_path / "model.skwd")
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    # one row alone scores as inside the table
    np.testing.assert_array_equal(loaded.predict_proba(X.iloc[[3]]), expected[[3]])


def test_streaming_with_frozen_transformers_and_warm_start():
    X, y = make_app_installs(1200, installed_apps=True, random_state=0)
    wide = FrozenEstimator(
        CrossProductTransformer(crosses=[("installed_apps", "app_id")]).fit(X)
    )
    deep = FrozenEstimator(EmbeddingEncoder().fit(X))
    clf = WideDeepClassifier(wide=wide, deep=deep, **FAST)
    for start in range(0, 1200, 400):
        rows = slice(start, start + 400)
        clf.partial_fit(X[rows], y[rows], classes=[0, 1])
    assert clf.n_iter_ == 3 and np.isfinite(clf.loss_curve_).all()
    # warm start keeps the pooled table's rows of the apps seen before
    warm = WideDeepClassifier(warm_start=True, **FAST).fit(X[:600], y[:600])
    before = warm.embeddings("installed_apps")
    warm.set_params(max_epochs=1, deep_lr=1e-12, wide_lr=1e-12).fit(X[600:], y[600:])
    after = warm.embeddings("installed_apps")
    shared = before.index.intersection(after.index)
    assert len(shared) > 100
    np.testing.assert_allclose(after.loc[shared], before.loc[shared], atol=1e-6)


def test_bad_multi_valued_input_is_refused_by_name():
    mixed = pd.DataFrame({"apps": as_lists([["a"], "b", None])})
    with pytest.raises(TypeError, match=r"'apps' is multi-valued.*1 cell"):
        CrossProductTransformer().fit(mixed)
    with pytest.raises(ValueError, match="multi-valued .* but named continuous"):
        EmbeddingEncoder(continuous=["apps"]).fit(frame("lists"))
    with pytest.raises(ValueError, match=r"separators\['apps'\] must be a non-empty"):
        CrossProductTransformer(separators={"apps": ""}).fit(frame("strings"))
    with pytest.raises(TypeError, match="split on '|'"):
        CrossProductTransformer(separators={"apps": "|"}).fit(frame("lists"))
    assert read_bags(as_strings([["a", ""]]), "apps", "|").values.tolist() == ["a"]


@pytest.mark.parametrize("form", ["lists", "arrow"])
def test_an_empty_string_in_a_list_cell_is_no_value(form):
    # as with a separator ("a||b") and as a None member: the graph (which
    # joins a cell's values into one string and splits it) sees the same
    cells = [["a", ""], ["", None], ["b"], None]
    if form == "arrow":
        pa = pytest.importorskip("pyarrow")
        values = pd.Series(cells, dtype=pd.ArrowDtype(pa.list_(pa.string())))
    else:
        values = pd.Series(cells, dtype=object)
    bags = read_bags(values, "apps")
    assert bags.values.tolist()[:2] == ["a", "b"]
    assert bags.lengths.tolist() == [1, 0, 1, 1]  # a missing cell: a missing member


def test_cli_reads_a_separated_column(tmp_path, capsys):
    X, y = make_app_installs(400, installed_apps=True, random_state=0)
    X["installed_apps"] = X["installed_apps"].map("|".join)
    X.assign(installed=y).to_csv(tmp_path / "apps.csv", index=False)
    model = tmp_path / "apps.skwd"
    args = ["fit", str(tmp_path / "apps.csv"), "--target", "installed"]
    args += ["--multi-valued", "installed_apps=|", "--cross", "installed_apps:app_id"]
    assert main([*args, "--max-epochs", "2", "-o", str(model)]) == 0
    loaded = sk_widedeep.load(model)
    assert loaded.deep_.multi_valued_columns_ == ["installed_apps"]
    assert "installed_apps=app_" in " ".join(loaded.wide_.get_feature_names_out())
    scores = tmp_path / "scores.csv"
    assert (
        main(["predict", str(model), str(tmp_path / "apps.csv"), "-o", str(scores)])
        == 0
    )
    assert len(pd.read_csv(scores)) == 400


def test_each_part_splits_a_column_on_its_own_separator():
    # the parts share the model's columns, which kept the first split read:
    # the deep part silently used the wide part's separator
    X = pd.DataFrame({"g": ["a|b,c", "c,a", "b|a", None] * 25, "n": range(100)})
    y = np.arange(100) % 2
    wide = CrossProductTransformer(columns=["g"], separators={"g": "|"})
    deep = EmbeddingEncoder(categorical=["g"], separators={"g": ","})
    clf = WideDeepClassifier(wide=wide, deep=deep, **FAST).fit(X, y)
    assert clf.wide_.categories_["g"].tolist() == ["a", "b", "b,c", "c,a"]
    assert clf.deep_.categories_[0].tolist() == ["a", "a|b", "b|a", "c"]
    np.testing.assert_array_equal(clf.deep_.transform(X), deep.fit(X).transform(X))


def test_separated_strings_without_separators_are_warned_of_by_name():
    # "Comedy|Romance" read as one category per combination, silently
    genres = ["Action", "Comedy", "Drama", "Horror", "Romance", "Thriller"]
    rng = np.random.default_rng(0)
    cells = [
        "|".join(rng.choice(genres, rng.integers(1, 4), replace=False))
        for _ in range(300)
    ]
    X = pd.DataFrame({"genres": cells, "x": rng.normal(size=300)})
    y = np.arange(300) % 2
    with pytest.warns(UserWarning, match="looks multi-valued") as record:
        WideDeepClassifier(**FAST).fit(X, y)
    (warning,) = [w for w in record if "multi-valued" in str(w.message)]
    message = str(warning.message)
    assert "Column 'genres'" in message and "separators={'genres': '|'}" in message
    for transformer in (CrossProductTransformer(), EmbeddingEncoder()):
        with pytest.warns(UserWarning, match="Column 'genres' looks multi-valued"):
            transformer.fit(X)
    # declared, or single values that merely hold a comma: no warning
    places = ["Paris, France", "Lyon, France", "Rome, Italy", "Oslo, Norway"] * 60
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CrossProductTransformer(separators={"genres": "|"}).fit(X)
        EmbeddingEncoder(separators={"genres": "|"}).fit(X)
        CrossProductTransformer().fit(pd.DataFrame({"place": places}))


def test_columns_a_transformer_does_not_use_are_not_read():
    # detection looks at the used columns only: an unused column of complex
    # numbers (which no part takes) does not stop the fit
    X = frame("lists").assign(z=np.array([1j] * 7))
    wide = CrossProductTransformer(columns=["apps"]).fit(X)
    assert wide.multi_valued_columns_ == ["apps"]
    deep = EmbeddingEncoder(categorical=["apps", "candidate"], continuous=[]).fit(X)
    assert deep.multi_valued_columns_ == ["apps"]
