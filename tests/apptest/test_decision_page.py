"""The Decision page through the real app script: the verdict, its four sections, the other kind,
the empty states, presentation mode, the printable sheet, caching, and a weight moved across a
stability bound on the Weights page changing what the Decision page says."""

from __future__ import annotations

import datetime as dt
import math

from streamlit.testing.v1 import AppTest

from core import decision as engine
from core import storage
from core.decision import decide
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Contact, Interview, Option, Rating, Workspace
from tests.apptest.helpers import by_key, open_app, texts
from ui import decision_panel

DECISION = "pages/decision.py"
WEIGHTS = "pages/weights.py"
HOSTILE = "<script>alert('x')</script> **bold** [link](javascript:alert(1))"


def with_leaning(ws: Workspace, option_id: str | None) -> Workspace:
    return ws.model_copy(update={"options": [o.model_copy(update={"leaning": o.id == option_id}) for o in ws.options]})


def decision_page(url: str, engine_, ws: Workspace, **state) -> AppTest:
    token = storage.import_workspace(engine_, ws)
    at = open_app(url, page=DECISION, token=token, session_state=state, timeout=60)
    assert not at.exception, at.exception
    return at


def markdown_text(at: AppTest) -> str:
    return texts(at)


# --- the demo ------------------------------------------------------------------------------------


def test_demo_shows_the_verdict_and_every_section(db):
    url, engine_ = db
    at = decision_page(url, engine_, demo_workspace())
    expected = decide(demo_workspace()).verdict
    assert expected.code == engine.CONFIRMED
    (box,) = at.success
    assert expected.headline in texts(at)
    assert "we call that confirmed at 60% or more" in box.value
    # the one explanation (core.explain), the same sentence as Compare › Why
    assert expected.explanation.sentence() in texts(at)
    assert "no rating of Lessons learned for Physiotherapist yet" in texts(at)
    assert [e.label for e in at.expander] == ["How we decide"]

    section = by_key(at.segmented_control, "decision_section")
    assert section.value == "acceptability"
    assert "Registered nurse comes first among your careers in 71% of plausible cases" in texts(at)
    assert len(at.get("vega_lite_chart")) == 1

    section.set_value("ranking").run()
    assert not at.exception
    assert "their likely ranges" in texts(at)

    by_key(at.segmented_control, "decision_section").set_value("sensitivity").run()
    assert not at.exception
    assert "No single weight change from 0 to 5 would change your top career" in texts(at)

    by_key(at.toggle, "decision_as_table").set_value(True).run()
    assert not at.exception
    assert len(at.dataframe) == 1 and len(at.get("vega_lite_chart")) == 0
    assert "Registered nurse stays first from" in list(at.dataframe[0].value.columns)

    by_key(at.segmented_control, "decision_section").set_value("ask").run()
    assert not at.exception
    gaps = decide(demo_workspace()).ask_next
    shown = texts(at)
    for n, gap in enumerate(gaps, start=1):
        assert f"{n}. {gap.label} for {gap.option_name}" in shown
        assert gap.reason in shown
        assert all(q in shown for q in gap.questions)
    assert len(at.get("download_button")) == 1
    assert not [t for t in at.toggle if t.key == "decision_as_table"]  # nothing to tabulate twice


def test_the_other_kind_can_be_seen_too(db):
    url, engine_ = db
    at = decision_page(url, engine_, demo_workspace())
    kind = by_key(at.segmented_control, "decision_kind")
    assert kind.value == "career"
    kind.set_value("employer").run()
    assert not at.exception
    shown = texts(at)
    assert "Below, your employers." in shown
    assert "comes first among your employers in" in shown
    assert decide(demo_workspace()).verdict.headline in shown  # the verdict stays about the leaning
    by_key(at.segmented_control, "decision_section").set_value("sensitivity").run()
    assert "Riverside Community Care is your top employer at your current weights" in texts(at)


def test_a_career_and_an_employer_leaning_each_get_their_verdict(db):
    url, engine_ = db
    ws = demo_workspace()
    ws = ws.model_copy(update={"options": [o.model_copy(update={"leaning": o.leaning or o.id == "e1"})
                                           for o in ws.options]})
    at = decision_page(url, engine_, ws)
    decision = decide(ws)
    shown = texts(at).replace("\\", "")
    for kind in ("career", "employer"):
        verdict = decision.kinds[kind].verdict
        assert verdict.is_leaning and verdict.headline in shown
        assert verdict.explanation.sentence() in shown
    headers = [h.value for h in at.header]
    assert [h for h in headers if h.startswith("Which ")] == ["Which career?", "Which employer?"]
    assert "You have not set" not in shown
    assert not [link for link in at.get("page_link") if "leaning" in link.label]


