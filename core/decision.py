"""The decision engine: confirm or adjust the current leaning, and say what to ask next.

For page, export and CLI authors: call `decide(workspace)` once and read the `Decision` it
returns. It bundles, for one workspace (pure: no Streamlit, no database):

- ``standing``    `core.scoring.Standing`: deterministic scores, coverage and ranks.
- ``robustness``  `core.robustness.Robustness`: per option ``p_first`` (how often it comes
  first among its kind when weights and ratings vary within what we know), the rank
  distribution, a score interval and the central weights. Seeded: same seed, same numbers.
- ``kind``        the kind the verdict is about: the leaning's kind; with no leaning,
  careers (the field usually comes before the organisation), or employers if there are
  no careers. None when the workspace has no options.
- ``sensitivity`` `Sensitivity` for that kind: for each dimension, the exact range its
  weight (0-5, the others held where they are) can take before the current top option
  of the kind stops being first, and who takes over at each end.
- ``verdict``     `Verdict`: ``code`` is exactly one of ``confirmed``, ``close_call``,
  ``reconsider``, ``not_enough_evidence``; ``headline`` is one plain sentence;
  ``rival``, ``deciding`` and ``detail`` say why. With no leaning, the verdict is about
  the option the evidence favours (``is_leaning`` is False).
- ``ask_next``    up to `ASK_NEXT_COUNT` `Gap` items: the (option, dimension) pairs whose
  answer could most change the decision, with the dimension's suggested questions and a
  plain reason.

`thresholds_in_words()` states every threshold for the page, and `Decision.table()` gives
one row per option (standing + robustness + verdict on the leaning's row) for exports.
`core.summary.summary_csv(decision)` turns it into the decision summary CSV; for the ranking
chart's intervals: ``decision.robustness.intervals()``. `VERDICTS` is the one table of the
four verdict codes with their plain labels.

How each part is computed is documented where it is defined below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.dimensions import BY_KEY, DIMENSION_KEYS, SCORE_MAX, SCORE_MIN, WEIGHT_MAX
from core.elicitation import whole_weight
from core.explain import Explanation, explain
from core.models import OPTION_KINDS, Workspace
from core.robustness import DEFAULT_SEED, DRAWS, RATING_SD, Robustness, cell_model, profile_score, robustness
from core.scoring import (
    POINTS_PER_UNIT,
    RANK_DECIMALS,
    THIN_COVERAGE,
    Evidence,
    Standing,
    ranks_within_kind,
    standing,
    weighted_scores,
)

# --- Thresholds: named once, shown to the user by `thresholds_in_words`. ----------------------

# Confirmed: the leaning ranks first and comes first in at least this share of plausible cases,
# i.e. in three cases out of five, a clear majority and not a coin toss.
CONFIRM_P = 0.60
# Reconsider: a rival that scores higher comes first in at least this share, i.e. more often
# than every other option together (the leaning included).
RECONSIDER_P = 0.50
# Reconsider, too, when the leaning is not first and comes first in fewer than this share of
# cases: several rivals may share the wins, but the leaning is an outsider.
OUTSIDER_P = 0.10
# Not enough evidence: the leaning's ratings must cover at least this share of what matters
# (the same line below which a score is marked as thin evidence everywhere else) ...
MIN_COVERAGE = THIN_COVERAGE
# ... it needs at least this many ratings of its own (one conversation rarely covers more), and
# at least one rival of its kind must pass both tests, or there is nothing to weigh it against.
MIN_RATINGS = 3
# How many dimensions a verdict names as deciding.
DECIDING_DIMENSIONS = 3
# Ask next: how many gaps to suggest, which options count as contenders (their gaps come
# first), and how many ratings of its own a dimension needs before it stops being a gap.
ASK_NEXT_COUNT = 5
CONTENDER_P = 0.05
SETTLED_RATINGS = 2
# Sensitivity: the weight scale the participant sets (0-5).
SENSITIVITY_MAX_WEIGHT = float(WEIGHT_MAX)
# One answer "could be enough" to change the top when it crosses the gap this often.
FLIP_CHANCE_WORTH_SAYING = 0.10

# --- The four verdicts: one table that every page and file reads. ------------------------------

CONFIRMED = "confirmed"
CLOSE_CALL = "close_call"
RECONSIDER = "reconsider"
NOT_ENOUGH_EVIDENCE = "not_enough_evidence"


@dataclass(frozen=True)
class VerdictOutcome:
    """One of the four answers a verdict can give.

    ``code`` is what files and programs carry (`Verdict.code`, the CSVs' ``verdict`` column);
    ``label`` is the answer in plain words, for a table cell or a heading; ``colour`` is its
    colour where a file colours it (the charts' colour-blind-safe family; the label always
    says it too). How Streamlit draws each one (box and icon) is up to `ui.decision_panel`.
    """

    code: str
    label: str
    colour: str


VERDICTS: tuple[VerdictOutcome, ...] = (
    VerdictOutcome(CONFIRMED, "Confirmed", "#009E73"),
    VerdictOutcome(CLOSE_CALL, "Close call", "#E69F00"),
    VerdictOutcome(RECONSIDER, "Reconsider", "#D55E00"),
    VerdictOutcome(NOT_ENOUGH_EVIDENCE, "Not enough evidence yet", "#777777"),
)
VERDICT_BY_CODE: dict[str, VerdictOutcome] = {v.code: v for v in VERDICTS}
VERDICT_CODES: tuple[str, ...] = tuple(VERDICT_BY_CODE)


def verdict_label(code: str | None) -> str:
    """A verdict code in plain words; "" for no verdict (no leaning). An unknown code is an error."""
    return VERDICT_BY_CODE[code].label if code else ""


_KIND_PLURAL = {"career": "careers", "employer": "employers"}
# Scores closer than this (on 0-100) count as equal, as in `core.scoring.ranks_within_kind`.
_SCORE_TOLERANCE = 10.0**-RANK_DECIMALS


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _percent(p: float) -> str:
    return f"{round(100 * p)}%"


def thresholds_in_words() -> tuple[str, ...]:
    """Every verdict threshold as a plain sentence, for the Decision page."""
    return (
        f"We try {DRAWS:,} plausible versions of your situation: your weights nudged a little either way, "
        "and each rating moved within what your conversations support (one rating moves more than "
        "several that agree; a dimension nobody has rated can land anywhere from 1 to 5).",
        f"Confirmed: your leaning has the best score of its kind and comes first in at least "
        f"{_percent(CONFIRM_P)} of those versions.",
        f"Reconsider: another option scores higher and comes first in at least {_percent(RECONSIDER_P)} "
        f"of the versions, or your leaning trails and comes first in fewer than {_percent(OUTSIDER_P)}.",
        "Close call: anything in between.",
        f"Not enough evidence yet: your leaning's ratings cover less than {_percent(MIN_COVERAGE)} of what "
        f"matters to you, or it has fewer than {MIN_RATINGS} ratings of its own, or no other option of its "
        "kind has that much evidence.",
    )


# --- Sensitivity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightRange:
    """How far one dimension's weight can move before the top option changes.

    The weight runs over 0-`SENSITIVITY_MAX_WEIGHT` with every other weight held where it
    is. The top option stays first (ties sharing first count as first) for every weight in
    ``low``-``high``, an interval around the stated ``weight``; these are exact real numbers,
    so a page may say "from 1.6 to 5" even though the slider takes whole numbers.
    ``below``/``above`` name the option that comes first once the weight goes below
    ``low``/above ``high`` (None when that end is 0 or the maximum and nothing changes).
    One edge case: an option whose only evidence is this dimension has no score at weight
    0, so its interval can reach down to 0 without including it; ``below`` then says who
    leads at 0.
    """

    dimension: str
    label: str
    weight: float
    low: float
    high: float
    below: str | None
    above: str | None
    below_name: str | None
    above_name: str | None

    @property
    def changes(self) -> bool:
        return self.below is not None or self.above is not None


@dataclass(frozen=True)
class Sensitivity:
    """One `WeightRange` per dimension, for the current top option `top` of `kind`."""

    kind: str
    top: str
    top_name: str
    ranges: tuple[WeightRange, ...]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.ranges])


def _crossings(p_r: float, q_r: float, r_r: float, s_r: float, p, q, r, s, limit: float) -> np.ndarray:
    """Weights t in (0, limit) where (p_r + q_r t)/(r_r + s_r t) equals (p + q t)/(r + s t).

    Cross-multiplied, the difference of two such ratios is the quadratic
    c2 t^2 + c1 t + c0 with the coefficients below (exactly linear when both or neither
    option has evidence on the dimension). `p, q, r, s` are arrays, one entry per rival.
    """
    c2 = q_r * s - q * s_r
    c1 = p_r * s + q_r * r - p * s_r - q * r_r
    c0 = p_r * r - p * r_r
    scale = np.maximum.reduce([np.abs(c2), np.abs(c1), np.abs(c0), np.full_like(c0, 1e-300)])
    c2, c1, c0 = c2 / scale, c1 / scale, c0 / scale
    roots = []
    eps = 1e-14
    linear = np.abs(c2) < eps
    with np.errstate(divide="ignore", invalid="ignore"):
        lin = linear & (np.abs(c1) >= eps)
        roots.append(-c0[lin] / c1[lin])
        quad = ~linear
        disc = c1[quad] ** 2 - 4 * c2[quad] * c0[quad]
        disc = np.where((disc < 0) & (disc > -1e-12), 0.0, disc)
        real = disc >= 0
        b, a, c, d = c1[quad][real], c2[quad][real], c0[quad][real], np.sqrt(disc[real])
        # Numerically stable pair of roots: q = -(b + sign(b) sqrt(disc)) / 2; t = q/a and c/q.
        half = -0.5 * (b + np.where(b >= 0, 1.0, -1.0) * d)
        roots.append(half / a)
        roots.append(np.where(half != 0, c / np.where(half != 0, half, 1.0), np.nan))
    found = np.concatenate(roots) if roots else np.zeros(0)
    found = found[np.isfinite(found)]
    return found[(found > 0) & (found < limit)]


@dataclass(frozen=True)
class _Scores:
    """Each option's score (0-100) as a function of one weight t: (p + q t) / (r + s t)."""

    p: np.ndarray
    q: np.ndarray
    r: np.ndarray
    s: np.ndarray

    @classmethod
    def along(cls, mean: np.ndarray, weights: np.ndarray, j: int) -> _Scores:
        """The scores of the rows of `mean` (n, 10) as dimension j's weight t runs, every other
        weight held at `weights` (see `sensitivity`): `core.scoring.weighted_scores` in closed
        form, and a test holds the two together."""
        value = mean - SCORE_MIN
        has = ~np.isnan(value)
        value = np.nan_to_num(value)
        others = weights.astype(float).copy()
        others[j] = 0.0
        return cls(
            p=POINTS_PER_UNIT * (has * value * others).sum(axis=1),
            q=POINTS_PER_UNIT * np.where(has[:, j], value[:, j], 0.0),
            r=(has * others).sum(axis=1),
            s=has[:, j].astype(float),
        )

    def at(self, t: float) -> np.ndarray:
        """Scores at weight t; -inf for an option with no score there."""
        den = self.r + self.s * t
        scored = den > 0
        return np.where(scored, (self.p + self.q * t) / np.where(scored, den, 1.0), -np.inf)

    def first_at(self, top: int, t: float) -> tuple[bool, int | None]:
        """Is `top` first at weight t (ties count as first)? If not, who leads (None: nobody)."""
        scores = self.at(t)
        best = scores.max()
        if not np.isfinite(best):
            return False, None
        if np.isfinite(scores[top]) and scores[top] >= best - _SCORE_TOLERANCE:
            return True, None
        return False, int(np.argmax(scores))


def _edge(scores: _Scores, top: int, points: np.ndarray, here: int, step: int) -> tuple[float, int | None]:
    """From the stated weight (points[here]) towards one end (step -1 or +1): the last weight where
    `top` is still first, and the option that leads beyond it (None if nothing changes)."""
    i = here
    while 0 <= i + step < len(points):
        middle = (points[i] + points[i + step]) / 2
        first, taker = scores.first_at(top, middle)
        if not first:
            return float(points[i]), taker
        first, taker = scores.first_at(top, points[i + step])
        if not first:  # only at weight 0, where an option whose only evidence is this dimension loses its score
            return float(points[i + step]), taker
        i += step
    return float(points[i]), None


def sensitivity(
    ev: Evidence, kind: str, top: str | None = None, *, max_weight: float = SENSITIVITY_MAX_WEIGHT
) -> Sensitivity | None:
    """Exact weight ranges for the top option of `kind` (None if no option of it has a score).

    With the weight t of dimension j free and every other weight fixed, each option's score
    is a ratio of linear functions, ``(P + Q t) / (R + S t)``: P and R sum over the other
    dimensions with a value for that option (so E(o) differs between options, as it
    should), and Q = m(o, j) - 1, S = 1 when the option has a value on j (Q = S = 0 when it
    has not). Two such scores are equal where a quadratic in t vanishes, so the only
    weights where the order can change are those roots (plus 0, where an option whose only
    evidence is j loses its score). Between consecutive roots nothing changes; checking one
    point inside each piece and the roots themselves gives the interval exactly.

    `top` is the option whose place is tested; by default the current first of the kind
    (the leaning if it shares first place, else the earliest).
    """
    members = np.flatnonzero(ev.kinds == kind)
    if not len(members):
        return None
    score, _ = weighted_scores(ev.mean, ev.weights)
    if np.isnan(score[members]).all():
        return None
    if top is None:
        rank = ranks_within_kind(score[members], ev.kinds[members])
        firsts = members[rank == 1]
        leaning_first = firsts[ev.leaning[firsts]]
        top_row = int(leaning_first[0] if len(leaning_first) else firsts[0])
    else:
        top_row = ev.index(top)
    r = int(np.flatnonzero(members == top_row)[0])
    rivals = np.arange(len(members)) != r

    ranges = []
    for j, key in enumerate(DIMENSION_KEYS):
        scores = _Scores.along(ev.mean[members], ev.weights, j)
        p, q, rr, s = scores.p, scores.q, scores.r, scores.s
        roots = _crossings(p[r], q[r], rr[r], s[r], p[rivals], q[rivals], rr[rivals], s[rivals], max_weight)
        stated = float(ev.weights[j])
        points = np.unique(np.concatenate([[0.0, max_weight, stated], roots]))
        here = int(np.searchsorted(points, stated))
        low, below = _edge(scores, r, points, here, -1)
        high, above = _edge(scores, r, points, here, +1)
        ranges.append(
            WeightRange(
                dimension=key,
                label=BY_KEY[key].label,
                weight=stated,
                low=low,
                high=high,
                below=None if below is None else ev.option_ids[members[below]],
                above=None if above is None else ev.option_ids[members[above]],
                below_name=None if below is None else ev.names[members[below]],
                above_name=None if above is None else ev.names[members[above]],
            )
        )
    return Sensitivity(kind=kind, top=ev.option_ids[top_row], top_name=ev.names[top_row], ranges=tuple(ranges))


# --- Verdict ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The answer for the leaning (or, with no leaning, for the option the evidence favours).

    ``explanation`` is the one explanation (`core.explain.explain`) of the option and its
    rival: which is ahead, by how much as shown, the dimensions where each gains and the
    evidence one of them lacks. Every page says it with `Explanation.sentence`.
    ``deciding`` lists up to `DECIDING_DIMENSIONS` (dimension key, score points) pairs taken
    from it: for ``reconsider`` and ``close_call`` the dimensions where the rival gains most on
    the option, for ``confirmed`` those where the option gains most on its runner-up (the
    best-ranked rival). Only dimensions both were rated on can be deciding.
    ``p_first`` and ``rival_p_first`` come from `core.robustness`.
    """

    code: str
    headline: str
    detail: str
    option: str | None
    option_name: str | None
    is_leaning: bool
    kind: str | None
    p_first: float | None
    rival: str | None = None
    rival_name: str | None = None
    rival_p_first: float | None = None
    deciding: tuple[tuple[str, float], ...] = ()
    explanation: Explanation | None = None

    @property
    def deciding_labels(self) -> tuple[str, ...]:
        return tuple(BY_KEY[key].label for key, _ in self.deciding)


def _join(labels: list[str] | tuple[str, ...]) -> str:
    labels = list(labels)
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def present_kinds(ev: Evidence) -> tuple[str, ...]:
    """The kinds with at least one option, careers first: the decisions this workspace holds."""
    return tuple(kind for kind in OPTION_KINDS if (ev.kinds == kind).any())


def focus_kind(ev: Evidence) -> str | None:
    """The kind the pages show first: the career leaning's, else the employer leaning's; with no
    leaning careers (the field usually comes before the organisation), else employers."""
    for kind in OPTION_KINDS:
        if (ev.leaning & (ev.kinds == kind)).any():
            return kind
    kinds = present_kinds(ev)
    return kinds[0] if kinds else None


def _favourite(now: Standing, rb: Robustness, members: np.ndarray) -> int | None:
    """The best-ranked scored option of a kind; ties go to the higher p_first, then the earlier."""
    scored = members[~np.isnan(now.score[members])]
    if not len(scored):
        return None
    best = scored[now.rank[scored] == now.rank[scored].min()]
    return int(best[np.argmax(rb.p_first[best])])


def _why(now: Standing, gainer: int, other: int) -> dict:
    """The verdict's explanation of `gainer` against `other`, and the dimensions where `gainer`
    gains most (its deciding dimensions), both from `core.explain.explain`."""
    explanation = explain(now, gainer, other)
    gains = explanation.gains_of(now.evidence.option_ids[gainer])[:DECIDING_DIMENSIONS]
    return {"explanation": explanation, "deciding": tuple((c.dimension, c.points) for c in gains)}


def _enough(now: Standing, row: int) -> bool:
    return bool(now.coverage[row] >= MIN_COVERAGE and now.evidence.own_ratings[row] >= MIN_RATINGS)


def judge(now: Standing, rb: Robustness, kind: str | None = None) -> Verdict:
    """Classify the leaning of `kind` (or, with none, the favourite of `kind`) as one of
    `VERDICT_CODES`; see `thresholds_in_words`. `kind` defaults to `focus_kind`."""
    ev = now.evidence
    kind = kind or focus_kind(ev)
    if kind is None or not (ev.kinds == kind).any():
        return Verdict(
            code=NOT_ENOUGH_EVIDENCE,
            headline="Add the careers and employers you are considering, then rate them after each conversation.",
            detail="There is nothing to compare yet.",
            option=None, option_name=None, is_leaning=False, kind=None, p_first=None,
        )
    plural = _KIND_PLURAL[kind]
    members = np.flatnonzero(ev.kinds == kind)
    leaning = members[ev.leaning[members]]
    is_leaning = bool(len(leaning))
    subject = int(leaning[0]) if is_leaning else _favourite(now, rb, members)
    if subject is None:
        return Verdict(
            code=NOT_ENOUGH_EVIDENCE,
            headline=f"None of your {plural} has a rating yet: the questions below are a good place to start.",
            detail="An option gets a score once someone has rated it on a dimension that matters to you.",
            option=None, option_name=None, is_leaning=False, kind=kind, p_first=None,
        )
    name = ev.names[subject]
    p = float(rb.p_first[subject])
    rivals = members[members != subject]
    common = {"option": ev.option_ids[subject], "option_name": name, "is_leaning": is_leaning,
              "kind": kind, "p_first": p}
    yours = "your leaning, " if is_leaning else ""

    def with_rival(row: int) -> dict:
        return {"rival": ev.option_ids[row], "rival_name": ev.names[row], "rival_p_first": float(rb.p_first[row])}

    if not len(rivals):
        return Verdict(
            code=NOT_ENOUGH_EVIDENCE,
            headline=f"{name} is the only one of your {plural} so far, so there is nothing to weigh it against yet.",
            detail="Add at least one other option of this kind and ask about it; a verdict needs a comparison.",
            **common,
        )
    if not _enough(now, subject):
        return Verdict(
            code=NOT_ENOUGH_EVIDENCE,
            headline=f"Not enough evidence yet on {yours}{name}: ask about the gaps below before deciding.",
            detail=(
                f"Its ratings cover {_percent(now.coverage[subject])} of what matters to you and it has "
                f"{_count(ev.own_ratings[subject], 'rating')} of its own; we need at least "
                f"{_percent(MIN_COVERAGE)} and {_count(MIN_RATINGS, 'rating')}."
            ),
            **common,
        )
    if not any(_enough(now, o) for o in rivals):
        return Verdict(
            code=NOT_ENOUGH_EVIDENCE,
            headline=f"You know too little about your other {plural} yet to tell whether {name} is the best of them.",
            detail=(
                f"None of them has ratings covering {_percent(MIN_COVERAGE)} of what matters to you "
                f"and at least {MIN_RATINGS} ratings of its own."
            ),
            **common,
        )

    first = now.rank[subject] == 1
    # The runner-up: the best-ranked rival (one has enough evidence, so one has a score).
    runner = _favourite(now, rb, rivals)
    assert runner is not None
    if first and p >= CONFIRM_P:
        headline = (
            f"The evidence backs your leaning: {name} comes first among your {plural} in {_percent(p)} "
            "of plausible cases."
            if is_leaning
            else f"The evidence favours {name} among your {plural}: it comes first in {_percent(p)} of plausible cases."
        )
        return Verdict(
            code=CONFIRMED,
            headline=headline,
            detail=(
                f"First in {_percent(p)} of plausible cases; we call that confirmed at {_percent(CONFIRM_P)} or more."
            ),
            **_why(now, subject, runner),
            **common,
            **with_rival(runner),
        )

    score = now.score[subject]
    ahead = rivals[now.score[rivals] > score + _SCORE_TOLERANCE]
    strong = ahead[rb.p_first[ahead] >= RECONSIDER_P]
    outsider = (not first) and p < OUTSIDER_P and len(ahead)
    if len(strong) or outsider:
        rival = int(strong[np.argmax(rb.p_first[strong])]) if len(strong) else _favourite(now, rb, members)
        assert rival is not None
        why = _why(now, rival, subject)
        rp = float(rb.p_first[rival])
        on = f", mainly on {_join([BY_KEY[k].label for k, _ in why['deciding']])}" if why["deciding"] else ""
        detail = (
            f"{ev.names[rival]} scores higher and comes first in {_percent(rp)} of plausible cases; "
            f"we suggest reconsidering at {_percent(RECONSIDER_P)} or more."
            if len(strong)
            else f"{name} comes first in only {_percent(p)} of plausible cases; below {_percent(OUTSIDER_P)} "
            "we suggest reconsidering."
        )
        return Verdict(
            code=RECONSIDER,
            headline=f"Consider {ev.names[rival]}: it looks stronger than {yours}{name}{on}.",
            detail=detail,
            **why,
            **common,
            **with_rival(rival),
        )

    scored_rivals = rivals[~np.isnan(now.score[rivals])]  # one has enough evidence, so one has a score
    rival = int(scored_rivals[np.argmax(rb.p_first[scored_rivals])])
    rp = float(rb.p_first[rival])
    return Verdict(
        code=CLOSE_CALL,
        headline=(
            f"Close call: {name} comes first in {_percent(p)} of plausible cases and "
            f"{ev.names[rival]} in {_percent(rp)}."
        ),
        detail=(
            f"Confirmed needs the best score and at least {_percent(CONFIRM_P)}; reconsider needs a higher-scoring "
            f"rival at {_percent(RECONSIDER_P)} or more. The questions below can settle it."
        ),
        **_why(now, rival, subject),
        **common,
        **with_rival(rival),
    )


# --- Ask next ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One (option, dimension) worth asking about next.

    ``gap`` is ``missing`` (nobody has rated it), ``inherited`` (only the career in general
    was rated) or ``thin`` (fewer than `SETTLED_RATINGS` ratings of its own). ``swing`` is
    the typical change (in score points) one more rating would make to the option's score;
    ``flip_chance`` the chance that change is big enough to change which option is first;
    ``value`` the expected score points by which it would cross that line (the ranking key).
    """

    option: str
    option_name: str
    kind: str
    dimension: str
    label: str
    weight: int
    gap: str
    swing: float
    flip_chance: float
    value: float
    contender: bool
    reason: str
    questions: tuple[str, ...]


def _normal_pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


_erfc = np.vectorize(math.erfc, otypes=[float])


def _upper_tail(x: np.ndarray) -> np.ndarray:
    """P(Z > x) for a standard normal Z."""
    return _erfc(x / math.sqrt(2)) / 2 if x.size else np.zeros_like(x, dtype=float)


def ask_next(now: Standing, rb: Robustness, *, kind: str | None = None, count: int = ASK_NEXT_COUNT) -> tuple[Gap, ...]:
    """The gaps of `kind` (default: `focus_kind`) whose answer could most change the decision.

    The argument (a value-of-information proxy, cheap and vectorised). At the stated
    weights, each option's expected score under the robustness model is E(o). The decision
    is which option comes first, so what counts for option o is its distance g to the line:
    for the leader, its lead over the runner-up; for every other option, how far it trails
    the leader. One more rating on (o, d) moves o's expected score by a normal amount with
    sd ``swing = 25 * w_d * tau`` (w_d the weight share; tau the pre-posterior sd, i.e.
    ``sqrt(sd_now^2 - sd_after^2)`` of that cell under the robustness model, so it is large
    for unknown or inherited cells and small for well-rated ones). The expected amount by
    which that move crosses the line, ``swing * phi(g / swing) - g * Phi(-g / swing)``, is the
    classic expected value of sample information for a two-way choice. It grows with the
    weight, with the uncertainty and with closeness to the top, and is 0 for a settled cell.
    Contenders (the subject of the verdict and options first in at least `CONTENDER_P` of
    cases) come first, then the rest, each by that value.
    """
    ev = now.evidence
    kind = kind or focus_kind(ev)
    if kind is None:
        return ()
    members = np.flatnonzero(ev.kinds == kind)
    weights = ev.weights.astype(float)
    share = weights / weights.sum()
    centre, sd = cell_model(ev)
    expected = profile_score(centre[members] @ share)
    order = np.argsort(-expected, kind="stable")
    leader = order[0]
    runner_up = expected[order[1]] if len(members) > 1 else expected[leader] - 100.0
    distance = np.where(np.arange(len(members)) == leader, expected[leader] - runner_up, expected[leader] - expected)

    inherited = ev.inherited[members]
    has = ~np.isnan(ev.mean[members])
    own = np.where(has & ~inherited, ev.count[members], 0)
    is_gap = (own < SETTLED_RATINGS) & (weights[None, :] > 0)
    spread = np.nan_to_num(ev.spread[members])
    after = np.where(own > 0, np.sqrt(RATING_SD**2 + spread**2) / np.sqrt(own + 1), RATING_SD)
    tau = np.sqrt(np.clip(sd[members] ** 2 - after**2, 0.0, None))
    swing = POINTS_PER_UNIT * share[None, :] * tau
    g = np.maximum(distance, 0.0)[:, None] * np.ones_like(swing)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(swing > 0, g / swing, np.inf)
        flip = np.where(swing > 0, _upper_tail(np.where(np.isfinite(z), z, 50.0)), 0.0)
        value = np.where(swing > 0, swing * _normal_pdf(np.where(np.isfinite(z), z, 50.0)) - g * flip, 0.0)

    subject = np.flatnonzero(ev.leaning[members])
    contender = rb.p_first[members] >= CONTENDER_P
    contender[leader] = True
    if len(subject):
        contender[subject[0]] = True
    rows, cols = np.nonzero(is_gap)
    ranking = sorted(zip(rows, cols, strict=True), key=lambda rc: (not contender[rc[0]], -value[rc], rc[0], rc[1]))
    gaps = []
    for i, j in ranking[:count]:
        row = members[i]
        key = DIMENSION_KEYS[j]
        kind_of_gap = "missing" if not has[i, j] else "inherited" if inherited[i, j] else "thin"
        gaps.append(
            Gap(
                option=ev.option_ids[row],
                option_name=ev.names[row],
                kind=kind,
                dimension=key,
                label=BY_KEY[key].label,
                weight=whole_weight(weights[j]),
                gap=kind_of_gap,
                swing=float(swing[i, j]),
                flip_chance=float(flip[i, j]),
                value=float(value[i, j]),
                contender=bool(contender[i]),
                reason=_gap_reason(ev, row, j, kind_of_gap, float(flip[i, j])),
                questions=BY_KEY[key].questions,
            )
        )
    return tuple(gaps)


def _gap_reason(ev: Evidence, row: int, j: int, gap: str, flip: float) -> str:
    key = DIMENSION_KEYS[j]
    label, name, weight = BY_KEY[key].label, ev.names[row], whole_weight(ev.weights[j])
    at = "at" if ev.kinds[row] == "employer" else "for"
    matters = f"it matters {weight}/{WEIGHT_MAX} to you"
    if gap == "missing":
        text = f"Nobody has told you about {label} {at} {name} yet, and {matters}."
    elif gap == "inherited":
        career = ev.career_of[row]
        career_name = ev.names[ev.index(career)] if career else "its career"
        text = (
            f"What you know about {label} {at} {name} comes from {career_name} in general, "
            f"not from {name} itself, and {matters}."
        )
    else:
        mean = ev.mean[row, j]
        text = f"Only one rating so far on {label} {at} {name} ({mean:.0f}/{SCORE_MAX}), and {matters}."
    if flip >= FLIP_CHANCE_WORTH_SAYING:
        text += f" One answer could be enough to change which {ev.kinds[row]} comes first."
    return text


# --- All of it --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindDecision:
    """The decision within one kind ("which field?" or "which organisation?"): the verdict on
    that kind's leaning (or favourite), the sensitivity of its top option and its ask-next list."""

    kind: str
    verdict: Verdict
    sensitivity: Sensitivity | None
    ask_next: tuple[Gap, ...]

    @property
    def leaning_verdict(self) -> str | None:
        """The verdict code when this kind has a leaning, else None."""
        return self.verdict.code if self.verdict.is_leaning else None


@dataclass(frozen=True, eq=False)  # holds arrays: compare the fields you need
class Decision:
    """Everything the Decision page, the CSV export and the CLI need for one workspace.

    ``kinds`` holds one `KindDecision` per kind that has options (careers first). ``kind``,
    ``verdict``, ``sensitivity`` and ``ask_next`` are those of the focus kind (`focus_kind`: the
    career leaning's, else the employer leaning's, else careers), the one a page shows first.
    """

    standing: Standing = field(repr=False)
    robustness: Robustness = field(repr=False)
    kind: str | None
    sensitivity: Sensitivity | None
    verdict: Verdict
    ask_next: tuple[Gap, ...]
    kinds: dict[str, KindDecision] = field(default_factory=dict)

    @property
    def verdicts(self) -> dict[str, Verdict]:
        """Each kind's verdict, careers first."""
        return {kind: part.verdict for kind, part in self.kinds.items()}

    @property
    def leaning_verdicts(self) -> dict[str, str]:
        """The verdict code of each kind that has a leaning (the CSV's `verdict` column on that row)."""
        return {kind: code for kind, part in self.kinds.items() if (code := part.leaning_verdict)}

    @property
    def leaning_verdict(self) -> str | None:
        """The focus kind's verdict code when it has a leaning, else None."""
        return self.verdict.code if self.verdict.is_leaning else None

    def table(self) -> pd.DataFrame:
        """One row per option (careers first, each kind best first) with p_first, the score
        interval and, on each leaning's row, its kind's verdict code; rank, p_first and the interval
        are empty (NA) for an option with no score."""
        frame = self.standing.table()
        extra = self.robustness.table().set_index("id")
        frame = frame.join(extra[["p_first", "expected_rank", "score_low", "score_high"]], on="id")
        # No evidence, no chance: an unscored option's p_first is empty like its rank (docs/scoring.md).
        frame["p_first"] = frame["p_first"].where(frame["score"].notna())
        leaning = frame["leaning"].astype(bool)
        codes = self.leaning_verdicts
        frame["verdict"] = [codes.get(k, "") if lean else "" for k, lean in zip(frame["kind"], leaning, strict=True)]
        return frame


def _sensitivity_of(now: Standing, rb: Robustness, kind: str) -> Sensitivity | None:
    """Sensitivity for the top of `kind`: the leaning when it ranks first, else the favourite."""
    members = np.flatnonzero(now.evidence.kinds == kind)
    top = _favourite(now, rb, members)
    if top is not None and now.evidence.leaning[members].any():
        leaning = int(members[now.evidence.leaning[members]][0])
        if now.rank[leaning] == 1:
            top = leaning
    return sensitivity(now.evidence, kind, None if top is None else now.evidence.option_ids[top])


def decide(
    workspace: Workspace, *, seed: int = DEFAULT_SEED, draws: int = DRAWS, count: int = ASK_NEXT_COUNT
) -> Decision:
    """Standing, robustness, and for each kind its verdict, sensitivity and ask-next (pure).

    One Monte Carlo serves both kinds: each option's chance of first place is among its own kind.
    """
    now = standing(workspace)
    rb = robustness(now.evidence, draws=draws, seed=seed)
    kinds = {
        kind: KindDecision(
            kind=kind,
            verdict=judge(now, rb, kind),
            sensitivity=_sensitivity_of(now, rb, kind),
            ask_next=ask_next(now, rb, kind=kind, count=count),
        )
        for kind in present_kinds(now.evidence)
    }
    kind = focus_kind(now.evidence)
    focus = kinds.get(kind) if kind else None
    return Decision(
        standing=now,
        robustness=rb,
        kind=kind,
        sensitivity=focus.sensitivity if focus else None,
        verdict=focus.verdict if focus else judge(now, rb),
        ask_next=focus.ask_next if focus else (),
        kinds=kinds,
    )
