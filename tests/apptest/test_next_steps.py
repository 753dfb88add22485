"""Every participant page ends with the next step; Interviews lists every interview in a table."""

from __future__ import annotations

import pytest

from core import storage
from tests.apptest.helpers import demo_token, open_app

NEXT = {
    "pages/options.py": "interviews",
    "pages/interviews.py": "weights",
    "pages/weights.py": "compare",
    "pages/compare.py": "decision",
    "pages/decision.py": "transfer",
    "pages/transfer.py": "interviews",
}


def _next_links(at) -> list:
    return [link for link in at.get("page_link") if link.proto.label.startswith("Next:")]


@pytest.mark.parametrize("page", list(NEXT))
def test_every_page_ends_with_a_link_to_the_next_step(db, page):
    url, engine = db
    at = open_app(url, token=demo_token(engine), page=page)
    assert not at.exception
    links = _next_links(at)
    assert len(links) == 1
    assert links[0].proto.page == NEXT[page]
    at.session_state["presentation_mode"] = True
    at.run()
    assert _next_links(at) == []  # nothing to do on a shared screen but show


def test_interviews_lists_every_interview_with_its_contact_options_and_ratings(db):
    url, engine = db
    token = demo_token(engine)
    ws = storage.load_workspace(engine, storage.find_workspace(engine, token).id)
    at = open_app(url, token=token, page="pages/interviews.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Open", "Date", "Contact", "Options informed", "Ratings made"]
    assert len(table) == len(ws.interviews)
    newest = ws.interviews[-1]
    assert table.iloc[0]["Date"] == newest.date and table.iloc[0]["Ratings made"] == len(newest.ratings)
    assert table.iloc[0]["Open"] == "▶" and (table["Open"] == "▶").sum() == 1
    contacts = {i.contact.name for i in ws.interviews if i.contact is not None}
    assert contacts <= set(table["Contact"])
    assert "Self-assessment" in set(table["Contact"])
    at.session_state["presentation_mode"] = True
    at.run()
    hidden = at.dataframe[0].value
    assert not contacts & set(hidden["Contact"]) and len(hidden) == len(ws.interviews)
