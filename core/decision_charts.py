"""What the Decision page draws: rank acceptability, scores with their likely range, the tornado
of weight ranges, and Ask next — each as a `core.charts.ChartView` (the chart, a table with the
same numbers, one plain-language reading, and a note on how to read the marks).

Pure: no Streamlit. Built from the engine's own results (`core.decision.Decision`, its
`Robustness` and `Sensitivity`), never recomputed here, so a chart can only show what the
verdict is based on. Styling, colours and the `large` presentation flag are `core.charts`'s,
so the Decision page looks like the Compare page it sits beside.

- Rank acceptability: one stacked bar per option, its chance of every place within its kind
  (SMAA-2's rank acceptability indices), first place on the left in the kind's colour, later
  places in paler tints of it (ordered by lightness, so it reads without colour vision too),
  the percentage printed on every segment wide enough to hold it.
- Ranking with score intervals: the Compare page's ranking chart with the robustness engine's
  10th-90th percentile line across each bar; `ranking_intervals_view` takes any rows, so the
  Compare page can use it for careers and employers together.
- Tornado: for each dimension, the weights (0-5, the others held where they are) over which
  the current top option stays first, the current weight marked, and who comes first past
  each end. Dimensions whose change is nearest come first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from core import charts
from core.charts import (
    INTERVAL_COLOUR,
    KIND_COLOUR,
    KIND_LABEL,
    KIND_PLURAL,
    LEANING_MARK,
    OUTLINE,
    ChartView,
    colour_in_order,
    join_names,
    layered_chart,
    option_labels,
    row_axis,
    row_step,
    text_size,
)
from core.decision import Gap, Sensitivity, WeightRange
from core.dimensions import DIMENSION_KEYS, WEIGHT_MAX, WEIGHT_MIN
from core.robustness import DRAWS, INTERVAL_PERCENTILES, Robustness
from core.scoring import THIN_COVERAGE, Standing

# The sections of the Decision page, in order (key -> label).
SECTIONS: dict[str, str] = {
    "acceptability": "Rank acceptability",
    "ranking": "Ranking",
    "sensitivity": "Sensitivity",
    "ask": "Ask next",
}

# A place's share is printed on its segment from this share up (narrower segments have no room).
SEGMENT_LABEL_FROM = 0.08
# The last place's tint: pale enough to read as "unlikely", dark enough to see on white.
LAST_PLACE_TINT = "#E4E4E4"
# Past a stability bound another option comes first: a neutral grey, unlike either kind's colour.
OTHER_FIRST_COLOUR = "#CCCCCC"
# Second place starts this far along the way from the kind's colour to `LAST_PLACE_TINT`, so first
# place (what the verdict counts) stands apart from the rest at a glance.
SECOND_PLACE_STEP = 0.45
# How many options a reading names before it sums up the rest.
READING_NAMES = 3


# --- the spec -------------------------------------------------------------------------------------


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """`core.charts.chart_spec`: the spec standing alone, its rows inline at the top level."""
    return charts.chart_spec(chart)


# --- small helpers -----------------------------------------------------------------------------


def percent(p: float) -> str:
    """A share as a whole percentage; a small non-zero share never reads as 0%."""
    if 0 < p < 0.005:
        return "under 1%"
    if 0.995 < p < 1:
        return "over 99%"
    return f"{round(100 * p)}%"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def weight_text(w: float) -> str:
    """A weight on the 0-5 scale: whole numbers plainly, bounds between them to two decimals."""
    return f"{w:.0f}" if abs(w - round(w)) < 1e-9 else f"{w:.2f}"


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
    return pd.DataFrame(records)


def acceptability_reading(rb: Robustness, kind: str) -> str:
    ev = rb.evidence
    rows = _kind_rows(rb, kind)
    plural = KIND_PLURAL[kind]
    if len(rows) == 0:
        return f"You have no {plural} yet."
    if len(rows) == 1:
        return f"{ev.names[rows[0]]} is your only {kind}, so it comes first in every case."
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
            "they come first."
        ),
    )


# --- Ranking with score intervals ------------------------------------------------------------------


def _range_text(low: float, high: float) -> str:
    return f"{low:.0f}–{high:.0f}"


def intervals_reading(standing: Standing, rb: Robustness, rows: np.ndarray) -> str:
    """For each kind shown: the top two scores, their likely ranges, and whether those overlap."""
    ev = standing.evidence
    parts = []
    for kind in ("career", "employer"):
        members = [i for i in rows if ev.kinds[i] == kind and not np.isnan(standing.score[i])]
        members.sort(key=lambda i: (standing.rank[i], -rb.p_first[i]))
        if not members:
            continue
        a = members[0]
        ra = _range_text(rb.score_low[a], rb.score_high[a])
        if len(members) == 1:
            parts.append(f"{ev.names[a]} scores {standing.score[a]:.0f}, likely {ra} once what you have not "
                         "asked about yet is allowed for")
            continue
        b = members[1]
        rb_text = _range_text(rb.score_low[b], rb.score_high[b])
        overlap = rb.score_low[a] <= rb.score_high[b] and rb.score_low[b] <= rb.score_high[a]
        verdict = "overlap, so their order could still change" if overlap else (
            "do not overlap, so their order holds across plausible cases"
        )
        parts.append(
            f"{ev.names[a]} scores {standing.score[a]:.0f} and {ev.names[b]} {standing.score[b]:.0f}; allowing "
            f"for what you have not asked about yet, their likely ranges ({ra} and {rb_text}) {verdict}"
        )
    if not parts:
        return "None of these options has a score yet."
    return "; ".join(parts) + "."


def ranking_intervals_frame(standing: Standing, rb: Robustness, rows: np.ndarray) -> pd.DataFrame:
    """`core.charts.ranking_frame` plus each option's likely range (`low`, `high`) and `p_first`."""
    rows = np.asarray(rows, dtype=np.int64)
    frame = charts.ranking_frame(standing, rows)
    frame["low"] = rb.score_low[rows]
    frame["high"] = rb.score_high[rows]
    frame["p_first"] = rb.p_first[rows]
    frame["coverage_pct"] = (100 * frame["coverage"]).round()
    frame["range_text"] = [_range_text(lo, hi) for lo, hi in zip(frame["low"], frame["high"], strict=True)]
    # A label outside the bar starts past the bar's end (the range is drawn under the bar, clear of it).
    frame["text_x"] = np.where(frame["scored"], frame["score"].fillna(0.0), 0.0)
    return frame


