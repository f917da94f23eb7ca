import re

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from skorch.callbacks import Callback

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep._network._batches import ROW_ALIGNMENT

from .conftest import FAST, make_frame


def test_fitted_attributes(fitted):
    model, X, _ = fitted
    assert model.classes_.tolist() == [0, 1]
    assert isinstance(model.wide_, CrossProductTransformer)
    assert isinstance(model.deep_, EmbeddingEncoder)
    assert model.n_features_in_ == X.shape[1]
    assert model.feature_names_in_.tolist() == X.columns.tolist()
    assert model.device_ == ("cuda" if torch.cuda.is_available() else "cpu")
    assert model.n_iter_ == 3 == len(model.loss_curve_)
    assert model.validation_loss_curve_ is None
    assert model.net_.module_.wide is not None and model.net_.module_.deep is not None


def test_probabilities_are_finite_and_sum_to_one(fitted):
    model, X, _ = fitted
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_decision_function_is_the_logit_of_predict_proba(fitted):
    model, X, _ = fitted
    logit = model.decision_function(X)
    assert logit.shape == (len(X),)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], 1 / (1 + np.exp(-logit)))
    np.testing.assert_array_equal(model.predict(X), (logit > 0).astype(int))


def test_a_row_scores_the_same_alone_or_in_a_batch(fitted):
    model, X, _ = fitted
    full = model.predict_proba(X)
    for rows in (
        [7],
        [3, 1, 4, 1, 5],
        list(range(ROW_ALIGNMENT + 1)),
        list(range(399, 0, -7)),
    ):
        np.testing.assert_array_equal(model.predict_proba(X.iloc[rows]), full[rows])


