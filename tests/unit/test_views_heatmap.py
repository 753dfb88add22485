"""views.heatmap: inherited cells and cells without evidence are marked, and the reading counts leads and gaps."""

from __future__ import annotations

import pytest

from core.demo import demo_workspace
from core.scoring import standing
from views import common
from views.heatmap import heatmap_frame, heatmap_view


@pytest.fixture(scope="module")
def demo():
    ws = demo_workspace()
    return ws, standing(ws)


def test_heatmap_marks_inherited_cells_and_cells_without_evidence(demo):
    _, s = demo
    frame = heatmap_frame(s, common.scope_rows(s, common.SCOPE_ALL))
    assert frame["dimension"].iloc[0] == "typical_day"  # the heaviest weight first
    city = frame[frame["option"] == "City General Hospital"].set_index("dimension")
    # A cell shows the mean rating (one decimal), never the count; an inherited one carries a mark.
    assert city.loc["culture", "text"] == "3.0" and not city.loc["culture", "inherited"]
    assert city.loc["typical_day", "text"] == "3.5*" and city.loc["typical_day", "inherited"]
    assert city.loc["culture", "evidence"] == "1 rating"  # the count: in the tooltip and the table
    assert city.loc["typical_day", "evidence"] == "2 ratings of Registered nurse (inherited)"
    nurse = frame[frame["option"] == "Registered nurse"].set_index("dimension")
    assert nurse.loc["culture", "text"] == "—" and nurse.loc["culture", "evidence"] == "no evidence"
    table = heatmap_view(s, common.scope_rows(s, common.SCOPE_ALL)).table
    row = table[table["Option"] == "City General Hospital"].iloc[0]
    assert row["Typical day (5)"] == "3.5 (2) inherited" and row["Culture fit (4)"] == "3.0 (1)"
    assert table[table["Option"] == "★ Registered nurse"].iloc[0]["Culture fit (4)"] == "no evidence"


def test_heatmap_reading_counts_leads_and_gaps(demo):
    _, s = demo
    view = heatmap_view(s, common.scope_rows(s, common.SCOPE_CAREERS))
    assert view.reading == "Registered nurse rates highest on 5 of 10 dimensions; 12 of 30 cells have no evidence yet."


def test_every_cell_shows_its_mean_as_the_table_does_and_the_key_explains_the_mark(demo):
    _, s = demo
    view = heatmap_view(s, common.scope_rows(s, common.SCOPE_ALL))
    frame = heatmap_frame(s, common.scope_rows(s, common.SCOPE_ALL))
    rated = frame[frame["has"]]
    assert all(
        text == f"{mean:.1f}" + ("*" if inherited else "")
        for text, mean, inherited in zip(rated["text"], rated["mean"], rated["inherited"], strict=True)
    )
    assert all(1 <= float(text.rstrip("*")) <= 5 for text in rated["text"])
    assert "* after a rating" in view.note and "how many ratings it rests on" in view.note
