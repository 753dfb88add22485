"""Tornado (the Decision page's Sensitivity): for each dimension, the weights (0-5, the others held
where they are) over which the current top option stays first, the current weight marked, and who
comes first past each end. Dimensions whose change is nearest come first.

Built from the engine's `core.decision.Sensitivity`, never recomputed here.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from core.decision import Sensitivity, WeightRange
from core.dimensions import DIMENSION_KEYS, WEIGHT_MAX, WEIGHT_MIN
from views.common import (
    KIND_COLOUR,
    OUTLINE,
    READING_NAMES,
    ChartView,
    colour_in_order,
    join_names,
    layered_chart,
    row_step,
    text_size,
)

# Past a stability bound another option comes first: a neutral grey, unlike either kind's colour.
OTHER_FIRST_COLOUR = "#CCCCCC"


def weight_text(w: float) -> str:
    """A weight on the 0-5 scale: whole numbers plainly, bounds between them to two decimals."""
    return f"{w:.0f}" if abs(w - round(w)) < 1e-9 else f"{w:.2f}"


def _safe_distance(r: WeightRange) -> float:
    """How far the weight is from the nearest bound where the top changes (inf: nowhere)."""
    distances = []
    if r.below is not None or (r.low > WEIGHT_MIN):
        distances.append(r.weight - r.low)
    if r.above is not None or (r.high < WEIGHT_MAX):
        distances.append(r.high - r.weight)
    return min(distances, default=math.inf)


def tornado_order(sens: Sensitivity) -> list[WeightRange]:
    """Nearest change first; among the rest, the most important dimensions first."""
    article = {key: i for i, key in enumerate(DIMENSION_KEYS)}
    return sorted(sens.ranges, key=lambda r: (_safe_distance(r), -r.weight, article[r.dimension]))


def _who(name: str | None) -> str:
    return name if name is not None else "no option has a score"


def end_texts(r: WeightRange) -> tuple[str, str]:
    """What happens past each end, in words ('' where nothing changes)."""
    below = f"below {weight_text(r.low)}: {_who(r.below_name)} comes first" if r.low > WEIGHT_MIN else ""
    if r.low <= WEIGHT_MIN and r.below is not None:  # only at exactly 0 (see WeightRange)
        below = f"at 0: {_who(r.below_name)} comes first"
    above = f"above {weight_text(r.high)}: {_who(r.above_name)} comes first" if r.high < WEIGHT_MAX else ""
    return below, above


def slider_values(r: WeightRange) -> tuple[int | None, int | None]:
    """The whole weights a slider can take past each bound: 'k or lower', 'm or higher'."""
    below = above = None
    if r.low > WEIGHT_MIN:
        below = math.ceil(r.low - 1e-9) - 1
    elif r.below is not None:
        below = WEIGHT_MIN
    if r.high < WEIGHT_MAX:
        above = min(WEIGHT_MAX, math.floor(r.high + 1e-9) + 1)
    return below, above


def tornado_frame(sens: Sensitivity) -> pd.DataFrame:
    """Long format: per dimension its segments (`part` = 'first' or 'other') and one 'marker' row."""
    ordered = tornado_order(sens)
    first_label = f"{sens.top_name} stays first"
    other_label = "Another option comes first"
    records = []
    for order, r in enumerate(ordered):
        axis_label = f"{r.label} ({weight_text(r.weight)})"
        below, above = end_texts(r)
        common = {"dimension": r.dimension, "label": r.label, "axis_label": axis_label, "order": order,
                  "weight": r.weight, "low": r.low, "high": r.high,
                  "below_name": r.below_name, "above_name": r.above_name}
        if r.low > WEIGHT_MIN:
            records.append({**common, "part": "other", "status": other_label, "start": WEIGHT_MIN, "end": r.low,
                            "who": _who(r.below_name), "text": below})
        records.append({**common, "part": "first", "status": first_label, "start": r.low, "end": r.high,
                        "who": sens.top_name, "text": ""})
        if r.high < WEIGHT_MAX:
            records.append({**common, "part": "other", "status": other_label, "start": r.high, "end": WEIGHT_MAX,
                            "who": _who(r.above_name), "text": above})
        line = " · ".join(t for t in (below, above) if t)
        records.append({**common, "part": "marker", "status": "", "start": r.weight, "end": r.weight,
                        "who": "", "text": line[0].upper() + line[1:] if line else ""})
    return pd.DataFrame(records)


def tornado_reading(sens: Sensitivity) -> str:
    plural_kind = sens.kind
    changing = [r for r in tornado_order(sens) if r.changes or r.low > WEIGHT_MIN or r.high < WEIGHT_MAX]
    if not changing:
        return (
            f"No single weight change from {WEIGHT_MIN} to {WEIGHT_MAX} would change your top {plural_kind}: "
            f"{sens.top_name} stays first whichever one weight you move."
        )
    phrases = []
    for r in changing[:READING_NAMES]:
        down, up = slider_values(r)
        if down is not None:
            phrases.append(f"{r.label} to {down}{' or lower' if down > WEIGHT_MIN else ''} "
                           f"({_who(r.below_name)} comes first)")
        if up is not None:
            phrases.append(f"{r.label} to {up}{' or higher' if up < WEIGHT_MAX else ''} "
                           f"({_who(r.above_name)} comes first)")
    more = len(changing) - READING_NAMES
    tail = f"; {more} more weight{'s' if more != 1 else ''} in the table" if more > 0 else ""
    return (
        f"{sens.top_name} is your top {plural_kind} at your current weights, but setting "
        f"{join_names(phrases)} would change that{tail}."
    )


def tornado_table(sens: Sensitivity) -> pd.DataFrame:
    ordered = tornado_order(sens)
    return pd.DataFrame(
        {
            "Dimension": [r.label for r in ordered],
            "Your weight": [weight_text(r.weight) for r in ordered],
            f"{sens.top_name} stays first from": [round(r.low, 2) for r in ordered],
            "to": [round(r.high, 2) for r in ordered],
            "Below that, first is": [r.below_name or ("" if r.low <= WEIGHT_MIN else _who(None)) for r in ordered],
            "Above that, first is": [r.above_name or ("" if r.high >= WEIGHT_MAX else _who(None)) for r in ordered],
        }
    )


def tornado_chart(frame: pd.DataFrame, kind: str, *, large: bool = False) -> alt.TopLevelMixin:
    labels = list(dict.fromkeys(frame["axis_label"]))
    has_lines = bool((frame["text"] != "").any())
    step = (62 if large else 46) if has_lines else row_step(large)
    bar = 18 if large else 13
    first_status = frame.loc[frame["part"] == "first", "status"].iloc[0]
    statuses = [first_status, *(s for s in dict.fromkeys(frame.loc[frame["part"] == "other", "status"]))]
    colours = [KIND_COLOUR[kind] if s == first_status else OTHER_FIRST_COLOUR for s in statuses]
    x_scale = alt.Scale(domain=[WEIGHT_MIN, WEIGHT_MAX], nice=False)
    # With a line of text under a bar, the bar (and its label) sits in the upper part of its row, the text below.
    shift = -round(step * 0.18) if has_lines else 0
    y = alt.Y("axis_label:N", sort=labels, title=None, axis=alt.Axis(labelPadding=6, labelOffset=shift))
    tooltip = [
        alt.Tooltip("label:N", title="Dimension"),
        alt.Tooltip("weight:Q", title="Your weight"),
        alt.Tooltip("start:Q", title="From", format=".2f"),
        alt.Tooltip("end:Q", title="To", format=".2f"),
        alt.Tooltip("who:N", title="First here"),
    ]
    base = alt.Chart().encode(y=y)
    segments = base.mark_bar(size=bar, yOffset=shift).encode(
        x=alt.X("start:Q", title=f"Weight ({WEIGHT_MIN}–{WEIGHT_MAX})", scale=x_scale,
                axis=alt.Axis(values=list(range(WEIGHT_MIN, WEIGHT_MAX + 1)), format="d")),
        x2="end:Q",
        color=colour_in_order("status:N", statuses, colours, legend=alt.Legend(columns=1)),
        tooltip=tooltip,
    ).transform_filter("datum.part != 'marker'")
    marker = base.mark_tick(color=OUTLINE, thickness=3, size=bar + 8, yOffset=shift).encode(
        x=alt.X("weight:Q", scale=x_scale),
        tooltip=[alt.Tooltip("label:N", title="Dimension"), alt.Tooltip("weight:Q", title="Your weight")],
    ).transform_filter("datum.part == 'marker'")
    layers = [segments, marker]
    if has_lines:
        layers.append(
            # On a narrow screen the line ends in an ellipsis at the chart's edge (the table has it whole).
            base.mark_text(align="left", baseline="middle", dy=round(step * 0.25), limit=alt.ExprRef("width"),
                           fontSize=text_size(large) - 1, color="#333333").encode(
                x=alt.value(0), text="text:N",
            ).transform_filter("datum.part == 'marker' && datum.text != ''")
        )
    return layered_chart(*layers, rows=frame, height=alt.Step(step), large=large)


def tornado_view(sens: Sensitivity, *, large: bool = False) -> ChartView:
    """How far each weight can move before the top option of the kind changes."""
    frame = tornado_frame(sens)
    return ChartView(
        reading=tornado_reading(sens),
        chart=tornado_chart(frame, sens.kind, large=large),
        table=tornado_table(sens),
        note=(
            f"Each row is one dimension (your weight in brackets, also the black mark). The coloured bar is the "
            f"range of that weight, from {WEIGHT_MIN} to {WEIGHT_MAX} with every other weight left as it is, over "
            f"which your top {sens.kind} stays first; past its ends, in the pale part, another option takes over "
            "(named under the bar). Bounds between whole numbers are exact: the slider takes the whole numbers "
            "on either side. Rows where a change is nearest come first."
        ),
    )

