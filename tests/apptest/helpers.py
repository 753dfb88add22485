"""Driving the real app script with Streamlit's AppTest, on a real database: every AppTest of the
app, in the tests and in bench/'s page benchmarks, is made by `app_test` (or `open_app`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from core import storage
from ui import WORD_JOINER, streamlit_workarounds

ROOT = Path(__file__).resolve().parents[2]


def app_test(
    database_url: str,
    *,
    script: str = "app.py",
    token: str | None = None,
    query_params: dict[str, str] | None = None,
    session_state: dict[str, Any] | None = None,
    timeout: float = 30,
) -> AppTest:
    """AppTest of `script` (app.py, or a page run alone) on `database_url`, with `token`'s workspace
    in the URL and these query parameters and session state; not run yet.

    Runs as on a running server (ui/streamlit_workarounds.py): through app.py every time, and
    without the serializable-state check that AppTest's own values would fail."""
    streamlit_workarounds.route_apptest_through_entrypoint()
    streamlit_workarounds.skip_apptest_serializable_check()
    at = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    at.secrets["connections"] = {"tenfold": {"url": database_url}}
    if token:
        at.query_params["w"] = token
    at.query_params.update(query_params or {})
    for key, value in (session_state or {}).items():
        at.session_state[key] = value
    return at


def open_app(
    database_url: str,
    *,
    page: str | None = None,
    token: str | None = None,
    query_params: dict[str, str] | None = None,
    session_state: dict[str, Any] | None = None,
    timeout: float = 30,
) -> AppTest:
    """The app set up by `app_test`, after one run, and one more on `page` (e.g. "pages/options.py")."""
    at = app_test(database_url, token=token, query_params=query_params, session_state=session_state, timeout=timeout)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def by_key(elements, key: str):
    """The one element among `elements` with this widget key."""
    matches = [e for e in elements if getattr(e, "key", None) == key]
    assert len(matches) == 1, f"expected one element with key {key!r}, found {len(matches)}"
    return matches[0]


def shown(markdown: str) -> str:
    """Markdown source as a reader sees it: backslash escapes and invisible word joiners removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, captions, alerts), to search in."""
    parts = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader", "code"):
        parts += [shown(str(e.value)) for e in getattr(at, kind)]
    return "\n".join(parts)


def demo_token(engine) -> str:
    from core.demo import demo_workspace

    return storage.import_workspace(engine, demo_workspace())
