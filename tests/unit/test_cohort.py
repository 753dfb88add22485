"""What the counsellor sees of the participants (core.cohort): rows, summaries, the cohort's needs."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from core import cohort
from core.decision import VERDICT_CODES, decide
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Contact, Interview, Option, Rating, Workspace, default_weights
from views import cohort as cohort_views


def _workspace(weights: dict[str, int], rated: dict[str, list[str]]) -> Workspace:
    """Options named by `rated`'s keys, each rated 4 on the listed dimensions."""
    options = [Option(id=f"o{i}", kind="career", name=name) for i, name in enumerate(rated)]
    ratings = [
        Rating(option=f"o{i}", dimension=d, score=4) for i, dims in enumerate(rated.values()) for d in dims
    ]
    interviews = (
        [Interview(id="i1", kind="interview", date=dt.date(2026, 11, 2), contact=Contact(name="J"), ratings=ratings)]
        if ratings
        else []
    )
    return Workspace(name="", weights=weights, options=options, interviews=interviews)


def test_a_participant_summary_is_the_cohort_row_plus_weights_and_gaps():
    summary = cohort.participant_summary("Sam", demo_workspace())
    assert summary.row.participant == "Sam" and summary.row.options == 8
    assert summary.row.verdict in {"confirmed", "close_call", "reconsider", "not_enough_evidence"}
    assert len(summary.weights) == len(summary.unrated_share) == len(DIMENSION_KEYS)
    assert all(0 <= share <= 1 for share in summary.unrated_share)
    empty = cohort.participant_summary("New", _workspace(default_weights(), {}))
    assert empty.unrated_share == (None,) * 10 and empty.row.top_option == "" and empty.row.verdict == ""


def test_every_participant_counts_once_in_the_cohorts_needs():
    weights = dict.fromkeys(DIMENSION_KEYS, 5)
    many = cohort.participant_summary("Many", _workspace(weights, {f"Option {i}": [] for i in range(20)}))
    few = cohort.participant_summary("Few", _workspace(weights, {"Nurse": list(DIMENSION_KEYS)}))
    needs = cohort.cohort_needs([many, few])
    assert [n.unrated_share for n in needs] == [0.5] * 10  # not 20/21
    assert [n.priority for n in needs] == [0.5] * 10
    assert [n.mean_weight for n in needs] == [5.0] * 10


def test_an_unimportant_dimension_with_no_evidence_is_no_priority():
    weights = dict.fromkeys(DIMENSION_KEYS, 3) | {"network": 0, "culture": 5}
    ws = _workspace(weights, {"Nurse": [k for k in DIMENSION_KEYS if k not in ("network", "culture")]})
    needs = {n.key: n for n in cohort.cohort_needs([cohort.participant_summary("A", ws)])}
    assert needs["network"].unrated_share == needs["culture"].unrated_share == 1.0
    assert needs["network"].priority == 0.0 and needs["culture"].priority == 1.0
    assert needs["typical_day"].priority == 0.0


def test_an_empty_cohort_has_no_numbers_not_zeros():
    needs = cohort.cohort_needs([])
    assert len(needs) == 10 and all(math.isnan(n.mean_weight) and math.isnan(n.priority) for n in needs)
    table = cohort_views.needs_table(needs)
    assert table.isna().sum().sum() == 30


@settings(max_examples=40)  # each example runs the decision engine per participant
@given(st.lists(st.dictionaries(st.sampled_from(DIMENSION_KEYS), st.integers(0, 5)), min_size=1, max_size=5))
def test_needs_stay_within_their_ranges(weight_overrides):
    summaries = []
    for i, overrides in enumerate(weight_overrides):
        weights = default_weights() | overrides
        if not any(weights.values()):
            weights["culture"] = 1
        ws = _workspace(weights, {"A": list(DIMENSION_KEYS)[: i % 10], "B": []})
        summaries.append(cohort.participant_summary(f"P{i}", ws))
    for need in cohort.cohort_needs(summaries):
        assert 0 <= need.mean_weight <= 5 and 0 <= need.unrated_share <= 1 and 0 <= need.priority <= need.unrated_share


def test_the_cohort_charts_are_altair_specs_with_readable_labels():
    needs = cohort.cohort_needs([cohort.participant_summary("Sam", demo_workspace())])
    for build in (cohort_views.weights_chart, cohort_views.needs_chart):
        spec = build(needs).to_dict()
        assert spec["mark"]["type"] == "bar"
        labels = {row["Dimension"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
        assert "Culture fit" in labels and len(labels) == 10
        large = build(needs, large=True).to_dict()
        assert large["config"]["axis"]["labelFontSize"] > spec["config"]["axis"]["labelFontSize"]
    table = cohort_views.needs_table(needs)
    assert list(table.columns) == list(cohort_views.NEEDS_COLUMNS) and len(table) == 10


def _self(*ratings: tuple[str, str, int], day: int = 1) -> Interview:
    return Interview(id=f"s{day}", kind="self", date=dt.date(2026, 1, day),
                     ratings=[Rating(option=o, dimension=d, score=s) for o, d, s in ratings])


def test_cohort_top_option_is_of_the_leanings_kind():
    ws = Workspace(
        options=[Option(id="c", kind="career", name="Nursing"),
                 Option(id="e", kind="employer", name="Clinic", leaning=True)],
        interviews=[_self(("c", "culture", 5), ("e", "culture", 2))],
    )
    row = cohort.cohort_row("Ana", ws)
    assert (row.top_option, row.top_score, row.leaning) == ("Clinic", 25.0, "Clinic")
    unrated = cohort.cohort_row("Bo", Workspace())
    assert (unrated.top_option, unrated.top_score, unrated.top_coverage) == ("", None, None)


def test_a_participants_row_carries_the_verdict_of_their_own_decision_page():
    ws = demo_workspace()
    summary = cohort.participant_summary("Sam", ws)
    decision = decide(ws)
    why = decision.verdict.explanation.sentence()  # the one explanation, as on the Decision page
    assert summary.row == cohort.cohort_row("Sam", ws, verdict=decision.leaning_verdict, why=why)
    assert summary.row.why.startswith("Registered nurse is 8 points ahead of Physiotherapist")
    assert summary.row.verdict == cohort.participant_verdict(ws) == "confirmed" and "confirmed" in VERDICT_CODES
    assert (summary.row.employer_leaning, summary.row.employer_verdict) == ("", "")


def test_a_participant_with_both_leanings_shows_the_careers_verdict_and_the_employers():
    ws = demo_workspace()
    ws = ws.model_copy(update={"options": [o.model_copy(update={"leaning": True}) if o.id == "e1" else o
                                           for o in ws.options]})
    decision = decide(ws)
    row = cohort.participant_summary("Sam", ws).row
    assert (row.leaning, row.verdict) == ("Registered nurse", decision.kinds["career"].verdict.code)
    assert (row.employer_leaning, row.employer_verdict) == (
        "City General Hospital", decision.kinds["employer"].verdict.code
    )
    assert row.employer_verdict in VERDICT_CODES

