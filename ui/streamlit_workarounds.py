"""Every workaround of Streamlit's internals, in one place. Each says which upstream behaviour it
works around; tests/integration/test_streamlit_workarounds.py (a real server) and
tests/apptest/test_streamlit_workarounds.py (AppTest) check that Streamlit as installed still
behaves so, and fail with "upstream fixed ...: remove ..." once it does not.

For the server:
- `leave_folder_mode` — a page opened by its own URL in a fresh process runs through app.py too;
- `disable_nagle` — replies leave without waiting for the browser's delayed acknowledgement;
- `browser_secret` — a secret only this browser holds, from Streamlit's own per-browser cookie;
- `uninterrupted_session_state`, `keep_in_session` — a callback's writes to session state land
  even if a click came meanwhile.

For AppTest (tests and bench/ only; they import Streamlit's testing package when called):
- `route_apptest_through_entrypoint` — every AppTest run goes through app.py, as on the server;
- `skip_apptest_serializable_check` — AppTest's own unpicklable values in session state;
- `recorded_apptest_media` — the bytes a download button would send.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

# --- the server -----------------------------------------------------------------------------------


@contextlib.contextmanager
def uninterrupted_session_state() -> Iterator[Any]:
    """This tab's session state, to read and write in a callback without being stopped halfway
    because the browser has asked for another run meanwhile (a click on the sidebar, or the second
    click of a double click, while a callback was creating something).

    Upstream: every read and write of `st.session_state` first checks for such a request
    (SafeSessionState's yield callback) and, if there is one, stops the run there, before the
    write: the callback's work is done (the demo created, the option added) but what it meant to
    remember is lost (the token that opens the demo, that the option was added), and the next run
    shows "No workspace open" or adds the option again (issue 13). Write only plain values inside.
    """
    from streamlit.runtime.state.session_state_proxy import get_session_state

    safe = get_session_state()
    state, lock = getattr(safe, "_state", None), getattr(safe, "_lock", None)
    if state is None or lock is None:  # another shape upstream: plain access, interruptible
        yield st.session_state
        return
    with lock:
        yield state


def keep_in_session(values: dict[str, Any]) -> None:
    """Store `values` in this tab's session state, all of them, even if a click came meanwhile."""
    with uninterrupted_session_state() as state:
        for key, value in values.items():
            state[key] = value


def leave_folder_mode() -> None:
    """Run every page through app.py, even the first one after a (re)start.

    Upstream: `PagesManager.uses_pages_directory` is one flag for the whole process, set by the first
    session from whether a `pages/` folder sits beside the entrypoint and cleared only by a call of
    st.navigation; while it is set, the script runner runs the requested page alone, as the old
    folder-based multipage apps did (streamlit/runtime/scriptrunner/script_runner.py, `_mpa_v1`).
    The flag came with streamlit/streamlit#10276 ("Default to MPAv2"), whose review already saw a
    direct URL "completely switch back to MPAv1" with a pages folder beside st.navigation; we found
    no issue tracking it. So until app.py first runs in a process, a tab that opens, or reconnects
    on, a page's own URL (/interviews?w=...) runs that page without the router (no token from the
    URL, no database banner). `pages/` stays: it is the layout the project was specified with.

    Such a run registers app.py itself as a page: leave that mode for the process and run the same
    page again, now through the router. Called at the top of a page (ui.router.ensure_router),
    never from a callback: callbacks run before any script.
    """
    ctx = get_script_run_ctx()
    # A fragment rerun runs the fragment alone, never app.py: it is routed all the same.
    if ctx is None or ctx.fragment_ids_this_run or _run_by(Path(ctx.pages_manager.main_script_path)):
        return
    PagesManager.uses_pages_directory = False  # the next run starts at app.py
    st.rerun()


def _run_by(script: Path) -> bool:
    """Whether `script` (app.py) is on the call stack, i.e. this page was started by the router.

    Walks every frame out from the caller, so it holds wherever the helpers calling it live."""
    name = str(script.resolve())
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == name:
            return True
        frame = frame.f_back
    return False


@functools.cache  # once per process: app.py calls it on every run
def disable_nagle() -> None:
    """Set TCP_NODELAY on this process's TCP sockets, the listening one included: connections
    accepted later inherit it (Linux).

    Upstream: Streamlit binds its server socket itself, as `socket.socket(family)`, which leaves its
    protocol number 0 (streamlit/web/server/starlette/starlette_server.py, `_bind_socket`); accepted
    connections inherit that 0, and asyncio turns Nagle's algorithm off only on sockets that say
    IPPROTO_TCP (asyncio.base_events._set_nodelay). The same cause, for uvicorn's own pre-bound
    sockets: Kludex/uvicorn#3149; for asyncio on macOS: python/cpython#148783. With Nagle on and
    the browser's delayed acknowledgement, each rerun's reply waited about 40 ms (bench/load.py).
    """
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return
    for entry in fds.iterdir():
        try:
            copy = os.dup(int(entry.name))
        except (OSError, ValueError):
            continue
        try:
            sock = socket.socket(fileno=copy)
        except OSError:  # not a socket
            os.close(copy)
            continue
        with sock:  # closes the copy only; options belong to the socket
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


XSRF_COOKIE = "_streamlit_xsrf"


def browser_secret() -> bytes | None:
    """16 random bytes only this browser holds, the same across its tabs and reloads; None without.

    Upstream: Streamlit has no per-browser id, and no way to set a cookie. With XSRF protection on
    (.streamlit/config.toml) it sets `_streamlit_xsrf` on the health check each page makes before
    its websocket, keeping the token it holds and masking it afresh each time, so the cookie's text
    changes but its unmasked token does not (streamlit/web/server/starlette/starlette_routes.py,
    `_ensure_xsrf_cookie`: a session cookie, SameSite=Lax, readable by the page's scripts so that
    they can send it back). Read through st.context.cookies (the websocket's own request) and
    unmasked with Streamlit's own decoder. Never shown, logged or stored as it is (core/storage/browsers.py).
    """
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    raw = st.context.cookies.get(XSRF_COOKIE)
    if not raw:
        return None
    token, _ = decode_xsrf_token_string(raw)
    return token or None


# --- AppTest --------------------------------------------------------------------------------------


class _OutOfFolderMode(PagesManager):
    """A PagesManager that leaves folder mode as soon as it is made, as the server does for good at
    the first st.navigation of a process."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def route_apptest_through_entrypoint() -> None:
    """Every AppTest run starts at app.py, as a run on a server that has run app.py once does.

    Upstream: AppTest.run sets `PagesManager.uses_pages_directory` back to None and makes a new
    PagesManager before every run (streamlit/streamlit#14217, which fixed AppTest for apps with
    st.navigation and no `pages/` folder); the new one sets the flag again from the `pages/` folder
    beside app.py. So each run starts in folder mode (see `leave_folder_mode`), as if in a fresh
    process, and a switched-to page runs alone until `leave_folder_mode` reruns it, dropping the
    click that caused the run.
    """
    from streamlit.testing.v1 import app_test

    app_test.PagesManager = _OutOfFolderMode  # type: ignore[misc]


def skip_apptest_serializable_check() -> None:
    """Turn off `runner.enforceSerializableSessionState` (on in .streamlit/config.toml) for AppTest.

    Upstream: AppTest keeps each selection widget's `format_func` in session state, under a key of
    its own (streamlit/elements/lib/utils.py, `save_for_app_testing`), and the check pickles all of
    session state after each run, so any page with a lambda for a `format_func` fails; we found no
    issue for it. The browser tests run the check against the real server.
    """
    from streamlit import config

    config.set_option("runner.enforceSerializableSessionState", False)


@contextlib.contextmanager
def recorded_apptest_media() -> Iterator[list[Any]]:
    """Every media store AppTest makes while in this block, the last one's files those of the last
    run, so a test can read the bytes behind a download button's URL.

    Upstream: AppTest's download button offers a click but not the bytes it would send
    (streamlit/streamlit#9003, open); those sit in a `MemoryMediaFileStorage` that each AppTest run
    makes and drops.
    """
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            stores.append(self)

    app_test.MemoryMediaFileStorage = Recording  # type: ignore[misc]
    try:
        yield stores
    finally:
        app_test.MemoryMediaFileStorage = MemoryMediaFileStorage  # type: ignore[misc]
