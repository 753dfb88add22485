"""What the Compare page (and any export or report) draws: Altair charts, their tables and readings.

Pure: no Streamlit. Every view is built from a `core.scoring.Standing` (and, for History, the
workspace) by one function that returns a `ChartView` — the chart, a table with the same
numbers, and one plain-language sentence that says what the chart shows. Pages only choose
which view to build and draw it.

Design choices, once:
- Colours are colour-blind safe: Okabe & Ito (2008) for careers (blue), employers (orange)
  and up to eight options; Paul Tol's "muted" set for the ten dimensions; ColorBrewer's
  PuOr (orange = low, purple = high) for mean ratings. Nothing relies on colour alone:
  labels, brackets and tooltips say the same.
- The current leaning carries a star (★) in its label and a dark outline.
- Missing evidence is never drawn as a low value: it is a blank, labelled cell or "no evidence".
- `large=True` (presentation mode) enlarges fonts and rows for screen-sharing.
- Charts keep their rows outside Altair's objects until `chart_spec()` puts them inline: no
  global Altair data transformer, no row limit, and no schema check of every row on each build.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from core.dimensions import DIMENSIONS, SCORE_MAX, SCORE_MIN
from core.models import Workspace
from core.scoring import THIN_COVERAGE, Evidence, Standing, contributions, score_history

# --- colours ------------------------------------------------------------------------------

# Yellow last: it is the hardest to see as a thin line on white.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
KIND_COLOUR = {"career": "#0072B2", "employer": "#E69F00"}
# Paler tints of the kind colours, for scores that rest on thin evidence.
KIND_THIN_COLOUR = {"career": "#A6CBE3", "employer": "#F5D48C"}
# Text drawn on top of a filled mark, chosen for contrast with that fill.
TEXT_ON = {"#0072B2": "#FFFFFF", "#E69F00": "#000000", "#A6CBE3": "#000000", "#F5D48C": "#000000"}
# Paul Tol's "muted" qualitative scheme (9 colours) plus his pale grey: one per dimension.
DIMENSION_COLOURS = (
    "#332288", "#88CCEE", "#117733", "#DDCC77", "#CC6677",
    "#AA4499", "#44AA99", "#999933", "#882255", "#DDDDDD",
)  # fmt: skip
# ColorBrewer PuOr, five classes: a mean of 1 is orange, 3 near white, 5 purple.
RATING_COLOURS = ("#E66101", "#FDB863", "#F7F7F7", "#B2ABD2", "#5E3C99")
# A mean at or above this is dark purple and needs white text.
WHITE_TEXT_FROM = 4.2
LEANING_MARK = "★"
OUTLINE = "#222222"
INTERVAL_COLOUR = "#555555"

KIND_LABEL = {"career": "Career", "employer": "Employer"}
KIND_PLURAL = {"career": "careers", "employer": "employers"}

# --- what the user picks ------------------------------------------------------------------

SCOPE_ALL = "all"
SCOPE_CAREERS = "career"
SCOPE_EMPLOYERS = "employer"
_EMPLOYERS_OF = "employers_of:"

ViewName = Literal["ranking", "heatmap", "profile", "why", "history"]
VIEWS: dict[str, str] = {
    "ranking": "Ranking",
    "heatmap": "Heatmap",
    "profile": "Profile",
    "why": "Why",
    "history": "History",
}
PROFILE_MIN, PROFILE_MAX = 2, 3
# Scores closer than this (in points) are read as level.
LEVEL_POINTS = 0.5


def employers_of(career_id: str) -> str:
    return f"{_EMPLOYERS_OF}{career_id}"


def scope_choices(workspace: Workspace) -> dict[str, str]:
    """Every filter the user can pick, as key -> label (labels hold option names: plain text only)."""
    choices = {
        SCOPE_ALL: "Careers and employers",
        SCOPE_CAREERS: "Careers",
        SCOPE_EMPLOYERS: "Employers",
    }
    for option in workspace.options:
        if option.kind == "career":
            choices[employers_of(option.id)] = f"Employers of {option.name}"
    return choices


def scope_mask(standing: Standing, scope: str) -> np.ndarray:
    """Which rows (workspace order) a filter keeps."""
    ev = standing.evidence
    if scope == SCOPE_ALL:
        return np.ones(ev.n, dtype=bool)
    if scope in (SCOPE_CAREERS, SCOPE_EMPLOYERS):
        return np.asarray(ev.kinds == scope, dtype=bool)
    if scope.startswith(_EMPLOYERS_OF):
        career = scope.removeprefix(_EMPLOYERS_OF)
        return np.array([c == career for c in ev.career_of], dtype=bool) & (ev.kinds == "employer")
    raise ValueError(f"unknown filter {scope!r}")


def scope_rows(standing: Standing, scope: str) -> np.ndarray:
    """The rows a filter keeps, careers first, then by rank and name (as `Standing.table()`)."""
    ev = standing.evidence
    rows = np.flatnonzero(scope_mask(standing, scope))
    order = sorted(rows, key=lambda i: (ev.kinds[i] != "career", standing.rank[i], ev.names[i]))
    return np.array(order, dtype=np.int64)


def dimension_order(weights: np.ndarray) -> list[int]:
    """Dimension indices, most important first; equal weights keep the article's order."""
    return sorted(range(len(DIMENSIONS)), key=lambda d: (-weights[d], d))


