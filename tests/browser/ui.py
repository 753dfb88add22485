"""Small helpers that find Streamlit widgets by key, so a UI change edits one line here."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# The participant's pages, as the accessibility and phone-width tests visit each one: the URL path
# (the default page's is "") and the page's h1. The counsellor's Cohort page is not in the list.
PARTICIPANT_PAGES: dict[str, str] = {
    "": "Tenfold",
    "options": "Careers and employers",
    "interviews": "Interviews & ratings",
    "weights": "What matters to you",
    "compare": "Compare",
    "decision": "Decision",
    "transfer": "Export & import",
    "workshop": "Workshop",
}


def wait_idle(page: Page, timeout: float = 20_000) -> None:
    """Wait until the app script has finished its current run."""
    page.wait_for_timeout(150)  # let a just-triggered rerun start
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(100)
    page.wait_for_selector(IDLE, timeout=timeout)


def goto(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def keyed(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-{key}")


def fill(page: Page, key: str, text: str, *, commit: str = "Enter") -> None:
    field = keyed(page, key).locator("input, textarea").first
    field.fill(text)
    if commit:
        field.press(commit)
    wait_idle(page)


def click(page: Page, key: str) -> None:
    keyed(page, key).locator("button").first.click()
    wait_idle(page)


def click_button(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_idle(page)


def choose(page: Page, key: str, option: str) -> None:
    """Pick `option` in a selectbox or multiselect."""
    keyed(page, key).get_by_role("combobox").first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")
    wait_idle(page)


def segment(page: Page, key: str, label: str) -> None:
    keyed(page, key).get_by_role("radio", name=label, exact=True).click()
    wait_idle(page)


def nav(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_idle(page)


def expect_text(page: Page, text: str) -> None:
    expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=15_000)
