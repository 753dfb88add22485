"""Throttled sign-in and join attempts, and the record of sign-ins (core.access has the rules).

Every count lives in `attempt_counts`, so a fresh session or another replica meets the same
limits. A throttled attempt is turned away after one read, before its code is looked up or its
passcode hashed. An attempt that may go ahead takes its throttles' rows (locked, in a sorted order
so two transactions never wait on each other), checks them again and counts itself, all in one
short write transaction; the scrypt check runs after it, outside any transaction, and its outcome
is written in another. Nothing here sleeps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.access import (
    ATTEMPTS_KEPT_SECONDS,
    Attempts,
    Rule,
    join_throttles,
    join_wait_message,
    normalise_join_code,
    sign_in_throttles,
    sign_in_wait_message,
)
from core.models import TenfoldError
from core.storage.schema import _now, _read, _write, attempt_counts, sign_ins, workshops
from core.storage.workshop import NoSuchWorkshop, WorkshopRef, _workshop_ref

SIGNED_IN = "signed_in"
WRONG_PASSCODE = "wrong_passcode"


class Throttled(TenfoldError):
    """Too many attempts just now; the message says how long to wait."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


@dataclass(frozen=True)
class SignInCheck:
    """What a passcode is checked against: the workshop and its hash, or None for a code no
    workshop has (checked against a dummy hash, so both take the same time)."""

    join_code: str
    workshop: WorkshopRef | None
    passcode_hash: str | None


@dataclass(frozen=True)
class SignIn:
    at: dt.datetime
    outcome: str
    network: str


def _state(row) -> Attempts:  # type: ignore[no-untyped-def]
    return Attempts(row.failures, row.not_before) if row is not None else Attempts()


def _wait(conn: Connection, throttles: list[tuple[str, Rule]], now: float, *, lock: bool) -> tuple[float, dict]:
    """The longest wait any of the throttles asks for, and their current counts by key."""
    keys = sorted(key for key, _ in throttles)
    if lock:
        upsert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
        conn.execute(
            upsert(attempt_counts)
            .values([{"key": key, "failures": 0, "not_before": 0.0, "expires_at": now} for key in keys])
            .on_conflict_do_nothing(index_elements=["key"])
        )
    query = select(attempt_counts).where(attempt_counts.c.key.in_(keys)).order_by(attempt_counts.c.key)
    rows = {row.key: _state(row) for row in conn.execute(query.with_for_update() if lock else query)}
    states = {key: rows.get(key, Attempts()) for key in keys}
    return max(rule.wait(states[key], now) for key, rule in throttles), states


def _save(conn: Connection, states: dict[str, Attempts], now: float) -> None:
    for key, state in states.items():
        conn.execute(
            update(attempt_counts)
            .where(attempt_counts.c.key == key)
            .values(failures=state.failures, not_before=state.not_before,
                    expires_at=max(now, state.not_before) + ATTEMPTS_KEPT_SECONDS)
        )


def _admit(conn: Connection, throttles: list[tuple[str, Rule]], now: float, message) -> dict:  # type: ignore[no-untyped-def]
    """Count this attempt against its throttles, or raise Throttled. In a write transaction."""
    conn.execute(delete(attempt_counts).where(attempt_counts.c.expires_at < now))
    wait, states = _wait(conn, throttles, now, lock=True)
    if wait > 0:
        raise Throttled(message(wait), wait)
    states = {key: rule.after_check(states[key], now) for key, rule in throttles}
    _save(conn, states, now)
    return states


def _refuse_early(engine: Engine, throttles: list[tuple[str, Rule]], now: float, message) -> None:  # type: ignore[no-untyped-def]
    """A throttled attempt costs one read: no write, no lookup, no hash."""
    with _read(engine) as conn:
        wait, _ = _wait(conn, throttles, now, lock=False)
    if wait > 0:
        raise Throttled(message(wait), wait)


