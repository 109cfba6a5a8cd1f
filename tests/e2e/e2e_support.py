"""Helpers for layerscape's browser end-to-end tests (imported by conftest and tests).

Kept out of ``conftest.py`` so that tests can import them by a unique module name
(``from e2e_support import ...``) whatever pytest's import mode.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # collection must not fail without playwright; the tests skip

    class PlaywrightTimeoutError(Exception):  # type: ignore[no-redef]
        pass


E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
CHROMIUM = os.environ.get("LAYERSCAPE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-gpu-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_ROOT = Path(os.environ.get("LAYERSCAPE_ARTIFACTS", REPO_ROOT / "test-artifacts" / "e2e"))
VIEWPORT = {"width": 1280, "height": 1000}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _decode_png_pure(data: bytes):
    """Minimal decoder for what Chromium writes: 8-bit RGB(A)/grey, not interlaced."""
    import numpy as np

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, ctype, _, _, interlace = hdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise ValueError(
            f"unsupported PNG (depth={depth}, colour type={ctype}, interlace={interlace})"
        )
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                upleft = prev[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 0xFF
        out[y * stride : (y + 1) * stride] = line
        prev = line
    arr = np.frombuffer(bytes(out), dtype=np.uint8).reshape(height, width, channels)
    if channels == 1:
        arr = np.repeat(arr, 3, axis=2)
    elif channels == 2:
        arr = np.concatenate([np.repeat(arr[..., :1], 3, axis=2), arr[..., 1:]], axis=2)
    return arr


def decode_png(data: bytes):
    """PNG bytes -> uint8 array (H, W, 3 or 4). Pillow when present, else pure Python."""
    import numpy as np

    try:
        from io import BytesIO

        from PIL import Image
    except ImportError:
        return _decode_png_pure(data)
    with Image.open(BytesIO(data)) as im:
        return np.asarray(im.convert("RGBA" if "A" in im.getbands() else "RGB"))


@dataclass
class PixelStats:
    width: int
    height: int
    variance: float
    """Variance of luminance (0..255 scale) over all pixels."""
    distinct_colors: int
    """Number of distinct RGB triples."""
    dominant_fraction: float
    """Share of pixels that have the single most common colour (background)."""

    def describe(self) -> str:
        return (
            f"{self.width}x{self.height}px, luminance variance {self.variance:.1f}, "
            f"{self.distinct_colors} distinct colours, "
            f"{self.dominant_fraction:.1%} of pixels in the most common colour"
        )


def pixel_stats(png: bytes) -> PixelStats:
    return rgb_stats(decode_png(png))


def rgb_stats(image) -> PixelStats:
    """``pixel_stats`` of a decoded image (H, W, 3 or 4), e.g. a crop of a page shot."""
    import numpy as np

    rgb = np.asarray(image)[..., :3].astype(np.int64)
    h, w = rgb.shape[:2]
    lum = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    packed = (rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]).ravel()
    _, counts = np.unique(packed, return_counts=True)
    return PixelStats(
        width=w,
        height=h,
        variance=float(lum.var()),
        distinct_colors=int(counts.size),
        dominant_fraction=float(counts.max() / packed.size) if packed.size else 1.0,
    )


@dataclass
class PixelDiff:
    changed: int
    """Pixels whose largest channel difference exceeds the tolerance."""
    total: int
    max_delta: int

    @property
    def fraction(self) -> float:
        return self.changed / self.total if self.total else 0.0

    def describe(self) -> str:
        return (
            f"{self.changed} of {self.total} pixels changed ({self.fraction:.2%}), "
            f"largest channel change {self.max_delta}"
        )


def pixel_diff(png_a: bytes, png_b: bytes, tolerance: int = 24) -> PixelDiff:
    """How many pixels differ between two same-sized screenshots."""
    import numpy as np

    a = decode_png(png_a)[..., :3].astype(np.int16)
    b = decode_png(png_b)[..., :3].astype(np.int16)
    if a.shape != b.shape:
        # A resized canvas counts as entirely changed.
        n = max(a.shape[0] * a.shape[1], b.shape[0] * b.shape[1])
        return PixelDiff(changed=n, total=n, max_delta=255)
    delta = np.abs(a - b).max(axis=2)
    return PixelDiff(
        changed=int((delta > tolerance).sum()), total=int(delta.size), max_delta=int(delta.max())
    )


# Screenshot style that leaves only WebGL pixels: every element of the widget is made
# invisible (labels, tooltips, legends, buttons are HTML over the canvas) except the
# <canvas>. `visibility` is inherited but a child may set it back to visible, and it
# does not change layout, so the canvas is neither moved nor redrawn.
CANVAS_ONLY_CSS = """
.layerscape, .layerscape * { visibility: hidden !important; }
.layerscape canvas { visibility: visible !important; }
"""


def stable_screenshot(
    locator,
    path: Path | None = None,
    timeout: float = 30.0,
    settle: float = 0.3,
    canvas_only: bool = True,
) -> bytes:
    """Screenshot ``locator`` until two consecutive shots are identical.

    A render-on-demand view may still be drawing (or animating a transition) when its
    DOM attributes already say it is done; waiting for a still picture avoids
    comparing half-drawn frames. Returns the last shot even if it never settled.
    With ``canvas_only`` the widget's HTML overlays are hidden (``CANVAS_ONLY_CSS``),
    so the pixels are what WebGL drew, not label text.
    """
    style = CANVAS_ONLY_CSS if canvas_only else None

    def shoot() -> bytes:
        return locator.screenshot(animations="disabled", timeout=timeout * 1000, style=style)

    deadline = time.monotonic() + timeout
    shot = shoot()
    while time.monotonic() < deadline:
        time.sleep(settle)
        again = shoot()
        if again == shot:
            break
        shot = again
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(shot)
    return shot


@dataclass
class NetworkLog:
    allowed_prefixes: tuple[str, ...]
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        return url.startswith(self.allowed_prefixes)

    @property
    def offending(self) -> list[str]:
        seen = [u for u in self.requests + self.blocked + self.websockets if not self.allowed(u)]
        return list(dict.fromkeys(seen))


def guard_network(context, allowed_prefixes=("file:", "data:", "blob:")) -> NetworkLog:
    """Record every request of ``context``; abort (and log) any not in ``allowed_prefixes``.

    Install before the first navigation. ``log.offending`` lists the URLs that tried
    to leave; a test asserts it is empty.
    """
    log = NetworkLog(tuple(allowed_prefixes))

    def on_route(route):
        url = route.request.url
        if log.allowed(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")

    def on_page(page):
        page.on("request", lambda req: log.requests.append(req.url))
        page.on("websocket", lambda ws: log.websockets.append(ws.url))

    context.route("**/*", on_route)
    context.on("page", on_page)
    for page in context.pages:
        on_page(page)
    return log


@dataclass
class PageLog:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def problems(self, ignore: tuple[str, ...] = ()) -> list[str]:
        """Console errors and uncaught exceptions, minus those matching ``ignore`` regexes."""
        out = [f"console.error: {m}" for m in self.console_errors] + [
            f"pageerror: {m}" for m in self.page_errors
        ]
        return [m for m in out if not any(re.search(p, m) for p in ignore)]


# -------------------------------------------------------------------- JupyterLab


@dataclass
class LabServer:
    url: str
    port: int
    root_dir: Path
    runtime_dir: Path
    log_path: Path
    env: dict[str, str]
    proc: subprocess.Popen

    def log_tail(self, chars: int = 6000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "<no log>"

    def api(self, path: str, method: str = "GET", timeout: float = 5.0):
        req = urllib.request.Request(
            self.url + path, method=method, data=b"" if method != "GET" else None
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None


def write_kernelspec(data_dir: Path) -> None:
    spec_dir = data_dir / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": False},
        "kernel_protocol_version": "5.5",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))


LAB_CONFIG = """\
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
c.ServerApp.open_browser = False
"""


def _pids_mentioning(text: str) -> list[int]:
    """Processes whose command line contains ``text`` (our private runtime dir)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            pids.append(int(entry.name))
    return pids


