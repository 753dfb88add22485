"""Settings read from the environment, built by a factory (never at import time)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# A workshop's length: how long one browser stays signed in as a counsellor, and how long a tab
# that was presenting comes back presenting after a reload (core/storage/browsers.py).
WORKSHOP_LENGTH_HOURS = 12.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TENFOLD_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), validation_alias=AliasChoices("TENFOLD_DATA_DIR"))
    # Empty means the embedded SQLite file `tenfold.db` under `data_dir`.
    # TENFOLD_DATABASE_URL, or the conventional DATABASE_URL of hosting platforms.
    database_url: str = Field(default="", validation_alias=AliasChoices("TENFOLD_DATABASE_URL", "DATABASE_URL"))

    # TENFOLD_SIGN_IN_HOURS: shorter for a test of expiry, or for a shorter session.
    sign_in_hours: float = Field(default=WORKSHOP_LENGTH_HOURS, gt=0)

    # TENFOLD_RETENTION_DAYS: `tenfold purge` deletes workspaces unchanged for this many days.
    # Off by default: a participant's work is kept until they delete it (docs/deployment.md).
    retention_days: int | None = Field(default=None, gt=0)

    @property
    def sign_in_lifetime(self) -> dt.timedelta:
        return dt.timedelta(hours=self.sign_in_hours)

    def resolved_database_url(self) -> str:
        url = self.database_url.strip()
        if not url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{(self.data_dir / 'tenfold.db').resolve()}"
        # Hosted PostgreSQL often hands out postgres:// URLs; SQLAlchemy wants the driver named.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
