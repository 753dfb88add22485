"""A browser tab without the browser: Streamlit's own websocket protocol, for the tests that drive
a real server without Chromium (tests/integration) and the load benchmark (bench/load.py), which
imports it from here beside tests/streamlit_server.py.

A session connects to ``ws://127.0.0.1:PORT/_stcore/stream``, asks for a page (its URL path and
query string, as the frontend does in its first ``BackMsg.rerun_script``), and reads the
``ForwardMsg`` stream: widget ids arrive in the elements' protobufs (``$$ID-<hash>-<key>`` for a
keyed widget), a run ends with ``script_finished``. A change goes back like the frontend sends it:
every widget value the tab holds, in ``rerun_script.widget_states``, with the fragment's id when
the widget lives in an ``st.fragment``.

Only what Tenfold's pages need is encoded: segmented controls and pills (``string_array_value``
of the shown option), sliders (``double_array_value``), text inputs, checkboxes and buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RUN_TIMEOUT_S = 30.0
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment_finished",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
}


def run_to_end(coro: Any, timeout: float) -> Any:
    """Run `coro` to completion in an event loop of its own thread, so it works even where the
    calling thread already runs one (Playwright's sync API keeps a loop running in pytest's)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(asyncio.wait_for(coro, timeout))
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="streamlit-client", daemon=True)
    thread.start()
    thread.join(timeout + 30)
    if thread.is_alive():
        raise TimeoutError(f"the websocket client did not finish within {timeout + 30:.0f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@dataclass(frozen=True)
class Widget:
    id: str
    key: str | None
    kind: str  # the element's protobuf type: button_group, slider, text_input, ...
    fragment_id: str
    disabled: bool
    shown: Any = None  # the value the page shows, for the kinds `shown_value` knows


def shown_value(kind: str, body: Any) -> Any:
    """What a widget element shows: the value the script set, else its default."""
    if kind == "button_group":  # segmented control, pills: the shown option labels
        if body.set_value:
            return list(body.raw_values)
        return [body.options[i].content for i in body.default]
    if kind == "slider":
        return list(body.value) if body.set_value else list(body.default)
    if kind in ("text_input", "text_area"):
        return body.value if body.set_value else body.default
    return None


@dataclass
class RunResult:
    """One script run as the tab saw it: how long until `script_finished`, and what went wrong."""

    seconds: float
    status: str  # finished, fragment_finished, compile_error, timeout, disconnected, page_not_found
    exceptions: list[str] = field(default_factory=list)  # st.exception boxes (incl. redacted errors)
    error_alerts: list[str] = field(default_factory=list)  # st.error messages
    texts: list[str] = field(default_factory=list)  # markdown, alerts and headings, for assertions

    @property
    def ok(self) -> bool:
        return self.status in ("finished", "fragment_finished") and not self.exceptions


def widget_key(widget_id: str) -> str | None:
    """`$$ID-<hash>-<key>` -> key; None for an unkeyed widget."""
    parts = widget_id.split("-", 2)
    if len(parts) == 3 and parts[0] == "$$ID" and parts[2] != "None":
        return parts[2]
    return None


def encode(widget: Widget, value: Any) -> WidgetState:
    """The WidgetState the frontend would send for `value` (None clears a segmented control)."""
    state = WidgetState(id=widget.id)
    if widget.kind in ("button_group", "multiselect"):
        values = [] if value is None else (value if isinstance(value, list | tuple) else [value])
        state.string_array_value.data.extend(str(v) for v in values)
    elif widget.kind == "slider":
        values = value if isinstance(value, list | tuple) else [value]
        state.double_array_value.data.extend(float(v) for v in values)
    elif widget.kind in ("text_input", "text_area", "radio", "selectbox"):
        state.string_value = str(value)
    elif widget.kind in ("checkbox", "toggle"):
        state.bool_value = bool(value)
    elif widget.kind == "button":
        state.trigger_value = True
    else:
        raise ValueError(f"no encoding for a {widget.kind} widget")
    return state


class StreamlitSession:
    """One tab on one page. Runs are sequential: each call waits for its `script_finished`."""

    def __init__(self, base_url: str, *, timeout: float = RUN_TIMEOUT_S) -> None:
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.timeout = timeout
        self.page_hashes: dict[str, str] = {}  # url path -> page_script_hash
        self.page_hash = ""
        self.page = ""
        self.query = ""
        self.widgets: dict[str, Widget] = {}  # by key (keyed widgets only)
        self._states: dict[str, WidgetState] = {}  # what this tab sends with every rerun
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: asyncio.Future[str] | None = None
        self._run: RunResult | None = None
        self._finished_at = 0.0
        self.disconnected = False

    # --- connection ---------------------------------------------------------------------------

    async def open(self, page: str = "", query: str = "") -> RunResult:
        """Connect and run `page` (its URL path, "" for the default page) with `query`."""
        self._ws = await asyncio.wait_for(
            websockets.connect(
                self.ws_url,
                subprotocols=["streamlit"],  # type: ignore[list-item]
                max_size=None,
                ping_interval=None,  # a browser does not ping either; the server does
                open_timeout=self.timeout,
                compression=None,
            ),
            self.timeout,
        )
        self._reader = asyncio.create_task(self._read())
        self.page, self.query = page, query
        return await self._rerun(page_name=page)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # --- what a user does -----------------------------------------------------------------------

    async def change(self, key: str, value: Any) -> RunResult:
        """Set one keyed widget to `value` and wait for the rerun (a fragment rerun inside one)."""
        widget = self.widgets[key]
        self._states[widget.id] = encode(widget, value)
        return await self._rerun(fragment_id=widget.fragment_id)

    async def switch_page(self, page: str) -> RunResult:
        """Click the page in the sidebar: the page's own widgets start afresh."""
        self.page = page
        self._states.clear()
        return await self._rerun(page_hash=self.page_hashes[page])

    async def reload(self) -> RunResult:
        """Rerun the current page as it is (a widget-less rerun)."""
        return await self._rerun(page_hash=self.page_hash)

    # --- protocol -------------------------------------------------------------------------------

    async def _rerun(self, *, page_name: str = "", page_hash: str = "", fragment_id: str = "") -> RunResult:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = page_name
        state.page_script_hash = page_hash or ("" if page_name or not self.page_hash else self.page_hash)
        if fragment_id:
            state.fragment_id = fragment_id
        state.widget_states.widgets.extend(self._states.values())
        if not fragment_id:
            self.widgets = {}  # a full run sends the whole page again
        loop = asyncio.get_running_loop()
        self._pending = loop.create_future()
        self._run = run = RunResult(seconds=0.0, status="")
        started = time.perf_counter()
        if self.disconnected:
            run.status = "disconnected"
            return run
        try:
            await self._ws.send(message.SerializeToString())
            status = await asyncio.wait_for(asyncio.shield(self._pending), self.timeout)
            run.seconds = self._finished_at - started
        except TimeoutError:
            status, run.seconds = "timeout", time.perf_counter() - started
        except websockets.ConnectionClosed:
            status, run.seconds = "disconnected", time.perf_counter() - started
        run.status = status
        self._pending = None
        return run

    def _settle(self, status: str) -> None:
        if self._pending is not None and not self._pending.done():
            self._finished_at = time.perf_counter()
            self._pending.set_result(status)

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                message = ForwardMsg()
                message.ParseFromString(data)
                self._handle(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.disconnected = True
            self._settle("disconnected")

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "delta":
            delta = message.delta
            if delta.WhichOneof("type") == "new_element":
                self._element(delta.new_element, delta.fragment_id)
        elif kind == "script_finished":
            status = FINISHED.get(message.script_finished)
            if status is not None:  # FINISHED_EARLY_FOR_RERUN: another run follows
                self._settle(status)
        elif kind == "navigation":
            nav = message.navigation
            self.page_hashes = {page.url_pathname: page.page_script_hash for page in nav.app_pages}
            self.page_hash = nav.page_script_hash
        elif kind == "page_not_found":
            self._settle("page_not_found")

    def _element(self, element: Any, fragment_id: str) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        run = self._run
        if kind == "exception":
            if run is not None:
                run.exceptions.append("\n".join([f"{body.type}: {body.message}", *body.stack_trace]))
            return
        if run is not None:
            if kind == "alert":
                run.texts.append(body.body)
                if body.format == Alert.ERROR:
                    run.error_alerts.append(body.body)
            elif kind in ("markdown", "heading"):
                run.texts.append(body.body)
        widget_id = getattr(body, "id", "")
        if widget_id.startswith("$$ID-"):
            key = widget_key(widget_id)
            if key is not None:
                disabled = bool(getattr(body, "disabled", False))
                widget = Widget(widget_id, key, kind, fragment_id, disabled, shown_value(kind, body))
                self.widgets[key] = widget
                if widget_id in self._states and getattr(body, "set_value", False):
                    # the script set the value (e.g. put back a refused change): the tab takes it
                    self._states[widget_id] = encode(widget, widget.shown)


async def open_session(base_url: str, page: str, query: str, *, timeout: float = RUN_TIMEOUT_S) -> tuple[
    StreamlitSession, RunResult
]:
    session = StreamlitSession(base_url, timeout=timeout)
    result = await session.open(page, query)
    return session, result
