"""Start, Options, Interviews & ratings and Weights, driven through the real app script."""

from __future__ import annotations

import datetime as dt

import pytest

from core import storage
from tests.apptest.helpers import by_key, demo_token, open_app, shown, texts


def _ws(engine, token):
    return storage.load_workspace(engine, storage.find_workspace(engine, token).id)


def test_start_creates_a_private_workspace_and_puts_its_token_in_the_url(db):
    url, engine = db
    at = open_app(url)
    assert not at.exception
    by_key(at.button, "start_new").click().run()
    token = at.query_params["w"]
    assert storage.find_workspace(engine, token) is not None
    assert token in texts(at)  # the private link is shown to copy
    assert "private link" in texts(at)


def test_explore_the_demo_gives_each_visitor_a_fresh_copy(db):
    url, engine = db
    first = open_app(url)
    by_key(first.button, "start_demo").click().run()
    second = open_app(url)
    by_key(second.button, "start_demo").click().run()
    a, b = first.query_params["w"], second.query_params["w"]
    assert a != b
    assert len(_ws(engine, a).options) == len(_ws(engine, b).options) == 8
    reopened = open_app(url, token=a)
    assert "8 options · 7 interviews and self-assessments" in "\n".join(c.value for c in reopened.sidebar.caption)


@pytest.mark.parametrize("token", ["not-a-token", "A" * 32, "<script>alert(1)</script>", "' OR 1=1 --"])
def test_a_bad_or_unknown_token_shows_no_such_workspace(db, token):
    url, engine = db
    demo_token(engine)  # someone else's workspace exists; it must never be shown
    for page in (None, "pages/options.py", "pages/interviews.py", "pages/weights.py"):
        at = open_app(url, token=token, page=page)
        assert not at.exception
        assert "No such workspace" in texts(at)
        assert "Registered nurse" not in texts(at)
        assert [t.key for t in at.text_input if t.key == "options_add_name"] == []


def test_open_my_workspace_from_a_pasted_link(db):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url)
    by_key(at.text_input, "start_paste").input(f"http://127.0.0.1:8501/options?w={token}")
    by_key(at.button, "start_open").click().run()
    assert at.query_params["w"] == token
    at = open_app(url)
    by_key(at.text_input, "start_paste").input("http://127.0.0.1:8501/?w=" + "B" * 32)
    by_key(at.button, "start_open").click().run()
    assert "No such workspace" in texts(at)
    assert "w" not in at.query_params


def test_pages_without_a_workspace_say_how_to_open_one(db):
    url, _ = db
    at = open_app(url, page="pages/options.py")
    assert not at.exception
    assert "Open your workspace first" in texts(at)


def test_add_options_with_clear_messages_for_bad_names(db):
    url, engine = db
    token = storage.create_workspace(engine)
    at = open_app(url, token=token, page="pages/options.py")
    by_key(at.text_input, "options_add_name").input("Registered nurse")
    at.button[0].click().run()  # the form's Add button
    assert not at.exception
    assert [o.name for o in _ws(engine, token).options] == ["Registered nurse"]

    for bad, message in (("  ", "Please give the option a name."), ("REGISTERED NURSE", "already exists")):
        by_key(at.text_input, "options_add_name").input(bad)
        at.button[0].click().run()
        assert any(message in shown(e.value) for e in at.error), [e.value for e in at.error]
    assert [o.name for o in _ws(engine, token).options] == ["Registered nurse"]


