"""No lost updates between tabs (issue 14): each save writes only the field the user changed, and
a save based on what a stale tab showed of a field that changed since is refused with the field's
current value, instead of overwriting it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core import storage
from core.models import TenfoldError

DAY = dt.date(2026, 11, 2)


@pytest.fixture
def rated(engine):
    """A workspace with one option rated 3 on culture (no note) in one interview."""
    workspace_id = storage.find_workspace(engine, storage.create_workspace(engine)).id
    option_id = storage.add_option(engine, workspace_id, kind="career", name="Nursing", notes="first notes")
    interview_id = storage.add_interview(
        engine, workspace_id, date=DAY, contact_name="J. Doe", contact_role="Nurse", option_ids=[option_id]
    )
    storage.set_rating_score(engine, workspace_id, interview_id, option_id, "culture", 3, expected=None)
    return workspace_id, interview_id, option_id


def _rating(engine, workspace_id: int, dimension: str = "culture"):
    interview = storage.load_workspace(engine, workspace_id).interviews[0]
    return next((r for r in interview.ratings if r.dimension == dimension), None)


def _revision(engine, workspace_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(storage.workspaces.c.revision).where(storage.workspaces.c.id == workspace_id)
        ).scalar_one()


def test_a_stale_tab_changing_the_score_keeps_the_note_saved_in_another(engine, rated):
    workspace_id, interview_id, option_id = rated
    # Both tabs show 3, no note. Tab A saves a note; tab B, still showing 3 and no note, picks 5.
    storage.set_rating_note(engine, workspace_id, interview_id, option_id, "culture", "team huddles", expected="")
    storage.set_rating_score(engine, workspace_id, interview_id, option_id, "culture", 5, expected=3)
    rating = _rating(engine, workspace_id)
    assert (rating.score, rating.note) == (5, "team huddles")


def test_a_stale_note_is_refused_with_the_current_note(engine, rated):
    workspace_id, interview_id, option_id = rated
    storage.set_rating_note(engine, workspace_id, interview_id, option_id, "culture", "team huddles", expected="")
    with pytest.raises(storage.ChangedElsewhere) as refused:
        storage.set_rating_note(engine, workspace_id, interview_id, option_id, "culture", "from B", expected="")
    assert str(refused.value) == (
        "This note was changed in another tab or window to: 'team huddles'. Reload to see it."
    )
    assert _rating(engine, workspace_id).note == "team huddles"


def test_a_stale_score_is_refused_with_the_current_score(engine, rated):
    workspace_id, interview_id, option_id = rated
    storage.set_rating_score(engine, workspace_id, interview_id, option_id, "culture", 4, expected=3)
    revision = _revision(engine, workspace_id)
    with pytest.raises(storage.ChangedElsewhere, match="This rating was changed in another tab or window to: '4'"):
        storage.set_rating_score(engine, workspace_id, interview_id, option_id, "culture", 1, expected=3)
    assert _revision(engine, workspace_id) == revision  # the refused write changed nothing, not even that
    assert _rating(engine, workspace_id).score == 4
    # A dimension rated in another tab while this one showed it as not rated: refused too.
    storage.set_rating_score(engine, workspace_id, interview_id, option_id, "network", 2, expected=None)
    with pytest.raises(storage.ChangedElsewhere, match="to: '2'"):
        storage.set_rating_score(engine, workspace_id, interview_id, option_id, "network", 5, expected=None,
                                 note="typed first")
    assert (_rating(engine, workspace_id, "network").score, _rating(engine, workspace_id, "network").note) == (2, "")


def test_a_new_rating_takes_the_note_typed_before_it(engine, rated):
    workspace_id, interview_id, option_id = rated
    storage.set_rating_score(engine, workspace_id, interview_id, option_id, "network", 4, expected=None,
                             note="met three people")
    assert _rating(engine, workspace_id, "network").note == "met three people"


def test_clearing_a_rating_whose_note_changed_elsewhere_is_refused(engine, rated):
    workspace_id, interview_id, option_id = rated
    storage.set_rating_note(engine, workspace_id, interview_id, option_id, "culture", "keep me", expected="")
    with pytest.raises(storage.ChangedElsewhere, match=r"This rating's note was changed .* to: 'keep me'"):
        storage.clear_rating(engine, workspace_id, interview_id, option_id, "culture", expected_score=3,
                             expected_note="")
    assert _rating(engine, workspace_id).note == "keep me"
    storage.clear_rating(engine, workspace_id, interview_id, option_id, "culture", expected_score=3,
                         expected_note="keep me")
    assert _rating(engine, workspace_id) is None
    # Cleared in another tab already: clearing again loses nothing and is not an error; a note is refused.
    storage.clear_rating(engine, workspace_id, interview_id, option_id, "culture", expected_score=3,
                         expected_note="keep me")
    with pytest.raises(storage.ChangedElsewhere, match="cleared in another tab or window, and its note with it"):
        storage.set_rating_note(engine, workspace_id, interview_id, option_id, "culture", "late", expected="keep me")


def test_renaming_an_option_in_a_stale_tab_keeps_the_notes_saved_in_another(engine, rated):
    workspace_id, _, option_id = rated
    storage.update_option(engine, workspace_id, option_id, notes="notes from A", expected_notes="first notes")
    storage.update_option(engine, workspace_id, option_id, name="Nursing (adult)", expected_name="Nursing")
    option = storage.load_workspace(engine, workspace_id).options[0]
    assert (option.name, option.notes) == ("Nursing (adult)", "notes from A")
    with pytest.raises(storage.ChangedElsewhere) as refused:
        storage.update_option(engine, workspace_id, option_id, notes="notes from B", expected_notes="first notes")
    assert str(refused.value) == (
        "This option's notes were changed in another tab or window to: 'notes from A'. Reload to see it."
    )
    with pytest.raises(storage.ChangedElsewhere, match=r"name was changed .* to: 'Nursing \(adult\)'"):
        storage.update_option(engine, workspace_id, option_id, name="Nurse", expected_name="Nursing")
    assert storage.load_workspace(engine, workspace_id).options[0] == option


def test_a_stale_career_link_is_refused_with_the_current_career(engine):
    workspace_id = storage.find_workspace(engine, storage.create_workspace(engine)).id
    nursing = storage.add_option(engine, workspace_id, kind="career", name="Nursing")
    midwifery = storage.add_option(engine, workspace_id, kind="career", name="Midwifery")
    hospital = storage.add_option(engine, workspace_id, kind="employer", name="City Hospital")
    storage.update_option(engine, workspace_id, hospital, career_id=nursing, expected_career_id=None)
    with pytest.raises(storage.ChangedElsewhere, match=r"This employer's career was changed .* to: 'Nursing'"):
        storage.update_option(engine, workspace_id, hospital, career_id=midwifery, expected_career_id=None)


def test_a_long_changed_value_is_quoted_shortened(engine, rated):
    workspace_id, _, option_id = rated
    storage.update_option(engine, workspace_id, option_id, notes="x" * 5000)
    with pytest.raises(storage.ChangedElsewhere) as refused:
        storage.update_option(engine, workspace_id, option_id, notes="mine", expected_notes="first notes")
    assert f"to: '{'x' * storage.workspace.SHOWN_CHARS_MAX}…'" in str(refused.value)


def test_an_interview_edit_writes_only_the_fields_it_changed(engine, rated):
    workspace_id, interview_id, option_id = rated
    shown = storage.load_workspace(engine, workspace_id).interviews[0]  # what both tabs show
    details = {"kind": "interview", "date": DAY, "contact_name": "J. Doe", "contact_role": "Nurse",
               "contact_organisation": "", "notes": "", "option_ids": [option_id]}
    # Tab A adds notes; tab B, from the same view, adds the organisation: both land.
    storage.update_interview(engine, workspace_id, interview_id, **details | {"notes": "from A"}, expected=shown)
    storage.update_interview(engine, workspace_id, interview_id, **details | {"contact_organisation": "City Hospital"},
                             expected=shown)
    saved = storage.load_workspace(engine, workspace_id).interviews[0]
    assert (saved.notes, saved.contact.organisation, saved.contact.role) == ("from A", "City Hospital", "Nurse")
    assert len(saved.ratings) == 1  # the links, and so the ratings, stayed
    # Tab B now changes the notes from its stale view: refused, with A's notes.
    with pytest.raises(storage.ChangedElsewhere, match=r"The notes on this interview were changed .* to: 'from A'"):
        storage.update_interview(engine, workspace_id, interview_id, **details | {"notes": "from B"}, expected=shown)
    other = storage.add_option(engine, workspace_id, kind="career", name="Midwifery")
    details |= {"notes": "from A", "contact_organisation": "City Hospital"}  # as both tabs now show it
    storage.update_interview(engine, workspace_id, interview_id, **details | {"option_ids": [option_id, other]},
                             expected=saved)
    with pytest.raises(storage.ChangedElsewhere, match="The options this interview informed were changed"):
        storage.update_interview(engine, workspace_id, interview_id, **details | {"option_ids": [other]},
                                 expected=saved)
    assert storage.load_workspace(engine, workspace_id).interviews[0].informed == [str(option_id), str(other)]


def test_a_note_typed_before_its_rating_waits_for_it_and_goes_with_it(engine, rated):
    workspace_id, interview_id, option_id = rated
    storage.set_pending_note(engine, workspace_id, interview_id, option_id, "network", "met three people")
    assert storage.pending_notes_of(engine, workspace_id, interview_id, option_id) == {"network": "met three people"}
    assert _rating(engine, workspace_id, "network") is None  # not a rating: scores are unchanged
    rating = storage.set_rating_score(engine, workspace_id, interview_id, option_id, "network", 4, expected=None)
    assert rating.note == "met three people"
    assert _rating(engine, workspace_id, "network").note == "met three people"
    assert storage.pending_notes_of(engine, workspace_id, interview_id, option_id) == {}


def test_a_pending_note_is_emptied_refused_once_rated_and_gone_with_its_option(engine, rated):
    workspace_id, interview_id, option_id = rated
    storage.set_pending_note(engine, workspace_id, interview_id, option_id, "network", "draft")
    storage.set_pending_note(engine, workspace_id, interview_id, option_id, "network", "")
    assert storage.pending_notes_of(engine, workspace_id, interview_id, option_id) == {}
    with pytest.raises(storage.ChangedElsewhere, match="rated in another tab"):
        storage.set_pending_note(engine, workspace_id, interview_id, option_id, "culture", "late")
    other = storage.find_workspace(engine, storage.create_workspace(engine)).id
    with pytest.raises(TenfoldError):  # another workspace's interview
        storage.set_pending_note(engine, other, interview_id, option_id, "network", "intruder")
    assert storage.pending_notes_of(engine, other, interview_id, option_id) == {}
    storage.set_pending_note(engine, workspace_id, interview_id, option_id, "network", "draft")
    employer = storage.add_option(engine, workspace_id, kind="employer", name="St Mary's")
    storage.update_interview(engine, workspace_id, interview_id, kind="interview", date=DAY, contact_name="J. Doe",
                             option_ids=[employer])
    assert storage.pending_notes_of(engine, workspace_id, interview_id, option_id) == {}
    storage.set_pending_note(engine, workspace_id, interview_id, employer, "network", "draft")
    storage.delete_interview(engine, workspace_id, interview_id)
    assert storage.pending_notes_of(engine, workspace_id, interview_id, employer) == {}


def test_the_same_create_request_twice_creates_once(engine, rated, monkeypatch):
    workspace_id, _, option_id = rated
    first = storage.add_interview(engine, workspace_id, kind="self", date=DAY, option_ids=[option_id],
                                  request_key="tab-a:save")
    again = storage.add_interview(engine, workspace_id, kind="self", date=DAY, option_ids=[option_id],
                                  request_key="tab-a:save")
    other = storage.add_interview(engine, workspace_id, kind="self", date=DAY, option_ids=[option_id],
                                  request_key="tab-b:save")
    assert again == first != other
    added = storage.add_option(engine, workspace_id, kind="career", name="Librarian", request_key="tab-a:add")
    assert storage.add_option(engine, workspace_id, kind="career", name="Librarian", request_key="tab-a:add") == added
    with pytest.raises(TenfoldError, match="already"):  # a different request: the name is taken
        storage.add_option(engine, workspace_id, kind="career", name="Librarian", request_key="tab-b:add")
    # Deleted since, or long ago: the same request creates again.
    storage.delete_option(engine, workspace_id, added)
    storage.add_option(engine, workspace_id, kind="career", name="Librarian", request_key="tab-a:add")
    assert [o.name for o in storage.load_workspace(engine, workspace_id).options] == ["Nursing", "Librarian"]
    from core.storage import workspace as storage_workspace

    later = storage_workspace.time.time() + storage_workspace.REPEAT_WINDOW_S + 1
    monkeypatch.setattr(storage_workspace.time, "time", lambda: later)
    assert storage.add_interview(engine, workspace_id, kind="self", date=DAY, option_ids=[option_id],
                                 request_key="tab-a:save") not in (first, other)
    assert len(storage.load_workspace(engine, workspace_id).interviews) == 4
