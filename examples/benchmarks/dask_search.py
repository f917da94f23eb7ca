"""Grid search over 8 candidates: serial against a 2-worker Dask cluster.

``GridSearchCV`` over 2 x 2 x 2 candidates (``wide__crosses``,
``hidden_units``, ``deep_lr``) with 2-fold cross-validation on
``make_app_installs``, run three ways: serially in this process, with
joblib's ``loky`` backend on 2 processes, and with joblib's ``dask`` backend
on a ``LocalCluster`` of 2 single-threaded worker processes on the loopback
interface (the cluster's start is timed apart). Each way is warmed up by a
small search first, so that imports and torch's first calls are not timed.
Prints a table of wall times, their ratio to the serial time, and the largest
difference of ``mean_test_score`` from the serial run.

The serial run uses one torch thread (``--serial-threads``), as each worker
does: the ratio is then the gain of a second process. (Torch on two threads
of a 2-core machine that other processes also use can be many times slower
than on one: its threads wait for each other.)

Run from the repository root (needs the ``dask`` extra)::

    python examples/benchmarks/dask_search.py [--n-samples 20000]
"""

import argparse
import os
import time

import joblib
import numpy as np
import torch
from distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV

from sk_widedeep import CrossProductTransformer, WideDeepClassifier
from sk_widedeep.datasets import make_app_installs

GRID = {
    "wide__crosses": [[], [("country", "app_id")]],
    "hidden_units": [(32,), (128, 64)],
    "deep_lr": [1e-3, 1e-2],
}


def search(X, y, epochs):
    model = WideDeepClassifier(
        wide=CrossProductTransformer(), max_epochs=epochs, random_state=0
    )
    search = GridSearchCV(model, GRID, cv=2, scoring="roc_auc")
    start = time.perf_counter()
    search.fit(X, y)
    return search, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--serial-threads", type=int, default=1)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    X, y = make_app_installs(n_samples=args.n_samples, random_state=0)
    warm_up = lambda: search(X.head(500), y.head(500), 1)  # imports, first fits

    runs = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(args.serial_threads)
    warm_up()
    runs[f"serial, {args.serial_threads} torch thread(s)"] = search(X, y, args.epochs)
    torch.set_num_threads(threads)
    with joblib.parallel_config(backend="loky", n_jobs=2):
        warm_up()
        runs["loky, 2 processes"] = search(X, y, args.epochs)
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
    ):
        cluster_start = time.perf_counter() - start
        with joblib.parallel_config(backend="dask"):
            warm_up()
            runs["dask LocalCluster, 2 workers x 1 thread"] = search(X, y, args.epochs)

    reference, serial_seconds = next(iter(runs.values()))
    print(
        f"GridSearchCV, {len(reference.cv_results_['params'])} candidates x 2 folds, "
        f"{args.n_samples:,} rows, {args.epochs} epochs "
        f"(cluster start {cluster_start:.1f} s, not included); {os.cpu_count()} "
        f"cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print("| run | wall (s) | serial / run | max abs diff of mean_test_score |")
    print("|---|---|---|---|")
    for name, (result, seconds) in runs.items():
        diff = np.abs(
            result.cv_results_["mean_test_score"]
            - reference.cv_results_["mean_test_score"]
        ).max()
        same = all(
            np.array_equal(result.cv_results_[k], reference.cv_results_[k])
            for k in ("split0_test_score", "split1_test_score")
        )
        print(
            f"| {name} | {seconds:.1f} | {serial_seconds / seconds:.2f} | "
            f"{diff:.1e}{' (bit-identical)' if same else ''} |"
        )
    best = {name: result.best_params_ for name, (result, _) in runs.items()}
    print("same best_params_ in every run:", len({str(b) for b in best.values()}) == 1)


if __name__ == "__main__":
    main()
