"""Real notebook hosts besides JupyterLab for the browser tests: Notebook 7, Voilà, marimo.

Each ``start_*`` runs one server on 127.0.0.1 (a free port), token-less, its kernel (or
marimo's runtime) this Python, with HOME and every Jupyter dir private
(:func:`~tests.support.lab.jupyter_home`); stop it with :func:`~tests.support.lab.stop_lab`.
``views`` reads every layerscape view on a page, inside shadow roots too (marimo renders
its widgets in one), and ``canvas_pixels`` reads a view's 2D canvas in the page.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .lab import Lab, LabServer, as_root_flag, free_port, jupyter_home, launch_server


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


# In-page pixel statistics of view `i`'s 2D canvas, as tests.support.pixels.rgb_stats has them.
_PIXELS_JS = """(i) => {
  const canvas = window.lsViews[i].querySelector('canvas');
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
  return { stats: { width, height, variance: sum2 / n - mean * mean,
                    distinct_colors: counts.size, dominant_fraction: top / n },
           background: [topKey >> 16, (topKey >> 8) & 255, topKey & 255] };
}"""


def canvas_pixels(page: Any, index: int = 0) -> dict:
    """``{"stats": PixelStats fields, "background": [r, g, b]}`` of view ``index``'s canvas
    (after :func:`views` found it), read in the page: a screenshot cannot see into a
    closed shadow root's stacking, and the canvas's own pixels are what WebGL drew."""
    return page.evaluate(_PIXELS_JS, index)
