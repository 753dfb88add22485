"""Start: workspaces have names, and another workspace never replaces the open one without asking."""

from __future__ import annotations

import datetime as dt

import segno

from core import storage
from tests.apptest.helpers import by_key, demo_token, open_app, texts
from ui.private_link import qr_svg
from views.report import short_date


def _sidebar(at) -> str:
    return "\n".join(str(m.value) for m in at.sidebar.markdown)


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("select count(*) from workspaces").scalar_one()


def test_a_new_workspace_is_named_after_its_day_and_can_be_renamed(db):
    url, engine = db
    at = open_app(url)
    by_key(at.button, "start_new").click().run()
    token = at.query_params["w"]
    name = f"Workspace of {short_date(dt.date.today())}"
    assert storage.find_workspace(engine, token).name == name
    assert name in _sidebar(at)
    by_key(at.text_input, "start_name").input("Nursing or physio").run()
    assert not at.exception
    assert storage.find_workspace(engine, token).name == "Nursing or physio"
    assert "Nursing or physio" in _sidebar(at)
    assert by_key(at.text_input, "start_name").value == "Nursing or physio"


def test_starting_another_workspace_asks_first_and_shows_the_open_ones_link(db):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token)
    before = _count(engine)
    by_key(at.button, "start_new").click().run()
    assert not at.exception
    assert _count(engine) == before and at.query_params["w"] == token  # nothing happened yet
    assert "Leave this workspace?" in str(at.main) or "is open in this tab" in texts(at)
    assert texts(at).count(token) >= 2  # the page's link and the question's: it cannot be lost
    by_key(at.button, "start_confirm_no").click().run()
    assert _count(engine) == before and at.query_params["w"] == token
    by_key(at.button, "start_demo").click().run()
    by_key(at.button, "start_confirm_yes").click().run()
    assert not at.exception
    assert _count(engine) == before + 1 and at.query_params["w"] != token


def test_pasting_the_open_workspaces_own_link_does_not_ask(db):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token)
    by_key(at.text_input, "start_paste").input(f"http://127.0.0.1:8501/?w={token}")
    by_key(at.button, "start_open").click().run()
    assert [b for b in at.button if b.key == "start_confirm_yes"] == []
    assert at.query_params["w"] == token


def test_without_an_open_workspace_nothing_is_asked(db):
    url, engine = db
    at = open_app(url)
    by_key(at.button, "start_demo").click().run()
    assert [b for b in at.button if b.key == "start_confirm_yes"] == []
    assert storage.find_workspace(engine, at.query_params["w"]).name.startswith("Demo")


def test_the_link_comes_with_a_qr_code_and_neither_is_shown_while_presenting(db):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token)
    assert len(at.get("image")) == 1
    at.session_state["presentation_mode"] = True
    at.run()
    assert not at.exception
    assert at.get("image") == [] and token not in texts(at)


def test_the_qr_code_is_an_inline_svg_drawn_here():
    link = "https://tenfold.example.org/?w=" + "a" * 43
    svg = qr_svg(link)
    assert svg.startswith("<svg") and svg == qr_svg(link)  # drawn the same each time
    assert "<script" not in svg and "href" not in svg  # nothing to run, nothing fetched
    assert segno.make(link, error="m").designator.endswith("-M")  # room to recover a smudged screen's errors


def test_opening_a_pasted_link_while_another_is_open_asks_then_opens_it(db):
    url, engine = db
    mine, other = demo_token(engine), demo_token(engine)
    at = open_app(url, token=mine)
    by_key(at.text_input, "start_paste").input(f"http://127.0.0.1:8501/?w={other}")
    by_key(at.button, "start_open").click().run()
    assert at.query_params["w"] == mine and mine in texts(at)
    by_key(at.button, "start_confirm_yes").click().run()
    assert not at.exception
    assert at.query_params["w"] == other


def test_while_presenting_starting_another_still_asks_and_shows_no_link(db):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token)
    at.session_state["presentation_mode"] = True
    at.run()
    by_key(at.button, "start_new").click().run()
    assert not at.exception
    assert at.query_params.get("w") is None and token not in texts(at)
    assert "not shown while presenting" in texts(at)
    by_key(at.button, "start_confirm_yes").click().run()
    assert not at.exception and storage.find_workspace(engine, at.session_state["workspace_token"]).name.startswith(
        "Workspace of")
