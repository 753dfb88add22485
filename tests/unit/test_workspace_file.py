"""The workspace file: the bad-file corpus, the canonical round trip, renumbering and the schema."""

from __future__ import annotations

import builtins
import datetime as dt
import json
import pickle
import re
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.demo import demo_workspace
from core.dimensions import DIMENSION_KEYS
from core.models import MAX_INTERVIEWS, MAX_OPTIONS, Contact, Interview, Option, Rating, Workspace
from core.scoring import standing
from core.workspace_file import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS_SHOWN,
    WorkspaceFileError,
    contents_summary,
    dump_workspace,
    parse_workspace,
    renumber_ids,
    workspace_json_schema,
    workspace_json_schema_text,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad_workspaces"
EXPECTED: dict[str, str] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "tests" / "data"))
from make_bad_workspaces import GENERATED  # noqa: E402

# Phrases that would mean a raw library message reached the participant.
NOT_PLAIN = ("Input should", "validation error", "Traceback", "pydantic", "Value error,")


def _problems(data: bytes) -> list[str]:
    with pytest.raises(WorkspaceFileError) as info:
        parse_workspace(data)
    problems = info.value.problems
    assert problems and all(isinstance(p, str) and p for p in problems)
    assert str(info.value) == "\n".join(problems)
    return problems


def _design_example() -> bytes:
    text = (ROOT / "docs" / "workspace-format.md").read_text(encoding="utf-8")
    return re.search(r"```json\n(.*?)```", text, re.S).group(1).encode("utf-8")


# --- the bad-file corpus --------------------------------------------------------------------


def test_the_corpus_and_its_expectations_match_file_for_file():
    files = {p.name for p in CORPUS.iterdir()} - {"expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_is_refused_with_its_message(name):
    problems = _problems((CORPUS / name).read_bytes())
    assert EXPECTED[name] in "\n".join(problems), problems
    assert not any(phrase in p for p in problems for phrase in NOT_PLAIN), problems


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_each_generated_bad_file_is_refused_with_its_message(name, tmp_path):
    write, fragment = GENERATED[name]
    path = tmp_path / name
    write(path)
    problems = _problems(path.read_bytes())
    assert fragment in "\n".join(problems), problems


def test_a_50_mb_file_is_refused_by_size_before_it_is_decoded(tmp_path):
    GENERATED["huge_50mb.json"][0](tmp_path / "big.json")
    data = (tmp_path / "big.json").read_bytes()
    assert len(data) > 50_000_000
    started = time.perf_counter()
    (problem,) = _problems(data)
    assert time.perf_counter() - started < 0.5
    assert problem == (
        f"The file is {len(data):,} bytes (50 MB); a workspace file can be at most 10,000,000 bytes (10 MB)."
    )


def test_the_largest_workspace_the_app_holds_fits_in_a_file_with_room_for_notes():
    from bench.bench_compare_page import synthetic_workspace  # plausible content, one to three options per interview

    ws = synthetic_workspace(MAX_OPTIONS, MAX_INTERVIEWS)
    size = len(dump_workspace(renumber_ids(ws)))
    assert size < MAX_FILE_BYTES / 4, size


def test_the_size_limit_is_exact():
    body = dump_workspace(demo_workspace())
    padded = body + b" " * (MAX_FILE_BYTES - len(body))
    assert parse_workspace(padded) == parse_workspace(body)
    assert "at most 10,000,000 bytes" in _problems(padded + b" ")[0]


def test_nothing_is_ever_unpickled_or_evaluated(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a workspace file must never be unpickled or evaluated")

    for module, name in ((pickle, "loads"), (pickle, "load"), (builtins, "eval"), (builtins, "exec")):
        monkeypatch.setattr(module, name, forbidden)
    for name in ("pickle.pkl", "pickle_protocol_0.pkl"):
        GENERATED[name][0](tmp_path / name)
        assert _problems((tmp_path / name).read_bytes())


def test_every_problem_is_listed_up_to_a_limit():
    ws = json.loads(dump_workspace(demo_workspace()))
    ws["options"] += [{"id": f"x{n}", "kind": "career", "name": "", "colour": n} for n in range(60)]
    problems = _problems(json.dumps(ws).encode())
    assert len(problems) == MAX_PROBLEMS_SHOWN + 1
    assert problems[0] == "options[8].name: must not be empty"
    assert "options[8].colour: is not a field Tenfold knows (unknown field)" in problems
    assert problems[-1] == "…and 70 more problems"


def test_a_huge_value_is_not_echoed_in_full():
    ws = json.loads(dump_workspace(demo_workspace()))
    ws["interviews"][0]["ratings"][0]["score"] = "9" * 100_000
    (problem,) = _problems(json.dumps(ws).encode())
    assert problem.startswith("interviews[0].ratings[0].score: a rating must be a whole number from 1 to 5, not '999")
    assert len(problem) <= 300


def test_a_byte_order_mark_is_fine():
    body = dump_workspace(demo_workspace())
    assert parse_workspace(b"\xef\xbb\xbf" + body) == parse_workspace(body)


def test_options_and_interviews_may_be_absent_but_weights_may_not():
    ws = parse_workspace(b'{"format": "tenfold.workspace/1", "weights": ' + json.dumps(
        dict.fromkeys(DIMENSION_KEYS, 2)).encode() + b"}")
    assert ws.options == [] and ws.interviews == [] and ws.name == ""


# --- writing and the round trip --------------------------------------------------------------


def test_the_design_example_is_in_canonical_form():
    example = _design_example()
    assert dump_workspace(parse_workspace(example)) == example


def test_the_demo_round_trips_to_the_same_bytes_and_the_same_workspace():
    ws = demo_workspace()
    data = dump_workspace(ws)
    again = parse_workspace(data)
    assert dump_workspace(again) == data
    assert again == ws


def test_the_file_follows_design_key_order_and_keeps_non_ascii():
    ws = Workspace(
        name="Zoë's 看護 decision 🙂",
        options=[
            Option(id="o1", kind="career", name="Infirmière", leaning=True),
            Option(id="o2", kind="employer", name="Hôpital", career="o1"),
        ],
        interviews=[
            Interview(id="i1", kind="interview", date=dt.date(2026, 11, 2), contact=Contact(name="Zoë"),
                      ratings=[Rating(option="o2", dimension="culture", score=4)]),
        ],
    )
    data = dump_workspace(ws)
    text = data.decode("utf-8")
    assert "Zoë's 看護 decision 🙂" in text and "\\u" not in text
    document = json.loads(text)
    assert list(document) == ["format", "name", "weights", "options", "interviews"]
    assert list(document["weights"]) == list(DIMENSION_KEYS)
    assert list(document["options"][0]) == ["id", "kind", "name", "notes", "leaning"]
    assert list(document["options"][1]) == ["id", "kind", "name", "career", "notes"]
    assert list(document["interviews"][0]) == ["id", "kind", "date", "contact", "notes", "options", "ratings"]
    assert list(document["interviews"][0]["ratings"][0]) == ["option", "dimension", "score", "note"]
    assert text.endswith("}\n")


# Any character an id can carry: not NUL, not a lone surrogate (parse_workspace refuses both).
_chars = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
# Any character a name or note can carry: no control character but tab and line breaks.
_text = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r"), max_size=30)
# Any one-line text (names, roles, organisations): no direction control either (core/models.py).
_line = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r",
                              exclude_characters="".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))),
                max_size=30)


