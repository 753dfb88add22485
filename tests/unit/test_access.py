"""Join codes, passcode hashing and the sign-in guard (core.access), without a database."""

from __future__ import annotations

import pytest

from core import access
from core.access import MAX_FAILURES, SignInGuard
from core.models import TenfoldError


def test_join_codes_are_six_unambiguous_characters_and_differ():
    codes = {access.new_join_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 6 and not set(code) & set("0O1Il")
        assert set(code) <= set(access.JOIN_CODE_ALPHABET)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("k7m 4qx", "K7M4QX"), (" K7M-4QX ", "K7M4QX"), ("K7M4QX", "K7M4QX"), ("k7m.4qx", "K7M4QX")],
)
def test_a_join_code_is_read_however_it_was_typed(typed, code):
    assert access.normalise_join_code(typed) == code
    assert access.spoken_join_code(code) == "K7M 4QX"


@pytest.mark.parametrize("typed", ["", None, "K7M4Q", "K7M4QXX", "K0M4QX", "KOM4QX", "K1M4QX", "KIM4QX", "ü7M4QX"])
def test_what_cannot_be_a_join_code_is_refused(typed):
    assert access.normalise_join_code(typed) is None


def test_a_passcode_is_stored_only_as_a_salted_slow_hash():
    first, second = access.hash_passcode("correct horse"), access.hash_passcode("correct horse")
    assert first != second  # salted
    assert "correct horse" not in first and "correct" not in first
    scheme, n, r, p, _salt, _key = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", access.SCRYPT_N, access.SCRYPT_R, access.SCRYPT_P)
    assert access.check_passcode("correct horse", first)
    assert access.check_passcode("correct horse", second)
    for wrong in ("correct hors", "Correct horse", "correct horse ", "", "x" * 10_000):
        assert not access.check_passcode(wrong, first)


@pytest.mark.parametrize("stored", [None, "", "plain-text", "md5$abc", "scrypt$x$8$1$a$b", "scrypt$16384$8$1$!!$!!"])
def test_an_unknown_workshop_or_a_damaged_hash_never_lets_anyone_in(stored):
    assert not access.check_passcode("anything at all", stored)
    assert not access.check_passcode("", stored)


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
        access.check_new_passcode(passcode, again)


def test_the_guard_locks_after_repeated_failures_and_unlocks_with_time():
    guard, now = SignInGuard(), 1000.0
    delays = []
    for _ in range(MAX_FAILURES - 1):
        guard = guard.after_failure(now)
        delays.append(guard.delay())
        assert not guard.is_locked(now)
    assert delays == sorted(delays) and delays[0] > 0  # slower each time
    guard = guard.after_failure(now)
    assert guard.is_locked(now) and guard.is_locked(now + access.LOCK_SECONDS - 1)
    assert not guard.is_locked(now + access.LOCK_SECONDS)
    assert "5 minutes" in access.lock_message(guard.seconds_locked(now))
    # A second run of failures locks for twice as long, never longer than the cap.
    later = now + access.LOCK_SECONDS
    for _ in range(MAX_FAILURES):
        guard = guard.after_failure(later)
    assert guard.seconds_locked(later) == 2 * access.LOCK_SECONDS
    for _ in range(10 * MAX_FAILURES):
        guard = guard.after_failure(later + 10**6)
    assert guard.seconds_locked(later + 10**6) <= access.LOCK_SECONDS_MAX
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

