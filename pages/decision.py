"""Decision: does the evidence back each current leaning (a career, an employer), how robustly, and what to ask next.

Thin: core.decision decides, views draws (views.decision lists the sections), views.questions_sheet
prints, and ui.decision_panel caches and shows them. This page shows each kind's verdict, then one section
at a time (a segmented control, not tabs, so hidden charts are never built).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.decision import NOT_ENOUGH_EVIDENCE, thresholds_in_words
from ui import decision_panel as panel
from ui import escape_md, messages, router, workspace
from ui.next_step import next_step
from ui.presentation import presentation_mode
from views.common import KIND_PLURAL, empty_state
from views.decision import SECTIONS

SECTION_KEY, KIND_KEY, TABLE_KEY = "decision_section", "decision_kind", "decision_as_table"
ARTICLE = {"career": "a", "employer": "an"}

st.title("Decision")
opened = workspace.require_workspace()
messages.show_flash()
large = presentation_mode()


def link(name: str, label: str, icon: str) -> None:
    """A link to an editing page; none in presentation mode (nor in a counsellor's read-only view)."""
    if not large:
        st.page_link(router.page(name), label=label, icon=icon)


decision = panel.decision_of(opened)
ev = decision.standing.evidence
verdict = decision.verdict

# --- empty states: say what to do next ----------------------------------------------------------
empty = empty_state(decision.standing)
if empty is not None and empty.reason in ("no_options", "no_weights"):
    st.info(empty.message, icon=":material/info:")
    if empty.reason == "no_options":
        link("options", "Add careers and employers", ":material/arrow_forward:")
    else:
        link("weights", "Set your weights", ":material/arrow_forward:")
    st.stop()
if empty is not None and empty.reason == "no_ratings":
    st.info(
        "There is nothing to weigh yet: none of your options has a rating. After your next conversation, log it "
        "and rate the options it informed. Here is what is worth asking first.",
        icon=":material/info:",
    )
    link("interviews", "Log an interview", ":material/arrow_forward:")
    st.header("Ask next")
    panel.ask_next_section(opened, panel.kind_parts(opened, decision, decision.kind), verdict.headline)
    st.stop()

# --- the verdicts, one sentence for each kind (the focus kind first) ------------------------------
# A workspace weighs two decisions, which field and which organisation; each has its own leaning and verdict.
verdict_kinds = sorted(decision.kinds, key=lambda k: k != decision.kind)
unset = []
with st.container(key="decision_verdict"):
    for verdict_kind in verdict_kinds:
        kind_verdict = decision.kinds[verdict_kind].verdict
        if len(verdict_kinds) > 1:
            st.header(f"Which {verdict_kind}?")
        panel.verdict_box(kind_verdict, key=f"decision_verdict_{verdict_kind}")
        if not kind_verdict.is_leaning and kind_verdict.option_name:
            unset.append(verdict_kind)
            st.markdown(
                f"You have not set {ARTICLE[verdict_kind]} {verdict_kind} leaning yet, so the verdict above is about "
                f"the {verdict_kind} the evidence favours, **{escape_md(kind_verdict.option_name)}**. Set the "
                f"{verdict_kind} you are leaning towards to see whether the evidence backs it."
            )
if unset:
    link("options", "Set your current leaning", ":material/flag:")
with st.expander("How we decide"):
    st.markdown("\n".join(f"- {escape_md(line)}" for line in thresholds_in_words()))

# --- which kind, which section -------------------------------------------------------------------
kinds = [k for k in ("career", "employer") if (ev.kinds == k).any()]
kind = decision.kind or kinds[0]
# The sections get a row of their own, where the control can wrap on a narrow screen or in large text.
section_at, (kind_at, table_at) = st.container(), st.columns([3, 1.2], vertical_alignment="bottom")
if len(kinds) > 1:
    if st.session_state.get(KIND_KEY, kind) not in kinds:
        st.session_state[KIND_KEY] = kind
    kind = kind_at.segmented_control(
        "Show", kinds, format_func=lambda k: KIND_PLURAL[k].capitalize(), key=KIND_KEY,
        default=decision.kind, required=True, persist_state="page",
        help="Your careers and your employers are two decisions: see how each kind's options stand.",
    )
section = section_at.segmented_control(
    "Section", list(SECTIONS), format_func=SECTIONS.get, key=SECTION_KEY, required=True,
    default="ask" if verdict.code == NOT_ENOUGH_EVIDENCE else "acceptability", persist_state="session",
)
as_table = section != "ask" and table_at.toggle(
    "As a table", key=TABLE_KEY, persist_state="session", help="The same numbers as the chart, in a table."
)
if len(kinds) > 1:
    st.caption(f"Below, your {KIND_PLURAL[kind]}.")

parts = panel.kind_parts(opened, decision, kind)
members = np.flatnonzero(ev.kinds == kind)
if section == "ask":
    panel.ask_next_section(opened, parts, decision.kinds[kind].verdict.headline)
elif len(members) < 2:
    st.info(
        f"{escape_md(ev.names[members[0]])} is your only {kind} so far. Add at least one other {kind} you are "
        "considering, and ask about it, to see how they compare.",
        icon=":material/info:",
    )
    link("options", f"Add another {kind}", ":material/add:")
elif section == "sensitivity" and parts.sensitivity is None:
    st.info(
        f"None of your {KIND_PLURAL[kind]} has a score yet, so there is no top {kind} to test. Rate them "
        "after your next conversation.",
        icon=":material/info:",
    )
else:
    panel.chart_section(opened, decision, parts, section, as_table=as_table)

next_step("transfer", "take your decision home: the report, the summary and a backup")
