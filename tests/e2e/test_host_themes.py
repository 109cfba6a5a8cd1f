"""The view follows each host's theme mark, live: emulated on an exported page.

JupyterLab and Notebook 7 are tested for real elsewhere; here the marks of VS Code
(body classes, the editor background in ``--vscode-editor-background``), marimo
(``body.dark-theme``, ``data-theme``) and Colab (``html[theme=dark]``) are put on the
page the view sits in, and taken off again.
"""

from __future__ import annotations

import pytest

from tests.support.page import open_view, settle, shoot, wait_for
from tests.support.pixels import decode_png

pytestmark = pytest.mark.e2e

_THEME = "() => document.querySelector('.layerscape').dataset.theme"

MARKS = {
    "vscode": "document.body.classList.add('vscode-body', 'vscode-dark');"
    "document.body.style.setProperty('--vscode-editor-background', '#1f2a44');",
    "marimo-class": "document.body.classList.add('dark', 'dark-theme');",
    "marimo-attr": "document.body.setAttribute('data-theme', 'dark');",
    "colab": "document.documentElement.setAttribute('theme', 'dark');",
}
UNMARK = (
    "document.body.className = ''; document.body.removeAttribute('style');"
    "document.body.removeAttribute('data-theme');"
    "document.documentElement.removeAttribute('theme');"
)


@pytest.mark.parametrize("host", sorted(MARKS))
def test_the_view_follows_the_host_theme_live(host, trained_demo, page, page_log):
    page.emulate_media(color_scheme="light")
    root = open_view(page, trained_demo.path)
    assert page.evaluate(_THEME) == "light"
    page.evaluate(f"() => {{ {MARKS[host]} }}")
    wait_for(page, f"() => ({_THEME.removeprefix('() => ')}) === 'dark'", what=f"{host}: dark")
    settle(page)
    corner = decode_png(shoot(root.locator("canvas").first))[3, 3, :3]
    if host == "vscode":
        assert root.get_attribute("data-host-background") == "#1f2a44"
        assert abs(corner.astype(int) - [0x1F, 0x2A, 0x44]).max() <= 3, corner
    else:
        assert corner.max() < 60, f"{host}: the background stayed light: {corner}"
    page.evaluate(f"() => {{ {UNMARK} }}")
    wait_for(page, f"() => ({_THEME.removeprefix('() => ')}) === 'light'", what=f"{host}: light")
    settle(page)
    corner = decode_png(shoot(root.locator("canvas").first))[3, 3, :3]
    assert corner.min() > 200, f"{host}: the background stayed dark: {corner}"
    assert not page_log.problems(), page_log.problems()
