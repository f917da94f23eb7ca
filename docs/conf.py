"""Sphinx configuration of the sk_widedeep documentation.

``make -C docs html`` builds it with warnings as errors. The gallery runs
every ``examples/plot_*.py``; the real data sets are read from
``$SK_WIDEDEEP_DATA``, or from a ``shared/data`` folder above the checkout.

Links into other projects' documentation (intersphinx) use each project's
published inventory when this machine is online, and otherwise a small one
written here from :data:`EXTERNAL_OBJECTS`: the objects these pages name, with
their addresses in that documentation. So an offline build (CI) links them
too, and warns about nothing.
"""

import os
import urllib.request
import zlib
from pathlib import Path

import sk_widedeep
from sk_widedeep.datasets import get_data_home

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
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_title = "sk_widedeep"
html_static_path = ["_static"]

DOCS = Path(__file__).resolve().parent

# --- the gallery ---------------------------------------------------------
for parent in DOCS.parents:
    if (parent / "shared" / "data" / "adult.csv.gz").exists():
        os.environ.setdefault("SK_WIDEDEEP_DATA", str(parent / "shared" / "data"))
        break
os.environ.setdefault("MPLBACKEND", "Agg")

# Every example runs, but where the real data sets are neither here nor
# downloadable: then those that need them are shown without their output, and
# the build says so (this is not a failure of the build).
data_home = get_data_home()
run_examples = r"/plot_"
if (
    not (data_home / "adult.csv.gz").exists()
    or not (data_home / "movielens100k" / "ratings.csv.gz").exists()
):
    try:
        urllib.request.urlopen("https://files.grouplens.org", timeout=5).close()
    except OSError:
        run_examples = r"/plot_(?!adult|movielens)"
        print(
            f"NOTE: no copy of Adult and MovieLens in {data_home} and no network: "
            "the examples that read them are rendered without running. Point "
            "$SK_WIDEDEEP_DATA at a folder that has them to run them."
        )

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": run_examples,
    "ignore_pattern": r"/(benchmarks|distributed)/",
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
    write_inventory(INVENTORIES / f"{key}.inv", key, objects)
    # the published inventory first; this one when it cannot be fetched
    intersphinx_mapping[key] = (url, (None, str(INVENTORIES / f"{key}.inv")))
intersphinx_timeout = 5