def test_the_printable_sheet_holds_the_questions(db, downloaded):
    url, engine_ = db
    at = decision_page(url, engine_, demo_workspace())
    by_key(at.segmented_control, "decision_section").set_value("ask").run()
    html = downloaded(at, "decision_questions_download").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    for gap in decide(demo_workspace()).ask_next:
        assert gap.questions[0].replace("'", "&#x27;") in html


# --- no leaning, no ratings, no options, one option of a kind -----------------------------------


def test_without_a_leaning_the_page_names_the_favourite_and_invites_setting_one(db):
    url, engine_ = db
    at = decision_page(url, engine_, with_leaning(demo_workspace(), None))
    shown = texts(at).replace("**", "")
    assert "You have not set a career leaning yet, so the verdict above is about the career the evidence " \
        "favours, Registered nurse." in shown
    assert "You have not set an employer leaning yet, so the verdict above is about the employer the evidence " \
        "favours, Riverside Community Care." in shown
    assert "The evidence favours Registered nurse among your careers" in at.success[0].value.replace("\\", "")
    assert [link.label for link in at.get("page_link") if "leaning" in link.label] == ["Set your current leaning"]


def test_presentation_mode_hides_the_links_to_editing_pages(db):
    url, engine_ = db
    at = decision_page(url, engine_, with_leaning(demo_workspace(), None), presentation_mode=True)
    assert "You have not set a career leaning" in texts(at)
    assert not [link for link in at.get("page_link") if "leaning" in link.label]
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"labelFontSize": 17' in spec  # the charts' large labels


def test_with_no_ratings_the_page_says_what_to_do_and_what_to_ask_first(db):
    url, engine_ = db
    ws = demo_workspace().model_copy(update={"interviews": []})
    at = decision_page(url, engine_, ws)
    shown = texts(at)
    assert "none of your options has a rating" in shown
    assert [link.label for link in at.get("page_link") if "interview" in link.label] == ["Log an interview"]
    first = decide(ws).ask_next[0]  # the first questions to ask
    assert f"1. {first.label} for {first.option_name}" in shown and first.questions[0] in shown
    assert len(at.get("download_button")) == 1
    assert not at.get("vega_lite_chart")


def test_with_no_options_the_page_says_to_add_some(db):
    url, engine_ = db
    token = storage.create_workspace(engine_)
    at = open_app(url, token=token, page=DECISION)
    assert not at.exception
    assert "There is nothing to compare yet" in texts(at)
    assert [link.label for link in at.get("page_link") if "Add" in link.label] == ["Add careers and employers"]


def test_a_kind_with_one_option_asks_for_another(db):
    url, engine_ = db
    ws = demo_workspace()
    ws = ws.model_copy(update={
        "options": [o for o in ws.options if o.id in ("c1", "e1", "e2")],
        "interviews": [
            i.model_copy(update={
                "options": [o for o in i.options if o in ("c1", "e1", "e2")],
                "ratings": [r for r in i.ratings if r.option in ("c1", "e1", "e2")],
            })
            for i in ws.interviews
        ],
    })
    at = decision_page(url, engine_, ws)
    assert "Registered nurse is the only one of your careers so far" in at.info[0].value
    assert by_key(at.segmented_control, "decision_section").value == "ask"  # not enough evidence: ask first
    by_key(at.segmented_control, "decision_section").set_value("acceptability").run()
    assert "Registered nurse is your only career so far" in texts(at)
    assert [link.label for link in at.get("page_link") if "Add" in link.label] == ["Add another career"]
    by_key(at.segmented_control, "decision_kind").set_value("employer").run()
    assert not at.exception
    assert "comes first among your employers in" in texts(at)


# --- a weight across a stability bound changes the verdict ---------------------------------------------


def test_moving_a_weight_across_its_stability_bound_changes_the_verdict(db):
    url, engine_ = db
    ws = with_leaning(demo_workspace(), "e2")  # Riverside Community Care: first by score, a close call
    before = decide(ws)
    flips = [r for r in before.sensitivity.ranges if r.below is not None and r.low > 0]
    assert flips, "the workspace should have a weight whose bound lies inside 0-5"
    bound = flips[0]
    new_weight = math.ceil(bound.low) - 1  # the largest whole weight below the bound
    after = decide(ws.model_copy(update={"weights": {**ws.weights, bound.dimension: new_weight}}))
    assert after.verdict.code != before.verdict.code

    token = storage.import_workspace(engine_, ws)
    at = open_app(url, token=token, page=DECISION)
    assert before.verdict.headline in texts(at)
    by_key(at.segmented_control, "decision_section").set_value("sensitivity").run()
    assert f"{before.sensitivity.top_name} is your top employer at your current weights" in texts(at)

    at.switch_page(WEIGHTS)
    at.run()
    by_key(at.slider, f"weights_{bound.dimension}").set_value(new_weight).run()
    assert not at.exception
    at.switch_page(DECISION)
    at.run()
    assert not at.exception
    shown = texts(at)
    assert after.verdict.headline in shown and before.verdict.headline not in shown
    assert after.verdict.code == engine.RECONSIDER and len(at.error) == 1
    assert f"Consider {bound.below_name}" in at.error[0].value.replace("\\", "")
    by_key(at.segmented_control, "decision_section").set_value("sensitivity").run()
    assert f"{bound.below_name} is your top employer at your current weights" in texts(at)


