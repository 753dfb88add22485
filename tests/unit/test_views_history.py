"""views.history: only the entries that changed a score, every line running on to the last entry."""

from __future__ import annotations

import pandas as pd
import pytest

from core.demo import demo_workspace
from core.scoring import standing
from views import common
from views.history import history_frame, history_view


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


def test_history_keeps_only_changes_and_ends_at_the_current_scores(demo):
    ws, s = demo
    rows = common.scope_rows(s, common.SCOPE_ALL)
    frame = history_frame(ws, s, rows)
    assert list(frame["date"]) == sorted(frame["date"])
    for name, group in frame.groupby("option"):
        changes = group["change"].dropna()
        assert (changes.abs() > 0).all()
        assert group["score"].iloc[-1] == pytest.approx(s.score[s.evidence.names.index(name)])
    view = history_view(ws, s, rows)
    assert view.reading.startswith("From 06 Oct 2026 to 15 Nov 2026,")
    spec = common.chart_spec(view.chart)
    last = max(i.date for i in ws.interviews).isoformat()
    ends = pd.DataFrame(spec["data"]["values"]).groupby("option")["date"].max()
    assert (ends == last).all()  # every line runs on to the last entry
