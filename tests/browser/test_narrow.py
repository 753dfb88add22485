"""Every page at a phone's 390×844, on the demo workspace in Chromium: the page never scrolls
sideways, charts fit the screen, and the page's main actions can be reached and clicked.

"Reached" is Playwright's own actionability check (`click(trial=True)`: visible, stable, enabled
and not covered by anything), after scrolling the control into view, plus its box inside the
screen's width. A failure lists the elements that stick out, widest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import ui
from tests.browser.conftest import ARTIFACTS
from views.compare import VIEWS
from views.decision import SECTIONS

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
# A phone, not just a narrow window: Streamlit folds the menu away after a tap on a page only for a
# mobile user agent (a narrow desktop window keeps it open over the page).
PHONE = {
    "viewport": {"width": WIDTH, "height": HEIGHT},
    "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Mobile Safari/537.36",
}
PASSCODE = "plover-meadow-2286"
CHART = "[data-testid='stVegaLiteChart']"

# Widths in the browser: the page, Streamlit's scrolling main area, the block container, each chart
# and table; and, for the failure message, the elements whose right edge passes the screen's.
MEASURE = """() => {
  const box = s => { const e = document.querySelector(s); return e && {scroll: e.scrollWidth, client: e.clientWidth}; };
  const right = e => Math.round(e.getBoundingClientRect().right);
  const key = e => [...e.classList].find(c => c.startsWith('st-key-'));
  const describe = e => e.tagName.toLowerCase() + (e.dataset.testid ? `[data-testid=${e.dataset.testid}]` : '')
    + (key(e) ? '.' + key(e) : '');
  // inside a box of the page that clips or scrolls its own content (a table, a code block), within the screen
  const clipped = e => {
    const page = ['stMain', 'stMainBlockContainer'];
    for (let p = e.parentElement; p && !page.includes(p.dataset.testid); p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return p.getBoundingClientRect().right <= innerWidth + 1;
    }
    return false;
  };
  return {
    viewport: innerWidth,
    document: {scroll: document.scrollingElement.scrollWidth, client: document.scrollingElement.clientWidth},
    main: box('[data-testid=stMain]'),
    block: box('[data-testid=stMainBlockContainer]'),
    figures: [...document.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stDataFrame]')].map(e => ({
      what: describe(e), width: Math.round(e.getBoundingClientRect().width), right: right(e),
      drawn: Math.max(0, ...[...e.querySelectorAll('svg.marks, canvas')].map(c => c.getBoundingClientRect().right)),
    })),
    sticking_out: [...document.querySelectorAll('[data-testid=stMain] *')]
      .filter(e => right(e) > innerWidth + 1 && !clipped(e))
      .sort((a, b) => right(b) - right(a)).slice(0, 6).map(e => `${describe(e)} → ${right(e)}px`),
  };
}"""


def assert_fits(page: Page, name: str) -> None:
    """No sideways scrolling of the page itself, and every chart and table within the screen
    (the caller waited for the app to be idle)."""
    m = page.evaluate(MEASURE)
    boxes = {"the page": m["document"], "the main area": m["main"], "the block container": m["block"]}
    problems = [
        f"{what} scrolls sideways ({box['scroll']}px of content in {box['client']}px)"
        for what, box in boxes.items()
        if box is not None and box["scroll"] > box["client"] + 1
    ]
    problems += [
        f"{f['what']} is {f['width']}px wide, ends at {f['right']}px, drawn to {round(f['drawn'])}px"
        for f in m["figures"]
        if f["width"] > m["viewport"] or f["right"] > m["viewport"] + 1 or f["drawn"] > m["viewport"] + 1
    ]
    if problems:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"narrow-{name}.png"))
    assert not problems, f"[{name}] at {WIDTH}px: " + "; ".join(problems) + f". Sticking out: {m['sticking_out']}"


def assert_reachable(page: Page, name: str, *controls: Locator) -> None:
    for control in controls:
        control.scroll_into_view_if_needed()
        control.click(trial=True)  # visible, stable, enabled, not covered
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1, (name, control, box)


def charts_fit_in_each(page: Page, name: str, key: str, labels: list[str]) -> None:
    for label in labels:
        ui.segment(page, key, label)
        expect(page.locator(CHART).first).to_be_visible()
        assert_fits(page, f"{name}-{re.sub(r'[^a-z]+', '-', label.lower())}")


# --- the participant's pages --------------------------------------------------------------------


@pytest.fixture(scope="module")
def phone(browser, server) -> Iterator[tuple[Page, str]]:  # type: ignore[no-untyped-def]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    ui.goto(page, server.url)
    ui.click(page, "start_demo")
    ui.expect_text(page, "Your workspace is open")
    yield page, page.url.split("w=")[1]
    context.close()


def _start(page: Page) -> None:
    # The private link wraps instead of hiding its end in a box that scrolls.
    link = page.get_by_test_id("stCode").first
    expect(link).to_contain_text("?w=")
    assert link.locator("pre").evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the private link scrolls"
    assert_reachable(page, "start", *(ui.keyed(page, k).locator("button").first for k in ("start_new", "start_open",
                                                                                     "start_demo", "start_close")))
    # The menu is one tap away: open the sidebar, go to Options.
    page.get_by_test_id("stExpandSidebarButton").click()
    nav = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Options")
    assert_reachable(page, "start", nav)
    nav.click()
    ui.wait_idle(page)
    expect(page.get_by_role("heading", level=1).first).to_have_text("Careers and employers")
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")  # the menu folds away


def _options(page: Page) -> None:
    assert_reachable(page, "options", ui.keyed(page, "options_add_name").locator("input"),
                     page.get_by_role("button", name="Add", exact=True),
                     ui.keyed(page, "options_leaning_career").get_by_role("combobox"))
    page.get_by_test_id("stExpander").filter(has_text="Registered nurse").first.locator("summary").click()
    ui.wait_idle(page)
    assert_fits(page, "options-opened")


TOUCH_MIN = 44  # px each way: WCAG 2.5.5's target size, and Apple's and Google's touch guidance
# Whether each rating note's placeholder is drawn whole: its text, in the field's font, within the
# field's content box.
PLACEHOLDERS_CUT = """() => [...document.querySelectorAll("[class*='st-key-rate_'][class*='_note'] input")]
  .filter(i => {
  const style = getComputedStyle(i), ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const room = i.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return ctx.measureText(i.placeholder).width > room;
}).map(i => i.placeholder)"""


def _interviews(page: Page) -> None:
    rating = page.locator("[class*='st-key-rate_'][class*='_culture_score']").first
    assert_reachable(page, "interviews", ui.keyed(page, "interviews_selected").get_by_role("combobox"),
                     *(rating.get_by_role("radio", name=str(n), exact=True) for n in (1, 5)),
                     page.get_by_role("button", name="Scale & questions").last)
    for n in range(1, 6):
        box = rating.get_by_role("radio", name=str(n), exact=True).bounding_box()
        assert box and box["width"] >= TOUCH_MIN and box["height"] >= TOUCH_MIN, f"rating button {n}: {box}"
    assert page.evaluate(PLACEHOLDERS_CUT) == [], "a note's placeholder is cut off"


def _weights(page: Page) -> None:
    # A slider's range input is hidden under its track and thumb: the track is what a finger reaches.
    track = "[data-orientation='horizontal']"
    assert_reachable(page, "weights", ui.keyed(page, "weights_culture").locator(track).first,
                     ui.keyed(page, "weights_network").locator(track).first,
                     ui.keyed(page, "weights_reset").locator("button").first)


def _compare(page: Page) -> None:
    assert_reachable(page, "compare", *(ui.keyed(page, "compare_view").get_by_role("radio", name=label, exact=True)
                                        for label in VIEWS.values()),
                     ui.keyed(page, "compare_scope").get_by_role("combobox"),
                     ui.keyed(page, "compare_as_table").locator("label"))  # the switch's input sits under it
    charts_fit_in_each(page, "compare", "compare_view", list(VIEWS.values()))
    ui.keyed(page, "compare_as_table").locator("label").click()
    ui.wait_idle(page)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    assert_fits(page, "compare-table")
    ui.keyed(page, "compare_as_table").locator("label").click()
    ui.wait_idle(page)


def _decision(page: Page) -> None:
    expect(ui.keyed(page, "decision_verdict")).to_be_visible()
    assert_reachable(page, "decision", *(ui.keyed(page, "decision_section").get_by_role("radio", name=label,
                                                                                          exact=True)
                                         for label in SECTIONS.values()))
    charts = [label for key, label in SECTIONS.items() if key != "ask"]
    charts_fit_in_each(page, "decision", "decision_section", charts)
    ui.segment(page, "decision_section", SECTIONS["ask"])
    assert_fits(page, "decision-ask-next")
    assert_reachable(page, "decision", page.get_by_role("button", name="Download the questions as a printable sheet"))


def _transfer(page: Page) -> None:
    assert_reachable(page, "transfer", *(ui.keyed(page, k).locator("button").first for k in (
        "transfer_csv", "transfer_workspace_file", "transfer_chart_download", "transfer_report")))
    ui.segment(page, "transfer_mode", "Import a workspace file")
    assert_fits(page, "transfer-import")
    assert_reachable(page, "transfer", ui.keyed(page, "transfer_upload").get_by_role("button").first)
    ui.segment(page, "transfer_mode", "Export: take it with you")


def _workshop(page: Page) -> None:
    assert_reachable(page, "workshop", ui.keyed(page, "workshop_join_code").locator("input"),
                     ui.keyed(page, "workshop_join_name").locator("input"),
                     page.get_by_role("button", name="Join with my open workspace"),
                     ui.keyed(page, "workshop_task").get_by_role("radio", name="Counsellor sign-in"))


# what else to check on each page of ui.PARTICIPANT_PAGES (by its path): every page has its main actions
CHECKS: dict[str, Callable[[Page], None]] = {
    "": _start,
    "options": _options,
    "interviews": _interviews,
    "weights": _weights,
    "compare": _compare,
    "decision": _decision,
    "transfer": _transfer,
    "workshop": _workshop,
}


@pytest.mark.parametrize("path", list(ui.PARTICIPANT_PAGES), ids=lambda p: p or "start")
def test_participant_page_fits_a_phone(phone, server, path):
    page, token = phone
    ui.goto(page, f"{server.url}/{path}?w={token}")
    expect(page.get_by_role("heading", level=1).first).to_have_text(ui.PARTICIPANT_PAGES[path])
    assert_fits(page, path or "start")
    CHECKS[path](page)


# Chart text (labels, legends, axis titles) drawn outside its chart is cut off: the chart fits the
# screen but cannot be read whole. Legends sit below the plot in as many columns as its width holds.
TEXT_OUTSIDE = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].flatMap(chart => {
  const box = chart.getBoundingClientRect();
  return [...chart.querySelectorAll('svg text')].filter(t => t.textContent.trim())
    .map(t => [t, t.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1))
    .map(([t, r]) => `"${t.textContent}" at ${Math.round(r.left)}–${Math.round(r.right)}px`);
})"""
CHART_STATES = [
    *(pytest.param("compare", "compare_view", label, id=f"compare-{key}") for key, label in VIEWS.items()),
    *(pytest.param("decision", "decision_section", label, id=f"decision-{key}")
      for key, label in SECTIONS.items() if key != "ask"),
]


