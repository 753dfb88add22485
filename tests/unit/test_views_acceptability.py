"""views.acceptability: the numbers in every spec are the engine's rank distribution, the likeliest
winner comes first, and later places get paler (or become one segment past the 10th)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.decision import decide
from core.demo import demo_workspace
from tests.unit.views_checks import rows_of, validated
from views import common
from views.acceptability import (
    LAST_PLACE_TINT,
    PLACES_SHOWN,
    acceptability_frame,
    acceptability_view,
    ordinal,
    place_colours,
)


@pytest.fixture(scope="module")
def demo():
    return decide(demo_workspace())


@pytest.mark.parametrize("kind", ["career", "employer"])
def test_rank_acceptability_spec_holds_the_engines_rank_distribution(demo, kind):
    rb = demo.robustness
    spec = validated(acceptability_view(rb, kind))
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
    view = acceptability_view(rb, "career")
    table = view.table
    assert list(table["Option"]) == ["★ Registered nurse", "Physiotherapist", "Health data analyst"]
    nurse = rb.evidence.index("c1")
    assert table.loc[0, "First %"] == round(100 * rb.p_first[nurse], 1)
    assert table.loc[0, "1st %"] == round(100 * rb.rank_probability[nurse, 0], 1)
    assert view.reading.startswith(
        f"Registered nurse comes first among your careers in {round(100 * rb.p_first[nurse])}% of plausible cases"
    )


def test_rank_acceptability_reading_sums_up_a_long_tail(demo):
    reading = acceptability_view(demo.robustness, "employer").reading
    assert "the other 2 together in" in reading


def test_first_place_colour_stands_apart_and_places_get_paler():
    colours = place_colours("career", 5)
    assert colours[0] == common.KIND_COLOUR["career"]
    assert colours[-1] == LAST_PLACE_TINT
    lightness = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
    assert lightness == sorted(lightness) and len(set(lightness)) == 5


def test_large_charts_have_larger_labels(demo):
    small = common.chart_spec(acceptability_view(demo.robustness, "career").chart)
    large = common.chart_spec(acceptability_view(demo.robustness, "career", large=True).chart)
    assert large["config"]["axis"]["labelFontSize"] > small["config"]["axis"]["labelFontSize"]
    assert large["height"]["step"] > small["height"]["step"]


def test_with_many_options_the_later_places_are_one_segment_and_nothing_is_lost():
    from core.robustness import robustness
    from tests.unit.test_robustness import make_evidence

    n = PLACES_SHOWN + 5
    ev = make_evidence([[1.0 + 4 * i / n] * 10 for i in range(n)])
    rb = robustness(ev, draws=500, seed=1)
    view = acceptability_view(rb, "career")
    frame = acceptability_frame(rb, "career")
    labels = list(dict.fromkeys(frame["place_label"]))
    assert labels == [*(ordinal(p) for p in range(1, PLACES_SHOWN + 1)), f"11th–{ordinal(n)}"]
    # Every option's segments still add up to every case, and the table says the same.
    np.testing.assert_allclose(frame.groupby("id")["probability"].sum(), 1.0)
    table = view.table
    assert list(table.columns[-len(labels):]) == [f"{label} %" for label in labels]
    np.testing.assert_allclose(table[[f"{label} %" for label in labels]].sum(axis=1), 100, atol=0.6)
    assert "after the 10th as one" in view.note


def test_options_not_rated_yet_are_left_out_and_counted():
    from core.models import Option, Workspace

    ws = demo_workspace()
    lab = Option(id="c9", kind="career", name="Medical lab technologist")
    decision = decide(ws.model_copy(update={"options": [*ws.options, lab]}), draws=2_000)
    view = acceptability_view(decision.robustness, "career")
    assert "Medical lab technologist" not in set(acceptability_frame(decision.robustness, "career")["name"])
    assert view.reading.endswith("; 1 not rated yet, so not ranked.")
    unrated = decide(Workspace(options=[Option(id="a", kind="career", name="A"), lab]), draws=200)
    empty = acceptability_view(unrated.robustness, "career")  # nothing rated: an empty chart, not an error
    assert empty.reading == "None of your careers has a score yet, so none is ranked." and empty.table.empty
    validated(empty)