def test_learns_the_signal(fitted):
    model, _, _ = fitted
    X_test, y_test = make_frame(n_samples=2000, seed=2)
    # chance is 0.5; logistic regression on the wide features gets 0.685
    assert roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]) > 0.65


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["no", "yes"]),
        np.array([-1, 1]),
        np.array([False, True]),
        np.array(["a", "b", "c"]),
        np.array([1.0, 2.0, 3.0, 4.0]),
    ],
    ids=["str", "int", "bool", "3-str", "4-float"],
)
def test_any_label_type_and_number_of_classes(labels):
    X, y01 = make_frame(n_samples=300, seed=3)
    codes = (y01 + np.arange(300)) % len(labels) if len(labels) > 2 else y01
    y = labels[codes]
    model = WideDeepClassifier(**FAST).fit(X, y)
    assert model.classes_.tolist() == sorted(labels.tolist())
    proba = model.predict_proba(X)
    assert proba.shape == (300, len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert set(model.predict(X)) <= set(labels)
    scores = model.decision_function(X)
    assert scores.shape == ((300,) if len(labels) == 2 else (300, len(labels)))
    accuracy = np.mean(model.predict(X) == y)  # score is the accuracy
    assert model.score(X, y) == pytest.approx(accuracy, abs=1e-12)
    if len(labels) == 2:  # a learnable target: better than the majority class
        assert accuracy > np.bincount(codes).max() / len(codes)


def test_missing_values_and_unseen_categories_stay_finite():
    X, y = make_frame(n_samples=300, seed=6)
    X.loc[::3, "hours"] = np.nan  # more missing values in fit
    model = WideDeepClassifier(
        wide=CrossProductTransformer(
            crosses=[("education", "occupation"), ("age", "gender")]
        ),
        **FAST,
    ).fit(X, y)
    assert np.isfinite(model.loss_curve_).all()
    new = X.head(4).copy()
    new["education"] = ["PhD-from-Mars", None, "Masters", "??"]
    new["occupation"] = [None, "never-seen", "Sales", "Tech"]
    new["gender"] = pd.Categorical(["x", None, "f", "m"])
    new["age"] = [np.nan, 1e9, -1e9, 30.0]
    new["hours"] = np.nan
    new["user_id"] = [10**9, -1, 3, 4]
    proba = model.predict_proba(new)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_the_three_models_of_the_paper():
    X, y = make_frame(seed=7)
    wide_only = WideDeepClassifier(deep=None, **FAST).fit(X, y)
    assert wide_only.deep_ is None and wide_only.net_.module_.deep is None
    deep_only = WideDeepClassifier(wide=None, **FAST).fit(X, y)
    assert deep_only.wide_ is None and deep_only.net_.module_.wide is None
    for model in (wide_only, deep_only):
        assert np.isfinite(model.predict_proba(X)).all()
    with pytest.raises(ValueError) as excinfo:
        WideDeepClassifier(wide=None, deep=None).fit(X, y)
    assert str(excinfo.value) == (
        "wide and deep are both None: keep at least one part of the model."
    )


def test_any_transformer_can_feed_either_part():
    X, y = make_frame(seed=8)
    model = WideDeepClassifier(
        wide=make_pipeline(OneHotEncoder(handle_unknown="ignore")),
        deep=make_pipeline(
            EmbeddingEncoder(categorical=[], continuous=["hours", "user_id"]),
            StandardScaler(),
        ),
        **FAST,
    ).fit(X[["education", "gender", "hours", "user_id"]], y)
    assert (
        model.net_.module_.wide.num_embeddings
        == model.wide_.transform(X[["education", "gender", "hours", "user_id"]]).shape[
            1
        ]
    )
    assert len(model.net_.module_.embeddings) == 0
    proba = model.predict_proba(X[["education", "gender", "hours", "user_id"]])
    assert np.isfinite(proba).all()


def test_sample_weight_is_normalized_and_steers_the_loss():
    X, y = make_frame(seed=9)
    plain = WideDeepClassifier(**FAST).fit(X, y).predict_proba(X)
    ones = (
        WideDeepClassifier(**FAST)
        .fit(X, y, sample_weight=np.ones(len(y)))
        .predict_proba(X)
    )
    twos = WideDeepClassifier(**FAST).fit(X, y, sample_weight=np.full(len(y), 2.0))
    np.testing.assert_allclose(ones, plain, rtol=1e-6)
    np.testing.assert_allclose(twos.predict_proba(X), plain, rtol=1e-6)
    heavy_positive = np.where(y == 1, 10.0, 1.0)
    tilted = WideDeepClassifier(**FAST).fit(X, y, sample_weight=heavy_positive)
    assert tilted.predict_proba(X)[:, 1].mean() > plain[:, 1].mean() + 0.1


def test_zero_weights_leave_one_class_is_an_error():
    X, y = make_frame(seed=10)
    with pytest.raises(ValueError, match=r"contains only one class: \[1\]"):
        WideDeepClassifier(**FAST).fit(X, y, sample_weight=(y == 1).astype(float))


def test_partial_fit_continues_training():
    X, y = make_frame(n_samples=400, seed=11)
    model = WideDeepClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X, y)
    model.partial_fit(X, y, classes=[0, 1])
    assert model.n_iter_ == 1
    losses = [log_loss(y, model.predict_proba(X)[:, 1])]
    for _ in range(4):
        model.partial_fit(X, y)
        losses.append(log_loss(y, model.predict_proba(X)[:, 1]))
    assert model.n_iter_ == 5 == len(model.loss_curve_)
    assert losses[-1] < losses[0]
    with pytest.raises(ValueError, match=r"labels \[7\] that are not in classes_"):
        model.partial_fit(X, np.full(len(y), 7))


def test_partial_fit_after_fit_adds_one_epoch_and_matches_a_longer_fit():
    X, y = make_frame(seed=12)
    model = WideDeepClassifier(**FAST).fit(X, y)
    model.partial_fit(X, y)
    longer = WideDeepClassifier(**{**FAST, "max_epochs": 4}).fit(X, y)
    assert model.n_iter_ == 4
    np.testing.assert_array_equal(model.predict_proba(X), longer.predict_proba(X))


