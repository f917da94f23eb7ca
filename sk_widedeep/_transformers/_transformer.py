"""What the two transformers share, and how they feed the network directly.

:class:`CrossProductTransformer` and :class:`EmbeddingEncoder` differ in
what they learn from the columns and in what they output; the rest — the
scikit-learn methods, the checks of X, the tags — is here, once.

The network protocol
--------------------
A transformer can hand the network its arrays without building its public
output (a one-hot matrix, a float matrix) first. It declares the part it
feeds in ``__widedeep_part__`` (``"wide"`` or ``"deep"``) and implements:

``__widedeep_fit__(X, columns)``
    Fit on X (validated by the estimator; ``columns`` its
    :class:`~._columns.Columns`) and return X's arrays: a dict keyed by
    the network's input names (``wide_indices``; ``categorical``,
    ``continuous``).
``__widedeep_arrays__(columns)``
    The same arrays for an X already validated against the fit.
``__widedeep_keys__()``
    The exact keys warm start matches weights by: for the wide part, one
    per output slot; for the deep part, one list per embedded input.
``__widedeep_unseen__()`` (optional)
    The unseen slots and the value slots of their blocks: ``(unseen slot,
    first value slot, stop)`` in the wide part's output positions, or
    ``(embedded input, first value code, stop)`` for the deep part (unseen
    code 0). After :meth:`fit`, an unseen slot that no training row reached
    is given the row-weighted mean of its block's values
    (:meth:`._module.WideDeepModule.average_unseen`).
``__widedeep_text_columns__()``
    The columns that held strings in fit (the command line reads them as
    text).
``__widedeep_values__(j)`` (the deep part)
    The value of each code of embedded input ``j``, for
    :meth:`~sk_widedeep.WideDeepClassifier.embeddings`.
``__widedeep_layout__()`` (the deep part)
    What the network needs to know of the arrays besides their widths:
    the codes and embedding size of each single-valued and each
    multi-valued embedded input, the multi-valued inputs' ``combiner``, and
    ``n_periodic``, how many leading ``continuous`` inputs are numbers to
    embed periodically (:func:`._module.network_params` reads it).

The estimators use these names only: no private attribute of a transformer
is read from outside its own module. A transformer without the protocol is
used through its public ``fit_transform`` / ``transform``.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._coding._columns import Columns, check_input
from .._coding._hashing import check_hashing
from .._common._compat import _fit_context


class ColumnEncoder(TransformerMixin, BaseEstimator):
    """Base of the two transformers: fit, transform and the network protocol.

    Subclasses implement ``_fit(X, columns, dtype)`` (learn from the
    columns and return their encoding), ``_encode(columns, dtype)`` (the
    encoding of validated columns),
    ``_output(encoding)`` (the public output), ``_arrays(encoding)`` (the
    network's arrays) and ``__widedeep_keys__``; they have ``min_frequency``
    and ``hash_buckets`` parameters.
    """

    __widedeep_part__ = None

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the encoding of every column from X.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data: strings, numbers, booleans, categoricals, with
            missing values allowed.
        y : None
            Ignored. This parameter exists only for compatibility with
            :class:`~sklearn.pipeline.Pipeline`.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        self._fit_encode(X, None, np.float64)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit to X and encode it, reading each column once.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data.
        y : None
            Ignored. This parameter exists only for compatibility with
            :class:`~sklearn.pipeline.Pipeline`.

        Returns
        -------
        Xt : {sparse matrix, ndarray} of shape (n_samples, n_features_out)
            The same as ``fit(X).transform(X)``.
        """
        return self._output(self._fit_encode(X, None, np.float64))

    def transform(self, X):
        """Encode X with what fit learned.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data, with the columns seen in fit. Unknown categories
            and missing values are allowed.

        Returns
        -------
        Xt : {sparse matrix, ndarray} of shape (n_samples, n_features_out)
            The encoding (see the class's description).
        """
        check_is_fitted(self)
        X = check_input(self, X, reset=False)
        return self._output(self._encode(Columns(X), np.float64))

    def _fit_encode(self, X, columns, dtype):
        """Fit on X and return its encoding; ``columns`` may hold X's columns."""
        check_hashing(self.min_frequency, self.hash_buckets)
        X = check_input(self, X, reset=True)
        columns = Columns(X) if columns is None else columns
        return self._fit(X, columns, dtype)

    @_fit_context(prefer_skip_nested_validation=True)
    def __widedeep_fit__(self, X, columns):
        """Fit on X and return the network's arrays of X (see the module)."""
        return self._arrays(self._fit_encode(X, columns, np.float32))

    def __widedeep_arrays__(self, columns):
        """Return the network's arrays of an X validated against this fit."""
        return self._arrays(self._encode(columns, np.float32))

    def __widedeep_text_columns__(self):
        """Return the columns that held strings in fit."""
        return [c.column for c in self._coders if getattr(c, "kind", None) == "string"]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = []
        return tags
