"""Real notebook hosts besides JupyterLab for the browser tests: Notebook 7, Voilà, marimo.

Each ``start_*`` runs one server on 127.0.0.1 (a free port), token-less, its kernel (or
marimo's runtime) this Python, with HOME and every Jupyter dir private
(:func:`~tests.support.lab.jupyter_home`); stop it with :func:`~tests.support.lab.stop_lab`.
``serve`` runs one for a test module (started, stopped, its log kept with the artifacts).
``views`` reads every layerscape view on a page, inside shadow roots too (marimo renders
its widgets in one), ``canvas_pixels`` reads a view's 2D canvas in the page; ``one_view``
waits for the page's one view to reach a state (failing at once on an error view),
``drawn_pixels`` reads its canvas and fails unless it shows the model, and
``READY_WATCH_JS`` / ``ready_shots`` read every view's canvas at the moment it turns
``ready``.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .lab import Lab, LabServer, as_root_flag, free_port, jupyter_home, launch_server, stop_lab
from .paths import ARTIFACTS_ROOT
from .pixels import DRAWN, PixelStats
from .poll import wait_until


def start_notebook7(base: Path) -> LabServer:
    """Jupyter Notebook 7 (``/tree``, ``/notebooks/<name>``), the app in ``window.jupyterapp``."""
    dirs, env = jupyter_home(base)
    port = free_port()
    cmd = [
        sys.executable, "-m", "jupyter", "notebook",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
        "--IdentityProvider.token=", "--ServerApp.disable_check_xsrf=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={dirs['root']}", *as_root_flag(),
    ]  # fmt: skip
    return launch_server("Notebook 7", cmd, port, dirs, env)


def start_voila(base: Path) -> LabServer:
    """Voilà serving the notebooks of its root (``/voila/render/<name>``); ``?theme=dark``
    picks the dark theme per page."""
    dirs, env = jupyter_home(base)
    port = free_port()
    cmd = [
        sys.executable, "-m", "voila", "--no-browser", "--Voila.ip=127.0.0.1",
        f"--port={port}", "--Voila.port_retries=0", f"--Voila.root_dir={dirs['root']}",
        "--VoilaConfiguration.allow_theme_override=YES", "--show_tracebacks=True",
    ]  # fmt: skip
    return launch_server("Voila", cmd, port, dirs, env, status_path="/")


def start_marimo(base: Path, app: Path) -> LabServer:
    """``marimo run`` of ``app`` (a copy in the server's root), its theme the system's (the
    browser's ``prefers-color-scheme``, which a test emulates)."""
    dirs, env = jupyter_home(base)
    config = Path(env["XDG_CONFIG_HOME"]) / "marimo" / "marimo.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[display]\ntheme = "system"\n')
    target = dirs["root"] / app.name
    target.write_text(app.read_text())
    port = free_port()
    cmd = [
        sys.executable, "-m", "marimo", "run", str(target), "--host", "127.0.0.1",
        "-p", str(port), "--headless", "--no-token", "--no-sandbox", "--no-check",
    ]  # fmt: skip
    return launch_server("marimo", cmd, port, dirs, env, status_path="/health", timeout=120)


@contextmanager
def serve(start: Callable[[], LabServer], log_name: str) -> Iterator[LabServer]:
    """A server made by ``start()`` (e.g. ``lambda: start_voila(base)``) for the ``with``
    block, stopped with its kernels after it; its log is copied to
    ``ARTIFACTS_ROOT/log_name`` (``voila-server.log``) for whoever reads a failure.

    A server that does not come up (``start`` raises ``RuntimeError`` with its log) fails
    with that text as an ``AssertionError``, without the launcher's traceback.
    """
    try:
        server = start()
    except RuntimeError as exc:
        raise AssertionError(f"the server did not start: {exc}") from None
    try:
        yield server
    finally:
        stop_lab(server)
        ARTIFACTS_ROOT.mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log_path, ARTIFACTS_ROOT / log_name)


class Notebook7(Lab):
    """One Notebook 7 tab: the JupyterLab driver, at Notebook 7's address."""

    def goto(self, name: str) -> None:
        self.page.goto(f"{self.server.url}/notebooks/{name}", wait_until="domcontentloaded")

    def set_theme(self, theme: str) -> None:
        """``"JupyterLab Light"`` or ``"JupyterLab Dark"``, as the Settings menu does."""
        self.command("apputils:change-theme", {"theme": theme})


# Every view on the page, in shadow roots too, as the tests read them.
VIEWS_JS = """() => {
  const found = [];
  const walk = (node) => {
    for (const el of node.querySelectorAll('*')) {
      if (el.classList.contains('layerscape')) found.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  window.lsViews = found;
  return found.map((r) => {
    const box = r.getBoundingClientRect();
    return {state: r.dataset.state, predictions: Number(r.dataset.predictions),
            theme: r.dataset.theme, width: box.width, height: box.height,
            text: r.dataset.state === 'error' ? r.innerText.slice(0, 400) : ''};
  });
}"""


def views(page: Any) -> list[dict]:
    """State, predictions, theme and size of each view on ``page``."""
    return page.evaluate(VIEWS_JS)


# A JS function of a 2D canvas: its size, pixel statistics as tests.support.pixels.rgb_stats
# has them, its most common colour (the background) and the colour at (3, 3) (a corner).
# Page scripts here embed it, so every host test reads pixels the same way.
CANVAS_STATS_JS = """(canvas) => {
  const { width, height } = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const counts = new Map();
  let sum = 0, sum2 = 0;
  for (let k = 0; k < data.length; k += 4) {
    const key = (data[k] << 16) | (data[k + 1] << 8) | data[k + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
    const lum = 0.299 * data[k] + 0.587 * data[k + 1] + 0.114 * data[k + 2];
    sum += lum; sum2 += lum * lum;
  }
  const n = width * height, mean = sum / n;
  let top = 0, topKey = 0;
  for (const [key, c] of counts) if (c > top) { top = c; topKey = key; }
  const c = 4 * (3 * width + 3);
  return { width, height, variance: sum2 / n - mean * mean, distinct_colors: counts.size,
           dominant_fraction: top / n,
           background: [topKey >> 16, (topKey >> 8) & 255, topKey & 255],
           corner: [data[c], data[c + 1], data[c + 2]] };
}"""

# In-page pixel statistics of view `i`'s 2D canvas.
_PIXELS_JS = (
    """(i) => {
  const s = ("""
    + CANVAS_STATS_JS
    + """)(window.lsViews[i].querySelector('canvas'));
  const { width, height, variance, distinct_colors, dominant_fraction } = s;
  return { stats: { width, height, variance, distinct_colors, dominant_fraction },
           background: s.background };
}"""
)


def canvas_pixels(page: Any, index: int = 0) -> dict:
    """``{"stats": PixelStats fields, "background": [r, g, b]}`` of view ``index``'s canvas
    (after :func:`views` found it), read in the page: a screenshot cannot see into a
    closed shadow root's stacking, and the canvas's own pixels are what WebGL drew."""
    return page.evaluate(_PIXELS_JS, index)


def one_view(
    page: Any,
    what: str,
    check: Callable[[dict], bool],
    describe: Callable[[], str] = lambda: "",
    timeout: float = 180,
) -> dict:
    """The page's one view (as :func:`views` reads it) once ``check(view)`` holds.

    Fails at once when the view shows an error (its text in the message), and after
    ``timeout`` seconds with ``describe()`` (the cells, the server's log).
    """
    return views_when(page, 1, what, check, describe, timeout)[0]


def views_when(
    page: Any,
    count: int,
    what: str,
    check: Callable[[dict], bool],
    describe: Callable[[], str] = lambda: "",
    timeout: float = 180,
) -> list[dict]:
    """The page's ``count`` views (as :func:`views` reads them) once ``check`` holds for
    each. Fails at once when a view shows an error, and after ``timeout`` seconds with
    ``describe()``."""

    def done() -> list[dict] | None:
        found = views(page)
        for view in found:
            if view["state"] == "error":
                raise AssertionError(f"the view failed: {view['text']}")
        return found if len(found) == count and all(map(check, found)) else None

    return wait_until(done, timeout, what, describe)


def page_and_log(page: Any, server: LabServer) -> Callable[[], str]:
    """A ``describe`` for :func:`one_view`: the page's text and the server's log."""

    def describe() -> str:
        body = page.evaluate("() => document.body.innerText.slice(0, 3000)")
        return f"page text:\n{body}\nserver log:\n{server.log_tail()}"

    return describe


def drawn_pixels(page: Any, index: int = 0) -> dict:
    """:func:`canvas_pixels` of view ``index``, read once: fails unless its canvas shows
    the model (``tests.support.pixels.DRAWN``). A view that is ``ready`` is drawn."""
    pixels = canvas_pixels(page, index)
    problems = DRAWN.problems(PixelStats(**pixels["stats"]))
    assert not problems, f"the view's canvas looks blank: {problems} {pixels}"
    return pixels


# Installed before the page's scripts (page.add_init_script): whenever a view in the
# document turns ready, its canvas's pixels and size are read there and then, in the
# MutationObserver's microtask, before the page paints or draws anything else; and
# again on each of the next three animation frames (each read after that frame's layout
# and ResizeObserver callbacks: a late resize that cleared the canvas shows up there).
# `window.lsReadyShots` holds them, in order. Views in shadow roots (marimo) are not seen.
READY_WATCH_JS = (
    """
(() => {
  const canvasStats = """
    + CANVAS_STATS_JS
    + """;
  const stats = (root) => {
    const box = root.getBoundingClientRect();
    const { width, height, variance, distinct_colors, dominant_fraction } =
      canvasStats(root.querySelector('canvas'));
    return { width, height, root: [Math.round(box.width), Math.round(box.height)],
             variance, distinct_colors, dominant_fraction };
  };
  window.lsReadyShots = [];
  const seen = new WeakSet();
  const onReady = (root) => {
    seen.add(root);
    window.lsReadyShots.push({ when: 'ready', ...stats(root) });
    let n = 0;
    const next = () => requestAnimationFrame(() => {
      window.lsReadyShots.push({ when: `frame ${++n} after ready`, ...stats(root) });
      if (n < 3) next();
    });
    next();
  };
  new MutationObserver((records) => {
    for (const r of records) {
      const root = r.target;
      if (root.dataset.state === 'ready' && !seen.has(root)) onReady(root);
    }
  }).observe(document, { attributes: true, attributeFilter: ['data-state'], subtree: true });
})();
"""
)


def ready_shots(page: Any, timeout: float = 30) -> list[dict]:
    """What :data:`READY_WATCH_JS` read for the first view that turned ready: at that
    moment and on the three frames after it. Each shot: ``when``, the canvas's ``width``
    and ``height``, the root's CSS size (``root``), and the PixelStats fields."""

    def four() -> list[dict] | None:
        shots = page.evaluate("() => window.lsReadyShots || []")
        return shots[:4] if len(shots) >= 4 else None

    return wait_until(four, timeout, "the pixels at ready and on the frames after it",
                      interval=0.1)  # fmt: skip


def shot_problems(shot: dict) -> list[str]:
    """Why one of :func:`ready_shots`' shots is not a drawn canvas ([] when it is)."""
    fields = ("width", "height", "variance", "distinct_colors", "dominant_fraction")
    return DRAWN.problems(PixelStats(**{k: shot[k] for k in fields}))
