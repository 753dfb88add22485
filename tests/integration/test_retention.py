"""Deleting a workspace on request, and `tenfold purge` deleting those unchanged for N days
(core/storage/workspace.py; docs/deployment.md, "Retention and deletion")."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from core import access, storage
from core.cli import main
from core.demo import demo_workspace
from core.settings import get_settings
from core.storage.schema import metadata
from core.storage.workspace import WORKSPACE_TABLES

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def _keyed_by_workspaces() -> set[str]:
    """Tables whose rows belong to a workspace: directly by a foreign key, or through such a table."""
    found = {"workspaces"}
    while True:
        more = {t.name for t in metadata.sorted_tables
                for fk in t.foreign_keys if fk.column.table.name in found} - found
        if not more:
            return found
        found |= more


def test_every_table_keyed_by_a_workspace_is_deleted_with_it():
    assert _keyed_by_workspaces() == set(WORKSPACE_TABLES)


def _rows_of(engine, workspace_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many rows of each table belong to the workspace."""
    t = metadata.tables
    options = select(t["options"].c.id).where(t["options"].c.workspace_id == workspace_id)
    interviews = select(t["interviews"].c.id).where(t["interviews"].c.workspace_id == workspace_id)
    where = {name: t[name].c.workspace_id == workspace_id
             for name in WORKSPACE_TABLES if "workspace_id" in t[name].c}
    where["ratings"] = t["ratings"].c.option_id.in_(options)
    where["pending_notes"] = t["pending_notes"].c.option_id.in_(options)
    where["interview_options"] = t["interview_options"].c.interview_id.in_(interviews)
    where["workspaces"] = t["workspaces"].c.id == workspace_id
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(t[name]).where(where[name])).scalar_one()
            for name in WORKSPACE_TABLES
        }


def _member(engine, workshop, name: str) -> int:  # type: ignore[no-untyped-def]
    token = storage.create_workspace_in_workshop(engine, workshop.join_code, name)
    ws_id = storage.find_workspace(engine, token).id
    storage.import_workspace(engine, demo_workspace(), replace_id=ws_id)
    storage.set_sharing(engine, ws_id, True)
    return ws_id


def test_a_deleted_workspace_is_gone_with_everything_in_it_and_its_cohort_row(engine):
    passcode_hash = access.hash_passcode(access.new_passcode())
    workshop = storage.create_workshop(engine, name="Tuesday", passcode_hash=passcode_hash)
    gone, kept = _member(engine, workshop, "Ana"), _member(engine, workshop, "Ben")
    storage.remember_presenting(engine, b"browser", "tab", gone, lifetime=dt.timedelta(hours=1))
    storage.set_weight_elicitation(engine, gone, weights_by="order")
    archivist = storage.add_option(engine, gone, kind="career", name="Archivist", request_key="add-archivist")
    talk = storage.add_interview(engine, gone, kind="self", date=dt.date(2026, 11, 30), option_ids=[archivist])
    storage.set_pending_note(engine, gone, talk, archivist, "culture", "quiet reading rooms")
    before = _rows_of(engine, gone)
    assert all(before.values()), before  # every table had rows of it
    kept_before = storage.load_workspace(engine, kept)

    storage.delete_workspace(engine, gone)

    assert set(_rows_of(engine, gone).values()) == {0}
    assert [m.display_name for m in storage.cohort_members(engine, workshop.id)] == ["Ben"]
    assert storage.find_shared_workspace(engine, workshop.id, gone) is None
    assert storage.presenting_in_browser(engine, b"browser", "tab") is None
    assert storage.load_workspace(engine, kept) == kept_before
    with pytest.raises(storage.NoSuchWorkspace):
        storage.delete_workspace(engine, gone)
    with pytest.raises(storage.NoSuchWorkspace):
        storage.add_option(engine, gone, kind="career", name="Too late")


def test_a_new_workspace_never_takes_the_id_of_a_deleted_one(engine):
    """Pages cache a workspace by its id and revision: a new one with a deleted one's id and
    revision 0 would be shown what was cached for the deleted one."""
    first = storage.find_workspace(engine, storage.create_workspace(engine)).id
    newest = storage.find_workspace(engine, storage.import_workspace(engine, demo_workspace())).id
    storage.delete_workspace(engine, newest)
    again = storage.find_workspace(engine, storage.create_workspace(engine)).id
    assert again > newest > first
    storage.delete_workspace(engine, again)
    storage.delete_workspace(engine, first)
    assert storage.find_workspace(engine, storage.create_workspace(engine)).id > again