def option_label(name: str, leaning: bool) -> str:
    return f"{LEANING_MARK} {name}" if leaning else name


def option_labels(evidence: Evidence, rows: Sequence[int]) -> list[str]:
    """The options' labels in every chart and table: the name, starred for the current leaning."""
    return [option_label(evidence.names[i], bool(evidence.leaning[i])) for i in rows]


# --- empty states -------------------------------------------------------------------------

EmptyReason = Literal["no_options", "no_weights", "no_ratings", "none_in_scope", "none_scored"]


@dataclass(frozen=True)
class EmptyState:
    """Why there is nothing to compare yet, and what to do next (the page adds the link)."""

    reason: EmptyReason
    message: str


def empty_state(standing: Standing, scope: str = SCOPE_ALL) -> EmptyState | None:
    ev = standing.evidence
    if ev.n == 0:
        return EmptyState(
            "no_options",
            "There is nothing to compare yet. Add the careers and employers you are considering; "
            "their scores appear here once you have rated them after an interview.",
        )
    if not (ev.weights > 0).any():
        return EmptyState(
            "no_weights",
            "Every dimension has a weight of 0, so nothing counts towards a score. "
            "Give at least one dimension a weight above 0.",
        )
    if int(ev.own_ratings.sum()) == 0:
        return EmptyState(
            "no_ratings",
            "None of your options has a rating yet. Log an interview (or a self-assessment) and "
            "rate the options it informed on the dimensions you talked about.",
        )
    rows = scope_mask(standing, scope)
    if not rows.any():
        what = {SCOPE_CAREERS: "careers", SCOPE_EMPLOYERS: "employers"}.get(scope, "employers linked to this career")
        return EmptyState(
            "none_in_scope",
            f"There are no {what} among your options yet. Pick another filter, or add some.",
        )
    if np.isnan(standing.score[rows]).all():
        return EmptyState(
            "none_scored",
            "None of these options has a rating on a dimension that matters to you yet. Rate them "
            "after your next interview, or pick another filter.",
        )
    return None


# --- the result of every view -------------------------------------------------------------


@dataclass(frozen=True)
class ChartView:
    reading: str  # one plain sentence; may contain option names (escape before Markdown)
    chart: alt.TopLevelMixin
    table: pd.DataFrame  # the same numbers, with column names a participant understands
    note: str = ""  # how to read the chart's marks; no user text


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of a chart built here, its rows inline at the top level (`data.values`):
    a spec that stands alone, for drawing, caching or exporting.

    Not validated against the Vega-Lite schema on every call (that would check every row);
    the unit tests validate every chart's spec instead.
    """
    spec = chart.to_dict(validate=False)
    rows = chart.__dict__.get(_ROWS_ATTRIBUTE)
    if rows is not None and spec.get("data") == {"name": _ROWS.name}:
        spec["data"] = {"values": rows}
    return spec


# --- the look every chart shares ------------------------------------------------------------------
# Public for `core.decision_charts`, so the Decision page's charts look like the Compare page's they
# sit beside: the same fonts, legend, row heights, kind-coloured row labels and presentation sizes.

# Row labels when careers and employers share a chart: careers (listed first) in blue, employers in a
# dark orange; both read as text on white (contrast above 4.5:1).
KIND_LABEL_COLOUR = {"career": "#0072B2", "employer": "#9E5700"}


BOTH_KINDS_NOTE = "With careers and employers together, careers come first (names in blue), then employers (orange)."


def row_axis(kinds: Sequence[str], **axis: Any) -> alt.Axis:
    """A row axis whose labels are coloured by kind when both kinds are listed (careers first);
    `axis` holds any other `alt.Axis` properties.

    The test uses only each label's position, never its text, so no option name enters an expression.
    """
    n_careers, n = sum(k == "career" for k in kinds), len(kinds)
    if 0 < n_careers < n:
        axis["labelColor"] = {
            "condition": {"test": f"datum.index * {n - 1} < {n_careers - 0.5}",
                          "value": KIND_LABEL_COLOUR["career"]},
            "value": KIND_LABEL_COLOUR["employer"],
        }
    return alt.Axis(**axis)


def row_step(large: bool) -> int:
    """The height of one row (an option, a dimension) of a bar chart or heatmap, in pixels."""
    return 36 if large else 26


def text_size(large: bool) -> int:
    """The font size of text drawn on a chart's marks (scores, shares, totals)."""
    return 16 if large else 12


