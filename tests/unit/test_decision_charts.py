"""The Decision page's charts and the printable questions sheet: the numbers in every spec are the
engine's own, the tornado's ends name who takes over, and user text is never markup."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from core import charts
from core import decision_charts as dc
from core.decision import WeightRange, decide, sensitivity
from core.demo import demo_workspace
from core.dimensions import BY_KEY, DIMENSION_KEYS
from core.models import Contact, Interview, Option, Rating, Workspace
from core.questions_sheet import SHEET_TITLE, questions_sheet_html

HOSTILE = "<script>alert('x')</script> **bold** [link](javascript:alert(1)) & \"quotes\""


@pytest.fixture(scope="module")
def demo():
    return decide(demo_workspace())


def with_leaning(ws: Workspace, option_id: str, **weights: int) -> Workspace:
    options = [o.model_copy(update={"leaning": o.id == option_id}) for o in ws.options]
    return ws.model_copy(update={"options": options, "weights": {**ws.weights, **weights}})


def rows_of(spec: dict, part: str | None = None) -> list[dict]:
    rows = spec["data"]["values"]
    return [r for r in rows if part is None or r.get("part") == part]


def validated(view: charts.ChartView) -> dict:
    view.chart.to_dict(validate=True)  # against Altair's Vega-Lite schema
    spec = dc.chart_spec(view.chart)
    assert "empty" not in spec.get("datasets", {})
    for layer in spec.get("layer", []):
        assert "data" not in layer  # every layer reads the chart's own rows
    return spec


# --- Rank acceptability ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["career", "employer"])
def test_rank_acceptability_spec_holds_the_engines_rank_distribution(demo, kind):
    rb = demo.robustness
    spec = validated(dc.acceptability_view(rb, kind))
    rows = rows_of(spec)
    ev = rb.evidence
    members = rb.members(kind)
    assert len(rows) == len(members) ** 2
    for row in rows:
        i = ev.index(row["id"])
        assert row["probability"] == pytest.approx(rb.rank_probability[i, row["place"] - 1], abs=1e-9)
        assert row["p_first"] == pytest.approx(rb.p_first[i], abs=1e-9)
    # segments of one option tile 0-100 in place order
    for option_id in {r["id"] for r in rows}:
        segments = sorted((r for r in rows if r["id"] == option_id), key=lambda r: r["place"])
        assert segments[0]["start"] == 0
        for a, b in itertools.pairwise(segments):
            assert a["end"] == pytest.approx(b["start"])
        assert segments[-1]["end"] == pytest.approx(100.0)


def test_rank_acceptability_lists_the_likeliest_winner_first_and_reads_its_share(demo):
    rb = demo.robustness
    view = dc.acceptability_view(rb, "career")
    table = view.table
    assert list(table["Option"]) == ["★ Registered nurse", "Physiotherapist", "Health data analyst"]
    nurse = rb.evidence.index("c1")
    assert table.loc[0, "First %"] == round(100 * rb.p_first[nurse], 1)
    assert table.loc[0, "1st %"] == round(100 * rb.rank_probability[nurse, 0], 1)
    assert view.reading.startswith(
        f"Registered nurse comes first among your careers in {round(100 * rb.p_first[nurse])}% of plausible cases"
    )


def test_rank_acceptability_reading_sums_up_a_long_tail(demo):
    reading = dc.acceptability_view(demo.robustness, "employer").reading
    assert "the other 2 together in" in reading


def test_first_place_colour_stands_apart_and_places_get_paler():
    colours = dc.place_colours("career", 5)
    assert colours[0] == charts.KIND_COLOUR["career"]
    assert colours[-1] == dc.LAST_PLACE_TINT
    lightness = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
    assert lightness == sorted(lightness) and len(set(lightness)) == 5


# --- Ranking with score intervals --------------------------------------------------------------------


def test_ranking_intervals_are_the_engines_10th_to_90th_percentiles(demo):
    st, rb = demo.standing, demo.robustness
    rows = charts.scope_rows(st, charts.SCOPE_ALL)
    view = dc.ranking_intervals_view(st, rb, rows)
    spec = validated(view)
    values = rows_of(spec)
    assert [r["id"] for r in values] == [st.evidence.option_ids[i] for i in rows]
    for r in values:
        i = st.evidence.index(r["id"])
        assert r["low"] == pytest.approx(rb.score_low[i], abs=1e-9)
        assert r["high"] == pytest.approx(rb.score_high[i], abs=1e-9)
        assert r["score"] == pytest.approx(st.score[i], abs=1e-9)
    table = view.table
    assert list(table["Likely from (10th pct)"]) == list(np.round(rb.score_low[rows], 1))
    assert list(table["Likely to (90th pct)"]) == list(np.round(rb.score_high[rows], 1))


def test_ranking_intervals_reading_says_whether_the_top_two_ranges_overlap(demo):
    view = dc.ranking_kind_view(demo.standing, demo.robustness, "career")
    assert view.reading.startswith("Registered nurse scores 77 and Physiotherapist 69")
    assert "overlap, so their order could still change" in view.reading


# --- Tornado -------------------------------------------------------------------------------------------


def test_tornado_without_a_flip_says_no_single_weight_change_would_change_the_top(demo):
    sens = demo.sensitivity
    assert not any(r.changes for r in sens.ranges)
    view = dc.tornado_view(sens)
    assert view.reading.startswith("No single weight change from 0 to 5 would change your top career")
    spec = validated(view)
    assert rows_of(spec, "other") == []
    for r in rows_of(spec, "first"):
        assert (r["start"], r["end"]) == (0, 5)


def test_tornado_ends_are_the_exact_bounds_and_name_who_takes_over():
    ws = with_leaning(demo_workspace(), "e2")
    d = decide(ws)
    sens = d.sensitivity
    culture = next(r for r in sens.ranges if r.dimension == "culture")
    assert culture.below_name == "City General Hospital" and 2 < culture.low < 3  # the demo's one flip
    view = dc.tornado_view(sens)
    spec = validated(view)
    first = {r["dimension"]: r for r in rows_of(spec, "first")}
    for r in sens.ranges:
        assert first[r.dimension]["start"] == pytest.approx(r.low, abs=1e-9)
        assert first[r.dimension]["end"] == pytest.approx(r.high, abs=1e-9)
    (below,) = [r for r in rows_of(spec, "other") if r["dimension"] == "culture"]
    assert (below["start"], below["end"]) == (0, pytest.approx(culture.low))
    assert below["who"] == "City General Hospital"
    marker = next(r for r in rows_of(spec, "marker") if r["dimension"] == "culture")
    assert marker["weight"] == 4
    assert marker["text"] == f"Below {culture.low:.2f}: City General Hospital comes first"
    assert rows_of(spec, "first")[0]["dimension"] == "culture"  # the nearest change on top
    assert "setting Culture fit to 2 or lower (City General Hospital comes first)" in view.reading
    assert view.table.iloc[0]["Below that, first is"] == "City General Hospital"


@pytest.mark.parametrize(
    ("low", "high", "below", "above", "expected"),
    [
        (2.98, 5.0, "x", None, (2, None)),
        (3.0, 5.0, "x", None, (2, None)),
        (0.0, 4.2, None, "y", (None, 5)),
        (0.0, 3.0, None, "y", (None, 4)),
        (1.5, 3.5, "x", "y", (1, 4)),
        (0.0, 5.0, "x", None, (0, None)),  # only weight 0 itself changes the top
    ],
)
def test_slider_values_past_each_bound(low, high, below, above, expected):
    r = WeightRange("culture", "Culture fit", 3.0, low, high, below, above, below, above)
    assert dc.slider_values(r) == expected


def test_sensitivity_of_the_other_kind_draws_too(demo):
    sens = sensitivity(demo.standing.evidence, "employer")
    assert sens is not None and sens.kind == "employer"
    validated(dc.tornado_view(sens, large=True))


# --- Presentation mode ----------------------------------------------------------------------------


def test_large_charts_have_larger_labels(demo):
    small = dc.chart_spec(dc.acceptability_view(demo.robustness, "career").chart)
    large = dc.chart_spec(dc.acceptability_view(demo.robustness, "career", large=True).chart)
    assert large["config"]["axis"]["labelFontSize"] > small["config"]["axis"]["labelFontSize"]
    assert large["height"]["step"] > small["height"]["step"]


# --- user text ---------------------------------------------------------------------------------------


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
        dc.acceptability_view(d.robustness, "career"),
        dc.ranking_kind_view(d.standing, d.robustness, "career"),
        dc.tornado_view(d.sensitivity),
    ]
    for view in views:
        spec = validated(view)
        names = {r.get("name") for r in rows_of(spec)} | {r.get("who") for r in rows_of(spec)}
        names |= {r.get("label") for r in rows_of(spec)}
        # Vega draws text, never markup: the name is there as it is, neither escaped twice nor altered.
        assert HOSTILE in names or f"★ {HOSTILE}" in names
    assert any(HOSTILE in str(v) for v in dc.acceptability_view(d.robustness, "career").table["Option"])


def test_questions_sheet_escapes_every_user_string_and_groups_by_option():
    d = decide(hostile_workspace())
    gaps = d.ask_next
    assert gaps and any(g.option_name == HOSTILE for g in gaps)
    html = questions_sheet_html(gaps, workspace_name=HOSTILE, headline=d.verdict.headline, today=dt.date(2026, 11, 3))
    assert "<script>" not in html and "href=" not in html and "<a " not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&amp; &quot;quotes&quot;" in html
    assert html.count("<script") == 0 and html.count("<style>") == 1
    assert f"<title>{SHEET_TITLE}</title>" in html
    assert "3 November 2026" in html
    # one heading per option, each gap's questions and the scale to rate the answer
    assert html.count("<h2>") == len({g.option for g in gaps})
    for gap in gaps:
        for question in gap.questions:
            assert question.replace("'", "&#x27;") in html
        assert BY_KEY[gap.dimension].scale[5].replace("'", "&#x27;") in html


def test_questions_sheet_without_gaps_says_so():
    html = questions_sheet_html((), today=dt.date(2026, 11, 3))
    assert "Nothing stands out to ask next" in html


def test_ask_next_table_and_reading(demo):
    table = dc.ask_next_table(demo.ask_next)
    assert list(table["#"]) == list(range(1, len(demo.ask_next) + 1))
    assert list(table["Option"]) == [g.option_name for g in demo.ask_next]
    reading = dc.ask_next_reading(demo.ask_next, "career")
    assert reading.startswith("The answers most likely to change which career comes first are about ")
    assert dc.ask_next_reading((), "career").startswith("Every dimension that matters to you")


def test_percent_never_rounds_a_small_share_to_zero():
    assert dc.percent(0.0017) == "under 1%"
    assert dc.percent(0.0) == "0%"
    assert dc.percent(0.9996) == "over 99%"
    assert dc.percent(0.713) == "71%"


def test_the_compare_page_reading_of_the_ranking_with_intervals(demo):
    st, rb = demo.standing, demo.robustness
    rows = charts.scope_rows(st, charts.SCOPE_ALL)
    view = dc.ranking_intervals_view(st, rb, rows, reading="ranking")
    assert view.reading == charts.ranking_view(st, rows).reading
    assert charts.BOTH_KINDS_NOTE in view.note
    assert charts.BOTH_KINDS_NOTE not in dc.ranking_kind_view(st, rb, "career").note


def test_with_many_options_the_later_places_are_one_segment_and_nothing_is_lost():
    from core.robustness import robustness
    from tests.unit.test_robustness import make_evidence

    n = dc.PLACES_SHOWN + 5
    ev = make_evidence([[1.0 + 4 * i / n] * 10 for i in range(n)])
    rb = robustness(ev, draws=500, seed=1)
    view = dc.acceptability_view(rb, "career")
    frame = dc.acceptability_frame(rb, "career")
    labels = list(dict.fromkeys(frame["place_label"]))
    assert labels == [*(dc.ordinal(p) for p in range(1, dc.PLACES_SHOWN + 1)), f"11th–{dc.ordinal(n)}"]
    # Every option's segments still add up to every case, and the table says the same.
    np.testing.assert_allclose(frame.groupby("id")["probability"].sum(), 1.0)
    table = view.table
    assert list(table.columns[-len(labels):]) == [f"{label} %" for label in labels]
    np.testing.assert_allclose(table[[f"{label} %" for label in labels]].sum(axis=1), 100, atol=0.6)
    assert "after the 10th as one" in view.note
