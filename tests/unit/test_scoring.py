"""core.scoring: worked examples, then the invariants docs/scoring.md promises, as hypothesis properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN
from core.models import Contact, Interview, Option, Rating, Workspace, default_weights
from core.scoring import (
    KIND_GROUP,
    THIN_COVERAGE,
    contributions,
    evidence,
    inherit,
    rank_options,
    ranks_within_kind,
    score_history,
    standing,
    weighted_scores,
)

D = len(DIMENSION_KEYS)
IDX = {key: i for i, key in enumerate(DIMENSION_KEYS)}
PROPERTY = settings(max_examples=150)


def _interview(iid: str, day: int, *ratings: tuple[str, str, int], kind: str = "interview") -> Interview:
    return Interview(
        id=iid,
        kind=kind,
        date=dt.date(2026, 10, day),
        contact=Contact(name=f"Contact {iid}") if kind == "interview" else None,
        options=sorted({o for o, _, _ in ratings}),
        ratings=[Rating(option=o, dimension=d, score=s) for o, d, s in ratings],
    )


def _workspace(options: list[Option], interviews: list[Interview], weights: dict[str, int] | None = None) -> Workspace:
    return Workspace(weights=weights or default_weights(), options=options, interviews=interviews)


# --- worked examples -------------------------------------------------------------------------


def test_score_and_coverage_by_hand():
    # Equal weights (3 each): culture 5 and typical day 1 -> half the points; 2 of 10 dimensions.
    ws = _workspace(
        [Option(id="a", kind="career", name="A")],
        [_interview("i1", 1, ("a", "culture", 5), ("a", "typical_day", 1))],
    )
    s = standing(ws)
    assert s.score[0] == pytest.approx(50.0)
    assert s.coverage[0] == pytest.approx(0.2)


def test_weights_shift_the_score_towards_what_matters():
    weights = default_weights() | {"culture": 4, "typical_day": 5}
    ws = _workspace(
        [Option(id="a", kind="career", name="A")],
        [_interview("i1", 1, ("a", "culture", 5), ("a", "typical_day", 1))],
        weights,
    )
    # 100 * (4 * 4 + 5 * 0) / (4 * 9)
    assert standing(ws).score[0] == pytest.approx(100 * 16 / 36)


def test_mean_count_and_spread_over_interviews_and_self_assessments():
    ws = _workspace(
        [Option(id="a", kind="career", name="A")],
        [
            _interview("i1", 1, ("a", "culture", 2)),
            _interview("i2", 2, ("a", "culture", 4)),
            _interview("s1", 3, ("a", "culture", 3), kind="self"),
        ],
    )
    ev = evidence(ws)
    c = IDX["culture"]
    assert ev.mean[0, c] == pytest.approx(3.0)
    assert ev.count[0, c] == 3
    assert ev.spread[0, c] == pytest.approx(np.std([2, 4, 3]))
    assert ev.own_ratings[0] == 3 and ev.interviews[0] == 2  # the self-assessment is not an interview


def test_not_discussed_is_missing_never_zero():
    ws = _workspace(
        [Option(id="a", kind="career", name="A"), Option(id="b", kind="career", name="B")],
        [_interview("i1", 1, ("a", "culture", 4))],
    )
    s = standing(ws)
    ev = s.evidence
    assert np.isnan(ev.mean[0, IDX["network"]])
    assert s.score[0] == pytest.approx(75.0)  # one dimension at 4, nothing dragged down by the other nine
    assert np.isnan(s.score[1]) and s.coverage[1] == 0  # no evidence: no score at all, not 0
    assert list(s.rank) == [1, 2]


def test_an_employer_inherits_only_where_it_has_no_rating_of_its_own():
    ws = _workspace(
        [Option(id="c", kind="career", name="Nursing"), Option(id="e", kind="employer", name="City", career="c")],
        [
            _interview("i1", 1, ("c", "culture", 2), ("c", "network", 4)),
            _interview("i2", 2, ("e", "culture", 5)),
        ],
    )
    ev = evidence(ws)
    e = 1
    assert ev.mean[e, IDX["culture"]] == 5 and not ev.inherited[e, IDX["culture"]]
    assert ev.mean[e, IDX["network"]] == 4 and ev.inherited[e, IDX["network"]]
    assert ev.count[e, IDX["network"]] == 1
    assert np.isnan(ev.mean[e, IDX["education"]]) and not ev.inherited[e, IDX["education"]]
    assert ev.own_ratings[e] == 1  # inherited values are not the employer's own ratings


def test_ranks_count_within_each_kind_ties_share_and_unscored_come_last():
    score = np.array([80, 60, 80, np.nan, 70, 40, 90, np.nan])
    kinds = np.array(["career"] * 5 + ["employer"] * 3, dtype=object)
    assert list(ranks_within_kind(score, kinds)) == [1, 4, 1, 5, 3, 2, 1, 3]


def test_ties_rank_1_2_2_4():
    score = np.array([90.0, 70.0, 70.0, 50.0])
    assert list(ranks_within_kind(score, np.array(["career"] * 4, dtype=object))) == [1, 2, 2, 4]


def test_float_noise_never_splits_a_tie():
    score = np.array([70.0, 70.0 + 1e-12, 70.0 - 1e-12])
    assert list(ranks_within_kind(score, np.array(["career"] * 3))) == [1, 1, 1]


def test_ranks_of_nothing_and_of_only_unscored():
    assert ranks_within_kind(np.array([]), np.array([], dtype=object)).size == 0
    assert list(ranks_within_kind(np.array([np.nan, np.nan]), np.array(["career", "employer"]))) == [1, 1]


def test_a_weight_of_zero_leaves_a_dimension_out():
    weights = default_weights() | {"network": 0}
    ws = _workspace(
        [Option(id="a", kind="career", name="A")],
        [_interview("i1", 1, ("a", "network", 1))],
        weights,
    )
    s = standing(ws)
    assert np.isnan(s.score[0]) and s.coverage[0] == 0


def test_all_weights_zero_means_no_score_and_no_coverage():
    mean = np.array([[4.0] * D, [np.nan] * D])
    score, coverage = weighted_scores(mean, np.zeros(D))
    assert np.isnan(score).all()
    assert list(coverage) == [0.0, 0.0]


def test_leading_axes_of_the_matrix_are_scored_row_by_row():
    rng = np.random.default_rng(1)
    mean = rng.uniform(SCORE_MIN, SCORE_MAX, size=(4, 6, D))
    mean[rng.random(mean.shape) < 0.3] = np.nan
    weights = rng.integers(0, 6, size=D).astype(float)
    score, coverage = weighted_scores(mean, weights)
    assert score.shape == coverage.shape == (4, 6)
    for k in range(4):
        one, cov = weighted_scores(mean[k], weights)
        np.testing.assert_array_equal(score[k], one)
        np.testing.assert_array_equal(coverage[k], cov)


def test_weights_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match="expected 10 weights"):
        weighted_scores(np.full((2, D), 3.0), np.ones((2, D)))


def test_contributions_add_up_to_the_score():
    s = standing(demo_workspace())
    parts = contributions(s.evidence.mean, s.evidence.weights)
    np.testing.assert_allclose(np.nansum(parts, axis=1), s.score)


def test_the_demo_standing_table_lists_careers_first_best_first():
    table = standing(demo_workspace()).table()
    assert list(table["kind"]) == ["career"] * 3 + ["employer"] * 5
    assert list(table["name"][:3]) == ["Registered nurse", "Physiotherapist", "Health data analyst"]
    assert list(table["rank"][:3]) == [1, 2, 3]
    assert (table["thin"] == (table["coverage"] < THIN_COVERAGE)).all()


def test_history_runs_in_date_order_whatever_the_entry_order():
    ws = demo_workspace()
    shuffled = ws.model_copy(update={"interviews": list(reversed(ws.interviews))})
    history = score_history(shuffled)
    assert list(history["date"]) == sorted(history["date"])
    assert history.equals(score_history(ws))


def test_history_is_empty_without_interviews():
    ws = _workspace([Option(id="a", kind="career", name="A")], [])
    assert score_history(ws).empty


# --- properties --------------------------------------------------------------------------------

ratings = st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 3.25, 3.5, 4.0, 4.5, 4.75, 5.0, np.nan])


@st.composite
def matrices(draw, min_rows: int = 1, max_rows: int = 12):  # type: ignore[no-untyped-def]
    n = draw(st.integers(min_rows, max_rows))
    mean = draw(hnp.arrays(float, (n, D), elements=ratings))
    weights = draw(hnp.arrays(float, D, elements=st.sampled_from([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])))
    assume(weights.sum() > 0)
    return mean, weights


def _reference_score(row: np.ndarray, weights: np.ndarray) -> float:
    """docs/scoring.md's formula, one dimension at a time, skipping what is missing."""
    used = sum(w for m, w in zip(row, weights, strict=True) if not np.isnan(m))
    if used == 0:
        return float("nan")
    points = sum(w * (m - SCORE_MIN) for m, w in zip(row, weights, strict=True) if not np.isnan(m))
    return 100 * points / ((SCORE_MAX - SCORE_MIN) * used)


