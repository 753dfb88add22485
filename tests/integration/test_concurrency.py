"""Fifty writers at once through core.storage, on SQLite and on PostgreSQL: nobody sees
"database is locked" (or any error), and every write lands exactly once.

Two engines share the database, as two app processes (or replicas) would; the threads start
together behind a barrier so the writes really collide.
"""

from __future__ import annotations

import datetime as dt
import threading

from core import storage
from core.dimensions import DIMENSION_KEYS

THREADS = 50
WRITES = 10  # per thread: 500 in all
DEADLINE_S = 120


def _hammer(work, n_threads: int = THREADS) -> list[BaseException]:
    """Run work(i) in n threads started together; the exceptions they raised."""
    barrier = threading.Barrier(n_threads)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(i)
        except BaseException as error:  # collected and asserted on
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE_S)
    assert not any(thread.is_alive() for thread in threads), "writers still running after the deadline"
    return errors


def _second_engine(engine):
    return storage.make_engine(engine.url.render_as_string(hide_password=False))


def test_fifty_threads_rating_one_workspace_each_write_lands_once(engine):
    """One participant's workspace, fifty tabs at once: the revision counts every write once and
    each rating holds its tab's last value."""
    other = _second_engine(engine)
    try:
        token = storage.create_workspace(engine, name="busy")
        ws_id = storage.find_workspace(engine, token).id
        option = storage.add_option(engine, ws_id, kind="career", name="Nursing")
        interviews = [
            storage.add_interview(engine, ws_id, kind="self", date=dt.date(2026, 11, 1), option_ids=[option])
            for _ in range(THREADS)
        ]
        start = storage.find_workspace(engine, token).revision

        def work(i: int) -> None:
            eng = engine if i % 2 else other
            for n in range(WRITES):
                storage.set_rating(eng, ws_id, interviews[i], option, DIMENSION_KEYS[n], (i + n) % 5 + 1, f"t{i}")

        errors = _hammer(work)
        assert not errors, f"{len(errors)} writers failed, e.g. {errors[0]!r}"
        ref = storage.find_workspace(engine, token)
        assert ref.revision - start == THREADS * WRITES
        saved = storage.load_workspace(engine, ws_id)
        by_interview = {int(i.id): {r.dimension: (r.score, r.note) for r in i.ratings} for i in saved.interviews}
        for i, interview_id in enumerate(interviews):
            assert by_interview[interview_id] == {
                DIMENSION_KEYS[n]: ((i + n) % 5 + 1, f"t{i}") for n in range(WRITES)
            }
    finally:
        other.dispose()


def test_fifty_participants_writing_at_once_each_count_exact(engine):
    """Fifty workspaces, one writer each, mixing weights and ratings: all 500 writes land once."""
    other = _second_engine(engine)
    try:
        setup = []
        for i in range(THREADS):
            token = storage.create_workspace(engine, name=f"p{i}")
            ws_id = storage.find_workspace(engine, token).id
            option = storage.add_option(engine, ws_id, kind="career", name="Nursing")
            interview = storage.add_interview(
                engine, ws_id, kind="self", date=dt.date(2026, 11, 1), option_ids=[option]
            )
            setup.append((token, ws_id, option, interview, storage.find_workspace(engine, token).revision))

        def work(i: int) -> None:
            eng = other if i % 2 else engine
            _, ws_id, option, interview, _ = setup[i]
            for n in range(WRITES):
                dimension = DIMENSION_KEYS[n]
                if n % 2:
                    storage.set_weights(eng, ws_id, {dimension: (i + n) % 5 + 1})
                else:
                    storage.set_rating(eng, ws_id, interview, option, dimension, (i + n) % 5 + 1)

        errors = _hammer(work)
        assert not errors, f"{len(errors)} writers failed, e.g. {errors[0]!r}"
        for i, (token, ws_id, _, _, start) in enumerate(setup):
            assert storage.find_workspace(engine, token).revision - start == WRITES
            saved = storage.load_workspace(engine, ws_id)
            ratings = {r.dimension: r.score for r in saved.interviews[0].ratings}
            for n in range(WRITES):
                expected = (i + n) % 5 + 1
                if n % 2:
                    assert saved.weights[DIMENSION_KEYS[n]] == expected
                else:
                    assert ratings[DIMENSION_KEYS[n]] == expected
    finally:
        other.dispose()


def test_refused_writes_under_contention_change_nothing(engine):
    """Half the writers send a bad rating: they get the plain refusal, never a lock error, and
    only the good writes count."""
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    option = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    interview = storage.add_interview(engine, ws_id, kind="self", date=dt.date(2026, 11, 1), option_ids=[option])
    start = storage.find_workspace(engine, token).revision

    def work(i: int) -> None:
        storage.set_rating(engine, ws_id, interview, option, DIMENSION_KEYS[i % 10], 9 if i % 2 else 3)

    errors = _hammer(work)
    messages = {str(error) for error in errors}
    assert len(errors) == THREADS // 2 and messages == {"A rating must be a whole number from 1 to 5, not 9."}
    assert storage.find_workspace(engine, token).revision - start == THREADS // 2
