"""Limits through the pages (issue 14): a workspace over a limit opens with a banner, exports, and
refuses more; one participant's unreadable workspace costs the counsellor's Cohort page one row."""

from __future__ import annotations

import streamlit
from sqlalchemy import insert, update

from core import storage
from core.models import MAX_OPTIONS, Option, Workspace, name_key
from tests.apptest.helpers import by_key, open_app, texts
from tests.apptest.test_workshop_pages import _counsellor, _participant, _workshop

BANNER = "This workspace holds more than Tenfold allows."


def _over_the_limit(engine) -> tuple[str, int]:
    """A workspace with one option more than the limit, forced in by direct SQL (as older data)."""
    options = [Option(id=f"o{n}", kind="career", name=f"Career {n}") for n in range(MAX_OPTIONS)]
    token = storage.import_workspace(engine, Workspace(name="Crowded", options=options))
    workspace_id = storage.find_workspace(engine, token).id
    with engine.begin() as conn:
        conn.execute(insert(storage.options).values(
            workspace_id=workspace_id, kind="employer", name="One too many", name_key=name_key("One too many"),
            notes="", leaning=False,
        ))
    return token, workspace_id


def test_a_workspace_over_a_limit_opens_with_a_banner_and_refuses_more(db):
    url, engine = db
    token, _ = _over_the_limit(engine)
    at = open_app(url, token=token, page="pages/options.py")
    assert not at.exception
    shown = texts(at)
    assert BANNER in shown and "It holds 501 options, more than the 500 a workspace can hold." in shown
    assert "Careers (500)" in shown and "Employers (1)" in shown  # the page itself, every option in it
    by_key(at.text_input, "options_add_name").input("Yet another")
    next(b for b in at.button if b.label == "Add").click().run()
    assert "This workspace holds 501 options, more than the 500 it can hold. Delete some first." in texts(at)
    assert len(storage.load_workspace(engine, storage.find_workspace(engine, token).id).options) == MAX_OPTIONS + 1


def test_a_workspace_over_a_limit_can_be_exported(db, monkeypatch):
    url, engine = db
    token, _ = _over_the_limit(engine)
    offered: dict[str, object] = {}
    original = streamlit.download_button

    def spy(label, data, file_name=None, mime=None, key=None, **kwargs):  # type: ignore[no-untyped-def]
        offered[key] = data
        return original(label, data, file_name=file_name, mime=mime, key=key, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    at = open_app(url, token=token, page="pages/transfer.py")
    assert not at.exception and BANNER in texts(at)
    data = offered["transfer_workspace_file"]
    exported = data() if callable(data) else data
    assert b"One too many" in exported


def test_one_unreadable_workspace_costs_the_cohort_one_row(db):
    url, engine = db
    workshop = _workshop(engine)
    _, ana = _participant(engine, workshop, "Ana", shared=True)
    _, ben = _participant(engine, workshop, "Ben", shared=True)
    with engine.begin() as conn:  # data this Tenfold refuses, as another version could leave it
        conn.execute(update(storage.options).where(storage.options.c.workspace_id == ben).values(kind="company"))
    at = _counsellor(url, workshop)
    assert not at.exception
    shown = texts(at)
    assert "Ana" in shown and "Registered nurse" in shown  # Ana's row, in full
    assert "Ben" in shown and "This workspace holds data Tenfold cannot read" in shown
    assert "'company'" in shown  # what is wrong, in its own row
    presentable = [b.key for b in at.button if (b.key or "").startswith("cohort_present_")]
    assert presentable == [f"cohort_present_{ana}"]
