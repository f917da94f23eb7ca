"""WideDeepClassifier: the scikit-learn face of the model."""

import copy
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from ._columns import Columns, check_input, check_sample_weight
from ._compat import HasMethods, Interval, StrOptions, _fit_context
from ._cross_product import CrossProductTransformer
from ._embedding import EmbeddingEncoder
from ._net import (
    TensorDataset,
    make_net,
    predict_logits,
    resolve_device,
    seeded,
    training_tensors,
)


class WideDeepClassifier(ClassifierMixin, BaseEstimator):
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
    wide : transformer, "auto" or None, default="auto"
        Features of the wide part. ``"auto"`` is ``CrossProductTransformer()``
        (one-hot of the categorical columns, no crosses); another transformer
        is used through its (sparse or dense) output; ``None`` disables the
        wide part.
    deep : transformer, "auto" or None, default="auto"
        Features of the deep part. ``"auto"`` is ``EmbeddingEncoder()``
        (roles from dtypes); another transformer's output is used as
        continuous inputs; ``None`` disables the deep part.
    hidden_units : tuple of int, default=(256, 128)
        Width of each ReLU layer of the deep part (the paper: 1024, 512, 256).
    dropout : float, default=0.0
        Dropout probability after each ReLU layer.
    lr : float, default=1e-3
        Learning rate of the Adam optimizer.
    batch_size : int, default=256
        Rows per mini-batch.
    max_epochs : int, default=10
        Number of passes over the training data (at most, with early
        stopping).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (stratified), stop when
        the validation loss has not improved for ``n_iter_no_change`` epochs,
        and restore the weights of the best epoch. When False, every row is
        used for training.
    validation_fraction : float, default=0.1
        Share of the rows held out when ``early_stopping=True``.
    n_iter_no_change : int, default=3
        Epochs without improvement of the validation loss before stopping.
    device : str, default="auto"
        Torch device to train and predict on: ``"auto"`` uses CUDA when
        available, else the CPU; or ``"cpu"``, ``"cuda"``, ``"cuda:1"``...
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialization, the shuffling, dropout and the
        validation split. An int gives the same model on the same machine at
        every fit; the global random state of torch is left untouched.
    verbose : int, default=0
        0 is silent; 1 prints a line per epoch (skorch's log).
    callbacks : list of skorch callbacks or None, default=None
        Extra :mod:`skorch.callbacks` (instances or ``(name, callback)``
        pairs), copied at each fit.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    wide_ : transformer or None
        The fitted wide transformer.
    deep_ : transformer or None
        The fitted deep transformer.
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the
        :class:`torch.nn.Module` and ``net_.history`` the training history.
    device_ : str
        The device the model was trained on.
    n_iter_ : int
        Number of epochs run, over all calls to fit and partial_fit.
    loss_curve_ : list of float
        Training loss of each epoch.
    validation_loss_curve_ : list of float or None
        Validation loss of each epoch when ``early_stopping=True``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has feature
        names that are all strings.

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
    .. [1] H.-T. Cheng et al., "Wide & Deep Learning for Recommender Systems",
       DLRS 2016, :arxiv:`1606.07792`.

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
        "wide": [HasMethods(["fit", "transform"]), StrOptions({"auto"}), None],
        "deep": [HasMethods(["fit", "transform"]), StrOptions({"auto"}), None],
        "hidden_units": [list, tuple],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
    }

    def __init__(
        self,
        *,
        wide="auto",
        deep="auto",
        hidden_units=(256, 128),
        dropout=0.0,
        lr=1e-3,
        batch_size=256,
        max_epochs=10,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=3,
        device="auto",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.wide = wide
        self.deep = deep
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit both transformers, then train the network for ``max_epochs``.

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
        return self._fit_new(X, y, sample_weight, classes=None, epochs=self.max_epochs)

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
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not hold out validation rows: set "
                "early_stopping=False, or use fit."
            )
        if not hasattr(self, "net_"):
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit: every "
                    "class the model will see, e.g. classes=np.unique(y_all)."
                )
            return self._fit_new(X, y, sample_weight, classes=classes, epochs=1)
        X = check_input(self, X, reset=False)
        y_codes, weight = self._check_targets(X, y, sample_weight, encode_only=True)
        inputs = self._inputs(X)
        self._train(self.net_, inputs, y_codes, weight, epochs=1)
        return self

    def _fit_new(self, X, y, sample_weight, *, classes, epochs):
        X = check_input(self, X, reset=True)
        if classes is not None:
            self._label_encoder = LabelEncoder().fit(column_or_1d(classes))
            self.classes_ = self._label_encoder.classes_
            y_codes, weight = self._check_targets(X, y, sample_weight, encode_only=True)
        else:
            y_codes, weight = self._check_targets(
                X, y, sample_weight, encode_only=False
            )
        hidden_units = self._check_hidden_units()
        inputs = self._fit_parts(X)

        self.device_ = resolve_device(self.device)
        self._seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        valid_data = None
        if self.early_stopping:
            rows, valid_rows = self._validation_split(y_codes)
            valid_data = self._dataset(inputs, y_codes, weight, valid_rows)
            inputs = {k: v[rows] for k, v in inputs.items()}
            y_codes = y_codes[rows]
            weight = None if weight is None else weight[rows]

        net = make_net(
            module_params=self._module_params(inputs, hidden_units),
            n_outputs=1 if len(self.classes_) == 2 else len(self.classes_),
            lr=self.lr,
            batch_size=self.batch_size,
            device=self.device_,
            random_seed=self._seed,
            callbacks=copy.deepcopy(self.callbacks) or [],
            valid_data=valid_data,
            n_iter_no_change=self.n_iter_no_change,
            verbose=self.verbose,
        )
        with seeded(self._seed, self.device_):
            net.initialize()
        self._train(net, inputs, y_codes, weight, epochs=epochs)
        self.net_ = net
        return self

    def _validation_split(self, y_codes):
        """Stratified (train rows, validation rows) for early stopping."""
        try:
            return train_test_split(
                np.arange(len(y_codes)),
                test_size=self.validation_fraction,
                stratify=y_codes,
                random_state=self._seed,
            )
        except ValueError as exc:
            raise ValueError(
                f"early_stopping=True holds out validation_fraction="
                f"{self.validation_fraction} of the rows, stratified by class, but "
                f"that split is impossible here: {exc} Give more rows per class, a "
                "larger validation_fraction, or set early_stopping=False."
            ) from exc

    def _check_hidden_units(self):
        hidden_units = tuple(self.hidden_units)
        if not all(isinstance(u, Integral) and u >= 1 for u in hidden_units):
            raise ValueError(
                f"hidden_units must be a tuple of positive ints, e.g. (256, 128); got "
                f"{self.hidden_units!r}."
            )
        return tuple(int(u) for u in hidden_units)

    def _check_targets(self, X, y, sample_weight, *, encode_only):
        """Labels as int64 codes (fitting classes_ unless encode_only)."""
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        check_classification_targets(y)
        if encode_only:
            unknown = np.setdiff1d(y, self.classes_)
            if unknown.size:
                raise ValueError(
                    f"y holds labels {unknown.tolist()} that are not in classes_ "
                    f"{self.classes_.tolist()}; pass every class in the first "
                    "partial_fit call."
                )
        else:
            self._label_encoder = LabelEncoder().fit(y)
            self.classes_ = self._label_encoder.classes_
        y_codes = self._label_encoder.transform(y).astype(np.int64)
        weight = None
        if sample_weight is not None:
            weight = check_sample_weight(sample_weight, len(y_codes))
            weight = weight / weight.mean()
        present = np.unique(y_codes if weight is None else y_codes[weight > 0])
        if not encode_only and len(present) < 2:
            raise ValueError(
                "WideDeepClassifier needs samples of at least 2 classes in the data "
                f"(with non-zero weight), but the data contains only one class: "
                f"{self.classes_[present].tolist()}."
            )
        return y_codes, weight

    def _fit_parts(self, X):
        """Fit clones of ``wide`` and ``deep`` on X; return the network's inputs."""
        wide = CrossProductTransformer() if self.wide == "auto" else self.wide
        deep = EmbeddingEncoder() if self.deep == "auto" else self.deep
        if wide is None and deep is None:
            raise ValueError(
                "wide and deep are both None: keep at least one part of the model."
            )
        self.wide_ = None if wide is None else clone(wide)
        self.deep_ = None if deep is None else clone(deep)
        return self._inputs(X, fit=True)

    def _inputs(self, X, *, fit=False):
        """Build the network's input arrays for X (already validated).

        With ``fit=True``, the transformers are fitted on X on the way, and
        the width of the wide input is recorded.
        """
        columns = Columns(X)
        inputs = {}
        if isinstance(self.wide_, CrossProductTransformer):
            wide = self.wide_
            inputs["wide_indices"] = (
                wide._fit_encode(X, columns) if fit else wide._encode(columns)
            )
            n_wide = wide.n_output_features_
        elif self.wide_ is not None:
            Xt = self.wide_.fit_transform(X) if fit else self.wide_.transform(X)
            inputs["wide_indices"], inputs["wide_values"] = _padded_sparse(Xt)
            n_wide = Xt.shape[1]
        else:
            n_wide = 0
        if fit:
            self._n_wide = n_wide
        if isinstance(self.deep_, EmbeddingEncoder):
            deep = self.deep_
            codes, continuous = (
                deep._fit_encode(X, columns) if fit else deep._encode(columns)
            )
            if codes.shape[1]:
                inputs["categorical"] = codes
            if continuous.shape[1]:
                inputs["continuous"] = continuous
        elif self.deep_ is not None:
            Xt = self.deep_.fit_transform(X) if fit else self.deep_.transform(X)
            inputs["continuous"] = _dense_float32(Xt)
        return inputs

    def _module_params(self, inputs, hidden_units):
        cardinalities = embedding_dims = ()
        if isinstance(self.deep_, EmbeddingEncoder):
            cardinalities = tuple(self.deep_.cardinalities_.tolist())
            embedding_dims = tuple(self.deep_.embedding_dims_.tolist())
        n_continuous = inputs["continuous"].shape[1] if "continuous" in inputs else 0
        return {
            "n_wide": self._n_wide,
            "cardinalities": cardinalities,
            "embedding_dims": embedding_dims,
            "n_continuous": n_continuous,
            "hidden_units": hidden_units,
            "dropout": self.dropout,
        }

    def _dataset(self, inputs, y_codes, weight, rows=slice(None)):
        arrays = {k: v[rows] for k, v in inputs.items()}
        if weight is not None:
            arrays["sample_weight"] = weight[rows].astype(np.float32)
        target = y_codes[rows]
        if len(self.classes_) == 2:
            target = target.astype(np.float32)
        tensors = training_tensors({**arrays, "target": target}, self.device_)
        return TensorDataset(tensors, tensors.pop("target"))

    def _train(self, net, inputs, y_codes, weight, *, epochs):
        data = self._dataset(inputs, y_codes, weight)
        with seeded(self._seed, self.device_):
            net.partial_fit(data, epochs=epochs)
        net.module_.eval()
        history = net.history
        self.n_iter_ = len(history)
        self.loss_curve_ = [float(v) for v in history[:, "train_loss"]]
        self.validation_loss_curve_ = None
        if self.early_stopping:
            self.validation_loss_curve_ = [float(v) for v in history[:, "valid_loss"]]

    def _logits(self, X):
        check_is_fitted(self)
        X = check_input(self, X, reset=False)
        return predict_logits(self.net_.module_, self._inputs(X))

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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        return tags


