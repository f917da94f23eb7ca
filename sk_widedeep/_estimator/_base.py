"""The shared core of WideDeepClassifier and WideDeepRegressor.

:class:`BaseWideDeep` owns everything that does not depend on the target:
the parameters, fit and its rollback, the parts' transformers
(:mod:`._features`), the early-stopping split, warm start
(:mod:`._warm_start`), the training loop and its history, inference, the
wide weights and persistence. A face (classifier, regressor) adds what
does: how the target is checked and encoded (with :mod:`._targets`), the
number of outputs, the loss, the validation split's stratification, and
what its predictions are.
"""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._coding._columns import check_input
from .._common._compat import HasMethods, Interval, StrOptions, patience_exhausted
from .._network._batches import TensorDataset, predict_logits, training_tensors
from .._network._device import resolve_device, torch_threads
from .._network._module import network_params
from .._network._net import make_net, rollback_on_error
from .._network._optim import OPTIMIZERS, OptimizerSpec, check_regularization
from .._network._sharding import Shards
from .._transformers._features import (
    AUTO,
    deep_layout,
    feature_arrays,
    fit_parts,
    output_names,
    resolve_parts,
    slot_counts,
    unseen_slots,
)
from . import _persistence
from ._targets import row_weights, summarize_shard, weight_totals
from ._warm_start import load_shared_weights

# how an ensemble's members are averaged, by the loss they are trained with:
# probabilities for the classifier's losses, outputs for the regressor's
MEMBER_LINK = {
    torch.nn.BCEWithLogitsLoss: "sigmoid",
    torch.nn.CrossEntropyLoss: "softmax",
}

MIN_VALIDATION_ROWS = 100
"""``validation_fraction="auto"`` holds out at least this many rows.

That is 10% of the rows from 1,000 rows, ``MIN_VALIDATION_ROWS`` rows from
500 to 1,000, and 20% below 500. On six small tables (200 to 800 rows,
``defaults_study.py --small``), holding out 20% instead of 10% lowered the
mean validation log loss from 0.551 to 0.514, and holding out nothing (what
``early_stopping="auto"`` did below 500 rows before) gave 0.790.
"""


def validation_share(fraction, n_rows: int) -> float:
    """Return the share of ``n_rows`` held out for ``validation_fraction``."""
    if _is_auto(fraction):
        return max(0.1, min(0.2, MIN_VALIDATION_ROWS / max(n_rows, 1)))
    return fraction


def _is_auto(part) -> bool:
    """Whether a part's parameter is the string ``"auto"``."""
    return isinstance(part, str) and part == "auto"


