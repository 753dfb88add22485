"""Cohort (counsellors only): who joined, what the sharing participants' evidence says, what the
cohort should cover next, and a read-only view of any sharing participant, one click away.

The router registers this page only after the workshop's passcode; the check below is a second
lock on the same door. Everything is read fresh from the database every few seconds; the one
cache is keyed by each workspace's revision, which every write bumps, so it is never stale.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

import streamlit as st
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from core import storage
from core.access import spoken_join_code
from core.cohort import ParticipantSummary, cohort_needs, participant_summary
from core.decision import verdict_label
from core.models import TenfoldError, describe_validation_error
from core.scoring import THIN_COVERAGE
from core.settings import get_settings
from core.summary import cohort_csv, csv_bytes
from ui import counsellor, database, escape_md, messages, router
from ui.presentation import presentation_mode
from views import cohort

REFRESH_SECONDS = 3
PRESENT_KEY = "cohort_present"  # plain key: the workspace whose Present button was clicked
# Five grouped columns rather than nine narrow ones: readable when screen-shared in large text.
COLUMNS = (("Participant", 2.0), ("Top option", 2.4), ("Leaning", 2.0), ("Verdict", 1.6), ("", 1.3))
# On a phone Streamlit stacks a row's columns one under the other (below 640 px), so the header row
# would sit apart from the values: there it is hidden and each value shows its own label instead.
# Fixed text only: never put user text in here.
NARROW_TABLE_CSS = """<style>
[class*="st-key-cohort_label_"] { display: none; }
@media (max-width: 640px) {
  .st-key-cohort_header { display: none; }
  [class*="st-key-cohort_label_"] { display: flex; }
}
</style>"""

workshop_id = counsellor.counsellor_workshop_id()
workshop = storage.get_workshop(database.engine(), workshop_id) if workshop_id is not None else None
if workshop is None:
    st.error(
        "**Counsellors only.** Sign in with your workshop's join code and passcode on the Workshop page. "
        f"A sign-in lasts {get_settings().sign_in_hours:g} hours in one browser."
    )
    st.stop()

st.title(f"Cohort: {escape_md(workshop.name)}")
code = spoken_join_code(workshop.join_code)
messages.show_flash()
url = database.database_url()
large = presentation_mode()


@st.cache_data(max_entries=4096, ttl=dt.timedelta(hours=12), show_spinner=False)
def _summary(url: str, workspace_id: int, revision: int, display_name: str) -> ParticipantSummary | str:
    """The participant's row, or what is wrong with their workspace: one workspace that cannot be
    read (data this Tenfold refuses) costs its own row, never the cohort's table."""
    # Keyed by revision: a new rating bumps it, so this never hides a participant's latest write.
    try:
        return participant_summary(display_name, storage.load_workspace(database.engine(), workspace_id))
    except ValidationError as error:
        return f"This workspace holds data Tenfold cannot read: {describe_validation_error(error)[0]}"
    except TenfoldError as error:
        return str(error)
    except OperationalError:  # the database, not this workspace: never cached as the row's answer
        raise
    except Exception:  # one row's failure, logged; the rest of the table still shows
        logging.getLogger(__name__).exception("cohort: workspace %s could not be summarised", workspace_id)
        return "Tenfold could not read this workspace just now (an unexpected error, logged for the administrator)."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _top(row) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The top option's name, and its score with coverage ("thin" below the scoring threshold)."""
    if not row.top_option or row.top_score is None or math.isnan(row.top_score):
        return "", "not rated yet"
    thin = " — thin evidence" if row.top_coverage < THIN_COVERAGE else ""
    return row.top_option, f"score {row.top_score:.0f} · coverage {100 * row.top_coverage:.0f}%{thin}"


def _choose(workspace_id: int) -> None:
    st.session_state[PRESENT_KEY] = workspace_id


