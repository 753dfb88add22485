"""The one module that speaks SQL (SQLAlchemy 2 Core).

Every public function takes the engine explicitly and is one transaction: all of a
user action lands or none of it does. Writes also bump the workspace's `revision`,
which (a) lets pages cache derived results per workspace state and (b) takes the
workspace's row lock first, so concurrent writes to one workspace are serialised.

SQLite runs in WAL mode with a busy timeout, and write transactions start with
BEGIN IMMEDIATE so two writers queue instead of failing half-way with "database is
locked". PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from core.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN, WEIGHT_MAX, WEIGHT_MIN
from core.models import (
    NAME_MAX,
    NOTE_MAX,
    NOTES_MAX,
    Contact,
    Interview,
    Option,
    Rating,
    TenfoldError,
    Workspace,
    clean_line,
    clean_name,
    clean_notes,
    cleaned,
    default_weights,
    has_visible_character,
    name_key,
    salvaged,
    typed_name,
)
from core.workshops import (
    clean_display_name,
    clean_workshop_name,
    new_join_code,
    normalise_join_code,
)

# 2: text follows core.models' rules (no control characters, NFC, option names unique by name_key).
SCHEMA_VERSION = 2
TOKEN_BYTES = 24  # 192 bits from `secrets`, URL-safe base64: 32 characters
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SQLITE_BUSY_TIMEOUT_S = 30

metadata = MetaData()

schema_info = Table(
    "schema_info",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

workshops = Table(
    "workshops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("join_code", String(16), nullable=False, unique=True),
    Column("passcode_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

workspaces = Table(
    "workspaces",
    metadata,
    Column("id", Integer, primary_key=True),
    # Only a hash of the private token is stored: the database alone opens no workspace.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(NAME_MAX), nullable=False, default=""),
    Column("revision", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="SET NULL")),
    Column("display_name", String(NAME_MAX), nullable=False, default=""),
    Column("shared", Boolean, nullable=False, default=False),
)

options = Table(
    "options",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("name_key", String(NAME_MAX), nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("career_id", Integer, ForeignKey("options.id", ondelete="SET NULL")),
    Column("leaning", Boolean, nullable=False, default=False),
    UniqueConstraint("workspace_id", "name_key", name="uq_option_name"),
    Index(
        "uq_one_leaning",
        "workspace_id",
        unique=True,
        sqlite_where=Column("leaning") == True,  # noqa: E712 (SQL expression)
        postgresql_where=Column("leaning") == True,  # noqa: E712
    ),
)

weights = Table(
    "weights",
    metadata,
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("dimension", String(32), primary_key=True),
    Column("weight", Integer, nullable=False),
)

interviews = Table(
    "interviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("date", Date, nullable=False),
    Column("contact_name", String(NAME_MAX), nullable=False, default=""),
    Column("contact_role", String(NAME_MAX), nullable=False, default=""),
    Column("contact_organisation", String(NAME_MAX), nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
)

interview_options = Table(
    "interview_options",
    metadata,
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("option_id", Integer, ForeignKey("options.id", ondelete="CASCADE"), primary_key=True),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
    Column("option_id", Integer, ForeignKey("options.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("dimension", String(32), nullable=False),
    Column("score", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("interview_id", "option_id", "dimension", name="uq_rating"),
)


class NoSuchWorkspace(TenfoldError):
    pass


@dataclass(frozen=True)
class WorkspaceRef:
    id: int
    name: str
    revision: int
    options: int
    interviews: int


# --- engine and schema -------------------------------------------------------------------


def make_engine(url: str) -> Engine:
    """An engine with the schema in place. SQLite gets WAL, a busy timeout and IMMEDIATE writes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not the driver, decide when a transaction begins (and how).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            if conn.get_execution_options().get("tenfold_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    ensure_schema(engine)
    return engine


def ensure_schema(engine: Engine) -> None:
    """Create the schema on first start; refuse a database written by a newer Tenfold."""
    with _write(engine) as conn:
        metadata.create_all(conn)
        version = conn.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar()
        if version is None:
            conn.execute(insert(schema_info).values(id=1, version=SCHEMA_VERSION))
        elif version > SCHEMA_VERSION:
            raise RuntimeError(
                f"This database uses schema version {version}, newer than this Tenfold "
                f"understands ({SCHEMA_VERSION}). Upgrade Tenfold before opening it."
            )
        elif version < SCHEMA_VERSION:
            # Locked and in the same transaction as the version bump: one replica migrates, once.
            locked = conn.execute(
                select(schema_info.c.version).where(schema_info.c.id == 1).with_for_update()
            ).scalar_one()
            if locked < 2:
                _migrate_text_to_version_2(conn)
            conn.execute(update(schema_info).where(schema_info.c.id == 1).values(version=SCHEMA_VERSION))


def _salvaged_line(text: str | None) -> str:
    return " ".join(salvaged(text).split())[:NAME_MAX]  # one-line fields are all NAME_MAX columns


def _numbered(name: str, n: int) -> str:
    suffix = f" ({n})"
    return name[: NAME_MAX - len(suffix)] + suffix


def _migrate_text_to_version_2(conn: Connection) -> None:
    """Make text stored by version 1 follow version 2's rules, losing nothing but control characters:
    a name with nothing visible left, or one that now reads the same as another option's of its
    workspace or another participant's of its workshop (e.g. "Café" typed two ways), gets a
    number: "Café (2)"."""

    def rewrite(table: Table, row: Row, values: dict[str, object]) -> None:  # type: ignore[type-arg]
        changed = {column: value for column, value in values.items() if getattr(row, column) != value}
        if changed:
            conn.execute(update(table).where(table.c.id == row.id).values(**changed))

    for row in conn.execute(select(workshops.c.id, workshops.c.name)).all():
        name = _salvaged_line(row.name)
        rewrite(workshops, row, {"name": name if has_visible_character(name) else f"Workshop {row.id}"})
    seated: set[tuple[int, str]] = set()  # (workshop, display name key): one per participant
    query = select(workspaces.c.id, workspaces.c.name, workspaces.c.display_name, workspaces.c.workshop_id)
    for row in conn.execute(query.order_by(workspaces.c.id)).all():
        display_name = base = _salvaged_line(row.display_name)
        if row.display_name and not has_visible_character(base):
            display_name = base = f"Participant {row.id}"
        n = 1
        while row.workshop_id is not None and display_name and (row.workshop_id, name_key(display_name)) in seated:
            n += 1
            display_name = _numbered(base, n)
        seated.add((row.workshop_id, name_key(display_name)))
        rewrite(workspaces, row, {"name": _salvaged_line(row.name), "display_name": display_name})
    for row in conn.execute(select(interviews)).all():
        contact = _salvaged_line(row.contact_name)
        if row.kind == "interview" and not has_visible_character(contact):
            contact = "Unnamed contact"
        rewrite(interviews, row, {
            "contact_name": contact,
            "contact_role": _salvaged_line(row.contact_role),
            "contact_organisation": _salvaged_line(row.contact_organisation),
            "notes": salvaged(row.notes),
        })
    for row in conn.execute(select(ratings.c.id, ratings.c.note)).all():
        rewrite(ratings, row, {"note": salvaged(row.note)})

    rows = conn.execute(select(options).order_by(options.c.workspace_id, options.c.id)).all()
    taken: set[tuple[int, str]] = set()
    final: dict[int, tuple[str, str]] = {}
    for row in rows:
        base = _salvaged_line(row.name)
        base = base if has_visible_character(base) else f"Option {row.id}"
        name, n = base, 1
        while (row.workspace_id, name_key(name)) in taken:
            n += 1
            name = _numbered(base, n)
        taken.add((row.workspace_id, name_key(name)))
        final[row.id] = (name, name_key(name))
    moving = [row for row in rows if (row.name, row.name_key) != final[row.id]]
    # Two steps, so that no row ever takes a key another still holds (the unique constraint).
    for row in moving:
        conn.execute(update(options).where(options.c.id == row.id).values(name_key=f"~{secrets.token_hex(16)}"))
    for row in moving:
        name, key = final[row.id]
        conn.execute(update(options).where(options.c.id == row.id).values(name=name, name_key=key))
    for row in rows:
        if salvaged(row.notes) != row.notes:
            conn.execute(update(options).where(options.c.id == row.id).values(notes=salvaged(row.notes)))


def ping(engine: Engine) -> int:
    """The readiness check: the database answers and holds a schema this Tenfold understands.

    Reads only (never creates the schema). Returns the schema version; raises
    sqlalchemy.exc.OperationalError when the database cannot be reached, RuntimeError otherwise.
    """
    with _read(engine) as conn:
        try:
            version = conn.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar()
        except ProgrammingError:  # PostgreSQL: no such table
            version = None
        except OperationalError as error:  # SQLite: no such table; anything else is unreachable
            if "no such table" not in str(error):
                raise
            version = None
    if version is None:
        raise RuntimeError("The database holds no Tenfold schema yet: start the app once to create it.")
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"The database uses schema version {version}, newer than this Tenfold ({SCHEMA_VERSION}).")
    return version


