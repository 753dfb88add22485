"""Tenfold's entrypoint: page set-up, the open workspace, navigation. No logic of its own."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlalchemy.exc import OperationalError

from ui import counsellor, presentation, router, workspace
from ui.streamlit_workarounds import disable_nagle

PAGES_DIR = Path(__file__).parent / "pages"
# A file of ours, sent inline with the page: a `:material/...` page icon is fetched from Google's font
# host by every browser (docs/deployment.md, "No request to another host").
ICON = Path(__file__).parent / "assets" / "icon.svg"

st.set_page_config(page_title="Tenfold", page_icon=ICON, layout="wide")
disable_nagle()  # once per process: replies without a 40 ms wait (ui/streamlit_workarounds.py)

pages = {
    "start": st.Page(PAGES_DIR / "start.py", title="Start", icon=":material/home:", default=True),
    "options": st.Page(PAGES_DIR / "options.py", title="Options", icon=":material/list:"),
    "interviews": st.Page(PAGES_DIR / "interviews.py", title="Interviews & ratings", icon=":material/forum:"),
    "weights": st.Page(PAGES_DIR / "weights.py", title="Weights", icon=":material/tune:"),
    "compare": st.Page(PAGES_DIR / "compare.py", title="Compare", icon=":material/leaderboard:"),
    "decision": st.Page(PAGES_DIR / "decision.py", title="Decision", icon=":material/verified:"),
    "workshop": st.Page(PAGES_DIR / "workshop.py", title="Workshop", icon=":material/school:"),
    "transfer": st.Page(PAGES_DIR / "transfer.py", title="Export & import", icon=":material/swap_vert:"),
    # The counsellor's pages: in the menu only after the workshop's passcode (ui.counsellor.navigation_pages).
    "cohort": st.Page(PAGES_DIR / "cohort.py", title="Cohort", icon=":material/groups:"),
    "room": st.Page(PAGES_DIR / "room.py", title="Join code on screen", icon=":material/co_present:"),
}
router.register_pages(pages)

counsellor.check_sign_in()  # this browser's sign-in, after a reload too
presentation.restore_presentation()  # this tab's presentation mode, after a reload too
presentation.page_css()  # touch targets on phones
token = workspace.sync_token_with_url()
shown, menu = counsellor.navigation_pages(pages, workspace_open=workspace.has_open_workspace())
current = st.navigation(shown, position=menu)

try:
    ref = workspace.current_ref()
    workspace.sidebar_summary(ref)
    presentation.presentation_toggle(ref.id if ref else None)
    counsellor.sidebar_sign_out()
    current.run()
except OperationalError:
    st.error(
        "**Tenfold cannot reach its database right now.** Nothing you entered before this message "
        "was lost. Wait a moment and reload the page; if it persists, tell your counsellor."
    )
