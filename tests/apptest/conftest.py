"""AppTest set-up shared by every page test."""

from __future__ import annotations

import pytest
from streamlit import config as st_config
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def _like_a_running_server(monkeypatch):
    # AppTest starts every run as a fresh process would: with a pages/ folder beside app.py, in
    # Streamlit's old folder-based mode, which runs a page without the router (ui.ensure_router
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
