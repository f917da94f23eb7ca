"""Temperature scaling: the fit of T, and what the classifier does with it."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.special import expit, softmax
from sklearn.metrics import log_loss, roc_auc_score

from sk_widedeep import WideDeepClassifier, load
from sk_widedeep._network._calibration import TEMPERATURE_RANGE, fit_temperature


def overconfident_binary(n, factor, seed=0):
    """Logits ``factor`` times the true log-odds, and labels drawn from the truth."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(0, 1.5, n)
    labels = (rng.random(n) < expit(truth)).astype(np.float32)
    return torch.tensor(factor * truth[:, None], dtype=torch.float32), torch.tensor(
        labels
    )


@pytest.mark.parametrize("factor", [0.5, 1.0, 3.0])
def test_binary_temperature_undoes_a_known_overconfidence(factor):
    logits, target = overconfident_binary(200_000, factor)
    temperature, loss = fit_temperature(logits, target)
    assert temperature == pytest.approx(factor, rel=0.03)
    p = expit(logits[:, 0].numpy().astype(np.float64) / temperature)
    assert loss == pytest.approx(log_loss(target.numpy(), p), rel=1e-9)


def test_multiclass_temperature_undoes_a_known_overconfidence():
    rng = np.random.default_rng(1)
    truth = rng.normal(0, 1.5, (100_000, 4))
    cumulative = softmax(truth, axis=1).cumsum(axis=1)
    labels = (rng.random((len(truth), 1)) > cumulative).sum(axis=1)
    logits = torch.tensor(2.0 * truth, dtype=torch.float32)
    temperature, loss = fit_temperature(logits, torch.tensor(labels))
    assert temperature == pytest.approx(2.0, rel=0.03)
    p = softmax(logits.numpy().astype(np.float64) / temperature, axis=1)
    assert loss == pytest.approx(log_loss(labels, p, labels=range(4)), rel=1e-9)


def test_a_weight_counts_as_repeated_rows():
    logits, target = overconfident_binary(2_000, 2.0)
    weight = torch.tensor(np.random.default_rng(2).integers(1, 4, 2_000))
    repeated = torch.repeat_interleave(torch.arange(2_000), weight)
    weighted = fit_temperature(logits, target, weight.to(torch.float32))
    plain = fit_temperature(logits[repeated], target[repeated])
    np.testing.assert_allclose(weighted, plain, rtol=1e-9)


def test_separated_rows_stop_at_the_bound():
    logits = torch.tensor([[-2.0], [-1.0], [1.0], [3.0]])
    temperature, _ = fit_temperature(logits, torch.tensor([0.0, 0.0, 1.0, 1.0]))
    assert temperature == pytest.approx(TEMPERATURE_RANGE[0])
    temperature, _ = fit_temperature(-logits, torch.tensor([0.0, 0.0, 1.0, 1.0]))
    assert temperature == pytest.approx(TEMPERATURE_RANGE[1])  # all wrong: flatten


def noisy_table(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "z": rng.normal(size=n),
            "id": rng.choice([f"u{i}" for i in range(300)], n),
        }
    )
    y = (rng.random(n) < expit(X["x"] + 0.5 * X["z"] ** 2 - 0.5)).astype(int)
    return X, y


FIT = {"hidden_units": (64,), "max_epochs": 30, "batch_size": 64, "random_state": 0}


def test_the_kept_epoch_is_the_best_calibrated_one_and_ranks_are_unchanged():
    X, y = noisy_table()
    model = WideDeepClassifier(**FIT).fit(X, y)
    history = model.net_.history
    assert model.temperature_ != 1.0
    assert model.validation_loss_curve_ == pytest.approx(
        history[:, "valid_loss_calibrated"]
    )
    best = int(np.argmin(model.validation_loss_curve_))
    assert model.temperature_ == history[best, "temperature"]
    # the validation rows' log loss is the calibrated curve's minimum
    _, valid_rows = model._validation_split(np.asarray(y))
    proba = model.predict_proba(X.iloc[valid_rows])
    assert log_loss(y[valid_rows], proba) == pytest.approx(
        model.validation_loss_curve_[best], rel=1e-5
    )
    # T only divides the logits: same order, same AUC, same predictions
    scores = model.decision_function(X)
    np.testing.assert_allclose(expit(scores), model.predict_proba(X)[:, 1], rtol=1e-6)
    unscaled = expit(scores * model.temperature_)
    assert roc_auc_score(y, unscaled) == roc_auc_score(y, model.predict_proba(X)[:, 1])
    np.testing.assert_array_equal(model.predict(X), (unscaled > 0.5).astype(int))


def test_without_scaling_the_epoch_is_chosen_on_the_plain_loss():
    X, y = noisy_table()
    model = WideDeepClassifier(**FIT, temperature_scaling=False).fit(X, y)
    assert model.temperature_ == 1.0
    assert "temperature" not in model.net_.history[-1]
    assert model.validation_loss_curve_ == pytest.approx(
        model.net_.history[:, "valid_loss"]
    )
    no_validation = WideDeepClassifier(**FIT, early_stopping=False).fit(X, y)
    assert no_validation.temperature_ == 1.0


def test_multiclass_probabilities_are_the_softmax_of_the_scaled_logits():
    X, y = noisy_table()
    y = y + (X["z"] > 1).to_numpy()  # three classes
    model = WideDeepClassifier(**FIT).fit(X, y)
    assert model.temperature_ != 1.0
    np.testing.assert_allclose(
        model.predict_proba(X), softmax(model.decision_function(X), axis=1), rtol=1e-5
    )


def test_the_temperature_is_saved_and_follows_the_weights_in_partial_fit(tmp_path):
    X, y = noisy_table()
    model = WideDeepClassifier(**FIT).fit(X, y)
    model.save(tmp_path / "model.skwd")
    loaded = load(tmp_path / "model.skwd")
    assert loaded.temperature_ == model.temperature_
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # partial_fit goes on validating on fit's rows: the temperature is the
    # one of the epoch whose weights are kept
    for _ in range(3):
        model.partial_fit(X, y)
        history = model.net_.history
        kept = dict(model.net_.callbacks_)["early_stopping"].best_epoch_
        assert model.temperature_ == history[kept - 1, "temperature"]
    streamed = WideDeepClassifier(**FIT).partial_fit(X, y, classes=[0, 1])
    assert streamed.partial_fit(X, y).temperature_ == 1.0  # never validated


def test_the_temperature_is_in_the_onnx_graph():
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    from sk_widedeep.onnx import feeds, to_onnx

    X, y = noisy_table()
    model = WideDeepClassifier(**FIT).fit(X, y)
    assert abs(model.temperature_ - 1) > 0.01
    graph = to_onnx(model, X[:5])
    session = onnxruntime.InferenceSession(graph.SerializeToString())
    _, proba = session.run(None, feeds(X))
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-5, rtol=0)


def test_a_users_callback_reads_the_calibrated_loss():
    # e.g. a learning-rate schedule on the loss early stopping watches
    from skorch.callbacks import LRScheduler
    from torch.optim.lr_scheduler import ReduceLROnPlateau

    X, y = noisy_table()
    schedule = LRScheduler(
        policy=ReduceLROnPlateau, monitor="valid_loss_calibrated", patience=0
    )
    model = WideDeepClassifier(**FIT, callbacks=[("lr", schedule)]).fit(X, y)
    assert model.net_.optimizer_.param_groups[0]["lr"] < 1e-3  # it stepped
