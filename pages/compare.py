"""Compare: where each career and employer stands, on what, and how much evidence is behind it.

Thin: views builds every chart, table and reading, ui.chart_panel caches and draws them.
Only the chosen view is built (a segmented control, not tabs, which would run every view).
"""

from __future__ import annotations

import streamlit as st

from ui import messages, router, workspace
from ui.chart_panel import chart_panel, standing_of
from ui.next_step import next_step
from ui.presentation import presentation_mode
from views.common import SCOPE_ALL, EmptyState, empty_state, scope_choices, scope_rows
from views.compare import VIEWS
from views.profile import PROFILE_MAX, PROFILE_MIN, default_profile_choice

st.title("Compare")
opened = workspace.require_workspace()
messages.show_flash()
scores = standing_of(opened)
ev = scores.evidence

NEXT = {"no_options": ("options", "Add careers and employers"), "no_weights": ("weights", "Set your weights"),
        "no_ratings": ("interviews", "Log an interview")}


def show_empty(empty: EmptyState) -> None:
    st.info(empty.message, icon=":material/info:")
    if empty.reason in NEXT and not presentation_mode():
        page, label = NEXT[empty.reason]
        st.page_link(router.page(page), label=label, icon=":material/arrow_forward:")
    st.stop()


empty = empty_state(scores)  # nothing to compare at all: no controls to offer yet
if empty is not None:
    show_empty(empty)

scopes = scope_choices(opened.workspace)
if st.session_state.get("compare_scope", SCOPE_ALL) not in scopes:  # e.g. a deleted career
    st.session_state["compare_scope"] = SCOPE_ALL
view = st.segmented_control(
    "View", list(VIEWS), format_func=VIEWS.get, key="compare_view", default="ranking",
    required=True, persist_state="session", wrap=True,
)
left, right = st.columns([3, 1], vertical_alignment="bottom")
scope = left.selectbox("Show", list(scopes), format_func=scopes.get, key="compare_scope", persist_state="session")
as_table = right.toggle("As a table", key="compare_as_table", persist_state="session",
                        help="The same numbers as the chart, in a table.")

empty = empty_state(scores, scope)
if empty is not None:
    show_empty(empty)

chosen: list[str] = []
if view == "profile":
    rows = scope_rows(scores, scope)
    ids = [ev.option_ids[i] for i in rows]
    if len(ids) < PROFILE_MIN:
        st.info("A profile compares two or three options, and this filter shows only one. Pick a wider filter.")
        st.stop()
    kept = [i for i in st.session_state.get("compare_profile", []) if i in ids]
    st.session_state["compare_profile"] = kept or default_profile_choice(scores, rows)
    names = dict(zip(ev.option_ids, ev.names, strict=True))
    chosen = st.multiselect(
        "Options side by side (two or three)", ids, format_func=names.get, key="compare_profile",
        max_selections=PROFILE_MAX, persist_state="session",
    )
    if len(chosen) < PROFILE_MIN:
        st.info("Choose two or three options to see them side by side.")
        st.stop()

chart_panel(opened, view, scope, chosen, as_table=as_table)

next_step("decision", "see whether the evidence backs your current leaning")
