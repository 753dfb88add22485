"""What one browser may reopen (core/storage/browsers.py), on a real SQLite file and a real
PostgreSQL server: only with the same secret (and, for presentation, the same tab id), only until
it expires, never from the database alone."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core import access, storage
from core.storage.browsers import PRESENTING_PLACES_KEPT, browser_hash
from core.storage.schema import browser_memory

HOUR = dt.timedelta(hours=1)
MINE, THEIRS = b"m" * 16, b"t" * 16


def _workshop(engine) -> storage.WorkshopRef:
    return storage.create_workshop(engine, name="Tuesday group", passcode_hash=access.hash_passcode("river-otter-42"))


def test_a_sign_in_holds_for_this_browser_only_until_it_expires_or_ends(engine):
    workshop = _workshop(engine)
    now = dt.datetime.now(dt.UTC)
    signed_in = storage.remember_counsellor(engine, MINE, workshop.id, lifetime=HOUR, now=now)
    assert signed_in.expires_at == now + HOUR
    assert storage.counsellor_sign_in(engine, MINE, now=now).workshop_id == workshop.id
    assert storage.counsellor_sign_in(engine, MINE, now=now + HOUR - dt.timedelta(seconds=1)) is not None
    assert storage.counsellor_sign_in(engine, MINE, now=now + HOUR) is None  # expired
    assert storage.counsellor_sign_in(engine, THEIRS, now=now) is None  # another browser
    storage.forget_counsellor(engine, MINE)
    assert storage.counsellor_sign_in(engine, MINE, now=now) is None


def test_signing_in_again_replaces_the_sign_in_and_a_deleted_workshop_ends_it(engine):
    first, second = _workshop(engine), _workshop(engine)
    storage.remember_counsellor(engine, MINE, first.id, lifetime=HOUR)
    storage.remember_counsellor(engine, MINE, second.id, lifetime=HOUR)
    assert storage.counsellor_sign_in(engine, MINE).workshop_id == second.id
    with engine.begin() as conn:
        conn.execute(storage.workshops.delete().where(storage.workshops.c.id == second.id))
    assert storage.counsellor_sign_in(engine, MINE) is None


def test_presenting_needs_the_browser_and_the_tab(engine):
    token = storage.create_workspace(engine)
    ref = storage.find_workspace(engine, token)
    storage.remember_presenting(engine, MINE, "tab-1", ref.id, lifetime=HOUR)
    assert storage.presenting_in_browser(engine, MINE, "tab-1") == storage.Presenting(ref.id)
    assert storage.presented_workspace(engine, MINE, "tab-1") == ref
    for secret, place in ((THEIRS, "tab-1"), (MINE, "tab-2"), (MINE, ""), (MINE, "x" * 500)):
        assert storage.presenting_in_browser(engine, secret, place) is None
        assert storage.presented_workspace(engine, secret, place) is None
    later = dt.datetime.now(dt.UTC) + HOUR
    assert storage.presented_workspace(engine, MINE, "tab-1", now=later) is None  # expired
    storage.remember_presenting(engine, MINE, "tab-3", None, lifetime=HOUR)  # presenting, no workspace
    assert storage.presenting_in_browser(engine, MINE, "tab-3") == storage.Presenting(None)
    assert storage.presented_workspace(engine, MINE, "tab-3") is None
    storage.forget_presenting(engine, MINE, "tab-1")
    assert storage.presenting_in_browser(engine, MINE, "tab-1") is None


def test_only_a_hash_is_stored_and_old_rows_go(engine):
    workshop = _workshop(engine)
    long_ago = dt.datetime.now(dt.UTC) - 2 * HOUR
    storage.remember_counsellor(engine, THEIRS, workshop.id, lifetime=HOUR, now=long_ago)  # expired
    for n in range(PRESENTING_PLACES_KEPT + 5):
        storage.remember_presenting(engine, MINE, f"tab-{n}", None, lifetime=HOUR)
    storage.remember_counsellor(engine, MINE, workshop.id, lifetime=HOUR)
    with engine.connect() as conn:
        rows = conn.execute(select(browser_memory)).all()
    assert {row.browser_hash for row in rows} == {browser_hash(MINE)}  # the expired sign-in went
    assert MINE.decode() not in repr(rows) and MINE.hex() not in repr(rows)
    places = {row.place for row in rows if row.purpose == "presenting"}
    newest = f"tab-{PRESENTING_PLACES_KEPT + 4}"
    assert len(places) == PRESENTING_PLACES_KEPT and "tab-0" not in places and newest in places
