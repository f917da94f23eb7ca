import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sk_widedeep import WideDeepClassifier
from sk_widedeep.plotting import plot_training_history, plot_wide_weights

from .conftest import FAST, make_frame

plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_history_draws_the_training_loss_of_each_epoch(fitted):
    model, _, _ = fitted
    ax = plot_training_history(model)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(line.get_ydata(), model.loss_curve_)
    assert ax.get_xlabel() == "epoch"


def test_history_marks_the_validation_curve_and_the_kept_epoch():
    X, y = make_frame(n_samples=300, seed=2)
    model = WideDeepClassifier(**{**FAST, "max_epochs": 6, "early_stopping": True})
    model.fit(X, y)
    _, ax = plt.subplots()
    assert plot_training_history(model, ax=ax) is ax
    training, validation, best = ax.get_lines()
    np.testing.assert_allclose(validation.get_ydata(), model.validation_loss_curve_)
    kept = int(np.argmin(model.validation_loss_curve_)) + 1
    assert list(best.get_xdata()) == [kept, kept]
    assert ax.get_legend_handles_labels()[1] == ["training loss", "validation loss"]


def test_a_pipeline_ending_in_the_classifier_is_accepted(fitted):
    model, X, y = fitted
    pipeline = make_pipeline(FunctionTransformer(), clone(model)).fit(X, y)
    ax = plot_training_history(pipeline)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), pipeline[-1].loss_curve_)


def test_wide_weights_shows_the_largest_by_name_largest_first(fitted):
    model, _, _ = fitted
    ax = plot_wide_weights(model, top=6)
    weights = model.wide_weights()["weight"]
    expected = weights.iloc[np.argsort(-weights.abs().to_numpy(), kind="stable")[:6]]
    bars = ax.patches
    assert [bar.get_width() for bar in bars] == pytest.approx(expected.to_list())
    assert [t.get_text() for t in ax.get_yticklabels()] == expected.index.to_list()
    assert ax.yaxis_inverted()  # the first (largest) bar on top
    colors = {w > 0: bar.get_facecolor() for bar, w in zip(bars, expected, strict=True)}
    assert len(colors) == len(set(np.sign(expected)))  # one color per sign


def test_wide_weights_of_a_multiclass_model_need_a_label():
    X, _ = make_frame(n_samples=300, seed=3)
    y = np.array(["a", "b", "c"])[np.arange(300) % 3]
    model = WideDeepClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"3 classes: pass label=<one of \['a'"):
        plot_wide_weights(model)
    with pytest.raises(ValueError, match="label='z' is not a class"):
        plot_wide_weights(model, label="z")
    ax = plot_wide_weights(model, label="b", top=4)
    column = model.wide_weights()["b"]
    assert max(abs(bar.get_width()) for bar in ax.patches) == pytest.approx(
        column.abs().max()
    )
    assert "'b'" in ax.get_xlabel()


def test_wide_weights_errors_name_the_problem(fitted):
    model, X, y = fitted
    with pytest.raises(ValueError, match="classes_\\[1\\] = 1; pass label=None"):
        plot_wide_weights(model, label=0)
    deep_only = WideDeepClassifier(**{**FAST, "wide": None}).fit(X, y)
    with pytest.raises(ValueError, match="no wide part"):
        plot_wide_weights(deep_only)
    with pytest.raises(NotFittedError):
        plot_wide_weights(WideDeepClassifier())
    with pytest.raises(TypeError, match="got LogisticRegression"):
        plot_training_history(LogisticRegression())


def test_without_matplotlib_the_error_says_how_to_install_it(fitted, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'sk-widedeep\[plot\]'"):
        plot_training_history(fitted[0])
