"""Why: each option's score split into the points each dimension adds (weight × how far its mean
rating is above 1, shared out over the dimensions with evidence), from `core.scoring.contributions`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.dimensions import DIMENSIONS
from core.explain import explain, leading_pair, shown
from core.scoring import Standing, contributions
from views.common import (
    BOTH_KINDS_NOTE,
    DIMENSION_COLOURS,
    KIND_LABEL,
    ChartView,
    colour_in_order,
    dimension_order,
    layered_chart,
    option_labels,
    row_axis,
    row_step,
    text_size,
)


def why_frame(standing: Standing, rows: np.ndarray) -> pd.DataFrame:
    ev = standing.evidence
    dims = [d for d in dimension_order(ev.weights) if ev.weights[d] > 0]
    parts = contributions(ev.mean[rows], ev.weights)[:, dims]
    n_dims = len(dims)
    return pd.DataFrame(
        {
            "option": np.repeat([ev.names[i] for i in rows], n_dims),
            "label": np.repeat(option_labels(ev, rows), n_dims),
            "kind": np.repeat(ev.kinds[rows].astype(str), n_dims),
            "score": np.repeat(standing.score[rows], n_dims),
            "dimension": np.tile([DIMENSIONS[d].key for d in dims], len(rows)),
            "dimension_label": np.tile([DIMENSIONS[d].label for d in dims], len(rows)),
            "order": np.tile(np.arange(n_dims), len(rows)),
            "points": parts.ravel(),
            "mean": ev.mean[np.ix_(rows, dims)].ravel(),
            "weight": np.tile(ev.weights[dims], len(rows)),
        }
    )


def why_reading(standing: Standing, rows: np.ndarray) -> str:
    """Why the leader of the shown options is ahead of the runner-up (or of the leaning, when the
    leaning trails), in `core.explain`'s one sentence: the kind of the leaning first, then careers,
    then employers, whichever has two scored options among `rows`."""
    ev = standing.evidence
    scored = [i for i in rows if not np.isnan(standing.score[i])]
    if not scored:
        return "None of these options has a score yet."
    leaning = np.flatnonzero(ev.leaning)
    leaning_kind = str(ev.kinds[leaning[0]]) if len(leaning) else None
    for kind in dict.fromkeys(k for k in (leaning_kind, "career", "employer") if k):
        pair = leading_pair(standing, [i for i in scored if ev.kinds[i] == kind])
        if pair is not None:
            return explain(standing, *pair).sentence()
    top = min(scored, key=lambda i: (ev.kinds[i] != "career", standing.rank[i], i))
    parts = contributions(ev.mean[[top]], ev.weights)[0]
    biggest = int(np.nanargmax(parts))
    return (f"{ev.names[top]} scores {shown(standing.score[top]):.0f}, most of it from {DIMENSIONS[biggest].label} "
            f"({parts[biggest]:.1f} points).")


def why_table(frame: pd.DataFrame) -> pd.DataFrame:
    wide = frame.pivot(index="label", columns="dimension_label", values="points")
    wide = wide.loc[list(dict.fromkeys(frame["label"])), list(dict.fromkeys(frame["dimension_label"]))].round(1)
    totals = frame.drop_duplicates("label").set_index("label")
    wide.insert(0, "Score", totals["score"].loc[wide.index].round(1))
    wide.insert(0, "Kind", totals["kind"].map(KIND_LABEL).loc[wide.index])
    wide.index.name = "Option"
    return wide.reset_index().rename_axis(columns=None)


def why_view(standing: Standing, rows: np.ndarray, *, large: bool = False) -> ChartView:
    frame = why_frame(standing, rows)
    return ChartView(
        reading=why_reading(standing, rows),
        chart=why_chart(frame, large=large),
        table=why_table(frame),
        note=(
            "Each bar is an option's score split into the points each dimension adds (weight × how far its "
            "mean rating is above 1, shared out over the dimensions with evidence). Segments run from the most "
            "important dimension, on the left. Empty cells in the table: no evidence on that dimension. The "
            "sentence compares two options only where both have evidence; a dimension only one of them was rated "
            "on is named as missing evidence, not as points gained or lost. "
            + BOTH_KINDS_NOTE
        ),
    )


def why_chart(frame: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    data = frame.copy()
    data["total_text"] = ["not rated yet" if pd.isna(s) else f"{s:.0f}" for s in data["score"]]
    data["total_x"] = data["score"].fillna(0.0)
    dims = list(dict.fromkeys(data["dimension_label"]))
    rows = list(dict.fromkeys(data["label"]))
    kinds = list(data.drop_duplicates("label")["kind"])
    y = alt.Y("label:N", sort=rows, title=None, axis=row_axis(kinds, labelPadding=6))
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    base = alt.Chart()
    segments = base.mark_bar(stroke="#FFFFFF", strokeWidth=0.5).encode(
        y=y,
        x=alt.X("sum(points):Q", title="Points towards the score (0–100)", scale=x_scale,
                axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        color=colour_in_order("dimension_label:N", dims, DIMENSION_COLOURS),
        order=alt.Order("order:Q"),
        tooltip=[
            alt.Tooltip("option:N", title="Option"),
            alt.Tooltip("dimension_label:N", title="Dimension"),
            alt.Tooltip("points:Q", title="Points", format=".1f"),
            alt.Tooltip("mean:Q", title="Mean rating", format=".2f"),
            alt.Tooltip("weight:Q", title="Weight"),
        ],
    ).transform_filter("isValid(datum.points)")
    totals = base.transform_filter("datum.order == 0").mark_text(
        align="left", dx=5, fontSize=text_size(large), fontWeight="bold"
    ).encode(y=y, x=alt.X("total_x:Q", scale=x_scale), text="total_text:N")
    return layered_chart(segments, totals, rows=data, height=alt.Step(row_step(large)), large=large)

