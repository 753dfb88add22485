"""Means, inheritance, scores, coverage and ranks: each rule once, as docs/scoring.md specifies them.

- m(o, d): the mean of every rating of option o on dimension d (interviews and
  self-assessments alike), with its count and spread. "Not discussed" is missing (NaN),
  never 0.
- An employer linked to a career, with no rating of its own on d, takes the career's
  m(career, d), flagged as inherited (`inherit`).
- score(o) = 100 * sum_E w_d (m(o,d) - 1) / (4 * sum_E w_d), over E(o) = the dimensions
  with a value and a weight above 0; no score (NaN) when E is empty (`weighted_scores`).
- coverage(o) = sum_E w_d / sum_d w_d.
- Ranks count within each kind (careers, employers); ties share the best rank (1, 2, 2, 4);
  an unscored option has no rank (it is listed after the scored ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN
from core.elicitation import order_groups
from core.models import Workspace

N_DIMENSIONS = len(DIMENSION_KEYS)
_DIM_INDEX = {key: i for i, key in enumerate(DIMENSION_KEYS)}

# Below this coverage a score is marked as thin evidence wherever it is shown.
THIN_COVERAGE = 0.5
# Scores are rounded to this many decimals before ranking, so float noise never splits a tie.
RANK_DECIMALS = 9
RANK_STEPS_PER_POINT = 10.0**RANK_DECIMALS
# Score points per rating step above the bottom of the scale: the top of the scale is 100.
# The one scale of every score, drawn score and score interval (docs/scoring.md, "Score").
POINTS_PER_UNIT = 100.0 / (SCORE_MAX - SCORE_MIN)
# Options compete within their kind; this is also the order kinds are listed in.
KIND_GROUP = {"career": 0, "employer": 1}


@dataclass(frozen=True)
class Evidence:
    """What a workspace's ratings say about each option, one row per option."""

    option_ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: np.ndarray  # (n,) "career" | "employer"
    career_of: tuple[str | None, ...]  # the linked career's id for employers
    leaning: np.ndarray  # (n,) bool
    mean: np.ndarray  # (n, 10) float, NaN where there is no value
    count: np.ndarray  # (n, 10) int: the ratings behind `mean` (the career's, when inherited)
    spread: np.ndarray  # (n, 10) float: population standard deviation, NaN where no value
    inherited: np.ndarray  # (n, 10) bool
    weights: np.ndarray  # (10,) float
    own_ratings: np.ndarray  # (n,) int: ratings of the option itself
    interviews: np.ndarray  # (n,) int: interviews (not self-assessments) that rated it
    kind_group: np.ndarray = field(init=False)  # (n,) int: KIND_GROUP of each kind, for ranking
    # (10,) int when the weights come from an order alone: each dimension's tie group (0 first,
    # -1 not ranked), so the Monte Carlo samples every weight vector consistent with that order.
    # None when the weights were stated (directly or by swings): drawn around them.
    weight_order: np.ndarray | None = None

    def __post_init__(self) -> None:
        group = np.array([KIND_GROUP[kind] for kind in self.kinds], dtype=np.int64)
        object.__setattr__(self, "kind_group", group)

    @property
    def n(self) -> int:
        return len(self.option_ids)

    def index(self, option_id: str) -> int:
        return self.option_ids.index(option_id)


def rating_sums(workspace: Workspace) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Per (option, dimension): sum of scores, sum of squares and count."""
    position = {option.id: i for i, option in enumerate(workspace.options)}
    rows, cols, values = [], [], []
    for interview in workspace.interviews:
        for rating in interview.ratings:
            rows.append(position[rating.option])
            cols.append(_DIM_INDEX[rating.dimension])
            values.append(rating.score)
    shape = (len(workspace.options), N_DIMENSIONS)
    total = np.zeros(shape)
    squares = np.zeros(shape)
    count = np.zeros(shape, dtype=np.int64)
    if rows:
        r, c, v = np.array(rows), np.array(cols), np.array(values, dtype=float)
        np.add.at(total, (r, c), v)
        np.add.at(squares, (r, c), v * v)
        np.add.at(count, (r, c), 1)
    return total, squares, count, position


def _means(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """m(o, d): the mean of the ratings summed in `total`, NaN (not discussed) where there are none."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _career_rows(workspace: Workspace, position: dict[str, int]) -> np.ndarray:
    """Each option's career as a row of the workspace's options, -1 for none."""
    return np.array([position.get(o.career, -1) if o.career else -1 for o in workspace.options], dtype=np.int64)


