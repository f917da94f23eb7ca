"""Targets and row weights: one implementation for one process and every rank.

The target's whole life in a fit is one object, :class:`ClassTarget` for
the classifier and :class:`NumericTarget` for the regressor: each face
returns its own (``_target()``), and the shared core calls it to check the
target, summarize a shard, learn ``classes_`` or the target's scaling,
encode the target and weigh its rows, keep it across a warm start, and
choose the loss, the number of outputs and the validation strata.

A fit has one or more *shards* of rows: the whole data in one process, or
each rank's own rows with ``data_parallel=True``. Every shard summarizes
its rows (:func:`summarize_shard`: the counts and weight sums of each
group of rows, groups being classes for a classifier and one group for a
regressor); the summaries of all shards (one, or every rank's) give the
totals (:func:`weight_totals`), and each shard's row weights follow from
its own rows and those totals (:func:`row_weights`). One process is the
one-shard case of the same arithmetic, so every rank of a data-parallel
fit weighs its rows exactly as a single process would weigh all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from .._coding._columns import check_sample_weight, scale_to_max


def _check_one_per_row(y, n_rows: int, what: str) -> np.ndarray:
    y = column_or_1d(y, warn=True)
    if len(y) != n_rows:
        raise ValueError(
            f"X has {n_rows} rows but y has {len(y)} {what}s; pass one {what} per "
            "row of X."
        )
    missing = np.flatnonzero(pd.isna(y))
    if missing.size:
        raise ValueError(
            f"y has {missing.size} missing {what}(s) (NaN or None), e.g. at rows "
            f"{missing[:5].tolist()}; drop those rows or give them a {what}."
        )
    return y


def check_labels(y, n_rows: int) -> np.ndarray:
    """Check class labels: a 1d array, one per row, none missing."""
    y = _check_one_per_row(y, n_rows, "label")
    check_classification_targets(y)
    return y


def check_numbers(y, n_rows: int, loss: str) -> np.ndarray:
    """Check a numeric target: one finite number per row, >= 0 for Poisson."""
    y = _check_one_per_row(y, n_rows, "target")
    if y.dtype.kind not in "biuf":
        kind = type_of_target(y) if y.dtype.kind == "O" else y.dtype
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"y must hold numbers for a regressor, but it holds {kind} values "
                f"({exc}). Convert it to numbers, or use WideDeepClassifier for "
                "class labels."
            ) from exc
    y = y.astype(np.float64)
    if not np.isfinite(y).all():
        raise ValueError(
            "y holds infinite values (or numbers beyond float64); give finite targets."
        )
    if loss == "poisson":
        if (y < 0).any():
            raise ValueError(
                f"loss='poisson' models counts and rates, which are >= 0, but y has "
                f"{int((y < 0).sum())} negative value(s) (smallest {y.min():g}). "
                "Use loss='squared_error' for targets that can be negative."
            )
    return y


@dataclass
class ShardSummary:
    """What one shard tells the others about its rows' groups and weights.

    Attributes
    ----------
    keys : ndarray
        The distinct group keys of its rows (class labels, or one key).
    counts, sums : ndarray of float64
        Rows of each key, and the sum of their weights in units of the
        shard's largest weight (the counts when unweighted).
    peak : float
        The shard's largest sample weight (0 when unweighted).
    """

    keys: np.ndarray
    counts: np.ndarray
    sums: np.ndarray
    peak: float


def summarize_shard(keys, sample_weight, n_rows):
    """Summarize one shard's rows.

    Returns
    -------
    summary : ShardSummary
    raw : ndarray of float64 or None
        The rows' weights in units of the shard's largest (None unweighted).
    """
    raw, peak = None, 0.0
    if sample_weight is not None:
        raw = check_sample_weight(sample_weight, n_rows)
        # in units of this shard's largest weight, rescaled to the largest of
        # all shards in row_weights: no sum can overflow
        peak = float(raw.max())
        raw = scale_to_max(raw)
    keys, key_codes = np.unique(keys, return_inverse=True)
    counts = np.bincount(key_codes, minlength=len(keys)).astype(np.float64)
    sums = counts if raw is None else np.bincount(key_codes, raw, len(keys))
    return ShardSummary(keys, counts, sums, peak), raw


def weight_totals(summaries, n_groups, group_of_keys):
    """Rows and weight sums of each group over all shards.

    ``group_of_keys(keys)`` maps a shard's keys to group numbers. The sums
    are in units of the largest weight of all shards.

    Returns
    -------
    counts, sums : ndarray of shape (n_groups,)
    largest : float
        The largest sample weight of all shards.
    """
    counts, sums = np.zeros(n_groups), np.zeros(n_groups)
    largest = max(summary.peak for summary in summaries)
    for summary in summaries:
        where = group_of_keys(summary.keys)
        shard_sums = summary.sums
        if summary.peak < largest:
            shard_sums = shard_sums * (summary.peak / largest)
        counts[where] += summary.counts
        sums[where] += shard_sums
    return counts, sums, largest


def class_factors(class_weight, classes, counts):
    """Weight of each class from ``class_weight`` and the classes' row counts.

    ``"balanced"`` is ``n_samples / (n_classes * count)`` over the classes
    present; a dict gives its own weights. Absent classes get 0.
    """
    factors = np.ones(len(classes))
    present = counts > 0
    if class_weight == "balanced":
        factors[present] = counts.sum() / (present.sum() * counts[present])
    elif class_weight is not None:
        factors[present] = compute_sample_weight(class_weight, classes[present])
    return factors * present


def row_weights(groups, raw, peak, totals, factors, weighted):
    """Each row's weight in the loss, with a mean of 1 over all shards' rows.

    Parameters
    ----------
    groups : ndarray of int
        Group of each row of this shard.
    raw : ndarray or None
        The rows' weights from :func:`summarize_shard`.
    peak : float
        This shard's largest weight.
    totals : tuple
        :func:`weight_totals` of all shards.
    factors : ndarray of shape (n_groups,)
        Weight of each group (class weights; ones for a regressor).
    weighted : bool
        Whether there are any weights (sample or class); if not, None is
        returned: every row weighs 1.

    Returns
    -------
    weight : ndarray of float64 or None
    positive : ndarray of int
        The groups with a positive total weight.
    """
    counts, sums, largest = totals
    if raw is not None and peak < largest:
        raw = raw * (peak / largest)
    factors = scale_to_max(factors)
    positive = np.flatnonzero(factors * sums > 0)
    if not weighted:
        return None, positive
    mean = (factors * sums).sum() / counts.sum()
    weight = factors[groups] / mean if mean > 0 else factors[groups]
    return (weight if raw is None else raw * weight), positive


@dataclass
class Moments:
    """Weighted count, mean and sum of squared deviations of a shard's targets.

    The weights are in units of the shard's largest, ``peak`` (1 and 0 when
    unweighted): :meth:`combine` brings every shard's to common units. The
    sum of squared deviations ``m2`` is in units of ``unit**2``, ``unit``
    being the largest magnitude of the targets: the squares of targets up
    to the float64 maximum then never overflow, though their sum in the
    targets' own units would from about 1e154.
    """

    count: float
    mean: float
    m2: float
    peak: float = 0.0
    unit: float = 1.0

    @classmethod
    def of(cls, y: np.ndarray, raw=None, peak: float = 0.0) -> Moments:
        """Compute the moments of ``y`` (weighted by ``raw`` if given)."""
        weight = np.ones(len(y)) if raw is None else raw
        count = float(weight.sum())
        if not count:
            return cls(0.0, 0.0, 0.0, peak)
        unit = float(np.abs(y).max()) or 1.0
        scaled = y / unit
        mean = float(np.dot(weight, scaled) / count)
        m2 = float(np.dot(weight, (scaled - mean) ** 2))
        return cls(count, mean * unit, m2, peak, unit)

    @classmethod
    def combine(cls, parts) -> Moments:
        """Moments of the union of the parts (Chan et al.'s pairwise update)."""
        largest = max(part.peak for part in parts)
        unit = max(part.unit for part in parts)
        total = cls(0.0, 0.0, 0.0, largest, unit)
        for part in parts:
            ratio = part.peak / largest if part.peak < largest else 1.0
            n = part.count * ratio
            if not n:
                continue
            m2 = part.m2 * ratio * (part.unit / unit) ** 2
            count = total.count + n
            # in units of `unit` the means are in [-1, 1]: nothing overflows
            delta = part.mean / unit - total.mean / unit
            mean = (total.mean / unit + delta * (n / count)) * unit
            m2 = total.m2 + m2 + delta * delta * (total.count * n / count)
            total = cls(count, mean, m2, largest, unit)
        return total

    @property
    def std(self) -> float:
        """Weighted (population) standard deviation, in the targets' units."""
        if not self.count:
            return 0.0
        return float(self.unit * np.sqrt(self.m2 / self.count))


class ClassTarget:
    """A classifier's target: class labels, from check to loss.

    Everything a fit does with ``y`` that depends on it being labels: check
    them, tell the other shards which labels a shard holds, learn
    ``classes_`` from every shard, encode the labels for the network, weigh
    the classes, refuse a fit with fewer than two, keep the classes across a
    warm start, and choose the loss, the outputs and the validation strata.

    Parameters
    ----------
    class_weight : dict, "balanced" or None
        The classifier's ``class_weight``.
    classes : ndarray or None, default=None
        The fitted ``classes_``; None before :meth:`learn`.
    """

    def __init__(self, class_weight, classes=None):
        self.class_weight = class_weight
        self.classes = classes

    def check(self, y, n_rows: int) -> np.ndarray:
        """Check the labels: a 1d array, one per row, none missing."""
        return check_labels(y, n_rows)

    def group_keys(self, target):
        """Return the weight group key of each row: its label."""
        return target

    def summary(self, target, raw, peak, classes):
        """Return what a shard tells the others beyond its groups: its classes."""
        return classes

    def learn(self, shard_summaries, shard_classes, classes) -> dict:
        """Learn the classes from every shard; return the fitted attributes."""
        if any(not _same_classes(other, classes) for other in shard_classes):
            # data-parallel ranks only: one process has one
            raise ValueError(
                "data_parallel=True: every rank must pass the same classes to "
                "partial_fit."
            )
        if classes is None:
            classes = np.concatenate([shard.keys for shard in shard_summaries])
        self.classes = LabelEncoder().fit(classes).classes_
        return {"classes_": self.classes}

    def _codes(self, labels) -> np.ndarray:
        """Return the position of each label in ``classes`` (all known)."""
        return LabelEncoder().fit(self.classes).transform(labels)

    def encode(self, target, shard_summaries):
        """Return the network's target of each row, and its weight group."""
        for shard in shard_summaries:  # the same check on every rank
            unknown = np.setdiff1d(shard.keys, self.classes)
            if unknown.size:
                raise ValueError(
                    f"y holds labels {unknown.tolist()} that are not in classes_ "
                    f"{self.classes.tolist()}; pass every class in the first "
                    "partial_fit call."
                )
        codes = self._codes(target).astype(np.int64)
        encoded = codes.astype(np.float32) if len(self.classes) == 2 else codes
        return encoded, codes

    def groups(self):
        """Return the number of weight groups, and the map from keys to groups."""
        return len(self.classes), self._codes

    def group_factors(self, counts):
        """Each class's weight (``class_weight``), or None for none."""
        if self.class_weight is None:
            return None
        return class_factors(self.class_weight, self.classes, counts)

    def check_positive(self, classes, learning: bool) -> None:
        """Refuse a fit whose weighted rows hold fewer than two classes."""
        if not learning or len(classes) >= 2:
            return
        if not len(classes):
            raise ValueError(
                "WideDeepClassifier needs samples of at least 2 classes with non-zero "
                "weight, but every row has weight 0 (sample_weight times "
                "class_weight): give some rows of each class a positive weight."
            )
        raise ValueError(
            "WideDeepClassifier needs samples of at least 2 classes in the data "
            f"(with non-zero weight), but the data contains only one class: "
            f"{self.classes[classes].tolist()}."
        )

    def state(self):
        """Return what a warm start must keep: the classes."""
        return self.classes

    def check_same(self, old_classes) -> None:
        """Refuse a warm start whose classes changed (the output layer is kept)."""
        if not np.array_equal(old_classes, self.classes):
            raise ValueError(
                f"warm_start keeps the output layer, but the classes changed from "
                f"{old_classes.tolist()} to {self.classes.tolist()}; set "
                "warm_start=False."
            )

    @property
    def n_outputs(self) -> int:
        """One logit for two classes, else one per class."""
        return 1 if len(self.classes) == 2 else len(self.classes)

    @property
    def criterion(self):
        """The torch loss class and its parameters."""
        if len(self.classes) == 2:
            return torch.nn.BCEWithLogitsLoss, {}
        return torch.nn.CrossEntropyLoss, {}

    def stratify(self, target):
        """Return the validation split's strata: the labels."""
        return target

    @property
    def output_names(self) -> list:
        """The wide weights' columns."""
        return ["weight"] if len(self.classes) == 2 else list(self.classes)


def _same_classes(a, b):
    """Whether two ``classes`` arguments are the same (None for none)."""
    if a is None or b is None:
        return a is None and b is None
    return np.array_equal(a, b)


LOSSES = {
    "squared_error": (torch.nn.MSELoss, {}),
    "absolute_error": (torch.nn.L1Loss, {}),
    "huber": (torch.nn.HuberLoss, {"delta": 1.0}),
    "poisson": (torch.nn.PoissonNLLLoss, {"log_input": True, "full": False}),
}
"""Each ``loss``: the torch loss of the network's output and the scaled target."""


class NumericTarget:
    """A regressor's target: numbers, from check to loss.

    Check them (finite, at least 0 for Poisson), summarize each shard's
    moments, learn the scaling (``target_offset_``, ``target_scale_``) from
    every shard, and encode the scaled target; one weight group, one output,
    no strata, and the loss of ``loss``.

    Parameters
    ----------
    loss : str
        The regressor's ``loss`` (a key of :data:`LOSSES`).
    offset, scale : float or None, default=None
        The fitted scaling; None before :meth:`learn`.
    """

    n_outputs = 1
    output_names = ["weight"]

    def __init__(self, loss: str, offset=None, scale=None):
        self.loss = loss
        self.offset = offset
        self.scale = scale

    def check(self, y, n_rows: int) -> np.ndarray:
        """Check the target: one finite number per row, >= 0 for Poisson."""
        return check_numbers(y, n_rows, self.loss)

    def group_keys(self, target):
        """One weight group for every row."""
        return np.zeros(len(target), dtype=np.int8)

    def summary(self, target, raw, peak, spec):
        """Return what a shard tells the others: its target's weighted moments."""
        return Moments.of(target, raw, peak)

    def learn(self, shard_summaries, moments, spec) -> dict:
        """Learn the target's scaling from every shard's moments."""
        total = Moments.combine(moments)
        if self.loss == "poisson":
            if total.mean <= 0:
                raise ValueError(
                    "loss='poisson' needs some positive targets (with positive "
                    "weight), but every y is 0."
                )
            offset, scale = 0.0, total.mean
        else:
            # a constant target has no spread: its own size is the unit, so
            # that 1e-6 is learned as well as 1e6 (1 for a target of zeros)
            offset, scale = total.mean, total.std or abs(total.mean) or 1.0
        if not np.isfinite(scale) or not np.isfinite(offset):
            raise ValueError(
                "y is too large to standardize in float64 (its standard deviation "
                "overflows); rescale it, e.g. to thousands or to a log scale."
            )
        self.offset, self.scale = float(offset), float(scale)
        return {"target_offset_": self.offset, "target_scale_": self.scale}

    def encode(self, target, shard_summaries):
        """Return the scaled target of each row, and its weight group (0)."""
        scaled = (target - self.offset) / self.scale
        return scaled.astype(np.float32), np.zeros(len(target), dtype=np.int64)

    def groups(self):
        """One weight group."""
        return 1, lambda keys: np.zeros(len(keys), dtype=np.int64)

    def group_factors(self, counts):
        """None: no group weights."""
        return None

    def check_positive(self, groups, learning: bool) -> None:
        """Nothing to refuse: sample weights are never all 0 (check_sample_weight)."""

    def state(self):
        """Nothing a warm start must keep: one output, whatever the target."""
        return None

    def check_same(self, state) -> None:
        """Nothing to refuse: one output, whatever the target."""

    @property
    def criterion(self):
        """The torch loss class and its parameters."""
        return LOSSES[self.loss]

    def stratify(self, target):
        """No strata."""
        return None
