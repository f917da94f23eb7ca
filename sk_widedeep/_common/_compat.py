"""Every private name of a library the package uses, in one place.

scikit-learn, pandas, torch and skorch: a release that moves one of these
breaks this file only. The torch and skorch helpers import nothing of
theirs at module level (they are handed the objects, or import torch when
called), so that the transformers, which import this module, stay free of
torch.
"""

import inspect
import sys

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
)
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import _check_feature_names_in

try:  # scikit-learn >= 1.9: the sparse interface follows `set_config`.
    from sklearn.utils._sparse import _align_api_if_sparse
except ImportError:  # pragma: no cover - older releases return spmatrix only

    def _align_api_if_sparse(X):
        return X


DYNAMO_DISABLED_METHODS = (
    "add_param_group",
    "load_state_dict",
    "state_dict",
    "zero_grad",
)
"""Methods of ``torch.optim.Optimizer`` decorated with ``torch._disable_dynamo``."""


def defer_dynamo_import():
    """Let torch's optimizers run without importing ``torch._dynamo`` first.

    torch decorates a few ``Optimizer`` methods with ``torch._disable_dynamo``,
    which imports ``torch._dynamo`` (about 1.3 s, and 150 MB, on our 2-core
    reference machine) the first time one of them runs, only to exclude them
    from ``torch.compile``. The decorator caches the excluded function in the
    attribute ``__dynamo_disable`` of the original one; we fill that cache
    with a function that calls the original directly while ``torch._dynamo``
    is not loaded (nothing can be compiling then) and hands over to the real
    exclusion as soon as anyone has loaded it. Behaviour under
    ``torch.compile`` is unchanged. Does nothing if torch's layout differs.
    """
    import torch

    for name in DYNAMO_DISABLED_METHODS:
        original = getattr(getattr(torch.optim.Optimizer, name), "__wrapped__", None)
        if original is None or getattr(original, "__dynamo_disable", None):
            continue
        setattr(original, "__dynamo_disable", _until_dynamo_loaded(original))


def _until_dynamo_loaded(original):
    def call(*args, **kwargs):
        dynamo = sys.modules.get("torch._dynamo")
        if dynamo is None:
            return original(*args, **kwargs)
        excluded = dynamo.disable(original, True, wrapping=False)
        setattr(original, "__dynamo_disable", excluded)
        return excluded(*args, **kwargs)

    return call


def plain_step(optimizer_class):
    """Return the ``step`` of a torch optimizer class without torch's decorators.

    ``Adam``, ``Adagrad`` and ``SGD`` wrap their step in
    ``_use_grad_for_differentiable``, which imports ``torch._dynamo`` at the
    first step and otherwise only disables gradients (``differentiable`` is
    False for us). Callers run the plain step under ``torch.no_grad()``.
    """
    return inspect.unwrap(optimizer_class.step)


def fused_adam_step(group: dict, params: list, state: dict) -> bool:
    """One step of torch's fused Adam kernel on a group of dense parameters.

    ``torch.optim.Adam(fused=True)`` calls the same kernel
    (``torch._fused_adam_``) after regrouping the parameters by device and
    dtype at every step, which costs three times the kernel itself on the
    few small tensors of our model. This is that call without the
    regrouping: the same arithmetic and the same state (``step``,
    ``exp_avg``, ``exp_avg_sq`` per parameter). Returns False, having done
    nothing, where torch's own step must run instead (a state not made yet,
    options the kernel call here does not pass on, a sparse gradient).
    """
    import torch

    if (
        group["amsgrad"]
        or group["maximize"]
        or group["capturable"]
        or group["differentiable"]
        or group["decoupled_weight_decay"]
        or torch.is_tensor(group["lr"])
    ):
        return False
    params = [p for p in params if p.grad is not None]
    states = [state.get(p) for p in params]
    if not params or not all(states) or any(p.grad.is_sparse for p in params):
        return False
    beta1, beta2 = group["betas"]
    steps = [s["step"] for s in states]
    torch._foreach_add_(steps, 1)
    torch._fused_adam_(
        params,
        [p.grad for p in params],
        [s["exp_avg"] for s in states],
        [s["exp_avg_sq"] for s in states],
        [],
        steps,
        amsgrad=False,
        lr=group["lr"],
        beta1=beta1,
        beta2=beta2,
        weight_decay=group["weight_decay"],
        eps=group["eps"],
        maximize=False,
        grad_scale=None,
        found_inf=None,
    )
    return True


def column_array(frame, position: int):
    """One column of a DataFrame as its array, through pandas' own accessor.

    ``DataFrame._get_column_array`` is 30 times faster than
    ``frame.iloc[:, position]`` and gives the same values
    (``tests/test_columns.py``); None when this pandas lacks it.
    """
    get_array = getattr(frame, "_get_column_array", None)
    return None if get_array is None else get_array(position)


class SkorchNetHooks:
    """The parts of skorch's ``NeuralNet`` we reach below its public API.

    A mixin placed before ``NeuralNet`` in a subclass's bases: it names
    skorch's private methods once, so the net's code calls these instead.
    """

    def zero_grad_all(self):
        """Set the gradients of every optimizer's parameters to None."""
        self._zero_grad_optimizer(set_to_none=True)

    def step_all(self):
        """Step every optimizer once (skorch's closure-free step)."""
        self._step_optimizer(None)

    def optimizer_names(self) -> list:
        """Names of the net's optimizers; each lives in attribute ``name + "_"``."""
        return list(self._optimizers)

    def _set_training(self, training=True):
        """Switch train/eval mode only when it changes (skorch asks every batch)."""
        if self.module_.training != training:
            super()._set_training(training)


def patience_exhausted(early_stopping) -> bool:
    """Whether a skorch ``EarlyStopping`` callback ended the training."""
    return early_stopping.misses_ >= early_stopping.patience


def progress_bar_class(base):
    """Make skorch's ``ProgressBar`` count the batches our iterators make.

    skorch's bar sizes itself by a private hook; ours asks the net's own
    iterator, so that the bar ends full from the first epoch (the
    validation rows go in large batches).
    """

    class BatchProgress(base):
        def __init__(self):
            super().__init__(postfix_keys=["train_loss"])

        def _get_batches_per_epoch_phase(self, net, dataset, training):
            if dataset is None:
                return 0
            return len(net.get_iterator(dataset, training=training))

    BatchProgress.__doc__ = "skorch's progress bar (tqdm, on stderr) over each epoch."
    return BatchProgress


__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_align_api_if_sparse",
    "_check_feature_names_in",
    "_fit_context",
    "_get_output_config",
    "column_array",
    "patience_exhausted",
    "progress_bar_class",
    "SkorchNetHooks",
    "defer_dynamo_import",
    "fused_adam_step",
    "plain_step",
]
