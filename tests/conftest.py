"""Shared fixtures: real databases (a SQLite file; PostgreSQL when TENFOLD_TEST_POSTGRES_URL is
set) and, for browser tests, a real `streamlit run` server driven by Debian's Chromium.

Locally a test that lacks PostgreSQL or Chromium skips with the reason; under CI=true it fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import storage

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("TENFOLD_TEST_POSTGRES_URL", "")
CHROMIUM = os.environ.get("TENFOLD_TEST_CHROMIUM", "/usr/bin/chromium")

# One hypothesis profile for every property test. No deadline: on a busy two-core machine (CI, or a
# workshop laptop running the suite) one example can take seconds without anything being wrong, and
# a deadline would fail it at random. Tests set only how many examples they need.
PROFILE_HEALTH_CHECKS = (HealthCheck.too_slow,)
settings.register_profile("tenfold", deadline=None, suppress_health_check=PROFILE_HEALTH_CHECKS)
settings.load_profile("tenfold")


def missing(reason: str) -> None:
    """Skip locally; under CI a missing service is a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tenfold.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not POSTGRES_URL:
        missing("TENFOLD_TEST_POSTGRES_URL is not set (no PostgreSQL server to test against)")
    admin_url = make_url(POSTGRES_URL)
    name = f"tenfold_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = storage.make_engine(database_url)
    yield engine
    engine.dispose()


def chromium_path() -> str:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM
