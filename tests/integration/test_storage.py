"""Storage on a real SQLite file and (when configured) a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from core import access, storage
from core.demo import demo_workspace
from core.models import TenfoldError
from core.scoring import standing

DAY = dt.date(2026, 11, 2)


def _new(engine) -> int:
    token = storage.create_workspace(engine)
    return storage.find_workspace(engine, token).id


def _dump(engine) -> dict[str, list]:
    """Every row of every table, to prove a refused action changed nothing."""
    with engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for table in storage.metadata.sorted_tables
        }


def test_a_new_workspace_has_a_private_token_and_default_weights(engine):
    token = storage.create_workspace(engine)
    assert storage.is_well_formed_token(token) and len(token) >= 32
    ref = storage.find_workspace(engine, token)
    ws = storage.load_workspace(engine, ref.id)
    assert set(ws.weights.values()) == {3}
    assert ws.options == [] and ws.interviews == []
    with engine.connect() as conn:  # only the hash is stored
        stored = conn.execute(select(storage.workspaces.c.token_hash)).scalar_one()
    assert token not in stored


@pytest.mark.parametrize("token", ["", "short", "x" * 200, "../../etc/passwd", "' OR 1=1 --", None])
def test_malformed_or_unknown_tokens_open_nothing(engine, token):
    storage.create_workspace(engine)
    assert storage.find_workspace(engine, token) is None
    assert storage.find_workspace(engine, storage.new_token()) is None


def test_demo_round_trips_through_the_database(engine):
    token = storage.import_workspace(engine, demo_workspace())
    ref = storage.find_workspace(engine, token)
    assert (ref.options, ref.interviews) == (8, 7)
    loaded = storage.load_workspace(engine, ref.id)
    demo = demo_workspace()
    assert [o.name for o in loaded.options] == [o.name for o in demo.options]
    assert loaded.weights == demo.weights
    assert sum(len(i.ratings) for i in loaded.interviews) == sum(len(i.ratings) for i in demo.interviews)
    assert standing(loaded).table()["score"].tolist() == pytest.approx(standing(demo).table()["score"].tolist())


def test_option_names_are_unique_case_insensitively_and_nothing_changes(engine):
    ws_id = _new(engine)
    storage.add_option(engine, ws_id, kind="career", name="Nursing")
    before = _dump(engine)
    for bad in ("nursing", " NURSING  ", "Nursing"):
        with pytest.raises(TenfoldError, match="An option called 'Nursing' already exists"):
            storage.add_option(engine, ws_id, kind="employer", name=bad)
    for bad in ("", "   ", "x" * 121):
        with pytest.raises(TenfoldError):
            storage.add_option(engine, ws_id, kind="career", name=bad)
    assert _dump(engine) == before


def test_text_with_a_control_character_is_refused_everywhere_and_nothing_changes(engine):
    """PostgreSQL cannot store NUL at all; SQLite could, so both must refuse it the same way."""
    ws_id = _new(engine)
    option = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    interview = storage.add_interview(engine, ws_id, date=DAY, contact_name="Jo", option_ids=[option])
    before = _dump(engine)
    interview_fields = {"date": DAY, "contact_name": "Jo", "option_ids": [option]}
    attempts = {
        "option name": lambda bad: storage.add_option(engine, ws_id, kind="career", name=f"A{bad}"),
        "option notes": lambda bad: storage.update_option(engine, ws_id, option, notes=f"A{bad}"),
        "contact name": lambda bad: storage.add_interview(engine, ws_id, **{**interview_fields, "contact_name": bad}),
        "contact role": lambda bad: storage.update_interview(
            engine, ws_id, interview, kind="interview", contact_role=bad, **interview_fields),
        "interview notes": lambda bad: storage.add_interview(engine, ws_id, notes=bad, **interview_fields),
        "rating note": lambda bad: storage.set_rating(engine, ws_id, interview, option, "culture", 4, note=bad),
        "workspace name": lambda bad: storage.rename_workspace(engine, ws_id, f"Mine{bad}"),
    }
    for field, attempt in attempts.items():
        for bad in ("\x00", "\x1b[31m"):
            with pytest.raises(TenfoldError, match=r"invisible control character \(U\+00"):
                attempt(bad)
            assert _dump(engine) == before, field


def test_a_name_typed_with_a_combining_accent_is_the_same_name(engine):
    ws_id = _new(engine)
    storage.add_option(engine, ws_id, kind="career", name="Caf\u00e9 owner")
    for same in ("Cafe\u0301 owner", "CAFE\u0301 OWNER", "Caf\u00e9\u200b owner"):
        with pytest.raises(TenfoldError, match="already exists"):
            storage.add_option(engine, ws_id, kind="career", name=same)
    with pytest.raises(TenfoldError, match="at least one visible character"):
        storage.add_option(engine, ws_id, kind="career", name="\u200b")


def test_the_same_name_may_exist_in_two_workspaces(engine):
    a, b = _new(engine), _new(engine)
    storage.add_option(engine, a, kind="career", name="Nursing")
    storage.add_option(engine, b, kind="career", name="Nursing")


def test_rename_to_an_existing_name_is_refused(engine):
    ws_id = _new(engine)
    first = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    second = storage.add_option(engine, ws_id, kind="career", name="Teaching")
    with pytest.raises(TenfoldError, match="already exists"):
        storage.update_option(engine, ws_id, second, name="NURSING")
    storage.update_option(engine, ws_id, first, name="nursing")  # its own name in another case is fine
    assert [o.name for o in storage.load_workspace(engine, ws_id).options] == ["nursing", "Teaching"]


def test_employer_links(engine):
    ws_id = _new(engine)
    career = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    employer = storage.add_option(engine, ws_id, kind="employer", name="City", career_id=career)
    # The sentences of the workspace file (core.models), with the database's ids.
    with pytest.raises(TenfoldError) as missing:
        storage.add_option(engine, ws_id, kind="employer", name="Ghost", career_id=99999)
    assert str(missing.value) == "'Ghost' names career '99999', which is not an option in this workspace."
    with pytest.raises(TenfoldError) as not_a_career:
        storage.add_option(engine, ws_id, kind="employer", name="Sub", career_id=employer)
    assert str(not_a_career.value) == "'Sub' names 'City' as its career, but that option is an employer."
    other = _new(engine)  # a career of another workspace is as good as missing
    foreign = storage.add_option(engine, other, kind="career", name="Law")
    with pytest.raises(TenfoldError) as foreign_career:
        storage.update_option(engine, ws_id, employer, career_id=foreign)
    assert str(foreign_career.value) == f"'City' names career '{foreign}', which is not an option in this workspace."
    storage.delete_option(engine, ws_id, career)
    (left,) = storage.load_workspace(engine, ws_id).options
    assert left.name == "City" and left.career is None


def test_interview_ratings_and_notes_are_kept(engine):
    ws_id = _new(engine)
    nurse = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    city = storage.add_option(engine, ws_id, kind="employer", name="City", career_id=nurse)
    interview = storage.add_interview(
        engine, ws_id, date=DAY, contact_name="J. Doe", contact_role="Charge nurse",
        contact_organisation="City", notes="Coffee", option_ids=[nurse, city],
    )
    storage.set_rating(engine, ws_id, interview, city, "culture", 4, "team huddles daily")
    storage.set_rating(engine, ws_id, interview, city, "culture", 5, "even better")
    storage.set_rating(engine, ws_id, interview, nurse, "typical_day", 2, "")
    storage.set_rating(engine, ws_id, interview, nurse, "typical_day", None)  # back to not discussed
    (entry,) = storage.load_workspace(engine, ws_id).interviews
    assert entry.contact.name == "J. Doe" and entry.notes == "Coffee"
    assert sorted(map(int, entry.informed)) == sorted([nurse, city])
    assert [(r.dimension, r.score, r.note) for r in entry.ratings] == [("culture", 5, "even better")]


@pytest.mark.parametrize("score", [0, 6, -1, 2.5, "4", True])
def test_ratings_outside_1_to_5_are_refused(engine, score):
    ws_id = _new(engine)
    option = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    interview = storage.add_interview(engine, ws_id, kind="self", date=DAY, option_ids=[option])
    before = _dump(engine)
    with pytest.raises(TenfoldError, match="whole number from 1 to 5"):
        storage.set_rating(engine, ws_id, interview, option, "culture", score)
    assert _dump(engine) == before


def test_bad_interviews_are_refused_and_nothing_changes(engine):
    ws_id = _new(engine)
    option = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    before = _dump(engine)
    with pytest.raises(TenfoldError, match="at least one career or employer"):
        storage.add_interview(engine, ws_id, date=DAY, contact_name="A", option_ids=[])
    with pytest.raises(TenfoldError, match="name of the person"):
        storage.add_interview(engine, ws_id, date=DAY, contact_name="  ", option_ids=[option])
    with pytest.raises(TenfoldError, match="do not exist"):
        storage.add_interview(engine, ws_id, date=DAY, contact_name="A", option_ids=[option, 424242])
    with pytest.raises(TenfoldError, match=r"^The dimension must be one of 'culture', .*, not 'salary'\.$"):
        storage.set_rating(engine, ws_id, 1, option, "salary", 3)
    assert _dump(engine) == before


def test_a_rating_of_an_option_the_interview_did_not_inform_is_refused(engine):
    ws_id = _new(engine)
    a = storage.add_option(engine, ws_id, kind="career", name="A")
    b = storage.add_option(engine, ws_id, kind="career", name="B")
    interview = storage.add_interview(engine, ws_id, kind="self", date=DAY, option_ids=[a])
    with pytest.raises(TenfoldError, match="not among the ones"):
        storage.set_rating(engine, ws_id, interview, b, "culture", 3)


def test_editing_an_interview_drops_ratings_of_options_no_longer_informed(engine):
    ws_id = _new(engine)
    a = storage.add_option(engine, ws_id, kind="career", name="A")
    b = storage.add_option(engine, ws_id, kind="career", name="B")
    interview = storage.add_interview(engine, ws_id, kind="self", date=DAY, option_ids=[a, b])
    storage.set_rating(engine, ws_id, interview, a, "culture", 3)
    storage.set_rating(engine, ws_id, interview, b, "culture", 4)
    storage.update_interview(engine, ws_id, interview, kind="interview", date=DAY, contact_name="Z", option_ids=[b])
    (entry,) = storage.load_workspace(engine, ws_id).interviews
    assert entry.kind == "interview" and entry.contact.name == "Z"
    assert [(r.option, r.score) for r in entry.ratings] == [(str(b), 4)]
    storage.delete_interview(engine, ws_id, interview)
    assert storage.load_workspace(engine, ws_id).interviews == []


def test_one_workspace_cannot_touch_another(engine):
    mine, theirs = _new(engine), _new(engine)
    their_option = storage.add_option(engine, theirs, kind="career", name="Theirs")
    their_interview = storage.add_interview(engine, theirs, kind="self", date=DAY, option_ids=[their_option])
    before = _dump(engine)
    with pytest.raises(TenfoldError):
        storage.update_option(engine, mine, their_option, name="Hacked")
    with pytest.raises(TenfoldError):
        storage.delete_option(engine, mine, their_option)
    with pytest.raises(TenfoldError):
        storage.set_leaning(engine, mine, their_option)
    with pytest.raises(TenfoldError):
        storage.set_rating(engine, mine, their_interview, their_option, "culture", 1)
    with pytest.raises(TenfoldError):
        storage.delete_interview(engine, mine, their_interview)
    assert _dump(engine) == before


def test_at_most_one_leaning(engine):
    ws_id = _new(engine)
    a = storage.add_option(engine, ws_id, kind="career", name="A")
    b = storage.add_option(engine, ws_id, kind="career", name="B")
    storage.set_leaning(engine, ws_id, a)
    storage.set_leaning(engine, ws_id, b)
    assert [o.name for o in storage.load_workspace(engine, ws_id).options if o.leaning] == ["B"]
    storage.set_leaning(engine, ws_id, None)
    assert storage.load_workspace(engine, ws_id).leaning is None


def test_one_leaning_of_each_kind(engine):
    ws_id = _new(engine)
    a = storage.add_option(engine, ws_id, kind="career", name="A")
    b = storage.add_option(engine, ws_id, kind="career", name="B")
    e = storage.add_option(engine, ws_id, kind="employer", name="E")
    f = storage.add_option(engine, ws_id, kind="employer", name="F")

    def leanings() -> dict[str, str]:
        return {kind: o.name for kind, o in storage.load_workspace(engine, ws_id).leanings.items()}

    storage.set_leaning(engine, ws_id, a)
    storage.set_leaning(engine, ws_id, e)
    assert leanings() == {"career": "A", "employer": "E"}
    storage.set_leaning(engine, ws_id, f)  # replaces the employer leaning only
    storage.set_leaning(engine, ws_id, b)
    assert leanings() == {"career": "B", "employer": "F"}
    storage.set_leaning(engine, ws_id, None, kind="employer")
    assert leanings() == {"career": "B"}


def test_a_database_from_before_per_kind_leanings_takes_both(tmp_path):
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = storage.make_engine(url)
    with engine.begin() as conn:  # the index databases were created with before
        conn.execute(text("DROP INDEX uq_one_leaning_per_kind"))
        conn.execute(text("CREATE UNIQUE INDEX uq_one_leaning ON options (workspace_id) WHERE leaning = 1"))
    engine.dispose()
    engine = storage.make_engine(url)
    ws_id = _new(engine)
    c = storage.add_option(engine, ws_id, kind="career", name="C")
    e = storage.add_option(engine, ws_id, kind="employer", name="E")
    storage.set_leaning(engine, ws_id, c)
    storage.set_leaning(engine, ws_id, e)
    assert set(storage.load_workspace(engine, ws_id).leanings) == {"career", "employer"}
    engine.dispose()


def test_weights_validate_and_cannot_all_be_zero(engine):
    ws_id = _new(engine)
    storage.set_weights(engine, ws_id, {"culture": 5, "network": 0})
    ws = storage.load_workspace(engine, ws_id)
    assert ws.weights["culture"] == 5 and ws.weights["network"] == 0
    for bad in ({"culture": 6}, {"culture": -1}, {"culture": 2.5}, {"salary": 3}):
        with pytest.raises(TenfoldError):
            storage.set_weights(engine, ws_id, bad)
    zero_all_but_culture = {k: 0 for k in ws.weights if k != "culture"}
    storage.set_weights(engine, ws_id, zero_all_but_culture)
    with pytest.raises(TenfoldError, match="At least one dimension must matter"):
        storage.set_weights(engine, ws_id, {"culture": 0})
    assert storage.load_workspace(engine, ws_id).weights["culture"] == 5


def test_every_write_bumps_the_revision(engine):
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    revisions = [storage.find_workspace(engine, token).revision]
    option = storage.add_option(engine, ws_id, kind="career", name="A")
    revisions.append(storage.find_workspace(engine, token).revision)
    storage.set_weights(engine, ws_id, {"culture": 1})
    revisions.append(storage.find_workspace(engine, token).revision)
    storage.set_leaning(engine, ws_id, option)
    revisions.append(storage.find_workspace(engine, token).revision)
    assert revisions == sorted(set(revisions))


def test_replacing_a_workspace_by_import_is_all_or_nothing(engine):
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    storage.add_option(engine, ws_id, kind="career", name="Keep me")
    storage.import_workspace(engine, demo_workspace(), replace_id=ws_id)
    assert len(storage.load_workspace(engine, ws_id).options) == 8


def test_concurrent_writers_neither_fail_nor_lose_writes(engine):
    ws_id = _new(engine)
    option = storage.add_option(engine, ws_id, kind="career", name="A")
    interview = storage.add_interview(engine, ws_id, kind="self", date=DAY, option_ids=[option])
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            storage.add_option(engine, ws_id, kind="employer", name=f"Employer {n}")
            storage.set_rating(engine, ws_id, interview, option, "culture", n % 5 + 1, f"note {n}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(storage.options)).scalar_one() == 21
        assert conn.execute(select(func.count()).select_from(storage.ratings)).scalar_one() == 1


def test_a_newer_schema_is_refused(database_url):
    engine = storage.make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(storage.schema_info.update().values(version=storage.SCHEMA_VERSION + 1))
    with pytest.raises(RuntimeError, match="newer than this Tenfold"):
        storage.make_engine(database_url)


def test_text_stored_by_schema_1_is_brought_to_the_rules_of_schema_2_losing_nothing_else(database_url):
    """Version 1 stored control characters, and names that version 2 reads as one ("Café" typed
    composed and decomposed) or as blank. Opening such a database migrates it once; every workspace
    then loads, and nothing but the control characters is gone."""
    engine = storage.make_engine(database_url)
    ws_id = _new(engine)
    nfc = storage.add_option(engine, ws_id, kind="career", name="Caf\u00e9 owner")
    nfd = storage.add_option(engine, ws_id, kind="career", name="Barista")
    blank = storage.add_option(engine, ws_id, kind="employer", name="Blank")
    interview = storage.add_interview(engine, ws_id, date=DAY, contact_name="Jo", option_ids=[nfc])
    storage.set_rating(engine, ws_id, interview, nfc, "culture", 4, note="ok")
    workshop = storage.create_workshop(engine, name="Tuesday", passcode_hash=access.hash_passcode("river-otter-42"))
    storage.create_workspace_in_workshop(engine, workshop.join_code, "Ana")
    other_token = storage.create_workspace_in_workshop(engine, workshop.join_code, "Ana B")
    other_ana = storage.find_workspace(engine, other_token).id
    legacy = {  # what version 1 accepted, written past today's checks
        storage.options: {nfd: {"name": "Cafe\u0301 owner", "name_key": "cafe\u0301 owner", "notes": "a\x07b\tc\nd"},
                          blank: {"name": "\u200b", "name_key": "\u200b"}},
        storage.interviews: {interview: {"contact_role": "Lead\x1b[31m", "notes": "line one\x0bline two"}},
        storage.workspaces: {ws_id: {"name": "Mine\x7f"}, other_ana: {"display_name": "ana\u200b"}},
    }
    with engine.begin() as conn:
        for table, rows in legacy.items():
            for row_id, values in rows.items():
                conn.execute(table.update().where(table.c.id == row_id).values(**values))
        conn.execute(storage.schema_info.update().values(version=1))
    with pytest.raises(ValidationError):  # what version 2 would meet without the migration
        storage.load_workspace(engine, ws_id)

    storage.ensure_schema(engine)  # as every start does
    ws = storage.load_workspace(engine, ws_id)
    assert [o.name for o in ws.options] == ["Caf\u00e9 owner", "Caf\u00e9 owner (2)", f"Option {blank}"]
    assert ws.options[1].notes == "ab\tc\nd"
    assert (ws.interviews[0].contact.role, ws.interviews[0].notes) == ("Lead[31m", "line oneline two")
    assert ws.name == "Mine" and ws.interviews[0].ratings[0].note == "ok"
    names = [m.display_name for m in storage.cohort_members(engine, workshop.id)]
    assert sorted(names) == ["Ana", "ana\u200b (2)"]  # shown as "ana (2)"
    assert storage.ping(engine) == storage.SCHEMA_VERSION
    after = _dump(engine)
    storage.ensure_schema(engine)  # once only
    assert _dump(engine) == after
    with pytest.raises(TenfoldError, match="already exists"):  # the keys follow the names
        storage.add_option(engine, ws_id, kind="career", name="CAFE\u0301 OWNER (2)")


def test_names_are_measured_as_stored(engine):
    """PostgreSQL refuses a value longer than its column: composing can lengthen a name (NFC) and
    the compatibility form of its key far more (NFKC), so both are measured as stored."""
    ws_id = _new(engine)
    before = _dump(engine)
    with pytest.raises(TenfoldError, match="at most 120 characters"):
        storage.add_option(engine, ws_id, kind="career", name="\u0958" * 70)  # 140 once composed
    assert _dump(engine) == before
    storage.add_option(engine, ws_id, kind="career", name="\ufdfa" * 120)  # a key of 2,160 made to fit
    with pytest.raises(TenfoldError, match="already exists"):
        storage.add_option(engine, ws_id, kind="employer", name="\ufdfa" * 120)

