"""The view in a VS Code-like notebook: one iframe per output in a long scrolling page
(the notebook's webview), each output's document marked as VS Code marks its webviews
(``vscode-light`` / ``vscode-dark`` body classes, the editor's colours in CSS variables
such as ``--vscode-editor-background`` on the root element).

VS Code runs an output's render code only once the output scrolls into view, often
into a container that is display:none or 0 px high until it is laid out. Here one
output renders while display:none and far below the fold, and another while simply far
below the fold; each is then scrolled into view (and shown). The view must not claim
``ready`` while it has no size, must be drawn within a short time of the reveal, at the
output's final size, on the editor's background, and follow a live theme switch.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.hosts import CANVAS_STATS_JS, READY_WATCH_JS, shot_problems
from tests.support.page import CANVAS_ONLY_CSS
from tests.support.pixels import DRAWN, PixelStats, decode_png
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

LIGHT_BG = "#fdf6e3"  # a light editor theme's background, not layerscape's own white
DARK_BG = "#1f1f1f"  # VS Code's "Dark Modern" editor background
OUTPUT_W, OUTPUT_H = 900, 420
# An exported page's view fills its window's height, less 4 px (host/standalone.ts).
VIEW_H = OUTPUT_H - 4

# The notebook's webview: cells above, then one iframe per output, far apart.
NOTEBOOK = f"""<!doctype html>
<html><body style="margin: 0">
<div style="height: 4000px">cells above the outputs</div>
<iframe id="hidden-output" src="output-hidden.html"
        style="display: block; border: 0; width: {OUTPUT_W}px; height: {OUTPUT_H}px"></iframe>
<div style="height: 3000px">more cells</div>
<iframe id="far-output" src="output.html"
        style="display: block; border: 0; width: {OUTPUT_W}px; height: {OUTPUT_H}px"></iframe>
<div style="height: 2000px">cells below</div>
</body></html>
"""


def _output_page(exported: str, hidden: bool) -> str:
    """The exported view as one VS Code output: the webview's marks, and (``hidden``) the
    output's container display:none until the test shows it."""
    assert '<html lang="en">' in exported and "<body>" in exported, "the export's page changed"
    return exported.replace(
        '<html lang="en">',
        f'<html lang="en" style="--vscode-editor-background: {LIGHT_BG}; '
        '--vscode-editor-foreground: #3b3b3b;">',
        1,
    ).replace(
        "<body>",
        "<style>body.output-hidden #layerscape-root { display: none; }</style>\n"
        f'<body class="vscode-body vscode-light{" output-hidden" if hidden else ""}" '
        'data-vscode-theme-kind="vscode-light">',
        1,
    )


@pytest.fixture(scope="module")
def notebook(lenet, digits, tmp_path_factory) -> Path:
    from layerscape import ModelView

    folder = tmp_path_factory.mktemp("vscode")
    view = ModelView(lenet, labels=[str(d) for d in range(10)])
    view.predict(digits[0][0])
    exported = view.save_html(folder / "view.html").read_text()
    (folder / "output-hidden.html").write_text(_output_page(exported, hidden=True))
    (folder / "output.html").write_text(_output_page(exported, hidden=False))
    (folder / "notebook.html").write_text(NOTEBOOK)
    return folder / "notebook.html"


# The output's view, read in its own document: state, sizes, the canvas's pixel stats
# and its corner colour (the background).
READ_JS = (
    """() => {
  const root = document.querySelector('.layerscape');
  if (!root) return null;
  const canvas = root.querySelector('canvas');
  const api = root.__layerscape;
  const out = { state: root.dataset.state, theme: root.dataset.theme,
                hostBackground: root.dataset.hostBackground,
                builds: api ? api.builds() : 0, frames: api ? api.frames() : 0,
                root: [root.clientWidth, root.clientHeight], canvas: null };
  if (!canvas) return out;
  const s = ("""
    + CANVAS_STATS_JS
    + """)(canvas);
  const { width, height, variance, distinct_colors, dominant_fraction, corner } = s;
  out.canvas = { width, height, variance, distinct_colors, dominant_fraction, corner };
  return out;
}"""
)


def _drawn(read: dict | None) -> bool:
    canvas = (read or {}).get("canvas")
    return bool(
        read and read["state"] == "ready" and canvas and not DRAWN.problems(PixelStats(
            **{k: canvas[k] for k in ("width", "height", "variance", "distinct_colors",
                                      "dominant_fraction")})))  # fmt: skip


def _rgb(css: str) -> list[int]:
    return [int(css[i : i + 2], 16) for i in (1, 3, 5)]


def _near(corner: list[int], css: str) -> bool:
    return max(abs(a - b) for a, b in zip(corner, _rgb(css))) <= 3


def _frame(page, element_id: str):
    frame = page.locator(f"#{element_id}").element_handle().content_frame()
    assert frame is not None, element_id
    wait_until(lambda: frame.evaluate("() => Boolean(window.layerscapePage?.cleanup)"), 60,
               f"{element_id}: render() to have run")  # fmt: skip
    return frame


def _reveal(page, frame, element_id: str, show: str = "") -> tuple[float, dict]:
    """Scrolls the output into view (and runs ``show`` in it, as VS Code lays out the
    output); returns the seconds until its view is ready and drawn, and what it read."""
    started = time.monotonic()
    page.evaluate(f"() => document.getElementById('{element_id}').scrollIntoView()")
    if show:
        frame.evaluate(f"() => {{ {show} }}")
    read = wait_until(lambda: (r := frame.evaluate(READ_JS)) and _drawn(r) and r, 30,
                      f"{element_id}: the view drawn after it scrolled into view",
                      lambda: str(frame.evaluate(READ_JS)), interval=0.05)  # fmt: skip
    return time.monotonic() - started, read


