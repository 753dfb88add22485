"""Limits hold where data is written (issue 14): the 501st option, the 2,001st interview and the
301st participant of a workshop are refused inside the write's own transaction, also when two tabs
add the last one at once; and a workspace that is over a limit anyway (older data, written by
hand) still loads, exports and can be trimmed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, insert, select

from core import access, storage
from core.models import (
    MAX_INTERVIEWS,
    MAX_OPTIONS,
    MAX_WORKSHOP_MEMBERS,
    Interview,
    Option,
    TenfoldError,
    Workspace,
    limit_problems,
)
from core.storage.workspace import name_key
from core.workspace_file import WorkspaceFileError, dump_workspace, parse_workspace, renumber_ids

DAY = dt.date(2026, 11, 2)
OPTIONS_FULL = f"This workspace already holds {MAX_OPTIONS} options, the most it can hold."


def _workspace_with(engine, n_options: int = 0, n_interviews: int = 0) -> int:
    options = [Option(id=f"o{n}", kind="career", name=f"Career {n}") for n in range(n_options)]
    interviews = [Interview(id=f"i{n}", kind="self", date=DAY, options=["o0"]) for n in range(n_interviews)]
    token = storage.import_workspace(engine, Workspace(name="Full", options=options, interviews=interviews))
    return storage.find_workspace(engine, token).id


def _count(engine, table, workspace_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(table).where(table.c.workspace_id == workspace_id)
        ).scalar_one()


def test_the_501st_option_is_refused_and_the_workspace_still_loads(engine):
    workspace_id = _workspace_with(engine, MAX_OPTIONS - 1)
    storage.add_option(engine, workspace_id, kind="employer", name="The 500th")
    with pytest.raises(TenfoldError) as refused:
        storage.add_option(engine, workspace_id, kind="career", name="The 501st")
    assert str(refused.value).startswith(OPTIONS_FULL) and "Delete one" in str(refused.value)
    ws = storage.load_workspace(engine, workspace_id)
    assert len(ws.options) == MAX_OPTIONS and limit_problems(ws) == []
    assert "The 501st" not in {o.name for o in ws.options}


def test_the_2001st_interview_is_refused(engine):
    workspace_id = _workspace_with(engine, 1, MAX_INTERVIEWS)
    option_id = int(storage.load_workspace(engine, workspace_id).options[0].id)
    with pytest.raises(TenfoldError, match=f"already holds {MAX_INTERVIEWS:,} interviews"):
        storage.add_interview(engine, workspace_id, kind="self", date=DAY, option_ids=[option_id])
    assert _count(engine, storage.interviews, workspace_id) == MAX_INTERVIEWS


def test_a_workspace_over_the_limit_opens_exports_and_can_be_trimmed(engine):
    """Forced over the limit by direct SQL (as older data or another version could leave it)."""
    workspace_id = _workspace_with(engine, MAX_OPTIONS)
    with engine.begin() as conn:
        conn.execute(insert(storage.options), [
            {"workspace_id": workspace_id, "kind": "career", "name": f"Extra {n}", "name_key": name_key(f"Extra {n}"),
             "notes": "", "leaning": False}
            for n in range(3)
        ])
    ws = storage.load_workspace(engine, workspace_id)
    assert len(ws.options) == MAX_OPTIONS + 3
    assert limit_problems(ws) == ["It holds 503 options, more than the 500 a workspace can hold."]

    exported = dump_workspace(renumber_ids(ws))  # a backup can always be taken
    with pytest.raises(WorkspaceFileError, match="at most 500 options; this file has 503"):
        parse_workspace(exported)  # but importing it is refused, as every write past the limit is
    with pytest.raises(TenfoldError, match=r"cannot be imported\. It holds 503 options"):
        storage.import_workspace(engine, ws)
    with pytest.raises(TenfoldError, match="This workspace holds 503 options, more than the 500 it can hold"):
        storage.add_option(engine, workspace_id, kind="career", name="One more")

    for option in ws.options[:4]:  # deleting works, down to under the limit
        storage.delete_option(engine, workspace_id, int(option.id))
    assert limit_problems(storage.load_workspace(engine, workspace_id)) == []
    storage.add_option(engine, workspace_id, kind="career", name="Room again")
    assert _count(engine, storage.options, workspace_id) == MAX_OPTIONS


def test_two_tabs_adding_the_500th_option_at_once_store_one(engine):
    """Ten writers on two engines (two processes or replicas) race for the last place."""
    other = storage.make_engine(engine.url.render_as_string(hide_password=False))
    try:
        workspace_id = _workspace_with(engine, MAX_OPTIONS - 1)
        writers = 10
        barrier = threading.Barrier(writers)
        outcomes: list[str] = []
        lock = threading.Lock()

        def add(i: int) -> None:
            barrier.wait(timeout=30)
            try:
                storage.add_option(engine if i % 2 else other, workspace_id, kind="career", name=f"Last {i}")
                outcome = "added"
            except TenfoldError as error:
                outcome = str(error)
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=add, args=(i,), daemon=True) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert len(outcomes) == writers
        assert outcomes.count("added") == 1
        assert all(o.startswith(OPTIONS_FULL) for o in outcomes if o != "added")
        assert _count(engine, storage.options, workspace_id) == MAX_OPTIONS
    finally:
        other.dispose()


def test_a_workshop_holds_at_most_its_limit_of_participants(engine):
    workshop = storage.create_workshop(engine, name="Big room", passcode_hash=access.hash_passcode("river-otter-42"))
    with engine.begin() as conn:  # the first 299 seats, quickly
        for n in range(MAX_WORKSHOP_MEMBERS - 1):
            conn.execute(insert(storage.workspaces).values(
                token_hash=f"seat{n}", name="", revision=0, created_at=dt.datetime.now(dt.UTC),
                updated_at=dt.datetime.now(dt.UTC), workshop_id=workshop.id, display_name=f"P{n}", shared=False,
            ))
    last = storage.create_workspace_in_workshop(engine, workshop.join_code, "The last seat")
    full = f"This workshop already has {MAX_WORKSHOP_MEMBERS} participants"
    with pytest.raises(TenfoldError, match=full):
        storage.create_workspace_in_workshop(engine, workshop.join_code, "One too many")
    outsider = storage.find_workspace(engine, storage.create_workspace(engine)).id
    with pytest.raises(TenfoldError, match=full):
        storage.join_workshop(engine, outsider, workshop.join_code, "Also too many")
    # Someone already in may still change the name they joined with.
    member = storage.find_workspace(engine, last).id
    storage.join_workshop(engine, member, workshop.join_code, "Last seat, renamed")
    assert len(storage.cohort_members(engine, workshop.id)) == MAX_WORKSHOP_MEMBERS
