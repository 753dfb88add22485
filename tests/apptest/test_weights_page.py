"""The Weights page's three ways of giving weights, driven through the real app script: an order
set with select boxes (keyboard-operable, no dragging), swings in number boxes, direct sliders."""

from __future__ import annotations

import pytest

from core import storage
from core.dimensions import DIMENSION_KEYS
from core.elicitation import NOT_RANKED, order_shares, roc_weights
from tests.apptest.helpers import by_key, demo_token, open_app, texts

PAGE = "pages/weights.py"


def _ws(engine, token):
    return storage.load_workspace(engine, storage.find_workspace(engine, token).id)


def test_an_existing_workspace_keeps_its_direct_weights(db):
    url, engine = db
    token = demo_token(engine)
    before = _ws(engine, token)
    at = open_app(url, token=token, page=PAGE)
    assert not at.exception
    assert by_key(at.radio, "weights_by").value == "direct"
    assert len(at.slider) == 10 and not at.selectbox
    assert _ws(engine, token).weights == before.weights
    assert "From the weights you set" in texts(at)


def test_the_dimensions_are_put_in_order_with_select_boxes(db):
    url, engine = db
    token = storage.create_workspace(engine)
    at = open_app(url, token=token, page=PAGE)
    by_key(at.radio, "weights_by").set_value("order").run()
    assert not at.exception
    assert len(at.selectbox) == 10 and not at.slider
    ws = _ws(engine, token)
    assert ws.weights_by == "order"
    assert set(ws.order.values()) == {1}  # equal direct weights: all tied first, nothing moved
    for place, key in enumerate(DIMENSION_KEYS, start=1):
        by_key(at.selectbox, f"weights_place_{key}").set_value(place).run()
    ws = _ws(engine, token)
    assert ws.order == {key: place for place, key in enumerate(DIMENSION_KEYS, start=1)}
    shares = {k: v / sum(ws.scoring_weights.values()) for k, v in ws.scoring_weights.items()}
    assert [shares[k] for k in DIMENSION_KEYS] == pytest.approx(roc_weights(10))
    assert "From your order of importance alone, Culture fit (29%)" in texts(at)


def test_ties_and_dimensions_that_do_not_matter(db):
    url, engine = db
    token = storage.create_workspace(engine)
    at = open_app(url, token=token, page=PAGE)
    by_key(at.radio, "weights_by").set_value("order").run()
    by_key(at.selectbox, "weights_place_network").set_value(NOT_RANKED).run()
    by_key(at.selectbox, "weights_place_culture").set_value(2).run()
    ws = _ws(engine, token)
    assert ws.scoring_weights["network"] == 0 and ws.weights["network"] == 0
    assert ws.order["culture"] == 2
    shares = order_shares(ws.order)
    assert shares["culture"] == pytest.approx(roc_weights(9)[-1])  # alone in last place of nine
    assert "Network counts for nothing" in texts(at)


def test_swings_refine_the_order(db):
    url, engine = db
    token = storage.create_workspace(engine)
    at = open_app(url, token=token, page=PAGE)
    by_key(at.radio, "weights_by").set_value("order").run()
    by_key(at.selectbox, "weights_place_culture").set_value(1).run()
    for key in DIMENSION_KEYS[1:]:
        by_key(at.selectbox, f"weights_place_{key}").set_value(2).run()
    by_key(at.radio, "weights_by").set_value("swing").run()
    assert not at.exception
    assert len(at.number_input) == 10
    ws = _ws(engine, token)
    assert ws.weights_by == "swing" and ws.swings["culture"] == 100
    by_key(at.number_input, "weights_swing_network").set_value(0).run()
    by_key(at.number_input, "weights_swing_education").set_value(50).run()
    ws = _ws(engine, token)
    assert ws.swings["education"] == 50 and ws.scoring_weights["network"] == 0
    assert ws.scoring_weights["education"] == pytest.approx(2.5)
    assert "From your order and your swing answers" in texts(at)


def test_going_back_to_direct_entry_keeps_the_order_and_shows_sliders(db):
    url, engine = db
    token = storage.create_workspace(engine)
    at = open_app(url, token=token, page=PAGE)
    by_key(at.radio, "weights_by").set_value("order").run()
    by_key(at.selectbox, "weights_place_culture").set_value(NOT_RANKED).run()
    by_key(at.radio, "weights_by").set_value("direct").run()
    assert len(at.slider) == 10
    ws = _ws(engine, token)
    assert ws.weights_by == "direct" and ws.order["culture"] == NOT_RANKED
    assert by_key(at.slider, "weights_culture").value == 0  # the derived weights, rounded
    by_key(at.radio, "weights_by").set_value("order").run()
    assert by_key(at.selectbox, "weights_place_culture").value == NOT_RANKED


def test_the_weights_chart_has_a_table(db):
    url, engine = db
    token = storage.create_workspace(engine)
    at = open_app(url, token=token, page=PAGE)
    by_key(at.toggle, "weights_as_table").set_value(True).run()
    assert not at.exception
    assert list(at.dataframe[0].value["Dimension"])[:1] == ["Culture fit"]
