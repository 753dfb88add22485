"""Backing the whole database up to one file, and restoring it (docs/deployment.md, "Backups").

- SQLite: the backup is a SQLite file, copied with SQLite's online backup API in one step, so it is
  one consistent state of the database even while the app keeps writing (WAL: writers do not wait).
- PostgreSQL: the backup is a logical export, JSON lines: a first line naming the format and the
  schema version, then one line per row of every table. It is read in one REPEATABLE READ, read-only
  transaction, so it is one consistent snapshot too.

`restore` reads either kind into any database (SQLite or PostgreSQL), row by row with their ids, in
one transaction, and then checks that every table holds as many rows as the backup. It refuses a
database that holds anything unless told to replace it, and a backup written by a newer Tenfold.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Date, DateTime, Engine, Table, create_engine, delete, func, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import DatabaseError, NoResultFound, OperationalError

from core.models import TenfoldError
from core.storage.schema import SCHEMA_VERSION, _write, make_engine, metadata, schema_info

LOGICAL_FORMAT = "tenfold.backup/1"
SQLITE_MAGIC = b"SQLite format 3\x00"
BATCH_ROWS = 1000


class BackupError(TenfoldError):
    pass


@dataclass(frozen=True)
class BackupReport:
    """What a backup holds, or what a restore wrote: rows per table, and the schema version."""

    schema_version: int
    counts: dict[str, int]

    @property
    def workspaces(self) -> int:
        return self.counts.get("workspaces", 0)

    @property
    def workshops(self) -> int:
        return self.counts.get("workshops", 0)


def _tables() -> list[Table]:
    """Every table but schema_info (the version travels in the backup's header), parents first."""
    return [table for table in metadata.sorted_tables if table is not schema_info]


# --- backup -------------------------------------------------------------------------------


def backup(engine: Engine, path: Path) -> BackupReport:
    """Write a consistent copy of the whole database to `path` (replaced only once complete)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
            report = _read_report(partial)
        else:
            report = _logical_backup(engine, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return report


def _sqlite_backup(engine: Engine, path: Path) -> None:
    source = engine.raw_connection()
    try:
        target = sqlite3.connect(path)
        try:
            source.driver_connection.backup(target)  # type: ignore[union-attr]  # all pages in one step
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            target.close()
    finally:
        source.close()


def _logical_backup(engine: Engine, path: Path) -> BackupReport:
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin(), path.open("w", encoding="utf-8") as out:
            version = conn.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar_one()
            tables = _tables()
            header = {"format": LOGICAL_FORMAT, "schema_version": version, "tables": [t.name for t in tables]}
            out.write(json.dumps(header) + "\n")
            for table in tables:
                counts[table.name] = 0
                query = select(table).order_by(*table.primary_key.columns)
                for row in conn.execution_options(yield_per=BATCH_ROWS).execute(query):
                    values = {key: _to_json(value) for key, value in row._mapping.items()}
                    out.write(json.dumps({"table": table.name, "row": values}, ensure_ascii=False) + "\n")
                    counts[table.name] += 1
    return BackupReport(version, counts)


def _to_json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


# --- reading a backup ---------------------------------------------------------------------


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


@contextmanager
def _sqlite_source(path: Path) -> Iterator[Connection]:
    """A connection to a SQLite backup file (or the temporary copy of one), for reading."""
    engine = create_engine(f"sqlite:///{path.resolve()}")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _sqlite_version(path: Path) -> int:
    try:
        with _sqlite_source(path) as conn:
            return conn.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar_one()
    except (OperationalError, DatabaseError, NoResultFound):
        raise BackupError(f"{path.name} is a SQLite file but not a Tenfold backup.") from None


def _read_report(path: Path) -> BackupReport:
    version = _sqlite_version(path)
    with _sqlite_source(path) as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in _tables()}
    return BackupReport(version, counts)


def _logical_rows(path: Path) -> tuple[int, Iterator[tuple[str, dict[str, object]]]]:
    """The backup's schema version and its rows, (table name, values), as the file lists them."""
    handle = path.open("r", encoding="utf-8")
    try:
        header = json.loads(handle.readline() or "null")
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != LOGICAL_FORMAT:
        handle.close()
        raise BackupError(f"{path.name} is not a Tenfold backup (neither a SQLite file nor {LOGICAL_FORMAT}).")

    def rows() -> Iterator[tuple[str, dict[str, object]]]:
        with handle:
            for number, line in enumerate(handle, start=2):
                try:
                    record = json.loads(line)
                    yield record["table"], record["row"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise BackupError(f"{path.name}, line {number}: not a row of a Tenfold backup.") from None

    return int(header["schema_version"]), rows()


def _from_json(table: Table, values: dict[str, object]) -> dict[str, object]:
    converted = dict(values)
    for column in table.columns:
        value = converted.get(column.name)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            converted[column.name] = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            converted[column.name] = dt.date.fromisoformat(value)
    return converted


# --- restore ------------------------------------------------------------------------------


def restore(engine: Engine, path: Path, *, replace: bool = False) -> BackupReport:
    """Restore the backup at `path` into the database (whose schema `make_engine` created).

    One transaction: on any refusal or failure the database is as it was. Returns what was written,
    after checking that every table holds exactly the backup's rows.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    if _is_sqlite_file(path):
        with tempfile.TemporaryDirectory() as folder:
            # A copy, brought to this schema (make_engine migrates an older backup and adds the
            # tables it predates) without touching the operator's file.
            copy = Path(folder) / "backup.db"
            shutil.copyfile(path, copy)
            _check_version(_sqlite_version(copy), path)
            make_engine(f"sqlite:///{copy}").dispose()
            expected = _read_report(copy)
            with _sqlite_source(copy) as source:
                rows = ((t.name, dict(r._mapping)) for t in _tables() for r in source.execute(select(t)))
                _write_rows(engine, rows, replace=replace)
    else:
        version, logical = _logical_rows(path)
        _check_version(version, path)
        if version < SCHEMA_VERSION:
            raise BackupError(
                f"{path.name} was written with schema version {version}; this Tenfold restores logical "
                f"backups of version {SCHEMA_VERSION}. Restore it with the Tenfold that wrote it, then upgrade."
            )
        by_name = {t.name: t for t in _tables()}
        rows = ((name, _from_json(by_name[name], values)) if name in by_name else (name, values)
                for name, values in logical)
        counts = _write_rows(engine, rows, replace=replace)
        expected = BackupReport(version, counts)
    return _checked(engine, expected)


def _check_version(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise BackupError(
            f"{path.name} was written by a newer Tenfold (schema version {version}; this one understands "
            f"{SCHEMA_VERSION}). Upgrade Tenfold before restoring it."
        )


def _write_rows(engine: Engine, rows: Iterator[tuple[str, dict[str, object]]], *, replace: bool) -> dict[str, int]:
    """Insert every row, parents before children, in one transaction; rows read per table."""
    tables = _tables()
    by_name = {t.name: t for t in tables}
    counts = {t.name: 0 for t in tables}
    with _write(engine) as conn:
        held = {t.name: n for t in tables if (n := _count(conn, t))}
        if held and not replace:
            raise BackupError(
                "The database already holds data (" + ", ".join(f"{name}: {n}" for name, n in held.items())
                + "). Restore into an empty database, or pass --replace to delete everything in it first."
            )
        for table in reversed(tables):
            conn.execute(delete(table))
        batch: list[dict[str, object]] = []
        batch_table: Table | None = None
        links: list[tuple[Table, list[str], list[dict[str, object]]]] = []
        for name, values in rows:
            table = by_name.get(name)
            if table is None:
                raise BackupError(f"The backup holds rows of a table this Tenfold does not know: {name}.")
            if table is not batch_table or len(batch) >= BATCH_ROWS:
                links += _insert(conn, batch_table, batch)
                batch, batch_table = [], table
            batch.append(values)
            counts[name] += 1
        links += _insert(conn, batch_table, batch)
        _link_self_references(conn, links)
        _reset_sequences(conn, tables)
    return counts


def _self_references(table: Table) -> list[str]:
    """Columns that point at another row of the same table (options.career_id)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _insert(
    conn: Connection, table: Table | None, batch: list[dict[str, object]]
) -> list[tuple[Table, list[str], list[dict[str, object]]]]:
    """Insert a batch; self-references are left out, and returned to be set once every row is in
    (an employer may name a career with a larger id)."""
    if table is None or not batch:
        return []
    later = _self_references(table)
    conn.execute(insert(table), [{k: (None if k in later else v) for k, v in row.items()} for row in batch])
    links = [row for row in batch if any(row.get(k) is not None for k in later)]
    return [(table, later, links)] if links else []


def _link_self_references(conn: Connection, links: list[tuple[Table, list[str], list[dict[str, object]]]]) -> None:
    for table, columns, rows in links:
        (key,) = table.primary_key.columns
        for row in rows:
            values = {c: row[c] for c in columns}
            conn.execute(sql_update(table).where(key == row[key.name]).values(**values))


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL: the next id after the restored ones (SQLite takes the next after the largest)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and keys[0].autoincrement in (True, "auto") and keys[0].type.python_type is int:
            key = keys[0]
            sequence = func.pg_get_serial_sequence(table.name, key.name)
            conn.execute(select(func.setval(sequence, func.coalesce(func.max(key), 1), func.max(key).is_not(None))))


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _checked(engine: Engine, expected: BackupReport) -> BackupReport:
    with engine.connect() as conn:
        found = {t.name: _count(conn, t) for t in _tables()}
    wrong = [f"{name}: {found[name]} instead of {n}" for name, n in expected.counts.items() if found.get(name) != n]
    if wrong:
        raise BackupError("The restored database does not match the backup: " + "; ".join(wrong) + ".")
    return BackupReport(SCHEMA_VERSION, found)
