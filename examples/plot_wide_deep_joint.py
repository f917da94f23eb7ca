"""
Wide-only, deep-only and joint: the paper's three models from one estimator
===========================================================================

Cheng et al. (2016) compare a wide-only model (logistic regression over
one-hot and cross-product features), a deep-only model (embeddings and ReLU
layers) and the two trained jointly. :class:`~sk_widedeep.WideDeepClassifier`
gives all three: ``deep=None`` is the wide-only model, ``wide=None`` the
deep-only one.

The data is :func:`~sk_widedeep.datasets.make_app_installs`, a synthetic
app-store impression log whose install probability has *smooth* effects
(a low-rank user × app affinity, which embeddings generalize) and *sparse*
ones (local hit apps per country, which only a ``country`` × ``app_id`` cross
memorizes). Each model captures one kind; the joint model captures both.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import make_app_installs

X, y = make_app_installs(40_000, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
categorical = [
    "country", "language", "device", "installed_category",
    "app_id", "app_category", "app_language",
]  # fmt: skip
wide = CrossProductTransformer(
    columns=categorical,
    crosses=[("country", "app_id"), ("installed_category", "app_category")],
)
deep = EmbeddingEncoder(categorical=categorical, continuous=["age", "app_rating"])
models = {
    "wide-only": WideDeepClassifier(wide=wide, deep=None, random_state=0),
    "deep-only": WideDeepClassifier(wide=None, deep=deep, random_state=0),
    "wide & deep": WideDeepClassifier(wide=wide, deep=deep, random_state=0),
}

# %%
# Fit the three and score them on held-out impressions.
scores = {}
for name, model in models.items():
    proba = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]
    scores[name] = {
        "test ROC AUC": roc_auc_score(y_test, proba),
        "log loss": log_loss(y_test, proba),
    }
scores = pd.DataFrame(scores).T
print(scores.round(4))

# %%
# The joint model has the highest AUC and the lowest log loss, and its
# training loss falls furthest: it fits what each part alone misses.
fig, (auc_ax, loss_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
scores["test ROC AUC"].plot.barh(ax=auc_ax)
auc_ax.set_xlim(scores["test ROC AUC"].min() - 0.03, None)
auc_ax.set_xlabel("test ROC AUC")
for name, model in models.items():
    loss_ax.plot(range(1, model.n_iter_ + 1), model.loss_curve_, "o-", label=name)
loss_ax.set_xlabel("epoch")
loss_ax.set_ylabel("training log loss")
loss_ax.legend()
fig.tight_layout()
