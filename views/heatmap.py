"""Heatmap: every option's mean rating on every dimension (the number in each cell, one decimal, and
its colour), which cells an employer inherits from its career (marked `INHERITED_MARK` and outlined),
and, in the tooltip and the table, how many ratings each rests on.

Dimensions run from most to least important; a cell without evidence is blank and labelled, never
drawn as a low value. `heatmap_frame` and `cell_text` are shared with the profile (`views.profile`).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.dimensions import DIMENSIONS, SCORE_MAX, SCORE_MIN
from core.scoring import Standing
from views.common import (
    BOTH_KINDS_NOTE,
    KIND_LABEL,
    OUTLINE,
    RATING_COLOURS,
    WHITE_TEXT_FROM,
    ChartView,
    dimension_order,
    join_names,
    layered_chart,
    option_labels,
    row_axis,
    row_step,
    text_size,
)

NO_EVIDENCE = "no evidence"
# Follows an inherited mean in a cell ("3.5*"): the employer has no rating of its own there.
INHERITED_MARK = "*"
# Decimals of a mean rating in a cell, its tooltip and the table: one, so the three read the same.
MEAN_PLACES = 1


def mean_text(mean: float, inherited: bool = False) -> str:
    """A mean rating as a cell shows it: "3.5", "3.5*" when inherited, "—" with no evidence."""
    if np.isnan(mean):
        return "—"
    return f"{mean:.{MEAN_PLACES}f}{INHERITED_MARK if inherited else ''}"


def _dimension_axis_label(d: int, weight: float) -> str:
    return f"{DIMENSIONS[d].label} ({weight:.0f})"


def heatmap_frame(standing: Standing, rows: np.ndarray) -> pd.DataFrame:
    ev = standing.evidence
    dims = dimension_order(ev.weights)
    n_rows, n_dims = len(rows), len(dims)
    mean = ev.mean[np.ix_(rows, dims)]
    count = ev.count[np.ix_(rows, dims)]
    inherited = ev.inherited[np.ix_(rows, dims)]
    has = ~np.isnan(mean)
    names = [ev.names[i] for i in rows]
    career_name = {ev.option_ids[i]: ev.names[i] for i in range(ev.n)}
    flat_mean = mean.ravel()
    flat_count = count.ravel()
    flat_inh = inherited.ravel()
    flat_has = has.ravel()
    source = [career_name.get(ev.career_of[i] or "", "its career") for i in rows]
    evidence_text = [
        NO_EVIDENCE if not h
        else f"{c} rating{'s' if c != 1 else ''} of {source[k // n_dims]} (inherited)" if inh
        else f"{c} rating{'s' if c != 1 else ''}"
        for k, (h, c, inh) in enumerate(zip(flat_has, flat_count, flat_inh, strict=True))
    ]
    return pd.DataFrame(
        {
            "option": np.repeat(names, n_dims),
            "label": np.repeat(option_labels(ev, rows), n_dims),
            "kind": np.repeat(ev.kinds[rows].astype(str), n_dims),
            "dimension": np.tile([DIMENSIONS[d].key for d in dims], n_rows),
            "dimension_label": np.tile([_dimension_axis_label(d, ev.weights[d]) for d in dims], n_rows),
            "weight": np.tile(ev.weights[dims], n_rows),
            "mean": flat_mean,
            "count": flat_count,
            "spread": ev.spread[np.ix_(rows, dims)].ravel(),
            "inherited": flat_inh,
            "has": flat_has,
            "text": [mean_text(m, bool(inh)) for m, inh in zip(flat_mean, flat_inh, strict=True)],
            "text_colour": np.where(np.nan_to_num(flat_mean) >= WHITE_TEXT_FROM, "#FFFFFF", "#000000"),
            "evidence": evidence_text,
        }
    )


def heatmap_reading(frame: pd.DataFrame) -> str:
    options = list(dict.fromkeys(frame["option"]))
    n_dims = frame["dimension"].nunique()
    empty = int((~frame["has"]).sum())
    cells = len(frame)
    verb = "has" if empty == 1 else "have"
    gaps = f"{empty} of {cells} cells {verb} no evidence yet" if empty else "every cell has evidence"
    if len(options) == 1:
        rated = int(frame["has"].sum())
        return f"{options[0]} has evidence on {rated} of {n_dims} dimensions; {gaps}."
    wide = frame.pivot(index="dimension", columns="option", values="mean")
    best = wide.max(axis=1)
    sole = (wide.eq(best, axis=0).sum(axis=1) == 1) & best.notna()
    leaders = wide[sole].idxmax(axis=1).value_counts()
    if leaders.empty:
        return f"No option rates highest on its own on any dimension yet; {gaps}."
    top, wins = leaders.index[0], int(leaders.iloc[0])
    tied = list(leaders[leaders == wins].index)
    if len(tied) > 1:
        lead = f"{join_names(sorted(tied))} each rate highest on {wins} of {n_dims} dimensions"
    else:
        lead = f"{top} rates highest on {wins} of {n_dims} dimension{'s' if n_dims != 1 else ''}"
    return f"{lead}; {gaps}."


def cell_text(frame: pd.DataFrame) -> pd.Series:
    """A table cell: the mean as the chart shows it and its number of ratings, "3.5 (2)",
    "3.5 (2) inherited", or "no evidence"."""
    text = frame["mean"].map(f"{{:.{MEAN_PLACES}f}}".format) + " (" + frame["count"].astype(str) + ")"
    text = text.where(~frame["inherited"], text + " inherited")
    return text.where(frame["has"], NO_EVIDENCE)


def heatmap_table(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.assign(cell=cell_text(frame))
    wide = shown.pivot(index="label", columns="dimension_label", values="cell")
    wide = wide.loc[list(dict.fromkeys(frame["label"])), list(dict.fromkeys(frame["dimension_label"]))]
    kinds = frame.drop_duplicates("label").set_index("label")["kind"].map(KIND_LABEL)
    wide.insert(0, "Kind", kinds.loc[wide.index])
    wide.index.name = "Option"
    return wide.reset_index()


def heatmap_view(standing: Standing, rows: np.ndarray, *, large: bool = False) -> ChartView:
    frame = heatmap_frame(standing, rows)
    return ChartView(
        reading=heatmap_reading(frame),
        chart=heatmap_chart(frame, large=large),
        table=heatmap_table(frame),
        note=(
            "Each cell shows the mean rating from 1 to 5, coloured orange for 1 through white for 3 to purple "
            f"for 5. {INHERITED_MARK} after a rating, with a dashed outline, means the employer has no rating of "
            "its own there and shows its career's. — means no evidence. Hover over a cell, or see the table, for "
            "how many ratings it rests on. Dimensions run from most to least important to you (weight in "
            "brackets). In the table: mean (ratings). "
            + BOTH_KINDS_NOTE
        ),
    )


def heatmap_chart(frame: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    data = frame.copy()
    data["mean_text"] = [
        "" if pd.isna(m) else f"{m:.{MEAN_PLACES}f}" for m in data["mean"]
    ]
    columns = list(dict.fromkeys(data["dimension_label"]))
    rows = list(dict.fromkeys(data["label"]))
    kinds = list(data.drop_duplicates("label")["kind"])
    x = alt.X("dimension_label:N", sort=columns, title=None,
              # Narrow cells (a phone) get upright labels, which need only a line's height each.
              axis=alt.Axis(orient="top", labelAngle=alt.ExprRef("bandwidth('x') < 34 ? -90 : -45"),
                            labelAlign="left", labelBaseline="middle", labelPadding=4, labelOverlap=False))
    y = alt.Y("label:N", sort=rows, title=None, axis=row_axis(kinds, labelLimit=200 if large else 130))
    tooltip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("dimension_label:N", title="Dimension (weight)"),
        alt.Tooltip("mean_text:N", title="Mean rating"),
        alt.Tooltip("evidence:N", title="Evidence"),
    ]
    base = alt.Chart().encode(x=x, y=y)
    rated = base.mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
        color=alt.Color("mean:Q", title="Mean rating",
                        scale=alt.Scale(domain=[SCORE_MIN, 2, 3, 4, SCORE_MAX], range=list(RATING_COLOURS)),
                        legend=alt.Legend(values=[1, 2, 3, 4, 5], format="d", gradientLength=180)),
        tooltip=tooltip,
    ).transform_filter("datum.has")
    inherited = base.mark_rect(fill=None, stroke=OUTLINE, strokeDash=[3, 2], strokeWidth=1.2).encode(
        tooltip=tooltip,
    ).transform_filter("datum.inherited")
    blank = base.mark_rect(fill="#BBBBBB", fillOpacity=0.12, stroke="#BBBBBB", strokeWidth=0.5).encode(
        tooltip=tooltip,
    ).transform_filter("!datum.has")
    # Text colours as mark properties of filtered layers: a colour field here would have to share
    # the mean-rating colour scale, which Vega-Lite cannot compile.
    # Cell text shrinks with the cells (a phone-width screen), never below a legible 8 px.
    size = alt.ExprRef(f"clamp(bandwidth('x') / 2.6, 8, {text_size(large) - 1})")
    # Cells too small for a number show colour only; the table view has every number.
    shown_if_room = alt.ExprRef("bandwidth('x') < 19 ? 0 : 1")
    dark_cell = f"datum.has && datum.mean >= {WHITE_TEXT_FROM}"
    texts = [
        base.mark_text(fontSize=size, opacity=shown_if_room, color=colour).encode(text="text:N", tooltip=tooltip)
        .transform_filter(cells)
        for colour, cells in (
            ("#FFFFFF", dark_cell), ("#000000", f"datum.has && !({dark_cell})"), ("#777777", "!datum.has")
        )
    ]
    layers: list[alt.TopLevelMixin] = [rated, blank, inherited, *texts]
    return layered_chart(*layers, rows=data, height=alt.Step(row_step(large)), large=large)

