"""Workshops: the counsellor's sign-in, the pages it opens, and read-only views of participants.

A counsellor's access lives only in this tab's session: `COUNSELLOR_KEY` is set after a right
passcode (never by a widget), and each read-only view is a fresh random id mapped, server-side
in `VIEWS_KEY`, to a workspace id. The address bar shows `?view=<id>`: useless in another
browser, and it never names a workspace or carries a token. Every use re-checks in the database
that the workspace still belongs to this workshop and still shares.
"""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st

from core import storage
from ui import escape_md
from ui.database import Opened, engine, load_opened
from ui.router import has_page, page

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
