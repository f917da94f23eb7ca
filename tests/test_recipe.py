"""The paper's recipe: per-part optimizers, class weights, warm start, wide weights."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import roc_auc_score
from sklearn.utils.class_weight import compute_sample_weight
from skorch.callbacks import Callback

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep._network._optim import FTRL

from .conftest import FAST, make_frame

WIDE = CrossProductTransformer(crosses=[("education", "occupation")])


@pytest.mark.parametrize("wide_optimizer", ["ftrl", "adagrad", "adam", "sgd"])
@pytest.mark.parametrize("deep_optimizer", ["adam", "adagrad", "sgd", "ftrl"])
def test_every_named_optimizer_trains_either_part(wide_optimizer, deep_optimizer):
    X, y = make_frame(seed=30)
    model = WideDeepClassifier(
        wide=WIDE, wide_optimizer=wide_optimizer, deep_optimizer=deep_optimizer, **FAST
    ).fit(X, y)
    # Adam's moments would move unused rows: it gets sparse gradients at any
    # size; the others' dense step equals their sparse one, and is cheaper
    assert model.net_.module_.wide.sparse == (wide_optimizer == "adam")
    kinds = {
        "ftrl": FTRL,
        "adagrad": torch.optim.Adagrad,
        "adam": torch.optim.SparseAdam,
        "sgd": torch.optim.SGD,
    }
    assert isinstance(model.net_.wide_optimizer_, kinds[wide_optimizer])
    assert np.isfinite(model.loss_curve_).all()
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert np.isfinite(model.predict_proba(X)).all()


@pytest.mark.parametrize("wide_optimizer", ["ftrl", "adagrad", "sgd"])
def test_a_small_wide_table_steps_densely_as_a_large_one_sparsely(
    monkeypatch, wide_optimizer
):
    from sk_widedeep._network import _net

    X, y = make_frame(seed=30)
    params = {**FAST, "wide": WIDE, "deep": None, "wide_optimizer": wide_optimizer}
    dense = WideDeepClassifier(**params).fit(X, y)
    monkeypatch.setattr(_net, "SPARSE_EMBEDDING_ROWS", 2)
    sparse = WideDeepClassifier(**params).fit(X, y)
    assert not dense.net_.module_.wide.sparse and sparse.net_.module_.wide.sparse
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(X), rtol=0, atol=1e-6
    )
    assert dense.loss_curve_[-1] < dense.loss_curve_[0]


def test_an_optimizer_class_gets_dense_gradients_and_its_own_defaults():
    X, y = make_frame(seed=31)
    model = WideDeepClassifier(
        wide=WIDE, wide_optimizer=torch.optim.RMSprop, wide_l2=0.01,
        deep_optimizer=torch.optim.AdamW, **FAST,
    ).fit(X, y)  # fmt: skip
    assert not model.net_.module_.wide.sparse
    wide_opt = model.net_.wide_optimizer_
    assert isinstance(wide_opt, torch.optim.RMSprop)
    assert wide_opt.defaults["lr"] == 0.01 and wide_opt.defaults["weight_decay"] == 0.01
    assert isinstance(model.net_.optimizer_, torch.optim.AdamW)


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"wide_optimizer": "adam", "wide_l1": 0.1},
            "wide_l1 needs wide_optimizer='ftrl': 'adam' cannot regularize the wide "
            "part's sparse weights. Use wide_optimizer='ftrl', or set wide_l1=0.",
        ),
        (
            {"wide_optimizer": "adagrad", "wide_l2": 0.1},
            "wide_l2 needs wide_optimizer='ftrl': 'adagrad' cannot regularize the "
            "wide part's sparse weights. Use wide_optimizer='ftrl', or set wide_l2=0.",
        ),
    ],
)
def test_regularization_the_optimizer_cannot_apply_is_an_error(params, message):
    X, y = make_frame(seed=32)
    with pytest.raises(ValueError) as excinfo:
        WideDeepClassifier(wide=WIDE, **params, **FAST).fit(X, y)
    assert str(excinfo.value) == message


def test_ftrl_l1_makes_the_wide_part_sparse():
    X, y = make_frame(n_samples=1000, seed=33)
    plain = WideDeepClassifier(wide=WIDE, **FAST).fit(X, y).wide_weights()
    sparse = WideDeepClassifier(wide=WIDE, wide_l1=4.0, **FAST).fit(X, y).wide_weights()
    # of the features the plain fit uses (slots no training row reaches stay 0
    # in both), L1 sets a quarter or more to exactly 0 (10 of 30 here)
    used = plain.index[plain["weight"] != 0]
    assert (sparse["weight"].loc[used] == 0).sum() >= len(used) / 4


def test_wide_weights_are_named_and_sorted():
    X, y = make_frame(n_samples=1000, seed=34)
    model = WideDeepClassifier(wide=WIDE, **FAST).fit(X, y)
    weights = model.wide_weights()
    assert weights.columns.tolist() == ["weight"]
    assert set(weights.index) == set(model.wide_.get_feature_names_out())
    magnitude = weights["weight"].abs().to_numpy()
    assert np.all(np.diff(magnitude) <= 0)
    # the strongest single feature in the data: education=Masters (+1.5 log-odds)
    singles = weights[~weights.index.str.contains("&")]
    assert singles.index[0] == "education=Masters"
    assert singles.loc["education=Masters", "weight"] > 0


def test_wide_weights_of_multiclass_and_of_a_deep_only_model():
    X, y = make_frame(seed=35)
    labels = np.array(["a", "b", "c"])[(y + np.arange(len(y))) % 3]
    model = WideDeepClassifier(wide=WIDE, **FAST).fit(X, labels)
    assert model.wide_weights().columns.tolist() == ["a", "b", "c"]
    deep_only = WideDeepClassifier(wide=None, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="no wide part"):
        deep_only.wide_weights()


def test_class_weight_is_sample_weight_by_class():
    X, y = make_frame(seed=36)
    for class_weight in ["balanced", {0: 1.0, 1: 5.0}]:
        weighted = WideDeepClassifier(class_weight=class_weight, **FAST).fit(X, y)
        sample_weight = compute_sample_weight(class_weight, y)
        by_rows = WideDeepClassifier(**FAST).fit(X, y, sample_weight=sample_weight)
        np.testing.assert_allclose(
            weighted.predict_proba(X), by_rows.predict_proba(X), rtol=1e-6
        )


def test_class_weight_shifts_the_probabilities():
    X, y = make_frame(n_samples=1000, seed=37)
    plain = WideDeepClassifier(**FAST).fit(X, y).predict_proba(X)[:, 1].mean()
    heavy = WideDeepClassifier(class_weight={0: 1.0, 1: 4.0}, **FAST).fit(X, y)
    assert heavy.predict_proba(X)[:, 1].mean() > plain + 0.1
    both = WideDeepClassifier(class_weight={0: 1.0, 1: 4.0}, **FAST)
    both.fit(X, y, sample_weight=np.where(y == 0, 4.0, 1.0))  # they multiply
    np.testing.assert_allclose(
        both.predict_proba(X), WideDeepClassifier(**FAST).fit(X, y).predict_proba(X),
        rtol=1e-6,
    )  # fmt: skip


def test_balanced_class_weight_needs_all_labels():
    X, y = make_frame(seed=38)
    with pytest.raises(ValueError, match="class_weight='balanced' needs every label"):
        WideDeepClassifier(class_weight="balanced", **FAST).partial_fit(
            X, y, classes=[0, 1]
        )


class WeightsAtStart(Callback):
    """Keep the module's state when training begins."""

    def on_train_begin(self, net, **kwargs):
        self.state_ = {k: v.clone() for k, v in net.module_.state_dict().items()}


