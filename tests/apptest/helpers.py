"""Driving the real app script with Streamlit's AppTest, on a real database."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from core import storage

ROOT = Path(__file__).resolve().parents[2]


class _ThroughTheRouter(PagesManager):
    """AppTest forgets before every run that app.py calls st.navigation, so with a `pages/` folder
    beside app.py it would run a switched-to page alone, without the router. The real server
    forgets only once per process (see ui.router.ensure_router): run every test page through app.py."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


app_test.PagesManager = _ThroughTheRouter  # type: ignore[misc]


def open_app(database_url: str, *, token: str | None = None, page: str | None = None) -> AppTest:
    """The app at `page` (e.g. "pages/options.py") with `token`'s workspace open, after one run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["connections"] = {"tenfold": {"url": database_url}}
    if token:
        at.query_params["w"] = token
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
    """Markdown source as a reader sees it: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, captions, alerts), to search in."""
    parts = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader", "code"):
        parts += [shown(str(e.value)) for e in getattr(at, kind)]
    return "\n".join(parts)


def demo_token(engine) -> str:
    from core.demo import demo_workspace

    return storage.import_workspace(engine, demo_workspace())
