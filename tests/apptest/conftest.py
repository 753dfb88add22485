"""AppTest fixtures shared by every page test; the AppTests themselves come from
tests/apptest/helpers.py (`app_test`, `open_app`)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core import storage
from ui import streamlit_workarounds


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
def downloaded():
    """The bytes a download button of the last run would send (AppTest keeps them in its media store)."""
    with streamlit_workarounds.recorded_apptest_media() as stores:

        def download(at: AppTest, key: str) -> bytes:
            button = next(e for e in at.get("download_button") if e.proto.id.endswith(key))
            return stores[-1].get_file(button.proto.url.rsplit("/", 1)[1]).content

        yield download
