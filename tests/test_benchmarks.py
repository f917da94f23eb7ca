"""The benchmark scripts: each imports, and each one the docs name exists.

They are run by hand (their figures are in the docs), never timed here; this
catches what a change elsewhere breaks in them (a moved private module, a
renamed script the docs still cite) before someone needs a figure again.
"""

import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "examples" / "benchmarks"
SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py"))


@pytest.fixture
def benchmarks_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    yield
    for name in SCRIPTS:  # another checkout's scripts must not be found later
        sys.modules.pop(name, None)


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_benchmark_script_imports(script, benchmarks_on_path):
    pytest.importorskip("pyarrow")
    pytest.importorskip("distributed")
    module = importlib.import_module(script)
    assert module.__doc__, f"{script}.py has no docstring saying what it measures"
    if script != "harness":
        assert callable(module.main)


def test_the_docs_cite_benchmark_scripts_that_exist():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.rst"))]
    cited = set()
    for page in pages:
        if page.name == "changelog.rst":  # history names scripts since folded
            continue
        text = page.read_text()
        cited |= set(re.findall(r"examples/benchmarks/(\w+)\.py", text))
        cited |= set(re.findall(r"python (\w+)\.py", text))
    assert {"corpus", "defaults_study", "checkouts"} <= cited  # the search works
    assert cited - set(SCRIPTS) == set()
