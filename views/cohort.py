"""The counsellor's cohort charts (Altair, no Streamlit): how the cohort weights the ten
dimensions, and which dimensions it has least evidence on — what to cover next session.

Each chart comes with the table it is drawn from (`needs_table`), so a screen reader or a
screen-shared table view shows the same numbers. `large=True` is for presentation mode.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from core.cohort import DimensionNeed
from core.dimensions import BY_KEY, WEIGHT_MAX

COLOUR_WEIGHT = "#0072B2"  # Okabe-Ito blue
COLOUR_NEED = "#D55E00"  # Okabe-Ito vermillion
FONT_NORMAL = 13
FONT_LARGE = 20

NEEDS_COLUMNS = ("Dimension", "Mean weight (0–5)", "Options with no rating (%)", "Need to cover (0–100)")


def _number(value: float, places: int) -> float | None:
    return None if math.isnan(value) else round(value, places)


def needs_table(needs: list[DimensionNeed]) -> pd.DataFrame:
    """One row per dimension, in the article's order, with readable headers."""
    return pd.DataFrame(
        [
            (
                BY_KEY[n.key].label,
                _number(n.mean_weight, 1),
                _number(100 * n.unrated_share, 0),
                _number(100 * n.priority, 0),
            )
            for n in needs
        ],
        columns=list(NEEDS_COLUMNS),
    )


def _style(chart: alt.Chart, large: bool) -> alt.Chart:
    size = FONT_LARGE if large else FONT_NORMAL
    return chart.configure_axis(labelFontSize=size, titleFontSize=size, labelLimit=400).configure_title(
        fontSize=size + 2, anchor="start"
    ).configure_view(strokeWidth=0)


def _step(large: bool) -> alt.Step:
    return alt.Step(40 if large else 30)  # room for every dimension's label, none hidden


def weights_chart(needs: list[DimensionNeed], *, large: bool = False) -> alt.Chart:
    """Mean weight per dimension across the sharing participants (0 = irrelevant, 5 = essential)."""
    data = needs_table(needs)
    order = list(data["Dimension"])
    chart = (
        alt.Chart(data, title="How much the cohort cares")
        .mark_bar(color=COLOUR_WEIGHT)
        .encode(
            y=alt.Y("Dimension:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
            x=alt.X(
                "Mean weight (0–5):Q",
                scale=alt.Scale(domain=[0, WEIGHT_MAX]),
                axis=alt.Axis(values=list(range(WEIGHT_MAX + 1)), format="d"),
                title="Mean weight (0–5)",
            ),
            tooltip=list(NEEDS_COLUMNS[:2]),
        )
        .properties(height=_step(large), width="container")
    )
    return _style(chart, large)


def needs_chart(needs: list[DimensionNeed], *, large: bool = False) -> alt.Chart:
    """Dimensions by how much evidence the cohort still lacks on them, weighted by importance."""
    data = needs_table(needs)
    order = list(data.sort_values("Need to cover (0–100)", ascending=False, kind="stable")["Dimension"])
    chart = (
        alt.Chart(data, title="What to cover next session")
        .mark_bar(color=COLOUR_NEED)
        .encode(
            y=alt.Y("Dimension:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
            x=alt.X(
                "Need to cover (0–100):Q",
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100]),
                title="Need to cover (0–100)",
            ),
            tooltip=list(NEEDS_COLUMNS),
        )
        .properties(height=_step(large), width="container")
    )
    return _style(chart, large)
