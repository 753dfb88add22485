"""core.charts: the filters, empty states, every view's chart, table and reading."""

from __future__ import annotations

import dataclasses
import datetime as dt

import altair as alt
import numpy as np
import pandas as pd
import pytest

from core import charts
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Contact, Interview, Option, Rating, Workspace, default_weights
from core.scoring import THIN_COVERAGE, contributions, standing


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


def _spec(view: charts.ChartView) -> dict:
    spec = charts.chart_spec(view.chart)
    alt.Chart.from_dict(spec, validate=True)  # a valid Vega-Lite spec, rows included
    assert "datasets" not in spec
    assert all("data" not in layer for layer in spec["layer"]), "every layer draws the chart's own rows"
    return spec


def _texts(spec: dict) -> list[str]:
    return [str(row.get("text", "")) for row in spec["data"]["values"]]


# --- filters ------------------------------------------------------------------------------------


def test_scopes_offer_both_kinds_and_the_employers_of_each_career(demo):
    ws, _ = demo
    choices = charts.scope_choices(ws)
    assert list(choices)[:3] == [charts.SCOPE_ALL, charts.SCOPE_CAREERS, charts.SCOPE_EMPLOYERS]
    assert choices[charts.employers_of("c1")] == "Employers of Registered nurse"
    assert len(choices) == 3 + 3


def test_scope_rows_keep_careers_first_then_rank(demo):
    _, s = demo
    names = lambda scope: [s.evidence.names[i] for i in charts.scope_rows(s, scope)]  # noqa: E731
    assert names(charts.SCOPE_CAREERS) == ["Registered nurse", "Physiotherapist", "Health data analyst"]
    assert len(names(charts.SCOPE_EMPLOYERS)) == 5
    assert names(charts.SCOPE_ALL)[:3] == names(charts.SCOPE_CAREERS)
    assert names(charts.employers_of("c1")) == ["Riverside Community Care", "City General Hospital"]
    with pytest.raises(ValueError):
        charts.scope_rows(s, "nonsense")


def test_dimensions_run_from_most_to_least_important():
    weights = np.array([4, 3, 3, 2, 4, 1, 2, 3, 5, 2], dtype=float)
    order = [DIMENSION_KEYS[d] for d in charts.dimension_order(weights)]
    assert order[:3] == ["typical_day", "culture", "career_path"]
    assert order[-1] == "lessons_learned"


# --- empty states -------------------------------------------------------------------------------


def _ws(options, interviews=(), weights=None) -> Workspace:
    return Workspace(weights=weights or default_weights(), options=list(options), interviews=list(interviews))


def test_empty_states_say_what_to_do_next():
    assert charts.empty_state(standing(_ws([]))).reason == "no_options"
    unrated = _ws([Option(id="a", kind="career", name="A")])
    state = charts.empty_state(standing(unrated))
    assert state.reason == "no_ratings" and "Log an interview" in state.message
    assert charts.empty_state(standing(unrated), charts.SCOPE_EMPLOYERS).reason == "no_ratings"


def test_empty_state_for_zero_weights_a_filter_with_nothing_and_nothing_scored():
    rated = _ws(
        [Option(id="a", kind="career", name="A"), Option(id="b", kind="career", name="B")],
        [Interview(id="i", kind="self", date=dt.date(2026, 1, 1), ratings=[Rating(option="a", dimension="culture",
                                                                                   score=4)])],
        default_weights() | {"culture": 0},
    )
    s = standing(rated)
    assert charts.empty_state(s, charts.SCOPE_EMPLOYERS).reason == "none_in_scope"
    assert charts.empty_state(s).reason == "none_scored"  # the only rating is on a weight-0 dimension
    no_weights = dataclasses.replace(s, evidence=dataclasses.replace(s.evidence, weights=np.zeros(10)))
    assert charts.empty_state(no_weights).reason == "no_weights"


def test_the_demo_has_something_to_show_everywhere(demo):
    ws, s = demo
    for scope in charts.scope_choices(ws):
        assert charts.empty_state(s, scope) is None


# --- every view -----------------------------------------------------------------------------------


@pytest.mark.parametrize("view", list(charts.VIEWS))
@pytest.mark.parametrize("scope", [charts.SCOPE_ALL, charts.SCOPE_CAREERS, charts.employers_of("c1")])
@pytest.mark.parametrize("large", [False, True])
def test_every_view_is_a_valid_chart_with_a_table_and_one_sentence(demo, view, scope, large):
    ws, s = demo
    chosen = charts.default_profile_choice(s, charts.scope_rows(s, scope))
    built = charts.build_view(view, ws, s, scope, chosen=chosen, large=large)
    spec = _spec(built)
    assert spec["data"]["values"], "the chart carries its rows"
    assert isinstance(built.table, pd.DataFrame) and not built.table.empty
    assert built.reading.endswith(".") and built.reading.count(". ") == 0  # one sentence
    assert built.note
    assert spec["config"]["axis"]["labelFontSize"] == (17 if large else 12)


