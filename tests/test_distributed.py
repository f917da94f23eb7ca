"""Distributed tuning (joblib's dask backend) and data-parallel training (gloo)."""

import datetime
import math
import socket
import time

import joblib
import numpy as np
import pytest
import torch
import torch.distributed as dist
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV

import sk_widedeep._network._net
from sk_widedeep import (
    CrossProductTransformer,
    EmbeddingEncoder,
    WideDeepClassifier,
    WideDeepRegressor,
)
from sk_widedeep.datasets import make_app_installs


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Torch on one thread, as in dask's workers and the spawned ranks.

    It also keeps these tests fast on a busy machine, where two threads
    contend for the cores with other processes.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


GRID = {
    "wide__crosses": [[], [("country", "app_id")]],
    "hidden_units": [(8,), (16,)],
    "deep_lr": [1e-3, 1e-2],
}


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _search():
    model = WideDeepClassifier(
        wide=CrossProductTransformer(),
        max_epochs=2,
        batch_size=64,
        random_state=0,
    )
    return GridSearchCV(model, GRID, cv=2, scoring="roc_auc")


def test_grid_search_on_dask_matches_serial(dask_client):
    X, y = make_app_installs(n_samples=2000, random_state=0)
    # dask's workers run torch on one thread (the nanny sets OMP_NUM_THREADS=1);
    # so does the serial run (one_torch_thread), so that no float sum could be
    # split differently. (One and two threads gave bit-identical models on our
    # 2-core machine too.)
    serial = _search().fit(X, y)
    threads = dask_client.run(torch.get_num_threads)
    assert set(threads.values()) == {1} and len(threads) == 2
    with joblib.parallel_config(backend="dask"):
        on_dask = _search().fit(X, y)
    assert len(serial.cv_results_["params"]) == 8
    for key in ("split0_test_score", "split1_test_score", "mean_test_score"):
        np.testing.assert_array_equal(on_dask.cv_results_[key], serial.cv_results_[key])
    assert on_dask.best_params_ == serial.best_params_
    proba = on_dask.predict_proba(X.head(50))
    np.testing.assert_array_equal(proba, serial.predict_proba(X.head(50)))


# --- data-parallel training -------------------------------------------------

FIT = {"hidden_units": (16,), "max_epochs": 4, "batch_size": 32, "random_state": 0}
N_TRAIN = 4000


def _data():
    X, y = make_app_installs(n_samples=6000, random_state=0)
    X_train, y_train = X.iloc[:N_TRAIN], y.iloc[:N_TRAIN]
    X_test, y_test = X.iloc[N_TRAIN:], y.iloc[N_TRAIN:]
    # fitted once on rows every rank reads, then frozen: the same on every rank
    wide = CrossProductTransformer(crosses=[("country", "app_id")]).fit(X_train)
    deep = EmbeddingEncoder().fit(X_train)
    return (
        X_train,
        y_train,
        X_test,
        y_test,
        FrozenEstimator(wide),
        FrozenEstimator(deep),
    )


def _regression_target(X):
    return X["age"].to_numpy(float) + 5.0 * (X["device"] == "phone").to_numpy()


def _weights(clf):
    return {k: v.clone() for k, v in clf.net_.module_.state_dict().items()}


