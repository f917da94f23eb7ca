"""
MovieLens 100K: predicting star ratings with WideDeepRegressor
==============================================================

Predict the 1-5 star rating a user gives a movie, from who the user is
(id, age, gender, occupation) and what the movie is (id, year, genres).
:class:`~sk_widedeep.WideDeepRegressor` is set beside two references on the
same 80/20 random split of the 100,000 ratings: scikit-learn's
:class:`~sklearn.ensemble.HistGradientBoostingRegressor`, and the classic
baseline of collaborative filtering, a global mean plus a user bias and an
item bias. LightGBM's regressor, on the same split (and these columns, plus
the genres as one string), is on :ref:`the quality page <movielens-ratings>`.
"""

# %%
# The ratings
# -----------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.model_selection import train_test_split

from sk_widedeep import WideDeepRegressor
from sk_widedeep.datasets import fetch_movielens_100k

ratings = fetch_movielens_100k()
genres = list(ratings.columns[ratings.columns.get_loc("unknown") :])
X = ratings[["user_id", "movie_id", "age", "gender", "occupation", "year", *genres]]
X = X.astype({"user_id": str, "movie_id": str})  # ids are categories
y = ratings["rating"].astype(float)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=42
)
print(f"{len(X_train)} training ratings, {len(X_test)} test ratings")

# %%
# The baseline: a mean and two biases
# -----------------------------------
# Each movie's bias is the sum of its ratings' deviations from the mean over
# its number of ratings plus a damping of 2, and each user's bias the same
# over what the movie biases leave (the dampings chosen on a validation split
# by ``examples/benchmarks/movielens_ratings.py``). Unseen users and movies
# get no bias.
mean = y_train.mean()
movie_groups = (y_train - mean).groupby(X_train["movie_id"])
movie_bias = movie_groups.sum() / (2.0 + movie_groups.size())
residual = y_train - mean - X_train["movie_id"].map(movie_bias)
user_groups = residual.groupby(X_train["user_id"])
user_bias = user_groups.sum() / (2.0 + user_groups.size())


def baseline(X):
    """Predict the mean plus the user's and the movie's bias."""
    return (
        mean
        + X["user_id"].map(user_bias).fillna(0.0).to_numpy()
        + X["movie_id"].map(movie_bias).fillna(0.0).to_numpy()
    )


# %%
# Gradient boosting and Wide & Deep, with their defaults
# ------------------------------------------------------
# ``WideDeepRegressor`` takes the table as it is: the ids, gender and
# occupation are categories, embedded and one-hot encoded, the rest
# numbers. It standardizes the rating inside, holds out 10% of the training
# rows to stop early, and predicts in stars. Gradient boosting takes at most
# 255 categories per column: the ids enter it as integer codes, gender and
# occupation as categories.
def for_boosting(X):
    """Ids as integer codes, gender and occupation as categories."""
    return X.astype(
        {
            "user_id": int,
            "movie_id": int,
            "gender": "category",
            "occupation": pd.CategoricalDtype(X_train["occupation"].unique()),
        }
    )


boosting = HistGradientBoostingRegressor(categorical_features="from_dtype")
boosting.fit(for_boosting(X_train), y_train)

model = WideDeepRegressor(random_state=0).fit(X_train, y_train)
print(f"Wide & Deep: {model.n_iter_} epochs (early stopping)")

predictions = {
    "mean + user and movie biases": baseline(X_test),
    "HistGradientBoosting, defaults": boosting.predict(for_boosting(X_test)),
    "WideDeepRegressor, defaults": model.predict(X_test),
}
table = pd.DataFrame(
    {
        name: {
            "RMSE": root_mean_squared_error(y_test, p),
            "MAE": mean_absolute_error(y_test, p),
        }
        for name, p in predictions.items()
    }
).T
print(table.round(4))

# %%
# Where the errors are
# --------------------
# The RMSE by the number of training ratings of the user: the biases of users
# with few ratings are guesses, where the model's embeddings and the user's
# age, gender and occupation can still say something.
counts = X_train["user_id"].value_counts()
bins = pd.cut(
    X_test["user_id"].map(counts).fillna(0),
    [0, 25, 50, 100, 200, 1000],
    include_lowest=True,
)
fig, ax = plt.subplots(figsize=(7, 4))
for name, p in predictions.items():
    squared = pd.Series((y_test.to_numpy() - p) ** 2, index=y_test.index)
    by_bin = np.sqrt(squared.groupby(bins, observed=True).mean())
    ax.plot(range(len(by_bin)), by_bin.to_numpy(), marker="o", label=name)
ax.set_xticks(range(len(by_bin)), [str(b) for b in by_bin.index])
ax.set_xlabel("training ratings of the user")
ax.set_ylabel("test RMSE (stars)")
ax.legend()
plt.tight_layout()
plt.show()
