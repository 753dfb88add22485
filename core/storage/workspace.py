"""One participant's workspace: creating and finding it by its private token, its options,
interviews, ratings and weights, and importing a whole workspace.

Every public function takes the engine explicitly and is one transaction: all of a user action
lands or none of it does. Writes also bump the workspace's `revision`, which (a) lets pages cache
derived results per workspace state and (b) takes the workspace's row lock first, so concurrent
writes to one workspace are serialised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, Row, Select, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.dimensions import DIMENSION_KEYS
from core.elicitation import WeightsBy, order_from_weights, order_shares, swings_from_weights
from core.models import (
    MAX_INTERVIEWS,
    MAX_OPTIONS,
    Contact,
    DimensionKey,
    Interview,
    Note,
    Option,
    Rating,
    TenfoldError,
    Workspace,
    career_is_an_employer,
    career_not_in_workspace,
    default_weights,
    limit_problems,
    limit_reached,
    name_key,
    option_name_taken,
    salvaged_line,
    sentence,
    validated,
)
from core.storage.schema import (
    _now,
    _read,
    _write,
    browser_memory,
    interview_options,
    interviews,
    options,
    pending_notes,
    ratings,
    recent_creates,
    retired_ids,
    weight_elicitation,
    weights,
    workspaces,
)

TOKEN_BYTES = 24  # 192 bits from `secrets`, URL-safe base64: 32 characters
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class NoSuchWorkspace(TenfoldError):
    pass


class ChangedElsewhere(TenfoldError):
    """A write based on a stale view: the field changed (in another tab or window) since this page
    showed it. Refused, with the current value, instead of overwriting what was saved there."""


SHOWN_CHARS_MAX = 200  # of a changed text quoted in the refusal


def _changed_elsewhere(subject_was: str, current: str | None) -> ChangedElsewhere:
    """The refusal, quoting the current value: `subject_was` is e.g. "This note was"."""
    if not current:
        return ChangedElsewhere(f"{subject_was} cleared in another tab or window. Reload to see it.")
    shown = current if len(current) <= SHOWN_CHARS_MAX else current[:SHOWN_CHARS_MAX] + "…"
    return ChangedElsewhere(f"{subject_was} changed in another tab or window to: '{shown}'. Reload to see it.")


def _check_unchanged(subject_was: str, stored: object, expected: object, current: str | None = None) -> None:
    """Compare-and-set: the stored value is still the one the page showed (`expected`)."""
    if stored != expected:
        raise _changed_elsewhere(subject_was, current if current is not None else _as_text(stored))


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


def _check_room(conn: Connection, table: Table, workspace_id: int, what: str, limit: int) -> None:
    """One more row fits under the limit. Counted after `_touch` has locked the workspace, so two
    tabs adding the last one at once cannot both pass."""
    count = conn.execute(
        select(func.count()).select_from(table).where(table.c.workspace_id == workspace_id)
    ).scalar_one()
    if count >= limit:
        raise TenfoldError(limit_reached(what, count, limit))


@dataclass(frozen=True)
class WorkspaceRef:
    id: int
    name: str
    revision: int
    options: int
    interviews: int


# --- tokens and workspaces ---------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_well_formed_token(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token or ""))


def create_workspace(engine: Engine, *, name: str = "") -> str:
    """A new empty workspace with default weights; returns its private token."""
    name, token = _workspace_name(name), new_token()
    with _write(engine) as conn:
        _insert_workspace(conn, token, name, default_weights())
    return token


def _workspace_name(name: str) -> str:
    checked = validated(Workspace.model_validate, {"name": name or ""}, subjects={"name": "The workspace name"})
    return checked.name


def _insert_workspace(conn: Connection, token: str, name: str, weight_values: dict[str, int]) -> int:
    now = _now()
    values: dict[str, object] = {
        "token_hash": token_hash(token), "name": name, "revision": 0, "created_at": now, "updated_at": now,
    }
    if conn.dialect.name == "sqlite":  # PostgreSQL's sequence never hands out an id twice
        values["id"] = _unused_workspace_id(conn)
    workspace_id = conn.execute(insert(workspaces).values(**values).returning(workspaces.c.id)).scalar_one()
    conn.execute(
        insert(weights),
        [{"workspace_id": workspace_id, "dimension": k, "weight": weight_values[k]} for k in DIMENSION_KEYS],
    )
    return workspace_id


def _unused_workspace_id(conn: Connection) -> int:
    """An id no workspace has had, deleted ones included (schema.retired_ids)."""
    largest = conn.execute(select(func.max(workspaces.c.id))).scalar() or 0
    retired = conn.execute(
        select(retired_ids.c.last_id).where(retired_ids.c.table_name == workspaces.name)
    ).scalar() or 0
    return max(largest, retired) + 1


def find_workspace(engine: Engine, token: str) -> WorkspaceRef | None:
    """The workspace a private token opens, or None (for a malformed or unknown token alike)."""
    if not is_well_formed_token(token):
        return None
    with _read(engine) as conn:
        row = conn.execute(_ref_query().where(workspaces.c.token_hash == token_hash(token))).first()
    return None if row is None else _ref(row)


def _ref_query() -> Select:  # type: ignore[type-arg]
    """A workspace with its option and interview counts, in one round trip."""
    n_options = (
        select(func.count()).select_from(options).where(options.c.workspace_id == workspaces.c.id).scalar_subquery()
    )
    n_interviews = (
        select(func.count())
        .select_from(interviews)
        .where(interviews.c.workspace_id == workspaces.c.id)
        .scalar_subquery()
    )
    return select(
        workspaces.c.id,
        workspaces.c.name,
        workspaces.c.revision,
        workspaces.c.display_name,
        n_options.label("n_options"),
        n_interviews.label("n_interviews"),
    )


def _ref(row: Row) -> WorkspaceRef:  # type: ignore[type-arg]
    return WorkspaceRef(row.id, row.name, row.revision, row.n_options, row.n_interviews)


def _touch(conn: Connection, workspace_id: int) -> None:
    """Bump the revision (and take the workspace row lock before any other write)."""
    result = conn.execute(
        update(workspaces)
        .where(workspaces.c.id == workspace_id)
        .values(revision=workspaces.c.revision + 1, updated_at=_now())
    )
    if result.rowcount != 1:
        raise NoSuchWorkspace("This workspace no longer exists.")


def rename_workspace(engine: Engine, workspace_id: int, name: str) -> None:
    name = _workspace_name(name)
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        conn.execute(update(workspaces).where(workspaces.c.id == workspace_id).values(name=name))


def load_workspace(engine: Engine, workspace_id: int) -> Workspace:
    """The whole workspace as the domain model (ids are the database ids, as strings)."""
    with _read(engine) as conn:
        ws_row = conn.execute(select(workspaces.c.name).where(workspaces.c.id == workspace_id)).first()
        if ws_row is None:
            raise NoSuchWorkspace("This workspace no longer exists.")
        weight_rows = conn.execute(
            select(weights.c.dimension, weights.c.weight).where(weights.c.workspace_id == workspace_id)
        ).all()
        elicited = _elicitation(conn, workspace_id)
        option_rows = conn.execute(
            select(options).where(options.c.workspace_id == workspace_id).order_by(options.c.id)
        ).all()
        interview_rows = conn.execute(
            select(interviews)
            .where(interviews.c.workspace_id == workspace_id)
            .order_by(interviews.c.date, interviews.c.id)
        ).all()
        informed_rows = conn.execute(
            select(interview_options.c.interview_id, interview_options.c.option_id)
            .join(interviews, interviews.c.id == interview_options.c.interview_id)
            .where(interviews.c.workspace_id == workspace_id)
            .order_by(interview_options.c.option_id)
        ).all()
        rating_rows = conn.execute(
            select(ratings)
            .join(interviews, interviews.c.id == ratings.c.interview_id)
            .where(interviews.c.workspace_id == workspace_id)
            .order_by(ratings.c.id)
        ).all()

    informed: dict[int, list[str]] = {}
    for row in informed_rows:
        informed.setdefault(row.interview_id, []).append(str(row.option_id))
    by_interview: dict[int, list[Rating]] = {}
    for row in rating_rows:
        by_interview.setdefault(row.interview_id, []).append(
            Rating(option=str(row.option_id), dimension=row.dimension, score=row.score, note=row.note)
        )
    weight_values = default_weights() | {row.dimension: row.weight for row in weight_rows}
    # One-line text stored before direction controls were refused loads with them dropped (salvaged_line).
    return Workspace(
        name=salvaged_line(ws_row.name),
        weights=weight_values,
        **elicited,
        options=[
            Option(
                id=str(row.id),
                kind=row.kind,
                name=salvaged_line(row.name),
                notes=row.notes,
                career=str(row.career_id) if row.career_id is not None else None,
                leaning=row.leaning,
            )
            for row in option_rows
        ],
        interviews=[
            Interview(
                id=str(row.id),
                kind=row.kind,
                date=row.date,
                contact=Contact(
                    name=salvaged_line(row.contact_name),
                    role=salvaged_line(row.contact_role),
                    organisation=salvaged_line(row.contact_organisation),
                )
                if row.kind == "interview"
                else None,
                notes=row.notes,
                options=informed.get(row.id, []),
                ratings=by_interview.get(row.id, []),
            )
            for row in interview_rows
        ],
    )


# --- options ------------------------------------------------------------------------------


# Placeholder id for a record checked against its model before the database gives it an id.
_NEW = "new"
# What each field of an option is called in a sentence about it, and the prompt for an empty name.
_OPTION_SUBJECTS = {"kind": "The kind of option", "name": "The name", "notes": "Notes"}
_OPTION_PROMPTS = {"name": "Please give the option a name."}


def _option(option_id: str, kind: str, name: str, notes: str, career_id: int | None) -> Option:
    """The option as it will be stored, checked by the model: its kind, name and notes, and that
    only an employer belongs to a career."""
    fields = {"id": option_id, "kind": kind, "name": name, "notes": notes or "",
              "career": None if career_id is None else str(career_id)}
    return validated(Option.model_validate, fields, subjects=_OPTION_SUBJECTS, missing=_OPTION_PROMPTS)


def _check_name_free(conn: Connection, workspace_id: int, name: str, except_id: int | None = None) -> None:
    query = select(options.c.name).where(
        options.c.workspace_id == workspace_id, options.c.name_key == name_key(name)
    )
    if except_id is not None:
        query = query.where(options.c.id != except_id)
    existing = conn.execute(query).scalar()
    if existing is not None:
        raise TenfoldError(sentence(option_name_taken(existing)))


def _check_career(conn: Connection, workspace_id: int, option_name: str, career_id: int | None) -> None:
    """The career an employer belongs to is a career of this workspace (as in the workspace file)."""
    if career_id is None:
        return
    career = conn.execute(
        select(options.c.kind, options.c.name).where(options.c.id == career_id, options.c.workspace_id == workspace_id)
    ).first()
    if career is None:
        raise TenfoldError(sentence(career_not_in_workspace(option_name, str(career_id))))
    if career.kind != "career":
        raise TenfoldError(sentence(career_is_an_employer(option_name, career.name)))


def _option_kind(conn: Connection, workspace_id: int, option_id: int) -> str:
    kind = conn.execute(
        select(options.c.kind).where(options.c.id == option_id, options.c.workspace_id == workspace_id)
    ).scalar()
    if kind is None:
        raise TenfoldError("That option does not exist (any more).")
    return kind


def add_option(
    engine: Engine,
    workspace_id: int,
    *,
    kind: str,
    name: str,
    career_id: int | None = None,
    notes: str = "",
    request_key: str | None = None,
) -> int:
    """Add an option; returns its id. The same `request_key` again within REPEAT_WINDOW_S returns
    the option it added (a double-clicked "Add" adds once, without "already exists")."""
    option = _option(_NEW, kind, name, notes, career_id)
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        created = _created_already(conn, workspace_id, options, request_key)
        if created is not None:
            return created
        _check_room(conn, options, workspace_id, "options", MAX_OPTIONS)
        _check_name_free(conn, workspace_id, option.name)
        _check_career(conn, workspace_id, option.name, career_id)
        try:
            option_id = conn.execute(
                insert(options)
                .values(
                    workspace_id=workspace_id,
                    kind=option.kind,
                    name=option.name,
                    name_key=name_key(option.name),
                    notes=option.notes,
                    career_id=career_id,
                    leaning=False,
                )
                .returning(options.c.id)
            ).scalar_one()
        except IntegrityError as error:  # a concurrent add of the same name
            raise TenfoldError(sentence(option_name_taken(option.name))) from error
        _remember_create(conn, workspace_id, request_key, option_id)
        return option_id


def update_option(
    engine: Engine,
    workspace_id: int,
    option_id: int,
    *,
    name: str | None = None,
    notes: str | None = None,
    career_id: int | type[...] | None = ...,
    expected_name: str | None = None,
    expected_notes: str | None = None,
    expected_career_id: int | type[...] | None = ...,
) -> None:
    """Rename, re-note or re-link an option; arguments left out stay as they are.

    An `expected_…` value is what the page showed of that field: if the field has changed since
    (in another tab), the write is refused with its current value (ChangedElsewhere).
    """
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        stored = conn.execute(
            select(options.c.kind, options.c.name, options.c.notes, options.c.career_id).where(
                options.c.id == option_id, options.c.workspace_id == workspace_id
            )
        ).first()
        if stored is None:
            raise TenfoldError("That option does not exist (any more).")
        if name is not None and expected_name is not None:
            _check_unchanged("This option's name was", stored.name, expected_name)
        if notes is not None and expected_notes is not None:
            _check_unchanged("This option's notes were", stored.notes, expected_notes)
        if career_id is not ... and expected_career_id is not ...:
            career_name = None if stored.career_id is None else conn.execute(
                select(options.c.name).where(options.c.id == stored.career_id)
            ).scalar()
            _check_unchanged("This employer's career was", stored.career_id, expected_career_id, career_name or "")
        option = _option(
            str(option_id),
            stored.kind,
            stored.name if name is None else name,
            stored.notes if notes is None else notes,
            stored.career_id if career_id is ... else career_id,  # type: ignore[arg-type]
        )
        values: dict[str, object] = {}
        if name is not None:
            _check_name_free(conn, workspace_id, option.name, except_id=option_id)
            values |= {"name": option.name, "name_key": name_key(option.name)}
        if notes is not None:
            values["notes"] = option.notes
        if career_id is not ...:
            _check_career(conn, workspace_id, option.name, career_id)  # type: ignore[arg-type]
            values["career_id"] = career_id
        if values:
            conn.execute(update(options).where(options.c.id == option_id).values(**values))


def option_rating_count(engine: Engine, workspace_id: int, option_id: int) -> int:
    with _read(engine) as conn:
        return conn.execute(
            select(func.count())
            .select_from(ratings)
            .join(options, options.c.id == ratings.c.option_id)
            .where(ratings.c.option_id == option_id, options.c.workspace_id == workspace_id)
        ).scalar_one()


def delete_option(engine: Engine, workspace_id: int, option_id: int) -> None:
    """Delete an option with its ratings; its employers stay, no longer linked to it."""
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _option_kind(conn, workspace_id, option_id)
        # Explicit deletes (not only ON DELETE rules) so SQLite and PostgreSQL behave alike.
        conn.execute(update(options).where(options.c.career_id == option_id).values(career_id=None))
        conn.execute(delete(ratings).where(ratings.c.option_id == option_id))
        conn.execute(delete(pending_notes).where(pending_notes.c.option_id == option_id))
        conn.execute(delete(interview_options).where(interview_options.c.option_id == option_id))
        conn.execute(delete(options).where(options.c.id == option_id))


def set_leaning(engine: Engine, workspace_id: int, option_id: int | None, *, kind: str | None = None) -> None:
    """Make one option the current leaning of its kind, replacing that kind's previous one: a
    workspace has at most one career and one employer leaning (DESIGN, "Domain"). With no option,
    clear the leaning of `kind`, or every leaning when `kind` is None."""
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        if option_id is not None:
            kind = _option_kind(conn, workspace_id, option_id)
        clear = update(options).where(options.c.workspace_id == workspace_id, options.c.leaning)
        if kind is not None:
            clear = clear.where(options.c.kind == kind)
        conn.execute(clear.values(leaning=False))
        if option_id is not None:
            conn.execute(update(options).where(options.c.id == option_id).values(leaning=True))


# --- interviews and ratings ---------------------------------------------------------------


def _check_option_ids(conn: Connection, workspace_id: int, option_ids: Sequence[int]) -> None:
    if not option_ids:
        raise TenfoldError("Choose at least one career or employer this conversation informed.")
    found = set(
        conn.execute(
            select(options.c.id).where(options.c.workspace_id == workspace_id, options.c.id.in_(option_ids))
        ).scalars()
    )
    if found != set(option_ids):
        raise TenfoldError("Some of the chosen options do not exist (any more).")


# What each field of an interview is called in a sentence about it, and prompts for empty ones.
_INTERVIEW_SUBJECTS = {
    "kind": "The kind of entry",
    "date": "The date of the conversation",
    "contact.name": "A name",
    "contact.role": "A role",
    "contact.organisation": "An organisation",
    "notes": "Notes",
}
_INTERVIEW_PROMPTS = {
    "date": "Please give the date of the conversation.",
    "contact.name": "Please give the name of the person you interviewed.",
}


def _interview_values(
    kind: str, date: dt.date, contact_name: str, contact_role: str, contact_organisation: str, notes: str
) -> dict[str, object]:
    """The interview's row as it will be stored, checked by the model (a self-assessment's
    contact fields are ignored: it has no contact)."""
    contact = {"name": contact_name, "role": contact_role or "", "organisation": contact_organisation or ""}
    fields = {"id": _NEW, "kind": kind, "date": date, "contact": contact if kind == "interview" else None,
              "notes": notes or ""}
    interview = validated(Interview.model_validate, fields, subjects=_INTERVIEW_SUBJECTS, missing=_INTERVIEW_PROMPTS)
    return {
        "kind": interview.kind,
        "date": interview.date,
        "contact_name": interview.contact.name if interview.contact else "",
        "contact_role": interview.contact.role if interview.contact else "",
        "contact_organisation": interview.contact.organisation if interview.contact else "",
        "notes": interview.notes,
    }


# A request made again within this time is the same request resent (a double click, or a click a
# busy server received twice), not a new one.
REPEAT_WINDOW_S = 10.0


def _created_already(conn: Connection, workspace_id: int, table: Table, request_key: str | None) -> int | None:
    """The id of the record that `request_key` created in this workspace just now, if it still exists."""
    if request_key is None:
        return None
    conn.execute(delete(recent_creates).where(recent_creates.c.at < time.time() - REPEAT_WINDOW_S))
    record_id = conn.execute(select(recent_creates.c.record_id).where(
        recent_creates.c.request_key == request_key, recent_creates.c.workspace_id == workspace_id
    )).scalar()
    if record_id is None:
        return None
    exists = conn.execute(select(table.c.id).where(table.c.id == record_id, table.c.workspace_id == workspace_id))
    return record_id if exists.scalar() is not None else None


def _remember_create(conn: Connection, workspace_id: int, request_key: str | None, record_id: int) -> None:
    if request_key is not None:
        conn.execute(delete(recent_creates).where(recent_creates.c.request_key == request_key))
        conn.execute(insert(recent_creates).values(
            request_key=request_key, workspace_id=workspace_id, record_id=record_id, at=time.time()
        ))


def add_interview(
    engine: Engine,
    workspace_id: int,
    *,
    kind: str = "interview",
    date: dt.date,
    contact_name: str = "",
    contact_role: str = "",
    contact_organisation: str = "",
    notes: str = "",
    option_ids: Sequence[int],
    request_key: str | None = None,
) -> int:
    """Log an interview; returns its id. The same `request_key` again within REPEAT_WINDOW_S
    returns the interview it created (a double-clicked save logs one)."""
    values = _interview_values(kind, date, contact_name, contact_role, contact_organisation, notes)
    with _write(engine) as conn:
        _touch(conn, workspace_id)  # also serialises this workspace's writes: a repeat sees the first
        created = _created_already(conn, workspace_id, interviews, request_key)
        if created is not None:
            return created
        _check_room(conn, interviews, workspace_id, "interviews", MAX_INTERVIEWS)
        _check_option_ids(conn, workspace_id, option_ids)
        interview_id = conn.execute(
            insert(interviews).values(workspace_id=workspace_id, **values).returning(interviews.c.id)
        ).scalar_one()
        _link_options(conn, interview_id, option_ids)
        _remember_create(conn, workspace_id, request_key, interview_id)
    return interview_id


def _link_options(conn: Connection, interview_id: int, option_ids: Sequence[int]) -> None:
    """Record which options an interview informed (each once)."""
    conn.execute(
        insert(interview_options),
        [{"interview_id": interview_id, "option_id": option_id} for option_id in dict.fromkeys(option_ids)],
    )


def _check_interview(conn: Connection, workspace_id: int, interview_id: int) -> None:
    found = conn.execute(
        select(interviews.c.id).where(interviews.c.id == interview_id, interviews.c.workspace_id == workspace_id)
    ).scalar()
    if found is None:
        raise TenfoldError("That interview does not exist (any more).")


def update_interview(
    engine: Engine,
    workspace_id: int,
    interview_id: int,
    *,
    kind: str,
    date: dt.date,
    contact_name: str = "",
    contact_role: str = "",
    contact_organisation: str = "",
    notes: str = "",
    option_ids: Sequence[int],
    expected: Interview | None = None,
) -> None:
    """Change an interview's details; ratings of options no longer informed are removed.

    With `expected` (the interview as the page showed it), only the fields that differ from it are
    written, and each only if it is still what the page showed (else ChangedElsewhere).
    """
    values = _interview_values(kind, date, contact_name, contact_role, contact_organisation, notes)
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _check_interview(conn, workspace_id, interview_id)
        _check_option_ids(conn, workspace_id, option_ids)
        informed = set(option_ids)
        if expected is not None:
            stored = conn.execute(select(interviews).where(interviews.c.id == interview_id)).one()
            shown = _shown_interview_values(expected)
            values = {column: value for column, value in values.items() if value != shown[column]}
            for column in values:
                _check_unchanged(_INTERVIEW_FIELDS[column], getattr(stored, column), shown[column])
            shown_informed = {int(o) for o in expected.informed}
            if informed == shown_informed:
                informed = set()  # unchanged: the links stay as they are
            else:
                stored_informed = set(conn.execute(
                    select(interview_options.c.option_id).where(interview_options.c.interview_id == interview_id)
                ).scalars())
                if stored_informed != shown_informed:
                    raise ChangedElsewhere(
                        "The options this interview informed were changed in another tab or window. "
                        "Reload to see them."
                    )
        if values:
            conn.execute(update(interviews).where(interviews.c.id == interview_id).values(**values))
        if informed:
            conn.execute(
                delete(ratings).where(ratings.c.interview_id == interview_id, ratings.c.option_id.not_in(option_ids))
            )
            conn.execute(delete(pending_notes).where(
                pending_notes.c.interview_id == interview_id, pending_notes.c.option_id.not_in(option_ids)
            ))
            conn.execute(delete(interview_options).where(interview_options.c.interview_id == interview_id))
            _link_options(conn, interview_id, option_ids)


# What each stored field of an interview is called in a refusal that quotes its current value.
_INTERVIEW_FIELDS = {
    "kind": "The kind of entry was",
    "date": "The date of this interview was",
    "contact_name": "The contact's name was",
    "contact_role": "The contact's role was",
    "contact_organisation": "The contact's organisation was",
    "notes": "The notes on this interview were",
}


def _shown_interview_values(interview: Interview) -> dict[str, object]:
    """An interview's stored fields as a page shows them (the columns of its row)."""
    contact = interview.contact
    return {
        "kind": interview.kind,
        "date": interview.date,
        "contact_name": contact.name if contact else "",
        "contact_role": contact.role if contact else "",
        "contact_organisation": contact.organisation if contact else "",
        "notes": interview.notes,
    }


