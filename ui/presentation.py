"""Presentation mode, for sharing a screen: larger text and charts, no editing, no private link.
A counsellor's read-only view is always presented.
"""

from __future__ import annotations

import streamlit as st

from ui.counsellor import viewing

PRESENTATION_KEY = "presentation_mode"
PRESENTATION_TOGGLE_KEY = "presentation_toggle"
# Streamlit sizes text in rem, so a larger root font enlarges every page; charts enlarge their own
# labels (views, large=True). Fixed text only: never put user text in here.
PRESENTATION_CSS = """<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>"""


def presentation_mode() -> bool:
    return bool(st.session_state.get(PRESENTATION_KEY, False)) or viewing()


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
