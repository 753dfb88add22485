"""Presentation mode, for sharing a screen: larger text and charts, no editing, no private link, no
notes. A counsellor's read-only view is always presented.

It survives a reload of the tab, in this browser only: turning it on gives the tab a random id,
kept in its address (`?present=`), and stores, under a hash of this browser's secret and that id,
which workspace the tab presents (core/storage/browsers.py). A reloaded tab finds both and
presents the same workspace again, though it no longer holds the workspace's private link:
such a tab can only present (`presenting_without_link`); turning presentation mode off there
closes the workspace until its private link is opened again. The same address in another
browser, or a new tab of this one, opens nothing.
"""

from __future__ import annotations

import secrets

import streamlit as st
from sqlalchemy.exc import OperationalError

from core import storage
from core.settings import get_settings
from ui.counsellor import viewing
from ui.database import engine
from ui.streamlit_workarounds import browser_secret

PRESENTATION_KEY = "presentation_mode"
PRESENTATION_TOGGLE_KEY = "presentation_toggle"
PLACE_PARAM = "present"
PLACE_KEY = "presentation_place"  # this tab's id while presenting, also in its address
WITHOUT_LINK_KEY = "presentation_without_link"  # set in a tab reloaded while presenting a workspace
ENDED_WITHOUT_LINK_KEY = "presentation_ended_without_link"  # such a tab has just stopped presenting
PLACE_BYTES = 16
NOTES_HIDDEN = "Notes and contact names are hidden while presenting."
# Streamlit sizes text in rem, so a larger root font enlarges every page; charts enlarge their own
# labels (views, large=True). Fixed text only: never put user text in here.
PRESENTATION_CSS = """<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>"""


# Every page, on a touch screen or a phone's width: every button at least 44 px each way (WCAG 2.5.5's
# target size; Streamlit's 1-5 rating buttons are 41x32 px). Fixed text only, as above.
PAGE_CSS = """<style>
@media (pointer: coarse), (max-width: 640px) {
  [data-testid="stButtonGroup"] button[data-variant], .stButton button, .stDownloadButton button,
  .stFormSubmitButton button, [data-testid="stPopover"] button, .tenfold-copy {
    min-height: 44px; min-width: 44px;
  }
}
</style>"""


def page_css() -> None:
    """The CSS every page has (touch targets); presentation mode adds its own (`presentation_css`)."""
    st.html(PAGE_CSS)


def presentation_mode() -> bool:
    return bool(st.session_state.get(PRESENTATION_KEY, False)) or viewing()


def presenting_without_link() -> bool:
    """A tab reloaded while presenting: it shows the workspace but holds no private link to it."""
    return bool(st.session_state.get(WITHOUT_LINK_KEY)) and presentation_mode()


def restore_presentation() -> None:
    """At the top of every run: a tab reloaded while presenting presents again, if this browser
    remembers its id; the id goes back into the address after a page switch."""
    if viewing():
        return
    place = st.query_params.get(PLACE_PARAM)
    if st.session_state.get(PRESENTATION_KEY):
        if st.session_state.get(PLACE_KEY) and place != st.session_state[PLACE_KEY]:
            st.query_params[PLACE_PARAM] = st.session_state[PLACE_KEY]
        return
    if not place:
        return
    secret = browser_secret()
    try:
        presenting = storage.presenting_in_browser(engine(), secret, place) if secret else None
    except OperationalError:  # the database is away for a moment: try again on the next run
        return
    if presenting is None:  # another browser, expired, or turned off: an id that opens nothing
        st.query_params.pop(PLACE_PARAM, None)
        return
    st.session_state[PRESENTATION_KEY] = True
    st.session_state[PLACE_KEY] = place
    st.session_state[WITHOUT_LINK_KEY] = presenting.workspace_id is not None


def presented_workspace() -> storage.WorkspaceRef | None:
    """The workspace a tab reloaded while presenting shows (None in any other tab)."""
    place, secret = st.session_state.get(PLACE_KEY), browser_secret()
    if not presenting_without_link() or not place or secret is None:
        return None
    return storage.presented_workspace(engine(), secret, place)


def now_presenting(workspace_id: int | None) -> None:
    """The tab opened or closed a workspace: while presenting, the browser remembers the new one,
    and the tab holds its private link again (or has none to hold)."""
    st.session_state.pop(WITHOUT_LINK_KEY, None)
    st.session_state.pop(ENDED_WITHOUT_LINK_KEY, None)
    if st.session_state.get(PRESENTATION_KEY):
        _remember(workspace_id)


def _remember(workspace_id: int | None) -> None:
    secret = browser_secret()
    if secret is None:  # no per-browser cookie: presentation mode lives in this tab's session alone
        return
    place = st.session_state.setdefault(PLACE_KEY, secrets.token_urlsafe(PLACE_BYTES))
    st.query_params[PLACE_PARAM] = place
    storage.remember_presenting(engine(), secret, place, workspace_id, lifetime=get_settings().sign_in_lifetime)


def _forget() -> None:
    place, secret = st.session_state.pop(PLACE_KEY, None), browser_secret()
    st.query_params.pop(PLACE_PARAM, None)
    if place and secret is not None:
        storage.forget_presenting(engine(), secret, place)
    if st.session_state.pop(WITHOUT_LINK_KEY, False):
        st.session_state[ENDED_WITHOUT_LINK_KEY] = True


def _switch(workspace_id: int | None) -> None:
    on = bool(st.session_state.get(PRESENTATION_TOGGLE_KEY))
    st.session_state[PRESENTATION_KEY] = on
    if on:
        _remember(workspace_id)
    else:
        _forget()


def presentation_toggle(workspace_id: int | None) -> None:
    """The sidebar switch, for the workspace open in this tab (if any). Its value lives in a plain
    key, since widget keys are dropped on a page switch."""
    st.session_state[PRESENTATION_TOGGLE_KEY] = presentation_mode()
    st.sidebar.toggle(
        "Presentation mode",
        key=PRESENTATION_TOGGLE_KEY,
        on_change=_switch,
        args=(workspace_id,),
        help="Larger text and charts, no editing controls, no notes or contact names and no private link "
        "in the address bar, for sharing your screen. Stays on across pages and when you reload this tab "
        "(in this browser only). After a reload, turning it off closes your workspace in this tab: open it "
        "again with your private link.",
        disabled=viewing(),  # a counsellor's read-only view is always presented
    )
    if presentation_mode():
        presentation_css()


def presentation_css() -> None:
    st.html(PRESENTATION_CSS)


def notes_hidden_caption() -> None:
    """One line on an editing page, where notes would be."""
    st.caption(NOTES_HIDDEN)