def stop_lab(server: LabServer) -> None:
    """Stop the server and its kernels; leave no process behind."""
    proc = server.proc
    if proc.poll() is None:
        # Graceful first: the server shuts its kernels down before it exits.
        with contextlib.suppress(urllib.error.URLError, OSError, ValueError):
            server.api("/api/shutdown", method="POST", timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
    # Kernels run in their own sessions (jupyter_client start_new_session=True), so
    # killing the server's group misses them if the graceful shutdown did not happen.
    # They are recognisable by the connection file in our private runtime dir.
    deadline = time.monotonic() + 10
    leftovers = _pids_mentioning(str(server.runtime_dir))
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.5)
        leftovers = _pids_mentioning(str(server.runtime_dir))
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start_lab(base: Path) -> LabServer:
    """Start a JupyterLab server on 127.0.0.1:<free port>, token-less, kernel = this Python.

    HOME and every Jupyter dir point into ``base`` so the user's settings, kernels and
    workspaces never leak in or get touched; the notebooks go in ``base / "root"``.
    Returns once the server answers; stop it with :func:`stop_lab`.
    """
    dirs = {
        name: base / name
        for name in (
            "root",
            "home",
            "config",
            "data",
            "runtime",
            "path",
            "settings",
            "workspaces",
            "ipython",
        )
    }
    for d in dirs.values():
        d.mkdir()
    write_kernelspec(dirs["path"])
    (dirs["config"] / "jupyter_lab_config.py").write_text(LAB_CONFIG)
    # No "get notified about Jupyter news?" toast over the notebook (and the widget).
    notification = (
        dirs["settings"] / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))
    env = dict(os.environ)
    env.update(
        HOME=str(dirs["home"]),
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTER_PATH=str(dirs["path"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        IPYTHONDIR=str(dirs["ipython"]),
        MPLCONFIGDIR=str(dirs["home"] / "mpl"),
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    env.pop("JUPYTER_TOKEN", None)
    env.pop("JUPYTER_PREFER_ENV_PATH", None)
    # A changed HOME hides the real user site-packages; keep it importable.
    import site

    user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    if user_site and Path(user_site).is_dir():
        env["PYTHONPATH"] = os.pathsep.join(p for p in (user_site, env.get("PYTHONPATH")) if p)

    port = free_port()
    log_path = base / "lab.log"
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
        "--IdentityProvider.token=",  # ServerApp.token's non-deprecated name
        "--ServerApp.disable_check_xsrf=True",
        "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={dirs['root']}",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
        cmd.append("--allow-root")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=dirs["root"], env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    server = LabServer(
        url=f"http://127.0.0.1:{port}",
        port=port,
        root_dir=dirs["root"],
        runtime_dir=dirs["runtime"],
        log_path=log_path,
        env=env,
        proc=proc,
    )
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            server.api("/api/status", timeout=2)
            return server
        except (urllib.error.URLError, OSError, ValueError):
            if time.monotonic() > deadline:
                stop_lab(server)
                raise RuntimeError(
                    f"JupyterLab did not answer /api/status in 90 s:\n{server.log_tail()}"
                ) from None
            time.sleep(0.25)


# ---------------------------------------------------------------- the widget in a page

API = "document.querySelector('.layerscape').__layerscape"
"""The root element's test handle (project, elementPoint, hover, openIds, frames, builds,
toggle, ...)."""


def open_view(page, path: Path):
    """Open a saved view from file:// and return its root once it is ready.

    Fails with the view's own text when it ends in ``data-state="error"`` instead.
    """
    page.goto(path.as_uri(), wait_until="load")
    # A locator waits from Playwright's own isolated world; page.wait_for_function would
    # leave a MutationObserver in the page's world, which test_cleanup counts.
    done = '.layerscape[data-state="ready"], .layerscape[data-state="error"]'
    page.locator(done).wait_for(timeout=60_000)
    root = page.locator(".layerscape")
    state = root.get_attribute("data-state")
    assert state == "ready", f"data-state={state!r}: {root.inner_text()[:500]!r}"
    return root


def hover_tooltip(page, node_id: str):
    """Point at a layer (where the view projects it) and return its visible tooltip."""
    point = page.evaluate(f"{API}.project({node_id!r})")
    assert point is not None, f"{node_id} has no position on screen"
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".layerscape .ls-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    return tooltip


def leave_tooltip(page, tooltip) -> None:
    """Move the pointer to an empty corner and wait for the tooltip to go."""
    page.mouse.move(2, 2)
    tooltip.wait_for(state="hidden", timeout=10_000)
