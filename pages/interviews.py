"""Interviews & ratings: log a conversation (or a self-assessment), then rate what it informed.

While presenting, the page shows ratings only: no notes, and no contact's name, role or
organisation (third parties' personal data; docs/workspace-format.md).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core import storage
from core.dimensions import DIMENSIONS, SCORE_MAX, SCORE_MIN, Dimension
from core.models import NAME_MAX
from core.words import count
from ui import database, escape_md, messages, router, workspace
from ui.next_step import next_step
from ui.presentation import notes_hidden_caption, presentation_mode

st.title("Interviews & ratings")
opened = workspace.require_workspace()
messages.show_flash()
engine, ws = database.engine(), opened.workspace
editing_allowed = not presentation_mode()
private_shown = not presentation_mode()  # notes and contacts
option_names = {int(o.id): o.name for o in ws.options}
KIND_LABELS = {"interview": "Informational interview", "self": "Self-assessment (no interview)"}

if not ws.options:
    st.info("Add the careers and employers you are considering first; then log the interviews that informed them.")
    st.page_link(router.page("options"), label="Go to Options", icon=":material/arrow_forward:")
    st.stop()


def _entry_label(interview_id: int) -> str:
    entry = next(i for i in ws.interviews if int(i.id) == interview_id)
    who = "self-assessment" if entry.contact is None else "interview"
    if entry.contact is not None and private_shown:
        who = entry.contact.name
    informed = ", ".join(option_names[int(o)] for o in entry.informed if int(o) in option_names)
    return f"{entry.date:%d %b %Y} · {who} · {informed or 'no options'}"


def _details_from_state(prefix: str) -> dict:
    return {
        "kind": st.session_state[prefix + "kind"],
        "date": st.session_state[prefix + "date"],
        "contact_name": st.session_state.get(prefix + "contact", ""),
        "contact_role": st.session_state.get(prefix + "role", ""),
        "contact_organisation": st.session_state.get(prefix + "org", ""),
        "notes": st.session_state.get(prefix + "notes", ""),
        "option_ids": st.session_state.get(prefix + "options", []),
    }


def _clear_new_form() -> None:
    for field in ("contact", "role", "org", "notes"):
        st.session_state[f"interviews_new_{field}"] = ""
    st.session_state["interviews_new_options"] = []


def _log() -> None:
    details = _details_from_state("interviews_new_")
    key = messages.request_key("interviews_new", sorted(details.items()))  # a double click logs once
    new_id = messages.attempt(lambda: storage.add_interview(engine, opened.id, **details, request_key=key))
    if new_id is not None:
        messages.flash("Saved. Now rate what you learned, dimension by dimension.")
        st.session_state["interviews_selected"] = new_id
        _clear_new_form()


def _detail_fields(prefix: str) -> None:
    """The fields of an interview, for logging a new one and editing an old one."""
    c1, c2 = st.columns(2)
    c1.radio("What was it?", list(KIND_LABELS), key=prefix + "kind", format_func=KIND_LABELS.get, horizontal=True)
    c2.date_input("Date", key=prefix + "date", max_value=dt.date.today() + dt.timedelta(days=366), format="YYYY-MM-DD")
    c1, c2, c3 = st.columns(3)
    # No max_chars: the browser would refuse a longer paste whole, silently; storage says why instead.
    limit = f"At most {NAME_MAX} characters."
    c1.text_input("Contact's name", key=prefix + "contact", help=f"Not needed for a self-assessment. {limit}")
    c2.text_input("Their role", key=prefix + "role", help=limit)
    c3.text_input("Organisation", key=prefix + "org", help=limit)
    st.multiselect(
        "Which careers and employers did it inform?",
        list(option_names),
        key=prefix + "options",
        format_func=option_names.get,
        placeholder="Choose one or more options",
    )
    st.text_area("Notes on the conversation", key=prefix + "notes", max_chars=10_000)


if editing_allowed:
    # Both forms are drawn only while their expander is open (on_change="rerun"): a closed form's
    # fields cost every rerun of the page, e.g. after each first rating (bench/load.py).
    new_entry = st.expander("Log a new interview or self-assessment", expanded=not ws.interviews,
                            key="interviews_new_open", on_change="rerun")
    if new_entry.open:
        with new_entry:
            st.session_state.setdefault("interviews_new_kind", "interview")
            st.session_state.setdefault("interviews_new_date", dt.date.today())
            with st.form("interviews_new", border=False):
                _detail_fields("interviews_new_")
                st.form_submit_button("Save and rate it", type="primary", on_click=_log)

if not ws.interviews:
    st.info("No interviews yet. Log your first conversation above; you can rate it right after.")
    st.stop()

entry_ids = [int(i.id) for i in reversed(ws.interviews)]  # newest first
if st.session_state.get("interviews_selected") not in entry_ids:
    st.session_state["interviews_selected"] = entry_ids[0]
TABLE_ROW_PX = 35  # st.dataframe's row height: the table shows up to ten rows, then scrolls


def _open_from_table(table_key: str) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows:
        st.session_state["interviews_selected"] = entry_ids[rows[0]]


def _interview_table(open_id: int) -> None:
    """Every interview in one table, newest first; a tick at the start of a row opens it below. Contacts stay
    hidden while presenting. Keyed by the open interview, so a row clicked earlier is not left
    selected once the dropdown opens another."""
    by_id = {int(i.id): i for i in ws.interviews}
    entries = [by_id[i] for i in entry_ids]
    table = pd.DataFrame(
        {
            "Open": ["▶" if int(e.id) == open_id else "" for e in entries],
            "Date": [e.date for e in entries],
            "Contact": [
                "Self-assessment" if e.contact is None else (e.contact.name if private_shown else "Interview")
                for e in entries
            ],
            "Options informed": [
                ", ".join(option_names[int(o)] for o in e.informed if int(o) in option_names) or "none"
                for e in entries
            ],
            "Ratings made": [len(e.ratings) for e in entries],
        }
    )
    table_key = f"interviews_table_{open_id}"
    st.dataframe(
        table, key=table_key, on_select=lambda: _open_from_table(table_key), selection_mode="single-row",
        hide_index=True, width="stretch", height=min(TABLE_ROW_PX * (len(entries) + 1) + 3, TABLE_ROW_PX * 11),
        column_config={
            "Open": st.column_config.TextColumn("Open", width="small"),
            "Date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
            "Ratings made": st.column_config.NumberColumn("Ratings made", width="small"),
        },
    )


interview_count = len(entry_ids)
st.markdown(
    f"**All your interviews and self-assessments ({interview_count})**: tick the box at the start of a row to open it."
)
_interview_table(st.session_state["interviews_selected"])
selected_id = st.selectbox("Open interview", entry_ids, key="interviews_selected", format_func=_entry_label)
entry = next(i for i in ws.interviews if int(i.id) == selected_id)

if not private_shown:
    notes_hidden_caption()
elif entry.notes:
    st.caption(escape_md(entry.notes))


def _save_details(interview_id: int) -> None:
    prefix = f"interviews_{interview_id}_"
    shown = next(i for i in ws.interviews if int(i.id) == interview_id)  # what the form showed
    messages.attempt(
        lambda: storage.update_interview(
            engine, opened.id, interview_id, **_details_from_state(prefix), expected=shown
        ),
        "Interview updated.",
    )


def _delete_entry(interview_id: int) -> None:
    messages.attempt(lambda: storage.delete_interview(engine, opened.id, interview_id), "Interview deleted.")
    st.session_state.pop("interviews_confirm_delete", None)


edit_entry = (
    st.expander("Edit or delete this interview", key="interviews_edit_open", on_change="rerun")
    if editing_allowed else None
)
if edit_entry is not None and edit_entry.open:
    with edit_entry:
        prefix = f"interviews_{selected_id}_"
        contact = entry.contact
        st.session_state.update(
            {
                prefix + "kind": entry.kind,
                prefix + "date": entry.date,
                prefix + "contact": contact.name if contact else "",
                prefix + "role": contact.role if contact else "",
                prefix + "org": contact.organisation if contact else "",
                prefix + "notes": entry.notes,
                prefix + "options": [int(o) for o in entry.informed if int(o) in option_names],
            }
        )
        with st.form(f"interviews_edit_{selected_id}", border=False):
            _detail_fields(prefix)
            st.caption("Removing an option here also removes this interview's ratings of it.")
            st.form_submit_button("Save changes", on_click=_save_details, args=(selected_id,))
        if st.session_state.get("interviews_confirm_delete") == selected_id:
            st.warning(f"Delete this interview and its {count(len(entry.ratings), 'rating')}? This cannot be undone.")
            c1, c2 = st.columns(2)
            c1.button("Yes, delete", key=prefix + "delete_yes", type="primary",
                      on_click=_delete_entry, args=(selected_id,))
            c2.button("Cancel", key=prefix + "delete_no",
                      on_click=lambda: st.session_state.pop("interviews_confirm_delete", None))
        else:
            st.button("Delete this interview", key=prefix + "delete",
                      on_click=lambda: st.session_state.update(interviews_confirm_delete=selected_id))

informed = [int(o) for o in entry.informed if int(o) in option_names]
if not informed:
    st.warning("This interview informs no option. Edit it to choose the careers or employers it informed.")
    st.stop()

rated_option = st.radio(
    "Rate", informed, key=f"interviews_{selected_id}_rate_option", horizontal=True,
    format_func=lambda option_id: escape_md(option_names[option_id]),
)
existing = {r.dimension: r for r in entry.ratings if int(r.option) == rated_option}
# Notes typed before their rating, kept until a score is chosen (not when presenting: notes are hidden).
pending = storage.pending_notes_of(engine, opened.id, selected_id, rated_option) if private_shown else {}
for dimension in DIMENSIONS:  # every run of the page starts the rows from what the database holds
    key = f"rate_{selected_id}_{rated_option}_{dimension.key}"
    rating = existing.get(dimension.key)
    st.session_state[key + "_score"] = rating.score if rating else None
    # What this tab last showed as saved: each save is checked against it (no lost updates).
    st.session_state[key + "_saved"] = rating.score if rating else None
    st.session_state[key + "_note"] = st.session_state[key + "_saved_note"] = (
        rating.note if rating else pending.get(dimension.key, "")
    )
COUNT_FRAGMENT = "interviews_rated_count"


@st.fragment(key=COUNT_FRAGMENT)
def _rated_count(interview_id: int, option_id: int, option_name: str) -> None:
    rated = sum(st.session_state.get(f"rate_{interview_id}_{option_id}_{d.key}_saved") is not None for d in DIMENSIONS)
    st.caption(
        f"{rated} of {len(DIMENSIONS)} dimensions rated for "
        f"{escape_md(option_name)} in this interview. "
        "Choose 1–5 where the conversation told you something; leave the rest as not discussed. "
        "Click a selected number again to clear it. Every change is saved at once; a note when you leave its "
        "field (one typed before its rating, with the rating)."
    )


_rated_count(selected_id, rated_option, option_names[rated_option])


def _scale_and_questions(dimension: Dimension) -> str:
    """The popover's text as one Markdown block: one element per row instead of seven."""
    scale = "  \n".join(f"**{n}** — {text}" for n, text in dimension.scale.items())
    return scale + "\n\n**Ask:**\n\n" + "\n".join(f"- {question}" for question in dimension.questions)


