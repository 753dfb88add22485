"""views.tornado: the ends of each weight's range are the exact bounds, and name who takes over."""

from __future__ import annotations

import pytest

from core.decision import WeightRange, decide, sensitivity
from core.demo import demo_workspace
from core.models import Workspace
from tests.unit.views_checks import rows_of, validated
from views.tornado import slider_values, tornado_view


@pytest.fixture(scope="module")
def demo():
    return decide(demo_workspace())


def with_leaning(ws: Workspace, option_id: str, **weights: int) -> Workspace:
    options = [o.model_copy(update={"leaning": o.id == option_id}) for o in ws.options]
    return ws.model_copy(update={"options": options, "weights": {**ws.weights, **weights}})


def test_tornado_without_a_flip_says_no_single_weight_change_would_change_the_top(demo):
    sens = demo.sensitivity
    assert not any(r.changes for r in sens.ranges)
    view = tornado_view(sens)
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
    view = tornado_view(sens)
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
    assert slider_values(r) == expected


def test_sensitivity_of_the_other_kind_draws_too(demo):
    sens = sensitivity(demo.standing.evidence, "employer")
    assert sens is not None and sens.kind == "employer"
    validated(tornado_view(sens, large=True))