# --- caching and user text -------------------------------------------------------------------------


def test_a_rerun_that_changed_nothing_does_not_decide_again(db, monkeypatch):
    url, engine_ = db
    calls = []
    real = engine.decide

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(decision_panel, "decide", counting)
    at = decision_page(url, engine_, demo_workspace())
    assert len(calls) == 1
    at.run()
    by_key(at.segmented_control, "decision_section").set_value("ranking").run()
    assert len(calls) == 1
    by_key(at.segmented_control, "decision_section").set_value("acceptability").run()
    assert len(calls) == 1


def test_user_text_is_shown_as_text(db):
    url, engine_ = db
    options = [Option(id="a", kind="career", name=HOSTILE, leaning=True), Option(id="b", kind="career", name="Plain")]
    ratings = [Rating(option=o, dimension=d, score=s) for o, s in (("a", 4), ("b", 3)) for d in DIMENSION_KEYS[:5]]
    ws = Workspace(
        name=HOSTILE, weights=dict.fromkeys(DIMENSION_KEYS, 3), options=options,
        interviews=[Interview(id="i", kind="interview", date=dt.date(2026, 10, 1), contact=Contact(name="X"),
                              ratings=ratings)],
    )
    at = decision_page(url, engine_, ws)
    for section in ("acceptability", "ranking", "sensitivity", "ask"):
        by_key(at.segmented_control, "decision_section").set_value(section).run()
        assert not at.exception
        values = [e.value for e in [*at.markdown, *at.caption, *at.success, *at.warning, *at.info, *at.error]]
        for value in values:
            assert "<script>" not in value and "**bold**" not in value and "](javascript" not in value
        for element in at.markdown:
            assert element.proto.allow_html is False
        assert any(r"\*\*bold\*\*" in value for value in values)


# --- a counsellor's read-only view ------------------------------------------------------------------


def test_a_counsellors_read_only_view_shows_the_decision_without_editing_links(db):
    from core import access
    from ui import counsellor

    url, engine_ = db
    passcode_hash = access.hash_passcode("river-otter-42")
    workshop = storage.create_workshop(engine_, name="Tuesday group", passcode_hash=passcode_hash)
    token = storage.create_workspace_in_workshop(engine_, workshop.join_code, "Ana")
    workspace_id = storage.find_workspace(engine_, token).id
    storage.import_workspace(engine_, with_leaning(demo_workspace(), None), replace_id=workspace_id)
    storage.set_sharing(engine_, workspace_id, True)

    at = open_app(
        url,
        page=DECISION,
        query_params={counsellor.VIEW_PARAM: "a-view-id"},
        session_state={counsellor.COUNSELLOR_KEY: workshop.id, counsellor.VIEWS_KEY: {"a-view-id": workspace_id}},
        timeout=60,
    )
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Read-only view of Ana" in shown
    assert "The evidence favours Registered nurse among your careers" in shown
    assert "You have not set a career leaning yet" in shown
    editing = ("Set your current leaning", "Add another career")
    assert not [link for link in at.get("page_link") if link.label in editing]
    assert token not in shown
    by_key(at.segmented_control, "decision_section").set_value("ask").run()
    assert not at.exception and len(at.get("download_button")) == 1


def test_the_compare_ranking_carries_the_same_score_intervals(db):
    import json

    url, engine_ = db
    token = storage.import_workspace(engine_, demo_workspace())
    at = open_app(url, token=token, page="pages/compare.py")
    assert not at.exception
    rb = decide(demo_workspace()).robustness
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert any(layer["mark"]["type"] == "rule" for layer in spec["layer"])  # the likely ranges
    by_key(at.toggle, "compare_as_table").set_value(True).run()
    table = at.dataframe[0].value
    by_name = dict(zip(rb.evidence.names, rb.score_low, strict=True))
    for label, low in zip(table["Option"], table["Likely from (10th pct)"], strict=True):
        assert low == round(by_name[label.removeprefix("★ ")], 1)
