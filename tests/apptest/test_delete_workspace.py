"""A participant deletes their workspace on Start: asked once, naming it; then it is gone, its
cohort row too, and the tab is back on Start with a message."""

from __future__ import annotations

from core import access, storage
from core.demo import demo_workspace
from tests.apptest.helpers import by_key, open_app, shown, texts


def test_deleting_a_workspace_asks_first_naming_it_then_it_is_gone(db):
    url, engine = db
    token = storage.import_workspace(engine, demo_workspace())
    ws_id = storage.find_workspace(engine, token).id
    name = storage.load_workspace(engine, ws_id).name
    at = open_app(url, token=token)

    by_key(at.button, "start_delete").click().run()
    (warning,) = [shown(w.value) for w in at.warning]
    assert f"Delete “{name}” for good?" in warning.replace("**", "") and "cannot be undone" in warning
    assert storage.find_workspace(engine, token) is not None  # asked, not deleted yet
    by_key(at.button, "start_delete_no").click().run()
    assert not at.warning and storage.find_workspace(engine, token) is not None

    by_key(at.button, "start_delete").click().run()
    by_key(at.button, "start_delete_yes").click().run()
    assert not at.exception
    assert storage.find_workspace(engine, token) is None
    assert "w" not in at.query_params
    (message,) = [shown(w.value) for w in at.warning]
    assert f"“{name}” was deleted" in message
    assert "Your workspace is open" not in texts(at)
    assert by_key(at.button, "start_new")  # on Start, ready to begin again
    assert [c.value for c in at.sidebar.caption] == ["No workspace open."]


def test_a_deleted_participant_leaves_the_counsellors_cohort(db):
    url, engine = db
    passcode_hash = access.hash_passcode(access.new_passcode())
    workshop = storage.create_workshop(engine, name="Tuesday", passcode_hash=passcode_hash)
    token = storage.create_workspace_in_workshop(engine, workshop.join_code, "Ana")
    storage.set_sharing(engine, storage.find_workspace(engine, token).id, True)
    assert [m.display_name for m in storage.cohort_members(engine, workshop.id)] == ["Ana"]

    at = open_app(url, token=token)
    by_key(at.button, "start_delete").click().run()
    by_key(at.button, "start_delete_yes").click().run()
    assert storage.cohort_members(engine, workshop.id) == []


def test_a_workspace_deleted_in_another_tab_meanwhile_is_simply_gone(db):
    url, engine = db
    token = storage.create_workspace(engine, name="Mine")
    at = open_app(url, token=token)
    by_key(at.button, "start_delete").click().run()
    storage.delete_workspace(engine, storage.find_workspace(engine, token).id)  # the other tab
    by_key(at.button, "start_delete_yes").click().run()
    assert not at.exception and not at.error
    assert "w" not in at.query_params
    assert "“Mine” was deleted" in shown(next(w.value for w in at.warning))
