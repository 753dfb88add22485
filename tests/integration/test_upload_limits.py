"""Uploads against a real server (serve.py, as `make run` starts it), sent as the browser's file
uploader sends them (bench/upload_flood.py): one address cannot make the server hold more than
its share, however many sessions it opens, and a session keeps only its newest file."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bench.upload_flood import memory_kb, multipart, open_session, put, settled_memory_kb, xsrf_cookie
from serve import BYTES_HELD_PER_CLIENT
from tests.streamlit_client import run_to_end
from tests.streamlit_server import StreamlitServer

FILE_BYTES = 10_000_000  # the largest workspace file
FILES_PER_CLIENT = BYTES_HELD_PER_CLIENT // (FILE_BYTES + 1000)


@pytest.fixture
def server(tmp_path) -> Iterator[StreamlitServer]:
    # One per test: a closed session keeps its files for server.disconnectedSessionTTL.
    app = StreamlitServer(tmp_path)
    app.start()
    yield app
    app.stop()


def _uploads_in_turn(server: StreamlitServer, sessions: int, uploads: int) -> tuple[list[int], int]:
    """`uploads` files of 10 MB, one after another, spread over `sessions` new sessions; (the
    statuses, how many MB the server's memory grew by)."""
    assert server.process is not None
    body = multipart(FILE_BYTES)

    async def go() -> tuple[list[int], int]:
        cookie = xsrf_cookie(server.url)
        opened = [await open_session(server.url) for _ in range(sessions)]
        try:
            before = await asyncio.to_thread(settled_memory_kb, server.process.pid)
            statuses: list[int] = []
            for n in range(uploads):
                await asyncio.to_thread(put, server.port, opened[n % sessions][1], body, cookie, statuses)
            await asyncio.sleep(1.0)
            grown = (memory_kb(server.process.pid)["VmRSS"] - before["VmRSS"]) // 1024
        finally:
            await asyncio.gather(*(ws.close() for ws, _ in opened))  # type: ignore[attr-defined]
        return statuses, grown

    return run_to_end(go(), 240)


def test_a_session_keeps_only_its_newest_upload(server):
    statuses, grown_mb = _uploads_in_turn(server, sessions=1, uploads=6)
    assert statuses == [204] * 6  # each new file replaces the last: the user can always upload again
    assert grown_mb < 40, f"6 uploads of 10 MB into one session grew the server by {grown_mb} MB"


def test_one_address_holds_at_most_its_share_however_many_sessions_it_opens(server):
    statuses, grown_mb = _uploads_in_turn(server, sessions=8, uploads=8)
    assert statuses == [204] * FILES_PER_CLIENT + [429] * (8 - FILES_PER_CLIENT)
    assert grown_mb < 60, f"8 uploads of 10 MB into 8 sessions grew the server by {grown_mb} MB"