def test_ranking_reads_the_leaders_and_tables_the_same_numbers(demo):
    _, s = demo
    view = charts.ranking_view(s, charts.scope_rows(s, charts.SCOPE_ALL))
    assert view.reading == (
        "Registered nurse leads the careers with 77, 8 points ahead of Physiotherapist; Riverside Community Care "
        "leads the employers with 76, 2 points ahead of City General Hospital."
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
    view = charts.ranking_view(s, charts.scope_rows(s, charts.SCOPE_ALL))
    assert "Barely known's score rests on only 10% of what matters to you" in view.reading
    assert "1 not rated yet" in view.reading
    assert view.reading.startswith("Barely known leads the careers with 100, 25 points ahead of Well known;")
    assert list(view.table["Evidence"]) == ["thin", "enough", "not rated yet"]
    rows = charts.chart_spec(view.chart)["data"]["values"]
    assert [r["group"] for r in rows] == ["Career, thin evidence", "Career", "Career"]
    assert rows[2]["text"] == "not rated yet"
    assert s.coverage[1] < THIN_COVERAGE


def test_careers_and_employers_get_different_colour_blind_safe_colours(demo):
    _, s = demo
    spec = charts.chart_spec(charts.ranking_view(s, charts.scope_rows(s, charts.SCOPE_ALL)).chart)
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True)) == {
        "Career": charts.KIND_COLOUR["career"], "Employer": charts.KIND_COLOUR["employer"],
    }
    assert set(charts.KIND_COLOUR.values()) <= set(charts.OKABE_ITO)


def test_ranking_has_a_place_for_score_intervals(demo):
    _, s = demo
    rows = charts.scope_rows(s, charts.SCOPE_CAREERS)
    intervals = pd.DataFrame({"id": ["c1", "c2"], "low": [60.0, 50.0], "high": [85.0, 80.0]})
    plain = charts.chart_spec(charts.ranking_view(s, rows).chart)
    spec = charts.chart_spec(charts.ranking_view(s, rows, intervals=intervals).chart)
    assert len(spec["layer"]) == len(plain["layer"]) + 1
    assert spec["layer"][-1]["mark"]["type"] == "rule"
    values = {r["name"]: (r["low"], r["high"]) for r in spec["data"]["values"]}
    assert values["Registered nurse"] == (60.0, 85.0) and values["Health data analyst"] == (None, None)


def test_heatmap_marks_inherited_cells_and_cells_without_evidence(demo):
    _, s = demo
    frame = charts.heatmap_frame(s, charts.scope_rows(s, charts.SCOPE_ALL))
    assert frame["dimension"].iloc[0] == "typical_day"  # the heaviest weight first
    city = frame[frame["option"] == "City General Hospital"].set_index("dimension")
    assert city.loc["culture", "text"] == "1" and not city.loc["culture", "inherited"]
    assert city.loc["typical_day", "text"] == "(2)" and city.loc["typical_day", "inherited"]
    assert city.loc["typical_day", "evidence"] == "2 ratings of Registered nurse (inherited)"
    nurse = frame[frame["option"] == "Registered nurse"].set_index("dimension")
    assert nurse.loc["culture", "text"] == "—" and nurse.loc["culture", "evidence"] == "no evidence"
    table = charts.heatmap_view(s, charts.scope_rows(s, charts.SCOPE_ALL)).table
    row = table[table["Option"] == "City General Hospital"].iloc[0]
    assert row["Typical day (5)"] == "3.50 (2) inherited" and row["Culture fit (4)"] == "3.00 (1)"
    assert table[table["Option"] == "★ Registered nurse"].iloc[0]["Culture fit (4)"] == "no evidence"


def test_heatmap_reading_counts_leads_and_gaps(demo):
    _, s = demo
    view = charts.heatmap_view(s, charts.scope_rows(s, charts.SCOPE_CAREERS))
    assert view.reading == "Registered nurse rates highest on 5 of 10 dimensions; 12 of 30 cells have no evidence yet."


def test_profile_puts_two_or_three_options_side_by_side_with_weights(demo):
    _, s = demo
    view = charts.profile_view(s, ["c1", "c2", "c3"])
    assert list(view.table.columns) == ["Dimension", "Weight", "★ Registered nurse", "Physiotherapist",
                                        "Health data analyst"]
    assert view.table["Weight"].tolist() == sorted(view.table["Weight"], reverse=True)
    assert view.reading.startswith("Where all three have evidence, Registered nurse rates highest on 3")
    two = charts.profile_view(s, ["e1", "e2"])
    assert two.reading.startswith("City General Hospital rates higher than Riverside Community Care on 1")
    with pytest.raises(ValueError):
        charts.profile_view(s, ["c1"])
    with pytest.raises(ValueError):
        charts.profile_view(s, ["c1", "c2", "c3", "e1"])


def test_default_profile_choice_starts_from_the_leaning(demo):
    _, s = demo
    assert charts.default_profile_choice(s, charts.scope_rows(s, charts.SCOPE_ALL)) == ["c1", "c2"]
    assert charts.default_profile_choice(s, charts.scope_rows(s, charts.SCOPE_EMPLOYERS)) == ["e2", "e1"]


def test_why_splits_each_score_into_dimension_points(demo):
    _, s = demo
    rows = charts.scope_rows(s, charts.SCOPE_CAREERS)
    view = charts.why_view(s, rows)
    dims = [c for c in view.table.columns if c not in ("Option", "Kind", "Score")]
    np.testing.assert_allclose(view.table[dims].sum(axis=1, skipna=True), view.table["Score"], atol=0.3)
    parts = contributions(s.evidence.mean[rows], s.evidence.weights)
    np.testing.assert_allclose(np.nansum(parts, axis=1), s.score[rows])
    assert view.reading.startswith("Registered nurse is 8.0 points ahead of Physiotherapist, mostly on")


def test_history_keeps_only_changes_and_ends_at_the_current_scores(demo):
    ws, s = demo
    rows = charts.scope_rows(s, charts.SCOPE_ALL)
    frame = charts.history_frame(ws, s, rows)
    assert list(frame["date"]) == sorted(frame["date"])
    for name, group in frame.groupby("option"):
        changes = group["change"].dropna()
        assert (changes.abs() > 0).all()
        assert group["score"].iloc[-1] == pytest.approx(s.score[s.evidence.names.index(name)])
    view = charts.history_view(ws, s, rows)
    assert view.reading.startswith("From 06 Oct 2026 to 15 Nov 2026,")
    spec = charts.chart_spec(view.chart)
    last = max(i.date for i in ws.interviews).isoformat()
    ends = pd.DataFrame(spec["data"]["values"]).groupby("option")["date"].max()
    assert (ends == last).all()  # every line runs on to the last entry


def test_user_text_stays_plain_data():
    name = "<b>**Bold**</b> & [link](javascript:alert(1))"
    ws = _ws([Option(id="a", kind="career", name=name, leaning=True)],
             [Interview(id="i", kind="interview", date=dt.date(2026, 1, 1), contact=Contact(name="<i>x</i>"),
                        ratings=[Rating(option="a", dimension="culture", score=3)])])
    s = standing(ws)
    for view in charts.VIEWS:
        if view == "profile":
            continue
        built = charts.build_view(view, ws, s, charts.SCOPE_ALL)
        spec = charts.chart_spec(built.chart)
        assert name in built.reading or view == "history"
        assert f"★ {name}" in {r.get("label") for r in spec["data"]["values"]}
        assert name not in str(spec["config"])


def test_core_charts_does_not_import_streamlit():
    import core.charts as module

    with open(module.__file__, encoding="utf-8") as file:
        source = file.read()
    assert "import streamlit" not in source and "from streamlit" not in source


def test_other_modules_use_only_the_public_chart_helpers():
    """What core.charts shares (the look, colours, labels) is public; its private helpers can change freely."""
    import ast
    import pathlib

    root = pathlib.Path(charts.__file__).parent.parent
    for path in [*root.glob("core/*.py"), *root.glob("ui/*.py"), *root.glob("pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "core.charts":
                assert not [a.name for a in node.names if a.name.startswith("_")], path.name
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "charts":
                assert not node.attr.startswith("_"), f"{path.name} uses charts.{node.attr}"


def test_colours_follow_the_legend_order():
    colour = charts.colour_in_order("label:N", ["b", "a"], charts.OKABE_ITO).to_dict()
    assert colour["sort"] == colour["scale"]["domain"] == ["b", "a"]
    assert colour["scale"]["range"] == list(charts.OKABE_ITO[:2]) and colour["title"] == ""
    assert charts.colour_in_order("p:N", ["1st"], ["#000000"], title="Place").to_dict()["title"] == "Place"


def test_unknown_view_is_refused(demo):
    ws, s = demo
    with pytest.raises(ValueError):
        charts.build_view("pie", ws, s, charts.SCOPE_ALL)


def test_texts_helper_used_by_ranking(demo):
    _, s = demo
    spec = charts.chart_spec(charts.ranking_view(s, charts.scope_rows(s, charts.SCOPE_CAREERS)).chart)
    assert _texts(spec)[0].startswith("77 (")


@pytest.mark.parametrize("view", list(charts.VIEWS))
def test_every_view_really_draws_in_vega(demo, view):
    """Compile and render with Vega itself (vl-convert): a spec Vega-Lite cannot compile would leave the
    browser showing the previous chart."""
    vlc = pytest.importorskip("vl_convert")
    ws, s = demo
    built = charts.build_view(view, ws, s, charts.SCOPE_ALL, chosen=["c1", "c2"])
    svg = vlc.vegalite_to_svg(charts.chart_spec(built.chart))
    assert "Physiotherapist" in svg
