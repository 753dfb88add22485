"""The server behaviours that ui/streamlit_workarounds.py works around, checked on a real
`streamlit run` server (tests/streamlit_server.py) of a small app of their own
(tests/data/streamlit_apps), driven over its websocket (tests/streamlit_client.py). The first
visit shows Streamlit's own behaviour, and the test fails once upstream has changed it, saying
which workaround to remove; the visits after it show the workaround doing its job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.streamlit_client import RunResult, StreamlitSession, run_to_end
from tests.streamlit_server import StreamlitServer

APPS = ROOT / "tests" / "data" / "streamlit_apps"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    """Start a server of one of APPS (able to import Tenfold's ui package); stopped after the test."""
    servers: list[StreamlitServer] = []

    def start(app: str) -> StreamlitServer:
        server = StreamlitServer(tmp_path, env={"PYTHONPATH": str(ROOT)}, script=APPS / app / "app.py")
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def visit(server: StreamlitServer, page: str = "", query: str = "") -> RunResult:
    """A new tab on `page`: its first run, as the tab saw it."""

    async def tab() -> RunResult:
        session = StreamlitSession(server.url, timeout=60)
        try:
            return await session.open(page, query)
        finally:
            await session.close()

    result = run_to_end(tab(), 120)
    assert result.ok, (result.status, result.exceptions, server.log_tail())
    return result


def test_a_fresh_server_still_runs_a_page_by_its_url_alone(serve):
    server = serve("folder_mode")
    first = visit(server, "other")  # the first visit of the process, on a page's own URL
    assert "other page" in first.texts
    assert "entrypoint ran" not in first.texts, (
        "upstream fixed folder mode: with a pages/ folder beside the entrypoint, a fresh server "
        "runs a page opened by its URL through the entrypoint's st.navigation; remove "
        "streamlit_workarounds.leave_folder_mode (and ui.router.ensure_router, which calls it)"
    )
    # The workaround: the page leaves folder mode and reruns through the entrypoint ...
    left = visit(server, "other", "leave=1")
    assert "entrypoint ran" in left.texts and "other page" in left.texts
    # ... for good: the next tab on a page's own URL goes through the entrypoint too.
    after = visit(server, "other")
    assert "entrypoint ran" in after.texts and "other page" in after.texts


def _nodelay(result: RunResult) -> list[bool]:
    """What the sockets app shows: TCP_NODELAY on each of its server's connections."""
    (shown,) = [text for text in result.texts if text.startswith("TCP_NODELAY on connections:")]
    return [value == "True" for value in re.findall(r"True|False", shown)]


def test_the_server_still_leaves_nagle_on(serve):
    server = serve("sockets")
    first = _nodelay(visit(server))
    assert first, "the app found no connection of its server"
    assert not any(first), (
        "upstream fixed the server socket's protocol number: connections the server accepts have "
        "TCP_NODELAY on; remove streamlit_workarounds.disable_nagle (and its call in app.py)"
    )
    # The workaround turns it on for the connections open now ...
    assert all(_nodelay(visit(server, query="disable=1")))
    # ... and, through the listening socket, for every connection accepted after it.
    assert all(_nodelay(visit(server)))
