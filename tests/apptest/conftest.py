"""AppTest set-up shared by every page test."""

from __future__ import annotations

import pytest
from streamlit import config as st_config
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from core import storage


@pytest.fixture(autouse=True)
def _like_a_running_server(monkeypatch):
    # AppTest starts every run as a fresh process would: with a pages/ folder beside app.py, in
    # Streamlit's old folder-based mode, which runs a page without the router (ui.router.ensure_router
    # then reruns it, dropping the click that caused the run). A real server leaves that mode
    # for good at its first st.navigation; make each AppTest run start there.
    original_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    # AppTest keeps an unpicklable dict of its own in session_state; the browser tests cover
    # runner.enforceSerializableSessionState against the real server.
    st_config.set_option("runner.enforceSerializableSessionState", False)


@pytest.fixture
def db(sqlite_url):
    """A SQLite file with the schema: (its URL, an engine on it)."""
    engine = storage.make_engine(sqlite_url)
    yield sqlite_url, engine
    engine.dispose()


@pytest.fixture
def any_db(database_url):
    """The same on SQLite and on PostgreSQL."""
    engine = storage.make_engine(database_url)
    yield database_url, engine
    engine.dispose()


@pytest.fixture
def downloaded(monkeypatch):
    """The bytes a download button of the last run would send (AppTest keeps them in its media store)."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)

    def download(at: AppTest, key: str) -> bytes:
        button = next(e for e in at.get("download_button") if e.proto.id.endswith(key))
        return stores[-1].get_file(button.proto.url.rsplit("/", 1)[1]).content

    return download
