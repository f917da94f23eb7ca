"""The defaults of issue 12: early stopping "auto", threads, numeric encodings."""

import math

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from joblib import parallel_config
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from skorch.callbacks import Callback

from sk_widedeep import EmbeddingEncoder, WideDeepClassifier
from sk_widedeep._estimator._base import MIN_VALIDATION_ROWS
from sk_widedeep._network._module import PeriodicEmbedding

TINY = {"hidden_units": (8,), "batch_size": 1024, "random_state": 0}


def numbers(n_rows, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {"a": rng.normal(size=n_rows), "b": rng.normal(size=n_rows).round(1)}
    )
    logit = 2 * np.sin(3 * X["a"]) + X["b"]
    y = (rng.random(n_rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


@pytest.mark.parametrize(
    "n_rows, held_out",
    [(40, 8), (200, 40), (499, 100), (700, MIN_VALIDATION_ROWS), (2000, 200)],
)
def test_early_stopping_auto_holds_out_rows_of_every_table(n_rows, held_out):
    assert MIN_VALIDATION_ROWS == 100  # documented
    X, y = numbers(n_rows)
    clf = WideDeepClassifier(max_epochs=1, **TINY).fit(X, y)
    assert clf.do_early_stopping_ is True
    assert len(clf.validation_loss_curve_) == 1
    _, valid_rows = clf._validation_split(y)
    assert len(valid_rows) == held_out
    # partial_fit never holds rows out under "auto"
    clf = WideDeepClassifier(max_epochs=1, **TINY).partial_fit(X, y, classes=[0, 1])
    assert clf.do_early_stopping_ is False


def test_early_stopping_restores_the_best_epoch():
    X, y = numbers(1500)
    clf = WideDeepClassifier(
        early_stopping=True,
        max_epochs=60,
        n_iter_no_change=2,
        hidden_units=(64, 64),
        batch_size=16,
        deep_lr=0.01,
        random_state=0,
    ).fit(X, y)
    curve = clf.validation_loss_curve_
    best = int(np.argmin(curve))
    assert best < len(curve) - 1  # it stopped after the best epoch ...
    assert clf.n_iter_ < 60  # ... before the ceiling
    # ... and the kept weights are the best epoch's: their validation loss
    _, valid = train_test_split(
        np.arange(len(y)), test_size=0.1, stratify=y, random_state=clf._seed
    )
    loss = log_loss(y[valid], clf.predict_proba(X.iloc[valid]))
    assert loss == pytest.approx(curve[best], abs=1e-5)
    assert loss < curve[-1]


def test_early_stopping_auto_is_off_when_a_class_is_too_small_to_split():
    X, y = numbers(600)
    y[:] = 0
    y[0], y[1:5] = 2, 1  # class 2 has a single row: no stratified split
    clf = WideDeepClassifier(max_epochs=2, **TINY).fit(X, y)
    assert clf.do_early_stopping_ is False
    assert clf.n_iter_ == 2
    with pytest.raises(ValueError, match="early_stopping=True holds out"):
        WideDeepClassifier(early_stopping=True, max_epochs=2, **TINY).fit(X, y)


def test_defaults_are_deterministic():
    X, y = numbers(2000)
    first = WideDeepClassifier(random_state=3).fit(X, y)
    second = WideDeepClassifier(random_state=3).fit(X, y)
    assert first.do_early_stopping_
    assert np.array_equal(first.predict_proba(X), second.predict_proba(X))


@pytest.mark.parametrize(
    "n_jobs, context, expected",
    [(None, None, 1), (2, None, 2), (None, 2, 2), (-1, None, "all")],
)
def test_n_jobs_sets_torch_threads_and_restores_them(n_jobs, context, expected):
    seen = []
    X, y = numbers(300)
    clf = WideDeepClassifier(max_epochs=1, n_jobs=n_jobs, **TINY)

    class Threads(Callback):
        def on_epoch_end(self, net, **kwargs):
            seen.append(torch.get_num_threads())

    clf.set_params(callbacks=[Threads()])
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    try:
        if context is None:
            clf.fit(X, y)
        else:
            with parallel_config(n_jobs=context):
                clf.fit(X, y)
        assert torch.get_num_threads() == 3  # restored
    finally:
        torch.set_num_threads(before)
    want = joblib.cpu_count() if expected == "all" else expected
    assert seen == [want]


def test_piecewise_linear_encoding_follows_its_formula():
    values = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    X = pd.DataFrame({"x": values})
    enc = EmbeddingEncoder(
        continuous_encoding="piecewise_linear", n_bins=4, embed_continuous=False
    ).fit(X)
    edges = enc.bin_edges_[0]
    assert np.allclose(edges, np.quantile(values, [0, 0.25, 0.5, 0.75, 1]))
    new = np.array([-10.0, 0.0, 2.5, 6.9, 8.0, np.inf, -np.inf, np.nan])
    out = enc.transform(pd.DataFrame({"x": new}))
    pieces = (np.where(np.isnan(new), 3.5, new)[:, None] - edges[:-1]) / np.diff(edges)
    expected = np.clip(pieces, 0, 1)
    # the outer pieces go on past the edges: 3 t / sqrt(9 + t^2) of the excess t
    below = np.minimum(np.clip(pieces[:, 0], -1e15, 0), 0)
    above = np.maximum(np.clip(pieces[:, -1], 1, 1e15) - 1, 0)
    expected[:, 0] += 3 * below / np.sqrt(9 + below**2)
    expected[:, -1] += 3 * above / np.sqrt(9 + above**2)
    assert np.allclose(out, expected)
    assert out[0, 0] < 0 and out[4, -1] > 1  # -10 and 8: past the range
    assert np.isfinite(out).all()
    flat = EmbeddingEncoder(n_bins=4, embed_continuous=False, extrapolate=False)
    flat_out = flat.fit(X).transform(pd.DataFrame({"x": new}))
    assert np.allclose(flat_out, np.clip(pieces, 0, 1))
    assert enc.get_feature_names_out().tolist() == [f"x_piece{k}" for k in range(4)]
    # a constant column is one piece, always 0 in fit (and not extrapolated)
    const = EmbeddingEncoder(
        continuous_encoding="piecewise_linear", embed_continuous=False
    ).fit(pd.DataFrame({"x": [2.0] * 5}))
    assert const.transform(pd.DataFrame({"x": [2.0, 9.0]})).tolist() == [[0.0], [1.0]]


def test_periodic_embedding_follows_its_formula():
    torch.manual_seed(0)
    layer = PeriodicEmbedding(3, n_frequencies=4, dim=5, sigma=1.0)
    x = torch.randn(7, 3)
    got = layer(x).detach().numpy().reshape(7, 3, 5)
    c = layer.frequencies.detach().numpy()
    W, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    for j in range(3):
        angles = 2 * math.pi * x[:, j : j + 1].numpy() * c[j]
        features = np.hstack([np.cos(angles), np.sin(angles)])
        assert np.allclose(got[:, j], np.maximum(features @ W[j] + b[j], 0), atol=1e-5)


@pytest.mark.parametrize("encoding", ["scaled", "piecewise_linear", "periodic"])
def test_numeric_encodings_train_and_warm_start_keeps_them(encoding):
    X, y = numbers(2000)
    deep = EmbeddingEncoder(continuous_encoding=encoding)
    clf = WideDeepClassifier(deep=deep, wide=None, max_epochs=3, **TINY).fit(X, y)
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    clf.set_params(warm_start=True, deep_lr=1e-30, max_epochs=1).fit(X, y)
    assert np.abs(clf.predict_proba(X) - proba).max() < 1e-6


def test_numeric_encodings_learn_a_periodic_signal():
    # y depends on sin(3a): piecewise-linear and periodic inputs find it
    X, y = numbers(6000, seed=1)
    X_test, y_test = numbers(3000, seed=2)
    losses = {}
    for encoding in ["scaled", "piecewise_linear", "periodic"]:
        deep = EmbeddingEncoder(continuous_encoding=encoding, embed_continuous=False)
        clf = WideDeepClassifier(
            wide=None, deep=deep, hidden_units=(32,), max_epochs=15, random_state=0
        ).fit(X, y)
        losses[encoding] = log_loss(y_test, clf.predict_proba(X_test))
    assert losses["piecewise_linear"] < losses["scaled"] - 0.01
    assert losses["periodic"] < losses["scaled"] - 0.01


@pytest.mark.parametrize("tol", [0.0, 2e-3, 0.05])
def test_tol_counts_only_improvements_of_at_least_that_share(tol):
    X, y = numbers(1500)
    clf = WideDeepClassifier(
        early_stopping=True,
        max_epochs=40,
        n_iter_no_change=3,
        tol=tol,
        hidden_units=(32,),
        batch_size=64,
        random_state=0,
    ).fit(X, y)
    curve = clf.validation_loss_curve_
    # replay the rule: an epoch improves when below (1 - tol) x the best so far
    best, kept, misses = np.inf, None, 0
    for epoch, loss in enumerate(curve, start=1):
        if loss < best * (1 - tol):
            best, kept, misses = loss, epoch, 0
        else:
            misses += 1
        if misses == 3:
            break
    assert len(curve) == epoch  # it stopped where the rule says
    assert dict(clf.net_.callbacks_)["early_stopping"].best_epoch_ == kept
    if tol == 0.0:
        assert kept == int(np.argmin(curve)) + 1
