"""The two parts' transformers: resolved, fitted, and turned into arrays.

``wide`` and ``deep`` are ``"auto"``, ``None``, a transformer (cloned and
fitted) or a :class:`~sklearn.frozen.FrozenEstimator` (used as fitted). A
transformer that speaks the network protocol of :mod:`._transformer` hands
its arrays over directly; any other is used through its public output: the
wide part's as sparse (index, value) pairs, the deep part's as dense
continuous inputs.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.utils.validation import check_is_fitted

from .._coding._columns import Columns
from .._common._ragged import Ragged
from ._cross_product import CrossProductTransformer
from ._embedding import EmbeddingEncoder

AUTO = {"wide": CrossProductTransformer, "deep": EmbeddingEncoder}
"""The transformer each part gets for ``"auto"``."""


def speaks_protocol(transformer, part: str) -> bool:
    """Whether the transformer hands the network ``part``'s arrays itself."""
    return getattr(transformer, "__widedeep_part__", None) == part


def resolve_parts(wide, deep, *, frozen_only: bool):
    """Return the (unfitted or frozen) transformers of the two parts.

    With ``frozen_only`` (data-parallel ranks), each part must be None or
    frozen: fitted on each rank's own rows, vocabularies would differ.
    """
    parts = {}
    for name, part in (("wide", wide), ("deep", deep)):
        if frozen_only and part is not None and not isinstance(part, FrozenEstimator):
            kind = AUTO[name].__name__
            example = f"{kind}()" if part == "auto" else "the transformer"
            raise ValueError(
                f"data_parallel=True needs {name} fitted beforehand, the same "
                "on every rank (fitted on each rank's own rows, the "
                "vocabularies would differ): fit it on a sample that every "
                f"rank reads, e.g. {name}=FrozenEstimator({example}"
                ".fit(sample)) with sklearn.frozen.FrozenEstimator, or set "
                f"{name}=None."
            )
        parts[name] = AUTO[name]() if part == "auto" else part
    if parts["wide"] is None and parts["deep"] is None:
        raise ValueError(
            "wide and deep are both None: keep at least one part of the model."
        )
    return parts["wide"], parts["deep"]


def fit_parts(wide, deep, X, feature_names_in):
    """Fit clones of the parts on X (validated); frozen ones are used as fitted.

    Returns
    -------
    wide_, deep_ : transformer or None
        The fitted transformers.
    inputs : dict of str to ndarray
        The network's input arrays for X.
    n_wide : int
        Width of the wide input.
    """
    wide_, fit_wide = _part(wide, X, "wide", feature_names_in)
    deep_, fit_deep = _part(deep, X, "deep", feature_names_in)
    inputs, n_wide = feature_arrays(wide_, deep_, X, fit_wide, fit_deep)
    return wide_, deep_, inputs, n_wide


def _part(transformer, X, name, columns):
    """Return the fitted transformer of a part, and whether it needs fitting."""
    if transformer is None:
        return None, False
    if not isinstance(transformer, FrozenEstimator):
        return clone(transformer), True
    fitted = transformer.estimator
    check_is_fitted(fitted)
    seen = getattr(fitted, "feature_names_in_", None)
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


def feature_arrays(wide, deep, X, fit_wide=False, fit_deep=False):
    """Build the network's input arrays for X (validated), and the wide width.

    The transformers named by ``fit_wide`` and ``fit_deep`` are fitted on X
    on the way.
    """
    columns = Columns(X)
    inputs = {}
    n_wide = 0
    if speaks_protocol(wide, "wide"):
        call = wide.__widedeep_fit__ if fit_wide else None
        inputs.update(call(X, columns) if call else wide.__widedeep_arrays__(columns))
        n_wide = wide.n_output_features_
    elif wide is not None:
        Xt = wide.fit_transform(X) if fit_wide else wide.transform(X)
        inputs["wide_indices"], inputs["wide_values"] = _padded_sparse(Xt)
        n_wide = Xt.shape[1]
    if speaks_protocol(deep, "deep"):
        call = deep.__widedeep_fit__ if fit_deep else None
        inputs.update(call(X, columns) if call else deep.__widedeep_arrays__(columns))
    elif deep is not None:
        Xt = deep.fit_transform(X) if fit_deep else deep.transform(X)
        inputs["continuous"] = _dense_float32(Xt)
    return inputs, n_wide


def unseen_slots(wide, deep) -> tuple[list, list]:
    """Return the parts' unseen slots (``__widedeep_unseen__``), or none."""
    return tuple(
        getattr(part, "__widedeep_unseen__", list)()
        if speaks_protocol(part, name)
        else []
        for part, name in ((wide, "wide"), (deep, "deep"))
    )


def slot_counts(inputs, n_wide: int, deep_slots) -> tuple[np.ndarray, dict]:
    """Training rows of each wide slot and of each code of the ``deep_slots``.

    Returns
    -------
    wide_counts : ndarray of int64 of shape (n_wide,)
    deep_counts : dict of int to ndarray of int64
        For each embedded input of ``deep_slots``, the rows of each code.
    """
    wide_counts = np.zeros(n_wide, dtype=np.int64)
    indices = inputs.get("wide_indices")
    if indices is not None and n_wide:
        flat = indices.values if isinstance(indices, Ragged) else np.ravel(indices)
        wide_counts = np.bincount(flat, minlength=n_wide)
    deep_counts = {
        j: np.bincount(inputs["categorical"][:, j], minlength=stop + 1)
        for j, _, stop in deep_slots
    }
    return wide_counts, deep_counts


def deep_layout(deep) -> dict:
    """Return the deep part's layout (read by :func:`._module.network_params`).

    A transformer without the network protocol hands over dense continuous
    inputs only: no embedded input, nothing periodic.
    """
    if speaks_protocol(deep, "deep"):
        return deep.__widedeep_layout__()
    return {}


def output_names(transformer) -> np.ndarray:
    """Output feature names of a transformer (an error when it has none)."""
    if hasattr(transformer, "get_feature_names_out"):
        return np.asarray(transformer.get_feature_names_out(), dtype=object)
    raise ValueError(
        f"{type(transformer).__name__} has no get_feature_names_out, so its outputs "
        "cannot be matched by name."
    )


def text_columns(*transformers) -> list:
    """Columns that held strings when the (protocol) transformers were fitted."""
    columns = []
    for transformer in transformers:
        if hasattr(transformer, "__widedeep_text_columns__"):
            columns += transformer.__widedeep_text_columns__()
    return list(dict.fromkeys(columns))


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