def delete_interview(engine: Engine, workspace_id: int, interview_id: int) -> None:
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _check_interview(conn, workspace_id, interview_id)
        conn.execute(delete(ratings).where(ratings.c.interview_id == interview_id))
        conn.execute(delete(pending_notes).where(pending_notes.c.interview_id == interview_id))
        conn.execute(delete(interview_options).where(interview_options.c.interview_id == interview_id))
        conn.execute(delete(interviews).where(interviews.c.id == interview_id))


# A rating's dimension and note, checked as the Rating model checks them.
_DIMENSION = TypeAdapter(DimensionKey)
_NOTE = TypeAdapter(Note)
_RATING_SUBJECTS = {"dimension": "The dimension", "note": "A note"}


def _checked_rating(option_id: int, dimension: str, score: int, note: str) -> Rating:
    fields = {"option": str(option_id), "dimension": dimension, "score": score, "note": note or ""}
    return validated(Rating.model_validate, fields, subjects=_RATING_SUBJECTS)


def _rating_row(conn: Connection, workspace_id: int, interview_id: int, option_id: int, dimension: str):  # type: ignore[no-untyped-def]
    """After the checks that the interview is this workspace's and informed the option: the
    stored rating's (id, score, note), or None when it is not rated."""
    _check_interview(conn, workspace_id, interview_id)
    informed = conn.execute(
        select(interview_options.c.option_id).where(
            interview_options.c.interview_id == interview_id, interview_options.c.option_id == option_id
        )
    ).scalar()
    if informed is None:
        raise TenfoldError("That option is not among the ones this interview informed.")
    return conn.execute(
        select(ratings.c.id, ratings.c.score, ratings.c.note).where(
            ratings.c.interview_id == interview_id,
            ratings.c.option_id == option_id,
            ratings.c.dimension == dimension,
        )
    ).first()


