"""Workshop and Cohort pages through the real app script: create, join, share on and off, sign in,
the cohort table and CSV, the read-only view — and every way in that must stay shut.

Access tests take `database_url` and so run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core import access, storage
from core.demo import demo_workspace
from tests.apptest.helpers import app_test, by_key, open_app, texts
from ui import counsellor, messages, workspace

PASSCODE = "river-otter-42"
WORKSHOP = "pages/workshop.py"
COHORT = "pages/cohort.py"
COMPARE = "pages/compare.py"
# Presenting opens the Compare page read-only; until that page exists there is nothing to present.


# --- helpers ------------------------------------------------------------------------------------


def _workshop(engine, name="Tuesday group") -> storage.WorkshopRef:
    return storage.create_workshop(engine, name=name, passcode_hash=access.hash_passcode(PASSCODE))


def _participant(engine, workshop, name, *, shared=False, demo=True) -> tuple[str, int]:
    token = storage.create_workspace_in_workshop(engine, workshop.join_code, name)
    workspace_id = storage.find_workspace(engine, token).id
    if demo:
        storage.import_workspace(engine, demo_workspace(), replace_id=workspace_id)
    storage.set_sharing(engine, workspace_id, shared)
    return token, workspace_id


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    return at.run()


def _submit(at: AppTest, label: str) -> AppTest:
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"expected one button {label!r}, found {[b.label for b in at.button]}"
    return matches[0].click().run()


def _task(at: AppTest, task: str) -> None:
    by_key(at.segmented_control, "workshop_task").set_value(task).run()


def _sign_in(at: AppTest, code: str, passcode: str) -> AppTest:
    if not [b for b in at.button if b.label == "Sign in"]:
        _task(at, "sign_in")
    by_key(at.text_input, "workshop_sign_in_code").input(code)
    by_key(at.text_input, "workshop_sign_in_passcode").input(passcode)
    return _submit(at, "Sign in")


def _counsellor(url: str, workshop) -> AppTest:
    at = open_app(url, page=WORKSHOP)
    _sign_in(at, workshop.join_code, PASSCODE)
    assert at.session_state[counsellor.COUNSELLOR_KEY] == workshop.id
    return _go(at, COHORT)


def _present(at: AppTest, workspace_id: int) -> AppTest:
    """Click Present; then stay on the page it opened (AppTest reruns the page it was last sent to)."""
    by_key(at.button, f"cohort_present_{workspace_id}").click().run()
    assert set(at.query_params) == {counsellor.VIEW_PARAM}
    assert "Read-only view of" in texts(at)
    at.switch_page(COMPARE)
    return at


def _everything_shown(at: AppTest) -> str:
    """Texts plus every widget's label and value: what a screen-share could show."""
    parts = [texts(at)]
    for kind in ("text_input", "button", "toggle", "segmented_control", "selectbox", "metric"):
        for element in getattr(at, kind):
            parts += [str(getattr(element, "label", "")), str(getattr(element, "value", ""))]
    return "\n".join(parts)


def _workshops(engine) -> list[storage.WorkshopRef]:
    with engine.connect() as conn:
        ids = conn.execute(select(storage.workshops.c.id)).scalars().all()
    return [storage.get_workshop(engine, i) for i in ids]


def _dump(engine, *, saved_only: bool = False) -> str:
    """Every table; `saved_only`: without the throttles' counts, which every attempt changes."""
    tables = [t for t in storage.metadata.sorted_tables if not (saved_only and t is storage.attempt_counts)]
    with engine.connect() as conn:
        return repr({t.name: conn.execute(select(t)).all() for t in tables})


# --- create, join, share ------------------------------------------------------------------------