@PROPERTY
@given(matrices())
def test_score_is_the_design_formula_and_missing_is_never_zero(data):
    mean, weights = data
    score, coverage = weighted_scores(mean, weights)
    for i, row in enumerate(mean):
        np.testing.assert_allclose(score[i], _reference_score(row, weights), equal_nan=True)
        used = sum(w for m, w in zip(row, weights, strict=True) if not np.isnan(m))
        assert coverage[i] == pytest.approx(used / weights.sum())


@PROPERTY
@given(matrices())
def test_scores_stay_within_0_and_100(data):
    mean, weights = data
    score, coverage = weighted_scores(mean, weights)
    scored = score[~np.isnan(score)]
    assert ((scored >= 0) & (scored <= 100)).all()
    assert ((coverage >= 0) & (coverage <= 1)).all()


@PROPERTY
@given(matrices(), st.integers(0, D - 1), st.integers(0, 5))
def test_a_dimension_nobody_rated_changes_no_score(data, dimension, new_weight):
    mean, weights = data
    mean = mean.copy()
    mean[:, dimension] = np.nan
    changed = weights.copy()
    changed[dimension] = new_weight
    assume(changed.sum() > 0)
    before, _ = weighted_scores(mean, weights)
    after, _ = weighted_scores(mean, changed)
    np.testing.assert_array_equal(before, after)


