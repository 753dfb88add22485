"""The server Tenfold runs in: Streamlit's own, through `st.App`, with two protections added.

`streamlit run serve.py` (what `make run`, the tests and the benchmarks start) finds `app` below and
serves app.py through it: the same pages, routes, cookies, XSRF checks and health endpoint as
`streamlit run app.py`, plus

- `SecurityHeaders`: no other site may frame Tenfold (a framed Streamlit page posts its URL, with the
  workspace's private link in it, to the parent window), no MIME sniffing, no referrer;
- `ClosedMetrics`: `/_stcore/metrics` (memory and sessions of the server) is not public.

The figures and the proxy's part are in docs/deployment.md ("The embedded server").
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    return [Middleware(SecurityHeaders), Middleware(ClosedMetrics)]


app = st.App(Path(__file__).parent / "app.py", middleware=middleware())
