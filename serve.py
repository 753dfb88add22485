"""The server Tenfold runs in: Streamlit's own, through `st.App`, with four protections added.

`streamlit run serve.py` (what `make run`, the tests and the benchmarks start) finds `app` below and
serves app.py through it: the same pages, routes, cookies, XSRF checks and health endpoint as
`streamlit run app.py`, plus

- `SecurityHeaders`: no other site may frame Tenfold (a framed Streamlit page posts its URL, with the
  workspace's private link in it, to the parent window), no MIME sniffing, no referrer;
- `ClosedMetrics`: `/_stcore/metrics` (memory and sessions of the server) is not public;
- `UploadLimits`: uploads bounded per client address and per session, not only per file;
- `NoClearCache`: a tab cannot empty every user's caches.

The figures and the proxy's part are in docs/deployment.md ("The embedded server").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config, runtime
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime_util import get_max_widget_state_size_bytes
from streamlit.runtime.uploaded_file_manager import UploadedFileManager

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),  # the same, for browsers that predate frame-ancestors
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
METRICS_PATH = "/_stcore/metrics"
UPLOAD_PATH = re.compile(r"/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)$")
MB = 1_000_000

# Tenfold's one file uploader (Export & import) takes one file: a session keeps its newest upload
# only, and an older one is dropped when a newer arrives, so repeated imports never pile up.
FILES_KEPT_PER_SESSION = 1
UPLOADS_AT_ONCE_PER_CLIENT = 2
BYTES_HELD_PER_CLIENT = 32 * MB  # three workspace files of the largest size (10 MB), and their framing
BYTES_HELD_IN_ALL = 200 * MB


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


@dataclass(frozen=True)
class _Kept:
    session: str
    file: str
    client: str


class UploadLimits:
    """Bounds what uploads hold in memory. Streamlit limits each file (`server.maxUploadSize`) but
    not how many a session or a client sends, and keeps every one in memory until the session
    ends: 30 uploads of 10 MB in one second held 300 MB (bench/upload_flood.py).

    Here, before a byte of the body is read: at most `at_once_per_client` uploads under way from
    one client address, and the files its sessions hold (plus those under way) within
    `bytes_per_client`, all sessions' within `bytes_in_all`; otherwise 429. After an upload is
    stored, the session's older uploads beyond `files_per_session` are dropped."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        files: UploadedFileManager | None = None,  # Streamlit's own, once it runs (tests pass one)
        max_file_bytes: int | None = None,  # server.maxUploadSize unless given
        files_per_session: int = FILES_KEPT_PER_SESSION,
        at_once_per_client: int = UPLOADS_AT_ONCE_PER_CLIENT,
        bytes_per_client: int = BYTES_HELD_PER_CLIENT,
        bytes_in_all: int = BYTES_HELD_IN_ALL,
    ) -> None:
        self.app = app
        self._files = files
        self._max_file_bytes = max_file_bytes
        self.files_per_session = files_per_session
        self.at_once_per_client = at_once_per_client
        self.bytes_per_client = bytes_per_client
        self.bytes_in_all = bytes_in_all
        # Everything below is touched only from the server's event loop: no lock needed.
        self._under_way: Counter[str] = Counter()  # client -> uploads whose request is in progress
        self._reserved: Counter[str] = Counter()  # client -> bytes those uploads declared
        self._kept: list[_Kept] = []  # accepted uploads, oldest first (the manager may drop them)

    @property
    def files(self) -> UploadedFileManager:
        return self._files or runtime.get_instance().uploaded_file_mgr

    def max_file_bytes(self) -> int:
        if self._max_file_bytes is not None:
            return self._max_file_bytes
        return int(config.get_option("server.maxUploadSize")) * 1024 * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = UPLOAD_PATH.search(scope["path"]) if scope["type"] == "http" and scope["method"] == "PUT" else None
        if match is None:
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else ""
        size = self._declared_size(scope)
        refusal = self._refusal(client, size)
        if refusal:
            await _drain(receive, self.max_file_bytes() + MB)
            await _plain_response(send, 429, refusal, [(b"retry-after", b"60")])
            return

        status = 0

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self._under_way[client] += 1
        self._reserved[client] += size
        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            self._under_way[client] -= 1
            self._reserved[client] -= size
        if 200 <= status < 300:
            self._keep(_Kept(match["session"], match["file"], client))

    def _declared_size(self, scope: Scope) -> int:
        """The body's Content-Length, counted as the largest file when absent (Streamlit then caps
        the body as it streams in) or larger (Streamlit refuses it unread)."""
        largest = self.max_file_bytes()
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    return min(int(value), largest)
                except ValueError:
                    return largest
        return largest

    def _refusal(self, client: str, size: int) -> str | None:
        if self._under_way[client] >= self.at_once_per_client:
            return "Too many uploads at once from your address: wait for the one under way, then try again."
        held = self._held_bytes()
        if held.get(client, 0) + self._reserved[client] + size > self.bytes_per_client:
            return "Your uploads already hold all the room this server gives one address: try again later."
        if sum(held.values()) + sum(self._reserved.values()) + size > self.bytes_in_all:
            return "This server holds as many uploads as it can right now: try again in a minute."
        return None

    def _held_bytes(self) -> dict[str, int]:
        """Bytes held per client by the uploads kept, forgetting those Streamlit has dropped (the
        session ended, or the browser deleted the file)."""
        held: Counter[str] = Counter()
        still_kept = []
        for kept in self._kept:
            records = self.files.get_files(kept.session, [kept.file])
            if records:
                still_kept.append(kept)
                held[kept.client] += len(records[0].data)
        self._kept = still_kept
        return held

    def _keep(self, upload: _Kept) -> None:
        self._kept.append(upload)
        same_session = [kept for kept in self._kept if kept.session == upload.session]
        for older in same_session[: -self.files_per_session]:
            self._kept.remove(older)
            if isinstance(self.files, MemoryUploadedFileManager):  # the one Streamlit uses
                self.files.remove_file(older.session, older.file)


async def _drain(receive: Receive, limit: int) -> None:
    """Reads and discards a refused request's body (at most `limit` bytes), so the browser gets
    the answer instead of a connection reset."""
    received = 0
    while received <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        received += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


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
        Middleware(UploadLimits),
        Middleware(NoClearCache),
    ]


app = st.App(Path(__file__).parent / "app.py", middleware=middleware())
