"""sk_widedeep: the Wide & Deep model (Cheng et al., 2016) for scikit-learn."""

from ._classifier import WideDeepClassifier
from ._cross_product import CrossProductTransformer
from ._embedding import EmbeddingEncoder
from ._presets import paper_preset

__version__ = "0.1.0"

__all__ = [
    "CrossProductTransformer",
    "EmbeddingEncoder",
    "WideDeepClassifier",
    "__version__",
    "paper_preset",
]
