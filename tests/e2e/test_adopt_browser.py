"""A host rendering the same model again gets the view it replaces, not a second one.

An updated output (the kernel refreshing the picture beside a view) is rendered again by
its host. JupyterLab drops the old view's element without cleaning it up
(tests/e2e/test_saved_lab.py runs that in a real JupyterLab); other hosts (VS Code's
renderer, for one) may clean the old view up and render the new one a moment later.
Here the host's render (the bundle's default export, as anywidget calls it) runs on an
exported page's model, and each way of replacing an output is played: the new render
must move the same root, with its scene, open layers and camera, into its new element;
a view cleaned up that nobody takes over is disposed a second later; a view still on the
page is never taken.
"""

from __future__ import annotations

import pytest

from tests.support.page import open_view, settle
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

# Renders the page's model into a new element, as a host does for an output; returns
# the index of the render (its cleanup is window.lsRenders[i]).
RENDER_JS = """async () => {
  const el = document.createElement('div');
  el.style.cssText = 'width: 900px; height: 420px';
  document.body.appendChild(el);
  window.lsRenders = window.lsRenders || [];
  window.lsRenders.push(LayerscapeWidget.default.render({ model: layerscapePage.model, el }));
  const root = el.querySelector('.layerscape');
  while (root.dataset.state === 'loading') await new Promise((r) => setTimeout(r, 10));
  return window.lsRenders.length - 1;
}"""

# The page's roots, each with what it shows (`at`: a layer's place on the view: the camera).
ROOTS_JS = """() => [...document.querySelectorAll('.layerscape')].map((r) => {
  window.lsKnown = window.lsKnown || [];
  if (!window.lsKnown.includes(r)) window.lsKnown.push(r);
  const p = r.__layerscape.project('dense'), box = r.getBoundingClientRect();
  return { n: window.lsKnown.indexOf(r), state: r.dataset.state, open: r.dataset.open,
           builds: r.__layerscape.builds(), at: [p.x - box.x, p.y - box.y] };
})"""


def _roots(page) -> list[dict]:
    """The roots, once no view is animating (an open tween moves its layers)."""
    settle(page)
    return page.evaluate(ROOTS_JS)


def test_a_rerender_takes_over_the_view_it_replaces(page, page_log, lenet, digits, tmp_path):
    from layerscape import ModelView

    view = ModelView(lenet)
    view.predict(digits[0][0])
    open_view(page, view.save_html(tmp_path / "adopt.html"))
    page.evaluate("layerscapePage.cleanup()")  # the page's own view (built once, never taken)
    # An exported page's state has no `_uid` (nothing re-renders there); a notebook's has.
    page.evaluate("layerscapePage.model.set('_uid', 'a-view')")
    assert page.evaluate("document.querySelectorAll('.layerscape').length") == 0

    page.evaluate(RENDER_JS)
    page.evaluate("document.querySelector('.layerscape').__layerscape.toggle('conv2d')")
    [first] = _roots(page)
    assert first["builds"] == 1 and first["open"] == "conv2d", first

    # JupyterLab's way: the output's node emptied, no cleanup, render again.
    page.evaluate("document.querySelector('.layerscape').parentElement.textContent = ''")
    page.evaluate(RENDER_JS)
    [again] = _roots(page)
    assert again["n"] == first["n"], "a second view was built"
    assert (again["builds"], again["open"], again["state"]) == (1, "conv2d", "ready"), again
    assert again["at"] == first["at"], "the camera moved"

    # The cleaned-up-first way: cleanup, then a render a moment later.
    page.evaluate("window.lsRenders[1](); window.lsRenders[0]()")  # the stale one does nothing
    assert page.evaluate("document.querySelectorAll('.layerscape').length") == 0
    page.wait_for_timeout(300)
    page.evaluate(RENDER_JS)
    [taken] = _roots(page)
    assert taken["n"] == first["n"] and taken["builds"] == 1 and taken["open"] == "conv2d"

    # Shown twice: the view on the page is not taken; the second output builds its own.
    page.evaluate(RENDER_JS)
    both = _roots(page)
    assert [r["n"] for r in both] == [first["n"], first["n"] + 1], both
    assert [r["builds"] for r in both] == [1, 1]

    # Cleaned up with nobody to take it over: disposed a second later.
    page.evaluate("window.lsOld = document.querySelector('.layerscape'); window.lsRenders[2]()")
    wait_until(lambda: not page.evaluate("'__layerscape' in window.lsOld"), 10,
               "the parked view disposed")  # fmt: skip
    page.evaluate("window.lsRenders[3]()")
    wait_until(lambda: page.evaluate("document.querySelectorAll('.layerscape').length") == 0,
               10, "the last view gone")  # fmt: skip
    page.wait_for_timeout(1200)
    page.evaluate(RENDER_JS)
    [fresh] = _roots(page)
    assert fresh["n"] > first["n"] + 1 and fresh["builds"] == 1, fresh  # a new view, built anew
    assert not page_log.problems(), "\n".join(page_log.problems())