@contextmanager
def _write(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn = conn.execution_options(tenfold_write=True)
        with conn.begin():
            yield conn


@contextmanager
def _read(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin():
        yield conn


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- tokens and workspaces ---------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_well_formed_token(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token or ""))


def create_workspace(engine: Engine, *, name: str = "") -> str:
    """A new empty workspace with default weights; returns its private token."""
    token = new_token()
    with _write(engine) as conn:
        _insert_workspace(conn, token, cleaned(name, clean_line, "The workspace name")[:NAME_MAX], default_weights())
    return token


def _insert_workspace(conn: Connection, token: str, name: str, weight_values: dict[str, int]) -> int:
    now = _now()
    workspace_id = conn.execute(
        insert(workspaces)
        .values(token_hash=token_hash(token), name=name, revision=0, created_at=now, updated_at=now)
        .returning(workspaces.c.id)
    ).scalar_one()
    conn.execute(
        insert(weights),
        [{"workspace_id": workspace_id, "dimension": k, "weight": weight_values[k]} for k in DIMENSION_KEYS],
    )
    return workspace_id


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
    name = cleaned(name, clean_line, "The workspace name")
    if len(name) > NAME_MAX:
        raise TenfoldError(f"A workspace name can be at most {NAME_MAX} characters.")
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
    return Workspace(
        name=ws_row.name,
        weights=weight_values,
        options=[
            Option(
                id=str(row.id),
                kind=row.kind,
                name=row.name,
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
                    name=row.contact_name, role=row.contact_role, organisation=row.contact_organisation
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


def _clean_name(name: str) -> str:
    return typed_name(name, what="The name", missing="Please give the option a name.", limit=NAME_MAX)


def _clean_text(text: str, limit: int, what: str, *, one_line: bool = False) -> str:
    text = cleaned(text, clean_line if one_line else clean_notes, what)
    if len(text) > limit:
        raise TenfoldError(f"{what} can be at most {limit} characters.")
    return text


def _check_name_free(conn: Connection, workspace_id: int, name: str, except_id: int | None = None) -> None:
    query = select(options.c.name).where(
        options.c.workspace_id == workspace_id, options.c.name_key == name_key(name)
    )
    if except_id is not None:
        query = query.where(options.c.id != except_id)
    existing = conn.execute(query).scalar()
    if existing is not None:
        raise TenfoldError(f"An option called '{existing}' already exists.")


def _check_career(conn: Connection, workspace_id: int, career_id: int | None) -> None:
    if career_id is None:
        return
    kind = conn.execute(
        select(options.c.kind).where(options.c.id == career_id, options.c.workspace_id == workspace_id)
    ).scalar()
    if kind is None:
        raise TenfoldError("The career this employer should belong to does not exist (any more).")
    if kind != "career":
        raise TenfoldError("An employer can only belong to a career, not to another employer.")


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
) -> int:
    if kind not in ("career", "employer"):
        raise TenfoldError("An option is either a career or an employer.")
    name = _clean_name(name)
    notes = _clean_text(notes, NOTES_MAX, "Notes")
    if kind == "career" and career_id is not None:
        raise TenfoldError("Only an employer can belong to a career.")
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _check_name_free(conn, workspace_id, name)
        _check_career(conn, workspace_id, career_id)
        try:
            return conn.execute(
                insert(options)
                .values(
                    workspace_id=workspace_id,
                    kind=kind,
                    name=name,
                    name_key=name_key(name),
                    notes=notes,
                    career_id=career_id,
                    leaning=False,
                )
                .returning(options.c.id)
            ).scalar_one()
        except IntegrityError as error:  # a concurrent add of the same name
            raise TenfoldError(f"An option called '{name}' already exists.") from error


def update_option(
    engine: Engine,
    workspace_id: int,
    option_id: int,
    *,
    name: str | None = None,
    notes: str | None = None,
    career_id: int | type[...] | None = ...,
) -> None:
    """Rename, re-note or re-link an option; arguments left out stay as they are."""
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = _clean_name(name)
        values["name_key"] = name_key(values["name"])  # type: ignore[arg-type]
    if notes is not None:
        values["notes"] = _clean_text(notes, NOTES_MAX, "Notes")
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        kind = _option_kind(conn, workspace_id, option_id)
        if name is not None:
            _check_name_free(conn, workspace_id, values["name"], except_id=option_id)  # type: ignore[arg-type]
        if career_id is not ...:
            if kind != "employer" and career_id is not None:
                raise TenfoldError("Only an employer can belong to a career.")
            _check_career(conn, workspace_id, career_id)  # type: ignore[arg-type]
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
        conn.execute(delete(interview_options).where(interview_options.c.option_id == option_id))
        conn.execute(delete(options).where(options.c.id == option_id))


def set_leaning(engine: Engine, workspace_id: int, option_id: int | None) -> None:
    """Make one option the current leaning (or clear it): at most one per workspace."""
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        if option_id is not None:
            _option_kind(conn, workspace_id, option_id)
        conn.execute(
            update(options).where(options.c.workspace_id == workspace_id, options.c.leaning).values(leaning=False)
        )
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


def _interview_values(
    kind: str, date: dt.date, contact_name: str, contact_role: str, contact_organisation: str, notes: str
) -> dict[str, object]:
    if kind not in ("interview", "self"):
        raise TenfoldError("An entry is either an interview or a self-assessment.")
    if not isinstance(date, dt.date):
        raise TenfoldError("Please give the date of the conversation.")
    if kind == "self":
        contact_name = contact_role = contact_organisation = ""
    contact_name = _clean_text(contact_name, NAME_MAX, "A name", one_line=True)
    if kind == "interview" and not contact_name:
        raise TenfoldError("Please give the name of the person you interviewed.")
    if contact_name:
        contact_name = cleaned(contact_name, clean_name, "A name")
    return {
        "kind": kind,
        "date": date,
        "contact_name": contact_name,
        "contact_role": _clean_text(contact_role, NAME_MAX, "A role", one_line=True),
        "contact_organisation": _clean_text(contact_organisation, NAME_MAX, "An organisation", one_line=True),
        "notes": _clean_text(notes, NOTES_MAX, "Notes"),
    }


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
) -> int:
    values = _interview_values(kind, date, contact_name, contact_role, contact_organisation, notes)
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _check_option_ids(conn, workspace_id, option_ids)
        interview_id = conn.execute(
            insert(interviews).values(workspace_id=workspace_id, **values).returning(interviews.c.id)
        ).scalar_one()
        _link_options(conn, interview_id, option_ids)
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
) -> None:
    """Change an interview's details; ratings of options no longer informed are removed."""
    values = _interview_values(kind, date, contact_name, contact_role, contact_organisation, notes)
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _check_interview(conn, workspace_id, interview_id)
        _check_option_ids(conn, workspace_id, option_ids)
        conn.execute(update(interviews).where(interviews.c.id == interview_id).values(**values))
        conn.execute(
            delete(ratings).where(ratings.c.interview_id == interview_id, ratings.c.option_id.not_in(option_ids))
        )
        conn.execute(delete(interview_options).where(interview_options.c.interview_id == interview_id))
        _link_options(conn, interview_id, option_ids)


def delete_interview(engine: Engine, workspace_id: int, interview_id: int) -> None:
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _check_interview(conn, workspace_id, interview_id)
        conn.execute(delete(ratings).where(ratings.c.interview_id == interview_id))
        conn.execute(delete(interview_options).where(interview_options.c.interview_id == interview_id))
        conn.execute(delete(interviews).where(interviews.c.id == interview_id))


def set_rating(
    engine: Engine,
    workspace_id: int,
    interview_id: int,
    option_id: int,
    dimension: str,
    score: int | None,
    note: str = "",
) -> None:
    """Rate an informed option on one dimension; a score of None means 'not discussed'."""
    if dimension not in DIMENSION_KEYS:
        raise TenfoldError(f"'{dimension}' is not one of the ten dimensions.")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX
    ):
        raise TenfoldError(f"A rating is a whole number from {SCORE_MIN} to {SCORE_MAX}.")
    note = _clean_text(note, NOTE_MAX, "A note")
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        _check_interview(conn, workspace_id, interview_id)
        informed = conn.execute(
            select(interview_options.c.option_id).where(
                interview_options.c.interview_id == interview_id, interview_options.c.option_id == option_id
            )
        ).scalar()
        if informed is None:
            raise TenfoldError("That option is not among the ones this interview informed.")
        where = (
            (ratings.c.interview_id == interview_id)
            & (ratings.c.option_id == option_id)
            & (ratings.c.dimension == dimension)
        )
        if score is None:
            conn.execute(delete(ratings).where(where))
            return
        changed = conn.execute(update(ratings).where(where).values(score=score, note=note)).rowcount
        if not changed:
            conn.execute(
                insert(ratings).values(
                    interview_id=interview_id, option_id=option_id, dimension=dimension, score=score, note=note
                )
            )


