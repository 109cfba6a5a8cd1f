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
