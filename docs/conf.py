"""Sphinx configuration of the sk_widedeep documentation."""

import sk_widedeep

project = "sk_widedeep"
author = "sk_widedeep developers"
copyright = "2026, sk_widedeep developers"  # noqa: A001
release = version = sk_widedeep.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.extlinks",
    "sphinx.ext.mathjax",
    "numpydoc",
]
extlinks = {"arxiv": ("https://arxiv.org/abs/%s", "arXiv:%s")}
autosummary_generate = True
templates_path = ["_templates"]
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_title = "sk_widedeep"