def set_rating(
    engine: Engine,
    workspace_id: int,
    interview_id: int,
    option_id: int,
    dimension: str,
    score: int | None,
    note: str = "",
) -> None:
    """Rate an informed option on one dimension, score and note together, whatever was there; a
    score of None means 'not discussed'. (A page changes one field at a time, from what it showed:
    `set_rating_score`, `set_rating_note`, `clear_rating`.)"""
    if score is None:  # "not discussed": the rating is removed, and what came with it is still checked
        dimension = validated(_DIMENSION.validate_python, dimension, subjects={"": "The dimension"})
        validated(_NOTE.validate_python, note or "", subjects={"": "A note"})
    else:
        rating = _checked_rating(option_id, dimension, score, note)
        dimension, score, note = rating.dimension, rating.score, rating.note
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        stored = _rating_row(conn, workspace_id, interview_id, option_id, dimension)
        if stored is not None and score is None:
            conn.execute(delete(ratings).where(ratings.c.id == stored.id))
        elif stored is not None:
            conn.execute(update(ratings).where(ratings.c.id == stored.id).values(score=score, note=note))
        elif score is not None:
            conn.execute(
                insert(ratings).values(
                    interview_id=interview_id, option_id=option_id, dimension=dimension, score=score, note=note
                )
            )


