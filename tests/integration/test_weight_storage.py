"""How the weights were given (the weight_elicitation table): stored, reloaded, imported, refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import storage
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import TenfoldError, Workspace
from core.scoring import standing
from core.storage.schema import weight_elicitation

ORDER = {key: place for place, key in enumerate(DIMENSION_KEYS, start=1)}


def _new(engine) -> int:
    return storage.find_workspace(engine, storage.create_workspace(engine)).id


def test_a_workspace_that_never_left_direct_entry_has_no_row_and_loads_as_before(engine):
    ws_id = _new(engine)
    ws = storage.load_workspace(engine, ws_id)
    assert (ws.weights_by, ws.order, ws.swings) == ("direct", None, None)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(weight_elicitation)).scalar() == 0


def test_an_order_and_swings_persist_and_rewrite_the_whole_number_weights(engine):
    ws_id = _new(engine)
    storage.set_weight_elicitation(engine, ws_id, weights_by="order", order=ORDER)
    ws = storage.load_workspace(engine, ws_id)
    assert ws.weights_by == "order" and ws.order == ORDER
    assert ws.weights["culture"] == 5 and ws.weights["network"] == 1
    storage.set_weight_elicitation(engine, ws_id, weights_by="swing")
    storage.set_weight_elicitation(engine, ws_id, swings={"industry_outlook": 80})
    ws = storage.load_workspace(engine, ws_id)
    assert ws.swings["culture"] == 100 and ws.swings["industry_outlook"] == 80
    assert ws.scoring_weights["industry_outlook"] == pytest.approx(4.0)
    storage.set_weights(engine, ws_id, {"culture": 2})  # a slider: direct entry again, answers kept
    ws = storage.load_workspace(engine, ws_id)
    assert ws.weights_by == "direct" and ws.weights["culture"] == 2 and ws.order == ORDER


def test_a_bad_order_is_refused_and_changes_nothing(engine):
    ws_id = _new(engine)
    with pytest.raises(TenfoldError):
        storage.set_weight_elicitation(engine, ws_id, weights_by="order", order=dict.fromkeys(DIMENSION_KEYS, 0))
    with pytest.raises(TenfoldError):
        storage.set_weight_elicitation(engine, ws_id, weights_by="order", order={"culture": 11})
    assert storage.load_workspace(engine, ws_id).weights_by == "direct"


def test_import_keeps_how_the_weights_were_given_and_the_same_scores(engine):
    source = Workspace.model_validate(demo_workspace().model_dump() | {"weights_by": "order", "order": ORDER})
    token = storage.import_workspace(engine, source)
    ws_id = storage.find_workspace(engine, token).id
    loaded = storage.load_workspace(engine, ws_id)
    assert (loaded.weights_by, loaded.order) == ("order", ORDER)
    assert standing(loaded).score.tolist() == pytest.approx(standing(source).score.tolist(), nan_ok=True)
    storage.import_workspace(engine, demo_workspace(), replace_id=ws_id)  # an old file replaces it
    assert storage.load_workspace(engine, ws_id).weights_by == "direct"
