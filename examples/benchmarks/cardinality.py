"""Fit time with many distinct ids: sparse against dense embedding gradients.

A synthetic click log with as many distinct user ids as rows (the worst case
for an embedding table) and one float column; one epoch of the deep-only
model at the default batch size. Each size is fitted twice in this process:
with the library's rule (tables from ``SPARSE_EMBEDDING_ROWS`` rows get
sparse gradients) and with every table dense, the reference. The dense time
grows with rows times ids; the sparse time with rows only.

Run from the repository root::

    python examples/benchmarks/cardinality.py [--sizes 10000 100000 300000]
"""

import argparse
import time

import numpy as np
import pandas as pd

from sk_widedeep import WideDeepClassifier
from sk_widedeep._network import _net


def click_log(n_rows, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {"user": np.arange(n_rows).astype(str), "x": rng.normal(size=n_rows)}
    )
    y = (X["x"] + rng.normal(size=n_rows) > 0).astype(int)
    return X, y


def fit_seconds(X, y, sparse_from):
    _net.SPARSE_EMBEDDING_ROWS = sparse_from
    model = WideDeepClassifier(wide=None, max_epochs=1, random_state=0)
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    sparse = any(group.table.sparse for group in model.net_.module_.embeddings)
    return seconds, sparse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000]
    )
    args = parser.parse_args(argv)
    default = _net.SPARSE_EMBEDDING_ROWS
    fit_seconds(*click_log(2_000), default)  # warm up torch before timing
    print("| rows = distinct ids | library rule (s) | all dense (s) | dense / rule |")
    print("|---|---|---|---|")
    for n_rows in args.sizes:
        X, y = click_log(n_rows)
        rule, sparse = fit_seconds(X, y, default)
        dense, _ = fit_seconds(X, y, np.iinfo(np.int64).max)
        kind = "sparse" if sparse else "dense"
        print(
            f"| {n_rows:,} | {rule:.2f} ({kind}) | {dense:.2f} | {dense / rule:.1f}x |"
        )
    _net.SPARSE_EMBEDDING_ROWS = default


if __name__ == "__main__":
    main()
