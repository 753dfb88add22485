"""serve.py's protections, each driven as plain ASGI (no server, no network): security headers on
every answer, metrics closed, `clear_cache` dropped, uploads bounded per session, client and in
all. The same, against a real server and a real browser: tests/browser/test_serving.py and
tests/integration/test_upload_limits.py."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.web.server.app_discovery import discover_asgi_app

import serve
from tests.conftest import ROOT

MB = 1_000_000


def run(coro: Any) -> Any:
    """Run a coroutine to its end on a loop of its own, in a thread of its own: the browser tests'
    Playwright keeps an event loop running in the main thread for the whole session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, 10)).result()


def http_scope(path: str, method: str = "GET", headers: list | None = None, client: str = "10.0.0.1") -> dict:
    return {"type": "http", "method": method, "path": path, "headers": headers or [], "client": (client, 50000)}


async def call(app, scope, body_chunks: list[bytes] | None = None) -> list[dict]:
    """Run one request through `app`; the messages it sent."""
    chunks = list(body_chunks or [b""])
    sent: list[dict] = []

    async def receive():
        if chunks:
            body = chunks.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent


def status_of(sent: list[dict]) -> int:
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def headers_of(message: dict) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in message.get("headers", [])}


async def ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-content-type-options", b"old")]})
    await send({"type": "http.response.body", "body": b"ok"})


# --- serving through st.App ---------------------------------------------------------------------


def test_streamlit_run_serves_the_app_through_serve_py():
    found = discover_asgi_app(ROOT / "serve.py")
    assert found.is_asgi_app and found.import_string == "serve:app"
    assert serve.app.script_path == ROOT / "app.py"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "streamlit run serve.py" in makefile and "streamlit run app.py" not in makefile
    assert '"serve.py"' in (ROOT / "tests" / "streamlit_server.py").read_text(encoding="utf-8")


def test_the_page_icon_is_a_file_of_ours():
    # A `:material/...` or emoji page icon makes every browser fetch it from another host.
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "page_icon=ICON" in source and (ROOT / "assets" / "icon.svg").is_file()


# --- headers --------------------------------------------------------------------------------------


def test_every_http_answer_carries_the_security_headers_once():
    sent = run(call(serve.SecurityHeaders(ok_app), http_scope("/")))
    headers = sent[0]["headers"]
    assert dict(headers) == {**dict(serve.SECURITY_HEADERS)}
    assert len(headers) == len(serve.SECURITY_HEADERS)  # Streamlit's own value replaced, not doubled
    assert headers_of(sent[0])[b"content-security-policy"] == b"frame-ancestors 'none'"


def test_the_websocket_upgrade_carries_the_security_headers():
    async def accepting(scope, receive, send):
        await send({"type": "websocket.accept", "subprotocol": "streamlit"})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "websocket.connect"}

    run(serve.SecurityHeaders(accepting)({"type": "websocket", "path": "/_stcore/stream"}, receive, send))
    assert sent[0]["subprotocol"] == "streamlit"
    assert headers_of(sent[0])[b"x-frame-options"] == b"DENY"


def test_metrics_are_closed_and_nothing_else_is():
    closed = serve.ClosedMetrics(ok_app)
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "/tenfold/_stcore/metrics"):
        assert status_of(run(call(closed, http_scope(path)))) == 404, path
    for path in ("/", "/_stcore/health", "/options"):
        assert status_of(run(call(closed, http_scope(path)))) == 200, path


# --- clear_cache ----------------------------------------------------------------------------------


def back_msg(**fields) -> bytes:
    message = BackMsg()
    for name, value in fields.items():
        if name == "rerun_script":
            message.rerun_script.query_string = value
        else:
            setattr(message, name, value)
    return message.SerializeToString()


def test_a_clear_cache_message_never_reaches_streamlit():
    frames = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "bytes": back_msg(rerun_script="w=a")},
        {"type": "websocket.receive", "bytes": back_msg(clear_cache=True)},
        {"type": "websocket.receive", "bytes": b"\xff not a protobuf"},
        {"type": "websocket.receive", "bytes": back_msg(app_heartbeat=True)},
        {"type": "websocket.disconnect"},
    ]
    seen: list[dict] = []

    async def streamlit(scope, receive, send):
        while True:
            message = await receive()
            seen.append(message)
            if message["type"] == "websocket.disconnect":
                return

    async def receive():
        return frames.pop(0)

    async def send(message):
        pass

    run(serve.NoClearCache(streamlit)({"type": "websocket", "path": "/_stcore/stream"}, receive, send))
    kinds = []
    for message in seen:
        if message["type"] == "websocket.receive" and message["bytes"].startswith(b"\xff"):
            kinds.append("garbage")  # Streamlit refuses it itself
        elif message["type"] == "websocket.receive":
            parsed = BackMsg()
            parsed.ParseFromString(message["bytes"])
            kinds.append(parsed.WhichOneof("type"))
        else:
            kinds.append(message["type"])
    assert kinds == ["websocket.connect", "rerun_script", "garbage", "app_heartbeat", "websocket.disconnect"]


