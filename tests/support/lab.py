"""A real JupyterLab for the browser tests and the benchmarks, and a driver for one tab.

``start_lab`` runs a token-less JupyterLab server on 127.0.0.1 (a free port) whose kernel
is this interpreter, with HOME and every Jupyter dir in a private folder; ``stop_lab``
stops it and its kernels. ``Lab`` drives one JupyterLab tab through ``window.jupyterapp``
(``LabApp.expose_app_in_browser``). Nothing here imports pytest: failures raise
``AssertionError`` with what the notebook shows (cell outputs, tracebacks, the server's
log), so a test fails early and says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .poll import wait_until


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def jupyter_home(
    base: Path, pythonpath: Sequence[Path] = ()
) -> tuple[dict[str, Path], dict[str, str]]:
    """Private HOME and Jupyter dirs under ``base`` (made here), and the environment that
    points a server (and its kernels, this Python) at them.

    ``dirs["root"]`` is where the notebooks go, ``dirs["runtime"]`` the runtime dir
    :func:`stop_lab` recognises the kernels by. ``pythonpath``: folders the kernels can
    import from besides this Python's own, via ``PYTHONPATH``.
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
        XDG_CONFIG_HOME=str(dirs["home"] / ".config"),
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
    extra = [str(p) for p in pythonpath]
    if user_site and Path(user_site).is_dir():
        extra.append(user_site)
    if extra:
        env["PYTHONPATH"] = os.pathsep.join([*extra, *filter(None, [env.get("PYTHONPATH")])])
    return dirs, env


def launch_server(
    name: str,
    cmd: Sequence[str],
    port: int,
    dirs: dict[str, Path],
    env: dict[str, str],
    status_path: str = "/api/status",
    timeout: float = 90,
) -> LabServer:
    """Run ``cmd`` (a server on 127.0.0.1:``port``, in ``dirs["root"]``, its output in
    ``<base>/<name>.log``) and return once ``status_path`` answers; stop it with
    :func:`stop_lab`. ``name`` says which server in the errors."""
    log_path = dirs["root"].parent / f"{name.lower().replace(' ', '-')}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            list(cmd), cwd=dirs["root"], env=env, stdout=log, stderr=subprocess.STDOUT,
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
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + status_path, timeout=2):
                return server
        except (urllib.error.URLError, OSError, ValueError):
            if time.monotonic() > deadline:
                stop_lab(server)
                raise RuntimeError(
                    f"{name} did not answer {status_path} in {timeout:.0f} s:\n{server.log_tail()}"
                ) from None
            time.sleep(0.25)


def as_root_flag() -> list[str]:
    """``--allow-root`` where a Jupyter server needs it (containers and CI often run as root)."""
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def start_lab(base: Path, pythonpath: Sequence[Path] = ()) -> LabServer:
    """Start a JupyterLab server on 127.0.0.1:<free port>, token-less, kernel = this Python.

    HOME and every Jupyter dir point into ``base`` (:func:`jupyter_home`) so the user's
    settings, kernels and workspaces never leak in or get touched; the notebooks go in
    ``base / "root"``. ``pythonpath``: folders the kernels can import from besides this
    Python's own (the benchmarks pass the clone's root, for ``benchmarks.models``).
    Returns once the server answers; stop it with :func:`stop_lab`.
    """
    dirs, env = jupyter_home(base, pythonpath)
    port = free_port()
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
        "--IdentityProvider.token=",  # ServerApp.token's non-deprecated name
        "--ServerApp.disable_check_xsrf=True",
        "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={dirs['root']}",
        *as_root_flag(),
    ]  # fmt: skip
    return launch_server("JupyterLab", cmd, port, dirs, env)


