"""The Compare page's views and the one function that builds any of them.

Each view lives in its own module (`views.ranking`, `views.heatmap`, `views.profile`, `views.why`,
`views.history`); the page picks one by its key and draws the `ChartView` it gets back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from core.models import Workspace
from core.scoring import Standing
from views.common import ChartView, scope_rows
from views.heatmap import heatmap_view
from views.history import history_view
from views.profile import profile_view
from views.ranking import ranking_view
from views.why import why_view

ViewName = Literal["ranking", "heatmap", "profile", "why", "history"]
VIEWS: dict[str, str] = {
    "ranking": "Ranking",
    "heatmap": "Heatmap",
    "profile": "Profile",
    "why": "Why",
    "history": "History",
}


def build_view(
    view: str,
    workspace: Workspace,
    standing: Standing,
    scope: str,
    *,
    chosen: Sequence[str] = (),
    large: bool = False,
    intervals: pd.DataFrame | None = None,
) -> ChartView:
    rows = scope_rows(standing, scope)
    if view == "ranking":
        return ranking_view(standing, rows, large=large, intervals=intervals)
    if view == "heatmap":
        return heatmap_view(standing, rows, large=large)
    if view == "profile":
        return profile_view(standing, chosen, large=large)
    if view == "why":
        return why_view(standing, rows, large=large)
    if view == "history":
        return history_view(workspace, standing, rows, large=large)
    raise ValueError(f"unknown view {view!r}")
