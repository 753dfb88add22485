"""Throttled sign-in and join attempts in storage, on a real SQLite file and a real PostgreSQL
server: two engines on one database stand for two replicas, each thread for a fresh session."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core import access, storage

PASSCODE = "river-otter-42"


@pytest.fixture
def replicas(database_url):  # type: ignore[no-untyped-def]
    engines = [storage.make_engine(database_url), storage.make_engine(database_url)]
    yield engines
    for engine in engines:
        engine.dispose()


def _workshop(engine, name="Tuesday group") -> storage.WorkshopRef:
    return storage.create_workshop(engine, name=name, passcode_hash=access.hash_passcode(PASSCODE))


def _try(engine, code, passcode, client, now, network="203.0.113.0/24"):  # type: ignore[no-untyped-def]
    """One sign-in as the page makes it: 'throttled', or the recorded outcome."""
    try:
        check = storage.begin_sign_in(engine, code, client, now)
    except storage.Throttled:
        return "throttled"
    ok = access.check_passcode(passcode, check.passcode_hash) and check.workshop is not None
    return storage.finish_sign_in(engine, check, client, network, ok, now)


def test_failures_count_across_replicas_and_sessions_and_the_right_passcode_works_after_the_wait(replicas):
    first, second = replicas
    workshop = _workshop(first)
    now = 1_000_000.0
    outcomes = []
    for attempt in range(30):  # alternate replicas, one try every half second
        engine = replicas[attempt % 2]
        outcomes.append(_try(engine, workshop.join_code, f"guess number {attempt}", "attacker", now))
        now += 0.5
    evaluated = outcomes.count("wrong_passcode")
    assert outcomes[0] == "wrong_passcode" and evaluated <= 6 and "throttled" in outcomes
    # During the back-off even the right passcode is refused, without being checked...
    assert _try(second, workshop.join_code, PASSCODE, "attacker", now) == "throttled"
    # ...another address is not held back by the attacker's back-off...
    assert _try(first, workshop.join_code, PASSCODE, "counsellor", now) == "signed_in"
    # ...and after at most a minute the right passcode works from the attacker's address too.
    assert _try(second, workshop.join_code, PASSCODE, "attacker", now + 60) == "signed_in"
    records = storage.recent_sign_ins(first, workshop.id)
    assert [r.outcome for r in records[:2]] == ["signed_in", "signed_in"]
    assert sum(r.outcome == "wrong_passcode" for r in records) == evaluated
    assert all(r.network == "203.0.113.0/24" for r in records)


def test_parallel_fresh_sessions_on_two_replicas_get_one_check_per_interval(replicas):
    workshop = _workshop(replicas[0])
    now = 2_000_000.0
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def session(n: int) -> None:
        barrier.wait()
        outcomes.append(_try(replicas[n % 2], workshop.join_code, f"guess {n}", f"client-{n}", now))

    threads = [threading.Thread(target=session, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("wrong_passcode") == 1 and outcomes.count("throttled") == 19


def test_a_code_no_workshop_has_is_throttled_exactly_like_one_that_exists(replicas):
    engine = replicas[0]
    workshop = _workshop(engine)
    unknown = "ZZZZZZ" if workshop.join_code != "ZZZZZZ" else "YYYYYY"
    now = 3_000_000.0
    runs = {}
    for n, code in enumerate((workshop.join_code, unknown)):  # apart, so that they share no throttle
        start, client = now + n * 10_000, f"guesser-{n}"
        runs[code] = [_try(engine, code, "a wrong passcode", client, start + t * 0.7) for t in range(40)]
    assert runs[workshop.join_code] == runs[unknown]
    assert runs[unknown].count("wrong_passcode") >= 4 and "throttled" in runs[unknown]
    check = storage.begin_sign_in(engine, unknown, "someone else", now + 20_000)
    assert check.workshop is None and check.passcode_hash is None


def test_the_operators_reset_gives_a_new_passcode_and_clears_the_back_off(replicas):
    first, second = replicas
    workshop = _workshop(first)
    now = 4_000_000.0
    for attempt in range(8):
        _try(first, workshop.join_code, f"guess {attempt}", "local", now + attempt * 3)
    assert _try(first, workshop.join_code, PASSCODE, "local", now + 25) == "throttled"
    new = access.new_passcode()
    storage.set_passcode_hash(second, workshop.join_code, access.hash_passcode(new))
    assert _try(first, workshop.join_code, PASSCODE, "local", now + 26) == "wrong_passcode"
    assert _try(first, workshop.join_code, new, "local", now + 28) == "signed_in"
    with pytest.raises(storage.NoSuchWorkshop):
        storage.set_passcode_hash(first, "ZZZZZZ" if workshop.join_code != "ZZZZZZ" else "YYYYYY",
                                  access.hash_passcode(new))


def test_wrong_join_codes_are_throttled_per_client_and_right_ones_are_not_counted(replicas):
    first, second = replicas
    workshop = _workshop(first)
    now = 5_000_000.0
    for _ in range(30):  # a room of participants joining from one address: never slowed
        assert storage.check_join_code(first, workshop.join_code, "venue", now) == workshop
    refused = 0
    for n in range(30):
        engine = replicas[n % 2]
        try:
            storage.check_join_code(engine, f"ABC{n:03d}".replace("0", "A").replace("1", "B"), "guesser", now)
        except storage.Throttled:
            refused += 1
        except storage.NoSuchWorkshop:
            pass
    assert refused == 30 - access.JOIN_PER_CLIENT.burst
    # Throttled, even a right code is not looked up; another address still joins.
    with pytest.raises(storage.Throttled, match="Try again in 3 seconds"):
        storage.check_join_code(second, workshop.join_code, "guesser", now)
    assert storage.check_join_code(second, workshop.join_code, "venue", now) == workshop
    assert storage.check_join_code(second, workshop.join_code, "guesser", now + 3) == workshop


def test_forgotten_throttles_are_pruned_a_day_after_their_last_use(replicas):
    engine = replicas[0]
    now = 6_000_000.0
    for n in range(5):
        _try(engine, access.new_join_code(), "anything", f"client-{n}", now)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(storage.attempt_counts)).scalar() > 5
    _try(engine, access.new_join_code(), "anything", "later", now + access.ATTEMPTS_KEPT_SECONDS + 10)
    with engine.connect() as conn:
        left = conn.execute(select(storage.attempt_counts.c.key)).scalars().all()
    assert all("later" in key or key == "sign-in:all" or key.startswith("sign-in:code:") for key in left)
    assert len(left) == 4
