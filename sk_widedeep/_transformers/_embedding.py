"""EmbeddingEncoder: the deep part's integer codes and scaled numbers."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._coding._bags import COMBINERS, sorted_positions
from .._coding._coders import DeepCoders, fit_categorical_coder
from .._coding._columns import (
    column_labels,
    is_numeric,
    multi_valued,
    resolve_columns,
)
from .._coding._scaling import _ContinuousScaler
from .._coding._vocabulary import (
    NumberCodes,
    count_threshold,
    feature_name,
)
from .._common._compat import Interval, StrOptions, _check_feature_names_in
from .._common._docstrings import fill_docstring
from .._common._ragged import Ragged
from ._transformer import ColumnEncoder

MAX_AUTO_EMBEDDING_DIM = 32
"""The paper's embedding size: ``"auto"``'s for large vocabularies."""

SMALL_EMBEDDING_DIM = 8
"""``"auto"``'s size for small vocabularies and for the codes of numbers."""

LARGE_VOCABULARY = 256
"""``"auto"`` gives :data:`MAX_AUTO_EMBEDDING_DIM` from this many codes."""


def auto_embedding_dim(n_codes: int, number_codes: bool = False) -> int:
    """Apply the ``"auto"`` rule: 8, or 32 for a column of 256 codes or more.

    The codes of a number (``<column>_code``) get 8 whatever their count:
    they add exact values to the number's piecewise-linear encoding, which
    carries its shape. Two sizes make at most two embedding tables, each read
    with one lookup per batch (:mod:`._module`).
    """
    if number_codes or n_codes < LARGE_VOCABULARY:
        return SMALL_EMBEDDING_DIM
    return MAX_AUTO_EMBEDDING_DIM


def fourth_root_embedding_dim(n_codes: int) -> int:
    """Apply the ``"fourth_root"`` rule: ``min(32, ceil(6 * n_codes ** 0.25))``."""
    return min(MAX_AUTO_EMBEDDING_DIM, math.ceil(6 * n_codes**0.25))


