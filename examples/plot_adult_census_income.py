"""
Census income: a Pipeline with imputation upstream
==================================================

Predict whether a person earns more than $50K a year from the 1994 US census
(UCI Adult), with the model in a scikit-learn :class:`~sklearn.pipeline.Pipeline`.

The census marks unknown values with ``"?"``. We turn them into missing values
and let a :class:`~sklearn.impute.SimpleImputer` upstream fill them, as a
production pipeline would; :class:`~sk_widedeep.WideDeepClassifier` would also
take the missing values as they are (they go to each column's *other* slot).
"""

# %%
# The data
# --------
# 48,842 people, 8 categorical and 6 numeric columns; the target is 1 for the
# 23.9% who earn more than $50K.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import RocCurveDisplay, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import fetch_adult
from sk_widedeep.plotting import plot_training_history

X, y = fetch_adult(return_X_y=True)
X = X.replace("?", np.nan)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, stratify=y, random_state=42
)
categorical = [
    "workclass", "education", "marital-status", "occupation", "relationship",
    "race", "gender", "native-country",
]  # fmt: skip
continuous = [
    "age", "educational-num", "capital-gain", "capital-loss", "hours-per-week",
]  # fmt: skip
print(X_train[categorical].isna().sum())

# %%
# The pipeline
# ------------
# The imputer fills unknown categories with ``"unknown"`` and numbers with
# their median; ``set_output(transform="pandas")`` keeps the column names, so
# the Wide & Deep model can name its columns. The wide part one-hot encodes
# the categorical columns and two crosses; the deep part embeds the same
# columns and scales the numbers.
impute = ColumnTransformer(
    [
        ("categorical", SimpleImputer(strategy="constant", fill_value="unknown"),
         categorical),
        ("continuous", SimpleImputer(strategy="median"), continuous),
    ],
    verbose_feature_names_out=False,
).set_output(transform="pandas")  # fmt: skip
model = WideDeepClassifier(
    wide=CrossProductTransformer(
        columns=categorical,
        crosses=[("education", "occupation"), ("native-country", "occupation")],
    ),
    deep=EmbeddingEncoder(categorical=categorical, continuous=continuous),
    batch_size=1024,
    max_epochs=10,
    early_stopping=True,
    random_state=0,
)
pipeline = make_pipeline(impute, model)
pipeline.fit(X_train, y_train)
proba = pipeline.predict_proba(X_test)[:, 1]
print(f"test ROC AUC: {roc_auc_score(y_test, proba):.4f}")

# %%
# ROC curve and training curves
# -----------------------------
# Early stopping held out 10% of the training rows; the model keeps the
# weights of the epoch with the lowest validation loss.
fig, (roc_ax, history_ax) = plt.subplots(1, 2, figsize=(10, 4))
RocCurveDisplay.from_predictions(y_test, proba, name="Wide & Deep", ax=roc_ax)
roc_ax.plot([0, 1], [0, 1], color="grey", linestyle=":")
plot_training_history(pipeline, ax=history_ax)
fig.tight_layout()
