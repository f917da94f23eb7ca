"""Temperature scaling: one number that makes the classifier's logits calibrated.

The classifier's probabilities are ``sigmoid(logits / T)`` (softmax for
several classes). ``T`` is fitted on the validation rows that early
stopping holds out, at the end of every epoch: the epoch is then chosen on
the log loss *after* scaling, and the chosen epoch's ``T`` is kept. Dividing
by a positive number keeps the order of the scores, so it never changes a
prediction or a binary AUC; it only makes the probabilities less (``T > 1``)
or more (``T < 1``) confident. Choosing the epoch on the calibrated loss is
the "refine, then calibrate" recipe of Berta, Holzmüller, Jordan and Bach
(2025, arXiv 2501.19195).

The log loss of ``logits * s`` is convex in ``s = 1 / T`` and its derivative
increases with ``s``, so the best ``s`` is where the derivative changes
sign: found by bisection (on ``log s``), which no shape of the loss can
mislead, in :data:`TEMPERATURE_RANGE`.
"""

from __future__ import annotations

import math

import torch
from torch.nn import functional

TEMPERATURE_RANGE = (0.25, 8.0)
"""The smallest and the largest temperature fitted.

Bounded because rows that the model separates perfectly have no best
temperature (the loss keeps falling as ``T`` goes to 0): a small
validation set that happens to be separated must not make every later
probability 0 or 1. The bounds are reached only then, or by a model far
from calibrated (an early epoch), which the scaled loss does not choose.
"""

_BISECTIONS = 40


def fit_temperature(logits, target, weight=None) -> tuple[float, float]:
    """Fit the temperature that minimizes the log loss of ``logits / T``.

    Parameters
    ----------
    logits : Tensor of shape (n_rows, 1) or (n_rows, n_classes)
        One logit per row for two classes (of the positive class), else one
        per class.
    target : Tensor of shape (n_rows,)
        The class of each row: 0 or 1 for one logit, the class's position
        for several.
    weight : Tensor of shape (n_rows,), default=None
        The rows' weights in the loss (None: 1 each).

    Returns
    -------
    temperature : float
        The temperature, in :data:`TEMPERATURE_RANGE`.
    loss : float
        The weighted mean log loss of ``logits / temperature``.
    """
    logits = logits.detach().to(torch.float64)
    binary = logits.shape[1] == 1
    if binary:
        scores = logits[:, 0]
        target = target.to(torch.float64)
    else:
        scores = logits
        target = target.to(torch.int64)
        picked = scores.gather(1, target[:, None])[:, 0]
    weight = (
        torch.ones(len(scores), dtype=torch.float64, device=scores.device)
        if weight is None
        else weight.detach().to(torch.float64)
    )
    weight = weight / weight.sum()

    def slope(s: float) -> float:
        """Return the mean loss's derivative in ``s`` (it increases with ``s``)."""
        if binary:
            per_row = (torch.sigmoid(s * scores) - target) * scores
        else:
            expected = (torch.softmax(s * scores, dim=1) * scores).sum(1)
            per_row = expected - picked
        return float(weight @ per_row)

    def loss(s: float) -> float:
        if binary:
            per_row = functional.binary_cross_entropy_with_logits(
                s * scores, target, reduction="none"
            )
        else:
            per_row = functional.cross_entropy(s * scores, target, reduction="none")
        return float(weight @ per_row)

    low, high = (math.log(1 / t) for t in reversed(TEMPERATURE_RANGE))
    if slope(math.exp(high)) <= 0:
        best = high  # still falling at the sharpest: the bound
    elif slope(math.exp(low)) >= 0:
        best = low
    else:
        for _ in range(_BISECTIONS):
            middle = (low + high) / 2
            if slope(math.exp(middle)) < 0:
                low = middle
            else:
                high = middle
        best = (low + high) / 2
    return math.exp(-best), loss(math.exp(best))
