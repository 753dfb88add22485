"""Every workaround of Streamlit's internals, in one place. Each says which upstream behaviour it
works around; tests/integration/test_streamlit_workarounds.py checks on a real server that
Streamlit as installed still behaves so, and fails with "upstream fixed ...: remove ..." once it
does not.

- `leave_folder_mode` — a page opened by its own URL in a fresh process runs through app.py too;
- `disable_nagle` — replies leave without waiting for the browser's delayed acknowledgement.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import sys
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


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
