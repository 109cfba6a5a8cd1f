"""``ModelView.fly_to``: validates the layer id in Python, hands the front end a request."""

from __future__ import annotations

import json
import re

import pytest

from layerscape import ModelView


@pytest.fixture
def view(lenet):
    return ModelView(lenet)


def test_fly_to_sets_the_focus_with_a_counter(view):
    assert view._focus == {}
    view.fly_to("conv2d_1")
    assert view._focus == {"id": "conv2d_1", "n": 1}
    # the same layer again is still a change the front end sees
    view.fly_to("conv2d_1")
    assert view._focus == {"id": "conv2d_1", "n": 2}
    view.fly_to("dense")
    assert view._focus == {"id": "dense", "n": 3}


def test_fly_to_takes_ids_of_shared_and_nested_layers(zoo):
    view = ModelView(zoo)
    ids = [n["id"] for n in view.graph["nodes"]]
    for layer_id in ("shared:1", "inner/in_dense", "inner:1/in_out"):
        assert layer_id in ids
        view.fly_to(layer_id)
        assert view._focus["id"] == layer_id


def test_fly_to_names_the_id_and_close_matches(view):
    with pytest.raises(ValueError) as err:
        view.fly_to("conv2d_2")
    message = str(err.value)
    assert "'conv2d_2' is not a layer of this model" in message
    assert "'conv2d_1'" in message and "'conv2d'" in message
    assert view._focus == {}


def test_fly_to_lists_some_layers_when_nothing_is_close(view):
    with pytest.raises(ValueError, match=r"'zzz' is not a layer of this model; its layers are \["):
        view.fly_to("zzz")


def test_fly_to_rejects_non_strings(view):
    with pytest.raises(TypeError, match="fly_to expects a layer id \\(str\\), got int"):
        view.fly_to(3)  # type: ignore[arg-type]


def test_fly_to_is_not_an_ipywidgets_name():
    import ipywidgets

    assert not hasattr(ipywidgets.DOMWidget, "fly_to")


def test_the_focus_is_saved_in_the_page(view, tmp_path):
    view.fly_to("max_pooling2d")
    text = view.save_html(tmp_path / "v.html").read_text()
    state = json.loads(re.search(r'id="layerscape-state"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert state["_focus"] == {"id": "max_pooling2d", "n": 1}
