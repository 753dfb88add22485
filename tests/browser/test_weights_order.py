"""Weights by order on a phone (390×844, Chromium): the dimensions are put in order with the
keyboard alone, the order controls fit the screen, and the weights chart follows."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import ui
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_narrow import PHONE, assert_fits, assert_reachable

pytestmark = pytest.mark.browser


def _place_by_keyboard(page: Page, dimension: str, place: str) -> None:
    """Focus a place box, type the choice and press Enter: no pointer involved."""
    box = ui.keyed(page, f"weights_place_{dimension}").get_by_role("combobox")
    box.focus()
    page.keyboard.type(place)
    page.keyboard.press("Enter")
    ui.wait_idle(page)


def test_weights_are_ordered_with_the_keyboard_on_a_phone(browser, server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        ui.goto(page, server.url)
        ui.click(page, "start_new")
        token = page.url.split("w=")[1]
        ui.goto(page, f"{server.url}/weights?w={token}")
        order = ui.keyed(page, "weights_by").get_by_role("radio", name="Put them in order", exact=True)
        order.focus()
        page.keyboard.press("Space")
        ui.wait_idle(page)
        expect(ui.keyed(page, "weights_place_culture").get_by_role("combobox")).to_be_visible()

        _place_by_keyboard(page, "network", "Does not matter")
        _place_by_keyboard(page, "typical_day", "Place 2")
        ui.expect_text(page, "Network counts for nothing")
        ui.expect_text(page, "Typical day")
        expect(ui.keyed(page, "weights_place_typical_day").get_by_role("combobox")).to_have_value("Place 2")

        assert_reachable(page, "weights-order", *(ui.keyed(page, f"weights_place_{key}").get_by_role("combobox")
                                                  for key in ("culture", "typical_day", "network")))
        assert_fits(page, "weights-order")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "weights-order-390.png"), full_page=True)

        ui.keyed(page, "weights_by").get_by_role("radio", name="Order, then compare swings", exact=True).focus()
        page.keyboard.press("Space")
        ui.wait_idle(page)
        swing = ui.keyed(page, "weights_swing_education").locator("input")
        swing.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("20")
        page.keyboard.press("Enter")
        ui.wait_idle(page)
        assert_fits(page, "weights-swing")
        page.screenshot(path=str(ARTIFACTS / "weights-swing-390.png"), full_page=True)
        ui.expect_text(page, "From your order and your swing answers")
    finally:
        context.close()