def set_rating_score(
    engine: Engine,
    workspace_id: int,
    interview_id: int,
    option_id: int,
    dimension: str,
    score: int,
    *,
    expected: int | None,
    note: str = "",
) -> Rating:
    """Change the score of one rating alone, from the score the page showed (`expected`; None: not
    rated). An existing rating keeps its note; a new one takes `note` (typed before its rating), or
    else the pending note saved for it (`set_pending_note`). Returns the rating as stored."""
    rating = _checked_rating(option_id, dimension, score, note)
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        stored = _rating_row(conn, workspace_id, interview_id, option_id, rating.dimension)
        _check_unchanged("This rating was", None if stored is None else stored.score, expected)
        if stored is None:
            pending = _pending_note_is(interview_id, option_id, rating.dimension)
            if not rating.note:
                rating = rating.model_copy(
                    update={"note": conn.execute(select(pending_notes.c.note).where(pending)).scalar() or ""}
                )
            conn.execute(delete(pending_notes).where(pending))
            conn.execute(
                insert(ratings).values(
                    interview_id=interview_id, option_id=option_id, dimension=rating.dimension,
                    score=rating.score, note=rating.note,
                )
            )
            return rating
        conn.execute(update(ratings).where(ratings.c.id == stored.id).values(score=rating.score))
        return rating.model_copy(update={"note": stored.note})


