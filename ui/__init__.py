"""Streamlit helpers shared by several pages: the engine, the open workspace, messages.

Pages import from here instead of repeating the workspace-loading dance. The database is
the truth; `st.session_state` only remembers which workspace this browser tab has open
(`workspace_token`) and what the user is looking at.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import storage
from core.models import TenfoldError, Workspace
from core.settings import get_settings

TOKEN_PARAM = "w"
TOKEN_KEY = "workspace_token"
FLASH_KEY = "flash_messages"
PRESENTATION_KEY = "presentation_mode"


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


_no_nagle()


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return storage.make_engine(url)


def engine() -> Engine:
    """The process-wide engine (shared by every session; never mutated)."""
    return _engine_for(database_url())


def ensure_router() -> None:
    """Run every page through app.py, even the first one after a (re)start.

    With a `pages/` folder beside app.py, a fresh Streamlit process is in its old folder-based
    multipage mode until app.py first calls st.navigation: until then a tab that opens, or
    reconnects on, a page's own URL (/interviews?w=...) runs that page alone, without the router
    (no token from the URL, no database banner). Such a run registers app.py itself as a page:
    leave that mode and run the same page again, now through the router.

    Called at the top of a page (require_workspace, show_flash), never from a callback: callbacks
    run before any script.
    """
    ctx = get_script_run_ctx()
    # A fragment rerun runs the fragment alone, never app.py: it is routed all the same.
    if ctx is None or ctx.fragment_ids_this_run or _run_by(Path(ctx.pages_manager.main_script_path)):
        return
    PagesManager.uses_pages_directory = False  # the next run starts at app.py
    st.rerun()


def _run_by(script: Path) -> bool:
    """Whether `script` (app.py) is on the call stack, i.e. this page was started by the router."""
    name = str(script.resolve())
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == name:
            return True
        frame = frame.f_back
    return False


def database_url() -> str:
    try:
        secret_url = st.secrets.get("connections", {}).get("tenfold", {}).get("url", "")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):  # no secrets.toml at all
        secret_url = ""
    return secret_url or get_settings().resolved_database_url()


# --- the open workspace ---------------------------------------------------------------------


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
    st.session_state[TOKEN_KEY] = token
    st.query_params[TOKEN_PARAM] = token


def close_workspace() -> None:
    st.session_state.pop(TOKEN_KEY, None)
    st.query_params.pop(TOKEN_PARAM, None)


def current_ref() -> storage.WorkspaceRef | None:
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return None
    return storage.find_workspace(engine(), token)


@st.cache_resource(max_entries=512, show_spinner=False)
def _load(url: str, workspace_id: int, revision: int) -> Workspace:
    # Keyed by revision: any write bumps it, so a cached copy is never stale. Shared, frozen.
    return storage.load_workspace(_engine_for(url), workspace_id)


@dataclass(frozen=True)
class Opened:
    ref: storage.WorkspaceRef
    workspace: Workspace
    read_only: bool = False  # a counsellor's view of a sharing participant

    @property
    def id(self) -> int:
        return self.ref.id


def require_workspace() -> Opened:
    """The workspace this tab has open, or a plain explanation and a stop."""
    ensure_router()
    if viewing():
        return _require_view()
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        st.info("Open your workspace first: start one, open yours with its private link, or explore the demo.")
        st.page_link(page("start"), label="Go to Start", icon=":material/home:")
        st.stop()
    ref = storage.find_workspace(engine(), token)
    if ref is None:
        show_no_such_workspace()
        st.stop()
    return Opened(ref, _load(database_url(), ref.id, ref.revision))


def show_no_such_workspace() -> None:
    st.error(
        "**No such workspace.** The link may be incomplete or mistyped. Check that you copied the "
        "whole private link, or start a new workspace."
    )
    if st.button("Forget this link", key="forget_bad_token"):
        close_workspace()
        st.rerun()


# --- pages ---------------------------------------------------------------------------------

_PAGES: dict[str, Any] = {}


def register_pages(pages: dict[str, Any]) -> None:
    _PAGES.clear()
    _PAGES.update(pages)


def page(name: str) -> Any:
    return _PAGES[name]


# --- saving on change, with plain messages -----------------------------------------------------


def flash(message: str, kind: str = "success") -> None:
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


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


DATABASE_UNREACHABLE = (
    "Tenfold cannot reach its database right now, so this change was not saved. "
    "Wait a moment and try again; if it persists, tell your counsellor."
)


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


def rerun_fragments(*keys: str) -> None:
    """From a callback of a widget in a fragment: rerun these keyed fragments, not only the widget's
    own. Nothing to do when the whole page reruns anyway (a page switch sends the change too)."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        st.rerun(list(keys))


