"""The Decision page's sections, in order (key -> label): each is one chart module of `views`
(`views.acceptability`, `views.ranking`, `views.tornado`) or Ask next (`views.ask_next`).
"""

from __future__ import annotations

SECTIONS: dict[str, str] = {
    "acceptability": "Rank acceptability",
    "ranking": "Ranking",
    "sensitivity": "Sensitivity",
    "ask": "Ask next",
}
