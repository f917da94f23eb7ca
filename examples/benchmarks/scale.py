"""Streaming a click log larger than memory through ``partial_fit``.

A synthetic app-store click log in the spirit of
:func:`sk_widedeep.datasets.make_app_installs`, but with a million users (a
``user_id`` column) and a hundred thousand apps, is written once to a Parquet
file in row groups of ``--chunk-rows`` rows. Then, each in a fresh process:

- **streaming**: the first 1M, 4M and 16M rows are read one row group at a
  time (pyarrow) and passed to ``WideDeepClassifier.partial_fit``, one pass;
  reading, encoding and training are all timed (end to end rows/s);
- **in memory** (the reference): the first 1M rows are read into one
  DataFrame and ``fit`` for one epoch with the same model; only ``fit`` is
  timed.

Both report their peak resident memory (VmHWM). Two ways to fix the width
of the network before streaming are measured (``--modes``):

- ``hashed``: both transformers hash every categorical column and cross into
  a fixed number of slots (``hash_buckets``), fitted on the first row group
  only for the scaling of the numbers;
- ``sample``: exact vocabularies fitted on the first row groups
  (``--sample-rows``) and frozen (:class:`~sklearn.frozen.FrozenEstimator`);
  values not in the sample go to each column's other slot.

Run from the repository root (about 15 minutes on 2 cores, 2 GB of disk)::

    python examples/benchmarks/scale.py
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from harness import fresh_call, memory_mb
from sklearn.frozen import FrozenEstimator

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier

CATEGORICAL = [
    "user_id", "country", "device", "installed_category", "app_id", "app_category",
]  # fmt: skip
CONTINUOUS = ["age", "app_rating"]
CROSSES = [("country", "app_id"), ("installed_category", "app_category")]
N_COUNTRIES, N_DEVICES, N_CATEGORIES, RANK = 20, 4, 12, 4


class ClickLog:
    """A fixed world of users and apps, and impressions drawn from it in chunks.

    The install log-odds add a low-rank user × app affinity (embeddings
    learn it), +3 for the local hit apps of each country (a cross memorizes
    them) and the app's rating, as in ``make_app_installs``.
    """

    def __init__(self, n_users, n_apps, seed=0):
        rng = np.random.default_rng(seed)
        self.seed = seed
        self.app_category = rng.integers(N_CATEGORIES, size=n_apps)
        category_vectors = rng.normal(0, 0.7, (N_CATEGORIES, RANK))
        self.app_vectors = category_vectors[self.app_category] + rng.normal(
            0, 0.35, (n_apps, RANK)
        )
        self.app_rating = np.clip(rng.normal(3.9, 0.5, n_apps), 1, 5).round(1)
        popularity = rng.permutation(1.0 / np.arange(1, n_apps + 1) ** 0.7)
        self.app_cdf = np.cumsum(popularity / popularity.sum())
        self.country = rng.integers(N_COUNTRIES, size=n_users)
        self.device = rng.integers(N_DEVICES, size=n_users)
        self.installed = rng.integers(N_CATEGORIES, size=n_users)
        self.age = np.clip(rng.gamma(4, 8, n_users) + 14, 14, 90).round()
        self.user_vectors = (
            rng.normal(0, 0.5, (N_COUNTRIES, RANK))[self.country]
            + rng.normal(0, 0.5, (N_DEVICES, RANK))[self.device]
            + rng.normal(0, 0.7, (N_CATEGORIES, RANK))[self.installed]
            + rng.normal(0, 0.3, (n_users, RANK))  # each user's own taste
        ).astype(np.float32)
        self.is_hit = rng.random((N_COUNTRIES, n_apps)) < 0.05
        users, apps = self._draw(rng, 100_000)
        affinity = self._affinity(users, apps)
        self.affinity_mean, self.affinity_std = affinity.mean(), affinity.std()

    def _draw(self, rng, n_rows):
        users = rng.integers(len(self.country), size=n_rows)
        apps = np.searchsorted(self.app_cdf, rng.random(n_rows))
        return users, np.minimum(apps, len(self.app_cdf) - 1)

    def _affinity(self, users, apps):
        return np.einsum("ij,ij->i", self.user_vectors[users], self.app_vectors[apps])

    def chunk(self, index, n_rows):
        """The ``index``-th chunk of impressions: a DataFrame and its labels."""
        rng = np.random.default_rng([self.seed, index])
        users, apps = self._draw(rng, n_rows)
        affinity = (self._affinity(users, apps) - self.affinity_mean) / (
            self.affinity_std
        )
        country = self.country[users]
        logits = (
            -2.6
            + 2.0 * affinity
            + 0.6 * (self.app_rating[apps] - 3.9)
            + 3.0 * self.is_hit[country, apps]
        )
        y = (rng.random(n_rows) < 1 / (1 + np.exp(-logits))).astype(np.int8)
        X = pd.DataFrame(
            {
                "user_id": np.char.add("u", users.astype(str)),
                "country": np.char.add("c", country.astype(str)),
                "device": np.char.add("d", self.device[users].astype(str)),
                "installed_category": np.char.add(
                    "k", self.installed[users].astype(str)
                ),
                "age": self.age[users],
                "app_id": np.char.add("a", apps.astype(str)),
                "app_category": np.char.add("k", self.app_category[apps].astype(str)),
                "app_rating": self.app_rating[apps],
            }
        )
        return X, y


def write_log(path, n_rows, chunk_rows, n_users, n_apps):
    """Write ``n_rows`` impressions to a Parquet file, one row group per chunk."""
    log = ClickLog(n_users, n_apps)
    writer = None
    for index in range(n_rows // chunk_rows):
        X, y = log.chunk(index, chunk_rows)
        table = pa.Table.from_pandas(X.assign(installed=y), preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=chunk_rows)
    writer.close()


def row_groups(path, n_rows):
    """The first ``n_rows`` rows of a Parquet file, one row group at a time."""
    parquet = pq.ParquetFile(path)
    seen = 0
    for group in range(parquet.num_row_groups):
        if seen >= n_rows:
            return
        frame = parquet.read_row_group(group).to_pandas()
        seen += len(frame)
        yield frame.drop(columns="installed"), frame["installed"].to_numpy()


def make_model(mode, path, sample_rows, hash_buckets):
    """The classifier, its transformers fixed before any training."""
    params = {"batch_size": 1024, "max_epochs": 1, "random_state": 0}
    if mode == "hashed":
        wide = CrossProductTransformer(
            columns=["app_id"], crosses=CROSSES, hash_buckets=hash_buckets
        )
        deep = EmbeddingEncoder(
            categorical=CATEGORICAL, continuous=CONTINUOUS, hash_buckets=hash_buckets
        )
        return WideDeepClassifier(wide=wide, deep=deep, **params)
    sample = pd.concat([X for X, _ in row_groups(path, sample_rows)])
    wide = CrossProductTransformer(columns=["app_id"], crosses=CROSSES).fit(sample)
    deep = EmbeddingEncoder(categorical=CATEGORICAL, continuous=CONTINUOUS)
    deep.fit(sample)
    return WideDeepClassifier(
        wide=FrozenEstimator(wide), deep=FrozenEstimator(deep), **params
    )


def measure(kind, mode, rows, path, sample_rows, hash_buckets):
    """One measurement, in a fresh process (:func:`harness.fresh_call`)."""
    model = make_model(mode, path, sample_rows, hash_buckets)
    start = time.perf_counter()
    if kind == "in-memory":
        parts = list(row_groups(path, rows))
        X = pd.concat([X for X, _ in parts], ignore_index=True)
        y = np.concatenate([y for _, y in parts])
        start = time.perf_counter()  # only fit is timed
        model.fit(X, y)
    else:
        for X, y in row_groups(path, rows):
            model.partial_fit(X, y, classes=[0, 1])
    seconds = time.perf_counter() - start
    parameters = sum(p.numel() for p in model.net_.module_.parameters())
    return {
        "rows": rows,
        "rows/s": rows / seconds,
        "peak RSS MB": memory_mb("VmHWM"),
        "network parameters": parameters,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e6, 4e6, 16e6])
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--apps", type=int, default=100_000)
    parser.add_argument("--sample-rows", type=int, default=1_000_000)
    parser.add_argument("--hash-buckets", type=int, default=2**18)
    parser.add_argument("--modes", nargs="+", default=["hashed", "sample"])
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clicks.parquet"
        start = time.perf_counter()
        write_log(path, max(sizes), args.chunk_rows, args.users, args.apps)
        print(
            f"{max(sizes):,} impressions ({args.users:,} users, {args.apps:,} apps) "
            f"written in {time.perf_counter() - start:.0f} s, "
            f"{path.stat().st_size / 1e6:.0f} MB; row groups of "
            f"{args.chunk_rows:,} rows"
        )

        def fresh(kind, mode, rows):
            settings = (str(path), args.sample_rows, args.hash_buckets)
            return fresh_call("scale", "measure", kind, mode, rows, *settings)

        for mode in args.modes:
            reference = fresh("in-memory", mode, min(sizes))
            rows = [{"run": f"in-memory fit, {min(sizes):,} rows", **reference}]
            for size in sizes:
                result = fresh("stream", mode, size)
                rows.append({"run": f"partial_fit stream, {size:,} rows", **result})
            table = pd.DataFrame(rows).set_index("run")
            table["rows/s vs in-memory"] = table["rows/s"] / reference["rows/s"]
            smallest = table.loc[f"partial_fit stream, {min(sizes):,} rows"]
            table["peak RSS vs smallest stream"] = (
                table["peak RSS MB"] / smallest["peak RSS MB"]
            )
            print(f"\nmode: {mode}\n")
            print(table.drop(columns="rows").to_markdown(floatfmt=".3g"))


if __name__ == "__main__":
    main()
