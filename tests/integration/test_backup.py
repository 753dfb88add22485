"""`tenfold backup` and `tenfold restore` (core/storage/backup.py), on SQLite and on PostgreSQL.

The backup is taken while a thread keeps writing to the database through storage, as the app
would; the restore goes into an empty database, where every workspace and workshop must be
intact: equal to the source at backup time where nothing was written during the backup, and one
consistent state of the workspace that was being written.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from core import access, storage
from core.demo import demo_workspace
from core.storage import backup
from core.storage.schema import SCHEMA_VERSION, schema_info
from tests.conftest import POSTGRES_URL

WRITES = 300  # by the writer thread: options added and rated, alternately
BACKUP_AFTER = 60  # writes done before the backup starts


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A second, empty database of the same kind: where the backup is restored."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"tenfold_r_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def restored(empty_url: str):  # type: ignore[no-untyped-def]
    engine = storage.make_engine(empty_url)
    yield engine
    engine.dispose()


def _populate(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Eight demo workspaces, a workshop with three participants (two share), one busy workspace."""
    tokens = [storage.import_workspace(engine, demo_workspace()) for _ in range(8)]
    passcode_hash = access.hash_passcode(access.new_passcode())
    workshop = storage.create_workshop(engine, name="Tuesday cohort", passcode_hash=passcode_hash)
    for name, shares in (("Ana", True), ("Ben", False), ("Chloé", True)):
        token = storage.create_workspace_in_workshop(engine, workshop.join_code, name)
        ws_id = storage.find_workspace(engine, token).id
        storage.import_workspace(engine, demo_workspace(), replace_id=ws_id)
        if shares:
            storage.set_sharing(engine, ws_id, True)
        tokens.append(token)
    busy_token = storage.create_workspace(engine, name="busy")
    busy = storage.find_workspace(engine, busy_token).id
    first = storage.add_option(engine, busy, kind="career", name="Added 0")
    interview = storage.add_interview(engine, busy, kind="self", date=dt.date(2026, 11, 1), option_ids=[first])
    return {"tokens": tokens, "workshop": workshop, "busy": busy, "busy_token": busy_token,
            "interview": interview, "rated": first}


