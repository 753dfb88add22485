"""Faults against a real `streamlit run` server, driven over Streamlit's own websocket protocol
(tests/streamlit_client.py) and checked in the database:

- SIGKILL in the middle of a burst of rating edits: every acknowledged edit survives the restart,
  and a participant arriving by the page's own link after the restart sees exactly what was saved;
- the database unreachable (a PostgreSQL cluster this test starts and stops itself): the app's
  banner instead of a traceback, nothing half-written, and recovery when the database returns;
- the readiness check (`tenfold ready`, `storage.ping`) tells reachable from unreachable.

Concurrent writers (the "database is locked" fault) are in test_concurrency.py.
"""

from __future__ import annotations

import glob
import os
import pwd
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from core import storage
from core.demo import demo_workspace
from core.settings import Settings
from tests.conftest import ROOT, missing
from tests.streamlit_client import RunResult, StreamlitSession, run_to_end
from tests.streamlit_server import StreamlitServer, free_port

RATING = re.compile(r"^rate_\d+_\d+_[a-z_]+_score$")
DB_BANNER = "cannot reach its database"
BURST_MAX = 5000  # edits (a few ms each); the kill comes long before
TRACEBACK_WORDS = ("Traceback", 'File "', "OperationalError", "psycopg")


def _run(coro, timeout: float = 120):  # type: ignore[no-untyped-def]
    return run_to_end(coro, timeout)


async def _open(server: StreamlitServer, token: str, page: str = "interviews") -> tuple[StreamlitSession, RunResult]:
    session = StreamlitSession(server.url, timeout=30)
    return session, await session.open(page, f"w={token}")


def _no_traceback(result: RunResult) -> None:
    assert not result.exceptions, result.exceptions
    for text in result.texts + result.error_alerts:
        assert not any(word in text for word in TRACEBACK_WORDS), text


def _scores(engine, ws_id: int) -> dict[tuple[int, int, str], int]:
    return {
        (int(i.id), int(r.option), r.dimension): r.score
        for i in storage.load_workspace(engine, ws_id).interviews
        for r in i.ratings
    }


def _cell(key: str) -> tuple[int, int, str]:
    _, interview, option, rest = key.split("_", 3)
    return int(interview), int(option), rest.removesuffix("_score")


# --- SIGKILL mid-burst ------------------------------------------------------------------------