def set_rating_note(
    engine: Engine,
    workspace_id: int,
    interview_id: int,
    option_id: int,
    dimension: str,
    note: str,
    *,
    expected: str,
) -> str:
    """Change the note of one rating alone, from the note the page showed (`expected`); returns
    the note as stored."""
    dimension = validated(_DIMENSION.validate_python, dimension, subjects={"": "The dimension"})
    note = validated(_NOTE.validate_python, note or "", subjects={"": "A note"})
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        stored = _rating_row(conn, workspace_id, interview_id, option_id, dimension)
        if stored is None:
            raise ChangedElsewhere(
                "This rating was cleared in another tab or window, and its note with it. Reload to see it."
            )
        _check_unchanged("This note was", stored.note, expected)
        conn.execute(update(ratings).where(ratings.c.id == stored.id).values(note=note))
    return note


def _pending_note_is(interview_id: int, option_id: int, dimension: str):  # type: ignore[no-untyped-def]
    """The condition selecting one pending note."""
    return and_(
        pending_notes.c.interview_id == interview_id,
        pending_notes.c.option_id == option_id,
        pending_notes.c.dimension == dimension,
    )


def set_pending_note(
    engine: Engine, workspace_id: int, interview_id: int, option_id: int, dimension: str, note: str
) -> str:
    """Keep a note typed for a dimension not rated yet, until its score is chosen (an empty note
    removes it). Refused when the dimension was rated meanwhile (in another tab). Returns the note."""
    dimension = validated(_DIMENSION.validate_python, dimension, subjects={"": "The dimension"})
    note = validated(_NOTE.validate_python, note or "", subjects={"": "A note"})
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        if _rating_row(conn, workspace_id, interview_id, option_id, dimension) is not None:
            raise ChangedElsewhere("This dimension was rated in another tab or window. Reload to see it.")
        conn.execute(delete(pending_notes).where(_pending_note_is(interview_id, option_id, dimension)))
        if note:
            conn.execute(insert(pending_notes).values(
                interview_id=interview_id, option_id=option_id, dimension=dimension, note=note
            ))
    return note


