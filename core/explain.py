"""Why one option is ahead of another: the one explanation every page and export shows.

docs/scoring.md, "Explanations". `explain(standing, a, b)` compares two scored options of a
workspace and returns an `Explanation`: the gap between their scores as they are shown, the
dimensions where each gains on the other, and the dimensions where only one of them has
evidence. Compare › Why, the Decision verdict, the report and the cohort view all read it
(`Explanation.sentence`), so they name the same dimensions for the same two options.

- A **gain** is on a dimension where both options have a value: the difference of their
  contributions (`core.scoring.contributions`, the points that dimension adds to each score),
  counted for the option whose rating there is higher.
- A dimension where only one of them has a value is **missing evidence** ("no rating of
  Culture fit for Medical lab technologist yet"), never points gained or lost: the other
  option's value there is unknown, not low.
- Every number quoted is the difference of the numbers shown beside it (`shown_difference`):
  scores are shown as whole points, contributions with one decimal, so "1 point ahead" is what
  a reader gets from bars that read 76 and 75.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.dimensions import BY_KEY, DIMENSION_KEYS
from core.scoring import Standing, contributions

# Decimals of a score as every page shows it (a bar reads "76"), and of a dimension's contribution
# (the Why table reads "4.6").
SCORE_PLACES = 0
CONTRIBUTION_PLACES = 1
# How many dimensions a sentence names on each side (gains, the other's gains, missing evidence).
NAMED_DIMENSIONS = 3


def shown(value: float, places: int = SCORE_PLACES) -> float:
    """A number as it is shown with `places` decimals (the same rounding as the f-strings that draw it)."""
    return float(f"{value:.{places}f}")


def shown_difference(a: float, b: float, places: int = SCORE_PLACES) -> float:
    """The difference a reader computes from the two numbers shown: `shown(a) - shown(b)`.

    The one rule for every difference quoted in words (docs/scoring.md, "Explanations"): two bars
    reading 76 and 75 are "1 point" apart, whatever their unrounded values (76.4 and 74.6).
    """
    return shown(shown(a, places) - shown(b, places), places)


def points_text(points: float, places: int = SCORE_PLACES) -> str:
    """A non-negative number of score points in words: "1 point", "8 points", "4.6 points"."""
    number = f"{points:.{places}f}"
    return f"{number} point" if number == "1" else f"{number} points"


@dataclass(frozen=True)
class Contribution:
    """A dimension where one option gains on the other: ``points`` is the difference of the two
    contributions as shown (one decimal), always above 0."""

    dimension: str
    label: str
    points: float


@dataclass(frozen=True)
class MissingEvidence:
    """A dimension (with a weight above 0) where `option` has no value and the other one has."""

    dimension: str
    label: str
    option: str
    option_name: str


@dataclass(frozen=True)
class Explanation:
    """Why `ahead` scores higher than (or level with) `behind`; see the module notes."""

    ahead: str
    ahead_name: str
    behind: str
    behind_name: str
    ahead_score: float
    behind_score: float
    gap: float  # shown_difference of the two scores: whole points, 0 when they read the same
    gains: tuple[Contribution, ...]  # where `ahead` gains on `behind`, largest first
    losses: tuple[Contribution, ...]  # where `behind` gains on `ahead`, largest first
    missing: tuple[MissingEvidence, ...]  # most important dimension first

    @property
    def level(self) -> bool:
        return self.gap == 0

    @property
    def named(self) -> tuple[str, ...]:
        """The dimension keys a sentence names, in the order it names them: `ahead`'s gains, then
        `behind`'s, then the missing evidence (each up to `NAMED_DIMENSIONS`)."""
        return tuple(
            [c.dimension for c in self.gains[:NAMED_DIMENSIONS]]
            + [c.dimension for c in self.losses[:NAMED_DIMENSIONS]]
            + [m.dimension for m in self.missing[:NAMED_DIMENSIONS]]
        )

    def gains_of(self, option: str) -> tuple[Contribution, ...]:
        """Where `option` (one of the two) gains on the other."""
        return self.gains if option == self.ahead else self.losses

    def sentence(self) -> str:
        """The explanation in one sentence, e.g. "Registered nurse is 8 points ahead of
        Physiotherapist (68 to 60), mainly on Education value (+4.6) and Confidence (+3.2);
        Physiotherapist gains more on Typical day (+10.1); no rating of Lessons learned for
        Physiotherapist yet." """
        a, b = self.ahead_name, self.behind_name
        a_shown, b_shown = f"{shown(self.ahead_score):.0f}", f"{shown(self.behind_score):.0f}"
        if self.level:
            head = f"{a} and {b} are level at {a_shown} points"
            if self.gains:
                head += f"; {a} gains more on {_contribution_list(self.gains)}"
        else:
            head = f"{a} is {points_text(self.gap)} ahead of {b} ({a_shown} to {b_shown})"
            if self.gains:
                head += f", mainly on {_contribution_list(self.gains)}"
        parts = [head]
        if self.losses:
            parts.append(f"{b} gains more on {_contribution_list(self.losses)}")
        if self.missing:
            parts.append(missing_words(self.missing))
        return "; ".join(parts) + "."


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _contribution_list(items: Sequence[Contribution]) -> str:
    return _join([f"{c.label} (+{c.points:.{CONTRIBUTION_PLACES}f})" for c in items[:NAMED_DIMENSIONS]])


