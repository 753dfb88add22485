"""Join codes, passcode rules and hashing, and the throttles' arithmetic (core.access), without a database."""

from __future__ import annotations

import pytest

from core import access
from core.access import Attempts, Backoff, Rate
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
        ("short", None, "at least 12"),
        ("elevenchars", None, "at least 12"),
        ("x" * 129, None, "at most 128"),
        ("a" * 12, None, "repeated characters"),
        ("long enough now", "long enough noW", "differ"),
    ],
)
def test_short_long_or_mistyped_passcodes_are_refused(passcode, again, message):
    with pytest.raises(TenfoldError, match=message):
        access.check_new_passcode(passcode, again)


@pytest.mark.parametrize(
    ("passcode", "reason"),
    [
        ("password2026!", "a common word and a year"),
        ("P@ssw0rd P@ssw0rd", "a common word"),
        ("workshop tenfold", "a common word"),
        ("qwertyuiop12", "a sequence or a keyboard row"),
        ("1qaz2wsx3edc", "a sequence or a keyboard row"),
        ("abcdefghijklm", "a sequence or a keyboard row"),
        ("987654321098", "a sequence or a keyboard row"),
        ("abcabcabcabc", "repeated characters"),
        ("19851986 1987", "a year"),
        ("Riverside Crew riverside", "the workshop's name"),
    ],
)
def test_passcodes_made_mostly_of_obvious_parts_are_refused_with_the_reason(passcode, reason):
    with pytest.raises(TenfoldError, match="too easy to guess") as refused:
        access.check_new_passcode(passcode, workshop_name="Riverside crew")
    assert reason in str(refused.value)
    assert passcode not in str(refused.value)  # never echoed


@pytest.mark.parametrize(
    "passcode", ["correct horse", "lantern otter maple", "river-otter-42", "kx7#mq2zp9!w", "passwordKx7#mQ2z!"]
)
def test_long_passcodes_of_ones_own_are_accepted(passcode):
    access.check_new_passcode(passcode, passcode, workshop_name="Riverside crew")


def test_an_old_weak_passcode_still_signs_in():
    # Stored before the rules grew: hashing refuses it now, checking it still works.
    salt = b"0123456789abcdef"
    key = access._scrypt("12345678", salt, access.SCRYPT_N, access.SCRYPT_R, access.SCRYPT_P, 32)
    stored = f"scrypt${access.SCRYPT_N}${access.SCRYPT_R}${access.SCRYPT_P}${access._b64(salt)}${access._b64(key)}"
    assert access.check_passcode("12345678", stored)
    with pytest.raises(TenfoldError):
        access.hash_passcode("12345678")


def test_an_operators_new_passcode_follows_the_rules_and_differs_each_time():
    made = {access.new_passcode() for _ in range(50)}
    assert len(made) == 50
    for passcode in made:
        access.check_new_passcode(passcode)
        assert len(passcode) == 24 and not set(passcode) & set("0O1Il")


# --- throttles: the arithmetic, with the clock passed in ------------------------------------------


def test_a_rate_allows_its_burst_then_one_check_per_interval():
    rate, state, now = Rate(interval=2.0, burst=3), Attempts(), 100.0
    for _ in range(3):
        assert rate.wait(state, now) == 0
        state = rate.after_check(state, now)
    assert rate.wait(state, now) == pytest.approx(2.0)
    assert rate.wait(state, now + 2.0) == 0
    state = rate.after_check(state, now + 2.0)
    assert rate.wait(state, now + 2.0) == pytest.approx(2.0)
    # Quiet for long enough, the whole burst is back.
    assert rate.wait(state, now + 100) == 0 and rate.after_check(state, now + 100).not_before == now + 102


def test_a_clock_running_ahead_on_one_replica_holds_nobody_longer_than_the_rule_says():
    rate, backoff = Rate(interval=2.0, burst=3), Backoff(free_failures=0, first_delay=1.0, max_delay=60.0)
    ahead = Attempts(failures=1, not_before=10_000.0)
    assert rate.wait(ahead, 0.0) == 2.0 and backoff.wait(ahead, 0.0) == 60.0
    assert rate.after_check(ahead, 0.0).not_before == 8.0


