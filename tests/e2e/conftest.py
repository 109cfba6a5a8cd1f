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

Helpers live in ``tests.support`` (``chromium``, ``page``, ``pixels``, ``lab``).

Environment
-----------
``LAYERSCAPE_CHROMIUM``   another Chromium binary (default ``/usr/bin/chromium``), e.g.
                          one installed without root.
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

from tests.support.chromium import PageLog, launch, missing_browser_reason, new_page
from tests.support.lab import start_lab, stop_lab
from tests.support.paths import ARTIFACTS_ROOT, REPO_ROOT

E2E_DIR = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


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
    reason = missing_browser_reason()
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
    reason = missing_browser_reason()
    if reason:
        if _in_ci():
            pytest.fail(f"CI must run the browser e2e tests, but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = launch(pw)
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
def page_with_log(browser, artifacts: Path, request: pytest.FixtureRequest):
    """A fresh context + page and its console log; the log (and, on failure, a
    screenshot) goes to the test's artifacts."""
    pg, log = new_page(browser)
    try:
        yield pg, log
    finally:
        (artifacts / "console.log").write_text(log.text())
        if _failed(request):
            try:
                pg.screenshot(
                    path=str(artifacts / "failure-page.png"), full_page=False, timeout=15_000
                )
            except Exception as exc:  # the page may be gone; the report matters more
                print(f"could not screenshot the failed page: {exc}", file=sys.stderr)
        pg.context.close()


@pytest.fixture
def page(page_with_log):
    return page_with_log[0]


@pytest.fixture
def page_log(page_with_log) -> PageLog:
    return page_with_log[1]


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


@pytest.fixture(scope="session")
def blocks_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The every-family page (``tests.support.blocks``), exported once per session."""
    from tests.support.blocks import write_blocks_page

    return write_blocks_page(tmp_path_factory.mktemp("blocks"))
