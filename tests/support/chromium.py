"""The browser the e2e tests and the benchmarks drive: the system Chromium, never a download.

Playwright drives the Debian ``chromium`` package (``/usr/bin/chromium``) through its sync
API; ``playwright install`` is never needed (it downloads a browser). WebGL2 comes from
SwiftShader on the CPU with the flags in ``CHROMIUM_ARGS``: no GPU needed.

Environment
-----------
``LAYERSCAPE_CHROMIUM``  another Chromium binary, e.g. one a developer installed without
                         root (default ``/usr/bin/chromium``).
``LAYERSCAPE_HEADED=1``  show the browser (needs a display).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # collection must not fail without playwright; the tests skip

    class PlaywrightTimeoutError(Exception):  # type: ignore[no-redef]
        """Stands in for Playwright's timeout where Playwright is not installed."""


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
VIEWPORT = {"width": 1280, "height": 1000}


def headed() -> bool:
    """Whether ``LAYERSCAPE_HEADED`` asks for a visible browser."""
    return os.environ.get("LAYERSCAPE_HEADED", "") not in ("", "0")


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return (
            f"{CHROMIUM} not found (Debian package 'chromium', or point LAYERSCAPE_CHROMIUM "
            "at another Chromium; never `playwright install`)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python package 'playwright' is not installed"
    return None


def launch(playwright: Any, headless: bool | None = None) -> Any:
    """Start Chromium with WebGL2 on SwiftShader; ``headless`` defaults to not ``headed()``."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=not headed() if headless is None else headless,
    )


@dataclass
class PageLog:
    """What a page said: console messages, console errors and uncaught exceptions."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def problems(self, ignore: tuple[str, ...] = ()) -> list[str]:
        """Console errors and uncaught exceptions, minus those matching ``ignore`` regexes."""
        out = [f"console.error: {m}" for m in self.console_errors] + [
            f"pageerror: {m}" for m in self.page_errors
        ]
        return [m for m in out if not any(re.search(p, m) for p in ignore)]

    def text(self) -> str:
        """Everything logged, one entry a line (what ``console.log`` artifacts hold)."""
        return "\n".join(self.console + self.page_errors) + "\n"


def watch_console(page: Any, log: PageLog) -> PageLog:
    """Record ``page``'s console and uncaught errors into ``log`` from now on."""

    def on_console(msg: Any) -> None:
        text = f"[{msg.type}] {msg.text}"
        log.console.append(text)
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            log.console_errors.append(msg.text + where)

    page.on("console", on_console)
    page.on(
        "pageerror",
        lambda err: log.page_errors.append(f"{err.name}: {err.message}\n{err.stack or ''}"),
    )
    return log


def new_page(browser: Any, timeout_ms: int = 30_000) -> tuple[Any, PageLog]:
    """A fresh context and page (``VIEWPORT``, scale 1, no service workers) and its log."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, service_workers="block")
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    return page, watch_console(page, PageLog())


@dataclass
class NetworkLog:
    """Every request a context made, and those the guard aborted."""

    allowed_prefixes: tuple[str, ...]
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        return url.startswith(self.allowed_prefixes)

    @property
    def offending(self) -> list[str]:
        """URLs outside the allowed prefixes, first try first, each once."""
        seen = [u for u in self.requests + self.blocked + self.websockets if not self.allowed(u)]
        return list(dict.fromkeys(seen))


def guard_network(context: Any, allowed_prefixes=("file:", "data:", "blob:")) -> NetworkLog:
    """Record every request of ``context``; abort (and log) any not in ``allowed_prefixes``.

    Install before the first navigation. ``log.offending`` lists the URLs that tried
    to leave; a test asserts it is empty.
    """
    log = NetworkLog(tuple(allowed_prefixes))

    def on_route(route: Any) -> None:
        url = route.request.url
        if log.allowed(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")

    def on_page(page: Any) -> None:
        page.on("request", lambda req: log.requests.append(req.url))
        page.on("websocket", lambda ws: log.websockets.append(ws.url))

    context.route("**/*", on_route)
    context.on("page", on_page)
    for page in context.pages:
        on_page(page)
    return log
