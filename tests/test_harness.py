"""The test tree's own rules, checked like the front end's import order (imports.test.ts).

Helpers live in ``tests/support`` and are imported as a package; no module imports a
test module or a conftest; nothing edits the import path (pytest's ``pythonpath`` setting
and ``python -m benchmarks...`` put the clone's root on it); and the helpers never import
pytest, so the benchmarks can use them as plain Python.
"""

from __future__ import annotations

import ast

from tests.support.paths import REPO_ROOT

SOURCES = sorted(
    p for folder in ("tests", "benchmarks") for p in (REPO_ROOT / folder).rglob("*.py")
)
# Spelled in two parts so that a search of the tree for the edit finds only real ones.
PATH_EDIT = ".".join(("sys", "path"))


def _imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _is_test_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def test_no_module_imports_a_test_module():
    assert REPO_ROOT / "tests" / "support" / "page.py" in SOURCES  # the tree is read
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(), str(path))
        # `from tests.support import zoo_models` names a helper, not a test module.
        found += [
            f"{path.relative_to(REPO_ROOT)}: {name}"
            for name in _imported(tree)
            if _is_test_module(name)
        ]
    assert not found, "import helpers from tests.support instead:\n" + "\n".join(found)


def test_nothing_edits_the_import_path():
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            edits = (
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ) or (isinstance(node, ast.Constant) and PATH_EDIT in str(node.value))
            if edits:
                found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert not found, f"{PATH_EDIT} edits (import tests.support... by name):\n" + "\n".join(found)


def test_helpers_do_not_import_pytest():
    support = [p for p in SOURCES if "support" in p.relative_to(REPO_ROOT).parts]
    using = [
        str(p.relative_to(REPO_ROOT))
        for p in support
        if {n.split(".")[0] for n in _imported(ast.parse(p.read_text()))} & {"pytest", "_pytest"}
    ]
    assert not using, f"tests.support must stay plain Python (the benchmarks use it): {using}"
