"""Sphinx configuration of the sk_widedeep documentation.

``make -C docs html`` builds it with warnings as errors. The gallery runs
every ``examples/plot_*.py``; the real data sets are read where
:func:`sk_widedeep.datasets.find_data_home` finds them, as the tests do
(``$SK_WIDEDEEP_DATA``, else a ``shared/data`` folder above the checkout,
else ``~/sk_widedeep_data``), or downloaded there. Offline and without them,
the examples that read them are rendered without running, and their pages
say so.

Links into other projects' documentation (intersphinx) use each project's
published inventory when this machine is online, and otherwise a small one
written here from :data:`EXTERNAL_OBJECTS`: the objects these pages name, with
their addresses in that documentation. So an offline build (CI) links them
too, and warns about nothing; it does not try the published inventories
either, which would only print that they cannot be fetched.

``SK_WIDEDEEP_DOCS_OFFLINE=1`` builds as if this machine were offline.
"""

import functools
import os
import re
import urllib.request
import zlib
from pathlib import Path

import sk_widedeep
from sk_widedeep.datasets import find_data_home

project = "sk_widedeep"
author = "sk_widedeep developers"
copyright = "2026, sk_widedeep developers"  # noqa: A001
release = version = sk_widedeep.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.extlinks",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
extlinks = {"arxiv": ("https://arxiv.org/abs/%s", "arXiv:%s")}
autosummary_generate = True
templates_path = ["_templates"]
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# _*.rst are fragments that pages include (tables written by the benchmark
# scripts): not pages of their own, nor entries of the search index
exclude_patterns = ["_build", "_*.rst"]
html_theme = "pydata_sphinx_theme"
html_title = "sk_widedeep"
html_static_path = ["_static"]

DOCS = Path(__file__).resolve().parent


@functools.cache
def online(url):
    """Whether ``url`` answers within 5 seconds (and we are not told offline)."""
    if os.environ.get("SK_WIDEDEEP_DOCS_OFFLINE"):
        return False
    try:
        urllib.request.urlopen(url, timeout=5).close()
    except OSError:
        return False
    return True


# --- the gallery ---------------------------------------------------------
os.environ.setdefault("MPLBACKEND", "Agg")
adult_home = find_data_home("adult.csv.gz", start=DOCS)
movielens_home = find_data_home("movielens100k", start=DOCS)
if adult_home == movielens_home:
    # the examples call fetch_*() from another folder: point them at it
    os.environ.setdefault("SK_WIDEDEEP_DATA", str(adult_home))

# Every example runs, but where the real data sets are neither here nor
# downloadable: then those that need them are shown without their output, on
# a page that says so, and the build says so (this is not a failure).
run_examples = r"/plot_"
NOT_RUN = re.compile(r"plot_(adult|movielens)")
examples_not_run = False
have_data = (adult_home / "adult.csv.gz").exists() and (
    movielens_home / "movielens100k" / "ratings.csv.gz"
).exists()
if not have_data and not online("https://files.grouplens.org"):
    run_examples = r"/plot_(?!adult|movielens)"
    examples_not_run = True
    print(
        "NOTE: no copy of Adult and MovieLens (looked in $SK_WIDEDEEP_DATA, "
        "shared/data above, ~/sk_widedeep_data) and no network: the examples "
        "that read them are rendered without running. Run "
        "sk_widedeep.datasets.fetch_adult() and fetch_movielens_100k() once "
        "online, or point $SK_WIDEDEEP_DATA at a copy, to run them."
    )


def forget_earlier_runs(gallery, examples, pattern):
    """Remove what an earlier build that ran these examples left of them.

    sphinx-gallery keeps an example's page, output included, while the
    checksum it stored of the script matches; an example now rendered
    without running would show that old output under the note saying that
    it was not run. Without the checksum (and the figures) its page is
    written anew, code only.
    """
    for script in examples.glob("plot_*.py"):
        if not pattern.match(script.name):
            continue
        images = gallery / "images"
        stale = [gallery / f"{script.name}.md5"]
        stale += images.glob(f"sphx_glr_{script.stem}_*")
        stale += (images / "thumb").glob(f"sphx_glr_{script.stem}_thumb.*")
        for path in stale:
            path.unlink(missing_ok=True)


if examples_not_run:
    forget_earlier_runs(DOCS / "auto_examples", DOCS.parent / "examples", NOT_RUN)

NOT_RUN_NOTE = """
.. note::

   This example was **not run** when this documentation was built: the data
   set it reads was neither on the building machine nor downloadable. The
   page shows its code without its output. Run it yourself (it downloads the
   data once), or build the documentation online, or with
   ``$SK_WIDEDEEP_DATA`` pointing at a copy, to see its results.

"""


def note_examples_not_run(app, docname, source):
    """Say, at the top of a gallery page rendered without running, that it was not."""
    name = docname.rsplit("/", 1)[-1]
    if not (
        examples_not_run
        and docname.startswith("auto_examples/")
        and NOT_RUN.match(name)
    ):
        return
    # after the title: the label sphinx-gallery writes, a title, its underline
    title = re.search(r"\.\. _sphx_glr_[^\n]*:\n\s*\n[^\n]+\n=+\n", source[0])
    at = title.end() if title else 0
    source[0] = source[0][:at] + NOT_RUN_NOTE + source[0][at:]


