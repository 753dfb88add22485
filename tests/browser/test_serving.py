"""The embedded server (serve.py, as `make run` starts it) in Chromium: no site may frame Tenfold,
every answer carries the security headers, and the app asks no host but its own for anything —
it works at a venue with no internet."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
import websockets

from serve import SECURITY_HEADERS
from tests.browser import ui
from tests.streamlit_client import run_to_end

pytestmark = pytest.mark.browser

EXPECTED = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}


def _headers(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def _assert_protected(headers: dict[str, str], what: str) -> None:
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{what}: {name} is {headers.get(name)!r}"


def test_the_page_its_assets_and_the_health_check_carry_the_security_headers(server):
    status, page = _headers(f"{server.url}/")
    assert status == 200 and page["content-type"].startswith("text/html")
    _assert_protected(page, "the page")
    with urllib.request.urlopen(f"{server.url}/", timeout=30) as response:
        html = response.read().decode()
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', html)
    assert script, "no script in the page"
    status, asset = _headers(f"{server.url}/{script[1]}")
    assert status == 200 and "javascript" in asset["content-type"]  # nosniff: the type must be right
    _assert_protected(asset, "a static asset")
    status, health = _headers(f"{server.url}/_stcore/health")
    assert status == 200
    _assert_protected(health, "/_stcore/health")
    status, metrics = _headers(f"{server.url}/_stcore/metrics")
    assert status == 404
    _assert_protected(metrics, "/_stcore/metrics")


def test_the_websocket_upgrade_carries_them_too(server):
    async def upgrade() -> dict[str, str]:
        url = server.url.replace("http://", "ws://") + "/_stcore/stream"
        async with websockets.connect(url, subprotocols=["streamlit"], open_timeout=30) as ws:  # type: ignore[list-item]
            return {k.lower(): v for k, v in ws.response.headers.raw_items()}

    _assert_protected(run_to_end(upgrade(), 60), "the websocket upgrade")


def test_another_site_cannot_frame_tenfold(page, server):
    page.set_content(f'<iframe id="framed" src="{server.url}/" width="800" height="600"></iframe>')
    page.wait_for_timeout(3000)
    framed = page.frame_locator("#framed")
    assert framed.locator("[data-testid='stApp']").count() == 0


def test_start_and_the_demo_s_compare_page_ask_no_other_host(page, server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    ui.goto(page, server.url)
    ui.expect_text(page, "Explore the demo")
    ui.click(page, "start_demo")
    ui.nav(page, "Compare")
    ui.expect_text(page, "Compare")
    page.wait_for_timeout(1000)  # late requests: fonts, the favicon
    hosts = {urlsplit(url).netloc for url in requested if not url.startswith("data:")}
    assert hosts == {urlsplit(server.url).netloc}, sorted(url for url in requested if "127.0.0.1" not in url)
    icon = page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(link => link.href)")
    assert icon and all(href.startswith(("data:image/svg+xml", server.url)) for href in icon), icon
    # The sidebar's icons are drawn from the font Streamlit ships: they show as icons, not as words.
    assert page.get_by_test_id("stSidebarNav").get_by_text("leaderboard").count() >= 1
    assert any(re.search(r"/static/media/MaterialSymbols", url) for url in requested)


def test_an_upload_still_imports_through_the_browser_twice_in_a_row(page, server, tmp_path):
    """The upload limits leave a participant's own imports alone: a second file replaces the first."""
    from core.demo import demo_workspace
    from core.workspace_file import dump_workspace

    ui.goto(page, server.url)
    ui.click(page, "start_demo")
    ui.nav(page, "Export & import")
    ui.segment(page, "transfer_mode", "Import a workspace file")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_bytes(dump_workspace(demo_workspace().model_copy(update={"name": "First file"})))
    second.write_bytes(dump_workspace(demo_workspace().model_copy(update={"name": "Second file"})))
    uploader = ui.keyed(page, "transfer_upload").locator("input[type='file']")
    uploader.set_input_files(str(first))
    ui.wait_idle(page)
    ui.expect_text(page, "“First file”")
    uploader.set_input_files(str(second))
    ui.wait_idle(page)
    ui.expect_text(page, "“Second file”")
    ui.click(page, "transfer_import_new")
    ui.expect_text(page, "Imported as a new workspace")
