"""Shared fixtures for layerscape's browser end-to-end tests.

These tests drive the Debian ``chromium`` package (``/usr/bin/chromium``) through
Playwright's sync API. Never run ``playwright install``: it downloads a browser.
WebGL2 comes from SwiftShader on the CPU, so rendering is slow and every wait is
generous.

Fixtures
--------
``browser``      session-scoped Chromium.
``page_log``     console messages, console errors and uncaught page errors of ``page``.
``page``         a fresh context + page per test (1280x1000 viewport).
``artifacts``    ``test-artifacts/e2e/<test>/`` for screenshots humans can look at.
``lab_server``   a real JupyterLab server on 127.0.0.1 with an empty token, whose
                 kernel is this interpreter; stopped (with its kernels) at the end.

Helpers (``from e2e_support import ...``)
-----------------------------------------
``free_port()``, ``decode_png()``, ``pixel_stats()``, ``pixel_diff()``,
``stable_screenshot()``, ``guard_network()``.

Environment
-----------
``LAYERSCAPE_CHROMIUM``   another Chromium binary (default ``/usr/bin/chromium``).
``LAYERSCAPE_ARTIFACTS``  where screenshots go (default ``<repo>/test-artifacts/e2e``).
``LAYERSCAPE_HEADED=1``   show the browser (needs a display).
``CI``                    when set, a missing Chromium fails instead of skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

# Make the helper module importable whatever pytest's import mode (prepend/importlib).
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_support import (
    ARTIFACTS_ROOT,
    CHROMIUM,
    CHROMIUM_ARGS,
    E2E_DIR,
    REPO_ROOT,
    VIEWPORT,
    PageLog,
    start_lab,
    stop_lab,
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing_browser_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (Debian package 'chromium'; never `playwright install`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python package 'playwright' is not installed"
    return None


# --------------------------------------------------------------------------- hooks


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "e2e: browser end-to-end test (real Chromium; JupyterLab or exported HTML)",
    )


def _is_e2e(item: pytest.Item) -> bool:
    return E2E_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Fast parts first: the browser tests run after every other test in the session.
    items[:] = [i for i in items if not _is_e2e(i)] + [i for i in items if _is_e2e(i)]
    reason = _missing_browser_reason()
    for item in items:
        if not _is_e2e(item):
            continue
        item.add_marker(pytest.mark.e2e)
        # Outside CI a machine without Chromium skips the browser tests; in CI the
        # `browser` fixture fails loudly instead, so they can never silently vanish.
        if reason and not _in_ci():
            item.add_marker(pytest.mark.skip(reason=f"browser e2e skipped: {reason}"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"_e2e_rep_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    return any(
        getattr(getattr(request.node, f"_e2e_rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


# ----------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    reason = _missing_browser_reason()
    if reason:
        if _in_ci():
            pytest.fail(f"CI must run the browser e2e tests, but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=os.environ.get("LAYERSCAPE_HEADED", "") in ("", "0"),
        )
    except Exception:
        pw.stop()
        raise
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    path = ARTIFACTS_ROOT / name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log: PageLog, artifacts: Path, request: pytest.FixtureRequest):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, service_workers="block")
    context.set_default_timeout(30_000)
    pg = context.new_page()

    def on_console(msg):
        text = f"[{msg.type}] {msg.text}"
        page_log.console.append(text)
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            page_log.console_errors.append(msg.text + where)

    pg.on("console", on_console)
    pg.on(
        "pageerror",
        lambda err: page_log.page_errors.append(f"{err.name}: {err.message}\n{err.stack or ''}"),
    )
    try:
        yield pg
    finally:
        (artifacts / "console.log").write_text(
            "\n".join(page_log.console + page_log.page_errors) + "\n"
        )
        if _failed(request):
            try:
                pg.screenshot(
                    path=str(artifacts / "failure-page.png"), full_page=False, timeout=15_000
                )
            except Exception as exc:  # the page may be gone; the report matters more
                print(f"could not screenshot the failed page: {exc}", file=sys.stderr)
        context.close()


# -------------------------------------------------------------------- JupyterLab


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server on 127.0.0.1:<free port>, token-less, kernel = this Python.

    Its root dir holds a copy of ``notebooks/quickstart.ipynb`` (when present); tests
    may write more notebooks there. HOME and every Jupyter dir point into a temp dir
    so the user's settings, kernels and workspaces never leak in or get touched.
    """
    try:
        server = start_lab(tmp_path_factory.mktemp("lab"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    quickstart = REPO_ROOT / "notebooks" / "quickstart.ipynb"
    if quickstart.exists():
        shutil.copy(quickstart, server.root_dir / quickstart.name)
    try:
        yield server
    finally:
        stop_lab(server)
        ARTIFACTS_ROOT.mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log_path, ARTIFACTS_ROOT / "jupyterlab-server.log")