# --- weights ------------------------------------------------------------------------------


def set_weights(engine: Engine, workspace_id: int, values: dict[str, int]) -> None:
    """Set some or all weights; the ten together must not all be 0."""
    for key, value in values.items():
        if key not in DIMENSION_KEYS:
            raise TenfoldError(f"'{key}' is not one of the ten dimensions.")
        if isinstance(value, bool) or not isinstance(value, int) or not WEIGHT_MIN <= value <= WEIGHT_MAX:
            raise TenfoldError(f"A weight is a whole number from {WEIGHT_MIN} to {WEIGHT_MAX}.")
    with _write(engine) as conn:
        _touch(conn, workspace_id)
        current = dict(
            conn.execute(
                select(weights.c.dimension, weights.c.weight).where(weights.c.workspace_id == workspace_id)
            ).all()
        )
        merged = current | values
        if not any(merged.values()):
            raise TenfoldError("At least one dimension must matter (a weight above 0).")
        for key, value in values.items():
            conn.execute(
                update(weights)
                .where(weights.c.workspace_id == workspace_id, weights.c.dimension == key)
                .values(weight=value)
            )


# --- whole workspaces ---------------------------------------------------------------------


def import_workspace(engine: Engine, workspace: Workspace, *, replace_id: int | None = None) -> str | None:
    """Write a validated workspace as a new one (returns its token) or over an existing one.

    One transaction: if anything fails, the database is exactly as it was.
    """
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
            for key, value in workspace.weights.items():
                conn.execute(
                    update(weights)
                    .where(weights.c.workspace_id == workspace_id, weights.c.dimension == key)
                    .values(weight=value)
                )
        _insert_contents(conn, workspace_id, workspace)
    return token