def _table(sharing: list[storage.Member], summaries: list[ParticipantSummary | str]) -> None:
    widths = [w for _, w in COLUMNS]
    st.html(NARROW_TABLE_CSS)
    header = st.container(key="cohort_header").columns(widths, vertical_alignment="bottom")
    for column, (title, _) in zip(header, COLUMNS, strict=True):
        if title:
            column.markdown(f"**{title}**")
    for member, summary in zip(sharing, summaries, strict=True):
        if isinstance(summary, str):  # this participant's workspace could not be read
            with st.container(key=f"cohort_problem_{member.workspace_id}"):
                name, problem = st.columns([widths[0], sum(widths[1:])], vertical_alignment="center")
                name.markdown(escape_md(member.display_name))
                problem.warning(escape_md(summary), icon=":material/warning:")
            continue
        row = summary.row
        cells = st.columns(widths, vertical_alignment="center")
        for i, (cell, (title, _)) in enumerate(zip(cells, COLUMNS, strict=True)):
            if title:  # shown only where the columns stack (a phone)
                cell.container(key=f"cohort_label_{member.workspace_id}_{i}").markdown(f"**{title}**")
        cells[0].markdown(escape_md(row.participant))
        cells[0].caption(f"{_plural(row.options, 'option')} · {_plural(row.interviews, 'interview')}")
        top_option, top_numbers = _top(row)
        cells[1].markdown(escape_md(top_option) or "—")
        cells[1].caption(top_numbers)
        cells[2].markdown(escape_md(row.leaning) or "—")
        cells[3].markdown(verdict_label(row.verdict) or "—")
        if row.why:  # the same explanation as the participant's own Decision page (core.explain)
            cells[3].caption(escape_md(row.why))
        if row.employer_leaning:  # an employer leaning beside the career one, with its own verdict
            cells[2].caption(escape_md(f"Employer: {row.employer_leaning}"))
            cells[3].caption(f"Employer: {verdict_label(row.employer_verdict) or '—'}")
        if counsellor.presenting_pages():  # a page to present on
            cells[4].button(
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
        counsellor.present(chosen)
    members = storage.cohort_members(database.engine(), workshop.id)
    sharing = [m for m in members if m.shared]
    quiet = [m for m in members if not m.shared]
    rows = [_summary(url, m.workspace_id, m.revision, m.display_name) for m in sharing]  # type: ignore[arg-type]
    summaries = [row for row in rows if not isinstance(row, str)]  # the readable ones, for the CSV and charts

    top = st.columns([1.6, 1, 1.4, 2.2], vertical_alignment="bottom")
    top[0].metric(
        "Join code", code, help="Participants open the Workshop page, choose Join a workshop and type this code."
    )
    top[1].metric("Joined", len(members))
    top[2].metric("Sharing with you", len(sharing))
    with top[3]:
        st.page_link(router.page("room"), label="Show the join code on screen", icon=":material/co_present:")
        st.button("Refresh now", key="cohort_refresh", icon=":material/refresh:")
        st.caption(f"Updates by itself every {REFRESH_SECONDS} seconds · last {dt.datetime.now():%H:%M:%S}")

    if not members:
        st.info(f"No one has joined yet. Participants open the Workshop page, choose Join and type **{code}**.")
        return

    st.header("Sharing with you")
    if sharing:
        with st.container(key="cohort_table"):
            _table(sharing, rows)
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
            st.header("Joined, not sharing")
            st.markdown(" · ".join(escape_md(m.display_name) for m in quiet))
            st.caption("You see only their names until they switch sharing on.")

    if summaries:
        st.header("The cohort's dimensions")
        needs = cohort_needs(summaries)
        shown = st.segmented_control(
            "Show", ["Charts", "Table"], default="Charts", key="cohort_needs_as", label_visibility="collapsed"
        )
        if shown == "Table":
            st.dataframe(cohort.needs_table(needs), hide_index=True, width="stretch")
        else:
            # Side by side on a laptop; one under the other in presentation mode, where labels are large.
            left, right = (st.container(), st.container()) if large else st.columns(2)
            left.altair_chart(cohort.weights_chart(needs, large=large), width="stretch")
            right.altair_chart(cohort.needs_chart(needs, large=large), width="stretch")
        st.caption(
            "How much the cohort cares: the mean weight each dimension gets (0 = irrelevant, 5 = essential). "
            "What to cover next session: how little evidence the cohort has on each dimension — the share of "
            "options nobody has rated on it yet, weighted by how much it matters to each participant, every "
            "participant counting once. The longest bars are the questions to work on next session."
        )


live()
