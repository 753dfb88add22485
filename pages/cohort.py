"""Cohort (counsellors only): who joined, what the sharing participants' evidence says, what the
cohort should cover next, and a read-only view of any sharing participant, one click away.

The router registers this page only after the workshop's passcode; the check below is a second
lock on the same door. Everything is read fresh from the database every few seconds; the one
cache is keyed by each workspace's revision, which every write bumps, so it is never stale.
"""

from __future__ import annotations

import datetime as dt
import math

import streamlit as st

import ui
from core import cohort_charts, storage, workshops
from core.scoring import THIN_COVERAGE
from core.summary import cohort_csv, csv_bytes

REFRESH_SECONDS = 3
PRESENT_KEY = "cohort_present"  # plain key: the workspace whose Present button was clicked
VERDICT_WORDS = {
    "confirmed": "Confirmed",
    "close_call": "Close call",
    "reconsider": "Reconsider",
    "not_enough_evidence": "Not enough evidence yet",
}
COLUMNS = (  # title, relative width
    ("Participant", 1.8),
    ("Options", 1.0),
    ("Interviews", 1.2),
    ("Top option", 1.8),
    ("Score", 0.8),
    ("Coverage", 1.1),
    ("Leaning", 1.8),
    ("Verdict", 1.4),
    ("", 1.2),
)

workshop_id = ui.counsellor_workshop_id()
workshop = storage.get_workshop(ui.engine(), workshop_id) if workshop_id is not None else None
if workshop is None:
    st.error("**Counsellors only.** Sign in with your workshop's join code and passcode on the Workshop page.")
    st.stop()

st.title(f"Cohort: {ui.escape_md(workshop.name)}")
code = workshops.spoken_join_code(workshop.join_code)
st.markdown(f"Participants join on the **Workshop** page with the code **{code}**.")
ui.show_flash()
url = ui.database_url()
large = ui.presentation_mode()


@st.cache_data(max_entries=4096, ttl=dt.timedelta(hours=12), show_spinner=False)
def _summary(url: str, workspace_id: int, revision: int, display_name: str) -> workshops.ParticipantSummary:
    # Keyed by revision: a new rating bumps it, so this never hides a participant's latest write.
    return workshops.participant_summary(display_name, storage.load_workspace(ui.engine(), workspace_id))


def _score(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.0f}"


def _coverage(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{100 * value:.0f}%" + (" (thin)" if value < THIN_COVERAGE else "")


def _cell(column, text: str) -> None:  # type: ignore[no-untyped-def]
    column.markdown(ui.escape_md(text) if text else "—")


def _choose(workspace_id: int) -> None:
    st.session_state[PRESENT_KEY] = workspace_id


def _table(sharing: list[storage.Member], summaries: list[workshops.ParticipantSummary]) -> None:
    header = st.columns([w for _, w in COLUMNS], vertical_alignment="bottom")
    for column, (title, _) in zip(header, COLUMNS, strict=True):
        if title:
            column.markdown(f"**{title}**")
    for member, summary in zip(sharing, summaries, strict=True):
        row = summary.row
        cells = st.columns([w for _, w in COLUMNS], vertical_alignment="center")
        _cell(cells[0], row.participant)
        _cell(cells[1], str(row.options))
        _cell(cells[2], str(row.interviews))
        _cell(cells[3], row.top_option)
        _cell(cells[4], _score(row.top_score))
        _cell(cells[5], _coverage(row.top_coverage))
        _cell(cells[6], row.leaning)
        _cell(cells[7], VERDICT_WORDS.get(row.verdict, ""))
        if not ui.presenting_pages():  # no page to present yet
            continue
        cells[8].button(
            "Present",
            key=f"cohort_present_{member.workspace_id}",
            help="Show this participant's comparison read-only, in presentation mode.",
            on_click=_choose,
            args=(member.workspace_id,),
        )


@st.fragment(run_every=REFRESH_SECONDS)
def live() -> None:
    # A click on Present is remembered by its callback and acted on here, before anything else.
    chosen = st.session_state.pop(PRESENT_KEY, None)
    if chosen is not None:
        ui.present(chosen)
    members = storage.cohort_members(ui.engine(), workshop.id)
    sharing = [m for m in members if m.shared]
    quiet = [m for m in members if not m.shared]
    summaries = [_summary(url, m.workspace_id, m.revision, m.display_name) for m in sharing]  # type: ignore[arg-type]

    top = st.columns([1.2, 1, 1, 2.5], vertical_alignment="bottom")
    top[0].metric("Join code", code)
    top[1].metric("Joined", len(members))
    top[2].metric("Sharing with you", len(sharing))
    with top[3]:
        st.button("Refresh now", key="cohort_refresh", icon=":material/refresh:")
        st.caption(f"Updates by itself every {REFRESH_SECONDS} seconds · last {dt.datetime.now():%H:%M:%S}")

    if not members:
        st.info(f"No one has joined yet. Participants open the Workshop page, choose Join and type **{code}**.")
        return

    st.subheader("Sharing with you")
    if sharing:
        with st.container(key="cohort_table"):
            _table(sharing, summaries)
        st.download_button(
            "Download the cohort CSV",
            csv_bytes(cohort_csv([s.row for s in summaries])),
            file_name="tenfold-cohort.csv",
            mime="text/csv",
            key="cohort_csv",
            on_click="ignore",
            icon=":material/download:",
        )
    else:
        st.caption("No one shares their workspace with you yet. Each participant switches sharing on themselves.")

    if quiet:
        with st.container(key="cohort_quiet"):
            st.subheader("Joined, not sharing")
            st.markdown(" · ".join(ui.escape_md(m.display_name) for m in quiet))
            st.caption("You see only their names until they switch sharing on.")

    if summaries:
        st.subheader("The cohort's dimensions")
        needs = workshops.cohort_needs(summaries)
        shown = st.segmented_control(
            "Show", ["Charts", "Table"], default="Charts", key="cohort_needs_as", label_visibility="collapsed"
        )
        if shown == "Table":
            st.dataframe(cohort_charts.needs_table(needs), hide_index=True, width="stretch")
        else:
            left, right = st.columns(2)
            left.altair_chart(cohort_charts.weights_chart(needs, large=large), width="stretch")
            right.altair_chart(cohort_charts.needs_chart(needs, large=large), width="stretch")
        st.caption(
            "Left: the mean weight each dimension gets (0 = irrelevant, 5 = essential). Right: how little "
            "evidence the cohort has on each dimension — the share of options nobody has rated on it yet, "
            "weighted by how much it matters to each participant, every participant counting once. "
            "The longest bars are the questions to work on next session."
        )


live()