class BaseWideDeep(BaseEstimator):
    """Base of the Wide & Deep estimators (not for direct use).

    A face gives the core its target (``_target()``: a
    :class:`._targets.ClassTarget` or :class:`._targets.NumericTarget`,
    built from its parameters and what fit learned of ``y``), and may keep
    a temperature (``_scales_temperature()``, ``_keep_temperature()``);
    the rest of a fit is here, as named steps (:meth:`_fit_new_unguarded`).
    """

    _parameter_constraints: dict = {
        "wide": [HasMethods(["fit", "transform"]), StrOptions({"auto"}), None],
        "deep": [HasMethods(["fit", "transform"]), StrOptions({"auto"}), None],
        "hidden_units": [list, tuple],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "n_members": [Interval(Integral, 1, None, closed="left")],
        "wide_optimizer": [StrOptions(set(OPTIMIZERS)), callable],
        "wide_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "wide_l1": [Interval(Real, 0, None, closed="left")],
        "wide_l2": [Interval(Real, 0, None, closed="left")],
        "deep_optimizer": [StrOptions(set(OPTIMIZERS)), callable],
        "deep_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "deep_l2": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [
            Interval(Real, 0, 1, closed="neither"),
            StrOptions({"auto"}),
        ],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, 1, closed="left")],
        "device": [str],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
        "data_parallel": ["boolean"],
    }

    def get_params(self, deep=True):
        """Get parameters for this estimator.

        With ``deep=True``, a part left to ``"auto"`` lists the parameters
        of the transformer that ``"auto"`` stands for, with their defaults
        (``wide__crosses``, ``deep__embedding_dim``...), so that a search
        tunes them as it would those of a transformer passed explicitly.

        Parameters
        ----------
        deep : bool, default=True
            If True, return the parameters of the two parts' transformers
            too, as ``wide__<name>`` and ``deep__<name>``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        if deep:
            for part, kind in AUTO.items():
                if _is_auto(params[part]):
                    nested = kind().get_params(deep=False)
                    params.update({f"{part}__{k}": v for k, v in nested.items()})
        return params

    def set_params(self, **params):
        """Set the parameters of this estimator.

        A nested parameter of a part left to ``"auto"`` (``wide__crosses``,
        ``deep__embedding_dim``) first makes the part the transformer that
        ``"auto"`` stands for (``CrossProductTransformer()`` or
        ``EmbeddingEncoder()``, whose column roles are still inferred from
        the dtypes), then sets the parameter on it.

        Parameters
        ----------
        **params : dict
            Estimator parameters, and ``wide__<name>`` or ``deep__<name>``
            for the parts' transformers.

        Returns
        -------
        self : estimator instance
            Estimator instance.
        """
        for part, kind in AUTO.items():
            nested = sorted(key for key in params if key.startswith(f"{part}__"))
            if not nested:
                continue
            value = params.get(part, getattr(self, part))
            if _is_auto(value):
                params[part] = kind()
            elif value is None:
                raise ValueError(
                    f"{part}=None (no {part} part), so {nested} cannot be set. Set "
                    f"{part}='auto' or a transformer first, e.g. "
                    f"set_params({part}='auto', {nested[0]}=...)."
                )
        return super().set_params(**params)

    def _fit(self, X, y, sample_weight):
        """:meth:`fit`: fit anew for up to ``max_epochs``."""
        return self._fit_new(
            X,
            y,
            sample_weight,
            target_spec=None,
            epochs=self.max_epochs,
            early_stopping=self.early_stopping,
        )

    def _partial_fit(self, X, y, sample_weight, target_spec=None):
        """:meth:`partial_fit`: fit anew for one epoch, or train one more."""
        if self.early_stopping is True:
            raise ValueError(
                "partial_fit does not hold out validation rows: set "
                "early_stopping=False (or 'auto', off for partial_fit), or use fit."
            )
        if hasattr(self, "net_"):
            return self._partial_fit_more(X, y, sample_weight)
        return self._fit_new(
            X, y, sample_weight, target_spec=target_spec, epochs=1, early_stopping=False
        )

    def _fit_new(self, X, y, sample_weight, *, target_spec, epochs, early_stopping):
        """Fit anew; on any error, the estimator is left as it was before."""
        before = self.__dict__.copy()
        try:
            return self._fit_new_unguarded(
                X,
                y,
                sample_weight,
                target_spec=target_spec,
                epochs=epochs,
                early_stopping=early_stopping,
            )
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit_new_unguarded(
        self, X, y, sample_weight, *, target_spec, epochs, early_stopping
    ):
        """Fit anew, in named steps (as skorch's ``initialize`` reads).

        Resolve the device and check the parameters (every check that needs
        no data, cross-parameter ones included, before any work); check the
        rows and learn the target; fit the parts; split the validation rows;
        build the net; train; record what training left to keep.
        """
        previous = self._previous_fit()
        shards = Shards(self.data_parallel)
        # before any work: a device this torch lacks fails at once (on every rank)
        self.device_ = shards.run(lambda: resolve_device(self.device))
        hidden_units = self._check_parameters()
        X, target, weight = self._prepare(
            shards, X, y, sample_weight, first=True, target_spec=target_spec
        )
        if previous is not None:
            self._target().check_same(previous[3])
        inputs, n_wide = self._fit_parts(shards, X)
        # one seed, the first shard's, even for random_state=None
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        self._seed = shards.first(seed)
        (inputs, target, weight), valid_data = self._split_validation(
            shards, inputs, target, weight, early_stopping
        )
        net = self._build_net(
            shards, hidden_units, inputs, n_wide, valid_data, previous
        )
        self._train(net, inputs, target, weight, epochs=epochs)
        self._record(shards, net, inputs, n_wide)
        return self

    def _previous_fit(self):
        """Return what a warm start keeps: (wide_, deep_, module, target state)."""
        if not (self.warm_start and hasattr(self, "net_")):
            return None
        return self.wide_, self.deep_, self.net_.module_, self._target().state()

    def _check_parameters(self):
        """Check what no data is needed for; return the hidden layers' sizes.

        ``hidden_units``' sizes, and the regularization each part's optimizer
        can apply (``wide_l1``/``wide_l2`` need ``wide_optimizer="ftrl"``).
        """
        hidden_units = self._check_hidden_units()
        check_regularization(self._optimizer_spec("wide"), "wide")
        return hidden_units

    def _fit_parts(self, shards, X):
        """Fit the wide and deep transformers; return their arrays and the width.

        Every shard fits its own (only frozen transformers with
        ``data_parallel``), and the shards must agree.
        """

        def fit_features():
            wide, deep = resolve_parts(
                self.wide, self.deep, frozen_only=self.data_parallel
            )
            names = getattr(self, "feature_names_in_", None)
            return fit_parts(wide, deep, X, names)

        self.wide_, self.deep_, inputs, n_wide = shards.run(fit_features)
        shards.check_same_parts(self.wide_, self.deep_)
        return inputs, n_wide

    def _split_validation(self, shards, inputs, target, weight, early_stopping):
        """Hold out early stopping's validation rows.

        Returns
        -------
        training : tuple
            The training rows' (inputs, target, weight).
        valid_data : TensorDataset or None
            The validation rows, or None without early stopping.
        """
        rows = None
        if early_stopping == "auto":
            rows = self._validation_split(target, required=False)
            early_stopping = shards.first(rows is not None)
        self.do_early_stopping_ = bool(early_stopping)
        if not early_stopping:
            return (inputs, target, weight), None
        if rows is None:
            rows = shards.run(lambda: self._validation_split(target))
        rows, valid_rows = rows
        valid_data = self._dataset(inputs, target, weight, valid_rows)
        inputs = {k: v[rows] for k, v in inputs.items()}
        weight = None if weight is None else weight[rows]
        return (inputs, target[rows], weight), valid_data

    def _build_net(self, shards, hidden_units, inputs, n_wide, valid_data, previous):
        """Build the initialized net (a warm start's weights loaded into it)."""
        n_continuous = inputs["continuous"].shape[1] if "continuous" in inputs else 0
        self._module_kwargs = network_params(
            deep_layout(self.deep_),
            n_wide,
            n_continuous,
            hidden_units,
            self.dropout,
            n_members=self.n_members,
            link=MEMBER_LINK.get(self._target().criterion[0], "identity"),
        )
        net = self._make_net(valid_data)
        if previous is not None:
            load_shared_weights(*previous[:3], self.wide_, self.deep_, net.module_)
        shards.same_start(net.module_)  # every rank starts from rank 0's weights
        return net

    def _record(self, shards, net, inputs, n_wide):
        """Keep the trained net, after setting the unseen slots no row reached."""
        self._slot_counts = None  # a new fit: no training row counted yet
        self._average_unseen(shards, net.module_, inputs, n_wide)
        self.net_ = net

    def _average_unseen(self, shards, module, inputs, n_wide):
        """Unseen slots no training row reached: the mean of their blocks' values.

        The rows are counted over every shard (so that the ranks agree) and
        over every call since :meth:`fit` (``partial_fit`` adds its chunk's),
        and the mean is set after each, as the optimizers may have reset it.
        """
        wide_slots, deep_slots = unseen_slots(self.wide_, self.deep_)
        if not (wide_slots or deep_slots):
            return
        gathered = shards.gather(slot_counts(inputs, n_wide, deep_slots))
        wide_counts = sum(counts[0] for counts in gathered)
        deep_counts = {
            j: sum(counts[1][j] for counts in gathered) for j, *_ in deep_slots
        }
        before = getattr(self, "_slot_counts", None)
        if before is not None:
            wide_counts = wide_counts + before[0]
            deep_counts = {j: c + before[1][j] for j, c in deep_counts.items()}
        self._slot_counts = (wide_counts, deep_counts)
        module.average_unseen(wide_slots, deep_slots, wide_counts, deep_counts)

    def _partial_fit_more(self, X, y, sample_weight):
        """One more epoch of an already fitted model on (X, y)."""
        shards = Shards(self.data_parallel)
        X, target, weight = self._prepare(shards, X, y, sample_weight, first=False)
        inputs = shards.run(lambda: feature_arrays(self.wide_, self.deep_, X)[0])
        with rollback_on_error(self.net_):
            self._train(self.net_, inputs, target, weight, epochs=1)
        n_wide = getattr(self.wide_, "n_output_features_", 0)
        self._average_unseen(shards, self.net_.module_, inputs, n_wide)
        return self

    def _target(self):
        """Return the face's target (:mod:`._targets`), with what fit learned."""
        raise NotImplementedError

    def _prepare(self, shards, X, y, sample_weight, *, first, target_spec=None):
        """Check this shard's rows; agree on the target and the row weights.

        Every shard checks its own rows (one shard's error is raised on every
        shard). On the first fit, the target's encoding (``classes_``, or the
        target's scaling) is learned from every shard's summary; the row
        weights have a mean of 1 over all shards' rows.

        Returns
        -------
        X : validated X
        target : ndarray
            The network's target of each row.
        weight : ndarray of float64 or None
            Each row's weight in the loss; None when every row weighs 1.
        """
        target_kind = self._target()

        def check_rows():
            X_checked = check_input(self, X, reset=first)
            target = target_kind.check(y, X_checked.shape[0])
            summary, raw = summarize_shard(
                target_kind.group_keys(target), sample_weight, len(target)
            )
            about = target_kind.summary(target, raw, summary.peak, target_spec)
            return X_checked, target, summary, raw, about

        X, target, summary, raw, about = shards.run(check_rows)
        gathered = shards.gather((summary, about))
        shard_summaries = [shard[0] for shard in gathered]
        if first:
            learned = target_kind.learn(
                shard_summaries, [shard[1] for shard in gathered], target_spec
            )
            for name, value in learned.items():
                setattr(self, name, value)
        encoded, groups = target_kind.encode(target, shard_summaries)
        totals = weight_totals(shard_summaries, *target_kind.groups())
        factors = target_kind.group_factors(totals[0])
        weight, positive = row_weights(
            groups,
            raw,
            summary.peak,
            totals,
            np.ones(len(totals[0])) if factors is None else factors,
            weighted=raw is not None or factors is not None,
        )
        target_kind.check_positive(positive, learning=first and target_spec is None)
        return X, encoded, weight

    def _validation_split(self, target, required=True):
        """(train rows, validation rows) for early stopping, stratified by class.

        When the split is impossible (a class with too few rows), raise, or
        return None unless ``required``.
        """
        try:
            return train_test_split(
                np.arange(len(target)),
                test_size=validation_share(self.validation_fraction, len(target)),
                stratify=self._target().stratify(target),
                random_state=self._seed,
            )
        except ValueError as exc:
            if not required:
                return None
            raise ValueError(
                f"early_stopping={self.early_stopping!r} holds out validation_fraction="
                f"{self.validation_fraction} of the rows (stratified by class for a "
                f"classifier), but that split is impossible here: {exc} Give more "
                "rows (per class), a larger validation_fraction, or set "
                "early_stopping=False."
            ) from exc

    def _check_hidden_units(self):
        hidden_units = tuple(self.hidden_units)
        if not all(isinstance(u, Integral) and u >= 1 for u in hidden_units):
            raise ValueError(
                f"hidden_units must be a tuple of positive ints, e.g. (256, 128); got "
                f"{self.hidden_units!r}."
            )
        return tuple(int(u) for u in hidden_units)

    def _make_net(self, valid_data=None):
        """Build and initialize the skorch net for the fitted inputs."""
        net = make_net(
            module_params=self._module_kwargs,
            n_outputs=self._target().n_outputs,
            criterion=self._target().criterion,
            wide_optimizer=self._optimizer_spec("wide"),
            deep_optimizer=self._optimizer_spec("deep"),
            batch_size=self.batch_size,
            device=self.device_,
            random_seed=self._seed,
            callbacks=copy.deepcopy(self.callbacks) or [],
            valid_data=valid_data,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            verbose=self.verbose,
            data_parallel=self.data_parallel,
            temperature_scaling=self._scales_temperature(),
        )
        net.initialize()  # the weights drawn from a generator seeded by _seed
        return net

    def _optimizer_spec(self, part: str) -> OptimizerSpec:
        """Return what the parameters say of one part's optimizer."""
        if part == "wide":
            return OptimizerSpec(
                self.wide_optimizer, self.wide_lr, self.wide_l1, self.wide_l2
            )
        return OptimizerSpec(self.deep_optimizer, self.deep_lr, l2=self.deep_l2)

    def _dataset(self, inputs, target, weight, rows=slice(None)):
        arrays = {k: v[rows] for k, v in inputs.items()}
        if weight is not None:
            arrays["sample_weight"] = weight[rows].astype(np.float32)
        tensors = training_tensors({**arrays, "target": target[rows]}, self.device_)
        return TensorDataset(tensors, tensors.pop("target"))

    def _train(self, net, inputs, target, weight, *, epochs):
        data = self._dataset(inputs, target, weight)
        n_before = len(net.history)
        with torch_threads(self.n_jobs):
            net.partial_fit(data, epochs=epochs)  # returns on KeyboardInterrupt
        net.module_.eval()
        history = net.history
        interrupted = len(history) and "train_loss" not in history[-1]
        if interrupted:
            del history[-1]  # the interrupted epoch's row has no loss
        stopped = dict(net.callbacks_).get("early_stopping")
        stopped = stopped is not None and patience_exhausted(stopped)
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
        early_stopping = dict(net.callbacks_).get("early_stopping")
        best_row = None
        if early_stopping is not None and len(history) > n_before:
            best_row = next(
                row for row in history if row["epoch"] == early_stopping.best_epoch_
            )
        if stopped and self.verbose:
            watched = early_stopping.monitor
            print(
                f"Early stopping: the validation loss did not improve for "
                f"{self.n_iter_no_change} epochs; keeping the weights of epoch "
                f"{best_row['epoch']} (validation loss {best_row[watched]:.4f})."
            )
        self._keep_temperature(best_row, fit_anew=n_before == 0)
        for row in history[n_before:]:
            # skorch keeps a record per batch; the epoch's means are kept, so
            # that streaming many chunks through partial_fit uses bounded memory
            row["batches"] = []
        self.n_iter_ = len(history)
        self.loss_curve_ = [float(v) for v in history[:, "train_loss"]]
        self.validation_loss_curve_ = None
        if self.do_early_stopping_:
            watched = "valid_loss" if early_stopping is None else early_stopping.monitor
            self.validation_loss_curve_ = [float(v) for v in history[:, watched]]

    def _scales_temperature(self) -> bool:
        """Whether the net fits a temperature on the validation rows."""
        return False

    def _keep_temperature(self, best_row, *, fit_anew: bool) -> None:
        """Keep what training chose beside the weights (the classifier's ``T``)."""

    def _logits(self, X):
        check_is_fitted(self)
        X = check_input(self, X, reset=False)
        inputs, _ = feature_arrays(self.wide_, self.deep_, X)
        with torch_threads(self.n_jobs):
            return predict_logits(self.net_.module_, inputs)

    def wide_weights(self):
        """Get what the wide part memorized: its weight for every feature.

        Returns
        -------
        weights : DataFrame of shape (n_wide_features, n_outputs)
            Indexed by feature name (``education=Bachelors&occupation=Sales``),
            sorted by decreasing absolute weight. One column ``weight`` for
            one output (a binary classifier's log-odds of ``classes_[1]``, a
            regressor's contribution in its link's standardized units), else
            one per class. Rows with weight 0 are features the model does not
            use.
        """
        check_is_fitted(self)
        if self.wide_ is None:
            raise ValueError(
                "This model has no wide part (wide=None): no wide weights."
            )
        weight = self.net_.module_.wide.weight.detach().cpu().numpy().astype(np.float64)
        frame = pd.DataFrame(
            weight,
            index=pd.Index(output_names(self.wide_), name="feature"),
            columns=self._target().output_names,
        )
        order = np.argsort(-np.abs(weight).max(axis=1), kind="stable")
        return frame.iloc[order]

    def embeddings(self, column):
        """Get the learned embedding of every value of a column.

        For similar-item lookups and retrieval: the rows are the vectors the
        deep part learned for the column's values, comparable by cosine
        similarity (``E @ E.loc["Toy Story"]`` on normalized rows).

        Parameters
        ----------
        column : str
            An embedded column of the deep part (``deep_.embedded_features_``:
            a categorical column, single- or multi-valued, or
            ``<number>_code``).

        Returns
        -------
        embeddings : DataFrame of shape (n_values, embedding_dim)
            Indexed by value (the values themselves, not strings, for a
            vocabulary; ``#k`` for a hashed code, bucket bounds for a number
            code). A single-valued column's first row is ``"<other>"``, the
            vector of unknown and rare values (a multi-valued column has
            none, as unknown values are skipped), and a vocabulary's last
            row ``"<missing>"``, that of a missing value (or cell).
        """
        check_is_fitted(self)
        deep = self.deep_
        embedded = list(getattr(deep, "embedded_features_", ()))
        if column not in embedded:
            raise ValueError(
                f"{column!r} is not an embedded column of the deep part; the "
                f"embedded columns are {embedded}."
            )
        j = embedded.index(column)
        weight = self.net_.module_.embedding_rows(j).detach().cpu().numpy()
        values = deep.__widedeep_values__(j)
        multi = column in deep.multi_valued_columns_
        if multi:  # code 0 is never looked up
            weight, values = weight[1:], values[1:]
        return pd.DataFrame(
            weight.astype(np.float64), index=pd.Index(values, name=column)
        )

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
        _persistence.save(self, path)

    def __setstate__(self, state):
        """Unpickle; a model pickled on a GPU moves to the CPU when there is none."""
        super().__setstate__(state)
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
