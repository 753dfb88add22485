"""The workspace this browser tab has open: its private token, kept in the URL, and loading it.

The database is the truth; `st.session_state` only remembers which workspace this tab has open
(`TOKEN_KEY`), and the address bar carries its token (`?w=`) so a reload or a pasted link opens
it again. While presenting, the address carries no token: a tab reloaded then presents the
workspace its browser remembers, without its token (ui.presentation). A counsellor's read-only
view (ui.counsellor) takes its place where one is asked for.
"""

from __future__ import annotations

import streamlit as st

from core import storage
from core.models import limit_problems
from core.words import count
from ui import escape_md, presentation
from ui.counsellor import counsellor_workshop_id, require_view, viewing
from ui.database import Opened, engine, load_opened
from ui.presentation import presentation_mode
from ui.router import ensure_router, page
from ui.streamlit_workarounds import keep_in_session

TOKEN_PARAM = "w"
TOKEN_KEY = "workspace_token"


def sync_token_with_url() -> str | None:
    """Take the workspace token from the URL (a pasted link) or this tab's session, and put it
    back into the URL: Streamlit clears query parameters when the user switches pages."""
    if viewing():  # a read-only view's address never carries a private link
        return None
    from_url = st.query_params.get(TOKEN_PARAM)
    if from_url:
        st.session_state[TOKEN_KEY] = from_url
    token = st.session_state.get(TOKEN_KEY)
    if counsellor_workshop_id() is not None or presentation_mode():
        # A screen that may be shared never shows a private link, not even in the address bar.
        st.query_params.pop(TOKEN_PARAM, None)
    elif token and st.query_params.get(TOKEN_PARAM) != token:
        st.query_params[TOKEN_PARAM] = token
    return token


def open_workspace(token: str) -> None:
    """Open `token`'s workspace in this tab, also when a click made meanwhile (the sidebar) stops
    this run at once: the next run, whatever its page, finds the token in the session and puts it
    back into the URL (sync_token_with_url)."""
    keep_in_session({TOKEN_KEY: token})
    st.query_params[TOKEN_PARAM] = token
    if presentation_mode():
        ref = storage.find_workspace(engine(), token)
        presentation.now_presenting(ref.id if ref else None)


def close_workspace() -> None:
    st.session_state.pop(TOKEN_KEY, None)
    st.query_params.pop(TOKEN_PARAM, None)
    presentation.now_presenting(None)


def has_open_workspace() -> bool:
    """Whether this tab has a participant's workspace open (from its session alone: no query)."""
    return bool(st.session_state.get(TOKEN_KEY)) or presentation.presenting_without_link()


def current_ref() -> storage.WorkspaceRef | None:
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return presentation.presented_workspace()
    return storage.find_workspace(engine(), token)


def require_workspace() -> Opened:
    """The workspace this tab has open (or the read-only view asked for), or a plain explanation
    and a stop."""
    ensure_router()
    if viewing():
        return require_view()
    token = st.session_state.get(TOKEN_KEY)
    ref = current_ref()
    if ref is None and not token:
        _show_open_first()
        st.stop()
    if ref is None:
        show_no_such_workspace()
        st.stop()
    opened = load_opened(ref)
    show_over_limits(opened)
    return opened


def show_over_limits(opened: Opened) -> None:
    """A workspace over a limit (older data) still opens, with a banner saying what is over and what to do."""
    problems = limit_problems(opened.workspace)
    if problems:
        st.warning(
            "**This workspace holds more than Tenfold allows.** " + " ".join(problems) + " Everything opens "
            "and can be exported (Export & import); adding more is refused until you delete enough to be "
            "within the limit.",
            icon=":material/warning:",
        )


def _show_open_first() -> None:
    if st.session_state.pop(presentation.ENDED_WITHOUT_LINK_KEY, False) or presentation.presenting_without_link():
        st.info(
            "This tab was reloaded while presenting, so it does not hold your private link, and it no longer "
            "presents your workspace. Open your workspace with its private link to go on."
        )
    else:
        st.info("Open your workspace first: start one, open yours with its private link, or explore the demo.")
    st.page_link(page("start"), label="Go to Start", icon=":material/home:")


def show_no_such_workspace() -> None:
    st.error(
        "**No such workspace.** The link may be incomplete or mistyped. Check that you copied the "
        "whole private link, or start a new workspace."
    )
    if st.button("Forget this link", key="forget_bad_token"):
        close_workspace()
        st.rerun()


def sidebar_summary(ref: storage.WorkspaceRef | None) -> None:
    """Which workspace is open (`ref`) and what it holds, always visible in the sidebar."""
    if viewing():  # the sidebar would show the counsellor's own workspace, not the one on screen
        return
    with st.sidebar:
        if ref is None:
            st.caption("No workspace open.")
            return
        st.markdown(f"**{escape_md(ref.name or 'My workspace')}**")
        st.caption(
            f"{count(ref.options, 'option')} · "
            f"{count(ref.interviews, 'interview or self-assessment', 'interviews and self-assessments')}"
        )