def test_employer_linked_to_career_and_leaning(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    career = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    at = open_app(url, token=token, page="pages/options.py")
    by_key(at.radio, "options_add_kind").set_value("employer")
    by_key(at.text_input, "options_add_name").input("City Hospital")
    by_key(at.selectbox, "options_add_career").set_value(career)
    at.button[0].click().run()
    ws = _ws(engine, token)
    employer = next(o for o in ws.options if o.name == "City Hospital")
    assert employer.kind == "employer" and employer.career == str(career)

    by_key(at.selectbox, "options_leaning_employer").set_value(int(employer.id)).run()
    assert _ws(engine, token).leaning.name == "City Hospital"
    # One leaning of each kind: choosing the career keeps the employer leaning.
    by_key(at.selectbox, "options_leaning_career").set_value(career).run()
    assert {kind: o.name for kind, o in _ws(engine, token).leanings.items()} == {
        "career": "Nursing", "employer": "City Hospital"
    }
    by_key(at.selectbox, "options_leaning_employer").set_value(0).run()
    assert {kind: o.name for kind, o in _ws(engine, token).leanings.items()} == {"career": "Nursing"}


def test_delete_an_option_with_ratings_asks_first(db):
    url, engine = db
    token = demo_token(engine)
    nurse = next(o for o in _ws(engine, token).options if o.name == "Registered nurse")
    at = open_app(url, token=token, page="pages/options.py")
    assert not [b for b in at.button if b.key == f"options_{nurse.id}_delete"]  # drawn only when opened
    at.session_state[f"options_{nurse.id}_open"] = True  # as a click on the option's expander does
    at.run()
    by_key(at.button, f"options_{nurse.id}_delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    assert len(_ws(engine, token).options) == 8  # nothing deleted yet
    by_key(at.button, f"options_{nurse.id}_delete_yes").click().run()
    assert "Registered nurse" not in [o.name for o in _ws(engine, token).options]


def test_option_names_with_html_and_markdown_are_shown_as_text(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    name = "<script>alert('x')</script> **bold** [link](javascript:alert(1))"
    option = storage.add_option(engine, ws_id, kind="career", name=name)
    storage.add_interview(engine, ws_id, kind="self", date=dt.date(2026, 11, 2), notes=name, option_ids=[option])
    for page in ("pages/options.py", "pages/interviews.py"):
        at = open_app(url, token=token, page=page)
        assert not at.exception
        shown = [e.proto.label for e in at.expander] + [e.value for e in [*at.markdown, *at.caption]]
        shown += [o for r in at.radio for o in r.options]
        for value in shown:
            assert "<script>" not in value and "**bold**" not in value and "](javascript" not in value
        for element in at.markdown:
            assert element.proto.allow_html is False
        assert any(r"\*\*bold\*\*" in value for value in shown)  # escaped, so shown literally


def test_log_an_interview_and_rate_it(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    nurse = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    at = open_app(url, token=token, page="pages/interviews.py")
    by_key(at.text_input, "interviews_new_contact").input("J. Doe")
    by_key(at.text_input, "interviews_new_role").input("Charge nurse")
    by_key(at.date_input, "interviews_new_date").set_value(dt.date(2026, 11, 2))
    by_key(at.multiselect, "interviews_new_options").set_value([nurse])
    at.button[0].click().run()  # Save and rate it
    assert not at.exception
    (entry,) = _ws(engine, token).interviews
    assert entry.contact.name == "J. Doe" and entry.contact.role == "Charge nurse"

    key = f"rate_{entry.id}_{nurse}_culture"
    by_key(at.segmented_control, key + "_score").set_value(4).run()
    by_key(at.text_input, key + "_note").input("team huddles daily").run()
    (entry,) = _ws(engine, token).interviews
    assert [(r.dimension, r.score, r.note) for r in entry.ratings] == [("culture", 4, "team huddles daily")]
    # and the page shows what was saved after a fresh load
    at = open_app(url, token=token, page="pages/interviews.py")
    assert by_key(at.segmented_control, key + "_score").value == 4
    assert by_key(at.text_input, key + "_note").value == "team huddles daily"


def test_an_interview_that_informs_no_option_is_refused(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    storage.add_option(engine, ws_id, kind="career", name="Nursing")
    at = open_app(url, token=token, page="pages/interviews.py")
    by_key(at.text_input, "interviews_new_contact").input("J. Doe")
    at.button[0].click().run()
    assert "at least one career or employer" in texts(at)
    assert _ws(engine, token).interviews == []


def test_weights_are_saved_on_change_and_reset(db):
    url, engine = db
    token = storage.create_workspace(engine)
    at = open_app(url, token=token, page="pages/weights.py")
    assert len(at.slider) == 10
    by_key(at.slider, "weights_career_path").set_value(5).run()
    assert _ws(engine, token).weights["career_path"] == 5
    by_key(at.button, "weights_reset").click().run()
    assert set(_ws(engine, token).weights.values()) == {3}


def test_all_weights_zero_is_refused_with_a_message(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    storage.set_weights(engine, ws_id, {k: 0 for k in _ws(engine, token).weights if k != "culture"})
    at = open_app(url, token=token, page="pages/weights.py")
    by_key(at.slider, "weights_culture").set_value(0).run()
    assert "At least one dimension must matter" in texts(at)
    assert _ws(engine, token).weights["culture"] == 3
    assert by_key(at.slider, "weights_culture").value == 3  # the slider shows what is saved


def test_presentation_mode_hides_the_private_link_from_page_and_address_bar(db):
    url, engine = db
    token = demo_token(engine)
    at = open_app(url, token=token)
    assert at.query_params["w"] == token and token in texts(at)
    at.session_state["presentation_mode"] = True
    at.run()
    assert "w" not in at.query_params
    assert token not in texts(at)
    assert "private link is hidden" in texts(at)
    at.switch_page("pages/compare.py")
    at.run()
    assert not at.exception and "w" not in at.query_params  # still open, still hidden
    at.session_state["presentation_mode"] = False
    at.run()
    assert at.query_params["w"] == token


def test_a_note_typed_before_its_rating_is_kept_beside_its_field_and_saved_with_the_rating(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    nurse = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    interview = storage.add_interview(engine, ws_id, kind="self", date=dt.date(2026, 11, 2), option_ids=[nurse])
    key = f"rate_{interview}_{nurse}_culture"
    at = open_app(url, token=token, page="pages/interviews.py")
    by_key(at.text_input, key + "_note").input("team huddles daily").run()
    assert not at.exception
    assert by_key(at.text_input, key + "_note").value == "team huddles daily"  # not emptied
    assert "Note kept. Choose a rating above to go with it." in [c.value for c in at.caption]
    assert not at.warning
    # kept after a reload too, and the rating chosen later takes it
    at = open_app(url, token=token, page="pages/interviews.py")
    assert by_key(at.text_input, key + "_note").value == "team huddles daily"
    by_key(at.segmented_control, key + "_score").set_value(4).run()
    (entry,) = _ws(engine, token).interviews
    assert [(r.dimension, r.score, r.note) for r in entry.ratings] == [("culture", 4, "team huddles daily")]
    assert "Note kept. Choose a rating above to go with it." not in [c.value for c in at.caption]


def test_deleting_a_career_says_how_many_employers_lose_what_they_inherited(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    nurse = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    for name in ("City Hospital", "Riverside Care"):
        storage.add_option(engine, ws_id, kind="employer", name=name, career_id=nurse)
    at = open_app(url, token=token, page="pages/options.py")
    at.session_state[f"options_{nurse}_open"] = True
    at.run()
    by_key(at.button, f"options_{nurse}_delete").click().run()
    assert not at.exception
    (warning,) = at.warning
    assert "Delete **Nursing** and its 0 ratings? Its 2 employers will no longer inherit its ratings" in warning.value
    assert [o.name for o in _ws(engine, token).options] == ["Nursing", "City Hospital", "Riverside Care"]
    by_key(at.button, f"options_{nurse}_delete_yes").click().run()
    assert [o.name for o in _ws(engine, token).options] == ["City Hospital", "Riverside Care"]


def test_counts_in_the_sidebar_are_singular_for_one(db):
    url, engine = db
    token = storage.create_workspace(engine)
    ws_id = storage.find_workspace(engine, token).id
    nurse = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    storage.add_interview(engine, ws_id, kind="self", date=dt.date(2026, 11, 2), option_ids=[nurse])
    at = open_app(url, token=token, page="pages/options.py")
    assert "1 option · 1 interview or self-assessment" in [c.value for c in at.sidebar.caption]
