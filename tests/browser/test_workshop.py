"""A workshop in two Chromium contexts side by side, on a real server: the counsellor's cohort
follows a participant's sharing and ratings by itself within 5 seconds, and loses them the moment
sharing stops. The passcode never reaches the address bar, the page or the server log."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from core import storage
from core.settings import Settings
from tests.browser import ui

pytestmark = pytest.mark.browser

PASSCODE = "heron-lantern-7731"
LIVE_MS = 5_000  # "within 5 seconds", with no reload


def _engine(server):
    return storage.make_engine(Settings(TENFOLD_DATA_DIR=server.data_dir).resolved_database_url())


def _create_workshop(page, server) -> str:
    ui.goto(page, f"{server.url}/workshop")
    ui.segment(page, "workshop_task", "Run a workshop")
    ui.fill(page, "workshop_new_name", "Thursday group", commit="")
    ui.fill(page, "workshop_new_passcode", PASSCODE, commit="")
    ui.fill(page, "workshop_new_passcode_again", PASSCODE, commit="")
    ui.click_button(page, "Create the workshop")
    ui.expect_text(page, "Workshop created")
    code = re.search(r"join with the code ([A-Z2-9]{3} [A-Z2-9]{3})", page.inner_text("body")).group(1)
    assert PASSCODE not in page.content()
    return code


def _join(page, server, code: str, name: str) -> None:
    ui.goto(page, f"{server.url}/workshop")
    ui.fill(page, "workshop_join_code", code.lower(), commit="")
    ui.fill(page, "workshop_join_name", name, commit="")
    ui.click_button(page, "Join")
    ui.expect_text(page, "Your workshop: Thursday group")


def _share(page, on: bool) -> None:
    switch = ui.keyed(page, "workshop_share").get_by_role("switch")
    expect(switch).to_be_checked(checked=not on)
    ui.keyed(page, "workshop_share").locator("label").click()
    ui.wait_idle(page)
    expect(switch).to_be_checked(checked=on)


def _rate(page) -> None:
    """One option, one self-assessment, culture rated 4: a score of 75."""
    ui.nav(page, "Options")
    ui.keyed(page, "options_add_name").locator("input").fill("Speech therapist")
    ui.click_button(page, "Add")
    ui.nav(page, "Interviews & ratings")
    ui.keyed(page, "interviews_new_kind").get_by_text("Self-assessment", exact=False).click()
    ui.choose(page, "interviews_new_options", "Speech therapist")
    ui.click_button(page, "Save and rate it")
    box = page.locator("[class*='st-key-rate_'][class*='_culture_score']").first
    box.get_by_role("radio", name="4", exact=True).click()
    ui.wait_idle(page)


def test_the_cohort_follows_sharing_and_ratings_live_and_the_passcode_goes_nowhere(browser, server):
    counsellor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    participant_context = browser.new_context(viewport={"width": 1280, "height": 900})
    counsellor, participant = counsellor_context.new_page(), participant_context.new_page()
    addresses: list[str] = []
    for page in (counsellor, participant):
        page.on("framenavigated", lambda frame: addresses.append(frame.url))
    try:
        code = _create_workshop(counsellor, server)
        ui.nav(counsellor, "Cohort")
        ui.expect_text(counsellor, "No one has joined yet")
        table = ui.keyed(counsellor, "cohort_table")

        # A participant joins: the counsellor sees the name only.
        _join(participant, server, code, "Ana L.")
        token = parse_qs(urlparse(participant.url).query)["w"][0]  # her private link
        quiet = ui.keyed(counsellor, "cohort_quiet")
        expect(quiet).to_contain_text("Ana L.", timeout=LIVE_MS)
        expect(table).to_have_count(0)

        # Sharing on, then a rating: both reach the cohort table by themselves.
        _share(participant, True)
        expect(table).to_contain_text("Ana L.", timeout=LIVE_MS)
        _rate(participant)
        expect(table).to_contain_text("Speech therapist", timeout=LIVE_MS)
        expect(table).to_contain_text("75", timeout=LIVE_MS)

        # One click presents her comparison read-only; the address carries only a view id.
        table.get_by_role("button", name="Present").click()
        ui.wait_idle(counsellor)
        ui.expect_text(counsellor, "Read-only view of Ana L.")
        view_url = counsellor.url
        assert set(parse_qs(urlparse(view_url).query)) == {"view"}  # no token beside it
        # The same address in the participant's browser opens nothing.
        ui.goto(participant, view_url)
        ui.expect_text(participant, "No such view")

        # Sharing off: the open view closes by itself, and the table row goes.
        ui.goto(participant, f"{server.url}/workshop?w={token}")
        _share(participant, False)
        ui.expect_text(counsellor, "No such view")  # the view re-checks every few seconds
        counsellor.get_by_role("link", name="Back to the cohort").click()
        ui.wait_idle(counsellor)
        expect(ui.keyed(counsellor, "cohort_quiet")).to_contain_text("Ana L.", timeout=LIVE_MS)
        expect(table).to_have_count(0)
        assert "Speech therapist" not in counsellor.inner_text("body")

        # A participant who types the counsellor page's address gets no cohort.
        ui.goto(participant, f"{server.url}/cohort")
        ui.expect_text(participant, "Page not found")
        assert "Cohort: Thursday group" not in participant.inner_text("body")
    finally:
        counsellor_context.close()
        participant_context.close()

    # The passcode: in no address, no page, no log line, no table.
    assert addresses and not [a for a in addresses if PASSCODE in a]
    assert PASSCODE not in server.log.read_text(errors="replace")
    engine = _engine(server)
    try:
        with engine.connect() as conn:
            dump = repr([conn.execute(t.select()).all() for t in storage.metadata.sorted_tables])
    finally:
        engine.dispose()
    assert PASSCODE not in dump and "scrypt$" in dump
