"""What one browser may reopen after a reload, without a private link in its address: presentation
mode in one of its tabs (and the workspace that tab presented), and a counsellor's sign-in.

A browser is known by a secret only it holds (the UI reads it from a cookie: ui.streamlit_workarounds
`browser_secret`); only a hash of that secret is stored, so the database alone reopens nothing. A
presenting tab is also known by a random id in its own address (`place`): the browser's secret
alone (a new tab on a shared computer) reopens no presentation, and the address alone (seen on a
projected screen) opens nothing in any other browser. Every row expires; expired rows are never
read and are deleted whenever a new one is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select

from core.storage.schema import _now, _read, _write, browser_memory, workspaces
from core.storage.workspace import WorkspaceRef, _ref, _ref_query

PRESENTING = "presenting"
COUNSELLOR = "counsellor"
PLACE_MAX = 64  # the column's width; a longer id from an address is no place of ours
PRESENTING_PLACES_KEPT = 20  # presenting tabs remembered per browser; the oldest are forgotten first


def browser_hash(secret: bytes) -> str:
    """What is stored of a browser's secret (128 random bits: a plain hash cannot be reversed)."""
    return hashlib.sha256(b"tenfold browser\x00" + secret).hexdigest()


@dataclass(frozen=True)
class Presenting:
    """A tab that was presenting, and the workspace it presented (None: none was open)."""

    workspace_id: int | None


@dataclass(frozen=True)
class CounsellorSignIn:
    workshop_id: int
    expires_at: dt.datetime


def _replace(conn: Connection, browser: str, purpose: str, place: str, now: dt.datetime, **values: object) -> None:
    conn.execute(delete(browser_memory).where(browser_memory.c.expires_at <= now))
    conn.execute(
        delete(browser_memory).where(
            browser_memory.c.browser_hash == browser,
            browser_memory.c.purpose == purpose,
            browser_memory.c.place == place,
        )
    )
    conn.execute(
        insert(browser_memory).values(browser_hash=browser, purpose=purpose, place=place, created_at=now, **values)
    )


def _mine(browser: str, purpose: str, place: str, now: dt.datetime):  # type: ignore[no-untyped-def]
    """The where-clause of one browser's live row."""
    return (
        browser_memory.c.browser_hash == browser,
        browser_memory.c.purpose == purpose,
        browser_memory.c.place == place,
        browser_memory.c.expires_at > now,
    )


# --- presentation mode ----------------------------------------------------------------------------


def remember_presenting(
    engine: Engine,
    secret: bytes,
    place: str,
    workspace_id: int | None,
    *,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> None:
    """This browser's tab `place` presents `workspace_id` (or no workspace), for `lifetime`."""
    now = now or _now()
    browser = browser_hash(secret)
    with _write(engine) as conn:
        _replace(conn, browser, PRESENTING, place[:PLACE_MAX], now,
                 workspace_id=workspace_id, expires_at=now + lifetime)  # fmt: skip
        kept = (
            select(browser_memory.c.id)
            .where(browser_memory.c.browser_hash == browser, browser_memory.c.purpose == PRESENTING)
            .order_by(browser_memory.c.created_at.desc(), browser_memory.c.id.desc())
            .limit(PRESENTING_PLACES_KEPT)
        )
        conn.execute(
            delete(browser_memory).where(
                browser_memory.c.browser_hash == browser,
                browser_memory.c.purpose == PRESENTING,
                browser_memory.c.id.not_in(kept.scalar_subquery()),
            )
        )


def presenting_in_browser(
    engine: Engine, secret: bytes, place: str, *, now: dt.datetime | None = None
) -> Presenting | None:
    """Whether this browser's tab `place` was presenting (and what), or None."""
    if len(place) > PLACE_MAX:
        return None
    query = select(browser_memory.c.workspace_id).where(*_mine(browser_hash(secret), PRESENTING, place, now or _now()))
    with _read(engine) as conn:
        row = conn.execute(query).first()
    return None if row is None else Presenting(row.workspace_id)


def presented_workspace(
    engine: Engine, secret: bytes, place: str, *, now: dt.datetime | None = None
) -> WorkspaceRef | None:
    """The workspace this browser's tab `place` presents, while it may."""
    if len(place) > PLACE_MAX:
        return None
    presented = select(browser_memory.c.workspace_id).where(
        *_mine(browser_hash(secret), PRESENTING, place, now or _now())
    )
    with _read(engine) as conn:
        row = conn.execute(_ref_query().where(workspaces.c.id.in_(presented.scalar_subquery()))).first()
    return None if row is None else _ref(row)


def forget_presenting(engine: Engine, secret: bytes, place: str) -> None:
    with _write(engine) as conn:
        conn.execute(
            delete(browser_memory).where(
                browser_memory.c.browser_hash == browser_hash(secret),
                browser_memory.c.purpose == PRESENTING,
                browser_memory.c.place == place[:PLACE_MAX],
            )
        )


# --- a counsellor's sign-in -----------------------------------------------------------------------


def remember_counsellor(
    engine: Engine, secret: bytes, workshop_id: int, *, lifetime: dt.timedelta, now: dt.datetime | None = None
) -> CounsellorSignIn:
    """This browser is signed in as `workshop_id`'s counsellor for `lifetime` (one workshop at a time)."""
    now = now or _now()
    with _write(engine) as conn:
        _replace(conn, browser_hash(secret), COUNSELLOR, "", now, workshop_id=workshop_id, expires_at=now + lifetime)
    return CounsellorSignIn(workshop_id, now + lifetime)


def counsellor_sign_in(engine: Engine, secret: bytes, *, now: dt.datetime | None = None) -> CounsellorSignIn | None:
    """The workshop this browser is signed in to as its counsellor, until when; None once it expired."""
    query = select(browser_memory.c.workshop_id, browser_memory.c.expires_at).where(
        *_mine(browser_hash(secret), COUNSELLOR, "", now or _now())
    )
    with _read(engine) as conn:
        row = conn.execute(query).first()
    if row is None or row.workshop_id is None:
        return None
    expires_at = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)  # SQLite: naive
    return CounsellorSignIn(row.workshop_id, expires_at)


def forget_counsellor(engine: Engine, secret: bytes) -> None:
    with _write(engine) as conn:
        conn.execute(
            delete(browser_memory).where(
                browser_memory.c.browser_hash == browser_hash(secret), browser_memory.c.purpose == COUNSELLOR
            )
        )