def layered_chart(
    *layers: alt.TopLevelMixin, rows: pd.DataFrame, height: int | alt.Step, large: bool
) -> alt.TopLevelMixin:
    """The finished chart: `layers` (built on `alt.Chart()`, no data of their own) all drawing `rows`,
    `height` high (pixels, or `alt.Step` per row), styled for the page or for presentation (`large`).

    The rows stay outside Altair's own properties: Altair would validate and walk every row (about a
    second for a 200-option heatmap); `chart_spec` puts them in as they are.
    """
    chart = _style(alt.layer(*layers, data=_ROWS).properties(height=height), large)
    object.__setattr__(chart, _ROWS_ATTRIBUTE, _records(rows))
    return chart


def colour_in_order(field: str, values: Sequence[str], colours: Sequence[str], **channel: Any) -> alt.Color:
    """A colour channel giving each of `values` the colour at its place in `colours`, the legend listing
    them in that order; untitled (the values name themselves) unless `channel` says otherwise."""
    values = list(values)
    channel.setdefault("title", "")
    return alt.Color(field, sort=values, scale=alt.Scale(domain=values, range=list(colours[: len(values)])), **channel)


def _style(chart: alt.TopLevelMixin, large: bool) -> alt.TopLevelMixin:
    size = 17 if large else 12
    label_limit, max_columns = (260, 2) if large else (200, 3)
    # The legend sits below the plot, from its left edge: as many columns as the plot's width holds
    # (one on a phone) and labels no longer than that width, so it never runs past the chart's edge.
    column_width = label_limit + 30  # symbol, its gap and the padding between columns
    return chart.configure_axis(
        labelFontSize=size, titleFontSize=size + 1, labelLimit=260 if large else 170
    ).configure_legend(
        labelFontSize=size, titleFontSize=size + 1, orient="bottom", direction="horizontal",
        columns=alt.ExprRef(f"clamp(floor(width / {column_width}), 1, {max_columns})"),
        labelLimit=alt.ExprRef(f"clamp(width - 30, 60, {label_limit})"), symbolSize=150 if large else 100,
    ).configure_view(strokeWidth=0)  # fmt: skip


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN becomes null), by pandas' C encoder: fast for thousands of rows."""
    return json.loads(frame.to_json(orient="records", double_precision=10))


_ROWS_ATTRIBUTE = "_tenfold_rows"
# Where a chart's rows go; without a data source of its own Altair gives each layer an empty one.
_ROWS = alt.NamedData(name="rows")


def _pct(value: float) -> str:
    return f"{round(100 * value):.0f}%"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def join_names(items: Sequence[str]) -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C" (the readings of every chart)."""
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- Ranking --------------------------------------------------------------------------------

# Above this score the label sits inside the bar, so it never runs past the chart's edge.
LABEL_INSIDE_FROM = 50


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
            "rank": standing.rank[rows],
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
            gap = top["score"] - group.iloc[1]["score"]
            parts.append(f"{top['name']} leads the {KIND_PLURAL[kind]} with {top['score']:.0f}, "
                         f"{gap:.0f} point{'s' if round(gap) != 1 else ''} ahead of {group.iloc[1]['name']}")
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
            "Rank": frame["rank"].to_numpy(),
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


# --- Heatmap -------------------------------------------------------------------------------

NO_EVIDENCE = "no evidence"


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
            "text": [
                "—" if not h else f"({c})" if inh else f"{c}"
                for h, c, inh in zip(flat_has, flat_count, flat_inh, strict=True)
            ],
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