def test_a_counsellor_creates_a_workshop_and_the_passcode_goes_nowhere(db):
    url, engine = db
    at = open_app(url, page=WORKSHOP)
    _task(at, "run")
    by_key(at.text_input, "workshop_new_name").input("Tuesday group")
    by_key(at.text_input, "workshop_new_passcode").input(PASSCODE)
    by_key(at.text_input, "workshop_new_passcode_again").input(PASSCODE)
    _submit(at, "Create the workshop")
    assert not at.exception
    [workshop] = _workshops(engine)
    assert at.session_state[counsellor.COUNSELLOR_KEY] == workshop.id
    shown = _everything_shown(at)
    assert access.spoken_join_code(workshop.join_code) in shown and "Workshop created" in shown
    # The passcode: not on the page, not in a field, not in the URL, not in the database.
    assert PASSCODE not in shown
    assert PASSCODE not in repr(dict(at.query_params))
    for field in ("workshop_new_passcode", "workshop_new_passcode_again"):
        assert PASSCODE not in str(at.session_state[field])
    assert PASSCODE not in _dump(engine)
    at = _go(at, COHORT)
    assert "Cohort: Tuesday group" in texts(at) and "No one has joined yet" in texts(at)


@pytest.mark.parametrize(
    ("passcode", "again", "message"),
    [
        ("short", "short", "at least 12"),
        ("12345678", "12345678", "at least 12"),
        (PASSCODE, PASSCODE + "!", "differ"),
        ("z" * 12, "z" * 12, "mostly repeated characters"),
        ("password2026!", "password2026!", "mostly a common word and a year"),
        ("Tuesday Group!!", "Tuesday Group!!", "too easy to guess"),  # the workshop's own name
    ],
)
def test_creating_refuses_a_weak_or_mistyped_passcode_and_creates_nothing(db, passcode, again, message):
    url, engine = db
    at = open_app(url, page=WORKSHOP)
    _task(at, "run")
    assert access.PASSCODE_RULE in texts(at)  # the rule, in plain words, before anyone types
    by_key(at.text_input, "workshop_new_name").input("Tuesday group")
    by_key(at.text_input, "workshop_new_passcode").input(passcode)
    by_key(at.text_input, "workshop_new_passcode_again").input(again)
    _submit(at, "Create the workshop")
    assert message in texts(at)
    assert counsellor.COUNSELLOR_KEY not in at.session_state
    assert _workshops(engine) == []


def test_a_participant_joins_with_a_new_private_workspace_and_controls_sharing(db):
    url, engine = db
    workshop = _workshop(engine)
    at = open_app(url, page=WORKSHOP)
    by_key(at.text_input, "workshop_join_code").input(access.spoken_join_code(workshop.join_code).lower())
    by_key(at.text_input, "workshop_join_name").input("Ana L.")
    _submit(at, "Join")
    assert not at.exception
    token = at.query_params[workspace.TOKEN_PARAM]
    ref = storage.find_workspace(engine, token)
    assert storage.membership(engine, ref.id) == storage.Membership(workshop, "Ana L.", False)
    assert token in texts(at) and "private link" in texts(at)  # shown once, as on Start
    assert "Sharing is **off**" in texts(at)
    share = by_key(at.toggle, "workshop_share")
    assert share.value is False
    share.set_value(True).run()
    assert storage.membership(engine, ref.id).shared
    assert "Sharing is **on**" in texts(at)
    by_key(at.toggle, "workshop_share").set_value(False).run()
    assert not storage.membership(engine, ref.id).shared
    assert storage.cohort_members(engine, workshop.id) == [storage.Member("Ana L.", False)]


def test_a_participant_attaches_the_workspace_they_have_open(db):
    url, engine = db
    workshop = _workshop(engine)
    token = storage.import_workspace(engine, demo_workspace())
    at = open_app(url, token=token, page=WORKSHOP)
    by_key(at.text_input, "workshop_join_code").input(workshop.join_code)
    by_key(at.text_input, "workshop_join_name").input("Sam")
    _submit(at, "Join with my open workspace")
    ref = storage.find_workspace(engine, token)
    assert storage.membership(engine, ref.id).workshop == workshop
    assert at.query_params[workspace.TOKEN_PARAM] == token and len(storage.cohort_members(engine, workshop.id)) == 1


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [("ZZZ ZZZ", "Ben", "No workshop has this join code"), (None, "ana", "already uses the name"), (None, " ", "name")],
)
def test_a_wrong_code_or_a_taken_name_changes_nothing(db, code, name, message):
    url, engine = db
    workshop = _workshop(engine)
    _participant(engine, workshop, "Ana", demo=False)
    before = _dump(engine, saved_only=True)
    at = open_app(url, page=WORKSHOP)
    by_key(at.text_input, "workshop_join_code").input(code or workshop.join_code)
    by_key(at.text_input, "workshop_join_name").input(name)
    _submit(at, "Join")
    assert message in texts(at) and workspace.TOKEN_PARAM not in at.query_params
    assert _dump(engine, saved_only=True) == before


