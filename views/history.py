"""History: each option's score after each interview or self-assessment, in date order
(`core.scoring.score_history`), only the entries that changed a score kept.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import pandas as pd

from core.models import Workspace
from core.scoring import Standing, score_history
from views.common import (
    KIND_COLOUR,
    KIND_LABEL,
    LEVEL_POINTS,
    OKABE_ITO,
    ChartView,
    colour_in_order,
    layered_chart,
    option_label,
)

# With more options than colours, lines are coloured by kind instead of by option.
MAX_OPTION_COLOURS = len(OKABE_ITO)


def history_frame(workspace: Workspace, standing: Standing, rows: np.ndarray) -> pd.DataFrame:
    """Each shown option's score after each entry where it changed (the first one included)."""
    ev = standing.evidence
    history = score_history(workspace)
    wanted = {ev.names[i]: i for i in rows}
    history = history[history["option"].isin(wanted)]
    columns = ["date", "entry", "option", "label", "kind", "leaning", "score", "coverage", "change"]
    if history.empty:
        return pd.DataFrame(columns=columns)
    history = history.sort_values(["option", "step"], kind="stable")
    rounded = history["score"].round(6)
    previous = rounded.groupby(history["option"]).shift()
    changed = previous.isna() | (rounded != previous)
    kept = history[changed].copy()
    kept["change"] = (kept["score"] - history["score"].groupby(history["option"]).shift()[changed]).to_numpy()
    kept["leaning"] = kept["option"].map(lambda n: bool(ev.leaning[wanted[n]]))
    kept["label"] = [option_label(n, lean) for n, lean in zip(kept["option"], kept["leaning"], strict=True)]
    order = {ev.names[i]: k for k, i in enumerate(rows)}
    kept = kept.assign(_o=kept["option"].map(order)).sort_values(["step", "_o"], kind="stable")
    return kept[columns].reset_index(drop=True)


def history_reading(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "None of these options has a score yet."
    first_date, last_date = frame["date"].min(), frame["date"].max()
    moves = frame.groupby("option", sort=False)["score"].agg(["first", "last", "count"])
    moves["moved"] = (moves["last"] - moves["first"]).abs()
    top = moves.sort_values("moved", ascending=False, kind="stable").iloc[0]
    name = moves.sort_values("moved", ascending=False, kind="stable").index[0]
    span = f"From {first_date:%d %b %Y} to {last_date:%d %b %Y}"
    if first_date == last_date:
        span = f"On {first_date:%d %b %Y}"
    if top["moved"] < LEVEL_POINTS:
        return f"{span}, no score has changed since its first rating."
    return (f"{span}, {name} moved the most: from {top['first']:.0f} to {top['last']:.0f} "
            f"over {int(top['count'])} updates.")


def history_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Date": frame["date"].to_numpy(),
            "After": frame["entry"].to_numpy(),
            "Option": frame["label"].to_numpy(),
            "Kind": frame["kind"].map(KIND_LABEL).to_numpy(),
            "Score (0–100)": frame["score"].astype(float).round(1).to_numpy(),
            "Change": frame["change"].astype(float).round(1).to_numpy(),
            "Coverage %": (100 * frame["coverage"].astype(float)).round().to_numpy(),
        }
    )


def history_view(workspace: Workspace, standing: Standing, rows: np.ndarray, *, large: bool = False) -> ChartView:
    frame = history_frame(workspace, standing, rows)
    last = max((i.date for i in workspace.interviews), default=None)
    return ChartView(
        reading=history_reading(frame),
        chart=history_chart(frame, last_date=last, large=large),
        table=history_table(frame),
        note=(
            "Each line is an option's score after each interview or self-assessment, in date order; a dot marks "
            "a change. Solid lines are careers, dashed lines employers; the thick line is your current leaning. "
            "The table lists only the entries that changed a score."
        ),
    )


def history_chart(frame: pd.DataFrame, *, last_date: dt.date | None = None, large: bool = False) -> alt.TopLevelMixin:
    data = frame.copy()
    data["point"] = True
    if last_date is not None and not data.empty:
        # Carry every line on to the last entry, so a score that stopped changing still reads as current.
        ends = data.groupby("option", sort=False).tail(1).copy()
        ends = ends[ends["date"] < last_date].assign(date=last_date, point=False, change=np.nan)
        data = pd.concat([data, ends], ignore_index=True)
    data["date"] = data["date"].map(lambda d: d.isoformat())
    labels = list(dict.fromkeys(data["label"]))
    by_option = len(labels) <= MAX_OPTION_COLOURS
    colour = (
        colour_in_order("label:N", labels, OKABE_ITO)
        if by_option
        else alt.Color("kind:N", title="", scale=alt.Scale(domain=list(KIND_COLOUR), range=list(KIND_COLOUR.values())))
    )
    kinds = [k for k in KIND_COLOUR if k in set(data["kind"])]
    base = alt.Chart().encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0, tickCount=6)),
        # Not from 0: the changes are the point here, and the axis says where the range starts.
        y=alt.Y("score:Q", title="Score (0–100)", scale=alt.Scale(zero=False, nice=True, padding=8)),
        color=colour,
        detail="option:N",
    )
    tooltip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("entry:N", title="After"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
        alt.Tooltip("change:Q", title="Change", format="+.1f"),
        alt.Tooltip("coverage:Q", title="Coverage", format=".0%"),
    ]
    lines = base.mark_line(interpolate="step-after").encode(
        strokeDash=alt.StrokeDash(
            "kind:N", title="", scale=alt.Scale(domain=kinds, range=[[1, 0], [6, 3]][: len(kinds)]),
            legend=alt.Legend(labelExpr="datum.label == 'career' ? 'Career' : 'Employer'"),
        ),
        strokeWidth=alt.condition("datum.leaning", alt.value(4.5 if large else 3.5), alt.value(2 if large else 1.6)),
    )
    points = base.mark_point(filled=True, size=90 if large else 45, opacity=1).encode(tooltip=tooltip).transform_filter(
        "datum.point"
    )
    return layered_chart(lines, points, rows=data, height=420 if large else 320, large=large)

