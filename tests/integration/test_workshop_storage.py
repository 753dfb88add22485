"""Workshops in storage, on a real SQLite file and a real PostgreSQL server: creating, joining,
sharing, and what a counsellor may read (only their own workshop's sharing participants)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from sqlalchemy import select

from core import access, storage
from core.models import TenfoldError

PASSCODE = "river-otter-42"


def _workshop(engine, name="Tuesday group", passcode=PASSCODE) -> storage.WorkshopRef:
    return storage.create_workshop(engine, name=name, passcode_hash=access.hash_passcode(passcode))


def _participant(engine, workshop, name, *, shared=False) -> int:
    token = storage.create_workspace_in_workshop(engine, workshop.join_code, name)
    workspace_id = storage.find_workspace(engine, token).id
    if shared:
        storage.set_sharing(engine, workspace_id, True)
    return workspace_id


def _dump(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for table in storage.metadata.sorted_tables
        }


def test_a_workshop_gets_a_readable_join_code_and_keeps_only_the_passcodes_hash(engine):
    workshop = _workshop(engine)
    assert access.normalise_join_code(workshop.join_code) == workshop.join_code
    assert storage.find_workshop(engine, access.spoken_join_code(workshop.join_code).lower()) == workshop
    found, stored = storage.workshop_for_sign_in(engine, workshop.join_code)
    assert found == workshop and access.check_passcode(PASSCODE, stored)
    assert not access.check_passcode("river-otter-43", stored)
    # The passcode is nowhere in the database, in any table, in any form we can think of.
    everything = repr(_dump(engine))
    for form in (PASSCODE, PASSCODE.upper(), PASSCODE.encode().hex(), "river-otter"):
        assert form not in everything


def test_create_workshop_refuses_a_plain_passcode(engine):
    with pytest.raises(ValueError, match="hash"):
        storage.create_workshop(engine, name="Oops", passcode_hash=PASSCODE)
    assert _dump(engine)["workshops"] == []


def test_a_join_code_collision_is_retried_with_a_fresh_code(engine):
    first = _workshop(engine)
    codes = iter([first.join_code, first.join_code, "ABCDEF"])
    second = storage.create_workshop(
        engine, name="Wednesday", passcode_hash=access.hash_passcode(PASSCODE), new_code=lambda: next(codes)
    )
    assert second.join_code == "ABCDEF" and second.id != first.id
    with pytest.raises(TenfoldError, match="free join code"):
        storage.create_workshop(
            engine,
            name="Never",
            passcode_hash=access.hash_passcode(PASSCODE),
            new_code=itertools.repeat(first.join_code).__next__,
        )
    assert len(_dump(engine)["workshops"]) == 2


def test_joining_makes_a_private_unshared_workspace_and_names_are_unique_per_workshop(engine):
    workshop, other = _workshop(engine), _workshop(engine, "Other group")
    token = storage.create_workspace_in_workshop(engine, workshop.join_code, "  Ana   L. ")
    ref = storage.find_workspace(engine, token)
    assert storage.membership(engine, ref.id) == storage.Membership(workshop, "Ana L.", False)
    before = _dump(engine)
    with pytest.raises(TenfoldError, match="already uses the name"):
        storage.create_workspace_in_workshop(engine, workshop.join_code, "ana l.")
    with pytest.raises(storage.NoSuchWorkshop):
        storage.create_workspace_in_workshop(engine, "ZZZZZZ", "Ben")
    with pytest.raises(TenfoldError, match="name your counsellor"):
        storage.create_workspace_in_workshop(engine, workshop.join_code, "   ")
    assert _dump(engine) == before
    # The same name is fine in another workshop.
    storage.create_workspace_in_workshop(engine, other.join_code, "Ana L.")


def test_workshop_and_participant_names_refuse_control_characters_and_nothing_changes(engine):
    workshop = _workshop(engine)
    storage.create_workspace_in_workshop(engine, workshop.join_code, "Ana")
    before = _dump(engine)
    with pytest.raises(TenfoldError, match=r"The workshop name contains an invisible control character \(U\+0000\)"):
        _workshop(engine, "Tuesday\x00")
    with pytest.raises(TenfoldError, match=r"The name your counsellor sees contains an invisible control character"):
        storage.create_workspace_in_workshop(engine, workshop.join_code, "Ben\x00")
    with pytest.raises(TenfoldError, match="already uses the name"):  # the same name, typed another way
        storage.create_workspace_in_workshop(engine, workshop.join_code, "Ana\u200b")
    assert _dump(engine) == before


def test_an_existing_workspace_can_join_and_moving_workshops_stops_sharing(engine):
    a, b = _workshop(engine, "A"), _workshop(engine, "B")
    workspace_id = storage.find_workspace(engine, storage.create_workspace(engine, name="Mine")).id
    with pytest.raises(TenfoldError, match="Join a workshop first"):
        storage.set_sharing(engine, workspace_id, True)
    storage.join_workshop(engine, workspace_id, a.join_code, "Ana")
    storage.set_sharing(engine, workspace_id, True)
    storage.join_workshop(engine, workspace_id, a.join_code, "Ana Lopez")  # a new name, same workshop
    assert storage.membership(engine, workspace_id) == storage.Membership(a, "Ana Lopez", True)
    storage.join_workshop(engine, workspace_id, b.join_code, "Ana")
    assert storage.membership(engine, workspace_id) == storage.Membership(b, "Ana", False)
    storage.leave_workshop(engine, workspace_id)
    assert storage.membership(engine, workspace_id) is None
    assert storage.cohort_members(engine, b.id) == []


def test_the_counsellor_sees_names_of_everyone_but_ids_only_of_those_who_share(engine):
    workshop = _workshop(engine)
    ana = _participant(engine, workshop, "Ana", shared=True)
    _participant(engine, workshop, "ben")
    members = storage.cohort_members(engine, workshop.id)
    assert [m.display_name for m in members] == ["Ana", "ben"]
    assert members[0].shared and members[0].workspace_id == ana and members[0].revision is not None
    assert members[1] == storage.Member("ben", False, None, None)
    assert storage.find_shared_workspace(engine, workshop.id, ana).display_name == "Ana"


def test_a_counsellor_of_workshop_a_reaches_no_participant_of_workshop_b(engine):
    """Access: through any id they can send, a counsellor of A gets nothing of B's participants."""
    a, b = _workshop(engine, "A"), _workshop(engine, "B")
    in_a = _participant(engine, a, "Ana", shared=True)
    in_b = _participant(engine, b, "Ben", shared=True)
    in_none = storage.find_workspace(engine, storage.create_workspace(engine)).id
    assert [m.display_name for m in storage.cohort_members(engine, a.id)] == ["Ana"]
    assert [m.display_name for m in storage.cohort_members(engine, b.id)] == ["Ben"]
    for workspace_id in (in_b, in_none, in_b + 1000, -1, 0):
        assert storage.find_shared_workspace(engine, a.id, workspace_id) is None
    assert storage.find_shared_workspace(engine, b.id, in_a) is None
    assert storage.find_shared_workspace(engine, a.id + b.id + 1000, in_a) is None


