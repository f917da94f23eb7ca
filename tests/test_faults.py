"""Faults during training and use: divergence, interruption, concurrent calls."""

import copy
import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier

from .conftest import FAST, make_frame

DIVERGED = (
    r"The training loss became (nan|-?inf) in epoch \d+: the model diverged\. Lower "
    r"deep_lr or wide_lr \(e\.g\. by a factor of 10\), or check the input for "
    r"extreme values\. The estimator is left as it was before this call\."
)


def assert_same_state(first, second):
    """Two state dicts (of a module or an optimizer) hold bitwise equal values."""
    if isinstance(first, torch.Tensor):
        assert isinstance(second, torch.Tensor)
        assert torch.equal(first, second)
    elif isinstance(first, dict):
        assert first.keys() == second.keys()
        for key in first:
            assert_same_state(first[key], second[key])
    elif isinstance(first, list | tuple):
        assert len(first) == len(second)
        for a, b in zip(first, second, strict=True):
            assert_same_state(a, b)
    else:
        assert first == second


def optimizer_states(net):
    return {
        name: copy.deepcopy(getattr(net, name + "_").state_dict())
        for name in net._optimizers
    }


# ------------------------------------------------------------------ divergence


def test_divergence_is_an_error_not_a_nan_model():
    X, y = make_frame(seed=16)
    X["hours"] *= 1e30
    with pytest.raises(
        FloatingPointError,
        match=r"in epoch \d+: the model diverged. Lower deep_lr or wide_lr",
    ):
        WideDeepClassifier(
            deep=EmbeddingEncoder(scaling=None),
            hidden_units=(8,),
            deep_lr=1e30,
            random_state=0,
        ).fit(X, y)


def test_a_fresh_fit_that_diverges_leaves_the_estimator_unfitted():
    X, y = make_frame(seed=16)
    X["hours"] *= 1e30
    model = WideDeepClassifier(
        deep=EmbeddingEncoder(scaling=None),
        hidden_units=(8,),
        deep_lr=1e30,
        random_state=0,
    )
    params = model.get_params(deep=False)
    with pytest.raises(FloatingPointError, match=DIVERGED):
        model.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    for attribute in ("net_", "classes_", "wide_", "deep_", "n_iter_", "device_"):
        assert not hasattr(model, attribute)
    assert set(vars(model)) == set(params)
    with pytest.raises(NotFittedError):
        model.predict_proba(X)


def test_a_refit_that_diverges_keeps_the_previous_model():
    X, y = make_frame(seed=16)
    model = WideDeepClassifier(
        deep=EmbeddingEncoder(scaling=None), hidden_units=(8,), random_state=0
    ).fit(X, y)
    proba = model.predict_proba(X)
    n_iter, classes, wide, net = model.n_iter_, model.classes_, model.wide_, model.net_
    state = copy.deepcopy(model.net_.module_.state_dict())

    X_extreme = X.copy()
    X_extreme["hours"] *= 1e30
    model.set_params(deep_lr=1e30)
    with pytest.raises(FloatingPointError, match=DIVERGED):
        model.fit(X_extreme, y)

    assert model.n_iter_ == n_iter
    assert model.classes_ is classes
    assert model.wide_ is wide
    assert model.net_ is net
    assert_same_state(model.net_.module_.state_dict(), state)
    np.testing.assert_array_equal(model.predict_proba(X), proba)


class CountBatches(Callback):
    """Count the training batches that completed (their step taken)."""

    def initialize(self):
        self.batches_ = 0
        return self

    def on_batch_end(self, net, training=True, **kwargs):
        if training:
            self.batches_ += 1


def test_a_partial_fit_that_diverges_rolls_back_weights_optimizers_and_history():
    # plain SGD with unscaled inputs: one step on huge values throws the
    # weights far enough that the next batch's loss is nan
    X, y = make_frame(seed=16)
    model = WideDeepClassifier(
        deep=EmbeddingEncoder(scaling=None, continuous_encoding="scaled"),
        deep_optimizer="sgd",
        callbacks=[("count", CountBatches())],
        **FAST,
    ).fit(X, y)
    untouched = copy.deepcopy(model)
    proba = model.predict_proba(X)
    state = copy.deepcopy(model.net_.module_.state_dict())
    optimizers = optimizer_states(model.net_)
    n_epochs, n_iter = len(model.net_.history), model.n_iter_
    loss_curve = list(model.loss_curve_)
    counter = dict(model.net_.callbacks_)["count"]
    batches_before = counter.batches_

    X_extreme = X.copy()
    X_extreme["hours"] *= 1e30
    with pytest.raises(FloatingPointError, match=DIVERGED):
        model.partial_fit(X_extreme, y)
    # the error came after some steps: there was something to roll back
    assert counter.batches_ > batches_before

    assert_same_state(model.net_.module_.state_dict(), state)
    assert_same_state(optimizer_states(model.net_), optimizers)
    assert optimizers["wide_optimizer"]["state"]  # FTRL keeps per-weight state
    assert len(model.net_.history) == n_epochs
    assert model.n_iter_ == n_iter
    assert model.loss_curve_ == loss_curve
    np.testing.assert_array_equal(model.predict_proba(X), proba)

    # training goes on exactly as if the failed call had never happened
    model.partial_fit(X, y)
    untouched.partial_fit(X, y)
    assert model.n_iter_ == untouched.n_iter_ == n_iter + 1
    np.testing.assert_array_equal(model.predict_proba(X), untouched.predict_proba(X))


