"""Every private scikit-learn name the package uses, imported in one place.

A scikit-learn release that moves one of these breaks this file only.
"""

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


__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "StrOptions",
    "_align_api_if_sparse",
    "_check_feature_names_in",
    "_fit_context",
]
