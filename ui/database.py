"""The process-wide engine, and workspaces loaded through it, cached per revision."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy import Engine

from core import storage
from core.models import Workspace
from core.settings import get_settings


def database_url() -> str:
    try:
        secret_url = st.secrets.get("connections", {}).get("tenfold", {}).get("url", "")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):  # no secrets.toml at all
        secret_url = ""
    return secret_url or get_settings().resolved_database_url()


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return storage.make_engine(url)


def engine() -> Engine:
    """The process-wide engine (shared by every session; never mutated)."""
    return _engine_for(database_url())


@st.cache_resource(max_entries=512, show_spinner=False)
def _load(url: str, workspace_id: int, revision: int) -> Workspace:
    # Keyed by revision: any write bumps it, so a cached copy is never stale. Shared, frozen.
    return storage.load_workspace(_engine_for(url), workspace_id)


@dataclass(frozen=True)
class Opened:
    """A workspace on screen: what a page draws from."""

    ref: storage.WorkspaceRef
    workspace: Workspace
    read_only: bool = False  # a counsellor's view of a sharing participant

    @property
    def id(self) -> int:
        return self.ref.id


def load_opened(ref: storage.WorkspaceRef, *, read_only: bool = False) -> Opened:
    """The workspace `ref` names, as of `ref.revision` (loaded once per revision per process)."""
    return Opened(ref, _load(database_url(), ref.id, ref.revision), read_only=read_only)