def test_a_participant_who_stops_sharing_disappears_from_every_counsellor_read(engine):
    """Access: a non-sharing participant's data through any counsellor view: none."""
    workshop = _workshop(engine)
    ana = _participant(engine, workshop, "Ana", shared=True)
    storage.add_option(engine, ana, kind="career", name="Secret career")
    assert storage.find_shared_workspace(engine, workshop.id, ana) is not None
    storage.set_sharing(engine, ana, False)
    assert storage.find_shared_workspace(engine, workshop.id, ana) is None
    members = storage.cohort_members(engine, workshop.id)
    assert members == [storage.Member("Ana", False)]
    assert "Secret career" not in repr(members)


def test_sharing_and_joining_bump_the_revision_so_no_cache_goes_stale(engine):
    workshop = _workshop(engine)
    ana = _participant(engine, workshop, "Ana")
    revision = storage.cohort_members(engine, workshop.id)[0].revision
    storage.set_sharing(engine, ana, True)
    first = storage.cohort_members(engine, workshop.id)[0].revision
    storage.add_option(engine, ana, kind="career", name="Nurse")
    second = storage.cohort_members(engine, workshop.id)[0].revision
    assert revision is None and first is not None and second > first


def test_workshop_created_at_is_recorded(engine):
    workshop = _workshop(engine)
    with engine.connect() as conn:
        created = conn.execute(
            select(storage.workshops.c.created_at).where(storage.workshops.c.id == workshop.id)
        ).scalar_one()
    assert abs(created.replace(tzinfo=None) - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=5)


def test_two_people_joining_at_once_with_one_name_get_one_seat(engine):
    workshop = _workshop(engine)
    results: list[str] = []
    barrier = threading.Barrier(6)

    def join() -> None:
        barrier.wait()
        try:
            storage.create_workspace_in_workshop(engine, workshop.join_code, "Sam")
            results.append("joined")
        except TenfoldError:
            results.append("refused")

    threads = [threading.Thread(target=join) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["joined"] + ["refused"] * 5
    assert [m.display_name for m in storage.cohort_members(engine, workshop.id)] == ["Sam"]
