"""An import is one transaction: a failure part-way leaves every table exactly as it was.

Proved by dumping every table before and after, on SQLite and PostgreSQL (the `engine` fixture),
with failures forced at several points inside `storage.import_workspace`: at the first, a middle
and the last rating written, and after everything was written but before the commit. Also: any
valid workspace survives file → import → file, and a second export of it is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, event, select

from core import storage
from core.demo import demo_workspace
from core.models import Contact, Interview, Option, Rating, Workspace
from core.workspace_file import dump_workspace, parse_workspace, renumber_ids
from tests.conftest import PROFILE_HEALTH_CHECKS
from tests.unit.test_workspace_file import workspaces

ROOT = Path(__file__).resolve().parents[2]


class Boom(RuntimeError):
    """The failure forced in the middle of an import."""


def dump_tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: equal dumps mean an unchanged database."""
    dump = {}
    with engine.connect() as conn:
        for table in storage.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            dump[table.name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
    return dump


def _populated(engine: Engine) -> tuple[str, int]:
    """A database with two workspaces in it, one of which the tests try to replace."""
    storage.import_workspace(engine, demo_workspace())
    token = storage.import_workspace(engine, demo_workspace().model_copy(update={"name": "Mine"}))
    return token, storage.find_workspace(engine, token).id


class _FailOnInsert:
    """Raise inside the transaction just before the n-th INSERT into `table` reaches the database."""

    def __init__(self, engine: Engine, table: str, nth: int) -> None:
        self.engine, self.table, self.nth, self.seen = engine, table, nth, 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(f"INSERT INTO {self.table.upper()}"):
            self.seen += 1
            if self.seen == self.nth:
                raise Boom(f"forced failure at INSERT #{self.nth} into {self.table}")

    def __enter__(self) -> _FailOnInsert:
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


@pytest.mark.parametrize("replace", [False, True], ids=["as-new", "replacing"])
@pytest.mark.parametrize("table", ["options", "interviews", "interview_options", "ratings"])
def test_a_failure_part_way_leaves_every_table_as_it_was(engine, replace, table):
    """An import writes one table after another (options, interviews, their links, ratings); a
    failure at any of them, after the earlier ones were written, leaves every table as it was."""
    _, workspace_id = _populated(engine)
    incoming = renumber_ids(demo_workspace()).model_copy(update={"name": "Incoming"})
    before = dump_tables(engine)
    with _FailOnInsert(engine, table, 1) as trap, pytest.raises(Boom):
        storage.import_workspace(engine, incoming, replace_id=workspace_id if replace else None)
    assert trap.seen == 1
    assert dump_tables(engine) == before


@pytest.mark.parametrize("replace", [False, True], ids=["as-new", "replacing"])
def test_a_failure_after_the_last_row_before_the_commit_changes_nothing(engine, monkeypatch, replace):
    _, workspace_id = _populated(engine)
    written = storage.workspace._insert_contents

    def then_fail(conn, workspace_id, workspace):  # type: ignore[no-untyped-def]
        written(conn, workspace_id, workspace)
        assert conn.in_transaction()
        raise Boom("everything was written; the commit never came")

    monkeypatch.setattr(storage.workspace, "_insert_contents", then_fail)
    before = dump_tables(engine)
    with pytest.raises(Boom):
        storage.import_workspace(engine, demo_workspace(), replace_id=workspace_id if replace else None)
    assert dump_tables(engine) == before


def test_replacing_a_workspace_that_was_deleted_meanwhile_changes_nothing(engine):
    _populated(engine)
    before = dump_tables(engine)
    with pytest.raises(storage.NoSuchWorkspace):
        storage.import_workspace(engine, demo_workspace(), replace_id=987_654)
    assert dump_tables(engine) == before


def test_after_a_failed_import_the_same_import_succeeds(engine):
    token, workspace_id = _populated(engine)
    with _FailOnInsert(engine, "ratings", 1), pytest.raises(Boom):
        storage.import_workspace(engine, demo_workspace(), replace_id=workspace_id)
    storage.import_workspace(engine, demo_workspace(), replace_id=workspace_id)
    loaded = storage.load_workspace(engine, workspace_id)
    assert dump_workspace(renumber_ids(loaded)) == dump_workspace(renumber_ids(demo_workspace()))
    assert storage.find_workspace(engine, token).id == workspace_id  # the private link still opens it


def test_replacing_touches_no_other_workspace(engine):
    _, workspace_id = _populated(engine)
    other = dump_tables(engine)
    storage.import_workspace(engine, Workspace(name="Fresh start"), replace_id=workspace_id)
    after = dump_tables(engine)
    others_before = [r for r in other["options"] if r[1] != workspace_id]
    assert [r for r in after["options"] if r[1] != workspace_id] == others_before
    assert not [r for r in after["options"] if r[1] == workspace_id]
    assert storage.load_workspace(engine, workspace_id).name == "Fresh start"


# --- the round trip through the database ------------------------------------------------------------


def _canonical(workspace: Workspace) -> bytes:
    """The file of a workspace in the order the database gives back: interviews by date (ties in
    file order), each interview's informed options in option order. Same content, same bytes."""
    position = {o.id: n for n, o in enumerate(workspace.options)}
    ordered = sorted(enumerate(workspace.interviews), key=lambda item: (item[1].date, item[0]))
    interviews = [
        i.model_copy(update={"options": sorted(i.informed, key=position.__getitem__)}) for _, i in ordered
    ]
    return dump_workspace(renumber_ids(workspace.model_copy(update={"interviews": interviews})))


def _export(engine: Engine, token: str) -> bytes:
    return dump_workspace(renumber_ids(storage.load_workspace(engine, storage.find_workspace(engine, token).id)))


@settings(max_examples=40, suppress_health_check=[*PROFILE_HEALTH_CHECKS, HealthCheck.function_scoped_fixture])
@given(ws=workspaces())
def test_any_workspace_round_trips_through_a_file_and_the_database(engine, ws):
    first = dump_workspace(ws)
    token = storage.import_workspace(engine, parse_workspace(first))
    exported = _export(engine, token)
    assert exported == _canonical(parse_workspace(first))  # the same content
    again = storage.import_workspace(engine, parse_workspace(exported))
    assert _export(engine, again) == exported  # and from then on, the same bytes


def test_non_ascii_and_markup_survive_the_round_trip(engine):
    text = "Zoë's 看護 🙂 <script>alert(1)</script> =1+2 \"quoted\"\r\nnext line"
    ws = Workspace(
        name="Zoë's 看護 decision 🙂",
        options=[Option(id="a", kind="career", name="Infirmière =SUM(1)", notes=text, leaning=True),
                 Option(id="b", kind="employer", name="Hôpital <b>", career="a")],
        interviews=[Interview(id="x", kind="interview", date=dt.date(2026, 11, 2),
                              contact=Contact(name="Zoë", role="<i>", organisation="@org"),
                              notes=text, ratings=[Rating(option="b", dimension="culture", score=4, note=text)])],
    )
    token = storage.import_workspace(engine, ws)
    exported = _export(engine, token)
    assert parse_workspace(exported).options[0].notes == text
    assert json.loads(exported)["interviews"][0]["ratings"][0]["note"] == text
    assert exported == _canonical(ws)
