"""Keras' private API is touched in one module only: ``layerscape/_keras.py``.

The scan reads every other module under ``src/layerscape/`` and fails on an attribute
whose name starts with ``_`` reached on anything but ``self``/``cls`` (``x._nodes``),
the same through ``getattr``/``hasattr``/``setattr``/``delattr`` with a literal name,
and any import from ``keras.src``. Dunders (``__len__``, ``__name__``) are public.
"""

from __future__ import annotations

import ast
from pathlib import Path

import layerscape

PACKAGE = Path(layerscape.__file__).parent
GATEWAY = "_keras.py"

# (module, attribute) pairs that are private but not Keras'. Add one here, with a
# comment saying whose attribute it is, rather than widening the rule.
ALLOWED: set[tuple[str, str]] = {
    # ModelView's own hooks, called by its TrainingCallback (training.py)
    ("training.py", "_check_sample"),
    ("training.py", "_recording"),
    ("training.py", "_add_history"),
    ("training.py", "_show_step"),
    # ipywidgets' Widget._handle_msg, which ModelView overrides to check the page's
    # messages first (messages.check_page_message) and then calls
    ("widget.py", "_handle_msg"),
}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_touches(source: str) -> list[tuple[int, str]]:
    """(line, what) for each private-API touch in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            found.append((node.lineno, node.attr))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
        ):
            found.append((node.lineno, node.args[1].value))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("keras.src"):
            found.append((node.lineno, f"from {node.module} import"))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, f"import {a.name}")
                for a in node.names
                if a.name.startswith("keras.src")
            ]
    return sorted(found)


def test_only_the_gateway_touches_keras_private_api():
    modules = sorted(p for p in PACKAGE.rglob("*.py") if p.name != GATEWAY)
    assert len(modules) > 5  # the scan sees the package
    touches = {
        str(path.relative_to(PACKAGE)): [
            (line, what)
            for line, what in private_touches(path.read_text(encoding="utf-8"))
            if (path.name, what) not in ALLOWED
        ]
        for path in modules
    }
    assert {k: v for k, v in touches.items() if v} == {}, (
        "Keras private API belongs in layerscape/_keras.py, behind a named function"
    )


def test_the_scan_catches_each_kind_of_touch():
    source = (
        "from keras.src.models import functional\n"
        "import keras.src.ops\n"
        "def f(model, self):\n"
        "    model._nodes_by_depth\n"
        "    getattr(model, '_functional', None)\n"
        "    self._fine, model.__class__, hasattr(model, '__len__')\n"
    )
    assert [what for _, what in private_touches(source)] == [
        "from keras.src.models import",
        "import keras.src.ops",
        "_nodes_by_depth",
        "_functional",
    ]


def test_the_gateway_holds_what_it_wraps():
    assert private_touches((PACKAGE / GATEWAY).read_text(encoding="utf-8"))
