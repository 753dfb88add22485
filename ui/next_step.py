"""The link at the foot of a participant's page to the step that follows it, in the menu's order:
options, interviews and ratings, weights, compare, decision, export."""

from __future__ import annotations

import streamlit as st

from ui import router
from ui.presentation import presentation_mode


def next_step(page: str, label: str) -> None:
    """A link to the next step; none while presenting (nothing is edited on a shared screen) nor in a
    counsellor's read-only view (which has its own links). The router puts `?w=` back after the switch."""
    if presentation_mode():
        return
    st.divider()
    st.page_link(router.page(page), label=f"Next: {label}", icon=":material/arrow_forward:")
