"""Direction controls (U+202A–U+202E, U+2066–U+2069): refused in names, isolated in notes, dropped
from names stored before they were refused (core/models.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from core.access import clean_display_name, clean_workshop_name
from core.models import (
    DIRECTION_CONTROLS,
    Contact,
    Interview,
    Option,
    Rating,
    TenfoldError,
    Workspace,
    isolate_direction,
    name_key,
    salvaged_line,
)

RLO, PDF, LRI, FSI, PDI = "\u202e", "\u202c", "\u2066", "\u2068", "\u2069"
CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
MARKS = ["\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("control", CONTROLS)
def test_every_one_line_text_refuses_a_direction_control(control):
    name = f"{control}anaid"
    with pytest.raises(ValidationError, match="reverses or reorders text"):
        Option(id="o", kind="career", name=name)
    for field in ("name", "role", "organisation"):
        with pytest.raises(ValidationError, match=f"U\\+{ord(control):04X}"):
            Contact(**{"name": "J. Doe", field: name})
    with pytest.raises(ValidationError):
        Workspace(name=name)
    for clean in (clean_display_name, clean_workshop_name):
        with pytest.raises(TenfoldError, match="reverses or reorders text"):
            clean(name)


def test_the_refusal_is_a_plain_sentence():
    with pytest.raises(TenfoldError) as refused:
        clean_display_name(f"{RLO}anaid")
    assert str(refused.value) == (
        "The name your counsellor sees contains an invisible character that reverses or reorders text "
        "(U+202E); please remove it."
    )


@pytest.mark.parametrize("mark", MARKS)
def test_direction_marks_are_allowed_and_tell_no_two_names_apart(mark):
    # A mark acts as one invisible letter of its direction: it cannot reverse letters, and
    # right-to-left writers need it. It does not make a second "diana" either.
    assert Option(id="o", kind="career", name=f"ACME {mark}בע״מ").name == f"ACME {mark}בע״מ"
    assert name_key(f"dia{mark}na") == name_key("diana")


def test_notes_keep_their_direction_controls():
    note = f"said {RLO}evif{PDF} twice"
    assert Rating(option="o", dimension="culture", score=3, note=note).note == note
    assert Interview(id="i", kind="self", date="2026-01-01", notes=note).notes == note
    assert Option(id="o", kind="career", name="Nurse", notes=note).notes == note


def test_names_stored_before_the_rule_are_salvaged_not_refused():
    assert salvaged_line(f"{RLO}anaid") == "anaid"
    assert salvaged_line(f" a {LRI}b{PDI}  c ") == "a b c"
    assert salvaged_line("Plain name") == "Plain name"
    assert salvaged_line(None) == ""


def test_isolating_a_note_wraps_each_line_that_needs_it():
    assert isolate_direction("plain\ntext") == "plain\ntext"
    assert isolate_direction(f"{RLO}anaid") == f"{FSI}{RLO}anaid{PDI}"
    assert isolate_direction(f"one\n{RLO}two") == f"one\n{FSI}{RLO}two{PDI}"
    assert isolate_direction("\u200fמזל") == f"{FSI}\u200fמזל{PDI}"
    # A PDI that would close the isolate early is dropped; an isolate left open is closed.
    assert isolate_direction(f"{PDI}{RLO}x") == f"{FSI}{RLO}x{PDI}"
    assert isolate_direction(f"{LRI}x") == f"{FSI}{LRI}x{PDI}{PDI}"


def _isolated_alone(line: str) -> bool:
    """The line's first character opens an isolate that its last closes, and none closes before."""
    depth = 0
    for i, ch in enumerate(line):
        depth += ch in "\u2066\u2067\u2068"
        depth -= ch == PDI
        if depth <= 0:
            return depth == 0 and i == len(line) - 1
    return False


@given(st.text(alphabet=st.sampled_from([*CONTROLS, *MARKS, "a", "א", " ", "\n", "1"]), max_size=30) | st.text())
def test_isolated_text_cannot_reorder_its_surroundings(text):
    isolated = isolate_direction(text)
    assert isolate_direction(isolated) == isolated
    assert len(isolated.split("\n")) == len(text.split("\n"))
    for line in isolated.split("\n"):
        if DIRECTION_CONTROLS.search(line) or any(mark in line for mark in MARKS):
            assert _isolated_alone(line), repr(line)
    assert DIRECTION_CONTROLS.sub("", isolated) == DIRECTION_CONTROLS.sub("", text)
