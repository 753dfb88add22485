"""views.ask_next: the table lists the engine's gaps in order, and the reading names where to start."""

from __future__ import annotations

import pytest

from core.decision import decide
from core.demo import demo_workspace
from views.ask_next import ask_next_reading, ask_next_table


@pytest.fixture(scope="module")
def demo():
    return decide(demo_workspace())


def test_ask_next_table_and_reading(demo):
    table = ask_next_table(demo.ask_next)
    assert list(table["#"]) == list(range(1, len(demo.ask_next) + 1))
    assert list(table["Option"]) == [g.option_name for g in demo.ask_next]
    reading = ask_next_reading(demo.ask_next, "career")
    assert reading.startswith("The answers most likely to change which career comes first are about ")
    assert ask_next_reading((), "career").startswith("Every dimension that matters to you")
