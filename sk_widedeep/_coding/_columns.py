"""Input checks shared by the estimators: X, column roles, sample weights.

Columns are named by label (a ``str``, for a DataFrame) or by position (an
``int``, for any input), as in :class:`~sklearn.compose.ColumnTransformer`.
Inside the estimators a column is always its position: scikit-learn's
``validate_data`` already guarantees that the columns seen at predict time are
the columns seen in fit, in the same order.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from .._common._compat import column_array
from ._bags import is_multi_valued, read_bags
from ._vocabulary import NUMBER_KINDS


def check_input(estimator, X, *, reset: bool):
    """Validate X and set (``reset=True``) or check its feature names and count.

    A DataFrame is returned as it is, so that each column keeps its dtype;
    anything else becomes a 2-d ndarray (numbers or objects). Fitting needs
    at least one row; transforming and predicting accept zero rows (an empty
    partition of a larger table) and give empty results.
    """
    X = _as_pandas(X)
    if sp.issparse(X):
        raise TypeError(
            f"{type(estimator).__name__} takes a dense array or a DataFrame of raw "
            "columns, not a sparse matrix. Pass the original data; the "
            "estimators build their own sparse features."
        )
    if hasattr(X, "iloc"):
        if reset or not _same_names(X, estimator):
            try:
                validate_data(estimator, X=X, reset=reset, skip_check_array=True)
            except ValueError as exc:
                if "feature names should match" not in str(exc):
                    raise
                raise ValueError(
                    f"{exc}Pass the columns seen in fit, in the same order, e.g. "
                    "X[model.feature_names_in_]."
                ) from None
        n_samples, n_features = X.shape
        if (reset and n_samples == 0) or n_features == 0:
            raise ValueError(
                f"Found array with {n_samples} sample(s) and {n_features} "
                f"feature(s) (shape={X.shape}) while a minimum of 1 sample and 1 "
                f"feature is required by {type(estimator).__name__}."
            )
        return X
    return validate_data(
        estimator,
        X=X,
        reset=reset,
        dtype=None,
        ensure_all_finite=False,
        ensure_min_samples=1 if reset else 0,
    )


SERIES_FIX = (
    "Pass a DataFrame: X[[column]] or series.to_frame() for one column, "
    "X.iloc[[i]] or row.to_frame().T for one row."
)


def _as_pandas(X):
    """Return a pandas DataFrame for another library's table, else X itself.

    A polars DataFrame, a pyarrow Table (anything with ``to_pandas`` that
    speaks the Arrow or dataframe-interchange protocol) is converted once,
    keeping its column names and dtypes, so that the transformers see names
    as they do in a pandas DataFrame. A Series (of pandas or another library)
    is refused: X is 2-dimensional.
    """
    original = type(X)
    if not isinstance(X, pd.DataFrame | pd.Series) and (
        callable(getattr(X, "to_pandas", None))
        and (hasattr(X, "__arrow_c_stream__") or hasattr(X, "__dataframe__"))
    ):
        try:
            X = X.to_pandas()
        except ImportError as exc:
            raise ImportError(
                f"Converting a {original.__module__}.{original.__name__} to pandas "
                f"needs an optional library: {exc}. Install it (pip install "
                "pyarrow), or pass a pandas DataFrame."
            ) from exc
    if isinstance(X, pd.Series):
        raise ValueError(
            f"Expected a 2-dimensional container but got {original} instead. "
            f"{SERIES_FIX}"
        )
    return X


def _same_names(X, estimator) -> bool:
    """Whether X's columns are exactly the names seen in fit.

    Then scikit-learn's checks of names and count would pass; skipping them
    saves a large share of the time to score a few rows.
    """
    names = getattr(estimator, "feature_names_in_", None)
    return names is not None and list(X.columns) == names.tolist()


def column_labels(X) -> list[str]:
    """Display name of every column: its label, or ``x<position>``."""
    if hasattr(X, "columns"):
        return [str(c) for c in X.columns]
    return [f"x{i}" for i in range(X.shape[1])]


IDENTIFIER_MIN_ROWS = 100
"""From this many rows, a categorical column with a different value in each
row is taken for an identifier, and fit warns about it."""

IDENTIFIER_WARNING = "like an identifier"
"""Words of that warning, to silence it: ``warnings.filterwarnings("ignore",
message=".*like an identifier")``."""


def warn_identifier(columns: Columns, position: int, n_values: int) -> None:
    """Warn when a categorical column holds a different value in every row.

    ``n_values`` is the number of values that fit kept for the column (all of
    them present, none missing, when it equals the number of rows). The
    warning is given once per column and :class:`Columns` object, so the
    classifier, whose two transformers share one, warns once.
    """
    n_rows = columns.n_rows
    if n_rows < IDENTIFIER_MIN_ROWS or n_values != n_rows:
        return
    label = columns.label(position)
    if label in columns.warned:
        return
    columns.warned.add(label)
    warnings.warn(
        f"Column {label!r} holds a different value in each of its {n_rows} rows, "
        f"{IDENTIFIER_WARNING} (a row or person id): the model can only learn "
        "each of them by heart, and knows none of the values of new rows. Drop "
        f"the column from X (e.g. X.drop(columns=[{label!r}])); if it is a "
        "feature on purpose, silence this warning with "
        "warnings.filterwarnings('ignore', message='.*like an identifier').",
        UserWarning,
        stacklevel=2,
    )


SEPARATOR_CANDIDATES = ("|", ";", ",")
"""Characters that :func:`warn_separated` looks for between values."""

SEPARATED_WARNING = "looks multi-valued"
"""Words of that warning, to silence it: ``warnings.filterwarnings("ignore",
message=".*looks multi-valued")``."""

SEPARATED_SAMPLE = 2000
"""Most distinct values of a column that :func:`warn_separated` reads."""


def warn_separated(columns: Columns, position: int, categories) -> None:
    """Warn when a text column looks like sets of values: ``"Comedy|Romance"``.

    ``categories`` are the distinct values fit kept for the column, which
    is read as one category per string. It looks multi-valued when at least
    half of them hold one of :data:`SEPARATOR_CANDIDATES` and their pieces
    repeat across them: fewer distinct pieces than values that hold the
    separator, as genres combine into more distinct strings than there are
    genres (``"Paris, France"``, whose pieces are as many as its values, is
    not warned of). Given once per column and :class:`Columns` object.
    """
    values = pd.Series(np.asarray(categories, dtype=object), dtype=object)
    if len(values) < 3 or pd.api.types.infer_dtype(values) != "string":
        return
    label = columns.label(position)
    if ("separated", label) in columns.warned:
        return
    if len(values) > SEPARATED_SAMPLE:  # evenly spread over the sorted values
        values = values.iloc[:: -(-len(values) // SEPARATED_SAMPLE)]
    for separator in SEPARATOR_CANDIDATES:
        holding = values[values.str.contains(separator, regex=False)]
        if len(holding) < max(3, len(values) / 2):
            continue
        pieces = holding.str.split(separator, regex=False).explode().str.strip()
        n_pieces = pieces[pieces != ""].nunique()
        if n_pieces >= len(holding):
            continue
        columns.warned.add(("separated", label))
        warnings.warn(
            f"Column {label!r} {SEPARATED_WARNING}: {len(holding)} of the "
            f"{len(values)} distinct values read hold {separator!r} (e.g. "
            f"{holding.iloc[0]!r}), and they are made of {n_pieces} distinct "
            "pieces. Each string is one category now (a combination is not "
            "known by its parts); to read a cell as its set of values, pass "
            f"separators={{{label!r}: {separator!r}}} to the transformers (on "
            f"the command line: --multi-valued {label}={separator}). If the "
            "strings are single values, silence this warning with "
            "warnings.filterwarnings('ignore', message='.*looks multi-valued').",
            UserWarning,
            stacklevel=2,
        )
        return


class Columns:
    """The columns of a validated X as 1-d arrays, each taken out of X once.

    A DataFrame column comes out as a numpy array when its dtype is a numpy
    dtype, else as its pandas extension array (strings, categoricals,
    nullable numbers), so nothing is converted that need not be. The
    transformers read their columns through this; the classifier makes one
    per call and shares it between its two transformers.

    Parameters
    ----------
    X : DataFrame or ndarray of shape (n_samples, n_features)
        Data already checked by :func:`check_input`.
    """

    def __init__(self, X):
        self.X = X
        self._arrays = {}
        self._floats = {}
        self._labels = None
        self._bags = {}
        self.warned = set()  # columns warned about (warn_identifier)

    @property
    def n_rows(self) -> int:
        """Number of rows of X."""
        return self.X.shape[0]

    def label(self, position: int) -> str:
        """Display name of a column (for error messages)."""
        if self._labels is None:
            self._labels = column_labels(self.X)
        return self._labels[position]

    def __getitem__(self, position: int):
        """Return the column at ``position``, as an array."""
        if position not in self._arrays:
            values = _column_array(self.X, position)
            check_not_complex(values, self.label(position))
            self._arrays[position] = values
        return self._arrays[position]

    def bags(self, position: int, separator: str | None = None):
        """Return the values of a multi-valued column, row by row (a Ragged).

        Read once per separator: the two parts of a model may split one
        column on different separators, and each gets its own split.
        """
        key = (position, separator)
        if key not in self._bags:
            self._bags[key] = read_bags(self[position], self.label(position), separator)
        return self._bags[key]

    def floats(self, position: int) -> np.ndarray:
        """Return the column at ``position`` as float64, missing values as NaN."""
        if position not in self._floats:
            self._floats[position] = as_float(self[position], self.label(position))
        return self._floats[position]


def _column_array(X, position: int):
    if not hasattr(X, "iloc"):
        return X[:, position]
    array = column_array(X, position)
    if array is not None:
        return array
    series = X.iloc[:, position]
    return series.to_numpy() if isinstance(series.dtype, np.dtype) else series.array


def multi_valued(columns: Columns, separators, X, among) -> dict:
    """Position of every multi-valued column ``among`` these, and its separator.

    A column is multi-valued when ``separators`` names it (its cells are
    strings of values; its separator is returned) or when its cells are
    lists (detected; None is returned). Only the positions ``among`` are
    looked at, so that columns a transformer does not use are never read.
    """
    declared = {}
    if separators:
        if not isinstance(separators, dict):
            raise TypeError(
                f"separators must be a dict from column to separator, e.g. "
                f"{{'genres': '|'}}; got {type(separators).__name__}."
            )
        positions = resolve_columns(list(separators), X, param="separators")
        for position, separator in zip(positions, separators.values(), strict=True):
            if not isinstance(separator, str) or not separator:
                raise ValueError(
                    f"separators[{columns.label(position)!r}] must be a non-empty "
                    f"string, e.g. '|'; got {separator!r}."
                )
            declared[position] = separator
    among = list(dict.fromkeys(among))
    found = {
        p: None for p in among if p not in declared and is_multi_valued(columns[p])
    }
    return {
        p: declared.get(p, found.get(p)) for p in among if p in declared or p in found
    }


def check_not_complex(values, label: str) -> None:
    """Refuse a column of complex numbers: no part of the model takes them."""
    if getattr(values.dtype, "kind", None) == "c":
        raise TypeError(
            f"Column {label!r} holds complex numbers, which the model cannot use "
            "(its buckets, scalings and vocabularies take real numbers; numpy "
            "would silently drop the imaginary part). Pass the real and "
            f"imaginary parts as two columns, np.real(X[{label!r}]) and "
            f"np.imag(X[{label!r}]), or the magnitude np.abs(X[{label!r}]), or "
            "drop the column."
        )


def resolve_columns(columns: Sequence, X, *, param: str) -> list[int]:
    """Positions of the named columns; a clear error for unknown names."""
    labels = list(X.columns) if hasattr(X, "columns") else None
    n_features = X.shape[1]
    positions = []
    for column in columns:
        if isinstance(column, Integral) and not isinstance(column, bool):
            if not -n_features <= column < n_features:
                raise ValueError(
                    f"{param} names column position {column}, but X has only "
                    f"{n_features} columns."
                )
            positions.append(int(column) % n_features)
        elif isinstance(column, str):
            if labels is None:
                raise ValueError(
                    f"{param} names column {column!r}, but X is an array without "
                    "column names. Pass a pandas DataFrame, or name columns by "
                    "position (int)."
                )
            if column not in labels:
                raise ValueError(
                    f"{param} names column {column!r}, which is not in X. The "
                    f"columns of X are: {[str(c) for c in labels]}."
                )
            positions.append(labels.index(column))
        else:
            raise TypeError(
                f"{param} must name columns by label (str) or position (int); got "
                f"{column!r} of type {type(column).__name__}."
            )
    return positions


def is_numeric(values) -> bool:
    """Whether a column holds numbers, judged from its dtype.

    Booleans and pandas categoricals are not numeric; an object column is
    numeric when it holds numbers and nothing else but missing values (an
    object column of missing values only is not numeric).
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return False
    if pd.api.types.is_numeric_dtype(dtype):
        return True
    if pd.api.types.is_object_dtype(dtype):
        return pd.api.types.infer_dtype(values, skipna=True) in NUMBER_KINDS
    return False


