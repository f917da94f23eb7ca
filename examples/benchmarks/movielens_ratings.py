"""MovieLens 100K star ratings: WideDeepRegressor, LightGBM and the bias baseline.

Regression of the 1-5 rating on the columns of the classification
benchmark (``corpus.movielens_ratings``: user and movie ids,
the user's age, gender and occupation, the movie's year and genres). The
split is the regression corpus' canonical one, 80/20 of the 100,000
ratings at random (``random_state=42``: ``corpus.split``), so the
validation rows of ``defaults_study.py --task regression`` are all
training rows here; it is not the stratified split of ``quality.py``'s
classification table, whose test rows differ. Every model is fitted on the
80,000 training ratings only and scored once on the 20,000 test ones:

- ``defaults``: ``WideDeepRegressor(random_state=seed)``, every column role
  left to ``"auto"``;
- ``crosses``: the same with the roles of ``corpus.ROLES["movielens"]``:
  the wide part one-hot encodes the five categorical columns and crosses
  ``user_id`` with each of the 19 genre flags (each user's taste for each
  genre), the deep part embeds the categorical columns and takes the rest
  as numbers;
- ``lightgbm``: ``LGBMRegressor(random_state=seed)``, its defaults, on the
  same columns (the ids as native categoricals);
- ``baseline``: the damped user and item biases of the collaborative
  filtering literature (Koren 2010, "Factor in the neighbors"), fitted on
  the training ratings::

      mu  = the mean training rating
      b_i = sum over the item's ratings of (r - mu)         / (LAMBDA_ITEM + n_i)
      b_u = sum over the user's ratings of (r - mu - b_i)   / (LAMBDA_USER + n_u)
      r^  = mu + b_u + b_i

  where ``LAMBDA_ITEM`` and ``LAMBDA_USER`` are chosen from ``GRID`` (each)
  by the RMSE on the validation split of the training ratings
  (``harness.validation_split``), then the biases are refitted
  on all training ratings; a user or a movie not seen in training has bias
  0. ``plain_means`` is the same with no damping (both lambdas 0).

No prediction is clipped to [1, 5]. The neural models are fitted with each
of ``--seeds`` (the mean, median and standard deviation over seeds are
reported); LightGBM with each seed too (its defaults use no sampling, so
the seeds agree); the baselines are deterministic and fitted once. Run from
``examples/benchmarks``::

    python movielens_ratings.py [--models baseline plain_means lightgbm ...]
                                [--seeds 0 1 2]
                                [--rst ../../docs/_movielens_ratings.rst]

``--models baseline plain_means lightgbm`` runs without the neural models.
"""

import argparse

import numpy as np
import pandas as pd
from corpus import ROLES, split
from harness import (
    reference,
    regression_scores,
    rst_table,
    timed_fit,
    validation_split,
    write_rst,
)
from sklearn.metrics import root_mean_squared_error as rmse

# the damping values the baseline chooses from, for the items and the users
GRID = (0.0, 1.0, 2.0, 5.0, 10.0, 25.0)
MODELS = {
    # name: what the table calls it
    "defaults": "WideDeepRegressor, defaults",
    "crosses": "WideDeepRegressor, user x genre crosses",
    "lightgbm": "LightGBM defaults",
    "baseline": "mean + damped user and item biases",  # the lambdas tuned
    "plain_means": "mean + plain user and item biases",
}
DETERMINISTIC = {"baseline", "plain_means"}


class BiasBaseline:
    """The rating as a global mean plus a user bias and an item bias.

    Parameters
    ----------
    lambda_item : float, default=0.0
        Damping of the item biases: an item's bias is the sum of its
        residuals over ``lambda_item`` plus its number of ratings.
    lambda_user : float, default=0.0
        Damping of the user biases, fitted on the residuals of the item ones.
    user : str, default="user_id"
        The user column of X.
    item : str, default="movie_id"
        The item column of X.
    """

    def __init__(
        self, lambda_item=0.0, lambda_user=0.0, user="user_id", item="movie_id"
    ):
        self.lambda_item = lambda_item
        self.lambda_user = lambda_user
        self.user = user
        self.item = item

    def fit(self, X, y):
        """Fit the mean and the biases on the rows of X and their ratings y."""
        y = np.asarray(y, dtype=np.float64)
        self.mean_ = float(y.mean())
        users = np.asarray(X[self.user], dtype=object)
        items = np.asarray(X[self.item], dtype=object)
        self.item_bias_ = self._biases(items, y - self.mean_, self.lambda_item)
        residual = y - self.mean_ - self._lookup(self.item_bias_, items)
        self.user_bias_ = self._biases(users, residual, self.lambda_user)
        return self

    def predict(self, X):
        """The mean plus the biases of each row's user and item (0 if unseen)."""
        users = np.asarray(X[self.user], dtype=object)
        items = np.asarray(X[self.item], dtype=object)
        return (
            self.mean_
            + self._lookup(self.user_bias_, users)
            + self._lookup(self.item_bias_, items)
        )

    @staticmethod
    def _biases(keys, residual, damping):
        grouped = pd.Series(residual).groupby(keys)
        return grouped.sum() / (damping + grouped.size())

    @staticmethod
    def _lookup(biases, keys):
        return biases.reindex(keys).fillna(0.0).to_numpy()


