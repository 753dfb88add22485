"""Shows TCP_NODELAY on each connection of the server running it; with ?disable=1 it first calls
ui.streamlit_workarounds.disable_nagle, as Tenfold's app.py does (tests/integration/
test_streamlit_workarounds.py)."""

import os
import socket
from pathlib import Path

import streamlit as st

if "disable" in st.query_params:
    from ui.streamlit_workarounds import disable_nagle

    disable_nagle()


def nodelay_of_connections() -> list[bool]:
    """For each connected TCP socket of this process: whether TCP_NODELAY is on."""
    found = []
    for entry in Path("/proc/self/fd").iterdir():
        try:
            copy = os.dup(int(entry.name))
        except (OSError, ValueError):
            continue
        try:
            sock = socket.socket(fileno=copy)
        except OSError:  # not a socket
            os.close(copy)
            continue
        with sock:
            if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
                continue
            try:
                sock.getpeername()
            except OSError:  # the listening socket
                continue
            found.append(bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
    return found


st.markdown(f"TCP_NODELAY on connections: {nodelay_of_connections()}")
