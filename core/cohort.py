"""What a counsellor sees of a workshop's sharing participants, without Streamlit or SQL.

- A participant's summary (`ParticipantSummary`) is computed only from a workspace the caller
  has already found to be shared; it holds numbers and names, never ids or tokens. Its cohort
  row is one line of the cohort table and of the cohort CSV (`core.summary.cohort_csv`).
- `cohort_needs` says, per dimension, how much the cohort cares and where its evidence is
  thinnest, every participant counting once.

Who may see any of this (join codes, passcodes, the sign-in guard) is `core.access`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.decision import decide
from core.dimensions import DIMENSION_KEYS, WEIGHT_MAX
from core.models import Workspace
from core.scoring import Standing, standing


@dataclass(frozen=True)
class CohortRow:
    """One participant in the counsellor's cohort table, as plain values."""

    participant: str
    options: int
    interviews: int
    top_option: str = ""
    top_score: float | None = None  # 0–100
    top_coverage: float | None = None  # 0–1
    leaning: str = ""  # the name of the participant's career leaning, else of their employer leaning
    verdict: str = ""  # its verdict: one of core.decision.VERDICT_CODES, or empty
    why: str = ""  # the verdict's explanation (core.explain), the participant's own Decision page's sentence
    # The employer leaning and its verdict, when the participant has a career leaning too (else
    # an employer leaning is `leaning` above): each kind's leaning has its own verdict.
    employer_leaning: str = ""
    employer_verdict: str = ""


def cohort_row(
    participant: str,
    workspace: Workspace,
    *,
    verdict: str | None = None,
    why: str = "",
    employer_verdict: str | None = None,
) -> CohortRow:
    """A participant's cohort row from their workspace.

    The top option is the best-ranked option of the leaning's kind (the decision the
    participant is weighing; the career's when there are two); without a leaning, the best
    career, else the best employer. `interviews` counts interviews, not self-assessments.
    `employer_verdict` is the employer leaning's verdict when there is a career leaning too.
    """
    return _cohort_row(participant, workspace, standing(workspace), verdict, why, employer_verdict)


def _cohort_row(
    participant: str,
    workspace: Workspace,
    now: Standing,
    verdict: str | None,
    why: str = "",
    employer_verdict: str | None = None,
) -> CohortRow:
    table = now.table()
    scored = table[table["score"].notna()]
    leaning = workspace.leaning  # the career leaning, else the employer leaning
    leanings = workspace.leanings
    second = leanings.get("employer") if "career" in leanings else None
    kinds = [leaning.kind] if leaning else ["career", "employer"]
    top = None
    for kind in kinds:
        candidates = scored[scored["kind"] == kind]
        if len(candidates):
            top = candidates.iloc[0]
            break
    return CohortRow(
        participant=participant,
        options=len(workspace.options),
        interviews=sum(i.kind == "interview" for i in workspace.interviews),
        top_option="" if top is None else str(top["name"]),
        top_score=None if top is None else float(top["score"]),
        top_coverage=None if top is None else float(top["coverage"]),
        leaning=leaning.name if leaning else "",
        verdict=verdict or "",
        why=why,
        employer_leaning=second.name if second else "",
        employer_verdict=(employer_verdict or "") if second else "",
    )


# --- what the counsellor sees of one participant --------------------------------------------------


@dataclass(frozen=True)
class ParticipantSummary:
    """One sharing participant as the counsellor sees them: the cohort row and, per dimension,
    the participant's weight and the share of their options with no rating (None without options)."""

    row: CohortRow
    weights: tuple[int, ...]
    unrated_share: tuple[float | None, ...]


def participant_summary(display_name: str, workspace: Workspace) -> ParticipantSummary:
    # One Decision gives the verdict, and its standing the row and the evidence: nothing twice.
    decision = decide(workspace)
    ev = decision.standing.evidence
    # An employer that inherits its career's value on a dimension has evidence there.
    unrated: tuple[float | None, ...] = (
        tuple(float(x) for x in np.isnan(ev.mean).mean(axis=0)) if ev.n else (None,) * len(DIMENSION_KEYS)
    )
    explanation = decision.verdict.explanation
    why = explanation.sentence() if explanation is not None and decision.verdict.is_leaning else ""
    return ParticipantSummary(
        row=_cohort_row(display_name, workspace, decision.standing, decision.leaning_verdict, why,
                        decision.leaning_verdicts.get("employer")),
        weights=tuple(int(workspace.weights[k]) for k in DIMENSION_KEYS),
        unrated_share=unrated,
    )


def participant_verdict(workspace: Workspace) -> str | None:
    """The (career, else employer) leaning's verdict code (core.decision, same seed as the
    participant's own Decision page, so both say the same); None when the participant has no leaning."""
    return decide(workspace).leaning_verdict


# --- the cohort as a whole ------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionNeed:
    """One dimension across the sharing participants."""

    key: str
    mean_weight: float  # 0-5, NaN with no participant
    unrated_share: float  # 0-1: options without a rating, averaged over participants with options
    priority: float  # 0-1: unrated share weighted by importance (weight / WEIGHT_MAX), ditto


def cohort_needs(summaries: list[ParticipantSummary]) -> list[DimensionNeed]:
    """How the cohort weights each dimension and where its evidence is thinnest.

    Every participant counts once, however many options they have: a participant with twenty
    options must not drown out five with two each. `priority` is what to cover in the next
    session: the share of options nobody has asked about yet, weighted by how much it matters
    to the participant it belongs to.
    """
    n_dims = len(DIMENSION_KEYS)
    weights = np.array([s.weights for s in summaries], dtype=float).reshape(-1, n_dims)
    with_options = [s for s in summaries if s.unrated_share[0] is not None]
    unrated = np.array([s.unrated_share for s in with_options], dtype=float).reshape(-1, n_dims)
    their_weights = np.array([s.weights for s in with_options], dtype=float).reshape(-1, n_dims)
    nothing = np.full(n_dims, np.nan)
    mean_weight = weights.mean(axis=0) if len(weights) else nothing
    share = unrated.mean(axis=0) if len(unrated) else nothing
    priority = (unrated * their_weights / WEIGHT_MAX).mean(axis=0) if len(unrated) else nothing
    return [
        DimensionNeed(key, float(mean_weight[i]), float(share[i]), float(priority[i]))
        for i, key in enumerate(DIMENSION_KEYS)
    ]
