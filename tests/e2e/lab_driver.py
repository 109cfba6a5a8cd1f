"""Drive a real JupyterLab tab through ``window.jupyterapp`` (Playwright, sync API).

Used by the browser tests and by ``benchmarks/jupyterlab.py``; nothing here imports
pytest. Failures raise ``AssertionError`` with what the notebook shows (cell outputs,
tracebacks, the server's log), so a test fails early and says why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

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


def wait_until(
    check: Callable[[], Any],
    timeout: float,
    what: str,
    diagnose: Callable[[], str] = lambda: "",
    interval: float = 0.5,
) -> Any:
    """Call ``check`` until it returns something truthy; fail with ``diagnose()`` on timeout.

    ``check`` may raise to stop at once (e.g. a cell raised).
    """
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})\n{diagnose()}"
    )


class Lab:
    """One JupyterLab tab, driven through ``window.jupyterapp``."""

    def __init__(self, page, server):
        self.page = page
        self.server = server

    def open_notebook(self, name: str, timeout: float = 120) -> None:
        # ?reset: start from an empty workspace, whatever an earlier test left open.
        self.page.goto(f"{self.server.url}/lab/tree/{name}?reset", wait_until="domcontentloaded")
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
        index = self.page.evaluate(
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

        def done():
            cell = self.cells()[index]
            if cell["errors"]:
                errors = "\n".join(_ANSI.sub("", e) for e in cell["errors"])
                raise AssertionError(f"the new cell raised:\n{source}\n{errors}")
            return cell if cell["count"] is not None and cell["state"] != "running" else None

        return wait_until(done, timeout, f"the new cell to run: {source!r}", self.describe_cells)
