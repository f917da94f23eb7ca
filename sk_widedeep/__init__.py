"""sk_widedeep: the Wide & Deep model (Cheng et al., 2016) for scikit-learn."""

import importlib

from ._version import __version__

# The public names load on first use (PEP 562): importing the package, or a
# light submodule such as the command line (``sk-widedeep --help``), does not
# import torch and scikit-learn until a class is needed.
_EXPORTS = {
    "CrossProductTransformer": "._transformers._cross_product",
    "EmbeddingEncoder": "._transformers._embedding",
    "WideDeepClassifier": "._estimator._classifier",
    "WideDeepRegressor": "._estimator._regressor",
    "load": "._estimator._persistence",
    "paper_preset": "._estimator._presets",
}

__all__ = [
    "CrossProductTransformer",
    "EmbeddingEncoder",
    "WideDeepClassifier",
    "WideDeepRegressor",
    "__version__",
    "load",
    "paper_preset",
]


def __getattr__(name):
    """Import a public name's module the first time the name is used."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    """List the public names with the module's other attributes."""
    return sorted({*globals(), *__all__})
