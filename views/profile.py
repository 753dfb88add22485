"""Profile: two or three options side by side, their mean rating on every dimension (1-5), the
dimensions from most to least important, an employer's inherited values pale and dashed.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from core.dimensions import DIMENSIONS, SCORE_MAX, SCORE_MIN
from core.scoring import Standing
from views.common import (
    OKABE_ITO,
    OUTLINE,
    ChartView,
    colour_in_order,
    join_names,
    layered_chart,
    option_labels,
    text_size,
)
from views.heatmap import cell_text, heatmap_frame

PROFILE_MIN, PROFILE_MAX = 2, 3


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def default_profile_choice(standing: Standing, rows: np.ndarray) -> list[str]:
    """The leaning (if shown) and the best-ranked others of its kind, two in all."""
    ev = standing.evidence
    ranked = [i for i in rows if not np.isnan(standing.score[i])] + [i for i in rows if np.isnan(standing.score[i])]
    leaning = [i for i in ranked if ev.leaning[i]]
    kind = ev.kinds[leaning[0]] if leaning else (ev.kinds[ranked[0]] if ranked else None)
    same_kind = [i for i in ranked if ev.kinds[i] == kind and i not in leaning]
    others = [i for i in ranked if i not in leaning and i not in same_kind]
    picked = (leaning + same_kind + others)[:PROFILE_MIN]
    return [ev.option_ids[i] for i in picked]


def profile_frame(standing: Standing, option_ids: Sequence[str]) -> pd.DataFrame:
    ev = standing.evidence
    rows = np.array([ev.index(o) for o in option_ids], dtype=np.int64)
    frame = heatmap_frame(standing, rows)
    labels = {label: f"{label} ({ev.kinds[i]})" for label, i in zip(option_labels(ev, rows), rows, strict=True)}
    frame["series"] = frame["label"].map(labels)
    frame["dimension_label"] = [
        f"{DIMENSIONS[DIMENSIONS_INDEX[k]].label} · weight {w:.0f}"
        for k, w in zip(frame["dimension"], frame["weight"], strict=True)
    ]
    return frame


DIMENSIONS_INDEX = {d.key: i for i, d in enumerate(DIMENSIONS)}


def profile_reading(frame: pd.DataFrame) -> str:
    wide = frame.pivot(index="dimension", columns="option", values="mean")
    options = list(dict.fromkeys(frame["option"]))
    complete = wide.dropna()
    missing = len(wide) - len(complete)
    gaps = (
        f"{_count(missing, 'dimension')} {'lacks' if missing == 1 else 'lack'} evidence for "
        f"{'one of them' if len(options) == 2 else 'at least one of them'}"
        if missing else "all have evidence on every dimension"
    )
    if len(options) == 2:
        a, b = options
        higher = int((complete[a] > complete[b]).sum())
        lower = int((complete[a] < complete[b]).sum())
        level = len(complete) - higher - lower
        return (f"{a} rates higher than {b} on {higher} dimension{'s' if higher != 1 else ''}, lower on {lower}"
                f"{f' and level on {level}' if level else ''}; {gaps}.")
    best = complete.max(axis=1)
    sole = complete.eq(best, axis=0).sum(axis=1) == 1
    wins = complete[sole].idxmax(axis=1).value_counts()
    counts = join_names([f"{o} on {int(wins.get(o, 0)) or 'none'}" for o in options])
    return f"Where all three have evidence, {counts.replace(' on ', ' rates highest on ', 1)}; {gaps}."


def profile_table(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.assign(cell=cell_text(frame))
    dims = list(dict.fromkeys(frame["dimension"]))
    wide = shown.pivot(index="dimension", columns="label", values="cell").loc[dims, list(dict.fromkeys(frame["label"]))]
    weights = frame.drop_duplicates("dimension").set_index("dimension")["weight"].loc[dims]
    wide.insert(0, "Weight", weights.astype(int).to_numpy())
    wide.insert(0, "Dimension", [DIMENSIONS[DIMENSIONS_INDEX[k]].label for k in dims])
    return wide.reset_index(drop=True).rename_axis(columns=None)


def profile_view(standing: Standing, option_ids: Sequence[str], *, large: bool = False) -> ChartView:
    if not PROFILE_MIN <= len(option_ids) <= PROFILE_MAX:
        raise ValueError(f"a profile compares {PROFILE_MIN} or {PROFILE_MAX} options")
    frame = profile_frame(standing, option_ids)
    return ChartView(
        reading=profile_reading(frame),
        chart=profile_chart(frame, large=large),
        table=profile_table(frame),
        note=(
            "Each bar is an option's mean rating on that dimension, from 1 to 5; the number of ratings is in "
            "brackets. Pale bars with a dashed outline are an employer's career's values (it has none of its own). "
            "Dimensions run from most to least important to you."
        ),
    )


def profile_chart(frame: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    data = frame.copy()
    data["value_text"] = [
        "no evidence" if not h else f"{m:.1f} ({c})"
        for h, m, c in zip(data["has"], data["mean"], data["count"], strict=True)
    ]
    data["bar_end"] = data["mean"].fillna(SCORE_MIN)
    series = list(dict.fromkeys(data["series"]))
    dims = list(dict.fromkeys(data["dimension_label"]))
    step = 20 if large else 15
    y = alt.Y("dimension_label:N", sort=dims, title=None,
              scale=alt.Scale(paddingInner=0.35), axis=alt.Axis(labelPadding=6))
    y_offset = alt.YOffset("series:N", sort=series)
    x_scale = alt.Scale(domain=[SCORE_MIN, SCORE_MAX], nice=False, zero=False)
    tooltip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("dimension_label:N", title="Dimension"),
        alt.Tooltip("mean:Q", title="Mean rating", format=".2f"),
        alt.Tooltip("evidence:N", title="Evidence"),
    ]
    base = alt.Chart().encode(y=y, yOffset=y_offset)
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        x=alt.X("mean:Q", title="Mean rating (1–5)", scale=x_scale, axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        x2=alt.datum(SCORE_MIN),  # bars grow from the bottom of the scale, not from an off-scale 0
        color=colour_in_order("series:N", series, OKABE_ITO),
        opacity=alt.condition("datum.inherited", alt.value(0.45), alt.value(1.0)),
        stroke=alt.condition("datum.inherited", alt.value(OUTLINE), alt.value(None)),
        strokeDash=alt.condition("datum.inherited", alt.value([3, 2]), alt.value([1, 0])),
        tooltip=tooltip,
    ).transform_filter("datum.has")
    labels = base.mark_text(align="left", dx=4, fontSize=text_size(large) - 1).encode(
        x=alt.X("bar_end:Q", scale=x_scale), text="value_text:N", tooltip=tooltip,
    )
    return layered_chart(bars, labels, rows=data, height=alt.Step(step), large=large)

