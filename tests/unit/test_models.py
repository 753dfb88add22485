import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from core.demo import demo_workspace
from core.models import (
    NAME_MAX,
    Contact,
    Interview,
    Note,
    Option,
    Rating,
    TenfoldError,
    Workspace,
    clean_name,
    clean_notes,
    describe_validation_error,
    name_key,
    typed_name,
    validated,
)


def _problems(**fields) -> list[str]:
    with pytest.raises(ValidationError) as info:
        Workspace.model_validate(fields)
    return describe_validation_error(info.value)


def test_demo_is_a_valid_realistic_workspace():
    ws = demo_workspace()
    careers = [o for o in ws.options if o.kind == "career"]
    employers = [o for o in ws.options if o.kind == "employer"]
    assert len(careers) == 3 and len(employers) == 5
    assert all(e.career for e in employers)
    assert 6 <= len(ws.interviews) <= 8
    assert len(set(ws.weights.values())) > 1
    assert sum(o.leaning for o in ws.options) == 1
    assert any(i.kind == "self" for i in ws.interviews)
    assert all(r.note for i in ws.interviews for r in i.ratings)


def test_duplicate_names_are_refused_case_insensitively():
    problems = _problems(
        options=[
            {"id": "a", "kind": "career", "name": "Nursing"},
            {"id": "b", "kind": "career", "name": "  nursing "},
        ]
    )
    assert problems == ["options[1]: an option called 'Nursing' already exists"]


def test_names_are_compared_ignoring_case_and_spacing():
    assert name_key(" Registered   NURSE ") == name_key("registered nurse")


@pytest.mark.parametrize("score", [0, 6, 2.5, "4", True, None])
def test_a_rating_must_be_a_whole_number_from_1_to_5(score):
    with pytest.raises(ValidationError) as info:
        Rating.model_validate({"option": "o1", "dimension": "culture", "score": score})
    (message,) = describe_validation_error(info.value)
    assert message.startswith("score:")
    assert message == f"score: a rating must be a whole number from 1 to 5, not {score!r}"


@pytest.mark.parametrize("weight", [-1, 6, 2.5, "4", True])
def test_a_weight_must_be_a_whole_number_from_0_to_5(weight):
    assert _problems(weights=dict(demo_workspace().weights) | {"culture": weight}) == [
        f"weights.culture: a weight must be a whole number from 0 to 5, not {weight!r}"
    ]


def test_unknown_dimension_and_unknown_field_are_named():
    with pytest.raises(ValidationError) as info:
        Rating.model_validate({"option": "o1", "dimension": "salary", "score": 3, "colour": "red"})
    messages = describe_validation_error(info.value)
    assert any(m.startswith("dimension: must be one of") for m in messages)
    assert "colour: is not a field Tenfold knows (unknown field)" in messages


def test_employer_linked_to_a_missing_or_employer_career_is_refused():
    assert _problems(options=[{"id": "e", "kind": "employer", "name": "Acme", "career": "nope"}]) == [
        "options[0]: 'Acme' names career 'nope', which is not an option in this workspace"
    ]
    problems = _problems(
        options=[
            {"id": "e1", "kind": "employer", "name": "Acme"},
            {"id": "e2", "kind": "employer", "name": "Beta", "career": "e1"},
        ]
    )
    assert problems == ["options[1]: 'Beta' names 'Acme' as its career, but that option is an employer"]


def test_a_career_cannot_belong_to_a_career():
    with pytest.raises(ValidationError, match="only an employer can belong to a career"):
        Option(id="c", kind="career", name="X", career="y")


def test_at_most_one_leaning_of_each_kind():
    problems = _problems(
        options=[
            {"id": "a", "kind": "career", "name": "A", "leaning": True},
            {"id": "b", "kind": "career", "name": "B", "leaning": True},
        ]
    )
    assert problems == ["only one career can be the current leaning, not 2"]
    problems = _problems(
        options=[
            {"id": "a", "kind": "employer", "name": "A", "leaning": True},
            {"id": "b", "kind": "employer", "name": "B", "leaning": True},
        ]
    )
    assert problems == ["only one employer can be the current leaning, not 2"]


