"""The Compare page, driven through the real app with AppTest on a real SQLite database."""

from __future__ import annotations

import json

import pytest

from core import storage
from core.demo import demo_workspace
from core.models import Option, Workspace
from tests.apptest.helpers import by_key, open_app, shown, texts
from views.common import employers_of

from streamlit.testing.v1 import AppTest  # isort: skip

COMPARE = "pages/compare.py"


@pytest.fixture
def db(sqlite_url):
    engine = storage.make_engine(sqlite_url)
    yield sqlite_url, engine
    engine.dispose()


def compare(url: str, token: str, *, presentation: bool = False) -> AppTest:
    state = {"workspace_token": token} | ({"presentation_mode": True} if presentation else {})
    at = open_app(url, page=COMPARE, session_state=state)
    assert not at.exception
    return at


def ids(engine, token: str) -> dict[str, str]:
    """Option name -> id as stored (storage gives records new ids)."""
    ws = storage.load_workspace(engine, storage.find_workspace(engine, token).id)
    return {o.name: o.id for o in ws.options}


def reading(at: AppTest) -> str:
    """The bold one-sentence reading above the chart."""
    lines = [shown(m.value[2:-2]) for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    return lines[0] if lines else ""


def charts_drawn(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_ranking_shows_the_reading_and_one_chart(db):
    url, engine = db
    at = compare(url, storage.import_workspace(engine, demo_workspace()))
    assert reading(at).startswith("Registered nurse leads the careers with 77, 8 points ahead of Physiotherapist")
    [spec] = charts_drawn(at)
    assert spec["config"]["axis"]["labelFontSize"] == 12
    assert "star" not in texts(at).lower() or "★" in texts(at)
    assert "coverage" in texts(at)  # the key under the chart explains the numbers


def test_the_table_view_has_the_same_numbers(db):
    url, engine = db
    at = compare(url, storage.import_workspace(engine, demo_workspace()))
    by_key(at.toggle, "compare_as_table").set_value(True).run()
    assert not at.exception and not at.get("vega_lite_chart")
    table = at.dataframe[0].value
    assert list(table["Option"][:3]) == ["★ Registered nurse", "Physiotherapist", "Health data analyst"]
    assert table["Score (0–100)"][0] == pytest.approx(76.8)
    assert list(table["Rank"]) == [1, 2, 3, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("view", "start"),
    [
        ("heatmap", "City General Hospital rates highest on 2 of 10 dimensions; 22 of 80 cells have no evidence"),
        ("profile", "Registered nurse rates higher than Physiotherapist on 4 dimensions"),
        ("why", "Registered nurse is 8 points ahead of Physiotherapist (77 to 69), mainly on"),
        ("history", "From 06 Oct 2026 to 15 Nov 2026,"),
    ],
)
def test_each_view_draws_only_its_own_chart(db, view, start):
    url, engine = db
    at = compare(url, storage.import_workspace(engine, demo_workspace()))
    by_key(at.segmented_control, "compare_view").set_value(view).run()
    assert not at.exception
    assert reading(at).startswith(start)
    assert len(charts_drawn(at)) == 1  # the other views are not built at all


def test_the_filter_shows_the_employers_of_one_career(db):
    url, engine = db
    token = storage.import_workspace(engine, demo_workspace())
    at = compare(url, token)
    scope = by_key(at.selectbox, "compare_scope")
    assert "Employers of Registered nurse" in scope.options
    scope.set_value(employers_of(ids(engine, token)["Registered nurse"])).run()
    by_key(at.toggle, "compare_as_table").set_value(True).run()
    assert list(at.dataframe[0].value["Option"]) == ["Riverside Community Care", "City General Hospital"]
    assert reading(at).startswith("Riverside Community Care leads the employers with 76")


def test_profile_picks_two_by_default_and_takes_a_third(db):
    url, engine = db
    token = storage.import_workspace(engine, demo_workspace())
    option = ids(engine, token)
    at = compare(url, token)
    by_key(at.segmented_control, "compare_view").set_value("profile").run()
    pick = by_key(at.multiselect, "compare_profile")
    assert pick.value == [option["Registered nurse"], option["Physiotherapist"]]
    pick.select(option["Health data analyst"]).run()
    assert reading(at).startswith("Where all three have evidence, Registered nurse rates highest on 3")
    by_key(at.multiselect, "compare_profile").set_value([option["Registered nurse"]]).run()
    assert "Choose two or three options" in texts(at) and not at.get("vega_lite_chart")


def test_presentation_mode_enlarges_the_chart(db):
    url, engine = db
    at = compare(url, storage.import_workspace(engine, demo_workspace()), presentation=True)
    [spec] = charts_drawn(at)
    assert spec["config"]["axis"]["labelFontSize"] == 17
    assert spec["height"]["step"] > 26


def test_the_presentation_switch_sets_the_plain_key_that_outlives_a_page_switch(db):
    url, engine = db
    token = storage.import_workspace(engine, demo_workspace())
    at = open_app(url, session_state={"workspace_token": token})
    by_key(at.sidebar.toggle, "presentation_toggle").set_value(True).run()
    assert at.session_state["presentation_mode"] is True
    assert any("font-size" in str(h.proto.body) for h in at.get("html"))  # the larger-text style is in place
    at.switch_page(COMPARE)
    at.run()
    assert not at.exception
    assert at.session_state["presentation_mode"] is True
    assert charts_drawn(at)[0]["config"]["axis"]["labelFontSize"] == 17


@pytest.mark.parametrize(
    ("workspace", "message", "link"),
    [
        (Workspace(), "There is nothing to compare yet", "Add careers and employers"),
        (Workspace(options=[Option(id="a", kind="career", name="A")]), "None of your options has a rating yet",
         "Log an interview"),
    ],
)
def test_empty_states_say_what_to_do_next(db, workspace, message, link):
    url, engine = db
    at = compare(url, storage.import_workspace(engine, workspace))
    assert message in texts(at)
    assert [p.label for p in at.get("page_link")] == [link]
    assert not at.get("vega_lite_chart") and not at.dataframe


def test_a_filter_with_nothing_in_it_says_so(db):
    url, engine = db
    ws = demo_workspace()
    careers_only = ws.model_copy(update={
        "options": [o for o in ws.options if o.kind == "career"],
        "interviews": [i.model_copy(update={"ratings": [r for r in i.ratings if r.option.startswith("c")],
                                              "options": [o for o in i.informed if o.startswith("c")]})
                       for i in ws.interviews],
    })
    at = compare(url, storage.import_workspace(engine, careers_only))
    by_key(at.selectbox, "compare_scope").set_value("employer").run()
    assert "There are no employers among your options yet" in texts(at)


def test_option_names_are_shown_literally(db):
    url, engine = db
    ws = demo_workspace()
    odd = "**Nurse** <b>[x](javascript:alert(1))</b>"
    renamed = ws.model_copy(update={"options": [o.model_copy(update={"name": odd}) if o.id == "c1" else o
                                                for o in ws.options]})
    at = compare(url, storage.import_workspace(engine, renamed))
    raw = next(m.value for m in at.markdown if m.value.startswith("**"))
    assert "\\*\\*Nurse\\*\\* \\<b\\>\\[x\\]" in raw  # every Markdown and HTML character escaped
    assert reading(at).startswith(f"{odd} leads the careers")


def test_a_write_shows_on_the_next_rerun(db):
    url, engine = db
    token = storage.import_workspace(engine, demo_workspace())
    at = compare(url, token)
    before = reading(at)
    ref = storage.find_workspace(engine, token)
    storage.set_weights(engine, ref.id, {"typical_day": 0})
    at.run()
    assert reading(at) != before  # the cache is keyed by the workspace's revision


def test_without_a_workspace_the_page_says_how_to_open_one(db):
    url, _ = db
    at = open_app(url, page=COMPARE)
    assert not at.exception
    assert "Open your workspace first" in texts(at)