def _clear_workspace(conn: Connection, workspace_id: int) -> None:
    interview_ids = select(interviews.c.id).where(interviews.c.workspace_id == workspace_id)
    conn.execute(delete(ratings).where(ratings.c.interview_id.in_(interview_ids)))
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


# --- workshops ------------------------------------------------------------------------------
# A workshop groups participants' workspaces for one counsellor. The passcode reaches this
# module only as its hash (core.workshops.hash_passcode). What a counsellor may read is
# decided here, in SQL: a workspace's contents only while it belongs to the counsellor's
# workshop *and* shares; of the others, only the display name.

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
    return WorkshopRef(row.id, row.name, row.join_code)


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


def create_workspace_in_workshop(engine: Engine, join_code: str, display_name: str) -> str:
    """A new private workspace in the workshop (not shared yet); returns its token."""
    display_name = clean_display_name(display_name)
    token = new_token()
    with _write(engine) as conn:
        workshop = _lock_workshop(conn, join_code)
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
    return Membership(_workshop_ref(row), row.display_name, bool(row.shared))


def cohort_members(engine: Engine, workshop_id: int) -> list[Member]:
    """Everyone who joined this workshop, read fresh, by name; ids only for those who share."""
    with _read(engine) as conn:
        rows = conn.execute(
            select(workspaces.c.id, workspaces.c.revision, workspaces.c.display_name, workspaces.c.shared).where(
                workspaces.c.workshop_id == workshop_id
            )
        ).all()
    members = [
        Member(row.display_name, True, row.id, row.revision) if row.shared else Member(row.display_name, False)
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
    return None if row is None else SharedWorkspace(_ref(row), row.display_name)
