"""The weights the scores use (the Weights page): each dimension's share of the total, as bars,
with a table and one sentence that says where they came from (docs/scoring.md, "Weights").

Built from `core.models.Workspace.scoring_weights`, never recomputed here.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.dimensions import BY_KEY, DIMENSION_KEYS
from core.elicitation import NOT_RANKED
from core.models import Workspace
from views.common import KIND_COLOUR, ChartView, join_names, layered_chart, percent, row_step, text_size

# How many of the heaviest dimensions the sentence names.
NAMED = 3
_HOW = {
    "direct": "From the weights you set",
    "order": "From your order of importance alone",
    "swing": "From your order and your swing answers",
}


def weights_frame(workspace: Workspace) -> pd.DataFrame:
    """One row per dimension, largest share first (ties in the dimensions' order)."""
    weights = workspace.scoring_weights
    total = sum(weights.values())
    order = workspace.order if workspace.weights_by != "direct" else None
    rows = [
        {
            "dimension": key,
            "label": BY_KEY[key].label,
            "share": weights[key] / total,
            "weight": weights[key],
            "place": (order[key] if order[key] != NOT_RANKED else None) if order else None,
            "swing": workspace.swings[key] if workspace.weights_by == "swing" and workspace.swings else None,
        }
        for key in DIMENSION_KEYS
    ]
    frame = pd.DataFrame(rows)
    frame["position"] = range(len(frame))
    frame = frame.sort_values(["share", "position"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame["share_text"] = [percent(s) for s in frame["share"]]
    return frame.drop(columns="position")


def weights_reading(workspace: Workspace, frame: pd.DataFrame) -> str:
    """One sentence: how the weights were found, what weighs most and least, what is left out."""
    counted = frame[frame["share"] > 0]
    left_out = frame[frame["share"] == 0]["label"].tolist()
    nothing = f"; {join_names(left_out)} count{'s' if len(left_out) == 1 else ''} for nothing" if left_out else ""
    if counted["share_text"].nunique() == 1:
        same = counted.iloc[0].share_text
        return f"{_HOW[workspace.weights_by]}, every dimension that counts weighs the same ({same}){nothing}."
    tied_first = counted[counted["share_text"] == counted.iloc[0].share_text]
    if len(tied_first) > NAMED:  # naming three of eight equals would single them out
        top = tied_first
        sentence = f"{_HOW[workspace.weights_by]}, {len(top)} dimensions weigh most ({top.iloc[0].share_text} each)"
    else:
        top = counted.iloc[: min(NAMED, len(counted))]
        named = [f"{row.label} ({row.share_text})" for row in top.itertuples()]
        sentence = f"{_HOW[workspace.weights_by]}, {join_names(named)} weigh{'s' if len(named) == 1 else ''} most"
    if len(counted) > len(top):
        least = counted.iloc[-1]
        sentence += f" and {least.label} least ({least.share_text})"
    return sentence + nothing + "."


def weights_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "Dimension": frame["label"],
            "Share of the score": frame["share_text"],
            "Weight (0–5 scale)": [round(w, 2) for w in frame["weight"]],
        }
    )
    if frame["place"].notna().any():
        table.insert(1, "Place", [str(int(p)) if pd.notna(p) else "does not matter" for p in frame["place"]])
    if frame["swing"].notna().any():
        table.insert(2, "Swing (0–100)", [str(int(s)) if pd.notna(s) else "" for s in frame["swing"]])
    return table


def weights_chart(frame: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    labels = frame["label"].tolist()
    y = alt.Y("label:N", sort=labels, title=None)
    x = alt.X("share:Q", title="Share of the score", axis=alt.Axis(format="%"), scale=alt.Scale(domainMin=0))
    tooltip = [
        alt.Tooltip("label:N", title="Dimension"),
        alt.Tooltip("share_text:N", title="Share of the score"),
        alt.Tooltip("weight:Q", title="Weight (0–5 scale)", format=".2f"),
    ]
    bars = alt.Chart().mark_bar(color=KIND_COLOUR["career"]).encode(y=y, x=x, tooltip=tooltip)
    texts = alt.Chart().mark_text(align="left", dx=4, fontSize=text_size(large)).encode(y=y, x=x, text="share_text:N")
    return layered_chart(bars, texts, rows=frame, height=alt.Step(row_step(large)), large=large)


def weights_view(workspace: Workspace, *, large: bool = False) -> ChartView:
    """The weights the scores use, as shares of the total."""
    frame = weights_frame(workspace)
    return ChartView(
        reading=weights_reading(workspace, frame),
        chart=weights_chart(frame, large=large),
        table=weights_table(frame),
        note="Each bar is one dimension's share of every score: the shares add up to 100%.",
    )
