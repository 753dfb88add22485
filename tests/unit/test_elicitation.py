"""Weights from an order of importance and from swings (core/elicitation.py, docs/scoring.md
"Weights"), the order-consistent Monte Carlo draws, and the workspace model's weight fields."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import elicitation as el
from core import robustness as rb
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Workspace
from core.scoring import evidence, standing
from core.workspace_file import WorkspaceFileError, dump_workspace, parse_workspace

K = DIMENSION_KEYS
STRICT_ORDER = {key: place for place, key in enumerate(K, start=1)}


def test_roc_weights_for_ten_are_the_known_numbers():
    w = el.roc_weights(10)
    assert w[0] == pytest.approx(sum(1 / k for k in range(1, 11)) / 10) == pytest.approx(0.2929, abs=1e-4)
    assert w[1] == pytest.approx(0.1929, abs=1e-4)
    assert w[-1] == pytest.approx(0.01)
    assert sum(w) == pytest.approx(1)
    assert w == sorted(w, reverse=True)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_roc_weights_of_small_orders(n):
    assert el.roc_weights(n)[0] == pytest.approx(sum(1 / k for k in range(1, n + 1)) / n)
    assert sum(el.roc_weights(n)) == pytest.approx(1)


def test_an_order_gives_the_roc_shares():
    shares = el.order_shares(STRICT_ORDER)
    assert [shares[k] for k in K] == pytest.approx(el.roc_weights(10))


def test_tied_dimensions_share_the_average_of_their_places_weights():
    order = STRICT_ORDER | {"industry_outlook": 1}  # culture and industry_outlook tie first; then places 2..9
    shares = el.order_shares(order)
    roc = el.roc_weights(10)
    assert shares["culture"] == shares["industry_outlook"] == pytest.approx((roc[0] + roc[1]) / 2)
    assert shares["entry_requirements"] == pytest.approx(roc[2])  # place 3 holds position 3
    assert sum(shares.values()) == pytest.approx(1)


def test_only_the_order_of_places_counts_and_unranked_dimensions_weigh_nothing():
    gaps = {key: 0 for key in K} | {"culture": 2, "network": 7, "confidence": 7}
    shares = el.order_shares(gaps)
    roc3 = el.roc_weights(3)
    assert shares["culture"] == pytest.approx(roc3[0])
    assert shares["network"] == shares["confidence"] == pytest.approx((roc3[1] + roc3[2]) / 2)
    assert all(shares[k] == 0 for k in K if k not in gaps or gaps[k] == 0)


def test_swing_weights_are_the_answers_normalised():
    order = STRICT_ORDER | {"network": 0}
    swings = dict.fromkeys(K, 0) | {"culture": 100, "industry_outlook": 50, "education": 25, "network": 90}
    shares = el.swing_shares(order, swings)
    assert shares["culture"] == pytest.approx(100 / 175)
    assert shares["industry_outlook"] == pytest.approx(50 / 175)
    assert shares["education"] == pytest.approx(25 / 175)
    assert shares["network"] == 0  # not in the order: its answer does not count
    scaled = el.on_weight_scale(shares)
    assert scaled["culture"] == 5 and scaled["industry_outlook"] == pytest.approx(2.5)


def test_derived_weights_are_on_the_direct_scale_and_rounded_for_older_readers():
    derived = el.derived_weights("order", dict.fromkeys(K, 3), STRICT_ORDER, None)
    assert derived["culture"] == 5
    assert derived["network"] == pytest.approx(5 * 0.01 / el.roc_weights(10)[0])
    rounded = el.rounded_weights(derived)
    assert rounded["culture"] == 5 and rounded["network"] == 1  # matters a little: never rounded to 0
    assert el.rounded_weights(derived | {"network": 0.0})["network"] == 0


def test_an_order_from_direct_weights_keeps_their_ties():
    weights = dict.fromkeys(K, 3) | {"culture": 5, "network": 0, "confidence": 1}
    order = el.order_from_weights(weights)
    assert order["culture"] == 1 and order["industry_outlook"] == order["education"] == 2
    assert order["confidence"] == 3 and order["network"] == el.NOT_RANKED


def test_starting_swings_reproduce_the_order_weights():
    order = STRICT_ORDER
    swings = el.swings_from_weights(order, el.order_shares(order))
    assert swings["culture"] == 100 and swings["industry_outlook"] == round(100 * 0.1929 / 0.2929)
    assert el.top_dimensions(order) == ["culture"]


# --- the Monte Carlo --------------------------------------------------------------------------

orders = st.fixed_dictionaries({key: st.integers(0, 10) for key in K}).filter(lambda o: any(o.values()))


@settings(max_examples=60, deadline=None)
@given(order=orders, seed=st.integers(0, 2**32 - 1))
def test_sampled_weights_respect_the_order(order, seed):
    groups = np.array(el.order_groups(order))
    shares = rb.draw_ordered_weights(groups, 200, rb.make_rng(seed))
    assert np.allclose(shares.sum(axis=1), 1)
    assert (shares[:, groups < 0] == 0).all()
    ranked = np.flatnonzero(groups >= 0)
    for i in ranked:
        for j in ranked:
            if groups[i] < groups[j]:  # i's place comes before j's: never a smaller weight
                assert (shares[:, i] >= shares[:, j]).all()


def test_sampled_weights_centre_on_the_roc_weights_ties_included():
    order = STRICT_ORDER | {"industry_outlook": 1, "network": 0}
    shares = rb.draw_ordered_weights(np.array(el.order_groups(order)), 40_000, rb.make_rng(7))
    expected = el.order_shares(order)
    assert shares.mean(axis=0) == pytest.approx([expected[k] for k in K], abs=0.003)
    # A tie is free within itself: either tied dimension may weigh more in a draw.
    more = (shares[:, 0] > shares[:, 1]).mean()
    assert 0.45 < more < 0.55


def test_the_monte_carlo_uses_the_order_only_when_the_weights_come_from_an_order():
    ws = demo_workspace()
    assert evidence(ws).weight_order is None
    by_order = ws.model_copy(update={"weights_by": "order", "order": el.order_from_weights(ws.weights)})
    by_order = Workspace.model_validate(by_order.model_dump())
    ev = evidence(by_order)
    assert ev.weight_order is not None
    drawn = rb.draw_weights(ev.weights, 500, rb.make_rng(1), ev.weight_order)
    assert np.allclose(drawn, rb.draw_ordered_weights(ev.weight_order, 500, rb.make_rng(1)))
    swings = el.swings_from_weights(by_order.order, by_order.scoring_weights)
    swing = Workspace.model_validate(by_order.model_dump() | {"weights_by": "swing", "swings": swings})
    assert evidence(swing).weight_order is None  # stated values: drawn around them
    result = rb.robustness(ev, draws=2000)
    assert result.p_first.sum() == pytest.approx(2.0)  # careers and employers each have a first


# --- the model and the file -------------------------------------------------------------------


def test_an_order_needs_a_dimension_that_matters_and_swings_need_answers():
    with pytest.raises(ValueError, match="order"):
        Workspace(weights_by="order")
    with pytest.raises(ValueError, match="order"):
        Workspace(weights_by="order", order=dict.fromkeys(K, 0))
    with pytest.raises(ValueError, match="swing"):
        Workspace(weights_by="swing", order=STRICT_ORDER)
    with pytest.raises(ValueError, match="swing"):
        Workspace(weights_by="swing", order=STRICT_ORDER, swings=dict.fromkeys(K, 0))
    with pytest.raises(ValueError, match="missing"):
        Workspace(weights_by="order", order={"culture": 1})


def test_the_whole_number_weights_follow_the_order():
    ws = Workspace(weights=dict.fromkeys(K, 1), weights_by="order", order=STRICT_ORDER)
    assert ws.weights == el.rounded_weights(ws.scoring_weights)
    assert ws.weights["culture"] == 5


def test_an_old_file_loads_in_direct_mode_with_the_same_scores():
    ws = demo_workspace()
    text = dump_workspace(ws)
    assert b"weights_by" not in text  # a workspace that never left direct entry writes the old file
    again = parse_workspace(text)
    assert again.weights_by == "direct" and again.order is None and again.swings is None
    assert np.array_equal(standing(again).score, standing(ws).score, equal_nan=True)
    assert evidence(again).weights.tolist() == [float(ws.weights[k]) for k in K]


def test_order_and_swings_round_trip_through_the_file():
    ws = Workspace.model_validate(
        demo_workspace().model_dump()
        | {"weights_by": "swing", "order": STRICT_ORDER, "swings": dict.fromkeys(K, 40) | {"culture": 100}}
    )
    again = parse_workspace(dump_workspace(ws))
    assert (again.weights_by, again.order, again.swings) == (ws.weights_by, ws.order, ws.swings)
    assert again.scoring_weights == ws.scoring_weights


def test_a_file_with_a_bad_order_is_refused():
    document = json.loads(dump_workspace(demo_workspace()))
    document |= {"weights_by": "order", "order": dict.fromkeys(K, 11)}
    with pytest.raises(WorkspaceFileError):
        parse_workspace(json.dumps(document).encode())


def test_the_weights_reading_names_the_heaviest_and_what_counts_for_nothing():
    from views.weights import weights_view

    ordered = Workspace(weights_by="order", order=STRICT_ORDER | {"network": 0})
    view = weights_view(ordered)
    assert view.reading.startswith("From your order of importance alone, Culture fit (31%), Industry outlook")
    assert "Network counts for nothing" in view.reading
    assert view.table["Dimension"].iloc[0] == "Culture fit"
    many_tied = Workspace(weights_by="order", order=dict.fromkeys(K, 1) | {"network": 2})
    assert "9 dimensions weigh most (11% each)" in weights_view(many_tied).reading
    assert "every dimension that counts weighs the same (10%)" in weights_view(Workspace()).reading