def test_one_career_and_one_employer_can_both_be_leanings():
    ws = Workspace.model_validate(
        {**demo_workspace().model_dump(mode="json", exclude={"options", "interviews"}),
         "options": [
             {"id": "e", "kind": "employer", "name": "E", "leaning": True},
             {"id": "c", "kind": "career", "name": "C", "leaning": True},
             {"id": "d", "kind": "career", "name": "D"},
         ], "interviews": []}
    )
    assert {kind: o.id for kind, o in ws.leanings.items()} == {"career": "c", "employer": "e"}
    assert list(ws.leanings) == ["career", "employer"] and ws.leaning is not None and ws.leaning.id == "c"


def test_weights_need_all_ten_and_not_all_zero():
    assert _problems(weights={"culture": 3}) == [
        "weights: weights are missing for: industry_outlook, entry_requirements, education, career_path, "
        "lessons_learned, competitive_edge, confidence, typical_day, network"
    ]
    zero = dict.fromkeys(demo_workspace().weights, 0)
    assert _problems(weights=zero) == ["weights: at least one dimension must matter (a weight above 0)"]


def test_interview_rules():
    with pytest.raises(ValidationError, match="needs a contact"):
        Interview(id="i", kind="interview", date=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="no contact"):
        Interview(id="i", kind="self", date=dt.date(2026, 1, 1), contact=Contact(name="X"))
    with pytest.raises(ValidationError, match="rated twice"):
        Interview(
            id="i", kind="self", date=dt.date(2026, 1, 1),
            ratings=[Rating(option="a", dimension="culture", score=3)] * 2,
        )


def test_ratings_must_point_at_options_in_the_workspace():
    problems = _problems(
        options=[{"id": "a", "kind": "career", "name": "A"}],
        interviews=[{"id": "i1", "kind": "self", "date": "2026-11-02",
                     "ratings": [{"option": "zz", "dimension": "culture", "score": 3}]}],
    )
    assert problems == ["interviews[0]: refers to option 'zz', which is not in this workspace"]


def test_every_cross_record_problem_is_reported_on_its_own_line():
    problems = _problems(
        options=[
            {"id": "a", "kind": "career", "name": "A", "leaning": True},
            {"id": "a", "kind": "career", "name": "a", "leaning": True},
        ]
    )
    assert problems == [
        "options[1]: the id 'a' is used twice",
        "options[1]: an option called 'A' already exists",
        "only one career can be the current leaning, not 2",
    ]


# --- text hygiene ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused_by_name(bad):
    code = f"U+{ord(bad):04X}"
    with pytest.raises(ValueError, match=re.escape(code)):
        clean_notes(f"before{bad}after")
    if bad == "\ud800":
        return  # pydantic refuses it before our check (and a file never gets that far: test_workspace_file)
    problems = _problems(options=[{"id": "a", "kind": "career", "name": f"Nurse{bad}"}])
    assert problems == [f"options[0].name: contains an invisible control character ({code}); please remove it"]


def test_notes_keep_tabs_and_line_breaks_names_make_them_one_space():
    assert clean_notes("one\ttwo\nthree\r\n") == "one\ttwo\nthree\r\n"
    assert clean_name("  Registered\n\tnurse  ") == "Registered nurse"


def test_a_name_needs_a_visible_character():
    for invisible in ("\u200b", "\u200b\u200d", "\u2060 \ufeff"):
        with pytest.raises(ValueError, match="at least one visible character"):
            clean_name(invisible)
    assert clean_name("\U0001f469\u200d\u2695\ufe0f Nurse") == "\U0001f469\u200d\u2695\ufe0f Nurse"  # ZWJ kept


def test_one_letter_typed_two_ways_is_stored_one_way_and_counts_as_one_name():
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    assert clean_name(decomposed) == composed
    assert name_key(composed) == name_key(decomposed) == name_key("CAFE\u0301")
    assert name_key("Nurse\u200b") == name_key("nurse")
    assert name_key("\uff2e\uff55\uff52\uff53\uff45") == name_key("Nurse")  # full-width letters
    problems = _problems(options=[{"id": "a", "kind": "career", "name": composed},
                                  {"id": "b", "kind": "career", "name": decomposed}])
    assert problems == ["options[1]: an option called 'Caf\u00e9' already exists"]


