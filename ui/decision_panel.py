"""The Decision page's cached results and drawing helpers (Streamlit; no decision logic of its own).

`decision_of` is the workspace's one cached `Decision`: the Decision page, Compare (its
`.standing`, through `ui.chart_panel`) and Export (the summary CSV) all read it, so a workspace
is decided once per revision whichever page asks first. Everything derived from a workspace is
cached by (database, workspace id, revision, seed) (`state_of`): any write bumps the revision,
so nothing cached is ever stale, a counsellor sees a participant's latest write on the next
rerun, and a rerun that changed nothing costs a few dictionary look-ups.
The cached objects (the frozen `Decision`, the chart specs with their Arrow rows, the tables, the
printable sheet) are shared by every session and never mutated, hence `cache_resource`: no copy
on each hit. The decorated functions live here, imported once per process, rather than in the
page script, which Streamlit compiles and runs again on every rerun.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from core.decision import (
    CLOSE_CALL,
    CONFIRMED,
    NOT_ENOUGH_EVIDENCE,
    RECONSIDER,
    VERDICT_CODES,
    Decision,
    Gap,
    Sensitivity,
    Verdict,
    decide,
)
from core.robustness import DEFAULT_SEED, DRAWS
from ui import escape_md
from ui.database import Opened, database_url
from ui.presentation import presentation_mode
from views.acceptability import acceptability_view
from views.ask_next import ask_next_reading
from views.common import chart_spec
from views.questions_sheet import FILE_NAME, MIME, questions_sheet_html
from views.ranking import ranking_kind_view
from views.tornado import tornado_view

SEED = DEFAULT_SEED
DOWNLOAD_KEY = "decision_questions_download"

# How Streamlit draws each verdict of core.decision's table: the box's colour and its icon.
BOX = {CONFIRMED: st.success, CLOSE_CALL: st.warning, RECONSIDER: st.error, NOT_ENOUGH_EVIDENCE: st.info}
ICON = {
    CONFIRMED: ":material/check_circle:",
    CLOSE_CALL: ":material/balance:",
    RECONSIDER: ":material/swap_horiz:",
    NOT_ENOUGH_EVIDENCE: ":material/help:",
}
assert set(BOX) == set(ICON) == set(VERDICT_CODES), "every verdict needs a box and an icon"


@dataclass(frozen=True)
class KindParts:
    """Sensitivity and Ask next for one kind (the verdict's kind comes with the Decision)."""

    kind: str
    sensitivity: Sensitivity | None
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class Panel:
    reading: str
    note: str
    spec: dict[str, Any]  # the Vega-Lite spec, its rows as one named Arrow dataset
    table: pd.DataFrame


def state_of(opened: Opened) -> tuple[str, int, int, int]:
    """What every cache derived from the workspace is keyed on: (database url, workspace id, revision, seed)."""
    return database_url(), opened.id, opened.ref.revision, SEED


@st.cache_resource(max_entries=64, show_spinner=False)
def _decision(url: str, workspace_id: int, revision: int, seed: int, _opened: Opened) -> Decision:
    return decide(_opened.workspace, seed=seed)


def decision_of(opened: Opened) -> Decision:
    """The open workspace's one Decision (seed `SEED`), computed once per revision and shared by
    every page and session (with a spinner if it takes a while). Its `.standing` is Compare's."""
    with st.spinner(f"Trying {DRAWS:,} plausible versions of your situation…"):
        return _decision(*state_of(opened), opened)


def kind_parts(opened: Opened, decision: Decision, kind: str) -> KindParts:
    """Sensitivity and Ask next of one kind, as `decide` computed them for that kind's verdict."""
    part = decision.kinds[kind]
    return KindParts(kind, part.sensitivity, part.ask_next)


@st.cache_resource(max_entries=256, show_spinner=False)
def _panel(
    url: str, workspace_id: int, revision: int, seed: int, section: str, kind: str, large: bool,
    _d: Decision, _parts: KindParts,
) -> Panel:
    if section == "acceptability":
        built = acceptability_view(_d.robustness, kind, large=large)
    elif section == "ranking":
        built = ranking_kind_view(_d.standing, _d.robustness, kind, large=large)
    elif section == "sensitivity":
        assert _parts.sensitivity is not None
        built = tornado_view(_parts.sensitivity, large=large)
    else:
        raise ValueError(f"no chart for section {section!r}")
    spec = chart_spec(built.chart)
    # The rows travel as one named dataset, converted to Arrow once, that every layer reads.
    values = spec.pop("data")["values"]
    spec["datasets"] = {"rows": pa.Table.from_pandas(pd.DataFrame(values), preserve_index=False)}
    spec["data"] = {"name": "rows"}
    return Panel(built.reading, built.note, spec, built.table)


def chart_section(opened: Opened, decision: Decision, parts: KindParts, section: str, *, as_table: bool) -> None:
    """One chart section: its one-sentence reading, the chart (or the same numbers as a table), its key."""
    large = presentation_mode()
    panel = _panel(*state_of(opened), section, parts.kind, large, decision, parts)
    st.markdown(f"**{escape_md(panel.reading)}**")
    if as_table:
        st.dataframe(panel.table, hide_index=True, width="stretch", placeholder="")
    else:
        st.vega_lite_chart(panel.spec, width="stretch", alt=panel.reading)
    st.caption(panel.note)


@st.cache_resource(max_entries=64, show_spinner=False)
def _sheet(url: str, workspace_id: int, revision: int, seed: int, kind: str, _parts: KindParts, _name: str,
           _headline: str) -> bytes:
    return questions_sheet_html(_parts.gaps, workspace_name=_name, headline=_headline).encode("utf-8")


def ask_next_section(opened: Opened, parts: KindParts, headline: str) -> None:
    """The reading, the printable sheet, then each gap worth asking about with its questions."""
    st.markdown(f"**{escape_md(ask_next_reading(parts.gaps, parts.kind))}**")
    if parts.gaps:
        sheet = _sheet(*state_of(opened), parts.kind, parts, opened.workspace.name, headline)
        st.download_button(
            "Download the questions as a printable sheet", sheet, file_name=FILE_NAME, mime=MIME,
            key=DOWNLOAD_KEY, on_click="ignore", icon=":material/print:",
            help="The questions below, grouped by option, with room for the answers. Open it and print it.",
        )
    for n, gap in enumerate(parts.gaps, start=1):
        with st.container(border=True, key=f"decision_gap_{n}"):
            at = "at" if gap.kind == "employer" else "for"
            st.markdown(f"**{n}. {escape_md(gap.label)} {at} {escape_md(gap.option_name)}**")
            st.markdown(escape_md(gap.reason))
            st.markdown("\n".join(f"- {escape_md(q)}" for q in gap.questions))


def verdict_box(verdict: Verdict, *, key: str) -> None:
    """A verdict in one sentence, in the colour of its kind of answer, with its detail."""
    with st.container(key=key):
        BOX[verdict.code](
            f"**{escape_md(verdict.headline)}**  \n{escape_md(verdict.detail)}", icon=ICON[verdict.code]
        )
    if verdict.explanation is not None:
        # The one explanation (core.explain), the same sentence as Compare › Why for these two options.
        st.markdown(escape_md(verdict.explanation.sentence()))
