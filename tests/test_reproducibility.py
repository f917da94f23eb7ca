"""random_state: the same seed gives the same model, and global state is left alone."""

import random

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sk_widedeep import CrossProductTransformer, WideDeepClassifier

from .conftest import FAST, make_frame, run_at_once

# The joint model with every source of randomness: initialization, shuffling,
# dropout and the validation split of early stopping.
RANDOM_EVERYWHERE = {
    **FAST,
    "max_epochs": 4,
    "dropout": 0.3,
    "early_stopping": True,
    "validation_fraction": 0.2,
}


def joint_model(**params):
    return WideDeepClassifier(
        wide=CrossProductTransformer(crosses=[("education", "occupation")]),
        **{**FAST, **params},
    )


def state_dict(model):
    return {
        k: v.detach().cpu().clone() for k, v in model.net_.module_.state_dict().items()
    }


def assert_same_weights(first, second):
    a, b = state_dict(first), state_dict(second)
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_same_random_state_gives_the_same_model():
    X, y = make_frame(seed=4)
    first = WideDeepClassifier(**FAST).fit(X, y).predict_proba(X)
    second = WideDeepClassifier(**FAST).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    other = WideDeepClassifier(**{**FAST, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    "params",
    [{}, RANDOM_EVERYWHERE],
    ids=["joint", "joint with dropout and early stopping"],
)
def test_same_int_random_state_gives_bitwise_the_same_weights(params):
    X, y = make_frame(n_samples=300, seed=30)
    first = joint_model(**params).fit(X, y)
    second = joint_model(**params).fit(X, y)
    assert_same_weights(first, second)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert first.loss_curve_ == second.loss_curve_
    assert first.validation_loss_curve_ == second.validation_loss_curve_
    if params.get("early_stopping"):
        assert first.validation_loss_curve_ is not None

    other = joint_model(**{**params, "random_state": 1}).fit(X, y)
    different = [
        key
        for key, value in state_dict(first).items()
        if value.is_floating_point() and not torch.equal(value, state_dict(other)[key])
    ]
    assert different
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))


def test_a_clone_fits_the_same_model():
    X, y = make_frame(n_samples=300, seed=31)
    model = joint_model(**RANDOM_EVERYWHERE)
    copy = clone(model)
    model.fit(X, y)
    copy.fit(X, y)
    assert_same_weights(model, copy)
    np.testing.assert_array_equal(model.predict_proba(X), copy.predict_proba(X))
    # a clone of the fitted model, fitted again, too
    again = clone(model).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


def test_fit_leaves_the_global_random_state_alone():
    X, y = make_frame(seed=5)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    WideDeepClassifier(**{**FAST, "dropout": 0.2}).fit(X, y)
    np.testing.assert_array_equal(torch.rand(3), expected)


@pytest.mark.parametrize("random_state", [0, None], ids=["int", "None"])
def test_fit_and_predict_leave_the_global_generators_alone(random_state):
    X, y = make_frame(n_samples=300, seed=32)
    torch.manual_seed(7)
    np.random.seed(7)
    random.seed(7)
    torch_state = torch.get_rng_state()
    numpy_state = np.random.get_state()
    python_state = random.getstate()

    model = joint_model(**{**RANDOM_EVERYWHERE, "random_state": random_state})
    model.fit(X.iloc[:200], y[:200])
    model.set_params(early_stopping=False).partial_fit(X.iloc[200:], y[200:])
    model.predict_proba(X)

    assert torch.equal(torch.get_rng_state(), torch_state)
    assert random.getstate() == python_state
    if random_state is None:
        return  # None means numpy's global generator, by scikit-learn convention
    after = np.random.get_state()
    assert after[0] == numpy_state[0]
    np.testing.assert_array_equal(after[1], numpy_state[1])
    assert after[2:] == numpy_state[2:]


def test_a_random_state_instance_is_consumed():
    X, y = make_frame(seed=33)
    rng = np.random.RandomState(0)
    first = WideDeepClassifier(**{**FAST, "random_state": rng}).fit(X, y)
    second = WideDeepClassifier(**{**FAST, "random_state": rng}).fit(X, y)
    # the shared generator moved on: the second fit drew other seeds
    assert not np.array_equal(first.predict_proba(X), second.predict_proba(X))
    # fresh generators with the same seed give the same model
    third = WideDeepClassifier(**{**FAST, "random_state": np.random.RandomState(0)})
    np.testing.assert_array_equal(
        third.fit(X, y).predict_proba(X), first.predict_proba(X)
    )
    # refitting one estimator draws from its generator again
    third.fit(X, y)
    np.testing.assert_array_equal(third.predict_proba(X), second.predict_proba(X))


def test_fit_then_partial_fit_with_dropout_matches_a_longer_fit():
    # the plain case is tests/test_classifier.py::
    # test_partial_fit_after_fit_adds_one_epoch_and_matches_a_longer_fit; with
    # dropout, each epoch's dropout masks must also depend on its number only
    X, y = make_frame(n_samples=300, seed=34)
    model = joint_model(dropout=0.3).fit(X, y)
    model.partial_fit(X, y)
    longer = joint_model(dropout=0.3, max_epochs=4).fit(X, y)
    assert model.n_iter_ == longer.n_iter_ == 4
    assert model.loss_curve_ == longer.loss_curve_
    assert_same_weights(model, longer)
    np.testing.assert_array_equal(model.predict_proba(X), longer.predict_proba(X))


def _fit_at_once(models, X, y):
    """Fit every model in its own thread, all at once."""
    assert run_at_once(lambda model: model.fit(X, y), models) == []


def test_concurrent_fits_in_threads_equal_their_serial_fits():
    # each fit draws from generators of its own, never torch's global one:
    # another fit running at the same time cannot move its random numbers
    X, y = make_frame(n_samples=400, seed=35)
    params = [{**RANDOM_EVERYWHERE, "random_state": seed} for seed in (1, 2, 3)]
    serial = [joint_model(**p).fit(X, y) for p in params]
    torch.manual_seed(123)
    state = torch.get_rng_state()
    for _ in range(2):
        models = [joint_model(**p) for p in params]
        _fit_at_once(models, X, y)
        for model, alone in zip(models, serial, strict=True):
            assert_same_weights(model, alone)
            np.testing.assert_array_equal(
                model.predict_proba(X), alone.predict_proba(X)
            )
    assert torch.equal(torch.get_rng_state(), state)  # the user's, untouched