class TunedBiasBaseline(BiasBaseline):
    """``BiasBaseline`` with its two dampings chosen on a validation split.

    Parameters
    ----------
    grid : tuple of float, default=GRID
        The values tried for each of ``lambda_item`` and ``lambda_user``.

    Attributes
    ----------
    lambda_item, lambda_user : float
        The values chosen: the lowest validation RMSE on
        ``harness.validation_split`` of the rows given to ``fit``.
    """

    def __init__(self, grid=GRID):
        super().__init__()
        self.grid = grid

    def fit(self, X, y):
        """Choose the dampings on a split of (X, y), then fit on all of it."""
        X_fit, X_valid, y_fit, y_valid = validation_split(X, y, stratified=False)
        scores = {
            (item, user): rmse(
                y_valid, BiasBaseline(item, user).fit(X_fit, y_fit).predict(X_valid)
            )
            for item in self.grid
            for user in self.grid
        }
        self.lambda_item, self.lambda_user = min(scores, key=scores.get)
        return super().fit(X, y)


def make(model, seed):
    """An unfitted model of ``MODELS``."""
    if model == "baseline":
        return TunedBiasBaseline()
    if model == "plain_means":
        return BiasBaseline(0.0, 0.0)
    if model == "lightgbm":
        return reference("LightGBM", seed, "regression")
    from sk_widedeep import WideDeepRegressor

    if model == "defaults":
        return WideDeepRegressor(random_state=seed)
    from sk_widedeep import CrossProductTransformer, EmbeddingEncoder

    roles = ROLES["movielens"]
    return WideDeepRegressor(
        wide=CrossProductTransformer(**roles["wide"]),
        deep=EmbeddingEncoder(**roles["deep"]),
        random_state=seed,
    )


def evaluate(model, seed, data):
    """Fit ``model`` on the training ratings; its test RMSE, MAE and fit seconds."""
    X_train, X_test, y_train, y_test = data
    estimator = make(model, seed)
    seconds, _ = timed_fit(estimator, model, X_train, X_test, y_train)
    test_rmse, test_mae, _ = regression_scores(y_test, estimator.predict(X_test))
    dampings = ""
    if model == "baseline":
        dampings = (
            f"``lambda_item={estimator.lambda_item:g}``, "
            f"``lambda_user={estimator.lambda_user:g}``"
        )
    return {
        "model": model,
        "seed": seed,
        "rmse": test_rmse,
        "mae": test_mae,
        "fit_seconds": seconds,
        "epochs": getattr(estimator, "n_iter_", ""),
        "dampings": dampings,
    }


def table(runs):
    """Per model: mean, median and standard deviation of RMSE and MAE over seeds."""
    runs = pd.DataFrame(runs)
    grouped = runs.groupby("model", sort=False)
    out = pd.DataFrame(
        {
            "seeds": grouped.size(),
            "RMSE mean": grouped.rmse.mean(),
            "RMSE median": grouped.rmse.median(),
            "RMSE std": grouped.rmse.std(),
            "MAE mean": grouped.mae.mean(),
            "MAE median": grouped.mae.median(),
            "MAE std": grouped.mae.std(),
            "fit seconds (median)": grouped.fit_seconds.median(),
        }
    )
    return out


def ratings_rst(summary, runs):
    """The table as reStructuredText, for docs/quality.rst."""
    header = ["model", "test RMSE", "test MAE", "seeds", "fit seconds"]

    def cell(row, metric):
        text = f"{row[f'{metric} mean']:.4f}"
        if row["seeds"] > 1:
            text += f" ± {row[f'{metric} std']:.4f}"
        return text

    dampings = [run["dampings"] for run in runs if run["dampings"]]
    note = "Mean ± standard deviation over the seeds; fit seconds: the median"
    if dampings:
        note += (
            f"; the baseline's dampings, chosen on a validation split: {dampings[0]}"
        )
    rows = [
        [
            MODELS[name],
            cell(row, "RMSE"),
            cell(row, "MAE"),
            int(row["seeds"]),
            f"{row['fit seconds (median)']:.1f}",
        ]
        for name, row in summary.iterrows()
    ]
    return f"{rst_table(header, rows)}\n\n{note}."


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--models", nargs="+", default=list(MODELS), choices=list(MODELS)
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rst", default=None, help="write the table here")
    args = parser.parse_args()
    data = split("movielens_ratings")
    print(f"{len(data[0])} training ratings, {len(data[1])} test ratings")
    runs = []
    for seed in args.seeds:
        for model in args.models:  # alternating, as the timings share the machine
            if model in DETERMINISTIC and seed != args.seeds[0]:
                continue
            run = evaluate(model, seed, data)
            runs.append(run)
            print(
                f"{model:12s} seed {seed}  RMSE {run['rmse']:.4f}  MAE {run['mae']:.4f}"
                f"  {run['fit_seconds']:6.2f} s {run['epochs']}"
                + run["dampings"].replace("``", ""),
                flush=True,
            )
    summary = table(runs)
    pd.set_option("display.width", 200)
    print()
    print(summary.to_string(float_format=lambda v: f"{v:.4f}"))
    if args.rst:
        write_rst(args.rst, "movielens_ratings.py --rst", ratings_rst(summary, runs))


if __name__ == "__main__":
    main()