def as_float(values, label: str) -> np.ndarray:
    """Convert a numeric column to float64, missing values (None, pd.NA) to NaN."""
    try:
        if isinstance(values, np.ndarray) and values.dtype != object:
            return values.astype(np.float64, copy=False)
        if not hasattr(values, "to_numpy"):  # an object array: via pandas for pd.NA
            values = pd.array(values, dtype=object)
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"Column {label!r} is used as a numeric column, but it holds values "
            f"that are not numbers ({exc}). Convert the column to numbers, or "
            "name it as a categorical column."
        ) from exc


def check_sample_weight(sample_weight, n_samples: int) -> np.ndarray:
    """Sample weights as float64, checked: right length, finite, not negative.

    The weights are returned as given; :func:`scale_to_max` brings them to at
    most 1 before any sum, so that weights near the float64 maximum (1e308)
    do not overflow.
    """
    weight = np.asarray(sample_weight, dtype=np.float64)
    if weight.ndim == 0:
        weight = np.full(n_samples, float(weight))
    if weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {weight.shape}, expected ({n_samples},): one "
            "weight per row of X."
        )
    if not np.isfinite(weight).all():
        raise ValueError("sample_weight contains NaN or infinity; give finite weights.")
    if (weight < 0).any():
        raise ValueError(
            "sample_weight contains negative values; weights must be >= 0."
        )
    if not weight.any():
        raise ValueError(
            "Sample weights must contain at least one non-zero number: "
            "sample_weight gives every row weight 0."
        )
    return weight


def scale_to_max(values: np.ndarray) -> np.ndarray:
    """Divide non-negative values by their maximum (all zeros stay zeros).

    Only the ratios of sample and class weights matter; in units of the
    largest, their sums cannot overflow.
    """
    peak = values.max(initial=0.0)
    return values / peak if peak > 0 else values