def presentation_mode() -> bool:
    return bool(st.session_state.get(PRESENTATION_KEY, False)) or viewing()


def sidebar_summary() -> None:
    """Which workspace is open and what it holds, always visible in the sidebar."""
    if viewing():  # the sidebar would show the counsellor's own workspace, not the one on screen
        return
    with st.sidebar:
        ref = current_ref()
        if ref is None:
            st.caption("No workspace open.")
            return
        st.markdown(f"**{escape_md(ref.name or 'My workspace')}**")
        st.caption(
            f"{ref.options} option{'s' if ref.options != 1 else ''} · "
            + (f"{ref.interviews} interviews and self-assessments" if ref.interviews != 1 else "1 interview")
        )


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def escape_md(text: str) -> str:
    """User text for st.markdown: every Markdown and HTML character shown literally."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


# --- presentation mode (screen-sharing) -----------------------------------------------------

PRESENTATION_TOGGLE_KEY = "presentation_toggle"
# Streamlit sizes text in rem, so a larger root font enlarges every page; charts enlarge their own
# labels (core.charts, large=True). Fixed text only: never put user text in here.
PRESENTATION_CSS = """<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>"""


def _remember_presentation() -> None:
    st.session_state[PRESENTATION_KEY] = bool(st.session_state.get(PRESENTATION_TOGGLE_KEY))


def presentation_toggle() -> None:
    """The sidebar switch. Its value lives in a plain key, since widget keys are dropped on a page switch."""
    st.session_state[PRESENTATION_TOGGLE_KEY] = presentation_mode()
    st.sidebar.toggle(
        "Presentation mode",
        key=PRESENTATION_TOGGLE_KEY,
        on_change=_remember_presentation,
        help="Larger text and charts, no editing controls and no private link in the address bar, for "
        "sharing your screen. Stays on across pages; turn it off before you reload the page.",
        disabled=viewing(),  # a counsellor's read-only view is always presented
    )
    if presentation_mode():
        presentation_css()


def presentation_css() -> None:
    st.html(PRESENTATION_CSS)


# --- workshops: the counsellor's sign-in and read-only views -----------------------------------
# A counsellor's access lives only in this tab's session: `COUNSELLOR_KEY` is set after a right
# passcode (never by a widget), and each read-only view is a fresh random id mapped, server-side
# in `VIEWS_KEY`, to a workspace id. The address bar shows `?view=<id>`: useless in another
# browser, and it never names a workspace or carries a token. Every use re-checks in the database
# that the workspace still belongs to this workshop and still shares.

VIEW_PARAM = "view"
COUNSELLOR_KEY = "counsellor_workshop_id"
VIEWS_KEY = "counsellor_views"
PRESENT_PAGES = ("compare", "decision")  # what a counsellor may show of a participant, read-only
COUNSELLOR_PAGES = ("cohort",)
VIEW_ID_BYTES = 16
VIEWS_KEPT = 200  # views remembered per session; the oldest are forgotten first
VIEW_CHECK_SECONDS = 3  # how often an open view checks for new ratings or withdrawn sharing


def counsellor_workshop_id() -> int | None:
    return st.session_state.get(COUNSELLOR_KEY)


def sign_in_counsellor(workshop_id: int) -> None:
    """Only after a right passcode (or creating the workshop). Views of another workshop go."""
    st.session_state[COUNSELLOR_KEY] = workshop_id
    st.session_state[VIEWS_KEY] = {}


def sign_out_counsellor() -> None:
    st.session_state.pop(COUNSELLOR_KEY, None)
    st.session_state.pop(VIEWS_KEY, None)
    st.query_params.pop(VIEW_PARAM, None)


def viewing() -> bool:
    """Whether this page was asked for as a read-only view (valid or not)."""
    return VIEW_PARAM in st.query_params


def navigation_pages(pages: dict[str, Any]) -> tuple[list[Any], str]:
    """The pages this tab may open, and where the menu goes. Counsellor pages only after the
    passcode; a read-only view offers only the presenting pages (no page that edits)."""
    counsellor = counsellor_workshop_id() is not None
    if viewing():
        shown = [pages[n] for n in PRESENT_PAGES if n in pages]
        shown += [pages[n] for n in COUNSELLOR_PAGES if counsellor and n in pages]
        return shown or [pages["start"]], "hidden"
    return [p for name, p in pages.items() if counsellor or name not in COUNSELLOR_PAGES], "sidebar"


def presenting_pages() -> list[str]:
    return [name for name in PRESENT_PAGES if name in _PAGES]


def present(workspace_id: int) -> None:
    """Open a sharing participant's Compare page read-only (the caller has checked the cohort)."""
    view_id = secrets.token_urlsafe(VIEW_ID_BYTES)
    views = dict(st.session_state.get(VIEWS_KEY, {}))
    views[view_id] = workspace_id
    st.session_state[VIEWS_KEY] = dict(list(views.items())[-VIEWS_KEPT:])
    st.switch_page(page(presenting_pages()[0]), query_params={VIEW_PARAM: view_id})


