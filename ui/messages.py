"""Plain messages: flashed by a callback, shown at the top of the next run; `attempt`, the one
way a page saves, which turns a refused or failed change into such a message; and `request_key`,
which keeps a double-clicked create from creating twice."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy.exc import OperationalError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.models import TenfoldError
from ui import escape_md
from ui.counsellor import viewing
from ui.router import ensure_router
from ui.streamlit_workarounds import uninterrupted_session_state

FLASH_KEY = "flash_messages"
DATABASE_UNREACHABLE = (
    "Tenfold cannot reach its database right now, so this change was not saved. "
    "Wait a moment and try again; if it persists, tell your counsellor."
)


def flash(message: str, kind: str = "success") -> None:
    with uninterrupted_session_state() as state:  # said even if a click came meanwhile
        state[FLASH_KEY] = [*(state[FLASH_KEY] if FLASH_KEY in state else []), (kind, message)]  # noqa: SIM401 (no get())


def show_flash() -> None:
    ensure_router()
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        message = escape_md(message)  # messages quote user text (option names)
        if kind == "error":
            st.error(message, icon=":material/error:")
        elif kind == "warning":
            st.warning(message)
        else:
            st.toast(message, icon=":material/check:")


def attempt(action: Callable[[], Any], success: str | None = None) -> Any:
    """Run a storage action; a TenfoldError becomes a plain message and nothing is changed.

    So does an unreachable database: callbacks run before app.py's banner can catch it, and
    every storage action is one transaction, so nothing of it was written.
    """
    if viewing():
        flash("This is a read-only view: nothing can be changed here.", "error")
        return None
    try:
        result = action()
    except TenfoldError as error:
        flash(str(error), "error")
        return None
    except OperationalError:
        flash(DATABASE_UNREACHABLE, "error")
        return None
    if success:
        flash(success)
    return result



def request_key(form: str, values: object) -> str:
    """The key of this tab's submit of `form` with `values`: the same click sent twice (a double
    click, or a click resent while a busy server was answering) has the same key, so storage
    creates once (storage.REPEAT_WINDOW_S)."""
    ctx = get_script_run_ctx()
    tab = ctx.session_id if ctx is not None else ""
    return hashlib.sha256(repr((tab, form, values)).encode()).hexdigest()