def test_early_stopping_holds_out_rows_and_restores_the_best_epoch():
    rng = np.random.default_rng(13)
    X = pd.DataFrame(
        {"noise": rng.normal(size=600), "id": rng.choice(list("abcdefgh"), 600)}
    )
    y = rng.integers(0, 2, 600)  # nothing to learn: validation loss soon rises
    model = WideDeepClassifier(
        hidden_units=(64,),
        deep_lr=0.05,
        batch_size=32,
        max_epochs=30,
        early_stopping=True,
        n_iter_no_change=2,
        tol=0.0,  # every decrease counts: the kept epoch is the curve's minimum
        random_state=0,
    ).fit(X, y)
    curve = model.validation_loss_curve_
    assert len(curve) == model.n_iter_ < 30
    best = int(np.argmin(curve))
    assert model.n_iter_ == best + 1 + 2
    # the weights in the model are those of the best epoch
    _, valid_rows = model._validation_split(np.asarray(y))
    valid_loss = log_loss(y[valid_rows], model.predict_proba(X.iloc[valid_rows])[:, 1])
    assert valid_loss == pytest.approx(curve[best], rel=1e-5)


def test_early_stopping_needs_rows_of_every_class():
    X = pd.DataFrame({"a": ["x", "y", "x", "y"]})
    with pytest.raises(
        ValueError, match="early_stopping=True holds out validation_fraction"
    ):
        WideDeepClassifier(early_stopping=True, random_state=0).fit(X, [0, 1, 1, 2])
    with pytest.raises(
        ValueError, match="partial_fit does not hold out validation rows"
    ):
        WideDeepClassifier(early_stopping=True).partial_fit(
            X, [0, 1, 1, 0], classes=[0, 1]
        )


def test_callbacks_are_called_and_not_mutated():
    class CountEpochs(Callback):
        def initialize(self):
            self.epochs_ = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs_ += 1

    counter = CountEpochs()
    X, y = make_frame(seed=14)
    model = WideDeepClassifier(callbacks=[("count", counter)], **FAST).fit(X, y)
    assert dict(model.net_.callbacks_)["count"].epochs_ == 3
    assert not hasattr(counter, "epochs_")  # the parameter itself is untouched


def test_verbose_0_is_silent(capsys):
    X, y = make_frame(seed=15)
    WideDeepClassifier(**{**FAST, "verbose": 0, "early_stopping": True}).fit(X, y)
    assert capsys.readouterr() == ("", "")


EPOCH_LINE = (
    r"epoch +(\d+)  loss (\d\.\d{4})(  validation loss \d\.\d{4})?.*  \d+\.\d\d s"
)


def test_verbose_1_prints_one_line_per_epoch(capsys):
    X, y = make_frame(seed=15)
    model = WideDeepClassifier(**{**FAST, "verbose": 1}).fit(X, y)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == ""
    assert len(lines) == 3
    for epoch, (line, loss) in enumerate(
        zip(lines, model.loss_curve_, strict=True), start=1
    ):
        match = re.fullmatch(EPOCH_LINE, line)
        assert match, line
        assert int(match[1]) == epoch
        assert float(match[2]) == pytest.approx(loss, abs=5e-5)
        assert match[3] is None  # no validation without early stopping


def test_verbose_1_shows_the_validation_loss_and_why_training_stopped(capsys):
    rng = np.random.default_rng(13)
    X = pd.DataFrame({"noise": rng.normal(size=600)})
    y = rng.integers(0, 2, 600)  # nothing to learn: validation loss soon rises
    model = WideDeepClassifier(
        hidden_units=(64,), deep_lr=0.05, batch_size=32, max_epochs=30,
        early_stopping=True, n_iter_no_change=2, random_state=0, verbose=1,
    ).fit(X, y)  # fmt: skip
    *epoch_lines, stop_line = capsys.readouterr().out.splitlines()
    assert len(epoch_lines) == model.n_iter_ < 30
    assert all(re.fullmatch(EPOCH_LINE, line) for line in epoch_lines)
    best = int(np.argmin(model.validation_loss_curve_)) + 1
    assert "(best)" in epoch_lines[best - 1]
    assert stop_line.startswith("Early stopping: the validation loss did not improve")
    assert f"keeping the weights of epoch {best} " in stop_line