def ranking_intervals_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = charts.ranking_table(frame)
    lo, hi = INTERVAL_PERCENTILES
    at = table.columns.get_loc("Score (0–100)") + 1
    table.insert(at, f"Likely to ({hi:.0f}th pct)", frame["high"].round(1).to_numpy())
    table.insert(at, f"Likely from ({lo:.0f}th pct)", frame["low"].round(1).to_numpy())
    table.insert(at + 2, "First %", (100 * frame["p_first"]).round(1).to_numpy())
    return table


def ranking_intervals_chart(frame: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    """Score bars (the Compare page's colours and labels) with the likely range drawn just under each bar."""
    order = list(frame["label"])
    step = 40 if large else 32
    bar = 18 if large else 14
    bar_shift = -round(step * 0.12)  # the bar a little above the row's middle...
    range_shift = round(bar / 2 + 5 + bar_shift)  # ...and its range just under it
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    axis = row_axis(list(frame["kind"]), labelPadding=6, labelOffset=bar_shift)
    base = alt.Chart().encode(y=alt.Y("label:N", sort=order, title=None, axis=axis))
    tooltip = [
        alt.Tooltip("name:N", title="Option"),
        alt.Tooltip("group:N", title="Kind"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
        alt.Tooltip("range_text:N", title="Likely range"),
        alt.Tooltip("p_first:Q", title="First in", format=".0%"),
        alt.Tooltip("coverage_pct:Q", title="Coverage %"),
        alt.Tooltip("rank:Q", title="Rank in its kind"),
    ]
    bars = base.mark_bar(cornerRadiusEnd=2, size=bar, yOffset=bar_shift).encode(
        x=alt.X("score:Q", title="Score (0–100)", scale=x_scale, axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        **charts.ranking_bar_colours(frame),
        tooltip=tooltip,
    ).transform_filter("datum.scored")
    size = text_size(large)
    outside = base.mark_text(align="left", dx=5, fontSize=size, yOffset=bar_shift).encode(
        x=alt.X("text_x:Q", scale=x_scale), text="text:N", tooltip=tooltip,
    ).transform_filter("!datum.inside")
    inside = base.mark_text(align="right", dx=-6, fontSize=size, fontWeight="bold", yOffset=bar_shift).encode(
        x=alt.X("score:Q", scale=x_scale), text="text:N", color=alt.Color("text_colour:N", scale=None),
        tooltip=tooltip,
    ).transform_filter("datum.inside")
    interval = base.transform_filter("isValid(datum.low) && isValid(datum.high)")
    line = interval.mark_rule(color=INTERVAL_COLOUR, strokeWidth=2, yOffset=range_shift).encode(
        x=alt.X("low:Q", scale=x_scale), x2="high:Q", tooltip=tooltip,
    )
    caps = [
        interval.mark_tick(color=INTERVAL_COLOUR, thickness=2, size=8, yOffset=range_shift).encode(
            x=alt.X(f"{end}:Q", scale=x_scale), tooltip=tooltip,
        )
        for end in ("low", "high")
    ]
    return layered_chart(bars, outside, inside, line, *caps, rows=frame, height=alt.Step(step), large=large)


def ranking_intervals_view(
    standing: Standing, rb: Robustness, rows: np.ndarray, *, large: bool = False,
    reading: Literal["intervals", "ranking"] = "intervals",
) -> ChartView:
    """Scores with their likely range (10th-90th percentile of the robustness draws).

    `rows` are workspace rows in the order to show (e.g. `core.charts.scope_rows(standing, scope)`),
    so the Compare page can use it for any of its filters, careers and employers together included.
    `reading="ranking"` reads the scores as the Compare page does (who leads, by how much);
    the default reads the likely ranges of the top two (the Decision page's question).
    """
    rows = np.asarray(rows, dtype=np.int64)
    frame = ranking_intervals_frame(standing, rb, rows)
    lo, hi = INTERVAL_PERCENTILES
    both = frame["kind"].nunique() > 1
    return ChartView(
        reading=intervals_reading(standing, rb, rows) if reading == "intervals" else charts.ranking_reading(frame),
        chart=ranking_intervals_chart(frame, large=large),
        table=ranking_intervals_table(frame),
        note=(
            "Each bar is a score from 0 to 100 on the evidence so far; in brackets, its coverage: how much of "
            f"what matters to you (by weight) has evidence. Paler bars rest on less than {percent(THIN_COVERAGE)}. "
            f"{LEANING_MARK} marks your current leaning. The grey line under each bar is the score's likely "
            f"range: the middle {hi - lo:.0f}% of its scores over {DRAWS:,} plausible versions of your situation, "
            "where dimensions nobody has rated count too (anywhere from 1 to 5), so a thinly rated option's "
            "range is wide and leans towards the middle of the scale."
            + (f" {charts.BOTH_KINDS_NOTE}" if both else "")
        ),
    )


def ranking_kind_view(standing: Standing, rb: Robustness, kind: str, *, large: bool = False) -> ChartView:
    return ranking_intervals_view(standing, rb, charts.scope_rows(standing, kind), large=large)


# --- Tornado: how far each weight can move ------------------------------------------------------


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


# --- Ask next -----------------------------------------------------------------------------------

GAP_WORDS = {
    "missing": "not asked about yet",
    "inherited": "only the career in general",
    "thin": "one rating so far",
}


def ask_next_reading(gaps: Sequence[Gap], kind: str) -> str:
    if not gaps:
        return (f"Every dimension that matters to you has at least two ratings for your {KIND_PLURAL[kind]}: "
                "nothing stands out to ask next.")
    names = list(dict.fromkeys(g.option_name for g in gaps))
    return (
        f"The answers most likely to change which {kind} comes first are about {join_names(names)}; "
        f"start with {gaps[0].label} {'at' if kind == 'employer' else 'for'} {gaps[0].option_name}."
    )


def ask_next_table(gaps: Sequence[Gap]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "#": list(range(1, len(gaps) + 1)),
            "Option": [g.option_name for g in gaps],
            "Kind": [KIND_LABEL[g.kind] for g in gaps],
            "Dimension": [g.label for g in gaps],
            "Weight": [g.weight for g in gaps],
            "What you have": [GAP_WORDS.get(g.gap, g.gap) for g in gaps],
            "Chance one answer changes the top %": [round(100 * g.flip_chance) for g in gaps],
            "Why ask": [g.reason for g in gaps],
            "Questions": [" / ".join(g.questions) for g in gaps],
        }
    )