def missing_words(missing: Sequence[MissingEvidence]) -> str:
    """"no rating of Lessons learned for Physiotherapist yet", grouped by option, the first
    `NAMED_DIMENSIONS` named and the rest counted."""
    named, more = list(missing[:NAMED_DIMENSIONS]), len(missing) - NAMED_DIMENSIONS
    by_option: dict[str, list[str]] = {}
    for m in named:
        by_option.setdefault(m.option_name, []).append(m.label)
    phrases = [f"no rating of {_join(labels)} for {name} yet" for name, labels in by_option.items()]
    text = _join(phrases)
    if more > 0:
        text += f" (and {more} more dimension{'s' if more != 1 else ''} rated for only one of them)"
    return text


def explain(standing: Standing, first: int, second: int) -> Explanation:
    """Why one of two scored options (workspace rows `first`, `second`) is ahead of the other.

    The one with the higher score is `ahead` (on equal scores, the earlier row). Contributions are
    compared as shown (one decimal); a dimension is a gain for the option whose mean rating
    there is higher and whose contribution, as shown, is larger. Where only one of them has a
    value (and the weight is above 0), the other's lack is missing evidence.
    """
    ev = standing.evidence
    score = standing.score
    if np.isnan(score[first]) or np.isnan(score[second]):
        raise ValueError("only two options with a score can be compared")
    # Ahead: the higher score; on equal scores the earlier option, so the order of the arguments never matters.
    a, b = (second, first) if (score[second], -second) > (score[first], -first) else (first, second)
    parts = contributions(ev.mean[[a, b]], ev.weights)
    weights = ev.weights
    has_a, has_b = ~np.isnan(ev.mean[a]), ~np.isnan(ev.mean[b])
    gains, losses, missing = [], [], []
    for j in sorted(range(len(DIMENSION_KEYS)), key=lambda d: (-weights[d], d)):
        if weights[j] <= 0:
            continue
        key = DIMENSION_KEYS[j]
        label = BY_KEY[key].label
        if has_a[j] and has_b[j]:
            diff = shown_difference(parts[0, j], parts[1, j], CONTRIBUTION_PLACES)
            if diff > 0 and ev.mean[a, j] > ev.mean[b, j]:
                gains.append(Contribution(key, label, diff))
            elif diff < 0 and ev.mean[b, j] > ev.mean[a, j]:
                losses.append(Contribution(key, label, -diff))
        elif has_a[j] != has_b[j]:
            lacking = b if has_a[j] else a
            missing.append(MissingEvidence(key, label, ev.option_ids[lacking], ev.names[lacking]))
    by_points = {"key": lambda c: -c.points}  # stable: equal points keep the importance order
    return Explanation(
        ahead=ev.option_ids[a],
        ahead_name=ev.names[a],
        behind=ev.option_ids[b],
        behind_name=ev.names[b],
        ahead_score=float(score[a]),
        behind_score=float(score[b]),
        gap=shown_difference(score[a], score[b]),
        gains=tuple(sorted(gains, **by_points)),
        losses=tuple(sorted(losses, **by_points)),
        missing=tuple(missing),
    )


def leading_pair(standing: Standing, rows: Sequence[int] | np.ndarray) -> tuple[int, int] | None:
    """The two options of `rows` (one kind) that Compare › Why explains: the leader and the
    leaning when the leaning is scored and behind; otherwise the leader and the runner-up.
    Leader and runner-up by rank, ties by workspace order. None with fewer than two scored."""
    ev = standing.evidence
    scored = [int(i) for i in rows if not np.isnan(standing.score[i])]
    if len(scored) < 2:
        return None
    scored.sort(key=lambda i: (standing.rank[i], i))
    leader = scored[0]
    leaning = [i for i in scored if ev.leaning[i]]
    if leaning and standing.rank[leaning[0]] > standing.rank[leader]:
        return leader, leaning[0]
    if leaning and leaning[0] != leader:  # the leaning shares first place: it leads the comparison
        leader = leaning[0]
    runner = next(i for i in scored if i != leader)
    return leader, runner
