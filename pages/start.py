"""Start: what Tenfold does; start, open or explore a workspace."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import streamlit as st

from core import storage
from core.demo import demo_workspace
from core.models import NAME_MAX
from ui import database, escape_md, messages, private_link, router, workspace
from ui.presentation import presentation_mode
from views.report import short_date

st.title("Tenfold")
st.markdown(
    "After each informational interview, rate every career and employer you are considering on "
    "**ten dimensions**, say how much each one matters to you, and see whether the evidence "
    "**confirms your current choice or says to adjust it** — and what to ask next."
)
messages.show_flash()

_TOKEN_IN_TEXT = re.compile(r"(?:[?&]w=)?([A-Za-z0-9_-]{20,64})\s*$")


START_ACTIONS = {"new": "start a new workspace", "demo": "open a copy of the demo", "open": "open the pasted workspace"}
PENDING_KEY = "start_pending"  # the action waiting for the participant to say yes, while one is open


def default_name(day: dt.date) -> str:
    """A new workspace's name until its owner gives it another: a person with two can tell them apart."""
    return f"Workspace of {short_date(day)}"


def _start_new() -> None:
    workspace.open_workspace(storage.create_workspace(database.engine(), name=default_name(dt.date.today())))
    st.session_state["start_just_created"] = True


def _explore_demo() -> None:
    token = storage.import_workspace(database.engine(), demo_workspace())
    workspace.open_workspace(token)  # type: ignore[arg-type]
    st.session_state["start_just_created"] = True


def _pasted_token() -> str | None:
    match = _TOKEN_IN_TEXT.search(st.session_state.get("start_paste", "").strip())
    if not match or storage.find_workspace(database.engine(), match.group(1)) is None:
        return None
    return match.group(1)


def _open_pasted() -> None:
    token = _pasted_token()
    if token is None:
        messages.flash("No such workspace. Check that you pasted the whole private link.", "error")
        return
    workspace.open_workspace(token)
    st.session_state["start_paste"] = ""


DELETE_KEY = "start_confirm_delete"  # the id of the workspace whose deletion is being confirmed


def _delete_workspace(workspace_id: int, title: str) -> None:
    def delete() -> bool:
        with contextlib.suppress(storage.NoSuchWorkspace):  # deleted in another tab meanwhile: as asked
            storage.delete_workspace(database.engine(), workspace_id)
        return True

    st.session_state.pop(DELETE_KEY, None)
    if messages.attempt(delete):
        workspace.close_workspace()
        messages.flash(f"{title} was deleted, with everything in it. It cannot be opened again.", "warning")


def _delete_section(ref: storage.WorkspaceRef) -> None:
    """Deletion on request (docs/deployment.md, "Retention and deletion"): asked once, then gone."""
    title = f"“{ref.name}”" if ref.name else "This workspace"
    if st.session_state.get(DELETE_KEY) != ref.id:
        if st.button("Delete this workspace…", key="start_delete"):
            st.session_state[DELETE_KEY] = ref.id
            st.rerun()
        return
    st.warning(
        f"Delete **{escape_md(title)}** for good? Its {ref.options} options, {ref.interviews} interviews and "
        "self-assessments, every rating and note, its weights and its place in a workshop are deleted from "
        "Tenfold. This cannot be undone. To keep a copy, download its workspace file first (Export & import)."
    )
    yes, no = st.columns(2)
    yes.button(
        "Yes, delete it for good", key="start_delete_yes", type="primary",
        on_click=_delete_workspace, args=(ref.id, title),
    )
    no.button("Cancel", key="start_delete_no", on_click=lambda: st.session_state.pop(DELETE_KEY, None))


ACTIONS = {"new": _start_new, "demo": _explore_demo, "open": _open_pasted}


def _ask_or_do(action: str) -> None:
    """With a workspace open, another replaces it in this tab: ask first (`_confirm`), showing its link."""
    open_token = st.session_state.get(workspace.TOKEN_KEY)
    same = action == "open" and open_token is not None and _pasted_token() == open_token
    if workspace.current_ref() is not None and not same:
        st.session_state[PENDING_KEY] = action
    else:
        ACTIONS[action]()


