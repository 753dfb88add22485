"""Weights: how much each dimension matters to this participant (docs/scoring.md, "Weights").

Three ways, one switch: put the dimensions in order of importance (ties allowed), then optionally
compare swings; or give each a weight from 0 to 5 directly. Every control is a select box, a
number box or a slider: all work with the keyboard alone and fit a phone (no dragging to order).
"""

from __future__ import annotations

import streamlit as st

from core import storage
from core.dimensions import DIMENSIONS, WEIGHT_DEFAULT, WEIGHT_MAX, WEIGHT_MIN, Dimension
from core.elicitation import NOT_RANKED, SWING_MAX, WEIGHTS_BY, order_from_weights, positions, top_dimensions
from ui import database, escape_md, messages, workspace
from ui.next_step import next_step
from ui.presentation import presentation_mode
from views.common import chart_spec
from views.weights import weights_view

st.title("What matters to you")
opened = workspace.require_workspace()
messages.show_flash()
engine, ws = database.engine(), opened.workspace
disabled = presentation_mode()

HOW_LABEL = {
    "order": "Put them in order",
    "swing": "Order, then compare swings",
    "direct": "Give each a weight from 0 to 5",
}
PLACES = [*range(1, len(DIMENSIONS) + 1), NOT_RANKED]


def _place_label(place: int) -> str:
    return "Does not matter" if place == NOT_RANKED else f"Place {place}"


def _keep_or_restore(key: str, saved: bool) -> None:
    """After a save: remember the value, or (refused, or no database) show what was saved."""
    if saved:
        st.session_state[key + "_saved"] = st.session_state[key]
    else:
        st.session_state[key] = st.session_state[key + "_saved"]


def _save_mode() -> None:
    key = "weights_by"
    _keep_or_restore(key, bool(messages.attempt(
        lambda: storage.set_weight_elicitation(engine, opened.id, weights_by=st.session_state[key]) or True
    )))


def _save_place(dimension: str) -> None:
    key = f"weights_place_{dimension}"
    _keep_or_restore(key, bool(messages.attempt(
        lambda: storage.set_weight_elicitation(engine, opened.id, order={dimension: st.session_state[key]}) or True
    )))


def _save_swing(dimension: str) -> None:
    key = f"weights_swing_{dimension}"
    _keep_or_restore(key, bool(messages.attempt(
        lambda: storage.set_weight_elicitation(engine, opened.id, swings={dimension: st.session_state[key]}) or True
    )))


def _save_weight(dimension: str) -> None:
    key = f"weights_{dimension}"
    _keep_or_restore(key, bool(messages.attempt(
        lambda: storage.set_weights(engine, opened.id, {dimension: st.session_state[key]}) or True
    )))


def _reset() -> None:
    messages.attempt(
        lambda: storage.set_weights(engine, opened.id, {d.key: WEIGHT_DEFAULT for d in DIMENSIONS}),
        f"All weights set to {WEIGHT_DEFAULT}.",
    )


def _shown(key: str, value: object) -> None:
    """A widget shows what the database holds; the whole page sets it on every run."""
    st.session_state[key] = value
    st.session_state[key + "_saved"] = value


@st.fragment
def _weight(dimension: Dimension) -> None:
    """One slider, a fragment: moving it saves and redraws it alone, not the whole page, which keeps
    a room of participants at once quick (bench/load.py). The whole page sets it from the database."""
    messages.show_flash()
    st.slider(
        dimension.label, min_value=WEIGHT_MIN, max_value=WEIGHT_MAX, step=1, key=f"weights_{dimension.key}",
        on_change=_save_weight, args=(dimension.key,), disabled=disabled,
    )
    st.caption(dimension.description)


_shown("weights_by", ws.weights_by)
st.radio(
    "How do you want to say what matters?", WEIGHTS_BY[1:] + WEIGHTS_BY[:1], format_func=HOW_LABEL.__getitem__,
    key="weights_by", on_change=_save_mode, disabled=disabled, horizontal=True,
)

if ws.weights_by == "direct":
    st.markdown(
        f"Set how much each dimension matters, from **{WEIGHT_MIN}** (irrelevant to me) to "
        f"**{WEIGHT_MAX}** (essential). A dimension at {WEIGHT_MIN} is left out of every score. "
        "Changes are saved as you make them."
    )
    for dimension in DIMENSIONS:
        _shown(f"weights_{dimension.key}", ws.weights[dimension.key])
        _weight(dimension)
    if not disabled:
        st.button(f"Reset all to equal ({WEIGHT_DEFAULT})", key="weights_reset", on_click=_reset)
else:
    order = ws.order or order_from_weights(ws.scoring_weights)
    st.markdown(
        "Give each dimension its place in order of importance: place 1 is what matters most to you. "
        "Two dimensions with the same place matter equally; one that does not matter at all counts for "
        "nothing. Your weights follow from the order. Changes are saved as you make them."
    )
    with st.container(key="weights_order"):
        for dimension in DIMENSIONS:
            _shown(f"weights_place_{dimension.key}", order[dimension.key])
            st.selectbox(
                dimension.label, PLACES, format_func=_place_label, key=f"weights_place_{dimension.key}",
                on_change=_save_place, args=(dimension.key,), disabled=disabled, help=dimension.description,
            )

    if ws.weights_by == "swing" and ws.swings is not None:
        top = top_dimensions(order)
        top_names = " and ".join(f"“{label}”" for label in (d.label for d in DIMENSIONS if d.key in top))
        st.header("Compare swings")
        st.markdown(
            escape_md(
                f"Think of an option at its worst and at its best on each dimension. Going from worst to best on "
                f"{top_names} counts {SWING_MAX}. How much is going from worst to best on each other dimension "
                f"worth, from 0 to {SWING_MAX}, compared with that?"
            )
        )
        spans = positions(order)
        for dimension in sorted((d for d in DIMENSIONS if d.key in spans), key=lambda d: spans[d.key]):
            _shown(f"weights_swing_{dimension.key}", ws.swings[dimension.key])
            st.number_input(
                f"{dimension.label} (place {order[dimension.key]})", min_value=0, max_value=SWING_MAX, step=5,
                key=f"weights_swing_{dimension.key}", on_change=_save_swing, args=(dimension.key,),
                disabled=disabled, help=dimension.description,
            )
    elif ws.weights_by == "order":
        st.caption("To say how much more one dimension matters than another, choose “Order, then compare swings”.")

st.header("Your weights")
view = weights_view(ws, large=presentation_mode())
st.markdown(f"**{escape_md(view.reading)}**")
if st.toggle("Show as a table", key="weights_as_table"):
    st.dataframe(view.table, hide_index=True, width="stretch", placeholder="")
else:
    st.vega_lite_chart(chart_spec(view.chart), width="stretch", alt=view.reading)
st.caption(view.note)

next_step("compare", "compare your options with these weights")
