"""WideDeepRegressor: the regression face of the shared core."""

import numpy as np
from sklearn.base import RegressorMixin

from .._common._compat import StrOptions, _fit_context
from .._common._docstrings import fill_docstring
from ._base import BaseWideDeep
from ._persistence import register_estimator
from ._targets import LOSSES, NumericTarget

MAX_LOG_RATE = 700.0
"""Largest log rate ``loss="poisson"`` predicts: ``exp(700)`` is about 1e304."""


@register_estimator
@fill_docstring
class WideDeepRegressor(RegressorMixin, BaseWideDeep):
    r"""Wide & Deep regressor: a linear model and a neural network, trained jointly.

    The same model as :class:`WideDeepClassifier` — a wide linear part over
    one-hot and cross-product features, a deep part over embeddings and
    scaled numbers, their outputs summed — predicting a number: a rating, a
    dwell time, a revenue, a count. The target is scaled inside, so that the
    learning rates do not depend on its units: for ``"squared_error"``,
    ``"absolute_error"`` and ``"huber"`` the network predicts the
    standardized target ``(y - mean) / std``; for ``"poisson"`` it predicts
    the logarithm of ``y / mean``. Predictions are in the original units.

    Parameters
    ----------
    %(model_parameters)s
    loss : str, default="squared_error"
        ``"squared_error"``, ``"absolute_error"``, ``"huber"`` or
        ``"poisson"``: the loss, in the words of
        :class:`~sklearn.ensemble.HistGradientBoostingRegressor`:
        ``"squared_error"`` predicts the mean, ``"absolute_error"`` the
        median; ``"huber"`` is squared within one standard deviation of the
        target and absolute beyond (robust to outliers); ``"poisson"`` (log
        link) is for counts and rates, which are never negative, and
        predicts positive numbers.
    %(training_parameters)s

    Attributes
    ----------
    target_offset_ : float
        The (weighted) mean of the training target, subtracted before
        training; 0 for ``"poisson"``.
    target_scale_ : float
        The unit of the network's target: the (weighted) standard deviation
        of the training target (when it is constant, its absolute value, or
        1 for a target of zeros), or its mean for ``"poisson"``.
    %(fitted_attributes)s

    See Also
    --------
    WideDeepClassifier : The same model for class labels.
    sklearn.neural_network.MLPRegressor : A deep-only network on numbers.
    sklearn.ensemble.HistGradientBoostingRegressor : Gradient boosting.

    Notes
    -----
    With ``f`` the sum of the wide and deep parts' outputs and ``b`` the
    bias, as in Cheng et al. [1]_,

    .. math::

        \hat y = \mu + \sigma\,(\mathbf{w}_{wide}^T [\mathbf{x},
        \phi(\mathbf{x})] + \mathbf{w}_{deep}^T a^{(l_f)} + b)

    (``target_offset_`` :math:`\mu`, ``target_scale_`` :math:`\sigma`), and
    :math:`\hat y = \sigma \exp(\ldots)` for ``"poisson"``.

    References
    ----------
    %(paper_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from sk_widedeep import WideDeepRegressor
    >>> from sk_widedeep.datasets import make_app_installs
    >>> X, _ = make_app_installs(n_samples=2000, random_state=0)
    >>> y = 2.0 * X["age"] + np.where(X["device"] == "phone", 10.0, 0.0)
    >>> reg = WideDeepRegressor(hidden_units=(32,), max_epochs=2, random_state=0)
    >>> reg.fit(X, y).predict(X.head(3)).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseWideDeep._parameter_constraints,
        "loss": [StrOptions(set(LOSSES))],
    }

    def __init__(
        self,
        *,
        wide="auto",
        deep="auto",
        hidden_units=(128, 64),
        dropout=0.0,
        n_members=1,
        wide_optimizer="ftrl",
        wide_lr="auto",
        wide_l1=0.0,
        wide_l2=0.0,
        deep_optimizer="adam",
        deep_lr="auto",
        deep_l2=3e-4,
        loss="squared_error",
        batch_size=256,
        max_epochs=50,
        early_stopping="auto",
        validation_fraction="auto",
        n_iter_no_change=5,
        tol=2e-3,
        device="auto",
        n_jobs=None,
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        data_parallel=False,
    ):
        self.wide = wide
        self.deep = deep
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.n_members = n_members
        self.wide_optimizer = wide_optimizer
        self.wide_lr = wide_lr
        self.wide_l1 = wide_l1
        self.wide_l2 = wide_l2
        self.deep_optimizer = deep_optimizer
        self.deep_lr = deep_lr
        self.deep_l2 = deep_l2
        self.loss = loss
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.data_parallel = data_parallel

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit both transformers and the target's scaling, then train the network.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data: strings, numbers, booleans, categoricals, with
            missing values allowed.
        y : array-like of shape (n_samples,)
            The target: finite numbers (at least 0 for ``loss="poisson"``).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row in the loss (normalized to a mean of 1) and in
            the target's mean and standard deviation.

        Returns
        -------
        self : object
            Fitted regressor.
        """
        return self._fit(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=False)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one more epoch on (X, y).

        The first call fits the transformers and the target's scaling on
        this chunk (they stay fixed afterwards); later calls continue
        training from the current weights.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data.
        y : array-like of shape (n_samples,)
            The target.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row in the loss.

        Returns
        -------
        self : object
            The regressor, trained one more epoch.
        """
        return self._partial_fit(X, y, sample_weight)

    # The target's part of a fit (see BaseWideDeep).

    def _target(self):
        return NumericTarget(
            self.loss,
            getattr(self, "target_offset_", None),
            getattr(self, "target_scale_", None),
        )

    # Predictions.

    def predict(self, X):
        """Predict the target of each row, in the units of the training target.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data, with the columns seen in fit. Unknown categories and
            missing values are allowed.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The predictions: means for ``"squared_error"``, medians for
            ``"absolute_error"``, positive rates for ``"poisson"``.
        """
        output = self._logits(X)[:, 0]
        if self.loss == "poisson":
            return self.target_scale_ * np.exp(np.minimum(output, MAX_LOG_RATE))
        return self.target_offset_ + self.target_scale_ * output