# Each row's 1-5 control is a fragment: a click saves and redraws that control alone (a first
# rating the count too), not the whole page, which keeps a room of participants rating at once
# quick (bench/load.py); clearing a rating reruns the page, to empty its note. Notes stay outside
# fragments: Streamlit drops a fragment's last edit when the user switches page straight from the
# field. A note typed before its rating is saved as a pending note, which the rating takes when its
# score is chosen (storage.set_pending_note).
SCORES = list(range(SCORE_MIN, SCORE_MAX + 1))


def _save_score(interview_id: int, option_id: int, dimension: str) -> None:
    """Save the score alone (a stale tab's score change keeps a note saved elsewhere), from the
    score and note this tab showed: a rating changed in another tab since is refused."""
    key = f"rate_{interview_id}_{option_id}_{dimension}"
    score = st.session_state.get(key + "_score")
    before = st.session_state.get(key + "_saved")
    if score is None and before is None:
        return
    if score is None:
        saved = messages.attempt(lambda: storage.clear_rating(
            engine, opened.id, interview_id, option_id, dimension,
            expected_score=before, expected_note=st.session_state.get(key + "_saved_note", ""),
        ) or True)
    else:  # a first rating takes the note typed before it
        note = st.session_state.get(key + "_note", "") if before is None else ""
        saved = messages.attempt(lambda: storage.set_rating_score(
            engine, opened.id, interview_id, option_id, dimension, score, expected=before, note=note,
        ))
    if not saved:  # refused, or the database is unreachable: show what was saved
        st.session_state[key + "_score"] = before
        return
    st.session_state[key + "_saved"] = score
    if score is None:  # cleared, and its note with it
        st.session_state[key + "_note"] = st.session_state[key + "_saved_note"] = ""
        st.rerun()  # from a callback: the whole page
    elif before is None and st.session_state.get(key + "_saved_note"):
        st.rerun()  # a pending note went with it: the whole page, without its "Note kept" hint
    elif before is None:
        st.session_state[key + "_saved_note"] = saved.note
        router.rerun_fragments(COUNT_FRAGMENT)  # a first rating: the count, not this control again


