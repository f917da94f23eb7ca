"""
Tuning crosses and widths with GridSearchCV
===========================================

The wide and deep parts are parameters of
:class:`~sk_widedeep.WideDeepClassifier`, so their settings are tuned like
those of any nested scikit-learn estimator: ``wide__crosses`` chooses the
cross-product features, ``hidden_units`` the widths of the ReLU layers.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import GridSearchCV, train_test_split

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import make_app_installs

X, y = make_app_installs(12_000, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
model = WideDeepClassifier(
    wide=CrossProductTransformer(),
    deep=EmbeddingEncoder(),
    max_epochs=5,
    random_state=0,
)
crosses = {
    "none": [],
    "country × app": [("country", "app_id")],
    "+ category": [("country", "app_id"), ("installed_category", "app_category")],
}
search = GridSearchCV(
    model,
    param_grid={
        "wide__crosses": list(crosses.values()),
        "hidden_units": [(32,), (128, 64)],
    },
    scoring="roc_auc",
    cv=3,
)
search.fit(X_train, y_train)
print("best:", search.best_params_)
print(f"test ROC AUC of the refitted best model: {search.score(X_test, y_test):.4f}")

# %%
# The mean cross-validated AUC of each candidate. The crosses matter more
# than the widths. With 6,000 impressions per training fold, the
# ``installed_category`` × ``app_category`` cross (144 combinations, many
# impressions each) helps most; ``country`` × ``app_id`` has thousands of
# combinations seen a few times each, and pays off on larger logs (see the
# example on the three models, with 30,000 impressions).
results = pd.DataFrame(search.cv_results_)
names = {str(value): name for name, value in crosses.items()}
results["crosses"] = [names[str(value)] for value in results["param_wide__crosses"]]
table = results.pivot_table(
    index="crosses", columns="param_hidden_units", values="mean_test_score"
).loc[list(crosses)]
print(table.round(4))
ax = table.plot.barh(figsize=(7, 3.5))
ax.set_xlim(table.to_numpy().min() - 0.02, None)
ax.set_xlabel("mean cross-validated ROC AUC")
ax.legend(title="hidden_units")
plt.tight_layout()
