"""Real data sets: Adult census income and MovieLens 100K, read from a local copy.

A copy is a folder holding ``adult.csv.gz`` and ``movielens100k/`` with
``ratings.csv.gz``, ``users.csv.gz`` and ``items.csv.gz``. When the folder
lacks a file, it is downloaded once from its official source and converted
to that layout.

Where a copy is looked for (:func:`find_data_home`; the tests and the
documentation build look in the same places, in the same order):

1. ``$SK_WIDEDEEP_DATA``, when it is set (and nowhere else);
2. a ``shared/data`` folder in the current directory or a folder above it,
   or above the checkout that sk_widedeep runs from (a project's shared,
   read-only copy);
3. ``~/sk_widedeep_data``, the folder the ``fetch_*`` functions download to.
"""

import io
import os
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ADULT_URL = "https://archive.ics.uci.edu/static/public/2/adult.zip"
MOVIELENS_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"

ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "educational-num", "marital-status",
    "occupation", "relationship", "race", "gender", "capital-gain", "capital-loss",
    "hours-per-week", "native-country", "income",
]  # fmt: skip
GENRES = [
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
]  # fmt: skip


def get_data_home(data_home=None):
    """Return the folder that local data copies are downloaded to.

    The ``fetch_*`` functions read a copy from the first folder that holds
    it (:func:`find_data_home`: ``$SK_WIDEDEEP_DATA``, a ``shared/data``
    folder above, ``~/sk_widedeep_data``) and download one here.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        The folder. ``None`` uses the environment variable
        ``SK_WIDEDEEP_DATA`` when it is set, else ``~/sk_widedeep_data``.

    Returns
    -------
    data_home : pathlib.Path
        The folder (not created).

    Examples
    --------
    >>> from sk_widedeep.datasets import get_data_home
    >>> get_data_home("/data/copies").as_posix()
    '/data/copies'
    """
    if data_home is None:
        data_home = (
            os.environ.get("SK_WIDEDEEP_DATA") or Path.home() / "sk_widedeep_data"
        )
    return Path(data_home).expanduser()


def find_data_home(name, *, start=None):
    """Return the folder to read a data set's local copy from.

    The folders are looked at in this order, and the first that holds
    ``name`` is returned:

    1. ``$SK_WIDEDEEP_DATA`` when it is set; then it is the only one;
    2. a ``shared/data`` folder in the current directory or a folder above
       it, or above ``start``, or above this installation of sk_widedeep
       (in a checkout: the project's shared, read-only copy);
    3. ``~/sk_widedeep_data``, where the ``fetch_*`` functions download.

    When none holds it, the download folder :func:`get_data_home` is
    returned (``$SK_WIDEDEEP_DATA`` or ``~/sk_widedeep_data``).

    Parameters
    ----------
    name : str
        The copy looked for: ``"adult.csv.gz"`` or ``"movielens100k"``.
    start : str, path-like or None, default=None
        One more folder (or file) above which to look for ``shared/data``,
        e.g. the test or documentation folder of a checkout.

    Returns
    -------
    data_home : pathlib.Path
        The folder.

    Examples
    --------
    >>> from sk_widedeep.datasets import find_data_home, get_data_home
    >>> folder = find_data_home("adult.csv.gz")
    >>> (folder / "adult.csv.gz").exists() or folder == get_data_home()
    True
    """
    for folder in _data_homes(start):
        if (folder / name).exists():
            return folder
    return get_data_home()


def _data_homes(start=None):
    """Every folder :func:`find_data_home` looks at, in its order."""
    if os.environ.get("SK_WIDEDEEP_DATA"):
        return [get_data_home()]
    bases = [Path(__file__)]
    try:
        bases.insert(0, Path.cwd())
    except OSError:  # the current folder was removed
        pass
    if start is not None:
        bases.insert(0, Path(start))
    shared = []
    for base in bases:
        base = base.resolve()
        for parent in [base, *base.parents]:
            folder = parent / "shared" / "data"
            if folder.is_dir() and folder not in shared:
                shared.append(folder)
    return [*shared, get_data_home()]


def fetch_adult(*, data_home=None, download_if_missing=True, return_X_y=False):
    """Load the Adult census income data set (48,842 people, 14 features).

    The UCI training and test files together, test rows first (the order of
    the copy in the project's shared data, on which the canonical 80/20
    split is defined). The string ``"?"`` marks an unknown ``workclass``,
    ``occupation`` or ``native-country``; it is kept as a category of its
    own, not turned into a missing value.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        Folder of the local copy (``adult.csv.gz``). ``None`` looks for it
        where :func:`find_data_home` says, and downloads it, when it is
        nowhere, to :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the data from the UCI repository when the copy is missing.
    return_X_y : bool, default=False
        Return ``(X, y)``: the 14 feature columns and ``y = income == ">50K"``
        as 0/1, instead of the whole frame.

    Returns
    -------
    frame : DataFrame of shape (48842, 15)
        The 14 features and the ``income`` column (``"<=50K"`` or ``">50K"``).
        Only when ``return_X_y=False``.
    (X, y) : tuple of DataFrame and Series
        Only when ``return_X_y=True``.

    Examples
    --------
    >>> from sk_widedeep.datasets import fetch_adult
    >>> X, y = fetch_adult(return_X_y=True)  # doctest: +SKIP
    >>> X.shape, round(y.mean(), 3)  # doctest: +SKIP
    ((48842, 14), 0.239)
    """
    path = _home(data_home, "adult.csv.gz") / "adult.csv.gz"
    _ensure(path, download_if_missing, ADULT_URL, _convert_adult, "Adult")
    frame = pd.read_csv(path)
    if not return_X_y:
        return frame
    y = (frame.pop("income") == ">50K").astype(np.int64).rename("income>50K")
    return frame, y