# --- counsellor sign-in ---------------------------------------------------------------------------


def _clock(monkeypatch, start: float = 1_000_000.0) -> list[float]:
    """The throttles' clock, moved by the test: now[0] += seconds."""
    now = [start]
    monkeypatch.setattr(access, "clock", lambda: now[0])
    return now


def test_sign_in_opens_the_cohort_and_a_wrong_passcode_says_so(db, monkeypatch):
    url, engine = db
    now = _clock(monkeypatch)
    workshop = _workshop(engine)
    at = open_app(url, page=WORKSHOP)
    _sign_in(at, workshop.join_code, PASSCODE + "x")
    assert access.SIGN_IN_REFUSED in texts(at)
    assert counsellor.COUNSELLOR_KEY not in at.session_state
    now[0] += 2
    _sign_in(at, "ZZZZZZ" if workshop.join_code != "ZZZZZZ" else "YYYYYY", PASSCODE)
    assert access.SIGN_IN_REFUSED in texts(at)  # the same words: no telling which codes exist
    _sign_in(at, "K7M4Q", PASSCODE)
    assert "A join code has six letters and digits" in texts(at)
    now[0] += 2
    _sign_in(at, access.spoken_join_code(workshop.join_code).lower(), PASSCODE)
    assert at.session_state[counsellor.COUNSELLOR_KEY] == workshop.id
    assert PASSCODE not in _everything_shown(at) and PASSCODE not in repr(dict(at.query_params))
    assert [r.outcome for r in storage.recent_sign_ins(engine, workshop.id)] == ["signed_in", "wrong_passcode"]
    at = _go(at, COHORT)
    assert "Cohort: Tuesday group" in texts(at)
    # Signing out closes the cohort for this tab.
    at = _go(at, WORKSHOP)
    by_key(at.button, "workshop_sign_out").click().run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(COHORT)


def test_wrong_passcodes_slow_every_session_even_against_the_right_one_and_never_for_long(any_db, monkeypatch):
    """Access: wrong passcodes make the next check wait, in every session (the count is in the
    database); a throttled try is refused unchecked, the right passcode too; once the wait is
    over, the right passcode opens the cohort."""
    url, engine = any_db
    now = _clock(monkeypatch)
    workshop = _workshop(engine)
    said = []
    for attempt in range(16):  # each try from a fresh session, one a second
        at = open_app(url, page=WORKSHOP)
        _sign_in(at, workshop.join_code, f"guess-number-{attempt}")
        assert counsellor.COUNSELLOR_KEY not in at.session_state
        said.append("Too many sign-in attempts just now" in texts(at))
        now[0] += 1
    assert said[:1] == [False] and said[-1] and sum(not s for s in said) <= 6
    at = open_app(url, page=WORKSHOP)
    _sign_in(at, workshop.join_code, PASSCODE)
    assert counsellor.COUNSELLOR_KEY not in at.session_state
    shown = texts(at)
    assert "Try again in" in shown and "the person who runs Tenfold can give you a new passcode" in shown
    now[0] += 60
    _sign_in(at, workshop.join_code, PASSCODE)
    assert at.session_state[counsellor.COUNSELLOR_KEY] == workshop.id


def test_wrong_join_codes_are_throttled_and_then_even_a_right_one_waits(db, monkeypatch):
    url, engine = db
    now = _clock(monkeypatch)
    workshop = _workshop(engine)
    wrong = "ZZZZZZ" if workshop.join_code != "ZZZZZZ" else "YYYYYY"
    for attempt in range(access.JOIN_PER_CLIENT.burst):
        at = open_app(url, page=WORKSHOP)
        by_key(at.text_input, "workshop_join_code").input(wrong)
        by_key(at.text_input, "workshop_join_name").input(f"Guess {attempt}")
        _submit(at, "Join")
        assert "No workshop has this join code" in texts(at)
    by_key(at.text_input, "workshop_join_code").input(workshop.join_code)
    by_key(at.text_input, "workshop_join_name").input("Ana")
    _submit(at, "Join")
    assert "Too many wrong join codes from here just now. Try again in 3 seconds." in texts(at)
    assert workspace.TOKEN_KEY not in at.session_state and storage.cohort_members(engine, workshop.id) == []
    now[0] += 3
    by_key(at.text_input, "workshop_join_code").input(workshop.join_code)
    by_key(at.text_input, "workshop_join_name").input("Ana")
    _submit(at, "Join")
    assert [m.display_name for m in storage.cohort_members(engine, workshop.id)] == ["Ana"]


