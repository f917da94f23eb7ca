"""An ensemble in one fit (``n_members``): training, averaging, the paths after."""

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from sk_widedeep import WideDeepClassifier, WideDeepRegressor, load
from sk_widedeep._network._module import WideDeepModule, average_members

from .conftest import FAST, make_frame

MEMBERS = {**FAST, "n_members": 4}


def module(n_members, link, n_outputs=1, n_wide=5):
    return WideDeepModule(
        n_wide=n_wide,
        n_continuous=3,
        hidden_units=(8,),
        n_outputs=n_outputs,
        n_members=n_members,
        link=link,
        random_seed=0,
    )


def batch(n=6):
    generator = torch.Generator().manual_seed(1)
    return {
        "wide_indices": torch.randint(0, 5, (n, 2), generator=generator),
        "continuous": torch.randn(n, 3, generator=generator),
    }


@pytest.mark.parametrize(
    ("link", "n_outputs", "probabilities"),
    [
        ("sigmoid", 1, lambda z: torch.sigmoid(z)),
        ("softmax", 3, lambda z: torch.softmax(z, -1)),
        ("identity", 1, lambda z: z),
    ],
)
def test_evaluation_returns_the_logits_of_the_members_mean(
    link, n_outputs, probabilities
):
    net = module(4, link, n_outputs)
    members = net.train()(**batch())
    assert members.shape == (6, 4, n_outputs)
    combined = net.eval()(**batch())
    assert combined.shape == (6, n_outputs)
    expected = probabilities(members).mean(1)
    torch.testing.assert_close(probabilities(combined), expected)
    # the members differ (their signs and heads are drawn apart)
    assert (members[:, 0] - members[:, 1]).abs().max() > 1e-3


def test_averaging_in_log_space_does_not_underflow():
    members = torch.tensor([[[-200.0], [-220.0]], [[150.0], [160.0]]])
    combined = average_members(members, "sigmoid")
    assert torch.isfinite(combined).all()
    # the mean of two tiny probabilities is half the larger one's, to first order
    assert combined[0, 0].item() == pytest.approx(-200.0 - np.log(2), abs=1e-3)


def test_one_member_is_the_plain_network():
    one = module(1, "sigmoid")
    assert not hasattr(one, "member_scales") and hasattr(one, "deep_output")
    with pytest.raises(ValueError, match="link must be one of"):
        module(2, "probit")


def test_the_loss_is_the_mean_of_the_members_losses():
    X, y = make_frame(300)
    net = WideDeepClassifier(**MEMBERS).fit(X, y).net_
    logits = torch.randn(8, 4, 1, generator=torch.Generator().manual_seed(0))
    target = torch.tensor([0.0, 1.0] * 4)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[..., 0], target[:, None].expand(8, 4)
    )
    torch.testing.assert_close(net.get_loss(logits, target), expected)
    weight = torch.arange(8.0)
    weighted = net.get_loss(logits, target, X={"sample_weight": weight})
    per_row = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[..., 0], target[:, None].expand(8, 4), reduction="none"
    ).mean(1)
    torch.testing.assert_close(weighted, (per_row * weight).mean())


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_trains_every_member_and_predicts_their_mean(n_classes):
    X, y = make_frame(400)
    y = y if n_classes == 2 else (np.arange(400) % 3 + y) % 3
    clf = WideDeepClassifier(**MEMBERS).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (400, n_classes)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
    assert clf.net_.module_.member_scales.shape[0] == 4
    if n_classes == 2:
        assert roc_auc_score(y, proba[:, 1]) > 0.75
    # every member's head moved from its initial draw
    fresh = WideDeepClassifier(**{**MEMBERS, "max_epochs": 1}).fit(X, y)
    moved = clf.net_.module_.member_output - fresh.net_.module_.member_output
    assert (moved.flatten(1).abs().amax(1) > 0).all()


def test_regressor_members_average_their_predictions():
    X, y = make_frame(400)
    target = np.nan_to_num(X["age"].to_numpy(), nan=40.0) / 10 + y
    reg = WideDeepRegressor(**MEMBERS).fit(X, target)
    predicted = reg.predict(X)
    assert np.corrcoef(predicted, target)[0, 1] > 0.5


def test_members_are_deterministic_saved_and_warm_started(tmp_path):
    X, y = make_frame(300)
    first = WideDeepClassifier(**MEMBERS).fit(X, y)
    again = WideDeepClassifier(**MEMBERS).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    first.save(tmp_path / "m.skwd")
    loaded = load(tmp_path / "m.skwd")
    np.testing.assert_array_equal(loaded.predict_proba(X), first.predict_proba(X))
    changed = WideDeepClassifier(**{**MEMBERS, "warm_start": True}).fit(X, y)
    changed.set_params(n_members=2)
    with pytest.raises(ValueError, match="n_members changed from 4 to 2"):
        changed.fit(X, y)


def test_warm_start_copies_the_members_scales_and_heads():
    old = module(4, "sigmoid")
    new = WideDeepModule(
        n_wide=5, n_continuous=3, hidden_units=(8,), n_members=4, random_seed=1
    )
    assert not torch.equal(new.member_output, old.member_output)
    new.load_shared(
        old, wide_rows=None, embedding_rows={}, input_columns=np.array([2, 1, 0])
    )
    torch.testing.assert_close(new.member_output, old.member_output)
    torch.testing.assert_close(new.member_scales, old.member_scales[:, [2, 1, 0]])