def pending_notes_of(engine: Engine, workspace_id: int, interview_id: int, option_id: int) -> dict[str, str]:
    """The notes waiting for their rating, by dimension, for one interview's option."""
    with _read(engine) as conn:
        rows = conn.execute(
            select(pending_notes.c.dimension, pending_notes.c.note)
            .join(interviews, interviews.c.id == pending_notes.c.interview_id)
            .where(
                interviews.c.workspace_id == workspace_id,
                pending_notes.c.interview_id == interview_id,
                pending_notes.c.option_id == option_id,
            )
        ).all()
    return {row.dimension: row.note for row in rows}


def clear_rating(
    engine: Engine,
    workspace_id: int,
    interview_id: int,
    option_id: int,
    dimension: str,
    *,
    expected_score: int,
    expected_note: str,
) -> None:
    """Mark a dimension 'not discussed': remove its rating and note, if both are still what the
    page showed (so a note saved in another tab is not removed unseen)."""
    dimension = validated(_DIMENSION.validate_python, dimension, subjects={"": "The dimension"})
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        stored = _rating_row(conn, workspace_id, interview_id, option_id, dimension)
        if stored is None:  # cleared already: nothing is lost
            return
        _check_unchanged("This rating was", stored.score, expected_score)
        _check_unchanged("This rating's note was", stored.note, expected_note)
        conn.execute(delete(ratings).where(ratings.c.id == stored.id))


# --- weights ------------------------------------------------------------------------------


def set_weights(engine: Engine, workspace_id: int, values: dict[str, int]) -> None:
    """Set some or all weights directly (0-5), which makes direct entry the way weights are given;
    the ten together must not all be 0 (checked by the model). A stored order and swings are kept."""
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        current = _stored_weights(conn, workspace_id)
        validated(Workspace.model_validate, {"weights": current | values})
        _write_weights(conn, workspace_id, values)
        conn.execute(_elicitation_row(workspace_id).values(weights_by="direct"))