def test_verbose_2_adds_a_progress_bar_over_the_batches(capsys):
    X, y = make_frame(seed=15)
    n_batches = -(-len(X) // FAST["batch_size"])
    WideDeepClassifier(**{**FAST, "verbose": 2}).fit(X, y)
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3
    # tqdm draws on stderr: one bar per epoch, its total the epoch's batches
    assert err.count(f"| 0/{n_batches} [") == 3


@pytest.mark.parametrize(
    "params, message",
    [
        ({"hidden_units": (8, 0)}, "hidden_units must be a tuple of positive ints"),
        ({"device": "gpu-please"}, "device='gpu-please' is not a torch device"),
        (
            {"deep_lr": -1.0},
            "The 'deep_lr' parameter of WideDeepClassifier must be a float in",
        ),
        ({"wide": "yes"}, "The 'wide' parameter of WideDeepClassifier must be"),
    ],
)
def test_bad_parameters_are_named(params, message):
    X, y = make_frame(seed=17)
    with pytest.raises(ValueError, match=re.escape(message)):
        WideDeepClassifier(**params).fit(X, y)


def test_auto_device_is_the_cpu_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X, y = make_frame(seed=18)
    model = WideDeepClassifier(device="auto", **FAST).fit(X, y)
    assert model.device_ == "cpu"
    with pytest.raises(ValueError, match="torch finds no CUDA device here"):
        WideDeepClassifier(device="cuda", **FAST).fit(X, y)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_auto_device_trains_and_predicts_on_cuda():
    X, y = make_frame(n_samples=1000, seed=19)
    gpu = WideDeepClassifier(device="auto", **FAST).fit(X, y)
    assert gpu.device_ == "cuda"
    assert next(gpu.net_.module_.parameters()).is_cuda
    cpu = WideDeepClassifier(device="cpu", **FAST).fit(X, y)
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=1e-3)


@pytest.mark.parametrize("face", ["classifier", "regressor"])
def test_nested_parameters_of_the_default_model_are_listed_and_set(face):
    from sk_widedeep import WideDeepRegressor

    model = WideDeepClassifier() if face == "classifier" else WideDeepRegressor()
    params = model.get_params(deep=True)
    assert params["wide"] == "auto" and params["wide__crosses"] == ()
    assert params["deep__embedding_dim"] == "auto"
    assert params["wide__columns"] == params["deep__categorical"] == "auto"
    assert "wide__crosses" not in model.get_params(deep=False)
    crosses = [("education", "occupation")]
    assert model.set_params(wide__crosses=crosses) is model
    assert isinstance(model.wide, CrossProductTransformer)
    assert model.wide.crosses == crosses and model.wide.columns == "auto"
    assert model.deep == "auto"  # the other part is left alone
    from sklearn.base import clone

    assert clone(model).wide.get_params() == model.wide.get_params()
    assert clone(model).get_params()["wide__crosses"] == crosses
    with pytest.raises(ValueError, match=r"wide=None \(no wide part\)"):
        type(model)(wide=None).set_params(wide__crosses=crosses)
    both = type(model)().set_params(deep="auto", deep__embedding_dim=4)
    assert both.deep.get_params()["embedding_dim"] == 4