def inherit(mean: np.ndarray, career_rows: np.ndarray, *alongside: np.ndarray) -> tuple[np.ndarray, ...]:
    """The inheritance rule (docs/scoring.md, "Inheritance"), the one place it is written.

    An option linked to a career (`career_rows`, (n,): the career's row, -1 for none) that has
    no value of its own on a dimension takes its career's value there, if the career has one.
    `mean` is (..., n, 10): leading axes are kept apart (e.g. one matrix per step of the
    history). Returns the inherited mask (shape of `mean`), then `mean` and each array of
    `alongside` (the same shape, e.g. spread and count) with the inherited cells taken from
    the career's row.
    """
    linked = career_rows >= 0
    if not linked.any():
        return (np.zeros(mean.shape, dtype=bool), mean, *alongside)
    source = np.where(linked, career_rows, 0)
    inherited = linked[:, None] & np.isnan(mean) & ~np.isnan(mean[..., source, :])
    return (inherited, *(np.where(inherited, values[..., source, :], values) for values in (mean, *alongside)))


def _weights(workspace: Workspace) -> np.ndarray:
    """The weights scores use: the stated 0-5 ones, or those derived from an order or swings."""
    weights = workspace.scoring_weights
    return np.array([weights[k] for k in DIMENSION_KEYS], dtype=float)


def _weight_order(workspace: Workspace) -> np.ndarray | None:
    if workspace.weights_by != "order" or workspace.order is None:
        return None
    return np.array(order_groups(workspace.order), dtype=np.int64)


def evidence(workspace: Workspace) -> Evidence:
    total, squares, count, position = rating_sums(workspace)
    mean = _means(total, count)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.where(count > 0, squares / count - mean * mean, np.nan)
    spread = np.sqrt(np.clip(variance, 0, None))
    inherited, mean, spread, count = inherit(mean, _career_rows(workspace, position), spread, count)

    own = np.zeros(len(workspace.options), dtype=np.int64)
    interviewed = np.zeros(len(workspace.options), dtype=np.int64)
    for interview in workspace.interviews:
        rated = {position[r.option] for r in interview.ratings}
        for row in rated:
            if interview.kind == "interview":
                interviewed[row] += 1
        for rating in interview.ratings:
            own[position[rating.option]] += 1

    return Evidence(
        option_ids=tuple(o.id for o in workspace.options),
        names=tuple(o.name for o in workspace.options),
        kinds=np.array([o.kind for o in workspace.options], dtype=object),
        career_of=tuple(o.career for o in workspace.options),
        leaning=np.array([o.leaning for o in workspace.options], dtype=bool),
        mean=mean,
        count=count,
        spread=spread,
        inherited=inherited,
        weights=_weights(workspace),
        own_ratings=own,
        interviews=interviewed,
        weight_order=_weight_order(workspace),
    )


# --- The score: one formula, for the ranking and the contributions ---------------------------