def test_warm_start_keeps_the_weights_of_what_stays():
    X, y = make_frame(n_samples=600, seed=39)
    first = WideDeepClassifier(wide=WIDE, warm_start=True, **FAST).fit(X[:300], y[:300])
    old_weights = first.wide_weights()["weight"]
    old_embedding = first.net_.module_.embedding_rows(0).detach().clone()
    old_categories = first.deep_.categories_[0].tolist()
    start = WeightsAtStart()
    first.set_params(callbacks=[("start", start)]).fit(X, y)
    started = dict(first.net_.callbacks_)["start"].state_
    # wide: every feature of the first fit starts from its old weight
    names = first.wide_.get_feature_names_out()
    new_weights = started["wide.weight"][:, 0].numpy()
    shared = [i for i, name in enumerate(names) if name in old_weights.index]
    assert len(shared) > 0.9 * len(names)
    np.testing.assert_allclose(
        new_weights[shared], old_weights[names[shared]], rtol=1e-6
    )
    # deep: every education value keeps its embedding
    table = [k for k in started if k.endswith("table.weight")][0]
    rows = first.net_.module_.embedding_rows(0)  # same layout as at the start
    assert rows.shape[0] == len(first.deep_.categories_[0]) + 2
    offset = 0  # education is the first input of its group
    for code, value in enumerate(first.deep_.categories_[0], start=1):
        old_code = old_categories.index(value) + 1
        np.testing.assert_allclose(
            started[table][offset + code], old_embedding[old_code], rtol=1e-6
        )
    # the missing slot, the last row, is carried over too
    np.testing.assert_allclose(
        started[table][offset + rows.shape[0] - 1], old_embedding[-1], rtol=1e-6
    )


