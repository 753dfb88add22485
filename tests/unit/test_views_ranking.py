"""views.ranking: both rankings, the Compare page's (scores, coverage, thin evidence) and the one with
the robustness engine's likely range under each bar."""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import pandas as pd
import pytest

from core.decision import decide
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Interview, Option, Rating, Workspace, default_weights
from core.scoring import THIN_COVERAGE, standing
from tests.unit.views_checks import rows_of, validated
from views import common
from views.ranking import ranking_intervals_view, ranking_kind_view, ranking_view


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


@pytest.fixture(scope="module")
def decided():
    return decide(demo_workspace())


def _spec(view: common.ChartView) -> dict:
    spec = common.chart_spec(view.chart)
    alt.Chart.from_dict(spec, validate=True)  # a valid Vega-Lite spec, rows included
    assert "datasets" not in spec
    assert all("data" not in layer for layer in spec["layer"]), "every layer draws the chart's own rows"
    return spec


def _texts(spec: dict) -> list[str]:
    return [str(row.get("text", "")) for row in spec["data"]["values"]]


def _ws(options, interviews=(), weights=None) -> Workspace:
    return Workspace(weights=weights or default_weights(), options=list(options), interviews=list(interviews))


def test_ranking_reads_the_leaders_and_tables_the_same_numbers(demo):
    _, s = demo
    view = ranking_view(s, common.scope_rows(s, common.SCOPE_ALL))
    assert view.reading == (
        "Registered nurse leads the careers with 77, 8 points ahead of Physiotherapist; Riverside Community Care "
        "leads the employers with 76, 1 point ahead of City General Hospital."  # bars read 76 and 75
    )
    table = view.table
    assert list(table.columns[:4]) == ["Rank", "Option", "Kind", "Score (0–100)"]
    by_name = dict(zip(s.evidence.names, s.score, strict=True))
    for option, score in zip(table["Option"], table["Score (0–100)"], strict=True):
        assert score == pytest.approx(by_name[option.removeprefix("★ ")], abs=0.05)
    assert table["Option"][0] == "★ Registered nurse"  # the leaning is marked


def test_ranking_marks_thin_evidence_and_unrated_options():
    ws = _ws(
        [Option(id="a", kind="career", name="Well known"), Option(id="b", kind="career", name="Barely known"),
         Option(id="c", kind="career", name="Unknown")],
        [Interview(id="i", kind="self", date=dt.date(2026, 1, 1), ratings=[
            *(Rating(option="a", dimension=d, score=4) for d in DIMENSION_KEYS),
            Rating(option="b", dimension="culture", score=5),
        ])],
    )
    s = standing(ws)
    view = ranking_view(s, common.scope_rows(s, common.SCOPE_ALL))
    assert "Barely known's score rests on only 10% of what matters to you" in view.reading
    assert "1 not rated yet" in view.reading
    assert view.reading.startswith("Barely known leads the careers with 100, 25 points ahead of Well known;")
    assert list(view.table["Evidence"]) == ["thin", "enough", "not rated yet"]
    rows = common.chart_spec(view.chart)["data"]["values"]
    assert [r["group"] for r in rows] == ["Career, thin evidence", "Career", "Career"]
    assert rows[2]["text"] == "not rated yet"
    assert s.coverage[1] < THIN_COVERAGE


def test_careers_and_employers_get_different_colour_blind_safe_colours(demo):
    _, s = demo
    spec = common.chart_spec(ranking_view(s, common.scope_rows(s, common.SCOPE_ALL)).chart)
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True)) == {
        "Career": common.KIND_COLOUR["career"], "Employer": common.KIND_COLOUR["employer"],
    }
    assert set(common.KIND_COLOUR.values()) <= set(common.OKABE_ITO)


def test_ranking_has_a_place_for_score_intervals(demo):
    _, s = demo
    rows = common.scope_rows(s, common.SCOPE_CAREERS)
    intervals = pd.DataFrame({"id": ["c1", "c2"], "low": [60.0, 50.0], "high": [85.0, 80.0]})
    plain = common.chart_spec(ranking_view(s, rows).chart)
    spec = common.chart_spec(ranking_view(s, rows, intervals=intervals).chart)
    assert len(spec["layer"]) == len(plain["layer"]) + 1
    assert spec["layer"][-1]["mark"]["type"] == "rule"
    values = {r["name"]: (r["low"], r["high"]) for r in spec["data"]["values"]}
    assert values["Registered nurse"] == (60.0, 85.0) and values["Health data analyst"] == (None, None)


def test_texts_helper_used_by_ranking(demo):
    _, s = demo
    spec = common.chart_spec(ranking_view(s, common.scope_rows(s, common.SCOPE_CAREERS)).chart)
    assert _texts(spec)[0].startswith("77 (")


def test_ranking_intervals_are_the_engines_10th_to_90th_percentiles(decided):
    now, rb = decided.standing, decided.robustness
    rows = common.scope_rows(now, common.SCOPE_ALL)
    view = ranking_intervals_view(now, rb, rows)
    spec = validated(view)
    values = rows_of(spec)
    assert [r["id"] for r in values] == [now.evidence.option_ids[i] for i in rows]
    for r in values:
        i = now.evidence.index(r["id"])
        assert r["low"] == pytest.approx(rb.score_low[i], abs=1e-9)
        assert r["high"] == pytest.approx(rb.score_high[i], abs=1e-9)
        assert r["score"] == pytest.approx(now.score[i], abs=1e-9)
    table = view.table
    assert list(table["Likely from (10th pct)"]) == list(np.round(rb.score_low[rows], 1))
    assert list(table["Likely to (90th pct)"]) == list(np.round(rb.score_high[rows], 1))


def test_ranking_intervals_reading_says_whether_the_top_two_ranges_overlap(decided):
    view = ranking_kind_view(decided.standing, decided.robustness, "career")
    assert view.reading.startswith("Registered nurse scores 77 and Physiotherapist 69")
    assert "overlap, so their order could still change" in view.reading


def test_the_compare_page_reading_of_the_ranking_with_intervals(decided):
    now, rb = decided.standing, decided.robustness
    rows = common.scope_rows(now, common.SCOPE_ALL)
    view = ranking_intervals_view(now, rb, rows, reading="ranking")
    assert view.reading == ranking_view(now, rows).reading
    assert common.BOTH_KINDS_NOTE in view.note
    assert common.BOTH_KINDS_NOTE not in ranking_kind_view(now, rb, "career").note


def test_an_option_not_rated_yet_has_no_rank_no_range_and_no_chance_on_the_decision_ranking():
    ws = demo_workspace()
    lab = Option(id="c9", kind="career", name="Medical lab technologist")
    ws = ws.model_copy(update={"options": [*ws.options, lab]})
    decision = decide(ws, draws=2_000)
    view = ranking_kind_view(decision.standing, decision.robustness, "career")
    row = view.table[view.table["Option"] == "Medical lab technologist"].iloc[0]
    assert pd.isna(row["Rank"]) and pd.isna(row["First %"]) and pd.isna(row["Likely from (10th pct)"])
    assert row["Evidence"] == "not rated yet"
    assert list(view.table["Rank"][:3]) == [1, 2, 3]
    drawn = {r["name"]: r for r in common.chart_spec(view.chart)["data"]["values"]}["Medical lab technologist"]
    assert drawn["text"] == drawn["range_text"] == "not rated yet" and drawn["rank"] is None
