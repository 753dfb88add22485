"""Presentation mode and a counsellor's sign-in survive a reload in the same browser, on a real
server, and open nothing in another browser (a new Chromium context: no cookies). Screenshots of
presentation mode and of the join code on screen, at 1280 and 390 px, go to test-artifacts/."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import ui
from tests.browser.conftest import ARTIFACTS
from tests.streamlit_server import StreamlitServer

pytestmark = pytest.mark.browser

PASSCODE = "heron-lantern-7731"
# The demo's words that presenting must hide: conversation notes, a rating note, contacts' names and a
# role, an option's note. (The contacts' organisations are the demo's employers, shown as options.)
PRIVATE = (
    "How I feel after the first round",
    "Very open about night shifts",
    "Feels right, shifts are the worry",
    "Priya Shah",
    "Charge nurse",
    "Lena Okafor",
    "Leaning this way since volunteering",
)


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _presentation_switch(page):
    return page.get_by_test_id("stSidebar").get_by_role("switch", name="Presentation mode")


def _toggle_presentation(page) -> None:
    page.get_by_test_id("stSidebar").get_by_text("Presentation mode", exact=True).click()
    ui.wait_idle(page)


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        ui.wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    ui.wait_idle(page)


def test_presentation_mode_survives_a_reload_in_this_browser_only(browser, page, server):
    ui.goto(page, server.url)
    ui.click(page, "start_demo")
    token = _query(page)["w"][0]
    ui.nav(page, "Interviews & ratings")
    ui.expect_text(page, "How I feel after the first round")  # before presenting: notes are shown

    _toggle_presentation(page)
    expect(_presentation_switch(page)).to_be_checked()
    assert "w" not in _query(page) and "present" in _query(page)

    page.reload()
    ui.wait_idle(page)
    ui.expect_text(page, "Notes and contact names are hidden while presenting.")
    expect(_presentation_switch(page)).to_be_checked()
    assert urlparse(page.url).path.endswith("/interviews") and "w" not in _query(page)
    body, html = page.inner_text("body"), page.content()
    assert token not in html and token not in page.url
    assert "Demo: Sam" in body  # the same workspace, in the sidebar
    assert [p for p in PRIVATE if p in body] == []
    expect(page.locator("[class*='st-key-rate_'][class*='_confidence_score']").first).to_be_visible()
    ui.keyed(page, "interviews_selected").get_by_role("combobox").click()  # every interview, no contact
    entries = page.get_by_role("listbox").inner_text()
    page.keyboard.press("Escape")
    assert "12 Nov 2026 · interview" in entries and [p for p in PRIVATE if p in entries] == []
    _shoot(page, "presenting-interviews")

    # Another page, then another reload: still the same workspace, still presenting.
    ui.nav(page, "Compare")
    assert "present" in _query(page) and "w" not in _query(page)
    page.reload()
    ui.wait_idle(page)
    expect(_presentation_switch(page)).to_be_checked()
    ui.expect_text(page, "Registered nurse")
    body = page.inner_text("body")
    assert token not in page.content() and [p for p in PRIVATE if p in body] == []
    _shoot(page, "presenting-compare")
    presenting_url = page.url

    # Options: names and the leaning, no notes.
    ui.nav(page, "Options")
    ui.expect_text(page, "Notes and contact names are hidden while presenting.")
    page.get_by_text("Registered nurse", exact=False).first.click()  # open its details
    ui.wait_idle(page)
    assert "Leaning this way since volunteering" not in page.inner_text("body")

    # The same address in another browser opens nothing; so does a new tab of this one on Start.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        elsewhere = other.new_page()
        ui.goto(elsewhere, presenting_url)
        ui.expect_text(elsewhere, "Open your workspace first")
        assert "present" not in _query(elsewhere)
        expect(_presentation_switch(elsewhere)).not_to_be_checked()
        assert "Demo: Sam" not in elsewhere.inner_text("body")
    finally:
        other.close()
    new_tab = page.context.new_page()
    ui.goto(new_tab, server.url)
    ui.expect_text(new_tab, "No workspace open.")
    new_tab.close()

    # Turning it off in the reloaded tab closes the workspace there: it has no private link.
    ui.nav(page, "Compare")
    _toggle_presentation(page)
    ui.expect_text(page, "This tab was reloaded while presenting")
    assert "present" not in _query(page) and "w" not in _query(page)
    page.reload()
    ui.wait_idle(page)
    ui.expect_text(page, "Open your workspace first")


def _create_workshop(page, server) -> str:
    ui.goto(page, f"{server.url}/workshop")
    ui.segment(page, "workshop_task", "Run a workshop")
    ui.fill(page, "workshop_new_name", "Thursday group", commit="")
    ui.fill(page, "workshop_new_passcode", PASSCODE, commit="")
    ui.fill(page, "workshop_new_passcode_again", PASSCODE, commit="")
    ui.click_button(page, "Create the workshop")
    ui.expect_text(page, "Workshop created")
    return re.search(r"join with the code ([A-Z2-9]{3} [A-Z2-9]{3})", page.inner_text("body")).group(1)


def _menu(page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    return [text.split("\n")[-1].strip() for text in links]  # after the icon's name


def test_a_counsellors_sign_in_survives_a_reload_until_signing_out(browser, page, server):
    code = _create_workshop(page, server)
    ui.expect_text(page, "also after a reload")
    assert _menu(page) == ["Start", "Workshop", "Cohort", "Join code on screen"]
    ui.nav(page, "Cohort")
    page.reload()
    ui.wait_idle(page)
    ui.expect_text(page, "Cohort: Thursday group")
    assert _menu(page) == ["Start", "Workshop", "Cohort", "Join code on screen"]

    # The join code on screen: large, with the address to open, and no menu.
    page.get_by_role("link", name="Show the join code on screen").click()
    ui.wait_idle(page)
    ui.expect_text(page, code)
    address = ui.keyed(page, "room_address").inner_text()
    assert address.strip() == f"{server.url}/workshop"
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    size = ui.keyed(page, "room_code").locator("p").evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert size >= 120, size  # readable from the back of a room at 1280 px
    _shoot(page, "join-code-on-screen")
    page.set_viewport_size({"width": 390, "height": 800})
    ui.wait_idle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.set_viewport_size({"width": 1280, "height": 900})
    ui.wait_idle(page)

    # Another browser is not signed in.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        elsewhere = other.new_page()
        ui.goto(elsewhere, f"{server.url}/cohort")
        assert "Cohort: Thursday group" not in elsewhere.inner_text("body")
    finally:
        other.close()

    # Sign out, from the sidebar: this tab and its reloads are signed out.
    page.get_by_role("link", name="Back to the cohort").click()
    ui.wait_idle(page)
    ui.click(page, "counsellor_sign_out")
    assert "Cohort: Thursday group" not in page.inner_text("body")
    page.reload()
    ui.wait_idle(page)
    assert "Cohort: Thursday group" not in page.inner_text("body")
    assert "Cohort" not in _menu(page)


def test_a_sign_in_ends_after_its_time(browser, tmp_path):
    seconds = 10  # instead of a workshop's length
    hours = seconds / 3600
    server = StreamlitServer(tmp_path, env={"TENFOLD_SIGN_IN_HOURS": str(hours)})
    server.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        _create_workshop(page, server)
        signed_in = time.monotonic()  # at the latest
        ui.nav(page, "Cohort")
        ui.expect_text(page, "Cohort: Thursday group")
        time.sleep(max(0.0, signed_in + seconds + 1 - time.monotonic()))
        page.reload()
        ui.wait_idle(page)
        assert "Cohort: Thursday group" not in page.inner_text("body")
        assert "Cohort" not in _menu(page)
    finally:
        context.close()
        server.stop()