def fetch_movielens_100k(
    *, data_home=None, download_if_missing=True, return_X_y=False, return_tables=False
):
    """Load MovieLens 100K: 100,000 ratings of 1,682 movies by 943 users.

    Each rating is joined with its user's and its movie's features; ``year``
    is the year of the movie's release date (missing for one movie, so for a
    few ratings), and ``genres`` joins the movie's genres with ``"|"`` (a
    movie has one or more).

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        Folder of the local copy (``movielens100k/``). ``None`` looks for it
        where :func:`find_data_home` says, and downloads it, when it is
        nowhere, to :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download the data from GroupLens when the copy is missing.
    return_X_y : bool, default=False
        Return ``(X, y)``: every column of the joined frame but ``rating``,
        and ``y = rating`` (1 to 5 stars, int64), instead of the whole
        frame, as :func:`fetch_adult` does.
    return_tables : bool, default=False
        Return the three tables ``(ratings, users, items)`` as they are stored
        instead of the joined frame (not with ``return_X_y``).

    Returns
    -------
    frame : DataFrame of shape (100000, 30)
        ``user_id, movie_id, rating, timestamp, age, gender, occupation,
        zip_code, movie_title, year, genres`` and one 0/1 column per genre.
        Only when neither ``return_X_y`` nor ``return_tables``.
    (X, y) : tuple of DataFrame and Series
        Only when ``return_X_y=True``.
    (ratings, users, items) : tuple of DataFrame
        Only when ``return_tables=True``.

    Examples
    --------
    >>> from sk_widedeep.datasets import fetch_movielens_100k
    >>> ratings = fetch_movielens_100k()  # doctest: +SKIP
    >>> round((ratings["rating"] >= 4).mean(), 2)  # doctest: +SKIP
    0.55
    """
    if return_X_y and return_tables:
        raise ValueError(
            "return_X_y and return_tables ask for two different results: set "
            "one of them."
        )
    folder = _home(data_home, "movielens100k") / "movielens100k"
    _ensure(
        folder, download_if_missing, MOVIELENS_URL, _convert_movielens, "MovieLens 100K"
    )
    tables = [
        pd.read_csv(folder / f"{name}.csv.gz", dtype={"zip_code": str})
        for name in ("ratings", "users", "items")
    ]
    if return_tables:
        return tuple(tables)
    ratings, users, items = tables
    genre_flags = items[GENRES].to_numpy().astype(bool)
    movies = pd.DataFrame(
        {
            "movie_id": items["movie_id"],
            "movie_title": items["movie_title"],
            "year": pd.to_numeric(items["release_date"].str[-4:], errors="coerce"),
            "genres": ["|".join(np.asarray(GENRES)[flags]) for flags in genre_flags],
        }
    )
    movies = pd.concat([movies, items[GENRES]], axis=1)
    frame = ratings.merge(users, on="user_id", how="left").merge(
        movies, on="movie_id", how="left"
    )
    if not return_X_y:
        return frame
    y = frame.pop("rating")
    return frame, y


def _home(data_home, name):
    """Pick the folder given, else the first that holds ``name``, else the default."""
    if data_home is not None:
        return get_data_home(data_home)
    return find_data_home(name)


def _ensure(path, download_if_missing, url, convert, name):
    """Make sure the local copy exists, downloading it if allowed."""
    if path.exists():
        return
    if not download_if_missing:
        raise FileNotFoundError(
            f"No local copy of {name} at {path}. Put one there, point data_home or "
            "$SK_WIDEDEEP_DATA at a folder that has one, or allow "
            "download_if_missing=True."
        )
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            payload = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise ConnectionError(
            f"Could not download {name} from {url} ({exc}). If this machine is "
            f"offline, put a copy at {path}, or point data_home or "
            "$SK_WIDEDEEP_DATA at a folder that has one."
        ) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        staged = Path(tmp) / path.name
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            convert(archive, staged)
        os.replace(staged, path)  # atomic: a half-written copy is never seen


def _convert_adult(archive, path):
    """Write UCI's adult.test then adult.data as one gzipped CSV."""
    read = {"names": ADULT_COLUMNS, "skipinitialspace": True}
    test = pd.read_csv(archive.open("adult.test"), skiprows=1, **read)
    train = pd.read_csv(archive.open("adult.data"), **read)
    frame = pd.concat([test, train], ignore_index=True)
    frame["income"] = frame["income"].str.rstrip(".")
    frame.to_csv(path, index=False, compression="gzip")


def _convert_movielens(archive, folder):
    """Write GroupLens' u.data, u.user and u.item as three gzipped CSVs."""
    folder.mkdir()
    ratings = pd.read_csv(
        archive.open("ml-100k/u.data"),
        sep="\t",
        names=["user_id", "movie_id", "rating", "timestamp"],
    )
    users = pd.read_csv(
        archive.open("ml-100k/u.user"),
        sep="|",
        names=["user_id", "age", "gender", "occupation", "zip_code"],
        dtype={"zip_code": str},
    )
    items = pd.read_csv(
        archive.open("ml-100k/u.item"),
        sep="|",
        encoding="latin-1",
        names=[
            "movie_id",
            "movie_title",
            "release_date",
            "video_release_date",
            "IMDb_URL",
        ]
        + GENRES,
    )
    for name, table in [("ratings", ratings), ("users", users), ("items", items)]:
        table.to_csv(folder / f"{name}.csv.gz", index=False, compression="gzip")
