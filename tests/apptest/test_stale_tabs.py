"""Two tabs on one workspace (issue 14, no lost updates): a tab that has not rerun since the other
saved changes only the field its user changed, and a change to a field the other tab changed is
refused with that field's current value."""

from __future__ import annotations

import datetime as dt

from core import storage
from tests.apptest.helpers import by_key, open_app, texts


def _rated(engine) -> tuple[str, int, int, int]:
    token = storage.create_workspace(engine)
    workspace_id = storage.find_workspace(engine, token).id
    option_id = storage.add_option(engine, workspace_id, kind="career", name="Nursing", notes="first notes")
    interview_id = storage.add_interview(engine, workspace_id, date=dt.date(2026, 11, 2), contact_name="J. Doe",
                                         option_ids=[option_id])
    storage.set_rating(engine, workspace_id, interview_id, option_id, "culture", 3)
    return token, workspace_id, interview_id, option_id


def _rating(engine, workspace_id: int):
    return storage.load_workspace(engine, workspace_id).interviews[0].ratings[0]


def test_a_stale_tab_changing_a_score_keeps_the_note_and_cannot_overwrite_it(db):
    url, engine = db
    token, workspace_id, interview_id, option_id = _rated(engine)
    key = f"rate_{interview_id}_{option_id}_culture"
    tab_a = open_app(url, token=token, page="pages/interviews.py")
    tab_b = open_app(url, token=token, page="pages/interviews.py")

    by_key(tab_a.text_input, key + "_note").input("team huddles daily").run()
    by_key(tab_b.segmented_control, key + "_score").set_value(5).run()  # B still shows no note
    assert not tab_b.exception
    assert (_rating(engine, workspace_id).score, _rating(engine, workspace_id).note) == (5, "team huddles daily")

    tab_c = open_app(url, token=token, page="pages/interviews.py")
    by_key(tab_a.text_input, key + "_note").input("from A again").run()
    by_key(tab_c.text_input, key + "_note").input("from C").run()  # C showed A's first note
    assert "This note was changed in another tab or window to: 'from A again'. Reload to see it." in texts(tab_c)
    assert "Your note was not saved: 'from C'." in texts(tab_c)
    assert _rating(engine, workspace_id).note == "from A again"
    assert by_key(tab_c.text_input, key + "_note").value == "from A again"  # the page shows what is saved


def test_renaming_an_option_in_a_stale_tab_keeps_the_notes_saved_in_another(db):
    url, engine = db
    token, workspace_id, _, option_id = _rated(engine)
    prefix = f"options_{option_id}_"
    tab_a, tab_b, tab_c = (open_app(url, token=token, page="pages/options.py") for _ in range(3))
    for tab in (tab_a, tab_b, tab_c):
        tab.session_state[prefix + "open"] = True  # as a click on the option's expander does
        tab.run()
    by_key(tab_a.text_area, prefix + "notes").input("notes from A").run()
    by_key(tab_b.text_input, prefix + "name").input("Adult nursing").run()
    assert not tab_b.exception
    option = storage.load_workspace(engine, workspace_id).options[0]
    assert (option.name, option.notes) == ("Adult nursing", "notes from A")
    by_key(tab_c.text_area, prefix + "notes").input("notes from C").run()  # C still shows the first notes
    assert "This option's notes were changed in another tab or window to: 'notes from A'." in texts(tab_c)
    assert storage.load_workspace(engine, workspace_id).options[0].notes == "notes from A"