@PROPERTY
@given(matrices(), st.sampled_from([0.5, 2.0, 3.0, 7.0, 100.0]))
def test_multiplying_every_weight_by_a_constant_changes_nothing(data, factor):
    mean, weights = data
    kinds = np.array(["career", "employer"] * len(mean), dtype=object)[: len(mean)]
    score, coverage = weighted_scores(mean, weights)
    scaled, scaled_coverage = weighted_scores(mean, weights * factor)
    np.testing.assert_allclose(scaled, score, equal_nan=True)
    np.testing.assert_allclose(scaled_coverage, coverage)
    np.testing.assert_array_equal(ranks_within_kind(scaled, kinds), ranks_within_kind(score, kinds))


@PROPERTY
@given(matrices(min_rows=2), st.data())
def test_an_option_at_least_as_good_everywhere_never_ranks_below(data, draw):
    mean, weights = data
    better = mean[0].copy()
    gains = draw.draw(hnp.arrays(float, D, elements=st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0, 4.0])))
    better = np.minimum(better + gains, SCORE_MAX)  # NaN stays NaN: the same evidence set
    row = draw.draw(st.integers(1, len(mean) - 1))
    mean = mean.copy()
    mean[row] = better
    kinds = np.array(["career"] * len(mean), dtype=object)
    score, _ = weighted_scores(mean, weights)
    ranks = ranks_within_kind(score, kinds)
    assert ranks[row] <= ranks[0]


@PROPERTY
@given(matrices(max_rows=60), st.data())
def test_the_one_pass_ranking_matches_scoring_then_ranking(data, draw):
    mean, weights = data
    kinds = draw.draw(st.lists(st.sampled_from(list(KIND_GROUP)), min_size=len(mean), max_size=len(mean)))
    score, coverage, rank = rank_options(mean, weights, np.array([KIND_GROUP[k] for k in kinds]))
    expected_score, expected_coverage = weighted_scores(mean, weights)
    np.testing.assert_array_equal(score, expected_score)
    np.testing.assert_array_equal(coverage, expected_coverage)
    np.testing.assert_array_equal(rank, ranks_within_kind(score, np.array(kinds, dtype=object)))


@PROPERTY
@given(
    hnp.arrays(float, st.integers(0, 14), elements=st.sampled_from([10.0, 25.5, 50.0, 50.0, 75.0, 100.0, np.nan])),
    st.data(),
)
def test_ranks_are_competition_ranks_within_kind(score, draw):
    kinds = np.array(draw.draw(st.lists(st.sampled_from(["career", "employer"]), min_size=len(score),
                                        max_size=len(score))), dtype=object)
    ranks = ranks_within_kind(score, kinds)
    for i in range(len(score)):
        same = (kinds == kinds[i]) & ~np.isnan(score)
        if np.isnan(score[i]):
            assert ranks[i] == same.sum() + 1  # unscored: after every scored option of its kind
        else:
            assert ranks[i] == 1 + (score[same] > score[i]).sum()  # ties share: 1, 2, 2, 4



@PROPERTY
@given(matrices())
def test_contributions_are_the_terms_of_the_one_score(data):
    mean, weights = data
    parts = contributions(mean, weights)
    score, _coverage = weighted_scores(mean, weights)
    scored = ~np.isnan(score)
    np.testing.assert_allclose(np.nansum(parts, axis=1)[scored], score[scored], rtol=0, atol=1e-9)
    assert np.isnan(parts[~scored]).all()
    assert (np.isnan(parts) == (np.isnan(mean) | ~scored[:, None])).all()  # a value counts, even at weight 0