@pytest.mark.parametrize(("path", "key", "label"), CHART_STATES)
def test_chart_text_stays_inside_the_chart_on_a_phone(phone, server, path, key, label):
    page, token = phone
    if urlparse(page.url).path != f"/{path}":
        ui.goto(page, f"{server.url}/{path}?w={token}")
    ui.segment(page, key, label)
    expect(page.locator(CHART).first).to_be_visible()
    outside = page.evaluate(TEXT_OUTSIDE)
    assert not outside, f"{path} {label} at {WIDTH}px: text cut off at the chart's edge: {outside[:8]}"


def test_the_check_sees_a_page_that_scrolls_sideways(phone, server):
    """The measure is not vacuous: one element wider than the screen fails it, naming the element."""
    page, token = phone
    ui.goto(page, f"{server.url}/weights?w={token}")
    page.evaluate("""() => document.querySelector('[data-testid=stMainBlockContainer]')
      .insertAdjacentHTML('beforeend', '<div id="probe" style="width: 600px; height: 10px"></div>')""")
    with pytest.raises(AssertionError, match=r"scrolls sideways.*div → \d+px"):
        assert_fits(page, "probe")
    (ARTIFACTS / "narrow-probe.png").unlink(missing_ok=True)


# --- the counsellor, on a phone too ------------------------------------------------------------------


