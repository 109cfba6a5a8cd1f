"""spec.py and js/src/spec.ts describe the same contract: same fields, same optional ones.

The TypeScript interfaces are read as text (each field line ``name: type;`` or
``name?: type;`` at the interface's top level) and compared with the TypedDicts'
required and optional keys, so a field added, dropped or made optional on one side only
fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from layerscape import spec

SPEC_TS = Path(__file__).resolve().parents[1] / "js" / "src" / "spec.ts"
INTERFACES = (
    "NodeSpec",
    "WeightsSpec",
    "GroupSpec",
    "EdgeSpec",
    "GraphSpec",
    "TensorSection",
    "PayloadHeader",
    "TrainingStep",
    "SampleInfo",
    "ComparePair",
    "ImageRange",
    "BoxSpec",
    "BoxesState",
)


def ts_fields(text: str, interface: str) -> dict[str, bool]:
    """Field name -> whether it is optional (``?``), for one ``export interface``."""
    match = re.search(rf"^export interface {interface} \{{\n(.*?)^\}}", text, re.M | re.S)
    assert match, f"no `export interface {interface}` in spec.ts"
    body = re.sub(r"/\*.*?\*/", "", match.group(1), flags=re.S)  # doc comments
    fields = re.findall(r"^  (\w+)(\??):", body, re.M)
    return {name: optional == "?" for name, optional in fields}


def py_fields(typed_dict: type) -> dict[str, bool]:
    required = typed_dict.__required_keys__  # type: ignore[attr-defined]
    optional = typed_dict.__optional_keys__  # type: ignore[attr-defined]
    return {**{k: False for k in required}, **{k: True for k in optional}}


@pytest.mark.parametrize("name", INTERFACES)
def test_fields_and_optionality_agree(name):
    text = SPEC_TS.read_text(encoding="utf-8")
    assert ts_fields(text, name) == py_fields(getattr(spec, name))


def test_the_parser_sees_optional_and_commented_fields():
    text = (
        "export interface NodeSpec {\n"
        "  /** a doc comment: with a colon */\n"
        "  id: string;\n"
        "  /**\n   * several lines\n   */\n"
        "  opens?: boolean;\n"
        "}\n"
    )
    assert ts_fields(text, "NodeSpec") == {"id": False, "opens": True}


def test_constants_agree():
    text = SPEC_TS.read_text(encoding="utf-8")
    for name in ("SPEC_VERSION", "U8_MAX_CODE", "U8_NAN", "U8_POS_INF", "U8_NEG_INF"):
        assert re.search(rf"export const {name} = {getattr(spec, name)};", text), name
    assert f'PAYLOAD_MAGIC = "{spec.PAYLOAD_MAGIC.decode()}"' in text
