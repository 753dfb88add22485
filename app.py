"""Tenfold's entrypoint: page set-up, the open workspace, navigation. No logic of its own."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import OperationalError

from core import scoring
from ui import counsellor, presentation, router, workspace

PAGES_DIR = Path(__file__).parent / "pages"
# A file of ours, sent inline with the page: a `:material/...` page icon is fetched from Google's font
# host by every browser (docs/deployment.md, "No request to another host").
ICON = Path(__file__).parent / "assets" / "icon.svg"

st.set_page_config(page_title="Tenfold", page_icon=ICON, layout="wide")


def _prepare() -> None:
    # The comparison pages' modules (Altair, pandas, the decision engine: about a second to import)
    # and the compiled scoring loops (seconds on a fresh install, a fraction of one from the disk cache).
    importlib.import_module("ui.chart_panel")
    scoring.warm_up()


@st.cache_resource(show_spinner=False)
def _prepare_in_background() -> threading.Thread:
    """Once per server process, while the first visitor reads Start: no page should wait for it."""
    thread = threading.Thread(target=_prepare, name="prepare-comparisons", daemon=True)
    thread.start()
    return thread


_prepare_in_background()

pages = {
    "start": st.Page(PAGES_DIR / "start.py", title="Start", icon=":material/home:", default=True),
    "options": st.Page(PAGES_DIR / "options.py", title="Options", icon=":material/list:"),
    "interviews": st.Page(PAGES_DIR / "interviews.py", title="Interviews & ratings", icon=":material/forum:"),
    "weights": st.Page(PAGES_DIR / "weights.py", title="Weights", icon=":material/tune:"),
    "compare": st.Page(PAGES_DIR / "compare.py", title="Compare", icon=":material/leaderboard:"),
    "decision": st.Page(PAGES_DIR / "decision.py", title="Decision", icon=":material/verified:"),
    "workshop": st.Page(PAGES_DIR / "workshop.py", title="Workshop", icon=":material/school:"),
    "transfer": st.Page(PAGES_DIR / "transfer.py", title="Export & import", icon=":material/swap_vert:"),
    # The counsellor's page: in the menu only after the workshop's passcode (ui.counsellor.navigation_pages).
    "cohort": st.Page(PAGES_DIR / "cohort.py", title="Cohort", icon=":material/groups:"),
}
router.register_pages(pages)

token = workspace.sync_token_with_url()
shown, menu = counsellor.navigation_pages(pages)
current = st.navigation(shown, position=menu)

try:
    workspace.sidebar_summary()
    presentation.presentation_toggle()
    current.run()
except OperationalError:
    st.error(
        "**Tenfold cannot reach its database right now.** Nothing you entered before this message "
        "was lost. Wait a moment and reload the page; if it persists, tell your counsellor."
    )