def test_counsellor_pages_and_read_only_view_fit_a_phone(browser, server):
    counsellor_context, participant_context = browser.new_context(**PHONE), browser.new_context(**PHONE)
    counsellor, participant = counsellor_context.new_page(), participant_context.new_page()
    try:
        ui.goto(counsellor, f"{server.url}/workshop")
        ui.segment(counsellor, "workshop_task", "Run a workshop")
        ui.fill(counsellor, "workshop_new_name", "Phone group", commit="")
        ui.fill(counsellor, "workshop_new_passcode", PASSCODE, commit="")
        ui.fill(counsellor, "workshop_new_passcode_again", PASSCODE, commit="")
        ui.click_button(counsellor, "Create the workshop")
        ui.expect_text(counsellor, "Workshop created")
        assert_fits(counsellor, "workshop-counsellor")
        code = re.search(r"join with the code ([A-Z2-9]{3} [A-Z2-9]{3})", counsellor.inner_text("body")).group(1)

        ui.goto(participant, server.url)
        ui.click(participant, "start_demo")
        ui.goto(participant, f"{server.url}/workshop?w={participant.url.split('w=')[1]}")
        ui.fill(participant, "workshop_join_code", code, commit="")
        ui.fill(participant, "workshop_join_name", "Sam", commit="")
        ui.click_button(participant, "Join with my open workspace")
        share = ui.keyed(participant, "workshop_share")
        assert_reachable(participant, "workshop-participant", share.locator("label"))
        share.locator("label").click()
        ui.wait_idle(participant)
        expect(share.get_by_role("switch")).to_be_checked()
        assert_fits(participant, "workshop-participant")

        # The cohort, from the workshop page's link (the menu is folded away on a phone).
        open_cohort = counsellor.get_by_role("link", name="Open the cohort")
        assert_reachable(counsellor, "workshop-counsellor", open_cohort)
        open_cohort.click()
        ui.wait_idle(counsellor)
        table = ui.keyed(counsellor, "cohort_table")
        expect(table).to_contain_text("Sam", timeout=10_000)
        expect(counsellor.locator(CHART).first).to_be_visible()
        ui.wait_idle(counsellor)
        assert_fits(counsellor, "cohort")
        present = table.get_by_role("button", name="Present")
        assert_reachable(counsellor, "cohort", present, ui.keyed(counsellor, "cohort_csv").locator("button").first,
                         ui.keyed(counsellor, "cohort_refresh").locator("button").first)

        present.click()
        ui.wait_idle(counsellor)
        ui.expect_text(counsellor, "Read-only view of Sam")
        expect(counsellor.locator(CHART).first).to_be_visible()
        assert_fits(counsellor, "view-compare")
        banner = ui.keyed(counsellor, "view_banner")
        links = [banner.get_by_role("link", name=n) for n in ("Compare", "Decision", "Back to the cohort")]
        assert_reachable(counsellor, "view-compare", *links)
        links[1].click()
        ui.wait_idle(counsellor)
        expect(ui.keyed(counsellor, "decision_verdict")).to_be_visible()
        assert_fits(counsellor, "view-decision")
    finally:
        counsellor_context.close()
        participant_context.close()
