"""CrossProductTransformer: the wide part's sparse features."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from .._coding._bags import (
    combinations,
    distinct_positions,
    is_multi_valued,
    sorted_positions,
)
from .._coding._coders import WideCoders, fit_categorical_coder
from .._coding._columns import (
    column_labels,
    is_numeric,
    multi_valued,
    resolve_columns,
)
from .._coding._hashing import HashedCross
from .._coding._vocabulary import (
    Buckets,
    Cross,
    Vocabulary,
    feature_name,
)
from .._common._compat import (
    Interval,
    StrOptions,
    _align_api_if_sparse,
    _check_feature_names_in,
    _get_output_config,
)
from .._common._docstrings import fill_docstring
from .._common._ragged import Ragged
from ._transformer import ColumnEncoder

AUTO_CROSS_MAX_VALUES = 10
"""``crosses="numbers_by_category"`` crosses the numbers with the categorical
columns of at most this many distinct values."""

AUTO_CROSS_MAX_CROSSES = 64
"""The most crosses ``crosses="numbers_by_category"`` makes (at most about
64 x 12 x 11 slots: a wide part of some 8,500 more weights)."""


def numbers_by_category(columns, n_columns: int) -> list[tuple[int, int]]:
    """Every (few-valued categorical column, numeric column) pair, capped.

    Multi-valued columns are left out, as are categorical columns of more
    than :data:`AUTO_CROSS_MAX_VALUES` distinct values.
    """
    numbers, categories = [], []
    for p in range(n_columns):
        values = columns[p]
        if is_multi_valued(values):
            continue
        if is_numeric(values):
            numbers.append(p)
        elif pd.Series(values, copy=False).nunique() <= AUTO_CROSS_MAX_VALUES:
            categories.append(p)
    pairs = [(c, n) for c in categories for n in numbers]
    return pairs[:AUTO_CROSS_MAX_CROSSES]


@fill_docstring
class CrossProductTransformer(ColumnEncoder):
    r"""One-hot and cross-product features: the wide part of Wide & Deep.

    Each named column becomes a one-hot block; each cross becomes one more
    block whose slots are the AND of one value of every column in it, such as
    ``AND(education=Bachelors, occupation=Sales)``. The result is a sparse
    matrix with exactly one 1 per block and row, which
    :class:`~sklearn.linear_model.LogisticRegression` takes directly: together
    they are the paper's wide-only model.

    Every block has an "other" slot (its first) for values that are unknown at
    transform time or rare in training (``min_frequency``), so :meth:`transform`
    never fails on new values; a categorical column's missing values have a slot of
    their own (its last, ``<missing>``): a value never seen is not read as the
    missing values of fit were. Numeric columns are cut into ``n_bins`` quantile
    buckets. With ``hash_buckets`` no vocabulary is kept: every categorical column
    and every cross is hashed into a fixed number of slots, so the width is known
    before any data is seen and the memory does not grow with the number of distinct
    values.

    Parameters
    ----------
    columns : {"auto", "all"} or list of str or int, default="auto"
        Columns that get a one-hot block, named by label (str, for a
        DataFrame) or position (int). ``"auto"`` takes the categorical
        columns (strings, booleans, pandas categoricals and object columns
        that are not all numbers); when X has none, every column. ``"all"``
        takes every column, the numeric ones cut into ``n_bins`` buckets.
    crosses : list of tuples of str or int, or "numbers_by_category", default=()
        Each tuple of two or more columns becomes one AND-feature. Its
        columns need not be listed in ``columns``. ``"numbers_by_category"``
        crosses every numeric column (cut into ``n_bins`` buckets) with every
        categorical column of at most :data:`AUTO_CROSS_MAX_VALUES` values
        seen in fit, so that a threshold on a number may differ by category
        (the paper's crossed columns of a bucketized number), at most
        :data:`AUTO_CROSS_MAX_CROSSES` crosses in column order.
    min_frequency : int, float or None, default=None
        A value (or a combination of values, for a cross) seen fewer times in
        fit goes to the block's other slot: an int is a count, a float in
        (0, 1) a fraction of the rows. ``None`` keeps every value seen.
        Hashing keeps no counts: setting both ``min_frequency`` and
        ``hash_buckets`` is an error.
    hash_buckets : int or None, default=None
        ``None`` keeps a vocabulary: each categorical column and each cross
        gets a slot per value (or combination) seen in fit. An int is the
        vocabulary-free mode: every categorical column and every cross gets
        exactly ``hash_buckets`` slots, its other slot (for missing values;
        no value is unknown) and ``hash_buckets - 1`` slots into which its
        values are hashed with a stable 64-bit hash, the same in every
        process and on every machine. Numeric columns are still cut into
        ``n_bins`` buckets (with ``n_bins=None`` they are hashed too). Fit
        learns no values, and distinct values may share a slot: see
        "Vocabulary-free mode" in the user guide for the collision rate.
    n_bins : int or None, default=10
        Numeric columns, in ``columns`` or in a cross, are cut into at most
        this many buckets at their quantiles. ``None`` uses each distinct
        number as a category instead (for integer ids).
    separators : dict of str or int to str, or None, default=None
        Multi-valued columns whose cells are strings of values, and the
        string between two values, e.g. ``{"genres": "|"}``. Columns whose
        cells are lists, tuples, sets or arrays (or pyarrow and polars list
        columns) are multi-valued without being named here. A multi-valued
        block has a slot per value (multi-hot): a row has one 1 per value it
        holds (unknown and rare values in the other slot), the missing slot
        for a missing cell, none for an empty one. A cross with a
        multi-valued column has one feature per combination of values in the
        row (at most 64 per row, the combinations of the smallest codes; the
        paper's installed app x impression app).
    sparse_output : bool, default=True
        Return a CSR matrix; ``False`` returns a dense ndarray (and allows
        ``set_output(transform="pandas")``).

    Attributes
    ----------
    columns_ : list of str
        Names of the columns with a one-hot block, in output order.
    crosses_ : list of tuple of str
        Names of the columns of each cross, in output order.
    multi_valued_columns_ : list of str
        Names of the multi-valued columns used (in a block or a cross).
    categories_ : dict of str to ndarray
        Known values of every categorical column used, sorted. Empty with
        ``hash_buckets``, where no column has a vocabulary.
    bin_edges_ : dict of str to ndarray
        Inner bucket edges of every bucketized numeric column.
    n_output_features_ : int
        Width of the output.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit. Defined only when `X` has feature
        names that are all strings.

    See Also
    --------
    EmbeddingEncoder : Integer codes and scaled numbers for the deep part.
    WideDeepClassifier : The joint model that uses both transformers.
    sklearn.preprocessing.OneHotEncoder : One-hot encoding without crosses.

    Notes
    -----
    Cheng et al. define the cross-product transformation as

    .. math::

        \phi_k(\mathbf{x}) = \prod_{i=1}^{d} x_i^{c_{ki}}, \quad
        c_{ki} \in \{0, 1\},

    which is 1 only when every binary feature of the cross is 1. A block's
    slots are therefore the observed combinations of its columns' values;
    a row whose value in any column of a cross falls in that column's other
    slot falls in the cross's other slot (a missing value is a value of the
    cross: ``education=<missing>&occupation=Sales``, if seen in fit).

    The output has one 1 per block and row, so its row sums are constant.
    A cross is computed from the integer codes of its columns (a mixed-radix
    key), never by joining strings.

    With ``hash_buckets=k`` a categorical value :math:`v` gets slot
    :math:`1 + h(v) \bmod (k - 1)` of its column's block, :math:`h` a stable
    64-bit hash: SipHash-2-4 with a fixed key for strings, the splitmix64
    finalizer for numbers, which hash by value (``7``, ``7.0`` and
    ``np.int8(7)`` alike; the string ``"7"`` differs). A cross chains its
    columns' 64-bit hashes through splitmix64 before taking the slot, so it
    collides no more than a hash of the raw combination would. The slots are
    named ``user_id=#17`` and ``gender&lang=#3``. Among :math:`n` distinct
    values, the expected share that shares a slot with another is
    :math:`1 - (1 - 1/(k-1))^{n-1}`.

    References
    ----------
    %(paper_reference)s

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_widedeep import CrossProductTransformer
    >>> X = pd.DataFrame({"gender": ["f", "m", "f"], "lang": ["en", "en", "fr"]})
    >>> wide = CrossProductTransformer(crosses=[("gender", "lang")]).fit(X)
    >>> wide.transform(X).toarray()
    array([[0., 1., 0., 0., 0., 1., 0., 0., 0., 1., 0., 0.],
           [0., 0., 1., 0., 0., 1., 0., 0., 0., 0., 0., 1.],
           [0., 1., 0., 0., 0., 0., 1., 0., 0., 0., 1., 0.]])
    >>> wide.get_feature_names_out()[:4].tolist()
    ['gender=<other>', 'gender=f', 'gender=m', 'gender=<missing>']
    >>> wide.get_feature_names_out()[-4:].tolist()
    ['gender&lang=<other>', 'gender=f&lang=en', 'gender=f&lang=fr', 'gender=m&lang=en']

    Hashed, every block has ``hash_buckets`` slots whatever the data:

    >>> hashed = CrossProductTransformer(crosses=[("gender", "lang")], hash_buckets=8)
    >>> hashed.fit(X).n_output_features_
    24
    >>> hashed.get_feature_names_out()[:3].tolist()
    ['gender=<other>', 'gender=#1', 'gender=#2']
    """

    _parameter_constraints: dict = {
        "columns": [StrOptions({"auto", "all"}), list, tuple],
        "crosses": [list, tuple, StrOptions({"numbers_by_category"})],
        "min_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
            None,
        ],
        "hash_buckets": [Interval(Integral, 2, None, closed="left"), None],
        "n_bins": [Interval(Integral, 2, None, closed="left"), None],
        "separators": [dict, None],
        "sparse_output": ["boolean"],
    }

    __widedeep_part__ = "wide"

    def __init__(
        self,
        *,
        columns="auto",
        crosses=(),
        min_frequency=None,
        hash_buckets=None,
        n_bins=10,
        separators=None,
        sparse_output=True,
    ):
        self.columns = columns
        self.crosses = crosses
        self.min_frequency = min_frequency
        self.hash_buckets = hash_buckets
        self.n_bins = n_bins
        self.separators = separators
        self.sparse_output = sparse_output

    def _fit(self, X, columns, dtype=None):
        """Learn the encoders and crosses; return X's indices (see :meth:`_encode`)."""
        labels = column_labels(X)
        positions = self._resolve_columns(X, columns)
        crosses = []
        asked = self.crosses
        if isinstance(asked, str):  # "numbers_by_category"
            asked = numbers_by_category(columns, X.shape[1])
        for cross in asked:
            if isinstance(cross, str | Integral) or len(cross) < 2:
                raise ValueError(
                    f"Each cross must be a tuple of two or more columns; got {cross!r}."
                )
            crosses.append(tuple(resolve_columns(cross, X, param="crosses")))
        if not positions and not crosses:
            raise ValueError(
                "CrossProductTransformer has no features: `columns` selects no "
                "column and `crosses` is empty. Name the columns to encode."
            )

        used = dict.fromkeys([*positions, *(p for cross in crosses for p in cross)])
        self._multi = multi_valued(columns, self.separators, X, among=used)
        self._encoders = {}
        for position in used:
            multi = position in self._multi
            if not multi and self.n_bins is not None and is_numeric(columns[position]):
                encoder = Buckets.fit(columns.floats(position), self.n_bins)
            else:
                encoder = fit_categorical_coder(
                    columns,
                    position,
                    labels[position],
                    hash_buckets=self.hash_buckets,
                    min_frequency=self.min_frequency,
                    multi_valued=multi,
                    separator=self._multi.get(position),
                )
            self._encoders[position] = encoder
        codes, hashes = self._encode_columns(columns)

        self._positions = positions
        self._cross_positions = crosses
        if self.hash_buckets is not None:
            self._crosses = [HashedCross(self.hash_buckets) for _ in crosses]
        else:
            self._crosses = [
                Cross.fit(
                    self._components(codes, hashes, cross, columns.n_rows)[1],
                    [self._encoders[p].n_codes for p in cross],
                    self.min_frequency,
                    [labels[p] for p in cross],
                )
                for cross in crosses
            ]
        widths = [self._encoders[p].n_codes for p in positions]
        widths += [cross.n_codes for cross in self._crosses]
        self._offsets = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)

        self.columns_ = [labels[p] for p in positions]
        self.multi_valued_columns_ = [labels[p] for p in self._multi]
        self.crosses_ = [tuple(labels[p] for p in cross) for cross in crosses]
        self.categories_ = {
            labels[p]: e.categories
            for p, e in self._encoders.items()
            if isinstance(e, Vocabulary)
        }
        self.bin_edges_ = {
            labels[p]: e.edges
            for p, e in self._encoders.items()
            if isinstance(e, Buckets)
        }
        self.n_output_features_ = int(self._offsets[-1])
        return self._indices(codes, hashes)

    def _resolve_columns(self, X, columns):
        if not isinstance(self.columns, str):
            positions = resolve_columns(self.columns, X, param="columns")
            if len(set(positions)) != len(positions):
                raise ValueError(
                    f"columns names a column twice: {list(self.columns)!r}."
                )
            return positions
        if self.columns == "all":
            return list(range(X.shape[1]))
        categorical = [p for p in range(X.shape[1]) if not is_numeric(columns[p])]
        return categorical or list(range(X.shape[1]))

    def _encode_columns(self, columns):
        """Code of every used column, and 64-bit hash of every hashed one.

        Both are dicts keyed by position; the hashes feed hashed crosses. A
        multi-valued column's codes are a triple: its values' codes, a
        Ragged of their positions per row for its block (sorted by code,
        each code once) and one for its crosses (each value once: hashed
        values that share a code are distinct values).
        """
        codes, hashes = {}, {}
        for p, encoder in self._encoders.items():
            if p in self._multi:
                bags = columns.bags(p, self._multi[p])
                if encoder.hashed:
                    value_hashes, present = encoder.hash(bags.values)
                    value_codes = encoder.codes(value_hashes, present)
                    hashes[p] = value_hashes
                    order = sorted_positions(bags, value_codes, keep_other=True)
                    crossed = distinct_positions(bags, value_codes, value_hashes)
                else:
                    value_codes = encoder.encode(bags.values)
                    order = sorted_positions(bags, value_codes, keep_other=True)
                    crossed = order
                codes[p] = (value_codes, order, crossed)
            elif encoder.hashed:
                hashes[p], present = encoder.hash(columns[p])
                codes[p] = encoder.codes(hashes[p], present)
            elif encoder.reads_floats:
                codes[p] = encoder.encode(columns.floats(p))
            else:
                codes[p] = encoder.encode(columns[p])
        return codes, hashes

    def _encode(self, columns, dtype=None):
        """Global output index of every block's active slot, shape (n, blocks).

        ``columns`` reads an X already validated against this fit.
        """
        return self._indices(*self._encode_columns(columns))

    def _indices(self, codes, hashes):
        """Global output indices from the codes (and hashes) of the columns.

        Without multi-valued columns, an (n, blocks) array, one index per
        block and row; with them, a Ragged of each row's indices.
        """
        if self._multi:
            return self._ragged_indices(codes, hashes)
        blocks = [codes[p] for p in self._positions]
        for cross, positions in zip(self._crosses, self._cross_positions, strict=True):
            component_codes = [codes[p] for p in positions]
            if cross.reads_hashes:
                # a bucketized numeric column takes part by its bucket code
                component_hashes = [hashes.get(p, codes[p]) for p in positions]
                blocks.append(cross.encode(component_hashes, component_codes))
            else:
                blocks.append(cross.encode(component_codes))
        return np.stack(blocks, axis=1) + self._offsets[:-1]

    def _ragged_indices(self, codes, hashes):
        """Each row's output indices, as a Ragged, in block order."""
        first_multi = next(iter(self._multi))
        n_rows = len(codes[first_multi][1])
        rows, indices = [], []

        def add(block_rows, block_indices, offset):
            rows.append(block_rows)
            indices.append(block_indices + offset)

        for block, p in enumerate(self._positions):
            if p in self._multi:
                value_codes, order, _ = codes[p]
                add(order.rows, value_codes[order.values], self._offsets[block])
            else:
                add(np.arange(n_rows), codes[p], self._offsets[block])
        first_cross = len(self._positions)
        for k, (cross, positions) in enumerate(
            zip(self._crosses, self._cross_positions, strict=True)
        ):
            cross_rows, component_codes, component_hashes = self._components(
                codes, hashes, positions, n_rows
            )
            if cross.reads_hashes:
                cross_codes = cross.encode(component_hashes, component_codes)
            else:
                cross_codes = cross.encode(component_codes)
            combos = Ragged.from_lengths(
                cross_rows, np.bincount(cross_rows, minlength=n_rows)
            )
            order = sorted_positions(combos, cross_codes, keep_other=True)
            add(order.rows, cross_codes[order.values], self._offsets[first_cross + k])
        rows, indices = np.concatenate(rows), np.concatenate(indices)
        order = np.argsort(rows, kind="stable")  # by row, blocks in order
        lengths = np.bincount(rows, minlength=n_rows).astype(np.int64)
        return Ragged.from_lengths(indices[order], lengths)

    def _components(self, codes, hashes, positions, n_rows):
        """Rows, codes and hashes of a cross's components, per value combination.

        A multi-valued component gives a row one combination per value; a
        bucketized numeric one takes part in a hashed cross by its code.
        """
        parts = [codes[p][2] if p in self._multi else None for p in positions]
        rows, picks = combinations(parts, n_rows)
        component_codes, component_hashes = [], []
        for p, pick in zip(positions, picks, strict=True):
            value_codes = codes[p][0] if p in self._multi else codes[p]
            component_codes.append(value_codes[pick])
            component_hashes.append(hashes.get(p, value_codes)[pick])
        return rows, component_codes, component_hashes

    def _output(self, indices):
        """Build the one-hot matrix with a 1 at each of the given indices."""
        if self.sparse_output:
            self._check_sparse_is_wanted()
        if isinstance(indices, Ragged):
            Xt = sp.csr_matrix(
                (np.ones(len(indices.values)), indices.values, indices.starts),
                shape=(len(indices), self.n_output_features_),
            )
            return _align_api_if_sparse(Xt) if self.sparse_output else Xt.toarray()
        n_samples, n_blocks = indices.shape
        if self.sparse_output:
            Xt = sp.csr_matrix(
                (
                    np.ones(indices.size),
                    indices.ravel(),
                    np.arange(0, indices.size + 1, n_blocks),
                ),
                shape=(n_samples, self.n_output_features_),
            )
            return _align_api_if_sparse(Xt)
        Xt = np.zeros((n_samples, self.n_output_features_))
        np.put_along_axis(Xt, indices, 1.0, axis=1)
        return Xt

    def _check_sparse_is_wanted(self):
        """Refuse sparse output where set_output asks for DataFrames."""
        container = _get_output_config("transform", self)["dense"]
        if container == "default":
            return
        raise ValueError(
            f"{container.capitalize()} output does not support sparse data. "
            f"CrossProductTransformer returns a sparse matrix (sparse_output=True, "
            f"the default), which set_output(transform={container!r}) cannot "
            "wrap: set sparse_output=False for a dense output with the feature "
            f"names as columns, e.g. CrossProductTransformer(sparse_output=False)"
            f".set_output(transform={container!r}), or set_output("
            "transform='default') to keep the sparse matrix."
        )

    def _arrays(self, indices):
        return {"wide_indices": indices}  # an array, or a Ragged

    @fill_docstring
    def get_feature_names_out(self, input_features=None):
        """Get the name of every slot, e.g. ``education=Bachelors&occupation=Sales``.

        The first slot of each block is its other slot, e.g.
        ``education=<other>``; the last slot of a categorical column's
        block is its missing slot, e.g. ``education=<missing>``.

        Parameters
        ----------
        %(input_features)s

        Returns
        -------
        feature_names_out : ndarray of str objects
            Transformed feature names.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        out = []
        for p in self._positions:
            out += [
                feature_name([names[p]], [label]) for label in self._encoders[p].labels
            ]
        for cross, positions in zip(self._crosses, self._cross_positions, strict=True):
            out += cross.labels(
                [names[p] for p in positions],
                [self._encoders[p].labels for p in positions],
            )
        return np.asarray(out, dtype=object)

    def __widedeep_keys__(self) -> list[tuple]:
        """Exact key of every output slot, in output order (for warm start).

        Like :meth:`get_feature_names_out`, but a slot is told by its column
        and the exact value or bucket bounds it holds, which its name, made
        to be read, may round (``-1.0298`` for -1.02980443...).
        """
        names = _check_feature_names_in(self, None)
        out = [(names[p], key) for p in self._positions for key in self._keys_of(p)]
        for cross, positions in zip(self._crosses, self._cross_positions, strict=True):
            out += cross.exact_keys(
                [names[p] for p in positions], [self._keys_of(p) for p in positions]
            )
        return out

    def __widedeep_coders__(self) -> WideCoders:
        """Return what the output is made of: coders, blocks, crosses, offsets."""
        check_is_fitted(self)
        return WideCoders(
            coders=dict(self._encoders),
            separators=dict(self._multi),
            blocks=list(self._positions),
            crosses=list(zip(self._cross_positions, self._crosses, strict=True)),
            offsets=self._offsets,
        )

    def __widedeep_unseen__(self) -> list[tuple[int, int, int]]:
        """Return the blocks with an unseen slot: ``(it, first value, stop)``.

        A vocabulary's (its values, not its missing slot) and a cross's, in
        output positions. Hashed blocks and buckets have none.
        """
        blocks = [self._encoders[p] for p in self._positions] + list(self._crosses)
        slots = []
        for block, start in zip(blocks, self._offsets[:-1], strict=True):
            unseen = block.unseen_codes()
            if unseen is not None:
                slots.append((start, start + unseen[0], start + unseen[1]))
        return [tuple(map(int, slot)) for slot in slots]

    def _keys_of(self, position: int) -> list[tuple]:
        return self._encoders[position].exact_keys

    @property
    def _coders(self):
        return list(self._encoders.values())