def set_weight_elicitation(
    engine: Engine,
    workspace_id: int,
    *,
    weights_by: WeightsBy | None = None,
    order: dict[str, int] | None = None,
    swings: dict[str, int] | None = None,
) -> None:
    """Change how the weights are given, or some places of the order, or some swing answers.

    `order` and `swings` may name only the dimensions that changed. Switching to an order for
    the first time starts from the direct weights (`order_from_weights`), and to swings from the
    order's ROC weights (`swings_from_weights`), so nothing moves until the participant moves it.
    The whole-number weights are rewritten as the derived ones rounded, for older readers.
    """
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        current = _stored_weights(conn, workspace_id)
        stored = _elicitation(conn, workspace_id)
        mode = weights_by or stored.get("weights_by", "direct")
        places = stored.get("order") or order_from_weights(current)
        places = places | (order or {})
        answers = stored.get("swings")
        if answers is None and mode == "swing":
            roc = order_shares(places)
            answers = swings_from_weights(places, roc) if any(roc.values()) else None
        if answers is not None:
            answers = answers | (swings or {})
        workspace = validated(
            Workspace.model_validate, {"weights": current, "weights_by": mode, "order": places, "swings": answers}
        )
        values = {
            "weights_by": mode,
            "order_places": json.dumps(places),
            "swing_answers": json.dumps(answers) if answers else None,
        }
        if stored:
            conn.execute(_elicitation_row(workspace_id).values(**values))
        else:
            conn.execute(insert(weight_elicitation).values(workspace_id=workspace_id, **values))
        _write_weights(conn, workspace_id, workspace.weights)


def _stored_weights(conn: Connection, workspace_id: int) -> dict[str, int]:
    rows = conn.execute(select(weights.c.dimension, weights.c.weight).where(weights.c.workspace_id == workspace_id))
    return default_weights() | dict(rows.all())  # type: ignore[arg-type]


def _write_weights(conn: Connection, workspace_id: int, values: dict[str, int]) -> None:
    for key, value in values.items():
        conn.execute(
            update(weights)
            .where(weights.c.workspace_id == workspace_id, weights.c.dimension == key)
            .values(weight=value)
        )


def _elicitation_row(workspace_id: int):  # type: ignore[no-untyped-def]
    return update(weight_elicitation).where(weight_elicitation.c.workspace_id == workspace_id)


def _elicitation(conn: Connection, workspace_id: int) -> dict[str, object]:
    """The stored way of giving weights as Workspace fields; empty for direct entry never left."""
    row = conn.execute(select(weight_elicitation).where(weight_elicitation.c.workspace_id == workspace_id)).first()
    if row is None:
        return {}
    return {
        "weights_by": row.weights_by,
        "order": json.loads(row.order_places) if row.order_places else None,
        "swings": json.loads(row.swing_answers) if row.swing_answers else None,
    }


def _write_elicitation(conn: Connection, workspace_id: int, workspace: Workspace) -> None:
    conn.execute(delete(weight_elicitation).where(weight_elicitation.c.workspace_id == workspace_id))
    if workspace.weights_by == "direct" and workspace.order is None and workspace.swings is None:
        return
    conn.execute(
        insert(weight_elicitation).values(
            workspace_id=workspace_id,
            weights_by=workspace.weights_by,
            order_places=json.dumps(workspace.order) if workspace.order is not None else None,
            swing_answers=json.dumps(workspace.swings) if workspace.swings is not None else None,
        )
    )


# --- whole workspaces ---------------------------------------------------------------------


def import_workspace(engine: Engine, workspace: Workspace, *, replace_id: int | None = None) -> str | None:
    """Write a validated workspace as a new one (returns its token) or over an existing one.

    One transaction: if anything fails, the database is exactly as it was.
    """
    too_much = limit_problems(workspace)
    if too_much:
        raise TenfoldError("This workspace cannot be imported. " + " ".join(too_much))
    with _write(engine) as conn:
        if replace_id is None:
            token: str | None = new_token()
            workspace_id = _insert_workspace(conn, token, workspace.name, dict(workspace.weights))
        else:
            token = None
            workspace_id = replace_id
            _touch(conn, workspace_id)
            _clear_workspace(conn, workspace_id)
            conn.execute(update(workspaces).where(workspaces.c.id == workspace_id).values(name=workspace.name))
            _write_weights(conn, workspace_id, dict(workspace.weights))
        _write_elicitation(conn, workspace_id, workspace)
        _insert_contents(conn, workspace_id, workspace)
    return token


def _clear_workspace(conn: Connection, workspace_id: int) -> None:
    interview_ids = select(interviews.c.id).where(interviews.c.workspace_id == workspace_id)
    conn.execute(delete(ratings).where(ratings.c.interview_id.in_(interview_ids)))
    conn.execute(delete(pending_notes).where(pending_notes.c.interview_id.in_(interview_ids)))
    conn.execute(delete(interview_options).where(interview_options.c.interview_id.in_(interview_ids)))
    conn.execute(delete(interviews).where(interviews.c.workspace_id == workspace_id))
    conn.execute(update(options).where(options.c.workspace_id == workspace_id).values(career_id=None))
    conn.execute(delete(options).where(options.c.workspace_id == workspace_id))


