"""Both rankings: each option's score as a bar, its coverage beside it, thin evidence paler.

- `ranking_view`: the Compare page's ranking (careers and employers together or any filter).
  `intervals` can draw a line from low to high across each bar.
- `ranking_intervals_view`: the same bars with the robustness engine's likely range (10th-90th
  percentile) under each (the Decision page's ranking, and the Compare page's when the engine has
  run). `ranking_kind_view` is it for one kind. Built from `core.robustness.Robustness`, never
  recomputed here, so the chart shows only what the verdict is based on.

Both share `ranking_frame`, `ranking_table` and `ranking_bar_colours`, so they read the same.
"""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from core.explain import points_text, shown_difference
from core.robustness import DRAWS, INTERVAL_PERCENTILES, Robustness
from core.scoring import THIN_COVERAGE, Standing
from views.common import (
    BOTH_KINDS_NOTE,
    INTERVAL_COLOUR,
    KIND_COLOUR,
    KIND_LABEL,
    KIND_PLURAL,
    KIND_THIN_COLOUR,
    LEANING_MARK,
    OUTLINE,
    TEXT_ON,
    ChartView,
    join_names,
    layered_chart,
    option_labels,
    percent,
    row_axis,
    row_step,
    scope_rows,
    text_size,
)

# --- Ranking (the Compare page's) -------------------------------------------------------------

# Above this score the label sits inside the bar, so it never runs past the chart's edge.
LABEL_INSIDE_FROM = 50


def _pct(value: float) -> str:
    """A share as a whole percentage, as the ranking prints coverage."""
    return f"{round(100 * value):.0f}%"


def ranking_frame(standing: Standing, rows: np.ndarray) -> pd.DataFrame:
    ev = standing.evidence
    score = standing.score[rows]
    coverage = standing.coverage[rows]
    kinds = ev.kinds[rows].astype(str)
    scored = ~np.isnan(score)
    thin = scored & (coverage < THIN_COVERAGE)
    fill = [
        (KIND_THIN_COLOUR if t else KIND_COLOUR)[k] for k, t in zip(kinds, thin, strict=True)
    ]
    legend = [KIND_LABEL[k] + (", thin evidence" if t else "") for k, t in zip(kinds, thin, strict=True)]
    text = [
        "not rated yet" if not s else f"{sc:.0f} ({_pct(cv)}{', thin' if t else ''})"
        for s, sc, cv, t in zip(scored, score, coverage, thin, strict=True)
    ]
    inside = scored & (np.nan_to_num(score) >= LABEL_INSIDE_FROM)
    return pd.DataFrame(
        {
            "id": [ev.option_ids[i] for i in rows],
            "name": [ev.names[i] for i in rows],
            "label": option_labels(ev, rows),
            "kind": kinds,
            "group": legend,
            "fill": fill,
            "text_colour": [TEXT_ON[f] for f in fill],
            "score": score,
            "coverage": coverage,
            "rank": pd.Series(standing.rank[rows], dtype="Int64").where(scored),  # no score, no rank
            "scored": scored,
            "thin": thin,
            "leaning": ev.leaning[rows],
            "ratings": ev.own_ratings[rows],
            "interviews": ev.interviews[rows],
            "text": text,
            "inside": inside,
        }
    )


def ranking_reading(frame: pd.DataFrame) -> str:
    scored = frame[frame["scored"]]
    if scored.empty:
        return "None of these options has a score yet."
    parts = []
    kinds = [k for k in ("career", "employer") if (scored["kind"] == k).any()]
    for kind in kinds:
        group = scored[scored["kind"] == kind].sort_values(["rank", "name"])
        top = group.iloc[0]
        leaders = group[group["rank"] == 1]
        if len(leaders) > 1:
            parts.append(f"{join_names(list(leaders['name']))} share first place among the {KIND_PLURAL[kind]} "
                         f"at {top['score']:.0f}")
        elif len(group) > 1:
            # The lead as the bars read: the difference of the two shown scores (core.explain).
            gap = shown_difference(top["score"], group.iloc[1]["score"])
            lead = f"{points_text(gap)} ahead of" if gap else "less than a point ahead of"
            parts.append(f"{top['name']} leads the {KIND_PLURAL[kind]} with {top['score']:.0f}, "
                         f"{lead} {group.iloc[1]['name']}")
        else:
            parts.append(f"{top['name']} is the only scored {kind}, at {top['score']:.0f}")
    sentence = "; ".join(parts)
    thin = scored[scored["thin"]]
    if len(thin) == 1:
        row = thin.iloc[0]
        sentence += f"; {row['name']}'s score rests on only {_pct(row['coverage'])} of what matters to you"
    elif len(thin) > 1:
        sentence += f"; {len(thin)} scores rest on less than {_pct(THIN_COVERAGE)} of what matters to you"
    unscored = int((~frame["scored"]).sum())
    if unscored:
        sentence += f"; {unscored} not rated yet"
    return sentence + "."