def _view_target() -> storage.SharedWorkspace | None:
    workshop_id = counsellor_workshop_id()
    workspace_id = st.session_state.get(VIEWS_KEY, {}).get(st.query_params.get(VIEW_PARAM, ""))
    if workshop_id is None or workspace_id is None:
        return None
    return storage.find_shared_workspace(engine(), workshop_id, workspace_id)


def _require_view() -> Opened:
    shared = _view_target()
    if shared is None:
        show_no_such_view()
        st.stop()
    _view_banner(shared)
    _watch_view(shared.ref.revision)
    return Opened(shared.ref, _load(database_url(), shared.ref.id, shared.ref.revision), read_only=True)


def show_no_such_view() -> None:
    st.error(
        "**No such view.** A read-only view only opens in the counsellor's own browser tab, from the "
        "cohort page, and only while the participant shares their workspace."
    )
    if counsellor_workshop_id() is not None and "cohort" in _PAGES:
        st.page_link(page("cohort"), label="Back to the cohort", icon=":material/groups:")


def _view_banner(shared: storage.SharedWorkspace) -> None:
    view = {VIEW_PARAM: st.query_params[VIEW_PARAM]}
    with st.container(border=True, key="view_banner"):
        st.markdown(
            f"**Read-only view of {escape_md(shared.display_name)}**, who shares their workspace with "
            "this workshop. Nothing can be changed here, and this page's address opens nothing anywhere else."
        )
        links = st.columns(len(PRESENT_PAGES) + 1)
        for column, name in zip(links, presenting_pages(), strict=False):
            column.page_link(page(name), label=page(name).title, query_params=view, icon=page(name).icon)
        if "cohort" in _PAGES:
            links[-1].page_link(page("cohort"), label="Back to the cohort", icon=":material/groups:")


@st.fragment(run_every=VIEW_CHECK_SECONDS)
def _watch_view(revision: int) -> None:
    """Redraw the view when the participant adds evidence; close it when they stop sharing."""
    shared = _view_target()
    if shared is None or shared.ref.revision != revision:
        st.rerun(scope="app")