def test_grid_search_tunes_the_nested_parameters_of_the_default_model():
    from sklearn.model_selection import GridSearchCV

    X, y = make_frame(300)
    model = WideDeepClassifier(**FAST)
    search = GridSearchCV(model, {"deep__embedding_dim": [3, 5]}, cv=2).fit(X, y)
    assert model.deep == "auto"  # the searched estimator is not changed
    best = search.best_estimator_
    dim = search.best_params_["deep__embedding_dim"]
    assert best.deep_.embedding_dims_.tolist() == [dim] * len(best.deep_.cardinalities_)
    # the default roles: every categorical column embedded, the numbers scaled
    assert best.deep_.continuous_columns_ == ["user_id", "age", "hours"]
    pipe = make_pipeline(WideDeepClassifier(**FAST))
    grid = {"widedeepclassifier__wide__crosses": [[], [("education", "gender")]]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    assert search.cv_results_["params"] == [
        {"widedeepclassifier__wide__crosses": crosses}
        for crosses in grid["widedeepclassifier__wide__crosses"]
    ]
    fitted = search.best_estimator_[-1]
    assert fitted.wide_.crosses_ == [
        tuple(c) for c in search.best_params_["widedeepclassifier__wide__crosses"]
    ]


def test_a_value_unseen_in_fit_is_not_scored_as_the_missing_values_were():
    # rows with a missing name are 90% positive, the named ones 30%: a name
    # never seen in fit must not inherit the missing rows' rate (they shared
    # one slot before, and a new name was scored 0.9)
    rng = np.random.default_rng(0)
    n = 3000
    name = rng.choice(np.array(["a", "b", "c", "d"], dtype=object), n)
    y = (rng.random(n) < 0.3).astype(int)
    missing = rng.random(n) < 0.2
    name[missing] = None
    y[missing] = (rng.random(missing.sum()) < 0.9).astype(int)
    X = pd.DataFrame({"name": name, "x": rng.normal(size=n)})
    clf = WideDeepClassifier(random_state=0).fit(X, y)
    new = pd.DataFrame({"name": [None, "never-seen", "a"], "x": [0.0, 0.0, 0.0]})
    p_missing, p_unseen, p_seen = clf.predict_proba(new)[:, 1]
    assert p_missing > 0.8
    assert p_unseen < 0.5 and abs(p_unseen - p_seen) < abs(p_unseen - p_missing)


def test_an_unseen_slot_no_row_reached_is_the_mean_of_the_values_seen():
    rng = np.random.default_rng(1)
    n = 1000
    name = rng.choice(np.array(["a", "b", "c"], dtype=object), n, p=[0.6, 0.3, 0.1])
    X = pd.DataFrame({"name": name, "x": rng.normal(size=n)})
    y = (rng.random(n) < np.where(name == "a", 0.2, 0.7)).astype(int)
    clf = WideDeepClassifier(random_state=0, max_epochs=5).fit(X, y)
    # the validation rows aside, the training rows' counts weigh the values
    train_rows, _ = clf._validation_split(y)
    counts = np.array([(name[train_rows] == v).sum() for v in ["a", "b", "c"]])
    weights = clf.wide_weights()["weight"]
    values = weights[["name=a", "name=b", "name=c"]].to_numpy()
    assert weights["name=<other>"] == pytest.approx(counts @ values / counts.sum())
    table = clf.embeddings("name")
    expected = counts @ table.loc[["a", "b", "c"]].to_numpy() / counts.sum()
    np.testing.assert_allclose(table.loc["<other>"], expected, rtol=1e-5)
    assert weights["name=<missing>"] == 0.0  # no missing value in fit: untouched
    # a slot that rare values trained keeps what it learned
    rare = X.assign(name=np.where(np.arange(n) < 5, [f"r{i}" for i in range(n)], name))
    trained = WideDeepClassifier(
        random_state=0, max_epochs=5, wide=CrossProductTransformer(min_frequency=2)
    ).fit(rare, y)
    w = trained.wide_weights()["weight"]
    mean = w[["name=a", "name=b", "name=c"]].to_numpy()
    assert w["name=<other>"] != pytest.approx(counts @ mean / counts.sum(), abs=1e-4)
