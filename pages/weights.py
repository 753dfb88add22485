"""Weights: how much each dimension matters to this participant, 0 (irrelevant) to 5 (essential)."""

from __future__ import annotations

import streamlit as st

from core import storage
from core.dimensions import DIMENSIONS, WEIGHT_DEFAULT, WEIGHT_MAX, WEIGHT_MIN, Dimension
from ui import database, messages, workspace
from ui.next_step import next_step
from ui.presentation import presentation_mode

st.title("What matters to you")
opened = workspace.require_workspace()
messages.show_flash()
engine, ws = database.engine(), opened.workspace

st.markdown(
    f"Set how much each dimension matters, from **{WEIGHT_MIN}** (irrelevant to me) to "
    f"**{WEIGHT_MAX}** (essential). A dimension at {WEIGHT_MIN} is left out of every score. "
    "Changes are saved as you make them."
)


def _save(dimension: str) -> None:
    key = f"weights_{dimension}"
    if messages.attempt(lambda: storage.set_weights(engine, opened.id, {dimension: st.session_state[key]}) or True):
        st.session_state[key + "_saved"] = st.session_state[key]
    else:  # refused, or the database is unreachable: show what was saved
        st.session_state[key] = st.session_state[key + "_saved"]


def _reset() -> None:
    messages.attempt(
        lambda: storage.set_weights(engine, opened.id, {d.key: WEIGHT_DEFAULT for d in DIMENSIONS}),
        f"All weights set to {WEIGHT_DEFAULT}.",
    )


@st.fragment
def _weight(dimension: Dimension, disabled: bool) -> None:
    """One slider, a fragment: moving it saves and redraws it alone, not the whole page, which keeps
    a room of participants at once quick (bench/load.py). The whole page sets it from the database."""
    messages.show_flash()
    st.slider(
        dimension.label,
        min_value=WEIGHT_MIN,
        max_value=WEIGHT_MAX,
        step=1,
        key=f"weights_{dimension.key}",
        on_change=_save,
        args=(dimension.key,),
        disabled=disabled,
    )
    st.caption(dimension.description)


for dimension in DIMENSIONS:
    st.session_state[f"weights_{dimension.key}"] = ws.weights[dimension.key]
    st.session_state[f"weights_{dimension.key}_saved"] = ws.weights[dimension.key]
    _weight(dimension, presentation_mode())

if not presentation_mode():
    st.button(f"Reset all to equal ({WEIGHT_DEFAULT})", key="weights_reset", on_click=_reset)

next_step("compare", "compare your options with these weights")