_CELLS_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return w.content.widgets.map((c) => {
    const m = c.model;
    const outs = m.type === 'code' ? m.outputs.toJSON() : [];
    const text = (x) => [].concat(x).join('');
    return {
      type: m.type,
      count: m.type === 'code' ? m.executionCount : null,
      state: m.executionState === undefined ? null : m.executionState,
      source: m.sharedModel.getSource(),
      errors: outs.filter((o) => o.output_type === 'error')
        .map((o) => `${o.ename}: ${o.evalue}\\n${(o.traceback || []).join('\\n')}`),
      stdout: outs.filter((o) => o.output_type === 'stream' && o.name === 'stdout')
        .map((o) => text(o.text)).join(''),
      stderr: outs.filter((o) => o.output_type === 'stream' && o.name === 'stderr')
        .map((o) => text(o.text)).join(''),
      plain: outs.filter((o) => o.data && o.data['text/plain'])
        .map((o) => text(o.data['text/plain'])).join('\\n'),
    };
  });
}"""

_NOTEBOOK_STATE_JS = """(name) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return 'no app';
  const w = app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.context) return 'no notebook panel';
  if (!w.context.path.endsWith(name)) return 'current widget is ' + w.context.path;
  if (!w.context.isReady) return 'notebook loading';
  const s = w.sessionContext.session;
  const k = s && s.kernel;
  if (!k) return 'no kernel';
  if (k.connectionStatus !== 'connected') return 'kernel ' + k.connectionStatus;
  return k.status === 'idle' ? 'ready' : 'kernel ' + k.status;
}"""

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def write_notebook(folder: Path, name: str, sources: Sequence[str]) -> str:
    """Write ``folder / name``: one code cell per source, on this Python's kernel; return
    ``name`` (what :meth:`Lab.open_notebook` takes)."""
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": source}
            for source in sources
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    (folder / name).write_text(json.dumps(nb))
    return name


class Lab:
    """One JupyterLab tab, driven through ``window.jupyterapp``."""

    def __init__(self, page, server):
        self.page = page
        self.server = server

    def goto(self, name: str) -> None:
        """Load the page that opens notebook ``name``."""
        # ?reset: start from an empty workspace, whatever an earlier test left open.
        self.page.goto(f"{self.server.url}/lab/tree/{name}?reset", wait_until="domcontentloaded")

    def open_notebook(self, name: str, timeout: float = 120, same_page: bool = False) -> None:
        """Open notebook ``name`` and wait for its kernel to be idle: in a freshly loaded
        page, or (``same_page``) as another tab of this page, beside what it shows."""
        if same_page:
            self.command("docmanager:open", {"path": name})
        else:
            self.goto(name)
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout * 1000
        )
        dialog_ok = self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")

        def ready():
            if dialog_ok.count():  # kernel selection (or another question): take the default
                dialog_ok.first.click()
            return self.page.evaluate(_NOTEBOOK_STATE_JS, name) == "ready"

        wait_until(ready, timeout, f"{name} to open with an idle kernel",
                   lambda: f"state: {self.page.evaluate(_NOTEBOOK_STATE_JS, name)}\n"
                           f"server log:\n{self.server.log_tail()}")  # fmt: skip

    def command(self, cmd: str, args: dict | None = None) -> None:
        """Start a JupyterLab command without waiting for it to finish."""
        self.page.evaluate(
            "([c, a]) => { window.jupyterapp.commands.execute(c, a || {}); }", [cmd, args]
        )

    def cells(self) -> list[dict]:
        return self.page.evaluate(_CELLS_JS)

    def errors(self) -> list[str]:
        return [e for c in self.cells() for e in c["errors"]]

    def describe_cells(self) -> str:
        lines = []
        for i, c in enumerate(self.cells()):
            if c["type"] != "code":
                continue
            lines.append(f"--- cell {i} [{c['count']}] {c['state']}: {c['source'][:120]!r}")
            for key in ("stdout", "stderr", "plain"):
                if c[key]:
                    lines.append(f"  {key}: {_ANSI.sub('', c[key])[-1500:]}")
            lines.extend(f"  ERROR {_ANSI.sub('', e)[-3000:]}" for e in c["errors"])
        return "\n".join(lines)

    def fail_on_errors(self) -> None:
        """Fail now if a cell raised or the kernel died, instead of at a timeout."""
        if self.errors():
            raise AssertionError("a notebook cell raised:\n" + self.describe_cells())
        state = self.page.evaluate(_NOTEBOOK_STATE_JS, "")
        if state in ("kernel dead", "kernel autorestarting", "kernel restarting"):
            raise AssertionError(
                f"the kernel died ({state}):\n{self.describe_cells()}\n"
                f"server log:\n{self.server.log_tail()}"
            )

    def run_all(self, timeout: float) -> None:
        """Clear outputs, run every cell, wait until all code cells ran (or one failed)."""
        self.command("notebook:clear-all-cell-outputs")
        self.page.wait_for_function(
            "() => window.jupyterapp.shell.currentWidget.content.widgets"
            ".every(c => c.model.type !== 'code' || c.model.executionCount === null)"
        )
        self.command("notebook:run-all-cells")

        def done():
            self.fail_on_errors()
            cells = [c for c in self.cells() if c["type"] == "code" and c["source"].strip()]
            return all(c["count"] is not None and c["state"] != "running" for c in cells)

        wait_until(done, timeout, "all cells to run", self.describe_cells)

    def run_new_cell(self, source: str, timeout: float) -> dict:
        """Append a code cell with ``source``, run it, wait for it; return its outputs."""
        index = self.start_new_cell(source)
        return self.wait_for_cell(index, source, timeout)

    def start_new_cell(self, source: str) -> int:
        """Append a code cell with ``source`` and start it; return its index at once."""
        return self.page.evaluate(
            """(src) => {
              const w = window.jupyterapp.shell.currentWidget;
              const n = w.model.sharedModel.cells.length;
              w.model.sharedModel.insertCell(n, {cell_type: 'code', source: src});
              w.content.activeCellIndex = n;
              w.content.deselectAll();
              window.jupyterapp.commands.execute('notebook:run-cell');
              return n;
            }""",
            source,
        )

    def wait_for_cell(self, index: int, source: str, timeout: float) -> dict:
        """Wait for cell ``index`` (running ``source``) to finish; return its outputs."""

        def done():
            cell = self.cells()[index]
            if cell["errors"]:
                errors = "\n".join(_ANSI.sub("", e) for e in cell["errors"])
                raise AssertionError(f"the new cell raised:\n{source}\n{errors}")
            return cell if cell["count"] is not None and cell["state"] != "running" else None

        return wait_until(done, timeout, f"the new cell to run: {source!r}", self.describe_cells)
