"""views.compare: every Compare view, built by `build_view`, is a valid chart with a table and one
sentence, draws in Vega, and keeps user text as plain data."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import pytest

from core.demo import demo_workspace
from core.models import Contact, Interview, Option, Rating, Workspace, default_weights
from core.scoring import standing
from views import common, profile
from views.compare import VIEWS, build_view


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


def _spec(view: common.ChartView) -> dict:
    spec = common.chart_spec(view.chart)
    alt.Chart.from_dict(spec, validate=True)  # a valid Vega-Lite spec, rows included
    assert "datasets" not in spec
    assert all("data" not in layer for layer in spec["layer"]), "every layer draws the chart's own rows"
    return spec


def _ws(options, interviews=(), weights=None) -> Workspace:
    return Workspace(weights=weights or default_weights(), options=list(options), interviews=list(interviews))


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("scope", [common.SCOPE_ALL, common.SCOPE_CAREERS, common.employers_of("c1")])
@pytest.mark.parametrize("large", [False, True])
def test_every_view_is_a_valid_chart_with_a_table_and_one_sentence(demo, view, scope, large):
    ws, s = demo
    chosen = profile.default_profile_choice(s, common.scope_rows(s, scope))
    built = build_view(view, ws, s, scope, chosen=chosen, large=large)
    spec = _spec(built)
    assert spec["data"]["values"], "the chart carries its rows"
    assert isinstance(built.table, pd.DataFrame) and not built.table.empty
    assert built.reading.endswith(".") and built.reading.count(". ") == 0  # one sentence
    assert built.note
    assert spec["config"]["axis"]["labelFontSize"] == (17 if large else 12)


def test_user_text_stays_plain_data():
    name = "<b>**Bold**</b> & [link](javascript:alert(1))"
    ws = _ws([Option(id="a", kind="career", name=name, leaning=True)],
             [Interview(id="i", kind="interview", date=dt.date(2026, 1, 1), contact=Contact(name="<i>x</i>"),
                        ratings=[Rating(option="a", dimension="culture", score=3)])])
    s = standing(ws)
    for view in VIEWS:
        if view == "profile":
            continue
        built = build_view(view, ws, s, common.SCOPE_ALL)
        spec = common.chart_spec(built.chart)
        assert name in built.reading or view == "history"
        assert f"★ {name}" in {r.get("label") for r in spec["data"]["values"]}
        assert name not in str(spec["config"])


def test_unknown_view_is_refused(demo):
    ws, s = demo
    with pytest.raises(ValueError):
        build_view("pie", ws, s, common.SCOPE_ALL)


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_really_draws_in_vega(demo, view):
    """Compile and render with Vega itself (vl-convert): a spec Vega-Lite cannot compile would leave the
    browser showing the previous chart."""
    vlc = pytest.importorskip("vl_convert")
    ws, s = demo
    built = build_view(view, ws, s, common.SCOPE_ALL, chosen=["c1", "c2"])
    svg = vlc.vegalite_to_svg(common.chart_spec(built.chart))
    assert "Physiotherapist" in svg