@st.composite
def workspaces(draw) -> Workspace:
    """Any valid workspace: awkward text, employers with and without careers, any ratings."""
    n_options = draw(st.integers(0, 6))
    ids = draw(st.lists(st.text(_chars, min_size=1, max_size=8), min_size=n_options + 5, max_size=n_options + 5,
                        unique=True))
    option_ids, interview_ids = ids[:n_options], ids[n_options:n_options + 5]
    leaning = draw(st.one_of(st.none(), st.integers(0, max(n_options - 1, 0))))
    options = []
    for n, option_id in enumerate(option_ids):
        kind = draw(st.sampled_from(["career", "employer"]))
        careers = [o.id for o in options if o.kind == "career"]
        career = draw(st.one_of(st.none(), st.sampled_from(careers))) if kind == "employer" and careers else None
        options.append(Option(id=option_id, kind=kind, name=f"{draw(_line)} #{n}", notes=draw(_text),
                              career=career, leaning=n == leaning))
    interviews = []
    for interview_id in interview_ids[: draw(st.integers(0, 5))]:
        kind = draw(st.sampled_from(["interview", "self"]))
        pairs = draw(st.lists(st.tuples(st.sampled_from(option_ids), st.sampled_from(DIMENSION_KEYS)),
                              unique=True, max_size=8)) if option_ids else []
        ratings = [Rating(option=o, dimension=d, score=draw(st.integers(1, 5)), note=draw(_text)) for o, d in pairs]
        rated = list(dict.fromkeys(r.option for r in ratings))
        extra = draw(st.lists(st.sampled_from(option_ids), unique=True)) if option_ids else []
        informed = draw(st.one_of(st.none(), st.permutations(rated + [o for o in extra if o not in rated])))
        interviews.append(Interview(
            id=interview_id, kind=kind, date=draw(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))),
            contact=Contact(name=f"C {draw(_line)}", role=draw(_line), organisation=draw(_line))
            if kind == "interview" else None,
            notes=draw(_text), options=informed, ratings=ratings,
        ))
    weights = draw(st.fixed_dictionaries({k: st.integers(0, 5) for k in DIMENSION_KEYS}).filter(
        lambda w: any(w.values())))
    return Workspace(name=draw(_line), weights=weights, options=options, interviews=interviews)