def ranking_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": frame["rank"].array,
            "Option": frame["label"].to_numpy(),
            "Kind": frame["kind"].map(KIND_LABEL).to_numpy(),
            "Score (0–100)": frame["score"].round(1).to_numpy(),
            "Coverage %": np.where(frame["scored"], (100 * frame["coverage"]).round(), np.nan),
            "Evidence": np.where(
                ~frame["scored"], "not rated yet", np.where(frame["thin"], "thin", "enough")
            ),
            "Ratings": frame["ratings"].to_numpy(),
            "Interviews": frame["interviews"].to_numpy(),
        }
    )


def ranking_view(
    standing: Standing, rows: np.ndarray, *, large: bool = False, intervals: pd.DataFrame | None = None
) -> ChartView:
    """Each option's score, its coverage beside it, thin evidence in a paler colour.

    `intervals` is where the robustness engine's score intervals plug in: a frame with columns
    `id`, `low`, `high` (score points) draws a line across each bar from low to high. Without
    it the chart shows the point scores only.
    """
    frame = ranking_frame(standing, rows)
    return ChartView(
        reading=ranking_reading(frame),
        chart=ranking_chart(frame, large=large, intervals=intervals),
        table=ranking_table(frame),
        note=(
            f"Each bar is a score from 0 to 100; in brackets, its coverage: how much of what matters to you "
            f"(by weight) has evidence. Paler bars rest on less than {_pct(THIN_COVERAGE)}. "
            f"{LEANING_MARK} marks your current leaning. Ranks count within careers and within employers. "
            + BOTH_KINDS_NOTE
        ),
    )


# The ranking legend's order: each kind, then its paler tint for thin evidence.
RANKING_GROUPS = ("Career", "Career, thin evidence", "Employer", "Employer, thin evidence")


def ranking_bar_colours(frame: pd.DataFrame) -> dict[str, Any]:
    """A ranking bar's colour, stroke and stroke width (pass them to `encode`): its kind's colour, paler
    on thin evidence (legend in `RANKING_GROUPS` order), and a dark outline round the current leaning.
    Shared with the Decision page's ranking, so both rankings read the same. `frame` is a `ranking_frame`."""
    groups = [g for g in RANKING_GROUPS if g in set(frame["group"])]
    fill = dict(zip(frame["group"], frame["fill"], strict=True))
    return {
        "color": alt.Color("group:N", title="", scale=alt.Scale(domain=groups, range=[fill[g] for g in groups])),
        "stroke": alt.condition("datum.leaning", alt.value(OUTLINE), alt.value(None)),
        "strokeWidth": alt.condition("datum.leaning", alt.value(2.5), alt.value(0)),
    }


