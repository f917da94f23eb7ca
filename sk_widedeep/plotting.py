"""Plots of a fitted model: its training curves and what its wide part memorized.

These functions need matplotlib, an optional dependency::

    pip install "sk-widedeep[plot]"

Each takes a fitted :class:`~sk_widedeep.WideDeepClassifier` or
:class:`~sk_widedeep.WideDeepRegressor`, or a
:class:`~sklearn.pipeline.Pipeline` that ends in one, draws on ``ax`` (a new
figure's axes when None) and returns the axes, so that the caller can add a
title or save the figure.
"""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["plot_training_history", "plot_wide_weights"]


def _axes(ax, figsize=None):
    """Return ``ax``, or the axes of a new figure of ``figsize`` when it is None."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "The plot functions need matplotlib: pip install 'sk-widedeep[plot]' "
            "(or pip install matplotlib)."
        ) from error
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _estimator(model):
    """Return the fitted Wide & Deep estimator of ``model`` (or of its last step)."""
    from ._estimator._base import BaseWideDeep

    if isinstance(model, Pipeline):
        model = model[-1]
    if not isinstance(model, BaseWideDeep):
        raise TypeError(
            "Expected a fitted WideDeepClassifier or WideDeepRegressor, or a "
            f"Pipeline ending in one, got {type(model).__name__}."
        )
    check_is_fitted(model)
    return model


def plot_training_history(model, *, ax=None):
    """Plot the training loss per epoch, and the validation loss if there is one.

    The validation curve exists when the model was fitted with
    ``early_stopping=True``; its best epoch, whose weights the model keeps,
    is marked.

    Parameters
    ----------
    model : WideDeepClassifier, WideDeepRegressor or Pipeline
        A fitted estimator, or a fitted pipeline whose last step is one.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    See Also
    --------
    WideDeepClassifier.loss_curve_ : The training loss of each epoch.
    WideDeepClassifier.validation_loss_curve_ : The validation loss of each epoch.

    Examples
    --------
    >>> from sk_widedeep import WideDeepClassifier
    >>> from sk_widedeep.datasets import make_app_installs
    >>> from sk_widedeep.plotting import plot_training_history
    >>> X, y = make_app_installs(2000, random_state=0)
    >>> clf = WideDeepClassifier(max_epochs=4, early_stopping=True, random_state=0)
    >>> ax = plot_training_history(clf.fit(X, y))
    >>> ax.get_legend_handles_labels()[1]
    ['training loss', 'validation loss']
    """
    clf = _estimator(model)
    ax = _axes(ax)
    epochs = np.arange(1, len(clf.loss_curve_) + 1)
    ax.plot(epochs, clf.loss_curve_, marker="o", label="training loss")
    if clf.validation_loss_curve_ is not None:
        ax.plot(epochs, clf.validation_loss_curve_, marker="o", label="validation loss")
        best = int(np.argmin(clf.validation_loss_curve_))
        ax.axvline(epochs[best], color="grey", linestyle=":", label="_best epoch")
        ax.annotate(
            "kept",
            (epochs[best], clf.validation_loss_curve_[best]),
            textcoords="offset points",
            xytext=(4, 8),
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("log loss")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    return ax


def plot_wide_weights(model, *, top=20, label=None, ax=None):
    """Bar chart of the wide part's largest weights, by feature name.

    For a classifier, a positive weight adds log-odds for ``label``: the
    model memorized that the feature (a value, or a combination of values
    for a cross) goes with that class. For a regressor, it raises the
    prediction (in standard deviations of the target, or in log rate for
    ``loss="poisson"``).

    Parameters
    ----------
    model : WideDeepClassifier, WideDeepRegressor or Pipeline
        A fitted estimator with a wide part, or a fitted pipeline whose last
        step is one.
    top : int, default=20
        Number of features shown: those of largest absolute weight.
    label : class label or None, default=None
        With more than two classes, the class whose weights are shown; with
        two, None shows the weights of ``classes_[1]``; None for a regressor.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure, sized to ``top``.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    See Also
    --------
    WideDeepClassifier.wide_weights : The weights as a DataFrame.

    Examples
    --------
    >>> from sk_widedeep import CrossProductTransformer, WideDeepClassifier
    >>> from sk_widedeep.datasets import make_app_installs
    >>> from sk_widedeep.plotting import plot_wide_weights
    >>> X, y = make_app_installs(2000, random_state=0)
    >>> wide = CrossProductTransformer(crosses=[("country", "app_id")])
    >>> clf = WideDeepClassifier(wide=wide, max_epochs=2, random_state=0).fit(X, y)
    >>> ax = plot_wide_weights(clf, top=5)
    >>> len(ax.patches)
    5
    """
    clf = _estimator(model)
    weights = clf.wide_weights()
    if not hasattr(clf, "classes_"):
        if label is not None:
            raise ValueError(f"label={label!r}: a regressor has no classes; pass None.")
        unit = "log rate" if clf.loss == "poisson" else "standard deviations of y"
        return _bars(weights["weight"], top, ax, f"wide weight ({unit})")
    classes = clf.classes_.tolist()  # plain Python labels, for the messages
    if weights.shape[1] == 1:
        if label is not None and label != classes[1]:
            raise ValueError(
                f"label={label!r}: the weights of a binary model are those of "
                f"classes_[1] = {classes[1]!r}; pass label=None."
            )
        label, column = classes[1], weights["weight"]
    elif label is None:
        raise ValueError(
            f"This model has {len(classes)} classes: pass label=<one of "
            f"{classes}> to choose whose weights to show."
        )
    elif label not in classes:
        raise ValueError(
            f"label={label!r} is not a class of the model; its classes are {classes}."
        )
    else:
        column = weights[label]
    return _bars(column, top, ax, f"wide weight (log-odds of {label!r})")


def _bars(column, top, ax, xlabel):
    """Draw the ``top`` largest weights of ``column`` as horizontal bars."""
    largest = column.iloc[np.argsort(-column.abs().to_numpy(), kind="stable")[:top]]
    ax = _axes(ax, figsize=(7, 1.5 + 0.3 * len(largest)))
    colors = np.where(largest.to_numpy() > 0, "tab:blue", "tab:red")
    ax.barh(np.arange(len(largest)), largest.to_numpy(), color=colors)
    ax.set_yticks(np.arange(len(largest)), labels=largest.index)
    ax.invert_yaxis()  # the largest on top
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(xlabel)
    return ax
