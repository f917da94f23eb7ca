"""The docstring text that several public objects share.

The two estimators' parameter and attribute descriptions (the lines
``%(model_parameters)s``, ``%(training_parameters)s`` and
``%(fitted_attributes)s`` of each face's docstring), the paper's reference
(``%(paper_reference)s``) and the transformers' ``input_features``
(``%(input_features)s``): :func:`fill_docstring` puts the shared text
there, so that it is written once and reads, in each documentation, as if
written for it.
"""

MODEL_PARAMETERS = """\
    wide : transformer, "auto" or None, default="auto"
        Features of the wide part. ``"auto"`` is ``CrossProductTransformer()``
        (one-hot of the categorical columns, no crosses); another transformer
        is used through its (sparse or dense) output; ``None`` disables the
        wide part. A clone is fitted in :meth:`fit`, unless the transformer
        is wrapped in :class:`~sklearn.frozen.FrozenEstimator`: then it is
        used as already fitted (on a sample, say, before streaming chunks
        through :meth:`partial_fit`). Its parameters are nested ones,
        ``wide__crosses`` and the like, also while it is ``"auto"``:
        setting one (``set_params``, a grid search) makes the part
        ``CrossProductTransformer()`` with that parameter changed.
    deep : transformer, "auto" or None, default="auto"
        Features of the deep part. ``"auto"`` is ``EmbeddingEncoder()``
        (roles from dtypes); another transformer's output is used as
        continuous inputs; ``None`` disables the deep part. Fitted or frozen
        as ``wide`` is, and tuned as ``wide`` is (``deep__embedding_dim``).
    hidden_units : tuple of int, default=(128, 64)
        Width of each ReLU layer of the deep part (the paper: 1024, 512, 256).
    dropout : float, default=0.0
        Dropout probability after each ReLU layer.
    n_members : int, default=1
        Members of an ensemble trained in one fit, in TabM-mini's
        parameter-efficient form (Gorishniy et al., 2025): the members share
        the embeddings and the ReLU layers; each multiplies the deep part's
        input by a vector of its own (learned, initialized to random signs)
        and has its own output layer; the wide part is shared. Every member
        is trained on every batch, the loss being the mean of theirs, and
        the prediction is the mean of their probabilities (classifier) or
        predictions (regressor). The deep part's cost grows about
        ``n_members`` times; see :ref:`ensembles` for what it buys.
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
"""

TRAINING_PARAMETERS = """\
    batch_size : int, default=256
        Rows per mini-batch.
    max_epochs : int, default=50
        Number of passes over the training data; with early stopping (the
        default), the most there can be.
    early_stopping : "auto" or bool, default="auto"
        Hold out ``validation_fraction`` of the rows (stratified by class for
        a classifier), stop when the validation loss has not improved for
        ``n_iter_no_change`` epochs, and restore the weights of the best
        epoch. ``"auto"`` turns it on in :meth:`fit` whenever the rows can
        be split (for a classifier, when every class has rows enough to be
        split), small tables included, and off for :meth:`partial_fit`.
        When off, every row is used for training, for exactly ``max_epochs``
        epochs.
    validation_fraction : float or "auto", default="auto"
        Share of the rows held out when early stopping is on. ``"auto"``
        holds out 10% of the rows, but at least 100 rows and at most 20%:
        20% below 500 rows, 100 rows from 500 to 1,000, 10% from 1,000.
    n_iter_no_change : int, default=5
        Epochs without improvement of the validation loss before stopping.
    tol : float, default=2e-3
        The smallest improvement that counts, relative to the best
        validation loss so far: an epoch whose loss is above ``(1 - tol)``
        times the best is an epoch without improvement, and the weights kept
        are those of the last epoch that improved by at least that much.
        Tiny gains late in training (the calibrated loss keeps creeping
        down) then stop it instead of running on: on the corpus, 10% fewer
        epochs at the same validation log loss (:doc:`/quality`). ``0.0``
        counts every decrease and keeps the lowest loss's epoch.
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
"""

FITTED_ATTRIBUTES = """\
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
        Validation loss of each epoch when early stopping was on: the one
        it watched, so the kept epoch is its smallest (for the classifier
        with ``temperature_scaling``, the loss at that epoch's temperature).
    do_early_stopping_ : bool
        Whether the last :meth:`fit` used early stopping (``"auto"``
        resolved).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has feature
        names that are all strings.
"""


PAPER_REFERENCE = """\
    .. [1] H.-T. Cheng et al., "Wide & Deep Learning for Recommender Systems",
       DLRS 2016, :arxiv:`1606.07792`.
"""

INPUT_FEATURES = """\
        input_features : array-like of str or None, default=None
            Input feature names; ``None`` uses ``feature_names_in_``, or
            ``x0, x1, ...`` when fit saw no names.
"""

SHARED = {
    "    %(model_parameters)s\n": MODEL_PARAMETERS,
    "    %(training_parameters)s\n": TRAINING_PARAMETERS,
    "    %(fitted_attributes)s\n": FITTED_ATTRIBUTES,
    "    %(paper_reference)s\n": PAPER_REFERENCE,
    "        %(input_features)s\n": INPUT_FEATURES,
}
"""Each placeholder line, and the text that replaces it."""


def fill_docstring(obj):
    """Put the shared text into ``obj``'s docstring (a class or a function).

    The docstring holds placeholder lines (:data:`SHARED`), such as
    ``%(model_parameters)s`` or ``%(paper_reference)s``.
    """
    for placeholder, text in SHARED.items():
        obj.__doc__ = obj.__doc__.replace(placeholder, text)
    return obj