@settings(max_examples=150)
@given(workspaces())
def test_any_workspace_round_trips_to_the_same_bytes_and_content(ws):
    data = dump_workspace(ws)
    again = parse_workspace(data)
    assert dump_workspace(again) == data
    # The same content: only `options=None` ("the rated ones") becomes the explicit list.
    assert again.model_dump(exclude={"interviews"}) == ws.model_dump(exclude={"interviews"})
    for before, after in zip(ws.interviews, again.interviews, strict=True):
        assert after == before.model_copy(update={"options": before.informed})


@settings(max_examples=60)
@given(workspaces())
def test_renumbering_keeps_every_link_and_every_score(ws):
    renumbered = renumber_ids(ws)
    assert [o.id for o in renumbered.options] == [f"o{n}" for n in range(1, len(ws.options) + 1)]
    assert [i.id for i in renumbered.interviews] == [f"i{n}" for n in range(1, len(ws.interviews) + 1)]
    assert renumber_ids(renumbered) == renumbered
    before, after = standing(ws), standing(renumbered)
    assert before.rank.tolist() == after.rank.tolist()
    assert before.score.tolist() == pytest.approx(after.score.tolist(), nan_ok=True)
    assert before.evidence.inherited.tolist() == after.evidence.inherited.tolist()


def test_renumbering_database_ids():
    ws = Workspace(
        options=[
            Option(id="17", kind="employer", name="City Hospital", career="42"),
            Option(id="42", kind="career", name="Nursing", leaning=True),
        ],
        interviews=[Interview(id="9", kind="self", date=dt.date(2026, 1, 1), options=["42", "17"],
                              ratings=[Rating(option="17", dimension="culture", score=4)])],
    )
    renumbered = renumber_ids(ws)
    assert [(o.id, o.career) for o in renumbered.options] == [("o1", "o2"), ("o2", None)]
    (interview,) = renumbered.interviews
    assert interview.id == "i1" and interview.options == ["o2", "o1"]
    assert interview.ratings[0].option == "o1"


def test_contents_summary():
    assert contents_summary(demo_workspace()) == (
        "8 options (3 careers, 5 employers), 6 interviews, 1 self-assessment, 31 ratings"
    )


# --- the schema ---------------------------------------------------------------------------


def test_the_committed_schema_is_the_generated_one():
    committed = (ROOT / "docs" / "workspace.schema.json").read_text(encoding="utf-8")
    assert committed == workspace_json_schema_text(), "run: tenfold schema > docs/workspace.schema.json"


def test_the_schema_accepts_tenfold_files_and_states_the_file_rules():
    schema = workspace_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for data in (dump_workspace(demo_workspace()), _design_example()):
        validator.validate(json.loads(data))
    for name in ("format_missing.json", "format_v2.json", "unknown_top_level_field.json", "rating_6.json",
                 "weight_missing.json", "rating_string_4.json"):
        assert not validator.is_valid(json.loads((CORPUS / name).read_text(encoding="utf-8"))), name


def test_a_huge_key_is_neither_copied_nor_echoed():
    data = b'{"' + b"k" * 1_000_000 + b'": [' + b",".join([b'{"a": 1, "a": 2}'] * 50_000) + b"]}"
    started = time.perf_counter()
    problems = _problems(data)
    assert time.perf_counter() - started < 5
    assert problems[0] == "k" * 39 + "…[0]: the field 'a' appears more than once; keep one"
    assert all(len(p) <= 300 for p in problems)


def test_a_career_and_an_employer_leaning_round_trip_and_a_first_version_file_still_loads():
    # The DESIGN example has one leaning in all, as every file of the first version did.
    old = parse_workspace(_design_example())
    assert [o.id for o in old.leanings.values()] == ["o1"]
    both = json.loads(_design_example())
    both["options"][1]["leaning"] = True
    ws = parse_workspace(json.dumps(both).encode("utf-8"))
    assert {kind: o.id for kind, o in ws.leanings.items()} == {"career": "o1", "employer": "o2"}
    assert parse_workspace(dump_workspace(ws)) == ws
    assert dump_workspace(ws).count(b'"leaning": true') == 2