def _insert_contents(conn: Connection, workspace_id: int, workspace: Workspace) -> None:
    # A few statements for the whole workspace (each given all its rows), not a few per record:
    # a large import is one round trip per table, not thousands.
    option_ids = _insert_many(conn, options, [
        {"workspace_id": workspace_id, "kind": o.kind, "name": o.name, "name_key": name_key(o.name),
         "notes": o.notes, "leaning": o.leaning}
        for o in workspace.options
    ])
    new_option_ids = dict(zip([o.id for o in workspace.options], option_ids, strict=True))
    links = [{"row": new_option_ids[o.id], "career": new_option_ids[o.career]}
             for o in workspace.options if o.career is not None]
    if links:
        conn.execute(
            update(options).where(options.c.id == bindparam("row")).values(career_id=bindparam("career")), links
        )
    interview_ids = _insert_many(conn, interviews, [
        {"workspace_id": workspace_id, "kind": i.kind, "date": i.date,
         "contact_name": i.contact.name if i.contact else "",
         "contact_role": i.contact.role if i.contact else "",
         "contact_organisation": i.contact.organisation if i.contact else "",
         "notes": i.notes}
        for i in workspace.interviews
    ])
    informed_rows, rating_rows = [], []
    for interview, interview_id in zip(workspace.interviews, interview_ids, strict=True):
        informed_rows += [{"interview_id": interview_id, "option_id": new_option_ids[o]} for o in interview.informed]
        rating_rows += [
            {"interview_id": interview_id, "option_id": new_option_ids[r.option], "dimension": r.dimension,
             "score": r.score, "note": r.note}
            for r in interview.ratings
        ]
    for table, rows in ((interview_options, informed_rows), (ratings, rating_rows)):
        if rows:
            conn.execute(insert(table), rows)


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, object]]) -> list[int]:
    """Insert `rows` in one statement; their new ids, in the order of `rows`."""
    if not rows:
        return []
    result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


# --- deleting (docs/deployment.md, "Retention and deletion") -------------------------------

# Every table with rows that belong to one workspace, deleted with it. The foreign keys would
# cascade, but deleting each explicitly does not depend on SQLite's foreign_keys pragma, and
# tests/integration/test_retention.py fails when a table keyed by a workspace is missing here.
WORKSPACE_TABLES = (
    "ratings", "pending_notes", "interview_options", "interviews", "options", "weights", "weight_elicitation",
    "browser_memory", "recent_creates", "workspaces",
)


def delete_workspace(engine: Engine, workspace_id: int) -> None:
    """Delete the workspace and everything in it, its place in a workshop's cohort included."""
    with _write(engine) as conn:
        _touch(conn, workspace_id)  # locks it; raises NoSuchWorkspace if it is already gone
        _delete_workspaces(conn, [workspace_id])


def purge_untouched(engine: Engine, *, days: int, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete the workspaces in which nothing was changed for `days` days or more; how many.

    With `dry_run`, only count them. One transaction, and each workspace's row is locked first, so a
    workspace changed while this runs is either kept or was deleted before the change (which is then
    refused as "no longer exists").
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (now or _now()).astimezone(dt.UTC) - dt.timedelta(days=days)
    with _write(engine) as conn:
        stale = select(workspaces.c.id).where(workspaces.c.updated_at <= cutoff).order_by(workspaces.c.id)
        ids = list(conn.execute(stale if dry_run else stale.with_for_update()).scalars())
        if ids and not dry_run:
            _delete_workspaces(conn, ids)
    return len(ids)


def _delete_workspaces(conn: Connection, ids: list[int]) -> None:
    if conn.dialect.name == "sqlite":  # where ids could come back (schema.retired_ids)
        _retire(conn, max(ids))
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):  # bounded IN lists
        option_ids = select(options.c.id).where(options.c.workspace_id.in_(chunk))
        interview_ids = select(interviews.c.id).where(interviews.c.workspace_id.in_(chunk))
        conn.execute(delete(ratings).where(
            ratings.c.option_id.in_(option_ids) | ratings.c.interview_id.in_(interview_ids)
        ))
        conn.execute(delete(pending_notes).where(
            pending_notes.c.option_id.in_(option_ids) | pending_notes.c.interview_id.in_(interview_ids)
        ))
        conn.execute(delete(interview_options).where(
            interview_options.c.option_id.in_(option_ids) | interview_options.c.interview_id.in_(interview_ids)
        ))
        conn.execute(delete(interviews).where(interviews.c.workspace_id.in_(chunk)))
        conn.execute(update(options).where(options.c.workspace_id.in_(chunk)).values(career_id=None))
        conn.execute(delete(options).where(options.c.workspace_id.in_(chunk)))
        conn.execute(delete(weights).where(weights.c.workspace_id.in_(chunk)))
        conn.execute(delete(weight_elicitation).where(weight_elicitation.c.workspace_id.in_(chunk)))
        conn.execute(delete(browser_memory).where(browser_memory.c.workspace_id.in_(chunk)))
        conn.execute(delete(recent_creates).where(recent_creates.c.workspace_id.in_(chunk)))
        conn.execute(delete(workspaces).where(workspaces.c.id.in_(chunk)))


def _retire(conn: Connection, workspace_id: int) -> None:
    """Remember the largest deleted id, so that no new workspace takes it (schema.retired_ids)."""
    where = retired_ids.c.table_name == workspaces.name
    last = conn.execute(select(retired_ids.c.last_id).where(where)).scalar()
    if last is None:
        conn.execute(insert(retired_ids).values(table_name=workspaces.name, last_id=workspace_id))
    elif workspace_id > last:
        conn.execute(update(retired_ids).where(where).values(last_id=workspace_id))
