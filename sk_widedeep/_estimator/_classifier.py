"""WideDeepClassifier: the classification face of the shared core."""

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin
from sklearn.utils.validation import column_or_1d

from .._common._compat import StrOptions, _fit_context
from .._common._docstrings import fill_docstring
from ._base import BaseWideDeep
from ._persistence import register_estimator
from ._targets import ClassTarget


@register_estimator
@fill_docstring
class WideDeepClassifier(ClassifierMixin, BaseWideDeep):
    r"""Wide & Deep classifier: a linear model and a neural network, trained jointly.

    The wide part is a linear model over sparse one-hot and cross-product
    features (:class:`CrossProductTransformer`): it memorizes which value
    combinations go with which class. The deep part embeds categorical
    columns and feeds them, with the scaled continuous columns
    (:class:`EmbeddingEncoder`), through ReLU layers: it generalizes to
    combinations never seen. Their logits are summed and one log loss trains
    both at once.

    The two transformers are parameters, so they are tuned like any nested
    estimator (``wide__crosses``, ``deep__embedding_dim``). ``wide=None``
    gives the deep-only model and ``deep=None`` the wide-only model.
    Training runs a `skorch <https://skorch.readthedocs.io>`_ net built in
    :meth:`fit` (``net_``) on ``device``.

    Parameters
    ----------
    %(model_parameters)s
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss: a dict from label to weight, or
        ``"balanced"``, ``n_samples / (n_classes * np.bincount(y))``. They
        multiply ``sample_weight``.
    %(training_parameters)s
    temperature_scaling : bool, default=True
        With early stopping's validation rows, fit a temperature ``T`` at
        the end of every epoch (the one number that minimizes the validation
        log loss of ``logits / T``), choose the epoch on that calibrated
        loss, and keep the chosen epoch's ``T``: :meth:`predict_proba` is
        ``sigmoid(logits / T)`` (``softmax`` for several classes). Dividing by
        ``T > 0`` keeps the order of the scores, so predictions and binary
        AUC are those of the same weights unscaled; only the confidence
        changes. ``False`` keeps ``T = 1`` and chooses the epoch on the
        plain validation loss, as before. Without validation rows
        (``early_stopping=False``, or ``"auto"`` when the split is
        impossible) there is nothing to fit it on and ``T = 1``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    temperature_ : float
        The temperature ``T`` that divides the logits (1.0 without
        ``temperature_scaling`` or validation rows), in
        ``sk_widedeep._network._calibration.TEMPERATURE_RANGE``: the one of the
        epoch whose weights the model keeps (:meth:`partial_fit` after such a
        fit goes on validating on the same rows).
    %(fitted_attributes)s

    See Also
    --------
    CrossProductTransformer : The wide part's features.
    EmbeddingEncoder : The deep part's features.
    sklearn.neural_network.MLPClassifier : A deep-only network on numbers.

    Notes
    -----
    The model of Cheng et al. [1]_:

    .. math::

        P(Y = 1 | \mathbf{x}) = \sigma\left(\mathbf{w}_{wide}^T
        [\mathbf{x}, \phi(\mathbf{x})] + \mathbf{w}_{deep}^T a^{(l_f)}
        + b\right)

    where :math:`\phi(\mathbf{x})` are the cross-product features and
    :math:`a^{(l_f)}` the last hidden layer. With more than two classes the
    sigmoid becomes a softmax over one logit per class.

    References
    ----------
    %(paper_reference)s

    Examples
    --------
    >>> from sk_widedeep import WideDeepClassifier
    >>> from sk_widedeep.datasets import make_app_installs
    >>> X, y = make_app_installs(n_samples=2000, random_state=0)
    >>> clf = WideDeepClassifier(hidden_units=(32,), max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X.head(3)).shape
    (3, 2)
    """

    _parameter_constraints: dict = {
        **BaseWideDeep._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "temperature_scaling": ["boolean"],
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
        class_weight=None,
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
        temperature_scaling=True,
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
        self.class_weight = class_weight
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
        self.temperature_scaling = temperature_scaling

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit both transformers, then train the network.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data: strings, numbers, booleans, categoricals, with
            missing values allowed.
        y : array-like of shape (n_samples,)
            Class labels of any type.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row in the loss (normalized to a mean of 1).

        Returns
        -------
        self : object
            Fitted classifier.
        """
        return self._fit(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=False)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one more epoch on (X, y).

        The first call fits the transformers on this X (their vocabularies
        and scaling stay fixed afterwards) and needs ``classes``; later calls
        continue training from the current weights.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data.
        y : array-like of shape (n_samples,)
            Class labels, all of them in ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every class of the problem; required on the first call only.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row in the loss.

        Returns
        -------
        self : object
            The classifier, trained one more epoch.
        """
        if isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' needs every label at once, which "
                "partial_fit does not see; pass class_weight as a dict of weights."
            )
        if classes is None and not hasattr(self, "net_"):
            raise ValueError(
                "classes must be passed on the first call to partial_fit: every "
                "class the model will see, e.g. classes=np.unique(y_all)."
            )
        classes = None if classes is None else column_or_1d(classes)
        return self._partial_fit(X, y, sample_weight, target_spec=classes)

    # The target's part of a fit (see BaseWideDeep).

    def _target(self):
        return ClassTarget(self.class_weight, getattr(self, "classes_", None))

    def _scales_temperature(self):
        return self.temperature_scaling

    def _keep_temperature(self, best_row, *, fit_anew):
        if best_row is not None and "temperature" in best_row:
            self.temperature_ = float(best_row["temperature"])
        elif fit_anew:
            self.temperature_ = 1.0

    # Predictions.

    def _logits(self, X):
        """Return the network's logits divided by the fitted temperature."""
        return super()._logits(X) / np.float32(getattr(self, "temperature_", 1.0))

    def decision_function(self, X):
        """Compute the logits: the log-odds of the positive class if binary.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data, with the columns seen in fit.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            One logit per row for two classes (positive: ``classes_[1]``),
            else one per class.
        """
        logits = self._logits(X)
        return logits[:, 0] if logits.shape[1] == 1 else logits

    def predict_proba(self, X):
        """Predict the probability of each class.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data, with the columns seen in fit. Unknown categories and
            missing values are allowed.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``; rows sum to 1.
        """
        logits = self._logits(X)
        if logits.shape[1] == 1:
            positive = expit(logits[:, 0])
            return np.column_stack([1.0 - positive, positive])
        return softmax(logits, axis=1)

    def predict(self, X):
        """Predict the most probable class of each row.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The raw data, with the columns seen in fit.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]
