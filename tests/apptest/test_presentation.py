"""Presentation mode shows decisions, not notes; a counsellor's sign-in and presentation mode come
back in a new session of the same browser (a reload), and in no other; the counsellor's menu.

A browser is its secret (ui.streamlit_workarounds.browser_secret, from a cookie AppTest cannot
send): the tests give each AppTest one.
"""

from __future__ import annotations

import pytest

from core import access, storage
from tests.apptest.helpers import by_key, demo_token, open_app, texts
from ui import counsellor, presentation, workspace

PASSCODE = "river-otter-42"
# The demo's notes and contacts (core/demo.py); its contacts' organisations are also its employers.
PRIVATE = (
    "How I feel after the first round",  # an interview's notes
    "Very open about night shifts",
    "Feels right, shifts are the worry",  # a rating's note
    "Priya Shah",  # contacts
    "Charge nurse",
    "Leaning this way since volunteering",  # an option's notes
)


def _everything(at) -> str:
    labels = [w.label for kind in ("text_input", "text_area") for w in getattr(at, kind)]
    values = [str(w.value) for kind in ("text_input", "text_area") for w in getattr(at, kind)]
    choices = [str(o) for box in at.selectbox for o in box.options]
    return "\n".join([texts(at), *labels, *values, *choices])


def _private_shown(at) -> list[str]:
    shown = _everything(at)
    return [p for p in PRIVATE if p in shown]


def test_presenting_hides_notes_and_contacts_on_every_page(db):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token, page="pages/interviews.py")
    assert _private_shown(at)  # not presenting: they are there to edit
    at.session_state[presentation.PRESENTATION_KEY] = True
    for page in ("pages/interviews.py", "pages/options.py", "pages/compare.py", "pages/decision.py",
                 "pages/transfer.py", "pages/start.py"):  # fmt: skip
        at.switch_page(page)
        at.run()
        assert not at.exception, page
        assert _private_shown(at) == [], page
    at.switch_page("pages/interviews.py")
    at.run()
    assert presentation.NOTES_HIDDEN in texts(at)
    assert not [w for w in at.text_input if w.key and w.key.endswith("_note")]  # ratings only
    assert "12 Nov 2026 · interview · Registered nurse, City General Hospital" in _everything(at)
    at.switch_page("pages/options.py")
    at.run()
    assert presentation.NOTES_HIDDEN in texts(at)
    at.switch_page("pages/transfer.py")
    at.run()
    assert [b.label for b in at.get("download_button")] == [
        "Download the decision summary (CSV)", "Download the chart (PNG)"
    ]


@pytest.fixture
def browsers(monkeypatch):
    """`use(secret)`: the AppTests after it run in the browser holding `secret`."""
    holder = {"secret": None}

    def secret():
        return holder["secret"]

    for module in (counsellor, presentation):
        monkeypatch.setattr(module, "browser_secret", secret)
    return lambda value: holder.update(secret=value)


def _signed_in(url, engine):
    workshop = storage.create_workshop(engine, name="Tuesday group", passcode_hash=access.hash_passcode(PASSCODE))
    at = open_app(url, page="pages/workshop.py")
    by_key(at.segmented_control, "workshop_task").set_value("sign_in").run()
    by_key(at.text_input, "workshop_sign_in_code").input(workshop.join_code)
    by_key(at.text_input, "workshop_sign_in_passcode").input(PASSCODE)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert at.session_state[counsellor.COUNSELLOR_KEY] == workshop.id
    return workshop, at


def test_a_sign_in_comes_back_in_the_same_browser_only_until_signing_out(db, browsers):
    url, engine = db
    browsers(b"a" * 16)
    workshop, _ = _signed_in(url, engine)
    again = open_app(url, page="pages/cohort.py")  # a reload: a new session, the same browser
    assert "Cohort: Tuesday group" in texts(again)
    again.switch_page("pages/room.py")
    again.run()
    assert access.spoken_join_code(workshop.join_code) in texts(again)
    browsers(b"b" * 16)  # another browser
    elsewhere = open_app(url)
    assert counsellor.COUNSELLOR_KEY not in elsewhere.session_state
    with pytest.raises(ValueError):  # AppTest: a page that is not in the menu
        elsewhere.switch_page("pages/cohort.py")
    browsers(b"a" * 16)
    by_key(again.button, "counsellor_sign_out").click().run()
    assert counsellor.COUNSELLOR_KEY not in again.session_state
    assert counsellor.COUNSELLOR_KEY not in open_app(url).session_state  # and after a reload


def test_a_counsellor_without_a_workspace_has_the_counsellors_pages_only(db, browsers):
    url, engine = db
    _, at = _signed_in(url, engine)
    for page in ("pages/start.py", "pages/workshop.py", "pages/cohort.py", "pages/room.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception, page
    with pytest.raises(ValueError):  # AppTest: a page that is not in the menu
        at.switch_page("pages/options.py")
    at.session_state[workspace.TOKEN_KEY] = demo_token(engine)  # their own workspace too: every page
    at.run()
    at.switch_page("pages/options.py")
    at.run()
    assert not at.exception and "Registered nurse" in _everything(at)


def test_presentation_comes_back_after_a_reload_of_the_tab_without_its_link(db, browsers):
    url, engine = db
    browsers(b"c" * 16)
    token = demo_token(engine)
    at = open_app(url, token=token, page="pages/compare.py")
    by_key(at.sidebar.toggle, presentation.PRESENTATION_TOGGLE_KEY).set_value(True).run()
    place = at.query_params[presentation.PLACE_PARAM]
    assert workspace.TOKEN_PARAM not in at.query_params
    reloaded = open_app(url, query_params={presentation.PLACE_PARAM: place}, page="pages/compare.py")
    assert reloaded.session_state[presentation.PRESENTATION_KEY] is True
    assert workspace.TOKEN_KEY not in reloaded.session_state and "Registered nurse" in texts(reloaded)
    assert token not in _everything(reloaded)
    browsers(b"d" * 16)  # the same address in another browser
    elsewhere = open_app(url, query_params={presentation.PLACE_PARAM: place}, page="pages/compare.py")
    assert "Open your workspace first" in texts(elsewhere)
    assert presentation.PLACE_PARAM not in elsewhere.query_params