def _write_busily(url: str, setup: dict[str, object], progress: list[int], started: threading.Event,
                  errors: list[BaseException]) -> None:
    """Like the app in another process: its own engine, one storage call per write. Adds option
    "Added k", then rates the first option with the note "after k", for k = 1, 2, ..."""
    engine = storage.make_engine(url)
    busy, interview, rated = setup["busy"], setup["interview"], setup["rated"]
    try:
        for k in range(1, WRITES // 2 + 1):
            storage.add_option(engine, busy, kind="career", name=f"Added {k}")
            progress[0] += 1
            storage.set_rating(engine, busy, interview, rated, "culture", 1 + k % 5, note=f"after {k}")
            progress[0] += 1
            if progress[0] >= BACKUP_AFTER:
                started.set()
    except BaseException as error:  # asserted on by the test
        errors.append(error)
        started.set()
    finally:
        engine.dispose()


def test_a_backup_taken_while_the_app_writes_restores_every_workspace_and_workshop(
    engine, database_url, restored, tmp_path
):
    setup = _populate(engine)
    quiet_ids = [storage.find_workspace(engine, t).id for t in setup["tokens"]]
    before = {ws_id: storage.load_workspace(engine, ws_id) for ws_id in quiet_ids}
    workshop = setup["workshop"]
    cohort_before = storage.cohort_members(engine, workshop.id)
    busy_revision_before = storage.find_workspace(engine, setup["busy_token"]).revision

    progress, started, errors = [0], threading.Event(), []
    writer = threading.Thread(
        target=_write_busily,
        args=(database_url, setup, progress, started, errors),
        daemon=True,
    )
    writer.start()
    assert started.wait(timeout=120)
    path = tmp_path / "tenfold.backup"
    report = backup.backup(engine, path)
    writes_when_done = progress[0]
    writer.join(timeout=300)
    assert not writer.is_alive() and not errors
    assert writes_when_done < WRITES, "the writer finished before the backup did: nothing was tested"

    result = backup.restore(restored, path)
    assert result.counts == report.counts
    assert result.workspaces == len(quiet_ids) + 1 and result.workshops == 1

    # Every quiet workspace is exactly as it was, and still opens with its private link.
    for token, ws_id in zip(setup["tokens"], quiet_ids, strict=True):
        assert storage.find_workspace(restored, token).id == ws_id
        assert storage.load_workspace(restored, ws_id) == before[ws_id]
    # The workshop: its join code, its cohort, the counsellor's view of a sharing participant.
    assert storage.find_workshop(restored, workshop.join_code).id == workshop.id
    assert storage.cohort_members(restored, workshop.id) == cohort_before
    sharing = next(member for member in cohort_before if member.shared)
    assert storage.find_shared_workspace(restored, workshop.id, sharing.workspace_id) is not None

    # The busy workspace is one consistent state: options "Added 0" .. "Added n" without a gap,
    # the rating's note written after the last of them or the one before, and its revision
    # counting exactly those writes.
    ref = storage.find_workspace(restored, setup["busy_token"])
    busy = storage.load_workspace(restored, ref.id)
    names = [option.name for option in busy.options]
    assert names == [f"Added {k}" for k in range(len(names))]
    added = len(names) - 1
    (interview,) = busy.interviews
    (rating,) = interview.ratings
    rated = int(rating.note.removeprefix("after ")) if rating.note else 0
    assert rated in (added, added - 1)
    assert ref.revision == busy_revision_before + added + rated
    assert BACKUP_AFTER <= added + rated <= writes_when_done

    # The restored database goes on like the original: a new workspace gets a fresh id.
    new_token = storage.create_workspace(restored, name="after the restore")
    assert storage.find_workspace(restored, new_token).id > max([*quiet_ids, ref.id])
    storage.add_option(restored, ref.id, kind="employer", name="Added after")


def test_restore_refuses_a_database_that_holds_data_unless_replacing(engine, restored, tmp_path):
    storage.import_workspace(engine, demo_workspace())
    path = tmp_path / "tenfold.backup"
    backup.backup(engine, path)
    kept = storage.create_workspace(restored, name="already here")

    with pytest.raises(backup.BackupError, match=r"already holds data \(workspaces: 1, weights: 10\)\..*--replace"):
        backup.restore(restored, path)
    assert storage.find_workspace(restored, kept) is not None  # refused: nothing changed

    report = backup.restore(restored, path, replace=True)
    assert report.workspaces == 1
    assert storage.find_workspace(restored, kept) is None


def _set_backup_version(path: Path, version: int) -> None:
    if path.read_bytes().startswith(backup.SQLITE_MAGIC):
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE schema_info SET version = ?", (version,))
        return
    header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(json.dumps({**json.loads(header), "schema_version": version}) + "\n" + "".join(rows))


def test_restore_refuses_a_backup_from_a_newer_tenfold(engine, restored, tmp_path):
    storage.import_workspace(engine, demo_workspace())
    path = tmp_path / "tenfold.backup"
    backup.backup(engine, path)
    _set_backup_version(path, SCHEMA_VERSION + 1)
    with pytest.raises(backup.BackupError, match=f"newer Tenfold \\(schema version {SCHEMA_VERSION + 1}"):
        backup.restore(restored, path)
    with restored.connect() as conn:
        assert conn.execute(select(func.count()).select_from(storage.workspaces)).scalar_one() == 0


def test_restore_refuses_a_file_that_is_no_backup(restored, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    with pytest.raises(backup.BackupError, match="is not a Tenfold backup"):
        backup.restore(restored, path)
    with pytest.raises(backup.BackupError, match="no such file"):
        backup.restore(restored, tmp_path / "missing.backup")


def test_an_employer_restored_before_its_career_keeps_its_career(engine, restored, tmp_path):
    """An employer can be older (a smaller id) than the career it names: the link is set once both are in."""
    ws_id = storage.find_workspace(engine, storage.create_workspace(engine)).id
    employer = storage.add_option(engine, ws_id, kind="employer", name="City Hospital")
    career = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    storage.update_option(engine, ws_id, employer, career_id=career)
    path = tmp_path / "tenfold.backup"
    backup.backup(engine, path)
    backup.restore(restored, path)
    assert storage.load_workspace(restored, ws_id) == storage.load_workspace(engine, ws_id)


def test_a_sqlite_backup_is_one_self_contained_file(tmp_path):
    engine = storage.make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        storage.import_workspace(engine, demo_workspace())
        path = tmp_path / "copy.db"
        backup.backup(engine, path)
    finally:
        engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT version FROM schema_info").fetchone() == (SCHEMA_VERSION,)


def test_an_older_sqlite_backup_is_brought_to_this_schema_on_restore(tmp_path):
    source = storage.make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    target = storage.make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        ws_id = storage.find_workspace(source, storage.import_workspace(source, demo_workspace())).id
        path = tmp_path / "old.backup"
        backup.backup(source, path)
        with create_engine(f"sqlite:///{path}").begin() as conn:  # as version 1 wrote it
            conn.execute(update(schema_info).values(version=1))
        report = backup.restore(target, path)
        assert report.schema_version == SCHEMA_VERSION
        assert storage.load_workspace(target, ws_id) == storage.load_workspace(source, ws_id)
    finally:
        source.dispose()
        target.dispose()
