"""Options: the careers and employers being considered, and the current leaning."""

from __future__ import annotations

import streamlit as st

from core import storage
from core.models import NAME_MAX
from core.words import count, full_stop
from ui import database, escape_md, messages, workspace
from ui.next_step import next_step
from ui.presentation import notes_hidden_caption, presentation_mode

st.title("Careers and employers")
opened = workspace.require_workspace()
messages.show_flash()
engine, ws = database.engine(), opened.workspace
careers = [o for o in ws.options if o.kind == "career"]
NO_CAREER = 0  # sentinel id for "not linked to a career" in select boxes
career_names = {int(o.id): o.name for o in careers}


def _career_label(career_id: int) -> str:
    return career_names.get(career_id, "— no career —")


def _add() -> None:
    kind = st.session_state["options_add_kind"]
    career = st.session_state.get("options_add_career", NO_CAREER)
    name = st.session_state["options_add_name"]
    key = messages.request_key("options_add", (kind, name, career))  # a double click adds once
    added = messages.attempt(
        lambda: storage.add_option(
            engine,
            opened.id,
            kind=kind,
            name=name,
            career_id=career if kind == "employer" and career != NO_CAREER else None,
            request_key=key,
        ),
    )
    if added is not None:
        messages.flash(full_stop(f"Added {name.strip()}"))
        st.session_state["options_add_name"] = ""


if presentation_mode():
    notes_hidden_caption()
else:
    with st.form("options_add", clear_on_submit=False, border=True):
        st.markdown("**Add a career or an employer**")
        cols = st.columns([1, 2, 2])
        cols[0].radio("Kind", ["career", "employer"], key="options_add_kind", format_func=str.capitalize)
        # No max_chars: the browser would refuse a longer paste whole, silently; storage says why instead.
        cols[1].text_input("Name", key="options_add_name", placeholder="e.g. Registered nurse",
                           help=f"At most {NAME_MAX} characters.")
        cols[2].selectbox(
            "Belongs to career (employers only)",
            [NO_CAREER, *career_names],
            key="options_add_career",
            format_func=_career_label,
        )
        st.form_submit_button("Add", type="primary", on_click=_add)

if not ws.options:
    st.info("No options yet. Add the careers (fields, occupations) and employers (organisations) you are considering.")
    st.stop()


LEANING_LABELS = {
    "career": "My career leaning — the field I would choose today",
    "employer": "My employer leaning — the organisation I would choose today",
}


def _set_leaning(kind: str) -> None:
    choice = st.session_state[f"options_leaning_{kind}"]
    messages.attempt(
        lambda: storage.set_leaning(engine, opened.id, None if choice == NO_CAREER else choice, kind=kind),
        f"Current {kind} leaning saved.",
    )


# One leaning of each kind (DESIGN, "Domain"): which field, and which organisation, each with its verdict.
leanings = ws.leanings
kinds_here = [kind for kind in ("career", "employer") if any(o.kind == kind for o in ws.options)]
for kind, column in zip(kinds_here, st.columns(len(kinds_here)), strict=True):
    names = {int(o.id): o.name for o in ws.options if o.kind == kind}
    key = f"options_leaning_{kind}"
    st.session_state[key] = int(leanings[kind].id) if kind in leanings else NO_CAREER
    column.selectbox(
        LEANING_LABELS[kind],
        [NO_CAREER, *names],
        key=key,
        format_func=lambda i, names=names: names.get(i, "— not decided —"),
        on_change=_set_leaning,
        args=(kind,),
        disabled=presentation_mode(),
        help=f"Tenfold checks this choice against the evidence: at most one {kind} can be your leaning, "
        "and it gets its own verdict.",
    )


def _save_field(option_id: int, field: str, shown: str | int | None) -> None:
    """Save the one field that changed (name, notes or career), from the value this tab showed
    (`shown`): storage refuses it if another tab has changed that field since."""
    value = st.session_state[f"options_{option_id}_{field}"]
    if field == "career":
        change = {"career_id": None if value == NO_CAREER else value, "expected_career_id": shown}
    else:
        change = {field: value, f"expected_{field}": shown}
    messages.attempt(lambda: storage.update_option(engine, opened.id, option_id, **change), "Saved.")


def _delete(option_id: int, name: str) -> None:
    messages.attempt(lambda: storage.delete_option(engine, opened.id, option_id), full_stop(f"Deleted {name}"))
    st.session_state.pop("options_confirm_delete", None)


for kind, title in (("career", "Careers"), ("employer", "Employers")):
    members = [o for o in ws.options if o.kind == kind]
    st.header(f"{title} ({len(members)})")
    if not members:
        st.caption(f"No {title.lower()} yet.")
    for option in members:
        option_id = int(option.id)
        prefix = f"options_{option_id}_"
        badge = " · current leaning" if option.leaning else ""
        belongs = f" ({career_names.get(int(option.career), '')})" if option.career else ""
        # Drawn only while open (on_change="rerun"): with hundreds of options, every closed option's
        # fields would cost each rerun of the page seconds.
        details = st.expander(escape_md(f"{option.name}{belongs}") + badge, expanded=False,
                              key=prefix + "open", on_change="rerun")
        if not details.open:
            continue
        with details:
            # Widgets show the database's values on every run (another tab may have changed them).
            st.session_state[prefix + "name"] = option.name
            st.session_state[prefix + "notes"] = option.notes
            st.text_input("Name", key=prefix + "name", help=f"At most {NAME_MAX} characters.", on_change=_save_field,
                          args=(option_id, "name", option.name), disabled=presentation_mode())
            if kind == "employer":
                st.session_state[prefix + "career"] = int(option.career) if option.career else NO_CAREER
                st.selectbox("Belongs to career", [NO_CAREER, *career_names], key=prefix + "career",
                             format_func=_career_label, on_change=_save_field,
                             args=(option_id, "career", int(option.career) if option.career else None),
                             disabled=presentation_mode())
            if presentation_mode():  # notes stay private while presenting (said at the top)
                continue
            st.text_area("Notes", key=prefix + "notes", max_chars=10_000, on_change=_save_field,
                         args=(option_id, "notes", option.notes))
            # A career's employers fill the dimensions they have no rating on from the career's own
            # ratings (docs/scoring.md, "Inheritance"): deleting it takes that away from them.
            employers = sum(o.career == option.id for o in ws.options)
            if st.session_state.get("options_confirm_delete") == option_id:
                ratings = storage.option_rating_count(engine, opened.id, option_id)
                inherited = (
                    f" Its {count(employers, 'employer')} will no longer inherit its ratings on the "
                    "dimensions they have not rated themselves."
                    if employers else ""
                )
                st.warning(
                    f"Delete **{escape_md(option.name)}** and its {count(ratings, 'rating')}?{inherited} "
                    "This cannot be undone."
                )
                c1, c2 = st.columns(2)
                c1.button("Yes, delete", key=prefix + "delete_yes", type="primary",
                          on_click=_delete, args=(option_id, option.name))
                c2.button("Cancel", key=prefix + "delete_no",
                          on_click=lambda: st.session_state.pop("options_confirm_delete", None))
            elif st.button("Delete", key=prefix + "delete"):
                if storage.option_rating_count(engine, opened.id, option_id) == 0 and not employers:
                    _delete(option_id, option.name)
                else:
                    st.session_state["options_confirm_delete"] = option_id
                st.rerun()

next_step("interviews", "log an interview and rate what it told you about these options")
