"""Storage refuses what the models refuse, in the models' own sentence, on a real SQLite file (and
PostgreSQL when configured): a participant typing into a page and a workspace file meet one rule
and one wording for it. Each test asks the model what a file with the same value would be told,
and expects storage to say exactly that, as a sentence, with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from core import storage
from core.dimensions import DIMENSION_KEYS
from core.models import TenfoldError, Workspace, describe_validation_error

DAY = dt.date(2026, 11, 2)


def _file_says(**fields) -> str:
    """The one problem the model finds in a workspace file with these fields, without where it is."""
    with pytest.raises(ValidationError) as info:
        Workspace.model_validate(fields)
    (problem,) = describe_validation_error(info.value)
    return problem.split(": ", 1)[1]


def _refusal(engine, action) -> str:  # type: ignore[no-untyped-def]
    """What storage says when it refuses `action`, checked to have changed nothing."""
    before = _dump(engine)
    with pytest.raises(TenfoldError) as info:
        action()
    assert _dump(engine) == before
    return str(info.value)


def _dump(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for table in storage.metadata.sorted_tables
        }


def _sentence(message: str) -> str:
    return message[0].upper() + message[1:] + "."


@pytest.fixture
def workspace(engine):  # type: ignore[no-untyped-def]
    """A workspace with a career, an employer of it and a self-assessment informing both."""
    ws_id = storage.find_workspace(engine, storage.create_workspace(engine)).id
    career = storage.add_option(engine, ws_id, kind="career", name="Nursing")
    employer = storage.add_option(engine, ws_id, kind="employer", name="City Hospital", career_id=career)
    interview = storage.add_interview(engine, ws_id, kind="self", date=DAY, option_ids=[career, employer])
    return ws_id, career, employer, interview


def _file_with_rating(score: object) -> dict:
    return {
        "options": [{"id": "o1", "kind": "career", "name": "Nursing"}],
        "interviews": [{"id": "i1", "kind": "self", "date": "2026-11-02",
                        "ratings": [{"option": "o1", "dimension": "culture", "score": score}]}],
    }


@pytest.mark.parametrize("score", [6, 0, 2.5, "4", True])
def test_a_rating_outside_1_to_5_is_refused_with_the_models_sentence(engine, workspace, score):
    ws_id, career, _, interview = workspace
    said = _refusal(engine, lambda: storage.set_rating(engine, ws_id, interview, career, "culture", score))
    assert said == _sentence(_file_says(**_file_with_rating(score)))
    assert said == f"A rating must be a whole number from 1 to 5, not {score!r}."


def test_all_weights_zero_is_refused_with_the_models_sentence(engine, workspace):
    ws_id = workspace[0]
    storage.set_weights(engine, ws_id, {key: 0 for key in DIMENSION_KEYS if key != "culture"})
    said = _refusal(engine, lambda: storage.set_weights(engine, ws_id, {"culture": 0}))
    assert said == _sentence(_file_says(weights=dict.fromkeys(DIMENSION_KEYS, 0)))
    assert said == "At least one dimension must matter (a weight above 0)."


@pytest.mark.parametrize("weight", [6, -1, 2.5, True])
def test_a_weight_outside_0_to_5_is_refused_with_the_models_sentence(engine, workspace, weight):
    ws_id = workspace[0]
    said = _refusal(engine, lambda: storage.set_weights(engine, ws_id, {"network": weight}))
    assert said == _sentence(_file_says(weights=dict.fromkeys(DIMENSION_KEYS, 3) | {"network": weight}))
    assert said == f"A weight must be a whole number from 0 to 5, not {weight!r}."


def test_a_weight_for_no_dimension_is_refused_naming_it(engine, workspace):
    said = _refusal(engine, lambda: storage.set_weights(engine, workspace[0], {"salary": 3}))
    assert said == _sentence(f"'salary' {_file_says(weights=dict.fromkeys(DIMENSION_KEYS, 3) | {'salary': 3})}")
    assert said.startswith("'salary' is not one of the ten dimensions (")


def test_an_employer_cannot_belong_to_an_employer_in_the_models_words(engine, workspace):
    ws_id, career, employer, _ = workspace
    file_says = _file_says(options=[
        {"id": "c", "kind": "career", "name": "Nursing"},
        {"id": "e", "kind": "employer", "name": "City Hospital", "career": "c"},
        {"id": "x", "kind": "employer", "name": "Night Clinic", "career": "e"},
    ])
    said = _refusal(engine, lambda: storage.add_option(
        engine, ws_id, kind="employer", name="Night Clinic", career_id=employer))
    assert said == _sentence(file_says)
    assert said == "'Night Clinic' names 'City Hospital' as its career, but that option is an employer."
    night = storage.add_option(engine, ws_id, kind="employer", name="Night Clinic", career_id=career)
    said = _refusal(engine, lambda: storage.update_option(engine, ws_id, night, career_id=employer))
    assert said == _sentence(file_says)


def test_only_an_employer_belongs_to_a_career_in_the_models_words(engine, workspace):
    ws_id, career, _, _ = workspace
    file_says = _file_says(options=[
        {"id": "c", "kind": "career", "name": "Nursing"},
        {"id": "t", "kind": "career", "name": "Teaching", "career": "c"},
    ])
    said = _refusal(engine, lambda: storage.add_option(engine, ws_id, kind="career", name="Teaching", career_id=career))
    assert said == _sentence(file_says) == "Only an employer can belong to a career."
    teaching = storage.add_option(engine, ws_id, kind="career", name="Teaching")
    assert _refusal(engine, lambda: storage.update_option(engine, ws_id, teaching, career_id=career)) == said


def test_a_career_that_is_not_in_this_workspace_is_refused_in_the_models_words(engine, workspace):
    ws_id = workspace[0]
    said = _refusal(engine, lambda: storage.add_option(engine, ws_id, kind="employer", name="Ghost", career_id=424242))
    file_says = _file_says(options=[{"id": "g", "kind": "employer", "name": "Ghost", "career": "424242"}])
    assert said == _sentence(file_says)


def test_an_option_name_taken_by_name_key_is_refused_in_the_models_words(engine, workspace):
    ws_id, _, employer, _ = workspace
    file_says = _file_says(options=[
        {"id": "a", "kind": "career", "name": "Nursing"},
        {"id": "b", "kind": "career", "name": "  NURSING\u200b "},
    ])
    assert _refusal(engine, lambda: storage.add_option(engine, ws_id, kind="career", name="  NURSING\u200b ")) == (
        _sentence(file_says)
    )
    assert _refusal(engine, lambda: storage.update_option(engine, ws_id, employer, name="nursing")) == (
        _sentence(file_says)
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * 121, "can be at most 120 characters"),
        ("\u0958" * 70, "can be at most 120 characters"),  # 140 characters once composed
        ("Nurse\x00", "contains an invisible control character (U+0000); please remove it"),
        ("\u200b", "must have at least one visible character"),
    ],
)
def test_names_and_text_are_refused_with_the_models_message(engine, workspace, typed, message):
    ws_id, career, _, _ = workspace
    assert _file_says(options=[{"id": "a", "kind": "career", "name": typed}]) == message
    assert _refusal(engine, lambda: storage.add_option(engine, ws_id, kind="career", name=typed)) == (
        f"The name {message}."
    )
    contact = {"date": DAY, "option_ids": [career]}
    assert _refusal(engine, lambda: storage.add_interview(engine, ws_id, contact_name=typed, **contact)) == (
        f"A name {message}."
    )
    if message != "must have at least one visible character":  # a role or a note may be empty
        assert _refusal(engine, lambda: storage.add_interview(
            engine, ws_id, contact_name="Jo", contact_role=typed, **contact)) == f"A role {message}."
        assert _refusal(engine, lambda: storage.rename_workspace(engine, ws_id, typed)) == (
            f"The workspace name {message}."
        )


def test_a_note_is_measured_by_the_models_limit(engine, workspace):
    ws_id, career, _, interview = workspace
    storage.set_rating(engine, ws_id, interview, career, "culture", 4, "x" * 2000)
    said = _refusal(engine, lambda: storage.set_rating(engine, ws_id, interview, career, "culture", 4, "x" * 2001))
    assert said == "A note can be at most 2000 characters."
    said = _refusal(engine, lambda: storage.update_option(engine, ws_id, career, notes="x" * 10_001))
    assert said == "Notes can be at most 10000 characters."


def test_an_empty_name_gets_the_forms_prompt(engine, workspace):
    """The model refuses an empty name ("must not be empty"); a form words that as what to do."""
    ws_id, career, _, _ = workspace
    assert _file_says(options=[{"id": "a", "kind": "career", "name": " "}]) == "must not be empty"
    for empty in ("", "   ", None):
        said = _refusal(engine, lambda empty=empty: storage.add_option(engine, ws_id, kind="career", name=empty))
        assert said == "Please give the option a name."
        said = _refusal(engine, lambda empty=empty: storage.add_interview(
            engine, ws_id, date=DAY, contact_name=empty, option_ids=[career]))
        assert said == "Please give the name of the person you interviewed."