def _aged(engine, days: float) -> int:  # type: ignore[no-untyped-def]
    """A demo workspace last changed `days` before NOW."""
    ws_id = storage.find_workspace(engine, storage.import_workspace(engine, demo_workspace())).id
    with engine.begin() as conn:
        conn.execute(
            update(storage.workspaces).where(storage.workspaces.c.id == ws_id)
            .values(updated_at=NOW - dt.timedelta(days=days))
        )
    return ws_id


def _exists(engine, ws_id: int) -> bool:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(storage.workspaces.c.id).where(storage.workspaces.c.id == ws_id)).first() is not None


def test_purge_deletes_the_workspaces_unchanged_for_the_retention_period(engine):
    old, just_old, recent = _aged(engine, 400), _aged(engine, 90), _aged(engine, 89.9)

    assert storage.purge_untouched(engine, days=90, now=NOW, dry_run=True) == 2
    assert all(_exists(engine, ws_id) for ws_id in (old, just_old, recent))

    assert storage.purge_untouched(engine, days=90, now=NOW) == 2
    assert [_exists(engine, ws_id) for ws_id in (old, just_old, recent)] == [False, False, True]
    assert set(_rows_of(engine, old).values()) == {0}
    assert storage.purge_untouched(engine, days=90, now=NOW) == 0


def test_a_change_keeps_a_workspace_from_the_purge(engine):
    ws_id = _aged(engine, 100)
    storage.rename_workspace(engine, ws_id, "Still working on it")  # changed now, i.e. after NOW
    assert storage.purge_untouched(engine, days=90, now=NOW) == 0
    assert _exists(engine, ws_id)


@pytest.fixture
def app_database(database_url, monkeypatch):  # type: ignore[no-untyped-def]
    """The app's database as the commands find it (TENFOLD_DATABASE_URL)."""
    monkeypatch.setenv("TENFOLD_DATABASE_URL", database_url)
    monkeypatch.delenv("TENFOLD_RETENTION_DAYS", raising=False)
    get_settings.cache_clear()
    engine = storage.make_engine(database_url)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_tenfold_purge_takes_the_period_from_the_setting_or_the_command_line(app_database, capsys, monkeypatch):
    engine = app_database
    old = storage.find_workspace(engine, storage.import_workspace(engine, demo_workspace())).id
    with engine.begin() as conn:
        conn.execute(update(storage.workspaces).values(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40)))

    code, _, err = _run(capsys, "purge")
    assert code == 1 and "no retention period: set TENFOLD_RETENTION_DAYS or pass --days N" in err

    monkeypatch.setenv("TENFOLD_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    assert _run(capsys, "purge", "--dry-run") == (0, "Would delete 1 workspace unchanged for 30 days or more.\n", "")
    assert _exists(engine, old)
    assert _run(capsys, "purge", "--days", "60") == (0, "Deleted 0 workspaces unchanged for 60 days or more.\n", "")
    assert _run(capsys, "purge") == (0, "Deleted 1 workspace unchanged for 30 days or more.\n", "")
    assert not _exists(engine, old)
    code, _, err = _run(capsys, "purge", "--days", "0")
    assert code == 1 and "--days must be at least 1" in err


def test_tenfold_backup_and_restore_on_the_command_line(app_database, capsys, tmp_path, monkeypatch):
    engine = app_database
    token = storage.import_workspace(engine, demo_workspace())
    path = tmp_path / "nightly.backup"
    code, out, err = _run(capsys, "backup", str(path))
    assert (code, err) == (0, "") and out.startswith(f"Backed up to {path}: schema version ")
    assert "  workspaces         1\n" in out

    code, out, err = _run(capsys, "restore", str(path))
    assert code == 1 and "already holds data" in err and "--replace" in err
    code, out, err = _run(capsys, "restore", str(path), "--replace")
    assert (code, err) == (0, "") and out.startswith(f"Restored from {path} and checked, schema version ")
    assert storage.find_workspace(engine, token) is not None
