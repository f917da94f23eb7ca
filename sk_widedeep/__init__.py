"""sk_widedeep: the Wide & Deep model (Cheng et al., 2016) for scikit-learn."""

__version__ = "0.1.0"

from ._classifier import WideDeepClassifier  # noqa: E402
from ._cross_product import CrossProductTransformer  # noqa: E402
from ._embedding import EmbeddingEncoder  # noqa: E402
from ._persistence import load  # noqa: E402
from ._presets import paper_preset  # noqa: E402

__all__ = [
    "CrossProductTransformer",
    "EmbeddingEncoder",
    "WideDeepClassifier",
    "__version__",
    "load",
    "paper_preset",
]
