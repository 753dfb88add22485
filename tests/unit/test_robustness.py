"""The robustness Monte Carlo against a slow, obviously correct reference, plus known cases and
invariants. Draw counts are kept small where the property allows, so the file runs in seconds."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import robustness as rb
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.scoring import Evidence, evidence, weighted_scores
from tests.output_snapshot import workspaces as generated_workspaces

D = len(DIMENSION_KEYS)


def make_evidence(mean, count=None, spread=None, kinds=None, weights=None, inherited=None, leaning=None) -> Evidence:
    """Evidence straight from arrays: NaN in `mean` is 'no value'."""
    mean = np.array(mean, dtype=float)
    n = len(mean)
    has = ~np.isnan(mean)
    count = np.where(has, 1 if count is None else np.maximum(np.asarray(count), 1), 0).astype(np.int64)
    spread = np.where(has, 0.0 if spread is None else np.asarray(spread, dtype=float), np.nan)
    kinds = np.array(kinds or ["career"] * n, dtype=object)
    return Evidence(
        option_ids=tuple(f"o{i}" for i in range(n)),
        names=tuple(f"Option {i}" for i in range(n)),
        kinds=kinds,
        career_of=(None,) * n,
        leaning=np.zeros(n, dtype=bool) if leaning is None else np.asarray(leaning),
        mean=mean,
        count=count,
        spread=spread,
        inherited=np.zeros((n, D), dtype=bool) if inherited is None else np.asarray(inherited),
        weights=np.full(D, 3.0) if weights is None else np.asarray(weights, dtype=float),
        own_ratings=count.sum(axis=1),
        interviews=np.ones(n, dtype=np.int64),
    )


def reference(ev: Evidence, draws: int, seed: int):
    """The model of core/robustness.py written out draw by draw, option by option, cell by cell.
    Only options with a score (a value on a dimension with a weight) are drawn and ranked."""
    rng = np.random.default_rng(seed)
    n = ev.n
    scored = [any(not math.isnan(ev.mean[o, d]) and ev.weights[d] > 0 for d in range(D)) for o in range(n)]
    first = np.zeros(n)
    places = np.zeros((n, n))
    drawn_scores = [[] for _ in range(n)]
    for _ in range(draws):
        gammas = [rng.gamma(rb.WEIGHT_PRECISION * w) if w > 0 else 0.0 for w in ev.weights]
        total = sum(gammas)
        weights = [g / total for g in gammas]
        score = []
        for o in range(n):
            if not scored[o]:
                score.append(None)
                continue
            value = 0.0
            for d in range(D):
                if weights[d] == 0:
                    continue
                if math.isnan(ev.mean[o, d]):
                    x = rng.normal(3.0, 4 / math.sqrt(12))
                else:
                    ratings = ev.count[o, d] * (0.5 if ev.inherited[o, d] else 1.0)
                    sd = math.sqrt(0.8**2 + ev.spread[o, d] ** 2) / math.sqrt(ratings)
                    x = rng.normal(ev.mean[o, d], sd)
                value += weights[d] * x
            score.append(value)
            drawn_scores[o].append(25 * (value - 1))
        for kind in set(ev.kinds):
            members = [o for o in range(n) if ev.kinds[o] == kind and scored[o]]
            if not members:
                continue
            ranked = sorted(members, key=lambda o: -score[o])
            first[ranked[0]] += 1
            for place, o in enumerate(ranked):
                places[o, place] += 1
    intervals = np.array([np.percentile(s, [10, 90]) if s else [np.nan, np.nan] for s in drawn_scores])
    return first / draws, places / draws, intervals


def small_case() -> Evidence:
    nan = np.nan
    mean = [
        [4, 3, 5, nan, 2, nan, 4, 3, nan, nan],
        [3.5, 4, 4, 2, nan, nan, nan, 4, 3, nan],
        [nan, nan, nan, nan, nan, nan, nan, nan, nan, nan],  # nobody asked yet
        [5, 4, nan, 3, 3, nan, nan, nan, nan, 2],
        [4, 4, 5, nan, 2, nan, 4, 3, nan, nan],  # employer inheriting some of option 0's values
    ]
    count = np.array([[2, 1, 1, 0, 1, 0, 3, 1, 0, 0]] * 5)
    spread = np.where(np.isnan(np.array(mean, dtype=float)), np.nan, 0.5)
    inherited = np.zeros((5, D), dtype=bool)
    inherited[4, [2, 4, 6, 7]] = True
    return make_evidence(
        mean, count=count, spread=spread, kinds=["career", "career", "career", "employer", "employer"],
        weights=[4, 3, 0, 2, 5, 1, 2, 3, 5, 2], inherited=inherited,
    )


def test_matches_the_plain_loop_reference_within_monte_carlo_error():
    ev = small_case()
    fast = rb.robustness(ev, draws=20_000, seed=11)
    ref_draws = 5_000
    p_ref, places_ref, intervals_ref = reference(ev, ref_draws, seed=12)

    def close(a, b, n_a, n_b):
        se = np.sqrt(np.clip(b * (1 - b), 1e-4, None) * (1 / n_a + 1 / n_b))
        return np.abs(a - b) <= 4 * se

    assert close(fast.p_first, p_ref, 20_000, ref_draws).all(), (fast.p_first, p_ref)
    for kind in ("career", "employer"):
        members = fast.members(kind)
        fast_places = fast.rank_probability[np.ix_(members, range(len(members)))]
        ref_places = places_ref[np.ix_(members, range(len(members)))]
        assert close(fast_places, ref_places, 20_000, ref_draws).all(), (fast_places, ref_places)
    # 10th and 90th percentiles of the drawn score, in score points; none for the unscored option
    assert np.allclose(fast.score_low, np.clip(intervals_ref[:, 0], 0, 100), atol=1.5, equal_nan=True)
    assert np.allclose(fast.score_high, np.clip(intervals_ref[:, 1], 0, 100), atol=1.5, equal_nan=True)


def test_a_dominating_option_is_always_first():
    ev = make_evidence([[5.0] * D, [1.0] * D, [2.0] * D], count=np.full((3, D), 4))
    result = rb.robustness(ev, draws=2_000)
    assert result.p_first.tolist() == [1.0, 0.0, 0.0]
    assert np.array_equal(result.rank_probability, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert np.isnan(result.central_weights[1:]).all()


def test_two_identical_options_split_first_place_evenly():
    ev = make_evidence([[4.0, 3, 2, 5, 4, 3, 2, 4, 3, 4]] * 2, count=np.full((2, D), 2))
    result = rb.robustness(ev, draws=rb.DRAWS, seed=3)
    se = math.sqrt(0.25 / rb.DRAWS)
    assert abs(result.p_first[0] - 0.5) < 4 * se
    assert result.p_first.sum() == pytest.approx(1.0)


def test_same_seed_same_numbers_other_seed_other_numbers():
    ev = small_case()
    a, b = rb.robustness(ev, draws=3_000, seed=5), rb.robustness(ev, draws=3_000, seed=5)
    c = rb.robustness(ev, draws=3_000, seed=6)
    for name in ("p_first", "rank_probability", "score_low", "score_high", "central_weights"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert not np.array_equal(a.p_first, c.p_first)
    assert not np.array_equal(a.score_low, c.score_low)


def test_the_default_is_ten_thousand_draws_and_a_fixed_seed():
    ev = evidence(demo_workspace())
    result = rb.robustness(ev)
    assert result.draws == rb.DRAWS == 10_000
    assert np.array_equal(result.p_first, rb.robustness(ev).p_first)


def test_kinds_are_separate_decisions():
    ev = small_case()
    result = rb.robustness(ev, draws=3_000)
    for kind in ("career", "employer"):
        members = ev.kinds == kind
        assert result.p_first[members].sum() == pytest.approx(1.0)
    # careers are simulated before employers, so employers never change a career's numbers
    careers_only = make_evidence(
        ev.mean[:3], count=ev.count[:3], spread=ev.spread[:3], weights=ev.weights
    )
    alone = rb.robustness(careers_only, draws=3_000)
    assert np.array_equal(alone.p_first, result.p_first[:3])


def test_an_option_alone_in_its_kind_is_first_for_sure():
    ev = make_evidence([[2.0] * D, [5.0] * D], kinds=["career", "employer"])
    result = rb.robustness(ev, draws=500)
    assert result.p_first.tolist() == [1.0, 1.0]
    assert result.rank_probability.tolist() == [[1.0], [1.0]]


def test_zero_weights_stay_zero_and_draws_centre_on_the_stated_weights():
    weights = np.array([5, 0, 3, 0, 1, 2, 4, 0, 3, 2], dtype=float)
    drawn = rb.draw_weights(weights, 20_000, np.random.default_rng(1))
    assert drawn.shape == (20_000, D)
    assert (drawn[:, weights == 0] == 0).all()
    assert (drawn[:, weights > 0] > 0).all()
    assert np.allclose(drawn.sum(axis=1), 1.0)
    assert np.allclose(drawn.mean(axis=0), weights / weights.sum(), atol=0.003)
    # Dirichlet(precision * w): the spread of each share is known exactly
    alpha = rb.WEIGHT_PRECISION * weights[weights > 0]
    total = alpha.sum()
    sd = np.sqrt(alpha * (total - alpha) / (total**2 * (total + 1)))
    assert np.allclose(drawn[:, weights > 0].std(axis=0), sd, rtol=0.03)
    # so a stated 3 moves by about one step of the 0-5 scale
    assert 0.6 < (drawn[:, 2] * weights.sum()).std() < 1.2


def test_central_weights_are_shares_and_zero_where_the_weight_is_zero():
    ev = small_case()
    result = rb.robustness(ev, draws=3_000)
    won = result.p_first > 0
    assert np.allclose(result.central_weights[won].sum(axis=1), 1.0)
    assert (result.central_weights[won][:, ev.weights == 0] == 0).all()
    assert np.isnan(result.central_weights[~won]).all()


def test_an_option_nobody_asked_about_has_no_chance_no_place_and_no_range():
    ev = small_case()
    result = rb.robustness(ev, draws=3_000)
    # option 2 has no evidence at all: no score, so it is not ranked (docs/scoring.md)
    assert result.p_first[2] == 0 and not result.rank_probability[2].any()
    assert np.isnan([result.score_low[2], result.score_high[2], result.expected_rank[2]]).all()
    assert 2 not in result.members("career") and not result.scored[2]
    # the other careers share first place between them
    assert result.p_first[[0, 1]].sum() == pytest.approx(1.0)


def test_an_option_rated_only_on_weightless_dimensions_is_not_ranked():
    weights = [0, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    mean = [[4.0] + [np.nan] * (D - 1), [3.0] * D]
    result = rb.robustness(make_evidence(mean, weights=weights), draws=500)
    assert result.p_first.tolist() == [0.0, 1.0] and np.isnan(result.score_low[0])


def test_an_unscored_option_changes_no_other_number():
    ev = small_case()
    without = make_evidence(np.delete(ev.mean, 2, axis=0), count=np.delete(ev.count, 2, axis=0),
                            spread=np.delete(ev.spread, 2, axis=0), kinds=[k for i, k in enumerate(ev.kinds) if i != 2],
                            weights=ev.weights, inherited=np.delete(ev.inherited, 2, axis=0))
    a, b = rb.robustness(ev, draws=2_000, seed=5), rb.robustness(without, draws=2_000, seed=5)
    keep = [0, 1, 3, 4]
    assert np.array_equal(a.p_first[keep], b.p_first) and np.array_equal(a.score_low[keep], b.score_low)


def test_uncertainty_narrows_with_more_and_more_agreeing_ratings():
    row = [[4.0] * D]
    one = rb.robustness(make_evidence(row, count=np.ones((1, D))), draws=4_000)
    five = rb.robustness(make_evidence(row, count=np.full((1, D), 5)), draws=4_000)
    disagree = rb.robustness(make_evidence(row, count=np.full((1, D), 5), spread=np.full((1, D), 1.5)), draws=4_000)
    inherited = rb.robustness(make_evidence(row, inherited=np.ones((1, D), dtype=bool)), draws=4_000)
    width = lambda r: float(r.score_high[0] - r.score_low[0])  # noqa: E731
    assert width(five) < width(disagree) < width(one) < width(inherited)


def test_cell_model_follows_the_documented_formula():
    ev = small_case()
    centre, sd = rb.cell_model(ev)
    assert centre[0, 0] == 4 and sd[0, 0] == pytest.approx(math.sqrt(0.8**2 + 0.5**2) / math.sqrt(2))
    assert centre[0, 3] == rb.UNKNOWN_MEAN and sd[0, 3] == pytest.approx(4 / math.sqrt(12))
    assert sd[4, 2] == pytest.approx(math.sqrt(0.8**2 + 0.5**2) / math.sqrt(rb.INHERITED_WEIGHT))


def test_ties_share_their_places_evenly():
    scores = np.array([[2.0, 2.0, 1.0], [3.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 5.0, 1.0]])
    counts, (rows, winners, share) = rb.place_counts(scores)
    third = 1 / 3
    # Draw 1: options 0 and 1 tie for first; 2: 1 and 2 tie for second; 3: all tie; 4: 1, 2, 0.
    expected = np.array(
        [
            [0.5 + 1 + third, 0.5 + third, third + 1],
            [0.5 + third + 1, 0.5 + 0.5 + third, 0.5 + third],
            [third, 0.5 + third + 1, 1 + 0.5 + third],
        ]
    )
    assert np.allclose(counts, expected)
    assert np.allclose(counts.sum(axis=0), 4) and np.allclose(counts.sum(axis=1), 4)
    first = np.zeros((4, 3))
    first[rows, winners] = share
    assert np.allclose(first, [[0.5, 0.5, 0], [1, 0, 0], [third, third, third], [0, 1, 0]])


def test_tables_are_tidy():
    ev = small_case()
    result = rb.robustness(ev, draws=1_000)
    table = result.table()
    assert list(table.columns) == ["id", "name", "kind", "p_first", "expected_rank", "score_low", "score_high"]
    assert len(table) == ev.n
    long = result.rank_table()
    assert len(long) == 2 * 2 + 2 * 2  # the unscored career has no places
    assert np.allclose(long.groupby("id")["probability"].sum(), 1.0)
    matrix = result.rank_matrix("career")
    assert matrix.shape == (2, 2) and list(matrix.columns) == [1, 2]
    assert set(result.central_weights_table()["name"]) == {ev.names[i] for i in np.flatnonzero(result.p_first > 0)}
    assert list(result.intervals().columns) == ["id", "low", "high"]


def test_results_are_read_only():
    result = rb.robustness(small_case(), draws=200)
    with pytest.raises(ValueError):
        result.p_first[0] = 0.5


def test_an_empty_workspace_gives_empty_arrays():
    ev = make_evidence(np.zeros((0, D)))
    result = rb.robustness(ev, draws=100)
    assert result.p_first.shape == (0,) and result.rank_probability.shape == (0, 0)


def test_chunking_never_changes_the_answer(monkeypatch):
    ev = small_case()
    whole = rb.robustness(ev, draws=4_000, seed=2)
    monkeypatch.setattr(rb, "CHUNK_CELLS", 1_000)  # forces a dozen chunks per kind
    chunked = rb.robustness(ev, draws=4_000, seed=2)
    assert np.array_equal(chunked.p_first, whole.p_first)
    assert np.array_equal(chunked.rank_probability, whole.rank_probability)
    assert np.array_equal(chunked.score_low, whole.score_low, equal_nan=True)
    assert np.allclose(chunked.central_weights, whole.central_weights, equal_nan=True)


cells = st.one_of(st.just(float("nan")), st.floats(1, 5), st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0]))


@settings(max_examples=40)
@given(
    rows=st.lists(st.lists(cells, min_size=D, max_size=D), min_size=1, max_size=6),
    kinds=st.lists(st.sampled_from(["career", "employer"]), min_size=6, max_size=6),
    weights=st.lists(st.integers(0, 5), min_size=D, max_size=D).filter(any),
    seed=st.integers(0, 2**32 - 1),
)
def test_probabilities_always_add_up(rows, kinds, weights, seed):
    n = len(rows)
    ev = make_evidence(rows, count=np.full((n, D), 2), kinds=kinds[:n], weights=weights)
    result = rb.robustness(ev, draws=300, seed=seed)
    score, _ = weighted_scores(ev.mean, ev.weights)
    scored = ~np.isnan(score)
    assert np.array_equal(result.scored, scored)
    assert np.allclose(result.rank_probability.sum(axis=1), np.where(scored, 1.0, 0.0))
    for kind in ("career", "employer"):
        members = np.flatnonzero((ev.kinds == kind) & scored)
        if not len(members):
            continue
        assert result.p_first[members].sum() == pytest.approx(1.0)
        square = result.rank_probability[np.ix_(members, range(len(members)))]
        assert np.allclose(square.sum(axis=0), 1.0) and np.allclose(square.sum(axis=1), 1.0)
    first_place = result.rank_probability[:, 0] if scored.any() else np.zeros(n)  # no column without a scored option
    assert np.array_equal(result.p_first, first_place)
    # no evidence, no chance: an unscored option never comes first and has no range
    assert (result.p_first[~scored] == 0).all() and np.isnan(result.score_low[~scored]).all()
    low, high = result.score_low[scored], result.score_high[scored]
    assert ((low >= 0) & (low <= high) & (high <= 100)).all()


# --- The Monte Carlo's score is the score formula --------------------------------------------

GENERATED = [evidence(ws) for _name, ws in generated_workspaces(80)]


@pytest.mark.parametrize("ev", GENERATED, ids=lambda ev: f"{ev.n}-options")
def test_the_drawn_score_is_the_score_formula_over_the_drawn_profile(ev):
    """With the rating noise switched off, each draw's score is `weighted_scores` of the cells'
    centres at that draw's weights: the vectorised simulation computes the one score formula."""
    rng = rb.make_rng(7)
    weights = rb.draw_weights(ev.weights, 40, rng)
    used = ev.weights > 0
    centre, _sd = rb.cell_model(ev)
    for kind in rb.KINDS:
        members = np.flatnonzero(ev.kinds == kind)
        if not len(members):
            continue
        block = centre[members]
        _counts, _wins, kept = rb._simulate_kind(
            block[:, used], np.zeros((len(members), int(used.sum()))), rb._Shares.of(weights, used), rng
        )
        expected = np.array([weighted_scores(block, w)[0] for w in weights])
        np.testing.assert_allclose(rb.profile_score(kept), expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("ev", GENERATED, ids=lambda ev: f"{ev.n}-options")
def test_the_expected_score_is_the_score_formula_at_the_stated_weights(ev):
    """What ask-next calls an option's expected score: the centres at the stated weight shares."""
    centre, _sd = rb.cell_model(ev)
    share = ev.weights / ev.weights.sum()
    np.testing.assert_allclose(rb.profile_score(centre @ share), weighted_scores(centre, ev.weights)[0],
                               rtol=0, atol=1e-9)