def test_warm_start_begins_below_a_cold_start():
    X, y = make_frame(n_samples=2000, seed=40)
    params = {**FAST, "max_epochs": 5}
    warm = WideDeepClassifier(wide=WIDE, warm_start=True, **params).fit(
        X[:1500], y[:1500]
    )
    warm.fit(X, y)  # the data grew
    cold = WideDeepClassifier(wide=WIDE, **params).fit(X, y)
    assert warm.loss_curve_[0] < cold.loss_curve_[0] - 0.01


def test_warm_start_needs_the_same_layers_and_classes():
    X, y = make_frame(seed=41)
    model = WideDeepClassifier(warm_start=True, **FAST).fit(X, y)
    with pytest.raises(
        ValueError, match="warm_start keeps the layers of the previous fit"
    ):
        model.set_params(hidden_units=(8,)).fit(X, y)
    model = WideDeepClassifier(warm_start=True, **FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"the classes changed from \[0, 1\] to"):
        model.fit(X, np.where(y == 1, 2, 0))


def test_without_warm_start_a_refit_starts_afresh():
    X, y = make_frame(seed=42)
    model = WideDeepClassifier(**FAST).fit(X, y)
    first = model.predict_proba(X)
    np.testing.assert_array_equal(model.fit(X, y).predict_proba(X), first)


def test_embedding_inputs_for_warm_start_cover_number_codes():
    X, y = make_frame(seed=43)
    model = WideDeepClassifier(
        deep=EmbeddingEncoder(continuous=["age", "hours"]), warm_start=True, **FAST
    ).fit(X, y)
    assert model.deep_.embedded_features_[-2:] == ["age_code", "hours_code"]
    model.fit(X, y)  # the codes' embeddings carry over without error
    assert np.isfinite(model.predict_proba(X)).all()


@pytest.mark.parametrize(
    "values",
    [[12, 13, 14, 15, 16], [1234567, 1234568, 1234569, 1234570, 1234571]],
    ids=["small numbers", "large numbers"],
)
def test_warm_start_matches_number_codes_and_buckets_by_exact_value(values):
    # '{:g}' labels 1234567 and 1234568 alike; warm start must not mix them up
    rng = np.random.default_rng(45)
    n = 600
    X = pd.DataFrame(
        {
            "n": rng.choice(np.asarray(values, float), n),
            "city": rng.choice(list("abc"), n),
        }
    )
    y = ((X["n"] > values[2]) ^ (rng.random(n) < 0.1)).astype(np.int64)
    wide = CrossProductTransformer(columns=["city", "n"], crosses=[("city", "n")])
    model = WideDeepClassifier(wide=wide, warm_start=True, **FAST).fit(X, y)
    assert model.deep_.embedded_features_ == ["city", "n_code"]
    before = model.predict_proba(X)
    # a refit that cannot learn: every weight must start where it was
    model.set_params(deep_lr=1e-30, wide_lr=1e-30, max_epochs=1).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), before, rtol=0, atol=1e-6)
    # and the names stay distinct
    names = model.wide_.get_feature_names_out()
    assert len(set(names)) == len(names)
    assert f"n=[{values[1]}, {values[2]})" in names


