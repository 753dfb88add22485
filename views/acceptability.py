"""Rank acceptability: one stacked bar per option, its chance of every place within its kind
(SMAA-2's rank acceptability indices), first place on the left in the kind's colour, later places
in paler tints of it (ordered by lightness, so it reads without colour vision too), the percentage
printed on every segment wide enough to hold it.

Built from the robustness engine's own results (`core.robustness.Robustness`), never recomputed
here, so the chart can only show what the verdict is based on.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.robustness import DRAWS, Robustness
from views.common import (
    KIND_COLOUR,
    KIND_PLURAL,
    READING_NAMES,
    ChartView,
    colour_in_order,
    join_names,
    layered_chart,
    option_labels,
    percent,
    row_step,
    text_size,
)

# A place's share is printed on its segment from this share up (narrower segments have no room).
SEGMENT_LABEL_FROM = 0.08
# The last place's tint: pale enough to read as "unlikely", dark enough to see on white.
LAST_PLACE_TINT = "#E4E4E4"
# Second place starts this far along the way from the kind's colour to `LAST_PLACE_TINT`, so first
# place (what the verdict counts) stands apart from the rest at a glance.
SECOND_PLACE_STEP = 0.45


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def place_colours(kind: str, places: int) -> list[str]:
    """First place in the kind's colour, then evenly paler tints from `SECOND_PLACE_STEP` of the way
    to `LAST_PLACE_TINT` down to that tint."""
    start, end = np.array(_hex_to_rgb(KIND_COLOUR[kind])), np.array(_hex_to_rgb(LAST_PLACE_TINT))
    steps = np.concatenate([[0.0], np.linspace(SECOND_PLACE_STEP, 1.0, places - 1)]) if places > 1 else np.zeros(1)
    return ["#{:02X}{:02X}{:02X}".format(*np.rint(start + (end - start) * t).astype(int)) for t in steps]


def _text_colour(fill: str) -> str:
    """Black or white text, whichever contrasts more with `fill` (WCAG relative luminance)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex_to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#FFFFFF" if (1.05 / (luminance + 0.05)) > ((luminance + 0.05) / 0.05) else "#000000"


def _kind_rows(rb: Robustness, kind: str) -> np.ndarray:
    """The options of `kind`, most often first on top (then by expected place, then name)."""
    ev = rb.evidence
    members = rb.members(kind)
    expected = rb.expected_rank
    return np.array(
        sorted(members, key=lambda i: (-rb.p_first[i], expected[i], ev.names[i].casefold())), dtype=np.int64
    )


# --- Rank acceptability --------------------------------------------------------------------------


# Places drawn and tabled one by one; with more options than this, the later places are one segment
# (a bar split into hundreds of slivers, and a legend as long, would say nothing).
PLACES_SHOWN = 10