# --- the cohort -------------------------------------------------------------------------------------


def test_the_cohort_shows_who_shares_and_only_the_names_of_the_others(any_db, downloaded):
    """Access: a non-sharing participant's data through the cohort table, charts or CSV: none."""
    url, engine = any_db
    workshop = _workshop(engine)
    _participant(engine, workshop, "Ana", shared=True)
    _, ben = _participant(engine, workshop, "=Ben", demo=False)
    storage.add_option(engine, ben, kind="career", name="Ben's secret career")
    at = _counsellor(url, workshop)
    assert not at.exception
    shown = _everything_shown(at)
    assert "Ana" in shown and "Registered nurse" in shown and "Confirmed" in shown
    assert "=Ben" in shown and "Joined, not sharing" in shown
    assert "secret" not in shown
    sharing = [m.workspace_id for m in storage.cohort_members(engine, workshop.id) if m.shared]
    assert [b.key for b in at.button if b.key and b.key.startswith("cohort_present_")] == [
        f"cohort_present_{workspace_id}" for workspace_id in sharing
    ]
    rows = list(csv.reader(io.StringIO(downloaded(at, "cohort_csv").decode("utf-8-sig"))))
    assert rows[0][0] == "participant" and [r[0] for r in rows[1:]] == ["Ana"]
    assert "secret" not in repr(rows)
    # Ben switches sharing on: his row appears, his name neutralised in the CSV.
    storage.set_sharing(engine, ben, True)
    at.run()
    rows = list(csv.reader(io.StringIO(downloaded(at, "cohort_csv").decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'=Ben", "Ana"]


def test_workshops_on_one_installation_never_see_each_other(any_db):
    url, engine = any_db
    mine, theirs = _workshop(engine, "Mine"), _workshop(engine, "Theirs")
    _participant(engine, mine, "Ana", shared=True)
    _participant(engine, theirs, "Zoe", shared=True)
    _participant(engine, theirs, "Yann")
    shown = _everything_shown(_counsellor(url, mine))
    assert "Ana" in shown and "Zoe" not in shown and "Yann" not in shown


def test_a_participant_cannot_open_a_counsellor_page(any_db):
    """Access: a participant (even one of this workshop) opening the cohort page gets nothing."""
    url, engine = any_db
    workshop = _workshop(engine)
    token, _ = _participant(engine, workshop, "Ana", shared=True)
    at = open_app(url, token=token)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(COHORT)  # not registered in this session's navigation
    # And the page itself, run without the router, refuses too.
    alone = app_test(url, script=COHORT, query_params={workspace.TOKEN_PARAM: token}).run()
    assert "Counsellors only" in texts(alone) and "Ana" not in _everything_shown(alone)


# --- read-only views ------------------------------------------------------------------------------


def test_present_opens_a_read_only_view_in_presentation_mode_without_any_token(db):
    url, engine = db
    workshop = _workshop(engine)
    token, ana = _participant(engine, workshop, "Ana", shared=True)
    at = _present(_counsellor(url, workshop), ana).run()
    assert not at.exception
    view_id = at.query_params[counsellor.VIEW_PARAM]
    assert at.session_state[counsellor.VIEWS_KEY] == {view_id: ana}
    shown = _everything_shown(at)
    assert "Read-only view of Ana" in shown and "Registered nurse" in shown
    assert "The readings speak to Ana" in shown
    assert token not in shown and token not in view_id and workspace.TOKEN_PARAM not in at.query_params
    assert by_key(at.toggle, "presentation_toggle").value is True
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/options.py")  # no page that edits is offered in a view


def test_a_view_id_is_useless_in_another_session_altered_or_pointed_elsewhere(any_db):
    """Access: a copied, guessed or altered view id, a guessed token, or a view mapped (by any
    means) to a participant of another workshop or one who does not share: 'No such view'."""
    url, engine = any_db
    workshop, other = _workshop(engine), _workshop(engine, "Other")
    token, ana = _participant(engine, workshop, "Ana", shared=True)
    _, zoe = _participant(engine, other, "Zoe", shared=True)
    _, ben = _participant(engine, workshop, "Ben")
    at = _present(_counsellor(url, workshop), ana)
    view_id = at.query_params[counsellor.VIEW_PARAM]

    def refused(session: AppTest) -> None:
        assert not session.exception
        shown = _everything_shown(session)
        assert "No such view" in shown and "Registered nurse" not in shown and "Read-only view" not in shown

    # The same address in another browser (no session mapping), with or without a token beside it.
    for params in ({counsellor.VIEW_PARAM: view_id}, {counsellor.VIEW_PARAM: view_id, workspace.TOKEN_PARAM: token}):
        refused(app_test(url, query_params=params).run())
    # In the counsellor's own session: an altered id, a guessed one, the token as a view id.
    for bad in (view_id[:-1] + ("A" if view_id[-1] != "A" else "B"), "A" * 22, token, str(ana), ""):
        at.query_params[counsellor.VIEW_PARAM] = bad
        refused(at.run())
    # A mapping to another workshop's participant, or to one who does not share, is refused too.
    for workspace_id in (zoe, ben):
        at.session_state[counsellor.VIEWS_KEY] = {view_id: workspace_id}
        at.query_params[counsellor.VIEW_PARAM] = view_id
        refused(at.run())


def test_a_read_only_view_cannot_write(any_db, monkeypatch):
    """Access: with a valid view open, every write a page could make with the Opened it gets is
    refused by the pages' one write path (ui.messages.attempt), and no page that edits is reachable."""
    url, engine = any_db
    workshop = _workshop(engine)
    _, ana = _participant(engine, workshop, "Ana", shared=True)
    tried: list[object] = []
    require_workspace = workspace.require_workspace

    def page_that_tries_to_write():  # what a page's callbacks would do with the view's workspace
        opened = require_workspace()
        for write in (
            lambda: storage.add_option(engine, opened.id, kind="career", name="Planted"),
            lambda: storage.set_weights(engine, opened.id, {"culture": 0}),
            lambda: storage.set_leaning(engine, opened.id, None),
            lambda: storage.rename_workspace(engine, opened.id, "Renamed"),
            lambda: storage.set_sharing(engine, opened.id, False),
        ):
            tried.append(messages.attempt(write, "Saved."))
        messages.show_flash()
        return opened

    at = _present(_counsellor(url, workshop), ana)
    before = _dump(engine)
    monkeypatch.setattr(workspace, "require_workspace", page_that_tries_to_write)
    at.run()
    assert not at.exception and "Read-only view of Ana" in texts(at)
    assert tried == [None] * 5
    assert sum("nothing can be changed here" in e.value for e in at.error) == 5
    assert _dump(engine) == before
    for editing_page in ("pages/options.py", "pages/interviews.py", "pages/weights.py", "pages/start.py", WORKSHOP):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(editing_page)


def test_turning_sharing_off_closes_the_view_and_the_row(any_db):
    """Access: once a participant stops sharing, the counsellor's open view and table row go."""
    url, engine = any_db
    workshop = _workshop(engine)
    _, ana = _participant(engine, workshop, "Ana", shared=True)
    at = _counsellor(url, workshop)
    at = _present(at, ana)
    view_id = at.query_params[counsellor.VIEW_PARAM]
    storage.set_sharing(engine, ana, False)
    at.run()  # the next refresh (the view checks every few seconds by itself in a browser)
    assert "No such view" in texts(at) and "Registered nurse" not in texts(at)
    at.query_params.pop(counsellor.VIEW_PARAM)
    at = _go(at.run(), COHORT)
    shown = _everything_shown(at)
    assert "Joined, not sharing" in shown and "Registered nurse" not in shown
    assert f"cohort_present_{ana}" not in [b.key for b in at.button]
    at.query_params[counsellor.VIEW_PARAM] = view_id
    # A counsellor with no workspace of their own has only counsellor pages in the menu: AppTest
    # switches only between the pages of the last run, so run once as a view asked for.
    assert "No such view" in texts(_go(at.run(), COMPARE))
