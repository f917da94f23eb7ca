"""WideDeepClassifier: the scikit-learn face of the model."""

import copy
import hashlib
import pickle
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._columns import Columns, check_input, check_sample_weight, scale_to_max
from ._compat import HasMethods, Interval, StrOptions, _fit_context
from ._cross_product import CrossProductTransformer
from ._distributed import (
    all_gather_objects,
    broadcast_module,
    broadcast_object,
    check_process_group,
    on_every_rank,
)
from ._embedding import EmbeddingEncoder
from ._net import (
    OPTIMIZERS,
    TensorDataset,
    make_net,
    predict_logits,
    resolve_device,
    rollback_on_error,
    torch_threads,
    training_tensors,
)

EARLY_STOPPING_MIN_ROWS = 500
"""``early_stopping="auto"`` is on from this many rows (50 held out at 10%).

On every table of the defaults study, from 640 training rows up, choosing
the epoch on held-out rows gave a lower log loss than any fixed number of
epochs (``docs/quality.rst``).
"""


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
        wide part. A clone is fitted in :meth:`fit`, unless the transformer
        is wrapped in :class:`~sklearn.frozen.FrozenEstimator`: then it is
        used as already fitted (on a sample, say, before streaming chunks
        through :meth:`partial_fit`).
    deep : transformer, "auto" or None, default="auto"
        Features of the deep part. ``"auto"`` is ``EmbeddingEncoder()``
        (roles from dtypes); another transformer's output is used as
        continuous inputs; ``None`` disables the deep part. Fitted or frozen
        as ``wide`` is.
    hidden_units : tuple of int, default=(128, 64)
        Width of each ReLU layer of the deep part (the paper: 1024, 512, 256).
    dropout : float, default=0.0
        Dropout probability after each ReLU layer.
    wide_optimizer : {"ftrl", "adagrad", "adam", "sgd"} or class, default="ftrl"
        Optimizer of the wide part's weights. The named ones update only the
        rows of the features active in a batch (sparse gradients; ``"adam"``
        is then torch's lazy ``SparseAdam``); ``"ftrl"`` is FTRL-Proximal, the
        paper's choice, with L1 and L2 regularization. A
        :class:`torch.optim.Optimizer` class gets dense gradients.
    wide_lr : float or "auto", default="auto"
        Learning rate of the wide optimizer; ``"auto"`` is 0.05 for
        ``"ftrl"``, 0.01 for ``"adagrad"`` and ``"sgd"``, 1e-3 for
        ``"adam"``, and the class's own default for a class.
    wide_l1 : float, default=0.0
        L1 regularization of the wide weights (``"ftrl"`` only): weights of
        rarely useful features become exactly 0.
    wide_l2 : float, default=0.0
        L2 regularization of the wide weights (``"ftrl"``, or an optimizer
        class, as its ``weight_decay``).
    deep_optimizer : {"adam", "adagrad", "sgd", "ftrl"} or class, default="adam"
        Optimizer of the deep part (embeddings and layers) and of the shared
        bias.
    deep_lr : float or "auto", default="auto"
        Learning rate of the deep optimizer; ``"auto"`` as for ``wide_lr``.
    deep_l2 : float, default=3e-4
        L2 regularization (weight decay) of the deep part.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss: a dict from label to weight, or
        ``"balanced"``, ``n_samples / (n_classes * np.bincount(y))``. They
        multiply ``sample_weight``.
    batch_size : int, default=256
        Rows per mini-batch.
    max_epochs : int, default=50
        Number of passes over the training data; with early stopping (the
        default), the most there can be.
    early_stopping : "auto" or bool, default="auto"
        Hold out ``validation_fraction`` of the rows (stratified), stop when
        the validation log loss has not improved for ``n_iter_no_change``
        epochs, and restore the weights of the best epoch. ``"auto"`` turns
        it on when :meth:`fit` gets at least 500 rows and every class has
        rows enough to be split, and off for :meth:`partial_fit`. When off,
        every row is used for training, for exactly ``max_epochs`` epochs.
    validation_fraction : float, default=0.1
        Share of the rows held out when early stopping is on.
    n_iter_no_change : int, default=5
        Epochs without improvement of the validation loss before stopping.
    device : str, default="auto"
        Torch device to train and predict on: ``"auto"`` uses CUDA when
        available, else the CPU; or ``"cpu"``, ``"cuda"``, ``"cuda:1"``...
    n_jobs : int or None, default=None
        Number of CPU threads torch computes with during :meth:`fit`,
        :meth:`partial_fit` and prediction (torch's setting is restored
        after each call). ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; -1 means all cores. On
        idle cores, two threads fit the default model about 1.5 times
        faster than one; but when other processes (``GridSearchCV(n_jobs=2)``
        workers, say) keep the cores busy, torch's threads wait for each
        other and a fit takes 9 to 13 times longer, where one thread takes
        1.2 times; see :ref:`threads`.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialization, the shuffling, dropout and the
        validation split. An int gives the same model on the same machine at
        every fit; the global random state of torch is left untouched.
    verbose : int, default=0
        0 is silent; 1 prints a line per epoch on stdout (training loss,
        validation loss with early stopping, seconds) and says when early
        stopping ends training; 2 adds a progress bar over the batches of
        each epoch on stderr (tqdm), for long epochs.
    callbacks : list of skorch callbacks or None, default=None
        Extra :mod:`skorch.callbacks` (instances or ``(name, callback)``
        pairs), copied at each fit.
    warm_start : bool, default=False
        When fitting again, start from the previous model, as the paper does
        in production: the transformers are refitted on the new data, and
        every wide feature, every embedded value and every layer that the new
        model shares with the previous one keeps its weights; new values start
        fresh. The layer sizes must not change.
    data_parallel : bool, default=False
        Train one model in several processes, each :meth:`fit` (or
        :meth:`partial_fit`) on its own rows: the processes are the ranks of
        :mod:`torch.distributed`'s default process group, initialized before
        (e.g. launched by ``torchrun``). They start from rank 0's weights and
        combine their gradients at every batch, so every rank ends with the
        same model, trained as one process would on the union of the ranks'
        batches (``batch_size`` rows per rank and step). ``wide`` and ``deep``
        must be fitted beforehand, the same on every rank, and wrapped in
        :class:`~sklearn.frozen.FrozenEstimator`. See :ref:`data-parallel`.

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
        :class:`torch.nn.Module` and ``net_.history`` the training history
        (per epoch: skorch's per-batch records are dropped).
    device_ : str
        The device the model was trained on.
    n_iter_ : int
        Number of epochs run, over all calls to fit and partial_fit.
    loss_curve_ : list of float
        Training loss of each epoch.
    validation_loss_curve_ : list of float or None
        Validation loss of each epoch when early stopping was on.
    do_early_stopping_ : bool
        Whether the last :meth:`fit` used early stopping (``"auto"``
        resolved).
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
        "wide_optimizer": [StrOptions(set(OPTIMIZERS)), callable],
        "wide_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "wide_l1": [Interval(Real, 0, None, closed="left")],
        "wide_l2": [Interval(Real, 0, None, closed="left")],
        "deep_optimizer": [StrOptions(set(OPTIMIZERS)), callable],
        "deep_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "deep_l2": [Interval(Real, 0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "device": [str],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
        "data_parallel": ["boolean"],
    }

    def __init__(
        self,
        *,
        wide="auto",
        deep="auto",
        hidden_units=(128, 64),
        dropout=0.0,
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
        validation_fraction=0.1,
        n_iter_no_change=5,
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
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.data_parallel = data_parallel

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
        return self._fit_new(
            X,
            y,
            sample_weight,
            classes=None,
            epochs=self.max_epochs,
            early_stopping=self.early_stopping,
        )

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
        if self.early_stopping is True:
            raise ValueError(
                "partial_fit does not hold out validation rows: set "
                "early_stopping=False (or 'auto', off for partial_fit), or use fit."
            )
        if isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' needs every label at once, which "
                "partial_fit does not see; pass class_weight as a dict of weights."
            )
        if not hasattr(self, "net_"):
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit: every "
                    "class the model will see, e.g. classes=np.unique(y_all)."
                )
            return self._fit_new(
                X, y, sample_weight, classes=classes, epochs=1, early_stopping=False
            )
        if self.data_parallel:
            X, y_codes, weight, inputs = self._shard_inputs(
                X, y, sample_weight, classes=None, first=False
            )
        else:
            X = check_input(self, X, reset=False)
            y_codes, weight = self._check_targets(X, y, sample_weight, encode_only=True)
            inputs = self._inputs(X)
        with rollback_on_error(self.net_):
            self._train(self.net_, inputs, y_codes, weight, epochs=1)
        return self

    def _fit_new(self, X, y, sample_weight, *, classes, epochs, early_stopping):
        """Fit anew; on any error, the estimator is left as it was before."""
        before = self.__dict__.copy()
        try:
            return self._fit_new_unguarded(
                X,
                y,
                sample_weight,
                classes=classes,
                epochs=epochs,
                early_stopping=early_stopping,
            )
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit_new_unguarded(
        self, X, y, sample_weight, *, classes, epochs, early_stopping
    ):
        previous = None
        if self.warm_start and hasattr(self, "net_"):
            previous = (self.wide_, self.deep_, self.net_.module_, self.classes_)
        if self.data_parallel:
            hidden_units = self._check_hidden_units()
            X, y_codes, weight, inputs = self._shard_inputs(
                X, y, sample_weight, classes=classes, first=True
            )  # the device checked on every rank, before the data
            self.device_ = resolve_device(self.device)
        else:
            # before any work: a device this torch lacks fails at once
            self.device_ = resolve_device(self.device)
            X = check_input(self, X, reset=True)
            if classes is not None:
                self._label_encoder = LabelEncoder().fit(column_or_1d(classes))
                self.classes_ = self._label_encoder.classes_
                y_codes, weight = self._check_targets(
                    X, y, sample_weight, encode_only=True
                )
            else:
                y_codes, weight = self._check_targets(
                    X, y, sample_weight, encode_only=False
                )
            hidden_units = self._check_hidden_units()
            inputs = self._fit_parts(X)

        self._seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        if self.data_parallel:  # one seed, rank 0's, even for random_state=None
            self._seed = broadcast_object(self._seed)
        rows = None
        if early_stopping == "auto" and self.data_parallel:
            # rank 0's rows decide, for every rank
            early_stopping = broadcast_object(len(y_codes) >= EARLY_STOPPING_MIN_ROWS)
        elif early_stopping == "auto":
            if len(y_codes) >= EARLY_STOPPING_MIN_ROWS:
                rows = self._validation_split(y_codes, required=False)
            early_stopping = rows is not None
        self.do_early_stopping_ = early_stopping
        valid_data = None
        if early_stopping:
            split = lambda: self._validation_split(y_codes)
            if rows is None:
                rows = on_every_rank(split) if self.data_parallel else split()
            rows, valid_rows = rows
            valid_data = self._dataset(inputs, y_codes, weight, valid_rows)
            inputs = {k: v[rows] for k, v in inputs.items()}
            y_codes = y_codes[rows]
            weight = None if weight is None else weight[rows]

        self._module_kwargs = self._module_params(inputs, hidden_units)
        net = self._make_net(valid_data)
        if previous is not None:
            self._load_shared_weights(*previous, module=net.module_)
        if self.data_parallel:
            broadcast_module(net.module_)  # every rank starts from rank 0's weights
        self._train(net, inputs, y_codes, weight, epochs=epochs)
        self.net_ = net
        return self

    def _make_net(self, valid_data=None):
        """Build and initialize the skorch net for the fitted inputs."""
        net = make_net(
            module_params=self._module_kwargs,
            n_outputs=1 if len(self.classes_) == 2 else len(self.classes_),
            wide_optimizer=(
                self.wide_optimizer,
                self.wide_lr,
                self.wide_l1,
                self.wide_l2,
            ),
            deep_optimizer=(self.deep_optimizer, self.deep_lr, 0.0, self.deep_l2),
            batch_size=self.batch_size,
            device=self.device_,
            random_seed=self._seed,
            callbacks=copy.deepcopy(self.callbacks) or [],
            valid_data=valid_data,
            n_iter_no_change=self.n_iter_no_change,
            verbose=self.verbose,
            data_parallel=self.data_parallel,
        )
        net.initialize()  # the weights drawn from a generator seeded by _seed
        return net

    def _load_shared_weights(self, old_wide, old_deep, old_module, old_classes, module):
        """Start from the previous model wherever the new one shares its weights.

        Wide weights are matched by column and exact value (or bucket
        bounds), embeddings by column and exact value, the first layer's
        inputs by name; the other layers must have the same shapes. A hashed
        slot or code (``hash_buckets``) is matched only under the same
        ``hash_buckets``, where it holds the same values.
        """
        if not np.array_equal(old_classes, self.classes_):
            raise ValueError(
                f"warm_start keeps the output layer, but the classes changed from "
                f"{old_classes.tolist()} to {self.classes_.tolist()}; set "
                "warm_start=False."
            )
        wide_rows = None
        if self.wide_ is not None and old_wide is not None:
            wide_rows = _matches(_wide_keys(old_wide), _wide_keys(self.wide_))
        embedding_rows = {}
        if isinstance(self.deep_, EmbeddingEncoder) and isinstance(
            old_deep, EmbeddingEncoder
        ):
            old_inputs = old_deep.embedded_features_
            for j, name in enumerate(self.deep_.embedded_features_):
                if name not in old_inputs:
                    continue
                i = old_inputs.index(name)
                if old_deep.embedding_dims_[i] == self.deep_.embedding_dims_[j]:
                    embedding_rows[j] = (
                        i,
                        _matches(
                            old_deep._coders[i].exact_keys,
                            self.deep_._coders[j].exact_keys,
                        ),
                    )
        periodic_columns = None
        if _periodic(self.deep_) and _periodic(old_deep):
            periodic_columns = _matches(
                old_deep.continuous_columns_, self.deep_.continuous_columns_
            )
        input_columns = None
        if self.deep_ is not None and old_deep is not None:
            input_columns = _matches(
                _deep_input_names(old_deep, old_module),
                _deep_input_names(self.deep_, module),
            )
        try:
            module.load_shared(
                old_module,
                wide_rows=wide_rows,
                embedding_rows=embedding_rows,
                input_columns=input_columns,
                periodic_columns=periodic_columns,
            )
        except ValueError as exc:
            raise ValueError(
                f"warm_start keeps the layers of the previous fit, but {exc} Keep "
                "hidden_units as they were, or set warm_start=False."
            ) from exc

    def _validation_split(self, y_codes, required=True):
        """Stratified (train rows, validation rows) for early stopping.

        When the split is impossible (a class with too few rows), raise, or
        return None unless ``required``.
        """
        try:
            return train_test_split(
                np.arange(len(y_codes)),
                test_size=self.validation_fraction,
                stratify=y_codes,
                random_state=self._seed,
            )
        except ValueError as exc:
            if not required:
                return None
            raise ValueError(
                f"early_stopping={self.early_stopping!r} holds out validation_fraction="
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

    def _check_known_labels(self, labels):
        """Refuse labels that are not in ``classes_``."""
        unknown = np.setdiff1d(labels, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y holds labels {unknown.tolist()} that are not in classes_ "
                f"{self.classes_.tolist()}; pass every class in the first "
                "partial_fit call."
            )

    def _check_targets(self, X, y, sample_weight, *, encode_only):
        """Labels as int64 codes (fitting classes_ unless encode_only)."""
        y = self._check_labels(X, y)
        if encode_only:
            self._check_known_labels(y)
        else:
            self._label_encoder = LabelEncoder().fit(y)
            self.classes_ = self._label_encoder.classes_
        y_codes = self._label_encoder.transform(y).astype(np.int64)
        weight = None
        if sample_weight is not None:
            weight = scale_to_max(check_sample_weight(sample_weight, len(y_codes)))
        if self.class_weight is not None:
            per_class = scale_to_max(compute_sample_weight(self.class_weight, y))
            weight = per_class if weight is None else weight * per_class
        if weight is not None:
            # every weight is at most 1 here: the mean cannot overflow
            weight = weight / weight.mean() if weight.any() else weight
        present = np.unique(y_codes if weight is None else y_codes[weight > 0])
        if not encode_only and len(present) < 2:
            raise _one_class_error(self.classes_[present])
        return y_codes, weight

    def _check_labels(self, X, y):
        """Check the labels: a 1d array, one per row, none missing."""
        y = column_or_1d(y, warn=True)
        if len(y) != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} rows but y has {len(y)} labels; pass one label "
                "per row of X."
            )
        missing = np.flatnonzero(pd.isna(y))
        if missing.size:
            raise ValueError(
                f"y has {missing.size} missing label(s) (NaN or None), e.g. at rows "
                f"{missing[:5].tolist()}; drop those rows or give them a label."
            )
        check_classification_targets(y)
        return y

    def _shard_inputs(self, X, y, sample_weight, *, classes, first):
        """Check and encode this rank's rows for ``data_parallel=True``.

        Every rank checks its own rows (one rank's error is raised on every
        rank); then all of them agree on the frozen transformers (the same on
        every rank), the classes (the union of the ranks' labels, or the same
        ``classes``), and the sample weights: normalized to a mean of 1 over
        all ranks' rows, with ``class_weight="balanced"`` counted over them.

        Returns
        -------
        X, y_codes, weight, inputs
            As the serial path makes them: validated X, int64 label codes,
            row weights or None, the network's input arrays.
        """
        check_process_group()

        def check_shard():
            X_checked = check_input(self, X, reset=first)
            labels = self._check_labels(X_checked, y)
            raw, peak = None, 0.0
            if sample_weight is not None:
                raw = check_sample_weight(sample_weight, len(labels))
                # in units of this rank's largest weight, rescaled below to
                # the largest of all ranks: no sum can overflow
                peak = float(raw.max())
                raw = scale_to_max(raw)
            values, codes = np.unique(labels, return_inverse=True)
            if first:
                resolve_device(self.device)
                inputs = self._fit_frozen_parts(X_checked)
            else:
                inputs = self._inputs(X_checked)
            return X_checked, labels, raw, peak, values, codes, inputs

        X, labels, raw, peak, values, codes, inputs = on_every_rank(check_shard)
        counts = np.bincount(codes, minlength=len(values)).astype(np.float64)
        sums = counts if raw is None else np.bincount(codes, raw, len(values))
        parts = _fingerprint(self.wide_, self.deep_) if first else None
        own_classes = None if classes is None else column_or_1d(classes)
        shards = all_gather_objects((values, counts, sums, parts, own_classes, peak))
        if first:
            if any(shard[3] != shards[0][3] for shard in shards):
                raise ValueError(
                    "data_parallel=True needs the same fitted wide and deep "
                    "transformers on every rank, but they differ between ranks: fit "
                    "them once on a sample shared by every rank (same rows, same "
                    "columns, same versions of the libraries), then wrap them in "
                    "FrozenEstimator."
                )
            same = lambda other: (
                (other is None and own_classes is None)
                or (
                    other is not None
                    and own_classes is not None
                    and np.array_equal(other, own_classes)
                )
            )
            if not all(same(shard[4]) for shard in shards):
                raise ValueError(
                    "data_parallel=True: every rank must pass the same classes to "
                    "partial_fit."
                )
            everything = np.concatenate([shard[0] for shard in shards])
            known = np.unique(everything) if own_classes is None else own_classes
            self._label_encoder = LabelEncoder().fit(known)
            self.classes_ = self._label_encoder.classes_
        n_classes = len(self.classes_)
        total_counts, total_sums = np.zeros(n_classes), np.zeros(n_classes)
        largest = max(shard[5] for shard in shards)
        for shard_values, shard_counts, shard_sums, _, _, shard_peak in shards:
            self._check_known_labels(shard_values)
            where = self._label_encoder.transform(shard_values)
            if raw is not None and shard_peak < largest:
                shard_sums = shard_sums * (shard_peak / largest)
            total_counts[where] += shard_counts
            total_sums[where] += shard_sums
        if raw is not None and peak < largest:
            raw = raw * (peak / largest)
        per_class = np.ones(n_classes)
        if self.class_weight == "balanced":
            present = total_counts > 0
            per_class[present] = total_counts.sum() / (
                present.sum() * total_counts[present]
            )
        elif self.class_weight is not None:
            seen = self.classes_[total_counts > 0]
            per_class[total_counts > 0] = compute_sample_weight(self.class_weight, seen)
        per_class = scale_to_max(per_class * (total_counts > 0))
        present = np.flatnonzero(per_class * total_sums > 0)
        if classes is None and len(present) < 2:
            raise _one_class_error(self.classes_[present])
        y_codes = self._label_encoder.transform(values)[codes].astype(np.int64)
        weight = None
        if raw is not None or self.class_weight is not None:
            mean = (per_class * total_sums).sum() / total_counts.sum()
            weight = per_class[y_codes] / mean if mean > 0 else per_class[y_codes]
            if raw is not None:
                weight = raw * weight
        return X, y_codes, weight, inputs

    def _fit_frozen_parts(self, X):
        """:meth:`_fit_parts` for data-parallel ranks: only frozen transformers."""
        for name, part in (("wide", self.wide), ("deep", self.deep)):
            if part is not None and not isinstance(part, FrozenEstimator):
                kind = {"wide": "CrossProductTransformer", "deep": "EmbeddingEncoder"}
                example = f"{kind[name]}()" if part == "auto" else "the transformer"
                raise ValueError(
                    f"data_parallel=True needs {name} fitted beforehand, the same "
                    "on every rank (fitted on each rank's own rows, the "
                    "vocabularies would differ): fit it on a sample that every "
                    f"rank reads, e.g. {name}=FrozenEstimator({example}"
                    ".fit(sample)) with sklearn.frozen.FrozenEstimator, or set "
                    f"{name}=None."
                )
        return self._fit_parts(X)

    def _fit_parts(self, X):
        """Fit clones of ``wide`` and ``deep`` on X; return the network's inputs.

        A transformer wrapped in :class:`~sklearn.frozen.FrozenEstimator` is
        used as it was fitted (e.g. on a sample, before streaming chunks).
        """
        wide = CrossProductTransformer() if self.wide == "auto" else self.wide
        deep = EmbeddingEncoder() if self.deep == "auto" else self.deep
        if wide is None and deep is None:
            raise ValueError(
                "wide and deep are both None: keep at least one part of the model."
            )
        self.wide_, fit_wide = self._part(wide, X, "wide")
        self.deep_, fit_deep = self._part(deep, X, "deep")
        return self._inputs(X, fit=True, fit_wide=fit_wide, fit_deep=fit_deep)

    def _part(self, transformer, X, name):
        """Return the fitted transformer of a part, and whether it needs fitting."""
        if transformer is None:
            return None, False
        if not isinstance(transformer, FrozenEstimator):
            return clone(transformer), True
        fitted = transformer.estimator
        check_is_fitted(fitted)
        seen = getattr(fitted, "feature_names_in_", None)
        columns = getattr(self, "feature_names_in_", None)
        same = (
            fitted.n_features_in_ == X.shape[1]
            if seen is None or columns is None
            else np.array_equal(seen, columns)
        )
        if not same:
            shown = X.shape[1] if columns is None else columns.tolist()
            fitted_on = fitted.n_features_in_ if seen is None else seen.tolist()
            raise ValueError(
                f"The frozen {name} transformer was fitted on the columns "
                f"{fitted_on}, but X has {shown}. Fit it on the same columns, in the "
                "same order (e.g. on a sample of the same table)."
            )
        return fitted, False

    def _inputs(self, X, *, fit=False, fit_wide=False, fit_deep=False):
        """Build the network's input arrays for X (already validated).

        With ``fit=True``, the width of the wide input is recorded, and the
        transformers named by ``fit_wide`` and ``fit_deep`` are fitted on X on
        the way.
        """
        columns = Columns(X)
        inputs = {}
        if isinstance(self.wide_, CrossProductTransformer):
            wide = self.wide_
            inputs["wide_indices"] = (
                wide._fit_encode(X, columns) if fit_wide else wide._encode(columns)
            )
            n_wide = wide.n_output_features_
        elif self.wide_ is not None:
            Xt = self.wide_.fit_transform(X) if fit_wide else self.wide_.transform(X)
            inputs["wide_indices"], inputs["wide_values"] = _padded_sparse(Xt)
            n_wide = Xt.shape[1]
        else:
            n_wide = 0
        if fit:
            self._n_wide = n_wide
        if isinstance(self.deep_, EmbeddingEncoder):
            deep = self.deep_
            codes, continuous = (
                deep._fit_encode(X, columns) if fit_deep else deep._encode(columns)
            )
            if codes.shape[1]:
                inputs["categorical"] = codes
            if continuous.shape[1]:
                inputs["continuous"] = continuous
        elif self.deep_ is not None:
            Xt = self.deep_.fit_transform(X) if fit_deep else self.deep_.transform(X)
            inputs["continuous"] = _dense_float32(Xt)
        return inputs

    def _module_params(self, inputs, hidden_units):
        cardinalities = embedding_dims = ()
        if isinstance(self.deep_, EmbeddingEncoder):
            cardinalities = tuple(self.deep_.cardinalities_.tolist())
            embedding_dims = tuple(self.deep_.embedding_dims_.tolist())
        n_continuous = inputs["continuous"].shape[1] if "continuous" in inputs else 0
        n_periodic = 0
        if _periodic(self.deep_):
            n_periodic = len(self.deep_.continuous_columns_)
        return {
            "n_wide": self._n_wide,
            "cardinalities": cardinalities,
            "embedding_dims": embedding_dims,
            "n_continuous": n_continuous,
            "hidden_units": hidden_units,
            "dropout": self.dropout,
            "n_periodic": n_periodic,
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
        n_before = len(net.history)
        with torch_threads(self.n_jobs):
            net.partial_fit(data, epochs=epochs)  # returns on KeyboardInterrupt
        net.module_.eval()
        history = net.history
        interrupted = len(history) and "train_loss" not in history[-1]
        if interrupted:
            del history[-1]  # the interrupted epoch's row has no loss
        stopped = dict(net.callbacks_).get("early_stopping")
        stopped = stopped is not None and stopped.misses_ >= stopped.patience
        if interrupted or (len(history) < n_before + epochs and not stopped):
            warnings.warn(
                f"Training was interrupted (KeyboardInterrupt) after "
                f"{len(history) - n_before} of {epochs} epoch(s); the model keeps "
                "the weights reached so far"
                + (", including part of the interrupted epoch." if interrupted else ".")
                + " It predicts as usual, and partial_fit can continue it.",
                UserWarning,
                stacklevel=4,
            )
        if stopped and self.verbose:
            best = int(np.argmin(history[:, "valid_loss"]))
            print(
                f"Early stopping: the validation loss did not improve for "
                f"{self.n_iter_no_change} epochs; keeping the weights of epoch "
                f"{history[best, 'epoch']} (validation loss "
                f"{history[best, 'valid_loss']:.4f})."
            )
        for row in history[n_before:]:
            # skorch keeps a record per batch; the epoch's means are kept, so
            # that streaming many chunks through partial_fit uses bounded memory
            row["batches"] = []
        self.n_iter_ = len(history)
        self.loss_curve_ = [float(v) for v in history[:, "train_loss"]]
        self.validation_loss_curve_ = None
        if self.do_early_stopping_:
            self.validation_loss_curve_ = [float(v) for v in history[:, "valid_loss"]]

    def _logits(self, X):
        check_is_fitted(self)
        X = check_input(self, X, reset=False)
        inputs = self._inputs(X)
        with torch_threads(self.n_jobs):
            return predict_logits(self.net_.module_, inputs)

    def wide_weights(self):
        """Get what the wide part memorized: its weight for every feature.

        Returns
        -------
        weights : DataFrame of shape (n_wide_features, n_outputs)
            Indexed by feature name (``education=Bachelors&occupation=Sales``),
            sorted by decreasing absolute weight. One column ``weight`` (the
            log-odds added for ``classes_[1]``) for two classes, else one per
            class. Rows with weight 0 are features the model does not use.
        """
        check_is_fitted(self)
        if self.wide_ is None:
            raise ValueError(
                "This model has no wide part (wide=None): no wide weights."
            )
        weight = self.net_.module_.wide.weight.detach().cpu().numpy().astype(np.float64)
        columns = ["weight"] if weight.shape[1] == 1 else list(self.classes_)
        frame = pd.DataFrame(
            weight, index=pd.Index(_names(self.wide_), name="feature"), columns=columns
        )
        order = np.argsort(-np.abs(weight).max(axis=1), kind="stable")
        return frame.iloc[order]

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

    def save(self, path):
        """Save the model to a file that loads without running code from it.

        Unlike a pickle file, which can run any code when loaded, the file
        holds only data: the parameters, vocabularies and history as JSON,
        and the weights as tensors read back with ``weights_only=True``.
        Load it with :func:`sk_widedeep.load`, on any machine: a model
        trained on a GPU loads on a CPU.

        Parameters
        ----------
        path : str or path-like
            The file to write (replaced if it exists). The model is written
            to a temporary file of its own in the same folder, then renamed
            to ``path`` in one step: a crash leaves no half file, and several
            threads or processes saving to one path each succeed, the last
            rename winning.

        Raises
        ------
        TypeError
            When the model holds something the format does not store:
            ``callbacks``, transformers other than sk_widedeep's own,
            optimizer classes outside :mod:`torch.optim`, or categories that
            are not strings, numbers or booleans. Use joblib for such a model.
        IsADirectoryError
            When ``path`` is a folder.

        See Also
        --------
        sk_widedeep.load : Read the file back.
        """
        from ._persistence import save

        save(self, path)

    def __setstate__(self, state):
        """Unpickle; a model pickled on a GPU moves to the CPU when there is none."""
        super().__setstate__(state)
        self.__dict__.setdefault("data_parallel", False)  # files saved before it
        net = self.__dict__.get("net_")
        if net is not None and str(net.device) != str(self.device_):
            self.device_ = str(net.device)  # skorch mapped the weights elsewhere

    def __sklearn_is_fitted__(self):
        """Whether fit succeeded: the trained net exists."""
        return hasattr(self, "net_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        return tags


def _one_class_error(present):
    if not len(present):
        return ValueError(
            "WideDeepClassifier needs samples of at least 2 classes with non-zero "
            "weight, but every row has weight 0 (sample_weight times "
            "class_weight): give some rows of each class a positive weight."
        )
    return ValueError(
        "WideDeepClassifier needs samples of at least 2 classes in the data "
        f"(with non-zero weight), but the data contains only one class: "
        f"{present.tolist()}."
    )


def _fingerprint(wide, deep):
    """Digest of the fitted transformers, to check every rank has the same."""
    return hashlib.sha256(pickle.dumps((wide, deep))).hexdigest()


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


def _names(transformer):
    """Output feature names of a transformer, or positions when it has none."""
    if hasattr(transformer, "get_feature_names_out"):
        return np.asarray(transformer.get_feature_names_out(), dtype=object)
    raise ValueError(
        f"{type(transformer).__name__} has no get_feature_names_out, so its outputs "
        "cannot be matched by name."
    )


def _wide_keys(transformer):
    """Keys to match wide weights by: exact values, or output names.

    A :class:`CrossProductTransformer`'s slots are matched by column and
    exact value or bucket bounds (a hashed slot by its number of codes too:
    under another ``hash_buckets``, ``user_id=#17`` holds other values);
    another transformer's by output name, qualified by its ``hash_buckets``
    when it has one.
    """
    if isinstance(transformer, CrossProductTransformer):
        return transformer._exact_keys()
    names = _names(transformer)
    hash_buckets = getattr(transformer, "hash_buckets", None)
    if hash_buckets is None:
        return names
    return np.asarray([f"{n} (of {hash_buckets})" for n in names], dtype=object)


def _deep_input_names(deep, module):
    """Name of every input of the deep part's first layer, in module order."""
    if not isinstance(deep, EmbeddingEncoder):
        return _names(deep)
    embedded, dims = deep.embedded_features_, deep.embedding_dims_
    names = [
        f"{embedded[j]}[{k}]" for j in module.embedding_order for k in range(dims[j])
    ]
    continuous = list(_names(deep)[len(embedded) :])
    if module.periodic is not None:  # each number enters as PERIODIC_DIM inputs
        periodic, continuous = (
            continuous[: module.n_periodic],
            continuous[module.n_periodic :],
        )
        dim = module.periodic.bias.shape[1]
        names += [f"{name}<periodic>[{k}]" for name in periodic for k in range(dim)]
    return np.asarray(names + continuous, dtype=object)


def _periodic(deep):
    """Whether the deep transformer asks for periodic embeddings of its numbers."""
    return isinstance(deep, EmbeddingEncoder) and deep.continuous_encoding == "periodic"


def _matches(old, new):
    """Position in ``old`` of every item of ``new``, -1 for items not in old."""
    first = {}
    for position, item in enumerate(old):
        first.setdefault(item, position)
    return np.array([first.get(item, -1) for item in new], dtype=np.int64)
