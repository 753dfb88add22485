"""Ask next: the reading and the table of the gaps most likely to change which option comes first
(`core.decision.Gap`, from the engine's `ask_next`). The printable sheet is `views.questions_sheet`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.decision import Gap
from views.common import KIND_LABEL, KIND_PLURAL, join_names

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