def weighted_scores(mean: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score (0-100, NaN when no evidence counts) and coverage (0-1) for each row of `mean`.

    The score formula of docs/scoring.md, written once: the ranking, the history and the
    pages' scores come from here, `contributions` splits it by dimension, and the sensitivity
    and the Monte Carlo, which need it in other vectorised forms, are tested against it.
    `mean` may carry leading axes (..., n, 10), e.g. one matrix per step of the history; NaN
    in it is "no value".
    """
    mean, weights = np.asarray(mean, dtype=np.float64), _as_weights(weights)
    has, used = _evidence_weight(mean, weights)
    points = _sum_in_order(np.where(has, weights * (mean - SCORE_MIN), 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(used > 0, points * POINTS_PER_UNIT / used, np.nan)
    total = _sum_in_order(weights)
    coverage = used / total if total > 0 else np.zeros_like(used)
    return score, coverage


def contributions(mean: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each dimension's share of each option's score, in score points: the terms of the score's
    sum over the same E(o), so each row adds up to `weighted_scores` (NaN where no value)."""
    mean, weights = np.asarray(mean, dtype=np.float64), _as_weights(weights)
    has, used = _evidence_weight(mean, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        part = POINTS_PER_UNIT * weights * (mean - SCORE_MIN) / used[..., None]
    return np.where(has & (used[..., None] > 0), part, np.nan)


def _evidence_weight(mean: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E(o) for each row of `mean`, the dimensions where it has a value, and sum_E w_d (a weight of
    0 adds nothing, so it is as if E held only the dimensions with a weight above 0)."""
    has = ~np.isnan(mean)
    return has, _sum_in_order(np.where(has, weights, 0.0))


def _sum_in_order(values: np.ndarray) -> np.ndarray:
    """Sum over the last axis, one dimension after the other. `np.sum` pairs the terms up
    differently, which can change the last bit of a score, and so of every number shown."""
    return np.cumsum(values, axis=-1)[..., -1]


def _as_weights(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (N_DIMENSIONS,):
        raise ValueError(f"expected {N_DIMENSIONS} weights, got an array of shape {weights.shape}")
    return weights


# --- Ranks -------------------------------------------------------------------------------------


def ranks_within_kind(score: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Competition ranks (1, 2, 2, 4) among options of the same kind; unscored last.

    `kinds` may hold any labels (e.g. "career"/"employer"): options with equal labels compete.
    """
    _labels, group = np.unique(np.asarray(kinds), return_inverse=True)
    return _competition_ranks(np.asarray(score, dtype=np.float64), group.reshape(-1))


def rank_options(
    mean: np.ndarray, weights: np.ndarray, kind_group: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score, coverage and rank within kind of each row of `mean` (n, 10).

    `kind_group` is `Evidence.kind_group`: 0 for careers, 1 for employers.
    """
    score, coverage = weighted_scores(mean, weights)
    return score, coverage, _competition_ranks(score, np.asarray(kind_group))


def _competition_ranks(score: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Ranks among the options of each group (0, 1, ...): one more than the options of the group
    with a better score, so ties share the best place (1, 2, 2, 4); no score (NaN) shares the
    place after every scored option of its group.

    Scores are compared as whole numbers of 1 / `RANK_STEPS_PER_POINT` points, so float noise
    never splits a tie.
    """
    key = -np.rint(score * RANK_STEPS_PER_POINT)  # negated: the best sorts first, NaN (no score) last
    rank = np.empty(len(key), dtype=np.int64)
    for g in range(int(group.max()) + 1 if len(group) else 0):
        members = group == g
        mine = key[members]
        # Sorted, the first position of a key counts the better keys before it (NaN: every scored one).
        rank[members] = np.searchsorted(np.sort(mine), mine) + 1
    return rank


@dataclass(frozen=True)
class Standing:
    """Scores, coverage and ranks of every option, in workspace order.

    ``rank`` orders the options within their kind; for an unscored option it is only its place in
    the listing (after every scored option) and is never shown: such an option has no rank
    (`shown_rank`, and the table's ``rank`` column, leave it empty).
    """

    evidence: Evidence
    score: np.ndarray
    coverage: np.ndarray
    rank: np.ndarray

    def shown_rank(self, row: int) -> int | None:
        """The rank to show for one option: None for an option with no score (docs/scoring.md)."""
        return None if np.isnan(self.score[row]) else int(self.rank[row])

    def table(self) -> pd.DataFrame:
        """One row per option, careers first, then by rank and name; ``rank`` is empty (NA) for an
        unscored option, which the sort still lists after the scored ones."""
        ev = self.evidence
        frame = pd.DataFrame(
            {
                "id": ev.option_ids,
                "name": ev.names,
                "kind": ev.kinds,
                "score": self.score,
                "coverage": self.coverage,
                "rank": self.rank,
                "leaning": ev.leaning,
                "thin": self.coverage < THIN_COVERAGE,
                "ratings": ev.own_ratings,
                "interviews": ev.interviews,
            }
        )
        kind_order = frame["kind"].map(KIND_GROUP)
        frame = (
            frame.assign(_kind=kind_order)
            .sort_values(["_kind", "rank", "name"], kind="stable")
            .drop(columns="_kind")
            .reset_index(drop=True)
        )
        frame["rank"] = frame["rank"].astype("Int64").mask(frame["score"].isna())
        return frame


def standing(workspace: Workspace) -> Standing:
    ev = evidence(workspace)
    return Standing(ev, *rank_options(ev.mean, ev.weights, ev.kind_group))


def score_history(workspace: Workspace) -> pd.DataFrame:
    """Each option's score after each interview or self-assessment, in date order.

    One row per (entry, option) once the option has a score; inheritance applies at every step.
    """
    if not workspace.interviews or not workspace.options:
        return pd.DataFrame(columns=["step", "date", "entry", "option", "kind", "score", "coverage"])
    position = {option.id: i for i, option in enumerate(workspace.options)}
    entries = sorted(workspace.interviews, key=lambda i: (i.date, i.id))
    n_steps, n_options = len(entries), len(workspace.options)
    total = np.zeros((n_steps, n_options, N_DIMENSIONS))
    count = np.zeros((n_steps, n_options, N_DIMENSIONS))
    for step, entry in enumerate(entries):
        for rating in entry.ratings:
            total[step, position[rating.option], _DIM_INDEX[rating.dimension]] += rating.score
            count[step, position[rating.option], _DIM_INDEX[rating.dimension]] += 1
    mean = _means(total.cumsum(axis=0), count.cumsum(axis=0))
    _inherited, mean = inherit(mean, _career_rows(workspace, position))
    score, coverage = weighted_scores(mean, _weights(workspace))
    steps, options_idx = np.nonzero(~np.isnan(score))
    return pd.DataFrame(
        {
            "step": steps + 1,
            "date": np.array([e.date for e in entries], dtype=object)[steps],
            "entry": np.array([_entry_label(e) for e in entries], dtype=object)[steps],
            "option": [workspace.options[o].name for o in options_idx],
            "kind": [workspace.options[o].kind for o in options_idx],
            "score": score[steps, options_idx],
            "coverage": coverage[steps, options_idx],
        }
    )


def _entry_label(entry) -> str:  # type: ignore[no-untyped-def]
    if entry.kind == "self":
        return f"{entry.date:%d %b}: self-assessment"
    return f"{entry.date:%d %b}: {entry.contact.name}"
