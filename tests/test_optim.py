import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from sk_widedeep import WideDeepClassifier
from sk_widedeep._network._optim import FTRL, SGD, Adagrad, Adam

from .conftest import FAST, make_frame


def ftrl_reference(gradients, alpha, beta, l1, l2):
    """McMahan et al. (2013), Algorithm 1, one coordinate, plain Python floats."""
    z = n = 0.0
    weights = []
    for g in gradients:
        w = (
            0.0
            if abs(z) <= l1
            else -(z - math.copysign(l1, z)) / ((beta + math.sqrt(n)) / alpha + l2)
        )
        sigma = (math.sqrt(n + g * g) - math.sqrt(n)) / alpha
        z += g - sigma * w
        n += g * g
        weights.append(
            0.0
            if abs(z) <= l1
            else -(z - math.copysign(l1, z)) / ((beta + math.sqrt(n)) / alpha + l2)
        )
    return weights


@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.3, 0.0), (0.0, 1.0), (0.2, 0.5)])
def test_ftrl_matches_the_closed_form_per_coordinate(l1, l2):
    rng = np.random.default_rng(0)
    gradients = rng.normal(size=(20, 3))
    param = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
    optimizer = FTRL([param], lr=0.1, beta=1.0, l1=l1, l2=l2)
    for step, g in enumerate(gradients):
        param.grad = torch.tensor(g)
        optimizer.step()
        for i in range(3):
            expected = ftrl_reference(gradients[: step + 1, i], 0.1, 1.0, l1, l2)[-1]
            assert param[i].item() == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_ftrl_l1_gives_exact_zeros():
    param = torch.nn.Parameter(torch.zeros(100))
    optimizer = FTRL([param], lr=0.1, l1=1.0)
    rng = np.random.default_rng(1)
    for _ in range(10):
        param.grad = torch.tensor(rng.normal(scale=0.3, size=100), dtype=torch.float32)
        optimizer.step()
    assert (param == 0).sum() > 50


def test_ftrl_sparse_step_touches_only_rows_present_and_equals_dense():
    rng = np.random.default_rng(2)
    dense_param = torch.nn.Parameter(torch.zeros(1000, 2))
    sparse_param = torch.nn.Parameter(torch.zeros(1000, 2))
    dense_opt = FTRL([dense_param], lr=0.2, l1=0.01, l2=0.1)
    sparse_opt = FTRL([sparse_param], lr=0.2, l1=0.01, l2=0.1)
    for _ in range(5):
        rows = torch.tensor(rng.integers(0, 1000, 30))  # repeats are summed
        values = torch.tensor(rng.normal(size=(30, 2)), dtype=torch.float32)
        sparse_param.grad = torch.sparse_coo_tensor(
            rows[None], values, (1000, 2), check_invariants=True
        )
        dense_param.grad = sparse_param.grad.to_dense()
        before = sparse_param.detach().clone()
        sparse_opt.step()
        dense_opt.step()
        untouched = torch.ones(1000, dtype=torch.bool)
        untouched[rows] = False
        assert torch.equal(sparse_param[untouched], before[untouched])
        torch.testing.assert_close(sparse_param, dense_param)


def test_ftrl_keeps_a_warm_started_weight_until_gradients_move_it():
    param = torch.nn.Parameter(torch.tensor([0.5, -2.0, 0.0]))
    optimizer = FTRL([param], lr=0.1, l1=0.01, l2=0.3)
    param.grad = torch.zeros(3)
    optimizer.step()
    torch.testing.assert_close(param, torch.tensor([0.5, -2.0, 0.0]))


def test_ftrl_learns_a_logistic_regression():
    torch.manual_seed(0)
    X = torch.randn(2000, 5)
    true_w = torch.tensor([2.0, -1.0, 0.0, 0.0, 0.5])
    y = (torch.rand(2000) < torch.sigmoid(X @ true_w)).float()
    w = torch.nn.Parameter(torch.zeros(5))
    optimizer = FTRL([w], lr=0.5, l1=5.0)
    for _ in range(20):
        for rows in torch.randperm(2000).split(100):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                X[rows] @ w, y[rows], reduction="sum"
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    assert w[0] > 1.5 and w[1] < -0.7 and w[4] > 0.3
    assert abs(w[2]) < 0.1 and abs(w[3]) < 0.1


def test_ftrl_refuses_bad_hyperparameters():
    with pytest.raises(ValueError, match="FTRL needs lr > 0"):
        FTRL([torch.nn.Parameter(torch.zeros(1))], lr=0.0)


@pytest.mark.parametrize(
    "ours, theirs, kwargs",
    [
        (Adam, torch.optim.Adam, {"fused": True, "weight_decay": 1e-3}),
        (Adagrad, torch.optim.Adagrad, {"weight_decay": 1e-3}),
        (SGD, torch.optim.SGD, {"lr": 0.1, "weight_decay": 1e-3}),
    ],
)
def test_plain_step_optimizers_equal_torch(ours, theirs, kwargs):
    weights = []
    for kind in (ours, theirs):
        torch.manual_seed(0)
        layer = torch.nn.Linear(5, 3)
        optimizer = kind(layer.parameters(), **kwargs)
        for step in range(5):
            torch.manual_seed(step)
            optimizer.zero_grad()
            layer(torch.randn(8, 5)).square().sum().backward()
            optimizer.step()
        weights.append(layer.weight.detach().clone())
    assert torch.equal(weights[0], weights[1])


def test_fit_does_not_import_dynamo():
    # torch._dynamo costs about 1.3 s at the first fit of every process
    code = (
        "import sys\n"
        "from sk_widedeep import WideDeepClassifier\n"
        "from sk_widedeep.datasets import make_app_installs\n"
        "X, y = make_app_installs(n_samples=300, random_state=0)\n"
        "clf = WideDeepClassifier(max_epochs=1, random_state=0).fit(X, y)\n"
        "clf.predict_proba(X)\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_regularization_the_optimizer_cannot_apply_is_refused_before_any_work(
    monkeypatch,
):
    # wide_l2 with Adam's rows-only sparse steps: refused before the
    # transformers are fitted, not at the net's initialization after them
    import sk_widedeep._estimator._base as base

    def no_fit(*args, **kwargs):
        raise AssertionError("the parts were fitted")

    monkeypatch.setattr(base, "fit_parts", no_fit)
    X, y = make_frame(50)
    model = WideDeepClassifier(wide_optimizer="adam", wide_l2=0.1, **FAST)
    with pytest.raises(ValueError, match="wide_l2 needs wide_optimizer='ftrl'"):
        model.fit(X, y)
    assert not hasattr(model, "wide_")
