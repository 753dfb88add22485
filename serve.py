"""The server Tenfold runs in: Streamlit's own, through `st.App`, with three protections added.

`streamlit run serve.py` (what `make run`, the tests and the benchmarks start) finds `app` below and
serves app.py through it: the same pages, routes, cookies, XSRF checks and health endpoint as
`streamlit run app.py`, plus

- `SecurityHeaders`: no other site may frame Tenfold (a framed Streamlit page posts its URL, with the
  workspace's private link in it, to the parent window), no MIME sniffing, no referrer;
- `ClosedMetrics`: `/_stcore/metrics` (memory and sessions of the server) is not public;
- `NoClearCache`: a tab cannot empty every user's caches.

The figures and the proxy's part are in docs/deployment.md ("The embedded server").
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.runtime_util import get_max_widget_state_size_bytes

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),  # the same, for browsers that predate frame-ancestors
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
METRICS_PATH = "/_stcore/metrics"


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every HTTP response and to the websocket's upgrade response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept", "websocket.http.response.start"):
                ours = {name for name, _ in SECURITY_HEADERS}
                headers = [(name, value) for name, value in message.get("headers", []) if name.lower() not in ours]
                message = {**message, "headers": [*headers, *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ClosedMetrics:
    """`/_stcore/metrics` answers 404: Streamlit serves it to anyone, and its frontend never asks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/").endswith(METRICS_PATH):
            await _plain_response(send, 404, "Not found.")
            return
        await self.app(scope, receive, send)


class NoClearCache:
    """Drops the `clear_cache` message a tab may send over its websocket.

    Streamlit's frontend sends it from its "Clear cache" menu item (hidden here by
    `client.toolbarMode = "viewer"`), but any client can send it, and Streamlit then empties
    every `st.cache_data` and `st.cache_resource` of the process, for all users
    (`AppSession._handle_clear_cache_request`); there is no setting to refuse it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return

        async def receive_without_clear_cache() -> Message:
            while True:
                message = await receive()
                if not is_clear_cache(message):
                    return message

        await self.app(scope, receive_without_clear_cache, send)


def is_clear_cache(message: Message) -> bool:
    data = message.get("bytes") if message["type"] == "websocket.receive" else None
    # Above Streamlit's own limit it closes the connection unread: no need to parse it here.
    if not data or len(data) > get_max_widget_state_size_bytes():
        return False
    back_msg = BackMsg()
    try:
        back_msg.ParseFromString(data)
    except Exception:  # Streamlit refuses it itself (closes with a protocol error)
        return False
    return back_msg.WhichOneof("type") == "clear_cache"


async def _plain_response(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def middleware() -> list[Middleware]:
    """Outermost first: every answer, our own refusals too, carries the security headers."""
    return [
        Middleware(SecurityHeaders),
        Middleware(ClosedMetrics),
        Middleware(NoClearCache),
    ]


app = st.App(Path(__file__).parent / "app.py", middleware=middleware())