async def _burst_until_killed(server: StreamlitServer, token: str, kill_after_s: float):
    """Rating edits back to back until the server dies; (acknowledged, the one in flight)."""
    session, opened = await _open(server, token)
    assert opened.ok, opened
    keys = sorted(k for k in session.widgets if RATING.match(k))
    assert len(keys) == 10
    killer = threading.Timer(kill_after_s, server.kill)
    killer.start()
    acknowledged: dict[str, int] = {}
    in_flight = None
    try:
        for n in range(BURST_MAX):
            key, value = keys[n % len(keys)], (n // len(keys)) % 5 + 1
            result = await session.change(key, value)
            if not result.ok:
                assert result.status in ("disconnected", "timeout"), result
                in_flight = (key, value)
                break
            acknowledged[key] = value
        else:
            pytest.fail("the server was not killed during the burst")
    finally:
        killer.join()
        await session.close()
    return acknowledged, in_flight


def test_sigkill_mid_burst_keeps_every_acknowledged_edit_and_reloads_the_same(tmp_path):
    engine = storage.make_engine(Settings(TENFOLD_DATA_DIR=tmp_path).resolved_database_url())
    token = storage.import_workspace(engine, demo_workspace())
    ws_id = storage.find_workspace(engine, token).id
    before = _scores(engine, ws_id)
    server = StreamlitServer(tmp_path)
    server.start()
    try:
        kill_after = random.Random(os.getpid()).uniform(0.5, 1.5)  # somewhere inside the burst
        acknowledged, in_flight = _run(_burst_until_killed(server, token, kill_after))
        assert len(acknowledged) >= 3, "too few edits before the kill to prove anything"

        server.start()  # same port, same data directory
        after = _scores(engine, ws_id)
        for key, value in acknowledged.items():
            possible = {value} | ({in_flight[1]} if in_flight and in_flight[0] == key else set())
            assert after.get(_cell(key)) in possible, (key, after.get(_cell(key)), possible)
        untouched = set(before) - {_cell(k) for k in acknowledged} - ({_cell(in_flight[0])} if in_flight else set())
        assert {cell: after.get(cell) for cell in untouched} == {cell: before[cell] for cell in untouched}

        # The participant comes back by the page's own link: the first visitor of the new process.
        async def shown() -> dict[str, list[str]]:
            session, result = await _open(server, token)
            try:
                _no_traceback(result)
                assert result.ok, result
                return {k: w.shown for k, w in session.widgets.items() if RATING.match(k)}
            finally:
                await session.close()

        on_screen = _run(shown())
        assert on_screen == {
            key: [str(after[_cell(key)])] if _cell(key) in after else [] for key in on_screen
        }
    finally:
        server.stop()
        engine.dispose()


# --- the database unreachable -----------------------------------------------------------------


class PostgresCluster:
    """A throwaway PostgreSQL cluster on a free loopback port, run as the `postgres` user."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            missing("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
        if os.geteuid() != 0:
            missing("starting a PostgreSQL cluster needs root (to run it as the postgres user)")
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing("no postgres user to run the PostgreSQL cluster")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="tenfold-fault-pg-"))
        shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._pg("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust", "--no-sync")

    def _pg(self, tool: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        self._pg("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"),
             "-m", "immediate", "stop"], capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    pg = PostgresCluster()
    try:
        pg.start()
        yield pg
    finally:
        pg.remove()


def _ready(url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TENFOLD_DATA_DIR")}
    return subprocess.run(
        [sys.executable, "-m", "core.cli", "ready"], cwd=ROOT, env={**env, "TENFOLD_DATABASE_URL": url},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_database_unreachable_shows_the_banner_writes_nothing_and_recovers(tmp_path, cluster):
    engine = storage.make_engine(cluster.url)
    token = storage.import_workspace(engine, demo_workspace())
    ws_id = storage.find_workspace(engine, token).id
    server = StreamlitServer(tmp_path, env={"TENFOLD_DATABASE_URL": cluster.url})
    server.start()

    async def scenario() -> None:
        session, result = await _open(server, token)
        assert result.ok, result
        key = sorted(k for k in session.widgets if RATING.match(k))[0]
        assert (await session.change(key, 2)).ok
        revision = storage.find_workspace(engine, token).revision
        saved = _scores(engine, ws_id)
        engine.dispose()

        cluster.stop()
        assert _ready(cluster.url).returncode == 1
        for attempt in (lambda: session.change(key, 5), session.reload, lambda: session.switch_page("weights")):
            result = await attempt()
            _no_traceback(result)
            assert result.status in ("finished", "fragment_finished"), result
            assert any(DB_BANNER in text for text in result.error_alerts), result

        cluster.start()
        assert _ready(cluster.url).returncode == 0
        result = await session.switch_page("interviews")
        _no_traceback(result)
        assert result.ok and not result.error_alerts, result
        assert storage.find_workspace(engine, token).revision == revision  # nothing half-written
        assert _scores(engine, ws_id) == saved
        assert session.widgets[key].shown == ["2"]  # what is saved, not the refused 5
        assert (await session.change(key, 4)).ok
        assert _scores(engine, ws_id)[_cell(key)] == 4
        await session.close()

    try:
        _run(scenario(), timeout=180)
    finally:
        server.stop()
        engine.dispose()


# --- the readiness check ----------------------------------------------------------------------


def test_ping_answers_with_the_schema_version(engine):
    assert storage.ping(engine) == storage.SCHEMA_VERSION


def test_ping_refuses_a_database_without_the_schema(tmp_path):
    bare = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(RuntimeError, match="no Tenfold schema"):
            storage.ping(bare)
    finally:
        bare.dispose()


def test_ping_raises_operational_error_when_unreachable():
    nowhere = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError):
            storage.ping(nowhere)
        assert time.monotonic() - started < 10
    finally:
        nowhere.dispose()


def test_ready_command_exit_status_and_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'tenfold.db'}"
    result = _ready(url)
    assert result.returncode == 1 and "not ready" in result.stderr and "Traceback" not in result.stderr
    storage.make_engine(url).dispose()  # the app's first start creates the schema
    result = _ready(url)
    assert result.returncode == 0 and result.stdout.startswith("ready:")
    result = _ready(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    assert result.returncode == 1 and "cannot be reached" in result.stderr
