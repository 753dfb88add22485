"""User text stays plain text in a real browser: on Options, Interviews & ratings and the
counsellor's Cohort page, no link is made from a typed name and no icon is drawn for
":material/warning:" (ui.escape_md; Streamlit's Markdown autolinks after resolving escapes)."""

from __future__ import annotations

import datetime as dt

import pytest

from core import access, storage
from core.settings import Settings
from tests.browser import ui
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PASSCODE = "heron-lantern-7731"
HOSTILE = ["www.evil.example", "https://evil.example/x", "mail@evil.example", ":material/warning:", "[a](http://x)"]


def _engine(server):
    return storage.make_engine(Settings(TENFOLD_DATA_DIR=server.data_dir).resolved_database_url())


def _no_user_links_or_icons(page, where: str) -> None:
    main = page.get_by_test_id("stMain")
    hrefs = main.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')")
    assert not [h for h in hrefs if "evil" in h or "http://x" in h or h.startswith("mailto:")], (where, hrefs)
    icons = main.locator("[role='img']").evaluate_all("icons => icons.map(i => i.getAttribute('aria-label'))")
    assert "warning icon" not in icons, (where, icons)
    text = main.inner_text().replace("\u2060", "")
    for name in HOSTILE:
        assert name in text, (where, name)  # shown, exactly as typed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"plain-text-{where}.png"), full_page=True)


def test_typed_names_make_no_link_and_no_icon(browser, server):
    engine = _engine(server)
    workshop = storage.create_workshop(engine, name="Plain group", passcode_hash=access.hash_passcode(PASSCODE))
    token = storage.create_workspace_in_workshop(engine, workshop.join_code, HOSTILE[0])
    ws_id = storage.find_workspace(engine, token).id
    ids = [storage.add_option(engine, ws_id, kind="career", name=name) for name in HOSTILE]
    storage.set_leaning(engine, ws_id, ids[0])
    interview = storage.add_interview(engine, ws_id, kind="interview", date=dt.date(2026, 11, 2),
                                      contact_name=HOSTILE[3], option_ids=ids)
    storage.set_rating(engine, ws_id, interview, ids[0], "culture", score=4)
    storage.set_sharing(engine, ws_id, True)
    for n, name in enumerate(HOSTILE[1:]):
        other = storage.create_workspace_in_workshop(engine, workshop.join_code, name)
        storage.set_sharing(engine, storage.find_workspace(engine, other).id, n % 2 == 0)
    engine.dispose()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        ui.goto(page, f"{server.url}/options?w={token}")
        _no_user_links_or_icons(page, "options")
        ui.nav(page, "Interviews & ratings")
        _no_user_links_or_icons(page, "interviews")

        counsellor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        ui.goto(counsellor, f"{server.url}/workshop")
        ui.segment(counsellor, "workshop_task", "Counsellor sign-in")
        ui.fill(counsellor, "workshop_sign_in_code", workshop.join_code, commit="")
        ui.fill(counsellor, "workshop_sign_in_passcode", PASSCODE, commit="")
        ui.click_button(counsellor, "Sign in")
        ui.nav(counsellor, "Cohort")
        ui.expect_text(counsellor, "Sharing with you")
        _no_user_links_or_icons(counsellor, "cohort")
        counsellor.context.close()
    finally:
        context.close()
