"""The two journeys of a workshop, end to end in Chromium on a real server.

A participant: start → a career and an employer linked to it → an interview rated → weights →
every Compare view, as a chart and as a table → the verdict → the decision summary CSV.
A counsellor: create a workshop → a participant (a second browser) joins, shares and rates → the
cohort table → her comparison presented read-only (`?view=` alone in the address bar) → the cohort CSV.

Each journey ends with a full-page screenshot in test-artifacts/ (a test artefact, not committed).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from core.decision import VERDICT_CODES
from core.summary import COHORT_HEADER, SUMMARY_HEADER
from tests.browser import ui
from tests.browser.conftest import ARTIFACTS
from views.compare import VIEWS

pytestmark = pytest.mark.browser

PASSCODE = "otter-compass-4417"
CHART = "[data-testid='stVegaLiteChart']"
# Ratings and weights chosen so the CSV's scores prove each step arrived (docs/scoring.md's formula):
# weights 3 everywhere but culture 5 (Σw = 32); the nurse has culture 4 and typical day 5, so
# 100·(5·3 + 3·4)/(4·8) = 84.4 with coverage 8/32 = 25 %; the hospital has its own culture 2 and
# inherits typical day 5 from its career, so 100·(5·1 + 3·4)/(4·8) = 53.1.
NURSE, HOSPITAL = "Registered nurse", "City Hospital"
# A column each view's table has and the one before it lacks: the grid on screen is the new one.
TABLE_COLUMN = {"ranking": "Rank", "heatmap": "Culture fit (5)", "profile": "Dimension", "why": "Culture fit",
                "history": "Date"}


# --- helpers ------------------------------------------------------------------------------------


def full_page_screenshot(page: Page, name: str) -> Path:
    """The whole page, not just the viewport: Streamlit scrolls inside its main area, so the
    viewport grows to the page's height for the shot and goes back afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], int(height) + 16)})
    try:
        ui.wait_idle(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(viewport)
    return path


def download(page: Page, key: str, folder: Path) -> Path:
    with page.expect_download(timeout=30_000) as info:
        ui.keyed(page, key).locator("button").first.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def table_rows(page: Page, column: str) -> list[list[str]]:
    """The st.dataframe's header and rows, from the grid's accessible table (its cells are drawn on a
    canvas; only the columns in view are listed), once it shows `column`."""
    grid = page.get_by_test_id("stDataFrame").locator("table[role='grid']")
    header = grid.locator("th", has_text=re.compile(rf"^\s*{re.escape(column)}\s*$"))
    expect(header).to_have_count(1, timeout=10_000)
    expect(grid.locator("td").first).to_be_attached()
    return grid.evaluate("t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim()))")


def rate(page: Page, dimension: str, score: int) -> None:
    control = page.locator(f"[class*='st-key-rate_'][class*='_{dimension}_score']").first
    control.get_by_role("radio", name=str(score), exact=True).click()
    ui.wait_idle(page)
    expect(control.locator("[aria-checked='true']")).to_have_text(str(score))


def add_option(page: Page, name: str, kind: str = "Career", career: str | None = None) -> None:
    ui.keyed(page, "options_add_kind").get_by_text(kind, exact=True).click()
    ui.keyed(page, "options_add_name").locator("input").fill(name)
    if career:
        ui.choose(page, "options_add_career", career)
    ui.click_button(page, "Add")
    ui.expect_text(page, name)


# --- the participant ------------------------------------------------------------------------------


def test_participant_journey_from_start_to_the_exported_decision(page, server, tmp_path):
    ui.goto(page, server.url)
    ui.click(page, "start_new")
    ui.expect_text(page, "Your workspace is open")

    # Options: a career, an employer that belongs to it, and the leaning.
    ui.nav(page, "Options")
    add_option(page, NURSE)
    add_option(page, HOSPITAL, kind="Employer", career=NURSE)
    ui.expect_text(page, f"{HOSPITAL} ({NURSE})")
    ui.choose(page, "options_leaning_career", NURSE)
    expect(ui.keyed(page, "options_leaning_career").get_by_role("combobox")).to_have_value(re.compile(NURSE))

    # An interview that informed both, rated right away.
    ui.nav(page, "Interviews & ratings")
    ui.fill(page, "interviews_new_contact", "Priya Shah", commit="")
    ui.fill(page, "interviews_new_role", "Charge nurse", commit="")
    ui.fill(page, "interviews_new_org", HOSPITAL, commit="")
    ui.choose(page, "interviews_new_options", NURSE)
    ui.choose(page, "interviews_new_options", HOSPITAL)
    ui.click_button(page, "Save and rate it")
    ui.expect_text(page, f"0 of 10 dimensions rated for {NURSE}")
    rate(page, "culture", 4)
    rate(page, "typical_day", 5)
    ui.expect_text(page, f"2 of 10 dimensions rated for {NURSE}")
    page.locator("[class*='st-key-interviews_'][class*='_rate_option']").get_by_text(HOSPITAL, exact=True).click()
    ui.wait_idle(page)
    ui.expect_text(page, f"0 of 10 dimensions rated for {HOSPITAL}")
    rate(page, "culture", 2)

    # Weights: culture from 3 to 5, by keyboard.
    ui.nav(page, "Weights")
    slider = ui.keyed(page, "weights_culture").get_by_role("slider")
    expect(slider).to_have_value("3")
    slider.focus()
    for _ in range(2):
        page.keyboard.press("ArrowRight")
        ui.wait_idle(page)
    expect(slider).to_have_value("5")

    # Compare: every view draws a chart, and its table view has the numbers.
    ui.nav(page, "Compare")
    for label in VIEWS.values():
        ui.segment(page, "compare_view", label)
        chart = page.locator(CHART).first
        expect(chart).to_be_visible()
        expect(chart.locator("svg, canvas").first).to_be_visible()
        assert chart.bounding_box()["height"] > 100, label
    ui.keyed(page, "compare_as_table").locator("label").click()
    ui.wait_idle(page)
    tables = {}
    for key, label in VIEWS.items():
        ui.segment(page, "compare_view", label)
        expect(page.locator(CHART)).to_have_count(0)
        tables[key] = table_rows(page, TABLE_COLUMN[key])
        assert len(tables[key]) >= 2 and any(re.search(r"\d", cell) for cell in tables[key][1]), (label, tables[key])
    ranking = {row[1].lstrip("★ "): row for row in tables["ranking"][1:]}
    header = tables["ranking"][0]
    assert ranking[NURSE][header.index("Score (0–100)")] == "84.4"
    assert ranking[HOSPITAL][header.index("Score (0–100)")] == "53.1"
    heatmap = {row[0].lstrip("★ "): row for row in tables["heatmap"][1:]}
    assert heatmap[NURSE][2] == "4.0 (1)" and heatmap[HOSPITAL][2] == "2.0 (1)"
    profile = {row[0]: row[1:] for row in tables["profile"][1:]}
    assert profile["Typical day"] == ["3", "5.0 (1)", "5.0 (1) inherited"]

    # Decision: the verdict in one sentence.
    ui.nav(page, "Decision")
    verdict = ui.keyed(page, "decision_verdict")
    expect(verdict).to_be_visible()
    assert f"{NURSE} is the only one of your careers so far" in verdict.inner_text()  # nothing to weigh it against
    full_page_screenshot(page, "journey-participant-decision")

    # Export: the decision summary CSV, as a spreadsheet would read it.
    ui.nav(page, "Export & import")
    csv = read_csv(download(page, "transfer_csv", tmp_path))
    assert tuple(csv.columns) == SUMMARY_HEADER
    assert csv["name"].tolist() == [NURSE, HOSPITAL]
    nurse, hospital = csv.iloc[0], csv.iloc[1]
    assert (nurse["rank"], nurse["kind"], nurse["score"], nurse["coverage"]) == ("1", "career", "84.4", "25")
    assert (nurse["leaning"], nurse["ratings"], nurse["interviews"]) == ("yes", "2", "1")
    assert nurse["verdict"] == "not_enough_evidence" and nurse["verdict"] in VERDICT_CODES  # as the page said
    assert (nurse["culture"], nurse["typical_day"], nurse["network"]) == ("4.00", "5.00", "")
    assert (hospital["rank"], hospital["kind"], hospital["career"], hospital["score"]) == (
        "1", "employer", NURSE, "53.1"
    )
    assert (hospital["culture"], hospital["typical_day"], hospital["inherited"]) == ("2.00", "5.00", "typical_day")
    assert hospital["leaning"] == hospital["verdict"] == ""

    full_page_screenshot(page, "journey-participant")


# --- the counsellor ------------------------------------------------------------------------------


def test_counsellor_journey_from_a_new_workshop_to_the_cohort_csv(browser, server, tmp_path):
    counsellor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    participant_context = browser.new_context(viewport={"width": 1280, "height": 900})
    counsellor, participant = counsellor_context.new_page(), participant_context.new_page()
    try:
        # The counsellor creates the workshop.
        ui.goto(counsellor, f"{server.url}/workshop")
        ui.segment(counsellor, "workshop_task", "Run a workshop")
        ui.fill(counsellor, "workshop_new_name", "Friday group", commit="")
        ui.fill(counsellor, "workshop_new_passcode", PASSCODE, commit="")
        ui.fill(counsellor, "workshop_new_passcode_again", PASSCODE, commit="")
        ui.click_button(counsellor, "Create the workshop")
        ui.expect_text(counsellor, "Workshop created")
        code = re.search(r"join with the code ([A-Z2-9]{3} [A-Z2-9]{3})", counsellor.inner_text("body")).group(1)

        # A participant joins in her own browser, shares, and rates one option.
        ui.goto(participant, f"{server.url}/workshop")
        ui.fill(participant, "workshop_join_code", code, commit="")
        ui.fill(participant, "workshop_join_name", "Ana L.", commit="")
        ui.click_button(participant, "Join")
        ui.expect_text(participant, "Your workshop: Friday group")
        ui.keyed(participant, "workshop_share").locator("label").click()
        ui.wait_idle(participant)
        expect(ui.keyed(participant, "workshop_share").get_by_role("switch")).to_be_checked()
        ui.nav(participant, "Options")
        add_option(participant, "Speech therapist")
        ui.nav(participant, "Interviews & ratings")
        ui.keyed(participant, "interviews_new_kind").get_by_text("Self-assessment", exact=False).click()
        ui.choose(participant, "interviews_new_options", "Speech therapist")
        ui.click_button(participant, "Save and rate it")
        rate(participant, "culture", 4)

        # The cohort shows her, with her top option and its score (culture 4 alone: 75).
        ui.nav(counsellor, "Cohort")
        table = ui.keyed(counsellor, "cohort_table")
        for text in ("Ana L.", "Speech therapist", "score 75"):
            expect(table).to_contain_text(text, timeout=10_000)

        # Present: her Compare, read-only; the address bar carries a view id and nothing else.
        table.get_by_role("button", name="Present").click()
        ui.wait_idle(counsellor)
        ui.expect_text(counsellor, "Read-only view of Ana L.")
        expect(counsellor.get_by_role("heading", name="Compare", level=1)).to_be_visible()
        query = parse_qs(urlparse(counsellor.url).query)
        assert set(query) == {"view"} and len(query["view"]) == 1
        expect(counsellor.locator(CHART).first).to_be_visible()
        expect(counsellor.get_by_test_id("stSidebarNav")).to_have_count(0)  # no page that edits
        full_page_screenshot(counsellor, "journey-counsellor-present")

        # Back to the cohort, and its CSV.
        counsellor.get_by_role("link", name="Back to the cohort").click()
        ui.wait_idle(counsellor)
        expect(table).to_contain_text("Ana L.", timeout=10_000)
        cohort = read_csv(download(counsellor, "cohort_csv", tmp_path))
        assert tuple(cohort.columns) == COHORT_HEADER
        assert cohort.to_dict("records") == [
            {"participant": "Ana L.", "options": "1", "interviews": "0", "top_option": "Speech therapist",
             "top_score": "75.0", "top_coverage": "10", "leaning": "", "verdict": "",
             "employer_leaning": "", "employer_verdict": ""}
        ]
        full_page_screenshot(counsellor, "journey-counsellor")
    finally:
        counsellor_context.close()
        participant_context.close()
