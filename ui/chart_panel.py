"""Draw one `views.compare` view (reading, chart or table, how to read it), cached per workspace state.

Shared by any page that shows a Compare-style chart. Everything derived from a workspace is
cached by (database, workspace id, revision, seed): any write bumps the revision, so nothing cached
is ever stale, and a counsellor sees a participant's latest write on the next rerun. The scores
are the `.standing` of the workspace's one cached Decision (`ui.decision_panel.decision_of`, which
Decision and Export read too), so no page works them out again. The cached objects are shared by
every session and never mutated (Streamlit only reads the spec, the Arrow table and the
DataFrame), hence `cache_resource`: no copy on each hit.

The decorated functions live in this module, imported once per process, rather than in the
page script, which Streamlit runs again on every rerun.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from core.decision import Decision
from core.models import Workspace
from core.scoring import Standing
from ui import decision_panel, escape_md
from ui.database import Opened
from ui.presentation import presentation_mode
from views.common import chart_spec, scope_rows
from views.compare import build_view
from views.ranking import ranking_intervals_view


def standing_of(opened: Opened) -> Standing:
    """Scores, coverage and ranks of the open workspace: its cached Decision's standing."""
    return decision_panel.decision_of(opened).standing


@dataclass(frozen=True)
class Panel:
    reading: str
    note: str
    spec: dict[str, Any]  # the Vega-Lite spec without its rows...
    rows: pa.Table | None  # ...which travel as an Arrow table, converted once
    table: pd.DataFrame


@st.cache_resource(max_entries=256, show_spinner=False)
def _panel(
    url: str, workspace_id: int, revision: int, seed: int, view: str, scope: str, chosen: tuple[str, ...],
    large: bool, _workspace: Workspace, _decision: Decision,
) -> Panel:
    if view == "ranking":
        # The ranking with each score's likely range from the robustness engine (the Decision page's chart).
        built = ranking_intervals_view(
            _decision.standing, _decision.robustness, scope_rows(_decision.standing, scope), large=large,
            reading="ranking",
        )
    else:
        built = build_view(view, _workspace, _decision.standing, scope, chosen=chosen, large=large)
    spec = chart_spec(built.chart)
    values = spec.pop("data", {}).get("values")
    rows = None if values is None else pa.Table.from_pandas(pd.DataFrame(values), preserve_index=False)
    return Panel(built.reading, built.note, spec, rows, built.table)


def chart_panel(
    opened: Opened, view: str, scope: str, chosen: Sequence[str] = (), *, as_table: bool = False
) -> None:
    """The view's one-sentence reading, then its chart (or the same numbers as a table), then a key."""
    large = presentation_mode()
    decision = decision_panel.decision_of(opened)  # cached per revision
    panel = _panel(
        *decision_panel.state_of(opened), view, scope, tuple(chosen), large, opened.workspace, decision
    )
    st.markdown(f"**{escape_md(panel.reading)}**")
    if as_table:
        st.dataframe(panel.table, hide_index=True, width="stretch", placeholder="")
    else:
        st.vega_lite_chart(panel.rows, panel.spec, width="stretch", alt=panel.reading)
    st.caption(panel.note)
