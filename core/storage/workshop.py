"""Workshops: a workshop groups participants' workspaces for one counsellor.

The passcode reaches this module only as its hash (core.access.hash_passcode). What a
counsellor may read is decided here, in SQL: a workspace's contents only while it belongs to the
counsellor's workshop *and* shares; of the others, only the display name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.access import clean_display_name, clean_workshop_name, new_join_code, normalise_join_code
from core.models import MAX_WORKSHOP_MEMBERS, TenfoldError, default_weights, name_key, salvaged_line
from core.storage.schema import _now, _read, _write, workshops, workspaces
from core.storage.workspace import WorkspaceRef, _insert_workspace, _ref, _ref_query, _touch, new_token

JOIN_CODE_ATTEMPTS = 8  # fresh codes to try when a new one happens to exist already


class NoSuchWorkshop(TenfoldError):
    pass


@dataclass(frozen=True)
class WorkshopRef:
    id: int
    name: str
    join_code: str


@dataclass(frozen=True)
class Membership:
    """A participant's own view of their workshop."""

    workshop: WorkshopRef
    display_name: str
    shared: bool


@dataclass(frozen=True)
class Member:
    """A participant as their counsellor may see them: a sharing one with the ids to read their
    workspace, a non-sharing one with nothing but the name they joined with."""

    display_name: str
    shared: bool
    workspace_id: int | None = None
    revision: int | None = None


@dataclass(frozen=True)
class SharedWorkspace:
    ref: WorkspaceRef
    display_name: str


def _workshop_ref(row) -> WorkshopRef:  # type: ignore[no-untyped-def]
    return WorkshopRef(row.id, salvaged_line(row.name), row.join_code)  # older names: see salvaged_line


def create_workshop(
    engine: Engine, *, name: str, passcode_hash: str, new_code: Callable[[], str] = new_join_code
) -> WorkshopRef:
    """A new workshop with a join code nobody else has (the unique index decides)."""
    name = clean_workshop_name(name)
    if not passcode_hash.startswith("scrypt$"):
        raise ValueError("create_workshop takes the passcode's hash, never the passcode")
    for _ in range(JOIN_CODE_ATTEMPTS):
        code = new_code()
        try:
            with _write(engine) as conn:  # one transaction per try: a failed insert spoils its transaction
                workshop_id = conn.execute(
                    insert(workshops)
                    .values(name=name, join_code=code, passcode_hash=passcode_hash, created_at=_now())
                    .returning(workshops.c.id)
                ).scalar_one()
            return WorkshopRef(workshop_id, name, code)
        except IntegrityError:
            continue
    raise TenfoldError("Could not find a free join code just now. Please try again.")


def find_workshop(engine: Engine, join_code: str) -> WorkshopRef | None:
    code = normalise_join_code(join_code)
    if code is None:
        return None
    with _read(engine) as conn:
        row = conn.execute(select(workshops).where(workshops.c.join_code == code)).first()
    return None if row is None else _workshop_ref(row)


def workshop_for_sign_in(engine: Engine, join_code: str) -> tuple[WorkshopRef, str] | None:
    """The workshop a join code names and its passcode hash, for checking a counsellor's passcode."""
    code = normalise_join_code(join_code)
    if code is None:
        return None
    with _read(engine) as conn:
        row = conn.execute(select(workshops).where(workshops.c.join_code == code)).first()
    return None if row is None else (_workshop_ref(row), row.passcode_hash)


def get_workshop(engine: Engine, workshop_id: int) -> WorkshopRef | None:
    with _read(engine) as conn:
        row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).first()
    return None if row is None else _workshop_ref(row)


def _lock_workshop(conn: Connection, join_code: str) -> WorkshopRef:
    """The workshop, locked until the transaction ends, so two joins cannot take one name."""
    code = normalise_join_code(join_code)
    row = None
    if code is not None:
        row = conn.execute(select(workshops).where(workshops.c.join_code == code).with_for_update()).first()
    if row is None:
        raise NoSuchWorkshop(
            "No workshop has this join code. Check it with your counsellor: it has six letters and digits."
        )
    return _workshop_ref(row)


def _check_display_name_free(conn: Connection, workshop_id: int, display_name: str, workspace_id: int | None) -> None:
    taken = conn.execute(
        select(workspaces.c.id, workspaces.c.display_name).where(workspaces.c.workshop_id == workshop_id)
    ).all()
    wanted = name_key(display_name)
    if any(name_key(row.display_name) == wanted and row.id != workspace_id for row in taken):
        raise TenfoldError(
            f"Someone in this workshop already uses the name '{display_name}'. "
            "Add an initial or a surname so your counsellor can tell you apart."
        )


