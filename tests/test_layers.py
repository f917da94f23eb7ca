"""The package's layers: which folder may import which (docs/development.rst)."""

import ast
from pathlib import Path

import sk_widedeep

PACKAGE = Path(sk_widedeep.__file__).parent

ALLOWED = {
    "_common": set(),
    "_coding": {"_common"},
    "_transformers": {"_coding", "_common"},
    "_network": {"_common"},
    "_estimator": {"_transformers", "_coding", "_network", "_common"},
    "datasets": set(),
}
"""What each layer may import, besides itself and ``_version``; the modules
at the top (``onnx``, ``plotting``, ``_cli``, ``__main__``, ``__init__``)
may import any layer."""


def layer(module: str) -> str:
    """The layer of a module named ``sk_widedeep.a.b``: its first folder, or top."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    if parts[-1] == "_version":
        return "_version"
    return "top"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The sk_widedeep modules a file imports, anywhere in it (lazy ones too)."""
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sk_widedeep")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("sk_widedeep"):
                target = node.module
            else:
                continue
            for alias in node.names:  # "from . import _net": the submodule
                folder = PACKAGE.parent.joinpath(*target.split("."))
                is_module = (folder / f"{alias.name}.py").exists()
                found.add(f"{target}.{alias.name}" if is_module else target)
    return found


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Each import that a layer may not make, as ``importer -> imported``."""
    found = []
    for importer, imported in sorted(graph.items()):
        source = layer(importer)
        if source == "top":
            continue
        for target in sorted(imported):
            goal = layer(target)
            if goal in (source, "_version") or goal in ALLOWED.get(source, set()):
                continue
            found.append(f"{importer} -> {target}")
    return found


def test_every_import_keeps_to_the_layers():
    graph = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}
    assert len(graph) > 30  # the whole package was read
    assert {layer(m) for m in graph} >= set(ALLOWED) | {"top"}
    assert violations(graph) == []


def test_the_check_finds_an_import_that_climbs():
    graph = {
        "sk_widedeep._network._net": {"sk_widedeep._transformers._features"},
        "sk_widedeep._coding._bags": {"sk_widedeep._common._ragged"},
        "sk_widedeep.onnx": {"sk_widedeep._estimator._classifier"},
    }
    assert violations(graph) == [
        "sk_widedeep._network._net -> sk_widedeep._transformers._features"
    ]
    # an import inside a function counts (onnx imports the faces lazily)
    assert "sk_widedeep._estimator._classifier" in imports(PACKAGE / "onnx.py")