class EmbeddingEncoder(ColumnEncoder):
    r"""Integer codes and scaled numbers: the deep part's input.

    Each categorical column becomes integer codes, ``1..n`` for the values kept in
    fit, 0 for every other value (unknown or rare) and ``n + 1`` for a missing
    value: the rows of its embedding table. Each continuous column becomes, by
    default, a piecewise-linear encoding over its training quantiles (or one scaled
    value: zero mean and unit variance, or the paper's CDF scaling), its missing
    values filled with the training median; a column with missing values in fit also
    gets a 0/1 missing-indicator column. With ``embed_continuous=True`` each
    continuous column is also embedded: its frequent numbers get codes of their own
    and the others the code of their quantile bucket. No NaN ever comes out. With
    ``hash_buckets`` the categorical columns keep no vocabulary: their values are
    hashed into a fixed number of codes, so the embedding tables' sizes are known
    before any data is seen.

    Parameters
    ----------
    categorical : "auto" or list of str or int, default="auto"
        Columns to embed, named by label (str, for a DataFrame) or position
        (int). ``"auto"`` takes the columns that are not numeric (strings,
        booleans, pandas categoricals, objects) and not named in
        ``continuous``. Name integer ids (user or item ids) here explicitly.
    continuous : "auto" or list of str or int, default="auto"
        Columns to scale. ``"auto"`` takes the numeric columns not named in
        ``categorical``.
    embedding_dim : int, dict, "auto" or "fourth_root", default="auto"
        Embedding size of every embedded column: one int for all, a dict
        from column name to int (columns left out use ``"auto"``), or a
        rule. ``"auto"``: 8 for a column of fewer than 256 codes and for the
        codes of numbers, the paper's 32 for larger vocabularies (ids); two
        sizes make at most two embedding tables, which keeps a training
        step cheap, and matched the fourth-root rule's validation scores
        (``docs/performance.rst``). ``"fourth_root"``:
        ``min(32, ceil(6 * n ** 0.25))`` for a column with ``n`` codes, a
        common rule of thumb (the default until this release).
    min_frequency : int, float or None, default=None
        A categorical value seen fewer times in fit gets code 0: an int is a
        count, a float in (0, 1) a fraction of the rows. ``None`` keeps every
        value seen. Hashing keeps no counts: setting both ``min_frequency``
        and ``hash_buckets`` is an error.
    hash_buckets : int or None, default=None
        ``None`` keeps a vocabulary per categorical column (codes ``1..n``
        for the values kept in fit). An int is the vocabulary-free mode:
        every categorical column gets exactly ``hash_buckets`` codes, 0 for
        missing values and ``1..hash_buckets - 1`` into which its values,
        seen in fit or not, are hashed with a stable 64-bit hash (the same
        in every process and on every machine), so its embedding table has
        ``hash_buckets`` rows and ``embedding_dim="auto"`` depends on
        ``hash_buckets`` alone. Distinct values may share a code: see
        "Vocabulary-free mode" in the user guide for the collision rate.
        Continuous columns are not affected.
    scaling : {"standard", "quantile"} or None, default="standard"
        ``"standard"`` subtracts the mean and divides by the standard
        deviation; ``"quantile"`` maps each value to its empirical CDF in
        [0, 1] (the paper's normalization, slightly worse on our benchmarks);
        ``None`` leaves values as they are.
    n_quantiles : int, default=1000
        Number of reference quantiles of ``scaling="quantile"`` (at most the
        number of rows).
    embed_continuous : bool, default=True
        Also embed each continuous column, as a categorical input named
        ``<column>_code``: a number seen at least ``min_number_frequency``
        times is a category of its own, any other number falls in one of
        ``n_bins`` quantile buckets of the others. This lets the network learn
        any function of a number, exact values included (on Adult, where
        some capital gains nearly decide the label, it lifts the test AUC
        from 0.915 to 0.930 beside the piecewise-linear encoding).
    min_number_frequency : int or float, default=5
        How often a number must occur in fit to get a code of its own: an int
        is a count, a float in (0, 1) a fraction of the rows.
    n_bins : int, default=32
        Number of quantile buckets of a continuous column: for the numbers
        without a code of their own, and the pieces of
        ``continuous_encoding="piecewise_linear"``.
    continuous_encoding : str, default="piecewise_linear"
        How each continuous column enters the network besides its code:
        ``"scaled"``, ``"piecewise_linear"`` or ``"periodic"``.
        ``"scaled"`` gives one input, the value after ``scaling``.
        ``"piecewise_linear"`` gives one input per quantile bucket (at most
        ``n_bins``): 1 for the buckets below the value, the value's position
        within its own bucket, 0 above, so the first layer can weight every
        range of the number differently (``scaling`` is then unused).
        ``"periodic"`` gives the scaled value and asks
        :class:`WideDeepClassifier` to embed it through learned sines and
        cosines. Both are from Gorishniy et al. [2]_; see the Notes.
    extrapolate : bool, default=True
        With ``"piecewise_linear"``, let the outer pieces go on past the
        training range: below the smallest edge the first piece becomes
        negative, above the largest the last one grows past 1, smoothly
        bounded at 3 piece widths (``t -> 3 t / sqrt(9 + t**2)`` of the
        excess ``t``), so that the network can extrapolate a trend past the
        values it saw instead of giving every larger value the largest one's
        inputs. ``False``: the pieces end flat (0 below, 1 above).
    separators : dict of str or int to str, or None, default=None
        Multi-valued categorical columns whose cells are strings of values,
        and the string between two values, e.g. ``{"genres": "|"}``.
        Columns whose cells are lists, tuples, sets or arrays (or pyarrow
        and polars list columns) are multi-valued without being named here.
        A multi-valued column gets one embedding per row, pooled over the
        embeddings of the row's values by ``combiner`` (unknown and rare
        values are skipped; an empty cell pools to zeros, a missing one to
        the missing slot's embedding).
    combiner : {"mean", "sum", "sqrtn"}, default="mean"
        How a multi-valued column's embeddings are pooled: their mean, their
        sum, or their sum over the square root of their number (TensorFlow's
        combiners).

    Attributes
    ----------
    categorical_columns_ : list of str
        Names of the embedded columns, in output order: the single-valued
        ones, then the multi-valued ones.
    multi_valued_columns_ : list of str
        Names of the multi-valued columns.
    continuous_columns_ : list of str
        Names of the scaled columns, in output order.
    categories_ : list of ndarray or None
        Values kept for each categorical column; code ``k`` is
        ``categories_[j][k - 1]``. ``None`` for a hashed column
        (``hash_buckets``), which keeps no values.
    embedded_features_ : list of str
        Names of the embedded inputs: the single-valued categorical columns,
        then ``<column>_code`` for each continuous column when
        ``embed_continuous=True``, then the multi-valued columns.
    cardinalities_ : ndarray of int
        Number of codes of each embedded input (code 0 included): the rows of
        its embedding table.
    embedding_dims_ : ndarray of int
        Embedding size of each embedded input.
    fill_values_ : ndarray of float
        Training median of each continuous column, which replaces its
        missing values.
    indicator_columns_ : list of str
        Continuous columns that had missing values in fit; each gets a 0/1
        column ``<name>_missing`` at the end of the output.
    bin_edges_ : list of ndarray or None
        Edges of the buckets of each continuous column's piecewise-linear
        encoding; None unless ``continuous_encoding="piecewise_linear"``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has feature
        names that are all strings.

    See Also
    --------
    CrossProductTransformer : One-hot and cross features for the wide part.
    WideDeepClassifier : The joint model that uses both transformers.
    sklearn.preprocessing.OrdinalEncoder : Integer codes without an other slot.
    sklearn.preprocessing.QuantileTransformer : CDF scaling on its own.

    Notes
    -----
    The output columns are the codes of the embedded inputs (as floats), then
    a 0/1 column ``<name>=<value>`` for each known value of each
    multi-valued column, then the scaled continuous columns, then the
    missing indicators. With
    ``scaling="quantile"`` a value :math:`x` becomes the empirical CDF
    :math:`\hat{F}(x) = P(X \le x)`, linearly interpolated between
    ``n_quantiles`` quantiles. The paper uses the step version, the index of
    :math:`x`'s quantile divided by ``n_q - 1``; the interpolated CDF has the
    same range and ordering but does not lose resolution within a quantile.

    With ``continuous_encoding="piecewise_linear"`` and bucket edges
    :math:`b_0 < b_1 < \dots < b_T` (training quantiles), input :math:`t` of
    a value :math:`x` is

    .. math::

        e_t(x) = \min\left(1, \max\left(0,
        \frac{x - b_{t-1}}{b_t - b_{t-1}}\right)\right),
        \quad t = 1, \dots, T,

    so values beyond the training range map to the ends. With
    ``"periodic"``, the network maps a scaled value :math:`x` to
    :math:`\mathrm{ReLU}(W [\sin(2 \pi c x), \cos(2 \pi c x)])` with
    learned frequencies :math:`c` and weights :math:`W` of its own
    (Gorishniy et al.'s "PLR" embedding).

    References
    ----------
    .. [1] H.-T. Cheng et al., "Wide & Deep Learning for Recommender Systems",
       DLRS 2016, :arxiv:`1606.07792`.
    .. [2] Y. Gorishniy, I. Rubachev and A. Babenko, "On Embeddings for
       Numerical Features in Tabular Deep Learning", NeurIPS 2022,
       :arxiv:`2203.05556`.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sk_widedeep import EmbeddingEncoder
    >>> X = pd.DataFrame({"city": ["Paris", "Rome", "Paris", None],
    ...                   "age": [20.0, 30.0, np.nan, 40.0]})
    >>> enc = EmbeddingEncoder(embed_continuous=False, n_bins=2).fit(X)
    >>> enc.transform(X)
    array([[1., 0., 0., 0.],
           [2., 1., 0., 0.],
           [1., 1., 0., 1.],
           [3., 1., 1., 0.]])
    >>> enc.cardinalities_.tolist(), enc.embedding_dims_.tolist()
    ([4], [8])
    >>> enc.get_feature_names_out().tolist()
    ['city', 'age_piece0', 'age_piece1', 'age_missing']
    >>> enc.bin_edges_
    [array([20., 30., 40.])]

    One scaled value per number instead:

    >>> scaled = EmbeddingEncoder(continuous_encoding="scaled", embed_continuous=False)
    >>> scaled = scaled.fit(X)
    >>> scaled.transform(X).round(3)
    array([[ 1.   , -1.225,  0.   ],
           [ 2.   ,  0.   ,  0.   ],
           [ 1.   ,  0.   ,  1.   ],
           [ 3.   ,  1.225,  0.   ]])

    With ``embed_continuous=True`` (the default), ``age`` is embedded too,
    here every age seen at least once getting a code of its own:

    >>> enc.set_params(embed_continuous=True, min_number_frequency=1).fit(X)
    EmbeddingEncoder(min_number_frequency=1, n_bins=2)
    >>> enc.embedded_features_
    ['city', 'age_code']
    >>> enc.transform(X)[:, 1].tolist()
    [1.0, 2.0, 0.0, 3.0]

    With ``hash_buckets``, ``city`` has 16 codes whatever the data:

    >>> hashed = EmbeddingEncoder(hash_buckets=16, embed_continuous=False).fit(X)
    >>> hashed.cardinalities_.tolist(), hashed.categories_
    ([16], [None])
    >>> hashed.transform(X)[:, 0].tolist()
    [15.0, 14.0, 15.0, 0.0]
    """

    _parameter_constraints: dict = {
        "categorical": [StrOptions({"auto"}), list, tuple],
        "continuous": [StrOptions({"auto"}), list, tuple],
        "embedding_dim": [
            Interval(Integral, 1, None, closed="left"),
            dict,
            StrOptions({"auto", "fourth_root"}),
        ],
        "min_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
            None,
        ],
        "hash_buckets": [Interval(Integral, 2, None, closed="left"), None],
        "scaling": [StrOptions({"quantile", "standard"}), None],
        "n_quantiles": [Interval(Integral, 2, None, closed="left")],
        "embed_continuous": ["boolean"],
        "min_number_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
        ],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "continuous_encoding": [StrOptions({"scaled", "piecewise_linear", "periodic"})],
        "extrapolate": ["boolean"],
        "separators": [dict, None],
        "combiner": [StrOptions(set(COMBINERS))],
    }

    __widedeep_part__ = "deep"

    def __init__(
        self,
        *,
        categorical="auto",
        continuous="auto",
        embedding_dim="auto",
        min_frequency=None,
        hash_buckets=None,
        scaling="standard",
        n_quantiles=1000,
        embed_continuous=True,
        min_number_frequency=5,
        n_bins=32,
        continuous_encoding="piecewise_linear",
        extrapolate=True,
        separators=None,
        combiner="mean",
    ):
        self.categorical = categorical
        self.continuous = continuous
        self.embedding_dim = embedding_dim
        self.min_frequency = min_frequency
        self.hash_buckets = hash_buckets
        self.scaling = scaling
        self.n_quantiles = n_quantiles
        self.embed_continuous = embed_continuous
        self.min_number_frequency = min_number_frequency
        self.n_bins = n_bins
        self.continuous_encoding = continuous_encoding
        self.extrapolate = extrapolate
        self.separators = separators
        self.combiner = combiner

    def _fit(self, X, columns, dtype):
        """Learn codes and scalings; return X's encoding (see :meth:`_encode`)."""
        labels = column_labels(X)
        self._categorical, self._continuous = self._resolve_roles(X, columns)
        multi = multi_valued(
            columns, self.separators, X, among=self._categorical + self._continuous
        )
        named = [labels[p] for p in self._continuous if p in multi]
        if named:
            raise ValueError(
                f"Columns {named} are multi-valued (lists of values, or strings "
                "with a separator) but named continuous: a multi-valued column "
                "is categorical. Name it in categorical, or leave the roles to "
                "'auto'."
            )
        self._multi = {p: multi[p] for p in self._categorical if p in multi}
        self._categorical = [p for p in self._categorical if p not in self._multi]
        coding = {
            "hash_buckets": self.hash_buckets,
            "min_frequency": self.min_frequency,
        }
        self._bag_coders = [
            fit_categorical_coder(
                columns, p, labels[p], multi_valued=True, separator=sep, **coding
            )
            for p, sep in self._multi.items()
        ]
        self._vocabularies = [
            fit_categorical_coder(columns, p, labels[p], **coding)
            for p in self._categorical
        ]
        piecewise = self.continuous_encoding == "piecewise_linear"
        self._scalers = [
            _ContinuousScaler.fit(
                columns.floats(p),
                None if piecewise else self.scaling,
                self.n_quantiles,
                labels[p],
                n_pieces=self.n_bins if piecewise else None,
                extrapolate=self.extrapolate,
            )
            for p in self._continuous
        ]
        self._indicators = [
            p for p in self._continuous if np.isnan(columns.floats(p)).any()
        ]
        self._number_codes = []
        if self.embed_continuous:
            count = count_threshold(self.min_number_frequency, columns.n_rows)
            self._number_codes = [
                NumberCodes.fit(columns.floats(p), count, self.n_bins)
                for p in self._continuous
            ]

        self.multi_valued_columns_ = [labels[p] for p in self._multi]
        single = [labels[p] for p in self._categorical]
        self.categorical_columns_ = single + self.multi_valued_columns_
        self.continuous_columns_ = [labels[p] for p in self._continuous]
        self.categories_ = [
            getattr(coder, "categories", None)
            for coder in self._vocabularies + self._bag_coders
        ]
        self.embedded_features_ = (
            single
            + [f"{labels[p]}_code" for p in self._continuous[: len(self._number_codes)]]
            + self.multi_valued_columns_
        )
        self.cardinalities_ = np.array(
            [coder.n_codes for coder in self._coders], dtype=np.int64
        )
        self.embedding_dims_ = self._embedding_dims(labels)
        self.fill_values_ = np.array([s.fill_value for s in self._scalers])
        self.bin_edges_ = [s.edges for s in self._scalers] if piecewise else None
        self.indicator_columns_ = [labels[p] for p in self._indicators]
        return self._encode(columns, dtype)

    def _resolve_roles(self, X, columns):
        named = {
            role: None
            if isinstance(spec, str)
            else resolve_columns(spec, X, param=role)
            for role, spec in [
                ("categorical", self.categorical),
                ("continuous", self.continuous),
            ]
        }
        for role, positions in named.items():
            if positions is not None and len(set(positions)) != len(positions):
                raise ValueError(f"{role} names a column twice: {positions!r}.")
        if named["categorical"] is not None and named["continuous"] is not None:
            both = set(named["categorical"]) & set(named["continuous"])
            if both:
                labels = column_labels(X)
                raise ValueError(
                    f"Columns {[labels[p] for p in sorted(both)]} are named both "
                    "categorical and continuous; give each column one role."
                )
        if None in named.values():
            numeric = [is_numeric(columns[p]) for p in range(X.shape[1])]
        categorical = named["categorical"]
        if categorical is None:
            taken = set(named["continuous"] or ())
            categorical = [
                p for p in range(X.shape[1]) if not numeric[p] and p not in taken
            ]
        continuous = named["continuous"]
        if continuous is None:
            taken = set(categorical)
            continuous = [p for p in range(X.shape[1]) if numeric[p] and p not in taken]
        if not categorical and not continuous:
            raise ValueError(
                "EmbeddingEncoder has no columns: name categorical or continuous "
                "columns."
            )
        return categorical, continuous

    @property
    def _coders(self):
        """The code maps of the embedded inputs, in order."""
        return self._vocabularies + self._number_codes + self._bag_coders

    def _embedding_dims(self, labels):
        """Embedding size of each embedded input, from ``embedding_dim``."""
        # an embedded input is named by its column in the embedding_dim dict
        columns = [labels[p] for p in self._categorical]
        columns += [labels[p] for p in self._continuous[: len(self._number_codes)]]
        columns += [labels[p] for p in self._multi]
        if isinstance(self.embedding_dim, Integral):
            return np.full(len(columns), self.embedding_dim, dtype=np.int64)
        given = self.embedding_dim if isinstance(self.embedding_dim, dict) else {}
        unknown = set(given) - set(columns)
        if unknown:
            raise ValueError(
                f"embedding_dim names columns {sorted(map(str, unknown))} that this "
                f"encoder does not embed; the embedded columns are {columns}."
            )
        first = len(self._categorical)
        number_codes = set(range(first, first + len(self._number_codes)))
        dims = []
        for j, (column, coder) in enumerate(zip(columns, self._coders, strict=True)):
            if self.embedding_dim == "fourth_root":
                rule = fourth_root_embedding_dim(coder.n_codes)
            else:
                rule = auto_embedding_dim(coder.n_codes, j in number_codes)
            dim = given.get(column, rule)
            if not isinstance(dim, Integral) or dim < 1:
                raise ValueError(
                    f"embedding_dim[{column!r}] must be a positive int; got {dim!r}."
                )
            dims.append(dim)
        return np.array(dims, dtype=np.int64)

    def _encode(self, columns, dtype=np.float32):
        """Encode validated columns: codes, continuous inputs and bags.

        The codes (int64, n x single-valued embedded inputs), the continuous
        inputs (``dtype``), and each multi-valued column's codes (a Ragged,
        unknown values left out). ``columns`` reads an X already validated
        against this fit.
        """
        n_rows = columns.n_rows
        n_single = len(self._vocabularies) + len(self._number_codes)
        codes = np.empty((n_rows, n_single), dtype=np.int64)
        for j, (p, vocabulary) in enumerate(
            zip(self._categorical, self._vocabularies, strict=True)
        ):
            codes[:, j] = vocabulary.encode(columns[p])
        for j, (p, coder) in enumerate(
            zip(
                self._continuous[: len(self._number_codes)],
                self._number_codes,
                strict=True,
            ),
            start=len(self._vocabularies),
        ):
            codes[:, j] = coder.encode(columns.floats(p))
        n_scaled = sum(scaler.width for scaler in self._scalers)
        continuous = np.empty((n_rows, n_scaled + len(self._indicators)), dtype=dtype)
        start = 0
        for p, scaler in zip(self._continuous, self._scalers, strict=True):
            stop = start + scaler.width
            scaler.transform_into(
                columns.floats(p), columns.label(p), continuous[:, start:stop]
            )
            start = stop
        for j, p in enumerate(self._indicators, start=n_scaled):
            continuous[:, j] = np.isnan(columns.floats(p))
        bags = []
        for (p, separator), coder in zip(
            self._multi.items(), self._bag_coders, strict=True
        ):
            values = columns.bags(p, separator)
            value_codes = coder.encode(values.values)
            order = sorted_positions(values, value_codes, keep_other=False)
            bags.append(Ragged(value_codes[order.values], order.starts))
        return codes, continuous, bags

    def _output(self, encoding):
        """Stack the public output: codes as floats, multi-hot, continuous columns."""
        codes, continuous, bags = encoding
        blocks = [codes.astype(np.float64)]
        for bag, coder in zip(bags, self._bag_coders, strict=True):
            block = np.zeros((len(bag), coder.n_codes - 1))
            block[bag.rows, bag.values - 1] = 1.0
            blocks.append(block)
        return np.hstack([*blocks, continuous])

    def _arrays(self, encoding):
        codes, continuous, bags = encoding
        arrays = {"categorical": codes, "continuous": continuous}
        arrays = {name: a for name, a in arrays.items() if a.shape[1]}
        return {**arrays, **{f"bag{j}": bag for j, bag in enumerate(bags)}}

    def __widedeep_values__(self, j: int) -> list:
        """Value of each code of embedded input ``j`` (and the two slots' labels)."""
        coder = self._coders[j]
        categories = getattr(coder, "categories", None)
        if categories is None:  # hashed codes, number codes: their labels
            return list(coder.labels)
        return [coder.labels[0], *categories.tolist(), coder.labels[-1]]

    def __widedeep_layout__(self) -> dict:
        """Return the embedded inputs' codes and sizes, combiner and periodic count."""
        n_single = len(self._vocabularies) + len(self._number_codes)
        periodic = self.continuous_encoding == "periodic"
        return {
            "cardinalities": tuple(self.cardinalities_[:n_single].tolist()),
            "embedding_dims": tuple(self.embedding_dims_[:n_single].tolist()),
            "bag_cardinalities": tuple(self.cardinalities_[n_single:].tolist()),
            "bag_dims": tuple(self.embedding_dims_[n_single:].tolist()),
            "combiner": self.combiner,
            "n_periodic": len(self._continuous) if periodic else 0,
        }

    def __widedeep_coders__(self) -> DeepCoders:
        """Return what the arrays are made of: coders, bags, scalers, indicators."""
        check_is_fitted(self)
        numbers = self._continuous[: len(self._number_codes)]
        positions = self._categorical + numbers
        return DeepCoders(
            embedded=list(zip(positions, self._coders[: len(positions)], strict=True)),
            bags=[
                (p, coder, separator)
                for (p, separator), coder in zip(
                    self._multi.items(), self._bag_coders, strict=True
                )
            ],
            scaled=list(zip(self._continuous, self._scalers, strict=True)),
            indicators=list(self._indicators),
        )

    def __widedeep_unseen__(self) -> list[tuple[int, int, int]]:
        """Return the single-valued vocabularies: ``(input, first value, stop)``.

        Code 0 is the unseen slot, the values the codes from 1 (the missing
        slot, the last code, left out). Hashed and number codes have no
        unseen slot; a multi-valued column skips unknown values.
        """
        single_valued = self._coders[: len(self._vocabularies)]
        return [
            (j, *coder.unseen_codes())
            for j, coder in enumerate(single_valued)
            if coder.unseen_codes() is not None
        ]

    def __widedeep_keys__(self) -> list[list[tuple]]:
        """Exact keys of every embedded input's codes (for warm start)."""
        return [coder.exact_keys for coder in self._coders]

    @fill_docstring
    def get_feature_names_out(self, input_features=None):
        """Get the names of the output columns.

        Parameters
        ----------
        %(input_features)s

        Returns
        -------
        feature_names_out : ndarray of str objects
            The categorical and continuous column names (``<name>_piece<k>``
            for the pieces of a piecewise-linear encoding), then
            ``<name>_missing`` for each missing indicator.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        out = [names[p] for p in self._categorical]
        out += [f"{names[p]}_code" for p in self._continuous[: len(self._number_codes)]]
        for p, coder in zip(self._multi, self._bag_coders, strict=True):
            out += [feature_name([names[p]], [label]) for label in coder.labels[1:]]
        for p, scaler in zip(self._continuous, self._scalers, strict=True):
            if scaler.edges is None:
                out.append(names[p])
            else:
                out += [f"{names[p]}_piece{k}" for k in range(scaler.width)]
        out += [f"{names[p]}_missing" for p in self._indicators]
        return np.asarray(out, dtype=object)