@given(st.text())
def test_cleaned_notes_hold_no_control_character_and_cleaning_twice_changes_nothing(text):
    try:
        notes = clean_notes(text)
    except ValueError:
        assert any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r" for ch in text)
        return
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r" for ch in notes)
    assert clean_notes(notes) == notes
    assert notes == unicodedata.normalize("NFC", text)


def test_length_is_counted_as_stored_since_composing_can_lengthen_text():
    nukta = "\u0958"  # Devanagari qa: Unicode composes it as two characters
    assert len(clean_name(nukta * 70)) == 140
    problems = _problems(options=[{"id": "a", "kind": "career", "name": nukta * 70}])
    assert problems == ["options[0].name: can be at most 120 characters"]


@given(st.text(max_size=NAME_MAX))
def test_a_name_key_fits_the_database_column(text):
    assert len(name_key(text)) <= NAME_MAX


def test_long_keys_stay_apart_and_stable():
    ligature = "\ufdfa"  # one character, eighteen in NFKC
    a, b = name_key(ligature * 100 + "a"), name_key(ligature * 100 + "b")
    assert a != b and len(a) == len(b) == NAME_MAX
    assert name_key(ligature * 100 + "A") == a


# --- the same refusals as a participant reads them (core.storage) ----------------------------------


def _refusal(validate, value, **wording) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(TenfoldError) as info:
        validated(validate, value, **wording)
    return str(info.value)


def test_a_refusal_is_the_models_message_as_a_sentence_about_what_was_typed():
    rating = {"option": "o1", "dimension": "culture", "score": 6, "note": "ok\x00"}
    assert _refusal(Rating.model_validate, rating) == "A rating must be a whole number from 1 to 5, not 6."
    assert _refusal(Rating.model_validate, rating | {"score": 3}, subjects={"note": "A note"}) == (
        "A note contains an invisible control character (U+0000); please remove it."
    )
    assert _refusal(Option.model_validate, {"id": "c", "kind": "career", "name": "X", "career": "y"}) == (
        "Only an employer can belong to a career."
    )
    assert _refusal(Workspace.model_validate, {"weights": dict.fromkeys(demo_workspace().weights, 0)}) == (
        "At least one dimension must matter (a weight above 0)."
    )
    note = TypeAdapter(Note).validate_python
    assert _refusal(note, "x" * 2001, subjects={"": "A note"}) == "A note can be at most 2000 characters."
    assert validated(note, "Cafe\u0301") == "Caf\u00e9"


def test_a_key_that_is_not_a_dimension_is_named_in_the_refusal():
    weights = dict(demo_workspace().weights) | {"salary": 3}
    said = _refusal(Workspace.model_validate, {"weights": weights})
    assert said.startswith("'salary' is not one of the ten dimensions ('culture', ")


def test_an_empty_field_gets_its_prompt_and_other_refusals_their_subject():
    contact = {"name": "  ", "role": "x" * 121}
    wording = {"subjects": {"name": "A name", "role": "A role"}, "missing": {"name": "Who was it?"}}
    assert _refusal(Contact.model_validate, contact, **wording) == "Who was it?"
    assert _refusal(Contact.model_validate, contact | {"name": None}, **wording) == "Who was it?"
    assert _refusal(Contact.model_validate, contact | {"name": "Jo"}, **wording) == (
        "A role can be at most 120 characters."
    )


def test_typed_names_follow_the_name_rules_with_their_own_limit():
    name = {"what": "The name you go by", "missing": "Please give a name.", "limit": 5}
    assert typed_name("Ana\tB", **name) == "Ana B"
    for empty in (None, "", " \n "):
        with pytest.raises(TenfoldError, match=r"^Please give a name\.$"):
            typed_name(empty, **name)
    for bad, message in (("Anabel", "can be at most 5 characters"), ("\u200b", "must have at least one visible "
                         "character"), ("A\x1b", "contains an invisible control character (U+001B); please remove it")):
        with pytest.raises(TenfoldError) as info:
            typed_name(bad, **name)
        assert str(info.value) == f"The name you go by {message}."
