"""notebook_display.py: a view's output (widget view, picture, display id) and when its
picture is refreshed: after every cell that changed the view, except in Colab."""

from __future__ import annotations

import base64
from typing import Any

import IPython.display
import numpy as np
import pytest

from layerscape.notebook_display import (
    PICTURE_MIME,
    WIDGET_VIEW_MIME,
    PictureOutputs,
    updates_rebuild_views,
)


class FakeView:
    def __init__(self) -> None:
        self.key = 0
        self.closed = False
        self.pictures = 0

    def widget_bundle(self) -> dict[str, Any] | None:
        if self.closed:
            return None
        return {"text/plain": "FakeView()", WIDGET_VIEW_MIME: {"model_id": "m1"}}

    def picture(self) -> bytes:
        self.pictures += 1
        return b"\x89PNG" + bytes([self.key])

    def picture_key(self) -> tuple[Any, ...]:
        return (self.key,)


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict, dict]]:
    """What the view's outputs were sent: ("display" | "update", data, keywords)."""
    log: list[tuple[str, dict, dict]] = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda data, **kw: log.append(("display", data, kw)))  # fmt: skip
    monkeypatch.setattr(IPython.display, "update_display",
                        lambda data, **kw: log.append(("update", data, kw)))  # fmt: skip
    return log


def test_a_displayed_view_is_one_output_with_its_picture_and_display_id(sent):
    view = FakeView()
    outputs = PictureOutputs(view, rebuilds=lambda: False)
    outputs.display()
    [(kind, data, kw)] = sent
    assert kind == "display" and kw["display_id"] == outputs.display_id and kw["raw"]
    assert set(data) == {"text/plain", WIDGET_VIEW_MIME, PICTURE_MIME}
    assert base64.b64decode(data[PICTURE_MIME]) == b"\x89PNG\x00"


def test_after_a_cell_that_changed_the_view_the_picture_follows_once(sent):
    view = FakeView()
    outputs = PictureOutputs(view, rebuilds=lambda: False)
    outputs.display()
    outputs.after_cell()  # nothing changed: no update, no picture drawn
    assert [k for k, _, _ in sent] == ["display"] and view.pictures == 1
    view.key = 5  # a predict
    outputs.after_cell()
    outputs.after_cell()
    assert [k for k, _, _ in sent] == ["display", "update"]
    _, data, kw = sent[-1]
    assert kw["display_id"] == outputs.display_id
    assert base64.b64decode(data[PICTURE_MIME]) == b"\x89PNG\x05"


def test_where_an_update_rebuilds_the_view_cells_leave_the_live_output_alone(sent):
    view = FakeView()
    outputs = PictureOutputs(view, rebuilds=lambda: True)
    outputs.display()
    view.key = 1
    outputs.after_cell()
    assert [k for k, _, _ in sent] == ["display"] and view.pictures == 1
    assert outputs.refresh() is True  # asked for: once
    assert [k for k, _, _ in sent] == ["display", "update"]


def test_a_view_never_displayed_or_closed_sends_nothing(sent):
    view = FakeView()
    outputs = PictureOutputs(view, rebuilds=lambda: False)
    view.key = 1
    outputs.after_cell()
    assert outputs.refresh() is False and sent == []
    outputs.display()
    view.closed = True
    view.key = 2
    outputs.after_cell()
    assert [k for k, _, _ in sent] == ["display"]


def test_only_colab_rebuilds_views_for_an_updated_output(monkeypatch):
    import sys
    import types

    assert updates_rebuild_views() is False
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert updates_rebuild_views() is True


def test_a_model_view_is_displayed_with_its_picture(sent, tiny_view):
    tiny_view._ipython_display_()
    [(kind, data, kw)] = sent
    assert kind == "display" and kw["display_id"].startswith("layerscape-")
    assert data[WIDGET_VIEW_MIME]["model_id"] == tiny_view.model_id
    assert base64.b64decode(data[PICTURE_MIME]).startswith(b"\x89PNG")
    key = tiny_view.picture_key()
    tiny_view.predict(np.linspace(0, 1, 8, dtype=np.float32))
    assert tiny_view.picture_key() != key  # a predict puts the picture behind


@pytest.fixture(scope="module")
def tiny_view():
    import keras

    from layerscape import ModelView

    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2)])  # fmt: skip
    view = ModelView(model)
    yield view
    view.close()
