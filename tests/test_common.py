"""scikit-learn's common estimator checks, on small fast instances."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_widedeep import (
    CrossProductTransformer,
    EmbeddingEncoder,
    WideDeepClassifier,
    WideDeepRegressor,
)

# Small instances: the checks fit dozens of times on a few hundred rows.
INSTANCES = [
    CrossProductTransformer(),
    CrossProductTransformer(n_bins=None, min_frequency=2, sparse_output=False),
    CrossProductTransformer(n_bins=None, hash_buckets=16),
    EmbeddingEncoder(),
    EmbeddingEncoder(scaling="standard", embedding_dim=4),
    EmbeddingEncoder(categorical=[0], hash_buckets=16),
    WideDeepClassifier(
        hidden_units=(16,), max_epochs=20, batch_size=32, deep_lr=0.01, random_state=0
    ),
    WideDeepClassifier(
        wide=None,
        hidden_units=(16, 8),
        dropout=0.1,
        max_epochs=20,
        batch_size=32,
        deep_lr=0.01,
        random_state=0,
    ),
    WideDeepRegressor(
        hidden_units=(16,), max_epochs=20, batch_size=32, deep_lr=0.01, random_state=0
    ),
    WideDeepRegressor(
        loss="huber",
        wide=None,
        hidden_units=(16,),
        max_epochs=20,
        batch_size=32,
        deep_lr=0.01,
        random_state=0,
    ),
]

# Every expected failure, with the reason it cannot pass.
SAMPLE_WEIGHT_REASON = (
    "Mini-batch training sees a row of weight 2 once per epoch but a repeated row "
    "twice, in different batches, so the two fits take different gradient steps "
    "and agree only approximately, not to the check's rtol of 1e-7."
)
PER_ESTIMATOR_XFAIL_CHECKS = {
    WideDeepClassifier: {
        "check_sample_weight_equivalence_on_dense_data": SAMPLE_WEIGHT_REASON,
    },
    WideDeepRegressor: {
        "check_sample_weight_equivalence_on_dense_data": SAMPLE_WEIGHT_REASON,
    },
}


def expected_failed_checks(estimator):
    return PER_ESTIMATOR_XFAIL_CHECKS.get(type(estimator), {})


@parametrize_with_checks(INSTANCES, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