def ranking_chart(
    frame: pd.DataFrame, *, large: bool = False, intervals: pd.DataFrame | None = None
) -> alt.TopLevelMixin:
    data = frame.copy()
    data["coverage_pct"] = (100 * data["coverage"]).round()
    if intervals is not None:
        data = data.merge(intervals[["id", "low", "high"]], on="id", how="left")
    order = list(data["label"])
    base = alt.Chart().encode(
        y=alt.Y("label:N", sort=order, title=None, axis=row_axis(list(data["kind"]), labelPadding=6)),
    )
    tooltip = [
        alt.Tooltip("name:N", title="Option"),
        alt.Tooltip("group:N", title="Kind"),
        alt.Tooltip("score:Q", title="Score", format=".1f"),
        alt.Tooltip("coverage_pct:Q", title="Coverage %"),
        alt.Tooltip("rank:Q", title="Rank in its kind"),
        alt.Tooltip("ratings:Q", title="Ratings"),
    ]
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        x=alt.X("score:Q", title="Score (0–100)", scale=x_scale, axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        **ranking_bar_colours(data),
        tooltip=tooltip,
    ).transform_filter("datum.scored")
    size = text_size(large)
    outside = base.mark_text(align="left", dx=5, fontSize=size).encode(
        x=alt.X("score_or_zero:Q", scale=x_scale), text="text:N", tooltip=tooltip,
    ).transform_calculate(score_or_zero="datum.scored ? datum.score : 0").transform_filter("!datum.inside")
    inside = base.mark_text(align="right", dx=-6, fontSize=size, fontWeight="bold").encode(
        x="score:Q", text="text:N", color=alt.Color("text_colour:N", scale=None), tooltip=tooltip,
    ).transform_filter("datum.inside")
    layers = [bars, outside, inside]
    if intervals is not None:
        layers.append(
            base.mark_rule(color=INTERVAL_COLOUR, strokeWidth=2).encode(x="low:Q", x2="high:Q")
            .transform_filter("isValid(datum.low) && isValid(datum.high)")
        )
    return layered_chart(*layers, rows=data, height=alt.Step(row_step(large)), large=large)


# --- Ranking with score intervals ------------------------------------------------------------------


def _range_text(low: float, high: float) -> str:
    """A likely range as shown, "49–72"; "not rated yet" for an option with no score (and so no range)."""
    return "not rated yet" if np.isnan(low) or np.isnan(high) else f"{low:.0f}–{high:.0f}"


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
    """`ranking_frame` plus each option's likely range (`low`, `high`) and `p_first`."""
    rows = np.asarray(rows, dtype=np.int64)
    frame = ranking_frame(standing, rows)
    frame["low"] = rb.score_low[rows]
    frame["high"] = rb.score_high[rows]
    frame["p_first"] = np.where(frame["scored"], rb.p_first[rows], np.nan)  # no score, no chance
    frame["coverage_pct"] = (100 * frame["coverage"]).round()
    frame["range_text"] = [_range_text(lo, hi) for lo, hi in zip(frame["low"], frame["high"], strict=True)]
    # A label outside the bar starts past the bar's end (the range is drawn under the bar, clear of it).
    frame["text_x"] = np.where(frame["scored"], frame["score"].fillna(0.0), 0.0)
    return frame


def ranking_intervals_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = ranking_table(frame)
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
        **ranking_bar_colours(frame),
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

    `rows` are workspace rows in the order to show (e.g. `views.common.scope_rows(standing, scope)`),
    so the Compare page can use it for any of its filters, careers and employers together included.
    `reading="ranking"` reads the scores as the Compare page does (who leads, by how much);
    the default reads the likely ranges of the top two (the Decision page's question).
    """
    rows = np.asarray(rows, dtype=np.int64)
    frame = ranking_intervals_frame(standing, rb, rows)
    lo, hi = INTERVAL_PERCENTILES
    both = frame["kind"].nunique() > 1
    return ChartView(
        reading=intervals_reading(standing, rb, rows) if reading == "intervals" else ranking_reading(frame),
        chart=ranking_intervals_chart(frame, large=large),
        table=ranking_intervals_table(frame),
        note=(
            "Each bar is a score from 0 to 100 on the evidence so far; in brackets, its coverage: how much of "
            f"what matters to you (by weight) has evidence. Paler bars rest on less than {percent(THIN_COVERAGE)}. "
            f"{LEANING_MARK} marks your current leaning. The grey line under each bar is the score's likely "
            f"range: the middle {hi - lo:.0f}% of its scores over {DRAWS:,} plausible versions of your situation, "
            "where dimensions nobody has rated count too (anywhere from 1 to 5), so a thinly rated option's "
            "range is wide and leans towards the middle of the scale."
            + (f" {BOTH_KINDS_NOTE}" if both else "")
        ),
    )


def ranking_kind_view(standing: Standing, rb: Robustness, kind: str, *, large: bool = False) -> ChartView:
    return ranking_intervals_view(standing, rb, scope_rows(standing, kind), large=large)