def _cell_text(frame: pd.DataFrame) -> pd.Series:
    """A table cell: "3.50 (2)", "3.50 (2) inherited" or "no evidence"."""
    text = frame["mean"].map("{:.2f}".format) + " (" + frame["count"].astype(str) + ")"
    text = text.where(~frame["inherited"], text + " inherited")
    return text.where(frame["has"], NO_EVIDENCE)


def heatmap_table(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.assign(cell=_cell_text(frame))
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
            "Colour: the mean rating, orange for 1 through white for 3 to purple for 5. The number in a "
            "cell is how many ratings it rests on; a number in (brackets) with a dashed outline means the "
            "employer has no rating of its own there and shows its career's. — means no evidence. "
            "Dimensions run from most to least important to you (weight in brackets). In the table: mean (ratings). "
            + BOTH_KINDS_NOTE
        ),
    )


def heatmap_chart(frame: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    data = frame.copy()
    data["mean_text"] = data["mean"].map(lambda m: "" if pd.isna(m) else f"{m:.2f}")
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


# --- Profile --------------------------------------------------------------------------------


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
    shown = frame.assign(cell=_cell_text(frame))
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


# --- Why ------------------------------------------------------------------------------------


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


def why_reading(frame: pd.DataFrame, leaning_kind: str | None = None) -> str:
    totals = frame.drop_duplicates("option")[["option", "kind", "score"]].dropna(subset=["score"])
    if totals.empty:
        return "None of these options has a score yet."
    kinds = [k for k in (leaning_kind, "career", "employer") if k and (totals["kind"] == k).sum() >= 2]
    if not kinds:
        top = totals.sort_values("score", ascending=False).iloc[0]
        parts = frame[frame["option"] == top["option"]].dropna(subset=["points"]).sort_values("points", ascending=False)
        biggest = parts.iloc[0]
        return (f"{top['option']} scores {top['score']:.0f}, most of it from {biggest['dimension_label']} "
                f"({biggest['points']:.1f} points).")
    group = totals[totals["kind"] == kinds[0]].sort_values("score", ascending=False, kind="stable")
    a, b = group.iloc[0], group.iloc[1]
    gap = a["score"] - b["score"]
    if gap < LEVEL_POINTS:
        return f"{a['option']} and {b['option']} are level at {a['score']:.0f} points."
    pa = frame[frame["option"] == a["option"]].set_index("dimension_label")["points"].fillna(0.0)
    pb = frame[frame["option"] == b["option"]].set_index("dimension_label")["points"].fillna(0.0)
    diff = (pa - pb).sort_values(ascending=False)
    ahead = [f"{d} (+{p:.1f})" for d, p in diff.items() if p >= LEVEL_POINTS][:2]
    behind = diff[diff <= -LEVEL_POINTS]
    sentence = f"{a['option']} is {gap:.1f} points ahead of {b['option']}, mostly on {join_names(ahead)}"
    if not behind.empty:
        sentence += f", though {b['option']} gains more on {behind.index[-1]} ({behind.iloc[-1]:.1f})"
    return sentence + "."


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
    leaning = np.flatnonzero(standing.evidence.leaning)
    leaning_kind = str(standing.evidence.kinds[leaning[0]]) if len(leaning) else None
    return ChartView(
        reading=why_reading(frame, leaning_kind),
        chart=why_chart(frame, large=large),
        table=why_table(frame),
        note=(
            "Each bar is an option's score split into the points each dimension adds (weight × how far its "
            "mean rating is above 1, shared out over the dimensions with evidence). Segments run from the most "
            "important dimension, on the left. Empty cells in the table: no evidence on that dimension. "
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


# --- History --------------------------------------------------------------------------------

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


# --- one entry point --------------------------------------------------------------------------


def build_view(
    view: str,
    workspace: Workspace,
    standing: Standing,
    scope: str,
    *,
    chosen: Sequence[str] = (),
    large: bool = False,
    intervals: pd.DataFrame | None = None,
) -> ChartView:
    rows = scope_rows(standing, scope)
    if view == "ranking":
        return ranking_view(standing, rows, large=large, intervals=intervals)
    if view == "heatmap":
        return heatmap_view(standing, rows, large=large)
    if view == "profile":
        return profile_view(standing, chosen, large=large)
    if view == "why":
        return why_view(standing, rows, large=large)
    if view == "history":
        return history_view(workspace, standing, rows, large=large)
    raise ValueError(f"unknown view {view!r}")