def test_a_failures_only_rate_counts_wrong_codes_not_right_ones():
    rate, state, now = Rate(interval=1.0, burst=2, failures_only=True), Attempts(), 0.0
    for _ in range(10):
        state = rate.after_outcome(rate.after_check(state, now), now, ok=True)
    assert rate.wait(state, now) == 0
    state = rate.after_outcome(state, now, ok=False)
    state = rate.after_outcome(state, now, ok=False)
    assert rate.wait(state, now) == pytest.approx(1.0)


def test_back_off_doubles_after_the_free_failures_caps_at_a_minute_and_a_success_resets_it():
    backoff = Backoff(free_failures=3, first_delay=2.0, max_delay=60.0)
    assert [backoff.delay(n) for n in range(1, 11)] == [0, 0, 0, 2, 4, 8, 16, 32, 60, 60]
    state, now = Attempts(), 50.0
    for _ in range(5):
        state = backoff.after_outcome(backoff.after_check(state, now), now, ok=False)
    assert state.failures == 5 and backoff.wait(state, now) == 4.0
    assert backoff.wait(state, now + 4.0) == 0
    assert backoff.after_outcome(state, now + 4.0, ok=True) == Attempts()


def _evaluated(throttles, clients, seconds, step=0.05):
    """Attackers from `clients` each trying a wrong passcode every `step` seconds for `seconds`;
    how many checks the throttles let through."""
    states: dict[str, Attempts] = {}
    evaluated, now = 0, 0.0
    while now < seconds:
        for client in clients:
            rules = throttles(client)
            if max(rule.wait(states.get(key, Attempts()), now) for key, rule in rules) > 0:
                continue
            for key, rule in rules:
                states[key] = rule.after_outcome(rule.after_check(states.get(key, Attempts()), now), now, ok=False)
            evaluated += 1
        now += step
    return evaluated, states


def test_one_address_gets_a_handful_of_guesses_a_minute_and_many_addresses_at_most_48():
    def for_code(client):
        return access.sign_in_throttles("K7M4QX", client)

    alone, _ = _evaluated(for_code, ["attacker"], 60)
    assert alone <= 10
    crowd, _ = _evaluated(for_code, [f"client-{n}" for n in range(200)], 60)
    assert crowd <= 60 / access.SIGN_IN_PER_CODE.interval + 1 == 49
    # Meanwhile the counsellor, from another address, waits at most one interval.
    _, states = _evaluated(for_code, ["attacker"], 600)
    counsellor = access.sign_in_throttles("K7M4QX", "counsellor")
    assert max(rule.wait(states.get(key, Attempts()), 600.0) for key, rule in counsellor) <= 1.25
    # ...and from the attacker's own address, never more than a minute.
    assert max(rule.wait(states.get(key, Attempts()), 600.0) for key, rule in for_code("attacker")) <= 60


def test_every_check_in_all_is_capped_so_scrypt_cannot_eat_the_cpu():
    def any_code(client):
        return access.sign_in_throttles(access.new_join_code(), client)

    evaluated, _ = _evaluated(any_code, [f"client-{n}" for n in range(100)], 10)
    assert evaluated <= access.SIGN_IN_ALL.burst + 10 / access.SIGN_IN_ALL.interval + 1


def test_wrong_join_codes_are_throttled_per_client_and_in_all():
    one, _ = _evaluated(access.join_throttles, ["guesser"], 60)
    assert one <= access.JOIN_PER_CLIENT.burst + 60 / access.JOIN_PER_CLIENT.interval + 1
    many, _ = _evaluated(access.join_throttles, [f"client-{n}" for n in range(50)], 60)
    assert many <= access.JOIN_ALL.burst + 60 / access.JOIN_ALL.interval + 1


def test_clients_are_named_by_a_hash_and_recorded_by_their_network_only():
    assert access.client_key("203.0.113.7") == access.client_key("203.0.113.7") != access.client_key("203.0.113.8")
    assert len(access.client_key("203.0.113.7")) == 16 and "113" not in access.client_key("203.0.113.7")
    assert access.client_network("203.0.113.7") == "203.0.113.0/24"
    assert access.client_network("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert access.client_network(None) == "local" and access.client_network("not an address") == "unknown"
    assert "2 seconds" in access.sign_in_wait_message(1.1) and "1 second." in access.join_wait_message(0.2)

