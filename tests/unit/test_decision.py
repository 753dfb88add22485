"""The decision engine: exact sensitivity against a brute-force sweep, the four verdicts on
hand-made workspaces and on the demo, ask-next, and the `decide` bundle."""

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import decision as dc
from core.demo import demo_workspace
from core.dimensions import BY_KEY, DIMENSION_KEYS
from core.models import Contact, Interview, Option, Rating, Workspace
from core.robustness import robustness
from core.scoring import Evidence, Standing, evidence, ranks_within_kind, standing, weighted_scores
from tests.output_snapshot import workspaces as generated_workspaces

D = len(DIMENSION_KEYS)
FEW_DRAWS = 2_000


# --- Building workspaces by hand ----------------------------------------------------------------


def option(id, kind="career", leaning=False, career=None, name=None):
    return Option(id=id, kind=kind, name=name or f"Option {id}", leaning=leaning, career=career)


def build(options, conversations, weights=None) -> Workspace:
    """`conversations`: one dict per interview, {option id: {dimension: score}}."""
    interviews = []
    for i, rated in enumerate(conversations):
        ratings = [
            Rating(option=o, dimension=d, score=s) for o, scores in rated.items() for d, s in scores.items()
        ]
        interviews.append(
            Interview(
                id=f"i{i}", kind="interview", date=dt.date(2026, 10, 1) + dt.timedelta(days=i),
                contact=Contact(name=f"Contact {i}"), ratings=ratings,
            )
        )
    weights = weights or dict.fromkeys(DIMENSION_KEYS, 3)
    return Workspace(name="test", weights=weights, options=options, interviews=interviews)


def everywhere(score) -> dict:
    return dict.fromkeys(DIMENSION_KEYS, score)


def judged(ws: Workspace, draws: int = FEW_DRAWS) -> dc.Verdict:
    now = standing(ws)
    return dc.judge(now, robustness(now.evidence, draws=draws))


# --- Sensitivity ---------------------------------------------------------------------------------


def make_evidence(mean, weights, kinds=None, leaning=None) -> Evidence:
    mean = np.array(mean, dtype=float)
    n = len(mean)
    has = ~np.isnan(mean)
    return Evidence(
        option_ids=tuple(f"o{i}" for i in range(n)),
        names=tuple(f"Option {i}" for i in range(n)),
        kinds=np.array(kinds or ["career"] * n, dtype=object),
        career_of=(None,) * n,
        leaning=np.zeros(n, dtype=bool) if leaning is None else np.array(leaning),
        mean=mean,
        count=has.astype(np.int64),
        spread=np.where(has, 0.0, np.nan),
        inherited=np.zeros((n, D), dtype=bool),
        weights=np.array(weights, dtype=float),
        own_ratings=has.sum(axis=1),
        interviews=np.ones(n, dtype=np.int64),
    )


