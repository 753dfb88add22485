"""The database's shape and how it is opened: tables, schema versions and their migrations, the
engine (SQLite or PostgreSQL) and the readiness check `ping`.

SQLite runs in WAL mode with a busy timeout, and write transactions start with BEGIN IMMEDIATE
so two writers queue instead of failing half-way with "database is locked". PostgreSQL is
reached through psycopg 3.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.models import NAME_MAX, has_visible_character, name_key, salvaged, salvaged_line

# 2: text follows core.models' rules (no control characters, NFC, option names unique by name_key).
SCHEMA_VERSION = 2
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
    # At most one leaning of each kind (a career and an employer; DESIGN, "Domain").
    Index(
        "uq_one_leaning_per_kind",
        "workspace_id",
        "kind",
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

# How the weights were given (core/elicitation.py), one row per workspace that ever left direct
# entry: "direct", "order" or "swing", and the order and swing answers as JSON objects keyed by
# dimension (kept when the participant switches back to direct entry, to be found again).
# A workspace without a row gives its weights directly: every workspace from before this table.
weight_elicitation = Table(
    "weight_elicitation",
    metadata,
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("weights_by", String(8), nullable=False, default="direct"),
    Column("order_places", Text),
    Column("swing_answers", Text),
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

# A note typed for a dimension not rated yet (interview, option, dimension): kept until its score is
# chosen, then it becomes the rating's note (core/storage/workspace.py). Not part of a workspace file.
pending_notes = Table(
    "pending_notes",
    metadata,
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("option_id", Integer, ForeignKey("options.id", ondelete="CASCADE"), primary_key=True),
    Column("dimension", String(32), primary_key=True),
    Column("note", Text, nullable=False),
)

# Creates already made, by the key of the request that made them (a tab's submit of a form with
# given values): the same request again within REPEAT_WINDOW_S (a double click, a resent click)
# returns what it created instead of creating it twice. `at` in epoch seconds.
recent_creates = Table(
    "recent_creates",
    metadata,
    Column("request_key", String(64), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("record_id", Integer, nullable=False),
    Column("at", Float, nullable=False),
)

# What a browser may reopen after a reload without a private link (core/storage/browsers.py).
browser_memory = Table(
    "browser_memory",
    metadata,
    Column("id", Integer, primary_key=True),
    # Only a hash of the browser's secret (its Streamlit cookie): the database alone reopens nothing.
    Column("browser_hash", String(64), nullable=False),
    Column("purpose", String(16), nullable=False),  # "presenting" or "counsellor"
    Column("place", String(64), nullable=False, default=""),  # presenting: the tab's id in its address
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE")),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    UniqueConstraint("browser_hash", "purpose", "place", name="uq_browser_memory"),
)


# Throttles on signing in and joining (core.access.Rate and Backoff), shared by every session and
# replica. A key names what is counted ("sign-in:code:K7M4QX", "join:client:<hash>"): no address or
# code of a workshop is needed to read it, and rows are forgotten at `expires_at` (epoch seconds).
attempt_counts = Table(
    "attempt_counts",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("not_before", Float, nullable=False, default=0.0),
    Column("expires_at", Float, nullable=False, index=True),
)

# Every passcode check that was evaluated: when, which workshop (none: no workshop has the code),
# how it went, and the network it came from (IPv4 /24, IPv6 /48; never the address, never a passcode).
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), index=True),
    Column("outcome", String(16), nullable=False),
    Column("network", String(64), nullable=False, default=""),
)

# The largest id of a deleted workspace (core/storage/workspace.py, delete_workspace). SQLite gives a
# new row the largest id + 1, so a new workspace could otherwise take the id, and revision 0, of the
# newest one just deleted, and with them what a page had cached for it (caches are keyed by id and
# revision). Only an id is kept: nothing of what the workspace held.
retired_ids = Table(
    "retired_ids",
    metadata,
    Column("table_name", String(64), primary_key=True),
    Column("last_id", Integer, nullable=False),
)

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
        _drop_one_leaning_per_workspace(conn)
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


def _drop_one_leaning_per_workspace(conn: Connection) -> None:
    """Databases created before a workspace could have a career and an employer leaning hold the
    index "uq_one_leaning" (one leaning per workspace); its per-kind successor was just created by
    `create_all`. Dropping an index changes no data, so it needs no schema version, and it is idempotent."""
    conn.execute(text("DROP INDEX IF EXISTS uq_one_leaning"))


def _salvaged_line(text: str | None) -> str:
    return salvaged_line(text)[:NAME_MAX]  # one-line fields are all NAME_MAX columns


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
