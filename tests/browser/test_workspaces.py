"""Workspaces in Chromium: another never replaces the open one without asking; the private link is
kept with a copy button and a QR code; Interviews opens an interview from its table."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import ui

pytestmark = pytest.mark.browser


def _token(page: Page) -> str:
    return page.url.split("w=")[1].split("&")[0]


def _open_demo(page: Page, url: str) -> str:
    ui.goto(page, url)
    ui.click(page, "start_demo")
    ui.expect_text(page, "Your workspace is open")
    return _token(page)


def test_starting_another_workspace_asks_first_and_shows_the_open_ones_link(page, server):
    first = _open_demo(page, server.url)
    ui.click(page, "start_new")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Leave this workspace?")
    expect(dialog).to_contain_text(f"?w={first}")  # the link, to keep before leaving
    expect(dialog.get_by_role("img", name="QR code of your private link")).to_be_visible()
    assert _token(page) == first
    dialog.get_by_role("button", name="Cancel").click()
    ui.wait_idle(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert _token(page) == first

    ui.click(page, "start_new")
    page.get_by_role("dialog").get_by_role("button", name="Yes, start a new workspace").click()
    ui.wait_idle(page)
    second = _token(page)
    assert second != first
    expect(page.get_by_test_id("stSidebar")).to_contain_text(re.compile(r"Workspace of \d+ \w{3} \d{4}"))


def test_the_copy_button_puts_the_private_link_on_the_clipboard(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        token = _open_demo(page, server.url)
        button = page.locator("#start_copy")
        button.click()
        expect(button).to_have_text(re.compile("^Copied"))
        assert page.evaluate("() => navigator.clipboard.readText()").endswith(f"/?w={token}")
    finally:
        context.close()


def test_a_row_of_the_interview_table_opens_that_interview(page, server):
    token = _open_demo(page, server.url)
    ui.goto(page, f"{server.url}/interviews?w={token}")
    table = page.get_by_test_id("stDataFrame")
    expect(table.locator("canvas").first).to_be_visible()
    page.wait_for_timeout(500)  # the grid draws its rows after its canvas appears
    box = table.bounding_box()
    assert box is not None
    row_height = 35  # pages/interviews.py TABLE_ROW_PX: the header row, then the newest interview, ...
    page.mouse.click(box["x"] + 16, box["y"] + row_height * 2.5)  # the second newest row's tick box
    ui.wait_idle(page)
    expect(ui.keyed(page, "interviews_selected").get_by_role("combobox")).to_have_value(re.compile("Priya Shah"))
