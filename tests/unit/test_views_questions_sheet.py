"""views.questions_sheet: every user string is escaped, gaps are grouped by option, and a sheet without
gaps says so."""

from __future__ import annotations

import datetime as dt

from core.decision import decide
from core.dimensions import BY_KEY
from tests.unit.test_views_decision import HOSTILE, hostile_workspace
from views.questions_sheet import SHEET_TITLE, questions_sheet_html


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
