"""skorch glue: the net that trains the module, its optimizers, seeds and log.

The net trains over the batches of :mod:`._batches`. Every random number
(initial weights, shuffling, dropout) comes from a ``torch.Generator`` of
the fit's own, never from torch's global generator. What data-parallel
ranks must agree on goes through :class:`._sharding.Shards`, the identity
in one process.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from contextlib import contextmanager

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping, ProgressBar
from skorch.helper import predefined_split
from skorch.utils import TeeGenerator

from .._common._compat import SkorchNetHooks, progress_bar_class
from ._batches import PREDICT_BATCH_SIZE, TensorBatches, TensorDataset
from ._calibration import fit_temperature
from ._module import SeededDropout, WideDeepModule
from ._optim import OPTIMIZERS, OptimizerSpec, make_optimizer
from ._sharding import Shards

SPARSE_EMBEDDING_ROWS = 65536
"""Embedding tables from this many rows get sparse gradients.

A dense gradient (and optimizer step) costs the whole table at every batch,
which makes training time grow with the number of distinct ids times the
number of rows. A sparse one costs the rows of the batch: it is slower for a
small table and much faster from about 50,000 rows of width 32 on our
2-core reference machine (``examples/benchmarks/cardinality.py``).
"""


def sparse_wide(optimizer, n_wide: int) -> bool:
    """Whether the wide weights get sparse gradients (only the batch's rows).

    A named optimizer updates only the wide rows a batch uses. FTRL, Adagrad
    and SGD (no momentum, no weight decay) leave a row whose gradient is zero
    as it was, so a dense gradient gives them the same step as a sparse one,
    and below :data:`SPARSE_EMBEDDING_ROWS` rows a dense one is cheaper (no
    sort to coalesce the batch's rows). Adam's moments would move every row:
    it gets sparse gradients (``torch.optim.SparseAdam``) whatever the size.
    An optimizer class gets dense gradients.
    """
    if optimizer not in OPTIMIZERS:
        return False
    return optimizer == "adam" or n_wide >= SPARSE_EMBEDDING_ROWS


@contextmanager
def rollback_on_error(net):
    """Put the net back as it was when training inside raises.

    Divergence, an error in a callback or running out of device memory then
    leave the previous model usable, never half-updated weights.
    """
    module = copy.deepcopy(net.module_.state_dict())
    optimizers = {
        name: copy.deepcopy(getattr(net, name + "_").state_dict())
        for name in net.optimizer_names()
    }
    n_epochs = len(net.history)
    try:
        yield
    except BaseException:
        net.module_.load_state_dict(module)
        for name, state in optimizers.items():
            getattr(net, name + "_").load_state_dict(state)
        del net.history[n_epochs:]
        raise


class WideDeepNet(SkorchNetHooks, NeuralNet):
    """A skorch ``NeuralNet`` over :class:`TensorDataset` batches.

    It differs from ``NeuralNet`` in these places: batches come from
    :class:`TensorBatches`; the shuffling and the dropout masks are drawn
    from ``torch.Generator`` objects that the net owns while it trains
    (never from torch's global generator, so fits in several threads at
    once do not disturb one another or the caller's random state), seeded
    with ``random_seed + k`` at the start of each epoch ``k``, so the
    shuffling and dropout of an epoch depend only on its number (``fit`` for
    3 epochs then one ``partial_fit`` equals ``fit`` for 4); the loss is
    averaged with the batch's sample weights when there are any; binary
    targets are a single logit; up to three optimizers (wide weights, sparse
    embedding tables, the rest) step together; a batch whose loss is not
    finite raises before any optimizer steps.

    With ``data_parallel=True`` it is one rank of a data-parallel training
    (:mod:`._distributed`): every epoch has the largest rank's number of
    batches, each batch's gradients are combined over the ranks before the
    optimizers step, and the epoch's losses are averaged over the ranks.
    """

    def __init__(
        self,
        module,
        *args,
        random_seed=0,
        wide_optimizer=None,
        deep_optimizer=None,
        data_parallel=False,
        **kwargs,
    ):
        super().__init__(module, *args, **kwargs)
        self.random_seed = random_seed
        self.wide_optimizer = wide_optimizer
        self.deep_optimizer = deep_optimizer
        self.data_parallel = data_parallel

    def initialize_optimizer(self, triggered_directly=None):
        """Optimizers of the wide weights, of the sparse tables and of the rest.

        The deep optimizer's L2 penalty reaches the sparse embedding tables
        lazily (:meth:`train_step`): only the rows a batch looks up decay.
        """
        wide, sparse_tables, deep = [], [], []
        sparse_ids = {id(table) for table in self._sparse_tables()}
        for name, param in self.module_.named_parameters():
            if name.startswith("wide."):
                wide.append(param)
            elif id(param) in sparse_ids:
                sparse_tables.append(param)
            else:
                deep.append(param)
        self.optimizer_ = make_optimizer(
            self.deep_optimizer, deep, "deep", sparse=False
        )
        if wide:
            self.wide_optimizer_ = make_optimizer(
                self.wide_optimizer,
                wide,
                "wide",
                sparse=self.module_.wide.sparse,
                rows_only=self.wide_optimizer.optimizer in OPTIMIZERS,
            )
        if sparse_tables:
            spec = self.deep_optimizer
            lazy_l2 = spec.optimizer != "ftrl"  # FTRL applies its own L2 sparsely
            self.embedding_optimizer_ = make_optimizer(
                spec._replace(l2=0.0) if lazy_l2 else spec,
                sparse_tables,
                "deep",
                sparse=True,
            )
            self.lazy_l2_ = spec.l2 if lazy_l2 else 0.0
        return self

    def _sparse_tables(self) -> list:
        """Return the embedding tables that have sparse gradients."""
        tables = [*self.module_.embeddings, *self.module_.bags]
        return [t.table.weight for t in tables if t.table.sparse]

    def train_step(self, batch, **fit_params):
        """One forward and backward pass, then a step of each optimizer.

        The wide optimizer sees the gradient of the batch's summed loss, as
        in the per-example online learning FTRL was made for; the deep one
        sees the gradient of the mean loss.
        """
        self.zero_grad_all()
        n_rows = len(batch[1])
        if n_rows == 0:  # a data-parallel rank whose shard is used up
            step = {"loss": torch.zeros(()), "y_pred": None}
        else:
            step = self.train_step_single(batch, **fit_params)
        loss = step["loss"].item()
        self.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(self.get_all_learnable_params()),
            batch=batch,
            training=True,
        )
        wide = self.module_.wide
        if wide is not None and wide.weight.grad is not None:
            wide.weight.grad = wide.weight.grad * n_rows
        # the gradients and loss of all ranks' rows, on every rank (one process: as is)
        loss = self.shards_.combine_gradients(self._gradient_layout, loss, n_rows)
        self._check_loss(loss)
        if getattr(self, "lazy_l2_", 0.0):
            for table in self._sparse_tables():
                grad = table.grad.coalesce()
                rows = grad.indices()[0]
                values = grad.values() + self.lazy_l2_ * table.detach()[rows]
                table.grad = torch.sparse_coo_tensor(
                    grad.indices(),
                    values,
                    grad.shape,
                    check_invariants=False,
                    is_coalesced=True,
                )
        self.step_all()
        return step

    def _check_loss(self, loss: float) -> None:
        """Raise when the training loss is not finite: the model diverged."""
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"The training loss became {loss} in epoch {len(self.history)}: the "
                "model diverged. Lower deep_lr or wide_lr (e.g. by a factor of 10), "
                "or check the input for extreme values. The estimator is left as it "
                "was before this call."
            )

    def _gradient_layout(self) -> list:
        """``(parameter, summed, sparse)`` of each parameter, for the ranks."""
        wide = self.module_.wide
        sparse_ids = {id(table) for table in self._sparse_tables()}
        if wide is not None and wide.sparse:
            sparse_ids.add(id(wide.weight))
        return [
            (param, wide is not None and param is wide.weight, id(param) in sparse_ids)
            for param in self.module_.parameters()
            if param.requires_grad
        ]

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """Train; data-parallel ranks first agree on the batches per epoch."""
        self.shards_ = Shards(self.data_parallel, check=False)
        own = len(TensorBatches(X, self.batch_size))
        self.n_batches_ = self.shards_.max_batches(own, self.device)
        with self._own_generators():
            return super().fit_loop(X, y, epochs=epochs, **fit_params)

    @contextmanager
    def _own_generators(self):
        """Give this training its generators: shuffling and dropout masks.

        They live for the time of training only (a pickled net holds none,
        and a CUDA generator would not unpickle on a CPU machine); each epoch
        seeds them anew (:meth:`on_epoch_begin`), so nothing of their state
        needs to outlive a call.
        """
        shuffle = torch.Generator()
        device = torch.device(self.device)
        dropout = shuffle if device.type == "cpu" else torch.Generator(device=device)
        layers = [m for m in self.module_.modules() if isinstance(m, SeededDropout)]
        self._shuffle_generator, self._dropout_generator = shuffle, dropout
        for layer in layers:
            layer.generator = dropout
        try:
            yield
        finally:
            for layer in layers:
                layer.generator = None
            self._shuffle_generator = self._dropout_generator = None

    def on_epoch_begin(self, net, **kwargs):
        """Open the epoch's history row, then seed this epoch's generators."""
        super().on_epoch_begin(net, **kwargs)
        seed = self.shards_.epoch_seed(self.random_seed, len(self.history))
        shuffle = getattr(self, "_shuffle_generator", None)
        dropout = getattr(self, "_dropout_generator", None)
        for generator in (shuffle, dropout if dropout is not shuffle else None):
            if generator is not None:
                generator.manual_seed(seed)

    def get_iterator(self, dataset, training=False):
        """Shuffled batches for training, ordered ones for validation."""
        if training:
            return TensorBatches(
                dataset,
                self.batch_size,
                shuffle=True,
                n_batches=getattr(self, "n_batches_", None),
                generator=getattr(self, "_shuffle_generator", None),
            )
        return TensorBatches(dataset, max(self.batch_size, PREDICT_BATCH_SIZE))

    def infer(self, x, **fit_params):
        """Run the module on a batch (its sample weights left out)."""
        inputs = {k: v.to(self.device) for k, v in x.items() if k != "sample_weight"}
        return self.module_(**inputs, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Mean loss of the batch, weighted by its sample weights if any.

        An ensemble's members (``y_pred`` of shape (batch, members,
        outputs), in training) each get the loss of every row; a row's loss
        is the mean over the members.
        """
        y_true = y_true.to(y_pred.device)
        n_members = y_pred.shape[1] if y_pred.dim() == 3 else 1
        if n_members > 1:
            y_pred = y_pred.flatten(0, 1)  # row i's members, then row i + 1's
            y_true = y_true.repeat_interleave(n_members, 0)
        if y_pred.shape[1] == 1:
            y_pred = y_pred[:, 0]
        loss = self.criterion_(y_pred, y_true)
        if n_members > 1:
            loss = loss.view(-1, n_members).mean(1)
        weight = X.get("sample_weight") if isinstance(X, Mapping) else None
        if weight is None:
            return loss.mean()
        return (loss * weight.to(loss.device)).mean()


class TemperatureScaling(Callback):
    """Fit the temperature on the validation rows at the end of every epoch.

    It keeps the validation batches' logits, targets and weights (those of
    every data-parallel rank), fits :func:`._calibration.fit_temperature`
    and records ``temperature`` and ``valid_loss_calibrated`` in the
    epoch's history row, which early stopping then watches.
    """

    def on_epoch_begin(self, net, **kwargs):
        self._batches = []

    def on_batch_end(self, net, batch=None, training=None, y_pred=None, **kwargs):
        """Keep a validation batch's logits, targets and weights."""
        if training or y_pred is None:
            return
        inputs, target = batch
        weight = inputs.get("sample_weight") if isinstance(inputs, Mapping) else None
        self._batches.append((y_pred.detach(), target, weight))

    def on_epoch_end(self, net, **kwargs):
        """Fit the temperature of this epoch and record it with its loss."""
        own, self._batches = getattr(self, "_batches", []), []
        mine = None
        if own:
            # the logits, the targets and the weights of this shard's batches
            mine = [_cat_cpu(part) for part in zip(*own, strict=True)]
        shards = [rows for rows in net.shards_.gather(mine) if rows is not None]
        if not shards:
            return
        logits, target, weight = (_cat_cpu(part) for part in zip(*shards, strict=True))
        temperature, loss = fit_temperature(logits, target, weight)
        net.history.record("temperature", temperature)
        net.history.record("valid_loss_calibrated", loss)


def _cat_cpu(tensors):
    """Concatenate tensors on the CPU (None when they are None: no weights)."""
    if tensors[0] is None:
        return None
    return torch.cat([t.cpu() for t in tensors])


class EpochLog(Callback):
    """Print one line per epoch: training loss, validation loss, seconds.

    Parameters
    ----------
    sink : callable, default=print
        Receives each line.
    """

    def __init__(self, sink=print):
        self.sink = sink

    def on_epoch_end(self, net, **kwargs):
        """Print the epoch's line from the history row skorch just filled."""
        row = net.history[-1]
        line = f"epoch {row['epoch']:>3}  loss {row['train_loss']:.4f}"
        if "valid_loss_calibrated" in row:
            watched = [r.get("valid_loss_calibrated", math.inf) for r in net.history]
            best = "  (best)" if min(watched) == watched[-1] else ""
            line += (
                f"  validation loss {row['valid_loss']:.4f}, at temperature "
                f"{row['temperature']:.2f} {row['valid_loss_calibrated']:.4f}{best}"
            )
        elif "valid_loss" in row:
            best = "  (best)" if row.get("valid_loss_best") else ""
            line += f"  validation loss {row['valid_loss']:.4f}{best}"
        self.sink(f"{line}  {row['dur']:.2f} s")


BatchProgress = progress_bar_class(ProgressBar)


def make_net(
    *,
    module_params: dict,
    n_outputs: int,
    criterion: tuple,
    wide_optimizer: OptimizerSpec,
    deep_optimizer: OptimizerSpec,
    batch_size: int,
    device: str,
    random_seed: int,
    callbacks: list,
    valid_data: TensorDataset | None,
    n_iter_no_change: int,
    verbose: int,
    tol: float = 0.0,
    data_parallel: bool = False,
    temperature_scaling: bool = False,
) -> WideDeepNet:
    """Build the (uninitialized) skorch net of a Wide & Deep estimator.

    ``criterion`` is ``(loss class, its parameters)``: a torch loss of the
    module's output and the target, computed per row (``reduction="none"``).
    With ``valid_data``, early stopping watches the validation loss, or with
    ``temperature_scaling`` the loss after :class:`TemperatureScaling`.
    """
    criterion, criterion_params = criterion
    calibrates = valid_data is not None and temperature_scaling
    # first: the others see the losses of all ranks, then the calibrated loss
    # (a user's callback, the log and early stopping may read it)
    first = Shards(data_parallel, check=False).callbacks()
    if calibrates:
        first.append(("temperature", TemperatureScaling()))
    callbacks = first + list(callbacks)
    if verbose >= 2:
        callbacks.append(("progress", BatchProgress()))
    if verbose >= 1:
        callbacks.append(("epoch_log", EpochLog()))
    if valid_data is not None:
        early_stopping = EarlyStopping(
            monitor="valid_loss_calibrated" if calibrates else "valid_loss",
            patience=n_iter_no_change,
            threshold=tol,
            threshold_mode="rel",
            load_best=True,
        )
        callbacks.append(("early_stopping", early_stopping))
    return WideDeepNet(
        WideDeepModule,
        criterion=criterion,
        criterion__reduction="none",
        **{f"criterion__{name}": value for name, value in criterion_params.items()},
        wide_optimizer=wide_optimizer,
        deep_optimizer=deep_optimizer,
        batch_size=batch_size,
        train_split=None if valid_data is None else predefined_split(valid_data),
        callbacks=callbacks,
        verbose=0,  # our own lines, not skorch's table (EpochLog)
        device=device,
        random_seed=random_seed,
        data_parallel=data_parallel,
        **{f"module__{name}": value for name, value in module_params.items()},
        module__n_outputs=n_outputs,
        module__random_seed=random_seed,
        module__sparse_wide=sparse_wide(
            wide_optimizer.optimizer, module_params["n_wide"]
        ),
        module__sparse_embedding_rows=(
            SPARSE_EMBEDDING_ROWS if deep_optimizer.optimizer in OPTIMIZERS else None
        ),
    )
