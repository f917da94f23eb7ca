"""
MovieLens 100K: a Wide & Deep recommender
=========================================

Recommend movies the way the paper recommends apps: score every candidate
movie for a user, rank them, and show the top 10.

Each user's most recent movie rated 4 or 5 is held out. The model learns from
the rest which (user, movie) pairs are watched: the rated movies are the
positives, and as many movies the user never rated, sampled at random, are
the negatives (implicit feedback, as an impression log would give). We then
rank, for every user, all 1,682 movies but those already rated in training,
and count how often the held-out movie is in the top 10 (hit rate@10) and how
high (NDCG@10), against a ranking by popularity.
"""

# %%
# Interactions, users and movies
# ------------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import fetch_movielens_100k

ratings = fetch_movielens_100k()
ratings["user_id"] = ratings["user_id"].astype(str)
ratings["movie_id"] = ratings["movie_id"].astype(str)
ratings["liked"] = (ratings["rating"] >= 4).astype(int)
genres = list(ratings.columns[ratings.columns.get_loc("unknown") :])
users = ratings.drop_duplicates("user_id").set_index("user_id")[
    ["age", "gender", "occupation"]
]
movies = ratings.drop_duplicates("movie_id").set_index("movie_id")[
    ["movie_title", "year", "genres", *genres]
]

liked = ratings[ratings["liked"] == 1].sort_values("timestamp")
last_liked = liked.groupby("user_id").tail(1)
held_out = last_liked.set_index("user_id")["movie_id"]
train = ratings.drop(index=last_liked.index)
print(f"{len(train)} training ratings, {len(held_out)} users with a held-out movie")


def pairs(user_ids, movie_ids):
    """The features of (user, movie) pairs: the user's and the movie's columns."""
    user_part = users.loc[user_ids].reset_index()
    movie_part = movies.loc[movie_ids].reset_index()
    return pd.concat([user_part, movie_part], axis=1)


# %%
# Training pairs
# --------------
# Rated movies are positives, sampled unrated ones negatives.
rng = np.random.default_rng(0)
n_negatives = len(train)
sampled_users = rng.choice(train["user_id"].to_numpy(), n_negatives)
sampled_movies = rng.choice(movies.index.to_numpy(), n_negatives)
rated = pd.MultiIndex.from_frame(ratings[["user_id", "movie_id"]])
unseen = ~pd.MultiIndex.from_arrays([sampled_users, sampled_movies]).isin(rated)
user_ids = np.concatenate([train["user_id"], sampled_users[unseen]])
movie_ids = np.concatenate([train["movie_id"], sampled_movies[unseen]])
y = np.concatenate([np.ones(len(train), int), np.zeros(unseen.sum(), int)])
X = pairs(user_ids, movie_ids)
print(f"{len(X)} training pairs, {y.mean():.1%} positive")

# %%
# The model
# ---------
# The wide part memorizes which genres each user likes (``user_id`` crossed
# with each of the movie's genres: ``genres`` is a multi-valued column,
# ``"Comedy|Romance"`` read as two values) and which movies each occupation
# likes; the deep part embeds users, movies and their attributes, the genres
# as one embedding pooled over the movie's genres.
multi_valued = {"separators": {"genres": "|"}}
model = WideDeepClassifier(
    wide=CrossProductTransformer(
        columns=["user_id", "movie_id"],
        crosses=[("user_id", "genres"), ("occupation", "movie_id")],
        **multi_valued,
    ),
    deep=EmbeddingEncoder(
        categorical=["user_id", "movie_id", "gender", "occupation", "genres"],
        continuous=["age", "year"],
        **multi_valued,
    ),
    hidden_units=(128, 64),
    deep_l2=0.0,  # ids seen a few times each: no weight decay learns them faster
    batch_size=1024,
    max_epochs=8,
    random_state=0,
)
model.fit(X, y)

# %%
# Rank every candidate movie for every user
# -----------------------------------------
# A user's candidates are all movies not rated in training: about 1,600 per
# user, 1.5 million pairs in all, scored 100 users at a time.
all_movies = movies.index.to_numpy()
seen = train.groupby("user_id")["movie_id"].agg(set)
ranks = {}
for start in range(0, len(held_out), 100):
    chunk = held_out.index[start : start + 100]
    user_ids = np.repeat(chunk.to_numpy(), len(all_movies))
    movie_ids = np.tile(all_movies, len(chunk))
    scores = model.predict_proba(pairs(user_ids, movie_ids))[:, 1]
    scores = scores.reshape(len(chunk), len(all_movies))
    for row, user in enumerate(chunk):
        candidates = ~np.isin(all_movies, list(seen[user]))
        target = scores[row, all_movies == held_out[user]][0]
        ranks[user] = int((scores[row, candidates] > target).sum())  # 0 is best
ranks = pd.Series(ranks)

# %%
# The same ranking by popularity: the movies with the most ratings in training.
likes = train.groupby("movie_id").size().reindex(all_movies, fill_value=0)
popularity_ranks = pd.Series(
    {
        user: int((likes[~likes.index.isin(seen[user])] > likes[held_out[user]]).sum())
        for user in held_out.index
    }
)


def hit_rate_and_ndcg(ranks, k=10):
    """Share of held-out movies in the top k, and their mean NDCG@k."""
    hit = ranks < k
    return hit.mean(), np.where(hit, 1 / np.log2(ranks + 2), 0).mean()


table = pd.DataFrame(
    [hit_rate_and_ndcg(ranks), hit_rate_and_ndcg(popularity_ranks)],
    index=["Wide & Deep", "popularity"],
    columns=["hit rate@10", "NDCG@10"],
)
print(table.round(3))

# %%
# A top-10 list
# -------------
# The model's top 10 for one user, next to the movies they liked in training.
user = held_out.index[0]
candidates = all_movies[~np.isin(all_movies, list(seen[user]))]
scores = model.predict_proba(pairs(np.repeat(user, len(candidates)), candidates))
top = pd.Series(scores[:, 1], index=candidates).nlargest(10)
print(f"user {user}, held-out movie: {movies.loc[held_out[user], 'movie_title']}")
print(movies.loc[top.index, ["movie_title", "genres"]].assign(score=top.round(3)))

fig, ax = plt.subplots(figsize=(6, 3))
table.plot.barh(ax=ax)
ax.set_xlabel("share of users (higher is better)")
fig.tight_layout()