def _shoot(page, element_id: str, path: Path) -> bytes:
    png = page.locator(f"#{element_id}").screenshot(animations="disabled")
    path.write_bytes(png)
    return png


def test_a_view_rendered_hidden_and_out_of_view_draws_when_revealed(
    page, page_log, notebook, artifacts
):
    page.emulate_media(color_scheme="light")
    page.add_init_script(READY_WATCH_JS)  # runs in each output's iframe too
    page.goto(notebook.as_uri(), wait_until="load")

    # Rendered while display:none (and 4000 px below the fold): nothing is built or
    # drawn, and the view does not say ready over a picture nobody can see.
    hidden = _frame(page, "hidden-output")
    page.evaluate("() => new Promise((r) => setTimeout(r, 500))")  # idle on purpose
    before = hidden.evaluate(READ_JS)
    assert before["state"] == "loading" and before["builds"] == 0, before
    assert before["frames"] == 0, before

    seconds, read = _reveal(page, hidden, "hidden-output",
                            "document.body.classList.remove('output-hidden')")  # fmt: skip
    print(f"hidden output: drawn {seconds * 1000:.0f} ms after it was revealed")
    assert seconds < 5, f"drawn {seconds:.1f} s after the reveal"
    assert read["root"] == [OUTPUT_W, VIEW_H], read
    assert (read["canvas"]["width"], read["canvas"]["height"]) == (OUTPUT_W, VIEW_H), read
    assert read["builds"] == 1, f"built for a placeholder size, then again: {read}"
    assert read["theme"] == "light" and read["hostBackground"] == LIGHT_BG, read
    assert _near(read["canvas"]["corner"], LIGHT_BG), read
    # Read at the moment it turned ready, and on the frames after: drawn, final size.
    shots = hidden.evaluate("() => window.lsReadyShots.slice(0, 4)")
    assert shots and shots[0]["when"] == "ready", shots
    assert all(not shot_problems(s) for s in shots), shots
    assert all((s["width"], s["height"]) == (OUTPUT_W, VIEW_H) for s in shots), shots
    light = _shoot(page, "hidden-output", artifacts / "vscode-light.png")

    # VS Code switches the theme: the body class and the editor's colours change.
    hidden.evaluate(f"""() => {{
      document.body.classList.replace('vscode-light', 'vscode-dark');
      document.body.dataset.vscodeThemeKind = 'vscode-dark';
      document.documentElement.style.setProperty('--vscode-editor-background', '{DARK_BG}');
    }}""")
    dark = wait_until(
        lambda: (r := hidden.evaluate(READ_JS))["theme"] == "dark" and _drawn(r)
        and _near(r["canvas"]["corner"], DARK_BG) and r,
        10, "the view to repaint on the dark editor background",
        lambda: str(hidden.evaluate(READ_JS)), interval=0.05,
    )  # fmt: skip
    assert dark["hostBackground"] == DARK_BG, dark
    dark_png = _shoot(page, "hidden-output", artifacts / "vscode-dark.png")
    assert decode_png(dark_png)[5, 5, :3].max() < 60, "the dark output shows light"
    assert decode_png(light)[5, 5, :3].min() > 200, "the light output shows dark"

    # Rendered while laid out but 7000 px below the fold: drawn once scrolled into view.
    far = _frame(page, "far-output")
    seconds, read = _reveal(page, far, "far-output")
    print(f"far output: drawn {seconds * 1000:.0f} ms after it scrolled into view")
    assert seconds < 5, f"drawn {seconds:.1f} s after it scrolled into view"
    assert (read["canvas"]["width"], read["canvas"]["height"]) == (OUTPUT_W, VIEW_H), read
    assert _near(read["canvas"]["corner"], LIGHT_BG), read
    page.locator("#far-output").screenshot(
        path=str(artifacts / "vscode-far-light.png"), style=CANVAS_ONLY_CSS
    )
    assert not page_log.problems(), page_log.problems()


def test_a_view_that_loses_its_size_keeps_its_picture_and_draws_when_shown_again(
    page, page_log, notebook
):
    """An output hidden after it drew (VS Code collapsing it, display:none) draws
    nothing while hidden, keeps its picture, and shows the newest state at once when
    shown again (no blank frame: the pixels are read on the first frame after)."""
    page.goto(notebook.as_uri(), wait_until="load")
    far = _frame(page, "far-output")
    _reveal(page, far, "far-output")
    frames = far.evaluate(READ_JS)["frames"]
    far.evaluate("""() => {
      document.body.classList.add('output-hidden');
      window.layerscapePage.model.set('color_scope', 'channel');  // a change while hidden
    }""")
    page.evaluate("() => new Promise((r) => setTimeout(r, 500))")  # idle on purpose
    while_hidden = far.evaluate(READ_JS)
    assert while_hidden["frames"] == frames, f"drew while display:none: {while_hidden}"
    assert (while_hidden["canvas"]["width"], while_hidden["canvas"]["height"]) == (
        OUTPUT_W,
        VIEW_H,
    ), f"the picture was dropped while hidden: {while_hidden}"
    # Shown again: the first animation frame after (its layout and ResizeObserver done)
    # finds the canvas drawn with the change made while hidden.
    shown = far.evaluate(f"""() => new Promise((resolve) => {{
      document.body.classList.remove('output-hidden');
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(({READ_JS})())));
    }})""")
    assert shown["frames"] > frames, f"nothing drawn when shown again: {shown}"
    assert _drawn(shown), shown
    assert not page_log.problems(), page_log.problems()
