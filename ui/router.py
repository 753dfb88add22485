"""How pages run: always through the router (app.py), found by name, rerun in part or whole.

The router registers its `st.Page`s here once per run, so any page or helper can link to another
page by name (`page("options")`) without importing app.py.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import streamlit_workarounds

_PAGES: dict[str, Any] = {}


def register_pages(pages: dict[str, Any]) -> None:
    _PAGES.clear()
    _PAGES.update(pages)


def page(name: str) -> Any:
    return _PAGES[name]


def has_page(name: str) -> bool:
    return name in _PAGES


def app_address() -> str:
    """This app's address, without the current page's path or query: where a private link points."""
    here = (st.context.url or "").split("?")[0].rstrip("/")
    for registered in _PAGES.values():
        if registered.url_path and here.endswith("/" + registered.url_path):
            return here.removesuffix("/" + registered.url_path)
    return here


def ensure_router() -> None:
    """Run every page through app.py, even the first one after a (re)start: see
    streamlit_workarounds.leave_folder_mode. Called at the top of a page (require_workspace,
    show_flash), never from a callback: callbacks run before any script."""
    streamlit_workarounds.leave_folder_mode()


def rerun_fragments(*keys: str) -> None:
    """From a callback of a widget in a fragment: rerun these keyed fragments, not only the widget's
    own. Nothing to do when the whole page reruns anyway (a page switch sends the change too)."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        st.rerun(list(keys))