def _rank_main(rank, world_size, port, results):
    """One rank: train on its shard in each scenario, put what it got in results."""
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=world_size,
        timeout=datetime.timedelta(seconds=60),
    )
    X, y, X_test, y_test, wide, deep = _data()
    out = {}
    # equal shards: every other row
    clf = WideDeepClassifier(wide=wide, deep=deep, data_parallel=True, **FIT)
    clf.fit(X.iloc[rank::world_size], y.iloc[rank::world_size])
    out["equal"] = (
        _weights(clf),
        roc_auc_score(y_test, clf.predict_proba(X_test)[:, 1]),
    )
    # unequal shards (3:1, so 3x the batches on rank 0), early stopping,
    # sparse embedding tables and a sparse Adam wide part
    sk_widedeep._network._net.SPARSE_EMBEDDING_ROWS = 8
    rows = slice(0, 3000) if rank == 0 else slice(3000, N_TRAIN)
    clf = WideDeepClassifier(
        wide=wide,
        deep=deep,
        data_parallel=True,
        early_stopping=True,
        wide_optimizer="adam",
        **{**FIT, "max_epochs": 6},
    )
    clf.fit(X.iloc[rows], y.iloc[rows])
    curve = clf.validation_loss_curve_
    clf.set_params(early_stopping=False).partial_fit(X.iloc[rows], y.iloc[rows])
    sparse = [g.table.sparse for g in clf.net_.module_.embeddings]
    out["unequal"] = (_weights(clf), curve, clf.n_iter_, sparse)
    # a regressor on weighted shards: the target's moments of the union
    target, weight = _regression_target(X), np.linspace(0.5, 2.0, len(X))
    reg = WideDeepRegressor(wide=wide, deep=deep, data_parallel=True, **FIT)
    shard = slice(rank, None, world_size)
    reg.fit(X.iloc[shard], target[shard], sample_weight=weight[shard] * 10**rank)
    out["regressor"] = (_weights(reg), reg.target_offset_, reg.target_scale_)
    # one rank's bad labels stop both ranks (no rank waits forever)
    labels = y.iloc[rank::world_size].to_numpy(dtype=float)
    if rank == 1:
        labels[3] = np.nan
    try:
        WideDeepClassifier(wide=wide, deep=deep, data_parallel=True, **FIT).fit(
            X.iloc[rank::world_size], labels
        )
    except (ValueError, RuntimeError) as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    results[rank] = out
    dist.destroy_process_group()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def two_ranks():
    """Run _rank_main in 2 spawned processes (gloo, loopback), with a timeout."""
    if not (dist.is_available() and dist.is_gloo_available()):
        pytest.skip("torch.distributed with the gloo backend is not available")
    mp = torch.multiprocessing.get_context("spawn")
    with mp.Manager() as manager:
        results = manager.dict()
        context = torch.multiprocessing.start_processes(
            _rank_main,
            args=(2, _free_port(), results),
            nprocs=2,
            join=False,
            start_method="spawn",
        )
        deadline = time.monotonic() + 120
        try:
            while not context.join(timeout=1):
                if time.monotonic() > deadline:
                    pytest.fail("data-parallel training hung (no result in 120 s)")
        finally:
            for process in context.processes:
                if process.is_alive():
                    process.kill()
        return dict(results)


def _assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name


def test_data_parallel_ranks_end_with_identical_weights(two_ranks):
    _assert_same_weights(two_ranks[0]["equal"][0], two_ranks[1]["equal"][0])


def test_data_parallel_matches_one_process_auc(two_ranks):
    X, y, X_test, y_test, wide, deep = _data()
    # one process on all rows, with the union batch of the two ranks
    one = WideDeepClassifier(wide=wide, deep=deep, **{**FIT, "batch_size": 64})
    one.fit(X, y)
    auc_one = roc_auc_score(y_test, one.predict_proba(X_test)[:, 1])
    auc_two = two_ranks[0]["equal"][1]
    assert auc_two == two_ranks[1]["equal"][1]
    assert abs(auc_two - auc_one) < 0.02, (auc_two, auc_one)


def test_data_parallel_unequal_shards_and_early_stopping(two_ranks):
    weights0, curve0, n_iter0, sparse = two_ranks[0]["unequal"]
    weights1, curve1, n_iter1, _ = two_ranks[1]["unequal"]
    assert any(sparse)  # the sparse-table path ran
    _assert_same_weights(weights0, weights1)
    assert curve0 == curve1 and n_iter0 == n_iter1  # stopped at the same epoch
    assert all(math.isfinite(v) for v in curve0)


