"""Every private scikit-learn and torch name the package uses, in one place.

A scikit-learn or torch release that moves one of these breaks this file only.
The torch helpers import torch when called, so that the transformers, which
import this module, stay free of torch.
"""

import inspect
import sys

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    StrOptions,
)
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


__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "StrOptions",
    "_align_api_if_sparse",
    "_check_feature_names_in",
    "_fit_context",
    "defer_dynamo_import",
    "plain_step",
]