# --- uploads --------------------------------------------------------------------------------------


def upload_scope(session: str, file: str, size: int, client: str = "10.0.0.1", method: str = "PUT"):
    return http_scope(
        f"/_stcore/upload_file/{session}/{file}", method, [(b"content-length", str(size).encode())], client
    )


class FakeStreamlit:
    """Streamlit's upload route, reduced: stores the body as the file, answers 204. `hold` keeps
    requests under way until it is set."""

    def __init__(self, files: MemoryUploadedFileManager) -> None:
        self.files = files
        self.hold: asyncio.Event | None = None
        self.started = 0

    async def __call__(self, scope, receive, send):
        self.started += 1
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if self.hold is not None:
            await self.hold.wait()
        _, _, _, session, file = scope["path"].split("/")
        if scope["method"] == "PUT":
            record = UploadedFileRec(file_id=file, name="f.json", type="application/json", data=body)
            self.files.add_file(session, record)
        else:
            self.files.remove_file(session, file)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def uploads():
    files = MemoryUploadedFileManager("/_stcore/upload_file")
    streamlit = FakeStreamlit(files)
    limits = serve.UploadLimits(
        streamlit, files=files, max_file_bytes=10 * MB, bytes_per_client=25 * MB, bytes_in_all=45 * MB
    )
    return limits, streamlit, files


def put(limits, session: str, file: str, size: int, client: str = "10.0.0.1") -> list[dict]:
    return run(call(limits, upload_scope(session, file, size, client), [b"x" * size]))


def held(files: MemoryUploadedFileManager, session: str, ids: list[str]) -> list[str]:
    return [record.file_id for record in files.get_files(session, ids)]


def test_a_session_keeps_only_its_newest_upload(uploads):
    limits, _, files = uploads
    for file in ("a", "b", "c"):
        assert status_of(put(limits, "s1", file, 1000)) == 204
    assert held(files, "s1", ["a", "b", "c"]) == ["c"]
    assert status_of(put(limits, "s2", "d", 1000)) == 204  # another session's file is its own
    assert held(files, "s1", ["c"]) == ["c"] and held(files, "s2", ["d"]) == ["d"]


def test_one_client_holds_at_most_its_share_whatever_the_number_of_sessions(uploads):
    limits, streamlit, files = uploads
    assert status_of(put(limits, "s1", "a", 10 * MB)) == 204
    assert status_of(put(limits, "s2", "b", 10 * MB)) == 204
    refused = put(limits, "s3", "c", 10 * MB)
    assert status_of(refused) == 429
    assert headers_of(refused[0])[b"retry-after"] == b"60"
    assert b"address" in refused[1]["body"]
    assert streamlit.started == 2  # refused before Streamlit read (and kept) a byte of it
    assert status_of(put(limits, "s4", "d", 10 * MB, client="10.0.0.2")) == 204  # another address
    # Files Streamlit has dropped (a session ended, the browser deleted one) count no longer.
    files.remove_session_files("s1")
    assert status_of(put(limits, "s3", "c", 10 * MB)) == 204


def test_all_clients_together_hold_at_most_the_server_s_share(uploads):
    limits, _, _ = uploads
    for n in range(4):
        assert status_of(put(limits, f"s{n}", "f", 10 * MB, client=f"10.0.1.{n}")) == 204
    refused = put(limits, "s9", "f", 10 * MB, client="10.0.1.9")
    assert status_of(refused) == 429 and b"server" in refused[1]["body"]
    assert status_of(put(limits, "s9", "f", 4 * MB, client="10.0.1.9")) == 204  # what still fits


def test_at_most_two_uploads_at_once_from_one_client(uploads):
    limits, streamlit, _ = uploads

    async def burst() -> list[int]:
        streamlit.hold = asyncio.Event()
        under_way = [asyncio.create_task(call(limits, upload_scope(f"s{n}", "f", 1000), [b"x" * 1000])) for n in (1, 2)]
        await asyncio.sleep(0.05)
        third = await call(limits, upload_scope("s3", "f", 1000), [b"x" * 1000])
        other_client = asyncio.create_task(call(limits, upload_scope("s4", "f", 1000, client="10.0.0.2"), [b"x"]))
        await asyncio.sleep(0.05)
        streamlit.hold.set()
        done = [status_of(sent) for sent in await asyncio.gather(*under_way, other_client)]
        after = await call(limits, upload_scope("s3", "f", 1000), [b"x" * 1000])
        return [*done, status_of(third), status_of(after)]

    assert run(burst()) == [204, 204, 204, 429, 204]


def test_everything_but_an_upload_passes_untouched(uploads):
    limits, _, files = uploads
    assert status_of(put(limits, "s1", "a", 1000)) == 204
    assert status_of(run(call(limits, upload_scope("s1", "a", 0, method="DELETE")))) == 204
    assert held(files, "s1", ["a"]) == []
    assert status_of(run(call(serve.UploadLimits(ok_app, files=files), http_scope("/_stcore/health")))) == 200
