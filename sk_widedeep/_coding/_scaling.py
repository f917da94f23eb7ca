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

    def write_values(self, graph, x):
        """Write this scaling of the doubles ``x`` into an ONNX graph: (N, width).

        As :meth:`transform_into` computes it: the piecewise-linear pieces
        (extrapolated past the edges when fitted so), the quantile
        interpolation, or the standard score, clipped as in Python. ``graph``
        is the export's writer (:mod:`sk_widedeep.onnx`).
        """
        if self.edges is not None:  # piecewise linear, in units of the largest edge
            unit = float(np.abs(self.edges).max()) or 1.0
            edges = self.edges / unit
            shifted = graph.node(
                "Sub",
                [
                    graph.node("Div", [x, graph.constant(np.array([[unit]]))], "u"),
                    graph.constant(edges[:-1].reshape(1, -1)),
                ],
                "shift",
            )
            pieces = graph.node(
                "Div", [shifted, graph.constant(np.diff(edges).reshape(1, -1))], "p"
            )
            clipped = graph.node(
                "Clip",
                [pieces, graph.constant(np.array(0.0)), graph.constant(np.array(1.0))],
                "ple",
            )
            if not self.extrapolate:
                return clipped
            return _write_extrapolated(graph, pieces, clipped, len(edges) - 1)
        if self.scaling == "quantile":
            return _write_interpolated(graph, x, self.reference, self.levels)
        scaled = graph.node(
            "Div",
            [
                graph.node("Sub", [x, graph.constant(np.array([[self.mean]]))], "c"),
                graph.constant(np.array([[self.scale]])),
            ],
            "z",
        )
        bound = 1e15
        return graph.node(
            "Clip",
            [scaled, graph.constant(np.array(-bound)), graph.constant(np.array(bound))],
            "z",
        )

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


def _write_extrapolated(graph, pieces, clipped, width):
    """Write the outer pieces extended past the edges, as :func:`soft_bound` does."""
    low, high = np.array(-MAX_INPUT), np.array(MAX_INPUT)
    bounded = graph.node(
        "Clip", [pieces, graph.constant(low), graph.constant(high)], "b"
    )
    zero = graph.constant(np.array([[0.0]]))
    below = graph.node("Min", [bounded, zero], "below")  # <= 0
    above = graph.node(
        "Max",
        [graph.node("Sub", [bounded, graph.constant(np.array([[1.0]]))], "a"), zero],
        "above",
    )
    first, last = np.zeros((1, width)), np.zeros((1, width))
    first[0, 0], last[0, -1] = 1.0, 1.0
    excess = graph.node(
        "Add",
        [
            graph.node("Mul", [below, graph.constant(first)], "below"),
            graph.node("Mul", [above, graph.constant(last)], "above"),
        ],
        "excess",
    )
    c = EXTRAPOLATION_WIDTHS
    root = graph.node(
        "Sqrt",
        [
            graph.node(
                "Add",
                [
                    graph.node("Mul", [excess, excess], "sq"),
                    graph.constant(np.array([[c * c]])),
                ],
                "s",
            )
        ],
        "root",
    )
    soft = graph.node(
        "Div",
        [graph.node("Mul", [excess, graph.constant(np.array([[c]]))], "ce"), root],
        "soft",
    )
    return graph.node("Add", [clipped, soft], "ple")


def _write_interpolated(graph, x, reference, levels):
    """Write ``np.interp`` of x over (reference, levels), 0 below and 1 above."""
    if len(reference) == 1:
        below = graph.node(
            "Less", [x, graph.constant(np.array([[reference[0]]]))], "lo"
        )
        above = graph.node(
            "Greater", [x, graph.constant(np.array([[reference[0]]]))], "hi"
        )
        level = graph.node(
            "Where",
            [
                below,
                graph.constant(np.array([[0.0]])),
                graph.constant(np.array([[levels[0]]])),
            ],
            "l",
        )
        return graph.node(
            "Where", [above, graph.constant(np.array([[1.0]])), level], "q"
        )
    ref = graph.constant(reference.reshape(1, -1))
    count = graph.node(
        "ReduceSum",
        [
            graph.node(
                "Cast", [graph.node("GreaterOrEqual", [x, ref], "ge")], "n", to=7
            ),
            graph.constant(np.array([1])),
        ],
        "count",
        keepdims=1,
    )
    k = graph.node(
        "Clip",
        [
            graph.node("Sub", [count, graph.constant(np.array([[1]]))], "k"),
            graph.constant(np.array(0)),
            graph.constant(np.array(len(reference) - 2)),
        ],
        "k",
    )
    k1 = graph.node("Add", [k, graph.constant(np.array([[1]]))], "k1")
    r = graph.constant(reference.astype(np.float64))
    l = graph.constant(levels.astype(np.float64))
    r0, r1 = graph.node("Gather", [r, k], "r0"), graph.node("Gather", [r, k1], "r1")
    l0, l1 = graph.node("Gather", [l, k], "l0"), graph.node("Gather", [l, k1], "l1")
    t = graph.node(
        "Div", [graph.node("Sub", [x, r0], "dx"), graph.node("Sub", [r1, r0], "w")], "t"
    )
    t = graph.node(
        "Clip", [t, graph.constant(np.array(0.0)), graph.constant(np.array(1.0))], "t"
    )
    y = graph.node(
        "Add", [l0, graph.node("Mul", [t, graph.node("Sub", [l1, l0], "dl")], "m")], "y"
    )
    below = graph.node("Less", [x, graph.constant(np.array([[reference[0]]]))], "lo")
    above = graph.node(
        "Greater", [x, graph.constant(np.array([[reference[-1]]]))], "hi"
    )
    y = graph.node("Where", [below, graph.constant(np.array([[0.0]])), y], "y")
    return graph.node("Where", [above, graph.constant(np.array([[1.0]])), y], "q")