# -------------------------------------------------------------- interruption


def fit_expecting_an_interruption(model, X, y):
    """Fit, failing the test (not aborting the session) if the interrupt escapes."""
    try:
        with pytest.warns(UserWarning) as record:
            model.fit(X, y)
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped from fit")
    return [str(w.message) for w in record]


class Interrupt(Callback):
    """Raise KeyboardInterrupt at a given epoch (and batch), while armed."""

    def __init__(self, epoch, batch=None, armed=True):
        self.epoch = epoch
        self.batch = batch
        self.armed = armed

    def on_batch_end(self, net, training=True, **kwargs):
        if (
            self.armed
            and training
            and self.batch is not None
            and len(net.history) == self.epoch
            and len(net.history[-1, "batches"]) == self.batch
        ):
            raise KeyboardInterrupt

    def on_epoch_end(self, net, **kwargs):
        if self.armed and self.batch is None and len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_keyboard_interrupt_in_a_batch_keeps_a_usable_model():
    X, y = make_frame(seed=20)
    model = WideDeepClassifier(
        **{**FAST, "max_epochs": 5},
        callbacks=[("interrupt", Interrupt(epoch=3, batch=2))],
    )
    messages = fit_expecting_an_interruption(model, X, y)
    assert len(messages) == 1
    assert re.search(
        r"Training was interrupted \(KeyboardInterrupt\) after 2 of 5 epoch\(s\)",
        messages[0],
    )
    assert "including part of the interrupted epoch" in messages[0]
    assert "partial_fit can continue it" in messages[0]
    assert model.n_iter_ == 2 == len(model.loss_curve_)
    assert len(model.net_.history) == 2
    assert np.isfinite(model.loss_curve_).all()
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)

    # the callbacks were copied at fit: disarm the live one, then continue
    dict(model.net_.callbacks_)["interrupt"].armed = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.partial_fit(X, y)
    assert model.n_iter_ == 3 == len(model.loss_curve_)
    assert np.isfinite(model.predict_proba(X)).all()


def test_keyboard_interrupt_between_epochs():
    X, y = make_frame(seed=21)
    model = WideDeepClassifier(
        **{**FAST, "max_epochs": 5}, callbacks=[("interrupt", Interrupt(epoch=2))]
    )
    messages = fit_expecting_an_interruption(model, X, y)
    assert len(messages) == 1
    assert re.search(r"interrupted \(KeyboardInterrupt\) after 2 of 5", messages[0])
    assert "including part of the interrupted epoch" not in messages[0]
    assert model.n_iter_ == 2 == len(model.loss_curve_)
    assert np.isfinite(model.predict_proba(X)).all()


def test_early_stopping_is_not_reported_as_an_interruption():
    rng = np.random.default_rng(13)
    X = pd.DataFrame(
        {"noise": rng.normal(size=400), "id": rng.choice(list("abcdefgh"), 400)}
    )
    y = rng.integers(0, 2, 400)  # nothing to learn: validation loss soon rises
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = WideDeepClassifier(
            hidden_units=(32,),
            deep_lr=0.05,
            batch_size=32,
            max_epochs=30,
            early_stopping=True,
            n_iter_no_change=1,
            random_state=0,
        ).fit(X, y)
    assert model.n_iter_ < 30


# ----------------------------------------------------------------- concurrency


def test_concurrent_predict_proba_matches_serial(fitted):
    model, X, _ = fitted
    starts, sizes = range(0, 360, 30), [1, 7, 40, 200] * 3
    chunks = [X.iloc[i : i + n] for i, n in zip(starts, sizes, strict=True)]
    serial = [model.predict_proba(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(5):
            parallel = list(pool.map(model.predict_proba, chunks))
            for expected, got in zip(serial, parallel, strict=True):
                np.testing.assert_array_equal(got, expected)


def test_two_models_predict_concurrently(fitted):
    first, X, y = fitted
    second = WideDeepClassifier(
        wide=None, **{**FAST, "hidden_units": (8, 4), "random_state": 1}
    ).fit(X, y)
    jobs = [
        (model, X.iloc[i : i + 50])
        for i in range(0, 400, 50)
        for model in (first, second)
    ]
    serial = [model.predict_proba(chunk) for model, chunk in jobs]
    assert not np.array_equal(serial[0], serial[1])  # two really different models
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            parallel = list(pool.map(lambda job: job[0].predict_proba(job[1]), jobs))
            for expected, got in zip(serial, parallel, strict=True):
                np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "make_transformer",
    [
        lambda: EmbeddingEncoder(min_frequency=2),
        lambda: CrossProductTransformer(
            crosses=[("education", "occupation"), ("age", "gender")]
        ),
    ],
    ids=["EmbeddingEncoder", "CrossProductTransformer"],
)
def test_concurrent_transform_matches_serial(make_transformer):
    X, _ = make_frame(n_samples=400, seed=22)
    transformer = make_transformer().fit(X)
    starts, sizes = range(0, 400, 25), [1, 9, 25, 80] * 4
    chunks = [X.iloc[i : i + n] for i, n in zip(starts, sizes, strict=True)]
    dense = lambda Xt: Xt.toarray() if hasattr(Xt, "toarray") else Xt
    serial = [dense(transformer.transform(chunk)) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(5):
            parallel = list(pool.map(lambda c: dense(transformer.transform(c)), chunks))
            for expected, got in zip(serial, parallel, strict=True):
                np.testing.assert_array_equal(got, expected)
