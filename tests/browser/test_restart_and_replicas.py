"""In Chromium: an open tab survives a SIGKILL of the server (it reconnects by itself and shows
what was saved), and two `streamlit run` replicas on one PostgreSQL database serve the same
workspace to two browsers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core import storage
from core.demo import demo_workspace
from core.settings import Settings
from tests.browser import ui
from tests.streamlit_server import StreamlitServer

pytestmark = pytest.mark.browser
RECONNECT_TIMEOUT_MS = 45_000


def _score(page, dimension: str):
    return page.locator(f"[class*='st-key-rate_'][class*='_{dimension}_score']").first


def _rate(page, dimension: str, value: int) -> None:
    _score(page, dimension).get_by_role("radio", name=str(value), exact=True).click()
    ui.wait_idle(page)


def _expect_rated(page, dimension: str, value: int, timeout: float = 15_000) -> None:
    expect(_score(page, dimension).locator("[aria-checked='true']")).to_have_text(str(value), timeout=timeout)


def test_an_open_tab_reconnects_after_sigkill_and_shows_what_was_saved(page, server):
    engine = storage.make_engine(Settings(TENFOLD_DATA_DIR=server.data_dir).resolved_database_url())
    try:
        token = storage.import_workspace(engine, demo_workspace())
        ws_id = storage.find_workspace(engine, token).id
        ui.goto(page, f"{server.url}/interviews?w={token}")
        _rate(page, "culture", 5)
        _rate(page, "network", 2)

        interview, option = re.search(r"st-key-rate_(\d+)_(\d+)_culture_score", _score(page, "culture")
                                      .get_attribute("class")).groups()
        server.kill()
        # While it is down, another tab of this participant's had saved one more rating.
        storage.set_rating(engine, ws_id, int(interview), int(option), "education", 3)
        server.start()  # the same port and data
        # No reload: the tab reconnects by itself and reruns its page on the new process.
        _expect_rated(page, "education", 3, timeout=RECONNECT_TIMEOUT_MS)
        ui.wait_idle(page, timeout=RECONNECT_TIMEOUT_MS)
        _expect_rated(page, "culture", 5)
        _expect_rated(page, "network", 2)
        _rate(page, "typical_day", 4)  # and it writes again
        (entry,) = [i for i in storage.load_workspace(engine, ws_id).interviews if i.id == interview]
        saved = {r.dimension: r.score for r in entry.ratings if r.option == option}
        assert {d: saved.get(d) for d in ("culture", "network", "education", "typical_day")} == {
            "culture": 5, "network": 2, "education": 3, "typical_day": 4
        }
    finally:
        engine.dispose()


@pytest.fixture
def replicas(tmp_path_factory, postgres_url):
    """Two app servers on two ports sharing one PostgreSQL database."""
    servers = [
        StreamlitServer(tmp_path_factory.mktemp(f"replica-{n}"), env={"TENFOLD_DATABASE_URL": postgres_url})
        for n in (1, 2)
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_two_replicas_on_one_postgresql_serve_the_same_workspace(browser, replicas, postgres_url):
    one, two = replicas
    engine = storage.make_engine(postgres_url)
    token = storage.import_workspace(engine, demo_workspace())
    engine.dispose()
    participant = browser.new_context(viewport={"width": 1280, "height": 900})
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        writer = participant.new_page()
        ui.goto(writer, f"{one.url}/interviews?w={token}")
        _rate(writer, "culture", 5)

        reader = other.new_page()
        ui.goto(reader, f"{two.url}/interviews?w={token}")
        _expect_rated(reader, "culture", 5)

        # and back: a weight set through replica two is what replica one shows
        ui.nav(reader, "Weights")
        slider = ui.keyed(reader, "weights_career_path").get_by_role("slider")
        slider.focus()
        slider.press("Home")
        ui.wait_idle(reader)
        ui.nav(writer, "Weights")
        expect(ui.keyed(writer, "weights_career_path").get_by_role("slider")).to_have_value("0")
    finally:
        participant.close()
        other.close()