def test_paper_preset_trains_and_takes_overrides():
    from sk_widedeep import paper_preset

    X, y = make_frame(n_samples=500, seed=44)
    clf = paper_preset(
        crosses=[("education", "occupation")], hidden_units=(32, 16), max_epochs=2,
        random_state=0,
    )  # fmt: skip
    assert clf.hidden_units == (32, 16) and clf.deep_optimizer == "adagrad"
    clf.fit(X, y)
    assert clf.wide_.crosses_ == [("education", "occupation")]
    assert clf.deep_.embedding_dims_.tolist() == [32] * 4
    # the paper's numbers: one value each, their empirical CDF in [0, 1]
    assert clf.deep_.bin_edges_ is None and clf.deep_.scaling == "quantile"
    Xt = clf.deep_.transform(X)[:, len(clf.deep_.embedded_features_) :]
    n_inputs = len(clf.deep_.continuous_columns_) + len(clf.deep_.indicator_columns_)
    assert Xt.shape[1] == n_inputs
    assert ((Xt >= 0) & (Xt <= 1)).all()
    assert isinstance(clf.net_.optimizer_, torch.optim.Adagrad)
    assert isinstance(clf.net_.wide_optimizer_, FTRL)
    assert np.isfinite(clf.predict_proba(X)).all()


@pytest.fixture()
def sparse_tables(monkeypatch):
    """Make every embedding table large enough for sparse gradients."""
    from sk_widedeep._network import _net

    monkeypatch.setattr(_net, "SPARSE_EMBEDDING_ROWS", 2)


def _tables(model):
    return [group.table for group in model.net_.module_.embeddings]


@pytest.mark.parametrize("deep_optimizer", ["adam", "adagrad", "sgd", "ftrl"])
def test_large_tables_get_sparse_gradients_and_learn_as_well(
    monkeypatch, deep_optimizer
):
    from sk_widedeep._network import _net

    X, y = make_frame(n_samples=600, seed=37)
    params = {**FAST, "max_epochs": 6, "deep_optimizer": deep_optimizer, "wide": None}
    dense = WideDeepClassifier(**params).fit(X, y)
    monkeypatch.setattr(_net, "SPARSE_EMBEDDING_ROWS", 2)
    sparse = WideDeepClassifier(**params).fit(X, y)
    assert not any(table.sparse for table in _tables(dense))
    assert all(table.sparse for table in _tables(sparse))
    assert sparse.net_.embedding_optimizer_ is not sparse.net_.optimizer_
    auc = {
        name: roc_auc_score(y, model.predict_proba(X)[:, 1])
        for name, model in [("dense", dense), ("sparse", sparse)]
    }
    assert abs(auc["sparse"] - auc["dense"]) < 0.03, auc


def test_sparse_tables_leave_rows_not_looked_up_untouched(sparse_tables):
    X, y = make_frame(n_samples=400, seed=38)
    model = WideDeepClassifier(wide=None, deep_l2=0.1, **FAST).fit(X, y)
    rows = model.deep_.categories_[0].tolist().index("Masters") + 1  # its code
    table = model.net_.module_.embedding_rows(0)
    before = table.detach().clone()
    subset = (X["education"] != "Masters").to_numpy()
    model.partial_fit(X[subset], y[subset])
    after = model.net_.module_.embedding_rows(0).detach()
    torch.testing.assert_close(after[rows], before[rows], rtol=0, atol=0)
    assert not torch.equal(after, before)  # the rows looked up did move


def test_lazy_l2_shrinks_the_rows_of_sparse_tables(sparse_tables):
    X, y = make_frame(n_samples=400, seed=39)
    norms = {}
    # 6 epochs: the shrinking grows with the steps taken (Adam bounds each);
    # after 3 the ratio is about 0.51 for any seed, after 6 about 0.27
    params = {**FAST, "max_epochs": 6}
    for l2 in (0.0, 1.0):
        model = WideDeepClassifier(wide=None, deep_l2=l2, **params).fit(X, y)
        weights = [t.weight.detach().flatten() for t in _tables(model)]
        norms[l2] = float(torch.cat(weights).norm())
    assert norms[1.0] < 0.5 * norms[0.0]