def begin_sign_in(engine: Engine, join_code: str, client: str, now: float) -> SignInCheck:
    """Admit one passcode check for this join code from this client (core.access.client_key), or
    raise Throttled. Throttles are keyed by the code as typed, so a code that no workshop has is
    throttled exactly like one that exists, and the answer tells nothing about which it is."""
    code = normalise_join_code(join_code)
    if code is None:
        raise NoSuchWorkshop("A join code has six letters and digits, for example K7M 4QX.")
    throttles = sign_in_throttles(code, client)
    _refuse_early(engine, throttles, now, sign_in_wait_message)
    with _write(engine) as conn:
        _admit(conn, throttles, now, sign_in_wait_message)
        row = conn.execute(select(workshops).where(workshops.c.join_code == code)).first()
    return SignInCheck(code, None, None) if row is None else SignInCheck(code, _workshop_ref(row), row.passcode_hash)


def finish_sign_in(engine: Engine, check: SignInCheck, client: str, network: str, ok: bool, now: float) -> str:
    """Count the outcome (a wrong passcode makes this client wait longer for this code; a right one
    starts again from zero) and record it for the workshop's sign-in list. Returns the outcome."""
    throttles = sign_in_throttles(check.join_code, client)
    outcome = SIGNED_IN if ok else WRONG_PASSCODE
    with _write(engine) as conn:
        _, states = _wait(conn, throttles, now, lock=True)
        _save(conn, {key: rule.after_outcome(states[key], now, ok) for key, rule in throttles}, now)
        workshop_id = check.workshop.id if check.workshop else None
        conn.execute(insert(sign_ins).values(at=_now(), workshop_id=workshop_id, outcome=outcome, network=network))
    return outcome


def check_join_code(engine: Engine, join_code: str, client: str, now: float) -> WorkshopRef:
    """The workshop a participant's join code names, or NoSuchWorkshop (counted: only wrong codes
    are), or Throttled when too many wrong codes came from this client or from everyone."""
    throttles = join_throttles(client)
    _refuse_early(engine, throttles, now, join_wait_message)
    with _write(engine) as conn:
        states = _admit(conn, throttles, now, join_wait_message)
        code = normalise_join_code(join_code)
        row = None if code is None else conn.execute(select(workshops).where(workshops.c.join_code == code)).first()
        if row is not None:
            return _workshop_ref(row)
        _save(conn, {key: rule.after_outcome(states[key], now, False) for key, rule in throttles}, now)
    raise NoSuchWorkshop(
        "No workshop has this join code. Check it with your counsellor: it has six letters and digits."
    )


def set_passcode_hash(engine: Engine, join_code: str, passcode_hash: str) -> WorkshopRef:
    """The operator's recovery: a new passcode for the workshop, and its sign-in throttles cleared
    (`tenfold workshop reset-passcode`)."""
    if not passcode_hash.startswith("scrypt$"):
        raise ValueError("set_passcode_hash takes the passcode's hash, never the passcode")
    code = normalise_join_code(join_code)
    with _write(engine) as conn:
        row = None if code is None else conn.execute(
            select(workshops).where(workshops.c.join_code == code).with_for_update()
        ).first()
        if row is None:
            raise NoSuchWorkshop(f"No workshop has the join code {join_code!r}.")
        conn.execute(update(workshops).where(workshops.c.id == row.id).values(passcode_hash=passcode_hash))
        conn.execute(delete(attempt_counts).where(attempt_counts.c.key.startswith(f"sign-in:code:{code}")))
    return _workshop_ref(row)


def recent_sign_ins(engine: Engine, workshop_id: int, limit: int = 100) -> list[SignIn]:
    """The workshop's latest passcode checks, newest first."""
    with _read(engine) as conn:
        rows = conn.execute(
            select(sign_ins.c.at, sign_ins.c.outcome, sign_ins.c.network)
            .where(sign_ins.c.workshop_id == workshop_id)
            .order_by(sign_ins.c.id.desc())
            .limit(limit)
        ).all()
    return [SignIn(row.at, row.outcome, row.network) for row in rows]