def top_is_first(ev: Evidence, members: np.ndarray, r: int, j: int, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """With weight j set to each t: is member r first (as core.scoring ranks), and who leads."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    weights = np.tile(ev.weights, (len(t), 1))
    weights[:, j] = t
    score = np.array([weighted_scores(ev.mean[members], w)[0] for w in weights])
    rounded = np.round(score, 9)  # exactly how ranks_within_kind compares scores
    filled = np.where(np.isnan(rounded), -np.inf, rounded)
    best = filled.max(axis=1)
    first = ~np.isnan(rounded[:, r]) & (filled[:, r] >= best) & np.isfinite(best)
    leader = np.where(np.isfinite(best), filled.argmax(axis=1), -1)
    return first, leader


def brute_force(ev: Evidence, kind: str, top_row: int, j: int, grid: int = 5_001):
    """Sweep weight j over 0-5 in steps of 0.001, then bisect each change of the top to 1e-14."""
    members = np.flatnonzero(ev.kinds == kind)
    r = int(np.flatnonzero(members == top_row)[0])
    stated = float(ev.weights[j])
    ts = np.union1d(np.linspace(0, dc.SENSITIVITY_MAX_WEIGHT, grid), [stated])
    first, _ = top_is_first(ev, members, r, j, ts)
    here = int(np.searchsorted(ts, stated))
    assert first[here]

    def edge(step: int):
        i = here
        while 0 <= i + step < len(ts) and first[i + step]:
            i += step
        if not 0 <= i + step < len(ts):
            return ts[i], None
        good, bad = ts[i], ts[i + step]
        for _ in range(50):
            mid = (good + bad) / 2
            if top_is_first(ev, members, r, j, mid)[0][0]:
                good = mid
            else:
                bad = mid
        beyond = float(np.clip(good + step * 1e-7, 0, dc.SENSITIVITY_MAX_WEIGHT))
        is_first, leader = top_is_first(ev, members, r, j, beyond)
        if is_first[0]:  # the change happens exactly at the end point (weight 0)
            is_first, leader = top_is_first(ev, members, r, j, bad)
        return good, ev.option_ids[members[leader[0]]] if leader[0] >= 0 else None

    (low, below), (high, above) = edge(-1), edge(+1)
    return low, high, below, above


def random_evidence(rng: np.random.Generator) -> Evidence:
    n = int(rng.integers(2, 6))
    mean = np.full((n + 1, D), np.nan)
    for o in range(n + 1):
        for d in range(D):
            if rng.random() < 0.6:
                mean[o, d] = rng.integers(1, 6, size=int(rng.integers(1, 4))).mean()
    weights = rng.integers(0, 6, size=D)
    if not weights.any():
        weights[0] = 3
    return make_evidence(mean, weights, kinds=["career"] * n + ["employer"])


def test_sensitivity_matches_a_brute_force_sweep():
    rng = np.random.default_rng(2026)
    checked = changed = 0
    for _ in range(60):
        ev = random_evidence(rng)
        result = dc.sensitivity(ev, "career")
        if result is None:
            continue
        top_row = ev.index(result.top)
        for j, found in enumerate(result.ranges):
            low, high, below, above = brute_force(ev, "career", top_row, j)
            assert found.low == pytest.approx(low, abs=1e-6), (j, found, low)
            assert found.high == pytest.approx(high, abs=1e-6), (j, found, high)
            assert (found.below, found.above) == (below, above), (j, found, below, above)
            checked += 1
            changed += found.changes
    assert checked > 300 and changed > 50  # the sweep met plenty of real changes of the top


def test_sensitivity_of_a_known_case():
    # A: culture 5, typical day 1; B the reverse. Only those two weights count (3 and 2), so A
    # leads, and the two swap where the weights are equal: at a culture weight of exactly 2.
    mean = np.full((2, D), np.nan)
    culture, day = DIMENSION_KEYS.index("culture"), DIMENSION_KEYS.index("typical_day")
    mean[0, [culture, day]] = [5, 1]
    mean[1, [culture, day]] = [1, 5]
    weights = np.zeros(D)
    weights[[culture, day]] = [3, 2]
    result = dc.sensitivity(make_evidence(mean, weights), "career")
    assert result.top == "o0"
    by_key = {r.dimension: r for r in result.ranges}
    assert (by_key["culture"].low, by_key["culture"].high) == (pytest.approx(2.0), 5.0)
    assert (by_key["culture"].below, by_key["culture"].above) == ("o1", None)
    assert (by_key["typical_day"].low, by_key["typical_day"].high) == (0.0, pytest.approx(3.0))
    assert by_key["typical_day"].above == "o1" and by_key["typical_day"].above_name == "Option 1"
    assert not by_key["network"].changes  # nobody was rated on it: moving it changes nothing


def test_sensitivity_when_the_top_loses_its_only_evidence_at_zero():
    mean = np.full((2, D), np.nan)
    mean[0, 0] = 5  # only culture
    mean[1, 1] = 3  # only industry outlook
    result = dc.sensitivity(make_evidence(mean, np.full(D, 3.0)), "career")
    culture = result.ranges[0]
    assert culture.low == 0.0 and culture.below == "o1"  # at weight 0, option 0 has no score at all
    assert culture.high == 5.0 and culture.above is None


def test_identical_options_never_change_places():
    mean = np.array([[4, 3, 2, 5, 1, 3, 4, 2, 5, 3]] * 2, dtype=float)
    result = dc.sensitivity(make_evidence(mean, np.full(D, 3.0)), "career")
    assert all(not r.changes and (r.low, r.high) == (0.0, 5.0) for r in result.ranges)


def test_sensitivity_of_a_kind_without_scores_is_none():
    ev = make_evidence(np.full((2, D), np.nan), np.full(D, 3.0))
    assert dc.sensitivity(ev, "career") is None
    assert dc.sensitivity(ev, "employer") is None


@pytest.mark.parametrize("ws", [ws for _name, ws in generated_workspaces(80)], ids=lambda ws: ws.name)
def test_the_sensitivity_scores_are_the_score_formula(ws):
    """The closed form the sensitivity solves, (P + Q t) / (R + S t), is `weighted_scores` with
    weight t on the dimension; -inf where that has no score."""
    ev = evidence(ws)
    for kind in ("career", "employer"):
        members = np.flatnonzero(ev.kinds == kind)
        if not len(members):
            continue
        for j in range(D):
            line = dc._Scores.along(ev.mean[members], ev.weights, j)
            for t in (0.0, 0.4, 1.0, float(ev.weights[j]), 2.7, dc.SENSITIVITY_MAX_WEIGHT):
                weights = ev.weights.copy()
                weights[j] = t
                expected, _coverage = weighted_scores(ev.mean[members], weights)
                got = line.at(t)
                assert (np.isnan(expected) == (got == -np.inf)).all()
                scored = ~np.isnan(expected)
                np.testing.assert_allclose(got[scored], expected[scored], rtol=0, atol=1e-9)


# --- Verdicts ------------------------------------------------------------------------------------


def test_confirmed_when_the_leaning_is_robustly_first():
    ws = build(
        [option("a", leaning=True, name="Nursing"), option("b", name="Teaching")],
        [{"a": everywhere(5), "b": everywhere(2)}] * 3,
    )
    verdict = judged(ws)
    assert verdict.code == dc.CONFIRMED and verdict.is_leaning
    assert verdict.option_name == "Nursing" and verdict.rival_name == "Teaching"
    assert verdict.p_first == 1.0
    assert "Nursing" in verdict.headline and "100%" in verdict.headline
    assert len(verdict.deciding) == dc.DECIDING_DIMENSIONS and all(points > 0 for _, points in verdict.deciding)
    assert "60%" in verdict.detail


def test_reconsider_names_the_rival_and_what_puts_it_ahead():
    weights = dict.fromkeys(DIMENSION_KEYS, 1) | {"typical_day": 5, "culture": 4, "career_path": 3}
    ws = build(
        [option("a", leaning=True, name="Nursing"), option("b", name="Teaching"), option("c", name="Law")],
        [{"a": everywhere(3), "b": everywhere(3) | {"typical_day": 5, "culture": 5, "career_path": 4}}] * 3
        + [{"c": everywhere(2)}] * 3,
        weights=weights,
    )
    verdict = judged(ws)
    assert verdict.code == dc.RECONSIDER
    assert verdict.rival_name == "Teaching" and verdict.rival_p_first >= dc.RECONSIDER_P
    assert [key for key, _ in verdict.deciding] == ["typical_day", "culture", "career_path"]
    assert verdict.headline == (
        "Consider Teaching: it looks stronger than your leaning, Nursing, mainly on Typical day, "
        "Culture fit and Career path."
    )


def test_reconsider_when_the_leaning_is_an_outsider():
    # Three strong rivals share the wins, none reaching RECONSIDER_P; the leaning trails far behind.
    rivals = [option(x, name=f"Rival {x}") for x in "bcd"]
    ws = build(
        [option("a", leaning=True, name="Nursing"), *rivals],
        [{"a": everywhere(2), "b": everywhere(4), "c": everywhere(4), "d": everywhere(4)}] * 2,
    )
    now = standing(ws)
    result = robustness(now.evidence, draws=FEW_DRAWS)
    assert result.p_first[1:].max() < dc.RECONSIDER_P
    verdict = dc.judge(now, result)
    assert verdict.code == dc.RECONSIDER and verdict.p_first < dc.OUTSIDER_P
    assert verdict.rival_name.startswith("Rival")


def test_close_call_between_two_even_options():
    ws = build(
        [option("a", leaning=True, name="Nursing"), option("b", name="Teaching")],
        [{"a": everywhere(4), "b": everywhere(4)}],
    )
    verdict = judged(ws, draws=4_000)
    assert verdict.code == dc.CLOSE_CALL
    assert 0.4 < verdict.p_first < dc.CONFIRM_P
    assert verdict.headline.startswith("Close call: Nursing comes first in")
    assert "Teaching" in verdict.headline


def test_not_enough_evidence_on_the_leaning():
    ws = build(
        [option("a", leaning=True, name="Nursing"), option("b", name="Teaching")],
        [{"a": {"culture": 5, "typical_day": 5}, "b": everywhere(3)}],
    )
    verdict = judged(ws)
    assert verdict.code == dc.NOT_ENOUGH_EVIDENCE
    assert "Nursing" in verdict.headline
    assert "20%" in verdict.detail and "50%" in verdict.detail


def test_not_enough_evidence_on_the_rivals():
    ws = build(
        [option("a", leaning=True, name="Nursing"), option("b", name="Teaching")],
        [{"a": everywhere(4), "b": {"culture": 5}}],
    )
    verdict = judged(ws)
    assert verdict.code == dc.NOT_ENOUGH_EVIDENCE
    assert verdict.headline.startswith("You know too little about your other careers")


def test_not_enough_evidence_without_any_rival():
    ws = build(
        [option("a", leaning=True, name="Nursing"), option("e", kind="employer", name="City Hospital")],
        [{"a": everywhere(4), "e": everywhere(4)}],
    )
    verdict = judged(ws)
    assert verdict.code == dc.NOT_ENOUGH_EVIDENCE and verdict.kind == "career"
    assert "only one of your careers" in verdict.headline


def test_kinds_are_judged_apart():
    # The employer is excellent, but the leaning is a career: only careers compete with it.
    ws = build(
        [option("a", leaning=True, name="Nursing"), option("b", name="Teaching"),
         option("e", kind="employer", name="City Hospital")],
        [{"a": everywhere(4), "b": everywhere(2), "e": everywhere(5)}] * 2,
    )
    verdict = judged(ws)
    assert verdict.code == dc.CONFIRMED and verdict.rival_name == "Teaching"


def test_without_a_leaning_the_verdict_names_the_favourite():
    ws = build(
        [option("a", name="Nursing"), option("b", name="Teaching")],
        [{"a": everywhere(5), "b": everywhere(2)}] * 3,
    )
    verdict = judged(ws)
    assert not verdict.is_leaning and verdict.option_name == "Nursing"
    assert verdict.code == dc.CONFIRMED
    assert verdict.headline.startswith("The evidence favours Nursing among your careers")


def test_an_empty_workspace_asks_for_options():
    verdict = judged(Workspace(name="empty"))
    assert verdict.code == dc.NOT_ENOUGH_EVIDENCE and verdict.option is None and verdict.kind is None
    nothing_rated = judged(build([option("a"), option("b")], []))
    assert nothing_rated.code == dc.NOT_ENOUGH_EVIDENCE and nothing_rated.kind == "career"


def test_thresholds_are_stated_in_plain_words():
    words = " ".join(dc.thresholds_in_words())
    for text in ("60%", "50%", "10%", f"{dc.MIN_RATINGS} ratings", "Close call"):
        assert text in words
    assert set(dc.VERDICT_CODES) == {"confirmed", "close_call", "reconsider", "not_enough_evidence"}


# --- The demo ------------------------------------------------------------------------------------


def test_the_demo_reads_sensibly():
    decision = dc.decide(demo_workspace())
    verdict = decision.verdict
    # Registered nurse leads the careers (76.8 against 68.8) and comes first in about 72% of cases.
    assert decision.kind == "career"
    assert verdict.code == dc.CONFIRMED and verdict.is_leaning
    assert verdict.option_name == "Registered nurse" and verdict.rival_name == "Physiotherapist"
    assert verdict.headline == (
        "The evidence backs your leaning: Registered nurse comes first among your careers in "
        f"{round(100 * verdict.p_first)}% of plausible cases."
    )
    assert 0.65 < verdict.p_first < 0.8
    # Education, entry requirements and confidence: rated for both, higher for nursing.
    assert set(verdict.deciding_labels) == {"Education value", "Entry requirements", "Confidence"}
    assert decision.sensitivity.top_name == "Registered nurse"
    gaps = decision.ask_next
    assert len(gaps) == dc.ASK_NEXT_COUNT
    assert all(g.kind == "career" and g.contender for g in gaps)
    assert gaps[0].reason == (
        "Nobody has told you about Culture fit for Registered nurse yet, and it matters 4/5 to you."
    )
    assert all(g.questions == BY_KEY[g.dimension].questions for g in gaps)
    assert decision.leaning_verdict == "confirmed"
    table = decision.table()
    assert table.loc[table["leaning"], "verdict"].tolist() == ["confirmed"]
    assert (table.loc[~table["leaning"], "verdict"] == "").all()


# --- Ask next ------------------------------------------------------------------------------------


def test_ask_next_ranks_the_gaps_that_could_change_the_decision():
    weights = dict.fromkeys(DIMENSION_KEYS, 2) | {"culture": 5, "network": 0, "education": 1}
    ws = build(
        [
            option("a", leaning=True, name="Nursing"),
            option("b", name="Teaching"),
            option("c", name="Law"),
            option("e", kind="employer", name="City Hospital", career="a"),
        ],
        [
            {"a": {k: 4 for k in DIMENSION_KEYS if k not in ("culture", "education")}, "b": everywhere(4)},
            {"a": {"career_path": 4}, "b": everywhere(4)},
            {"c": everywhere(1)},
            {"c": everywhere(1)},
        ],
        weights=weights,
    )
    now = standing(ws)
    gaps = dc.ask_next(now, robustness(now.evidence, draws=FEW_DRAWS), count=50)
    assert all(g.kind == "career" for g in gaps)  # the leaning's kind only
    assert all(g.dimension != "network" for g in gaps)  # weight 0 never matters
    assert all(g.option != "c" or not g.contender for g in gaps)
    ranked = [(g.option, g.dimension) for g in gaps]
    # Culture (5/5) is missing on the leaning: the most valuable question; education (1/5) less so.
    assert ranked[0] == ("a", "culture")
    assert ranked.index(("a", "culture")) < ranked.index(("a", "education"))
    # Career path has two ratings of its own for nursing: settled, not a gap.
    assert ("a", "career_path") not in ranked
    assert [g.contender for g in gaps] == sorted((g.contender for g in gaps), reverse=True)
    first = gaps[0]
    assert first.gap == "missing" and first.weight == 5 and first.label == "Culture fit"
    assert first.reason.startswith("Nobody has told you about Culture fit for Nursing yet, and it matters 5/5")
    assert first.questions == BY_KEY["culture"].questions
    assert first.value > 0 and 0 <= first.flip_chance <= 1 and first.swing > 0


def test_ask_next_explains_inherited_and_thin_evidence():
    ws = build(
        [
            option("c", name="Nursing"),
            option("e", kind="employer", name="City Hospital", career="c", leaning=True),
            option("f", kind="employer", name="Riverside Care"),
        ],
        [{"c": everywhere(4), "e": {"culture": 4}, "f": everywhere(4)}],
    )
    now = standing(ws)
    gaps = dc.ask_next(now, robustness(now.evidence, draws=FEW_DRAWS), count=100)
    reasons = {(g.option, g.dimension): g for g in gaps}
    inherited = reasons[("e", "typical_day")]
    assert inherited.gap == "inherited"
    assert inherited.reason.startswith(
        "What you know about Typical day at City Hospital comes from Nursing in general, not from City Hospital itself"
    )
    thin = reasons[("e", "culture")]
    assert thin.gap == "thin" and thin.reason.startswith("Only one rating so far on Culture fit at City Hospital (4/5)")


# --- decide ------------------------------------------------------------------------------------


def test_decide_is_reproducible_and_bundles_everything():
    ws = demo_workspace()
    a, b = dc.decide(ws, seed=7, draws=FEW_DRAWS), dc.decide(ws, seed=7, draws=FEW_DRAWS)
    assert np.array_equal(a.robustness.p_first, b.robustness.p_first)
    assert a.verdict == b.verdict and a.ask_next == b.ask_next and a.sensitivity == b.sensitivity
    assert a.robustness.draws == FEW_DRAWS and a.robustness.seed == 7
    assert set(a.robustness.p_first_by_id()) == {o.id for o in ws.options}
    table = a.table()
    assert {"p_first", "score_low", "score_high", "verdict"} <= set(table.columns)
    assert len(table) == len(ws.options)


def test_decide_on_a_workspace_without_a_leaning_focuses_on_careers():
    ws = build(
        [option("a", name="Nursing"), option("b", name="Teaching"), option("e", kind="employer", name="Clinic")],
        [{"a": everywhere(5), "b": everywhere(3), "e": everywhere(4)}] * 3,
    )
    decision = dc.decide(ws, draws=FEW_DRAWS)
    assert decision.kind == "career" and decision.sensitivity.kind == "career"
    assert decision.verdict.option_name == "Nursing" and not decision.verdict.is_leaning
    assert (decision.table()["verdict"] == "").all()  # the CSV's verdict is for a leaning only
    assert decision.leaning_verdict is None


def test_the_evidence_helper_matches_the_workspace_path():
    ws = build([option("a"), option("b")], [{"a": everywhere(4), "b": {"culture": 2}}])
    ev = evidence(ws)
    assert ev.own_ratings.tolist() == [10, 1]


# --- Properties on random evidence -------------------------------------------------------------

cells = st.one_of(st.just(float("nan")), st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0]), st.floats(1, 5))


@settings(max_examples=60)
@given(
    rows=st.lists(st.lists(cells, min_size=D, max_size=D), min_size=1, max_size=5),
    kinds=st.lists(st.sampled_from(["career", "employer"]), min_size=5, max_size=5),
    weights=st.lists(st.integers(0, 5), min_size=D, max_size=D).filter(any),
    leaning=st.one_of(st.none(), st.integers(0, 4)),
    counts=st.integers(1, 3),
)
def test_verdict_and_ask_next_hold_their_promises(rows, kinds, weights, leaning, counts):
    n = len(rows)
    flags = [i == leaning for i in range(n)]
    ev = make_evidence(rows, weights, kinds=kinds[:n], leaning=flags)
    ev = dataclasses.replace(ev, count=ev.count * counts, own_ratings=ev.own_ratings * counts)
    score, coverage = weighted_scores(ev.mean, ev.weights)
    now = Standing(ev, score, coverage, ranks_within_kind(score, ev.kinds))
    rb = robustness(ev, draws=300, seed=1)
    verdict = dc.judge(now, rb)
    assert verdict.code in dc.VERDICT_CODES
    assert verdict.headline.endswith(".") and verdict.detail.endswith(".")
    assert verdict.is_leaning == any(flags)
    if verdict.option is not None:
        subject = ev.index(verdict.option)
        assert ev.kinds[subject] == verdict.kind
        if verdict.code == dc.CONFIRMED:
            assert now.rank[subject] == 1 and verdict.p_first >= dc.CONFIRM_P
        if verdict.code == dc.RECONSIDER:
            assert score[ev.index(verdict.rival)] > score[subject]
        if verdict.rival is not None:
            assert ev.kinds[ev.index(verdict.rival)] == verdict.kind and verdict.rival != verdict.option
    gaps = dc.ask_next(now, rb, count=7)
    assert len(gaps) <= 7
    for gap in gaps:
        assert gap.kind == verdict.kind and gap.weight > 0 and gap.value >= 0 and 0 <= gap.flip_chance <= 1
        assert gap.reason.endswith(".") and gap.questions
    assert [g.contender for g in gaps] == sorted((g.contender for g in gaps), reverse=True)
