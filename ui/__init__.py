"""Streamlit helpers shared by several pages, one concern a module:

- `workspace` — the workspace this tab has open: its token in the URL, `require_workspace`;
- `counsellor` — a counsellor's sign-in, the pages it opens, read-only views of participants;
- `database` — the process-wide engine and workspaces loaded through it (`Opened`);
- `messages` — flashed messages and `attempt`, the one way a page saves a change;
- `presentation` — the pages' own styles, and presentation mode for sharing a screen;
- `router` — the pages by name, and every page run through app.py;
- `chart_panel`, `decision_panel` — the cached charts of Compare and Decision.

Here: `escape_md`, which every one of them needs, and a process-wide network setting.
Modules here import one another from the bottom up (router, database, counsellor, presentation,
messages, workspace); none imports from a module above it.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def escape_md(text: str) -> str:
    """User text for st.markdown: every Markdown and HTML character shown literally."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _no_nagle() -> None:
    """Streamlit binds its server socket itself, without naming TCP, so asyncio never turns off
    Nagle's algorithm on the connections: with the browser's delayed acknowledgement, each rerun's
    reply waited about 40 ms (bench/load.py). Set TCP_NODELAY on this process's TCP sockets once,
    the listening one included: connections accepted later inherit it (Linux)."""
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


_no_nagle()  # once per process: the first page to import any ui module runs this
