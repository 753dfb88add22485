"""A participant's journey in Chromium: everything survives a reload, a second browser and a
server restart; the last edit before leaving a field is kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core import storage
from core.settings import Settings
from tests.browser import ui

pytestmark = pytest.mark.browser


def _saved(server) -> storage.Workspace:
    """The one workspace in the server's database, read straight from the file."""
    engine = storage.make_engine(Settings(TENFOLD_DATA_DIR=server.data_dir).resolved_database_url())
    try:
        with engine.connect() as conn:
            ids = conn.execute(storage.workspaces.select()).all()
        return [storage.load_workspace(engine, row.id) for row in ids]
    finally:
        engine.dispose()


def _start_workspace(page, server) -> str:
    ui.goto(page, server.url)
    ui.click(page, "start_new")
    ui.expect_text(page, "Your workspace is open")
    token = page.url.split("w=")[1]
    assert storage.is_well_formed_token(token)
    return token


def _add_option(page, name: str, kind: str = "Career") -> None:
    page.locator(".st-key-options_add_kind").get_by_text(kind, exact=True).click()
    ui.keyed(page, "options_add_name").locator("input").fill(name)
    ui.click_button(page, "Add")
    ui.expect_text(page, name)


def _check_everything_is_there(page) -> None:
    ui.nav(page, "Options")
    ui.expect_text(page, "Speech therapist")
    ui.expect_text(page, "Harbour Clinic")
    ui.nav(page, "Interviews & ratings")
    expect(ui.keyed(page, "interviews_selected").get_by_role("combobox")).to_have_value(re.compile("Ana Lopez"))
    ui.expect_text(page, "1 of 10 dimensions rated for Speech therapist")
    note = page.locator("[class*='st-key-rate_'][class*='_culture_note'] input").first
    expect(note).to_have_value("small, friendly team")
    selected = page.locator("[class*='st-key-rate_'][class*='_culture_score'] [aria-checked='true']")
    expect(selected).to_have_text("4")


def test_workspace_survives_reload_second_browser_and_restart(browser, page, server):
    token = _start_workspace(page, server)
    ui.nav(page, "Options")
    assert page.url.endswith(f"?w={token}")  # the token travels with page switches
    _add_option(page, "Speech therapist")
    _add_option(page, "Harbour Clinic", kind="Employer")

    ui.nav(page, "Interviews & ratings")
    ui.fill(page, "interviews_new_contact", "Ana Lopez", commit="")
    ui.fill(page, "interviews_new_role", "Clinic lead", commit="")
    ui.choose(page, "interviews_new_options", "Speech therapist")
    ui.choose(page, "interviews_new_options", "Harbour Clinic")
    ui.click_button(page, "Save and rate it")
    ui.expect_text(page, "0 of 10 dimensions rated for Speech therapist")
    score = page.locator("[class*='st-key-rate_'][class*='_culture_score']").first
    score.get_by_role("radio", name="4", exact=True).click()
    ui.wait_idle(page)
    note = page.locator("[class*='st-key-rate_'][class*='_culture_note'] input").first
    note.fill("small, friendly team")
    note.press("Enter")
    ui.wait_idle(page)

    (saved,) = _saved(server)
    assert [o.name for o in saved.options] == ["Speech therapist", "Harbour Clinic"]
    assert [(r.dimension, r.score, r.note) for r in saved.interviews[0].ratings] == [
        ("culture", 4, "small, friendly team")
    ]

    # (a) reload
    page.reload()
    ui.wait_idle(page)
    _check_everything_is_there(page)

    # (b) the private link in a second, fresh browser context
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        second = other.new_page()
        ui.goto(second, f"{server.url}/?w={token}")
        _check_everything_is_there(second)
    finally:
        other.close()

    # (c) a server restart (SIGKILL, then start again on the same data)
    server.restart()
    ui.goto(page, f"{server.url}/?w={token}")
    _check_everything_is_there(page)


def test_last_note_is_kept_when_leaving_the_field_at_once(page, server):
    _start_workspace(page, server)
    ui.nav(page, "Options")
    _add_option(page, "Librarian")
    ui.nav(page, "Interviews & ratings")
    ui.keyed(page, "interviews_new_kind").get_by_text("Self-assessment", exact=False).click()
    ui.choose(page, "interviews_new_options", "Librarian")
    ui.click_button(page, "Save and rate it")
    for dimension in ("culture", "typical_day"):
        box = page.locator(f"[class*='st-key-rate_'][class*='_{dimension}_score']").first
        box.get_by_role("radio", name="3", exact=True).click()
        ui.wait_idle(page)

    # type, then click straight into another field (no Enter)
    first = page.locator("[class*='st-key-rate_'][class*='_culture_note'] input").first
    first.fill("quiet reading rooms")
    page.locator("[class*='st-key-rate_'][class*='_typical_day_note'] input").first.click()
    ui.wait_idle(page)
    # type, then switch page at once
    second = page.locator("[class*='st-key-rate_'][class*='_typical_day_note'] input").first
    second.fill("lots of cataloguing")
    ui.nav(page, "Weights")

    (saved,) = [ws for ws in _saved(server) if any(o.name == "Librarian" for o in ws.options)]
    notes = {r.dimension: r.note for r in saved.interviews[0].ratings}
    assert notes == {"culture": "quiet reading rooms", "typical_day": "lots of cataloguing"}
