"""Join codes, passcode hashing, the sign-in guard and the cohort's numbers, without a database."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import workshops
from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import Contact, Interview, Option, Rating, TenfoldError, Workspace, default_weights
from core.workshops import MAX_FAILURES, SignInGuard
from views import cohort


def test_join_codes_are_six_unambiguous_characters_and_differ():
    codes = {workshops.new_join_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 6 and not set(code) & set("0O1Il")
        assert set(code) <= set(workshops.JOIN_CODE_ALPHABET)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("k7m 4qx", "K7M4QX"), (" K7M-4QX ", "K7M4QX"), ("K7M4QX", "K7M4QX"), ("k7m.4qx", "K7M4QX")],
)
def test_a_join_code_is_read_however_it_was_typed(typed, code):
    assert workshops.normalise_join_code(typed) == code
    assert workshops.spoken_join_code(code) == "K7M 4QX"


@pytest.mark.parametrize("typed", ["", None, "K7M4Q", "K7M4QXX", "K0M4QX", "KOM4QX", "K1M4QX", "KIM4QX", "ü7M4QX"])
def test_what_cannot_be_a_join_code_is_refused(typed):
    assert workshops.normalise_join_code(typed) is None


def test_a_passcode_is_stored_only_as_a_salted_slow_hash():
    first, second = workshops.hash_passcode("correct horse"), workshops.hash_passcode("correct horse")
    assert first != second  # salted
    assert "correct horse" not in first and "correct" not in first
    scheme, n, r, p, _salt, _key = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", workshops.SCRYPT_N, workshops.SCRYPT_R, workshops.SCRYPT_P)
    assert workshops.check_passcode("correct horse", first)
    assert workshops.check_passcode("correct horse", second)
    for wrong in ("correct hors", "Correct horse", "correct horse ", "", "x" * 10_000):
        assert not workshops.check_passcode(wrong, first)


@pytest.mark.parametrize("stored", [None, "", "plain-text", "md5$abc", "scrypt$x$8$1$a$b", "scrypt$16384$8$1$!!$!!"])
def test_an_unknown_workshop_or_a_damaged_hash_never_lets_anyone_in(stored):
    assert not workshops.check_passcode("anything at all", stored)
    assert not workshops.check_passcode("", stored)


@pytest.mark.parametrize(
    ("passcode", "again", "message"),
    [
        ("short", None, "at least 8"),
        ("x" * 129, None, "at most 128"),
        ("aaaaaaaaaa", None, "repeated"),
        ("long enough", "long enougH", "differ"),
    ],
)
def test_weak_or_mistyped_passcodes_are_refused(passcode, again, message):
    with pytest.raises(TenfoldError, match=message):
        workshops.check_new_passcode(passcode, again)


def test_the_guard_locks_after_repeated_failures_and_unlocks_with_time():
    guard, now = SignInGuard(), 1000.0
    delays = []
    for _ in range(MAX_FAILURES - 1):
        guard = guard.after_failure(now)
        delays.append(guard.delay())
        assert not guard.is_locked(now)
    assert delays == sorted(delays) and delays[0] > 0  # slower each time
    guard = guard.after_failure(now)
    assert guard.is_locked(now) and guard.is_locked(now + workshops.LOCK_SECONDS - 1)
    assert not guard.is_locked(now + workshops.LOCK_SECONDS)
    assert "5 minutes" in workshops.lock_message(guard.seconds_locked(now))
    # A second run of failures locks for twice as long, never longer than the cap.
    later = now + workshops.LOCK_SECONDS
    for _ in range(MAX_FAILURES):
        guard = guard.after_failure(later)
    assert guard.seconds_locked(later) == 2 * workshops.LOCK_SECONDS
    for _ in range(10 * MAX_FAILURES):
        guard = guard.after_failure(later + 10**6)
    assert guard.seconds_locked(later + 10**6) <= workshops.LOCK_SECONDS_MAX
    assert guard.after_success() == SignInGuard()


def test_twenty_wrong_passcodes_in_a_row_are_locked_out_most_of_the_time():
    guard, now, checked = SignInGuard(), 0.0, 0
    for _ in range(20):
        if guard.is_locked(now):
            continue  # refused without even looking at the passcode
        checked += 1
        guard = guard.after_failure(now)
        now += 1
    assert checked == MAX_FAILURES and guard.is_locked(now)


# --- the cohort's numbers ---------------------------------------------------------------------


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
    summary = workshops.participant_summary("Sam", demo_workspace())
    assert summary.row.participant == "Sam" and summary.row.options == 8
    assert summary.row.verdict in {"confirmed", "close_call", "reconsider", "not_enough_evidence"}
    assert len(summary.weights) == len(summary.unrated_share) == len(DIMENSION_KEYS)
    assert all(0 <= share <= 1 for share in summary.unrated_share)
    empty = workshops.participant_summary("New", _workspace(default_weights(), {}))
    assert empty.unrated_share == (None,) * 10 and empty.row.top_option == "" and empty.row.verdict == ""


def test_every_participant_counts_once_in_the_cohorts_needs():
    weights = dict.fromkeys(DIMENSION_KEYS, 5)
    many = workshops.participant_summary("Many", _workspace(weights, {f"Option {i}": [] for i in range(20)}))
    few = workshops.participant_summary("Few", _workspace(weights, {"Nurse": list(DIMENSION_KEYS)}))
    needs = workshops.cohort_needs([many, few])
    assert [n.unrated_share for n in needs] == [0.5] * 10  # not 20/21
    assert [n.priority for n in needs] == [0.5] * 10
    assert [n.mean_weight for n in needs] == [5.0] * 10


def test_an_unimportant_dimension_with_no_evidence_is_no_priority():
    weights = dict.fromkeys(DIMENSION_KEYS, 3) | {"network": 0, "culture": 5}
    ws = _workspace(weights, {"Nurse": [k for k in DIMENSION_KEYS if k not in ("network", "culture")]})
    needs = {n.key: n for n in workshops.cohort_needs([workshops.participant_summary("A", ws)])}
    assert needs["network"].unrated_share == needs["culture"].unrated_share == 1.0
    assert needs["network"].priority == 0.0 and needs["culture"].priority == 1.0
    assert needs["typical_day"].priority == 0.0


def test_an_empty_cohort_has_no_numbers_not_zeros():
    needs = workshops.cohort_needs([])
    assert len(needs) == 10 and all(math.isnan(n.mean_weight) and math.isnan(n.priority) for n in needs)
    table = cohort.needs_table(needs)
    assert table.isna().sum().sum() == 30


@settings(deadline=None, max_examples=40)  # each example runs the decision engine per participant
@given(st.lists(st.dictionaries(st.sampled_from(DIMENSION_KEYS), st.integers(0, 5)), min_size=1, max_size=5))
def test_needs_stay_within_their_ranges(weight_overrides):
    summaries = []
    for i, overrides in enumerate(weight_overrides):
        weights = default_weights() | overrides
        if not any(weights.values()):
            weights["culture"] = 1
        ws = _workspace(weights, {"A": list(DIMENSION_KEYS)[: i % 10], "B": []})
        summaries.append(workshops.participant_summary(f"P{i}", ws))
    for need in workshops.cohort_needs(summaries):
        assert 0 <= need.mean_weight <= 5 and 0 <= need.unrated_share <= 1 and 0 <= need.priority <= need.unrated_share


def test_the_cohort_charts_are_altair_specs_with_readable_labels():
    needs = workshops.cohort_needs([workshops.participant_summary("Sam", demo_workspace())])
    for build in (cohort.weights_chart, cohort.needs_chart):
        spec = build(needs).to_dict()
        assert spec["mark"]["type"] == "bar"
        labels = {row["Dimension"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
        assert "Culture fit" in labels and len(labels) == 10
        large = build(needs, large=True).to_dict()
        assert large["config"]["axis"]["labelFontSize"] > spec["config"]["axis"]["labelFontSize"]
    table = cohort.needs_table(needs)
    assert list(table.columns) == list(cohort.NEEDS_COLUMNS) and len(table) == 10


def test_workshops_core_never_imports_streamlit():
    import ast
    import pathlib

    for module in (workshops, cohort):
        tree = ast.parse(pathlib.Path(module.__file__).read_text())
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        }
        assert "streamlit" not in imported
