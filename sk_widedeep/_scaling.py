"""Scaling of one continuous column: filled, scaled, or cut in linear pieces."""

import numpy as np

MAX_INPUT = 1e15
"""Bound on the magnitude of a scaled continuous input.

The network computes in float32, whose largest number is about 3.4e38: an
input beyond it becomes infinite, and the network's output NaN. Clipping at
1e15 (standard deviations, or raw units with ``scaling=None``) keeps every
layer finite and changes only values that no data set has in earnest.
"""


EXTRAPOLATION_WIDTHS = 3.0
"""How far past the training range the outer pieces go, at most, in their
own widths (``extrapolate=True``): the excess ``t`` becomes
``c t / sqrt(c**2 + t**2)``, linear near the edge and bounded by ``c``."""


def soft_bound(excess: np.ndarray) -> np.ndarray:
    """Map an excess past an outer edge (in piece widths) smoothly into (-c, c)."""
    c = EXTRAPOLATION_WIDTHS
    return c * excess / np.sqrt(c * c + excess * excess)


class _ContinuousScaler:
    """Missing-value filling and scaling of one continuous column.

    ``"quantile"`` maps a value to its empirical CDF, linearly interpolated
    between ``n_quantiles`` reference quantiles; a value shared by many rows
    (e.g. a mass at 0) maps to the middle of its CDF step. Values outside the
    training range, infinities included, map to the ends of [0, 1].
    """

    extrapolate = False  # models from before the parameter: the pieces end flat

    def __init__(self, scaling, fill_value, reference, levels, mean, scale, edges=None):
        self.scaling = scaling
        self.fill_value = fill_value
        self.reference = reference
        self.levels = levels
        self.mean = mean
        self.scale = scale
        self.edges = edges

    @property
    def width(self):
        """Number of inputs the column becomes."""
        return 1 if self.edges is None else len(self.edges) - 1

    @classmethod
    def fit(cls, values, scaling, n_quantiles, label, n_pieces=None, extrapolate=False):
        finite = values[np.isfinite(values)]
        if n_pieces is not None:
            fill_value = float(np.median(finite)) if finite.size else 0.0
            edges = _edges(finite, n_pieces)
            scaler = cls(None, fill_value, None, None, 0.0, 1.0, edges)
            # a constant column's one piece is of no width the data chose:
            # nothing to extrapolate from
            scaler.extrapolate = bool(
                extrapolate and finite.size and finite.min() < finite.max()
            )
            return scaler
        if scaling != "quantile":
            _check_no_infinity(values, label, scaling)
        fill_value = float(np.median(finite)) if finite.size else 0.0
        reference = levels = None
        mean, scale = 0.0, 1.0
        if scaling == "quantile":
            if finite.size == 0:
                reference, levels = np.zeros(1), np.full(1, 0.5)
            else:
                # at least two levels: a single value is a mass point at 0.5
                n_levels = max(2, min(n_quantiles, finite.size))
                all_levels = np.linspace(0.0, 1.0, n_levels)
                quantiles = np.quantile(finite, all_levels)
                reference = np.unique(quantiles)
                first = np.searchsorted(quantiles, reference, side="left")
                last = np.searchsorted(quantiles, reference, side="right") - 1
                levels = (all_levels[first] + all_levels[last]) / 2
        elif scaling == "standard" and finite.size:
            # in units of the largest value, so that huge numbers (1e300)
            # do not overflow the sum of squares
            peak = float(np.abs(finite).max()) or 1.0
            mean = float((finite / peak).mean()) * peak
            scale = float((finite / peak).std()) * peak or 1.0
        return cls(scaling, fill_value, reference, levels, mean, scale)

    def transform_into(self, values, label, out):
        """Write the column's inputs into ``out``, of shape (n_rows, width)."""
        values = np.where(np.isnan(values), self.fill_value, values)
        if self.edges is None:
            out[:, 0] = self._scale(values, label)
            return
        # piecewise linear, in place (no (n_rows, width) temporaries), in units
        # of the largest edge, so that edges of 1e300 do not overflow
        unit = float(np.abs(self.edges).max()) or 1.0
        edges = self.edges / unit
        with np.errstate(over="ignore"):  # beyond float's range: a full piece
            np.subtract(
                values[:, None] / unit, edges[:-1], out=out, casting="same_kind"
            )
            # the widths in float64, where _edges keeps them apart
            np.divide(out, np.diff(edges), out=out, casting="same_kind")
        if not self.extrapolate:
            np.clip(out, 0.0, 1.0, out=out)
            return
        np.clip(out, -MAX_INPUT, MAX_INPUT, out=out)
        below = np.minimum(out[:, 0], 0.0)  # past the first edge, in its widths
        above = np.maximum(out[:, -1] - 1.0, 0.0)  # past the last edge
        np.clip(out, 0.0, 1.0, out=out)
        out[:, 0] += soft_bound(below)
        out[:, -1] += soft_bound(above)

    def _scale(self, values, label):
        if self.scaling == "quantile":
            # np.interp would give values beyond the training range the level
            # of the range's end, which is mid-step when the end is repeated
            scaled = np.interp(values, self.reference, self.levels)
            scaled[values < self.reference[0]] = 0.0
            scaled[values > self.reference[-1]] = 1.0
            return scaled
        _check_no_infinity(values, label, self.scaling)
        return np.clip((values - self.mean) / self.scale, -MAX_INPUT, MAX_INPUT)


def _edges(finite, n_pieces):
    """Bucket edges at the quantiles of the finite values: at least one bucket."""
    if finite.size == 0:
        return np.array([0.0, 1.0])
    edges = np.unique(np.quantile(finite, np.linspace(0.0, 1.0, n_pieces + 1)))
    if edges.size == 1:  # a single value: one bucket starting at it
        return np.array([edges[0], edges[0] + max(1.0, abs(edges[0]))])
    # buckets stay apart in the units of the largest edge (transform's units)
    unit = float(np.abs(edges).max())
    apart = np.concatenate([[True], np.diff(edges / unit) > 0])
    return edges[apart]


def _check_no_infinity(values, label, scaling):
    if np.isinf(values).any():
        raise ValueError(
            f"Column {label!r} holds infinite values, which scaling={scaling!r} "
            "cannot map to finite numbers. Use scaling='quantile' (it maps -inf "
            "and inf to 0 and 1), or replace them, e.g. with NaN for missing."
        )