def setup(app):
    """Connect the note on examples rendered without running."""
    app.connect("source-read", note_examples_not_run)


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": run_examples,
    "ignore_pattern": r"/(benchmarks|distributed|serving)/",
    "doc_module": ("sk_widedeep",),
    "backreferences_dir": "generated/backreferences",
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "matplotlib_animations": False,
}

# --- links into other projects ---------------------------------------------
EXTERNAL_OBJECTS = {
    "python": ("https://docs.python.org/3/", {
        "py:module": {
            "pickle": "library/pickle.html#module-pickle",
            "zipfile": "library/zipfile.html#module-zipfile",
        },
    }),
    "numpy": ("https://numpy.org/doc/stable/", {
        "py:class": {
            "numpy.ndarray": "reference/generated/numpy.ndarray.html#$",
            "numpy.random.RandomState": "reference/random/legacy.html#$",
        },
        "py:function": {
            "numpy.datetime_as_string": "reference/generated/$.html#$",
        },
    }),
    "pandas": ("https://pandas.pydata.org/docs/", {
        "py:class": {"pandas.DataFrame": "reference/api/$.html#$"},
        "py:function": {
            "pandas.read_csv": "reference/api/$.html#$",
            "pandas.read_parquet": "reference/api/$.html#$",
            "pandas.api.types.infer_dtype": "reference/api/$.html#$",
            "pandas.util.hash_array": "reference/api/$.html#$",
        },
    }),
    "sklearn": ("https://scikit-learn.org/stable/", {
        "py:class": dict.fromkeys(
            [
                "sklearn.compose.ColumnTransformer",
                "sklearn.frozen.FrozenEstimator",
                "sklearn.impute.SimpleImputer",
                "sklearn.linear_model.LogisticRegression",
                "sklearn.metrics.RocCurveDisplay",
                "sklearn.model_selection.GridSearchCV",
                "sklearn.model_selection.RandomizedSearchCV",
                "sklearn.pipeline.Pipeline",
                "sklearn.preprocessing.OneHotEncoder",
                "sklearn.exceptions.NotFittedError",
            ],
            "modules/generated/$.html#$",
        ),
        "py:function": dict.fromkeys(
            [
                "sklearn.model_selection.train_test_split",
                "sklearn.model_selection.cross_validate",
                "sklearn.pipeline.make_pipeline",
                "sklearn.metrics.roc_auc_score",
                "sklearn.metrics.log_loss",
            ],
            "modules/generated/$.html#$",
        ),
    }),
    "torch": ("https://docs.pytorch.org/docs/stable/", {
        "py:module": {
            "torch.optim": "optim.html#module-torch.optim",
            "torch.distributed": "distributed.html#module-torch.distributed",
        },
        "py:class": {
            "torch.optim.Optimizer": "optim.html#$",
            "torch.nn.Module": "generated/$.html#$",
            "torch.inference_mode": "generated/$.html#$",
        },
        "py:function": {
            "torch.load": "generated/$.html#$",
        },
    }),
    "skorch": ("https://skorch.readthedocs.io/en/stable/", {
        "py:module": {"skorch.callbacks": "callbacks.html#module-skorch.callbacks"},
        "py:class": {
            "skorch.net.NeuralNet": "net.html#$",
            "skorch.callbacks.ProgressBar": "callbacks.html#$",
        },
    }),
    "matplotlib": ("https://matplotlib.org/stable/", {
        "py:class": {"matplotlib.axes.Axes": "api/_as_gen/$.html#$"},
    }),
}  # fmt: skip


def write_inventory(path, project_name, objects):
    """Write a Sphinx (version 2) inventory of ``objects`` to ``path``."""
    lines = [  # "$" in an address stands for the object's name
        f"{name} {role} 1 {uri.replace('$', name)} -\n"
        for role, names in objects.items()
        for name, uri in names.items()
    ]
    header = (
        f"# Sphinx inventory version 2\n# Project: {project_name}\n# Version: \n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    path.write_bytes(header.encode() + zlib.compress("".join(lines).encode()))


INVENTORIES = DOCS / "_build" / "inventories"
INVENTORIES.mkdir(parents=True, exist_ok=True)
intersphinx_mapping = {}
for key, (url, objects) in EXTERNAL_OBJECTS.items():
    local = str(INVENTORIES / f"{key}.inv")
    write_inventory(INVENTORIES / f"{key}.inv", key, objects)
    if online(url):  # the published inventory first; ours if it fails
        intersphinx_mapping[key] = (url, (None, local))
    else:  # offline: ours alone, rather than a "not fetchable" message each
        intersphinx_mapping[key] = (url, local)
if not all(online(url) for url, _ in EXTERNAL_OBJECTS.values()):
    print(
        "NOTE: some documentation sites are unreachable: their links use the "
        "inventories written by docs/conf.py (EXTERNAL_OBJECTS)."
    )
intersphinx_timeout = 5
