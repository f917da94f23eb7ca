"""The paper's configuration of Wide & Deep, as a ready-made estimator."""

from .._common._docstrings import fill_docstring
from .._transformers._cross_product import CrossProductTransformer
from .._transformers._embedding import EmbeddingEncoder
from ._classifier import WideDeepClassifier


@fill_docstring
def paper_preset(
    *,
    wide_columns="auto",
    crosses=(),
    categorical="auto",
    continuous="auto",
    min_frequency=10,
    **params,
):
    """Make a WideDeepClassifier set up as in Cheng et al. (2016).

    The paper's recipe, in the estimator's terms:

    - vocabularies that keep only values seen at least ``min_frequency``
      times, in both parts (the paper does not give its threshold; 10 is
      ours);
    - continuous columns normalized to [0, 1] by their empirical CDF
      (``scaling="quantile"``), and not embedded;
    - 32-dimensional embeddings;
    - ReLU layers of 1024, 512 and 256 units;
    - FTRL-Proximal with L1 regularization for the wide part
      (``wide_l1=0.1``), AdaGrad (``deep_lr=0.01``) for the deep part, no
      weight decay.

    On our benchmarks it is less accurate than the library's defaults (see
    the quality page of the documentation): those came out of a study on
    validation data, this follows the paper.

    Parameters
    ----------
    wide_columns : "auto" or list of str or int, default="auto"
        ``columns`` of the :class:`CrossProductTransformer`.
    crosses : list of tuples, default=()
        ``crosses`` of the :class:`CrossProductTransformer`.
    categorical : "auto" or list of str or int, default="auto"
        ``categorical`` of the :class:`EmbeddingEncoder`.
    continuous : "auto" or list of str or int, default="auto"
        ``continuous`` of the :class:`EmbeddingEncoder`.
    min_frequency : int or float, default=10
        Minimum count (or fraction of the rows) of a kept value, in both
        transformers.
    **params : dict
        Other :class:`WideDeepClassifier` parameters (``max_epochs``,
        ``random_state``...), which also override the preset's.

    Returns
    -------
    classifier : WideDeepClassifier
        Unfitted.

    See Also
    --------
    WideDeepClassifier : The estimator, with defaults chosen by measurement.

    References
    ----------
    %(paper_reference)s

    Examples
    --------
    >>> from sk_widedeep import paper_preset
    >>> clf = paper_preset(crosses=[("country", "app_id")], random_state=0)
    >>> clf.hidden_units, clf.wide_optimizer, clf.deep_optimizer
    ((1024, 512, 256), 'ftrl', 'adagrad')
    >>> clf.deep.embedding_dim, clf.deep.scaling
    (32, 'quantile')
    """
    preset = {
        "wide": CrossProductTransformer(
            columns=wide_columns, crosses=crosses, min_frequency=min_frequency
        ),
        "deep": EmbeddingEncoder(
            categorical=categorical,
            continuous=continuous,
            embedding_dim=32,
            min_frequency=min_frequency,
            scaling="quantile",
            continuous_encoding="scaled",  # one CDF-scaled value per number
            embed_continuous=False,
        ),
        "hidden_units": (1024, 512, 256),
        "wide_optimizer": "ftrl",
        "wide_l1": 0.1,
        "deep_optimizer": "adagrad",
        "deep_lr": 0.01,
        "deep_l2": 0.0,
    }
    return WideDeepClassifier(**{**preset, **params})
