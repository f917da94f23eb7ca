"""A synthetic impression log in the spirit of the paper's app store."""

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

COUNTRIES = [
    "US", "IN", "BR", "ID", "MX", "DE", "FR", "JP", "GB", "ES",
    "IT", "TR", "PH", "VN", "EG", "AR", "CA", "PT", "KR", "NG",
]  # fmt: skip
LANGUAGES = [
    "en",
    "hi",
    "pt",
    "id",
    "es",
    "de",
    "fr",
    "ja",
    "it",
    "tr",
    "vi",
    "ar",
    "ko",
]
MAIN_LANGUAGE = {
    "US": "en", "IN": "hi", "BR": "pt", "ID": "id", "MX": "es", "DE": "de",
    "FR": "fr", "JP": "ja", "GB": "en", "ES": "es", "IT": "it", "TR": "tr",
    "PH": "en", "VN": "vi", "EG": "ar", "AR": "es", "CA": "en", "PT": "pt",
    "KR": "ko", "NG": "en",
}  # fmt: skip
DEVICES = ["phone_low", "phone_mid", "phone_high", "tablet"]
CATEGORIES = [
    "games", "social", "music", "video", "news", "shopping",
    "travel", "finance", "health", "education", "photo", "tools",
]  # fmt: skip


def make_app_installs(
    n_samples=100_000,
    *,
    n_apps=500,
    hit_fraction=0.05,
    installed_apps=False,
    companion_fraction=0.05,
    random_state=None,
):
    r"""Generate an app-store impression log, labelled by whether the app was installed.

    Each row is one impression: a user, described by ``country``,
    ``language``, ``device``, ``installed_category`` (the category of most
    of their installed apps) and ``age``, is shown a candidate app, described
    by ``app_id``, ``app_category``, ``app_language`` and ``app_rating``. The
    label is whether the user installed it.

    The install log-odds are the sum of two kinds of effects, so that both
    parts of a Wide & Deep model have something to learn:

    - **Smooth, generalizable effects** that embeddings capture:
      a low-rank affinity :math:`u \cdot v` (rank 4, scaled to a standard
      deviation of 2 over the impressions) between the user vector :math:`u`, a
      sum of vectors of the user's country, device, installed category and
      standardized age, and the app vector :math:`v`, its category's vector
      plus a per-app deviation; +1 when the app's
      language is the user's; +0.6 per star of rating above 3.9.
    - **Sparse memorization effects** that only a cross captures: a random
      ``hit_fraction`` of all (country, app) pairs are local hits, with +3 to
      the log-odds. No smooth function of the columns predicts which pairs
      they are; a cross of ``country`` and ``app_id`` memorizes them.
    - With ``installed_apps=True``, the paper's own cross: each user has a
      multi-valued column ``installed_apps`` (a Poisson number of apps,
      mean 3, drawn by popularity), and a random ``companion_fraction`` of
      all (installed app, candidate app) pairs are companions: +2.5 to the
      log-odds when the user has installed a companion of the candidate.
      A cross of ``installed_apps`` and ``app_id`` memorizes them (the
      paper's AND(user_installed_app=netflix, impression_app=pandora)).

    Users' countries follow a skewed distribution (the first countries are
    the most common) and their language is their country's main language
    85% of the time; apps are shown with popularity-skewed frequencies; about
    20% of impressions end in an install.

    Parameters
    ----------
    n_samples : int, default=100_000
        Number of impressions.
    n_apps : int, default=500
        Number of distinct candidate apps.
    hit_fraction : float, default=0.05
        Share of (country, app) pairs that are local hits.
    installed_apps : bool, default=False
        Add the multi-valued column ``installed_apps`` (a list of app ids
        per row) and its companion effect. The other columns are the same
        either way; the labels differ.
    companion_fraction : float, default=0.05
        Share of (installed app, candidate app) pairs that are companions.
    random_state : int, RandomState instance or None, default=None
        Seeds everything: the app catalogue, the latent vectors, the hits and
        the impressions.

    Returns
    -------
    X : DataFrame of shape (n_samples, 9), or 10 with ``installed_apps``
        String columns ``country``, ``language``, ``device``,
        ``installed_category``, ``app_id``, ``app_category``,
        ``app_language``; float columns ``age`` and ``app_rating``; and, with
        ``installed_apps=True``, a column of lists of app ids
        ``installed_apps``.
    y : Series of shape (n_samples,)
        ``installed``: 1 if the user installed the app, else 0.

    Examples
    --------
    >>> from sk_widedeep.datasets import make_app_installs
    >>> X, y = make_app_installs(n_samples=1000, random_state=0)
    >>> X.shape, sorted(y.unique().tolist())
    ((1000, 9), [0, 1])
    >>> X.columns.tolist()[:5]
    ['country', 'language', 'device', 'installed_category', 'age']
    """
    rng = check_random_state(random_state)
    rank = 4

    # The catalogue: apps with a category, a language, a rating, a latent vector.
    category_vectors = rng.normal(0.0, 0.7, size=(len(CATEGORIES), rank))
    app_category = rng.randint(len(CATEGORIES), size=n_apps)
    app_vectors = category_vectors[app_category] + rng.normal(0.0, 0.35, (n_apps, rank))
    app_language = np.where(
        rng.uniform(size=n_apps) < 0.5,
        LANGUAGES.index("en"),
        rng.randint(len(LANGUAGES), size=n_apps),
    )
    app_rating = np.clip(rng.normal(3.9, 0.5, size=n_apps), 1.0, 5.0).round(1)
    app_popularity = 1.0 / np.arange(1, n_apps + 1) ** 0.7
    app_popularity = rng.permutation(app_popularity / app_popularity.sum())

    # Latent vectors of the user features, and the local hits.
    country_vectors = rng.normal(0.0, 0.5, size=(len(COUNTRIES), rank))
    device_vectors = rng.normal(0.0, 0.5, size=(len(DEVICES), rank))
    installed_vectors = rng.normal(0.0, 0.7, size=(len(CATEGORIES), rank))
    age_vector = rng.normal(0.0, 0.5, size=rank)
    is_hit = rng.uniform(size=(len(COUNTRIES), n_apps)) < hit_fraction

    # The impressions.
    country_weights = 1.0 / np.arange(1, len(COUNTRIES) + 1) ** 0.8
    country = rng.choice(
        len(COUNTRIES), size=n_samples, p=country_weights / country_weights.sum()
    )
    main_language = np.array([LANGUAGES.index(MAIN_LANGUAGE[c]) for c in COUNTRIES])
    language = np.where(
        rng.uniform(size=n_samples) < 0.85,
        main_language[country],
        rng.randint(len(LANGUAGES), size=n_samples),
    )
    device = rng.choice(len(DEVICES), size=n_samples, p=[0.3, 0.4, 0.2, 0.1])
    installed = rng.randint(len(CATEGORIES), size=n_samples)
    age = np.clip(rng.gamma(4.0, 8.0, size=n_samples) + 14.0, 14.0, 90.0).round()
    app = rng.choice(n_apps, size=n_samples, p=app_popularity)

    age_z = (age - 46.0) / 16.0
    user_vectors = (
        country_vectors[country]
        + device_vectors[device]
        + installed_vectors[installed]
        + age_z[:, None] * age_vector
    )
    affinity = np.einsum("ij,ij->i", user_vectors, app_vectors[app])
    logits = (
        -2.6
        + 2.0 * (affinity - affinity.mean()) / affinity.std()
        + 1.0 * (language == app_language[app])
        + 0.6 * (app_rating[app] - 3.9)
        + 3.0 * is_hit[country, app]
    )
    installed_lists = None
    if installed_apps:
        extra = check_random_state(rng.randint(2**31 - 1))
        counts = np.minimum(extra.poisson(3.0, size=n_samples), 12)
        flat = extra.choice(n_apps, size=int(counts.sum()), p=app_popularity)
        companion = extra.uniform(size=(n_apps, n_apps)) < companion_fraction
        rows = np.repeat(np.arange(n_samples), counts)
        has_companion = np.bincount(
            rows, companion[flat, app[rows]], minlength=n_samples
        )
        logits = logits + 2.5 * (has_companion > 0)
        names = _app_names(flat)
        installed_lists = np.empty(n_samples, dtype=object)
        installed_lists[:] = [
            list(dict.fromkeys(part))
            for part in np.split(names, np.cumsum(counts)[:-1])
        ]
    y = (rng.uniform(size=n_samples) < 1.0 / (1.0 + np.exp(-logits))).astype(np.int64)

    X = pd.DataFrame(
        {
            "country": np.asarray(COUNTRIES, dtype=object)[country],
            "language": np.asarray(LANGUAGES, dtype=object)[language],
            "device": np.asarray(DEVICES, dtype=object)[device],
            "installed_category": np.asarray(CATEGORIES, dtype=object)[installed],
            "age": age,
            "app_id": _app_names(app),
            "app_category": np.asarray(CATEGORIES, dtype=object)[app_category[app]],
            "app_language": np.asarray(LANGUAGES, dtype=object)[app_language[app]],
            "app_rating": app_rating[app],
        }
    )
    if installed_lists is not None:
        X["installed_apps"] = installed_lists
    return X, pd.Series(y, name="installed")


def _app_names(apps):
    """``app_0007`` for app 7, as Python strings."""
    return np.char.add("app_", np.char.zfill(apps.astype(str), 4)).astype(object)
