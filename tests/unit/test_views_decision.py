"""The Decision page's charts together: option names travel as data, unchanged, in every spec and table."""

from __future__ import annotations

import datetime as dt

from core.decision import decide
from core.dimensions import DIMENSION_KEYS
from core.models import Contact, Interview, Option, Rating, Workspace
from tests.unit.views_checks import rows_of, validated
from views import acceptability, ranking, tornado

HOSTILE = "<script>alert('x')</script> **bold** [link](javascript:alert(1)) & \"quotes\""


def hostile_workspace() -> Workspace:
    options = [
        Option(id="a", kind="career", name=HOSTILE, leaning=True),
        Option(id="b", kind="career", name="Plain career"),
    ]
    ratings = [Rating(option=o, dimension=d, score=s) for o, s in (("a", 4), ("b", 3)) for d in DIMENSION_KEYS[:4]]
    interviews = [
        Interview(id="i1", kind="interview", date=dt.date(2026, 10, 1),
                  contact=Contact(name=HOSTILE), ratings=ratings)
    ]
    return Workspace(name=HOSTILE, weights=dict.fromkeys(DIMENSION_KEYS, 3), options=options, interviews=interviews)


def test_names_travel_as_data_unchanged_in_charts_and_tables():
    d = decide(hostile_workspace())
    views = [
        acceptability.acceptability_view(d.robustness, "career"),
        ranking.ranking_kind_view(d.standing, d.robustness, "career"),
        tornado.tornado_view(d.sensitivity),
    ]
    for view in views:
        spec = validated(view)
        names = {r.get("name") for r in rows_of(spec)} | {r.get("who") for r in rows_of(spec)}
        names |= {r.get("label") for r in rows_of(spec)}
        # Vega draws text, never markup: the name is there as it is, neither escaped twice nor altered.
        assert HOSTILE in names or f"★ {HOSTILE}" in names
    assert any(HOSTILE in str(v) for v in acceptability.acceptability_view(d.robustness, "career").table["Option"])
