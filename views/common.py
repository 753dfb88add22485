"""What every chart in `views` shares: colours, labels, the filters, empty states, the `ChartView`
every view returns, and the look (fonts, legend, row heights, presentation sizes).

Pure: no Streamlit. Every view is built from a `core.scoring.Standing` (or the engine's results)
by one function that returns a `ChartView` — the chart, a table with the same numbers, and one
plain-language sentence that says what the chart shows. Pages only choose which view to build
and draw it.

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

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from core.dimensions import DIMENSIONS
from core.models import Workspace
from core.scoring import Evidence, Standing

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
# Public for every module of `views`, so the Decision page's charts look like the Compare page's they
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


# --- words every reading shares ---------------------------------------------------------------------

# Scores closer than this (in points) are read as level.
LEVEL_POINTS = 0.5
# How many options a reading names before it sums up the rest.
READING_NAMES = 3


def join_names(items: Sequence[str]) -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C" (the readings of every chart)."""
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def percent(p: float) -> str:
    """A share as a whole percentage; a small non-zero share never reads as 0%."""
    if 0 < p < 0.005:
        return "under 1%"
    if 0.995 < p < 1:
        return "over 99%"
    return f"{round(100 * p)}%"
