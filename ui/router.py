"""How pages run: always through the router (app.py), found by name, rerun in part or whole.

The router registers its `st.Page`s here once per run, so any page or helper can link to another
page by name (`page("options")`) without importing app.py.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

_PAGES: dict[str, Any] = {}


def register_pages(pages: dict[str, Any]) -> None:
    _PAGES.clear()
    _PAGES.update(pages)


def page(name: str) -> Any:
    return _PAGES[name]


def has_page(name: str) -> bool:
    return name in _PAGES


def ensure_router() -> None:
    """Run every page through app.py, even the first one after a (re)start.

    With a `pages/` folder beside app.py, a fresh Streamlit process is in its old folder-based
    multipage mode until app.py first calls st.navigation: until then a tab that opens, or
    reconnects on, a page's own URL (/interviews?w=...) runs that page alone, without the router
    (no token from the URL, no database banner). Such a run registers app.py itself as a page:
    leave that mode and run the same page again, now through the router.

    Called at the top of a page (require_workspace, show_flash), never from a callback: callbacks
    run before any script.
    """
    ctx = get_script_run_ctx()
    # A fragment rerun runs the fragment alone, never app.py: it is routed all the same.
    if ctx is None or ctx.fragment_ids_this_run or _run_by(Path(ctx.pages_manager.main_script_path)):
        return
    PagesManager.uses_pages_directory = False  # the next run starts at app.py
    st.rerun()


def _run_by(script: Path) -> bool:
    """Whether `script` (app.py) is on the call stack, i.e. this page was started by the router.

    Walks every frame out from the caller, so it holds wherever the helpers calling it live."""
    name = str(script.resolve())
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == name:
            return True
        frame = frame.f_back
    return False


def rerun_fragments(*keys: str) -> None:
    """From a callback of a widget in a fragment: rerun these keyed fragments, not only the widget's
    own. Nothing to do when the whole page reruns anyway (a page switch sends the change too)."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        st.rerun(list(keys))
