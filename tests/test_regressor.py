"""WideDeepRegressor: losses, target scaling, weights, and the scikit-learn API."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import mean_absolute_error, mean_poisson_deviance, r2_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import sk_widedeep
from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepRegressor
from sk_widedeep._cli import main
from sk_widedeep._estimator._targets import Moments

from .conftest import FAST


def make_regression(n_samples=600, seed=0):
    """A table whose target has a categorical effect, an interaction and a slope."""
    rng = np.random.default_rng(seed)
    city = rng.choice(["paris", "rome", "oslo", "lima"], n_samples)
    device = rng.choice(["phone", "desktop"], n_samples)
    x = rng.normal(0, 1, n_samples)
    X = pd.DataFrame({"city": city, "device": device, "x": x})
    signal = (
        3.0 * (city == "paris")
        - 2.0 * (city == "lima")
        + 2.0 * ((city == "oslo") & (device == "phone"))
        + 1.5 * x
    )
    return X, signal + rng.normal(0, 0.5, n_samples), signal


def make_counts(n_samples=600, seed=0):
    X, _, signal = make_regression(n_samples, seed)
    rng = np.random.default_rng(seed + 1)
    return X, rng.poisson(np.exp(0.4 * signal)).astype(float)


REGRESSION_FAST = {**FAST, "max_epochs": 30}


@pytest.mark.parametrize(
    "loss", ["squared_error", "absolute_error", "huber", "poisson"]
)
def test_each_loss_trains_a_finite_model_that_beats_the_mean(loss):
    if loss == "poisson":
        X, y = make_counts()
    else:
        X, y, _ = make_regression()
    reg = WideDeepRegressor(loss=loss, **REGRESSION_FAST).fit(X[:500], y[:500])
    predicted = reg.predict(X[500:])
    assert np.isfinite(predicted).all()
    assert np.isfinite(reg.loss_curve_).all()
    test = y[500:]
    if loss == "poisson":
        assert (predicted > 0).all()
        mean = np.full(len(test), y[:500].mean())
        assert mean_poisson_deviance(test, predicted) < 0.6 * mean_poisson_deviance(
            test, mean
        )
    elif loss == "absolute_error":
        median = np.full(len(test), np.median(y[:500]))
        assert mean_absolute_error(test, predicted) < 0.4 * mean_absolute_error(
            test, median
        )
    else:
        assert r2_score(test, predicted) > 0.8


@pytest.mark.parametrize(
    "loss", ["squared_error", "absolute_error", "huber", "poisson"]
)
def test_predictions_follow_the_units_of_the_target(loss):
    X, y = make_counts() if loss == "poisson" else make_regression()[:2]
    small = WideDeepRegressor(loss=loss, **FAST).fit(X, y)
    large = WideDeepRegressor(loss=loss, **FAST).fit(X, 1000 * y)
    np.testing.assert_allclose(large.predict(X), 1000 * small.predict(X), rtol=1e-5)
    assert large.target_scale_ == pytest.approx(1000 * small.target_scale_)


def test_target_is_standardized_with_the_weighted_moments():
    X, y, _ = make_regression()
    weight = np.linspace(0.5, 2.0, len(y))
    reg = WideDeepRegressor(**FAST).fit(X, y, sample_weight=weight)
    mean = np.average(y, weights=weight)
    assert reg.target_offset_ == pytest.approx(mean)
    assert reg.target_scale_ == pytest.approx(
        np.sqrt(np.average((y - mean) ** 2, weights=weight))
    )
    poisson = WideDeepRegressor(loss="poisson", **FAST).fit(*make_counts())
    assert poisson.target_offset_ == 0.0
    assert poisson.target_scale_ == pytest.approx(make_counts()[1].mean())


def test_sample_weight_equals_repeated_rows():
    # One batch of all rows, no wide part (whose FTRL sees summed, not mean,
    # gradients), the deep transformer fitted once (quantile edges would
    # move with repeated rows): weight 2 and a repeated row give the same
    # loss, gradients and target moments, so the same model up to rounding.
    X, y, _ = make_regression(200)
    weight = np.where(np.arange(200) % 3 == 0, 2.0, 1.0)
    repeated = np.repeat(np.arange(200), weight.astype(int))
    deep = FrozenEstimator(EmbeddingEncoder().fit(X))
    params = {**FAST, "wide": None, "deep": deep, "batch_size": 1000, "max_epochs": 20}
    weighted = WideDeepRegressor(**params).fit(X, y, sample_weight=weight)
    copies = WideDeepRegressor(**params).fit(X.iloc[repeated], y[repeated])
    assert weighted.target_offset_ == pytest.approx(copies.target_offset_)
    assert weighted.target_scale_ == pytest.approx(copies.target_scale_)
    np.testing.assert_allclose(weighted.predict(X), copies.predict(X), atol=1e-4)
    unweighted = WideDeepRegressor(**params).fit(X, y)
    assert np.abs(unweighted.predict(X) - copies.predict(X)).max() > 1e-3


def test_poisson_refuses_negative_and_all_zero_targets():
    X, y = make_counts(50)
    y[3] = -1.0
    with pytest.raises(ValueError, match=r"loss='poisson'.*1 negative value"):
        WideDeepRegressor(loss="poisson", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="every y is 0"):
        WideDeepRegressor(loss="poisson", **FAST).fit(X, np.zeros(50))
    # the squared error takes negative targets
    WideDeepRegressor(**FAST).fit(X, y)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.array(["a", "b"] * 25, dtype=object), "y must hold numbers"),
        (np.r_[np.nan, np.ones(49)], "1 missing target"),
        (np.r_[np.inf, np.ones(49)], "infinite values"),
        (np.ones(49), "X has 50 rows but y has 49 targets"),
    ],
)
def test_bad_targets_are_refused_by_name(y, match):
    X, _ = make_counts(50)
    with pytest.raises(ValueError, match=match):
        WideDeepRegressor(**FAST).fit(X, y)


@pytest.mark.parametrize("value", [7.5, 1e-6, -3e-9, 1e6])
def test_a_constant_target_is_predicted_as_itself_in_any_unit(value):
    # no spread: the target's own size is its unit (it was 1, in the target's
    # units, so 1e-6 was predicted between -0.004 and 0.007)
    X, _ = make_counts(100)
    reg = WideDeepRegressor(**REGRESSION_FAST).fit(X, np.full(100, value))
    assert (reg.target_offset_, reg.target_scale_) == (value, abs(value))
    predicted = reg.predict(X)
    np.testing.assert_allclose(predicted, value, rtol=0.02)
    assert (np.sign(predicted) == np.sign(value)).all()


def test_a_target_of_zeros_has_unit_scale():
    X, _ = make_counts(100)
    reg = WideDeepRegressor(**REGRESSION_FAST).fit(X, np.zeros(100))
    assert (reg.target_offset_, reg.target_scale_) == (0.0, 1.0)
    np.testing.assert_allclose(reg.predict(X), 0.0, atol=0.02)


def test_targets_beyond_1e154_fit_in_their_units():
    # their squared deviations overflow float64 (an OverflowError in the
    # moments' pairwise update): the moments are kept in units of max |y|
    X = pd.DataFrame({"x": np.arange(100.0)})
    y = np.arange(100) * 1e155
    reg = WideDeepRegressor(**REGRESSION_FAST).fit(X, y)
    assert reg.target_offset_ == pytest.approx(49.5e155)
    assert reg.target_scale_ == pytest.approx(np.std(np.arange(100.0)) * 1e155)
    predicted = reg.predict(X)
    assert np.isfinite(predicted).all()
    assert r2_score(np.arange(100.0), predicted / 1e155) > 0.9


@pytest.mark.parametrize("unit", [1.0, 1e155, 1e300])
def test_combined_moments_of_shards_are_the_moments_of_their_union(unit):
    rng = np.random.default_rng(0)
    parts = [rng.normal(3.0, 2.0, 50) * unit, rng.normal(-1.0, 0.5, 30) * unit / 10]
    weights = [rng.uniform(0.5, 1.0, 50), None]
    union = np.concatenate(parts) / unit
    shards = [Moments.of(y, w) for y, w in zip(parts, weights, strict=True)]
    total = Moments.combine(shards)
    each = np.concatenate([weights[0], np.ones(30)])
    mean = np.average(union, weights=each)
    assert total.mean == pytest.approx(mean * unit, rel=1e-12)
    std = np.sqrt(np.average((union - mean) ** 2, weights=each))
    assert total.std == pytest.approx(std * unit, rel=1e-12)


def test_score_is_r2_and_the_wide_weights_have_one_column():
    X, y, _ = make_regression()
    wide = CrossProductTransformer(crosses=[("city", "device")])
    reg = WideDeepRegressor(wide=wide, **REGRESSION_FAST).fit(X, y)
    assert reg.score(X, y) == pytest.approx(r2_score(y, reg.predict(X)))
    weights = reg.wide_weights()
    assert list(weights.columns) == ["weight"]
    assert "city=oslo&device=phone" in weights.index


def test_early_stopping_auto_holds_out_rows_of_small_tables_too():
    X, y, _ = make_regression(600)
    params = {k: v for k, v in FAST.items() if k != "early_stopping"}
    for n_rows, held_out in [(600, 100), (150, 30)]:
        reg = WideDeepRegressor(**params, n_iter_no_change=2)
        reg.fit(X[:n_rows], y[:n_rows])
        assert reg.do_early_stopping_
        assert len(reg.validation_loss_curve_) == reg.n_iter_
        assert len(reg._validation_split(y[:n_rows])[1]) == held_out
    off = WideDeepRegressor(**params, early_stopping=False).fit(X[:150], y[:150])
    assert not off.do_early_stopping_ and off.validation_loss_curve_ is None


def test_partial_fit_keeps_the_first_chunks_scaling_and_continues():
    X, y, _ = make_regression()
    reg = WideDeepRegressor(**FAST)
    reg.partial_fit(X[:300], y[:300])
    offset, scale = reg.target_offset_, reg.target_scale_
    first = reg.loss_curve_[-1]
    for _ in range(5):
        reg.partial_fit(X[300:], y[300:])
    assert (reg.target_offset_, reg.target_scale_) == (offset, scale)
    assert reg.n_iter_ == 6 and reg.loss_curve_[-1] < first
    with pytest.raises(ValueError, match="partial_fit does not hold out"):
        WideDeepRegressor(early_stopping=True).partial_fit(X, y)


def test_warm_start_continues_from_the_previous_model():
    X, y, _ = make_regression()
    cold = WideDeepRegressor(**{**FAST, "max_epochs": 1}).fit(X, y)
    warm = WideDeepRegressor(**{**FAST, "max_epochs": 1}, warm_start=True)
    warm.fit(X, y).fit(X, y)
    assert mean_absolute_error(y, warm.predict(X)) < mean_absolute_error(
        y, cold.predict(X)
    )


def test_pipeline_grid_search_cross_val_score_and_clone():
    X, y, _ = make_regression(300)
    pipe = make_pipeline(FunctionTransformer(), WideDeepRegressor(**FAST))
    search = GridSearchCV(
        pipe, {"widedeepregressor__hidden_units": [(8,), (16,)]}, cv=2
    )
    search.fit(X, y)
    assert search.best_params_["widedeepregressor__hidden_units"] in [(8,), (16,)]
    scores = cross_val_score(WideDeepRegressor(**FAST), X, y, cv=3)
    assert scores.shape == (3,) and np.isfinite(scores).all()
    reg = WideDeepRegressor(loss="huber", **FAST)
    assert clone(reg).get_params() == reg.get_params()


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_pickle_and_safe_format_round_trips_are_bit_identical(loss, tmp_path):
    X, y = make_counts() if loss == "poisson" else make_regression()[:2]
    reg = WideDeepRegressor(loss=loss, **FAST).fit(X, y)
    expected = reg.predict(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), expected)
    reg.save(tmp_path / "model.skwd")
    loaded = sk_widedeep.load(tmp_path / "model.skwd")
    assert type(loaded) is WideDeepRegressor and loaded.loss == loss
    np.testing.assert_array_equal(loaded.predict(X), expected)
    # and it trains on identically
    reg.partial_fit(X, y)
    loaded.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


def test_plots_take_a_regressor():
    pytest.importorskip("matplotlib")
    from sk_widedeep.plotting import plot_training_history, plot_wide_weights

    X, y, _ = make_regression()
    reg = WideDeepRegressor(**FAST).fit(X, y)
    ax = plot_wide_weights(reg, top=3)
    assert len(ax.patches) == 3 and "standard deviations" in ax.get_xlabel()
    assert plot_training_history(reg).get_lines()
    with pytest.raises(ValueError, match="a regressor has no classes"):
        plot_wide_weights(reg, label=1)


def test_cli_fits_a_regressor_for_a_numeric_target(tmp_path, capsys):
    X, y, _ = make_regression(300)
    data = X.assign(y=y, label=(y > 0).astype(int))
    data.to_csv(tmp_path / "train.csv", index=False)
    model, scores = tmp_path / "m.skwd", tmp_path / "scores.csv"
    common = ["--max-epochs", "2", "--random-state", "0", "-o", str(model)]
    args = ["fit", str(tmp_path / "train.csv"), "--target", "y", "--drop", "label"]
    assert main([*args, *common]) == 0
    assert "regression (squared_error) of y" in capsys.readouterr().out
    predict = ["predict", str(model), str(tmp_path / "train.csv"), "-o", str(scores)]
    assert main(predict) == 0
    assert list(pd.read_csv(scores).columns) == ["prediction"]
    assert isinstance(sk_widedeep.load(model), WideDeepRegressor)
    # a numeric target with few values is a class label, unless forced
    args = ["fit", str(tmp_path / "train.csv"), "--target", "label", "--drop", "y"]
    assert main([*args, *common]) == 0
    assert "classes: 0, 1" in capsys.readouterr().out
    assert main([*args, "--task", "regression", "--loss", "huber", *common]) == 0
    assert "regression (huber) of label" in capsys.readouterr().out
    assert main([*args, "--loss", "huber", *common]) == 2  # a usage error
    assert "--loss is a regressor's option" in capsys.readouterr().err