def _check_seat_free(conn: Connection, workshop_id: int) -> None:
    """One more participant fits in the workshop; counted while `_lock_workshop` holds its row, so
    two people joining for the last seat at once cannot both get it."""
    joined = conn.execute(
        select(func.count()).select_from(workspaces).where(workspaces.c.workshop_id == workshop_id)
    ).scalar_one()
    if joined >= MAX_WORKSHOP_MEMBERS:
        raise TenfoldError(
            f"This workshop already has {MAX_WORKSHOP_MEMBERS:,} participants, the most one workshop can hold. "
            "Ask your counsellor for the join code of another workshop."
        )


def create_workspace_in_workshop(engine: Engine, join_code: str, display_name: str) -> str:
    """A new private workspace in the workshop (not shared yet); returns its token."""
    display_name = clean_display_name(display_name)
    token = new_token()
    with _write(engine) as conn:
        workshop = _lock_workshop(conn, join_code)
        _check_seat_free(conn, workshop.id)
        _check_display_name_free(conn, workshop.id, display_name, None)
        workspace_id = _insert_workspace(conn, token, "", default_weights())
        conn.execute(
            update(workspaces)
            .where(workspaces.c.id == workspace_id)
            .values(workshop_id=workshop.id, display_name=display_name, shared=False)
        )
    return token


def join_workshop(engine: Engine, workspace_id: int, join_code: str, display_name: str) -> WorkshopRef:
    """Attach an existing workspace to a workshop. Moving to another workshop stops sharing:
    agreeing to show one counsellor is not agreeing to show the next."""
    display_name = clean_display_name(display_name)
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        workshop = _lock_workshop(conn, join_code)
        _check_display_name_free(conn, workshop.id, display_name, workspace_id)
        current = conn.execute(select(workspaces.c.workshop_id).where(workspaces.c.id == workspace_id)).scalar()
        values: dict[str, object] = {"workshop_id": workshop.id, "display_name": display_name}
        if current != workshop.id:
            _check_seat_free(conn, workshop.id)
            values["shared"] = False
        conn.execute(update(workspaces).where(workspaces.c.id == workspace_id).values(**values))
    return workshop


def leave_workshop(engine: Engine, workspace_id: int) -> None:
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        conn.execute(
            update(workspaces)
            .where(workspaces.c.id == workspace_id)
            .values(workshop_id=None, display_name="", shared=False)
        )


def set_sharing(engine: Engine, workspace_id: int, shared: bool) -> None:
    """The participant's own switch: may their counsellor see this workspace (read-only)?"""
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        workshop_id = conn.execute(select(workspaces.c.workshop_id).where(workspaces.c.id == workspace_id)).scalar()
        if shared and workshop_id is None:
            raise TenfoldError("Join a workshop first: there is no counsellor to share with yet.")
        conn.execute(update(workspaces).where(workspaces.c.id == workspace_id).values(shared=bool(shared)))


def membership(engine: Engine, workspace_id: int) -> Membership | None:
    """The workshop this workspace belongs to, as its participant sees it."""
    with _read(engine) as conn:
        row = conn.execute(
            select(
                workshops.c.id, workshops.c.name, workshops.c.join_code, workspaces.c.display_name, workspaces.c.shared
            )
            .join(workshops, workshops.c.id == workspaces.c.workshop_id)
            .where(workspaces.c.id == workspace_id)
        ).first()
    if row is None:
        return None
    return Membership(_workshop_ref(row), salvaged_line(row.display_name), bool(row.shared))


def cohort_members(engine: Engine, workshop_id: int) -> list[Member]:
    """Everyone who joined this workshop, read fresh, by name; ids only for those who share."""
    with _read(engine) as conn:
        rows = conn.execute(
            select(workspaces.c.id, workspaces.c.revision, workspaces.c.display_name, workspaces.c.shared).where(
                workspaces.c.workshop_id == workshop_id
            )
        ).all()
    members = [
        Member(salvaged_line(row.display_name), True, row.id, row.revision) if row.shared
        else Member(salvaged_line(row.display_name), False)
        for row in rows
    ]
    return sorted(members, key=lambda m: (name_key(m.display_name), m.display_name))


def find_shared_workspace(engine: Engine, workshop_id: int, workspace_id: int) -> SharedWorkspace | None:
    """The workspace, if it belongs to this workshop and shares with its counsellor right now."""
    with _read(engine) as conn:
        row = conn.execute(
            _ref_query().where(
                workspaces.c.id == workspace_id,
                workspaces.c.workshop_id == workshop_id,
                workspaces.c.shared == True,  # noqa: E712 (SQL expression)
            )
        ).first()
    return None if row is None else SharedWorkspace(_ref(row), salvaged_line(row.display_name))