def _places(rb: Robustness, rows: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The place labels and each row's probability of each: 1st to PLACES_SHOWN-th, then the rest
    together ("11th–40th")."""
    k = len(rows)
    probability = rb.rank_probability[np.ix_(rows, np.arange(k))] if k else np.zeros((0, 0))
    if k <= PLACES_SHOWN + 1:
        return [ordinal(place + 1) for place in range(k)], probability
    labels = [ordinal(place + 1) for place in range(PLACES_SHOWN)] + [f"{ordinal(PLACES_SHOWN + 1)}–{ordinal(k)}"]
    later = probability[:, PLACES_SHOWN:].sum(axis=1, keepdims=True)
    return labels, np.hstack([probability[:, :PLACES_SHOWN], later])


def acceptability_frame(rb: Robustness, kind: str) -> pd.DataFrame:
    """One row per (option, place) of one kind: the probability and where its segment lies (in %)."""
    ev = rb.evidence
    rows = _kind_rows(rb, kind)
    place_labels, probability = _places(rb, rows)
    colours = place_colours(kind, len(place_labels))
    labels = option_labels(ev, rows)
    records = []
    for order, i in enumerate(rows):
        start = 0.0
        for place, place_label in enumerate(place_labels):
            p = float(probability[order, place])
            records.append(
                {
                    "id": ev.option_ids[i],
                    "name": ev.names[i],
                    "label": labels[order],
                    "kind": kind,
                    "order": order,
                    "place": place + 1,
                    "place_label": place_label,
                    "probability": p,
                    "start": 100 * start,
                    "end": 100 * (start + p),
                    "fill": colours[place],
                    "text": percent(p) if p >= SEGMENT_LABEL_FROM else "",
                    "text_colour": _text_colour(colours[place]),
                    "p_first": float(rb.p_first[i]),
                }
            )
            start += p
    # Columns even with no rows: a kind none of whose options is rated yet still draws (an empty chart).
    return pd.DataFrame(records, columns=_FRAME_COLUMNS)


_FRAME_COLUMNS = ("id", "name", "label", "kind", "order", "place", "place_label", "probability", "start", "end",
                  "fill", "text", "text_colour", "p_first")


def acceptability_reading(rb: Robustness, kind: str) -> str:
    """Who comes first how often; options not rated yet are left out of the chart (no evidence, no
    chance of first place) and counted at the end."""
    sentence = _places_sentence(rb, kind)
    unscored = int(((rb.evidence.kinds == kind) & ~rb.scored).sum())
    if unscored and len(rb.members(kind)):
        sentence = sentence[:-1] + f"; {unscored} not rated yet, so not ranked."
    return sentence


def _places_sentence(rb: Robustness, kind: str) -> str:
    ev = rb.evidence
    rows = _kind_rows(rb, kind)
    plural = KIND_PLURAL[kind]
    if len(rows) == 0:
        if (ev.kinds == kind).any():
            return f"None of your {plural} has a score yet, so none is ranked."
        return f"You have no {plural} yet."
    if len(rows) == 1:
        only = f"your only {kind}" if (ev.kinds == kind).sum() == 1 else f"the only one of your {plural} with a score"
        return f"{ev.names[rows[0]]} is {only}, so it comes first in every case."
    named = [f"{ev.names[i]} in {percent(rb.p_first[i])}" for i in rows[:READING_NAMES]]
    rest = rows[READING_NAMES:]
    if len(rest) == 1:
        named.append(f"{ev.names[rest[0]]} in {percent(rb.p_first[rest[0]])}")
    elif len(rest) > 1:
        named.append(f"the other {len(rest)} together in {percent(float(rb.p_first[rest].sum()))}")
    first, *others = named
    head = first.replace(" in ", f" comes first among your {plural} in ", 1)
    return f"{head} of plausible cases" + (f", {join_names(others)}." if others else ".")


def acceptability_table(rb: Robustness, kind: str) -> pd.DataFrame:
    ev = rb.evidence
    rows = _kind_rows(rb, kind)
    place_labels, probability = _places(rb, rows)
    places = {f"{label} %": np.round(100 * probability[:, place], 1) for place, label in enumerate(place_labels)}
    return pd.DataFrame(
        {
            "Option": option_labels(ev, rows),
            "First %": np.round(100 * rb.p_first[rows], 1),
            "Expected place": np.round(rb.expected_rank[rows], 2),
            **places,  # one column per place: built at once, not inserted one by one
        }
    )


def acceptability_chart(frame: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    labels = list(dict.fromkeys(frame["label"]))
    places = list(dict.fromkeys(frame["place_label"]))
    fills = list(frame.drop_duplicates("place_label")["fill"])
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelPadding=6))
    tooltip = [
        alt.Tooltip("name:N", title="Option"),
        alt.Tooltip("place_label:N", title="Place"),
        alt.Tooltip("probability:Q", title="Share of cases", format=".1%"),
    ]
    base = alt.Chart().encode(y=y)
    segments = base.mark_bar(stroke="#FFFFFF", strokeWidth=1).encode(
        x=alt.X("start:Q", title="Share of plausible cases (%)", scale=x_scale,
                axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        x2="end:Q",
        color=colour_in_order("place_label:N", places, fills, title="Place"),
        tooltip=tooltip,
    ).transform_filter("datum.probability > 0")
    text = base.mark_text(fontSize=text_size(large), fontWeight="bold").encode(
        x=alt.X("middle:Q", scale=x_scale),
        text="text:N",
        color=alt.Color("text_colour:N", scale=None),
        tooltip=tooltip,
    ).transform_calculate(middle="(datum.start + datum.end) / 2").transform_filter("datum.text != ''")
    return layered_chart(segments, text, rows=frame, height=alt.Step(row_step(large)), large=large)


def acceptability_view(rb: Robustness, kind: str, *, large: bool = False) -> ChartView:
    """Rank acceptability of one kind's options: how often each takes each place."""
    frame = acceptability_frame(rb, kind)
    many = len(rb.members(kind)) > PLACES_SHOWN + 1
    grouped = f", and every place after the {ordinal(PLACES_SHOWN)} as one" if many else ""
    return ChartView(
        reading=acceptability_reading(rb, kind),
        chart=acceptability_chart(frame, large=large),
        table=acceptability_table(rb, kind),
        note=(
            f"Each bar splits {DRAWS:,} plausible versions of your situation by the place the option takes "
            f"among your {KIND_PLURAL[kind]}: 1st on the left in the darkest colour, later places paler{grouped}. "
            "A version nudges your weights and moves each rating within what your conversations support; "
            "a dimension nobody has rated can land anywhere from 1 to 5. Options are listed by how often "
            "they come first; an option not rated yet has no chance of a place, and is left out."
        ),
    )

