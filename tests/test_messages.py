"""What the page sends back is checked: malformed values are ignored with a warning."""

from __future__ import annotations

import warnings

import pytest

from layerscape import ModelView
from layerscape.messages import PageMessageWarning


@pytest.fixture
def view(lenet):
    return ModelView(lenet)


def test_a_valid_open_from_the_page_applies_without_warning(view):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.set_state({"_open": ["conv2d"]})
    assert view.open_layers == ["conv2d"]


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        ("conv2d", "expected a list"),
        (None, "expected a list"),
        ({"id": "conv2d"}, "expected a list"),
    ],
)
def test_a_malformed_open_is_ignored(view, sent, words):
    view.expand("conv2d")
    with pytest.warns(PageMessageWarning, match=words):
        view.set_state({"_open": sent})
    assert view.open_layers == ["conv2d"]


def test_unknown_or_non_string_ids_are_dropped(view):
    with pytest.warns(PageMessageWarning, match="not layers that open"):
        view.set_state({"_open": ["conv2d", 7, "no_such_layer", "dense", "conv2d"]})
    assert view.open_layers == ["conv2d"]  # dense does not open; duplicates collapse


def test_python_owned_traits_sent_by_the_page_are_ignored(view):
    graph = view.graph
    with pytest.warns(PageMessageWarning, match="only Python sets"):
        view.set_state({"_graph": {"nodes": []}, "height": 10, "_payload": b"junk"})
    assert view.graph == graph and view.height == 560


def test_inherited_ipywidgets_traits_pass_through(view):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.set_state({"tabbable": True})
    assert view.tabbable is True


def _update(state, **extra):
    """A comm message as the page's update arrives (``content.data``, ``buffers``)."""
    return {"content": {"data": {"method": "update", "state": state, **extra}}, "buffers": []}


def test_a_valid_update_through_the_comm_applies(view):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view._handle_msg(_update({"_open": ["conv2d"]}))
    assert view.open_layers == ["conv2d"]


@pytest.mark.parametrize(
    ("msg", "words"),
    [
        ({}, "without data"),
        ({"content": "junk"}, "without data"),
        ({"content": {"data": ["update"]}}, "without data"),
        ({"content": {"data": {}}}, "with method None"),
        ({"content": {"data": {"method": "explode"}}}, "with method 'explode'"),
        (_update(["_open", "conv2d"]), "expected a dict of trait names"),
        (_update({1: "conv2d"}), "expected a dict of trait names"),
        (_update({"_open": []}, buffer_paths=[["_open"]]), "buffer_paths"),
        (_update({"_open": []}, buffer_paths="_open"), "buffer_paths"),
        (_update({"_open": []}, buffer_paths=[["_nothing", "x"]]) | {"buffers": [b"x"]},
         "buffer_paths"),
        ({"content": {"data": {"method": "custom", "content": {"do": "x"}}}, "buffers": []},
         "custom message"),
    ],
)  # fmt: skip
def test_a_malformed_comm_message_is_ignored_with_a_warning(view, msg, words):
    view.expand("conv2d")
    with pytest.warns(PageMessageWarning, match=words):
        view._handle_msg(msg)  # returns, raises nothing
    assert view.open_layers == ["conv2d"]


def test_a_custom_message_reaches_a_handler_someone_registered(view):
    got = []
    view.on_msg(lambda widget, content, buffers: got.append(content))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view._handle_msg({"content": {"data": {"method": "custom", "content": {"a": 1}}},
                          "buffers": []})  # fmt: skip
    assert got == [{"a": 1}]


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"_weights": "conv2d"}, "expected a list"),
        ({"_weights": ["max_pooling2d"]}, "not layers with weights"),
        ({"sample": 3}, "not an index below 1"),
        ({"sample": "0"}, "not an index below 1"),
        ({"sample": True}, "not an index below 1"),
        ({"layout": 7}, "does not fit"),
    ],
)
def test_malformed_synced_values_are_ignored(view, state, words):
    with pytest.warns(PageMessageWarning, match=words):
        view._handle_msg(_update(state))
    assert view.weights_shown == [] and view.sample == 0 and view.layout.width is None