def _save_note(interview_id: int, option_id: int, dimension: str) -> None:
    """Save the note alone, from the note this tab showed: one changed in another tab is refused."""
    key = f"rate_{interview_id}_{option_id}_{dimension}"
    note = st.session_state.get(key + "_note", "")
    if st.session_state.get(key + "_saved") is None:  # not rated yet: the note waits for its rating
        if messages.attempt(lambda: storage.set_pending_note(
            engine, opened.id, interview_id, option_id, dimension, note,
        )) is None and note:
            messages.flash(f"Your note was not saved: '{note}'.", "warning")
        return
    saved = messages.attempt(lambda: storage.set_rating_note(
        engine, opened.id, interview_id, option_id, dimension, note,
        expected=st.session_state.get(key + "_saved_note", ""),
    ))
    if saved is not None:
        st.session_state[key + "_saved_note"] = saved
    elif note:  # the page shows the saved note again: keep what was typed within reach
        messages.flash(f"Your note was not saved: '{note}'.", "warning")


@st.fragment
def _score_control(interview_id: int, option_id: int, dimension: Dimension, editing: bool) -> None:
    messages.show_flash()
    st.segmented_control(
        f"{dimension.label} rating",
        SCORES,
        key=f"rate_{interview_id}_{option_id}_{dimension.key}_score",
        label_visibility="collapsed",
        on_change=_save_score,
        args=(interview_id, option_id, dimension.key),
        disabled=not editing,
        help=" · ".join(f"{n} = {text}" for n, text in dimension.scale.items()),
    )


for dimension in DIMENSIONS:
    key = f"rate_{selected_id}_{rated_option}_{dimension.key}"
    with st.container(border=True, key=key):
        left, right = st.columns([2, 3], vertical_alignment="center")
        with left:
            st.markdown(f"**{dimension.label}**")
            st.caption(dimension.description)
            with st.popover("Scale & questions", width="content"):
                st.markdown(_scale_and_questions(dimension))
        with right:
            _score_control(selected_id, rated_option, dimension, editing_allowed)
            if private_shown:
                st.text_input(
                    f"{dimension.label} note",
                    key=key + "_note",
                    label_visibility="collapsed",
                    placeholder="What did you hear?",  # whole at 390 px; the caption above says when it is saved
                    max_chars=2000,
                    disabled=not editing_allowed,
                    on_change=_save_note,
                    args=(selected_id, rated_option, dimension.key),
                )
                if st.session_state.get(key + "_saved") is None and st.session_state.get(key + "_saved_note"):
                    st.caption("Note kept. Choose a rating above to go with it.")

next_step("weights", "say how much each dimension matters to you")
