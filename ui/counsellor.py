"""Workshops: the counsellor's sign-in, the pages it opens, and read-only views of participants.

A counsellor's sign-in lives in this tab's session (`COUNSELLOR_KEY`, set after a right passcode,
never by a widget) and, for `Settings.sign_in_hours` (a workshop's length), in the database under a
hash of this browser's secret (core/storage/browsers.py): a reload, or another tab of the same
browser, is still signed in; another browser is not. Signing out, in any tab, ends it for the
browser. Without the browser's secret (XSRF protection off) the sign-in lives in the tab alone.

Each read-only view is a fresh random id mapped, server-side in `VIEWS_KEY`, to a workspace id.
The address bar shows `?view=<id>`: useless in another browser, and it never names a workspace or
carries a token. Every use re-checks in the database that the workspace still belongs to this
workshop and still shares.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from sqlalchemy.exc import OperationalError

from core import storage
from core.settings import get_settings
from ui import escape_md
from ui.database import Opened, engine, load_opened
from ui.router import has_page, page
from ui.streamlit_workarounds import browser_secret

VIEW_PARAM = "view"
COUNSELLOR_KEY = "counsellor_workshop_id"
UNTIL_KEY = "counsellor_signed_in_until"  # when this browser's sign-in ends (None: with the tab)
VIEWS_KEY = "counsellor_views"
PRESENT_PAGES = ("compare", "decision")  # what a counsellor may show of a participant, read-only
COUNSELLOR_PAGES = ("cohort", "room")
# A counsellor with no participant workspace open sees these pages only (and the counsellor pages).
COUNSELLOR_MENU = ("start", "workshop", "cohort", "room")
VIEW_ID_BYTES = 16
VIEWS_KEPT = 200  # views remembered per session; the oldest are forgotten first
VIEW_CHECK_SECONDS = 3  # how often an open view checks for new ratings or withdrawn sharing


def counsellor_workshop_id() -> int | None:
    return st.session_state.get(COUNSELLOR_KEY)


def sign_in_counsellor(workshop_id: int) -> None:
    """Only after a right passcode (or creating the workshop). Views of another workshop go."""
    _signed_in_tab(workshop_id)
    secret = browser_secret()
    if secret is not None:
        signed_in = storage.remember_counsellor(engine(), secret, workshop_id, lifetime=get_settings().sign_in_lifetime)
        st.session_state[UNTIL_KEY] = signed_in.expires_at


def _signed_in_tab(workshop_id: int) -> None:
    if st.session_state.get(COUNSELLOR_KEY) != workshop_id:
        st.session_state[VIEWS_KEY] = {}
    st.session_state[COUNSELLOR_KEY] = workshop_id


def sign_out_counsellor() -> None:
    """Signs this browser out: this tab, its reloads and its other tabs."""
    secret = browser_secret()
    if secret is not None:
        storage.forget_counsellor(engine(), secret)
    _signed_out_tab()
    st.query_params.pop(VIEW_PARAM, None)


def _signed_out_tab() -> None:
    for key in (COUNSELLOR_KEY, UNTIL_KEY, VIEWS_KEY):
        st.session_state.pop(key, None)


def check_sign_in() -> None:
    """At the top of every run: this tab is signed in exactly while this browser is (after a
    reload, a sign-out in another tab, the end of a workshop's length)."""
    secret = browser_secret()
    if secret is None:  # no per-browser cookie: the sign-in lives in this tab alone
        return
    try:
        signed_in = storage.counsellor_sign_in(engine(), secret)
    except OperationalError:  # the database is away for a moment: keep what this tab knows
        return
    if signed_in is None:
        _signed_out_tab()
        return
    _signed_in_tab(signed_in.workshop_id)
    st.session_state[UNTIL_KEY] = signed_in.expires_at


def signed_in_until() -> dt.datetime | None:
    """When this browser's sign-in ends (UTC); None when it lives in this tab alone."""
    return st.session_state.get(UNTIL_KEY)


def sign_in_caption() -> str:
    """Where and for how long the counsellor is signed in, in a sentence."""
    until = signed_in_until()
    if until is None:
        return "You are signed in as its counsellor in this browser tab only: reloading or closing it signs you out."
    hours = get_settings().sign_in_hours
    return (
        f"You are signed in as its counsellor in this browser, also after a reload, until {_local_time(until)} "
        f"({hours:g} hours after signing in). Sign out before you leave a shared computer."
    )


def _local_time(moment: dt.datetime) -> str:
    """A time of day in the browser's own time zone (UTC when it sent none)."""
    try:
        zone: dt.tzinfo = ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return f"{moment.astimezone(zone):%H:%M}"


def sidebar_sign_out() -> None:
    """The counsellor's sign-in, and a way out, on every page."""
    workshop_id = counsellor_workshop_id()
    if workshop_id is None or viewing():
        return
    with st.sidebar, st.container(border=True, key="counsellor_sidebar"):
        st.caption("Signed in as the counsellor.")
        st.button("Sign out", key="counsellor_sign_out", on_click=sign_out_counsellor, icon=":material/logout:")


def viewing() -> bool:
    """Whether this page was asked for as a read-only view (valid or not)."""
    return VIEW_PARAM in st.query_params


def navigation_pages(pages: dict[str, Any], *, workspace_open: bool) -> tuple[list[Any], str]:
    """The pages this tab may open, and where the menu goes. Counsellor pages only after the
    passcode, and with no participant workspace open only the counsellor's own; a read-only view
    offers only the presenting pages (no page that edits)."""
    counsellor = counsellor_workshop_id() is not None
    if viewing():
        shown = [pages[n] for n in PRESENT_PAGES if n in pages]
        shown += [pages[n] for n in COUNSELLOR_PAGES if counsellor and n in pages]
        return shown or [pages["start"]], "hidden"
    if counsellor and not workspace_open:
        return [pages[n] for n in COUNSELLOR_MENU if n in pages], "sidebar"
    return [p for name, p in pages.items() if counsellor or name not in COUNSELLOR_PAGES], "sidebar"


def presenting_pages() -> list[str]:
    return [name for name in PRESENT_PAGES if has_page(name)]


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


def require_view() -> Opened:
    """The participant's workspace this read-only view shows, or a plain explanation and a stop."""
    shared = _view_target()
    if shared is None:
        show_no_such_view()
        st.stop()
    _view_banner(shared)
    _watch_view(shared.ref.revision)
    return load_opened(shared.ref, read_only=True)


def show_no_such_view() -> None:
    st.error(
        "**No such view.** A read-only view only opens in the counsellor's own browser tab, from the "
        "cohort page, and only while the participant shares their workspace."
    )
    if counsellor_workshop_id() is not None and has_page("cohort"):
        st.page_link(page("cohort"), label="Back to the cohort", icon=":material/groups:")


def _view_banner(shared: storage.SharedWorkspace) -> None:
    view = {VIEW_PARAM: st.query_params[VIEW_PARAM]}
    with st.container(border=True, key="view_banner"):
        st.markdown(
            f"**Read-only view of {escape_md(shared.display_name)}**, who shares their workspace with "
            "this workshop. Nothing can be changed here, and this page's address opens nothing anywhere else. "
            f"The readings speak to {escape_md(shared.display_name)}: “you” and “your” are theirs."
        )
        links = st.columns(len(PRESENT_PAGES) + 1)
        for column, name in zip(links, presenting_pages(), strict=False):
            column.page_link(page(name), label=page(name).title, query_params=view, icon=page(name).icon)
        if has_page("cohort"):
            links[-1].page_link(page("cohort"), label="Back to the cohort", icon=":material/groups:")


@st.fragment(run_every=VIEW_CHECK_SECONDS)
def _watch_view(revision: int) -> None:
    """Redraw the view when the participant adds evidence; close it when they stop sharing."""
    shared = _view_target()
    if shared is None or shared.ref.revision != revision:
        st.rerun(scope="app")
