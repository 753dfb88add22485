"""Hardening against a real `streamlit run` server (tests/streamlit_server.py, driven over its
websocket by tests/streamlit_client.py): users never see a traceback. The rest of the hardening
checks need no server and stay in tests/unit/test_hardening.py."""

from __future__ import annotations

from sqlalchemy import update

from core import storage
from core.demo import demo_workspace
from core.settings import Settings
from tests.streamlit_client import StreamlitSession, run_to_end
from tests.streamlit_server import StreamlitServer

TRACEBACK_WORDS = ("Traceback", 'File "', "ValidationError", "pydantic", "sqlalchemy", "line ")


def test_an_error_inside_a_page_shows_no_traceback(tmp_path):
    """A workspace that cannot be loaded (a rating of 9 written behind the app's back) breaks the
    page; the participant sees Streamlit's redacted notice, never the error or a traceback."""
    engine = storage.make_engine(Settings(TENFOLD_DATA_DIR=tmp_path).resolved_database_url())
    token = storage.import_workspace(engine, demo_workspace())
    with engine.begin() as conn:
        conn.execute(update(storage.ratings).values(score=9, note="SECRET-NOTE"))
    engine.dispose()
    server = StreamlitServer(tmp_path)
    server.start()

    async def visit() -> list[str]:
        session = StreamlitSession(server.url, timeout=60)
        try:
            result = await session.open("interviews", f"w={token}")
            assert result.exceptions, "the broken workspace should have broken the page"
            return result.exceptions + result.texts + result.error_alerts
        finally:
            await session.close()

    try:
        shown = run_to_end(visit(), 120)
    finally:
        server.stop()
    for text in shown:
        assert not any(word in text for word in TRACEBACK_WORDS), text
        assert "SECRET-NOTE" not in text and "less than or equal" not in text, text
    assert any("redacted" in text for text in shown)  # Streamlit's own notice, with no details
