"""Export & import: take the decision home, and bring a workspace file back in.

Thin: core builds every file — the decision summary CSV (`core.summary.summary_bytes` of the
workspace's Decision, the very function `tenfold summary` prints with), the workspace file
(`core.workspace_file`), chart images (`core.images`) and the one-page report (`core.report`) —
and `storage.import_workspace` writes an import in one transaction. The Decision is the one that
Compare and Decision show (`ui.decision_panel.decision_of`, cached per revision), and files are
cached per (database, workspace, revision, seed) too (any write bumps the revision). Chart images
and the report cost time to draw, so they are drawn only when their download button is clicked
(a deferred download), never on an ordinary rerun.

An upload is treated as hostile: its size is checked before it is read, it is read and validated
in full once, before anything is written, and every problem is shown in plain words.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core import storage
from core.decision import Decision
from core.models import Workspace
from core.robustness import DRAWS
from core.summary import summary_bytes
from core.words import count
from core.workspace_file import (
    MAX_FILE_BYTES,
    WorkspaceFileError,
    contents_summary,
    dump_workspace,
    parse_workspace,
    renumber_ids,
    size_problem,
)
from ui import database, decision_panel, escape_md, messages, router, workspace
from ui.next_step import next_step
from ui.presentation import presentation_mode
from ui.private_link import private_link
from views.images import FORMATS, MIME
from views.report import chart_choices, chart_file, decision_report, file_name

MODE_KEY = "transfer_mode"
UPLOAD_KEY = "transfer_upload"
CONFIRM_KEY = "transfer_replace_confirm"
IMPORTED_KEY = "transfer_imported"  # {"file_id", "token", "previous"} after an import, for the message
MODES = {"export": "Export: take it with you", "import": "Import a workspace file"}
FORMAT_LABELS = {"png": "PNG (picture)", "svg": "SVG (sharp at any size)"}

st.title("Export & import")
messages.show_flash()
url = database.database_url()
engine = database.engine()


# Cached per (database, workspace, revision): never stale. Bytes are immutable, so the cache hands
# out the same object to every session (cache_resource: no copy per hit).
@st.cache_resource(max_entries=64, show_spinner=False)
def _workspace_file(url: str, workspace_id: int, revision: int, _ws: Workspace) -> bytes:
    return dump_workspace(renumber_ids(_ws))


@st.cache_resource(max_entries=64, show_spinner=False)
def _summary(url: str, workspace_id: int, revision: int, seed: int, _d: Decision) -> bytes:
    # By the function `tenfold summary` prints with: `tenfold summary <the exported file> --seed <seed>`
    # gives these same bytes (the file's renumbered ids are in no cell and change no number).
    return summary_bytes(_d)


@st.cache_resource(max_entries=64, show_spinner=False)
def _chart_choices(
    url: str, workspace_id: int, revision: int, seed: int, _ws: Workspace, _d: Decision
) -> dict[str, str]:
    return chart_choices(_ws, seed=seed, decision=_d)


@st.cache_resource(max_entries=128, show_spinner=False)
def _chart(url: str, workspace_id: int, revision: int, seed: int, chart: str, fmt: str, _ws: Workspace) -> bytes:
    return chart_file(_ws, chart, fmt, seed=seed)  # type: ignore[arg-type]


@st.cache_resource(max_entries=32, show_spinner=False)
def _report(
    url: str, workspace_id: int, revision: int, seed: int, day: dt.date, _ws: Workspace, _d: Decision
) -> bytes:
    return decision_report(_ws, seed=seed, made_on=day, decision=_d).encode("utf-8")


NOT_WHILE_PRESENTING = "Not offered while presenting: it holds your notes and contacts' names."

# --- export ---------------------------------------------------------------------------------------


def _export() -> None:
    opened = workspace.require_workspace()
    ws = opened.workspace
    keys = decision_panel.state_of(opened)  # (database url, workspace id, revision, seed)
    decision = decision_panel.decision_of(opened)  # Compare's and Decision's, cached per revision
    today = dt.date.today()
    workspace_file = _workspace_file(*keys[:3], ws)

    top = st.columns(2)
    bottom = st.columns(2)
    with top[0], st.container(border=True, height="stretch"):
        st.markdown("## Decision summary (CSV)")
        st.markdown(
            "One row per career and employer: rank, score, coverage, the chance of coming first, your "
            "leaning and its verdict, and the mean rating on each dimension. Opens in any spreadsheet."
        )
        st.download_button(
            "Download the decision summary (CSV)", _summary(*keys, decision),
            file_name=file_name(ws.name, "summary", "csv", today), mime="text/csv", key="transfer_csv",
            icon=":material/table:", on_click="ignore",
        )
        st.caption(
            f"The chances come from {DRAWS:,} simulated variations of your ratings, the same each time, so "
            "this file matches what Compare and Decision show. Accents and other scripts open correctly in "
            "Excel, and no cell is ever run as a formula."
        )

    with top[1], st.container(border=True, height="stretch"):
        st.markdown("## Workspace file (JSON)")
        st.markdown(
            "Everything in this workspace: options, interviews, ratings, notes and weights. Keep it as a "
            "backup, or import it here or into another Tenfold installation."
        )
        if presentation_mode():  # it holds the notes and contacts that presenting hides
            st.info(NOT_WHILE_PRESENTING)
        else:
            st.download_button(
                "Download the workspace file", workspace_file,
                file_name=file_name(ws.name, "workspace", "json", today), mime="application/json",
                key="transfer_workspace_file", icon=":material/save:", on_click="ignore",
            )
        too_big = size_problem(len(workspace_file))
        if too_big and not presentation_mode():  # only with very long notes: more than a file may carry
            st.warning(
                f"{too_big} Keep this file as a backup, but to import it again (here or elsewhere), "
                "shorten some long notes first and download it anew."
            )

    with bottom[0], st.container(border=True, height="stretch"):
        st.markdown("## Charts as images")
        choices = _chart_choices(*keys, ws, decision)
        if not choices:
            st.info("There is nothing to draw yet: rate an option after an interview first.")
        else:
            st.markdown(
                "The Compare and Decision charts as files to paste into a document or a slide: "
                "6½ inches wide, with a title and a one-line reading."
            )
            chart = st.selectbox("Chart", list(choices), format_func=choices.get, key="transfer_chart")
            fmt = st.segmented_control(
                "Format", list(FORMATS), format_func=FORMAT_LABELS.get, key="transfer_chart_format",
                default="png", required=True,
            )
            st.download_button(
                f"Download the chart ({fmt.upper()})", lambda: _chart(*keys, chart, fmt, ws),
                file_name=file_name(ws.name, chart.replace("_", "-"), fmt, today), mime=MIME[fmt],
                key="transfer_chart_download", icon=":material/image:", on_click="ignore",
            )
            st.caption("Drawn on the server when you click; the first time takes a second.")

    with bottom[1], st.container(border=True, height="stretch"):
        st.markdown("## One-page decision report")
        st.markdown(
            "The verdict on your leaning, the ranking, the ratings of the options it weighs, the notes behind "
            "the top options and the questions to ask next, with your workspace's name and today's date. "
            "It opens in your browser; to keep it as a PDF, print it and choose **Save as PDF** (it fits one "
            "A4 page)."
        )
        if presentation_mode():  # it quotes the rating notes, and who said them
            st.info(NOT_WHILE_PRESENTING)
            return
        st.download_button(
            "Download the report (HTML)", lambda: _report(*keys, today, ws, decision),
            file_name=file_name(ws.name, "report", "html", today), mime="text/html",
            key="transfer_report", icon=":material/description:", on_click="ignore",
        )


# --- import ---------------------------------------------------------------------------------------


# Each uploaded file is read and checked once (Streamlit gives every upload its own file_id), not at
# every click on the page: parsing a 10 MB file takes seconds of the one process every user shares.
# A few files at most, and not for long: what an upload holds is bounded (serve.UploadLimits).
@st.cache_resource(max_entries=4, ttl=600, show_spinner=False)
def _checked(file_id: str, size: int, _upload: UploadedFile) -> tuple[Workspace | None, list[str]]:
    problem = size_problem(size)  # before a single byte is read
    if problem:
        return None, [problem]
    try:
        return parse_workspace(_upload.getvalue()), []
    except WorkspaceFileError as error:
        return None, error.problems


def _import_new(in_file: Workspace, file_id: str) -> None:
    token = messages.attempt(lambda: storage.import_workspace(engine, in_file))
    if token is None:
        return
    previous = st.session_state.get(workspace.TOKEN_KEY)
    workspace.open_workspace(token)
    st.session_state[IMPORTED_KEY] = {"file_id": file_id, "token": token, "previous": previous}


def _replace(in_file: Workspace, file_id: str, workspace_id: int) -> None:
    st.session_state[CONFIRM_KEY] = False
    done = messages.attempt(lambda: storage.import_workspace(engine, in_file, replace_id=workspace_id) or True)
    if done:
        st.session_state[IMPORTED_KEY] = {"file_id": file_id, "token": None, "previous": None}


def _show_problems(problems: list[str]) -> None:
    count = len(problems)
    lines = "\n".join(f"- {escape_md(problem)}" for problem in problems)
    st.error(
        f"**This file cannot be imported** ({count} problem{'s' if count != 1 else ''}). Nothing was "
        f"changed.\n\n{lines}",
        icon=":material/error:",
    )


def _show_imported(imported: dict[str, str | None]) -> None:
    if imported["token"] is None:
        st.success("Imported: your workspace was replaced by the file's contents. Its private link is unchanged.")
        return
    st.success("Imported as a new workspace, and opened. This is its **private link**: keep it somewhere safe.")
    st.code(private_link(str(imported["token"])), language=None, wrap_lines=True)
    if imported["previous"]:
        st.markdown("The workspace you had open before is unchanged; its private link is:")
        st.code(private_link(str(imported["previous"])), language=None, wrap_lines=True)
    st.page_link(router.page("decision"), label="See its verdict on Decision", icon=":material/arrow_forward:")


def _import() -> None:
    if presentation_mode():
        st.info("Importing is switched off in presentation mode, so nothing can change while you share your screen.")
        return
    st.markdown(
        "Bring in a workspace file (`.json`) saved from Tenfold: last week's backup, or one from another "
        "installation. It is checked in full before anything is saved."
    )
    upload = st.file_uploader(
        "Workspace file", type=["json"], key=UPLOAD_KEY,
        help=f"A workspace file downloaded from Tenfold, at most {MAX_FILE_BYTES // 1_000_000} MB.",
    )
    if upload is None:
        return
    in_file, problems = _checked(upload.file_id, upload.size, upload)
    if in_file is None:
        _show_problems(problems)
        return

    imported = st.session_state.get(IMPORTED_KEY)
    if imported and imported.get("file_id") == upload.file_id:
        _show_imported(imported)
        return

    title = f"“{escape_md(in_file.name)}”" if in_file.name else "an unnamed workspace"
    st.success(f"This file is fine. It holds {title}: {contents_summary(in_file)}.", icon=":material/check:")
    if in_file.options:
        st.dataframe(
            pd.DataFrame(
                {
                    "Option": [o.name for o in in_file.options],
                    "Kind": [o.kind for o in in_file.options],
                    "Current leaning": ["yes" if o.leaning else "" for o in in_file.options],
                }
            ),
            hide_index=True, width="stretch", height=min(36 * (len(in_file.options) + 1), 260),
        )

    new, replace = st.columns(2)
    with new, st.container(border=True):
        st.markdown("**Import as a new workspace**")
        st.caption("A separate workspace with its own private link; the one you have open stays as it is.")
        st.button(
            "Import as a new workspace", key="transfer_import_new", type="primary",
            on_click=_import_new, args=(in_file, upload.file_id),
        )
    token = st.session_state.get(workspace.TOKEN_KEY)
    ref = storage.find_workspace(engine, token) if token else None
    with replace, st.container(border=True):
        st.markdown("**Replace my current workspace**")
        if ref is None:
            st.caption("No workspace is open, so there is nothing to replace.")
            return
        current = f"“{escape_md(ref.name)}”" if ref.name else "your current workspace"
        st.caption(
            f"Everything in {current} ({count(ref.options, 'option')}, "
            f"{count(ref.interviews, 'interview or self-assessment', 'interviews and self-assessments')}) "
            "is deleted and replaced by the file's contents. Its private link stays the same. Download its "
            "workspace file first if you may want it back."
        )
        confirmed = st.checkbox("Replace everything in my current workspace", key=CONFIRM_KEY)
        st.button(
            "Replace my current workspace", key="transfer_import_replace", disabled=not confirmed,
            on_click=_replace, args=(in_file, upload.file_id, ref.id),
        )


mode = st.segmented_control(
    "What would you like to do?", list(MODES), format_func=MODES.get, key=MODE_KEY, default="export",
    required=True, label_visibility="collapsed",
)
if mode == "import":
    _import()
else:
    _export()
    next_step("interviews", "after your next conversation, log it and see what changes")