def test_inheritance_keeps_leading_axes_apart():
    rng = np.random.default_rng(3)
    mean = rng.uniform(SCORE_MIN, SCORE_MAX, size=(3, 4, D))
    mean[rng.random(mean.shape) < 0.5] = np.nan
    companion = rng.random(mean.shape)
    career_rows = np.array([-1, 0, 0, -1])
    inherited, filled, carried = inherit(mean, career_rows, companion)
    for step in range(3):
        one = inherit(mean[step], career_rows, companion[step])
        for whole, sliced in zip((inherited, filled, carried), one, strict=True):
            np.testing.assert_array_equal(whole[step], sliced)
    assert not inherited[:, [0, 3]].any()  # no career, nothing inherited
    assert (filled[inherited] == np.broadcast_to(mean[:, [0], :], mean.shape)[inherited]).all()


# --- whole workspaces -------------------------------------------------------------------------


@st.composite
def workspaces(draw):  # type: ignore[no-untyped-def]
    n_careers = draw(st.integers(1, 3))
    n_employers = draw(st.integers(0, 3))
    options = [Option(id=f"c{i}", kind="career", name=f"Career {i}") for i in range(n_careers)]
    for i in range(n_employers):
        career = draw(st.one_of(st.none(), st.sampled_from([o.id for o in options[:n_careers]])))
        options.append(Option(id=f"e{i}", kind="employer", name=f"Employer {i}", career=career))
    ids = [o.id for o in options]
    interviews = []
    for k in range(draw(st.integers(0, 6))):
        cells = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(DIMENSION_KEYS), st.integers(1, 5)),
                              max_size=8, unique_by=lambda t: (t[0], t[1])))
        day = draw(st.integers(1, 28))
        interviews.append(_interview(f"i{k}", day, *cells) if cells else
                          Interview(id=f"i{k}", kind="self", date=dt.date(2026, 10, day)))
    weights = {key: draw(st.integers(0, 5)) for key in DIMENSION_KEYS}
    assume(any(weights.values()))
    return _workspace(options, interviews, weights)


@PROPERTY
@given(workspaces())
def test_inherited_values_never_override_an_employers_own_rating(ws):
    ev = evidence(ws)
    own = {}
    for interview in ws.interviews:
        for r in interview.ratings:
            own.setdefault((r.option, r.dimension), []).append(r.score)
    for i, option in enumerate(ws.options):
        for d, key in enumerate(DIMENSION_KEYS):
            mine = own.get((option.id, key))
            theirs = own.get((option.career, key)) if option.career else None
            if mine:
                assert ev.mean[i, d] == pytest.approx(np.mean(mine)) and not ev.inherited[i, d]
            elif theirs:
                assert ev.mean[i, d] == pytest.approx(np.mean(theirs)) and ev.inherited[i, d]
            else:
                assert np.isnan(ev.mean[i, d]) and not ev.inherited[i, d]


@PROPERTY
@given(workspaces())
def test_historys_last_step_equals_the_current_scores(ws):
    s = standing(ws)
    history = score_history(ws)
    if history.empty:
        assert np.isnan(s.score).all() or not ws.interviews
        return
    last = history[history["step"] == history["step"].max()].set_index("option")
    for i, option in enumerate(ws.options):
        if np.isnan(s.score[i]):
            assert option.name not in last.index
        else:
            assert last.loc[option.name, "score"] == pytest.approx(s.score[i])
            assert last.loc[option.name, "coverage"] == pytest.approx(s.coverage[i])


@PROPERTY
@given(workspaces())
def test_standing_ranks_match_its_own_scores(ws):
    s = standing(ws)
    np.testing.assert_array_equal(s.rank, ranks_within_kind(s.score, s.evidence.kinds))



@PROPERTY
@given(workspaces())
def test_every_step_of_the_history_is_the_standing_of_the_entries_so_far(ws):
    """The history's means and inheritance are the standing's: the same rule at every step."""
    history = score_history(ws)
    entries = sorted(ws.interviews, key=lambda i: (i.date, i.id))
    for step in range(1, len(entries) + 1):
        so_far = standing(ws.model_copy(update={"interviews": entries[:step]}))
        rows = history[history["step"] == step].set_index("option")
        for i, option in enumerate(ws.options):
            if np.isnan(so_far.score[i]):
                assert option.name not in rows.index
            else:
                assert rows.loc[option.name, "score"] == so_far.score[i]
                assert rows.loc[option.name, "coverage"] == so_far.coverage[i]
