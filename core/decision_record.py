"""The decision as plain data: what `tenfold decide` prints (docs/decision-json.md).

`decision_record(decision)` turns a `core.decision.Decision` into a dict of plain values (str,
int, float, bool, None, lists and dicts) with a fixed key order, and `decision_json` writes it.
It is built from the same `Decision` the pages and the summary CSV read, and names the
explanations with `core.explain.explain`, so every number and every dimension it names is the
one a page shows.

For each kind (careers, then employers; both keys always present):

- ``options``: every option of the kind, best first (as in the summary CSV), each with its score,
  range, coverage, rank and chance of first place; score, range, rank and chance are null for an
  option with no score (no evidence, no chance: docs/scoring.md, "Ranking and ties").
- ``leaning``: the kind's current leaning, or null.
- ``verdict``: the code, its label, its sentence and detail, the option it is about and its rival,
  with the verdict's explanation.
- ``lead``: why the leader is ahead of the runner-up; ``leaning_gap``: why the leader is ahead of
  the leaning (null when the leaning leads, has no score, or there is none).
- ``ask_next``: the gaps worth asking about next, with their questions.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from core.decision import Decision, Gap, KindDecision, Verdict, verdict_label
from core.explain import Explanation, explain, shown
from core.models import OPTION_KINDS
from core.scoring import Standing

DECISION_FORMAT = "tenfold.decision/1"
# Decimals in the file: scores and their ranges as the summary CSV (one), shares 0-1 with three.
SCORE_DECIMALS = 1
SHARE_DECIMALS = 3


def _number(value: float | None, places: int) -> float | None:
    if value is None or math.isnan(value):
        return None
    return shown(float(value), places)


def _option(now: Standing, decision: Decision, row: int) -> dict[str, Any]:
    ev, rb = now.evidence, decision.robustness
    rank = now.shown_rank(row)
    scored = rank is not None
    career = ev.career_of[row]
    return {
        "id": ev.option_ids[row],
        "name": ev.names[row],
        "career": career,
        "leaning": bool(ev.leaning[row]),
        "score": _number(now.score[row], SCORE_DECIMALS),
        "range": [_number(rb.score_low[row], SCORE_DECIMALS), _number(rb.score_high[row], SCORE_DECIMALS)]
        if scored
        else None,
        "coverage": _number(now.coverage[row], SHARE_DECIMALS),
        "rank": rank,
        "p_first": _number(rb.p_first[row], SHARE_DECIMALS) if scored else None,
    }


def explanation_record(explanation: Explanation | None) -> dict[str, Any] | None:
    """An explanation as data: the two options, the gap as shown, its sentence, and each dimension
    the sentence names, as a contribution (points for one option) or as missing evidence."""
    if explanation is None:
        return None
    x = explanation
    dimensions: list[dict[str, Any]] = []
    named = set(x.named)
    for favours, items in ((x.ahead, x.gains), (x.behind, x.losses)):
        for c in items:
            if c.dimension in named:
                dimensions.append(
                    {"dimension": c.dimension, "label": c.label, "type": "contribution",
                     "favours": favours, "points": c.points}
                )
    for m in x.missing:
        if m.dimension in named:
            dimensions.append(
                {"dimension": m.dimension, "label": m.label, "type": "missing_evidence",
                 "missing_for": m.option, "missing_for_name": m.option_name}
            )
    order = {key: i for i, key in enumerate(x.named)}
    dimensions.sort(key=lambda d: order[d["dimension"]])
    return {
        # Whole points, as the sentence and every bar show them; `gap` is their difference.
        "ahead": {"id": x.ahead, "name": x.ahead_name, "score": int(shown(x.ahead_score))},
        "behind": {"id": x.behind, "name": x.behind_name, "score": int(shown(x.behind_score))},
        "gap": int(x.gap),
        "sentence": x.sentence(),
        "dimensions": dimensions,
    }


def _verdict(verdict: Verdict) -> dict[str, Any]:
    rival = None
    if verdict.rival is not None:
        rival = {"id": verdict.rival, "name": verdict.rival_name,
                 "p_first": _number(verdict.rival_p_first, SHARE_DECIMALS)}
    return {
        "code": verdict.code,
        "label": verdict_label(verdict.code),
        "sentence": verdict.headline,
        "detail": verdict.detail,
        "about": None if verdict.option is None else {"id": verdict.option, "name": verdict.option_name},
        "about_leaning": verdict.is_leaning,
        "p_first": _number(verdict.p_first, SHARE_DECIMALS),
        "rival": rival,
        "explanation": explanation_record(verdict.explanation),
    }


def _gap(gap: Gap) -> dict[str, Any]:
    return {
        "option": gap.option,
        "option_name": gap.option_name,
        "dimension": gap.dimension,
        "label": gap.label,
        "gap": gap.gap,
        "weight": gap.weight,
        "reason": gap.reason,
        "questions": list(gap.questions),
    }


def leader_and_runner_up(now: Standing, rows: np.ndarray) -> tuple[int | None, int | None]:
    """The leader of `rows` (one kind) and its runner-up, by rank then workspace order; the leaning
    leads when it shares first place. None where there are not that many scored options."""
    scored = sorted((int(i) for i in rows if not np.isnan(now.score[i])), key=lambda i: (now.rank[i], i))
    if not scored:
        return None, None
    leader = scored[0]
    sharing = [i for i in scored if now.evidence.leaning[i] and now.rank[i] == now.rank[leader]]
    if sharing:
        leader = sharing[0]
    runner = next((i for i in scored if i != leader), None)
    return leader, runner


def _kind(now: Standing, decision: Decision, kind: str, part: KindDecision | None) -> dict[str, Any]:
    ev = now.evidence
    order = [ev.index(option_id) for option_id in now.table()["id"]]  # careers first, best first
    rows = np.array([i for i in order if ev.kinds[i] == kind], dtype=int)
    leaning = next((int(i) for i in rows if ev.leaning[i]), None)
    leader, runner = leader_and_runner_up(now, rows)
    lead = explain(now, leader, runner) if leader is not None and runner is not None else None
    behind = (
        explain(now, leader, leaning)
        if leader is not None and leaning is not None and leaning != leader and not np.isnan(now.score[leaning])
        else None
    )
    return {
        "options": [_option(now, decision, int(i)) for i in rows],
        "leaning": None if leaning is None else {"id": ev.option_ids[leaning], "name": ev.names[leaning]},
        "verdict": None if part is None else _verdict(part.verdict),
        "lead": explanation_record(lead),
        "leaning_gap": explanation_record(behind),
        "ask_next": [] if part is None else [_gap(g) for g in part.ask_next],
    }


def decision_record(decision: Decision, *, workspace_name: str = "") -> dict[str, Any]:
    """The decision as plain data with a fixed key order (docs/decision-json.md)."""
    now, rb = decision.standing, decision.robustness
    return {
        "format": DECISION_FORMAT,
        "workspace": workspace_name,
        "seed": rb.seed,
        "draws": rb.draws,
        "focus": decision.kind,
        "kinds": {kind: _kind(now, decision, kind, decision.kinds.get(kind)) for kind in OPTION_KINDS},
    }


def decision_json(decision: Decision, *, workspace_name: str = "") -> str:
    """`decision_record` as JSON text: two-space indentation, non-ASCII as is, keys in their fixed order."""
    record = decision_record(decision, workspace_name=workspace_name)
    return json.dumps(record, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
