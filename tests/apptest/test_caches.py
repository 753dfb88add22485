"""Emptying every cache costs recomputation, never correctness.

Any tab can ask Streamlit to clear every `st.cache_data` and `st.cache_resource` of the process
(the `clear_cache` message: serve.NoClearCache drops it, docs/deployment.md says why). Should one
get through, or an operator clear them, every page must show exactly what it showed before: the
caches hold only what the database and the arguments determine (keyed by database URL, workspace
id and revision), never the only copy of anything.
"""

from __future__ import annotations

import json

import pytest
import streamlit as st

from tests.apptest.helpers import demo_token, open_app, texts

PAGES = ["pages/options.py", "pages/interviews.py", "pages/weights.py", "pages/compare.py", "pages/decision.py",
         "pages/transfer.py"]  # fmt: skip


def shown(at) -> dict:  # type: ignore[no-untyped-def]
    """What a page shows: its text, charts and tables."""
    assert not at.exception, at.exception
    return {
        "texts": texts(at),
        "charts": [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")],
        "tables": [frame.value.to_json() for frame in at.dataframe],
    }


def clear_every_cache() -> None:
    # What Streamlit does on `clear_cache` (AppSession._handle_clear_cache_request), for every user.
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("page", PAGES)
def test_a_page_shows_the_same_after_every_cache_is_emptied(db, page):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token, page=page)
    before = shown(at)
    clear_every_cache()
    at.run()  # the same tab, its caches gone between two runs
    assert shown(at) == before
    clear_every_cache()
    assert shown(open_app(url, token=token, page=page)) == before  # and a tab opened afresh