def _padded_sparse(Xt):
    """Convert a (sparse or dense) matrix to fixed-width (indices, values) rows.

    Rows with fewer non-zeros are padded with index 0 and value 0, which adds
    nothing to the embedding-bag sum.
    """
    Xt = sp.csr_matrix(Xt)
    if not np.isfinite(Xt.data).all():
        raise ValueError(
            "The wide transformer's output holds NaN or infinite values; impute "
            "or drop them before the wide part."
        )
    counts = np.diff(Xt.indptr)
    width = max(int(counts.max(initial=0)), 1)
    rows = np.repeat(np.arange(Xt.shape[0]), counts)
    slots = np.arange(Xt.nnz) - Xt.indptr[rows]
    indices = np.zeros((Xt.shape[0], width), dtype=np.int64)
    values = np.zeros((Xt.shape[0], width), dtype=np.float32)
    indices[rows, slots] = Xt.indices
    values[rows, slots] = Xt.data
    return indices, values


def _dense_float32(Xt):
    """Convert a transformer's output to a finite float32 array."""
    Xt = Xt.toarray() if sp.issparse(Xt) else np.asarray(Xt)
    Xt = Xt.astype(np.float32)
    if not np.isfinite(Xt).all():
        raise ValueError(
            "The deep transformer's output holds NaN or infinite values; impute "
            "them first (e.g. with sklearn.impute.SimpleImputer in a pipeline)."
        )
    return Xt