def test_data_parallel_regressor_agrees_on_the_weighted_moments(two_ranks):
    weights0, offset0, scale0 = two_ranks[0]["regressor"]
    weights1, offset1, scale1 = two_ranks[1]["regressor"]
    _assert_same_weights(weights0, weights1)
    assert (offset0, scale0) == (offset1, scale1)
    X = _data()[0]
    target, weight = _regression_target(X), np.linspace(0.5, 2.0, len(X))
    weight[1::2] *= 10  # rank 1's weights, 10 times rank 0's
    mean = np.average(target, weights=weight)
    assert offset0 == pytest.approx(mean, rel=1e-12)
    std = np.sqrt(np.average((target - mean) ** 2, weights=weight))
    assert scale0 == pytest.approx(std, rel=1e-12)


def test_data_parallel_error_on_one_rank_stops_every_rank(two_ranks):
    assert "missing label" in two_ranks[1]["error"]
    assert two_ranks[0]["error"].startswith("RuntimeError: data_parallel: rank 1")


def test_data_parallel_needs_a_process_group():
    if dist.is_available() and dist.is_initialized():
        pytest.skip("a process group is initialized in this process")
    X, y = make_app_installs(n_samples=200, random_state=0)
    with pytest.raises(ValueError, match="init_process_group"):
        WideDeepClassifier(data_parallel=True).fit(X, y)


@pytest.fixture
def one_rank_group():
    """A gloo process group of this process alone."""
    if not (dist.is_available() and dist.is_gloo_available()):
        pytest.skip("torch.distributed with the gloo backend is not available")
    if dist.is_initialized():
        pytest.skip("a process group is already initialized in this process")
    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{_free_port()}", rank=0, world_size=1
    )
    yield
    dist.destroy_process_group()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"early_stopping": True, "class_weight": "balanced"},
        {"wide_optimizer": "adam", "deep_optimizer": "adagrad"},
    ],
)
def test_data_parallel_with_one_rank_is_the_serial_fit(one_rank_group, params):
    X, y, X_test, _, wide, deep = _data()
    X, y = X.iloc[:1500], y.iloc[:1500]
    weight = np.linspace(0.5, 2.0, len(y))
    models = [
        WideDeepClassifier(
            wide=wide, deep=deep, data_parallel=parallel, **FIT, **params
        ).fit(X, y, sample_weight=weight)
        for parallel in (False, True)
    ]
    _assert_same_weights(_weights(models[0]), _weights(models[1]))
    assert models[0].loss_curve_ == models[1].loss_curve_
    np.testing.assert_array_equal(
        models[0].predict_proba(X_test), models[1].predict_proba(X_test)
    )


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_data_parallel_regressor_with_one_rank_is_the_serial_fit(one_rank_group, loss):
    X, _, X_test, _, wide, deep = _data()
    X = X.iloc[:1500]
    target = _regression_target(X)
    models = [
        WideDeepRegressor(
            wide=wide, deep=deep, data_parallel=parallel, loss=loss, **FIT
        ).fit(X, target, sample_weight=np.linspace(0.5, 2.0, len(X)))
        for parallel in (False, True)
    ]
    _assert_same_weights(_weights(models[0]), _weights(models[1]))
    np.testing.assert_array_equal(models[0].predict(X_test), models[1].predict(X_test))


def test_data_parallel_refuses_transformers_fitted_per_rank(one_rank_group):
    X, y = make_app_installs(n_samples=300, random_state=0)
    with pytest.raises(ValueError, match="FrozenEstimator"):
        WideDeepClassifier(data_parallel=True, deep=None).fit(X, y)


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_data_parallel_normalises_huge_weights_as_the_serial_fit(
    one_rank_group, class_weight
):
    # the weights' sum overflows float64: both paths divide by the largest first
    X, y, X_test, _, wide, deep = _data()
    X, y = X.iloc[:600], y.iloc[:600]
    weight = np.linspace(0.5, 2.0, len(y)) * 1e306
    weight[:2] = 1e308
    models = [
        WideDeepClassifier(
            wide=wide,
            deep=deep,
            data_parallel=parallel,
            class_weight=class_weight,
            **FIT,
        ).fit(X, y, sample_weight=weight)
        for parallel in (False, True)
    ]
    _assert_same_weights(_weights(models[0]), _weights(models[1]))
    proba = models[1].predict_proba(X_test)
    assert np.isfinite(proba).all()
    np.testing.assert_array_equal(models[0].predict_proba(X_test), proba)
