"""serve.py's protections, each driven as plain ASGI (no server, no network): security headers on
every answer, metrics closed, `clear_cache` dropped. The same, against a real server and a real
browser: tests/browser/test_serving.py."""

from __future__ import annotations

import asyncio
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.web.server.app_discovery import discover_asgi_app

import serve
from tests.conftest import ROOT


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 10))


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