def _confirmed(action: str) -> None:
    st.session_state.pop(PENDING_KEY, None)
    ACTIONS[action]()
    st.rerun()  # from a callback in the dialog (a fragment): the whole app, sidebar included


def _rename(workspace_id: int) -> None:
    name = st.session_state.get("start_name", "")
    if messages.attempt(lambda: storage.rename_workspace(database.engine(), workspace_id, name) or True):
        messages.flash("Name saved.")


@st.dialog("Leave this workspace?", on_dismiss=lambda: st.session_state.pop(PENDING_KEY, None))
def _confirm(action: str, ref: storage.WorkspaceRef, token: str | None) -> None:
    st.markdown(
        f"**{escape_md(ref.name or 'Your workspace')}** is open in this tab. To {START_ACTIONS[action]}, "
        "Tenfold closes it here. Nothing in it is lost, but its private link is the only way back: keep it first."
    )
    if token and not presentation_mode():
        private_link.keep_my_link(token, key="start_confirm_copy")
    else:
        st.caption("Its private link is not shown while presenting: turn presentation mode off to see it.")
    yes, no = st.columns(2)
    yes.button(f"Yes, {START_ACTIONS[action]}", key="start_confirm_yes", type="primary",
               on_click=_confirmed, args=(action,))
    if no.button("Cancel", key="start_confirm_no"):
        st.session_state.pop(PENDING_KEY, None)
        st.rerun()


token = st.session_state.get(workspace.TOKEN_KEY)
ref = workspace.current_ref()  # also the workspace a tab reloaded while presenting shows

if token and ref is None:
    workspace.show_no_such_workspace()
elif ref is not None and presentation_mode():
    st.success(
        f"**{escape_md(ref.name or 'Your workspace')}** is open. Its private link is hidden while presentation "
        "mode is on."
    )
elif ref is not None:
    with st.container(border=True):
        st.header("Your workspace is open")
        st.session_state["start_name"] = ref.name
        st.text_input(
            "Name of this workspace", key="start_name", max_chars=NAME_MAX, on_change=_rename, args=(ref.id,),
            help="Shown in the sidebar, on the report and in the names of the files you download.",
        )
        st.markdown(
            "This is your **private link**. Bookmark it or keep it somewhere safe: anyone who has it "
            "can open and change your workspace, and it is the only way back in."
        )
        private_link.keep_my_link(token, key="start_copy")
        if st.session_state.pop("start_just_created", False):
            st.success("Workspace ready. Next: add the careers and employers you are considering.")
        st.page_link(router.page("options"), label="Add careers and employers", icon=":material/arrow_forward:")
        st.page_link(router.page("interviews"), label="Log an interview", icon=":material/arrow_forward:")
        if st.button("Close this workspace on this device", key="start_close"):
            workspace.close_workspace()
            st.rerun()
        _delete_section(ref)

pending = st.session_state.get(PENDING_KEY)
if pending in ACTIONS and ref is not None:
    _confirm(pending, ref, token)

left, middle, right = st.columns(3)
with left, st.container(border=True):
    st.markdown("**Start my own workspace**")
    st.caption("An empty workspace with a private link only you know.")
    st.button("Start my own workspace", key="start_new", type="primary", on_click=_ask_or_do, args=("new",))
with middle, st.container(border=True):
    st.markdown("**Open my workspace**")
    st.text_input("Private link or code", key="start_paste", placeholder="Paste your private link")
    st.button("Open", key="start_open", on_click=_ask_or_do, args=("open",))
with right, st.container(border=True):
    st.markdown("**Explore the demo**")
    st.caption("Sam's decision between nursing, physiotherapy and health data: your own copy to try things on.")
    st.button("Explore the demo", key="start_demo", on_click=_ask_or_do, args=("demo",))
